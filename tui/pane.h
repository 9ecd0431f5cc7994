/* Panes and overlays (as tig's struct view_ops and htop's Panel): each is
 * one file that fills in a struct pane_ops. A new pane is that file plus
 * one PANES row naming where it sits in each layout. */
#ifndef COLLM_TUI_PANE_H
#define COLLM_TUI_PANE_H

#include "../engine/core/event.h"

struct app;
struct cand;

struct rect {
    int y, x, h, w;
};

/* htop's HandlerResult, reduced to what we need: a key the pane did not
 * use goes on to the next handler (or closes an overlay). */
enum handled { IGNORED, HANDLED };

struct pane_ops {
    const char *name;   /* its title */
    int focusable;      /* Tab stops at it */
    void *(*init)(struct app *a);                              /* its own state */
    void (*draw)(struct app *a, void *self, struct rect r);
    enum handled (*key)(struct app *a, void *self, int ch, int page); /* may be NULL */
    void (*event)(struct app *a, void *self, const struct event *ev);  /* may be NULL */
    void (*free)(void *self);
    /* A click at (y, x) from the corner of its rect (tui/mouse.c): selects
     * the row there; 1 when it was selected already, 0 when it is now, -1
     * when nothing is there. May be NULL: a click only focuses the pane. */
    int (*click)(struct app *a, void *self, int y, int x);
};

/* Where a pane sits: the wide layout (three columns, from 160x40) and the
 * narrow one (two by two; LOG_SLOT is the history's slot shared with the
 * log: under it on tall screens, in its place when asked). */
enum slot {
    WIDE_LEFT, WIDE_MID_TOP, WIDE_MID_BOTTOM, WIDE_RIGHT_TOP, WIDE_RIGHT_BOTTOM,
    TOP_LEFT, BOTTOM_LEFT, TOP_RIGHT, BOTTOM_RIGHT, LOG_SLOT, SLOT__COUNT
};

/* The panes, in Tab order: X(id, ops, wide slot, narrow slot). */
#define PANES(X)                                                  \
    X(STRATEGY, pane_strategy, WIDE_LEFT, TOP_LEFT)               \
    X(CANDS, pane_cands, WIDE_MID_TOP, BOTTOM_LEFT)               \
    X(HISTORY, pane_history, WIDE_MID_BOTTOM, BOTTOM_RIGHT)       \
    X(PLOT, pane_plot, WIDE_RIGHT_TOP, TOP_RIGHT)                 \
    X(LOG, pane_log, WIDE_RIGHT_BOTTOM, LOG_SLOT)

/* The overlays: X(id, ops). Their key handler says IGNORED to close. */
#define OVERLAYS(X) X(HELP, overlay_help) X(DETAIL, overlay_detail) X(QUIT, overlay_quit)

enum pane_id {
#define X(id, ops, wide, narrow) P_##id,
    PANES(X)
#undef X
    P__COUNT
};
enum overlay_id {
    O_NONE = -1,
#define X(id, ops) O_##id,
    OVERLAYS(X)
#undef X
    O__COUNT
};

#define X(id, ops, wide, narrow) extern const struct pane_ops ops;
PANES(X)
#undef X
#define X(id, ops) extern const struct pane_ops ops;
OVERLAYS(X)
#undef X

/* What panes ask of one another. */
const struct cand *pane_cands_selected(struct app *a); /* the selected candidate, or NULL */
void pane_cands_next(struct app *a);                   /* select the one under it */
int pane_history_selected(struct app *a);              /* a record, or -1 */
void pane_history_filter(struct app *a);               /* opens its prompt (/) */
/* An answer streaming in: its tail is the log's last line. */
void pane_log_stream(struct app *a, const char *role, const char *text, size_t len);
void overlay_detail_show(struct app *a, int rec);
void overlay_detail_text(struct app *a, const char *text); /* any text, wrapped */
/* The space's short form explained ("short form: - none, sk skip_connect
 * ...; in the order edge 1<-0, ..."), from an architecture of it; 0 when
 * the space has none. */
struct space;
size_t pane_legend(const struct space *sp, const char *text, char *buf, size_t n);

/* Drawing helpers every pane shares. */
int pane_unicode(void); /* the locale has UTF-8: box lines and braille; else ASCII */
void pane_box(int y, int x, int h, int w);
void pane_frame(struct app *a, int id, const char *extra);
void pane_center(int h, int w, struct rect *out);
/* On an overlay's bottom edge (box b) when its text is longer than the h
 * rows it shows: which lines show and the keys that show the rest. */
struct textview;
void overlay_where(const struct textview *tv, int h, struct rect b);

#endif
