/* The NAS-Bench-201 cell space: 6 edges of a 4-node cell, 5 operations each,
 * written as its cell text, its results in the table (engine/tables/). */
#ifndef COLLM_NB201_H
#define COLLM_NB201_H

#include <stddef.h>

#include "../tables/nb201_table.h"
#include "space.h"

extern const struct space_file nb201_space_files[];
struct space *nb201_space_open(const char *dataset, const char *datadir, struct err *e);

/* The table and dataset behind an open nb201 space (for its evaluator). */
const struct nb201_table *nb201_space_table(const struct space *s, int *dataset);

#endif
