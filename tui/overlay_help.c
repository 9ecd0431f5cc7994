/* The help overlay: every key, from the action table. Arrows scroll it;
 * any other key closes it. */
#include <stdlib.h>

#include "../widgets/textview.h"
#include "app.h"

static void *init(struct app *a)
{
    (void)a;
    return calloc(1, sizeof(struct textview));
}

static void draw(struct app *a, void *self, struct rect r)
{
    (void)a;
    (void)r;
    struct rect b;
    textview_set(self, actions_help());
    pane_center(LINES - 2, 84, &b);
    textview_draw(self, stdscr, b.y + 1, b.x + 2, b.h - 2, b.w - 4);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    (void)page;
    return textview_key(self, ch, LINES - 4) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    textview_free(self);
    free(self);
}

const struct pane_ops overlay_help = {"Help", 0, init, draw, key, NULL, free_};
