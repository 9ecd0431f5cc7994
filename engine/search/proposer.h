/* Proposers: whatever suggests the next architectures to the Coordinator.
 * The baselines (random, REA, local search) propose at once; LLM agents
 * (issue 3) answer later through search_deliver(). */
#ifndef COLLM_PROPOSER_H
#define COLLM_PROPOSER_H

#include <stdint.h>

#include "../cand/cand.h"
#include "../core/arch.h"
#include "../core/constraint.h"
#include "../core/err.h"
#include "../core/event.h"
#include "../core/rng.h"
#include "../core/state.h"
#include "../spaces/space.h"
#include "algo.h"

struct proposer;

struct proposer_ops {
    /* Fills `out` and returns 0, or returns 1 when the batch will come
     * later through search_deliver(), or -1 with `e` set. An empty batch
     * returned at once means the proposer has nothing new to offer. */
    int (*propose)(struct proposer *p, const struct propose_ctx *ctx, struct cand_list *out,
                   struct err *e);
    /* Optional: drop a proposal still in the making (the search is
     * stopping); search_deliver() must not follow. */
    void (*cancel)(struct proposer *p);
    /* Optional: what the proposer knows beyond its rng and the search state,
     * as text (malloc'd), and taking it up again in a resumed search. */
    /* Optional, agents: the go-ahead for a strategy that waited for a
     * person (STRATEGY_WAITING), with the text to use (NULL: as proposed). */
    void (*approve_strategy)(struct proposer *p, const char *text);
    char *(*save)(struct proposer *p);
    int (*restore)(struct proposer *p, const char *saved, const struct state *st,
                   struct err *e);
    void (*destroy)(struct proposer *p);
    /* Optional, agents: from now on the offline agents play `roles`
     * (PROPOSER_NAVIGATOR, PROPOSER_GENERATOR), for an LLM that keeps
     * failing; asked between proposals only. */
    int (*go_offline)(struct proposer *p, int roles, const struct state *st, struct err *e);
};
enum { PROPOSER_NAVIGATOR = 1, PROPOSER_GENERATOR = 2 };

struct search;

struct proposer {
    const struct proposer_ops *ops;
    struct search *owner; /* set by search_new(): where late answers go */
    const char *name;     /* "rea" */
    enum source source;
    const struct space *space;
    struct rng rng;
    const struct algo_kind *kind;
    void *opts; /* the algorithm's own options struct (algo.h), owned */
    char navigator[64], generator[64]; /* agent names for the session header */
    char done[160]; /* set when it has nothing more to propose by design (not exhausted) */
    /* It may be asked for the next batch while the last one is still being
     * evaluated (it reads whatever results are in), so that its latency
     * hides behind evaluation. */
    int pipelined;
    /* Idle iterations (state.idle_iters) after which the search pauses
     * with the reason, and again after as many more; 0: never (it ends at
     * search_config.max_idle_iters). */
    int idle_pause;
    void *impl;
};

/* Opens `algo` of the registry (algo.h) with the options a params object
 * gives (compact JSON; NULL: the defaults). */
struct proposer *proposer_open_params(const char *algo, const struct space *s, uint64_t seed,
                                      const char *params, struct err *e);
/* Every option of its algorithm with its value, as the session header
 * records them: a compact JSON object in buf ("{}" if it does not fit). */
void proposer_params(const struct proposer *p, char *buf, size_t n);
void proposer_close(struct proposer *p);
/* The whole proposer state as one line of text (malloc'd): recorded with
 * each proposal so that a resumed search proposes exactly what an
 * uninterrupted one would have. */
char *proposer_save(struct proposer *p);
int proposer_restore(struct proposer *p, const char *saved, const struct state *st,
                     struct err *e);

/* The built-in algorithms, each with its options declared in its own file. */
extern const struct algo_kind random_algo, rea_algo, local_algo, collm_algo, ofa_ea_algo;

/* The options of the built-in algorithms by field, for programs written
 * before the registry (the unit tests): proposer_open() hands them over as
 * a params object, each algorithm taking the ones it declares. New
 * algorithms need no field here; batch 0 means the algorithm's default. */
struct algo_opts {
    int batch;
    int population, tournament;     /* rea */
    double prior;                   /* collm */
    int ea_population, generations; /* ofa-ea */
    double mutate_prob;
};
void algo_opts_default(struct algo_opts *o);
struct proposer *proposer_open(const char *algo, const struct space *s, uint64_t seed,
                               const struct algo_opts *o, struct err *e);

/* collm's options: the agent setup (tui/agentcfg.c) builds its own pair. */
struct collm_opts {
    int batch;    /* candidates per iteration */
    double prior; /* offline Navigator: weight of the space's prior, 0..1 */
    int pipeline; /* 1: the next strategy may be asked for while a batch evaluates */
};
struct navigator;
struct generator;
/* The collm proposer with the given agents (taken over, freed on close). */
struct proposer *collm_with_agents(struct proposer *p, struct navigator *nav,
                                   struct generator *gen, struct err *e);

#endif
