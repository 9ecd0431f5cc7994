/* A seeded, deterministic random number generator (xoshiro256**).
 * Same seed, same sequence, on every platform: searches are reproducible. */
#ifndef COLLM_RNG_H
#define COLLM_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform integer in [0, n), without modulo bias. n must be > 0. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Uniform double in [0, 1). */
double rng_double(struct rng *r);
/* The state as 64 hex digits (buf >= 65 bytes), and back: a resumed
 * search continues the very same sequence. rng_load returns -1 on bad text
 * and on the all-zero state (never seeded: it would draw 0 for ever). */
void rng_save(const struct rng *r, char *buf);
int rng_load(struct rng *r, const char *text);
/* Derives an independent stream, e.g. one per proposer. */
void rng_split(struct rng *r, struct rng *child);

#endif
