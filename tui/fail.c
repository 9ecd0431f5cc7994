#include "fail.h"

#include <stdarg.h>
#include <stdio.h>

#include "../engine/core/err.h"

int cmd_fail(const char *cmd, const struct err *e)
{
    char buf[1024];
    fprintf(stderr, "collm %s: %s\n", cmd, err_str(e, buf, sizeof buf));
    return e->usage ? EXIT_USAGE : EXIT_FAIL;
}

int cmd_usage(const char *cmd, const char *where, const char *fmt, ...)
{
    struct err e = {.usage = 1};
    snprintf(e.where, sizeof e.where, "%s", where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    return cmd_fail(cmd, &e);
}
