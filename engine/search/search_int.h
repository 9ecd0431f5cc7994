/* Inside the Coordinator: its state, shared by search.c (the loop of
 * proposals and evaluations) and person.c (a person at the controls).
 * Nothing outside engine/search includes this. */
#ifndef COLLM_SEARCH_INT_H
#define COLLM_SEARCH_INT_H

#include <time.h>

#include "search.h"

#define MAX_LISTENERS 8

struct search {
    struct search_config cfg;
    const struct space *space;
    struct evaluator *ev;
    struct proposer *prop;
    struct state st;

    struct { search_listener fn; void *ud; int all; } listeners[MAX_LISTENERS];
    int nlisteners;

    search_stream_fn stream_fn;
    void *stream_ud;
    uint64_t seq;
    struct timespec t0;
    int next_id;

    struct evalq eq; /* accepted and waiting (for a slot or a person), and in flight */
    struct eval_result *done; /* finished, waiting to be turned into events */
    int ndone, capdone;

    int pumping, emitting, awaiting_proposal, stopping, started;
    uv_idle_t *idle; /* with a loop: continues a long run on the next turn */
    uv_timer_t *pace_timer;
    double pace, iter_t0;
    /* hold: asked before the start, becomes a PAUSED event before the first
     * proposal; paused, stepping and the idle count are the state's */
    int hold, pace_due;
    enum end_reason stop_reason;
    char stop_detail[256];
    char error[512];
};

void search_pump(struct search *s);
int search_next_startable(const struct search *s);
void search_reject(struct search *s, int id, const char *text, enum reject_reason why,
                   const char *detail);
/* abandoned_ok: an evaluation its process never finished is no duplicate
 * of itself (resume). */
void search_screen_one(struct search *s, int id, const char *text, const struct arch *known,
                       struct archset *seen, int abandoned_ok);
/* Takes up a search whose state is rebuilt (resume) or that ended in this
 * process: SESSION_RESUMED with the budget from now on, then on. */
void search_go_on(struct search *s, int budget, const char *why);

#endif
