#include "algoflags.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "candidates per iteration (default 1 for random, 1 for rea, 10 for collm)" */
static void describe(struct algo_flag *fl, const struct algo_kind *const *k, int nk)
{
    size_t off = (size_t)snprintf(fl->help, sizeof fl->help, "%s (default", fl->decl->help);
    int first = 1;
    for (int i = 0; i < nk; i++)
        for (const struct algo_opt *o = k[i]->opts; o && o->name; o++)
            if (strcmp(o->name, fl->decl->name) == 0 && off < sizeof fl->help) {
                off += (size_t)snprintf(fl->help + off, sizeof fl->help - off, "%s %g for %s",
                                        first ? "" : ",", o->def, k[i]->name);
                first = 0;
            }
    if (off < sizeof fl->help)
        snprintf(fl->help + off, sizeof fl->help - off, ")");
}

int algo_flags_opts(struct algo_flags *f, struct opt *o, int max)
{
    int nk;
    const struct algo_kind *const *k = algo_registry(&nk);
    memset(f, 0, sizeof *f);
    for (int i = 0; i < nk; i++)
        for (const struct algo_opt *d = k[i]->opts; d && d->name; d++) {
            int known = 0;
            for (int j = 0; j < f->n && !known; j++)
                known = strcmp(f->f[j].decl->name, d->name) == 0;
            if (known)
                continue;
            if (f->n == ALGO_FLAGS_MAX || f->n == max)
                return -1;
            f->f[f->n++].decl = d;
        }
    for (int j = 0; j < f->n; j++) {
        struct algo_flag *fl = &f->f[j];
        describe(fl, k, nk);
        int is_int = fl->decl->type == ALGO_INT;
        o[j] = (struct opt){fl->decl->name, is_int ? OPT_INT : OPT_DOUBLE,
                            is_int ? (void *)&fl->i : (void *)&fl->d, fl->decl->arg, fl->help,
                            &fl->seen};
    }
    return f->n;
}

int algo_flags_check(const struct algo_flags *f, struct err *e)
{
    for (int i = 0; i < f->n; i++)
        if (f->f[i].seen && strcmp(f->f[i].decl->name, "batch") == 0 && f->f[i].i < 1)
            return err_usage(e, "--batch", "must be at least 1, got %d", f->f[i].i);
    return 0;
}

const char *algo_flags_params(const struct algo_flags *f, char *buf, size_t n)
{
    cJSON *j = cJSON_CreateObject();
    for (int i = 0; j && i < f->n; i++)
        if (f->f[i].seen)
            cJSON_AddNumberToObject(j, f->f[i].decl->name,
                                    f->f[i].decl->type == ALGO_INT ? f->f[i].i : f->f[i].d);
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    snprintf(buf, n, "%s", text ? text : "{}");
    cJSON_free(text);
    cJSON_Delete(j);
    return buf;
}
