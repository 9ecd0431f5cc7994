/* The built-in elastic supernet (stage 1 of two-stage NAS): an OFA-style
 * MobileNetV3 network for 28x28 grey images whose subnets share weights.
 *
 *   stem   3x3 conv 1->16, BN, hswish                      at r x r
 *   ds     3x3 depthwise stride 2, BN, hswish, 1x1 16->16, BN   r/2
 *   stage 1: up to 4 MBConv blocks, 24 channels, first stride 2  r/4
 *   stage 2: up to 4 MBConv blocks, 48 channels, first stride 2  r/8
 *   head   1x1 48->192, BN, hswish, global average pool, linear 192->10
 *
 * An MBConv block is 1x1 expand (to in*e channels), BN, act, k x k depthwise,
 * BN, act, 1x1 project, BN, plus the input when the shape allows (not in a
 * stage's first block); act is ReLU in stage 1 and hswish in stage 2.
 * Elastic: resolution r in {20, 24, 28}; per stage the first d in {2,3,4}
 * blocks; per block the kernel k in {3,5,7} (the centre of the 7x7
 * weights) and the expansion e in {3,4,6} (the first in*e channels, the
 * first rows/columns of the 1x1 weights and batch norms). */
#ifndef COLLM_SUPERNET_H
#define COLLM_SUPERNET_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/rng.h"
#include "sn_arch.h"

#define SN_MAX_TENSORS 160

/* One named tensor of the supernet, inside `w` (weights) or `stats` (BN
 * running statistics, not trained). */
struct sn_tensor {
    char name[48];
    int ndim, shape[4];
    size_t off, n;
    int is_stat;   /* lives in stats[] */
    int decay;     /* weight decay applies (convolutions and the linear weight) */
};

struct supernet {
    float *w;        /* weights */
    float *stats;    /* BN running mean and var */
    size_t nw, nstats;
    int ntensors;
    struct sn_tensor t[SN_MAX_TENSORS];
};

int supernet_init(struct supernet *sn, struct err *e);   /* allocates, zero */
void supernet_free(struct supernet *sn);
/* He-normal convolutions (fan out), N(0, 0.01) classifier, BN gamma 1 and
 * beta 0 except the last BN of residual blocks (gamma 0, so every block
 * starts as the identity), running var 1. */
void supernet_init_weights(struct supernet *sn, struct rng *r);
const struct sn_tensor *supernet_tensor(const struct supernet *sn, const char *name);

/* A forward/backward context: the workspace of one thread. BN modes:
 * TRAIN normalises with batch statistics, keeps what backward needs and
 * moves the running statistics; RECAL normalises with batch statistics
 * and adds them to a cumulative average (sn_recal_*); EVAL uses `stats`. */
enum sn_mode { SN_TRAIN, SN_RECAL, SN_EVAL };

struct sn_ctx;
struct sn_ctx *sn_ctx_new(int max_batch, struct err *e);
void sn_ctx_free(struct sn_ctx *c);

/* While cancel is set and *cancel non-zero, sn_forward stops before its
 * next layer and returns -2 (the batch is lost; in RECAL mode the sums of
 * the recalibration under way are then of no use). NULL: never stops. The
 * flag may be raised from another thread. */
void sn_ctx_set_cancel(struct sn_ctx *c, const volatile int *cancel);

/* images: n x 28 x 28 floats, already normalised; resized to a->r inside.
 * Writes logits (10 x n, class-major) into `logits`; 0, -1 on error, -2
 * when cancelled (above). In TRAIN mode `stats` gets the running averages
 * (momentum 0.1, as torch) and backward may follow. */
int sn_forward(struct sn_ctx *c, const struct supernet *sn, float *stats,
               const struct sn_arch *a, enum sn_mode mode, const float *images, int n,
               float *logits);
/* Gradient of the loss w.r.t. the logits of the last TRAIN forward, into
 * grad (same layout as sn->w, accumulated). */
void sn_backward(struct sn_ctx *c, const struct supernet *sn, const float *dlogits,
                 float *grad);

/* Recalibration (OFA's set_running_statistics): after sn_recal_begin, RECAL
 * forwards accumulate each BN's batch mean and variance weighted by batch
 * size; sn_recal_end writes their averages into the slots of `stats` that
 * those forwards used (the subnet's channels), leaving the rest. */
void sn_recal_begin(struct sn_ctx *c);
void sn_recal_end(struct sn_ctx *c, float *stats);

#endif
