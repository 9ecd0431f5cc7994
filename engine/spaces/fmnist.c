#include "fmnist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

const struct space_file fmnist_space_files[] = {{0}};

static const char *const ks_names[] = {"3", "5", "7"}, *const e_names[] = {"3", "4", "6"},
                         *const d_names[] = {"2", "3", "4"}, *const r_names[] = {"20", "24", "28"};

static struct dim_def dims[FM_DIMS];
static char dim_names[FM_DIMS][24];

static const struct metric_def metrics[] = {
    {"valid_acc", "%", "accuracy on the 10,000 held-out validation images with inherited "
                       "weights after BN recalibration (what the search sees)", METRIC_OBJECTIVE},
    {"test_acc", "%", "accuracy on the 10,000 test images (reported, never seen by the search)",
     METRIC_REPORT},
    {"flops", "M", "multiply-accumulates of one forward pass (MFLOPs as OFA counts them)",
     METRIC_COST},
    {"params", "M", "parameters the subnet uses", METRIC_COST},
};

static int active(const struct arch *a, int slot)
{
    return slot % SN_MAXD < sn_d_choices[a->v[FM_DIM_D + slot / SN_MAXD]];
}

static int valid(const struct arch *a)
{
    if (a->n != FM_DIMS)
        return 0;
    for (int i = 0; i < FM_DIMS; i++)
        if (a->v[i] >= 3)
            return 0;
    return 1;
}

void fmnist_space_net(const struct arch *a, struct sn_arch *out)
{
    out->r = sn_res_choices[a->v[FM_DIM_R]];
    for (int s = 0; s < SN_STAGES; s++)
        out->d[s] = sn_d_choices[a->v[FM_DIM_D + s]];
    for (int i = 0; i < SN_BLOCKS; i++) {
        out->ks[i] = active(a, i) ? sn_ks_choices[a->v[i]] : 0;
        out->e[i] = active(a, i) ? sn_e_choices[a->v[FM_DIM_E + i]] : 0;
    }
}

static int index_of(const int *c, int v)
{
    return v == c[0] ? 0 : v == c[1] ? 1 : v == c[2] ? 2 : 0;
}

static void from_net(const struct sn_arch *n, struct arch *out)
{
    memset(out, 0, sizeof *out);
    out->n = FM_DIMS;
    out->v[FM_DIM_R] = (uint8_t)index_of(sn_res_choices, n->r);
    for (int s = 0; s < SN_STAGES; s++)
        out->v[FM_DIM_D + s] = (uint8_t)index_of(sn_d_choices, n->d[s]);
    for (int i = 0; i < SN_BLOCKS; i++)
        if (active(out, i)) {
            out->v[i] = (uint8_t)index_of(sn_ks_choices, n->ks[i]);
            out->v[FM_DIM_E + i] = (uint8_t)index_of(sn_e_choices, n->e[i]);
        }
}

static void canonical(const struct space *s, struct arch *a)
{
    (void)s;
    for (int i = 0; i < SN_BLOCKS; i++)
        if (!active(a, i))
            a->v[i] = a->v[FM_DIM_E + i] = 0;
}

static int decode(const struct space *s, const char *text, struct arch *out, struct err *e)
{
    (void)s;
    struct sn_arch n;
    if (sn_arch_parse(text, &n, e) < 0)
        return -1;
    from_net(&n, out);
    return 0;
}

static int encode(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    if (!valid(a))
        return -1;
    struct sn_arch net;
    fmnist_space_net(a, &net);
    return sn_arch_format(&net, buf, n);
}

static int cost(const struct space *s, const struct arch *a, double *m, struct err *e)
{
    (void)s;
    if (!valid(a))
        return err_set(e, "arch", "not an fmnist-supernet architecture");
    struct sn_arch net;
    fmnist_space_net(a, &net);
    m[FM_M_FLOPS] = sn_arch_mflops(&net);
    m[FM_M_PARAMS] = sn_arch_mparams(&net);
    return 0;
}

static void sample(const struct space *s, struct rng *r, struct arch *out)
{
    memset(out, 0, sizeof *out);
    out->n = FM_DIMS;
    for (int d = 0; d < s->ndims; d++)
        out->v[d] = (uint8_t)rng_below(r, 3);
    canonical(s, out);
}

/* One change that makes another network: the resolution, a stage's depth,
 * or an active block's kernel and expansion together (as OFA's evolution). */
static void mutate(const struct space *s, struct rng *r, const struct arch *in, struct arch *out)
{
    for (int tries = 0; tries < 64; tries++) {
        *out = *in;
        int what = (int)rng_below(r, SN_BLOCKS + SN_STAGES + 1);
        if (what < SN_BLOCKS) {
            if (!active(in, what))
                continue;
            out->v[what] = (uint8_t)rng_below(r, 3);
            out->v[FM_DIM_E + what] = (uint8_t)rng_below(r, 3);
        } else if (what < SN_BLOCKS + SN_STAGES) {
            out->v[FM_DIM_D + what - SN_BLOCKS] = (uint8_t)rng_below(r, 3);
        } else {
            out->v[FM_DIM_R] = (uint8_t)rng_below(r, 3);
        }
        canonical(s, out);
        if (!arch_eq(in, out))
            return;
    }
    out->v[FM_DIM_R] = (uint8_t)((in->v[FM_DIM_R] + 1) % 3); /* always a change */
}

/* What a practitioner expects: more resolution, depth, kernel and
 * expansion help, with diminishing returns on small images. */
static double prior(const struct space *s, int dim, int choice)
{
    (void)s;
    if (dim < FM_DIM_E)
        return (choice - 1) * 0.1;
    if (dim < FM_DIM_D)
        return (choice - 1) * 0.2;
    if (dim < FM_DIM_R)
        return (choice - 1) * 0.3;
    return (choice - 1) * 0.4;
}

/* "28 | 76 76 54 | 36 33": the resolution, then each stage's active blocks
 * as kernel size and expansion. */
static int brief(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    if (!valid(a))
        return -1;
    size_t off = (size_t)snprintf(buf, n, "%d", sn_res_choices[a->v[FM_DIM_R]]);
    for (int i = 0; i < SN_BLOCKS && off < n; i++) {
        if (!active(a, i))
            continue;
        off += (size_t)snprintf(buf + off, n - off, "%s%d%d", i % SN_MAXD == 0 ? " | " : " ",
                                sn_ks_choices[a->v[i]], sn_e_choices[a->v[FM_DIM_E + i]]);
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
    return schema_mbv3_dict(SN_BLOCKS, SN_STAGES, (struct schema_choices){sn_ks_choices, 3},
                            (struct schema_choices){sn_e_choices, 3},
                            (struct schema_choices){sn_d_choices, 3},
                            (struct schema_choices){sn_res_choices, 3});
}

static const struct space_ops ops = {
    .decode = decode, .encode = encode, .cost = cost, .prior = prior, .canonical = canonical,
    .brief = brief, .sample = sample, .mutate = mutate, .destroy = destroy, .schema = schema,
};

static const char description[] =
    "Each architecture is a small mobile convolutional network for 10-class\n"
    "classification of grey-scale images: a stem (3x3 convolution and a depthwise-separable\n"
    "layer of stride 2), then 2 stages of 2 to 4 inverted-residual blocks (a 1x1 expansion,\n"
    "a depthwise convolution, a 1x1 projection; 24 and 48 channels; each stage halves the\n"
    "feature map), then a 1x1 convolution to 192 channels, pooling and a classifier. All\n"
    "networks share the weights of one trained supernet. The decisions: the input\n"
    "resolution r (20, 24 or 28 pixels); each stage's depth d (2, 3 or 4 blocks); and for\n"
    "each of the 8 block slots (4 per stage, slot i = 4*stage + position) a depthwise\n"
    "kernel size ks (3, 5, 7) and an expand ratio e (3, 4, 6). A slot whose position is not\n"
    "below its stage's depth is inactive: write 0 for its ks and e. An architecture is\n"
    "written as JSON: {\"r\": 28, \"d\": [2 values], \"ks\": [8 values], \"e\": [8 values]}\n";

static const char knowledge[] =
    "a higher resolution, deeper stages, larger kernels and larger expand ratios raise "
    "accuracy and cost\n"
    "on small feature maps (the second stage) large kernels see the whole map: they cost "
    "little and may add little\n"
    "expand ratio costs more than kernel size in the first stage, where the map is largest\n";

struct space *fmnist_space_open(const char *variant, const char *datadir, struct err *e)
{
    if (variant && *variant)
        return err_usage(e, "--space", "fmnist-supernet has no variants (got ':%s')", variant),
               NULL;
    if (!dims[0].name) {
        for (int i = 0; i < SN_BLOCKS; i++) {
            snprintf(dim_names[i], sizeof dim_names[i], "ks %d", i);
            snprintf(dim_names[FM_DIM_E + i], sizeof dim_names[0], "e %d", i);
            dims[i] = (struct dim_def){dim_names[i], 3, ks_names};
            dims[FM_DIM_E + i] = (struct dim_def){dim_names[FM_DIM_E + i], 3, e_names};
        }
        for (int st = 0; st < SN_STAGES; st++) {
            snprintf(dim_names[FM_DIM_D + st], sizeof dim_names[0], "depth %d", st + 1);
            dims[FM_DIM_D + st] = (struct dim_def){dim_names[FM_DIM_D + st], 3, d_names};
        }
        snprintf(dim_names[FM_DIM_R], sizeof dim_names[0], "resolution");
        dims[FM_DIM_R] = (struct dim_def){dim_names[FM_DIM_R], 3, r_names};
    }
    struct space *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, "fmnist-supernet", "out of memory"), NULL;
    /* 3 resolutions x (9^2 + 9^3 + 9^4)^2 = 1.6e8 networks: not walked one by one */
    *s = (struct space){
        .ops = &ops, .family = "fmnist-supernet", .dataset = "fashion-mnist", .ndims = FM_DIMS,
        .dims = dims, .nmetrics = 4, .metrics = metrics, .objective = FM_M_VALID,
        .report = FM_M_TEST, .front_cost = FM_M_FLOPS, .size = 0,
        .description = description, .knowledge = knowledge,
    };
    snprintf(s->id, sizeof s->id, "fmnist-supernet");
    s->datadir = datadir;
    return s;
}
