/* Subnet architectures of the supernet: the dict form, the choices, and
 * what a subnet costs. No weights here, so the search space and its
 * constraints need none of the network code. */
#include "sn_arch.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nn.h"

const int sn_res_choices[3] = {20, 24, 28};
const int sn_ks_choices[3] = {3, 5, 7};
const int sn_e_choices[3] = {3, 4, 6};
const int sn_d_choices[3] = {2, 3, 4};
const int sn_stage_in[SN_STAGES] = {16, 24};
const int sn_stage_c[SN_STAGES] = {24, 48};

static int one_of(int v, const int *c)
{
    return v == c[0] || v == c[1] || v == c[2];
}

/* zero_ok: 0 stands for "unused" (an inactive block), as in OFA's dicts */
static int read_ints(const cJSON *o, const char *key, int n, const int *choices, int zero_ok,
                     int *out, struct err *e)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, key), *it;
    if (!l)
        return err_usage(e, key, "missing; expected a list of %d values (%d, %d or %d)", n,
                         choices[0], choices[1], choices[2]);
    if (!cJSON_IsArray(l) || cJSON_GetArraySize(l) != n)
        return err_usage(e, key, "expected a list of %d values (%d, %d or %d)", n, choices[0],
                         choices[1], choices[2]);
    int i = 0;
    cJSON_ArrayForEach(it, l)
    {
        double v = cJSON_IsNumber(it) ? it->valuedouble : NAN;
        if (!(v == v) || v != floor(v) || v < -1e6 || v > 1e6 ||
            !(one_of((int)v, choices) || (zero_ok && v == 0))) {
            char where[32];
            snprintf(where, sizeof where, "%s[%d]", key, i);
            return err_usage(e, where, "expected %d, %d or %d%s", choices[0], choices[1],
                             choices[2], zero_ok ? " (0 for a block beyond the depth)" : "");
        }
        out[i++] = (int)v;
    }
    return 0;
}

int sn_arch_parse(const char *text, struct sn_arch *a, struct err *e)
{
    cJSON *o = cJSON_Parse(text);
    if (!o || !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return err_usage(e, "architecture",
                         "expected a JSON object {\"r\":R,\"d\":[2],\"ks\":[8],\"e\":[8]}");
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, o)
    {
        if (strcmp(it->string, "r") && strcmp(it->string, "d") && strcmp(it->string, "ks") &&
            strcmp(it->string, "e")) {
            err_usage(e, it->string, "unknown field; expected r, d, ks and e");
            cJSON_Delete(o);
            return -1;
        }
    }
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(o, "r");
    int rc = 0;
    struct sn_arch t;
    if (!rv || !cJSON_IsNumber(rv) || rv->valuedouble != floor(rv->valuedouble) ||
        fabs(rv->valuedouble) > 1e6 || !one_of((int)rv->valuedouble, sn_res_choices))
        rc = err_usage(e, "r", "expected the resolution, %d, %d or %d", sn_res_choices[0],
                       sn_res_choices[1], sn_res_choices[2]);
    else
        t.r = (int)rv->valuedouble;
    if (!rc)
        rc = read_ints(o, "d", SN_STAGES, sn_d_choices, 0, t.d, e);
    if (!rc)
        rc = read_ints(o, "ks", SN_BLOCKS, sn_ks_choices, 1, t.ks, e);
    if (!rc)
        rc = read_ints(o, "e", SN_BLOCKS, sn_e_choices, 1, t.e, e);
    cJSON_Delete(o);
    for (int s = 0; !rc && s < SN_STAGES; s++)
        for (int j = 0; !rc && j < t.d[s]; j++) {
            int b = s * SN_MAXD + j;
            if (t.ks[b] && t.e[b])
                continue;
            char where[16];
            snprintf(where, sizeof where, "%s[%d]", t.ks[b] ? "e" : "ks", b);
            rc = err_usage(e, where, "block %d of stage %d is active (depth %d): it needs %s", j,
                           s + 1, t.d[s], t.ks[b] ? "an expansion 3, 4 or 6"
                                                  : "a kernel size 3, 5 or 7");
        }
    if (rc)
        return -1;
    *a = t;
    sn_arch_canonical(a);
    return 0;
}

int sn_arch_format(const struct sn_arch *a, char *buf, size_t n)
{
    char ks[64] = "", ev[64] = "";
    for (int i = 0; i < SN_BLOCKS; i++) {
        size_t l = strlen(ks);
        snprintf(ks + l, sizeof ks - l, "%s%d", i ? "," : "", a->ks[i]);
        l = strlen(ev);
        snprintf(ev + l, sizeof ev - l, "%s%d", i ? "," : "", a->e[i]);
    }
    int len = snprintf(buf, n, "{\"r\":%d,\"d\":[%d,%d],\"ks\":[%s],\"e\":[%s]}", a->r, a->d[0],
                       a->d[1], ks, ev);
    return len < 0 || (size_t)len >= n ? -1 : len;
}

void sn_arch_canonical(struct sn_arch *a)
{
    for (int s = 0; s < SN_STAGES; s++)
        for (int j = a->d[s]; j < SN_MAXD; j++)
            a->ks[s * SN_MAXD + j] = 0, a->e[s * SN_MAXD + j] = 0;
}

void sn_arch_largest(struct sn_arch *a)
{
    a->r = sn_res_choices[2];
    for (int s = 0; s < SN_STAGES; s++)
        a->d[s] = sn_d_choices[2];
    for (int i = 0; i < SN_BLOCKS; i++)
        a->ks[i] = sn_ks_choices[2], a->e[i] = sn_e_choices[2];
}

void sn_arch_smallest(struct sn_arch *a)
{
    a->r = sn_res_choices[0];
    for (int s = 0; s < SN_STAGES; s++)
        a->d[s] = sn_d_choices[0];
    for (int i = 0; i < SN_BLOCKS; i++)
        a->ks[i] = sn_ks_choices[0], a->e[i] = sn_e_choices[0];
    sn_arch_canonical(a);
}

void sn_arch_sample(struct rng *r, struct sn_arch *a)
{
    a->r = sn_res_choices[rng_below(r, 3)];
    for (int s = 0; s < SN_STAGES; s++)
        a->d[s] = sn_d_choices[rng_below(r, 3)];
    for (int i = 0; i < SN_BLOCKS; i++) {
        a->ks[i] = sn_ks_choices[rng_below(r, 3)];
        a->e[i] = sn_e_choices[rng_below(r, 3)];
    }
    sn_arch_canonical(a);
}

/* Walks the active layers once, for both cost functions. */
static void arch_costs(const struct sn_arch *a, double *macs, double *params)
{
    double m = 0, p = 0;
    int h = a->r;
    m += (double)h * h * SN_STEM_C * 9, p += SN_STEM_C * 9 + 2 * SN_STEM_C;
    h = nn_conv_out(h, 3, 2);
    m += (double)h * h * SN_STEM_C * 9 + (double)h * h * SN_STEM_C * SN_STEM_C;
    p += SN_STEM_C * 9 + SN_STEM_C * SN_STEM_C + 4 * SN_STEM_C;
    for (int s = 0; s < SN_STAGES; s++)
        for (int j = 0; j < a->d[s]; j++) {
            int b = s * SN_MAXD + j, cin = j ? sn_stage_c[s] : sn_stage_in[s], cout = sn_stage_c[s];
            int mid = cin * a->e[b], k = a->ks[b], ho = j ? h : nn_conv_out(h, k, 2);
            m += (double)h * h * cin * mid + (double)ho * ho * mid * k * k +
                 (double)ho * ho * mid * cout;
            p += (double)cin * mid + mid * k * k + (double)mid * cout + 4.0 * mid + 2.0 * cout;
            h = ho;
        }
    int last = sn_stage_c[SN_STAGES - 1];
    m += (double)h * h * last * SN_HEAD_C + SN_HEAD_C * SN_CLASSES;
    p += (double)last * SN_HEAD_C + 2 * SN_HEAD_C + SN_HEAD_C * SN_CLASSES + SN_CLASSES;
    *macs = m, *params = p;
}

double sn_arch_mflops(const struct sn_arch *a)
{
    double m, p;
    arch_costs(a, &m, &p);
    return m / 1e6;
}

double sn_arch_mparams(const struct sn_arch *a)
{
    double m, p;
    arch_costs(a, &m, &p);
    return p / 1e6;
}
