/* Random search: uniform samples from the space, each architecture once. */
#include <stddef.h>

#include "proposer.h"

struct random_opts {
    int batch;
};

/* Rejection sampling gives up after this many draws per candidate: by then
 * the space is all but used up under the constraint. */
#define TRIES 100000

static int propose(struct proposer *p, const struct propose_ctx *c, struct cand_list *out,
                   struct err *e)
{
    const struct random_opts *o = p->opts;
    int batch = o->batch > 0 ? o->batch : 1;
    int n = c->want < batch ? c->want : batch;
    for (int i = 0; i < n; i++) {
        struct arch a;
        if (!propose_sample_fresh(c, &p->rng, TRIES, out, &a))
            break;
        if (cand_list_add_arch(out, &a) < 0)
            return err_set(e, "random", "out of memory");
    }
    return 0;
}

static const struct proposer_ops ops = {.propose = propose};

static struct proposer *random_open(struct proposer *p, struct err *e)
{
    if (((const struct random_opts *)p->opts)->batch < 0)
        return err_usage(e, "--batch", "must be at least 1"), NULL;
    p->ops = &ops;
    return p;
}

static const struct algo_opt options[] = {
    {"batch", ALGO_INT, offsetof(struct random_opts, batch), 1, "N", "candidates per iteration"},
    {0},
};

const struct algo_kind random_algo = {
    "random", "random search: uniform samples, never the same twice", random_open, options,
    sizeof(struct random_opts), NULL,
};
