/* The token counts a server reports go into the journal as they are read:
 * whatever a server says, collm must write counts its own reader takes
 * (issue 15, finding 5: prompt_tokens of -5 or 1e16 made `collm export`
 * refuse the session). */
#include "testutil.h"

#include "../../engine/core/event.h"
#include "../../engine/llm/answer.h"

static void parse(struct llm_answer *a, const char *usage)
{
    char body[512], why[200];
    snprintf(body, sizeof body, "{\"choices\":[{\"message\":{\"content\":\"hi\"},"
                                "\"finish_reason\":\"stop\"}],\"usage\":%s}", usage);
    memset(a, 0, sizeof *a);
    if (llm_answer_parse(a, body, why, sizeof why) < 0)
        fail_msg("%s: %s", body, why);
}

/* The answer as the journal writes it, read back as the journal reads it. */
static int journal_takes(const struct llm_answer *a)
{
    struct event ev = {.type = EV_LLM_ANSWER, .seq = 3, .iter = 1, .req = 1, .text = "hi",
                       .finish = "stop", .tokens_in = a->tokens_in, .tokens_out = a->tokens_out,
                       .tokens_reasoning = a->tokens_reasoning, .latency = 0.1};
    char *line = event_to_json(&ev, NULL, 1);
    assert_non_null(line);
    struct event back;
    struct err e;
    int rc = event_from_json(line, &back, NULL, &e);
    if (rc == 0)
        event_free(&back);
    free(line);
    return rc == 0;
}

static void good_counts_are_kept(void **state)
{
    (void)state;
    struct llm_answer a;
    parse(&a, "{\"prompt_tokens\":1200,\"completion_tokens\":345,"
              "\"completion_tokens_details\":{\"reasoning_tokens\":40}}");
    assert_int_equal(a.tokens_in, 1200);
    assert_int_equal(a.tokens_out, 345);
    assert_int_equal(a.tokens_reasoning, 40);
    assert_string_equal(a.usage_bad, "");
    assert_true(journal_takes(&a));
    llm_answer_free(&a);
}

static void bad_counts_are_zero_and_flagged(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"prompt_tokens\":-5,\"completion_tokens\":7}",
        "{\"prompt_tokens\":1e16,\"completion_tokens\":7}",
        "{\"prompt_tokens\":3,\"completion_tokens\":1e300}",
        "{\"prompt_tokens\":3,\"completion_tokens\":7,"
        "\"completion_tokens_details\":{\"reasoning_tokens\":-1}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct llm_answer a;
        parse(&a, bad[i]);
        if (!journal_takes(&a))
            fail_msg("%s: the journal's reader refuses what would be written", bad[i]);
        assert_true(a.tokens_in >= 0 && a.tokens_out >= 0 && a.tokens_reasoning >= 0);
        assert_non_null(strstr(a.usage_bad, "which is no token count: taken as 0"));
        llm_answer_free(&a);
    }
    struct llm_answer a;
    parse(&a, "{\"prompt_tokens\":-5,\"completion_tokens\":7}");
    assert_int_equal(a.tokens_in, 0);
    assert_int_equal(a.tokens_out, 7); /* the good one is kept */
    assert_string_equal(a.usage_bad, "the server said prompt_tokens -5, which is no token "
                                     "count: taken as 0");
    llm_answer_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_counts_are_kept),
        cmocka_unit_test(bad_counts_are_zero_and_flagged),
    };
    return cmocka_run_group_tests_name("usage", tests, NULL, NULL);
}
