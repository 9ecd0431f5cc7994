/* The space of the built-in supernet (engine/nn/supernet.h): 8 block slots
 * with a kernel size and an expansion each, a depth per stage and the input
 * resolution, written as the dict {"r":R,"d":[2],"ks":[8],"e":[8]} with 0 in
 * the slots of blocks beyond a stage's depth (the canonical form zeroes
 * them, so two spellings of one network are one architecture). */
#ifndef COLLM_SPACE_FMNIST_H
#define COLLM_SPACE_FMNIST_H

#include "../nn/supernet.h"
#include "space.h"

#define FM_DIM_E SN_BLOCKS
#define FM_DIM_D (2 * SN_BLOCKS)
#define FM_DIM_R (2 * SN_BLOCKS + SN_STAGES)
#define FM_DIMS (FM_DIM_R + 1)

enum { FM_M_VALID, FM_M_TEST, FM_M_FLOPS, FM_M_PARAMS };

/* None of its own: the checkpoint and Fashion-MNIST are the trainer's,
 * checked by `collm doctor` in depth. */
extern const struct space_file fmnist_space_files[];
struct space *fmnist_space_open(const char *variant, const char *datadir, struct err *e);
/* The network an architecture value stands for. */
void fmnist_space_net(const struct arch *a, struct sn_arch *out);

#endif
