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
#include "algoflags.h"
#include "cmds.h"
#include "../engine/core/datadir.h"
#include "../sessions/journal.h"
#include "opts.h"
#include "runner.h"

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

static int begin(void *ud, struct search *s)
{
    (void)ud;
    return search_start(s);
}

int cmd_search(int argc, char **argv)
{
    const char *space_spec = "nb201:cifar10", *algo = "collm", *cons_text = NULL, *datadir = NULL,
               *review = "auto", *evaluator = NULL;
    struct eval_opts eo = {0};
    int budget = 100, has_budget = 0, has_target = 0, has_workers = 0, has_review = 0;
    uint64_t seed = 1;
    double target = 0;
    struct algo_flags af;
    char algo_help[256] = "collm (default)";
    int nalgos;
    const struct algo_kind *const *kinds = algo_registry(&nalgos);
    for (int i = 0; i < nalgos; i++) /* "collm (default), random, rea, local or ofa-ea" */
        if (strcmp(kinds[i]->name, "collm") != 0)
            snprintf(algo_help + strlen(algo_help), sizeof algo_help - strlen(algo_help),
                     "%s %s", i == nalgos - 1 ? " or" : ",", kinds[i]->name);
    struct agent_cfg ac;
    agent_cfg_default(&ac);
    struct run_cfg rc_;
    run_cfg_default(&rc_);
    struct opt opts[80] = {
        {"space", OPT_STR, &space_spec, "SPACE", "search space (default nb201:cifar10; "
                                                 "see collm spaces)", NULL},
        {"algo", OPT_STR, &algo, "ALGO", algo_help, NULL},
        {"budget", OPT_INT, &budget, "N", "distinct architectures to evaluate (default 100; "
                                          "ofa-ea: enough for its whole run)", &has_budget},
        {"seed", OPT_U64, &seed, "N", "random seed (default 1)", NULL},
        {"constraint", OPT_STR, &cons_text, "EXPR",
         "cost limits, e.g. 'flops<=100' or 'params<1,lat_pixel3<=20'", NULL},
        {"target", OPT_DOUBLE, &target, "X", "stop once the objective reaches X", &has_target},
        {"review", OPT_STR, &review, "POLICY", "what waits for you: auto (default), candidates, "
                                                "strategy, all", &has_review},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files (default: COLLM_DATA_DIR "
                                           "or the installed data/)", NULL},
        {"evaluator", OPT_STR, &evaluator, "NAME", "how candidates are evaluated: nb201-table, "
                                                   "ofa-predictor, fmnist-supernet (default: "
                                                   "the first that serves the space), or 'CMD "
                                                   "ARGS': worker programs (README)", NULL},
        {"eval-workers", OPT_INT, &eo.workers, "N", "evaluations at once on the thread pool, "
                                                    "1 BLAS thread each (default: the CPUs; 1: "
                                                    "one evaluation, BLAS on every CPU); with "
                                                    "a worker command, workers (default 1)",
         &has_workers},
        {"eval-timeout", OPT_DOUBLE, &eo.timeout, "S", "worker programs: seconds one "
                                                       "evaluation may take (default: no limit)",
         NULL},
        {"launcher", OPT_STR, &eo.launcher, "L", "worker programs: local (default) or slurm "
                                                 "(each worker a job step, through srun)", NULL},
        {"srun-args", OPT_STR, &eo.srun_args, "ARGS", "--launcher slurm: srun's options, e.g. "
                                                      "'--partition=gpu --gres=gpu:1'", NULL},
    };
    int n = 0;
    while (opts[n].name)
        n++;
    n += algo_flags_opts(&af, opts + n, 79 - n);
    n += run_cfg_opts(&rc_, opts + n, 79 - n);
    agent_cfg_opts(&ac, opts + n, 79 - n);
    char *pos[1];
    int npos;
    struct err e = {0};
    int rc = opts_parse("search", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("search", &e);
    if (budget < 1)
        return cmd_usage("search", "--budget", "must be at least 1");
    if ((has_workers && opts_range("--eval-workers", eo.workers, 1, 1024, &e) < 0) ||
        run_cfg_check(&rc_, &e) < 0 || algo_flags_check(&af, &e) < 0)
        return cmd_fail("search", &e);
    if (!(eo.timeout >= 0) || eo.timeout > 1e7)
        return cmd_usage("search", "--eval-timeout", "expected seconds from 0 (no limit) to "
                         "10000000, got %g", eo.timeout);
    int rv = review_from_name(review);
    if (rv < 0)
        return cmd_usage("search", "--review", "expected auto, candidates, strategy or all, got "
                         "'%s'", review);

    if (rv != REVIEW_AUTO && !run_cfg_tui(&rc_))
        return cmd_usage("search", "--review", "'%s' waits for a person, which needs the TUI: "
                         "run in a terminal without --headless/--json/--quiet", review);
    run_cfg_first_look(&rc_, has_review);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct space *sp = space_open(space_spec, datadir, &e);
    struct search_config cfg = {.algo = algo, .seed = seed, .budget = budget,
                                .has_target = has_target, .target = target,
                                .review = (enum review_policy)rv};
    struct llm_client *client = NULL;
    struct proposer *p = NULL;
    struct evaluator *ev = NULL;
    struct search *s = NULL;
    struct journal *j = NULL;
    int code = EXIT_OK;
    char params[1024];
    algo_flags_params(&af, params, sizeof params);
    rc_.max_requests = ac.max_requests; /* the TUI shows the spend against them */
    rc_.max_tokens = (long)ac.max_tokens_total;
    if (!sp || constraint_parse(&cfg.cons, cons_text, sp->metrics, sp->nmetrics, &e) < 0 ||
        !(p = agent_cfg_proposer(&ac, algo, sp, seed, params, &loop, &client, &e))) {
        code = cmd_fail("search", &e);
        goto out;
    }
    /* an algorithm that ends by design may take a whole run by default */
    if (!has_budget && p->kind->budget && p->kind->budget(p->opts) > 0)
        cfg.budget = p->kind->budget(p->opts);
    if (!(ev = evaluator_open_named(evaluator, sp, &eo, &e)) ||
        !(s = search_new(&cfg, sp, ev, p, &e))) {
        code = cmd_fail("search", &e);
        goto out;
    }

    if (!rc_.no_session) {
        char path[4096];
        if (!rc_.session && session_default_path(sp->id, algo, path, sizeof path, &e) < 0) {
            code = cmd_fail("search", &e);
            goto out;
        }
        struct journal_header h;
        run_header(&h, "search", client ? (ac.prompts ? ac.prompts : promptdir_default()) : "",
                   ac.used_url);
        if (!(j = journal_create(rc_.session ? rc_.session : path, &h, &e))) {
            code = cmd_fail("search", &e);
            goto out;
        }
        journal_set_fsync(j, rc_.fsync);
    }
    rc_.key_host = ac.key_host;
    code = run_search(s, &loop, &rc_, j, begin, NULL);
out:
    if (journal_close(j, &e) < 0 && code == EXIT_OK)
        code = cmd_fail("search", &e);
    search_free(s);
    proposer_close(p); /* cancels what its agents still had in flight */
    llm_client_free(client);
    /* before the loop ends: a pool job's completion, or a worker program's
     * exit, still has to come through it */
    evaluator_close(ev);
    /* let closed handles go; a run right after uv_stop() only clears the
     * stop, so try until the loop is empty */
    for (int i = 0; i < 4 && uv_loop_close(&loop) == UV_EBUSY; i++)
        uv_run(&loop, UV_RUN_DEFAULT);
    space_close(sp);
    return code;
}
