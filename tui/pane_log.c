/* The Log pane: strategies, LLM calls, retries, errors and the person's
 * steering, one line each, with an answer streaming in as the last line.
 * The lines are made from the reducer's log (state_log), so live, replay
 * in either direction and a resumed search show the same ones; only what
 * streamed in (no event) is the pane's own. Every use of an event's
 * fields for the log is in log_format(); the pane reads its lines through
 * log_line() alone. A line is cut to the pane's width, so a cursor picks
 * one (the last, following new ones, until moved) and Enter opens its
 * whole text in the detail overlay: the line uncut, and what a failed or
 * unusable answer said. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/core/strbuf.h"
#include "app.h"

#define LOG_LINES 200

struct log {
    char line[LOG_LINES][256];
    long src[LOG_LINES]; /* the state_log() event of each line, or -1: the pane's own */
    int n, sel, top;  /* lines kept; the cursor (-1: the last line); the first shown */
    long cur;         /* the event being made into lines */
    struct strbuf *whole; /* set: add() writes there, uncut, instead */
    char live[256];   /* the tail of an LLM answer streaming in */
    int think_open;   /* the answer opened a <think> block */
    char live_role[32];
    size_t live_total;
    long seen;         /* state_log() events made into lines */
    uint64_t seen_seq; /* the seq of the last of them: time going back shows */
    struct { int req; size_t chars; } streamed[16]; /* answered, not yet logged */
    int nstreamed;
};

static void add(struct log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct log *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (l->whole) {
        char line[4096]; /* a log line; the long texts are added after it, whole */
        vsnprintf(line, sizeof line, fmt, ap);
        va_end(ap);
        strbuf_printf(l->whole, "%s%s", l->whole->len ? "\n" : "", line);
        return;
    }
    if (l->n == LOG_LINES) {
        memmove(l->line, l->line + 1, sizeof l->line[0] * (LOG_LINES - 1));
        memmove(l->src, l->src + 1, sizeof l->src[0] * (LOG_LINES - 1));
        l->n--;
        if (l->sel > 0) /* the cursor stays on its line */
            l->sel--;
    }
    l->src[l->n] = l->cur;
    vsnprintf(l->line[l->n++], sizeof l->line[0], fmt, ap);
    va_end(ap);
}

static void log_format(struct app *a, struct log *l, const struct event *ev)
{
    switch (ev->type) {
    case EV_STRATEGY_PROPOSED:
        add(l, "it %d: strategy by %s", ev->iter, ev->by ? ev->by : "?");
        break;
    case EV_LLM_REQUEST:
        add(l, "it %d: llm #%d %s -> %s", ev->iter, ev->req, ev->role, ev->model);
        break;
    case EV_LLM_ANSWER:
        for (int i = 0; i < l->nstreamed; i++)
            if (l->streamed[i].req == ev->req) {
                add(l, "llm #%d streamed %zu characters", ev->req, l->streamed[i].chars);
                l->streamed[i] = l->streamed[--l->nstreamed];
                break;
            }
        if (ev->tokens_reasoning)
            add(l, "llm #%d answered: %ld+%ld tokens (%ld reasoning), %.1f s", ev->req,
                ev->tokens_in, ev->tokens_out, ev->tokens_reasoning, ev->latency);
        else
            add(l, "llm #%d answered: %ld+%ld tokens, %.1f s", ev->req, ev->tokens_in,
                ev->tokens_out, ev->latency);
        break;
    case EV_LLM_RETRY:
        add(l, "llm #%d retry %d in %.1f s: %s", ev->req, ev->attempt, ev->delay, ev->why);
        break;
    case EV_LLM_FAILED:
        add(l, "llm #%d FAILED: %s", ev->req, ev->why);
        break;
    case EV_ANSWER_REJECTED:
        add(l, "%s answer #%d unusable: %s", ev->role, ev->req, ev->why);
        break;
    case EV_CONTEXT_COMPACTED:
        add(l, "%s context: %d oldest turns gave way to %d results (~%ld -> ~%ld tokens of %d)",
            ev->role, ev->dropped, ev->rows, ev->est_before, ev->est_after, ev->window);
        break;
    case EV_LLM_WARNING:
        add(l, "llm #%d warning: %s", ev->req, ev->why);
        break;
    case EV_PAUSED:
        add(l, "paused: %s", ev->why ? ev->why : "");
        break;
    case EV_RESUMED:
        add(l, "resumed%s%s", ev->why ? ": " : "", ev->why ? ev->why : "");
        break;
    case EV_BEST_IMPROVED:
        add(l, "it %d: best %.2f (#%d)", ev->iter, ev->metrics[app_state(a)->info.objective],
            ev->id);
        break;
    case EV_SESSION_ENDED:
        add(l, "ended: %s: %s", end_reason_name(ev->end), ev->why ? ev->why : "");
        break;
    case EV_SESSION_RESUMED:
        add(l, "session resumed, budget %d", ev->budget);
        break;
    case EV_BUDGET_RAISED:
        add(l, "budget raised to %d", ev->budget);
        break;
    case EV_WORKER_LOG:
        if (!ev->text)
            add(l, "worker %d: %d more lines of stderr not recorded", ev->worker, ev->dropped);
        else if (ev->dropped)
            add(l, "worker %d: (%d lines not recorded) %s", ev->worker, ev->dropped, ev->text);
        else
            add(l, "worker %d: %s", ev->worker, ev->text);
        break;
    case EV_AGENT_SWITCHED:
        add(l, "the %s is %s from now on", ev->role ? ev->role : "?", ev->by ? ev->by : "?");
        break;
    case EV_CANDIDATE_APPROVED:
        add(l, "you approved #%d%s%s%s", ev->id, ev->why ? " (" : "", ev->why ? ev->why : "",
            ev->why ? ")" : "");
        break;
    case EV_CANDIDATE_REJECTED:
        if (ev->reason == REJ_VETOED)
            add(l, "you vetoed #%d", ev->id);
        else
            add(l, "#%d %s: %s", ev->id, reject_reason_name(ev->reason), ev->why);
        break;
    case EV_CANDIDATE_EDITED:
        add(l, "you edited #%d", ev->id);
        break;
    case EV_STRATEGY_EDITED:
        add(l, "you edited the strategy");
        break;
    case EV_STRATEGY_WAITING:
        add(l, "it %d: the strategy waits for you", ev->iter);
        break;
    case EV_STRATEGY_APPROVED:
        add(l, "you approved the strategy%s%s%s", ev->why ? " (" : "", ev->why ? ev->why : "",
            ev->why ? ")" : "");
        break;
    case EV_REVIEW_CHANGED:
        add(l, "review: %s", review_name(ev->review));
        break;
    case EV_CANDIDATES_PROPOSED:
        if (ev->source == SRC_USER) /* the state's copy keeps its id */
            add(l, "you added #%d", ev->id);
        break;
    default:
        break;
    }
}

/* Line k of n; n is set on every call. */
static const char *log_line(const struct log *l, int k, int *n)
{
    *n = l->n;
    return k >= 0 && k < l->n ? l->line[k] : "";
}

static void *init(struct app *a)
{
    (void)a;
    struct log *l = calloc(1, sizeof(struct log));
    if (l)
        l->sel = l->cur = -1;
    return l;
}

/* Lines for what the state logged since the last call; from the start
 * again when the state was rebuilt to an earlier point (a seek back). */
static void sync(struct app *a, struct log *l)
{
    const struct state *st = app_state(a);
    const struct event *last = l->seen ? state_log(st, l->seen - 1) : NULL;
    if (st->log_total < l->seen || (last && last->seq != l->seen_seq)) {
        l->n = l->top = 0;
        l->sel = -1;
        l->seen = 0;
    }
    if (l->seen < st->log_total - STATE_LOG_KEEP)
        l->seen = st->log_total - STATE_LOG_KEEP;
    for (; l->seen < st->log_total; l->seen++) {
        const struct event *ev = state_log(st, l->seen);
        l->cur = l->seen;
        log_format(a, l, ev);
        l->seen_seq = ev->seq;
    }
    l->cur = -1; /* what comes from elsewhere (streaming) is the pane's own */
}

static void event(struct app *a, void *self, const struct event *ev)
{
    struct log *l = self;
    if (ev->type == EV_LLM_ANSWER) { /* what streamed in is the pane's own */
        if (l->live_total && l->nstreamed < (int)(sizeof l->streamed / sizeof l->streamed[0])) {
            l->streamed[l->nstreamed].req = ev->req;
            l->streamed[l->nstreamed++].chars = l->live_total;
        }
        l->live[0] = '\0';
        l->live_total = 0;
        l->think_open = 0;
    }
    sync(a, l);
}

static void draw(struct app *a, void *self, struct rect r)
{
    struct log *l = self;
    sync(a, l);
    pane_frame(a, P_LOG, NULL);
    int rows = r.h - 2, n;
    char live[300] = "";
    if (l->live[0]) { /* the answer streaming in takes the last line */
        /* reasoning, sent apart or inside a <think> block still open, is
         * shown dimmed: it is not the answer */
        int thinking = strstr(l->live_role, "(thinking)") != NULL ||
                       (l->think_open && !strstr(l->live, "</think>"));
        int w = r.w - 2 - (int)strlen(l->live_role) - 10;
        int len = (int)strlen(l->live);
        snprintf(live, sizeof live, "%s %s: %s", l->live_role, thinking ? "thinks" : "writes",
                 l->live + (w > 0 && len > w ? len - w : 0));
        rows--;
        wattrset(stdscr, theme_attr(thinking ? ROLE_DIM : ROLE_LATEST));
        mvprintw(r.y + r.h - 2, r.x + 1, "%-*.*s", r.w - 2, r.w - 2, live);
    }
    log_line(l, 0, &n);
    int sel = l->sel < 0 ? n - 1 : l->sel;
    if (l->sel < 0 || l->top > n - rows) /* following: the last lines */
        l->top = n - rows;
    if (sel >= 0 && sel < l->top) /* the cursor stays in sight */
        l->top = sel;
    if (sel >= l->top + rows)
        l->top = sel - rows + 1;
    if (l->top < 0)
        l->top = 0;
    for (int i = 0; i < rows; i++) {
        const char *s = log_line(l, l->top + i, &n);
        enum theme_role role = strstr(s, "FAILED") || strstr(s, "unusable") ? ROLE_WARN
                                                                            : ROLE_NORMAL;
        wattrset(stdscr, theme_attr(l->top + i == sel && a->focus == P_LOG ? ROLE_SELECTED : role));
        mvprintw(r.y + 1 + i, r.x + 1, "%-*.*s", r.w - 2, r.w - 2, s);
    }
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

/* The selected line's whole text: the line uncut, then what its event
 * kept of the answer. */
static void show_whole(struct app *a, struct log *l)
{
    int n, k = l->sel < 0 ? l->n - 1 : l->sel;
    if (k < 0)
        return;
    const struct event *ev = l->src[k] >= 0 ? state_log(app_state(a), l->src[k]) : NULL;
    struct strbuf b = {0};
    if (!ev) { /* the pane's own line, or its event has left the state's log */
        strbuf_printf(&b, "%s", log_line(l, k, &n));
    } else {
        l->whole = &b;
        log_format(a, l, ev);
        l->whole = NULL;
        if (ev->text && ev->text[0]) /* what a failed or unusable answer said */
            strbuf_printf(&b, "\n\n# what the server answered\n%s", ev->text);
    }
    overlay_detail_text(a, strbuf_str(&b));
    strbuf_free(&b);
}

/* The cursor, as the tables move theirs; on the last line it follows
 * what comes in. Enter opens the line's whole text. */
static enum handled key(struct app *a, void *self, int ch, int page)
{
    struct log *l = self;
    int sel = l->sel < 0 ? l->n - 1 : l->sel;
    switch (ch) {
    case KEY_UP: case 'k': sel--; break;
    case KEY_DOWN: case 'j': sel++; break;
    case KEY_PPAGE: sel -= page; break;
    case KEY_NPAGE: sel += page; break;
    case KEY_HOME: case 'g': sel = 0; break;
    case KEY_END: case 'G': sel = l->n - 1; break;
    case '\n': case '\r': case KEY_ENTER: show_whole(a, l); return HANDLED;
    default: return IGNORED;
    }
    l->sel = sel >= l->n - 1 ? -1 : sel < 0 ? 0 : sel;
    return HANDLED;
}

/* A line under the border, as the last draw showed them (the streaming
 * answer's line is not one to select). */
static int click(struct app *a, void *self, int y, int x)
{
    (void)x;
    struct log *l = self;
    int k = l->top + y - 1, rows = a->rect[P_LOG].h - 2 - (l->live[0] != '\0');
    if (y < 1 || y > rows || k >= l->n)
        return -1;
    int was = k == (l->sel < 0 ? l->n - 1 : l->sel);
    l->sel = k >= l->n - 1 ? -1 : k; /* the last line: follow, as the keys do */
    return was;
}

const struct pane_ops pane_log = {"Log", 1, init, draw, key, event, free, click};

static int has_think(const char *t, size_t n)
{
    for (size_t i = 0; i + 7 <= n; i++)
        if (memcmp(t + i, "<think>", 7) == 0)
            return 1;
    return 0;
}

void pane_log_stream(struct app *a, const char *role, const char *text, size_t len)
{
    struct log *l = a->self[P_LOG];
    if (strcmp(l->live_role, role) != 0)
        l->live[0] = '\0'; /* thinking gave way to the answer, or the other way */
    snprintf(l->live_role, sizeof l->live_role, "%s", role);
    if (l->live_total == 0 || has_think(text, len))
        l->think_open = has_think(text, len);
    size_t have = strlen(l->live), keep = sizeof l->live - 1;
    if (have + len > keep) {
        size_t drop = have + len - keep < have ? have + len - keep : have;
        memmove(l->live, l->live + drop, have - drop + 1);
        have -= drop;
    }
    size_t take = len < keep - have ? len : keep - have;
    memcpy(l->live + have, text + len - take, take);
    l->live[have + take] = '\0';
    for (char *p = l->live; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    l->live_total += len;
    app_mark(a);
}
