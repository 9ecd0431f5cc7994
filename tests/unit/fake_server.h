/* A small HTTP/1.1 server on 127.0.0.1 for testing the LLM client against
 * a real socket. It answers each request with the next step of a script and
 * misbehaves on purpose: error statuses, Retry-After, silence, a slammed
 * door, malformed or oversized bodies, server-sent events. One thread, one
 * connection at a time, every connection closed after its answer. */
#ifndef COLLM_FAKE_SERVER_H
#define COLLM_FAKE_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum step_kind {
    STEP_REPLY,  /* status, extra headers, body as given */
    STEP_CHAT,   /* 200 with a chat completion whose content is `body` */
    STEP_SSE,    /* 200 event stream: `body` holds chunks split by '\x1f' */
    STEP_HANG,   /* read the request, say nothing until the client leaves */
    STEP_CLOSE,  /* read the request, close without a word */
    STEP_BIG,    /* 200 with `size` bytes of JSON-ish filler */
};

struct step {
    enum step_kind kind;
    int status;
    const char *headers; /* "Retry-After: 1\r\n" ... */
    const char *body;
    const char *finish;  /* STEP_CHAT: finish_reason, default "stop" */
    size_t size;
};

#define FAKE_MAX_STEPS 64
#define FAKE_LOG 16384

struct fake_server {
    int fd, port;
    pthread_t thread;
    pthread_mutex_t mu;
    struct step steps[FAKE_MAX_STEPS];
    int nsteps, next;
    int repeat_last;          /* keep answering with the last step */
    int requests;
    char last_request[FAKE_LOG]; /* headers and body of the latest request */
    volatile int stop;
};

static void fake_send_all(int c, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(c, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void fake_sendf(int c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fake_sendf(int c, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fake_send_all(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static const char *fake_find_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

/* Reads one request (headers + Content-Length body) into the log. */
static int fake_read_request(struct fake_server *s, int c)
{
    char buf[FAKE_LOG];
    size_t len = 0;
    long want = -1;
    for (;;) {
        struct pollfd p = {.fd = c, .events = POLLIN};
        if (poll(&p, 1, 5000) <= 0)
            return -1;
        ssize_t r = recv(c, buf + len, sizeof buf - 1 - len, 0);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && want < 0) {
            const char *cl = fake_find_ci(buf, "Content-Length:");
            want = (long)(end + 4 - buf) + (cl ? atol(cl + 15) : 0);
        }
        if (want >= 0 && (long)len >= want)
            break;
        if (len == sizeof buf - 1)
            break;
    }
    pthread_mutex_lock(&s->mu);
    memcpy(s->last_request, buf, len + 1);
    s->requests++;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static void fake_chat(int c, const struct step *st)
{
    /* the content as a JSON string */
    char esc[8192];
    size_t j = 0;
    for (const char *p = st->body; *p && j < sizeof esc - 8; p++) {
        if (*p == '"' || *p == '\\') {
            esc[j++] = '\\';
            esc[j++] = *p;
        } else if (*p == '\n') {
            esc[j++] = '\\';
            esc[j++] = 'n';
        } else {
            esc[j++] = *p;
        }
    }
    esc[j] = '\0';
    char body[9000];
    int n = snprintf(body, sizeof body,
                     "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                     "\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},\"finish_reason\":"
                     "\"%s\"}],\"usage\":{\"prompt_tokens\":%zu,\"completion_tokens\":%zu}}",
                     esc, st->finish ? st->finish : "stop", (size_t)100, strlen(st->body) / 4);
    fake_sendf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                  "Connection: close\r\n\r\n", n);
    fake_send_all(c, body, (size_t)n);
}

static void fake_sse(int c, const struct step *st)
{
    fake_sendf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
    const char *p = st->body;
    while (*p) {
        const char *e = strchr(p, '\x1f');
        int len = e ? (int)(e - p) : (int)strlen(p);
        fake_sendf(c, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%.*s\"},"
                      "\"finish_reason\":null}]}\n\n", len, p);
        struct timespec ts = {0, 20 * 1000000L}; /* arrive in pieces */
        nanosleep(&ts, NULL);
        p += len + (e ? 1 : 0);
    }
    fake_sendf(c, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"%s\"}]}\n\n"
                  "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}"
                  "\n\ndata: [DONE]\n\n", st->finish ? st->finish : "stop");
}

static void *fake_run(void *arg)
{
    struct fake_server *s = arg;
    while (!s->stop) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            continue;
        if (fake_read_request(s, c) < 0) {
            close(c);
            continue;
        }
        pthread_mutex_lock(&s->mu);
        struct step st = s->nsteps ? s->steps[s->next < s->nsteps ? s->next : s->nsteps - 1]
                                   : (struct step){.kind = STEP_CLOSE};
        if (s->next < s->nsteps)
            s->next++;
        pthread_mutex_unlock(&s->mu);
        switch (st.kind) {
        case STEP_REPLY:
            fake_sendf(c, "HTTP/1.1 %d X\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
                       st.status, st.headers ? st.headers : "", strlen(st.body));
            fake_send_all(c, st.body, strlen(st.body));
            break;
        case STEP_CHAT:
            fake_chat(c, &st);
            break;
        case STEP_SSE:
            fake_sse(c, &st);
            break;
        case STEP_HANG: {
            char b[256];
            while (!s->stop) { /* until the client gives up */
                struct pollfd q = {.fd = c, .events = POLLIN};
                if (poll(&q, 1, 50) > 0 && recv(c, b, sizeof b, 0) <= 0)
                    break;
            }
            break;
        }
        case STEP_CLOSE:
            break;
        case STEP_BIG: {
            fake_sendf(c, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                       st.size);
            char chunk[1024];
            memset(chunk, 'x', sizeof chunk);
            for (size_t sent = 0; sent < st.size; sent += sizeof chunk)
                fake_send_all(c, chunk, st.size - sent < sizeof chunk ? st.size - sent
                                                                      : sizeof chunk);
            break;
        }
        }
        close(c);
    }
    return NULL;
}

static void fake_start(struct fake_server *s, const struct step *steps, int n)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    memcpy(s->steps, steps, sizeof *steps * (size_t)n);
    s->nsteps = n;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->fd, 16) < 0)
        abort();
    socklen_t al = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    pthread_create(&s->thread, NULL, fake_run, s);
}

static void fake_stop(struct fake_server *s)
{
    s->stop = 1;
    pthread_join(s->thread, NULL);
    close(s->fd);
    pthread_mutex_destroy(&s->mu);
}

static void fake_url(const struct fake_server *s, char *buf, size_t n)
{
    snprintf(buf, n, "http://127.0.0.1:%d/v1", s->port);
}

/* A port where nothing listens (bound, then closed). */
static int fake_dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    return ntohs(a.sin_port);
}

#endif
