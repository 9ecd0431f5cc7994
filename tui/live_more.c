/* More budget and the offline agents, asked on the footer line. What the
 * person answers goes to the Coordinator (search_extend,
 * search_go_offline), which journals it; nothing here changes the state. */
#include "live_more.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static const struct state *state(const struct app *a)
{
    return search_state(a->live.s);
}

static int is_llm(const char *agent)
{
    return agent && strncmp(agent, "llm:", 4) == 0;
}

int live_more_llm_failing(const struct app *a)
{
    const struct state *st = state(a);
    return st->llm_failures > 0 && (is_llm(st->info.navigator) || is_llm(st->info.generator));
}

/* ---- b: the budget ------------------------------------------------------------------- */

static int digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static void budget_show(struct app *a, const char *text)
{
    const struct state *st = state(a);
    char hint[160];
    snprintf(hint, sizeof hint, "  (now %d, %d used; Enter %s, Esc not)", st->info.budget,
             st->started, st->ended ? "goes on" : "raises it");
    long n = text[0] ? strtol(text, NULL, 10) : 0;
    app_prompt_line(a, "budget", text[0] && n <= st->info.budget ? "it can only grow" : NULL,
                    hint);
}

static int budget_enter(struct app *a, const char *text)
{
    const struct state *st = state(a);
    int was_ended = st->ended;
    long n = strtol(text, NULL, 10);
    struct err e = {0};
    if (!text[0] || n > 100000000L) {
        app_prompt_line(a, "budget", "distinct evaluations, up to 100000000", NULL);
        return 0;
    }
    if (search_extend(a->live.s, (int)n, &e) < 0) {
        if (n <= st->info.budget) { /* stays open: a slip of the finger */
            app_prompt_line(a, "budget", e.msg, NULL);
            return 0;
        }
        app_note(a, "%s", e.msg);
        return 1;
    }
    app_note(a, "budget %ld: %s", n, was_ended ? "the search goes on" : "raised");
    return 1;
}

static const struct prompt_ops budget_prompt = {budget_show, budget_enter, NULL};

void live_more_budget(struct app *a)
{
    const struct state *st = state(a);
    if (st->ended && st->end == END_TARGET) {
        app_note(a, "the search reached its target: more budget would not take it further "
                    "(collm resume --target sets a higher one)");
        return;
    }
    if (search_error(a->live.s)[0]) {
        app_note(a, "the search stopped on an error: %s", search_error(a->live.s));
        return;
    }
    char text[16];
    int more = st->info.budget / 2; /* half as much again, as a start */
    snprintf(text, sizeof text, "%d", st->info.budget + (more > 0 ? more : 1));
    app_prompt(a, &budget_prompt, text, 10, digit);
    budget_show(a, a->ed.text);
}

/* ---- W: the offline agents ----------------------------------------------------------- */

static int role_of(const char *text)
{
    switch (text[0]) {
    case 'b': return PROPOSER_NAVIGATOR | PROPOSER_GENERATOR;
    case 'n': return PROPOSER_NAVIGATOR;
    case 'g': return PROPOSER_GENERATOR;
    default: return 0;
    }
}

static int letter(int ch)
{
    return ch >= 'a' && ch <= 'z';
}

static void offline_show(struct app *a, const char *text)
{
    app_prompt_line(a, "offline agents for", text[0] && !role_of(text) ? "b, n or g" : NULL,
                    "  (both, navigator, generator; Enter, Esc not)");
}

static int offline_enter(struct app *a, const char *text)
{
    int roles = role_of(text);
    if (!roles) {
        app_prompt_line(a, "offline agents for", "both, navigator or generator", NULL);
        return 0;
    }
    struct err e = {0};
    int n = search_go_offline(a->live.s, roles, &e);
    if (n < 0) {
        app_note(a, "%s", e.msg);
        return 1;
    }
    const struct state *st = state(a);
    app_note(a, "%s from now on%s",
             is_llm(st->info.navigator) ? "the offline Generator"
             : is_llm(st->info.generator) ? "the offline Navigator"
                                          : "the offline Navigator and Generator",
             st->paused ? "; p goes on" : "");
    return 1;
}

static const struct prompt_ops offline_prompt = {offline_show, offline_enter, NULL};

void live_more_offline(struct app *a)
{
    const struct state *st = state(a);
    if (st->ended) {
        app_note(a, "the search has ended");
        return;
    }
    if (!is_llm(st->info.navigator) && !is_llm(st->info.generator)) {
        app_note(a, "no LLM plays a role: the agents are offline already");
        return;
    }
    app_prompt(a, &offline_prompt, "both", 12, letter);
    offline_show(a, a->ed.text);
}
