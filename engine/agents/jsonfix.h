/* JSON as models write it (DESIGN §6): the paper's own prompt figure shows a
 * single-quoted Python dict, and models add // comments and trailing commas.
 * This turns one bracketed region of such text into strict JSON, so that a
 * cJSON parse of the result means the model's structure, not our guess. */
#ifndef COLLM_JSONFIX_H
#define COLLM_JSONFIX_H

/* `p` points at '{' or '['. Repairs the region up to its matching bracket:
 * comments (//, #, and C block comments) dropped, trailing commas dropped,
 * 'single quoted' strings double-quoted, bare object keys quoted, Python's
 * True/False/None as true/false/null. Returns the repaired text, malloc'd,
 * with *end just past the region in `p`; NULL when the region never closes
 * (a cut-off answer) or brackets do not match, or on allocation failure.
 * Prose apostrophes are safe: only text inside brackets is read. */
char *jsonfix_region(const char *p, const char **end);

#endif
