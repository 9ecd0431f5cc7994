#include "answer.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

void llm_answer_reset(struct llm_answer *a)
{
    strbuf_reset(&a->text);
    strbuf_reset(&a->reasoning);
    a->finish[0] = '\0';
    a->tokens_in = a->tokens_out = a->tokens_reasoning = 0;
    a->usage_bad[0] = '\0';
    a->sse_pos = 0;
    a->sse_events = a->sse_done = 0;
}

void llm_answer_free(struct llm_answer *a)
{
    strbuf_free(&a->text);
    strbuf_free(&a->reasoning);
}

/* The journal's reader takes counts from 0 to below 10^15 (fields.c's
 * FK_COUNT); anything else a server says is 0 here, and flagged. */
#define COUNT_MAX 1e15

static void read_count(struct llm_answer *a, const cJSON *v, const char *key, long *out)
{
    if (!cJSON_IsNumber(v))
        return;
    double d = v->valuedouble;
    if (d >= 0 && d < COUNT_MAX) {
        *out = (long)d;
        return;
    }
    *out = 0;
    if (!a->usage_bad[0])
        snprintf(a->usage_bad, sizeof a->usage_bad, "the server said %s %g, which is no token "
                 "count: taken as 0", key, d);
}

static void read_usage(struct llm_answer *a, const cJSON *o)
{
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "usage");
    read_count(a, cJSON_GetObjectItemCaseSensitive(u, "prompt_tokens"), "prompt_tokens",
               &a->tokens_in);
    read_count(a, cJSON_GetObjectItemCaseSensitive(u, "completion_tokens"), "completion_tokens",
               &a->tokens_out);
    const cJSON *det = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens_details");
    read_count(a, cJSON_GetObjectItemCaseSensitive(det, "reasoning_tokens"), "reasoning_tokens",
               &a->tokens_reasoning);
}

/* A reasoning model's thinking when the server parses it out of the answer:
 * vLLM and DeepSeek say "reasoning_content", Ollama and OpenRouter
 * "reasoning". NULL when there is none. */
static const char *reasoning_of(const cJSON *msg)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(msg, "reasoning_content");
    if (!cJSON_IsString(t))
        t = cJSON_GetObjectItemCaseSensitive(msg, "reasoning");
    return cJSON_IsString(t) && t->valuestring[0] ? t->valuestring : NULL;
}

static void read_finish(struct llm_answer *a, const cJSON *choice)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
    if (cJSON_IsString(f))
        snprintf(a->finish, sizeof a->finish, "%s", f->valuestring);
}

/* One server-sent event's data: a chunk with choices[0].delta. */
static void sse_data(struct llm_answer *a, const char *data, size_t len)
{
    if (len == 6 && strncmp(data, "[DONE]", 6) == 0) {
        a->sse_done = 1;
        return;
    }
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!o)
        return; /* a keep-alive or a comment; the final check catches real damage */
    a->sse_events++;
    const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "choices"), 0);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(ch, "delta");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(d, "content");
    const char *think = reasoning_of(d);
    if (think) {
        size_t n = strlen(think);
        strbuf_add(&a->reasoning, think, n);
        if (a->thinking)
            a->thinking(a->ud, think, n);
    }
    if (cJSON_IsString(content) && content->valuestring[0]) {
        size_t n = strlen(content->valuestring);
        strbuf_add(&a->text, content->valuestring, n);
        if (a->delta)
            a->delta(a->ud, content->valuestring, n);
    }
    read_finish(a, ch);
    read_usage(a, o);
    cJSON_Delete(o);
}

void llm_answer_feed_sse(struct llm_answer *a, const struct strbuf *body)
{
    for (;;) {
        const char *start = body->p + a->sse_pos;
        const char *nl = memchr(start, '\n', body->len - a->sse_pos);
        if (!nl)
            return;
        size_t len = (size_t)(nl - start);
        if (len && start[len - 1] == '\r')
            len--;
        if (len >= 5 && strncmp(start, "data:", 5) == 0) {
            const char *d = start + 5;
            size_t dl = len - 5;
            while (dl && *d == ' ')
                d++, dl--;
            sse_data(a, d, dl);
        }
        a->sse_pos = (size_t)(nl - body->p) + 1;
    }
}

int llm_answer_parse(struct llm_answer *a, const char *body, char *why, size_t n)
{
    cJSON *o = cJSON_Parse(body);
    const cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "choices"), 0);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(ch, "message");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
    if (!o || !cJSON_IsObject(msg)) {
        /* its start tells a proxy's HTML page from a model's JSON */
        char start[64];
        size_t k = 0;
        for (const char *b = body; *b && k < 48; b++)
            start[k++] = *b == '\n' || *b == '\r' || *b == '\t' ? ' ' : *b;
        start[k] = '\0';
        snprintf(why, n, "the answer is not a chat completion (%s): it starts \"%s%s\"",
                 !o ? "not JSON" : "no choices[0].message", start, body[k] ? "..." : "");
        cJSON_Delete(o);
        return -1;
    }
    read_finish(a, ch);
    read_usage(a, o);
    const char *think = reasoning_of(msg);
    if (think)
        strbuf_add(&a->reasoning, think, strlen(think));
    strbuf_reset(&a->text);
    if (cJSON_IsString(content))
        strbuf_add(&a->text, content->valuestring, strlen(content->valuestring));
    cJSON_Delete(o);
    return 0;
}

void llm_answer_server_message(const struct strbuf *b, char *out, size_t n)
{
    out[0] = '\0';
    cJSON *o = cJSON_Parse(strbuf_str(b));
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "error");
    const cJSON *m = cJSON_IsObject(err) ? cJSON_GetObjectItemCaseSensitive(err, "message") : err;
    if (!cJSON_IsString(m)) /* vLLM: {"object": "error", "message": ...} */
        m = cJSON_GetObjectItemCaseSensitive(o, "message");
    if (cJSON_IsString(m))
        snprintf(out, n, ": %s", m->valuestring);
    else if (b->len)
        snprintf(out, n, ": %.160s", strbuf_str(b));
    cJSON_Delete(o);
}
