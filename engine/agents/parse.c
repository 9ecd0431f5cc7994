#include "parse.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The answer without <think>...</think> blocks (reasoning models), malloc'd.
 * An unclosed block swallows the rest: the answer never came. */
static char *strip_thinking(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(n + 1), *w = out;
    if (!out)
        return NULL;
    const char *p = text;
    while (*p) {
        const char *open = strstr(p, "<think>");
        if (!open) {
            size_t l = strlen(p);
            memcpy(w, p, l);
            w += l;
            break;
        }
        memcpy(w, p, (size_t)(open - p));
        w += open - p;
        const char *close = strstr(open, "</think>");
        if (!close)
            break;
        p = close + 8;
    }
    *w = '\0';
    return out;
}

static int add_item(struct cand_list *out, const cJSON *it)
{
    if (cJSON_IsString(it))
        return cand_list_add_text(out, it->valuestring);
    const cJSON *a = cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "arch") : NULL;
    if (cJSON_IsString(a))
        return cand_list_add_text(out, a->valuestring);
    char *s = cJSON_PrintUnformatted(it);
    int rc = s ? cand_list_add_text(out, s) : -1;
    free(s);
    return rc;
}

/* The candidate list inside one parsed JSON value, or NULL. */
static const cJSON *list_of(const cJSON *v)
{
    if (cJSON_IsArray(v))
        return v;
    if (!cJSON_IsObject(v))
        return NULL;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "candidates");
    if (!c)
        c = cJSON_GetObjectItemCaseSensitive(v, "architectures");
    return cJSON_IsArray(c) ? c : NULL;
}

/* Tries every '{' or '[' in order; the first that parses to a list wins.
 * Fenced blocks come first, so prose around them cannot mislead. */
static int scan(const char *s, struct cand_list *out, int *saw_json)
{
    for (const char *p = s; *p; p++) {
        if (*p != '{' && *p != '[')
            continue;
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithOpts(p, &end, 0);
        if (!v)
            continue;
        *saw_json = 1;
        const cJSON *l = list_of(v);
        if (l) {
            const cJSON *it;
            cJSON_ArrayForEach(it, l) add_item(out, it);
            cJSON_Delete(v);
            return 1;
        }
        cJSON_Delete(v);
        p = end ? end - 1 : p; /* skip the whole value we understood */
    }
    return 0;
}

int parse_candidates(const char *text, const char *finish, struct cand_list *out, char *why,
                     size_t n)
{
    char *s = strip_thinking(text ? text : "");
    if (!s) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    int saw_json = 0, found = 0, start = out->n;
    /* fenced blocks first: ```json ... ``` or ``` ... ``` */
    for (char *f = strstr(s, "```"); f && !found;) {
        char *body = strchr(f + 3, '\n');
        char *close = body ? strstr(body, "```") : NULL;
        if (!close)
            break;
        *close = '\0';
        found = scan(body, out, &saw_json);
        *close = '`';
        f = strstr(close + 3, "```");
    }
    if (!found)
        found = scan(s, out, &saw_json);
    int cut = finish && strcmp(finish, "length") == 0;
    free(s);
    if (found)
        return out->n - start;
    if (cut)
        snprintf(why, n, "the answer was cut off (finish_reason \"length\") before a complete "
                         "JSON list of candidates");
    else if (saw_json)
        snprintf(why, n, "the answer has JSON but no list of candidates; expected "
                         "{\"candidates\": [...]}");
    else if (!text || !text[0])
        snprintf(why, n, "the answer is empty");
    else
        snprintf(why, n, "no JSON found in the answer; expected {\"candidates\": [...]}");
    return -1;
}

/* Position of a markdown header line "# NAME" (any level, case aside). */
static const char *find_section(const char *s, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        const char *q = p;
        if (*q != '#')
            continue;
        while (*q == '#')
            q++;
        while (*q == ' ' || *q == '*')
            q++;
        if (strncasecmp(q, name, nl) == 0)
            return p;
    }
    return NULL;
}

int parse_strategy(const char *text, const char *finish, char **out, char *why, size_t n)
{
    *out = NULL;
    char *s = strip_thinking(text ? text : "");
    if (!s) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    static const char *const sections[] = {"SUMMARY", "KEY PATTERNS", "NAVIGATION DIRECTIONS"};
    const char *first = NULL;
    for (int i = 0; i < 3; i++) {
        const char *at = find_section(s, sections[i]);
        if (!at) {
            int cut = finish && strcmp(finish, "length") == 0;
            snprintf(why, n, "the strategy lacks the section \"# %s\"%s", sections[i],
                     cut ? " (the answer was cut off: finish_reason \"length\")" : "");
            free(s);
            return -1;
        }
        if (!first || at < first)
            first = at;
    }
    /* drop anything before the first section (a preamble, a fence) and a
     * closing fence after the last */
    size_t len = strlen(first);
    while (len && isspace((unsigned char)first[len - 1]))
        len--;
    if (len >= 3 && strncmp(first + len - 3, "```", 3) == 0)
        len -= 3;
    *out = malloc(len + 1);
    if (*out) {
        memcpy(*out, first, len);
        (*out)[len] = '\0';
    }
    free(s);
    return *out ? 0 : -1;
}
