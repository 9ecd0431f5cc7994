#include "testutil.h"

#include "../../engine/core/constraint.h"

static const struct metric_def defs[] = {
    {"acc", "%", "", METRIC_OBJECTIVE},
    {"flops", "M", "", METRIC_COST},
    {"params", "M", "", METRIC_COST},
};

static void parses_and_checks(void **state)
{
    (void)state;
    struct constraint c;
    struct err e;
    assert_int_equal(constraint_parse(&c, "flops<=100, params < 1.5", defs, 3, &e), 0);
    assert_int_equal(c.n, 2);
    double ok[3] = {90, 100, 1.4}, bad[3] = {90, 100.5, 1.4}, bad2[3] = {90, 50, 1.5};
    assert_int_equal(constraint_violated(&c, ok), -1);
    assert_int_equal(constraint_violated(&c, bad), 0);
    assert_int_equal(constraint_violated(&c, bad2), 1);
    char buf[128];
    constraint_explain(&c, 0, defs, bad, buf, sizeof buf);
    assert_string_equal(buf, "flops 100.5 M > 100");
    constraint_format(&c, defs, buf, sizeof buf);
    assert_string_equal(buf, "flops<=100,params<1.5");
    assert_int_equal(constraint_parse(&c, NULL, defs, 3, &e), 0);
    assert_int_equal(c.n, 0);
    assert_int_equal(constraint_violated(&c, bad), -1);
    assert_int_equal(constraint_parse(&c, "flops>=10", defs, 3, &e), 0);
    assert_int_equal(constraint_violated(&c, (double[]){0, 9, 0}), 0);
}

static void errors_say_what_and_where(void **state)
{
    (void)state;
    struct constraint c;
    struct err e;
    assert_int_equal(constraint_parse(&c, "flops<=100,latency<=3", defs, 3, &e), -1);
    assert_string_equal(e.where, "constraint, character 12");
    assert_non_null(strstr(e.msg, "'latency' is not a cost of this space; costs are: flops, "
                                  "params"));
    assert_int_equal(constraint_parse(&c, "acc>=90", defs, 3, &e), -1); /* not a cost */
    assert_non_null(strstr(e.msg, "not a cost"));
    assert_int_equal(constraint_parse(&c, "flops=100", defs, 3, &e), -1);
    assert_non_null(strstr(e.msg, "expected <=, <, >= or >"));
    assert_int_equal(constraint_parse(&c, "flops<=ten", defs, 3, &e), -1);
    assert_non_null(strstr(e.msg, "expected a number"));
    assert_int_equal(constraint_parse(&c, "<=3", defs, 3, &e), -1);
    assert_non_null(strstr(e.msg, "expected a metric name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_checks),
        cmocka_unit_test(errors_say_what_and_where),
    };
    return cmocka_run_group_tests_name("constraint", tests, NULL, NULL);
}
