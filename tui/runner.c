#include "runner.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "headless.h"
#include "interrupt.h"
#include "tui.h"
#include "../widgets/theme.h"

#ifndef COLLM_VERSION
#define COLLM_VERSION "0.1.0"
#endif

void run_cfg_default(struct run_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->pace = 1.0;
    c->script = getenv("COLLM_TUI_SCRIPT");
}

void run_cfg_first_look(struct run_cfg *c, int review_given)
{
    if (c->pace_given || review_given || !run_cfg_tui(c))
        return; /* the person chose, or nobody watches (headless is unchanged) */
    c->pace = RUN_PACE_FIRST;
    c->review_hint = 1;
}

int run_cfg_tui(const struct run_cfg *c)
{
    if (c->headless || c->json || c->quiet)
        return 0;
    return c->script || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO));
}

/* The TUI's options from the run options. */
static void tui_from(const struct run_cfg *c, struct tui_opts *o)
{
    tui_opts_default(o);
    if (c->theme)
        o->theme = c->theme;
    o->script = c->script;
    o->pace = c->pace;
    o->max_requests = c->max_requests;
    o->max_tokens = c->max_tokens;
    o->key_host = c->key_host;
    o->show_test = c->show_test;
    o->review_hint = c->review_hint;
    o->no_mouse = c->no_mouse;
    if (c->size)
        sscanf(c->size, "%dx%d", &o->cols, &o->rows);
}

int run_cfg_check(const struct run_cfg *c, struct err *e)
{
    struct theme_err te = {0};
    if (c->theme && theme_check(c->theme, NULL, &te) < 0)
        return err_usage(e, te.where, "%s", te.msg);
    /* a day at most: the pace becomes a timer in milliseconds */
    return opts_range("--pace", c->pace, 0, 86400, e);
}

int run_cfg_opts(struct run_cfg *c, struct opt *o, int max)
{
    const struct opt mine[] = {
        {"headless", OPT_FLAG, &c->headless, NULL, "print progress lines instead of the TUI",
         NULL},
        {"json", OPT_FLAG, &c->json, NULL, "print the events as JSON Lines (implies --headless)",
         NULL},
        {"timestamps", OPT_FLAG, &c->timestamps, NULL,
         "add the time offset \"t\" to JSON events", NULL},
        {"quiet", OPT_FLAG, &c->quiet, NULL, "print only the final summary", NULL},
        {"strategies", OPT_FLAG, &c->strategies, NULL,
         "print each strategy the Navigator writes", NULL},
        {"theme", OPT_STR, &c->theme, "NAME", "TUI colours: dark (default), light, mono; "
                                              "NO_COLOR is respected", NULL},
        {"pace", OPT_DOUBLE, &c->pace, "S", "TUI: at most one iteration every S seconds with "
                                           "instant evaluators (default 1; a search without "
                                           "--review: 2; + and - change it)",
         &c->pace_given},
        {"script", OPT_STR, &c->script, "FILE", "TUI tests: keys from FILE, screen dumps "
                                               "(also COLLM_TUI_SCRIPT)", NULL},
        {"size", OPT_STR, &c->size, "WxH", "TUI tests: the virtual screen (default 80x24)",
         NULL},
        {"session", OPT_STR, &c->session, "FILE", "write the session journal here (default: "
                                                  "$XDG_DATA_HOME/collm/sessions/...)", NULL},
        {"no-session", OPT_FLAG, &c->no_session, NULL, "write no session journal", NULL},
        {"fsync", OPT_FLAG, &c->fsync, NULL, "fsync the journal after every event", NULL},
        {"show-test", OPT_FLAG, &c->show_test, NULL, "TUI: show the test accuracy during the "
                                                     "search (hidden: it is the final report)",
         NULL},
        {"no-mouse", OPT_FLAG, &c->no_mouse, NULL, "TUI: leave the mouse to the terminal (its "
                                                   "own text selection) instead of clicks and "
                                                   "the wheel", NULL},
    };
    int n = (int)(sizeof mine / sizeof mine[0]);
    if (n > max)
        return -1;
    memcpy(o, mine, sizeof mine);
    return n;
}

void run_header(struct journal_header *h, const char *command, const char *prompts,
                const char *llm_url)
{
    memset(h, 0, sizeof *h);
    h->version = JOURNAL_FORMAT;
    snprintf(h->program, sizeof h->program, "collm %s", COLLM_VERSION);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(h->created, sizeof h->created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(h->command, sizeof h->command, "%s", command);
    snprintf(h->prompts, sizeof h->prompts, "%s", prompts ? prompts : "");
    snprintf(h->llm_url, sizeof h->llm_url, "%s", llm_url ? llm_url : "");
    snprintf(h->review, sizeof h->review, "auto");
}

struct run {
    uv_loop_t *loop;
    struct search *s;
    struct journal *j;
    uv_async_t wake; /* sent by the signal handler (interrupt.h) */
    uv_timer_t wait_tick;
    int paused, interrupted, open_handles, quiet, out_gone;
    double wait_t0;  /* the oldest LLM request in flight when last looked at */
    int wait_shown;  /* how many WAIT_NOTICE_S of its wait were said */
    char why[256];
};

/* Headless has no status line: an LLM request that has waited long says
 * so every WAIT_NOTICE_S seconds (on stderr, since when depends on the
 * clock), so a silent server is never silence (issue 13.14). */
#define WAIT_NOTICE_S 10

static void on_wait_tick(uv_timer_t *t)
{
    struct run *r = t->data;
    if (!r->s || r->quiet)
        return;
    const struct state *st = search_state(r->s);
    int attempt = 1;
    double t0 = state_llm_oldest(st, &attempt);
    if (!st->llm_in_flight || t0 < 0 || t0 != r->wait_t0) {
        r->wait_t0 = t0;
        r->wait_shown = 0;
        return;
    }
    int k = (int)((search_clock(r->s) - t0) / WAIT_NOTICE_S);
    if (k <= r->wait_shown)
        return;
    r->wait_shown = k;
    fprintf(stderr, "collm: waiting %d s for the LLM (%d request%s in flight; the oldest at "
            "try %d)\n", k * WAIT_NOTICE_S, st->llm_in_flight, st->llm_in_flight == 1 ? "" : "s",
            attempt);
}

/* The signal handles outlive run_search() until the loop closes them. */
static void on_closed(uv_handle_t *h)
{
    struct run *r = h->data;
    if (--r->open_handles == 0)
        free(r);
}

static void watch(void *ud, const struct event *ev, const struct state *st)
{
    struct run *r = ud;
    (void)st;
    if (!r->s)
        return;
    if (r->j && journal_error(r->j)[0] && !search_done(r->s)) {
        /* what cannot be recorded would be lost: stop here */
        char why[700];
        snprintf(why, sizeof why, "the session journal failed: %s", journal_error(r->j));
        search_stop(r->s, END_ERROR, why);
    }
    if (!r->out_gone && !search_done(r->s) && cmd_output_gone()) {
        /* `| head` has what it wanted: the rest would be lost, so stop,
         * with the session kept for resume */
        r->out_gone = 1;
        search_stop(r->s, END_USER, "the output was closed");
    }
    if (ev->type == EV_SESSION_ENDED)
        uv_stop(r->loop);
    if (ev->type == EV_PAUSED) {
        r->paused = 1;
        snprintf(r->why, sizeof r->why, "%s", ev->why ? ev->why : "");
        uv_stop(r->loop);
    }
}

static void on_signal(uv_async_t *h)
{
    struct run *r = h->data;
    if (!r->s || !interrupt_signal())
        return;
    r->interrupted = 1;
    search_stop(r->s, END_USER,
                interrupt_signal() == SIGINT ? "interrupted (Ctrl-C)" : "terminated");
}

int run_search(struct search *s, uv_loop_t *loop, const struct run_cfg *c, struct journal *j,
               int (*begin)(void *ud, struct search *s), void *ud)
{
    if (run_cfg_tui(c)) {
        if (j)
            search_listen(s, journal_on_event, j);
        struct tui_opts o;
        tui_from(c, &o);
        return tui_live(s, loop, search_space(s), &o, j ? journal_path(j) : NULL, begin, ud);
    }
    if (c->key_host && c->key_host[0]) /* the host only: never the key */
        fprintf(stderr, "collm: OPENAI_API_KEY is sent to %s only\n", c->key_host);
    struct headless h;
    headless_init(&h, stdout, c->json, c->timestamps, c->quiet);
    h.strategies = c->strategies;
    /* the journal first: an event is on disk before anyone shows it */
    if (j)
        search_listen(s, journal_on_event, j);
    search_listen(s, headless_on_event, &h);
    search_attach_loop(s, loop);
    struct run *rp = calloc(1, sizeof *rp);
    if (!rp) {
        fprintf(stderr, "collm: out of memory\n");
        return EXIT_FAIL;
    }
    struct run *r = rp;
    *r = (struct run){.loop = loop, .s = s, .j = j, .open_handles = 2, .quiet = c->quiet,
                      .wait_t0 = -1};
    search_listen(s, watch, r);
    /* a handler of our own, not uv_signal_t: that one acts only between
     * loop turns, so work keeping the loop busy could not be stopped, not
     * even by a second Ctrl-C */
    uv_async_init(loop, &r->wake, on_signal);
    r->wake.data = r;
    interrupt_install(&r->wake);
    uv_timer_init(loop, &r->wait_tick);
    r->wait_tick.data = r;
    uv_timer_start(&r->wait_tick, on_wait_tick, 1000, 1000);
    uv_unref((uv_handle_t *)&r->wait_tick); /* it never keeps the loop alive */

    int code = EXIT_OK;
    if (begin(ud, s) < 0 && !search_error(s)[0]) {
        code = EXIT_FAIL;
        goto out;
    }
    if (!search_done(s))
        uv_run(loop, UV_RUN_DEFAULT);
    if (!search_done(s) && r->paused) /* nobody to ask: end with the reason */
        search_stop(s, END_ERROR, r->why);

    const struct state *st = search_state(s);
    if (r->out_gone)
        goto out; /* quietly, as a pipeline ends */
    if (!c->json)
        headless_summary(&h, st);
    if (j) /* on stderr: stdout stays the same for the same seed */
        fprintf(stderr, "collm: session %s\n", journal_path(j));
    if (search_error(s)[0]) {
        fprintf(stderr, "collm: %s\n", search_error(s));
        code = EXIT_FAIL;
    } else if (!search_done(s)) {
        fprintf(stderr, "collm: the search stopped before it ended\n");
        code = EXIT_FAIL;
    } else if (st->end == END_ERROR) {
        fprintf(stderr, "collm: stopped: %s\n", st->end_detail);
        code = EXIT_FAIL;
    } else if (st->end == END_USER) {
        code = 130;
    } else if (st->finished == 0) {
        fprintf(stderr, "collm: no architecture was evaluated: %s\n", st->end_detail);
        code = EXIT_FAIL;
    }
out:
    /* the search is done: its listeners must not reach `r` any more */
    r->s = NULL;
    interrupt_restore();
    uv_close((uv_handle_t *)&r->wake, on_closed);
    uv_close((uv_handle_t *)&r->wait_tick, on_closed);
    return code;
}
