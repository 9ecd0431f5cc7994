/* collm sessions: the saved sessions, the last written first, each with
 * its space, algorithm, evaluations and best, rebuilt by the reducer as
 * replay would. A file that cannot be read is listed with why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine/core/state.h"
#include "../engine/spaces/space.h"
#include "../sessions/catalog.h"
#include "../sessions/journal.h"
#include "cmds.h"
#include "opts.h"

static const char usage[] =
    "usage: collm sessions [--dir DIR]\n"
    "\n"
    "Lists the saved sessions, the last written first: when, the space, the\n"
    "algorithm, the evaluations against the budget, the best objective, whether\n"
    "it ended, and the file (for collm replay, resume, export). collm replay\n"
    "--last plays the first of them.";

/* Spaces stay open across sessions: opening one reads its tables. */
struct spaces {
    struct space *sp[16];
    int n;
};

static struct space *space_for(struct spaces *c, const char *spec, const char *datadir,
                               struct err *e)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->sp[i]->id, spec) == 0)
            return c->sp[i];
    if (c->n == (int)(sizeof c->sp / sizeof c->sp[0]))
        return err_set(e, spec, "more spaces than this listing keeps open"), NULL;
    struct space *sp = space_open(spec, datadir, e);
    if (sp)
        c->sp[c->n++] = sp;
    return sp;
}

/* One row: `when space algo evals best ended file`, or why not. */
static void row(const struct session_entry *se, struct spaces *c, const char *datadir)
{
    char when[32];
    struct tm tm;
    gmtime_r(&se->mtime.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    struct err e = {0};
    struct session ss;
    if (session_read(se->path, &ss, &e) < 0) {
        char why[1024];
        printf("%-16s  (cannot be read: %s)  %s\n", when, err_str(&e, why, sizeof why),
               se->path);
        return;
    }
    const struct session_info *info = ss.evs[0].info;
    struct space *sp = space_for(c, info->space, datadir, &e);
    struct state st;
    state_init(&st, sp ? space_decode_ctx : NULL, sp, sp ? sp->front_cost : -1);
    int bad = !sp;
    for (int i = 0; !bad && i < ss.n; i++)
        bad = state_apply(&st, &ss.evs[i], &e) < 0;
    char evals[32], best[32] = "-";
    snprintf(evals, sizeof evals, "%d/%d", st.started, st.info.budget);
    const struct record *b = bad ? NULL : state_best(&st);
    if (b)
        snprintf(best, sizeof best, "%.2f", b->m[st.info.objective]);
    printf("%-16s  %-16s %-7s %9s %7s  %-7s  %s\n", when, info->space, info->algo,
           bad ? "?" : evals, best, bad ? "damaged" : st.ended ? "ended" : "stopped", se->path);
    state_free(&st);
    session_free(&ss);
}

int cmd_sessions(int argc, char **argv)
{
    const char *dir = NULL, *datadir = NULL;
    const struct opt opts[] = {
        {"dir", OPT_STR, &dir, "DIR", "the sessions folder (default: $XDG_DATA_HOME/collm/"
                                      "sessions, else ~/.local/share/collm/sessions)", NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files", NULL},
        {0},
    };
    char *pos[1], deflt[4096];
    int npos;
    struct err e = {0};
    int rc = opts_parse("sessions", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("sessions", &e);
    if (!dir && session_dir(deflt, sizeof deflt, &e) < 0)
        return cmd_fail("sessions", &e);
    if (!dir)
        dir = deflt;
    struct session_entry *list;
    int n;
    if (session_list(dir, &list, &n, &e) < 0)
        return cmd_fail("sessions", &e);
    if (n == 0) {
        fprintf(stderr, "collm sessions: no sessions in %s\n", dir);
        free(list);
        return EXIT_OK;
    }
    printf("%-16s  %-16s %-7s %9s %7s  %-7s  %s\n", "written (UTC)", "space", "algo", "evals",
           "best", "state", "file");
    struct spaces c = {0};
    for (int i = 0; i < n && !cmd_output_gone(); i++)
        row(&list[i], &c, datadir);
    for (int i = 0; i < c.n; i++)
        space_close(c.sp[i]);
    free(list);
    return EXIT_OK;
}
