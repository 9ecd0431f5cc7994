/* OFA's evolutionary search (ofa/tutorial/evolution_finder.py, restated in
 * data/ofa/README.md §4): a population of P feasible architectures, then
 * per generation the best quarter as parents, half the children by mutation
 * (each of the resolution, every block's kernel and expansion together, and
 * every depth resampled with probability p) and half by uniform crossover,
 * every child redrawn until it satisfies the constraint. Our budget counts
 * distinct architectures: a child already evaluated is looked up, not asked
 * of the predictor again (OFA would ask again), so the queries it reports
 * are the distinct evaluations. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../spaces/ofa.h"
#include "proposer.h"

#define REDRAWS 10000

struct ofa_ea_opts {
    int population, generations;
    double mutate_prob;
};

struct member {
    struct arch a;
    double v;
};

struct impl {
    struct arch *pool; /* the last generation's parents and children */
    int npool, cap, generation;
};

static int by_value(const void *x, const void *y)
{
    const struct member *a = x, *b = y;
    return (a->v < b->v) - (a->v > b->v);
}

static int add(struct impl *im, const struct arch *a)
{
    if (im->npool == im->cap) {
        int cap = im->cap ? im->cap * 2 : 256;
        struct arch *n = realloc(im->pool, (size_t)cap * sizeof *n);
        if (!n)
            return -1;
        im->pool = n;
        im->cap = cap;
    }
    im->pool[im->npool++] = *a;
    return 0;
}

static void mutate(struct proposer *p, const struct arch *parent, struct arch *c)
{
    double q = ((const struct ofa_ea_opts *)p->opts)->mutate_prob;
    *c = *parent;
    if (rng_double(&p->rng) < q)
        c->v[OFA_DIM_R] = (uint8_t)rng_below(&p->rng, 5);
    for (int i = 0; i < OFA_SLOTS; i++)
        if (rng_double(&p->rng) < q) { /* kernel and expansion together */
            c->v[i] = (uint8_t)rng_below(&p->rng, 3);
            c->v[OFA_SLOTS + i] = (uint8_t)rng_below(&p->rng, 3);
        }
    for (int st = 0; st < OFA_STAGES; st++)
        if (rng_double(&p->rng) < q)
            c->v[OFA_DIM_D + st] = (uint8_t)rng_below(&p->rng, 3);
}

static void crossover(struct proposer *p, const struct arch *x, const struct arch *y,
                      struct arch *c)
{
    *c = *x;
    for (int d = 0; d < OFA_DIMS; d++)
        c->v[d] = rng_below(&p->rng, 2) ? x->v[d] : y->v[d];
}

static int propose(struct proposer *p, const struct propose_ctx *c, struct cand_list *out,
                   struct err *e)
{
    struct impl *im = p->impl;
    const struct state *st = c->st;
    const struct ofa_ea_opts *o = p->opts;
    int P = o->population, parents = P / 4, mutants = P / 2;
    struct arch child;
    if (im->generation == 0) { /* the first population, feasible by rejection */
        im->npool = 0;
        for (int i = 0; i < P; i++) {
            if (!propose_sample_fresh(c, &p->rng, REDRAWS, out, &child))
                break;
            if (cand_list_add_arch(out, &child) < 0 || add(im, &child) < 0)
                return err_set(e, "ofa-ea", "out of memory");
        }
        im->generation = 1;
        return 0;
    }
    if (im->generation > o->generations) {
        snprintf(p->done, sizeof p->done, "ofa-ea finished its %d generations", o->generations);
        return 0;
    }
    /* the pool's values: evaluated, or known from before */
    struct member *m = malloc((size_t)(im->npool + 1) * sizeof *m);
    if (!m)
        return err_set(e, "ofa-ea", "out of memory");
    int n = 0;
    for (int i = 0; i < im->npool; i++) {
        const struct record *r = state_find_record(st, &im->pool[i]);
        if (r)
            m[n++] = (struct member){im->pool[i], r->m[st->info.objective]};
    }
    qsort(m, (size_t)n, sizeof *m, by_value);
    if (n > parents)
        n = parents;
    if (n == 0) {
        free(m);
        snprintf(p->done, sizeof p->done, "ofa-ea has no evaluated parents");
        return 0;
    }
    im->npool = 0;
    for (int i = 0; i < n; i++)
        add(im, &m[i].a);
    for (int k = 0; k < P; k++) {
        int ok = 0;
        for (int t = 0; t < REDRAWS && !ok; t++) {
            if (k < mutants)
                mutate(p, &m[rng_below(&p->rng, (uint32_t)n)].a, &child);
            else
                crossover(p, &m[rng_below(&p->rng, (uint32_t)n)].a,
                          &m[rng_below(&p->rng, (uint32_t)n)].a, &child);
            space_canonical(c->space, &child);
            ok = propose_fits(c, &child);
        }
        if (!ok)
            continue;
        add(im, &child);
        /* known children keep their value; the new ones are evaluated */
        if (!state_has_seen(st, &child) && !cand_list_has(out, &child) && out->n < c->want &&
            cand_list_add_arch(out, &child) < 0) {
            free(m);
            return err_set(e, "ofa-ea", "out of memory");
        }
    }
    free(m);
    im->generation++;
    if (out->n == 0) /* a generation of known children: the next one */
        return propose(p, c, out, e);
    return 0;
}

static char *save(struct proposer *p)
{
    struct impl *im = p->impl;
    /* the generation and the pool, as canonical texts */
    size_t cap = 64 + (size_t)im->npool * 200, off = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    off += (size_t)snprintf(s, cap, "%d", im->generation);
    for (int i = 0; i < im->npool && off < cap; i++) {
        char t[1024];
        space_encode(p->space, &im->pool[i], t, sizeof t);
        off += (size_t)snprintf(s + off, cap - off, " %s", t);
    }
    return s;
}

static int restore(struct proposer *p, const char *saved, const struct state *st, struct err *e)
{
    (void)st;
    struct impl *im = p->impl;
    if (!saved)
        return 0;
    char *end;
    im->generation = (int)strtol(saved, &end, 10);
    im->npool = 0;
    while (*end == ' ') {
        const char *t = end + 1, *close = strchr(t, '}');
        if (!close)
            return err_set(e, "ofa-ea", "the recorded population is damaged");
        char text[1024];
        snprintf(text, sizeof text, "%.*s", (int)(close - t + 1), t);
        struct arch a;
        if (space_decode(p->space, text, &a, e) < 0 || add(im, &a) < 0)
            return -1;
        end = (char *)close + 1;
    }
    return 0;
}

static void destroy(struct proposer *p)
{
    struct impl *im = p->impl;
    free(im->pool);
    free(im);
}

static const struct proposer_ops ops = {.propose = propose, .save = save, .restore = restore,
                                        .destroy = destroy};

static struct proposer *ofa_ea_open(struct proposer *p, struct err *e)
{
    const struct ofa_ea_opts *o = p->opts;
    if (strcmp(p->space->family, "ofa-mbv3") != 0)
        return err_usage(e, "--algo", "ofa-ea searches the ofa-mbv3 space only"), NULL;
    if (o->population < 4)
        return err_usage(e, "--ea-population", "expected at least 4, got %d", o->population),
               NULL;
    if (o->generations < 1)
        return err_usage(e, "--generations", "expected at least 1, got %d", o->generations),
               NULL;
    if (o->mutate_prob < 0 || o->mutate_prob > 1)
        return err_usage(e, "--mutate-prob", "expected 0 to 1, got %g", o->mutate_prob), NULL;
    p->impl = calloc(1, sizeof(struct impl));
    if (!p->impl)
        return err_set(e, "ofa-ea", "out of memory"), NULL;
    p->ops = &ops;
    return p;
}

/* OFA's search is defined by its generations, not a budget: by default it
 * may query as often as a whole run can (every child distinct). */
static int budget(const void *opts)
{
    const struct ofa_ea_opts *o = opts;
    if (o->population > 0 && o->generations > 0 && o->generations < 1000000 / o->population)
        return o->population * (o->generations + 1);
    return 0;
}

/* OFA's defaults (evolution_finder.py): 100 members, 500 generations, 0.1. */
static const struct algo_opt options[] = {
    {"ea-population", ALGO_INT, offsetof(struct ofa_ea_opts, population), 100, "N",
     "population"},
    {"generations", ALGO_INT, offsetof(struct ofa_ea_opts, generations), 500, "N",
     "generations"},
    {"mutate-prob", ALGO_DOUBLE, offsetof(struct ofa_ea_opts, mutate_prob), 0.1, "P",
     "mutation probability per gene"},
    {0},
};

const struct algo_kind ofa_ea_algo = {
    "ofa-ea", "OFA's evolutionary search (ofa-mbv3 only): population 100, 500 generations",
    ofa_ea_open, options, sizeof(struct ofa_ea_opts), budget,
};
