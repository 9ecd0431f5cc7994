#include "state.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void state_init(struct state *s, arch_decode_fn decode, const void *ctx, int front_cost)
{
    memset(s, 0, sizeof *s);
    s->decode = decode;
    s->decode_ctx = ctx;
    s->best = -1;
    s->info.report = -1;
    s->front_cost = front_cost;
    s->iter_now.best_rec = s->iter_done.best_rec = -1;
    archset_init(&s->visited);
    archset_init(&s->seen);
    archset_init(&s->vetoed);
    pareto_init(&s->front, 2);
}

static void free_info(struct session_info *in)
{
    for (int i = 0; i < in->nmetrics; i++) {
        free((char *)in->metrics[i].name);
        free((char *)in->metrics[i].unit);
        free((char *)in->metrics[i].help);
    }
    free(in->program);
    free(in->space);
    free(in->algo);
    free(in->constraint);
    free(in->navigator);
    free(in->generator);
    free(in->params);
    free(in->evaluator);
}

void state_free(struct state *s)
{
    for (size_t i = 0; i < s->nrec; i++) {
        free(s->rec[i].text);
        free(s->rec[i].by);
    }
    free(s->rec);
    for (int i = 0; i < s->ncands; i++) {
        free(s->cands[i].text);
        free(s->cands[i].by);
        free(s->cands[i].detail);
    }
    free(s->cands);
    for (int i = 0; i < s->strategies; i++) {
        free(s->strats[i].by);
        free(s->strats[i].text);
        free(s->strats[i].turn);
    }
    free(s->strats);
    free(s->proposer_state);
    if (s->log) {
        long kept = s->log_total < STATE_LOG_KEEP ? s->log_total : STATE_LOG_KEEP;
        for (long k = 0; k < kept; k++)
            event_free(&s->log[k]);
        free(s->log);
    }
    archset_free(&s->visited);
    archset_free(&s->seen);
    archset_free(&s->vetoed);
    pareto_free(&s->front);
    free_info(&s->info);
    memset(s, 0, sizeof *s);
}

static struct cand *find_cand(struct state *s, int id)
{
    return id >= 1 && id <= s->ncands ? &s->cands[id - 1] : NULL;
}

static void set_cand(struct state *s, int id, enum cand_status st)
{
    struct cand *c = find_cand(s, id);
    if (c)
        c->status = st;
    if (c && st == CAND_EVALUATING) /* an evaluation redone starts afresh */
        c->eval_phase = 0, c->eval_done = c->eval_total = 0;
}

static int decode(struct state *s, const char *text, struct arch *a, struct err *e)
{
    if (!text)
        return err_set(e, "arch", "missing");
    if (!s->decode) {
        memset(a, 0, sizeof *a);
        return 0;
    }
    if (s->decode(s->decode_ctx, text, a, e) < 0) {
        err_wrap(e, "arch");
        return -1;
    }
    return 0;
}

static int on_started(struct state *s, const struct event *ev, struct err *e)
{
    if (s->info.nmetrics)
        return err_set(e, "session_started", "a second session_started event");
    if (!ev->info)
        return err_set(e, "session_started", "carries no session description");
    const struct session_info *in = ev->info;
    if (in->objective < 0 || in->objective >= in->nmetrics)
        return err_set(e, "session_started", "objective metric out of range");
    s->review = in->review;
    if (session_info_copy(&s->info, in) < 0) {
        free_info(&s->info);
        memset(&s->info, 0, sizeof s->info);
        return err_set(e, "session_started", "out of memory");
    }
    if (s->front_cost < 0 || s->front_cost >= in->nmetrics ||
        in->metrics[s->front_cost].role != METRIC_COST) {
        s->front_cost = -1;
        for (int i = 0; i < in->nmetrics && s->front_cost < 0; i++)
            if (in->metrics[i].role == METRIC_COST)
                s->front_cost = i;
    }
    return 0;
}

int review_holds(enum review_policy r, int strategy)
{
    return r == REVIEW_ALL || r == (strategy ? REVIEW_STRATEGY : REVIEW_CANDIDATES);
}

static int on_edited(struct state *s, const struct event *ev, struct err *e)
{
    struct cand *c = find_cand(s, ev->id);
    if (!c || c->status != CAND_QUEUED)
        return err_set(e, "candidate_edited", "candidate %d is not waiting to run", ev->id);
    char *t = strdup(ev->arch ? ev->arch : "");
    if (!t)
        return err_set(e, "candidate_edited", "out of memory");
    free(c->text);
    c->text = t;
    c->edited = c->approved = 1;
    return 0;
}

static int on_proposed(struct state *s, const struct event *ev, struct err *e)
{
    for (int i = 0; i < ev->ncand; i++)
        if (ev->cand[i].id != s->ncands + 1 + i || !ev->cand[i].arch)
            return err_set(e, "candidates_proposed", "candidate %d: expected id %d", i + 1,
                           s->ncands + 1 + i);
    if (s->ncands + ev->ncand > s->capcands) {
        int ncap = s->capcands ? s->capcands * 2 : 64;
        while (ncap < s->ncands + ev->ncand)
            ncap *= 2;
        struct cand *nc = realloc(s->cands, (size_t)ncap * sizeof *nc);
        if (!nc)
            return err_set(e, "candidates_proposed", "out of memory");
        s->cands = nc;
        s->capcands = ncap;
    }
    int first = s->ncands;
    for (int i = 0; i < ev->ncand; i++) {
        struct cand c = {.id = ev->cand[i].id, .iter = ev->iter, .source = ev->source,
                         .status = CAND_QUEUED, .rec = -1, .approved = ev->source == SRC_USER};
        c.text = strdup(ev->cand[i].arch);
        c.by = strdup(ev->by ? ev->by : "");
        if (!c.text || !c.by) {
            free(c.text);
            free(c.by);
            for (int j = first; j < s->ncands; j++) {
                free(s->cands[j].text);
                free(s->cands[j].by);
            }
            s->ncands = first;
            return err_set(e, "candidates_proposed", "out of memory");
        }
        s->cands[s->ncands++] = c;
    }
    if (ev->pstate) {
        char *ps = strdup(ev->pstate);
        if (!ps) {
            for (int j = first; j < s->ncands; j++) {
                free(s->cands[j].text);
                free(s->cands[j].by);
            }
            s->ncands = first;
            return err_set(e, "candidates_proposed", "out of memory");
        }
        free(s->proposer_state);
        s->proposer_state = ps;
    }
    s->proposed += ev->ncand;
    s->queued += ev->ncand;
    if (ev->source != SRC_USER) { /* a person's own candidate is no iteration's proposal */
        s->proposed_iter = ev->iter;
        s->batch_first = first;
        s->nbatch = ev->ncand;
        s->batch_rejected = 0;
        s->strategy_waiting = 0;
    }
    return 0;
}

static int on_rejected(struct state *s, const struct event *ev, struct err *e)
{
    if (ev->reason >= REJ__COUNT)
        return err_set(e, "candidate_rejected", "unknown reason");
    /* a person's veto is remembered; the Coordinator turning down a
     * re-proposal of a vetoed architecture is the proposer's failure */
    int fresh_veto = 0;
    if (ev->reason == REJ_CONSTRAINT || ev->reason == REJ_VETOED) {
        struct arch a;
        if (decode(s, ev->arch, &a, e) < 0)
            return -1;
        fresh_veto = ev->reason == REJ_VETOED && !archset_has(&s->vetoed, &a);
        if (fresh_veto && archset_put(&s->vetoed, &a, ev->id) < 0)
            return err_set(e, "candidate_rejected", "out of memory");
        if (archset_add(&s->seen, &a) < 0)
            return err_set(e, "candidate_rejected", "out of memory");
    }
    s->rejected[ev->reason]++;
    s->iter_now.rejected++;
    struct cand *c = find_cand(s, ev->id);
    if (c && c->status == CAND_QUEUED)
        s->queued--;
    /* the screening turned down the whole batch, and nothing else waits:
     * an idle iteration (a person's veto is no proposer's failure) */
    int i = ev->id - 1;
    if (c && !fresh_veto && i >= s->batch_first && i < s->batch_first + s->nbatch &&
        c->status != CAND_REJECTED && ++s->batch_rejected == s->nbatch && s->queued == 0)
        s->idle_iters++;
    if (c) {
        c->status = CAND_REJECTED;
        c->reason = ev->reason;
        free(c->detail);
        c->detail = ev->why ? strdup(ev->why) : NULL;
    }
    return 0;
}

static int on_eval_started(struct state *s, const struct event *ev, struct err *e)
{
    struct arch a;
    if (decode(s, ev->arch, &a, e) < 0)
        return -1;
    int v = archset_get(&s->visited, &a, -4);
    if (v != -4 && v != VISIT_ABANDONED) /* abandoned: its evaluation is redone */
        return err_set(e, "eval_started", "candidate %d was already evaluated", ev->id);
    if (archset_put(&s->visited, &a, VISIT_RUNNING) < 0 || archset_add(&s->seen, &a) < 0)
        return err_set(e, "eval_started", "out of memory");
    s->started++;
    s->in_flight++;
    s->idle_iters = 0;
    const struct cand *c = find_cand(s, ev->id);
    if (c && c->status == CAND_QUEUED)
        s->queued--;
    set_cand(s, ev->id, CAND_EVALUATING);
    return 0;
}

/* A missing (NaN) objective never becomes the best, and never blocks it. */
static int improves(const struct state *s, const double *m)
{
    const struct record *b = state_best(s);
    double v = m[s->info.objective];
    return !isnan(v) && (!b || v > b->m[s->info.objective]);
}

static int on_eval_finished(struct state *s, const struct event *ev, struct err *e)
{
    if (!s->info.nmetrics)
        return err_set(e, "eval_finished", "no session_started event came before it");
    struct arch a;
    if (decode(s, ev->arch, &a, e) < 0)
        return -1;
    /* only what is being evaluated can finish, and only once */
    if (archset_get(&s->visited, &a, -3) != VISIT_RUNNING)
        return err_set(e, "eval_finished", "candidate %d was not being evaluated", ev->id);
    if (s->nrec == s->caprec) {
        size_t ncap = s->caprec ? s->caprec * 2 : 128;
        struct record *nr = realloc(s->rec, ncap * sizeof *nr);
        if (!nr)
            return err_set(e, "eval_finished", "out of memory");
        s->rec = nr;
        s->caprec = ncap;
    }
    struct record r = {.id = ev->id, .iter = ev->iter, .order = (int)s->nrec + 1, .arch = a};
    memcpy(r.m, ev->metrics, sizeof r.m);
    /* source and proposer come from the proposal that named this id */
    const struct cand *c = find_cand(s, ev->id);
    r.source = c ? c->source : SRC_ALGORITHM;
    r.text = strdup(ev->arch);
    r.by = strdup(c && c->by ? c->by : "");
    if (!r.text || !r.by) {
        free(r.text);
        free(r.by);
        return err_set(e, "eval_finished", "out of memory");
    }
    if (archset_put(&s->visited, &a, (int)s->nrec) < 0) {
        free(r.text);
        free(r.by);
        return err_set(e, "eval_finished", "out of memory");
    }
    if (s->front_cost >= 0) {
        double pt[2] = {-r.m[s->info.objective], r.m[s->front_cost]};
        if (pareto_insert(&s->front, pt, (int)s->nrec) < 0) {
            archset_put(&s->visited, &a, VISIT_RUNNING);
            free(r.text);
            free(r.by);
            return err_set(e, "eval_finished", "out of memory");
        }
    }
    if (improves(s, r.m)) {
        s->best = (int)s->nrec;
        s->best_changed_at = r.order;
    }
    if (c)
        s->cands[ev->id - 1].rec = (int)s->nrec;
    struct state_iter *it = &s->iter_now;
    double v = r.m[s->info.objective];
    if (it->best_rec < 0 || v > s->rec[it->best_rec].m[s->info.objective])
        it->best_rec = (int)s->nrec;
    it->evals++;
    s->rec[s->nrec++] = r;
    s->finished++;
    if (s->in_flight > 0)
        s->in_flight--;
    set_cand(s, ev->id, CAND_DONE);
    return 0;
}

static int on_strategy(struct state *s, const struct event *ev, struct err *e)
{
    if (s->strategies == s->capstrats) {
        int cap = s->capstrats ? s->capstrats * 2 : 16;
        struct strategy_rec *n = realloc(s->strats, (size_t)cap * sizeof *n);
        if (!n)
            return err_set(e, "strategy_proposed", "out of memory");
        s->strats = n;
        s->capstrats = cap;
    }
    struct strategy_rec r = {.iter = ev->iter, .by = strdup(ev->by ? ev->by : ""),
                             .text = strdup(ev->text ? ev->text : ""),
                             .turn = ev->prompt ? strdup(ev->prompt) : NULL};
    if (!r.by || !r.text || (ev->prompt && !r.turn)) {
        free(r.by);
        free(r.text);
        free(r.turn);
        return err_set(e, "strategy_proposed", "out of memory");
    }
    s->strats[s->strategies++] = r;
    return 0;
}

/* The process that ran the search died or stopped; a new one goes on.
 * Evaluations that were running are redone: they give their budget back. */
static int on_resumed(struct state *s, const struct event *ev, struct err *e)
{
    if (!s->info.nmetrics)
        return err_set(e, "session_resumed", "no session_started event came before it");
    if (ev->budget < s->info.budget)
        return err_set(e, "session_resumed", "the budget can grow, not shrink (%d < %d)",
                       ev->budget, s->info.budget);
    for (int i = 0; i < s->ncands; i++) {
        struct cand *c = &s->cands[i];
        if (c->status != CAND_EVALUATING)
            continue;
        struct arch a;
        if (decode(s, c->text, &a, e) < 0)
            return -1;
        archset_put(&s->visited, &a, VISIT_ABANDONED); /* a known key: cannot fail */
        c->status = CAND_QUEUED;
        s->queued++;
        s->started--;
    }
    s->in_flight = 0;
    s->llm_in_flight = 0;
    s->nllm_open = 0;
    s->info.budget = ev->budget;
    s->ended = 0;
    s->paused = s->stepping = s->steps_left = 0;
    s->strategy_waiting = 0; /* the new process asks again */
    s->pause_reason[0] = '\0';
    s->end_detail[0] = '\0';
    return 0;
}

/* A person gave a running search more budget (a search that ended is
 * given more by SESSION_RESUMED, as `collm resume --budget` does). */
static int on_budget_raised(struct state *s, const struct event *ev, struct err *e)
{
    if (!s->info.nmetrics)
        return err_set(e, "budget_raised", "no session_started event came before it");
    if (ev->budget <= s->info.budget)
        return err_set(e, "budget_raised", "the budget can only grow (%d <= %d)", ev->budget,
                       s->info.budget);
    s->info.budget = ev->budget;
    return 0;
}

/* An agent gave way to another for the rest of the search (the LLM kept
 * failing): the session's agents are from now on the state's, which is
 * what a resume takes up. */
static int on_agent_switched(struct state *s, const struct event *ev, struct err *e)
{
    int nav = ev->role && strcmp(ev->role, "navigator") == 0;
    if (!nav && !(ev->role && strcmp(ev->role, "generator") == 0))
        return err_set(e, "agent_switched", "expected the role navigator or generator");
    if (!ev->by || !ev->by[0])
        return err_set(e, "agent_switched", "names no agent");
    char *name = strdup(ev->by);
    if (!name)
        return err_set(e, "agent_switched", "out of memory");
    char **slot = nav ? &s->info.navigator : &s->info.generator;
    free(*slot);
    *slot = name;
    return 0;
}

static int on_eval_failed(struct state *s, const struct event *ev, struct err *e)
{
    struct arch a;
    if (decode(s, ev->arch, &a, e) < 0)
        return -1;
    if (archset_get(&s->visited, &a, -3) != VISIT_RUNNING)
        return err_set(e, "eval_failed", "candidate %d was not being evaluated", ev->id);
    archset_put(&s->visited, &a, VISIT_FAILED); /* a known key: cannot fail */
    s->failed++;
    if (s->in_flight > 0)
        s->in_flight--;
    set_cand(s, ev->id, CAND_FAILED);
    return 0;
}

/* What a person reads about in the log; the bulk (iterations, proposals,
 * evaluations) is in the other panes. */
static int loggable(const struct event *ev)
{
    switch (ev->type) {
    case EV_CANDIDATES_PROPOSED: return ev->source == SRC_USER;
    case EV_SESSION_STARTED:
    case EV_ITERATION_STARTED:
    case EV_EVAL_STARTED:
    case EV_EVAL_FINISHED:
    case EV_BUDGET_REACHED:
    case EV_TARGET_REACHED:
    case EV_EVAL_PROGRESS:
    case EV__COUNT: return 0;
    default: return 1;
    }
}

static int dup_or_null(char **dst, const char *src)
{
    *dst = src ? strdup(src) : NULL;
    return src && !*dst ? -1 : 0;
}

/* A lean copy into the ring: an allocation failure loses the line, never
 * the event (the log is for reading). */
static void keep_log(struct state *s, const struct event *ev)
{
    if (!s->log && !(s->log = calloc(STATE_LOG_KEEP, sizeof *s->log)))
        return;
    struct event *slot = &s->log[s->log_total % STATE_LOG_KEEP];
    if (s->log_total >= STATE_LOG_KEEP)
        event_free(slot);
    struct event l = {.type = ev->type, .seq = ev->seq, .t = ev->t, .iter = ev->iter,
                      .source = ev->source, .id = ev->id, .reason = ev->reason,
                      .review = ev->review, .budget = ev->budget, .used = ev->used,
                      .end = ev->end, .req = ev->req, .attempt = ev->attempt,
                      .delay = ev->delay, .tokens_in = ev->tokens_in,
                      .tokens_out = ev->tokens_out, .latency = ev->latency,
                      .tokens_reasoning = ev->tokens_reasoning, .dropped = ev->dropped,
                      .rows = ev->rows, .window = ev->window, .est_before = ev->est_before,
                      .est_after = ev->est_after, .http_status = ev->http_status,
                      .steps = ev->steps, .worker = ev->worker};
    if (ev->type == EV_BEST_IMPROVED)
        memcpy(l.metrics, ev->metrics, sizeof l.metrics);
    if (ev->type == EV_CANDIDATES_PROPOSED && ev->ncand) /* a person's own: its id */
        l.id = ev->cand[0].id;
    /* what a failed or unusable answer said, for the log to show whole
     * (its first 64 KiB: the ring stays small) */
    int said = (ev->type == EV_LLM_FAILED || ev->type == EV_ANSWER_REJECTED ||
                ev->type == EV_WORKER_LOG) && ev->text;
    if ((said && !(l.text = strndup(ev->text, 64 * 1024))) ||
        dup_or_null(&l.by, ev->by) < 0 || dup_or_null(&l.why, ev->why) < 0 ||
        dup_or_null(&l.role, ev->role) < 0 || dup_or_null(&l.model, ev->model) < 0) {
        event_free(&l);
        l = (struct event){.type = ev->type, .seq = ev->seq, .iter = ev->iter};
    }
    *slot = l;
    s->log_total++;
}

static void llm_opened(struct state *s, const struct event *ev)
{
    s->llm_requests++;
    s->llm_in_flight++;
    if (s->nllm_open < (int)(sizeof s->llm_open / sizeof s->llm_open[0])) {
        s->llm_open[s->nllm_open].req = ev->req;
        s->llm_open[s->nllm_open].attempt = 1;
        s->llm_open[s->nllm_open++].t = ev->t;
    }
}

static void llm_closed(struct state *s, const struct event *ev)
{
    if (s->llm_in_flight > 0)
        s->llm_in_flight--;
    for (int i = 0; i < s->nllm_open; i++)
        if (s->llm_open[i].req == ev->req) {
            s->llm_open[i] = s->llm_open[--s->nllm_open];
            break;
        }
}

int state_apply(struct state *s, const struct event *ev, struct err *e)
{
    /* numbers only go up; the journal reader checks there are no gaps (an
     * event of a type this version does not know is skipped, not applied) */
    if (ev->seq && s->last_seq && ev->seq <= s->last_seq)
        return err_set(e, "seq", "event %llu comes after event %llu",
                       (unsigned long long)ev->seq, (unsigned long long)s->last_seq);
    int rc = 0;
    switch (ev->type) {
    case EV_SESSION_STARTED: rc = on_started(s, ev, e); break;
    case EV_ITERATION_STARTED:
        s->iter = ev->iter;
        if (s->stepping && s->steps_left > 0)
            s->steps_left--;
        s->iter_done = s->iter_now;
        s->iter_now = (struct state_iter){.iter = ev->iter, .best_rec = -1};
        break;
    case EV_CANDIDATES_PROPOSED: rc = on_proposed(s, ev, e); break;
    case EV_CANDIDATE_REJECTED: rc = on_rejected(s, ev, e); break;
    case EV_EVAL_STARTED: rc = on_eval_started(s, ev, e); break;
    case EV_EVAL_FINISHED: rc = on_eval_finished(s, ev, e); break;
    case EV_EVAL_FAILED:
        rc = on_eval_failed(s, ev, e);
        break;
    case EV_STRATEGY_PROPOSED:
        rc = on_strategy(s, ev, e);
        break;
    case EV_LLM_REQUEST:
        llm_opened(s, ev);
        break;
    case EV_LLM_RETRY:
        s->llm_retries++;
        for (int i = 0; i < s->nllm_open; i++)
            if (s->llm_open[i].req == ev->req)
                s->llm_open[i].attempt = ev->attempt;
        break;
    case EV_LLM_ANSWER:
        s->llm_answers++;
        s->tokens_in += ev->tokens_in;
        s->tokens_out += ev->tokens_out;
        s->tokens_reasoning += ev->tokens_reasoning;
        s->llm_seconds += ev->latency;
        llm_closed(s, ev);
        break;
    case EV_CONTEXT_COMPACTED:
        s->compactions++;
        if (ev->role && strcmp(ev->role, "navigator") == 0)
            s->context_window = ev->window;
        break;
    case EV_LLM_WARNING:
        s->llm_warnings++;
        break;
    case EV_LLM_FAILED: /* its wait was spent too: retries, a silent port */
        s->llm_failures++;
        s->llm_seconds += ev->latency;
        llm_closed(s, ev);
        break;
    case EV_ANSWER_REJECTED:
        s->llm_rejected_answers++;
        break;
    case EV_PAUSED: /* a step under way ends here too */
        s->paused = 1;
        s->stepping = s->steps_left = 0;
        snprintf(s->pause_reason, sizeof s->pause_reason, "%s", ev->why ? ev->why : "");
        break;
    case EV_RESUMED:
        s->paused = 0;
        s->stepping = ev->steps > 0;
        s->steps_left = ev->steps > 0 ? (int)ev->steps : 0;
        s->pause_reason[0] = '\0';
        break;
    case EV_STRATEGY_WAITING:
        s->strategy_waiting = 1;
        break;
    case EV_STRATEGY_APPROVED:
        s->strategy_waiting = 0;
        break;
    case EV_SESSION_RESUMED:
        rc = on_resumed(s, ev, e);
        break;
    case EV_BUDGET_RAISED: rc = on_budget_raised(s, ev, e); break;
    case EV_WORKER_LOG:
        s->worker_lines += ev->text != NULL;
        break;
    case EV_AGENT_SWITCHED: rc = on_agent_switched(s, ev, e); break;
    case EV_CANDIDATE_APPROVED: {
        struct cand *c = find_cand(s, ev->id);
        if (!c)
            rc = err_set(e, "candidate_approved", "no candidate %d", ev->id);
        else
            c->approved = 1;
        break;
    }
    case EV_CANDIDATE_EDITED:
        rc = on_edited(s, ev, e);
        break;
    case EV_STRATEGY_EDITED: {
        struct event as = *ev; /* a strategy like any other, by the person */
        as.prompt = NULL;
        rc = on_strategy(s, &as, e);
        if (rc == 0)
            s->strategy_waiting = 0;
        break;
    }
    case EV_REVIEW_CHANGED: {
        if (ev->review >= REVIEW__COUNT)
            rc = err_set(e, "review_changed", "unknown policy");
        else
            s->review = ev->review;
        break;
    }
    case EV_EVAL_PROGRESS: { /* transient: a late one for a finished job is no error */
        struct cand *c = ev->id > 0 && ev->id <= s->ncands ? &s->cands[ev->id - 1] : NULL;
        if (c && c->status == CAND_EVALUATING) {
            c->eval_phase = ev->phase;
            c->eval_done = ev->images_done;
            c->eval_total = ev->images_total;
        }
        break;
    }
    case EV_SESSION_ENDED:
        s->iter_done = s->iter_now;
        s->iter_now = (struct state_iter){.best_rec = -1};
        s->ended = 1;
        s->end = ev->end;
        snprintf(s->end_detail, sizeof s->end_detail, "%s", ev->why ? ev->why : "");
        break;
    case EV_BEST_IMPROVED: /* derived from eval_finished; kept for the log */
        s->iter_now.best_changed = 1;
        break;
    case EV_BUDGET_REACHED:
    case EV_TARGET_REACHED:
    case EV__COUNT:
        break;
    }
    if (rc == 0 && ev->seq)
        s->last_seq = ev->seq;
    if (rc == 0 && loggable(ev))
        keep_log(s, ev);
    return rc;
}
