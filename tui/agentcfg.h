/* How the command line configures the agents of --algo collm: which roles
 * use an LLM, which endpoint and model, the way users already write it
 * (--llm-url, --model, OPENAI_BASE_URL, OPENAI_API_KEY, --llm ollama:MODEL). */
#ifndef COLLM_AGENTCFG_H
#define COLLM_AGENTCFG_H

#include <uv.h>

#include "../engine/llm/llm.h"
#include "../engine/search/proposer.h"
#include "opts.h"

struct agent_cfg {
    const char *preset, *url, *model, *nav_model, *gen_model;
    const char *navigator, *generator; /* "offline", "llm" or NULL: decide */
    const char *prompts;
    const char *structured; /* none, json_object, json_schema; NULL: per --json-mode */
    double temperature, timeout;
    double nav_temperature, gen_temperature; /* NAN: as temperature */
    double top_p;                            /* 0: the server's */
    int llm_seed;                            /* -1: none */
    int context_window, max_requests;        /* 0: none */
    double max_tokens_total;                 /* 0: none */
    int max_tokens, retries, stream, json_mode;
    const char *session_url; /* resume: the endpoint the session recorded, used only
                              * once the user names it again or confirms */
    char used_url[1024]; /* set by agent_cfg_proposer: the endpoint, redacted, or "" */
    char key_host[256];  /* set with it: the host OPENAI_API_KEY goes to, or "" */
};

void agent_cfg_default(struct agent_cfg *c);
/* For a recorded session: the agents it used, unless the command line
 * says otherwise. Its endpoint is not used as it stands: a session file
 * can be edited, and the API key must only go where the user said in
 * this run (agent_cfg_named, agent_cfg_trust_session). */
void agent_cfg_from_session(struct agent_cfg *c, const char *navigator, const char *generator,
                            const char *llm_url);
/* 1 when this run names an endpoint: --llm-url, --llm or OPENAI_BASE_URL. */
int agent_cfg_named(const struct agent_cfg *c);
/* The user confirmed the session's recorded endpoint: use it. */
void agent_cfg_trust_session(struct agent_cfg *c);
/* The endpoint and model this run names (--llm-url, --llm KIND:MODEL,
 * --model, OPENAI_BASE_URL); *url NULL when none, "replay:FILE" for a
 * recording. -1 with `e` set for an --llm it does not know. */
int agent_cfg_endpoint(const struct agent_cfg *c, const char **url, const char **model,
                       struct err *e);
/* Appends this module's options to `o` (which has room for `max` more). */
int agent_cfg_opts(struct agent_cfg *c, struct opt *o, int max);
/* The proposer for `algo` with the options of a params object (JSON, NULL:
 * the defaults): the collm proposer with the configured agents, or another
 * algorithm. *client is set when an LLM is used (free it after the search,
 * on the same loop). */
struct proposer *agent_cfg_proposer(struct agent_cfg *c, const char *algo,
                                    const struct space *s, uint64_t seed,
                                    const char *params, uv_loop_t *loop,
                                    struct llm_client **client, struct err *e);

#endif
