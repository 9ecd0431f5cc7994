#include "supernet_eval.h"

#include <cblas.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/datadir.h"
#include "../nn/fmnist.h"
#include "../nn/train.h"
#include "../spaces/fmnist.h"

/* Images per forward pass. Scoring uses the checkpoint's or the
 * recalibrated statistics, so its batch changes no result, only the
 * memory of a workspace and how soon a cancelled job notices;
 * recalibration keeps to SUBNET_RECAL_BATCH, as OFA's. */
#define BATCH 200
#define MAX_WORKERS 64          /* each slot holds a workspace for a batch of BATCH */
#define UV_POOL_DEFAULT 4       /* libuv's, when UV_THREADPOOL_SIZE is unset */
#define UV_POOL_MAX 1024        /* libuv's MAX_THREADPOOL_SIZE */

/* A job the evaluator owes an answer for, in submission order: queued,
 * running in a slot, or done and waiting for an earlier job of the same
 * owner (results reach each owner in the order it submitted, however the
 * pool finishes them, so that a seed still gives one search). */
enum { QUEUED, RUNNING, DONE };

struct owed {
    long seq;
    int state;
    struct eval_job job;
    eval_done_fn done;
    void *ud;
    int gone; /* forgotten while running: dropped when done, never answered */
    struct eval_result r; /* when DONE */
};

/* One job in flight on the pool. The worker reads `job`, uses `c` and
 * `stats`, polls `cancel` and writes `r`, `rc` and `off_loop`; the loop
 * thread sets them up before uv_queue_work and reads them in after_work,
 * and meanwhile only raises `cancel`. */
struct slot {
    uv_work_t work;
    struct evaluator *ev;
    struct sn_ctx *c;
    float *stats;
    int busy;
    long seq;
    volatile int cancel;
    struct eval_job job;
    struct eval_result r;
    int rc, off_loop;
};

struct impl {
    struct supernet sn; /* read-only once loaded: shared by every worker */
    float *recal, *valid, *test;
    uint8_t *vlab, *tlab;
    int nrecal, nvalid, ntest, recalibrate;
    /* the synchronous path's workspace; slot 0's once attached */
    struct sn_ctx *c;
    float *stats;
    /* on a loop */
    uv_loop_t *loop;
    uv_thread_t loop_thread;
    struct slot *slots;
    int nslots, nbusy, flushing, delivering, closing, blas_taken;
    struct owed *owed; /* in submission order */
    int nowed, capowed;
    long next_seq;
    atomic_int running, most; /* jobs inside work() now, and at most */
};

/* ---- OpenBLAS: one thread per worker while any evaluator is attached ---- */

static pthread_mutex_t blas_mu = PTHREAD_MUTEX_INITIALIZER;
static int blas_users, blas_saved;

static void blas_take(void)
{
    pthread_mutex_lock(&blas_mu);
    if (blas_users++ == 0) {
        blas_saved = openblas_get_num_threads();
        openblas_set_num_threads(1);
    }
    pthread_mutex_unlock(&blas_mu);
}

static void blas_give(void)
{
    pthread_mutex_lock(&blas_mu);
    if (--blas_users == 0 && blas_saved > 0)
        openblas_set_num_threads(blas_saved);
    pthread_mutex_unlock(&blas_mu);
}

/* ---- one evaluation (any thread) ----------------------------------------- */

static int fail(struct eval_result *r, const char *why)
{
    r->ok = 0;
    snprintf(r->error, sizeof r->error, "%s", why);
    return -1;
}

/* 0 and *r filled, -1 and a failed *r, or -2 when *cancel was raised. */
static int evaluate(const struct impl *im, struct sn_ctx *c, float *stats,
                    const struct eval_job *job, const volatile int *cancel,
                    struct eval_result *r)
{
    *r = (struct eval_result){.id = job->id, .ok = 1};
    memcpy(r->m, job->m, sizeof r->m);
    struct sn_arch a;
    fmnist_space_net(&job->arch, &a);
    memcpy(stats, im->sn.stats, im->sn.nstats * sizeof(float));
    if (im->recalibrate) {
        int k = subnet_recalibrate(c, &im->sn, &a, im->recal, im->nrecal, SUBNET_RECAL_BATCH, stats,
                                   cancel);
        if (k == -2)
            return -2;
        if (k < 0)
            return fail(r, "recalibrating the batch norms failed");
    }
    int kv = subnet_correct(c, &im->sn, stats, &a, im->valid, im->vlab, im->nvalid, BATCH,
                            cancel);
    if (kv == -2)
        return -2;
    if (kv < 0)
        return fail(r, "the subnet's forward pass failed on the validation images");
    int kt = subnet_correct(c, &im->sn, stats, &a, im->test, im->tlab, im->ntest, BATCH, cancel);
    if (kt == -2)
        return -2;
    if (kt < 0)
        return fail(r, "the subnet's forward pass failed on the test images");
    r->m[FM_M_VALID] = 100.0 * kv / im->nvalid;
    r->m[FM_M_TEST] = 100.0 * kt / im->ntest;
    return 0;
}

/* ---- the thread pool ----------------------------------------------------- */

static void flush(struct evaluator *ev);

/* on a pool thread: the slot's workspace and the shared read-only data */
static void work(uv_work_t *w)
{
    struct slot *sl = w->data;
    struct impl *im = sl->ev->impl;
    int now = atomic_fetch_add(&im->running, 1) + 1;
    for (int m = atomic_load(&im->most); now > m;)
        if (atomic_compare_exchange_weak(&im->most, &m, now))
            break;
    uv_thread_t self = uv_thread_self();
    sl->off_loop = !uv_thread_equal(&self, &im->loop_thread);
    sl->rc = evaluate(im, sl->c, sl->stats, &sl->job, &sl->cancel, &sl->r);
    atomic_fetch_sub(&im->running, 1);
}

static void failed(struct owed *o, const char *fmt, const char *why)
{
    o->r = (struct eval_result){.id = o->job.id, .ok = 0};
    memcpy(o->r.m, o->job.m, sizeof o->r.m);
    snprintf(o->r.error, sizeof o->r.error, fmt, why);
    o->state = DONE;
}

static struct owed *owed_by_seq(struct impl *im, long seq)
{
    for (int i = 0; i < im->nowed; i++)
        if (im->owed[i].seq == seq)
            return &im->owed[i];
    return NULL;
}

static void owed_remove(struct impl *im, int i)
{
    memmove(im->owed + i, im->owed + i + 1, (size_t)(im->nowed - i - 1) * sizeof *im->owed);
    im->nowed--;
}

/* Answers every done job that no earlier job of its owner holds back;
 * drops the forgotten ones. The list is looked at afresh after every
 * callback, which may submit, flush or forget. */
static void deliver(struct evaluator *ev)
{
    struct impl *im = ev->impl;
    if (im->delivering || im->closing)
        return;
    im->delivering = 1;
    for (;;) {
        int pick = -1;
        for (int i = 0; i < im->nowed && pick < 0; i++) {
            struct owed *o = &im->owed[i];
            if (o->state != DONE)
                continue;
            int held = 0;
            for (int j = 0; j < i && !held; j++)
                held = !o->gone && !im->owed[j].gone && im->owed[j].ud == o->ud;
            if (!held)
                pick = i;
        }
        if (pick < 0)
            break;
        struct owed o = im->owed[pick];
        owed_remove(im, pick);
        if (!o.gone)
            o.done(o.ud, &o.r);
    }
    im->delivering = 0;
}

static void after_work(uv_work_t *w, int status)
{
    struct slot *sl = w->data;
    struct evaluator *ev = sl->ev;
    struct impl *im = ev->impl;
    if (status == 0) {
        ev->batches++;
        ev->off_loop_batches += sl->off_loop;
    }
    ev->largest_batch = atomic_load(&im->most);
    sl->busy = 0;
    im->nbusy--;
    struct owed *o = owed_by_seq(im, sl->seq);
    if (o) { /* always, unless closing */
        if (status < 0)
            failed(o, "the supernet evaluation did not run: %s", uv_strerror(status));
        else if (sl->rc == -2)
            failed(o, "the supernet evaluation did not run: %s", "cancelled");
        else
            o->r = sl->r, o->state = DONE;
    }
    flush(ev); /* the free slot first, then the answers */
}

static void start(struct evaluator *ev, struct slot *sl, struct owed *o)
{
    struct impl *im = ev->impl;
    sl->seq = o->seq;
    sl->job = o->job;
    sl->cancel = 0;
    sl->rc = 0;
    sl->off_loop = 0;
    sl->busy = 1;
    im->nbusy++;
    o->state = RUNNING;
    sl->work.data = sl;
    int rc = uv_queue_work(im->loop, &sl->work, work, after_work);
    if (rc < 0) { /* answered as a failure, never lost */
        sl->busy = 0;
        im->nbusy--;
        failed(o, "the supernet evaluation could not be queued: %s", uv_strerror(rc));
    }
}

/* Starts queued jobs, oldest first, while a slot is free, then answers
 * what is done. */
static void flush(struct evaluator *ev)
{
    struct impl *im = ev->impl;
    if (!im->loop || im->flushing || im->closing)
        return;
    im->flushing = 1;
    for (int i = 0; i < im->nowed && im->nbusy < im->nslots; i++) {
        if (im->owed[i].state != QUEUED)
            continue;
        struct slot *sl = NULL;
        for (int k = 0; k < im->nslots && !sl; k++)
            if (!im->slots[k].busy)
                sl = &im->slots[k];
        start(ev, sl, &im->owed[i]);
    }
    im->flushing = 0;
    deliver(ev);
}

static int submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done, void *ud)
{
    struct impl *im = ev->impl;
    if (!im->loop) {
        struct eval_result r;
        evaluate(im, im->c, im->stats, job, NULL, &r);
        done(ud, &r);
        return 0;
    }
    if (im->closing)
        return -1;
    if (im->nowed == im->capowed) {
        int cap = im->capowed ? 2 * im->capowed : 16;
        struct owed *q = realloc(im->owed, (size_t)cap * sizeof *q);
        if (!q)
            return -1;
        im->owed = q;
        im->capowed = cap;
    }
    im->owed[im->nowed++] = (struct owed){.seq = im->next_seq++, .state = QUEUED, .job = *job,
                                          .done = done, .ud = ud};
    return 0;
}

/* Raises a running job's cancel flag: its worker stops at the next batch
 * (or never starts, when libuv still had it queued). */
static void cancel_running(struct impl *im, long seq)
{
    for (int i = 0; i < im->nslots; i++) {
        struct slot *sl = &im->slots[i];
        if (sl->busy && sl->seq == seq) {
            sl->cancel = 1;
            uv_cancel((uv_req_t *)&sl->work); /* UV_EBUSY once running: the flag does it */
        }
    }
}

static void forget(struct evaluator *ev, void *ud)
{
    struct impl *im = ev->impl;
    int n = 0;
    for (int i = 0; i < im->nowed; i++) {
        struct owed *o = &im->owed[i];
        if (o->ud != ud || o->gone) {
            im->owed[n++] = *o;
        } else if (o->state == RUNNING) { /* stays until its worker is out */
            o->gone = 1;
            cancel_running(im, o->seq);
            im->owed[n++] = *o;
        }
    }
    im->nowed = n;
}

/* The pool's width: the online CPUs, at most libuv's pool size. */
static int workers(void)
{
    int pool = UV_POOL_DEFAULT;
    const char *v = getenv("UV_THREADPOOL_SIZE");
    if (v && *v) { /* as libuv reads it */
        pool = atoi(v);
        if (pool <= 0)
            pool = 1;
        if (pool > UV_POOL_MAX)
            pool = UV_POOL_MAX;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int w = cpus < 1 ? 1 : cpus < pool ? (int)cpus : pool;
    return w < MAX_WORKERS ? w : MAX_WORKERS;
}

static void attach(struct evaluator *ev, uv_loop_t *loop)
{
    struct impl *im = ev->impl;
    if (im->loop)
        return;
    int want = workers();
    im->slots = calloc((size_t)want, sizeof *im->slots);
    if (!im->slots)
        return; /* stays synchronous */
    im->loop = loop;
    im->loop_thread = uv_thread_self();
    /* slot 0 takes the synchronous workspace; the others get their own
     * (as many as memory allows, at least that one) */
    im->slots[0] = (struct slot){.ev = ev, .c = im->c, .stats = im->stats};
    im->c = NULL;
    im->stats = NULL;
    int n = 1;
    for (; n < want; n++) {
        struct err e;
        struct slot *sl = &im->slots[n];
        *sl = (struct slot){.ev = ev};
        sl->stats = malloc(im->sn.nstats * sizeof(float));
        sl->c = sl->stats ? sn_ctx_new(BATCH, &e) : NULL;
        if (!sl->c) {
            free(sl->stats);
            sl->stats = NULL;
            break;
        }
    }
    im->nslots = n;
    ev->capacity = n;
    blas_take();
    im->blas_taken = 1;
}

/* ---- opening and closing ------------------------------------------------- */

static void impl_free(struct impl *im)
{
    supernet_free(&im->sn);
    sn_ctx_free(im->c);
    free(im->stats);
    for (int i = 0; i < im->nslots; i++) {
        sn_ctx_free(im->slots[i].c);
        free(im->slots[i].stats);
    }
    free(im->slots);
    free(im->owed);
    free(im->recal);
    free(im->valid);
    free(im->test);
    free(im->vlab);
    free(im->tlab);
    free(im);
}

static void destroy(struct evaluator *ev)
{
    struct impl *im = ev->impl;
    if (im->loop) {
        im->closing = 1; /* nothing starts, nothing is answered any more */
        im->nowed = 0;
        for (int i = 0; i < im->nslots; i++)
            if (im->slots[i].busy)
                cancel_running(im, im->slots[i].seq);
        while (im->nbusy > 0) /* the workers still read the weights */
            uv_run(im->loop, UV_RUN_ONCE);
    }
    if (im->blas_taken)
        blas_give();
    impl_free(im);
    free(ev);
}

static const struct evaluator_ops ops = {.submit = submit, .destroy = destroy, .attach = attach,
                                         .flush = flush, .forget = forget};

static float *normalised(const struct fmnist *set, int n)
{
    float *x = malloc((size_t)n * FMNIST_PIXELS * sizeof(float));
    if (x)
        train_normalise(set->images, (size_t)n * FMNIST_PIXELS, x);
    return x;
}

static uint8_t *copy(const uint8_t *p, int n)
{
    uint8_t *q = malloc((size_t)n);
    if (q)
        memcpy(q, p, (size_t)n);
    return q;
}

void supernet_evaluator_set_recal(struct evaluator *ev, int on)
{
    ((struct impl *)ev->impl)->recalibrate = on;
}

/* COLLM_EVAL_IMAGES: 0 when unset or empty (the full sets), -1 when invalid. */
static long eval_images(const char **text)
{
    const char *v = getenv(SUPERNET_EVAL_IMAGES_ENV);
    *text = v;
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || errno || *end || n < SUPERNET_EVAL_IMAGES_MIN)
        return -1;
    return n;
}

static int at_most(int n, long cap)
{
    return cap > 0 && cap < n ? (int)cap : n;
}

struct evaluator *supernet_evaluator_open(const struct space *s, struct err *e)
{
    const char *text;
    long limit = eval_images(&text);
    if (limit < 0)
        return err_usage(e, SUPERNET_EVAL_IMAGES_ENV,
                         "expected a whole number of images, at least %d (or unset for all), "
                         "got '%s'", SUPERNET_EVAL_IMAGES_MIN, text),
               NULL;
    char path[4096];
    datadir_path(s->datadir, SUPERNET_CKPT, path, sizeof path);
    struct impl *im = calloc(1, sizeof *im);
    struct evaluator *ev = calloc(1, sizeof *ev);
    if (!im || !ev) {
        free(im);
        free(ev);
        return err_set(e, s->id, "out of memory"), NULL;
    }
    if (supernet_load(&im->sn, path, NULL, 0, e) < 0) {
        free(im);
        free(ev);
        return NULL;
    }
    struct fmnist_data d;
    if (fmnist_load(NULL, &d, e) < 0) {
        impl_free(im);
        free(ev);
        return NULL;
    }
    /* the recalibration sample: the first images of the training split,
     * the same for every subnet, so that scores compare */
    im->nrecal = at_most(at_most(SUBNET_RECAL_IMAGES, limit), d.train.n);
    im->nvalid = at_most(d.valid.n, limit);
    im->ntest = at_most(d.test.n, limit);
    im->recal = normalised(&d.train, im->nrecal);
    im->valid = normalised(&d.valid, im->nvalid);
    im->test = normalised(&d.test, im->ntest);
    im->vlab = copy(d.valid.labels, im->nvalid);
    im->tlab = copy(d.test.labels, im->ntest);
    im->stats = malloc(im->sn.nstats * sizeof(float));
    im->c = sn_ctx_new(BATCH, e);
    im->recalibrate = 1;
    atomic_init(&im->running, 0);
    atomic_init(&im->most, 0);
    fmnist_free(&d);
    if (!im->recal || !im->valid || !im->test || !im->vlab || !im->tlab || !im->stats || !im->c) {
        if (im->c)
            err_set(e, s->id, "out of memory");
        impl_free(im);
        free(ev);
        return NULL;
    }
    *ev = (struct evaluator){.ops = &ops, .name = "fmnist-supernet", .capacity = 1, .space = s,
                             .impl = im};
    return ev;
}
