/* make bench: the supernet evaluator's throughput, whole evaluations as a
 * search gets them (the fmnist-supernet evaluator itself, on the shipped
 * checkpoint and the full sets: BN recalibration on 2,000 training images,
 * then 10,000 validation and 10,000 test images), for 3 fixed subnets: the
 * largest, a middle one and the smallest.
 *
 *   synchronous  no loop: one evaluation at a time on the calling thread,
 *                OpenBLAS with its own thread count (what `collm eval`
 *                does);
 *   on a loop    as a search runs them: evaluator_workers() pool workers x
 *                1 BLAS thread, each subnet submitted twice so that the
 *                workers get jobs of the same size side by side.
 *
 * Evaluations are seconds long, so each configuration runs once (a median
 * of repeats would cost minutes of make bench); opening the evaluator
 * (loading the checkpoint and the images) is outside the timings. Besides
 * the wall clock it reports the process's CPU seconds, which a loaded
 * machine disturbs less.
 *
 * With an argument DIR it writes into DIR/evalbench what
 * tests/bench/eval_torch.py needs to do the same evaluations in torch:
 * desc.json (the subnets, C's accuracies and seconds, the thread counts and
 * batch sizes) and the images exactly as the evaluator reads them (the
 * first 2,000 training images, the validation and test sets, normalised by
 * train_normalise) with their labels. */
#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "benchutil.h"
#include "../../engine/core/datadir.h"
#include "../../engine/eval/eval.h"
#include "../../engine/eval/supernet_eval.h"
#include "../../engine/nn/fmnist.h"
#include "../../engine/nn/train.h"
#include "../../engine/spaces/fmnist.h"
#include "../../engine/spaces/space.h"

#define NSUB 3
#define PAR_COPIES 2 /* each subnet's jobs on the loop */
/* the evaluator's scoring batch (supernet_eval.c); torch scores in the same */
#define SCORE_BATCH 100

static const char *sub_names[NSUB] = {"largest", "middle", "smallest"};
static const char *sub_text[NSUB] = {
    "{\"r\":28,\"d\":[4,4],\"ks\":[7,7,7,7,7,7,7,7],\"e\":[6,6,6,6,6,6,6,6]}",
    "{\"r\":24,\"d\":[3,3],\"ks\":[5,5,5,0,5,5,5,0],\"e\":[4,4,4,0,4,4,4,0]}",
    "{\"r\":20,\"d\":[2,2],\"ks\":[3,3,0,0,3,3,0,0],\"e\":[3,3,0,0,3,3,0,0]}",
};

static char outdir[4096];

/* CPU seconds of the whole process (every BLAS and pool thread): on a
 * shared machine, a steadier figure of the work than the wall clock. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "bench_eval: %s: %s: %s\n", what, e ? e->where : "", e ? e->msg : "");
    exit(1);
}

static int dump(const char *name, const void *v, size_t bytes)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(v, 1, bytes, f) != bytes || fclose(f) != 0) {
        fprintf(stderr, "bench_eval: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

static int dump_images(const char *name, const struct fmnist *set, int n)
{
    float *x = malloc((size_t)n * FMNIST_PIXELS * sizeof(float));
    if (!x)
        return fprintf(stderr, "bench_eval: out of memory\n"), 1;
    train_normalise(set->images, (size_t)n * FMNIST_PIXELS, x);
    int rc = dump(name, x, (size_t)n * FMNIST_PIXELS * sizeof(float));
    free(x);
    return rc;
}

struct answer {
    int answered, failed;
    struct eval_result r[NSUB * PAR_COPIES];
};

static void on_done(void *ud, const struct eval_result *r)
{
    struct answer *a = ud;
    a->failed += !r->ok;
    a->r[a->answered++] = *r;
}

static struct evaluator *open_ev(const struct space *sp, int workers)
{
    struct err e = {0};
    struct eval_opts o = {.workers = workers};
    struct evaluator *ev = evaluator_open_named("fmnist-supernet", sp, &o, &e);
    if (!ev)
        die("fmnist-supernet", &e);
    return ev;
}

int main(int argc, char **argv)
{
    struct err e = {0};
    struct fmnist_data d;
    if (fmnist_load(NULL, &d, &e) < 0) {
        fprintf(stderr, "bench_eval: no Fashion-MNIST (%s: %s): skipped\n", e.where, e.msg);
        return 0;
    }
    unsetenv(SUPERNET_EVAL_IMAGES_ENV); /* the full sets, as a search scores */
    struct space *sp = space_open("fmnist-supernet", NULL, &e);
    if (!sp)
        die("space", &e);
    struct eval_job jobs[NSUB];
    for (int i = 0; i < NSUB; i++) {
        jobs[i] = (struct eval_job){.id = i + 1};
        if (space_decode(sp, sub_text[i], &jobs[i].arch, &e) < 0 ||
            space_cost(sp, &jobs[i].arch, jobs[i].m, &e) < 0)
            die(sub_text[i], &e);
    }
    int nrecal = d.train.n < SUBNET_RECAL_IMAGES ? d.train.n : SUBNET_RECAL_IMAGES;
    long images = (long)nrecal + d.valid.n + d.test.n; /* per evaluation */

    /* ---- synchronous ---- */
    int blas_sync = openblas_get_num_threads();
    struct evaluator *ev = open_ev(sp, 0);
    struct answer sync = {0};
    double sync_s[NSUB], sync_total = 0, sync_cpu = cpu_now();
    for (int i = 0; i < NSUB; i++) {
        double t0 = bench_now();
        evaluator_submit(ev, &jobs[i], on_done, &sync);
        sync_s[i] = bench_now() - t0;
        sync_total += sync_s[i];
    }
    sync_cpu = cpu_now() - sync_cpu;
    evaluator_close(ev);
    if (sync.answered != NSUB || sync.failed)
        return fprintf(stderr, "bench_eval: %d of %d answered, %d failed: %s\n",
                       sync.answered, NSUB, sync.failed, sync.r[0].error), 1;

    /* ---- on a loop, as a search ---- */
    /* the split the evaluator makes: N workers x 1 BLAS thread, or 1 x OpenBLAS' own */
    int blas_par;
    (void)evaluator_workers(0, 64, &blas_par);
    if (blas_par == 0)
        blas_par = blas_sync;
    uv_loop_t loop;
    uv_loop_init(&loop);
    ev = open_ev(sp, 0);
    evaluator_attach_loop(ev, &loop);
    int capacity = ev->capacity;
    struct answer par = {0};
    double t0 = bench_now(), par_cpu = cpu_now();
    for (int i = 0; i < NSUB * PAR_COPIES; i++) {
        struct eval_job j = jobs[i / PAR_COPIES];
        j.id = i + 1;
        evaluator_submit(ev, &j, on_done, &par);
        evaluator_flush(ev);
        while (i + 1 - par.answered >= ev->capacity)
            uv_run(&loop, UV_RUN_ONCE);
    }
    while (par.answered < NSUB * PAR_COPIES)
        uv_run(&loop, UV_RUN_ONCE);
    double par_total = bench_now() - t0;
    par_cpu = cpu_now() - par_cpu;
    evaluator_close(ev);
    while (uv_loop_close(&loop) == UV_EBUSY)
        uv_run(&loop, UV_RUN_DEFAULT);
    if (par.failed)
        return fprintf(stderr, "bench_eval: on the loop, %d failed\n", par.failed), 1;
    int rc = 0;
    for (int i = 0; i < NSUB * PAR_COPIES; i++) { /* workers may not change a score */
        const double *m = par.r[i].m, *s = sync.r[i / PAR_COPIES].m;
        if (m[FM_M_VALID] != s[FM_M_VALID] || m[FM_M_TEST] != s[FM_M_TEST]) {
            fprintf(stderr, "bench_eval: %s scored %.2f/%.2f on the loop, %.2f/%.2f alone\n",
                    sub_names[i / PAR_COPIES], m[FM_M_VALID], m[FM_M_TEST], s[FM_M_VALID],
                    s[FM_M_TEST]);
            rc = 1;
        }
    }

    printf("\nSupernet evaluator (fmnist-supernet, data/fmnist-supernet.ckpt): whole "
           "evaluations of %d subnets,\neach BN recalibration on %d training images "
           "(batches of %d) + %d validation + %d test images\n(one run each; "
           "%ld images per evaluation)\n\n", NSUB, nrecal, SUBNET_RECAL_BATCH, d.valid.n,
           d.test.n, images);
    printf("| subnet | MFLOPs | valid %% | test %% | seconds, synchronous | images/s |\n"
           "|---|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < NSUB; i++)
        printf("| %s `%s` | %.2f | %.2f | %.2f | %.2f | %.0f |\n", sub_names[i], sub_text[i],
               jobs[i].m[FM_M_FLOPS], sync.r[i].m[FM_M_VALID], sync.r[i].m[FM_M_TEST],
               sync_s[i], images / sync_s[i]);
    printf("\nsynchronous (no loop, 1 evaluation at a time, %d BLAS thread%s): %.3f subnets/s, "
           "%.0f images/s; %.1f CPU s\n", blas_sync, blas_sync == 1 ? "" : "s",
           NSUB / sync_total, NSUB * images / sync_total, sync_cpu);
    printf("on a loop (%d pool worker%s x %d BLAS thread%s, each subnet twice): %.3f "
           "subnets/s, %.0f images/s; %.1f CPU s\n", capacity, capacity == 1 ? "" : "s",
           blas_par, blas_par == 1 ? "" : "s",
           NSUB * PAR_COPIES / par_total, NSUB * PAR_COPIES * images / par_total, par_cpu);

    if (argc > 1) {
        snprintf(outdir, sizeof outdir, "%s/evalbench", argv[1]);
        if (mkdir(outdir, 0755) < 0 && errno != EEXIST)
            return fprintf(stderr, "bench_eval: cannot create %s\n", outdir), 1;
        rc |= dump_images("recal.f32", &d.train, nrecal);
        rc |= dump_images("valid.f32", &d.valid, d.valid.n);
        rc |= dump("valid.u8", d.valid.labels, (size_t)d.valid.n);
        rc |= dump_images("test.f32", &d.test, d.test.n);
        rc |= dump("test.u8", d.test.labels, (size_t)d.test.n);
        char path[4200], ckpt[4200];
        snprintf(path, sizeof path, "%s/desc.json", outdir);
        datadir_path(NULL, SUPERNET_CKPT, ckpt, sizeof ckpt);
        FILE *f = fopen(path, "w");
        if (!f)
            return fprintf(stderr, "bench_eval: cannot write %s\n", path), 1;
        fprintf(f, "{\"checkpoint\":\"%s\",\"n_recal\":%d,\"recal_batch\":%d,"
                   "\"n_valid\":%d,\"n_test\":%d,\"score_batch\":%d,\n",
                ckpt, nrecal, SUBNET_RECAL_BATCH, d.valid.n, d.test.n, SCORE_BATCH);
        fprintf(f, "\"sync\":{\"blas_threads\":%d,\"seconds\":%.6f,\"cpu_s\":%.6f},\n", blas_sync,
            sync_total, sync_cpu);
        fprintf(f, "\"loop\":{\"workers\":%d,\"blas_threads\":%d,\"copies\":%d,"
                   "\"seconds\":%.6f,\"cpu_s\":%.6f},\n\"subnets\":[",
                capacity, blas_par, PAR_COPIES, par_total, par_cpu);
        for (int i = 0; i < NSUB; i++)
            fprintf(f, "%s{\"name\":\"%s\",\"arch\":%s,\"valid\":%.4f,\"test\":%.4f,"
                       "\"seconds\":%.6f}", i ? ",\n" : "\n", sub_names[i], sub_text[i],
                    sync.r[i].m[FM_M_VALID], sync.r[i].m[FM_M_TEST], sync_s[i]);
        fprintf(f, "]}\n");
        rc |= fclose(f) != 0;
    }
    space_close(sp);
    fmnist_free(&d);
    return rc;
}
