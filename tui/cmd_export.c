#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../engine/core/state.h"
#include "../engine/spaces/space.h"
#include "../sessions/export.h"
#include "../sessions/journal.h"
#include "cmds.h"
#include "opts.h"

static const char usage[] =
    "usage: collm export FILE [--csv OUT] [--pareto OUT] [--svg OUT] [--cost METRIC]\n"
    "\n"
    "Writes what a session found: --csv every evaluated architecture with its\n"
    "metrics, iteration and source; --pareto the Pareto front as JSON; --svg a\n"
    "plot of the objective against a cost with the front and the best marked.\n"
    "OUT may be '-' for standard output. Example:\n"
    "  collm export run.jsonl --csv run.csv --pareto front.json --svg front.svg";

/* 1 when a and b name the same file */
static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static int write_to(const char *out, int (*fn)(FILE *, const struct state *, int),
                    const struct state *st, int cost, const char *what)
{
    FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
    if (!f) {
        fprintf(stderr, "collm export: --%s %s: cannot write: %s\n", what, out, strerror(errno));
        return EXIT_FAIL;
    }
    int rc = fn(f, st, cost);
    if (f != stdout && fclose(f) != 0)
        rc = -1;
    if (rc < 0) {
        fprintf(stderr, "collm export: --%s %s: cannot write: %s\n", what, out, strerror(errno));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int csv(FILE *f, const struct state *st, int c) { (void)c; return export_csv(f, st); }
static int pareto(FILE *f, const struct state *st, int c) { return export_pareto(f, st, c); }
static int svg(FILE *f, const struct state *st, int c) { return export_svg(f, st, c); }

int cmd_export(int argc, char **argv)
{
    const char *csv_out = NULL, *pareto_out = NULL, *svg_out = NULL, *cost_name = NULL,
               *datadir = NULL;
    const struct opt opts[] = {
        {"csv", OPT_STR, &csv_out, "OUT", "every evaluated architecture, as CSV", NULL},
        {"pareto", OPT_STR, &pareto_out, "OUT", "the Pareto front, as JSON", NULL},
        {"svg", OPT_STR, &svg_out, "OUT", "a plot of the objective against a cost", NULL},
        {"cost", OPT_STR, &cost_name, "METRIC", "the cost to plot (default: the front's, "
                                                "flops)", NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files", NULL},
        {0},
    };
    char *pos[1];
    int npos;
    struct err e = {0};
    int rc = opts_parse("export", usage, opts, argc, argv, pos, 1, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("export", &e);
    if (npos != 1)
        return cmd_usage("export", "", "give the session file to export (see --help)");
    if (!csv_out && !pareto_out && !svg_out)
        return cmd_usage("export", "", "say what to write: --csv, --pareto and/or --svg");

    const char *outs[3] = {csv_out, pareto_out, svg_out}, *flags[3] = {"csv", "pareto", "svg"};
    for (int i = 0; i < 3; i++)
        if (outs[i] && same_file(outs[i], pos[0]))
            return cmd_usage("export", "", "--%s %s is the session itself; it would be "
                             "overwritten", flags[i], outs[i]);
    /* an event at a time into the state: an export of a long session never
     * holds more than the state and one line */
    struct session ss;
    struct session_rebuild l = {.file = pos[0], .datadir = datadir};
    int code = EXIT_OK;
    if (session_scan(pos[0], &ss, session_rebuild, &l, &e) < 0)
        code = cmd_fail("export", &e);
    else if (ss.warnings[0])
        fprintf(stderr, "collm export: %s: %s", pos[0], ss.warnings);
    session_free(&ss);
    if (!l.sp)
        return code;
    int cost = -1;
    if (code == EXIT_OK && cost_name) {
        cost = metric_find(l.st.info.metrics, l.st.info.nmetrics, cost_name);
        if (cost < 0 || l.st.info.metrics[cost].role != METRIC_COST)
            code = cmd_usage("export", "--cost", "'%s' is not a cost of %s", cost_name,
                             l.st.info.space);
    }
    if (code == EXIT_OK && l.st.front_cost < 0 && (pareto_out || svg_out))
        fprintf(stderr, "collm export: %s records no cost metric, so there is no Pareto "
                "front%s\n", pos[0], svg_out ? "; the plot shows the objective by evaluation"
                                             : "");
    if (code == EXIT_OK && csv_out)
        code = write_to(csv_out, csv, &l.st, cost, "csv");
    if (code == EXIT_OK && pareto_out)
        code = write_to(pareto_out, pareto, &l.st, cost, "pareto");
    if (code == EXIT_OK && svg_out)
        code = write_to(svg_out, svg, &l.st, cost, "svg");
    session_rebuild_free(&l);
    return code;
}
