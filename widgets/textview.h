/* Scrollable text whose markdown-style headings (# and ##) stand out:
 * the Navigator's strategy, the help, an architecture's detail. */
#ifndef COLLM_TEXTVIEW_H
#define COLLM_TEXTVIEW_H

#include <curses.h>

struct textview {
    char *text;
    int top;
    int lines; /* wrapped lines at the last draw */
};

void textview_set(struct textview *v, const char *text); /* copies; keeps the scroll if same */
void textview_free(struct textview *v);
int textview_key(struct textview *v, int ch, int page);
/* Draws wrapped at `w` columns; returns how many wrapped lines there are. */
int textview_draw(struct textview *v, WINDOW *win, int y, int x, int h, int w);
/* Where the last draw's `h` rows are in the text ("18-34 of 45", as less
 * and tig say it) and which ways it scrolls (up, down: 0 or 1); 0 when
 * the whole text fits and there is nothing to say. */
int textview_where(const struct textview *v, int h, char *buf, size_t n, int *up, int *down);

#endif
