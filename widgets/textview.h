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

#endif
