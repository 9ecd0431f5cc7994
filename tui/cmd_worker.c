/* collm worker: a built-in evaluator behind the worker protocol
 * (engine/eval/external.h), so another collm can use it as
 * --evaluator 'collm worker --space S' on this machine, or through srun on
 * another. Requests are read on the loop, so a cancel reaches a running
 * evaluation; answers are written as they come. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../engine/core/lines.h"
#include "../engine/eval/eval.h"
#include "../engine/eval/external.h"
#include "../engine/spaces/space.h"
#include "cmds.h"
#include "opts.h"

static const char usage[] =
    "usage: collm worker --space SPACE [--evaluator NAME] [--eval-workers N]\n"
    "\n"
    "Evaluates architectures for another collm, speaking the worker protocol\n"
    "(README, \"Bring your own supernet\") on standard input and output: one\n"
    "request per line, {\"id\":N,\"space\":S,\"arch\":A}, or {\"cancel\":N}; one\n"
    "answer per line, {\"id\":N,\"metrics\":{...}} or {\"id\":N,\"error\":\"...\"},\n"
    "with {\"id\":N,\"progress\":F,\"phase\":P} while a long evaluation runs.\n"
    "It ends when its input ends and every request is answered. Example:\n"
    "  collm search --space fmnist-supernet --eval-workers 2 \\\n"
    "      --evaluator 'collm worker --space fmnist-supernet --eval-workers 1'";

struct request {
    struct eval_req r;
    struct request *next;
};

struct worker {
    uv_loop_t *loop;
    uv_pipe_t in;
    const struct space *sp;
    struct evaluator *ev;
    struct request *live;
    struct lines lines;
    long lineno;
    int eof, bad;
};

static void put(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    }
    free(s);
    cJSON_Delete(o);
}

static void say_error(double id, const char *fmt, const char *a, const char *b)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a, b);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", id);
    cJSON_AddStringToObject(o, "error", msg);
    put(o);
}

static void maybe_end(struct worker *w)
{
    if (w->eof && !w->live && !uv_is_closing((uv_handle_t *)&w->in))
        uv_close((uv_handle_t *)&w->in, NULL);
}

static void on_progress(struct eval_req *req, enum eval_phase ph, long done, long total)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", req->job.id);
    cJSON_AddNumberToObject(o, "progress", total > 0 ? (double)done / (double)total : 0);
    cJSON_AddStringToObject(o, "phase", eval_phase_name(ph));
    put(o);
}

static void on_done(struct eval_req *req)
{
    struct worker *w = req->data;
    const struct space *sp = w->sp;
    if (req->status == EVAL_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", req->job.id);
        cJSON *m = cJSON_AddObjectToObject(o, "metrics");
        for (int i = 0; i < sp->nmetrics; i++)
            cJSON_AddNumberToObject(m, sp->metrics[i].name, req->result.m[i]);
        put(o);
    } else {
        say_error(req->job.id, "%s%s", req->status == EVAL_CANCELLED ? "cancelled" : "",
                  req->status == EVAL_CANCELLED ? "" : req->result.error);
    }
    for (struct request **pp = &w->live; *pp; pp = &(*pp)->next)
        if (&(*pp)->r == req) {
            struct request *q = *pp;
            *pp = q->next;
            free(q);
            break;
        }
    maybe_end(w);
}

static void on_line(struct worker *w, const char *line)
{
    w->lineno++;
    if (!line[strspn(line, " \t\r")])
        return;
    cJSON *o = cJSON_Parse(line);
    const cJSON *cancel = cJSON_GetObjectItemCaseSensitive(o, "cancel");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    if (cJSON_IsNumber(cancel)) {
        for (struct request *q = w->live; q; q = q->next)
            if (q->r.job.id == cancel->valuedouble) {
                eval_cancel(&q->r); /* the answer says "cancelled" */
                break;
            }
        cJSON_Delete(o);
        return;
    }
    char where[48];
    snprintf(where, sizeof where, "line %ld", w->lineno);
    if (!cJSON_IsObject(o) || !cJSON_IsNumber(id)) {
        fprintf(stderr, "collm worker: %s: expected {\"id\":N,\"arch\":...} or {\"cancel\":N}\n",
                where);
        w->bad = 1;
        cJSON_Delete(o);
        return;
    }
    const cJSON *space = cJSON_GetObjectItemCaseSensitive(o, "space");
    const cJSON *arch = cJSON_GetObjectItemCaseSensitive(o, "arch");
    if (cJSON_IsString(space) && strcmp(space->valuestring, w->sp->id) != 0) {
        say_error(id->valuedouble, "this worker evaluates %s, not %s", w->sp->id,
                  space->valuestring);
        cJSON_Delete(o);
        return;
    }
    char *text = cJSON_IsString(arch) ? strdup(arch->valuestring)
                 : arch               ? cJSON_PrintUnformatted(arch)
                                      : NULL;
    struct request *q = calloc(1, sizeof *q);
    struct err e = {0};
    if (!text || !q) {
        say_error(id->valuedouble, "%s%s", text ? "out of memory" : "no \"arch\" given", "");
    } else if (space_decode(w->sp, text, &q->r.job.arch, &e) < 0 ||
               space_cost(w->sp, &q->r.job.arch, q->r.job.m, &e) < 0) {
        say_error(id->valuedouble, "%s: %s", e.where, e.msg);
    } else {
        q->r.job.id = (int)id->valuedouble;
        q->r.data = w;
        q->r.progress = on_progress;
        q->next = w->live;
        w->live = q;
        q = NULL;
        eval_submit(w->ev, &w->live->r, on_done); /* a table answers right here */
        evaluator_flush(w->ev);
    }
    free(q);
    free(text);
    cJSON_Delete(o);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)h;
    b->base = malloc(hint);
    b->len = b->base ? hint : 0;
}

static int a_line(void *ud, char *line, size_t len, enum line_kind kind)
{
    (void)len;
    struct worker *w = ud;
    if (kind == LINE_WHOLE) {
        on_line(w, line);
        return 0;
    }
    w->lineno++; /* no id can be trusted in what is cut: say so, go on */
    fprintf(stderr, "collm worker: line %ld: %s, skipped\n", w->lineno,
            kind == LINE_CUT ? "longer than 1 MiB" : "out of memory for it");
    w->bad = 1;
    return 0;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct worker *w = s->data;
    if (n > 0)
        lines_feed(&w->lines, b->base, (size_t)n, a_line, w);
    free(b->base);
    if (n < 0) {
        lines_finish(&w->lines, a_line, w); /* a last line without its newline */
        uv_read_stop(s);
        w->eof = 1;
        maybe_end(w);
    }
}

int cmd_worker(int argc, char **argv)
{
    const char *space_spec = NULL, *datadir = NULL, *evaluator = NULL;
    struct eval_opts eo = {0};
    const struct opt opts[] = {
        {"space", OPT_STR, &space_spec, "SPACE", "the space it evaluates (required)", NULL},
        {"evaluator", OPT_STR, &evaluator, "NAME", "a built-in evaluator (default: the "
                                                   "space's)", NULL},
        {"eval-workers", OPT_INT, &eo.workers, "N", "evaluations at once inside this worker "
                                                    "(default: the CPUs)", NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files", NULL},
        {0},
    };
    char *pos[1];
    int npos;
    struct err e = {0};
    int rc = opts_parse("worker", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("worker", &e);
    if (!space_spec)
        return cmd_usage("worker", "--space", "say which space this worker evaluates");
    if (eo.workers < 0)
        return cmd_usage("worker", "--eval-workers", "must be at least 1");
    if (evaluator && external_is_command(evaluator))
        return cmd_usage("worker", "--evaluator", "a worker runs a built-in evaluator, not "
                         "another worker");
    struct space *sp = space_open(space_spec, datadir, &e);
    if (!sp)
        return cmd_fail("worker", &e);
    struct evaluator *ev = evaluator_open_named(evaluator, sp, &eo, &e);
    if (!ev) {
        space_close(sp);
        return cmd_fail("worker", &e);
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct worker w = {.loop = &loop, .sp = sp, .ev = ev};
    lines_init(&w.lines, 1 << 20, 0);
    if (uv_guess_handle(0) != UV_NAMED_PIPE || uv_pipe_init(&loop, &w.in, 0) < 0 ||
        uv_pipe_open(&w.in, 0) < 0) {
        evaluator_close(ev);
        space_close(sp);
        uv_loop_close(&loop);
        return cmd_usage("worker", "", "standard input must be a pipe from the collm that "
                         "started it (use 'collm eval -' to evaluate a file)");
    }
    evaluator_attach_loop(ev, &loop);
    w.in.data = &w;
    cJSON *hello = cJSON_CreateObject();
    cJSON_AddStringToObject(hello, "hello", "collm worker " COLLM_VERSION);
    cJSON_AddNumberToObject(hello, "protocol", EXTERNAL_PROTOCOL);
    cJSON_AddStringToObject(hello, "space", sp->id);
    cJSON_AddStringToObject(hello, "evaluator", ev->name);
    cJSON *names = cJSON_AddArrayToObject(hello, "metrics");
    for (int i = 0; i < sp->nmetrics; i++)
        cJSON_AddItemToArray(names, cJSON_CreateString(sp->metrics[i].name));
    put(hello);
    uv_read_start((uv_stream_t *)&w.in, on_alloc, on_read);
    uv_run(&loop, UV_RUN_DEFAULT);
    evaluator_close(ev);
    for (int i = 0; i < 8 && uv_loop_close(&loop) == UV_EBUSY; i++)
        uv_run(&loop, UV_RUN_DEFAULT);
    lines_free(&w.lines);
    space_close(sp);
    return w.bad ? EXIT_USAGE : EXIT_OK;
}
