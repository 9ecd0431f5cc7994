/* A Pareto set of points with k objectives, all to be minimised (negate what
 * you maximise), each carrying the id of what it stands for. */
#ifndef COLLM_PARETO_H
#define COLLM_PARETO_H

#include <stddef.h>

#define PARETO_MAX_K 8

struct pareto {
    int k;
    size_t n, cap;
    double *pts; /* n * k values */
    int *ids;
};

void pareto_init(struct pareto *p, int k);
void pareto_free(struct pareto *p);
/* 1 if `a` dominates `b`: no worse everywhere and better somewhere. */
int pareto_dominates(const double *a, const double *b, int k);
/* Adds pt unless something in the set dominates or equals it; drops what it
 * dominates. Returns 1 if added, 0 if not, -1 on allocation failure. */
int pareto_insert(struct pareto *p, const double *pt, int id);
/* Hypervolume of a 2-objective set against a reference point that every
 * point should dominate; points that do not are ignored. */
double pareto_hv2(const struct pareto *p, const double ref[2]);
/* The 2-objective front of n points given as x[i * stride], y[i * stride]
 * (both minimised), computed afresh: any pair of metrics, not only the one
 * a `struct pareto` was kept for. Writes the indices of the points no
 * other point dominates (of equal points, the first) into idx, sorted by
 * x, and returns how many; points with a NaN or infinity are left out.
 * -1 on allocation failure. */
long pareto_front2(const double *x, const double *y, size_t n, size_t stride, int *idx);
/* Sorts the set by its first objective (for plots and output). */
void pareto_sort(struct pareto *p);

#endif
