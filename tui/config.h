/* The config file: $XDG_CONFIG_HOME/collm/config (else ~/.config/collm/config),
 * or the one --config FILE names; --no-config reads none. Lines are
 * `key = value` where a key is a long flag without its dashes, `#` starts a
 * comment line, blank lines are skipped. The file goes through the command's
 * own option table (opts.h) before the command line does, so a flag
 * overrides the file and a value is checked exactly as the flag's is. */
#ifndef COLLM_CONFIG_H
#define COLLM_CONFIG_H

#include <stddef.h>

#include "opts.h"

/* Appends --config FILE and --no-config to `o` (room for `max`); returns 2. */
int config_opts(struct opt *o, int max);
/* Reads the file into `table` (the command's rows, config_opts' among them)
 * before opts_parse() reads argv. A key another command takes (e.g. `space`
 * for resume) is skipped; an unknown key, an API key, or a value the flag
 * would refuse is a usage error whose `where` is FILE:LINE. 0, or -1. */
int config_load(const struct opt *table, int argc, char **argv, struct err *e);
/* An error a command found after parsing (a --pace out of range) about an
 * option whose value came from the file, and not from the command line:
 * its `where` becomes the file's line, so the person knows where to look. */
void config_blame(struct err *e);
/* 1 when option `name` has its value from the file, not the command line. */
int config_gave(const char *name);
/* The options that chose the file (--config FILE, --no-config), for the
 * command this process becomes (a replay's fork execs resume); returns how
 * many of `max` words it put in `out`. */
int config_args(char **out, int max);
/* What config_load read, for collm doctor: "PATH" when read, or a sentence
 * ("none: PATH does not exist", "none: --no-config"). Returns 1 when a file
 * was read, else 0. */
int config_describe(char *buf, size_t n);

#endif
