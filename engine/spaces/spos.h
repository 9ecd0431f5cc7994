/* The Single Path One-Shot ShuffleNetV2 space: 20 choice blocks, each one
 * of 4 ops (ShuffleNet 3x3, 5x5, 7x7, Xception), written as SPOS's own
 * list of op indices [2,1,0,...]. Costs are SPOS's FLOPs rule and the
 * conv/linear weights, exact, from data/spos/ (its README). There is no
 * built-in evaluator: accuracy comes from the user's supernet. */
#ifndef COLLM_SPOS_H
#define COLLM_SPOS_H

#include <stdint.h>

#include "space.h"

#define SPOS_LAYERS 20
#define SPOS_OPS 4

/* Exact integer costs of one architecture (data/spos/README.md). */
struct spos_costs {
    int64_t flops;     /* multiply-accumulates, SPOS's get_flops */
    int64_t params;    /* conv and linear weights (the supernet's path) */
    int64_t params_bn; /* plus the stand-alone network's affine BN */
};

extern const struct space_file spos_space_files[];
struct space *spos_space_open(const char *variant, const char *datadir, struct err *e);
/* The exact costs of `a` in an open spos-shufflenet space; -1 with e if
 * `a` is not one of its architectures. */
int spos_count(const struct space *s, const struct arch *a, struct spos_costs *out,
               struct err *e);

#endif
