/* Every action of the TUI in one table (as tig's REQ_INFO and nnn's key
 * table): the enum, the keys that reach it, the help screen, the footer
 * hints and the README's key table are all made from these rows. A key is
 * one row here plus one case where its action is handled (tui/live.c,
 * tui/replay.c, or tui/app.c for what both modes share).
 *
 * This header needs no curses: tests/tools/keytable includes it to write
 * the README's table. K(...) lists the keys; it is expanded only by
 * tui/actions.c, where the curses key names exist; NOKEYS: none. */
#ifndef COLLM_TUI_ACTIONS_H
#define COLLM_TUI_ACTIONS_H

#include <stddef.h>

enum { M_LIVE = 1, M_REPLAY = 2, M_BOTH = 3 };

/* X(id, modes, keys as shown, help line, footer hint live, footer hint
 *   replay, more for the README, K(keys)). A row without a label is for
 *   key scripts only: it is in neither the help nor the README. */
#define ACTIONS(X)                                                                          \
    X(HELP, M_BOTH, "?", "this help", "? help", "? help", "", K('?'))                       \
    X(QUIT, M_BOTH, "q", "quit (asks while a search runs, which waits for the answer)",     \
      "q quit", "q quit", "", K('q'))                                                       \
    X(PAUSE, M_BOTH, "p / space", "pause or resume (replay: pause the clock)", "p pause",   \
      "space pause", "a search pauses after the batch under way", K('p', ' '))              \
    X(STEP, M_BOTH, "s", "run one iteration, then pause (replay: one event)", "s step",     \
      ". step", "`.` too", K('s', '.'))                                                     \
    X(PACE, M_BOTH, "+ / -",                                                                \
      "faster / slower: the pace between iterations (replay: speed x2, x0.5)", "+- pace",   \
      "< > speed",                                                                          \
      "`>` `<` too. With instant evaluators the TUI waits between iterations (1 s by "      \
      "default, 2 s for a search started without `--review`, `--pace S`; `+` halves it "    \
      "down to none, `-` doubles it up to 8 s); "                                           \
      "headless runs never wait; replay speed goes from 0.25 to 64",                        \
      K('+', '-', '>', '<'))                                                                \
    X(LOG, M_BOTH, "l", "the log (LLM calls, streamed answers) instead of the history",     \
      "l log", "l log", "on screens under 34 rows; taller ones show both", K('l'))          \
    X(SEEK, M_REPLAY, ":", "replay: go to event number N", "", ": go to", "", K(':'))       \
    X(COST, M_BOTH, "c", "the next cost for the plot and history: flops, params ...",      \
      "c cost", "c cost", "latencies too, where the space has them", K('c'))                \
    X(FOCUS, M_BOTH, "Tab", "move between panes", "Tab pane", "Tab pane",                  \
      "Shift-Tab back; arrows, j/k, PgUp/PgDn scroll the focused pane", K('\t', KEY_BTAB))  \
    X(SORT, M_BOTH, "o / O", "sort the history by the next column / reverse it", "", "",   \
      "", K('o', 'O'))                                                                      \
    X(FILTER, M_BOTH, "/",                                                                  \
      "filter the history: text or valid>91 edge3<-0=sk d[1]=4 ...", "", "",                \
      "terms separated by spaces, all of which a row must pass; Enter keeps it, Esc "       \
      "clears it; \"The History filter\" below says what each term reads",                  \
      K('/'))                                                                               \
    X(DETAIL, M_BOTH, "Enter", "details of the selected architecture", "Enter detail",     \
      "Enter detail",                                                                       \
      "its decisions (for NB201 the cell edge by edge), every metric, the strategy it "     \
      "came from; on a line of the log (arrows move its cursor), the line's whole text "    \
      "and what a failed or unusable answer said",                                          \
      K('\n', '\r', KEY_ENTER))                                                             \
    X(ITER, M_REPLAY, "[ ]", "replay: back / on to where an iteration ends (its batch done)", \
      "", "[ ] iteration",                                                                  \
      "inside an iteration, `[` goes to its start (where the one before ended) and `]` to " \
      "its end; the status line names the iteration that ended",                            \
      K('[', ']'))                                                                          \
    X(FORK, M_REPLAY, "f", "replay: fork here, and go on live from this event", "", "",    \
      "a new session file with the events so far, then the search goes on with the "        \
      "session's own agents and evaluator (what `collm resume FILE --from N` does)",        \
      K('f'))                                                                               \
    X(REVIEW, M_LIVE, "r", "review: auto, candidates, strategy, all (what waits for you)",  \
      "r review", "", "also `--review`", K('r'))                                            \
    X(APPROVE, M_LIVE, "a / A",                                                             \
      "approve the selected candidate / all (and a waiting strategy)", "a ok  A all", "",   \
      "", K('a', 'A'))                                                                      \
    X(VETO, M_LIVE, "v", "veto the selected candidate", "v veto", "", "", K('v'))           \
    X(EDIT, M_LIVE, "e / i",                                                                \
      "edit the selected candidate / inject your own (checked as you type)",               \
      "e edit  i add", "",                                                                  \
      "an invalid, known or over-the-constraint architecture cannot be submitted and the "  \
      "footer says why",                                                                    \
      K('e', 'i'))                                                                          \
    X(STRATEGY, M_LIVE, "E", "edit the waiting strategy in $EDITOR before the Generator sees it", \
      "E strategy", "", "`$VISUAL` first", K('E'))                                          \
    X(BUDGET, M_LIVE, "b", "more budget: an ended search goes on, a running one gets it",   \
      "", "",                                                                               \
      "asks for the budget in distinct evaluations (half as much again by default) and "    \
      "refuses a smaller one; an ended search goes on in this process as `collm resume "    \
      "FILE --budget N` would, with the same event in the journal",                          \
      K('b'))                                                                               \
    X(OFFLINE, M_LIVE, "W", "the offline agents instead of a failing LLM, for good",         \
      "", "",                                                                               \
      "asks which: both, the Navigator or the Generator; the footer offers it while the "   \
      "LLM fails. It is an event: replay shows it, and `collm resume` goes on offline",     \
      K('W'))                                                                               \
    X(EDGE, M_BOTH, "Home End", "first / last line; in replay: first / last event", "", "", \
      "the events from the Strategy pane", K(KEY_HOME, KEY_END))                                 \
    X(RUN, M_BOTH, NULL, "to the end, without waiting", "", "", "", NOKEYS)

enum action {
    A_NONE = -1,
#define X(id, modes, label, help, hl, hr, more, keys) A_##id,
    ACTIONS(X)
#undef X
    A__COUNT
};

/* The action a key stands for in a mode (M_LIVE or M_REPLAY), or A_NONE:
 * then the focused pane has the key. */
enum action actions_find(int ch, int mode);
/* The help screen: one line per labelled row, and how to scroll it. */
const char *actions_help(void);
/* The hints of `list` (ending in A_NONE) for a mode, two spaces apart, in
 * n - 1 columns at most: what does not fit goes, except help and quit. */
void actions_footer(char *buf, size_t n, const enum action *list, int mode);

/* The footers, in the order people read them. */
#define FOOTER_LIVE                                                                          \
    { A_PAUSE, A_STEP, A_PACE, A_COST, A_FOCUS, A_REVIEW, A_LOG, A_DETAIL, A_HELP, A_QUIT,   \
      A_NONE }
#define FOOTER_REVIEW { A_APPROVE, A_VETO, A_EDIT, A_STRATEGY, A_REVIEW, A_PAUSE, A_HELP, A_QUIT, A_NONE }
#define FOOTER_REPLAY { A_PAUSE, A_STEP, A_ITER, A_PACE, A_SEEK, A_HELP, A_QUIT, A_NONE }

#endif
