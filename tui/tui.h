/* The terminal UI (DESIGN §9): a live search or a replayed session in the
 * same panes. Only the loop thread draws; events mark the screen dirty and
 * one timer draws at most 30 times a second, so an idle TUI does nothing.
 * For tests, keys come from a script (COLLM_TUI_SCRIPT or --script) and the
 * screen is a virtual one of a given size whose text the script dumps. */
#ifndef COLLM_TUI_H
#define COLLM_TUI_H

#include <uv.h>

#include "../engine/search/search.h"
#include "../engine/spaces/space.h"
#include "../sessions/journal.h"

struct tui_opts {
    const char *theme;   /* dark (default), light, mono */
    const char *script;  /* a key script instead of the keyboard */
    int cols, rows;      /* the virtual screen of a script (default 80x24) */
    double pace;         /* live: seconds per iteration with instant evaluators */
    double speed;        /* replay: time scale */
    int max_requests;    /* live: the LLM caps to show spend against (0: none) */
    long max_tokens;
    const char *key_host; /* live: the host OPENAI_API_KEY goes to, said at the start */
    int show_test;       /* show the test accuracy while a search runs (hidden: the
                          * person steering must not see what the search must not) */
    int review_hint;     /* live: say that r holds batches for review, for a while */
    int no_mouse;        /* leave the mouse to the terminal (its text selection) */
};

void tui_opts_default(struct tui_opts *o);
/* Runs a live search in the TUI until the person quits: begin(ud, s)
 * starts it (search_start, or search_continue for a resume). Returns the
 * exit code. */
int tui_live(struct search *s, uv_loop_t *loop, const struct space *sp, const struct tui_opts *o,
             const char *session_path, int (*begin)(void *ud, struct search *s), void *ud);
/* Plays a recorded session in the TUI. *fork_at (when given) gets the
 * number of events the person asked to fork with (f), or 0. */
int tui_replay(const struct session *ss, const struct space *sp, uv_loop_t *loop,
               const struct tui_opts *o, int *fork_at);

#endif
