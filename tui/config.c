#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"

/* One process runs one command, so what the file set lives here for the
 * whole run: string options point into vals[] (no allocation to free). */
#define CONFIG_MAX 128
#define CONFIG_LINE 1024

static char path[4096];
static int state; /* 0: not looked, 1: read, 2: no default file, 3: --no-config */
static int nset;
static struct {
    char key[64];
    int line;
} set[CONFIG_MAX];
static char vals[CONFIG_MAX][CONFIG_LINE];
static int given_argc;
static char **given_argv;
static const struct opt *given_table;

static const char *opt_path;
static int opt_none;
static const char *named_file; /* what the command line said, for config_args */
static int named_none;

int config_opts(struct opt *o, int max)
{
    if (max < 2)
        return -1;
    o[0] = (struct opt){"config", OPT_STR, &opt_path, "FILE",
                        "read options from FILE instead of $XDG_CONFIG_HOME/collm/config", NULL};
    o[1] = (struct opt){"no-config", OPT_FLAG, &opt_none, NULL, "read no config file", NULL};
    return 2;
}

/* Options that describe one run, not a person's defaults. */
static int per_run(const char *key)
{
    static const char *const names[] = {"session", "script", "size", "from", "last",
                                        "config", "no-config", "help", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(key, names[i]) == 0)
            return 1;
    return 0;
}

/* A key that looks like a secret: collm takes the API key from
 * OPENAI_API_KEY only, so it never sits in a file a person may share. */
static int secret(const char *key)
{
    static const char *const words[] = {"key", "secret", "password", "token", NULL};
    for (int i = 0; words[i]; i++)
        if (strstr(key, words[i]))
            return 1;
    return 0;
}

/* Whether --NAME is on the command line (before "--"). */
static int on_command_line(const char *name)
{
    for (int i = 0; i < given_argc; i++) {
        const char *a = given_argv[i];
        if (strcmp(a, "--") == 0)
            return 0;
        if (strncmp(a, "--", 2) != 0)
            continue;
        size_t len = strcspn(a + 2, "=");
        if (len == strlen(name) && strncmp(a + 2, name, len) == 0)
            return 1;
        const struct opt *o = NULL;
        for (const struct opt *p = given_table; p && p->name && !o; p++)
            if (strlen(p->name) == len && strncmp(p->name, a + 2, len) == 0)
                o = p;
        if (o && o->kind != OPT_FLAG && !a[2 + len])
            i++; /* its value, which may look like an option */
    }
    return 0;
}

static int at(struct err *e, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int at(struct err *e, int line, const char *fmt, ...)
{
    err_clear(e);
    e->usage = 1;
    snprintf(e->where, sizeof e->where, "%s:%d", path, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* An error the flag's own check gave ("--pace: ..."), moved to the line. */
static int relocate(struct err *e, int line, const char *key)
{
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    return at(e, line, "%s: %s", key, msg);
}

/* Another command's key (the file is shared by every command that reads
 * it): 1, or 0 with `near` the name a typo most likely meant, or "". */
static int known_elsewhere(const char *key, char *near, size_t n)
{
    static struct opt o[96];
    int (*const tables[])(struct opt *, int) = {cmd_search_table, cmd_replay_table};
    near[0] = '\0';
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        tables[t](o, 96);
        if (opts_find(o, key))
            return 1;
        const struct opt *p = opts_nearest(o, key);
        if (p && !near[0])
            snprintf(near, n, "%s", p->name);
    }
    return 0;
}

static int flag_value(const char *v)
{
    static const char *const yes[] = {"true", "yes", "on", "1", NULL};
    static const char *const no[] = {"false", "no", "off", "0", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcmp(v, yes[i]) == 0)
            return 1;
    for (int i = 0; no[i]; i++)
        if (strcmp(v, no[i]) == 0)
            return 0;
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* One `key = value` line (already known not blank or a comment). */
static int setting(const struct opt *table, char *text, int line, struct err *e)
{
    char *eq = strchr(text, '=');
    if (eq)
        *eq = '\0';
    char *key = trim(text), *v = eq ? trim(eq + 1) : NULL;
    if (strncmp(key, "--", 2) == 0)
        return at(e, line, "a key is the long flag without its dashes: '%s'", key + 2);
    for (const char *c = key; *c; c++)
        if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '-')
            return at(e, line, "expected 'key = value' with a key of a-z, 0-9 and '-'");
    if (!*key)
        return at(e, line, "expected 'key = value'");
    /* before the table: a file that one command refuses, every command does */
    if (per_run(key))
        return at(e, line, "'%s' names one run, not a default: give --%s on the command line",
                  key, key);
    const struct opt *o = opts_find(table, key);
    if (!o) {
        /* the value is never shown: it may be the very secret */
        if (secret(key))
            return at(e, line, "'%s' is not read from a file: collm takes the API key from "
                      "OPENAI_API_KEY in the environment only", key);
        char near[64];
        if (known_elsewhere(key, near, sizeof near))
            return 0;
        const struct opt *mine = opts_nearest(table, key);
        if (mine || near[0])
            return at(e, line, "unknown key '%s'; did you mean '%s'?", key,
                      mine ? mine->name : near);
        return at(e, line, "unknown key '%s' (the keys are the long options of collm "
                  "search)", key);
    }
    for (int i = 0; i < nset; i++)
        if (strcmp(set[i].key, key) == 0) {
            return at(e, line, "'%s' is set already on line %d", key, set[i].line);
        }
    if (!v && o->kind != OPT_FLAG)
        return at(e, line, "expected '%s = %s'", key, o->arg ? o->arg : "VALUE");
    size_t n = v ? strlen(v) : 0;
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') { /* room for leading or trailing spaces */
        v[n - 1] = '\0';
        v++;
    }
    if (nset == CONFIG_MAX)
        return at(e, line, "more settings than %d", CONFIG_MAX);
    snprintf(set[nset].key, sizeof set[nset].key, "%s", key);
    set[nset].line = line;
    int slot = nset++;
    if (o->kind == OPT_FLAG) {
        int b = v ? flag_value(v) : 1;
        if (b < 0)
            return at(e, line, "%s: expected true or false, got '%s'", key, v);
        if (b)
            return opts_set(o, NULL, e) < 0 ? relocate(e, line, key) : 0;
        *(int *)o->dst = 0;
        return 0;
    }
    snprintf(vals[slot], sizeof vals[slot], "%s", v);
    return opts_set(o, vals[slot], e) < 0 ? relocate(e, line, key) : 0;
}

/* The file the command line names, or the default; 0 with path[] set,
 * 1 when no file is to be read, -1 with `e`. */
static int locate(const struct opt *table, int argc, char **argv, int *named, struct err *e)
{
    const char *file = NULL;
    int none = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strncmp(a, "--", 2) != 0)
            continue;
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        const struct opt *o = NULL;
        for (const struct opt *p = table; p->name && !o; p++)
            if (strlen(p->name) == len && strncmp(p->name, a + 2, len) == 0)
                o = p;
        if (!o || o->kind == OPT_FLAG) {
            none |= o && strcmp(o->name, "no-config") == 0;
            continue;
        }
        const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (strcmp(o->name, "config") == 0)
            file = v;
    }
    if (file && none)
        return err_usage(e, "--config", "give --config FILE or --no-config, not both");
    named_file = file;
    named_none = none;
    if (none)
        return state = 3, 1;
    *named = file != NULL;
    if (file) {
        snprintf(path, sizeof path, "%s", file);
        return 0;
    }
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') /* the spec: a relative value is ignored */
        snprintf(path, sizeof path, "%s/collm/config", xdg);
    else if (home && home[0])
        snprintf(path, sizeof path, "%s/.config/collm/config", home);
    else
        return state = 2, 1;
    return 0;
}

int config_load(const struct opt *table, int argc, char **argv, struct err *e)
{
    given_argc = argc;
    given_argv = argv;
    given_table = table;
    int named = 0, r = locate(table, argc, argv, &named, e);
    if (r != 0)
        return r < 0 ? -1 : 0;
    FILE *f = fopen(path, "r");
    struct stat st;
    if (!f && errno == ENOENT && !named)
        return state = 2, 0; /* no default file: the built-in defaults */
    if (!f)
        return err_usage(e, path, "cannot read the config file: %s", strerror(errno));
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return err_usage(e, path, "the config file is not a regular file");
    }
    state = 1;
    char text[CONFIG_LINE + 1];
    int line = 0, rc = 0;
    while (rc == 0 && fgets(text, sizeof text, f)) {
        line++;
        size_t n = strlen(text);
        if (n == CONFIG_LINE && text[n - 1] != '\n' && !feof(f)) {
            rc = at(e, line, "a line is at most %d characters", CONFIG_LINE - 1);
            break;
        }
        char *s = trim(text);
        if (*s && *s != '#')
            rc = setting(table, s, line, e);
    }
    if (rc == 0 && ferror(f))
        rc = err_usage(e, path, "cannot read the config file: %s", strerror(errno));
    fclose(f);
    return rc;
}

int config_gave(const char *name)
{
    for (int i = 0; i < nset; i++)
        if (strcmp(set[i].key, name) == 0)
            return !on_command_line(name);
    return 0;
}

void config_blame(struct err *e)
{
    if (strncmp(e->where, "--", 2) != 0)
        return;
    size_t len = strcspn(e->where + 2, " =");
    for (int i = 0; i < nset; i++)
        if (strlen(set[i].key) == len && strncmp(set[i].key, e->where + 2, len) == 0 &&
            !on_command_line(set[i].key)) {
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            snprintf(e->where, sizeof e->where, "%s:%d", path, set[i].line);
            snprintf(e->msg, sizeof e->msg, "%s: %s", set[i].key, msg);
            return;
        }
}

int config_args(char **out, int max)
{
    if (named_none && max >= 1)
        return out[0] = "--no-config", 1;
    if (named_file && max >= 2) {
        out[0] = "--config";
        out[1] = (char *)named_file;
        return 2;
    }
    return 0;
}

int config_describe(char *buf, size_t n)
{
    switch (state) {
    case 1:
        snprintf(buf, n, "%s", path);
        return 1;
    case 3:
        snprintf(buf, n, "none: --no-config");
        return 0;
    default:
        if (path[0])
            snprintf(buf, n, "none: %s does not exist", path);
        else
            snprintf(buf, n, "none: neither XDG_CONFIG_HOME nor HOME is set");
        return 0;
    }
}
