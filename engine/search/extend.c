/* More budget, and other agents, for a search under way or ended in this
 * process (a person at the TUI), journalled so that replay and resume go
 * the same way: an ended search goes on exactly as `collm resume --budget`
 * takes it up (SESSION_RESUMED, what was queued screened again), a running
 * one has its budget raised (BUDGET_RAISED), and an LLM agent that keeps
 * failing gives way to the offline one (AGENT_SWITCHED). */
#include <stdio.h>
#include <string.h>

#include "search_int.h"

void search_go_on(struct search *s, int budget, const char *why)
{
    s->cfg.budget = budget;
    s->started = 1;
    s->stopping = 0; /* an end in this process left these set */
    s->stop_detail[0] = '\0';
    s->eq.qlen = 0;  /* what waited is screened again from the state, below */
    struct event ev = {.type = EV_SESSION_RESUMED, .budget = budget, .why = (char *)why};
    search_emit(s, &ev);
    /* Candidates without a fate: accepted but never finished, or not yet
     * screened when the process died. Screened (again), in their order, as
     * the uninterrupted run did; the rejections it would have written are
     * written now. */
    struct archset seen;
    archset_init(&seen);
    for (int i = 0; i < s->st.ncands; i++)
        if (s->st.cands[i].status == CAND_QUEUED)
            search_screen_one(s, s->st.cands[i].id, s->st.cands[i].text, NULL, &seen, 1);
    archset_free(&seen);
    /* a target the recorded search had reached still holds */
    const struct record *b = state_best(&s->st);
    if (s->cfg.has_target && b && b->m[s->space->objective] >= s->cfg.target && !s->stopping) {
        s->stopping = 1;
        s->stop_reason = END_TARGET;
        snprintf(s->stop_detail, sizeof s->stop_detail, "%s %g >= target %g",
                 s->space->metrics[s->space->objective].name, b->m[s->space->objective],
                 s->cfg.target);
    }
    search_pump(s);
}

int search_extend(struct search *s, int budget, struct err *e)
{
    const struct state *st = &s->st;
    if (!s->started)
        return err_usage(e, "budget", "the search has not started");
    if (budget <= st->info.budget)
        return err_usage(e, "budget", "the budget is %d; it can grow, not shrink",
                         st->info.budget);
    if (s->error[0])
        return err_usage(e, "budget", "the search stopped on an error: %s", s->error);
    if (st->ended && st->end == END_TARGET)
        return err_usage(e, "budget", "the search reached its target (%g), which a larger "
                         "budget leaves reached: collm resume --target sets a higher one",
                         s->cfg.target);
    if (st->ended) {
        search_go_on(s, budget, "extended");
        return s->error[0] ? err_set(e, "budget", "%s", s->error) : 0;
    }
    if (s->stopping)
        return err_usage(e, "budget", "the search is stopping");
    struct event ev = {.type = EV_BUDGET_RAISED, .budget = budget};
    search_emit(s, &ev);
    s->cfg.budget = budget;
    search_pump(s);
    return 0;
}

static int is_llm(const char *agent)
{
    return strncmp(agent, "llm:", 4) == 0;
}

int search_go_offline(struct search *s, int roles, struct err *e)
{
    struct proposer *p = s->prop;
    if (s->st.ended || s->stopping)
        return err_usage(e, "", "the search has ended");
    if (!p->ops->go_offline)
        return err_usage(e, "", "%s has no agents to switch (only --algo collm has)", p->name);
    int nav = (roles & PROPOSER_NAVIGATOR) && is_llm(p->navigator);
    int gen = (roles & PROPOSER_GENERATOR) && is_llm(p->generator);
    if (!nav && !gen)
        return err_usage(e, "", "%s offline already",
                         roles == PROPOSER_NAVIGATOR ? "the Navigator is"
                         : roles == PROPOSER_GENERATOR ? "the Generator is" : "both agents are");
    if (s->awaiting_proposal) /* its answer, or its failure, is on its way */
        return err_usage(e, "", "the agents are at work: once their request has failed (or "
                         "answered) the offline ones can take over");
    if (p->ops->go_offline(p, (nav ? PROPOSER_NAVIGATOR : 0) | (gen ? PROPOSER_GENERATOR : 0),
                           &s->st, e) < 0)
        return -1;
    if (nav) {
        struct event ev = {.type = EV_AGENT_SWITCHED, .role = "navigator", .by = p->navigator};
        search_emit(s, &ev);
    }
    if (gen) {
        struct event ev = {.type = EV_AGENT_SWITCHED, .role = "generator", .by = p->generator};
        search_emit(s, &ev);
    }
    search_pump(s);
    return nav + gen;
}
