#include "supernet_eval.h"

#include <stdlib.h>
#include <string.h>

#include "../core/datadir.h"
#include "../nn/fmnist.h"
#include "../nn/train.h"
#include "../spaces/fmnist.h"

#define BATCH 500

struct impl {
    struct supernet sn;
    struct sn_ctx *c;
    float *recal, *valid, *test, *stats;
    uint8_t *vlab, *tlab;
    int nvalid, ntest, recalibrate;
};

static void impl_free(struct impl *im)
{
    supernet_free(&im->sn);
    sn_ctx_free(im->c);
    free(im->recal);
    free(im->valid);
    free(im->test);
    free(im->stats);
    free(im->vlab);
    free(im->tlab);
    free(im);
}

static int score(struct impl *im, const struct sn_arch *a, const float *img, const uint8_t *lab,
                 int n, double *acc, char *why)
{
    int k = subnet_correct(im->c, &im->sn, im->stats, a, img, lab, n, BATCH, NULL);
    if (k < 0) {
        strcpy(why, "the subnet's forward pass failed");
        return -1;
    }
    *acc = 100.0 * k / n;
    return 0;
}

static int submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done, void *ud)
{
    struct impl *im = ev->impl;
    struct eval_result r = {.id = job->id, .ok = 1};
    memcpy(r.m, job->m, sizeof r.m);
    struct sn_arch a;
    fmnist_space_net(&job->arch, &a);
    memcpy(im->stats, im->sn.stats, im->sn.nstats * sizeof(float));
    if (im->recalibrate && subnet_recalibrate(im->c, &im->sn, &a, im->recal,
                                              SUPERNET_RECAL_IMAGES, 200, im->stats, NULL) < 0) {
        r.ok = 0;
        strcpy(r.error, "recalibrating the batch norms failed");
    }
    if (r.ok && (score(im, &a, im->valid, im->vlab, im->nvalid, &r.m[FM_M_VALID], r.error) < 0 ||
                 score(im, &a, im->test, im->tlab, im->ntest, &r.m[FM_M_TEST], r.error) < 0))
        r.ok = 0;
    done(ud, &r);
    return 0;
}

static void destroy(struct evaluator *ev)
{
    impl_free(ev->impl);
    free(ev);
}

static const struct evaluator_ops ops = {.submit = submit, .destroy = destroy};

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

struct evaluator *supernet_evaluator_open(const struct space *s, struct err *e)
{
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
    im->recal = normalised(&d.train, SUPERNET_RECAL_IMAGES);
    im->valid = normalised(&d.valid, d.valid.n);
    im->test = normalised(&d.test, d.test.n);
    im->vlab = copy(d.valid.labels, d.valid.n);
    im->tlab = copy(d.test.labels, d.test.n);
    im->nvalid = d.valid.n, im->ntest = d.test.n;
    im->stats = malloc(im->sn.nstats * sizeof(float));
    im->c = sn_ctx_new(BATCH, e);
    im->recalibrate = 1;
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
