#include "headless.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void headless_init(struct headless *h, FILE *out, int json, int timestamps, int quiet)
{
    memset(h, 0, sizeof *h);
    h->out = out;
    h->json = json;
    h->timestamps = timestamps;
    h->quiet = quiet;
}

static double objective(const struct state *st, const struct record *r)
{
    return r->m[st->info.objective];
}

/* The line of the iteration that just ended: the reducer counted it. */
static void flush_iteration(struct headless *h, const struct state *st)
{
    const struct state_iter *it = &st->iter_done;
    if (it->iter == 0 || h->quiet)
        return;
    if (!h->header_done) {
        fprintf(h->out, "%5s %9s %4s %4s  %-10s %-10s %-10s  %s\n", "iter", "archs", "new", "rej",
                "batch", "best", "reported", "architecture (batch best)");
        h->header_done = 1;
    }
    const struct record *b = state_best(st);
    char evals[32], batch[16] = "-", best[16] = "-", rep[16] = "-";
    snprintf(evals, sizeof evals, "%d/%d", st->started, st->info.budget);
    const char *arch = "";
    if (it->best_rec >= 0) {
        const struct record *r = &st->rec[it->best_rec];
        snprintf(batch, sizeof batch, "%.2f", objective(st, r));
        arch = r->text;
    }
    if (b) {
        snprintf(best, sizeof best, "%.2f%s", objective(st, b), it->best_changed ? "*" : "");
        if (st->info.report >= 0)
            snprintf(rep, sizeof rep, "%.2f", b->m[st->info.report]);
    }
    fprintf(h->out, "%5d %9s %4d %4d  %-10s %-10s %-10s  %s\n", it->iter, evals, it->evals,
            it->rejected, batch, best, rep, arch);
    fflush(h->out);
}

void headless_on_event(void *ud, const struct event *ev, const struct state *st)
{
    struct headless *h = ud;
    if (h->json) {
        char *line = event_to_json(ev, st->info.nmetrics ? &st->info : NULL, h->timestamps);
        if (line) {
            fputs(line, h->out);
            fputc('\n', h->out);
            free(line);
        }
        if (ev->type == EV_SESSION_ENDED)
            fflush(h->out);
        return;
    }
    switch (ev->type) {
    case EV_ITERATION_STARTED:
    case EV_SESSION_ENDED:
        flush_iteration(h, st);
        break;
    case EV_STRATEGY_PROPOSED:
        if (h->strategies && !h->quiet)
            fprintf(h->out, "\n---- strategy for iteration %d, by %s ----\n%s\n----\n\n", ev->iter,
                    ev->by ? ev->by : "?", ev->text ? ev->text : "");
        break;
    /* what goes wrong with the agents is shown as it happens */
    case EV_LLM_RETRY:
        if (!h->quiet)
            fprintf(h->out, "  ! llm request %d: attempt %d in %.1f s after: %s\n", ev->req,
                    ev->attempt, ev->delay, ev->why ? ev->why : "");
        break;
    case EV_LLM_FAILED:
        if (!h->quiet)
            fprintf(h->out, "  ! llm request %d failed: %s\n", ev->req, ev->why ? ev->why : "");
        break;
    case EV_ANSWER_REJECTED:
        if (!h->quiet)
            fprintf(h->out, "  ! %s answer to request %d not usable: %s\n",
                    ev->role ? ev->role : "?", ev->req, ev->why ? ev->why : "");
        break;
    case EV_EVAL_FAILED: /* the reason is what a user needs to fix it */
        if (!h->quiet)
            fprintf(h->out, "  ! evaluation of #%d failed: %s\n", ev->id, ev->why ? ev->why : "");
        break;
    case EV_WORKER_LOG: /* its stderr, as a person running it by hand would see it */
        if (!h->quiet && ev->text)
            fprintf(h->out, "  worker %d: %s%s\n", ev->worker, ev->text,
                    ev->dropped ? " (after lines not recorded)" : "");
        else if (!h->quiet)
            fprintf(h->out, "  worker %d: %d more lines of stderr not recorded\n", ev->worker,
                    ev->dropped);
        break;
    case EV_PAUSED:
        fprintf(h->out, "  ! paused: %s\n", ev->why ? ev->why : "");
        break;
    default:
        break;
    }
}

static void print_metrics(FILE *f, const struct state *st, const double *m)
{
    const char *sep = "";
    for (int i = 0; i < st->info.nmetrics; i++) {
        const struct metric_def *d = &st->info.metrics[i];
        /* the headline metrics; latencies are in --json and `collm eval` */
        if (d->role == METRIC_COST && strcmp(d->name, "flops") && strcmp(d->name, "params"))
            continue;
        fprintf(f, "%s%s %.*f%s%s", sep, d->name, strcmp(d->name, "params") ? 2 : 3, m[i],
                d->unit[0] && strcmp(d->unit, "%") ? " " : "", d->unit);
        sep = "  ";
    }
}

void headless_summary(const struct headless *h, const struct state *st)
{
    FILE *f = h->out;
    const struct record *b = state_best(st);
    fprintf(f, "%s%s on %s, seed %llu", h->quiet ? "" : "\n", st->info.algo, st->info.space,
            (unsigned long long)st->info.seed);
    if (st->info.constraint && st->info.constraint[0])
        fprintf(f, ", constraint %s", st->info.constraint);
    if (st->ended)
        fprintf(f, ": ended (%s: %s)\n", end_reason_name(st->end), st->end_detail);
    else
        fprintf(f, ": did not end\n");
    if (!b) {
        fprintf(f, "no architecture was evaluated\n");
    } else {
        fprintf(f, "best       %s\n", b->text);
        fprintf(f, "           ");
        print_metrics(f, st, b->m);
        /* #id: the number the log and the TUI give it */
        fprintf(f, "\n           #%d, found at evaluation %d of %d\n", b->id,
                st->best_changed_at, st->started);
    }
    fprintf(f, "evaluated  %d of budget %d (distinct architectures)\n", st->started,
            st->info.budget);
    fprintf(f, "proposed   %d, rejected %d duplicate, %d invalid, %d over the constraint\n",
            st->proposed, st->rejected[REJ_DUPLICATE], st->rejected[REJ_INVALID],
            st->rejected[REJ_CONSTRAINT]);
    if (st->failed)
        fprintf(f, "failed     %d evaluations\n", st->failed);
    if (st->info.navigator && st->info.navigator[0]) {
        const char *nv = st->info.navigator, *gn = st->info.generator ? st->info.generator : "";
        fprintf(f, "agents     navigator %s%s, generator %s%s; %d strategies\n", nv,
                strncmp(nv, "llm:", 4) ? " (offline)" : "", gn,
                strncmp(gn, "llm:", 4) ? " (offline)" : "", st->strategies);
    }
    if (st->llm_requests) {
        char reasoning[48] = "";
        if (st->tokens_reasoning)
            snprintf(reasoning, sizeof reasoning, " (%ld reasoning)", st->tokens_reasoning);
        fprintf(f, "llm        %d requests, %d answers, %d failed, %d retries, %d answers not "
                   "usable; tokens %ld in, %ld out%s; %.1f s waiting\n",
                st->llm_requests, st->llm_answers, st->llm_failures, st->llm_retries,
                st->llm_rejected_answers, st->tokens_in, st->tokens_out, reasoning,
                st->llm_seconds);
    }
    if (st->front.n > 0 && st->front_cost >= 0)
        fprintf(f, "pareto     %zu architectures trade %s against %s\n", st->front.n,
                st->info.metrics[st->info.objective].name,
                st->info.metrics[st->front_cost].name);
}
