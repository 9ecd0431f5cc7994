/* Evaluation requests on the supernet (engine/eval/eval.h): each callback
 * exactly once, with ok, failed (and why) or cancelled; a queued job
 * dropped at once, a running one stopped within a batch; progress in
 * order with its phases; a close with work in flight that needs no one to
 * spin the loop; and the Coordinator on top: the same records on a loop
 * and without one, and a stop that does not wait for the evaluations. */
#include "testutil.h"

#include <time.h>
#include <uv.h>

#include "../../engine/core/rng.h"
#include "../../engine/eval/eval.h"
#include "../../engine/eval/supernet_eval.h"
#include "../../engine/search/search.h"
#include "../../engine/spaces/fmnist.h"


static struct space *sp;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int setup(void **state)
{
    (void)state;
    setenv(SUPERNET_EVAL_IMAGES_ENV, "500", 1);
    struct err e;
    return (sp = space_open("fmnist-supernet", NULL, &e)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    space_close(sp);
    return 0;
}

/* The largest subnet: the longest evaluation. */
static void largest(struct eval_job *job, int id)
{
    struct err e;
    *job = (struct eval_job){.id = id};
    assert_int_equal(space_decode(sp, "{\"r\":28,\"d\":[4,4],\"ks\":[7,7,7,7,7,7,7,7],"
                                      "\"e\":[6,6,6,6,6,6,6,6]}", &job->arch, &e), 0);
    assert_int_equal(space_cost(sp, &job->arch, job->m, &e), 0);
}

#define MAXP 512
struct probe {
    struct eval_req req;
    int calls;
    double t_done;
    int np;
    enum eval_phase ph[MAXP];
    long done[MAXP], total[MAXP];
    int progress_after_done;
};

static void on_done(struct eval_req *req)
{
    struct probe *p = req->data;
    p->calls++;
    p->t_done = now_s();
}

static void on_progress(struct eval_req *req, enum eval_phase ph, long done, long total)
{
    struct probe *p = req->data;
    p->progress_after_done |= p->calls > 0;
    if (p->np < MAXP) {
        p->ph[p->np] = ph;
        p->done[p->np] = done;
        p->total[p->np] = total;
        p->np++;
    }
}

static void probe_init(struct probe *p, int id)
{
    memset(p, 0, sizeof *p);
    p->req.data = p;
    p->req.progress = on_progress;
    largest(&p->req.job, id);
}

static struct evaluator *open_long(uv_loop_t *loop)
{
    setenv(SUPERNET_EVAL_IMAGES_ENV, "800", 1); /* 8 + 8 scoring batches of the largest */
    struct err e;
    struct evaluator *ev = evaluator_open(sp, &e);
    setenv(SUPERNET_EVAL_IMAGES_ENV, "500", 1);
    if (!ev)
        fail_msg("%s: %s", e.where, e.msg);
    evaluator_attach_loop(ev, loop);
    return ev;
}

/* Scoring has begun (or the job is over, which the caller checks). */
static int scoring(const struct probe *p)
{
    return p->calls || (p->np > 0 && p->ph[p->np - 1] >= PHASE_VALIDATING);
}

/* Queued: dropped before eval_cancel returns. Running: stopped within a
 * scoring batch (100 images), answered once, cancelled. */
static void cancel_queued_and_running(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct evaluator *ev = open_long(&loop);
    int w = ev->capacity;
    struct probe *p = calloc((size_t)w + 1, sizeof *p);
    for (int i = 0; i <= w; i++) {
        probe_init(&p[i], i + 1);
        assert_int_equal(eval_submit(ev, &p[i].req, on_done), 0);
    }
    evaluator_flush(ev);
    assert_int_equal(eval_cancel(&p[w].req), 0); /* the one left waiting */
    assert_int_equal(p[w].calls, 1);
    assert_int_equal(p[w].req.status, EVAL_CANCELLED);
    assert_int_equal(eval_cancel(&p[w].req), -1); /* answered: nothing to cancel */

    while (!scoring(&p[0])) /* between scoring batches now */
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(p[0].calls, 0);
    double t0 = now_s();
    /* the other workers' jobs may be done by now (a loaded machine gives
     * the workers uneven shares): an answered one has nothing to cancel */
    int *done = calloc((size_t)w, sizeof *done);
    for (int i = 0; i < w; i++) {
        done[i] = p[i].calls;
        assert_int_equal(eval_cancel(&p[i].req), done[i] ? -1 : 0);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    for (int i = 0; i < w; i++) {
        assert_int_equal(p[i].calls, 1);
        assert_int_equal(p[i].req.status, done[i] ? EVAL_OK : EVAL_CANCELLED);
        if (done[i])
            continue;
        double took = p[i].t_done - t0;
        /* for the reader: tens of ms on a quiet machine (never asserted:
         * the machine is shared) */
        print_message("cancelled job %d answered after %.0f ms\n", i + 1, took * 1000);
    }
    assert_int_equal(p[w].calls, 1);
    assert_int_equal(done[0], 0); /* the one waited on was cancelled running */
    free(done);
    evaluator_close(ev);
    assert_int_equal(uv_loop_close(&loop), 0);
    free(p);
}

/* Reports come in order (phase by phase, images going up), all before the
 * answer, and end with every image of the last phase. */
static void progress_in_order_with_phases(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    struct evaluator *ev = evaluator_open(sp, &e);
    assert_non_null(ev);
    evaluator_attach_loop(ev, &loop);
    struct probe p;
    probe_init(&p, 1);
    assert_int_equal(eval_submit(ev, &p.req, on_done), 0);
    evaluator_flush(ev);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.req.status, EVAL_OK);
    assert_false(p.progress_after_done);
    assert_true(p.np >= 3);
    int seen[PHASE__COUNT] = {0};
    for (int i = 0; i < p.np; i++) {
        seen[p.ph[i]] = 1;
        assert_true(p.done[i] <= p.total[i]);
        if (i > 0) {
            assert_true(p.ph[i] >= p.ph[i - 1]);
            if (p.ph[i] == p.ph[i - 1])
                assert_true(p.done[i] >= p.done[i - 1]);
        }
    }
    for (int k = 0; k < PHASE__COUNT; k++)
        assert_true(seen[k]);
    assert_int_equal(p.ph[p.np - 1], PHASE_TESTING);
    assert_int_equal(p.done[p.np - 1], 500);
    evaluator_close(ev);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* Closing with jobs running returns at once; the workers' completions
 * free what they used; nothing is answered after the close. */
static void close_with_work_in_flight(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct evaluator *ev = open_long(&loop);
    struct probe a, b;
    probe_init(&a, 1);
    probe_init(&b, 2);
    assert_int_equal(eval_submit(ev, &a.req, on_done), 0);
    assert_int_equal(eval_submit(ev, &b.req, on_done), 0);
    evaluator_flush(ev);
    while (!scoring(&a))
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(a.calls, 0);
    evaluator_close(ev);
    /* no waiting inside: the workers are still out, their completions keep
     * the loop alive until they come back */
    assert_true(uv_loop_alive(&loop));
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(a.calls + b.calls, 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* What the worker refuses is a failed evaluation, with its reason. */
static void a_worker_error_is_a_failed_evaluation(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    struct evaluator *ev = evaluator_open(sp, &e);
    evaluator_attach_loop(ev, &loop);
    struct probe p;
    probe_init(&p, 1);
    p.req.job.arch.v[FM_DIM_R] = 9; /* no such resolution */
    assert_int_equal(eval_submit(ev, &p.req, on_done), 0);
    evaluator_flush(ev);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.req.status, EVAL_FAILED);
    assert_false(p.req.result.ok);
    assert_non_null(strstr(p.req.result.error, "not a subnet of the supernet"));
    evaluator_close(ev);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- the Coordinator ------------------------------------------------------ */

struct seen {
    int progress, plain_progress;
};

static void all_listener(void *ud, const struct event *ev, const struct state *st)
{
    struct seen *s = ud;
    if (ev->type == EV_EVAL_PROGRESS) {
        s->progress++;
        assert_int_equal(ev->seq, 0);
        const struct cand *c = state_cand(st, ev->id);
        assert_non_null(c);
        assert_int_equal(c->eval_done, ev->images_done); /* the reducer has it */
    }
}

static void plain_listener(void *ud, const struct event *ev, const struct state *st)
{
    (void)st;
    struct seen *s = ud;
    s->plain_progress += ev->type == EV_EVAL_PROGRESS;
}

static struct search *search_on(struct evaluator *ev, struct proposer **p, int budget)
{
    struct err e;
    *p = proposer_open("random", sp, 5, NULL, &e);
    assert_non_null(*p);
    struct search_config cfg = {.algo = "random", .seed = 5, .budget = budget};
    struct search *s = search_new(&cfg, sp, ev, *p, &e);
    assert_non_null(s);
    return s;
}

static void same_records_on_a_loop_and_without(void **state)
{
    (void)state;
    setenv(SUPERNET_EVAL_IMAGES_ENV, "100", 1);
    struct err e;
    struct evaluator *e1 = evaluator_open(sp, &e), *e2 = evaluator_open(sp, &e);
    struct proposer *p1, *p2;
    struct search *s1 = search_on(e1, &p1, 6), *s2 = search_on(e2, &p2, 6);
    search_start(s1);
    assert_true(search_done(s1));
    uv_loop_t loop;
    uv_loop_init(&loop);
    search_attach_loop(s2, &loop);
    struct seen seen = {0};
    search_listen_all(s2, all_listener, &seen);
    search_listen(s2, plain_listener, &seen);
    search_start(s2);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_true(search_done(s2));
    const struct state *a = search_state(s1), *b = search_state(s2);
    assert_int_equal(a->nrec, 6);
    assert_int_equal(a->nrec, b->nrec);
    for (size_t i = 0; i < a->nrec; i++) {
        assert_true(arch_eq(&a->rec[i].arch, &b->rec[i].arch));
        assert_memory_equal(a->rec[i].m, b->rec[i].m, sizeof a->rec[i].m);
    }
    assert_true(seen.progress > 0);
    assert_int_equal(seen.plain_progress, 0); /* transient: not for the journal */
    search_free(s1);
    search_free(s2);
    proposer_close(p1);
    proposer_close(p2);
    evaluator_close(e1);
    evaluator_close(e2);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    setenv(SUPERNET_EVAL_IMAGES_ENV, "500", 1);
}

static void on_stop_timer(uv_timer_t *t)
{
    search_stop(t->data, END_USER, "stopped by the test");
}

/* A stop during full-set evaluations ends the search at once; what was
 * running is not recorded. */
static void stop_during_evaluation_ends_promptly(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    unsetenv(SUPERNET_EVAL_IMAGES_ENV);
    struct err e;
    struct evaluator *ev = evaluator_open(sp, &e);
    setenv(SUPERNET_EVAL_IMAGES_ENV, "500", 1);
    assert_non_null(ev);
    struct proposer *p;
    struct search *s = search_on(ev, &p, 10);
    search_attach_loop(s, &loop);
    struct seen seen = {0};
    search_listen_all(s, all_listener, &seen);
    uv_timer_t t;
    uv_timer_init(&loop, &t);
    t.data = s;
    search_start(s);
    while (seen.progress == 0 && !search_done(s))
        uv_run(&loop, UV_RUN_ONCE);
    assert_true(search_state(s)->in_flight > 0);
    uv_timer_start(&t, on_stop_timer, 1, 0);
    double t0 = now_s();
    while (!search_done(s))
        uv_run(&loop, UV_RUN_ONCE);
    double took = now_s() - t0;
    print_message("the search ended %.0f ms after the stop\n", took * 1000); /* not asserted */
    const struct state *st = search_state(s);
    assert_int_equal(st->end, END_USER);
    assert_int_equal(st->nrec, 0); /* cancelled, not evaluated */
    uv_close((uv_handle_t *)&t, NULL);
    search_free(s);
    proposer_close(p);
    evaluator_close(ev);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* The header records the evaluator; older sessions have none (NULL: the
 * space's default), and the registry picks the first row that serves. */
static void the_session_header_records_the_evaluator(void **state)
{
    (void)state;
    struct session_info info = {.version = 1, .program = "collm", .space = "fmnist-supernet",
                                .algo = "random", .constraint = "", .navigator = "",
                                .generator = "", .evaluator = "fmnist-supernet", .budget = 5};
    info.nmetrics = sp->nmetrics;
    info.objective = sp->objective;
    info.report = sp->report;
    memcpy(info.metrics, sp->metrics, sizeof(struct metric_def) * (size_t)sp->nmetrics);
    struct event ev = {.type = EV_SESSION_STARTED, .seq = 1, .info = &info};
    char *line = event_to_json(&ev, NULL, 0);
    assert_non_null(strstr(line, "\"evaluator\":\"fmnist-supernet\""));
    struct event back;
    struct err e = {0};
    if (event_from_json(line, &back, NULL, &e) < 0)
        fail_msg("%s: %s", e.where, e.msg);
    assert_string_equal(back.info->evaluator, "fmnist-supernet");
    event_free(&back);
    free(line);
    info.evaluator = NULL;
    line = event_to_json(&ev, NULL, 0);
    assert_null(strstr(line, "evaluator"));
    assert_int_equal(event_from_json(line, &back, NULL, &e), 0);
    assert_null(back.info->evaluator);
    event_free(&back);
    free(line);
    assert_string_equal(evaluator_default(sp)->name, "fmnist-supernet");
    assert_null(evaluator_open_named("nb201-table", sp, NULL, &e));
    assert_string_equal(e.where, "--evaluator");
}

/* A running job polls its cancel flag inside the forward pass, layer by
 * layer, not only between batches: cancelled at points spread over the
 * first recalibration batch of the largest subnet (200 images, up to a
 * second on a loaded machine), it answers cancelled, once. How soon is
 * printed (15-97 ms measured at load 6-8), never asserted: the machine is
 * shared. */
static void cancel_inside_a_recalibration_batch(void **state)
{
    (void)state;
    static const int delay_ms[] = {0, 15, 30, 45, 60, 90};
    for (size_t k = 0; k < sizeof delay_ms / sizeof *delay_ms; k++) {
        uv_loop_t loop;
        uv_loop_init(&loop);
        struct evaluator *ev = open_long(&loop);
        struct probe p;
        probe_init(&p, 1);
        assert_int_equal(eval_submit(ev, &p.req, on_done), 0);
        evaluator_flush(ev);
        while (p.np == 0 && !p.calls) /* the worker has begun recalibrating */
            uv_run(&loop, UV_RUN_ONCE);
        assert_int_equal(p.ph[0], PHASE_RECALIBRATING);
        struct timespec d = {0, delay_ms[k] * 1000000L};
        nanosleep(&d, NULL);
        double t0 = now_s();
        assert_int_equal(eval_cancel(&p.req), 0);
        uv_run(&loop, UV_RUN_DEFAULT);
        double took = p.t_done - t0;
        assert_int_equal(p.calls, 1);
        assert_int_equal(p.req.status, EVAL_CANCELLED);
        print_message("cancelled %d ms into recalibration: answered after %.1f ms\n",
                      delay_ms[k], took * 1000);
        evaluator_close(ev);
        uv_run(&loop, UV_RUN_DEFAULT);
        assert_int_equal(uv_loop_close(&loop), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancel_queued_and_running),
        cmocka_unit_test(progress_in_order_with_phases),
        cmocka_unit_test(close_with_work_in_flight),
        cmocka_unit_test(cancel_inside_a_recalibration_batch),
        cmocka_unit_test(a_worker_error_is_a_failed_evaluation),
        cmocka_unit_test(same_records_on_a_loop_and_without),
        cmocka_unit_test(stop_during_evaluation_ends_promptly),
        cmocka_unit_test(the_session_header_records_the_evaluator),
    };
    return cmocka_run_group_tests_name("eval_req", tests, setup, teardown);
}
