/* The built-in supernet as an evaluator (DESIGN §5): each subnet inherits
 * its weights from the trained checkpoint, its batch norms are
 * recalibrated on a fixed sample of 2,000 training images (a cumulative
 * average over batches of 200, as OFA's set_running_statistics), then it is
 * scored on the 10,000 validation images (the search's feedback) and the
 * 10,000 test images (reported only).
 *
 * Without a loop it answers synchronously, before submit() returns (collm
 * eval, bench). Once attached to a loop, every job is one uv_work_t on
 * libuv's thread pool, with up to W in flight: W from evaluator_workers()
 * (--eval-workers; default the online CPUs, at most the pool's size,
 * UV_THREADPOOL_SIZE, default 4), and ev->capacity = W.
 * Each job in flight has a worker slot of its own (workspace, statistics);
 * the supernet's weights are shared, read-only. While attached with W > 1,
 * OpenBLAS runs one thread inside each worker (N workers x 1 BLAS thread,
 * never N x N; with W = 1 it keeps its own count); destroy restores the
 * count it found. Results arrive on the loop
 * thread, and reach each owner (ud) in the order it submitted the jobs,
 * whichever finishes first: a search with a seed stays one search.
 * forget(ud) drops ud's queued jobs and cancels its running ones
 * (their recalibration or scoring stops before the forward's next layer;
 * no callback);
 * cancel(ud) does the same but answers each job, cancelled (eval.h).
 * Workers report progress per batch (recalibrating, validating, testing)
 * through a uv_async_t open only while jobs run. destroy cancels
 * everything still running and calls no callback; it does not wait: the
 * last worker's completion frees the evaluator, so the loop must run on. ev->batches counts jobs run on the pool (one "batch" each),
 * ev->off_loop_batches those that ran off the loop's thread (all of them),
 * and ev->largest_batch the most jobs ever running on pool threads at once.
 *
 * COLLM_EVAL_IMAGES=N (a whole number, at least 100), for tests and quick
 * trials: scores only the first N validation and the first N test images
 * and recalibrates on the first min(2000, N) training images. Unset or
 * empty: the full sets. Anything else is refused when the evaluator opens
 * (a usage error naming the variable). Scores with fewer images are not
 * comparable with full ones. */
#ifndef COLLM_SUPERNET_EVAL_H
#define COLLM_SUPERNET_EVAL_H

#include "eval.h"

#define SUPERNET_CKPT "fmnist-supernet.ckpt"
#define SUPERNET_EVAL_IMAGES_ENV "COLLM_EVAL_IMAGES"
#define SUPERNET_EVAL_IMAGES_MIN 100

struct evaluator *supernet_evaluator_open(const struct space *s, const struct eval_opts *o,
                                         struct err *e);
/* Without recalibration: the running statistics the checkpoint holds (a
 * mixture of every subnet trained), to show what recalibration is for. */
void supernet_evaluator_set_recal(struct evaluator *ev, int on);
/* Not attached to a loop, an evaluation runs inside submit: it stops within
 * a batch once *stop is non-zero (a Ctrl-C), answering cancelled. */
void supernet_evaluator_set_stop(struct evaluator *ev, const volatile int *stop);

#endif
