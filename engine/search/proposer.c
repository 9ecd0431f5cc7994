#include "proposer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void algo_opts_default(struct algo_opts *o)
{
    /* NAS-Bench-201 paper's REA: population 10, sample size 10 */
    *o = (struct algo_opts){.batch = 0, .population = 10, .tournament = 10,
                            .prior = 1.0, .ea_population = 100, .generations = 500,
                            .mutate_prob = 0.1};
}

struct proposer *proposer_open_params(const char *algo, const struct space *s, uint64_t seed,
                                      const char *params, struct err *e)
{
    const struct algo_kind *k = algo_find(algo, e);
    if (!k)
        return NULL;
    struct proposer *p = calloc(1, sizeof *p);
    if (!p)
        return err_set(e, algo, "out of memory"), NULL;
    p->name = k->name;
    p->kind = k;
    p->source = SRC_ALGORITHM;
    p->space = s;
    rng_seed(&p->rng, seed);
    if (!(p->opts = algo_opts_new(k, params, e)) || !k->open(p, e)) {
        free(p->opts);
        free(p);
        return NULL;
    }
    return p;
}

struct proposer *proposer_open(const char *algo, const struct space *s, uint64_t seed,
                               const struct algo_opts *o, struct err *e)
{
    if (!o)
        return proposer_open_params(algo, s, seed, NULL, e);
    char params[512];
    snprintf(params, sizeof params,
             "{\"population\":%d,\"tournament\":%d,\"prior\":%.17g,\"ea-population\":%d,"
             "\"generations\":%d,\"mutate-prob\":%.17g%s",
             o->population, o->tournament, o->prior, o->ea_population, o->generations,
             o->mutate_prob, o->batch ? "," : "}");
    if (o->batch) /* 0: each algorithm's own default */
        snprintf(params + strlen(params), sizeof params - strlen(params), "\"batch\":%d}",
                 o->batch);
    return proposer_open_params(algo, s, seed, params, e);
}

void proposer_params(const struct proposer *p, char *buf, size_t n)
{
    /* a proposer made by hand, outside the registry, has no options */
    char *json = p->kind ? algo_opts_json(p->kind, p->opts) : NULL;
    snprintf(buf, n, "%s", json && strlen(json) < n ? json : "{}");
    free(json);
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
    /* All zeros is a stream never seeded (a proposer made by hand, which
     * never draws): nothing to take up, and loading it would make every
     * draw 0, so the proposer keeps its own stream. */
    if (saved && (strlen(saved) < 64 ||
                  (rng_load(&p->rng, saved) < 0 && strspn(saved, "0") < 64)))
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
    free(p->opts);
    free(p);
}
