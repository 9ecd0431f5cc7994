#include "schema.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

char *schema_string(const char *regex)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "string");
    cJSON_AddStringToObject(o, "pattern", regex);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static cJSON *choice_enum(struct schema_choices c, int zero_too)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *en = cJSON_AddArrayToObject(o, "enum");
    if (zero_too)
        cJSON_AddItemToArray(en, cJSON_CreateNumber(0));
    for (int i = 0; i < c.n; i++)
        cJSON_AddItemToArray(en, cJSON_CreateNumber(c.v[i]));
    return o;
}

static void add_list(cJSON *props, const char *key, int n, struct schema_choices choices,
                     int zero_too)
{
    cJSON *a = cJSON_AddObjectToObject(props, key);
    cJSON_AddStringToObject(a, "type", "array");
    cJSON_AddItemToObject(a, "items", choice_enum(choices, zero_too));
    cJSON_AddNumberToObject(a, "minItems", n);
    cJSON_AddNumberToObject(a, "maxItems", n);
}

char *schema_mbv3_dict(int slots, int stages, struct schema_choices ks, struct schema_choices e,
                       struct schema_choices d, struct schema_choices r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(o, "properties");
    add_list(props, "ks", slots, ks, 1);
    add_list(props, "e", slots, e, 1);
    add_list(props, "d", stages, d, 0);
    cJSON_AddItemToObject(props, "r", choice_enum(r, 0));
    cJSON *req = cJSON_AddArrayToObject(o, "required");
    const char *keys[] = {"ks", "e", "d", "r"};
    for (int i = 0; i < 4; i++)
        cJSON_AddItemToArray(req, cJSON_CreateString(keys[i]));
    cJSON_AddBoolToObject(o, "additionalProperties", 0);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}
