/* The TUI's core: the loop's handles, the layout, drawing the frame around
 * the panes, and sending keys to actions, prompts, overlays and panes.
 * What differs between a live search and a replay is in the mode
 * (tui/live.c, tui/replay.c); what each pane shows is in its own file. */
#include "app.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

#include "../widgets/theme.h"
#include "cmds.h"
#include "editor.h"

#define FRAME_MS 33

static const struct pane_ops *const panes[P__COUNT] = {
#define X(id, ops, wide, narrow) &ops,
    PANES(X)
#undef X
};
static const struct pane_ops *const overlays[O__COUNT] = {
#define X(id, ops) &ops,
    OVERLAYS(X)
#undef X
};

const struct state *app_state(const struct app *a)
{
    return a->mode->state(a);
}

int app_cost(const struct app *a)
{
    return a->cost >= 0 ? a->cost : app_state(a)->front_cost;
}

int app_in_front(struct app *a, int rec)
{
    return front_view_has(&a->front, app_state(a), app_cost(a), rec);
}

static void on_frame(uv_timer_t *t)
{
    struct app *a = t->data;
    a->dirty = 0;
    app_draw(a);
}

void app_mark(struct app *a)
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
    if (a->mode->running(a))
        app_mark(a);
}

void app_note(struct app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->note, sizeof a->note, fmt, ap);
    va_end(ap);
}

void app_quit(struct app *a)
{
    a->quit = 1;
    uv_stop(a->loop);
}

void app_event(struct app *a, const struct event *ev)
{
    for (int i = 0; i < P__COUNT; i++)
        if (panes[i]->event)
            panes[i]->event(a, a->self[i], ev);
    app_mark(a);
}

/* ---- layout and drawing ---------------------------------------------------------- */

static void layout(struct app *a)
{
    static const enum slot wide[P__COUNT] = {
#define X(id, ops, w, n) w,
        PANES(X)
#undef X
    };
    static const enum slot narrow[P__COUNT] = {
#define X(id, ops, w, n) n,
        PANES(X)
#undef X
    };
    struct rect s[SLOT__COUNT] = {{0}};
    int on[SLOT__COUNT] = {0};
    int W = COLS, H = LINES - 2; /* status line on top, footer below */
    const enum slot *where = wide;
    if (W >= 160 && LINES >= 40) { /* three columns, a log */
        int w1 = W * 3 / 10, w2 = W * 35 / 100, w3 = W - w1 - w2;
        int hc = H * 2 / 5, hp = H * 3 / 5;
        s[WIDE_LEFT] = (struct rect){1, 0, H, w1};
        s[WIDE_MID_TOP] = (struct rect){1, w1, hc, w2};
        s[WIDE_MID_BOTTOM] = (struct rect){1 + hc, w1, H - hc, w2};
        s[WIDE_RIGHT_TOP] = (struct rect){1, w1 + w2, hp, w3};
        s[WIDE_RIGHT_BOTTOM] = (struct rect){1 + hp, w1 + w2, H - hp, w3};
        for (int i = WIDE_LEFT; i <= WIDE_RIGHT_BOTTOM; i++)
            on[i] = 1;
    } else {
        int w1 = W / 2, w2 = W - w1, h1 = H / 2;
        where = narrow;
        s[TOP_LEFT] = (struct rect){1, 0, h1, w1};
        s[BOTTOM_LEFT] = (struct rect){1 + h1, 0, H - h1, w1};
        s[TOP_RIGHT] = (struct rect){1, w1, h1, w2};
        s[BOTTOM_RIGHT] = (struct rect){1 + h1, w1, H - h1, w2};
        on[TOP_LEFT] = on[BOTTOM_LEFT] = on[TOP_RIGHT] = on[BOTTOM_RIGHT] = 1;
        if (a->show_log && LINES < 34) { /* the log where the history was */
            s[LOG_SLOT] = s[BOTTOM_RIGHT];
            on[BOTTOM_RIGHT] = 0;
            on[LOG_SLOT] = 1;
        } else if (LINES >= 34) { /* room for a log under the history */
            int hl = 6;
            s[BOTTOM_RIGHT].h -= hl;
            s[LOG_SLOT] = (struct rect){1 + H - hl, w1, hl, w2};
            on[LOG_SLOT] = 1;
        }
    }
    for (int i = 0; i < P__COUNT; i++) {
        a->rect[i] = s[where[i]];
        a->shown[i] = on[where[i]];
    }
}

/* Box lines as text, not the alternate character set, so a screen dump
 * reads as it looks: Unicode where the locale has it, else ASCII. */
static int utf8;
int pane_unicode(void)
{
    return utf8;
}

void pane_box(int y, int x, int h, int w)
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

void pane_frame(struct app *a, int id, const char *extra)
{
    struct rect r = a->rect[id];
    int focused = a->focus == id;
    wattrset(stdscr, theme_attr(focused ? ROLE_FOCUS : ROLE_BORDER));
    pane_box(r.y, r.x, r.h, r.w);
    wattrset(stdscr, theme_attr(focused ? ROLE_FOCUS : ROLE_TITLE));
    char t[256];
    snprintf(t, sizeof t, " %s%s%s ", panes[id]->name, extra && extra[0] ? ": " : "",
             extra ? extra : "");
    mvaddnstr(r.y, r.x + 2, t, r.w - 4);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

void pane_center(int h, int w, struct rect *out)
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
    pane_box(out->y, out->x, h, w);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static void draw_status(struct app *a)
{
    const struct state *st = app_state(a);
    char line[512], elapsed[32] = "-";
    if (!a->script) {
        long s = a->mode->elapsed(a);
        snprintf(elapsed, sizeof elapsed, "%02ld:%02ld", s / 60, s % 60);
    }
    const char *nav = st->info.navigator && st->info.navigator[0] ? st->info.navigator : "";
    char agents[96] = "", llm[64] = "";
    if (nav[0])
        snprintf(agents, sizeof agents, " (%s)", strncmp(nav, "llm:", 4) ? "offline" : nav + 4);
    if (st->llm_requests)
        snprintf(llm, sizeof llm, " | llm %d busy, %ld tok", st->llm_in_flight,
                 st->tokens_in + st->tokens_out);
    char review[32] = "", pace[32] = "", busy[32] = "";
    if (st->review != REVIEW_AUTO)
        snprintf(review, sizeof review, " | review %s", review_name(st->review));
    if (st->in_flight)
        snprintf(busy, sizeof busy, " | %d running", st->in_flight);
    a->mode->status(a, llm, sizeof llm, pace, sizeof pace);
    /* what fits, in order; on narrow screens the least needed parts go
     * first (drop 1 before 2 ...), the state, budget and clock never */
    char it[32], evals[48];
    snprintf(it, sizeof it, " | it %d", st->iter);
    snprintf(evals, sizeof evals, " | %d/%d archs", st->started, st->info.budget); /* distinct */
    const struct { const char *s; int drop; } part[] = {
        {" ", 0}, {a->mode->run_label(a), 0}, {" | ", 0},
        {st->info.space ? st->info.space : "?", 6}, {" | ", 6},
        {st->info.algo ? st->info.algo : "?", 0}, {agents, 2}, {it, 0}, {evals, 0},
        {busy, 3}, {review, 5}, {llm, 4}, {pace, 1}, {" | ", 0}, {elapsed, 0},
    };
    enum { NPART = sizeof part / sizeof part[0] };
    int drop = 0;
    for (;; drop++) {
        line[0] = '\0';
        for (int i = 0; i < NPART; i++)
            if (!part[i].drop || part[i].drop > drop)
                strncat(line, part[i].s, sizeof line - strlen(line) - 1);
        if ((int)strlen(line) <= COLS || drop > 6)
            break;
    }
    wattrset(stdscr, theme_attr(ROLE_STATUS));
    mvprintw(0, 0, "%-*.*s", COLS, COLS, line);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

/* The open prompt, its text scrolled sideways around the cursor (shown
 * reversed, and the terminal's cursor put there); returns its column. */
static int draw_prompt(struct app *a)
{
    const char *label = a->pline.label, *verdict = a->pline.verdict, *hint = a->pline.hint;
    char head[512], above[640] = "", view[LINEEDIT_MAX + 2];
    size_t len = strlen(a->ed.text);
    if (verdict[0])
        snprintf(head, sizeof head, " %s [%s]: ", label, verdict);
    else
        snprintf(head, sizeof head, " %s: ", label);
    if (a->note[0] || strlen(head) + len + 1 + strlen(hint) > (size_t)COLS) {
        if (a->note[0])
            snprintf(above, sizeof above, " %s", a->note);
        else
            snprintf(above, sizeof above, " %s%s%s%s%s", label, verdict[0] ? " [" : "", verdict,
                     verdict[0] ? "]" : "", hint);
        snprintf(head, sizeof head, " %s: ", label);
    }
    int hw = (int)strlen(head);
    int w = above[0] ? COLS - hw : (int)len + 1;
    if (w > LINEEDIT_MAX)
        w = LINEEDIT_MAX;
    int cx = lineedit_view(&a->ed, w < 3 ? 3 : w, view);
    attr_t attr = theme_attr(ROLE_KEY);
    wattrset(stdscr, attr);
    if (above[0])
        mvprintw(LINES - 2, 0, "%-*.*s", COLS, COLS, above);
    mvprintw(LINES - 1, 0, "%-*s", COLS, "");
    mvaddnstr(LINES - 1, 0, head, COLS);
    addnstr(view, COLS - hw > 0 ? COLS - hw : 0);
    if (!above[0])
        addnstr(hint, COLS - hw - w > 0 ? COLS - hw - w : 0);
    int x = hw + cx < COLS ? hw + cx : COLS - 1;
    wattrset(stdscr, attr ^ A_REVERSE);
    mvaddch(LINES - 1, x, (chtype)(unsigned char)view[cx]);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
    return x;
}

static void draw_footer(struct app *a)
{
    char line[512];
    if (a->prompt && a->pline.label[0]) {
        int x = draw_prompt(a);
        if (a->overlay == O_NONE) { /* where a terminal shows its cursor */
            curs_set(1);
            move(LINES - 1, x);
        }
        return;
    }
    curs_set(0);
    const struct cand *sel = a->focus == P_CANDS ? pane_cands_selected(a) : NULL;
    if (a->note[0])
        snprintf(line, sizeof line, " %s", a->note);
    else if (sel && sel->detail)
        snprintf(line, sizeof line, " #%d %s: %s", sel->id, reject_reason_name(sel->reason),
                 sel->detail);
    else
        a->mode->footer(a, line, (size_t)COLS + 1 < sizeof line ? (size_t)COLS + 1 : sizeof line);
    wattrset(stdscr, theme_attr(ROLE_KEY));
    mvprintw(LINES - 1, 0, "%-*.*s", COLS, COLS, line);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

static void draw_too_small(void)
{
    char m[2][128];
    snprintf(m[0], sizeof m[0], "collm needs at least %dx%d;", MIN_COLS, MIN_ROWS);
    snprintf(m[1], sizeof m[1], "this terminal is %dx%d. Enlarge it, or q to quit.", COLS,
             LINES);
    for (int i = 0; i < 2; i++) {
        int x = (COLS - (int)strlen(m[i])) / 2;
        mvaddnstr(LINES / 2 - 1 + i, x > 0 ? x : 0, m[i], COLS);
    }
}

void app_draw(struct app *a)
{
    erase();
    if (COLS < MIN_COLS || LINES < MIN_ROWS) {
        draw_too_small();
    } else {
        layout(a);
        if (!a->shown[a->focus])
            a->focus = P_STRATEGY;
        draw_status(a);
        for (int i = 0; i < P__COUNT; i++)
            if (a->shown[i])
                panes[i]->draw(a, a->self[i], a->rect[i]);
        draw_footer(a);
        if (a->overlay != O_NONE)
            overlays[a->overlay]->draw(a, a->oself[a->overlay], (struct rect){0, 0, LINES, COLS});
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- keys ------------------------------------------------------------------------- */

void app_prompt(struct app *a, const struct prompt_ops *p, const char *text, size_t size,
                int (*accept)(int ch))
{
    a->prompt = p;
    a->pline.label[0] = '\0';
    lineedit_start(&a->ed, text, size, accept);
    size_t i = 0, n = sizeof a->hist / sizeof a->hist[0];
    while (i < n && a->hist[i].p && a->hist[i].p != p)
        i++;
    if (i < n) {
        a->hist[i].p = p;
        lineedit_history(&a->ed, &a->hist[i].h);
    }
}

void app_prompt_line(struct app *a, const char *label, const char *verdict, const char *hint)
{
    snprintf(a->pline.label, sizeof a->pline.label, "%s", label);
    snprintf(a->pline.verdict, sizeof a->pline.verdict, "%s", verdict ? verdict : "");
    snprintf(a->pline.hint, sizeof a->pline.hint, "%s", hint ? hint : "");
}

/* C-x: the prompt's text in $EDITOR, back as one line */
static void prompt_editor(struct app *a)
{
    char why[300];
    char *text = editor_run(a->ed.text, why, sizeof why);
    if (!text) {
        app_note(a, "%s; the text is as it was", why);
        return;
    }
    if (lineedit_set(&a->ed, text) < 0)
        app_note(a, "the editor's text is longer than %zu characters: cut", a->ed.size - 1);
    free(text);
}

static void focus_move(struct app *a, int dir)
{
    layout(a); /* a script's keys may come before any frame is drawn */
    for (int i = 0; i < P__COUNT; i++) {
        a->focus = (a->focus + dir + P__COUNT) % P__COUNT;
        if (a->shown[a->focus] && panes[a->focus]->focusable)
            return;
    }
}

/* What both modes do alike; the mode has had its turn. */
static enum handled act_common(struct app *a, enum action act, int ch)
{
    const struct state *st = app_state(a);
    switch (act) {
    case A_QUIT: app_quit(a); break;
    case A_HELP: a->overlay = O_HELP; break;
    case A_LOG: a->show_log = !a->show_log; break;
    case A_FOCUS: focus_move(a, ch == KEY_BTAB ? -1 : 1); break;
    case A_FILTER: pane_history_filter(a); break;
    case A_COST: /* the next cost metric */
        if (!st->info.nmetrics)
            return IGNORED;
        /* one lap at most: a session may record no cost at all */
        int c = a->cost, found = 0;
        for (int k = 0; k < st->info.nmetrics && !found; k++) {
            c = (c + 1) % st->info.nmetrics;
            found = st->info.metrics[c].role == METRIC_COST;
        }
        if (!found) {
            app_note(a, "this session records no cost metric: there is no cost to switch to");
            break;
        }
        a->cost = c;
        break;
    case A_DETAIL: {
        int rec = -1;
        if (a->focus == P_LOG)
            return IGNORED; /* the log's own: its line in full */
        if (a->focus == P_CANDS) {
            const struct cand *c = pane_cands_selected(a);
            rec = c ? c->rec : -1;
        } else {
            rec = pane_history_selected(a);
        }
        if (rec >= 0)
            overlay_detail_show(a, rec);
        break;
    }
    default: return IGNORED;
    }
    return HANDLED;
}

void app_act(struct app *a, enum action act, int ch)
{
    if (act != A_NONE && (a->mode->act(a, act, ch) == HANDLED || act_common(a, act, ch) == HANDLED)) {
        app_mark(a);
        return;
    }
    /* nobody took it: the focused pane has the key */
    const struct pane_ops *p = panes[a->focus];
    if (p->key)
        p->key(a, a->self[a->focus], ch, a->rect[a->focus].h - 3);
    app_mark(a);
}

void app_key(struct app *a, int ch)
{
    a->note[0] = '\0';
    if (a->overlay != O_NONE) {
        if (overlays[a->overlay]->key(a, a->oself[a->overlay], ch, 0) == IGNORED)
            a->overlay = O_NONE;
    } else if (COLS < MIN_COLS || LINES < MIN_ROWS) {
        if (ch == 'q')
            app_quit(a);
        return;
    } else if (a->prompt) {
        const struct prompt_ops *p = a->prompt;
        switch (lineedit_key(&a->ed, ch)) {
        case LINEEDIT_CANCEL:
            a->prompt = NULL;
            if (p->cancel)
                p->cancel(a);
            break;
        case LINEEDIT_ENTER:
            if (p->enter(a, a->ed.text))
                a->prompt = NULL;
            break;
        case LINEEDIT_EDITOR:
            if (!a->pline.label[0] || a->ed.accept)
                break; /* not for a prompt of digits, nor one that draws itself */
            prompt_editor(a);
            p->show(a, a->ed.text);
            break;
        case LINEEDIT_TYPING:
            p->show(a, a->ed.text);
            break;
        }
    } else {
        app_act(a, actions_find(ch, a->mode->mask), ch);
        return;
    }
    app_mark(a);
}

static void on_input(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    struct app *a = h->data;
    int ch;
    while ((ch = getch()) != ERR) {
        if (ch == KEY_RESIZE) {
            app_mark(a);
            continue;
        }
        if (ch == KEY_MOUSE) {
            mouse_read(a);
            continue;
        }
        app_key(a, ch);
    }
}

static void on_winch(uv_signal_t *h, int sig)
{
    (void)sig;
    struct app *a = h->data;
    endwin(); /* ncurses re-reads the size */
    refresh();
    app_mark(a);
}

/* ---- set-up and tear-down ------------------------------------------------------ */

static void on_closed(uv_handle_t *h)
{
    (void)h;
}

struct app *app_new(uv_loop_t *loop, const struct space *sp, const struct mode_ops *mode)
{
    struct app *a = calloc(1, sizeof *a);
    if (a) {
        a->loop = loop;
        a->sp = sp;
        a->mode = mode;
        a->overlay = O_NONE;
        a->cost = -1;
    }
    return a;
}

/* Whether TERM names a terminal that can put the cursor anywhere: dumb
 * ones (TERM=dumb, emacs' shell) would show only the last line drawn. */
static int cursor_moves(void)
{
    int err = 0;
    if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
        return 0; /* an unknown TERM, or no terminfo at all */
    const char *cup = tigetstr("cup");
    int ok = cup && cup != (const char *)-1;
    del_curterm(cur_term);
    return ok;
}

/* ncurses' initscr() would print "Error opening terminal" and exit 1; say
 * what to do instead, before anything is drawn or started. The exit is
 * here, not in the callers, because nothing has begun that needs undoing
 * and both modes must exit alike: a usage error. */
static _Noreturn void unusable_terminal(void)
{
    const char *term = getenv("TERM");
    fprintf(stderr,
            "collm: TERM=%s cannot show the TUI: use --headless, or a terminal that can move "
            "the cursor\n",
            term && *term ? term : "(unset)");
    exit(EXIT_USAGE);
}

static int open_screen(struct app *a, const struct tui_opts *o)
{
    if (o->script) {
        if (!(a->script = fopen(o->script, "r"))) {
            fprintf(stderr, "collm: --script %s: %s\n", o->script, strerror(errno));
            return -1;
        }
        /* a virtual screen: nothing is shown, everything can be dumped */
        a->null_in = fopen("/dev/null", "r");
        a->null_out = fopen("/dev/null", "w");
        a->scr = newterm("xterm-256color", a->null_out, a->null_in);
        if (!a->scr)
            a->scr = newterm("xterm", a->null_out, a->null_in);
        if (!a->scr) {
            fprintf(stderr, "collm: cannot set up a virtual screen (no xterm terminfo?)\n");
            return -1;
        }
        set_term(a->scr);
        resize_term(o->rows > 0 ? o->rows : 24, o->cols > 0 ? o->cols : 80);
        return 0;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "collm: the TUI needs a terminal; use --headless for pipes\n");
        return -1;
    }
    set_escdelay(25);
    if (!cursor_moves() || !(a->scr = newterm(NULL, stdout, stdin)))
        unusable_terminal();
    set_term(a->scr);
    return 0;
}

static void close_files(struct app *a)
{
    if (a->script)
        fclose(a->script);
    if (a->null_in)
        fclose(a->null_in);
    if (a->null_out)
        fclose(a->null_out);
}

int app_start(struct app *a, const struct tui_opts *o)
{
    setlocale(LC_ALL, "");
    utf8 = MB_CUR_MAX > 1;
    if (open_screen(a, o) < 0) {
        close_files(a);
        return -1;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    struct theme_err e = {0};
    if (theme_load(o->theme ? o->theme : "dark", NULL, &e) < 0)
        app_note(a, "theme: %s: %s (monochrome instead)", e.where, e.msg);
    mouse_start(a, !o->no_mouse);
    for (int i = 0; i < P__COUNT; i++)
        a->self[i] = panes[i]->init ? panes[i]->init(a) : NULL;
    for (int i = 0; i < O__COUNT; i++)
        a->oself[i] = overlays[i]->init ? overlays[i]->init(a) : NULL;
    a->t0 = uv_now(a->loop);
    uv_timer_init(a->loop, &a->frame);
    uv_timer_init(a->loop, &a->tick);
    uv_timer_init(a->loop, &a->replay.clock);
    a->frame.data = a->tick.data = a->replay.clock.data = a;
    if (a->script) {
        script_start(a);
    } else {
        uv_poll_init(a->loop, &a->in, STDIN_FILENO);
        a->in.data = a;
        uv_poll_start(&a->in, UV_READABLE, on_input);
        uv_signal_init(a->loop, &a->winch);
        a->winch.data = a;
        uv_signal_start(&a->winch, on_winch, SIGWINCH);
        uv_timer_start(&a->tick, on_tick, 1000, 1000);
    }
    app_mark(a);
    return 0;
}

void app_finish(struct app *a)
{
    uv_close((uv_handle_t *)&a->frame, on_closed);
    uv_close((uv_handle_t *)&a->tick, on_closed);
    uv_close((uv_handle_t *)&a->replay.clock, on_closed);
    if (a->script) {
        uv_close((uv_handle_t *)&a->script_idle, on_closed);
    } else {
        uv_close((uv_handle_t *)&a->in, on_closed);
        uv_close((uv_handle_t *)&a->winch, on_closed);
    }
    uv_run(a->loop, UV_RUN_NOWAIT); /* the closes, before `a` goes */
    uv_run(a->loop, UV_RUN_NOWAIT);
    endwin();
    if (a->scr)
        delscreen(a->scr);
    close_files(a);
    for (int i = 0; i < P__COUNT; i++)
        if (panes[i]->free)
            panes[i]->free(a->self[i]);
    for (int i = 0; i < O__COUNT; i++)
        if (overlays[i]->free)
            overlays[i]->free(a->oself[i]);
    front_view_free(&a->front);
}

void tui_opts_default(struct tui_opts *o)
{
    memset(o, 0, sizeof *o);
    o->theme = "dark";
    o->pace = 1.0;
    o->speed = 1.0;
    o->script = getenv("COLLM_TUI_SCRIPT");
}
