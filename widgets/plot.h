/* A scatter plot in braille: each terminal cell holds 2x4 dots, so an 80x24
 * screen still shows a front. Points have a role (theme.h) and the higher
 * role wins a cell: point < latest < front < best. Without a UTF-8 locale
 * a cell is one ASCII mark instead: * best, o front, + latest batch,
 * . point, and - _ | for lines (the front's staircase). The computing part
 * (bounds, dots) is plain C and tested without a terminal; plot_draw puts
 * it on a curses window. */
#ifndef COLLM_PLOT_H
#define COLLM_PLOT_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "theme.h"

struct plot_point {
    double x, y;
    uint8_t role; /* ROLE_POINT, ROLE_LATEST, ROLE_FRONT, ROLE_BEST */
};

struct canvas {
    int w, h;         /* in cells */
    uint8_t *dots;    /* w*h braille bit patterns */
    uint8_t *role;    /* w*h: the strongest role in the cell */
    uint8_t *point;   /* w*h: the strongest role of a point (not a line) in it, or 0 */
    int ascii;        /* canvas_cell gives ASCII marks, not braille */
};

int canvas_init(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);
void canvas_clear(struct canvas *c);
/* A dot at (px, py) in dot coordinates: 0 <= px < 2w, 0 <= py < 4h, y down. */
void canvas_dot(struct canvas *c, int px, int py, uint8_t role);
void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1, uint8_t role);
/* A dot that is a point of the plot: in ASCII its cell shows the point's
 * mark, not a line's. */
void canvas_point(struct canvas *c, int px, int py, uint8_t role);
/* The cell as UTF-8 (a braille pattern, or a space), or in ASCII (one
 * mark, or a space) when c->ascii: buf >= 4 bytes. */
const char *canvas_cell(const struct canvas *c, int x, int y, char *buf);

struct plot_range {
    double x0, x1, y0, y1; /* never empty: equal values get a margin */
};

/* Bounds of the finite points, with 3% margin; a single point or equal
 * values get a unit-wide range around them. */
void plot_fit(struct plot_range *r, const struct plot_point *p, size_t n);
/* Puts the points on the canvas; `stairs`: join the FRONT points in x order
 * as a staircase (a Pareto front of a cost to minimise and a value to
 * maximise). */
void plot_render(const struct plot_range *r, const struct plot_point *p, size_t n, int stairs,
                 struct canvas *c);
/* Draws the canvas with axis labels at (y, x) in a box of h rows, w cols. */
void plot_draw(WINDOW *win, int y, int x, int h, int w, const struct plot_range *r,
               const struct canvas *c, const char *xlabel, const char *ylabel);

#endif
