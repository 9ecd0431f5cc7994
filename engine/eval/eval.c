#include "eval.h"

#include <stdlib.h>
#include <string.h>

#include "nb201_table.h"
#include "ofa_predictor.h"

/* ---- NB201: the table gives both accuracies ------------------------------ */

struct table_impl {
    const struct nb201_table *t;
    int dataset;
};

static int table_submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                        void *ud)
{
    const struct table_impl *im = ev->impl;
    struct eval_result r = {.id = job->id, .ok = 1};
    memcpy(r.m, job->m, sizeof r.m);
    int valid = job->arch.n == NB201_EDGES;
    for (int i = 0; valid && i < NB201_EDGES; i++)
        valid = job->arch.v[i] < NB201_OPS;
    const struct nb201_row *row = valid ? nb201_table_lookup(im->t, job->arch.v) : NULL;
    if (!row) {
        r.ok = 0;
        strcpy(r.error, "architecture not in the NAS-Bench-201 table");
    } else {
        r.m[ev->space->objective] = row->valid[im->dataset];
        r.m[ev->space->report] = row->test[im->dataset];
    }
    done(ud, &r);
    return 0;
}

static void table_destroy(struct evaluator *ev)
{
    free(ev->impl);
    free(ev);
}

static const struct evaluator_ops table_ops = {.submit = table_submit, .destroy = table_destroy};

/* ---- OFA: the accuracy predictor on OpenBLAS ------------------------------ */

struct ofa_impl {
    struct ofa_predictor p;
    float x[OFA_FEATURES], scratch[2 * OFA_HIDDEN];
};

static int ofa_submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                      void *ud)
{
    struct ofa_impl *im = ev->impl;
    struct eval_result r = {.id = job->id, .ok = 1};
    memcpy(r.m, job->m, sizeof r.m);
    float acc;
    ofa_features(&job->arch, im->x);
    ofa_predict(&im->p, im->x, 1, &acc, im->scratch);
    r.m[ev->space->objective] = 100.0 * acc;
    done(ud, &r);
    return 0;
}

static void ofa_destroy(struct evaluator *ev)
{
    struct ofa_impl *im = ev->impl;
    ofa_predictor_free(&im->p);
    free(im);
    free(ev);
}

static const struct evaluator_ops ofa_ops = {.submit = ofa_submit, .destroy = ofa_destroy};

static struct evaluator *ofa_open(const struct space *s, struct err *e)
{
    struct evaluator *ev = calloc(1, sizeof *ev);
    struct ofa_impl *im = calloc(1, sizeof *im);
    if (!ev || !im || ofa_predictor_load(&im->p, s->datadir, e) < 0) {
        if (!ev || !im)
            err_set(e, s->id, "out of memory");
        free(ev);
        free(im);
        return NULL;
    }
    *ev = (struct evaluator){.ops = &ofa_ops, .name = "ofa-predictor", .capacity = 1,
                             .space = s, .impl = im};
    return ev;
}

struct evaluator *evaluator_open(const struct space *s, struct err *e)
{
    if (strcmp(s->family, "ofa-mbv3") == 0)
        return ofa_open(s, e);
    if (strcmp(s->family, "nb201") != 0) {
        err_set(e, s->id, "no evaluator for this space");
        return NULL;
    }
    struct evaluator *ev = calloc(1, sizeof *ev);
    struct table_impl *im = calloc(1, sizeof *im);
    if (!ev || !im) {
        free(ev);
        free(im);
        err_set(e, s->id, "out of memory");
        return NULL;
    }
    im->t = nb201_space_table(s, &im->dataset);
    *ev = (struct evaluator){.ops = &table_ops, .name = "nb201-table", .capacity = 1,
                             .space = s, .impl = im};
    return ev;
}

void evaluator_close(struct evaluator *ev)
{
    if (ev)
        ev->ops->destroy(ev);
}

int evaluator_submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                     void *ud)
{
    return ev->ops->submit(ev, job, done, ud);
}
