/* Candidates: the list a proposer or an agent fills, and the tests a
 * candidate must pass before it is worth proposing. Below both the search
 * (proposers) and the agents, which share them. */
#ifndef COLLM_CAND_H
#define COLLM_CAND_H

#include "../core/arch.h"
#include "../core/constraint.h"
#include "../core/rng.h"
#include "../core/state.h"
#include "../spaces/space.h"

/* One proposed candidate: an arch value (algorithms) or raw text that the
 * Coordinator still has to decode and may reject as invalid (agents). */
struct cand_item {
    int has_arch;
    struct arch arch;
    char *text;
};

struct cand_list {
    struct cand_item *items;
    int n, cap;
};

void cand_list_init(struct cand_list *l);
void cand_list_free(struct cand_list *l);
void cand_list_clear(struct cand_list *l);
int cand_list_add_arch(struct cand_list *l, const struct arch *a);
int cand_list_add_text(struct cand_list *l, const char *text);

/* What a proposer may look at. It sees the objective of each record, never
 * the REPORT metric (test accuracy): the protocol of DESIGN §10. */
struct propose_ctx {
    const struct state *st;
    const struct space *space;
    const struct constraint *cons;
    int want; /* at most this many: the budget left */
};

/* 1 if `a` satisfies the constraint (costs are known before evaluation). */
int propose_fits(const struct propose_ctx *c, const struct arch *a);
/* 1 if `a` is neither evaluated nor known to break the constraint, and fits. */
int propose_is_fresh(const struct propose_ctx *c, const struct arch *a);
/* A random fresh architecture by rejection sampling; 0 if none was found
 * in `tries` draws (the space is nearly exhausted under the constraint). */
int propose_sample_fresh(const struct propose_ctx *c, struct rng *r, int tries,
                         const struct cand_list *pending, struct arch *out);
int cand_list_has(const struct cand_list *l, const struct arch *a);

#endif
