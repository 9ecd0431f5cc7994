#include "ofa.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/datadir.h"
#include "schema.h"

const int ofa_ks[3] = {3, 5, 7}, ofa_e[3] = {3, 4, 6}, ofa_d[3] = {2, 3, 4};
const int ofa_r[5] = {160, 176, 192, 208, 224};

/* The predictor's weights belong to its evaluator but ship with the space. */
const struct space_file ofa_space_files[] = {
    {"ofa/acc_predictor/weights_f32le.bin",
     "b8928695b043d34292765ec1c014ad369c635996871f08d27a52d34fccb3919d",
     "OFA accuracy predictor"},
    {"ofa/flops/block_macs.csv", NULL, "OFA MACs per block"},
    {"ofa/flops/fixed_macs.csv", NULL, "OFA fixed MACs"},
    {"ofa/latency_note10/block_table.csv", NULL, "Note10 latency per block"},
    {"ofa/latency_note10/fixed_table.csv", NULL, "Note10 fixed latency"},
    {0},
};

static const char *const ks_names[] = {"3", "5", "7"}, *const e_names[] = {"3", "4", "6"},
                         *const d_names[] = {"2", "3", "4"},
                         *const r_names[] = {"160", "176", "192", "208", "224"};

static struct dim_def dims[OFA_DIMS];
static char dim_names[OFA_DIMS][24];

enum { M_ACC, M_FLOPS, M_NOTE10 };
static const struct metric_def metrics[] = {
    {"pred_acc", "%", "ImageNet top-1 predicted by OFA's accuracy predictor (its 10k holdout "
                      "split, not the official validation set)", METRIC_OBJECTIVE},
    {"flops", "M", "multiply-accumulates (OFA's MFLOPs)", METRIC_COST},
    {"note10", "ms", "latency on a Samsung Note10 (OFA's look-up table)", METRIC_COST},
};

/* Costs per (resolution, slot, ks, e), and the fixed parts per resolution. */
struct tables {
    char path[4096];
    double macs[5][OFA_SLOTS][3][3], lat[5][OFA_SLOTS][3][3];
    double fixed_macs[5], fixed_lat[5];
};

int ofa_active(const struct arch *a, int slot)
{
    return slot % 4 < ofa_d[a->v[OFA_DIM_D + slot / 4]];
}

static int index_of(const int *vals, int n, int v)
{
    for (int i = 0; i < n; i++)
        if (vals[i] == v)
            return i;
    return -1;
}

/* ---- tables ---------------------------------------------------------------- */

/* Reads a CSV whose columns named `rcol`, `slotcol`, `kscol`, `ecol` and
 * `vcol` fill t[r][slot][ks][e] (slot < 0: a per-resolution table). */
static int read_csv(const char *path, const char *vcol, int per_block, double out[5][OFA_SLOTS][3][3],
                    double fixed[5], struct err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, path, "cannot open an OFA cost table: %s", strerror(errno));
    char line[1024];
    int col_r = -1, col_slot = -1, col_ks = -1, col_e = -1, col_v = -1, rows = 0, lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *fields[32];
        int n = 0;
        for (char *p = strtok(line, ","); p && n < 32; p = strtok(NULL, ","))
            fields[n++] = p;
        char where[4300];
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (lineno == 1) {
            for (int i = 0; i < n; i++) {
                if (!strcmp(fields[i], "resolution")) col_r = i;
                if (!strcmp(fields[i], "block")) col_slot = i;
                if (!strcmp(fields[i], "ks")) col_ks = i;
                if (!strcmp(fields[i], "e")) col_e = i;
                if (!strcmp(fields[i], vcol)) col_v = i;
            }
            if (col_r < 0 || col_v < 0 || (per_block && (col_slot < 0 || col_ks < 0 || col_e < 0)))
                rc = err_set(e, where, "the header lacks resolution/block/ks/e/%s", vcol);
            continue;
        }
        int maxc = col_v > col_r ? col_v : col_r;
        if (per_block)
            maxc = col_e > maxc ? col_e : col_ks > maxc ? col_ks : col_slot > maxc ? col_slot : maxc;
        if (n <= maxc) {
            rc = err_set(e, where, "expected at least %d fields, got %d", maxc + 1, n);
            break;
        }
        char *end;
        double v = strtod(fields[col_v], &end);
        int ri = index_of(ofa_r, 5, atoi(fields[col_r]));
        if (*end || !isfinite(v)) {
            rc = err_set(e, where, "bad number '%s'", fields[col_v]);
            break;
        }
        if (ri < 0)
            continue; /* resolutions the predictor does not cover */
        if (!per_block) {
            fixed[ri] = v;
            rows++;
            continue;
        }
        int slot = atoi(fields[col_slot]), ks = index_of(ofa_ks, 3, atoi(fields[col_ks])),
            ex = index_of(ofa_e, 3, atoi(fields[col_e]));
        if (slot < 0 || slot >= OFA_SLOTS || ks < 0 || ex < 0) {
            rc = err_set(e, where, "block, ks or e out of range");
            break;
        }
        out[ri][slot][ks][ex] = v;
        rows++;
    }
    fclose(f);
    if (rc == 0 && rows != (per_block ? 5 * OFA_SLOTS * 9 : 5))
        rc = err_set(e, path, "expected %d rows for the resolutions 160..224, found %d",
                     per_block ? 5 * OFA_SLOTS * 9 : 5, rows);
    return rc;
}

static const struct tables *tables_shared(const char *datadir, struct err *e)
{
    static struct tables *cache; /* one per process: all open spaces share it */
    char path[4096];
    datadir_path(datadir, "ofa", path, sizeof path);
    if (cache && strcmp(cache->path, path) == 0)
        return cache;
    struct tables *t = calloc(1, sizeof *t);
    if (!t)
        return err_set(e, "ofa", "out of memory"), NULL;
    snprintf(t->path, sizeof t->path, "%s", path);
    char p[4300];
    snprintf(p, sizeof p, "%s/flops/block_macs.csv", path);
    int rc = read_csv(p, "macs", 1, t->macs, NULL, e);
    snprintf(p, sizeof p, "%s/flops/fixed_macs.csv", path);
    rc = rc ? rc : read_csv(p, "fixed_total", 0, NULL, t->fixed_macs, e);
    snprintf(p, sizeof p, "%s/latency_note10/block_table.csv", path);
    rc = rc ? rc : read_csv(p, "latency_ms_mean", 1, t->lat, NULL, e);
    snprintf(p, sizeof p, "%s/latency_note10/fixed_table.csv", path);
    rc = rc ? rc : read_csv(p, "fixed_total_ms", 0, NULL, t->fixed_lat, e);
    if (rc) {
        free(t);
        return NULL;
    }
    free(cache);
    cache = t;
    return t;
}

/* ---- the codec -------------------------------------------------------------- */

static void canonical(struct arch *a);
static void canonical_op(const struct space *s, struct arch *a)
{
    (void)s;
    canonical(a);
}

static void canonical(struct arch *a)
{
    for (int i = 0; i < OFA_SLOTS; i++)
        if (!ofa_active(a, i))
            a->v[i] = a->v[OFA_SLOTS + i] = 0;
}

/* A JSON number that is a whole number an int holds: anything else (1e30,
 * 160.9) is refused before a conversion could be undefined or round. */
static int whole(const cJSON *it, int *v)
{
    if (!cJSON_IsNumber(it))
        return 0;
    double x = it->valuedouble;
    if (!(x >= -1e6 && x <= 1e6) || x != floor(x))
        return 0;
    *v = (int)x;
    return 1;
}

static int read_list(const cJSON *o, const char *key, int n, const int *vals, int nvals,
                     const char *allowed, int zero_ok, int *out, struct err *e)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, key), *it;
    if (!cJSON_IsArray(l) || cJSON_GetArraySize(l) != n)
        return err_usage(e, key, "expected a list of %d values (%s)", n, allowed);
    int i = 0;
    cJSON_ArrayForEach(it, l)
    {
        char where[32];
        snprintf(where, sizeof where, "%s[%d]", key, i);
        int v;
        if (!whole(it, &v))
            return err_usage(e, where, "expected a whole number (%s)", allowed);
        out[i] = index_of(vals, nvals, v);
        if (out[i] < 0 && !(zero_ok && v == 0))
            return err_usage(e, where, "%d is not one of %s", v, allowed);
        i++;
    }
    return 0;
}

static int decode(const struct space *s, const char *text, struct arch *out, struct err *e)
{
    (void)s;
    cJSON *o = space_json_object(text, "{\"ks\": [20], \"e\": [20], \"d\": [5], \"r\": "
                                 "160..224}", e);
    if (!o)
        return -1;
    int ks[OFA_SLOTS], ex[OFA_SLOTS], d[OFA_STAGES];
    /* inactive slots may hold 0 (unknown) or any value: they are ignored */
    if (read_list(o, "d", OFA_STAGES, ofa_d, 3, "2, 3 or 4", 0, d, e) < 0 ||
        read_list(o, "ks", OFA_SLOTS, ofa_ks, 3, "3, 5 or 7", 1, ks, e) < 0 ||
        read_list(o, "e", OFA_SLOTS, ofa_e, 3, "3, 4 or 6", 1, ex, e) < 0) {
        cJSON_Delete(o);
        return -1;
    }
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "r");
    if (!r)
        r = cJSON_GetObjectItemCaseSensitive(o, "image_size");
    int rv, ri = whole(r, &rv) ? index_of(ofa_r, 5, rv) : -1;
    cJSON_Delete(o);
    if (ri < 0)
        return err_usage(e, "r", "expected the resolution: 160, 176, 192, 208 or 224");
    memset(out, 0, sizeof *out);
    out->n = OFA_DIMS;
    for (int st = 0; st < OFA_STAGES; st++)
        out->v[OFA_DIM_D + st] = (uint8_t)d[st];
    out->v[OFA_DIM_R] = (uint8_t)ri;
    for (int i = 0; i < OFA_SLOTS; i++) {
        if (!ofa_active(out, i))
            continue;
        if (ks[i] < 0 || ex[i] < 0) {
            char where[32];
            snprintf(where, sizeof where, "%s[%d]", ks[i] < 0 ? "ks" : "e", i);
            return err_usage(e, where, "block %d is active (stage %d has depth %d): it needs a "
                             "%s", i, i / 4 + 1, ofa_d[d[i / 4]],
                             ks[i] < 0 ? "kernel size 3, 5 or 7" : "expand ratio 3, 4 or 6");
        }
        out->v[i] = (uint8_t)ks[i];
        out->v[OFA_SLOTS + i] = (uint8_t)ex[i];
    }
    return 0;
}

static int valid(const struct arch *a)
{
    if (a->n != OFA_DIMS || a->v[OFA_DIM_R] >= 5)
        return 0;
    for (int i = 0; i < 2 * OFA_SLOTS + OFA_STAGES; i++)
        if (a->v[i] >= 3)
            return 0;
    return 1;
}

static int encode(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    if (!valid(a))
        return -1;
    size_t off = 0;
    off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "{\"ks\":[");
    for (int i = 0; i < OFA_SLOTS; i++)
        off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "%s%d", i ? "," : "",
                                ofa_active(a, i) ? ofa_ks[a->v[i]] : 0);
    off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "],\"e\":[");
    for (int i = 0; i < OFA_SLOTS; i++)
        off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "%s%d", i ? "," : "",
                                ofa_active(a, i) ? ofa_e[a->v[OFA_SLOTS + i]] : 0);
    off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "],\"d\":[");
    for (int st = 0; st < OFA_STAGES; st++)
        off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "%s%d", st ? "," : "",
                                ofa_d[a->v[OFA_DIM_D + st]]);
    off += (size_t)snprintf(buf + off, n > off ? n - off : 0, "],\"r\":%d}",
                            ofa_r[a->v[OFA_DIM_R]]);
    return off < n ? (int)off : -1;
}

static int cost(const struct space *s, const struct arch *a, double *m, struct err *e)
{
    const struct tables *t = s->impl;
    if (!valid(a))
        return err_set(e, "arch", "not an OFA MobileNetV3 architecture");
    int r = a->v[OFA_DIM_R];
    double macs = t->fixed_macs[r], lat = t->fixed_lat[r];
    for (int i = 0; i < OFA_SLOTS; i++)
        if (ofa_active(a, i)) {
            macs += t->macs[r][i][a->v[i]][a->v[OFA_SLOTS + i]];
            lat += t->lat[r][i][a->v[i]][a->v[OFA_SLOTS + i]];
        }
    m[M_FLOPS] = macs / 1e6;
    m[M_NOTE10] = lat;
    return 0;
}

/* ---- moves and prior ----------------------------------------------------------- */

static void sample(const struct space *s, struct rng *r, struct arch *out)
{
    memset(out, 0, sizeof *out);
    out->n = OFA_DIMS;
    for (int d = 0; d < s->ndims; d++)
        out->v[d] = (uint8_t)rng_below(r, (uint32_t)s->dims[d].nchoices);
    canonical(out);
}

/* One change that makes a difference: the resolution, a stage's depth, or
 * an active block's kernel and expansion together (as OFA's evolution). */
static void mutate(const struct space *s, struct rng *r, const struct arch *in, struct arch *out)
{
    (void)s;
    for (int tries = 0; tries < 64; tries++) {
        *out = *in;
        uint32_t what = rng_below(r, 3);
        if (what == 0) {
            out->v[OFA_DIM_R] = (uint8_t)rng_below(r, 5);
        } else if (what == 1) {
            int st = (int)rng_below(r, OFA_STAGES);
            out->v[OFA_DIM_D + st] = (uint8_t)rng_below(r, 3);
            for (int i = 4 * st; i < 4 * st + 4; i++) /* newly active blocks get choices */
                if (ofa_active(out, i) && !ofa_active(in, i)) {
                    out->v[i] = (uint8_t)rng_below(r, 3);
                    out->v[OFA_SLOTS + i] = (uint8_t)rng_below(r, 3);
                }
        } else {
            int active[OFA_SLOTS], n = 0;
            for (int i = 0; i < OFA_SLOTS; i++)
                if (ofa_active(in, i))
                    active[n++] = i;
            int i = active[rng_below(r, (uint32_t)n)];
            out->v[i] = (uint8_t)rng_below(r, 3);
            out->v[OFA_SLOTS + i] = (uint8_t)rng_below(r, 3);
        }
        canonical(out);
        if (!arch_eq(out, in))
            return;
    }
}

/* What a practitioner expects before any result: wider, deeper, larger
 * kernels and higher resolution predict better, at a cost. */
static double prior(const struct space *s, int dim, int choice)
{
    (void)s;
    if (dim < OFA_SLOTS)
        return (choice - 1) * 0.15;
    if (dim < 2 * OFA_SLOTS)
        return (choice - 1) * 0.25;
    if (dim < OFA_DIM_R)
        return (choice - 1) * 0.4;
    return (choice - 2) * 0.3;
}

/* "192 | 73 56 36 | 76 53 ...": the resolution, then each stage's active
 * blocks as kernel size and expand ratio, so a table row shows a whole net. */
static int brief(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    if (!valid(a))
        return -1;
    size_t off = (size_t)snprintf(buf, n, "%d", ofa_r[a->v[OFA_DIM_R]]);
    for (int i = 0; i < OFA_SLOTS && off < n; i++) {
        if (!ofa_active(a, i))
            continue;
        off += (size_t)snprintf(buf + off, n - off, "%s%d%d", i % 4 == 0 ? " | " : " ",
                                ofa_ks[a->v[i]], ofa_e[a->v[OFA_SLOTS + i]]);
    }
    return 0;
}

static void destroy(struct space *s)
{
    free(s);
}

static char *schema(const struct space *s)
{
    (void)s;
    return schema_mbv3_dict(OFA_SLOTS, OFA_STAGES, (struct schema_choices){ofa_ks, 3},
                            (struct schema_choices){ofa_e, 3}, (struct schema_choices){ofa_d, 3},
                            (struct schema_choices){ofa_r, 5});
}

static const struct space_ops ops = {
    .decode = decode, .encode = encode, .cost = cost, .prior = prior, .canonical = canonical_op,
    .brief = brief, .sample = sample, .mutate = mutate, .destroy = destroy, .schema = schema,
};

static const char description[] =
    "Each architecture is a mobile convolutional network for 1000-class image\n"
    "classification: a stem, then 5 stages of 2 to 4 inverted-residual blocks (a 1x1\n"
    "expansion, a depthwise convolution, a 1x1 projection; squeeze-excitation in stages\n"
    "2, 4 and 5), then a classifier. The decisions: the input resolution r (160, 176, 192,\n"
    "208, 224); each stage's depth d (2, 3 or 4 blocks); and for each of the 20 block slots\n"
    "(4 per stage, slot i = 4*stage + position) a depthwise kernel size ks (3, 5, 7) and an\n"
    "expand ratio e (3, 4, 6). A slot whose position is not below its stage's depth is\n"
    "inactive: write 0 for its ks and e. An architecture is written as JSON:\n"
    "{\"ks\": [20 values], \"e\": [20 values], \"d\": [5 values], \"r\": 192}\n";

static const char knowledge[] =
    "a higher resolution, deeper stages, larger kernels and larger expand ratios raise "
    "accuracy and cost\n"
    "under a tight budget, spend it where the feature maps are small (late stages) first\n"
    "expand ratio costs more than kernel size in the early, high-resolution stages\n";

struct space *ofa_space_open(const char *variant, const char *datadir, struct err *e)
{
    if (variant && *variant)
        return err_usage(e, "--space", "ofa-mbv3 has no variants (got ':%s')", variant), NULL;
    const struct tables *t = tables_shared(datadir, e);
    if (!t)
        return NULL;
    if (!dims[0].name) {
        for (int i = 0; i < OFA_SLOTS; i++) {
            snprintf(dim_names[i], sizeof dim_names[i], "ks %d", i);
            snprintf(dim_names[OFA_SLOTS + i], sizeof dim_names[0], "e %d", i);
            dims[i] = (struct dim_def){dim_names[i], 3, ks_names};
            dims[OFA_SLOTS + i] = (struct dim_def){dim_names[OFA_SLOTS + i], 3, e_names};
        }
        for (int st = 0; st < OFA_STAGES; st++) {
            snprintf(dim_names[OFA_DIM_D + st], sizeof dim_names[0], "depth %d", st + 1);
            dims[OFA_DIM_D + st] = (struct dim_def){dim_names[OFA_DIM_D + st], 3, d_names};
        }
        snprintf(dim_names[OFA_DIM_R], sizeof dim_names[0], "resolution");
        dims[OFA_DIM_R] = (struct dim_def){dim_names[OFA_DIM_R], 5, r_names};
    }
    struct space *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, "ofa-mbv3", "out of memory"), NULL;
    *s = (struct space){
        .ops = &ops, .family = "ofa-mbv3", .dataset = "imagenet", .ndims = OFA_DIMS,
        .dims = dims, .nmetrics = 3, .metrics = metrics, .objective = M_ACC, .report = -1,
        .front_cost = M_FLOPS, .size = 0, .description = description, .knowledge = knowledge,
        .impl = (void *)t,
    };
    snprintf(s->id, sizeof s->id, "ofa-mbv3");
    s->datadir = datadir;
    return s;
}
