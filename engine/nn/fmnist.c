#include "fmnist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "../core/rng.h"

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
/* Far above any real set: a damaged header cannot ask for gigabytes. */
#define IDX_MAX_COUNT 1000000u

#define REINSTALL "reinstall it with `apt-get install --reinstall dataset-fashion-mnist`"

const char *fmnist_dir_default(void)
{
    const char *d = getenv("COLLM_FMNIST_DIR");
    return d && *d ? d : FMNIST_DIR_DEFAULT;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads up to n bytes into buf; *got says how many came. -1 on a zlib
 * error (the caller asks gzerror what it was). */
static int gz_fill(gzFile f, uint8_t *buf, size_t n, size_t *got)
{
    size_t done = 0;
    while (done < n) {
        size_t want = n - done > (1u << 30) ? (1u << 30) : n - done;
        int r = gzread(f, buf + done, (unsigned)want);
        if (r < 0) {
            *got = done;
            return -1;
        }
        if (r == 0)
            break;
        done += (size_t)r;
    }
    *got = done;
    return 0;
}

static int gz_errnum(gzFile f)
{
    int errnum = Z_OK;
    gzerror(f, &errnum);
    return errnum;
}

/* A read on f failed or zlib recorded an error: describes it, closes f. */
static int gz_fail(gzFile f, const char *path, struct err *e)
{
    int errnum = Z_OK;
    const char *m = gzerror(f, &errnum);
    if (errnum == Z_ERRNO)
        err_set(e, path, "cannot read the file: %s", strerror(errno));
    else
        err_set(e, path, "the gzip stream is damaged (%s): " REINSTALL,
                errnum != Z_OK && m && *m ? m : "zlib read error");
    gzclose(f);
    return -1;
}

/* Reads one IDX file, images (16-byte header, rows x cols checked) or
 * labels (8-byte header), whole into a fresh buffer *data of *count items
 * (times 28x28 for images). */
static int read_idx(const char *path, int images, int expect_n, uint32_t *count, uint8_t **data,
                    struct err *e)
{
    const char *what = images ? "images" : "labels";
    *data = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return err_set(e, path,
                           "the Fashion-MNIST file is missing: install it with `apt-get install "
                           "dataset-fashion-mnist`, or set COLLM_FMNIST_DIR to a folder holding "
                           "{train,t10k}-images-idx3-ubyte.gz and "
                           "{train,t10k}-labels-idx1-ubyte.gz");
        return err_set(e, path, "cannot read the file: %s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return err_set(e, path, "is a folder; expected a gzip-compressed IDX %s file", what);
    if (st.st_size == 0)
        return err_set(e, path, "the file is empty (0 bytes), so it is damaged: " REINSTALL);

    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f)
        return err_set(e, path, "cannot open the file: %s",
                       errno ? strerror(errno) : "out of memory");
    gzbuffer(f, 1u << 18);

    uint8_t hdr[16];
    size_t hlen = images ? 16 : 8, got;
    if (gz_fill(f, hdr, hlen, &got) < 0 || gz_errnum(f) != Z_OK)
        return gz_fail(f, path, e);
    if (gzdirect(f)) {
        gzclose(f);
        return err_set(e, path,
                       "is not gzip-compressed (it does not start with the gzip signature 1f "
                       "8b), so it is damaged: " REINSTALL);
    }
    uint32_t magic = got >= 4 ? be32(hdr) : 0, want = images ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
    if (got >= 4 && magic != want) {
        gzclose(f);
        const char *is = magic == IDX_IMAGES_MAGIC   ? " (an IDX images file)"
                         : magic == IDX_LABELS_MAGIC ? " (an IDX labels file)"
                                                     : "";
        return err_set(e, path, "expected an IDX %s file (magic 0x%08x), found magic 0x%08x%s",
                       what, (unsigned)want, (unsigned)magic, is);
    }
    if (got < hlen) {
        gzclose(f);
        return err_set(e, path,
                       "is truncated: expected an IDX %s header of %zu bytes, got %zu bytes", what,
                       hlen, got);
    }
    uint32_t n = be32(hdr + 4);
    if (expect_n > 0 && n != (uint32_t)expect_n) {
        gzclose(f);
        return err_set(e, path, "expected %d %s, found %u", expect_n, what, (unsigned)n);
    }
    if (n > IDX_MAX_COUNT) {
        gzclose(f);
        return err_set(e, path, "expected at most %u %s, found %u: the header is damaged",
                       IDX_MAX_COUNT, what, (unsigned)n);
    }
    size_t item = 1;
    if (images) {
        uint32_t rows = be32(hdr + 8), cols = be32(hdr + 12);
        if (rows != FMNIST_ROWS || cols != FMNIST_COLS) {
            gzclose(f);
            return err_set(e, path, "expected %dx%d images, found %ux%u", FMNIST_ROWS,
                           FMNIST_COLS, (unsigned)rows, (unsigned)cols);
        }
        item = FMNIST_PIXELS;
    }

    size_t len = (size_t)n * item;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        gzclose(f);
        return err_set(e, path, "out of memory for %zu bytes of %s", len, what);
    }
    if (gz_fill(f, buf, len, &got) < 0 || gz_errnum(f) != Z_OK) {
        free(buf);
        return gz_fail(f, path, e);
    }
    if (got < len) {
        free(buf);
        gzclose(f);
        return err_set(e, path,
                       "is truncated: the header announces %u %s, so expected %zu bytes after "
                       "the header, got %zu",
                       (unsigned)n, what, len, got);
    }
    uint8_t extra[4096];
    size_t more = 0, x;
    int r;
    do {
        r = gz_fill(f, extra, sizeof extra, &x);
        more += x;
    } while (r == 0 && x == sizeof extra && more < (1u << 20));
    if (r < 0 || gz_errnum(f) != Z_OK) {
        free(buf);
        return gz_fail(f, path, e);
    }
    if (more) {
        free(buf);
        gzclose(f);
        return err_set(e, path,
                       "has extra data: %s%zu bytes after the %zu the header announces (%u %s)",
                       more >= (1u << 20) ? "at least " : "", more, len, (unsigned)n, what);
    }
    int zc = gzclose(f);
    if (zc != Z_OK) {
        free(buf);
        return err_set(e, path, "the gzip stream is damaged (gzclose: %s): " REINSTALL,
                       zc == Z_BUF_ERROR ? "it ends in the middle" : zError(zc));
    }
    *count = n;
    *data = buf;
    return 0;
}

void fmnist_free_set(struct fmnist *s)
{
    if (!s)
        return;
    free(s->images);
    free(s->labels);
    free(s->index);
    memset(s, 0, sizeof *s);
}

void fmnist_free(struct fmnist_data *d)
{
    if (!d)
        return;
    fmnist_free_set(&d->train);
    fmnist_free_set(&d->valid);
    fmnist_free_set(&d->test);
}

int fmnist_read(const char *images_gz, const char *labels_gz, int expect_n, struct fmnist *out,
                struct err *e)
{
    memset(out, 0, sizeof *out);
    uint32_t ni = 0, nl = 0;
    uint8_t *img = NULL, *lab = NULL;
    if (read_idx(images_gz, 1, expect_n, &ni, &img, e) < 0)
        return -1;
    if (read_idx(labels_gz, 0, expect_n, &nl, &lab, e) < 0) {
        free(img);
        return -1;
    }
    if (ni != nl) {
        free(img);
        free(lab);
        return err_set(e, labels_gz, "has %u labels, but %s has %u images", (unsigned)nl,
                       images_gz, (unsigned)ni);
    }
    for (uint32_t i = 0; i < nl; i++)
        if (lab[i] >= FMNIST_CLASSES) {
            err_set(e, labels_gz, "label %u at index %u is out of range: expected 0..%d",
                    (unsigned)lab[i], (unsigned)i, FMNIST_CLASSES - 1);
            free(img);
            free(lab);
            return -1;
        }
    int *index = malloc((nl ? nl : 1) * sizeof *index);
    if (!index) {
        free(img);
        free(lab);
        return err_set(e, labels_gz, "out of memory");
    }
    for (uint32_t i = 0; i < nl; i++)
        index[i] = (int)i;
    out->n = (int)ni;
    out->h = FMNIST_ROWS;
    out->w = FMNIST_COLS;
    out->images = img;
    out->labels = lab;
    out->index = index;
    return 0;
}

/* Moves the FMNIST_VALID_N images chosen by the documented shuffle out of
 * all (the whole training file) into valid, and compacts the rest of all
 * in place: it becomes the training part. Both keep file order. */
static int split(struct fmnist *all, struct fmnist *valid, const char *where, struct err *e)
{
    enum { N = FMNIST_TRAIN_FILE_N, V = FMNIST_VALID_N, P = FMNIST_PIXELS };
    int *perm = malloc(N * sizeof *perm);
    uint8_t *is_valid = calloc(N, 1);
    valid->images = malloc((size_t)V * P);
    valid->labels = malloc(V);
    valid->index = malloc(V * sizeof *valid->index);
    if (!perm || !is_valid || !valid->images || !valid->labels || !valid->index) {
        free(perm);
        free(is_valid);
        fmnist_free_set(valid);
        return err_set(e, where, "out of memory splitting the training images");
    }
    for (int i = 0; i < N; i++)
        perm[i] = i;
    struct rng r;
    rng_seed(&r, FMNIST_SPLIT_SEED);
    for (int i = 0; i < V; i++) {
        int j = i + (int)rng_below(&r, (uint32_t)(N - i));
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        is_valid[perm[i]] = 1;
    }
    free(perm);

    int v = 0, t = 0;
    for (int i = 0; i < N; i++) {
        const uint8_t *src = all->images + (size_t)i * P;
        if (is_valid[i]) {
            memcpy(valid->images + (size_t)v * P, src, P);
            valid->labels[v] = all->labels[i];
            valid->index[v++] = i;
        } else {
            if (t != i)
                memmove(all->images + (size_t)t * P, src, P);
            all->labels[t] = all->labels[i];
            all->index[t++] = i;
        }
    }
    free(is_valid);
    valid->n = v;
    valid->h = FMNIST_ROWS;
    valid->w = FMNIST_COLS;
    all->n = t;
    /* Shrinking cannot really fail; if it does, the bigger block serves. */
    uint8_t *p = realloc(all->images, (size_t)t * P);
    if (p)
        all->images = p;
    return 0;
}

int fmnist_load(const char *dir, struct fmnist_data *d, struct err *e)
{
    memset(d, 0, sizeof *d);
    if (!dir)
        dir = fmnist_dir_default();
    if (strlen(dir) + 32 >= sizeof d->dir)
        return err_set(e, dir, "the Fashion-MNIST folder's path is too long (at most %zu bytes)",
                       sizeof d->dir - 32);
    snprintf(d->dir, sizeof d->dir, "%s", dir);

    /* The small test files first: a folder holding only those fails fast. */
    char img[sizeof d->dir + 32], lab[sizeof d->dir + 32];
    snprintf(img, sizeof img, "%s/t10k-images-idx3-ubyte.gz", dir);
    snprintf(lab, sizeof lab, "%s/t10k-labels-idx1-ubyte.gz", dir);
    if (fmnist_read(img, lab, FMNIST_TEST_N, &d->test, e) < 0)
        goto fail;
    snprintf(img, sizeof img, "%s/train-images-idx3-ubyte.gz", dir);
    snprintf(lab, sizeof lab, "%s/train-labels-idx1-ubyte.gz", dir);
    if (fmnist_read(img, lab, FMNIST_TRAIN_FILE_N, &d->train, e) < 0)
        goto fail;
    if (split(&d->train, &d->valid, img, e) < 0)
        goto fail;
    return 0;
fail:
    fmnist_free(d);
    return -1;
}

uint64_t fmnist_hash(const struct fmnist *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t ni = (size_t)s->n * (size_t)s->h * (size_t)s->w;
    for (size_t i = 0; i < ni; i++)
        h = (h ^ s->images[i]) * 0x100000001b3ULL;
    for (int i = 0; i < s->n; i++)
        h = (h ^ s->labels[i]) * 0x100000001b3ULL;
    return h;
}
