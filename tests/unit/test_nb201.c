/* The NB201 codec and table loader, on the real table and on broken copies. */
#include "testutil.h"

#include "../../engine/core/datadir.h"
#include "../../engine/tables/nb201_table.h"
#include "../../engine/spaces/nb201.h"

#define BEST_C100 \
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"

static struct nb201_table table;

static int load(void **state)
{
    (void)state;
    char path[4096];
    struct err e;
    if (nb201_table_load(&table, datadir_path(NULL, "nb201.csv", path, sizeof path), &e) < 0) {
        fprintf(stderr, "%s: %s\n", e.where, e.msg);
        return -1;
    }
    return 0;
}

static int unload(void **state)
{
    (void)state;
    nb201_table_free(&table);
    return 0;
}

static void round_trip_all(void **state)
{
    (void)state;
    for (int code = 0; code < NB201_SIZE; code++) {
        unsigned char ops[NB201_EDGES], back[NB201_EDGES];
        int x = code;
        for (int i = 0; i < NB201_EDGES; i++, x /= NB201_OPS)
            ops[i] = (unsigned char)(x % NB201_OPS);
        char buf[256];
        struct err e;
        assert_true(nb201_format(ops, buf, sizeof buf) > 0);
        assert_int_equal(nb201_parse(buf, back, &e), 0);
        assert_memory_equal(ops, back, NB201_EDGES);
        assert_int_equal(nb201_code(back), code);
        assert_non_null(nb201_table_lookup(&table, ops)); /* every arch is in the table */
    }
}

static void expect_error(const char *text, const char *where, const char *msg_part)
{
    unsigned char ops[NB201_EDGES];
    struct err e;
    assert_int_equal(nb201_parse(text, ops, &e), -1);
    assert_string_equal(e.where, where);
    if (!strstr(e.msg, msg_part))
        fail_msg("'%s': message '%s' lacks '%s'", text, e.msg, msg_part);
}

static void malformed_strings_name_the_position(void **state)
{
    (void)state;
    expect_error("", "character 1", "expected '|'");
    expect_error("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "character 2",
                 "an operation");
    expect_error("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "character 7",
                 "input node '0'");
    expect_error("|none~0||none~0|none~1|+|none~0|none~1|none~2|", "character 9", "'+'");
    expect_error("|none~0|+|none~0|none~1|+|none~0|none~1|", "character 41", "an operation");
    expect_error("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x", "character 48",
                 "the end");
    expect_error("|none~0|+|none~0|none~1|+|none~0|none~1|none~2", "character 47", "'|'");
    expect_error("|none~0|+|none~0|none~10|+|none~0|none~1|none~2|", "character 23",
                 "input node '1'");
    /* surrounding whitespace is forgiven */
    unsigned char ops[NB201_EDGES];
    struct err e;
    assert_int_equal(nb201_parse("  " BEST_C100 "\n", ops, &e), 0);
}

static void table_holds_the_published_values(void **state)
{
    (void)state;
    unsigned char ops[NB201_EDGES];
    struct err e;
    assert_int_equal(nb201_parse(BEST_C100, ops, &e), 0);
    const struct nb201_row *r = nb201_table_lookup(&table, ops);
    assert_non_null(r);
    /* data/README.nb201.md, "Verification" */
    assert_int_equal(r->index, 9930);
    assert_float_equal(r->valid[NB201_CIFAR10], 91.553333, 1e-9);
    assert_float_equal(r->test[NB201_CIFAR10], 94.363333, 1e-9);
    assert_float_equal(r->valid[NB201_CIFAR100], 73.493333, 1e-9);
    assert_float_equal(r->test[NB201_CIFAR100], 73.513333, 1e-9);
    assert_float_equal(r->valid[NB201_IMAGENET16], 46.366667, 1e-9);
    assert_float_equal(r->test[NB201_IMAGENET16], 46.344444, 1e-9);
    assert_float_equal(r->flops[NB201_CIFAR10], 184.73025, 1e-9);
    assert_float_equal(r->params_c10, 1.288506, 1e-9);
    assert_float_equal(r->lat[LAT_PIXEL3], 35.0333, 1e-9);
    assert_float_equal(table.best_test[NB201_CIFAR10], 94.373333, 1e-9);
    assert_float_equal(table.best_test[NB201_CIFAR100], 73.513333, 1e-9);
    assert_float_equal(table.best_test[NB201_IMAGENET16], 47.311111, 1e-9);
    assert_float_equal(table.best_valid[NB201_CIFAR10], 91.606667, 1e-9);
    assert_float_equal(table.best_valid[NB201_IMAGENET16], 46.733333, 1e-9);
}

/* ---- broken files: each error names the file, the line and the column ---- */

static char *real_file(size_t *len)
{
    char path[4096];
    FILE *f = fopen(datadir_path(NULL, "nb201.csv", path, sizeof path), "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(*len + 1);
    assert_int_equal(fread(buf, 1, *len, f), *len);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void expect_load_error(const char *text, size_t len, const char *where_suffix,
                              const char *msg_part)
{
    const char *path = write_temp(text, len);
    struct nb201_table t;
    struct err e;
    assert_int_equal(nb201_table_load(&t, path, &e), -1);
    unlink(path);
    const char *w = strstr(e.where, where_suffix);
    if (!w || strncmp(e.where, path, strlen(path)) != 0)
        fail_msg("where '%s' should be '%s%s'", e.where, path, where_suffix);
    if (!strstr(e.msg, msg_part))
        fail_msg("message '%s' lacks '%s'", e.msg, msg_part);
}

/* Pointer to the start of line n (1-based) of buf. */
static char *line_at(char *buf, int n)
{
    char *p = buf;
    for (int i = 1; i < n; i++)
        p = strchr(p, '\n') + 1;
    return p;
}

static void corrupt_files_are_named_exactly(void **state)
{
    (void)state;
    size_t len;
    char *orig = real_file(&len), *buf = malloc(len + 64);

    struct err e;
    struct nb201_table t;
    assert_int_equal(nb201_table_load(&t, "/nonexistent/nb201.csv", &e), -1);
    assert_string_equal(e.where, "/nonexistent/nb201.csv");
    assert_non_null(strstr(e.msg, "cannot open"));

    expect_load_error("", 0, "", "empty");

    memcpy(buf, orig, len + 1); /* a renamed header column */
    memcpy(strstr(buf, "cifar10_test_acc"), "cifar10_tset_acc", 16);
    expect_load_error(buf, len, ":1", "column 4 should be 'cifar10_test_acc'");

    memcpy(buf, orig, len + 1); /* a bad number on line 101 */
    char *l = line_at(buf, 101);
    char *comma = strchr(strchr(strchr(l, ',') + 1, ',') + 1, ',') - 1; /* end of valid acc */
    *comma = 'x';
    expect_load_error(buf, len, ":101: column cifar10_valid_acc", "bad number");

    memcpy(buf, orig, len + 1); /* truncated after line 5000 */
    size_t cut = (size_t)(line_at(buf, 5001) - buf);
    expect_load_error(buf, cut, ":5000", "only 4999 data rows");

    memcpy(buf, orig, len + 1); /* truncated in the middle of a line */
    cut = (size_t)(line_at(buf, 5001) - buf) + 20;
    expect_load_error(buf, cut, ":5001", "expected 19 comma-separated fields, got 2");

    memcpy(buf, orig, len + 1); /* a broken architecture string */
    l = line_at(buf, 3);
    *strchr(l, '~') = '-';
    expect_load_error(buf, len, ":3: column arch", "character");

    memcpy(buf, orig, len + 1); /* rows out of order */
    l = line_at(buf, 7);
    l[0] = '9';
    expect_load_error(buf, len, ":7: column index", "expected index 5");

    memcpy(buf, orig, len + 1); /* a NUL byte inside line 51 */
    line_at(buf, 51)[10] = '\0';
    expect_load_error(buf, len, ":51", "NUL byte");

    memcpy(buf, orig, len + 1); /* binary garbage in the header stays printable */
    buf[0] = '\x1b';
    buf[1] = '\x9b';
    expect_load_error(buf, len, ":1", "found '\\x1b\\x9bdex'");

    memcpy(buf, orig, len + 1); /* one newline too many at the end is fine */
    memcpy(buf + len, "\n\n", 3);
    const char *path = write_temp(buf, len + 2);
    struct nb201_table ok;
    assert_int_equal(nb201_table_load(&ok, path, &e), 0);
    nb201_table_free(&ok);
    unlink(path);

    free(buf);
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_all),
        cmocka_unit_test(malformed_strings_name_the_position),
        cmocka_unit_test(table_holds_the_published_values),
        cmocka_unit_test(corrupt_files_are_named_exactly),
    };
    return cmocka_run_group_tests_name("nb201", tests, load, unload);
}
