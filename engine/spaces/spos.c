#include "spos.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/datadir.h"

const struct space_file spos_space_files[] = {
    {"spos/op_costs.csv", NULL, "SPOS FLOPs and params per layer and op"},
    {"spos/fixed_costs.csv", NULL, "SPOS stem and tail costs"},
    {0},
};

/* Short enough for a table, distinct as words for the Navigator's
 * preferences ("prefer xception (+0.5)"). */
static const char *const op_names[SPOS_OPS] = {"shuffle3", "shuffle5", "shuffle7", "xception"};
static const char allowed[] =
    "0 shufflenet_3x3, 1 shufflenet_5x5, 2 shufflenet_7x7 or 3 xception_3x3";

static struct dim_def dims[SPOS_LAYERS];
static char dim_names[SPOS_LAYERS][16];

enum { M_ACC, M_FLOPS, M_PARAMS, M_PARAMS_BN };
static const struct metric_def metrics[] = {
    {"valid_acc", "%", "ImageNet top-1 on the held-out split with the supernet's inherited "
                       "weights after BN recalibration (from the external evaluator)",
     METRIC_OBJECTIVE},
    {"flops", "M", "multiply-accumulates of Conv2d and Linear (SPOS's get_flops; its 330M "
                   "limit)", METRIC_COST},
    {"params", "M", "conv and linear weights (what SPOS and CoLLM-NAS publish)", METRIC_COST},
    {"params_bn", "M", "weights plus the stand-alone network's affine batch norms", METRIC_COST},
};

/* The cost table: fixed part plus one entry per (layer, op). */
struct tables {
    struct spos_costs fixed, op[SPOS_LAYERS][SPOS_OPS];
};

/* ---- the tables ------------------------------------------------------------- */

/* Splits a CSV line in place, honouring "quoted, fields" (lut_key_tuple). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        int quoted = *p == '"';
        f[n++] = p + quoted;
        char *end = quoted ? strchr(p + 1, '"') : p + strcspn(p, ",");
        if (!end)
            break;
        if (quoted)
            *end++ = '\0';
        if (*end != ',') {
            *end = '\0';
            break;
        }
        *end = '\0';
        p = end + 1;
    }
    return n;
}

static int column(char **f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return i;
    return -1;
}

/* A whole non-negative count: the tables are exact integers. */
static int count_of(const char *s, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (end == s || *end || errno || x < 0)
        return 0;
    *v = x;
    return 1;
}

/* Reads op_costs.csv (per_op) or fixed_costs.csv (its total_fixed row). */
static int read_table(const char *path, int per_op, struct tables *t, struct err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, path, "cannot open a SPOS cost table: %s", strerror(errno));
    char line[1024], where[4200];
    char *fl[16];
    int c_layer = -1, c_op = -1, c_part = -1, c_fl = -1, c_pw = -1, c_bn = -1;
    int lineno = 0, rows = 0, rc = 0;
    unsigned char seen[SPOS_LAYERS][SPOS_OPS] = {{0}};
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        int n = split(line, fl, 16);
        if (lineno == 1) {
            c_layer = column(fl, n, "layer"), c_op = column(fl, n, "op");
            c_part = column(fl, n, "part"), c_fl = column(fl, n, "flops");
            c_pw = column(fl, n, "params_weights"), c_bn = column(fl, n, "params_bn_affine");
            if (c_fl < 0 || c_pw < 0 || c_bn < 0 || (per_op ? c_layer < 0 || c_op < 0 : c_part < 0))
                rc = err_set(e, where, "the header lacks %s, flops, params_weights or "
                             "params_bn_affine", per_op ? "layer, op" : "part");
            continue;
        }
        int need = c_fl > c_pw ? c_fl : c_pw;
        need = c_bn > need ? c_bn : need;
        need = per_op ? (c_layer > need ? c_layer : c_op > need ? c_op : need)
                      : (c_part > need ? c_part : need);
        if (n <= need) {
            rc = err_set(e, where, "expected at least %d fields, got %d", need + 1, n);
            break;
        }
        if (!per_op && strcmp(fl[c_part], "total_fixed") != 0)
            continue;
        struct spos_costs c;
        int64_t layer = 0, op = 0;
        if (!count_of(fl[c_fl], &c.flops) || !count_of(fl[c_pw], &c.params) ||
            !count_of(fl[c_bn], &c.params_bn) ||
            (per_op && (!count_of(fl[c_layer], &layer) || !count_of(fl[c_op], &op)))) {
            rc = err_set(e, where, "expected whole non-negative numbers");
            break;
        }
        if (!per_op) {
            t->fixed = c;
            rows++;
            continue;
        }
        if (layer >= SPOS_LAYERS || op >= SPOS_OPS || seen[layer][op]) {
            rc = err_set(e, where, "layer %lld op %lld is out of range (0..19, 0..3) or repeated",
                         (long long)layer, (long long)op);
            break;
        }
        seen[layer][op] = 1;
        t->op[layer][op] = c;
        rows++;
    }
    fclose(f);
    if (rc == 0 && rows != (per_op ? SPOS_LAYERS * SPOS_OPS : 1))
        rc = err_set(e, path, per_op ? "expected %d rows, one per layer and op, found %d"
                                     : "expected %d total_fixed row, found %d",
                     per_op ? SPOS_LAYERS * SPOS_OPS : 1, rows);
    return rc;
}

static struct tables *tables_load(const char *datadir, struct err *e)
{
    struct tables *t = calloc(1, sizeof *t);
    if (!t)
        return err_set(e, "spos-shufflenet", "out of memory"), NULL;
    char dir[4096], p[4200];
    datadir_path(datadir, "spos", dir, sizeof dir);
    snprintf(p, sizeof p, "%s/op_costs.csv", dir);
    int rc = read_table(p, 1, t, e);
    snprintf(p, sizeof p, "%s/fixed_costs.csv", dir);
    rc = rc ? rc : read_table(p, 0, t, e);
    if (rc) {
        free(t);
        return NULL;
    }
    return t;
}

/* ---- the codec -------------------------------------------------------------- */

static int valid(const struct arch *a)
{
    if (a->n != SPOS_LAYERS)
        return 0;
    for (int i = 0; i < SPOS_LAYERS; i++)
        if (a->v[i] >= SPOS_OPS)
            return 0;
    return 1;
}

static int decode_digits(const char *t, struct arch *out, struct err *e)
{
    size_t n = strspn(t, "0123456789");
    if (n != SPOS_LAYERS || t[n] != '\0')
        return err_usage(e, "arch", "expected %d op digits (as in SPOS's CSVs), got '%.40s'",
                         SPOS_LAYERS, t);
    for (int i = 0; i < SPOS_LAYERS; i++) {
        if (t[i] > '3') {
            char where[32];
            snprintf(where, sizeof where, "[%d] (layer %d)", i, i);
            return err_usage(e, where, "%c is not an op: %s", t[i], allowed);
        }
        out->v[i] = (uint8_t)(t[i] - '0');
    }
    return 0;
}

static int decode(const struct space *s, const char *text, struct arch *out, struct err *e)
{
    (void)s;
    memset(out, 0, sizeof *out);
    out->n = SPOS_LAYERS;
    const char *t = text + strspn(text, " \t\r\n");
    if (*t >= '0' && *t <= '9')
        return decode_digits(t, out, e);
    /* SPOS prints its candidates as Python tuples: read "(2, 1, ...)" as a list */
    char *copy = strdup(t);
    if (!copy)
        return err_set(e, "arch", "out of memory");
    size_t len = strlen(copy);
    while (len && strchr(" \t\r\n", copy[len - 1]))
        copy[--len] = '\0';
    if (len >= 2 && copy[0] == '(' && copy[len - 1] == ')')
        copy[0] = '[', copy[len - 1] = ']';
    cJSON *l = cJSON_Parse(copy);
    free(copy);
    int rc = 0;
    if (!cJSON_IsArray(l))
        rc = err_usage(e, "arch", "expected a JSON list of %d op indices, one per layer (%s)",
                       SPOS_LAYERS, allowed);
    else if (cJSON_GetArraySize(l) != SPOS_LAYERS)
        rc = err_usage(e, "arch", "expected %d op indices, one per layer, got %d",
                       SPOS_LAYERS, cJSON_GetArraySize(l));
    const cJSON *it;
    int i = 0;
    cJSON_ArrayForEach(it, l)
    {
        if (rc)
            break;
        double x = cJSON_IsNumber(it) ? it->valuedouble : -1;
        if (!(x >= 0 && x < SPOS_OPS) || x != floor(x)) {
            char where[32], shown[64];
            snprintf(where, sizeof where, "[%d] (layer %d)", i, i);
            char *p = cJSON_PrintUnformatted(it);
            err_printable(p ? p : "?", 40, shown, sizeof shown);
            free(p);
            rc = err_usage(e, where, "%s is not an op: %s", shown, allowed);
            break;
        }
        out->v[i++] = (uint8_t)x;
    }
    cJSON_Delete(l);
    return rc;
}

static int encode(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    if (!valid(a))
        return -1;
    size_t off = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < SPOS_LAYERS; i++)
        off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "%s%d", i ? "," : "", a->v[i]);
    off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "]");
    return off < n ? (int)off : -1;
}

/* SPOS's CSV form, "21012020202300003233": one digit a layer. */
static int brief(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    if (!valid(a) || n <= SPOS_LAYERS)
        return -1;
    for (int i = 0; i < SPOS_LAYERS; i++)
        buf[i] = (char)('0' + a->v[i]);
    buf[SPOS_LAYERS] = '\0';
    return 0;
}

/* ---- costs and prior ----------------------------------------------------------- */

int spos_count(const struct space *s, const struct arch *a, struct spos_costs *out,
               struct err *e)
{
    const struct tables *t = s->impl;
    if (!valid(a))
        return err_set(e, "arch", "not a spos-shufflenet architecture");
    *out = t->fixed;
    for (int i = 0; i < SPOS_LAYERS; i++) {
        const struct spos_costs *c = &t->op[i][a->v[i]];
        out->flops += c->flops;
        out->params += c->params;
        out->params_bn += c->params_bn;
    }
    out->params_bn += out->params; /* the table's BN column is the affine part alone */
    return 0;
}

static int cost(const struct space *s, const struct arch *a, double *m, struct err *e)
{
    struct spos_costs c;
    if (spos_count(s, a, &c, e) < 0)
        return -1;
    m[M_FLOPS] = (double)c.flops / 1e6;
    m[M_PARAMS] = (double)c.params / 1e6;
    m[M_PARAMS_BN] = (double)c.params_bn / 1e6;
    return 0;
}

/* What a practitioner expects: a wider receptive field (5x5, 7x7) and the
 * deeper Xception block help a little, most where maps are small (the last
 * two stages, layer 8 on), and cost most in the first, high-resolution
 * stage; the SPOS and CoLLM-NAS nets put Xception mostly late. */
static double prior(const struct space *s, int dim, int choice)
{
    (void)s;
    static const double early[SPOS_OPS] = {0.05, 0.0, -0.05, -0.05};
    static const double late[SPOS_OPS] = {-0.15, 0.0, 0.1, 0.2};
    return dim < 8 ? early[choice] : late[choice];
}

static void destroy(struct space *s)
{
    if (s)
        free(s->impl);
    free(s);
}

static char *schema(const struct space *s)
{
    (void)s;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "array");
    cJSON *items = cJSON_AddObjectToObject(o, "items");
    cJSON *en = cJSON_AddArrayToObject(items, "enum");
    for (int c = 0; c < SPOS_OPS; c++)
        cJSON_AddItemToArray(en, cJSON_CreateNumber(c));
    cJSON_AddNumberToObject(o, "minItems", SPOS_LAYERS);
    cJSON_AddNumberToObject(o, "maxItems", SPOS_LAYERS);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static const struct space_ops ops = {
    .decode = decode, .encode = encode, .cost = cost, .prior = prior, .brief = brief,
    .destroy = destroy, .schema = schema,
};

static const char description[] =
    "Each architecture is a ShuffleNetV2-style network for 1000-class image classification\n"
    "at 224x224: a 3x3 stem (16 channels), then 20 choice blocks in 4 stages of 4, 4, 8 and\n"
    "4 blocks (64, 160, 320 and 640 channels; the first block of each stage has stride 2,\n"
    "so the maps are 56, 28, 14 and 7 pixels wide), then a 1x1 convolution to 1024 channels,\n"
    "pooling and a classifier. All networks share the weights of one trained supernet. Each\n"
    "block is a ShuffleNetV2 unit (channel split and shuffle; stride-2 blocks also have a\n"
    "projection branch) whose main branch is one of 4 ops:\n"
    "  0 shuffle3: 1x1 conv, depthwise 3x3, 1x1 conv\n"
    "  1 shuffle5: the same with a depthwise 5x5\n"
    "  2 shuffle7: the same with a depthwise 7x7\n"
    "  3 xception: three depthwise 3x3 convolutions, each followed by a 1x1 conv\n"
    "The decision is the op of each block, layer 0 to layer 19. An architecture is written\n"
    "as a JSON list of the 20 op indices, layer 0 first:\n"
    "[2, 1, 0, 1, 2, 0, 2, 0, 2, 0, 2, 3, 0, 0, 0, 0, 3, 2, 3, 3]\n";

static const char knowledge[] =
    "larger kernels and xception blocks raise accuracy and FLOPs; xception also adds params\n"
    "the first stage (layers 0-3, 56x56 maps) is where a bigger op costs the most FLOPs\n"
    "the deep stages (layers 8-19, 14x14 and 7x7 maps) gain most from xception and large "
    "kernels for little FLOPs\n"
    "all shuffle3 is about 296 MFLOPs, all shuffle7 340, all xception 359: under 330 "
    "MFLOPs about half the blocks can be upgraded\n";

struct space *spos_space_open(const char *variant, const char *datadir, struct err *e)
{
    if (variant && *variant)
        return err_usage(e, "--space", "spos-shufflenet has no variants (got ':%s')", variant),
               NULL;
    struct tables *t = tables_load(datadir, e);
    if (!t)
        return NULL;
    if (!dims[0].name)
        for (int i = 0; i < SPOS_LAYERS; i++) {
            snprintf(dim_names[i], sizeof dim_names[i], "layer %d", i);
            dims[i] = (struct dim_def){dim_names[i], SPOS_OPS, op_names};
        }
    struct space *s = calloc(1, sizeof *s);
    if (!s) {
        free(t);
        return err_set(e, "spos-shufflenet", "out of memory"), NULL;
    }
    /* 4^20: independent dimensions, so space_nth can walk it */
    *s = (struct space){
        .ops = &ops, .family = "spos-shufflenet", .dataset = "imagenet", .ndims = SPOS_LAYERS,
        .dims = dims, .nmetrics = 4, .metrics = metrics, .objective = M_ACC, .report = -1,
        .front_cost = M_FLOPS, .size = (size_t)1 << 40, .description = description,
        .knowledge = knowledge, .impl = t,
    };
    snprintf(s->id, sizeof s->id, "spos-shufflenet");
    s->datadir = datadir;
    return s;
}
