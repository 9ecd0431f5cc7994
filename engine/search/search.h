/* The Coordinator (DESIGN §1, §3): asks a proposer for candidates, checks
 * legality, de-duplicates, checks the constraint, evaluates, and turns every
 * step into an event that the reducer applies and listeners see. It never
 * blocks: it reacts to proposals and evaluation results, whether they come
 * back at once (tables, baselines) or later from the loop (LLMs, supernets). */
#ifndef COLLM_SEARCH_H
#define COLLM_SEARCH_H

#include <stdint.h>
#include <uv.h>

#include "../core/constraint.h"
#include "../core/event.h"
#include "../core/state.h"
#include "../eval/eval.h"
#include "evalq.h"
#include "proposer.h"

struct search_config {
    const char *algo;      /* name for the session header */
    uint64_t seed;
    int budget;            /* distinct evaluated architectures */
    int has_target;
    double target;         /* stop once the objective reaches this */
    struct constraint cons;
    /* Iterations in a row that start no evaluation before the search gives
     * up as exhausted (every proposal a duplicate or over the constraint);
     * the count is the state's (idle_iters), so it goes on over a resume. */
    int max_idle_iters;
    enum review_policy review; /* what waits for a person at the start */
};

typedef void (*search_listener)(void *ud, const struct event *ev, const struct state *st);

struct search;

struct search *search_new(const struct search_config *cfg, const struct space *sp,
                          struct evaluator *ev, struct proposer *p, struct err *e);
void search_free(struct search *s);
/* Listeners see every event after the reducer applied it; search_listen
 * leaves out the transient ones (EVAL_PROGRESS: seq 0, for screens), which
 * search_listen_all listeners see too. */
int search_listen(struct search *s, search_listener fn, void *ud);
int search_listen_all(struct search *s, search_listener fn, void *ud);
/* Text of LLM answers as it streams in, for a screen (not an event). */
typedef void (*search_stream_fn)(void *ud, const char *role, const char *text, size_t len);
void search_listen_stream(struct search *s, search_stream_fn fn, void *ud);
void search_stream(struct search *s, const char *role, const char *text, size_t len);
/* With a loop, a long run of instant work (table evaluations) yields to it
 * every few hundred steps, so signals, keys and redraws are served; the
 * events stay the same. Call before starting. */
void search_attach_loop(struct search *s, uv_loop_t *loop);
/* The person at the TUI: at most one iteration every `seconds` (needs a
 * loop; 0 = as fast as it goes); stop before the first proposal until
 * search_resume() or search_step(); run one iteration, then pause. */
void search_set_pace(struct search *s, double seconds);
void search_hold(struct search *s);
void search_step(struct search *s);
int search_stepping(const struct search *s); /* a step is under way */
/* Emits session_started and runs as far as it can without waiting. */
int search_start(struct search *s);
/* For proposers that answered "later": hands over their batch. */
void search_deliver(struct search *s, struct cand_list *batch);
/* For proposers: puts an event of theirs (strategy, LLM calls) on the
 * stream; seq, time and iteration are filled in. */
void search_emit(struct search *s, struct event *ev);
/* A proposer that cannot go on (repeated LLM failures) pauses the search
 * with the reason; nothing evaluated is lost. search_resume() asks again. */
void search_pause(struct search *s, const char *why);
/* For a proposer that answered "later" and then could not: no batch will
 * come; the search pauses with the reason. */
void search_proposal_failed(struct search *s, const char *why);
void search_resume(struct search *s);
/* Ends the search (user request): queued candidates are dropped and
 * running evaluations cancelled (an evaluator that cannot cancel is
 * waited for); what was cancelled is not recorded as evaluated. */
void search_stop(struct search *s, enum end_reason why, const char *detail);

/* Instead of search_start(): takes up a recorded session. Its events are
 * applied to the state (listeners do not see them: they are the past), the
 * proposer takes up its recorded state, SESSION_RESUMED is emitted with the
 * budget from now on (>= the recorded one), evaluations that were running
 * or queued are done (again), and the search goes on. */
int search_continue(struct search *s, const struct event *evs, int n, int budget,
                    struct err *e);

/* A person gives the search a larger budget, in this process: an ended
 * one goes on as `collm resume --budget` would (SESSION_RESUMED), a
 * running one has it raised (BUDGET_RAISED). -1 with `e` saying why not:
 * a budget that does not grow, a target reached. */
int search_extend(struct search *s, int budget, struct err *e);
/* The offline agents take over the roles (PROPOSER_NAVIGATOR,
 * PROPOSER_GENERATOR) an LLM plays, for the rest of the search: one
 * AGENT_SWITCHED each. Returns how many roles changed, or -1 with `e` set:
 * none is an LLM's, no agents (not collm), a request still under way. */
int search_go_offline(struct search *s, int roles, struct err *e);

/* ---- a person at the controls (each is an event in the journal) ---- */
enum review_policy search_review(const struct search *s);
/* Returns how many waiting things (candidates, a strategy) the new policy
 * let go on: each is journalled as the person's approval (review_holds). */
int search_set_review(struct search *s, enum review_policy r);
/* Checks an architecture a person typed: valid, new, within the constraint. */
int search_check(const struct search *s, const char *text, struct err *e);
/* Approve a candidate waiting for review (id 0: all of them); veto one;
 * change one before it runs; add one's own. -1 with e saying why not. */
int search_approve(struct search *s, int id, struct err *e);
int search_veto(struct search *s, int id, struct err *e);
int search_edit(struct search *s, int id, const char *text, struct err *e);
int search_inject(struct search *s, const char *text, struct err *e);
/* Under the strategy review: a strategy waits; go on with it, or with the
 * person's version of it (text, recorded as strategy_edited). */
int search_strategy_waiting(const struct search *s);
/* 1 when nothing moves until a person acts: a strategy or candidates wait. */
int search_waiting_for_person(const struct search *s);
int search_approve_strategy(struct search *s, const char *text, struct err *e);

int search_done(const struct search *s);
const struct state *search_state(const struct search *s);
/* Seconds since the session started, on the clock of its events' "t". */
double search_clock(const struct search *s);
const struct space *search_space(const struct search *s);
/* Non-empty when the search ended because something failed. */
const char *search_error(const struct search *s);

#endif
