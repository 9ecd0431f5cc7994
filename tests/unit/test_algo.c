/* The registries: every algorithm's options as declared, read from and
 * written to the session header's params; every space opened by its row. */
#include "testutil.h"

#include "../../engine/search/proposer.h"

/* Each declared option round-trips through params, and the defaults are
 * the declared ones. */
static void options_round_trip_through_params(void **state)
{
    (void)state;
    int n;
    const struct algo_kind *const *k = algo_registry(&n);
    assert_true(n >= 5);
    for (int i = 0; i < n; i++) {
        struct err e = {0};
        void *o = algo_opts_new(k[i], NULL, &e);
        assert_non_null(o);
        char *json = algo_opts_json(k[i], o);
        assert_non_null(json);
        for (const struct algo_opt *d = k[i]->opts; d && d->name; d++) {
            char key[64];
            snprintf(key, sizeof key, "\"%s\":", d->name);
            assert_non_null(strstr(json, key));
        }
        void *back = algo_opts_new(k[i], json, &e);
        assert_non_null(back);
        assert_memory_equal(o, back, k[i]->opts_size ? k[i]->opts_size : 1);
        free(json);
        free(o);
        free(back);
    }
}

/* Headers written before the registry held batch/population/tournament/prior
 * for every algorithm: each takes its own keys and passes over the rest. */
static void old_params_load_and_foreign_keys_are_passed_over(void **state)
{
    (void)state;
    struct err e = {0};
    const char *old = "{\"batch\":0,\"population\":20,\"tournament\":5,\"prior\":1}";
    const struct algo_kind *rea = algo_find("rea", &e), *ofa = algo_find("ofa-ea", &e);
    assert_non_null(rea);
    assert_non_null(ofa);
    void *r = algo_opts_new(rea, old, &e);
    assert_non_null(r);
    char *json = algo_opts_json(rea, r);
    assert_string_equal(json, "{\"batch\":0,\"population\":20,\"tournament\":5}");
    free(json);
    free(r);
    void *o = algo_opts_new(ofa, old, &e);
    assert_non_null(o);
    json = algo_opts_json(ofa, o);
    assert_string_equal(json, "{\"ea-population\":100,\"generations\":500,\"mutate-prob\":0.1}");
    free(json);
    free(o);
}

static void wrong_types_and_unknown_names_are_errors(void **state)
{
    (void)state;
    struct err e = {0};
    const struct algo_kind *rea = algo_find("rea", &e);
    assert_null(algo_opts_new(rea, "{\"population\":2.5}", &e));
    assert_string_equal(e.where, "params");
    assert_non_null(strstr(e.msg, "population: expected a whole number"));
    assert_null(algo_opts_new(rea, "[1]", &e));
    assert_null(algo_find("genetic", &e));
    assert_string_equal(e.where, "--algo");
    assert_non_null(strstr(e.msg, "known: random, rea, local, collm, ofa-ea"));
}

/* Every row of the spaces registry opens (its data is in the tree), and an
 * unknown family lists the rows. */
static void every_space_row_opens(void **state)
{
    (void)state;
    int n;
    const struct space_kind *k = space_registry(&n);
    for (int i = 0; i < n; i++) {
        struct err e = {0};
        struct space *s = space_open(k[i].name, NULL, &e);
        if (!s)
            fail_msg("%s: %s: %s", k[i].name, e.where, e.msg);
        assert_string_equal(s->id, k[i].name);
        space_close(s);
    }
    struct err e = {0};
    assert_null(space_open("nope:x", NULL, &e));
    assert_non_null(strstr(e.msg, "known: nb201:cifar10, nb201:cifar100"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(options_round_trip_through_params),
        cmocka_unit_test(old_params_load_and_foreign_keys_are_passed_over),
        cmocka_unit_test(wrong_types_and_unknown_names_are_errors),
        cmocka_unit_test(every_space_row_opens),
    };
    return cmocka_run_group_tests_name("algo", tests, NULL, NULL);
}
