/* The commands of the command line (DESIGN §8). Each returns the exit code:
 * 0 success, 1 failure at run time (missing data, a search that failed),
 * 2 usage error (unknown command, option or value). */
#ifndef COLLM_CMDS_H
#define COLLM_CMDS_H

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_search(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_spaces(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

/* Prints "collm CMD: where: msg" to stderr and returns the exit code the
 * error calls for: 2 when it is a usage error (e->usage), else 1. */
struct err;
int cmd_fail(const char *cmd, const struct err *e);
/* A usage error found by the command itself; returns 2. */
int cmd_usage(const char *cmd, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
