/* The mouse: ncurses' events made into what the keys already do, so a click
 * and Enter, the wheel and the arrows, cannot disagree. */
#include <string.h>

#include "app.h"

/* Lines a notch of the wheel moves, as terminals and less scroll. */
#define WHEEL_LINES 3

static const struct pane_ops *const panes[P__COUNT] = {
#define X(id, ops, wide, narrow) &ops,
    PANES(X)
#undef X
};

void mouse_start(struct app *a, int on)
{
    a->mouse = on;
    /* click, not press: a press and its release become one click, and the
     * second click of two becomes a double click */
    if (on)
        mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
                  NULL);
}

void mouse_read(struct app *a)
{
    MEVENT m;
    while (getmouse(&m) == OK) {
        if (m.bstate & BUTTON1_DOUBLE_CLICKED)
            app_mouse(a, MOUSE_DOUBLE, m.y, m.x);
        else if (m.bstate & BUTTON1_CLICKED)
            app_mouse(a, MOUSE_CLICK, m.y, m.x);
        else if (m.bstate & BUTTON4_PRESSED)
            app_mouse(a, MOUSE_WHEEL_UP, m.y, m.x);
        else if (m.bstate & BUTTON5_PRESSED)
            app_mouse(a, MOUSE_WHEEL_DOWN, m.y, m.x);
    }
}

/* The pane whose rect holds (y, x), or -1. */
static int pane_at(const struct app *a, int y, int x)
{
    for (int i = 0; i < P__COUNT; i++) {
        struct rect r = a->rect[i];
        if (a->shown[i] && y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w)
            return i;
    }
    return -1;
}

void app_mouse(struct app *a, enum mouse_kind k, int y, int x)
{
    int wheel = k == MOUSE_WHEEL_UP || k == MOUSE_WHEEL_DOWN, arrow = k == MOUSE_WHEEL_UP ? KEY_UP
                                                                                         : KEY_DOWN;
    /* a prompt is being typed into, and the quit question wants a key */
    if (!a->mouse || a->prompt || a->overlay == O_QUIT || COLS < MIN_COLS || LINES < MIN_ROWS)
        return;
    if (a->overlay != O_NONE) { /* the help, a detail: the wheel scrolls it */
        for (int i = 0; wheel && i < WHEEL_LINES; i++)
            app_key(a, arrow);
        return;
    }
    /* where things are now: rows may have come in since the last frame, and
     * a script clicks before any frame is drawn */
    app_draw(a);
    int p = pane_at(a, y, x);
    if (p < 0 || !panes[p]->focusable) {
        if (wheel) /* over the plot or the status line: the focused pane */
            for (int i = 0; i < WHEEL_LINES; i++)
                app_key(a, arrow);
        return;
    }
    if (wheel) {
        int was = a->focus;
        a->focus = p; /* the arrows reach the pane under the pointer, */
        for (int i = 0; i < WHEEL_LINES; i++)
            app_key(a, arrow);
        a->focus = was; /* which does not take the focus */
        app_mark(a);
        return;
    }
    int focused = a->focus == p;
    a->focus = p;
    a->note[0] = '\0';
    int r = panes[p]->click ? panes[p]->click(a, a->self[p], y - a->rect[p].y,
                                              x - a->rect[p].x)
                            : -1;
    /* the selection is shown only in the focused pane: a click on a pane
     * just focused picks a row, it does not open one the person never saw */
    if (r >= 0 && (k == MOUSE_DOUBLE || (r == 1 && focused)))
        app_key(a, '\n');
    app_mark(a);
}
