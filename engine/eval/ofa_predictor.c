#include "ofa_predictor.h"

#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/datadir.h"
#include "../core/sha256.h"
#include "../spaces/ofa.h"

#define NFLOATS 372801

int ofa_predictor_load(struct ofa_predictor *p, const char *datadir, struct err *e)
{
    char path[4200];
    datadir_path(datadir, "ofa/acc_predictor/weights_f32le.bin", path, sizeof path);
    memset(p, 0, sizeof *p);
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, path, "cannot open the OFA accuracy predictor: %s", strerror(errno));
    p->w = malloc(NFLOATS * sizeof *p->w);
    size_t got = p->w ? fread(p->w, sizeof *p->w, NFLOATS + 1, f) : 0;
    fclose(f);
    if (got != NFLOATS) {
        ofa_predictor_free(p);
        return err_set(e, path, "expected %d float32 values (%d bytes), found %zu: damaged or "
                       "truncated", NFLOATS, NFLOATS * 4, got);
    }
    struct sha256 h;
    char hex[65];
    sha256_init(&h);
    sha256_update(&h, p->w, NFLOATS * sizeof *p->w);
    sha256_hex(&h, hex);
    if (strcmp(hex, OFA_WEIGHTS_SHA256) != 0) {
        ofa_predictor_free(p);
        return err_set(e, path, "sha256 %s is not the released predictor's %s: damaged", hex,
                       OFA_WEIGHTS_SHA256);
    }
    /* the file is little-endian float32; so is every machine we build for */
    p->W0 = p->w;
    p->b0 = p->w + 51200;
    p->W2 = p->w + 51600;
    p->b2 = p->w + 211600;
    p->W4 = p->w + 212000;
    p->b4 = p->w + 372000;
    p->W6 = p->w + 372400;
    p->b6 = p->w + 372800;
    return 0;
}

void ofa_predictor_free(struct ofa_predictor *p)
{
    free(p->w);
    memset(p, 0, sizeof *p);
}

void ofa_features(const struct arch *a, float *x)
{
    memset(x, 0, OFA_FEATURES * sizeof *x);
    for (int i = 0; i < OFA_SLOTS; i++) {
        if (!ofa_active(a, i))
            continue;
        x[3 * i + a->v[i]] = 1;
        x[60 + 3 * i + a->v[OFA_SLOTS + i]] = 1;
    }
    x[120 + (ofa_r[a->v[OFA_DIM_R]] - 112) / 16] = 1;
}

/* out = relu(in . W^T + b): in n x k, W m x k, out n x m. The bias and the
 * ReLU go in one pass after the product, while the rows are still in cache. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx2", "default")))
#endif
static void layer(const float *in, int n, int k, const float *W, const float *b, int m,
                  float *out, int relu)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, k, 1.0f, in, k, W, k, 0.0f, out,
                m);
    for (int i = 0; i < n; i++) {
        float *row = out + (size_t)i * (size_t)m;
        if (relu)
            for (int j = 0; j < m; j++) {
                float v = row[j] + b[j];
                row[j] = v > 0 ? v : 0;
            }
        else
            for (int j = 0; j < m; j++)
                row[j] += b[j];
    }
}

void ofa_predict(const struct ofa_predictor *p, const float *x, int n, float *out,
                 float *scratch)
{
    /* Large batches go through in chunks whose activations stay in cache:
     * the bias and ReLU passes over a 10,000 x 400 matrix otherwise cost
     * more than half again the products themselves (make bench). */
    for (int i = 0; i < n; i += OFA_CHUNK) {
        int m = n - i < OFA_CHUNK ? n - i : OFA_CHUNK;
        float *h1 = scratch, *h2 = scratch + (size_t)m * OFA_HIDDEN;
        layer(x + (size_t)i * OFA_FEATURES, m, OFA_FEATURES, p->W0, p->b0, OFA_HIDDEN, h1, 1);
        layer(h1, m, OFA_HIDDEN, p->W2, p->b2, OFA_HIDDEN, h2, 1);
        layer(h2, m, OFA_HIDDEN, p->W4, p->b4, OFA_HIDDEN, h1, 1);
        layer(h1, m, OFA_HIDDEN, p->W6, p->b6, 1, out + i, 0);
    }
}
