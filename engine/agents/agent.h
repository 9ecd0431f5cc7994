/* The two agent roles of CoLLM-NAS (DESIGN §1, §6). A Navigator keeps a
 * conversation and turns results into a strategy; a Generator has no
 * memory and turns a strategy into candidates. Each role is a vtable, so an
 * LLM Navigator can drive the offline Generator and the other way round.
 * Agents may answer at once (offline) or later from the loop (LLM); either
 * way the callback runs exactly once per call. */
#ifndef COLLM_AGENT_H
#define COLLM_AGENT_H

#include "../core/constraint.h"
#include "../core/event.h"
#include "../core/rng.h"
#include "../core/state.h"
#include "../cand/cand.h"
#include "../spaces/space.h"

/* What agents may use of their host (the collm proposer): the event stream
 * for their LLM calls, nothing else. */
struct agent_host {
    void (*emit)(void *ud, struct event *ev);
    /* Optional: text of an answer as it streams in (never journalled: the
     * whole answer is, once it is complete). */
    void (*stream)(void *ud, const char *role, const char *text, size_t len);
    void *ud;
};

struct nav_input {
    const struct state *st;
    const struct space *space;
    const struct constraint *cons;
    int iter;       /* the iteration this strategy is for (1, 2 ...) */
    int since;      /* st->rec[since ..] are the results since the last strategy */
    int budget_left;
};

/* ok: strategy is the text, and turn the user message an LLM answered with
 * it (NULL offline); !ok: error says why. */
typedef void (*strategy_fn)(void *ud, int ok, const char *strategy, const char *turn,
                            const char *error);

struct gen_input {
    const struct state *st;
    const struct space *space;
    const struct constraint *cons;
    const char *strategy;
    int count;                       /* candidates wanted */
    const char *reasons;             /* why the last attempt fell short, or NULL */
    const struct cand_list *pending; /* proposed earlier in this iteration */
};

/* ok > 0: cands holds the candidates (the caller copies them).
 * ok == 0: the answer was unusable (error says why): worth asking again.
 * ok < 0: no answer could be had (the endpoint failed): asking again is not. */
typedef void (*cands_fn)(void *ud, int ok, struct cand_list *cands, const char *error);

struct navigator;
struct navigator_ops {
    int (*strategize)(struct navigator *n, const struct nav_input *in, strategy_fn done,
                      void *ud);
    /* Optional: drop the call in flight; its callback never comes. */
    void (*cancel)(struct navigator *n);
    /* Optional: take up the conversation recorded in a resumed session. */
    int (*restore)(struct navigator *n, const struct state *st, struct err *e);
    void (*destroy)(struct navigator *n);
};
struct navigator {
    const struct navigator_ops *ops;
    char name[64];   /* "offline-navigator", "llm:qwen3" */
    int offline;
    struct agent_host host;
    struct rng rng;
    void *impl;
};

struct generator;
struct generator_ops {
    int (*generate)(struct generator *g, const struct gen_input *in, cands_fn done, void *ud);
    void (*cancel)(struct generator *g);
    void (*destroy)(struct generator *g);
};
struct generator {
    const struct generator_ops *ops;
    char name[64];
    int offline;
    struct agent_host host;
    struct rng rng;
    void *impl;
};

/* prior: how much the Navigator trusts the space's prior (0 ignores it). */
struct navigator *offline_navigator_new(const struct space *s, uint64_t seed, double prior);
struct generator *offline_generator_new(const struct space *s, uint64_t seed);
/* LLM-backed agents: prompts from prompts_dir/<family>/, calls through
 * `client` (owned by the caller, on the caller's loop). */
struct llm_client;
struct llm_params;
/* What LLM agents may fit and spend (0: no limit). The caps count the
 * whole session, resumed parts included; a request past one is not sent
 * and the agent fails with the reason. */
struct llm_limits {
    int context_window; /* tokens the model reads; 0: unknown until a server says */
    int max_requests;   /* --max-llm-requests */
    long max_tokens;    /* --max-tokens-total: prompt and answer tokens */
};
struct navigator *llm_navigator_new(const struct space *s, struct llm_client *client,
                                    const struct llm_params *p, const struct llm_limits *lim,
                                    const char *prompts_dir, struct err *e);
struct generator *llm_generator_new(const struct space *s, struct llm_client *client,
                                    const struct llm_params *p, const struct llm_limits *lim,
                                    const char *prompts_dir, struct err *e);
void navigator_free(struct navigator *n);
void generator_free(struct generator *g);

#endif
