#include "editor.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *p = NULL;
    if (f) {
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        rewind(f);
        p = len >= 0 ? malloc((size_t)len + 1) : NULL;
        if (p)
            p[fread(p, 1, (size_t)len, f)] = '\0';
        fclose(f);
    }
    return p;
}

char *editor_run(const char *text, char *why, size_t nwhy)
{
    char path[] = "/tmp/collm-edit-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(why, nwhy, "cannot make a file for the editor: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        return NULL;
    }
    fputs(text, f);
    fclose(f);
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "%s '%s'", ed, path);
    def_prog_mode();
    endwin();
    /* main() ignores SIGPIPE for itself; the editor gets the usual one */
    void (*pipe_was)(int) = signal(SIGPIPE, SIG_DFL);
    int rc = system(cmd);
    signal(SIGPIPE, pipe_was);
    reset_prog_mode();
    refresh();
    char *out = rc == 0 ? read_file(path) : NULL;
    unlink(path);
    if (!out)
        snprintf(why, nwhy, "the editor (%s) failed", ed);
    return out;
}
