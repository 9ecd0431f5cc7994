#include "constraint.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *op_text[] = {"<=", "<", ">=", ">"};
static const char *negated_text[] = {">", ">=", "<", "<="};

/* Parses one term s[0..len) that starts at offset `at` of the whole text;
 * errors point at the character where the term goes wrong. */
static int parse_one(struct bound *b, const char *s, size_t len, size_t at,
                     const struct metric_def *defs, int ndefs, struct err *e)
{
    char where[64], item[128];
    if (len >= sizeof item) {
        snprintf(where, sizeof where, "constraint, character %zu", at + 1);
        return err_usage(e, where, "term is too long");
    }
    memcpy(item, s, len);
    item[len] = '\0';
#define AT(p) (snprintf(where, sizeof where, "constraint, character %zu", at + (size_t)((p) - item) + 1), where)

    char *p = item;
    while (isspace((unsigned char)*p))
        p++;
    char *name = p;
    while (*p && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
    size_t nlen = (size_t)(p - name);
    if (nlen == 0)
        return err_usage(e, AT(name), "expected a metric name in '%s' (e.g. flops<=100)", item);
    char mname[128];
    memcpy(mname, name, nlen);
    mname[nlen] = '\0';
    while (isspace((unsigned char)*p))
        p++;
    char op[3] = {0};
    char *op_at = p;
    if (*p == '<' || *p == '>') {
        op[0] = *p++;
        if (*p == '=')
            op[1] = *p++;
    } else {
        return err_usage(e, AT(op_at), "expected <=, <, >= or > after '%s' in '%s'", mname, item);
    }

    int m = metric_find(defs, ndefs, mname);
    if (m < 0 || defs[m].role != METRIC_COST) {
        char names[256] = "";
        for (int i = 0; i < ndefs; i++)
            if (defs[i].role == METRIC_COST) {
                strncat(names, names[0] ? ", " : "", sizeof names - strlen(names) - 1);
                strncat(names, defs[i].name, sizeof names - strlen(names) - 1);
            }
        return err_usage(e, AT(name), "'%s' is not a cost of this space; costs are: %s", mname,
                         names);
    }
    while (isspace((unsigned char)*p))
        p++;
    errno = 0;
    char *end;
    double v = strtod(p, &end);
    char *rest = end;
    while (isspace((unsigned char)*rest))
        rest++;
    if (end == p || *rest || errno || !isfinite(v) || strpbrk(p, "xX"))
        return err_usage(e, AT(end == p ? p : end), "expected a number after '%s%s' in '%s'",
                         mname, op, item);
#undef AT
    b->metric = m;
    b->value = v;
    for (int i = 0; i < 4; i++)
        if (strcmp(op, op_text[i]) == 0)
            b->op = (enum cmp_op)i;
    return 0;
}

int constraint_parse(struct constraint *c, const char *text,
                     const struct metric_def *defs, int ndefs, struct err *e)
{
    memset(c, 0, sizeof *c);
    if (!text)
        return 0;
    const char *s = text;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (c->n == CONSTRAINT_MAX)
            return err_usage(e, "constraint", "at most %d terms", CONSTRAINT_MAX);
        if (parse_one(&c->b[c->n], s, len, (size_t)(s - text), defs, ndefs, e) < 0)
            return -1;
        c->n++;
        s += len;
        if (*s == ',')
            s++;
    }
    return 0;
}

static int holds(const struct bound *b, double x)
{
    switch (b->op) {
    case CMP_LE: return x <= b->value;
    case CMP_LT: return x < b->value;
    case CMP_GE: return x >= b->value;
    case CMP_GT: return x > b->value;
    }
    return 0;
}

int constraint_violated(const struct constraint *c, const double *metrics)
{
    for (int i = 0; i < c->n; i++)
        if (!holds(&c->b[i], metrics[c->b[i].metric]))
            return i;
    return -1;
}

void constraint_format(const struct constraint *c, const struct metric_def *defs,
                       char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < c->n && off < n; i++) {
        char num[40];
        off += (size_t)snprintf(buf + off, n - off, "%s%s%s%s", i ? "," : "",
                                defs[c->b[i].metric].name, op_text[c->b[i].op],
                                num_exact(c->b[i].value, num, sizeof num));
    }
}

void constraint_explain(const struct constraint *c, int i, const struct metric_def *defs,
                        const double *metrics, char *buf, size_t n)
{
    const struct bound *b = &c->b[i];
    snprintf(buf, n, "%s %g%s%s %s %g", defs[b->metric].name, metrics[b->metric],
             defs[b->metric].unit[0] ? " " : "", defs[b->metric].unit, negated_text[b->op],
             b->value);
}
