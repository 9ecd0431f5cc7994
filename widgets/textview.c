#include "textview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

void textview_set(struct textview *v, const char *text)
{
    if (v->text && text && strcmp(v->text, text) == 0)
        return;
    free(v->text);
    v->text = text ? strdup(text) : NULL;
    v->top = 0;
}

void textview_free(struct textview *v)
{
    free(v->text);
    v->text = NULL;
}

int textview_key(struct textview *v, int ch, int page)
{
    switch (ch) {
    case KEY_UP: case 'k': v->top--; break;
    case KEY_DOWN: case 'j': v->top++; break;
    case KEY_PPAGE: v->top -= page; break;
    case KEY_NPAGE: case ' ': v->top += page; break;
    case KEY_HOME: case 'g': v->top = 0; break;
    case KEY_END: case 'G': v->top = v->lines; break;
    default: return 0;
    }
    if (v->top > v->lines - page)
        v->top = v->lines - page;
    if (v->top < 0)
        v->top = 0;
    return 1;
}

int textview_draw(struct textview *v, WINDOW *win, int y, int x, int h, int w)
{
    const char *p = v->text ? v->text : "";
    int line = 0;
    if (w < 1)
        return 0;
    if (v->top > 0 && v->top > v->lines - h) /* the text got shorter */
        v->top = v->lines - h > 0 ? v->lines - h : 0;
    while (*p || line == 0) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        enum theme_role role = p[0] == '#' ? ROLE_SECTION : ROLE_NORMAL;
        int off = 0;
        do { /* wrap long lines, at a space where there is one */
            int n = len - off < w ? len - off : w;
            if (len - off > w && p[off + n] != ' ') { /* break after the last space */
                int sp = n - 1;
                while (sp > w / 2 && p[off + sp] != ' ')
                    sp--;
                if (sp > w / 2)
                    n = sp + 1;
            }
            int row = line - v->top;
            if (row >= 0 && row < h) {
                wattrset(win, theme_attr(role));
                mvwaddnstr(win, y + row, x, p + off, n);
                wattrset(win, theme_attr(ROLE_NORMAL));
                if (n < w)
                    wprintw(win, "%*s", w - n, "");
            }
            off += n;
            while (off < len && p[off] == ' ' && off > 0 && p[off - 1] != ' ')
                off++; /* a continuation does not start with the space it broke at */
            line++;
        } while (off < len);
        if (!nl)
            break;
        p = nl + 1;
    }
    for (int row = line - v->top; row < h; row++)
        if (row >= 0)
            mvwprintw(win, y + row, x, "%*s", w, "");
    v->lines = line;
    return line;
}

int textview_where(const struct textview *v, int h, char *buf, size_t n, int *up, int *down)
{
    if (h < 1 || v->lines <= h)
        return 0;
    int last = v->top + h < v->lines ? v->top + h : v->lines;
    snprintf(buf, n, "%d-%d of %d", v->top + 1, last, v->lines);
    *up = v->top > 0;
    *down = last < v->lines;
    return 1;
}
