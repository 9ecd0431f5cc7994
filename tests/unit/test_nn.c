#include "testutil.h"

#include <math.h>

#include "../../engine/nn/nn.h"

/* ---- helpers -------------------------------------------------------------- */

/* A private generator, so the tests pin their own data whatever rng.c does. */
static uint64_t lcg_state;

static void seed(uint64_t s)
{
    lcg_state = s * 6364136223846793005ULL + 1442695040888963407ULL;
}

static float uni(void) /* uniform in [-1, 1) */
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((lcg_state >> 40) / (double)(1ULL << 24)) * 2.0f - 1.0f;
}

static float *randv(size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = uni();
    return v;
}

static float *zerov(size_t n)
{
    float *v = calloc(n ? n : 1, sizeof *v);
    assert_non_null(v);
    return v;
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

/* The scalar loss of a layer as a function of its buffers: every check
 * below uses L = sum(y .* R) for a fixed random R, whose gradient with
 * respect to y is R itself. */
typedef double (*loss_fn)(void *ctx);

/* ||g_num - g|| / max(||g_num||, ||g||) over the n floats at p, g_num by
 * central differences of f (float evaluations, double sums). The step
 * taken is the one float really represents, not the nominal h. */
static double grad_err(loss_fn f, void *ctx, float *p, size_t n, const float *g, float h)
{
    double dn = 0, nn = 0, gn = 0;
    for (size_t i = 0; i < n; i++) {
        float o = p[i], hi = o + h, lo = o - h;
        p[i] = hi;
        double lp = f(ctx);
        p[i] = lo;
        double lm = f(ctx);
        p[i] = o;
        double num = (lp - lm) / ((double)hi - lo);
        dn += (num - g[i]) * (num - g[i]);
        nn += num * num;
        gn += (double)g[i] * g[i];
    }
    double m = sqrt(nn > gn ? nn : gn);
    return m > 0 ? sqrt(dn) / m : 0;
}

/* The bounds. Layers linear in the perturbed buffer (convolutions, linear,
 * pooling, and the piecewise-linear activations away from their kinks)
 * have no truncation error, only float rounding of L over a step of 1e-2:
 * 1e-3 leaves a wide margin. BN, hswish's quadratic piece and the losses
 * are curved: with h = 1e-2 the O(h^2) term stays below 1e-4 relative,
 * so 1e-2 is loose enough for rounding and tight enough to catch a wrong
 * term (those give errors of order 1e-1 and up). */
#define TOL_LINEAR 1e-3
#define TOL_CURVED 1e-2

static void assert_below(double err, double tol, const char *what)
{
    if (!(err < tol))
        fail_msg("%s: relative gradient error %.3g, bound %.3g", what, err, tol);
}

static void assert_close(const float *a, const float *b, size_t n, double tol, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs((double)a[i] - b[i]) <= tol * (1 + fabs((double)b[i]))))
            fail_msg("%s: element %zu is %.8g, expected %.8g", what, i, a[i], b[i]);
}

/* ---- 1x1 convolution -------------------------------------------------------- */

struct pw_ctx {
    float *x, *w, *y, *R;
    int cin, P, ldw, cout;
};

static double pw_loss(void *c)
{
    struct pw_ctx *t = c;
    nn_pw_forward(t->x, t->cin, t->P, t->w, t->ldw, t->cout, t->y);
    return dot(t->y, t->R, (size_t)t->cout * t->P);
}

/* An elastic corner: a 3-in 4-out layer inside a 5-wide, 6-row weight. */
static void pw_gradients(void **state)
{
    (void)state;
    seed(1);
    struct pw_ctx t = {.cin = 3, .P = 10, .ldw = 5, .cout = 4};
    t.x = randv((size_t)t.cin * t.P);
    t.w = randv(6 * 5);
    t.y = zerov((size_t)t.cout * t.P);
    t.R = randv((size_t)t.cout * t.P);
    float *dx = randv((size_t)t.cin * t.P), *dw = zerov(6 * 5), *dw1 = zerov(6 * 5);
    nn_pw_backward(t.x, t.cin, t.P, t.w, t.ldw, t.cout, t.R, dx, dw);
    assert_below(grad_err(pw_loss, &t, t.x, (size_t)t.cin * t.P, dx, 1e-2f), TOL_LINEAR,
                 "pw dx");
    /* Finite differences over the whole buffer: the floats outside the
     * corner must get (and numerically have) gradient 0. */
    assert_below(grad_err(pw_loss, &t, t.w, 6 * 5, dw, 1e-2f), TOL_LINEAR, "pw dw");
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 5; c++)
            if (r >= t.cout || c >= t.cin)
                assert_true(dw[r * 5 + c] == 0);
    memcpy(dw1, dw, sizeof(float) * 30);
    nn_pw_backward(t.x, t.cin, t.P, t.w, t.ldw, t.cout, t.R, NULL, dw); /* dx may be NULL */
    for (int i = 0; i < 30; i++)
        assert_float_equal(dw[i], 2 * dw1[i], 1e-5);
    /* A known case: y = w x with w = [1 2] (ldw 3: the 3rd column is unused). */
    float x2[4] = {1, 2, 3, 4}, w2[3] = {1, 2, 99}, y2[2];
    nn_pw_forward(x2, 2, 2, w2, 3, 1, y2);
    assert_float_equal(y2[0], 1 + 2 * 3, 0);
    assert_float_equal(y2[1], 2 + 2 * 4, 0);
    free(t.x), free(t.w), free(t.y), free(t.R), free(dx), free(dw), free(dw1);
}

/* ---- k x k convolution (im2col) ----------------------------------------------- */

struct conv_ctx {
    float *x, *w, *y, *R, *col;
    int cin, N, H, W, cout, k, s;
};

static double conv_loss(void *c)
{
    struct conv_ctx *t = c;
    nn_conv_forward(t->x, t->cin, t->N, t->H, t->W, t->w, t->cout, t->k, t->s, t->y, t->col);
    int Ho = nn_conv_out(t->H, t->k, t->s), Wo = nn_conv_out(t->W, t->k, t->s);
    return dot(t->y, t->R, (size_t)t->cout * t->N * Ho * Wo);
}

static void conv_case(int cin, int N, int H, int W, int cout, int k, int s)
{
    struct conv_ctx t = {.cin = cin, .N = N, .H = H, .W = W, .cout = cout, .k = k, .s = s};
    int Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    size_t nx = (size_t)cin * N * H * W, nw = (size_t)cout * cin * k * k,
           ny = (size_t)cout * N * Ho * Wo;
    t.x = randv(nx);
    t.w = randv(nw);
    t.y = zerov(ny);
    t.R = randv(ny);
    t.col = randv(nn_conv_col_floats(cin, N, H, W, k, s)); /* garbage in the workspace */
    float *dx = randv(nx), *dw = zerov(nw), *dw1 = zerov(nw);
    nn_conv_backward(t.x, cin, N, H, W, t.w, cout, k, s, t.R, dx, dw, t.col);
    char what[64];
    snprintf(what, sizeof what, "conv k=%d s=%d %dx%d dx", k, s, H, W);
    assert_below(grad_err(conv_loss, &t, t.x, nx, dx, 1e-2f), TOL_LINEAR, what);
    snprintf(what, sizeof what, "conv k=%d s=%d %dx%d dw", k, s, H, W);
    assert_below(grad_err(conv_loss, &t, t.w, nw, dw, 1e-2f), TOL_LINEAR, what);
    memcpy(dw1, dw, nw * sizeof *dw);
    nn_conv_backward(t.x, cin, N, H, W, t.w, cout, k, s, t.R, NULL, dw, t.col);
    for (size_t i = 0; i < nw; i++)
        assert_float_equal(dw[i], 2 * dw1[i], 1e-4);
    free(t.x), free(t.w), free(t.y), free(t.R), free(t.col), free(dx), free(dw), free(dw1);
}

static void conv_gradients(void **state)
{
    (void)state;
    seed(2);
    conv_case(2, 2, 5, 5, 3, 3, 1);
    conv_case(2, 2, 5, 5, 3, 3, 2);
    conv_case(1, 3, 6, 4, 2, 3, 2);
    conv_case(2, 1, 4, 5, 2, 5, 1);
}

/* The stem: ones and a single top-left tap on the 3x3 image 1..9. */
static void conv_known_kernel(void **state)
{
    (void)state;
    float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, ones[9], corner[9] = {1, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 9; i++)
        ones[i] = 1;
    float y[9], col[81];
    assert_int_equal(nn_conv_col_floats(1, 1, 3, 3, 3, 1), 81);
    nn_conv_forward(x, 1, 1, 3, 3, ones, 1, 3, 1, y, col);
    const float sums[9] = {12, 21, 16, 27, 45, 33, 24, 39, 28};
    assert_close(y, sums, 9, 0, "conv ones");
    /* Correlation, as torch: the top-left tap sees the pixel up and left. */
    nn_conv_forward(x, 1, 1, 3, 3, corner, 1, 3, 1, y, col);
    const float shifted[9] = {0, 0, 0, 0, 1, 2, 0, 4, 5};
    assert_close(y, shifted, 9, 0, "conv corner tap");
    assert_int_equal(nn_conv_out(3, 3, 2), 2);
    nn_conv_forward(x, 1, 1, 3, 3, ones, 1, 3, 2, y, col);
    const float strided[4] = {12, 16, 24, 28};
    assert_close(y, strided, 4, 0, "conv ones stride 2");
    assert_int_equal(nn_conv_out(28, 3, 2), 14);
    assert_int_equal(nn_conv_out(7, 7, 2), 4);
    assert_int_equal(nn_conv_out(4, 7, 1), 4);
}

/* ---- depthwise convolution ------------------------------------------------------- */

/* Direct definition in double, the reference for the blocked kernels. */
static void ref_dw(const float *x, int C, int N, int H, int W, const float *w, int wstride,
                   int wrow, int k, int s, const float *dy, double *y, double *dx, double *dw)
{
    int pad = k / 2, Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    for (int c = 0; c < C; c++)
        for (int n = 0; n < N; n++)
            for (int oy = 0; oy < Ho; oy++)
                for (int ox = 0; ox < Wo; ox++) {
                    size_t o = (((size_t)c * N + n) * Ho + oy) * Wo + ox;
                    double acc = 0;
                    for (int r = 0; r < k; r++)
                        for (int q = 0; q < k; q++) {
                            int iy = oy * s - pad + r, ix = ox * s - pad + q;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                                continue;
                            size_t i = (((size_t)c * N + n) * H + iy) * W + ix;
                            size_t j = (size_t)c * wstride + r * wrow + q;
                            acc += (double)w[j] * x[i];
                            if (dy) {
                                dx[i] += (double)w[j] * dy[o];
                                dw[j] += (double)x[i] * dy[o];
                            }
                        }
                    if (y)
                        y[o] = acc;
                }
}

struct dw_ctx {
    float *x, *w, *y, *R;
    const float *wc; /* the kernel's corner inside the 7x7 (or kxk) buffer */
    int C, N, H, W, wstride, wrow, k, s;
};

static double dw_loss(void *c)
{
    struct dw_ctx *t = c;
    nn_dw_forward(t->x, t->C, t->N, t->H, t->W, t->wc, t->wstride, t->wrow, t->k, t->s, t->y);
    int Ho = nn_conv_out(t->H, t->k, t->s), Wo = nn_conv_out(t->W, t->k, t->s);
    return dot(t->y, t->R, (size_t)t->C * t->N * Ho * Wo);
}

/* k x k taken from the centre of a kmax x kmax buffer, as elastic kernels do. */
static void dw_case(int C, int N, int H, int W, int k, int s, int kmax)
{
    struct dw_ctx t = {.C = C, .N = N, .H = H, .W = W, .k = k, .s = s,
                       .wstride = kmax * kmax, .wrow = kmax};
    int Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s), off = (kmax - k) / 2;
    size_t nx = (size_t)C * N * H * W, nw = (size_t)C * kmax * kmax,
           ny = (size_t)C * N * Ho * Wo;
    t.x = randv(nx);
    t.w = randv(nw);
    t.wc = t.w + off * kmax + off;
    t.y = zerov(ny);
    t.R = randv(ny);
    float *dx = randv(nx), *dw = zerov(nw), *dw1 = zerov(nw);
    nn_dw_backward(t.x, C, N, H, W, t.wc, t.wstride, t.wrow, k, s, t.R, dx, dw + off * kmax + off);
    char what[80];
    snprintf(what, sizeof what, "dw k=%d s=%d %dx%d in %dx%d: dx", k, s, H, W, kmax, kmax);
    assert_below(grad_err(dw_loss, &t, t.x, nx, dx, 1e-2f), TOL_LINEAR, what);
    /* Over the whole buffer, so taps outside the centre must stay at 0. */
    snprintf(what, sizeof what, "dw k=%d s=%d %dx%d in %dx%d: dw", k, s, H, W, kmax, kmax);
    assert_below(grad_err(dw_loss, &t, t.w, nw, dw, 1e-2f), TOL_LINEAR, what);
    memcpy(dw1, dw, nw * sizeof *dw);
    nn_dw_backward(t.x, C, N, H, W, t.wc, t.wstride, t.wrow, k, s, t.R, NULL,
                   dw + off * kmax + off);
    for (size_t i = 0; i < nw; i++)
        assert_float_equal(dw[i], 2 * dw1[i], 1e-4);
    free(t.x), free(t.w), free(t.y), free(t.R), free(dx), free(dw), free(dw1);
}

static void dw_gradients(void **state)
{
    (void)state;
    seed(3);
    static const int sizes[][2] = {{7, 7}, {4, 4}, {6, 5}};
    for (int k = 3; k <= 7; k += 2)
        for (int s = 1; s <= 2; s++)
            for (int i = 0; i < 3; i++)
                dw_case(2, 2, sizes[i][0], sizes[i][1], k, s, 7);
    /* Kernels the blocked path leaves to the general one: even, and 9x9. */
    dw_case(2, 2, 5, 6, 4, 1, 4);
    dw_case(1, 2, 5, 5, 2, 2, 2);
    dw_case(1, 1, 6, 6, 9, 1, 9);
}

/* Every combination against the direct definition in double: catches a
 * misplaced border or block edge far below what finite differences see.
 * The bound, 2e-5 absolute on y and dx and relative to 1 + |dw| on dw, is
 * float rounding of sums of up to 49 (y, dx) and 2352 (dw, 28x28 over 3
 * images) products of numbers in [-1, 1]: the worst seen is 6e-6, while a
 * missed or misplaced tap costs about 1e-1. */
static void dw_matches_definition(void **state)
{
    (void)state;
    seed(4);
    /* 2 x 1100 images overflow the stack buffer: the general path. */
    static const int shapes[][2] = {{1, 1}, {1, 9}, {2, 3}, {5, 5}, {7, 7}, {8, 8},
                                    {9, 4}, {12, 13}, {14, 14}, {28, 28}, {2, 1100}};
    static const int ks[] = {1, 3, 5, 7, 2};
    const int C = 2, N = 3;
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
        for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
            for (int s = 1; s <= 3; s++) {
                int H = shapes[si][0], W = shapes[si][1], k = ks[ki];
                int Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
                size_t nx = (size_t)C * N * H * W, ny = (size_t)C * N * Ho * Wo;
                float *x = randv(nx), *w = randv(C * 49), *dy = randv(ny);
                float *y = zerov(ny), *dx = randv(nx), *dw = zerov(C * 49);
                double *ry = calloc(ny, sizeof *ry), *rdx = calloc(nx, sizeof *rdx),
                       *rdw = calloc(C * 49, sizeof *rdw);
                const float *wc = w + (7 - k) / 2 * 8;
                nn_dw_forward(x, C, N, H, W, wc, 49, 7, k, s, y);
                nn_dw_backward(x, C, N, H, W, wc, 49, 7, k, s, dy, dx, dw + (7 - k) / 2 * 8);
                ref_dw(x, C, N, H, W, wc, 49, 7, k, s, dy, ry, rdx, rdw + (7 - k) / 2 * 8);
                double e = 0;
                for (size_t i = 0; i < ny; i++)
                    e = fmax(e, fabs(y[i] - ry[i]));
                for (size_t i = 0; i < nx; i++)
                    e = fmax(e, fabs(dx[i] - rdx[i]));
                for (int i = 0; i < C * 49; i++)
                    e = fmax(e, fabs(dw[i] - rdw[i]) / (1 + fabs(rdw[i])));
                if (!(e < 2e-5))
                    fail_msg("dw %dx%d k=%d s=%d: max error %.3g", H, W, k, s, e);
                free(x), free(w), free(dy), free(y), free(dx), free(dw);
                free(ry), free(rdx), free(rdw);
            }
}

/* A 3x3 kernel read from the centre of a 7x7 one is the dense 3x3 kernel,
 * and a depthwise layer is a per-channel dense convolution. */
static void dw_centre_crop(void **state)
{
    (void)state;
    seed(5);
    const int C = 3, N = 2, H = 6, W = 5;
    size_t nx = (size_t)C * N * H * W;
    float *x = randv(nx), *w7 = randv(C * 49), w3[3 * 9];
    for (int c = 0; c < C; c++)
        for (int r = 0; r < 3; r++)
            for (int q = 0; q < 3; q++)
                w3[c * 9 + r * 3 + q] = w7[c * 49 + (r + 2) * 7 + q + 2];
    float *ya = zerov(nx), *yb = zerov(nx), *yc = zerov(nx), col[9 * 2 * 30];
    nn_dw_forward(x, C, N, H, W, w7 + 2 * 7 + 2, 49, 7, 3, 1, ya);
    nn_dw_forward(x, C, N, H, W, w3, 9, 3, 3, 1, yb);
    for (int c = 0; c < C; c++)
        nn_conv_forward(x + (size_t)c * N * H * W, 1, N, H, W, w3 + c * 9, 1, 3, 1,
                        yc + (size_t)c * N * H * W, col);
    assert_close(ya, yb, nx, 0, "dw centre vs dense");
    assert_close(ya, yc, nx, 1e-6, "dw vs conv");
    /* The top-left tap only: the image moved down and right by one. */
    float img[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, k7[49] = {0}, y[9];
    k7[2 * 7 + 2] = 1;
    nn_dw_forward(img, 1, 1, 3, 3, k7 + 2 * 7 + 2, 49, 7, 3, 1, y);
    const float shifted[9] = {0, 0, 0, 0, 1, 2, 0, 4, 5};
    assert_close(y, shifted, 9, 0, "dw corner tap");
    free(x), free(w7), free(ya), free(yb), free(yc);
}

/* ---- batch norm ----------------------------------------------------------------------- */

struct bn_ctx {
    float *x, *g, *b, *y, *R, *mean, *var;
    int C, P;
    float eps;
};

static double bn_loss(void *c)
{
    struct bn_ctx *t = c;
    nn_bn_forward_train(t->x, t->C, t->P, t->g, t->b, t->eps, t->y, t->mean, t->var);
    return dot(t->y, t->R, (size_t)t->C * t->P);
}

static void bn_gradients(void **state)
{
    (void)state;
    seed(6);
    struct bn_ctx t = {.C = 3, .P = 12, .eps = 1e-5f};
    size_t n = (size_t)t.C * t.P;
    t.x = randv(n);
    for (size_t i = 0; i < n; i++)
        t.x[i] = 2 * t.x[i] + 0.5f; /* a mean and scale away from 0 and 1 */
    t.g = randv(t.C);
    t.b = randv(t.C);
    t.y = zerov(n);
    t.R = randv(n);
    t.mean = zerov(t.C);
    t.var = zerov(t.C);
    float *dx = randv(n), *dg = zerov(t.C), *db = zerov(t.C);
    bn_loss(&t);
    nn_bn_backward(t.x, t.C, t.P, t.g, t.mean, t.var, t.eps, t.R, dx, dg, db);
    float mean[3], var[3];
    memcpy(mean, t.mean, sizeof mean);
    memcpy(var, t.var, sizeof var);
    assert_below(grad_err(bn_loss, &t, t.x, n, dx, 1e-2f), TOL_CURVED, "bn dx");
    assert_below(grad_err(bn_loss, &t, t.g, t.C, dg, 1e-2f), TOL_LINEAR, "bn dgamma");
    assert_below(grad_err(bn_loss, &t, t.b, t.C, db, 1e-2f), TOL_LINEAR, "bn dbeta");
    float dg1[3], db1[3];
    memcpy(dg1, dg, sizeof dg1);
    memcpy(db1, db, sizeof db1);
    nn_bn_backward(t.x, t.C, t.P, t.g, mean, var, t.eps, t.R, NULL, dg, db);
    for (int c = 0; c < t.C; c++) {
        assert_float_equal(dg[c], 2 * dg1[c], 1e-5);
        assert_float_equal(db[c], 2 * db1[c], 1e-5);
    }
    free(t.x), free(t.g), free(t.b), free(t.y), free(t.R), free(t.mean), free(t.var);
    free(dx), free(dg), free(db);
}

static void bn_eval_matches_train(void **state)
{
    (void)state;
    /* Biased variance: 1,2,3,4 has mean 2.5 and variance 1.25. */
    float x[8] = {1, 2, 3, 4, -1, -1, -1, -1}, g[2] = {2, 1}, b[2] = {0.5f, 3};
    float y[8], ye[8], mean[2], var[2];
    nn_bn_forward_train(x, 2, 4, g, b, 1e-5f, y, mean, var);
    assert_float_equal(mean[0], 2.5, 1e-7);
    assert_float_equal(var[0], 1.25, 1e-7);
    assert_float_equal(mean[1], -1, 1e-7);
    assert_float_equal(var[1], 0, 1e-7);
    assert_float_equal(y[0], 2 * (1 - 2.5) / sqrt(1.25 + 1e-5) + 0.5, 1e-5);
    assert_float_equal(y[4], 3, 1e-6); /* a constant channel maps to beta */
    nn_bn_forward_eval(x, 2, 4, g, b, mean, var, 1e-5f, ye);
    assert_close(ye, y, 8, 1e-6, "bn eval vs train");
    /* Eval mode with other statistics: plain affine. */
    float m2[2] = {0, 1}, v2[2] = {4 - 1e-5f, 1 - 1e-5f};
    nn_bn_forward_eval(x, 2, 4, g, b, m2, v2, 1e-5f, ye);
    assert_float_equal(ye[1], 2 * 2 / 2.0 + 0.5, 1e-5);
    assert_float_equal(ye[5], -2 + 3, 1e-5);
}

/* ---- activations, pooling, linear -------------------------------------------------------- */

struct act_ctx {
    float *x, *y, *R;
    size_t n;
    void (*fwd)(const float *, size_t, float *);
};

static double act_loss(void *c)
{
    struct act_ctx *t = c;
    t->fwd(t->x, t->n, t->y);
    return dot(t->y, t->R, t->n);
}

/* Points at least 2e-2 from every kink, so a 1e-2 step never crosses one. */
static void act_case(void (*fwd)(const float *, size_t, float *),
                     void (*bwd)(const float *, const float *, size_t, float *),
                     const float *kinks, int nk, double tol, const char *what)
{
    struct act_ctx t = {.n = 64, .fwd = fwd};
    t.x = randv(t.n);
    for (size_t i = 0; i < t.n; i++) {
        t.x[i] *= 5;
        for (int j = 0; j < nk; j++)
            if (fabsf(t.x[i] - kinks[j]) < 2e-2f)
                t.x[i] = kinks[j] + 5e-2f;
    }
    t.y = zerov(t.n);
    t.R = randv(t.n);
    float *dx = zerov(t.n);
    bwd(t.x, t.R, t.n, dx);
    assert_below(grad_err(act_loss, &t, t.x, t.n, dx, 1e-2f), tol, what);
    free(t.x), free(t.y), free(t.R), free(dx);
}

static void activations(void **state)
{
    (void)state;
    seed(7);
    const float rk[1] = {0}, hk[2] = {-3, 3};
    act_case(nn_relu_forward, nn_relu_backward, rk, 1, TOL_LINEAR, "relu");
    act_case(nn_hswish_forward, nn_hswish_backward, hk, 2, TOL_CURVED, "hswish");
    /* Values and torch's choices at the kinks. */
    float x[7] = {-4, -3, -1, 0, 1.5f, 3, 4}, y[7], g[7], ones[7] = {1, 1, 1, 1, 1, 1, 1};
    nn_hswish_forward(x, 7, y);
    const float hy[7] = {0, 0, -1.0f / 3, 0, 1.5f * 4.5f / 6, 3, 4};
    assert_close(y, hy, 7, 1e-7, "hswish values");
    nn_hswish_backward(x, ones, 7, g);
    const float hg[7] = {0, -0.5f, 1.0f / 6, 0.5f, 1, 1.5f, 1};
    assert_close(g, hg, 7, 1e-7, "hswish grads");
    nn_relu_forward(x, 7, y);
    nn_relu_backward(x, ones, 7, g);
    const float ry[7] = {0, 0, 0, 0, 1.5f, 3, 4}, rg[7] = {0, 0, 0, 0, 1, 1, 1};
    assert_close(y, ry, 7, 0, "relu values");
    assert_close(g, rg, 7, 0, "relu grads");
}

struct gap_ctx {
    float *x, *y, *R;
    int C, N, HW;
};

static double gap_loss(void *c)
{
    struct gap_ctx *t = c;
    nn_gap_forward(t->x, t->C, t->N, t->HW, t->y);
    return dot(t->y, t->R, (size_t)t->C * t->N);
}

static void gap_gradients(void **state)
{
    (void)state;
    seed(8);
    struct gap_ctx t = {.C = 3, .N = 2, .HW = 5};
    size_t n = (size_t)t.C * t.N * t.HW;
    t.x = randv(n);
    t.y = zerov(6);
    t.R = randv(6);
    float *dx = zerov(n);
    nn_gap_backward(t.R, t.C, t.N, t.HW, dx);
    assert_below(grad_err(gap_loss, &t, t.x, n, dx, 1e-2f), TOL_LINEAR, "gap dx");
    float x[4] = {1, 2, 3, 6}, y[2];
    nn_gap_forward(x, 1, 2, 2, y);
    assert_float_equal(y[0], 1.5, 0);
    assert_float_equal(y[1], 4.5, 0);
    free(t.x), free(t.y), free(t.R), free(dx);
}

struct lin_ctx {
    float *x, *w, *b, *y, *R;
    int cin, N, ldw, cout;
};

static double lin_loss(void *c)
{
    struct lin_ctx *t = c;
    nn_linear_forward(t->x, t->cin, t->N, t->w, t->ldw, t->b, t->cout, t->y);
    return dot(t->y, t->R, (size_t)t->cout * t->N);
}

static void linear_gradients(void **state)
{
    (void)state;
    seed(9);
    struct lin_ctx t = {.cin = 5, .N = 4, .ldw = 7, .cout = 3};
    t.x = randv((size_t)t.cin * t.N);
    t.w = randv((size_t)t.cout * t.ldw);
    t.b = randv(t.cout);
    t.y = zerov((size_t)t.cout * t.N);
    t.R = randv((size_t)t.cout * t.N);
    float *dx = randv((size_t)t.cin * t.N), *dw = zerov((size_t)t.cout * t.ldw),
          *db = zerov(t.cout);
    nn_linear_backward(t.x, t.cin, t.N, t.w, t.ldw, t.cout, t.R, dx, dw, db);
    assert_below(grad_err(lin_loss, &t, t.x, (size_t)t.cin * t.N, dx, 1e-2f), TOL_LINEAR,
                 "linear dx");
    assert_below(grad_err(lin_loss, &t, t.w, (size_t)t.cout * t.ldw, dw, 1e-2f), TOL_LINEAR,
                 "linear dw");
    assert_below(grad_err(lin_loss, &t, t.b, t.cout, db, 1e-2f), TOL_LINEAR, "linear db");
    float db1[3];
    memcpy(db1, db, sizeof db1);
    nn_linear_backward(t.x, t.cin, t.N, t.w, t.ldw, t.cout, t.R, NULL, dw, db);
    for (int o = 0; o < t.cout; o++)
        assert_float_equal(db[o], 2 * db1[o], 1e-5);
    /* y = w x + b on a known case: w = [1 -1], b = 10. */
    float x2[4] = {1, 2, 5, 7}, w2[2] = {1, -1}, b2[1] = {10}, y2[2];
    nn_linear_forward(x2, 2, 2, w2, 2, b2, 1, y2);
    assert_float_equal(y2[0], 1 - 5 + 10, 0);
    assert_float_equal(y2[1], 2 - 7 + 10, 0);
    nn_linear_forward(x2, 2, 2, w2, 2, NULL, 1, y2);
    assert_float_equal(y2[0], -4, 0);
    free(t.x), free(t.w), free(t.b), free(t.y), free(t.R), free(dx), free(dw), free(db);
}

/* ---- losses -------------------------------------------------------------------------- */

struct xent_ctx {
    float *l, *t;
    const uint8_t *lab;
    int K, N;
};

static double xent_loss(void *c)
{
    struct xent_ctx *t = c;
    return nn_xent(t->l, t->K, t->N, t->lab, NULL, NULL);
}

static double kl_loss(void *c)
{
    struct xent_ctx *t = c;
    return nn_kl(t->l, t->t, t->K, t->N, NULL);
}

static void loss_gradients(void **state)
{
    (void)state;
    seed(10);
    const int K = 10, N = 6;
    uint8_t lab[6] = {0, 3, 9, 9, 5, 1};
    struct xent_ctx t = {.K = K, .N = N, .lab = lab};
    t.l = randv((size_t)K * N);
    for (int i = 0; i < K * N; i++)
        t.l[i] *= 3;
    float *tl = randv((size_t)K * N), *d = zerov((size_t)K * N);
    t.t = zerov((size_t)K * N);
    nn_softmax(tl, K, N, t.t);
    t.t[3 * N + 2] = 0; /* a zero teacher probability: t log t counts as 0 */
    nn_xent(t.l, K, N, lab, d, NULL);
    assert_below(grad_err(xent_loss, &t, t.l, (size_t)K * N, d, 1e-2f), TOL_CURVED, "xent");
    nn_kl(t.l, t.t, K, N, d);
    /* The header's gradient (softmax - t) / N is exact when t sums to 1;
     * renormalise the teacher after zeroing one entry. */
    for (int n = 0; n < N; n++) {
        double s = 0;
        for (int k = 0; k < K; k++)
            s += t.t[k * N + n];
        for (int k = 0; k < K; k++)
            t.t[k * N + n] = (float)(t.t[k * N + n] / s);
    }
    nn_kl(t.l, t.t, K, N, d);
    assert_below(grad_err(kl_loss, &t, t.l, (size_t)K * N, d, 1e-2f), TOL_CURVED, "kl");
    free(t.l), free(t.t), free(tl), free(d);
}

static void losses_known(void **state)
{
    (void)state;
    /* Uniform logits: log 10 whatever the label; huge ones must not overflow. */
    float l[10 * 2], d[10 * 2];
    for (int i = 0; i < 20; i++)
        l[i] = i % 2 ? 1000.0f : 0.0f;
    uint8_t lab[2] = {4, 7};
    int correct = -1;
    assert_float_equal(nn_xent(l, 10, 2, lab, d, &correct), log(10.0), 1e-6);
    for (int k = 0; k < 10; k++) {
        assert_float_equal(d[k * 2], (0.1 - (k == 4)) / 2, 1e-7);
        assert_float_equal(d[k * 2 + 1], (0.1 - (k == 7)) / 2, 1e-7);
    }
    /* Ties go to the first class: neither label 4 nor 7 is counted. */
    assert_int_equal(correct, 0);
    l[4 * 2] = 5;  /* image 0 now predicts its label 4 */
    l[2 * 2 + 1] = 2000; /* image 1 predicts class 2, not its 7 */
    nn_xent(l, 10, 2, lab, NULL, &correct);
    assert_int_equal(correct, 1);
    /* Two classes, logits (0, log 3): p = (1/4, 3/4); label 0 loses log 4. */
    float l2[2] = {0, (float)log(3.0)};
    uint8_t y0 = 0;
    assert_float_equal(nn_xent(l2, 2, 1, &y0, NULL, NULL), log(4.0), 1e-6);
    float p[2];
    nn_softmax(l2, 2, 1, p);
    assert_float_equal(p[0], 0.25, 1e-7);
    assert_float_equal(p[1], 0.75, 1e-7);
    /* KL of a distribution with itself is 0, with gradient 0. */
    assert_float_equal(nn_kl(l2, p, 2, 1, d), 0, 1e-7);
    assert_float_equal(d[0], 0, 1e-7);
    assert_float_equal(d[1], 0, 1e-7);
    /* Teacher (1, 0) against student (1/4, 3/4): KL = log 4. */
    float t1[2] = {1, 0};
    assert_float_equal(nn_kl(l2, t1, 2, 1, d), log(4.0), 1e-6);
    assert_float_equal(d[0], 0.25 - 1, 1e-7);
    assert_float_equal(d[1], 0.75, 1e-7);
}

/* ---- resize, optimiser --------------------------------------------------------------- */

static void resize_known(void **state)
{
    (void)state;
    /* 28 -> 14 with align_corners=False samples at 2d + 0.5: the 2x2 mean. */
    float *x = zerov(2 * 28 * 28), *y = zerov(28 * 28);
    for (int n = 0; n < 2; n++)
        for (int i = 0; i < 28 * 28; i++)
            x[n * 784 + i] = (float)(n ? -i : i);
    nn_resize_bilinear(x, 2, 28, 28, 14, 14, y);
    for (int a = 0; a < 14; a++)
        for (int b = 0; b < 14; b++) {
            double want = 56.0 * a + 14 + 2 * b + 0.5;
            assert_float_equal(y[a * 14 + b], want, 1e-4);
            assert_float_equal(y[196 + a * 14 + b], -want, 1e-4);
        }
    /* Upsampling 2 -> 4 (torch gives 0, 0.25, 0.75, 1: clamped at both ends). */
    float r[2] = {0, 1}, u[4];
    nn_resize_bilinear(r, 1, 1, 2, 1, 4, u);
    const float want[4] = {0, 0.25f, 0.75f, 1};
    assert_close(u, want, 4, 1e-7, "upsample");
    /* Same size is the identity. */
    nn_resize_bilinear(x, 1, 28, 28, 28, 28, y);
    assert_close(y, x, 784, 0, "identity resize");
    free(x), free(y);
}

static void sgd_known(void **state)
{
    (void)state;
    /* torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.1), g = 0.5 twice:
     * d = 0.5 + 0.1*1 = 0.6, v = 0.6, w = 0.94; then d = 0.594,
     * v = 0.9*0.6 + 0.594 = 1.134, w = 0.94 - 0.1134 = 0.8266. */
    float w = 1, g = 0.5f, v = 0;
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 0);
    assert_float_equal(w, 0.94, 1e-6);
    assert_float_equal(v, 0.6, 1e-6);
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 0);
    assert_float_equal(v, 1.134, 1e-6);
    assert_float_equal(w, 0.8266, 1e-6);
    /* Nesterov: step d + m v = 0.6 + 0.54 = 1.14, w = 0.886; then
     * d = 0.5 + 0.0886 = 0.5886, v = 0.54 + 0.5886 = 1.1286,
     * step = 0.5886 + 1.01574 = 1.60434, w = 0.886 - 0.160434 = 0.725566. */
    w = 1, v = 0;
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 1);
    assert_float_equal(w, 0.886, 1e-6);
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 1);
    assert_float_equal(v, 1.1286, 1e-6);
    assert_float_equal(w, 0.725566, 1e-6);
    /* No momentum, no decay: plain w -= lr g, on several floats. */
    float w3[3] = {1, 2, 3}, g3[3] = {1, -1, 0.5f}, v3[3] = {0};
    nn_sgd_step(w3, g3, v3, 3, 0.5f, 0, 0, 0);
    assert_float_equal(w3[0], 0.5, 0);
    assert_float_equal(w3[1], 2.5, 0);
    assert_float_equal(w3[2], 2.75, 0);
}

static void lr_schedule(void **state)
{
    (void)state;
    const float b = 0.1f;
    assert_float_equal(nn_lr_cosine(b, 0, 100, 10), 0.01, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 4, 100, 10), 0.05, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 9, 100, 10), 0.1, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 10, 100, 10), 0.1, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 55, 100, 10), 0.05, 1e-7);
    assert_true(nn_lr_cosine(b, 99, 100, 10) > 0);
    assert_true(nn_lr_cosine(b, 99, 100, 10) < 1e-4);
    assert_float_equal(nn_lr_cosine(b, 100, 100, 10), 0, 0);
    assert_float_equal(nn_lr_cosine(b, 150, 100, 10), 0, 0);
    assert_float_equal(nn_lr_cosine(b, 0, 100, 0), 0.1, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 50, 100, 0), 0.05, 1e-7);
    for (long s = 11; s < 100; s++) /* decays monotonically */
        assert_true(nn_lr_cosine(b, s, 100, 10) <= nn_lr_cosine(b, s - 1, 100, 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pw_gradients),
        cmocka_unit_test(conv_gradients),
        cmocka_unit_test(conv_known_kernel),
        cmocka_unit_test(dw_gradients),
        cmocka_unit_test(dw_matches_definition),
        cmocka_unit_test(dw_centre_crop),
        cmocka_unit_test(bn_gradients),
        cmocka_unit_test(bn_eval_matches_train),
        cmocka_unit_test(activations),
        cmocka_unit_test(gap_gradients),
        cmocka_unit_test(linear_gradients),
        cmocka_unit_test(loss_gradients),
        cmocka_unit_test(losses_known),
        cmocka_unit_test(resize_known),
        cmocka_unit_test(sgd_known),
        cmocka_unit_test(lr_schedule),
    };
    return cmocka_run_group_tests_name("nn", tests, NULL, NULL);
}
