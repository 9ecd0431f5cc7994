/* SHA-256, to check that data files (predictor weights) are the ones the
 * program was built and tested with. */
#ifndef COLLM_SHA256_H
#define COLLM_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t n;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
/* The digest as 64 lowercase hex digits (hex >= 65 bytes). */
void sha256_hex(struct sha256 *c, char *hex);

#endif
