#include "event.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

static const char *const type_names[] = {
#define X(id, name) name,
    EVENT_TYPES(X)
#undef X
};
static const char *const source_names[] = {
#define X(id, name) name,
    SOURCES(X)
#undef X
};
static const char *const reject_names[] = {
#define X(id, name) name,
    REJECT_REASONS(X)
#undef X
};
static const char *const end_names[] = {
#define X(id, name) name,
    END_REASONS(X)
#undef X
};
static const char *const role_names[] = {"objective", "report", "cost"};


static int find_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static const char *const review_names[] = {
#define X(id, name) name,
    REVIEW_POLICIES(X)
#undef X
};

static const char *const phase_names[] = {
#define X(id, name) name,
    EVAL_PHASES(X)
#undef X
};

const char *review_name(enum review_policy r) { return r < REVIEW__COUNT ? review_names[r] : "?"; }
int review_from_name(const char *name) { return find_name(review_names, REVIEW__COUNT, name); }

const char *event_type_name(enum event_type t) { return t < EV__COUNT ? type_names[t] : "?"; }
int event_type_from_name(const char *name) { return find_name(type_names, EV__COUNT, name); }
const char *source_name(enum source s) { return s < SRC__COUNT ? source_names[s] : "?"; }
const char *reject_reason_name(enum reject_reason r) { return r < REJ__COUNT ? reject_names[r] : "?"; }
const char *end_reason_name(enum end_reason r) { return r < END__COUNT ? end_names[r] : "?"; }

/* Enums are read and written through int pointers by the field codec. */
_Static_assert(sizeof(enum eval_phase) == sizeof(int), "enums are ints");
_Static_assert(sizeof(enum source) == sizeof(int) && sizeof(enum review_policy) == sizeof(int) &&
                   sizeof(enum reject_reason) == sizeof(int) &&
                   sizeof(enum end_reason) == sizeof(int) && sizeof(enum metric_role) == sizeof(int),
               "enums must be int-sized");

#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->off))
#define CAT(obj, f, type) ((const type *)((const char *)(obj) + (f)->off))

/* ---- the kinds of their own ---------------------------------------------- */

/* A candidate of a proposal and a message of an LLM conversation, each an
 * element of a list. */
static const struct field cand_fields[] = {
    {.key = "id", .kind = FK_INT, .off = offsetof(struct ev_cand, id), .types = FIELDS_ALL},
    {.key = "arch", .kind = FK_STR, .off = offsetof(struct ev_cand, arch), .types = FIELDS_ALL},
};
static const struct field msg_fields[] = {
    {.key = "role", .kind = FK_STR, .off = offsetof(struct ev_msg, role), .types = FIELDS_ALL},
    {.key = "content", .kind = FK_STR, .off = offsetof(struct ev_msg, content),
     .types = FIELDS_ALL},
};

/* An evaluation's metrics, named by the header (the context). */
static void metrics_to_json(cJSON *o, const struct field *f, const void *obj, const void *ctx)
{
    const double *m = CAT(obj, f, double);
    const struct session_info *info = ctx;
    cJSON *mo = cJSON_AddObjectToObject(o, f->key);
    for (int i = 0; info && i < info->nmetrics; i++)
        fields_add_exact(mo, info->metrics[i].name, m[i]);
}

static int metrics_from_json(cJSON *o, const struct field *f, void *obj, const void *ctx,
                             struct err *e)
{
    double *m = AT(obj, f, double);
    const struct session_info *info = ctx;
    const cJSON *mo = cJSON_GetObjectItemCaseSensitive(o, f->key);
    if (!cJSON_IsObject(mo))
        return err_set(e, f->key, "expected an object");
    if (!info)
        return err_set(e, f->key, "no session_started event came before this one");
    for (int i = 0; i < info->nmetrics; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(mo, info->metrics[i].name);
        if (cJSON_IsNull(v)) {
            m[i] = NAN;
        } else if (cJSON_IsNumber(v)) {
            m[i] = v->valuedouble;
        } else {
            err_set(e, info->metrics[i].name, "expected a number");
            err_wrap(e, f->key);
            return -1;
        }
    }
    return 0;
}

static const struct field_ops metrics_ops = {metrics_to_json, metrics_from_json, NULL, NULL};

/* The header's metric definitions. */
static void metric_defs_to_json(cJSON *o, const struct field *f, const void *obj,
                                const void *ctx)
{
    (void)ctx;
    const struct session_info *in = obj;
    cJSON *ms = cJSON_AddArrayToObject(o, f->key);
    for (int i = 0; i < in->nmetrics; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", in->metrics[i].name);
        cJSON_AddStringToObject(m, "unit", in->metrics[i].unit ? in->metrics[i].unit : "");
        cJSON_AddStringToObject(m, "role", role_names[in->metrics[i].role]);
        if (in->metrics[i].help)
            cJSON_AddStringToObject(m, "help", in->metrics[i].help);
        cJSON_AddItemToArray(ms, m);
    }
}

static const struct field metric_def_fields[] = {
    {.key = "name", .kind = FK_STR, .off = offsetof(struct metric_def, name), .types = FIELDS_ALL},
    {.key = "unit", .kind = FK_STR, .off = offsetof(struct metric_def, unit), .types = FIELDS_ALL},
    {.key = "role", .kind = FK_ENUM, .off = offsetof(struct metric_def, role),
     .types = FIELDS_ALL, .names = role_names, .nnames = 3},
    {.key = "help", .kind = FK_STR, .off = offsetof(struct metric_def, help),
     .types = FIELDS_ALL, .flags = FF_OPTIONAL},
};
#define NDEF ((int)(sizeof metric_def_fields / sizeof metric_def_fields[0]))

static int metric_defs_from_json(cJSON *o, const struct field *f, void *obj, const void *ctx,
                                 struct err *e)
{
    (void)ctx;
    struct session_info *in = obj;
    cJSON *ms = cJSON_GetObjectItemCaseSensitive(o, f->key), *m;
    if (!cJSON_IsArray(ms) || cJSON_GetArraySize(ms) < 1 ||
        cJSON_GetArraySize(ms) > METRIC_MAX)
        return err_set(e, f->key, "expected an array of 1 to %d metrics", METRIC_MAX);
    cJSON_ArrayForEach(m, ms)
    {
        /* counted before it is read, so a partial one is freed too */
        if (fields_from_json(metric_def_fields, NDEF, FIELDS_ALL, m,
                             &in->metrics[in->nmetrics++], NULL, e) < 0) {
            err_wrap(e, f->key);
            return -1;
        }
    }
    return 0;
}

static int metric_defs_copy(const struct field *f, void *dst, const void *src)
{
    (void)f;
    struct session_info *d = dst;
    const struct session_info *s = src;
    for (int i = 0; i < s->nmetrics; i++)
        if (fields_copy(metric_def_fields, NDEF, &d->metrics[i], &s->metrics[i]) < 0)
            return -1;
    return 0;
}

static void metric_defs_clear(const struct field *f, void *obj, int release)
{
    (void)f;
    struct session_info *in = obj;
    for (int i = 0; i < in->nmetrics; i++)
        if (release)
            fields_free(metric_def_fields, NDEF, &in->metrics[i]);
        else
            in->metrics[i].name = in->metrics[i].unit = in->metrics[i].help = NULL;
}

static const struct field_ops metric_defs_ops = {metric_defs_to_json, metric_defs_from_json,
                                                 metric_defs_copy, metric_defs_clear};

/* A metric index, written as the metric's name (objective, report). */
static void metric_name_to_json(cJSON *o, const struct field *f, const void *obj,
                                const void *ctx)
{
    (void)ctx;
    const struct session_info *in = obj;
    int i = *CAT(obj, f, int);
    if (i >= 0 && i < in->nmetrics)
        cJSON_AddStringToObject(o, f->key, in->metrics[i].name);
}

static int metric_name_from_json(cJSON *o, const struct field *f, void *obj, const void *ctx,
                                 struct err *e)
{
    (void)ctx;
    struct session_info *in = obj;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f->key);
    int i = cJSON_IsString(v) ? metric_find(in->metrics, in->nmetrics, v->valuestring) : -1;
    *AT(obj, f, int) = i;
    if (i < 0 && (v || !(f->flags & FF_OPTIONAL)))
        return err_set(e, f->key, "expected the name of one of the metrics");
    return 0;
}

static const struct field_ops metric_name_ops = {metric_name_to_json, metric_name_from_json,
                                                 NULL, NULL};

/* ---- the session header ---------------------------------------------------- */

#include "event_fields.h"

#define INFO_ROW(k, kind_, member, ...)                                                     \
    {.key = k, .kind = kind_, .off = offsetof(struct session_info, member),                 \
     .types = FIELDS_ALL, __VA_ARGS__},
static const struct field info_fields[] = {SESSION_INFO_FIELDS(INFO_ROW)};
#define NINFO ((int)(sizeof info_fields / sizeof info_fields[0]))

struct session_info *session_info_new(void)
{
    struct session_info *i = calloc(1, sizeof *i);
    if (i)
        i->report = -1;
    return i;
}

void session_info_free(struct session_info *info)
{
    if (!info)
        return;
    fields_free(info_fields, NINFO, info);
    free(info);
}

int session_info_copy(struct session_info *dst, const struct session_info *src)
{
    *dst = *src;
    return fields_copy(info_fields, NINFO, dst, src);
}

/* The header travels inside session_started, its keys beside the event's. */
static void info_to_json(cJSON *o, const struct field *f, const void *obj, const void *ctx)
{
    (void)f, (void)ctx;
    const struct event *ev = obj;
    if (ev->info)
        fields_to_json(info_fields, NINFO, FIELDS_ALL, ev->info, NULL, o);
}

static int info_from_json(cJSON *o, const struct field *f, void *obj, const void *ctx,
                          struct err *e)
{
    (void)f, (void)ctx;
    struct event *ev = obj;
    if (!(ev->info = session_info_new()))
        return err_set(e, "", "out of memory");
    return fields_from_json(info_fields, NINFO, FIELDS_ALL, o, ev->info, NULL, e);
}

static int info_copy(const struct field *f, void *dst, const void *src)
{
    (void)f;
    struct event *d = dst;
    const struct event *s = src;
    if (!s->info)
        return 0;
    if (!(d->info = session_info_new()))
        return -1;
    return session_info_copy(d->info, s->info);
}

static void info_clear(const struct field *f, void *obj, int release)
{
    (void)f;
    struct event *ev = obj;
    if (release)
        session_info_free(ev->info);
    ev->info = NULL;
}

static const struct field_ops info_ops = {info_to_json, info_from_json, info_copy, info_clear};

/* ---- events ------------------------------------------------------------------ */

#define EVENT_ROW(k, kind_, member, types_, ...)                                            \
    {.key = k, .kind = kind_, .off = offsetof(struct event, member), .types = types_,       \
     __VA_ARGS__},
static const struct field event_fields[] = {EVENT_FIELDS(EVENT_ROW)};
#define NEVENT ((int)(sizeof event_fields / sizeof event_fields[0]))
_Static_assert(EV__COUNT <= 64, "a field's types are a 64-bit mask");

void event_free(struct event *ev)
{
    if (!ev)
        return;
    fields_free(event_fields, NEVENT, ev);
    memset(ev, 0, sizeof *ev);
}

int event_copy(struct event *dst, const struct event *src)
{
    *dst = *src;
    if (fields_copy(event_fields, NEVENT, dst, src) < 0) {
        event_free(dst);
        return -1;
    }
    return 0;
}

struct cJSON *event_to_cjson(const struct event *ev, const struct session_info *info,
                            int with_time)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
    if (with_time)
        fields_add_exact(o, "t", round(ev->t * 1e6) / 1e6);
    cJSON_AddStringToObject(o, "type", event_type_name(ev->type));
    cJSON_AddNumberToObject(o, "iter", ev->iter);
    if (ev->type == EV_SESSION_STARTED && !info)
        info = ev->info;
    if (ev->type < EV__COUNT)
        fields_to_json(event_fields, NEVENT, (uint64_t)1 << ev->type, ev, info, o);
    return o;
}

char *event_to_json(const struct event *ev, const struct session_info *info, int with_time)
{
    cJSON *o = event_to_cjson(ev, info, with_time);
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

static int from_obj(cJSON *o, struct event *ev, const struct session_info *info, struct err *e)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    if (!cJSON_IsString(type))
        return err_set(e, "type", "expected the event type as a string");
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
    if (!cJSON_IsNumber(seq))
        return err_set(e, "seq", "expected a number");
    double s = seq->valuedouble;
    if (!(s >= 0 && s <= 9007199254740992.0) || s != floor(s))
        return err_set(e, "seq", "expected a whole number from 0 to 2^53");
    ev->seq = (uint64_t)s; /* also for a type we skip: the reader counts it */
    int t = event_type_from_name(type->valuestring);
    if (t < 0)
        return 1;
    ev->type = (enum event_type)t;
    const cJSON *iter = cJSON_GetObjectItemCaseSensitive(o, "iter");
    double it = cJSON_IsNumber(iter) ? iter->valuedouble : 0;
    if (!cJSON_IsNumber(iter))
        return err_set(e, "iter", "expected a number");
    if (it != floor(it) || it < -2147483648.0 || it > 2147483647.0)
        return err_set(e, "iter", "expected an integer, got %g", it);
    ev->iter = (int)it;
    const cJSON *tt = cJSON_GetObjectItemCaseSensitive(o, "t");
    ev->t = cJSON_IsNumber(tt) ? tt->valuedouble : 0.0;
    /* beyond this the writer's microseconds are no longer exact, and inf
     * would be written as null: what is read must write back the same */
    if (!(fabs(ev->t) <= 1e9))
        return err_set(e, "t", "expected seconds since the session started, got %g", ev->t);
    return fields_from_json(event_fields, NEVENT, (uint64_t)1 << t, o, ev, info, e);
}

int event_from_cjson(struct cJSON *o, struct event *ev, const struct session_info *info,
                     struct err *e)
{
    memset(ev, 0, sizeof *ev);
    int rc = cJSON_IsObject(o) ? from_obj(o, ev, info, e)
                               : err_set(e, "", "expected a JSON object");
    if (rc != 0) {
        uint64_t seq = ev->seq;
        event_free(ev);
        ev->seq = rc == 1 ? seq : 0;
    }
    return rc;
}

struct cJSON *event_parse_line(const char *line, struct err *e)
{
    cJSON *o = cJSON_Parse(line);
    if (!o) {
        const char *at = cJSON_GetErrorPtr();
        long pos = at && at >= line ? (long)(at - line) + 1 : 0;
        char where[48];
        snprintf(where, sizeof where, "character %ld", pos);
        err_set(e, where, "not valid JSON");
    }
    return o;
}

int event_from_json(const char *line, struct event *ev, const struct session_info *info,
                    struct err *e)
{
    memset(ev, 0, sizeof *ev);
    cJSON *o = event_parse_line(line, e);
    if (!o)
        return -1;
    int rc = event_from_cjson(o, ev, info, e);
    cJSON_Delete(o);
    return rc;
}
