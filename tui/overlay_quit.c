/* The quit overlay, while a search runs: y stops it, any other key stays.
 * The search holds while the person decides (live.c pauses it), and the
 * text says what quitting keeps: the session's path, or nothing. */
#include <string.h>

#include "app.h"

static void draw(struct app *a, void *self, struct rect r)
{
    (void)self;
    (void)r;
    const char *path = a->live.session;
    struct rect b;
    int len = path ? (int)strlen(path) : 0;
    pane_center(path ? 6 : 5, len + 4 > 64 ? len + 4 : 64, &b); /* the path whole if it fits */
    int w = b.w - 4, y = b.y + 1;
    mvaddnstr(y++, b.x + 2, "The search is still running. Quit? It stops here;", w);
    if (path) {
        mvaddnstr(y++, b.x + 2, "the session is saved (collm resume continues it):", w);
        if (len > w) /* a long path keeps its end, the file's name */
            mvprintw(y++, b.x + 2, "...%s", path + len - (w - 3));
        else
            mvaddnstr(y++, b.x + 2, path, w);
    } else {
        mvaddnstr(y++, b.x + 2, "nothing is saved (--no-session): it cannot resume.", w);
    }
    wattrset(stdscr, theme_attr(ROLE_KEY));
    mvaddnstr(y, b.x + 2, "y quit   n stay", w);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)self;
    (void)page;
    if (ch == 'y' || ch == 'Y') {
        a->mode->stop(a);
        app_quit(a);
    } else if (a->live.quit_held) {
        search_resume(a->live.s);
    }
    a->live.quit_held = 0;
    return IGNORED; /* closes, either way */
}

const struct pane_ops overlay_quit = {"Quit", 0, NULL, draw, key, NULL, NULL, NULL};
