/* The architecture codecs: decode, encode, decode again gives the same
 * architecture and the same text. First byte: '0' nb201, '1' ofa-mbv3,
 * '2' fmnist-supernet, '3' spos-shufflenet, '4' autoformer-tiny, '5'
 * autoformer-base (modulo 6, so the older seeds keep their spaces). */
#include "fuzz_space.h"

#include "../../engine/spaces/space.h"

static const char *const specs[] = {"nb201:cifar10",   "ofa-mbv3",        "fmnist-supernet",
                                    "spos-shufflenet", "autoformer-tiny", "autoformer-base"};
#define NSPACES ((int)(sizeof specs / sizeof specs[0]))
static struct space *spaces[NSPACES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < NSPACES; i++)
        spaces[i] = fuzz_space_open(specs[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const struct space *s = spaces[data[0] % NSPACES];
    char *text = fuzz_cstr(data + 1, size - 1);
    struct arch a, b;
    struct err e = {0};
    if (space_decode(s, text, &a, &e) == 0) {
        FUZZ_CHECK(a.n == s->ndims);
        for (int d = 0; d < s->ndims; d++)
            FUZZ_CHECK(a.v[d] < s->dims[d].nchoices);
        char t1[8192], t2[8192];
        FUZZ_CHECK(space_encode(s, &a, t1, sizeof t1) > 0);
        struct err e2 = {0};
        if (space_decode(s, t1, &b, &e2) != 0) {
            fprintf(stderr, "space_codec: %s does not decode its own '%s': %s: %s\n", s->id, t1,
                    e2.where, e2.msg);
            abort();
        }
        FUZZ_CHECK(arch_eq(&a, &b));
        FUZZ_CHECK(space_encode(s, &b, t2, sizeof t2) > 0 && strcmp(t1, t2) == 0);
        char brief[256];
        FUZZ_CHECK(space_brief(s, t1, brief, sizeof brief) != NULL);
        double m[METRIC_MAX] = {0};
        struct err e3 = {0};
        space_cost(s, &a, m, &e3); /* costs of any architecture it decodes */
    } else {
        FUZZ_CHECK(e.msg[0] != '\0'); /* a refusal says what was expected */
    }
    free(text);
    return 0;
}
