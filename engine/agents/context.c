#include "context.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MSG_OVERHEAD 8 /* role and framing tokens per message */

long context_tokens(const char *text)
{
    return text ? (long)(strlen(text) + 2) / 3 + MSG_OVERHEAD : MSG_OVERHEAD;
}

static int by_value_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* One line per evaluated architecture, in evaluation order: what the search
 * sees (never the reported metric); when that is too long, the best half
 * and the latest half of fewer and fewer, until it fits in `max_tokens`. */
static int results_table(const struct state *st, long max_tokens, struct strbuf *out)
{
    int obj = st->info.objective;
    size_t n = st->nrec, keep = n;
    double *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return 0;
    for (size_t i = 0; i < n; i++)
        sorted[i] = st->rec[i].m[obj];
    qsort(sorted, n, sizeof *sorted, by_value_desc);
    size_t head = out->len;
    int rows;
    for (;;) {
        out->len = head;
        if (out->p)
            out->p[head] = '\0';
        strbuf_printf(out, "Every result so far (%zu evaluated; %s, then the costs):\n", n,
                      st->info.metrics[obj].name);
        double good = keep < n ? sorted[keep / 2 ? keep / 2 - 1 : 0] : -1e300;
        rows = 0;
        for (size_t i = 0; i < n; i++) {
            const struct record *r = &st->rec[i];
            if (keep < n && i + keep / 2 < n && r->m[obj] < good)
                continue;
            strbuf_printf(out, "- %s %.4g", r->text, r->m[obj]);
            for (int m = 0; m < st->info.nmetrics; m++)
                if (st->info.metrics[m].role == METRIC_COST &&
                    (!strcmp(st->info.metrics[m].name, "flops") ||
                     !strcmp(st->info.metrics[m].name, "params")))
                    strbuf_printf(out, " %s=%.4g", st->info.metrics[m].name, r->m[m]);
            strbuf_printf(out, "\n");
            rows++;
        }
        if ((size_t)rows < n)
            strbuf_printf(out, "(%zu more not shown: neither among the best nor the latest)\n",
                          n - (size_t)rows);
        if (context_tokens(strbuf_str(out)) <= max_tokens || keep <= 8)
            break;
        keep /= 2;
    }
    free(sorted);
    return rows;
}

void context_fit(const char *system, const struct llm_msg *conv, int nconv, const char *turn,
                 long extra, int window, int reserve, const struct state *st,
                 struct strbuf *table, struct context_fit *out)
{
    long fixed = context_tokens(system) + context_tokens(turn) + extra + reserve;
    long convt = 0;
    for (int i = 0; i < nconv; i++)
        convt += context_tokens(conv[i].content);
    *out = (struct context_fit){.before = fixed - reserve + convt};
    out->after = out->before;
    if (window <= 0 || fixed + convt <= window)
        return;
    out->rows = st->nrec ? results_table(st, window / 3, table) : 0;
    long have = fixed + context_tokens(strbuf_str(table));
    int k = 0;
    /* drop the oldest pairs until the rest fits (perhaps all of them) */
    while (k < nconv && have + convt > window) {
        convt -= context_tokens(conv[k].content);
        if (k + 1 < nconv)
            convt -= context_tokens(conv[k + 1].content);
        k += 2;
    }
    out->keep_from = k < nconv ? k : nconv;
    out->after = have - reserve + convt;
}

static int has_word(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    return 0;
}

int context_exceeded(const char *error, int *window)
{
    *window = 0;
    if (!error)
        return 0;
    static const char *const signs[] = {"context length", "context_length", "context window",
                                        "maximum context", "too many tokens", "prompt is too long",
                                        "exceeds the available context"};
    int hit = 0;
    for (size_t i = 0; i < sizeof signs / sizeof signs[0] && !hit; i++)
        hit = has_word(error, signs[i]);
    if (!hit)
        return 0;
    /* "maximum context length is 32768 tokens", "context window of 8192" */
    for (const char *p = error; *p; p++)
        if (isdigit((unsigned char)*p) && (p == error || !isdigit((unsigned char)p[-1]))) {
            long v = strtol(p, NULL, 10);
            const char *after = p;
            while (isdigit((unsigned char)*after))
                after++;
            while (*after == ' ')
                after++;
            if (v >= 256 && v <= 10000000 && strncasecmp(after, "token", 5) == 0) {
                *window = (int)v;
                break;
            }
        }
    return 1;
}
