/* The checks of the checkpoint format (ckpt.h), shared by its writer and
 * its reader, and the error form they use. */
#ifndef COLLM_CKPT_CHECK_H
#define COLLM_CKPT_CHECK_H

#include "ckpt.h"

struct cJSON;

/* An error whose where is "PATH, FIELD" (or PATH alone when field is
 * NULL); a long path loses its beginning rather than the field being cut
 * off. Returns -1, as err_set does. */
__attribute__((format(printf, 4, 5))) int ckpt_fail(struct err *e, const char *path,
                                                    const char *field, const char *fmt, ...);

/* "[16,1,3,3]" into buf; returns buf. */
const char *ckpt_shape_text(int ndim, const int *shape, char *buf, size_t n);
/* "NaN", "+Inf" or "-Inf": how errors name a value that is not finite. */
const char *ckpt_nonfinite(float v);

/* 0, or an error for anything in *c that ckpt_read would refuse. */
int ckpt_check_write(const char *path, const struct ckpt *c, struct err *e);

/* The header's fields into *c (kind, meta_json, the tensors' names and
 * shapes, without data), each checked; the tensors' places are checked
 * against payload_floats, which goes to *pf, and payload_sha256 to sha. On
 * an error *c may hold part of the header: the caller ckpt_free()s it. */
int ckpt_check_header(const char *path, const struct cJSON *root, const char *expect_kind,
                      struct ckpt *c, unsigned long long *pf, char sha[65], struct err *e);

#endif
