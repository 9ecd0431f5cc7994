/* Reading what a model wrote, defensively (DESIGN §6): reasoning blocks are
 * skipped, JSON is found inside code fences or surrounding prose, and every
 * failure says what was missing so the model can be asked again. */
#ifndef COLLM_PARSE_H
#define COLLM_PARSE_H

#include <stddef.h>

#include "../cand/cand.h"
#include "../spaces/space.h"

/* Where the answer starts in what a model wrote: everything up to the last
 * </think> (or </thinking>) is reasoning, with or without an opening tag
 * (templates that open the block themselves send only the closing one).
 * Sets *reasoning_len; returns NULL when a block opened and never closed
 * (the answer never came). */
const char *parse_answer_start(const char *text, size_t *reasoning_len);

/* Candidates from a Generator's answer: {"candidates": [...]} (or
 * "architectures", "archs", "genotypes") or a bare list, strict JSON or as
 * models write it (comments, trailing commas, single quotes: jsonfix.h);
 * each item a string, an object keyed "arch" / "architecture" / "genotype",
 * or any other JSON value (kept as its JSON text for spaces whose
 * architectures are objects). With no list anywhere and a space given, the
 * architectures of that space found in the text. `finish` is the server's
 * finish_reason ("length" means cut off). Returns the number of
 * candidates, or -1 with `why` saying what was wrong. */
#define PARSE_MAX_CANDIDATES 256 /* read from one answer; the rest is ignored */
int parse_candidates(const char *text, const char *finish, const struct space *sp,
                     struct cand_list *out, char *why, size_t n);

/* A Navigator's strategy: the text from its first section on, with the
 * three sections present: "# SUMMARY", "**Key patterns:**", "1. NAVIGATION
 * DIRECTIONS" and such all count (non-markdown ones are rewritten "# NAME").
 * A strategy cut off (finish_reason "length") is refused even when its
 * headings survived. Returns 0 with the strategy in a malloc'd *out, or -1
 * with `why` naming what is missing. */
int parse_strategy(const char *text, const char *finish, char **out, char *why, size_t n);

#endif
