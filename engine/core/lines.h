/* Bytes as they come from a pipe, cut into lines: the worker protocol's
 * JSON Lines in both directions (engine/eval/ext_worker.c reads a worker's
 * stdout and stderr, tui/cmd_worker.c its requests) with one set of rules
 * for a line split across reads, a last line without its newline and a
 * line too long to hold. */
#ifndef COLLM_LINES_H
#define COLLM_LINES_H

#include <stddef.h>

enum line_kind {
    LINE_WHOLE, /* a line, its newline removed */
    LINE_CUT,   /* the first `max` bytes of a longer line; the rest is skipped */
    LINE_NOMEM  /* what fitted before memory ran out; the rest is skipped */
};

/* One line, NUL-terminated (it may be changed in place); nonzero stops
 * lines_feed (the reader gave up on its source). */
typedef int (*lines_fn)(void *ud, char *line, size_t len, enum line_kind kind);

struct lines {
    size_t max;  /* bytes a line may have; longer ones come as LINE_CUT */
    int cr;      /* a carriage return ends a line too (progress bars on stderr) */
    char *buf;
    size_t len, cap;
    int skipping; /* inside a line already given as cut */
};

void lines_init(struct lines *l, size_t max, int cr);
/* Calls fn for every line the n bytes complete; returns what fn returned
 * when it stopped early, else 0. */
int lines_feed(struct lines *l, const char *p, size_t n, lines_fn fn, void *ud);
/* The end of the input: a last line without its newline, if any. */
int lines_finish(struct lines *l, lines_fn fn, void *ud);
void lines_free(struct lines *l);

#endif
