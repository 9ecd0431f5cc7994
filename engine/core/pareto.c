#include "pareto.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pareto_init(struct pareto *p, int k)
{
    memset(p, 0, sizeof *p);
    p->k = k;
}

void pareto_free(struct pareto *p)
{
    free(p->pts);
    free(p->ids);
    pareto_init(p, p->k);
}

int pareto_dominates(const double *a, const double *b, int k)
{
    int better = 0;
    for (int i = 0; i < k; i++) {
        if (a[i] > b[i])
            return 0;
        if (a[i] < b[i])
            better = 1;
    }
    return better;
}

static int equal(const double *a, const double *b, int k)
{
    for (int i = 0; i < k; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

int pareto_insert(struct pareto *p, const double *pt, int id)
{
    int k = p->k;
    for (size_t i = 0; i < p->n; i++) {
        const double *q = p->pts + i * (size_t)k;
        if (pareto_dominates(q, pt, k) || equal(q, pt, k))
            return 0;
    }
    size_t w = 0; /* compact out the points the new one dominates */
    for (size_t i = 0; i < p->n; i++) {
        const double *q = p->pts + i * (size_t)k;
        if (pareto_dominates(pt, q, k))
            continue;
        if (w != i) {
            memmove(p->pts + w * (size_t)k, q, sizeof(double) * (size_t)k);
            p->ids[w] = p->ids[i];
        }
        w++;
    }
    p->n = w;
    if (p->n == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 16;
        double *np = realloc(p->pts, ncap * (size_t)k * sizeof *np);
        if (!np)
            return -1;
        p->pts = np;
        int *ni = realloc(p->ids, ncap * sizeof *ni);
        if (!ni)
            return -1;
        p->ids = ni;
        p->cap = ncap;
    }
    memcpy(p->pts + p->n * (size_t)k, pt, sizeof(double) * (size_t)k);
    p->ids[p->n++] = id;
    return 1;
}

struct pt2 {
    double x, y;
};

static int cmp_x(const void *a, const void *b)
{
    const struct pt2 *p = a, *q = b;
    return (p->x > q->x) - (p->x < q->x);
}

double pareto_hv2(const struct pareto *p, const double ref[2])
{
    if (p->k != 2 || p->n == 0)
        return 0.0;
    struct pt2 *v = malloc(p->n * sizeof *v);
    if (!v)
        return 0.0;
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++) {
        double x = p->pts[2 * i], y = p->pts[2 * i + 1];
        if (x < ref[0] && y < ref[1])
            v[m++] = (struct pt2){x, y};
    }
    qsort(v, m, sizeof *v, cmp_x);
    /* Sweep in x: each point adds the slab between its y and the lowest y so
     * far. Works even if the set holds dominated points. */
    double hv = 0.0, ybest = ref[1];
    for (size_t i = 0; i < m; i++) {
        if (v[i].y < ybest) {
            hv += (ref[0] - v[i].x) * (ybest - v[i].y);
            ybest = v[i].y;
        }
    }
    free(v);
    return hv;
}

void pareto_sort(struct pareto *p)
{
    /* insertion sort: fronts are small, and this keeps ids in step */
    int k = p->k;
    double tmp[PARETO_MAX_K];
    for (size_t i = 1; i < p->n; i++) {
        memcpy(tmp, p->pts + i * (size_t)k, sizeof(double) * (size_t)k);
        int id = p->ids[i];
        size_t j = i;
        while (j > 0 && p->pts[(j - 1) * (size_t)k] > tmp[0]) {
            memcpy(p->pts + j * (size_t)k, p->pts + (j - 1) * (size_t)k,
                   sizeof(double) * (size_t)k);
            p->ids[j] = p->ids[j - 1];
            j--;
        }
        memcpy(p->pts + j * (size_t)k, tmp, sizeof(double) * (size_t)k);
        p->ids[j] = id;
    }
}

struct xyi {
    double x, y;
    int i;
};

static int by_x_then_y(const void *pa, const void *pb)
{
    const struct xyi *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Sorted by x, a point is on the front when it is lower than every point
 * before it: O(n log n), so a 50,000-evaluation OFA search redraws fast. */
long pareto_front2(const double *x, const double *y, size_t n, size_t stride, int *idx)
{
    struct xyi *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double xi = x[i * stride], yi = y[i * stride];
        if (isfinite(xi) && isfinite(yi))
            p[m++] = (struct xyi){xi, yi, (int)i};
    }
    qsort(p, m, sizeof *p, by_x_then_y);
    long k = 0;
    double low = INFINITY;
    for (size_t i = 0; i < m; i++)
        if (p[i].y < low) {
            low = p[i].y;
            idx[k++] = p[i].i;
        }
    free(p);
    return k;
}
