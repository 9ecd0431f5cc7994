/* Axis ticks at "nice" values, as gnuplot and matplotlib choose them: a
 * step of 1, 2 or 5 times a power of ten, the ticks its multiples inside
 * the range, labels with as many decimals as the step needs (and the same
 * for all), so 91.2 91.4 91.6, -10 0 10, 1.0e8 1.5e8. axis_fit puts them
 * on cells of a screen and keeps the most ticks whose labels do not
 * collide. Plain C, no terminal: plot.c draws what it computes. */
#ifndef COLLM_AXIS_H
#define COLLM_AXIS_H

#include <stddef.h>

#define AXIS_MAXTICKS 16
#define AXIS_LABEL 16

struct axis {
    /* set by the caller */
    double lo, hi;    /* the range the cells show, lo < hi */
    int cells, sub;   /* cells on screen, dots per cell (braille: 2 across, 4 down) */
    int down;         /* 1: a y axis, cell 0 shows hi */
    double min_step;  /* 0, or the smallest step (1: whole numbers, for counts) */
    /* set by axis_ticks / axis_fit */
    int n;
    double step;
    double v[AXIS_MAXTICKS];
    int at[AXIS_MAXTICKS]; /* the cell each tick falls in */
    char label[AXIS_MAXTICKS][AXIS_LABEL];
};

/* The nice step that gives at most `maxn` (>= 1) ticks in lo..hi and at
 * least one, or failing that the largest that gives one (0 when lo..hi is
 * not a finite range). */
double axis_step(double lo, double hi, int maxn, double min_step);
/* The value as its label for ticks `step` apart: "91.4", "-5", "0",
 * "1.5e8", "2e-5"; buf >= AXIS_LABEL bytes. */
const char *axis_format(double v, double step, char *buf, size_t n);
/* The cell of value v on the axis (its dot, then the dot's cell). */
int axis_cell(const struct axis *a, double v);
/* Ticks for at most maxn: a->n (0 when there is no range), values, cells
 * and labels. */
int axis_ticks(struct axis *a, int maxn);
/* The most ticks (up to maxn) whose labels fit without touching: across
 * (a->down == 0) a label is centred under its cell, kept inside
 * -left..cells-1, and needs `gap` free columns to the next; down, `gap`
 * free rows. Returns a->n, at least one tick when there is a range. */
int axis_fit(struct axis *a, int maxn, int left, int gap);
/* The column where label i starts when centred under its tick (across),
 * kept inside -left..cells-1 as axis_fit placed it. */
int axis_label_at(const struct axis *a, int i, int left);

#endif
