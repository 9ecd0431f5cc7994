/* parse_candidates on a Generator's answer, without a space and with each
 * space (its fallback reads architectures out of prose). First byte: the
 * space ('0' none, '1' nb201, '2' ofa-mbv3, '3' fmnist-supernet) and, from
 * '4' on, finish_reason "length" instead of "stop". */
#include "fuzz_space.h"

#include "../../engine/agents/parse.h"

static const char *const specs[] = {NULL, "nb201:cifar10", "ofa-mbv3", "fmnist-supernet"};
static struct space *spaces[4];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (int i = 1; i < 4; i++)
        spaces[i] = fuzz_space_open(specs[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = fuzz_cstr(data + 1, size - 1);
    const struct space *sp = spaces[data[0] % 4];
    const char *finish = (data[0] / 4) % 2 ? "length" : "stop";
    struct cand_list out;
    cand_list_init(&out);
    char why[256];
    why[0] = '\0';
    int n = parse_candidates(text, finish, sp, &out, why, sizeof why);
    if (n < 0) {
        FUZZ_CHECK(why[0] != '\0'); /* a refusal always says why */
        FUZZ_CHECK(memchr(why, '\0', sizeof why) != NULL);
    } else {
        FUZZ_CHECK(n == out.n && n <= PARSE_MAX_CANDIDATES);
        for (int i = 0; i < out.n; i++)
            FUZZ_CHECK(out.items[i].has_arch || out.items[i].text);
    }
    cand_list_free(&out);
    free(text);
    return 0;
}
