#include "ext_worker.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEATHS 3          /* in a row without an answer: the worker is given up */

extern char **environ;
static void dispatch(struct ext *x);

/* ---- the program ------------------------------------------------------------ */

static int on_path(const char *word)
{
    struct stat st;
    if (strchr(word, '/'))
        return stat(word, &st) == 0 && S_ISREG(st.st_mode) && access(word, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    char dir[4096];
    for (const char *p = path; *p;) {
        size_t k = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)k, p, word);
        if (stat(dir, &st) == 0 && S_ISREG(st.st_mode) && access(dir, X_OK) == 0)
            return 1;
        p += k + (p[k] == ':');
    }
    return 0;
}

int external_is_command(const char *spec)
{
    while (*spec == ' ' || *spec == '\t')
        spec++;
    char word[1024];
    size_t k = strcspn(spec, " \t");
    if (k == 0 || k >= sizeof word)
        return 0;
    memcpy(word, spec, k);
    word[k] = '\0';
    return on_path(word);
}

/* ---- answering ------------------------------------------------------------- */

void ext_answer(struct ext *x, struct job *jb, const struct eval_result *r)
{
    (void)x;
    if (jb->answered)
        return;
    jb->answered = 1;
    jb->done(jb->ud, r);
}

void ext_fail_job(struct ext *x, struct job *jb, const char *why)
{
    struct eval_result r = {.id = jb->j.id};
    memcpy(r.m, jb->j.m, sizeof r.m);
    snprintf(r.error, sizeof r.error, "%s", why);
    ext_answer(x, jb, &r);
}

static void cancel_job(struct ext *x, struct job *jb)
{
    struct eval_result r = {.id = jb->j.id, .cancelled = 1};
    memcpy(r.m, jb->j.m, sizeof r.m);
    snprintf(r.error, sizeof r.error, "cancelled");
    ext_answer(x, jb, &r);
}

static void push_front(struct ext *x, struct job *jb)
{
    jb->next = x->head;
    x->head = jb;
    if (!x->tail)
        x->tail = jb;
}

static void push_back(struct ext *x, struct job *jb)
{
    jb->next = NULL;
    if (x->tail)
        x->tail->next = jb;
    else
        x->head = jb;
    x->tail = jb;
}

static struct job *pop(struct ext *x)
{
    struct job *jb = x->head;
    if (jb) {
        x->head = jb->next;
        if (!x->head)
            x->tail = NULL;
        jb->next = NULL;
    }
    return jb;
}

/* ---- a worker gone ------------------------------------------------------------- */

static void maybe_free(struct ext *x);

/* Every handle closed: what it ran goes back or fails, and it may start
 * again. */
void ext_worker_gone(struct worker *w)
{
    struct ext *x = w->x;
    struct job *jb = w->job;
    w->job = NULL;
    w->st = W_DOWN;
    lines_free(&w->outl);
    lines_free(&w->errl);
    char why[600];
    if (w->why[0])
        snprintf(why, sizeof why, "%s", w->why);
    else if (w->term_signal)
        snprintf(why, sizeof why, "worker %d was killed by signal %d", w->index, w->term_signal);
    else if (w->status == 127)
        snprintf(why, sizeof why, "worker %d: the command was not found (exit status 127)",
                 w->index);
    else
        snprintf(why, sizeof why, "worker %d exited with status %ld", w->index, w->status);
    char *tail = w->errtail;
    while (*tail == ' ' || *tail == '\n')
        tail++;
    size_t tl = strlen(tail);
    while (tl && (tail[tl - 1] == '\n' || tail[tl - 1] == ' '))
        tail[--tl] = '\0';
    if (*tail) {
        const char *last = tail + (tl > 160 ? tl - 160 : 0);
        snprintf(why + strlen(why), sizeof why - strlen(why), "; its stderr ends: %s", last);
    }
    if (x->closing) {
        free(jb);
        maybe_free(x);
        return;
    }
    if (++w->deaths >= MAX_DEATHS) {
        w->st = W_BROKEN;
        snprintf(x->broken, sizeof x->broken, "%s (given up after %d tries)", why, MAX_DEATHS);
    }
    if (jb && jb->answered) {
        free(jb); /* cancelled: nothing to try again */
    } else if (jb && ++jb->tries < 2) {
        push_front(x, jb);
    } else if (jb) {
        ext_fail_job(x, jb, why);
        free(jb);
    }
    dispatch(x);
}

static void fail_waiting(struct ext *x)
{
    while (x->head) { /* nobody left to ask */
        struct job *jb = pop(x);
        ext_fail_job(x, jb, x->broken);
        free(jb);
    }
}

static void on_later(uv_timer_t *t)
{
    fail_waiting(t->data);
}

static void dispatch(struct ext *x)
{
    if (x->closing)
        return;
    for (int i = 0; i < x->n && x->head; i++) {
        struct worker *w = &x->w[i];
        if (w->st == W_DOWN && ext_worker_start(w) < 0)
            continue; /* its close answers for it */
        if (w->st != W_IDLE)
            continue;
        struct job *jb = pop(x);
        if (jb->answered) { /* cancelled while it waited */
            free(jb);
            i--;
            continue;
        }
        ext_worker_run(w, jb);
    }
    int alive = 0;
    for (int i = 0; i < x->n; i++)
        alive += x->w[i].st != W_BROKEN;
    if (alive || !x->head)
        return;
    if (!x->attached) { /* a synchronous submit waits for exactly this */
        fail_waiting(x);
        return;
    }
    /* from the loop, not inside the caller's flush: its callbacks may
     * submit and flush again */
    if (!x->later_open) {
        uv_timer_init(x->loop, &x->later);
        x->later.data = x;
        x->later_open = 1;
    }
    uv_timer_start(&x->later, on_later, 0, 0);
}

/* ---- the evaluator -------------------------------------------------------------- */

static void ensure_loop(struct ext *x)
{
    if (x->loop)
        return;
    uv_loop_init(&x->priv);
    x->loop = &x->priv;
    x->own_loop = 1;
}

static int ext_submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                      void *ud)
{
    struct ext *x = ev->impl;
    struct job *jb = calloc(1, sizeof *jb);
    if (!jb)
        return -1;
    jb->j = *job;
    jb->done = done;
    jb->ud = ud;
    ensure_loop(x);
    push_back(x, jb);
    if (x->attached)
        return 0; /* flush() starts it */
    /* no loop of the caller's: answer before returning, as eval.h asks */
    int answered = 0;
    struct job *mine = jb;
    dispatch(x);
    while (!answered) {
        answered = 1;
        for (struct job *q = x->head; q; q = q->next)
            answered &= q != mine;
        for (int i = 0; i < x->n; i++)
            answered &= x->w[i].job != mine;
        if (!answered)
            uv_run(x->loop, UV_RUN_ONCE);
    }
    return 0;
}

static void ext_attach(struct evaluator *ev, uv_loop_t *loop)
{
    struct ext *x = ev->impl;
    if (x->own_loop) /* workers started for a synchronous call stay on that loop */
        return;
    x->loop = loop;
    x->attached = 1;
}

static void ext_flush(struct evaluator *ev)
{
    dispatch(ev->impl);
}

static void stop_jobs(struct ext *x, void *ud, int answer_them)
{
    for (struct job **pp = &x->head; *pp;) {
        struct job *jb = *pp;
        if (jb->ud != ud) {
            pp = &jb->next;
            continue;
        }
        *pp = jb->next;
        if (x->tail == jb) {
            x->tail = NULL;
            for (struct job *q = x->head; q; q = q->next)
                x->tail = q;
        }
        if (answer_them)
            cancel_job(x, jb);
        free(jb);
    }
    for (int i = 0; i < x->n; i++) {
        struct worker *w = &x->w[i];
        struct job *jb = w->job;
        if (!jb || jb->ud != ud || jb->answered || w->st != W_BUSY)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "cancel", jb->j.id);
        ext_worker_send(w, o); /* its answer, whatever it is, then frees the worker */
        cJSON_Delete(o);
        if (answer_them) {
            cancel_job(x, jb);
            x->ev->stopped++;
        } else {
            jb->answered = 1;
        }
    }
}

static void ext_forget(struct evaluator *ev, void *ud)
{
    stop_jobs(ev->impl, ud, 0);
}

static void ext_cancel(struct evaluator *ev, void *ud)
{
    stop_jobs(ev->impl, ud, 1);
}

/* The last close after destroy: everything goes. With a private loop,
 * destroy itself ends here once that loop has nothing left to run. */
static void maybe_free(struct ext *x)
{
    if (x->own_loop || x->later_open)
        return;
    for (int i = 0; i < x->n; i++)
        if (x->w[i].st == W_GOING || x->w[i].open)
            return;
    while (x->head)
        free(pop(x));
    free(x->w);
    free(x->env);
    free(x->cmd);
    free(x->srun_args);
    free(x->ev);
    free(x);
}

static void on_later_closed(uv_handle_t *h)
{
    struct ext *x = h->data;
    x->later_open = 0;
    maybe_free(x);
}

static void ext_destroy(struct evaluator *ev)
{
    struct ext *x = ev->impl;
    x->closing = 1;
    while (x->head)
        free(pop(x));
    if (x->later_open)
        uv_close((uv_handle_t *)&x->later, on_later_closed);
    int going = 0;
    for (int i = 0; i < x->n; i++) {
        struct worker *w = &x->w[i];
        if (w->st == W_IDLE || w->st == W_BUSY) {
            if (w->job)
                w->job->answered = 1; /* destroy calls no callback */
            ext_worker_end(w);
        }
        going += w->st == W_GOING;
    }
    if (!x->own_loop) {
        if (!going)
            maybe_free(x);
        return; /* the caller's loop runs on; the last close frees it all */
    }
    x->later_open = 0; /* a private loop is never attached: no timer */
    while (uv_run(x->loop, UV_RUN_DEFAULT))
        ;
    uv_loop_close(x->loop);
    x->own_loop = 0;
    maybe_free(x);
}

static const struct evaluator_ops ext_ops = {.submit = ext_submit,
                                             .destroy = ext_destroy,
                                             .attach = ext_attach,
                                             .flush = ext_flush,
                                             .forget = ext_forget,
                                             .cancel = ext_cancel};

/* An evaluator that failed to open: what was allocated, none of it started. */
static void unopened_free(struct evaluator *ev, struct ext *x)
{
    if (x) {
        free(x->w);
        free(x->env);
        free(x->cmd);
        free(x->srun_args);
    }
    free(x);
    free(ev);
}

struct evaluator *external_evaluator_open(const struct space *s, const struct eval_opts *o,
                                          struct err *e)
{
    if (!o->command || !external_is_command(o->command)) {
        err_usage(e, "--evaluator", "'%s' is neither a built-in evaluator nor a program on "
                  "PATH", o->command ? o->command : "");
        return NULL;
    }
    if (!(o->timeout >= 0) || o->timeout > 1e7) {
        err_usage(e, "--eval-timeout", "expected seconds from 0 (none) to 10000000, got %g",
                  o->timeout);
        return NULL;
    }
    int slurm = o->launcher && strcmp(o->launcher, "slurm") == 0;
    if (o->launcher && !slurm && strcmp(o->launcher, "local") != 0) {
        err_usage(e, "--launcher", "expected local or slurm, got '%s'", o->launcher);
        return NULL;
    }
    if (o->srun_args && !slurm) {
        err_usage(e, "--srun-args", "is for --launcher slurm");
        return NULL;
    }
    if (slurm && !on_path("srun")) {
        err_usage(e, "--launcher", "slurm starts each worker with srun, which is not on PATH "
                  "(install Slurm's client, or load its module)");
        return NULL;
    }
    struct evaluator *ev = calloc(1, sizeof *ev);
    struct ext *x = calloc(1, sizeof *x);
    int n = o->workers > 0 ? o->workers : 1;
    int ne = 0;
    while (environ[ne])
        ne++;
    if (ev && x) {
        x->w = calloc((size_t)n, sizeof *x->w);
        x->env = calloc((size_t)ne + 2, sizeof *x->env);
        x->cmd = strdup(o->command);
        x->srun_args = slurm ? strdup(o->srun_args ? o->srun_args : "") : NULL;
    }
    if (!ev || !x || !x->w || !x->env || !x->cmd || (slurm && !x->srun_args)) {
        unopened_free(ev, x);
        err_set(e, "--evaluator", "out of memory");
        return NULL;
    }
    for (int i = 0, k = 0; i < ne; i++)
        if (strncmp(environ[i], "COLLM_WORKER=", 13) != 0)
            x->env[k++] = environ[i];
    int k = 0;
    while (x->env[k])
        k++;
    x->env[k] = "COLLM_WORKER=0"; /* ext_worker_start() writes each worker's own */
    x->ev = ev;
    x->sp = s;
    x->n = n;
    x->timeout = o->timeout;
    char script[EXT_SCRIPT_MAX];
    if (ext_worker_script(x, n, script, sizeof script) < 0) {
        err_usage(e, slurm ? "--srun-args" : "--evaluator", "the worker's command line is over "
                  "%d bytes", EXT_SCRIPT_MAX - 100);
        unopened_free(ev, x);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        x->w[i] = (struct worker){.x = x, .index = i + 1, .st = W_DOWN};
    /* a worker gone between two of our writes must be an error, not a
     * signal that ends collm */
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);
    *ev = (struct evaluator){.ops = &ext_ops, .name = "external", .capacity = n, .space = s,
                             .impl = x};
    return ev;
}
