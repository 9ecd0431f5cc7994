#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../engine/core/constraint.h"
#include "../engine/eval/eval.h"
#include "../engine/search/proposer.h"
#include "../engine/search/search.h"
#include "../engine/spaces/space.h"
#include "cmds.h"
#include "headless.h"
#include "opts.h"

static const char usage[] =
    "usage: collm search [--space SPACE] [--algo ALGO] [--budget N] [--seed N] [OPTIONS]\n"
    "\n"
    "Searches a space for the architecture with the best objective (validation\n"
    "accuracy), evaluating at most --budget distinct architectures, and reports the\n"
    "best one with its test accuracy. The same seed gives the same output.\n"
    "\n"
    "Examples:\n"
    "  collm search --headless --space nb201:cifar10 --algo rea --budget 100 --seed 1\n"
    "  collm search --headless --algo local --constraint 'flops<=100' --json | jq .";

int cmd_search(int argc, char **argv)
{
    const char *space_spec = "nb201:cifar10", *algo = "rea", *cons_text = NULL, *datadir = NULL;
    int budget = 100, headless = 0, json = 0, timestamps = 0, quiet = 0, has_target = 0;
    uint64_t seed = 1;
    double target = 0;
    struct algo_opts ao;
    algo_opts_default(&ao);
    const struct opt opts[] = {
        {"space", OPT_STR, &space_spec, "SPACE", "search space (default nb201:cifar10; "
                                                 "see collm spaces)", NULL},
        {"algo", OPT_STR, &algo, "ALGO", "random, rea, local or collm (default rea)", NULL},
        {"budget", OPT_INT, &budget, "N", "distinct architectures to evaluate (default 100)",
         NULL},
        {"seed", OPT_U64, &seed, "N", "random seed (default 1)", NULL},
        {"constraint", OPT_STR, &cons_text, "EXPR",
         "cost limits, e.g. 'flops<=100' or 'params<1,lat_pixel3<=20'", NULL},
        {"target", OPT_DOUBLE, &target, "X", "stop once the objective reaches X", &has_target},
        {"batch", OPT_INT, &ao.batch, "N", "candidates per iteration (default: 1 for "
                                           "random and rea, 10 for collm)", NULL},
        {"population", OPT_INT, &ao.population, "N", "rea population size (default 10)", NULL},
        {"tournament", OPT_INT, &ao.tournament, "N", "rea tournament sample size (default 10)",
         NULL},
        {"prior", OPT_DOUBLE, &ao.prior, "W", "collm offline Navigator: weight of the space's "
                                              "prior knowledge, 0 to 1 (default 1)", NULL},
        {"headless", OPT_FLAG, &headless, NULL, "print progress lines instead of the TUI", NULL},
        {"json", OPT_FLAG, &json, NULL, "print the events as JSON Lines (implies --headless)",
         NULL},
        {"timestamps", OPT_FLAG, &timestamps, NULL, "add the time offset \"t\" to JSON events",
         NULL},
        {"quiet", OPT_FLAG, &quiet, NULL, "print only the final summary", NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files (default: COLLM_DATA_DIR "
                                           "or the installed data/)", NULL},
        {0},
    };
    char *pos[1];
    int npos;
    struct err e = {0};
    int rc = opts_parse("search", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("search", &e);
    if (budget < 1)
        return cmd_usage("search", "--budget", "must be at least 1");
    if (ao.batch < 0)
        return cmd_usage("search", "--batch", "must be at least 1");
    if (!headless && !json && isatty(STDOUT_FILENO))
        fprintf(stderr, "collm: the terminal UI is not built yet; running headless\n");

    struct space *sp = space_open(space_spec, datadir, &e);
    if (!sp)
        return cmd_fail("search", &e);
    struct search_config cfg = {.algo = algo, .seed = seed, .budget = budget,
                                .has_target = has_target, .target = target};
    if (constraint_parse(&cfg.cons, cons_text, sp->metrics, sp->nmetrics, &e) < 0) {
        space_close(sp);
        return cmd_fail("search", &e);
    }
    struct proposer *p = proposer_open(algo, sp, seed, &ao, &e);
    if (!p) {
        space_close(sp);
        return cmd_fail("search", &e);
    }
    struct evaluator *ev = evaluator_open(sp, &e);
    struct search *s = ev ? search_new(&cfg, sp, ev, p, &e) : NULL;
    if (!s) {
        evaluator_close(ev);
        proposer_close(p);
        space_close(sp);
        return cmd_fail("search", &e);
    }
    struct headless h;
    headless_init(&h, stdout, json, timestamps, quiet);
    search_listen(s, headless_on_event, &h);
    search_start(s);
    const struct state *st = search_state(s);
    if (!json)
        headless_summary(&h, st);
    int code = EXIT_OK;
    if (search_error(s)[0]) {
        fprintf(stderr, "collm search: %s\n", search_error(s));
        code = EXIT_FAIL;
    } else if (!search_done(s)) {
        fprintf(stderr, "collm search: the search stopped before it ended\n");
        code = EXIT_FAIL;
    } else if (st->finished == 0) {
        fprintf(stderr, "collm search: no architecture was evaluated: %s\n", st->end_detail);
        code = EXIT_FAIL;
    }
    search_free(s);
    evaluator_close(ev);
    proposer_close(p);
    space_close(sp);
    return code;
}
