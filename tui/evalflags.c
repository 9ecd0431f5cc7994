#include "evalflags.h"

#include <string.h>

int eval_flags_opts(struct eval_flags *f, struct opt *o, int max)
{
    *f = (struct eval_flags){0};
    struct eval_opts *eo = &f->eo;
    const struct opt mine[] = {
        {"eval-workers", OPT_INT, &eo->workers, "N", "evaluations at once on the thread pool, "
                                                     "1 BLAS thread each (default: the CPUs; "
                                                     "1: one evaluation, BLAS on every CPU); "
                                                     "with a worker command, workers (default "
                                                     "1)", &f->has_workers},
        {"eval-timeout", OPT_DOUBLE, &eo->timeout, "S", "worker programs: seconds one "
                                                        "evaluation may take (default: no "
                                                        "limit)", NULL},
        {"launcher", OPT_STR, &eo->launcher, "L", "worker programs: local (default) or slurm "
                                                  "(each worker a job step, through srun)",
         NULL},
        {"srun-args", OPT_STR, &eo->srun_args, "ARGS", "--launcher slurm: srun's options, "
                                                       "e.g. '--partition=gpu --gres=gpu:1'",
         NULL},
    };
    int n = (int)(sizeof mine / sizeof mine[0]);
    if (n > max)
        n = max;
    memcpy(o, mine, (size_t)n * sizeof mine[0]);
    return n;
}

int eval_flags_check(const struct eval_flags *f, struct err *e)
{
    if (f->has_workers && opts_range("--eval-workers", f->eo.workers, 1, 1024, e) < 0)
        return -1;
    if (!(f->eo.timeout >= 0) || f->eo.timeout > 1e7)
        return err_usage(e, "--eval-timeout",
                         "expected seconds from 0 (no limit) to 10000000, got %g", f->eo.timeout);
    return 0;
}
