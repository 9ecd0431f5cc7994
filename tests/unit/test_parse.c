/* Reading model output: candidates in fences, prose, reasoning blocks,
 * truncated answers; strategies with and without their sections; and the
 * offline Generator's reading of a strategy back into a plan. */
#include "testutil.h"

#include "../../engine/agents/parse.h"
#include "../../engine/agents/strategy.h"
#include "../../engine/spaces/nb201.h"

#define A1 "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#define A2 "|none~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|"

static int parse(const char *text, const char *finish, struct cand_list *l, char *why)
{
    cand_list_init(l);
    return parse_candidates(text, finish, NULL, l, why, 300);
}

static void candidates_in_fences_prose_and_reasoning(void **state)
{
    (void)state;
    struct cand_list l;
    char why[300];
    assert_int_equal(parse("{\"candidates\": [\"" A1 "\", \"" A2 "\"]}", "stop", &l, why), 2);
    assert_string_equal(l.items[0].text, A1);
    cand_list_free(&l);
    /* fenced, with prose around that has braces of its own */
    assert_int_equal(parse("Here {are} my picks:\n```json\n{\"candidates\": [\"" A2 "\"]}\n```\n"
                           "Hope {this} helps.", "stop", &l, why), 1);
    assert_string_equal(l.items[0].text, A2);
    cand_list_free(&l);
    /* a bare list in prose; a reasoning block with a decoy list is skipped */
    assert_int_equal(parse("<think>maybe [\"x\", \"y\", \"z\"]?</think>Sure: [\"" A1 "\"] done",
                           "stop", &l, why), 1);
    assert_string_equal(l.items[0].text, A1);
    cand_list_free(&l);
    /* objects with "arch", and objects kept as JSON text for other spaces */
    assert_int_equal(parse("{\"candidates\": [{\"arch\": \"" A1 "\"}, {\"ks\": [3], \"r\": 224}]}",
                           "stop", &l, why), 2);
    assert_string_equal(l.items[0].text, A1);
    assert_string_equal(l.items[1].text, "{\"ks\":[3],\"r\":224}");
    cand_list_free(&l);
    /* unknown operations pass through: the space rejects them with a reason */
    assert_int_equal(parse("{\"candidates\": [\"|conv_7x7~0|+\"]}", "stop", &l, why), 1);
    cand_list_free(&l);
}

static void unusable_answers_say_why(void **state)
{
    (void)state;
    struct cand_list l;
    char why[300];
    assert_int_equal(parse("{\"candidates\": [\"" A1 "\", \"|none", "length", &l, why), -1);
    assert_non_null(strstr(why, "cut off"));
    cand_list_free(&l);
    assert_int_equal(parse("I cannot help with that.", "stop", &l, why), -1);
    assert_non_null(strstr(why, "no JSON found"));
    cand_list_free(&l);
    assert_int_equal(parse("{\"ideas\": 3}", "stop", &l, why), -1);
    assert_non_null(strstr(why, "no list of candidates"));
    cand_list_free(&l);
    assert_int_equal(parse("", "stop", &l, why), -1);
    assert_non_null(strstr(why, "empty"));
    cand_list_free(&l);
    assert_int_equal(parse("<think>the answer is [\"" A1 "\"] but I am still", "length", &l,
                           why), -1); /* reasoning that never ended */
    cand_list_free(&l);
}

static void strategies_need_their_sections(void **state)
{
    (void)state;
    char *out, why[300];
    const char *good = "Sure! Here it is.\n```\n# SUMMARY\nok\n## Key Patterns\n- a\n"
                       "# NAVIGATION DIRECTIONS\n## edge 1<-0\nprefer nor_conv_3x3\n```\n";
    assert_int_equal(parse_strategy(good, "stop", &out, why, sizeof why), 0);
    assert_true(strncmp(out, "# SUMMARY", 9) == 0);
    assert_null(strstr(out, "```"));
    assert_null(strstr(out, "Sure!"));
    free(out);
    assert_int_equal(parse_strategy("# SUMMARY\nx\n# KEY PATTERNS\n- y\n", "length", &out, why,
                                    sizeof why), -1);
    assert_non_null(strstr(why, "lacks the section \"# NAVIGATION DIRECTIONS\""));
    assert_non_null(strstr(why, "cut off"));
    assert_int_equal(parse_strategy("<think># SUMMARY # KEY PATTERNS # NAVIGATION DIRECTIONS"
                                    "</think>just do your best", "stop", &out, why, sizeof why),
                     -1);
}

static void a_strategy_reads_back_into_a_plan(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    assert_non_null(sp);
    /* written by a person or an LLM, not by us */
    const char *text =
        "# SUMMARY\nBest so far " A1 ".\n# KEY PATTERNS\n- avoid " A2 " style cells\n"
        "# NAVIGATION DIRECTIONS\n"
        "## Edge 1 <- 0\nPrefer nor_conv_3x3 (+1.5) and nor_conv_1x1; never none.\n"
        "## edge 3<-0\nfavour skip_connect (+2)\n"
        "## how to search\nExploit 80%: change at most 1 decision of:\n- `" A1 "`\n"
        "explore 20%\n";
    struct plan p;
    assert_true(strategy_parse(text, sp, &p) >= 5);
    assert_float_equal(p.w[0][NB201_CONV3], 1.5, 0);
    assert_float_equal(p.w[0][NB201_CONV1], 1.0, 0); /* "prefer" without a number */
    assert_float_equal(p.w[0][NB201_NONE], -1.0, 0); /* "never" */
    assert_float_equal(p.w[3][NB201_SKIP], 2.0, 0);
    assert_false(p.has[1][NB201_CONV3]);             /* nothing said about edge 2<-0 */
    assert_int_equal(p.nanchors, 1);                 /* A2 was named to avoid, not to keep */
    struct arch a1;
    space_decode(sp, A1, &a1, &e);
    assert_true(arch_eq(&p.anchors[0], &a1));
    assert_float_equal(p.exploit, 0.8, 1e-12);
    assert_int_equal(p.radius, 1);

    /* our own writing reads back the same */
    struct plan q;
    memset(&q, 0, sizeof q);
    q.ndims = sp->ndims;
    for (int d = 0; d < sp->ndims; d++)
        for (int c = 0; c < NB201_OPS; c++)
            q.w[d][c] = (d + 1) * 0.25 - c * 0.5;
    q.anchors[0] = a1;
    q.nanchors = 1;
    q.exploit = 0.6;
    q.radius = 2;
    struct strbuf buf = {0};
    strategy_write_directions(&q, sp, &buf);
    struct plan back;
    strategy_parse(strbuf_str(&buf), sp, &back);
    strbuf_free(&buf);
    for (int d = 0; d < sp->ndims; d++)
        for (int c = 0; c < NB201_OPS; c++)
            assert_float_equal(back.w[d][c], q.w[d][c], 0.005);
    assert_int_equal(back.nanchors, 1);
    assert_float_equal(back.exploit, 0.6, 1e-12);
    assert_int_equal(back.radius, 2);
    space_close(sp);
}

/* What reasoning models and sloppy writers send (issue: "real models"). */
static void reasoning_ends_at_the_last_closing_tag(void **state)
{
    (void)state;
    struct cand_list l;
    char why[300];
    /* the template opened <think> itself: only the closing tag arrives, and
     * the format example quoted inside the reasoning is no answer */
    assert_int_equal(parse("The format is {\"candidates\": [\"<architecture>\", ...]}. Let me "
                           "pick.</think>\n{\"candidates\": [\"" A1 "\"]}", "stop", &l, why), 1);
    assert_string_equal(l.items[0].text, A1);
    cand_list_free(&l);
    /* a reasoning that drafts one list, then thinks again */
    assert_int_equal(parse("<think>[\"" A2 "\"]</think> hmm <think>no</think>[\"" A1 "\"]",
                           "stop", &l, why), 1);
    assert_string_equal(l.items[0].text, A1);
    cand_list_free(&l);
    /* nothing after the reasoning: said so */
    assert_int_equal(parse("I would pick [\"" A1 "\"]</think>\n", "stop", &l, why), -1);
    assert_non_null(strstr(why, "empty after the reasoning"));
    cand_list_free(&l);
    size_t rl;
    const char *a = parse_answer_start("abc</thinking>def", &rl);
    assert_string_equal(a, "def");
    assert_int_equal(rl, 14);
    assert_null(parse_answer_start("<think>still going", &rl));
    char *out;
    /* a strategy drafted in the reasoning does not become the strategy */
    assert_int_equal(parse_strategy("# SUMMARY\ndraft\n# KEY PATTERNS\n# NAVIGATION DIRECTIONS\n"
                                    "</think># SUMMARY\nreal\n# KEY PATTERNS\n- a\n"
                                    "# NAVIGATION DIRECTIONS\n- b", "stop", &out, why, sizeof why),
                     0);
    assert_null(strstr(out, "draft"));
    assert_non_null(strstr(out, "real"));
    free(out);
}

static void sloppy_json_is_repaired(void **state)
{
    (void)state;
    struct cand_list l;
    char why[300];
    /* comments and trailing commas */
    assert_int_equal(parse("{\n  // two picks\n  \"candidates\": [\n    \"" A1 "\", /* best */\n"
                           "    \"" A2 "\",\n  ],\n}", "stop", &l, why), 2);
    assert_string_equal(l.items[1].text, A2);
    cand_list_free(&l);
    /* the paper's figure: a single-quoted Python dict, with True and a bare key */
    assert_int_equal(parse("Answer: {'candidates': ['" A1 "'], ok: True}", "stop", &l, why), 1);
    assert_string_equal(l.items[0].text, A1);
    cand_list_free(&l);
    /* other keys for the architecture and the list; objects stay objects */
    assert_int_equal(parse("{\"architectures\": [{\"architecture\": \"" A1 "\"}, {'genotype': '"
                           A2 "'}, {\"arch\": {\"r\": 28, 'd': [2, 2]}}]}", "stop", &l, why), 3);
    assert_string_equal(l.items[0].text, A1);
    assert_string_equal(l.items[1].text, A2);
    assert_string_equal(l.items[2].text, "{\"r\":28,\"d\":[2,2]}");
    cand_list_free(&l);
    /* apostrophes in prose do not start strings */
    assert_int_equal(parse("I'd go with these, they're good: ['" A1 "']. That's all.", "stop",
                           &l, why), 1);
    cand_list_free(&l);
    /* a quote inside a single-quoted string survives */
    assert_int_equal(parse("['say \"hi\"', 'it\\'s']", "stop", &l, why), 2);
    assert_string_equal(l.items[0].text, "say \"hi\"");
    assert_string_equal(l.items[1].text, "it's");
    cand_list_free(&l);
    /* what cannot be repaired is named with where it is */
    assert_int_equal(parse("Here: {\"candidates\": [\"" A1 "\" \"" A2 "\"]}", "stop", &l, why), -1);
    assert_non_null(strstr(why, "character 7"));
    cand_list_free(&l);
    /* an object without a list says which keys it had */
    assert_int_equal(parse("{\"best\": 1, \"worst\": 2}", "stop", &l, why), -1);
    assert_non_null(strstr(why, "\"best\", \"worst\""));
    cand_list_free(&l);
}

static void the_space_finds_its_architectures_in_prose(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    assert_non_null(sp);
    struct cand_list l;
    cand_list_init(&l);
    char why[300];
    assert_int_equal(parse_candidates("I suggest `" A1 "` and also\n" A2 ".\nAnd " A1 " again "
                                      "(|bogus~0|).", "stop", sp, &l, why, sizeof why), 2);
    assert_true(l.items[0].has_arch && l.items[1].has_arch);
    cand_list_free(&l);
    cand_list_init(&l);
    assert_int_equal(parse_candidates("Nothing here that is a cell.", "stop", sp, &l, why,
                                      sizeof why), -1);
    assert_non_null(strstr(why, "no architecture of this space"));
    cand_list_free(&l);
    space_close(sp);
}

static void headings_in_the_forms_models_write(void **state)
{
    (void)state;
    char *out, why[300];
    const char *bold = "Here you go.\n**Summary:** 40 evaluated, best 91.2.\n\n**Key Patterns**\n"
                       "- conv3 on edge 1\n1. NAVIGATION_DIRECTIONS\nprefer nor_conv_3x3\n";
    assert_int_equal(parse_strategy(bold, "stop", &out, why, sizeof why), 0);
    assert_string_equal(out, "# SUMMARY\n40 evaluated, best 91.2.\n\n# KEY PATTERNS\n"
                             "- conv3 on edge 1\n# NAVIGATION DIRECTIONS\nprefer nor_conv_3x3");
    free(out);
    assert_int_equal(parse_strategy("Summary: fine\nKey patterns:\n- a\nNavigation directions:\n"
                                    "- b\n", "stop", &out, why, sizeof why), 0);
    assert_true(strncmp(out, "# SUMMARY\nfine\n# KEY PATTERNS\n", 29) == 0);
    free(out);
    /* prose that starts with the word is no heading */
    assert_int_equal(parse_strategy("Summary of my thoughts below\nKey patterns are many\n"
                                    "Navigation directions follow", "stop", &out, why, sizeof why),
                     -1);
    /* all three headings survived the cut, the directions did not */
    assert_int_equal(parse_strategy("# SUMMARY\nx\n# KEY PATTERNS\n- y\n# NAVIGATION DIRECTIONS\n"
                                    "## edge 1<-0\nprefer nor_", "length", &out, why, sizeof why),
                     -1);
    assert_non_null(strstr(why, "cut off"));
}

/* The paper's OFA strategies speak per dimension ("Kernel Size"), not per
 * slot: such a subsection sets every slot, and a slot's own one wins. */
static void a_subsection_can_speak_for_a_dimension(void **state)
{
    (void)state;
    struct err e;
    struct space *sp = space_open("ofa-mbv3", NULL, &e);
    assert_non_null(sp);
    const char *text = "# NAVIGATION DIRECTIONS\n## Kernel Size (ks)\nprefer 7 (+0.8); avoid 3 (-0.4)\n"
                       "## ks 3\navoid 7 (-1)\n## Expansion Ratio\nprefer 6 (+0.5)\n"
                       "## Resolution\nprefer 224 (+1)\n## how to search\nexplore 100%\n";
    struct plan p;
    assert_true(strategy_parse(text, sp, &p) >= 4);
    int ks0 = -1, ks3 = -1, e5 = -1, r = -1;
    for (int d = 0; d < sp->ndims; d++) {
        if (!strcmp(sp->dims[d].name, "ks 0")) ks0 = d;
        if (!strcmp(sp->dims[d].name, "ks 3")) ks3 = d;
        if (!strcmp(sp->dims[d].name, "e 5")) e5 = d;
        if (!strcmp(sp->dims[d].name, "resolution")) r = d;
    }
    assert_true(ks0 >= 0 && ks3 >= 0 && e5 >= 0 && r >= 0);
    assert_float_equal(p.w[ks0][2], 0.8, 0);   /* 7 */
    assert_float_equal(p.w[ks0][0], -0.4, 0);  /* 3 */
    assert_float_equal(p.w[ks3][2], -1.0, 0);  /* its own subsection */
    assert_float_equal(p.w[e5][2], 0.5, 0);    /* 6 */
    assert_float_equal(p.w[r][4], 1.0, 0);     /* 224 */
    space_close(sp);
}

/* Hostile answers: a megabyte of brackets, a huge unclosed list, thousands
 * of candidates. Each is read once (no parse per bracket) and bounded. */
static void hostile_answers_are_bounded(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *t = malloc(n + 1);
    memset(t, '[', n);
    t[n] = '\0';
    struct cand_list l;
    char why[300];
    assert_int_equal(parse(t, "stop", &l, why), -1);
    cand_list_free(&l);
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(t + i, "[1,", 3);
    assert_int_equal(parse(t, "stop", &l, why), -1);
    cand_list_free(&l);
    /* 5000 candidates: the first PARSE_MAX_CANDIDATES are read */
    size_t k = 0;
    k += (size_t)sprintf(t + k, "[");
    for (int i = 0; i < 5000; i++)
        k += (size_t)sprintf(t + k, "%s\"x%d\"", i ? "," : "", i);
    sprintf(t + k, "]");
    assert_int_equal(parse(t, "stop", &l, why), PARSE_MAX_CANDIDATES);
    cand_list_free(&l);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(candidates_in_fences_prose_and_reasoning),
        cmocka_unit_test(unusable_answers_say_why),
        cmocka_unit_test(strategies_need_their_sections),
        cmocka_unit_test(a_strategy_reads_back_into_a_plan),
        cmocka_unit_test(reasoning_ends_at_the_last_closing_tag),
        cmocka_unit_test(sloppy_json_is_repaired),
        cmocka_unit_test(the_space_finds_its_architectures_in_prose),
        cmocka_unit_test(headings_in_the_forms_models_write),
        cmocka_unit_test(a_subsection_can_speak_for_a_dimension),
        cmocka_unit_test(hostile_answers_are_bounded),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
