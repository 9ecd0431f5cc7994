/* The live mode's two ways on when a search would stop: more budget (b),
 * and the offline agents in place of an LLM that keeps failing (W). Each
 * asks on the footer line first. */
#ifndef COLLM_TUI_LIVE_MORE_H
#define COLLM_TUI_LIVE_MORE_H

struct app;

void live_more_budget(struct app *a);
void live_more_offline(struct app *a);
/* 1 when an LLM plays a role and has failed: the footer offers W. */
int live_more_llm_failing(const struct app *a);

#endif
