#include "autoformer.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The counting rules are closed forms: nothing to read at run time. */
const struct space_file autoformer_space_files[] = {{0}};

#define NMLP 3
static const double mlp_vals[NMLP] = {3.0, 3.5, 4.0};
static const char *const mlp_names[NMLP] = {"3.0", "3.5", "4.0"};

/* CoLLM-NAS App. A's choices, which hold both the published AutoFormer
 * nets and CoLLM-NAS's (the yaml spaces leave out T's 3.0 and B's 8). */
struct variant {
    const char *id, *size;
    int depth[3], embed[3], heads[3], nheads;
    const char *const depth_names[3], *const embed_names[3], *const heads_names[3];
    int ndims;
    struct dim_def dims[2 + 2 * AF_MAX_DEPTH];
    char dim_names[2 + 2 * AF_MAX_DEPTH][16];
    char description[2048];
};

static struct variant variants[] = {
    {"autoformer-tiny", "tiny", {12, 13, 14}, {192, 216, 240}, {3, 4, 0}, 2,
     {"12", "13", "14"}, {"192", "216", "240"}, {"3", "4", NULL}, 0, {{0}}, {{0}}, ""},
    {"autoformer-small", "small", {12, 13, 14}, {320, 384, 448}, {5, 6, 7}, 3,
     {"12", "13", "14"}, {"320", "384", "448"}, {"5", "6", "7"}, 0, {{0}}, {{0}}, ""},
    {"autoformer-base", "base", {14, 15, 16}, {528, 576, 624}, {8, 9, 10}, 3,
     {"14", "15", "16"}, {"528", "576", "624"}, {"8", "9", "10"}, 0, {{0}}, {{0}}, ""},
};

/* Dimensions: depth, embed dim, then an MLP ratio and a head count per
 * layer slot up to the deepest choice. */
enum { D_DEPTH, D_EMBED, D_LAYERS };
#define D_MLP(i) (D_LAYERS + (i))
#define D_HEADS(v, i) (D_LAYERS + (v)->depth[2] + (i))

enum { M_VALID, M_TEST, M_PARAMS, M_FLOPS };
static const struct metric_def metrics[] = {
    {"valid_acc", "%", "top-1 on AutoFormer's subImageNet (100 training images a class) with "
                       "the supernet's inherited weights (from the external evaluator)",
     METRIC_OBJECTIVE},
    {"test_acc", "%", "top-1 on the ImageNet validation set, inherited weights (reported, "
                      "never seen by the search)", METRIC_REPORT},
    {"params", "M", "parameters (AutoFormer's get_sampled_params_numel; its --param-limits)",
     METRIC_COST},
    {"flops", "M", "multiply-accumulates (AutoFormer's get_complexity at 196 tokens)",
     METRIC_COST},
};

/* ---- the counting rules (data/autoformer/README.md) --------------------------- */

int64_t autoformer_params(const struct autoformer_net *n, int relpos)
{
    int64_t E = n->embed_dim, p = 1969 * E + 1000; /* patches, tokens, final norm, head */
    for (int i = 0; i < n->depth && i < AF_MAX_DEPTH; i++) {
        int64_t h = n->num_heads[i], F = (int64_t)floor((double)E * n->mlp_ratio[i]);
        p += 256 * h * E + 192 * h + 6 * E + 2 * E * F + F + (relpos ? 7680 : 0);
    }
    return p;
}

int64_t autoformer_flops2(const struct autoformer_net *n, int relpos)
{
    int64_t E = n->embed_dim, f2 = 695255 * E; /* 2 x 347627.5 E: patches, positions, head */
    for (int i = 0; i < n->depth && i < AF_MAX_DEPTH; i++) {
        int64_t h = n->num_heads[i], F = (int64_t)floor((double)E * n->mlp_ratio[i]);
        f2 += 2 * (396 * E + 50688 * h * E + 396 * E * F) +
              (relpos ? 2 * (5024448 * h + 1117314) : 2 * 5018112 * h);
    }
    return f2;
}

/* ---- the codec -------------------------------------------------------------- */

static const struct variant *var_of(const struct space *s)
{
    return s->impl;
}

static int depth_of(const struct variant *v, const struct arch *a)
{
    return v->depth[a->v[D_DEPTH]];
}

static int valid(const struct variant *v, const struct arch *a)
{
    if (a->n != v->ndims || a->v[D_DEPTH] >= 3 || a->v[D_EMBED] >= 3)
        return 0;
    for (int i = 0; i < v->depth[2]; i++)
        if (a->v[D_MLP(i)] >= NMLP || a->v[D_HEADS(v, i)] >= v->nheads)
            return 0;
    return 1;
}

int autoformer_net_of(const struct space *s, const struct arch *a, struct autoformer_net *out,
                      struct err *e)
{
    const struct variant *v = var_of(s);
    if (!valid(v, a))
        return err_set(e, "arch", "not an %s architecture", v->id);
    memset(out, 0, sizeof *out);
    out->depth = depth_of(v, a);
    out->embed_dim = v->embed[a->v[D_EMBED]];
    for (int i = 0; i < out->depth; i++) {
        out->mlp_ratio[i] = mlp_vals[a->v[D_MLP(i)]];
        out->num_heads[i] = v->heads[a->v[D_HEADS(v, i)]];
    }
    return 0;
}

/* Layers at or past the depth are identity layers: their genes are zeroed
 * so that two spellings of one network are one architecture. */
static void canonical(const struct space *s, struct arch *a)
{
    const struct variant *v = var_of(s);
    for (int i = depth_of(v, a); i < v->depth[2]; i++)
        a->v[D_MLP(i)] = a->v[D_HEADS(v, i)] = 0;
}

static void list_names(const char *const *names, int n, char *buf, size_t len)
{
    snprintf(buf, len, "%s", names[0]);
    for (int i = 1; i < n; i++)
        snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i == n - 1 ? " or " : ", ",
                 names[i]);
}

/* The index of JSON number `it` among `vals` (as doubles), or -1. */
static int choice_of(const cJSON *it, const double *vals, int n)
{
    if (!cJSON_IsNumber(it))
        return -1;
    for (int i = 0; i < n; i++)
        if (it->valuedouble == vals[i])
            return i;
    return -1;
}

static int bad_value(struct err *e, const char *where, const cJSON *it, const char *allowed)
{
    char *p = cJSON_PrintUnformatted(it);
    char shown[64];
    err_printable(p ? p : "?", 40, shown, sizeof shown);
    free(p);
    return err_usage(e, where, "%s is not one of %s", shown, allowed);
}

static int read_one(const cJSON *o, const char *key, const int *vals, const char *const *names,
                    int n, int *out, struct err *e)
{
    double d[3];
    char allowed[64];
    for (int i = 0; i < n; i++)
        d[i] = vals[i];
    list_names(names, n, allowed, sizeof allowed);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!it)
        return err_usage(e, key, "missing: expected %s", allowed);
    if ((*out = choice_of(it, d, n)) < 0)
        return bad_value(e, key, it, allowed);
    return 0;
}

static int read_layers(const cJSON *o, const char *key, int depth, const double *vals,
                       const char *const *names, int n, uint8_t *out, struct err *e)
{
    char allowed[64];
    list_names(names, n, allowed, sizeof allowed);
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, key), *it;
    if (!cJSON_IsArray(l) || cJSON_GetArraySize(l) != depth)
        return err_usage(e, key, "expected a list of %d values, one per layer (depth %d), each "
                         "%s; got %s%d", depth, depth, allowed,
                         cJSON_IsArray(l) ? "" : "no list, ",
                         cJSON_IsArray(l) ? cJSON_GetArraySize(l) : 0);
    int i = 0;
    cJSON_ArrayForEach(it, l)
    {
        int c = choice_of(it, vals, n);
        if (c < 0) {
            char where[32];
            snprintf(where, sizeof where, "%s[%d]", key, i);
            return bad_value(e, where, it, allowed);
        }
        out[i++] = (uint8_t)c;
    }
    return 0;
}

static int decode(const struct space *s, const char *text, struct arch *out, struct err *e)
{
    const struct variant *v = var_of(s);
    cJSON *o = space_json_object(text, "{\"depth\": D, \"embed_dim\": E, \"mlp_ratio\": [D "
                                 "values], \"num_heads\": [D values]}", e);
    if (!o)
        return -1;
    memset(out, 0, sizeof *out);
    out->n = (uint16_t)v->ndims;
    int di = 0, ei = 0, rc;
    double heads[3] = {v->heads[0], v->heads[1], v->heads[2]};
    uint8_t mlp[AF_MAX_DEPTH], hd[AF_MAX_DEPTH];
    rc = read_one(o, "depth", v->depth, v->depth_names, 3, &di, e);
    rc = rc ? rc : read_one(o, "embed_dim", v->embed, v->embed_names, 3, &ei, e);
    rc = rc ? rc : read_layers(o, "mlp_ratio", v->depth[di], mlp_vals, mlp_names, NMLP, mlp, e);
    rc = rc ? rc : read_layers(o, "num_heads", v->depth[di], heads, v->heads_names, v->nheads,
                               hd, e);
    cJSON_Delete(o);
    if (rc)
        return -1;
    out->v[D_DEPTH] = (uint8_t)di;
    out->v[D_EMBED] = (uint8_t)ei;
    for (int i = 0; i < v->depth[di]; i++) {
        out->v[D_MLP(i)] = mlp[i];
        out->v[D_HEADS(v, i)] = hd[i];
    }
    return 0;
}

static int encode(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    const struct variant *v = var_of(s);
    if (!valid(v, a))
        return -1;
    int d = depth_of(v, a);
    size_t off = (size_t)snprintf(buf, n, "{\"depth\":%d,\"embed_dim\":%d,\"mlp_ratio\":[", d,
                                  v->embed[a->v[D_EMBED]]);
    for (int i = 0; i < d; i++)
        off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "%s%s", i ? "," : "",
                                mlp_names[a->v[D_MLP(i)]]);
    off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "],\"num_heads\":[");
    for (int i = 0; i < d; i++)
        off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "%s%s", i ? "," : "",
                                v->heads_names[a->v[D_HEADS(v, i)]]);
    off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "]}");
    return off < n ? (int)off : -1;
}

/* "13x192 | 3.5:3 3.5:3 3.0:3 ...": depth and width, then each layer's
 * MLP ratio and heads. */
static int brief(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    const struct variant *v = var_of(s);
    if (!valid(v, a))
        return -1;
    int d = depth_of(v, a);
    size_t off = (size_t)snprintf(buf, n, "%dx%d |", d, v->embed[a->v[D_EMBED]]);
    for (int i = 0; i < d && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, " %s:%s", mlp_names[a->v[D_MLP(i)]],
                                v->heads_names[a->v[D_HEADS(v, i)]]);
    return 0;
}

static int cost(const struct space *s, const struct arch *a, double *m, struct err *e)
{
    struct autoformer_net net;
    if (autoformer_net_of(s, a, &net, e) < 0)
        return -1;
    m[M_PARAMS] = (double)autoformer_params(&net, 1) / 1e6;
    m[M_FLOPS] = (double)autoformer_flops2(&net, 1) / 2e6;
    return 0;
}

/* ---- moves and prior ----------------------------------------------------------- */

static void sample(const struct space *s, struct rng *r, struct arch *out)
{
    memset(out, 0, sizeof *out);
    out->n = (uint16_t)s->ndims;
    for (int d = 0; d < s->ndims; d++)
        out->v[d] = (uint8_t)rng_below(r, (uint32_t)s->dims[d].nchoices);
    canonical(s, out);
}

/* One change that makes another network, as AutoFormer's evolution moves:
 * the depth (new layers get random genes), the width, or one layer's MLP
 * ratio or heads. */
static void mutate(const struct space *s, struct rng *r, const struct arch *in, struct arch *out)
{
    const struct variant *v = var_of(s);
    int d = depth_of(v, in);
    for (int tries = 0; tries < 64; tries++) {
        *out = *in;
        uint32_t what = rng_below(r, (uint32_t)(2 + 2 * d));
        if (what == 0) {
            out->v[D_DEPTH] = (uint8_t)rng_below(r, 3);
            for (int i = d; i < depth_of(v, out); i++) {
                out->v[D_MLP(i)] = (uint8_t)rng_below(r, NMLP);
                out->v[D_HEADS(v, i)] = (uint8_t)rng_below(r, (uint32_t)v->nheads);
            }
        } else if (what == 1) {
            out->v[D_EMBED] = (uint8_t)rng_below(r, 3);
        } else if (what < 2 + (uint32_t)d) {
            out->v[D_MLP(what - 2)] = (uint8_t)rng_below(r, NMLP);
        } else {
            out->v[D_HEADS(v, what - 2 - d)] = (uint8_t)rng_below(r, (uint32_t)v->nheads);
        }
        canonical(s, out);
        if (!arch_eq(out, in))
            return;
    }
    out->v[D_EMBED] = (uint8_t)((in->v[D_EMBED] + 1) % 3); /* always a change */
}

/* What a practitioner expects of a ViT: width and depth matter most, then
 * heads, then the MLP ratio; all of them cost params. */
static double prior(const struct space *s, int dim, int choice)
{
    const struct variant *v = var_of(s);
    if (dim == D_DEPTH)
        return (choice - 1) * 0.3;
    if (dim == D_EMBED)
        return (choice - 1) * 0.4;
    if (dim < D_HEADS(v, 0))
        return (choice - 1) * 0.1;
    return (choice - (v->nheads - 1) / 2.0) * 0.15;
}

static void destroy(struct space *s)
{
    free(s);
}

static void add_enum(cJSON *o, const int *ivals, const double *dvals, int n)
{
    cJSON *en = cJSON_AddArrayToObject(o, "enum");
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(en, cJSON_CreateNumber(ivals ? ivals[i] : dvals[i]));
}

static void add_layers(cJSON *props, const char *key, const struct variant *v, const int *ivals,
                       const double *dvals, int n)
{
    cJSON *a = cJSON_AddObjectToObject(props, key);
    cJSON_AddStringToObject(a, "type", "array");
    add_enum(cJSON_AddObjectToObject(a, "items"), ivals, dvals, n);
    cJSON_AddNumberToObject(a, "minItems", v->depth[0]);
    cJSON_AddNumberToObject(a, "maxItems", v->depth[2]);
}

/* The lists' length must equal the depth; a schema cannot say so, decode does. */
static char *schema(const struct space *s)
{
    const struct variant *v = var_of(s);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(o, "properties");
    add_enum(cJSON_AddObjectToObject(props, "depth"), v->depth, NULL, 3);
    add_enum(cJSON_AddObjectToObject(props, "embed_dim"), v->embed, NULL, 3);
    add_layers(props, "mlp_ratio", v, NULL, mlp_vals, NMLP);
    add_layers(props, "num_heads", v, v->heads, NULL, v->nheads);
    cJSON *req = cJSON_AddArrayToObject(o, "required");
    const char *keys[] = {"depth", "embed_dim", "mlp_ratio", "num_heads"};
    for (int i = 0; i < 4; i++)
        cJSON_AddItemToArray(req, cJSON_CreateString(keys[i]));
    cJSON_AddBoolToObject(o, "additionalProperties", 0);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static const struct space_ops ops = {
    .decode = decode, .encode = encode, .cost = cost, .prior = prior, .canonical = canonical,
    .brief = brief, .sample = sample, .mutate = mutate, .destroy = destroy, .schema = schema,
};

static const char knowledge[] =
    "a wider embedding and more layers raise accuracy and params the most\n"
    "more attention heads (64 channels each) add params in every layer they are used\n"
    "the MLP ratio is the cheapest lever: it moves params a little per layer\n"
    "under a tight params limit, keep the width and trim heads and MLP ratios first\n";

static void describe(struct variant *v)
{
    char heads[32];
    list_names(v->heads_names, v->nheads, heads, sizeof heads);
    snprintf(v->description, sizeof v->description,
             "Each architecture is a vision transformer (AutoFormer-%s) for 1000-class image\n"
             "classification at 224x224: 16x16 patches (196 tokens and a class token), a stack\n"
             "of pre-norm transformer layers (multi-head self-attention with 64 channels per\n"
             "head and relative position encodings, then an MLP), global pooling and a\n"
             "classifier. All networks share the weights of one trained supernet. The\n"
             "decisions: the depth (%s, %s or %s layers); one embedding dimension for all\n"
             "layers (%s, %s or %s); and for each layer an MLP ratio (3.0, 3.5 or 4.0: the MLP's\n"
             "hidden width is embed_dim times it) and a number of attention heads (%s).\n"
             "Layers past the depth do not exist. An architecture is written as JSON, with\n"
             "exactly depth values in each list, layer 1 first:\n"
             "{\"depth\": %s, \"embed_dim\": %s, \"mlp_ratio\": [%s values], "
             "\"num_heads\": [%s values]}\n",
             v->size, v->depth_names[0], v->depth_names[1], v->depth_names[2], v->embed_names[0],
             v->embed_names[1], v->embed_names[2], heads, v->depth_names[1], v->embed_names[1],
             v->depth_names[1], v->depth_names[1]);
}

static void setup(struct variant *v)
{
    int L = v->depth[2];
    v->ndims = D_LAYERS + 2 * L;
    snprintf(v->dim_names[D_DEPTH], sizeof v->dim_names[0], "depth");
    snprintf(v->dim_names[D_EMBED], sizeof v->dim_names[0], "embed dim");
    v->dims[D_DEPTH] = (struct dim_def){v->dim_names[D_DEPTH], 3, v->depth_names};
    v->dims[D_EMBED] = (struct dim_def){v->dim_names[D_EMBED], 3, v->embed_names};
    for (int i = 0; i < L; i++) {
        snprintf(v->dim_names[D_MLP(i)], sizeof v->dim_names[0], "mlp %d", i + 1);
        snprintf(v->dim_names[D_HEADS(v, i)], sizeof v->dim_names[0], "heads %d", i + 1);
        v->dims[D_MLP(i)] = (struct dim_def){v->dim_names[D_MLP(i)], NMLP, mlp_names};
        v->dims[D_HEADS(v, i)] =
            (struct dim_def){v->dim_names[D_HEADS(v, i)], v->nheads, v->heads_names};
    }
    describe(v);
}

static struct space *open_variant(struct variant *v, const char *variant, const char *datadir,
                                  struct err *e)
{
    if (variant && *variant)
        return err_usage(e, "--space", "%s has no variants (got ':%s')", v->id, variant), NULL;
    if (!v->ndims)
        setup(v);
    struct space *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, v->id, "out of memory"), NULL;
    /* |E| x sum over depths of (3 x heads)^d: up to 6e15, and the depth
     * couples the dimensions, so it is not walked one by one */
    *s = (struct space){
        .ops = &ops, .family = "autoformer", .dataset = "imagenet", .ndims = v->ndims,
        .dims = v->dims, .nmetrics = 4, .metrics = metrics, .objective = M_VALID,
        .report = M_TEST, .front_cost = M_PARAMS, .size = 0, .description = v->description,
        .knowledge = knowledge, .impl = v,
    };
    snprintf(s->id, sizeof s->id, "%s", v->id);
    s->datadir = datadir;
    return s;
}

struct space *autoformer_tiny_open(const char *variant, const char *datadir, struct err *e)
{
    return open_variant(&variants[0], variant, datadir, e);
}

struct space *autoformer_small_open(const char *variant, const char *datadir, struct err *e)
{
    return open_variant(&variants[1], variant, datadir, e);
}

struct space *autoformer_base_open(const char *variant, const char *datadir, struct err *e)
{
    return open_variant(&variants[2], variant, datadir, e);
}
