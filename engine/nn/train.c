/* Stage 1: the sandwich rule with in-place distillation; checkpoints. */
#include "train.h"

#include <cblas.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ckpt.h"
#include "nn.h"

#define FMNIST_MEAN 0.2860f
#define FMNIST_STD 0.3530f
#define KIND "fmnist-supernet"
#define EVAL_BATCH 500

void train_cfg_default(struct train_cfg *c)
{
    *c = (struct train_cfg){
        .epochs = 6, .batch = 128, .lr = 0.1f, .momentum = 0.9f, .wd = 4e-5f, .nesterov = 1,
        .warmup_epochs = 0.5f, .nrandom = 2, .distill = 1, .flip = 1, .seed = 1,
        .train_images = 0,
    };
}

void train_duration_text(double seconds, char *buf, size_t n)
{
    long t = seconds > 0 && seconds < 1e9 ? (long)(seconds + 0.5) : 0;
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

void train_normalise(const uint8_t *px, size_t n, float *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = ((float)px[i] / 255.0f - FMNIST_MEAN) / FMNIST_STD;
}

int trainer_init(struct trainer *t, const struct train_cfg *cfg, struct err *e)
{
    memset(t, 0, sizeof *t);
    t->cfg = *cfg;
    if (supernet_init(&t->sn, e) < 0)
        return -1;
    t->grad = calloc(t->sn.nw, sizeof(float));
    t->mom = calloc(t->sn.nw, sizeof(float));
    if (!t->grad || !t->mom) {
        trainer_free(t);
        return err_set(e, "train", "out of memory");
    }
    struct rng r;
    rng_seed(&r, cfg->seed);
    supernet_init_weights(&t->sn, &r);
    t->threads = 1;
    return 0;
}

void trainer_free(struct trainer *t)
{
    supernet_free(&t->sn);
    free(t->grad);
    free(t->mom);
    t->grad = t->mom = NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void flip_image(float *img)
{
    for (int y = 0; y < SN_IMG; y++)
        for (int x = 0; x < SN_IMG / 2; x++) {
            float tmp = img[y * SN_IMG + x];
            img[y * SN_IMG + x] = img[y * SN_IMG + SN_IMG - 1 - x];
            img[y * SN_IMG + SN_IMG - 1 - x] = tmp;
        }
}

/* Epoch k's order: a full shuffle from its own generator. */
static void epoch_order(unsigned long long seed, int epoch, int n, int *perm)
{
    struct rng r;
    rng_seed(&r, seed * 1000003ULL + 7919ULL * (unsigned long long)(epoch + 1));
    for (int i = 0; i < n; i++)
        perm[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(&r, (uint32_t)i + 1);
        int tmp = perm[i];
        perm[i] = perm[j], perm[j] = tmp;
    }
}

/* A forward that polls `cancel` inside, layer by layer, not only between
 * batches: a batch of the largest subnet can take a second under load. */
static int polled_forward(struct sn_ctx *c, const struct supernet *sn, float *stats,
                          const struct sn_arch *a, enum sn_mode mode, const float *images,
                          int n, float *logits, const volatile int *cancel)
{
    sn_ctx_set_cancel(c, cancel);
    int rc = sn_forward(c, sn, stats, a, mode, images, n, logits);
    sn_ctx_set_cancel(c, NULL);
    return rc;
}

int subnet_recalibrate(struct sn_ctx *c, const struct supernet *sn, const struct sn_arch *a,
                       const float *images, int nrecal, int batch, float *stats,
                       const volatile int *cancel)
{
    sn_recal_begin(c);
    float logits[SN_CLASSES * EVAL_BATCH];
    if (batch > EVAL_BATCH)
        batch = EVAL_BATCH;
    for (int i = 0; i < nrecal; i += batch) {
        if (cancel && *cancel)
            return -2;
        int n = nrecal - i < batch ? nrecal - i : batch;
        int rc = polled_forward(c, sn, stats, a, SN_RECAL,
                                images + (size_t)i * SN_IMG * SN_IMG, n, logits, cancel);
        if (rc < 0)
            return rc;
    }
    sn_recal_end(c, stats);
    return 0;
}

int subnet_correct(struct sn_ctx *c, const struct supernet *sn, const float *stats,
                   const struct sn_arch *a, const float *images, const uint8_t *labels, int n,
                   int batch, const volatile int *cancel)
{
    float logits[SN_CLASSES * EVAL_BATCH];
    int correct = 0;
    if (batch > EVAL_BATCH)
        batch = EVAL_BATCH;
    for (int i = 0; i < n; i += batch) {
        if (cancel && *cancel)
            return -2;
        int m = n - i < batch ? n - i : batch, k;
        int rc = polled_forward(c, sn, (float *)stats, a, SN_EVAL,
                                images + (size_t)i * SN_IMG * SN_IMG, m, logits, cancel);
        if (rc < 0)
            return rc;
        nn_xent(logits, SN_CLASSES, m, labels + i, NULL, &k);
        correct += k;
    }
    return correct;
}

/* Data parallelism: each of `threads` workers takes an equal shard of
 * every batch through every subnet of the step with its own workspace,
 * gradient and copy of the BN running statistics (batch norm sees the
 * shard: "ghost" batches of batch/threads images); the step then sums the
 * gradients and averages the statistics in a fixed order, so the same seed
 * and thread count give the same weights. OpenBLAS runs one thread inside
 * each worker: N workers x 1 BLAS thread, never N x N. */
enum job { JOB_STEP, JOB_EVAL, JOB_QUIT };

struct shard {
    struct trainer *t;
    int id;
    pthread_t th;
    struct sn_ctx *c;
    float *grad, *stats, *logits, *dlog, *tprob;
    /* the step */
    const float *x;
    const uint8_t *y;
    int n, narch;
    const struct sn_arch *arch;
    float loss;
    int correct;
    /* an evaluation */
    const struct sn_arch *eval_arch;
    const float *recal, *valid;
    const uint8_t *vlabels;
    int nvalid, nrecal;
    double acc;
};

struct pool {
    int n;
    struct shard *s;
    pthread_barrier_t start, done;
    enum job job;
};

/* One subnet's share of a step: forward, loss, backward. The largest
 * (arch 0) learns the labels and leaves its softmax in tprob for the others. */
static void shard_step(struct shard *sh)
{
    const struct train_cfg *cfg = &sh->t->cfg;
    const struct supernet *sn = &sh->t->sn;
    memset(sh->grad, 0, sn->nw * sizeof(float));
    memcpy(sh->stats, sn->stats, sn->nstats * sizeof(float));
    for (int k = 0; k < sh->narch; k++) {
        sn_forward(sh->c, sn, sh->stats, &sh->arch[k], SN_TRAIN, sh->x, sh->n, sh->logits);
        if (k == 0 || !cfg->distill) {
            int correct;
            float loss = nn_xent(sh->logits, SN_CLASSES, sh->n, sh->y, sh->dlog, &correct);
            if (k == 0) {
                sh->loss = loss, sh->correct = correct;
                nn_softmax(sh->logits, SN_CLASSES, sh->n, sh->tprob);
            }
        } else {
            nn_kl(sh->logits, sh->tprob, SN_CLASSES, sh->n, sh->dlog);
        }
        sn_backward(sh->c, sn, sh->dlog, sh->grad);
    }
}

/* Validation accuracy of one subnet after recalibration. */
static void shard_eval(struct shard *sh)
{
    const struct supernet *sn = &sh->t->sn;
    memcpy(sh->stats, sn->stats, sn->nstats * sizeof(float));
    sh->acc = NAN;
    if (subnet_recalibrate(sh->c, sn, sh->eval_arch, sh->recal, sh->nrecal, SUBNET_RECAL_BATCH,
                           sh->stats,
                           NULL) == 0) {
        int k = subnet_correct(sh->c, sn, sh->stats, sh->eval_arch, sh->valid, sh->vlabels,
                               sh->nvalid, EVAL_BATCH, NULL);
        if (k >= 0)
            sh->acc = 100.0 * k / sh->nvalid;
    }
}

struct worker_arg {
    struct pool *p;
    int id;
};

static void *worker_main(void *arg)
{
    struct worker_arg *wa = arg;
    struct pool *p = wa->p;
    struct shard *sh = &p->s[wa->id];
    free(wa);
    for (;;) {
        pthread_barrier_wait(&p->start);
        if (p->job == JOB_QUIT)
            return NULL;
        if (p->job == JOB_STEP)
            shard_step(sh);
        else if (sh->eval_arch)
            shard_eval(sh);
        pthread_barrier_wait(&p->done);
    }
}

/* Runs the job on every shard: shard 0 on the calling thread. */
static void pool_run(struct pool *p, enum job job)
{
    p->job = job;
    if (p->n > 1)
        pthread_barrier_wait(&p->start);
    if (job == JOB_STEP)
        shard_step(&p->s[0]);
    else if (job == JOB_EVAL && p->s[0].eval_arch)
        shard_eval(&p->s[0]);
    if (p->n > 1 && job != JOB_QUIT)
        pthread_barrier_wait(&p->done);
}

static void pool_free(struct pool *p)
{
    if (!p->s)
        return;
    if (p->n > 1) {
        pool_run(p, JOB_QUIT);
        for (int i = 1; i < p->n; i++)
            pthread_join(p->s[i].th, NULL);
        pthread_barrier_destroy(&p->start);
        pthread_barrier_destroy(&p->done);
    }
    for (int i = 0; i < p->n; i++) {
        sn_ctx_free(p->s[i].c);
        free(p->s[i].grad);
        free(p->s[i].stats);
        free(p->s[i].logits);
    }
    free(p->s);
    p->s = NULL;
}

static int pool_init(struct pool *p, struct trainer *t, int n, int shard_batch, struct err *e)
{
    memset(p, 0, sizeof *p);
    p->s = calloc((size_t)n, sizeof *p->s);
    if (!p->s)
        return err_set(e, "train", "out of memory");
    p->n = n;
    int maxb = shard_batch > EVAL_BATCH ? shard_batch : EVAL_BATCH;
    for (int i = 0; i < n; i++) {
        struct shard *sh = &p->s[i];
        sh->t = t, sh->id = i;
        sh->c = sn_ctx_new(maxb, e);
        sh->grad = malloc(t->sn.nw * sizeof(float));
        sh->stats = malloc(t->sn.nstats * sizeof(float));
        sh->logits = malloc((size_t)shard_batch * SN_CLASSES * 3 * sizeof(float));
        if (!sh->c || !sh->grad || !sh->stats || !sh->logits) {
            p->n = i + 1;
            pool_free(p);
            return sh->c ? err_set(e, "train", "out of memory") : -1;
        }
        sh->dlog = sh->logits + (size_t)shard_batch * SN_CLASSES;
        sh->tprob = sh->dlog + (size_t)shard_batch * SN_CLASSES;
    }
    if (n > 1) {
        pthread_barrier_init(&p->start, NULL, (unsigned)n);
        pthread_barrier_init(&p->done, NULL, (unsigned)n);
        for (int i = 1; i < n; i++) {
            struct worker_arg *wa = malloc(sizeof *wa);
            if (!wa || pthread_create(&p->s[i].th, NULL, worker_main,
                                      (wa->p = p, wa->id = i, wa)) != 0) {
                /* cannot happen on a sane system; run with what started */
                free(wa);
                err_set(e, "train", "cannot start worker thread %d", i);
                p->n = i; /* the barriers still count n: fail hard instead of hanging */
                abort();
            }
        }
    }
    return 0;
}

static void sgd(struct trainer *t, float lr)
{
    for (int i = 0; i < t->sn.ntensors; i++) {
        const struct sn_tensor *s = &t->sn.t[i];
        if (s->is_stat)
            continue;
        nn_sgd_step(t->sn.w + s->off, t->grad + s->off, t->mom + s->off, s->n, lr,
                    t->cfg.momentum, s->decay ? t->cfg.wd : 0.0f, t->cfg.nesterov);
    }
}

static int worker_count(const struct trainer *t, int B)
{
    int n = t->threads > 0 ? t->threads : 1;
    while (n > 1 && (B % n || B / n < 2))
        n--;
    return n;
}

int trainer_run(struct trainer *t, const struct fmnist_data *d, const volatile int *cancel,
                train_progress_fn fn, void *ud, struct err *e)
{
    const struct train_cfg *cfg = &t->cfg;
    int ntrain = cfg->train_images > 0 && cfg->train_images < d->train.n ? cfg->train_images
                                                                          : d->train.n;
    int B = cfg->batch, steps_per_epoch = ntrain / B;
    if (B < 2 || steps_per_epoch < 1)
        return err_usage(e, "--batch", "needs 2 to %d images per batch", ntrain);
    int nw = worker_count(t, B), SB = B / nw;
    t->total_steps = (long)steps_per_epoch * cfg->epochs;
    long warmup = (long)(cfg->warmup_epochs * steps_per_epoch);
    size_t px = SN_IMG * SN_IMG;
    float *train = malloc((size_t)ntrain * px * sizeof(float));
    float *valid = malloc((size_t)d->valid.n * px * sizeof(float));
    float *x = malloc((size_t)B * px * sizeof(float));
    int *perm = malloc((size_t)ntrain * sizeof(int));
    uint8_t *y = malloc((size_t)B);
    struct sn_arch *archs = malloc(sizeof *archs * (size_t)(2 + cfg->nrandom));
    int blas = openblas_get_num_threads();
    struct pool pool = {0};
    int rc = -1;
    if (!train || !valid || !x || !perm || !y || !archs) {
        err_set(e, "train", "out of memory");
        goto out;
    }
    openblas_set_num_threads(1);
    if (pool_init(&pool, t, nw, SB, e) < 0)
        goto out;
    train_normalise(d->train.images, (size_t)ntrain * px, train);
    train_normalise(d->valid.images, (size_t)d->valid.n * px, valid);
    for (int i = 0; i < nw; i++) {
        struct shard *sh = &pool.s[i];
        sh->x = x + (size_t)i * SB * px, sh->y = y + (size_t)i * SB, sh->n = SB;
        sh->arch = archs, sh->narch = cfg->subnet_set ? 1 : 2 + cfg->nrandom;
        sh->recal = train, sh->valid = valid;
        sh->vlabels = d->valid.labels;
        sh->nvalid = cfg->report_images > 0 && cfg->report_images < d->valid.n
                         ? cfg->report_images
                         : d->valid.n;
        sh->nrecal = ntrain < SUBNET_RECAL_IMAGES ? ntrain : SUBNET_RECAL_IMAGES;
    }

    if (cfg->subnet_set) {
        archs[0] = cfg->subnet;
    } else {
        sn_arch_largest(&archs[0]);
        sn_arch_smallest(&archs[1]);
    }
    double t0 = now_s(), spent0 = t->elapsed_s, eval_s = 0;
    long step0 = t->step;
    double loss_sum = 0;
    int loss_n = 0, correct_sum = 0, seen = 0;
    int epoch = -1;
    while (t->step < t->total_steps) {
        if (cancel && *cancel) {
            rc = 1;
            goto out;
        }
        int ep = (int)(t->step / steps_per_epoch), es = (int)(t->step % steps_per_epoch);
        if (ep != epoch) {
            epoch_order(cfg->seed, ep, ntrain, perm);
            epoch = ep;
            loss_sum = 0, loss_n = 0, correct_sum = 0, seen = 0;
        }
        struct rng r;
        rng_seed(&r, cfg->seed * 0x9E3779B97F4A7C15ULL + (unsigned long long)t->step);
        for (int i = 0; i < B; i++) {
            int k = perm[es * B + i];
            memcpy(x + (size_t)i * px, train + (size_t)k * px, px * sizeof(float));
            y[i] = d->train.labels[k];
            if (cfg->flip && (rng_next(&r) >> 63))
                flip_image(x + (size_t)i * px);
        }
        for (int k = 0; !cfg->subnet_set && k < cfg->nrandom; k++)
            sn_arch_sample(&r, &archs[2 + k]);
        pool_run(&pool, JOB_STEP);

        /* the mean over the batch: shards are equal, so average them */
        float loss = 0;
        int correct = 0;
        memcpy(t->grad, pool.s[0].grad, t->sn.nw * sizeof(float));
        memcpy(t->sn.stats, pool.s[0].stats, t->sn.nstats * sizeof(float));
        for (int i = 1; i < nw; i++) {
            for (size_t k = 0; k < t->sn.nw; k++)
                t->grad[k] += pool.s[i].grad[k];
            for (size_t k = 0; k < t->sn.nstats; k++)
                t->sn.stats[k] += pool.s[i].stats[k];
        }
        for (int i = 0; i < nw; i++)
            loss += pool.s[i].loss / nw, correct += pool.s[i].correct;
        if (nw > 1) {
            for (size_t k = 0; k < t->sn.nw; k++)
                t->grad[k] /= (float)nw;
            for (size_t k = 0; k < t->sn.nstats; k++)
                t->sn.stats[k] /= (float)nw;
        }
        if (!(loss == loss)) {
            err_set(e, "train", "the loss became NaN at step %ld (learning rate %g too high?)",
                    t->step, cfg->lr);
            goto out;
        }
        sgd(t, nn_lr_cosine(cfg->lr, t->step, t->total_steps, warmup));
        t->step++;
        loss_sum += loss, loss_n++, correct_sum += correct, seen += B;

        double el = now_s() - t0;
        t->elapsed_s = spent0 + el;
        if (!fn)
            continue;
        /* speed and ETA count training steps only; the epoch-end
         * validations are added to the ETA at what they cost so far */
        double train_s = el - eval_s, per_step = train_s / (double)(t->step - step0);
        int evals_done = ep - (int)(step0 / steps_per_epoch);
        double per_eval = evals_done > 0 ? eval_s / evals_done : 0;
        struct train_progress p = {
            .epoch = ep, .epochs = cfg->epochs, .step = t->step, .total_steps = t->total_steps,
            .epoch_step = es + 1, .epoch_steps = steps_per_epoch, .loss = loss_sum / loss_n,
            .train_acc = 100.0 * correct_sum / seen,
            .images_per_s = (t->step - step0) * (double)B / (train_s > 0 ? train_s : 1e-9),
            .elapsed_s = t->elapsed_s,
        };
        p.eta_s = (t->total_steps - t->step) * per_step + (cfg->epochs - ep - 1) * per_eval;
        if (es + 1 == steps_per_epoch) {
            /* the largest and the smallest side by side on the workers */
            p.epoch_end = 1;
            double e0 = now_s();
            int nev = cfg->subnet_set ? 1 : 2;
            for (int i = 0; i < nw; i++)
                pool.s[i].eval_arch = i < nev ? &archs[i] : NULL;
            pool_run(&pool, JOB_EVAL);
            if (nev == 1) {
                p.valid_largest = pool.s[0].acc;
                p.valid_smallest = NAN;
            } else if (nw == 1) {
                p.valid_largest = pool.s[0].acc;
                pool.s[0].eval_arch = &archs[1];
                pool_run(&pool, JOB_EVAL);
                p.valid_smallest = pool.s[0].acc;
            } else {
                p.valid_largest = pool.s[0].acc, p.valid_smallest = pool.s[1].acc;
            }
            eval_s += now_s() - e0;
            t->elapsed_s = spent0 + (now_s() - t0);
            p.elapsed_s = t->elapsed_s;
        }
        fn(ud, &p);
    }
    rc = 0;
out:
    pool_free(&pool);
    openblas_set_num_threads(blas);
    free(train);
    free(valid);
    free(x);
    free(perm);
    free(y);
    free(archs);
    return rc;
}

/* ---- checkpoints ------------------------------------------------------ */

static cJSON *recipe_json(const struct trainer *t)
{
    const struct train_cfg *c = &t->cfg;
    cJSON *o = cJSON_CreateObject();
    if (c->subnet_set) {
        char a[256];
        sn_arch_format(&c->subnet, a, sizeof a);
        cJSON_AddStringToObject(o, "method", "stand-alone training of one subnet");
        cJSON_AddStringToObject(o, "subnet", a);
    } else {
        cJSON_AddStringToObject(o, "method", "sandwich rule (largest, smallest, random), "
                                             "in-place distillation from the largest");
    }
    cJSON_AddNumberToObject(o, "epochs", c->epochs);
    cJSON_AddNumberToObject(o, "batch", c->batch);
    cJSON_AddNumberToObject(o, "lr", c->lr);
    cJSON_AddNumberToObject(o, "momentum", c->momentum);
    cJSON_AddNumberToObject(o, "weight_decay", c->wd);
    cJSON_AddBoolToObject(o, "nesterov", c->nesterov);
    cJSON_AddNumberToObject(o, "warmup_epochs", c->warmup_epochs);
    cJSON_AddNumberToObject(o, "random_subnets", c->nrandom);
    cJSON_AddBoolToObject(o, "distill", c->distill);
    cJSON_AddBoolToObject(o, "flip", c->flip);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", c->seed);
    cJSON_AddStringToObject(o, "seed", seed);
    cJSON_AddNumberToObject(o, "train_images", c->train_images);
    cJSON_AddNumberToObject(o, "threads", t->threads);
    return o;
}

int trainer_save(const struct trainer *t, const char *path, int with_optimizer, struct err *e)
{
    const struct supernet *sn = &t->sn;
    struct ckpt ck = {0};
    snprintf(ck.kind, sizeof ck.kind, "%s", KIND);
    cJSON *meta = cJSON_CreateObject();
    cJSON_AddItemToObject(meta, "recipe", recipe_json(t));
    cJSON *st = cJSON_AddObjectToObject(meta, "state");
    cJSON_AddNumberToObject(st, "step", (double)t->step);
    cJSON_AddNumberToObject(st, "total_steps", (double)t->total_steps);
    cJSON_AddBoolToObject(st, "complete", t->total_steps > 0 && t->step >= t->total_steps);
    cJSON_AddNumberToObject(st, "train_seconds", t->elapsed_s);
    cJSON_AddBoolToObject(st, "optimizer", with_optimizer);
    ck.meta_json = cJSON_PrintUnformatted(meta);
    cJSON_Delete(meta);
    int n = sn->ntensors * (with_optimizer ? 2 : 1);
    ck.t = calloc((size_t)n, sizeof *ck.t);
    if (!ck.meta_json || !ck.t) {
        free(ck.meta_json);
        free(ck.t);
        return err_set(e, path, "out of memory");
    }
    for (int i = 0; i < sn->ntensors; i++) {
        const struct sn_tensor *s = &sn->t[i];
        struct ckpt_tensor *c = &ck.t[ck.ntensors++];
        snprintf(c->name, sizeof c->name, "%s", s->name);
        c->ndim = s->ndim;
        memcpy(c->shape, s->shape, sizeof c->shape);
        c->n = s->n;
        c->data = (s->is_stat ? sn->stats : sn->w) + s->off;
        if (with_optimizer && !s->is_stat) {
            c = &ck.t[ck.ntensors++];
            snprintf(c->name, sizeof c->name, "momentum.%s", s->name);
            c->ndim = s->ndim;
            memcpy(c->shape, s->shape, sizeof c->shape);
            c->n = s->n;
            c->data = t->mom + s->off;
        }
    }
    int rc = ckpt_write(path, &ck, e);
    free(ck.meta_json);
    free(ck.t);
    return rc;
}

/* Copies every supernet tensor (and momentum, when mom) out of a checkpoint. */
static int take_tensors(const struct ckpt *ck, struct supernet *sn, float *mom, struct err *e)
{
    for (int i = 0; i < sn->ntensors; i++) {
        const struct sn_tensor *s = &sn->t[i];
        if (ckpt_expect(ck, s->name, s->ndim, s->shape, e) < 0)
            return -1;
        memcpy((s->is_stat ? sn->stats : sn->w) + s->off, ckpt_find(ck, s->name)->data,
               s->n * sizeof(float));
        if (mom && !s->is_stat) {
            char name[64];
            snprintf(name, sizeof name, "momentum.%s", s->name);
            if (ckpt_expect(ck, name, s->ndim, s->shape, e) < 0)
                return -1;
            memcpy(mom + s->off, ckpt_find(ck, name)->data, s->n * sizeof(float));
        }
    }
    return 0;
}

int supernet_load(struct supernet *sn, const char *path, char *meta, size_t metan,
                  struct err *e)
{
    struct ckpt ck;
    if (ckpt_read(path, KIND, &ck, e) < 0)
        return -1;
    if (supernet_init(sn, e) < 0) {
        ckpt_free(&ck);
        return -1;
    }
    int rc = take_tensors(&ck, sn, NULL, e);
    if (rc < 0) {
        err_wrap(e, path);
        supernet_free(sn);
    } else if (meta && metan) {
        snprintf(meta, metan, "%s", ck.meta_json ? ck.meta_json : "{}");
    }
    ckpt_free(&ck);
    return rc;
}

static int num(const cJSON *o, const char *k, double *v)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(it) && !cJSON_IsBool(it))
        return -1;
    *v = cJSON_IsBool(it) ? cJSON_IsTrue(it) : it->valuedouble;
    return 0;
}

int trainer_resume(struct trainer *t, const char *path, struct err *e)
{
    struct ckpt ck;
    if (ckpt_read(path, KIND, &ck, e) < 0)
        return -1;
    cJSON *meta = cJSON_Parse(ck.meta_json ? ck.meta_json : "");
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(meta, "recipe");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(meta, "state");
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(rec, "seed");
    double v[13];
    int bad = !rec || !st || !cJSON_IsString(seed) || num(rec, "epochs", &v[0]) ||
              num(rec, "batch", &v[1]) || num(rec, "lr", &v[2]) ||
              num(rec, "momentum", &v[3]) || num(rec, "weight_decay", &v[4]) ||
              num(rec, "nesterov", &v[5]) || num(rec, "warmup_epochs", &v[6]) ||
              num(rec, "random_subnets", &v[7]) || num(rec, "distill", &v[8]) ||
              num(rec, "flip", &v[9]) || num(rec, "train_images", &v[10]) ||
              num(st, "step", &v[11]) || num(st, "train_seconds", &v[12]);
    double opt = 0;
    if (!bad && (num(st, "optimizer", &opt) || !opt)) {
        cJSON_Delete(meta);
        ckpt_free(&ck);
        return err_usage(e, path, "holds no optimizer state (a finished, shipped checkpoint); "
                                  "resume needs one written when training was interrupted");
    }
    if (bad) {
        cJSON_Delete(meta);
        ckpt_free(&ck);
        return err_set(e, path, "the checkpoint's recipe or state is incomplete");
    }
    struct train_cfg c = {
        .epochs = (int)v[0], .batch = (int)v[1], .lr = (float)v[2], .momentum = (float)v[3],
        .wd = (float)v[4], .nesterov = (int)v[5], .warmup_epochs = (float)v[6],
        .nrandom = (int)v[7], .distill = (int)v[8], .flip = (int)v[9],
        .seed = strtoull(seed->valuestring, NULL, 10), .train_images = (int)v[10],
    };
    int rc = trainer_init(t, &c, e);
    if (rc == 0)
        rc = take_tensors(&ck, &t->sn, t->mom, e);
    const cJSON *th = cJSON_GetObjectItemCaseSensitive(rec, "threads");
    if (rc == 0) {
        t->threads = cJSON_IsNumber(th) && th->valuedouble >= 1 && th->valuedouble <= 256
                         ? (int)th->valuedouble
                         : 1;
        t->step = (long)v[11];
        t->elapsed_s = v[12];
    } else {
        err_wrap(e, path);
    }
    cJSON_Delete(meta);
    ckpt_free(&ck);
    return rc;
}
