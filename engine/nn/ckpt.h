/* Supernet checkpoints: named float32 tensors plus the caller's JSON.
 *
 * File format, version 1 (all integers little-endian):
 *
 *   bytes 0..7    magic "COLLMCKP"
 *   bytes 8..11   u32: header length L (1 .. 16 MiB)
 *   L bytes       header: one UTF-8 JSON object
 *                   {"format":"collm-checkpoint", "version":1,
 *                    "kind":"fmnist-supernet",
 *                    "meta":{...the caller's object: recipe, training state...},
 *                    "tensors":[{"name":"stem.w","shape":[16,1,3,3],"offset":0},
 *                               {"name":"stem.b","shape":[16],"offset":144}, ...],
 *                    "payload_floats":N,
 *                    "payload_sha256":"64 lowercase hex digits"}
 *   N * 4 bytes   payload: N float32 values, little-endian on every host
 *
 * "offset" counts floats from the start of the payload. The tensors lie in
 * the payload in the order listed, contiguous (each begins where the one
 * before ends, the first at 0), and together fill it exactly: their sizes
 * sum to payload_floats. Nothing follows the payload. payload_sha256 is the
 * SHA-256 of the payload bytes as stored. A tensor name is 1..63 printable
 * ASCII characters, unique in the file; a shape has 1..4 dims, each a
 * positive integer below 2^31; kind is 1..31 printable ASCII characters.
 * No value is NaN or infinite. Readers ignore header keys they do not know;
 * a change that old readers would misread gets a new "version", and
 * ckpt_read refuses versions newer than CKPT_VERSION by name.
 *
 * Errors name the file (and the header field or byte offset) in `where`. */
#ifndef COLLM_CKPT_H
#define COLLM_CKPT_H

#include <stddef.h>

#include "../core/err.h"

#define CKPT_MAGIC "COLLMCKP"
#define CKPT_FORMAT "collm-checkpoint"
#define CKPT_VERSION 1
#define CKPT_MAX_HEADER (16u << 20) /* bytes */
#define CKPT_MAX_DIMS 4

struct ckpt_tensor {
    char name[64];
    int ndim;
    int shape[CKPT_MAX_DIMS];
    size_t n;   /* floats: the product of the shape */
    float *data;
};

struct ckpt {
    char kind[32];
    char *meta_json; /* the caller's JSON object as text, owned; NULL writes {} */
    int ntensors;
    struct ckpt_tensor *t;
};

/* Writes PATH.tmp, flushes and fsyncs it, then renames it over PATH: PATH
 * is either the old file or the complete new one, never half a file, and no
 * PATH.tmp is left behind on failure. Refuses (writing nothing) what
 * ckpt_read would refuse: bad names or shapes, n not matching the shape,
 * duplicate names, NaN or infinite values, meta_json not a JSON object. */
int ckpt_write(const char *path, const struct ckpt *c, struct err *e);

/* Reads and checks a whole checkpoint into *c: kind, the header checks
 * above, payload size, sha256, finite values. expect_kind NULL accepts any
 * kind. On success *c owns everything (meta_json comes back as compact
 * JSON: the same value, not necessarily the same text); on failure *c is
 * left empty. Either way ckpt_free may be called. */
int ckpt_read(const char *path, const char *expect_kind, struct ckpt *c, struct err *e);

/* free()s meta_json, every t[i].data and t, then zeroes *c. Works on a
 * struct built by the caller too, if all of those came from malloc. */
void ckpt_free(struct ckpt *c);

/* The tensor called `name`, or NULL. */
const struct ckpt_tensor *ckpt_find(const struct ckpt *c, const char *name);

/* 0 if tensor `name` exists with exactly this shape; otherwise an error
 * naming the tensor with the expected and the found shape (or "missing").
 * The struct does not know its file: callers err_wrap(e, path). */
int ckpt_expect(const struct ckpt *c, const char *name, int ndim, const int *shape,
                struct err *e);

/* SHA-256 of the whole file as 64 lowercase hex digits, for READMEs and
 * `doctor`. */
int ckpt_sha256_file(const char *path, char hex[65], struct err *e);

#endif
