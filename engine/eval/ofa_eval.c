#include "ofa_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofa_predictor.h"

/* At most this many jobs in flight, which is also the largest batch: the
 * predictor's cache-sized chunk, so a batch is one pass through the layers. */
#define OFA_EVAL_CAPACITY OFA_CHUNK

struct owed {
    struct eval_job job;
    eval_done_fn done;
    void *ud; /* NULL once forgotten */
    int cancelled;
};

struct impl {
    struct ofa_predictor p;
    uv_loop_t *loop;
    uv_thread_t loop_thread;
    uv_work_t work;
    int running;    /* a batch is on the thread pool */
    int closing;    /* closed while running: the batch's completion frees */
    int delivering; /* its callbacks are running: the batch arrays stay put */
    struct owed queued[OFA_EVAL_CAPACITY], batch[OFA_EVAL_CAPACITY];
    int nqueued, nbatch, off_loop;
    /* the batch's buffers; without a loop, the synchronous path's */
    float x[OFA_EVAL_CAPACITY * OFA_FEATURES], out[OFA_EVAL_CAPACITY];
    float scratch[2 * OFA_EVAL_CAPACITY * OFA_HIDDEN];
};

static void answer(struct evaluator *ev, const struct eval_job *job, float acc,
                   struct eval_result *r)
{
    *r = (struct eval_result){.id = job->id, .ok = 1};
    memcpy(r->m, job->m, sizeof r->m);
    r->m[ev->space->objective] = 100.0 * acc;
}

static int submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done, void *ud)
{
    struct impl *im = ev->impl;
    if (!im->loop) {
        struct eval_result r;
        ofa_features(&job->arch, im->x);
        ofa_predict(&im->p, im->x, 1, im->out, im->scratch);
        answer(ev, job, im->out[0], &r);
        done(ud, &r);
        return 0;
    }
    if (im->nqueued == OFA_EVAL_CAPACITY)
        return -1; /* the Coordinator keeps to ev->capacity: not reached */
    im->queued[im->nqueued++] = (struct owed){.job = *job, .done = done, .ud = ud};
    return 0;
}

/* on a pool thread: only the batch arrays, which nothing else touches now */
static void work(uv_work_t *w)
{
    struct evaluator *ev = w->data;
    struct impl *im = ev->impl;
    for (int i = 0; i < im->nbatch; i++)
        ofa_features(&im->batch[i].job.arch, im->x + (size_t)i * OFA_FEATURES);
    ofa_predict(&im->p, im->x, im->nbatch, im->out, im->scratch);
    uv_thread_t self = uv_thread_self();
    im->off_loop = !uv_thread_equal(&self, &im->loop_thread);
}

static void flush(struct evaluator *ev);

static void after_work(uv_work_t *w, int status)
{
    struct evaluator *ev = w->data;
    struct impl *im = ev->impl;
    im->running = 0;
    if (im->closing) {
        ofa_predictor_free(&im->p);
        free(im);
        free(ev);
        return;
    }
    ev->batches++;
    ev->off_loop_batches += im->off_loop;
    if (im->nbatch > ev->largest_batch)
        ev->largest_batch = im->nbatch;
    im->delivering = 1;
    for (int i = 0; i < im->nbatch; i++) {
        struct owed *o = &im->batch[i];
        if (!o->ud)
            continue;
        struct eval_result r;
        answer(ev, &o->job, im->out[i], &r);
        if (o->cancelled || status == UV_ECANCELED) {
            r.ok = 0;
            r.cancelled = 1;
            snprintf(r.error, sizeof r.error, "cancelled");
        } else if (status < 0) {
            r.ok = 0;
            snprintf(r.error, sizeof r.error, "the predictor did not run: %s",
                     uv_strerror(status));
        }
        o->done(o->ud, &r);
    }
    im->delivering = 0;
    im->nbatch = 0;
    flush(ev); /* what the callbacks submitted */
}

static void flush(struct evaluator *ev)
{
    struct impl *im = ev->impl;
    if (!im->loop || im->running || im->delivering || im->nqueued == 0)
        return;
    memcpy(im->batch, im->queued, (size_t)im->nqueued * sizeof *im->batch);
    im->nbatch = im->nqueued;
    im->nqueued = 0;
    im->work.data = ev;
    im->running = 1;
    int rc = uv_queue_work(im->loop, &im->work, work, after_work);
    if (rc < 0) /* answered as failures, never lost */
        after_work(&im->work, rc);
}

static void attach(struct evaluator *ev, uv_loop_t *loop)
{
    struct impl *im = ev->impl;
    im->loop = loop;
    im->loop_thread = uv_thread_self();
    ev->capacity = OFA_EVAL_CAPACITY;
}

static void forget(struct evaluator *ev, void *ud)
{
    struct impl *im = ev->impl;
    int n = 0;
    for (int i = 0; i < im->nqueued; i++)
        if (im->queued[i].ud != ud)
            im->queued[n++] = im->queued[i];
    im->nqueued = n;
    for (int i = 0; i < im->nbatch; i++)
        if (im->batch[i].ud == ud)
            im->batch[i].ud = NULL;
}

/* A batch is microseconds: a queued job is answered cancelled at once, one
 * in the running batch when the batch is back. */
static void cancel(struct evaluator *ev, void *ud)
{
    struct impl *im = ev->impl;
    for (int i = 0; i < im->nbatch; i++)
        if (im->batch[i].ud == ud)
            im->batch[i].cancelled = 1;
    for (int i = 0; i < im->nqueued; i++) {
        struct owed o = im->queued[i];
        if (o.ud != ud)
            continue;
        memmove(im->queued + i, im->queued + i + 1,
                (size_t)(im->nqueued - i - 1) * sizeof *im->queued);
        im->nqueued--;
        struct eval_result r = {.id = o.job.id, .cancelled = 1};
        memcpy(r.m, o.job.m, sizeof r.m);
        snprintf(r.error, sizeof r.error, "cancelled");
        o.done(o.ud, &r);
        return; /* the callback may have changed the queue; ud is one job */
    }
}

static void destroy(struct evaluator *ev)
{
    struct impl *im = ev->impl;
    if (im->running) { /* the pool thread still reads the weights */
        im->closing = 1;
        for (int i = 0; i < im->nbatch; i++)
            im->batch[i].ud = NULL;
        return;
    }
    ofa_predictor_free(&im->p);
    free(im);
    free(ev);
}

static const struct evaluator_ops ops = {.submit = submit, .destroy = destroy, .attach = attach,
                                         .flush = flush, .forget = forget, .cancel = cancel};

struct evaluator *ofa_evaluator_open(const struct space *s, const struct eval_opts *o,
                                    struct err *e)
{
    (void)o; /* one batch at a time: its sgemm is the parallel part */
    struct evaluator *ev = calloc(1, sizeof *ev);
    struct impl *im = calloc(1, sizeof *im);
    if (!ev || !im || ofa_predictor_load(&im->p, s->datadir, e) < 0) {
        if (!ev || !im)
            err_set(e, s->id, "out of memory");
        free(ev);
        free(im);
        return NULL;
    }
    *ev = (struct evaluator){.ops = &ops, .name = "ofa-predictor", .capacity = 1, .space = s,
                             .impl = im};
    return ev;
}
