#include "cand.h"

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
