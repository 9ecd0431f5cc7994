/* What a checkpoint may hold, checked in one place for both directions:
 * ckpt_write refuses what ckpt_read would refuse, and the header of a file
 * read back is taken apart field by field, each error naming its field. */
#include "ckpt_check.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXACT 9007199254740992.0 /* 2^53: the integers a JSON number holds exactly */

typedef unsigned long long ull;

/* where = "PATH, FIELD"; a long path loses its beginning rather than the
 * field being cut off. */
int ckpt_fail(struct err *e, const char *path, const char *field, const char *fmt, ...)
{
    char where[sizeof e->where], msg[sizeof e->msg];
    size_t pl = strlen(path), fl = field ? strlen(field) + 2 : 0;
    if (pl + fl >= sizeof where && fl + 4 < sizeof where) {
        size_t keep = sizeof where - 1 - fl - 3;
        snprintf(where, sizeof where, "...%s%s%s", path + pl - keep, field ? ", " : "",
                 field ? field : "");
    } else {
        snprintf(where, sizeof where, "%s%s%s", path, field ? ", " : "", field ? field : "");
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(e, where, "%s", msg);
}

/* A JSON value as an error message shows it. */
static const char *describe(const cJSON *v, char *buf, size_t n)
{
    char p[64];
    if (!v)
        return "missing";
    if (cJSON_IsNumber(v))
        snprintf(buf, n, "%.17g", v->valuedouble);
    else if (cJSON_IsString(v))
        snprintf(buf, n, "the string \"%s\"", err_printable(v->valuestring, 40, p, sizeof p));
    else
        snprintf(buf, n, "%s",
                 cJSON_IsArray(v)    ? "an array"
                 : cJSON_IsObject(v) ? "an object"
                 : cJSON_IsBool(v)   ? "a boolean"
                                     : "null");
    return buf;
}

/* NULL if s (at most cap bytes with its NUL) is 1..cap-1 printable ASCII
 * characters, else what is wrong with it. */
static const char *bad_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == 0)
        return "is empty";
    if (n >= cap)
        return "is too long";
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return "has a character that is not printable ASCII";
    return NULL;
}

const char *ckpt_shape_text(int ndim, const int *shape, char *buf, size_t n)
{
    size_t j = (size_t)snprintf(buf, n, "[");
    for (int d = 0; d < ndim && j < n; d++)
        j += (size_t)snprintf(buf + j, n - j, "%s%d", d ? "," : "", shape[d]);
    if (j < n)
        snprintf(buf + j, n - j, "]");
    return buf;
}

/* ---- the checks ---- */


static int cmp_name(const void *a, const void *b)
{
    const struct ckpt_tensor *x = *(const struct ckpt_tensor *const *)a;
    const struct ckpt_tensor *y = *(const struct ckpt_tensor *const *)b;
    int r = strcmp(x->name, y->name);
    return r ? r : (x > y) - (x < y);
}

/* 0: names unique; 1: t[*i] and t[*j] (i < j) share a name; -1: no memory.
 * Sorting keeps this O(n log n) for headers with very many tensors. */
static int find_dup(const struct ckpt_tensor *t, int n, int *i, int *j)
{
    if (n < 2)
        return 0;
    const struct ckpt_tensor **p = malloc((size_t)n * sizeof *p);
    if (!p)
        return -1;
    for (int k = 0; k < n; k++)
        p[k] = &t[k];
    qsort(p, (size_t)n, sizeof *p, cmp_name);
    int found = 0;
    for (int k = 1; k < n && !found; k++)
        if (strcmp(p[k - 1]->name, p[k]->name) == 0) {
            *i = (int)(p[k - 1] - t);
            *j = (int)(p[k] - t);
            found = 1;
        }
    free(p);
    return found;
}

/* The member key of obj as an integer in 0..max, or -1. */
static int get_uint(const cJSON *obj, const char *key, double max, ull *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v))
        return -1;
    double d = v->valuedouble;
    if (!(d >= 0 && d <= max) || d != (double)(ull)d)
        return -1;
    *out = (ull)d;
    return 0;
}

const char *ckpt_nonfinite(float v)
{
    return isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

/* Everything ckpt_read would refuse, refused before anything is written. */
int ckpt_check_write(const char *path, const struct ckpt *c, struct err *e)
{
    char field[128], s[64];
    const char *why;
    if ((why = bad_text(c->kind, sizeof c->kind)))
        return ckpt_fail(e, path, "kind", "the checkpoint kind %s: 1..%zu printable ASCII characters",
                    why, sizeof c->kind - 1);
    if (c->ntensors < 0 || (c->ntensors > 0 && !c->t))
        return ckpt_fail(e, path, NULL, "ntensors is %d with %s tensor array", c->ntensors,
                    c->t ? "a" : "no");
    double total = 0;
    for (int i = 0; i < c->ntensors; i++) {
        const struct ckpt_tensor *t = &c->t[i];
        snprintf(field, sizeof field, "tensors[%d]", i);
        if ((why = bad_text(t->name, sizeof t->name)))
            return ckpt_fail(e, path, field, "the tensor name %s: 1..%zu printable ASCII characters",
                        why, sizeof t->name - 1);
        if (t->ndim < 1 || t->ndim > CKPT_MAX_DIMS)
            return ckpt_fail(e, path, field, "\"%s\" has %d dims: 1..%d", t->name, t->ndim,
                        CKPT_MAX_DIMS);
        ull n = 1;
        for (int d = 0; d < t->ndim; d++) {
            if (t->shape[d] < 1)
                return ckpt_fail(e, path, field, "\"%s\" shape[%d] is %d: dims must be positive",
                            t->name, d, t->shape[d]);
            if ((double)n * t->shape[d] > MAX_EXACT)
                return ckpt_fail(e, path, field, "\"%s\" shape %s is too large", t->name,
                            ckpt_shape_text(t->ndim, t->shape, s, sizeof s));
            n *= (ull)t->shape[d];
        }
        if (n != t->n)
            return ckpt_fail(e, path, field, "\"%s\" has n = %zu but shape %s holds %llu floats",
                        t->name, t->n, ckpt_shape_text(t->ndim, t->shape, s, sizeof s), n);
        if (!t->data)
            return ckpt_fail(e, path, field, "\"%s\" has no data", t->name);
        for (size_t j = 0; j < t->n; j++)
            if (!isfinite(t->data[j]))
                return ckpt_fail(e, path, field, "\"%s\"[%zu] is %s: refusing to save it", t->name,
                            j, ckpt_nonfinite(t->data[j]));
        total += (double)n;
        if (total > MAX_EXACT || total * 4 > (double)SIZE_MAX)
            return ckpt_fail(e, path, NULL, "the tensors are too large to save");
    }
    int i, j, dup = find_dup(c->t, c->ntensors, &i, &j);
    if (dup < 0)
        return ckpt_fail(e, path, NULL, "out of memory");
    if (dup)
        return ckpt_fail(e, path, "tensors", "tensors[%d] and tensors[%d] are both called \"%s\"", i,
                    j, c->t[i].name);
    return 0;
}

/* The header's fields into *c; the tensors' places are checked against
 * payload_floats, which goes to *pf. */
int ckpt_check_header(const char *path, const cJSON *root, const char *expect_kind,
                      struct ckpt *c, ull *pf, char sha[65], struct err *e)
{
    char field[128], d1[96], d2[96], p1[64];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(v) || strcmp(v->valuestring, CKPT_FORMAT) != 0)
        return ckpt_fail(e, path, "header format",
                    "\"format\" is %s, not \"%s\": not a collm checkpoint",
                    describe(v, d1, sizeof d1), CKPT_FORMAT);
    ull version;
    if (get_uint(root, "version", MAX_EXACT, &version) || version < 1)
        return ckpt_fail(e, path, "header version", "\"version\" is %s: expected a positive integer",
                    describe(cJSON_GetObjectItemCaseSensitive(root, "version"), d1, sizeof d1));
    if (version > CKPT_VERSION)
        return ckpt_fail(e, path, "header version",
                    "the file is checkpoint version %llu; this collm reads version %d: "
                    "it was written by a newer collm (update collm to read it)",
                    version, CKPT_VERSION);

    v = cJSON_GetObjectItemCaseSensitive(root, "kind");
    const char *why = cJSON_IsString(v) ? bad_text(v->valuestring, sizeof c->kind) : "";
    if (why)
        return ckpt_fail(e, path, "header kind",
                    "\"kind\" is %s%s%s: expected a string of 1..%zu printable ASCII "
                    "characters", describe(v, d1, sizeof d1), *why ? " and " : "", why,
                    sizeof c->kind - 1);
    if (expect_kind && strcmp(v->valuestring, expect_kind) != 0)
        return ckpt_fail(e, path, "header kind", "this is a \"%s\" checkpoint, expected \"%s\"",
                    v->valuestring, err_printable(expect_kind, 40, p1, sizeof p1));
    snprintf(c->kind, sizeof c->kind, "%s", v->valuestring);

    v = cJSON_GetObjectItemCaseSensitive(root, "meta");
    if (!cJSON_IsObject(v))
        return ckpt_fail(e, path, "header meta", "\"meta\" is %s: expected a JSON object",
                    describe(v, d1, sizeof d1));
    if (!(c->meta_json = cJSON_PrintUnformatted(v)))
        return ckpt_fail(e, path, NULL, "out of memory");

    if (get_uint(root, "payload_floats", MAX_EXACT, pf))
        return ckpt_fail(e, path, "header payload_floats",
                    "\"payload_floats\" is %s: expected a non-negative integer",
                    describe(cJSON_GetObjectItemCaseSensitive(root, "payload_floats"), d1,
                             sizeof d1));
    v = cJSON_GetObjectItemCaseSensitive(root, "payload_sha256");
    int hexok = cJSON_IsString(v) && strlen(v->valuestring) == 64 &&
                strspn(v->valuestring, "0123456789abcdef") == 64;
    if (!hexok)
        return ckpt_fail(e, path, "header payload_sha256",
                    "\"payload_sha256\" is %s: expected 64 lowercase hex digits",
                    describe(v, d1, sizeof d1));
    memcpy(sha, v->valuestring, 65);

    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "tensors");
    if (!cJSON_IsArray(ts))
        return ckpt_fail(e, path, "header tensors", "\"tensors\" is %s: expected an array",
                    describe(ts, d1, sizeof d1));
    int n = cJSON_GetArraySize(ts);
    if (n > 0 && !(c->t = calloc((size_t)n, sizeof *c->t)))
        return ckpt_fail(e, path, NULL, "out of memory for %d tensors", n);
    c->ntensors = n;
    ull next = 0; /* where the next tensor must begin */
    int i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, ts)
    {
        struct ckpt_tensor *t = &c->t[i];
        snprintf(field, sizeof field, "header tensors[%d]", i);
        if (!cJSON_IsObject(o))
            return ckpt_fail(e, path, field, "tensors[%d] is %s: expected an object", i,
                        describe(o, d1, sizeof d1));
        v = cJSON_GetObjectItemCaseSensitive(o, "name");
        why = cJSON_IsString(v) ? bad_text(v->valuestring, sizeof t->name) : "";
        if (why)
            return ckpt_fail(e, path, field,
                        "\"name\" is %s%s%s: expected a string of 1..%zu printable ASCII "
                        "characters", describe(v, d1, sizeof d1), *why ? " and " : "", why,
                        sizeof t->name - 1);
        snprintf(t->name, sizeof t->name, "%s", v->valuestring);

        const cJSON *sh = cJSON_GetObjectItemCaseSensitive(o, "shape");
        int nd = cJSON_IsArray(sh) ? cJSON_GetArraySize(sh) : -1;
        if (nd < 0)
            return ckpt_fail(e, path, field, "\"shape\" of \"%s\" is %s: expected an array of "
                        "1..%d dims", t->name, describe(sh, d1, sizeof d1), CKPT_MAX_DIMS);
        if (nd < 1 || nd > CKPT_MAX_DIMS)
            return ckpt_fail(e, path, field, "\"shape\" of \"%s\" has %d dims: expected 1..%d",
                        t->name, nd, CKPT_MAX_DIMS);
        for (int d = 0; d < nd; d++) {
            const cJSON *x = cJSON_GetArrayItem(sh, d);
            double dv = cJSON_IsNumber(x) ? x->valuedouble : 0;
            if (!(dv >= 1 && dv <= INT_MAX) || dv != (double)(int)dv)
                return ckpt_fail(e, path, field, "shape[%d] of \"%s\" is %s: dims must be positive "
                            "integers below 2^31", d, t->name, describe(x, d1, sizeof d1));
            t->shape[d] = (int)dv;
        }
        t->ndim = nd;
        ull size = 1;
        for (int d = 0; d < nd; d++) {
            if (size > *pf / (ull)t->shape[d]) /* also guards the multiplication */
                return ckpt_fail(e, path, field, "\"%s\" with shape %s is larger than the whole "
                            "payload (payload_floats %llu)", t->name,
                            ckpt_shape_text(nd, t->shape, d2, sizeof d2), *pf);
            size *= (ull)t->shape[d];
        }
        t->n = (size_t)size;

        ull off;
        if (get_uint(o, "offset", MAX_EXACT, &off))
            return ckpt_fail(e, path, field, "\"offset\" of \"%s\" is %s: expected a non-negative "
                        "integer", t->name,
                        describe(cJSON_GetObjectItemCaseSensitive(o, "offset"), d1, sizeof d1));
        if (off + size > *pf) /* both at most 2^53: no overflow */
            return ckpt_fail(e, path, field, "\"%s\" at offset %llu with %llu floats ends at %llu, "
                        "past payload_floats %llu: offset out of range", t->name, off, size,
                        off + size, *pf);
        if (off < next)
            return ckpt_fail(e, path, field, "\"%s\" at offset %llu overlaps \"%s\" before it "
                        "(floats %llu..%llu)", t->name, off, c->t[i - 1].name,
                        next - c->t[i - 1].n, next - 1);
        if (off > next) {
            if (i == 0)
                return ckpt_fail(e, path, field, "\"%s\" is at offset %llu: the first tensor must "
                            "start at 0 (tensors are contiguous)", t->name, off);
            return ckpt_fail(e, path, field, "\"%s\" at offset %llu leaves a gap after \"%s\", "
                        "which ends at %llu: tensors must be contiguous, in order", t->name,
                        off, c->t[i - 1].name, next);
        }
        next = off + size;
        i++;
    }
    if (next != *pf)
        return ckpt_fail(e, path, "header payload_floats", "the tensors hold %llu floats but "
                    "payload_floats is %llu", next, *pf);
    int a, b, dup = find_dup(c->t, c->ntensors, &a, &b);
    if (dup < 0)
        return ckpt_fail(e, path, NULL, "out of memory");
    if (dup) {
        snprintf(field, sizeof field, "header tensors[%d]", b);
        return ckpt_fail(e, path, field, "duplicate tensor name \"%s\": tensors[%d] and tensors[%d]",
                    c->t[a].name, a, b);
    }
    return 0;
}
