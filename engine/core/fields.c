#include "fields.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"

#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->off))
#define CAT(obj, f, type) ((const type *)((const char *)(obj) + (f)->off))
#define COUNT(obj, f) ((int *)((char *)(obj) + (f)->aux))
#define ELEM(base, f, i) ((char *)(base) + (size_t)(i) * (f)->size)

char *fields_take_string(cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return NULL;
    char *s = v->valuestring;
    v->valuestring = NULL; /* cJSON_Delete skips it now: the caller owns it */
    return s;
}

/* cJSON prints 15 significant digits and accepts a near miss; a journal must
 * give back the very same doubles. */
void fields_add_exact(cJSON *o, const char *key, double v)
{
    if (!isfinite(v)) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char buf[40];
    cJSON_AddRawToObject(o, key, num_exact(v, buf, sizeof buf));
}

static void add_json_text(cJSON *o, const char *key, const char *text)
{
    cJSON *v = text ? cJSON_Parse(text) : NULL;
    if (!cJSON_IsObject(v)) { /* never written by us; an empty object keeps the line valid */
        cJSON_Delete(v);
        v = cJSON_CreateObject();
    }
    cJSON_AddItemToObject(o, key, v);
}

static void to_json1(const struct field *f, const void *obj, const void *ctx, cJSON *o)
{
    switch (f->kind) {
    case FK_INT:
        cJSON_AddNumberToObject(o, f->key, *CAT(obj, f, int));
        break;
    case FK_COUNT:
        if (*CAT(obj, f, long) || !(f->flags & FF_OPTIONAL))
            cJSON_AddNumberToObject(o, f->key, (double)*CAT(obj, f, long));
        break;
    case FK_U64:
        cJSON_AddNumberToObject(o, f->key, (double)*CAT(obj, f, uint64_t));
        break;
    case FK_EXACT:
        if ((f->flags & FF_NULLABLE) && !*(const int *)((const char *)obj + f->aux))
            cJSON_AddNullToObject(o, f->key);
        else
            fields_add_exact(o, f->key, *CAT(obj, f, double));
        break;
    case FK_STR: {
        const char *s = *CAT(obj, f, char *);
        if (s || !(f->flags & FF_OPTIONAL))
            cJSON_AddStringToObject(o, f->key, s ? s : f->dflt ? f->dflt : "");
        break;
    }
    case FK_ENUM: {
        int v = *CAT(obj, f, int);
        cJSON_AddStringToObject(o, f->key, v >= 0 && v < f->nnames ? f->names[v] : "?");
        break;
    }
    case FK_JSON: {
        const char *s = *CAT(obj, f, char *);
        if (s || !(f->flags & FF_OPTIONAL))
            add_json_text(o, f->key, s);
        break;
    }
    case FK_LIST: {
        cJSON *a = cJSON_AddArrayToObject(o, f->key);
        const char *base = *CAT(obj, f, char *);
        for (int i = 0, n = *COUNT((void *)obj, f); i < n; i++) {
            cJSON *el = cJSON_CreateObject();
            fields_to_json(f->sub, f->nsub, FIELDS_ALL, ELEM(base, f, i), ctx, el);
            cJSON_AddItemToArray(a, el);
        }
        break;
    }
    case FK_CUSTOM:
        f->ops->to_json(o, f, obj, ctx);
        break;
    }
}

static int list_from_json(const struct field *f, cJSON *v, void *obj, const void *ctx,
                          struct err *e)
{
    if (!cJSON_IsArray(v))
        return err_set(e, f->key, "expected an array");
    int n = cJSON_GetArraySize(v);
    char **base = AT(obj, f, char *);
    if (n && !(*base = calloc((size_t)n, f->size)))
        return err_set(e, f->key, "out of memory");
    cJSON *el;
    int *count = COUNT(obj, f);
    cJSON_ArrayForEach(el, v)
    {
        /* counted before it is read, so a partial element is freed too */
        if (fields_from_json(f->sub, f->nsub, FIELDS_ALL, el, ELEM(*base, f, (*count)++), ctx,
                             e) < 0) {
            err_wrap(e, f->key);
            return -1;
        }
    }
    return 0;
}

void fields_to_json(const struct field *f, int n, uint64_t mask, const void *obj,
                    const void *ctx, cJSON *o)
{
    const char *group = NULL;
    cJSON *g = NULL;
    for (int i = 0; i < n; i++) {
        if (!(f[i].types & mask))
            continue;
        if (f[i].group && (!group || strcmp(group, f[i].group) != 0))
            g = cJSON_AddObjectToObject(o, f[i].group);
        group = f[i].group;
        to_json1(&f[i], obj, ctx, group ? g : o);
    }
}

static int number(const cJSON *v, const struct field *f, double *out, struct err *e)
{
    if (!cJSON_IsNumber(v))
        return err_set(e, f->key, "expected a number");
    *out = v->valuedouble;
    return 0;
}

static int from_json1(const struct field *f, cJSON *o, void *obj, const void *ctx,
                      struct err *e)
{
    if (f->kind == FK_CUSTOM)
        return f->ops->from_json(o, f, obj, ctx, e);
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f->key);
    if (!v && (f->flags & FF_OPTIONAL))
        return 0;
    double d = 0;
    switch (f->kind) {
    case FK_INT:
        if (number(v, f, &d, e) < 0)
            return -1;
        if (d != floor(d) || d < -2147483648.0 || d > 2147483647.0)
            return err_set(e, f->key, "expected an integer, got %g", d);
        if ((f->flags & FF_POSITIVE) && d < 1)
            return err_set(e, f->key, "expected at least 1, got %d", (int)d);
        *AT(obj, f, int) = (int)d;
        return 0;
    case FK_COUNT:
        if (number(v, f, &d, e) < 0)
            return -1;
        if (!(d >= 0 && d < 1e15))
            return err_set(e, f->key, "%s", f->bad ? f->bad : "expected a count from 0 to 10^15");
        *AT(obj, f, long) = (long)d;
        return 0;
    case FK_U64:
        if (number(v, f, &d, e) < 0)
            return -1;
        if (!(d >= 0 && d <= 9007199254740992.0) || d != floor(d))
            return err_set(e, f->key, "expected a whole number from 0 to 2^53");
        *AT(obj, f, uint64_t) = (uint64_t)d;
        return 0;
    case FK_EXACT:
        if (f->flags & FF_NULLABLE) {
            int has = cJSON_IsNumber(v);
            *(int *)((char *)obj + f->aux) = has;
            *AT(obj, f, double) = has ? v->valuedouble : 0;
            return 0;
        }
        if (number(v, f, &d, e) < 0)
            return -1;
        *AT(obj, f, double) = d;
        return 0;
    case FK_STR:
        if (!cJSON_IsString(v))
            return err_set(e, f->key, "expected a string");
        free(*AT(obj, f, char *)); /* a second row for the same member */
        *AT(obj, f, char *) = fields_take_string(v);
        return *AT(obj, f, char *) ? 0 : err_set(e, f->key, "out of memory");
    case FK_ENUM: {
        int i = -1;
        for (int k = 0; cJSON_IsString(v) && k < f->nnames; k++)
            if (strcmp(f->names[k], v->valuestring) == 0)
                i = k;
        if (i < 0)
            return err_set(e, f->key, "%s", f->bad ? f->bad : "unknown value");
        *AT(obj, f, int) = i;
        return 0;
    }
    case FK_JSON:
        if (!cJSON_IsObject(v))
            return err_set(e, f->key, "expected an object");
        free(*AT(obj, f, char *));
        *AT(obj, f, char *) = cJSON_PrintUnformatted(v);
        return *AT(obj, f, char *) ? 0 : err_set(e, f->key, "out of memory");
    case FK_LIST:
        return list_from_json(f, v, obj, ctx, e);
    case FK_CUSTOM:
        break;
    }
    return 0;
}

int fields_from_json(const struct field *f, int n, uint64_t mask, cJSON *o, void *obj,
                     const void *ctx, struct err *e)
{
    for (int i = 0; i < n; i++) {
        if (!(f[i].types & mask))
            continue;
        if (!f[i].group) {
            if (from_json1(&f[i], o, obj, ctx, e) < 0)
                return -1;
            continue;
        }
        /* a group is optional as a whole; inside it, its rows are as usual */
        cJSON *g = cJSON_GetObjectItemCaseSensitive(o, f[i].group);
        if (!cJSON_IsObject(g))
            continue;
        if (from_json1(&f[i], g, obj, ctx, e) < 0) {
            err_wrap(e, f[i].group);
            return -1;
        }
    }
    return 0;
}

static int owns_string(const struct field *f) { return f->kind == FK_STR || f->kind == FK_JSON; }

static int list_copy(const struct field *f, void *dst, const void *src)
{
    int n = *COUNT((void *)src, f), *count = COUNT(dst, f);
    char **d = AT(dst, f, char *);
    const char *s = *CAT(src, f, char *);
    *count = 0;
    if (*d || !n) /* a member two rows share: copied once */
        return 0;
    if (!(*d = calloc((size_t)n, f->size)))
        return -1;
    for (; *count < n; ++*count) {
        memcpy(ELEM(*d, f, *count), ELEM(s, f, *count), f->size);
        if (fields_copy(f->sub, f->nsub, ELEM(*d, f, *count), ELEM(s, f, *count)) < 0) {
            ++*count;
            return -1;
        }
    }
    return 0;
}

int fields_copy(const struct field *f, int n, void *dst, const void *src)
{
    /* first nothing shared, so a failure half way frees only dst's own */
    for (int i = 0; i < n; i++)
        if (owns_string(&f[i]) || f[i].kind == FK_LIST)
            *AT(dst, &f[i], char *) = NULL;
        else if (f[i].kind == FK_CUSTOM && f[i].ops->clear)
            f[i].ops->clear(&f[i], dst, 0);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (owns_string(&f[i])) {
            const char *s = *CAT(src, &f[i], char *);
            char **d = AT(dst, &f[i], char *);
            if (s && !*d && !(*d = strdup(s))) /* a member two rows share: copied once */
                rc = -1;
        } else if (f[i].kind == FK_LIST) {
            rc = list_copy(&f[i], dst, src);
        } else if (f[i].kind == FK_CUSTOM && f[i].ops->copy) {
            rc = f[i].ops->copy(&f[i], dst, src);
        }
    }
    return rc;
}

void fields_free(const struct field *f, int n, void *obj)
{
    for (int i = 0; i < n; i++)
        if (owns_string(&f[i])) {
            free(*AT(obj, &f[i], char *));
            *AT(obj, &f[i], char *) = NULL;
        } else if (f[i].kind == FK_LIST) {
            char **base = AT(obj, &f[i], char *);
            for (int k = 0; *base && k < *COUNT(obj, &f[i]); k++)
                fields_free(f[i].sub, f[i].nsub, ELEM(*base, &f[i], k));
            free(*base);
            *base = NULL;
            *COUNT(obj, &f[i]) = 0;
        } else if (f[i].kind == FK_CUSTOM && f[i].ops->clear) {
            f[i].ops->clear(&f[i], obj, 1);
        }
}
