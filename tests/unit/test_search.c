/* Whole searches on the NB201 table through the Coordinator: budgets,
 * determinism, constraints, targets, exhaustion, the protocol, replays. */
#include "testutil.h"

#include <math.h>

#include "../../engine/search/bench.h"
#include "../../engine/search/search.h"

static const char *const algos[] = {"random", "rea", "local"};

#include "search_util.h"

/* ---- tests --------------------------------------------------------------- */

static void budget_is_exact_and_distinct(void **state)
{
    (void)state;
    for (int a = 0; a < 3; a++)
        for (uint64_t seed = 1; seed <= 5; seed++) {
            struct run r;
            const struct state *st = run_all(&r, "nb201:cifar100", algos[a], seed, 100, NULL);
            assert_int_equal(st->started, 100);
            assert_int_equal(st->finished, 100);
            assert_int_equal(st->nrec, 100);
            assert_int_equal(st->visited.len, 100);
            assert_int_equal(st->end, END_BUDGET);
            for (size_t i = 0; i < st->nrec; i++) /* no architecture twice */
                for (size_t j = i + 1; j < st->nrec; j++)
                    assert_false(arch_eq(&st->rec[i].arch, &st->rec[j].arch));
            /* the best is the maximum of what was evaluated */
            const struct record *b = state_best(st);
            for (size_t i = 0; i < st->nrec; i++)
                assert_true(st->rec[i].m[st->info.objective] <= b->m[st->info.objective]);
            run_free(&r);
        }
}

static void same_seed_same_events(void **state)
{
    (void)state;
    for (int a = 0; a < 3; a++) {
        struct run r1, r2, r3;
        run_all(&r1, "nb201:cifar10", algos[a], 7, 60, NULL);
        run_all(&r2, "nb201:cifar10", algos[a], 7, 60, NULL);
        run_all(&r3, "nb201:cifar10", algos[a], 8, 60, NULL);
        assert_int_equal(r1.cap.n, r2.cap.n);
        for (int i = 0; i < r1.cap.n; i++)
            assert_string_equal(r1.cap.lines[i], r2.cap.lines[i]);
        int differ = r1.cap.n != r3.cap.n;
        for (int i = 0; !differ && i < r1.cap.n; i++)
            differ = strcmp(r1.cap.lines[i], r3.cap.lines[i]) != 0;
        assert_true(differ);
        run_free(&r1);
        run_free(&r2);
        run_free(&r3);
    }
}

/* The journal promise: the events alone rebuild the same state. */
static void replaying_events_rebuilds_the_state(void **state)
{
    (void)state;
    for (int a = 0; a < 3; a++) {
        struct run r;
        const struct state *live = run_all(&r, "nb201:imagenet16", algos[a], 3, 80,
                                           "flops<=30");
        struct state re;
        state_init(&re, space_decode_ctx, r.sp, r.sp->front_cost);
        struct session_info *info = NULL;
        for (int i = 0; i < r.cap.n; i++) {
            struct event ev;
            struct err e;
            assert_int_equal(event_from_json(r.cap.lines[i], &ev, info, &e), 0);
            assert_int_equal(state_apply(&re, &ev, &e), 0);
            if (ev.type == EV_SESSION_STARTED)
                info = &re.info;
            event_free(&ev);
        }
        assert_int_equal(re.nrec, live->nrec);
        assert_int_equal(re.best, live->best);
        assert_int_equal(re.best_changed_at, live->best_changed_at);
        assert_int_equal(re.front.n, live->front.n);
        assert_int_equal(re.visited.len, live->visited.len);
        assert_int_equal(re.proposed, live->proposed);
        assert_memory_equal(re.rejected, live->rejected, sizeof re.rejected);
        for (size_t i = 0; i < re.nrec; i++) {
            assert_string_equal(re.rec[i].text, live->rec[i].text);
            assert_memory_equal(re.rec[i].m, live->rec[i].m, sizeof re.rec[i].m);
        }
        assert_true(re.ended);
        state_free(&re);
        run_free(&r);
    }
}

static void constraint_is_respected(void **state)
{
    (void)state;
    for (int a = 0; a < 3; a++) {
        struct run r;
        const struct state *st = run_all(&r, "nb201:cifar10", algos[a], 2, 100,
                                         "flops<=60,params<=0.5");
        int fl = metric_find(st->info.metrics, st->info.nmetrics, "flops");
        int pa = metric_find(st->info.metrics, st->info.nmetrics, "params");
        assert_int_equal(st->nrec, 100);
        for (size_t i = 0; i < st->nrec; i++) {
            assert_true(st->rec[i].m[fl] <= 60);
            assert_true(st->rec[i].m[pa] <= 0.5);
        }
        run_free(&r);
    }
}

/* With a constraint only a few hundred archs satisfy and a larger budget,
 * every algorithm evaluates exactly those and stops as exhausted. */
static void tiny_feasible_set_is_exhausted_exactly(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct constraint c;
    assert_int_equal(constraint_parse(&c, "flops<=12", sp->metrics, sp->nmetrics, &e), 0);
    int feasible = 0;
    for (size_t k = 0; k < sp->size; k++) {
        struct arch x;
        double m[METRIC_MAX];
        space_nth(sp, k, &x);
        assert_int_equal(space_cost(sp, &x, m, &e), 0);
        feasible += constraint_violated(&c, m) < 0;
    }
    assert_in_range(feasible, 100, 3000);
    for (int a = 0; a < 3; a++) {
        struct run r;
        const struct state *st = run_all(&r, "nb201:cifar10", algos[a], 1, 5000, "flops<=12");
        assert_int_equal(st->started, feasible);
        assert_int_equal(st->end, END_EXHAUSTED);
        run_free(&r);
    }
    space_close(sp);
}

static void target_stops_early(void **state)
{
    (void)state;
    struct run r;
    run_start(&r, "nb201:cifar10", "rea", 1, 1000, NULL, NULL);
    search_free(r.s);
    struct search_config cfg = {.algo = "rea", .seed = 1, .budget = 1000, .has_target = 1,
                                .target = 91.0};
    struct err e;
    r.s = search_new(&cfg, r.sp, r.ev, r.p, &e);
    search_start(r.s);
    const struct state *st = search_state(r.s);
    assert_true(st->ended);
    assert_int_equal(st->end, END_TARGET);
    assert_true(state_best(st)->m[st->info.objective] >= 91.0);
    assert_true(st->started < 1000);
    assert_int_equal(st->best_changed_at, st->started); /* stopped right there */
    run_free(&r);
}

/* ---- the protocol: the search never sees the test accuracy --------------- */

struct scrambled {
    struct evaluator base;
    struct evaluator *inner;
};

static void scramble_done(void *ud, const struct eval_result *r)
{
    void **ctx = ud;
    struct eval_result x = *r;
    x.m[1] = -x.m[1] * 3.7 + 11; /* test_acc, metric 1 of nb201 */
    ((eval_done_fn)ctx[0])(ctx[1], &x);
}

static int scramble_submit(struct evaluator *ev, const struct eval_job *job, eval_done_fn done,
                           void *ud)
{
    struct scrambled *s = (struct scrambled *)ev;
    void *ctx[2] = {(void *)done, ud};
    return evaluator_submit(s->inner, job, scramble_done, ctx);
}

static void scramble_destroy(struct evaluator *ev)
{
    struct scrambled *s = (struct scrambled *)ev;
    evaluator_close(s->inner);
    free(s);
}

static const struct evaluator_ops scramble_ops = {.submit = scramble_submit,
                                                  .destroy = scramble_destroy};

static void search_never_sees_the_test_accuracy(void **state)
{
    (void)state;
    for (int a = 0; a < 3; a++) {
        struct run plain, scr;
        run_all(&plain, "nb201:cifar10", algos[a], 4, 100, NULL);
        struct err e;
        struct space *sp = space_open("nb201:cifar10", NULL, &e);
        struct scrambled *s = calloc(1, sizeof *s);
        s->inner = evaluator_open(sp, &e);
        s->base = (struct evaluator){.ops = &scramble_ops, .name = "scrambled", .capacity = 1,
                                     .space = sp};
        run_start(&scr, "nb201:cifar10", algos[a], 4, 100, NULL, &s->base);
        search_start(scr.s);
        const struct state *p = search_state(plain.s), *q = search_state(scr.s);
        assert_int_equal(p->nrec, q->nrec);
        for (size_t i = 0; i < p->nrec; i++) {
            assert_true(arch_eq(&p->rec[i].arch, &q->rec[i].arch));
            assert_true(p->rec[i].m[1] != q->rec[i].m[1]); /* it really was scrambled */
        }
        run_free(&plain);
        run_free(&scr);
        space_close(sp);
    }
}

/* ---- the algorithms do what they say ------------------------------------- */

static int hamming(const struct arch *a, const struct arch *b)
{
    int d = 0;
    for (int i = 0; i < a->n; i++)
        d += a->v[i] != b->v[i];
    return d;
}

static void rea_children_are_one_mutation_from_the_population(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        struct run r;
        const struct state *st = run_all(&r, "nb201:cifar10", "rea", seed, 150, NULL);
        int random_fallbacks = 0;
        for (size_t i = 10; i < st->nrec; i++) {
            int ok = 0;
            for (size_t j = i - 10; j < i && !ok; j++)
                ok = hamming(&st->rec[i].arch, &st->rec[j].arch) == 1;
            random_fallbacks += !ok;
        }
        /* a fresh random arch only when every child of the parent is known */
        assert_true(random_fallbacks <= 3);
        run_free(&r);
    }
}

static void local_search_evaluates_whole_neighbourhoods(void **state)
{
    (void)state;
    struct run r;
    const struct state *st = run_all(&r, "nb201:cifar10", "local", 5, 300, NULL);
    /* every multi-candidate batch is the unseen neighbourhood of one earlier arch */
    int batches = 0;
    for (size_t i = 0; i < st->nrec;) {
        size_t j = i;
        while (j < st->nrec && st->rec[j].iter == st->rec[i].iter)
            j++;
        if (j - i > 1) {
            batches++;
            int centre_found = 0;
            for (size_t c = 0; c < i && !centre_found; c++) {
                int all = 1;
                for (size_t k = i; k < j && all; k++)
                    all = hamming(&st->rec[c].arch, &st->rec[k].arch) == 1;
                centre_found = all;
            }
            assert_true(centre_found);
        }
        i = j;
    }
    assert_true(batches >= 5);
    run_free(&r);
}

/* ---- the Coordinator screens what proposers send ------------------------- */

struct scripted {
    const char *const *texts;
    int n, given;
};

static int scripted_propose(struct proposer *p, const struct propose_ctx *c,
                            struct cand_list *out, struct err *e)
{
    (void)c;
    (void)e;
    struct scripted *s = p->impl;
    if (s->given++ == 0)
        for (int i = 0; i < s->n; i++)
            cand_list_add_text(out, s->texts[i]);
    return 0;
}

static const struct proposer_ops scripted_ops = {.propose = scripted_propose};

#define A1 "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#define A2 "|nor_conv_1x1~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|"

static void coordinator_rejects_with_reasons(void **state)
{
    (void)state;
    static const char *const texts[] = {
        A1,                                   /* over the constraint (184.7 MFLOPs) */
        "|nor_conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", /* invalid */
        A2,                                   /* fine */
        "  " A2,                              /* duplicate of the previous, other spelling */
    };
    struct scripted sc = {texts, 4, 0};
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct proposer p = {.ops = &scripted_ops, .name = "script", .source = SRC_AGENT,
                         .space = sp, .impl = &sc};
    struct search_config cfg = {.algo = "script", .budget = 10};
    constraint_parse(&cfg.cons, "flops<=100", sp->metrics, sp->nmetrics, &e);
    struct search *s = search_new(&cfg, sp, ev, &p, &e);
    struct capture cap = {0};
    search_listen(s, capture_event, &cap);
    search_start(s);
    const struct state *st = search_state(s);
    assert_true(st->ended);
    assert_int_equal(st->end, END_EXHAUSTED); /* the script had nothing more */
    assert_int_equal(st->started, 1);         /* rejected ones cost no budget */
    assert_int_equal(st->rejected[REJ_CONSTRAINT], 1);
    assert_int_equal(st->rejected[REJ_INVALID], 1);
    assert_int_equal(st->rejected[REJ_DUPLICATE], 1);
    assert_int_equal(state_cand(st, 1)->status, CAND_REJECTED);
    assert_int_equal(state_cand(st, 3)->status, CAND_DONE);
    assert_int_equal(state_cand(st, 3)->source, SRC_AGENT);
    int saw_constraint = 0, saw_invalid = 0;
    for (int i = 0; i < cap.n; i++) {
        saw_constraint |= strstr(cap.lines[i], "\"detail\":\"flops 184.73 M > 100\"") != NULL;
        saw_invalid |= strstr(cap.lines[i], "\"reason\":\"invalid\",\"detail\":\"character 2: "
                                            "expected an operation") != NULL;
    }
    assert_true(saw_constraint);
    assert_true(saw_invalid);
    capture_free(&cap);
    search_free(s);
    evaluator_close(ev);
    space_close(sp);
}

/* More candidates than the budget has room for: the extra ones are
 * rejected as surplus and the search still ends. */
static void surplus_candidates_do_not_stall_the_search(void **state)
{
    (void)state;
    static const char *const texts[] = {
        A1, A2, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "  |avg_pool_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|  ",
    };
    struct scripted sc = {texts, 5, 0};
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct proposer p = {.ops = &scripted_ops, .name = "script", .source = SRC_AGENT,
                         .space = sp, .impl = &sc};
    struct search_config cfg = {.algo = "script", .budget = 3};
    struct search *s = search_new(&cfg, sp, ev, &p, &e);
    struct capture cap = {0};
    search_listen(s, capture_event, &cap);
    search_start(s);
    const struct state *st = search_state(s);
    assert_true(st->ended);
    assert_int_equal(st->end, END_BUDGET);
    assert_int_equal(st->started, 3);
    assert_int_equal(st->rejected[REJ_SURPLUS], 2);
    capture_free(&cap);
    search_free(s);

    /* a spelling with spaces is evaluated and recorded in canonical form */
    static const char *const spaced[] = {"  " A2 "  "};
    struct scripted sc2 = {spaced, 1, 0};
    p.impl = &sc2;
    s = search_new(&cfg, sp, ev, &p, &e);
    search_listen(s, capture_event, &cap);
    search_start(s);
    st = search_state(s);
    assert_int_equal(st->nrec, 1);
    assert_string_equal(st->rec[0].text, A2);
    int canonical = 0;
    for (int i = 0; i < cap.n; i++)
        canonical += strstr(cap.lines[i], "\"type\":\"eval_finished\"") &&
                     strstr(cap.lines[i], "\"arch\":\"" A2 "\"");
    assert_int_equal(canonical, 1);
    capture_free(&cap);
    search_free(s);
    evaluator_close(ev);
    space_close(sp);
}

/* The reducer refuses what cannot have happened, and keeps its state. */
static void reducer_refuses_impossible_sequences(void **state)
{
    (void)state;
    struct run r;
    run_all(&r, "nb201:cifar10", "random", 1, 3, NULL);
    struct state re;
    state_init(&re, space_decode_ctx, r.sp, r.sp->front_cost);
    struct session_info *info = NULL;
    struct err e;
    const char *finished = NULL, *started = NULL;
    for (int i = 0; i < r.cap.n; i++) {
        struct event ev;
        assert_int_equal(event_from_json(r.cap.lines[i], &ev, info, &e), 0);
        if (ev.type == EV_EVAL_STARTED && !started) {
            started = r.cap.lines[i];
            /* finishing before starting is refused */
            struct event fin;
            assert_int_equal(event_from_json(r.cap.lines[i + 1], &fin, info, &e), 0);
            assert_int_equal(fin.type, EV_EVAL_FINISHED);
            fin.seq = 0; /* no sequence check: the order is what is wrong */
            assert_int_equal(state_apply(&re, &fin, &e), -1);
            assert_non_null(strstr(e.msg, "was not being evaluated"));
            event_free(&fin);
        }
        assert_int_equal(state_apply(&re, &ev, &e), 0);
        if (ev.type == EV_EVAL_FINISHED && !finished) {
            finished = r.cap.lines[i];
            /* the same result twice is refused, and nothing changes */
            size_t nrec = re.nrec;
            ev.seq = 0;
            assert_int_equal(state_apply(&re, &ev, &e), -1);
            assert_int_equal(re.nrec, nrec);
        }
        if (ev.type == EV_SESSION_STARTED)
            info = &re.info;
        event_free(&ev);
    }
    assert_non_null(finished);
    /* events cannot go back in time (gaps are the journal reader's to find) */
    struct event back = {.type = EV_ITERATION_STARTED, .seq = re.last_seq};
    assert_int_equal(state_apply(&re, &back, &e), -1);
    assert_non_null(strstr(e.msg, "comes after event"));
    state_free(&re);
    run_free(&r);
}

/* A missing (NaN) objective neither becomes the best nor blocks it. */
static void nan_objective_never_wins(void **state)
{
    (void)state;
    struct run r;
    run_all(&r, "nb201:cifar10", "random", 1, 2, NULL);
    struct state re;
    state_init(&re, space_decode_ctx, r.sp, r.sp->front_cost);
    struct session_info *info = NULL;
    struct err e;
    int finished = 0;
    for (int i = 0; i < r.cap.n; i++) {
        struct event ev;
        assert_int_equal(event_from_json(r.cap.lines[i], &ev, info, &e), 0);
        if (ev.type == EV_EVAL_FINISHED && finished++ == 0)
            ev.metrics[re.info.objective] = NAN;
        assert_int_equal(state_apply(&re, &ev, &e), 0);
        if (ev.type == EV_SESSION_STARTED)
            info = &re.info;
        event_free(&ev);
    }
    assert_int_equal(re.nrec, 2);
    assert_int_equal(re.best, 1);
    assert_false(isnan(state_best(&re)->m[re.info.objective]));
    state_free(&re);
    run_free(&r);
}

static void offline_collm_beats_rea_and_local(void **state)
{
    (void)state;
    const char *spaces[] = {"nb201:cifar10", "nb201:cifar100", "nb201:imagenet16"};
    const char *alg[] = {"rea", "local", "collm"};
    struct bench_config cfg = {.spaces = spaces, .nspaces = 3, .algos = alg, .nalgos = 3,
                               .seeds = 10, .seed0 = 1, .budget = 100};
    struct bench_result r;
    struct err e;
    assert_int_equal(bench_run(&cfg, &r, &e), 0);
    for (int si = 0; si < 3; si++) {
        double rea = r.cells[si * 3].obj_mean, local = r.cells[si * 3 + 1].obj_mean,
               collm = r.cells[si * 3 + 2].obj_mean;
        if (!(collm > rea && collm > local))
            fail_msg("%s: collm %.3f, rea %.3f, local %.3f", spaces[si], collm, rea, local);
    }
    bench_result_free(&r);
}

static void bench_statistics(void **state)
{
    (void)state;
    const char *spaces[] = {"nb201:cifar10"}, *alg[] = {"rea"};
    struct bench_config cfg = {.spaces = spaces, .nspaces = 1, .algos = alg, .nalgos = 1,
                               .seeds = 4, .seed0 = 1, .budget = 50};
    struct bench_result r;
    struct err e;
    assert_int_equal(bench_run(&cfg, &r, &e), 0);
    /* the same four runs done by hand give the same mean */
    double sum = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        struct run run;
        const struct state *st = run_all(&run, "nb201:cifar10", "rea", seed, 50, NULL);
        sum += state_best(st)->m[st->info.report];
        run_free(&run);
    }
    assert_float_equal(r.cells[0].rep_mean, sum / 4, 1e-9);
    assert_true(r.oracle[0].known);
    assert_float_equal(r.oracle[0].objective, 91.606667, 1e-9);
    assert_float_equal(r.cells[0].evals_mean, 50, 0);
    bench_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(budget_is_exact_and_distinct),
        cmocka_unit_test(same_seed_same_events),
        cmocka_unit_test(replaying_events_rebuilds_the_state),
        cmocka_unit_test(constraint_is_respected),
        cmocka_unit_test(tiny_feasible_set_is_exhausted_exactly),
        cmocka_unit_test(target_stops_early),
        cmocka_unit_test(search_never_sees_the_test_accuracy),
        cmocka_unit_test(rea_children_are_one_mutation_from_the_population),
        cmocka_unit_test(local_search_evaluates_whole_neighbourhoods),
        cmocka_unit_test(coordinator_rejects_with_reasons),
        cmocka_unit_test(surplus_candidates_do_not_stall_the_search),
        cmocka_unit_test(reducer_refuses_impossible_sequences),
        cmocka_unit_test(nan_objective_never_wins),
        cmocka_unit_test(bench_statistics),
        cmocka_unit_test(offline_collm_beats_rea_and_local),
    };
    return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
