#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "../engine/core/constraint.h"
#include "../engine/eval/eval.h"
#include "../engine/llm/llm.h"
#include "../engine/search/proposer.h"
#include "../engine/search/search.h"
#include "../engine/spaces/space.h"
#include "agentcfg.h"
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
    "--algo collm runs the CoLLM-NAS loop: a Navigator writes a strategy, a Generator\n"
    "writes candidates. Without an LLM endpoint both are the offline agents (search\n"
    "algorithms of ours, labelled offline); with --llm-url/--llm/OPENAI_BASE_URL they\n"
    "are LLMs (OPENAI_API_KEY is sent as a header, never written anywhere).\n"
    "\n"
    "Examples:\n"
    "  collm search --headless --space nb201:cifar10 --algo rea --budget 100 --seed 1\n"
    "  collm search --headless --algo collm --budget 100\n"
    "  collm search --headless --algo collm --llm ollama:qwen3:30b-a3b\n"
    "  collm search --headless --algo local --constraint 'flops<=100' --json | jq .";

/* The loop's side of a headless search: stop when it ends, when it pauses
 * (an LLM that keeps failing: headless has nobody to ask) or on Ctrl-C. */
struct run {
    uv_loop_t *loop;
    struct search *s;
    uv_signal_t sigint, sigterm;
    int paused, interrupted;
    char why[256];
};

static void watch(void *ud, const struct event *ev, const struct state *st)
{
    struct run *r = ud;
    (void)st;
    if (ev->type == EV_SESSION_ENDED)
        uv_stop(r->loop);
    if (ev->type == EV_PAUSED) {
        r->paused = 1;
        snprintf(r->why, sizeof r->why, "%s", ev->detail ? ev->detail : "");
        uv_stop(r->loop);
    }
}

static void on_signal(uv_signal_t *h, int sig)
{
    struct run *r = h->data;
    r->interrupted = 1;
    search_stop(r->s, END_USER, sig == SIGINT ? "interrupted (Ctrl-C)" : "terminated");
}

int cmd_search(int argc, char **argv)
{
    const char *space_spec = "nb201:cifar10", *algo = "rea", *cons_text = NULL, *datadir = NULL;
    int budget = 100, headless = 0, json = 0, timestamps = 0, quiet = 0, has_target = 0,
        strategies = 0;
    uint64_t seed = 1;
    double target = 0;
    struct algo_opts ao;
    algo_opts_default(&ao);
    struct agent_cfg ac;
    agent_cfg_default(&ac);
    struct opt opts[48] = {
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
        {"strategies", OPT_FLAG, &strategies, NULL, "print each strategy the Navigator writes",
         NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files (default: COLLM_DATA_DIR "
                                           "or the installed data/)", NULL},
    };
    int n = 0;
    while (opts[n].name)
        n++;
    agent_cfg_opts(&ac, opts + n, 47 - n);
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
    if (ao.prior < 0 || ao.prior > 1)
        return cmd_usage("search", "--prior", "must be between 0 and 1");
    if (!headless && !json && isatty(STDOUT_FILENO))
        fprintf(stderr, "collm: the terminal UI is not built yet; running headless\n");

    uv_loop_t loop;
    uv_loop_init(&loop);
    struct space *sp = space_open(space_spec, datadir, &e);
    struct search_config cfg = {.algo = algo, .seed = seed, .budget = budget,
                                .has_target = has_target, .target = target};
    struct llm_client *client = NULL;
    struct proposer *p = NULL;
    struct evaluator *ev = NULL;
    struct search *s = NULL;
    int code = EXIT_OK;
    if (!sp || constraint_parse(&cfg.cons, cons_text, sp->metrics, sp->nmetrics, &e) < 0 ||
        !(p = agent_cfg_proposer(&ac, algo, sp, seed, &ao, &loop, &client, &e)) ||
        !(ev = evaluator_open(sp, &e)) || !(s = search_new(&cfg, sp, ev, p, &e))) {
        code = cmd_fail("search", &e);
        goto out;
    }

    struct headless h;
    headless_init(&h, stdout, json, timestamps, quiet);
    h.strategies = strategies;
    search_listen(s, headless_on_event, &h);
    struct run r = {.loop = &loop, .s = s};
    search_listen(s, watch, &r);
    uv_signal_init(&loop, &r.sigint);
    uv_signal_init(&loop, &r.sigterm);
    r.sigint.data = r.sigterm.data = &r;
    uv_signal_start(&r.sigint, on_signal, SIGINT);
    uv_signal_start(&r.sigterm, on_signal, SIGTERM);

    search_start(s);
    if (!search_done(s))
        uv_run(&loop, UV_RUN_DEFAULT);
    if (!search_done(s) && r.paused) /* nobody to ask: end with the reason */
        search_stop(s, END_ERROR, r.why);
    uv_close((uv_handle_t *)&r.sigint, NULL);
    uv_close((uv_handle_t *)&r.sigterm, NULL);

    const struct state *st = search_state(s);
    if (!json)
        headless_summary(&h, st);
    if (search_error(s)[0]) {
        fprintf(stderr, "collm search: %s\n", search_error(s));
        code = EXIT_FAIL;
    } else if (!search_done(s)) {
        fprintf(stderr, "collm search: the search stopped before it ended\n");
        code = EXIT_FAIL;
    } else if (st->end == END_ERROR) {
        fprintf(stderr, "collm search: stopped: %s\n", st->end_detail);
        code = EXIT_FAIL;
    } else if (st->end == END_USER) {
        code = 130;
    } else if (st->finished == 0) {
        fprintf(stderr, "collm search: no architecture was evaluated: %s\n", st->end_detail);
        code = EXIT_FAIL;
    }
out:
    search_free(s);
    proposer_close(p); /* cancels what its agents still had in flight */
    llm_client_free(client);
    /* let closed handles go; a run right after uv_stop() only clears the
     * stop, so try until the loop is empty */
    for (int i = 0; i < 4 && uv_loop_close(&loop) == UV_EBUSY; i++)
        uv_run(&loop, UV_RUN_DEFAULT);
    evaluator_close(ev);
    space_close(sp);
    return code;
}
