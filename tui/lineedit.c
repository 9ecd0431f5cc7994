#include "lineedit.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

void lineedit_start(struct lineedit *e, const char *text, size_t size, int (*accept)(int ch))
{
    e->size = size < sizeof e->text ? size : sizeof e->text;
    e->accept = accept;
    snprintf(e->text, e->size, "%s", text ? text : "");
}

enum lineedit_result lineedit_key(struct lineedit *e, int ch)
{
    size_t n = strlen(e->text);
    if (ch == 27)
        return LINEEDIT_CANCEL;
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
        return LINEEDIT_ENTER;
    if (ch == 21) /* Ctrl-U */
        e->text[0] = '\0';
    else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
        e->text[n - 1] = '\0';
    else if ((e->accept ? e->accept(ch) : ch >= 32 && ch < 127) && n + 1 < e->size) {
        e->text[n] = (char)ch;
        e->text[n + 1] = '\0';
    }
    return LINEEDIT_TYPING;
}
