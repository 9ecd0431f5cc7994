#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/search/bench.h"
#include "agentcfg.h"
#include "algoflags.h"
#include "cmds.h"
#include "opts.h"

static const char usage[] =
    "usage: collm bench [--space A,B,..] [--algo A,B,..] [--seeds N] [--budget N] [OPTIONS]\n"
    "\n"
    "Runs every algorithm on every space with seeds S..S+N-1 and prints a Markdown\n"
    "table: mean +- std (sample std over seeds) of the objective (validation\n"
    "accuracy) and of the reported metric (test accuracy) of the best-by-validation\n"
    "architecture, and the median number of evaluations to reach the space's best\n"
    "validation accuracy under the constraint.\n"
    "\n"
    "Example:\n"
    "  collm bench --space nb201:cifar10,nb201:cifar100,nb201:imagenet16 \\\n"
    "              --algo random,rea,local --seeds 30 --budget 100 --out bench.md";

/* Splits "a,b,c" into its items (in place). */
static int split_list(char *s, const char **items, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        if (*tok)
            items[n++] = tok;
    return n;
}

/* Markdown table cells cannot hold a bare '|' (NB201 archs are full of them). */
static void print_cell_code(FILE *f, const char *s)
{
    fputc('`', f);
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('`', f);
}

static void print_table(FILE *f, const struct bench_config *c, const struct bench_result *r)
{
    fprintf(f, "# collm bench\n\n");
    fprintf(f, "%d seeds (%llu..%llu), budget %d distinct architectures per search%s%s.\n\n",
            c->seeds, (unsigned long long)c->seed0,
            (unsigned long long)(c->seed0 + (uint64_t)c->seeds - 1), c->budget,
            c->constraint ? ", constraint " : "", c->constraint ? c->constraint : "");
    fprintf(f, "The search sees the objective only; the reported metric is that of the "
               "best-by-objective architecture, and so are its costs. Mean ± sample std over "
               "seeds. "
               "\"to optimum\": median evaluations until the space's best objective was "
               "found (runs that found it / all runs).\n\n");
    fprintf(f, "| space | algo | objective | reported | costs | evals | to optimum |\n");
    fprintf(f, "|---|---|---|---|---|---|---|\n");
    for (int si = 0; si < c->nspaces; si++) {
        for (int ai = 0; ai < c->nalgos; ai++) {
            const struct bench_cell *x = &r->cells[si * c->nalgos + ai];
            char opt[64];
            if (!r->oracle[si].known)
                snprintf(opt, sizeof opt, "n/a");
            else if (x->median_to_optimum >= 0)
                snprintf(opt, sizeof opt, "%g (%d/%d)", x->median_to_optimum, x->reached,
                         x->runs);
            else
                snprintf(opt, sizeof opt, "not reached (%d/%d)", x->reached, x->runs);
            char rep[64] = "-"; /* a space may have nothing to report beyond the objective */
            if (r->report[si][0])
                snprintf(rep, sizeof rep, "%s %.2f ± %.2f", r->report[si], x->rep_mean,
                         x->rep_std);
            fprintf(f, "| %s | %s | %s %.2f ± %.2f | %s | %s | %.1f | %s |\n",
                    c->spaces[si], c->algos[ai], r->objective[si], x->obj_mean, x->obj_std, rep,
                    x->costs, x->evals_mean, opt);
        }
        const struct bench_oracle *o = &r->oracle[si];
        if (o->known) {
            fprintf(f, "| %s | *best in space* | %s %.2f | %s %.2f | | | ", c->spaces[si],
                    r->objective[si], o->objective, r->report[si], o->report);
            print_cell_code(f, o->arch);
            fprintf(f, " |\n");
        }
    }
}

int cmd_bench(int argc, char **argv)
{
    const char *spaces_arg = "nb201:cifar10,nb201:cifar100,nb201:imagenet16";
    const char *algos_arg = "random,rea,local", *out = NULL, *cons = NULL, *datadir = NULL;
    int seeds = 30, budget = 100;
    uint64_t seed0 = 1;
    struct algo_flags af;
    struct opt opts[24] = {
        {"space", OPT_STR, &spaces_arg, "LIST", "comma-separated spaces (default: the three "
                                                "nb201 datasets)", NULL},
        {"algo", OPT_STR, &algos_arg, "LIST", "comma-separated algorithms (default "
                                              "random,rea,local)", NULL},
        {"seeds", OPT_INT, &seeds, "N", "runs per algorithm and space (default 30)", NULL},
        {"seed", OPT_U64, &seed0, "S", "first seed (default 1)", NULL},
        {"budget", OPT_INT, &budget, "N", "distinct architectures per search (default 100)",
         NULL},
        {"constraint", OPT_STR, &cons, "EXPR", "cost limits, e.g. 'flops<=100'", NULL},
        {"out", OPT_STR, &out, "FILE", "also write the table to FILE", NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files", NULL},
    };
    int n = 0;
    while (opts[n].name)
        n++;
    algo_flags_opts(&af, opts + n, 23 - n); /* the last entry stays the terminator */
    char *pos[1];
    int npos;
    struct err e = {0};
    int rc = opts_parse("bench", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("bench", &e);
    if (seeds < 1 || seeds > 100000)
        return cmd_usage("bench", "--seeds", "must be between 1 and 100000");
    if (budget < 1)
        return cmd_usage("bench", "--budget", "must be at least 1");
    if (algo_flags_check(&af, &e) < 0)
        return cmd_fail("bench", &e);

    char sbuf[1024], abuf[1024], params[1024];
    algo_flags_params(&af, params, sizeof params);
    snprintf(sbuf, sizeof sbuf, "%s", spaces_arg);
    snprintf(abuf, sizeof abuf, "%s", algos_arg);
    const char *spaces[32], *algos[32];
    struct bench_config cfg = {
        .spaces = spaces, .nspaces = split_list(sbuf, spaces, 32), .algos = algos,
        .nalgos = split_list(abuf, algos, 32), .seeds = seeds, .seed0 = seed0,
        .budget = budget, .constraint = cons, .params = params, .datadir = datadir,
    };
    if (!cfg.nspaces || !cfg.nalgos)
        return cmd_usage("bench", "--space/--algo", "give at least one of each");
    /* every name and value is checked before any run, and before --out
     * touches a file */
    if (bench_check(&cfg, &e) < 0)
        return cmd_fail("bench", &e);
    FILE *f = NULL;
    if (out && !(f = fopen(out, "w"))) {
        snprintf(e.where, sizeof e.where, "--out %s", out);
        snprintf(e.msg, sizeof e.msg, "cannot write: %s", strerror(errno));
        return cmd_fail("bench", &e);
    }
    struct bench_result r;
    if (bench_run(&cfg, &r, &e) < 0) {
        if (f)
            fclose(f);
        return cmd_fail("bench", &e);
    }
    print_table(stdout, &cfg, &r);
    int code = EXIT_OK;
    for (int si = 0; si < cfg.nspaces; si++)
        if (r.oracle[si].countable && !r.oracle[si].known) {
            fprintf(stderr, "collm bench: %s: no architecture satisfies the constraint\n",
                    spaces[si]);
            code = EXIT_FAIL;
        }
    if (f) {
        print_table(f, &cfg, &r);
        if (ferror(f) | fclose(f)) {
            fprintf(stderr, "collm bench: --out %s: cannot write: %s\n", out, strerror(errno));
            code = EXIT_FAIL;
        }
    }
    bench_result_free(&r);
    return code;
}
