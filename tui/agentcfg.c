#include "agentcfg.h"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/agents/agent.h"
#include "../sessions/journal.h"

void agent_cfg_default(struct agent_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->temperature = 0.6; /* the paper's setting, for both roles */
    c->nav_temperature = c->gen_temperature = NAN;
    c->llm_seed = -1;
    c->timeout = 300;
    c->retries = 3;
}

int agent_cfg_opts(struct agent_cfg *c, struct opt *o, int max)
{
    const struct opt mine[] = {
        {"llm", OPT_STR, &c->preset, "KIND:MODEL",
         "an LLM server on its usual local port: ollama:M, vllm:M, llamacpp:M (or openai:M); "
         "replay:FILE answers from a recorded session",
         NULL},
        {"llm-url", OPT_STR, &c->url, "URL", "OpenAI-compatible base URL, e.g. "
                                             "http://127.0.0.1:8000/v1 (else OPENAI_BASE_URL)",
         NULL},
        {"model", OPT_STR, &c->model, "NAME", "model for both roles", NULL},
        {"navigator-model", OPT_STR, &c->nav_model, "NAME", "model for the Navigator", NULL},
        {"generator-model", OPT_STR, &c->gen_model, "NAME", "model for the Generator", NULL},
        {"navigator", OPT_STR, &c->navigator, "KIND", "offline or llm (default: llm when an "
                                                      "endpoint is configured)", NULL},
        {"generator", OPT_STR, &c->generator, "KIND", "offline or llm (likewise)", NULL},
        {"temperature", OPT_DOUBLE, &c->temperature, "T", "sampling temperature (default 0.6)",
         NULL},
        {"navigator-temperature", OPT_DOUBLE, &c->nav_temperature, "T", "the Navigator's "
                                                                         "(default: --temperature)",
         NULL},
        {"generator-temperature", OPT_DOUBLE, &c->gen_temperature, "T", "the Generator's "
                                                                         "(default: --temperature)",
         NULL},
        {"top-p", OPT_DOUBLE, &c->top_p, "P", "nucleus sampling, 0 < P <= 1 (default: the "
                                              "server's)", NULL},
        {"context-window", OPT_INT, &c->context_window, "N", "tokens the model reads; past it "
                                                             "the Navigator's oldest turns give "
                                                             "way to a table of every result "
                                                             "(default: learnt from the server's "
                                                             "refusal)", NULL},
        {"max-llm-requests", OPT_INT, &c->max_requests, "N", "stop asking the LLM after N "
                                                             "requests in the session", NULL},
        {"max-tokens-total", OPT_DOUBLE, &c->max_tokens_total, "N", "stop asking the LLM once "
                                                                    "N prompt and answer tokens "
                                                                    "are spent", NULL},
        {"llm-seed", OPT_INT, &c->llm_seed, "N", "sampling seed sent to the server, for servers "
                                                 "that honour one (default: none)", NULL},
        {"max-tokens", OPT_INT, &c->max_tokens, "N", "cap on each answer (default: the "
                                                     "server's)", NULL},
        {"llm-timeout", OPT_DOUBLE, &c->timeout, "S", "seconds for one LLM attempt (default "
                                                      "300: a long answer from a slow model; "
                                                      "a request timed out twice is not sent "
                                                      "again)", NULL},
        {"llm-retries", OPT_INT, &c->retries, "N", "retries on connection errors, 429 and 5xx "
                                                   "(default 3)", NULL},
        {"stream", OPT_FLAG, &c->stream, NULL, "stream answers (server-sent events)", NULL},
        {"json-mode", OPT_FLAG, &c->json_mode, NULL, "ask the Generator's server for a JSON "
                                                     "object (response_format)", NULL},
        {"structured", OPT_STR, &c->structured, "MODE", "the Generator's response_format: none, "
                                                        "json_object (as --json-mode) or "
                                                        "json_schema (the space's schema; falls "
                                                        "back when the server refuses)", NULL},
        {"prompts", OPT_STR, &c->prompts, "DIR", "prompt templates (default: the installed "
                                                 "prompts/)", NULL},
    };
    int n = (int)(sizeof mine / sizeof mine[0]);
    if (n > max) { /* a table too small loses flags: never silently */
        fprintf(stderr, "collm: internal error: no room for %d options (%d)\n", n, max);
        abort();
    }
    memcpy(o, mine, sizeof mine);
    return n;
}

void agent_cfg_from_session(struct agent_cfg *c, const char *navigator, const char *generator,
                            const char *llm_url)
{
    int nav_llm = navigator && strncmp(navigator, "llm:", 4) == 0;
    int gen_llm = generator && strncmp(generator, "llm:", 4) == 0;
    if (!c->navigator)
        c->navigator = nav_llm ? "llm" : "offline";
    if (!c->generator)
        c->generator = gen_llm ? "llm" : "offline";
    c->session_url = llm_url && llm_url[0] ? llm_url : NULL;
    if (!c->model && !c->nav_model && nav_llm)
        c->nav_model = navigator + 4;
    if (!c->model && !c->gen_model && gen_llm)
        c->gen_model = generator + 4;
}

int agent_cfg_named(const struct agent_cfg *c)
{
    const char *env = getenv("OPENAI_BASE_URL");
    return c->url || c->preset || (env && env[0]);
}

void agent_cfg_trust_session(struct agent_cfg *c)
{
    if (!agent_cfg_named(c) && c->session_url)
        c->url = c->session_url;
}

/* The host[:port] of a URL, for saying where the key goes: never a path,
 * a query or user:password@. */
static void url_host(const char *url, char *buf, size_t n)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    const char *end = h + strcspn(h, "/?#");
    for (const char *at = h; at < end; at++)
        if (*at == '@')
            h = at + 1;
    snprintf(buf, n, "%.*s", (int)(end - h), h);
}

/* --llm replay:FILE: a client that answers every request with the answer
 * recorded in FILE for the same messages. Sets the roles and models the
 * recording used, unless the command line chose them. */
static struct llm_client *replay_client(struct agent_cfg *c, const char *file, uv_loop_t *loop,
                                        struct err *e)
{
    struct session ss;
    if (session_read(file, &ss, e) < 0)
        return NULL;
    struct llm_client *cl = llm_client_new(loop, e);
    int pairs = 0, *latest = calloc((size_t)ss.n + 1, sizeof *latest), maxreq = ss.n;
    for (int i = 0; cl && latest && i < ss.n; i++) {
        const struct event *ev = &ss.evs[i];
        if (ev->type == EV_LLM_REQUEST && ev->req >= 1 && ev->req <= maxreq)
            latest[ev->req] = i + 1; /* req numbers restart when a session is resumed */
        /* answers, and the refusals a server gave (4xx): a resumed search
         * must meet the same refusal to take the same way */
        int refusal = ev->type == EV_LLM_FAILED && ev->http_status >= 400 &&
                      ev->http_status < 500;
        if ((ev->type != EV_LLM_ANSWER && !refusal) || ev->req < 1 || ev->req > maxreq ||
            !latest[ev->req])
            continue;
        const struct event *rq = &ss.evs[latest[ev->req] - 1];
        struct llm_msg *m = calloc((size_t)rq->nmsg + 1, sizeof *m);
        for (int k = 0; m && k < rq->nmsg; k++)
            m[k] = (struct llm_msg){rq->msgs[k].role, rq->msgs[k].content};
        if (m && (refusal ? llm_client_record_failure(cl, m, rq->nmsg, ev->why, ev->http_status)
                          : llm_client_record(cl, m, rq->nmsg, ev->text, ev->finish,
                                              ev->tokens_in, ev->tokens_out)) == 0)
            pairs++;
        free(m);
    }
    free(latest);
    const struct session_info *info = ss.evs[0].info;
    static char nav_model[128], gen_model[128];
    snprintf(nav_model, sizeof nav_model, "%s",
             info->navigator && !strncmp(info->navigator, "llm:", 4) ? info->navigator + 4 : "");
    snprintf(gen_model, sizeof gen_model, "%s",
             info->generator && !strncmp(info->generator, "llm:", 4) ? info->generator + 4 : "");
    if (!c->navigator)
        c->navigator = nav_model[0] ? "llm" : "offline";
    if (!c->generator)
        c->generator = gen_model[0] ? "llm" : "offline";
    if (!c->model && !c->nav_model && nav_model[0])
        c->nav_model = nav_model;
    if (!c->model && !c->gen_model && gen_model[0])
        c->gen_model = gen_model;
    session_free(&ss);
    if (cl && pairs == 0) {
        err_usage(e, "--llm", "%s holds no answered LLM requests to replay", file);
        llm_client_free(cl);
        return NULL;
    }
    return cl;
}

/* Presets: where each server listens by default. */
static const struct {
    const char *kind, *url;
} presets[] = {
    {"ollama", "http://127.0.0.1:11434/v1"},
    {"vllm", "http://127.0.0.1:8000/v1"},
    {"llamacpp", "http://127.0.0.1:8080/v1"},
    {"openai", "https://api.openai.com/v1"},
};

int agent_cfg_endpoint(const struct agent_cfg *c, const char **url, const char **model,
                       struct err *e)
{
    static char preset_model[256];
    *url = c->url;
    *model = c->model;
    /* flags, then the environment, then the config file, as git and pip
     * rank them: an OPENAI_BASE_URL set for this shell wins over the file */
    const char *env = getenv("OPENAI_BASE_URL");
    if (*url && env && env[0] && config_gave("llm-url"))
        *url = env;
    if (c->preset && strncmp(c->preset, "replay:", 7) == 0) {
        *url = c->preset; /* shown as the endpoint: never the network */
    } else if (c->preset) {
        const char *colon = strchr(c->preset, ':');
        size_t kl = colon ? (size_t)(colon - c->preset) : strlen(c->preset);
        int found = 0;
        for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
            if (strlen(presets[i].kind) == kl && strncmp(presets[i].kind, c->preset, kl) == 0) {
                if (!*url)
                    *url = presets[i].url;
                found = 1;
            }
        if (!found || !colon || !colon[1])
            return err_usage(e, "--llm", "expected ollama:MODEL, vllm:MODEL, llamacpp:MODEL, "
                             "openai:MODEL or replay:FILE, got '%s'", c->preset);
        snprintf(preset_model, sizeof preset_model, "%s", colon + 1);
        if (!*model)
            *model = preset_model;
    }
    if (!*url)
        *url = getenv("OPENAI_BASE_URL");
    if (*url && !(*url)[0])
        *url = NULL;
    return 0;
}

static int role_uses_llm(const char *kind, int have_url, const char *flag, int *out,
                         struct err *e)
{
    if (!kind) {
        *out = have_url;
        return 0;
    }
    if (strcmp(kind, "offline") == 0)
        *out = 0;
    else if (strcmp(kind, "llm") == 0)
        *out = 1;
    else
        return err_usage(e, flag, "expected offline or llm, got '%s'", kind);
    return 0;
}

/* Every number an LLM flag takes, in range; checked whether or not an LLM
 * is used, so a bad value is never silently carried along. */
static int limits(const struct agent_cfg *c, struct err *e)
{
    if (opts_range("--temperature", c->temperature, 0, 2, e) < 0 ||
        (!isnan(c->nav_temperature) &&
         opts_range("--navigator-temperature", c->nav_temperature, 0, 2, e) < 0) ||
        (!isnan(c->gen_temperature) &&
         opts_range("--generator-temperature", c->gen_temperature, 0, 2, e) < 0))
        return -1;
    if (c->top_p < 0 || c->top_p > 1)
        return err_usage(e, "--top-p", "P is in (0, 1], got %g", c->top_p);
    if (c->context_window != 0 && c->context_window < 1024)
        return err_usage(e, "--context-window", "a context window is at least 1024 tokens, "
                         "got %d", c->context_window);
    if (c->llm_seed < -1)
        return err_usage(e, "--llm-seed", "a seed is a whole number, 0 or more");
    /* a day at most: the timeout becomes milliseconds in a long */
    return opts_range("--max-llm-requests", c->max_requests, 0, INFINITY, e) < 0 ||
                   opts_range("--max-tokens-total", c->max_tokens_total, 0, 1e15, e) < 0 ||
                   opts_range("--max-tokens", c->max_tokens, 0, INFINITY, e) < 0 ||
                   opts_range("--llm-timeout", c->timeout, 0.001, 86400, e) < 0 ||
                   opts_range("--llm-retries", c->retries, 0, 100, e) < 0
               ? -1
               : 0;
}

struct proposer *agent_cfg_proposer(struct agent_cfg *c, const char *algo,
                                    const struct space *s, uint64_t seed,
                                    const char *params, uv_loop_t *loop,
                                    struct llm_client **client, struct err *e)
{
    *client = NULL;
    c->used_url[0] = c->key_host[0] = '\0';
    if (limits(c, e) < 0)
        return NULL;
    struct proposer *p = proposer_open_params(algo, s, seed, params, e);
    if (!p || strcmp(algo, "collm") != 0)
        return p;

    const char *url, *model;
    struct llm_client *replay = NULL;
    if (c->preset && strncmp(c->preset, "replay:", 7) == 0) {
        if (!(replay = replay_client(c, c->preset + 7, loop, e))) {
            proposer_close(p);
            return NULL;
        }
    }
    if (agent_cfg_endpoint(c, &url, &model, e) < 0) {
        proposer_close(p);
        return NULL;
    }
    int nav_llm, gen_llm;
    if (role_uses_llm(c->navigator, url != NULL, "--navigator", &nav_llm, e) < 0 ||
        role_uses_llm(c->generator, url != NULL, "--generator", &gen_llm, e) < 0) {
        proposer_close(p);
        return NULL;
    }
    if (!nav_llm && !gen_llm) {
        llm_client_free(replay);
        return p; /* the offline agents collm_open made */
    }
    const char *nav_model = c->nav_model ? c->nav_model : model;
    const char *gen_model = c->gen_model ? c->gen_model : model;
    char host[256] = "";
    if (!url && c->session_url) {
        url_host(c->session_url, host, sizeof host);
        llm_client_free(replay);
        proposer_close(p);
        return err_usage(e, "--llm-url", "the session names the endpoint %s, which this run "
                         "has not: collm sends requests (and OPENAI_API_KEY) only to an "
                         "endpoint you name; pass --llm-url URL (or --llm, OPENAI_BASE_URL) to "
                         "use it or another, or --navigator offline --generator offline",
                         host), NULL;
    }
    const char *missing = !url ? "no LLM endpoint: give --llm-url or --llm, or set "
                                 "OPENAI_BASE_URL"
                          : nav_llm && !nav_model ? "the Navigator needs a model: --model or "
                                                    "--navigator-model"
                          : gen_llm && !gen_model ? "the Generator needs a model: --model or "
                                                    "--generator-model"
                                                  : NULL;
    if (missing) {
        llm_client_free(replay);
        proposer_close(p);
        return err_usage(e, "--algo collm", "%s", missing), NULL;
    }
    int json = c->json_mode ? LLM_JSON_OBJECT : LLM_JSON_NONE;
    if (c->structured) {
        static const char *const modes[] = {"none", "json_object", "json_schema"};
        json = -1;
        for (int i = 0; i < 3; i++)
            if (strcmp(c->structured, modes[i]) == 0)
                json = i;
        if (json < 0) {
            llm_client_free(replay);
            proposer_close(p);
            return err_usage(e, "--structured", "expected none, json_object or json_schema, got "
                             "'%s'", c->structured), NULL;
        }
    }
    llm_redact_url(url, c->used_url, sizeof c->used_url);
    struct llm_params lp;
    llm_params_default(&lp);
    lp.base_url = url;
    lp.api_key = getenv("OPENAI_API_KEY"); /* sent as a header, nowhere else */
    if (!replay && lp.api_key && lp.api_key[0])
        url_host(url, c->key_host, sizeof c->key_host);
    lp.top_p = c->top_p;
    lp.has_seed = c->llm_seed >= 0;
    lp.seed = c->llm_seed;
    lp.max_tokens = c->max_tokens;
    lp.stream = c->stream;
    lp.timeout_ms = (long)(c->timeout * 1000);
    lp.max_retries = c->retries;
    *client = replay ? replay : llm_client_new(loop, e);
    if (!*client) {
        proposer_close(p);
        return NULL;
    }
    struct rng r;
    rng_seed(&r, seed);
    uint64_t nav_seed = rng_next(&r), gen_seed = rng_next(&r);
    struct navigator *nav;
    struct generator *gen;
    lp.model = nav_model;
    lp.temperature = isnan(c->nav_temperature) ? c->temperature : c->nav_temperature;
    struct llm_limits lim = {.context_window = c->context_window,
                             .max_requests = c->max_requests,
                             .max_tokens = (long)c->max_tokens_total};
    nav = nav_llm ? llm_navigator_new(s, *client, &lp, &lim, c->prompts, e)
                  : offline_navigator_new(s, nav_seed,
                                          ((const struct collm_opts *)p->opts)->prior);
    lp.model = gen_model;
    lp.temperature = isnan(c->gen_temperature) ? c->temperature : c->gen_temperature;
    lp.json_mode = json;
    gen = gen_llm ? llm_generator_new(s, *client, &lp, &lim, c->prompts, e)
                  : offline_generator_new(s, gen_seed);
    /* replace the offline pair collm_open made with this one */
    struct proposer *q = calloc(1, sizeof *q);
    if (!q || !nav || !gen) {
        free(q);
        navigator_free(nav);
        generator_free(gen);
        proposer_close(p);
        return err_set(e, "collm", "cannot set up the agents"), NULL;
    }
    *q = (struct proposer){.name = p->name, .kind = p->kind, .space = s, .rng = p->rng,
                           .opts = p->opts};
    p->opts = NULL; /* q's now */
    proposer_close(p);
    struct proposer *made = collm_with_agents(q, nav, gen, e);
    if (!made)
        free(q);
    return made;
}
