/* What a server sends, made fit to keep and to show (issue 15, finding 9):
 * an endpoint can quote the API key back (a 401 "Incorrect API key
 * provided: sk-...") and can send bytes that are not UTF-8, which would
 * make the journal's JSON lines unreadable. Every answer, error, raw body
 * and reasoning passes through here before it leaves the client. */
#ifndef COLLM_LLM_SCRUB_H
#define COLLM_LLM_SCRUB_H

/* Shorter keys are placeholders ("EMPTY", "ollama") that servers ignore:
 * replacing them would garble answers and protect nothing. */
#define LLM_SCRUB_MIN_KEY 8

/* A new string: `text` with every occurrence of `key` (when it is at least
 * LLM_SCRUB_MIN_KEY long) replaced by "[redacted]" and every invalid UTF-8
 * sequence (stray bytes, overlong forms, surrogates, cut sequences) by
 * U+FFFD. NULL only when memory runs out. */
char *llm_scrub_text(const char *text, const char *key);

#endif
