#include "lines.h"

#include <stdlib.h>
#include <string.h>

void lines_init(struct lines *l, size_t max, int cr)
{
    *l = (struct lines){.max = max ? max : 1, .cr = cr};
}

static int is_end(const struct lines *l, char c)
{
    return c == '\n' || (l->cr && c == '\r');
}

/* Room for the line so far plus one byte and its NUL: 0, or -1 when it
 * would pass max or memory ran out. */
static int room(struct lines *l)
{
    if (l->len + 2 <= l->cap)
        return 0;
    if (l->len + 1 > l->max)
        return -1;
    size_t cap = l->cap ? l->cap * 2 : 256;
    if (cap > l->max + 1)
        cap = l->max + 1;
    char *nb = realloc(l->buf, cap);
    if (!nb)
        return -1;
    l->buf = nb;
    l->cap = cap;
    return 0;
}

static int give(struct lines *l, enum line_kind kind, lines_fn fn, void *ud)
{
    if (!l->buf && room(l) < 0) /* an empty line still needs its NUL */
        return l->len = 0, 0;
    l->buf[l->len] = '\0';
    size_t n = l->len;
    l->len = 0;
    return fn(ud, l->buf, n, kind);
}

int lines_feed(struct lines *l, const char *p, size_t n, lines_fn fn, void *ud)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (is_end(l, c)) {
            if (l->skipping) {
                l->skipping = 0;
                continue;
            }
            int rc = give(l, LINE_WHOLE, fn, ud);
            if (rc)
                return rc;
            continue;
        }
        if (l->skipping)
            continue;
        if (room(l) < 0) {
            enum line_kind k = l->len + 1 > l->max ? LINE_CUT : LINE_NOMEM;
            l->skipping = 1;
            int rc = give(l, k, fn, ud);
            if (rc)
                return rc;
            continue;
        }
        l->buf[l->len++] = c;
    }
    return 0;
}

int lines_finish(struct lines *l, lines_fn fn, void *ud)
{
    int rc = l->len ? give(l, LINE_WHOLE, fn, ud) : 0;
    l->skipping = 0;
    return rc;
}

void lines_free(struct lines *l)
{
    free(l->buf);
    *l = (struct lines){.max = l->max, .cr = l->cr};
}
