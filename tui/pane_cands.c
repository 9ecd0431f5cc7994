/* The Candidates pane: the current iteration's candidates, the person's
 * own included, each with its fate (awaiting review, queued, evaluating,
 * done with its accuracy, rejected with the reason). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../widgets/table.h"
#include "app.h"

struct cands {
    struct table t;
    struct table_col cols[3];
    struct app *a;
    int iter; /* the iteration shown */
};

static int rows(void *ud)
{
    const struct state *st = app_state(((struct cands *)ud)->a);
    int n = 0;
    for (int i = st->ncands - 1; i >= 0 && st->cands[i].iter >= st->iter; i--)
        n += st->cands[i].iter == st->iter;
    return n;
}

static const struct cand *cand_at(const struct state *st, int row)
{
    int first = st->ncands;
    while (first > 0 && st->cands[first - 1].iter >= st->iter)
        first--;
    for (int i = first; i < st->ncands; i++)
        if (st->cands[i].iter == st->iter && row-- == 0)
            return &st->cands[i];
    return NULL; /* no such row: the batch changed, or there is none yet */
}

static void cell(void *ud, int row, int col, char *buf, size_t n)
{
    struct app *a = ((struct cands *)ud)->a;
    const struct state *st = app_state(a);
    const struct cand *c = cand_at(st, row);
    if (!c) {
        buf[0] = '\0';
        return;
    }
    if (col == 0) {
        snprintf(buf, n, "%d", c->id);
    } else if (col == 1) {
        switch (c->status) { /* the reason's detail is in the footer when selected */
        case CAND_QUEUED:
            snprintf(buf, n, "%s", state_awaits_review(st, c) ? "to review"
                                   : c->source == SRC_USER ? "yours" : c->edited ? "edited"
                                                                             : "queued");
            break;
        case CAND_EVALUATING:
            /* a slow evaluator says how far it is: "recal 40%", "valid 65%" */
            if (c->eval_total > 0) {
                static const char *const phase[] = {"recal", "valid", "test"};
                snprintf(buf, n, "%s %ld%%",
                         c->eval_phase >= 0 && c->eval_phase < 3 ? phase[c->eval_phase] : "eval",
                         100 * c->eval_done / c->eval_total);
            } else {
                snprintf(buf, n, "evaluating");
            }
            break;
        case CAND_FAILED: snprintf(buf, n, "failed"); break;
        case CAND_DONE:
            snprintf(buf, n, "done %.2f", c->rec >= 0 ? st->rec[c->rec].m[st->info.objective]
                                                      : NAN);
            break;
        case CAND_REJECTED:
            snprintf(buf, n, "%s", reject_reason_name(c->reason));
            break;
        }
    } else {
        space_brief(a->sp, c->text, buf, n);
    }
}

static double sort_key(void *ud, int row, int col)
{
    (void)col;
    const struct cand *c = cand_at(app_state(((struct cands *)ud)->a), row);
    return c ? c->id : NAN;
}

static enum theme_role role(void *ud, int row)
{
    const struct state *st = app_state(((struct cands *)ud)->a);
    const struct cand *c = cand_at(st, row);
    if (!c)
        return ROLE_NORMAL;
    switch (c->status) {
    case CAND_REJECTED: return c->reason == REJ_DUPLICATE ? ROLE_DIM : ROLE_BAD;
    case CAND_FAILED: return ROLE_WARN;
    case CAND_EVALUATING: return ROLE_LATEST;
    case CAND_DONE: return c->rec == st->best ? ROLE_BEST : ROLE_NORMAL;
    default: /* waiting for a person is not an error: a colour of its own */
        return state_awaits_review(st, c) ? ROLE_REVIEW : ROLE_DIM;
    }
}


static void *init(struct app *a)
{
    struct cands *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    static const struct table_col cols[] = {
        {"id", 3, 1, 0}, {"status", 10, 0, 0}, {"arch", 0, 0, 0},
    };
    c->a = a;
    memcpy(c->cols, cols, sizeof cols);
    struct table_source src = {rows, cell, sort_key, role, c, NULL};
    table_init(&c->t, c->cols, 3, &src);
    c->t.follow = 0; /* a batch is read from its top */
    return c;
}

static void draw(struct app *a, void *self, struct rect r)
{
    struct cands *c = self;
    const struct state *st = app_state(a);
    if (c->iter != st->iter) { /* a new iteration: its first candidate */
        c->iter = st->iter;
        c->t.sel = c->t.top = 0;
    }
    int maxid = 0; /* ids as wide as the largest */
    for (int i = 0; i < st->ncands; i++)
        maxid = st->cands[i].id > maxid ? st->cands[i].id : maxid;
    c->cols[0].width = 3;
    for (int v = maxid; v >= 1000; v /= 10)
        c->cols[0].width++;
    table_refresh(&c->t);
    char title[64];
    snprintf(title, sizeof title, "iteration %d, %d", st->iter, rows(c));
    pane_frame(a, P_CANDS, title);
    table_draw(&c->t, stdscr, r.y + 1, r.x + 1, r.h - 2, r.w - 2, a->focus == P_CANDS);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    return table_key(&((struct cands *)self)->t, ch, page) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    struct cands *c = self;
    table_free(&c->t);
    free(c);
}

/* The rows start under the border and the table's heading. */
static int click(struct app *a, void *self, int y, int x)
{
    (void)a;
    (void)x;
    return table_click(&((struct cands *)self)->t, y - 2);
}

const struct pane_ops pane_cands = {"Candidates", 1, init, draw, key, NULL, free_, click};

const struct cand *pane_cands_selected(struct app *a)
{
    struct cands *c = a->self[P_CANDS];
    table_refresh(&c->t);
    int row = table_selected(&c->t);
    return row >= 0 ? cand_at(app_state(a), row) : NULL;
}

void pane_cands_next(struct app *a)
{
    struct cands *c = a->self[P_CANDS];
    if (c->t.sel < c->t.n - 1)
        c->t.sel++;
}
