#include "space.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "autoformer.h"
#include "fmnist.h"
#include "nb201.h"
#include "ofa.h"
#include "spos.h"

static const struct space_kind registry[] = {
    {"nb201:cifar10", "NAS-Bench-201 cell, CIFAR-10 (15,625 archs, 200-epoch table)",
     nb201_space_open, nb201_space_files},
    {"nb201:cifar100", "NAS-Bench-201 cell, CIFAR-100 (15,625 archs, 200-epoch table)",
     nb201_space_open, nb201_space_files},
    {"nb201:imagenet16", "NAS-Bench-201 cell, ImageNet16-120 (15,625 archs, 200-epoch table)",
     nb201_space_open, nb201_space_files},
    {"ofa-mbv3", "Once-for-All MobileNetV3, ImageNet (~1e20 archs, OFA's accuracy predictor, "
                 "MFLOPs, Note10 latency)", ofa_space_open, ofa_space_files},
    {"fmnist-supernet", "the built-in elastic MobileNetV3-style supernet, Fashion-MNIST "
                        "(1.6e8 subnets, inherited weights after BN recalibration, MFLOPs, params)",
     fmnist_space_open, fmnist_space_files},
    {"spos-shufflenet", "Single Path One-Shot ShuffleNetV2 blocks, ImageNet (1.1e12 archs, "
                        "exact MFLOPs and params; bring your own supernet: --evaluator)",
     spos_space_open, spos_space_files},
    {"autoformer-tiny", "AutoFormer-T vision transformer, ImageNet (2.8e11 archs, exact params "
                        "and MFLOPs; bring your own supernet: --evaluator)",
     autoformer_tiny_open, autoformer_space_files},
    {"autoformer-small", "AutoFormer-S vision transformer, ImageNet (7.7e13 archs, exact params "
                         "and MFLOPs; bring your own supernet: --evaluator)",
     autoformer_small_open, autoformer_space_files},
    {"autoformer-base", "AutoFormer-B vision transformer, ImageNet (6.2e15 archs, exact params "
                        "and MFLOPs; bring your own supernet: --evaluator)",
     autoformer_base_open, autoformer_space_files},
};
#define NKINDS ((int)(sizeof registry / sizeof registry[0]))

const struct space_kind *space_registry(int *n)
{
    *n = NKINDS;
    return registry;
}

/* The family of a name or spec: "nb201" of "nb201:cifar10". */
static size_t family_len(const char *s)
{
    const char *colon = strchr(s, ':');
    return colon ? (size_t)(colon - s) : strlen(s);
}

struct space *space_open(const char *spec, const char *datadir, struct err *e)
{
    size_t flen = family_len(spec);
    if (flen == 0 || flen >= 32)
        return err_usage(e, "--space", "expected FAMILY[:DATASET], e.g. nb201:cifar10"), NULL;
    const char *variant = spec[flen] == ':' ? spec + flen + 1 : NULL;
    for (int i = 0; i < NKINDS; i++)
        if (family_len(registry[i].name) == flen && strncmp(registry[i].name, spec, flen) == 0)
            return registry[i].open(variant, datadir, e);

    char list[256] = "";
    for (int i = 0; i < NKINDS; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, registry[i].name, sizeof list - strlen(list) - 1);
    }
    err_usage(e, "--space", "unknown space '%s'; known: %s", spec, list);
    return NULL;
}

void space_close(struct space *s)
{
    if (s && s->ops->destroy)
        s->ops->destroy(s);
}

int space_decode(const struct space *s, const char *text, struct arch *out, struct err *e)
{
    return s->ops->decode(s, text, out, e);
}

char *space_schema(const struct space *s)
{
    return s->ops->schema ? s->ops->schema(s) : NULL;
}

int space_decode_ctx(const void *space, const char *text, struct arch *out, struct err *e)
{
    return space_decode(space, text, out, e);
}

int space_encode(const struct space *s, const struct arch *a, char *buf, size_t n)
{
    return s->ops->encode(s, a, buf, n);
}

int space_cost(const struct space *s, const struct arch *a, double *m, struct err *e)
{
    return s->ops->cost(s, a, m, e);
}

double space_prior(const struct space *s, int dim, int choice)
{
    return s->ops->prior ? s->ops->prior(s, dim, choice) : 0.0;
}

void space_sample(const struct space *s, struct rng *r, struct arch *out)
{
    if (s->ops->sample) {
        s->ops->sample(s, r, out);
        return;
    }
    memset(out, 0, sizeof *out);
    out->n = (uint16_t)s->ndims;
    for (int i = 0; i < s->ndims; i++)
        out->v[i] = (uint8_t)rng_below(r, (uint32_t)s->dims[i].nchoices);
}

void space_mutate(const struct space *s, struct rng *r, const struct arch *in, struct arch *out)
{
    if (s->ops->mutate) {
        s->ops->mutate(s, r, in, out);
        return;
    }
    *out = *in;
    int d = (int)rng_below(r, (uint32_t)s->ndims);
    int nc = s->dims[d].nchoices;
    if (nc < 2)
        return;
    /* a different choice, uniformly among the others */
    int v = (int)rng_below(r, (uint32_t)(nc - 1));
    if (v >= in->v[d])
        v++;
    out->v[d] = (uint8_t)v;
}

void space_canonical(const struct space *s, struct arch *a)
{
    if (s->ops->canonical)
        s->ops->canonical(s, a);
}

int space_neighbours(const struct space *s, const struct arch *a, struct arch *out, int max)
{
    int n = 0;
    for (int d = 0; d < s->ndims; d++)
        for (int c = 0; c < s->dims[d].nchoices; c++) {
            if (c == a->v[d])
                continue;
            if (n == max)
                return n;
            out[n] = *a;
            out[n].v[d] = (uint8_t)c;
            space_canonical(s, &out[n]);
            int dup = arch_eq(&out[n], a);
            for (int k = 0; k < n && !dup; k++)
                dup = arch_eq(&out[k], &out[n]);
            if (!dup)
                n++;
        }
    return n;
}

void space_nth(const struct space *s, size_t k, struct arch *out)
{
    memset(out, 0, sizeof *out);
    out->n = (uint16_t)s->ndims;
    for (int d = 0; d < s->ndims; d++) {
        out->v[d] = (uint8_t)(k % (size_t)s->dims[d].nchoices);
        k /= (size_t)s->dims[d].nchoices;
    }
}

const char *space_brief(const struct space *s, const char *text, char *buf, size_t n)
{
    struct arch a;
    if (space_decode(s, text, &a, NULL) < 0) {
        snprintf(buf, n, "%s", text);
        return buf;
    }
    if (s->ops->brief && s->ops->brief(s, &a, buf, n) >= 0)
        return buf;
    size_t off = 0;
    buf[0] = '\0';
    for (int d = 0; d < s->ndims && off < n; d++)
        off += (size_t)snprintf(buf + off, n - off, "%s%s", d ? " " : "",
                                s->dims[d].choices[a.v[d]]);
    return buf;
}

int space_term(const struct space *s, const char *key, const char *value, int *dim, int *choice,
               struct err *e)
{
    return s->ops->term ? s->ops->term(s, key, value, dim, choice, e) : 1;
}

struct cJSON *space_json_object(const char *text, const char *expected, struct err *e)
{
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithOpts(text, &end, 0);
    if (cJSON_IsObject(o))
        return o;
    char where[48];
    long at = o ? 1 : (end && end >= text ? (long)(end - text) + 1 : 1);
    snprintf(where, sizeof where, "character %ld", at);
    cJSON_Delete(o);
    err_usage(e, where, "expected a JSON object %s", expected);
    return NULL;
}
