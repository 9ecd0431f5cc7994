/* The help overlay: where a live search's session is written, every key,
 * from the action table, the space's short form explained and what the
 * colours mean. Arrows, PgUp/PgDn and Home/End scroll it, and its bottom
 * edge says where it is (as less and tig do: at 80x24 it is longer than
 * the screen); any other key closes it. */
#include <stdlib.h>
#include <string.h>

#include "../widgets/textview.h"
#include "app.h"

struct help {
    struct textview tv;
    int h; /* the rows it had at the last draw: a page */
};

static void *init(struct app *a)
{
    (void)a;
    return calloc(1, sizeof(struct help));
}

void overlay_where(const struct textview *tv, int h, struct rect b)
{
    char where[48], t[128];
    int up, down, u = pane_unicode();
    if (!textview_where(tv, h, where, sizeof where, &up, &down))
        return;
    const char *keys = up && down ? "j/k PgUp/PgDn Home/End"
                       : down     ? "more: j/k PgDn End"
                                  : "k PgUp Home";
    snprintf(t, sizeof t, " %s  %s %s ", where,
             up && down ? (u ? "\u2191\u2193" : "^v") : down ? (u ? "\u2193" : "v")
                                                           : (u ? "\u2191" : "^"),
             keys);
    wattrset(stdscr, theme_attr(ROLE_FOCUS));
    mvaddnstr(b.y + b.h - 1, b.x + 2, t, b.w - 4);
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

/* What each colour means, one line each in its own colour, at the end of
 * the text: a row awaiting review is not an error, and says so. Short
 * lines, so none wraps and each is the text's n-th line from the end. */
static const struct {
    enum theme_role role;
    const char *name, *what;
} colours[] = {
    {ROLE_BEST, "best", "the best architecture so far (History, plot)"},
    {ROLE_FRONT, "Pareto front", "no other is both better and cheaper"},
    {ROLE_LATEST, "this batch", "evaluating now, or evaluated this iteration"},
    {ROLE_REVIEW, "waits for you", "a candidate to review: a approve, v veto, e edit"},
    {ROLE_BAD, "rejected", "invalid or over the constraint: the footer says why"},
    {ROLE_WARN, "failed", "its evaluation failed: the log says why"},
    {ROLE_DIM, "queued", "not run yet; or a duplicate, already evaluated"},
};
#define NCOLOURS (sizeof colours / sizeof colours[0])

static size_t colours_text(char *buf, size_t n)
{
    size_t off = (size_t)snprintf(buf, n, "\n\n# Colours of the rows and points");
    for (size_t i = 0; i < NCOLOURS && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, "\n%-14s %s", colours[i].name,
                                colours[i].what);
    return off;
}

/* Each visible line of the legend gets its name in its colour. */
static void draw_colours(const struct help *hp, int y, int x)
{
    for (size_t i = 0; i < NCOLOURS; i++) {
        int row = hp->tv.lines - (int)NCOLOURS + (int)i - hp->tv.top;
        if (row < 0 || row >= hp->h)
            continue;
        wattrset(stdscr, theme_attr(colours[i].role));
        mvaddstr(y + row, x, colours[i].name);
    }
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
}

/* The filter's terms, which one help line cannot hold (README: The History filter). */
static const char filter_help[] =
    "filter (/): terms separated by spaces, all of which a row must pass. valid>91 or "
    "valid_acc>91: a metric by its name or a prefix only it has, with < <= > >= = != (= to "
    "the digits typed); edge3<-0=sk: an NB201 edge, the op short or long; r=28, d[1]=4, "
    "[3]=2: a key or an element of a dict or list architecture; anything else: text in the "
    "long or the short form, in any case. test_acc only where it is shown.";

static void draw(struct app *a, void *self, struct rect r)
{
    (void)r;
    struct rect b;
    const struct state *st = app_state(a);
    char text[8192], legend[1024] = "", session[4200] = "";
    if (st->nrec) /* the short form of this space's architectures, explained */
        pane_legend(a->sp, st->rec[0].text, legend, sizeof legend);
    if (a->mode->mask == M_LIVE) /* where this search is kept, before it ends */
        snprintf(session, sizeof session, "session %s\n\n",
                 a->live.session ? a->live.session : "none: --no-session writes nothing");
    size_t off = (size_t)snprintf(text, sizeof text, "%s%s%s%s\n\n%s", session,
                                  actions_help(), legend[0] ? "\n\n" : "", legend,
                                  filter_help);
    if (off < sizeof text)
        colours_text(text + off, sizeof text - off);
    struct help *hp = self;
    textview_set(&hp->tv, text);
    pane_center(LINES - 2, 84, &b);
    hp->h = b.h - 2;
    textview_draw(&hp->tv, stdscr, b.y + 1, b.x + 2, hp->h, b.w - 4);
    draw_colours(hp, b.y + 1, b.x + 2);
    overlay_where(&hp->tv, hp->h, b);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    (void)page;
    struct help *hp = self; /* a page is what shows: no line is out of reach */
    return textview_key(&hp->tv, ch, hp->h > 0 ? hp->h : LINES - 5) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    textview_free(&((struct help *)self)->tv);
    free(self);
}

const struct pane_ops overlay_help = {"Help", 0, init, draw, key, NULL, free_, NULL};
