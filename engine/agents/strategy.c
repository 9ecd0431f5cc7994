#include "strategy.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A preference beyond this many standard deviations says nothing more. */
#define WEIGHT_MAX 10.0

static int cmp_desc(const void *a, const void *b, const double *w)
{
    double x = w[*(const int *)a], y = w[*(const int *)b];
    return (x < y) - (x > y);
}

static const double *sort_w;
static int by_weight(const void *a, const void *b) { return cmp_desc(a, b, sort_w); }

void strategy_write_directions(const struct plan *p, const struct space *s, struct strbuf *out)
{
    strbuf_printf(out, "# NAVIGATION DIRECTIONS\n");
    for (int d = 0; d < s->ndims; d++) {
        const struct dim_def *dim = &s->dims[d];
        int order[PLAN_MAX_CHOICES], k = 0;
        for (int c = 0; c < dim->nchoices && c < PLAN_MAX_CHOICES; c++)
            order[k++] = c;
        sort_w = p->w[d];
        qsort(order, (size_t)k, sizeof order[0], by_weight);
        strbuf_printf(out, "## %s\n", dim->name);
        const char *labels[3] = {"prefer", "neutral", "avoid"};
        for (int g = 0; g < 3; g++) {
            int first = 1;
            for (int i = 0; i < k; i++) {
                double w = p->w[d][order[i]];
                int grp = w >= 0.25 ? 0 : w > -0.25 ? 1 : 2;
                if (grp != g)
                    continue;
                strbuf_printf(out, "%s%s %s (%+.2f)", first ? "" : ",", first ? labels[g] : "",
                    dim->choices[order[i]], w);
                first = 0;
            }
            if (!first)
                strbuf_printf(out, "\n");
        }
    }
    strbuf_printf(out, "## how to search\n");
    if (p->nanchors == 0) {
        strbuf_printf(out, "explore 100%%: sample every decision from the preferences above\n");
        return;
    }
    strbuf_printf(out, "exploit %d%%: change at most %d of the decisions of these anchors, "
                     "using the preferences above:\n", (int)(p->exploit * 100 + 0.5), p->radius);
    for (int i = 0; i < p->nanchors; i++) {
        char a[1024];
        if (space_encode(s, &p->anchors[i], a, sizeof a) >= 0)
            strbuf_printf(out, "- %s (%.2f)\n", a, p->anchor_value[i]);
    }
    strbuf_printf(out, "explore %d%%: sample every decision from the preferences above\n",
        100 - (int)(p->exploit * 100 + 0.5));
}

/* ---- reading a strategy back ----------------------------------------------- */

static int line_starts(const char *line, const char *word)
{
    while (*line == ' ' || *line == '\t' || *line == '-' || *line == '*')
        line++;
    size_t n = strlen(word);
    return strncasecmp(line, word, n) == 0;
}

static void squeeze(const char *from, const char *stop, char *out, size_t n)
{
    size_t j = 0;
    for (const char *p = from; *p && p != stop && *p != '\n' && j < n - 1; p++)
        if (!isspace((unsigned char)*p) && *p != '#' && *p != '*' && *p != '`' && *p != ':')
            out[j++] = (char)tolower((unsigned char)*p);
    out[j] = '\0';
}

/* What the paper calls the dimensions of a space, as the prefixes of our
 * per-slot names: a subsection "## Kernel Size" speaks for every "ks N".
 * A heading may stand for different dimensions in different spaces
 * ("## Layers": SPOS's blocks, AutoFormer's depth): the first row that
 * names some of this space's dimensions wins. */
static const struct {
    const char *heading, *prefix;
} groups[] = {
    {"kernelsize", "ks"},      {"kernelsizes", "ks"}, {"ks", "ks"},
    {"expansionratio", "e"},   {"expandratio", "e"},  {"expansionratios", "e"}, {"e", "e"},
    {"depth", "depth"},        {"depths", "depth"},   {"resolution", "resolution"},
    /* SPOS: the op of each block */
    {"operation", "layer"},    {"operations", "layer"}, {"op", "layer"}, {"ops", "layer"},
    {"blocks", "layer"},       {"layers", "layer"},
    /* AutoFormer: per-layer MLP ratio and heads, one depth, one width */
    {"mlpratio", "mlp"},       {"mlpratios", "mlp"},  {"mlp_ratio", "mlp"},
    {"heads", "heads"},        {"attentionheads", "heads"}, {"numheads", "heads"},
    {"num_heads", "heads"},    {"layers", "depth"},   {"embeddingdimension", "embeddim"},
    {"embed_dim", "embeddim"}, {"embedding", "embeddim"},
};

/* The dimensions a "## ..." header names: one by its name, case and spacing
 * aside ("edge 1<-0", "Edge 1 <- 0"), or a group ("## Kernel Size (ks)").
 * Sets in[d]; returns how many. */
static int header_dims(const char *h, const struct space *s, unsigned char *in)
{
    char a[128], b[128];
    squeeze(h, NULL, a, sizeof a);
    memset(in, 0, ARCH_MAX_DIMS);
    for (int d = 0; d < s->ndims; d++) {
        squeeze(s->dims[d].name, NULL, b, sizeof b);
        if (strcmp(a, b) == 0) {
            in[d] = 1;
            return 1;
        }
    }
    const char *paren = strchr(h, '(');
    squeeze(h, paren, a, sizeof a);
    int n = 0;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        if (strcmp(a, groups[g].heading) != 0)
            continue;
        size_t pl = strlen(groups[g].prefix);
        for (int d = 0; d < s->ndims; d++) {
            squeeze(s->dims[d].name, NULL, b, sizeof b);
            if (strncmp(b, groups[g].prefix, pl) == 0 &&
                (b[pl] == '\0' || isdigit((unsigned char)b[pl])))
                in[d] = 1, n++;
        }
        if (n)
            break;
    }
    return n;
}

/* Finds choice names in a line of one dimension's subsection, with an
 * optional "(+1.2)" after each; the default sign comes from the words
 * around it (prefer / avoid). */
static int read_prefs(const char *line, const char *end, const struct space *s, int d,
                      struct plan *p)
{
    int found = 0;
    double sign = 0;
    const struct dim_def *dim = &s->dims[d];
    for (const char *q = line; q < end; q++) {
        if (strncasecmp(q, "prefer", 6) == 0 || strncasecmp(q, "favo", 4) == 0 ||
            strncasecmp(q, "keep", 4) == 0 || strncasecmp(q, "use ", 4) == 0)
            sign = 1;
        else if (strncasecmp(q, "avoid", 5) == 0 || strncasecmp(q, "never", 5) == 0 ||
                 strncasecmp(q, "do not", 6) == 0 || strncasecmp(q, "don't", 5) == 0)
            sign = -1;
        else if (strncasecmp(q, "neutral", 7) == 0)
            sign = 0;
        /* the longest choice name that starts here, on a word boundary */
        int best = -1;
        size_t blen = 0;
        if (q > line && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
            continue;
        for (int c = 0; c < dim->nchoices && c < PLAN_MAX_CHOICES; c++) {
            size_t l = strlen(dim->choices[c]);
            if (l > blen && q + l <= end && strncmp(q, dim->choices[c], l) == 0 &&
                !(isalnum((unsigned char)q[l]) || q[l] == '_'))
                best = c, blen = l;
        }
        if (best < 0)
            continue;
        double w = sign;
        const char *r = q + blen;
        while (r < end && (*r == ' ' || *r == ':'))
            r++;
        if (r < end && *r == '(') {
            char *e2;
            double v = strtod(r + 1, &e2);
            /* bounded: the Generator draws by exp(w), and 1e999 is inf */
            if (e2 != r + 1 && isfinite(v))
                w = v < -WEIGHT_MAX ? -WEIGHT_MAX : v > WEIGHT_MAX ? WEIGHT_MAX : v;
        }
        p->w[d][best] = w;
        p->has[d][best] = 1;
        found++;
        q += blen - 1;
    }
    return found;
}

static int add_anchor(const char *t, size_t len, const struct space *s, struct plan *p)
{
    char tok[1024];
    len = len < sizeof tok - 1 ? len : sizeof tok - 1;
    memcpy(tok, t, len);
    tok[len] = '\0';
    struct arch a;
    if (len <= 2 || space_decode(s, tok, &a, NULL) < 0)
        return 0;
    for (int i = 0; i < p->nanchors; i++)
        if (arch_eq(&p->anchors[i], &a))
            return 0;
    p->anchors[p->nanchors] = a;
    p->anchor_value[p->nanchors] = 0;
    p->nanchors++;
    return 1;
}

/* Every token of the line that the space decodes is an anchor; so is a
 * bracketed list that it decodes (SPOS's "[2,1,0,...]", whose commas would
 * end a token). */
static int read_anchors(const char *line, const char *end, const struct space *s,
                        struct plan *p)
{
    int found = 0;
    const char *q = line;
    while (q < end && p->nanchors < PLAN_MAX_ANCHORS) {
        while (q < end && *q != '[' && (isspace((unsigned char)*q) || strchr("-*`'\",;()]", *q)))
            q++;
        if (q < end && *q == '[') {
            const char *close = memchr(q, ']', (size_t)(end - q));
            if (close && add_anchor(q, (size_t)(close + 1 - q), s, p)) {
                found++;
                q = close + 1;
            } else {
                q++;
            }
            continue;
        }
        const char *t = q;
        while (q < end && !isspace((unsigned char)*q) && !strchr("`'\",;()", *q))
            q++;
        if (q > t)
            found += add_anchor(t, (size_t)(q - t), s, p);
    }
    return found;
}

int strategy_parse(const char *text, const struct space *s, struct plan *p)
{
    memset(p, 0, sizeof *p);
    p->ndims = s->ndims;
    p->exploit = 0.5;
    p->radius = 2;
    int found = 0, ndims = 0;
    unsigned char in[ARCH_MAX_DIMS] = {0};
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        if (line[0] == '#') {
            ndims = header_dims(line, s, in);
        } else if (ndims > 0) {
            for (int d = 0; d < s->ndims; d++)
                if (in[d])
                    found += read_prefs(line, end, s, d, p);
        } else {
            const char *pct = NULL;
            if (line_starts(line, "exploit") && (pct = strchr(line, '%')) && pct < end) {
                const char *num = pct;
                while (num > line && (isdigit((unsigned char)num[-1]) || num[-1] == '.'))
                    num--;
                double v = atof(num);
                if (v >= 0 && v <= 100)
                    p->exploit = v / 100;
                /* more than every decision is every decision; the Generator
                 * loops over the changes, so 2000000000 must not get through */
                const char *most = strstr(line, "at most ");
                long r = most && most < end ? strtol(most + 8, NULL, 10) : 0;
                if (r > 0)
                    p->radius = r < s->ndims ? (int)r : s->ndims;
            }
            /* architectures named as examples to shun are not anchors */
            char low[512];
            size_t l = (size_t)(end - line) < sizeof low - 1 ? (size_t)(end - line) : sizeof low - 1;
            for (size_t i = 0; i < l; i++)
                low[i] = (char)tolower((unsigned char)line[i]);
            low[l] = '\0';
            if (!strstr(low, "avoid") && !strstr(low, "worst") && !strstr(low, "never"))
                found += read_anchors(line, end, s, p);
        }
        line = *end ? end + 1 : end;
    }
    return found;
}
