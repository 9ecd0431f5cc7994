/* Search state and its reducer: state_apply() is the only code that changes
 * it, and it is a pure function of the event sequence (DESIGN §3). Live
 * search, headless output, resume and replay all go through it. */
#ifndef COLLM_STATE_H
#define COLLM_STATE_H

#include <stddef.h>

#include "arch.h"
#include "err.h"
#include "event.h"
#include "pareto.h"

/* Decodes canonical architecture text; supplied by whoever owns the space
 * so the reducer stays independent of engine/spaces. */
typedef int (*arch_decode_fn)(const void *ctx, const char *text, struct arch *out,
                              struct err *e);

/* One evaluated architecture, in order of completion. */
struct record {
    int id;          /* candidate id */
    int iter;        /* iteration that proposed it */
    int order;       /* 1-based position among evaluations */
    struct arch arch;
    char *text;      /* canonical text */
    enum source source;
    char *by;        /* proposer that proposed it */
    double m[METRIC_MAX];
};

/* visited values other than a record index: being evaluated; failed; was
 * being evaluated when the process died (evaluated again on resume) */
enum { VISIT_RUNNING = -1, VISIT_FAILED = -2, VISIT_ABANDONED = -3 };

struct strategy_rec {
    int iter;
    char *by;   /* "offline-navigator", "llm:MODEL" */
    char *text;
    char *turn; /* the user message an LLM Navigator answered, or NULL */
};

/* Every candidate ever proposed, with its fate; ids run 1, 2, 3 ... */
enum cand_status { CAND_QUEUED, CAND_REJECTED, CAND_EVALUATING, CAND_DONE, CAND_FAILED };

struct cand {
    int id;
    int iter;
    char *text;
    enum source source;
    char *by;
    enum cand_status status;
    enum reject_reason reason;
    char *detail; /* why it was rejected or failed, or NULL */
    int approved; /* a person approved it (or proposed it) */
    int edited;   /* a person changed it before it ran */
    int rec; /* index into state.rec once evaluated, else -1 */
    /* while evaluating, from EVAL_PROGRESS (eval_total 0: none reported) */
    enum eval_phase eval_phase;
    long eval_done, eval_total;
};

struct state_iter {
    int iter, evals, rejected, best_changed;
    int best_rec; /* index in rec of the iteration's best, -1 */
};

struct state {
    arch_decode_fn decode;
    const void *decode_ctx;

    struct session_info info; /* from SESSION_STARTED; info.nmetrics == 0 before */
    uint64_t last_seq;
    int iter;

    struct record *rec; /* evaluated, in order */
    size_t nrec, caprec;
    struct archset visited; /* started or finished: what the budget paid for;
                             * value: index into rec, or VISIT_RUNNING / _FAILED */
    struct archset seen;    /* visited, rejected by the constraint, or vetoed */
    struct archset vetoed;  /* turned down by a person: never proposed again;
                             * value: the candidate id of the veto */

    struct cand *cands; /* cands[id - 1] */
    int ncands, capcands;
    int batch_first, nbatch; /* the proposer's latest batch: cands[batch_first ...] */
    int batch_rejected;      /* of them, rejected by the screening (not vetoed) */
    int proposed_iter;       /* the iteration of the latest proposer batch */
    char *proposer_state;    /* from the latest CANDIDATES_PROPOSED, or NULL */
    int proposed;
    int queued;              /* candidates CAND_QUEUED */
    /* proposer batches in a row that started no evaluation: all of a batch
     * rejected with nothing else waiting; an evaluation starting ends the
     * run. Counted over resumes. */
    int idle_iters;
    /* what an iteration did, for a line per iteration (headless): `iter_now`
     * is the iteration under way, `iter_done` the one that ended last, at
     * the next iteration_started or at session_ended */
    struct state_iter iter_now, iter_done;

    int rejected[REJ__COUNT];
    int started, finished, failed, in_flight;
    int best;          /* index into rec of the best by objective, -1 */
    int best_changed_at; /* order of the evaluation that last improved it */
    struct pareto front; /* (-objective, cost): cost = front_cost metric */
    int front_cost;

    /* the agents: every strategy, in order */
    struct strategy_rec *strats;
    int strategies, capstrats;
    int llm_requests, llm_answers, llm_failures, llm_retries, llm_rejected_answers;
    int llm_in_flight;
    long tokens_in, tokens_out;
    long tokens_reasoning; /* of tokens_out, what servers counted as reasoning */
    int compactions;       /* CONTEXT_COMPACTED events */
    int context_window;    /* the Navigator's window at its latest compaction, 0 before */
    int llm_warnings;
    int worker_lines;  /* worker_log events: lines of worker programs' stderr */
    double llm_seconds;  /* summed latency of finished requests, failed ones too */

    int paused;
    char pause_reason[256];
    int stepping;   /* resumed for `steps_left` more iterations, then it pauses */
    int steps_left;
    int strategy_waiting; /* the latest strategy waits for a person (review) */
    enum review_policy review; /* what waits for a person */

    /* LLM requests in flight: when each started (event time), for the
     * waiting timers (the first 16 of them), and the attempt each is at */
    struct { int req; double t; int attempt; } llm_open[16];
    int nllm_open;

    /* The latest STATE_LOG_KEEP events a person reads about (strategies,
     * LLM calls, pauses, rejections, steering), for the log: a ring, lean
     * copies (by, why, role and model kept, and what a failed or unusable
     * answer said; other texts, messages and candidate lists not). log_total counts every one kept since the start. */
    struct event *log;
    long log_total;

    int ended;
    enum end_reason end;
    char end_detail[256];
};

/* `front_cost` is the cost metric the Pareto front trades against; -1
 * picks the first COST metric once the session starts. */
void state_init(struct state *s, arch_decode_fn decode, const void *ctx, int front_cost);
void state_free(struct state *s);
/* Applies one event. Returns -1 with `e` set when the event does not fit the
 * state (a journal out of order, an undecodable architecture); the state is
 * left as it was before the event. */
int state_apply(struct state *s, const struct event *ev, struct err *e);

const struct record *state_best(const struct state *s);
const struct cand *state_cand(const struct state *s, int id); /* NULL if unknown */
/* The latest strategy, or NULL before the first. */
const struct strategy_rec *state_strategy(const struct state *s);
#define STATE_LOG_KEEP 200
/* Log event k (0-based, in order since the start), or NULL when it has
 * left the ring (k < log_total - STATE_LOG_KEEP) or is not there yet. */
const struct event *state_log(const struct state *s, long k);
/* When the oldest LLM request in flight started (event time), or -1;
 * *attempt (may be NULL): the attempt it is at, 1 before any retry. */
double state_llm_oldest(const struct state *s, int *attempt);
/* 1 when the policy makes this queued candidate wait for a person. */
int state_awaits_review(const struct state *s, const struct cand *c);
/* What a policy holds for a person: candidates (candidates, all) or, with
 * strategy set, strategies (strategy, all). The rule of a policy change
 * (issue 13, bug 12): what the new policy no longer holds goes on, approved
 * by the person ("review turned off"), never silently and never stuck. */
int review_holds(enum review_policy r, int strategy);
int state_budget_left(const struct state *s);
int state_has_visited(const struct state *s, const struct arch *a);
int state_has_seen(const struct state *s, const struct arch *a);
/* The candidate id a person vetoed `a` as, or 0 when never vetoed. */
int state_vetoed(const struct state *s, const struct arch *a);
/* The Pareto front of the objective against the COST metric `cost` (any
 * of them, not only front_cost): the indices into rec of its records,
 * sorted by cost, in idx (room for nrec). Returns how many, -1 when out of
 * memory. */
long state_front(const struct state *s, int cost, int *idx);
/* Who an evaluated architecture is from, in words, for every view and
 * export: "person" (injected), "person (edited from #N)" (a proposal a
 * person changed before it ran), else its proposer ("collm", "rea"). */
const char *state_provenance(const struct state *s, const struct record *r, char *buf,
                             size_t n);
/* 1 when a person put the architecture there, injected or edited. */
int state_by_person(const struct state *s, const struct record *r);
/* The record of an evaluated architecture, or NULL (O(1)). */
const struct record *state_find_record(const struct state *s, const struct arch *a);

#endif
