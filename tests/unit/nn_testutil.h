/* What the kernel tests share: their own data generator, and gradients
 * checked against central differences with bounds that say why. */
#ifndef COLLM_NN_TESTUTIL_H
#define COLLM_NN_TESTUTIL_H

#include <math.h>

#include "testutil.h"

/* A private generator, so the tests pin their own data whatever rng.c does. */
static uint64_t lcg_state;

static inline void seed(uint64_t s)
{
    lcg_state = s * 6364136223846793005ULL + 1442695040888963407ULL;
}

static inline float uni(void) /* uniform in [-1, 1) */
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((lcg_state >> 40) / (double)(1ULL << 24)) * 2.0f - 1.0f;
}

static inline float *randv(size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = uni();
    return v;
}

static inline float *zerov(size_t n)
{
    float *v = calloc(n ? n : 1, sizeof *v);
    assert_non_null(v);
    return v;
}

static inline double dot(const float *a, const float *b, size_t n)
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
static inline double grad_err(loss_fn f, void *ctx, float *p, size_t n, const float *g, float h)
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

static inline void assert_below(double err, double tol, const char *what)
{
    if (!(err < tol))
        fail_msg("%s: relative gradient error %.3g, bound %.3g", what, err, tol);
}

static inline void assert_close(const float *a, const float *b, size_t n, double tol, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs((double)a[i] - b[i]) <= tol * (1 + fabs((double)b[i]))))
            fail_msg("%s: element %zu is %.8g, expected %.8g", what, i, a[i], b[i]);
}

#endif
