#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int canvas_init(struct canvas *c, int w, int h)
{
    memset(c, 0, sizeof *c);
    if (w < 1 || h < 1)
        return -1;
    c->dots = calloc((size_t)w * (size_t)h, 1);
    c->role = calloc((size_t)w * (size_t)h, 1);
    c->point = calloc((size_t)w * (size_t)h, 1);
    if (!c->dots || !c->role || !c->point) {
        canvas_free(c);
        return -1;
    }
    c->w = w;
    c->h = h;
    return 0;
}

void canvas_free(struct canvas *c)
{
    free(c->dots);
    free(c->role);
    free(c->point);
    memset(c, 0, sizeof *c);
}

void canvas_clear(struct canvas *c)
{
    memset(c->dots, 0, (size_t)c->w * (size_t)c->h);
    memset(c->role, 0, (size_t)c->w * (size_t)c->h);
    memset(c->point, 0, (size_t)c->w * (size_t)c->h);
}

/* Unicode braille: dot (col, row) -> bit */
static const uint8_t bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

static int rank(uint8_t role)
{
    switch (role) {
    case ROLE_BEST: return 4;
    case ROLE_FRONT: return 3;
    case ROLE_LATEST: return 2;
    case ROLE_POINT: return 1;
    default: return 0;
    }
}

void canvas_dot(struct canvas *c, int px, int py, uint8_t role)
{
    if (px < 0 || py < 0 || px >= 2 * c->w || py >= 4 * c->h)
        return;
    size_t i = (size_t)(py / 4) * (size_t)c->w + (size_t)(px / 2);
    c->dots[i] |= bit[py % 4][px % 2];
    if (rank(role) > rank(c->role[i]))
        c->role[i] = role;
}

void canvas_point(struct canvas *c, int px, int py, uint8_t role)
{
    if (px < 0 || py < 0 || px >= 2 * c->w || py >= 4 * c->h)
        return;
    canvas_dot(c, px, py, role);
    size_t i = (size_t)(py / 4) * (size_t)c->w + (size_t)(px / 2);
    if (rank(role) > rank(c->point[i]))
        c->point[i] = role;
}

void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1, uint8_t role)
{
    int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) { /* Bresenham */
        canvas_dot(c, x0, y0, role);
        if (x0 == x1 && y0 == y1)
            return;
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

/* A line's dots in one cell as ASCII: upright when they span three of its
 * four dot rows (or two in one column), else level, low or high. */
static char ascii_line(uint8_t d)
{
    int rows = 0, cols = 0, nrows = 0, low = 0;
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < 2; k++)
            if (d & bit[r][k]) {
                rows |= 1 << r;
                cols |= 1 << k;
                low = r;
            }
    for (int r = 0; r < 4; r++)
        nrows += rows >> r & 1;
    if (nrows >= 3 || (nrows == 2 && cols != 3))
        return '|';
    return low >= 2 ? '_' : '-';
}

static char ascii_mark(uint8_t role)
{
    switch (role) {
    case ROLE_BEST: return '*';
    case ROLE_FRONT: return 'o';
    case ROLE_LATEST: return '+';
    default: return '.';
    }
}

const char *canvas_cell(const struct canvas *c, int x, int y, char *buf)
{
    size_t i = (size_t)y * (size_t)c->w + (size_t)x;
    uint8_t d = c->dots[i];
    if (!d || c->ascii) {
        buf[0] = !d ? ' ' : c->point[i] ? ascii_mark(c->point[i]) : ascii_line(d);
        buf[1] = '\0';
        return buf;
    }
    unsigned cp = 0x2800u + d; /* three bytes of UTF-8 */
    buf[0] = (char)(0xE0 | (cp >> 12));
    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (cp & 0x3F));
    buf[3] = '\0';
    return buf;
}

void plot_fit(struct plot_range *r, const struct plot_point *p, size_t n)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(p[i].x) || !isfinite(p[i].y))
            continue;
        x0 = fmin(x0, p[i].x), x1 = fmax(x1, p[i].x);
        y0 = fmin(y0, p[i].y), y1 = fmax(y1, p[i].y);
    }
    if (!isfinite(x0)) /* nothing to show */
        x0 = y0 = 0, x1 = y1 = 1;
    if (x1 - x0 < 1e-12)
        x0 -= 0.5, x1 += 0.5;
    if (y1 - y0 < 1e-12)
        y0 -= 0.5, y1 += 0.5;
    double mx = (x1 - x0) * 0.03, my = (y1 - y0) * 0.03;
    *r = (struct plot_range){x0 - mx, x1 + mx, y0 - my, y1 + my};
}

static int to_px(const struct plot_range *r, const struct canvas *c, double x)
{
    return (int)lround((x - r->x0) / (r->x1 - r->x0) * (2 * c->w - 1));
}

static int to_py(const struct plot_range *r, const struct canvas *c, double y)
{
    return (int)lround((r->y1 - y) / (r->y1 - r->y0) * (4 * c->h - 1));
}

static int by_x(const void *a, const void *b)
{
    const struct plot_point *p = a, *q = b;
    return (p->x > q->x) - (p->x < q->x);
}

int plot_cell(const struct plot_range *r, const struct canvas *c, double x, double y, int *cx,
              int *cy)
{
    if (!isfinite(x) || !isfinite(y))
        return -1;
    int px = to_px(r, c, x), py = to_py(r, c, y);
    if (px < 0 || py < 0 || px >= 2 * c->w || py >= 4 * c->h)
        return -1;
    *cx = px / 2, *cy = py / 4;
    return 0;
}

void plot_render(const struct plot_range *r, const struct plot_point *p, size_t n, int stairs,
                 struct canvas *c)
{
    canvas_clear(c);
    plot_overlay(r, p, n, stairs, c);
}

void plot_overlay(const struct plot_range *r, const struct plot_point *p, size_t n, int stairs,
                  struct canvas *c)
{
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(p[i].x) || !isfinite(p[i].y))
            continue;
        canvas_point(c, to_px(r, c, p[i].x), to_py(r, c, p[i].y), p[i].role);
        nf += p[i].role == ROLE_FRONT || p[i].role == ROLE_BEST;
    }
    if (!stairs || nf < 2)
        return;
    struct plot_point *f = malloc(nf * sizeof *f);
    if (!f)
        return;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((p[i].role == ROLE_FRONT || p[i].role == ROLE_BEST) && isfinite(p[i].x) &&
            isfinite(p[i].y))
            f[k++] = p[i];
    qsort(f, k, sizeof *f, by_x);
    for (size_t i = 1; i < k; i++) { /* across, then up */
        int xa = to_px(r, c, f[i - 1].x), ya = to_py(r, c, f[i - 1].y);
        int xb = to_px(r, c, f[i].x), yb = to_py(r, c, f[i].y);
        canvas_line(c, xa, ya, xb, ya, ROLE_FRONT);
        canvas_line(c, xb, ya, xb, yb, ROLE_FRONT);
    }
    free(f);
}

int plot_layout(struct plot_frame *f, int h, int w, const struct plot_range *r,
                const char *xtitle, const char *ytitle, double x_min_step)
{
    memset(f, 0, sizeof *f);
    f->h = h, f->w = w, f->xtitle = xtitle, f->ytitle = ytitle, f->xtitle_at = -1;
    f->top = ytitle && ytitle[0] ? 1 : 0;
    f->ch = h - f->top - 2; /* the x axis line and its labels under the canvas */
    if (f->ch < 1 || w < 8)
        return -1;
    /* y first: its labels' width decides how wide the canvas is. Where
     * there are rows to spare, a free row between labels, so they read as
     * a scale, not a column. */
    f->y = (struct axis){.lo = r->y0, .hi = r->y1, .cells = f->ch, .sub = 4, .down = 1};
    int ny = (f->ch + 1) / 2;
    axis_fit(&f->y, ny < 2 ? 2 : ny > 8 ? 8 : ny, 0, f->ch >= 6);
    for (int i = 0; i < f->y.n; i++) {
        int l = (int)strlen(f->y.label[i]);
        f->margin = l > f->margin ? l : f->margin;
    }
    if (f->margin > w / 3) /* labels that long would leave no plot: cut them */
        f->margin = w / 3;
    f->cw = w - f->margin - 1;
    f->x = (struct axis){.lo = r->x0, .hi = r->x1, .cells = f->cw, .sub = 2,
                         .min_step = x_min_step};
    int nx = f->cw / 6;
    axis_fit(&f->x, nx < 2 ? 2 : nx > 10 ? 10 : nx, f->margin + 1, 2);
    f->nxlabels = f->x.n;
    if (xtitle && xtitle[0]) { /* at the end of the label row, over the labels it would touch */
        int at = w - (int)strlen(xtitle), k = 0;
        while (k < f->x.n && f->margin + 1 + axis_label_at(&f->x, k, f->margin + 1) +
                                     (int)strlen(f->x.label[k]) + 2 <= at)
            k++;
        if (at >= 0 && (k == f->x.n || k >= 2))
            f->nxlabels = k, f->xtitle_at = at;
    }
    return 0;
}

/* The tick of `a` in cell k, or -1. */
static int tick_in(const struct axis *a, int k)
{
    for (int i = 0; i < a->n; i++)
        if (a->at[i] == k)
            return i;
    return -1;
}

static const char *glyph(const struct plot_frame *f, const char *utf8, char ascii, char *buf)
{
    if (!f->ascii)
        return utf8;
    buf[0] = ascii, buf[1] = '\0';
    return buf;
}

/* The character of text s at column col when s starts at `at`, or 0. */
static char text_at(const char *s, int at, int col)
{
    return s && col >= at && col - at < (int)strlen(s) ? s[col - at] : 0;
}

const char *plot_frame_cell(const struct plot_frame *f, const struct canvas *c,
                            const char *marks, int row, int col, char *buf, uint8_t *role)
{
    *role = ROLE_DIM;
    buf[0] = ' ', buf[1] = '\0';
    int cr = row - f->top, cc = col - f->margin - 1;
    if (row < f->top) {
        char t = text_at(f->ytitle, 0, col);
        buf[0] = t ? t : ' ';
    } else if (cr < f->ch) {
        int t = tick_in(&f->y, cr);
        if (cc >= 0 && cc < c->w && cr < c->h) {
            size_t i = (size_t)cr * (size_t)c->w + (size_t)cc;
            *role = c->role[i] ? c->role[i] : ROLE_POINT;
            if (marks && marks[i]) {
                buf[0] = marks[i];
                return buf;
            }
            return canvas_cell(c, cc, cr, buf);
        }
        if (cc == -1)
            return t >= 0 ? glyph(f, "\u2524", '+', buf) : glyph(f, "\u2502", '|', buf);
        if (t >= 0) { /* right-aligned against the axis line */
            char ch = text_at(f->y.label[t], f->margin - (int)strlen(f->y.label[t]), col);
            buf[0] = ch ? ch : ' ';
        }
    } else if (cr == f->ch) {
        if (cc == -1)
            return glyph(f, "\u2514", '+', buf);
        if (cc >= 0)
            return tick_in(&f->x, cc) >= 0 ? glyph(f, "\u252c", '+', buf)
                                            : glyph(f, "\u2500", '-', buf);
    } else if (cr == f->ch + 1) {
        char t = f->xtitle_at >= 0 ? text_at(f->xtitle, f->xtitle_at, col) : 0;
        for (int i = 0; !t && i < f->nxlabels; i++)
            t = text_at(f->x.label[i], f->margin + 1 + axis_label_at(&f->x, i, f->margin + 1),
                        col);
        buf[0] = t ? t : ' ';
    }
    return buf;
}

void plot_draw(WINDOW *win, int y, int x, const struct plot_frame *f, const struct canvas *c)
{
    for (int row = 0; row < f->h; row++)
        for (int col = 0; col < f->w; col++) {
            char buf[8];
            uint8_t role;
            const char *s = plot_frame_cell(f, c, NULL, row, col, buf, &role);
            wattrset(win, theme_attr(role));
            mvwaddstr(win, y + row, x + col, s);
        }
    wattrset(win, theme_attr(ROLE_NORMAL));
}

int plot_print(FILE *out, const struct plot_frame *f, const struct canvas *c, const char *marks,
               const char *indent)
{
    for (int row = 0; row < f->h; row++) {
        int end = f->w; /* the last cell that is not blank */
        char buf[8];
        uint8_t role;
        while (end > 0 && strcmp(plot_frame_cell(f, c, marks, row, end - 1, buf, &role), " ") == 0)
            end--;
        fputs(indent, out);
        for (int col = 0; col < end; col++)
            fputs(plot_frame_cell(f, c, marks, row, col, buf, &role), out);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}
