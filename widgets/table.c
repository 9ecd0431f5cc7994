#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void table_init(struct table *t, const struct table_col *cols, int ncols,
                const struct table_source *src)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->ncols = ncols;
    t->src = *src;
    t->sort_col = -1;
    t->follow = 1;
}

void table_free(struct table *t)
{
    free(t->order);
    t->order = NULL;
    t->n = t->cap = 0;
}

static struct table *sorting; /* qsort has no context argument in C11 */

static int cmp(const void *a, const void *b)
{
    struct table *t = sorting;
    int x = *(const int *)a, y = *(const int *)b;
    double kx = t->src.key(t->src.ud, x, t->sort_col), ky = t->src.key(t->src.ud, y, t->sort_col);
    int c;
    if (isnan(kx) || isnan(ky))
        c = isnan(kx) - isnan(ky); /* NaN last, either way */
    else
        c = t->sort_desc ? (kx < ky) - (kx > ky) : (kx > ky) - (kx < ky);
    return c ? c : (x > y) - (x < y); /* stable: by row */
}

static int has_text(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return !n;
}

/* A hidden column keeps its secret: the test accuracy of a live search
 * is not found by typing its digits. */
int table_row_has(const struct table *t, int row, const char *text)
{
    char buf[512];
    if (t->src.more && has_text(t->src.more(t->src.ud, row), text))
        return 1;
    for (int c = 0; c < t->ncols; c++) {
        if (t->cols[c].width < 0)
            continue;
        t->src.cell(t->src.ud, row, c, buf, sizeof buf);
        if (has_text(buf, text))
            return 1;
    }
    return 0;
}

static int matches(struct table *t, int row)
{
    if (t->keep)
        return t->keep(t->src.ud, row);
    return !t->filter[0] || table_row_has(t, row, t->filter);
}

void table_refresh(struct table *t)
{
    int keep = table_selected(t), total = t->src.rows(t->src.ud);
    if (total > t->cap) {
        int cap = t->cap ? t->cap : 64;
        while (cap < total)
            cap *= 2;
        int *o = realloc(t->order, (size_t)cap * sizeof *o);
        if (!o)
            return;
        t->order = o;
        t->cap = cap;
    }
    int was_last = t->n == 0 || t->sel >= t->n - 1;
    t->n = 0;
    for (int r = 0; r < total; r++)
        if (matches(t, r))
            t->order[t->n++] = r;
    if (t->sort_col >= 0 && t->src.key) {
        sorting = t;
        qsort(t->order, (size_t)t->n, sizeof *t->order, cmp);
    }
    t->sel = t->follow ? (t->n ? t->n - 1 : 0) : 0;
    if (!(t->follow && was_last) && keep >= 0)
        for (int i = 0; i < t->n; i++)
            if (t->order[i] == keep)
                t->sel = i;
    if (t->sel >= t->n)
        t->sel = t->n ? t->n - 1 : 0;
}

int table_selected(const struct table *t)
{
    return t->n && t->sel < t->n ? t->order[t->sel] : -1;
}

int table_key(struct table *t, int ch, int page)
{
    int old = t->sel;
    switch (ch) {
    case KEY_UP: case 'k': t->sel--; break;
    case KEY_DOWN: case 'j': t->sel++; break;
    case KEY_PPAGE: t->sel -= page; break;
    case KEY_NPAGE: case ' ': t->sel += page; break;
    case KEY_HOME: case 'g': t->sel = 0; break;
    case KEY_END: case 'G': t->sel = t->n - 1; break;
    case 'o': case 'O': /* a new order starts at its top */
        if (ch == 'o')
            do /* hidden columns are not sort keys */
                t->sort_col = t->sort_col + 1 >= t->ncols ? -1 : t->sort_col + 1;
            while (t->sort_col >= 0 && t->cols[t->sort_col].width < 0);
        if (ch == 'o' && t->sort_col >= 0) /* the best first where more is better */
            t->sort_desc = t->cols[t->sort_col].desc;
        else if (ch == 'o')
            t->sort_desc = 0;
        else
            t->sort_desc = !t->sort_desc;
        t->follow = 0;
        table_refresh(t);
        t->sel = t->top = 0;
        return 1;
    default: return 0;
    }
    if (t->sel >= t->n)
        t->sel = t->n - 1;
    if (t->sel < 0)
        t->sel = 0;
    t->follow = t->sel == t->n - 1;
    return t->sel != old || 1;
}

int table_click(struct table *t, int i)
{
    int k = t->top + i;
    if (i < 0 || k >= t->n)
        return -1;
    int was = k == t->sel;
    t->sel = k;
    t->follow = t->sel == t->n - 1; /* as a key that lands on the last row */
    return was;
}

void table_draw(struct table *t, WINDOW *w, int y, int x, int h, int width, int focused)
{
    if (h < 2 || width < 4)
        return;
    /* widths: fixed ones, the rest to the flexible column */
    int fixed = 0, flex = -1, last = -1, wid[16];
    for (int c = 0; c < t->ncols && c < 16; c++) {
        wid[c] = t->cols[c].width;
        if (wid[c] < 0)
            continue;
        fixed += wid[c] + 1;
        last = c;
        if (!wid[c])
            flex = c;
    }
    /* the sorted column gets room for its mark beside the title (from the
     * flexible one), so the mark never hides a letter of it */
    const char *mark = MB_CUR_MAX > 1 ? (t->sort_desc ? "\u25bc" : "\u25b2")
                                      : (t->sort_desc ? "v" : "^");
    int sc = t->sort_col >= 0 && t->sort_col < t->ncols && wid[t->sort_col] >= 0 ? t->sort_col
                                                                                : -1;
    if (sc >= 0 && sc != flex && (int)strlen(t->cols[sc].title) + 1 > wid[sc]) {
        int more = (int)strlen(t->cols[sc].title) + 1 - wid[sc];
        wid[sc] += more;
        fixed += more;
    }
    if (flex >= 0) /* the last column needs no separator after it */
        wid[flex] = width - fixed + (flex == last) > 4 ? width - fixed + (flex == last) : 4;
    wattrset(w, theme_attr(ROLE_TITLE));
    int cx = x;
    for (int c = 0; c < t->ncols && cx < x + width; c++) {
        if (wid[c] < 0)
            continue;
        int cw = wid[c] < x + width - cx ? wid[c] : x + width - cx;
        const char *title = t->cols[c].title;
        int tl = (int)strlen(title);
        if (c != sc || cw < tl + 1) {
            mvwprintw(w, y, cx, t->cols[c].right ? "%*.*s" : "%-*.*s", cw, cw, title);
        } else if (t->cols[c].right) { /* "  ^valid": the title stays over its numbers */
            mvwprintw(w, y, cx, "%*s", cw - tl - 1, "");
            waddstr(w, mark);
            waddstr(w, title);
        } else { /* "arch ^" */
            mvwprintw(w, y, cx, "%s ", title);
            waddstr(w, mark);
            if (cw - tl - 2 > 0)
                wprintw(w, "%*s", cw - tl - 2, "");
        }
        cx += wid[c] + 1;
    }
    int rows = h - 1;
    if (t->sel < t->top)
        t->top = t->sel;
    if (t->sel >= t->top + rows)
        t->top = t->sel - rows + 1;
    if (t->top < 0)
        t->top = 0;
    for (int i = 0; i < rows; i++) {
        int k = t->top + i;
        wmove(w, y + 1 + i, x);
        if (k >= t->n) {
            wattrset(w, theme_attr(ROLE_NORMAL));
            wprintw(w, "%*s", width, "");
            continue;
        }
        int row = t->order[k];
        enum theme_role role = t->src.role ? t->src.role(t->src.ud, row) : ROLE_NORMAL;
        wattrset(w, theme_attr(k == t->sel && focused ? ROLE_SELECTED : role));
        cx = x;
        for (int c = 0; c < t->ncols && cx < x + width; c++) {
            if (wid[c] < 0)
                continue;
            char cell[512];
            t->src.cell(t->src.ud, row, c, cell, sizeof cell);
            int cw = wid[c] < x + width - cx ? wid[c] : x + width - cx;
            mvwprintw(w, y + 1 + i, cx, t->cols[c].right ? "%*.*s" : "%-*.*s", cw, cw, cell);
            cx += wid[c];
            if (cx < x + width)
                mvwaddch(w, y + 1 + i, cx++, ' ');
        }
    }
    wattrset(w, theme_attr(ROLE_NORMAL));
}
