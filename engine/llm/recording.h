/* The replay backend's store (`--llm replay:FILE`): recorded exchanges,
 * each answered at most once, found by the exact messages of a request. */
#ifndef COLLM_LLM_RECORDING_H
#define COLLM_LLM_RECORDING_H

#include <stddef.h>

#include "llm.h"

struct recording {
    char *key;    /* the messages, as role NUL content NUL ... */
    size_t keylen;
    char *answer, *finish;
    long tokens_in, tokens_out;
    char *error;  /* a server's refusal (answer unused), or NULL */
    long status;  /* its HTTP status */
    int used;
};

struct recordings {
    struct recording *rec;
    int n, cap;
};

/* error (with its HTTP status) records a refusal instead of an answer. */
int recordings_add(struct recordings *rs, const struct llm_msg *msgs, int n, const char *answer,
                   const char *finish, long tokens_in, long tokens_out, const char *error,
                   long status);
/* The first unused recording of exactly these messages, now used; or NULL. */
const struct recording *recordings_take(struct recordings *rs, const struct llm_msg *msgs, int n);
void recordings_free(struct recordings *rs);

#endif
