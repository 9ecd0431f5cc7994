/* The Pareto pane: the objective against a cost in braille, or in ASCII
 * marks without a UTF-8 locale (the front as
 * a staircase; the best and the latest batch stand out), and the
 * best-so-far curve under it. */
#include <math.h>
#include <stdlib.h>

#include "../widgets/plot.h"
#include "app.h"

/* the best so far, over evaluations, in `bw` columns of 3 rows at `by` */
static void draw_best(const struct state *st, struct plot_point *pts, struct rect r, int by,
                      int bw)
{
    struct canvas c;
    struct plot_range pr;
    if (!st->nrec || canvas_init(&c, bw, 3) < 0)
        return;
    c.ascii = !pane_unicode();
    double run = -INFINITY;
    for (size_t i = 0; i < st->nrec; i++) {
        double v = st->rec[i].m[st->info.objective];
        if (v > run)
            run = v;
        pts[i] = (struct plot_point){(double)i, run, ROLE_FRONT};
    }
    plot_fit(&pr, pts, st->nrec);
    plot_render(&pr, pts, st->nrec, 1, &c);
    for (int cy = 0; cy < 3; cy++)
        for (int cx = 0; cx < bw; cx++) {
            char cell[4];
            wattrset(stdscr, theme_attr(ROLE_GOOD));
            mvaddstr(by + cy, r.x + 8 + cx, canvas_cell(&c, cx, cy, cell));
        }
    canvas_free(&c);
}

/* An axis: the metric and its unit, "flops (M)". */
static const char *axis(const struct metric_def *m, char *buf, size_t n)
{
    snprintf(buf, n, m->unit && m->unit[0] ? "%s (%s)" : "%s", m->name, m->unit ? m->unit : "");
    return buf;
}

static void draw(struct app *a, void *self, struct rect r)
{
    (void)self;
    const struct state *st = app_state(a);
    int cost = app_cost(a);
    char extra[128] = "", xl[64] = "", yl[64] = "";
    const struct record *b = state_best(st);
    if (cost >= 0 && st->info.nmetrics)
        snprintf(extra, sizeof extra, "%s vs %s",
                 axis(&st->info.metrics[st->info.objective], yl, sizeof yl),
                 axis(&st->info.metrics[cost], xl, sizeof xl));
    pane_frame(a, P_PLOT, extra);
    if (r.w < 16 || r.h < 6 || cost < 0)
        return;
    if (st->nrec == 0) {
        wattrset(stdscr, theme_attr(ROLE_DIM));
        mvaddnstr(r.y + r.h / 2, r.x + 3, "(nothing evaluated yet)", r.w - 6);
        wattrset(stdscr, theme_attr(ROLE_NORMAL));
        return;
    }
    /* the best-so-far curve takes the last 3 rows of the pane */
    int ch = r.h - 2 - 4, cw = r.w - 2 - 7;
    struct plot_point *pts = malloc((st->nrec + 1) * sizeof *pts);
    struct canvas c;
    if (!pts || canvas_init(&c, cw, ch - 1) < 0) {
        free(pts);
        return;
    }
    c.ascii = !pane_unicode();
    for (size_t i = 0; i < st->nrec; i++) {
        uint8_t role = (int)i == st->best ? ROLE_BEST
                       : app_in_front(a, (int)i) ? ROLE_FRONT
                       : st->rec[i].iter == st->iter ? ROLE_LATEST : ROLE_POINT;
        pts[i] = (struct plot_point){st->rec[i].m[cost], st->rec[i].m[st->info.objective], role};
    }
    struct plot_range pr;
    plot_fit(&pr, pts, st->nrec);
    plot_render(&pr, pts, st->nrec, 1, &c);
    plot_draw(stdscr, r.y + 1, r.x + 1, ch, r.w - 2, &pr, &c, xl, yl);
    canvas_free(&c);
    int by = r.y + 1 + ch;
    wattrset(stdscr, theme_attr(ROLE_DIM));
    mvaddnstr(by, r.x + 1, "best", 6);
    if (b)
        mvprintw(by + 1, r.x + 1, "%6.2f", b->m[st->info.objective]);
    draw_best(st, pts, r, by, r.w - 2 - 7);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
    free(pts);
}

/* no focus, no keys: it follows the state */
const struct pane_ops pane_plot = {"Pareto", 0, NULL, draw, NULL, NULL, NULL, NULL};
