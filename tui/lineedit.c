#include "lineedit.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

void lineedit_start(struct lineedit *e, const char *text, size_t size, int (*accept)(int ch))
{
    e->size = size < sizeof e->text ? size : sizeof e->text;
    e->accept = accept;
    snprintf(e->text, e->size, "%s", text ? text : "");
    e->cur = strlen(e->text);
    e->scroll = 0;
    e->hist = NULL;
    e->back = 0;
}

void lineedit_history(struct lineedit *e, struct lineedit_history *h)
{
    e->hist = h;
    e->back = 0;
}

static int takes(const struct lineedit *e, int ch)
{
    return e->accept ? e->accept(ch) : ch >= 32 && ch < 127;
}

int lineedit_set(struct lineedit *e, const char *text)
{
    size_t n = 0;
    int space = 0, cut = 0;
    for (const char *p = text; *p; p++) {
        if (isspace((unsigned char)*p)) {
            space = n > 0;
            continue;
        }
        if (!takes(e, (unsigned char)*p))
            continue;
        if (n + space + 1 >= e->size) {
            cut = 1;
            break;
        }
        if (space)
            e->text[n++] = ' ';
        e->text[n++] = *p;
        space = 0;
    }
    e->text[n] = '\0';
    e->cur = n;
    e->back = 0;
    return cut ? -1 : 0;
}

static void cut(struct lineedit *e, size_t from, size_t to)
{
    memmove(e->text + from, e->text + to, strlen(e->text + to) + 1);
    e->cur = from;
}

static int is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static void show(struct lineedit *e, const char *text)
{
    snprintf(e->text, e->size, "%s", text);
    e->cur = strlen(e->text);
}

/* Up (older, dir 1) or Down (newer, -1); the text typed is kept aside
 * while older ones show, and comes back past the newest */
static void recall(struct lineedit *e, int dir)
{
    const struct lineedit_history *h = e->hist;
    int to = e->back + dir;
    if (!h || to < 0 || to > h->n)
        return;
    if (e->back == 0)
        snprintf(e->draft, sizeof e->draft, "%s", e->text);
    e->back = to;
    show(e, to ? h->item[h->n - to] : e->draft);
}

static void remember(struct lineedit *e)
{
    struct lineedit_history *h = e->hist;
    e->back = 0;
    if (!h || !e->text[0] || (h->n && strcmp(h->item[h->n - 1], e->text) == 0))
        return;
    if (h->n == LINEEDIT_HISTORY) /* the oldest goes */
        memmove(h->item[0], h->item[1], sizeof h->item[0] * (LINEEDIT_HISTORY - 1));
    else
        h->n++;
    snprintf(h->item[h->n - 1], sizeof h->item[0], "%s", e->text);
}

enum lineedit_result lineedit_key(struct lineedit *e, int ch)
{
    size_t n = strlen(e->text), i;
    switch (ch) {
    case 27: return LINEEDIT_CANCEL;
    case '\n': case '\r': case KEY_ENTER: remember(e); return LINEEDIT_ENTER;
    case 24: return LINEEDIT_EDITOR; /* C-x */
    case 1: case KEY_HOME: e->cur = e->scroll = 0; break; /* the start shown, as typed */
    case 5: case KEY_END: e->cur = n; break;
    case 2: case KEY_LEFT: e->cur -= e->cur > 0; break;
    case 6: case KEY_RIGHT: e->cur += e->cur < n; break;
    case 21: cut(e, 0, e->cur); break; /* C-u */
    case 11: cut(e, e->cur, n); break; /* C-k */
    case 23: /* C-w: what separates the word before it, then the word */
        for (i = e->cur; i && !is_word(e->text[i - 1]); i--) {}
        for (; i && is_word(e->text[i - 1]); i--) {}
        cut(e, i, e->cur);
        break;
    case KEY_BACKSPACE: case 127: case 8:
        if (e->cur)
            cut(e, e->cur - 1, e->cur);
        break;
    case KEY_DC: case 4: /* C-d */
        if (e->cur < n)
            cut(e, e->cur, e->cur + 1);
        break;
    case KEY_UP: case 16: recall(e, 1); break;
    case KEY_DOWN: case 14: recall(e, -1); break;
    default:
        if (takes(e, ch) && n + 1 < e->size) {
            memmove(e->text + e->cur + 1, e->text + e->cur, n - e->cur + 1);
            e->text[e->cur++] = (char)ch;
        }
    }
    return LINEEDIT_TYPING;
}

int lineedit_view(struct lineedit *e, int width, char *out)
{
    size_t len = strlen(e->text), w = width > 3 ? (size_t)width : 3;
    if (e->cur > len)
        e->cur = len;
    /* no room wasted after the end; the cursor off the `>`, then off the `<` */
    if (e->scroll && len + 1 < e->scroll + w)
        e->scroll = len + 1 > w ? len + 1 - w : 0;
    size_t right = e->cur == len ? w - 1 : w - 2;
    if (e->cur > e->scroll + right)
        e->scroll = e->cur - right;
    if (e->scroll && e->cur <= e->scroll)
        e->scroll = e->cur > 1 ? e->cur - 1 : 0;
    for (size_t i = 0; i < w; i++) {
        size_t k = e->scroll + i;
        out[i] = k < len ? e->text[k] : k == len && e->cur == len ? '_' : ' ';
    }
    if (e->scroll)
        out[0] = '<';
    if (len > e->scroll + w)
        out[w - 1] = '>';
    out[w] = '\0';
    return (int)(e->cur - e->scroll);
}
