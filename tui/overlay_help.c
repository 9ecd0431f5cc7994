/* The help overlay: where a live search's session is written, every key,
 * from the action table, the space's short form explained and what the
 * colours mean. Arrows scroll it; any other
 * key closes it. */
#include <stdlib.h>
#include <string.h>

#include "../widgets/textview.h"
#include "app.h"

static void *init(struct app *a)
{
    (void)a;
    return calloc(1, sizeof(struct textview));
}

/* The colours, each word in its own: what a row's colour means. */
static void draw_colours(int y, int x, int w)
{
    static const struct { enum theme_role role; const char *what; } c[] = {
        {ROLE_BEST, "best"},          {ROLE_FRONT, "Pareto front"},
        {ROLE_LATEST, "this batch"},  {ROLE_KEY, "waits for you"},
        {ROLE_BAD, "rejected"},       {ROLE_WARN, "failed"},
        {ROLE_DIM, "queued, duplicate"},
    };
    wattrset(stdscr, theme_attr(ROLE_NORMAL));
    mvaddnstr(y, x, "colours:", w);
    int cx = x + 9;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        int l = (int)strlen(c[i].what);
        if (cx + l > x + w)
            break;
        wattrset(stdscr, theme_attr(c[i].role));
        mvaddstr(y, cx, c[i].what);
        cx += l + 2;
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
    snprintf(text, sizeof text, "%s%s%s%s\n\n%s", session, actions_help(),
             legend[0] ? "\n\n" : "", legend, filter_help);
    textview_set(self, text);
    pane_center(LINES - 2, 84, &b);
    textview_draw(self, stdscr, b.y + 1, b.x + 2, b.h - 3, b.w - 4);
    draw_colours(b.y + b.h - 2, b.x + 2, b.w - 4);
}

static enum handled key(struct app *a, void *self, int ch, int page)
{
    (void)a;
    (void)page;
    return textview_key(self, ch, LINES - 4) ? HANDLED : IGNORED;
}

static void free_(void *self)
{
    textview_free(self);
    free(self);
}

const struct pane_ops overlay_help = {"Help", 0, init, draw, key, NULL, free_};
