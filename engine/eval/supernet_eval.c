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

/* Images per forward pass: a workspace holds BATCH (recalibration keeps
 * to SUBNET_RECAL_BATCH, as OFA's). Scoring uses the checkpoint's or the
 * recalibrated statistics, so its batch changes no result, only how often
 * progress is told (a cancel is seen inside a batch, layer by layer). */
#define BATCH 200
#define SCORE_BATCH 100
#define MAX_WORKERS 64          /* each slot holds a workspace for a batch of BATCH */

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
    struct impl *im;
    struct sn_ctx *c;
    float *stats;
    int busy;
    long seq;
    volatile int cancel;
    struct eval_job job;
    struct eval_result r;
    int rc, off_loop;
};

/* A progress report on its way from a worker to the loop. */
struct report {
    long seq;
    enum eval_phase phase;
    long done, total;
};

/* Progress from workers: a uv_async_t per run of busy slots (opened when
 * the first job starts, closed when the last one is out, so an idle
 * evaluator holds no handle and the loop can end), with a locked queue
 * behind it because uv_async_send coalesces. One entry per job and phase:
 * a newer report of the same phase replaces the older one. */
struct progress {
    uv_async_t *async;  /* the open one, or one closing */
    int handles;        /* not yet through their close callback */
    uv_mutex_t mu;
    struct report *q;
    int n, cap;
};

struct impl {
    struct supernet sn; /* read-only once loaded: shared by every worker */
    float *recal, *valid, *test;
    uint8_t *vlab, *tlab;
    int nrecal, nvalid, ntest, recalibrate;
    const volatile int *stop; /* the synchronous path's cancel flag, or NULL */
    /* the synchronous path's workspace; slot 0's once attached */
    struct sn_ctx *c;
    float *stats;
    /* on a loop */
    uv_loop_t *loop;
    uv_thread_t loop_thread;
    struct slot *slots;
    int nslots, nbusy, flushing, delivering, closing, blas_taken, workers;
    struct evaluator *ev;
    struct progress pr;
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

/* On a worker: a progress report for the loop (none without a loop). */
static void report(struct slot *sl, enum eval_phase ph, long done, long total)
{
    if (!sl)
        return;
    struct progress *pr = &sl->im->pr;
    uv_mutex_lock(&pr->mu);
    int i = pr->n - 1;
    while (i >= 0 && !(pr->q[i].seq == sl->seq && pr->q[i].phase == ph))
        i--;
    if (i < 0 && pr->n < pr->cap) /* never full: a slot's reports go before its next job */
        i = pr->n++;
    if (i >= 0)
        pr->q[i] = (struct report){.seq = sl->seq, .phase = ph, .done = done, .total = total};
    uv_mutex_unlock(&pr->mu);
    uv_async_send(pr->async);
}

/* Correct answers on n images, one SCORE_BATCH at a time, so that a
 * cancel is seen and progress told between batches (a batch takes tens of
 * milliseconds); -1 on failure, -2 when cancelled. */
static int score(const struct impl *im, struct sn_ctx *c, const float *stats,
                 const struct sn_arch *a, const float *x, const uint8_t *y, int n,
                 const volatile int *cancel, struct slot *sl, enum eval_phase ph)
{
    int correct = 0;
    for (int i = 0; i < n; i += SCORE_BATCH) {
        int m = n - i < SCORE_BATCH ? n - i : SCORE_BATCH;
        int k = subnet_correct(c, &im->sn, stats, a, x + (size_t)i * FMNIST_PIXELS, y + i, m,
                               SCORE_BATCH, cancel);
        if (k < 0)
            return k;
        correct += k;
        report(sl, ph, i + m, n);
    }
    return correct;
}

/* 0 and *r filled, -1 and a failed *r, or -2 when *cancel was raised. */
static int evaluate(const struct evaluator *ev, struct sn_ctx *c, float *stats,
                    const struct eval_job *job, const volatile int *cancel,
                    struct eval_result *r, struct slot *sl)
{
    const struct impl *im = ev->impl;
    *r = (struct eval_result){.id = job->id, .ok = 1};
    memcpy(r->m, job->m, sizeof r->m);
    /* jobs may come from anywhere (a person, a session file): the worker
     * runs only what the space calls a subnet */
    double m[METRIC_MAX];
    struct err e = {0};
    if (space_cost(ev->space, &job->arch, m, &e) < 0) {
        char why[300], buf[256];
        snprintf(why, sizeof why, "not a subnet of the supernet: %s", err_str(&e, buf, sizeof buf));
        return fail(r, why);
    }
    struct sn_arch a;
    fmnist_space_net(&job->arch, &a);
    memcpy(stats, im->sn.stats, im->sn.nstats * sizeof(float));
    if (im->recalibrate) {
        report(sl, PHASE_RECALIBRATING, 0, im->nrecal);
        int k = subnet_recalibrate(c, &im->sn, &a, im->recal, im->nrecal, SUBNET_RECAL_BATCH, stats,
                                   cancel);
        if (k == -2)
            return -2;
        if (k < 0)
            return fail(r, "recalibrating the batch norms failed");
        report(sl, PHASE_RECALIBRATING, im->nrecal, im->nrecal);
    }
    int kv = score(im, c, stats, &a, im->valid, im->vlab, im->nvalid, cancel, sl,
                   PHASE_VALIDATING);
    if (kv == -2)
        return -2;
    if (kv < 0)
        return fail(r, "the subnet's forward pass failed on the validation images");
    int kt = score(im, c, stats, &a, im->test, im->tlab, im->ntest, cancel, sl, PHASE_TESTING);
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
static void maybe_free(struct impl *im);

/* on a pool thread: the slot's workspace and the shared read-only data */
static void work(uv_work_t *w)
{
    struct slot *sl = w->data;
    struct impl *im = sl->im;
    int now = atomic_fetch_add(&im->running, 1) + 1;
    for (int m = atomic_load(&im->most); now > m;)
        if (atomic_compare_exchange_weak(&im->most, &m, now))
            break;
    uv_thread_t self = uv_thread_self();
    sl->off_loop = !uv_thread_equal(&self, &im->loop_thread);
    sl->rc = evaluate(sl->ev, sl->c, sl->stats, &sl->job, &sl->cancel, &sl->r, sl);
    atomic_fetch_sub(&im->running, 1);
}

static void answered(struct owed *o, const char *fmt, const char *why, int cancelled)
{
    o->r = (struct eval_result){.id = o->job.id, .ok = 0, .cancelled = cancelled};
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
 * callback, which may submit, flush, cancel or forget. */
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

/* On the loop: every report the workers left, in the order they left
 * them, to jobs still running and still wanted. */
static void drain_progress(struct impl *im)
{
    struct report q[MAX_WORKERS * PHASE__COUNT];
    uv_mutex_lock(&im->pr.mu);
    int n = im->pr.n;
    memcpy(q, im->pr.q, (size_t)n * sizeof *q);
    im->pr.n = 0;
    uv_mutex_unlock(&im->pr.mu);
    for (int i = 0; i < n && !im->closing; i++) {
        struct owed *o = owed_by_seq(im, q[i].seq);
        if (o && o->state == RUNNING && !o->gone && o->job.on_progress)
            o->job.on_progress(o->ud, q[i].phase, q[i].done, q[i].total);
    }
}

static void on_async(uv_async_t *h)
{
    drain_progress(h->data);
}

static void on_async_closed(uv_handle_t *h)
{
    struct impl *im = h->data;
    if (im->pr.async == (uv_async_t *)h)
        im->pr.async = NULL;
    free(h);
    im->pr.handles--;
    maybe_free(im);
}

/* The async handle lives while a job is on the pool: none when idle. */
static int progress_open(struct impl *im)
{
    if (im->pr.async && !uv_is_closing((uv_handle_t *)im->pr.async))
        return 0;
    /* a closing one frees itself; the workers get a new one (none run now) */
    uv_async_t *h = malloc(sizeof *h);
    if (!h || uv_async_init(im->loop, h, on_async) < 0) {
        free(h);
        return -1;
    }
    h->data = im;
    im->pr.async = h;
    im->pr.handles++;
    return 0;
}

static void progress_close(struct impl *im)
{
    if (im->pr.async && !uv_is_closing((uv_handle_t *)im->pr.async))
        uv_close((uv_handle_t *)im->pr.async, on_async_closed);
}

static void after_work(uv_work_t *w, int status)
{
    struct slot *sl = w->data;
    struct evaluator *ev = sl->ev;
    struct impl *im = sl->im;
    if (status == 0) {
        ev->batches++;
        ev->off_loop_batches += sl->off_loop;
        ev->stopped += sl->rc == -2;
    }
    ev->largest_batch = atomic_load(&im->most);
    drain_progress(im); /* a job's reports come before its answer */
    sl->busy = 0;
    im->nbusy--;
    if (im->nbusy == 0)
        progress_close(im);
    if (im->closing) {
        maybe_free(im);
        return;
    }
    struct owed *o = owed_by_seq(im, sl->seq);
    if (o) {
        if (status == UV_ECANCELED || (status == 0 && sl->rc == -2))
            answered(o, "%s", "cancelled", 1);
        else if (status < 0)
            answered(o, "the supernet evaluation did not run: %s", uv_strerror(status), 0);
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
    o->state = RUNNING;
    sl->work.data = sl;
    int rc = progress_open(im);
    if (rc == 0) {
        sl->busy = 1;
        im->nbusy++;
        rc = uv_queue_work(im->loop, &sl->work, work, after_work);
        if (rc < 0) {
            sl->busy = 0;
            if (--im->nbusy == 0)
                progress_close(im);
        }
    }
    if (rc < 0) /* answered as a failure, never lost */
        answered(o, "the supernet evaluation could not be queued: %s",
                 rc == -1 ? "out of memory" : uv_strerror(rc), 0);
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
        if (evaluate(ev, im->c, im->stats, job, im->stop, &r, NULL) == -2)
            r = (struct eval_result){.id = job->id, .cancelled = 1, .error = "cancelled"};
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

/* Raises a running job's cancel flag: its worker stops before the next
 * layer of its forward pass (subnet_recalibrate and subnet_correct poll it
 * there), or never starts when libuv still had it queued. */
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

/* Like forget, but each job is still answered: cancelled. */
static void cancel(struct evaluator *ev, void *ud)
{
    struct impl *im = ev->impl;
    for (int i = 0; i < im->nowed; i++) {
        struct owed *o = &im->owed[i];
        if (o->ud != ud || o->gone)
            continue;
        if (o->state == QUEUED)
            answered(o, "%s", "cancelled", 1);
        else if (o->state == RUNNING)
            cancel_running(im, o->seq);
    }
    deliver(ev);
}

static void attach(struct evaluator *ev, uv_loop_t *loop)
{
    struct impl *im = ev->impl;
    if (im->loop)
        return;
    int blas;
    int want = evaluator_workers(im->workers, MAX_WORKERS, &blas);
    im->slots = calloc((size_t)want, sizeof *im->slots);
    im->pr.q = calloc((size_t)want * PHASE__COUNT, sizeof *im->pr.q);
    if (!im->slots || !im->pr.q || uv_mutex_init(&im->pr.mu) < 0) {
        free(im->slots);
        free(im->pr.q);
        im->slots = NULL;
        im->pr.q = NULL;
        return; /* stays synchronous */
    }
    im->pr.cap = want * PHASE__COUNT;
    im->loop = loop;
    im->loop_thread = uv_thread_self();
    /* slot 0 takes the synchronous workspace; the others get their own
     * (as many as memory allows, at least that one) */
    im->slots[0] = (struct slot){.ev = ev, .im = im, .c = im->c, .stats = im->stats};
    im->c = NULL;
    im->stats = NULL;
    int n = 1;
    for (; n < want; n++) {
        struct err e;
        struct slot *sl = &im->slots[n];
        *sl = (struct slot){.ev = ev, .im = im};
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
    if (blas == 1) { /* N workers x 1; one worker keeps OpenBLAS' threads */
        blas_take();
        im->blas_taken = 1;
    }
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
    if (im->pr.q)
        uv_mutex_destroy(&im->pr.mu);
    free(im->pr.q);
    free(im->slots);
    free(im->owed);
    free(im->recal);
    free(im->valid);
    free(im->test);
    free(im->vlab);
    free(im->tlab);
    free(im->ev);
    free(im);
}

/* Once closed, the last completion frees: the workers read the weights
 * until they are out, and the async handle's close callback comes later. */
static void maybe_free(struct impl *im)
{
    if (im->closing && im->nbusy == 0 && im->pr.handles == 0)
        impl_free(im);
}

static void destroy(struct evaluator *ev)
{
    struct impl *im = ev->impl;
    im->closing = 1; /* nothing starts, nothing is answered any more */
    im->nowed = 0;
    for (int i = 0; i < im->nslots; i++)
        if (im->slots[i].busy)
            cancel_running(im, im->slots[i].seq);
    if (im->blas_taken) /* the cancelled workers finish their layer on one thread */
        blas_give();
    im->blas_taken = 0;
    if (im->nbusy == 0) /* else the last completion closes it: workers send on it */
        progress_close(im);
    maybe_free(im);
}

static const struct evaluator_ops ops = {.submit = submit, .destroy = destroy, .attach = attach,
                                         .flush = flush, .forget = forget, .cancel = cancel};

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

void supernet_evaluator_set_stop(struct evaluator *ev, const volatile int *stop)
{
    ((struct impl *)ev->impl)->stop = stop;
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

struct evaluator *supernet_evaluator_open(const struct space *s, const struct eval_opts *o,
                                         struct err *e)
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
    im->ev = ev; /* freed with im, by the last completion after close */
    im->workers = o->workers;
    return ev;
}
