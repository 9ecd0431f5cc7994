/* Reading an OpenAI-style chat answer (DESIGN §6): one JSON body, or
 * server-sent events as they arrive, with the usage counts, the finish
 * reason and any reasoning the server parsed out of the answer. No I/O:
 * the transport (llm.c) feeds it the bytes. */
#ifndef COLLM_LLM_ANSWER_H
#define COLLM_LLM_ANSWER_H

#include <stddef.h>

#include "../core/strbuf.h"

struct llm_answer {
    struct strbuf text;      /* the answer */
    struct strbuf reasoning; /* reasoning_content / reasoning, apart from it */
    char finish[32];         /* finish_reason, "" until one came */
    long tokens_in, tokens_out, tokens_reasoning;
    /* "" or what was wrong with the server's usage counts: a count that is
     * negative, not a number or past 10^15 is taken as 0 and said here, so
     * the journal never holds a count its reader refuses */
    char usage_bad[160];
    size_t sse_pos;          /* how far the body has been read as events */
    int sse_events;
    int sse_done;            /* the stream said [DONE] */
    /* Optional, for streams: each piece as it comes. */
    void (*delta)(void *ud, const char *text, size_t n);
    void (*thinking)(void *ud, const char *text, size_t n);
    void *ud;
};

/* Empty again for a new attempt (callbacks kept). */
void llm_answer_reset(struct llm_answer *a);
void llm_answer_free(struct llm_answer *a);
/* Reads the complete events of `body` from where the last call stopped. */
void llm_answer_feed_sse(struct llm_answer *a, const struct strbuf *body);
/* A whole JSON body: 0, or -1 with `why` saying what it is not. */
int llm_answer_parse(struct llm_answer *a, const char *body, char *why, size_t n);
/* The server's own words from an error body ({"error": {"message": ...}}),
 * as ": words", or the body's start; "" for an empty body. */
void llm_answer_server_message(const struct strbuf *body, char *out, size_t n);

#endif
