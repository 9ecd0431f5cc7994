#include "ckpt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/sha256.h"
#include "ckpt_check.h"

#define PREAMBLE 12                  /* magic and header length */
#define CHUNK (1u << 20)             /* bytes per fread / fwrite */

typedef unsigned long long ull;

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
        return ckpt_fail(e, path, NULL, "no checkpoint to write");
    if (ckpt_check_write(path, c, e))
        return -1;
    cJSON *meta;
    if (c->meta_json) {
        meta = cJSON_ParseWithOpts(c->meta_json, NULL, 1);
        if (!cJSON_IsObject(meta)) {
            cJSON_Delete(meta);
            return ckpt_fail(e, path, "meta", "the checkpoint's meta is not a JSON object");
        }
    } else {
        meta = cJSON_CreateObject();
    }
    unsigned char *buf = malloc(CHUNK);
    if (!meta || !buf) {
        cJSON_Delete(meta);
        free(buf);
        return ckpt_fail(e, path, NULL, "out of memory");
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
        return ckpt_fail(e, path, NULL, "out of memory");
    }
    snprintf(tmp, tl, "%s.tmp", path);
    size_t L = strlen(text);
    int rc = 0;
    if (L > CKPT_MAX_HEADER) {
        rc = ckpt_fail(e, path, "header", "the header would be %zu bytes, more than the %u allowed",
                  L, CKPT_MAX_HEADER);
        goto out;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        rc = ckpt_fail(e, path, NULL, "cannot create the temporary file %s: %s", tmp, strerror(errno));
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
        rc = ckpt_fail(e, path, NULL, "cannot write %s: %s", tmp, strerror(saved));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        rc = ckpt_fail(e, path, NULL, "cannot rename %s to it: %s", tmp, strerror(saved));
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

static int read_error(struct err *e, const char *path, FILE *f, const char *what)
{
    if (ferror(f))
        return ckpt_fail(e, path, NULL, "cannot read the %s: %s", what,
                    strerror(errno ? errno : EIO));
    return ckpt_fail(e, path, NULL, "the file changed while being read (%s)", what);
}

static int read_body(FILE *f, const char *path, ull size, const char *expect_kind,
                     struct ckpt *c, struct err *e)
{
    char field[64], show[64];
    unsigned char pre[PREAMBLE];
    if (size == 0)
        return ckpt_fail(e, path, NULL, "the file is empty (0 bytes): not a collm checkpoint");
    size_t have = size < PREAMBLE ? (size_t)size : PREAMBLE;
    errno = 0;
    if (fread(pre, 1, have, f) != have)
        return read_error(e, path, f, "magic");
    size_t m = have < 8 ? have : 8;
    if (memcmp(pre, CKPT_MAGIC, m) != 0)
        return ckpt_fail(e, path, "byte 0", "not a collm checkpoint: it begins with \"%s\", not "
                    "\"%s\"", show_bytes(pre, m, show, sizeof show), CKPT_MAGIC);
    if (have < PREAMBLE) {
        snprintf(field, sizeof field, "byte %zu", have);
        return ckpt_fail(e, path, field, "truncated: the file is %zu bytes and ends inside the %s",
                    have, have < 8 ? "magic \"" CKPT_MAGIC "\"" : "header length (bytes 8..11)");
    }
    uint32_t L = get_u32(pre + 8);
    if (L == 0 || L > CKPT_MAX_HEADER)
        return ckpt_fail(e, path, "bytes 8..11", "header length %lu is absurd (%s): damaged",
                    (unsigned long)L, L ? "more than 16 MiB" : "zero");
    if (PREAMBLE + (ull)L > size)
        return ckpt_fail(e, path, "bytes 8..11", "truncated: the header length %lu runs past the "
                    "end of the file (the file has %llu bytes, the header needs %llu)",
                    (unsigned long)L, size, PREAMBLE + (ull)L);

    char *hdr = malloc((size_t)L + 1);
    if (!hdr)
        return ckpt_fail(e, path, NULL, "out of memory for a %lu-byte header", (unsigned long)L);
    if (fread(hdr, 1, L, f) != L) {
        free(hdr);
        return read_error(e, path, f, "header");
    }
    hdr[L] = '\0';
    const char *nul = memchr(hdr, '\0', L);
    if (nul) {
        snprintf(field, sizeof field, "byte %llu", (ull)(PREAMBLE + (nul - hdr)));
        free(hdr);
        return ckpt_fail(e, path, field, "the header is not JSON: it has a NUL byte");
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
        int rc = ckpt_fail(e, path, field, "the header is not %s", what);
        cJSON_Delete(root);
        free(hdr);
        return rc;
    }
    free(hdr);
    ull pf = 0;
    char sha[65];
    int rc = ckpt_check_header(path, root, expect_kind, c, &pf, sha, e);
    cJSON_Delete(root);
    if (rc)
        return rc;

    ull start = PREAMBLE + (ull)L, avail = size - start, need = pf * 4;
    if (avail < need)
        return ckpt_fail(e, path, "payload", "payload truncated: expected %llu bytes (%llu float32) "
                    "after the header, found %llu", need, pf, avail);
    if (avail > need) {
        snprintf(field, sizeof field, "byte %llu", start + need);
        return ckpt_fail(e, path, field, "%llu trailing bytes after the payload: damaged",
                    avail - need);
    }
    if (need > SIZE_MAX)
        return ckpt_fail(e, path, "payload", "%llu bytes is too large for this machine", need);

    struct sha256 h;
    sha256_init(&h);
    for (int i = 0; i < c->ntensors; i++) {
        struct ckpt_tensor *t = &c->t[i];
        size_t bytes = t->n * sizeof(float); /* <= need, checked above */
        unsigned char *p = malloc(bytes);
        if (!p)
            return ckpt_fail(e, path, NULL, "out of memory for tensor \"%s\" (%zu bytes)", t->name,
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
        return ckpt_fail(e, path, NULL, "the file changed while being read (it grew)");
    char got[65];
    sha256_hex(&h, got);
    if (strcmp(got, sha) != 0)
        return ckpt_fail(e, path, "payload", "damaged: payload sha256 %s, expected %s (the header's "
                    "payload_sha256)", got, sha);
    ull off = 0;
    for (int i = 0; i < c->ntensors; i++) {
        const struct ckpt_tensor *t = &c->t[i];
        for (size_t j = 0; j < t->n; j++)
            if (!isfinite(t->data[j])) {
                snprintf(field, sizeof field, "byte %llu", start + 4 * (off + j));
                return ckpt_fail(e, path, field, "tensor \"%s\"[%zu] is %s: a checkpoint holds "
                            "finite values only", t->name, j,
                            ckpt_nonfinite(t->data[j]));
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
        return ckpt_fail(e, path, NULL, "cannot open the checkpoint: %s", strerror(errno));
    struct stat st;
    int rc;
    if (fstat(fileno(f), &st) != 0)
        rc = ckpt_fail(e, path, NULL, "cannot stat the checkpoint: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = ckpt_fail(e, path, NULL, "not a regular file: not a collm checkpoint");
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
    ckpt_shape_text(nd, shape, want, sizeof want);
    const struct ckpt_tensor *t = ckpt_find(c, name);
    if (!t)
        return err_set(e, where, "missing from the checkpoint (expected shape %s)", want);
    int same = t->ndim == ndim;
    for (int d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (!same)
        return err_set(e, where, "expected shape %s, found %s", want,
                       ckpt_shape_text(t->ndim, t->shape, got, sizeof got));
    return 0;
}

int ckpt_sha256_file(const char *path, char hex[65], struct err *e)
{
    if (!path || !*path)
        return err_set(e, "checkpoint", "no file to hash");
    FILE *f = fopen(path, "rb");
    if (!f)
        return ckpt_fail(e, path, NULL, "cannot open: %s", strerror(errno));
    unsigned char *buf = malloc(CHUNK);
    if (!buf) {
        fclose(f);
        return ckpt_fail(e, path, NULL, "out of memory");
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
        return ckpt_fail(e, path, NULL, "cannot read: %s", strerror(saved));
    sha256_hex(&h, hex);
    return 0;
}
