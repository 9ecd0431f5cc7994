/* The OFA MobileNetV3 space and OFA's accuracy predictor, against the 300
 * random and 4 named test vectors of data/ofa (PyTorch float32 results). */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>

#include "../../engine/core/datadir.h"
#include "../../engine/core/sha256.h"
#include "../../engine/eval/eval.h"
#include "../../engine/eval/ofa_predictor.h"
#include "../../engine/spaces/ofa.h"

static struct space *sp;
static struct ofa_predictor pred;

static int setup(void **state)
{
    (void)state;
    struct err e;
    sp = space_open("ofa-mbv3", NULL, &e);
    if (!sp || ofa_predictor_load(&pred, NULL, &e) < 0) {
        fprintf(stderr, "%s: %s\n", e.where, e.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ofa_predictor_free(&pred);
    space_close(sp);
    return 0;
}

/* An arch from lists of ks, e, d and r. */
static void make(struct arch *a, const int *ks, const int *e, const int *d, int r)
{
    char text[1024];
    size_t off = (size_t)snprintf(text, sizeof text, "{\"ks\":[");
    for (int i = 0; i < 20; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "%s%d", i ? "," : "", ks[i]);
    off += (size_t)snprintf(text + off, sizeof text - off, "],\"e\":[");
    for (int i = 0; i < 20; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "%s%d", i ? "," : "", e[i]);
    off += (size_t)snprintf(text + off, sizeof text - off, "],\"d\":[");
    for (int i = 0; i < 5; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "%s%d", i ? "," : "", d[i]);
    snprintf(text + off, sizeof text - off, "],\"r\":%d}", r);
    struct err err;
    if (space_decode(sp, text, a, &err) < 0)
        fail_msg("%s: %s: %s", text, err.where, err.msg);
}

static void random_300_match_pytorch(void **state)
{
    (void)state;
    char path[4200];
    FILE *f = fopen(datadir_path(NULL, "ofa/test_vectors_random300.csv", path, sizeof path), "r");
    assert_non_null(f);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    int n = 0;
    float *x = malloc(300 * OFA_FEATURES * sizeof *x), *out = malloc(300 * sizeof *out);
    float *scratch = malloc(2 * 300 * OFA_HIDDEN * sizeof *scratch);
    double want[300], lat[300], flops[300];
    struct arch arch[300];
    while (fgets(line, sizeof line, f) && n < 300) {
        int v[47];
        double acc, acc64, ms, mf;
        char *p = line;
        for (int i = 0; i < 47; i++)
            v[i] = (int)strtol(p, &p, 10), p++;
        acc = strtod(p, &p), p++;
        acc64 = strtod(p, &p), p++;
        ms = strtod(p, &p), p++;
        mf = strtod(p, &p);
        (void)acc64;
        /* id, r, d0..d4, ks0..ks19, e0..e19 */
        make(&arch[n], v + 7, v + 27, v + 2, v[1]);
        want[n] = acc;
        lat[n] = ms;
        flops[n] = mf;
        ofa_features(&arch[n], x + (size_t)n * OFA_FEATURES);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 300);
    ofa_predict(&pred, x, n, out, scratch); /* one batch of 300 */
    double worst = 0;
    for (int i = 0; i < n; i++) {
        worst = fmax(worst, fabs(out[i] - want[i]));
        double m[3] = {0};
        struct err e;
        assert_int_equal(space_cost(sp, &arch[i], m, &e), 0);
        assert_float_equal(m[1], flops[i], 1e-6);
        assert_float_equal(m[2], lat[i], 1e-5);
    }
    if (worst > 1e-5)
        fail_msg("largest difference from PyTorch: %g", worst);
    /* the same one at a time */
    for (int i = 0; i < 10; i++) {
        float one;
        ofa_predict(&pred, x + (size_t)i * OFA_FEATURES, 1, &one, scratch);
        assert_float_equal(one, out[i], 1e-6);
    }
    free(x);
    free(out);
    free(scratch);
}

static void named_vectors_and_the_tutorial_result(void **state)
{
    (void)state;
    char path[4200];
    FILE *f = fopen(datadir_path(NULL, "ofa/test_vectors.json", path, sizeof path), "r");
    assert_non_null(f);
    static char buf[65536];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = '\0';
    fclose(f);
    struct evaluator *ev;
    struct err e;
    assert_non_null(ev = evaluator_open(sp, &e));
    /* the evaluator's answer for each named vector (name, acc %, note10, mflops) */
    static const struct {
        const char *name;
        double acc, ms, mf;
    } want[] = {{"largest", 83.5927784, 92.398, 843.101},
                {"smallest", 75.3118634, 9.890, 100.321},
                {"tutorial_note10_25ms", 81.7128539, 24.730, 264.009},
                {"mixed_seed2024", 81.5545678, 42.789, 425.136}};
    for (size_t k = 0; k < 4; k++) {
        char *at = strstr(buf, want[k].name);
        assert_non_null(at);
        int ks[20], ex[20], d[5], r;
        char *p = strstr(at, "\"ks\"");
        for (int i = 0; i < 20; i++)
            ks[i] = (int)strtol(strpbrk(p, "0123456789"), &p, 10);
        p = strstr(p, "\"e\"");
        for (int i = 0; i < 20; i++)
            ex[i] = (int)strtol(strpbrk(p, "0123456789"), &p, 10);
        p = strstr(p, "\"d\"");
        for (int i = 0; i < 5; i++)
            d[i] = (int)strtol(strpbrk(p, "0123456789"), &p, 10);
        p = strstr(p, "\"image_size\"");
        r = (int)strtol(strpbrk(p, "0123456789"), NULL, 10);
        struct eval_job job = {.id = 1};
        make(&job.arch, ks, ex, d, r);
        space_cost(sp, &job.arch, job.m, &e);
        struct eval_result res;
        void on(void *ud, const struct eval_result *rr);
        evaluator_submit(ev, &job, on, &res);
        assert_float_equal(res.m[0], want[k].acc, 1e-4);
        assert_float_equal(res.m[2], want[k].ms, 1e-3);
        assert_float_equal(res.m[1], want[k].mf, 1e-3);
    }
    evaluator_close(ev);
}

void on(void *ud, const struct eval_result *rr)
{
    *(struct eval_result *)ud = *rr;
}

static void the_codec_masks_inactive_blocks_and_names_errors(void **state)
{
    (void)state;
    struct arch a, b;
    struct err e;
    const char *one = "{\"ks\":[3,5,7,7,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"
                      "\"e\":[3,4,6,6,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],\"d\":[2,2,2,2,2],\"r\":160}";
    const char *two = "{\"r\":160,\"d\":[2,2,2,2,2],\"ks\":[3,5,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],"
                      "\"e\":[3,4,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0]}";
    assert_int_equal(space_decode(sp, one, &a, &e), 0);
    assert_int_equal(space_decode(sp, two, &b, &e), 0);
    assert_true(arch_eq(&a, &b)); /* one network, two spellings */
    char ca[1024], cb[1024];
    space_encode(sp, &a, ca, sizeof ca);
    space_encode(sp, &b, cb, sizeof cb);
    assert_string_equal(ca, cb);
    assert_non_null(strstr(ca, "\"ks\":[3,5,0,0,"));
    struct { const char *text, *where, *msg; } bad[] = {
        {"ks=3", "character 1", "expected a JSON object"},
        {"{\"ks\":[3],\"e\":[],\"d\":[2,2,2,2,2],\"r\":160}", "ks", "a list of 20 values"},
        {"{\"ks\":[4,5,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"e\":[3,4,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"d\":[2,2,2,2,2],\"r\":160}",
         "ks[0]", "4 is not one of 3, 5 or 7"},
        {"{\"ks\":[3,5,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"e\":[3,4,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"d\":[2,5,2,2,2],\"r\":160}",
         "d[1]", "5 is not one of 2, 3 or 4"},
        {"{\"ks\":[3,5,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"e\":[3,4,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"d\":[2,3,2,2,2],\"r\":160}",
         "ks[6]", "block 6 is active"},
        {"{\"ks\":[3,5,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"e\":[3,4,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"d\":[2,2,2,2,2],\"r\":150}",
         "r", "160, 176, 192, 208 or 224"},
        /* a resolution is a whole number, as every other field (it was read as 160) */
        {"{\"ks\":[3,5,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"e\":[3,4,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"d\":[2,2,2,2,2],\"r\":160.9}",
         "r", "160, 176, 192, 208 or 224"},
        /* beyond an int: refused, not converted (undefined behaviour) */
        {"{\"ks\":[3,3214748364,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"e\":[3,4,0,0,3,3,0,0,3,3,0,0,3,3,0,0,3,3,0,0],\"d\":[2,2,2,2,2],\"r\":1e30}",
         "ks[1]", "expected a whole number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(space_decode(sp, bad[i].text, &a, &e), -1);
        if (strcmp(e.where, bad[i].where) || !strstr(e.msg, bad[i].msg))
            fail_msg("%s -> %s: %s", bad[i].text, e.where, e.msg);
    }
}

static void moves_stay_canonical_and_change_the_network(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 5);
    for (int t = 0; t < 200; t++) {
        struct arch a, b, c;
        space_sample(sp, &r, &a);
        c = a;
        space_canonical(sp, &c);
        assert_true(arch_eq(&a, &c));
        space_mutate(sp, &r, &a, &b);
        assert_false(arch_eq(&a, &b));
        c = b;
        space_canonical(sp, &c);
        assert_true(arch_eq(&b, &c));
    }
    struct arch a, nb[512];
    space_sample(sp, &r, &a);
    int n = space_neighbours(sp, &a, nb, 512);
    assert_true(n > 40);
    for (int i = 0; i < n; i++) {
        assert_false(arch_eq(&nb[i], &a));
        for (int j = 0; j < i; j++)
            assert_false(arch_eq(&nb[i], &nb[j]));
    }
}

static void a_damaged_weights_file_is_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/collm-ofa-XXXXXX", sub[256], path[512], src[4200];
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/ofa", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/ofa/acc_predictor", dir);
    mkdir(sub, 0755);
    snprintf(path, sizeof path, "%s/weights_f32le.bin", sub);
    FILE *in = fopen(datadir_path(NULL, "ofa/acc_predictor/weights_f32le.bin", src, sizeof src), "rb");
    FILE *out = fopen(path, "wb");
    static char buf[1491204];
    size_t n = fread(buf, 1, sizeof buf, in);
    buf[1000] ^= 1; /* one bit */
    fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    struct ofa_predictor p;
    struct err e;
    assert_int_equal(ofa_predictor_load(&p, dir, &e), -1);
    assert_non_null(strstr(e.msg, "sha256"));
    out = fopen(path, "wb"); /* truncated */
    fwrite(buf, 1, 1000, out);
    fclose(out);
    assert_int_equal(ofa_predictor_load(&p, dir, &e), -1);
    assert_non_null(strstr(e.msg, "truncated"));
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/ofa", dir);
    rmdir(sub);
    rmdir(dir);
    /* the reference digest of a short text, for the checksum itself */
    struct sha256 h;
    char hex[65];
    sha256_init(&h);
    sha256_update(&h, "abc", 3);
    sha256_hex(&h, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#include "../../engine/search/search.h"

/* OFA's evolution: feasible populations, a fixed number of generations,
 * never the same architecture asked twice, and better than its start. */
static void ofa_evolution_runs_its_generations(void **state)
{
    (void)state;
    struct err e;
    struct algo_opts o;
    algo_opts_default(&o);
    o.ea_population = 20;
    o.generations = 8;
    struct proposer *p = proposer_open("ofa-ea", sp, 3, &o, &e);
    assert_non_null(p);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct search_config cfg = {.algo = "ofa-ea", .seed = 3, .budget = 100000};
    constraint_parse(&cfg.cons, "flops<=300", sp->metrics, sp->nmetrics, &e);
    struct search *s = search_new(&cfg, sp, ev, p, &e);
    search_start(s);
    const struct state *st = search_state(s);
    assert_true(st->ended);
    assert_string_equal(st->end_detail, "ofa-ea finished its 8 generations");
    assert_true(st->started > 20 && st->started <= 20 + 8 * 20);
    for (size_t i = 0; i < st->nrec; i++)
        assert_true(st->rec[i].m[1] <= 300);
    double first = -1;
    for (int i = 0; i < 20; i++)
        if (st->rec[i].m[0] > first)
            first = st->rec[i].m[0];
    assert_true(state_best(st)->m[0] > first); /* evolution improved on the start */
    search_free(s);
    proposer_close(p);
    evaluator_close(ev);
}

/* the table rows' short form: resolution, then active blocks per stage */
static void the_brief_shows_active_blocks_per_stage(void **state)
{
    (void)state;
    const char *text = "{\"ks\":[3,5,7,7, 5,5,3,3, 7,7,7,7, 3,3,5,5, 5,7,3,5],"
                       "\"e\":[3,4,6,6, 6,6,3,3, 4,4,4,4, 3,6,3,6, 6,4,3,3],"
                       "\"d\":[2,3,4,2,4],\"r\":176}";
    char buf[256];
    assert_string_equal(space_brief(sp, text, buf, sizeof buf),
                        "176 | 33 54 | 56 56 33 | 74 74 74 74 | 33 36 | 56 74 33 53");
    /* what does not decode is shown as it came */
    assert_string_equal(space_brief(sp, "{\"ks\":1}", buf, sizeof buf), "{\"ks\":1}");
}

/* One search of `algo`, with or without a loop: the records it leaves. */
static struct search *run_ofa(const char *algo, struct evaluator *ev, uv_loop_t *loop,
                              struct proposer **pp)
{
    struct err e;
    struct algo_opts o;
    algo_opts_default(&o);
    o.ea_population = 20;
    o.generations = 6;
    struct proposer *p = proposer_open(algo, sp, 5, &o, &e);
    assert_non_null(p);
    struct search_config cfg = {.algo = algo, .seed = 5, .budget = 120};
    constraint_parse(&cfg.cons, "flops<=350", sp->metrics, sp->nmetrics, &e);
    struct search *s = search_new(&cfg, sp, ev, p, &e);
    assert_non_null(s);
    if (loop)
        search_attach_loop(s, loop);
    search_start(s);
    if (loop)
        uv_run(loop, UV_RUN_DEFAULT);
    *pp = p;
    return s;
}

/* On a loop the predictor runs in batches on the thread pool, and every
 * search finds exactly what it finds without one. */
static void the_thread_pool_changes_nothing_but_where(void **state)
{
    (void)state;
    static const char *const algos[] = {"ofa-ea", "collm", "random"};
    for (int a = 0; a < 3; a++) {
        struct err e;
        struct proposer *p1, *p2;
        struct evaluator *sync = evaluator_open(sp, &e), *async = evaluator_open(sp, &e);
        uv_loop_t loop;
        uv_loop_init(&loop);
        struct search *s1 = run_ofa(algos[a], sync, NULL, &p1);
        struct search *s2 = run_ofa(algos[a], async, &loop, &p2);
        const struct state *x = search_state(s1), *y = search_state(s2);
        assert_true(x->ended && y->ended);
        assert_int_equal(x->nrec, y->nrec);
        assert_true(x->nrec > 50);
        for (size_t i = 0; i < x->nrec; i++) {
            assert_string_equal(x->rec[i].text, y->rec[i].text);
            /* a batch's sgemm may sum in another order: float rounding only */
            assert_true(fabs(x->rec[i].m[0] - y->rec[i].m[0]) < 1e-4);
        }
        assert_int_equal(sync->batches, 0);
        assert_true(async->batches > 0);
        assert_int_equal(async->off_loop_batches, async->batches); /* never on the loop */
        if (strcmp(algos[a], "random") != 0) /* one candidate per proposal there */
            assert_true(async->largest_batch >= 10);
        search_free(s1);
        search_free(s2);
        proposer_close(p1);
        proposer_close(p2);
        uv_run(&loop, UV_RUN_DEFAULT); /* the search's closed handles */
        assert_int_equal(uv_loop_close(&loop), 0);
        evaluator_close(sync);
        evaluator_close(async);
    }
}

/* A search freed while its batch is on the pool is owed nothing after. */
static void a_freed_search_gets_no_late_results(void **state)
{
    (void)state;
    struct err e;
    struct evaluator *ev = evaluator_open(sp, &e);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct algo_opts o;
    algo_opts_default(&o);
    struct proposer *p = proposer_open("ofa-ea", sp, 1, &o, &e);
    struct search_config cfg = {.algo = "ofa-ea", .seed = 1, .budget = 1000};
    struct search *s = search_new(&cfg, sp, ev, p, &e);
    search_attach_loop(s, &loop);
    search_start(s); /* the first population is on the pool now */
    assert_int_equal(search_state(s)->nrec, 0);
    search_free(s);
    proposer_close(p);
    uv_run(&loop, UV_RUN_DEFAULT); /* the batch ends; its results go nowhere */
    assert_int_equal(ev->batches, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
    evaluator_close(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_300_match_pytorch),
        cmocka_unit_test(named_vectors_and_the_tutorial_result),
        cmocka_unit_test(the_codec_masks_inactive_blocks_and_names_errors),
        cmocka_unit_test(moves_stay_canonical_and_change_the_network),
        cmocka_unit_test(a_damaged_weights_file_is_refused),
        cmocka_unit_test(ofa_evolution_runs_its_generations),
        cmocka_unit_test(the_brief_shows_active_blocks_per_stage),
        cmocka_unit_test(the_thread_pool_changes_nothing_but_where),
        cmocka_unit_test(a_freed_search_gets_no_late_results),
    };
    return cmocka_run_group_tests_name("ofa", tests, setup, teardown);
}
