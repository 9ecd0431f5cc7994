/* The Once-for-All MobileNetV3 space (w1.2): 20 block slots with a kernel
 * size and an expand ratio each, a depth per stage, a resolution; written
 * as OFA's own dict {"ks":[20],"e":[20],"d":[5],"r":R}. Slots beyond a
 * stage's depth are inactive: the canonical form zeroes them, so two
 * spellings of one network are one architecture (data/ofa/README.md). */
#ifndef COLLM_OFA_H
#define COLLM_OFA_H

#include "space.h"

#define OFA_SLOTS 20
#define OFA_STAGES 5
#define OFA_DIMS (2 * OFA_SLOTS + OFA_STAGES + 1) /* ks, e, d, r */
#define OFA_DIM_D (2 * OFA_SLOTS)
#define OFA_DIM_R (2 * OFA_SLOTS + OFA_STAGES)

extern const int ofa_ks[3], ofa_e[3], ofa_d[3], ofa_r[5];

extern const struct space_file ofa_space_files[];
struct space *ofa_space_open(const char *variant, const char *datadir, struct err *e);
/* 1 if block slot i is active in a. */
int ofa_active(const struct arch *a, int slot);

#endif
