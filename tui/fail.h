/* How a command ends: its exit code, and the one line on stderr that says
 * why it failed. Apart from the command table (main.c) so that commands and
 * the command table do not need each other. */
#ifndef COLLM_FAIL_H
#define COLLM_FAIL_H

/* 0 success, 1 failure at run time (missing data, a search that failed),
 * 2 usage error (unknown command, option or value). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Prints "collm CMD: where: msg" to stderr and returns the exit code the
 * error calls for: 2 when it is a usage error (e->usage), else 1. */
struct err;
int cmd_fail(const char *cmd, const struct err *e);
/* A usage error found by the command itself; returns 2. */
int cmd_usage(const char *cmd, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 when stdout is a pipe whose reader has gone (`collm ... | head`):
 * that is how a pipeline ends, not a failure, so the command stops what
 * it prints and exits 0 without a word, as git does. */
int cmd_output_gone(void);

#endif
