/* A scatter plot in braille: each terminal cell holds 2x4 dots, so an 80x24
 * screen still shows a front. Points have a role (theme.h) and the higher
 * role wins a cell: point < latest < front < best. Without a UTF-8 locale
 * a cell is one ASCII mark instead: * best, o front, + latest batch,
 * . point, and - _ | for lines (the front's staircase). The computing part
 * (bounds, dots, the frame of axes) is plain C and tested without a
 * terminal; plot_draw puts it on a curses window, plot_print on a file. */
#ifndef COLLM_PLOT_H
#define COLLM_PLOT_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "axis.h"

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
/* plot_render without clearing first: several series on one canvas. */
void plot_overlay(const struct plot_range *r, const struct plot_point *p, size_t n, int stairs,
                  struct canvas *c);
/* The cell that value (x, y) falls in: 0, or -1 when it is not finite or
 * outside r. */
int plot_cell(const struct plot_range *r, const struct canvas *c, double x, double y, int *cx,
              int *cy);
/* A plot's frame: the canvas with a y axis on its left (labels, the
 * line, a tick at each), an x axis under it (the line with its ticks, the
 * labels), the x title at the end of the label row where the labels leave
 * it room, and the y title on a row above when there is one. Ticks are
 * nice values (axis.h); a small box gets fewer, never colliding labels. */
struct plot_frame {
    int h, w;          /* the whole box, in cells */
    int top;           /* rows above the canvas: 1 with a y title */
    int margin;        /* columns of y labels, left of the y axis line */
    int ch, cw;        /* the canvas, in cells, at (top, margin + 1) */
    struct axis x, y;
    int nxlabels;      /* x labels shown: the title may cover the last */
    int xtitle_at;     /* its column on the label row, -1: no room */
    const char *xtitle, *ytitle;
    int ascii;         /* | - + for the lines, not box drawing */
};

/* The frame of an h x w box for range r (titles may be NULL; x_min_step
 * 1 keeps x ticks whole, for counts): -1 when the box is too small for a
 * canvas. Then canvas_init(c, f->cw, f->ch) and plot_render. */
int plot_layout(struct plot_frame *f, int h, int w, const struct plot_range *r,
                const char *xtitle, const char *ytitle, double x_min_step);
/* Box cell (row, col) of a frame around canvas c as UTF-8 (or ASCII) in
 * buf (>= 4 bytes) and the role it is drawn in; marks (cw*ch, 0 for
 * none, may be NULL) put a character over canvas cells. */
const char *plot_frame_cell(const struct plot_frame *f, const struct canvas *c,
                            const char *marks, int row, int col, char *buf, uint8_t *role);
/* The frame and canvas at (y, x) of a curses window, in the theme's roles. */
void plot_draw(WINDOW *win, int y, int x, const struct plot_frame *f, const struct canvas *c);
/* The same as text lines, trailing blanks cut, each after `indent`. */
int plot_print(FILE *out, const struct plot_frame *f, const struct canvas *c, const char *marks,
               const char *indent);

#endif
