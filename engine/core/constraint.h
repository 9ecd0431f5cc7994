/* Budget constraints on cost metrics: "flops<=100", "params<1.0,lat_pixel3<=20". */
#ifndef COLLM_CONSTRAINT_H
#define COLLM_CONSTRAINT_H

#include <stddef.h>

#include "err.h"
#include "metric.h"

#define CONSTRAINT_MAX 8

enum cmp_op { CMP_LE, CMP_LT, CMP_GE, CMP_GT };

struct bound {
    int metric; /* index into the space's metric defs */
    enum cmp_op op;
    double value;
};

struct constraint {
    int n;
    struct bound b[CONSTRAINT_MAX];
};

/* Parses a comma-separated list; only COST metrics may be constrained.
 * An empty or NULL text is no constraint. */
int constraint_parse(struct constraint *c, const char *text,
                     const struct metric_def *defs, int ndefs, struct err *e);
/* Returns -1 if every bound holds, else the index of the first that fails. */
int constraint_violated(const struct constraint *c, const double *metrics);
/* "flops<=100,params<=1" (canonical), or "" for none. */
void constraint_format(const struct constraint *c, const struct metric_def *defs,
                       char *buf, size_t n);
/* Why `metrics` fails bound i: "flops 113.95 M > 100". */
void constraint_explain(const struct constraint *c, int i, const struct metric_def *defs,
                        const double *metrics, char *buf, size_t n);

#endif
