#include "recording.h"

#include <stdlib.h>
#include <string.h>

#include "../core/strbuf.h"

static char *key_of(const struct llm_msg *msgs, int n, size_t *len)
{
    struct strbuf k = {0};
    for (int i = 0; i < n; i++) {
        strbuf_add(&k, msgs[i].role, strlen(msgs[i].role) + 1);
        const char *c = msgs[i].content ? msgs[i].content : "";
        strbuf_add(&k, c, strlen(c) + 1);
    }
    if (k.failed) {
        strbuf_free(&k);
        return NULL;
    }
    *len = k.len;
    return k.p ? k.p : calloc(1, 1);
}

int recordings_add(struct recordings *rs, const struct llm_msg *msgs, int n, const char *answer,
                   const char *finish, long tokens_in, long tokens_out, const char *error,
                   long status)
{
    if (rs->n == rs->cap) {
        int cap = rs->cap ? rs->cap * 2 : 32;
        struct recording *nr = realloc(rs->rec, (size_t)cap * sizeof *nr);
        if (!nr)
            return -1;
        rs->rec = nr;
        rs->cap = cap;
    }
    struct recording r = {.answer = strdup(answer ? answer : ""),
                          .finish = strdup(finish ? finish : ""), .tokens_in = tokens_in,
                          .tokens_out = tokens_out, .status = status,
                          .error = error ? strdup(error) : NULL};
    r.key = key_of(msgs, n, &r.keylen);
    if (!r.key || !r.answer || !r.finish || (error && !r.error)) {
        free(r.key);
        free(r.answer);
        free(r.finish);
        free(r.error);
        return -1;
    }
    rs->rec[rs->n++] = r;
    return 0;
}

const struct recording *recordings_take(struct recordings *rs, const struct llm_msg *msgs, int n)
{
    size_t len = 0;
    char *key = key_of(msgs, n, &len);
    struct recording *found = NULL;
    for (int i = 0; key && i < rs->n && !found; i++) {
        struct recording *x = &rs->rec[i];
        if (!x->used && x->keylen == len && memcmp(x->key, key, len) == 0) {
            x->used = 1;
            found = x;
        }
    }
    free(key);
    return found;
}

void recordings_free(struct recordings *rs)
{
    for (int i = 0; i < rs->n; i++) {
        free(rs->rec[i].key);
        free(rs->rec[i].answer);
        free(rs->rec[i].finish);
        free(rs->rec[i].error);
    }
    free(rs->rec);
    *rs = (struct recordings){0};
}
