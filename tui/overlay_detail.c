/* The detail overlay: one architecture's decisions (for NB201 the cell
 * edge by edge and its short form explained; for spaces of stages a
 * stage x block table), every metric, and the strategy it came from; or
 * any text in full, wrapped (a log entry). Longer than the screen, it
 * scrolls as the help does, and its bottom edge says where it is. */
#include <stdlib.h>
#include <string.h>

#include "../widgets/textview.h"
#include "app.h"

struct detail {
    struct textview tv;
    int h;      /* the rows it had at the last draw: a page */
    int rec;    /* the record shown; -2: `text` */
    char *text;
};

static void *init(struct app *a)
{
    (void)a;
    struct detail *d = calloc(1, sizeof *d);
    if (d)
        d->rec = -1;
    return d;
}

/* Spaces of stages of blocks (OFA, the fmnist supernet) name their
 * dimensions "ks I" and "e I" per block slot (0-based) and "depth S" per
 * stage (1-based): a stage x block table, its inactive blocks blank,
 * says what the network is; 45 flat rows, with the 0s of inactive slots
 * read as choices, did not. Returns 0 when the space is not of stages. */
static size_t stage_table(const struct space *sp, const struct arch *ar, char *buf, size_t n)
{
    int ks = -1, e = -1, d = -1, nslots = 0, nstages = 0;
    for (int i = 0; i < sp->ndims; i++) {
        const char *name = sp->dims[i].name;
        if (strncmp(name, "ks ", 3) == 0 && (ks < 0 || i == ks + nslots))
            ks = ks < 0 ? i : ks, nslots++;
        else if (strncmp(name, "e ", 2) == 0 && e < 0)
            e = i;
        else if (strncmp(name, "depth ", 6) == 0)
            d = d < 0 ? i : d, nstages++;
    }
    if (ks < 0 || e < 0 || d < 0 || !nstages || nslots % nstages)
        return 0;
    int per = nslots / nstages;
    size_t off = (size_t)snprintf(buf, n, "%-7s%-7s", "stage", "depth");
    for (int b = 0; b < per && off < n; b++)
        off += (size_t)snprintf(buf + off, n - off, "block %-4d", b + 1);
    for (int st = 0; st < nstages && off < n; st++) {
        const char *dv = sp->dims[d + st].choices[ar->v[d + st]];
        off += (size_t)snprintf(buf + off, n - off, "\n%-7d%-7s", st + 1, dv);
        for (int b = 0; b < per && b < atoi(dv) && off < n; b++) {
            int slot = st * per + b;
            char cell[32];
            snprintf(cell, sizeof cell, "k%s e%s", sp->dims[ks + slot].choices[ar->v[ks + slot]],
                     sp->dims[e + slot].choices[ar->v[e + slot]]);
            off += (size_t)snprintf(buf + off, n - off, "%-10s", cell);
        }
    }
    off += (size_t)snprintf(buf + off, n - off < n ? n - off : 0,
                            "\n(k kernel size, e expansion ratio; blocks past the depth do "
                            "not run)\n");
    for (int i = 0; i < sp->ndims && off < n; i++) /* what is not in the table */
        if (!(i >= ks && i < ks + nslots) && !(i >= e && i < e + nslots) &&
            !(i >= d && i < d + nstages))
            off += (size_t)snprintf(buf + off, n - off, "%-12s %s\n", sp->dims[i].name,
                                    sp->dims[i].choices[ar->v[i]]);
    return off < n ? off : n - 1;
}

/* The short form's words and what they stand for, from the space itself:
 * each choice put in an architecture, read back in short. */
size_t pane_legend(const struct space *sp, const char *text, char *buf, size_t n)
{
    struct arch base, ar;
    size_t off = 0;
    buf[0] = '\0';
    if (!sp->ops->brief || space_decode(sp, text, &base, NULL) < 0 || sp->ndims < 1)
        return 0;
    int nc = sp->dims[0].nchoices;
    for (int i = 1; i < sp->ndims; i++)
        if (sp->dims[i].nchoices != nc || sp->dims[i].choices != sp->dims[0].choices)
            return 0; /* no one vocabulary */
    off += (size_t)snprintf(buf, n, "short form:");
    for (int c = 0; c < nc && off < n; c++)
        for (int d = 0; d < sp->ndims; d++) {
            char b[256], word[32];
            ar = base;
            ar.v[d] = (uint8_t)c;
            if (sp->ops->brief(sp, &ar, b, sizeof b) < 0)
                continue;
            const char *p = b;
            for (int k = 0; k < d && p; k++)
                p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
            if (!p || sscanf(p, "%31s", word) != 1)
                continue;
            off += (size_t)snprintf(buf + off, n - off, "%s %s %s", c ? "," : "", word,
                                    sp->dims[0].choices[c]);
            break;
        }
    if (off < n)
        off += (size_t)snprintf(buf + off, n - off, "; in the order");
    for (int d = 0; d < sp->ndims && off < n; d++)
        off += (size_t)snprintf(buf + off, n - off, "%s %s", d ? "," : "", sp->dims[d].name);
    return off < n ? off : n - 1;
}

static void draw(struct app *a, void *self, struct rect r)
{
    (void)r;
    struct detail *d = self;
    const struct state *st = app_state(a);
    if (d->rec == -2) { /* a text of its own: a log entry */
        textview_set(&d->tv, d->text);
    } else if (d->rec < 0 || (size_t)d->rec >= st->nrec) {
        return;
    } else {
        const struct record *rec = &st->rec[d->rec];
        char buf[8192], from[64];
        int mine = state_by_person(st, rec);
        size_t off = (size_t)snprintf(buf, sizeof buf,
                                      "# Architecture #%d, iteration %d, evaluation %d, from "
                                      "%s%s%s%s\n%s\n\n", rec->id, rec->iter, rec->order,
                                      state_provenance(st, rec, from, sizeof from),
                                      mine ? "" : " (", mine ? "" : source_name(rec->source),
                                      mine ? "" : ")", rec->text);
        struct arch arch;
        if (space_decode(a->sp, rec->text, &arch, NULL) == 0) {
            size_t t = stage_table(a->sp, &arch, buf + off, sizeof buf - off);
            off += t;
            for (int i = 0; !t && i < a->sp->ndims && off < sizeof buf; i++)
                off += (size_t)snprintf(buf + off, sizeof buf - off, "%-12s %s\n",
                                        a->sp->dims[i].name,
                                        a->sp->dims[i].choices[arch.v[i]]);
            char b[256];
            if (!t && a->sp->ops->brief && off < sizeof buf)
                off += (size_t)snprintf(buf + off, sizeof buf - off, "%-12s %s\n", "short",
                                        space_brief(a->sp, rec->text, b, sizeof b));
            if (!t && off < sizeof buf && pane_legend(a->sp, rec->text, buf + off,
                                                     sizeof buf - off) > 0)
                off += strlen(buf + off);
        }
        off += (size_t)snprintf(buf + off, off < sizeof buf ? sizeof buf - off : 0,
                                "\n\n# Metrics\n");
        for (int i = 0; i < st->info.nmetrics && off < sizeof buf; i++)
            off += (size_t)snprintf(buf + off, sizeof buf - off,
                                    i == st->info.report && !a->show_test
                                        ? "%-18s hidden while the search runs (--show-test)\n"
                                        : "%-18s %.6g %s\n",
                                    st->info.metrics[i].name, rec->m[i],
                                    st->info.metrics[i].unit);
        if (rec->source == SRC_USER && off < sizeof buf) /* no strategy proposed it */
            snprintf(buf + off, sizeof buf - off, "\n# Yours: you injected it; no strategy "
                                                  "proposed it\n");
        for (int i = st->strategies - 1; rec->source != SRC_USER && i >= 0 && off < sizeof buf;
             i--)
            if (st->strats[i].iter <= rec->iter) {
                snprintf(buf + off, sizeof buf - off, "\n# The strategy %s "
                         "(iteration %d, %s)\n%s\n", mine ? "behind the proposal you edited"
                                                         : "it came from",
                         st->strats[i].iter, st->strats[i].by, st->strats[i].text);
                break;
            }
        textview_set(&d->tv, buf);
    }
    struct rect b;
    pane_center(LINES - 4, COLS - 8, &b);
    d->h = b.h - 2;
    textview_draw(&d->tv, stdscr, b.y + 1, b.x + 2, d->h, b.w - 4);
    overlay_where(&d->tv, d->h, b);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    (void)page;
    struct detail *d = self; /* a page is what shows: no line is out of reach */
    return textview_key(&d->tv, ch, d->h > 0 ? d->h : LINES - 6) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    struct detail *d = self;
    textview_free(&d->tv);
    free(d->text);
    free(d);
}

const struct pane_ops overlay_detail = {"Detail", 0, init, draw, key, NULL, free_, NULL};

void overlay_detail_show(struct app *a, int rec)
{
    struct detail *d = a->oself[O_DETAIL];
    d->rec = rec;
    textview_set(&d->tv, NULL);
    a->overlay = O_DETAIL;
}

void overlay_detail_text(struct app *a, const char *text)
{
    struct detail *d = a->oself[O_DETAIL];
    free(d->text);
    d->text = strdup(text);
    d->rec = d->text ? -2 : -1;
    textview_set(&d->tv, NULL);
    a->overlay = O_DETAIL;
}
