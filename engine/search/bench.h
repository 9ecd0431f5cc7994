/* Many searches: seeds x algorithms x spaces, and the statistics of their
 * reported results (DESIGN §10: search on the objective, report the REPORT
 * metric of the best-by-objective architecture, mean and std over seeds). */
#ifndef COLLM_BENCH_H
#define COLLM_BENCH_H

#include <stdint.h>

#include "../core/err.h"
#include "proposer.h"

struct bench_config {
    const char *const *spaces;
    int nspaces;
    const char *const *algos;
    int nalgos;
    int seeds;          /* runs per cell, seeds seed0 .. seed0+seeds-1 */
    uint64_t seed0;
    int budget;
    const char *constraint;
    const char *params; /* the algorithms' options, a JSON object (NULL: defaults) */
    const char *datadir;
};

/* The best any search could report in a space under the constraint, found
 * by evaluating every architecture (only for spaces small enough to count). */
struct bench_oracle {
    int countable; /* the space is small enough to evaluate whole */
    int known;
    double objective, report;
    char arch[256];
};

struct bench_cell {
    int space, algo;    /* indices into the config lists */
    int runs;
    double obj_mean, obj_std, rep_mean, rep_std;
    double evals_mean;  /* distinct evaluations used */
    char costs[192];    /* the best's costs, mean ± std: "flops 396.2 ± 2.1, note10 ..." */
    int reached;        /* runs whose best equals the oracle's objective */
    double median_to_optimum; /* evaluations; < 0: not reached by half the runs */
};

struct bench_result {
    int ncells;
    struct bench_cell *cells; /* space-major, then algo */
    struct bench_oracle *oracle; /* one per space */
    char (*objective)[32], (*report)[32]; /* metric names per space */
};

/* Checks every space, algorithm and the constraint without running. */
int bench_check(const struct bench_config *cfg, struct err *e);
int bench_run(const struct bench_config *cfg, struct bench_result *out, struct err *e);
void bench_result_free(struct bench_result *r);
/* Oracle for one open space and evaluator (synchronous evaluators only). */
struct space;
struct evaluator;
struct constraint;
int bench_oracle(const struct space *s, struct evaluator *ev, const struct constraint *c,
                 struct bench_oracle *o);

#endif
