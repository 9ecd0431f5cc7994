#include "ckpt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/sha256.h"

#define PREAMBLE 12                  /* magic and header length */
#define CHUNK (1u << 20)             /* bytes per fread / fwrite */
#define MAX_EXACT 9007199254740992.0 /* 2^53: the integers a JSON number holds exactly */

typedef unsigned long long ull;

/* ---- errors ---- */

/* where = "PATH, FIELD"; a long path loses its beginning rather than the
 * field being cut off. */
__attribute__((format(printf, 4, 5))) static int fail(struct err *e, const char *path,
                                                      const char *field, const char *fmt, ...)
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

/* Raw bytes (NULs included) as printable text. */
static const char *show_bytes(const unsigned char *b, size_t len, char *out, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 5 < n; i++)
        if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\')
            out[j++] = (char)b[i];
        else
            j += (size_t)snprintf(out + j, n - j, "\\x%02x", b[i]);
    out[j < n ? j : n - 1] = '\0';
    return out;
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

static const char *fmt_shape(int ndim, const int *shape, char *buf, size_t n)
{
    size_t j = (size_t)snprintf(buf, n, "[");
    for (int d = 0; d < ndim && j < n; d++)
        j += (size_t)snprintf(buf + j, n - j, "%s%d", d ? "," : "", shape[d]);
    if (j < n)
        snprintf(buf + j, n - j, "]");
    return buf;
}

/* ---- bytes ---- */

static void put_u32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
    b[2] = (unsigned char)(v >> 16);
    b[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void floats_to_le(const float *src, unsigned char *dst, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, src + i, 4);
        put_u32(dst + 4 * i, u);
    }
}

/* In place: n little-endian float32 in buf become host floats. */
static void le_to_floats(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u = get_u32(buf + 4 * i);
        memcpy(buf + 4 * i, &u, 4);
    }
}

/* ---- shared checks ---- */

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

static const char *nonfinite(float v)
{
    return isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

/* ---- writing ---- */

/* The payload as little-endian bytes, through buf (CHUNK bytes), into the
 * hash h or the file f. */
static int payload_out(const struct ckpt *c, unsigned char *buf, struct sha256 *h, FILE *f)
{
    for (int i = 0; i < c->ntensors; i++) {
        const struct ckpt_tensor *t = &c->t[i];
        for (size_t j = 0; j < t->n;) {
            size_t k = t->n - j < CHUNK / 4 ? t->n - j : CHUNK / 4;
            floats_to_le(t->data + j, buf, k);
            if (h)
                sha256_update(h, buf, 4 * k);
            if (f && fwrite(buf, 4, k, f) != k)
                return -1;
            j += k;
        }
    }
    return 0;
}

/* Everything ckpt_read would refuse, refused before anything is written. */
static int check_for_write(const char *path, const struct ckpt *c, struct err *e)
{
    char field[128], s[64];
    const char *why;
    if ((why = bad_text(c->kind, sizeof c->kind)))
        return fail(e, path, "kind", "the checkpoint kind %s: 1..%zu printable ASCII characters",
                    why, sizeof c->kind - 1);
    if (c->ntensors < 0 || (c->ntensors > 0 && !c->t))
        return fail(e, path, NULL, "ntensors is %d with %s tensor array", c->ntensors,
                    c->t ? "a" : "no");
    double total = 0;
    for (int i = 0; i < c->ntensors; i++) {
        const struct ckpt_tensor *t = &c->t[i];
        snprintf(field, sizeof field, "tensors[%d]", i);
        if ((why = bad_text(t->name, sizeof t->name)))
            return fail(e, path, field, "the tensor name %s: 1..%zu printable ASCII characters",
                        why, sizeof t->name - 1);
        if (t->ndim < 1 || t->ndim > CKPT_MAX_DIMS)
            return fail(e, path, field, "\"%s\" has %d dims: 1..%d", t->name, t->ndim,
                        CKPT_MAX_DIMS);
        ull n = 1;
        for (int d = 0; d < t->ndim; d++) {
            if (t->shape[d] < 1)
                return fail(e, path, field, "\"%s\" shape[%d] is %d: dims must be positive",
                            t->name, d, t->shape[d]);
            if ((double)n * t->shape[d] > MAX_EXACT)
                return fail(e, path, field, "\"%s\" shape %s is too large", t->name,
                            fmt_shape(t->ndim, t->shape, s, sizeof s));
            n *= (ull)t->shape[d];
        }
        if (n != t->n)
            return fail(e, path, field, "\"%s\" has n = %zu but shape %s holds %llu floats",
                        t->name, t->n, fmt_shape(t->ndim, t->shape, s, sizeof s), n);
        if (!t->data)
            return fail(e, path, field, "\"%s\" has no data", t->name);
        for (size_t j = 0; j < t->n; j++)
            if (!isfinite(t->data[j]))
                return fail(e, path, field, "\"%s\"[%zu] is %s: refusing to save it", t->name,
                            j, nonfinite(t->data[j]));
        total += (double)n;
        if (total > MAX_EXACT || total * 4 > (double)SIZE_MAX)
            return fail(e, path, NULL, "the tensors are too large to save");
    }
    int i, j, dup = find_dup(c->t, c->ntensors, &i, &j);
    if (dup < 0)
        return fail(e, path, NULL, "out of memory");
    if (dup)
        return fail(e, path, "tensors", "tensors[%d] and tensors[%d] are both called \"%s\"", i,
                    j, c->t[i].name);
    return 0;
}

static cJSON *build_header(const struct ckpt *c, const char *sha, cJSON *meta)
{
    cJSON *h = cJSON_CreateObject(), *ts = cJSON_CreateArray();
    int ok = h && ts && cJSON_AddStringToObject(h, "format", CKPT_FORMAT) &&
             cJSON_AddNumberToObject(h, "version", CKPT_VERSION) &&
             cJSON_AddStringToObject(h, "kind", c->kind);
    ok = ok && cJSON_AddItemToObject(h, "meta", meta);
    if (!ok)
        cJSON_Delete(meta);
    ok = ok && cJSON_AddItemToObject(h, "tensors", ts);
    if (!ok) {
        cJSON_Delete(h);
        cJSON_Delete(ts);
        return NULL;
    }
    double off = 0;
    for (int i = 0; i < c->ntensors && ok; i++) {
        const struct ckpt_tensor *t = &c->t[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(ts, o)) {
            cJSON_Delete(o);
            ok = 0;
            break;
        }
        cJSON *sh = cJSON_CreateIntArray(t->shape, t->ndim);
        ok = cJSON_AddStringToObject(o, "name", t->name) && sh &&
             cJSON_AddItemToObject(o, "shape", sh);
        if (!ok)
            cJSON_Delete(sh);
        ok = ok && cJSON_AddNumberToObject(o, "offset", off);
        off += (double)t->n;
    }
    ok = ok && cJSON_AddNumberToObject(h, "payload_floats", off) &&
         cJSON_AddStringToObject(h, "payload_sha256", sha);
    if (!ok) {
        cJSON_Delete(h);
        return NULL;
    }
    return h;
}

/* Best effort: makes the rename itself durable. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int ckpt_write(const char *path, const struct ckpt *c, struct err *e)
{
    if (!path || !*path)
        return err_set(e, "checkpoint", "no path to write the checkpoint to");
    if (!c)
        return fail(e, path, NULL, "no checkpoint to write");
    if (check_for_write(path, c, e))
        return -1;
    cJSON *meta;
    if (c->meta_json) {
        meta = cJSON_ParseWithOpts(c->meta_json, NULL, 1);
        if (!cJSON_IsObject(meta)) {
            cJSON_Delete(meta);
            return fail(e, path, "meta", "the checkpoint's meta is not a JSON object");
        }
    } else {
        meta = cJSON_CreateObject();
    }
    unsigned char *buf = malloc(CHUNK);
    if (!meta || !buf) {
        cJSON_Delete(meta);
        free(buf);
        return fail(e, path, NULL, "out of memory");
    }
    struct sha256 h;
    char sha[65];
    sha256_init(&h);
    payload_out(c, buf, &h, NULL);
    sha256_hex(&h, sha);
    cJSON *hdr = build_header(c, sha, meta);
    char *text = hdr ? cJSON_PrintUnformatted(hdr) : NULL;
    cJSON_Delete(hdr);
    size_t tl = strlen(path) + 5;
    char *tmp = text ? malloc(tl) : NULL;
    if (!tmp) {
        free(buf);
        free(text);
        return fail(e, path, NULL, "out of memory");
    }
    snprintf(tmp, tl, "%s.tmp", path);
    size_t L = strlen(text);
    int rc = 0;
    if (L > CKPT_MAX_HEADER) {
        rc = fail(e, path, "header", "the header would be %zu bytes, more than the %u allowed",
                  L, CKPT_MAX_HEADER);
        goto out;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        rc = fail(e, path, NULL, "cannot create the temporary file %s: %s", tmp, strerror(errno));
        goto out;
    }
    unsigned char pre[PREAMBLE];
    memcpy(pre, CKPT_MAGIC, 8);
    put_u32(pre + 8, (uint32_t)L);
    errno = 0;
    int bad = fwrite(pre, 1, sizeof pre, f) != sizeof pre || fwrite(text, 1, L, f) != L ||
              payload_out(c, buf, NULL, f) != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int saved = errno ? errno : EIO;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        saved = errno ? errno : EIO;
    }
    if (bad) {
        unlink(tmp);
        rc = fail(e, path, NULL, "cannot write %s: %s", tmp, strerror(saved));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        rc = fail(e, path, NULL, "cannot rename %s to it: %s", tmp, strerror(saved));
        goto out;
    }
    sync_dir(path);
out:
    free(tmp);
    free(text);
    free(buf);
    return rc;
}

/* ---- reading ---- */

/* The header's fields into *c; the tensors' places are checked against
 * payload_floats, which goes to *pf. */
static int parse_header(const char *path, const cJSON *root, const char *expect_kind,
                        struct ckpt *c, ull *pf, char sha[65], struct err *e)
{
    char field[128], d1[96], d2[96], p1[64];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(v) || strcmp(v->valuestring, CKPT_FORMAT) != 0)
        return fail(e, path, "header format",
                    "\"format\" is %s, not \"%s\": not a collm checkpoint",
                    describe(v, d1, sizeof d1), CKPT_FORMAT);
    ull version;
    if (get_uint(root, "version", MAX_EXACT, &version) || version < 1)
        return fail(e, path, "header version", "\"version\" is %s: expected a positive integer",
                    describe(cJSON_GetObjectItemCaseSensitive(root, "version"), d1, sizeof d1));
    if (version > CKPT_VERSION)
        return fail(e, path, "header version",
                    "the file is checkpoint version %llu; this collm reads version %d: "
                    "it was written by a newer collm (update collm to read it)",
                    version, CKPT_VERSION);

    v = cJSON_GetObjectItemCaseSensitive(root, "kind");
    const char *why = cJSON_IsString(v) ? bad_text(v->valuestring, sizeof c->kind) : "";
    if (why)
        return fail(e, path, "header kind",
                    "\"kind\" is %s%s%s: expected a string of 1..%zu printable ASCII "
                    "characters", describe(v, d1, sizeof d1), *why ? " and " : "", why,
                    sizeof c->kind - 1);
    if (expect_kind && strcmp(v->valuestring, expect_kind) != 0)
        return fail(e, path, "header kind", "this is a \"%s\" checkpoint, expected \"%s\"",
                    v->valuestring, err_printable(expect_kind, 40, p1, sizeof p1));
    snprintf(c->kind, sizeof c->kind, "%s", v->valuestring);

    v = cJSON_GetObjectItemCaseSensitive(root, "meta");
    if (!cJSON_IsObject(v))
        return fail(e, path, "header meta", "\"meta\" is %s: expected a JSON object",
                    describe(v, d1, sizeof d1));
    if (!(c->meta_json = cJSON_PrintUnformatted(v)))
        return fail(e, path, NULL, "out of memory");

    if (get_uint(root, "payload_floats", MAX_EXACT, pf))
        return fail(e, path, "header payload_floats",
                    "\"payload_floats\" is %s: expected a non-negative integer",
                    describe(cJSON_GetObjectItemCaseSensitive(root, "payload_floats"), d1,
                             sizeof d1));
    v = cJSON_GetObjectItemCaseSensitive(root, "payload_sha256");
    int hexok = cJSON_IsString(v) && strlen(v->valuestring) == 64 &&
                strspn(v->valuestring, "0123456789abcdef") == 64;
    if (!hexok)
        return fail(e, path, "header payload_sha256",
                    "\"payload_sha256\" is %s: expected 64 lowercase hex digits",
                    describe(v, d1, sizeof d1));
    memcpy(sha, v->valuestring, 65);

    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "tensors");
    if (!cJSON_IsArray(ts))
        return fail(e, path, "header tensors", "\"tensors\" is %s: expected an array",
                    describe(ts, d1, sizeof d1));
    int n = cJSON_GetArraySize(ts);
    if (n > 0 && !(c->t = calloc((size_t)n, sizeof *c->t)))
        return fail(e, path, NULL, "out of memory for %d tensors", n);
    c->ntensors = n;
    ull next = 0; /* where the next tensor must begin */
    int i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, ts)
    {
        struct ckpt_tensor *t = &c->t[i];
        snprintf(field, sizeof field, "header tensors[%d]", i);
        if (!cJSON_IsObject(o))
            return fail(e, path, field, "tensors[%d] is %s: expected an object", i,
                        describe(o, d1, sizeof d1));
        v = cJSON_GetObjectItemCaseSensitive(o, "name");
        why = cJSON_IsString(v) ? bad_text(v->valuestring, sizeof t->name) : "";
        if (why)
            return fail(e, path, field,
                        "\"name\" is %s%s%s: expected a string of 1..%zu printable ASCII "
                        "characters", describe(v, d1, sizeof d1), *why ? " and " : "", why,
                        sizeof t->name - 1);
        snprintf(t->name, sizeof t->name, "%s", v->valuestring);

        const cJSON *sh = cJSON_GetObjectItemCaseSensitive(o, "shape");
        int nd = cJSON_IsArray(sh) ? cJSON_GetArraySize(sh) : -1;
        if (nd < 0)
            return fail(e, path, field, "\"shape\" of \"%s\" is %s: expected an array of "
                        "1..%d dims", t->name, describe(sh, d1, sizeof d1), CKPT_MAX_DIMS);
        if (nd < 1 || nd > CKPT_MAX_DIMS)
            return fail(e, path, field, "\"shape\" of \"%s\" has %d dims: expected 1..%d",
                        t->name, nd, CKPT_MAX_DIMS);
        for (int d = 0; d < nd; d++) {
            const cJSON *x = cJSON_GetArrayItem(sh, d);
            double dv = cJSON_IsNumber(x) ? x->valuedouble : 0;
            if (!(dv >= 1 && dv <= INT_MAX) || dv != (double)(int)dv)
                return fail(e, path, field, "shape[%d] of \"%s\" is %s: dims must be positive "
                            "integers below 2^31", d, t->name, describe(x, d1, sizeof d1));
            t->shape[d] = (int)dv;
        }
        t->ndim = nd;
        ull size = 1;
        for (int d = 0; d < nd; d++) {
            if (size > *pf / (ull)t->shape[d]) /* also guards the multiplication */
                return fail(e, path, field, "\"%s\" with shape %s is larger than the whole "
                            "payload (payload_floats %llu)", t->name,
                            fmt_shape(nd, t->shape, d2, sizeof d2), *pf);
            size *= (ull)t->shape[d];
        }
        t->n = (size_t)size;

        ull off;
        if (get_uint(o, "offset", MAX_EXACT, &off))
            return fail(e, path, field, "\"offset\" of \"%s\" is %s: expected a non-negative "
                        "integer", t->name,
                        describe(cJSON_GetObjectItemCaseSensitive(o, "offset"), d1, sizeof d1));
        if (off + size > *pf) /* both at most 2^53: no overflow */
            return fail(e, path, field, "\"%s\" at offset %llu with %llu floats ends at %llu, "
                        "past payload_floats %llu: offset out of range", t->name, off, size,
                        off + size, *pf);
        if (off < next)
            return fail(e, path, field, "\"%s\" at offset %llu overlaps \"%s\" before it "
                        "(floats %llu..%llu)", t->name, off, c->t[i - 1].name,
                        next - c->t[i - 1].n, next - 1);
        if (off > next) {
            if (i == 0)
                return fail(e, path, field, "\"%s\" is at offset %llu: the first tensor must "
                            "start at 0 (tensors are contiguous)", t->name, off);
            return fail(e, path, field, "\"%s\" at offset %llu leaves a gap after \"%s\", "
                        "which ends at %llu: tensors must be contiguous, in order", t->name,
                        off, c->t[i - 1].name, next);
        }
        next = off + size;
        i++;
    }
    if (next != *pf)
        return fail(e, path, "header payload_floats", "the tensors hold %llu floats but "
                    "payload_floats is %llu", next, *pf);
    int a, b, dup = find_dup(c->t, c->ntensors, &a, &b);
    if (dup < 0)
        return fail(e, path, NULL, "out of memory");
    if (dup) {
        snprintf(field, sizeof field, "header tensors[%d]", b);
        return fail(e, path, field, "duplicate tensor name \"%s\": tensors[%d] and tensors[%d]",
                    c->t[a].name, a, b);
    }
    return 0;
}

static int read_error(struct err *e, const char *path, FILE *f, const char *what)
{
    if (ferror(f))
        return fail(e, path, NULL, "cannot read the %s: %s", what,
                    strerror(errno ? errno : EIO));
    return fail(e, path, NULL, "the file changed while being read (%s)", what);
}

static int read_body(FILE *f, const char *path, ull size, const char *expect_kind,
                     struct ckpt *c, struct err *e)
{
    char field[64], show[64];
    unsigned char pre[PREAMBLE];
    if (size == 0)
        return fail(e, path, NULL, "the file is empty (0 bytes): not a collm checkpoint");
    size_t have = size < PREAMBLE ? (size_t)size : PREAMBLE;
    errno = 0;
    if (fread(pre, 1, have, f) != have)
        return read_error(e, path, f, "magic");
    size_t m = have < 8 ? have : 8;
    if (memcmp(pre, CKPT_MAGIC, m) != 0)
        return fail(e, path, "byte 0", "not a collm checkpoint: it begins with \"%s\", not "
                    "\"%s\"", show_bytes(pre, m, show, sizeof show), CKPT_MAGIC);
    if (have < PREAMBLE) {
        snprintf(field, sizeof field, "byte %zu", have);
        return fail(e, path, field, "truncated: the file is %zu bytes and ends inside the %s",
                    have, have < 8 ? "magic \"" CKPT_MAGIC "\"" : "header length (bytes 8..11)");
    }
    uint32_t L = get_u32(pre + 8);
    if (L == 0 || L > CKPT_MAX_HEADER)
        return fail(e, path, "bytes 8..11", "header length %lu is absurd (%s): damaged",
                    (unsigned long)L, L ? "more than 16 MiB" : "zero");
    if (PREAMBLE + (ull)L > size)
        return fail(e, path, "bytes 8..11", "truncated: the header length %lu runs past the "
                    "end of the file (the file has %llu bytes, the header needs %llu)",
                    (unsigned long)L, size, PREAMBLE + (ull)L);

    char *hdr = malloc((size_t)L + 1);
    if (!hdr)
        return fail(e, path, NULL, "out of memory for a %lu-byte header", (unsigned long)L);
    if (fread(hdr, 1, L, f) != L) {
        free(hdr);
        return read_error(e, path, f, "header");
    }
    hdr[L] = '\0';
    const char *nul = memchr(hdr, '\0', L);
    if (nul) {
        snprintf(field, sizeof field, "byte %llu", (ull)(PREAMBLE + (nul - hdr)));
        free(hdr);
        return fail(e, path, field, "the header is not JSON: it has a NUL byte");
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(hdr, L, &end, 0);
    if (root && end)
        end += strspn(end, " \t\r\n");
    if (!root || !cJSON_IsObject(root) || (end && *end)) {
        ull at = PREAMBLE;
        if (cJSON_IsObject(root) && end && end >= hdr && end <= hdr + L)
            at += (ull)(end - hdr); /* where the extra text begins */
        else if (!root && end && end >= hdr && end <= hdr + L)
            at += (ull)(end - hdr); /* where parsing failed */
        snprintf(field, sizeof field, "byte %llu", at);
        const char *what = !root                  ? "JSON"
                           : !cJSON_IsObject(root) ? "a JSON object"
                                                   : "one JSON object (text follows it)";
        int rc = fail(e, path, field, "the header is not %s", what);
        cJSON_Delete(root);
        free(hdr);
        return rc;
    }
    free(hdr);
    ull pf = 0;
    char sha[65];
    int rc = parse_header(path, root, expect_kind, c, &pf, sha, e);
    cJSON_Delete(root);
    if (rc)
        return rc;

    ull start = PREAMBLE + (ull)L, avail = size - start, need = pf * 4;
    if (avail < need)
        return fail(e, path, "payload", "payload truncated: expected %llu bytes (%llu float32) "
                    "after the header, found %llu", need, pf, avail);
    if (avail > need) {
        snprintf(field, sizeof field, "byte %llu", start + need);
        return fail(e, path, field, "%llu trailing bytes after the payload: damaged",
                    avail - need);
    }
    if (need > SIZE_MAX)
        return fail(e, path, "payload", "%llu bytes is too large for this machine", need);

    struct sha256 h;
    sha256_init(&h);
    for (int i = 0; i < c->ntensors; i++) {
        struct ckpt_tensor *t = &c->t[i];
        size_t bytes = t->n * sizeof(float); /* <= need, checked above */
        unsigned char *p = malloc(bytes);
        if (!p)
            return fail(e, path, NULL, "out of memory for tensor \"%s\" (%zu bytes)", t->name,
                        bytes);
        t->data = (float *)(void *)p;
        for (size_t done = 0; done < bytes;) {
            size_t k = bytes - done < CHUNK ? bytes - done : CHUNK;
            if (fread(p + done, 1, k, f) != k)
                return read_error(e, path, f, "payload");
            sha256_update(&h, p + done, k);
            done += k;
        }
        le_to_floats(p, t->n);
    }
    if (fgetc(f) != EOF)
        return fail(e, path, NULL, "the file changed while being read (it grew)");
    char got[65];
    sha256_hex(&h, got);
    if (strcmp(got, sha) != 0)
        return fail(e, path, "payload", "damaged: payload sha256 %s, expected %s (the header's "
                    "payload_sha256)", got, sha);
    ull off = 0;
    for (int i = 0; i < c->ntensors; i++) {
        const struct ckpt_tensor *t = &c->t[i];
        for (size_t j = 0; j < t->n; j++)
            if (!isfinite(t->data[j])) {
                snprintf(field, sizeof field, "byte %llu", start + 4 * (off + j));
                return fail(e, path, field, "tensor \"%s\"[%zu] is %s: a checkpoint holds "
                            "finite values only", t->name, j,
                            nonfinite(t->data[j]));
            }
        off += t->n;
    }
    return 0;
}

int ckpt_read(const char *path, const char *expect_kind, struct ckpt *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    if (!path || !*path)
        return err_set(e, "checkpoint", "no checkpoint path given");
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(e, path, NULL, "cannot open the checkpoint: %s", strerror(errno));
    struct stat st;
    int rc;
    if (fstat(fileno(f), &st) != 0)
        rc = fail(e, path, NULL, "cannot stat the checkpoint: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = fail(e, path, NULL, "not a regular file: not a collm checkpoint");
    else
        rc = read_body(f, path, (ull)st.st_size, expect_kind, c, e);
    fclose(f);
    if (rc)
        ckpt_free(c);
    return rc;
}

void ckpt_free(struct ckpt *c)
{
    if (!c)
        return;
    for (int i = 0; c->t && i < c->ntensors; i++)
        free(c->t[i].data);
    free(c->t);
    free(c->meta_json);
    memset(c, 0, sizeof *c);
}

const struct ckpt_tensor *ckpt_find(const struct ckpt *c, const char *name)
{
    if (!c || !name)
        return NULL;
    for (int i = 0; i < c->ntensors; i++)
        if (strcmp(c->t[i].name, name) == 0)
            return &c->t[i];
    return NULL;
}

int ckpt_expect(const struct ckpt *c, const char *name, int ndim, const int *shape,
                struct err *e)
{
    char where[96], p[72], want[64], got[64];
    snprintf(where, sizeof where, "tensor \"%s\"",
             err_printable(name ? name : "", 63, p, sizeof p));
    int nd = ndim < 0 ? 0 : ndim > CKPT_MAX_DIMS ? CKPT_MAX_DIMS : ndim;
    fmt_shape(nd, shape, want, sizeof want);
    const struct ckpt_tensor *t = ckpt_find(c, name);
    if (!t)
        return err_set(e, where, "missing from the checkpoint (expected shape %s)", want);
    int same = t->ndim == ndim;
    for (int d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (!same)
        return err_set(e, where, "expected shape %s, found %s", want,
                       fmt_shape(t->ndim, t->shape, got, sizeof got));
    return 0;
}

int ckpt_sha256_file(const char *path, char hex[65], struct err *e)
{
    if (!path || !*path)
        return err_set(e, "checkpoint", "no file to hash");
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(e, path, NULL, "cannot open: %s", strerror(errno));
    unsigned char *buf = malloc(CHUNK);
    if (!buf) {
        fclose(f);
        return fail(e, path, NULL, "out of memory");
    }
    struct sha256 h;
    sha256_init(&h);
    size_t k;
    errno = 0;
    while ((k = fread(buf, 1, CHUNK, f)) > 0)
        sha256_update(&h, buf, k);
    int bad = ferror(f);
    int saved = errno ? errno : EIO;
    fclose(f);
    free(buf);
    if (bad)
        return fail(e, path, NULL, "cannot read: %s", strerror(saved));
    sha256_hex(&h, hex);
    return 0;
}
