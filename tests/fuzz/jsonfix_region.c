/* jsonfix_region on text that starts with a bracket (the input is the
 * region; one is put in front when it lacks one). */
#include "fuzz.h"

#include <cjson/cJSON.h>

#include "../../engine/agents/jsonfix.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    if (text[0] != '{' && text[0] != '[') {
        free(text);
        text = malloc(size + 2);
        if (!text)
            abort();
        text[0] = '[';
        memcpy(text + 1, data, size);
        text[size + 1] = '\0';
    }
    const char *end = NULL;
    char *fixed = jsonfix_region(text, &end);
    if (fixed) {
        FUZZ_CHECK(end > text && end <= text + strlen(text));
        cJSON *v = cJSON_Parse(fixed);
        char *printed = v ? cJSON_PrintUnformatted(v) : NULL;
        cJSON *v1 = printed ? cJSON_Parse(printed) : NULL;
        /* repairing strict JSON changes nothing it means (when cJSON's own
         * printing kept the meaning: 1e999 prints as null) */
        if (v1 && cJSON_Compare(v, v1, 1)) {
            const char *end2 = NULL;
            char *fixed2 = jsonfix_region(printed, &end2);
            FUZZ_CHECK(fixed2 && end2 == printed + strlen(printed));
            cJSON *v2 = cJSON_Parse(fixed2);
            FUZZ_CHECK(v2 && cJSON_Compare(v1, v2, 1));
            cJSON_Delete(v2);
            free(fixed2);
        }
        cJSON_Delete(v1);
        cJSON_free(printed);
        cJSON_Delete(v);
        free(fixed);
    }
    free(text);
    return 0;
}
