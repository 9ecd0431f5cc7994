#include "parse.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/strbuf.h"
#include "jsonfix.h"

const char *parse_answer_start(const char *text, size_t *reasoning_len)
{
    static const char *const closes[] = {"</think>", "</thinking>"};
    const char *answer = text;
    for (size_t i = 0; i < sizeof closes / sizeof closes[0]; i++) {
        size_t cl = strlen(closes[i]);
        for (const char *c = strstr(text, closes[i]); c; c = strstr(c + 1, closes[i]))
            if (c + cl > answer)
                answer = c + cl;
    }
    if (answer == text && (strstr(text, "<think>") || strstr(text, "<thinking>"))) {
        *reasoning_len = strlen(text);
        return NULL; /* opened and never closed: the answer never came */
    }
    *reasoning_len = (size_t)(answer - text);
    return answer;
}

/* The answer part, malloc'd ("" when it never came). */
static char *answer_of(const char *text, size_t *reasoning_len)
{
    const char *a = parse_answer_start(text, reasoning_len);
    return strdup(a ? a : "");
}

/* The architecture inside a list item: a string, or the value of the key
 * models use for it, or the item itself (spaces whose archs are objects). */
static int add_item(struct cand_list *out, const cJSON *it)
{
    static const char *const keys[] = {"arch", "architecture", "genotype", "arch_str"};
    if (cJSON_IsString(it))
        return cand_list_add_text(out, it->valuestring);
    if (cJSON_IsObject(it))
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const cJSON *a = cJSON_GetObjectItem(it, keys[i]);
            if (cJSON_IsString(a))
                return cand_list_add_text(out, a->valuestring);
            if (a) {
                it = a;
                break;
            }
        }
    char *s = cJSON_PrintUnformatted(it);
    int rc = s ? cand_list_add_text(out, s) : -1;
    free(s);
    return rc;
}

/* The candidate list inside one parsed JSON value, or NULL: the value
 * itself, or a known key, also one or two objects down
 * ({"response": {"candidates": [...]}}). */
static const cJSON *list_of_at(const cJSON *v, int depth)
{
    static const char *const keys[] = {"candidates", "architectures", "archs", "genotypes"};
    if (cJSON_IsArray(v))
        return depth == 0 ? v : NULL;
    if (!cJSON_IsObject(v))
        return NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *c = cJSON_GetObjectItem(v, keys[i]);
        if (cJSON_IsArray(c))
            return c;
    }
    const cJSON *it;
    if (depth < 2)
        cJSON_ArrayForEach(it, v)
        {
            const cJSON *l = cJSON_IsObject(it) ? list_of_at(it, depth + 1) : NULL;
            if (l)
                return l;
        }
    return NULL;
}

static const cJSON *list_of(const cJSON *v) { return list_of_at(v, 0); }

/* What the scan saw, for an honest reason when it found nothing. */
struct seen {
    int json;            /* some bracketed region parsed */
    char keys[160];      /* the first object's keys, when no list was in it */
    long bad_at;         /* first region that closes but does not parse, or -1 */
    int misses;          /* brackets tried that held no JSON */
};

/* A hostile answer ("[[[[..." or "[1," a hundred thousand times) must not
 * cost a parse per bracket: after this many brackets that held nothing,
 * the rest of the answer is not searched. Each try is linear. */
#define MISSES_MAX 64

/* One JSON value at `p` ('{' or '['): strict first, then repaired.
 * *end is set past it; NULL if neither parses. *closed says whether the
 * brackets matched at all. */
static cJSON *value_at(const char *p, const char **end, int *closed)
{
    cJSON *v = cJSON_ParseWithOpts(p, end, 0);
    *closed = v != NULL;
    if (v)
        return v;
    const char *rend;
    char *fixed = jsonfix_region(p, &rend);
    if (!fixed)
        return NULL;
    *closed = 1;
    v = cJSON_Parse(fixed);
    free(fixed);
    if (v)
        *end = rend;
    return v;
}

static void note_keys(struct seen *sn, const cJSON *v)
{
    if (sn->keys[0] || !cJSON_IsObject(v))
        return;
    size_t k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        int w = snprintf(sn->keys + k, sizeof sn->keys - k, "%s\"%s\"", k ? ", " : "",
                         it->string ? it->string : "");
        if (w < 0 || (size_t)w >= sizeof sn->keys - k)
            break;
        k += (size_t)w;
    }
}

/* Tries every '{' or '[' in order; the first that parses to a list wins.
 * Fenced blocks come first, so prose around them cannot mislead. */
static int scan(const char *base, const char *s, struct cand_list *out, struct seen *sn)
{
    for (const char *p = s; *p && sn->misses < MISSES_MAX; p++) {
        if (*p != '{' && *p != '[')
            continue;
        const char *end = NULL;
        int closed;
        cJSON *v = value_at(p, &end, &closed);
        if (!v) {
            if (closed && sn->bad_at < 0 && strcspn(p, "}]") > 16)
                sn->bad_at = (long)(p - base);
            sn->misses++;
            continue;
        }
        sn->json = 1;
        const cJSON *l = list_of(v);
        if (l) {
            const cJSON *it;
            int n = 0;
            cJSON_ArrayForEach(it, l)
            {
                if (n++ == PARSE_MAX_CANDIDATES)
                    break;
                add_item(out, it);
            }
            cJSON_Delete(v);
            return 1;
        }
        note_keys(sn, v);
        cJSON_Delete(v);
        p = end ? end - 1 : p; /* skip the whole value we understood */
    }
    return 0;
}

/* No list anywhere: the space itself finds its architectures in the text,
 * as quoted or bare words (NB201's cell strings delimit themselves) or as
 * objects (OFA-style dicts in prose). */
#define FALLBACK_MAX 64
static int space_fallback(const struct space *sp, const char *s, struct cand_list *out)
{
    int found = 0;
    struct err e;
    struct arch a;
    int misses = 0;
    for (const char *p = s; *p && found < FALLBACK_MAX;) {
        if (*p == '{' && misses < MISSES_MAX) {
            const char *end = NULL;
            int closed;
            cJSON *v = value_at(p, &end, &closed);
            misses += v == NULL;
            char *txt = v ? cJSON_PrintUnformatted(v) : NULL;
            cJSON_Delete(v);
            if (txt && space_decode(sp, txt, &a, &e) == 0 && !cand_list_has(out, &a) &&
                cand_list_add_arch(out, &a) == 0)
                found++;
            free(txt);
            p = txt && end ? end : p + 1;
            continue;
        }
        static const char *const stops = " \t\r\n\"'`,;";
        size_t n = strcspn(p, stops);
        if (n == 0) {
            p++;
            continue;
        }
        const char *w = p, *we = p + n;
        p = we;
        while (w < we && strchr("([{*", *w))
            w++;
        while (we > w && strchr(")]}.:*", we[-1]))
            we--;
        if (we - w < 3 || we - w > 1000)
            continue;
        char word[1001];
        memcpy(word, w, (size_t)(we - w));
        word[we - w] = '\0';
        if (space_decode(sp, word, &a, &e) == 0 && !cand_list_has(out, &a) &&
            cand_list_add_arch(out, &a) == 0)
            found++;
    }
    return found;
}

int parse_candidates(const char *text, const char *finish, const struct space *sp,
                     struct cand_list *out, char *why, size_t n)
{
    size_t rlen = 0;
    char *s = answer_of(text ? text : "", &rlen);
    if (!s) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    struct seen sn = {.bad_at = -1};
    int found = 0, start = out->n;
    /* fenced blocks first: ```json ... ``` or ``` ... ``` */
    for (char *f = strstr(s, "```"); f && !found;) {
        char *body = strchr(f + 3, '\n');
        char *close = body ? strstr(body, "```") : NULL;
        if (!close)
            break;
        *close = '\0';
        found = scan(s, body, out, &sn);
        *close = '`';
        f = strstr(close + 3, "```");
    }
    if (!found)
        found = scan(s, s, out, &sn);
    int cut = finish && strcmp(finish, "length") == 0;
    if (!found && !cut && sp)
        found = space_fallback(sp, s, out) > 0;
    int blank = strspn(s, " \t\r\n") == strlen(s);
    free(s);
    if (found)
        return out->n - start;
    const char *expect = "expected {\"candidates\": [...]}";
    if (cut)
        snprintf(why, n, "the answer was cut off (finish_reason \"length\") before a complete "
                         "JSON list of candidates");
    else if (blank && rlen)
        snprintf(why, n, "the answer is empty after the reasoning (everything up to the last "
                         "</think> is reasoning); %s", expect);
    else if (blank)
        snprintf(why, n, "the answer is empty");
    else if (sn.keys[0])
        snprintf(why, n, "the answer has JSON but no list of candidates (an object with %s); %s",
                 sn.keys, expect);
    else if (sn.json)
        snprintf(why, n, "the answer has JSON but no list of candidates; %s", expect);
    else if (sn.bad_at >= 0)
        snprintf(why, n, "the JSON at character %ld of the answer does not parse, even with "
                         "comments, trailing commas and single quotes repaired; %s",
                 sn.bad_at + 1, expect);
    else
        snprintf(why, n, "no JSON found in the answer%s; %s",
                 sp ? " and no architecture of this space in its text" : "", expect);
    return -1;
}

static const char *const sections[] = {"SUMMARY", "KEY PATTERNS", "NAVIGATION DIRECTIONS"};
#define NSECTIONS 3

/* Does `q` start with `name`, case aside, with space, '_' or '-' between
 * words? Returns the length matched, or 0. */
static size_t name_at(const char *q, const char *name)
{
    const char *p = q;
    for (; *name; name++, p++) {
        if (*name == ' ') {
            if (*p != ' ' && *p != '_' && *p != '-')
                return 0;
        } else if (toupper((unsigned char)*p) != *name) {
            return 0;
        }
    }
    return isalnum((unsigned char)*p) ? 0 : (size_t)(p - q);
}

/* Which section a line heads, or -1: "# NAME" at any level, "**NAME**",
 * "NAME:", "1. NAME", "__Name__:" ... A line without '#' must be the name
 * alone (emphasis and a colon aside), so prose that starts with the word
 * is not taken for a heading. *rest is what follows a colon on the line. */
static int heading(const char *line, const char **rest, int *markdown)
{
    const char *q = line;
    while (*q == ' ' || *q == '\t')
        q++;
    int hashes = 0;
    while (*q == '#')
        q++, hashes++;
    while (*q == ' ')
        q++;
    if (!hashes && isdigit((unsigned char)*q)) {
        while (isdigit((unsigned char)*q))
            q++;
        if (*q != '.' && *q != ')')
            return -1;
        q++;
        while (*q == ' ')
            q++;
    }
    while (*q == '*' || *q == '_')
        q++;
    for (int i = 0; i < NSECTIONS; i++) {
        size_t l = name_at(q, sections[i]);
        if (!l)
            continue;
        const char *r = q + l;
        while (*r == '*' || *r == '_' || *r == ' ')
            r++;
        if (*r == ':') {
            r++;
            while (*r == '*' || *r == '_' || *r == ' ')
                r++;
        } else if (!hashes && *r && *r != '\n' && *r != '\r') {
            continue;
        }
        *rest = r;
        *markdown = hashes > 0;
        return i;
    }
    return -1;
}

static const char *next_line(const char *p)
{
    const char *nl = strchr(p, '\n');
    return nl ? nl + 1 : NULL;
}

int parse_strategy(const char *text, const char *finish, char **out, char *why, size_t n)
{
    *out = NULL;
    size_t rlen;
    char *s = answer_of(text ? text : "", &rlen);
    if (!s) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    const char *at[NSECTIONS] = {0}, *first = NULL;
    for (const char *p = s; p && *p; p = next_line(p)) {
        const char *rest;
        int md;
        int k = heading(p, &rest, &md);
        if (k >= 0 && !at[k]) {
            at[k] = p;
            if (!first)
                first = p;
        }
    }
    int cut = finish && strcmp(finish, "length") == 0;
    for (int i = 0; i < NSECTIONS; i++)
        if (!at[i]) {
            snprintf(why, n, "the strategy lacks the section \"# %s\"%s", sections[i],
                     cut ? " (the answer was cut off: finish_reason \"length\")" : "");
            free(s);
            return -1;
        }
    if (cut) {
        /* its headings survived, its last directions may not have */
        snprintf(why, n, "the strategy was cut off (finish_reason \"length\")");
        free(s);
        return -1;
    }
    /* from the first section on, less a closing fence; headings that are
     * not markdown ones become "# NAME", the form the TUI and the offline
     * Generator read */
    size_t len = strlen(first);
    while (len && isspace((unsigned char)first[len - 1]))
        len--;
    if (len >= 3 && strncmp(first + len - 3, "```", 3) == 0)
        len -= 3;
    while (len && isspace((unsigned char)first[len - 1]))
        len--;
    struct strbuf b = {0};
    for (const char *p = first; p && p < first + len;) {
        const char *nl = next_line(p), *stop = nl && nl <= first + len ? nl : first + len;
        const char *rest;
        int md;
        int k = heading(p, &rest, &md);
        if (k >= 0 && !md) { /* "**Summary:** ..." reads as "# SUMMARY" */
            strbuf_printf(&b, "# %s\n", sections[k]);
            /* the last line ends where the trimmed strategy does: what
             * follows its colon may lie past that (a closing fence) */
            size_t rl = rest < stop ? (size_t)(stop - rest) : 0;
            while (rl && isspace((unsigned char)rest[rl - 1]))
                rl--;
            if (rl)
                strbuf_printf(&b, "%.*s\n", (int)rl, rest);
        } else {
            strbuf_printf(&b, "%.*s", (int)(stop - p), p);
        }
        p = nl;
    }
    free(s);
    const char *str = strbuf_str(&b);
    size_t sl = strlen(str);
    *out = malloc(sl + 1);
    if (*out) {
        memcpy(*out, str, sl + 1);
        while (sl && (*out)[sl - 1] == '\n')
            (*out)[--sl] = '\0';
    }
    strbuf_free(&b);
    return *out ? 0 : -1;
}
