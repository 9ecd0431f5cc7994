/* The depthwise kernels of nn_dw.h against a direct definition in double
 * and against central differences, on the geometries of the supernet. */
#include "nn_testutil.h"

#include "../../engine/nn/nn.h"
#include "../../engine/nn/nn_dw.h"

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

/* The forward takes the batch 16 images at a time: 37 images (two whole
 * groups and 5 left) on the supernet's geometries give, image by image,
 * the same bits as each image alone, and the definition's values. */
static void dw_batch_groups(void **state)
{
    (void)state;
    seed(9);
    static const int g[][3] = {{28, 3, 2}, {14, 7, 2}, {7, 7, 1}, {7, 5, 1}, {4, 7, 1}, {7, 3, 2}};
    const int C = 3, N = 37;
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        int H = g[i][0], k = g[i][1], s = g[i][2], Ho = nn_conv_out(H, k, s);
        size_t in = (size_t)H * H, out = (size_t)Ho * Ho;
        float *x = randv(C * N * in), *w = randv(C * 49), *y = zerov(C * N * out);
        float *x1 = zerov(C * in), *y1 = zerov(C * out);
        double *ry = calloc(C * N * out, sizeof *ry);
        const float *wc = w + (7 - k) / 2 * 8;
        nn_dw_forward(x, C, N, H, H, wc, 49, 7, k, s, y);
        ref_dw(x, C, N, H, H, wc, 49, 7, k, s, NULL, ry, NULL, NULL);
        for (size_t j = 0; j < C * N * out; j++)
            if (!(fabs(y[j] - ry[j]) < 2e-5))
                fail_msg("dw %dx%d k=%d s=%d: output %zu is %.8g, expected %.8g", H, H, k, s, j,
                         y[j], ry[j]);
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++)
                memcpy(x1 + c * in, x + ((size_t)c * N + n) * in, in * sizeof *x1);
            nn_dw_forward(x1, C, 1, H, H, wc, 49, 7, k, s, y1);
            for (int c = 0; c < C; c++)
                if (memcmp(y1 + c * out, y + ((size_t)c * N + n) * out, out * sizeof *y1))
                    fail_msg("dw %dx%d k=%d s=%d: image %d of the batch differs from it alone",
                             H, H, k, s, n);
        }
        free(x), free(w), free(y), free(x1), free(y1), free(ry);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dw_gradients),
        cmocka_unit_test(dw_matches_definition),
        cmocka_unit_test(dw_centre_crop),
        cmocka_unit_test(dw_batch_groups),
    };
    return cmocka_run_group_tests_name("nn_dw", tests, NULL, NULL);
}
