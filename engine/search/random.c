/* Random search: uniform samples from the space, each architecture once. */
#include "proposer.h"

/* Rejection sampling gives up after this many draws per candidate: by then
 * the space is all but used up under the constraint. */
#define TRIES 100000

static int propose(struct proposer *p, const struct propose_ctx *c, struct cand_list *out,
                   struct err *e)
{
    int batch = p->opts.batch > 0 ? p->opts.batch : 1;
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

struct proposer *random_open(struct proposer *p, struct err *e)
{
    (void)e;
    p->ops = &ops;
    return p;
}
