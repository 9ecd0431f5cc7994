/* Stage 1: training the elastic supernet with the sandwich rule and
 * in-place distillation (BigNAS; OFA's progressive shrinking without the
 * phases): every step trains the largest subnet on the labels, then the
 * smallest and `nrandom` random subnets on the largest one's predictions,
 * all gradients summed into one SGD step.
 *
 * Every random choice of step s comes from a generator seeded by (seed, s)
 * and the order of epoch k from (seed, k), so a run resumed at step s does
 * exactly what the uninterrupted run did. */
#ifndef COLLM_TRAIN_H
#define COLLM_TRAIN_H

#include "../core/err.h"
#include "fmnist.h"
#include "supernet.h"

struct train_cfg {
    int epochs;
    int batch;
    float lr;             /* peak, after warm-up */
    float momentum;
    float wd;             /* on convolution and linear weights only */
    int nesterov;
    float warmup_epochs;
    int nrandom;          /* random subnets per step, besides largest and smallest */
    int distill;          /* 1: subnets learn the largest's softmax (KL); 0: the labels */
    int flip;             /* random horizontal flips */
    unsigned long long seed;
    int train_images;     /* 0: all 50,000; fewer for quick runs and tests */
    int report_images;    /* validation images scored at each epoch's end (0: all 10,000);
                             only the report depends on it, not the weights */
    int subnet_set;       /* 1: train only `subnet`, on the labels (stand-alone training,
                             to compare with what it inherits from the supernet) */
    struct sn_arch subnet;
};

void train_cfg_default(struct train_cfg *c);

struct train_progress {
    int epoch, epochs;         /* epoch is 0-based, under way */
    long step, total_steps;    /* steps done */
    long epoch_step, epoch_steps;
    double loss;               /* the largest subnet's cross entropy, mean of the epoch so far */
    double train_acc;          /* of the largest on its batches, this epoch so far */
    double images_per_s;       /* training images a second (each seen by every subnet of the step) */
    double elapsed_s, eta_s;
    int epoch_end;             /* 1 on the report that closes an epoch */
    double valid_largest, valid_smallest; /* at epoch end: validation accuracy, recalibrated */
};
typedef void (*train_progress_fn)(void *ud, const struct train_progress *p);

struct trainer {
    struct train_cfg cfg;
    struct supernet sn;
    float *grad, *mom;
    long step, total_steps;
    double elapsed_s;          /* training time spent so far, over resumes */
    int threads;               /* data-parallel workers, each with one OpenBLAS thread;
                                  recorded, since the shards change the result */
};

int trainer_init(struct trainer *t, const struct train_cfg *cfg, struct err *e);
void trainer_free(struct trainer *t);
/* Trains until done (0), until *cancel becomes non-zero at a step boundary
 * (1; the state is consistent and can be saved), or an error (-1). */
int trainer_run(struct trainer *t, const struct fmnist_data *d, const volatile int *cancel,
                train_progress_fn fn, void *ud, struct err *e);
/* A checkpoint: the weights and BN statistics, the recipe and where it
 * stands; with_optimizer adds the momentum so that training can resume. */
int trainer_save(const struct trainer *t, const char *path, int with_optimizer, struct err *e);
/* Loads a checkpoint written by trainer_save with the optimizer, to resume. */
int trainer_resume(struct trainer *t, const char *path, struct err *e);

/* Loads the weights and statistics of any fmnist-supernet checkpoint. */
int supernet_load(struct supernet *sn, const char *path, char *meta, size_t metan,
                  struct err *e);

/* A duration as people read training times: "17:49", "1:02:03". */
void train_duration_text(double seconds, char *buf, size_t n);

/* Images as the network reads them: (x/255 - mean)/std, n x 28 x 28. */
void train_normalise(const uint8_t *px, size_t n, float *out);

/* OFA's recalibration: 2,000 training images in batches of 200. The batch
 * matters (each batch's own variance is averaged), so every evaluation
 * that should compare with another uses these. */
#define SUBNET_RECAL_IMAGES 2000
#define SUBNET_RECAL_BATCH 200

/* Inherited-weight evaluation of one subnet: BN statistics recalibrated on
 * `nrecal` images (cumulative average over batches, as OFA), written into
 * `stats` (a copy of the supernet's that the caller owns), then accuracy on
 * `n` images. Returns the number correct, -1 on error, -2 if cancelled:
 * *cancel is polled between batches and, inside each forward, before every
 * layer (sn_ctx_set_cancel), so a raised flag stops the work in a layer's
 * time, milliseconds, not a batch's. */
int subnet_recalibrate(struct sn_ctx *c, const struct supernet *sn, const struct sn_arch *a,
                       const float *images, int nrecal, int batch, float *stats,
                       const volatile int *cancel);
int subnet_correct(struct sn_ctx *c, const struct supernet *sn, const float *stats,
                   const struct sn_arch *a, const float *images, const uint8_t *labels, int n,
                   int batch, const volatile int *cancel);

#endif
