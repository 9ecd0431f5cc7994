/* Everything that happens in a search is an event (DESIGN §3). Events are
 * plain structs; event_to_json/event_from_json are their one codec, driven
 * by the field table in event_fields.h (a new field is one row there). The
 * reducer (state.h) is a pure function of the event sequence. */
#ifndef COLLM_EVENT_H
#define COLLM_EVENT_H

#include <stdint.h>

#include "err.h"
#include "metric.h"

/* The list of event types, once: the enum and the JSON names come from it.
 * New types are appended; codecs skip what they do not know. */
#define EVENT_TYPES(X)                                                        \
    X(SESSION_STARTED, "session_started")                                     \
    X(ITERATION_STARTED, "iteration_started")                                 \
    X(CANDIDATES_PROPOSED, "candidates_proposed")                             \
    X(CANDIDATE_REJECTED, "candidate_rejected")                               \
    X(EVAL_STARTED, "eval_started")                                           \
    X(EVAL_FINISHED, "eval_finished")                                         \
    X(EVAL_FAILED, "eval_failed")                                             \
    X(BEST_IMPROVED, "best_improved")                                         \
    X(BUDGET_REACHED, "budget_reached")                                       \
    X(TARGET_REACHED, "target_reached")                                       \
    X(SESSION_ENDED, "session_ended")                                         \
    X(STRATEGY_PROPOSED, "strategy_proposed")                                 \
    X(LLM_REQUEST, "llm_request")                                             \
    X(LLM_RETRY, "llm_retry")                                                 \
    X(LLM_ANSWER, "llm_answer")                                               \
    X(LLM_FAILED, "llm_failed")                                               \
    X(ANSWER_REJECTED, "answer_rejected")                                     \
    X(PAUSED, "paused")                                                       \
    X(RESUMED, "resumed")                                                     \
    X(SESSION_RESUMED, "session_resumed")                                     \
    X(CANDIDATE_APPROVED, "candidate_approved")                               \
    X(CANDIDATE_EDITED, "candidate_edited")                                   \
    X(STRATEGY_EDITED, "strategy_edited")                                     \
    X(REVIEW_CHANGED, "review_changed")                                       \
    X(CONTEXT_COMPACTED, "context_compacted")                                 \
    X(LLM_WARNING, "llm_warning")                                             \
    X(EVAL_PROGRESS, "eval_progress")                                         \
    X(STRATEGY_WAITING, "strategy_waiting")                                   \
    X(STRATEGY_APPROVED, "strategy_approved")                                 \
    X(BUDGET_RAISED, "budget_raised")                                         \
    X(AGENT_SWITCHED, "agent_switched")                                       \
    X(WORKER_LOG, "worker_log")

enum event_type {
#define X(id, name) EV_##id,
    EVENT_TYPES(X)
#undef X
    EV__COUNT
};

/* Who proposed a candidate. */
#define SOURCES(X) X(ALGORITHM, "algorithm") X(AGENT, "agent") X(USER, "user")
enum source {
#define X(id, name) SRC_##id,
    SOURCES(X)
#undef X
    SRC__COUNT
};

/* Why a candidate was not evaluated. */
#define REJECT_REASONS(X)                                                     \
    X(INVALID, "invalid")                                                     \
    X(DUPLICATE, "duplicate")                                                 \
    X(CONSTRAINT, "constraint")                                               \
    X(VETOED, "vetoed")                                                       \
    X(SURPLUS, "surplus")
enum reject_reason {
#define X(id, name) REJ_##id,
    REJECT_REASONS(X)
#undef X
    REJ__COUNT
};

/* Why a session ended. */
#define END_REASONS(X)                                                        \
    X(BUDGET, "budget")                                                       \
    X(TARGET, "target")                                                       \
    X(EXHAUSTED, "exhausted")                                                 \
    X(USER, "user")                                                           \
    X(ERROR, "error")
enum end_reason {
#define X(id, name) END_##id,
    END_REASONS(X)
#undef X
    END__COUNT
};

/* What a running evaluation is doing (EVAL_PROGRESS). */
#define EVAL_PHASES(X)                                                        \
    X(RECALIBRATING, "recalibrating")                                         \
    X(VALIDATING, "validating")                                               \
    X(TESTING, "testing")
enum eval_phase {
#define X(id, name) PHASE_##id,
    EVAL_PHASES(X)
#undef X
    PHASE__COUNT
};

/* Transient events are for the screen only: they carry no sequence
 * number, and the journal and headless output never see them. */
#define EVENT_TRANSIENT(t) ((t) == EV_EVAL_PROGRESS)

/* What waits for a person before it goes on (DESIGN §3). */
#define REVIEW_POLICIES(X)                                                    \
    X(AUTO, "auto")                                                           \
    X(CANDIDATES, "candidates")                                               \
    X(STRATEGY, "strategy")                                                   \
    X(ALL, "all")
enum review_policy {
#define X(id, name) REVIEW_##id,
    REVIEW_POLICIES(X)
#undef X
    REVIEW__COUNT
};
const char *review_name(enum review_policy r);
int review_from_name(const char *name); /* -1 if unknown */

/* What a session is: the header of the stream. Owned strings. Its JSON
 * form is the table SESSION_INFO_FIELDS in event_fields.h. */
struct session_info {
    int version;          /* event format version */
    char *program;        /* "collm 0.1.0" */
    char *space;          /* "nb201:cifar10" */
    char *algo;           /* "rea" */
    uint64_t seed;
    int budget;
    char *constraint;     /* canonical text, "" for none */
    char *navigator;      /* agents, "" for the baselines: "offline-navigator", "llm:MODEL" */
    char *generator;
    char *params;         /* the algorithm's options, a compact JSON object (NULL: none) */
    char *evaluator;      /* "fmnist-supernet"; NULL in older sessions: the space's default */
    enum review_policy review;
    int has_target;
    double target;
    int nmetrics;
    struct metric_def metrics[METRIC_MAX]; /* names owned (strdup) */
    int objective, report; /* metric indices; report may be -1 */
};

struct ev_cand {
    int id;
    char *arch;
};

/* One chat message of an LLM request. */
struct ev_msg {
    char *role; /* "system", "user", "assistant" */
    char *content;
};

/* One flat struct for all types: each type uses the fields its comment
 * names; the rest stay zero. Simpler to codec and free than a union. */
struct event {
    enum event_type type;
    uint64_t seq;  /* 1, 2, 3 ... assigned by the emitter */
    double t;      /* seconds since the session started */
    int iter;      /* iteration the event belongs to (0 before the first) */

    struct session_info *info;   /* SESSION_STARTED */
    enum source source;          /* CANDIDATES_PROPOSED */
    char *by;                    /* CANDIDATES_PROPOSED: proposer name; AGENT_SWITCHED:
                                  * the agent from now on ("offline-navigator") */
    char *pstate;                /* CANDIDATES_PROPOSED: the proposer's state after it,
                                  * opaque text, so a resumed search goes on exactly */
    int ncand;                   /* CANDIDATES_PROPOSED */
    struct ev_cand *cand;
    int id;                      /* candidate id: REJECTED, EVAL_*, BEST_IMPROVED */
    char *arch;                  /* REJECTED, EVAL_*, BEST_IMPROVED: canonical text */
    enum reject_reason reason;   /* REJECTED */
    long steps;                  /* RESUMED: iterations to run before pausing again
                                  * (a step), 0: until paused */
    char *why;                   /* REJECTED, EVAL_FAILED, SESSION_ENDED, LLM_RETRY,
                                  * LLM_FAILED, ANSWER_REJECTED, PAUSED, RESUMED,
                                  * SESSION_RESUMED: words for a person */
    char *before;                /* CANDIDATE_EDITED: the text before the edit */
    enum review_policy review;   /* REVIEW_CHANGED: the policy from now on */
    double metrics[METRIC_MAX];  /* EVAL_FINISHED: all metrics; BEST_IMPROVED too */
    int used, budget;            /* BUDGET_REACHED, SESSION_ENDED; SESSION_RESUMED and
                                  * BUDGET_RAISED: the budget from now on */
    enum end_reason end;         /* SESSION_ENDED */

    /* The agents. `by` names the agent for STRATEGY_PROPOSED. */
    char *text;      /* STRATEGY_PROPOSED: the strategy; LLM_ANSWER: the answer;
                      * LLM_FAILED, ANSWER_REJECTED: the raw body or text, if any */
    char *prompt;    /* STRATEGY_PROPOSED: the user turn an LLM answered, if any */
    int req;         /* LLM_*, ANSWER_REJECTED: request number in this session */
    char *role;      /* LLM_REQUEST, ANSWER_REJECTED, AGENT_SWITCHED: "navigator" or
                      * "generator" */
    char *model;     /* LLM_REQUEST */
    int nmsg;        /* LLM_REQUEST: the whole conversation sent */
    struct ev_msg *msgs;
    int attempt;     /* LLM_RETRY: the attempt about to start (2, 3 ...) */
    double delay;    /* LLM_RETRY: seconds until then */
    char *finish;    /* LLM_ANSWER: finish_reason ("stop", "length" ...) */
    long tokens_in, tokens_out; /* LLM_ANSWER */
    double latency;  /* LLM_ANSWER, LLM_FAILED: seconds, all attempts */
    long tokens_reasoning; /* LLM_ANSWER: of tokens_out, reasoning (0: not reported) */
    char *reasoning; /* LLM_ANSWER: the reasoning the server sent apart from the answer
                      * (reasoning_content); an inline <think> block stays in text */
    /* CONTEXT_COMPACTED (role): the oldest `dropped` turns of the conversation
     * gave way to a table of `rows` results, estimated tokens before and after,
     * for a context window of `window` tokens */
    int dropped, rows, window;
    long est_before, est_after;
    long http_status; /* LLM_FAILED: the server's HTTP status, 0 when none came */

    /* WORKER_LOG: a line of worker program `worker`'s stderr in `text` (cut,
     * never more than the evaluator's rate allows); `dropped`: its lines
     * not recorded since the one before (text NULL when the worker ended
     * with some dropped) */
    int worker;

    /* EVAL_PROGRESS (with `id`): images done of total in the phase */
    enum eval_phase phase;
    long images_done, images_total;
};

const char *event_type_name(enum event_type t);
int event_type_from_name(const char *name); /* -1 if unknown */
const char *source_name(enum source s);
const char *reject_reason_name(enum reject_reason r);
const char *end_reason_name(enum end_reason r);

/* Deep copy (for listeners that keep events) and release. */
int event_copy(struct event *dst, const struct event *src);
void event_free(struct event *ev);

/* The JSON codec. `info` names the metrics (it may be NULL for
 * SESSION_STARTED, which carries its own). `with_time` adds "t"; headless
 * output leaves it out so the same seed prints the same bytes. Returns a
 * malloc'd single line without newline, or NULL on allocation failure. */
char *event_to_json(const struct event *ev, const struct session_info *info, int with_time);
/* Parses one line. Returns 0, or 1 for a type this version does not know
 * (a newer writer's event: only ev->seq is set), or -1 with `e` saying what
 * is wrong. */
int event_from_json(const char *line, struct event *ev, const struct session_info *info,
                    struct err *e);

/* The same codec one step from the text, for a reader or writer that
 * rewrites part of the object on its way (the journal keeps each message
 * of a conversation once). event_parse_line is NULL with `e` saying
 * where the text stops being JSON. */
struct cJSON;
struct cJSON *event_to_cjson(const struct event *ev, const struct session_info *info,
                            int with_time);
struct cJSON *event_parse_line(const char *line, struct err *e);
int event_from_cjson(struct cJSON *o, struct event *ev, const struct session_info *info,
                     struct err *e);

struct session_info *session_info_new(void);
int session_info_copy(struct session_info *dst, const struct session_info *src);
void session_info_free(struct session_info *info);

#endif
