#include "rng.h"

#include <stdio.h>

#define RNG_MAX_REJECTS 128

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed)
{
    /* splitmix64 spreads small seeds (1, 2, 3 ...) over the whole state. */
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
    /* Lemire's multiply-shift with rejection: unbiased and cheap. */
    uint64_t m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
    uint32_t lo = (uint32_t)m;
    if (lo < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        /* Each draw is rejected with probability < 1/2, so a real stream
         * never gets near the bound; it is there so that a broken state
         * (one that repeats itself) costs a biased draw, not a hang. */
        for (int tries = 0; lo < threshold && tries < RNG_MAX_REJECTS; tries++) {
            m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
            lo = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double rng_double(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

void rng_split(struct rng *r, struct rng *child)
{
    rng_seed(child, rng_next(r));
}

void rng_save(const struct rng *r, char *buf)
{
    for (int i = 0; i < 4; i++)
        snprintf(buf + 16 * i, 17, "%016llx", (unsigned long long)r->s[i]);
}

int rng_load(struct rng *r, const char *text)
{
    struct rng t;
    for (int i = 0; i < 4; i++) {
        t.s[i] = 0;
        for (int j = 0; j < 16; j++) {
            char c = text[16 * i + j];
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (v < 0)
                return -1;
            t.s[i] = t.s[i] << 4 | (uint64_t)v;
        }
    }
    if (text[64] != '\0' && text[64] != ' ')
        return -1;
    /* xoshiro's one fixed point: from all zeros it returns 0 for ever. No
     * seeded stream reaches it, so it only comes from a state never seeded. */
    if ((t.s[0] | t.s[1] | t.s[2] | t.s[3]) == 0)
        return -1;
    *r = t;
    return 0;
}
