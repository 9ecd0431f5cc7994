/* The layer kernels of nn.h against central differences and known
 * values: 1x1 and k x k convolution, batch norm, activations, pooling and
 * the linear layer. Depthwise: test_nn_dw.c; losses and the optimiser:
 * test_nn_loss.c. */
#include "nn_testutil.h"

#include "../../engine/nn/nn.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pw_gradients),
        cmocka_unit_test(conv_gradients),
        cmocka_unit_test(conv_known_kernel),
        cmocka_unit_test(bn_gradients),
        cmocka_unit_test(bn_eval_matches_train),
        cmocka_unit_test(activations),
        cmocka_unit_test(gap_gradients),
        cmocka_unit_test(linear_gradients),
    };
    return cmocka_run_group_tests_name("nn", tests, NULL, NULL);
}
