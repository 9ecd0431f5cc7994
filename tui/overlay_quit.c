/* The quit overlay, while a search runs: y stops it (the session is
 * saved), any other key stays. */
#include "app.h"

static void draw(struct app *a, void *self, struct rect r)
{
    (void)a;
    (void)self;
    (void)r;
    struct rect b;
    pane_center(5, 64, &b);
    mvaddnstr(b.y + 1, b.x + 2, "The search is still running. Quit? It stops here;", b.w - 4);
    mvaddnstr(b.y + 2, b.x + 2, "the session is saved: collm resume continues it.", b.w - 4);
    wattrset(stdscr, theme_attr(ROLE_KEY));
    mvaddnstr(b.y + 3, b.x + 2, "y quit   n stay", b.w - 4);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)self;
    (void)page;
    if (ch == 'y' || ch == 'Y') {
        a->mode->stop(a);
        app_quit(a);
    }
    return IGNORED; /* closes, either way */
}

const struct pane_ops overlay_quit = {"Quit", 0, NULL, draw, key, NULL, NULL};
