#include "catalog.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int session_dir(char *buf, size_t n, struct err *e)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') /* a relative one is to be ignored (XDG spec) */
        snprintf(buf, n, "%s/collm/sessions", xdg);
    else if (home && home[0])
        snprintf(buf, n, "%s/.local/share/collm/sessions", home);
    else
        return err_usage(e, "--session", "neither XDG_DATA_HOME nor HOME is set: give "
                         "--session FILE");
    return 0;
}

static int newest_first(const void *x, const void *y)
{
    const struct session_entry *a = x, *b = y;
    if (a->mtime.tv_sec != b->mtime.tv_sec)
        return a->mtime.tv_sec > b->mtime.tv_sec ? -1 : 1;
    if (a->mtime.tv_nsec != b->mtime.tv_nsec)
        return a->mtime.tv_nsec > b->mtime.tv_nsec ? -1 : 1;
    return -strcmp(a->path, b->path);
}

int session_list(const char *dir, struct session_entry **out, int *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : err_set(e, dir, "cannot read the folder: %s",
                                             strerror(errno));
    int cap = 0;
    for (struct dirent *de; (de = readdir(d));) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 7 || strcmp(de->d_name + len - 6, ".jsonl") != 0)
            continue;
        struct session_entry s;
        struct stat sb;
        snprintf(s.path, sizeof s.path, "%s/%s", dir, de->d_name);
        if (stat(s.path, &sb) < 0 || !S_ISREG(sb.st_mode))
            continue;
        s.mtime = sb.st_mtim;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            struct session_entry *grown = realloc(*out, (size_t)cap * sizeof *grown);
            if (!grown) {
                closedir(d);
                free(*out);
                *out = NULL;
                *n = 0;
                return err_set(e, dir, "out of memory");
            }
            *out = grown;
        }
        (*out)[(*n)++] = s;
    }
    closedir(d);
    if (*n)
        qsort(*out, (size_t)*n, sizeof **out, newest_first);
    return 0;
}
