/* For fuzz targets that try each search space: open one or abort saying
 * why (the data files are part of the tree, so this never fails there). */
#ifndef COLLM_FUZZ_SPACE_H
#define COLLM_FUZZ_SPACE_H

#include "fuzz.h"

#include "../../engine/spaces/space.h"

static inline struct space *fuzz_space_open(const char *spec)
{
    struct err e = {0};
    struct space *s = space_open(spec, NULL, &e);
    if (!s) {
        fprintf(stderr, "fuzz: %s: %s\n", spec, e.msg);
        abort();
    }
    return s;
}

#endif
