#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "../engine/core/constraint.h"
#include "../engine/core/datadir.h"
#include "../engine/eval/eval.h"
#include "../engine/eval/external.h"
#include "../engine/llm/llm.h"
#include "../engine/search/search.h"
#include "evalflags.h"
#include "../engine/spaces/space.h"
#include "../sessions/journal.h"
#include "agentcfg.h"
#include "cmds.h"
#include "config.h"
#include "opts.h"
#include "runner.h"

static const char usage[] =
    "usage: collm resume FILE [--budget N] [--from SEQ [--session NEW]] [OPTIONS]\n"
    "\n"
    "Continues a stopped or killed search where its journal ends: the state is\n"
    "rebuilt from the events, evaluations that were running are done again, and\n"
    "the search goes on to its budget (--budget N extends it). Nothing finished is\n"
    "evaluated twice. With --from SEQ it forks instead: a new session (--session\n"
    "NEW, else the default folder) starts as the old one was after event SEQ, and\n"
    "the old file is never touched. LLM agents need an endpoint named in this run\n"
    "(--llm-url, --llm or OPENAI_BASE_URL): the one the session recorded is used\n"
    "only when you pass it again or, in a terminal, say yes when asked, so an\n"
    "edited session file cannot send OPENAI_API_KEY elsewhere.";

struct cont {
    const struct event *evs;
    int n, budget, failed;
    const char *file;
    struct err e;
};

static int begin(void *ud, struct search *s)
{
    struct cont *c = ud;
    if (search_continue(s, c->evs, c->n, c->budget, &c->e) < 0) {
        err_wrap(&c->e, c->file);
        cmd_fail("resume", &c->e);
        c->failed = 1;
        return -1;
    }
    return 0;
}

/* An error about the algorithm or its options: those come from the session's
 * header (resume takes no algorithm flags), the rest from the command line. */
static int recorded_option(const char *algo, const char *where)
{
    if (strstr(where, "--algo") || strstr(where, "params"))
        return 1;
    const struct algo_kind *k = algo_find(algo, NULL);
    for (const struct algo_opt *o = k ? k->opts : NULL; o && o->name; o++)
        if (strncmp(where, "--", 2) == 0 && strcmp(where + 2, o->name) == 0)
            return 1;
    return 0;
}

/* In a terminal, the person may allow the session's endpoint instead of
 * typing it again; the question names the host, never the key. */
static int confirm_endpoint(const struct agent_cfg *ac, const struct run_cfg *rc_)
{
    if (agent_cfg_named(ac) || !ac->session_url || !run_cfg_tui(rc_) || rc_->script ||
        !isatty(STDERR_FILENO) ||
        (ac->navigator && !strcmp(ac->navigator, "offline") && ac->generator &&
         !strcmp(ac->generator, "offline")))
        return 0;
    char shown[1024], answer[16] = "";
    llm_redact_url(ac->session_url, shown, sizeof shown);
    const char *key = getenv("OPENAI_API_KEY");
    fprintf(stderr, "The session names the LLM endpoint %s.\nSend this search's requests%s "
            "there? [y/N] ", shown, key && key[0] ? " and OPENAI_API_KEY" : "");
    fflush(stderr);
    return fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

int cmd_resume(int argc, char **argv)
{
    int budget = 0, has_budget = 0, from = 0, has_from = 0, has_target = 0;
    double target = 0;
    const char *datadir = NULL, *evaluator = NULL;
    struct eval_flags ef;
    struct run_cfg rc_;
    run_cfg_default(&rc_);
    struct agent_cfg ac;
    agent_cfg_default(&ac);
    struct opt opts[80] = {
        {"budget", OPT_INT, &budget, "N", "the budget from now on (default: the session's)",
         &has_budget},
        {"from", OPT_INT, &from, "SEQ", "fork a new session from event SEQ", &has_from},
        {"target", OPT_DOUBLE, &target, "X", "a new target (default: the session's)",
         &has_target},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files", NULL},
        {"evaluator", OPT_STR, &evaluator, "'CMD ARGS'", "worker programs to evaluate with "
                                                         "(needed again for a session they "
                                                         "evaluated: a session file never "
                                                         "names a command collm runs)", NULL},
    };
    int n = 0;
    while (opts[n].name)
        n++;
    n += eval_flags_opts(&ef, opts + n, 79 - n);
    n += run_cfg_opts(&rc_, opts + n, 79 - n);
    n += agent_cfg_opts(&ac, opts + n, 79 - n);
    config_opts(opts + n, 79 - n);
    char *pos[1];
    int npos;
    struct err e = {0};
    if (config_load(opts, argc, argv, &e) < 0)
        return cmd_fail("resume", &e);
    int rc = opts_parse("resume", usage, opts, argc, argv, pos, 1, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("resume", &e);
    if (npos != 1)
        return cmd_usage("resume", "", "give the session file to resume (see --help)");
    if (run_cfg_check(&rc_, &e) < 0)
        return cmd_fail("resume", &e);
    const char *file = pos[0];
    if (eval_flags_check(&ef, &e) < 0)
        return cmd_fail("resume", &e);
    if (rc_.no_session)
        return cmd_usage("resume", "--no-session", "a resumed search is always recorded");

    /* locked before it is read: another collm appending after our read
     * would have its events cut off by our journal_cut */
    struct journal *j = NULL;
    if (!has_from && !(j = journal_lock(file, &e)))
        return cmd_fail("resume", &e);
    struct session ss;
    if (session_read(file, &ss, &e) < 0) {
        journal_close(j, NULL);
        return cmd_fail("resume", &e);
    }
    if (ss.warnings[0])
        fprintf(stderr, "collm resume: %s: %s", file, ss.warnings);

    uv_loop_t loop;
    uv_loop_init(&loop);
    struct space *sp = NULL;
    struct llm_client *client = NULL;
    struct proposer *p = NULL;
    struct evaluator *ev = NULL;
    struct search *s = NULL;
    int code = EXIT_OK, take = ss.n;
    char fork_path[4096] = "";
    const struct session_info *info = ss.evs[0].info;
    uint64_t last = ss.evs[ss.n - 1].seq;

    if (has_from) {
        if (from < 1 || (uint64_t)from > last) {
            code = cmd_usage("resume", "--from", "the session has events 1 to %llu, not %d",
                             (unsigned long long)last, from);
            goto out;
        }
        take = from; /* events are numbered 1, 2, ... in file order */
    } else if (rc_.session) {
        code = cmd_usage("resume", "--session", "resuming writes to FILE itself; --session "
                         "names the new file of a fork (--from SEQ)");
        goto out;
    }
    /* the budget in force at the cut: the start's, or a later resume's or
     * raise's; and the agents: the start's, or those that took over */
    int recorded = info->budget;
    const char *nav_agent = info->navigator, *gen_agent = info->generator;
    for (int i = 0; i < take; i++) {
        const struct event *x = &ss.evs[i];
        if (x->type == EV_SESSION_RESUMED || x->type == EV_BUDGET_RAISED)
            recorded = x->budget;
        if (x->type == EV_AGENT_SWITCHED && x->role && !strcmp(x->role, "navigator"))
            nav_agent = x->by;
        if (x->type == EV_AGENT_SWITCHED && x->role && !strcmp(x->role, "generator"))
            gen_agent = x->by;
    }
    const struct event *lastev = &ss.evs[take - 1];
    if (!has_budget && lastev->type == EV_SESSION_ENDED && lastev->end == END_BUDGET) {
        code = cmd_usage("resume", "--budget", "the session already used its whole budget "
                         "(%d); give a larger --budget to go on", recorded);
        goto out;
    }
    if (!has_target && lastev->type == EV_SESSION_ENDED && lastev->end == END_TARGET) {
        code = cmd_usage("resume", "--target", "the session reached its target (%g); give a "
                         "higher --target to go on", info->target);
        goto out;
    }
    if (!has_budget)
        budget = recorded;
    if (budget < recorded) { /* before any file is touched */
        code = cmd_usage("resume", "--budget", "the session's budget is %d; it can grow, not "
                         "shrink", recorded);
        goto out;
    }

    if (!(sp = space_open(info->space, datadir, &e)))
        goto bad_header;
    struct search_config cfg = {.algo = info->algo, .seed = info->seed, .budget = budget,
                                .has_target = info->has_target || has_target,
                                .target = has_target ? target : info->target,
                                .review = info->review};
    if (constraint_parse(&cfg.cons, info->constraint, sp->metrics, sp->nmetrics, &e) < 0)
        goto bad_header;
    agent_cfg_from_session(&ac, nav_agent, gen_agent, ss.h.llm_url);
    if (confirm_endpoint(&ac, &rc_))
        agent_cfg_trust_session(&ac);
    rc_.max_requests = ac.max_requests; /* the TUI shows the spend against them */
    rc_.max_tokens = (long)ac.max_tokens_total;
    if (!(p = agent_cfg_proposer(&ac, info->algo, sp, info->seed, info->params, &loop, &client,
                                 &e))) {
        if (recorded_option(info->algo, e.where))
            goto bad_header; /* what the session recorded, not a flag given now */
        goto fail;
    }
    /* the recorded evaluator (older sessions: the space's default); worker
     * programs only when named again now */
    int recorded_external = info->evaluator && strcmp(info->evaluator, "external") == 0;
    if (recorded_external && !evaluator) {
        code = cmd_usage("resume", "--evaluator", "worker programs evaluated this session, and "
                         "collm never runs a command a session file names: give --evaluator "
                         "'CMD ARGS' again");
        goto out;
    }
    if (evaluator && !external_is_command(evaluator) && info->evaluator &&
        strcmp(evaluator, info->evaluator) != 0) {
        code = cmd_usage("resume", "--evaluator", "the session was evaluated by %s, not %s; "
                         "mixing them would mix two kinds of numbers", info->evaluator,
                         evaluator);
        goto out;
    }
    if (!(ev = evaluator_open_named(evaluator ? evaluator : info->evaluator, sp, &ef.eo,
                                    &e)) ||
        !(s = search_new(&cfg, sp, ev, p, &e)))
        goto fail;

    if (has_from) {
        char path[4096];
        if (!rc_.session && session_default_path(sp->id, info->algo, path, sizeof path, &e) < 0)
            goto fail;
        struct journal_header h;
        run_header(&h, "fork", client ? (ac.prompts ? ac.prompts : promptdir_default()) : "",
                   ac.used_url);
        snprintf(h.origin, sizeof h.origin, "%s@%d", file, from);
        if (!(j = journal_create(rc_.session ? rc_.session : path, &h, &e)))
            goto fail;
        snprintf(fork_path, sizeof fork_path, "%s", journal_path(j));
        for (int i = 0; i < take; i++) /* the fork starts with the old events */
            if (journal_write(j, &ss.evs[i], info, &e) < 0)
                goto fail;
    } else if (journal_cut(j, &ss, &e) < 0) {
        goto fail;
    }
    journal_set_fsync(j, rc_.fsync);
    rc_.key_host = ac.key_host;
    struct cont c = {.evs = ss.evs, .n = take, .budget = budget, .file = file};
    code = run_search(s, &loop, &rc_, j, begin, &c);
    if (c.failed && fork_path[0]) { /* a fork that never started leaves no file */
        journal_close(j, &e);
        j = NULL;
        unlink(fork_path);
    }
    goto out;
bad_header:
    {
        char where[4400];
        snprintf(where, sizeof where, "%s: session_started", file);
        err_wrap(&e, where);
        e.usage = 0;
    }
fail:
    code = cmd_fail("resume", &e);
    if (fork_path[0]) {
        journal_close(j, &e);
        j = NULL;
        unlink(fork_path);
    }
out:
    if (journal_close(j, &e) < 0 && code == EXIT_OK)
        code = cmd_fail("resume", &e);
    search_free(s);
    proposer_close(p);
    llm_client_free(client);
    evaluator_close(ev); /* before the loop ends: see cmd_search.c */
    for (int i = 0; i < 4 && uv_loop_close(&loop) == UV_EBUSY; i++)
        uv_run(&loop, UV_RUN_DEFAULT);
    space_close(sp);
    session_free(&ss);
    return code;
}
