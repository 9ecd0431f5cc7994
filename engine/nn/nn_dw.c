/* Depthwise convolution: the kernels that dominate the supernet's forward
 * pass (every MBConv block has one), kept apart from nn.c because they are
 * hand-blocked for the small feature maps of this network. */
#include "nn_dw.h"

#include <string.h>

#include "nn.h"

/* ---- depthwise convolution -------------------------------------------
 *
 * The fast path copies each image into a zero-bordered stack buffer X, so
 * that every kernel tap then reads whole blocks of outputs with no bounds
 * test. With stride s the bordered columns are stored as s phases (column
 * c at phase c % s, index c / s), so a tap still reads contiguous floats.
 * Outputs are computed in register blocks of DW_BR rows by 4*nv columns, in
 * 4-float vectors: the block's independent sums hide the add latency across
 * the k*k taps, and the vectors are GNU C vector types because at -O2 the
 * compiler vectorises but spills a plain float block to memory on every
 * tap. Images too big for the buffer, k > DW_KMAX and even k (whose
 * transpose is not a plain correlation) take the range path further down. */

typedef float v4f __attribute__((vector_size(16)));

static inline v4f ld4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void st4(float *p, v4f v)
{
    memcpy(p, &v, sizeof v);
}

#define DW_BR 4
#define DW_KMAX 7
#define DW_BUF 3072 /* floats per buffer: up to 48x48 images with k=7 */

struct dwgeo {
    int H, W, k, s, pad, Ho, Wo;
    int nv;             /* 4-float vectors per block row: 1 or 2 */
    int Hb, Wb;         /* Ho, Wo rounded up to whole blocks; DY is Hb x Wb */
    int Xq, Xr;         /* pitch and rows of one column phase of X */
    size_t Xph;         /* floats per phase */
    size_t qoff[DW_KMAX]; /* where tap column q reads: its phase and shift */
};

static int round_up(int v, int m)
{
    return (v + m - 1) / m * m;
}

static int dw_geo(struct dwgeo *g, int H, int W, int k, int s)
{
    g->H = H;
    g->W = W;
    g->k = k;
    g->s = s;
    g->pad = k / 2;
    g->Ho = nn_conv_out(H, k, s);
    g->Wo = nn_conv_out(W, k, s);
    if (k % 2 == 0 || k > DW_KMAX || s < 1 || H > DW_BUF || W > DW_BUF || g->Ho < 1 ||
        g->Wo < 1)
        return 0;
    g->nv = g->Wo <= 4 ? 1 : 2;
    g->Hb = round_up(g->Ho, DW_BR);
    g->Wb = round_up(g->Wo, 4 * g->nv);
    /* Room for the taps of the last, rounded-up block and for the image
     * itself (k=1 with s=2 reads less of it than it holds). */
    g->Xq = g->Wb + (k - 1) / s;
    if (g->Xq < (g->pad + W - 1) / s + 1)
        g->Xq = (g->pad + W - 1) / s + 1;
    g->Xr = (g->Hb - 1) * s + k;
    if (g->Xr < g->pad + H)
        g->Xr = g->pad + H;
    g->Xph = (size_t)g->Xq * g->Xr;
    for (int q = 0; q < k; q++)
        g->qoff[q] = (size_t)(q % s) * g->Xph + (size_t)(q / s);
    return g->Xph * s <= DW_BUF && (size_t)g->Hb * g->Wb <= DW_BUF;
}

/* Only the image's own positions are written, so the border zeroed once per
 * call stays zero for every image. */
static void dw_border(const struct dwgeo *g, const float *img, float *X)
{
    const int s = g->s, W = g->W;
    for (int iy = 0; iy < g->H; iy++) {
        const float *sr = img + (size_t)iy * W;
        float *row = X + (size_t)(iy + g->pad) * g->Xq;
        for (int ph = 0; ph < s; ph++) {
            int ix = ((ph - g->pad) % s + s) % s;
            float *d = row + (size_t)ph * g->Xph + (ix + g->pad) / s;
            for (int m = 0; ix < W; ix += s, m++)
                d[m] = sr[ix];
        }
    }
}

/* The inverse of dw_border: the image's positions of a bordered buffer. */
static void dw_unborder(const struct dwgeo *g, const float *X, float *img)
{
    const int s = g->s, W = g->W;
    for (int iy = 0; iy < g->H; iy++) {
        float *dr = img + (size_t)iy * W;
        const float *row = X + (size_t)(iy + g->pad) * g->Xq;
        for (int ph = 0; ph < s; ph++) {
            int ix = ((ph - g->pad) % s + s) % s;
            const float *sr = row + (size_t)ph * g->Xph + (ix + g->pad) / s;
            for (int m = 0; ix < W; ix += s, m++)
                dr[ix] = sr[m];
        }
    }
}

/* y = the bordered image X correlated with the k x k kernel w (rows wrow
 * apart), stride s. Inlined with nv constant, so that the unused vectors
 * of a 4-column block vanish. */
static inline void dw_plane_fwd(const struct dwgeo *g, const float *X, const float *w, int wrow,
                                float *y, const int nv)
{
    const int k = g->k, Xq = g->Xq, Ho = g->Ho, Wo = g->Wo;
    const size_t rs = (size_t)g->s * Xq; /* X floats between output rows */
    for (int oy0 = 0; oy0 < Ho; oy0 += DW_BR)
        for (int ox0 = 0; ox0 < Wo; ox0 += 4 * nv) {
            v4f a00 = {0}, a10 = {0}, a20 = {0}, a30 = {0};
            v4f a01 = {0}, a11 = {0}, a21 = {0}, a31 = {0};
            const float *xb = X + (size_t)oy0 * rs + ox0;
            for (int r = 0; r < k; r++) {
                const float *xr = xb + (size_t)r * Xq;
                const float *wr = w + r * wrow;
                for (int q = 0; q < k; q++) {
                    const float *p = xr + g->qoff[q];
                    const v4f wv = {wr[q], wr[q], wr[q], wr[q]};
                    a00 += wv * ld4(p);
                    a10 += wv * ld4(p + rs);
                    a20 += wv * ld4(p + 2 * rs);
                    a30 += wv * ld4(p + 3 * rs);
                    if (nv == 2) {
                        a01 += wv * ld4(p + 4);
                        a11 += wv * ld4(p + rs + 4);
                        a21 += wv * ld4(p + 2 * rs + 4);
                        a31 += wv * ld4(p + 3 * rs + 4);
                    }
                }
            }
            float t[DW_BR][8];
            st4(t[0], a00);
            st4(t[1], a10);
            st4(t[2], a20);
            st4(t[3], a30);
            if (nv == 2) {
                st4(t[0] + 4, a01);
                st4(t[1] + 4, a11);
                st4(t[2] + 4, a21);
                st4(t[3] + 4, a31);
            }
            int nr = Ho - oy0 < DW_BR ? Ho - oy0 : DW_BR;
            int nc = Wo - ox0 < 4 * nv ? Wo - ox0 : 4 * nv;
            for (int i = 0; i < nr; i++) {
                float *yr = y + (size_t)(oy0 + i) * Wo + ox0;
                for (int j = 0; j < nc; j++)
                    yr[j] = t[i][j];
            }
        }
}

/* acc[r*k+q] gains, in 4 lanes, the sum over outputs of dy times what tap
 * (r, q) saw. DY is dy with zeros up to whole blocks, so the outputs that
 * blocks compute beyond the image add 0. The dy block stays in registers
 * across the taps. */
static inline void dw_plane_dw(const struct dwgeo *g, const float *X, const float *DY,
                               v4f *acc, const int nv)
{
    const int k = g->k, Xq = g->Xq, Ho = g->Ho, Wo = g->Wo, Wb = g->Wb;
    const size_t rs = (size_t)g->s * Xq;
    const v4f z = {0};
    for (int oy0 = 0; oy0 < Ho; oy0 += DW_BR)
        for (int ox0 = 0; ox0 < Wo; ox0 += 4 * nv) {
            const float *d = DY + (size_t)oy0 * Wb + ox0;
            const v4f d00 = ld4(d), d10 = ld4(d + Wb), d20 = ld4(d + 2 * Wb),
                      d30 = ld4(d + 3 * Wb);
            const v4f d01 = nv == 2 ? ld4(d + 4) : z, d11 = nv == 2 ? ld4(d + Wb + 4) : z,
                      d21 = nv == 2 ? ld4(d + 2 * Wb + 4) : z,
                      d31 = nv == 2 ? ld4(d + 3 * Wb + 4) : z;
            const float *xb = X + (size_t)oy0 * rs + ox0;
            for (int r = 0; r < k; r++) {
                const float *xr = xb + (size_t)r * Xq;
                v4f *ar = acc + r * k;
                for (int q = 0; q < k; q++) {
                    const float *p = xr + g->qoff[q];
                    v4f t0 = d00 * ld4(p) + d10 * ld4(p + rs);
                    v4f t1 = d20 * ld4(p + 2 * rs) + d30 * ld4(p + 3 * rs);
                    if (nv == 2) {
                        t0 += d01 * ld4(p + 4) + d11 * ld4(p + rs + 4);
                        t1 += d21 * ld4(p + 2 * rs + 4) + d31 * ld4(p + 3 * rs + 4);
                    }
                    ar[q] += t0 + t1;
                }
            }
        }
}

/* dx for stride > 1 as the scatter-add adjoint of the forward, into the
 * bordered buffer DX; one tap per pass, so no pass writes a float twice and
 * each row's update is whole vectors. */
static void dw_plane_dx_scatter(const struct dwgeo *g, const float *DY, const float *w,
                                int wrow, float *DX, float *dx)
{
    const int k = g->k, s = g->s, Xq = g->Xq, Ho = g->Ho, Wb = g->Wb;
    memset(DX, 0, g->Xph * s * sizeof *DX);
    for (int r = 0; r < k; r++)
        for (int q = 0; q < k; q++) {
            const v4f wv = {w[r * wrow + q], w[r * wrow + q], w[r * wrow + q], w[r * wrow + q]};
            for (int oy = 0; oy < Ho; oy++) {
                float *d = DX + g->qoff[q] + (size_t)(oy * s + r) * Xq;
                const float *dr = DY + (size_t)oy * Wb;
                for (int ox = 0; ox < Wb; ox += 4)
                    st4(d + ox, ld4(d + ox) + wv * ld4(dr + ox));
            }
        }
    dw_unborder(g, DX, dx);
}

static void dw_plane_fwd_any(const struct dwgeo *g, const float *X, const float *w, int wrow,
                             float *y)
{
    if (g->nv == 1)
        dw_plane_fwd(g, X, w, wrow, y, 1);
    else
        dw_plane_fwd(g, X, w, wrow, y, 2);
}

/* The general path: per kernel row and column, the range of outputs whose
 * input is inside the image, so the inner loops still carry no test. */
static void dw_forward_ranges(const float *x, int C, int N, int H, int W, const float *w,
                              int wstride, int wrow, int k, int s, float *y)
{
    int pad = k / 2, Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    for (int c = 0; c < C; c++) {
        const float *wc = w + (size_t)c * wstride;
        for (int n = 0; n < N; n++) {
            const float *xi = x + ((size_t)c * N + n) * H * W;
            float *yi = y + ((size_t)c * N + n) * Ho * Wo;
            memset(yi, 0, (size_t)Ho * Wo * sizeof *yi);
            for (int q = 0; q < k; q++) {
                int lo, hi;
                nn_conv_range(Wo, W, s, q - pad, &lo, &hi);
                for (int r = 0; r < k; r++) {
                    int ylo, yhi;
                    nn_conv_range(Ho, H, s, r - pad, &ylo, &yhi);
                    const float wv = wc[r * wrow + q];
                    for (int oy = ylo; oy < yhi; oy++) {
                        const float *xr = xi + (size_t)(oy * s - pad + r) * W;
                        float *yr = yi + (size_t)oy * Wo;
                        for (int ox = lo; ox < hi; ox++)
                            yr[ox] += wv * xr[ox * s + q - pad];
                    }
                }
            }
        }
    }
}

static void dw_backward_ranges(const float *x, int C, int N, int H, int W, const float *w,
                               int wstride, int wrow, int k, int s, const float *dy, float *dx,
                               float *dw)
{
    int pad = k / 2, Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    for (int c = 0; c < C; c++) {
        const float *wc = w + (size_t)c * wstride;
        for (int r = 0; r < k; r++) {
            int ylo, yhi;
            nn_conv_range(Ho, H, s, r - pad, &ylo, &yhi);
            for (int q = 0; q < k; q++) {
                int lo, hi;
                nn_conv_range(Wo, W, s, q - pad, &lo, &hi);
                double acc = 0;
                for (int n = 0; n < N; n++) {
                    const float *xi = x + ((size_t)c * N + n) * H * W;
                    const float *di = dy + ((size_t)c * N + n) * Ho * Wo;
                    double t = 0; /* the slow path anyway: rows may be long */
                    for (int oy = ylo; oy < yhi; oy++) {
                        const float *xr = xi + (size_t)(oy * s - pad + r) * W;
                        const float *dr = di + (size_t)oy * Wo;
                        for (int ox = lo; ox < hi; ox++)
                            t += (double)dr[ox] * xr[ox * s + q - pad];
                    }
                    acc += t;
                }
                if (dw)
                    dw[(size_t)c * wstride + r * wrow + q] += (float)acc;
            }
        }
        if (!dx)
            continue;
        for (int n = 0; n < N; n++) {
            float *xi = dx + ((size_t)c * N + n) * H * W;
            const float *di = dy + ((size_t)c * N + n) * Ho * Wo;
            memset(xi, 0, (size_t)H * W * sizeof *xi);
            for (int r = 0; r < k; r++) {
                int ylo, yhi;
                nn_conv_range(Ho, H, s, r - pad, &ylo, &yhi);
                for (int q = 0; q < k; q++) {
                    int lo, hi;
                    nn_conv_range(Wo, W, s, q - pad, &lo, &hi);
                    const float wv = wc[r * wrow + q];
                    for (int oy = ylo; oy < yhi; oy++) {
                        float *xr = xi + (size_t)(oy * s - pad + r) * W;
                        const float *dr = di + (size_t)oy * Wo;
                        for (int ox = lo; ox < hi; ox++)
                            xr[ox * s + q - pad] += wv * dr[ox];
                    }
                }
            }
        }
    }
}

/* ---- the forward across the batch ----------------------------------------
 *
 * The supernet's depthwise layers are small (4x4 to 28x28), so per image a
 * register block is mostly border and rounding: a 7x7 output fills 49 of
 * the 64 outputs of its blocks. In CNHW a channel's images lie one after
 * another, so the forward instead copies DW_NB of them at a time into a
 * zero-bordered buffer T laid out row, column, image: one tap of one
 * output is then DW_NB adjacent floats, a whole vector for every output of
 * every image, however small the map. Each output adds its taps in the
 * order of the per-image kernel above (rows, then columns, from 0, the
 * border taps adding 0), without fused multiply-adds, so the results are
 * the same bits. */

#define DW_NB 16 /* images per output: two 8-float vectors */
#define DW_TBUF 16384 /* floats of T: 28x28 at k=3 and 14x14 at k=7 fit */

#if defined(__x86_64__) && defined(__GNUC__) && !defined(NN_DW_NO_AVX) /* -D: without */
/* T's rows and columns: all that the taps of the outputs read, and the
 * image itself. */
static int dw_batch_dims(int H, int k, int s, int Ho)
{
    int n = (Ho - 1) * s + k;
    return n > H + k / 2 ? n : H + k / 2;
}

/* nb images of one channel, from x (each H x W), into the interior of T.
 * Lanes nb.. keep what they held: their outputs are never stored. */
static void dw_batch_in(const float *x, int nb, int H, int W, int pad, int Tw, float *T)
{
    for (int n = 0; n < nb; n++) {
        const float *xi = x + (size_t)n * H * W;
        for (int iy = 0; iy < H; iy++) {
            float *t = T + ((size_t)(iy + pad) * Tw + pad) * DW_NB + n;
            const float *xr = xi + (size_t)iy * W;
            for (int ix = 0; ix < W; ix++)
                t[(size_t)ix * DW_NB] = xr[ix];
        }
    }
}

/* y for nb images of one channel from T: per output, the sums of DW_NB
 * images at once, two outputs side by side for four independent chains,
 * in 8-float AVX vectors. Only where the processor has AVX, chosen at run
 * time since the build targets any x86-64: in 4-float SSE vectors this
 * layout measured slower than the per-image blocks. Never FMA, which would
 * round once where the per-image kernel rounds twice. */
typedef float v8f __attribute__((vector_size(32)));

__attribute__((target("avx"))) static void dw_batch_out_avx(const float *T, int nb, int Ho,
                                                            int Wo, const float *w, int wrow,
                                                            int k, int s, int Tw, float *y)
{
    const size_t ps = (size_t)Ho * Wo, step = (size_t)s * DW_NB;
    for (int oy = 0; oy < Ho; oy++)
        for (int ox = 0; ox < Wo; ox += 2) {
            const int two = ox + 1 < Wo;
            v8f a0 = {0}, a1 = {0}, b0 = {0}, b1 = {0};
            const float *tb = T + ((size_t)oy * s * Tw + (size_t)ox * s) * DW_NB;
            for (int r = 0; r < k; r++) {
                const float *tr = tb + (size_t)r * Tw * DW_NB;
                const float *wr = w + r * wrow;
                for (int q = 0; q < k; q++) {
                    const float *p = tr + (size_t)q * DW_NB;
                    const float f = wr[q];
                    const v8f wv = {f, f, f, f, f, f, f, f};
                    v8f t0, t1, u0, u1;
                    memcpy(&t0, p, sizeof t0);
                    memcpy(&t1, p + 8, sizeof t1);
                    /* past the last column this reads T's spare zero
                     * columns: computed, not kept */
                    memcpy(&u0, p + step, sizeof u0);
                    memcpy(&u1, p + step + 8, sizeof u1);
                    a0 += wv * t0;
                    a1 += wv * t1;
                    b0 += wv * u0;
                    b1 += wv * u1;
                }
            }
            float t[2][DW_NB];
            memcpy(t[0], &a0, sizeof a0);
            memcpy(t[0] + 8, &a1, sizeof a1);
            memcpy(t[1], &b0, sizeof b0);
            memcpy(t[1] + 8, &b1, sizeof b1);
            float *yo = y + (size_t)oy * Wo + ox;
            for (int n = 0; n < nb; n++) {
                yo[n * ps] = t[0][n];
                if (two)
                    yo[n * ps + 1] = t[1][n];
            }
        }
}

/* 0 without AVX or when T cannot hold the geometry: then the per-image
 * path runs. */
static int dw_forward_batch(const float *x, int C, int N, int H, int W, const float *w,
                            int wstride, int wrow, int k, int s, float *y)
{
    int Ho = nn_conv_out(H, k, s), Wo = nn_conv_out(W, k, s);
    /* s spare zero columns: the AVX path's second output of an odd row */
    int Th = dw_batch_dims(H, k, s, Ho), Tw = dw_batch_dims(W, k, s, Wo) + s;
    if (!__builtin_cpu_supports("avx") || (size_t)Th * Tw * DW_NB > DW_TBUF)
        return 0;
    float T[DW_TBUF];
    memset(T, 0, (size_t)Th * Tw * DW_NB * sizeof *T);
    const size_t in = (size_t)H * W, out = (size_t)Ho * Wo;
    for (int c = 0; c < C; c++)
        for (int n0 = 0; n0 < N; n0 += DW_NB) {
            int nb = N - n0 < DW_NB ? N - n0 : DW_NB;
            size_t i = (size_t)c * N + n0;
            dw_batch_in(x + i * in, nb, H, W, k / 2, Tw, T);
            dw_batch_out_avx(T, nb, Ho, Wo, w + (size_t)c * wstride, wrow, k, s, Tw,
                             y + i * out);
        }
    return 1;
}

#else
#define dw_forward_batch(...) 0
#endif

void nn_dw_forward(const float *x, int C, int N, int H, int W, const float *w, int wstride,
                   int wrow, int k, int s, float *y)
{
    struct dwgeo g;
    /* where the per-image kernel would run, so with its very sums */
    if (dw_geo(&g, H, W, k, s) && dw_forward_batch(x, C, N, H, W, w, wstride, wrow, k, s, y))
        return;
    if (!dw_geo(&g, H, W, k, s)) {
        dw_forward_ranges(x, C, N, H, W, w, wstride, wrow, k, s, y);
        return;
    }
    float X[DW_BUF];
    memset(X, 0, g.Xph * s * sizeof *X);
    size_t in = (size_t)H * W, out = (size_t)g.Ho * g.Wo;
    for (int c = 0; c < C; c++)
        for (int n = 0; n < N; n++) {
            size_t i = (size_t)c * N + n;
            dw_border(&g, x + i * in, X);
            dw_plane_fwd_any(&g, X, w + (size_t)c * wstride, wrow, y + i * out);
        }
}

/* Lane sums of the weight gradient move into double this often, so a float
 * lane never adds up more than a few dozen images' worth. */
#define DW_FLUSH 16

void nn_dw_backward(const float *x, int C, int N, int H, int W, const float *w, int wstride,
                    int wrow, int k, int s, const float *dy, float *dx, float *dw)
{
    struct dwgeo g;
    if (!dw_geo(&g, H, W, k, s)) {
        dw_backward_ranges(x, C, N, H, W, w, wstride, wrow, k, s, dy, dx, dw);
        return;
    }
    float X[DW_BUF], DY[DW_BUF], DX[DW_BUF];
    memset(X, 0, g.Xph * s * sizeof *X);
    memset(DY, 0, (size_t)g.Hb * g.Wb * sizeof *DY);
    size_t in = (size_t)H * W, out = (size_t)g.Ho * g.Wo;
    const int kk = k * k;
    for (int c = 0; c < C; c++) {
        const float *wc = w + (size_t)c * wstride;
        /* With stride 1 the input gradient is dy correlated with the kernel
         * turned by 180 degrees, on the same geometry: the forward's block
         * kernel on a dense copy of the turned kernel. */
        float wf[DW_KMAX * DW_KMAX];
        for (int r = 0; r < k; r++)
            for (int q = 0; q < k; q++)
                wf[r * k + q] = wc[(k - 1 - r) * wrow + (k - 1 - q)];
        v4f acc[DW_KMAX * DW_KMAX];
        double dacc[DW_KMAX * DW_KMAX] = {0};
        memset(acc, 0, sizeof acc);
        for (int n = 0; n < N; n++) {
            size_t i = (size_t)c * N + n;
            const float *di = dy + i * out;
            for (int oy = 0; oy < g.Ho; oy++)
                memcpy(DY + (size_t)oy * g.Wb, di + (size_t)oy * g.Wo,
                       (size_t)g.Wo * sizeof *DY);
            if (dw) {
                dw_border(&g, x + i * in, X);
                if (g.nv == 1)
                    dw_plane_dw(&g, X, DY, acc, 1);
                else
                    dw_plane_dw(&g, X, DY, acc, 2);
                if ((n + 1) % DW_FLUSH == 0 || n == N - 1)
                    for (int t = 0; t < kk; t++) {
                        dacc[t] += (double)acc[t][0] + acc[t][1] + acc[t][2] + acc[t][3];
                        acc[t] = (v4f){0};
                    }
            }
            if (!dx)
                continue;
            if (s == 1) {
                /* dy has the input's size here, so it borders into X at
                 * exactly the positions x did: the border stays zero. */
                dw_border(&g, di, X);
                dw_plane_fwd_any(&g, X, wf, k, dx + i * in);
            } else {
                dw_plane_dx_scatter(&g, DY, wc, wrow, DX, dx + i * in);
            }
        }
        if (dw)
            for (int r = 0; r < k; r++)
                for (int q = 0; q < k; q++)
                    dw[(size_t)c * wstride + r * wrow + q] += (float)dacc[r * k + q];
    }
}
