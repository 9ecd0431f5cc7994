/* The one line editor behind every prompt (an architecture to inject or
 * edit, the history filter, replay's event number): keys in, text out, as
 * readline has them: a cursor, C-a C-e C-u C-k C-w, and each prompt's own
 * history on Up and Down. It knows the terminal only by its key codes, so
 * it is tested without one; the core draws what lineedit_view gives. */
#ifndef COLLM_TUI_LINEEDIT_H
#define COLLM_TUI_LINEEDIT_H

#include <stddef.h>

#define LINEEDIT_MAX 1024
#define LINEEDIT_HISTORY 16

/* What was submitted in one prompt, oldest first. */
struct lineedit_history {
    char item[LINEEDIT_HISTORY][LINEEDIT_MAX];
    int n;
};

struct lineedit {
    char text[LINEEDIT_MAX];
    size_t size;          /* the text holds at most size - 1 characters */
    int (*accept)(int ch); /* which characters it takes; NULL: printable ASCII */
    size_t cur;           /* the cursor, before text[cur] */
    size_t scroll;        /* the first character lineedit_view shows */
    struct lineedit_history *hist; /* NULL: none */
    int back;             /* how far back in the history Up went; 0: the text typed */
    char draft[LINEEDIT_MAX]; /* the text typed, while Up shows older ones */
};

enum lineedit_result { LINEEDIT_TYPING, LINEEDIT_ENTER, LINEEDIT_CANCEL, LINEEDIT_EDITOR };

/* Starts over with `text` (may be NULL), the cursor at its end, and no
 * history until lineedit_history gives one. */
void lineedit_start(struct lineedit *e, const char *text, size_t size, int (*accept)(int ch));
void lineedit_history(struct lineedit *e, struct lineedit_history *h);
/* Replaces the text with `text` made one line (as an editor leaves it):
 * each run of white space is one space, none at the ends, and what the
 * prompt does not take is left out. Returns -1 when it had to be cut. */
int lineedit_set(struct lineedit *e, const char *text);
/* Esc cancels; Enter submits (and keeps the text in the history); C-x asks
 * for $EDITOR. Left/Right (C-b C-f), Home/End (C-a C-e) move; Backspace
 * and Delete delete; C-u and C-k delete to the start and to the end, C-w
 * the word before the cursor; Up/Down (C-p C-n) go through the history. */
enum lineedit_result lineedit_key(struct lineedit *e, int ch);
/* The `width` cells (>= 3) showing the text, scrolled sideways so the
 * cursor is on one of them: `<` and `>` where it goes on past the edges,
 * `_` where the cursor stands after the end. Writes width + 1 bytes to
 * `out`; returns the cursor's cell. */
int lineedit_view(struct lineedit *e, int width, char *out);

#endif
