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

/* On the bottom edge: which lines show, and the keys that show the rest. */
static void draw_where(const struct help *hp, struct rect b)
{
    char where[48], t[128];
    int up, down, u = pane_unicode();
    if (!textview_where(&hp->tv, hp->h, where, sizeof where, &up, &down))
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
    snprintf(text, sizeof text, "%s%s%s%s", session, actions_help(), legend[0] ? "\n\n" : "",
             legend);
    struct help *hp = self;
    textview_set(&hp->tv, text);
    pane_center(LINES - 2, 84, &b);
    hp->h = b.h - 3;
    textview_draw(&hp->tv, stdscr, b.y + 1, b.x + 2, hp->h, b.w - 4);
    draw_colours(b.y + b.h - 2, b.x + 2, b.w - 4);
    draw_where(hp, b);
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

const struct pane_ops overlay_help = {"Help", 0, init, draw, key, NULL, free_};
