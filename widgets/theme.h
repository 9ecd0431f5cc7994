/* Colours by role, from theme files (themes/NAME.theme), with a monochrome
 * scheme that uses only bold/underline/reverse, chosen when the terminal has
 * no colours, when NO_COLOR is set, or by name. One table of roles, as
 * htop's CRT colour schemes: everything that draws asks for a role. */
#ifndef COLLM_THEME_H
#define COLLM_THEME_H

#include <curses.h>


#define THEME_ROLES(X)                                                                     \
    X(NORMAL, "normal")                                                                    \
    X(DIM, "dim")                                                                          \
    X(TITLE, "title")                                                                      \
    X(BORDER, "border")                                                                    \
    X(FOCUS, "focus")                                                                      \
    X(SECTION, "section")                                                                  \
    X(SELECTED, "selected")                                                                \
    X(STATUS, "status")                                                                    \
    X(KEY, "key")                                                                          \
    X(REVIEW, "review")                                                                    \
    X(GOOD, "good")                                                                        \
    X(BAD, "bad")                                                                          \
    X(WARN, "warn")                                                                        \
    X(POINT, "point")                                                                      \
    X(LATEST, "latest")                                                                    \
    X(FRONT, "front")                                                                      \
    X(BEST, "best")

enum theme_role {
#define X(id, name) ROLE_##id,
    THEME_ROLES(X)
#undef X
    ROLE__COUNT
};

/* What went wrong with a theme: the file and line, and what was expected.
 * Widgets sit below the engine (DESIGN §2), so they keep their own. */
struct theme_err {
    char where[256];
    char msg[512];
};

/* Loads DIR/NAME.theme (dir NULL: themes/ beside prompts/, the program's
 * folder or $COLLM_PROMPTS_DIR); "mono" is built in. Call after initscr().
 * Falls back to mono when the terminal has no colours or NO_COLOR is set. */
int theme_load(const char *name, const char *dir, struct theme_err *e);
/* Whether `name` is a theme theme_load can open (mono, or a file in DIR,
 * NULL: the installed folder), without curses: the command line refuses
 * an unknown name before the screen opens. -1 with `e` listing the names
 * there are. */
int theme_check(const char *name, const char *dir, struct theme_err *e);
attr_t theme_attr(enum theme_role r);
const char *theme_name(void);

#endif
