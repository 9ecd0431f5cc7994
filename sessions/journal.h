/* The session journal (DESIGN §7): one JSON Lines file per search. Line 1
 * is a header (format version, program, when, prompts, LLM endpoint without
 * credentials); every later line is one event with its sequence number and
 * time offset. Written append-only with a flush per event, so a killed
 * process loses at most the line it was writing; a torn last line is
 * tolerated when reading. Never an API key, never an Authorization header:
 * nothing here ever sees them. */
#ifndef COLLM_JOURNAL_H
#define COLLM_JOURNAL_H

#include <stdio.h>
#include <sys/types.h>

#include "../engine/core/err.h"
#include "../engine/core/event.h"
#include "../engine/core/state.h"
#include "../engine/spaces/space.h"

/* 2: an llm_request names the messages earlier lines hold (msgbook.h) */
#define JOURNAL_FORMAT 2
#define JOURNAL_MAX_LINE ((size_t)64 << 20)

struct journal_header {
    int version;          /* format */
    char program[64];     /* "collm 0.1.0" */
    char created[32];     /* UTC, ISO 8601 */
    char command[32];     /* "search", "resume", "fork" */
    char origin[1024];    /* fork: the session it came from, and the last seq taken */
    char prompts[1024];   /* the prompts folder, "" for the offline agents */
    char llm_url[1024];   /* redacted endpoint, "" without LLM */
    char review[16];      /* review policy */
};

/* ---- writing ---- */

struct journal;

/* A new file; refuses to overwrite one that exists. */
struct journal *journal_create(const char *path, const struct journal_header *h, struct err *e);
/* An existing file (resume), locked before it is read: what is read is
 * then what is cut and appended to, and a second collm on the same session
 * is refused at once instead of cutting the first one's events. Both
 * create and lock take the lock: one writer at a time. */
struct journal *journal_lock(const char *path, struct err *e);
struct session;
/* Then, once read into s: cut it to what s read, dropping a torn last line,
 * end a last line that lacks its newline, and take up the conversations s
 * holds; later writes append. */
int journal_cut(struct journal *j, const struct session *s, struct err *e);
void journal_set_fsync(struct journal *j, int on);
/* Writes one event as a line and flushes it. -1 with e when it could not. */
int journal_write(struct journal *j, const struct event *ev, const struct session_info *info,
                  struct err *e);
/* A search listener that writes every event; the first failure is kept. */
void journal_on_event(void *ud, const struct event *ev, const struct state *st);
const char *journal_error(const struct journal *j); /* "" while all is well */
const char *journal_path(const struct journal *j);
int journal_close(struct journal *j, struct err *e);

/* ---- reading ---- */

struct session {
    struct journal_header h;
    struct session_info *info; /* what session_started said: the space, the metrics */
    long events;          /* events read (session_read also keeps them in evs) */
    struct event *evs;
    int n, cap;
    off_t good_bytes;     /* up to the end of the last whole line */
    int truncated;        /* a torn last line was dropped */
    int needs_newline;    /* the last line is whole but lacks its '\n' */
    int skipped;          /* events of unknown types (a newer minor version) */
    char warnings[2048];  /* one per line, for the user */
};

/* Reads a whole session. Corrupt content is an error naming the line and
 * what is wrong; a torn last line and unknown event types are warnings. */
int session_read(const char *path, struct session *s, struct err *e);
/* The same reading, one event at a time, for whoever needs each event once
 * (export, headless replay): nothing but the current line is held. `each`
 * may move the event out (and zero *ev); what is left is freed after it.
 * It returns -1 with e to stop the reading; e's place, when it names none,
 * becomes the line. s gets the header and the counts; session_free it. */
typedef int (*session_each_fn)(void *ud, struct event *ev, struct err *e);
int session_scan(const char *path, struct session *s, session_each_fn each, void *ud,
                 struct err *e);
void session_free(struct session *s);

/* The state rebuilt as the events are read: a session_each_fn for
 * session_scan() that opens the session's space at its session_started,
 * applies every event, then calls `after` (when set) with the state after
 * it. An event the reducer refuses is an error at "FILE: event SEQ". */
struct session_rebuild {
    const char *file, *datadir;
    int (*after)(void *ud, const struct event *ev, const struct state *st, struct err *e);
    void *ud;
    struct space *sp; /* NULL until session_started came */
    struct state st;  /* valid once sp is set */
};
int session_rebuild(void *rebuild, struct event *ev, struct err *e);
void session_rebuild_free(struct session_rebuild *r);

/* The default folder, $XDG_DATA_HOME/collm/sessions (or ~/.local/share/..),
 * created if missing, and a fresh file name in it for a new search. */
int session_default_path(const char *space, const char *algo, char *buf, size_t n,
                         struct err *e);

#endif
