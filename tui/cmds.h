/* The commands of the command line (DESIGN §8). Each returns the exit code
 * of fail.h. */
#ifndef COLLM_CMDS_H
#define COLLM_CMDS_H

#include "fail.h"

int cmd_search(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_spaces(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_sessions(int argc, char **argv);

/* The option tables of search and replay ({0}-ended, within `max`), for
 * the config file: a key one of them takes is a key of the file. */
struct opt;
int cmd_search_table(struct opt *o, int max);
int cmd_replay_table(struct opt *o, int max);

#endif
