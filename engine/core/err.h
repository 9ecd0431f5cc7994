/* Errors that say what went wrong and where. */
#ifndef COLLM_ERR_H
#define COLLM_ERR_H

#include <stddef.h>

/* `where` names the place a person can go and look: a file and line, an
 * option, a position inside an architecture string. `msg` says what was
 * wrong there and, where we know, what was expected. */
struct err {
    char where[256];
    char msg[512];
    int usage; /* 1: the user asked for something invalid (exit code 2) */
};

/* Sets both fields; returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the existing `where` with an outer context ("file: " ...). */
/* The same for errors in what the user asked for (a flag, a value, a
 * name): commands exit with 2 for these and 1 for the rest. */
int err_usage(struct err *e, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void err_wrap(struct err *e, const char *outer);
/* Copies at most `max` bytes of s into out, showing bytes that are not
 * printable ASCII as \xNN, so binary garbage cannot reach the terminal. */
const char *err_printable(const char *s, size_t max, char *out, size_t n);
void err_clear(struct err *e);
/* "where: msg", or just "msg" when there is no place to name. */
const char *err_str(const struct err *e, char *buf, size_t n);

#endif
