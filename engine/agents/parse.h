/* Reading what a model wrote, defensively (DESIGN §6): reasoning blocks are
 * skipped, JSON is found inside code fences or surrounding prose, and every
 * failure says what was missing so the model can be asked again. */
#ifndef COLLM_PARSE_H
#define COLLM_PARSE_H

#include <stddef.h>

#include "../cand/cand.h"

/* Candidates from a Generator's answer: {"candidates": [...]} or a bare
 * list; each item a string, an object with "arch", or any other JSON value
 * (kept as its JSON text for spaces whose architectures are objects).
 * `finish` is the server's finish_reason ("length" means cut off).
 * Returns the number of candidates, or -1 with `why` set. */
int parse_candidates(const char *text, const char *finish, struct cand_list *out, char *why,
                     size_t n);

/* A Navigator's strategy: the text from "# SUMMARY" on, with the three
 * sections present. Returns 0 with the strategy in a malloc'd *out, or -1
 * with `why` naming what is missing. */
int parse_strategy(const char *text, const char *finish, char **out, char *why, size_t n);

#endif
