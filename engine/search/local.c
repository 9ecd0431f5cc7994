/* Local search (White et al. 2021, "Local search is state of the art for
 * NAS benchmarks"): from a random start, evaluate every unseen one-change
 * neighbour, move to the best neighbour if it beats the current point, and
 * restart from a fresh random point at a local optimum. Neighbours already
 * evaluated are known for free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proposer.h"

#define SAMPLE_TRIES 100000
#define MAX_NEIGHBOURS 1024

struct impl {
    int have_cur;   /* cur is a point with a known value */
    int starting;   /* cur was proposed as a start and awaits its value */
    struct arch cur;
    double cur_val;
    struct arch nb[MAX_NEIGHBOURS];
};

static int propose(struct proposer *p, const struct propose_ctx *c, struct cand_list *out,
                   struct err *e)
{
    struct impl *im = p->impl;
    const struct state *st = c->st;
    if (c->want <= 0)
        return 0;
    for (;;) {
        if (im->starting) {
            const struct record *r = state_find_record(st, &im->cur);
            im->starting = 0;
            if (r) {
                im->have_cur = 1;
                im->cur_val = r->m[st->info.objective];
            }
        }
        if (!im->have_cur) {
            if (!propose_sample_fresh(c, &p->rng, SAMPLE_TRIES, NULL, &im->cur))
                return 0;
            im->starting = 1;
            return cand_list_add_arch(out, &im->cur) < 0 ? err_set(e, "local", "out of memory")
                                                         : 0;
        }
        int n = space_neighbours(c->space, &im->cur, im->nb, MAX_NEIGHBOURS);
        const struct record *best = NULL;
        for (int i = 0; i < n; i++) {
            if (propose_is_fresh(c, &im->nb[i])) {
                if (out->n < c->want && cand_list_add_arch(out, &im->nb[i]) < 0)
                    return err_set(e, "local", "out of memory");
                continue;
            }
            const struct record *r = state_find_record(st, &im->nb[i]);
            if (r && (!best || r->m[st->info.objective] > best->m[st->info.objective]))
                best = r;
        }
        if (out->n > 0)
            return 0; /* evaluate the unseen neighbours; decide next time */
        if (best && best->m[st->info.objective] > im->cur_val) {
            im->cur = best->arch;
            im->cur_val = best->m[st->info.objective];
        } else {
            im->have_cur = 0; /* local optimum: restart */
        }
    }
}

/* "have_cur starting value ARCH" */
static char *save(struct proposer *p)
{
    struct impl *im = p->impl;
    char a[1024] = "-";
    if (im->have_cur || im->starting)
        space_encode(p->space, &im->cur, a, sizeof a);
    size_t n = strlen(a) + 64;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%d %d %.17g %s", im->have_cur, im->starting, im->cur_val, a);
    return out;
}

static int restore(struct proposer *p, const char *saved, const struct state *st, struct err *e)
{
    (void)st;
    struct impl *im = p->impl;
    if (!saved)
        return 0; /* nothing proposed yet: as new */
    int have, starting, used = 0;
    double v;
    if (!saved || sscanf(saved, "%d %d %lf %n", &have, &starting, &v, &used) < 3 || !used)
        return err_set(e, "local", "the recorded search state is damaged");
    im->have_cur = have;
    im->starting = starting;
    im->cur_val = v;
    if ((have || starting) && space_decode(p->space, saved + used, &im->cur, e) < 0)
        return -1;
    return 0;
}

static void destroy(struct proposer *p)
{
    free(p->impl);
}

static const struct proposer_ops ops = {.propose = propose, .save = save, .restore = restore,
                                        .destroy = destroy};

static struct proposer *local_open(struct proposer *p, struct err *e)
{
    p->impl = calloc(1, sizeof(struct impl));
    if (!p->impl)
        return err_set(e, "local", "out of memory"), NULL;
    p->ops = &ops;
    return p;
}

const struct algo_kind local_algo = {
    "local", "local search: best-improvement over one-change neighbours, random restarts",
    local_open, NULL, 0, NULL,
};
