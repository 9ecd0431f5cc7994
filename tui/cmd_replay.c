#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

#include "../engine/core/state.h"
#include "../engine/spaces/space.h"
#include "../sessions/catalog.h"
#include "../sessions/journal.h"
#include "cmds.h"
#include "config.h"
#include "headless.h"
#include "tui.h"
#include "opts.h"
#include "../widgets/theme.h"

static const char usage[] =
    "usage: collm replay FILE|--last [--speed X] [--headless | --json | --quiet]\n"
    "\n"
    "Plays a saved session in the TUI (in a terminal), or prints the lines a live\n"
    "headless run printed (--headless, or when not a terminal), with the original\n"
    "timing scaled by --speed (2 = twice as fast; 0 = as fast as possible). The\n"
    "state is rebuilt by the same reducer as a live search. TUI keys: space pause,\n"
    ". step, [ ] previous/next iteration, < > speed, ? help, q quit.";

/* Sleeps for `secs` seconds of session time at `speed`, at most 10 s per
 * gap so a long pause in the original does not hold the replay forever. */
static void wait_scaled(double secs, double speed)
{
    if (speed <= 0 || secs <= 0)
        return;
    double d = fmin(secs / speed, 10.0);
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    nanosleep(&ts, NULL);
}

/* f in the replay: this process becomes `collm resume FILE --from SEQ`,
 * in the same terminal, so the fork goes on live where the replay stood. */
static int fork_live(const char *file, uint64_t seq, const char *datadir, const char *theme,
                     int no_mouse)
{
    char from[32];
    snprintf(from, sizeof from, "%llu", (unsigned long long)seq);
    char *argv[16];
    int n = 0;
    argv[n++] = "collm";
    argv[n++] = "resume";
    argv[n++] = (char *)file;
    argv[n++] = "--from";
    argv[n++] = from;
    if (datadir) {
        argv[n++] = "--data";
        argv[n++] = (char *)datadir;
    }
    if (theme) {
        argv[n++] = "--theme";
        argv[n++] = (char *)theme;
    }
    if (no_mouse)
        argv[n++] = "--no-mouse";
    n += config_args(argv + n, 2); /* the same config file as the replay's */
    argv[n] = NULL;
    fflush(NULL);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "collm replay: cannot start the fork (collm resume %s --from %s): %s\n",
            file, from, strerror(errno));
    return EXIT_FAIL;
}

/* Headless replay: each event printed once the state has taken it. */
struct play {
    double speed, last_t;
    int started, output_gone;
    struct headless h;
};

static int play_one(void *ud, const struct event *ev, const struct state *st, struct err *e)
{
    struct play *pl = ud;
    if (pl->started)
        wait_scaled(ev->t - pl->last_t, pl->speed);
    pl->started = 1;
    pl->last_t = ev->t;
    headless_on_event(&pl->h, ev, st);
    if (cmd_output_gone()) { /* `| head` has what it wanted */
        pl->output_gone = 1;
        return err_set(e, "", "the output was closed");
    }
    return 0;
}

/* --last: the first of `collm sessions`. */
static int last_session(char *buf, size_t n, struct err *e)
{
    char dir[4096];
    struct session_entry *list;
    int count;
    if (session_dir(dir, sizeof dir, e) < 0 || session_list(dir, &list, &count, e) < 0)
        return -1;
    if (count)
        snprintf(buf, n, "%s", list[0].path);
    free(list);
    return count ? 0 : err_usage(e, "--last", "no sessions in %s", dir);
}

/* The replay's options: the defaults and the table pointing at them. */
struct replay_args {
    double speed;
    int json, quiet, headless, timestamps, show_test, last, no_mouse;
    const char *datadir, *theme, *size, *script;
};

static int replay_table(struct replay_args *a, struct opt *o, int max)
{
    *a = (struct replay_args){.speed = 1.0, .script = getenv("COLLM_TUI_SCRIPT")};
    const struct opt mine[] = {
        {"speed", OPT_DOUBLE, &a->speed, "X", "time scale: 0.25 to 64, or 0 for no waiting "
                                              "(default 1)", NULL},
        {"headless", OPT_FLAG, &a->headless, NULL, "print the lines a headless run printed "
                                                   "instead of the TUI", NULL},
        {"theme", OPT_STR, &a->theme, "NAME", "TUI colours: dark, light, mono", NULL},
        {"script", OPT_STR, &a->script, "FILE", "TUI tests: keys from FILE", NULL},
        {"size", OPT_STR, &a->size, "WxH", "TUI tests: the virtual screen", NULL},
        {"json", OPT_FLAG, &a->json, NULL, "print the events as JSON Lines", NULL},
        {"timestamps", OPT_FLAG, &a->timestamps, NULL, "keep the time offsets in JSON", NULL},
        {"quiet", OPT_FLAG, &a->quiet, NULL, "print only the final summary", NULL},
        {"data", OPT_STR, &a->datadir, "DIR", "folder with the data files", NULL},
        {"show-test", OPT_FLAG, &a->show_test, NULL, "TUI: show the test accuracy of a session "
                                                     "that did not end too", NULL},
        {"last", OPT_FLAG, &a->last, NULL, "the session written last (the first of collm "
                                           "sessions) instead of FILE", NULL},
        {"no-mouse", OPT_FLAG, &a->no_mouse, NULL, "TUI: leave the mouse to the terminal (its "
                                                   "own text selection)", NULL},
    };
    int n = (int)(sizeof mine / sizeof mine[0]);
    memcpy(o, mine, sizeof mine);
    n += config_opts(o + n, max - 1 - n);
    o[n] = (struct opt){0};
    return n;
}

int cmd_replay_table(struct opt *o, int max)
{
    static struct replay_args scratch;
    return replay_table(&scratch, o, max);
}

int cmd_replay(int argc, char **argv)
{
    struct replay_args a;
    struct opt opts[24];
    replay_table(&a, opts, 24);
    char *pos[1];
    int npos;
    struct err e = {0};
    if (config_load(opts, argc, argv, &e) < 0)
        return cmd_fail("replay", &e);
    int rc = opts_parse("replay", usage, opts, argc, argv, pos, 1, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("replay", &e);
    char newest[4096];
    if (a.last && npos)
        return cmd_usage("replay", "--last", "give FILE or --last, not both");
    if (a.last && last_session(newest, sizeof newest, &e) < 0)
        return cmd_fail("replay", &e);
    if (a.last)
        pos[npos++] = newest;
    if (npos != 1)
        return cmd_usage("replay", "", "give the session file to replay, or --last (see "
                         "--help)");
    if (a.speed != 0 && (a.speed < 0.25 || a.speed > 64))
        return cmd_usage("replay", "--speed", "must be 0 or between 0.25 and 64, got %g",
                         a.speed);
    struct theme_err te = {0};
    if (a.theme && theme_check(a.theme, NULL, &te) < 0)
        return cmd_usage("replay", te.where, "%s", te.msg);

    struct session ss;
    if (!a.headless && !a.json && !a.quiet &&
        (a.script || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)))) {
        /* the TUI seeks back and forth: it keeps every event */
        if (session_read(pos[0], &ss, &e) < 0)
            return cmd_fail("replay", &e);
        if (ss.warnings[0])
            fprintf(stderr, "collm replay: %s: %s", pos[0], ss.warnings);
        struct space *sp = space_open(ss.evs[0].info->space, a.datadir, &e);
        if (!sp) {
            session_free(&ss);
            return cmd_fail("replay", &e);
        }
        struct tui_opts o;
        tui_opts_default(&o);
        o.speed = a.speed > 0 ? a.speed : 64;
        o.script = a.script;
        o.show_test = a.show_test;
        o.no_mouse = a.no_mouse;
        if (a.theme)
            o.theme = a.theme;
        if (a.size)
            sscanf(a.size, "%dx%d", &o.cols, &o.rows);
        uv_loop_t loop;
        uv_loop_init(&loop);
        int fork_at = 0;
        int code = tui_replay(&ss, sp, &loop, &o, &fork_at);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        space_close(sp);
        uint64_t seq = fork_at > 0 ? ss.evs[fork_at - 1].seq : 0;
        session_free(&ss);
        if (seq)
            return fork_live(pos[0], seq, a.datadir, a.theme, a.no_mouse);
        return code;
    }
    /* headless: an event at a time, printed as it is applied; a session of
     * any length needs the memory of one line */
    struct play pl = {.speed = a.speed};
    struct session_rebuild rb = {.file = pos[0], .datadir = a.datadir, .after = play_one,
                                 .ud = &pl};
    headless_init(&pl.h, stdout, a.json, a.timestamps, a.quiet);
    int code = EXIT_OK;
    if (session_scan(pos[0], &ss, session_rebuild, &rb, &e) < 0 && !pl.output_gone)
        code = cmd_fail("replay", &e);
    if (code == EXIT_OK && ss.warnings[0]) /* after the table, as the error would be */
        fprintf(stderr, "collm replay: %s: %s", pos[0], ss.warnings);
    if (code == EXIT_OK && rb.sp && !a.json && !cmd_output_gone())
        headless_summary(&pl.h, &rb.st);
    session_free(&ss);
    session_rebuild_free(&rb);
    return code;
}
