/* The detail overlay: one architecture's decisions (for NB201 the cell
 * edge by edge), every metric, and the strategy it came from. */
#include <stdlib.h>

#include "../widgets/textview.h"
#include "app.h"

struct detail {
    struct textview tv;
    int rec; /* the record shown */
};

static void *init(struct app *a)
{
    (void)a;
    struct detail *d = calloc(1, sizeof *d);
    if (d)
        d->rec = -1;
    return d;
}

static void draw(struct app *a, void *self, struct rect r)
{
    (void)r;
    struct detail *d = self;
    const struct state *st = app_state(a);
    if (d->rec < 0 || (size_t)d->rec >= st->nrec)
        return;
    const struct record *rec = &st->rec[d->rec];
    char buf[8192];
    size_t off = (size_t)snprintf(buf, sizeof buf,
                                  "# Evaluation %d, iteration %d, by %s (%s)\n%s\n\n",
                                  rec->order, rec->iter, rec->by, source_name(rec->source),
                                  rec->text);
    struct arch arch;
    if (space_decode(a->sp, rec->text, &arch, NULL) == 0)
        for (int i = 0; i < a->sp->ndims && off < sizeof buf; i++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%-12s %s\n",
                                    a->sp->dims[i].name, a->sp->dims[i].choices[arch.v[i]]);
    off += (size_t)snprintf(buf + off, sizeof buf - off, "\n# Metrics\n");
    for (int i = 0; i < st->info.nmetrics && off < sizeof buf; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%-18s %.6g %s\n",
                                st->info.metrics[i].name, rec->m[i], st->info.metrics[i].unit);
    for (int i = st->strategies - 1; i >= 0 && off < sizeof buf; i--)
        if (st->strats[i].iter <= rec->iter) {
            snprintf(buf + off, sizeof buf - off, "\n# The strategy it came from (iteration %d, "
                     "%s)\n%s\n", st->strats[i].iter, st->strats[i].by, st->strats[i].text);
            break;
        }
    textview_set(&d->tv, buf);
    struct rect b;
    pane_center(LINES - 4, COLS - 8, &b);
    textview_draw(&d->tv, stdscr, b.y + 1, b.x + 2, b.h - 2, b.w - 4);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    (void)page;
    return textview_key(&((struct detail *)self)->tv, ch, LINES - 6) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    struct detail *d = self;
    textview_free(&d->tv);
    free(d);
}

const struct pane_ops overlay_detail = {"Detail", 0, init, draw, key, NULL, free_};

void overlay_detail_show(struct app *a, int rec)
{
    struct detail *d = a->oself[O_DETAIL];
    d->rec = rec;
    textview_set(&d->tv, NULL);
    a->overlay = O_DETAIL;
}
