/* The NAS-Bench-201 cell written as text: 6 edges of a 4-node cell with one
 * of 5 operations each, |op~0|+|op~0|op~1|+|op~0|op~1|op~2| (DESIGN §5).
 * Below both the table, whose rows are written so, and the space. */
#include "nb201_cell.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *const nb201_op_names[NB201_OPS] = {"none", "skip_connect", "nor_conv_1x1",
                                               "nor_conv_3x3", "avg_pool_3x3"};

int nb201_code(const unsigned char ops[NB201_EDGES])
{
    int c = 0;
    for (int i = NB201_EDGES - 1; i >= 0; i--)
        c = c * NB201_OPS + ops[i];
    return c;
}

static int expect_at(struct err *e, const char *text, const char *p, const char *what)
{
    char where[48];
    snprintf(where, sizeof where, "character %d", (int)(p - text) + 1);
    if (!*p)
        return err_set(e, where, "expected %s, found the end of the text", what);
    return err_set(e, where, "expected %s, found '%.12s'", what, p);
}

int nb201_parse(const char *text, unsigned char ops[NB201_EDGES], struct err *e)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    int edge = 0;
    for (int node = 1; node <= 3; node++) {
        if (node > 1) {
            if (*p != '+')
                return expect_at(e, text, p, "'+' between nodes");
            p++;
        }
        if (*p != '|')
            return expect_at(e, text, p, "'|'");
        p++;
        for (int from = 0; from < node; from++) {
            int op = -1;
            size_t len = 0;
            for (int k = 0; k < NB201_OPS; k++) {
                size_t l = strlen(nb201_op_names[k]);
                if (strncmp(p, nb201_op_names[k], l) == 0 && p[l] == '~') {
                    op = k;
                    len = l;
                }
            }
            if (op < 0)
                return expect_at(e, text, p,
                                 "an operation (none, skip_connect, nor_conv_1x1, "
                                 "nor_conv_3x3, avg_pool_3x3) followed by '~'");
            p += len + 1;
            if (*p != '0' + from || isdigit((unsigned char)p[1])) {
                char what[64];
                snprintf(what, sizeof what, "input node '%d' (edge %d<-%d)", from, node, from);
                return expect_at(e, text, p, what);
            }
            p++;
            if (*p != '|')
                return expect_at(e, text, p, "'|'");
            p++;
            ops[edge++] = (unsigned char)op;
        }
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return expect_at(e, text, p, "the end of the architecture");
    return 0;
}

int nb201_format(const unsigned char ops[NB201_EDGES], char *buf, size_t n)
{
    const char *o[NB201_EDGES];
    for (int i = 0; i < NB201_EDGES; i++) {
        if (ops[i] >= NB201_OPS)
            return -1;
        o[i] = nb201_op_names[ops[i]];
    }
    int len = snprintf(buf, n, "|%s~0|+|%s~0|%s~1|+|%s~0|%s~1|%s~2|", o[0], o[1], o[2], o[3],
                       o[4], o[5]);
    return len < 0 || (size_t)len >= n ? -1 : len;
}
