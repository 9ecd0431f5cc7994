/* The History's filter (issue 13): a line of terms separated by spaces, all
 * of which an evaluated architecture must pass. A term is
 *   a metric against a number, by its name or a prefix only that name has:
 *     "valid>91", "flops<=100" (< <= > >= = !=; = to the digits typed);
 *   one decision in the space's own words (space_term): "edge3<-0=sk";
 *   a key of the architecture's dict, or an element of its list:
 *     "r=28", "d[1]=4", "ks[0]!=7", "[3]=2";
 *   or else text that the long or the short form holds, whatever its case.
 * A term shaped like a comparison that names nothing is an error, never
 * silently text: the error says where, and lists the names there are. */
#ifndef COLLM_FILTER_H
#define COLLM_FILTER_H

#include "../core/state.h"
#include "space.h"

#define FILTER_TERMS 16

enum filter_op { FILTER_LT, FILTER_LE, FILTER_GT, FILTER_GE, FILTER_EQ, FILTER_NE };
enum filter_kind { FILTER_TEXT, FILTER_METRIC, FILTER_DECISION, FILTER_KEY };

struct filter_term {
    enum filter_kind kind;
    enum filter_op op;
    int metric;          /* FILTER_METRIC: its index */
    double num, tol;     /* the number; = and != hold within tol */
    int numeric;         /* FILTER_KEY: the value is a number (num) */
    int dim, choice;     /* FILTER_DECISION */
    int index;           /* FILTER_KEY: the list element, or -1 */
    char key[32];        /* FILTER_KEY ("" for a list) */
    char text[64];       /* FILTER_TEXT: what to find; FILTER_KEY: the value */
};

struct filter {
    int n;
    struct filter_term t[FILTER_TERMS];
};

/* What terms may name: the space, the session's metrics, and one metric
 * that must stay hidden (-1: none), the test accuracy of a live search. */
struct filter_ctx {
    const struct space *sp;
    const struct metric_def *metrics;
    int nmetrics;
    int hidden;
};

/* Parses `text` (NULL or blank: no terms, everything passes). -1 with e
 * (`where` "character N" of text) when a term is not understood; f is
 * then as it was. */
int filter_parse(struct filter *f, const char *text, const struct filter_ctx *c, struct err *e);
/* 1 if r passes every term. A text term also passes where `more` (may be
 * NULL) says the row shows the text elsewhere (a table's other cells). */
int filter_match(const struct filter *f, const struct space *sp, const struct record *r,
                 int (*more)(void *ud, const char *text), void *ud);

#endif
