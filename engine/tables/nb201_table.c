#include "nb201_table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/datadir.h"

const char *const nb201_dataset_names[NB201_NDATASETS] = {"cifar10", "cifar100", "imagenet16"};

int nb201_dataset_find(const char *name)
{
    for (int i = 0; i < NB201_NDATASETS; i++)
        if (strcmp(name, nb201_dataset_names[i]) == 0)
            return i;
    return -1;
}

static const char *const columns[] = {
    "index", "arch", "cifar10_valid_acc", "cifar10_test_acc", "cifar100_valid_acc",
    "cifar100_test_acc", "imagenet16_valid_acc", "imagenet16_test_acc", "flops_cifar10_M",
    "flops_cifar100_M", "flops_imagenet16_M", "params_cifar10_M", "cost_anomaly",
    "lat_raspi4_ms", "lat_pixel3_ms", "lat_eyeriss_ms", "lat_fpga_ms", "lat_titanrtx_b1_ms",
    "lat_titanrtx_b256_ms",
};
#define NCOLS ((int)(sizeof columns / sizeof columns[0]))

/* Splits a line in place on commas; returns the number of fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line;;) {
        if (n == max)
            return max + 1;
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            return n;
        *c = '\0';
        p = c + 1;
    }
}

static int parse_num(const char *s, double *out)
{
    errno = 0;
    char *end;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*out) ? 0 : -1;
}

static int fail(struct err *e, const char *path, long line, const char *col, const char *fmt,
                const char *val)
{
    char where[512];
    if (col)
        snprintf(where, sizeof where, "%s:%ld: column %s", path, line, col);
    else
        snprintf(where, sizeof where, "%s:%ld", path, line);
    return err_set(e, where, fmt, val);
}

static int parse_row(struct nb201_table *t, char *line, int idx, const char *path, long lineno,
                     struct err *e)
{
    char *f[NCOLS + 1];
    int n = split(line, f, NCOLS);
    if (n != NCOLS) {
        char got[16];
        snprintf(got, sizeof got, "%d", n > NCOLS ? NCOLS + 1 : n);
        return fail(e, path, lineno, NULL,
                    n > NCOLS ? "too many fields (expected 19)"
                              : "expected 19 comma-separated fields, got %s",
                    got);
    }
    double v[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        if (c == 1)
            continue;
        char shown[200];
        if (parse_num(f[c], &v[c]) < 0)
            return fail(e, path, lineno, columns[c], "bad number '%s'",
                        err_printable(f[c], 40, shown, sizeof shown));
    }
    if (v[0] != idx) {
        char want[16];
        snprintf(want, sizeof want, "%d", idx);
        return fail(e, path, lineno, "index", "expected index %s (rows in index order)", want);
    }
    unsigned char ops[NB201_EDGES];
    struct err pe;
    if (nb201_parse(f[1], ops, &pe) < 0) {
        char msg[800], shown[600];
        snprintf(msg, sizeof msg, "%s: %s", pe.where,
                 err_printable(pe.msg, sizeof pe.msg, shown, sizeof shown));
        return fail(e, path, lineno, "arch", "%s", msg);
    }
    int code = nb201_code(ops);
    if (t->by_code[code] >= 0)
        return fail(e, path, lineno, "arch", "'%s' appears twice", f[1]);
    t->by_code[code] = idx;

    struct nb201_row *r = &t->rows[idx];
    r->index = idx;
    for (int d = 0; d < NB201_NDATASETS; d++) {
        r->valid[d] = v[2 + 2 * d];
        r->test[d] = v[3 + 2 * d];
        r->flops[d] = v[8 + d];
    }
    r->params_c10 = v[11];
    r->cost_anomaly = v[12] != 0;
    for (int l = 0; l < NB201_NLAT; l++)
        r->lat[l] = v[13 + l];
    return 0;
}

int nb201_table_load(struct nb201_table *t, const char *path, struct err *e)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_set(e, path, "cannot open the NAS-Bench-201 table: %s (set COLLM_DATA_DIR "
                       "or --data to the folder holding nb201.csv)", strerror(errno));
    t->rows = calloc(NB201_SIZE, sizeof *t->rows);
    if (!t->rows) {
        fclose(fp);
        return err_set(e, path, "out of memory");
    }
    memset(t->by_code, 0xff, sizeof t->by_code);

    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    long lineno = 0, rows = 0;
    int rc = 0;
    while (rc == 0 && (got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        if (strlen(line) != len) {
            rc = fail(e, path, lineno, NULL, "%s", "contains a NUL byte: not a text table");
            break;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            char *f[NCOLS + 1];
            int n = split(line, f, NCOLS);
            for (int c = 0; c < NCOLS && rc == 0; c++)
                if (c >= n || strcmp(f[c], columns[c]) != 0) {
                    char msg[400], shown[200];
                    snprintf(msg, sizeof msg, "header: column %d should be '%s', found '%s'",
                             c + 1, columns[c],
                             c < n ? err_printable(f[c], 40, shown, sizeof shown) : "(nothing)");
                    rc = fail(e, path, 1, NULL, "%s", msg);
                }
            if (rc == 0 && n != NCOLS)
                rc = fail(e, path, 1, NULL, "header: expected %s columns", "19");
            continue;
        }
        if (len == 0)
            continue; /* blank lines (a trailing newline too many) carry nothing */
        if (++rows > NB201_SIZE) {
            rc = fail(e, path, lineno, NULL, "more than %s data rows", "15625");
            break;
        }
        rc = parse_row(t, line, (int)rows - 1, path, lineno, e);
    }
    free(line);
    if (rc == 0 && ferror(fp))
        rc = err_set(e, path, "read error: %s", strerror(errno));
    if (rc == 0 && lineno == 0)
        rc = err_set(e, path, "the file is empty (expected a header and 15625 rows)");
    if (rc == 0 && rows != NB201_SIZE) {
        char n[32];
        snprintf(n, sizeof n, "%ld", rows);
        rc = fail(e, path, lineno, NULL, "only %s data rows; expected 15625 (truncated file?)", n);
    }
    fclose(fp);
    if (rc < 0) {
        nb201_table_free(t);
        return -1;
    }
    for (int d = 0; d < NB201_NDATASETS; d++) {
        t->best_valid[d] = t->best_test[d] = -INFINITY;
        for (int i = 0; i < NB201_SIZE; i++) {
            if (t->rows[i].valid[d] > t->best_valid[d])
                t->best_valid[d] = t->rows[i].valid[d];
            if (t->rows[i].test[d] > t->best_test[d])
                t->best_test[d] = t->rows[i].test[d];
        }
    }
    return 0;
}

void nb201_table_free(struct nb201_table *t)
{
    free(t->rows);
    t->rows = NULL;
}

const struct nb201_row *nb201_table_lookup(const struct nb201_table *t,
                                           const unsigned char ops[NB201_EDGES])
{
    int i = t->by_code[nb201_code(ops)];
    return i >= 0 ? &t->rows[i] : NULL;
}

/* The process keeps one loaded table; a different path replaces nothing and
 * loads its own (tests use corrupt copies). Freed at exit by the OS: the
 * table lives as long as any space may use it. */
static struct shared {
    char path[4096];
    struct nb201_table t;
    struct shared *next;
} *shared_list;

const struct nb201_table *nb201_table_shared(const char *datadir, struct err *e)
{
    char path[4096];
    datadir_path(datadir, "nb201.csv", path, sizeof path);
    for (struct shared *s = shared_list; s; s = s->next)
        if (strcmp(s->path, path) == 0)
            return &s->t;
    struct shared *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, path, "out of memory"), NULL;
    if (nb201_table_load(&s->t, path, e) < 0) {
        free(s);
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    s->next = shared_list;
    shared_list = s;
    return &s->t;
}
