#include "nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* ---- 1x1 convolution and fully connected: one sgemm each way ---------- */

void nn_pw_forward(const float *x, int cin, int P, const float *w, int ldw, int cout,
                   float *y)
{
    if (cout <= 0 || P <= 0)
        return;
    if (cin <= 0) { /* sgemm may reject K = 0; the sum over nothing is 0 */
        memset(y, 0, (size_t)cout * (size_t)P * sizeof *y);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, P, cin, 1.0f, w, ldw, x, P,
                0.0f, y, P);
}

void nn_pw_backward(const float *x, int cin, int P, const float *w, int ldw, int cout,
                    const float *dy, float *dx, float *dw)
{
    if (cin <= 0 || P <= 0)
        return;
    if (cout <= 0) {
        if (dx)
            memset(dx, 0, (size_t)cin * (size_t)P * sizeof *dx);
        return;
    }
    if (dw)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cout, cin, P, 1.0f, dy, P, x, P,
                    1.0f, dw, ldw);
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, cin, P, cout, 1.0f, w, ldw, dy, P,
                    0.0f, dx, P);
}

void nn_linear_forward(const float *x, int cin, int N, const float *w, int ldw, const float *b,
                       int cout, float *y)
{
    if (cout <= 0 || N <= 0)
        return;
    if (!b || cin <= 0) {
        nn_pw_forward(x, cin, N, w, ldw, cout, y);
        if (b)
            for (int o = 0; o < cout; o++)
                for (int n = 0; n < N; n++)
                    y[(size_t)o * N + n] = b[o];
        return;
    }
    /* Seeding y with the bias lets sgemm add it for free (beta = 1). */
    for (int o = 0; o < cout; o++)
        for (int n = 0; n < N; n++)
            y[(size_t)o * N + n] = b[o];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, N, cin, 1.0f, w, ldw, x, N,
                1.0f, y, N);
}

void nn_linear_backward(const float *x, int cin, int N, const float *w, int ldw, int cout,
                        const float *dy, float *dx, float *dw, float *db)
{
    if (db)
        for (int o = 0; o < cout; o++) {
            double s = 0;
            for (int n = 0; n < N; n++)
                s += dy[(size_t)o * N + n];
            db[o] += (float)s;
        }
    nn_pw_backward(x, cin, N, w, ldw, cout, dy, dx, dw);
}

/* ---- shared geometry ------------------------------------------------- */

int nn_conv_out(int H, int k, int s)
{
    return (H + 2 * (k / 2) - k) / s + 1;
}

/* Written without C's truncating division of negatives. */
void nn_conv_range(int n_out, int n_in, int s, int off, int *lo, int *hi)
{
    int l = off >= 0 ? 0 : (-off + s - 1) / s;
    int h = n_in - off <= 0 ? 0 : (n_in - off - 1) / s + 1;
    if (h > n_out)
        h = n_out;
    if (l > h)
        l = h;
    *lo = l;
    *hi = h;
}

/* ---- k x k convolution through im2col -------------------------------- */

size_t nn_conv_col_floats(int cin, int N, int H, int W, int k, int s)
{
    int Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    return (size_t)cin * k * k * (size_t)N * Ho * Wo;
}

/* col row (ci, r, q) holds, for every output position, the input pixel that
 * kernel tap (r, q) sees there, or 0 in the padding. */
static void im2col(const float *x, int cin, int N, int H, int W, int k, int s, float *col)
{
    int pad = k / 2, Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    size_t Q = (size_t)N * Ho * Wo;
    for (int ci = 0; ci < cin; ci++)
        for (int r = 0; r < k; r++)
            for (int q = 0; q < k; q++) {
                float *row = col + ((size_t)(ci * k + r) * k + q) * Q;
                int lo, hi, ylo, yhi;
                nn_conv_range(Wo, W, s, q - pad, &lo, &hi);
                nn_conv_range(Ho, H, s, r - pad, &ylo, &yhi);
                for (int n = 0; n < N; n++) {
                    float *d = row + (size_t)n * Ho * Wo;
                    const float *xi = x + ((size_t)ci * N + n) * H * W;
                    memset(d, 0, (size_t)ylo * Wo * sizeof *d);
                    for (int oy = ylo; oy < yhi; oy++) {
                        float *dr = d + (size_t)oy * Wo;
                        const float *xr = xi + (size_t)(oy * s - pad + r) * W;
                        for (int ox = 0; ox < lo; ox++)
                            dr[ox] = 0;
                        for (int ox = lo; ox < hi; ox++)
                            dr[ox] = xr[ox * s + q - pad];
                        for (int ox = hi; ox < Wo; ox++)
                            dr[ox] = 0;
                    }
                    memset(d + (size_t)yhi * Wo, 0, (size_t)(Ho - yhi) * Wo * sizeof *d);
                }
            }
}

/* The adjoint of im2col (scatter-add into a zeroed dx), so the input
 * gradient is the exact transpose of the forward. */
static void col2im(const float *col, int cin, int N, int H, int W, int k, int s, float *dx)
{
    int pad = k / 2, Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    size_t Q = (size_t)N * Ho * Wo;
    for (int ci = 0; ci < cin; ci++)
        for (int r = 0; r < k; r++)
            for (int q = 0; q < k; q++) {
                const float *row = col + ((size_t)(ci * k + r) * k + q) * Q;
                int lo, hi, ylo, yhi;
                nn_conv_range(Wo, W, s, q - pad, &lo, &hi);
                nn_conv_range(Ho, H, s, r - pad, &ylo, &yhi);
                for (int n = 0; n < N; n++) {
                    const float *d = row + (size_t)n * Ho * Wo;
                    float *xi = dx + ((size_t)ci * N + n) * H * W;
                    for (int oy = ylo; oy < yhi; oy++) {
                        const float *dr = d + (size_t)oy * Wo;
                        float *xr = xi + (size_t)(oy * s - pad + r) * W;
                        for (int ox = lo; ox < hi; ox++)
                            xr[ox * s + q - pad] += dr[ox];
                    }
                }
            }
}

void nn_conv_forward(const float *x, int cin, int N, int H, int W, const float *w, int cout,
                     int k, int s, float *y, float *col)
{
    int Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s), Kc = cin * k * k;
    int Q = N * Ho * Wo;
    if (cout <= 0 || Q <= 0 || Kc <= 0)
        return;
    im2col(x, cin, N, H, W, k, s, col);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cout, Q, Kc, 1.0f, w, Kc, col, Q,
                0.0f, y, Q);
}

void nn_conv_backward(const float *x, int cin, int N, int H, int W, const float *w, int cout,
                      int k, int s, const float *dy, float *dx, float *dw, float *col)
{
    int Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s), Kc = cin * k * k;
    int Q = N * Ho * Wo;
    if (dx)
        memset(dx, 0, (size_t)cin * N * H * W * sizeof *dx);
    if (cout <= 0 || Q <= 0 || Kc <= 0)
        return;
    if (dw) {
        /* col is the caller's scratch, so it is rebuilt rather than trusted
         * to still hold the forward's columns. */
        im2col(x, cin, N, H, W, k, s, col);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cout, Kc, Q, 1.0f, dy, Q, col, Q,
                    1.0f, dw, Kc);
    }
    if (dx) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Kc, Q, cout, 1.0f, w, Kc, dy, Q,
                    0.0f, col, Q);
        col2im(col, cin, N, H, W, k, s, dx);
    }
}

/* ---- batch norm -------------------------------------------------------- */

/* Sum and sum of squares in double: float squares are exact in double, so
 * E[x^2] - E[x]^2 loses nothing that matters for a float variance, and the
 * statistics need one pass instead of two. */
static void sums2(const float *a, const float *b, int P, double *sa, double *sab)
{
    double s0 = 0, s1 = 0, t0 = 0, t1 = 0;
    int p = 0;
    for (; p + 1 < P; p += 2) {
        s0 += a[p];
        s1 += a[p + 1];
        t0 += (double)a[p] * b[p];
        t1 += (double)a[p + 1] * b[p + 1];
    }
    for (; p < P; p++) {
        s0 += a[p];
        t0 += (double)a[p] * b[p];
    }
    *sa = s0 + s1;
    *sab = t0 + t1;
}

void nn_bn_forward_train(const float *x, int C, int P, const float *gamma, const float *beta,
                         float eps, float *y, float *mean, float *var)
{
    for (int c = 0; c < C; c++) {
        const float *xc = x + (size_t)c * P;
        float *yc = y + (size_t)c * P;
        double s, ss;
        sums2(xc, xc, P, &s, &ss);
        double m = P > 0 ? s / P : 0, v = P > 0 ? ss / P - m * m : 0;
        if (v < 0)
            v = 0;
        mean[c] = (float)m;
        var[c] = (float)v;
        /* y = a x + b, the form ATen uses, from the float statistics that the
         * eval path would get, so train and eval agree bit for bit. */
        float a = gamma[c] / sqrtf(var[c] + eps), b = beta[c] - mean[c] * a;
        for (int p = 0; p < P; p++)
            yc[p] = xc[p] * a + b;
    }
}

void nn_bn_forward_eval(const float *x, int C, int P, const float *gamma, const float *beta,
                        const float *mean, const float *var, float eps, float *y)
{
    for (int c = 0; c < C; c++) {
        const float *xc = x + (size_t)c * P;
        float *yc = y + (size_t)c * P;
        float a = gamma[c] / sqrtf(var[c] + eps), b = beta[c] - mean[c] * a;
        for (int p = 0; p < P; p++)
            yc[p] = xc[p] * a + b;
    }
}

/* With xh = (x - mean) * inv, the full training-mode gradient
 *   dx = gamma * inv * (dy - mean(dy) - xh * mean(dy * xh))
 * is affine in dy and x per channel, so after one pass for the two sums the
 * second pass is one multiply-add pair per element. */
void nn_bn_backward(const float *x, int C, int P, const float *gamma, const float *mean,
                    const float *var, float eps, const float *dy, float *dx, float *dgamma,
                    float *dbeta)
{
    if (P <= 0)
        return;
    for (int c = 0; c < C; c++) {
        const float *xc = x + (size_t)c * P, *dc = dy + (size_t)c * P;
        double sdy, sdyx;
        sums2(dc, xc, P, &sdy, &sdyx);
        double m = mean[c], inv = 1.0 / sqrt((double)var[c] + eps);
        double sdyxm = sdyx - m * sdy; /* sum dy * (x - mean) */
        if (dbeta)
            dbeta[c] += (float)sdy;
        if (dgamma)
            dgamma[c] += (float)(sdyxm * inv);
        if (!dx)
            continue;
        double k1 = gamma[c] * inv;
        double k2 = -k1 * inv * inv * (sdyxm / P);
        double k3 = -k1 * (sdy / P) - k2 * m;
        float a = (float)k1, b = (float)k2, cc = (float)k3;
        float *xo = dx + (size_t)c * P;
        for (int p = 0; p < P; p++)
            xo[p] = a * dc[p] + b * xc[p] + cc;
    }
}

/* ---- activations, pooling ------------------------------------------------ */

/* Written without branches so that the compiler makes them vector code: a
 * branch per element mispredicts on activations that are half negative. */
void nn_relu_forward(const float *restrict x, size_t n, float *restrict y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void nn_relu_backward(const float *restrict x, const float *restrict dy, size_t n,
                      float *restrict dx)
{
    for (size_t i = 0; i < n; i++)
        dx[i] = x[i] > 0 ? dy[i] : 0.0f;
}

void nn_hswish_forward(const float *restrict x, size_t n, float *restrict y)
{
    for (size_t i = 0; i < n; i++) {
        float t = x[i] + 3.0f;
        t = t > 0.0f ? t : 0.0f;
        t = t < 6.0f ? t : 6.0f;
        y[i] = x[i] * t / 6.0f;
    }
}

/* torch's choice at the kinks: x = -3 takes the middle piece, x = 3 too. */
void nn_hswish_backward(const float *restrict x, const float *restrict dy, size_t n,
                        float *restrict dx)
{
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        float mid = v / 3.0f + 0.5f;
        float g = v < -3.0f ? 0.0f : v <= 3.0f ? mid : 1.0f;
        dx[i] = dy[i] * g;
    }
}

void nn_gap_forward(const float *x, int C, int N, int HW, float *y)
{
    size_t rows = (size_t)C * N;
    for (size_t i = 0; i < rows; i++) {
        const float *r = x + i * HW;
        float s = 0;
        for (int p = 0; p < HW; p++)
            s += r[p];
        y[i] = HW > 0 ? s / HW : 0;
    }
}

void nn_gap_backward(const float *dy, int C, int N, int HW, float *dx)
{
    size_t rows = (size_t)C * N;
    for (size_t i = 0; i < rows; i++) {
        float g = dy[i] / HW;
        float *r = dx + i * HW;
        for (int p = 0; p < HW; p++)
            r[p] = g;
    }
}

/* ---- losses ------------------------------------------------------------------ */

/* log sum_k exp(l[k*N]) with the maximum taken out first, so no exp
 * overflows; *amax gets the first arg-max. */
static double logsumexp(const float *l, int K, int N, int *amax)
{
    float m = l[0];
    int a = 0;
    for (int k = 1; k < K; k++)
        if (l[(size_t)k * N] > m) {
            m = l[(size_t)k * N];
            a = k;
        }
    double s = 0;
    for (int k = 0; k < K; k++)
        s += exp((double)l[(size_t)k * N] - m);
    if (amax)
        *amax = a;
    return m + log(s);
}

float nn_xent(const float *logits, int K, int N, const uint8_t *labels, float *dlogits,
              int *correct)
{
    double total = 0;
    int ok = 0;
    for (int n = 0; n < N; n++) {
        const float *l = logits + n;
        int am, y = labels[n];
        double lse = logsumexp(l, K, N, &am);
        total += lse - l[(size_t)y * N];
        ok += am == y;
        if (dlogits)
            for (int k = 0; k < K; k++)
                dlogits[(size_t)k * N + n] =
                    (float)((exp(l[(size_t)k * N] - lse) - (k == y)) / N);
    }
    if (correct)
        *correct = ok;
    return N > 0 ? (float)(total / N) : 0;
}

float nn_kl(const float *logits, const float *tprob, int K, int N, float *dlogits)
{
    double total = 0;
    for (int n = 0; n < N; n++) {
        const float *l = logits + n, *t = tprob + n;
        double lse = logsumexp(l, K, N, NULL);
        for (int k = 0; k < K; k++) {
            size_t i = (size_t)k * N;
            double ls = l[i] - lse;
            if (t[i] > 0) /* t log t -> 0 as t -> 0 */
                total += t[i] * (log((double)t[i]) - ls);
            if (dlogits)
                dlogits[i + n] = (float)((exp(ls) - t[i]) / N);
        }
    }
    return N > 0 ? (float)(total / N) : 0;
}

void nn_softmax(const float *logits, int K, int N, float *prob)
{
    for (int n = 0; n < N; n++) {
        const float *l = logits + n;
        double lse = logsumexp(l, K, N, NULL);
        for (int k = 0; k < K; k++)
            prob[(size_t)k * N + n] = (float)exp(l[(size_t)k * N] - lse);
    }
}

/* ---- resize ---------------------------------------------------------------------- */

/* PyTorch's source index and weights for one output coordinate, in float as
 * its CPU kernel computes them. */
static void bilinear_src(int d, float scale, int in, int *i0, int *i1, float *l1)
{
    float src = scale * ((float)d + 0.5f) - 0.5f;
    if (src < 0)
        src = 0;
    int i = (int)src;
    if (i > in - 1)
        i = in - 1;
    float l = src - (float)i;
    *i0 = i;
    *i1 = i + (i < in - 1);
    *l1 = l < 0 ? 0 : l > 1 ? 1 : l;
}

void nn_resize_bilinear(const float *x, int N, int H, int W, int Ho, int Wo, float *y)
{
    float sh = (float)H / Ho, sw = (float)W / Wo;
    for (int n = 0; n < N; n++) {
        const float *xi = x + (size_t)n * H * W;
        float *yi = y + (size_t)n * Ho * Wo;
        for (int oy = 0; oy < Ho; oy++) {
            int y0, y1;
            float ly1;
            bilinear_src(oy, sh, H, &y0, &y1, &ly1);
            float ly0 = 1.0f - ly1;
            const float *r0 = xi + (size_t)y0 * W, *r1 = xi + (size_t)y1 * W;
            for (int ox = 0; ox < Wo; ox++) {
                int x0, x1;
                float lx1;
                bilinear_src(ox, sw, W, &x0, &x1, &lx1);
                float lx0 = 1.0f - lx1;
                yi[(size_t)oy * Wo + ox] =
                    ly0 * (lx0 * r0[x0] + lx1 * r0[x1]) + ly1 * (lx0 * r1[x0] + lx1 * r1[x1]);
            }
        }
    }
}

/* ---- optimiser -------------------------------------------------------------------- */

void nn_sgd_step(float *w, const float *g, float *v, size_t n, float lr, float momentum,
                 float wd, int nesterov)
{
    for (size_t i = 0; i < n; i++) {
        float d = g[i] + wd * w[i];
        if (v) {
            v[i] = momentum * v[i] + d;
            d = nesterov ? d + momentum * v[i] : v[i];
        }
        w[i] -= lr * d;
    }
}

/* lr = base * (step + 1) / warmup for step < warmup, so the first step is
 * already non-zero and step warmup-1 reaches base; then
 * lr = base * (1 + cos(pi * (step - warmup) / (total - warmup))) / 2,
 * which is base at step == warmup and 0 from step == total on. */
float nn_lr_cosine(float base, long step, long total, long warmup)
{
    if (step < 0)
        step = 0;
    if (step < warmup)
        return (float)((double)base * (double)(step + 1) / (double)warmup);
    if (step >= total)
        return 0.0f;
    double t = (double)(step - warmup) / (double)(total - warmup);
    return (float)(base * 0.5 * (1.0 + cos(3.14159265358979323846 * t)));
}
