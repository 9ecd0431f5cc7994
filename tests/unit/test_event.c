/* The event codec: every type survives JSON and back; bad lines say why. */
#include "testutil.h"

#include <math.h>

#include "../../engine/core/event.h"
#include "../../engine/core/fields.h"

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

/* Lines the format-1 codec (before the field table) wrote, one per event
 * type and variant, every field set or left to its default: they must load
 * and be written back as the very same bytes. */
static const char *const format1[] = {
    "{\"seq\":1,\"t\":0,\"type\":\"session_started\",\"iter\":0,\"version\":1,\"program\":\"collm 0.1.0\",\"space\":\"nb201:cifar10\",\"algo\":\"rea\",\"seed\":9.00719925474099e+15,\"budget\":100,\"constraint\":\"flops<=100\",\"review\":\"strategy\",\"params\":{\"batch\":4,\"population\":20,\"tournament\":5,\"prior\":0.1},\"agents\":{\"navigator\":\"llm:q\",\"generator\":\"offline\"},\"target\":91.123456789,\"metrics\":[{\"name\":\"valid_acc\",\"unit\":\"%\",\"role\":\"objective\",\"help\":\"v \\\"h\\\"\"},{\"name\":\"test_acc\",\"unit\":\"%\",\"role\":\"report\"},{\"name\":\"flops\",\"unit\":\"M\",\"role\":\"cost\"}],\"objective\":\"valid_acc\",\"report\":\"test_acc\"}",
    "{\"seq\":2,\"t\":0.333333,\"type\":\"iteration_started\",\"iter\":1}",
    "{\"seq\":3,\"t\":0,\"type\":\"candidates_proposed\",\"iter\":1,\"source\":\"user\",\"by\":\"gen\",\"candidates\":[{\"id\":1,\"arch\":\"|a|\"},{\"id\":2,\"arch\":\"|b|\"}],\"state\":\"{\\\"k\\\":1}\"}",
    "{\"seq\":4,\"t\":0,\"type\":\"candidates_proposed\",\"iter\":1,\"source\":\"algorithm\",\"by\":\"\",\"candidates\":[]}",
    "{\"seq\":5,\"t\":0,\"type\":\"candidate_rejected\",\"iter\":1,\"id\":2,\"arch\":\"|b|\",\"reason\":\"surplus\",\"detail\":\"by the user\"}",
    "{\"seq\":6,\"t\":0,\"type\":\"candidate_rejected\",\"iter\":1,\"id\":0,\"arch\":\"\",\"reason\":\"invalid\",\"detail\":\"\"}",
    "{\"seq\":7,\"t\":0,\"type\":\"eval_started\",\"iter\":1,\"id\":1,\"arch\":\"|a|\"}",
    "{\"seq\":8,\"t\":0,\"type\":\"eval_finished\",\"iter\":1,\"id\":1,\"arch\":\"|a|\",\"metrics\":{\"valid_acc\":91.25,\"test_acc\":null,\"flops\":0.1}}",
    "{\"seq\":9,\"t\":0,\"type\":\"eval_failed\",\"iter\":1,\"id\":3,\"arch\":\"|c|\",\"detail\":\"boom\"}",
    "{\"seq\":10,\"t\":0,\"type\":\"best_improved\",\"iter\":1,\"id\":1,\"arch\":\"|a|\",\"metrics\":{\"valid_acc\":1e-300,\"test_acc\":2,\"flops\":3}}",
    "{\"seq\":11,\"t\":0,\"type\":\"budget_reached\",\"iter\":1,\"used\":100,\"budget\":100}",
    "{\"seq\":12,\"t\":0,\"type\":\"target_reached\",\"iter\":1,\"id\":1,\"arch\":\"|a|\",\"metrics\":{\"valid_acc\":91.6,\"test_acc\":94,\"flops\":86}}",
    "{\"seq\":13,\"t\":0,\"type\":\"session_ended\",\"iter\":1,\"reason\":\"error\",\"detail\":\"done\",\"used\":3,\"budget\":100}",
    "{\"seq\":14,\"t\":0,\"type\":\"strategy_proposed\",\"iter\":2,\"by\":\"nav\",\"text\":\"# S\",\"turn\":\"turn text\"}",
    "{\"seq\":15,\"t\":0,\"type\":\"strategy_proposed\",\"iter\":2,\"by\":\"nav\",\"text\":\"# S\"}",
    "{\"seq\":16,\"t\":0,\"type\":\"llm_request\",\"iter\":2,\"req\":4,\"role\":\"navigator\",\"model\":\"qwen3\",\"messages\":[{\"role\":\"system\",\"content\":\"you \\\"are\\\"\\n\"},{\"role\":\"user\",\"content\":\"r\\té\"}]}",
    "{\"seq\":17,\"t\":0,\"type\":\"llm_request\",\"iter\":2,\"req\":0,\"role\":\"\",\"model\":\"\",\"messages\":[]}",
    "{\"seq\":18,\"t\":0,\"type\":\"llm_retry\",\"iter\":2,\"req\":4,\"attempt\":2,\"delay\":1.25,\"detail\":\"HTTP 429\"}",
    "{\"seq\":19,\"t\":0,\"type\":\"llm_answer\",\"iter\":2,\"req\":4,\"text\":\"x\",\"finish\":\"stop\",\"tokens_in\":123456789012,\"tokens_out\":345,\"latency\":2.5}",
    "{\"seq\":20,\"t\":0,\"type\":\"llm_failed\",\"iter\":2,\"req\":5,\"detail\":\"timed out\",\"text\":\"\",\"latency\":30}",
    "{\"seq\":21,\"t\":0,\"type\":\"answer_rejected\",\"iter\":2,\"req\":5,\"role\":\"generator\",\"detail\":\"no JSON\",\"text\":\"sorry\"}",
    "{\"seq\":22,\"t\":0,\"type\":\"paused\",\"iter\":2,\"detail\":\"3 failures\"}",
    "{\"seq\":23,\"t\":0,\"type\":\"resumed\",\"iter\":2}",
    "{\"seq\":24,\"t\":0,\"type\":\"resumed\",\"iter\":2,\"detail\":\"one iteration\"}",
    "{\"seq\":25,\"t\":0,\"type\":\"session_resumed\",\"iter\":2,\"budget\":200,\"detail\":\"extended\"}",
    "{\"seq\":26,\"t\":0,\"type\":\"candidate_approved\",\"iter\":2,\"id\":7}",
    "{\"seq\":27,\"t\":0,\"type\":\"candidate_edited\",\"iter\":2,\"id\":7,\"arch\":\"|z|\",\"detail\":\"|y|\"}",
    "{\"seq\":28,\"t\":0,\"type\":\"strategy_edited\",\"iter\":2,\"by\":\"user\",\"text\":\"mine\"}",
    "{\"seq\":29,\"t\":0,\"type\":\"strategy_edited\",\"iter\":2,\"by\":\"bob\",\"text\":\"mine\"}",
    "{\"seq\":30,\"t\":0,\"type\":\"review_changed\",\"iter\":2,\"detail\":\"candidates\"}",
    "{\"seq\":8,\"type\":\"eval_finished\",\"iter\":1,\"id\":1,\"arch\":\"|a|\",\"metrics\":{\"valid_acc\":91.25,\"test_acc\":null,\"flops\":0.1}}",
    "{\"seq\":1,\"type\":\"session_started\",\"iter\":0,\"version\":1,\"program\":\"collm 0.1.0\",\"space\":\"nb201:cifar10\",\"algo\":\"rea\",\"seed\":9.00719925474099e+15,\"budget\":100,\"constraint\":\"flops<=100\",\"review\":\"auto\",\"params\":{\"batch\":4,\"population\":20,\"tournament\":5,\"prior\":0.1},\"agents\":{\"navigator\":\"\",\"generator\":\"offline\"},\"target\":null,\"metrics\":[{\"name\":\"valid_acc\",\"unit\":\"%\",\"role\":\"objective\",\"help\":\"v \\\"h\\\"\"},{\"name\":\"test_acc\",\"unit\":\"%\",\"role\":\"report\"},{\"name\":\"flops\",\"unit\":\"M\",\"role\":\"cost\"}],\"objective\":\"valid_acc\"}"
};

static void old_lines_load_and_write_the_same_bytes(void **state)
{
    (void)state;
    struct event hdr;
    struct err e;
    assert_int_equal(event_from_json(format1[0], &hdr, NULL, &e), 0);
    for (size_t i = 0; i < sizeof format1 / sizeof format1[0]; i++) {
        struct event ev;
        const struct session_info *info = hdr.info;
        if (event_from_json(format1[i], &ev, info, &e) != 0)
            fail_msg("%s: %s: %s", format1[i], e.where, e.msg);
        char *back = event_to_json(&ev, ev.info ? ev.info : info, strstr(format1[i], "\"t\":") != NULL);
        assert_string_equal(back, format1[i]);
        free(back);
        event_free(&ev);
    }
    event_free(&hdr);
}

/* Every member a type carries is set, so a field the table forgets (or
 * reads into the wrong member) shows as a difference. */
static void every_field_survives(void **state)
{
    (void)state;
    struct session_info *info = make_info();
    info->navigator = strdup("llm:qwen3");
    info->generator = strdup("offline-generator");
    info->params = strdup("{\"batch\":3,\"population\":17,\"tournament\":4,\"prior\":0.25}");
    info->review = REVIEW_ALL;
    struct ev_cand cands[2] = {{1, "|a|"}, {2, "|b|"}};
    struct ev_msg msgs[2] = {{"system", "s"}, {"user", "u"}};
    struct event evs[] = {
        {.type = EV_CANDIDATES_PROPOSED, .seq = 3, .t = 1.5, .iter = 1, .source = SRC_USER,
         .by = "gen", .ncand = 2, .cand = cands, .pstate = "{\"k\":[1,2]}"},
        {.type = EV_STRATEGY_PROPOSED, .seq = 4, .iter = 2, .by = "nav", .text = "# S",
         .prompt = "the results"},
        {.type = EV_CANDIDATE_EDITED, .seq = 5, .id = 9, .arch = "|new|", .before = "|old|"},
        {.type = EV_REVIEW_CHANGED, .seq = 6, .review = REVIEW_STRATEGY},
        {.type = EV_RESUMED, .seq = 7, .why = "one iteration"},
        {.type = EV_SESSION_RESUMED, .seq = 8, .budget = 300, .why = "extended"},
        {.type = EV_STRATEGY_EDITED, .seq = 9, .by = "ann", .text = "mine"},
        {.type = EV_LLM_REQUEST, .seq = 10, .req = 2, .role = "generator", .model = "m",
         .nmsg = 2, .msgs = msgs},
        {.type = EV_LLM_ANSWER, .seq = 11, .req = 2, .text = "a", .finish = "length",
         .tokens_in = 123456789012, .tokens_out = 7, .latency = 0.1},
        {.type = EV_EVAL_FINISHED, .seq = 12, .id = 1, .arch = "|a|", .metrics = {1, NAN, 3}},
    };
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
        char *line = event_to_json(&evs[i], info, 1);
        struct event b;
        struct err e;
        if (event_from_json(line, &b, info, &e) != 0)
            fail_msg("%s: %s: %s", line, e.where, e.msg);
        const struct event *a = &evs[i];
        assert_int_equal(b.type, a->type);
        assert_int_equal(b.iter, a->iter);
        assert_float_equal(b.t, a->t, 0);
        assert_int_equal(b.source, a->source);
        assert_int_equal(b.id, a->id);
        assert_int_equal(b.req, a->req);
        assert_int_equal(b.budget, a->budget);
        assert_int_equal(b.review, a->review);
        assert_int_equal(b.tokens_in, a->tokens_in);
        assert_int_equal(b.tokens_out, a->tokens_out);
        assert_float_equal(b.latency, a->latency, 0);
#define SAME_STR(m) assert_string_equal(b.m ? b.m : "(null)", a->m ? a->m : "(null)")
        SAME_STR(by);
        SAME_STR(pstate);
        SAME_STR(arch);
        SAME_STR(why);
        SAME_STR(before);
        SAME_STR(prompt);
        SAME_STR(text);
        SAME_STR(role);
        SAME_STR(model);
        SAME_STR(finish);
#undef SAME_STR
        assert_int_equal(b.ncand, a->ncand);
        for (int k = 0; k < a->ncand; k++) {
            assert_int_equal(b.cand[k].id, a->cand[k].id);
            assert_string_equal(b.cand[k].arch, a->cand[k].arch);
        }
        assert_int_equal(b.nmsg, a->nmsg);
        for (int k = 0; k < a->nmsg; k++) {
            assert_string_equal(b.msgs[k].role, a->msgs[k].role);
            assert_string_equal(b.msgs[k].content, a->msgs[k].content);
        }
        if (a->type == EV_EVAL_FINISHED) {
            assert_float_equal(b.metrics[0], 1, 0);
            assert_true(isnan(b.metrics[1]));
        }
        free(line);
        event_free(&b);
    }
    /* the header: every member back */
    struct event h = {.type = EV_SESSION_STARTED, .seq = 1, .info = info}, hb;
    struct err e;
    char *line = event_to_json(&h, NULL, 1);
    assert_int_equal(event_from_json(line, &hb, NULL, &e), 0);
    const struct session_info *x = hb.info;
    assert_string_equal(x->program, info->program);
    assert_string_equal(x->algo, info->algo);
    assert_string_equal(x->constraint, info->constraint);
    assert_string_equal(x->navigator, "llm:qwen3");
    assert_string_equal(x->generator, "offline-generator");
    assert_int_equal(x->budget, 100);
    assert_string_equal(x->params, "{\"batch\":3,\"population\":17,\"tournament\":4,"
                                   "\"prior\":0.25}");
    assert_int_equal(x->review, REVIEW_ALL);
    assert_int_equal(x->has_target, 1);
    assert_int_equal(x->objective, 0);
    assert_string_equal(x->metrics[0].help, "v");
    assert_null(x->metrics[1].help);
    assert_int_equal(x->metrics[2].role, METRIC_COST);
    assert_string_equal(x->metrics[2].unit, "M");
    free(line);
    event_free(&hb);
    session_info_free(info);
}

/* Copies own everything (ASan sees a double free or a leak otherwise). */
static void copies_of_every_kind_are_deep(void **state)
{
    (void)state;
    struct session_info *info = make_info();
    struct ev_cand cands[2] = {{1, "|a|"}, {2, "|b|"}};
    struct ev_msg msgs[1] = {{"user", "hello"}};
    struct event evs[] = {
        {.type = EV_SESSION_STARTED, .info = info},
        {.type = EV_CANDIDATES_PROPOSED, .by = "g", .ncand = 2, .cand = cands, .pstate = "{}"},
        {.type = EV_LLM_REQUEST, .role = "navigator", .model = "m", .nmsg = 1, .msgs = msgs},
        {.type = EV_STRATEGY_PROPOSED, .by = "n", .text = "t", .prompt = "p"},
        {.type = EV_CANDIDATE_EDITED, .id = 1, .arch = "x", .before = "y"},
        {.type = EV_SESSION_RESUMED, .budget = 5, .why = "extended"},
    };
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
        struct event c;
        assert_int_equal(event_copy(&c, &evs[i]), 0);
        char *a = event_to_json(&evs[i], info, 0), *b = event_to_json(&c, info, 0);
        assert_string_equal(a, b);
        if (c.info) {
            assert_ptr_not_equal(c.info, info);
            assert_ptr_not_equal(c.info->metrics[0].name, info->metrics[0].name);
        }
        if (c.nmsg)
            assert_ptr_not_equal(c.msgs[0].content, msgs[0].content);
        if (c.why)
            assert_ptr_not_equal(c.why, evs[i].why);
        free(a);
        free(b);
        event_free(&c);
        assert_null(c.cand); /* free leaves it empty */
    }
    struct session_info *dup = session_info_new();
    assert_int_equal(session_info_copy(dup, info), 0);
    assert_string_equal(dup->space, "nb201:cifar10");
    assert_ptr_not_equal(dup->space, info->space);
    session_info_free(dup);
    session_info_free(info);
}

static void unknown_types_are_skipped_and_bad_values_named(void **state)
{
    (void)state;
    struct session_info *info = make_info();
    struct event ev;
    struct err e;
    /* a newer writer's type, with fields this version has no row for */
    assert_int_equal(event_from_json("{\"seq\":7,\"type\":\"weights_swapped\",\"iter\":2,"
                                     "\"id\":3,\"epoch\":4}", &ev, info, &e), 1);
    assert_int_equal(ev.seq, 7);
    assert_int_equal(ev.type, 0);
    /* one meaning per member: a bad policy is an error, not a string */
    assert_int_equal(event_from_json("{\"seq\":2,\"type\":\"review_changed\",\"iter\":0,"
                                     "\"detail\":\"sometimes\"}", &ev, info, &e), -1);
    assert_string_equal(e.where, "detail");
    assert_int_equal(event_from_json("{\"seq\":2,\"type\":\"llm_answer\",\"iter\":0,\"req\":1,"
                                     "\"text\":\"\",\"finish\":\"stop\",\"tokens_in\":1,"
                                     "\"tokens_out\":-1,\"latency\":1}", &ev, info, &e), -1);
    assert_string_equal(e.where, "tokens_out");
    assert_int_equal(event_from_json("{\"seq\":2,\"type\":\"llm_request\",\"iter\":0,\"req\":1,"
                                     "\"role\":\"r\",\"model\":\"m\",\"messages\":[{\"role\":"
                                     "\"user\"}]}", &ev, info, &e), -1);
    assert_string_equal(e.where, "messages: content");
    /* optional keys stay optional; present ones must be right */
    assert_int_equal(event_from_json("{\"seq\":2,\"type\":\"resumed\",\"iter\":0,\"detail\":5}",
                                     &ev, info, &e), -1);
    assert_string_equal(e.where, "detail");
    assert_int_equal(event_from_json("{\"seq\":2,\"type\":\"resumed\",\"iter\":0}", &ev, info,
                                     &e), 0);
    assert_null(ev.why);
    session_info_free(info);
}

/* The kind a generic "params" header field will use: a JSON object kept
 * as its text, grouped rows, and the copy and free of the same table. */
struct opts {
    char *params;
    int width;
    char *name;
};

static const struct field opt_fields[] = {
    {.key = "params", .kind = FK_JSON, .off = offsetof(struct opts, params), .types = FIELDS_ALL},
    {.key = "width", .kind = FK_INT, .off = offsetof(struct opts, width), .types = FIELDS_ALL,
     .group = "shape", .flags = FF_POSITIVE},
    {.key = "name", .kind = FK_STR, .off = offsetof(struct opts, name), .types = FIELDS_ALL,
     .group = "shape", .flags = FF_OPTIONAL},
};

static void json_text_fields_round_trip(void **state)
{
    (void)state;
    struct opts a = {.params = "{\"population\": 20, \"mutate\": {\"p\": 0.5}}", .width = 3};
    cJSON *o = cJSON_CreateObject();
    fields_to_json(opt_fields, 3, FIELDS_ALL, &a, NULL, o);
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    assert_string_equal(line, "{\"params\":{\"population\":20,\"mutate\":{\"p\":0.5}},"
                              "\"shape\":{\"width\":3}}");
    struct opts b = {0}, c;
    struct err e;
    o = cJSON_Parse(line);
    assert_int_equal(fields_from_json(opt_fields, 3, FIELDS_ALL, o, &b, NULL, &e), 0);
    cJSON_Delete(o);
    assert_string_equal(b.params, "{\"population\":20,\"mutate\":{\"p\":0.5}}");
    assert_int_equal(b.width, 3);
    assert_null(b.name);
    c = b;
    assert_int_equal(fields_copy(opt_fields, 3, &c, &b), 0);
    assert_ptr_not_equal(c.params, b.params);
    assert_string_equal(c.params, b.params);
    fields_free(opt_fields, 3, &c);
    fields_free(opt_fields, 3, &b);
    assert_null(b.params);
    o = cJSON_Parse("{\"params\":[1],\"shape\":{\"width\":1}}");
    assert_int_equal(fields_from_json(opt_fields, 3, FIELDS_ALL, o, &b, NULL, &e), -1);
    assert_string_equal(e.where, "params");
    cJSON_Delete(o);
    o = cJSON_Parse("{\"params\":{},\"shape\":{\"width\":0}}");
    assert_int_equal(fields_from_json(opt_fields, 3, FIELDS_ALL, o, &b, NULL, &e), -1);
    assert_string_equal(e.where, "shape: width");
    cJSON_Delete(o);
    fields_free(opt_fields, 3, &b);
    free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_type_round_trips),
        cmocka_unit_test(copies_are_deep),
        cmocka_unit_test(bad_lines_say_why),
        cmocka_unit_test(old_lines_load_and_write_the_same_bytes),
        cmocka_unit_test(every_field_survives),
        cmocka_unit_test(copies_of_every_kind_are_deep),
        cmocka_unit_test(unknown_types_are_skipped_and_bad_values_named),
        cmocka_unit_test(json_text_fields_round_trip),
    };
    return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
