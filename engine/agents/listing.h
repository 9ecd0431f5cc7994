/* What the LLM agents' prompts list about the search so far: results,
 * what the Coordinator refused and why, the visited architectures and the
 * ones a person vetoed. Plain text for the prompt templates; the test
 * accuracy (REPORT metric) is never in it (DESIGN §10). */
#ifndef COLLM_LISTING_H
#define COLLM_LISTING_H

#include "../cand/cand.h"
#include "../core/state.h"
#include "../core/strbuf.h"
#include "../spaces/space.h"

/* "- ARCH  flops=...  valid_acc=..." for one evaluated architecture. */
void listing_result(const struct state *st, const struct record *r, struct strbuf *t);
/* The candidates rejected from iteration `from_iter` on; returns how many. */
int listing_rejected(const struct state *st, int from_iter, struct strbuf *t);
/* For the Generator: the latest evaluated ones, those being evaluated,
 * `pending` (proposed earlier this iteration, may be NULL), then every one
 * a person vetoed; "none yet" when there is nothing. */
void listing_visited(const struct state *st, const struct space *s,
                     const struct cand_list *pending, struct strbuf *t);

#endif
