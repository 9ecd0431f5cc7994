#include "listing.h"

#include <string.h>

#define VISITED_SHOWN 200 /* evaluated architectures listed to the Generator */
#define REJECTED_SHOWN 20

void listing_result(const struct state *st, const struct record *r, struct strbuf *t)
{
    strbuf_printf(t, "- %s", r->text);
    for (int i = 0; i < st->info.nmetrics; i++) {
        const struct metric_def *m = &st->info.metrics[i];
        /* never the reported metric: the search sees only the objective */
        if (m->role == METRIC_REPORT)
            continue;
        if (m->role == METRIC_COST && strcmp(m->name, "flops") && strcmp(m->name, "params"))
            continue;
        strbuf_printf(t, "  %s=%.4g%s", m->name, r->m[i], m->unit);
    }
    strbuf_printf(t, "\n");
}

/* Without it a Navigator whose batches were all invalid reads "start of
 * the search" and writes the same strategy again. */
int listing_rejected(const struct state *st, int from_iter, struct strbuf *t)
{
    int n = 0;
    for (int i = 0; i < st->ncands; i++) {
        const struct cand *c = &st->cands[i];
        if (c->status != CAND_REJECTED || c->reason == REJ_SURPLUS || c->iter < from_iter)
            continue;
        if (n++ == 0)
            strbuf_printf(t, "Rejected without evaluation:\n");
        if (n > REJECTED_SHOWN)
            continue;
        size_t l = strlen(c->text);
        strbuf_printf(t, "- %.*s%s: %s%s%s\n", (int)(l > 120 ? 120 : l), c->text,
                      l > 120 ? "..." : "", reject_reason_name(c->reason),
                      c->detail ? ": " : "", c->detail ? c->detail : "");
    }
    if (n > REJECTED_SHOWN)
        strbuf_printf(t, "... and %d more\n", n - REJECTED_SHOWN);
    return n;
}

/* Every veto, however old: unlike the evaluated ones, which the
 * Coordinator refuses anyway, a forgotten veto costs the person another
 * round of vetoing the same architectures. */
static void vetoed(const struct state *st, struct strbuf *t)
{
    int n = 0;
    for (int i = 0; i < st->ncands; i++) {
        const struct cand *c = &st->cands[i];
        struct arch a;
        /* the veto itself, not the Coordinator's refusals of a re-proposal */
        if (c->status != CAND_REJECTED || c->reason != REJ_VETOED || !st->decode ||
            st->decode(st->decode_ctx, c->text, &a, NULL) < 0 || state_vetoed(st, &a) != c->id)
            continue;
        if (n++ == 0)
            strbuf_printf(t, "Vetoed by the person steering the search (never propose these "
                             "either):\n");
        strbuf_printf(t, "%s\n", c->text);
    }
}

void listing_visited(const struct state *st, const struct space *s,
                     const struct cand_list *pending, struct strbuf *t)
{
    size_t start = t->len;
    /* the latest VISITED_SHOWN: the list would grow without end, and the
     * Coordinator refuses repeats anyway */
    size_t from = st->nrec > VISITED_SHOWN ? st->nrec - VISITED_SHOWN : 0;
    if (from)
        strbuf_printf(t, "(%zu earlier ones not listed)\n", from);
    for (size_t i = from; i < st->nrec; i++)
        strbuf_printf(t, "%s\n", st->rec[i].text);
    for (int i = 0; i < st->ncands; i++) /* being evaluated: visited too */
        if (st->cands[i].status == CAND_EVALUATING)
            strbuf_printf(t, "%s\n", st->cands[i].text);
    for (int i = 0; pending && i < pending->n; i++) {
        const struct cand_item *it = &pending->items[i];
        char buf[1024];
        /* what does not decode is no architecture: never "visited" */
        struct arch a;
        if (it->has_arch)
            a = it->arch;
        else if (!it->text || space_decode(s, it->text, &a, NULL) < 0)
            continue;
        if (space_encode(s, &a, buf, sizeof buf) >= 0)
            strbuf_printf(t, "%s\n", buf);
    }
    if (t->len == start)
        strbuf_printf(t, "none yet\n");
    vetoed(st, t);
}
