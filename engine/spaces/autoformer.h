/* The AutoFormer vision-transformer spaces (tiny, small, base): a depth,
 * one embedding width, and per layer an MLP ratio and a head count, written
 * as the dict {"depth", "embed_dim", "mlp_ratio": [...], "num_heads": [...]}
 * with one entry per layer. The choices are CoLLM-NAS's (its App. A);
 * params and FLOPs are AutoFormer's own counting rules in closed form
 * (data/autoformer/README.md). No built-in evaluator: accuracy comes from
 * the user's supernet. */
#ifndef COLLM_AUTOFORMER_H
#define COLLM_AUTOFORMER_H

#include <stdint.h>

#include "space.h"

#define AF_MAX_DEPTH 16

/* One subnet as AutoFormer's config holds it, any widths (not only a
 * space's choices), for the counting rules. */
struct autoformer_net {
    int depth, embed_dim;
    double mlp_ratio[AF_MAX_DEPTH];
    int num_heads[AF_MAX_DEPTH];
};

extern const struct space_file autoformer_space_files[];
struct space *autoformer_tiny_open(const char *variant, const char *datadir, struct err *e);
struct space *autoformer_small_open(const char *variant, const char *datadir, struct err *e);
struct space *autoformer_base_open(const char *variant, const char *datadir, struct err *e);

/* get_sampled_params_numel with --relative_position (relpos 0: without). */
int64_t autoformer_params(const struct autoformer_net *n, int relpos);
/* Twice get_complexity(sequence_length=196): the rule has halves, and
 * twice it is an exact integer. */
int64_t autoformer_flops2(const struct autoformer_net *n, int relpos);
/* The net an architecture of an open autoformer space stands for; -1 with
 * e if it is not one of its architectures. */
int autoformer_net_of(const struct space *s, const struct arch *a, struct autoformer_net *out,
                      struct err *e);

#endif
