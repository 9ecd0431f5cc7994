#include "datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef COLLM_DATADIR
#define COLLM_DATADIR "data"
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *datadir_default(void)
{
    static char found[4096];
    if (found[0])
        return found;
    const char *env = getenv("COLLM_DATA_DIR");
    if (env && *env) {
        snprintf(found, sizeof found, "%s", env);
        return found;
    }
    char exe[4000];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            const char *rel[] = {"/data", "/../data", "/../../data"};
            for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                char cand[4096];
                snprintf(cand, sizeof cand, "%s%s", exe, rel[i]);
                if (is_dir(cand)) {
                    char *real = realpath(cand, NULL);
                    snprintf(found, sizeof found, "%s", real ? real : cand);
                    free(real);
                    return found;
                }
            }
        }
    }
    snprintf(found, sizeof found, "%s", COLLM_DATADIR);
    return found;
}

const char *datadir_path(const char *dir, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir ? dir : datadir_default(), name);
    return buf;
}
