/* The event codec: every type survives JSON and back; bad lines say why. */
#include "testutil.h"

#include "../../engine/core/event.h"

static struct session_info *make_info(void)
{
    struct session_info *in = session_info_new();
    in->version = 1;
    in->program = strdup("collm test");
    in->space = strdup("nb201:cifar10");
    in->algo = strdup("rea");
    in->seed = 12345;
    in->budget = 100;
    in->constraint = strdup("flops<=100");
    in->has_target = 1;
    in->target = 91.5;
    in->nmetrics = 3;
    in->metrics[0] = (struct metric_def){strdup("valid_acc"), strdup("%"), strdup("v"),
                                         METRIC_OBJECTIVE};
    in->metrics[1] = (struct metric_def){strdup("test_acc"), strdup("%"), NULL, METRIC_REPORT};
    in->metrics[2] = (struct metric_def){strdup("flops"), strdup("M"), NULL, METRIC_COST};
    in->objective = 0;
    in->report = 1;
    return in;
}

static void round_trip(const struct event *ev, const struct session_info *info)
{
    char *a = event_to_json(ev, info, 1);
    assert_non_null(a);
    struct event back;
    struct err e;
    int rc = event_from_json(a, &back, info, &e);
    if (rc != 0)
        fail_msg("%s: %s: %s", a, e.where, e.msg);
    char *b = event_to_json(&back, info, 1);
    assert_string_equal(a, b); /* same bytes after a round trip */
    assert_int_equal(back.type, ev->type);
    assert_int_equal(back.seq, ev->seq);
    free(a);
    free(b);
    event_free(&back);
}

static void every_type_round_trips(void **state)
{
    (void)state;
    struct session_info *info = make_info();
    struct ev_cand cands[2] = {{1, "|a|"}, {2, "|b|"}};
    struct ev_msg msgs[2] = {{"system", "you are"}, {"user", "results:\n1. x"}};
    struct event evs[] = {
        {.type = EV_SESSION_STARTED, .seq = 1, .info = info},
        {.type = EV_ITERATION_STARTED, .seq = 2, .iter = 1},
        {.type = EV_CANDIDATES_PROPOSED, .seq = 3, .iter = 1, .source = SRC_AGENT,
         .by = "gen", .ncand = 2, .cand = cands},
        {.type = EV_CANDIDATE_REJECTED, .seq = 4, .iter = 1, .id = 2, .arch = "|b|",
         .reason = REJ_CONSTRAINT, .why = "flops 120 M > 100"},
        {.type = EV_EVAL_STARTED, .seq = 5, .iter = 1, .id = 1, .arch = "|a|"},
        {.type = EV_EVAL_FINISHED, .seq = 6, .iter = 1, .id = 1, .arch = "|a|",
         .metrics = {91.25, 94.0, 86.43}},
        {.type = EV_EVAL_FAILED, .seq = 7, .iter = 1, .id = 3, .arch = "|c|",
         .why = "boom \"quoted\"\n"},
        {.type = EV_BEST_IMPROVED, .seq = 8, .iter = 1, .id = 1, .arch = "|a|",
         .metrics = {91.25, 94.0, 86.43}},
        {.type = EV_BUDGET_REACHED, .seq = 9, .iter = 1, .used = 100, .budget = 100},
        {.type = EV_TARGET_REACHED, .seq = 10, .iter = 1, .id = 1, .arch = "|a|",
         .metrics = {91.6, 94.0, 86.0}},
        {.type = EV_SESSION_ENDED, .seq = 11, .iter = 1, .end = END_BUDGET, .why = "done",
         .used = 100, .budget = 100},
        {.type = EV_STRATEGY_PROPOSED, .seq = 12, .iter = 2, .by = "offline-navigator",
         .text = "# SUMMARY\nline \u00e9\t\"q\"\n# KEY PATTERNS\n"},
        {.type = EV_LLM_REQUEST, .seq = 13, .iter = 2, .req = 4, .role = "navigator",
         .model = "qwen3", .nmsg = 2, .msgs = msgs},
        {.type = EV_LLM_RETRY, .seq = 14, .iter = 2, .req = 4, .attempt = 2, .delay = 1.25,
         .why = "HTTP 429"},
        {.type = EV_LLM_ANSWER, .seq = 15, .iter = 2, .req = 4, .text = "```json\n{}\n```",
         .finish = "stop", .tokens_in = 1200, .tokens_out = 345, .latency = 2.5},
        {.type = EV_LLM_FAILED, .seq = 16, .iter = 2, .req = 5, .why = "timed out",
         .text = "", .latency = 30},
        {.type = EV_ANSWER_REJECTED, .seq = 17, .iter = 2, .req = 5, .role = "generator",
         .why = "no JSON", .text = "sorry"},
        {.type = EV_PAUSED, .seq = 18, .iter = 2, .why = "3 failures"},
        {.type = EV_RESUMED, .seq = 19, .iter = 2},
    };
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        round_trip(&evs[i], info);
    /* the header carries everything later lines need */
    char *line = event_to_json(&evs[0], NULL, 0);
    struct event back;
    struct err e;
    assert_int_equal(event_from_json(line, &back, NULL, &e), 0);
    assert_string_equal(back.info->space, "nb201:cifar10");
    assert_int_equal(back.info->seed, 12345);
    assert_float_equal(back.info->target, 91.5, 0);
    assert_int_equal(back.info->nmetrics, 3);
    assert_string_equal(back.info->metrics[2].name, "flops");
    assert_int_equal(back.info->report, 1);
    assert_null(strstr(line, "\"t\"")); /* no time unless asked */
    free(line);
    event_free(&back);
    session_info_free(info);
}

static void copies_are_deep(void **state)
{
    (void)state;
    struct ev_cand cands[1] = {{1, "|a|"}};
    struct event ev = {.type = EV_CANDIDATES_PROPOSED, .by = "x", .ncand = 1, .cand = cands};
    struct event c;
    assert_int_equal(event_copy(&c, &ev), 0);
    assert_ptr_not_equal(c.cand, ev.cand);
    assert_string_equal(c.cand[0].arch, "|a|");
    event_free(&c);
}

static void bad_lines_say_why(void **state)
{
    (void)state;
    struct session_info *info = make_info();
    struct event ev;
    struct err e;
    assert_int_equal(event_from_json("{\"seq\":1,", &ev, info, &e), -1);
    assert_non_null(strstr(e.msg, "not valid JSON"));
    assert_int_equal(event_from_json("[1,2]", &ev, info, &e), -1);
    assert_non_null(strstr(e.msg, "expected a JSON object"));
    /* an event type from a newer version: skipped, not an error */
    assert_int_equal(event_from_json("{\"seq\":1,\"type\":\"hologram\",\"iter\":0}", &ev, info,
                                     &e), 1);
    assert_int_equal(event_from_json("{\"seq\":1,\"type\":\"eval_started\",\"iter\":0,"
                                     "\"arch\":\"x\"}", &ev, info, &e), -1);
    assert_string_equal(e.where, "id");
    assert_int_equal(event_from_json("{\"seq\":1,\"type\":\"eval_finished\",\"iter\":0,"
                                     "\"id\":1,\"arch\":\"x\",\"metrics\":{\"valid_acc\":1,"
                                     "\"flops\":2}}", &ev, info, &e), -1);
    assert_string_equal(e.where, "metrics: test_acc");
    assert_int_equal(event_from_json("{\"seq\":1.5,\"type\":\"iteration_started\",\"iter\":0}",
                                     &ev, info, &e), -1);
    assert_string_equal(e.where, "seq");
    assert_int_equal(event_from_json("{\"seq\":2,\"type\":\"candidate_rejected\",\"iter\":0,"
                                     "\"id\":1,\"arch\":\"x\",\"reason\":\"ugly\","
                                     "\"detail\":\"\"}", &ev, info, &e), -1);
    assert_string_equal(e.where, "reason");
    session_info_free(info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_type_round_trips),
        cmocka_unit_test(copies_are_deep),
        cmocka_unit_test(bad_lines_say_why),
    };
    return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
