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
/* Derives an independent stream, e.g. one per proposer. */
void rng_split(struct rng *r, struct rng *child);

#endif
