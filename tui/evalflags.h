/* How evaluations run, on the command line: --eval-workers, and for worker
 * programs --eval-timeout, --launcher and --srun-args, into an eval_opts
 * (engine/eval/eval.h). Shared by search and resume, so that both take the
 * same flags with the same help and the same checks. */
#ifndef COLLM_EVALFLAGS_H
#define COLLM_EVALFLAGS_H

#include "../engine/eval/eval.h"
#include "opts.h"

struct eval_flags {
    struct eval_opts eo;
    int has_workers; /* --eval-workers was given (0 would mean the default) */
};

/* Appends the flags to `o` (room for `max`); returns how many. */
int eval_flags_opts(struct eval_flags *f, struct opt *o, int max);
/* --eval-workers from 1 to 1024 when given, --eval-timeout from 0 (no
 * limit) to 10^7 s. 0, or -1 with a usage error in `e`. */
int eval_flags_check(const struct eval_flags *f, struct err *e);

#endif
