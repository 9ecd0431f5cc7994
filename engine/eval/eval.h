/* Evaluators: take an architecture, later call back with its metrics
 * (DESIGN §5). One small interface, one backend per file (redis' ae.c),
 * chosen from a registry; requests in the manner of libuv's uv_work_t.
 *
 * Requests. The caller owns a struct eval_req (embedded or allocated),
 * fills `job` (and optionally `data`, `progress`) and calls eval_submit().
 * Its callback then fires exactly once, on the loop thread, with
 * req->status EVAL_OK, EVAL_FAILED (req->result.error says why) or
 * EVAL_CANCELLED. Until it fires the request must stay where it is.
 *
 * The one rule for synchronous evaluators (the NB201 table, any evaluator
 * not attached to a loop): the callback fires before eval_submit()
 * returns. Attached to a loop, the supernet and the predictor only queue in
 * submit; evaluator_flush() starts what is queued, and callbacks come from
 * the loop later. A caller handles both the same way: do nothing with the
 * request after submit that its callback would not allow.
 *
 * eval_cancel(req): a job not yet started is dropped and its callback fires
 * with EVAL_CANCELLED before eval_cancel() returns; a running one has its
 * flag raised, its worker stops at the next batch (well under 100 ms) and
 * the callback comes from the loop with EVAL_CANCELLED, or with the
 * result when it had just finished. Evaluators without a cancel op (and a
 * request already answered) return -1: the callback comes as it would.
 *
 * Progress: workers report (phase, images done, total) through a
 * uv_async_t and a locked queue; the loop thread calls req->progress in
 * order, at most one report per job and phase per loop turn.
 *
 * Closing: every request must have been answered or forgotten
 * (evaluator_forget(ev, req): no callback at all, for an owner that goes
 * away). evaluator_close() never runs the loop: it cancels what still
 * runs, and the memory the workers use is freed by their completions, so
 * the caller keeps running the loop until uv_loop_close() succeeds.
 *
 * Parallelism is decided in one place, evaluator_workers(): N pool workers
 * x 1 OpenBLAS thread (the default, measured faster for the supernet on a
 * 2-core machine: README "Parallelism"), or 1 worker x N BLAS threads with
 * --eval-workers 1. Never N x N. */
#ifndef COLLM_EVAL_H
#define COLLM_EVAL_H

#include <uv.h>

#include "../core/arch.h"
#include "../core/err.h"
#include "../core/event.h"
#include "../core/metric.h"
#include "../spaces/space.h"

struct eval_job {
    int id;                 /* candidate id */
    struct arch arch;       /* canonical */
    double m[METRIC_MAX];   /* costs already filled by the space */
    /* set by eval_submit(): how a backend reports progress (loop thread;
     * ud is the one given to submit) */
    void (*on_progress)(void *ud, enum eval_phase ph, long done, long total);
};

struct eval_result {
    int id;
    int ok;
    double m[METRIC_MAX];   /* the job's costs plus what the evaluator measured */
    char error[256];        /* when !ok */
    int cancelled;          /* stopped by a cancel: neither ok nor failed */
};

typedef void (*eval_done_fn)(void *ud, const struct eval_result *r);

enum eval_status { EVAL_OK, EVAL_FAILED, EVAL_CANCELLED };

struct eval_req;
typedef void (*eval_req_cb)(struct eval_req *req);
typedef void (*eval_progress_cb)(struct eval_req *req, enum eval_phase ph, long done,
                                 long total);

struct eval_req {
    /* the caller's */
    void *data;
    struct eval_job job;
    eval_progress_cb progress;  /* optional */
    /* the answer, for the callback */
    enum eval_status status;
    struct eval_result result;
    /* the evaluator's */
    struct evaluator *ev;
    eval_req_cb cb;
    int active;                 /* submitted, callback not yet fired */
};

struct evaluator;

/* A backend. submit/destroy are required; the rest optional. */
struct evaluator_ops {
    /* Starts a job; `done` runs exactly once, possibly before this returns.
     * Returns -1 only when the job could not be started at all (then never). */
    int (*submit)(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                  void *ud);
    void (*destroy)(struct evaluator *ev);
    /* For evaluators that work on the loop's thread pool. Until attach()
     * they answer synchronously (bench, eval, tests without a loop); after
     * it, submit() only queues, flush() starts what is queued as one batch,
     * and forget() drops every callback still owed to ud. */
    void (*attach)(struct evaluator *ev, uv_loop_t *loop);
    void (*flush)(struct evaluator *ev);
    void (*forget)(struct evaluator *ev, void *ud);
    /* Stops ud's jobs; each still answers once, with r->cancelled if stopped. */
    void (*cancel)(struct evaluator *ev, void *ud);
};

/* Line `text` of worker `worker`'s stderr, `dropped` lines not passed on
 * before it; text NULL: the worker ended, `dropped` lines unsaid. */
typedef void (*evaluator_log_fn)(void *ud, int worker, const char *text, int dropped);

struct evaluator {
    const struct evaluator_ops *ops;
    const char *name;        /* its registry row: "nb201-table" */
    int capacity;            /* jobs in flight at once */
    const struct space *space;
    void *impl;
    /* what the thread pool did: batches run, the largest, and how many ran
     * on a thread other than the loop's (all of them, or a bug) */
    long batches, off_loop_batches;
    int largest_batch;
    long stopped; /* jobs a cancel stopped before they finished their work */
    /* what it has to say besides results (a worker program's stderr, a
     * line at a time, cut, rate-limited and made valid UTF-8 by the
     * evaluator): set by its owner with evaluator_set_log; loop thread */
    evaluator_log_fn on_log;
    void *log_ud;
};

/* Where an evaluator's log lines go (NULL: nowhere). */
void evaluator_set_log(struct evaluator *ev, evaluator_log_fn fn, void *ud);

/* ---- the registry --------------------------------------------------------- */
/* A new evaluator (an external process, say) is one file with its open()
 * and one row in eval.c's table; the Coordinator and the CLI do not change. */

struct eval_opts {
    int workers; /* pool workers (0: the default); see evaluator_workers() */
    /* an external evaluator (external.h): the command --evaluator gave, and
     * seconds a worker may take for one request (0: no limit) */
    const char *command;
    double timeout;
    /* how each worker is started: "local" (NULL too) or "slurm", through
     * srun with srun_args (a person's shell words, never a session's) */
    const char *launcher;
    const char *srun_args;
};

struct evaluator_def {
    const char *name;
    const char *summary;
    int (*serves)(const struct space *s);
    struct evaluator *(*open)(const struct space *s, const struct eval_opts *o, struct err *e);
};

/* Row i of the registry, NULL past the end. */
const struct evaluator_def *evaluator_def_at(int i);
/* The default for a space: the first row that serves it; NULL if none. */
const struct evaluator_def *evaluator_default(const struct space *s);
/* Opens `name` (NULL or "": the default) for a space, with o (NULL:
 * defaults). A name that is no row but a program (a path, or a first word
 * on PATH) opens an external evaluator running that command line
 * (external.h). A usage error naming --evaluator when unknown or unfit. */
struct evaluator *evaluator_open_named(const char *name, const struct space *s,
                                       const struct eval_opts *o, struct err *e);
/* The default evaluator with default options. */
struct evaluator *evaluator_open(const struct space *s, struct err *e);
void evaluator_close(struct evaluator *ev);

/* The one place that decides parallelism: pool workers for `requested`
 * (0: the default: the online CPUs, at most libuv's pool size and `most`);
 * *blas gets the OpenBLAS threads each worker may use (1 unless there is
 * one worker; then 0: OpenBLAS' own count). */
int evaluator_workers(int requested, int most, int *blas);

/* ---- requests -------------------------------------------------------------- */

const char *eval_phase_name(enum eval_phase p); /* "recalibrating" ... */

int eval_submit(struct evaluator *ev, struct eval_req *req, eval_req_cb cb);
int eval_cancel(struct eval_req *req);

/* ---- jobs with a plain callback (bench, eval; what requests are built on) - */

int evaluator_submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                     void *ud);
void evaluator_attach_loop(struct evaluator *ev, uv_loop_t *loop);
void evaluator_flush(struct evaluator *ev);
void evaluator_forget(struct evaluator *ev, void *ud);

#endif
