#include "evalq.h"

#include <stdlib.h>
#include <string.h>

/* What the search keeps per request: the request, and whether it was
 * cancelled by the search (dropped when it answers). */
struct run {
    struct eval_req req;
    struct evalq *q;
    int cancelled, answered;
};

void evalq_init(struct evalq *q, struct evaluator *ev, evalq_done_fn done,
                evalq_progress_fn progress, void *ud)
{
    *q = (struct evalq){.ev = ev, .done = done, .progress = progress, .ud = ud};
}

void evalq_free(struct evalq *q)
{
    for (int i = 0; i < q->nrun; i++) {
        struct run *r = q->run[i]->data;
        if (q->run[i]->active) /* the evaluator drops it: no callback */
            evaluator_forget(q->ev, q->run[i]);
        free(r);
    }
    free(q->run);
    free(q->queue);
    *q = (struct evalq){0};
}

int evalq_push(struct evalq *q, const struct pending *p)
{
    if (q->qlen == q->qcap) {
        int ncap = q->qcap ? q->qcap * 2 : 32;
        struct pending *nq = realloc(q->queue, (size_t)ncap * sizeof *nq);
        if (!nq)
            return -1;
        q->queue = nq;
        q->qcap = ncap;
    }
    q->queue[q->qlen++] = *p;
    return 0;
}

int evalq_insert(struct evalq *q, int i, const struct pending *p)
{
    if (evalq_push(q, p) < 0)
        return -1;
    memmove(q->queue + i + 1, q->queue + i, (size_t)(q->qlen - 1 - i) * sizeof *q->queue);
    q->queue[i] = *p;
    return 0;
}

void evalq_remove(struct evalq *q, int i)
{
    memmove(q->queue + i, q->queue + i + 1, (size_t)(q->qlen - i - 1) * sizeof *q->queue);
    q->qlen--;
}

int evalq_find(const struct evalq *q, int id)
{
    for (int i = 0; i < q->qlen; i++)
        if (q->queue[i].id == id)
            return i;
    return -1;
}

static void on_answer(struct eval_req *req)
{
    struct run *r = req->data;
    r->answered = 1;
    r->q->done(r->q->ud); /* the search takes what is in order now */
}

static void on_progress(struct eval_req *req, enum eval_phase ph, long done, long total)
{
    struct run *r = req->data;
    if (!r->cancelled && r->q->progress)
        r->q->progress(r->q->ud, req->job.id, ph, done, total);
}

int evalq_submit(struct evalq *q, const struct eval_job *job)
{
    if (q->nrun == q->caprun) {
        int ncap = q->caprun ? q->caprun * 2 : 8;
        struct eval_req **nr = realloc(q->run, (size_t)ncap * sizeof *nr);
        if (!nr)
            return -1;
        q->run = nr;
        q->caprun = ncap;
    }
    struct run *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    r->q = q;
    r->req.data = r;
    r->req.job = *job;
    r->req.progress = on_progress;
    q->run[q->nrun++] = &r->req; /* before submit: a table answers inside it */
    if (eval_submit(q->ev, &r->req, on_answer) < 0) {
        q->nrun--;
        free(r);
        return -1;
    }
    return 0;
}

int evalq_running(const struct evalq *q)
{
    return q->nrun;
}

void evalq_cancel_all(struct evalq *q)
{
    /* a cancel may answer at once, and the answer may take entries from
     * the list: look again after each */
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; i < q->nrun; i++) {
            struct run *r = q->run[i]->data;
            if (r->cancelled || r->answered)
                continue;
            r->cancelled = 1;
            eval_cancel(&r->req);
            again = 1;
            break;
        }
    }
}

int evalq_next(struct evalq *q, struct eval_result *out)
{
    while (q->nrun > 0) {
        struct run *r = q->run[0]->data;
        if (!r->answered)
            return 0;
        int drop = r->req.status == EVAL_CANCELLED;
        if (!drop)
            *out = r->req.result;
        memmove(q->run, q->run + 1, (size_t)(q->nrun - 1) * sizeof *q->run);
        q->nrun--;
        free(r);
        if (!drop)
            return 1;
    }
    return 0;
}
