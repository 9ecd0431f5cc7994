/* Architectures of the built-in supernet (see supernet.h for the network):
 * the dimensions a subnet chooses, its dict form, and its exact costs. */
#ifndef COLLM_SN_ARCH_H
#define COLLM_SN_ARCH_H

#include <stddef.h>

#include "../core/err.h"
#include "../core/rng.h"

#define SN_STAGES 2
#define SN_MAXD 4
#define SN_BLOCKS (SN_STAGES * SN_MAXD)
#define SN_CLASSES 10
#define SN_IMG 28
#define SN_STEM_C 16  /* channels of the stem and the down-sampling block */
#define SN_HEAD_C 192 /* features before the classifier */

extern const int sn_res_choices[3], sn_ks_choices[3], sn_e_choices[3], sn_d_choices[3];
/* each stage's input and output channels */
extern const int sn_stage_in[SN_STAGES], sn_stage_c[SN_STAGES];

struct sn_arch {
    int r;              /* input resolution */
    int d[SN_STAGES];   /* active blocks per stage */
    int ks[SN_BLOCKS];  /* kernel per block slot (stage-major) */
    int e[SN_BLOCKS];   /* expansion per block slot */
};

/* Parses the dict form {"r":28,"d":[4,4],"ks":[8 values],"e":[8 values]}
 * (slot i = 4*stage + block); errors name the field and what was expected.
 * Slots of blocks beyond a stage's depth are ignored and may hold 0, as in
 * OFA's dicts; sn_arch_canonical sets them to 0 so that two spellings of
 * one network compare equal. */
int sn_arch_parse(const char *text, struct sn_arch *a, struct err *e);
int sn_arch_format(const struct sn_arch *a, char *buf, size_t n);
void sn_arch_canonical(struct sn_arch *a);
void sn_arch_largest(struct sn_arch *a);
void sn_arch_smallest(struct sn_arch *a);
void sn_arch_sample(struct rng *r, struct sn_arch *a);
/* Multiply-accumulates of one forward pass (as OFA counts "FLOPs"), in
 * millions, and parameters used, in millions (BN affine included). */
double sn_arch_mflops(const struct sn_arch *a);
double sn_arch_mparams(const struct sn_arch *a);

#endif
