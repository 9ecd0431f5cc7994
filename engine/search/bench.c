#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

struct collect {
    int got;
    struct eval_result r;
};

static void collect_one(void *ud, const struct eval_result *r)
{
    struct collect *c = ud;
    c->got = 1;
    c->r = *r;
}

int bench_oracle(const struct space *s, struct evaluator *ev, const struct constraint *c,
                 struct bench_oracle *o)
{
    memset(o, 0, sizeof *o);
    if (s->size == 0 || s->size > 1000000)
        return 0;
    o->countable = 1;
    struct arch a;
    for (size_t k = 0; k < s->size; k++) {
        space_nth(s, k, &a);
        struct eval_job job = {.arch = a};
        if (space_cost(s, &a, job.m, NULL) < 0 || (c && constraint_violated(c, job.m) >= 0))
            continue;
        struct collect col = {0};
        evaluator_submit(ev, &job, collect_one, &col);
        if (!col.got)
            return 0; /* asynchronous evaluator: no oracle */
        if (!col.r.ok)
            continue;
        double v = col.r.m[s->objective];
        if (!o->known || v > o->objective) {
            o->known = 1;
            o->objective = v;
            o->report = s->report >= 0 ? col.r.m[s->report] : NAN;
            space_encode(s, &a, o->arch, sizeof o->arch);
        }
    }
    return o->known;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void mean_std(const double *v, int n, double *mean, double *std)
{
    double m = 0, s = 0;
    for (int i = 0; i < n; i++)
        m += v[i];
    m /= n;
    for (int i = 0; i < n; i++)
        s += (v[i] - m) * (v[i] - m);
    *mean = m;
    *std = n > 1 ? sqrt(s / (n - 1)) : 0.0; /* sample std */
}

/* Which costs a row shows: all of a space's few (OFA: flops and note10);
 * for a space with many (NB201's eight), those the constraint names, or the
 * first. */
static int pick_costs(const struct space *sp, const struct constraint *cons, int *idx)
{
    int n = 0, all = 0;
    for (int k = 0; k < sp->nmetrics; k++)
        all += sp->metrics[k].role == METRIC_COST;
    for (int k = 0; k < sp->nmetrics; k++) {
        if (sp->metrics[k].role != METRIC_COST)
            continue;
        int named = 0;
        for (int j = 0; j < cons->n; j++)
            named |= cons->b[j].metric == k;
        if (all <= 3 || named || (cons->n == 0 && n == 0))
            idx[n++] = k;
    }
    return n;
}

static void format_costs(const struct space *sp, const int *idx, int nidx, double *const *v,
                         int n, char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int j = 0; j < nidx && off < size; j++) {
        double mean, std;
        mean_std(v[j], n, &mean, &std);
        off += (size_t)snprintf(buf + off, size - off, "%s%s %.2f ± %.2f", j ? ", " : "",
                                sp->metrics[idx[j]].name, mean, std);
    }
}

static int run_cell(const struct bench_config *cfg, const struct space *sp,
                    struct evaluator *ev, const struct constraint *cons, const char *algo,
                    const struct bench_oracle *orc, struct bench_cell *cell, struct err *e)
{
    int n = cfg->seeds;
    double *obj = calloc((size_t)n, sizeof *obj), *rep = calloc((size_t)n, sizeof *rep);
    double *to_opt = calloc((size_t)n, sizeof *to_opt), *used = calloc((size_t)n, sizeof *used);
    int rc = 0, oom = 0, idx[METRIC_MAX], nidx = pick_costs(sp, cons, idx);
    double *cost[METRIC_MAX] = {0};
    for (int j = 0; j < nidx; j++)
        oom |= !(cost[j] = calloc((size_t)n, sizeof *cost[j]));
    if (oom || !obj || !rep || !to_opt || !used) {
        rc = err_set(e, "bench", "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        uint64_t seed = cfg->seed0 + (uint64_t)i;
        struct proposer *p = proposer_open_params(algo, sp, seed, cfg->params, e);
        if (!p) {
            rc = -1;
            goto out;
        }
        struct search_config sc = {.algo = algo, .seed = seed, .budget = cfg->budget,
                                   .cons = *cons};
        struct search *s = search_new(&sc, sp, ev, p, e);
        if (!s) {
            proposer_close(p);
            rc = -1;
            goto out;
        }
        search_start(s);
        const struct state *st = search_state(s);
        if (!search_done(s) || search_error(s)[0]) {
            rc = err_set(e, sp->id, "%s seed %llu did not finish: %s", algo,
                         (unsigned long long)seed,
                         search_error(s)[0] ? search_error(s) : "evaluations still pending");
            search_free(s);
            proposer_close(p);
            goto out;
        }
        const struct record *b = state_best(st);
        obj[i] = b ? b->m[sp->objective] : NAN;
        rep[i] = b && sp->report >= 0 ? b->m[sp->report] : NAN;
        used[i] = st->started;
        for (int j = 0; j < nidx; j++)
            cost[j][i] = b ? b->m[idx[j]] : NAN;
        to_opt[i] = b && orc->known && b->m[sp->objective] >= orc->objective
                        ? st->best_changed_at : INFINITY;
        if (isfinite(to_opt[i]))
            cell->reached++;
        search_free(s);
        proposer_close(p);
    }
    cell->runs = n;
    mean_std(obj, n, &cell->obj_mean, &cell->obj_std);
    mean_std(rep, n, &cell->rep_mean, &cell->rep_std);
    double um;
    mean_std(used, n, &cell->evals_mean, &um);
    format_costs(sp, idx, nidx, cost, n, cell->costs, sizeof cell->costs);
    qsort(to_opt, (size_t)n, sizeof *to_opt, cmp_double);
    double med = n % 2 ? to_opt[n / 2] : 0.5 * (to_opt[n / 2 - 1] + to_opt[n / 2]);
    cell->median_to_optimum = isfinite(med) ? med : -1;
out:
    free(obj);
    free(rep);
    free(to_opt);
    free(used);
    for (int j = 0; j < nidx; j++)
        free(cost[j]);
    return rc;
}

int bench_check(const struct bench_config *cfg, struct err *e)
{
    if (cfg->seeds < 1)
        return err_usage(e, "--seeds", "must be at least 1");
    for (int si = 0; si < cfg->nspaces; si++) {
        struct space *sp = space_open(cfg->spaces[si], cfg->datadir, e);
        if (!sp)
            return -1;
        struct constraint cons;
        int rc = constraint_parse(&cons, cfg->constraint, sp->metrics, sp->nmetrics, e);
        for (int ai = 0; rc == 0 && ai < cfg->nalgos; ai++) {
            struct proposer *p =
                proposer_open_params(cfg->algos[ai], sp, cfg->seed0, cfg->params, e);
            if (!p)
                rc = -1;
            proposer_close(p);
        }
        space_close(sp);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int bench_run(const struct bench_config *cfg, struct bench_result *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (cfg->seeds < 1)
        return err_usage(e, "--seeds", "must be at least 1");
    out->ncells = cfg->nspaces * cfg->nalgos;
    out->cells = calloc((size_t)out->ncells, sizeof *out->cells);
    out->oracle = calloc((size_t)cfg->nspaces, sizeof *out->oracle);
    out->objective = calloc((size_t)cfg->nspaces, sizeof *out->objective);
    out->report = calloc((size_t)cfg->nspaces, sizeof *out->report);
    if (!out->cells || !out->oracle || !out->objective || !out->report) {
        bench_result_free(out);
        return err_set(e, "bench", "out of memory");
    }
    for (int si = 0; si < cfg->nspaces; si++) {
        struct space *sp = space_open(cfg->spaces[si], cfg->datadir, e);
        if (!sp)
            goto fail;
        struct evaluator *ev = evaluator_open(sp, e);
        struct constraint cons;
        if (!ev || constraint_parse(&cons, cfg->constraint, sp->metrics, sp->nmetrics, e) < 0) {
            evaluator_close(ev);
            space_close(sp);
            goto fail;
        }
        snprintf(out->objective[si], 32, "%s", sp->metrics[sp->objective].name);
        snprintf(out->report[si], 32, "%s", sp->report >= 0 ? sp->metrics[sp->report].name : "");
        bench_oracle(sp, ev, &cons, &out->oracle[si]);
        for (int ai = 0; ai < cfg->nalgos; ai++) {
            struct bench_cell *cell = &out->cells[si * cfg->nalgos + ai];
            cell->space = si;
            cell->algo = ai;
            if (run_cell(cfg, sp, ev, &cons, cfg->algos[ai], &out->oracle[si], cell, e) < 0) {
                evaluator_close(ev);
                space_close(sp);
                goto fail;
            }
        }
        evaluator_close(ev);
        space_close(sp);
    }
    return 0;
fail:
    bench_result_free(out);
    return -1;
}

void bench_result_free(struct bench_result *r)
{
    free(r->cells);
    free(r->oracle);
    free(r->objective);
    free(r->report);
    memset(r, 0, sizeof *r);
}
