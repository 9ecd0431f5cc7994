/* The LLM client against a real HTTP server on loopback that misbehaves. */
#include "testutil.h"

#include "fake_server.h"

#include "../../engine/llm/llm.h"
#include "../../engine/llm/scrub.h"

#define KEY "sk-test-SECRET-123"

struct outcome {
    int done, retries, deltas;
    struct llm_result r;
    char text[8192], error[1100], raw[2048], finish[32], stream[8192];
    double delays[8];
    char why[8][600];
};

static void on_done(void *ud, const struct llm_result *r)
{
    struct outcome *o = ud;
    o->done++;
    o->r = *r;
    snprintf(o->text, sizeof o->text, "%s", r->text ? r->text : "");
    snprintf(o->error, sizeof o->error, "%s", r->error ? r->error : "");
    snprintf(o->raw, sizeof o->raw, "%s", r->raw ? r->raw : "");
    snprintf(o->finish, sizeof o->finish, "%s", r->finish ? r->finish : "");
    o->r.text = o->r.error = o->r.raw = o->r.finish = NULL;
}

/* on_done, keeping the reasoning in `raw` (unused when the answer is ok) */
static void on_reasoned(void *ud, const struct llm_result *r)
{
    struct outcome *o = ud;
    on_done(ud, r);
    snprintf(o->raw, sizeof o->raw, "%s", r->reasoning ? r->reasoning : "");
    o->r.reasoning = NULL;
}

static void on_retry(void *ud, uint64_t id, int attempt, double delay, const char *why)
{
    (void)id;
    struct outcome *o = ud;
    if (o->retries < 8) {
        o->delays[o->retries] = delay;
        snprintf(o->why[o->retries], sizeof o->why[0], "%s", why);
    }
    o->retries++;
    assert_int_equal(attempt, o->retries + 1);
}

static void on_delta(void *ud, uint64_t id, const char *t, size_t n)
{
    (void)id;
    struct outcome *o = ud;
    o->deltas++;
    strncat(o->stream, t, n < sizeof o->stream - strlen(o->stream) - 1 ? n : 0);
}

static const struct llm_msg msgs[] = {{"system", "be brief"}, {"user", "say \"hi\"\nplease"}};

/* Runs one request to completion against `url`. */
static void chat(const char *url, struct llm_params *p, struct outcome *o)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    struct llm_client *c = llm_client_new(&loop, &e);
    assert_non_null(c);
    p->base_url = url;
    struct llm_callbacks cb = {.done = on_done, .retry = on_retry, .delta = on_delta, .ud = o};
    assert_true(llm_chat(c, p, msgs, 2, &cb, &e) > 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    llm_client_free(c);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0); /* every handle closed */
    assert_int_equal(o->done, 1);
    /* the key never leaves the Authorization header */
    assert_null(strstr(o->error, KEY));
    assert_null(strstr(o->text, KEY));
}

static void params(struct llm_params *p)
{
    llm_params_default(p);
    p->model = "test-model";
    p->api_key = KEY;
    p->temperature = 0.6;
    p->backoff_ms = 10;
    p->max_retries = 2;
    p->timeout_ms = 2000;
}

static void answers_and_reports_usage(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_CHAT, .body = "{\"candidates\": []}"}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_true(o.r.ok);
    assert_string_equal(o.text, "{\"candidates\": []}");
    assert_string_equal(o.finish, "stop");
    assert_int_equal(o.r.http_status, 200);
    assert_int_equal(o.r.tokens_in, 100);
    assert_int_equal(o.r.attempts, 1);
    assert_true(o.r.latency > 0);
    /* what went over the wire */
    assert_non_null(strstr(s.last_request, "POST /v1/chat/completions HTTP/1.1"));
    assert_non_null(strstr(s.last_request, "Authorization: Bearer " KEY));
    assert_non_null(strstr(s.last_request, "\"model\":\"test-model\""));
    assert_non_null(strstr(s.last_request, "\"temperature\":0.6"));
    assert_non_null(strstr(s.last_request, "\"content\":\"say \\\"hi\\\"\\nplease\""));
    fake_stop(&s);
}

static void retries_429_honouring_retry_after(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {
        {.kind = STEP_REPLY, .status = 429, .headers = "Retry-After: 1\r\n",
         .body = "{\"error\":{\"message\":\"slow down\"}}"},
        {.kind = STEP_CHAT, .body = "ok"},
    };
    fake_start(&s, st, 2);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_true(o.r.ok);
    assert_int_equal(o.retries, 1);
    assert_float_equal(o.delays[0], 1.0, 1e-9); /* the server's word, not our backoff */
    assert_non_null(strstr(o.why[0], "HTTP 429: slow down"));
    assert_int_equal(o.r.attempts, 2);
    assert_int_equal(s.requests, 2);
    fake_stop(&s);
}

static void gives_up_on_repeated_500(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_REPLY, .status = 500, .body = "oops"}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_int_equal(o.retries, 2);
    assert_int_equal(o.r.attempts, 3);
    assert_non_null(strstr(o.error, "/v1/chat/completions: HTTP 500: oops (gave up after 3 attempts)"));
    assert_true(o.delays[0] >= 0.005 && o.delays[0] <= 0.015); /* 10 ms, jittered */
    assert_true(o.delays[1] >= 0.010 && o.delays[1] <= 0.030); /* doubled */
    fake_stop(&s);
}

static void does_not_retry_a_client_error(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_REPLY, .status = 401,
                         .body = "{\"error\":{\"message\":\"Incorrect API key\"}}"}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_int_equal(o.retries, 0);
    assert_int_equal(o.r.http_status, 401);
    assert_non_null(strstr(o.error, "HTTP 401: Incorrect API key"));
    fake_stop(&s);
}

static void times_out_a_silent_server(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_HANG}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    p.timeout_ms = 200;
    p.max_retries = 1;
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_int_equal(o.r.attempts, 2);
    assert_non_null(strstr(o.error, "no complete answer in time"));
    fake_stop(&s);
}

/* issue 13.14: retries would multiply the wait on a silent port */
static void stops_after_two_timeouts(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_HANG}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    p.timeout_ms = 200;
    p.max_retries = 3;
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_int_equal(o.r.attempts, 2);
    assert_int_equal(o.retries, 1);
    assert_non_null(strstr(o.error, "no complete answer in time, twice: not asked again"));
    fake_stop(&s);
}

/* a stream that stops without [DONE] or a finish_reason is a cut answer */
static void retries_a_stream_cut_short(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {
        {.kind = STEP_REPLY, .status = 200, .headers = "Content-Type: text/event-stream\r\n",
         .body = "data: {\"choices\":[{\"delta\":{\"content\":\"hal\"}}]}\n\n"},
        {.kind = STEP_SSE, .body = "whole"},
    };
    fake_start(&s, st, 2);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    p.stream = 1;
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_true(o.r.ok);
    assert_int_equal(o.retries, 1);
    assert_non_null(strstr(o.why[0], "the stream ended before the answer did"));
    assert_string_equal(o.text, "whole");
    fake_stop(&s);
}

static void survives_a_refused_connection_and_a_slammed_door(void **state)
{
    (void)state;
    char url[64];
    snprintf(url, sizeof url, "http://user:pw@127.0.0.1:%d/v1", fake_dead_port());
    struct llm_params p;
    params(&p);
    p.max_retries = 1;
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_int_equal(o.r.http_status, 0);
    assert_non_null(strstr(o.error, "Couldn't connect"));
    assert_null(strstr(o.error, "user:pw")); /* credentials in a URL stay out of messages */

    struct fake_server s;
    struct step st[] = {{.kind = STEP_CLOSE}, {.kind = STEP_CHAT, .body = "back"}};
    fake_start(&s, st, 2);
    fake_url(&s, url, sizeof url);
    struct outcome o2 = {0};
    chat(url, &p, &o2);
    assert_true(o2.r.ok); /* an empty reply is retried */
    assert_string_equal(o2.text, "back");
    fake_stop(&s);
}

static void keeps_the_raw_body_of_a_malformed_answer(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_REPLY, .status = 200, .body = "{\"choices\": [ {"}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_non_null(strstr(o.error, "not a chat completion (not JSON)"));
    assert_string_equal(o.raw, "{\"choices\": [ {");
    fake_stop(&s);
}

static void caps_the_response_size(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_BIG, .size = 200000}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    p.max_response = 10000;
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_non_null(strstr(o.error, "larger than 10000 bytes"));
    assert_int_equal(o.retries, 0);
    fake_stop(&s);
}

static void streams_text_as_it_arrives(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {{.kind = STEP_SSE, .body = "# SUM\x1fMARY\x1f done", .finish = "length"}};
    fake_start(&s, st, 1);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    p.stream = 1;
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_true(o.r.ok);
    assert_int_equal(o.deltas, 3);
    assert_string_equal(o.stream, "# SUMMARY done");
    assert_string_equal(o.text, "# SUMMARY done");
    assert_string_equal(o.finish, "length");
    assert_int_equal(o.r.tokens_in, 7);
    assert_int_equal(o.r.tokens_out, 3);
    assert_non_null(strstr(s.last_request, "\"stream\":true"));
    fake_stop(&s);
}

/* Reasoning servers parse the thinking out of the answer; it must not end up
 * in the text an agent reads, plain or streamed. */
struct thought {
    struct outcome o;
    char think[512];
    int pieces;
};

static void on_thinking(void *ud, uint64_t id, const char *t, size_t n)
{
    (void)id;
    struct thought *th = ud;
    th->pieces++;
    strncat(th->think, t, n < sizeof th->think - strlen(th->think) - 1 ? n : 0);
}

static void reads_reasoning_apart_from_the_answer(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {
        {.kind = STEP_REPLY, .status = 200, .headers = "Content-Type: application/json\r\n",
         .body = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"[]\","
                 "\"reasoning_content\":\"let me think\"},\"finish_reason\":\"stop\"}],"
                 "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,"
                 "\"completion_tokens_details\":{\"reasoning_tokens\":7}}}"},
        {.kind = STEP_REPLY, .status = 200, .headers = "Content-Type: text/event-stream\r\n",
         .body = "data: {\"choices\":[{\"delta\":{\"reasoning\":\"hmm \"}}]}\n\n"
                 "data: {\"choices\":[{\"delta\":{\"reasoning\":\"ok\"}}]}\n\n"
                 "data: {\"choices\":[{\"delta\":{\"content\":\"[1]\"},"
                 "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"},
    };
    fake_start(&s, st, 2);
    char url[64];
    fake_url(&s, url, sizeof url);
    for (int stream = 0; stream < 2; stream++) {
        struct llm_params p;
        params(&p);
        p.base_url = url;
        p.stream = stream;
        struct thought th = {0};
        uv_loop_t loop;
        uv_loop_init(&loop);
        struct err e;
        struct llm_client *c = llm_client_new(&loop, &e);
        struct llm_callbacks cb = {.done = on_reasoned, .ud = &th, .thinking = on_thinking};
        assert_true(llm_chat(c, &p, msgs, 2, &cb, &e) > 0);
        uv_run(&loop, UV_RUN_DEFAULT);
        llm_client_free(c);
        uv_run(&loop, UV_RUN_DEFAULT);
        assert_int_equal(uv_loop_close(&loop), 0);
        assert_int_equal(th.o.done, 1);
        assert_string_equal(th.o.text, stream ? "[1]" : "[]");
        assert_string_equal(th.o.raw, stream ? "hmm ok" : "let me think");
        if (stream) {
            assert_int_equal(th.pieces, 2);
            assert_string_equal(th.think, "hmm ok");
        } else {
            assert_int_equal(th.o.r.tokens_reasoning, 7);
            assert_int_equal(th.o.r.tokens_out, 9);
        }
    }
    fake_stop(&s);
}

/* o-series style models refuse temperature 0.6 and max_tokens with a 400:
 * each refused parameter is dropped (max_tokens renamed), said as a retry. */
static void drops_a_parameter_the_model_refuses(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {
        {.kind = STEP_REPLY, .status = 400,
         .body = "{\"error\":{\"message\":\"Unsupported value: 'temperature' does not support "
                 "0.6 with this model. Only the default (1) value is supported.\",\"type\":"
                 "\"invalid_request_error\",\"param\":\"temperature\",\"code\":"
                 "\"unsupported_value\"}}"},
        {.kind = STEP_REPLY, .status = 400,
         .body = "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens' is not "
                 "supported with this model. Use 'max_completion_tokens' instead.\"}}"},
        {.kind = STEP_CHAT, .body = "[]"},
    };
    fake_start(&s, st, 3);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    p.max_tokens = 500;
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_true(o.r.ok);
    assert_int_equal(o.retries, 2);
    assert_non_null(strstr(o.why[0], "without temperature"));
    assert_non_null(strstr(o.why[1], "without max_tokens (as max_completion_tokens)"));
    assert_null(strstr(s.last_request, "temperature"));
    assert_null(strstr(s.last_request, "\"max_tokens\""));
    assert_non_null(strstr(s.last_request, "\"max_completion_tokens\":500"));
    fake_stop(&s);
    /* a 400 about something else is no refusal: not sent again */
    struct step bad[] = {{.kind = STEP_REPLY, .status = 400,
                          .body = "{\"error\":{\"message\":\"messages: bad role\","
                                  "\"param\":\"messages\"}}"}};
    fake_start(&s, bad, 1);
    fake_url(&s, url, sizeof url);
    struct outcome o2 = {0};
    chat(url, &p, &o2);
    assert_false(o2.r.ok);
    assert_int_equal(o2.retries, 0);
    assert_int_equal(s.requests, 1);
    fake_stop(&s);
}

/* ---- several at once, and cancelling ----------------------------------------- */

struct multi {
    struct llm_client *c;
    uint64_t hang_id;
    struct outcome o[3];
    uv_timer_t t;
};

static void on_done_multi(void *ud, const struct llm_result *r)
{
    on_done(ud, r);
}

static void cancel_later(uv_timer_t *t)
{
    struct multi *m = t->data;
    assert_int_equal(llm_cancel(m->c, m->hang_id), 0);
    uv_close((uv_handle_t *)t, NULL);
}

static void many_in_flight_and_one_cancelled(void **state)
{
    (void)state;
    struct fake_server ok, hang;
    struct step okst[] = {{.kind = STEP_CHAT, .body = "fine"}};
    struct step hangst[] = {{.kind = STEP_HANG}};
    fake_start(&ok, okst, 1);
    fake_start(&hang, hangst, 1);
    char okurl[64], hangurl[64];
    fake_url(&ok, okurl, sizeof okurl);
    fake_url(&hang, hangurl, sizeof hangurl);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    struct multi m = {0};
    m.c = llm_client_new(&loop, &e);
    struct llm_params p;
    params(&p);
    p.timeout_ms = 60000;
    for (int i = 0; i < 2; i++) {
        p.base_url = okurl;
        struct llm_callbacks cb = {.done = on_done_multi, .ud = &m.o[i]};
        assert_true(llm_chat(m.c, &p, msgs, 2, &cb, &e) > 0);
    }
    p.base_url = hangurl;
    struct llm_callbacks cb = {.done = on_done_multi, .ud = &m.o[2]};
    m.hang_id = llm_chat(m.c, &p, msgs, 2, &cb, &e);
    assert_int_equal(llm_in_flight(m.c), 3);
    uv_timer_init(&loop, &m.t);
    m.t.data = &m;
    uv_timer_start(&m.t, cancel_later, 300, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_true(m.o[0].r.ok && m.o[1].r.ok);
    assert_string_equal(m.o[1].text, "fine");
    assert_false(m.o[2].r.ok);
    assert_true(m.o[2].r.cancelled);
    assert_int_equal(llm_in_flight(m.c), 0);
    llm_client_free(m.c);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    fake_stop(&ok);
    fake_stop(&hang);
}

static void redacts_credentials_in_urls(void **state)
{
    (void)state;
    char b[128];
    llm_redact_url("https://me:secret@api.example.com/v1", b, sizeof b);
    assert_string_equal(b, "https://api.example.com/v1");
    llm_redact_url("http://127.0.0.1:8080/v1", b, sizeof b);
    assert_string_equal(b, "http://127.0.0.1:8080/v1");
    llm_redact_url("http://host/v1/a@b", b, sizeof b); /* an @ in the path is no userinfo */
    assert_string_equal(b, "http://host/v1/a@b");
}

/* issue 15.9: a 401 that quotes the key, in the error, the raw body and
 * the retry reasons; bytes that are not UTF-8 come out as U+FFFD */
static void scrubs_the_key_and_bad_utf8_from_what_the_server_says(void **state)
{
    (void)state;
    struct fake_server s;
    struct step st[] = {
        {.kind = STEP_REPLY, .status = 500, .body = "{\"error\":{\"message\":\"bad key " KEY
                                                    " \xff\"}}"},
        {.kind = STEP_REPLY, .status = 401,
         .body = "{\"error\":{\"message\":\"Incorrect API key provided: " KEY "\"}}"},
    };
    fake_start(&s, st, 2);
    char url[64];
    fake_url(&s, url, sizeof url);
    struct llm_params p;
    params(&p);
    struct outcome o = {0};
    chat(url, &p, &o);
    assert_false(o.r.ok);
    assert_int_equal(o.retries, 1);
    assert_null(strstr(o.why[0], KEY));
    assert_non_null(strstr(o.why[0], "bad key [redacted] \xef\xbf\xbd"));
    assert_non_null(strstr(o.error, "HTTP 401: Incorrect API key provided: [redacted]"));
    assert_null(strstr(o.raw, KEY));
    assert_non_null(strstr(o.raw, "[redacted]"));
    fake_stop(&s);
}

static void scrubs_text(void **state)
{
    (void)state;
    static const struct {
        const char *in, *key, *out;
    } cases[] = {
        {"plain ascii", KEY, "plain ascii"},
        {"K=" KEY "; again " KEY, KEY, "K=[redacted]; again [redacted]"},
        {"short keys stay: EMPTY", "EMPTY", "short keys stay: EMPTY"},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82", NULL,
         "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82"},           /* valid: kept */
        {"caf\xe9!", NULL, "caf\xef\xbf\xbd!"},                      /* Latin-1 */
        {"\xc0\xaf", NULL, "\xef\xbf\xbd\xef\xbf\xbd"},              /* overlong */
        {"\xed\xa0\x80", NULL, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
        {"\xf4\x90\x80\x80", NULL,
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},       /* past U+10FFFF */
        {"cut \xe2\x82", NULL, "cut \xef\xbf\xbd\xef\xbf\xbd"},      /* at the end */
        {"", KEY, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = llm_scrub_text(cases[i].in, cases[i].key);
        assert_non_null(t);
        assert_string_equal(t, cases[i].out);
        free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_and_reports_usage),
        cmocka_unit_test(retries_429_honouring_retry_after),
        cmocka_unit_test(gives_up_on_repeated_500),
        cmocka_unit_test(does_not_retry_a_client_error),
        cmocka_unit_test(times_out_a_silent_server),
        cmocka_unit_test(stops_after_two_timeouts),
        cmocka_unit_test(retries_a_stream_cut_short),
        cmocka_unit_test(survives_a_refused_connection_and_a_slammed_door),
        cmocka_unit_test(keeps_the_raw_body_of_a_malformed_answer),
        cmocka_unit_test(caps_the_response_size),
        cmocka_unit_test(streams_text_as_it_arrives),
        cmocka_unit_test(reads_reasoning_apart_from_the_answer),
        cmocka_unit_test(drops_a_parameter_the_model_refuses),
        cmocka_unit_test(many_in_flight_and_one_cancelled),
        cmocka_unit_test(redacts_credentials_in_urls),
        cmocka_unit_test(scrubs_the_key_and_bad_utf8_from_what_the_server_says),
        cmocka_unit_test(scrubs_text),
    };
    return cmocka_run_group_tests_name("llm", tests, NULL, NULL);
}
