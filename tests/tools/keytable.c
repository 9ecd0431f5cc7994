/* Writes README.md (argv[1]) to stdout with its key table made afresh
 * from tui/actions.h: `make readme` installs the result, and the TUI
 * tests fail while the README differs from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tui/actions.h"

#define BEGIN "<!-- keys: `make readme` writes this table from tui/actions.h -->"
#define END "<!-- /keys -->"

static void table(void)
{
    static const char *const where[] = {"", "live", "replay", "both"};
    printf("%s\n| key | in | what it does |\n|---|---|---|\n", BEGIN);
#define X(id, modes, label, help, hl, hr, more, keys)                                       \
    if (label)                                                                              \
        printf("| `%s` | %s | %s%s%s |\n", (const char *)label, where[modes], help,          \
               more[0] ? "; " : "", more);
    ACTIONS(X)
#undef X
    printf("%s\n", END);
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
    if (!f) {
        fprintf(stderr, "usage: keytable README.md (writes it to stdout, its key table new)\n");
        return 2;
    }
    char line[4096];
    int in = 0, found = 0;
    while (fgets(line, sizeof line, f)) {
        if (!in && strncmp(line, BEGIN, strlen(BEGIN)) == 0) {
            in = found = 1;
            table();
        } else if (in && strncmp(line, END, strlen(END)) == 0) {
            in = 0;
        } else if (!in) {
            fputs(line, stdout);
        }
    }
    fclose(f);
    if (!found || in) {
        fprintf(stderr, "keytable: %s has no key table between %s and %s\n", argv[1], BEGIN, END);
        return 1;
    }
    return 0;
}
