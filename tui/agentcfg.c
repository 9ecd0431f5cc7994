#include "agentcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/agents/agent.h"
#include "../sessions/journal.h"

void agent_cfg_default(struct agent_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->temperature = 0.6; /* the paper's setting */
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
        {"max-tokens", OPT_INT, &c->max_tokens, "N", "cap on each answer (default: the "
                                                     "server's)", NULL},
        {"llm-timeout", OPT_DOUBLE, &c->timeout, "S", "seconds for one LLM attempt (default "
                                                      "300)", NULL},
        {"llm-retries", OPT_INT, &c->retries, "N", "retries on connection errors, 429 and 5xx "
                                                   "(default 3)", NULL},
        {"stream", OPT_FLAG, &c->stream, NULL, "stream answers (server-sent events)", NULL},
        {"json-mode", OPT_FLAG, &c->json_mode, NULL, "ask the Generator's server for a JSON "
                                                     "object (response_format)", NULL},
        {"prompts", OPT_STR, &c->prompts, "DIR", "prompt templates (default: the installed "
                                                 "prompts/)", NULL},
    };
    int n = (int)(sizeof mine / sizeof mine[0]);
    if (n > max)
        return -1;
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
    if (!c->url && !c->preset && llm_url && llm_url[0])
        c->url = llm_url;
    if (!c->model && !c->nav_model && nav_llm)
        c->nav_model = navigator + 4;
    if (!c->model && !c->gen_model && gen_llm)
        c->gen_model = generator + 4;
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
        if (ev->type != EV_LLM_ANSWER || ev->req < 1 || ev->req > maxreq || !latest[ev->req])
            continue;
        const struct event *rq = &ss.evs[latest[ev->req] - 1];
        struct llm_msg *m = calloc((size_t)rq->nmsg + 1, sizeof *m);
        for (int k = 0; m && k < rq->nmsg; k++)
            m[k] = (struct llm_msg){rq->msgs[k].role, rq->msgs[k].content};
        if (m && llm_client_record(cl, m, rq->nmsg, ev->text, ev->finish, ev->tokens_in,
                                   ev->tokens_out) == 0)
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

struct proposer *agent_cfg_proposer(struct agent_cfg *c, const char *algo,
                                    const struct space *s, uint64_t seed,
                                    const char *params, uv_loop_t *loop,
                                    struct llm_client **client, struct err *e)
{
    *client = NULL;
    c->used_url[0] = '\0';
    struct proposer *p = proposer_open_params(algo, s, seed, params, e);
    if (!p || strcmp(algo, "collm") != 0)
        return p;

    static char preset_model[256];
    const char *url = c->url, *model = c->model;
    struct llm_client *replay = NULL;
    if (c->preset && strncmp(c->preset, "replay:", 7) == 0) {
        if (!(replay = replay_client(c, c->preset + 7, loop, e))) {
            proposer_close(p);
            return NULL;
        }
        url = c->preset; /* shown as the endpoint: never the network */
        model = c->model;
    } else if (c->preset) {
        const char *colon = strchr(c->preset, ':');
        size_t kl = colon ? (size_t)(colon - c->preset) : strlen(c->preset);
        int found = 0;
        for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
            if (strlen(presets[i].kind) == kl && strncmp(presets[i].kind, c->preset, kl) == 0) {
                if (!url)
                    url = presets[i].url;
                found = 1;
            }
        if (!found || !colon || !colon[1]) {
            proposer_close(p);
            return err_usage(e, "--llm", "expected ollama:MODEL, vllm:MODEL, llamacpp:MODEL, "
                             "openai:MODEL or replay:FILE, got '%s'", c->preset), NULL;
        }
        snprintf(preset_model, sizeof preset_model, "%s", colon + 1);
        if (!model)
            model = preset_model;
    }
    if (!url)
        url = getenv("OPENAI_BASE_URL");
    if (url && !url[0])
        url = NULL;
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
    llm_redact_url(url, c->used_url, sizeof c->used_url);
    struct llm_params lp;
    llm_params_default(&lp);
    lp.base_url = url;
    lp.api_key = getenv("OPENAI_API_KEY"); /* sent as a header, nowhere else */
    lp.temperature = c->temperature;
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
    nav = nav_llm ? llm_navigator_new(s, *client, &lp, c->prompts, e)
                  : offline_navigator_new(s, nav_seed,
                                          ((const struct collm_opts *)p->opts)->prior);
    lp.model = gen_model;
    lp.json_mode = c->json_mode;
    gen = gen_llm ? llm_generator_new(s, *client, &lp, c->prompts, e)
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
