#include "proposer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
