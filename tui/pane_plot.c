/* The Pareto pane: the objective against a cost in braille, or in ASCII
 * marks without a UTF-8 locale (the front as a staircase; the best and the
 * latest batch stand out), on numeric axes, and the best-so-far curve
 * under it on a scale of its own. */
#include <math.h>
#include <stdlib.h>

#include "../widgets/plot.h"
#include "app.h"

/* The best so far against the evaluation number, in an h x w box at
 * (y, x) with its own scale: green, as the best's colour elsewhere. */
static void draw_best(const struct state *st, struct plot_point *pts, int y, int x, int h, int w,
                      const char *obj)
{
    double run = -INFINITY;
    for (size_t i = 0; i < st->nrec; i++) {
        double v = st->rec[i].m[st->info.objective];
        if (v > run)
            run = v;
        pts[i] = (struct plot_point){(double)(i + 1), run, ROLE_FRONT};
    }
    struct plot_range pr;
    plot_fit(&pr, pts, st->nrec);
    char yt[80];
    snprintf(yt, sizeof yt, "best %s", obj);
    /* a title row of its own where there is room; else the x title says it */
    struct plot_frame f;
    int ok = h >= 7 ? plot_layout(&f, h, w, &pr, "evaluation", yt, 1)
                    : plot_layout(&f, h, w, &pr, "best so far by evaluation", NULL, 1);
    for (int k = 0; ok == 0 && f.xtitle_at < 0 && h < 7 && k < 2; k++)
        ok = plot_layout(&f, h, w, &pr, k ? "best" : "best so far", NULL, 1);
    struct canvas c;
    if (ok < 0 || canvas_init(&c, f.cw, f.ch) < 0)
        return;
    c.ascii = f.ascii = !pane_unicode();
    plot_render(&pr, pts, st->nrec, 1, &c);
    for (int i = 0; i < c.w * c.h; i++)
        if (c.role[i])
            c.role[i] = ROLE_GOOD;
    plot_draw(stdscr, y, x, &f, &c);
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
    /* the best-so-far curve takes the lower third where the pane has room
     * for both with their axes (80x24 has just that) */
    int h = r.h - 2, w = r.w - 2, hb = h >= 9 ? (h / 3 > 4 ? h / 3 : 4) : 0, hp = h - hb;
    struct plot_point *pts = malloc((st->nrec + 1) * sizeof *pts);
    struct plot_frame f;
    struct canvas c;
    for (size_t i = 0; pts && i < st->nrec; i++) {
        uint8_t role = (int)i == st->best ? ROLE_BEST
                       : app_in_front(a, (int)i) ? ROLE_FRONT
                       : st->rec[i].iter == st->iter ? ROLE_LATEST : ROLE_POINT;
        pts[i] = (struct plot_point){st->rec[i].m[cost], st->rec[i].m[st->info.objective], role};
    }
    struct plot_range pr;
    if (pts)
        plot_fit(&pr, pts, st->nrec);
    /* the pane's title names both axes; a tall pane says y's over its labels */
    if (!pts || plot_layout(&f, hp, w, &pr, xl, hp >= 10 ? yl : NULL, 0) < 0 ||
        canvas_init(&c, f.cw, f.ch) < 0) {
        free(pts);
        return;
    }
    c.ascii = f.ascii = !pane_unicode();
    plot_render(&pr, pts, st->nrec, 1, &c);
    plot_draw(stdscr, r.y + 1, r.x + 1, &f, &c);
    canvas_free(&c);
    if (hb)
        draw_best(st, pts, r.y + 1 + hp, r.x + 1, hb, w, yl);
    free(pts);
}

/* no focus, no keys: it follows the state */
const struct pane_ops pane_plot = {"Pareto", 0, NULL, draw, NULL, NULL, NULL, NULL};
