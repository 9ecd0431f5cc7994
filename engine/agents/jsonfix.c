#include "jsonfix.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX 256

struct out {
    char *s;
    size_t n, cap;
    int oom;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (o->n + n + 1 > cap)
            cap *= 2;
        char *ns = realloc(o->s, cap);
        if (!ns) {
            o->oom = 1;
            return;
        }
        o->s = ns;
        o->cap = cap;
    }
    memcpy(o->s + o->n, s, n);
    o->n += n;
    o->s[o->n] = '\0';
}

static void putc_(struct out *o, char c) { put(o, &c, 1); }

/* A trailing comma is dropped when its list closes: what precedes the
 * closing bracket in the output, spaces aside. */
static void drop_trailing_comma(struct out *o)
{
    size_t k = o->n;
    while (k && isspace((unsigned char)o->s[k - 1]))
        k--;
    if (k && o->s[k - 1] == ',') {
        memmove(o->s + k - 1, o->s + k, o->n - k);
        o->n--;
        o->s[o->n] = '\0';
    }
}

/* One quoted string from `p` (at its opening quote); returns the position
 * after it, or NULL if it never closes. Always written with double quotes. */
static const char *string_at(const char *p, struct out *o)
{
    char q = *p++;
    putc_(o, '"');
    for (; *p; p++) {
        if (*p == q) {
            putc_(o, '"');
            return p + 1;
        }
        if (*p == '\\' && p[1]) {
            if (q == '\'' && p[1] == '\'')
                putc_(o, '\''); /* \' is no JSON escape */
            else
                put(o, p, 2);
            p++;
        } else if (*p == '"') {
            put(o, "\\\"", 2);
        } else if (*p == '\n') {
            put(o, "\\n", 2);
        } else if (*p == '\t') {
            put(o, "\\t", 2);
        } else if (*p == '\r') {
            put(o, "\\r", 2);
        } else {
            putc_(o, *p);
        }
    }
    return NULL;
}

static const char *word_at(const char *p, struct out *o, char inside)
{
    const char *w = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    size_t n = (size_t)(p - w);
    static const struct {
        const char *py, *json;
    } words[] = {{"True", "true"}, {"False", "false"}, {"None", "null"}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (n == strlen(words[i].py) && strncmp(w, words[i].py, n) == 0) {
            put(o, words[i].json, strlen(words[i].json));
            return p;
        }
    const char *after = p;
    while (*after == ' ' || *after == '\t')
        after++;
    int key = inside == '{' && *after == ':' && !(n == 4 && strncmp(w, "true", 4) == 0) &&
              !(n == 5 && strncmp(w, "false", 5) == 0) && !(n == 4 && strncmp(w, "null", 4) == 0);
    if (key)
        putc_(o, '"');
    put(o, w, n);
    if (key)
        putc_(o, '"');
    return p;
}

char *jsonfix_region(const char *p, const char **end)
{
    if (*p != '{' && *p != '[')
        return NULL;
    struct out o = {0};
    char stack[DEPTH_MAX];
    int depth = 0;
    while (*p) {
        char c = *p;
        if (c == '"' || c == '\'') {
            p = string_at(p, &o);
            if (!p)
                break;
        } else if (c == '/' && p[1] == '/') {
            p = strchr(p, '\n');
            if (!p)
                break;
        } else if (c == '#') {
            p = strchr(p, '\n');
            if (!p)
                break;
        } else if (c == '/' && p[1] == '*') {
            const char *close = strstr(p + 2, "*/");
            if (!close)
                break;
            p = close + 2;
        } else if (c == '{' || c == '[') {
            if (depth == DEPTH_MAX)
                break;
            stack[depth++] = c;
            putc_(&o, c);
            p++;
        } else if (c == '}' || c == ']') {
            if (!depth || stack[depth - 1] != (c == '}' ? '{' : '['))
                break;
            drop_trailing_comma(&o);
            putc_(&o, c);
            p++;
            if (--depth == 0) {
                if (o.oom)
                    break;
                *end = p;
                return o.s;
            }
        } else if (isalpha((unsigned char)c) || c == '_') {
            p = word_at(p, &o, stack[depth - 1]);
        } else {
            putc_(&o, c);
            p++;
        }
    }
    free(o.s);
    return NULL;
}
