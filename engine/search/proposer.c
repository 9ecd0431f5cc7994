#include "proposer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cand_list_init(struct cand_list *l)
{
    memset(l, 0, sizeof *l);
}

void cand_list_clear(struct cand_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->items[i].text);
    l->n = 0;
}

void cand_list_free(struct cand_list *l)
{
    cand_list_clear(l);
    free(l->items);
    cand_list_init(l);
}

static struct cand_item *push(struct cand_list *l)
{
    if (l->n == l->cap) {
        int ncap = l->cap ? l->cap * 2 : 16;
        struct cand_item *ni = realloc(l->items, (size_t)ncap * sizeof *ni);
        if (!ni)
            return NULL;
        l->items = ni;
        l->cap = ncap;
    }
    struct cand_item *it = &l->items[l->n++];
    memset(it, 0, sizeof *it);
    return it;
}

int cand_list_add_arch(struct cand_list *l, const struct arch *a)
{
    struct cand_item *it = push(l);
    if (!it)
        return -1;
    it->has_arch = 1;
    it->arch = *a;
    return 0;
}

int cand_list_add_text(struct cand_list *l, const char *text)
{
    char *t = strdup(text);
    struct cand_item *it = t ? push(l) : NULL;
    if (!it) {
        free(t);
        return -1;
    }
    it->text = t;
    return 0;
}

int cand_list_has(const struct cand_list *l, const struct arch *a)
{
    for (int i = 0; l && i < l->n; i++)
        if (l->items[i].has_arch && arch_eq(&l->items[i].arch, a))
            return 1;
    return 0;
}

int propose_fits(const struct propose_ctx *c, const struct arch *a)
{
    if (!c->cons || c->cons->n == 0)
        return 1;
    double m[METRIC_MAX] = {0};
    if (space_cost(c->space, a, m, NULL) < 0)
        return 0;
    return constraint_violated(c->cons, m) < 0;
}

int propose_is_fresh(const struct propose_ctx *c, const struct arch *a)
{
    return !state_has_seen(c->st, a) && propose_fits(c, a);
}

int propose_sample_fresh(const struct propose_ctx *c, struct rng *r, int tries,
                         const struct cand_list *pending, struct arch *out)
{
    for (int i = 0; i < tries; i++) {
        space_sample(c->space, r, out);
        if (propose_is_fresh(c, out) && !cand_list_has(pending, out))
            return 1;
    }
    /* Sampling keeps missing: most of the space is used up. A countable
     * space is walked from a random start so the last few fresh ones are
     * still found, and "exhausted" means exactly that. */
    size_t n = c->space->size;
    if (n == 0 || n > 10000000)
        return 0;
    size_t start = (size_t)(rng_next(r) % n);
    for (size_t i = 0; i < n; i++) {
        space_nth(c->space, (start + i) % n, out);
        if (propose_is_fresh(c, out) && !cand_list_has(pending, out))
            return 1;
    }
    return 0;
}

static const struct {
    struct algo_info info;
    struct proposer *(*open)(struct proposer *p, struct err *e);
} algos[] = {
    {{"random", "random search: uniform samples, never the same twice"}, random_open},
    {{"rea", "regularized evolution (aging population, tournament, one-edge mutation)"},
     rea_open},
    {{"local", "local search: best-improvement over one-change neighbours, random restarts"},
     local_open},
    {{"collm", "CoLLM-NAS: a Navigator writes strategy, a Generator writes candidates "
               "(offline agents unless an LLM is configured)"},
     collm_open},
    {{"ofa-ea", "OFA's evolutionary search (ofa-mbv3 only): population 100, 500 generations"},
     ofa_ea_open},
};
#define NALGOS ((int)(sizeof algos / sizeof algos[0]))

const struct algo_info *proposer_catalogue(int *n)
{
    static struct algo_info infos[NALGOS];
    for (int i = 0; i < NALGOS; i++)
        infos[i] = algos[i].info;
    *n = NALGOS;
    return infos;
}

void algo_opts_default(struct algo_opts *o)
{
    /* NAS-Bench-201 paper's REA: population 10, sample size 10 */
    *o = (struct algo_opts){.batch = 0, .population = 10, .tournament = 10,
                            .prior = 1.0, .ea_population = 100, .generations = 500,
                            .mutate_prob = 0.1};
}

struct proposer *proposer_open(const char *algo, const struct space *s, uint64_t seed,
                               const struct algo_opts *o, struct err *e)
{
    for (int i = 0; i < NALGOS; i++) {
        if (strcmp(algo, algos[i].info.name) != 0)
            continue;
        struct proposer *p = calloc(1, sizeof *p);
        if (!p)
            return err_set(e, algo, "out of memory"), NULL;
        p->name = algos[i].info.name;
        p->source = SRC_ALGORITHM;
        p->space = s;
        rng_seed(&p->rng, seed);
        if (o)
            p->opts = *o;
        else
            algo_opts_default(&p->opts);
        if (!algos[i].open(p, e)) {
            free(p);
            return NULL;
        }
        return p;
    }
    char list[128] = "";
    for (int i = 0; i < NALGOS; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, algos[i].info.name, sizeof list - strlen(list) - 1);
    }
    err_usage(e, "--algo", "unknown algorithm '%s'; known: %s", algo, list);
    return NULL;
}

/* "RNGHEX" or "RNGHEX OWN-STATE" */
char *proposer_save(struct proposer *p)
{
    char rng[65];
    rng_save(&p->rng, rng);
    char *own = p->ops->save ? p->ops->save(p) : NULL;
    size_t n = 66 + (own ? strlen(own) : 0);
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%s", rng, own ? " " : "", own ? own : "");
    free(own);
    return out;
}

/* saved == NULL: nothing was proposed before the cut; the proposer is as
 * new, but may still take up what the agents wrote (a first strategy). */
int proposer_restore(struct proposer *p, const char *saved, const struct state *st,
                     struct err *e)
{
    if (saved && (strlen(saved) < 64 || rng_load(&p->rng, saved) < 0))
        return err_set(e, "state", "the recorded proposer state is damaged");
    const char *own = saved && saved[64] == ' ' ? saved + 65 : NULL;
    if (p->ops->restore && (own || !saved))
        return p->ops->restore(p, own, st, e);
    return 0;
}

void proposer_close(struct proposer *p)
{
    if (!p)
        return;
    if (p->ops && p->ops->destroy)
        p->ops->destroy(p);
    free(p);
}
