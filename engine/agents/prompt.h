/* Prompt templates: plain text files in prompts/<space family>/ with named
 * placeholders such as {strategy} (DESIGN §6). A placeholder is a '{', a
 * lowercase name and a '}'; any other brace is text, so JSON examples in a
 * prompt need no escaping. --prompts DIR points at a user's own set. */
#ifndef COLLM_PROMPT_H
#define COLLM_PROMPT_H

#include "../core/err.h"

struct prompt_var {
    const char *name;
    const char *value;
};

/* Renders DIR/FAMILY/NAME.txt (dir NULL: the default prompts folder).
 * Returns a malloc'd string, or NULL with `e` naming the file, the line and
 * the unknown placeholder, or why the file could not be read. */
char *prompt_render(const char *dir, const char *family, const char *name,
                    const struct prompt_var *vars, int nvars, struct err *e);

#endif
