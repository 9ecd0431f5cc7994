#include "eval.h"

#include <stdlib.h>
#include <string.h>

#include "../spaces/nb201.h"
#include "ofa_eval.h"
#include "supernet_eval.h"

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

struct evaluator *evaluator_open(const struct space *s, struct err *e)
{
    if (strcmp(s->family, "ofa-mbv3") == 0)
        return ofa_evaluator_open(s, e);
    if (strcmp(s->family, "fmnist-supernet") == 0)
        return supernet_evaluator_open(s, e);
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

void evaluator_attach_loop(struct evaluator *ev, uv_loop_t *loop)
{
    if (ev && ev->ops->attach)
        ev->ops->attach(ev, loop);
}

void evaluator_flush(struct evaluator *ev)
{
    if (ev && ev->ops->flush)
        ev->ops->flush(ev);
}

void evaluator_forget(struct evaluator *ev, void *ud)
{
    if (ev && ev->ops->forget)
        ev->ops->forget(ev, ud);
}
