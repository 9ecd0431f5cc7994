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
#include "config.h"
#include "evalflags.h"
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

/* Everything the command line sets, so that one table describes it for the
 * parser, the help and the config file (cmd_search_table). */
struct search_args {
    const char *space_spec, *algo, *cons_text, *datadir, *review, *evaluator;
    struct eval_flags ef;
    int budget, has_budget, has_target, has_review;
    uint64_t seed;
    double target;
    struct algo_flags af;
    char algo_help[256];
    struct agent_cfg ac;
    struct run_cfg rc_;
};

/* The defaults, and the table pointing into `a` ({0}-ended, within `max`);
 * returns the number of rows. */
static int search_table(struct search_args *a, struct opt *opts, int max)
{
    *a = (struct search_args){.space_spec = "nb201:cifar10", .algo = "collm", .review = "auto",
                              .budget = 100, .seed = 1, .algo_help = "collm (default)"};
    int nalgos;
    const struct algo_kind *const *kinds = algo_registry(&nalgos);
    for (int i = 0; i < nalgos; i++) /* "collm (default), random, rea, local or ofa-ea" */
        if (strcmp(kinds[i]->name, "collm") != 0)
            snprintf(a->algo_help + strlen(a->algo_help),
                     sizeof a->algo_help - strlen(a->algo_help), "%s %s",
                     i == nalgos - 1 ? " or" : ",", kinds[i]->name);
    agent_cfg_default(&a->ac);
    run_cfg_default(&a->rc_);
    const struct opt mine[] = {
        {"space", OPT_STR, &a->space_spec, "SPACE", "search space (default nb201:cifar10; "
                                                    "see collm spaces)", NULL},
        {"algo", OPT_STR, &a->algo, "ALGO", a->algo_help, NULL},
        {"budget", OPT_INT, &a->budget, "N", "distinct architectures to evaluate (default 100; "
                                             "ofa-ea: enough for its whole run)", &a->has_budget},
        {"seed", OPT_U64, &a->seed, "N", "random seed (default 1)", NULL},
        {"constraint", OPT_STR, &a->cons_text, "EXPR",
         "cost limits, e.g. 'flops<=100' or 'params<1,lat_pixel3<=20'", NULL},
        {"target", OPT_DOUBLE, &a->target, "X", "stop once the objective reaches X",
         &a->has_target},
        {"review", OPT_STR, &a->review, "POLICY", "what waits for you: auto (default), "
                                                  "candidates, strategy, all", &a->has_review},
        {"data", OPT_STR, &a->datadir, "DIR", "folder with the data files (default: "
                                              "COLLM_DATA_DIR or the installed data/)", NULL},
        {"evaluator", OPT_STR, &a->evaluator, "NAME", "how candidates are evaluated: "
                                                      "nb201-table, ofa-predictor, "
                                                      "fmnist-supernet (default: the first "
                                                      "that serves the space), or 'CMD ARGS': "
                                                      "worker programs (README)", NULL},
    };
    int n = (int)(sizeof mine / sizeof mine[0]);
    memcpy(opts, mine, sizeof mine);
    n += eval_flags_opts(&a->ef, opts + n, max - 1 - n);
    n += algo_flags_opts(&a->af, opts + n, max - 1 - n);
    n += run_cfg_opts(&a->rc_, opts + n, max - 1 - n);
    n += agent_cfg_opts(&a->ac, opts + n, max - 1 - n);
    n += config_opts(opts + n, max - 1 - n);
    opts[n] = (struct opt){0};
    return n;
}

int cmd_search_table(struct opt *o, int max)
{
    static struct search_args scratch; /* the names are wanted, not the values */
    return search_table(&scratch, o, max);
}

int cmd_search(int argc, char **argv)
{
    struct search_args a;
    struct opt opts[96];
    search_table(&a, opts, 96);
    char *pos[1];
    int npos;
    struct err e = {0};
    if (config_load(opts, argc, argv, &e) < 0)
        return cmd_fail("search", &e);
    int rc = opts_parse("search", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("search", &e);
    if (a.budget < 1)
        return cmd_usage("search", "--budget", "must be at least 1");
    if (eval_flags_check(&a.ef, &e) < 0 || run_cfg_check(&a.rc_, &e) < 0 ||
        algo_flags_check(&a.af, &e) < 0)
        return cmd_fail("search", &e);
    int rv = review_from_name(a.review);
    if (rv < 0)
        return cmd_usage("search", "--review", "expected auto, candidates, strategy or all, got "
                         "'%s'", a.review);

    /* a default review from the config file is for the TUI: a headless run
     * has nobody to wait for, and the file must not make it fail */
    if (rv != REVIEW_AUTO && !run_cfg_tui(&a.rc_) && config_gave("review"))
        rv = REVIEW_AUTO, a.has_review = 0;
    if (rv != REVIEW_AUTO && !run_cfg_tui(&a.rc_))
        return cmd_usage("search", "--review", "'%s' waits for a person, which needs the TUI: "
                         "run in a terminal without --headless/--json/--quiet", a.review);
    run_cfg_first_look(&a.rc_, a.has_review);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct space *sp = space_open(a.space_spec, a.datadir, &e);
    struct search_config cfg = {.algo = a.algo, .seed = a.seed, .budget = a.budget,
                                .has_target = a.has_target, .target = a.target,
                                .review = (enum review_policy)rv};
    struct llm_client *client = NULL;
    struct proposer *p = NULL;
    struct evaluator *ev = NULL;
    struct search *s = NULL;
    struct journal *j = NULL;
    int code = EXIT_OK;
    char params[1024];
    algo_flags_params(&a.af, params, sizeof params);
    a.rc_.max_requests = a.ac.max_requests; /* the TUI shows the spend against them */
    a.rc_.max_tokens = (long)a.ac.max_tokens_total;
    if (!sp || constraint_parse(&cfg.cons, a.cons_text, sp->metrics, sp->nmetrics, &e) < 0 ||
        !(p = agent_cfg_proposer(&a.ac, a.algo, sp, a.seed, params, &loop, &client, &e))) {
        code = cmd_fail("search", &e);
        goto out;
    }
    /* an algorithm that ends by design may take a whole run by default */
    if (!a.has_budget && p->kind->budget && p->kind->budget(p->opts) > 0)
        cfg.budget = p->kind->budget(p->opts);
    if (!(ev = evaluator_open_named(a.evaluator, sp, &a.ef.eo, &e)) ||
        !(s = search_new(&cfg, sp, ev, p, &e))) {
        code = cmd_fail("search", &e);
        goto out;
    }

    if (!a.rc_.no_session) {
        char path[4096];
        if (!a.rc_.session && session_default_path(sp->id, a.algo, path, sizeof path, &e) < 0) {
            code = cmd_fail("search", &e);
            goto out;
        }
        struct journal_header h;
        run_header(&h, "search",
                   client ? (a.ac.prompts ? a.ac.prompts : promptdir_default()) : "",
                   a.ac.used_url);
        if (!(j = journal_create(a.rc_.session ? a.rc_.session : path, &h, &e))) {
            code = cmd_fail("search", &e);
            goto out;
        }
        journal_set_fsync(j, a.rc_.fsync);
    }
    a.rc_.key_host = a.ac.key_host;
    code = run_search(s, &loop, &a.rc_, j, begin, NULL);
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
