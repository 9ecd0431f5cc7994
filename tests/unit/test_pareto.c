#include "testutil.h"

#include <math.h>

#include "../../engine/core/pareto.h"
#include "../../engine/core/rng.h"

static void dominance(void **state)
{
    (void)state;
    double a[2] = {1, 1}, b[2] = {2, 2}, c[2] = {1, 2}, d[2] = {2, 1};
    assert_true(pareto_dominates(a, b, 2));
    assert_false(pareto_dominates(b, a, 2));
    assert_true(pareto_dominates(a, c, 2));
    assert_false(pareto_dominates(c, d, 2));
    assert_false(pareto_dominates(d, c, 2));
    assert_false(pareto_dominates(a, a, 2)); /* equal is not dominating */
}

static void insert_keeps_only_the_front(void **state)
{
    (void)state;
    struct pareto p;
    pareto_init(&p, 2);
    assert_int_equal(pareto_insert(&p, (double[]){3, 3}, 0), 1);
    assert_int_equal(pareto_insert(&p, (double[]){4, 4}, 1), 0); /* dominated */
    assert_int_equal(pareto_insert(&p, (double[]){3, 3}, 2), 0); /* equal */
    assert_int_equal(pareto_insert(&p, (double[]){1, 5}, 3), 1);
    assert_int_equal(pareto_insert(&p, (double[]){5, 1}, 4), 1);
    assert_int_equal(p.n, 3);
    assert_int_equal(pareto_insert(&p, (double[]){1, 1}, 5), 1); /* dominates all */
    assert_int_equal(p.n, 1);
    assert_int_equal(p.ids[0], 5);
    pareto_free(&p);
}

static void three_objectives(void **state)
{
    (void)state;
    struct pareto p;
    pareto_init(&p, 3);
    assert_int_equal(pareto_insert(&p, (double[]){1, 2, 3}, 0), 1);
    assert_int_equal(pareto_insert(&p, (double[]){3, 2, 1}, 1), 1);
    assert_int_equal(pareto_insert(&p, (double[]){2, 2, 2}, 2), 1);
    assert_int_equal(pareto_insert(&p, (double[]){2, 3, 2}, 3), 0);
    assert_int_equal(p.n, 3);
    pareto_free(&p);
}

static void hypervolume_of_a_staircase(void **state)
{
    (void)state;
    struct pareto p;
    pareto_init(&p, 2);
    double ref[2] = {4, 4};
    assert_float_equal(pareto_hv2(&p, ref), 0.0, 0);
    pareto_insert(&p, (double[]){1, 3}, 0);
    assert_float_equal(pareto_hv2(&p, ref), 3.0, 1e-12);
    pareto_insert(&p, (double[]){2, 2}, 1);
    pareto_insert(&p, (double[]){3, 1}, 2);
    assert_float_equal(pareto_hv2(&p, ref), 6.0, 1e-12);
    pareto_insert(&p, (double[]){5, 0}, 3); /* outside the reference box: ignored */
    assert_float_equal(pareto_hv2(&p, ref), 6.0, 1e-12);
    pareto_sort(&p);
    for (size_t i = 1; i < p.n; i++)
        assert_true(p.pts[2 * (i - 1)] <= p.pts[2 * i]);
    pareto_free(&p);
}

/* Against a brute-force count on a grid: random integer points in [0,20)^2,
 * where the exact area is the number of unit cells dominated. */
static void hypervolume_matches_brute_force(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 3);
    for (int trial = 0; trial < 50; trial++) {
        struct pareto p;
        pareto_init(&p, 2);
        int xs[30], ys[30], n = 1 + (int)rng_below(&r, 30);
        for (int i = 0; i < n; i++) {
            xs[i] = (int)rng_below(&r, 20);
            ys[i] = (int)rng_below(&r, 20);
            pareto_insert(&p, (double[]){xs[i], ys[i]}, i);
        }
        int cells = 0;
        for (int cx = 0; cx < 20; cx++)
            for (int cy = 0; cy < 20; cy++)
                for (int i = 0; i < n; i++)
                    if (xs[i] <= cx && ys[i] <= cy) {
                        cells++;
                        break;
                    }
        assert_float_equal(pareto_hv2(&p, (double[]){20, 20}), (double)cells, 1e-9);
        /* no member of the set dominates another */
        for (size_t i = 0; i < p.n; i++)
            for (size_t j = 0; j < p.n; j++)
                assert_false(pareto_dominates(p.pts + 2 * i, p.pts + 2 * j, 2));
        pareto_free(&p);
    }
}

/* The front of any pair of columns, by brute force: exactly the points no
 * other dominates (the first of equal ones), sorted by x, and the same set
 * the incremental pareto_insert keeps. */
static void front_of_any_columns_matches_brute_force(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 5);
    for (int trial = 0; trial < 200; trial++) {
        int n = (int)rng_below(&r, 40);
        double m[40][3]; /* three columns: the front of (0, 2) must not be that of (0, 1) */
        struct pareto p;
        pareto_init(&p, 2);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++)
                m[i][c] = (double)rng_below(&r, 12);
            pareto_insert(&p, (double[]){m[i][2], m[i][0]}, i);
        }
        int with_nan = n > 3 && trial % 2;
        if (with_nan)
            m[3][2] = NAN; /* never on a front */
        int idx[40];
        long k = pareto_front2(&m[0][2], &m[0][0], (size_t)n, 3, idx);
        int want[40], nw = 0;
        for (int i = 0; i < n; i++) {
            int out = isnan(m[i][2]);
            for (int j = 0; j < n && !out; j++)
                out = !isnan(m[j][2]) &&
                      (pareto_dominates((double[]){m[j][2], m[j][0]},
                                        (double[]){m[i][2], m[i][0]}, 2) ||
                       (j < i && m[j][2] == m[i][2] && m[j][0] == m[i][0]));
            if (!out)
                want[nw++] = i;
        }
        assert_int_equal(k, nw);
        for (long a = 0; a < k; a++) {
            int found = 0;
            for (int b = 0; b < nw; b++)
                found |= want[b] == idx[a];
            assert_true(found);
            if (a > 0)
                assert_true(m[idx[a - 1]][2] < m[idx[a]][2]);
        }
        if (!with_nan) /* the incremental set is the same */
            assert_int_equal((long)p.n, k);
        pareto_free(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dominance),
        cmocka_unit_test(insert_keeps_only_the_front),
        cmocka_unit_test(three_objectives),
        cmocka_unit_test(hypervolume_of_a_staircase),
        cmocka_unit_test(hypervolume_matches_brute_force),
        cmocka_unit_test(front_of_any_columns_matches_brute_force),
    };
    return cmocka_run_group_tests_name("pareto", tests, NULL, NULL);
}
