/* What every fuzz target includes: the libFuzzer entry points, and the
 * small things the targets share. A target is one file that defines
 * LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize where it opens
 * something once); it aborts on anything it finds wrong, so the same
 * file serves libFuzzer (make fuzz) and the replay of tests/fuzz/replay.c.
 * Targets that try several spaces or modes take the first byte of the
 * input as the choice ('0', '1' ... in the seeds) and the rest as text. */
#ifndef COLLM_FUZZ_H
#define COLLM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code under test broke: says which and aborts, which
 * libFuzzer and the replay both count as a crash. */
#define FUZZ_CHECK(cond)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

/* The input as a NUL-terminated string (what the parsers take): malloc'd,
 * so ASan sees a read past its end. Bytes after an embedded NUL are
 * simply not seen by the code under test. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Writes the input to `path` (a file the target owns), replacing it. */
static inline void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

#endif
