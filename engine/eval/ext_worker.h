/* The two halves of the external evaluator (external.h), private to
 * engine/eval: external.c keeps the requests and the policy (which worker
 * runs what, retries, giving a worker up); ext_worker.c runs one worker
 * program (its start, the protocol's lines, its stderr, kill and close). */
#ifndef COLLM_EXT_WORKER_H
#define COLLM_EXT_WORKER_H

#include <cjson/cJSON.h>

#include "../core/lines.h"

#include "external.h"

#define ERR_TAIL 600 /* the last of a worker's stderr, for its obituary */
/* Its stderr in the log and the journal: lines cut at LOG_LINE_MAX bytes,
 * LOG_BURST at once and LOG_RATE a second after that, so a chatty worker
 * (a progress bar, a warning per batch) cannot fill the journal. */
#define LOG_LINE_MAX 300
#define LOG_BURST 20
#define LOG_RATE 2.0

struct job {
    struct eval_job j;
    eval_done_fn done;
    void *ud;
    int tries;
    int answered;  /* the callback has fired (or was forgotten) */
    struct job *next;
};

enum wstate { W_DOWN, W_IDLE, W_BUSY, W_GOING, W_BROKEN };

struct ext;

struct worker {
    struct ext *x;
    int index;                  /* 1..N, as COLLM_WORKER says */
    enum wstate st;
    uv_process_t proc;
    uv_pipe_t in, out, err;
    uv_timer_t timer;           /* --eval-timeout; then the grace periods */
    int open;                   /* handles not yet closed */
    int exited, out_eof, err_eof;
    int killed;                 /* nothing it says from now on counts */
    long status;
    int term_signal;
    struct job *job;
    struct lines outl;          /* its stdout: protocol lines */
    long lineno;
    struct lines errl;          /* its stderr: lines for the log */
    double log_tokens;          /* lines it may still log now (a token bucket) */
    uint64_t log_at;            /* uv_now when the bucket was last filled */
    int log_dropped;            /* lines not logged since the last one */
    char errtail[ERR_TAIL];
    char why[400];              /* set before a kill: the reason it goes */
    int deaths;                 /* in a row without an answer */
    char env_index[32];
};

struct ext {
    struct evaluator *ev;
    const struct space *sp;
    char *cmd;
    char *srun_args;            /* NULL: started locally */
    double timeout;
    int n;
    struct worker *w;
    uv_loop_t *loop, priv;
    int attached, own_loop, closing;
    struct job *head, *tail;    /* waiting for a worker */
    uv_timer_t later;           /* fails what waits once no worker is left */
    int later_open;
    char **env;
    char broken[400];           /* every worker given up: why */
};

/* external.c, for a worker */
void ext_answer(struct ext *x, struct job *jb, const struct eval_result *r);
void ext_fail_job(struct ext *x, struct job *jb, const char *why);
/* Every handle of w is closed: its request goes back or fails. */
void ext_worker_gone(struct worker *w);

/* ext_worker.c */
#define EXT_SCRIPT_MAX 8400
/* What /bin/sh -c runs for worker i (external.h): CMD itself, or srun
 * running it, CMD quoted so that it means what it means locally; -1 when
 * it does not fit in n. */
int ext_worker_script(const struct ext *x, int i, char *buf, size_t n);
int ext_worker_start(struct worker *w);
/* Gives an idle worker its request, with --eval-timeout's clock. */
void ext_worker_run(struct worker *w, struct job *jb);
/* destroy: its stdin closed (a polite worker ends), then SIGTERM. */
void ext_worker_end(struct worker *w);
/* Ends it: `why` (if any) is the reason its request is given. */
void ext_worker_kill(struct worker *w, const char *why, int sig);
int ext_worker_send(struct worker *w, cJSON *o);
int ext_worker_send_job(struct worker *w, const struct job *jb);
/* At work (or going) it holds the loop; idle it must not. */
void ext_worker_hold(struct worker *w, int on);

#endif
