/* make bench: the OFA accuracy predictor's throughput on OpenBLAS. For batch
 * sizes 1, 100 and 10,000 it predicts the same 10,000 random ofa-mbv3
 * architectures and reports predictions/s and GFLOP/s against a baseline
 * measured in the same run: the bare sgemm calls of the same shapes, with no
 * bias, ReLU or feature encoding around them. The ratio says what our
 * wrapping costs; the GFLOP/s says what the OpenBLAS kernel gives (see
 * `collm doctor` for which kernel that is).
 *
 * With an argument, it also writes the inputs and its outputs there
 * (x.f32: 10000 x 128, y.f32: 10000) and its predictions/s per batch size
 * (rates.txt), so tests/bench/ofa_torch.py can time python3-torch on the
 * very same inputs and compare both the answers and the speed. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchutil.h"
#include "../../engine/eval/ofa_predictor.h"
#include "../../engine/spaces/space.h"

#define N 10000
#define REPEATS 5

/* the multiply-adds of one prediction, counted as 2 flops each */
#define FLOPS_PER_PRED \
    (2.0 * (OFA_FEATURES * OFA_HIDDEN + 2.0 * OFA_HIDDEN * OFA_HIDDEN + OFA_HIDDEN))

static double predict_all(const struct ofa_predictor *p, const float *x, int batch, float *y,
                          float *scratch)
{
    double t0 = bench_now();
    for (int i = 0; i < N; i += batch) {
        int n = N - i < batch ? N - i : batch;
        ofa_predict(p, x + (size_t)i * OFA_FEATURES, n, y + i, scratch);
    }
    return N / (bench_now() - t0);
}

/* the baseline: the same four products, nothing else */
static double sgemm_all(const struct ofa_predictor *p, const float *x, int batch, float *y,
                        float *scratch)
{
    float *h1 = scratch, *h2 = scratch + (size_t)batch * OFA_HIDDEN;
    double t0 = bench_now();
    for (int i = 0; i < N; i += batch) {
        int n = N - i < batch ? N - i : batch;
        const float *in = x + (size_t)i * OFA_FEATURES;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, OFA_HIDDEN, OFA_FEATURES, 1.0f,
                    in, OFA_FEATURES, p->W0, OFA_FEATURES, 0.0f, h1, OFA_HIDDEN);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, OFA_HIDDEN, OFA_HIDDEN, 1.0f, h1,
                    OFA_HIDDEN, p->W2, OFA_HIDDEN, 0.0f, h2, OFA_HIDDEN);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, OFA_HIDDEN, OFA_HIDDEN, 1.0f, h2,
                    OFA_HIDDEN, p->W4, OFA_HIDDEN, 0.0f, h1, OFA_HIDDEN);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, 1, OFA_HIDDEN, 1.0f, h1,
                    OFA_HIDDEN, p->W6, OFA_HIDDEN, 0.0f, y + i, 1);
    }
    return N / (bench_now() - t0);
}

static int dump(const char *dir, const char *name, const float *v, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(v, sizeof *v, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct err e;
    struct ofa_predictor p;
    struct space *sp = space_open("ofa-mbv3", NULL, &e);
    if (!sp || ofa_predictor_load(&p, NULL, &e) != 0) {
        fprintf(stderr, "bench: %s: %s\n", e.where, e.msg);
        return 1;
    }
    float *x = malloc((size_t)N * OFA_FEATURES * sizeof *x);
    float *y = malloc(N * sizeof *y), *y1 = malloc(N * sizeof *y1), *yg = malloc(N * sizeof *yg);
    float *scratch = malloc(2 * (size_t)N * OFA_HIDDEN * sizeof *scratch);
    if (!x || !y || !y1 || !yg || !scratch) {
        fprintf(stderr, "bench: out of memory\n");
        return 1;
    }
    struct rng r;
    rng_seed(&r, 1);
    for (int i = 0; i < N; i++) {
        struct arch a;
        space_sample(sp, &r, &a);
        ofa_features(&a, x + (size_t)i * OFA_FEATURES);
    }
    static const int batches[] = {1, 100, N};
    double pred[3][REPEATS], gemm[3][REPEATS];
    for (int k = 0; k < REPEATS; k++)
        for (int b = 0; b < 3; b++) {
            pred[b][k] = predict_all(&p, x, batches[b], b ? y : y1, scratch);
            gemm[b][k] = sgemm_all(&p, x, batches[b], yg, scratch);
        }
    /* a batch must not change an answer beyond float rounding */
    float worst = 0;
    for (int i = 0; i < N; i++) {
        float d = y[i] > y1[i] ? y[i] - y1[i] : y1[i] - y[i];
        worst = d > worst ? d : worst;
    }
    printf("\nOFA accuracy predictor on OpenBLAS (%s, %d threads)\n", openblas_get_corename(),
           openblas_get_num_threads());
    printf("(%d random ofa-mbv3 architectures, %.2f MFLOP each, median of %d runs)\n\n", N,
           FLOPS_PER_PRED * 1e-6, REPEATS);
    double rate[3];
    printf("| batch | predictions/s | GFLOP/s | bare sgemm GFLOP/s: baseline | x baseline time "
           "|\n|---:|---:|---:|---:|---:|\n");
    for (int b = 0; b < 3; b++) {
        double pr = rate[b] = bench_median(pred[b], REPEATS), g = bench_median(gemm[b], REPEATS);
        printf("| %d | %.0f | %.2f | %.2f | %.2f |\n", batches[b], pr, pr * FLOPS_PER_PRED * 1e-9,
               g * FLOPS_PER_PRED * 1e-9, g / pr);
    }
    printf("\nlargest difference between batch 1 and batch %d answers: %.2g\n", N, worst);
    int rc = 0;
    if (argc > 1) {
        rc = dump(argv[1], "x.f32", x, (size_t)N * OFA_FEATURES) || dump(argv[1], "y.f32", y, N);
        char path[4200];
        snprintf(path, sizeof path, "%s/rates.txt", argv[1]);
        FILE *f = fopen(path, "w");
        if (f) {
            fprintf(f, "%d %.1f %.1f %.1f\n", openblas_get_num_threads(), rate[0], rate[1],
                    rate[2]);
            fclose(f);
        }
        rc |= !f;
    }
    free(x);
    free(y);
    free(y1);
    free(yg);
    free(scratch);
    ofa_predictor_free(&p);
    space_close(sp);
    return rc;
}
