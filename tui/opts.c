#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct opt *find(const struct opt *o, const char *name, size_t len)
{
    for (; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

const struct opt *opts_find(const struct opt *o, const char *name)
{
    return find(o, name, strlen(name));
}

/* Edit distance, to suggest the option a typo meant. */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    int d[41][41];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

const struct opt *opts_nearest(const struct opt *o, const char *name)
{
    const struct opt *best = NULL;
    int bd = 3;
    for (const struct opt *p = o; p->name; p++) {
        int d = distance(name, p->name);
        if (d < bd) {
            bd = d;
            best = p;
        }
    }
    return best;
}

static int set_value(const struct opt *o, const char *v, struct err *e)
{
    char where[64];
    snprintf(where, sizeof where, "--%s", o->name);
    char *end;
    errno = 0;
    switch (o->kind) {
    case OPT_STR:
        *(const char **)o->dst = v;
        return 0;
    case OPT_INT: {
        long x = strtol(v, &end, 10);
        if (end == v || *end || errno || x < -2147483647L || x > 2147483647L)
            return err_usage(e, where, "expected a whole number, got '%s'", v);
        *(int *)o->dst = (int)x;
        return 0;
    }
    case OPT_U64: {
        if (*v < '0' || *v > '9')
            return err_usage(e, where, "expected a non-negative whole number, got '%s'", v);
        unsigned long long x = strtoull(v, &end, 10);
        /* seeds travel through JSON numbers: keep them exact in a double */
        if (end == v || *end || errno || x > (1ULL << 53))
            return err_usage(e, where, "expected a whole number from 0 to 2^53, got '%s'", v);
        *(uint64_t *)o->dst = x;
        return 0;
    }
    case OPT_DOUBLE: {
        double x = strtod(v, &end);
        /* decimal only: strtod would also take hex ("0x5a") and "inf" */
        if (end == v || *end || errno || !isfinite(x) || strpbrk(v, "xXpP"))
            return err_usage(e, where, "expected a number, got '%s'", v);
        *(double *)o->dst = x;
        return 0;
    }
    case OPT_FLAG:
        break;
    }
    return err_usage(e, where, "does not take a value");
}

int opts_set(const struct opt *o, const char *v, struct err *e)
{
    if (o->kind == OPT_FLAG) {
        *(int *)o->dst = 1;
    } else if (set_value(o, v, e) < 0) {
        return -1;
    }
    if (o->seen)
        *o->seen = 1;
    return 0;
}

int opts_parse(const char *cmd, const char *usage, const struct opt *o, int argc, char **argv,
               char **pos, int maxpos, int *npos, struct err *e)
{
    int only_pos = 0;
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            if (*npos == maxpos)
                return err_usage(e, "", "unexpected argument '%s' (see collm %s --help)", a,
                               cmd);
            pos[(*npos)++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            opts_help(stdout, cmd, usage, o);
            return 1;
        }
        if (a[1] != '-')
            return err_usage(e, "", "unknown option '%s'; options are long, e.g. --budget "
                           "(see collm %s --help)", a, cmd);
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt *opt = find(o, name, len);
        if (!opt) {
            char typed[64];
            snprintf(typed, sizeof typed, "%.*s", (int)len, name);
            const struct opt *best = opts_nearest(o, typed);
            if (best)
                return err_usage(e, "", "unknown option '--%s'; did you mean '--%s'?", typed,
                               best->name);
            return err_usage(e, "", "unknown option '--%s' (see collm %s --help)", typed, cmd);
        }
        if (opt->seen)
            *opt->seen = 1;
        if (opt->kind == OPT_FLAG) {
            if (eq)
                return err_usage(e, "", "--%s does not take a value", opt->name);
            *(int *)opt->dst = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v) {
            if (i + 1 >= argc)
                return err_usage(e, "", "--%s needs a value (%s)", opt->name, opt->arg);
            v = argv[++i];
        }
        if (set_value(opt, v, e) < 0)
            return -1;
    }
    return 0;
}

void opts_help(FILE *f, const char *cmd, const char *usage, const struct opt *o)
{
    fprintf(f, "%s\n", usage);
    if (!o || !o->name)
        return;
    fprintf(f, "\nOptions:\n");
    for (; o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-24s %s\n", left, o->help);
    }
    fprintf(f, "  %-24s %s\n", "--help", "show this help");
    (void)cmd;
}

int opts_range(const char *flag, double v, double lo, double hi, struct err *e)
{
    if (v >= lo && v <= hi)
        return 0;
    if (isinf(hi))
        return err_usage(e, flag, "expected at least %g, got %g", lo, v);
    return err_usage(e, flag, "expected %g to %g, got %g", lo, hi, v);
}
