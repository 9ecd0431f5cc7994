/* Regularized evolution (Real et al. 2019), as the NAS-Bench-201 paper runs
 * it: an aging population of the last P evaluated architectures, a parent
 * chosen as the best of S sampled without replacement, and a child that
 * differs from it in one decision. Duplicates cost nothing in our budget, so
 * a child already seen is redrawn instead of evaluated again. */
#include <stddef.h>
#include <stdlib.h>

#include "proposer.h"

struct rea_opts {
    int batch, population, tournament;
};

#define MUTATION_TRIES 100
#define SAMPLE_TRIES 100000

static double objective(const struct state *st, const struct record *r)
{
    return r->m[st->info.objective];
}

/* Best of `tournament` members drawn without replacement from the last
 * `pop` records (a partial Fisher-Yates over their indices). */
static const struct record *tournament(struct proposer *p, const struct state *st, int pop)
{
    int idx[256];
    int base = (int)st->nrec - pop;
    for (int i = 0; i < pop; i++)
        idx[i] = base + i;
    const struct rea_opts *o = p->opts;
    int k = o->tournament < pop ? o->tournament : pop;
    const struct record *best = NULL;
    for (int i = 0; i < k; i++) {
        int j = i + (int)rng_below(&p->rng, (uint32_t)(pop - i));
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        const struct record *r = &st->rec[idx[i]];
        if (!best || objective(st, r) > objective(st, best))
            best = r;
    }
    return best;
}

static int propose(struct proposer *p, const struct propose_ctx *c, struct cand_list *out,
                   struct err *e)
{
    const struct state *st = c->st;
    const struct rea_opts *o = p->opts;
    int batch = o->batch > 0 ? o->batch : 1;
    int n = c->want < batch ? c->want : batch;
    for (int i = 0; i < n; i++) {
        struct arch child;
        int found = 0;
        if ((int)st->nrec >= o->population) {
            const struct record *parent = tournament(p, st, o->population);
            for (int t = 0; t < MUTATION_TRIES && !found; t++) {
                space_mutate(c->space, &p->rng, &parent->arch, &child);
                found = propose_is_fresh(c, &child) && !cand_list_has(out, &child);
            }
        }
        /* Still filling the population, or every nearby child is known: a
         * fresh random architecture keeps the search moving. */
        if (!found && !propose_sample_fresh(c, &p->rng, SAMPLE_TRIES, out, &child))
            break;
        if (cand_list_add_arch(out, &child) < 0)
            return err_set(e, "rea", "out of memory");
    }
    return 0;
}

static const struct proposer_ops ops = {.propose = propose};

static struct proposer *rea_open(struct proposer *p, struct err *e)
{
    const struct rea_opts *o = p->opts;
    if (o->batch < 0)
        return err_usage(e, "--batch", "must be at least 1"), NULL;
    if (o->population < 1 || o->population > 256)
        return err_usage(e, "--population", "must be between 1 and 256"), NULL;
    if (o->tournament < 1 || o->tournament > o->population)
        return err_usage(e, "--tournament", "must be between 1 and the population (%d)",
                         o->population), NULL;
    p->ops = &ops;
    return p;
}

/* The NAS-Bench-201 paper's REA: population 10, sample size 10. */
static const struct algo_opt options[] = {
    {"batch", ALGO_INT, offsetof(struct rea_opts, batch), 1, "N", "candidates per iteration"},
    {"population", ALGO_INT, offsetof(struct rea_opts, population), 10, "N",
     "population size"},
    {"tournament", ALGO_INT, offsetof(struct rea_opts, tournament), 10, "N",
     "tournament sample size"},
    {0},
};

const struct algo_kind rea_algo = {
    "rea", "regularized evolution (aging population, tournament, one-edge mutation)", rea_open,
    options, sizeof(struct rea_opts), NULL,
};
