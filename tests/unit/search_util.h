/* What the Coordinator tests share: a capture of every event as a JSON line
 * and a whole search on the NB201 table. Included by test_search*.c. */
#ifndef COLLM_TEST_SEARCH_UTIL_H
#define COLLM_TEST_SEARCH_UTIL_H

#include "../../engine/search/search.h"

struct capture { /* every event as a JSON line */
    char **lines;
    int n, cap;
};

static inline void capture_event(void *ud, const struct event *ev, const struct state *st)
{
    struct capture *c = ud;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->lines = realloc(c->lines, (size_t)c->cap * sizeof *c->lines);
    }
    c->lines[c->n++] = event_to_json(ev, st->info.nmetrics ? &st->info : NULL, 0);
}

static inline void capture_free(struct capture *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->lines[i]);
    free(c->lines);
    memset(c, 0, sizeof *c);
}

struct run {
    struct space *sp;
    struct evaluator *ev;
    struct proposer *p;
    struct search *s;
    struct capture cap;
};

static inline void run_start(struct run *r, const char *space, const char *algo, uint64_t seed,
                             int budget, const char *cons, struct evaluator *ev)
{
    struct err e;
    memset(r, 0, sizeof *r);
    r->sp = space_open(space, NULL, &e);
    assert_non_null(r->sp);
    r->ev = ev ? ev : evaluator_open(r->sp, &e);
    assert_non_null(r->ev);
    r->p = proposer_open(algo, r->sp, seed, NULL, &e);
    assert_non_null(r->p);
    struct search_config cfg = {.algo = algo, .seed = seed, .budget = budget};
    assert_int_equal(constraint_parse(&cfg.cons, cons, r->sp->metrics, r->sp->nmetrics, &e), 0);
    r->s = search_new(&cfg, r->sp, r->ev, r->p, &e);
    assert_non_null(r->s);
    search_listen(r->s, capture_event, &r->cap);
}

static inline const struct state *run_all(struct run *r, const char *space, const char *algo,
                                          uint64_t seed, int budget, const char *cons)
{
    run_start(r, space, algo, seed, budget, cons, NULL);
    search_start(r->s);
    assert_true(search_done(r->s));
    assert_string_equal(search_error(r->s), "");
    return search_state(r->s);
}

static inline void run_free(struct run *r)
{
    search_free(r->s);
    evaluator_close(r->ev);
    proposer_close(r->p);
    space_close(r->sp);
    capture_free(&r->cap);
}

#endif
