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
};

/* Sets both fields; returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the existing `where` with an outer context ("file: " ...). */
void err_wrap(struct err *e, const char *outer);
void err_clear(struct err *e);
/* "where: msg", or just "msg" when there is no place to name. */
const char *err_str(const struct err *e, char *buf, size_t n);

#endif
