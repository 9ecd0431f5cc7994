/* make bench: the built-in supernet (stage 1) on OpenBLAS.
 *
 *   training  images/s of whole sandwich steps (largest on the labels,
 *             smallest and 2 random subnets distilled from it, forward,
 *             backward, SGD) at batch 128, through trainer_run itself with
 *             its data-parallel workers (one per core, 1 BLAS thread each);
 *   forward   images/s of the largest subnet in eval mode, batch 500, one
 *             thread, with the GFLOP/s it reaches against the baseline of
 *             bare cblas_sgemm on the shapes of its 1x1 convolutions, timed
 *             in the same run, and where its time goes: the same sgemm
 *             calls, nn_dw_forward, nn_bn_forward_eval with the activations,
 *             and the stem's nn_conv_forward, each alone on the subnet's
 *             shapes (the rest by difference).
 *
 * Weights: data/fmnist-supernet.ckpt when it exists, else the trainer's
 * random initialisation after the timed steps, with the batch norms'
 * affine parameters and running statistics spread out (a fresh supernet's
 * residual blocks are the identity, which would check little).
 *
 * With an argument DIR it writes into DIR/supernet what
 * tests/bench/supernet_torch.py needs to rebuild the network in torch and
 * compare: desc.json (the tensor layout, the subnets, the timings, the
 * architectures of the timed steps), the weights as a checkpoint file (or
 * the path of the shipped one), weights.f32 (sn->w as C holds it), 500
 * normalised validation images and their labels, and for 3 fixed subnets
 * on the first 64 of them: the logits in train-mode and eval-mode batch
 * norm, the gradient of the mean cross entropy (train mode) and the
 * running statistics after that train-mode forward. Logits are class-major
 * (10 x N), as nn.h lays them out. */
#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "benchutil.h"
#include "../../engine/nn/nn.h"
#include "../../engine/nn/nn_dw.h"
#include "../../engine/nn/supernet.h"
#include "../../engine/nn/train.h"

#ifndef REPEATS /* -D for a quick trial build */
#define REPEATS 5
#endif
#define TRAIN_B 128
#ifndef TRAIN_STEPS
#define TRAIN_STEPS 4 /* per timed trainer_run */
#endif
#define FWD_N 500
#define CHECK_N 64
#define NSUB 3

static const char *sub_names[NSUB] = {"largest", "smallest", "mixed"};
static const char *mixed_arch = "{\"r\":24,\"d\":[3,4],\"ks\":[3,5,7,3,7,5,3,5],"
                                "\"e\":[4,6,3,3,3,4,6,4]}";

static char outdir[4096];

static int dump(const char *name, const void *v, size_t bytes)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(v, 1, bytes, f) != bytes || fclose(f) != 0) {
        fprintf(stderr, "bench_supernet: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

/* s as a JSON string */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    fputc('"', f);
}

/* ---- the layer shapes of one subnet, as supernet.c walks them ---------- */

struct pw_shape {
    int M, K, N; /* cout, cin, positions */
};
struct dw_shape {
    int C, N, H, k, s;
};

static const int stage_in[SN_STAGES] = {16, 24}, stage_c[SN_STAGES] = {24, 48};

/* Batch norms (eval) and the activation after them: 0 none, 1 ReLU, 2 hard swish. */
struct bn_shape {
    int C, P, act;
};

static void shapes(const struct sn_arch *a, int n, struct pw_shape *pw, int *npw,
                   struct dw_shape *dw, int *ndw, struct bn_shape *bn, int *nbn)
{
    int h = nn_conv_out(a->r, 3, 1);
    *npw = *ndw = *nbn = 0;
    bn[(*nbn)++] = (struct bn_shape){16, n * h * h, 2};
    dw[(*ndw)++] = (struct dw_shape){16, n, h, 3, 2};
    h = nn_conv_out(h, 3, 2);
    bn[(*nbn)++] = (struct bn_shape){16, n * h * h, 2};
    pw[(*npw)++] = (struct pw_shape){16, 16, n * h * h};
    bn[(*nbn)++] = (struct bn_shape){16, n * h * h, 0};
    for (int s = 0; s < SN_STAGES; s++)
        for (int j = 0; j < a->d[s]; j++) {
            int b = s * SN_MAXD + j, cin = j ? stage_c[s] : stage_in[s], mid = cin * a->e[b];
            int k = a->ks[b], st = j ? 1 : 2, ho = nn_conv_out(h, k, st), act = s ? 2 : 1;
            pw[(*npw)++] = (struct pw_shape){mid, cin, n * h * h};
            bn[(*nbn)++] = (struct bn_shape){mid, n * h * h, act};
            dw[(*ndw)++] = (struct dw_shape){mid, n, h, k, st};
            bn[(*nbn)++] = (struct bn_shape){mid, n * ho * ho, act};
            pw[(*npw)++] = (struct pw_shape){stage_c[s], mid, n * ho * ho};
            bn[(*nbn)++] = (struct bn_shape){stage_c[s], n * ho * ho, 0};
            h = ho;
        }
    pw[(*npw)++] = (struct pw_shape){192, stage_c[SN_STAGES - 1], n * h * h};
    bn[(*nbn)++] = (struct bn_shape){192, n * h * h, 2};
}

static double pw_flops(const struct pw_shape *pw, int npw)
{
    double f = 0;
    for (int i = 0; i < npw; i++)
        f += 2.0 * pw[i].M * pw[i].K * pw[i].N;
    return f;
}

static double dw_flops(const struct dw_shape *dw, int ndw)
{
    double f = 0;
    for (int i = 0; i < ndw; i++) {
        double ho = nn_conv_out(dw[i].H, dw[i].k, dw[i].s);
        f += 2.0 * dw[i].C * dw[i].N * ho * ho * dw[i].k * dw[i].k;
    }
    return f;
}

static void fill(float *v, size_t n, struct rng *r)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(rng_double(r) - 0.5);
}

/* A fresh supernet's batch norms are gamma 1 (0 on residual blocks' last),
 * beta 0, mean 0, var 1: spread them so that every path carries gradient. */
static void spread_bn(struct supernet *sn, struct rng *r)
{
    for (int i = 0; i < sn->ntensors; i++) {
        const struct sn_tensor *t = &sn->t[i];
        const char *leaf = strrchr(t->name, '.') + 1;
        float *p = (t->is_stat ? sn->stats : sn->w) + t->off;
        for (size_t k = 0; k < t->n; k++) {
            double u = rng_double(r);
            if (!strcmp(leaf, "gamma"))
                p[k] = (float)(0.5 + u);
            else if (!strcmp(leaf, "beta") || !strcmp(leaf, "mean"))
                p[k] = (float)(0.4 * (u - 0.5));
            else if (!strcmp(leaf, "var"))
                p[k] = (float)(0.5 + u);
        }
    }
}

/* t[i]: when the first i steps of one trainer_run were done. The run is
 * cancelled once `stop` steps are, before the epoch's last step, whose end
 * would start a validation pass. */
struct step_clock {
    double t[TRAIN_STEPS + 2];
    long stop;
    volatile int cancel;
};

static void on_step(void *ud, const struct train_progress *p)
{
    struct step_clock *k = ud;
    if (p->step <= k->stop)
        k->t[p->step] = bench_now();
    if (p->step >= k->stop)
        k->cancel = 1;
}

/* The random subnets trainer_run samples at `step` (as it draws them: the
 * flips of the batch's images first). */
static void step_archs(unsigned long long seed, int flip, int nrandom, int step,
                       struct sn_arch *out)
{
    struct rng r;
    rng_seed(&r, seed * 0x9E3779B97F4A7C15ULL + (unsigned long long)step);
    for (int i = 0; i < TRAIN_B; i++)
        if (flip)
            (void)rng_next(&r);
    for (int k = 0; k < nrandom; k++)
        sn_arch_sample(&r, &out[k]);
}

int main(int argc, char **argv)
{
    struct err e;
    struct fmnist_data d;
    if (fmnist_load(NULL, &d, &e) < 0) {
        fprintf(stderr, "bench_supernet: no Fashion-MNIST (%s: %s): skipped\n", e.where, e.msg);
        return 0;
    }
    if (argc > 1) {
        snprintf(outdir, sizeof outdir, "%s/supernet", argv[1]);
        if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
            fprintf(stderr, "bench_supernet: cannot create %s\n", outdir);
            return 1;
        }
    }
    int blas0 = openblas_get_num_threads();
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);

    /* ---- training throughput, through the trainer ---- */
    struct train_cfg cfg;
    train_cfg_default(&cfg);
    cfg.epochs = 1;
    cfg.train_images = TRAIN_B * (TRAIN_STEPS + 2);
    cfg.batch = TRAIN_B;
    struct trainer t;
    if (trainer_init(&t, &cfg, &e) < 0) {
        fprintf(stderr, "bench_supernet: %s: %s\n", e.where, e.msg);
        return 1;
    }
    t.threads = nproc > 0 && nproc < 256 ? (int)nproc : 1;
    double train_rate[REPEATS];
    for (int k = 0; k < REPEATS; k++) {
        /* step 0 warms up (first touch of the workers' buffers); steps 1 to
         * TRAIN_STEPS are timed */
        struct step_clock clk = {.stop = TRAIN_STEPS + 1};
        t.step = 0;
        t.elapsed_s = 0;
        if (trainer_run(&t, &d, &clk.cancel, on_step, &clk, &e) != 1) {
            fprintf(stderr, "bench_supernet: %s: %s\n", e.where, e.msg);
            return 1;
        }
        train_rate[k] = TRAIN_STEPS * TRAIN_B / (clk.t[TRAIN_STEPS + 1] - clk.t[1]);
    }
    double train_ips = bench_median(train_rate, REPEATS);

    /* ---- the weights ---- */
    char ckpt_path[4200], meta[64];
    snprintf(ckpt_path, sizeof ckpt_path, "%s/fmnist-supernet.ckpt", COLLM_DATADIR);
    struct supernet loaded, *sn = &t.sn;
    int from_ckpt = access(ckpt_path, R_OK) == 0;
    if (from_ckpt) {
        if (supernet_load(&loaded, ckpt_path, meta, sizeof meta, &e) < 0) {
            fprintf(stderr, "bench_supernet: %s: %s\n", e.where, e.msg);
            return 1;
        }
        sn = &loaded;
    } else {
        struct rng r;
        rng_seed(&r, 7);
        spread_bn(&t.sn, &r);
        snprintf(ckpt_path, sizeof ckpt_path, "%s/weights.ckpt", outdir);
        if (argc > 1 && trainer_save(&t, ckpt_path, 0, &e) < 0) {
            fprintf(stderr, "bench_supernet: %s: %s\n", e.where, e.msg);
            return 1;
        }
    }

    /* ---- the eval-mode forward of the largest, one thread ---- */
    openblas_set_num_threads(1);
    size_t px = SN_IMG * SN_IMG;
    float *images = malloc(FWD_N * px * sizeof(float));
    float *logits = malloc(SN_CLASSES * FWD_N * sizeof(float));
    struct sn_ctx *c = sn_ctx_new(FWD_N, &e);
    if (!images || !logits || !c) {
        fprintf(stderr, "bench_supernet: out of memory\n");
        return 1;
    }
    train_normalise(d.valid.images, FWD_N * px, images);
    struct sn_arch big, small, mixed;
    sn_arch_largest(&big);
    sn_arch_smallest(&small);
    if (sn_arch_parse(mixed_arch, &mixed, &e) < 0) {
        fprintf(stderr, "bench_supernet: %s: %s\n", e.where, e.msg);
        return 1;
    }
    double fwd[REPEATS];
    int bad = sn_forward(c, sn, sn->stats, &big, SN_EVAL, images, FWD_N, logits); /* warm */
    for (int k = 0; k < REPEATS; k++) {
        double t0 = bench_now();
        bad |= sn_forward(c, sn, sn->stats, &big, SN_EVAL, images, FWD_N, logits);
        fwd[k] = bench_now() - t0;
    }
    if (bad) {
        fprintf(stderr, "bench_supernet: sn_forward failed\n");
        return 1;
    }
    double fwd_s = bench_median(fwd, REPEATS), fwd_ips = FWD_N / fwd_s;
    double fwd_gflops = sn_arch_mflops(&big) * 1e6 * 2 * fwd_ips * 1e-9;

    /* ---- baselines on the same shapes ---- */
    struct pw_shape pw[4 + 2 * SN_BLOCKS];
    struct dw_shape dw[2 + SN_BLOCKS];
    struct bn_shape bn[4 + 3 * SN_BLOCKS];
    int npw, ndw, nbn;
    shapes(&big, FWD_N, pw, &npw, dw, &ndw, bn, &nbn);
    size_t amax = 0, bmax = 0, cmax = 0;
    for (int i = 0; i < npw; i++) {
        size_t a = (size_t)pw[i].M * pw[i].K, b = (size_t)pw[i].K * pw[i].N,
               o = (size_t)pw[i].M * pw[i].N;
        amax = a > amax ? a : amax, bmax = b > bmax ? b : bmax, cmax = o > cmax ? o : cmax;
    }
    for (int i = 0; i < ndw; i++) {
        size_t ho = (size_t)nn_conv_out(dw[i].H, dw[i].k, dw[i].s);
        size_t in = (size_t)dw[i].C * dw[i].N * dw[i].H * dw[i].H, o = dw[i].C * dw[i].N * ho * ho;
        bmax = in > bmax ? in : bmax, cmax = o > cmax ? o : cmax;
        amax = (size_t)dw[i].C * 49 > amax ? (size_t)dw[i].C * 49 : amax;
    }
    for (int i = 0; i < nbn; i++) {
        size_t v = (size_t)bn[i].C * bn[i].P;
        bmax = v > bmax ? v : bmax, cmax = v > cmax ? v : cmax;
    }
    size_t stem_col = nn_conv_col_floats(1, FWD_N, SN_IMG, SN_IMG, 3, 1);
    float *A = malloc(amax * sizeof(float)), *B = malloc(bmax * sizeof(float)),
          *C = malloc(cmax * sizeof(float)), *col = malloc(stem_col * sizeof(float));
    float gamma[192], beta[192], mean[192], var[192];
    for (int i = 0; i < 192; i++)
        gamma[i] = 1.0f, beta[i] = 0.1f, mean[i] = 0.01f, var[i] = 1.0f;
    if (!A || !B || !C || !col) {
        fprintf(stderr, "bench_supernet: out of memory\n");
        return 1;
    }
    struct rng r;
    rng_seed(&r, 3);
    fill(A, amax, &r);
    fill(B, bmax, &r);
    double tg[REPEATS], td[REPEATS], tb[REPEATS], tc[REPEATS];
    for (int k = 0; k <= REPEATS; k++) { /* round 0 warms up */
        double t0 = bench_now();
        for (int i = 0; i < npw; i++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, pw[i].M, pw[i].N, pw[i].K,
                        1.0f, A, pw[i].K, B, pw[i].N, 0.0f, C, pw[i].N);
        double t1 = bench_now();
        for (int i = 0; i < ndw; i++)
            nn_dw_forward(B, dw[i].C, dw[i].N, dw[i].H, dw[i].H, A, 49, 7, dw[i].k, dw[i].s, C);
        double t2 = bench_now();
        for (int i = 0; i < nbn; i++) {
            size_t v = (size_t)bn[i].C * bn[i].P;
            nn_bn_forward_eval(B, bn[i].C, bn[i].P, gamma, beta, mean, var, 1e-5f, C);
            if (bn[i].act == 1)
                nn_relu_forward(C, v, B);
            else if (bn[i].act == 2)
                nn_hswish_forward(C, v, B);
        }
        double t3 = bench_now();
        nn_conv_forward(images, 1, FWD_N, SN_IMG, SN_IMG, A, 16, 3, 1, C, col);
        double t4 = bench_now();
        if (k)
            tg[k - 1] = t1 - t0, td[k - 1] = t2 - t1, tb[k - 1] = t3 - t2, tc[k - 1] = t4 - t3;
    }
    double gemm_s = bench_median(tg, REPEATS), dw_s = bench_median(td, REPEATS);
    double bn_s = bench_median(tb, REPEATS), stem_s = bench_median(tc, REPEATS);
    double gemm_gflops = pw_flops(pw, npw) / gemm_s * 1e-9;
    double dw_gflops = dw_flops(dw, ndw) / dw_s * 1e-9;

    printf("\nSupernet (fmnist-supernet) on OpenBLAS (%s); weights: %s\n",
           openblas_get_corename(), from_ckpt ? "data/fmnist-supernet.ckpt" : "random init");
    printf("(medians of %d runs; ratios against baselines timed in this run)\n\n", REPEATS);
    printf("training: %.0f img/s: sandwich steps of 4 subnets (largest, smallest, 2 random) "
           "at batch %d, forward, backward and SGD,\n          through trainer_run: %d worker "
           "thread%s (batch shards of %d) x 1 BLAS thread\n",
           train_ips, TRAIN_B, t.threads, t.threads == 1 ? "" : "s", TRAIN_B / t.threads);
    double rest = fwd_s - gemm_s - dw_s - bn_s - stem_s;
    printf("forward:  %.0f img/s: the largest subnet, eval mode, batch %d, 1 thread "
           "(%.2f MMAC/image): %.2f GFLOP/s,\n          %.3f x the bare sgemm GFLOP/s of its "
           "1x1 convolutions\n\n",
           fwd_ips, FWD_N, sn_arch_mflops(&big), fwd_gflops, fwd_gflops / gemm_gflops);
    printf("| a %d-image forward of the largest, 1 thread | GFLOP/s | ms | share | GFLOP/s, x "
           "bare sgemm |\n|---|---:|---:|---:|---:|\n", FWD_N);
    printf("| its %d 1x1 convolutions: bare cblas_sgemm on their shapes (baseline) | %.2f | "
           "%.1f | %.0f%% | 1 |\n", npw, gemm_gflops, gemm_s * 1e3, 100 * gemm_s / fwd_s);
    printf("| its %d depthwise convolutions: nn_dw_forward alone on their shapes | %.2f | %.1f "
           "| %.0f%% | %.3f |\n", ndw, dw_gflops, dw_s * 1e3, 100 * dw_s / fwd_s,
           dw_gflops / gemm_gflops);
    printf("| its %d batch norms (eval) and activations: nn_bn_forward_eval, nn_relu/hswish "
           "| | %.1f | %.0f%% | |\n", nbn, bn_s * 1e3, 100 * bn_s / fwd_s);
    printf("| its stem, 3x3 conv 1->16 at 28x28: nn_conv_forward (im2col + sgemm) | %.2f | "
           "%.1f | %.0f%% | %.3f |\n", 2.0 * 16 * 9 * SN_IMG * SN_IMG * FWD_N / stem_s * 1e-9,
           stem_s * 1e3, 100 * stem_s / fwd_s,
           2.0 * 16 * 9 * SN_IMG * SN_IMG * FWD_N / stem_s * 1e-9 / gemm_gflops);
    printf("| the rest, by difference: residual adds, pooling, classifier, copies | | %.1f "
           "| %.0f%% | |\n", rest * 1e3, 100 * rest / fwd_s);
    printf("| the whole sn_forward | %.2f | %.1f | 100%% | %.3f |\n", fwd_gflops, fwd_s * 1e3,
           fwd_gflops / gemm_gflops);

    int rc = 0;
    if (argc > 1) {
        /* ---- what torch compares against ---- */
        const struct sn_arch *subs[NSUB] = {&big, &small, &mixed};
        float *grad = malloc(sn->nw * sizeof(float)), *st = malloc(sn->nstats * sizeof(float));
        float *dlog = malloc(SN_CLASSES * CHECK_N * sizeof(float));
        float loss[NSUB];
        char name[96];
        if (!grad || !st || !dlog) {
            fprintf(stderr, "bench_supernet: out of memory\n");
            return 1;
        }
        rc |= dump("images.f32", images, FWD_N * px * sizeof(float));
        rc |= dump("labels.u8", d.valid.labels, FWD_N);
        rc |= dump("weights.f32", sn->w, sn->nw * sizeof(float));
        rc |= dump("stats.f32", sn->stats, sn->nstats * sizeof(float));
        for (int i = 0; i < NSUB; i++) {
            if (sn_forward(c, sn, sn->stats, subs[i], SN_EVAL, images, CHECK_N, logits) < 0)
                return fprintf(stderr, "bench_supernet: sn_forward failed\n"), 1;
            snprintf(name, sizeof name, "logits_eval_%s.f32", sub_names[i]);
            rc |= dump(name, logits, SN_CLASSES * CHECK_N * sizeof(float));
            memcpy(st, sn->stats, sn->nstats * sizeof(float));
            if (sn_forward(c, sn, st, subs[i], SN_TRAIN, images, CHECK_N, logits) < 0)
                return fprintf(stderr, "bench_supernet: sn_forward failed\n"), 1;
            loss[i] = nn_xent(logits, SN_CLASSES, CHECK_N, d.valid.labels, dlog, NULL);
            memset(grad, 0, sn->nw * sizeof(float));
            sn_backward(c, sn, dlog, grad);
            snprintf(name, sizeof name, "logits_train_%s.f32", sub_names[i]);
            rc |= dump(name, logits, SN_CLASSES * CHECK_N * sizeof(float));
            snprintf(name, sizeof name, "grad_%s.f32", sub_names[i]);
            rc |= dump(name, grad, sn->nw * sizeof(float));
            snprintf(name, sizeof name, "stats_after_%s.f32", sub_names[i]);
            rc |= dump(name, st, sn->nstats * sizeof(float));
        }
        char path[4200], arch[256];
        snprintf(path, sizeof path, "%s/desc.json", outdir);
        FILE *f = fopen(path, "w");
        if (!f) {
            fprintf(stderr, "bench_supernet: cannot write %s\n", path);
            return 1;
        }
        fprintf(f, "{\"checkpoint\":");
        json_str(f, ckpt_path);
        fprintf(f, ",\"from_shipped_checkpoint\":%s,\n", from_ckpt ? "true" : "false");
        fprintf(f, "\"nw\":%zu,\"nstats\":%zu,\"n_images\":%d,\"check_n\":%d,\n", sn->nw,
                sn->nstats, FWD_N, CHECK_N);
        fprintf(f, "\"tensors\":[\n");
        for (int i = 0; i < sn->ntensors; i++) {
            const struct sn_tensor *s = &sn->t[i];
            fprintf(f, "%s{\"name\":\"%s\",\"shape\":[", i ? ",\n" : "", s->name);
            for (int k = 0; k < s->ndim; k++)
                fprintf(f, "%s%d", k ? "," : "", s->shape[k]);
            fprintf(f, "],\"off\":%zu,\"stat\":%s,\"decay\":%s}", s->off,
                    s->is_stat ? "true" : "false", s->decay ? "true" : "false");
        }
        fprintf(f, "],\n\"subnets\":[");
        for (int i = 0; i < NSUB; i++) {
            sn_arch_format(subs[i], arch, sizeof arch);
            fprintf(f, "%s{\"name\":\"%s\",\"arch\":%s,\"loss\":%.9g}", i ? ",\n" : "\n",
                    sub_names[i], arch, loss[i]);
        }
        fprintf(f, "],\n\"train\":{\"img_s\":%.3f,\"threads\":%d,\"batch\":%d,\"lr\":%g,"
                   "\"momentum\":%g,\"wd\":%g,\"timed_from_step\":1,\"steps\":[",
                train_ips, t.threads, TRAIN_B, cfg.lr, cfg.momentum, cfg.wd);
        for (int s = 0; s <= TRAIN_STEPS; s++) {
            struct sn_arch ra[2];
            step_archs(cfg.seed, cfg.flip, 2, s, ra);
            fprintf(f, "%s[", s ? ",\n" : "\n");
            for (int k = 0; k < 2; k++) {
                sn_arch_format(&ra[k], arch, sizeof arch);
                fprintf(f, "%s%s", k ? "," : "", arch);
            }
            fprintf(f, "]");
        }
        fprintf(f, "]},\n\"forward\":{\"img_s\":%.3f,\"threads\":1,\"batch\":%d,"
                   "\"gflops\":%.4f,\"sgemm_gflops\":%.4f,\"dw_gflops\":%.4f}}\n",
                fwd_ips, FWD_N, fwd_gflops, gemm_gflops, dw_gflops);
        rc |= fclose(f) != 0;
        free(grad);
        free(st);
        free(dlog);
    }
    openblas_set_num_threads(blas0);
    free(A);
    free(B);
    free(C);
    free(col);
    free(images);
    free(logits);
    sn_ctx_free(c);
    if (from_ckpt)
        supernet_free(&loaded);
    trainer_free(&t);
    fmnist_free(&d);
    return rc;
}
