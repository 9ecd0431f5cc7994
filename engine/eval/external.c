#include "external.h"

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
#define LINE_MAX_BYTES (1 << 20)
#define ERR_TAIL 600          /* the last of a worker's stderr, for its obituary */
#define KILL_GRACE_MS 2000    /* from SIGTERM at close to SIGKILL */
#define EOF_GRACE_MS 500      /* after its exit, for what is still in the pipe */

extern char **environ;

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
    char *buf;                  /* stdout: a line in the making */
    size_t len, cap;
    long lineno;
    char errtail[ERR_TAIL];
    char why[400];              /* set before a kill: the reason it goes */
    int deaths;                 /* in a row without an answer */
    char env_index[32];
};

struct ext {
    struct evaluator *ev;
    const struct space *sp;
    char *cmd;
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

static void dispatch(struct ext *x);
static void worker_kill(struct worker *w, const char *why, int sig);

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

static void answer(struct ext *x, struct job *jb, const struct eval_result *r)
{
    (void)x;
    if (jb->answered)
        return;
    jb->answered = 1;
    jb->done(jb->ud, r);
}

static void fail_job(struct ext *x, struct job *jb, const char *why)
{
    struct eval_result r = {.id = jb->j.id};
    memcpy(r.m, jb->j.m, sizeof r.m);
    snprintf(r.error, sizeof r.error, "%s", why);
    answer(x, jb, &r);
}

static void cancel_job(struct ext *x, struct job *jb)
{
    struct eval_result r = {.id = jb->j.id, .cancelled = 1};
    memcpy(r.m, jb->j.m, sizeof r.m);
    snprintf(r.error, sizeof r.error, "cancelled");
    answer(x, jb, &r);
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

/* ---- writing to a worker ----------------------------------------------------- */

struct wreq {
    uv_write_t req;
    char *text;
};

static void on_written(uv_write_t *req, int status)
{
    (void)status; /* a worker gone: its exit says so */
    struct wreq *wr = (struct wreq *)req;
    free(wr->text);
    free(wr);
}

static int send_line(struct worker *w, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    struct wreq *wr = s ? malloc(sizeof *wr) : NULL;
    size_t n = s ? strlen(s) : 0;
    char *line = wr ? malloc(n + 2) : NULL;
    if (!line) {
        free(s);
        free(wr);
        return -1;
    }
    memcpy(line, s, n);
    line[n] = '\n';
    line[n + 1] = '\0';
    free(s);
    wr->text = line;
    uv_buf_t b = uv_buf_init(line, (unsigned)(n + 1));
    if (uv_write(&wr->req, (uv_stream_t *)&w->in, &b, 1, on_written) < 0) {
        free(line);
        free(wr);
        return -1;
    }
    return 0;
}

static int send_job(struct worker *w, const struct job *jb)
{
    char text[4096];
    if (space_encode(w->x->sp, &jb->j.arch, text, sizeof text) < 0)
        return -1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", jb->j.id);
    cJSON_AddStringToObject(o, "space", w->x->sp->id);
    cJSON *a = text[0] == '{' || text[0] == '[' ? cJSON_Parse(text) : NULL;
    if (a)
        cJSON_AddItemToObject(o, "arch", a); /* the dict spaces' form stays a dict */
    else
        cJSON_AddStringToObject(o, "arch", text);
    int rc = send_line(w, o);
    cJSON_Delete(o);
    return rc;
}

/* A worker at work (or on its way out) holds the loop: its pipes, its exit
 * and its timer must be seen. An idle one must not keep a search's loop
 * running. */
static void hold(struct worker *w, int on)
{
    uv_handle_t *hs[5] = {(uv_handle_t *)&w->proc, (uv_handle_t *)&w->in,
                          (uv_handle_t *)&w->out, (uv_handle_t *)&w->err,
                          (uv_handle_t *)&w->timer};
    for (int i = 0; i < 5; i++)
        if (on)
            uv_ref(hs[i]);
        else
            uv_unref(hs[i]);
}

/* ---- reading a worker's lines ------------------------------------------------ */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)h;
    b->base = malloc(hint);
    b->len = b->base ? hint : 0;
}

static void garbage(struct worker *w, const char *what, const char *line)
{
    char why[400];
    snprintf(why, sizeof why, "worker %d, line %ld: %s: '%.60s%s'", w->index, w->lineno, what,
             line, strlen(line) > 60 ? "..." : "");
    worker_kill(w, why, SIGKILL);
}

static int phase_of(const char *name)
{
    for (int p = 0; p < PHASE__COUNT; p++)
        if (strcmp(eval_phase_name((enum eval_phase)p), name) == 0)
            return p;
    return PHASE_VALIDATING; /* a worker's own word for it: still work under way */
}

/* Its answer came: free for the next request (unless it is on its way
 * out, having answered as it exited). */
static void job_over(struct worker *w)
{
    w->job = NULL;
    w->deaths = 0;
    if (w->st != W_BUSY)
        return;
    w->st = W_IDLE;
    uv_timer_stop(&w->timer);
    hold(w, 0);
}

static void finished(struct worker *w, struct job *jb, const cJSON *metrics, const char *line)
{
    const struct space *sp = w->x->sp;
    struct eval_result r = {.id = jb->j.id, .ok = 1};
    memcpy(r.m, jb->j.m, sizeof r.m);
    for (const cJSON *m = metrics->child; m; m = m->next) {
        int k = -1;
        for (int i = 0; i < sp->nmetrics && k < 0; i++)
            if (strcmp(sp->metrics[i].name, m->string) == 0)
                k = i;
        if (k < 0)
            continue; /* more than the space knows: not ours to keep */
        if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble)) {
            char what[160];
            snprintf(what, sizeof what, "\"%s\" is not a finite number", m->string);
            garbage(w, what, line);
            return;
        }
        if (sp->metrics[k].role != METRIC_COST || isnan(jb->j.m[k]))
            r.m[k] = m->valuedouble;
    }
    const char *need[2] = {sp->metrics[sp->objective].name,
                           sp->report >= 0 ? sp->metrics[sp->report].name : NULL};
    for (int i = 0; i < 2; i++)
        if (need[i] && !cJSON_GetObjectItemCaseSensitive(metrics, need[i])) {
            char what[160];
            snprintf(what, sizeof what, "the metrics lack \"%s\"", need[i]);
            garbage(w, what, line);
            return;
        }
    job_over(w);
    answer(w->x, jb, &r);
    free(jb);
}

static void on_line(struct worker *w, char *line)
{
    w->lineno++;
    if (!line[strspn(line, " \t\r")])
        return; /* a blank line is no message */
    cJSON *o = cJSON_Parse(line);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        garbage(w, "not a JSON object", line);
        return;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    if (!id && cJSON_GetObjectItemCaseSensitive(o, "hello")) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "protocol");
        if (cJSON_IsNumber(p) && p->valuedouble > EXTERNAL_PROTOCOL) {
            char what[120];
            snprintf(what, sizeof what, "speaks protocol %g; this collm speaks %d",
                     p->valuedouble, EXTERNAL_PROTOCOL);
            garbage(w, what, line);
        }
        cJSON_Delete(o);
        return;
    }
    struct job *jb = w->job;
    if (!cJSON_IsNumber(id) || !jb || id->valuedouble != jb->j.id) {
        cJSON_Delete(o);
        garbage(w, jb ? "an answer for a request it was not given" : "an answer while idle",
                line);
        return;
    }
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(o, "metrics");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(o, "error");
    const cJSON *progress = cJSON_GetObjectItemCaseSensitive(o, "progress");
    if (cJSON_IsObject(metrics) && !jb->answered) {
        finished(w, jb, metrics, line);
    } else if (cJSON_IsObject(metrics) || error) {
        /* a cancelled request's last word, or the worker's own failure */
        if (!jb->answered) {
            char why[300];
            snprintf(why, sizeof why, "worker %d: %s", w->index,
                     cJSON_IsString(error) ? error->valuestring : "failed (no reason given)");
            fail_job(w->x, jb, why);
        }
        job_over(w);
        free(jb);
    } else if (cJSON_IsNumber(progress)) {
        const cJSON *ph = cJSON_GetObjectItemCaseSensitive(o, "phase");
        double f = progress->valuedouble;
        f = f < 0 || isnan(f) ? 0 : f > 1 ? 1 : f;
        if (!jb->answered && jb->j.on_progress)
            jb->j.on_progress(jb->ud,
                              (enum eval_phase)(cJSON_IsString(ph) ? phase_of(ph->valuestring)
                                                                   : PHASE_VALIDATING),
                              lround(f * 1000), 1000);
    } else {
        garbage(w, "neither metrics, error nor progress", line);
    }
    cJSON_Delete(o);
}

static void close_all(struct worker *w);

static void maybe_gone(struct worker *w)
{
    if (w->exited && w->out_eof && w->err_eof)
        close_all(w);
}

static void on_out(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct worker *w = s->data;
    if (n < 0) {
        free(b->base);
        uv_read_stop(s);
        w->out_eof = 1;
        if (!w->exited && !w->killed)
            worker_kill(w, "", SIGKILL); /* stdout closed: it cannot answer any more */
        maybe_gone(w);
        return;
    }
    for (ssize_t i = 0; i < n && !w->killed; i++) {
        char c = b->base[i];
        if (c != '\n') {
            if (w->len + 2 > w->cap) {
                size_t cap = w->cap ? w->cap * 2 : 4096;
                char *nb = w->len + 2 <= LINE_MAX_BYTES ? realloc(w->buf, cap) : NULL;
                if (!nb) {
                    w->buf[w->len] = '\0';
                    garbage(w, "a line longer than 1 MiB", w->buf);
                    break;
                }
                w->buf = nb;
                w->cap = cap;
            }
            w->buf[w->len++] = c;
            continue;
        }
        w->buf[w->len] = '\0';
        w->len = 0;
        on_line(w, w->buf);
    }
    free(b->base);
}

static void on_err(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct worker *w = s->data;
    if (n < 0) {
        free(b->base);
        uv_read_stop(s);
        w->err_eof = 1;
        maybe_gone(w);
        return;
    }
    /* keep the tail: what a dying worker said last is what explains it */
    size_t have = strlen(w->errtail), add = (size_t)n;
    if (add >= ERR_TAIL - 1) {
        memcpy(w->errtail, b->base + add - (ERR_TAIL - 1), ERR_TAIL - 1);
        w->errtail[ERR_TAIL - 1] = '\0';
    } else {
        if (have + add >= ERR_TAIL) {
            size_t drop = have + add - (ERR_TAIL - 1);
            memmove(w->errtail, w->errtail + drop, have - drop + 1);
            have -= drop;
        }
        memcpy(w->errtail + have, b->base, add);
        w->errtail[have + add] = '\0';
    }
    for (char *p = w->errtail; *p; p++)
        if ((unsigned char)*p < 32 && *p != '\n')
            *p = ' ';
    free(b->base);
}

/* ---- a worker's life ---------------------------------------------------------- */

static void maybe_free(struct ext *x);

/* Every handle closed: what it ran goes back or fails, and it may start
 * again. */
static void on_gone(struct worker *w)
{
    struct ext *x = w->x;
    struct job *jb = w->job;
    w->job = NULL;
    w->st = W_DOWN;
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
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
        fail_job(x, jb, why);
        free(jb);
    }
    dispatch(x);
}

static void on_closed(uv_handle_t *h)
{
    struct worker *w = h->data;
    if (--w->open == 0)
        on_gone(w);
}

static void close_all(struct worker *w)
{
    uv_handle_t *hs[5] = {(uv_handle_t *)&w->proc, (uv_handle_t *)&w->in,
                          (uv_handle_t *)&w->out, (uv_handle_t *)&w->err,
                          (uv_handle_t *)&w->timer};
    for (int i = 0; i < 5; i++)
        if (!uv_is_closing(hs[i]))
            uv_close(hs[i], on_closed);
}

static void on_grace(uv_timer_t *t)
{
    struct worker *w = t->data;
    if (w->exited) { /* its pipes stayed open (a child of its own?): enough */
        close_all(w);
        return;
    }
    uv_process_kill(&w->proc, SIGKILL);
}

static void on_exit_(uv_process_t *p, int64_t status, int sig)
{
    struct worker *w = p->data;
    w->exited = 1;
    w->status = (long)status;
    w->term_signal = sig;
    w->st = W_GOING; /* what is still in its stdout is read, then it is gone */
    hold(w, 1);
    if (w->out_eof && w->err_eof) {
        close_all(w);
    } else {
        uv_timer_stop(&w->timer);
        uv_timer_start(&w->timer, on_grace, EOF_GRACE_MS, 0);
    }
}

static void worker_kill(struct worker *w, const char *why, int sig)
{
    if (w->st == W_GOING)
        return;
    if (why && why[0] && !w->why[0])
        snprintf(w->why, sizeof w->why, "%s", why);
    w->st = W_GOING;
    w->killed = 1;
    uv_read_stop((uv_stream_t *)&w->out);
    w->out_eof = 1; /* nothing more it says counts */
    hold(w, 1); /* the loop waits for the end */
    if (!w->exited) {
        uv_process_kill(&w->proc, sig);
        if (sig != SIGKILL) {
            uv_timer_stop(&w->timer);
            uv_timer_start(&w->timer, on_grace, KILL_GRACE_MS, 0);
        }
    } else {
        maybe_gone(w);
    }
}

static void on_timeout(uv_timer_t *t)
{
    struct worker *w = t->data;
    char why[200];
    snprintf(why, sizeof why, "worker %d gave no answer within --eval-timeout %g s", w->index,
             w->x->timeout);
    worker_kill(w, why, SIGKILL);
}

static int worker_start(struct worker *w)
{
    struct ext *x = w->x;
    uv_loop_t *loop = x->loop;
    memset(&w->proc, 0, sizeof w->proc);
    w->exited = w->out_eof = w->err_eof = w->killed = 0;
    w->status = w->term_signal = 0;
    w->why[0] = w->errtail[0] = '\0';
    w->lineno = 0;
    uv_pipe_init(loop, &w->in, 0);
    uv_pipe_init(loop, &w->out, 0);
    uv_pipe_init(loop, &w->err, 0);
    uv_timer_init(loop, &w->timer);
    w->in.data = w->out.data = w->err.data = w->timer.data = w->proc.data = w;
    w->open = 4;
    char script[4200];
    snprintf(script, sizeof script, "exec %s", x->cmd);
    char *args[] = {"/bin/sh", "-c", script, NULL};
    snprintf(w->env_index, sizeof w->env_index, "COLLM_WORKER=%d", w->index);
    int ne = 0;
    while (x->env[ne])
        ne++;
    x->env[ne - 1] = w->env_index; /* the last slot is ours */
    uv_stdio_container_t io[3] = {
        {.flags = UV_CREATE_PIPE | UV_READABLE_PIPE, .data.stream = (uv_stream_t *)&w->in},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&w->out},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&w->err},
    };
    uv_process_options_t po = {.exit_cb = on_exit_, .file = "/bin/sh", .args = args,
                               .env = x->env, .stdio_count = 3, .stdio = io};
    int rc = uv_spawn(loop, &w->proc, &po);
    if (rc < 0) {
        snprintf(w->why, sizeof w->why, "worker %d cannot start: %s", w->index, uv_strerror(rc));
        w->exited = w->out_eof = w->err_eof = 1;
        w->st = W_GOING;
        /* a failed spawn leaves the process handle to close as well */
        w->open = 5;
        close_all(w);
        return -1;
    }
    w->open = 5;
    uv_read_start((uv_stream_t *)&w->out, on_alloc, on_out);
    uv_read_start((uv_stream_t *)&w->err, on_alloc, on_err);
    hold(w, 0);
    w->st = W_IDLE;
    return 0;
}

static void fail_waiting(struct ext *x)
{
    while (x->head) { /* nobody left to ask */
        struct job *jb = pop(x);
        fail_job(x, jb, x->broken);
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
        if (w->st == W_DOWN && worker_start(w) < 0)
            continue; /* its close answers for it */
        if (w->st != W_IDLE)
            continue;
        struct job *jb = pop(x);
        if (jb->answered) { /* cancelled while it waited */
            free(jb);
            i--;
            continue;
        }
        w->job = jb;
        w->st = W_BUSY;
        hold(w, 1); /* the loop waits for its answer */
        if (x->timeout > 0)
            uv_timer_start(&w->timer, on_timeout, (uint64_t)(x->timeout * 1000), 0);
        if (send_job(w, jb) < 0)
            worker_kill(w, "cannot write to the worker", SIGKILL);
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
        send_line(w, o); /* its answer, whatever it is, then frees the worker */
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
            uv_close((uv_handle_t *)&w->in, on_closed); /* EOF: a polite worker ends */
            worker_kill(w, "", SIGTERM);
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
    }
    if (!ev || !x || !x->w || !x->env || !x->cmd) {
        if (x) {
            free(x->w);
            free(x->env);
            free(x->cmd);
        }
        free(x);
        free(ev);
        err_set(e, "--evaluator", "out of memory");
        return NULL;
    }
    for (int i = 0, k = 0; i < ne; i++)
        if (strncmp(environ[i], "COLLM_WORKER=", 13) != 0)
            x->env[k++] = environ[i];
    int k = 0;
    while (x->env[k])
        k++;
    x->env[k] = "COLLM_WORKER=0"; /* worker_start() writes each worker's own */
    x->ev = ev;
    x->sp = s;
    x->n = n;
    x->timeout = o->timeout;
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
