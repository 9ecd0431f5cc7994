/* collm compare: sessions of one space and objective side by side, their
 * best-so-far curves and their Pareto fronts in one plot each, on the
 * terminal (a letter per session, as gnuplot's dumb terminal marks its
 * series) and as SVG (a colour per session). */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/core/state.h"
#include "../engine/spaces/space.h"
#include "../sessions/journal.h"
#include "../sessions/svg.h"
#include "../widgets/plot.h"
#include "cmds.h"
#include "opts.h"

#define MAXRUNS 8 /* letters A-H and the SVG's eight colours */

static const char usage[] =
    "usage: collm compare FILE FILE... [--cost METRIC] [--svg OUT]\n"
    "\n"
    "Overlays 2 to 8 sessions of the same space and objective: their best-so-far\n"
    "curves (the objective against evaluations) and their Pareto fronts (the\n"
    "objective against a cost), with a legend naming each file with its space,\n"
    "algorithm, evaluations and best. On the terminal each session is a letter\n"
    "(braille lines with a UTF-8 locale, ASCII otherwise; as wide as $COLUMNS or\n"
    "the terminal, else 80); --svg writes both plots with a colour per session.\n"
    "Example:\n"
    "  collm compare rea.jsonl collm.jsonl --cost params --svg compare.svg";

struct run {
    const char *file;
    struct session_rebuild l;
    int cost;     /* the cost's index in this session's metrics, -1: none */
    double best;  /* the objective's best, NAN when nothing was evaluated */
};

/* One series of a plot: points in x order, joined as a staircase. */
struct series {
    struct plot_point *p;
    size_t n;
};

static int load(struct run *r, const char *file, const char *datadir)
{
    struct session ss;
    struct err e = {0};
    r->file = file;
    r->l = (struct session_rebuild){.file = file, .datadir = datadir};
    int rc = session_scan(file, &ss, session_rebuild, &r->l, &e);
    if (rc == 0 && ss.warnings[0])
        fprintf(stderr, "collm compare: %s: %s", file, ss.warnings);
    session_free(&ss);
    if (rc < 0)
        return cmd_fail("compare", &e);
    if (!r->l.sp) {
        fprintf(stderr, "collm compare: %s: no search in it (it never started one)\n", file);
        return EXIT_FAIL;
    }
    const struct record *b = state_best(&r->l.st);
    r->best = b ? b->m[r->l.st.info.objective] : NAN;
    return EXIT_OK;
}

static const char *objective(const struct run *r)
{
    return r->l.st.info.metrics[r->l.st.info.objective].name;
}

/* A metric and its unit, "flops (M)". */
static const char *axis(const struct metric_def *m, char *buf, size_t n)
{
    snprintf(buf, n, m->unit && m->unit[0] ? "%s (%s)" : "%s", m->name, m->unit ? m->unit : "");
    return buf;
}

/* The running best at every improvement, and where the run ends. */
static size_t best_curve(const struct run *r, struct plot_point *p)
{
    const struct state *st = &r->l.st;
    double run = -INFINITY;
    size_t n = 0;
    for (size_t i = 0; i < st->nrec; i++) {
        double v = st->rec[i].m[st->info.objective];
        if (isfinite(v) && v > run)
            p[n++] = (struct plot_point){(double)(i + 1), run = v, ROLE_FRONT};
    }
    if (n && p[n - 1].x < (double)st->nrec)
        p[n++] = (struct plot_point){(double)st->nrec, run, ROLE_FRONT};
    return n;
}

/* The Pareto front against the run's cost, by cost. */
static size_t front(const struct run *r, struct plot_point *p)
{
    const struct state *st = &r->l.st;
    int *idx = malloc((st->nrec + 1) * sizeof *idx);
    long n = idx && r->cost >= 0 ? state_front(st, r->cost, idx) : 0;
    for (long i = 0; i < n; i++)
        p[i] = (struct plot_point){st->rec[idx[i]].m[r->cost], st->rec[idx[i]].m[st->info.objective],
                                   ROLE_FRONT};
    free(idx);
    return n > 0 ? (size_t)n : 0;
}

static int series_of(struct run *runs, int nr, size_t (*fn)(const struct run *, struct plot_point *),
                     struct series *s)
{
    for (int k = 0; k < nr; k++) {
        s[k].p = malloc((runs[k].l.st.nrec + 2) * sizeof *s[k].p);
        if (!s[k].p)
            return -1;
        s[k].n = fn(&runs[k], s[k].p);
    }
    return 0;
}

static void series_free(struct series *s, int nr)
{
    for (int k = 0; k < nr; k++)
        free(s[k].p);
}

/* The range of all the series together (plot_fit over their points). */
static void fit_all(const struct series *s, int nr, struct plot_range *pr)
{
    size_t total = 0;
    for (int k = 0; k < nr; k++)
        total += s[k].n;
    struct plot_point *all = malloc((total + 1) * sizeof *all);
    size_t n = 0;
    for (int k = 0; all && k < nr; k++)
        for (size_t i = 0; i < s[k].n; i++)
            all[n++] = s[k].p[i];
    plot_fit(pr, all, n);
    free(all);
}

/* One plot on stdout: every series as a staircase, its points marked
 * with its letter. */
static int print_plot(const struct series *s, int nr, int h, int w, int ascii, const char *xt,
                      const char *yt, double x_min_step)
{
    struct plot_range pr;
    struct plot_frame f;
    struct canvas c;
    fit_all(s, nr, &pr);
    if (plot_layout(&f, h, w, &pr, xt, yt, x_min_step) < 0 || canvas_init(&c, f.cw, f.ch) < 0)
        return -1;
    c.ascii = f.ascii = ascii;
    char *marks = calloc((size_t)f.cw * (size_t)f.ch, 1);
    for (int k = 0; k < nr; k++)
        plot_overlay(&pr, s[k].p, s[k].n, 1, &c);
    for (int k = 0; marks && k < nr; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            int cx, cy;
            if (plot_cell(&pr, &c, s[k].p[i].x, s[k].p[i].y, &cx, &cy) == 0)
                marks[(size_t)cy * (size_t)c.w + (size_t)cx] = (char)('A' + k);
        }
    int rc = plot_print(stdout, &f, &c, marks, "  ");
    free(marks);
    canvas_free(&c);
    return rc;
}

/* $COLUMNS, else the terminal's width, else 80. */
static int columns(void)
{
    const char *c = getenv("COLUMNS");
    char *end;
    long v = c ? strtol(c, &end, 10) : 0;
    struct winsize ws;
    if (!c || end == c || *end || v <= 0)
        v = isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 80;
    return v < 40 ? 40 : v > 400 ? 400 : (int)v;
}

static const char *algo(const struct run *r)
{
    return r->l.st.info.algo ? r->l.st.info.algo : "?";
}

/* "A  FILE  SPACE  ALGO  N evaluations  best X", the file on a line of its
 * own where the whole would not fit in `w` columns */
static void legend_line(FILE *f, const struct run *r, int k, int fw, int aw, int w)
{
    int rest = (int)strlen(r->l.st.info.space) + aw + 36;
    if (5 + fw + 2 + rest > w)
        fprintf(f, "  %c  %s\n     ", 'A' + k, r->file);
    else
        fprintf(f, "  %c  %-*s  ", 'A' + k, fw, r->file);
    fprintf(f, "%s  %-*s  %4zu evaluations  best ", r->l.st.info.space, aw, algo(r),
            r->l.st.nrec);
    if (isfinite(r->best))
        fprintf(f, "%.2f\n", r->best);
    else
        fputs("-\n", f);
}

static int print_terminal(struct run *runs, int nr, const char *cost_title)
{
    setlocale(LC_CTYPE, "");
    int ascii = MB_CUR_MAX <= 1, w = columns() - 2, fw = 0, aw = 0;
    char yt[96];
    axis(&runs[0].l.st.info.metrics[runs[0].l.st.info.objective], yt, sizeof yt);
    for (int k = 0; k < nr; k++) {
        fw = (int)strlen(runs[k].file) > fw ? (int)strlen(runs[k].file) : fw;
        aw = (int)strlen(algo(&runs[k])) > aw ? (int)strlen(algo(&runs[k])) : aw;
    }
    printf("%d sessions of %s, %s:\n", nr, runs[0].l.st.info.space, yt);
    for (int k = 0; k < nr; k++)
        legend_line(stdout, &runs[k], k, fw, aw, w + 2);
    struct series s[MAXRUNS];
    int rc = series_of(runs, nr, best_curve, s);
    printf("\nBest so far\n");
    if (rc == 0)
        rc = print_plot(s, nr, 16, w, ascii, "evaluation", yt, 1);
    series_free(s, nr);
    if (!cost_title) {
        printf("\n(no cost metric in these sessions: no Pareto fronts)\n");
        return rc;
    }
    printf("\nPareto fronts\n");
    if (rc == 0 && (rc = series_of(runs, nr, front, s)) == 0)
        rc = print_plot(s, nr, 16, w, ascii, cost_title, yt, 0);
    series_free(s, nr);
    return rc;
}

/* ---- SVG ---- */

/* The series of one plot in p: a staircase path and a dot at each point,
 * in the colour of each session. */
static void svg_series(FILE *f, const struct svg_plot *p, const struct series *s, int nr,
                       struct run *runs, const char *what)
{
    for (int k = 0; k < nr; k++) {
        if (!s[k].n)
            continue;
        fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"M%.1f %.1f",
                svg_colour(k), svg_x(p, s[k].p[0].x), svg_y(p, s[k].p[0].y));
        for (size_t i = 1; i < s[k].n; i++) /* across, then up */
            fprintf(f, " H%.1f V%.1f", svg_x(p, s[k].p[i].x), svg_y(p, s[k].p[i].y));
        fputs("\"><title>", f);
        svg_text(f, runs[k].file);
        fprintf(f, ": %s</title></path>\n<g fill=\"%s\">", what, svg_colour(k));
        for (size_t i = 0; i < s[k].n; i++)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>", svg_x(p, s[k].p[i].x),
                    svg_y(p, s[k].p[i].y));
        fputs("</g>\n", f);
    }
}

static void svg_range(const struct series *s, int nr, struct svg_plot *p)
{
    p->x0 = p->y0 = INFINITY, p->x1 = p->y1 = -INFINITY;
    for (int k = 0; k < nr; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            p->x0 = fmin(p->x0, s[k].p[i].x), p->x1 = fmax(p->x1, s[k].p[i].x);
            p->y0 = fmin(p->y0, s[k].p[i].y), p->y1 = fmax(p->y1, s[k].p[i].y);
        }
    svg_fit(&p->x0, &p->x1);
    svg_fit(&p->y0, &p->y1);
}

static int write_svg(FILE *f, struct run *runs, int nr)
{
    const struct state *st0 = &runs[0].l.st;
    const struct metric_def *my = &st0->info.metrics[st0->info.objective];
    const double W = 760, L = 80, R = 30, PH = 300, legend = 40 + 18.0 * nr;
    int has_cost = runs[0].cost >= 0;
    double H = legend + (PH + 90) * (has_cost ? 2 : 1);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
               "<text x=\"%.0f\" y=\"22\" font-size=\"15\">%d sessions of ",
            W, H, W, H, L, nr);
    svg_text(f, st0->info.space);
    fputs(", ", f);
    svg_text(f, my->name);
    fputs("</text>\n", f);
    for (int k = 0; k < nr; k++) {
        double y = 40 + 18.0 * k;
        const struct session_info *in = &runs[k].l.st.info;
        fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                   "stroke-width=\"3\"/><text x=\"%.0f\" y=\"%.0f\">",
                L, y - 4, L + 24, y - 4, svg_colour(k), L + 32, y);
        svg_text(f, runs[k].file);
        fputs(": ", f);
        svg_text(f, in->space);
        fputs(", ", f);
        svg_text(f, algo(&runs[k]));
        fprintf(f, ", %zu evaluations, best ", runs[k].l.st.nrec);
        if (isfinite(runs[k].best))
            fprintf(f, "%.2f</text>\n", runs[k].best);
        else
            fputs("-</text>\n", f);
    }
    struct series s[MAXRUNS];
    struct svg_plot p = {.left = L, .right = W - R, .top = legend + 30};
    p.bottom = p.top + PH;
    int rc = series_of(runs, nr, best_curve, s);
    if (rc == 0) {
        svg_range(s, nr, &p);
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\">best so far, by evaluation"
                   "</text>\n", L, p.top - 10);
        svg_axes(f, &p, "evaluation", "", my->name, my->unit);
        svg_series(f, &p, s, nr, runs, "best so far");
    }
    series_free(s, nr);
    if (rc == 0 && has_cost && (rc = series_of(runs, nr, front, s)) == 0) {
        const struct metric_def *mx = &st0->info.metrics[runs[0].cost];
        p.top = p.bottom + 90, p.bottom = p.top + PH;
        svg_range(s, nr, &p);
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\">Pareto fronts</text>\n", L,
                p.top - 10);
        svg_axes(f, &p, mx->name, mx->unit, my->name, my->unit);
        svg_series(f, &p, s, nr, runs, "Pareto front");
    }
    series_free(s, nr);
    fputs("</svg>\n", f);
    return rc < 0 || ferror(f) ? -1 : 0;
}

/* Every session against the first: one space, one objective, and the
 * cost (by name) in each. */
static int check(struct run *runs, int nr, const char *cost_name)
{
    const struct session_info *a = &runs[0].l.st.info;
    for (int k = 1; k < nr; k++) {
        const struct session_info *b = &runs[k].l.st.info;
        if (strcmp(a->space, b->space) != 0)
            return cmd_usage("compare", "", "%s searched %s and %s searched %s: only sessions "
                             "of one space can be compared", runs[0].file, a->space,
                             runs[k].file, b->space);
        if (strcmp(objective(&runs[0]), objective(&runs[k])) != 0)
            return cmd_usage("compare", "", "%s maximises %s and %s maximises %s: only "
                             "sessions of one objective can be compared", runs[0].file,
                             objective(&runs[0]), runs[k].file, objective(&runs[k]));
    }
    int c0 = cost_name ? metric_find(a->metrics, a->nmetrics, cost_name) : runs[0].l.st.front_cost;
    if (cost_name && (c0 < 0 || a->metrics[c0].role != METRIC_COST))
        return cmd_usage("compare", "--cost", "'%s' is not a cost of %s", cost_name, a->space);
    for (int k = 0; k < nr; k++) {
        const struct session_info *b = &runs[k].l.st.info;
        runs[k].cost = c0 < 0 ? -1 : metric_find(b->metrics, b->nmetrics, a->metrics[c0].name);
        if (c0 >= 0 && runs[k].cost < 0)
            return cmd_usage("compare", "--cost", "%s records no %s", runs[k].file,
                             a->metrics[c0].name);
    }
    return EXIT_OK;
}

/* 1 when a and b name the same file */
static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

int cmd_compare(int argc, char **argv)
{
    const char *svg_out = NULL, *cost_name = NULL, *datadir = NULL;
    const struct opt opts[] = {
        {"cost", OPT_STR, &cost_name, "METRIC", "the cost of the Pareto fronts (default: "
                                                "the first's, flops)", NULL},
        {"svg", OPT_STR, &svg_out, "OUT", "both plots as SVG, a colour per session", NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files", NULL},
        {0},
    };
    char *pos[MAXRUNS + 1];
    int npos;
    struct err e = {0};
    int rc = opts_parse("compare", usage, opts, argc, argv, pos, MAXRUNS + 1, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("compare", &e);
    if (npos < 2)
        return cmd_usage("compare", "", "give two or more session files to compare (see "
                         "--help)");
    if (npos > MAXRUNS)
        return cmd_usage("compare", "", "at most %d sessions at once", MAXRUNS);
    struct run runs[MAXRUNS];
    int nr = 0, code = EXIT_OK;
    while (code == EXIT_OK && nr < npos) {
        code = load(&runs[nr], pos[nr], datadir);
        nr += code == EXIT_OK || runs[nr].l.sp;
    }
    if (code == EXIT_OK)
        code = check(runs, nr, cost_name);
    for (int k = 0; code == EXIT_OK && svg_out && k < nr; k++)
        if (same_file(svg_out, runs[k].file))
            code = cmd_usage("compare", "", "--svg %s is the session %s itself; it would be "
                             "overwritten", svg_out, runs[k].file);
    char ct[96];
    /* --svg -: the picture alone on stdout, for a pipe */
    if (code == EXIT_OK && !(svg_out && strcmp(svg_out, "-") == 0)) {
        const struct session_info *a = &runs[0].l.st.info;
        if (print_terminal(runs, nr, runs[0].cost >= 0 ? axis(&a->metrics[runs[0].cost], ct,
                                                               sizeof ct) : NULL) < 0 &&
            !cmd_output_gone())
            code = EXIT_FAIL;
    }
    if (code == EXIT_OK && svg_out) {
        FILE *f = strcmp(svg_out, "-") == 0 ? stdout : fopen(svg_out, "w");
        int bad = !f || write_svg(f, runs, nr) < 0;
        if (f && f != stdout && fclose(f) != 0)
            bad = 1;
        if (bad && f == stdout && cmd_output_gone())
            bad = 0; /* a reader that went away: how a pipeline ends */
        if (bad) {
            fprintf(stderr, "collm compare: --svg %s: cannot write: %s\n", svg_out,
                    strerror(errno));
            code = EXIT_FAIL;
        }
    }
    for (int k = 0; k < nr; k++)
        session_rebuild_free(&runs[k].l);
    return code;
}
