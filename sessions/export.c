#include "export.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

/* CSV fields: quoted when they hold a comma, a quote or a newline */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int export_csv(FILE *f, const struct state *st)
{
    fputs("order,iter,id,source,by,arch", f);
    for (int i = 0; i < st->info.nmetrics; i++) {
        const struct metric_def *m = &st->info.metrics[i];
        fprintf(f, ",%s%s%s%s", m->name, m->unit && m->unit[0] ? "_" : "",
                m->unit && strcmp(m->unit, "%") ? m->unit : "", m->unit && !strcmp(m->unit, "%")
                                                                     ? "pct" : "");
    }
    fputc('\n', f);
    for (size_t r = 0; r < st->nrec; r++) {
        const struct record *x = &st->rec[r];
        char by[64];
        fprintf(f, "%d,%d,%d,%s,", x->order, x->iter, x->id,
                state_by_person(st, x) ? "person" : source_name(x->source));
        csv_field(f, state_provenance(st, x, by, sizeof by));
        fputc(',', f);
        csv_field(f, x->text);
        char num[40];
        for (int i = 0; i < st->info.nmetrics; i++)
            fprintf(f, ",%s", num_exact(x->m[i], num, sizeof num));
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

int export_pareto(FILE *f, const struct state *st, int cost)
{
    if (cost < 0)
        cost = st->front_cost;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "space", st->info.space ? st->info.space : "");
    cJSON_AddStringToObject(o, "objective", st->info.metrics[st->info.objective].name);
    cJSON_AddStringToObject(o, "cost", cost >= 0 ? st->info.metrics[cost].name : "");
    cJSON *a = cJSON_AddArrayToObject(o, "front");
    int *idx = malloc((st->nrec + 1) * sizeof *idx);
    long n = idx ? state_front(st, cost, idx) : 0;
    for (long i = 0; i < n; i++) {
        const struct record *x = &st->rec[idx[i]];
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "arch", x->text);
        cJSON_AddNumberToObject(p, "id", x->id);
        cJSON_AddNumberToObject(p, "order", x->order);
        cJSON *m = cJSON_AddObjectToObject(p, "metrics");
        for (int k = 0; k < st->info.nmetrics; k++)
            cJSON_AddNumberToObject(m, st->info.metrics[k].name, x->m[k]);
        cJSON_AddItemToArray(a, p);
    }
    free(idx);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    if (!s)
        return -1;
    fputs(s, f);
    fputc('\n', f);
    free(s);
    return ferror(f) ? -1 : 0;
}

/* The x of record i: its cost, or with no cost metric at all (a session
 * that records only its objective) its place in the order of evaluation. */
static double xval(const struct state *st, size_t i, int cost)
{
    return cost >= 0 ? st->rec[i].m[cost] : (double)st->rec[i].order;
}

int export_svg(FILE *f, const struct state *st, int cost)
{
    if (cost < 0)
        cost = st->front_cost;
    int obj = st->info.objective;
    const struct metric_def order = {.name = "evaluation", .unit = "order"};
    const double W = 720, H = 480, L = 70, R = 20, T = 40, B = 60;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < st->nrec; i++) {
        double x = xval(st, i, cost), y = st->rec[i].m[obj];
        if (!isfinite(x) || !isfinite(y))
            continue;
        x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
    }
    svg_fit(&x0, &x1);
    svg_fit(&y0, &y1);
    const struct svg_plot pl = {L, T, W - R, H - B, x0, x1, y0, y1};
#define SX(v) svg_x(&pl, (v))
#define SY(v) svg_y(&pl, (v))
    const struct metric_def *mx = cost >= 0 ? &st->info.metrics[cost] : &order,
                            *my = &st->info.metrics[obj];
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
            W, H, W, H);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%.0f\" "
               "y=\"22\" font-size=\"15\">", L);
    svg_text(f, st->info.algo ? st->info.algo : "");
    fputs(" on ", f);
    svg_text(f, st->info.space ? st->info.space : "");
    int *idx = malloc((st->nrec + 1) * sizeof *idx);
    long n = idx && cost >= 0 ? state_front(st, cost, idx) : 0;
    if (cost < 0)
        fprintf(f, ": %zu evaluated; no cost metric, so no Pareto front</text>\n", st->nrec);
    else
        fprintf(f, ": %zu evaluated, %ld on the Pareto front</text>\n", st->nrec, n > 0 ? n : 0);
    svg_axes(f, &pl, mx->name, mx->unit, my->name, my->unit);
    /* every evaluation, then the front as a staircase, then the best */
    fputs("<g fill=\"#9aa7b8\" fill-opacity=\"0.7\">\n", f);
    for (size_t i = 0; i < st->nrec; i++)
        if (isfinite(xval(st, i, cost)) && isfinite(st->rec[i].m[obj]))
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>\n", SX(xval(st, i, cost)),
                    SY(st->rec[i].m[obj]));
    fputs("</g>\n", f);
    if (n > 0) {
        fputs("<polyline fill=\"none\" stroke=\"#d9822b\" stroke-width=\"2\" points=\"", f);
        for (long i = 0; i < n; i++) {
            const double *m = st->rec[idx[i]].m;
            if (i)
                fprintf(f, "%.1f,%.1f ", SX(m[cost]), SY(st->rec[idx[i - 1]].m[obj]));
            fprintf(f, "%.1f,%.1f ", SX(m[cost]), SY(m[obj]));
        }
        fputs("\"/>\n<g fill=\"#d9822b\">\n", f);
        for (long i = 0; i < n; i++)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\"/>\n",
                    SX(st->rec[idx[i]].m[cost]), SY(st->rec[idx[i]].m[obj]));
        fputs("</g>\n", f);
    }
    free(idx);
    const struct record *b = state_best(st);
    if (b) {
        double bx = SX(cost >= 0 ? b->m[cost] : (double)b->order), by = SY(b->m[obj]);
        fprintf(f, "<path d=\"M%.1f %.1f l3 7 7 0 -6 5 3 8 -7 -5 -7 5 3 -8 -6 -5 7 0z\" "
                   "fill=\"#c0392b\" stroke=\"white\"/>\n", bx, by - 10);
        int left = bx > W - R - 90; /* keep the label inside the picture */
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#c0392b\" text-anchor=\"%s\">best %.2f"
                   "</text>\n", left ? bx - 12 : bx + 12, by + 4, left ? "end" : "start",
                b->m[obj]);
    }
    fprintf(f, "<g font-size=\"11\"><circle cx=\"%.0f\" cy=\"%.0f\" r=\"3\" fill=\"#9aa7b8\"/>"
               "<text x=\"%.0f\" y=\"%.0f\">evaluated</text><circle cx=\"%.0f\" cy=\"%.0f\" "
               "r=\"4.5\" fill=\"#d9822b\"/><text x=\"%.0f\" y=\"%.0f\">Pareto front</text></g>\n",
            W - 230, 17.0, W - 222, 21.0, W - 140, 17.0, W - 132, 21.0);
    fputs("</svg>\n", f);
#undef SX
#undef SY
    return ferror(f) ? -1 : 0;
}
