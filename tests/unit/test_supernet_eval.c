/* The supernet evaluator on libuv's thread pool: the same scores as
 * without a loop, every job off the loop's thread and several at once,
 * forgotten jobs cancelled without a callback, and a damaged checkpoint
 * named. COLLM_EVAL_IMAGES=500 keeps the evaluations short. */
#include "testutil.h"

#include <cblas.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <uv.h>

#include "../../engine/core/datadir.h"
#include "../../engine/core/rng.h"
#include "../../engine/eval/eval.h"
#include "../../engine/eval/supernet_eval.h"
#include "../../engine/spaces/fmnist.h"


#define NARCH 6

static struct space *sp;
static struct arch archs[NARCH];


static void decode(const char *text, struct arch *a)
{
    struct err e;
    if (space_decode(sp, text, a, &e) < 0)
        fail_msg("%s: %s: %s", text, e.where, e.msg);
}

static int setup(void **state)
{
    (void)state;
    setenv(SUPERNET_EVAL_IMAGES_ENV, "500", 1);
    struct err e;
    if (!(sp = space_open("fmnist-supernet", NULL, &e))) {
        fprintf(stderr, "%s: %s\n", e.where, e.msg);
        return -1;
    }
    /* the largest, the smallest and 4 sampled */
    decode("{\"r\":28,\"d\":[4,4],\"ks\":[7,7,7,7,7,7,7,7],\"e\":[6,6,6,6,6,6,6,6]}", &archs[0]);
    decode("{\"r\":20,\"d\":[2,2],\"ks\":[3,3,0,0,3,3,0,0],\"e\":[3,3,0,0,3,3,0,0]}", &archs[1]);
    struct rng r;
    rng_seed(&r, 11);
    for (int i = 2; i < NARCH; i++)
        space_sample(sp, &r, &archs[i]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    space_close(sp);
    return 0;
}

static void job_of(int id, const struct arch *a, struct eval_job *job)
{
    struct err e;
    *job = (struct eval_job){.id = id, .arch = *a};
    assert_int_equal(space_cost(sp, a, job->m, &e), 0);
}

struct sink {
    int got[NARCH + 8];
    struct eval_result r[NARCH + 8];
    int calls, on_loop, order[NARCH + 8];
    uv_thread_t loop_thread;
};

static void on_done(void *ud, const struct eval_result *r)
{
    struct sink *s = ud;
    assert_true(r->id >= 0 && r->id < NARCH + 8);
    s->got[r->id]++;
    s->r[r->id] = *r;
    s->order[s->calls++] = r->id;
    uv_thread_t self = uv_thread_self();
    s->on_loop += uv_thread_equal(&self, &s->loop_thread);
}

static int expected_capacity(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *v = getenv("UV_THREADPOOL_SIZE");
    int pool = v && *v ? atoi(v) : 4;
    if (pool < 1)
        pool = 1;
    return cpus < 1 ? 1 : cpus < pool ? (int)cpus : pool;
}

/* (a) and (b): without a loop and on one, the same metrics to the bit;
 * on the loop every job runs on a pool thread, several at once, and every
 * result arrives on the loop's thread. */
static void the_pool_changes_nothing_but_where(void **state)
{
    (void)state;
    struct err e;
    struct evaluator *ev = evaluator_open(sp, &e);
    if (!ev)
        fail_msg("%s: %s", e.where, e.msg);
    assert_int_equal(ev->capacity, 1);
    struct sink sync = {.loop_thread = uv_thread_self()};
    for (int i = 0; i < NARCH; i++) {
        struct eval_job job;
        job_of(i, &archs[i], &job);
        assert_int_equal(evaluator_submit(ev, &job, on_done, &sync), 0);
        assert_int_equal(sync.got[i], 1); /* before submit returned */
        assert_true(sync.r[i].ok);
        assert_true(sync.r[i].m[FM_M_VALID] > 50 && sync.r[i].m[FM_M_VALID] <= 100);
        assert_true(sync.r[i].m[FM_M_TEST] > 50 && sync.r[i].m[FM_M_TEST] <= 100);
        /* 500 images: a multiple of 0.2% */
        double k = sync.r[i].m[FM_M_VALID] * 5;
        assert_true(fabs(k - round(k)) < 1e-9);
    }
    assert_int_equal(ev->batches, 0);

    int blas0 = openblas_get_num_threads();
    uv_loop_t loop;
    uv_loop_init(&loop);
    evaluator_attach_loop(ev, &loop);
    assert_int_equal(ev->capacity, expected_capacity());
    assert_int_equal(openblas_get_num_threads(), 1); /* N workers x 1 BLAS thread */
    struct sink async = {.loop_thread = uv_thread_self()};
    for (int i = 0; i < NARCH; i++) { /* more than capacity: the rest wait their turn */
        struct eval_job job;
        job_of(i, &archs[i], &job);
        assert_int_equal(evaluator_submit(ev, &job, on_done, &async), 0);
    }
    assert_int_equal(async.calls, 0); /* only queued */
    evaluator_flush(ev);
    assert_int_equal(async.calls, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(async.calls, NARCH);
    assert_int_equal(async.on_loop, NARCH);
    for (int i = 0; i < NARCH; i++) {
        assert_int_equal(async.order[i], i); /* in the order submitted, whatever ended first */
        assert_int_equal(async.got[i], 1);
        assert_true(async.r[i].ok);
        for (int m = 0; m < sp->nmetrics; m++)
            if (async.r[i].m[m] != sync.r[i].m[m])
                fail_msg("arch %d, %s: %.17g on the loop, %.17g without", i,
                         sp->metrics[m].name, async.r[i].m[m], sync.r[i].m[m]);
    }
    assert_int_equal(ev->batches, NARCH);
    assert_int_equal(ev->off_loop_batches, NARCH);
    if (ev->capacity >= 2)
        assert_true(ev->largest_batch >= 2);
    assert_true(ev->largest_batch <= ev->capacity);
    evaluator_close(ev);
    assert_int_equal(openblas_get_num_threads(), blas0); /* restored */
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* (c): forget(A) drops A's queued job and cancels its running one, which
 * stops at its next batch while B's goes on; closing then cancels B's.
 * No callback either way. Full sets here, so that an evaluation is long
 * (seconds) next to one batch. */
static void forgotten_and_closed_jobs_are_cancelled(void **state)
{
    (void)state;
    unsetenv(SUPERNET_EVAL_IMAGES_ENV);
    struct err e;
    struct evaluator *ev = evaluator_open(sp, &e);
    setenv(SUPERNET_EVAL_IMAGES_ENV, "500", 1);
    if (!ev)
        fail_msg("%s: %s", e.where, e.msg);
    int blas0 = openblas_get_num_threads();
    uv_loop_t loop;
    uv_loop_init(&loop);
    evaluator_attach_loop(ev, &loop);
    struct sink a = {.loop_thread = uv_thread_self()}, b = a;
    struct eval_job job;
    job_of(0, &archs[0], &job);
    assert_int_equal(evaluator_submit(ev, &job, on_done, &a), 0); /* running */
    job_of(1, &archs[0], &job);
    assert_int_equal(evaluator_submit(ev, &job, on_done, &b), 0); /* running, if 2 slots */
    for (int i = 2; i < ev->capacity + 1; i++) { /* the others busy, one queued */
        job_of(i, &archs[0], &job);
        assert_int_equal(evaluator_submit(ev, &job, on_done, i % 2 ? &b : &a), 0);
    }
    job_of(NARCH + 1, &archs[0], &job);
    assert_int_equal(evaluator_submit(ev, &job, on_done, &a), 0); /* queued */
    evaluator_flush(ev);
    uv_sleep(300); /* the pool threads are inside the evaluations now */
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(a.calls + b.calls, 0);

    evaluator_forget(ev, &a);
    while (ev->batches == 0) /* A's worker is out */
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(ev->batches, 1);
    /* it stopped at a batch boundary, not at the end of its work (how soon
     * is a matter of the machine's load, never asserted) */
    assert_int_equal(ev->stopped, 1);

    evaluator_close(ev); /* cancels B's, waits for its worker */
    assert_int_equal(a.calls, 0);
    assert_int_equal(b.calls, 0);
    assert_int_equal(openblas_get_num_threads(), blas0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(a.calls + b.calls, 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* (d): a truncated checkpoint is refused, naming the file. */
static void a_damaged_checkpoint_is_named(void **state)
{
    (void)state;
    char dir[] = "/tmp/collm-test-snev-XXXXXX", src[4200], dst[4200];
    assert_non_null(mkdtemp(dir));
    datadir_path(NULL, SUPERNET_CKPT, src, sizeof src);
    snprintf(dst, sizeof dst, "%s/%s", dir, SUPERNET_CKPT);
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    assert_non_null(in);
    assert_non_null(out);
    static char buf[1 << 16];
    size_t got = fread(buf, 1, sizeof buf, in); /* the first 64 KiB of ~860 */
    assert_true(got == sizeof buf);
    assert_int_equal(fwrite(buf, 1, got / 2, out), got / 2);
    fclose(in);
    fclose(out);
    struct err e;
    struct space *s = space_open("fmnist-supernet", dir, &e);
    assert_non_null(s);
    struct evaluator *ev = evaluator_open(s, &e);
    assert_null(ev);
    char msg[1024];
    err_str(&e, msg, sizeof msg);
    if (!strstr(msg, dst))
        fail_msg("the error does not name %s: %s", dst, msg);
    space_close(s);
    /* and a missing one */
    remove(dst);
    s = space_open("fmnist-supernet", dir, &e);
    assert_null(evaluator_open(s, &e));
    err_str(&e, msg, sizeof msg);
    if (!strstr(msg, dst))
        fail_msg("the error does not name %s: %s", dst, msg);
    space_close(s);
    rmdir(dir);
}

/* COLLM_EVAL_IMAGES that is not a count of at least 100 is refused when
 * the evaluator opens, naming the variable; empty means all images. */
static void a_bad_image_count_is_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"99", "0", "-500", "abc", "500x", " 500", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv(SUPERNET_EVAL_IMAGES_ENV, bad[i], 1);
        struct err e;
        struct evaluator *ev = evaluator_open(sp, &e);
        if (ev)
            fail_msg("COLLM_EVAL_IMAGES='%s' was accepted", bad[i]);
        assert_string_equal(e.where, SUPERNET_EVAL_IMAGES_ENV);
        assert_true(e.usage);
        assert_non_null(strstr(e.msg, bad[i]));
    }
    setenv(SUPERNET_EVAL_IMAGES_ENV, "500", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_pool_changes_nothing_but_where),
        cmocka_unit_test(forgotten_and_closed_jobs_are_cancelled),
        cmocka_unit_test(a_damaged_checkpoint_is_named),
        cmocka_unit_test(a_bad_image_count_is_refused),
    };
    return cmocka_run_group_tests_name("supernet_eval", tests, setup, teardown);
}
