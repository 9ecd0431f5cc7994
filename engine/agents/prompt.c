#include "prompt.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/datadir.h"
#include "../core/strbuf.h"

static char *slurp(const char *path, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, path, "cannot read the prompt template: %s", strerror(errno)), NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return err_set(e, path, "out of memory"), NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, 4096, f);
        len += r;
        if (r < 4096)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

char *prompt_render(const char *dir, const char *family, const char *name,
                    const struct prompt_var *vars, int nvars, struct err *e)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s/%s.txt", dir ? dir : promptdir_default(), family, name);
    char *t = slurp(path, e);
    if (!t)
        return NULL;
    struct strbuf o = {0};
    int line = 1, bad = 0;
    for (const char *p = t; *p && !bad; p++) {
        if (*p == '\n')
            line++;
        const char *q = p + 1;
        if (*p == '{')
            while (islower((unsigned char)*q) || *q == '_')
                q++;
        if (*p != '{' || q == p + 1 || *q != '}') {
            bad = strbuf_add(&o, p, 1);
            continue;
        }
        size_t nl = (size_t)(q - p - 1);
        int k = -1;
        for (int i = 0; i < nvars && k < 0; i++)
            if (strlen(vars[i].name) == nl && strncmp(vars[i].name, p + 1, nl) == 0)
                k = i;
        if (k < 0) {
            char where[4300], known[512] = "";
            snprintf(where, sizeof where, "%s:%d", path, line);
            for (int i = 0; i < nvars; i++) {
                strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
                strncat(known, vars[i].name, sizeof known - strlen(known) - 1);
            }
            err_set(e, where, "unknown placeholder {%.*s}; this prompt knows: %s", (int)nl, p + 1,
                    known);
            free(t);
            strbuf_free(&o);
            return NULL;
        }
        const char *v = vars[k].value ? vars[k].value : "";
        bad = strbuf_add(&o, v, strlen(v));
        p = q;
    }
    free(t);
    if (bad || !o.p) {
        strbuf_free(&o);
        if (bad)
            return err_set(e, path, "out of memory"), NULL;
        return calloc(1, 1); /* an empty template */
    }
    return o.p;
}
