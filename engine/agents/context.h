/* Fitting the Navigator's conversation into a model's context window
 * (DESIGN §6). The conversation grows by a turn and a strategy each
 * iteration; past the window a server cuts the answer, refuses with a 400,
 * or (Ollama) silently drops the oldest turns. Before sending, the oldest
 * turns are dropped, in pairs, and replaced by one compact table of every
 * result so far (the paper keeps the whole trajectory in view). The choice
 * is a pure function of the conversation, the window and the state, so a
 * resumed or replayed search sends the same messages. */
#ifndef COLLM_CONTEXT_H
#define COLLM_CONTEXT_H

#include <stddef.h>

#include "../core/state.h"
#include "../core/strbuf.h"
#include "../llm/llm.h"

/* A deliberately high estimate of a text's tokens (3 characters a token;
 * tokenizers average nearer 4 for English and JSON). */
long context_tokens(const char *text);

struct context_fit {
    int keep_from;   /* conversation turns before this index are dropped (even) */
    long before;     /* estimated tokens of the whole conversation */
    long after;      /* estimated tokens of what is sent */
    int rows;        /* results in the table (0: no table) */
};

/* Which turns of conv[0..nconv) to keep so that system, the kept turns,
 * `turn` and `extra` (a correction, or 0) and `reserve` tokens for the
 * answer fit in `window` (0: no limit, nothing dropped). When turns are
 * dropped, `table` receives the compact results table to put before the
 * turn, at most `window / 3` tokens of it. */
void context_fit(const char *system, const struct llm_msg *conv, int nconv, const char *turn,
                 long extra, int window, int reserve, const struct state *st,
                 struct strbuf *table, struct context_fit *out);

/* A server's answer that the prompt was too long: "maximum context length
 * is 32768 tokens", "context_length_exceeded", "exceeds the context
 * window" ... Returns 1 and the window it names (or 0 if it names none). */
int context_exceeded(const char *error, int *window);

#endif
