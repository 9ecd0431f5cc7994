/* Architecture values: one choice index per decision dimension of a space.
 * The space gives the meaning (engine/spaces); here they are plain values
 * that can be compared, hashed and kept in a set. */
#ifndef COLLM_ARCH_H
#define COLLM_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* OFA MobileNetV3 needs 46 dimensions (20 kernels, 20 expansions, 5 depths,
 * resolution); 64 leaves room for the other spaces. */
#define ARCH_MAX_DIMS 64

struct arch {
    uint16_t n;
    uint8_t v[ARCH_MAX_DIMS];
};

int arch_eq(const struct arch *a, const struct arch *b);
uint64_t arch_hash(const struct arch *a);

/* A set of architectures (open addressing), each with an int value: used
 * for "visited" (value: the record index, -1 while being evaluated). */
struct archset {
    struct arch *slots;
    int *vals;
    uint8_t *used;
    size_t cap, len;
};

void archset_init(struct archset *s);
void archset_free(struct archset *s);
int archset_has(const struct archset *s, const struct arch *a);
/* Returns 1 if added, 0 if it was already there, -1 on allocation failure. */
int archset_add(struct archset *s, const struct arch *a);
/* Adds or updates `a` with `val`; -1 on allocation failure. */
int archset_put(struct archset *s, const struct arch *a, int val);
/* The value of `a`, or `missing` when it is not in the set. */
int archset_get(const struct archset *s, const struct arch *a, int missing);
void archset_clear(struct archset *s);

#endif
