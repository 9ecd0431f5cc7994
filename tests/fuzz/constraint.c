/* constraint_parse on --constraint text: what parses formats to canonical
 * text that parses again to the same bounds. First byte: the space whose
 * metrics it names ('0' nb201, '1' ofa-mbv3, '2' fmnist-supernet). */
#include "fuzz_space.h"

#include "../../engine/core/constraint.h"
#include "../../engine/spaces/space.h"

static const char *const specs[] = {"nb201:cifar10", "ofa-mbv3", "fmnist-supernet"};
static struct space *spaces[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < 3; i++)
        spaces[i] = fuzz_space_open(specs[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const struct space *s = spaces[data[0] % 3];
    char *text = fuzz_cstr(data + 1, size - 1);
    struct constraint c, c2;
    struct err e = {0};
    if (constraint_parse(&c, text, s->metrics, s->nmetrics, &e) == 0) {
        FUZZ_CHECK(c.n >= 0 && c.n <= CONSTRAINT_MAX);
        char canon[2048], canon2[2048];
        constraint_format(&c, s->metrics, canon, sizeof canon);
        struct err e2 = {0};
        if (constraint_parse(&c2, canon, s->metrics, s->nmetrics, &e2) != 0) {
            fprintf(stderr, "constraint: its own '%s' does not parse: %s\n", canon, e2.msg);
            abort();
        }
        FUZZ_CHECK(c2.n == c.n);
        for (int i = 0; i < c.n; i++) {
            FUZZ_CHECK(c2.b[i].metric == c.b[i].metric && c2.b[i].op == c.b[i].op);
            FUZZ_CHECK(c2.b[i].value == c.b[i].value);
        }
        constraint_format(&c2, s->metrics, canon2, sizeof canon2);
        FUZZ_CHECK(strcmp(canon, canon2) == 0);
        double m[METRIC_MAX] = {0};
        int v = constraint_violated(&c, m);
        if (v >= 0) {
            char why[256];
            constraint_explain(&c, v, s->metrics, m, why, sizeof why);
        }
    } else {
        FUZZ_CHECK(e.msg[0] != '\0');
    }
    free(text);
    return 0;
}
