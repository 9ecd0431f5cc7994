/* Running a search from the command line: on the loop, printed headless,
 * written to its session journal, stopped cleanly by Ctrl-C, by an endpoint
 * that keeps failing (headless has nobody to ask) or by a journal that
 * cannot be written. Shared by search, resume and fork. */
#ifndef COLLM_RUNNER_H
#define COLLM_RUNNER_H

#include <uv.h>

#include "../engine/search/search.h"
#include "../sessions/journal.h"
#include "opts.h"

struct run_cfg {
    int headless, json, timestamps, quiet, strategies;
    const char *theme, *script, *size; /* the TUI */
    double pace;
    const char *session; /* --session FILE; NULL: the default folder */
    int no_session, fsync;
    int max_requests;    /* the LLM caps, for the TUI to show spend against (0: none) */
    long max_tokens;
    const char *key_host; /* where OPENAI_API_KEY goes ("" or NULL: nowhere), said once */
    int show_test;       /* the TUI shows the test accuracy during the search */
    int pace_given;      /* --pace was on the command line */
    int review_hint;     /* the TUI says, for a while, that r holds batches for review */
    int no_mouse;        /* --no-mouse */
};

void run_cfg_default(struct run_cfg *c);
/* A search in the TUI with neither --pace nor --review (review_given 0)
 * starts in auto review, where a fast space could end before a person
 * finds r: it goes at RUN_PACE_FIRST and the footer says what r does. */
#define RUN_PACE_FIRST 2.0
void run_cfg_first_look(struct run_cfg *c, int review_given);
/* 1 when the TUI is wanted: a terminal (or a key script), not --headless. */
int run_cfg_tui(const struct run_cfg *c);
/* The values the parser cannot judge: a theme that exists, a pace in
 * range. 0, or -1 with `e` a usage error naming the flag. */
int run_cfg_check(const struct run_cfg *c, struct err *e);
/* Appends the output and session options to `o` (room for `max`). */
int run_cfg_opts(struct run_cfg *c, struct opt *o, int max);

/* Starts the search with begin(ud, s) (search_start or search_continue),
 * runs the loop until it ends, prints the summary; returns the exit code. */
int run_search(struct search *s, uv_loop_t *loop, const struct run_cfg *c, struct journal *j,
               int (*begin)(void *ud, struct search *s), void *ud);

/* A header for a new journal. */
void run_header(struct journal_header *h, const char *command, const char *prompts,
                const char *llm_url);

#endif
