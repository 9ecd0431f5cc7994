/* The pieces of collm's SVG plots (export --svg, compare --svg): escaped
 * text, a frame with axes at nice ticks and their titles, one colour per
 * series. Plain stdio: the picture is text a browser draws. */
#ifndef COLLM_SVG_H
#define COLLM_SVG_H

#include <stdio.h>

/* Where a plot lies in the picture and what its axes show. */
struct svg_plot {
    double left, top, right, bottom; /* the plotting area, in pixels */
    double x0, x1, y0, y1;           /* the values at its edges */
};

/* "<" ">" "&" '"' as entities. */
void svg_text(FILE *f, const char *s);
/* A "nice" tick step for a range: 1, 2 or 5 times a power of ten. */
double svg_step(double range);
/* The pixel of value x (or y) in plot p. */
double svg_x(const struct svg_plot *p, double x);
double svg_y(const struct svg_plot *p, double y);
/* The bounds of a plot around lo..hi with a 5% margin; equal ends get a
 * unit-wide range, non-finite ones 0..1. */
void svg_fit(double *lo, double *hi);
/* The axis lines, a tick and its value at every step, the x title under
 * them and the y title turned along the left. A unit of "" or NULL is
 * left out. */
void svg_axes(FILE *f, const struct svg_plot *p, const char *xname, const char *xunit,
              const char *yname, const char *yunit);
/* The colour of series i (export's orange first), apart for the first 8. */
const char *svg_colour(int i);

#endif
