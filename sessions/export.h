/* What a session found, for tools other than collm: every evaluated
 * architecture as CSV, the Pareto front as JSON, and an SVG plot of the
 * objective against a cost with the front and the best marked. */
#ifndef COLLM_EXPORT_H
#define COLLM_EXPORT_H

#include <stdio.h>

#include "../engine/core/state.h"

/* order,iter,id,source,by,arch,<every metric> ; the header names units. */
int export_csv(FILE *f, const struct state *st);
/* {"space", "objective", "cost", "front": [{"arch", metrics...}]} by cost;
 * the front against `cost`, a COST metric index (-1: the front's). */
int export_pareto(FILE *f, const struct state *st, int cost);
/* A self-contained SVG, `cost` a COST metric index (-1: the front's). */
int export_svg(FILE *f, const struct state *st, int cost);

#endif
