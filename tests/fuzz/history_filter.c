/* filter_parse on what a person types at the History's `/`, and
 * filter_match of what parses against an architecture of the space. An
 * error says where (a character of the text) and what; a filter holds
 * what fits. First byte: the space ('0' nb201, '1' ofa-mbv3, '2'
 * spos-shufflenet; odd from '3' on: the same with the test accuracy hidden). */
#include "fuzz_space.h"

#include "../../engine/core/rng.h"
#include "../../engine/spaces/filter.h"

static const char *const specs[] = {"nb201:cifar10", "ofa-mbv3", "spos-shufflenet"};
static struct space *spaces[3];
static struct record recs[3];
static char texts[3][1024];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < 3; i++) {
        struct rng r;
        spaces[i] = fuzz_space_open(specs[i]);
        rng_seed(&r, 5);
        space_sample(spaces[i], &r, &recs[i].arch);
        FUZZ_CHECK(space_encode(spaces[i], &recs[i].arch, texts[i], sizeof texts[i]) > 0);
        recs[i].text = texts[i];
        for (int m = 0; m < METRIC_MAX; m++)
            recs[i].m[m] = 50 + m;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int k = data[0] % 3, hide = data[0] / 3 % 2;
    const struct space *s = spaces[k];
    char *text = fuzz_cstr(data + 1, size - 1);
    struct filter_ctx c = {s, s->metrics, s->nmetrics, hide ? s->report : -1};
    struct filter f = {0};
    struct err e = {0};
    if (filter_parse(&f, text, &c, &e) == 0) {
        FUZZ_CHECK(f.n >= 0 && f.n <= FILTER_TERMS);
        for (int i = 0; i < f.n; i++) {
            FUZZ_CHECK(f.t[i].kind != FILTER_METRIC ||
                       (f.t[i].metric >= 0 && f.t[i].metric < s->nmetrics &&
                        f.t[i].metric != c.hidden));
            FUZZ_CHECK(f.t[i].kind != FILTER_DECISION ||
                       (f.t[i].dim >= 0 && f.t[i].dim < s->ndims && f.t[i].choice >= 0 &&
                        f.t[i].choice < s->dims[f.t[i].dim].nchoices));
        }
        int m = filter_match(&f, s, &recs[k], NULL, NULL);
        FUZZ_CHECK(m == 0 || m == 1);
    } else {
        int at = 0;
        FUZZ_CHECK(e.msg[0] != '\0');
        FUZZ_CHECK(sscanf(e.where, "character %d", &at) == 1);
        FUZZ_CHECK(at >= 1 && at <= (int)strlen(text) + 1);
        FUZZ_CHECK(f.n == 0); /* an error leaves the filter as it was */
    }
    free(text);
    return 0;
}
