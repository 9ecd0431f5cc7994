#include "arch.h"

#include <stdlib.h>
#include <string.h>

int arch_eq(const struct arch *a, const struct arch *b)
{
    return a->n == b->n && memcmp(a->v, b->v, a->n) == 0;
}

uint64_t arch_hash(const struct arch *a)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ a->n; /* FNV-1a */
    for (int i = 0; i < a->n; i++) {
        h ^= a->v[i];
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

void archset_init(struct archset *s)
{
    memset(s, 0, sizeof *s);
}

void archset_free(struct archset *s)
{
    free(s->slots);
    free(s->vals);
    free(s->used);
    archset_init(s);
}

void archset_clear(struct archset *s)
{
    if (s->used)
        memset(s->used, 0, s->cap);
    s->len = 0;
}

static size_t find_slot(const struct archset *s, const struct arch *a)
{
    size_t mask = s->cap - 1;
    size_t i = (size_t)arch_hash(a) & mask;
    while (s->used[i] && !arch_eq(&s->slots[i], a))
        i = (i + 1) & mask;
    return i;
}

int archset_has(const struct archset *s, const struct arch *a)
{
    if (!s->cap)
        return 0;
    return s->used[find_slot(s, a)];
}

static int grow(struct archset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64;
    struct archset n = {
        .slots = malloc(ncap * sizeof *n.slots),
        .vals = malloc(ncap * sizeof *n.vals),
        .used = calloc(ncap, 1),
        .cap = ncap,
    };
    if (!n.slots || !n.vals || !n.used) {
        free(n.slots);
        free(n.vals);
        free(n.used);
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->used[i]) {
            size_t j = find_slot(&n, &s->slots[i]);
            n.slots[j] = s->slots[i];
            n.vals[j] = s->vals[i];
            n.used[j] = 1;
            n.len++;
        }
    free(s->slots);
    free(s->vals);
    free(s->used);
    *s = n;
    return 0;
}

int archset_add(struct archset *s, const struct arch *a)
{
    if (archset_has(s, a))
        return 0; /* and never grows: updating a known key cannot fail */
    if ((s->len + 1) * 4 > s->cap * 3 && grow(s) < 0)
        return -1;
    size_t i = find_slot(s, a);
    if (s->used[i])
        return 0;
    s->slots[i] = *a;
    s->vals[i] = 0;
    s->used[i] = 1;
    s->len++;
    return 1;
}

int archset_put(struct archset *s, const struct arch *a, int val)
{
    if (archset_add(s, a) < 0)
        return -1;
    s->vals[find_slot(s, a)] = val;
    return 0;
}

int archset_get(const struct archset *s, const struct arch *a, int missing)
{
    if (!s->cap)
        return missing;
    size_t i = find_slot(s, a);
    return s->used[i] ? s->vals[i] : missing;
}
