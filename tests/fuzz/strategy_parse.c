/* strategy_parse, the offline Generator's reading of any strategy text.
 * First byte: '0' nb201, '1' ofa-mbv3. Every number it takes from the
 * text must come out bounded: the Generator loops and samples on them. */
#include "fuzz_space.h"

#include <math.h>

#include "../../engine/agents/strategy.h"

static const char *const specs[] = {"nb201:cifar10", "ofa-mbv3"};
static struct space *spaces[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < 2; i++)
        spaces[i] = fuzz_space_open(specs[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const struct space *s = spaces[data[0] % 2];
    char *text = fuzz_cstr(data + 1, size - 1);
    struct plan p;
    int found = strategy_parse(text, s, &p);
    FUZZ_CHECK(found >= 0 && p.ndims == s->ndims);
    FUZZ_CHECK(p.exploit >= 0 && p.exploit <= 1);
    FUZZ_CHECK(p.radius >= 1 && p.radius <= s->ndims);
    FUZZ_CHECK(p.nanchors >= 0 && p.nanchors <= PLAN_MAX_ANCHORS);
    for (int d = 0; d < s->ndims; d++)
        for (int c = 0; c < PLAN_MAX_CHOICES; c++)
            FUZZ_CHECK(isfinite(p.w[d][c]) && (p.has[d][c] || p.w[d][c] == 0));
    for (int i = 0; i < p.nanchors; i++) {
        /* an anchor is an architecture of the space: it encodes */
        char buf[4096];
        FUZZ_CHECK(p.anchors[i].n == s->ndims);
        FUZZ_CHECK(space_encode(s, &p.anchors[i], buf, sizeof buf) > 0);
    }
    /* and what it read can be written as directions */
    struct strbuf b = {0};
    strategy_write_directions(&p, s, &b);
    FUZZ_CHECK(strbuf_str(&b) != NULL);
    strbuf_free(&b);
    free(text);
    return 0;
}
