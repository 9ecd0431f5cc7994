/* A search space: its decision dimensions, the text form of an architecture
 * (its codec), legality, cost, and the metrics it reports (DESIGN §5).
 * Spaces are small vtables; generic moves (sample, mutate, neighbours) work
 * on any space whose dimensions are independent, and a space overrides them
 * where its dimensions are coupled. */
#ifndef COLLM_SPACE_H
#define COLLM_SPACE_H

#include <stddef.h>

#include "../core/arch.h"
#include "../core/err.h"
#include "../core/metric.h"
#include "../core/rng.h"

struct dim_def {
    const char *name;         /* "edge 1<-0" */
    int nchoices;
    const char *const *choices; /* "none", "skip_connect" ... */
};

struct space;

struct space_ops {
    /* Text -> canonical arch; errors name the position and what was expected. */
    int (*decode)(const struct space *s, const char *text, struct arch *out, struct err *e);
    /* Canonical text; returns its length, or -1 if buf is too small. */
    int (*encode)(const struct space *s, const struct arch *a, char *buf, size_t n);
    /* Fills the COST metrics of `m` (the rest untouched); -1 with e on failure. */
    int (*cost)(const struct space *s, const struct arch *a, double *m, struct err *e);
    /* What a practitioner expects of choice c of dimension d before any
     * result: > 0 good, < 0 bad, in standard deviations of the objective.
     * Optional; the offline agents start from it. */
    double (*prior)(const struct space *s, int dim, int choice);
    /* Optional: makes equal networks equal values (inactive decisions zeroed). */
    void (*canonical)(const struct space *s, struct arch *a);
    /* Optional: a short form for narrow screens ("3x3 3x3 sk ..."). */
    int (*brief)(const struct space *s, const struct arch *a, char *buf, size_t n);
    /* Optional overrides of the generic moves. */
    void (*sample)(const struct space *s, struct rng *r, struct arch *out);
    void (*mutate)(const struct space *s, struct rng *r, const struct arch *in, struct arch *out);
    void (*destroy)(struct space *s);
    /* Optional: a JSON Schema of one architecture's text (schema.h),
     * malloc'd, for servers that constrain the answer. */
    char *(*schema)(const struct space *s);
    /* Optional: a History filter's `key=value` on one decision, in the
     * words users know ("edge3<-0" = "sk"): 0 with the dimension and the
     * choice; 1 when `key` is none of this space's; -1 with e when it is
     * but `value` (NULL: the term has no `=`) names no choice of it. */
    int (*term)(const struct space *s, const char *key, const char *value, int *dim,
                int *choice, struct err *e);
};

struct space {
    const struct space_ops *ops;
    char id[64];             /* "nb201:cifar10" */
    const char *family;      /* "nb201" */
    const char *dataset;     /* "cifar10" */
    int ndims;
    const struct dim_def *dims;
    int nmetrics;
    const struct metric_def *metrics;
    int objective;           /* metric the search maximises */
    int report;              /* metric reported for the best, -1 if none */
    int front_cost;          /* default cost for the Pareto front */
    size_t size;             /* number of architectures, 0 if too many to count */
    const char *description; /* for prompts: what the decisions mean, no benchmark names */
    const char *knowledge;   /* a practitioner's rules of thumb, one per line */
    const char *datadir;     /* where its data came from (NULL: the default) */
    void *impl;
};

/* A data file a space reads, for `collm doctor` (sha256 NULL: not pinned). */
struct space_file {
    const char *file; /* relative to the data directory */
    const char *sha256;
    const char *what;
};

/* One row of the registry of spaces: what --space takes, the line that
 * `collm spaces` and errors show, how to open it (`variant` is the part
 * after the colon, NULL without one) and the data files it needs ({0}
 * ends the list; rows of one family may share it). A new space is its own
 * .c/.h and one row in space.c. */
struct space_kind {
    const char *name; /* "nb201:cifar10", "ofa-mbv3" */
    const char *summary;
    struct space *(*open)(const char *variant, const char *datadir, struct err *e);
    const struct space_file *files;
};
const struct space_kind *space_registry(int *n);

/* Opens "family[:variant]" by the first row of its family, with its data
 * from `datadir` (NULL: the default data directory). Errors name the spec
 * and list what exists. */
struct space *space_open(const char *spec, const char *datadir, struct err *e);
void space_close(struct space *s);

int space_decode(const struct space *s, const char *text, struct arch *out, struct err *e);
int space_encode(const struct space *s, const struct arch *a, char *buf, size_t n);
int space_cost(const struct space *s, const struct arch *a, double *m, struct err *e);
double space_prior(const struct space *s, int dim, int choice); /* 0 without a prior */
/* The short form of an architecture's text, for tables: the space's own, or
 * its choices by name; the text itself when it does not decode. */
const char *space_brief(const struct space *s, const char *text, char *buf, size_t n);
void space_sample(const struct space *s, struct rng *r, struct arch *out);
/* One random change: one dimension moved to a different choice (generic). */
void space_mutate(const struct space *s, struct rng *r, const struct arch *in, struct arch *out);
/* Canonical form in place (nothing for spaces without inactive decisions). */
void space_canonical(const struct space *s, struct arch *a);
/* All one-dimension changes of `a` that make another network (canonical,
 * no repeats), at most `max`; returns how many. */
int space_neighbours(const struct space *s, const struct arch *a, struct arch *out, int max);
/* The k-th architecture (0 <= k < size) of a space whose dimensions are
 * independent: a mixed-radix count, first dimension fastest. */
void space_nth(const struct space *s, size_t k, struct arch *out);
/* The space's own filter term (space_ops.term); 1 for a space without. */
int space_term(const struct space *s, const char *key, const char *value, int *dim, int *choice,
               struct err *e);
/* The JSON Schema of one architecture, malloc'd; NULL if the space has none. */
char *space_schema(const struct space *s);
/* For the dict spaces' decode: `text` as a JSON object, or NULL with a
 * usage error at the character where it stops being one, saying what was
 * `expected`. The caller cJSON_Delete()s it. */
struct cJSON;
struct cJSON *space_json_object(const char *text, const char *expected, struct err *e);
/* Adapter for state_init(): decode with a space as context. */
int space_decode_ctx(const void *space, const char *text, struct arch *out, struct err *e);

#endif
