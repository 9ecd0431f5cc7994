/* make bench: the engine's own overhead. Evaluations per second of whole
 * searches on the NB201 table, per algorithm, against a baseline measured
 * in the same run: the bare work of one evaluation (sample an architecture,
 * its costs, the table look-up) with no Coordinator around it. The machine
 * is shared and noisy, so each figure is the median of several runs and the
 * ratios are what to compare across commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchutil.h"
#include "../../engine/search/search.h"

#define REPEATS 9
#define BUDGET 2000
#define SEARCHES 5 /* per timed run, seeds 1..5 */

static void sink(void *ud, const struct eval_result *r)
{
    *(double *)ud += r->m[0];
}

/* The baseline: what one evaluation costs with nothing around it. */
static double bare_evals_per_s(const struct space *sp, struct evaluator *ev)
{
    struct rng r;
    rng_seed(&r, 1);
    int n = BUDGET * SEARCHES;
    double acc = 0, t0 = bench_now();
    for (int i = 0; i < n; i++) {
        struct eval_job job = {.id = i};
        space_sample(sp, &r, &job.arch);
        space_cost(sp, &job.arch, job.m, NULL);
        evaluator_submit(ev, &job, sink, &acc);
    }
    double dt = bench_now() - t0;
    if (acc == 0)
        puts("(impossible: all accuracies were zero)");
    return n / dt;
}

static void to_json(void *ud, const struct event *e, const struct state *st)
{
    char *line = event_to_json(e, st->info.nmetrics ? &st->info : NULL, 1);
    fputs(line, ud);
    fputc('\n', ud);
    free(line);
}

static double search_evals_per_s(const struct space *sp, struct evaluator *ev,
                                 const char *algo, FILE *json)
{
    int evals = 0;
    double t0 = bench_now();
    for (uint64_t seed = 1; seed <= SEARCHES; seed++) {
        struct err e;
        struct proposer *p = proposer_open(algo, sp, seed, NULL, &e);
        struct search_config cfg = {.algo = algo, .seed = seed, .budget = BUDGET};
        struct search *s = search_new(&cfg, sp, ev, p, &e);
        if (json)
            search_listen(s, to_json, json);
        search_start(s);
        evals += search_state(s)->finished;
        search_free(s);
        proposer_close(p);
    }
    return evals / (bench_now() - t0);
}

int main(void)
{
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    if (!sp) {
        fprintf(stderr, "bench: %s: %s\n", e.where, e.msg);
        return 1;
    }
    struct evaluator *ev = evaluator_open(sp, &e);
    FILE *devnull = fopen("/dev/null", "w");
    static const char *const algos[] = {"random", "rea", "local", "collm"};
    double base[REPEATS], plain[4][REPEATS], json[4][REPEATS];
    /* interleave the measurements so drift in machine load hits all alike */
    for (int r = 0; r < REPEATS; r++) {
        base[r] = bare_evals_per_s(sp, ev);
        for (int a = 0; a < 4; a++) {
            plain[a][r] = search_evals_per_s(sp, ev, algos[a], NULL);
            json[a][r] = search_evals_per_s(sp, ev, algos[a], devnull);
        }
    }
    double b = bench_median(base, REPEATS);
    printf("engine overhead: whole searches on the nb201:cifar10 table\n");
    printf("(budget %d distinct archs, %d seeds per run, median of %d runs)\n\n", BUDGET,
           SEARCHES, REPEATS);
    printf("| what | evaluations/s | time per evaluation, x bare |\n|---|---:|---:|\n");
    printf("| bare evaluation (sample, cost, look-up): baseline | %.0f | 1.0 |\n", b);
    for (int a = 0; a < 4; a++) {
        double p = bench_median(plain[a], REPEATS), j = bench_median(json[a], REPEATS);
        printf("| search --algo %s | %.0f | %.1f |\n", algos[a], p, b / p);
        printf("| search --algo %s, events as JSON to /dev/null | %.0f | %.1f |\n", algos[a], j,
               b / j);
    }
    fclose(devnull);
    evaluator_close(ev);
    space_close(sp);
    return 0;
}
