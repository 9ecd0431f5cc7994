/* The sessions folder as a list: where it is, and what is in it, newest
 * first (collm sessions, collm replay --last). */
#ifndef COLLM_CATALOG_H
#define COLLM_CATALOG_H

#include <stddef.h>
#include <time.h>

#include "../engine/core/err.h"

struct session_entry {
    char path[4096];
    struct timespec mtime; /* when it was last written (to the nanosecond: two
                            * sessions of one second still have an order) */
};

/* The default folder: $XDG_DATA_HOME/collm/sessions, else
 * ~/.local/share/collm/sessions. Not created here. */
int session_dir(char *buf, size_t n, struct err *e);
/* The *.jsonl files of `dir`, the last written first (ties: the later
 * name first, as names begin with the start time). *out is malloc'd; a
 * folder that does not exist is an empty list. */
int session_list(const char *dir, struct session_entry **out, int *n, struct err *e);

#endif
