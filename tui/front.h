/* The Pareto front of the cost on screen (`c` picks it), for the plot and
 * the history: computed for that cost, not only the one the search keeps,
 * and again only when the state or the cost changed since the last ask. */
#ifndef COLLM_TUI_FRONT_H
#define COLLM_TUI_FRONT_H

#include <stdint.h>

#include "../engine/core/state.h"

struct front_view {
    const struct state *st; /* what `on` was computed for */
    int cost;
    uint64_t seq;
    size_t nrec;
    unsigned char *on; /* on[i]: record i is on the front */
};

/* 1 when record `rec` of `st` is on the front of the objective against
 * `cost`; 0 too when memory ran out (the plot loses its highlight only). */
int front_view_has(struct front_view *f, const struct state *st, int cost, int rec);
void front_view_free(struct front_view *f);

#endif
