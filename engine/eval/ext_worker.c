#include "ext_worker.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../llm/scrub.h"

#define LINE_MAX_BYTES (1 << 20)
#define KILL_GRACE_MS 2000    /* from SIGTERM at close to SIGKILL */
#define EOF_GRACE_MS 500      /* after its exit, for what is still in the pipe */

static void close_all(struct worker *w);

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

int ext_worker_send(struct worker *w, cJSON *o)
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

int ext_worker_send_job(struct worker *w, const struct job *jb)
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
    int rc = ext_worker_send(w, o);
    cJSON_Delete(o);
    return rc;
}

/* A worker at work (or on its way out) holds the loop: its pipes, its exit
 * and its timer must be seen. An idle one must not keep a search's loop
 * running. */
void ext_worker_hold(struct worker *w, int on)
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
    ext_worker_kill(w, why, SIGKILL);
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
    ext_worker_hold(w, 0);
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
    ext_answer(w->x, jb, &r);
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
            ext_fail_job(w->x, jb, why);
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

static int out_line(void *ud, char *line, size_t len, enum line_kind kind)
{
    (void)len;
    struct worker *w = ud;
    if (kind == LINE_WHOLE)
        on_line(w, line);
    else
        garbage(w, kind == LINE_CUT ? "a line longer than 1 MiB" : "out of memory for its line",
                line);
    return w->killed; /* nothing it says from now on counts */
}

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
            ext_worker_kill(w, "", SIGKILL); /* stdout closed: it cannot answer any more */
        maybe_gone(w);
        return;
    }
    lines_feed(&w->outl, b->base, (size_t)n, out_line, w);
    free(b->base);
}

/* One line of stderr for the evaluator's log, if the bucket allows. */
static int err_line(void *ud, char *line, size_t len, enum line_kind kind)
{
    struct worker *w = ud;
    struct evaluator *ev = w->x->ev;
    uint64_t now = uv_now(w->x->loop);
    w->log_tokens += (double)(now - w->log_at) / 1000.0 * LOG_RATE;
    if (w->log_tokens > LOG_BURST)
        w->log_tokens = LOG_BURST;
    w->log_at = now;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 32 || line[i] == 127)
            line[i] = ' ';
    while (len && line[len - 1] == ' ')
        line[--len] = '\0';
    char *text = line + strspn(line, " ");
    if (!*text || !ev->on_log)
        return 0;
    if (w->log_tokens < 1) {
        w->log_dropped++;
        return 0;
    }
    w->log_tokens -= 1;
    char buf[LOG_LINE_MAX + 8];
    snprintf(buf, sizeof buf, "%s", text);
    if (kind != LINE_WHOLE) { /* cut on a character, and say so */
        size_t n = strlen(buf);
        while (n && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
            n--;
        if (n && (unsigned char)buf[n - 1] >= 0xC0)
            n--;
        memcpy(buf + n, "\xe2\x80\xa6", 4); /* U+2026 and the NUL */
    }
    /* stray bytes would spoil the journal's JSON; the LLM key is in the
     * worker's environment, and a worker may print it */
    char *clean = llm_scrub_text(buf, getenv("OPENAI_API_KEY"));
    ev->on_log(ev->log_ud, w->index, clean ? clean : "(out of memory)", w->log_dropped);
    free(clean);
    w->log_dropped = 0;
    return 0;
}

static void on_err(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct worker *w = s->data;
    if (n < 0) {
        free(b->base);
        uv_read_stop(s);
        w->err_eof = 1;
        lines_finish(&w->errl, err_line, w);
        struct evaluator *ev = w->x->ev;
        if (w->log_dropped && ev->on_log)
            ev->on_log(ev->log_ud, w->index, NULL, w->log_dropped);
        w->log_dropped = 0;
        maybe_gone(w);
        return;
    }
    lines_feed(&w->errl, b->base, (size_t)n, err_line, w);
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

static void on_closed(uv_handle_t *h)
{
    struct worker *w = h->data;
    if (--w->open == 0)
        ext_worker_gone(w);
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
    ext_worker_hold(w, 1);
    if (w->out_eof && w->err_eof) {
        close_all(w);
    } else {
        uv_timer_stop(&w->timer);
        uv_timer_start(&w->timer, on_grace, EOF_GRACE_MS, 0);
    }
}

void ext_worker_kill(struct worker *w, const char *why, int sig)
{
    if (w->st == W_GOING)
        return;
    if (sig == SIGKILL && w->x->srun_args)
        sig = SIGTERM; /* srun ends the step on its node; SIGKILL follows the grace */
    if (why && why[0] && !w->why[0])
        snprintf(w->why, sizeof w->why, "%s", why);
    w->st = W_GOING;
    w->killed = 1;
    uv_read_stop((uv_stream_t *)&w->out);
    w->out_eof = 1; /* nothing more it says counts */
    ext_worker_hold(w, 1); /* the loop waits for the end */
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
    ext_worker_kill(w, why, SIGKILL);
}

int ext_worker_script(const struct ext *x, int i, char *buf, size_t n)
{
    if (!x->srun_args)
        return (size_t)snprintf(buf, n, "exec %s", x->cmd) < n ? 0 : -1;
    size_t off = (size_t)snprintf(buf, n, "exec srun --quiet --unbuffered --ntasks=1 "
                                  "--job-name=collm-worker-%d %s /bin/sh -c 'exec ", i,
                                  x->srun_args);
    for (const char *c = x->cmd; *c; c++) {
        if (off + 6 >= n)
            return -1;
        if (*c == '\'') {
            memcpy(buf + off, "'\\''", 4); /* end the quote, a quoted ', open again */
            off += 4;
        } else {
            buf[off++] = *c;
        }
    }
    if (off + 2 >= n)
        return -1;
    buf[off++] = '\'';
    buf[off] = '\0';
    return 0;
}

int ext_worker_start(struct worker *w)
{
    struct ext *x = w->x;
    uv_loop_t *loop = x->loop;
    memset(&w->proc, 0, sizeof w->proc);
    w->exited = w->out_eof = w->err_eof = w->killed = 0;
    w->status = w->term_signal = 0;
    w->why[0] = w->errtail[0] = '\0';
    w->lineno = 0;
    lines_init(&w->outl, LINE_MAX_BYTES, 0);
    lines_init(&w->errl, LOG_LINE_MAX, 1);
    w->log_tokens = LOG_BURST;
    w->log_at = uv_now(loop);
    w->log_dropped = 0;
    uv_pipe_init(loop, &w->in, 0);
    uv_pipe_init(loop, &w->out, 0);
    uv_pipe_init(loop, &w->err, 0);
    uv_timer_init(loop, &w->timer);
    w->in.data = w->out.data = w->err.data = w->timer.data = w->proc.data = w;
    w->open = 4;
    char script[EXT_SCRIPT_MAX];
    ext_worker_script(x, w->index, script, sizeof script); /* it fits: the open checked */
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
    ext_worker_hold(w, 0);
    w->st = W_IDLE;
    return 0;
}

void ext_worker_run(struct worker *w, struct job *jb)
{
    w->job = jb;
    w->st = W_BUSY;
    ext_worker_hold(w, 1); /* the loop waits for its answer */
    if (w->x->timeout > 0)
        uv_timer_start(&w->timer, on_timeout, (uint64_t)(w->x->timeout * 1000), 0);
    if (ext_worker_send_job(w, jb) < 0)
        ext_worker_kill(w, "cannot write to the worker", SIGKILL);
}

void ext_worker_end(struct worker *w)
{
    uv_close((uv_handle_t *)&w->in, on_closed); /* EOF: a polite worker ends */
    ext_worker_kill(w, "", SIGTERM);
}
