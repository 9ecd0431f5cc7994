/* A veto holds for good (issue 13, bug 2): the reducer remembers vetoed
 * architectures, the Coordinator refuses a re-proposal of one as vetoed,
 * and the proposers never offer one again. */
#include "testutil.h"

#include "../../engine/agents/listing.h"
#include "../../engine/search/search.h"

#include "search_util.h"

#define A1 "|nor_conv_1x1~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|"
#define A2 "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|"

/* A proposer that ignores the vetoes: the same two every time, as an LLM
 * that does not read its prompt would. */
static int stubborn_propose(struct proposer *p, const struct propose_ctx *c,
                            struct cand_list *out, struct err *e)
{
    (void)p;
    (void)c;
    (void)e;
    cand_list_add_text(out, A1);
    cand_list_add_text(out, A2);
    return 0;
}

static const struct proposer_ops stubborn_ops = {.propose = stubborn_propose};

static void replay_into(struct state *re, const struct capture *cap, const struct space *sp)
{
    struct err e;
    const struct session_info *info = NULL;
    state_init(re, space_decode_ctx, sp, sp->front_cost);
    for (int i = 0; i < cap->n; i++) {
        struct event ev;
        assert_int_equal(event_from_json(cap->lines[i], &ev, info, &e), 0);
        if (state_apply(re, &ev, &e) < 0)
            fail_msg("event %d: %s: %s", i + 1, e.where, e.msg);
        if (ev.type == EV_SESSION_STARTED)
            info = &re->info;
        event_free(&ev);
    }
}

static void coordinator_refuses_a_vetoed_architecture(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    struct evaluator *ev = evaluator_open(sp, &e);
    struct proposer p = {.ops = &stubborn_ops, .name = "stubborn", .source = SRC_AGENT,
                         .space = sp};
    struct search_config cfg = {.algo = "stubborn", .budget = 10,
                                .review = REVIEW_CANDIDATES, .max_idle_iters = 5};
    struct search *s = search_new(&cfg, sp, ev, &p, &e);
    struct capture cap = {0};
    search_listen(s, capture_event, &cap);
    search_start(s);
    const struct state *st = search_state(s);
    assert_int_equal(st->ncands, 2);
    assert_true(state_awaits_review(st, state_cand(st, 1)));
    assert_int_equal(search_veto(s, 1, &e), 0);
    struct arch a1, a2;
    assert_int_equal(space_decode(sp, A1, &a1, &e), 0);
    assert_int_equal(space_decode(sp, A2, &a2, &e), 0);
    assert_int_equal(state_vetoed(st, &a1), 1);
    assert_int_equal(state_vetoed(st, &a2), 0);
    assert_true(state_has_seen(st, &a1));
    /* a person cannot bring it back by the side door either */
    assert_int_equal(search_check(s, A1, &e), -1);
    assert_non_null(strstr(e.msg, "vetoed"));
    assert_int_equal(search_approve(s, 2, &e), 1);
    /* every later batch repeats both: refused, never waiting for a person
     * again, and the idle batches end the search instead of looping */
    assert_true(search_done(s));
    assert_int_equal(st->end, END_EXHAUSTED);
    assert_int_equal(st->started, 1);
    assert_true(st->ncands > 2);
    for (int id = 3; id <= st->ncands; id++) {
        const struct cand *c = state_cand(st, id);
        assert_int_equal(c->status, CAND_REJECTED);
        assert_int_equal(c->reason, id % 2 ? REJ_VETOED : REJ_DUPLICATE);
        if (id % 2)
            assert_string_equal(c->detail, "a person vetoed it as candidate 1");
    }
    assert_int_equal(st->idle_iters, 5);
    assert_int_equal(state_vetoed(st, &a1), 1); /* still the first veto's */
    /* the LLM Generator's prompt lists it, once, as vetoed; the Navigator's
     * feedback says why the re-proposals were refused */
    struct strbuf t = {0};
    listing_visited(st, sp, NULL, &t);
    const char *v = strstr(strbuf_str(&t), "Vetoed by the person");
    assert_non_null(v);
    assert_non_null(strstr(v, A1 "\n"));
    assert_null(strstr(strstr(v, A1) + 1, A1));
    assert_null(strstr(v, A2));
    strbuf_reset(&t);
    assert_true(listing_rejected(st, st->iter, &t) > 0);
    assert_non_null(strstr(strbuf_str(&t), "vetoed: a person vetoed it as candidate 1"));
    strbuf_free(&t);

    /* the journal alone rebuilds the memory of the veto */
    struct state re;
    replay_into(&re, &cap, sp);
    assert_int_equal(state_vetoed(&re, &a1), 1);
    assert_int_equal(state_vetoed(&re, &a2), 0);
    assert_int_equal(re.idle_iters, st->idle_iters);
    assert_int_equal(re.rejected[REJ_VETOED], st->rejected[REJ_VETOED]);
    state_free(&re);
    capture_free(&cap);
    search_free(s);
    evaluator_close(ev);
    space_close(sp);
}

/* A person vetoes the whole first batch; no later batch of the real
 * proposers offers any of it again, and the budget is still spent. */
static void proposers_never_offer_a_vetoed_architecture(void **state)
{
    (void)state;
    static const char *const algos[] = {"collm", "rea", "random", "local"};
    for (int k = 0; k < 4; k++) {
        struct err e;
        struct space *sp = space_open("nb201:cifar10", NULL, &e);
        struct evaluator *ev = evaluator_open(sp, &e);
        struct proposer *p = proposer_open(algos[k], sp, 3, NULL, &e);
        assert_non_null(p);
        struct search_config cfg = {.algo = algos[k], .seed = 3, .budget = 40,
                                    .review = REVIEW_CANDIDATES};
        struct search *s = search_new(&cfg, sp, ev, p, &e);
        search_start(s);
        const struct state *st = search_state(s);
        int first = st->batch_first, n = st->nbatch;
        if (n < 1)
            fail_msg("%s: a batch of %d", algos[k], n);
        for (int i = 0; i < n; i++)
            assert_int_equal(search_veto(s, st->cands[first + i].id, &e), 0);
        for (int guard = 0; !search_done(s) && guard < 1000; guard++)
            assert_true(search_approve(s, 0, &e) > 0);
        assert_true(search_done(s));
        assert_int_equal(st->started, 40);
        assert_int_equal(st->rejected[REJ_VETOED], n);
        for (int i = first + n; i < st->ncands; i++)
            for (int j = first; j < first + n; j++)
                if (strcmp(st->cands[i].text, st->cands[j].text) == 0)
                    fail_msg("%s: candidate %d repeats vetoed candidate %d", algos[k],
                             st->cands[i].id, st->cands[j].id);
        search_free(s);
        proposer_close(p);
        evaluator_close(ev);
        space_close(sp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coordinator_refuses_a_vetoed_architecture),
        cmocka_unit_test(proposers_never_offer_a_vetoed_architecture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
