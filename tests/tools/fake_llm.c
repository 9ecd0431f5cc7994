/* A stand-in for an OpenAI-compatible LLM server, for tests and demos on a
 * machine with no model: it speaks the real protocol on loopback (plain and
 * streamed answers, usage counts) and answers like a dutiful, unimaginative
 * model. As the Navigator it writes a strategy in the three sections,
 * naming the best architecture it was shown; as the Generator it returns
 * random valid NB201 cells that are not in the visited list, as JSON in a
 * code fence with prose around it. It can misbehave on request.
 *
 *   fake_llm [--port N] [--max-requests N] [--fail-first N] [--429-first N]
 *            [--garbage-every N] [--invalid-every N] [--vague-every N] [--seed N]
 *            [--style NAME]
 *
 * --style writes every answer the way some real model does (the content is
 * the same dutiful one):
 *   think      a reasoning model whose chat template opens <think> itself:
 *              "reasoning...</think>answer", the reasoning quoting the
 *              format example and drafting a strategy of its own; its
 *              candidates are bare JSON, as the prompt asks
 *   sloppy     the Generator's list as a single-quoted Python dict with //
 *              comments, trailing commas and items keyed "architecture"
 *   headings   the Navigator's sections as "**Summary:**", "Key patterns:",
 *              "3. Navigation directions"
 *   prose      the Generator names its cells in sentences, no JSON at all
 *   cutoff     answers stop at max_tokens (4 characters a token; 200 when
 *              the request sets none) with finish_reason "length"
 *   strict     an o-series style model: 400 for a temperature other than 1
 *              and for max_tokens (it wants max_completion_tokens)
 *   reasoning  a server with a reasoning parser (vLLM, DeepSeek): the thinking
 *              comes apart as reasoning_content (streamed as deltas too), with
 *              usage.completion_tokens_details.reasoning_tokens
 *   noschema   a server without structured output: 400 for response_format
 *              json_schema (json_object is fine)
 * and some hostile servers (one behaviour each, for every request):
 *   silent     accepts, reads the request and never answers (until the
 *              client hangs up)
 *   midbody    sends the headers and half a Content-Length body, then closes
 *   html       200 with a proxy's HTML page
 *   badjson    200 with a body that is not JSON; truncjson: JSON cut short
 *   nodone     a stream that stops after a few deltas, without [DONE] and
 *              without a finish_reason
 *   huge       200 with a 6 MiB body (over collm's 4 MiB cap)
 *   echokey    401 whose message quotes the bearer token it was sent
 *   badutf8    answers carrying invalid UTF-8 bytes (in the text and in a
 *              500's message first: --fail-first applies)
 *
 * --context N gives the model a context window of N tokens (4 characters a
 * token): a longer prompt gets vLLM's 400 "maximum context length is N
 * tokens", or with --style silentctx is cut from its oldest turns, as Ollama
 * does, and usage reports what was kept.
 *
 * --delay MS waits that long before each answer, as a model thinks.
 *
 * --pad N adds N bytes of rambling to every strategy, as a verbose model
 * writes (the journal's growth with the conversation is measured on it).
 *
 * --log FILE appends one line per request: the role, the sampling
 * parameters it carried ("navigator temperature=0.6 max_tokens=- ...") and
 * last whether an Authorization header came (auth=yes, auth=no).
 *
 * GET /v1/models lists the one model "fake-1".
 *
 * It prints "port N" on stdout once it listens, and exits after
 * --max-requests requests or on SIGTERM. It is not part of collm. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <signal.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../engine/core/rng.h"
#include "../../engine/spaces/nb201.h"

static struct {
    int context, delay_ms, pad;
    int port, max_requests, fail_first, first_429, garbage_every, invalid_every, vague_every;
    unsigned long long seed;
    const char *style, *log;
} opt = {.max_requests = 1000000, .seed = 1, .style = ""};

static int style(const char *name) { return strcmp(opt.style, name) == 0; }

static long req_max_tokens; /* of the request being answered, 0 if none */
static long usage_prompt;   /* prompt tokens to report for it */

static void send_all(int c, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(c, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static char *read_request(int c)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    long want = -1;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        ssize_t r = recv(c, buf + len, cap - len - 1, 0);
        if (r <= 0) {
            free(buf);
            return NULL;
        }
        len += (size_t)r;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && want < 0) {
            long cl = 0;
            for (char *h = buf; h < end; h = strstr(h, "\r\n") + 2)
                if (strncasecmp(h, "Content-Length:", 15) == 0)
                    cl = atol(h + 15);
            want = (long)(end + 4 - buf) + cl;
        }
        if (want >= 0 && (long)len >= want)
            return buf;
    }
}

static void reply(int c, int status, const char *extra, const char *body)
{
    char head[512];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n%s"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, extra,
                     strlen(body));
    send_all(c, head, (size_t)n);
    send_all(c, body, strlen(body));
}

/* The value of header `name` in a request, into buf ("" if none). */
static void header_value(const char *req, const char *name, char *buf, size_t n)
{
    buf[0] = '\0';
    const char *end = strstr(req, "\r\n\r\n");
    size_t l = strlen(name);
    for (const char *h = req; h && end && h < end; h = strstr(h, "\r\n"), h = h ? h + 2 : h)
        if (strncasecmp(h, name, l) == 0 && h[l] == ':') {
            const char *v = h + l + 1;
            v += strspn(v, " ");
            snprintf(buf, n, "%.*s", (int)strcspn(v, "\r\n"), v);
            return;
        }
}

/* The hostile behaviours: 1 when `c` was answered (or not) that way. */
static int hostile(int c, const char *req)
{
    if (style("silent")) { /* hold the connection until the client gives up */
        char b[256];
        while (recv(c, b, sizeof b, 0) > 0)
            ;
        return 1;
    }
    if (style("midbody")) {
        const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        "Content-Length: 400\r\nConnection: close\r\n\r\n"
                        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"half";
        send_all(c, h, strlen(h));
        return 1;
    }
    if (style("html")) {
        const char *b = "<html><head><title>502 Bad Gateway</title></head><body>"
                        "<center><h1>502 Bad Gateway</h1></center></body></html>";
        char head[256];
        int n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(b));
        send_all(c, head, (size_t)n);
        send_all(c, b, strlen(b));
        return 1;
    }
    if (style("badjson") || style("truncjson")) {
        reply(c, 200, "", style("badjson") ? "Internal error, please try later"
                                           : "{\"choices\":[{\"message\":{\"role\":\"assi");
        return 1;
    }
    if (style("nodone")) {
        const char *h = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                        "Connection: close\r\n\r\n"
                        "data: {\"choices\":[{\"delta\":{\"content\":\"# SUMMARY\\nThe sea\"}}]}\n\n"
                        "data: {\"choices\":[{\"delta\":{\"content\":\"rch is\"}}]}\n\n";
        send_all(c, h, strlen(h));
        return 1;
    }
    if (style("huge")) {
        size_t n = (size_t)6 << 20;
        char head[256], pad[4096];
        int l = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
                         "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", n);
        send_all(c, head, (size_t)l);
        memset(pad, ' ', sizeof pad);
        for (size_t sent = 0; sent < n; sent += sizeof pad)
            send_all(c, pad, sizeof pad);
        return 1;
    }
    if (style("echokey")) {
        char auth[512], b[1024];
        header_value(req, "Authorization", auth, sizeof auth);
        snprintf(b, sizeof b, "{\"error\":{\"message\":\"Incorrect API key provided: %s. You "
                 "can find your API key at https://example.invalid/keys (%s)\",\"type\":"
                 "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", auth,
                 strncmp(auth, "Bearer ", 7) ? auth : auth + 7);
        reply(c, 401, "", b);
        return 1;
    }
    return 0;
}

/* The lines of `msg` after the line containing `marker`, up to a blank line. */
static int visited_has(const char *msg, const char *arch)
{
    const char *v = strstr(msg, "Already visited");
    return v && strstr(v, arch) != NULL;
}

static char *navigator_answer(const char *user)
{
    /* name the best architecture it was shown, as a model would */
    const char *best = strstr(user, "Best so far: - ");
    char anchor[256] = "";
    if (best) {
        best += 15;
        size_t l = strcspn(best, " \n");
        snprintf(anchor, sizeof anchor, "%.*s", (int)(l < 200 ? l : 200), best);
    }
    int h = style("headings");
    size_t pad = opt.pad > 0 ? (size_t)opt.pad : 0, cap = 4096 + pad;
    char *out = malloc(cap);
    int n = snprintf(out, 4096,
             "Here is the strategy.\n\n%sThe search is under way; convolutions look "
             "strong.\n\n%s- 3x3 convolutions go with the better results\n"
             "- none on early edges hurts\n\n%s"
             "## edge 1<-0\nprefer nor_conv_3x3 (+1.0); avoid none (-1.5)\n"
             "## edge 2<-0\nprefer nor_conv_3x3 (+0.8)\n## edge 2<-1\nprefer nor_conv_3x3 (+0.8)\n"
             "## edge 3<-0\nprefer skip_connect (+0.5)\n## edge 3<-1\nprefer nor_conv_3x3 (+0.5)\n"
             "## edge 3<-2\nprefer nor_conv_1x1 (+0.3), nor_conv_3x3 (+0.3)\n"
             "## how to search\nexploit 60%%: change at most 2 decisions of these anchors:\n"
             "- %s\nexplore 40%%: sample from the preferences above\n",
             h ? "**Summary:** " : "# SUMMARY\n", h ? "Key patterns:\n" : "# KEY PATTERNS\n",
             h ? "3. Navigation directions\n" : "# NAVIGATION DIRECTIONS\n",
             anchor[0] ? anchor : "(none yet)");
    static const char ramble[] = "On reflection the evidence is mixed and more evaluations "
                                 "will tell. ";
    for (size_t k = 0; k < pad; k++)
        out[n + k] = k % 80 == 79 ? '\n' : ramble[k % (sizeof ramble - 1)];
    out[n + pad] = '\0';
    return out;
}

static char *generator_answer(const char *user, struct rng *r, int invalid)
{
    int count = 10;
    const char *p = strstr(user, "Propose ");
    if (p)
        count = atoi(p + 8);
    if (count < 1 || count > 50)
        count = 10;
    int sloppy = style("sloppy"), prose = style("prose"), bare = style("think");
    char *out = malloc(16384);
    size_t off = bare ? (size_t)snprintf(out, 16384, "{\"candidates\": [")
                      : (size_t)snprintf(out, 16384, "Following the strategy, here are %d "
                                  "candidates:\n%s", count, prose    ? ""
                                         : sloppy ? "```python\n{  # as a dict\n  'candidates': [\n"
                                                  : "```json\n{\"candidates\": [");
    for (int i = 0; i < count; i++) {
        unsigned char ops[NB201_EDGES];
        char a[256];
        for (int tries = 0; tries < 1000; tries++) {
            for (int k = 0; k < NB201_EDGES; k++)
                ops[k] = (unsigned char)rng_below(r, NB201_OPS);
            nb201_format(ops, a, sizeof a);
            if (!visited_has(user, a) && !strstr(out, a))
                break;
        }
        if (invalid && i == 0)
            snprintf(a, sizeof a, "|nor_conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|");
        if (prose)
            off += (size_t)snprintf(out + off, 16384 - off, "%s I would try %s", i ? "." : "", a);
        else if (sloppy)
            off += (size_t)snprintf(out + off, 16384 - off, "    {'architecture': '%s'}, // %d\n",
                                    a, i + 1);
        else
            off += (size_t)snprintf(out + off, 16384 - off, "%s\"%s\"", i ? ", " : "", a);
    }
    snprintf(out + off, 16384 - off, "%s", bare ? "]}" : prose ? ". Each follows the preferences."
                                          : sloppy ? "  ],\n}\n```\nEach follows the preferences."
                                                   : "]}\n```\nEach follows the preferences.");
    return out;
}

/* What a reasoning model thinks before it answers: it restates the format
 * it was asked for and drafts the sections, as real ones do. */
static const char think_prefix[] =
    "Okay, the user wants the form {\"candidates\": [\"<architecture>\", \"<architecture>\"]}. "
    "Let me draft a plan first.\n# SUMMARY\ndraft only\n# KEY PATTERNS\n- draft\n"
    "# NAVIGATION DIRECTIONS\n- draft\nNo, let me write it properly.\n</think>\n\n";

static void answer_chat_raw(int c, const char *content, int stream, size_t prompt_len);

static void answer_chat(int c, const char *content, int stream, size_t prompt_len)
{
    if (style("badutf8")) { /* Latin-1, stray bytes, a UTF-16 surrogate, a cut sequence */
        static const char bad[] = "Caf\xe9 \xff\xfe \xed\xa0\x80 \xe2\x82 ok.\n";
        size_t n = strlen(bad) + strlen(content) + 1;
        char *t = malloc(n);
        snprintf(t, n, "%s%s", bad, content);
        answer_chat_raw(c, t, stream, prompt_len);
        free(t);
        return;
    }
    if (!style("think")) {
        answer_chat_raw(c, content, stream, prompt_len);
        return;
    }
    size_t n = strlen(think_prefix) + strlen(content) + 1;
    char *t = malloc(n);
    snprintf(t, n, "%s%s", think_prefix, content);
    answer_chat_raw(c, t, stream, prompt_len);
    free(t);
}

static void answer_chat_raw(int c, const char *content, int stream, size_t prompt_len)
{
    const char *finish = "stop";
    char *cut = NULL;
    long cap = req_max_tokens > 0 ? req_max_tokens : 200;
    if (style("cutoff") && (long)strlen(content) > 4 * cap) {
        cut = strndup(content, (size_t)(4 * cap));
        content = cut;
        finish = "length";
    }
    cJSON *o = cJSON_CreateObject();
    (void)prompt_len;
    long in = usage_prompt, outt = (long)strlen(content) / 4;
    if (stream) {
        const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                           "Connection: close\r\n\r\n";
        send_all(c, head, strlen(head));
        if (style("reasoning")) /* the thinking first, in its own deltas */
            for (int k = 0; k < 3; k++) {
                char line[256];
                int l = snprintf(line, sizeof line, "data: {\"choices\":[{\"delta\":"
                                 "{\"reasoning_content\":\"thought %d. \"}}]}\n\n", k + 1);
                send_all(c, line, (size_t)l);
            }
        size_t n = strlen(content);
        for (size_t i = 0; i < n; i += 40) { /* pieces of 40 bytes, as tokens would come */
            char piece[41];
            snprintf(piece, sizeof piece, "%.*s", (int)(n - i < 40 ? n - i : 40), content + i);
            cJSON *ch = cJSON_CreateObject();
            cJSON *arr = cJSON_AddArrayToObject(ch, "choices");
            cJSON *c0 = cJSON_CreateObject();
            cJSON_AddStringToObject(cJSON_AddObjectToObject(c0, "delta"), "content", piece);
            cJSON_AddItemToArray(arr, c0);
            char *js = cJSON_PrintUnformatted(ch);
            char line[512];
            int l = snprintf(line, sizeof line, "data: %s\n\n", js);
            send_all(c, line, (size_t)l);
            free(js);
            cJSON_Delete(ch);
        }
        char tail[256];
        int l = snprintf(tail, sizeof tail, "data: {\"choices\":[{\"delta\":{},\"finish_reason\":"
                         "\"%s\"}],\"usage\":{\"prompt_tokens\":%ld,\"completion_tokens\":%ld%s}}"
                         "\n\ndata: [DONE]\n\n", finish, in, outt,
                         style("reasoning") ? ",\"completion_tokens_details\":"
                                              "{\"reasoning_tokens\":9}" : "");
        send_all(c, tail, (size_t)l);
        cJSON_Delete(o);
        free(cut);
        return;
    }
    cJSON *arr = cJSON_AddArrayToObject(o, "choices");
    cJSON *c0 = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(c0, "message");
    cJSON_AddStringToObject(m, "role", "assistant");
    cJSON_AddStringToObject(m, "content", content);
    if (style("reasoning"))
        cJSON_AddStringToObject(m, "reasoning_content", "thought 1. thought 2. thought 3. ");
    cJSON_AddStringToObject(c0, "finish_reason", finish);
    cJSON_AddItemToArray(arr, c0);
    cJSON *u = cJSON_AddObjectToObject(o, "usage");
    cJSON_AddNumberToObject(u, "prompt_tokens", (double)in);
    cJSON_AddNumberToObject(u, "completion_tokens", (double)outt);
    if (style("reasoning"))
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(u, "completion_tokens_details"),
                                "reasoning_tokens", 9);
    char *body = cJSON_PrintUnformatted(o);
    reply(c, 200, "", body);
    free(body);
    cJSON_Delete(o);
    free(cut);
}

static void serve(int c, int nth, struct rng *r)
{
    char *req = read_request(c);
    if (!req)
        return;
    if (opt.delay_ms > 0) {
        struct timespec ts = {opt.delay_ms / 1000, (long)(opt.delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (strncmp(req, "GET ", 4) == 0 && strstr(req, "/models ")) { /* what doctor asks first */
        reply(c, 200, "", "{\"object\":\"list\",\"data\":[{\"id\":\"fake-1\",\"object\":"
                          "\"model\"}]}");
        free(req);
        return;
    }
    const char *body = strstr(req, "\r\n\r\n");
    cJSON *o = body ? cJSON_Parse(body + 4) : NULL;
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(o, "messages");
    const cJSON *sys = cJSON_GetArrayItem(msgs, 0);
    const cJSON *last = cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1);
    const char *system = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sys, "content"));
    const char *user = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(last, "content"));
    int stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "stream"));
    const char *role = system && strstr(system, "Navigator") ? "navigator" : "generator";
    if (opt.log) {
        FILE *lf = fopen(opt.log, "a");
        static const char *const keys[] = {"temperature", "top_p", "seed", "max_tokens",
                                           "max_completion_tokens"};
        if (lf) {
            fprintf(lf, "%s", role);
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[k]);
                if (cJSON_IsNumber(v))
                    fprintf(lf, " %s=%g", keys[k], v->valuedouble);
                else
                    fprintf(lf, " %s=-", keys[k]);
            }
            const cJSON *rf = cJSON_GetObjectItemCaseSensitive(o, "response_format");
            const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rf, "type"));
            const cJSON *sch = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(rf, "json_schema"), "schema");
            char *schema = sch ? cJSON_PrintUnformatted(sch) : NULL;
            char auth[512];
            header_value(req, "Authorization", auth, sizeof auth);
            fprintf(lf, " response_format=%s schema=%s auth=%s\n", type ? type : "-",
                    schema ? schema : "-", auth[0] ? "yes" : "no");
            free(schema);
            fclose(lf);
        }
    }
    /* the prompt as the model's window sees it */
    long prompt_tokens = 0, kept_tokens = 0;
    int nmsgs = cJSON_GetArraySize(msgs);
    for (int i = 0; i < nmsgs; i++) {
        const char *t = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(msgs, i), "content"));
        prompt_tokens += (t ? (long)strlen(t) : 0) / 4 + 4;
    }
    kept_tokens = prompt_tokens;
    if (opt.context && style("silentctx"))
        for (int i = 1; i < nmsgs - 1 && kept_tokens > opt.context; i++) {
            const char *t = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(msgs, i), "content"));
            kept_tokens -= (t ? (long)strlen(t) : 0) / 4 + 4;
        }
    usage_prompt = kept_tokens;
    int too_long = opt.context && !style("silentctx") && prompt_tokens > opt.context;
    const char *rf_type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(o, "response_format"), "type"));
    const cJSON *temp = cJSON_GetObjectItemCaseSensitive(o, "temperature");
    int strict_refuses_temp = style("strict") && cJSON_IsNumber(temp) && temp->valuedouble != 1;
    int strict_refuses_max = style("strict") && cJSON_GetObjectItemCaseSensitive(o, "max_tokens");
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(o, "max_tokens");
    req_max_tokens = cJSON_IsNumber(mt) ? (long)mt->valuedouble : 0;
    if (nth <= opt.fail_first) {
        reply(c, 500, "", style("badutf8") ? "{\"error\":{\"message\":\"the model is "
                                              "\xff\xfeloading \xc3\"}}"
                                            : "{\"error\":{\"message\":\"the model is loading\"}}");
    } else if (hostile(c, req)) {
        ;
    } else if (nth <= opt.fail_first + opt.first_429) {
        reply(c, 429, "Retry-After: 0\r\n", "{\"error\":{\"message\":\"rate limited\"}}");
    } else if (too_long) {
        char b[512];
        snprintf(b, sizeof b, "{\"object\":\"error\",\"message\":\"This model's maximum context "
                 "length is %d tokens. However, you requested %ld tokens (%ld in the messages, 0 "
                 "in the completion). Please reduce the length of the messages or completion.\","
                 "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}", opt.context,
                 prompt_tokens, prompt_tokens);
        reply(c, 400, "", b);
    } else if (style("noschema") && rf_type && strcmp(rf_type, "json_schema") == 0) {
        reply(c, 400, "", "{\"error\":{\"message\":\"response_format type json_schema is not "
                          "supported by this server\"}}");
    } else if (strict_refuses_temp) {
        reply(c, 400, "", "{\"error\":{\"message\":\"Unsupported value: 'temperature' does not "
                          "support 0.6 with this model. Only the default (1) value is supported."
                          "\",\"type\":\"invalid_request_error\",\"param\":\"temperature\","
                          "\"code\":\"unsupported_value\"}}");
    } else if (strict_refuses_max) {
        reply(c, 400, "", "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens' is not "
                          "supported with this model. Use 'max_completion_tokens' instead.\","
                          "\"type\":\"invalid_request_error\",\"param\":\"max_tokens\","
                          "\"code\":\"unsupported_parameter\"}}");
    } else if (!system || !user) {
        reply(c, 400, "", "{\"error\":{\"message\":\"no messages\"}}");
    } else if (strstr(system, "Navigator") && opt.vague_every && nth % opt.vague_every == 0) {
        /* a strategy without its sections: the Navigator must be asked again */
        answer_chat(c, "Keep exploring; convolutions seem good.", stream,
                    strlen(system) + strlen(user));
    } else if (strstr(system, "Navigator")) {
        char *a = navigator_answer(user);
        answer_chat(c, a, stream, strlen(system) + strlen(user));
        free(a);
    } else if (opt.garbage_every && nth % opt.garbage_every == 0) {
        answer_chat(c, "I would love to help, but I am not sure which cells to suggest.", stream,
                    strlen(system) + strlen(user));
    } else {
        char *a = generator_answer(user, r, opt.invalid_every && nth % opt.invalid_every == 0);
        answer_chat(c, a, stream, strlen(system) + strlen(user));
        free(a);
    }
    cJSON_Delete(o);
    free(req);
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--port")) opt.port = v;
        else if (!strcmp(argv[i], "--max-requests")) opt.max_requests = v;
        else if (!strcmp(argv[i], "--fail-first")) opt.fail_first = v;
        else if (!strcmp(argv[i], "--429-first")) opt.first_429 = v;
        else if (!strcmp(argv[i], "--garbage-every")) opt.garbage_every = v;
        else if (!strcmp(argv[i], "--invalid-every")) opt.invalid_every = v;
        else if (!strcmp(argv[i], "--vague-every")) opt.vague_every = v;
        else if (!strcmp(argv[i], "--seed")) opt.seed = (unsigned long long)atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--style")) opt.style = argv[i + 1];
        else if (!strcmp(argv[i], "--log")) opt.log = argv[i + 1];
        else if (!strcmp(argv[i], "--context")) opt.context = v;
        else if (!strcmp(argv[i], "--delay")) opt.delay_ms = v;
        else if (!strcmp(argv[i], "--pad")) opt.pad = v;
        else {
            fprintf(stderr, "fake_llm: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0) {
        perror("fake_llm: bind");
        return 1;
    }
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    struct rng r;
    rng_seed(&r, opt.seed);
    for (int n = 1; n <= opt.max_requests; n++) {
        int c = accept(fd, NULL, NULL);
        if (c < 0)
            continue;
        serve(c, n, &r);
        close(c);
    }
    close(fd);
    return 0;
}
