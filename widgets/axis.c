#include "axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A tick's value is a whole multiple k of the step; the slack keeps an end
 * that is itself a multiple (91.6 of 0.2) from being lost to rounding. */
static double kfirst(double lo, double s) { return ceil(lo / s - 1e-9); }
static double klast(double hi, double s) { return floor(hi / s + 1e-9); }

static double count(double lo, double hi, double s)
{
    return klast(hi, s) - kfirst(lo, s) + 1;
}

double axis_step(double lo, double hi, int maxn, double min_step)
{
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo) || maxn < 1)
        return 0;
    static const double mant[3] = {1, 2, 5};
    double range = hi - lo, fallback = 0;
    /* from a tenth of the finest useful step up to ten times the range:
     * past that only a zero inside the range could still be a tick */
    int e = (int)floor(log10(range / (maxn + 1))) - 1;
    for (int i = 0; i < 60; i++, e += i % 3 == 0) {
        double s = mant[i % 3] * pow(10, e);
        if (s < min_step)
            continue;
        if (s > range * 10 && fallback > 0)
            break;
        double c = count(lo, hi, s);
        if (c >= 1 && c <= maxn)
            return s;
        if (c >= 1)
            fallback = s;
    }
    return fallback;
}

const char *axis_format(double v, double step, char *buf, size_t n)
{
    if (fabs(v) < step * 1e-6) /* no "-0.0" from a sum that missed zero */
        v = 0;
    int se = (int)floor(log10(step) + 1e-9);
    if (v != 0 && (step >= 1e5 || step < 1e-5)) {
        /* 1.5e8: as many decimals as the step shows at v's magnitude */
        int e = (int)floor(log10(fabs(v)) + 1e-9), d = e - se > 0 ? e - se : 0;
        double m = v / pow(10, e);
        if (fabs(m) >= 10 - 0.5 * pow(10, -d)) { /* 9.96 would print as "10.0" */
            m /= 10, e++;
            d = e - se > 0 ? e - se : 0;
        }
        snprintf(buf, n, "%.*fe%d", d > 6 ? 6 : d, m, e);
        return buf;
    }
    int d = se < 0 ? -se : 0;
    snprintf(buf, n, "%.*f", d > 9 ? 9 : d, v);
    return buf;
}

int axis_cell(const struct axis *a, double v)
{
    long dots = (long)a->cells * a->sub;
    double f = a->down ? (a->hi - v) / (a->hi - a->lo) : (v - a->lo) / (a->hi - a->lo);
    long d = lround(f * (double)(dots - 1));
    long c = d < 0 ? 0 : d / a->sub;
    return (int)(c >= a->cells ? a->cells - 1 : c);
}

int axis_ticks(struct axis *a, int maxn)
{
    if (maxn > AXIS_MAXTICKS)
        maxn = AXIS_MAXTICKS;
    a->n = 0;
    a->step = a->cells > 0 ? axis_step(a->lo, a->hi, maxn, a->min_step) : 0;
    if (a->step <= 0)
        return 0;
    double k0 = kfirst(a->lo, a->step), k1 = klast(a->hi, a->step);
    if (k1 - k0 + 1 > maxn) /* the fallback step: the middle ones */
        k0 += floor((k1 - k0 + 1 - maxn) / 2);
    for (double k = k0; k <= k1 && a->n < maxn; k++) {
        a->v[a->n] = k * a->step;
        a->at[a->n] = axis_cell(a, a->v[a->n]);
        axis_format(a->v[a->n], a->step, a->label[a->n], AXIS_LABEL);
        a->n++;
    }
    return a->n;
}

int axis_label_at(const struct axis *a, int i, int left)
{
    int len = (int)strlen(a->label[i]), x = a->at[i] - (len - 1) / 2;
    if (x + len > a->cells)
        x = a->cells - len;
    return x < -left ? -left : x;
}

static int fits(const struct axis *a, int left, int gap)
{
    for (int i = 1; i < a->n; i++) {
        if (a->down) {
            if (a->at[i - 1] - a->at[i] <= gap)
                return 0;
        } else if (axis_label_at(a, i, left) <
                   axis_label_at(a, i - 1, left) + (int)strlen(a->label[i - 1]) + gap)
            return 0;
    }
    return 1;
}

int axis_fit(struct axis *a, int maxn, int left, int gap)
{
    for (int m = maxn > AXIS_MAXTICKS ? AXIS_MAXTICKS : maxn; m > 1; m--)
        if (axis_ticks(a, m) && fits(a, left, gap))
            return a->n;
    return axis_ticks(a, 1);
}
