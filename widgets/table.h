/* A scrollable, sortable, filterable table. It knows nothing of what the
 * rows are: a source gives it a row count, each cell as text, a sort key
 * per cell and a role (colour) per row. */
#ifndef COLLM_TABLE_H
#define COLLM_TABLE_H

#include <curses.h>

#include "theme.h"

struct table_col {
    const char *title;
    int width;     /* 0: takes what is left; < 0: hidden */
    int right;     /* right-aligned (numbers) */
    int desc;      /* sorts descending first (a value to maximise) */
};

struct table_source {
    int (*rows)(void *ud);
    void (*cell)(void *ud, int row, int col, char *buf, size_t n);
    double (*key)(void *ud, int row, int col); /* sort key; NaN sorts last */
    enum theme_role (*role)(void *ud, int row);
    void *ud;
    /* optional: more of a row's text the filter looks in (what a cell
     * shows short, say, in full) */
    const char *(*more)(void *ud, int row);
};

struct table {
    const struct table_col *cols;
    int ncols;
    struct table_source src;
    int *order;     /* the rows shown, in order */
    int n, cap;
    int sel, top;   /* selected position in `order`, first shown */
    int sort_col, sort_desc;
    char filter[64]; /* rows whose text holds it (any shown column), any case */
    /* or NULL: the rows shown, for a source that filters them itself (the
     * filter text is then not read); set after table_init */
    int (*keep)(void *ud, int row);
    int follow;     /* keep the last row selected as rows arrive */
};

void table_init(struct table *t, const struct table_col *cols, int ncols,
                const struct table_source *src);
void table_free(struct table *t);
/* Re-reads the rows, filters and sorts them; keeps the selected row. */
void table_refresh(struct table *t);
/* Up, down, page, home, end; 'o' next sort column (in its `desc` order),
 * 'O' reverse. 1 if used. */
int table_key(struct table *t, int ch, int page);
/* A click on the i-th row line under the heading, as the last draw laid
 * them out: selects that row. 1 when it was selected already, 0 when it is
 * now, -1 when no row is there (nothing changes). */
int table_click(struct table *t, int i);
/* 1 if a shown cell of `row`, or its `more` text, holds `text` in any case. */
int table_row_has(const struct table *t, int row, const char *text);
/* The selected row (source index), or -1. */
int table_selected(const struct table *t);
void table_draw(struct table *t, WINDOW *w, int y, int x, int h, int width, int focused);

#endif
