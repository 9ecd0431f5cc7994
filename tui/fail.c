#include "fail.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "../engine/core/err.h"
#include "config.h"

int cmd_fail(const char *cmd, const struct err *e)
{
    char buf[1024];
    struct err at = *e;
    config_blame(&at); /* a bad value from the config file: its line, not the flag */
    fprintf(stderr, "collm %s: %s\n", cmd, err_str(&at, buf, sizeof buf));
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

int cmd_output_gone(void)
{
    if (!ferror(stdout))
        return 0;
    /* the write end of a pipe with no reader polls as an error; errno
     * from the failed write may be long overwritten by now */
    struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
    return errno == EPIPE || (poll(&p, 1, 0) == 1 && (p.revents & POLLERR));
}
