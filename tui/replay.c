/* The replay mode: a recorded session played through the reducer. Its
 * actions move in time (pause the clock, one event, an iteration, an
 * event number, first or last, the speed); seeking back rebuilds the
 * state from the start. */
#include <math.h>
#include <stdlib.h>

#include "app.h"
#include "cmds.h"

static const struct state *state(const struct app *a)
{
    return &a->replay.st;
}

static void schedule(struct app *a);

static void replay_to(struct app *a, int pos)
{
    const struct session *ss = a->replay.ss;
    if (pos < a->replay.pos) { /* backwards: rebuild from the start */
        state_free(&a->replay.st);
        state_init(&a->replay.st, space_decode_ctx, a->sp, a->sp->front_cost);
        a->replay.pos = 0;
    }
    struct err e;
    while (a->replay.pos < pos && a->replay.pos < ss->n) {
        if (state_apply(&a->replay.st, &ss->evs[a->replay.pos], &e) < 0) {
            app_note(a, "event %d: %s: %s", a->replay.pos + 1, e.where, e.msg);
            a->replay.pos = ss->n;
            break;
        }
        app_event(a, &ss->evs[a->replay.pos]);
        a->replay.pos++;
    }
    app_mark(a);
}

static void on_clock(uv_timer_t *t)
{
    struct app *a = t->data;
    replay_to(a, a->replay.pos + 1);
    schedule(a);
}

static void schedule(struct app *a)
{
    const struct session *ss = a->replay.ss;
    int pos = a->replay.pos;
    uv_timer_stop(&a->replay.clock);
    if (a->replay.paused || pos >= ss->n || pos == 0 || a->script)
        return;
    double gap = ss->evs[pos].t - ss->evs[pos - 1].t;
    double ms = fmin(fmax(gap, 0) / a->replay.speed * 1000, 2000); /* a long pause is shortened */
    uv_timer_start(&a->replay.clock, on_clock, (uint64_t)ms, 0);
}

/* How many events make iteration k complete: up to the start of k + 1.
 * Before the first iteration there is only the session's first event:
 * without it `[` at the start found no such iteration and went to the
 * session's end. */
static int iteration_end(const struct app *a, int k)
{
    const struct session *ss = a->replay.ss;
    if (k < 0)
        return 1;
    for (int i = 0; i < ss->n; i++)
        if (ss->evs[i].type == EV_ITERATION_STARTED && ss->evs[i].iter == k + 1)
            return i;
    return ss->n;
}

/* `]` and `[` land where an iteration ends, its batch all evaluated (the
 * Candidates pane full, not the next one's empty start): on, the end of
 * this iteration (of the next, if already there); back, the end of the
 * previous one, which is this one's start. */
static int iteration_edge(const struct app *a, int dir)
{
    int k = a->replay.st.iter;
    if (dir > 0) {
        int e = iteration_end(a, k);
        return a->replay.pos >= e ? iteration_end(a, k + 1) : e;
    }
    int e = iteration_end(a, k - 1);
    if (e >= a->replay.pos)
        e = iteration_end(a, k - 2);
    return e > 1 ? e : 1;
}

/* ---- the event-number prompt (:) ------------------------------------------------------ */

static int digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static void seek_show(struct app *a, const char *text)
{
    app_note(a, "go to event: %s_  (1 to %d; Enter goes, Esc not)", text, a->replay.ss->n);
}

static int seek_enter(struct app *a, const char *text)
{
    int to = atoi(text);
    if (to >= 1 && to <= a->replay.ss->n) {
        a->replay.paused = 1;
        replay_to(a, to);
    } else {
        app_note(a, "no event %s: the session has 1 to %d", text, a->replay.ss->n);
    }
    return 1;
}

static const struct prompt_ops seek_prompt = {seek_show, seek_enter, NULL};

/* ---- actions ---------------------------------------------------------------------------- */

static enum handled act(struct app *a, enum action act, int ch)
{
    switch (act) {
    case A_SEEK:
        app_prompt(a, &seek_prompt, NULL, 16, digit);
        seek_show(a, "");
        break;
    case A_PAUSE:
        if (a->replay.pos >= a->replay.ss->n) {
            app_note(a, "at the end: Home or : goes back");
        } else {
            a->replay.paused = !a->replay.paused;
            schedule(a);
        }
        break;
    case A_STEP:
        a->replay.paused = 1;
        replay_to(a, a->replay.pos + 1);
        break;
    case A_PACE:
        if (ch == '+' || ch == '>')
            a->replay.speed = fmin(a->replay.speed * 2, 64);
        else
            a->replay.speed = fmax(a->replay.speed / 2, 0.25);
        schedule(a);
        break;
    case A_ITER:
        a->replay.paused = 1;
        replay_to(a, iteration_edge(a, ch == ']' ? 1 : -1));
        break;
    case A_EDGE: /* on the Strategy pane; elsewhere the pane's first / last line */
        if (a->focus != P_STRATEGY)
            return IGNORED;
        a->replay.paused = 1;
        replay_to(a, ch == KEY_HOME ? 1 : a->replay.ss->n);
        break;
    case A_RUN: replay_to(a, a->replay.ss->n); break;
    case A_FORK: /* the command that replays ends, and a live one takes over */
        if (a->replay.pos < 2) {
            app_note(a, "nothing to fork yet: step or seek past the session's start");
            break;
        }
        a->replay.fork_at = a->replay.pos;
        app_quit(a);
        break;
    default: return IGNORED;
    }
    return HANDLED;
}

/* ---- what the core asks of the mode ------------------------------------------------------ */

static const char *run_label(const struct app *a)
{
    return a->replay.pos >= a->replay.ss->n ? "replay: end"
           : a->replay.paused               ? "replay: PAUSED"
                                            : "replay";
}

static long elapsed(const struct app *a)
{
    return a->replay.pos ? (long)a->replay.ss->evs[a->replay.pos - 1].t : 0;
}

static void status(const struct app *a, char *llm, size_t nllm, char *pace, size_t npace)
{
    (void)pace, (void)npace;
    const struct state *st = state(a);
    int attempt = 1;
    double t0 = state_llm_oldest(st, &attempt);
    if (st->llm_in_flight && t0 >= 0 && a->replay.pos) { /* as live: by the events' clock */
        double wait = a->replay.ss->evs[a->replay.pos - 1].t - t0;
        char retry[24] = ""; /* a wait that went on through retries says so */
        if (attempt > 1)
            snprintf(retry, sizeof retry, " (try %d)", attempt);
        snprintf(llm, nllm, " | llm %d waiting %.0fs%s, %ld tok", st->llm_in_flight,
                 wait > 0 ? floor(wait) : 0, retry, st->tokens_in + st->tokens_out);
    }
}

static void footer(struct app *a, char *buf, size_t n)
{
    static const enum action keys[] = FOOTER_REPLAY;
    int off = snprintf(buf, n, " event %d/%d  x%g  ", a->replay.pos, a->replay.ss->n,
                       a->replay.speed);
    if (off > 0 && (size_t)off < n)
        actions_footer(buf + off, n - (size_t)off, keys, M_REPLAY);
}

static int running(const struct app *a)
{
    return !a->replay.paused && a->replay.pos < a->replay.ss->n;
}

static int strategy_waiting(const struct app *a)
{
    return state(a)->strategy_waiting && !state(a)->ended;
}

static void stop(struct app *a)
{
    (void)a;
}

static int script_waits(const struct app *a, int until_end)
{
    (void)a, (void)until_end;
    return 0; /* every action is done when it returns */
}

const struct mode_ops mode_replay = {
    M_REPLAY, state, act, run_label, elapsed, status, footer, running, strategy_waiting, stop,
    script_waits, A_ITER, ']',
};

int tui_replay(const struct session *ss, const struct space *sp, uv_loop_t *loop,
               const struct tui_opts *o, int *fork_at)
{
    struct app *a = app_new(loop, sp, &mode_replay);
    if (!a)
        return EXIT_FAIL;
    a->replay.ss = ss;
    a->replay.speed = o->speed > 0 ? o->speed : 1;
    a->replay.paused = o->script != NULL;
    /* a session that ended is a finished report; one cut short is not */
    a->show_test = o->show_test || (ss->n && ss->evs[ss->n - 1].type == EV_SESSION_ENDED);
    state_init(&a->replay.st, space_decode_ctx, sp, sp->front_cost);
    if (app_start(a, o) < 0) {
        state_free(&a->replay.st);
        free(a);
        return EXIT_FAIL;
    }
    replay_to(a, 1);
    schedule(a);
    uv_run(loop, UV_RUN_DEFAULT);
    int code = a->code;
    if (fork_at)
        *fork_at = a->replay.fork_at;
    app_finish(a);
    state_free(&a->replay.st);
    free(a);
    return code;
}
