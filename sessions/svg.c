#include "svg.h"

#include <math.h>

void svg_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

double svg_step(double range)
{
    double raw = range / 6, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

double svg_x(const struct svg_plot *p, double x)
{
    return p->left + (x - p->x0) / (p->x1 - p->x0) * (p->right - p->left);
}

double svg_y(const struct svg_plot *p, double y)
{
    return p->bottom - (y - p->y0) / (p->y1 - p->y0) * (p->bottom - p->top);
}

void svg_fit(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi)) /* nothing to plot: an empty frame */
        *lo = 0, *hi = 1;
    if (*hi - *lo < 1e-9)
        *lo -= 0.5, *hi += 0.5;
    double m = (*hi - *lo) * 0.05;
    *lo -= m, *hi += m;
}

static void title(FILE *f, const char *name, const char *unit)
{
    svg_text(f, name);
    if (unit && unit[0]) {
        fputs(" (", f);
        svg_text(f, unit);
        fputc(')', f);
    }
}

void svg_axes(FILE *f, const struct svg_plot *p, const char *xname, const char *xunit,
              const char *yname, const char *yunit)
{
    fprintf(f, "<g stroke=\"#444\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n",
            p->left, p->bottom, p->right, p->bottom, p->left, p->top, p->left, p->bottom);
    double sx = svg_step(p->x1 - p->x0), sy = svg_step(p->y1 - p->y0);
    /* k * step, not a running sum, so no tick drifts to 0.30000000000000004 */
    for (double k = ceil(p->x0 / sx); k * sx <= p->x1; k++)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
                svg_x(p, k * sx), p->bottom, svg_x(p, k * sx), p->bottom + 5, svg_x(p, k * sx),
                p->bottom + 18, k * sx);
    for (double k = ceil(p->y0 / sy); k * sy <= p->y1; k++)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                p->left - 5, svg_y(p, k * sy), p->left, svg_y(p, k * sy), p->left - 8,
                svg_y(p, k * sy) + 4, k * sy);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (p->left + p->right) / 2,
            p->bottom + 40);
    title(f, xname, xunit);
    fprintf(f, "</text>\n<text transform=\"translate(%.0f %.1f) rotate(-90)\" "
               "text-anchor=\"middle\">", p->left - 52, (p->top + p->bottom) / 2);
    title(f, yname, yunit);
    fputs("</text>\n", f);
}

const char *svg_colour(int i)
{
    static const char *c[] = {"#d9822b", "#2b6cb0", "#2f855a", "#9b2c2c",
                              "#6b46c1", "#b7791f", "#2c7a7b", "#4a5568"};
    return c[(i % 8 + 8) % 8];
}
