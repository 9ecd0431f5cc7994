/* The Coordinator's evaluations (DESIGN §5): candidates waiting for a slot
 * (or a person), and the requests in flight. Results come back to the
 * search in the order the jobs were submitted, whatever the pool finishes
 * first, so that a seed gives one search on a loop and without one; a job
 * the search cancelled is dropped (it was not evaluated: a resumed search
 * evaluates it again). */
#ifndef COLLM_EVALQ_H
#define COLLM_EVALQ_H

#include "../eval/eval.h"

struct pending {
    int id;
    struct arch arch;
    double m[METRIC_MAX];
};

/* A result to turn into events, in submission order (ud: the search). */
typedef void (*evalq_done_fn)(void *ud);
typedef void (*evalq_progress_fn)(void *ud, int id, enum eval_phase ph, long done,
                                  long total);

struct evalq {
    struct pending *queue; /* accepted, not yet submitted */
    int qlen, qcap;
    struct eval_req **run; /* submitted, in order; answered ones wait for older ones */
    int nrun, caprun;
    struct evaluator *ev;
    evalq_done_fn done;
    evalq_progress_fn progress;
    void *ud;
};

void evalq_init(struct evalq *q, struct evaluator *ev, evalq_done_fn done,
                evalq_progress_fn progress, void *ud);
/* Forgets what is still owed (no callback reaches ud any more). */
void evalq_free(struct evalq *q);

int evalq_push(struct evalq *q, const struct pending *p);
int evalq_insert(struct evalq *q, int i, const struct pending *p);
void evalq_remove(struct evalq *q, int i);
int evalq_find(const struct evalq *q, int id); /* index in the queue, or -1 */

/* Submits a job; -1 when the evaluator could not take it (no callback). */
int evalq_submit(struct evalq *q, const struct eval_job *job);
/* Submitted and not yet handed back (cancelled ones until their answer). */
int evalq_running(const struct evalq *q);
/* Cancels every job in flight; evaluators that cannot cancel answer later. */
void evalq_cancel_all(struct evalq *q);
/* The oldest answered job, if every older one is answered too: 1 and *r,
 * or 0. Cancelled ones are skipped. */
int evalq_next(struct evalq *q, struct eval_result *r);

#endif
