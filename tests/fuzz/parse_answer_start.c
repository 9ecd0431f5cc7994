/* parse_answer_start: where the answer begins after a reasoning block. */
#include "fuzz.h"

#include "../../engine/agents/parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    size_t len = strlen(text), rlen = (size_t)-1;
    const char *start = parse_answer_start(text, &rlen);
    if (start) {
        /* inside the text, after the reasoning it reports */
        FUZZ_CHECK(start >= text && start <= text + len);
        FUZZ_CHECK(rlen <= (size_t)(start - text));
        /* the answer holds no closing tag of its own: it is after the last */
        FUZZ_CHECK(!strstr(start, "</think>") && !strstr(start, "</thinking>"));
    }
    free(text);
    return 0;
}
