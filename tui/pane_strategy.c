/* The Strategy pane: the Navigator's current strategy, its sections
 * standing out; who wrote it, and whether it waits for the person. */
#include <stdlib.h>
#include <string.h>

#include "../widgets/textview.h"
#include "app.h"

static void *init(struct app *a)
{
    (void)a;
    return calloc(1, sizeof(struct textview));
}

static void draw(struct app *a, void *self, struct rect r)
{
    struct textview *tv = self;
    const struct state *st = app_state(a);
    const struct strategy_rec *sr = state_strategy(st);
    char by[96] = "";
    if (sr)
        snprintf(by, sizeof by, "it %d, %s%s", sr->iter,
                 strcmp(sr->by, "user") == 0 ? "yours"
                 : strncmp(sr->by, "llm:", 4) ? "offline" : sr->by + 4,
                 a->mode->strategy_waiting(a) ? " - REVIEW: a go, E edit" : "");
    pane_frame(a, P_STRATEGY, by);
    textview_set(tv, sr ? sr->text
                        : (st->info.navigator && st->info.navigator[0]
                               ? "(waiting for the Navigator's first strategy)"
                               : "(this algorithm writes no strategy)"));
    textview_draw(tv, stdscr, r.y + 1, r.x + 1, r.h - 2, r.w - 2);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    return textview_key(self, ch, page) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    textview_free(self);
    free(self);
}

const struct pane_ops pane_strategy = {"Strategy", 1, init, draw, key, NULL, free_,
                                      NULL};
