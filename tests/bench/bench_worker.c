/* make bench: what the worker protocol costs. The same NB201 table
 * look-ups, in process and through worker programs (`collm worker`, the
 * COLLM binary make bench passes): one worker answering one request at a
 * time, synchronously (a round trip per evaluation), and two workers fed
 * from a loop (the way a search uses them). Each run starts its workers
 * afresh, so their start-up is in the figure, as it is in a search. The
 * overhead per evaluation is (through workers - in process) / evaluations,
 * medians of several runs; the in-process time is the baseline measured in
 * the same run. With SLURM_CONF set (tests/bench/workers.sh starts a
 * single-node Slurm for it) the same workers run as job steps through srun
 * (--launcher slurm), which adds srun's start-up and its forwarding of
 * stdin and stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "benchutil.h"
#include "../../engine/eval/eval.h"
#include "../../engine/spaces/space.h"

#define REPEATS 5
#define EVALS 2000

struct tally {
    int answered, failed;
};

static void on_done(void *ud, const struct eval_result *r)
{
    struct tally *t = ud;
    t->answered++;
    t->failed += !r->ok;
}

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "bench_worker: %s: %s: %s\n", what, e ? e->where : "", e ? e->msg : "");
    exit(1);
}

/* Seconds for n evaluations by `name` (a registry name or a command)
 * with `workers`; on a loop when `loop` is set. */
static double run(const struct space *sp, const char *name, int workers, int on_loop,
                  const char *launcher, int n)
{
    struct err e = {0};
    struct eval_opts o = {.workers = workers, .launcher = launcher};
    double t0 = bench_now();
    struct evaluator *ev = evaluator_open_named(name, sp, &o, &e);
    if (!ev)
        die(name, &e);
    struct tally t = {0};
    uv_loop_t loop;
    if (on_loop) {
        uv_loop_init(&loop);
        evaluator_attach_loop(ev, &loop);
    }
    struct eval_job *jobs = calloc(n, sizeof *jobs);
    for (int i = 0; i < n; i++) {
        jobs[i].id = i + 1;
        space_nth(sp, (size_t)i * 7, &jobs[i].arch);
        if (space_cost(sp, &jobs[i].arch, jobs[i].m, &e) < 0)
            die("cost", &e);
    }
    for (int i = 0; i < n; i++) {
        evaluator_submit(ev, &jobs[i], on_done, &t);
        if (on_loop) { /* as a search does: keep `capacity` in flight */
            evaluator_flush(ev);
            while (i + 1 - t.answered >= ev->capacity)
                uv_run(&loop, UV_RUN_ONCE);
        }
    }
    while (on_loop && t.answered < n)
        uv_run(&loop, UV_RUN_ONCE);
    evaluator_close(ev);
    if (on_loop) {
        while (uv_loop_close(&loop) == UV_EBUSY)
            uv_run(&loop, UV_RUN_DEFAULT);
    }
    double s = bench_now() - t0;
    free(jobs);
    if (t.answered != n || t.failed)
        fprintf(stderr, "bench_worker: %s: %d of %d answered, %d failed\n", name, t.answered,
                n, t.failed);
    return s;
}

struct way {
    const char *how;
    int workers, on_loop;
    const char *launcher;
};

static const struct way ways[] = {
    {"1 collm worker, one round trip each", 1, 0, NULL},
    {"2 collm workers on a loop", 2, 1, NULL},
    {"1 worker through srun, one round trip each", 1, 0, "slurm"},
    {"2 workers through srun on a loop", 2, 1, "slurm"},
};
#define NWAYS (int)(sizeof ways / sizeof ways[0])

int main(void)
{
    const char *collm = getenv("COLLM");
    if (!collm || !*collm) {
        puts("\nworker protocol: COLLM is not set (make bench sets it): not measured");
        return 0;
    }
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    if (!sp)
        die("space", &e);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "%s worker --space nb201:cifar10", collm);
    const char *sc = getenv("SLURM_CONF");
    int slurm = sc && *sc;
    /* t[w][r]: EVALS evaluations; t1: the first answer alone, which is
     * mostly starting the worker (and its job step) */
    double in[REPEATS], t[NWAYS][REPEATS], t1[NWAYS][REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        in[r] = run(sp, NULL, 0, 0, NULL, EVALS);
        for (int w = 0; w < NWAYS; w++) {
            if (ways[w].launcher && !slurm)
                continue;
            t[w][r] = run(sp, cmd, ways[w].workers, ways[w].on_loop, ways[w].launcher, EVALS);
            t1[w][r] = run(sp, cmd, ways[w].workers, ways[w].on_loop, ways[w].launcher, 1);
        }
    }
    double a = bench_median(in, REPEATS);
    printf("\nworker protocol: %d NB201 look-ups (median of %d runs, workers started in each)\n\n",
           EVALS, REPEATS);
    printf("| how | seconds | evaluations/s | start-up (1 evaluation) | overhead per evaluation "
           "after it |\n|---|---:|---:|---:|---:|\n");
    printf("| in process (the baseline) | %.4f | %.0f | - | - |\n", a, EVALS / a);
    for (int w = 0; w < NWAYS; w++) {
        if (ways[w].launcher && !slurm)
            continue;
        double s = bench_median(t[w], REPEATS), s1 = bench_median(t1[w], REPEATS);
        printf("| %s | %.4f | %.0f | %.1f ms | %.1f us |\n", ways[w].how, s, EVALS / s,
               s1 * 1e3, ((s - s1) / (EVALS - 1) - a / EVALS) * 1e6);
    }
    if (!slurm)
        printf("(no Slurm here: %s; srun not measured)\n",
               getenv("SLURM_WHY") ? getenv("SLURM_WHY") : "SLURM_CONF is not set");
    space_close(sp);
    return 0;
}
