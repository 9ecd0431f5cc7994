/* Text in $VISUAL or $EDITOR (else vi), the way git and mutt do it: leave
 * the screen, run the editor on a file, come back and redraw. The strategy
 * (E) and the architecture prompt (C-x in e/i) both go through it. */
#ifndef COLLM_TUI_EDITOR_H
#define COLLM_TUI_EDITOR_H

#include <stddef.h>

/* The file as the editor left it (the caller frees it), or NULL with why
 * in `why`: no file could be made, or the editor failed. */
char *editor_run(const char *text, char *why, size_t nwhy);

#endif
