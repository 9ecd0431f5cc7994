/* The journal round trip: what a search wrote, read back and reduced, is
 * the state the search had. */
#include "testutil.h"

#include "../../engine/search/search.h"
#include "../../sessions/journal.h"

static void compare(const struct state *a, const struct state *b)
{
    assert_int_equal(a->nrec, b->nrec);
    for (size_t i = 0; i < a->nrec; i++) {
        assert_string_equal(a->rec[i].text, b->rec[i].text);
        assert_memory_equal(a->rec[i].m, b->rec[i].m, sizeof a->rec[i].m);
        assert_int_equal(a->rec[i].iter, b->rec[i].iter);
        assert_int_equal(a->rec[i].source, b->rec[i].source);
        assert_string_equal(a->rec[i].by, b->rec[i].by);
    }
    assert_int_equal(a->best, b->best);
    assert_int_equal(a->best_changed_at, b->best_changed_at);
    assert_int_equal(a->front.n, b->front.n);
    assert_memory_equal(a->front.pts, b->front.pts, a->front.n * 2 * sizeof(double));
    assert_int_equal(a->visited.len, b->visited.len);
    assert_int_equal(a->ncands, b->ncands);
    for (int i = 0; i < a->ncands; i++) {
        assert_string_equal(a->cands[i].text, b->cands[i].text);
        assert_int_equal(a->cands[i].status, b->cands[i].status);
    }
    assert_int_equal(a->strategies, b->strategies);
    for (int i = 0; i < a->strategies; i++)
        assert_string_equal(a->strats[i].text, b->strats[i].text);
    assert_memory_equal(a->rejected, b->rejected, sizeof a->rejected);
    assert_int_equal(a->ended, b->ended);
    assert_int_equal(a->end, b->end);
    assert_string_equal(a->info.space, b->info.space);
    assert_int_equal(a->info.seed, b->info.seed);
    assert_string_equal(a->info.constraint, b->info.constraint);
    assert_string_equal(a->proposer_state, b->proposer_state);
}

static int apply_each(void *ud, struct event *ev, struct err *e)
{
    return state_apply(ud, ev, e);
}

struct stop_at {
    uint64_t seq;
    long calls;
    struct event kept; /* the first event, moved out of the reader's hands */
};

static int stop_each(void *ud, struct event *ev, struct err *e)
{
    struct stop_at *s = ud;
    s->calls++;
    if (s->calls == 1) {
        s->kept = *ev;
        memset(ev, 0, sizeof *ev);
    }
    return ev->seq == s->seq ? err_set(e, "", "stopped at %llu", (unsigned long long)ev->seq)
                             : 0;
}

static void journal_rebuilds_the_final_state(void **state)
{
    (void)state;
    static const char *const algos[] = {"random", "rea", "local", "collm"};
    for (int a = 0; a < 4; a++) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/collm-test-session-%d-%d.jsonl", (int)getpid(), a);
        unlink(path);
        struct err e;
        struct space *sp = space_open("nb201:cifar100", NULL, &e);
        struct evaluator *ev = evaluator_open(sp, &e);
        struct proposer *p = proposer_open(algos[a], sp, 11, NULL, &e);
        struct search_config cfg = {.algo = algos[a], .seed = 11, .budget = 80};
        assert_int_equal(constraint_parse(&cfg.cons, "params<=1.2", sp->metrics, sp->nmetrics,
                                          &e), 0);
        struct search *s = search_new(&cfg, sp, ev, p, &e);
        struct journal_header h = {.version = 1, .program = "test", .command = "search"};
        struct journal *j = journal_create(path, &h, &e);
        assert_non_null(j);
        search_listen(s, journal_on_event, j);
        search_start(s);
        assert_int_equal(journal_close(j, &e), 0);

        struct session ss;
        assert_int_equal(session_read(path, &ss, &e), 0);
        assert_string_equal(ss.warnings, "");
        assert_string_equal(ss.h.command, "search");
        struct state re;
        state_init(&re, space_decode_ctx, sp, sp->front_cost);
        for (int i = 0; i < ss.n; i++)
            assert_int_equal(state_apply(&re, &ss.evs[i], &e), 0);
        compare(search_state(s), &re);

        /* an event at a time, nothing kept: the same state */
        struct session sc;
        struct state st2;
        state_init(&st2, space_decode_ctx, sp, sp->front_cost);
        assert_int_equal(session_scan(path, &sc, apply_each, &st2, &e), 0);
        assert_int_equal(sc.events, ss.n);
        assert_int_equal(sc.n, 0);
        assert_non_null(sc.info);
        assert_string_equal(sc.info->space, "nb201:cifar100");
        assert_int_equal(sc.good_bytes, ss.good_bytes);
        compare(search_state(s), &st2);
        state_free(&st2);
        session_free(&sc);

        /* `each` stops the reading; its error names the line; an event it
         * moved out is its own to free */
        struct stop_at at = {.seq = 5};
        assert_int_equal(session_scan(path, &sc, stop_each, &at, &e), -1);
        assert_int_equal(at.calls, 5);
        assert_string_equal(e.msg, "stopped at 5");
        char line6[80];
        snprintf(line6, sizeof line6, "%s:6", path); /* line 1 is the header */
        assert_string_equal(e.where, line6);
        assert_int_equal(at.kept.type, EV_SESSION_STARTED);
        event_free(&at.kept);
        session_free(&sc);

        /* a second journal cannot overwrite the first */
        assert_null(journal_create(path, &h, &e));
        assert_true(e.usage);
        assert_non_null(strstr(e.msg, "the session file exists"));

        state_free(&re);
        session_free(&ss);
        search_free(s);
        proposer_close(p);
        evaluator_close(ev);
        space_close(sp);
        unlink(path);
    }
}

/* Cut after every event in turn and resumed: the end is always the state
 * of the run that was never cut. */
static void resuming_from_any_event_gives_the_same_end(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    static const char *const algos[] = {"local", "collm"};
    for (int a = 0; a < 2; a++) {
        struct algo_opts o;
        algo_opts_default(&o);
        o.batch = 4;
        struct search_config cfg = {.algo = algos[a], .seed = 3, .budget = 30};
        struct proposer *p = proposer_open(algos[a], sp, 3, &o, &e);
        struct search *full = search_new(&cfg, sp, ev, p, &e);
        char path[64];
        snprintf(path, sizeof path, "/tmp/collm-test-resume-%d.jsonl", (int)getpid());
        unlink(path);
        struct journal_header h = {.version = 1};
        struct journal *j = journal_create(path, &h, &e);
        search_listen(full, journal_on_event, j);
        search_start(full);
        journal_close(j, &e);
        struct session ss;
        assert_int_equal(session_read(path, &ss, &e), 0);
        unlink(path);
        for (int cut = 1; cut < ss.n; cut++) {
            struct proposer *q = proposer_open(algos[a], sp, 3, &o, &e);
            struct search *s = search_new(&cfg, sp, ev, q, &e);
            if (search_continue(s, ss.evs, cut, 30, &e) < 0)
                fail_msg("cut %d: %s: %s", cut, e.where, e.msg);
            const struct state *x = search_state(s), *y = search_state(full);
            assert_true(x->ended);
            assert_int_equal(x->started, 30);
            assert_int_equal(x->nrec, y->nrec);
            for (size_t i = 0; i < x->nrec; i++)
                if (strcmp(x->rec[i].text, y->rec[i].text) != 0 || x->rec[i].iter != y->rec[i].iter)
                    fail_msg("%s, cut after event %d: evaluation %zu differs", algos[a], cut,
                             (size_t)i + 1);
            assert_int_equal(x->best, y->best);
            search_free(s);
            proposer_close(q);
        }
        session_free(&ss);
        search_free(full);
        proposer_close(p);
    }
    evaluator_close(ev);
    space_close(sp);
}

/* A steered search: review, veto, an edit refused and one made, an
 * injection, an edited strategy. Its journal replays to the same state. */
static void a_steered_search_replays_exactly(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct algo_opts o;
    algo_opts_default(&o);
    o.batch = 4;
    struct proposer *p = proposer_open("collm", sp, 9, &o, &e);
    struct search_config cfg = {.algo = "collm", .seed = 9, .budget = 12,
                                .review = REVIEW_ALL};
    constraint_parse(&cfg.cons, "flops<=150", sp->metrics, sp->nmetrics, &e);
    struct search *s = search_new(&cfg, sp, ev, p, &e);
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-test-steer-%d.jsonl", (int)getpid());
    unlink(path);
    struct journal_header h = {.version = 1};
    struct journal *j = journal_create(path, &h, &e);
    search_listen(s, journal_on_event, j);
    search_start(s);
    const struct state *st = search_state(s);

    /* the first strategy waits for a person, who makes edge 1<-0 'none' */
    assert_true(search_strategy_waiting(s));
    assert_int_equal(st->started, 0);
    char edited[8192];
    snprintf(edited, sizeof edited, "%s\n## edge 1<-0\nprefer none (+9)\n",
             state_strategy(st)->text);
    assert_int_equal(search_approve_strategy(s, edited, &e), 0);
    assert_string_equal(state_strategy(st)->by, "user");
    /* the candidates wait for review, and follow the edited strategy */
    assert_int_equal(st->nbatch, 4);
    int none_first = 0;
    for (int i = 0; i < st->nbatch; i++) {
        const struct cand *c = &st->cands[st->batch_first + i];
        assert_true(state_awaits_review(st, c));
        none_first += strncmp(c->text, "|none~0|", 8) == 0;
    }
    assert_true(none_first >= 3);
    assert_int_equal(st->started, 0);
    int id0 = st->cands[st->batch_first].id;
    assert_int_equal(search_veto(s, id0, &e), 0);
    assert_int_equal(st->cands[id0 - 1].reason, REJ_VETOED);
    /* an edit into something invalid, or over the constraint, is refused */
    assert_int_equal(search_edit(s, id0 + 1, "|none~0|+|bogus~0|", &e), -1);
    assert_non_null(strstr(e.msg, "expected an operation"));
    assert_int_equal(search_edit(s, id0 + 1, "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                                             "+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
                                 &e), -1);
    assert_non_null(strstr(e.msg, "over the constraint"));
    const char *mine = "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|"
                       "nor_conv_1x1~1|nor_conv_3x3~2|";
    assert_int_equal(search_edit(s, id0 + 1, mine, &e), 0);
    assert_true(st->cands[id0].edited);
    assert_int_equal(st->started, 1); /* an edit is an approval: it runs */
    /* a person's own candidate runs without review */
    int inj = search_inject(s, "|nor_conv_1x1~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|"
                               "none~1|nor_conv_1x1~2|", &e);
    assert_true(inj > 0);
    assert_int_equal(st->started, 2);
    assert_int_equal(search_inject(s, mine, &e), -1); /* already evaluated */
    assert_int_equal(search_approve(s, 0, &e), 2);
    assert_int_equal(st->started, 4);
    /* from now on, no review */
    search_set_review(s, REVIEW_AUTO);
    if (search_strategy_waiting(s))
        search_approve_strategy(s, NULL, &e);
    assert_true(search_done(s));
    assert_int_equal(st->started, 12);
    journal_close(j, &e);

    struct session ss;
    assert_int_equal(session_read(path, &ss, &e), 0);
    struct state re;
    state_init(&re, space_decode_ctx, sp, sp->front_cost);
    for (int i = 0; i < ss.n; i++)
        if (state_apply(&re, &ss.evs[i], &e) < 0)
            fail_msg("event %d: %s: %s", i + 1, e.where, e.msg);
    compare(st, &re);
    assert_int_equal(re.rejected[REJ_VETOED], 1);
    assert_int_equal(re.review, REVIEW_AUTO);
    state_free(&re);
    session_free(&ss);
    unlink(path);
    search_free(s);
    proposer_close(p);
    evaluator_close(ev);
    space_close(sp);
}

static void count_let_go(void *ud, const struct event *ev, const struct state *st)
{
    (void)st;
    if ((ev->type == EV_CANDIDATE_APPROVED || ev->type == EV_STRATEGY_APPROVED) && ev->why &&
        strcmp(ev->why, "review turned off") == 0)
        (*(int *)ud)++;
}

/* A policy change lets go on what the new policy no longer holds, as the
 * person's approval with the reason (issue 13, bug 12): a batch waiting
 * under `candidates` no longer runs unapproved when `r` passes `strategy`,
 * and a strategy waiting under `all` no longer stays stuck under `auto`. */
static void a_review_change_approves_what_it_lets_go(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct algo_opts o;
    algo_opts_default(&o);
    o.batch = 4;
    struct proposer *p = proposer_open("collm", sp, 9, &o, &e);
    struct search_config cfg = {.algo = "collm", .seed = 9, .budget = 12,
                                .review = REVIEW_CANDIDATES};
    struct search *s = search_new(&cfg, sp, ev, p, &e);
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-test-review-%d.jsonl", (int)getpid());
    unlink(path);
    struct journal_header h = {.version = 1};
    struct journal *j = journal_create(path, &h, &e);
    search_listen(s, journal_on_event, j);
    int let_go = 0;
    search_listen(s, count_let_go, &let_go);
    search_start(s);
    const struct state *st = search_state(s);
    assert_int_equal(st->started, 0); /* the batch waits */
    assert_true(search_waiting_for_person(s));

    assert_int_equal(search_set_review(s, REVIEW_STRATEGY), 4);
    assert_int_equal(let_go, 4);
    assert_int_equal(st->started, 4); /* it ran, approved */
    for (int i = 0; i < st->nbatch; i++)
        assert_true(st->cands[st->batch_first + i].approved);
    assert_true(search_strategy_waiting(s)); /* the next strategy waits */
    assert_int_equal(search_set_review(s, REVIEW_ALL), 0); /* all holds it still */
    assert_true(search_strategy_waiting(s));
    assert_int_equal(search_set_review(s, REVIEW_AUTO), 1);
    assert_int_equal(let_go, 5);
    assert_false(search_strategy_waiting(s));
    assert_true(search_done(s)); /* nothing held it any more */
    assert_int_equal(st->started, 12);
    journal_close(j, &e);

    struct session ss;
    assert_int_equal(session_read(path, &ss, &e), 0);
    struct state re;
    state_init(&re, space_decode_ctx, sp, sp->front_cost);
    int journalled = 0;
    for (int i = 0; i < ss.n; i++) {
        if (state_apply(&re, &ss.evs[i], &e) < 0)
            fail_msg("event %d: %s: %s", i + 1, e.where, e.msg);
        count_let_go(&journalled, &ss.evs[i], &re);
    }
    assert_int_equal(journalled, 5); /* the reason survives the journal */
    compare(st, &re);
    state_free(&re);
    session_free(&ss);
    unlink(path);
    search_free(s);
    proposer_close(p);
    evaluator_close(ev);
    space_close(sp);
}

/* The reader takes the file in blocks: lines that straddle a block, lines
 * longer than one, a torn or unterminated last line, and the byte offsets
 * resume cuts at must all come out as a line-by-line read would give them. */
static void lines_across_read_blocks(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-test-blocks-%d.jsonl", (int)getpid());
    struct session_info info = {.version = 1, .program = "t", .space = "nb201:cifar10",
                                .algo = "random", .seed = 1, .budget = 5, .constraint = "",
                                .nmetrics = 1, .report = -1};
    info.metrics[0] = (struct metric_def){"acc", "%", NULL, METRIC_OBJECTIVE};
    enum { N = 40 };
    static char text[N][200000];
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("{\"format\":\"collm-session\",\"version\":1}\n", f);
    struct event ev = {.type = EV_SESSION_STARTED, .seq = 1, .info = &info};
    char *line = event_to_json(&ev, NULL, 1);
    fprintf(f, "%s\n", line);
    free(line);
    for (int i = 0; i < N; i++) {
        /* lengths around the block size, and one of three blocks */
        size_t len = i == 20 ? 199000 : (size_t)(i * 4099) % 70000 + 1;
        memset(text[i], 'a' + i % 26, len);
        text[i][len] = '\0';
        ev = (struct event){.type = EV_STRATEGY_PROPOSED, .seq = (uint64_t)i + 2, .by = "n",
                            .text = text[i]};
        line = event_to_json(&ev, &info, 1);
        fprintf(f, "%s\n", line);
        free(line);
    }
    long whole = ftell(f);
    fputs("{\"seq\":42,\"type\":\"strategy_pro", f); /* killed while writing */
    fclose(f);

    struct session ss;
    struct err e;
    assert_int_equal(session_read(path, &ss, &e), 0);
    assert_int_equal(ss.n, N + 1);
    for (int i = 0; i < N; i++)
        assert_string_equal(ss.evs[i + 1].text, text[i]);
    assert_int_equal(ss.truncated, 1);
    assert_int_equal(ss.good_bytes, whole);
    session_free(&ss);

    /* cut there, the last whole line is the end; without its newline it
     * still counts, and resume is told to add one */
    assert_int_equal(truncate(path, whole - 1), 0);
    assert_int_equal(session_read(path, &ss, &e), 0);
    assert_int_equal(ss.n, N + 1);
    assert_int_equal(ss.truncated, 0);
    assert_int_equal(ss.needs_newline, 1);
    assert_int_equal(ss.good_bytes, whole - 1);
    assert_string_equal(ss.evs[N].text, text[N - 1]);
    session_free(&ss);

    /* a NUL in a line deep in the file is named by its line number */
    f = fopen(path, "r+b");
    fseek(f, whole - 10, SEEK_SET);
    fputc('\0', f);
    fclose(f);
    assert_int_equal(session_read(path, &ss, &e), -1);
    char want[96];
    snprintf(want, sizeof want, "%s:%d", path, N + 2);
    assert_string_equal(e.where, want);
    assert_non_null(strstr(e.msg, "binary"));
    unlink(path);
}

#define SAME "|nor_conv_1x1~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|"

/* A proposer that brings the same architecture every time: one
 * evaluation, then nothing but duplicates (idle iterations). */
static int same_propose(struct proposer *p, const struct propose_ctx *c, struct cand_list *out,
                        struct err *e)
{
    (void)p, (void)c, (void)e;
    cand_list_add_text(out, SAME);
    return 0;
}

static const struct proposer_ops same_ops = {.propose = same_propose};

struct kept {
    struct event evs[64];
    int n;
};

static void keep_event(void *ud, const struct event *ev, const struct state *st)
{
    (void)st;
    struct kept *k = ud;
    assert_true(k->n < 64);
    assert_int_equal(event_copy(&k->evs[k->n++], ev), 0);
}

static int count_type(const struct kept *k, enum event_type t)
{
    int n = 0;
    for (int i = 0; i < k->n; i++)
        n += k->evs[i].type == t;
    return n;
}

/* The idle count is the state's: a resumed search goes on counting where
 * the recorded one stopped, instead of granting a fresh allowance. */
static void resumed_search_continues_the_idle_count(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct proposer p = {.ops = &same_ops, .name = "same", .source = SRC_AGENT, .space = sp};
    struct search_config cfg = {.algo = "same", .budget = 10, .max_idle_iters = 3};
    struct search *s = search_new(&cfg, sp, ev, &p, &e);
    struct kept first = {0};
    search_listen(s, keep_event, &first);
    search_start(s);
    const struct state *st = search_state(s);
    assert_true(st->ended);
    assert_int_equal(st->end, END_EXHAUSTED);
    assert_int_equal(st->started, 1);
    assert_int_equal(st->idle_iters, 3);
    assert_string_equal(st->end_detail, "3 iterations in a row proposed nothing new to evaluate");
    assert_int_equal(count_type(&first, EV_ITERATION_STARTED), 4); /* 1 useful, 3 idle */
    search_free(s);

    /* taken up with room for 5 idle iterations: 2 more, not 5 */
    struct proposer p2 = {.ops = &same_ops, .name = "same", .source = SRC_AGENT, .space = sp};
    cfg.max_idle_iters = 5;
    s = search_new(&cfg, sp, ev, &p2, &e);
    struct kept more = {0};
    search_listen(s, keep_event, &more);
    assert_int_equal(search_continue(s, first.evs, first.n, 10, &e), 0);
    st = search_state(s);
    assert_true(st->ended);
    assert_int_equal(st->idle_iters, 5);
    assert_string_equal(st->end_detail, "5 iterations in a row proposed nothing new to evaluate");
    assert_int_equal(count_type(&more, EV_ITERATION_STARTED), 2);
    /* an evaluation starting ends the run of idle iterations */
    struct state re;
    state_init(&re, space_decode_ctx, sp, sp->front_cost);
    for (int i = 0; i < first.n; i++) {
        assert_int_equal(state_apply(&re, &first.evs[i], &e), 0);
        if (first.evs[i].type == EV_EVAL_STARTED)
            assert_int_equal(re.idle_iters, 0);
    }
    assert_int_equal(re.idle_iters, 3);
    state_free(&re);
    search_free(s);
    for (int i = 0; i < first.n; i++)
        event_free(&first.evs[i]);
    for (int i = 0; i < more.n; i++)
        event_free(&more.evs[i]);
    evaluator_close(ev);
    space_close(sp);
}

/* The reducer sums up each iteration as it ends (the headless lines come
 * from it): checked against counts taken from the events themselves.
 * Returns the iterations and rejections seen. */
static void check_iteration_sums(struct search *s, const struct space *sp, int *lines,
                                 int *rejections)
{
    struct err e;
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-test-iters-%d.jsonl", (int)getpid());
    unlink(path);
    struct journal_header h = {.version = 1};
    struct journal *j = journal_create(path, &h, &e);
    search_listen(s, journal_on_event, j);
    search_start(s);
    assert_int_equal(journal_close(j, &e), 0);
    struct session k;
    assert_int_equal(session_read(path, &k, &e), 0);
    unlink(path);
    struct state re;
    state_init(&re, space_decode_ctx, sp, sp->front_cost);
    int iter = 0, evals = 0, rej = 0, best_changed = 0;
    double best = 0;
    *lines = *rejections = 0;
    for (int i = 0; i < k.n; i++) {
        const struct event *x = &k.evs[i];
        assert_int_equal(state_apply(&re, x, &e), 0);
        if (x->type == EV_ITERATION_STARTED || x->type == EV_SESSION_ENDED) {
            assert_int_equal(re.iter_done.iter, iter);
            assert_int_equal(re.iter_done.evals, evals);
            assert_int_equal(re.iter_done.rejected, rej);
            assert_int_equal(re.iter_done.best_changed, best_changed);
            if (evals)
                assert_true(re.rec[re.iter_done.best_rec].m[re.info.objective] == best);
            else
                assert_int_equal(re.iter_done.best_rec, -1);
            *lines += iter != 0;
            iter = x->type == EV_ITERATION_STARTED ? x->iter : 0;
            evals = rej = best_changed = 0;
        } else if (x->type == EV_EVAL_FINISHED) {
            double v = x->metrics[re.info.objective];
            if (!evals++ || v > best)
                best = v;
        } else if (x->type == EV_CANDIDATE_REJECTED) {
            rej++;
            ++*rejections;
        } else if (x->type == EV_BEST_IMPROVED) {
            best_changed = 1;
        }
    }
    state_free(&re);
    session_free(&k);
}

static void each_iteration_is_summed_up_when_it_ends(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct algo_opts o;
    algo_opts_default(&o);
    o.batch = 5;
    struct proposer *p = proposer_open("collm", sp, 9, &o, &e);
    struct search_config cfg = {.algo = "collm", .seed = 9, .budget = 40};
    struct search *s = search_new(&cfg, sp, ev, p, &e);
    int lines, rejections;
    check_iteration_sums(s, sp, &lines, &rejections);
    assert_true(lines >= 8); /* 40 evaluations in batches of at most 5 */
    search_free(s);
    proposer_close(p);

    /* a proposer that repeats itself: iterations of rejections */
    struct proposer same = {.ops = &same_ops, .name = "same", .source = SRC_AGENT, .space = sp};
    struct search_config cfg2 = {.algo = "same", .budget = 10, .max_idle_iters = 3};
    s = search_new(&cfg2, sp, ev, &same, &e);
    check_iteration_sums(s, sp, &lines, &rejections);
    assert_int_equal(lines, 4);
    assert_true(rejections >= 3);
    search_free(s);
    evaluator_close(ev);
    space_close(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(journal_rebuilds_the_final_state),
        cmocka_unit_test(resuming_from_any_event_gives_the_same_end),
        cmocka_unit_test(a_steered_search_replays_exactly),
        cmocka_unit_test(a_review_change_approves_what_it_lets_go),
        cmocka_unit_test(lines_across_read_blocks),
        cmocka_unit_test(resumed_search_continues_the_idle_count),
        cmocka_unit_test(each_iteration_is_summed_up_when_it_ends),
    };
    return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
