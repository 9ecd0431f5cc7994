/* make bench: loading a session. Builds a real journal of more than 100,000
 * events (a search whose proposer also repeats itself, so duplicates are
 * rejected as in an LLM search), then times rebuilding the state from it
 * (read, parse, reduce) against merely reading its bytes, in the same run.
 * Medians of several runs; the ratio is what to compare across commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "../../engine/search/search.h"
#include "../../sessions/journal.h"

#define REPEATS 5

/* Every architecture in turn, each followed by three repeats of the last. */
static int propose(struct proposer *p, const struct propose_ctx *c, struct cand_list *out,
                   struct err *e)
{
    (void)e;
    size_t *k = p->impl;
    if (*k >= c->space->size)
        return 0;
    struct arch a, prev;
    space_nth(c->space, (*k)++, &a);
    cand_list_add_arch(out, &a);
    if (*k > 1) {
        space_nth(c->space, *k - 2, &prev);
        cand_list_add_arch(out, &prev);
        cand_list_add_arch(out, &prev);
        cand_list_add_arch(out, &prev);
    }
    return 0;
}

static const struct proposer_ops ops = {.propose = propose};

int main(void)
{
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    if (!sp) {
        fprintf(stderr, "bench: %s: %s\n", e.where, e.msg);
        return 1;
    }
    struct evaluator *ev = evaluator_open(sp, &e);
    size_t k = 0;
    struct proposer p = {.ops = &ops, .name = "sweep", .space = sp, .impl = &k};
    struct search_config cfg = {.algo = "sweep", .budget = (int)sp->size};
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-bench-%d.jsonl", (int)getpid());
    unlink(path);
    struct journal_header h = {.version = 1, .program = "bench"};
    struct journal *j = journal_create(path, &h, &e);
    struct search *s = search_new(&cfg, sp, ev, &p, &e);
    search_listen(s, journal_on_event, j);
    search_start(s);
    journal_close(j, &e);
    struct stat stt;
    stat(path, &stt);

    double bytes_t[REPEATS], load_t[REPEATS];
    int events = 0;
    char *buf = malloc(1 << 20);
    for (int r = 0; r < REPEATS; r++) {
        double t0 = bench_now();
        FILE *f = fopen(path, "rb");
        size_t total = 0, got;
        while ((got = fread(buf, 1, 1 << 20, f)) > 0)
            total += got;
        fclose(f);
        bytes_t[r] = bench_now() - t0;
        if (total != (size_t)stt.st_size)
            puts("(short read)");

        t0 = bench_now();
        struct session ss;
        if (session_read(path, &ss, &e) < 0) {
            fprintf(stderr, "bench: %s: %s\n", e.where, e.msg);
            return 1;
        }
        struct state st;
        state_init(&st, space_decode_ctx, sp, sp->front_cost);
        for (int i = 0; i < ss.n; i++)
            state_apply(&st, &ss.evs[i], &e);
        load_t[r] = bench_now() - t0;
        events = ss.n;
        if (st.nrec != sp->size)
            puts("(the rebuilt state lacks records)");
        state_free(&st);
        session_free(&ss);
    }
    double b = bench_median(bytes_t, REPEATS), l = bench_median(load_t, REPEATS);
    printf("\nsession load: %d events, %.1f MB (median of %d runs)\n\n", events,
           stt.st_size / 1e6, REPEATS);
    printf("| what | seconds | MB/s | events/s | x reading the bytes |\n|---|---:|---:|---:|---:|\n");
    printf("| read the bytes: baseline | %.4f | %.0f | | 1.0 |\n", b, stt.st_size / 1e6 / b);
    printf("| read, parse and rebuild the state | %.3f | %.0f | %.0f | %.1f |\n", l,
           stt.st_size / 1e6 / l, events / l, l / b);
    unlink(path);
    free(buf);
    search_free(s);
    evaluator_close(ev);
    space_close(sp);
    return 0;
}
