#include "filter.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/rng.h"

static int has_text(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return !n;
}

/* ---- the architecture's dict, read from its canonical text ------------------- */

/* Architecture texts are canonical (the space's encode): a flat object of
 * numbers and lists of them, or one list. A scan finds a value faster than
 * a parse, and the History asks for every row on every frame. */
static const char *skip_value(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (!*p)
                return p;
        } else if (*p == '[' || *p == '{') {
            depth++;
        } else if (*p == ']' || *p == '}') {
            if (depth-- == 0)
                return p;
        } else if (*p == ',' && depth == 0) {
            return p;
        }
    }
    return p;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Calls `each` with every top-level key of an object text, and its value;
 * stops when `each` returns non-zero, and returns that. */
static int each_key(const char *text, int (*each)(const char *k, size_t n, const char *v, void *ud),
                    void *ud)
{
    const char *p = skip_space(text);
    if (*p != '{')
        return 0;
    for (p = skip_space(p + 1); *p == '"';) {
        const char *k = p + 1, *q = strchr(k, '"');
        if (!q)
            return 0;
        p = skip_space(q + 1);
        if (*p != ':')
            return 0;
        const char *v = skip_space(p + 1);
        int rc = each(k, (size_t)(q - k), v, ud);
        if (rc)
            return rc;
        p = skip_value(v);
        if (*p != ',')
            return 0;
        p = skip_space(p + 1);
    }
    return 0;
}

struct lookup {
    const char *key;
    const char *at;
};

static int found(const char *k, size_t n, const char *v, void *ud)
{
    struct lookup *l = ud;
    if (strlen(l->key) != n || strncmp(k, l->key, n) != 0)
        return 0;
    l->at = v;
    return 1;
}

/* The text of key[index] (a list element; index -1: the key's own value;
 * key "": the text is the list) in buf, quotes dropped; 0 if none. */
static int dict_value(const char *text, const char *key, int index, char *buf, size_t n)
{
    struct lookup l = {key, NULL};
    if (!key[0])
        l.at = skip_space(text);
    else if (!each_key(text, found, &l))
        return 0;
    const char *v = l.at;
    if (index >= 0) {
        if (*v != '[')
            return 0;
        v = skip_space(v + 1);
        for (int i = 0; i < index && *v && *v != ']'; i++) {
            v = skip_value(v);
            v = *v == ',' ? skip_space(v + 1) : v;
        }
        if (!*v || *v == ']')
            return 0;
    }
    const char *end = skip_value(v);
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    if (end - v >= 2 && *v == '"' && end[-1] == '"')
        v++, end--;
    snprintf(buf, n, "%.*s", (int)(end - v), v);
    return 1;
}

struct keys {
    char list[160];
};

static int add_key(const char *k, size_t n, const char *v, void *ud)
{
    (void)v;
    struct keys *ks = ud;
    size_t len = strlen(ks->list);
    snprintf(ks->list + len, sizeof ks->list - len, "%s%.*s", len ? " " : "", (int)n, k);
    return 0;
}

/* One architecture's text, to know the shape of them all: an object, a
 * list or neither (NB201's cell string). */
static void sample_text(const struct space *sp, char *buf, size_t n)
{
    struct rng r;
    struct arch a;
    rng_seed(&r, 1);
    space_sample(sp, &r, &a);
    if (space_encode(sp, &a, buf, n) < 0)
        buf[0] = '\0';
}

/* ---- parsing ----------------------------------------------------------------- */

static const char *const op_names[] = {"<", "<=", ">", ">=", "=", "!="}; /* enum filter_op */

/* The whole text as a number; 0 if it is not one. `tol`: half a unit of
 * the last digit typed, so "91.6" is what the table shows as 91.6. */
static int number(const char *s, double *v, double *tol)
{
    char *end;
    if (!*s || isspace((unsigned char)*s))
        return 0;
    *v = strtod(s, &end);
    if (*end || !isfinite(*v))
        return 0;
    const char *dot = strchr(s, '.');
    int decimals = 0;
    for (const char *p = dot ? dot + 1 : s + strlen(s); isdigit((unsigned char)*p); p++)
        decimals++;
    *tol = strpbrk(s, "eE") ? 0 : 0.5 * pow(10, -decimals);
    return 1;
}

static void metric_list(const struct filter_ctx *c, const char *prefix, size_t plen, char *buf,
                        size_t n)
{
    buf[0] = '\0';
    for (int i = 0; i < c->nmetrics; i++)
        if (strncasecmp(c->metrics[i].name, prefix, plen) == 0) {
            size_t len = strlen(buf);
            snprintf(buf + len, n - len, "%s%s", len ? " " : "", c->metrics[i].name);
        }
}

/* The metric `name` names, or a prefix only one metric has; -1: none, -2:
 * more than one. */
static int metric_named(const struct filter_ctx *c, const char *name)
{
    int hit = -1;
    for (int i = 0; i < c->nmetrics; i++) {
        if (strcasecmp(c->metrics[i].name, name) == 0)
            return i;
        if (strncasecmp(c->metrics[i].name, name, strlen(name)) == 0)
            hit = hit == -1 ? i : -2;
    }
    return hit;
}

/* A usage error at character `at` (0-based) of the filter's text. */
static int fail(struct err *e, int at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct err *e, int at, const char *fmt, ...)
{
    char where[32], msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "character %d", at + 1);
    return err_usage(e, where, "%s", msg);
}

/* A metric term: the name resolved, the value a number. */
static int metric_term(struct filter_term *t, const struct filter_ctx *c, int m,
                       const char *value, int at, int vat, struct err *e)
{
    if (m == c->hidden)
        return fail(e, at, "%s is hidden in live views (--show-test)", c->metrics[m].name);
    if (!number(value, &t->num, &t->tol))
        return fail(e, vat, "expected a number after %s%s, not `%s`", c->metrics[m].name,
                    op_names[t->op], value);
    t->kind = FILTER_METRIC;
    t->metric = m;
    return 0;
}

/* A name, an operator, a value: "valid>91", "d[1]=4", "[3]=2". 1: the
 * term is not shaped so (it is text). */
static int compare_term(struct filter_term *t, const char *s, int at, const struct filter_ctx *c,
                        const char *sample, struct err *e)
{
    char name[32], list[200];
    size_t i = 0;
    while (isalnum((unsigned char)s[i]) || s[i] == '_')
        i++;
    if ((i == 0 && s[0] != '[') || isdigit((unsigned char)s[0]) || i >= sizeof name)
        return 1;
    snprintf(name, sizeof name, "%.*s", (int)i, s);
    t->index = -1;
    if (s[i] == '[') {
        char *end;
        if (!isdigit((unsigned char)s[i + 1]))
            return 1;
        long idx = strtol(s + i + 1, &end, 10);
        if (*end != ']' || idx > 999)
            return 1;
        t->index = (int)idx;
        i = (size_t)(end + 1 - s);
    }
    size_t oplen = strspn(s + i, "<>=!");
    int op = -1;
    for (int k = 0; k < 6; k++)
        if (oplen == strlen(op_names[k]) && strncmp(s + i, op_names[k], oplen) == 0)
            op = k;
    if (!oplen)
        return 1;
    if (op < 0)
        return fail(e, at + (int)i, "no operator `%.*s`: they are < <= > >= = !=", (int)oplen,
                    s + i);
    t->op = (enum filter_op)op;
    const char *value = s + i + oplen;
    int vat = at + (int)(i + oplen);
    if (!*value)
        return fail(e, vat, "expected a value after `%.*s`", (int)(i + oplen), s);
    struct keys ks = {""};
    int is_dict = sample[0] == '{', is_list = sample[0] == '[';
    if (is_dict)
        each_key(sample, add_key, &ks);
    int has_key = 0;
    char scratch[8];
    if (name[0] && is_dict)
        has_key = dict_value(sample, name, -1, scratch, sizeof scratch);
    if (t->index < 0 && !has_key) {
        int m = metric_named(c, name);
        if (m >= 0)
            return metric_term(t, c, m, value, at, vat, e);
        if (m == -2) {
            metric_list(c, name, strlen(name), list, sizeof list);
            return fail(e, at, "`%s` is more than one metric: %s", name, list);
        }
    }
    if (!name[0] && !is_list)
        return fail(e, at, "[i] is an element of a list architecture; this space's are none");
    if (!has_key && name[0]) {
        metric_list(c, "", 0, list, sizeof list);
        if (is_dict)
            return fail(e, at, "no metric or key `%s`: the metrics are %s; the keys %s", name,
                        list, ks.list);
        if (is_list)
            return fail(e, at, "no metric `%s`: the metrics are %s; [i] is the list's element i",
                        name, list);
        return fail(e, at, "no metric `%s`: the metrics are %s", name, list);
    }
    if (has_key && t->index < 0 && scratch[0] == '[')
        return fail(e, at, "`%s` is a list: name one element, %s[0], %s[1] ...", name, name,
                    name);
    if (has_key && t->index >= 0 && scratch[0] != '[')
        return fail(e, at, "`%s` is one value, no list: %s=V", name, name);
    t->kind = FILTER_KEY;
    snprintf(t->key, sizeof t->key, "%s", name);
    snprintf(t->text, sizeof t->text, "%s", value);
    t->numeric = number(value, &t->num, &t->tol);
    if (!t->numeric && t->op != FILTER_EQ && t->op != FILTER_NE)
        return fail(e, vat, "%s needs a number, not `%s`", op_names[t->op], value);
    return 0;
}

/* One term, s[0..n): the space's own first, then a comparison, else text. */
static int term(struct filter_term *t, const char *s, int at, const struct filter_ctx *c,
                const char *sample, struct err *e)
{
    memset(t, 0, sizeof *t);
    const char *eq = strchr(s, '=');
    char key[64];
    const char *value = NULL;
    if (eq && eq > s && eq[-1] != '<' && eq[-1] != '>') {
        t->op = eq[-1] == '!' ? FILTER_NE : FILTER_EQ;
        snprintf(key, sizeof key, "%.*s", (int)(eq - s) - (t->op == FILTER_NE), s);
        value = eq + 1;
    } else if (!eq) {
        snprintf(key, sizeof key, "%s", s);
    } else {
        key[0] = '\0';
    }
    struct err se;
    err_clear(&se);
    int rc = key[0] ? space_term(c->sp, key, value, &t->dim, &t->choice, &se) : 1;
    if (rc == 0) {
        t->kind = FILTER_DECISION;
        return 0;
    }
    if (rc < 0)
        return fail(e, at, "%s: %s", se.where, se.msg);
    rc = compare_term(t, s, at, c, sample, e);
    if (rc <= 0)
        return rc;
    memset(t, 0, sizeof *t);
    t->kind = FILTER_TEXT;
    snprintf(t->text, sizeof t->text, "%s", s);
    return 0;
}

int filter_parse(struct filter *f, const char *text, const struct filter_ctx *c, struct err *e)
{
    char sample[4096], one[64];
    struct filter got = {0};
    if (text)
        sample_text(c->sp, sample, sizeof sample);
    for (const char *p = text ? text : "";;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, " \t");
        int at = (int)(p - text);
        if (n >= sizeof one || got.n == FILTER_TERMS)
            return fail(e, at, "%s", n >= sizeof one ? "a term is 63 characters at most"
                                                     : "16 terms at most");
        snprintf(one, sizeof one, "%.*s", (int)n, p);
        if (term(&got.t[got.n], one, at, c, sample, e) < 0)
            return -1;
        got.n++;
        p += n;
    }
    *f = got;
    return 0;
}

/* ---- matching ---------------------------------------------------------------- */

static int compare(double v, enum filter_op op, double x, double tol)
{
    switch (op) {
    case FILTER_LT: return v < x;
    case FILTER_LE: return v <= x;
    case FILTER_GT: return v > x;
    case FILTER_GE: return v >= x;
    case FILTER_EQ: return fabs(v - x) <= tol;
    case FILTER_NE: return fabs(v - x) > tol;
    }
    return 0;
}

static int passes(const struct filter_term *t, const struct space *sp, const struct record *r,
                  int (*more)(void *ud, const char *text), void *ud)
{
    char buf[512];
    switch (t->kind) {
    case FILTER_METRIC:
        return !isnan(r->m[t->metric]) && compare(r->m[t->metric], t->op, t->num, t->tol);
    case FILTER_DECISION:
        return t->dim < r->arch.n && (r->arch.v[t->dim] == t->choice) == (t->op == FILTER_EQ);
    case FILTER_KEY: {
        if (!dict_value(r->text, t->key, t->index, buf, sizeof buf))
            return 0;
        double v, tol;
        if (t->numeric && number(buf, &v, &tol))
            return compare(v, t->op, t->num, t->tol);
        return (strcasecmp(buf, t->text) == 0) == (t->op == FILTER_EQ);
    }
    case FILTER_TEXT:
        return has_text(r->text, t->text) ||
               has_text(space_brief(sp, r->text, buf, sizeof buf), t->text) ||
               (more && more(ud, t->text));
    }
    return 0;
}

int filter_match(const struct filter *f, const struct space *sp, const struct record *r,
                 int (*more)(void *ud, const char *text), void *ud)
{
    for (int i = 0; i < f->n; i++)
        if (!passes(&f->t[i], sp, r, more, ud))
            return 0;
    return 1;
}
