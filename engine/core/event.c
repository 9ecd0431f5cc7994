#include "event.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *review_name(enum review_policy r) { return r < REVIEW__COUNT ? review_names[r] : "?"; }
int review_from_name(const char *name) { return find_name(review_names, REVIEW__COUNT, name); }

const char *event_type_name(enum event_type t) { return t < EV__COUNT ? type_names[t] : "?"; }
int event_type_from_name(const char *name) { return find_name(type_names, EV__COUNT, name); }
const char *source_name(enum source s) { return s < SRC__COUNT ? source_names[s] : "?"; }
const char *reject_reason_name(enum reject_reason r) { return r < REJ__COUNT ? reject_names[r] : "?"; }
const char *end_reason_name(enum end_reason r) { return r < END__COUNT ? end_names[r] : "?"; }

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* strdup that reports failure only when there was something to copy */
static int dup_into(char **dst, const char *src)
{
    *dst = dup(src);
    return (src && !*dst) ? -1 : 0;
}

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
    free(info->program);
    free(info->space);
    free(info->algo);
    free(info->constraint);
    free(info->navigator);
    free(info->generator);
    free(info->evaluator);
    for (int i = 0; i < info->nmetrics; i++) {
        free((char *)info->metrics[i].name);
        free((char *)info->metrics[i].unit);
        free((char *)info->metrics[i].help);
    }
    free(info);
}

int session_info_copy(struct session_info *dst, const struct session_info *src)
{
    *dst = *src;
    dst->program = dst->space = dst->algo = dst->constraint = NULL;
    dst->navigator = dst->generator = dst->evaluator = NULL;
    for (int i = 0; i < src->nmetrics; i++)
        dst->metrics[i].name = dst->metrics[i].unit = dst->metrics[i].help = NULL;
    int rc = dup_into(&dst->program, src->program) | dup_into(&dst->space, src->space) |
             dup_into(&dst->algo, src->algo) | dup_into(&dst->constraint, src->constraint) |
             dup_into(&dst->navigator, src->navigator) | dup_into(&dst->generator, src->generator) |
             dup_into(&dst->evaluator, src->evaluator);
    for (int i = 0; i < src->nmetrics; i++) {
        char *n, *u, *h;
        rc |= dup_into(&n, src->metrics[i].name) | dup_into(&u, src->metrics[i].unit) |
              dup_into(&h, src->metrics[i].help);
        dst->metrics[i].name = n;
        dst->metrics[i].unit = u;
        dst->metrics[i].help = h;
    }
    return rc ? -1 : 0;
}

void event_free(struct event *ev)
{
    if (!ev)
        return;
    if (ev->info)
        session_info_free(ev->info);
    free(ev->by);
    free(ev->pstate);
    for (int i = 0; i < ev->ncand; i++)
        free(ev->cand[i].arch);
    free(ev->cand);
    free(ev->arch);
    free(ev->detail);
    free(ev->text);
    free(ev->role);
    free(ev->model);
    free(ev->finish);
    for (int i = 0; i < ev->nmsg; i++) {
        free(ev->msgs[i].role);
        free(ev->msgs[i].content);
    }
    free(ev->msgs);
    memset(ev, 0, sizeof *ev);
}

int event_copy(struct event *dst, const struct event *src)
{
    *dst = *src;
    dst->info = NULL;
    dst->by = dst->arch = dst->detail = dst->pstate = NULL;
    dst->text = dst->role = dst->model = dst->finish = NULL;
    dst->cand = NULL;
    dst->ncand = 0;
    dst->msgs = NULL;
    dst->nmsg = 0;
    if (src->info) {
        dst->info = session_info_new();
        if (!dst->info || session_info_copy(dst->info, src->info) < 0)
            goto fail;
    }
    if (dup_into(&dst->by, src->by) | dup_into(&dst->arch, src->arch) |
        dup_into(&dst->detail, src->detail) | dup_into(&dst->text, src->text) |
        dup_into(&dst->role, src->role) | dup_into(&dst->model, src->model) |
        dup_into(&dst->finish, src->finish) | dup_into(&dst->pstate, src->pstate))
        goto fail;
    if (src->nmsg) {
        dst->msgs = calloc((size_t)src->nmsg, sizeof *dst->msgs);
        if (!dst->msgs)
            goto fail;
        dst->nmsg = src->nmsg;
        for (int i = 0; i < src->nmsg; i++)
            if (dup_into(&dst->msgs[i].role, src->msgs[i].role) |
                dup_into(&dst->msgs[i].content, src->msgs[i].content))
                goto fail;
    }
    if (src->ncand) {
        dst->cand = calloc((size_t)src->ncand, sizeof *dst->cand);
        if (!dst->cand)
            goto fail;
        dst->ncand = src->ncand;
        for (int i = 0; i < src->ncand; i++) {
            dst->cand[i].id = src->cand[i].id;
            if (dup_into(&dst->cand[i].arch, src->cand[i].arch))
                goto fail;
        }
    }
    return 0;
fail:
    event_free(dst);
    return -1;
}

/* ---- JSON ---------------------------------------------------------------- */

/* cJSON prints 15 significant digits and accepts a near miss; a journal must
 * give back the very same doubles, so metrics use the shortest text that
 * round-trips exactly. Non-finite values become null. */
static void add_exact(cJSON *o, const char *key, double v)
{
    if (!isfinite(v)) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char buf[40];
    cJSON_AddRawToObject(o, key, num_exact(v, buf, sizeof buf));
}

static cJSON *info_to_json(cJSON *o, const struct session_info *in)
{
    cJSON_AddNumberToObject(o, "version", in->version);
    cJSON_AddStringToObject(o, "program", in->program ? in->program : "");
    cJSON_AddStringToObject(o, "space", in->space ? in->space : "");
    cJSON_AddStringToObject(o, "algo", in->algo ? in->algo : "");
    cJSON_AddNumberToObject(o, "seed", (double)in->seed);
    cJSON_AddNumberToObject(o, "budget", in->budget);
    cJSON_AddStringToObject(o, "constraint", in->constraint ? in->constraint : "");
    cJSON_AddStringToObject(o, "review", review_name(in->review));
    cJSON *pa = cJSON_AddObjectToObject(o, "params");
    cJSON_AddNumberToObject(pa, "batch", in->batch);
    cJSON_AddNumberToObject(pa, "population", in->population);
    cJSON_AddNumberToObject(pa, "tournament", in->tournament);
    add_exact(pa, "prior", in->prior);
    cJSON *ag = cJSON_AddObjectToObject(o, "agents");
    cJSON_AddStringToObject(ag, "navigator", in->navigator ? in->navigator : "");
    cJSON_AddStringToObject(ag, "generator", in->generator ? in->generator : "");
    if (in->evaluator)
        cJSON_AddStringToObject(o, "evaluator", in->evaluator);
    if (in->has_target)
        add_exact(o, "target", in->target);
    else
        cJSON_AddNullToObject(o, "target");
    cJSON *ms = cJSON_AddArrayToObject(o, "metrics");
    for (int i = 0; i < in->nmetrics; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", in->metrics[i].name);
        cJSON_AddStringToObject(m, "unit", in->metrics[i].unit ? in->metrics[i].unit : "");
        cJSON_AddStringToObject(m, "role", role_names[in->metrics[i].role]);
        if (in->metrics[i].help)
            cJSON_AddStringToObject(m, "help", in->metrics[i].help);
        cJSON_AddItemToArray(ms, m);
    }
    cJSON_AddStringToObject(o, "objective", in->metrics[in->objective].name);
    if (in->report >= 0)
        cJSON_AddStringToObject(o, "report", in->metrics[in->report].name);
    return o;
}

static void metrics_to_json(cJSON *o, const char *key, const double *m,
                            const struct session_info *info)
{
    cJSON *mo = cJSON_AddObjectToObject(o, key);
    for (int i = 0; info && i < info->nmetrics; i++)
        add_exact(mo, info->metrics[i].name, m[i]);
}

char *event_to_json(const struct event *ev, const struct session_info *info, int with_time)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
    if (with_time)
        add_exact(o, "t", round(ev->t * 1e6) / 1e6);
    cJSON_AddStringToObject(o, "type", event_type_name(ev->type));
    cJSON_AddNumberToObject(o, "iter", ev->iter);
    if (ev->type == EV_SESSION_STARTED && !info)
        info = ev->info;

    switch (ev->type) {
    case EV_SESSION_STARTED:
        if (ev->info)
            info_to_json(o, ev->info);
        break;
    case EV_CANDIDATES_PROPOSED: {
        cJSON_AddStringToObject(o, "source", source_name(ev->source));
        cJSON_AddStringToObject(o, "by", ev->by ? ev->by : "");
        cJSON *a = cJSON_AddArrayToObject(o, "candidates");
        for (int i = 0; i < ev->ncand; i++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddNumberToObject(c, "id", ev->cand[i].id);
            cJSON_AddStringToObject(c, "arch", ev->cand[i].arch ? ev->cand[i].arch : "");
            cJSON_AddItemToArray(a, c);
        }
        if (ev->pstate)
            cJSON_AddStringToObject(o, "state", ev->pstate);
        break;
    }
    case EV_CANDIDATE_REJECTED:
        cJSON_AddNumberToObject(o, "id", ev->id);
        cJSON_AddStringToObject(o, "arch", ev->arch ? ev->arch : "");
        cJSON_AddStringToObject(o, "reason", reject_reason_name(ev->reason));
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        break;
    case EV_EVAL_STARTED:
        cJSON_AddNumberToObject(o, "id", ev->id);
        cJSON_AddStringToObject(o, "arch", ev->arch ? ev->arch : "");
        break;
    case EV_EVAL_FINISHED:
    case EV_BEST_IMPROVED:
    case EV_TARGET_REACHED:
        cJSON_AddNumberToObject(o, "id", ev->id);
        cJSON_AddStringToObject(o, "arch", ev->arch ? ev->arch : "");
        metrics_to_json(o, "metrics", ev->metrics, info);
        break;
    case EV_EVAL_FAILED:
        cJSON_AddNumberToObject(o, "id", ev->id);
        cJSON_AddStringToObject(o, "arch", ev->arch ? ev->arch : "");
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        break;
    case EV_BUDGET_REACHED:
        cJSON_AddNumberToObject(o, "used", ev->used);
        cJSON_AddNumberToObject(o, "budget", ev->budget);
        break;
    case EV_SESSION_ENDED:
        cJSON_AddStringToObject(o, "reason", end_reason_name(ev->end));
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        cJSON_AddNumberToObject(o, "used", ev->used);
        cJSON_AddNumberToObject(o, "budget", ev->budget);
        break;
    case EV_STRATEGY_PROPOSED:
        cJSON_AddStringToObject(o, "by", ev->by ? ev->by : "");
        cJSON_AddStringToObject(o, "text", ev->text ? ev->text : "");
        if (ev->detail)
            cJSON_AddStringToObject(o, "turn", ev->detail);
        break;
    case EV_LLM_REQUEST: {
        cJSON_AddNumberToObject(o, "req", ev->req);
        cJSON_AddStringToObject(o, "role", ev->role ? ev->role : "");
        cJSON_AddStringToObject(o, "model", ev->model ? ev->model : "");
        cJSON *a = cJSON_AddArrayToObject(o, "messages");
        for (int i = 0; i < ev->nmsg; i++) {
            cJSON *m = cJSON_CreateObject();
            cJSON_AddStringToObject(m, "role", ev->msgs[i].role ? ev->msgs[i].role : "");
            cJSON_AddStringToObject(m, "content",
                                    ev->msgs[i].content ? ev->msgs[i].content : "");
            cJSON_AddItemToArray(a, m);
        }
        break;
    }
    case EV_LLM_RETRY:
        cJSON_AddNumberToObject(o, "req", ev->req);
        cJSON_AddNumberToObject(o, "attempt", ev->attempt);
        add_exact(o, "delay", ev->delay);
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        break;
    case EV_LLM_ANSWER:
        cJSON_AddNumberToObject(o, "req", ev->req);
        cJSON_AddStringToObject(o, "text", ev->text ? ev->text : "");
        cJSON_AddStringToObject(o, "finish", ev->finish ? ev->finish : "");
        cJSON_AddNumberToObject(o, "tokens_in", (double)ev->tokens_in);
        cJSON_AddNumberToObject(o, "tokens_out", (double)ev->tokens_out);
        add_exact(o, "latency", ev->latency);
        break;
    case EV_LLM_FAILED:
        cJSON_AddNumberToObject(o, "req", ev->req);
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        cJSON_AddStringToObject(o, "text", ev->text ? ev->text : "");
        add_exact(o, "latency", ev->latency);
        break;
    case EV_ANSWER_REJECTED:
        cJSON_AddNumberToObject(o, "req", ev->req);
        cJSON_AddStringToObject(o, "role", ev->role ? ev->role : "");
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        cJSON_AddStringToObject(o, "text", ev->text ? ev->text : "");
        break;
    case EV_PAUSED:
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        break;
    case EV_SESSION_RESUMED:
        cJSON_AddNumberToObject(o, "budget", ev->budget);
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        break;
    case EV_RESUMED:
        if (ev->detail)
            cJSON_AddStringToObject(o, "detail", ev->detail);
        break;
    case EV_CANDIDATE_APPROVED:
        cJSON_AddNumberToObject(o, "id", ev->id);
        break;
    case EV_CANDIDATE_EDITED:
        cJSON_AddNumberToObject(o, "id", ev->id);
        cJSON_AddStringToObject(o, "arch", ev->arch ? ev->arch : "");
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        break;
    case EV_STRATEGY_EDITED:
        cJSON_AddStringToObject(o, "by", ev->by ? ev->by : "user");
        cJSON_AddStringToObject(o, "text", ev->text ? ev->text : "");
        break;
    case EV_REVIEW_CHANGED:
        cJSON_AddStringToObject(o, "detail", ev->detail ? ev->detail : "");
        break;
    case EV_ITERATION_STARTED:
    case EV_EVAL_PROGRESS: /* transient: never written */
    case EV__COUNT:
        break;
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* Field readers: each names the field it missed. */
static int get_num(const cJSON *o, const char *k, double *out, struct err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v))
        return err_set(e, k, "expected a number");
    *out = v->valuedouble;
    return 0;
}

static int get_int(const cJSON *o, const char *k, int *out, struct err *e)
{
    double d = 0;
    if (get_num(o, k, &d, e) < 0)
        return -1;
    if (d != floor(d) || d < -2147483648.0 || d > 2147483647.0)
        return err_set(e, k, "expected an integer, got %g", d);
    *out = (int)d;
    return 0;
}

static int get_str(const cJSON *o, const char *k, char **out, struct err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsString(v))
        return err_set(e, k, "expected a string");
    *out = dup(v->valuestring);
    return *out ? 0 : err_set(e, k, "out of memory");
}

static int get_enum(const cJSON *o, const char *k, const char *const *names, int n, int *out,
                    struct err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    int i = cJSON_IsString(v) ? find_name(names, n, v->valuestring) : -1;
    if (i < 0)
        return err_set(e, k, "unknown value");
    *out = i;
    return 0;
}

static int info_from_json(const cJSON *o, struct session_info *in, struct err *e)
{
    double seed = 0;
    if (get_int(o, "version", &in->version, e) || get_str(o, "program", &in->program, e) ||
        get_str(o, "space", &in->space, e) || get_str(o, "algo", &in->algo, e) ||
        get_num(o, "seed", &seed, e) || get_int(o, "budget", &in->budget, e) ||
        get_str(o, "constraint", &in->constraint, e))
        return -1;
    if (!(seed >= 0 && seed <= 9007199254740992.0) || seed != floor(seed))
        return err_set(e, "seed", "expected a whole number from 0 to 2^53");
    if (in->budget < 1)
        return err_set(e, "budget", "expected at least 1, got %d", in->budget);
    in->seed = (uint64_t)seed;
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(o, "review");
    if (rv) {
        int r = cJSON_IsString(rv) ? review_from_name(rv->valuestring) : -1;
        if (r < 0)
            return err_set(e, "review", "expected auto, candidates, strategy or all");
        in->review = (enum review_policy)r;
    }
    const cJSON *pa = cJSON_GetObjectItemCaseSensitive(o, "params");
    if (cJSON_IsObject(pa) && (get_int(pa, "batch", &in->batch, e) ||
                               get_int(pa, "population", &in->population, e) ||
                               get_int(pa, "tournament", &in->tournament, e) ||
                               get_num(pa, "prior", &in->prior, e))) {
        err_wrap(e, "params");
        return -1;
    }
    const cJSON *ag = cJSON_GetObjectItemCaseSensitive(o, "agents");
    if (cJSON_IsObject(ag) && (get_str(ag, "navigator", &in->navigator, e) ||
                               get_str(ag, "generator", &in->generator, e))) {
        err_wrap(e, "agents");
        return -1;
    }
    if (cJSON_GetObjectItemCaseSensitive(o, "evaluator") &&
        get_str(o, "evaluator", &in->evaluator, e))
        return -1; /* absent in older sessions */
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "target");
    in->has_target = cJSON_IsNumber(t);
    in->target = in->has_target ? t->valuedouble : 0;
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(o, "metrics"), *m;
    if (!cJSON_IsArray(ms) || cJSON_GetArraySize(ms) < 1 ||
        cJSON_GetArraySize(ms) > METRIC_MAX)
        return err_set(e, "metrics", "expected an array of 1 to %d metrics", METRIC_MAX);
    cJSON_ArrayForEach(m, ms)
    {
        struct metric_def *d = &in->metrics[in->nmetrics];
        char *name = NULL, *unit = NULL;
        int role;
        int bad = get_str(m, "name", &name, e) || get_str(m, "unit", &unit, e) ||
                  get_enum(m, "role", role_names, 3, &role, e);
        d->name = name;
        d->unit = unit;
        in->nmetrics++; /* counted even when partial, so free releases it */
        if (bad) {
            err_wrap(e, "metrics");
            return -1;
        }
        d->role = (enum metric_role)role;
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(m, "help");
        d->help = cJSON_IsString(h) ? dup(h->valuestring) : NULL;
    }
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(o, "objective");
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(o, "report");
    in->objective = cJSON_IsString(obj)
                        ? metric_find(in->metrics, in->nmetrics, obj->valuestring) : -1;
    if (in->objective < 0)
        return err_set(e, "objective", "expected the name of one of the metrics");
    in->report = cJSON_IsString(rep) ? metric_find(in->metrics, in->nmetrics, rep->valuestring)
                                     : -1;
    if (rep && in->report < 0)
        return err_set(e, "report", "expected the name of one of the metrics");
    return 0;
}

static int metrics_from_json(const cJSON *o, double *m, const struct session_info *info,
                             struct err *e)
{
    const cJSON *mo = cJSON_GetObjectItemCaseSensitive(o, "metrics");
    if (!cJSON_IsObject(mo))
        return err_set(e, "metrics", "expected an object");
    if (!info)
        return err_set(e, "metrics", "no session_started event came before this one");
    for (int i = 0; i < info->nmetrics; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(mo, info->metrics[i].name);
        if (cJSON_IsNull(v)) {
            m[i] = NAN;
            continue;
        }
        if (get_num(mo, info->metrics[i].name, &m[i], e) < 0) {
            err_wrap(e, "metrics");
            return -1;
        }
    }
    return 0;
}

static int from_obj(const cJSON *o, struct event *ev, const struct session_info *info,
                    struct err *e)
{
    double seq = 0;
    int t;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    if (!cJSON_IsString(type))
        return err_set(e, "type", "expected the event type as a string");
    if (get_num(o, "seq", &seq, e))
        return -1;
    if (!(seq >= 0 && seq <= 9007199254740992.0) || seq != floor(seq))
        return err_set(e, "seq", "expected a whole number from 0 to 2^53");
    ev->seq = (uint64_t)seq; /* also for a type we skip: the reader counts it */
    if ((t = event_type_from_name(type->valuestring)) < 0)
        return 1;
    ev->type = (enum event_type)t;
    if (get_int(o, "iter", &ev->iter, e))
        return -1;
    const cJSON *tt = cJSON_GetObjectItemCaseSensitive(o, "t");
    ev->t = cJSON_IsNumber(tt) ? tt->valuedouble : 0.0;

    int v;
    switch (ev->type) {
    case EV_SESSION_STARTED:
        if (!(ev->info = session_info_new()))
            return err_set(e, "", "out of memory");
        return info_from_json(o, ev->info, e);
    case EV_CANDIDATES_PROPOSED: {
        if (get_enum(o, "source", source_names, SRC__COUNT, &v, e) || get_str(o, "by", &ev->by, e))
            return -1;
        ev->source = (enum source)v;
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "candidates"), *c;
        if (!cJSON_IsArray(a))
            return err_set(e, "candidates", "expected an array");
        int n = cJSON_GetArraySize(a);
        if (n && !(ev->cand = calloc((size_t)n, sizeof *ev->cand)))
            return err_set(e, "candidates", "out of memory");
        cJSON_ArrayForEach(c, a)
        {
            struct ev_cand *ec = &ev->cand[ev->ncand++];
            if (get_int(c, "id", &ec->id, e) || get_str(c, "arch", &ec->arch, e)) {
                err_wrap(e, "candidates");
                return -1;
            }
        }
        if (cJSON_GetObjectItemCaseSensitive(o, "state") && get_str(o, "state", &ev->pstate, e))
            return -1;
        return 0;
    }
    case EV_CANDIDATE_REJECTED:
        if (get_int(o, "id", &ev->id, e) || get_str(o, "arch", &ev->arch, e) ||
            get_enum(o, "reason", reject_names, REJ__COUNT, &v, e) ||
            get_str(o, "detail", &ev->detail, e))
            return -1;
        ev->reason = (enum reject_reason)v;
        return 0;
    case EV_EVAL_STARTED:
        return get_int(o, "id", &ev->id, e) || get_str(o, "arch", &ev->arch, e) ? -1 : 0;
    case EV_EVAL_FINISHED:
    case EV_BEST_IMPROVED:
    case EV_TARGET_REACHED:
        return get_int(o, "id", &ev->id, e) || get_str(o, "arch", &ev->arch, e) ||
                       metrics_from_json(o, ev->metrics, info, e)
                   ? -1 : 0;
    case EV_EVAL_FAILED:
        return get_int(o, "id", &ev->id, e) || get_str(o, "arch", &ev->arch, e) ||
                       get_str(o, "detail", &ev->detail, e)
                   ? -1 : 0;
    case EV_BUDGET_REACHED:
        return get_int(o, "used", &ev->used, e) || get_int(o, "budget", &ev->budget, e) ? -1 : 0;
    case EV_SESSION_ENDED:
        if (get_enum(o, "reason", end_names, END__COUNT, &v, e) ||
            get_str(o, "detail", &ev->detail, e) || get_int(o, "used", &ev->used, e) ||
            get_int(o, "budget", &ev->budget, e))
            return -1;
        ev->end = (enum end_reason)v;
        return 0;
    case EV_STRATEGY_PROPOSED:
        if (cJSON_GetObjectItemCaseSensitive(o, "turn") && get_str(o, "turn", &ev->detail, e))
            return -1;
        return get_str(o, "by", &ev->by, e) || get_str(o, "text", &ev->text, e) ? -1 : 0;
    case EV_LLM_REQUEST: {
        if (get_int(o, "req", &ev->req, e) || get_str(o, "role", &ev->role, e) ||
            get_str(o, "model", &ev->model, e))
            return -1;
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "messages"), *m;
        if (!cJSON_IsArray(a))
            return err_set(e, "messages", "expected an array");
        int n = cJSON_GetArraySize(a);
        if (n && !(ev->msgs = calloc((size_t)n, sizeof *ev->msgs)))
            return err_set(e, "messages", "out of memory");
        cJSON_ArrayForEach(m, a)
        {
            struct ev_msg *em = &ev->msgs[ev->nmsg++];
            if (get_str(m, "role", &em->role, e) || get_str(m, "content", &em->content, e)) {
                err_wrap(e, "messages");
                return -1;
            }
        }
        return 0;
    }
    case EV_LLM_RETRY:
        return get_int(o, "req", &ev->req, e) || get_int(o, "attempt", &ev->attempt, e) ||
                       get_num(o, "delay", &ev->delay, e) || get_str(o, "detail", &ev->detail, e)
                   ? -1 : 0;
    case EV_LLM_ANSWER: {
        double ti = 0, to = 0;
        if (get_int(o, "req", &ev->req, e) || get_str(o, "text", &ev->text, e) ||
            get_str(o, "finish", &ev->finish, e) || get_num(o, "tokens_in", &ti, e) ||
            get_num(o, "tokens_out", &to, e) || get_num(o, "latency", &ev->latency, e))
            return -1;
        if (!(ti >= 0 && ti < 1e15) || !(to >= 0 && to < 1e15))
            return err_set(e, "tokens_in", "expected token counts from 0 to 10^15");
        ev->tokens_in = (long)ti;
        ev->tokens_out = (long)to;
        return 0;
    }
    case EV_LLM_FAILED:
        return get_int(o, "req", &ev->req, e) || get_str(o, "detail", &ev->detail, e) ||
                       get_str(o, "text", &ev->text, e) || get_num(o, "latency", &ev->latency, e)
                   ? -1 : 0;
    case EV_ANSWER_REJECTED:
        return get_int(o, "req", &ev->req, e) || get_str(o, "role", &ev->role, e) ||
                       get_str(o, "detail", &ev->detail, e) || get_str(o, "text", &ev->text, e)
                   ? -1 : 0;
    case EV_PAUSED:
        return get_str(o, "detail", &ev->detail, e) ? -1 : 0;
    case EV_SESSION_RESUMED:
        return get_int(o, "budget", &ev->budget, e) || get_str(o, "detail", &ev->detail, e) ? -1
                                                                                             : 0;
    case EV_RESUMED:
        if (cJSON_GetObjectItemCaseSensitive(o, "detail") && get_str(o, "detail", &ev->detail, e))
            return -1;
        return 0;
    case EV_CANDIDATE_APPROVED:
        return get_int(o, "id", &ev->id, e) ? -1 : 0;
    case EV_CANDIDATE_EDITED:
        return get_int(o, "id", &ev->id, e) || get_str(o, "arch", &ev->arch, e) ||
                       get_str(o, "detail", &ev->detail, e)
                   ? -1 : 0;
    case EV_STRATEGY_EDITED:
        return get_str(o, "by", &ev->by, e) || get_str(o, "text", &ev->text, e) ? -1 : 0;
    case EV_REVIEW_CHANGED:
        if (get_str(o, "detail", &ev->detail, e))
            return -1;
        return review_from_name(ev->detail) < 0
                   ? err_set(e, "detail", "expected auto, candidates, strategy or all") : 0;
    case EV_ITERATION_STARTED:
    case EV_EVAL_PROGRESS: /* transient: never written */
    case EV__COUNT:
        return 0;
    }
    return 0;
}

int event_from_json(const char *line, struct event *ev, const struct session_info *info,
                    struct err *e)
{
    memset(ev, 0, sizeof *ev);
    cJSON *o = cJSON_Parse(line);
    if (!o) {
        const char *at = cJSON_GetErrorPtr();
        long pos = at && at >= line ? (long)(at - line) + 1 : 0;
        char where[48];
        snprintf(where, sizeof where, "character %ld", pos);
        return err_set(e, where, "not valid JSON");
    }
    int rc = cJSON_IsObject(o) ? from_obj(o, ev, info, e)
                               : err_set(e, "", "expected a JSON object");
    cJSON_Delete(o);
    if (rc != 0) {
        uint64_t seq = ev->seq;
        event_free(ev);
        ev->seq = rc == 1 ? seq : 0;
    }
    return rc;
}
