#include "theme.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef COLLM_PROMPTSDIR
#define COLLM_PROMPTSDIR "prompts"
#endif

static const char *const role_names[] = {
#define X(id, name) name,
    THEME_ROLES(X)
#undef X
};

static attr_t attrs[ROLE__COUNT];
static char current[64] = "mono";

/* The monochrome scheme: also the base every theme starts from. */
static void mono(void)
{
    for (int i = 0; i < ROLE__COUNT; i++)
        attrs[i] = A_NORMAL;
    attrs[ROLE_DIM] = A_DIM;
    attrs[ROLE_TITLE] = A_BOLD;
    attrs[ROLE_FOCUS] = A_BOLD;
    attrs[ROLE_SECTION] = A_BOLD | A_UNDERLINE;
    attrs[ROLE_SELECTED] = A_REVERSE;
    attrs[ROLE_STATUS] = A_REVERSE;
    attrs[ROLE_KEY] = A_BOLD;
    attrs[ROLE_REVIEW] = A_BOLD;
    attrs[ROLE_GOOD] = A_BOLD;
    attrs[ROLE_BAD] = A_UNDERLINE;
    attrs[ROLE_WARN] = A_BOLD;
    attrs[ROLE_FRONT] = A_BOLD;
    attrs[ROLE_BEST] = A_BOLD | A_REVERSE;
    attrs[ROLE_LATEST] = A_BOLD;
}

static int colour(const char *s)
{
    static const char *const names[] = {"black", "red", "green", "yellow", "blue", "magenta",
                                        "cyan", "white"};
    if (strcmp(s, "default") == 0)
        return -1;
    for (int i = 0; i < 8; i++) {
        if (strcmp(s, names[i]) == 0)
            return i;
        if (strncmp(s, "bright", 6) == 0 && strcmp(s + 6, names[i]) == 0)
            return COLORS >= 16 ? i + 8 : i;
    }
    char *end;
    long v = strtol(s, &end, 10);
    return *end == '\0' && v >= 0 && v < 256 ? (v < COLORS ? (int)v : (int)(v % 8)) : -2;
}

static int fail(struct theme_err *e, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct theme_err *e, const char *where, const char *fmt, ...)
{
    if (!e)
        return -1;
    snprintf(e->where, sizeof e->where, "%s", where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* themes/ sits beside prompts/: found the way the engine finds prompts/
 * ($COLLM_PROMPTS_DIR, beside the executable, in ../share/collm from it,
 * up to two levels above it, the configured folder), without reaching into
 * the engine for it. */
static void themes_dir(char *out, size_t n)
{
    const char *env = getenv("COLLM_PROMPTS_DIR");
    char prompts[4096], exe[4000];
    snprintf(prompts, sizeof prompts, "%s", env && *env ? env : COLLM_PROMPTSDIR);
    ssize_t len = env && *env ? -1 : readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = len > 0 ? (exe[len] = '\0', strrchr(exe, '/')) : NULL;
    if (slash) {
        *slash = '\0';
        const char *up[] = {"", "/../share/collm", "/..", "/../.."};
        for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
            char cand[4200];
            snprintf(cand, sizeof cand, "%s%s/prompts", exe, up[i]);
            if (is_dir(cand)) {
                char *real = realpath(cand, NULL);
                snprintf(prompts, sizeof prompts, "%s", real ? real : cand);
                free(real);
                break;
            }
        }
    }
    slash = strrchr(prompts, '/');
    if (slash)
        *slash = '\0';
    snprintf(out, n, "%s/themes", slash ? prompts : ".");
}

int theme_check(const char *name, const char *dir, struct theme_err *e)
{
    char base[4200], path[4400];
    if (!dir) {
        themes_dir(base, sizeof base);
        dir = base;
    }
    snprintf(path, sizeof path, "%s/%s.theme", dir, name);
    /* a name is a file in the folder, not a way out of it */
    if (strcmp(name, "mono") == 0 || (name[0] && !strchr(name, '/') && access(path, R_OK) == 0))
        return 0;
    char names[512];
    size_t n = 0;
    struct dirent **de = NULL;
    int nde = scandir(dir, &de, NULL, alphasort); /* sorted: the message reads the same */
    for (int i = 0; i < nde; i++) {
        size_t len = strlen(de[i]->d_name);
        if (de[i]->d_name[0] != '.' && len > 6 && strcmp(de[i]->d_name + len - 6, ".theme") == 0 &&
            n < sizeof names - 64)
            n += (size_t)snprintf(names + n, sizeof names - n, "%.*s, ", (int)(len - 6),
                                  de[i]->d_name);
        free(de[i]);
    }
    free(de);
    snprintf(names + n, sizeof names - n, "mono");
    return fail(e, "--theme", "unknown theme '%s'; expected one of %s (files in %s)", name,
                names, dir);
}

int theme_load(const char *name, const char *dir, struct theme_err *e)
{
    mono();
    snprintf(current, sizeof current, "mono");
    if (!name || strcmp(name, "mono") == 0)
        return 0;
    const char *nc = getenv("NO_COLOR");
    if ((nc && nc[0]) || !has_colors())
        return 0; /* what the user or the terminal asks for */
    char path[4400], base[4200];
    if (!dir) {
        themes_dir(base, sizeof base);
        dir = base;
    }
    snprintf(path, sizeof path, "%s/%s.theme", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(e, "--theme", "no theme '%s' (%s: %s); try dark, light or mono", name,
                         path, strerror(errno));
    start_color();
    use_default_colors();
    char line[256];
    int lineno = 0, pair = 1, rc = 0, set[ROLE__COUNT] = {0};
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '#' || *p == '\0')
            continue;
        char role[32], fg[32], bg[32], extra[64] = "";
        int n = sscanf(p, "%31[a-z_] = %31s %31s %63[^\n]", role, fg, bg, extra);
        char where[4400];
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        int r = -1;
        for (int i = 0; i < ROLE__COUNT; i++)
            if (n >= 1 && strcmp(role, role_names[i]) == 0)
                r = i;
        int cf = n >= 2 ? colour(fg) : -2, cb = n >= 3 ? colour(bg) : -2;
        if (n < 3 || r < 0 || cf == -2 || cb == -2) {
            rc = fail(e, where, "expected 'ROLE = FG BG [bold] [underline] [reverse]' with a "
                           "known role and colours (black..white, brightX, 0-255, default)");
            break;
        }
        attr_t a = 0;
        if (strstr(extra, "bold"))
            a |= A_BOLD;
        if (strstr(extra, "underline"))
            a |= A_UNDERLINE;
        if (strstr(extra, "reverse"))
            a |= A_REVERSE;
        if (strstr(extra, "dim"))
            a |= A_DIM;
        if (pair < COLOR_PAIRS) {
            init_pair((short)pair, (short)cf, (short)cb);
            attrs[r] = COLOR_PAIR(pair) | a;
            set[r] = 1;
            pair++;
        }
    }
    fclose(f);
    if (!set[ROLE_REVIEW]) /* a theme from before the role: what waits looks like the keys */
        attrs[ROLE_REVIEW] = attrs[ROLE_KEY];
    if (rc == 0)
        snprintf(current, sizeof current, "%s", name);
    else
        mono();
    return rc;
}

attr_t theme_attr(enum theme_role r)
{
    return r < ROLE__COUNT ? attrs[r] : A_NORMAL;
}

const char *theme_name(void)
{
    return current;
}
