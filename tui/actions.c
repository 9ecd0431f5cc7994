/* The action table (tui/actions.h) read three ways: by key, as the help
 * screen, as footer hints. */
#include "actions.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define K(...) {__VA_ARGS__, -1}
#define NOKEYS {-1}

static const struct {
    int modes;
    const char *label, *help, *hint[2];
    int keys[6];
} rows[A__COUNT] = {
#define X(id, modes, label, help, hl, hr, more, keys) {modes, label, help, {hl, hr}, keys},
    ACTIONS(X)
#undef X
};

enum action actions_find(int ch, int mode)
{
    for (int a = 0; a < A__COUNT; a++)
        if (rows[a].modes & mode)
            for (const int *k = rows[a].keys; *k != -1; k++)
                if (*k == ch)
                    return (enum action)a;
    return A_NONE;
}

const char *actions_help(void)
{
    static char buf[2048];
    size_t off = 0;
    for (int a = 0; a < A__COUNT && off < sizeof buf; a++)
        if (rows[a].label)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%-10s %s\n", rows[a].label,
                                    rows[a].help);
    if (off < sizeof buf)
        snprintf(buf + off, sizeof buf - off, "Arrows, j/k, PgUp/PgDn, Home/End scroll the "
                                              "focused pane (and this help). Any other key "
                                              "closes it.\nMouse: a click focuses a pane and "
                                              "picks a row; a click on that row again, or a "
                                              "double click, opens it as Enter does; the wheel "
                                              "scrolls (--no-mouse leaves the mouse to the "
                                              "terminal).");
    return buf;
}

/* What does not fit in n - 1 columns goes, from the end, but ? help and
 * q quit stay: they lead to everything else. */
void actions_footer(char *buf, size_t n, const enum action *list, int mode)
{
    int keep[32] = {0}, k = 0;
    size_t need = 0;
    for (const enum action *l = list; *l != A_NONE && k < 32; l++, k++) {
        const char *h = rows[*l].hint[mode == M_REPLAY];
        keep[k] = h[0] != '\0';
        need += keep[k] ? strlen(h) + 2 : 0;
    }
    for (int i = k - 1; i >= 0 && n && need > n + 1; i--)
        if (keep[i] && list[i] != A_HELP && list[i] != A_QUIT) {
            keep[i] = 0;
            need -= strlen(rows[list[i]].hint[mode == M_REPLAY]) + 2;
        }
    size_t off = 0;
    if (n)
        buf[0] = '\0';
    for (int i = 0; i < k && off < n; i++)
        if (keep[i])
            off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? "  " : "",
                                    rows[list[i]].hint[mode == M_REPLAY]);
}
