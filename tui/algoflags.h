/* The algorithms' options on the command line: one --flag per option name
 * any algorithm of the registry declares (engine/search/algo.h), with its
 * help and defaults from those declarations. What was given becomes a
 * params object for proposer_open_params(); each algorithm takes the ones
 * it declares. Shared by search and bench. */
#ifndef COLLM_ALGOFLAGS_H
#define COLLM_ALGOFLAGS_H

#include "../engine/search/algo.h"
#include "opts.h"

#define ALGO_FLAGS_MAX 32

struct algo_flags {
    int n;
    struct algo_flag {
        const struct algo_opt *decl; /* the first declaration of the name */
        int seen;
        int i;
        double d;
        char help[256];
    } f[ALGO_FLAGS_MAX];
};

/* Appends the flags to `o` (room for `max`); returns how many, -1 if too many. */
int algo_flags_opts(struct algo_flags *f, struct opt *o, int max);
/* What the algorithms cannot refuse themselves: 0 in --batch. Headers of
 * older sessions hold batch 0 for "the default", so an algorithm must take
 * it on resume; a person who types it gets an error. 0, or -1 with `e`. */
int algo_flags_check(const struct algo_flags *f, struct err *e);
/* The flags given, as a compact JSON object in buf ("{}" when none);
 * returns buf. */
const char *algo_flags_params(const struct algo_flags *f, char *buf, size_t n);

#endif
