/* Command-line options from one table per command: parsing, validation and
 * the --help text come from the same rows, so they cannot disagree. */
#ifndef COLLM_OPTS_H
#define COLLM_OPTS_H

#include <stdint.h>
#include <stdio.h>

#include "../engine/core/err.h"

enum opt_kind { OPT_FLAG, OPT_STR, OPT_INT, OPT_U64, OPT_DOUBLE };

struct opt {
    const char *name;  /* without the dashes: "budget" */
    enum opt_kind kind;
    void *dst;         /* int* for FLAG and INT, const char** for STR ... */
    const char *arg;   /* placeholder in help: "N" */
    const char *help;
    int *seen;         /* optional: set to 1 when given */
};

/* Parses argv[0..argc) (after the command name). Positional arguments go to
 * pos[] (at most maxpos). "--" ends options. Returns 0, 1 when --help was
 * asked (help already printed to stdout), or -1 with `e` set (usage error). */
int opts_parse(const char *cmd, const char *usage, const struct opt *o, int argc, char **argv,
               char **pos, int maxpos, int *npos, struct err *e);
/* The row named `name` (no dashes), or NULL. */
const struct opt *opts_find(const struct opt *o, const char *name);
/* The row a mistyped name most likely meant (at most 2 edits away), or NULL. */
const struct opt *opts_nearest(const struct opt *o, const char *name);
/* Sets one option as if "--NAME VALUE" had been given (VALUE ignored for a
 * FLAG), with the same checks and messages: 0, or -1 with `e` set. The
 * config file (config.h) goes through here so it cannot accept what the
 * command line refuses. */
int opts_set(const struct opt *o, const char *value, struct err *e);
void opts_help(FILE *f, const char *cmd, const char *usage, const struct opt *o);
/* A value given to --flag, checked against lo..hi (hi INFINITY: no upper
 * end): 0, or -1 with `e` a usage error naming the flag, the range and
 * what was given, so every command says it the same way. */
int opts_range(const char *flag, double v, double lo, double hi, struct err *e);

#endif
