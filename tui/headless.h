/* Headless output of a search: a progress line per iteration and a final
 * summary, or the events as JSON Lines (--json). A search listener. */
#ifndef COLLM_HEADLESS_H
#define COLLM_HEADLESS_H

#include <stdio.h>

#include "../engine/core/event.h"
#include "../engine/core/state.h"

struct headless {
    FILE *out;
    int json;       /* print events as JSON Lines */
    int timestamps; /* add "t" to JSON events */
    int quiet;      /* summary only */
    int strategies; /* print each strategy */
    int header_done;
};

void headless_init(struct headless *h, FILE *out, int json, int timestamps, int quiet);
void headless_on_event(void *ud, const struct event *ev, const struct state *st);
/* The closing summary (text mode). */
void headless_summary(const struct headless *h, const struct state *st);

#endif
