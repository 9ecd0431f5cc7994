#include "llm.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/rng.h"
#include "../core/strbuf.h"
#include "answer.h"
#include "body.h"
#include "recording.h"
#include "scrub.h"

#ifndef COLLM_VERSION
#define COLLM_VERSION "0.1.0"
#endif

#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_TIMEOUT_MS 300000L
#define DEFAULT_MAX_RESPONSE ((size_t)4 << 20)

struct req {
    struct llm_client *c;
    uint64_t id;
    struct req *next;
    CURL *easy;              /* NULL between attempts */
    struct curl_slist *headers;
    char *url, *body, *shown_url;
    struct llm_params p;
    struct llm_callbacks cb;
    uv_timer_t retry_timer;
    int attempt, cancelled, oversize, finished, timeouts;
    unsigned dropped;        /* parameters this request has dropped (body.h) */
    const struct recording *replayed; /* replay backend: the answer to give */
    char *replay_error;
    double retry_after;      /* seconds from the last answer's header, -1 if none */
    uint64_t t0;
    struct strbuf resp;         /* raw body of the current attempt */
    struct llm_answer ans;   /* what the current attempt has said so far */
};

struct sock {
    uv_poll_t poll;
    curl_socket_t fd;
    struct llm_client *c;
};

struct llm_client {
    struct llm_refusals refused; /* per model, so later requests leave them out */
    struct recordings rec;   /* replay: answer from these, never the network */
    int replay;
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;        /* curl's timeout */
    uv_timer_t reaper;       /* handles cancellations outside curl callbacks */
    struct req *reqs;
    uint64_t next_id;
    int in_curl, closing, open_handles;
    struct rng rng;          /* jitter */
};

static void free_client(struct llm_client *c);

void llm_params_default(struct llm_params *p)
{
    *p = (struct llm_params){.temperature = -1, .connect_timeout_ms = DEFAULT_CONNECT_MS,
                             .timeout_ms = DEFAULT_TIMEOUT_MS, .max_retries = 3,
                             .backoff_ms = 1000, .max_delay_ms = 60000,
                             .max_response = DEFAULT_MAX_RESPONSE};
}

void llm_redact_url(const char *url, char *buf, size_t n)
{
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *at = strchr(host, '@'), *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        snprintf(buf, n, "%.*s%s", (int)(host - url), url, at + 1);
    else
        snprintf(buf, n, "%s", url);
}

/* ---- finishing a request ----------------------------------------------------- */

static void on_req_closed(uv_handle_t *h)
{
    struct req *r = h->data;
    struct llm_client *c = r->c;
    curl_slist_free_all(r->headers);
    free(r->url);
    free(r->body);
    free(r->shown_url);
    free((char *)r->p.base_url);
    free((char *)r->p.model);
    free((char *)r->p.api_key);
    strbuf_free(&r->resp);
    llm_answer_free(&r->ans);
    free(r->replay_error);
    free(r);
    if (--c->open_handles == 0 && c->closing)
        free_client(c);
}

static void unlink_req(struct req *r)
{
    for (struct req **pp = &r->c->reqs; *pp; pp = &(*pp)->next)
        if (*pp == r) {
            *pp = r->next;
            return;
        }
}

static void drop_easy(struct req *r)
{
    if (r->easy) {
        curl_multi_remove_handle(r->c->multi, r->easy);
        curl_easy_cleanup(r->easy);
        r->easy = NULL;
    }
}

static void finish(struct req *r, const char *text, const char *error, long status)
{
    if (r->finished)
        return;
    r->finished = 1;
    drop_easy(r);
    uv_timer_stop(&r->retry_timer);
    unlink_req(r);
    /* what the server said, scrubbed before anyone keeps or shows it */
    const char *key = r->p.api_key;
    char *t = llm_scrub_text(text, key), *fin = llm_scrub_text(r->ans.finish, key),
         *why = error ? llm_scrub_text(error, key) : NULL,
         *raw = error ? llm_scrub_text(strbuf_str(&r->resp), key) : NULL,
         *thought = llm_scrub_text(strbuf_str(&r->ans.reasoning), key);
    struct llm_result res = {
        .id = r->id, .ok = error == NULL, .cancelled = r->cancelled, .http_status = status,
        .text = t ? t : "", .finish = fin ? fin : "", .tokens_in = r->ans.tokens_in,
        .tokens_out = r->ans.tokens_out, .tokens_reasoning = r->ans.tokens_reasoning,
        .usage_bad = r->ans.usage_bad,
        .reasoning = thought ? thought : "",
        .latency = (double)(uv_hrtime() - r->t0) * 1e-9, .attempts = r->attempt,
        .error = error ? (why ? why : "out of memory") : NULL, .raw = error ? (raw ? raw : "") : NULL,
    };
    if (r->cb.done)
        r->cb.done(r->cb.ud, &res);
    free(t), free(fin), free(why), free(raw), free(thought);
    uv_close((uv_handle_t *)&r->retry_timer, on_req_closed);
}

/* ---- reading answers (answer.h does the reading) ------------------------------- */

static void on_delta(void *ud, const char *text, size_t n)
{
    struct req *r = ud;
    if (r->cb.delta)
        r->cb.delta(r->cb.ud, r->id, text, n);
}

static void on_thinking(void *ud, const char *text, size_t n)
{
    struct req *r = ud;
    if (r->cb.thinking)
        r->cb.thinking(r->cb.ud, r->id, text, n);
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct req *r = ud;
    size_t n = size * nmemb;
    if (r->cancelled)
        return 0;
    if (r->resp.len + n > r->p.max_response) {
        r->oversize = 1;
        return 0;
    }
    if (strbuf_add(&r->resp, ptr, n) < 0)
        return 0;
    long status = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    if (r->p.stream && status == 200)
        llm_answer_feed_sse(&r->ans, &r->resp);
    return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct req *r = ud;
    size_t n = size * nmemb;
    if (n > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0) {
        char v[128];
        size_t l = n - 12 < sizeof v - 1 ? n - 12 : sizeof v - 1;
        memcpy(v, ptr + 12, l);
        v[l] = '\0';
        char *end;
        double secs = strtod(v, &end);
        while (*end == ' ' || *end == '\r' || *end == '\n')
            end++;
        if (end != v && *end == '\0' && secs >= 0) {
            r->retry_after = secs;
        } else { /* an HTTP date */
            time_t when = curl_getdate(v, NULL);
            if (when > 0)
                r->retry_after = difftime(when, time(NULL)) > 0 ? difftime(when, time(NULL)) : 0;
        }
    }
    return n;
}

static int start_attempt(struct req *r, struct err *e);

/* A retry's reason quotes the server, so it is scrubbed as answers are. */
static void tell_retry(struct req *r, double delay, const char *why)
{
    char *clean = llm_scrub_text(why, r->p.api_key);
    if (r->cb.retry)
        r->cb.retry(r->cb.ud, r->id, r->attempt + 1, delay, clean ? clean : "(out of memory)");
    free(clean);
}

static void on_retry_timer(uv_timer_t *t)
{
    struct req *r = t->data;
    struct err e;
    if (start_attempt(r, &e) < 0) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s: %s", r->shown_url, e.msg);
        finish(r, NULL, msg, 0);
    }
}

/* A 400 that refuses one of our parameters: the same request without it,
 * at once, said as a retry so it is journalled. Once per parameter. */
static int resend_without_refused(struct req *r, const char *why)
{
    unsigned param = llm_body_refused(strbuf_str(&r->resp), r->body);
    if (!param || (r->dropped & param))
        return 0;
    char *body = llm_body_drop(r->body, param);
    if (!body)
        return 0;
    free(r->body);
    r->body = body;
    r->dropped |= param;
    llm_body_remember(&r->c->refused, r->p.model, param);
    drop_easy(r);
    char msg[1300];
    snprintf(msg, sizeof msg, "%s; sending it again without %s%s", why,
             llm_body_param_name(param),
             param == LLM_P_MAX_TOKENS ? " (as max_completion_tokens)" : "");
    tell_retry(r, 0, msg);
    uv_timer_start(&r->retry_timer, on_retry_timer, 0, 0);
    return 1;
}

static void complete(struct req *r, CURLcode rc, long status)
{
    char why[1024], smsg[400];
    int retryable = 0;
    if (r->cancelled) {
        finish(r, NULL, "cancelled", status);
        return;
    }
    if (rc == CURLE_WRITE_ERROR && r->oversize) {
        snprintf(why, sizeof why, "%s: the answer is larger than %zu bytes; not read further",
                 r->shown_url, r->p.max_response);
        finish(r, NULL, why, status);
        return;
    }
    if (rc != CURLE_OK) {
        retryable = rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
                    rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
                    rc == CURLE_PARTIAL_FILE || rc == CURLE_COULDNT_RESOLVE_HOST;
        /* a server silent for a whole --llm-timeout twice would be so a
         * third time: stop there, not after every retry has waited */
        int again = rc == CURLE_OPERATION_TIMEDOUT && ++r->timeouts > 1;
        retryable = retryable && !again;
        snprintf(why, sizeof why, "%s: %s%s", r->shown_url, curl_easy_strerror(rc),
                 again ? " (no complete answer in time, twice: not asked again)"
                 : rc == CURLE_OPERATION_TIMEDOUT ? " (no complete answer in time)" : "");
    } else if (status == 429 || status >= 500) {
        retryable = 1;
        llm_answer_server_message(&r->resp, smsg, sizeof smsg);
        snprintf(why, sizeof why, "%s: HTTP %ld%s", r->shown_url, status, smsg);
    } else if (status != 200) {
        llm_answer_server_message(&r->resp, smsg, sizeof smsg);
        snprintf(why, sizeof why, "%s: HTTP %ld%s", r->shown_url, status, smsg);
        if ((status == 400 || status == 422) && resend_without_refused(r, why))
            return;
        finish(r, NULL, why, status);
        return;
    } else if (r->p.stream && r->ans.sse_events > 0 && !r->ans.sse_done && !r->ans.finish[0]) {
        retryable = 1; /* a stream cut short: as a partial transfer */
        snprintf(why, sizeof why, "%s: the stream ended before the answer did (no "
                 "finish_reason, no [DONE])", r->shown_url);
    } else {
        /* 200: a streamed answer, or one JSON body (also when a server
         * ignored stream: true) */
        if (r->p.stream && r->ans.sse_events > 0) {
            finish(r, strbuf_str(&r->ans.text), NULL, status);
            return;
        }
        char bad[200];
        if (llm_answer_parse(&r->ans, strbuf_str(&r->resp), bad, sizeof bad) < 0) {
            snprintf(why, sizeof why, "%s: %s", r->shown_url, bad);
            finish(r, NULL, why, status);
            return;
        }
        finish(r, strbuf_str(&r->ans.text), NULL, status);
        return;
    }
    if (!retryable || r->attempt > r->p.max_retries) {
        char all[1100];
        if (retryable)
            snprintf(all, sizeof all, "%s (gave up after %d attempts)", why, r->attempt);
        else
            snprintf(all, sizeof all, "%s", why);
        finish(r, NULL, all, status);
        return;
    }
    double delay = r->retry_after >= 0
                       ? r->retry_after
                       : r->p.backoff_ms / 1000.0 * pow(2, r->attempt - 1) *
                             (0.5 + rng_double(&r->c->rng)); /* jitter: 0.5x .. 1.5x */
    if (delay * 1000 > r->p.max_delay_ms)
        delay = r->p.max_delay_ms / 1000.0;
    drop_easy(r);
    tell_retry(r, delay, why);
    if (!r->cancelled)
        uv_timer_start(&r->retry_timer, on_retry_timer, (uint64_t)(delay * 1000), 0);
}

/* Completed transfers: copy what the message says, then let it go. */
static void drain(struct llm_client *c)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        CURL *easy = m->easy_handle;
        CURLcode rc = m->data.result;
        struct req *r = NULL;
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        drop_easy(r);
        complete(r, rc, status);
    }
}

/* ---- the loop glue (curl's multi-uv example) ------------------------------------ */

static void socket_action(struct llm_client *c, curl_socket_t fd, int flags)
{
    int running;
    c->in_curl++;
    curl_multi_socket_action(c->multi, fd, flags, &running);
    c->in_curl--;
    drain(c);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct sock *s = h->data;
    int flags = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    socket_action(s->c, s->fd, flags);
}

static void on_timeout(uv_timer_t *t)
{
    socket_action(t->data, CURL_SOCKET_TIMEOUT, 0);
}

static int on_curl_timer(CURLM *multi, long ms, void *ud)
{
    (void)multi;
    struct llm_client *c = ud;
    if (ms < 0)
        uv_timer_stop(&c->timer);
    else /* 0 becomes 1 ms: never re-enter curl from its own callback */
        uv_timer_start(&c->timer, on_timeout, ms ? (uint64_t)ms : 1, 0);
    return 0;
}

static void on_sock_closed(uv_handle_t *h)
{
    struct sock *s = h->data;
    struct llm_client *c = s->c;
    free(s);
    if (--c->open_handles == 0 && c->closing)
        free_client(c);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *ud, void *sockp)
{
    (void)easy;
    struct llm_client *c = ud;
    struct sock *s = sockp;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            uv_poll_stop(&s->poll); /* before curl closes the fd */
            uv_close((uv_handle_t *)&s->poll, on_sock_closed);
            curl_multi_assign(c->multi, fd, NULL);
        }
        return 0;
    }
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s)
            return -1;
        s->fd = fd;
        s->c = c;
        if (uv_poll_init_socket(c->loop, &s->poll, fd) < 0) {
            free(s);
            return -1;
        }
        s->poll.data = s;
        c->open_handles++;
        curl_multi_assign(c->multi, fd, s);
    }
    int events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        events |= UV_READABLE;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        events |= UV_WRITABLE;
    uv_poll_start(&s->poll, events, on_poll);
    return 0;
}

/* ---- requests ------------------------------------------------------------------- */

/* The replay backend's "transfer": a timer that fires on the next turn. */
static void on_replay_timer(uv_timer_t *t)
{
    struct req *r = t->data;
    if (r->cancelled) {
        finish(r, NULL, "cancelled", 0);
    } else if (r->replayed && r->replayed->error) {
        finish(r, NULL, r->replayed->error, r->replayed->status);
    } else if (r->replayed) {
        snprintf(r->ans.finish, sizeof r->ans.finish, "%s", r->replayed->finish);
        r->ans.tokens_in = r->replayed->tokens_in;
        r->ans.tokens_out = r->replayed->tokens_out;
        finish(r, r->replayed->answer, NULL, 200);
    } else {
        finish(r, NULL, r->replay_error ? r->replay_error : "no recorded answer", 0);
    }
}

int llm_client_record(struct llm_client *c, const struct llm_msg *msgs, int n,
                      const char *answer, const char *finish, long tokens_in, long tokens_out)
{
    if (recordings_add(&c->rec, msgs, n, answer, finish, tokens_in, tokens_out, NULL, 0) < 0)
        return -1;
    c->replay = 1;
    return 0;
}

int llm_client_record_failure(struct llm_client *c, const struct llm_msg *msgs, int n,
                              const char *error, long status)
{
    if (recordings_add(&c->rec, msgs, n, "", "", 0, 0, error ? error : "failed", status) < 0)
        return -1;
    c->replay = 1;
    return 0;
}

static void replay_request(struct req *r, const struct llm_msg *msgs, int n)
{
    r->replayed = recordings_take(&r->c->rec, msgs, n);
    if (!r->replayed)
        r->replay_error = strdup("the recording has no answer to this request: the search "
                                 "went another way than the recorded one");
    r->attempt = 1;
    uv_timer_start(&r->retry_timer, on_replay_timer, 0, 0);
}

static int start_attempt(struct req *r, struct err *e)
{
    r->attempt++;
    strbuf_reset(&r->resp);
    llm_answer_reset(&r->ans);
    r->oversize = 0;
    r->retry_after = -1;
    r->easy = curl_easy_init();
    if (!r->easy)
        return err_set(e, "llm", "curl_easy_init failed");
    CURL *h = r->easy;
    curl_easy_setopt(h, CURLOPT_URL, r->url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)r);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, r->p.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->p.timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "collm/" COLLM_VERSION);
    if (curl_multi_add_handle(r->c->multi, h) != CURLM_OK) {
        curl_easy_cleanup(h);
        r->easy = NULL;
        return err_set(e, "llm", "curl_multi_add_handle failed");
    }
    return 0;
}

static char *dupz(const char *s)
{
    return strdup(s ? s : "");
}

uint64_t llm_chat(struct llm_client *c, const struct llm_params *p, const struct llm_msg *msgs,
                  int n, const struct llm_callbacks *cb, struct err *e)
{
    if (!p->base_url || !p->base_url[0])
        return err_set(e, "--llm-url", "no endpoint configured"), 0;
    struct req *r = calloc(1, sizeof *r);
    if (!r)
        return err_set(e, "llm", "out of memory"), 0;
    r->c = c;
    r->p = *p;
    if (!r->p.connect_timeout_ms)
        r->p.connect_timeout_ms = DEFAULT_CONNECT_MS;
    if (!r->p.timeout_ms)
        r->p.timeout_ms = DEFAULT_TIMEOUT_MS;
    if (!r->p.max_response)
        r->p.max_response = DEFAULT_MAX_RESPONSE;
    r->p.base_url = dupz(p->base_url);
    r->p.model = dupz(p->model);
    r->p.api_key = dupz(p->api_key);
    r->cb = *cb;
    r->ans.delta = on_delta;
    r->ans.thinking = on_thinking;
    r->ans.ud = r;
    size_t ul = strlen(p->base_url);
    while (ul && p->base_url[ul - 1] == '/')
        ul--;
    r->url = malloc(ul + 32);
    r->shown_url = malloc(ul + 32);
    r->body = llm_body_make(p, msgs, n, llm_body_refused_for(&c->refused, p->model));
    if (r->url) {
        snprintf(r->url, ul + 32, "%.*s/chat/completions", (int)ul, p->base_url);
        if (r->shown_url)
            llm_redact_url(r->url, r->shown_url, ul + 32);
    }
    r->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (p->stream)
        r->headers = curl_slist_append(r->headers, "Accept: text/event-stream");
    if (p->api_key && p->api_key[0]) {
        size_t kl = strlen(p->api_key) + 32;
        char *h = malloc(kl);
        if (h) {
            snprintf(h, kl, "Authorization: Bearer %s", p->api_key);
            r->headers = curl_slist_append(r->headers, h);
            memset(h, 0, kl); /* the key lives only in curl's header list */
            free(h);
        }
    }
    uv_timer_init(c->loop, &r->retry_timer);
    r->retry_timer.data = r;
    c->open_handles++;
    r->t0 = uv_hrtime();
    r->id = ++c->next_id;
    r->next = c->reqs;
    c->reqs = r;
    if (c->replay) { /* never the network */
        replay_request(r, msgs, n);
        return r->id;
    }
    if (!r->url || !r->shown_url || !r->body || !r->headers || !r->p.base_url ||
        !r->p.model || !r->p.api_key || start_attempt(r, e) < 0) {
        if (!e || !e->msg[0])
            err_set(e, "llm", "out of memory");
        r->finished = 1; /* no callback: the caller hears of it now */
        unlink_req(r);
        uv_close((uv_handle_t *)&r->retry_timer, on_req_closed);
        return 0;
    }
    return r->id;
}

static void on_reap(uv_timer_t *t)
{
    struct llm_client *c = t->data;
    for (struct req *r = c->reqs, *next; r; r = next) {
        next = r->next;
        if (r->cancelled)
            finish(r, NULL, "cancelled", 0);
    }
}

int llm_cancel(struct llm_client *c, uint64_t id)
{
    for (struct req *r = c->reqs; r; r = r->next)
        if (r->id == id && !r->finished) {
            r->cancelled = 1;
            /* never from inside curl: the loop finishes it next turn */
            uv_timer_start(&c->reaper, on_reap, 0, 0);
            return 0;
        }
    return -1;
}

int llm_in_flight(const struct llm_client *c)
{
    int n = 0;
    for (const struct req *r = c->reqs; r; r = r->next)
        n++;
    return n;
}

struct llm_client *llm_client_new(uv_loop_t *loop, struct err *e)
{
    static int curl_ready;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return err_set(e, "llm", "curl_global_init failed"), NULL;
        curl_ready = 1;
    }
    struct llm_client *c = calloc(1, sizeof *c);
    if (!c)
        return err_set(e, "llm", "out of memory"), NULL;
    c->loop = loop;
    c->multi = curl_multi_init();
    if (!c->multi) {
        free(c);
        return err_set(e, "llm", "curl_multi_init failed"), NULL;
    }
    uv_timer_init(loop, &c->timer);
    uv_timer_init(loop, &c->reaper);
    c->timer.data = c->reaper.data = c;
    c->open_handles = 2;
    rng_seed(&c->rng, uv_hrtime());
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    return c;
}

static void free_client(struct llm_client *c)
{
    recordings_free(&c->rec);
    free(c);
}

static void on_client_timer_closed(uv_handle_t *h)
{
    struct llm_client *c = h->data;
    if (--c->open_handles == 0)
        free_client(c);
}

void llm_client_free(struct llm_client *c)
{
    if (!c)
        return;
    c->closing = 1;
    while (c->reqs) {
        struct req *r = c->reqs;
        r->finished = 1;
        drop_easy(r);
        uv_timer_stop(&r->retry_timer);
        c->reqs = r->next;
        uv_close((uv_handle_t *)&r->retry_timer, on_req_closed);
    }
    curl_multi_cleanup(c->multi); /* before the loop closes: sockets say REMOVE */
    c->multi = NULL;
    uv_timer_stop(&c->timer);
    uv_timer_stop(&c->reaper);
    uv_close((uv_handle_t *)&c->timer, on_client_timer_closed);
    uv_close((uv_handle_t *)&c->reaper, on_client_timer_closed);
}
