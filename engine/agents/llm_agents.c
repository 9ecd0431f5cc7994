/* The LLM agents (DESIGN §1, §6). The Navigator keeps a conversation: a
 * system prompt with the task, then one user turn per iteration with the
 * latest results and one assistant turn with its strategy. The Generator
 * has no memory: each call is its system prompt plus one user message with
 * the strategy, the visited list and, on a second try, what was wrong with
 * the first. Every request, answer, retry and failure is an event. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/strbuf.h"
#include "../llm/llm.h"
#include "agent.h"
#include "context.h"
#include "listing.h"
#include "parse.h"
#include "prompt.h"

#define FORMAT_RETRIES 2 /* a Navigator answer without the sections is asked again */

/* "edge 1<-0: none, skip_connect, ..." one line per dimension */
static void dimensions(const struct space *s, struct strbuf *t)
{
    for (int d = 0; d < s->ndims; d++) {
        strbuf_printf(t, "- %s: ", s->dims[d].name);
        for (int c = 0; c < s->dims[d].nchoices; c++)
            strbuf_printf(t, "%s%s", c ? ", " : "", s->dims[d].choices[c]);
        strbuf_printf(t, "\n");
    }
}

static void constraint_words(const struct constraint *c, const struct space *s, char *buf,
                             size_t n)
{
    constraint_format(c, s->metrics, buf, n);
    if (!buf[0])
        snprintf(buf, n, "none");
}

/* ---- one conversation with the model ------------------------------------- */

struct call {
    struct llm_client *client;
    struct llm_params params;
    struct llm_limits lim;
    const struct state *st; /* the search's, as of the latest request */
    struct agent_host *host;
    const char *role; /* "navigator" or "generator" */
    uint64_t req;     /* in flight, 0 if none */
    long sent;        /* estimated tokens of the request in flight */
    int warned;       /* said once that the server dropped part of a prompt */
    void (*answered)(void *self, const struct llm_result *r);
    void *self;
};

static void warn(struct call *c, uint64_t req, const char *why)
{
    struct event ev = {.type = EV_LLM_WARNING, .req = (int)req, .role = (char *)c->role,
                       .why = (char *)why};
    c->host->emit(c->host->ud, &ev);
}

/* The session's spend against --max-llm-requests / --max-tokens-total:
 * a request past either is not sent. */
static int over_spend(const struct call *c, char *err, size_t errn)
{
    const struct state *st = c->st;
    if (!st)
        return 0;
    if (c->lim.max_requests > 0 && st->llm_requests >= c->lim.max_requests)
        return snprintf(err, errn, "the session has made its %d LLM requests "
                        "(--max-llm-requests)", c->lim.max_requests), 1;
    if (c->lim.max_tokens > 0 && st->tokens_in + st->tokens_out >= c->lim.max_tokens)
        return snprintf(err, errn, "the session has spent %ld of its %ld LLM tokens "
                        "(--max-tokens-total)", st->tokens_in + st->tokens_out,
                        c->lim.max_tokens), 1;
    return 0;
}

static void on_llm_retry(void *ud, uint64_t id, int attempt, double delay, const char *why)
{
    struct call *c = ud;
    struct event ev = {.type = EV_LLM_RETRY, .req = (int)id, .attempt = attempt, .delay = delay,
                       .why = (char *)why};
    c->host->emit(c->host->ud, &ev);
}

static void on_llm_done(void *ud, const struct llm_result *r)
{
    struct call *c = ud;
    c->req = 0;
    if (r->cancelled)
        return;
    /* Ollama drops the oldest turns past its window without a word: its
     * prompt_tokens then fall far below what was sent (our estimate runs
     * high, so only a large gap counts) */
    if (r->ok && !c->warned && r->tokens_in > 0 && c->sent > 2048 && r->tokens_in * 2 < c->sent) {
        char why[300];
        snprintf(why, sizeof why, "the server counted %ld prompt tokens for about %ld sent: it "
                 "probably cut the conversation to fit its context window (give "
                 "--context-window, or raise the server's, e.g. Ollama's num_ctx)", r->tokens_in,
                 c->sent);
        c->warned = 1;
        warn(c, r->id, why);
    }
    if (r->ok && r->usage_bad && r->usage_bad[0])
        warn(c, r->id, r->usage_bad);
    if (r->ok) {
        struct event ev = {.type = EV_LLM_ANSWER, .req = (int)r->id, .text = (char *)r->text,
                           .finish = (char *)r->finish, .tokens_in = r->tokens_in,
                           .tokens_out = r->tokens_out, .latency = r->latency,
                           .tokens_reasoning = r->tokens_reasoning,
                           .reasoning = r->reasoning && r->reasoning[0] ? (char *)r->reasoning
                                                                        : NULL};
        c->host->emit(c->host->ud, &ev);
    } else {
        struct event ev = {.type = EV_LLM_FAILED, .req = (int)r->id, .why = (char *)r->error,
                           .text = (char *)(r->raw ? r->raw : ""), .latency = r->latency,
                           .http_status = r->http_status};
        c->host->emit(c->host->ud, &ev);
    }
    c->answered(c->self, r);
}

static void on_llm_delta(void *ud, uint64_t id, const char *text, size_t len)
{
    (void)id;
    struct call *c = ud;
    if (c->host->stream)
        c->host->stream(c->host->ud, c->role, text, len);
}

/* Reasoning the server sends apart, for a screen to show as such. */
static void on_llm_thinking(void *ud, uint64_t id, const char *text, size_t len)
{
    (void)id;
    struct call *c = ud;
    char role[48];
    snprintf(role, sizeof role, "%s (thinking)", c->role);
    if (c->host->stream)
        c->host->stream(c->host->ud, role, text, len);
}

static int send_call(struct call *c, const struct llm_msg *msgs, int n, char *err, size_t errn)
{
    if (over_spend(c, err, errn))
        return -1;
    c->sent = 0;
    for (int i = 0; i < n; i++)
        c->sent += context_tokens(msgs[i].content);
    struct llm_callbacks cb = {.done = on_llm_done, .retry = on_llm_retry,
                               .delta = on_llm_delta, .ud = c, .thinking = on_llm_thinking};
    struct err e = {0};
    uint64_t id = llm_chat(c->client, &c->params, msgs, n, &cb, &e);
    if (!id) {
        err_str(&e, err, errn);
        return -1;
    }
    c->req = id;
    struct ev_msg *em = calloc((size_t)n, sizeof *em);
    for (int i = 0; em && i < n; i++)
        em[i] = (struct ev_msg){(char *)msgs[i].role, (char *)msgs[i].content};
    struct event ev = {.type = EV_LLM_REQUEST, .req = (int)id, .role = (char *)c->role,
                       .model = (char *)c->params.model, .nmsg = em ? n : 0, .msgs = em};
    c->host->emit(c->host->ud, &ev);
    free(em);
    return 0;
}

static void reject_answer(struct call *c, uint64_t req, const char *why, const char *text)
{
    struct event ev = {.type = EV_ANSWER_REJECTED, .req = (int)req, .role = (char *)c->role,
                       .why = (char *)why, .text = (char *)text};
    c->host->emit(c->host->ud, &ev);
}

/* An answer cut off by max_tokens is asked again with room to finish, not
 * with the same cap (which cuts it in the same place). The cap stays raised:
 * a model that writes long keeps doing so. */
#define MAX_TOKENS_CEIL 32768
static void grow_max_tokens(struct call *c, const struct llm_result *r)
{
    if (!r->finish || strcmp(r->finish, "length") != 0)
        return;
    long want = 2L * (c->params.max_tokens > 0 ? c->params.max_tokens : r->tokens_out);
    if (want < 1024)
        want = 1024;
    if (want > MAX_TOKENS_CEIL)
        want = MAX_TOKENS_CEIL;
    if (want > c->params.max_tokens)
        c->params.max_tokens = (int)want;
}

static void call_cancel(struct call *c)
{
    if (c->req)
        llm_cancel(c->client, c->req);
    c->req = 0;
}

/* ---- the Navigator --------------------------------------------------------- */

struct nav {
    struct call call;
    const struct space *sp;
    char *prompts;
    char *system;
    struct llm_msg *conv; /* user and assistant turns, owned strings */
    int nconv, capconv;
    char *turn;           /* the user turn waiting for its answer */
    int format_tries;
    int window;           /* the context window, 0 unknown (--context-window, a 400) */
    int context_tries;    /* resends of this turn after a context-exceeded 400 */
    int last_dropped;     /* turns dropped at the latest compaction said */
    strategy_fn done;
    void *ud;
};

static int conv_push(struct nav *n, const char *role, const char *content)
{
    if (n->nconv == n->capconv) {
        int cap = n->capconv ? n->capconv * 2 : 16;
        struct llm_msg *nc = realloc(n->conv, (size_t)cap * sizeof *nc);
        if (!nc)
            return -1;
        n->conv = nc;
        n->capconv = cap;
    }
    char *c = strdup(content);
    if (!c)
        return -1;
    n->conv[n->nconv++] = (struct llm_msg){role, c};
    return 0;
}

/* system + the conversation + this turn (+ a correction), the oldest turns
 * replaced by a results table when they would not fit the window */
static int nav_send(struct nav *n, const char *bad_answer, const char *correction, char *err,
                    size_t errn)
{
    struct strbuf table = {0}, turn = {0};
    struct context_fit fit;
    long extra = bad_answer ? context_tokens(bad_answer) + context_tokens(correction) : 0;
    int reserve = n->call.params.max_tokens > 0 ? n->call.params.max_tokens : 1024;
    context_fit(n->system, n->conv, n->nconv, n->turn, extra, n->window, reserve, n->call.st,
                &table, &fit);
    const char *this_turn = n->turn;
    if (fit.keep_from > 0) {
        strbuf_printf(&turn, "(The conversation was shortened to fit the context window: %d "
                             "earlier turns were left out.)\n%s\n%s", fit.keep_from,
                      strbuf_str(&table), n->turn);
        this_turn = strbuf_str(&turn);
        if (fit.keep_from != n->last_dropped) {
            struct event ev = {.type = EV_CONTEXT_COMPACTED, .role = "navigator",
                               .dropped = fit.keep_from, .rows = fit.rows, .window = n->window,
                               .est_before = fit.before, .est_after = fit.after};
            n->call.host->emit(n->call.host->ud, &ev);
            n->last_dropped = fit.keep_from;
        }
    }
    int total = n->nconv - fit.keep_from + 4;
    struct llm_msg *m = calloc((size_t)total, sizeof *m);
    if (!m) {
        strbuf_free(&table);
        strbuf_free(&turn);
        return snprintf(err, errn, "out of memory"), -1;
    }
    int k = 0;
    m[k++] = (struct llm_msg){"system", n->system};
    for (int i = fit.keep_from; i < n->nconv; i++)
        m[k++] = n->conv[i];
    m[k++] = (struct llm_msg){"user", this_turn};
    if (bad_answer) {
        m[k++] = (struct llm_msg){"assistant", bad_answer};
        m[k++] = (struct llm_msg){"user", correction};
    }
    int rc = send_call(&n->call, m, k, err, errn);
    free(m);
    strbuf_free(&table);
    strbuf_free(&turn);
    return rc;
}

static void nav_answered(void *self, const struct llm_result *r)
{
    struct nav *n = self;
    char why[1100];
    int named;
    if (!r->ok && r->http_status == 400 && context_exceeded(r->error, &named) &&
        n->context_tries++ < 2) {
        /* the server's window, or three quarters of what did not fit */
        int was = n->window;
        n->window = named > 0 ? named : (int)(n->call.sent * 3 / 4);
        if (was > 0 && n->window >= was)
            n->window = was * 3 / 4;
        n->last_dropped = -1; /* say the new compaction */
        char err[600];
        if (nav_send(n, NULL, NULL, err, sizeof err) == 0)
            return;
        n->done(n->ud, 0, NULL, NULL, err);
        return;
    }
    if (!r->ok) {
        n->done(n->ud, 0, NULL, NULL, r->error);
        return;
    }
    char *strategy = NULL;
    if (parse_strategy(r->text, r->finish, &strategy, why, sizeof why) == 0) {
        conv_push(n, "user", n->turn);
        conv_push(n, "assistant", strategy);
        n->done(n->ud, 1, strategy, n->turn, NULL);
        free(strategy);
        return;
    }
    reject_answer(&n->call, r->id, why, r->text);
    grow_max_tokens(&n->call, r);
    int cut = r->finish && strcmp(r->finish, "length") == 0;
    size_t rl;
    const char *prose = parse_answer_start(r->text, &rl);
    while (prose && isspace((unsigned char)*prose))
        prose++;
    if (!cut && n->format_tries >= 1 && prose && *prose) {
        /* asked again and still no sections: a strategy in prose is still a
         * strategy (the Generator reads prose); better than stopping */
        warn(&n->call, r->id, "the Navigator's answer has no recognisable sections even after "
                              "a re-ask: it is used as it stands");
        conv_push(n, "user", n->turn);
        conv_push(n, "assistant", prose);
        n->done(n->ud, 1, prose, n->turn, NULL);
        return;
    }
    if (n->format_tries++ < FORMAT_RETRIES) {
        char correction[1400], err[600];
        snprintf(correction, sizeof correction,
                 "Your answer could not be used: %s. Write the whole strategy again with the "
                 "sections # SUMMARY, # KEY PATTERNS and # NAVIGATION DIRECTIONS.", why);
        if (nav_send(n, r->text, correction, err, sizeof err) == 0)
            return;
        snprintf(why, sizeof why, "%s", err);
    }
    n->done(n->ud, 0, NULL, NULL, why);
}

static int nav_strategize(struct navigator *nv, const struct nav_input *in, strategy_fn done,
                          void *ud)
{
    struct nav *n = nv->impl;
    const struct state *st = in->st;
    const struct space *s = in->space;
    struct err e = {0};
    char cons[256], target[64], budget[32], evaluated[32], left[32], iter[32];
    constraint_words(in->cons, s, cons, sizeof cons);
    snprintf(target, sizeof target, st->info.has_target ? "%g" : "none", st->info.target);
    snprintf(budget, sizeof budget, "%d", st->info.budget);
    snprintf(evaluated, sizeof evaluated, "%zu", st->nrec);
    snprintf(left, sizeof left, "%d", in->budget_left);
    snprintf(iter, sizeof iter, "%d", in->iter);
    const char *objective = st->info.metrics[st->info.objective].help
                                ? st->info.metrics[st->info.objective].help
                                : st->info.metrics[st->info.objective].name;
    if (!n->system) {
        struct strbuf dims = {0};
        dimensions(s, &dims);
        struct prompt_var v[] = {
            {"space_description", s->description}, {"dimensions", strbuf_str(&dims)},
            {"objective", objective}, {"constraint", cons}, {"target", target},
            {"budget", budget},
        };
        n->system = prompt_render(n->prompts, s->family, "navigator.system", v, 6, &e);
        strbuf_free(&dims);
        if (!n->system) {
            char buf[800];
            done(ud, 0, NULL, NULL, err_str(&e, buf, sizeof buf));
            return 0;
        }
    }
    struct strbuf results = {0}, best = {0}, rejected = {0};
    const struct strategy_rec *prev = state_strategy(st);
    int nrej = prev ? listing_rejected(st, prev->iter, &rejected) : 0;
    if ((size_t)in->since >= st->nrec)
        strbuf_printf(&results, st->nrec || nrej ? "no new evaluations since the last strategy\n"
                                                 : "none yet: this is the start of the search\n");
    for (size_t i = (size_t)in->since; i < st->nrec; i++)
        listing_result(st, &st->rec[i], &results);
    if (nrej)
        strbuf_printf(&results, "%s", strbuf_str(&rejected));
    strbuf_free(&rejected);
    if (state_best(st))
        listing_result(st, state_best(st), &best);
    else
        strbuf_printf(&best, "none yet\n");
    struct prompt_var v[] = {
        {"iteration", iter}, {"evaluated", evaluated}, {"budget_left", left},
        {"best", strbuf_str(&best)}, {"results", strbuf_str(&results)}, {"objective", objective},
        {"constraint", cons},
    };
    free(n->turn);
    n->turn = prompt_render(n->prompts, s->family, "navigator.user", v, 7, &e);
    strbuf_free(&results);
    strbuf_free(&best);
    if (!n->turn) {
        char buf[800];
        done(ud, 0, NULL, NULL, err_str(&e, buf, sizeof buf));
        return 0;
    }
    n->done = done;
    n->ud = ud;
    n->format_tries = 0;
    n->context_tries = 0;
    n->call.st = st;
    char err[600];
    if (nav_send(n, NULL, NULL, err, sizeof err) < 0)
        done(ud, 0, NULL, NULL, err);
    return 0;
}

/* The conversation of a resumed session: every strategy an LLM wrote, with
 * the turn that asked for it. */
static int nav_restore(struct navigator *nv, const struct state *st, struct err *e)
{
    struct nav *n = nv->impl;
    if (st->context_window > 0)
        n->window = st->context_window; /* learnt from a server before the stop */
    for (int i = 0; i < st->strategies; i++) {
        const struct strategy_rec *r = &st->strats[i];
        if (!r->turn)
            continue;
        if (conv_push(n, "user", r->turn) < 0 || conv_push(n, "assistant", r->text) < 0)
            return err_set(e, "navigator", "out of memory");
    }
    return 0;
}

static void nav_cancel(struct navigator *nv)
{
    struct nav *n = nv->impl;
    call_cancel(&n->call);
}

static void nav_destroy(struct navigator *nv)
{
    struct nav *n = nv->impl;
    call_cancel(&n->call);
    for (int i = 0; i < n->nconv; i++)
        free((char *)n->conv[i].content);
    free(n->conv);
    free(n->turn);
    free(n->system);
    free(n->prompts);
    free((char *)n->call.params.model);
    free(n);
}

static const struct navigator_ops nav_ops = {.strategize = nav_strategize, .cancel = nav_cancel,
                                             .restore = nav_restore, .destroy = nav_destroy};

struct navigator *llm_navigator_new(const struct space *s, struct llm_client *client,
                                    const struct llm_params *p, const struct llm_limits *lim,
                                    const char *prompts_dir, struct err *e)
{
    struct navigator *nv = calloc(1, sizeof *nv);
    struct nav *n = calloc(1, sizeof *n);
    if (!nv || !n) {
        free(nv);
        free(n);
        return err_set(e, "navigator", "out of memory"), NULL;
    }
    n->sp = s;
    n->prompts = prompts_dir ? strdup(prompts_dir) : NULL;
    n->call = (struct call){.client = client, .params = *p, .host = &nv->host,
                            .role = "navigator", .answered = nav_answered, .self = n};
    if (lim)
        n->call.lim = *lim;
    n->window = n->call.lim.context_window;
    n->call.params.model = strdup(p->model ? p->model : "");
    nv->ops = &nav_ops;
    nv->impl = n;
    snprintf(nv->name, sizeof nv->name, "llm:%s", p->model ? p->model : "?");
    return nv;
}

/* ---- the Generator ----------------------------------------------------------- */

struct gen {
    struct call call;
    char *prompts;
    char *system;
    cands_fn done;
    void *ud;
    const struct space *space; /* of the request in flight: finds archs in prose */
    char *schema;              /* the answer's JSON Schema, for --structured json_schema */
};

/* {"candidates": [ARCH, ...]} with the space's schema of one architecture. */
static char *answer_schema(const struct space *s)
{
    char *arch = space_schema(s);
    cJSON *a = arch ? cJSON_Parse(arch) : NULL;
    free(arch);
    if (!a)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "object");
    cJSON *c = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "properties"), "candidates");
    cJSON_AddStringToObject(c, "type", "array");
    cJSON_AddItemToObject(c, "items", a);
    cJSON_AddNumberToObject(c, "minItems", 1);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "required"), cJSON_CreateString("candidates"));
    cJSON_AddBoolToObject(o, "additionalProperties", 0);
    char *t = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return t;
}

static void gen_answered(void *self, const struct llm_result *r)
{
    struct gen *g = self;
    if (!r->ok) {
        g->done(g->ud, -1, NULL, r->error);
        return;
    }
    struct cand_list out;
    cand_list_init(&out);
    char why[600];
    if (parse_candidates(r->text, r->finish, g->space, &out, why, sizeof why) < 0) {
        reject_answer(&g->call, r->id, why, r->text);
        grow_max_tokens(&g->call, r);
        g->done(g->ud, 0, NULL, why);
    } else {
        g->done(g->ud, 1, &out, NULL);
    }
    cand_list_free(&out);
}

static int gen_generate(struct generator *gn, const struct gen_input *in, cands_fn done,
                        void *ud)
{
    struct gen *g = gn->impl;
    const struct space *s = in->space;
    const struct state *st = in->st;
    struct err e = {0};
    char cons[256], count[32];
    constraint_words(in->cons, s, cons, sizeof cons);
    snprintf(count, sizeof count, "%d", in->count);
    if (!g->system) {
        struct strbuf dims = {0};
        dimensions(s, &dims);
        struct prompt_var v[] = {{"space_description", s->description},
                                 {"dimensions", strbuf_str(&dims)}, {"constraint", cons}};
        g->system = prompt_render(g->prompts, s->family, "generator.system", v, 3, &e);
        strbuf_free(&dims);
        if (!g->system) {
            char buf[800];
            done(ud, -1, NULL, err_str(&e, buf, sizeof buf));
            return 0;
        }
    }
    struct strbuf visited = {0}, reasons = {0};
    listing_visited(st, s, in->pending, &visited);
    if (in->reasons)
        strbuf_printf(&reasons, "Your previous answer had these problems:\n%s\n", in->reasons);
    struct prompt_var v[] = {{"strategy", in->strategy ? in->strategy : ""},
                             {"visited", strbuf_str(&visited)}, {"reasons", strbuf_str(&reasons)},
                             {"count", count}, {"constraint", cons}};
    char *user = prompt_render(g->prompts, s->family, "generator.user", v, 5, &e);
    strbuf_free(&visited);
    strbuf_free(&reasons);
    if (!user) {
        char buf[800];
        done(ud, -1, NULL, err_str(&e, buf, sizeof buf));
        return 0;
    }
    g->done = done;
    g->ud = ud;
    g->space = s;
    g->call.st = st;
    struct llm_msg m[2] = {{"system", g->system}, {"user", user}};
    char err[600];
    if (send_call(&g->call, m, 2, err, sizeof err) < 0)
        done(ud, -1, NULL, err);
    free(user);
    return 0;
}

static void gen_cancel(struct generator *gn)
{
    struct gen *g = gn->impl;
    call_cancel(&g->call);
}

static void gen_destroy(struct generator *gn)
{
    struct gen *g = gn->impl;
    call_cancel(&g->call);
    free(g->system);
    free(g->prompts);
    free(g->schema);
    free((char *)g->call.params.model);
    free(g);
}

static const struct generator_ops gen_ops = {.generate = gen_generate, .cancel = gen_cancel,
                                             .destroy = gen_destroy};

struct generator *llm_generator_new(const struct space *s, struct llm_client *client,
                                    const struct llm_params *p, const struct llm_limits *lim,
                                    const char *prompts_dir, struct err *e)
{
    (void)s;
    struct generator *gn = calloc(1, sizeof *gn);
    struct gen *g = calloc(1, sizeof *g);
    if (!gn || !g) {
        free(gn);
        free(g);
        return err_set(e, "generator", "out of memory"), NULL;
    }
    g->prompts = prompts_dir ? strdup(prompts_dir) : NULL;
    g->call = (struct call){.client = client, .params = *p, .host = &gn->host,
                            .role = "generator", .answered = gen_answered, .self = g};
    if (lim)
        g->call.lim = *lim;
    g->call.params.model = strdup(p->model ? p->model : "");
    g->call.params.json_mode = p->json_mode;
    if (p->json_mode == LLM_JSON_SCHEMA) {
        g->schema = answer_schema(s);
        g->call.params.json_schema = g->schema;
        if (!g->schema) /* a space without a schema: the JSON object mode */
            g->call.params.json_mode = LLM_JSON_OBJECT;
    }
    gn->ops = &gen_ops;
    gn->impl = g;
    snprintf(gn->name, sizeof gn->name, "llm:%s", p->model ? p->model : "?");
    return gn;
}
