#include "testutil.h"

#include <sys/stat.h>
#include <zlib.h>

#include "../../engine/core/rng.h"
#include "../../engine/core/sha256.h"
#include "../../engine/nn/fmnist.h"

/* The real data, loaded once (CI installs dataset-fashion-mnist: a missing
 * dataset fails these tests with the loader's own error text). */
static struct fmnist_data real;
static int real_loaded;
static char tmp[64]; /* a fresh folder for the damaged files */

static void load_real(void)
{
    if (real_loaded)
        return;
    struct err e;
    char buf[800];
    if (fmnist_load(FMNIST_DIR_DEFAULT, &real, &e) != 0)
        fail_msg("cannot load Fashion-MNIST: %s", err_str(&e, buf, sizeof buf));
    real_loaded = 1;
}

static void assert_msg_has(const struct err *e, const char *s)
{
    if (!strstr(e->msg, s))
        fail_msg("error message \"%s\" lacks \"%s\"", e->msg, s);
}

static void assert_failed(int rc, const struct err *e, const struct fmnist *out, const char *where)
{
    assert_int_equal(rc, -1);
    assert_int_equal(e->usage, 0);
    assert_string_equal(e->where, where);
    assert_null(out->images);
    assert_null(out->labels);
    assert_null(out->index);
    assert_int_equal(out->n, 0);
}

/* tmp/name; the same name always gives the same (stable) string. */
static const char *tmp_path(const char *name)
{
    static char names[16][32], paths[16][128];
    int k = 0;
    while (k < 16 && names[k][0] && strcmp(names[k], name) != 0)
        k++;
    assert_true(k < 16 && strlen(name) < sizeof names[0]);
    snprintf(names[k], sizeof names[k], "%s", name);
    snprintf(paths[k], sizeof paths[k], "%s/%s", tmp, name);
    return paths[k];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void write_raw(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_gz(const char *path, const void *data, size_t len)
{
    gzFile f = gzopen(path, "wb6");
    assert_non_null(f);
    if (len)
        assert_int_equal(gzwrite(f, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(f), Z_OK);
}

/* An IDX images file: the header as given, then `pixels` bytes of noise
 * (noise does not compress, so a cut file is cut mid-stream), then
 * `extra` more. Returns the length; *out is malloc'd. */
static size_t idx_images(uint8_t **out, uint32_t magic, uint32_t count, uint32_t rows,
                         uint32_t cols, size_t pixels, size_t extra)
{
    size_t len = 16 + pixels + extra;
    uint8_t *b = malloc(len);
    assert_non_null(b);
    put_be32(b, magic);
    put_be32(b + 4, count);
    put_be32(b + 8, rows);
    put_be32(b + 12, cols);
    struct rng r;
    rng_seed(&r, 7);
    for (size_t i = 16; i < len; i++)
        b[i] = (uint8_t)rng_next(&r);
    *out = b;
    return len;
}

static void gz_images(const char *path, uint32_t magic, uint32_t count, uint32_t rows,
                      uint32_t cols, size_t pixels, size_t extra)
{
    uint8_t *b;
    size_t len = idx_images(&b, magic, count, rows, cols, pixels, extra);
    write_gz(path, b, len);
    free(b);
}

static void gz_labels(const char *path, uint32_t magic, uint32_t count, const uint8_t *labels,
                      size_t n)
{
    uint8_t b[64];
    assert_true(8 + n <= sizeof b);
    put_be32(b, magic);
    put_be32(b + 4, count);
    memcpy(b + 8, labels, n);
    write_gz(path, b, 8 + n);
}

static const uint8_t three_labels[3] = {9, 0, 4};
#define IMG3 ((size_t)3 * FMNIST_PIXELS)

/* A good pair of 3 images in tmp: img.gz, lab.gz. */
static void good_pair(void)
{
    gz_images(tmp_path("img.gz"), 0x803, 3, 28, 28, IMG3, 0);
    gz_labels(tmp_path("lab.gz"), 0x801, 3, three_labels, 3);
}

static int setup(void **state)
{
    (void)state;
    unsetenv("COLLM_FMNIST_DIR");
    snprintf(tmp, sizeof tmp, "/tmp/collm-fmnist-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fmnist_free(&real);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the real files ---- */

static void real_counts_labels_pixels(void **state)
{
    (void)state;
    load_real();
    assert_string_equal(real.dir, FMNIST_DIR_DEFAULT);
    const struct fmnist *parts[3] = {&real.train, &real.valid, &real.test};
    const int want[3] = {50000, 10000, 10000};
    for (int p = 0; p < 3; p++) {
        assert_int_equal(parts[p]->n, want[p]);
        assert_int_equal(parts[p]->h, 28);
        assert_int_equal(parts[p]->w, 28);
    }
    int hist[3][10] = {{0}};
    for (int p = 0; p < 3; p++)
        for (int i = 0; i < parts[p]->n; i++) {
            assert_true(parts[p]->labels[i] <= 9);
            hist[p][parts[p]->labels[i]]++;
        }
    for (int k = 0; k < 10; k++) {
        assert_int_equal(hist[2][k], 1000);            /* test: balanced */
        assert_int_equal(hist[0][k] + hist[1][k], 6000); /* the training file too */
        assert_in_range(hist[1][k], 900, 1100);          /* a random 1/6 of it */
    }
    /* The first image of either file is an ankle boot (class 9). */
    assert_int_equal(real.train.index[0], 0);
    assert_int_equal(real.train.labels[0], 9);
    assert_int_equal(real.test.labels[0], 9);

    /* Pixels: every image has ink, with full-white somewhere; the corner is
     * background; the mean is Fashion-MNIST's well-known ~0.286 * 255. */
    for (int p = 0; p < 3; p++) {
        const struct fmnist *s = parts[p];
        double sum = 0;
        int corner_ink = 0, white = 0;
        for (int i = 0; i < s->n; i++) {
            const uint8_t *im = s->images + (size_t)i * FMNIST_PIXELS;
            int ink = 0;
            for (int j = 0; j < FMNIST_PIXELS; j++) {
                sum += im[j];
                ink |= im[j];
                white += im[j] == 255;
            }
            assert_true(ink != 0);
            corner_ink += im[0] != 0;
        }
        double mean = sum / ((double)s->n * FMNIST_PIXELS);
        assert_true(mean > 70.0 && mean < 76.0);
        assert_true(white > 0);
        assert_true(corner_ink < s->n / 100);
    }
}

static void sha_of(const struct fmnist *const *parts, int nparts, int total, int labels,
                   char *hex)
{
    /* Puts each image (or label) back at its place in the file, hashes. */
    size_t item = labels ? 1 : FMNIST_PIXELS;
    uint8_t *all = calloc((size_t)total, item);
    uint8_t *seen = calloc((size_t)total, 1);
    assert_non_null(all);
    assert_non_null(seen);
    for (int p = 0; p < nparts; p++)
        for (int i = 0; i < parts[p]->n; i++) {
            int at = parts[p]->index[i];
            assert_in_range(at, 0, total - 1);
            assert_int_equal(seen[at], 0); /* disjoint */
            seen[at] = 1;
            const uint8_t *src = labels ? parts[p]->labels + i
                                        : parts[p]->images + (size_t)i * FMNIST_PIXELS;
            memcpy(all + (size_t)at * item, src, item);
        }
    for (int i = 0; i < total; i++)
        assert_int_equal(seen[i], 1); /* covering */
    struct sha256 c;
    sha256_init(&c);
    sha256_update(&c, all, (size_t)total * item);
    sha256_hex(&c, hex);
    free(all);
    free(seen);
}

static void real_split_is_the_documented_one(void **state)
{
    (void)state;
    load_real();
    /* Each part keeps file order. */
    const struct fmnist *parts[3] = {&real.train, &real.valid, &real.test};
    for (int p = 0; p < 3; p++)
        for (int i = 1; i < parts[p]->n; i++)
            assert_true(parts[p]->index[i - 1] < parts[p]->index[i]);

    /* train + valid are exactly the training file, byte for byte: these are
     * `zcat train-images-idx3-ubyte.gz | tail -c +17 | sha256sum` (and
     * tail -c +9 for labels), computed by hand, not by this code. */
    char hex[65];
    const struct fmnist *tv[2] = {&real.train, &real.valid};
    sha_of(tv, 2, 60000, 0, hex);
    assert_string_equal(hex, "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012");
    sha_of(tv, 2, 60000, 1, hex);
    assert_string_equal(hex, "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7");
    const struct fmnist *te[1] = {&real.test};
    sha_of(te, 1, 10000, 0, hex);
    assert_string_equal(hex, "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a");
    sha_of(te, 1, 10000, 1, hex);
    assert_string_equal(hex, "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9");

    /* The validation set of FMNIST_SPLIT_SEED 20170825, pinned: if these
     * change, every stored validation accuracy means something else. */
    assert_int_equal(FMNIST_SPLIT_SEED, 20170825u);
    const int first_idx[5] = {3, 8, 15, 19, 20}, first_lab[5] = {3, 5, 9, 4, 3};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(real.valid.index[i], first_idx[i]);
        assert_int_equal(real.valid.labels[i], first_lab[i]);
    }
    assert_true(fmnist_hash(&real.valid) == 0xf21b84efcdbae63eULL);
    assert_true(fmnist_hash(&real.train) == 0xf11949e410b01361ULL);
    assert_true(fmnist_hash(&real.test) == 0x7625417625bda6cfULL);
}

static void equal_sets(const struct fmnist *a, const struct fmnist *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->images, b->images, (size_t)a->n * FMNIST_PIXELS);
    assert_memory_equal(a->labels, b->labels, (size_t)a->n);
    assert_memory_equal(a->index, b->index, (size_t)a->n * sizeof *a->index);
}

/* COLLM_FMNIST_DIR moves the folder; a second load is the same split. */
static void dir_override_and_determinism(void **state)
{
    (void)state;
    load_real();
    const char *names[4] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    char dir[96], src[160], dst[160], want[160];
    snprintf(dir, sizeof dir, "%s/override", tmp);
    assert_int_equal(mkdir(dir, 0700), 0);

    assert_string_equal(fmnist_dir_default(), FMNIST_DIR_DEFAULT);
    setenv("COLLM_FMNIST_DIR", "", 1);
    assert_string_equal(fmnist_dir_default(), FMNIST_DIR_DEFAULT);
    setenv("COLLM_FMNIST_DIR", dir, 1);
    assert_string_equal(fmnist_dir_default(), dir);

    /* Empty folder: the first file read is named as missing, with the
     * remedy. */
    struct fmnist_data d;
    struct err e;
    assert_int_equal(fmnist_load(NULL, &d, &e), -1);
    snprintf(want, sizeof want, "%s/%s", dir, names[2]);
    assert_string_equal(e.where, want);
    assert_msg_has(&e, "missing");
    assert_msg_has(&e, "apt-get install dataset-fashion-mnist");
    assert_msg_has(&e, "COLLM_FMNIST_DIR");
    assert_null(d.test.images);

    /* Only the test files: the training images are missing, the test set
     * read before is freed (ASan sees no leak) and *d is left empty. */
    for (int i = 2; i < 4; i++) {
        snprintf(src, sizeof src, "%s/%s", FMNIST_DIR_DEFAULT, names[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, names[i]);
        assert_int_equal(symlink(src, dst), 0);
    }
    assert_int_equal(fmnist_load(NULL, &d, &e), -1);
    snprintf(want, sizeof want, "%s/%s", dir, names[0]);
    assert_string_equal(e.where, want);
    assert_msg_has(&e, "missing");
    assert_null(d.test.images);
    assert_null(d.test.labels);
    assert_int_equal(d.test.n, 0);

    for (int i = 0; i < 2; i++) {
        snprintf(src, sizeof src, "%s/%s", FMNIST_DIR_DEFAULT, names[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, names[i]);
        assert_int_equal(symlink(src, dst), 0);
    }
    char buf[800];
    if (fmnist_load(NULL, &d, &e) != 0)
        fail_msg("%s", err_str(&e, buf, sizeof buf));
    assert_string_equal(d.dir, dir);
    equal_sets(&d.train, &real.train);
    equal_sets(&d.valid, &real.valid);
    equal_sets(&d.test, &real.test);
    fmnist_free(&d);
    assert_null(d.train.images);
    fmnist_free(&d); /* twice is fine */
    unsetenv("COLLM_FMNIST_DIR");
}

/* ---- small and damaged files ---- */

static void reads_a_small_pair(void **state)
{
    (void)state;
    good_pair();
    struct fmnist s;
    struct err e;
    assert_int_equal(fmnist_read(tmp_path("img.gz"), tmp_path("lab.gz"), 0, &s, &e), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.h, 28);
    assert_int_equal(s.w, 28);
    assert_memory_equal(s.labels, three_labels, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(s.index[i], i);
    uint8_t *b;
    idx_images(&b, 0x803, 3, 28, 28, IMG3, 0);
    assert_memory_equal(s.images, b + 16, IMG3);
    free(b);
    fmnist_free_set(&s);
    assert_null(s.images);
    fmnist_free_set(&s);
    /* The right count given explicitly is fine too. */
    assert_int_equal(fmnist_read(tmp_path("img.gz"), tmp_path("lab.gz"), 3, &s, &e), 0);
    fmnist_free_set(&s);
}

static void missing_files(void **state)
{
    (void)state;
    good_pair();
    struct fmnist s;
    struct err e;
    const char *img = tmp_path("nope-images.gz");
    assert_failed(fmnist_read(img, tmp_path("lab.gz"), 0, &s, &e), &e, &s, img);
    assert_msg_has(&e, "the Fashion-MNIST file is missing");
    assert_msg_has(&e, "apt-get install dataset-fashion-mnist");
    assert_msg_has(&e, "COLLM_FMNIST_DIR");
    const char *lab = tmp_path("nope-labels.gz");
    assert_failed(fmnist_read(tmp_path("img.gz"), lab, 0, &s, &e), &e, &s, lab);
    assert_msg_has(&e, "missing");
    /* A folder where a file should be. */
    assert_failed(fmnist_read(tmp, lab, 0, &s, &e), &e, &s, tmp);
    assert_msg_has(&e, "is a folder");
}

static void not_gzip_or_damaged_gzip(void **state)
{
    (void)state;
    good_pair();
    struct fmnist s;
    struct err e;
    const char *p = tmp_path("plain.gz");
    const char text[] = "this is not gzip, just some text\n";
    write_raw(p, text, sizeof text - 1);
    assert_failed(fmnist_read(p, tmp_path("lab.gz"), 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "not gzip-compressed");
    assert_msg_has(&e, "damaged");
    /* Even plain IDX bytes, correct as they are, must come compressed. */
    uint8_t *b;
    size_t len = idx_images(&b, 0x803, 3, 28, 28, IMG3, 0);
    write_raw(p, b, len);
    assert_failed(fmnist_read(p, tmp_path("lab.gz"), 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "not gzip-compressed");

    /* A gzip file cut in the middle of its stream. */
    write_gz(p, b, len);
    free(b);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_true(st.st_size > 1000);
    assert_int_equal(truncate(p, st.st_size / 2), 0);
    assert_failed(fmnist_read(p, tmp_path("lab.gz"), 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "gzip stream is damaged");
    assert_msg_has(&e, "apt-get install --reinstall dataset-fashion-mnist");

    /* Cut in its 8-byte trailer (CRC, length): all the data inflates, yet
     * the file is not whole. */
    gz_images(p, 0x803, 3, 28, 28, IMG3, 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(truncate(p, st.st_size - 3), 0);
    assert_failed(fmnist_read(p, tmp_path("lab.gz"), 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "gzip stream is damaged");

    /* One byte changed in the middle: the CRC (or inflate) notices. */
    gz_images(p, 0x803, 3, 28, 28, IMG3, 0);
    assert_int_equal(stat(p, &st), 0);
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
    fputc(c ^ 0x5a, f);
    assert_int_equal(fclose(f), 0);
    assert_failed(fmnist_read(p, tmp_path("lab.gz"), 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "gzip stream is damaged");

    /* An empty file. */
    write_raw(p, "", 0);
    assert_failed(fmnist_read(p, tmp_path("lab.gz"), 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "empty");

    /* A labels file that is not gzip, after good images. */
    const char *l = tmp_path("plain-lab.gz");
    write_raw(l, text, sizeof text - 1);
    assert_failed(fmnist_read(tmp_path("img.gz"), l, 0, &s, &e), &e, &s, l);
    assert_msg_has(&e, "not gzip-compressed");
}

static void wrong_header(void **state)
{
    (void)state;
    good_pair();
    struct fmnist s;
    struct err e;
    const char *p = tmp_path("bad.gz"), *img = tmp_path("img.gz"), *lab = tmp_path("lab.gz");

    gz_images(p, 0x801, 3, 28, 28, IMG3, 0); /* a labels magic */
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "expected an IDX images file (magic 0x00000803), found magic "
                               "0x00000801 (an IDX labels file)");
    gz_images(p, 0x12345678, 3, 28, 28, IMG3, 0);
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "expected an IDX images file (magic 0x00000803), found magic 0x12345678");
    /* The two swapped: the images file is read first. */
    assert_failed(fmnist_read(lab, img, 0, &s, &e), &e, &s, lab);
    assert_msg_has(&e, "expected an IDX images file");
    gz_labels(p, 0x803, 3, three_labels, 3);
    assert_failed(fmnist_read(img, p, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "expected an IDX labels file (magic 0x00000801)");

    gz_images(p, 0x803, 3, 27, 28, (size_t)3 * 27 * 28, 0);
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "expected 28x28 images, found 27x28");
    gz_images(p, 0x803, 3, 28, 32, (size_t)3 * 28 * 32, 0);
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "expected 28x28 images, found 28x32");

    /* A header cut short (still validly compressed). */
    uint8_t *b;
    idx_images(&b, 0x803, 3, 28, 28, 0, 0);
    write_gz(p, b, 10);
    free(b);
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "expected an IDX images header of 16 bytes, got 10 bytes");

    /* An absurd count is refused before any allocation. */
    gz_images(p, 0x803, 0xffffffffu, 28, 28, 0, 0);
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "found 4294967295");
}

static void wrong_counts(void **state)
{
    (void)state;
    good_pair();
    struct fmnist s;
    struct err e;
    const char *p = tmp_path("bad.gz"), *img = tmp_path("img.gz"), *lab = tmp_path("lab.gz");

    gz_images(p, 0x803, 5, 28, 28, (size_t)5 * FMNIST_PIXELS, 0);
    assert_failed(fmnist_read(p, lab, 10000, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "expected 10000 images, found 5");
    /* Right images, wrong labels count. */
    assert_failed(fmnist_read(img, lab, 4, &s, &e), &e, &s, img);
    assert_string_equal(e.msg, "expected 4 images, found 3");
    const uint8_t four[4] = {1, 2, 3, 4};
    gz_labels(p, 0x801, 4, four, 4);
    assert_failed(fmnist_read(img, p, 3, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "expected 3 labels, found 4");
    /* With any count allowed, the two files must still agree. */
    assert_failed(fmnist_read(img, p, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "has 4 labels, but ");
    assert_msg_has(&e, img);
    assert_msg_has(&e, " has 3 images");
}

static void wrong_payload(void **state)
{
    (void)state;
    good_pair();
    struct fmnist s;
    struct err e;
    const char *p = tmp_path("bad.gz"), *img = tmp_path("img.gz"), *lab = tmp_path("lab.gz");

    gz_images(p, 0x803, 3, 28, 28, 2 * FMNIST_PIXELS, 0); /* 2 images' worth */
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "is truncated: the header announces 3 images, so expected 2352 "
                               "bytes after the header, got 1568");

    gz_images(p, 0x803, 3, 28, 28, IMG3, 5);
    assert_failed(fmnist_read(p, lab, 0, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "has extra data: 5 bytes after the 2352 the header announces (3 "
                               "images)");

    const uint8_t two[2] = {1, 2};
    gz_labels(p, 0x801, 3, two, 2);
    assert_failed(fmnist_read(img, p, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "3 labels, so expected 3 bytes after the header, got 2");
    const uint8_t four[4] = {1, 2, 3, 4};
    gz_labels(p, 0x801, 3, four, 4);
    assert_failed(fmnist_read(img, p, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "has extra data: 1 bytes after the 3");

    const uint8_t ten[3] = {0, 9, 10};
    gz_labels(p, 0x801, 3, ten, 3);
    assert_failed(fmnist_read(img, p, 0, &s, &e), &e, &s, p);
    assert_string_equal(e.msg, "label 10 at index 2 is out of range: expected 0..9");
    const uint8_t big[3] = {255, 0, 0};
    gz_labels(p, 0x801, 3, big, 3);
    assert_failed(fmnist_read(img, p, 0, &s, &e), &e, &s, p);
    assert_msg_has(&e, "label 255 at index 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_counts_labels_pixels),
        cmocka_unit_test(real_split_is_the_documented_one),
        cmocka_unit_test(dir_override_and_determinism),
        cmocka_unit_test(reads_a_small_pair),
        cmocka_unit_test(missing_files),
        cmocka_unit_test(not_gzip_or_damaged_gzip),
        cmocka_unit_test(wrong_header),
        cmocka_unit_test(wrong_counts),
        cmocka_unit_test(wrong_payload),
    };
    return cmocka_run_group_tests_name("fmnist", tests, setup, teardown);
}
