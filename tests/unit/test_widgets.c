/* Widgets without a terminal where they can be (plot, table order), and on a
 * virtual screen where they draw. */
#include "testutil.h"

#include <math.h>

#include "../../widgets/axis.h"
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

/* The ticks' labels, joined by spaces, for lo..hi and at most maxn. */
static const char *ticks_of(double lo, double hi, int maxn, double min_step, char *buf)
{
    struct axis a = {.lo = lo, .hi = hi, .cells = 100, .sub = 2, .min_step = min_step};
    axis_ticks(&a, maxn);
    buf[0] = '\0';
    for (int i = 0; i < a.n; i++) {
        assert_true(a.v[i] >= lo - 1e-9 * (hi - lo) && a.v[i] <= hi + 1e-9 * (hi - lo));
        strcat(buf, i ? " " : "");
        strcat(buf, a.label[i]);
    }
    return buf;
}

static void axis_ticks_are_nice_values_inside_the_range(void **state)
{
    (void)state;
    char b[400];
    /* a tiny range: steps of 0.1, labels with the decimal they need */
    assert_string_equal(ticks_of(91.2, 91.6, 5, 0, b), "91.2 91.3 91.4 91.5 91.6");
    assert_string_equal(ticks_of(91.2, 91.6, 3, 0, b), "91.2 91.4 91.6");
    assert_string_equal(ticks_of(91.21, 91.59, 2, 0, b), "91.4"); /* 0.5 has none inside */
    /* across zero: zero itself, and no "-0" */
    assert_string_equal(ticks_of(-12, 7, 5, 0, b), "-10 -5 0 5");
    assert_string_equal(ticks_of(-0.3, 0.25, 6, 0, b), "-0.3 -0.2 -0.1 0.0 0.1 0.2");
    /* huge: a mantissa and an exponent, the same decimals on every label */
    assert_string_equal(ticks_of(0.9e8, 2.1e8, 3, 0, b), "1.0e8 1.5e8 2.0e8");
    assert_string_equal(ticks_of(0, 3e8, 4, 0, b), "0 1e8 2e8 3e8");
    /* very small */
    assert_string_equal(ticks_of(1e-6, 4e-6, 2, 0, b), "2e-6 4e-6");
    /* counts stay whole however short the range */
    assert_string_equal(ticks_of(0.5, 1.5, 5, 1, b), "1");
    assert_string_equal(ticks_of(0.4, 30.6, 4, 1, b), "10 20 30");
    /* never more than asked, even when no nice step has fewer */
    assert_string_equal(ticks_of(2, 4, 1, 0, b), "2");
    assert_true(axis_step(1, 1, 5, 0) == 0 && axis_step(0, NAN, 5, 0) == 0);
    char l[AXIS_LABEL];
    assert_string_equal(axis_format(-0.0000001, 0.5, l, sizeof l), "0.0");
    assert_string_equal(axis_format(9.99e7, 1e7, l, sizeof l), "1.0e8");
}

/* Labels across, as axis_fit placed them, never touch: `gap` columns
 * between any two, all inside -left..cells. */
static void assert_apart(const struct axis *a, int left, int gap)
{
    for (int i = 0; i < a->n; i++) {
        int x = axis_label_at(a, i, left), len = (int)strlen(a->label[i]);
        assert_true(x >= -left && x + len <= a->cells);
        if (i)
            assert_true(x >= axis_label_at(a, i - 1, left) + (int)strlen(a->label[i - 1]) + gap);
    }
}

static void axis_fit_drops_ticks_whose_labels_would_collide(void **state)
{
    (void)state;
    /* 12 columns cannot hold 1.0e8 1.2e8 ... : fewer, apart */
    struct axis a = {.lo = 1e8, .hi = 2e8, .cells = 12, .sub = 2};
    assert_true(axis_fit(&a, 10, 0, 1) >= 1);
    assert_true(a.n <= 2);
    assert_apart(&a, 0, 1);
    struct axis wide = {.lo = 1e8, .hi = 2e8, .cells = 80, .sub = 2};
    axis_fit(&wide, 10, 0, 1);
    assert_true(wide.n > a.n);
    assert_apart(&wide, 0, 1);
    /* down: one tick a row at most, so 3 rows hold at most 3 */
    struct axis y = {.lo = 86.5, .hi = 91.7, .cells = 3, .sub = 4, .down = 1};
    axis_fit(&y, 8, 0, 0);
    assert_true(y.n >= 1 && y.n <= 3);
    for (int i = 1; i < y.n; i++)
        assert_true(y.at[i] < y.at[i - 1]); /* higher values higher up */
    /* a single value (plot_fit's unit range) still gets its tick */
    struct plot_point one = {91.4, 91.4, ROLE_BEST};
    struct plot_range r;
    plot_fit(&r, &one, 1);
    struct axis s = {.lo = r.y0, .hi = r.y1, .cells = 4, .sub = 4, .down = 1};
    assert_true(axis_fit(&s, 2, 0, 0) >= 1);
}

/* The frame as text, one row at a time. */
static void frame_row(const struct plot_frame *f, const struct canvas *c, int row, char *out)
{
    out[0] = '\0';
    for (int col = 0; col < f->w; col++) {
        char buf[8];
        uint8_t role;
        strcat(out, plot_frame_cell(f, c, NULL, row, col, buf, &role));
    }
}

static void plot_frame_has_axes_ticks_and_titles_even_small(void **state)
{
    (void)state;
    struct plot_point p[3] = {{46, 86.5, ROLE_FRONT}, {120, 91.2, ROLE_FRONT},
                              {225, 91.7, ROLE_BEST}};
    struct plot_range r;
    plot_fit(&r, p, 3);
    struct plot_frame f;
    struct canvas c;
    /* the Pareto pane at 80x24: 38 columns, 5 rows */
    assert_int_equal(plot_layout(&f, 5, 38, &r, "flops (M)", NULL, 0), 0);
    f.ascii = 1;
    assert_int_equal(canvas_init(&c, f.cw, f.ch), 0);
    c.ascii = 1;
    plot_render(&r, p, 3, 1, &c);
    assert_int_equal(f.ch, 3);
    assert_true(f.y.n >= 1 && f.x.n >= 2);
    char row[400];
    frame_row(&f, &c, 3, row); /* the x axis: a corner, ticks, the line */
    assert_int_equal(row[f.margin], '+');
    int ticks = 0;
    for (int i = f.margin + 1; i < f.w; i++)
        ticks += row[i] == '+';
    assert_int_equal(ticks, f.x.n);
    frame_row(&f, &c, 4, row); /* labels, then the title at the end */
    assert_non_null(strstr(row, "flops (M)"));
    assert_int_equal((int)strlen(row), 38);
    assert_string_equal(row + 38 - 9, "flops (M)");
    for (int i = 0; i < f.nxlabels; i++)
        assert_non_null(strstr(row, f.x.label[i]));
    /* each y tick: its label against the axis, where its tick is */
    for (int i = 0; i < f.y.n; i++) {
        frame_row(&f, &c, f.top + f.y.at[i], row);
        assert_int_equal(row[f.margin], '+');
        assert_memory_equal(row + f.margin - strlen(f.y.label[i]), f.y.label[i],
                            strlen(f.y.label[i]));
    }
    /* as text: the same rows, marks over the canvas, no trailing blanks */
    char *marks = calloc((size_t)f.cw * (size_t)f.ch, 1);
    int cx, cy;
    assert_int_equal(plot_cell(&r, &c, 225, 91.7, &cx, &cy), 0);
    assert_true(cx >= f.cw - 3 && cy == 0); /* the top right, within plot_fit's margin */
    marks[cy * f.cw + cx] = 'B';
    assert_int_equal(plot_cell(&r, &c, NAN, 1, &cx, &cy), -1);
    FILE *tf = tmpfile();
    assert_int_equal(plot_print(tf, &f, &c, marks, "> "), 0);
    rewind(tf);
    char line[400];
    int rows = 0;
    while (fgets(line, sizeof line, tf)) {
        size_t n = strlen(line);
        assert_true(n >= 3 && line[n - 1] == '\n' && line[n - 2] != ' ');
        assert_true(strncmp(line, "> ", 2) == 0 && n - 3 <= 38);
        if (rows == 0) /* the mark where the best's 'o' would be */
            assert_true(line[2 + f.margin + 1 + cx] == 'B' && !strchr(line, '*'));
        rows++;
    }
    assert_int_equal(rows, 5);
    fclose(tf);
    free(marks);
    canvas_free(&c);
    /* a box with no room for a canvas is refused, not drawn over */
    assert_int_equal(plot_layout(&f, 2, 38, &r, NULL, NULL, 0), -1);
    /* a y title takes the top row */
    assert_int_equal(plot_layout(&f, 12, 60, &r, "flops (M)", "valid_acc (%)", 0), 0);
    assert_int_equal(f.top, 1);
    assert_int_equal(canvas_init(&c, f.cw, f.ch), 0);
    frame_row(&f, &c, 0, row);
    assert_memory_equal(row, "valid_acc (%)", 13);
    canvas_free(&c);
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
        cmocka_unit_test(axis_ticks_are_nice_values_inside_the_range),
        cmocka_unit_test(axis_fit_drops_ticks_whose_labels_would_collide),
        cmocka_unit_test(plot_frame_has_axes_ticks_and_titles_even_small),
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
