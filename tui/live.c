/* The live mode: a search running in this process. Its actions steer it
 * (pause, step, pace, review, approve, veto, edit, inject, the strategy
 * in $EDITOR); its state is the search's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cmds.h"
#include "editor.h"
#include "live_more.h"

static const struct state *state(const struct app *a)
{
    return search_state(a->live.s);
}

static void on_event(void *ud, const struct event *ev, const struct state *st)
{
    (void)st;
    if (EVENT_TRANSIENT(ev->type)) /* progress: the state has it, the screen redraws */
        app_mark(ud);
    else
        app_event(ud, ev);
}

static void on_stream(void *ud, const char *role, const char *text, size_t len)
{
    pane_log_stream(ud, role, text, len);
}

/* ---- the architecture prompt (e edit, i inject), checked as it is typed -------- */

static void edit_note(struct app *a, const char *text, struct err *e)
{
    char why[400] = "ok";
    const char *label = a->live.edit_id > 0 ? "edit" : "inject";
    if (!text[0] && !e->msg[0]) {
        app_prompt_line(a, label, NULL, "  (an architecture; Enter adds it, C-x in $EDITOR)");
        return;
    }
    if (e->msg[0] || search_check(a->live.s, text, e) < 0)
        err_str(e, why, sizeof why);
    app_prompt_line(a, label, why, NULL);
}

static void edit_show(struct app *a, const char *text)
{
    struct err e = {0};
    edit_note(a, text, &e);
}

static int edit_enter(struct app *a, const char *text)
{
    struct err e = {0};
    int rc = a->live.edit_id > 0 ? search_edit(a->live.s, a->live.edit_id, text, &e)
                                 : search_inject(a->live.s, text, &e);
    if (rc >= 0) {
        app_note(a, "%s", a->live.edit_id > 0 ? "edited" : "injected");
        return 1;
    }
    edit_note(a, text, &e);
    return 0;
}

static const struct prompt_ops edit_prompt = {edit_show, edit_enter, NULL};

/* The waiting strategy in $EDITOR. */
static void edit_strategy(struct app *a)
{
    const struct strategy_rec *sr = state_strategy(state(a));
    char why[300];
    char *text = sr ? editor_run(sr->text, why, sizeof why) : NULL;
    struct err e = {0};
    if (!sr)
        app_note(a, "no strategy is waiting");
    else if (!text)
        app_note(a, "%s; the strategy is unchanged", why);
    else if (strcmp(text, sr->text) == 0)
        app_note(a, "unchanged; a to go on with it");
    else if (search_approve_strategy(a->live.s, text, &e) == 0)
        app_note(a, "your strategy goes to the Generator");
    free(text);
}

/* ---- actions ------------------------------------------------------------------------ */

/* `a` approves what the person points at: the strategy when the Strategy
 * pane has the focus, else the selected candidate when it awaits review,
 * else the strategy if one waits (it is then the only thing `a` can mean).
 * `A` approves everything that waits. The note says what happened. */
static void approve(struct app *a, int ch)
{
    struct search *s = a->live.s;
    struct err e = {0};
    const struct cand *c = pane_cands_selected(a);
    int pointed = c && state_awaits_review(state(a), c);
    if (search_strategy_waiting(s) &&
        (ch == 'A' || a->focus == P_STRATEGY || !pointed)) {
        if (search_approve_strategy(s, NULL, &e) < 0)
            app_note(a, "%s", e.msg);
        else
            app_note(a, "the strategy goes to the Generator");
        return; /* what it brings is reviewed on its own */
    }
    if (ch == 'a' && a->focus == P_STRATEGY) {
        app_note(a, "no strategy is waiting; Tab to the candidates to approve one");
        return;
    }
    if (ch == 'a' && !c) {
        app_note(a, "select a candidate to approve (Tab to the candidates), or A for all");
        return;
    }
    int rc = search_approve(s, ch == 'A' ? 0 : c->id, &e);
    if (rc < 0)
        app_note(a, "%s", e.msg);
    else if (rc == 0)
        app_note(a, "nothing is waiting for approval");
    if (ch == 'a' && rc > 0)
        pane_cands_next(a); /* on to the next one */
}

static void veto_or_edit(struct app *a, enum action act)
{
    const struct cand *c = pane_cands_selected(a);
    struct err e = {0};
    if (!c || c->status != CAND_QUEUED) {
        app_note(a, "select a candidate that has not run yet");
    } else if (act == A_VETO) {
        if (search_veto(a->live.s, c->id, &e) < 0)
            app_note(a, "%s", e.msg);
        else
            pane_cands_next(a);
    } else {
        a->live.edit_id = c->id;
        app_prompt(a, &edit_prompt, c->text, sizeof a->ed.text, NULL);
        edit_show(a, a->ed.text);
    }
}

static enum handled act(struct app *a, enum action act, int ch)
{
    struct search *s = a->live.s;
    const struct state *st = state(a);
    switch (act) {
    case A_QUIT:
        if (st->ended)
            return IGNORED; /* nothing to lose */
        /* nothing moves while the person decides; "no" goes on as before
         * (a search waiting for them already holds) */
        a->live.quit_held = !st->paused && !search_waiting_for_person(s);
        if (a->live.quit_held)
            search_pause(s, "asking whether to quit");
        a->overlay = O_QUIT;
        break;
    case A_REVIEW: {
        a->live.review_hint = 0; /* found */
        enum review_policy rv = (enum review_policy)((st->review + 1) % REVIEW__COUNT);
        int freed = search_set_review(s, rv);
        char went[64] = "";
        if (freed) /* what waited goes on: say so, it is the person's approval */
            snprintf(went, sizeof went, "; %d waiting approved by you", freed);
        app_note(a, "review: %s (%s)%s", review_name(rv),
                 rv == REVIEW_AUTO ? "nothing waits for you"
                 : rv == REVIEW_CANDIDATES ? "each batch waits for a/A/v/e"
                 : rv == REVIEW_STRATEGY ? "each strategy waits for a or E"
                                         : "strategies and candidates wait",
                 went);
        break;
    }
    case A_APPROVE: approve(a, ch); break;
    case A_VETO: veto_or_edit(a, A_VETO); break;
    case A_EDIT:
        if (ch == 'e') {
            veto_or_edit(a, A_EDIT);
        } else if (!st->ended) {
            a->live.edit_id = -1;
            app_prompt(a, &edit_prompt, NULL, sizeof a->ed.text, NULL);
            edit_show(a, "");
        }
        break;
    case A_STRATEGY:
        if (search_strategy_waiting(s))
            edit_strategy(a);
        else
            app_note(a, "no strategy is waiting: press r until review is strategy or all, "
                        "then E when one arrives");
        break;
    case A_PAUSE:
        if (st->ended)
            app_note(a, "the search has ended");
        else if (st->paused)
            search_resume(s);
        else
            search_pause(s, "paused by the user");
        break;
    case A_STEP:
        if (st->ended)
            app_note(a, "the search has ended");
        else if (search_stepping(s))
            app_note(a, "a step is under way");
        else if (!st->paused)
            search_pause(s, "paused by the user");
        else
            search_step(s);
        break;
    case A_PACE:
        if (ch == '+' || ch == '>') /* faster: half the wait, then none */
            a->live.pace = a->live.pace > 0.13 ? a->live.pace / 2 : 0;
        else /* slower: twice the wait, up to 8 s */
            a->live.pace = a->live.pace > 0 ? fmin(a->live.pace * 2, 8) : 0.125;
        search_set_pace(s, a->live.pace);
        break;
    case A_BUDGET: live_more_budget(a); break;
    case A_OFFLINE: live_more_offline(a); break;
    case A_RUN:
        a->live.pace = 0;
        search_set_pace(s, 0);
        search_resume(s);
        break;
    default: return IGNORED;
    }
    return HANDLED;
}

/* ---- what the core asks of the mode ------------------------------------------------- */

static const char *run_label(const struct app *a)
{
    const struct state *st = state(a);
    return st->ended ? "ended" : st->paused ? "PAUSED" : "running";
}

static long elapsed(const struct app *a)
{
    return (long)((uv_now(a->loop) - a->t0) / 1000);
}

static void status(const struct app *a, char *llm, size_t nllm, char *pace, size_t npace)
{
    const struct state *st = state(a);
    if (!st->ended)
        snprintf(pace, npace, a->live.pace > 0 ? " | pace %gs" : " | no pace", a->live.pace);
    int attempt = 1;
    double t0 = state_llm_oldest(st, &attempt);
    if (st->llm_in_flight && t0 >= 0 && !a->script) { /* the oldest request, for how long */
        double wait = search_clock(a->live.s) - t0;
        char retry[24] = ""; /* a wait that went on through retries says so */
        if (attempt > 1)
            snprintf(retry, sizeof retry, " (try %d)", attempt);
        snprintf(llm, nllm, " | llm %d waiting %.0fs%s, %ld tok", st->llm_in_flight,
                 wait > 0 ? floor(wait) : 0, retry, st->tokens_in + st->tokens_out);
    } else if (a->live.max_requests || a->live.max_tokens) { /* spend against the caps */
        char req[32] = "", tok[48] = "";
        if (a->live.max_requests)
            snprintf(req, sizeof req, " %d/%d req", st->llm_requests, a->live.max_requests);
        if (a->live.max_tokens)
            snprintf(tok, sizeof tok, "%s %ldk/%ldk tok", req[0] ? "," : "",
                     (st->tokens_in + st->tokens_out + 500) / 1000,
                     (a->live.max_tokens + 500) / 1000);
        snprintf(llm, nllm, " | llm%s%s", req, tok);
    }
}

/* How long the review hint stays: a few batches, then the keys alone. */
#define REVIEW_HINT_ITERS 3

static void footer(struct app *a, char *buf, size_t n)
{
    static const enum action live[] = FOOTER_LIVE, review[] = FOOTER_REVIEW;
    const struct state *st = state(a);
    if (st->ended)
        snprintf(buf, n, " ended: q quit  %sEnter details  Tab panes  ? help  (%s)",
                 st->end == END_BUDGET ? "b more budget  " : "",
                 st->end_detail); /* the keys first: a long reason is what gets cut */
    else if (st->paused && live_more_llm_failing(a)) /* where the failure shows, the way on */
        snprintf(buf, n, " LLM failing: W switches to the offline agents  p retry  ? help  "
                 "(%s)", st->pause_reason);
    else if (st->paused && st->pause_reason[0] && !a->shown[P_LOG])
        snprintf(buf, n, " paused: %s   (p resume, s step)", st->pause_reason);
    else {
        int waits = st->review != REVIEW_AUTO || search_waiting_for_person(a->live.s);
        /* in the first iterations of a search started without --review:
         * what r is for, before the keys (it went by unseen among them) */
        int off = snprintf(buf, n, " %s",
                           a->live.review_hint && !waits && st->iter <= REVIEW_HINT_ITERS
                               ? "auto review: r holds each batch for you  "
                               : "");
        /* the review keys whenever something waits, whatever the policy */
        if (off > 0 && (size_t)off < n)
            actions_footer(buf + off, n - (size_t)off, waits ? review : live, M_LIVE);
    }
}

static int running(const struct app *a)
{
    return !state(a)->ended && !state(a)->paused;
}

static int strategy_waiting(const struct app *a)
{
    return search_strategy_waiting(a->live.s);
}

static void stop(struct app *a)
{
    search_stop(a->live.s, END_USER, "the user quit");
}

static int script_waits(const struct app *a, int until_end)
{
    const struct state *st = state(a);
    if (until_end)
        return !st->ended;
    return !(st->paused || st->ended || search_waiting_for_person(a->live.s));
}

const struct mode_ops mode_live = {
    M_LIVE, state, act, run_label, elapsed, status, footer, running, strategy_waiting, stop,
    script_waits, A_STEP, 's',
};

int tui_live(struct search *s, uv_loop_t *loop, const struct space *sp, const struct tui_opts *o,
             const char *session_path, int (*begin)(void *ud, struct search *s), void *ud)
{
    struct app *a = app_new(loop, sp, &mode_live);
    if (!a)
        return EXIT_FAIL;
    a->live.s = s;
    a->live.session = session_path;
    a->live.pace = o->script ? 0 : o->pace;
    a->live.max_requests = o->max_requests;
    a->live.max_tokens = o->max_tokens;
    a->show_test = o->show_test;
    a->live.review_hint = o->review_hint;
    search_listen_all(s, on_event, a);
    search_listen_stream(s, on_stream, a);
    search_attach_loop(s, loop);
    if (o->script)
        search_hold(s); /* a script moves it on, iteration by iteration */
    else
        search_set_pace(s, o->pace);
    if (app_start(a, o) < 0) {
        free(a);
        return EXIT_FAIL;
    }
    if (o->key_host && o->key_host[0]) /* the host only: never the key */
        app_note(a, "OPENAI_API_KEY is sent to %s only", o->key_host);
    if (begin(ud, s) < 0)
        a->quit = 1;
    while (!a->quit) {
        uv_run(loop, UV_RUN_DEFAULT);
        if (!a->quit && search_done(s) && !a->script) /* ended: stay until q */
            continue;
        break;
    }
    if (!search_done(s))
        search_stop(s, END_USER, "the user quit");
    int code = a->code;
    app_finish(a);
    const struct state *st = search_state(s);
    printf("%s on %s: %s; %d of %d evaluated", st->info.algo, st->info.space,
           !st->ended ? "stopped" : st->end == END_USER ? "stopped by you" : st->end_detail,
           st->started, st->info.budget);
    const struct record *b = state_best(st);
    if (b)
        printf("; best %s %.2f: %s", st->info.metrics[st->info.objective].name,
               b->m[st->info.objective], b->text);
    printf("\n");
    if (session_path)
        printf("session %s\n", session_path);
    free(a);
    return code ? code : (search_error(s)[0] ? EXIT_FAIL : EXIT_OK);
}
