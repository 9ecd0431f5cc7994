/* The offline agents: honest search algorithms that speak the same language
 * as the LLM agents (DESIGN §6). The Navigator fits an additive model of the
 * objective (one effect per decision and choice, ridge-regularised towards
 * the space's prior) to everything evaluated so far and writes what it
 * learned as a strategy. The Generator reads a plan back from the strategy
 * text, draws a pool of candidates around its anchors and from its
 * preferences, and keeps the ones the preferences rank highest. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "strategy.h"

#define LAMBDA 3.0     /* ridge strength: how many results outweigh the prior */
#define POOL 400       /* candidates drawn per call before ranking */
#define TEMPERATURE 1.0

/* ---- the Navigator ------------------------------------------------------- */

struct nav_impl {
    const struct space *sp;
    double prior;
    struct strbuf text;
};

/* Solves (A) x = b for symmetric positive definite A (n x n), in place. */
static int cholesky_solve(double *A, double *b, int n)
{
    for (int j = 0; j < n; j++) {
        double d = A[j * n + j];
        for (int k = 0; k < j; k++)
            d -= A[j * n + k] * A[j * n + k];
        if (d <= 0)
            return -1;
        d = sqrt(d);
        A[j * n + j] = d;
        for (int i = j + 1; i < n; i++) {
            double v = A[i * n + j];
            for (int k = 0; k < j; k++)
                v -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = v / d;
        }
    }
    for (int i = 0; i < n; i++) { /* L y = b */
        double v = b[i];
        for (int k = 0; k < i; k++)
            v -= A[i * n + k] * b[k];
        b[i] = v / A[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) { /* L^T x = y */
        double v = b[i];
        for (int k = i + 1; k < n; k++)
            v -= A[k * n + i] * b[k];
        b[i] = v / A[i * n + i];
    }
    return 0;
}

/* Feature index of (dimension, choice). */
static int feature(const struct space *s, int d, int c)
{
    int f = 0;
    for (int i = 0; i < d; i++)
        f += s->dims[i].nchoices;
    return f + c;
}

/* Fills p->w with the posterior mean effects, in standard deviations. */
static void fit(const struct space *s, const struct state *st, double prior, struct plan *p)
{
    int nf = feature(s, s->ndims, 0), n = (int)st->nrec, obj = st->info.objective;
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++)
        mean += st->rec[i].m[obj];
    mean = n ? mean / n : 0;
    for (int i = 0; i < n; i++)
        var += (st->rec[i].m[obj] - mean) * (st->rec[i].m[obj] - mean);
    double sd = n > 1 ? sqrt(var / (n - 1)) : 1.0;
    if (sd < 1e-9)
        sd = 1.0;
    double *A = calloc((size_t)nf * (size_t)nf, sizeof *A), *b = calloc((size_t)nf, sizeof *b);
    int *idx = calloc((size_t)s->ndims, sizeof *idx);
    if (!A || !b || !idx)
        goto out;
    for (int d = 0; d < s->ndims; d++)
        for (int c = 0; c < s->dims[d].nchoices; c++) {
            int f = feature(s, d, c);
            A[f * nf + f] = LAMBDA;
            b[f] = LAMBDA * prior * space_prior(s, d, c);
        }
    for (int i = 0; i < n; i++) {
        double z = (st->rec[i].m[obj] - mean) / sd;
        for (int d = 0; d < s->ndims; d++)
            idx[d] = feature(s, d, st->rec[i].arch.v[d]);
        for (int d = 0; d < s->ndims; d++) {
            b[idx[d]] += z;
            for (int e = 0; e < s->ndims; e++)
                A[idx[d] * nf + idx[e]] += 1;
        }
    }
    if (cholesky_solve(A, b, nf) == 0)
        for (int d = 0; d < s->ndims; d++)
            for (int c = 0; c < s->dims[d].nchoices && c < PLAN_MAX_CHOICES; c++) {
                p->w[d][c] = b[feature(s, d, c)];
                p->has[d][c] = 1;
            }
out:
    free(A);
    free(b);
    free(idx);
}

/* The k best records, best first, into idx; returns how many. Ties keep
 * the earlier record first; a missing (NaN) objective is never among them. */
static int top_records(const struct state *st, int *idx, int k)
{
    int n = 0, obj = st->info.objective;
    for (size_t i = 0; i < st->nrec; i++) {
        double v = st->rec[i].m[obj];
        if (isnan(v) || (n == k && v <= st->rec[idx[n - 1]].m[obj]))
            continue;
        int j = n < k ? n++ : k - 1; /* the slot to fill: a new one, or the worst */
        while (j > 0 && st->rec[idx[j - 1]].m[obj] < v) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = (int)i;
    }
    return n;
}

static void write_summary(const struct nav_input *in, struct strbuf *out)
{
    const struct state *st = in->st;
    const char *obj = st->info.metrics[st->info.objective].name;
    strbuf_printf(out, "# SUMMARY\n");
    if (st->nrec == 0) {
        strbuf_printf(out, "Nothing evaluated yet; %d evaluations to spend. Start from what is known "
                       "to work and spread out.\n", in->budget_left);
        return;
    }
    const struct record *b = state_best(st);
    int nb = (int)st->nrec - in->since;
    double bm = -INFINITY, sum = 0;
    for (size_t i = (size_t)in->since; i < st->nrec; i++) {
        double v = st->rec[i].m[st->info.objective];
        sum += v;
        if (v > bm)
            bm = v;
    }
    strbuf_printf(out, "%zu evaluated, %d left. Best %s %.2f: %s\n", st->nrec, in->budget_left, obj,
        b->m[st->info.objective], b->text);
    if (nb > 0)
        strbuf_printf(out, "The last batch: %d results, best %.2f, mean %.2f; %s.\n", nb, bm, sum / nb,
            st->best_changed_at > in->since ? "it improved the best" : "no improvement");
}

static void write_patterns(const struct nav_input *in, const struct plan *p, double prior,
                           struct strbuf *out)
{
    const struct space *s = in->space;
    strbuf_printf(out, "# KEY PATTERNS\n");
    if (in->st->nrec < 3 && s->knowledge && prior > 0) {
        const char *k = s->knowledge;
        while (*k) {
            const char *e = strchr(k, '\n');
            int len = e ? (int)(e - k) : (int)strlen(k);
            strbuf_printf(out, "- %.*s\n", len, k);
            k += len + (e ? 1 : 0);
        }
        return;
    }
    /* the strongest effects either way, as the model sees them */
    for (int sign = 1; sign >= -1; sign -= 2) {
        int shown = 0, used[ARCH_MAX_DIMS][PLAN_MAX_CHOICES] = {{0}};
        while (shown < 3) {
            int bd = -1, bc = -1;
            for (int d = 0; d < s->ndims; d++)
                for (int c = 0; c < s->dims[d].nchoices && c < PLAN_MAX_CHOICES; c++)
                    if (!used[d][c] && (bd < 0 || sign * p->w[d][c] > sign * p->w[bd][bc]))
                        bd = d, bc = c;
            if (bd < 0 || sign * p->w[bd][bc] < 0.25)
                break;
            used[bd][bc] = 1;
            strbuf_printf(out, "- %s on %s %s (%+.2f sd)\n", s->dims[bd].choices[bc], s->dims[bd].name,
                sign > 0 ? "goes with the better results" : "goes with the worse results",
                p->w[bd][bc]);
            shown++;
        }
    }
}

static int nav_strategize(struct navigator *nv, const struct nav_input *in, strategy_fn done,
                          void *ud)
{
    struct nav_impl *im = nv->impl;
    const struct space *s = in->space;
    const struct state *st = in->st;
    struct plan p;
    memset(&p, 0, sizeof p);
    p.ndims = s->ndims;
    fit(s, st, im->prior, &p);
    int top[PLAN_MAX_ANCHORS];
    int k = top_records(st, top, 3);
    for (int i = 0; i < k; i++) {
        p.anchors[i] = st->rec[top[i]].arch;
        p.anchor_value[i] = st->rec[top[i]].m[st->info.objective];
    }
    p.nanchors = k;
    /* exploit more as the budget runs out; early on, look around more widely */
    int budget = st->info.budget > 0 ? st->info.budget : 1;
    double used = 1.0 - (double)in->budget_left / budget;
    p.exploit = k ? 0.5 + 0.4 * used : 0.0;
    p.radius = used < 0.5 ? 2 : 1;

    strbuf_reset(&im->text);
    write_summary(in, &im->text);
    write_patterns(in, &p, im->prior, &im->text);
    strategy_write_directions(&p, s, &im->text);
    if (im->text.failed)
        done(ud, 0, NULL, NULL, "out of memory");
    else
        done(ud, 1, strbuf_str(&im->text), NULL, NULL);
    return 0;
}

static void nav_destroy(struct navigator *n)
{
    struct nav_impl *im = n->impl;
    strbuf_free(&im->text);
    free(im);
}

static const struct navigator_ops nav_ops = {.strategize = nav_strategize, .destroy = nav_destroy};

struct navigator *offline_navigator_new(const struct space *s, uint64_t seed, double prior)
{
    struct navigator *n = calloc(1, sizeof *n);
    struct nav_impl *im = calloc(1, sizeof *im);
    if (!n || !im) {
        free(n);
        free(im);
        return NULL;
    }
    im->sp = s;
    im->prior = prior;
    n->ops = &nav_ops;
    n->impl = im;
    n->offline = 1;
    snprintf(n->name, sizeof n->name, "offline-navigator");
    rng_seed(&n->rng, seed);
    return n;
}

/* ---- the Generator ------------------------------------------------------- */

/* A choice of dimension d other than `except`, drawn by softmax of the
 * preferences (except < 0: any). */
static int draw_choice(const struct plan *p, const struct dim_def *dim, int d, int except,
                       struct rng *r)
{
    double w[PLAN_MAX_CHOICES], sum = 0;
    int n = dim->nchoices < PLAN_MAX_CHOICES ? dim->nchoices : PLAN_MAX_CHOICES;
    for (int c = 0; c < n; c++) {
        w[c] = c == except ? 0 : exp(p->w[d][c] / TEMPERATURE);
        sum += w[c];
    }
    double x = rng_double(r) * sum;
    for (int c = 0; c < n; c++) {
        x -= w[c];
        if (x < 0 && w[c] > 0)
            return c;
    }
    for (int c = n - 1; c >= 0; c--)
        if (c != except)
            return c;
    return 0;
}

static double predicted(const struct plan *p, const struct arch *a)
{
    double v = 0;
    for (int d = 0; d < a->n && d < ARCH_MAX_DIMS; d++)
        if (a->v[d] < PLAN_MAX_CHOICES)
            v += p->w[d][a->v[d]];
    return v;
}

struct scored {
    struct arch a;
    double score;
};

static int by_score(const void *x, const void *y)
{
    const struct scored *a = x, *b = y;
    return (a->score < b->score) - (a->score > b->score);
}

static int gen_generate(struct generator *g, const struct gen_input *in, cands_fn done, void *ud)
{
    const struct space *s = in->space;
    struct plan p;
    strategy_parse(in->strategy ? in->strategy : "", s, &p);
    struct propose_ctx ctx = {.st = in->st, .space = s, .cons = in->cons, .want = in->count};
    struct scored *pool = calloc(POOL, sizeof *pool);
    struct cand_list out;
    cand_list_init(&out);
    if (!pool) {
        done(ud, -1, NULL, "out of memory");
        return 0;
    }
    int n = 0;
    for (int i = 0; i < POOL; i++) {
        struct arch a;
        if (p.nanchors && rng_double(&g->rng) < p.exploit) {
            /* the better anchors more often: weights 1, 1/2, 1/3 ... */
            double hs = 0, x;
            for (int j = 0; j < p.nanchors; j++)
                hs += 1.0 / (j + 1);
            x = rng_double(&g->rng) * hs;
            int j = 0;
            while (j < p.nanchors - 1 && (x -= 1.0 / (j + 1)) >= 0)
                j++;
            a = p.anchors[j];
            int changes = 1 + (int)rng_below(&g->rng, (uint32_t)(p.radius > 0 ? p.radius : 1));
            for (int k = 0; k < changes; k++) {
                int d = (int)rng_below(&g->rng, (uint32_t)s->ndims);
                a.v[d] = (uint8_t)draw_choice(&p, &s->dims[d], d, a.v[d], &g->rng);
            }
        } else {
            memset(&a, 0, sizeof a);
            a.n = (uint16_t)s->ndims;
            for (int d = 0; d < s->ndims; d++)
                a.v[d] = (uint8_t)draw_choice(&p, &s->dims[d], d, -1, &g->rng);
        }
        space_canonical(s, &a);
        if (!propose_is_fresh(&ctx, &a) || cand_list_has(in->pending, &a))
            continue;
        int dup = 0;
        for (int k = 0; k < n && !dup; k++)
            dup = arch_eq(&pool[k].a, &a);
        if (dup)
            continue;
        /* ties broken at random, so equal-looking candidates take turns */
        pool[n++] = (struct scored){a, predicted(&p, &a) + 1e-6 * rng_double(&g->rng)};
    }
    qsort(pool, (size_t)n, sizeof *pool, by_score);
    for (int i = 0; i < n && out.n < in->count; i++)
        cand_list_add_arch(&out, &pool[i].a);
    /* the pool came up short (a nearly exhausted space): fill at random */
    while (out.n < in->count) {
        struct arch a;
        if (!propose_sample_fresh(&ctx, &g->rng, 1000, &out, &a) || cand_list_has(in->pending, &a))
            break;
        cand_list_add_arch(&out, &a);
    }
    free(pool);
    done(ud, 1, &out, NULL);
    cand_list_free(&out);
    return 0;
}

static void gen_destroy(struct generator *g)
{
    (void)g;
}

static const struct generator_ops gen_ops = {.generate = gen_generate, .destroy = gen_destroy};

struct generator *offline_generator_new(const struct space *s, uint64_t seed)
{
    (void)s;
    struct generator *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->ops = &gen_ops;
    g->offline = 1;
    snprintf(g->name, sizeof g->name, "offline-generator");
    rng_seed(&g->rng, seed);
    return g;
}

void navigator_free(struct navigator *n)
{
    if (!n)
        return;
    if (n->ops->destroy)
        n->ops->destroy(n);
    free(n);
}

void generator_free(struct generator *g)
{
    if (!g)
        return;
    if (g->ops->destroy)
        g->ops->destroy(g);
    free(g);
}
