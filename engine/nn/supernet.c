/* The elastic supernet: weights, subnet forward and backward on a tape.
 * See supernet.h for the network. A forward pass records one op per layer
 * with the tensors it read and wrote; backward walks the tape in reverse,
 * so the network is written once, in sn_forward. */
#include "supernet.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn.h"
#include "nn_dw.h"

#define MAXK 7
#define MAXE 6
#define BN_EPS 1e-5f
#define BN_MOMENTUM 0.1f
#define DW_GROUP 32 /* depthwise channels between two cancel polls */

/* ---- weights ----------------------------------------------------------- */

static size_t add(struct supernet *sn, const char *name, int ndim, const int *shape, int stat,
                  int decay)
{
    /* the layout is fixed: overflowing the table is a bug, caught by the tests */
    struct sn_tensor *t = &sn->t[sn->ntensors < SN_MAX_TENSORS ? sn->ntensors++ : 0];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = ndim;
    t->n = 1;
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i], t->n *= (size_t)shape[i];
    t->is_stat = stat;
    t->decay = decay;
    size_t *top = stat ? &sn->nstats : &sn->nw;
    t->off = *top;
    *top += t->n;
    return t->off;
}

/* Offsets of one batch norm's four vectors. */
struct bn_off {
    size_t g, b, m, v;
};

struct block_off {
    size_t expand, dw, project;
    struct bn_off bn1, bn2, bn3;
};

/* Where everything is, filled once by layout() for every supernet. */
struct layout {
    size_t stem, ds_dw, ds_pw, head, fc_w, fc_b;
    struct bn_off stem_bn, ds_bn1, ds_bn2, head_bn;
    struct block_off blk[SN_BLOCKS];
};

static struct bn_off add_bn(struct supernet *sn, const char *prefix, int c)
{
    char n[48];
    struct bn_off o;
    int sh[1] = {c};
    snprintf(n, sizeof n, "%s.gamma", prefix), o.g = add(sn, n, 1, sh, 0, 0);
    snprintf(n, sizeof n, "%s.beta", prefix), o.b = add(sn, n, 1, sh, 0, 0);
    snprintf(n, sizeof n, "%s.mean", prefix), o.m = add(sn, n, 1, sh, 1, 0);
    snprintf(n, sizeof n, "%s.var", prefix), o.v = add(sn, n, 1, sh, 1, 0);
    return o;
}

static void layout(struct supernet *sn, struct layout *L)
{
    sn->ntensors = 0;
    sn->nw = sn->nstats = 0;
    L->stem = add(sn, "stem.conv", 4, (int[]){SN_STEM_C, 1, 3, 3}, 0, 1);
    L->stem_bn = add_bn(sn, "stem.bn", SN_STEM_C);
    L->ds_dw = add(sn, "ds.dw", 4, (int[]){SN_STEM_C, 1, 3, 3}, 0, 1);
    L->ds_bn1 = add_bn(sn, "ds.bn1", SN_STEM_C);
    L->ds_pw = add(sn, "ds.pw", 4, (int[]){SN_STEM_C, SN_STEM_C, 1, 1}, 0, 1);
    L->ds_bn2 = add_bn(sn, "ds.bn2", SN_STEM_C);
    for (int s = 0; s < SN_STAGES; s++)
        for (int j = 0; j < SN_MAXD; j++) {
            struct block_off *b = &L->blk[s * SN_MAXD + j];
            int cin = j ? sn_stage_c[s] : sn_stage_in[s], mid = cin * MAXE, cout = sn_stage_c[s];
            char p[32], n[48];
            snprintf(p, sizeof p, "s%d.b%d", s + 1, j);
            snprintf(n, sizeof n, "%s.expand", p);
            b->expand = add(sn, n, 4, (int[]){mid, cin, 1, 1}, 0, 1);
            snprintf(n, sizeof n, "%s.bn1", p), b->bn1 = add_bn(sn, n, mid);
            snprintf(n, sizeof n, "%s.dw", p);
            b->dw = add(sn, n, 4, (int[]){mid, 1, MAXK, MAXK}, 0, 1);
            snprintf(n, sizeof n, "%s.bn2", p), b->bn2 = add_bn(sn, n, mid);
            snprintf(n, sizeof n, "%s.project", p);
            b->project = add(sn, n, 4, (int[]){cout, mid, 1, 1}, 0, 1);
            snprintf(n, sizeof n, "%s.bn3", p), b->bn3 = add_bn(sn, n, cout);
        }
    int last = sn_stage_c[SN_STAGES - 1];
    L->head = add(sn, "head.conv", 4, (int[]){SN_HEAD_C, last, 1, 1}, 0, 1);
    L->head_bn = add_bn(sn, "head.bn", SN_HEAD_C);
    L->fc_w = add(sn, "head.fc.weight", 2, (int[]){SN_CLASSES, SN_HEAD_C}, 0, 1);
    L->fc_b = add(sn, "head.fc.bias", 1, (int[]){SN_CLASSES}, 0, 0);
}

/* Built once for the process: evaluations on pool threads read it while
 * another thread may be opening a supernet. */
static struct layout the_layout;
static struct supernet the_template;
static pthread_once_t layout_once = PTHREAD_ONCE_INIT;

static void layout_build(void)
{
    layout(&the_template, &the_layout);
}

int supernet_init(struct supernet *sn, struct err *e)
{
    pthread_once(&layout_once, layout_build);
    *sn = the_template;
    sn->w = calloc(sn->nw, sizeof(float));
    sn->stats = calloc(sn->nstats, sizeof(float));
    if (!sn->w || !sn->stats) {
        supernet_free(sn);
        return err_set(e, "supernet", "out of memory for %zu weights", sn->nw);
    }
    return 0;
}

void supernet_free(struct supernet *sn)
{
    free(sn->w);
    free(sn->stats);
    sn->w = sn->stats = NULL;
}

const struct sn_tensor *supernet_tensor(const struct supernet *sn, const char *name)
{
    for (int i = 0; i < sn->ntensors; i++)
        if (strcmp(sn->t[i].name, name) == 0)
            return &sn->t[i];
    return NULL;
}

static double normal(struct rng *r)
{
    double u = rng_double(r), v = rng_double(r);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

void supernet_init_weights(struct supernet *sn, struct rng *r)
{
    for (int i = 0; i < sn->ntensors; i++) {
        const struct sn_tensor *t = &sn->t[i];
        float *p = (t->is_stat ? sn->stats : sn->w) + t->off;
        const char *leaf = strrchr(t->name, '.') + 1;
        double fill = 0, sd = 0;
        if (strcmp(leaf, "gamma") == 0)
            fill = strncmp(t->name + strlen(t->name) - 9, "bn3.gamma", 9) == 0 &&
                           t->name[4] != '0' /* "sX.b0": no residual */
                       ? 0.0
                       : 1.0;
        else if (strcmp(leaf, "var") == 0)
            fill = 1.0;
        else if (t->ndim == 4) /* He normal, fan out = out channels * k * k / groups */
            sd = sqrt(2.0 / ((double)t->shape[0] * t->shape[2] * t->shape[3] /
                             (t->shape[1] == 1 && strstr(t->name, "dw") ? t->shape[0] : 1)));
        else if (strcmp(t->name, "head.fc.weight") == 0)
            sd = 0.01;
        for (size_t k = 0; k < t->n; k++)
            p[k] = (float)(sd > 0 ? sd * normal(r) : fill);
    }
}

/* ---- the tape ---------------------------------------------------------- */

enum op_kind { OP_CONV, OP_DW, OP_PW, OP_BN, OP_RELU, OP_HSWISH, OP_ADD, OP_GAP, OP_LINEAR };

struct tensor {
    float *x;
    size_t n;
    float *g;    /* gradient, in backward */
};

struct op {
    enum op_kind kind;
    int in, in2, out;
    size_t w, w2;      /* weight offsets (linear: weight, bias; bn: gamma, beta) */
    int C, N, H, W, k, s, cout, ld;
    float *mean, *var; /* batch statistics (bn, train) */
};

#define MAXOPS 128
#define MAXT 160

struct sn_ctx {
    int max_batch;
    float *arena, *garena, *col, *tmp;
    size_t cap, top, gcap, gtop, colcap, tmpcap;
    int dry;               /* sizing pass: count, compute nothing */
    size_t need, tmpneed;
    enum sn_mode mode;
    struct tensor t[MAXT];
    int nt;
    struct op ops[MAXOPS];
    int nops;
    float *stats;          /* running statistics being used or moved */
    const float *w;
    double *rsum;          /* recalibration: sums per stats slot */
    uint8_t *rseen;        /* the slots the subnet's batch norms used */
    double rcount;
    size_t nstats;
    int N_images;          /* of the forward under way */
    const volatile int *cancel; /* polled before every layer (sn_ctx_set_cancel) */
    int cancelled;         /* the forward under way saw it raised */
};

static float *arena_take(struct sn_ctx *c, size_t n)
{
    n = (n + 15) & ~(size_t)15; /* 64-byte steps keep rows aligned for the vector units */
    if (c->dry) {
        c->need += n;
        return NULL;
    }
    if (c->top + n > c->cap)
        return NULL;
    float *p = c->arena + c->top;
    c->top += n;
    return p;
}

/* Sticky, so that a forward stopped anywhere reports -2, not -1. */
static int cancelled(struct sn_ctx *c)
{
    if (c->cancel && *c->cancel)
        c->cancelled = 1;
    return c->cancelled;
}

/* Every layer asks for its output here first, so this is where a forward
 * notices a cancel: a layer of the largest subnet at a batch of 200 is
 * milliseconds, a whole batch up to a second on a loaded machine. */
static int tensor_new(struct sn_ctx *c, size_t n)
{
    if (cancelled(c))
        return -1;
    if (c->nt >= MAXT)
        return -1;
    struct tensor *t = &c->t[c->nt];
    t->x = arena_take(c, n);
    if (!t->x && !c->dry)
        return -1;
    t->n = n;
    t->g = NULL;
    if (n > c->tmpneed)
        c->tmpneed = n;
    return c->nt++;
}

static struct op *op_push(struct sn_ctx *c, enum op_kind k, int in, int out)
{
    struct op *o = &c->ops[c->nops++];
    memset(o, 0, sizeof *o);
    o->kind = k, o->in = in, o->out = out, o->in2 = -1;
    return o;
}

#define FAIL_IF(cond)                                                                        \
    do {                                                                                     \
        if (cond)                                                                            \
            return -1;                                                                       \
    } while (0)
#define X(i) (c->t[i].x)

static int f_pw(struct sn_ctx *c, int in, int cin, int P, size_t w, int ld, int cout)
{
    int out = tensor_new(c, (size_t)cout * P);
    FAIL_IF(out < 0 || c->nops >= MAXOPS);
    struct op *o = op_push(c, OP_PW, in, out);
    o->C = cin, o->N = P, o->w = w, o->ld = ld, o->cout = cout;
    if (!c->dry)
        nn_pw_forward(X(in), cin, P, c->w + w, ld, cout, X(out));
    return out;
}

/* kmax: the size of the stored kernels, whose centre k x k is used */
static int f_dw(struct sn_ctx *c, int in, int C, int N, int H, size_t w, int kmax, int k, int s)
{
    int ho = nn_conv_out(H, k, s);
    int out = tensor_new(c, (size_t)C * N * ho * ho);
    FAIL_IF(out < 0 || c->nops >= MAXOPS);
    struct op *o = op_push(c, OP_DW, in, out);
    o->C = C, o->N = N, o->H = H, o->k = k, o->s = s, o->ld = kmax;
    o->w = w + (size_t)((kmax - k) / 2) * kmax + (size_t)(kmax - k) / 2;
    if (c->dry)
        return out;
    /* Channels are independent and contiguous (CNHW), so the layer runs in
     * groups with a cancel poll between them: the largest depthwise layer
     * of a batch is tens of milliseconds on a loaded machine. */
    size_t in_c = (size_t)N * H * H, out_c = (size_t)N * ho * ho;
    for (int c0 = 0; c0 < C; c0 += DW_GROUP) {
        int g = C - c0 < DW_GROUP ? C - c0 : DW_GROUP;
        FAIL_IF(cancelled(c));
        nn_dw_forward(X(in) + c0 * in_c, g, N, H, H, c->w + o->w + (size_t)c0 * kmax * kmax,
                      kmax * kmax, kmax, k, s, X(out) + c0 * out_c);
    }
    return out;
}

static int f_bn(struct sn_ctx *c, int in, int C, int P, const struct bn_off *b)
{
    int out = tensor_new(c, (size_t)C * P);
    FAIL_IF(out < 0 || c->nops >= MAXOPS);
    struct op *o = op_push(c, OP_BN, in, out);
    o->C = C, o->N = P, o->w = b->g, o->w2 = b->b;
    if (c->mode == SN_EVAL) {
        if (!c->dry)
            nn_bn_forward_eval(X(in), C, P, c->w + b->g, c->w + b->b, c->stats + b->m,
                               c->stats + b->v, BN_EPS, X(out));
        return out;
    }
    o->mean = arena_take(c, (size_t)C);
    o->var = arena_take(c, (size_t)C);
    if (c->dry)
        return out;
    FAIL_IF(!o->mean || !o->var);
    nn_bn_forward_train(X(in), C, P, c->w + b->g, c->w + b->b, BN_EPS, X(out), o->mean, o->var);
    if (c->mode == SN_TRAIN) {
        float *rm = c->stats + b->m, *rv = c->stats + b->v;
        float unbias = P > 1 ? (float)P / (float)(P - 1) : 1.0f;
        for (int i = 0; i < C; i++) {
            rm[i] = (1 - BN_MOMENTUM) * rm[i] + BN_MOMENTUM * o->mean[i];
            rv[i] = (1 - BN_MOMENTUM) * rv[i] + BN_MOMENTUM * o->var[i] * unbias;
        }
    } else {
        int n = c->N_images;
        for (int i = 0; i < C; i++) {
            c->rsum[b->m + i] += (double)o->mean[i] * n;
            c->rsum[b->v + i] += (double)o->var[i] * n;
            c->rseen[b->m + i] = c->rseen[b->v + i] = 1;
        }
    }
    return out;
}

static int f_act(struct sn_ctx *c, int in, enum op_kind k)
{
    size_t n = c->t[in].n;
    int out = tensor_new(c, n);
    FAIL_IF(out < 0 || c->nops >= MAXOPS);
    op_push(c, k, in, out);
    if (!c->dry)
        (k == OP_RELU ? nn_relu_forward : nn_hswish_forward)(X(in), n, X(out));
    return out;
}

static int f_add(struct sn_ctx *c, int a, int b)
{
    size_t n = c->t[a].n;
    int out = tensor_new(c, n);
    FAIL_IF(out < 0 || c->nops >= MAXOPS);
    struct op *o = op_push(c, OP_ADD, a, out);
    o->in2 = b;
    if (!c->dry)
        for (size_t i = 0; i < n; i++)
            X(out)[i] = X(a)[i] + X(b)[i];
    return out;
}

/* One MBConv block; returns its output tensor. */
static int f_block(struct sn_ctx *c, int x, int s, int j, int N, int *H, int k, int e)
{
    const struct block_off *b = &the_layout.blk[s * SN_MAXD + j];
    int cin = j ? sn_stage_c[s] : sn_stage_in[s], cout = sn_stage_c[s], mid = cin * e;
    int stride = j ? 1 : 2, h = *H, ho = nn_conv_out(h, k, stride);
    enum op_kind act = s == 0 ? OP_RELU : OP_HSWISH;
    int P = N * h * h, Po = N * ho * ho;
    int t = f_pw(c, x, cin, P, b->expand, cin, mid);
    FAIL_IF(t < 0);
    t = f_bn(c, t, mid, P, &b->bn1);
    FAIL_IF(t < 0);
    t = f_act(c, t, act);
    FAIL_IF(t < 0);
    t = f_dw(c, t, mid, N, h, b->dw, MAXK, k, stride);
    FAIL_IF(t < 0);
    t = f_bn(c, t, mid, Po, &b->bn2);
    FAIL_IF(t < 0);
    t = f_act(c, t, act);
    FAIL_IF(t < 0);
    t = f_pw(c, t, mid, Po, b->project, cin * MAXE, cout);
    FAIL_IF(t < 0);
    t = f_bn(c, t, cout, Po, &b->bn3);
    FAIL_IF(t < 0);
    *H = ho;
    return j ? f_add(c, t, x) : t;
}

/* Outside training nothing is kept for backward: after each block its
 * output moves down to where the block's temporaries began. */
static int settle(struct sn_ctx *c, int out, size_t mark, int mark_nt, int mark_nops)
{
    if (c->mode == SN_TRAIN || c->dry)
        return out;
    struct tensor t = c->t[out];
    c->top = mark;
    float *dst = arena_take(c, t.n);
    memmove(dst, t.x, t.n * sizeof(float));
    c->nt = mark_nt;
    c->nops = mark_nops;
    c->t[c->nt] = (struct tensor){dst, t.n, NULL};
    return c->nt++;
}

static int forward(struct sn_ctx *c, const struct sn_arch *a, const float *images, int N,
                   float *logits)
{
    const struct layout *L = &the_layout;
    c->nt = c->nops = 0;
    c->top = 0;
    c->N_images = N;
    int h = a->r;
    int x = tensor_new(c, (size_t)N * h * h);
    FAIL_IF(x < 0);
    if (!c->dry) {
        if (h == SN_IMG)
            memcpy(X(x), images, sizeof(float) * N * h * h);
        else
            nn_resize_bilinear(images, N, SN_IMG, SN_IMG, h, h, X(x));
    }
    /* stem */
    int t = tensor_new(c, (size_t)SN_STEM_C * N * h * h);
    FAIL_IF(t < 0 || c->nops >= MAXOPS);
    struct op *o = op_push(c, OP_CONV, x, t);
    o->C = 1, o->N = N, o->H = h, o->k = 3, o->s = 1, o->cout = SN_STEM_C, o->w = L->stem;
    size_t col = nn_conv_col_floats(1, N, h, h, 3, 1);
    if (c->dry)
        c->colcap = col > c->colcap ? col : c->colcap;
    else
        nn_conv_forward(X(x), 1, N, h, h, c->w + L->stem, SN_STEM_C, 3, 1, X(t), c->col);
    t = f_bn(c, t, SN_STEM_C, N * h * h, &L->stem_bn);
    FAIL_IF(t < 0);
    t = f_act(c, t, OP_HSWISH);
    FAIL_IF(t < 0);
    /* ds */
    t = f_dw(c, t, SN_STEM_C, N, h, L->ds_dw, 3, 3, 2);
    FAIL_IF(t < 0);
    h = nn_conv_out(h, 3, 2);
    t = f_bn(c, t, SN_STEM_C, N * h * h, &L->ds_bn1);
    FAIL_IF(t < 0);
    t = f_act(c, t, OP_HSWISH);
    FAIL_IF(t < 0);
    t = f_pw(c, t, SN_STEM_C, N * h * h, L->ds_pw, SN_STEM_C, SN_STEM_C);
    FAIL_IF(t < 0);
    t = f_bn(c, t, SN_STEM_C, N * h * h, &L->ds_bn2);
    FAIL_IF(t < 0);
    for (int s = 0; s < SN_STAGES; s++)
        for (int j = 0; j < a->d[s]; j++) {
            size_t mark = c->top;
            int mnt = c->nt, mops = c->nops;
            int bi = s * SN_MAXD + j;
            t = f_block(c, t, s, j, N, &h, a->ks[bi], a->e[bi]);
            FAIL_IF(t < 0);
            t = settle(c, t, mark, mnt, mops);
        }
    /* head */
    int last = sn_stage_c[SN_STAGES - 1], P = N * h * h;
    t = f_pw(c, t, last, P, L->head, last, SN_HEAD_C);
    FAIL_IF(t < 0);
    t = f_bn(c, t, SN_HEAD_C, P, &L->head_bn);
    FAIL_IF(t < 0);
    t = f_act(c, t, OP_HSWISH);
    FAIL_IF(t < 0);
    int g = tensor_new(c, (size_t)SN_HEAD_C * N);
    FAIL_IF(g < 0 || c->nops >= MAXOPS);
    o = op_push(c, OP_GAP, t, g);
    o->C = SN_HEAD_C, o->N = N, o->H = h * h;
    if (!c->dry)
        nn_gap_forward(X(t), SN_HEAD_C, N, h * h, X(g));
    int y = tensor_new(c, (size_t)SN_CLASSES * N);
    FAIL_IF(y < 0 || c->nops >= MAXOPS);
    o = op_push(c, OP_LINEAR, g, y);
    o->C = SN_HEAD_C, o->N = N, o->cout = SN_CLASSES, o->w = L->fc_w, o->w2 = L->fc_b;
    if (!c->dry) {
        nn_linear_forward(X(g), SN_HEAD_C, N, c->w + L->fc_w, SN_HEAD_C, c->w + L->fc_b, SN_CLASSES,
                          X(y));
        memcpy(logits, X(y), sizeof(float) * SN_CLASSES * N);
    }
    return 0;
}

struct sn_ctx *sn_ctx_new(int max_batch, struct err *e)
{
    struct sn_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return err_set(e, "supernet", "out of memory"), NULL;
    c->max_batch = max_batch;
    pthread_once(&layout_once, layout_build);
    c->nstats = the_template.nstats;
    /* size the arena on the largest subnet at the largest resolution */
    struct sn_arch big;
    sn_arch_largest(&big);
    c->dry = 1;
    c->mode = SN_TRAIN;
    forward(c, &big, NULL, max_batch, NULL);
    c->dry = 0;
    c->cap = c->need + 64;
    c->arena = malloc(c->cap * sizeof(float));
    c->col = malloc((c->colcap ? c->colcap : 1) * sizeof(float));
    c->rsum = calloc(c->nstats, sizeof(double));
    c->rseen = calloc(c->nstats, 1);
    if (!c->rseen || !c->arena || !c->col || !c->rsum) {
        size_t mb = c->cap * 4 >> 20;
        sn_ctx_free(c);
        return err_set(e, "supernet", "out of memory for a batch of %d (%zu MB of activations)",
                       max_batch, mb),
               NULL;
    }
    return c;
}

/* The gradient buffers, on the first training forward: a workspace that
 * only evaluates (every worker of a search) never needs them. */
static int grad_buffers(struct sn_ctx *c)
{
    if (c->garena)
        return 0;
    c->gcap = c->cap;
    c->tmpcap = c->tmpneed;
    c->garena = malloc(c->gcap * sizeof(float));
    c->tmp = malloc(c->tmpcap * sizeof(float));
    if (c->garena && c->tmp)
        return 0;
    free(c->garena);
    free(c->tmp);
    c->garena = c->tmp = NULL;
    return -1;
}

void sn_ctx_set_cancel(struct sn_ctx *c, const volatile int *cancel)
{
    c->cancel = cancel;
}

void sn_ctx_free(struct sn_ctx *c)
{
    if (!c)
        return;
    free(c->arena);
    free(c->garena);
    free(c->tmp);
    free(c->col);
    free(c->rsum);
    free(c->rseen);
    free(c);
}

int sn_forward(struct sn_ctx *c, const struct supernet *sn, float *stats,
               const struct sn_arch *a, enum sn_mode mode, const float *images, int n,
               float *logits)
{
    if (n <= 0 || n > c->max_batch || (mode == SN_TRAIN && grad_buffers(c) < 0))
        return -1;
    c->mode = mode;
    c->w = sn->w;
    c->stats = stats;
    c->cancelled = 0;
    if (forward(c, a, images, n, logits) < 0)
        return c->cancelled ? -2 : -1;
    if (mode == SN_RECAL)
        c->rcount += n;
    return 0;
}

/* Where an op's input gradient goes: straight into the tensor's gradient
 * the first time, else into tmp and then added (a residual's input gets
 * two gradients). */
static float *grad_target(struct sn_ctx *c, int t, int *add_after)
{
    if (!c->t[t].g) {
        c->t[t].g = c->garena + c->gtop;
        c->gtop += (c->t[t].n + 15) & ~(size_t)15;
        *add_after = 0;
        return c->t[t].g;
    }
    *add_after = 1;
    return c->tmp;
}

static void grad_finish(struct sn_ctx *c, int t, int add_after)
{
    if (add_after)
        for (size_t i = 0; i < c->t[t].n; i++)
            c->t[t].g[i] += c->tmp[i];
}

void sn_backward(struct sn_ctx *c, const struct supernet *sn, const float *dlogits,
                 float *grad)
{
    const float *w = sn->w;
    c->gtop = 0;
    for (int i = 0; i < c->nt; i++)
        c->t[i].g = NULL;
    struct op *last = &c->ops[c->nops - 1];
    int dummy;
    float *gy = grad_target(c, last->out, &dummy);
    memcpy(gy, dlogits, sizeof(float) * c->t[last->out].n);
    for (int i = c->nops - 1; i >= 0; i--) {
        struct op *o = &c->ops[i];
        const float *x = X(o->in), *dy = c->t[o->out].g;
        if (!dy)
            continue;
        int add_after = 0;
        float *dx = o->in == 0 ? NULL : grad_target(c, o->in, &add_after);
        switch (o->kind) {
        case OP_CONV:
            nn_conv_backward(x, o->C, o->N, o->H, o->H, w + o->w, o->cout, o->k, o->s, dy, dx,
                             grad + o->w, c->col);
            break;
        case OP_DW:
            nn_dw_backward(x, o->C, o->N, o->H, o->H, w + o->w, o->ld * o->ld, o->ld, o->k,
                           o->s, dy, dx, grad + o->w);
            break;
        case OP_PW:
            nn_pw_backward(x, o->C, o->N, w + o->w, o->ld, o->cout, dy, dx, grad + o->w);
            break;
        case OP_BN:
            nn_bn_backward(x, o->C, o->N, w + o->w, o->mean, o->var, BN_EPS, dy, dx,
                           grad + o->w, grad + o->w2);
            break;
        case OP_RELU:
            nn_relu_backward(x, dy, c->t[o->in].n, dx);
            break;
        case OP_HSWISH:
            nn_hswish_backward(x, dy, c->t[o->in].n, dx);
            break;
        case OP_ADD:
            memcpy(dx, dy, sizeof(float) * c->t[o->in].n);
            grad_finish(c, o->in, add_after);
            dx = grad_target(c, o->in2, &add_after);
            memcpy(dx, dy, sizeof(float) * c->t[o->in2].n);
            grad_finish(c, o->in2, add_after);
            continue;
        case OP_GAP:
            nn_gap_backward(dy, o->C, o->N, o->H, dx);
            break;
        case OP_LINEAR:
            nn_linear_backward(x, o->C, o->N, w + o->w, o->C, o->cout, dy, dx, grad + o->w,
                               grad + o->w2);
            break;
        }
        if (dx)
            grad_finish(c, o->in, add_after);
    }
}

void sn_recal_begin(struct sn_ctx *c)
{
    memset(c->rsum, 0, c->nstats * sizeof(double));
    memset(c->rseen, 0, c->nstats);
    c->rcount = 0;
}

void sn_recal_end(struct sn_ctx *c, float *stats)
{
    if (c->rcount <= 0)
        return;
    for (size_t k = 0; k < c->nstats; k++)
        if (c->rseen[k])
            stats[k] = (float)(c->rsum[k] / c->rcount);
}
