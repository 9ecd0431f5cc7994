/* A growable string: prompts, strategies, HTTP bodies are built in one. */
#ifndef COLLM_STRBUF_H
#define COLLM_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *p;      /* NUL-terminated once anything was added; NULL before */
    size_t len, cap;
    int failed;   /* an allocation failed: the text is cut short */
};

/* Returns -1 (and sets failed) when memory runs out. */
int strbuf_add(struct strbuf *b, const char *s, size_t n);
int strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far, "" when empty. */
const char *strbuf_str(const struct strbuf *b);
void strbuf_reset(struct strbuf *b); /* empty, memory kept */
void strbuf_free(struct strbuf *b);

#endif
