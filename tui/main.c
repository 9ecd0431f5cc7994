/* collm: collaborative LLM-guided neural architecture search. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"

#ifndef COLLM_VERSION
#define COLLM_VERSION "0.1.0"
#endif

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"search", cmd_search, "a search, in the TUI or --headless (--help for options)"},
    {"train", cmd_train, "stage 1: train the built-in supernet (fmnist-supernet)"},
    {"eval", cmd_eval, "print the metrics of architectures as JSON"},
    {"worker", cmd_worker, "evaluate for another collm over stdin/stdout (the protocol)"},
    {"bench", cmd_bench, "many seeds x algorithms x spaces: a table of mean +- std"},
    {"replay", cmd_replay, "play a saved session, in the TUI or --headless"},
    {"resume", cmd_resume, "continue a session, extend its budget, or fork it (--from)"},
    {"sessions", cmd_sessions, "the saved sessions, the last written first"},
    {"export", cmd_export, "a session's results as CSV, Pareto-front JSON, SVG plot"},
    {"compare", cmd_compare, "sessions overlaid: best-so-far curves, Pareto fronts"},
    {"spaces", cmd_spaces, "list the search spaces and algorithms"},
    {"doctor", cmd_doctor, "libraries, the OpenBLAS kernel, data files, the LLM endpoint"},
};
#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void usage(FILE *f)
{
    fprintf(f, "usage: collm [COMMAND] [OPTIONS]\n\n"
               "Collaborative LLM-guided neural architecture search.\n"
               "With no command: the default search in the TUI (nb201:cifar10, collm with\n"
               "the offline agents).\n\nCommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'collm COMMAND --help' for the options of a command,\n"
               "'collm --version' for the version; man collm has it all.\n"
               "Exit codes: 0 success, 1 failure (missing data, failed search), 2 usage error.\n"
               "Environment: COLLM_DATA_DIR overrides where data files are found.\n"
               "Config: $XDG_CONFIG_HOME/collm/config (~/.config/collm/config), key = value\n"
               "lines of long options; --no-config ignores it (man collm, FILES).\n");
}

/* Output that could not be written is a failure, not a success: a full
 * disk or a closed pipe must not look like a finished search. */
static int finish_output(int code)
{
    if ((fflush(stdout) != 0 || ferror(stdout)) && cmd_output_gone())
        return code;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "collm: cannot write the output: %s\n", strerror(errno));
        return code ? code : EXIT_FAIL;
    }
    return code;
}

int main(int argc, char **argv)
{
    /* a reader that goes away is an EPIPE we can end on quietly, not a
     * signal that kills us mid-line (and mid-journal) with status 141 */
    signal(SIGPIPE, SIG_IGN);
    /* a line at a time, so stdout and stderr interleave as they were
     * written when both go to one place (2>&1 | less) */
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    if (argc < 2)
        return finish_output(cmd_search(0, argv + 1));
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return finish_output(EXIT_OK);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("collm %s\n", COLLM_VERSION);
        return finish_output(EXIT_OK);
    }
    if (cmd[0] == '-') /* options without a command belong to the default search */
        return finish_output(cmd_search(argc - 1, argv + 1));
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return finish_output(commands[i].run(argc - 2, argv + 2));
    fprintf(stderr, "collm: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
