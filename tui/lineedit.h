/* The one line editor behind every prompt (an architecture to inject or
 * edit, the history filter, replay's event number): keys in, text out. */
#ifndef COLLM_TUI_LINEEDIT_H
#define COLLM_TUI_LINEEDIT_H

#include <stddef.h>

struct lineedit {
    char text[1024];
    size_t size;          /* the text holds at most size - 1 characters */
    int (*accept)(int ch); /* which characters it takes; NULL: printable ASCII */
};

enum lineedit_result { LINEEDIT_TYPING, LINEEDIT_ENTER, LINEEDIT_CANCEL };

/* Starts over with `text` (may be NULL). */
void lineedit_start(struct lineedit *e, const char *text, size_t size, int (*accept)(int ch));
/* Esc cancels, Enter submits, Backspace deletes, Ctrl-U clears. */
enum lineedit_result lineedit_key(struct lineedit *e, int ch);

#endif
