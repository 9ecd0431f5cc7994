/* The Navigator's strategy as text (DESIGN §1): sections # SUMMARY,
 * # KEY PATTERNS, # NAVIGATION DIRECTIONS (one ## subsection per decision
 * dimension, then ## how to search). The offline Navigator writes it from a
 * `struct plan`; the offline Generator reads a plan back from any strategy
 * text, its own, an LLM's or one a person edited, so the text is what
 * drives the search. */
#ifndef COLLM_STRATEGY_H
#define COLLM_STRATEGY_H

#include <stddef.h>

#include "../core/arch.h"
#include "../core/strbuf.h"
#include "../spaces/space.h"

#define PLAN_MAX_CHOICES 16
#define PLAN_MAX_ANCHORS 8

struct plan {
    int ndims;
    /* preference for choice c of dimension d: > 0 prefer, < 0 avoid; in
     * standard deviations of the objective. has[d][c]: it was stated. */
    double w[ARCH_MAX_DIMS][PLAN_MAX_CHOICES];
    unsigned char has[ARCH_MAX_DIMS][PLAN_MAX_CHOICES];
    struct arch anchors[PLAN_MAX_ANCHORS]; /* exploit around these, best first */
    double anchor_value[PLAN_MAX_ANCHORS];
    int nanchors;
    double exploit;   /* share of candidates that change an anchor, 0..1 */
    int radius;       /* at most this many dimensions changed per anchor */
};

/* Parses what it can; missing parts keep the defaults (no preference,
 * exploit 0.5, radius 2). Returns how many preferences and anchors it found. */
int strategy_parse(const char *text, const struct space *s, struct plan *p);

/* Appends the NAVIGATION DIRECTIONS section for `p`. */
void strategy_write_directions(const struct plan *p, const struct space *s, struct strbuf *out);

#endif
