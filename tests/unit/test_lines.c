#include "testutil.h"

#include <string.h>

#include "../../engine/core/lines.h"

/* What the callback saw: the lines joined by '|', each kind as a letter
 * before it (w whole, c cut, n no memory). */
struct seen {
    char text[512];
    int n, stop_at;
};

static int collect(void *ud, char *line, size_t len, enum line_kind kind)
{
    struct seen *s = ud;
    assert_int_equal(strlen(line), len);
    size_t at = strlen(s->text);
    snprintf(s->text + at, sizeof s->text - at, "%s%c%s", s->n ? "|" : "",
             kind == LINE_WHOLE ? 'w' : kind == LINE_CUT ? 'c' : 'n', line);
    s->n++;
    return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

/* Every way of cutting the same bytes into reads gives the same lines. */
static void lines_do_not_depend_on_reads(void **state)
{
    (void)state;
    const char *in = "{\"id\":1}\n\nsecond line\nthird";
    size_t n = strlen(in);
    for (size_t step = 1; step <= n; step++) {
        struct lines l;
        struct seen s = {0};
        lines_init(&l, 64, 0);
        for (size_t i = 0; i < n; i += step)
            assert_int_equal(lines_feed(&l, in + i, i + step > n ? n - i : step, collect, &s), 0);
        assert_string_equal(s.text, "w{\"id\":1}|w|wsecond line");
        assert_int_equal(lines_finish(&l, collect, &s), 0);
        assert_string_equal(s.text, "w{\"id\":1}|w|wsecond line|wthird");
        lines_free(&l);
    }
}

/* A line longer than max comes once, cut at max bytes; the rest of it is
 * skipped and the next line is whole again. */
static void a_long_line_is_cut_once(void **state)
{
    (void)state;
    struct lines l;
    struct seen s = {0};
    lines_init(&l, 5, 0);
    const char *in = "abcdefghij\nxyz\n12345\n123456\n";
    lines_feed(&l, in, strlen(in), collect, &s);
    assert_string_equal(s.text, "cabcde|wxyz|w12345|c12345");
    lines_finish(&l, collect, &s);
    assert_int_equal(s.n, 4);
    lines_free(&l);
}

/* With cr, a carriage return ends a line as well (a progress bar redraws
 * its line with \r); without it, \r is a byte of the line. */
static void carriage_returns(void **state)
{
    (void)state;
    const char *in = " 10%\r 20%\r\ndone\n";
    struct lines l;
    struct seen s = {0};
    lines_init(&l, 64, 1);
    lines_feed(&l, in, strlen(in), collect, &s);
    assert_string_equal(s.text, "w 10%|w 20%|w|wdone");
    lines_free(&l);
    struct seen t = {0};
    lines_init(&l, 64, 0);
    lines_feed(&l, in, strlen(in), collect, &t);
    assert_string_equal(t.text, "w 10%\r 20%\r|wdone");
    lines_free(&l);
}

/* A nonzero return stops the feed there and is passed back; what was not
 * read yet is not looked at. */
static void the_callback_can_stop_it(void **state)
{
    (void)state;
    struct lines l;
    struct seen s = {.stop_at = 2};
    lines_init(&l, 64, 0);
    assert_int_equal(lines_feed(&l, "a\nb\nc\n", 6, collect, &s), 7);
    assert_string_equal(s.text, "wa|wb");
    lines_free(&l);
}

/* No input is no line; an empty line is a line. */
static void empty_input_and_empty_lines(void **state)
{
    (void)state;
    struct lines l;
    struct seen s = {0};
    lines_init(&l, 64, 0);
    assert_int_equal(lines_finish(&l, collect, &s), 0); /* nothing pending: no line */
    assert_int_equal(s.n, 0);
    lines_feed(&l, "\n", 1, collect, &s);
    assert_string_equal(s.text, "w");
    lines_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lines_do_not_depend_on_reads),
        cmocka_unit_test(a_long_line_is_cut_once),
        cmocka_unit_test(carriage_returns),
        cmocka_unit_test(the_callback_can_stop_it),
        cmocka_unit_test(empty_input_and_empty_lines),
    };
    return cmocka_run_group_tests_name("lines", tests, NULL, NULL);
}
