/* An OpenAI-compatible chat client (POST {base}/chat/completions) on the
 * libuv loop, through libcurl's multi-socket interface (DESIGN §4, §6):
 * several requests in flight, each cancellable, with connect and total
 * timeouts, retries with backoff and jitter on connection errors, 429 and
 * 5xx (Retry-After honoured), a cap on response size, token usage and
 * latency per call, and streaming (server-sent events) or not.
 * The API key goes into the Authorization header and nowhere else. */
#ifndef COLLM_LLM_H
#define COLLM_LLM_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "../core/err.h"

struct llm_params {
    const char *base_url;     /* "http://127.0.0.1:11434/v1" */
    const char *api_key;      /* NULL or "": no Authorization header */
    const char *model;
    double temperature;       /* < 0: leave it to the server */
    double top_p;             /* <= 0: leave it to the server */
    long seed;                /* sent when has_seed */
    int has_seed;
    int max_tokens;           /* 0: leave it to the server */
    int stream;               /* ask for server-sent events */
    int json_mode;            /* LLM_JSON_OBJECT: response_format {"type": "json_object"};
                               * LLM_JSON_SCHEMA: json_schema with `json_schema`, and when
                               * that is refused json_object, then none */
    const char *json_schema;  /* JSON text */
    long connect_timeout_ms;  /* 0: 10 s */
    long timeout_ms;          /* whole attempt; 0: 300 s */
    int max_retries;          /* after the first attempt */
    long backoff_ms;          /* first retry delay without Retry-After; doubles */
    long max_delay_ms;        /* cap on any one delay, Retry-After included */
    size_t max_response;      /* bytes; 0: 4 MiB */
};

enum { LLM_JSON_NONE, LLM_JSON_OBJECT, LLM_JSON_SCHEMA };

void llm_params_default(struct llm_params *p);

struct llm_msg {
    const char *role;
    const char *content;
};

struct llm_result {
    uint64_t id;
    int ok;
    int cancelled;
    long http_status;        /* 0 when no HTTP answer came */
    const char *text;        /* the answer (ok), possibly empty */
    const char *finish;      /* finish_reason: "stop", "length" ... or "" */
    long tokens_in, tokens_out; /* usage as the server reported it, else 0 */
    long tokens_reasoning;   /* of tokens_out, what the server counted as reasoning */
    const char *usage_bad;   /* "" or why a usage count the server sent was taken as 0 */
    const char *reasoning;   /* what the server parsed out as reasoning ("" if none);
                              * text still holds any inline <think> block */
    double latency;          /* seconds, first attempt to the end */
    int attempts;
    const char *error;       /* !ok: what went wrong and where */
    const char *raw;         /* !ok: the body the server sent, if any */
};

struct llm_callbacks {
    void (*done)(void *ud, const struct llm_result *r);         /* exactly once */
    void (*retry)(void *ud, uint64_t id, int attempt, double delay, const char *why);
    void (*delta)(void *ud, uint64_t id, const char *text, size_t len); /* streaming */
    void *ud;
    /* Optional, streaming: reasoning the server sends apart from the answer. */
    void (*thinking)(void *ud, uint64_t id, const char *text, size_t len);
};

struct llm_client;

struct llm_client *llm_client_new(uv_loop_t *loop, struct err *e);
/* Starts a request; returns its id (> 0), or 0 with `e` set. The strings
 * are copied. Callbacks run on the loop thread. */
uint64_t llm_chat(struct llm_client *c, const struct llm_params *p, const struct llm_msg *msgs,
                  int n, const struct llm_callbacks *cb, struct err *e);
/* Cancels a request: `done` follows from the loop with cancelled = 1.
 * Safe from any loop callback, including this client's own. */
int llm_cancel(struct llm_client *c, uint64_t id);
int llm_in_flight(const struct llm_client *c);
/* Drops every request without calling back, cleans up curl, and closes the
 * client's handles; run the loop once more to free them. */
void llm_client_free(struct llm_client *c);

/* A client that answers from a recording instead of the network (the
 * `--llm replay:FILE` backend): each request gets the recorded answer of
 * the first unused recorded request with exactly the same messages, so a
 * recorded LLM search re-runs offline and gives the same result. A request
 * that was never recorded fails with a clear error. Answers arrive from the
 * loop, as real ones do. */
int llm_client_record(struct llm_client *c, const struct llm_msg *msgs, int n,
                      const char *answer, const char *finish, long tokens_in, long tokens_out);
/* A recorded refusal: the request fails again with this error and status
 * (a context window exceeded, a parameter refused). */
int llm_client_record_failure(struct llm_client *c, const struct llm_msg *msgs, int n,
                              const char *error, long status);

/* base_url without user:password@, for messages. */
void llm_redact_url(const char *url, char *buf, size_t n);

#endif
