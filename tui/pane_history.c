/* The History pane: every evaluated architecture, sortable (o/O) and
 * filterable (/: engine/spaces/filter.h says what a filter reads); the
 * best, the front and the latest batch stand out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/spaces/filter.h"
#include "../widgets/table.h"
#include "app.h"

#define FILTER_LEN 64

struct history {
    struct table t;
    struct app *a;
    struct table_col cols[6]; /* headed by the space's own metrics */
    char obj_title[16], rep_title[16], cost_title[16];
    char filter[FILTER_LEN];  /* as typed */
    struct filter f;          /* the last text that could be read */
    char why[400];            /* why it cannot, or "" */
    int units; /* the last draw had room for the units (the % heading, the costs' M) */
};

static int rows(void *ud)
{
    return (int)app_state(((struct history *)ud)->a)->nrec;
}

/* A cost's unit is in its cells ("184.7M", "12.3ms"), as htop's sizes
 * are: the heading keeps its room for telling the costs apart. */
static const char *cost_unit(const struct state *st, int cost)
{
    return cost >= 0 && st->info.metrics[cost].unit ? st->info.metrics[cost].unit : "";
}

static void cell(void *ud, int row, int col, char *buf, size_t n)
{
    struct app *a = ((struct history *)ud)->a;
    const struct state *st = app_state(a);
    const struct record *r = &st->rec[row];
    int cost = app_cost(a);
    switch (col) {
    case 0: snprintf(buf, n, "%d", r->id); break; /* the number the log and detail use */
    case 1: snprintf(buf, n, "%d", r->iter); break;
    case 2: snprintf(buf, n, "%.2f", r->m[st->info.objective]); break;
    case 3:
        if (st->info.report >= 0)
            snprintf(buf, n, "%.2f", r->m[st->info.report]);
        else
            buf[0] = 0; /* the space reports nothing beside its objective (ofa-mbv3) */
        break;
    case 4: /* the unit where the pane has room for it */
        snprintf(buf, n, "%.1f%s", cost >= 0 ? r->m[cost] : NAN,
                 ((struct history *)ud)->units > 0 ? cost_unit(st, cost) : "");
        break;
    default: space_brief(a->sp, r->text, buf, n); break;
    }
}

static double sort_key(void *ud, int row, int col)
{
    struct app *a = ((struct history *)ud)->a;
    const struct state *st = app_state(a);
    const struct record *r = &st->rec[row];
    int cost = app_cost(a);
    switch (col) {
    case 0: return r->id;
    case 1: return r->iter;
    case 2: return r->m[st->info.objective];
    case 3: return st->info.report >= 0 ? r->m[st->info.report] : NAN;
    case 4: return cost >= 0 ? r->m[cost] : NAN;
    default: return r->order;
    }
}

static enum theme_role role(void *ud, int row)
{
    struct app *a = ((struct history *)ud)->a;
    const struct state *st = app_state(a);
    if (row == st->best)
        return ROLE_BEST;
    if (app_in_front(a, row))
        return ROLE_FRONT;
    if (st->rec[row].iter == st->iter)
        return ROLE_LATEST;
    return ROLE_NORMAL;
}

/* the filter finds `avg_pool` as well as `ap`: the long form too */
static const char *full_text(void *ud, int row)
{
    return app_state(((struct history *)ud)->a)->rec[row].text;
}

struct row_of {
    struct history *h;
    int row;
};

/* a text term also finds what the other cells show: an id, an accuracy */
static int cells_have(void *ud, const char *text)
{
    const struct row_of *r = ud;
    return table_row_has(&r->h->t, r->row, text);
}

static int keep(void *ud, int row)
{
    struct history *h = ud;
    struct row_of r = {h, row};
    return filter_match(&h->f, h->a->sp, &app_state(h->a)->rec[row], cells_have, &r);
}

/* Read again before each use: the session's metrics arrive with its
 * first event. A text it cannot read leaves the rows as the last one it
 * could (half a term typed does not show everything) and says why. */
static void filter_read(struct history *h)
{
    const struct state *st = app_state(h->a);
    struct filter_ctx c = {h->a->sp, st->info.metrics, st->info.nmetrics,
                           h->a->show_test ? -1 : st->info.report};
    struct err e;
    h->why[0] = '\0';
    if (filter_parse(&h->f, h->filter, &c, &e) < 0)
        err_str(&e, h->why, sizeof h->why);
}

static void *init(struct app *a)
{
    static const struct table_col cols[6] = {
        {"#", 4, 1, 0},     {"it", 3, 1, 0},   {"valid", 6, 1, 1},
        {"test", -1, 1, 1}, {"cost", 6, 1, 0}, {"arch", 0, 0, 0},
    };
    struct history *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->a = a;
    memcpy(h->cols, cols, sizeof cols);
    struct table_source src = {rows, cell, sort_key, role, h, full_text};
    table_init(&h->t, h->cols, 6, &src);
    h->t.keep = keep;
    return h;
}

/* "valid_acc" is headed "valid", "pred_acc" "pred": the columns stay
 * narrow; a percentage says so as htop's MEM% does ("valid%"); no metric
 * (-1), no heading. */
static const char *column_label(const struct state *st, int metric, int unit, char *buf,
                                size_t n)
{
    const char *name = metric >= 0 ? st->info.metrics[metric].name : "";
    snprintf(buf, n, "%.*s%s", (int)strcspn(name, "_"), name,
             unit && metric >= 0 && st->info.metrics[metric].unit &&
                     strcmp(st->info.metrics[metric].unit, "%") == 0 ? "%" : "");
    return buf;
}


/* A cost in `w` columns, told apart from its siblings: "lat_" goes (the
 * column is a cost anyway), and a name still too long keeps its last part
 * whole ("lat_titanrtx_b1" "tita_b1", "lat_titanrtx_b256" "ti_b256"). */
static const char *cost_label(const char *name, int w, char *buf, size_t n)
{
    if (strncmp(name, "lat_", 4) == 0)
        name += 4;
    const char *last = strrchr(name, '_');
    int len = (int)strlen(name);
    if (len <= w || !last || (int)strlen(last) >= w - 1)
        snprintf(buf, n, "%.*s", w, name);
    else
        snprintf(buf, n, "%.*s%s", w - (int)strlen(last), name, last);
    return buf;
}

static int digits(long v)
{
    int d = 1;
    while (v >= 10 || v <= -10)
        v /= 10, d++;
    return d;
}

/* room for `len` characters of values and the title (and a sort mark) */
static int width(int len, const char *title)
{
    int t = (int)strlen(title);
    return len > t ? len : t;
}

static void draw(struct app *a, void *self, struct rect r)
{
    struct history *h = self;
    const struct state *st = app_state(a);
    int fc = app_cost(a);
    /* every column as wide as its widest value (ofa-ea's ids run to tens of
     * thousands) or its title: the architecture gets the rest */
    int maxo = 0, maxi = 0;
    double vmax[3] = {0, 0, 0};
    const int metric[3] = {st->info.objective, st->info.report, fc};
    for (size_t i = 0; i < st->nrec; i++) {
        maxo = st->rec[i].id > maxo ? st->rec[i].id : maxo;
        maxi = st->rec[i].iter > maxi ? st->rec[i].iter : maxi;
        for (int k = 0; k < 3; k++)
            if (metric[k] >= 0 && fabs(st->rec[i].m[metric[k]]) > vmax[k])
                vmax[k] = fabs(st->rec[i].m[metric[k]]);
    }
    char brief[256] = "";
    if (st->nrec)
        space_brief(a->sp, st->rec[st->nrec - 1].text, brief, sizeof brief);
    int need = (int)strlen(brief) < 24 ? (int)strlen(brief) : 24;
    /* narrow panes: the architecture before the iteration and the report,
     * then before the units (the plot's axes above still name them); with
     * the units it wants 24 columns, as other rows' may be longer than the
     * last one's */
    for (h->units = 1; h->units >= 0; h->units--) {
        int room = h->units ? 24 : need;
        h->cols[2].title = column_label(st, st->info.objective, h->units, h->obj_title,
                                        sizeof h->obj_title);
        h->cols[3].title = column_label(st, st->info.report, h->units, h->rep_title,
                                        sizeof h->rep_title);
        h->cols[4].title = fc >= 0 ? cost_label(st->info.metrics[fc].name, 7, h->cost_title,
                                                sizeof h->cost_title)
                                   : "cost";
        h->cols[0].width = width(digits(maxo), h->cols[0].title);
        h->cols[1].width = width(digits(maxi), h->cols[1].title);
        h->cols[2].width = width(digits((long)vmax[0]) + 3, h->cols[2].title);
        h->cols[3].width = st->info.report >= 0 && a->show_test
                               ? width(digits((long)vmax[1]) + 3, h->cols[3].title)
                               : -1;
        h->cols[4].width = width(digits((long)vmax[2]) + 2 +
                                     (h->units ? (int)strlen(cost_unit(st, fc)) : 0),
                                 h->cols[4].title);
        int fixed = 0;
        for (int c = 0; c < 5; c++)
            fixed += h->cols[c].width >= 0 ? h->cols[c].width + 1 : 0;
        for (int c = 1; c <= 3 && r.w - 2 - fixed < room; c += 2)
            if (h->cols[c].width >= 0) {
                fixed -= h->cols[c].width + 1;
                h->cols[c].width = -1;
            }
        if (r.w - 2 - fixed >= room)
            break;
    }
    filter_read(h);
    table_refresh(&h->t);
    char title[96];
    snprintf(title, sizeof title, "%zu evaluated%s%s", st->nrec,
             h->filter[0] ? ", filter " : "", h->filter);
    pane_frame(a, P_HISTORY, title);
    table_draw(&h->t, stdscr, r.y + 1, r.x + 1, r.h - 2, r.w - 2, a->focus == P_HISTORY);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    return table_key(&((struct history *)self)->t, ch, page) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    struct history *h = self;
    table_free(&h->t);
    free(h);
}

/* The rows start under the border and the table's heading. */
static int click(struct app *a, void *self, int y, int x)
{
    (void)a;
    (void)x;
    return table_click(&((struct history *)self)->t, y - 2);
}

const struct pane_ops pane_history = {"History", 1, init, draw, key, NULL, free_, click};

int pane_history_selected(struct app *a)
{
    struct history *h = a->self[P_HISTORY];
    filter_read(h);
    table_refresh(&h->t);
    return table_selected(&h->t);
}

/* ---- the prompt: the filter applies as it is typed ------------------------------ */

static void filter_show(struct app *a, const char *text)
{
    struct history *h = a->self[P_HISTORY];
    snprintf(h->filter, sizeof h->filter, "%s", text);
    filter_read(h);
    app_prompt_line(a, "filter", h->why[0] ? h->why : NULL, "   (Enter keep, Esc clear)");
}

/* a filter that cannot be read is not kept: it would quietly show all */
static int filter_enter(struct app *a, const char *text)
{
    (void)text;
    return !((struct history *)a->self[P_HISTORY])->why[0];
}

static void filter_cancel(struct app *a)
{
    ((struct history *)a->self[P_HISTORY])->filter[0] = '\0';
}

static const struct prompt_ops filter_prompt = {filter_show, filter_enter, filter_cancel};

void pane_history_filter(struct app *a)
{
    struct history *h = a->self[P_HISTORY];
    a->focus = P_HISTORY;
    app_prompt(a, &filter_prompt, h->filter, FILTER_LEN, NULL);
    filter_show(a, a->ed.text);
}
