/* The state's answers to questions: lookups that change nothing (the
 * reducer, which changes it, is state.c). */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>

const struct record *state_best(const struct state *s)
{
    return s->best >= 0 ? &s->rec[s->best] : NULL;
}

int state_budget_left(const struct state *s)
{
    int left = s->info.budget - s->started;
    return left > 0 ? left : 0;
}

int state_has_visited(const struct state *s, const struct arch *a)
{
    return archset_has(&s->visited, a);
}

int state_has_seen(const struct state *s, const struct arch *a)
{
    return archset_has(&s->seen, a);
}

int state_vetoed(const struct state *s, const struct arch *a)
{
    return archset_get(&s->vetoed, a, 0);
}

long state_front(const struct state *s, int cost, int *idx)
{
    if (cost < 0 || cost >= s->info.nmetrics || !s->nrec)
        return 0;
    double *xy = malloc(2 * s->nrec * sizeof *xy);
    if (!xy)
        return -1;
    for (size_t i = 0; i < s->nrec; i++) { /* cost down, objective up */
        xy[2 * i] = s->rec[i].m[cost];
        xy[2 * i + 1] = -s->rec[i].m[s->info.objective];
    }
    long n = pareto_front2(xy, xy + 1, s->nrec, 2, idx);
    free(xy);
    return n;
}

const struct record *state_find_record(const struct state *s, const struct arch *a)
{
    int i = archset_get(&s->visited, a, -1);
    return i >= 0 ? &s->rec[i] : NULL;
}

const struct cand *state_cand(const struct state *s, int id)
{
    return id >= 1 && id <= s->ncands ? &s->cands[id - 1] : NULL;
}

int state_awaits_review(const struct state *s, const struct cand *c)
{
    return c->status == CAND_QUEUED && !c->approved && review_holds(s->review, 0);
}

const struct strategy_rec *state_strategy(const struct state *s)
{
    return s->strategies ? &s->strats[s->strategies - 1] : NULL;
}

const struct event *state_log(const struct state *s, long k)
{
    if (k < 0 || k >= s->log_total || k < s->log_total - STATE_LOG_KEEP)
        return NULL;
    return &s->log[k % STATE_LOG_KEEP];
}

double state_llm_oldest(const struct state *s, int *attempt)
{
    double t = -1;
    for (int i = 0; i < s->nllm_open; i++)
        if (t < 0 || s->llm_open[i].t < t) {
            t = s->llm_open[i].t;
            if (attempt)
                *attempt = s->llm_open[i].attempt;
        }
    return t;
}

int state_by_person(const struct state *s, const struct record *r)
{
    const struct cand *c = state_cand(s, r->id);
    return r->source == SRC_USER || (c && c->edited);
}

const char *state_provenance(const struct state *s, const struct record *r, char *buf,
                             size_t n)
{
    const struct cand *c = state_cand(s, r->id);
    if (r->source == SRC_USER)
        snprintf(buf, n, "person");
    else if (c && c->edited) /* an edit keeps the proposal's id */
        snprintf(buf, n, "person (edited from #%d)", r->id);
    else
        snprintf(buf, n, "%s", r->by ? r->by : "");
    return buf;
}
