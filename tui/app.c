/* The TUI application: panes, keys, overlays, the loop glue, and the key
 * scripts that drive it in tests. Live and replay modes share everything
 * but where the state comes from and what a few keys do. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "../widgets/plot.h"
#include "../widgets/table.h"
#include "../widgets/textview.h"
#include "../widgets/theme.h"
#include "cmds.h"
#include "tui.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define LOG_LINES 200
#define FRAME_MS 33

enum pane_id { P_STRATEGY, P_CANDS, P_HISTORY, P_PLOT, P_LOG, P__COUNT };
static const char *const pane_names[P__COUNT] = {"Strategy", "Candidates", "History",
                                                  "Pareto", "Log"};

struct rect {
    int y, x, h, w;
};

enum overlay { OV_NONE, OV_HELP, OV_DETAIL, OV_QUIT };

struct app {
    uv_loop_t *loop;
    const struct space *sp;
    struct search *search;      /* live */
    const struct session *ss;   /* replay */
    struct state rst;           /* replay: the state at `pos` */
    int pos;                    /* replay: events applied */
    double speed;
    int rpaused;
    const char *session_path;

    struct rect pane[P__COUNT];
    int shown[P__COUNT];
    int focus;
    enum overlay overlay;
    struct table hist, cands;
    struct textview strat, detail, help;
    int detail_rec;             /* record shown in the detail view */
    int cost;                   /* metric on the plot's x axis */
    char log[LOG_LINES][256];
    int nlog, logtop;
    char note[256];             /* a one-line message in the footer */

    int dirty, quit, code;
    int filtering;              /* typing the history filter */
    int seeking;                /* replay: typing an event number */
    char seekbuf[16];
    double pace;                /* live: seconds per iteration */
    int show_log;               /* small screens: the log instead of the history */
    char live[256];             /* the tail of an LLM answer streaming in */
    char live_role[16];
    size_t live_total;
    int llm_req[64];            /* LLM requests in flight, and when they started */
    uint64_t llm_t0[64];
    int nllm;
    int cands_iter;             /* the iteration the candidates pane shows */
    int editing;                /* typing an architecture: the candidate's id, or -1 new */
    char editbuf[1024];
    char editerr[300];
    uv_poll_t in;
    uv_signal_t winch;
    uv_timer_t frame, tick, clock;
    int open_handles;
    uint64_t t0;

    FILE *script;               /* tests: keys from a file */
    int script_wait;            /* 0 none, 1 paused or ended, 2 ended */
    uv_idle_t script_idle;
};

static const struct state *st_of(const struct app *a)
{
    return a->search ? search_state(a->search) : &a->rst;
}

static void mark(struct app *a);

/* ---- the log pane ------------------------------------------------------------ */

static void logf_(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct app *a, const char *fmt, ...)
{
    if (a->nlog == LOG_LINES) {
        memmove(a->log, a->log + 1, sizeof a->log[0] * (LOG_LINES - 1));
        a->nlog--;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->log[a->nlog++], sizeof a->log[0], fmt, ap);
    va_end(ap);
}

static void log_event(struct app *a, const struct event *ev)
{
    switch (ev->type) {
    case EV_STRATEGY_PROPOSED:
        logf_(a, "it %d: strategy by %s", ev->iter, ev->by ? ev->by : "?");
        break;
    case EV_LLM_REQUEST:
        logf_(a, "it %d: llm #%d %s -> %s", ev->iter, ev->req, ev->role, ev->model);
        break;
    case EV_LLM_ANSWER:
        if (a->live_total)
            logf_(a, "llm #%d streamed %zu characters", ev->req, a->live_total);
        logf_(a, "llm #%d answered: %ld+%ld tokens, %.1f s", ev->req, ev->tokens_in,
              ev->tokens_out, ev->latency);
        a->live[0] = '\0';
        a->live_total = 0;
        break;
    case EV_LLM_RETRY:
        logf_(a, "llm #%d retry %d in %.1f s: %s", ev->req, ev->attempt, ev->delay, ev->detail);
        break;
    case EV_LLM_FAILED:
        logf_(a, "llm #%d FAILED: %s", ev->req, ev->detail);
        break;
    case EV_ANSWER_REJECTED:
        logf_(a, "%s answer #%d unusable: %s", ev->role, ev->req, ev->detail);
        break;
    case EV_PAUSED:
        logf_(a, "paused: %s", ev->detail ? ev->detail : "");
        break;
    case EV_RESUMED:
        logf_(a, "resumed%s%s", ev->detail ? ": " : "", ev->detail ? ev->detail : "");
        break;
    case EV_BEST_IMPROVED:
        logf_(a, "it %d: best %.2f (#%d)", ev->iter, ev->metrics[st_of(a)->info.objective],
              ev->id);
        break;
    case EV_SESSION_ENDED:
        logf_(a, "ended: %s: %s", end_reason_name(ev->end), ev->detail ? ev->detail : "");
        break;
    case EV_SESSION_RESUMED:
        logf_(a, "session resumed, budget %d", ev->budget);
        break;
    case EV_CANDIDATE_APPROVED:
        logf_(a, "you approved #%d", ev->id);
        break;
    case EV_CANDIDATE_REJECTED:
        if (ev->reason == REJ_VETOED)
            logf_(a, "you vetoed #%d", ev->id);
        else
            logf_(a, "#%d %s: %s", ev->id, reject_reason_name(ev->reason), ev->detail);
        break;
    case EV_CANDIDATE_EDITED:
        logf_(a, "you edited #%d", ev->id);
        break;
    case EV_STRATEGY_EDITED:
        logf_(a, "you edited the strategy");
        break;
    case EV_REVIEW_CHANGED:
        logf_(a, "review: %s", ev->detail);
        break;
    case EV_CANDIDATES_PROPOSED:
        if (ev->source == SRC_USER)
            logf_(a, "you added #%d", ev->ncand ? ev->cand[0].id : 0);
        break;
    default:
        break;
    }
}

/* When each LLM request in flight started, for the status line. */
static void track_llm(struct app *a, const struct event *ev)
{
    if (ev->type == EV_LLM_REQUEST && a->nllm < 64) {
        a->llm_req[a->nllm] = ev->req;
        a->llm_t0[a->nllm++] = uv_now(a->loop);
    } else if (ev->type == EV_LLM_ANSWER || ev->type == EV_LLM_FAILED) {
        for (int i = 0; i < a->nllm; i++)
            if (a->llm_req[i] == ev->req) {
                a->llm_req[i] = a->llm_req[--a->nllm];
                a->llm_t0[i] = a->llm_t0[a->nllm];
                break;
            }
    }
}

/* An answer as it streams in: its tail, one line, shown at the foot of
 * the log (and counted in the log when it is complete). */
static void on_stream(void *ud, const char *role, const char *text, size_t len)
{
    struct app *a = ud;
    snprintf(a->live_role, sizeof a->live_role, "%s", role);
    size_t have = strlen(a->live), keep = sizeof a->live - 1;
    if (have + len > keep) {
        size_t drop = have + len - keep < have ? have + len - keep : have;
        memmove(a->live, a->live + drop, have - drop + 1);
        have -= drop;
    }
    size_t take = len < keep - have ? len : keep - have;
    memcpy(a->live + have, text + len - take, take);
    a->live[have + take] = '\0';
    for (char *p = a->live; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    a->live_total += len;
    mark(a);
}

static void on_event(void *ud, const struct event *ev, const struct state *st)
{
    (void)st;
    struct app *a = ud;
    log_event(a, ev);
    track_llm(a, ev);
    mark(a);
}

/* ---- table sources ------------------------------------------------------------ */

static int hist_rows(void *ud) { return (int)st_of(ud)->nrec; }

static int in_front(const struct state *st, int rec)
{
    for (size_t i = 0; i < st->front.n; i++)
        if (st->front.ids[i] == rec)
            return 1;
    return 0;
}

static void hist_cell(void *ud, int row, int col, char *buf, size_t n)
{
    const struct state *st = st_of(ud);
    const struct record *r = &st->rec[row];
    int cost = ((struct app *)ud)->cost >= 0 ? ((struct app *)ud)->cost : st->front_cost;
    switch (col) {
    case 0: snprintf(buf, n, "%d", r->order); break;
    case 1: snprintf(buf, n, "%d", r->iter); break;
    case 2: snprintf(buf, n, "%.2f", r->m[st->info.objective]); break;
    case 3:
        if (st->info.report >= 0)
            snprintf(buf, n, "%.2f", r->m[st->info.report]);
        else
            buf[0] = 0; /* the space reports nothing beside its objective (ofa-mbv3) */
        break;
    case 4: snprintf(buf, n, "%.1f", cost >= 0 ? r->m[cost] : NAN); break;
    default: space_brief(((struct app *)ud)->sp, r->text, buf, n); break;
    }
}

static double hist_key(void *ud, int row, int col)
{
    const struct state *st = st_of(ud);
    const struct record *r = &st->rec[row];
    int cost = ((struct app *)ud)->cost >= 0 ? ((struct app *)ud)->cost : st->front_cost;
    switch (col) {
    case 0: return r->order;
    case 1: return r->iter;
    case 2: return r->m[st->info.objective];
    case 3: return st->info.report >= 0 ? r->m[st->info.report] : NAN;
    case 4: return cost >= 0 ? r->m[cost] : NAN;
    default: return r->order;
    }
}

static enum theme_role hist_role(void *ud, int row)
{
    const struct state *st = st_of(ud);
    if (row == st->best)
        return ROLE_BEST;
    if (in_front(st, row))
        return ROLE_FRONT;
    if (st->rec[row].iter == st->iter)
        return ROLE_LATEST;
    return ROLE_NORMAL;
}

/* The candidates of the current iteration, the person's own included. */
static int cand_rows(void *ud)
{
    const struct state *st = st_of(ud);
    int n = 0;
    for (int i = st->ncands - 1; i >= 0 && st->cands[i].iter >= st->iter; i--)
        n += st->cands[i].iter == st->iter;
    return n;
}

static const struct cand *cand_at(void *ud, int row)
{
    const struct state *st = st_of(ud);
    int first = st->ncands;
    while (first > 0 && st->cands[first - 1].iter >= st->iter)
        first--;
    for (int i = first; i < st->ncands; i++)
        if (st->cands[i].iter == st->iter && row-- == 0)
            return &st->cands[i];
    return &st->cands[st->ncands - 1];
}

static void cand_cell(void *ud, int row, int col, char *buf, size_t n)
{
    const struct state *st = st_of(ud);
    const struct cand *c = cand_at(ud, row);
    if (col == 0) {
        snprintf(buf, n, "%d", c->id);
    } else if (col == 1) {
        switch (c->status) { /* the reason's detail is in the footer when selected */
        case CAND_QUEUED:
            snprintf(buf, n, "%s", state_awaits_review(st, c) ? "to review"
                                   : c->source == SRC_USER ? "yours" : c->edited ? "edited"
                                                                             : "queued");
            break;
        case CAND_EVALUATING: snprintf(buf, n, "evaluating"); break;
        case CAND_FAILED: snprintf(buf, n, "failed"); break;
        case CAND_DONE:
            snprintf(buf, n, "done %.2f", c->rec >= 0 ? st->rec[c->rec].m[st->info.objective]
                                                      : NAN);
            break;
        case CAND_REJECTED:
            snprintf(buf, n, "%s", reject_reason_name(c->reason));
            break;
        }
    } else {
        space_brief(((struct app *)ud)->sp, c->text, buf, n);
    }
}

static double cand_key(void *ud, int row, int col)
{
    (void)col;
    return cand_at(ud, row)->id;
}

static enum theme_role cand_role(void *ud, int row)
{
    const struct cand *c = cand_at(ud, row);
    switch (c->status) {
    case CAND_REJECTED: return c->reason == REJ_DUPLICATE ? ROLE_DIM : ROLE_BAD;
    case CAND_FAILED: return ROLE_WARN;
    case CAND_EVALUATING: return ROLE_LATEST;
    case CAND_DONE: return c->rec == st_of(ud)->best ? ROLE_BEST : ROLE_NORMAL;
    default: return state_awaits_review(st_of(ud), c) ? ROLE_WARN : ROLE_DIM;
    }
}

/* "valid_acc" is headed "valid", "pred_acc" "pred": the columns stay
 * narrow; no metric (-1), no heading. */
static const char *column_label(const struct state *st, int metric, char *buf, size_t n)
{
    const char *name = metric >= 0 ? st->info.metrics[metric].name : "";
    snprintf(buf, n, "%.*s", (int)strcspn(name, "_"), name);
    return buf;
}

static struct table_col hist_cols[] = {
    {"#", 4, 1}, {"it", 3, 1}, {"valid", 6, 1}, {"test", 6, 1}, {"cost", 6, 1}, {"arch", 0, 0},
};
static const struct table_col cand_cols[] = {
    {"id", 3, 1}, {"status", 10, 0}, {"arch", 0, 0},
};

/* ---- drawing ------------------------------------------------------------------ */

static void layout(struct app *a)
{
    int W = COLS, H = LINES - 2; /* status line on top, footer below */
    memset(a->shown, 0, sizeof a->shown);
    if (W >= 160 && LINES >= 40) { /* three columns, a log */
        int w1 = W * 3 / 10, w2 = W * 35 / 100, w3 = W - w1 - w2;
        int hc = H * 2 / 5, hp = H * 3 / 5;
        a->pane[P_STRATEGY] = (struct rect){1, 0, H, w1};
        a->pane[P_CANDS] = (struct rect){1, w1, hc, w2};
        a->pane[P_HISTORY] = (struct rect){1 + hc, w1, H - hc, w2};
        a->pane[P_PLOT] = (struct rect){1, w1 + w2, hp, w3};
        a->pane[P_LOG] = (struct rect){1 + hp, w1 + w2, H - hp, w3};
        for (int i = 0; i < P__COUNT; i++)
            a->shown[i] = 1;
        return;
    }
    int w1 = W / 2, w2 = W - w1, h1 = H / 2;
    a->pane[P_STRATEGY] = (struct rect){1, 0, h1, w1};
    a->pane[P_CANDS] = (struct rect){1 + h1, 0, H - h1, w1};
    a->pane[P_PLOT] = (struct rect){1, w1, h1, w2};
    a->pane[P_HISTORY] = (struct rect){1 + h1, w1, H - h1, w2};
    a->shown[P_STRATEGY] = a->shown[P_CANDS] = a->shown[P_PLOT] = a->shown[P_HISTORY] = 1;
    if (a->show_log && LINES < 34) { /* the log where the history was */
        a->pane[P_LOG] = a->pane[P_HISTORY];
        a->shown[P_HISTORY] = 0;
        a->shown[P_LOG] = 1;
    } else if (LINES >= 34) { /* room for a log under the history */
        int hl = 6;
        a->pane[P_HISTORY].h -= hl;
        a->pane[P_LOG] = (struct rect){1 + H - hl, w1, hl, w2};
        a->shown[P_LOG] = 1;
    }
}

/* Box lines as text, not the alternate character set, so a screen dump
 * reads as it looks: Unicode where the locale has it, else ASCII. */
static int utf8;
static void box_at(int y, int x, int h, int w)
{
    const char *hz = utf8 ? "\u2500" : "-", *vt = utf8 ? "\u2502" : "|";
    for (int i = 1; i < w - 1; i++) {
        mvaddstr(y, x + i, hz);
        mvaddstr(y + h - 1, x + i, hz);
    }
    for (int i = 1; i < h - 1; i++) {
        mvaddstr(y + i, x, vt);
        mvaddstr(y + i, x + w - 1, vt);
    }
    mvaddstr(y, x, utf8 ? "\u250c" : "+");
    mvaddstr(y, x + w - 1, utf8 ? "\u2510" : "+");
    mvaddstr(y + h - 1, x, utf8 ? "\u2514" : "+");
    mvaddstr(y + h - 1, x + w - 1, utf8 ? "\u2518" : "+");
}

static void frame_pane(struct app *a, int id, const char *extra)
{
    struct rect r = a->pane[id];
    int focused = a->focus == id;
    wattrset(stdscr, theme_attr(focused ? ROLE_FOCUS : ROLE_BORDER));
    box_at(r.y, r.x, r.h, r.w);
    wattrset(stdscr, theme_attr(focused ? ROLE_FOCUS : ROLE_TITLE));
    char t[256];
    snprintf(t, sizeof t, " %s%s%s ", pane_names[id], extra && extra[0] ? ": " : "",
             extra ? extra : "");
    mvaddnstr(r.y, r.x + 2, t, r.w - 4);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static void draw_status(struct app *a)
{
    const struct state *st = st_of(a);
    char line[512], elapsed[32] = "-";
    if (!a->script) {
        long s = a->search ? (long)((uv_now(a->loop) - a->t0) / 1000)
                           : (a->pos ? (long)a->ss->evs[a->pos - 1].t : 0);
        snprintf(elapsed, sizeof elapsed, "%02ld:%02ld", s / 60, s % 60);
    }
    const char *nav = st->info.navigator && st->info.navigator[0] ? st->info.navigator : "";
    const char *run = st->ended ? "ended" : st->paused ? "PAUSED" : "running";
    if (a->ss)
        run = a->pos >= a->ss->n ? "replay: end" : a->rpaused ? "replay: PAUSED" : "replay";
    char agents[96] = "", llm[64] = "";
    if (nav[0])
        snprintf(agents, sizeof agents, " (%s)", strncmp(nav, "llm:", 4) ? "offline" : nav + 4);
    if (st->llm_requests)
        snprintf(llm, sizeof llm, " | llm %d busy, %ld tok", st->llm_in_flight,
                 st->tokens_in + st->tokens_out);
    char review[32] = "", pace[32] = "", busy[32] = "";
    if (st->review != REVIEW_AUTO)
        snprintf(review, sizeof review, " | review %s", review_name(st->review));
    if (a->search && !st->ended)
        snprintf(pace, sizeof pace, a->pace > 0 ? " | pace %gs" : " | no pace", a->pace);
    if (st->in_flight)
        snprintf(busy, sizeof busy, " | %d running", st->in_flight);
    if (a->nllm && !a->script) { /* the oldest request in flight, and for how long */
        uint64_t t0 = a->llm_t0[0];
        for (int i = 1; i < a->nllm; i++)
            if (a->llm_t0[i] < t0)
                t0 = a->llm_t0[i];
        snprintf(llm, sizeof llm, " | llm %d waiting %llus, %ld tok", a->nllm,
                 (unsigned long long)((uv_now(a->loop) - t0) / 1000),
                 st->tokens_in + st->tokens_out);
    }
    snprintf(line, sizeof line, " %s | %s | %s%s | it %d | %d/%d%s%s%s%s | %s", run,
             st->info.space ? st->info.space : "?", st->info.algo ? st->info.algo : "?", agents,
             st->iter, st->started, st->info.budget, busy, review, llm, pace, elapsed);
    wattrset(stdscr, theme_attr(ROLE_STATUS));
    mvprintw(0, 0, "%-*.*s", COLS, COLS, line);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static void draw_footer(struct app *a)
{
    const struct state *st = st_of(a);
    char line[512];
    const struct cand *sel = NULL;
    if (a->focus == P_CANDS && table_selected(&a->cands) >= 0 && cand_rows(a) > 0)
        sel = cand_at(a, table_selected(&a->cands));
    if (a->note[0])
        snprintf(line, sizeof line, " %s", a->note);
    else if (sel && sel->detail)
        snprintf(line, sizeof line, " #%d %s: %s", sel->id, reject_reason_name(sel->reason),
                 sel->detail);
    else if (a->search && st->ended)
        snprintf(line, sizeof line, " ended (%s). Enter details, Tab panes, ? help, q quit",
                 st->end_detail);
    else if (a->ss)
        snprintf(line, sizeof line, " event %d/%d  x%g  space pause  . step  [ ] iteration  "
                 "< > speed  : go to  ? help  q quit", a->pos, a->ss->n, a->speed);
    else if (st->paused && st->pause_reason[0] && !a->shown[P_LOG])
        snprintf(line, sizeof line, " paused: %s   (p resume, s step)", st->pause_reason);
    else if (st->review != REVIEW_AUTO)
        snprintf(line, sizeof line, " a ok  A all  v veto  e edit  i add  E strategy  r review  "
                 "p pause  ? help  q quit");
    else
        snprintf(line, sizeof line, " p pause  s step  +- pace  c cost  Tab pane  r review  "
                 "l log  Enter detail  ? help  q quit");
    wattrset(stdscr, theme_attr(ROLE_KEY));
    mvprintw(LINES - 1, 0, "%-*.*s", COLS, COLS, line);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static void draw_plot(struct app *a)
{
    const struct state *st = st_of(a);
    struct rect r = a->pane[P_PLOT];
    int cost = a->cost >= 0 ? a->cost : st->front_cost;
    char extra[128] = "";
    const struct record *b = state_best(st);
    if (cost >= 0 && st->info.nmetrics)
        snprintf(extra, sizeof extra, "%s vs %s%s", st->info.metrics[st->info.objective].name,
                 st->info.metrics[cost].name, b ? "" : "");
    frame_pane(a, P_PLOT, extra);
    if (r.w < 16 || r.h < 6 || cost < 0)
        return;
    if (st->nrec == 0) {
        wattrset(stdscr, theme_attr(ROLE_DIM));
        mvaddnstr(r.y + r.h / 2, r.x + 3, "(nothing evaluated yet)", r.w - 6);
        wattrset(stdscr, theme_attr(ROLE_NORMAL));
        return;
    }
    /* the best-so-far curve takes the last 3 rows of the pane */
    int ch = r.h - 2 - 4, cw = r.w - 2 - 7;
    struct plot_point *pts = malloc((st->nrec + 1) * sizeof *pts);
    struct canvas c;
    if (!pts || canvas_init(&c, cw, ch - 1) < 0) {
        free(pts);
        return;
    }
    for (size_t i = 0; i < st->nrec; i++) {
        uint8_t role = (int)i == st->best ? ROLE_BEST
                       : (cost == st->front_cost && in_front(st, (int)i)) ? ROLE_FRONT
                       : st->rec[i].iter == st->iter ? ROLE_LATEST : ROLE_POINT;
        pts[i] = (struct plot_point){st->rec[i].m[cost], st->rec[i].m[st->info.objective], role};
    }
    struct plot_range pr;
    plot_fit(&pr, pts, st->nrec);
    plot_render(&pr, pts, st->nrec, cost == st->front_cost, &c);
    plot_draw(stdscr, r.y + 1, r.x + 1, ch, r.w - 2, &pr, &c, st->info.metrics[cost].name,
              st->info.metrics[st->info.objective].name);
    canvas_free(&c);
    /* best so far, over evaluations */
    int by = r.y + 1 + ch, bw = r.w - 2 - 7;
    wattrset(stdscr, theme_attr(ROLE_DIM));
    mvaddnstr(by, r.x + 1, "best", 6);
    if (b)
        mvprintw(by + 1, r.x + 1, "%6.2f", b->m[st->info.objective]);
    if (st->nrec && canvas_init(&c, bw, 3) == 0) {
        double run = -INFINITY;
        for (size_t i = 0; i < st->nrec; i++) {
            double v = st->rec[i].m[st->info.objective];
            if (v > run)
                run = v;
            pts[i] = (struct plot_point){(double)i, run, ROLE_FRONT};
        }
        plot_fit(&pr, pts, st->nrec);
        plot_render(&pr, pts, st->nrec, 1, &c);
        for (int cy = 0; cy < 3; cy++)
            for (int cx = 0; cx < bw; cx++) {
                char cell[4];
                wattrset(stdscr, theme_attr(ROLE_GOOD));
                mvaddstr(by + cy, r.x + 8 + cx, canvas_cell(&c, cx, cy, cell));
            }
        canvas_free(&c);
    }
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
    free(pts);
}

static void draw_log(struct app *a)
{
    struct rect r = a->pane[P_LOG];
    frame_pane(a, P_LOG, NULL);
    int rows = r.h - 2;
    char live[300] = "";
    if (a->live[0]) { /* the answer streaming in takes the last line */
        int w = r.w - 2 - (int)strlen(a->live_role) - 10;
        int l = (int)strlen(a->live);
        snprintf(live, sizeof live, "%s writes: %s", a->live_role,
                 a->live + (w > 0 && l > w ? l - w : 0));
        rows--;
        wattrset(stdscr, theme_attr(ROLE_LATEST));
        mvprintw(r.y + r.h - 2, r.x + 1, "%-*.*s", r.w - 2, r.w - 2, live);
    }
    int first = a->nlog - rows - a->logtop;
    if (first < 0)
        first = 0;
    for (int i = 0; i < rows; i++) {
        int k = first + i;
        const char *s = k < a->nlog ? a->log[k] : "";
        wattrset(stdscr, theme_attr(strstr(s, "FAILED") || strstr(s, "unusable") ? ROLE_WARN
                                                                                 : ROLE_NORMAL));
        mvprintw(r.y + 1 + i, r.x + 1, "%-*.*s", r.w - 2, r.w - 2, s);
    }
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static void center_box(int h, int w, struct rect *out)
{
    if (w > COLS - 4)
        w = COLS - 4;
    if (h > LINES - 4)
        h = LINES - 4;
    *out = (struct rect){(LINES - h) / 2, (COLS - w) / 2, h, w};
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
    for (int y = 0; y < h; y++)
        mvprintw(out->y + y, out->x, "%*s", w, "");
    wattrset(stdscr, theme_attr(ROLE_FOCUS));
    box_at(out->y, out->x, h, w);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

/* One place for every key, its meaning and its help line (as nnn and tig). */
#define KEYS(X)                                                                              \
    X('?', "?", "this help")                                                                 \
    X('q', "q", "quit (asks while a search runs; the session is saved)")                    \
    X('p', "p / space", "pause or resume (replay: pause the clock)")                         \
    X('s', "s", "run one iteration, then pause (replay: one event)")                         \
    X('+', "+ / -", "faster / slower: the pace between iterations (replay: speed x2, x0.5)") \
    X('l', "l", "the log (LLM calls, streamed answers) instead of the history")              \
    X(':', ":", "replay: go to event number N")                                              \
    X('c', "c", "the next cost for the plot and history: flops, params ...")                \
    X('\t', "Tab", "move between panes")                                                     \
    X('o', "o / O", "sort the history by the next column / reverse it")                      \
    X('/', "/", "filter the history by text; Enter keeps it, Esc clears it")               \
    X('\n', "Enter", "details of the selected architecture")                                 \
    X('[', "[ ]", "replay: previous / next iteration")                                       \
    X('r', "r", "review: auto, candidates, strategy, all (what waits for you)")            \
    X('a', "a / A", "approve the selected candidate / all (and a waiting strategy)")        \
    X('v', "v", "veto the selected candidate")                                              \
    X('e', "e / i", "edit the selected candidate / inject your own (checked as you type)") \
    X('E', "E", "edit the waiting strategy in $EDITOR before the Generator sees it")       \
    X('g', "Home End", "first / last line; in replay: first / last event")

static const char *help_text(void)
{
    static char buf[2048];
    size_t off = 0;
#define X(k, name, help)                                                                     \
    off += (size_t)snprintf(buf + off, sizeof buf - off, "%-10s %s\n", name, help);
    KEYS(X)
#undef X
    snprintf(buf + off, sizeof buf - off, "Arrows, j/k, PgUp/PgDn scroll the focused pane "
                                          "(and this help). Any other key closes it.");
    return buf;
}

static void draw_detail(struct app *a)
{
    const struct state *st = st_of(a);
    if (a->detail_rec < 0 || (size_t)a->detail_rec >= st->nrec)
        return;
    const struct record *r = &st->rec[a->detail_rec];
    char buf[8192];
    size_t off = (size_t)snprintf(buf, sizeof buf, "# Evaluation %d, iteration %d, by %s (%s)\n%s\n\n",
                                  r->order, r->iter, r->by, source_name(r->source), r->text);
    struct arch arch;
    if (space_decode(a->sp, r->text, &arch, NULL) == 0)
        for (int d = 0; d < a->sp->ndims && off < sizeof buf; d++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%-12s %s\n",
                                    a->sp->dims[d].name,
                                    a->sp->dims[d].choices[arch.v[d]]);
    off += (size_t)snprintf(buf + off, sizeof buf - off, "\n# Metrics\n");
    for (int i = 0; i < st->info.nmetrics && off < sizeof buf; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%-18s %.6g %s\n",
                                st->info.metrics[i].name, r->m[i], st->info.metrics[i].unit);
    for (int i = st->strategies - 1; i >= 0 && off < sizeof buf; i--)
        if (st->strats[i].iter <= r->iter) {
            snprintf(buf + off, sizeof buf - off, "\n# The strategy it came from (iteration %d, "
                     "%s)\n%s\n", st->strats[i].iter, st->strats[i].by, st->strats[i].text);
            break;
        }
    textview_set(&a->detail, buf);
    struct rect b;
    center_box(LINES - 4, COLS - 8, &b);
    textview_draw(&a->detail, stdscr, b.y + 1, b.x + 2, b.h - 2, b.w - 4);
}

static void draw(struct app *a)
{
    const struct state *st = st_of(a);
    erase();
    if (COLS < MIN_COLS || LINES < MIN_ROWS) {
        char m1[128], m2[128];
        snprintf(m1, sizeof m1, "collm needs at least %dx%d;", MIN_COLS, MIN_ROWS);
        snprintf(m2, sizeof m2, "this terminal is %dx%d. Enlarge it, or q to quit.", COLS,
                 LINES);
        mvaddnstr(LINES / 2 - 1, (COLS - (int)strlen(m1)) / 2 > 0 ? (COLS - (int)strlen(m1)) / 2 : 0,
                  m1, COLS);
        mvaddnstr(LINES / 2, (COLS - (int)strlen(m2)) / 2 > 0 ? (COLS - (int)strlen(m2)) / 2 : 0,
                  m2, COLS);
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    layout(a);
    if (!a->shown[a->focus])
        a->focus = P_STRATEGY;
    draw_status(a);

    const struct strategy_rec *sr = state_strategy(st);
    char by[96] = "";
    if (sr)
        snprintf(by, sizeof by, "it %d, %s%s", sr->iter,
                 strcmp(sr->by, "user") == 0 ? "yours"
                 : strncmp(sr->by, "llm:", 4) ? "offline" : sr->by + 4,
                 a->search && search_strategy_waiting(a->search) ? " - REVIEW: a go, E edit"
                                                                 : "");
    frame_pane(a, P_STRATEGY, by);
    textview_set(&a->strat, sr ? sr->text
                               : (st->info.navigator && st->info.navigator[0]
                                      ? "(waiting for the Navigator's first strategy)"
                                      : "(this algorithm writes no strategy)"));
    struct rect r = a->pane[P_STRATEGY];
    textview_draw(&a->strat, stdscr, r.y + 1, r.x + 1, r.h - 2, r.w - 2);

    if (a->cands_iter != st->iter) { /* a new iteration: its first candidate */
        a->cands_iter = st->iter;
        a->cands.sel = a->cands.top = 0;
    }
    table_refresh(&a->cands);
    char cx[64];
    snprintf(cx, sizeof cx, "iteration %d, %d", st->iter, cand_rows(a));
    frame_pane(a, P_CANDS, cx);
    r = a->pane[P_CANDS];
    table_draw(&a->cands, stdscr, r.y + 1, r.x + 1, r.h - 2, r.w - 2, a->focus == P_CANDS);

    int fc = a->cost >= 0 ? a->cost : st->front_cost;
    hist_cols[4].title = fc >= 0 ? st->info.metrics[fc].name : "cost";
    static char obj_title[16], rep_title[16];
    hist_cols[2].title = column_label(st, st->info.objective, obj_title, sizeof obj_title);
    hist_cols[3].title = column_label(st, st->info.report, rep_title, sizeof rep_title);
    hist_cols[3].width = st->info.report >= 0 ? 6 : -1;
    table_refresh(&a->hist);
    if (a->shown[P_HISTORY]) {
        char hx[96];
        snprintf(hx, sizeof hx, "%zu evaluated%s%s", st->nrec,
                 a->hist.filter[0] ? ", filter " : "", a->hist.filter);
        frame_pane(a, P_HISTORY, hx);
        r = a->pane[P_HISTORY];
        table_draw(&a->hist, stdscr, r.y + 1, r.x + 1, r.h - 2, r.w - 2, a->focus == P_HISTORY);
    }

    draw_plot(a);
    if (a->shown[P_LOG])
        draw_log(a);
    draw_footer(a);

    struct rect b;
    if (a->overlay == OV_HELP) {
        textview_set(&a->help, help_text());
        center_box(LINES - 2, 84, &b);
        textview_draw(&a->help, stdscr, b.y + 1, b.x + 2, b.h - 2, b.w - 4);
    } else if (a->overlay == OV_DETAIL) {
        draw_detail(a);
    } else if (a->overlay == OV_QUIT) {
        center_box(5, 64, &b);
        mvaddnstr(b.y + 1, b.x + 2, "The search is still running. Quit? It stops here;", b.w - 4);
        mvaddnstr(b.y + 2, b.x + 2, "the session is saved: collm resume continues it.", b.w - 4);
        wattrset(stdscr, theme_attr(ROLE_KEY));
        mvaddnstr(b.y + 3, b.x + 2, "y quit   n stay", b.w - 4);
        wattrset(stdscr, theme_attr(ROLE_NORMAL));
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- the loop --------------------------------------------------------------------- */

static void on_frame(uv_timer_t *t)
{
    struct app *a = t->data;
    a->dirty = 0;
    draw(a);
}

static void mark(struct app *a)
{
    if (a->dirty || a->script)
        return; /* scripts draw when they dump */
    a->dirty = 1;
    uv_timer_start(&a->frame, on_frame, FRAME_MS, 0);
}

/* the clock in the status line, once a second while something runs */
static void on_tick(uv_timer_t *t)
{
    struct app *a = t->data;
    const struct state *st = st_of(a);
    int running = a->search ? !st->ended && !st->paused : !a->rpaused && a->pos < a->ss->n;
    if (running)
        mark(a);
}

static void replay_schedule(struct app *a);

static void replay_to(struct app *a, int pos)
{
    if (pos < a->pos) { /* backwards: rebuild from the start */
        state_free(&a->rst);
        state_init(&a->rst, space_decode_ctx, a->sp, a->sp->front_cost);
        a->pos = 0;
    }
    struct err e;
    while (a->pos < pos && a->pos < a->ss->n) {
        if (state_apply(&a->rst, &a->ss->evs[a->pos], &e) < 0) {
            snprintf(a->note, sizeof a->note, "event %d: %s: %s", a->pos + 1, e.where, e.msg);
            a->pos = a->ss->n;
            break;
        }
        log_event(a, &a->ss->evs[a->pos]);
        a->pos++;
    }
    mark(a);
}

static void on_clock(uv_timer_t *t)
{
    struct app *a = t->data;
    replay_to(a, a->pos + 1);
    replay_schedule(a);
}

static void replay_schedule(struct app *a)
{
    uv_timer_stop(&a->clock);
    if (a->rpaused || a->pos >= a->ss->n || a->pos == 0 || a->script)
        return;
    double gap = a->ss->evs[a->pos].t - a->ss->evs[a->pos - 1].t;
    double ms = fmin(fmax(gap, 0) / a->speed * 1000, 2000); /* a long pause is shortened */
    uv_timer_start(&a->clock, on_clock, (uint64_t)ms, 0);
}

/* How many events make iteration k complete: up to the start of k + 1. */
static int iteration_end(const struct app *a, int k)
{
    for (int i = 0; i < a->ss->n; i++)
        if (a->ss->evs[i].type == EV_ITERATION_STARTED && a->ss->evs[i].iter == k + 1)
            return i;
    return a->ss->n;
}

/* The end of this iteration (or the next one, if already there), or the
 * end of the previous one. */
static int iteration_edge(const struct app *a, int dir)
{
    int k = a->rst.iter;
    if (dir > 0) {
        int e = iteration_end(a, k);
        return a->pos >= e ? iteration_end(a, k + 1) : e;
    }
    int e = iteration_end(a, k - 1);
    if (e >= a->pos)
        e = iteration_end(a, k - 2);
    return e > 1 ? e : 1;
}

/* The waiting strategy in $EDITOR, the way git and mutt do: leave the
 * screen, run the editor on a file, come back and redraw. */
static void edit_strategy(struct app *a)
{
    const struct strategy_rec *sr = state_strategy(st_of(a));
    char path[] = "/tmp/collm-strategy-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || !sr) {
        snprintf(a->note, sizeof a->note, "cannot make a file for the editor: %s",
                 strerror(errno));
        return;
    }
    FILE *f = fdopen(fd, "w");
    fputs(sr->text, f);
    fclose(f);
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "%s '%s'", ed, path);
    def_prog_mode();
    endwin();
    int rc = system(cmd);
    reset_prog_mode();
    refresh();
    struct strbuf_local {
        char *p;
        size_t n;
    } text = {0};
    f = fopen(path, "r");
    if (f) {
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        rewind(f);
        text.p = len >= 0 ? malloc((size_t)len + 1) : NULL;
        if (text.p) {
            text.n = fread(text.p, 1, (size_t)len, f);
            text.p[text.n] = '\0';
        }
        fclose(f);
    }
    unlink(path);
    struct err e = {0};
    if (rc != 0 || !text.p) {
        snprintf(a->note, sizeof a->note, "the editor (%s) failed; the strategy is unchanged", ed);
    } else if (strcmp(text.p, sr->text) == 0) {
        snprintf(a->note, sizeof a->note, "unchanged; a to go on with it");
    } else if (search_approve_strategy(a->search, text.p, &e) == 0) {
        snprintf(a->note, sizeof a->note, "your strategy goes to the Generator");
    }
    free(text.p);
    mark(a);
}

static void quit(struct app *a)
{
    a->quit = 1;
    uv_stop(a->loop);
}

static void key(struct app *a, int ch)
{
    const struct state *st = st_of(a);
    a->note[0] = '\0';
    if (a->overlay == OV_QUIT) {
        if (ch == 'y' || ch == 'Y') {
            search_stop(a->search, END_USER, "the user quit");
            quit(a);
        }
        a->overlay = OV_NONE;
        mark(a);
        return;
    }
    if (a->overlay == OV_HELP) { /* arrows scroll it; any other key closes it */
        if (!textview_key(&a->help, ch, LINES - 4))
            a->overlay = OV_NONE;
        mark(a);
        return;
    }
    if (a->overlay == OV_DETAIL) {
        if (!textview_key(&a->detail, ch, LINES - 6))
            a->overlay = OV_NONE;
        mark(a);
        return;
    }
    if (COLS < MIN_COLS || LINES < MIN_ROWS) {
        if (ch == 'q')
            quit(a);
        return;
    }
    if (a->editing) { /* an architecture, checked as it is typed */
        size_t n = strlen(a->editbuf);
        struct err e = {0};
        if (ch == 27) {
            a->editing = 0;
        } else if (ch == 21) { /* Ctrl-U: start over */
            a->editbuf[0] = '\0';
        } else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            int rc = a->editing > 0 ? search_edit(a->search, a->editing, a->editbuf, &e)
                                    : search_inject(a->search, a->editbuf, &e);
            if (rc >= 0) {
                snprintf(a->note, sizeof a->note, "%s", a->editing > 0 ? "edited" : "injected");
                a->editing = 0;
                mark(a);
                return;
            }
        } else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
            a->editbuf[n - 1] = '\0';
        } else if (ch >= 32 && ch < 127 && n + 1 < sizeof a->editbuf) {
            a->editbuf[n] = (char)ch;
            a->editbuf[n + 1] = '\0';
        }
        if (a->editing) {
            char why[400] = "ok";
            if (e.msg[0] || search_check(a->search, a->editbuf, &e) < 0)
                err_str(&e, why, sizeof why);
            snprintf(a->note, sizeof a->note, "%s [%s]: %s_", a->editing > 0 ? "edit" : "add",
                     why, a->editbuf);
        }
        mark(a);
        return;
    }
    if (a->seeking) { /* replay: an event number */
        size_t n = strlen(a->seekbuf);
        if (ch == 27) {
            a->seeking = 0;
        } else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            int to = atoi(a->seekbuf);
            a->seeking = 0;
            if (to >= 1 && to <= a->ss->n) {
                a->rpaused = 1;
                replay_to(a, to);
            } else {
                snprintf(a->note, sizeof a->note, "no event %s: the session has 1 to %d",
                         a->seekbuf, a->ss->n);
            }
        } else if (ch >= '0' && ch <= '9' && n + 1 < sizeof a->seekbuf) {
            a->seekbuf[n] = (char)ch;
            a->seekbuf[n + 1] = '\0';
        } else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
            a->seekbuf[n - 1] = '\0';
        }
        if (a->seeking)
            snprintf(a->note, sizeof a->note, "go to event: %s_  (1 to %d; Enter goes, Esc not)",
                     a->seekbuf, a->ss->n);
        mark(a);
        return;
    }
    if (a->filtering) { /* the history filter, as it is typed */
        size_t n = strlen(a->hist.filter);
        if (ch == 27) {
            a->hist.filter[0] = '\0';
            a->filtering = 0;
        } else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            a->filtering = 0;
        } else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
            a->hist.filter[n - 1] = '\0';
        } else if (ch >= 32 && ch < 127 && n + 1 < sizeof a->hist.filter) {
            a->hist.filter[n] = (char)ch;
            a->hist.filter[n + 1] = '\0';
        }
        if (a->filtering)
            snprintf(a->note, sizeof a->note, "filter: %s_   (Enter keep, Esc clear)",
                     a->hist.filter);
        mark(a);
        return;
    }
    int page = a->pane[a->focus].h - 3;
    switch (ch) {
    case 'q':
        if (a->search && !st->ended)
            a->overlay = OV_QUIT;
        else
            quit(a);
        break;
    case '?': a->overlay = OV_HELP; break;
    case 'l': a->show_log = !a->show_log; break;
    case ':':
        if (a->ss) {
            a->seeking = 1;
            a->seekbuf[0] = '\0';
            snprintf(a->note, sizeof a->note, "go to event: _  (1 to %d; Enter goes, Esc not)",
                     a->ss->n);
        }
        break;
    case 'r':
        if (a->search) {
            enum review_policy rv = (enum review_policy)((st->review + 1) % REVIEW__COUNT);
            search_set_review(a->search, rv);
            snprintf(a->note, sizeof a->note, "review: %s%s", review_name(rv),
                     rv == REVIEW_AUTO ? " (nothing waits for you)"
                     : rv == REVIEW_CANDIDATES ? " (each batch waits for a/A/v/e)"
                     : rv == REVIEW_STRATEGY ? " (each strategy waits for a or E)"
                                             : " (strategies and candidates wait)");
        }
        break;
    case 'a': case 'A':
        if (!a->search)
            break;
        if (search_strategy_waiting(a->search) && (ch == 'A' || a->focus == P_STRATEGY)) {
            struct err e;
            search_approve_strategy(a->search, NULL, &e);
        }
        if (search_strategy_waiting(a->search) || (ch == 'a' && a->focus == P_STRATEGY)) {
            snprintf(a->note, sizeof a->note, "the strategy goes to the Generator");
            break; /* what it brings is reviewed on its own */
        }
        {
            struct err e = {0};
            table_refresh(&a->cands);
            int row = table_selected(&a->cands);
            int rc = search_approve(a->search, ch == 'A' ? 0
                                               : row >= 0 && cand_rows(a) ? cand_at(a, row)->id
                                                                          : -1, &e);
            if (rc < 0)
                snprintf(a->note, sizeof a->note, "%s", e.msg);
            else if (rc == 0)
                snprintf(a->note, sizeof a->note, "nothing is waiting for approval");
            if (ch == 'a' && a->cands.sel < a->cands.n - 1)
                a->cands.sel++; /* on to the next one */
        }
        break;
    case 'v': case 'e':
        if (a->search) {
            table_refresh(&a->cands);
            int row = table_selected(&a->cands);
            const struct cand *c = row >= 0 ? cand_at(a, row) : NULL;
            struct err e = {0};
            if (!c || c->status != CAND_QUEUED) {
                snprintf(a->note, sizeof a->note, "select a candidate that has not run yet");
            } else if (ch == 'v') {
                if (search_veto(a->search, c->id, &e) < 0)
                    snprintf(a->note, sizeof a->note, "%s", e.msg);
                else if (a->cands.sel < a->cands.n - 1)
                    a->cands.sel++;
            } else {
                a->editing = c->id;
                snprintf(a->editbuf, sizeof a->editbuf, "%s", c->text);
                snprintf(a->note, sizeof a->note, "edit: %s_", a->editbuf);
            }
        }
        break;
    case 'i':
        if (a->search && !st->ended) {
            a->editing = -1;
            a->editbuf[0] = '\0';
            snprintf(a->note, sizeof a->note, "inject: _  (an architecture; Enter adds it)");
        }
        break;
    case 'E':
        if (a->search && search_strategy_waiting(a->search))
            edit_strategy(a);
        else if (a->search)
            snprintf(a->note, sizeof a->note, "no strategy is waiting: press r until review "
                     "is strategy or all, then E when one arrives");
        break;
    case '/':
        a->filtering = 1;
        a->focus = P_HISTORY;
        snprintf(a->note, sizeof a->note, "filter: %s_   (Enter keep, Esc clear)",
                 a->hist.filter);
        break;
    case '\t': do a->focus = (a->focus + 1) % P__COUNT; while (!a->shown[a->focus] || a->focus == P_PLOT); break;
    case KEY_BTAB: do a->focus = (a->focus + P__COUNT - 1) % P__COUNT; while (!a->shown[a->focus] || a->focus == P_PLOT); break;
    case 'p': case ' ':
        if (a->search) {
            if (st->ended)
                snprintf(a->note, sizeof a->note, "the search has ended");
            else if (st->paused)
                search_resume(a->search);
            else
                search_pause(a->search, "paused by the user");
        } else if (a->pos >= a->ss->n) {
            snprintf(a->note, sizeof a->note, "at the end: Home or : goes back");
        } else {
            a->rpaused = !a->rpaused;
            replay_schedule(a);
        }
        break;
    case 's': case '.':
        if (a->search) {
            if (st->ended)
                snprintf(a->note, sizeof a->note, "the search has ended");
            else if (search_stepping(a->search))
                snprintf(a->note, sizeof a->note, "a step is under way");
            else if (!st->paused)
                search_pause(a->search, "paused by the user");
            else
                search_step(a->search);
        } else {
            a->rpaused = 1;
            replay_to(a, a->pos + 1);
        }
        break;
    case '+': case '>':
        if (a->ss) {
            a->speed = fmin(a->speed * 2, 64);
            replay_schedule(a);
        } else { /* faster: half the wait, then none */
            a->pace = a->pace > 0.13 ? a->pace / 2 : 0;
            search_set_pace(a->search, a->pace);
        }
        break;
    case '-': case '<':
        if (a->ss) {
            a->speed = fmax(a->speed / 2, 0.25);
            replay_schedule(a);
        } else { /* slower: twice the wait, up to 8 s */
            a->pace = a->pace > 0 ? fmin(a->pace * 2, 8) : 0.125;
            search_set_pace(a->search, a->pace);
        }
        break;
    case ']': case '[':
        if (a->ss) {
            a->rpaused = 1;
            replay_to(a, iteration_edge(a, ch == ']' ? 1 : -1));
        }
        break;
    case KEY_HOME: case KEY_END:
        if (a->ss && a->focus == P_STRATEGY) {
            a->rpaused = 1;
            replay_to(a, ch == KEY_HOME ? 1 : a->ss->n);
            break;
        }
        /* fall through */
    default:
        if (ch == 'c' && st->info.nmetrics) { /* the next cost metric */
            int c = a->cost;
            do
                c = (c + 1) % st->info.nmetrics;
            while (st->info.metrics[c].role != METRIC_COST && c != a->cost);
            a->cost = c;
        } else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            table_refresh(&a->hist);
            table_refresh(&a->cands);
            int row = a->focus == P_CANDS ? cand_at(a, table_selected(&a->cands) >= 0
                                                          ? table_selected(&a->cands) : 0)->rec
                      : table_selected(&a->hist);
            if (a->focus == P_CANDS && table_selected(&a->cands) < 0)
                row = -1;
            if (row >= 0) {
                a->detail_rec = row;
                textview_set(&a->detail, NULL);
                a->overlay = OV_DETAIL;
            }
        } else if (a->focus == P_STRATEGY) {
            textview_key(&a->strat, ch, page);
        } else if (a->focus == P_CANDS) {
            table_key(&a->cands, ch, page);
        } else if (a->focus == P_HISTORY) {
            table_key(&a->hist, ch, page);
        } else if (a->focus == P_LOG) {
            if (ch == KEY_UP || ch == 'k')
                a->logtop++;
            if ((ch == KEY_DOWN || ch == 'j') && a->logtop > 0)
                a->logtop--;
        }
    }
    mark(a);
}

static void on_input(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    struct app *a = h->data;
    int ch;
    while ((ch = getch()) != ERR) {
        if (ch == KEY_RESIZE) {
            mark(a);
            continue;
        }
        key(a, ch);
    }
}

static void on_winch(uv_signal_t *h, int sig)
{
    (void)sig;
    struct app *a = h->data;
    endwin(); /* ncurses re-reads the size */
    refresh();
    mark(a);
}

/* ---- key scripts (tests) --------------------------------------------------------- */

static int script_key(const char *s)
{
    static const struct {
        const char *name;
        int key;
    } names[] = {{"up", KEY_UP},       {"down", KEY_DOWN}, {"left", KEY_LEFT},
                 {"right", KEY_RIGHT}, {"pgup", KEY_PPAGE}, {"pgdn", KEY_NPAGE},
                 {"home", KEY_HOME},   {"end", KEY_END},   {"tab", '\t'},
                 {"enter", '\n'},      {"esc", 27},        {"space", ' '},
                 {"btab", KEY_BTAB}, {"ctrl-u", 21}, {"bs", KEY_BACKSPACE}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].key;
    return s[0] && !s[1] ? (unsigned char)s[0] : -1;
}

static void dump(struct app *a, const char *path)
{
    draw(a);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "collm: script: dump %s: %s\n", path, strerror(errno));
        a->code = EXIT_FAIL;
        return;
    }
    for (int y = 0; y < LINES; y++) {
        wchar_t w[512];
        char out[2048];
        int n = mvinnwstr(y, 0, w, COLS < 511 ? COLS : 511);
        if (n < 0)
            n = 0;
        w[n] = 0;
        size_t len = wcstombs(out, w, sizeof out - 1);
        if (len == (size_t)-1)
            len = 0;
        out[len] = '\0';
        while (len && out[len - 1] == ' ') /* no trailing blanks in expected files */
            out[--len] = '\0';
        fprintf(f, "%s\n", out);
    }
    fclose(f);
}

/* Runs script lines until one has to wait for the search. */
static void on_script(uv_idle_t *h)
{
    struct app *a = h->data;
    const struct state *st = st_of(a);
    if (a->script_wait == 1 && !(st->paused || st->ended ||
                                 (a->search && search_waiting_for_person(a->search))))
        return;
    if (a->script_wait == 2 && !st->ended)
        return;
    a->script_wait = 0;
    char line[512];
    while (!a->quit && fgets(line, sizeof line, a->script)) {
        line[strcspn(line, "\r\n")] = '\0';
        char cmd[32] = "", arg[480] = "";
        if (sscanf(line, "%31s %479[^\n]", cmd, arg) < 1 || cmd[0] == '#')
            continue;
        if (strcmp(cmd, "key") == 0) {
            int k = script_key(arg);
            if (k < 0) {
                fprintf(stderr, "collm: script: unknown key '%s'\n", arg);
                a->code = EXIT_USAGE;
                quit(a);
                break;
            }
            key(a, k);
        } else if (strcmp(cmd, "keys") == 0) {
            for (char *p = arg; *p; p++)
                key(a, (unsigned char)*p);
        } else if (strcmp(cmd, "step") == 0) { /* an iteration (or n), then paused */
            int n = arg[0] ? atoi(arg) : 1;
            if (a->search) {
                for (int i = 0; i < n && !st->ended; i++)
                    search_step(a->search);
                if (!st->paused && !st->ended && !search_waiting_for_person(a->search)) {
                    a->script_wait = 1;
                    return;
                }
            } else {
                for (int i = 0; i < n; i++)
                    replay_to(a, iteration_edge(a, 1));
            }
        } else if (strcmp(cmd, "run") == 0) { /* to the end */
            if (a->search) {
                search_set_pace(a->search, 0);
                search_resume(a->search);
                if (!st->ended) {
                    a->script_wait = 2;
                    return;
                }
            } else {
                replay_to(a, a->ss->n);
            }
        } else if (strcmp(cmd, "seek") == 0 && a->ss) {
            replay_to(a, atoi(arg));
        } else if (strcmp(cmd, "resize") == 0) {
            int w = 0, hgt = 0;
            if (sscanf(arg, "%dx%d", &w, &hgt) == 2 && w > 0 && hgt > 0)
                resize_term(hgt, w);
        } else if (strcmp(cmd, "dump") == 0) {
            dump(a, arg);
        } else if (strcmp(cmd, "frames") == 0) { /* make bench: N full redraws, timed */
            int n = 0;
            char out[400] = "";
            sscanf(arg, "%d %399s", &n, out);
            FILE *f = out[0] ? fopen(out, "w") : NULL;
            for (int i = 0; f && i < n; i++) {
                uint64_t t = uv_hrtime();
                redrawwin(stdscr); /* everything, not only what changed */
                draw(a);
                fprintf(f, "%.9f\n", (double)(uv_hrtime() - t) * 1e-9);
            }
            if (f)
                fclose(f);
        } else if (strcmp(cmd, "quit") == 0) {
            quit(a);
        } else {
            fprintf(stderr, "collm: script: unknown command '%s'\n", cmd);
            a->code = EXIT_USAGE;
            quit(a);
        }
    }
    if (!a->quit) /* the script ran out */
        quit(a);
}

/* ---- set-up and tear-down ------------------------------------------------------ */

static void on_closed(uv_handle_t *h)
{
    (void)h;
}

static int start(struct app *a, const struct tui_opts *o, SCREEN **scr, FILE **null_in,
                 FILE **null_out)
{
    setlocale(LC_ALL, "");
    utf8 = MB_CUR_MAX > 1;
    if (o->script) {
        if (!(a->script = fopen(o->script, "r"))) {
            fprintf(stderr, "collm: --script %s: %s\n", o->script, strerror(errno));
            return -1;
        }
        /* a virtual screen: nothing is shown, everything can be dumped */
        *null_in = fopen("/dev/null", "r");
        *null_out = fopen("/dev/null", "w");
        *scr = newterm("xterm-256color", *null_out, *null_in);
        if (!*scr)
            *scr = newterm("xterm", *null_out, *null_in);
        if (!*scr) {
            fprintf(stderr, "collm: cannot set up a virtual screen (no xterm terminfo?)\n");
            return -1;
        }
        set_term(*scr);
        resize_term(o->rows > 0 ? o->rows : 24, o->cols > 0 ? o->cols : 80);
    } else {
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
            fprintf(stderr, "collm: the TUI needs a terminal; use --headless for pipes\n");
            return -1;
        }
        set_escdelay(25);
        if (!initscr()) {
            fprintf(stderr, "collm: cannot start the terminal (TERM=%s)\n", getenv("TERM"));
            return -1;
        }
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    struct theme_err e = {0};
    if (theme_load(o->theme ? o->theme : "dark", NULL, &e) < 0) {
        snprintf(a->note, sizeof a->note, "theme: %s: %s (monochrome instead)", e.where, e.msg);
    }
    struct table_source hs = {hist_rows, hist_cell, hist_key, hist_role, a};
    table_init(&a->hist, hist_cols, 6, &hs);
    struct table_source cs = {cand_rows, cand_cell, cand_key, cand_role, a};
    table_init(&a->cands, cand_cols, 3, &cs);
    a->cands.follow = 0; /* a batch is read from its top */
    a->detail_rec = -1;
    a->cost = -1;
    a->t0 = uv_now(a->loop);
    uv_timer_init(a->loop, &a->frame);
    uv_timer_init(a->loop, &a->tick);
    uv_timer_init(a->loop, &a->clock);
    a->frame.data = a->tick.data = a->clock.data = a;
    if (a->script) {
        uv_idle_init(a->loop, &a->script_idle);
        a->script_idle.data = a;
        uv_idle_start(&a->script_idle, on_script);
    } else {
        uv_poll_init(a->loop, &a->in, STDIN_FILENO);
        a->in.data = a;
        uv_poll_start(&a->in, UV_READABLE, on_input);
        uv_signal_init(a->loop, &a->winch);
        a->winch.data = a;
        uv_signal_start(&a->winch, on_winch, SIGWINCH);
        uv_timer_start(&a->tick, on_tick, 1000, 1000);
    }
    mark(a);
    return 0;
}

static void finish_ui(struct app *a, SCREEN *scr, FILE *null_in, FILE *null_out)
{
    uv_close((uv_handle_t *)&a->frame, on_closed);
    uv_close((uv_handle_t *)&a->tick, on_closed);
    uv_close((uv_handle_t *)&a->clock, on_closed);
    if (a->script) {
        uv_close((uv_handle_t *)&a->script_idle, on_closed);
        fclose(a->script);
    } else {
        uv_close((uv_handle_t *)&a->in, on_closed);
        uv_close((uv_handle_t *)&a->winch, on_closed);
    }
    uv_run(a->loop, UV_RUN_NOWAIT); /* the closes, before `a` goes */
    uv_run(a->loop, UV_RUN_NOWAIT);
    endwin();
    if (scr)
        delscreen(scr);
    if (null_in)
        fclose(null_in);
    if (null_out)
        fclose(null_out);
    table_free(&a->hist);
    table_free(&a->cands);
    textview_free(&a->strat);
    textview_free(&a->detail);
    textview_free(&a->help);
}

void tui_opts_default(struct tui_opts *o)
{
    memset(o, 0, sizeof *o);
    o->theme = "dark";
    o->pace = 1.0;
    o->speed = 1.0;
    o->script = getenv("COLLM_TUI_SCRIPT");
}

static struct app *app_new(uv_loop_t *loop, const struct space *sp)
{
    struct app *a = calloc(1, sizeof *a);
    if (a) {
        a->loop = loop;
        a->sp = sp;
    }
    return a;
}

int tui_live(struct search *s, uv_loop_t *loop, const struct space *sp, const struct tui_opts *o,
             const char *session_path, int (*begin)(void *ud, struct search *s), void *ud)
{
    struct app *a = app_new(loop, sp);
    if (!a)
        return EXIT_FAIL;
    a->search = s;
    a->session_path = session_path;
    a->pace = o->script ? 0 : o->pace;
    SCREEN *scr = NULL;
    FILE *ni = NULL, *no = NULL;
    search_listen(s, on_event, a);
    search_listen_stream(s, on_stream, a);
    search_attach_loop(s, loop);
    if (o->script)
        search_hold(s); /* a script moves it on, iteration by iteration */
    else
        search_set_pace(s, o->pace);
    if (start(a, o, &scr, &ni, &no) < 0) {
        free(a);
        return EXIT_FAIL;
    }
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
    finish_ui(a, scr, ni, no);
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

int tui_replay(const struct session *ss, const struct space *sp, uv_loop_t *loop,
               const struct tui_opts *o)
{
    struct app *a = app_new(loop, sp);
    if (!a)
        return EXIT_FAIL;
    a->ss = ss;
    a->speed = o->speed > 0 ? o->speed : 1;
    a->rpaused = o->script != NULL;
    state_init(&a->rst, space_decode_ctx, sp, sp->front_cost);
    SCREEN *scr = NULL;
    FILE *ni = NULL, *no = NULL;
    if (start(a, o, &scr, &ni, &no) < 0) {
        state_free(&a->rst);
        free(a);
        return EXIT_FAIL;
    }
    replay_to(a, 1);
    replay_schedule(a);
    uv_run(loop, UV_RUN_DEFAULT);
    int code = a->code;
    finish_ui(a, scr, ni, no);
    state_free(&a->rst);
    free(a);
    return code;
}
