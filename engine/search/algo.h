/* The registry of search algorithms: each declares its options once (name,
 * type, where in its own options struct, default, help), and the command
 * line, --help, the session header ("params") and resume all read those
 * declarations. A new algorithm is its .c (its struct algo_kind), one
 * extern line in proposer.h and one row in algo.c. */
#ifndef COLLM_ALGO_H
#define COLLM_ALGO_H

#include <stddef.h>

#include "../core/err.h"

enum algo_opt_type { ALGO_INT, ALGO_DOUBLE };

struct algo_opt {
    const char *name; /* the flag without dashes, and its key in "params" */
    enum algo_opt_type type;
    size_t offset;    /* into the algorithm's own options struct */
    double def;
    const char *arg;  /* placeholder in --help: "N" */
    const char *help;
};

struct proposer;

struct algo_kind {
    const char *name;    /* what --algo takes */
    const char *summary; /* for collm spaces */
    /* Sets p->ops (and p->impl); checks p->opts, already filled. */
    struct proposer *(*open)(struct proposer *p, struct err *e);
    const struct algo_opt *opts; /* ends with {0}; NULL: none */
    size_t opts_size;            /* sizeof its options struct */
    /* Optional: the budget a whole run takes when none is given (0: the
     * usual default), for algorithms that end by design (generations). */
    int (*budget)(const void *opts);
};

const struct algo_kind *const *algo_registry(int *n);
/* NULL with e listing the known names ("--algo") when there is none. */
const struct algo_kind *algo_find(const char *name, struct err *e);

/* A malloc'd options struct of `k`: the defaults, then the values a params
 * object (compact JSON text, NULL: none) gives. Keys the algorithm does not
 * declare are passed over: older sessions recorded some of every algorithm.
 * A value of the wrong type is an error naming the key. */
void *algo_opts_new(const struct algo_kind *k, const char *params, struct err *e);
/* Every declared option of `k` with its value in `opts`, as a compact JSON
 * object (malloc'd): what the session header records as "params". */
char *algo_opts_json(const struct algo_kind *k, const void *opts);

#endif
