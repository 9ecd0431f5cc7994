#include "metric.h"

#include <string.h>

int metric_find(const struct metric_def *defs, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(defs[i].name, name) == 0)
            return i;
    return -1;
}
