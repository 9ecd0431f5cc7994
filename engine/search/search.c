#include "search.h"
#include "search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef COLLM_VERSION
#define COLLM_VERSION "0.1.0"
#endif
#define VERSION_STRING "collm " COLLM_VERSION
#define EVENT_FORMAT_VERSION 1

static int may_start(const struct search *s, const struct pending *p);
static void on_eval_done(void *ud);
static void on_eval_progress(void *ud, int id, enum eval_phase ph, long done, long total);

static double now(const struct search *s)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - s->t0.tv_sec) + (double)(t.tv_nsec - s->t0.tv_nsec) * 1e-9;
}

/* Every state change goes through here: number, time, reduce, tell. */
static void emit(struct search *s, struct event *ev)
{
    if (EVENT_TRANSIENT(ev->type)) { /* for screens: no number, no journal */
        ev->seq = 0;
        ev->t = now(s);
        const struct cand *c = state_cand(&s->st, ev->id);
        ev->iter = c ? c->iter : s->st.iter;
        state_apply(&s->st, ev, NULL);
        for (int i = 0; i < s->nlisteners; i++)
            if (s->listeners[i].all)
                s->listeners[i].fn(s->listeners[i].ud, ev, &s->st);
        return;
    }
    ev->seq = ++s->seq;
    ev->t = now(s);
    if (ev->type != EV_SESSION_STARTED && ev->type != EV_ITERATION_STARTED) {
        /* a candidate's events belong to the iteration that proposed it,
         * even when the next one has begun (pipelining) */
        const struct cand *c = ev->id > 0 && ev->type != EV_CANDIDATES_PROPOSED
                                   ? state_cand(&s->st, ev->id) : NULL;
        ev->iter = c ? c->iter : s->st.iter;
    }
    struct err e;
    if (state_apply(&s->st, ev, &e) < 0 && !s->error[0]) {
        /* A Coordinator bug, not a user error: say so and stop cleanly. */
        char buf[600];
        snprintf(s->error, sizeof s->error, "internal: event %s rejected by the reducer: %s",
                 event_type_name(ev->type), err_str(&e, buf, sizeof buf));
        s->stopping = 1;
        s->stop_reason = END_ERROR;
    }
    s->emitting++;
    for (int i = 0; i < s->nlisteners; i++)
        s->listeners[i].fn(s->listeners[i].ud, ev, &s->st);
    s->emitting--;
}

static void on_eval_log(void *ud, int worker, const char *text, int dropped)
{
    struct search *s = ud;
    if (s->st.ended) /* a worker's last words after the end: not in the journal */
        return;
    struct event ev = {.type = EV_WORKER_LOG, .worker = worker, .text = (char *)text,
                       .dropped = dropped};
    emit(s, &ev);
}

struct search *search_new(const struct search_config *cfg, const struct space *sp,
                          struct evaluator *ev, struct proposer *p, struct err *e)
{
    if (cfg->budget < 1)
        return err_usage(e, "--budget", "must be at least 1"), NULL;
    struct search *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, "search", "out of memory"), NULL;
    s->cfg = *cfg;
    if (s->cfg.max_idle_iters <= 0)
        s->cfg.max_idle_iters = 200;
    s->space = sp;
    s->ev = ev;
    s->prop = p;
    p->owner = s;
    s->next_id = 1;
    evalq_init(&s->eq, ev, on_eval_done, on_eval_progress, s);
    evaluator_set_log(ev, on_eval_log, s);
    state_init(&s->st, space_decode_ctx, sp, sp->front_cost);
    return s;
}

static void free_handle(uv_handle_t *h)
{
    free(h);
}

void search_free(struct search *s)
{
    if (!s)
        return;
    evalq_free(&s->eq); /* results still owed arrive for no one */
    evaluator_set_log(s->ev, NULL, NULL);
    if (s->idle) { /* the handle outlives the search until the loop closes it */
        s->idle->data = NULL;
        uv_close((uv_handle_t *)s->idle, free_handle);
    }
    if (s->pace_timer) {
        s->pace_timer->data = NULL;
        uv_close((uv_handle_t *)s->pace_timer, free_handle);
    }
    state_free(&s->st);
    free(s->done);
    free(s);
}

static int add_listener(struct search *s, search_listener fn, void *ud, int all)
{
    if (s->nlisteners == MAX_LISTENERS)
        return -1;
    s->listeners[s->nlisteners].fn = fn;
    s->listeners[s->nlisteners].ud = ud;
    s->listeners[s->nlisteners].all = all;
    s->nlisteners++;
    return 0;
}

int search_listen(struct search *s, search_listener fn, void *ud)
{
    return add_listener(s, fn, ud, 0);
}

int search_listen_all(struct search *s, search_listener fn, void *ud)
{
    return add_listener(s, fn, ud, 1);
}

void search_listen_stream(struct search *s, search_stream_fn fn, void *ud)
{
    s->stream_fn = fn;
    s->stream_ud = ud;
}

void search_stream(struct search *s, const char *role, const char *text, size_t len)
{
    if (s->stream_fn)
        s->stream_fn(s->stream_ud, role, text, len);
}

const struct state *search_state(const struct search *s) { return &s->st; }
double search_clock(const struct search *s) { return now(s); }
const struct space *search_space(const struct search *s) { return s->space; }
int search_done(const struct search *s) { return s->st.ended; }
const char *search_error(const struct search *s) { return s->error; }

static void pump(struct search *s);

static int keep_done(struct search *s, const struct eval_result *r)
{
    if (s->ndone == s->capdone) {
        int ncap = s->capdone ? s->capdone * 2 : 8;
        struct eval_result *nd = realloc(s->done, (size_t)ncap * sizeof *nd);
        if (!nd) {
            snprintf(s->error, sizeof s->error, "out of memory");
            s->stopping = 1;
            s->stop_reason = END_ERROR;
            return -1;
        }
        s->done = nd;
        s->capdone = ncap;
    }
    s->done[s->ndone++] = *r;
    return 0;
}

/* An evaluation answered: what is now in submission order becomes events. */
static void on_eval_done(void *ud)
{
    struct search *s = ud;
    struct eval_result r;
    while (evalq_next(&s->eq, &r))
        if (keep_done(s, &r) < 0)
            break;
    pump(s); /* no-op when called from inside pump (synchronous evaluators) */
}

static void on_eval_progress(void *ud, int id, enum eval_phase ph, long done, long total)
{
    struct event ev = {.type = EV_EVAL_PROGRESS, .id = id, .phase = ph, .images_done = done,
                       .images_total = total};
    emit(ud, &ev);
}

/* The first queued candidate that may run now, or -1. */
static int next_startable(const struct search *s)
{
    for (int i = 0; i < s->eq.qlen; i++)
        if (may_start(s, &s->eq.queue[i]))
            return i;
    return -1;
}

static void reject(struct search *s, int id, const char *text, enum reject_reason why,
                   const char *detail)
{
    struct event ev = {.type = EV_CANDIDATE_REJECTED, .id = id, .arch = (char *)text,
                       .reason = why, .why = (char *)detail};
    emit(s, &ev);
}

/* Legality, de-duplication, constraint, room in the budget: the candidate
 * either joins the queue or is rejected with its reason. `known` is its
 * arch when the proposer gave one; else `text` is decoded. An abandoned
 * evaluation (its process died) is no duplicate of itself. */
static void screen_one(struct search *s, int id, const char *text, const struct arch *known,
                       struct archset *batch_seen, int abandoned_ok)
{
    struct pending p = {.id = id};
    struct err e = {0};
    char detail[600];
    if (known) {
        p.arch = *known;
        space_canonical(s->space, &p.arch); /* one network, one visited entry */
    } else if (space_decode(s->space, text, &p.arch, &e) < 0) {
        reject(s, id, text, REJ_INVALID, err_str(&e, detail, sizeof detail));
        return;
    }
    int v = archset_get(&s->st.visited, &p.arch, -4);
    if ((v != -4 && !(abandoned_ok && v == VISIT_ABANDONED)) ||
        archset_has(batch_seen, &p.arch)) {
        reject(s, id, text, REJ_DUPLICATE, "already evaluated or queued");
        return;
    }
    if ((v = state_vetoed(&s->st, &p.arch)) > 0) { /* a veto holds for good */
        snprintf(detail, sizeof detail, "a person vetoed it as candidate %d", v);
        reject(s, id, text, REJ_VETOED, detail);
        return;
    }
    if (space_cost(s->space, &p.arch, p.m, &e) < 0) {
        reject(s, id, text, REJ_INVALID, err_str(&e, detail, sizeof detail));
        return;
    }
    int bad = constraint_violated(&s->cfg.cons, p.m);
    if (bad >= 0) {
        constraint_explain(&s->cfg.cons, bad, s->space->metrics, p.m, detail, sizeof detail);
        reject(s, id, text, REJ_CONSTRAINT, detail);
        return;
    }
    if (s->eq.qlen >= state_budget_left(&s->st)) {
        reject(s, id, text, REJ_SURPLUS, "the budget has no room left in this iteration");
        return;
    }
    archset_add(batch_seen, &p.arch);
    if (evalq_push(&s->eq, &p) < 0) {
        snprintf(s->error, sizeof s->error, "out of memory");
        s->stopping = 1;
        s->stop_reason = END_ERROR;
    }
}

static void screen(struct search *s, const struct cand_list *batch, char **texts, int first)
{
    struct archset batch_seen;
    archset_init(&batch_seen);
    for (int i = 0; i < batch->n; i++) {
        const struct cand_item *it = &batch->items[i];
        screen_one(s, first + i, texts[i], it->has_arch ? &it->arch : NULL, &batch_seen, 0);
    }
    archset_free(&batch_seen);
}

static void accept_batch(struct search *s, struct cand_list *batch)
{
    int first = s->next_id;
    struct ev_cand *cands = calloc((size_t)(batch->n ? batch->n : 1), sizeof *cands);
    char **texts = calloc((size_t)(batch->n ? batch->n : 1), sizeof *texts);
    if (!cands || !texts) {
        free(cands);
        free(texts);
        snprintf(s->error, sizeof s->error, "out of memory");
        s->stopping = 1;
        s->stop_reason = END_ERROR;
        return;
    }
    for (int i = 0; i < batch->n; i++) {
        const struct cand_item *it = &batch->items[i];
        char buf[1024];
        if (it->has_arch && space_encode(s->space, &it->arch, buf, sizeof buf) >= 0)
            texts[i] = strdup(buf);
        else
            texts[i] = strdup(it->text ? it->text : "");
        cands[i] = (struct ev_cand){.id = first + i, .arch = texts[i] ? texts[i] : ""};
    }
    s->next_id += batch->n;
    char *pstate = proposer_save(s->prop);
    struct event ev = {.type = EV_CANDIDATES_PROPOSED, .source = s->prop->source,
                       .by = (char *)s->prop->name, .ncand = batch->n, .cand = cands,
                       .pstate = pstate};
    emit(s, &ev);
    free(pstate);
    screen(s, batch, texts, first);
    for (int i = 0; i < batch->n; i++)
        free(texts[i]);
    free(texts);
    free(cands);
    if (batch->n == 0) {
        s->stopping = 1;
        s->stop_reason = END_EXHAUSTED;
        if (s->prop->done[0])
            snprintf(s->stop_detail, sizeof s->stop_detail, "%s", s->prop->done);
        else if (s->cfg.cons.n)
            snprintf(s->stop_detail, sizeof s->stop_detail,
                     "%s found no new architecture that satisfies the constraint", s->prop->name);
        else
            snprintf(s->stop_detail, sizeof s->stop_detail,
                     "%s found no new architecture: the space is used up", s->prop->name);
    } else if (s->eq.qlen == 0 && s->st.idle_iters > 0) {
        /* the reducer counted this batch idle; a proposer that spends a
         * person's money (LLM agents) pauses after a few, to say why */
        int n = s->st.idle_iters, every = s->prop->idle_pause;
        char why[160];
        snprintf(why, sizeof why, "%d iterations in a row proposed nothing new to evaluate", n);
        if (n >= s->cfg.max_idle_iters) {
            s->stopping = 1;
            s->stop_reason = END_EXHAUSTED;
            snprintf(s->stop_detail, sizeof s->stop_detail, "%s", why);
        } else if (every > 0 && n % every == 0) {
            search_pause(s, why);
        }
    }
}

void search_deliver(struct search *s, struct cand_list *batch)
{
    if (!s->awaiting_proposal)
        return;
    s->awaiting_proposal = 0;
    accept_batch(s, batch);
    pump(s);
}

static void finish_one(struct search *s, const struct eval_result *r, const char *text)
{
    if (!r->ok) {
        struct event ev = {.type = EV_EVAL_FAILED, .id = r->id, .arch = (char *)text,
                           .why = (char *)r->error};
        emit(s, &ev);
        return;
    }
    struct event ev = {.type = EV_EVAL_FINISHED, .id = r->id, .arch = (char *)text};
    memcpy(ev.metrics, r->m, sizeof ev.metrics);
    emit(s, &ev);
    if (s->st.best_changed_at == s->st.finished) {
        struct event b = {.type = EV_BEST_IMPROVED, .id = r->id, .arch = (char *)text};
        memcpy(b.metrics, r->m, sizeof b.metrics);
        emit(s, &b);
        if (s->cfg.has_target && r->m[s->space->objective] >= s->cfg.target && !s->stopping) {
            struct event t = {.type = EV_TARGET_REACHED, .id = r->id, .arch = (char *)text};
            memcpy(t.metrics, r->m, sizeof t.metrics);
            emit(s, &t);
            s->stopping = 1;
            s->stop_reason = END_TARGET;
            snprintf(s->stop_detail, sizeof s->stop_detail, "%s %g >= target %g",
                     s->space->metrics[s->space->objective].name, r->m[s->space->objective],
                     s->cfg.target);
        }
    }
}

static void end_session(struct search *s, enum end_reason why, const char *detail)
{
    struct event ev = {.type = EV_SESSION_ENDED, .end = why, .why = (char *)detail,
                       .used = s->st.started, .budget = s->cfg.budget};
    emit(s, &ev);
}

static int may_start(const struct search *s, const struct pending *p)
{
    const struct cand *c = state_cand(&s->st, p->id);
    return !c || !state_awaits_review(&s->st, c);
}

static void submit_one(struct search *s, int i)
{
    struct pending p = s->eq.queue[i];
    evalq_remove(&s->eq, i);
    char text[1024];
    if (space_encode(s->space, &p.arch, text, sizeof text) < 0)
        snprintf(text, sizeof text, "?");
    struct event ev = {.type = EV_EVAL_STARTED, .id = p.id, .arch = text};
    emit(s, &ev);
    struct eval_job job = {.id = p.id, .arch = p.arch};
    memcpy(job.m, p.m, sizeof job.m);
    if (evalq_submit(&s->eq, &job) < 0) {
        struct eval_result r = {.id = p.id, .ok = 0};
        snprintf(r.error, sizeof r.error, "the evaluator could not start the job");
        if (keep_done(s, &r) == 0)
            pump(s);
    }
}

static void drain_done(struct search *s)
{
    /* Results may arrive while we emit (listeners never evaluate, but an
     * evaluator may call back synchronously): index, don't cache ndone. */
    for (int i = 0; i < s->ndone; i++) {
        /* the canonical form, not the proposer's spelling of it */
        char text[1024] = "?";
        const struct cand *c = state_cand(&s->st, s->done[i].id);
        struct arch a;
        if (c && c->text && space_decode(s->space, c->text, &a, NULL) == 0)
            space_encode(s->space, &a, text, sizeof text);
        finish_one(s, &s->done[i], text);
    }
    s->ndone = 0;
}

static int propose(struct search *s)
{
    /* an iteration that started but proposed nothing before the process
     * died is this one, not a new one */
    if (s->st.iter == 0 || s->st.proposed_iter == s->st.iter) {
        struct event it = {.type = EV_ITERATION_STARTED, .iter = s->st.iter + 1};
        emit(s, &it);
    }
    struct cand_list batch;
    cand_list_init(&batch);
    struct propose_ctx ctx = {.st = &s->st, .space = s->space, .cons = &s->cfg.cons,
                              .want = state_budget_left(&s->st)};
    struct err e = {0};
    int rc = s->prop->ops->propose(s->prop, &ctx, &batch, &e);
    if (rc < 0) {
        char buf[800];
        snprintf(s->error, sizeof s->error, "%s: %s", s->prop->name, err_str(&e, buf, sizeof buf));
        s->stopping = 1;
        s->stop_reason = END_ERROR;
    } else if (rc == 1) {
        s->awaiting_proposal = 1;
    } else {
        accept_batch(s, &batch);
    }
    cand_list_free(&batch);
    return rc;
}

/* The next proposal may start before the running evaluations end when the
 * proposer allows it, but never more than one iteration ahead: everything
 * still evaluating must belong to the current iteration. */
static int may_propose_early(const struct search *s)
{
    if (!s->prop->pipelined || s->st.in_flight == 0)
        return 0;
    for (int i = s->st.ncands - 1; i >= 0; i--)
        if (s->st.cands[i].status == CAND_EVALUATING && s->st.cands[i].iter != s->st.iter)
            return 0;
    return 1;
}

#define SLICE 256 /* steps of instant work between turns of the loop */

static void on_idle(uv_idle_t *h)
{
    struct search *s = h->data;
    uv_idle_stop(h);
    if (s)
        pump(s);
}

static void on_pace(uv_timer_t *h)
{
    struct search *s = h->data;
    if (s) {
        s->pace_due = 1;
        pump(s);
    }
}

void search_attach_loop(struct search *s, uv_loop_t *loop)
{
    if (s->idle || !(s->idle = calloc(1, sizeof *s->idle)))
        return;
    uv_idle_init(loop, s->idle);
    s->idle->data = s;
    evaluator_attach_loop(s->ev, loop); /* predictors leave the loop thread */
    if ((s->pace_timer = calloc(1, sizeof *s->pace_timer))) {
        uv_timer_init(loop, s->pace_timer);
        s->pace_timer->data = s;
    }
}

void search_set_pace(struct search *s, double seconds)
{
    s->pace = seconds > 0 ? seconds : 0;
    if (s->pace_timer && uv_is_active((uv_handle_t *)s->pace_timer)) {
        uv_timer_stop(s->pace_timer); /* the new pace counts from now on */
        pump(s);
    }
}

void search_hold(struct search *s)
{
    s->hold = 1;
}

/* 1 when the next iteration must wait (pace, hold, a finished step). */
static int wait_before_proposing(struct search *s)
{
    if (s->hold || (s->st.stepping && s->st.steps_left == 0)) {
        const char *why = s->hold ? "waiting for you: resume or step" : "stepped one iteration";
        s->hold = 0;
        struct event ev = {.type = EV_PAUSED, .why = (char *)why};
        emit(s, &ev);
        return 1;
    }
    if (s->pace > 0 && s->pace_timer && !s->pace_due && s->st.iter > 0) {
        double wait = s->iter_t0 + s->pace - now(s);
        if (wait > 0) {
            uv_timer_start(s->pace_timer, on_pace, (uint64_t)(wait * 1000) + 1, 0);
            return 1;
        }
    }
    s->pace_due = 0; /* a step's iteration is counted as it starts (the reducer) */
    s->iter_t0 = now(s);
    return 0;
}

static void pump(struct search *s)
{
    if (s->pumping || s->st.ended || !s->started)
        return;
    s->pumping = 1;
    for (int steps = 0;; steps++) {
        if (s->idle && steps >= SLICE && !s->stopping) {
            uv_idle_start(s->idle, on_idle); /* the rest on the next turn */
            break;
        }
        drain_done(s);
        if (s->stopping) {
            s->eq.qlen = 0; /* queued candidates are dropped, never started */
            /* what runs is cancelled: not recorded, so a resumed search
             * evaluates it again; evaluators that cannot cancel finish */
            evalq_cancel_all(&s->eq);
            if (evalq_running(&s->eq) == 0 && s->ndone == 0 && !s->awaiting_proposal) {
                end_session(s, s->stop_reason, s->error[0] ? s->error : s->stop_detail);
                break;
            }
            if (s->ndone)
                continue; /* answered while cancelling */
            break; /* wait for in-flight work */
        }
        int next = s->eq.qlen > 0 && s->st.in_flight < s->ev->capacity &&
                           state_budget_left(&s->st) > 0 ? next_startable(s) : -1;
        if (next >= 0) {
            submit_one(s, next);
            continue;
        }
        if (s->st.paused || s->awaiting_proposal || s->eq.qlen > 0 || s->ndone)
            break; /* wait for the loop to bring results, or for search_resume() */
        if (s->st.in_flight > 0 &&
            (!may_propose_early(s) || state_budget_left(&s->st) == 0))
            break;
        if (state_budget_left(&s->st) == 0) {
            struct event ev = {.type = EV_BUDGET_REACHED, .used = s->st.started,
                               .budget = s->cfg.budget};
            emit(s, &ev);
            char detail[64];
            snprintf(detail, sizeof detail, "%d distinct architectures evaluated", s->st.started);
            end_session(s, END_BUDGET, detail);
            break;
        }
        if (wait_before_proposing(s) || propose(s) == 1)
            break;
    }
    evaluator_flush(s->ev); /* what this turn submitted goes as one batch */
    s->pumping = 0;
}

void search_emit(struct search *s, struct event *ev)
{
    emit(s, ev);
}

/* for the person's controls (person.c) */
void search_pump(struct search *s) { pump(s); }
int search_next_startable(const struct search *s) { return next_startable(s); }
void search_reject(struct search *s, int id, const char *text, enum reject_reason why,
                   const char *detail)
{
    reject(s, id, text, why, detail);
}
void search_screen_one(struct search *s, int id, const char *text, const struct arch *known,
                       struct archset *seen, int abandoned_ok)
{
    screen_one(s, id, text, known, seen, abandoned_ok);
}

void search_stop(struct search *s, enum end_reason why, const char *detail)
{
    if (s->st.ended || s->stopping)
        return;
    s->stopping = 1;
    s->stop_reason = why;
    snprintf(s->stop_detail, sizeof s->stop_detail, "%s", detail ? detail : "");
    if (s->awaiting_proposal && s->prop->ops->cancel) {
        s->prop->ops->cancel(s->prop);
        s->awaiting_proposal = 0;
    }
    /* from a listener (a journal that cannot write) the pump that is
     * running, or the one that follows the emit, takes it from here */
    if (!s->emitting)
        pump(s);
}

int search_continue(struct search *s, const struct event *evs, int n, int budget,
                    struct err *e)
{
    if (s->started)
        return err_set(e, "resume", "the search has already started");
    if (n < 1 || evs[0].type != EV_SESSION_STARTED)
        return err_set(e, "resume", "the session has no session_started event");
    for (int i = 0; i < n; i++)
        if (state_apply(&s->st, &evs[i], e) < 0) {
            char where[64];
            snprintf(where, sizeof where, "event %llu", (unsigned long long)evs[i].seq);
            err_wrap(e, where);
            return -1;
        }
    if (strcmp(s->st.info.space, s->space->id) != 0)
        return err_set(e, "resume", "the session searched %s, not %s", s->st.info.space,
                       s->space->id);
    if (budget < s->st.info.budget)
        return err_usage(e, "--budget", "the session's budget is %d; it can grow, not shrink",
                         s->st.info.budget);
    if (proposer_restore(s->prop, s->st.proposer_state, &s->st, e) < 0)
        return -1;
    /* time goes on from the last recorded offset */
    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    double last = evs[n - 1].t;
    s->t0.tv_sec -= (time_t)last;
    s->t0.tv_nsec -= (long)((last - (double)(time_t)last) * 1e9);
    if (s->t0.tv_nsec < 0) {
        s->t0.tv_nsec += 1000000000L;
        s->t0.tv_sec--;
    }
    s->seq = s->st.last_seq;
    s->next_id = s->st.ncands + 1;
    search_go_on(s, budget, s->st.ended ? "extended" : "continued");
    return s->error[0] ? -1 : 0;
}

int search_start(struct search *s)
{
    if (s->started)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    struct session_info info = {
        .version = EVENT_FORMAT_VERSION, .program = VERSION_STRING,
        .space = (char *)s->space->id, .algo = (char *)s->cfg.algo, .seed = s->cfg.seed,
        .budget = s->cfg.budget, .has_target = s->cfg.has_target, .target = s->cfg.target,
        .nmetrics = s->space->nmetrics, .objective = s->space->objective,
        .report = s->space->report,
    };
    char cons[256];
    constraint_format(&s->cfg.cons, s->space->metrics, cons, sizeof cons);
    info.constraint = cons;
    info.navigator = s->prop->navigator;
    info.generator = s->prop->generator;
    info.evaluator = (char *)s->ev->name;
    info.review = s->cfg.review;
    char params[1024];
    proposer_params(s->prop, params, sizeof params);
    info.params = params;
    memcpy(info.metrics, s->space->metrics, sizeof(struct metric_def) * (size_t)info.nmetrics);
    struct event ev = {.type = EV_SESSION_STARTED, .info = &info};
    emit(s, &ev);
    s->started = 1;
    pump(s);
    return s->error[0] ? -1 : 0;
}
