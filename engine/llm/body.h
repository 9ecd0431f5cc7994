/* The body of a chat request, and what to do when a server refuses part of
 * it. o-series and gpt-5 style models answer 400 to a temperature other than
 * 1 and to max_tokens (they want max_completion_tokens); some local servers
 * refuse response_format or stream_options. A refused parameter is dropped
 * (max_tokens renamed) and the request sent again, once per parameter; the
 * client remembers the refusal for that model. */
#ifndef COLLM_LLM_BODY_H
#define COLLM_LLM_BODY_H

#include "llm.h"

enum llm_param {
    LLM_P_TEMPERATURE = 1 << 0,
    LLM_P_TOP_P = 1 << 1,
    LLM_P_SEED = 1 << 2,
    LLM_P_MAX_TOKENS = 1 << 3,      /* refused: sent as max_completion_tokens */
    LLM_P_MAX_COMPLETION = 1 << 4,  /* refused too: no cap at all */
    LLM_P_RESPONSE_FORMAT = 1 << 5,
    LLM_P_STREAM_OPTIONS = 1 << 6,
    LLM_P_JSON_SCHEMA = 1 << 7,     /* refused: response_format json_object instead */
};

/* JSON text, malloc'd; `refused` (LLM_P_* bits) are left out. */
char *llm_body_make(const struct llm_params *p, const struct llm_msg *msgs, int n,
                    unsigned refused);
/* The parameter a 4xx answer `resp` refuses, among those `body` holds: the
 * error's "param" field, else a parameter named in its message. 0 when the
 * answer refuses nothing we can drop. */
unsigned llm_body_refused(const char *resp, const char *body);
/* `body` without the refused parameter, malloc'd (NULL on failure). */
char *llm_body_drop(const char *body, unsigned param);
const char *llm_body_param_name(unsigned param);

/* What servers refused, per model (the first few models a client meets). */
#define LLM_REFUSALS_MAX 8
struct llm_refusals {
    struct {
        char model[128];
        unsigned params;
    } m[LLM_REFUSALS_MAX];
    int n;
};
unsigned llm_body_refused_for(const struct llm_refusals *f, const char *model);
void llm_body_remember(struct llm_refusals *f, const char *model, unsigned param);

#endif
