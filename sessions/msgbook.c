#include "msgbook.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/core/sha256.h"

/* Where a message was first written: message `i` of event `seq`. */
struct place {
    uint64_t seq;
    int i;
};

/* The writer's side: the digest of every message written, open addressing
 * (a Navigator's history is some hundreds of messages, so a digest per
 * message costs nothing next to the text it saves). */
struct seen {
    char hex[65];
    struct place at;
};

/* The reader's side: every message written in full, in file order, so a
 * name is found by binary search on its place. */
struct held {
    struct place at;
    char *role, *content;
};

struct msgbook {
    struct seen *tab;
    size_t cap, n;
    struct held *held;
    size_t nheld, capheld;
};

struct msgbook *msgbook_new(void) { return calloc(1, sizeof(struct msgbook)); }

void msgbook_free(struct msgbook *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nheld; i++) {
        free(b->held[i].role);
        free(b->held[i].content);
    }
    free(b->held);
    free(b->tab);
    free(b);
}

/* ---- writing ----------------------------------------------------------------- */

static void digest(const char *role, const char *content, char hex[65])
{
    struct sha256 c;
    sha256_init(&c);
    sha256_update(&c, role ? role : "", strlen(role ? role : "") + 1);
    sha256_update(&c, content ? content : "", strlen(content ? content : ""));
    sha256_hex(&c, hex);
}

static size_t slot_of(const struct msgbook *b, const char *hex)
{
    uint64_t h = 0;
    for (int k = 0; k < 16; k++)
        h = h << 4 | (uint64_t)(hex[k] <= '9' ? hex[k] - '0' : hex[k] - 'a' + 10);
    size_t i = (size_t)(h & (b->cap - 1));
    while (b->tab[i].hex[0] && memcmp(b->tab[i].hex, hex, 64) != 0)
        i = (i + 1) & (b->cap - 1);
    return i;
}

static int grow(struct msgbook *b)
{
    size_t cap = b->cap ? b->cap * 2 : 256;
    struct seen *old = b->tab;
    size_t oldcap = b->cap;
    if (!(b->tab = calloc(cap, sizeof *b->tab))) {
        b->tab = old;
        return -1;
    }
    b->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].hex[0])
            b->tab[slot_of(b, old[i].hex)] = old[i];
    free(old);
    return 0;
}

/* The place a message was first written, or NULL after remembering it at
 * `at` (or on no memory, *oom set). */
static const struct place *seen_or_add(struct msgbook *b, const struct ev_msg *m,
                                       struct place at, int *oom)
{
    if ((b->n + 1) * 4 > b->cap * 3 && grow(b) < 0) {
        *oom = 1;
        return NULL;
    }
    char hex[65];
    digest(m->role, m->content, hex);
    size_t i = slot_of(b, hex);
    if (b->tab[i].hex[0])
        return &b->tab[i].at;
    memcpy(b->tab[i].hex, hex, sizeof hex);
    b->tab[i].at = at;
    b->n++;
    return NULL;
}

int msgbook_note(struct msgbook *b, const struct event *ev)
{
    int oom = 0;
    if (ev->type == EV_LLM_REQUEST)
        for (int i = 0; i < ev->nmsg && !oom; i++)
            seen_or_add(b, &ev->msgs[i], (struct place){ev->seq, i}, &oom);
    return oom ? -1 : 0;
}

int msgbook_pack(struct msgbook *b, cJSON *o, const struct event *ev)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(o, "messages");
    if (ev->type != EV_LLM_REQUEST || !cJSON_IsArray(list))
        return 0;
    int oom = 0;
    for (int i = 0; i < ev->nmsg && !oom; i++) {
        const struct place *p = seen_or_add(b, &ev->msgs[i], (struct place){ev->seq, i}, &oom);
        if (!p)
            continue;
        cJSON *ref = cJSON_CreateObject(), *at = ref ? cJSON_AddArrayToObject(ref, "ref") : NULL;
        if (!at || !cJSON_AddItemToArray(at, cJSON_CreateNumber((double)p->seq)) ||
            !cJSON_AddItemToArray(at, cJSON_CreateNumber(p->i)) ||
            !cJSON_ReplaceItemInArray(list, i, ref)) {
            cJSON_Delete(ref);
            return -1;
        }
    }
    return oom ? -1 : 0;
}

/* ---- reading ----------------------------------------------------------------- */

static int place_cmp(struct place a, struct place b)
{
    return a.seq != b.seq ? (a.seq < b.seq ? -1 : 1) : (a.i > b.i) - (a.i < b.i);
}

static const struct held *find(const struct msgbook *b, struct place at)
{
    size_t lo = 0, hi = b->nheld;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = place_cmp(b->held[mid].at, at);
        if (c == 0)
            return &b->held[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int hold(struct msgbook *b, struct place at, const char *role, const char *content)
{
    /* in file order, so the array stays sorted; a line out of order is
     * refused by the reader's sequence check right after this */
    if (b->nheld && place_cmp(b->held[b->nheld - 1].at, at) >= 0)
        return 0;
    if (b->nheld == b->capheld) {
        size_t cap = b->capheld ? b->capheld * 2 : 64;
        struct held *n = realloc(b->held, cap * sizeof *n);
        if (!n)
            return -1;
        b->held = n;
        b->capheld = cap;
    }
    struct held *h = &b->held[b->nheld];
    if (!(h->role = strdup(role)) || !(h->content = strdup(content))) {
        free(h->role);
        return -1;
    }
    h->at = at;
    b->nheld++;
    return 0;
}

/* A whole number the place can hold, or -1. */
static double whole(const cJSON *v, double most)
{
    if (!cJSON_IsNumber(v))
        return -1;
    double d = v->valuedouble;
    return d >= 0 && d <= most && d == floor(d) ? d : -1;
}

int msgbook_unpack(struct msgbook *b, cJSON *o, struct err *e)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    cJSON *list = cJSON_GetObjectItemCaseSensitive(o, "messages");
    double seq = whole(cJSON_GetObjectItemCaseSensitive(o, "seq"), 9007199254740992.0);
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "llm_request") != 0 ||
        !cJSON_IsArray(list) || seq < 0)
        return 0; /* not ours: the event codec says what is wrong, if anything */
    int i = 0;
    for (cJSON *m = list->child; m; m = m->next, i++) {
        char where[32];
        snprintf(where, sizeof where, "messages[%d]", i);
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(m, "ref");
        if (!ref) {
            const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
            const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
            if (cJSON_IsString(role) && cJSON_IsString(content) &&
                hold(b, (struct place){(uint64_t)seq, i}, role->valuestring,
                     content->valuestring) < 0)
                return err_set(e, where, "out of memory");
            continue;
        }
        int pair = cJSON_IsArray(ref) && cJSON_GetArraySize(ref) == 2;
        double rs = pair ? whole(ref->child, 9007199254740992.0) : -1;
        double ri = rs >= 0 ? whole(ref->child->next, 1e9) : -1;
        if (rs < 0 || ri < 0)
            return err_set(e, where, "expected \"ref\": [event, message], an earlier event's "
                           "sequence number and a message's place in it");
        const struct held *h = find(b, (struct place){(uint64_t)rs, (int)ri});
        if (!h || (rs == seq && ri >= i))
            return err_set(e, where, "names message %d of event %.0f, which no earlier line "
                           "of the session holds", (int)ri, rs);
        cJSON *full = cJSON_CreateObject();
        if (!full || !cJSON_AddStringToObject(full, "role", h->role) ||
            !cJSON_AddStringToObject(full, "content", h->content)) {
            cJSON_Delete(full);
            return err_set(e, where, "out of memory");
        }
        cJSON_ReplaceItemViaPointer(list, m, full); /* frees m */
        m = full;
    }
    return 0;
}
