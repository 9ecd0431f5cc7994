/* The theme loader on a theme file: it loads, or refuses naming the line,
 * and a refused theme leaves the monochrome one. */
#include "fuzz.h"

#include <unistd.h>

#include "../../widgets/theme.h"

static char dir[64], path[128];

static void remove_dir(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(dir, sizeof dir, "/tmp/collm-fuzz-theme-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/fuzz.theme", dir);
    atexit(remove_dir);
    unsetenv("NO_COLOR");
    /* a colour terminal that draws nowhere: the loader asks curses */
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    if (!out || !in || !newterm("xterm-256color", out, in))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write_file(path, data, size);
    struct theme_err e = {{0}, {0}};
    if (theme_load("fuzz", dir, &e) == 0) {
        FUZZ_CHECK(strcmp(theme_name(), "fuzz") == 0);
    } else {
        FUZZ_CHECK(strcmp(theme_name(), "mono") == 0 && e.msg[0] && e.where[0]);
        FUZZ_CHECK(theme_attr(ROLE_SELECTED) == A_REVERSE);
    }
    for (int r = 0; r < ROLE__COUNT; r++)
        theme_attr((enum theme_role)r);
    unlink(path);
    return 0;
}
