/* External evaluators (issue 14): any program that speaks collm's worker
 * protocol, version 1, JSON Lines on its stdin and stdout (README "Bring
 * your own supernet"):
 *
 *   collm -> worker  {"id":7,"space":"nb201:cifar10","arch":ARCH}
 *                    {"cancel":7}
 *   worker -> collm  {"hello":"NAME","protocol":1,"metrics":["valid_acc",..]}  (optional, first)
 *                    {"id":7,"progress":0.4,"phase":"validating"}             (optional)
 *                    {"id":7,"metrics":{"valid_acc":91.2,"test_acc":90.8}}
 *                    {"id":7,"error":"why"}
 *
 * ARCH is the space's own form: NB201's cell string, a JSON object for the
 * dict spaces. The worker must report the space's objective; its report
 * metric too when it has one; costs are collm's own (exact, from the
 * space), unless the space has none for a metric the worker reports.
 *
 * N workers (eval_opts.workers, default 1) are started with /bin/sh -c
 * "exec CMD", each with COLLM_WORKER=1..N in its environment, and each runs
 * one request at a time. A worker that dies, sends a line that is not the
 * protocol, or takes longer than eval_opts.timeout seconds is killed and
 * started again; its request is tried once more, then fails with the
 * reason (the line and what was wrong, or the exit status and the last of
 * its stderr). A worker that dies three times without answering once is
 * not started again.
 *
 * With launcher "slurm" each worker is a Slurm job step instead: /bin/sh
 * -c "exec srun --quiet --unbuffered --ntasks=1 --job-name=collm-worker-I
 * SRUN_ARGS /bin/sh -c 'exec CMD'", so the same protocol runs over srun's
 * forwarded stdin and stdout, srun's own complaints (no allocation, a bad
 * partition) reach the worker's obituary through its stderr, and a kill
 * is srun's SIGTERM, which ends the step on its node (SIGKILL would leave
 * it running there), then SIGKILL after a grace period.
 *
 * Without a loop (collm eval, bench) a submit runs a private loop until it
 * is answered. Attached to a loop, idle workers do not keep it alive. */
#ifndef COLLM_EXTERNAL_H
#define COLLM_EXTERNAL_H

#include "eval.h"

#define EXTERNAL_PROTOCOL 1

/* 1 when `spec` names a program (a path, or a first word found on PATH):
 * what --evaluator takes when it is no registry name. */
int external_is_command(const char *spec);
struct evaluator *external_evaluator_open(const struct space *s, const struct eval_opts *o,
                                          struct err *e);

#endif
