#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, const char *where, const char *fmt, ...)
{
    if (!e)
        return -1;
    snprintf(e->where, sizeof e->where, "%s", where ? where : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void err_wrap(struct err *e, const char *outer)
{
    if (!e || !outer || !*outer)
        return;
    char tmp[sizeof e->where];
    if (e->where[0])
        snprintf(tmp, sizeof tmp, "%s: %s", outer, e->where);
    else
        snprintf(tmp, sizeof tmp, "%s", outer);
    memcpy(e->where, tmp, sizeof tmp);
}

void err_clear(struct err *e)
{
    if (e)
        e->where[0] = e->msg[0] = '\0';
}

const char *err_str(const struct err *e, char *buf, size_t n)
{
    if (e->where[0])
        snprintf(buf, n, "%s: %s", e->where, e->msg);
    else
        snprintf(buf, n, "%s", e->msg);
    return buf;
}
