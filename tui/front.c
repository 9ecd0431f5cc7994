#include "front.h"

#include <stdlib.h>
#include <string.h>

static void compute(struct front_view *f, const struct state *st, int cost)
{
    free(f->on);
    *f = (struct front_view){.st = st, .cost = cost, .seq = st->last_seq, .nrec = st->nrec};
    int *idx = malloc((st->nrec + 1) * sizeof *idx);
    f->on = calloc(st->nrec + 1, 1);
    long n = idx && f->on ? state_front(st, cost, idx) : 0;
    for (long i = 0; i < n; i++)
        f->on[idx[i]] = 1;
    free(idx);
}

int front_view_has(struct front_view *f, const struct state *st, int cost, int rec)
{
    if (f->st != st || f->cost != cost || f->seq != st->last_seq || f->nrec != st->nrec ||
        !f->on)
        compute(f, st, cost);
    return f->on && rec >= 0 && (size_t)rec < f->nrec && f->on[rec];
}

void front_view_free(struct front_view *f)
{
    free(f->on);
    memset(f, 0, sizeof *f);
}
