/* Each message of an LLM conversation once in a journal (issue 15, finding
 * 5). A stateful Navigator sends its whole history with every request and
 * the Generator sends the same system prompt every time; written out in
 * full each time, a journal grows with the square of the conversation. So
 * an llm_request line carries in full only the messages the journal does
 * not hold yet, and names each earlier one by where it was first written:
 *
 *   "messages":[{"ref":[12,0]},{"ref":[12,1]},{"role":"user","content":".."}]
 *
 * is message 0 and 1 of event 12, then a new one. A reader resolves the
 * names as it reads, so every event it hands on has its whole conversation,
 * as before; files of format 1 (every message in full) read the same. */
#ifndef COLLM_MSGBOOK_H
#define COLLM_MSGBOOK_H

#include "../engine/core/err.h"
#include "../engine/core/event.h"

struct cJSON;
struct msgbook;

struct msgbook *msgbook_new(void);
void msgbook_free(struct msgbook *b);

/* Writing: `o` is the line of `ev` (an llm_request; anything else is left
 * alone). Messages the book has seen become names; the rest are written
 * in full and remembered at ev->seq. -1 only when out of memory. */
int msgbook_pack(struct msgbook *b, struct cJSON *o, const struct event *ev);
/* Writing after a resume: what an event already in the file holds, so that
 * later lines can name it. */
int msgbook_note(struct msgbook *b, const struct event *ev);

/* Reading: replaces the names in line object `o` by the messages they
 * name and remembers the ones written in full. -1 with e ("messages[3]":
 * what is wrong) for a name that is not one or names nothing held. Lines
 * other than llm_request are left alone. */
int msgbook_unpack(struct msgbook *b, struct cJSON *o, struct err *e);

#endif
