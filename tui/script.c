/* Key scripts, the way tig tests its views: keys from a file instead of
 * the terminal, a virtual screen, and `dump` writing the screen as text.
 * Every line goes through the same path as the keyboard: `key`/`keys` are
 * keys, `click`/`dclick`/`wheel` are the mouse's events, and `step`, `run`
 * and `seek` are actions of the key map. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app.h"
#include "cmds.h"

static int script_key(const char *s)
{
    static const struct {
        const char *name;
        int key;
    } names[] = {{"up", KEY_UP},       {"down", KEY_DOWN}, {"left", KEY_LEFT},
                 {"right", KEY_RIGHT}, {"pgup", KEY_PPAGE}, {"pgdn", KEY_NPAGE},
                 {"home", KEY_HOME},   {"end", KEY_END},   {"tab", '\t'},
                 {"enter", '\n'},      {"esc", 27},        {"space", ' '},
                 {"btab", KEY_BTAB},   {"bs", KEY_BACKSPACE}, {"del", KEY_DC}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].key;
    if (strncmp(s, "ctrl-", 5) == 0 && s[5] >= 'a' && s[5] <= 'z' && !s[6])
        return s[5] - 'a' + 1;
    return s[0] && !s[1] ? (unsigned char)s[0] : -1;
}

static void dump(struct app *a, const char *path)
{
    app_draw(a);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "collm: script: dump %s: %s\n", path, strerror(errno));
        a->code = EXIT_FAIL;
        return;
    }
    for (int y = 0; y < LINES; y++) {
        wchar_t w[512];
        char out[2048];
        int n = mvinnwstr(y, 0, w, COLS < 511 ? COLS : 511);
        if (n < 0)
            n = 0;
        w[n] = 0;
        size_t len = wcstombs(out, w, sizeof out - 1);
        if (len == (size_t)-1)
            len = 0;
        out[len] = '\0';
        while (len && out[len - 1] == ' ') /* no trailing blanks in expected files */
            out[--len] = '\0';
        fprintf(f, "%s\n", out);
    }
    fclose(f);
}

/* make bench: N full redraws, timed */
static void frames(struct app *a, const char *arg)
{
    int n = 0;
    char out[400] = "";
    sscanf(arg, "%d %399s", &n, out);
    FILE *f = out[0] ? fopen(out, "w") : NULL;
    for (int i = 0; f && i < n; i++) {
        uint64_t t = uv_hrtime();
        redrawwin(stdscr); /* everything, not only what changed */
        app_draw(a);
        fprintf(f, "%.9f\n", (double)(uv_hrtime() - t) * 1e-9);
    }
    if (f)
        fclose(f);
}

static void fail(struct app *a, const char *what, const char *arg)
{
    fprintf(stderr, "collm: script: unknown %s '%s'\n", what, arg);
    a->code = EXIT_USAGE;
    app_quit(a);
}

/* `click R C`, `dclick R C` (a double click), `wheel up|down R C`: what
 * the terminal's mouse would give tui/mouse.c. */
static int mouse_line(struct app *a, const char *cmd, const char *arg)
{
    char dir[8] = "";
    int y, x, n = 0;
    enum mouse_kind k = cmd[0] == 'd' ? MOUSE_DOUBLE : MOUSE_CLICK;
    if (cmd[0] == 'w') {
        n = sscanf(arg, "%7s %d %d", dir, &y, &x) - 1;
        k = strcmp(dir, "up") == 0 ? MOUSE_WHEEL_UP : MOUSE_WHEEL_DOWN;
        if (strcmp(dir, "up") != 0 && strcmp(dir, "down") != 0)
            n = 0;
    } else {
        n = sscanf(arg, "%d %d", &y, &x);
    }
    if (n != 2) {
        fail(a, "mouse line (click R C, dclick R C, wheel up|down R C)", arg);
        return -1;
    }
    app_mouse(a, k, y, x);
    return 0;
}

/* The steps a script still asks for, each once the search has settled
 * from the last: 1 when the script must wait. */
static int take_steps(struct app *a)
{
    while (a->script_steps > 0) {
        if (a->mode->script_waits(a, 0))
            return 1;
        a->script_steps--;
        app_act(a, a->mode->step, a->mode->step_key);
    }
    return a->mode->script_waits(a, 0);
}

/* Some evaluation has said how far it is (a slow evaluator's progress). */
static int progress_shown(struct app *a)
{
    const struct state *st = app_state(a);
    for (int i = st->ncands - 1; i >= 0 && st->cands[i].iter == st->iter; i--)
        if (st->cands[i].status == CAND_EVALUATING && st->cands[i].eval_total > 0)
            return 1;
    return st->ended;
}

/* Runs script lines until one has to wait for the search. */
static void on_script(uv_idle_t *h)
{
    struct app *a = h->data;
    if (a->script_wait == 3) { /* "progress": until an evaluation reports, */
        if (!progress_shown(a))
            return;
        a->script_wait = 0; /* and then at once, not once the search settles */
    } else {
        if (a->script_wait && a->mode->script_waits(a, a->script_wait == 2))
            return;
        a->script_wait = 0;
        if (take_steps(a)) {
            a->script_wait = 1;
            return;
        }
    }
    char line[512];
    while (!a->quit && fgets(line, sizeof line, a->script)) {
        line[strcspn(line, "\r\n")] = '\0';
        char cmd[32] = "", arg[480] = "";
        if (sscanf(line, "%31s %479[^\n]", cmd, arg) < 1 || cmd[0] == '#')
            continue;
        if (strcmp(cmd, "key") == 0) {
            int k = script_key(arg);
            if (k < 0) {
                fail(a, "key", arg);
                break;
            }
            app_key(a, k);
        } else if (strcmp(cmd, "keys") == 0) {
            for (char *p = arg; *p; p++)
                app_key(a, (unsigned char)*p);
        } else if (strcmp(cmd, "step") == 0) { /* an iteration (or n), then paused */
            a->script_steps = arg[0] ? atoi(arg) : 1;
            if (take_steps(a)) {
                a->script_wait = 1;
                return;
            }
        } else if (strcmp(cmd, "run") == 0) { /* to the end */
            app_act(a, A_RUN, 0);
            if (a->mode->script_waits(a, 1)) {
                a->script_wait = 2;
                return;
            }
        } else if (strcmp(cmd, "progress") == 0) { /* live: until an evaluation reports */
            if (!progress_shown(a)) {
                a->script_wait = 3;
                return;
            }
        } else if (strcmp(cmd, "seek") == 0) { /* replay: as typed after `:` */
            app_key(a, ':');
            for (char *p = arg; *p; p++)
                app_key(a, (unsigned char)*p);
            app_key(a, '\n');
        } else if (strcmp(cmd, "resize") == 0) {
            int w = 0, hgt = 0;
            if (sscanf(arg, "%dx%d", &w, &hgt) == 2 && w > 0 && hgt > 0)
                resize_term(hgt, w);
        } else if (strcmp(cmd, "click") == 0 || strcmp(cmd, "dclick") == 0 ||
                   strcmp(cmd, "wheel") == 0) { /* the mouse at screen row, column (0-based) */
            if (mouse_line(a, cmd, arg) < 0)
                break;
        } else if (strcmp(cmd, "dump") == 0) {
            dump(a, arg);
        } else if (strcmp(cmd, "frames") == 0) {
            frames(a, arg);
        } else if (strcmp(cmd, "quit") == 0) {
            app_quit(a);
        } else {
            fail(a, "command", cmd);
        }
    }
    if (!a->quit) /* the script ran out */
        app_quit(a);
}

void script_start(struct app *a)
{
    uv_idle_init(a->loop, &a->script_idle);
    a->script_idle.data = a;
    uv_idle_start(&a->script_idle, on_script);
}
