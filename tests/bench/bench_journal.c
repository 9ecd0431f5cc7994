/* make bench: the event codec against cJSON itself. Writes a session of
 * about 100,000 events in the mix an LLM-guided search leaves (strategies,
 * LLM requests with their whole conversation, answers, proposals, duplicate
 * rejections, evaluations), then times in the same run (a) cJSON alone
 * parsing every line, (b) reading the session one event at a time into the
 * reducer, as export and headless replay do, and (c) reading it whole and
 * then rebuilding the state, as the TUI's replay and resume do (they keep
 * every event: seeking and continuing need them). The ratios b/a and c/a
 * are the figures to compare across commits: they cancel the machine's
 * speed and load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "benchutil.h"
#include "../../engine/spaces/space.h"
#include "../../engine/core/state.h"
#include "../../sessions/journal.h"

#define REPEATS 5
#define ITERS 6667 /* 15 events each */
#define PER_ITER 8 /* candidates: 2 evaluated, 6 duplicates */

static int apply(void *ud, struct event *ev, struct err *e)
{
    return state_apply(ud, ev, e);
}

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "bench_journal: %s: %s: %s\n", what, e ? e->where : "", e ? e->msg : "");
    exit(1);
}

static void put(struct journal *j, struct event *ev, const struct session_info *info,
                uint64_t *seq)
{
    struct err e;
    ev->seq = ++*seq;
    ev->t = (double)*seq * 0.0137;
    if (journal_write(j, ev, info, &e) < 0)
        die("write", &e);
}

/* A line written as text: the one event kind whose C fields this program
 * must not name, so it builds against the codec before and after a change. */
static void put_reject(FILE *f, uint64_t *seq, int iter, int id, const char *arch, int of)
{
    ++*seq;
    fprintf(f, "{\"seq\":%llu,\"t\":%.4f,\"type\":\"candidate_rejected\",\"iter\":%d,\"id\":%d,"
            "\"arch\":\"%s\",\"reason\":\"duplicate\",\"detail\":\"the same as #%d\"}\n",
            (unsigned long long)*seq, (double)*seq * 0.0137, iter, id, arch, of);
}

static void filler(char *buf, size_t n, const char *head, int iter)
{
    size_t k = (size_t)snprintf(buf, n, "%s (iteration %d)\n", head, iter);
    for (int line = 0; k + 100 < n; line++)
        k += (size_t)snprintf(buf + k, n - k, "%d. op \"nor_conv_3x3\" on edge %d scored %.2f; "
                              "keep\tskip_connect away from the output\n",
                              line + 1, line % 6, 70.0 + line * 0.37);
}

static void write_session(const char *path, const struct space *sp)
{
    struct err e;
    struct journal_header h = {.version = 1, .program = "bench", .command = "search"};
    struct journal *j = journal_create(path, &h, &e);
    if (!j)
        die(path, &e);
    struct session_info info = {.version = 1, .program = "collm bench", .space = (char *)sp->id,
                                .algo = "collm", .seed = 7, .budget = ITERS * 2,
                                .constraint = "", .navigator = "llm:qwen3",
                                .generator = "llm:qwen3", .nmetrics = sp->nmetrics,
                                .objective = sp->objective, .report = sp->report};
    memcpy(info.metrics, sp->metrics, sizeof(struct metric_def) * (size_t)sp->nmetrics);
    uint64_t seq = 0;
    struct event ev = {.type = EV_SESSION_STARTED, .info = &info};
    put(j, &ev, NULL, &seq);

    static char system[2600], user[1800], answer[700], strategy[500];
    filler(system, sizeof system, "You are the navigator of an architecture search.", 0);
    FILE *raw = fopen(path, "a");
    if (!raw)
        die(path, NULL);
    setvbuf(raw, NULL, _IONBF, 0); /* lines interleave with the journal's own */
    int id = 0;
    size_t k = 0;
    for (int it = 1; it <= ITERS; it++) {
        ev = (struct event){.type = EV_ITERATION_STARTED, .iter = it};
        put(j, &ev, &info, &seq);
        filler(user, sizeof user, "Results so far", it);
        struct ev_msg msgs[2] = {{"system", system}, {"user", user}};
        ev = (struct event){.type = EV_LLM_REQUEST, .iter = it, .req = it, .role = "navigator",
                            .model = "qwen3", .nmsg = 2, .msgs = msgs};
        put(j, &ev, &info, &seq);
        filler(answer, sizeof answer, "```json\n{\"summary\": \"prefer convolutions\"}\n```", it);
        ev = (struct event){.type = EV_LLM_ANSWER, .iter = it, .req = it, .text = answer,
                            .finish = "stop", .tokens_in = 1400, .tokens_out = 220,
                            .latency = 2.25};
        put(j, &ev, &info, &seq);
        filler(strategy, sizeof strategy, "# SUMMARY\nconvolutions win", it);
        ev = (struct event){.type = EV_STRATEGY_PROPOSED, .iter = it, .by = "llm-navigator",
                            .text = strategy};
        put(j, &ev, &info, &seq);

        char texts[PER_ITER][256];
        struct ev_cand cands[PER_ITER];
        struct arch a;
        for (int c = 0; c < PER_ITER; c++) {
            space_nth(sp, c < 2 ? k + (size_t)c : (k ? k - 1 : 0), &a);
            space_encode(sp, &a, texts[c], sizeof texts[c]);
            cands[c] = (struct ev_cand){++id, texts[c]};
        }
        ev = (struct event){.type = EV_CANDIDATES_PROPOSED, .iter = it, .source = SRC_AGENT,
                            .by = "llm-generator", .ncand = PER_ITER, .cand = cands,
                            .pstate = "{\"round\":3,\"tabu\":[12,40,77]}"};
        put(j, &ev, &info, &seq);
        for (int c = 0; c < 2; c++) {
            ev = (struct event){.type = EV_EVAL_STARTED, .iter = it, .id = cands[c].id,
                                .arch = texts[c]};
            put(j, &ev, &info, &seq);
            ev.type = EV_EVAL_FINISHED;
            for (int m = 0; m < sp->nmetrics; m++)
                ev.metrics[m] = 60.0 + (double)((k * 7919 + (size_t)c * 104729 + (size_t)m) % 3000)
                                / 97.0;
            put(j, &ev, &info, &seq);
        }
        for (int c = 2; c < PER_ITER; c++)
            put_reject(raw, &seq, it, cands[c].id, texts[c], cands[0].id - 1);
        k += 2;
    }
    fclose(raw);
    if (journal_close(j, &e) < 0)
        die(path, &e);
}

int main(void)
{
    struct err e;
    struct space *sp = space_open("nb201:cifar10", NULL, &e);
    if (!sp)
        die("space", &e);
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-bench-journal-%d.jsonl", (int)getpid());
    unlink(path);
    write_session(path, sp);
    struct stat stt;
    stat(path, &stt);
    char *bytes = malloc((size_t)stt.st_size + 1);
    FILE *f = fopen(path, "rb");
    if (!bytes || !f || fread(bytes, 1, (size_t)stt.st_size, f) != (size_t)stt.st_size)
        die(path, NULL);
    fclose(f);
    bytes[stt.st_size] = '\0';

    double cjson_t[REPEATS], scan_t[REPEATS], load_t[REPEATS], ratio[REPEATS], kratio[REPEATS];
    int events = 0;
    for (int r = 0; r < REPEATS; r++) {
        /* (a) cJSON parsing every line, from memory: a floor for any loader */
        double t0 = bench_now();
        int lines = 0;
        for (char *p = bytes, *nl; *p; p = nl + 1) {
            nl = strchr(p, '\n');
            *nl = '\0';
            cJSON *o = cJSON_Parse(p);
            *nl = '\n';
            if (!o)
                die("cJSON_Parse", NULL);
            cJSON_Delete(o);
            lines++;
        }
        cjson_t[r] = bench_now() - t0;

        /* (b) one event at a time */
        t0 = bench_now();
        struct session ss;
        struct state st;
        state_init(&st, space_decode_ctx, sp, sp->front_cost);
        if (session_scan(path, &ss, apply, &st, &e) < 0)
            die("session_scan", &e);
        scan_t[r] = bench_now() - t0;
        if (lines != ss.events + 1 || st.nrec != (size_t)ITERS * 2)
            puts("(the streaming load lost lines or records)");
        state_free(&st);
        session_free(&ss);

        /* (c) every event kept */
        t0 = bench_now();
        if (session_read(path, &ss, &e) < 0)
            die("session_read", &e);
        state_init(&st, space_decode_ctx, sp, sp->front_cost);
        for (int i = 0; i < ss.n; i++)
            if (state_apply(&st, &ss.evs[i], &e) < 0)
                die("state_apply", &e);
        load_t[r] = bench_now() - t0;
        ratio[r] = scan_t[r] / cjson_t[r];
        kratio[r] = load_t[r] / cjson_t[r];
        events = ss.n;
        if (lines != ss.n + 1 || st.nrec != (size_t)ITERS * 2)
            puts("(the load lost lines or records)");
        state_free(&st);
        session_free(&ss);
    }
    double a = bench_median(cjson_t, REPEATS), b = bench_median(scan_t, REPEATS),
           c = bench_median(load_t, REPEATS);
    printf("\nevent codec: %d events, %.1f MB (median of %d runs)\n\n", events,
           stt.st_size / 1e6, REPEATS);
    printf("| what | seconds | MB/s | events/s |\n|---|---:|---:|---:|\n");
    printf("| (a) cJSON parses the lines | %.3f | %.0f | %.0f |\n", a, stt.st_size / 1e6 / a,
           events / a);
    printf("| (b) read + rebuild, an event at a time | %.3f | %.0f | %.0f |\n", b,
           stt.st_size / 1e6 / b, events / b);
    printf("| (c) read every event, keep them, rebuild | %.3f | %.0f | %.0f |\n", c,
           stt.st_size / 1e6 / c, events / c);
    printf("\nb/a: %.2f (goal: at most 2); c/a: %.2f (medians of the per-run ratios)\n",
           bench_median(ratio, REPEATS), bench_median(kratio, REPEATS));
    unlink(path);
    free(bytes);
    space_close(sp);
    return 0;
}
