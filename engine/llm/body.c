#include "body.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    unsigned bit;
    const char *key;
} params[] = {
    {LLM_P_TEMPERATURE, "temperature"},   {LLM_P_TOP_P, "top_p"},
    {LLM_P_SEED, "seed"},                 {LLM_P_MAX_TOKENS, "max_tokens"},
    {LLM_P_MAX_COMPLETION, "max_completion_tokens"},
    {LLM_P_RESPONSE_FORMAT, "response_format"}, {LLM_P_STREAM_OPTIONS, "stream_options"},
};
/* not a key of its own: the json_schema form of response_format */
#define JSON_SCHEMA_NAME "response_format json_schema"
#define NPARAMS (sizeof params / sizeof params[0])

const char *llm_body_param_name(unsigned param)
{
    if (param == LLM_P_JSON_SCHEMA)
        return JSON_SCHEMA_NAME;
    for (size_t i = 0; i < NPARAMS; i++)
        if (params[i].bit == param)
            return params[i].key;
    return "?";
}

char *llm_body_make(const struct llm_params *p, const struct llm_msg *msgs, int n,
                    unsigned refused)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", p->model ? p->model : "");
    cJSON *a = cJSON_AddArrayToObject(o, "messages");
    for (int i = 0; i < n; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", msgs[i].role);
        cJSON_AddStringToObject(m, "content", msgs[i].content ? msgs[i].content : "");
        cJSON_AddItemToArray(a, m);
    }
    if (p->temperature >= 0 && !(refused & LLM_P_TEMPERATURE))
        cJSON_AddNumberToObject(o, "temperature", p->temperature);
    if (p->top_p > 0 && !(refused & LLM_P_TOP_P))
        cJSON_AddNumberToObject(o, "top_p", p->top_p);
    if (p->has_seed && !(refused & LLM_P_SEED))
        cJSON_AddNumberToObject(o, "seed", (double)p->seed);
    if (p->max_tokens > 0) {
        if (!(refused & LLM_P_MAX_TOKENS))
            cJSON_AddNumberToObject(o, "max_tokens", p->max_tokens);
        else if (!(refused & LLM_P_MAX_COMPLETION))
            cJSON_AddNumberToObject(o, "max_completion_tokens", p->max_tokens);
    }
    cJSON *schema = p->json_mode == LLM_JSON_SCHEMA && p->json_schema &&
                            !(refused & LLM_P_JSON_SCHEMA)
                        ? cJSON_Parse(p->json_schema) : NULL;
    if (schema && !(refused & LLM_P_RESPONSE_FORMAT)) {
        /* OpenAI's form, which vLLM, llama.cpp and Ollama accept too */
        cJSON *rf = cJSON_AddObjectToObject(o, "response_format");
        cJSON_AddStringToObject(rf, "type", "json_schema");
        cJSON *js = cJSON_AddObjectToObject(rf, "json_schema");
        cJSON_AddStringToObject(js, "name", "answer");
        cJSON_AddItemToObject(js, "schema", schema);
        schema = NULL;
    } else if (p->json_mode && !(refused & LLM_P_RESPONSE_FORMAT)) {
        cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "response_format"), "type",
                                "json_object");
    }
    cJSON_Delete(schema);
    if (p->stream) {
        cJSON_AddBoolToObject(o, "stream", 1);
        if (!(refused & LLM_P_STREAM_OPTIONS))
            cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "stream_options"),
                                  "include_usage", 1);
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* Is `key` named in `msg` as a parameter: quoted ('key' or "key") or
 * followed by a space, colon or comma, as servers write it? */
static int names(const char *msg, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = strstr(msg, key); p; p = strstr(p + 1, key)) {
        char before = p > msg ? p[-1] : ' ', after = p[kl];
        int word_before = before == '\'' || before == '"' || before == '`' || before == ' ';
        int word_after = after == '\'' || after == '"' || after == '`' || after == ' ' ||
                         after == ':' || after == ',' || after == '\0';
        if (word_before && word_after)
            return 1;
    }
    return 0;
}

unsigned llm_body_refused(const char *resp, const char *body)
{
    cJSON *r = cJSON_Parse(resp ? resp : "");
    cJSON *b = cJSON_Parse(body ? body : "");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
    const cJSON *param = cJSON_GetObjectItemCaseSensitive(err, "param");
    const cJSON *msg = cJSON_IsObject(err) ? cJSON_GetObjectItemCaseSensitive(err, "message")
                                           : err;
    const char *m = cJSON_IsString(msg) ? msg->valuestring : resp ? resp : "";
    unsigned found = 0;
    for (size_t i = 0; i < NPARAMS && !found; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(b, params[i].key))
            continue;
        if (cJSON_IsString(param) ? strcmp(param->valuestring, params[i].key) == 0
                                  : names(m, params[i].key) ||
                                        (params[i].bit == LLM_P_RESPONSE_FORMAT &&
                                         (names(m, "json_schema") || names(m, "schema"))))
            found = params[i].bit;
    }
    /* a refused schema falls back to json_object before nothing at all */
    const cJSON *rf = cJSON_GetObjectItemCaseSensitive(b, "response_format");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(rf, "type");
    if (found == LLM_P_RESPONSE_FORMAT && cJSON_IsString(type) &&
        strcmp(type->valuestring, "json_schema") == 0)
        found = LLM_P_JSON_SCHEMA;
    cJSON_Delete(r);
    cJSON_Delete(b);
    return found;
}

char *llm_body_drop(const char *body, unsigned param)
{
    cJSON *b = cJSON_Parse(body);
    if (!b)
        return NULL;
    if (param == LLM_P_JSON_SCHEMA) {
        cJSON *rf = cJSON_CreateObject();
        cJSON_AddStringToObject(rf, "type", "json_object");
        cJSON_ReplaceItemInObjectCaseSensitive(b, "response_format", rf);
        char *s = cJSON_PrintUnformatted(b);
        cJSON_Delete(b);
        return s;
    }
    const char *key = llm_body_param_name(param);
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(b, key);
    if (param == LLM_P_MAX_TOKENS && v)
        cJSON_AddNumberToObject(b, "max_completion_tokens", v->valuedouble);
    cJSON_Delete(v);
    char *s = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    return s;
}

unsigned llm_body_refused_for(const struct llm_refusals *f, const char *model)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->m[i].model, model ? model : "") == 0)
            return f->m[i].params;
    return 0;
}

void llm_body_remember(struct llm_refusals *f, const char *model, unsigned param)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->m[i].model, model ? model : "") == 0) {
            f->m[i].params |= param;
            return;
        }
    if (f->n < LLM_REFUSALS_MAX) {
        snprintf(f->m[f->n].model, sizeof f->m[f->n].model, "%s", model ? model : "");
        f->m[f->n++].params = param;
    }
}
