/* The SPOS ShuffleNetV2 and AutoFormer T/S/B spaces against every test
 * vector of data/spos and data/autoformer (the repositories' own counting
 * rules, exact integers), their codecs, legality errors and moves. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <math.h>

#include "../../engine/agents/parse.h"
#include "../../engine/agents/prompt.h"
#include "../../engine/agents/strategy.h"
#include "../../engine/cand/cand.h"
#include "../../engine/core/constraint.h"
#include "../../engine/core/datadir.h"
#include "../../engine/eval/eval.h"
#include "../../engine/spaces/autoformer.h"
#include "../../engine/spaces/spos.h"

static char *slurp(const char *name)
{
    char path[4200];
    FILE *f = fopen(datadir_path(NULL, name, path, sizeof path), "r");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static cJSON *vectors(const char *name)
{
    char *text = slurp(name);
    cJSON *o = cJSON_Parse(text);
    free(text);
    assert_non_null(o);
    cJSON *v = cJSON_GetObjectItem(o, "vectors");
    assert_true(cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0);
    return o;
}

static int64_t int_of(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItem(o, key);
    if (!cJSON_IsNumber(it))
        fail_msg("no number '%s'", key);
    return (int64_t)llround(it->valuedouble);
}

static void decode_ok(const struct space *s, const char *text, struct arch *a)
{
    struct err e = {0};
    if (space_decode(s, text, a, &e) < 0)
        fail_msg("%s: %s: %s", text, e.where, e.msg);
}

/* The canonical text decodes to the same architecture and encodes again
 * to the same text. */
static void round_trips(const struct space *s, const struct arch *a)
{
    char t1[1024], t2[1024];
    struct arch b;
    assert_true(space_encode(s, a, t1, sizeof t1) > 0);
    decode_ok(s, t1, &b);
    assert_true(arch_eq(a, &b));
    assert_true(space_encode(s, &b, t2, sizeof t2) > 0);
    assert_string_equal(t1, t2);
}

static void decode_fails(const struct space *s, const char *text, const char *where,
                         const char *msg)
{
    struct arch a;
    struct err e = {0};
    if (space_decode(s, text, &a, &e) == 0)
        fail_msg("%s decoded", text);
    assert_true(e.usage);
    if (!strstr(e.where, where) || !strstr(e.msg, msg))
        fail_msg("%s: got '%s: %s', want '%s' ... '%s'", text, e.where, e.msg, where, msg);
}

/* ---- SPOS ------------------------------------------------------------------- */

static struct space *spos_open(void)
{
    struct err e = {0};
    struct space *s = space_open("spos-shufflenet", NULL, &e);
    if (!s)
        fail_msg("%s: %s", e.where, e.msg);
    return s;
}

static void spos_check(const struct space *s, const struct arch *a, int64_t flops,
                       int64_t params, int64_t params_bn, int legal, const char *what)
{
    struct spos_costs c;
    struct err e = {0};
    assert_int_equal(spos_count(s, a, &c, &e), 0);
    if (c.flops != flops || c.params != params || c.params_bn != params_bn)
        fail_msg("%s: %lld %lld %lld, want %lld %lld %lld", what, (long long)c.flops,
                 (long long)c.params, (long long)c.params_bn, (long long)flops,
                 (long long)params, (long long)params_bn);
    double m[METRIC_MAX] = {0};
    assert_int_equal(space_cost(s, a, m, &e), 0);
    int fl = metric_find(s->metrics, s->nmetrics, "flops");
    int pa = metric_find(s->metrics, s->nmetrics, "params");
    assert_int_equal(llround(m[fl] * 1e6), flops);
    assert_int_equal(llround(m[pa] * 1e6), params);
    /* the paper's constraint, as --constraint reads it */
    struct constraint k;
    assert_int_equal(constraint_parse(&k, "flops<=330", s->metrics, s->nmetrics, &e), 0);
    assert_int_equal(constraint_violated(&k, m) < 0, legal);
    round_trips(s, a);
}

static void spos_named_vectors_and_published_nets(void **state)
{
    (void)state;
    struct space *s = spos_open();
    cJSON *o = vectors("spos/test_vectors.json"), *v;
    int checked = 0, outside = 0;
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(o, "vectors"))
    {
        char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(v, "arch"));
        struct arch a;
        decode_ok(s, text, &a);
        free(text);
        const char *name = cJSON_GetObjectItem(v, "name")->valuestring;
        if (cJSON_GetObjectItem(v, "channel_scales")) {
            /* channel-searched widths are not this space: its costs differ */
            struct spos_costs c;
            assert_int_equal(spos_count(s, &a, &c, NULL), 0);
            assert_true(c.flops != int_of(v, "flops"));
            outside++;
            continue;
        }
        spos_check(s, &a, int_of(v, "flops"), int_of(v, "params_weights"),
                   int_of(v, "params_with_bn"),
                   cJSON_IsTrue(cJSON_GetObjectItem(v, "legal_flops_le_330M")), name);
        checked++;
    }
    cJSON_Delete(o);
    assert_int_equal(checked, 8);
    assert_int_equal(outside, 1);

    /* The README's published nets: SPOS's "323M / 3.5M", CoLLM-NAS's "325M / 3.7M". */
    struct arch a;
    struct spos_costs c;
    decode_ok(s, "(2, 1, 0, 1, 2, 0, 2, 0, 2, 0, 2, 3, 0, 0, 0, 0, 3, 2, 3, 3)", &a);
    assert_int_equal(spos_count(s, &a, &c, NULL), 0);
    assert_int_equal(c.flops, 322918720);
    assert_int_equal(llround(c.params / 1e5), 35);
    decode_ok(s, "[0,0,3,3,3,2,1,3,3,1,1,1,1,3,3,3,3,3,3,3]", &a);
    assert_int_equal(spos_count(s, &a, &c, NULL), 0);
    assert_int_equal(c.flops, 324957120);
    assert_int_equal(llround(c.params / 1e5), 37);
    space_close(s);
}

static void spos_random_300(void **state)
{
    (void)state;
    struct space *s = spos_open();
    char path[4200], line[512];
    FILE *f = fopen(datadir_path(NULL, "spos/test_vectors_random300.csv", path, sizeof path), "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "arch,flops,params_weights,params_with_bn,legal_flops_le_330M"));
    int n = 0, legal = 0;
    while (fgets(line, sizeof line, f)) {
        char digits[32];
        long long fl, pw, pb;
        int lg;
        assert_int_equal(sscanf(line, "%31[0-9],%lld,%lld,%lld,%d", digits, &fl, &pw, &pb, &lg), 5);
        struct arch a, b;
        decode_ok(s, digits, &a);
        /* the digit string and the list are one architecture */
        char list[128];
        size_t off = (size_t)snprintf(list, sizeof list, "[");
        for (int i = 0; i < SPOS_LAYERS; i++)
            off += (size_t)snprintf(list + off, sizeof list - off, "%s%c", i ? ", " : "", digits[i]);
        snprintf(list + off, sizeof list - off, "]");
        decode_ok(s, list, &b);
        assert_true(arch_eq(&a, &b));
        char brief[64];
        assert_string_equal(space_brief(s, list, brief, sizeof brief), digits);
        spos_check(s, &a, fl, pw, pb, lg, digits);
        legal += lg;
        n++;
    }
    fclose(f);
    assert_int_equal(n, 300);
    assert_int_equal(legal, 171); /* as the README counts */
    space_close(s);
}

static void spos_errors_name_the_layer_and_the_ops(void **state)
{
    (void)state;
    struct space *s = spos_open();
    decode_fails(s, "[2,1,0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,4]", "[19] (layer 19)",
                 "4 is not an op: 0 shufflenet_3x3, 1 shufflenet_5x5, 2 shufflenet_7x7 or 3 "
                 "xception_3x3");
    decode_fails(s, "[2,1.5,0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,3]", "[1] (layer 1)",
                 "1.5 is not an op");
    decode_fails(s, "[2,\"x\",0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,3]", "[1] (layer 1)",
                 "\"x\" is not an op");
    decode_fails(s, "[2,1,0]", "arch", "expected 20 op indices, one per layer, got 3");
    decode_fails(s, "{\"ops\":[1]}", "arch", "a JSON list of 20 op indices");
    decode_fails(s, "21012020202300003234", "[19] (layer 19)", "4 is not an op");
    decode_fails(s, "2101202020230000323", "arch", "expected 20 op digits");
    decode_fails(s, "", "arch", "a JSON list of 20 op indices");
    /* the canonical form is the list, whatever was pasted */
    struct arch a;
    char text[256];
    decode_ok(s, " (2, 1, 0, 1, 2, 0, 2, 0, 2, 0, 2, 3, 0, 0, 0, 0, 3, 2, 3, 3) ", &a);
    assert_true(space_encode(s, &a, text, sizeof text) > 0);
    assert_string_equal(text, "[2,1,0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,3]");
    assert_int_equal(space_encode(s, &a, text, 10), -1); /* too small: says so */
    struct err e = {0};
    assert_null(space_open("spos-shufflenet:cifar10", NULL, &e));
    assert_true(e.usage);
    /* the schema constrains a server to 20 indices 0..3 */
    char *schema = space_schema(s);
    cJSON *o = cJSON_Parse(schema);
    assert_non_null(o);
    assert_int_equal(int_of(o, "minItems"), 20);
    assert_int_equal(int_of(o, "maxItems"), 20);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "items"),
                                                            "enum")), 4);
    cJSON_Delete(o);
    free(schema);
    space_close(s);
}

/* ---- AutoFormer ---------------------------------------------------------------- */

static struct space *af_open(const char *letter)
{
    const char *name = !strcmp(letter, "T") ? "autoformer-tiny"
                       : !strcmp(letter, "S") ? "autoformer-small" : "autoformer-base";
    struct err e = {0};
    struct space *s = space_open(name, NULL, &e);
    if (!s)
        fail_msg("%s: %s", e.where, e.msg);
    return s;
}

/* A subnet from its fields; `dict` gets the text a user would paste. */
static void af_net(int depth, int embed, const double *mlp, const int *heads,
                   struct autoformer_net *n, char *dict, size_t len)
{
    memset(n, 0, sizeof *n);
    n->depth = depth, n->embed_dim = embed;
    size_t off = (size_t)snprintf(dict, len, "{\"depth\": %d, \"embed_dim\": %d, \"mlp_ratio\": [",
                                  depth, embed);
    for (int i = 0; i < depth; i++) {
        n->mlp_ratio[i] = mlp[i], n->num_heads[i] = heads[i];
        off += (size_t)snprintf(dict + off, len - off, "%s%.1f", i ? ", " : "", mlp[i]);
    }
    off += (size_t)snprintf(dict + off, len - off, "], \"num_heads\": [");
    for (int i = 0; i < depth; i++)
        off += (size_t)snprintf(dict + off, len - off, "%s%d", i ? ", " : "", heads[i]);
    snprintf(dict + off, len - off, "]}");
}

/* The rules, with and without relative positions; then the space's own
 * costs when the subnet is in it, or an error naming the field. */
static void af_check(const char *letter, int depth, int embed, const double *mlp,
                     const int *heads, int64_t params, int64_t flops2, int64_t params_nr,
                     int64_t flops2_nr, int in_space)
{
    struct autoformer_net n, back;
    char dict[1024];
    af_net(depth, embed, mlp, heads, &n, dict, sizeof dict);
    if (autoformer_params(&n, 1) != params || autoformer_flops2(&n, 1) != flops2 ||
        autoformer_params(&n, 0) != params_nr || autoformer_flops2(&n, 0) != flops2_nr)
        fail_msg("%s %s: %lld %lld %lld %lld, want %lld %lld %lld %lld", letter, dict,
                 (long long)autoformer_params(&n, 1), (long long)autoformer_flops2(&n, 1),
                 (long long)autoformer_params(&n, 0), (long long)autoformer_flops2(&n, 0),
                 (long long)params, (long long)flops2, (long long)params_nr,
                 (long long)flops2_nr);
    struct space *s = af_open(letter);
    struct arch a;
    struct err e = {0};
    if (!in_space) {
        assert_int_equal(space_decode(s, dict, &a, &e), -1);
        assert_true(e.usage && strstr(e.msg, "is not one of"));
        space_close(s);
        return;
    }
    decode_ok(s, dict, &a);
    round_trips(s, &a);
    assert_int_equal(autoformer_net_of(s, &a, &back, &e), 0);
    assert_int_equal(back.depth, depth);
    assert_int_equal(back.embed_dim, embed);
    for (int i = 0; i < depth; i++) {
        assert_true(back.mlp_ratio[i] == mlp[i]);
        assert_int_equal(back.num_heads[i], heads[i]);
    }
    double m[METRIC_MAX] = {0};
    assert_int_equal(space_cost(s, &a, m, &e), 0);
    assert_int_equal(llround(m[metric_find(s->metrics, s->nmetrics, "params")] * 1e6), params);
    assert_int_equal(llround(m[metric_find(s->metrics, s->nmetrics, "flops")] * 2e6), flops2);
    space_close(s);
}

static void autoformer_named_vectors_and_published_nets(void **state)
{
    (void)state;
    cJSON *o = vectors("autoformer/test_vectors.json"), *v;
    int n = 0, outside = 0;
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(o, "vectors"))
    {
        double mlp[AF_MAX_DEPTH];
        int heads[AF_MAX_DEPTH], d = (int)int_of(v, "depth"), i = 0;
        const cJSON *it;
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(v, "mlp_ratio")), d);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(v, "mlp_ratio")) mlp[i++] = it->valuedouble;
        i = 0;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(v, "num_heads")) heads[i++] = it->valueint;
        int in = cJSON_IsTrue(cJSON_GetObjectItem(v, "in_collm_nas_space"));
        /* flops are printed as doubles with at most a half: twice is exact */
        af_check(cJSON_GetObjectItem(v, "space")->valuestring, d, (int)int_of(v, "embed_dim"),
                 mlp, heads, int_of(v, "params"),
                 llround(2 * cJSON_GetObjectItem(v, "flops")->valuedouble),
                 int_of(v, "params_no_relpos"),
                 llround(2 * cJSON_GetObjectItem(v, "flops_no_relpos")->valuedouble), in);
        outside += !in;
        n++;
    }
    assert_int_equal(n, 17);
    assert_int_equal(outside, 2); /* the T and B supernets' own maxima */

    /* CoLLM-NAS Tab. 8 and its AutoFormer-T baseline as the paper prints
     * them: FLOPs to 1 M, params to 0.1 M */
    static const struct {
        const char *space, *name;
        long mflops;
        int dparams; /* tenths of a million */
    } pub[] = {
        {"T", "collm_nas", 1366, 60}, {"S", "collm_nas", 4897, 229},
        {"B", "collm_nas", 11074, 528}, {"T", "published", 1344, 59},
    };
    int found = 0;
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(o, "vectors"))
        for (size_t k = 0; k < sizeof pub / sizeof pub[0]; k++) {
            if (strcmp(cJSON_GetObjectItem(v, "space")->valuestring, pub[k].space) ||
                strcmp(cJSON_GetObjectItem(v, "name")->valuestring, pub[k].name))
                continue;
            struct autoformer_net net;
            char text[1024], *p;
            const char *keys[] = {"depth", "embed_dim", "mlp_ratio", "num_heads"};
            cJSON *dict = cJSON_CreateObject();
            for (int i = 0; i < 4; i++)
                cJSON_AddItemToObject(dict, keys[i],
                                      cJSON_Duplicate(cJSON_GetObjectItem(v, keys[i]), 1));
            p = cJSON_PrintUnformatted(dict);
            snprintf(text, sizeof text, "%s", p);
            free(p);
            cJSON_Delete(dict);
            struct space *s = af_open(pub[k].space);
            struct arch a;
            struct err e = {0};
            double m[METRIC_MAX] = {0};
            decode_ok(s, text, &a);
            assert_int_equal(autoformer_net_of(s, &a, &net, &e), 0);
            assert_int_equal(space_cost(s, &a, m, &e), 0);
            assert_int_equal(lround(m[metric_find(s->metrics, s->nmetrics, "flops")]),
                             pub[k].mflops);
            assert_int_equal(lround(m[metric_find(s->metrics, s->nmetrics, "params")] * 10),
                             pub[k].dparams);
            space_close(s);
            found++;
        }
    assert_int_equal(found, 4);
    cJSON_Delete(o);
}

static void autoformer_random_300(void **state)
{
    (void)state;
    char path[4200], line[1024];
    FILE *f = fopen(datadir_path(NULL, "autoformer/test_vectors_random300.csv", path, sizeof path),
                    "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "space,depth,embed_dim,mlp_ratio,num_heads,params,flops,"
                                 "params_no_relpos,flops_no_relpos"));
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char letter[4], mlps[256], heads_s[256];
        int d, embed, yaml;
        long long params, params_nr;
        double flops, flops_nr;
        assert_int_equal(sscanf(line, "%3[TSB],%d,%d,%255[0-9.;],%255[0-9;],%lld,%lf,%lld,%lf,%d",
                                letter, &d, &embed, mlps, heads_s, &params, &flops, &params_nr,
                                &flops_nr, &yaml), 10);
        double mlp[AF_MAX_DEPTH];
        int heads[AF_MAX_DEPTH], i = 0;
        for (char *p = strtok(mlps, ";"); p && i < AF_MAX_DEPTH; p = strtok(NULL, ";"))
            mlp[i++] = atof(p);
        assert_int_equal(i, d);
        i = 0;
        for (char *p = strtok(heads_s, ";"); p && i < AF_MAX_DEPTH; p = strtok(NULL, ";"))
            heads[i++] = atoi(p);
        assert_int_equal(i, d);
        /* every row is drawn from the CoLLM-NAS or the yaml space, both inside ours */
        af_check(letter, d, embed, mlp, heads, params, llround(2 * flops), params_nr,
                 llround(2 * flops_nr), 1);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 300);
}

static void autoformer_errors_name_the_field_and_the_choices(void **state)
{
    (void)state;
    struct space *t = af_open("T"), *b = af_open("B");
    const char *ok13 = "\"mlp_ratio\":[3.5,3.5,3.0,3.5,3.0,3.0,4.0,4.0,3.5,4.0,3.5,4.0,3.5],"
                       "\"num_heads\":[3,3,3,3,3,3,3,3,3,3,4,3,3]";
    char text[1024];
    snprintf(text, sizeof text, "{\"depth\":15,\"embed_dim\":192,%s}", ok13);
    decode_fails(t, text, "depth", "15 is not one of 12, 13 or 14");
    snprintf(text, sizeof text, "{\"depth\":13,\"embed_dim\":256,%s}", ok13);
    decode_fails(t, text, "embed_dim", "256 is not one of 192, 216 or 240");
    snprintf(text, sizeof text, "{\"depth\":13,%s}", ok13);
    decode_fails(t, text, "embed_dim", "missing: expected 192, 216 or 240");
    decode_fails(t, "{\"depth\":12,\"embed_dim\":192,\"mlp_ratio\":[3.5,3.5,3.0,3.5,3.0,3.0,4.0,"
                    "4.0,3.5,4.0,3.5,4.0,3.5],\"num_heads\":[3,3,3,3,3,3,3,3,3,3,4,3]}",
                 "mlp_ratio", "expected a list of 12 values, one per layer (depth 12), each "
                              "3.0, 3.5 or 4.0; got 13");
    decode_fails(t, "{\"depth\":12,\"embed_dim\":192,\"mlp_ratio\":[3.5,3.5,3.2,3.5,3.0,3.0,4.0,"
                    "4.0,3.5,4.0,3.5,4.0],\"num_heads\":[3,3,3,3,3,3,3,3,3,3,4,3]}",
                 "mlp_ratio[2]", "3.2 is not one of 3.0, 3.5 or 4.0");
    decode_fails(t, "{\"depth\":12,\"embed_dim\":192,\"mlp_ratio\":[3.5,3.5,3.5,3.5,3.0,3.0,4.0,"
                    "4.0,3.5,4.0,3.5,4.0],\"num_heads\":[3,3,3,3,3,3,3,3,3,3,4,5]}",
                 "num_heads[11]", "5 is not one of 3 or 4");
    decode_fails(t, "[13, 3.5]", "character 1", "expected a JSON object");
    decode_fails(b, "{\"depth\":14,\"embed_dim\":576,\"mlp_ratio\":[3,3,3,3,3,3,3,3,3,3,3,3,3,3],"
                    "\"num_heads\":[9,9,9,9,9,9,9,9,9,9,9,9,9,11]}",
                 "num_heads[13]", "11 is not one of 8, 9 or 10");
    /* 3 and 3.0 are one ratio; the canonical text is the long one */
    struct arch a;
    decode_ok(b, "{\"depth\":14,\"embed_dim\":576,\"mlp_ratio\":[3,3,3,3,3,3,3,3,3,3,3,3,3,3],"
                 "\"num_heads\":[9,9,9,9,9,9,9,9,9,9,9,9,9,10]}", &a);
    assert_true(space_encode(b, &a, text, sizeof text) > 0);
    assert_string_equal(text, "{\"depth\":14,\"embed_dim\":576,\"mlp_ratio\":[3.0,3.0,3.0,3.0,"
                              "3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0,3.0],\"num_heads\":[9,9,9,9,"
                              "9,9,9,9,9,9,9,9,9,10]}");
    /* a params limit as CoLLM-NAS sets one */
    struct constraint k;
    struct err e = {0};
    double m[METRIC_MAX] = {0};
    assert_int_equal(constraint_parse(&k, "params<=54", b->metrics, b->nmetrics, &e), 0);
    assert_int_equal(space_cost(b, &a, m, &e), 0);
    assert_true(constraint_violated(&k, m) < 0);
    assert_int_equal(constraint_parse(&k, "params<=40", b->metrics, b->nmetrics, &e), 0);
    assert_true(constraint_violated(&k, m) >= 0);
    char *schema = space_schema(t);
    cJSON *o = cJSON_Parse(schema);
    assert_non_null(o);
    cJSON *mlp = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "properties"), "mlp_ratio");
    assert_int_equal(int_of(mlp, "minItems"), 12);
    assert_int_equal(int_of(mlp, "maxItems"), 14);
    cJSON_Delete(o);
    free(schema);
    space_close(t);
    space_close(b);
}

/* Sampled and mutated nets are canonical (no genes past the depth), in
 * the space, and a mutation always makes another network. */
static void autoformer_moves_stay_canonical(void **state)
{
    (void)state;
    struct space *s = af_open("S");
    struct rng r;
    rng_seed(&r, 7);
    struct arch a, b, c;
    int depth_changed = 0;
    for (int i = 0; i < 500; i++) {
        space_sample(s, &r, &a);
        round_trips(s, &a);
        c = a;
        space_canonical(s, &c);
        assert_true(arch_eq(&a, &c));
        space_mutate(s, &r, &a, &b);
        assert_false(arch_eq(&a, &b));
        c = b;
        space_canonical(s, &c);
        assert_true(arch_eq(&b, &c));
        round_trips(s, &b);
        depth_changed += a.v[0] != b.v[0];
    }
    assert_true(depth_changed > 0);
    struct arch nb[64];
    space_sample(s, &r, &a);
    int n = space_neighbours(s, &a, nb, 64);
    assert_true(n > 0);
    for (int i = 0; i < n; i++)
        round_trips(s, &nb[i]);
    space_close(s);
}

/* ---- what the rest of collm sees --------------------------------------------------- */

static void no_builtin_evaluator_is_a_usage_error_naming_the_flag(void **state)
{
    (void)state;
    const char *names[] = {"spos-shufflenet", "autoformer-tiny", "autoformer-small",
                           "autoformer-base"};
    for (int i = 0; i < 4; i++) {
        struct err e = {0};
        struct space *s = space_open(names[i], NULL, &e);
        assert_non_null(s);
        assert_null(evaluator_default(s));
        assert_null(evaluator_open(s, &e));
        assert_true(e.usage);
        assert_string_equal(e.where, "--evaluator");
        char want[256];
        snprintf(want, sizeof want, "%s has no built-in evaluator: give --evaluator 'CMD ARGS', "
                 "a worker program (README, Bring your own supernet)", names[i]);
        assert_string_equal(e.msg, want);
        space_close(s);
    }
}

/* The Navigator's headings in the papers' words reach every block or
 * layer, and SPOS's list form is read back as an anchor. */
static void strategy_headings_and_anchors(void **state)
{
    (void)state;
    struct space *s = spos_open();
    struct plan p;
    const char *text = "# NAVIGATION DIRECTIONS\n## Operation\nprefer xception (+0.8); avoid "
                       "shuffle3 (-0.4)\n## layer 0\nprefer shuffle3 (+0.5)\n"
                       "## how to search\nexploit 60%: change at most 2 decisions of:\n"
                       "- [2,1,0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,3]\n";
    assert_true(strategy_parse(text, s, &p) > 0);
    assert_true(p.w[0][0] == 0.5); /* the layer's own subsection speaks last */
    for (int d = 1; d < SPOS_LAYERS; d++)
        assert_true(p.w[d][3] == 0.8 && p.w[d][0] == -0.4);
    assert_int_equal(p.nanchors, 1);
    struct arch a;
    decode_ok(s, "21012020202300003233", &a);
    assert_true(arch_eq(&p.anchors[0], &a));
    space_close(s);

    s = af_open("T");
    text = "## Layers\nprefer 14 (+0.6)\n## MLP Ratio\nprefer 4.0 (+0.3)\n## Attention Heads\n"
           "avoid 3 (-0.2)\n## Embedding Dimension\nprefer 240 (+0.7)\n";
    assert_true(strategy_parse(text, s, &p) > 0);
    assert_true(p.w[0][2] == 0.6);
    assert_true(p.w[1][2] == 0.7);
    for (int i = 0; i < 14; i++)
        assert_true(p.w[2 + i][2] == 0.3 && p.w[2 + 14 + i][0] == -0.2);
    space_close(s);
}

/* The answer forms the Generator prompts ask for (prompts/spos-shufflenet,
 * prompts/autoformer) give candidates that decode. */
static void generator_answers_parse_into_candidates(void **state)
{
    (void)state;
    static const struct {
        const char *space, *answer;
    } cases[] = {
        {"spos-shufflenet", "{\"candidates\": [[2,1,0,1,2,0,2,0,2,0,2,3,0,0,0,0,3,2,3,3], "
                            "[0,0,3,3,3,2,1,3,3,1,1,1,1,3,3,3,3,3,3,3]]}"},
        {"autoformer-tiny", "```json\n{\"candidates\": [{\"depth\": 12, \"embed_dim\": 240, "
                            "\"mlp_ratio\": [4.0,4.0,4.0,4.0,4.0,4.0,4.0,4.0,4.0,4.0,4.0,3.5], "
                            "\"num_heads\": [4,4,4,4,4,4,4,4,4,4,4,3]}, {\"depth\": 12, "
                            "\"embed_dim\": 192, \"mlp_ratio\": [3,3,3,3,3,3,3,3,3,3,3,3], "
                            "\"num_heads\": [3,3,3,3,3,3,3,3,3,3,3,3]}]}\n```"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct err e = {0};
        struct space *s = space_open(cases[k].space, NULL, &e);
        struct cand_list l;
        cand_list_init(&l);
        char why[256] = "";
        if (parse_candidates(cases[k].answer, "stop", s, &l, why, sizeof why) != 2)
            fail_msg("%s: %s", cases[k].space, why);
        for (int i = 0; i < l.n; i++) {
            struct arch a;
            decode_ok(s, l.items[i].text, &a);
        }
        cand_list_free(&l);
        space_close(s);
    }
}

/* Each family has the four templates, and they use only the placeholders
 * the agents fill in (llm_agents.c); the system prompts carry the space's
 * own description. */
static void prompts_render_for_both_families(void **state)
{
    (void)state;
    const char *ids[] = {"spos-shufflenet", "autoformer-base"};
    const char *names[] = {"navigator.system", "navigator.user", "generator.system",
                           "generator.user"};
    for (int k = 0; k < 2; k++) {
        struct err e = {0};
        struct space *s = space_open(ids[k], NULL, &e);
        const struct prompt_var v[] = {
            {"space_description", s->description}, {"dimensions", "D"}, {"objective", "O"},
            {"constraint", "C"}, {"target", "T"}, {"budget", "B"}, {"iteration", "I"},
            {"evaluated", "E"}, {"budget_left", "L"}, {"best", "X"}, {"results", "R"},
            {"strategy", "S"}, {"visited", "V"}, {"reasons", ""}, {"count", "N"},
        };
        for (int i = 0; i < 4; i++) {
            char *text = prompt_render(NULL, s->family, names[i], v, 15, &e);
            if (!text)
                fail_msg("%s %s: %s: %s", ids[k], names[i], e.where, e.msg);
            if (strstr(names[i], "system"))
                assert_non_null(strstr(text, s->description));
            free(text);
        }
        space_close(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spos_named_vectors_and_published_nets),
        cmocka_unit_test(spos_random_300),
        cmocka_unit_test(spos_errors_name_the_layer_and_the_ops),
        cmocka_unit_test(autoformer_named_vectors_and_published_nets),
        cmocka_unit_test(autoformer_random_300),
        cmocka_unit_test(autoformer_errors_name_the_field_and_the_choices),
        cmocka_unit_test(autoformer_moves_stay_canonical),
        cmocka_unit_test(no_builtin_evaluator_is_a_usage_error_naming_the_flag),
        cmocka_unit_test(strategy_headings_and_anchors),
        cmocka_unit_test(generator_answers_parse_into_candidates),
        cmocka_unit_test(prompts_render_for_both_families),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
