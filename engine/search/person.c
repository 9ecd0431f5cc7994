/* A person at the controls (DESIGN §3): approve, veto, edit and add
 * candidates, change the review policy, take up a strategy, pause, resume
 * and step. Each is an
 * event; the Coordinator goes on from there. */
#include <string.h>

#include "search_int.h"

enum review_policy search_review(const struct search *s)
{
    return s->st.review;
}

/* A person's architecture: valid, new, within the constraint? */
int search_check(const struct search *s, const char *text, struct err *e)
{
    struct arch a;
    double m[METRIC_MAX] = {0};
    if (space_decode(s->space, text, &a, e) < 0 || space_cost(s->space, &a, m, e) < 0)
        return -1;
    if (archset_has(&s->st.visited, &a))
        return err_usage(e, "", "already evaluated");
    if (state_vetoed(&s->st, &a))
        return err_usage(e, "", "vetoed (candidate %d)", state_vetoed(&s->st, &a));
    for (int i = 0; i < s->eq.qlen; i++)
        if (arch_eq(&s->eq.queue[i].arch, &a))
            return err_usage(e, "", "already waiting to run (candidate %d)", s->eq.queue[i].id);
    int bad = constraint_violated(&s->cfg.cons, m);
    if (bad >= 0) {
        char why[200];
        constraint_explain(&s->cfg.cons, bad, s->space->metrics, m, why, sizeof why);
        return err_usage(e, "", "over the constraint: %s", why);
    }
    return 0;
}

static int waiting(struct search *s, int id, struct err *e)
{
    int i = evalq_find(&s->eq, id);
    if (i < 0)
        err_usage(e, "", "candidate %d is not waiting to run", id);
    return i;
}

int search_approve(struct search *s, int id, struct err *e)
{
    int n = 0;
    for (int i = 0; i < s->eq.qlen; i++) {
        const struct cand *c = state_cand(&s->st, s->eq.queue[i].id);
        if ((id == 0 || s->eq.queue[i].id == id) && c && !c->approved) {
            struct event ev = {.type = EV_CANDIDATE_APPROVED, .id = s->eq.queue[i].id};
            search_emit(s, &ev);
            n++;
        }
    }
    if (id && !n && waiting(s, id, e) < 0)
        return -1;
    search_pump(s);
    return n;
}

int search_veto(struct search *s, int id, struct err *e)
{
    int i = waiting(s, id, e);
    if (i < 0)
        return -1;
    char text[1024];
    space_encode(s->space, &s->eq.queue[i].arch, text, sizeof text);
    evalq_remove(&s->eq, i);
    search_reject(s, id, text, REJ_VETOED, "by the user");
    search_pump(s);
    return 0;
}

int search_edit(struct search *s, int id, const char *text, struct err *e)
{
    int i = waiting(s, id, e);
    if (i < 0)
        return -1;
    struct pending p = s->eq.queue[i];
    evalq_remove(&s->eq, i); /* it is not its own duplicate */
    struct arch a;
    if (search_check(s, text, e) < 0 || space_decode(s->space, text, &a, e) < 0) {
        evalq_insert(&s->eq, i, &p);
        return -1;
    }
    char before[1024], after[1024];
    space_encode(s->space, &p.arch, before, sizeof before);
    space_encode(s->space, &a, after, sizeof after);
    p.arch = a;
    space_cost(s->space, &a, p.m, NULL);
    if (evalq_insert(&s->eq, i, &p) < 0) /* in its old place */
        return err_set(e, "edit", "out of memory");
    struct event ev = {.type = EV_CANDIDATE_EDITED, .id = id, .arch = after, .before = before};
    search_emit(s, &ev);
    search_pump(s);
    return 0;
}

int search_inject(struct search *s, const char *text, struct err *e)
{
    if (s->st.ended)
        return err_usage(e, "", "the search has ended");
    if (search_check(s, text, e) < 0)
        return -1;
    struct arch a;
    space_decode(s->space, text, &a, NULL);
    char canon[1024];
    space_encode(s->space, &a, canon, sizeof canon);
    int id = s->next_id++;
    struct ev_cand c = {.id = id, .arch = canon};
    struct event ev = {.type = EV_CANDIDATES_PROPOSED, .source = SRC_USER, .by = "user",
                       .ncand = 1, .cand = &c};
    search_emit(s, &ev);
    struct archset seen;
    archset_init(&seen);
    search_screen_one(s, id, canon, &a, &seen, 0);
    archset_free(&seen);
    search_pump(s);
    return id;
}

int search_set_review(struct search *s, enum review_policy r)
{
    if (r == s->st.review || r >= REVIEW__COUNT)
        return 0;
    int strategy = search_strategy_waiting(s) && !review_holds(r, 1), n = 0;
    struct event ev = {.type = EV_REVIEW_CHANGED, .review = r};
    search_emit(s, &ev);
    /* what waited under the old policy and the new one does not hold: the
     * person let it go, so it is their approval, with the reason */
    static const char why[] = "review turned off";
    for (int i = 0; i < s->eq.qlen && !review_holds(r, 0); i++) {
        const struct cand *c = state_cand(&s->st, s->eq.queue[i].id);
        if (c && c->status == CAND_QUEUED && !c->approved) {
            ev = (struct event){.type = EV_CANDIDATE_APPROVED, .id = c->id, .why = (char *)why};
            search_emit(s, &ev);
            n++;
        }
    }
    if (strategy) {
        ev = (struct event){.type = EV_STRATEGY_APPROVED, .why = (char *)why};
        search_emit(s, &ev);
        s->prop->ops->approve_strategy(s->prop, NULL);
        n++;
    }
    search_pump(s);
    return n;
}

int search_strategy_waiting(const struct search *s)
{
    return s->awaiting_proposal && s->st.strategy_waiting && !s->st.ended;
}

int search_waiting_for_person(const struct search *s)
{
    return search_strategy_waiting(s) ||
           (s->eq.qlen > 0 && search_next_startable(s) < 0 && s->st.in_flight == 0);
}

int search_approve_strategy(struct search *s, const char *text, struct err *e)
{
    if (!search_strategy_waiting(s))
        return err_usage(e, "", "no strategy is waiting for review");
    struct event ev = {.type = EV_STRATEGY_APPROVED};
    if (text) /* the person's version is a strategy of its own */
        ev = (struct event){.type = EV_STRATEGY_EDITED, .by = "user", .text = (char *)text};
    search_emit(s, &ev);
    s->prop->ops->approve_strategy(s->prop, text);
    return 0;
}

void search_pause(struct search *s, const char *why)
{
    if (s->st.ended || s->st.paused)
        return;
    /* a proposal in the making may still arrive: it is kept */
    struct event ev = {.type = EV_PAUSED, .why = (char *)why};
    search_emit(s, &ev);
    search_pump(s);
}

void search_proposal_failed(struct search *s, const char *why)
{
    s->awaiting_proposal = 0;
    search_pause(s, why);
}

void search_resume(struct search *s)
{
    if (s->st.ended || !s->st.paused)
        return;
    struct event ev = {.type = EV_RESUMED};
    search_emit(s, &ev);
    search_pump(s);
}

int search_stepping(const struct search *s)
{
    return s->st.stepping;
}

void search_step(struct search *s)
{
    if (s->st.ended || !s->st.paused)
        return;
    struct event ev = {.type = EV_RESUMED, .why = "one iteration", .steps = 1};
    search_emit(s, &ev);
    search_pump(s);
}

