#include "eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../spaces/nb201.h"
#include "external.h"
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

static struct evaluator *table_open(const struct space *s, const struct eval_opts *o,
                                    struct err *e)
{
    (void)o; /* a look-up: nothing to run in parallel */
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

/* ---- the registry: a new evaluator is one row ---------------------------- */

static int family_is(const struct space *s, const char *f)
{
    return strcmp(s->family, f) == 0;
}

static int serves_nb201(const struct space *s) { return family_is(s, "nb201"); }
static int serves_ofa(const struct space *s) { return family_is(s, "ofa-mbv3"); }
static int serves_supernet(const struct space *s) { return family_is(s, "fmnist-supernet"); }

static const struct evaluator_def registry[] = {
    {"nb201-table", "NAS-Bench-201's recorded accuracies (a look-up)", serves_nb201,
     table_open},
    {"ofa-predictor", "OFA's accuracy predictor, batched on the thread pool", serves_ofa,
     ofa_evaluator_open},
    {"fmnist-supernet", "the trained supernet: inherited weights, BN recalibrated, scored",
     serves_supernet, supernet_evaluator_open},
};
#define NREGISTRY ((int)(sizeof registry / sizeof *registry))

const struct evaluator_def *evaluator_def_at(int i)
{
    return i >= 0 && i < NREGISTRY ? &registry[i] : NULL;
}

const struct evaluator_def *evaluator_default(const struct space *s)
{
    for (int i = 0; i < NREGISTRY; i++)
        if (registry[i].serves(s))
            return &registry[i];
    return NULL;
}

struct evaluator *evaluator_open_named(const char *name, const struct space *s,
                                       const struct eval_opts *o, struct err *e)
{
    static const struct eval_opts defaults = {0};
    const struct evaluator_def *d = NULL;
    if (!name || !*name) {
        if (!(d = evaluator_default(s)))
            return err_usage(e, "--evaluator", "%s has no built-in evaluator: give "
                             "--evaluator 'CMD ARGS', a worker program (README, Bring your own "
                             "supernet)", s->id), NULL;
    } else {
        for (int i = 0; i < NREGISTRY && !d; i++)
            if (strcmp(registry[i].name, name) == 0)
                d = &registry[i];
        if (!d && external_is_command(name)) {
            struct eval_opts xo = o ? *o : defaults;
            xo.command = name;
            return external_evaluator_open(s, &xo, e);
        }
        if (!d) {
            char names[256] = "";
            for (int i = 0; i < NREGISTRY; i++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         i ? ", " : "", registry[i].name);
            return err_usage(e, "--evaluator", "unknown evaluator '%s' (expected %s, or a "
                             "worker program's command line)", name, names), NULL;
        }
        if (!d->serves(s))
            return err_usage(e, "--evaluator", "%s does not evaluate %s", name, s->id), NULL;
    }
    if (o && ((o->launcher && strcmp(o->launcher, "local") != 0) || o->srun_args))
        return err_usage(e, o->srun_args ? "--srun-args" : "--launcher", "is for worker "
                         "programs (--evaluator 'CMD ARGS'), not %s", d->name), NULL;
    return d->open(s, o ? o : &defaults, e);
}

struct evaluator *evaluator_open(const struct space *s, struct err *e)
{
    return evaluator_open_named(NULL, s, NULL, e);
}

/* ---- parallelism: decided here only -------------------------------------- */

#define UV_POOL_DEFAULT 4       /* libuv's, when UV_THREADPOOL_SIZE is unset */
#define UV_POOL_MAX 1024        /* libuv's MAX_THREADPOOL_SIZE */

int evaluator_workers(int requested, int most, int *blas)
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
    int w = requested > 0 ? requested : cpus < 1 ? 1 : (int)cpus;
    if (w > pool)
        w = pool;
    if (w > most)
        w = most;
    if (w < 1)
        w = 1;
    *blas = w == 1 ? 0 : 1; /* N x 1 or 1 x N, never N x N */
    return w;
}

void evaluator_set_log(struct evaluator *ev, evaluator_log_fn fn, void *ud)
{
    ev->on_log = fn;
    ev->log_ud = ud;
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

/* ---- requests: a plain job whose ud is the request ----------------------- */

static const char *const phase_names[] = {
#define X(id, name) name,
    EVAL_PHASES(X)
#undef X
};

const char *eval_phase_name(enum eval_phase p)
{
    return p < PHASE__COUNT ? phase_names[p] : "?";
}

static void req_done(void *ud, const struct eval_result *r)
{
    struct eval_req *req = ud;
    if (!req->active) /* a backend answering twice: a bug, never passed on */
        return;
    req->result = *r;
    req->status = r->cancelled ? EVAL_CANCELLED : r->ok ? EVAL_OK : EVAL_FAILED;
    req->active = 0;
    req->cb(req); /* may free or resubmit req: nothing touches it after */
}

static void req_progress(void *ud, enum eval_phase ph, long done, long total)
{
    struct eval_req *req = ud;
    if (req->active && req->progress)
        req->progress(req, ph, done, total);
}

int eval_submit(struct evaluator *ev, struct eval_req *req, eval_req_cb cb)
{
    if (req->active)
        return -1;
    req->ev = ev;
    req->cb = cb;
    req->active = 1;
    req->job.on_progress = req_progress;
    if (ev->ops->submit(ev, &req->job, req_done, req) < 0) {
        req->active = 0; /* never started: no callback */
        return -1;
    }
    return 0;
}

int eval_cancel(struct eval_req *req)
{
    if (!req->active || !req->ev->ops->cancel)
        return -1;
    req->ev->ops->cancel(req->ev, req);
    return 0;
}
