#include <stdio.h>

#include "../engine/search/algo.h"
#include "../engine/spaces/space.h"
#include "cmds.h"
#include "opts.h"

int cmd_spaces(int argc, char **argv)
{
    static const struct opt opts[] = {{0}};
    char *pos[1];
    int npos;
    struct err e;
    int rc = opts_parse("spaces", "usage: collm spaces\n\nLists the search spaces and the "
                        "search algorithms.", opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("spaces", &e);
    int n;
    const struct space_kind *s = space_registry(&n);
    printf("Spaces (--space):\n");
    for (int i = 0; i < n; i++)
        printf("  %-18s %s\n", s[i].name, s[i].summary);
    const struct algo_kind *const *a = algo_registry(&n);
    printf("\nAlgorithms (--algo):\n");
    for (int i = 0; i < n; i++)
        printf("  %-18s %s\n", a[i]->name, a[i]->summary);
    return EXIT_OK;
}
