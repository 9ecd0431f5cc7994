#include "algo.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proposer.h"

static const struct algo_kind *const registry[] = {
    &random_algo, &rea_algo, &local_algo, &collm_algo, &ofa_ea_algo,
};
#define NALGOS ((int)(sizeof registry / sizeof registry[0]))

const struct algo_kind *const *algo_registry(int *n)
{
    *n = NALGOS;
    return registry;
}

const struct algo_kind *algo_find(const char *name, struct err *e)
{
    for (int i = 0; i < NALGOS; i++)
        if (strcmp(name, registry[i]->name) == 0)
            return registry[i];
    char list[128] = "";
    for (int i = 0; i < NALGOS; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, registry[i]->name, sizeof list - strlen(list) - 1);
    }
    err_usage(e, "--algo", "unknown algorithm '%s'; known: %s", name, list);
    return NULL;
}

static void put(const struct algo_opt *o, void *opts, double v)
{
    char *at = (char *)opts + o->offset;
    if (o->type == ALGO_INT)
        *(int *)at = (int)v;
    else
        *(double *)at = v;
}

static double get(const struct algo_opt *o, const void *opts)
{
    const char *at = (const char *)opts + o->offset;
    return o->type == ALGO_INT ? *(const int *)at : *(const double *)at;
}

void *algo_opts_new(const struct algo_kind *k, const char *params, struct err *e)
{
    void *opts = calloc(1, k->opts_size ? k->opts_size : 1);
    if (!opts)
        return err_set(e, k->name, "out of memory"), NULL;
    for (const struct algo_opt *o = k->opts; o && o->name; o++)
        put(o, opts, o->def);
    if (!params || !*params)
        return opts;
    cJSON *j = cJSON_Parse(params);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        free(opts);
        return err_set(e, "params", "expected an object"), NULL;
    }
    for (const struct algo_opt *o = k->opts; o && o->name; o++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, o->name);
        if (!v)
            continue;
        int whole = cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
                    fabs(v->valuedouble) <= 2147483647.0;
        if (!cJSON_IsNumber(v) || (o->type == ALGO_INT && !whole)) {
            err_set(e, "params", "%s: expected %s", o->name,
                    o->type == ALGO_INT ? "a whole number" : "a number");
            cJSON_Delete(j);
            free(opts);
            return NULL;
        }
        put(o, opts, v->valuedouble);
    }
    cJSON_Delete(j);
    return opts;
}

char *algo_opts_json(const struct algo_kind *k, const void *opts)
{
    cJSON *j = cJSON_CreateObject();
    for (const struct algo_opt *o = k->opts; j && o && o->name; o++)
        cJSON_AddNumberToObject(j, o->name, get(o, opts));
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    return text;
}
