/* More budget and other agents from a person, in the process that runs the
 * search (the TUI's b and W): what they journal goes the way a resume of
 * the same session goes. */
#include "testutil.h"

#include "../../engine/search/search.h"
#include "../../sessions/journal.h"
#include "search_util.h"

struct run_j { /* a search written to a journal, and every event it saw */
    struct space *sp;
    struct evaluator *ev;
    struct proposer *p;
    struct search *s;
    struct journal *j;
    struct capture cap;
    char path[64];
};

/* Until read_now() closes it. */
static void to_journal(void *ud, const struct event *ev, const struct state *st)
{
    struct run_j *r = ud;
    if (r->j)
        journal_on_event(r->j, ev, st);
}

static void start_j(struct run_j *r, const char *algo, int budget, int has_target, double target)
{
    struct err e = {0};
    memset(r, 0, sizeof *r);
    r->sp = space_open("nb201:cifar10", NULL, &e);
    r->ev = evaluator_open(r->sp, &e);
    struct algo_opts o;
    algo_opts_default(&o);
    o.batch = 4;
    r->p = proposer_open(algo, r->sp, 7, &o, &e);
    assert_non_null(r->p);
    struct search_config cfg = {.algo = algo, .seed = 7, .budget = budget,
                                .has_target = has_target, .target = target};
    r->s = search_new(&cfg, r->sp, r->ev, r->p, &e);
    assert_non_null(r->s);
    snprintf(r->path, sizeof r->path, "/tmp/collm-test-extend-%d.jsonl", (int)getpid());
    unlink(r->path);
    struct journal_header h = {.version = JOURNAL_FORMAT, .program = "test", .command = "search"};
    assert_non_null(r->j = journal_create(r->path, &h, &e));
    search_listen(r->s, to_journal, r);
    search_listen(r->s, capture_event, &r->cap);
}

static void free_j(struct run_j *r)
{
    struct err e;
    journal_close(r->j, &e);
    unlink(r->path);
    search_free(r->s);
    proposer_close(r->p);
    evaluator_close(r->ev);
    space_close(r->sp);
    capture_free(&r->cap);
}

/* The session as its journal has it now. */
static void read_now(struct run_j *r, struct session *ss)
{
    struct err e = {0};
    journal_close(r->j, &e);
    r->j = NULL;
    if (session_read(r->path, ss, &e) < 0)
        fail_msg("%s: %s", e.where, e.msg);
}

/* An ended search given more budget writes, event for event, what
 * `collm resume --budget` of its session writes. */
static void extending_an_ended_search_is_what_resume_does(void **state)
{
    (void)state;
    static const char *const algos[] = {"collm", "local", "rea", "random"};
    for (int a = 0; a < 4; a++) {
        struct run_j r;
        start_j(&r, algos[a], 12, 0, 0);
        search_start(r.s);
        assert_true(search_done(r.s));
        struct session ss;
        read_now(&r, &ss);
        int before = r.cap.n;
        struct err e = {0};
        assert_int_equal(search_extend(r.s, 25, &e), 0);
        assert_true(search_done(r.s));
        assert_int_equal(search_state(r.s)->started, 25);

        struct algo_opts o;
        algo_opts_default(&o);
        o.batch = 4;
        struct proposer *q = proposer_open(algos[a], r.sp, 7, &o, &e);
        struct search_config cfg = {.algo = algos[a], .seed = 7, .budget = 12};
        struct search *s = search_new(&cfg, r.sp, r.ev, q, &e);
        struct capture cap = {0};
        search_listen(s, capture_event, &cap);
        if (search_continue(s, ss.evs, ss.n, 25, &e) < 0)
            fail_msg("%s: %s: %s", algos[a], e.where, e.msg);
        assert_int_equal(cap.n, r.cap.n - before);
        for (int i = 0; i < cap.n; i++)
            if (strcmp(cap.lines[i], r.cap.lines[before + i]) != 0)
                fail_msg("%s: event %d after the extension differs:\n%s\n%s", algos[a], i + 1,
                         r.cap.lines[before + i], cap.lines[i]);
        assert_non_null(strstr(cap.lines[0], "\"type\":\"session_resumed\""));
        assert_non_null(strstr(cap.lines[0], "\"budget\":25"));
        capture_free(&cap);
        search_free(s);
        proposer_close(q);
        session_free(&ss);
        free_j(&r);
    }
}

/* A budget that does not grow, or a target reached, is refused and
 * nothing is written. */
static void a_smaller_budget_or_a_reached_target_is_refused(void **state)
{
    (void)state;
    struct run_j r;
    start_j(&r, "random", 10, 0, 0);
    search_start(r.s);
    int n = r.cap.n;
    struct err e = {0};
    assert_int_equal(search_extend(r.s, 10, &e), -1);
    assert_non_null(strstr(e.msg, "can grow, not shrink"));
    assert_int_equal(search_extend(r.s, 5, &e), -1);
    assert_int_equal(r.cap.n, n);
    assert_true(search_done(r.s));
    free_j(&r);

    start_j(&r, "random", 200, 1, 80.0); /* reached at once on cifar10 */
    search_start(r.s);
    assert_int_equal(search_state(r.s)->end, END_TARGET);
    n = r.cap.n;
    memset(&e, 0, sizeof e);
    assert_int_equal(search_extend(r.s, 300, &e), -1);
    assert_non_null(strstr(e.msg, "target"));
    assert_int_equal(r.cap.n, n);
    free_j(&r);
}

/* A running search's budget grows by an event the reducer applies, so the
 * journal replays to the same end and a resume takes the new budget. */
static void raising_a_running_budget_replays(void **state)
{
    (void)state;
    struct run_j r;
    start_j(&r, "local", 12, 0, 0);
    search_hold(r.s);
    search_start(r.s);
    assert_true(search_state(r.s)->paused);
    struct err e = {0};
    assert_int_equal(search_extend(r.s, 20, &e), 0);
    assert_int_equal(search_state(r.s)->info.budget, 20);
    assert_false(search_done(r.s));
    search_resume(r.s);
    assert_true(search_done(r.s));
    assert_int_equal(search_state(r.s)->started, 20);
    struct session ss;
    read_now(&r, &ss);
    struct state st;
    state_init(&st, space_decode_ctx, r.sp, r.sp->front_cost);
    for (int i = 0; i < ss.n; i++)
        assert_int_equal(state_apply(&st, &ss.evs[i], &e), 0);
    assert_int_equal(st.info.budget, 20);
    assert_int_equal(st.started, 20);
    assert_int_equal(st.nrec, search_state(r.s)->nrec);
    /* the reducer refuses one that does not grow */
    struct event down = {.type = EV_BUDGET_RAISED, .seq = st.last_seq + 1, .budget = 20};
    assert_int_equal(state_apply(&st, &down, &e), -1);
    state_free(&st);
    session_free(&ss);
    free_j(&r);
}

/* Agents switched: the reducer keeps who plays each role from now on; a
 * search without LLM agents has nothing to switch. */
static void an_agent_switch_names_the_new_agent(void **state)
{
    (void)state;
    struct run_j r;
    start_j(&r, "collm", 8, 0, 0);
    search_hold(r.s);
    search_start(r.s);
    struct err e = {0};
    assert_int_equal(search_go_offline(r.s, PROPOSER_NAVIGATOR | PROPOSER_GENERATOR, &e), -1);
    assert_non_null(strstr(e.msg, "offline already"));
    struct state st;
    state_init(&st, space_decode_ctx, r.sp, r.sp->front_cost);
    struct session ss;
    read_now(&r, &ss);
    for (int i = 0; i < ss.n; i++)
        assert_int_equal(state_apply(&st, &ss.evs[i], &e), 0);
    struct event sw = {.type = EV_AGENT_SWITCHED, .seq = st.last_seq + 1, .role = "generator",
                       .by = "offline-generator"};
    assert_int_equal(state_apply(&st, &sw, &e), 0);
    assert_string_equal(st.info.generator, "offline-generator");
    struct event bad = {.type = EV_AGENT_SWITCHED, .seq = st.last_seq + 1, .role = "judge",
                        .by = "x"};
    assert_int_equal(state_apply(&st, &bad, &e), -1);
    /* its JSON form keeps both fields */
    char *line = event_to_json(&sw, &st.info, 0);
    assert_non_null(strstr(line, "\"role\":\"generator\",\"by\":\"offline-generator\""));
    struct event back = {0};
    assert_int_equal(event_from_json(line, &back, &st.info, &e), 0);
    assert_string_equal(back.by, "offline-generator");
    event_free(&back);
    free(line);
    state_free(&st);
    session_free(&ss);
    free_j(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extending_an_ended_search_is_what_resume_does),
        cmocka_unit_test(a_smaller_budget_or_a_reached_target_is_refused),
        cmocka_unit_test(raising_a_running_budget_replays),
        cmocka_unit_test(an_agent_switch_names_the_new_agent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
