/* Widgets without a terminal where they can be (plot, table order), and on a
 * virtual screen where they draw. */
#include "testutil.h"

#include <math.h>

#include "../../widgets/plot.h"
#include "../../widgets/table.h"
/* the TUI's line editor knows no terminal but its key codes: its source is
 * compiled in here, as the TUI's objects are not in a library */
#include "../../tui/lineedit.c"

static void braille_cells_encode_their_dots(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 2, 1), 0);
    char buf[4];
    assert_string_equal(canvas_cell(&c, 0, 0, buf), " ");
    canvas_dot(&c, 0, 0, ROLE_POINT); /* top left: U+2801 */
    assert_string_equal(canvas_cell(&c, 0, 0, buf), "\xe2\xa0\x81");
    canvas_dot(&c, 1, 3, ROLE_BEST); /* bottom right: U+2881 */
    assert_string_equal(canvas_cell(&c, 0, 0, buf), "\xe2\xa2\x81");
    assert_int_equal(c.role[0], ROLE_BEST); /* the best wins the cell */
    canvas_dot(&c, 0, 1, ROLE_POINT);
    assert_int_equal(c.role[0], ROLE_BEST);
    canvas_dot(&c, 99, 99, ROLE_POINT); /* outside: ignored */
    canvas_free(&c);
}

/* Without UTF-8 a cell is one ASCII mark: the point's role, or the shape
 * of the line through it (issue 13 #7). */
static void ascii_cells_mark_points_by_role_and_lines_by_shape(void **state)
{
    (void)state;
    struct canvas c;
    assert_int_equal(canvas_init(&c, 8, 2), 0);
    c.ascii = 1;
    char buf[4];
    canvas_point(&c, 0, 0, ROLE_POINT);
    canvas_point(&c, 2, 1, ROLE_LATEST);
    canvas_point(&c, 4, 2, ROLE_FRONT);
    canvas_point(&c, 6, 3, ROLE_BEST);
    canvas_point(&c, 7, 0, ROLE_POINT); /* the best's cell: the best wins */
    assert_string_equal(canvas_cell(&c, 0, 0, buf), ".");
    assert_string_equal(canvas_cell(&c, 1, 0, buf), "+");
    assert_string_equal(canvas_cell(&c, 2, 0, buf), "o");
    assert_string_equal(canvas_cell(&c, 3, 0, buf), "*");
    assert_string_equal(canvas_cell(&c, 4, 0, buf), " ");
    canvas_line(&c, 8, 4, 11, 4, ROLE_FRONT);  /* level, at the top of its cells */
    canvas_line(&c, 12, 7, 13, 7, ROLE_FRONT); /* level, at the bottom */
    canvas_line(&c, 14, 4, 14, 7, ROLE_FRONT); /* upright */
    assert_string_equal(canvas_cell(&c, 4, 1, buf), "-");
    assert_string_equal(canvas_cell(&c, 5, 1, buf), "-");
    assert_string_equal(canvas_cell(&c, 6, 1, buf), "_");
    assert_string_equal(canvas_cell(&c, 7, 1, buf), "|");
    canvas_point(&c, 9, 4, ROLE_FRONT); /* a point on a line shows as the point */
    assert_string_equal(canvas_cell(&c, 4, 1, buf), "o");
    canvas_free(&c);

    /* a rendered front: marks and its staircase, never a byte above 127 */
    struct plot_point p[4] = {{1, 1, ROLE_FRONT}, {2, 3, ROLE_FRONT}, {3, 5, ROLE_BEST},
                              {3, 2, ROLE_POINT}};
    struct plot_range r;
    plot_fit(&r, p, 4);
    assert_int_equal(canvas_init(&c, 20, 6), 0);
    c.ascii = 1;
    plot_render(&r, p, 4, 1, &c);
    int marks[128] = {0};
    for (int y = 0; y < c.h; y++)
        for (int x = 0; x < c.w; x++) {
            const unsigned char *s = (const unsigned char *)canvas_cell(&c, x, y, buf);
            assert_int_equal(strlen((const char *)s), 1);
            assert_true(s[0] < 128);
            marks[s[0]]++;
        }
    assert_int_equal(marks['*'], 1);
    assert_int_equal(marks['o'], 2);
    assert_int_equal(marks['.'], 1);
    assert_true(marks['-'] + marks['_'] > 0 && marks['|'] > 0);
    canvas_free(&c);
}

static void type(struct lineedit *e, const char *keys)
{
    for (const char *p = keys; *p; p++)
        lineedit_key(e, (unsigned char)*p);
}

/* issue 13 #11: a cursor, readline's keys, each prompt's own history */
static void lineedit_moves_deletes_and_recalls_like_readline(void **state)
{
    (void)state;
    struct lineedit e;
    struct lineedit_history h = {0}, other = {0};
    lineedit_start(&e, "nor_conv~0", sizeof e.text, NULL);
    lineedit_history(&e, &h);
    assert_int_equal(e.cur, 10);
    lineedit_key(&e, KEY_HOME);
    type(&e, "|");
    lineedit_key(&e, 5); /* C-e */
    type(&e, "|");
    assert_string_equal(e.text, "|nor_conv~0|");
    for (int i = 0; i < 3; i++)
        lineedit_key(&e, KEY_LEFT);
    lineedit_key(&e, KEY_BACKSPACE); /* the v */
    lineedit_key(&e, KEY_DC);        /* the ~ */
    assert_string_equal(e.text, "|nor_con0|");
    lineedit_key(&e, 11); /* C-k */
    assert_string_equal(e.text, "|nor_con");
    type(&e, "_x");
    lineedit_key(&e, 1); /* C-a */
    lineedit_key(&e, KEY_RIGHT);
    lineedit_key(&e, 21); /* C-u: before the cursor */
    assert_string_equal(e.text, "nor_con_x");
    lineedit_key(&e, 5);
    type(&e, "~1|+|");
    lineedit_key(&e, 23); /* C-w: the separators, then the word */
    assert_string_equal(e.text, "nor_con_x~");
    lineedit_key(&e, 23);
    assert_string_equal(e.text, "");
    type(&e, "first");
    assert_int_equal(lineedit_key(&e, '\n'), LINEEDIT_ENTER);
    lineedit_start(&e, NULL, sizeof e.text, NULL);
    lineedit_history(&e, &h);
    type(&e, "second");
    lineedit_key(&e, '\n');
    lineedit_start(&e, NULL, sizeof e.text, NULL);
    lineedit_history(&e, &h);
    type(&e, "draft");
    lineedit_key(&e, KEY_UP);
    assert_string_equal(e.text, "second");
    lineedit_key(&e, KEY_UP);
    assert_string_equal(e.text, "first");
    lineedit_key(&e, KEY_UP); /* no older one */
    assert_string_equal(e.text, "first");
    lineedit_key(&e, KEY_DOWN);
    lineedit_key(&e, KEY_DOWN);
    assert_string_equal(e.text, "draft"); /* what was being typed comes back */
    lineedit_history(&e, &other); /* another prompt: its own, empty */
    lineedit_key(&e, KEY_UP);
    assert_string_equal(e.text, "draft");
    assert_int_equal(lineedit_key(&e, 24), LINEEDIT_EDITOR);
    assert_int_equal(lineedit_key(&e, 27), LINEEDIT_CANCEL);

    lineedit_start(&e, "12", 4, NULL); /* size: 3 characters */
    type(&e, "345");
    assert_string_equal(e.text, "123");
}

static void lineedit_view_keeps_the_cursor_on_screen(void **state)
{
    (void)state;
    struct lineedit e;
    char out[16];
    lineedit_start(&e, "abcdefghijklmnopqrstuvwxyz", sizeof e.text, NULL);
    assert_int_equal(lineedit_view(&e, 10, out), 9); /* the end, the cursor after it */
    assert_string_equal(out, "<stuvwxyz_");
    lineedit_key(&e, KEY_HOME);
    assert_int_equal(lineedit_view(&e, 10, out), 0);
    assert_string_equal(out, "abcdefghi>");
    for (int i = 0; i < 12; i++)
        lineedit_key(&e, KEY_RIGHT);
    int cx = lineedit_view(&e, 10, out); /* the cursor never under a marker */
    assert_true(cx >= 1 && cx <= 8);
    assert_int_equal(out[cx], 'm');
    assert_true(out[0] == '<' && out[9] == '>');
    lineedit_key(&e, 11); /* C-k: shorter, the window fills back */
    cx = lineedit_view(&e, 10, out);
    assert_string_equal(out, "<efghijkl_");
    assert_int_equal(out[cx], '_');
    lineedit_start(&e, "short", sizeof e.text, NULL);
    assert_int_equal(lineedit_view(&e, 10, out), 5);
    assert_string_equal(out, "short_    ");
}

static void lineedit_set_takes_an_editors_lines_as_one(void **state)
{
    (void)state;
    struct lineedit e;
    lineedit_start(&e, "x", sizeof e.text, NULL);
    assert_int_equal(lineedit_set(&e, "{\n  \"ks\": [3, 5],\n\t\"r\": 224\n}\n"), 0);
    assert_string_equal(e.text, "{ \"ks\": [3, 5], \"r\": 224 }");
    assert_int_equal(e.cur, strlen(e.text));
    lineedit_start(&e, NULL, 6, NULL);
    assert_int_equal(lineedit_set(&e, "  abc  def\n"), -1); /* 5 characters at most */
    assert_string_equal(e.text, "abc d");
}

static void one_point_and_equal_values_get_a_range(void **state)
{
    (void)state;
    struct plot_point one = {5, 7, ROLE_POINT};
    struct plot_range r;
    plot_fit(&r, &one, 1);
    assert_true(r.x0 < 5 && r.x1 > 5 && r.y0 < 7 && r.y1 > 7);
    struct canvas c;
    canvas_init(&c, 10, 5);
    plot_render(&r, &one, 1, 0, &c);
    int dots = 0;
    for (int i = 0; i < 50; i++)
        dots += c.dots[i] != 0;
    assert_int_equal(dots, 1);
    struct plot_point same[3] = {{1, 2, ROLE_POINT}, {1, 2, ROLE_POINT}, {1, 2, ROLE_FRONT}};
    plot_fit(&r, same, 3);
    assert_true(r.x1 - r.x0 > 0.5 && r.y1 - r.y0 > 0.5);
    struct plot_point none[2] = {{NAN, 1, ROLE_POINT}, {1, INFINITY, ROLE_POINT}};
    plot_fit(&r, none, 2); /* nothing finite: a unit box, no crash */
    assert_true(r.x1 > r.x0 && r.y1 > r.y0);
    plot_render(&r, none, 2, 1, &c);
    canvas_free(&c);
}

static void many_points_stay_inside_and_extremes_reach_the_edges(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct plot_point *p = malloc(N * sizeof *p);
    for (int i = 0; i < N; i++)
        p[i] = (struct plot_point){sin(i) * 100, cos(i * 0.7) * 3 + 90, ROLE_POINT};
    p[0] = (struct plot_point){-100, 93, ROLE_BEST};
    struct plot_range r;
    plot_fit(&r, p, N);
    struct canvas c;
    canvas_init(&c, 40, 10);
    plot_render(&r, p, N, 1, &c);
    /* the dots span the canvas, up to the small margin: something in the
     * first and last two columns, the first and last rows */
    int left = 0, right = 0, top = 0, bottom = 0;
    for (int y = 0; y < c.h; y++) {
        left |= c.dots[y * c.w] || c.dots[y * c.w + 1];
        right |= c.dots[y * c.w + c.w - 1] || c.dots[y * c.w + c.w - 2];
    }
    for (int x = 0; x < c.w; x++) {
        top |= c.dots[x] != 0;
        bottom |= c.dots[(c.h - 1) * c.w + x] != 0;
    }
    assert_true(left && right && top && bottom);
    canvas_free(&c);
    free(p);
}

/* ---- table ---------------------------------------------------------------- */

static double values[] = {3, 1, NAN, 2, 5};
static int rows(void *ud) { (void)ud; return 5; }
static void cell(void *ud, int row, int col, char *buf, size_t n)
{
    (void)ud;
    if (col == 0)
        snprintf(buf, n, "r%d", row);
    else
        snprintf(buf, n, "%g", values[row]);
}
static double key(void *ud, int row, int col) { (void)ud; return col == 0 ? row : values[row]; }

static const char *more_text(void *ud, int row)
{
    static char buf[5][16];
    (void)ud;
    snprintf(buf[row], sizeof buf[row], "long%d", row);
    return buf[row];
}

static const struct table_col cols[] = {{"name", 4, 0, 0}, {"value", 6, 1, 0}};
static const struct table_col maxcols[] = {{"name", 4, 0, 0}, {"value", 6, 1, 1}};

static int odd_rows(void *ud, int row)
{
    (void)ud;
    return row % 2;
}

/* the filter text in any case, never in a hidden column; or the source's
 * own choice of rows */
static void table_filters_shown_cells_or_asks_the_source(void **state)
{
    (void)state;
    struct table t;
    struct table_col hidden[] = {{"name", 4, 0, 0}, {"value", -1, 1, 0}};
    struct table_source src = {rows, cell, key, NULL, NULL, NULL};
    table_init(&t, hidden, 2, &src);
    assert_int_equal(table_row_has(&t, 3, "R3"), 1);
    assert_int_equal(table_row_has(&t, 3, "2"), 0); /* its value, hidden */
    hidden[1].width = 6;
    assert_int_equal(table_row_has(&t, 3, "2"), 1);
    snprintf(t.filter, sizeof t.filter, "R4");
    table_refresh(&t);
    assert_int_equal(t.n, 1);
    t.keep = odd_rows; /* the source filters: the text is not read */
    table_refresh(&t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.order[0], 1);
    assert_int_equal(t.order[1], 3);
    table_free(&t);
}

/* a column of values to maximise sorts best first on its first `o` */
static void table_sorts_a_maximised_column_best_first(void **state)
{
    (void)state;
    struct table t;
    struct table_source src = {rows, cell, key, NULL, NULL, NULL};
    table_init(&t, maxcols, 2, &src);
    table_refresh(&t);
    table_key(&t, 'o', 3); /* by name: ascending */
    assert_int_equal(t.sort_desc, 0);
    table_key(&t, 'o', 3); /* by value: descending */
    assert_int_equal(t.sort_desc, 1);
    assert_int_equal(t.order[0], 4);
    table_free(&t);
}

/* A click picks the row on its line as the view stands (top), says whether
 * it was picked already, and leaves everything as it was off the rows. */
static void table_click_selects_the_row_on_its_line(void **state)
{
    (void)state;
    struct table t;
    struct table_source src = {rows, cell, key, NULL, NULL, NULL};
    table_init(&t, cols, 2, &src);
    table_refresh(&t);
    assert_int_equal(t.sel, 4);
    assert_int_equal(t.follow, 1);
    t.top = 1; /* as a draw scrolled it */
    assert_int_equal(table_click(&t, 1), 0); /* the second line shown: position 2 */
    assert_int_equal(t.sel, 2);
    assert_int_equal(t.follow, 0);            /* no longer on the newest */
    assert_int_equal(table_click(&t, 1), 1);  /* the same line again */
    assert_int_equal(t.sel, 2);
    assert_int_equal(table_click(&t, 4), -1); /* under the last row */
    assert_int_equal(table_click(&t, -1), -1); /* the heading */
    assert_int_equal(t.sel, 2);
    assert_int_equal(table_click(&t, 3), 0); /* the last row: follows again */
    assert_int_equal(t.follow, 1);
    table_free(&t);
}

static void table_sorts_filters_and_scrolls(void **state)
{
    (void)state;
    struct table t;
    struct table_source src = {rows, cell, key, NULL, NULL, NULL};
    table_init(&t, cols, 2, &src);
    table_refresh(&t);
    assert_int_equal(t.n, 5);
    assert_int_equal(table_selected(&t), 4); /* follows the newest row */
    table_key(&t, 'o', 3);                   /* by name */
    table_key(&t, 'o', 3);                   /* by value */
    int want[] = {1, 3, 0, 4, 2};            /* NaN last */
    for (int i = 0; i < 5; i++)
        assert_int_equal(t.order[i], want[i]);
    table_key(&t, 'O', 3); /* descending, NaN still last */
    int down[] = {4, 0, 3, 1, 2};
    for (int i = 0; i < 5; i++)
        assert_int_equal(t.order[i], down[i]);
    assert_int_equal(table_selected(&t), 4); /* a new order starts at its top */
    table_key(&t, KEY_DOWN, 3);
    table_key(&t, KEY_NPAGE, 3);
    assert_int_equal(t.sel, 4);
    table_key(&t, KEY_NPAGE, 3); /* clamped */
    assert_int_equal(t.sel, 4);
    table_key(&t, KEY_HOME, 3);
    assert_int_equal(t.sel, 0);
    snprintf(t.filter, sizeof t.filter, "r3");
    table_refresh(&t);
    assert_int_equal(t.n, 1);
    assert_int_equal(table_selected(&t), 3);
    t.src.more = more_text; /* the filter also reads what a row does not show */
    snprintf(t.filter, sizeof t.filter, "long4");
    table_refresh(&t);
    assert_int_equal(t.n, 1);
    assert_int_equal(table_selected(&t), 4);

    /* drawn on a virtual screen: the header and the rows, scrolled */
    FILE *in = fopen("/dev/null", "r"), *out = fopen("/dev/null", "w");
    SCREEN *scr = newterm("xterm", out, in);
    assert_non_null(scr);
    set_term(scr);
    resize_term(10, 30);
    t.filter[0] = '\0';
    table_refresh(&t);
    table_draw(&t, stdscr, 0, 0, 3, 12, 1); /* room for 2 rows */
    char line[32];
    mvinnstr(0, 0, line, 11);
    assert_string_equal(line, "name vvalue"); /* sorted by value, descending: the whole title */
    table_key(&t, KEY_END, 2);
    table_draw(&t, stdscr, 0, 0, 3, 12, 1);
    mvinnstr(2, 0, line, 11);
    assert_string_equal(line, "r2      nan"); /* the last row (NaN sorts last) is in view */
    endwin();
    delscreen(scr);
    fclose(in);
    fclose(out);
    table_free(&t);
}

/* a hidden column takes no room and is skipped as a sort key */
static void table_hides_a_column(void **state)
{
    (void)state;
    static const struct table_col hid[] = {{"value", -1, 1, 0}, {"name", 4, 0, 0}};
    struct table t;
    struct table_source src = {rows, cell, key, NULL, NULL, NULL};
    table_init(&t, hid, 2, &src);
    table_refresh(&t);
    table_key(&t, 'o', 3);
    assert_int_equal(t.sort_col, 1); /* not the hidden column 0 */
    FILE *in = fopen("/dev/null", "r"), *out = fopen("/dev/null", "w");
    SCREEN *scr = newterm("xterm", out, in);
    assert_non_null(scr);
    set_term(scr);
    resize_term(10, 30);
    table_draw(&t, stdscr, 0, 0, 3, 10, 1);
    char line[32];
    mvinnstr(1, 0, line, 4);
    /* column 1 (cell() gives values there), sorted ascending, starts at the
     * left edge: row 1's value 1 first */
    assert_string_equal(line, "1   ");
    endwin();
    delscreen(scr);
    fclose(in);
    fclose(out);
    table_free(&t);
}

/* The foreground a theme file gives a role ("" when it names none). */
static void theme_fg(const char *path, const char *role, char *fg, size_t n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256], r[32], c[32];
    fg[0] = '\0';
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && sscanf(line, "%31[a-z_] = %31s", r, c) == 2 && !strcmp(r, role))
            snprintf(fg, n, "%s", c);
    fclose(f);
}

/* Every theme file names every role (one left out falls back to mono's
 * bold and looks like another), a row awaiting review is no alarm, and
 * the best is not coloured as a failure (issue 13, "what confused most" 6). */
static void themes_name_every_role_and_keep_red_for_failures(void **state)
{
    (void)state;
    static const char *const roles[] = {
#define X(id, name) name,
        THEME_ROLES(X)
#undef X
    };
    static const char *const files[] = {"dark", "light"};
    char dir[4096], path[4200], fg[32], warn[32], bad[32];
    snprintf(dir, sizeof dir, "%s", COLLM_PROMPTSDIR);
    *strrchr(dir, '/') = '\0';
    for (size_t t = 0; t < sizeof files / sizeof files[0]; t++) {
        snprintf(path, sizeof path, "%s/themes/%s.theme", dir, files[t]);
        for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
            theme_fg(path, roles[i], fg, sizeof fg);
            if (!fg[0])
                fail_msg("%s names no colour for '%s'", path, roles[i]);
        }
        theme_fg(path, "warn", warn, sizeof warn);
        theme_fg(path, "bad", bad, sizeof bad);
        theme_fg(path, "review", fg, sizeof fg);
        assert_null(strstr(fg, "red"));
        assert_string_not_equal(fg, warn);
        assert_string_not_equal(fg, bad);
        theme_fg(path, "best", fg, sizeof fg);
        assert_string_not_equal(fg, warn);
        assert_string_not_equal(fg, bad);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(braille_cells_encode_their_dots),
        cmocka_unit_test(ascii_cells_mark_points_by_role_and_lines_by_shape),
        cmocka_unit_test(lineedit_moves_deletes_and_recalls_like_readline),
        cmocka_unit_test(lineedit_view_keeps_the_cursor_on_screen),
        cmocka_unit_test(lineedit_set_takes_an_editors_lines_as_one),
        cmocka_unit_test(one_point_and_equal_values_get_a_range),
        cmocka_unit_test(many_points_stay_inside_and_extremes_reach_the_edges),
        cmocka_unit_test(table_sorts_filters_and_scrolls),
        cmocka_unit_test(table_click_selects_the_row_on_its_line),
        cmocka_unit_test(table_sorts_a_maximised_column_best_first),
        cmocka_unit_test(table_hides_a_column),
        cmocka_unit_test(table_filters_shown_cells_or_asks_the_source),
        cmocka_unit_test(themes_name_every_role_and_keep_red_for_failures),
    };
    return cmocka_run_group_tests_name("widgets", tests, NULL, NULL);
}
