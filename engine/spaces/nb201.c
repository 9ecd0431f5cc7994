#include "nb201.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

const struct space_file nb201_space_files[] = {
    {"nb201.csv", "fc6c0c1fa788d68827a13897b1c6e5b79794f71288b08448a6fe064f2d987873",
     "NAS-Bench-201 table"},
    {0},
};

static const struct dim_def dims[NB201_EDGES] = {
    {"edge 1<-0", NB201_OPS, nb201_op_names}, {"edge 2<-0", NB201_OPS, nb201_op_names},
    {"edge 2<-1", NB201_OPS, nb201_op_names}, {"edge 3<-0", NB201_OPS, nb201_op_names},
    {"edge 3<-1", NB201_OPS, nb201_op_names}, {"edge 3<-2", NB201_OPS, nb201_op_names},
};

/* Metric order is the order of JSON output and of the history table. */
enum { M_VALID, M_TEST, M_FLOPS, M_PARAMS, M_LAT0 };
static const struct metric_def metrics[] = {
    {"valid_acc", "%", "200-epoch validation accuracy (what the search sees)", METRIC_OBJECTIVE},
    {"test_acc", "%", "200-epoch test accuracy (reported, never seen by the search)",
     METRIC_REPORT},
    {"flops", "M", "FLOPs of the network", METRIC_COST},
    {"params", "M", "parameters of the network", METRIC_COST},
    {"lat_raspi4", "ms", "latency on a Raspberry Pi 4 (HW-NAS-Bench, CIFAR-10 input)",
     METRIC_COST},
    {"lat_pixel3", "ms", "latency on a Pixel 3 (HW-NAS-Bench, CIFAR-10 input)", METRIC_COST},
    {"lat_eyeriss", "ms", "latency on Eyeriss, estimated (HW-NAS-Bench)", METRIC_COST},
    {"lat_fpga", "ms", "latency on an FPGA, estimated (HW-NAS-Bench)", METRIC_COST},
    {"lat_titanrtx_b1", "ms", "latency on a Titan RTX, batch 1 (HELP)", METRIC_COST},
    {"lat_titanrtx_b256", "ms", "latency on a Titan RTX, batch 256 (HELP)", METRIC_COST},
};
#define NMETRICS ((int)(sizeof metrics / sizeof metrics[0]))

/* Only the classifier differs between datasets (data/README.nb201.md). */
static const double params_offset[NB201_NDATASETS] = {0.0, 0.00585, 0.00715};

struct impl {
    const struct nb201_table *table;
    int dataset;
};

static int decode(const struct space *s, const char *text, struct arch *out, struct err *e)
{
    (void)s;
    unsigned char ops[NB201_EDGES];
    if (nb201_parse(text, ops, e) < 0)
        return -1;
    memset(out, 0, sizeof *out);
    out->n = NB201_EDGES;
    memcpy(out->v, ops, NB201_EDGES);
    return 0;
}

static int valid_arch(const struct arch *a)
{
    if (a->n != NB201_EDGES)
        return 0;
    for (int i = 0; i < NB201_EDGES; i++)
        if (a->v[i] >= NB201_OPS)
            return 0;
    return 1;
}

static int encode(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    return valid_arch(a) ? nb201_format(a->v, buf, n) : -1;
}

static int cost(const struct space *s, const struct arch *a, double *m, struct err *e)
{
    const struct impl *im = s->impl;
    if (!valid_arch(a))
        return err_set(e, "arch", "not an NB201 architecture");
    const struct nb201_row *r = nb201_table_lookup(im->table, a->v);
    if (!r)
        return err_set(e, "arch", "not in the table");
    m[M_FLOPS] = r->flops[im->dataset];
    m[M_PARAMS] = r->params_c10 + params_offset[im->dataset];
    for (int l = 0; l < NB201_NLAT; l++)
        m[M_LAT0 + l] = r->lat[l];
    return 0;
}

/* General knowledge of cell-based CNNs, not read off any table: convolutions
 * learn, 3x3 more than 1x1; "none" cuts an edge; pooling has nothing to
 * learn; a skip from the cell input to its output is a residual path. */
static double prior(const struct space *s, int dim, int choice)
{
    (void)s;
    static const double op[NB201_OPS] = {-1.0, 0.0, 0.4, 0.8, -0.4};
    double w = op[choice];
    if (dim == 3 && choice == NB201_SKIP) /* edge 3<-0 */
        w += 0.4;
    return w;
}

static const char description[] =
    "Each architecture is one cell, stacked to form a convolutional network for image\n"
    "classification. The cell is a directed acyclic graph with 4 nodes: node 0 is the cell\n"
    "input, node 3 its output, and every node j sums the results of edges from all earlier\n"
    "nodes i < j. That gives 6 edges: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. Each edge applies\n"
    "one of 5 operations: none (the edge is absent), skip_connect (identity),\n"
    "nor_conv_1x1 and nor_conv_3x3 (ReLU-conv-BN), avg_pool_3x3.\n"
    "An architecture is written |op~0|+|op~0|op~1|+|op~0|op~1|op~2| : the three groups are\n"
    "nodes 1, 2, 3 and op~i is the operation on the edge from node i. Example:\n"
    "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|\n";

static const char knowledge[] =
    "convolutions carry the learning; nor_conv_3x3 usually beats nor_conv_1x1, at a higher cost\n"
    "none removes an edge; cutting every path to the output starves the cell\n"
    "a skip_connect from the input straight to the output (edge 3<-0) is a residual path and "
    "usually helps\n"
    "avg_pool_3x3 has nothing to learn and rarely helps more than once\n";

/* The short names, for narrow screens and filter terms. */
static const char *const op[NB201_OPS] = {"-", "sk", "1x1", "3x3", "ap"};

/* "3x3 3x3 1x1 sk 3x3 -": the six edges in the order of the long form. */
static int brief(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    (void)s;
    if (!valid_arch(a))
        return -1;
    return snprintf(buf, n, "%s %s %s %s %s %s", op[a->v[0]], op[a->v[1]], op[a->v[2]],
                    op[a->v[3]], op[a->v[4]], op[a->v[5]]);
}

/* "edge3<-0" = "sk" or "skip_connect": the edge as the detail and the
 * short form's legend name it; dimension I(I-1)/2 + J is edge I<-J. */
static int term(const struct space *s, const char *key, const char *value, int *dim, int *choice,
                struct err *e)
{
    (void)s;
    static const char edges[] = "1<-0 2<-0 2<-1 3<-0 3<-1 3<-2";
    if (strncmp(key, "edge", 4) != 0)
        return 1;
    int whole = strlen(key) == 8 && strncmp(key + 5, "<-", 2) == 0;
    int to = whole ? key[4] - '0' : -1, from = whole ? key[7] - '0' : -1;
    if (to < 1 || to > 3 || from < 0 || from >= to)
        return err_usage(e, key, "no such edge: the edges are %s (edge3<-0=sk)", edges);
    for (int o = 0; value && o < NB201_OPS; o++)
        if (strcasecmp(value, op[o]) == 0 || strcasecmp(value, nb201_op_names[o]) == 0) {
            *dim = to * (to - 1) / 2 + from;
            *choice = o;
            return 0;
        }
    return err_usage(e, key, "%s%s%s: an edge is - sk 1x1 3x3 ap (or none skip_connect "
                     "nor_conv_1x1 nor_conv_3x3 avg_pool_3x3)",
                     value ? "no operation `" : "expected =OP", value ? value : "",
                     value ? "`" : "");
}

static void destroy(struct space *s)
{
    free(s->impl);
    free(s);
}

/* The cell string as a pattern: each edge one of the operations, with its
 * input node, in the canonical order. */
static char *schema(const struct space *s)
{
    (void)s;
    char alt[128] = "(", re[1024] = "^";
    for (int o = 0; o < NB201_OPS; o++)
        snprintf(alt + strlen(alt), sizeof alt - strlen(alt), "%s%s", o ? "|" : "",
                 nb201_op_names[o]);
    strcat(alt, ")");
    for (int node = 1; node <= 3; node++) {
        snprintf(re + strlen(re), sizeof re - strlen(re), "%s\\|", node > 1 ? "\\+" : "");
        for (int from = 0; from < node; from++)
            snprintf(re + strlen(re), sizeof re - strlen(re), "%s~%d\\|", alt, from);
    }
    strcat(re, "$");
    return schema_string(re);
}

static const struct space_ops ops = {
    .decode = decode, .encode = encode, .cost = cost, .prior = prior, .brief = brief,
    .destroy = destroy, .schema = schema, .term = term,
};

struct space *nb201_space_open(const char *dataset, const char *datadir, struct err *e)
{
    int d = dataset ? nb201_dataset_find(dataset) : NB201_CIFAR10;
    if (d < 0) {
        err_usage(e, "--space", "unknown NB201 dataset '%s'; use cifar10, cifar100 or imagenet16",
                dataset);
        return NULL;
    }
    const struct nb201_table *t = nb201_table_shared(datadir, e);
    if (!t)
        return NULL;
    struct space *s = calloc(1, sizeof *s);
    struct impl *im = calloc(1, sizeof *im);
    if (!s || !im) {
        free(s);
        free(im);
        err_set(e, "nb201", "out of memory");
        return NULL;
    }
    im->table = t;
    im->dataset = d;
    *s = (struct space){
        .ops = &ops, .family = "nb201", .dataset = nb201_dataset_names[d],
        .ndims = NB201_EDGES, .dims = dims, .nmetrics = NMETRICS, .metrics = metrics,
        .objective = M_VALID, .report = M_TEST, .front_cost = M_FLOPS, .size = NB201_SIZE,
        .description = description, .knowledge = knowledge,
        .impl = im,
    };
    snprintf(s->id, sizeof s->id, "nb201:%s", nb201_dataset_names[d]);
    return s;
}

/* For the evaluator: the table and dataset behind an open nb201 space. */
const struct nb201_table *nb201_space_table(const struct space *s, int *dataset)
{
    const struct impl *im = s->impl;
    *dataset = im->dataset;
    return im->table;
}
