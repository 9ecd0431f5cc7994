#include "journal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "msgbook.h"

struct journal {
    FILE *f;
    struct msgbook *book; /* NULL: every message in full (a format-1 file resumed) */
    int fsync;
    char path[4096];
    char error[600];
};

static char *header_json(const struct journal_header *h)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "format", "collm-session");
    cJSON_AddNumberToObject(o, "version", JOURNAL_FORMAT);
    cJSON_AddStringToObject(o, "program", h->program);
    cJSON_AddStringToObject(o, "created", h->created);
    cJSON_AddStringToObject(o, "command", h->command);
    if (h->origin[0])
        cJSON_AddStringToObject(o, "origin", h->origin);
    cJSON_AddStringToObject(o, "prompts", h->prompts);
    cJSON_AddStringToObject(o, "llm_url", h->llm_url);
    cJSON_AddStringToObject(o, "review", h->review[0] ? h->review : "auto");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* One write of the line with its newline, so a kill leaves a whole line or
 * a torn one, never a whole line without its end. */
static int put_line(struct journal *j, const char *line, struct err *e)
{
    size_t n = strlen(line);
    char *buf = malloc(n + 2);
    if (!buf)
        return err_set(e, j->path, "out of memory");
    memcpy(buf, line, n);
    buf[n] = '\n';
    int bad = fwrite(buf, 1, n + 1, j->f) != n + 1 || fflush(j->f) == EOF ||
              (j->fsync && fsync(fileno(j->f)) < 0);
    free(buf);
    if (bad)
        return err_set(e, j->path, "cannot write the session: %s", strerror(errno));
    return 0;
}

/* One writer per session: a second collm resuming a running search would
 * interleave lines. The lock goes with the process. */
static int lock(int fd, const char *path, struct err *e)
{
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
        return err_set(e, path, errno == EWOULDBLOCK
                                    ? "another collm is writing this session right now "
                                      "(it has the file open); wait for it to end"
                                    : "cannot lock the session: %s",
                       strerror(errno));
    return 0;
}

struct journal *journal_create(const char *path, const struct journal_header *h, struct err *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0644);
    if (fd < 0) {
        struct stat st;
        if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            err_usage(e, path, "is a folder; --session wants a file name");
        else if (errno == EEXIST)
            err_usage(e, path, "the session file exists; resume it with 'collm resume %s', or "
                      "choose another --session", path);
        else
            err_set(e, path, "cannot create the session file: %s", strerror(errno));
        return NULL;
    }
    if (lock(fd, path, e) < 0) {
        close(fd);
        return NULL;
    }
    struct journal *j = calloc(1, sizeof *j);
    if (!j || !(j->f = fdopen(fd, "a"))) {
        close(fd);
        free(j);
        err_set(e, path, "out of memory");
        return NULL;
    }
    snprintf(j->path, sizeof j->path, "%s", path);
    if (!(j->book = msgbook_new())) {
        fclose(j->f);
        free(j);
        err_set(e, path, "out of memory");
        return NULL;
    }
    char *hl = header_json(h);
    int rc = hl ? put_line(j, hl, e) : err_set(e, path, "out of memory");
    free(hl);
    if (rc < 0) {
        fclose(j->f);
        msgbook_free(j->book);
        free(j);
        return NULL;
    }
    return j;
}

struct journal *journal_lock(const char *path, struct err *e)
{
    int fd = open(path, O_WRONLY | O_APPEND);
    if (fd < 0) {
        err_set(e, path, "cannot open the session: %s", strerror(errno));
        return NULL;
    }
    if (lock(fd, path, e) < 0) {
        close(fd);
        return NULL;
    }
    struct journal *j = calloc(1, sizeof *j);
    if (!j || !(j->f = fdopen(fd, "a"))) {
        err_set(e, path, "out of memory");
        close(fd);
        free(j);
        return NULL;
    }
    snprintf(j->path, sizeof j->path, "%s", path);
    return j;
}

int journal_cut(struct journal *j, const struct session *s, struct err *e)
{
    if (ftruncate(fileno(j->f), s->good_bytes) < 0)
        return err_set(e, j->path, "cannot cut the torn last line: %s", strerror(errno));
    if (s->needs_newline && put_line(j, "", e) < 0) /* a whole last line that lacked its end */
        return -1;
    /* a format-1 file goes on in full, so that what its header says stays
     * true; a later one names what its lines already hold */
    if (s->h.version < 2)
        return 0;
    if (!(j->book = msgbook_new()))
        return err_set(e, j->path, "out of memory");
    for (int i = 0; i < s->n; i++)
        if (msgbook_note(j->book, &s->evs[i]) < 0)
            return err_set(e, j->path, "out of memory");
    return 0;
}

void journal_set_fsync(struct journal *j, int on) { j->fsync = on; }
const char *journal_error(const struct journal *j) { return j->error; }
const char *journal_path(const struct journal *j) { return j->path; }

int journal_write(struct journal *j, const struct event *ev, const struct session_info *info,
                  struct err *e)
{
    cJSON *o = event_to_cjson(ev, info, 1);
    char *line = o && (!j->book || msgbook_pack(j->book, o, ev) == 0)
                     ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!line)
        return err_set(e, j->path, "out of memory");
    int rc = put_line(j, line, e);
    free(line);
    return rc;
}

void journal_on_event(void *ud, const struct event *ev, const struct state *st)
{
    struct journal *j = ud;
    struct err e = {0};
    if (j->error[0])
        return; /* the first failure is the one to report */
    if (journal_write(j, ev, st->info.nmetrics ? &st->info : NULL, &e) < 0)
        err_str(&e, j->error, sizeof j->error);
}

int journal_close(struct journal *j, struct err *e)
{
    if (!j)
        return 0;
    int rc = 0;
    if (fclose(j->f) == EOF)
        rc = err_set(e, j->path, "cannot close the session: %s", strerror(errno));
    msgbook_free(j->book);
    free(j);
    return rc;
}

/* ---- reading ---------------------------------------------------------------- */

static void warn(struct session *s, const char *fmt, long line, const char *what)
{
    size_t off = strlen(s->warnings);
    if (off < sizeof s->warnings - 1)
        snprintf(s->warnings + off, sizeof s->warnings - off, fmt, line, what);
}

static int read_header(struct session *s, const char *line, const char *path, struct err *e)
{
    char where[4200];
    snprintf(where, sizeof where, "%s:1", path);
    cJSON *o = cJSON_Parse(line);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "format");
    if (!cJSON_IsString(f) || strcmp(f->valuestring, "collm-session") != 0) {
        cJSON_Delete(o);
        return err_set(e, where, "not a collm session (no {\"format\": \"collm-session\"} header)");
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "version");
    /* compared as a double first: a cast of 1e300 to int is undefined */
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 1 && v->valuedouble <= 1e6) ||
        v->valuedouble != floor(v->valuedouble)) {
        cJSON_Delete(o);
        return err_set(e, where, "the header has no format version (a whole number)");
    }
    if (v->valuedouble > JOURNAL_FORMAT) {
        int ver = (int)v->valuedouble;
        cJSON_Delete(o);
        return err_set(e, where, "written by a newer collm (session format %d); this collm reads "
                       "format %d: upgrade collm to read it", ver, JOURNAL_FORMAT);
    }
    s->h.version = (int)v->valuedouble;
#define STR(k, dst)                                                                         \
    do {                                                                                    \
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);                            \
        if (cJSON_IsString(x))                                                              \
            snprintf(dst, sizeof dst, "%s", x->valuestring);                                \
    } while (0)
    STR("program", s->h.program);
    STR("created", s->h.created);
    STR("command", s->h.command);
    STR("origin", s->h.origin);
    STR("prompts", s->h.prompts);
    STR("llm_url", s->h.llm_url);
    STR("review", s->h.review);
#undef STR
    cJSON_Delete(o);
    return 0;
}

/* The reader takes the file in large blocks and cuts lines out of its
 * buffer in place: a session of 100,000 events is read in a few hundred
 * read(2) calls, and the offsets the resume path needs are counted here
 * rather than asked of the kernel per line. */
#define READ_BLOCK ((size_t)64 << 10)

struct reader {
    int fd;
    char *buf;
    size_t cap, start, end; /* unread bytes: buf[start, end) */
    off_t pos;              /* the file offset of buf[start] */
    int eof, error;         /* error: errno of a failed read */
};

/* Room for `want` more bytes after end, keeping buf[start, end). */
static int reader_room(struct reader *r, size_t want)
{
    if (r->start) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end >= want)
        return 0;
    size_t cap = r->cap;
    while (cap - r->end < want)
        cap *= 2;
    char *n = realloc(r->buf, cap);
    if (!n)
        return -1;
    r->buf = n;
    r->cap = cap;
    return 0;
}

/* The next line, without its '\n', NUL-terminated in the buffer: 1 with
 * *nl set when it ended with a newline, 0 at the end of the file, -1 when
 * it is too long (or memory ran out). NUL bytes are kept in the line, so the
 * caller can tell binary from text by its length. */
static int reader_line(struct reader *r, char **line, size_t *len, int *nl)
{
    size_t scanned = 0; /* bytes of this line already searched for '\n' */
    for (;;) {
        char *p = r->buf + r->start;
        char *q = memchr(p + scanned, '\n', r->end - r->start - scanned);
        if (q || r->eof) {
            size_t n = q ? (size_t)(q - p) : r->end - r->start;
            if (n > JOURNAL_MAX_LINE)
                return -1;
            if (!q && n == 0)
                return 0;
            if (!q && reader_room(r, 1) < 0) /* room for the NUL of a last line */
                return -1;
            p = r->buf + r->start;
            p[n] = '\0';
            *line = p;
            *len = n;
            *nl = q != NULL;
            r->start += n + (q != NULL);
            r->pos += (off_t)(n + (q != NULL));
            return 1;
        }
        scanned = r->end - r->start;
        if (scanned > JOURNAL_MAX_LINE)
            return -1;
        if (reader_room(r, READ_BLOCK) < 0)
            return -1;
        ssize_t got;
        do
            got = read(r->fd, r->buf + r->end, r->cap - r->end);
        while (got < 0 && errno == EINTR);
        if (got < 0) {
            r->error = errno;
            r->eof = 1;
        } else if (got == 0) {
            r->eof = 1;
        } else {
            r->end += (size_t)got;
        }
    }
}

/* One line's event, its conversation whole again (msgbook.h). */
static int read_event(const char *line, struct msgbook *book, struct event *ev,
                      const struct session_info *info, struct err *e)
{
    memset(ev, 0, sizeof *ev);
    cJSON *o = event_parse_line(line, e);
    if (!o)
        return -1;
    int rc = book && msgbook_unpack(book, o, e) < 0 ? -1 : event_from_cjson(o, ev, info, e);
    cJSON_Delete(o);
    return rc;
}

int session_scan(const char *path, struct session *s, session_each_fn each, void *ud,
                 struct err *e)
{
    memset(s, 0, sizeof *s);
    struct reader rd = {.fd = open(path, O_RDONLY), .cap = READ_BLOCK};
    if (rd.fd < 0)
        return err_set(e, path, "cannot open the session: %s", strerror(errno));
    if (!(rd.buf = malloc(rd.cap))) {
        close(rd.fd);
        return err_set(e, path, "out of memory");
    }
    long lineno = 0;
    int rc = 0, nl;
    struct msgbook *book = NULL; /* format 1 names no messages: nothing to hold */
    char *line;
    size_t len;
    char where[4200];
    uint64_t last_seq = 0;
    for (;;) {
        off_t start = rd.pos;
        int r = reader_line(&rd, &line, &len, &nl);
        if (r == 0 || (r > 0 && rd.error && !nl))
            break; /* a read error: reported below, never mistaken for a torn line */
        lineno++;
        snprintf(where, sizeof where, "%s:%ld", path, lineno);
        if (r < 0) {
            rc = err_set(e, where, "the line is longer than %zu MiB: not a session line",
                         JOURNAL_MAX_LINE >> 20);
            break;
        }
        if (memchr(line, '\0', len)) {
            rc = err_set(e, where, "binary data, not JSON text");
            break;
        }
        if (lineno == 1) {
            if ((rc = read_header(s, line, path, e)) < 0)
                break;
            if (s->h.version >= 2 && !(book = msgbook_new())) {
                rc = err_set(e, path, "out of memory");
                break;
            }
            s->good_bytes = rd.pos;
            continue;
        }
        struct event ev;
        struct err pe = {0};
        int got = read_event(line, book, &ev, s->info, &pe);
        if (got < 0 && !nl) { /* the process died while writing it */
            s->truncated = 1;
            warn(s, "line %ld is cut short (the process was stopped while writing it); %s\n",
                 lineno, "it is ignored");
            s->good_bytes = start;
            break;
        }
        if (got < 0) {
            char buf[800];
            rc = err_set(e, where, "%s", err_str(&pe, buf, sizeof buf));
            break;
        }
        if (ev.seq != last_seq + 1) {
            rc = err_set(e, where, "expected event %llu, found %llu (lines lost or reordered)",
                         (unsigned long long)last_seq + 1, (unsigned long long)ev.seq);
            event_free(&ev);
            break;
        }
        last_seq = ev.seq;
        if (got == 1) {
            s->skipped++;
            warn(s, "line %ld: an event type this collm does not know (%s), skipped\n", lineno,
                 "written by a newer version?");
            s->good_bytes = rd.pos;
            s->needs_newline = !nl;
            continue;
        }
        if (s->events == 0 && ev.type != EV_SESSION_STARTED) {
            rc = err_set(e, where, "the first event must be session_started");
            event_free(&ev);
            break;
        }
        /* later events are read against the session's metrics, whoever
         * ends up owning the event that brought them */
        if (ev.type == EV_SESSION_STARTED && !s->info &&
            (!(s->info = session_info_new()) || session_info_copy(s->info, ev.info) < 0)) {
            event_free(&ev);
            rc = err_set(e, where, "out of memory");
            break;
        }
        s->events++;
        rc = each(ud, &ev, e);
        event_free(&ev);
        if (rc < 0) {
            if (!e->where[0])
                snprintf(e->where, sizeof e->where, "%s", where);
            break;
        }
        s->good_bytes = rd.pos;
        s->needs_newline = !nl;
    }
    if (rc == 0 && rd.error)
        rc = err_set(e, path, "read error: %s", strerror(rd.error));
    if (rc == 0 && lineno == 0)
        rc = err_set(e, path, "the file is empty: not a collm session");
    if (rc == 0 && s->events == 0)
        rc = err_set(e, path, "the session holds no events");
    msgbook_free(book);
    free(rd.buf);
    close(rd.fd);
    if (rc < 0)
        session_free(s);
    return rc;
}

/* session_read's `each`: the event moves into the array, first sized
 * from the file (a line of an LLM-guided search is a few hundred bytes),
 * so that a long session is not copied over again as the array doubles. */
struct keeper {
    struct session *s;
    int hint;
};

static int keep(void *ud, struct event *ev, struct err *e)
{
    struct keeper *k = ud;
    struct session *s = k->s;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : k->hint > 1024 ? k->hint : 1024;
        struct event *n = realloc(s->evs, (size_t)cap * sizeof *n);
        if (!n)
            return err_set(e, "", "out of memory");
        s->evs = n;
        s->cap = cap;
    }
    s->evs[s->n++] = *ev;
    memset(ev, 0, sizeof *ev);
    return 0;
}

int session_read(const char *path, struct session *s, struct err *e)
{
    struct stat st;
    struct keeper k = {.s = s};
    if (stat(path, &st) == 0 && st.st_size / 512 < (1 << 24))
        k.hint = (int)(st.st_size / 512);
    return session_scan(path, s, keep, &k, e);
}

void session_free(struct session *s)
{
    for (int i = 0; i < s->n; i++)
        event_free(&s->evs[i]);
    free(s->evs);
    session_info_free(s->info);
    memset(s, 0, sizeof *s);
}

int session_rebuild(void *rebuild, struct event *ev, struct err *e)
{
    struct session_rebuild *r = rebuild;
    if (!r->sp) { /* session_scan sees to it that session_started is first */
        if (!(r->sp = space_open(ev->info->space, r->datadir, e)))
            return -1;
        state_init(&r->st, space_decode_ctx, r->sp, r->sp->front_cost);
    }
    if (state_apply(&r->st, ev, e) < 0) {
        char where[4300];
        snprintf(where, sizeof where, "%s: event %llu", r->file, (unsigned long long)ev->seq);
        err_wrap(e, where);
        return -1;
    }
    return r->after ? r->after(r->ud, ev, &r->st, e) : 0;
}

void session_rebuild_free(struct session_rebuild *r)
{
    if (!r->sp)
        return;
    state_free(&r->st);
    space_close(r->sp);
    r->sp = NULL;
}

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                *p = '/';
                return -1;
            }
            *p = '/';
        }
    return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int session_default_path(const char *space, const char *algo, char *buf, size_t n,
                         struct err *e)
{
    char dir[4096];
    if (session_dir(dir, sizeof dir, e) < 0)
        return -1;
    if (mkdirs(dir) < 0)
        return err_set(e, dir, "cannot create the sessions folder: %s", strerror(errno));
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32], sp[64];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(sp, sizeof sp, "%s", space);
    for (char *p = sp; *p; p++)
        if (*p == ':' || *p == '/')
            *p = '-';
    for (int k = 1; k < 1000; k++) {
        if (k == 1)
            snprintf(buf, n, "%s/%s-%s-%s.jsonl", dir, stamp, sp, algo);
        else
            snprintf(buf, n, "%s/%s-%s-%s-%d.jsonl", dir, stamp, sp, algo, k);
        if (access(buf, F_OK) != 0)
            return 0;
    }
    return err_set(e, dir, "too many sessions started this second");
}
