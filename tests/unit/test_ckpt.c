#include "testutil.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <sys/stat.h>

#include "../../engine/core/sha256.h"
#include "../../engine/nn/ckpt.h"

#define KIND "fmnist-supernet"
#define META "{\"recipe\":{\"epochs\":3,\"lr\":0.05,\"widths\":[16,24]},\"step\":1234," \
             "\"note\":\"h\xc3\xa9llo\"}"
#define NFLOATS (144 + 16 + 160)

/* A temporary folder holding one real checkpoint, read back into bytes. */
struct fix {
    char dir[64];
    char path[128];
    unsigned char *bytes;
    size_t len;
    struct ckpt c; /* what was written */
};

static float stem_w[144], stem_b[16], fc_w[160];

static void sample(struct ckpt *c)
{
    for (int i = 0; i < 144; i++)
        stem_w[i] = (float)(i - 72) * 0.37f;
    for (int i = 0; i < 16; i++)
        stem_b[i] = (float)i / 7.0f;
    stem_b[0] = 1.0f;
    stem_b[1] = -0.0f;
    stem_b[2] = FLT_MIN / 4; /* subnormal */
    stem_b[3] = FLT_MAX;
    stem_b[4] = -FLT_MAX;
    for (int i = 0; i < 160; i++)
        fc_w[i] = sinf((float)i) * 1e-3f;
    static struct ckpt_tensor t[3];
    memset(t, 0, sizeof t);
    snprintf(t[0].name, sizeof t[0].name, "stem.w");
    t[0].ndim = 4;
    memcpy(t[0].shape, (int[]){16, 1, 3, 3}, 4 * sizeof(int));
    t[0].n = 144;
    t[0].data = stem_w;
    snprintf(t[1].name, sizeof t[1].name, "stem.b");
    t[1].ndim = 1;
    t[1].shape[0] = 16;
    t[1].n = 16;
    t[1].data = stem_b;
    snprintf(t[2].name, sizeof t[2].name, "fc.w");
    t[2].ndim = 2;
    t[2].shape[0] = 10;
    t[2].shape[1] = 16;
    t[2].n = 160;
    t[2].data = fc_w;
    memset(c, 0, sizeof *c);
    snprintf(c->kind, sizeof c->kind, KIND);
    c->meta_json = (char *)META;
    c->ntensors = 3;
    c->t = t;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *b = malloc(1 << 16);
    assert_non_null(b);
    *len = fread(b, 1, 1 << 16, f);
    fclose(f);
    return b;
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/collm-ckpt-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/supernet.ckpt", f->dir);
    sample(&f->c);
    struct err e;
    assert_int_equal(ckpt_write(f->path, &f->c, &e), 0);
    f->bytes = slurp(f->path, &f->len);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *de;
    char p[512];
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", f->dir, de->d_name);
        if (remove(p) != 0)
            rmdir(p);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f->bytes);
    free(f);
    return 0;
}

/* Writes bytes to DIR/name; the path goes to out. */
static const char *put(const struct fix *f, const char *name, const void *b, size_t n,
                       char *out, size_t outn)
{
    snprintf(out, outn, "%s/%s", f->dir, name);
    FILE *o = fopen(out, "wb");
    assert_non_null(o);
    assert_int_equal(fwrite(b, 1, n, o), n);
    assert_int_equal(fclose(o), 0);
    return out;
}

static uint32_t header_len(const unsigned char *b)
{
    return (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
}

static cJSON *header_of(const struct fix *f)
{
    cJSON *h = cJSON_ParseWithLength((const char *)f->bytes + 12, header_len(f->bytes));
    assert_non_null(h);
    return h;
}

/* The sample file with its header replaced by h (deleted here) and the
 * payload replaced by payload (NULL: the original). */
static const char *with_header(const struct fix *f, cJSON *h, const unsigned char *payload,
                               const char *name, char *out, size_t outn)
{
    char *text = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    size_t L = strlen(text), start = 12 + header_len(f->bytes), pl = f->len - start;
    unsigned char *b = malloc(12 + L + pl);
    assert_non_null(b);
    memcpy(b, "COLLMCKP", 8);
    b[8] = (unsigned char)L;
    b[9] = (unsigned char)(L >> 8);
    b[10] = (unsigned char)(L >> 16);
    b[11] = (unsigned char)(L >> 24);
    memcpy(b + 12, text, L);
    memcpy(b + 12 + L, payload ? payload : f->bytes + start, pl);
    put(f, name, b, 12 + L + pl, out, outn);
    free(b);
    free(text);
    return out;
}

/* Reading path fails, the error names the file and contains every word. */
static void expect_fail(const char *path, const char *kind, const char *const *words)
{
    struct ckpt c;
    struct err e;
    char buf[1024];
    assert_int_equal(ckpt_read(path, kind, &c, &e), -1);
    assert_null(c.t);
    assert_null(c.meta_json);
    assert_int_equal(c.ntensors, 0);
    err_str(&e, buf, sizeof buf);
    if (strncmp(e.where, path, strlen(path)) != 0)
        fail_msg("the error does not name %s: %s", path, buf);
    for (int i = 0; words[i]; i++)
        if (!strstr(buf, words[i]))
            fail_msg("\"%s\" is not in the error: %s", words[i], buf);
}

#define FAILS(path, kind, ...) expect_fail(path, kind, (const char *const[]){__VA_ARGS__, NULL})

static void round_trip(void **state)
{
    struct fix *f = *state;
    struct ckpt c;
    struct err e;
    assert_int_equal(ckpt_read(f->path, KIND, &c, &e), 0);
    assert_string_equal(c.kind, KIND);
    assert_int_equal(c.ntensors, 3);
    for (int i = 0; i < 3; i++) {
        const struct ckpt_tensor *a = &f->c.t[i], *b = &c.t[i];
        assert_string_equal(a->name, b->name);
        assert_int_equal(a->ndim, b->ndim);
        assert_memory_equal(a->shape, b->shape, (size_t)a->ndim * sizeof(int));
        assert_int_equal(a->n, b->n);
        assert_memory_equal(a->data, b->data, a->n * sizeof(float)); /* -0, subnormal too */
    }
    cJSON *m0 = cJSON_Parse(META), *m1 = cJSON_Parse(c.meta_json);
    assert_true(cJSON_Compare(m0, m1, 1));
    cJSON_Delete(m0);
    cJSON_Delete(m1);
    ckpt_free(&c);
    assert_null(c.t);
    ckpt_free(&c); /* twice is harmless */

    /* no expected kind: any; no meta: {} */
    struct ckpt w = f->c;
    w.meta_json = NULL;
    w.ntensors = 0;
    char p[160];
    snprintf(p, sizeof p, "%s/empty.ckpt", f->dir);
    assert_int_equal(ckpt_write(p, &w, &e), 0);
    assert_int_equal(ckpt_read(p, NULL, &c, &e), 0);
    assert_string_equal(c.meta_json, "{}");
    assert_int_equal(c.ntensors, 0);
    ckpt_free(&c);

    /* a tensor larger than the 1 MiB read and write chunks */
    struct ckpt_tensor big = {.name = "big", .ndim = 2, .shape = {3, 100001}, .n = 300003};
    big.data = malloc(big.n * sizeof(float));
    assert_non_null(big.data);
    for (size_t i = 0; i < big.n; i++)
        big.data[i] = (float)i * 0.5f - 7.0f;
    w.ntensors = 1;
    w.t = &big;
    snprintf(p, sizeof p, "%s/big.ckpt", f->dir);
    assert_int_equal(ckpt_write(p, &w, &e), 0);
    assert_int_equal(ckpt_read(p, NULL, &c, &e), 0);
    assert_int_equal(c.t[0].n, big.n);
    assert_memory_equal(c.t[0].data, big.data, big.n * sizeof(float));
    ckpt_free(&c);
    free(big.data);
}

static void layout(void **state)
{
    struct fix *f = *state;
    assert_memory_equal(f->bytes, "COLLMCKP", 8);
    uint32_t L = header_len(f->bytes);
    assert_int_equal(f->len, 12 + L + 4 * NFLOATS);
    cJSON *h = header_of(f);
    assert_string_equal(cJSON_GetObjectItem(h, "format")->valuestring, "collm-checkpoint");
    assert_int_equal(cJSON_GetObjectItem(h, "version")->valueint, 1);
    assert_string_equal(cJSON_GetObjectItem(h, "kind")->valuestring, KIND);
    assert_int_equal(cJSON_GetObjectItem(h, "payload_floats")->valueint, NFLOATS);
    cJSON *ts = cJSON_GetObjectItem(h, "tensors");
    assert_int_equal(cJSON_GetArraySize(ts), 3);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ts, 0), "offset")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ts, 1), "offset")->valueint, 144);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ts, 2), "offset")->valueint, 160);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ts, 2), "name")->valuestring,
                        "fc.w");
    cJSON *sh = cJSON_GetObjectItem(cJSON_GetArrayItem(ts, 0), "shape");
    assert_int_equal(cJSON_GetArraySize(sh), 4);
    assert_int_equal(cJSON_GetArrayItem(sh, 0)->valueint, 16);
    assert_int_equal(cJSON_GetArrayItem(sh, 3)->valueint, 3);
    /* payload: explicit little-endian float32; stem.b[0] = 1.0f = 0x3f800000 */
    const unsigned char *pay = f->bytes + 12 + L;
    assert_memory_equal(pay + 4 * 144, "\x00\x00\x80\x3f", 4);
    assert_memory_equal(pay + 4 * 145, "\x00\x00\x00\x80", 4); /* -0.0f */
    struct sha256 s;
    char hex[65], fh[65];
    sha256_init(&s);
    sha256_update(&s, pay, 4 * NFLOATS);
    sha256_hex(&s, hex);
    assert_string_equal(cJSON_GetObjectItem(h, "payload_sha256")->valuestring, hex);
    cJSON_Delete(h);
    /* the whole file's hash */
    struct err e;
    sha256_init(&s);
    sha256_update(&s, f->bytes, f->len);
    sha256_hex(&s, hex);
    assert_int_equal(ckpt_sha256_file(f->path, fh, &e), 0);
    assert_string_equal(fh, hex);
    char p[160];
    snprintf(p, sizeof p, "%s/nothing", f->dir);
    assert_int_equal(ckpt_sha256_file(p, fh, &e), -1);
    assert_string_equal(e.where, p);
    assert_non_null(strstr(e.msg, "No such file"));
}

static void find_and_expect(void **state)
{
    struct fix *f = *state;
    struct ckpt c;
    struct err e;
    assert_int_equal(ckpt_read(f->path, KIND, &c, &e), 0);
    assert_ptr_equal(ckpt_find(&c, "stem.b"), &c.t[1]);
    assert_null(ckpt_find(&c, "stem"));
    assert_int_equal(ckpt_expect(&c, "stem.w", 4, (int[]){16, 1, 3, 3}, &e), 0);
    assert_int_equal(ckpt_expect(&c, "stem.w", 4, (int[]){16, 1, 5, 5}, &e), -1);
    assert_string_equal(e.where, "tensor \"stem.w\"");
    assert_string_equal(e.msg, "expected shape [16,1,5,5], found [16,1,3,3]");
    assert_int_equal(ckpt_expect(&c, "fc.w", 1, (int[]){160}, &e), -1);
    assert_string_equal(e.msg, "expected shape [160], found [10,16]");
    assert_int_equal(ckpt_expect(&c, "head.w", 2, (int[]){10, 24}, &e), -1);
    assert_string_equal(e.where, "tensor \"head.w\"");
    assert_non_null(strstr(e.msg, "missing"));
    assert_non_null(strstr(e.msg, "[10,24]"));
    ckpt_free(&c);
}

static void write_is_atomic(void **state)
{
    struct fix *f = *state;
    struct err e;
    char p[160], tmp[170];
    struct stat st;
    snprintf(tmp, sizeof tmp, "%s.tmp", f->path);
    assert_int_equal(stat(tmp, &st), -1); /* none left by the setup's write */

    /* replaced on success */
    struct ckpt w = f->c;
    w.ntensors = 2;
    assert_int_equal(ckpt_write(f->path, &w, &e), 0);
    assert_int_equal(stat(tmp, &st), -1);
    struct ckpt c;
    assert_int_equal(ckpt_read(f->path, KIND, &c, &e), 0);
    assert_int_equal(c.ntensors, 2);
    ckpt_free(&c);

    /* a refused write leaves the old file as it was */
    size_t n0, n1;
    unsigned char *before = slurp(f->path, &n0);
    w.ntensors = 3;
    float keep = stem_w[5];
    stem_w[5] = NAN;
    assert_int_equal(ckpt_write(f->path, &w, &e), -1);
    stem_w[5] = keep;
    assert_int_equal(strncmp(e.where, f->path, strlen(f->path)), 0);
    assert_non_null(strstr(e.msg, "\"stem.w\"[5] is NaN"));
    unsigned char *after = slurp(f->path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    assert_int_equal(stat(tmp, &st), -1);
    free(before);
    free(after);

    /* a failed rename (the target is a folder) removes the temporary file */
    snprintf(p, sizeof p, "%s/adir", f->dir);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_string_equal(e.where, p);
    assert_non_null(strstr(e.msg, "rename"));
    snprintf(tmp, sizeof tmp, "%s.tmp", p);
    assert_int_equal(stat(tmp, &st), -1);

    /* a missing folder: named, with the system's reason */
    snprintf(p, sizeof p, "%s/no/such/dir/x.ckpt", f->dir);
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_string_equal(e.where, p);
    assert_non_null(strstr(e.msg, "No such file or directory"));
    assert_non_null(strstr(e.msg, "x.ckpt.tmp"));
}

static void write_refuses_what_read_would(void **state)
{
    struct fix *f = *state;
    struct err e;
    char p[160];
    struct stat st;
    snprintf(p, sizeof p, "%s/refused.ckpt", f->dir);
    struct ckpt w = f->c;
    struct ckpt_tensor t[3];
    memcpy(t, f->c.t, sizeof t);
    w.t = t;

    fc_w[7] = INFINITY;
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    fc_w[7] = 0;
    assert_non_null(strstr(e.msg, "\"fc.w\"[7] is +Inf"));
    char where[192];
    snprintf(where, sizeof where, "%s, tensors[2]", p);
    assert_string_equal(e.where, where);

    snprintf(t[2].name, sizeof t[2].name, "stem.w");
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_non_null(strstr(e.msg, "tensors[0] and tensors[2] are both called \"stem.w\""));
    memcpy(t, f->c.t, sizeof t);

    t[1].n = 15;
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_non_null(strstr(e.msg, "n = 15 but shape [16] holds 16"));
    memcpy(t, f->c.t, sizeof t);

    t[0].ndim = 5;
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_non_null(strstr(e.msg, "5 dims"));
    memcpy(t, f->c.t, sizeof t);

    t[0].name[0] = '\0';
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_non_null(strstr(e.msg, "name is empty"));
    memcpy(t, f->c.t, sizeof t);

    w.meta_json = (char *)"[1,2]";
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_non_null(strstr(e.msg, "meta is not a JSON object"));
    w.meta_json = (char *)"{\"a\":1} x";
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    w.meta_json = (char *)META;

    w.kind[0] = '\0';
    assert_int_equal(ckpt_write(p, &w, &e), -1);
    assert_non_null(strstr(e.msg, "kind is empty"));

    assert_int_equal(stat(p, &st), -1);
}

static void missing_empty_foreign(void **state)
{
    struct fix *f = *state;
    char p[160];
    snprintf(p, sizeof p, "%s/nothing.ckpt", f->dir);
    FAILS(p, KIND, "cannot open", "No such file or directory");
    FAILS(put(f, "empty.ckpt", "", 0, p, sizeof p), KIND, "empty", "not a collm checkpoint");
    FAILS(f->dir, KIND, "not a regular file");

    unsigned char *b = malloc(f->len);
    memcpy(b, f->bytes, f->len);
    memcpy(b, "\x89PNG\r\n\x1a\n", 8);
    FAILS(put(f, "png.ckpt", b, f->len, p, sizeof p), KIND, "not a collm checkpoint",
          "\\x89PNG");
    memcpy(b, "cOLLMCKP", 8);
    FAILS(put(f, "case.ckpt", b, f->len, p, sizeof p), KIND, "not a collm checkpoint");
    FAILS(put(f, "short.txt", "hi", 2, p, sizeof p), KIND, "not a collm checkpoint");
    free(b);

    /* a path too long for `where` loses its beginning, not the field */
    char name[251], lp[400];
    memset(name, 'n', 250);
    name[250] = '\0';
    put(f, name, "hello", 5, lp, sizeof lp);
    struct ckpt c;
    struct err e;
    assert_int_equal(ckpt_read(lp, KIND, &c, &e), -1);
    assert_int_equal(strlen(e.where), sizeof e.where - 1);
    assert_memory_equal(e.where, "...", 3);
    assert_non_null(strstr(e.where, "nnnn, byte 0"));
}

static void truncated(void **state)
{
    struct fix *f = *state;
    char p[160], w[64];
    size_t L = header_len(f->bytes), start = 12 + L;
    FAILS(put(f, "t3", f->bytes, 3, p, sizeof p), KIND, "truncated", "inside the magic");
    FAILS(put(f, "t8", f->bytes, 8, p, sizeof p), KIND, "truncated", "header length");
    FAILS(put(f, "t10", f->bytes, 10, p, sizeof p), KIND, "truncated", "header length");
    FAILS(put(f, "t12", f->bytes, 12, p, sizeof p), KIND, "truncated", "runs past the end",
          "the file has 12 bytes");
    FAILS(put(f, "th", f->bytes, 12 + L / 2, p, sizeof p), KIND, "truncated",
          "runs past the end");
    FAILS(put(f, "th1", f->bytes, start - 1, p, sizeof p), KIND, "truncated");
    FAILS(put(f, "tp0", f->bytes, start, p, sizeof p), KIND, "payload truncated",
          "expected 1280 bytes", "found 0");
    snprintf(w, sizeof w, "found %zu", f->len - start - 5);
    FAILS(put(f, "tp", f->bytes, f->len - 5, p, sizeof p), KIND, "payload truncated",
          "expected 1280 bytes (320 float32)", w);
    FAILS(put(f, "tp1", f->bytes, f->len - 1, p, sizeof p), KIND, "payload truncated",
          "found 1279");
}

static void damaged(void **state)
{
    struct fix *f = *state;
    char p[160];
    unsigned char *b = malloc(f->len + 16);
    size_t L = header_len(f->bytes), start = 12 + L;

    memcpy(b, f->bytes, f->len);
    b[start + 100] ^= 0x01;
    FAILS(put(f, "flip.ckpt", b, f->len, p, sizeof p), KIND, "damaged: payload sha256",
          "expected", ", payload");
    b[start + 100] ^= 0x01;

    memcpy(b + f->len, "garbage", 7);
    FAILS(put(f, "trail.ckpt", b, f->len + 7, p, sizeof p), KIND,
          "7 trailing bytes after the payload");
    char w[32];
    snprintf(w, sizeof w, "byte %zu", f->len);
    FAILS(p, KIND, w);

    b[8] = 0xff, b[9] = 0xff, b[10] = 0xff, b[11] = 0x7f;
    FAILS(put(f, "huge.ckpt", b, f->len, p, sizeof p), KIND, "header length 2147483647",
          "absurd", "16 MiB", "bytes 8..11");
    b[8] = b[9] = b[10] = b[11] = 0;
    FAILS(put(f, "zero.ckpt", b, f->len, p, sizeof p), KIND, "header length 0", "absurd");
    memcpy(b, f->bytes, f->len);
    b[8] = (unsigned char)(L - 1), b[9] = (unsigned char)((L - 1) >> 8);
    FAILS(put(f, "cut.ckpt", b, f->len, p, sizeof p), KIND, "not JSON");
    /* text after the JSON object, inside the header */
    b[8] = (unsigned char)(L + 2), b[9] = (unsigned char)((L + 2) >> 8);
    memcpy(b + 12 + L, " x", 2);
    memcpy(b + 12 + L + 2, f->bytes + start, f->len - start);
    FAILS(put(f, "after.ckpt", b, f->len + 2, p, sizeof p), KIND, "not one JSON object");
    memcpy(b, f->bytes, f->len);
    b[12 + 5] = '\0';
    FAILS(put(f, "nul.ckpt", b, f->len, p, sizeof p), KIND, "not JSON", "NUL", "byte 17");
    memcpy(b, f->bytes, f->len);
    b[12] = 'x';
    FAILS(put(f, "bad.ckpt", b, f->len, p, sizeof p), KIND, "not JSON", "byte 12");
    memcpy(b, f->bytes, f->len);
    b[12 + 9] = ',';
    FAILS(put(f, "bad2.ckpt", b, f->len, p, sizeof p), KIND, "not JSON", "byte 21");
    free(b);
}

/* Edit the sample's header: h is the parsed header, t[i] its tensors. */
#define TENSOR(h, i) cJSON_GetArrayItem(cJSON_GetObjectItem(h, "tensors"), i)

static void header_edits(void **state)
{
    struct fix *f = *state;
    char p[160];
    cJSON *h;

    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "format", cJSON_CreateString("safetensors"));
    FAILS(with_header(f, h, NULL, "fmt", p, sizeof p), KIND, "not a collm checkpoint",
          "\"safetensors\"", "header format");
    h = header_of(f);
    cJSON_DeleteItemFromObject(h, "format");
    FAILS(with_header(f, h, NULL, "fmt2", p, sizeof p), KIND, "\"format\" is missing");
    h = cJSON_CreateArray();
    FAILS(with_header(f, h, NULL, "arr", p, sizeof p), KIND, "not a JSON object", "byte 12");

    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "version", cJSON_CreateNumber(2));
    FAILS(with_header(f, h, NULL, "v2", p, sizeof p), KIND, "version 2",
          "this collm reads version 1", "newer collm", "header version");
    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "version", cJSON_CreateNumber(0));
    FAILS(with_header(f, h, NULL, "v0", p, sizeof p), KIND, "\"version\" is 0");
    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "version", cJSON_CreateNumber(0.5));
    FAILS(with_header(f, h, NULL, "v05", p, sizeof p), KIND, "\"version\" is 0.5");

    FAILS(f->path, "cifar-supernet", "this is a \"fmnist-supernet\" checkpoint",
          "expected \"cifar-supernet\"", "header kind");
    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "kind", cJSON_CreateNumber(3));
    FAILS(with_header(f, h, NULL, "kind", p, sizeof p), KIND, "\"kind\" is 3");
    h = header_of(f);
    cJSON_DeleteItemFromObject(h, "meta");
    FAILS(with_header(f, h, NULL, "meta", p, sizeof p), KIND, "\"meta\" is missing");

    /* tensors */
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 2), "name", cJSON_CreateString("stem.w"));
    FAILS(with_header(f, h, NULL, "dup", p, sizeof p), KIND, "duplicate tensor name \"stem.w\"",
          "tensors[0] and tensors[2]");
    h = header_of(f);
    cJSON_DeleteItemFromObject(TENSOR(h, 1), "name");
    FAILS(with_header(f, h, NULL, "noname", p, sizeof p), KIND, "\"name\" is missing",
          "tensors[1]");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 1), "name", cJSON_CreateString("a\tb"));
    FAILS(with_header(f, h, NULL, "tabname", p, sizeof p), KIND, "not printable ASCII");
    h = header_of(f);
    cJSON_DeleteItemFromObject(TENSOR(h, 0), "shape");
    FAILS(with_header(f, h, NULL, "noshape", p, sizeof p), KIND,
          "\"shape\" of \"stem.w\" is missing");
    h = header_of(f);
    cJSON_DeleteItemFromObject(TENSOR(h, 2), "offset");
    FAILS(with_header(f, h, NULL, "nooff", p, sizeof p), KIND,
          "\"offset\" of \"fc.w\" is missing");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 1), "shape", cJSON_CreateIntArray((int[]){-16}, 1));
    FAILS(with_header(f, h, NULL, "negdim", p, sizeof p), KIND,
          "shape[0] of \"stem.b\" is -16", "positive");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 1), "shape", cJSON_CreateIntArray((int[]){0}, 0));
    FAILS(with_header(f, h, NULL, "nodim", p, sizeof p), KIND, "has 0 dims");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 1), "shape",
                              cJSON_CreateIntArray((int[]){1, 1, 2, 2, 4}, 5));
    FAILS(with_header(f, h, NULL, "5dims", p, sizeof p), KIND, "\"stem.b\" has 5 dims",
          "1..4");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 0), "shape",
                              cJSON_CreateIntArray((int[]){65536, 65536, 65536, 65536}, 4));
    FAILS(with_header(f, h, NULL, "vast", p, sizeof p), KIND, "larger than the whole payload",
          "[65536,65536,65536,65536]");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 1), "offset", cJSON_CreateNumber(100));
    FAILS(with_header(f, h, NULL, "overlap", p, sizeof p), KIND,
          "\"stem.b\" at offset 100 overlaps \"stem.w\"", "tensors[1]");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 1), "offset", cJSON_CreateNumber(150));
    FAILS(with_header(f, h, NULL, "gap", p, sizeof p), KIND, "gap", "contiguous");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 0), "offset", cJSON_CreateNumber(1));
    FAILS(with_header(f, h, NULL, "first", p, sizeof p), KIND, "must start at 0");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 2), "offset", cJSON_CreateNumber(161));
    FAILS(with_header(f, h, NULL, "range", p, sizeof p), KIND, "out of range",
          "past payload_floats 320");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 2), "offset", cJSON_CreateNumber(-160));
    FAILS(with_header(f, h, NULL, "negoff", p, sizeof p), KIND, "\"offset\" of \"fc.w\" is -160");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 2), "offset", cJSON_CreateNumber(160.5));
    FAILS(with_header(f, h, NULL, "fracoff", p, sizeof p), KIND, "is 160.5");
    h = header_of(f);
    cJSON_ReplaceItemInObject(TENSOR(h, 2), "shape", cJSON_CreateIntArray((int[]){10, 15}, 2));
    FAILS(with_header(f, h, NULL, "sum", p, sizeof p), KIND,
          "the tensors hold 310 floats but payload_floats is 320");
    h = header_of(f);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(h, "tensors"), 0);
    FAILS(with_header(f, h, NULL, "drop", p, sizeof p), KIND, "must start at 0");
    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "tensors", cJSON_CreateObject());
    FAILS(with_header(f, h, NULL, "tobj", p, sizeof p), KIND, "\"tensors\" is an object");
    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "payload_sha256", cJSON_CreateString("abc"));
    FAILS(with_header(f, h, NULL, "sha", p, sizeof p), KIND, "64 lowercase hex digits");
    h = header_of(f);
    cJSON_ReplaceItemInObject(h, "payload_floats", cJSON_CreateString("320"));
    FAILS(with_header(f, h, NULL, "pfs", p, sizeof p), KIND,
          "\"payload_floats\" is the string \"320\"");

    /* an unknown key is fine, as is a re-formatted header */
    h = header_of(f);
    cJSON_AddStringToObject(h, "comment", "added by a later 1.x writer");
    struct ckpt c;
    struct err e;
    assert_int_equal(ckpt_read(with_header(f, h, NULL, "extra", p, sizeof p), KIND, &c, &e), 0);
    ckpt_free(&c);
}

static void nan_and_inf(void **state)
{
    struct fix *f = *state;
    char p[160], hex[65];
    size_t start = 12 + header_len(f->bytes), pl = f->len - start;
    unsigned char *pay = malloc(pl);
    static const struct {
        size_t at;
        const char *bits, *word;
    } cases[] = {
        {160 + 5, "\x00\x00\xc0\x7f", "tensor \"fc.w\"[5] is NaN"},
        {144 + 9, "\x00\x00\x80\xff", "tensor \"stem.b\"[9] is -Inf"},
        {0, "\x00\x00\x80\x7f", "tensor \"stem.w\"[0] is +Inf"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        memcpy(pay, f->bytes + start, pl);
        memcpy(pay + 4 * cases[k].at, cases[k].bits, 4);
        struct sha256 s;
        sha256_init(&s);
        sha256_update(&s, pay, pl);
        sha256_hex(&s, hex);
        cJSON *h = header_of(f);
        cJSON_ReplaceItemInObject(h, "payload_sha256", cJSON_CreateString(hex));
        char w[32];
        snprintf(w, sizeof w, "byte %zu", start + 4 * cases[k].at);
        FAILS(with_header(f, h, pay, "nan", p, sizeof p), KIND, cases[k].word, w);
    }
    free(pay);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(layout, setup, teardown),
        cmocka_unit_test_setup_teardown(find_and_expect, setup, teardown),
        cmocka_unit_test_setup_teardown(write_is_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(write_refuses_what_read_would, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_empty_foreign, setup, teardown),
        cmocka_unit_test_setup_teardown(truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged, setup, teardown),
        cmocka_unit_test_setup_teardown(header_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(nan_and_inf, setup, teardown),
    };
    return cmocka_run_group_tests_name("ckpt", tests, NULL, NULL);
}
