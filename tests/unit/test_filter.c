/* The History filter's terms (engine/spaces/filter.c) on real spaces:
 * operators, prefixes and ambiguity, NB201 edges, dict keys, text, errors,
 * and odd input that must neither crash nor pass as a filter by accident. */
#include "testutil.h"

#include <math.h>

#include "../../engine/core/rng.h"
#include "../../engine/spaces/filter.h"

/* |3x3~0|+|sk~0|1x1~1|+|sk~0|-~1|ap~2|: edge 3<-0 is a skip */
#define CELL "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|"

struct fixture {
    struct space *sp;
    struct filter_ctx c;
    struct record r;
    char text[1024];
};

static void record_of(struct fixture *f, const char *text)
{
    struct err e;
    memset(&f->r, 0, sizeof f->r);
    assert_int_equal(space_decode(f->sp, text, &f->r.arch, &e), 0);
    assert_true(space_encode(f->sp, &f->r.arch, f->text, sizeof f->text) > 0);
    f->r.text = f->text;
    for (int i = 0; i < METRIC_MAX; i++)
        f->r.m[i] = 0;
}

static void open_space(struct fixture *f, const char *spec)
{
    struct err e;
    memset(f, 0, sizeof *f);
    f->sp = space_open(spec, NULL, &e);
    if (!f->sp)
        fail_msg("%s: %s", e.where, e.msg);
    f->c = (struct filter_ctx){f->sp, f->sp->metrics, f->sp->nmetrics, -1};
}

/* 1 pass, 0 not, -1 refused (msg then holds why) */
static int try(struct fixture *f, const char *text, char *msg, size_t n)
{
    struct filter flt;
    struct err e;
    err_clear(&e);
    if (filter_parse(&flt, text, &f->c, &e) < 0) {
        if (msg)
            err_str(&e, msg, n);
        return -1;
    }
    return filter_match(&flt, f->sp, &f->r, NULL, NULL);
}

static void nb201_metrics(void **state)
{
    (void)state;
    struct fixture f;
    open_space(&f, "nb201:cifar10");
    record_of(&f, CELL);
    f.r.m[0] = 91.61; /* valid_acc */
    f.r.m[1] = 94.2;  /* test_acc */
    f.r.m[2] = 100.0; /* flops */
    assert_int_equal(try(&f, "valid_acc>91", NULL, 0), 1);
    assert_int_equal(try(&f, "valid>91", NULL, 0), 1); /* the one name it starts */
    assert_int_equal(try(&f, "VALID>91", NULL, 0), 1);
    assert_int_equal(try(&f, "valid>92", NULL, 0), 0);
    assert_int_equal(try(&f, "valid<92", NULL, 0), 1);
    assert_int_equal(try(&f, "valid>=91.61", NULL, 0), 1);
    assert_int_equal(try(&f, "valid<=91.6", NULL, 0), 0);
    assert_int_equal(try(&f, "valid=91.6", NULL, 0), 1);  /* to the digits typed */
    assert_int_equal(try(&f, "valid=91.62", NULL, 0), 0);
    assert_int_equal(try(&f, "valid!=91.6", NULL, 0), 0);
    assert_int_equal(try(&f, "valid!=90", NULL, 0), 1);
    assert_int_equal(try(&f, "flops<=100", NULL, 0), 1);
    assert_int_equal(try(&f, "flops<100", NULL, 0), 0);
    /* several terms: all of them */
    assert_int_equal(try(&f, "valid>91 flops<=100", NULL, 0), 1);
    assert_int_equal(try(&f, "  valid>91   flops<100 ", NULL, 0), 0);
    assert_int_equal(try(&f, "", NULL, 0), 1);
    assert_int_equal(try(&f, "   ", NULL, 0), 1);
    f.r.m[2] = NAN; /* a metric the session did not record passes nothing */
    assert_int_equal(try(&f, "flops<=100", NULL, 0), 0);
    assert_int_equal(try(&f, "flops!=100", NULL, 0), 0);
    space_close(f.sp);
}

static void prefixes_and_unknown_names(void **state)
{
    (void)state;
    struct fixture f;
    char msg[600];
    open_space(&f, "nb201:cifar10");
    record_of(&f, CELL);
    f.r.m[4] = 3.0; /* lat_raspi4 */
    assert_int_equal(try(&f, "lat>1", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "character 1"));
    assert_non_null(strstr(msg, "`lat` is more than one metric: lat_raspi4 lat_pixel3"));
    assert_int_equal(try(&f, "lat_r>1", NULL, 0), 1);
    assert_int_equal(try(&f, "flops<1 nope>3", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "character 9"));
    assert_non_null(strstr(msg, "no metric `nope`: the metrics are valid_acc test_acc flops"));
    space_close(f.sp);
    /* every space's own metrics: OFA's predicted accuracy and Note10 latency */
    open_space(&f, "ofa-mbv3");
    f.r.text = (char *)"{}";
    f.r.m[0] = 77.1;
    f.r.m[2] = 20;
    assert_int_equal(try(&f, "pred>77 note<=20", NULL, 0), 1);
    assert_int_equal(try(&f, "valid>1", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "the metrics are pred_acc flops note10; the keys ks e d r"));
    space_close(f.sp);
}

static void test_accuracy_stays_hidden(void **state)
{
    (void)state;
    struct fixture f;
    char msg[600];
    open_space(&f, "nb201:cifar10");
    record_of(&f, CELL);
    f.r.m[1] = 94.2;
    assert_int_equal(try(&f, "test>90", NULL, 0), 1);
    f.c.hidden = f.sp->report;
    assert_int_equal(try(&f, "test>90", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "test_acc is hidden in live views (--show-test)"));
    assert_int_equal(try(&f, "valid>0 test_acc<100", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "character 9"));
    space_close(f.sp);
}

static void nb201_edges(void **state)
{
    (void)state;
    struct fixture f;
    char msg[600];
    open_space(&f, "nb201:cifar10");
    record_of(&f, CELL);
    assert_int_equal(try(&f, "edge3<-0=sk", NULL, 0), 1);
    assert_int_equal(try(&f, "edge3<-0=skip_connect", NULL, 0), 1);
    assert_int_equal(try(&f, "edge3<-0=SK", NULL, 0), 1);
    assert_int_equal(try(&f, "edge3<-0=3x3", NULL, 0), 0);
    assert_int_equal(try(&f, "edge3<-0!=3x3", NULL, 0), 1);
    assert_int_equal(try(&f, "edge3<-0!=sk", NULL, 0), 0);
    assert_int_equal(try(&f, "edge1<-0=3x3 edge2<-1=1x1 edge3<-1=- edge3<-2=ap", NULL, 0), 1);
    assert_int_equal(try(&f, "edge3<-1=none edge3<-2=avg_pool_3x3", NULL, 0), 1);
    assert_int_equal(try(&f, "edge2<-0=nor_conv_1x1", NULL, 0), 0);
    assert_int_equal(try(&f, "edge4<-0=sk", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "no such edge: the edges are 1<-0 2<-0 2<-1 3<-0"));
    assert_int_equal(try(&f, "edge1<-1=sk", NULL, 0), -1);
    assert_int_equal(try(&f, "edge3<-0=conv", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "no operation `conv`"));
    assert_int_equal(try(&f, "edge3<-0", msg, sizeof msg), -1); /* half typed */
    assert_non_null(strstr(msg, "expected =OP"));
    assert_int_equal(try(&f, "[0]=1", msg, sizeof msg), -1); /* a cell is no list */
    assert_non_null(strstr(msg, "[i] is an element of a list architecture"));
    assert_int_equal(try(&f, "valid>1 edge3<-0=", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "character 9"));
    space_close(f.sp);
}

static void text_terms(void **state)
{
    (void)state;
    struct fixture f;
    open_space(&f, "nb201:cifar10");
    record_of(&f, CELL);
    assert_int_equal(try(&f, "avg_pool", NULL, 0), 1);      /* the long form */
    assert_int_equal(try(&f, "AVG_POOL_3x3~2", NULL, 0), 1); /* whatever the case */
    assert_int_equal(try(&f, "ap", NULL, 0), 1);            /* the short form */
    assert_int_equal(try(&f, "3x3 sk 1x1", NULL, 0), 1);    /* each term by itself */
    assert_int_equal(try(&f, "|nor_conv_3x3~0|+|skip", NULL, 0), 1);
    assert_int_equal(try(&f, "3x3~1", NULL, 0), 0);
    assert_int_equal(try(&f, "ap valid>99", NULL, 0), 0);   /* text and a metric, ANDed */
    space_close(f.sp);
}

static int more_says(void *ud, const char *text)
{
    return strcmp(text, (const char *)ud) == 0;
}

static void text_asks_the_other_cells(void **state)
{
    (void)state;
    struct fixture f;
    struct filter flt;
    struct err e;
    open_space(&f, "nb201:cifar10");
    record_of(&f, CELL);
    assert_int_equal(filter_parse(&flt, "91.61", &f.c, &e), 0);
    assert_int_equal(filter_match(&flt, f.sp, &f.r, NULL, NULL), 0);
    assert_int_equal(filter_match(&flt, f.sp, &f.r, more_says, "91.61"), 1);
    space_close(f.sp);
}

static void dict_keys(void **state)
{
    (void)state;
    struct fixture f;
    char msg[600], text[1024];
    open_space(&f, "ofa-mbv3");
    /* the canonical text of a sampled arch, and its own values back */
    struct rng r;
    rng_seed(&r, 7);
    space_sample(f.sp, &r, &f.r.arch);
    assert_true(space_encode(f.sp, &f.r.arch, text, sizeof text) > 0);
    record_of(&f, text);
    const char *d = strstr(text, "\"d\":[");
    const char *rr = strstr(text, "\"r\":");
    const char *ks = strstr(text, "\"ks\":[");
    assert_non_null(d);
    assert_non_null(rr);
    assert_non_null(ks);
    char q[64];
    snprintf(q, sizeof q, "r=%d", atoi(rr + 4));
    assert_int_equal(try(&f, q, NULL, 0), 1);
    snprintf(q, sizeof q, "r!=%d", atoi(rr + 4));
    assert_int_equal(try(&f, q, NULL, 0), 0);
    snprintf(q, sizeof q, "r<=%d r>=%d", atoi(rr + 4), atoi(rr + 4));
    assert_int_equal(try(&f, q, NULL, 0), 1);
    snprintf(q, sizeof q, "d[1]=%c", d[7]); /* "d":[x,y: y is d[1] */
    assert_int_equal(try(&f, q, NULL, 0), 1);
    snprintf(q, sizeof q, "d[1]=%c", d[7] == '4' ? '2' : '4');
    assert_int_equal(try(&f, q, NULL, 0), 0);
    snprintf(q, sizeof q, "ks[0]=%c", ks[6]);
    assert_int_equal(try(&f, q, NULL, 0), 1);
    assert_int_equal(try(&f, "d[9]=3", NULL, 0), 0); /* no such element: nothing passes */
    assert_int_equal(try(&f, "x=3", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "the keys ks e d r"));
    assert_int_equal(try(&f, "d=4", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "`d` is a list"));
    assert_int_equal(try(&f, "r[0]=224", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "`r` is one value, no list"));
    assert_int_equal(try(&f, "r>big", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "> needs a number"));
    space_close(f.sp);

    /* a list architecture: [i] is its element i */
    open_space(&f, "spos-shufflenet");
    record_of(&f, "[0,1,2,3,0,1,2,3,0,1,2,3,0,1,2,3,0,1,2,3]");
    assert_int_equal(try(&f, "[3]=3 [0]=0", NULL, 0), 1);
    assert_int_equal(try(&f, "[3]=2", NULL, 0), 0);
    assert_int_equal(try(&f, "[19]>=3", NULL, 0), 1);
    assert_int_equal(try(&f, "[0,1,2", NULL, 0), 1); /* shaped like no term: text */
    space_close(f.sp);
}

static void errors_say_where(void **state)
{
    (void)state;
    struct fixture f;
    char msg[600];
    open_space(&f, "nb201:cifar10");
    record_of(&f, CELL);
    assert_int_equal(try(&f, "valid>", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "character 7: expected a value after `valid>`"));
    assert_int_equal(try(&f, "flops<1 valid>abc", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "character 15: expected a number after valid_acc>"));
    assert_int_equal(try(&f, "valid=>3", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "character 6: no operator `=>`"));
    assert_int_equal(try(&f, "valid>1e999", NULL, 0), -1);
    assert_int_equal(try(&f, "valid>nan", NULL, 0), -1);
    char many[200] = "";
    for (int i = 0; i < 17; i++)
        strcat(many, "sk ");
    assert_int_equal(try(&f, many, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "16 terms at most"));
    space_close(f.sp);
}

/* Whatever is typed, the parser answers (a filter or an error) and the
 * match runs: odd strings, then seeded random bytes and mixes of the
 * characters terms are made of. */
static void odd_input_never_crashes(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "=", "!=", "<", "<<=", "==", "!", "[", "]", "[]", "[9999999999]=1", "[-1]=2", "a[",
        "a[1", "a[1]", "a[1]=", "edge", "edge3", "edge3<", "edge3<-", "edge3<-0!", "edge3<-0==",
        "edge9<-9=sk", "edge3<-0=", "=sk", "valid>>1", "valid>-", "valid>+", "valid>.",
        "valid>1.", "valid>0x1p3", "valid> 1", "\t\t", "\"", "{\"r\":", "~", "%s%n%s",
        "valid_acc_valid_acc_valid_acc_valid_acc_x>1",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "\xff\xfe=\x80", "r=\"", "ks[0]=\"7\"", "d[1]=[", "e[0]=}", "[0]=[0]", "_=_",
    };
    const char *const spaces[] = {"nb201:cifar10", "ofa-mbv3", "spos-shufflenet"};
    for (size_t s = 0; s < sizeof spaces / sizeof spaces[0]; s++) {
        struct fixture f;
        open_space(&f, spaces[s]);
        struct rng r;
        rng_seed(&r, 11);
        struct arch a;
        char text[1024];
        space_sample(f.sp, &r, &a);
        assert_true(space_encode(f.sp, &a, text, sizeof text) > 0);
        record_of(&f, text);
        for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
            int rc = try(&f, odd[i], NULL, 0);
            assert_true(rc >= -1 && rc <= 1);
        }
        static const char alphabet[] = "edg3<-0=!>[]1x_sk.valid rfp\"{},~";
        char buf[80];
        for (int n = 0; n < 3000; n++) {
            int len = (int)rng_below(&r, sizeof buf - 1);
            for (int k = 0; k < len; k++)
                buf[k] = n % 2 ? (char)(1 + rng_below(&r, 255))
                               : alphabet[rng_below(&r, sizeof alphabet - 1)];
            buf[len] = '\0';
            int rc = try(&f, buf, NULL, 0);
            assert_true(rc >= -1 && rc <= 1);
        }
        space_close(f.sp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nb201_metrics),
        cmocka_unit_test(prefixes_and_unknown_names),
        cmocka_unit_test(test_accuracy_stays_hidden),
        cmocka_unit_test(nb201_edges),
        cmocka_unit_test(text_terms),
        cmocka_unit_test(text_asks_the_other_cells),
        cmocka_unit_test(dict_keys),
        cmocka_unit_test(errors_say_where),
        cmocka_unit_test(odd_input_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
