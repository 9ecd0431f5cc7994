/* Where the program's data files (benchmark tables, weights) live. */
#ifndef COLLM_DATADIR_H
#define COLLM_DATADIR_H

#include <stddef.h>

/* The data directory, first match of: $COLLM_DATA_DIR; `data/` beside the
 * executable, in ../share/collm/ from it (an installed binary), or one or
 * two levels up (a build tree); the directory the build was configured
 * with. Never NULL. */
const char *datadir_default(void);
/* The same search for prompt templates: $COLLM_PROMPTS_DIR, `prompts/`
 * beside the executable or above it, then the configured one. */
const char *promptdir_default(void);
/* dir/name into buf (dir NULL: the default). */
const char *datadir_path(const char *dir, const char *name, char *buf, size_t n);

#endif
