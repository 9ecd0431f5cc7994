/* The TUI's core, shared by its panes, overlays and the two modes: the
 * app, what the modes provide, and what the core does for everyone. */
#ifndef COLLM_TUI_APP_H
#define COLLM_TUI_APP_H

#include <curses.h>
#include <stdio.h>
#include <uv.h>

#include "../widgets/theme.h"
#include "actions.h"
#include "front.h"
#include "lineedit.h"
#include "pane.h"
#include "tui.h"

#define MIN_COLS 80
#define MIN_ROWS 24

/* Live and replay: where the state comes from and what the mode's own
 * actions do. The core never asks which mode it runs. */
struct mode_ops {
    int mask; /* M_LIVE or M_REPLAY: which actions reach it */
    const struct state *(*state)(const struct app *a);
    enum handled (*act)(struct app *a, enum action act, int ch);
    const char *(*run_label)(const struct app *a); /* the status line's first word */
    long (*elapsed)(const struct app *a);          /* seconds, for the status line */
    /* the status line's mode parts: LLM (filled from the state) and pace */
    void (*status)(const struct app *a, char *llm, size_t nllm, char *pace, size_t npace);
    void (*footer)(struct app *a, char *buf, size_t n); /* when no note is shown */
    int (*running)(const struct app *a);                /* the clock ticks */
    int (*strategy_waiting)(const struct app *a);       /* for the person to review */
    void (*stop)(struct app *a);                        /* the person quits */
    /* a key script waits: for the search to settle, or (until_end) to end */
    int (*script_waits)(const struct app *a, int until_end);
    enum action step;  /* what a script's `step` does */
    int step_key;
};
extern const struct mode_ops mode_live, mode_replay;

/* A prompt on the footer line, typed into the app's line editor. show()
 * either gives app_prompt_line what goes around the text, and the core
 * draws it with the cursor, scrolled sideways (C-x then opens the text in
 * $EDITOR, when the prompt takes any text); or writes the whole footer as
 * a note, text and all. */
struct prompt_ops {
    void (*show)(struct app *a, const char *text); /* after each key */
    int (*enter)(struct app *a, const char *text); /* 1: done; 0: it stays open */
    void (*cancel)(struct app *a);                 /* may be NULL */
};

struct app {
    uv_loop_t *loop;
    const struct space *sp;
    const struct mode_ops *mode;
    struct {                    /* the live mode's */
        struct search *s;
        double pace;            /* seconds per iteration */
        int max_requests;       /* LLM caps (0: none), shown against the spend */
        long max_tokens;
        int edit_id;            /* the candidate being edited, or -1: a new one */
        const char *session;    /* the journal's path, or NULL: --no-session */
        int quit_held;          /* paused by the quit question: resume on "no" */
        int review_hint;        /* the footer says r holds batches (until r, or iteration 3) */
        int llm_req[64];        /* LLM requests in flight, and when they started */
        uint64_t llm_t0[64];
        int nllm;
    } live;
    struct {                    /* the replay mode's */
        const struct session *ss;
        struct state st;        /* the state at `pos` */
        int pos;                /* events applied */
        double speed;
        int paused;
        uv_timer_t clock;
        int fork_at;            /* f: the events to fork with, 0: none */
    } replay;

    struct rect rect[P__COUNT];
    int shown[P__COUNT];
    void *self[P__COUNT];       /* each pane's own state */
    void *oself[O__COUNT];
    int focus;
    int overlay;                /* an overlay_id */
    int cost;                   /* metric on the plot's x axis, or -1: the front's */
    struct front_view front;    /* the Pareto front against that cost */
    int show_log;               /* small screens: the log instead of the history */
    int show_test;              /* the test accuracy is shown: --show-test, an ended replay */
    char note[256];             /* a one-line message in the footer */
    const struct prompt_ops *prompt;
    struct lineedit ed;
    struct {                    /* what app_prompt_line put around the text */
        char label[32], verdict[400], hint[160];
    } pline;
    struct {                    /* each prompt's history, this session */
        const struct prompt_ops *p;
        struct lineedit_history h;
    } hist[4];

    int dirty, quit, code;
    SCREEN *scr;                /* a script's virtual screen, on /dev/null */
    FILE *null_in, *null_out;
    uv_signal_t winch;
    uv_poll_t in;
    uv_timer_t frame, tick;
    uint64_t t0;

    int mouse;                  /* clicks and the wheel are ours (not --no-mouse) */
    FILE *script;               /* tests: keys from a file */
    int script_wait;            /* 0 none, 1 until settled, 2 until ended, 3 progress */
    int script_steps;           /* steps a script still asks for */
    uv_idle_t script_idle;
};

const struct state *app_state(const struct app *a);
int app_cost(const struct app *a);           /* the cost metric shown, or -1 */
int app_in_front(struct app *a, int rec);     /* on the Pareto front of app_cost */
void app_mark(struct app *a);                /* redraw soon */
void app_note(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void app_quit(struct app *a);
void app_event(struct app *a, const struct event *ev); /* to every pane */
void app_key(struct app *a, int ch);                   /* a key, as typed */
void app_act(struct app *a, enum action act, int ch);  /* an action, as a key or a script asks */
void app_prompt(struct app *a, const struct prompt_ops *p, const char *text, size_t size,
                int (*accept)(int ch));
/* The open prompt's line: ` label [verdict]: text hint`, or, when that
 * does not fit, ` label: text` with the verdict and the hint on the line
 * above, so the text is never what gets cut. verdict and hint may be NULL. */
void app_prompt_line(struct app *a, const char *label, const char *verdict, const char *hint);
void app_draw(struct app *a);

/* Set-up and tear-down around a mode's run. */
struct app *app_new(uv_loop_t *loop, const struct space *sp, const struct mode_ops *mode);
int app_start(struct app *a, const struct tui_opts *o);
void app_finish(struct app *a);

/* The mouse (tui/mouse.c), as htop and lazygit take it: a click focuses
 * the pane under it and selects the row there; a click on the row already
 * selected, or a double click, opens it as Enter does; the wheel scrolls
 * the pane under it (else the focused one) as the arrow keys do. Every
 * one of these is a key or an action of the same tables. */
enum mouse_kind { MOUSE_CLICK, MOUSE_DOUBLE, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };
void mouse_start(struct app *a, int on);   /* asks the terminal for mouse events */
void mouse_read(struct app *a);            /* after KEY_MOUSE: the event, handled */
void app_mouse(struct app *a, enum mouse_kind k, int y, int x); /* screen row, column */

/* Key scripts (tui/script.c). */
void script_start(struct app *a);

#endif
