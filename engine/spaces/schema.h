/* JSON Schemas of architectures, for servers that constrain what a model
 * may write (response_format json_schema: vLLM, llama.cpp, Ollama, OpenAI).
 * A schema only shapes the answer; the space's decode still judges it. */
#ifndef COLLM_SCHEMA_H
#define COLLM_SCHEMA_H

/* A string matching `regex` (anchored by the caller). malloc'd JSON text. */
char *schema_string(const char *regex);

struct schema_choices {
    const int *v;
    int n;
};

/* The MobileNetV3-style dict {"ks": [slots], "e": [slots], "d": [stages],
 * "r": R} where inactive slots may be 0. malloc'd JSON text. */
char *schema_mbv3_dict(int slots, int stages, struct schema_choices ks, struct schema_choices e,
                       struct schema_choices d, struct schema_choices r);

#endif
