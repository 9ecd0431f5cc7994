/* The CoLLM-NAS proposer (DESIGN §1): each iteration the Navigator turns the
 * results so far into a strategy, then the Generator turns the strategy into
 * candidates. Candidates that are invalid, already visited, repeated or over
 * the constraint are counted with their exact reasons, and the Generator is
 * asked again with those reasons a bounded number of times. Agents may
 * answer at once (offline) or later (LLMs); both paths end in one batch. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../agents/agent.h"
#include "search.h"

#define DEFAULT_BATCH 10
#define MAX_REGENERATE 2
#define REASONS_MAX 4096
#define IDLE_PAUSE 3 /* idle iterations in a row that pause an LLM-guided search */

struct impl {
    struct navigator *nav;
    struct generator *gen;
    int batch;

    /* the iteration in flight */
    struct propose_ctx ctx;
    int since;         /* records before this index were seen by the last strategy */
    int want, valid, attempts;
    char *strategy;
    char *pending_strategy; /* resumed: a strategy written but never used */
    struct cand_list out;
    char reasons[REASONS_MAX];
    int in_call, finished, failed, cancelled;
    char error[512];
};

static void emit_host(void *ud, struct event *ev)
{
    struct proposer *p = ud;
    if (p->owner)
        search_emit(p->owner, ev);
}

static void stream_host(void *ud, const char *role, const char *text, size_t len)
{
    struct proposer *p = ud;
    if (p->owner)
        search_stream(p->owner, role, text, len);
}

static void finish(struct proposer *p)
{
    struct impl *im = p->impl;
    im->finished = 1;
    if (im->in_call || im->cancelled)
        return; /* propose() hands the batch over itself */
    if (im->failed)
        search_proposal_failed(p->owner, im->error);
    else
        search_deliver(p->owner, &im->out);
}

static void fail(struct proposer *p, const char *why)
{
    struct impl *im = p->impl;
    im->failed = 1;
    snprintf(im->error, sizeof im->error, "%s", why);
    finish(p);
}

static void reason(struct impl *im, const char *fmt, const char *a, const char *b)
{
    size_t off = strlen(im->reasons);
    if (off < sizeof im->reasons - 1)
        snprintf(im->reasons + off, sizeof im->reasons - off, fmt, a, b);
}

/* Counts the new valid candidates of the latest answer, noting why the
 * others are no good, in words the Generator can act on. */
static void screen(struct proposer *p, int from)
{
    struct impl *im = p->impl;
    const struct space *sp = im->ctx.space;
    for (int i = from; i < im->out.n; i++) {
        struct cand_item *it = &im->out.items[i];
        struct arch a;
        struct err e = {0};
        char text[1024], why[700];
        snprintf(text, sizeof text, "%s", it->text ? it->text : "");
        if (it->has_arch) {
            a = it->arch;
            space_encode(sp, &a, text, sizeof text);
        } else if (space_decode(sp, it->text, &a, &e) < 0) {
            reason(im, "- %s is not valid: %s\n", text, err_str(&e, why, sizeof why));
            continue;
        }
        int repeated = 0;
        for (int j = 0; j < i && !repeated; j++) {
            struct arch b;
            const struct cand_item *o = &im->out.items[j];
            repeated = (o->has_arch && arch_eq(&o->arch, &a)) ||
                       (!o->has_arch && space_decode(sp, o->text, &b, NULL) == 0 &&
                        arch_eq(&b, &a));
        }
        if (repeated) {
            reason(im, "- %s was proposed twice%s\n", text, "");
            continue;
        }
        if (state_has_visited(im->ctx.st, &a)) {
            reason(im, "- %s was already evaluated%s\n", text, "");
            continue;
        }
        if (state_vetoed(im->ctx.st, &a)) {
            reason(im, "- %s was vetoed by the person steering%s\n", text, "");
            continue;
        }
        double m[METRIC_MAX] = {0};
        int bad = space_cost(sp, &a, m, &e) < 0 ? -2 : constraint_violated(im->ctx.cons, m);
        if (bad >= 0) {
            constraint_explain(im->ctx.cons, bad, sp->metrics, m, why, sizeof why);
            reason(im, "- %s breaks the constraint: %s\n", text, why);
            continue;
        }
        im->valid++;
    }
}

static void on_candidates(void *ud, int ok, struct cand_list *cands, const char *error);

static void ask_generator(struct proposer *p)
{
    struct impl *im = p->impl;
    struct gen_input in = {
        .st = im->ctx.st, .space = im->ctx.space, .cons = im->ctx.cons,
        .strategy = im->strategy, .count = im->want - im->valid,
        .reasons = im->reasons[0] ? im->reasons : NULL, .pending = &im->out,
    };
    im->attempts++;
    im->gen->ops->generate(im->gen, &in, on_candidates, p);
}

static void on_candidates(void *ud, int ok, struct cand_list *cands, const char *error)
{
    struct proposer *p = ud;
    struct impl *im = p->impl;
    if (im->cancelled)
        return;
    if (ok <= 0) {
        /* an unusable answer: try again while attempts last; a failed
         * endpoint was already retried by the client */
        if (ok == 0 && im->attempts <= MAX_REGENERATE) {
            reason(im, "- your last answer could not be used: %s%s\n", error ? error : "?", "");
            ask_generator(p);
        } else if (im->out.n > 0) {
            finish(p); /* go on with what we have */
        } else {
            char why[600];
            snprintf(why, sizeof why, "the Generator gave no usable candidates: %s",
                     error ? error : "no reason given");
            fail(p, why);
        }
        return;
    }
    int from = im->out.n;
    for (int i = 0; cands && i < cands->n; i++) {
        const struct cand_item *it = &cands->items[i];
        if (it->has_arch)
            cand_list_add_arch(&im->out, &it->arch);
        else
            cand_list_add_text(&im->out, it->text ? it->text : "");
    }
    im->reasons[0] = '\0';
    screen(p, from);
    if (im->valid < im->want && im->attempts <= MAX_REGENERATE && !(cands && cands->n == 0 &&
                                                                     im->nav->offline)) {
        ask_generator(p);
        return;
    }
    finish(p);
}

/* Under the strategy review a person reads the strategy first: that it
 * waits is an event, so replay and resume know it. */
static void review_or_generate(struct proposer *p)
{
    if (review_holds(search_review(p->owner), 1)) {
        struct event ev = {.type = EV_STRATEGY_WAITING};
        search_emit(p->owner, &ev);
        return;
    }
    ask_generator(p);
}

static void on_strategy(void *ud, int ok, const char *strategy, const char *turn,
                        const char *error)
{
    struct proposer *p = ud;
    struct impl *im = p->impl;
    if (im->cancelled)
        return;
    if (!ok) {
        char why[600];
        snprintf(why, sizeof why, "the Navigator failed: %s", error ? error : "no reason given");
        fail(p, why);
        return;
    }
    free(im->strategy);
    im->strategy = strdup(strategy);
    struct event ev = {.type = EV_STRATEGY_PROPOSED, .by = im->nav->name,
                       .text = (char *)strategy, .prompt = (char *)turn};
    search_emit(p->owner, &ev);
    review_or_generate(p);
}

/* The search calls it once the strategy waited (search_approve_strategy). */
static void approve_strategy(struct proposer *p, const char *text)
{
    struct impl *im = p->impl;
    if (text) {
        free(im->strategy);
        im->strategy = strdup(text);
    }
    ask_generator(p);
}

static int propose(struct proposer *p, const struct propose_ctx *ctx, struct cand_list *out,
                   struct err *e)
{
    struct impl *im = p->impl;
    im->ctx = *ctx;
    im->want = ctx->want < im->batch ? ctx->want : im->batch;
    im->valid = im->attempts = im->finished = im->failed = im->cancelled = 0;
    im->reasons[0] = im->error[0] = '\0';
    cand_list_clear(&im->out);
    struct nav_input in = {.st = ctx->st, .space = ctx->space, .cons = ctx->cons,
                           .iter = ctx->st->iter, .since = im->since,
                           .budget_left = ctx->want};
    im->since = (int)ctx->st->nrec;
    im->in_call = 1;
    if (im->pending_strategy) {
        /* the process died after the Navigator answered: go on from there */
        free(im->strategy);
        im->strategy = im->pending_strategy;
        im->pending_strategy = NULL;
        review_or_generate(p); /* one a person had not read yet still waits */
    } else {
        im->nav->ops->strategize(im->nav, &in, on_strategy, p);
    }
    im->in_call = 0;
    if (!im->finished)
        return 1; /* an agent answers later: finish() delivers */
    if (im->failed)
        return err_set(e, "collm", "%s", im->error);
    /* hand the batch over: the Coordinator screens it again and says why */
    struct cand_list tmp = *out;
    *out = im->out;
    im->out = tmp;
    return 0;
}

static void cancel(struct proposer *p)
{
    struct impl *im = p->impl;
    im->cancelled = 1;
    if (im->nav->ops->cancel)
        im->nav->ops->cancel(im->nav);
    if (im->gen->ops->cancel)
        im->gen->ops->cancel(im->gen);
}

/* The Navigator's conversation, and a strategy of the current iteration
 * that no candidates came from yet (the process died in between). */
static int restore_agents(struct proposer *p, const struct state *st, struct err *e)
{
    struct impl *im = p->impl;
    const struct strategy_rec *last = state_strategy(st);
    free(im->pending_strategy);
    im->pending_strategy = NULL;
    if (last && last->iter == st->iter && st->proposed_iter < st->iter &&
        !(im->pending_strategy = strdup(last->text)))
        return err_set(e, "collm", "out of memory");
    if (im->nav->ops->restore)
        return im->nav->ops->restore(im->nav, st, e);
    return 0;
}

/* Sessions written before LLM agents were seeded hold all zeros for them.
 * An LLM agent never draws, so it keeps its own stream; an offline agent
 * taking its place would draw 0 for ever, so that is refused. */
static int load_stream(struct rng *r, const char *text, int offline)
{
    if (rng_load(r, text) == 0)
        return 0;
    return !offline && strspn(text, "0") == 64 ? 0 : -1;
}

/* "NAVRNG GENRNG SINCE" */
static char *save(struct proposer *p)
{
    struct impl *im = p->impl;
    char nav[65], gen[65];
    rng_save(&im->nav->rng, nav);
    rng_save(&im->gen->rng, gen);
    char *out = malloc(160);
    if (out)
        snprintf(out, 160, "%s %s %d", nav, gen, im->since);
    return out;
}

static int restore(struct proposer *p, const char *saved, const struct state *st, struct err *e)
{
    struct impl *im = p->impl;
    if (!saved)
        return restore_agents(p, st, e); /* nothing proposed yet */
    if (strlen(saved) < 131)
        return err_set(e, "collm", "the recorded agent state is damaged");
    int bad_nav = load_stream(&im->nav->rng, saved, im->nav->offline) < 0;
    if (bad_nav || load_stream(&im->gen->rng, saved + 65, im->gen->offline) < 0)
        return err_set(e, "candidates_proposed \"state\"",
                       "the %s's recorded random state is damaged or all zeros (an LLM "
                       "agent's that was never seeded), and an offline agent cannot draw "
                       "from it; resume with the agents the session recorded",
                       bad_nav ? "Navigator" : "Generator");
    im->since = atoi(saved + 130);
    return restore_agents(p, st, e);
}

static void destroy(struct proposer *p)
{
    struct impl *im = p->impl;
    navigator_free(im->nav);
    generator_free(im->gen);
    free(im->strategy);
    free(im->pending_strategy);
    cand_list_free(&im->out);
    free(im);
}

/* What an agent's flags make of the proposer: how it paces itself. */
static void tune(struct proposer *p)
{
    struct impl *im = p->impl;
    const struct collm_opts *o = p->opts;
    snprintf(p->navigator, sizeof p->navigator, "%s", im->nav->name);
    snprintf(p->generator, sizeof p->generator, "%s", im->gen->name);
    /* pipelining hides an LLM's latency; offline agents answer at once, and
     * proposing early would only hide results from them */
    p->pipelined = o->pipeline && !(im->nav->offline && im->gen->offline);
    /* LLM agents cost money per request: a few iterations that bring
     * nothing new pause the search with the reason (issue 11) */
    p->idle_pause = !(im->nav->offline && im->gen->offline) ? IDLE_PAUSE : 0;
}

/* The offline agents take over from LLM ones. Each new agent draws from
 * the stream of the one it replaces, which an LLM agent never drew from:
 * that is what a resumed search with the offline agents restores from the
 * recorded state, so both go on alike. */
static int go_offline(struct proposer *p, int roles, const struct state *st, struct err *e)
{
    struct impl *im = p->impl;
    const struct collm_opts *o = p->opts;
    struct navigator *nav = NULL;
    struct generator *gen = NULL;
    if ((roles & PROPOSER_NAVIGATOR) && !im->nav->offline &&
        !(nav = offline_navigator_new(p->space, 0, o->prior)))
        return err_set(e, "collm", "out of memory");
    if ((roles & PROPOSER_GENERATOR) && !im->gen->offline &&
        !(gen = offline_generator_new(p->space, 0))) {
        navigator_free(nav);
        return err_set(e, "collm", "out of memory");
    }
    /* a strategy of this iteration that no candidates came from yet is
     * used, as restore_agents has a resumed search use it */
    const struct strategy_rec *last = state_strategy(st);
    if ((nav || gen) && last && last->iter == st->iter && st->proposed_iter < st->iter) {
        char *keep = strdup(last->text);
        if (!keep) {
            navigator_free(nav);
            generator_free(gen);
            return err_set(e, "collm", "out of memory");
        }
        free(im->pending_strategy);
        im->pending_strategy = keep;
    }
    if (nav) {
        nav->rng = im->nav->rng;
        nav->host = im->nav->host;
        navigator_free(im->nav);
        im->nav = nav;
    }
    if (gen) {
        gen->rng = im->gen->rng;
        gen->host = im->gen->host;
        generator_free(im->gen);
        im->gen = gen;
    }
    tune(p);
    return 0;
}

static const struct proposer_ops ops = {.propose = propose, .cancel = cancel,
                                        .approve_strategy = approve_strategy, .save = save,
                                        .restore = restore, .destroy = destroy,
                                        .go_offline = go_offline};

/* Takes over nav and gen. */
struct proposer *collm_with_agents(struct proposer *p, struct navigator *nav,
                                   struct generator *gen, struct err *e)
{
    struct impl *im = calloc(1, sizeof *im);
    if (!im || !nav || !gen) {
        free(im);
        navigator_free(nav);
        generator_free(gen);
        return err_set(e, "collm", "out of memory"), NULL;
    }
    im->nav = nav;
    im->gen = gen;
    /* An LLM agent draws nothing itself, but its stream is saved with the
     * session and an offline agent resumed in its place draws from it: seed
     * it as collm_open seeds the offline pair. */
    struct rng r = p->rng;
    uint64_t nav_seed = rng_next(&r), gen_seed = rng_next(&r);
    if (!nav->offline)
        rng_seed(&nav->rng, nav_seed);
    if (!gen->offline)
        rng_seed(&gen->rng, gen_seed);
    nav->host = gen->host = (struct agent_host){.emit = emit_host, .stream = stream_host,
                                                .ud = p};
    const struct collm_opts *o = p->opts;
    im->batch = o->batch > 0 ? o->batch : DEFAULT_BATCH;
    p->impl = im;
    p->ops = &ops;
    p->source = SRC_AGENT;
    tune(p);
    return p;
}

static struct proposer *collm_open(struct proposer *p, struct err *e)
{
    const struct collm_opts *o = p->opts;
    if (o->batch < 0)
        return err_usage(e, "--batch", "must be at least 1"), NULL;
    if (o->pipeline != 0 && o->pipeline != 1)
        return err_usage(e, "--pipeline", "expected 0 or 1"), NULL;
    if (o->prior < 0 || o->prior > 1)
        return err_usage(e, "--prior", "must be between 0 and 1"), NULL;
    struct rng r = p->rng;
    uint64_t nav_seed = rng_next(&r), gen_seed = rng_next(&r);
    return collm_with_agents(p, offline_navigator_new(p->space, nav_seed, o->prior),
                             offline_generator_new(p->space, gen_seed), e);
}

static const struct algo_opt options[] = {
    {"batch", ALGO_INT, offsetof(struct collm_opts, batch), DEFAULT_BATCH, "N",
     "candidates per iteration"},
    {"prior", ALGO_DOUBLE, offsetof(struct collm_opts, prior), 1.0, "W",
     "offline Navigator: weight of the space's prior knowledge, 0 to 1"},
    {"pipeline", ALGO_INT, offsetof(struct collm_opts, pipeline), 1, "0|1",
     "1: ask for the next strategy while a batch is evaluated (hides the LLM's latency); "
     "0: one after the other, as the paper runs them"},
    {0},
};

const struct algo_kind collm_algo = {
    "collm", "CoLLM-NAS: a Navigator writes strategy, a Generator writes candidates "
             "(offline agents unless an LLM is configured)", collm_open, options,
    sizeof(struct collm_opts), NULL,
};
