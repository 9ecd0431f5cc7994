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

#ifndef COLLM_PROMPTSDIR
#define COLLM_PROMPTSDIR "prompts"
#endif

/* The first of: $env; `sub` beside the executable, in ../share/collm (where
 * `make install` puts it, found from the binary so that a staged or moved
 * install still finds its own copy), one or two levels up (a build tree);
 * `compiled`. Cached in `found`. */
static const char *find_dir(char *found, size_t n, const char *env, const char *sub,
                            const char *compiled)
{
    if (found[0])
        return found;
    const char *v = getenv(env);
    if (v && *v) {
        snprintf(found, n, "%s", v);
        return found;
    }
    char exe[4000];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            const char *up[] = {"", "/../share/collm", "/..", "/../.."};
            for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
                char cand[4200];
                snprintf(cand, sizeof cand, "%s%s/%s", exe, up[i], sub);
                if (is_dir(cand)) {
                    char *real = realpath(cand, NULL);
                    snprintf(found, n, "%s", real ? real : cand);
                    free(real);
                    return found;
                }
            }
        }
    }
    snprintf(found, n, "%s", compiled);
    return found;
}

const char *datadir_default(void)
{
    static char found[4096];
    return find_dir(found, sizeof found, "COLLM_DATA_DIR", "data", COLLM_DATADIR);
}

const char *promptdir_default(void)
{
    static char found[4096];
    return find_dir(found, sizeof found, "COLLM_PROMPTS_DIR", "prompts", COLLM_PROMPTSDIR);
}

const char *datadir_path(const char *dir, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir ? dir : datadir_default(), name);
    return buf;
}
