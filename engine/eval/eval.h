/* Evaluators: take an architecture, later call back with its metrics
 * (DESIGN §5). A table look-up calls back before submit() returns; a
 * supernet or an external process calls back from the loop later. The
 * Coordinator handles both the same way. */
#ifndef COLLM_EVAL_H
#define COLLM_EVAL_H

#include <uv.h>

#include "../core/arch.h"
#include "../core/err.h"
#include "../core/metric.h"
#include "../spaces/space.h"

struct eval_job {
    int id;                 /* candidate id */
    struct arch arch;       /* canonical */
    double m[METRIC_MAX];   /* costs already filled by the space */
};

struct eval_result {
    int id;
    int ok;
    double m[METRIC_MAX];   /* the job's costs plus what the evaluator measured */
    char error[256];        /* when !ok */
};

typedef void (*eval_done_fn)(void *ud, const struct eval_result *r);

struct evaluator;

struct evaluator_ops {
    /* Starts a job; `done` runs exactly once, possibly before this returns.
     * Returns -1 only when the job could not be started at all. */
    int (*submit)(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                  void *ud);
    void (*destroy)(struct evaluator *ev);
    /* Optional, for evaluators that work on the loop's thread pool. Until
     * attach() they answer synchronously (bench, eval, tests without a
     * loop); after it, submit() only queues, flush() starts what is queued
     * as one batch, and forget() drops every callback still owed to ud
     * (its owner is going away). */
    void (*attach)(struct evaluator *ev, uv_loop_t *loop);
    void (*flush)(struct evaluator *ev);
    void (*forget)(struct evaluator *ev, void *ud);
};

struct evaluator {
    const struct evaluator_ops *ops;
    const char *name;        /* "nb201-table" */
    int capacity;            /* jobs in flight at once */
    const struct space *space;
    void *impl;
    /* what the thread pool did: batches run, the largest, and how many ran
     * on a thread other than the loop's (all of them, or a bug) */
    long batches, off_loop_batches;
    int largest_batch;
};

/* The default evaluator for a space (the NB201 table for nb201:*). */
struct evaluator *evaluator_open(const struct space *s, struct err *e);
void evaluator_close(struct evaluator *ev);
int evaluator_submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                     void *ud);
void evaluator_attach_loop(struct evaluator *ev, uv_loop_t *loop);
void evaluator_flush(struct evaluator *ev);
void evaluator_forget(struct evaluator *ev, void *ud);

#endif
