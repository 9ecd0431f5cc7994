/* Fashion-MNIST, read from the gzip-compressed IDX files of the Debian
 * package dataset-fashion-mnist:
 *   train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz   (60,000)
 *   t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz    (10,000)
 *
 * IDX is big-endian: an images file is magic 0x00000803, then the count,
 * rows and columns (u32 each), then count*rows*cols pixel bytes (0..255,
 * row-major, 0 = background); a labels file is magic 0x00000801, the
 * count, then one byte 0..9 per image.
 *
 * The split is fixed once and for all: the 60,000 training images become
 * 50,000 for training and 10,000 for validation (the search's feedback);
 * the official 10,000 t10k images are the test set, never used for
 * training or search feedback. The validation set is chosen by a partial
 * Fisher-Yates shuffle with engine/core/rng seeded with FMNIST_SPLIT_SEED:
 *   perm = 0, 1, ..., 59999
 *   for i in 0 .. 9999: j = i + rng_below(r, 60000 - i); swap perm[i], perm[j]
 *   validation = { perm[0], ..., perm[9999] }
 * Both parts keep the images in their original file order, so the split is
 * stable and the same on every machine. */
#ifndef COLLM_FMNIST_H
#define COLLM_FMNIST_H

#include <stdint.h>

#include "../core/err.h"

#define FMNIST_ROWS 28
#define FMNIST_COLS 28
#define FMNIST_PIXELS (FMNIST_ROWS * FMNIST_COLS)
#define FMNIST_CLASSES 10
#define FMNIST_TRAIN_FILE_N 60000 /* images in train-*.gz */
#define FMNIST_TRAIN_N 50000
#define FMNIST_VALID_N 10000
#define FMNIST_TEST_N 10000
/* 25 August 2017, the day Fashion-MNIST was published. Changing it changes
 * which images are validation: every stored result would be incomparable. */
#define FMNIST_SPLIT_SEED 20170825u
#define FMNIST_DIR_DEFAULT "/usr/share/datasets/fashion-mnist"

/* n images of h x w bytes (images[i*h*w + y*w + x]) and their labels.
 * index[i] is image i's position in the file it came from (train-*.gz for
 * the training and validation parts, t10k-*.gz for the test part). */
struct fmnist {
    int n, h, w;
    uint8_t *images; /* n*h*w */
    uint8_t *labels; /* n, each 0..9 */
    int *index;      /* n */
};

struct fmnist_data {
    struct fmnist train, valid, test;
    char dir[512]; /* the folder the files were read from */
};

/* $COLLM_FMNIST_DIR when set and not empty, else FMNIST_DIR_DEFAULT. */
const char *fmnist_dir_default(void);

/* Reads one images file and its labels file into *out (index[i] = i).
 * expect_n > 0: both must hold exactly that many; expect_n <= 0: any
 * count, as long as both agree. Images must be 28x28. On error *out is
 * left empty (all NULL) and e's `where` names the offending file. */
int fmnist_read(const char *images_gz, const char *labels_gz, int expect_n, struct fmnist *out,
                struct err *e);

/* Reads the four files from dir (NULL: fmnist_dir_default()) and splits
 * the training file as described above. On error *d is left empty. */
int fmnist_load(const char *dir, struct fmnist_data *d, struct err *e);

/* A 64-bit FNV-1a hash of the images, then the labels, in order: equal
 * hashes mean equal contents; tests pin the documented split with it. */
uint64_t fmnist_hash(const struct fmnist *s);

/* Free and zero; safe on zeroed or already freed structs. */
void fmnist_free_set(struct fmnist *s);
void fmnist_free(struct fmnist_data *d);

#endif
