/* What an evaluation measures. Each space declares its metrics once; events,
 * state and output refer to them by index and name them by `name`. */
#ifndef COLLM_METRIC_H
#define COLLM_METRIC_H

#include <stddef.h>

#define METRIC_MAX 16

enum metric_role {
    METRIC_OBJECTIVE, /* what the search sees and maximises (validation acc) */
    METRIC_REPORT,    /* reported for the best-by-objective arch, never seen by the search */
    METRIC_COST,      /* known before evaluation; constraints apply to these */
};

struct metric_def {
    const char *name; /* short, used in --constraint and JSON: "flops" */
    const char *unit; /* "M", "ms", "%" */
    const char *help;
    enum metric_role role;
};

/* The shortest decimal text that reads back as exactly v ("93.76", not
 * "93.760000000000005"): journals and exports give back the same doubles. */
const char *num_exact(double v, char *buf, size_t n);

/* Index of `name` in defs, or -1. */
int metric_find(const struct metric_def *defs, int n, const char *name);

#endif
