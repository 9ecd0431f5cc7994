#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set(struct err *e, int usage, const char *where, const char *fmt, va_list ap)
{
    snprintf(e->where, sizeof e->where, "%s", where ? where : "");
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    e->usage = usage;
}

int err_set(struct err *e, const char *where, const char *fmt, ...)
{
    if (!e)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    set(e, 0, where, fmt, ap);
    va_end(ap);
    return -1;
}

int err_usage(struct err *e, const char *where, const char *fmt, ...)
{
    if (!e)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    set(e, 1, where, fmt, ap);
    va_end(ap);
    return -1;
}

const char *err_printable(const char *s, size_t max, char *out, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < max && s[i] && j + 5 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            out[j++] = (char)c;
        else
            j += (size_t)snprintf(out + j, n - j, "\\x%02x", c);
    }
    if (n)
        out[j < n ? j : n - 1] = '\0';
    return out;
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
    if (e) {
        e->where[0] = e->msg[0] = '\0';
        e->usage = 0;
    }
}

const char *err_str(const struct err *e, char *buf, size_t n)
{
    if (e->where[0])
        snprintf(buf, n, "%s: %s", e->where, e->msg);
    else
        snprintf(buf, n, "%s", e->msg);
    return buf;
}
