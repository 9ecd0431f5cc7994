/* Conversations in the journal (issue 15, finding 5): each message is
 * written once, later requests name it, the reader gives every event its
 * whole conversation back, format-1 files (every message in full) still
 * read and resume in full, and a name that names nothing is an error that
 * says where. */
#include "testutil.h"

#include <sys/stat.h>

#include "../../sessions/journal.h"

#define NTURNS 30
#define BIG 20000 /* bytes of one answer: the history is what grows */

static struct session_info *make_info(void)
{
    struct session_info *in = session_info_new();
    in->version = 1;
    in->program = strdup("collm test");
    in->space = strdup("nb201:cifar10");
    in->algo = strdup("collm");
    in->seed = 1;
    in->budget = 10;
    in->constraint = strdup("");
    in->nmetrics = 2;
    in->metrics[0] = (struct metric_def){strdup("valid_acc"), strdup("%"), NULL,
                                         METRIC_OBJECTIVE};
    in->metrics[1] = (struct metric_def){strdup("flops"), strdup("M"), NULL, METRIC_COST};
    in->objective = 0;
    in->report = -1;
    return in;
}

/* The messages a stateful Navigator sends at turn t (system, then t
 * answers and feedbacks, then the new feedback), and the Generator's
 * (the same system prompt every time, one new user message). */
struct convo {
    char *text[2 * NTURNS + 2];
    struct ev_msg m[2 * NTURNS + 2];
};

static void convo_make(struct convo *c)
{
    for (int i = 0; i < 2 * NTURNS + 2; i++) {
        c->text[i] = malloc(BIG + 64);
        int n = snprintf(c->text[i], BIG + 64, "message %d: ", i);
        memset(c->text[i] + n, 'a' + i % 26, BIG - (size_t)n);
        c->text[i][BIG] = '\0';
        c->m[i] = (struct ev_msg){i == 0 ? "system" : i % 2 ? "assistant" : "user", c->text[i]};
    }
}

static void convo_free(struct convo *c)
{
    for (int i = 0; i < 2 * NTURNS + 2; i++)
        free(c->text[i]);
}

static int write_events(struct journal *j, const struct session_info *info, struct convo *c,
                        uint64_t *seq, int from, int to)
{
    struct err e;
    struct ev_msg gen[2] = {{"system", "the generator's rules"}, {"user", NULL}};
    char ask[64];
    for (int t = from; t < to; t++) {
        struct event nav = {.type = EV_LLM_REQUEST, .seq = ++*seq, .req = 2 * t + 1,
                            .role = "navigator", .model = "m", .nmsg = 2 * t + 1, .msgs = c->m};
        snprintf(ask, sizeof ask, "batch %d", t);
        gen[1].content = ask;
        struct event g = {.type = EV_LLM_REQUEST, .seq = ++*seq, .req = 2 * t + 2,
                          .role = "generator", .model = "m", .nmsg = 2, .msgs = gen};
        if (journal_write(j, &nav, info, &e) < 0 || journal_write(j, &g, info, &e) < 0)
            return -1;
    }
    return 0;
}

/* Every llm_request read back has the conversation that was sent. */
static void check_read(const struct session *s, const struct convo *c, int turns)
{
    int nav = 0, gen = 0;
    for (int i = 0; i < s->n; i++) {
        const struct event *x = &s->evs[i];
        if (x->type != EV_LLM_REQUEST)
            continue;
        if (strcmp(x->role, "navigator") == 0) {
            assert_int_equal(x->nmsg, nav ? 2 * nav + 1 : 1);
            for (int k = 0; k < x->nmsg; k++) {
                assert_string_equal(x->msgs[k].role, c->m[k].role);
                assert_string_equal(x->msgs[k].content, c->m[k].content);
            }
            nav++;
        } else {
            char ask[64];
            snprintf(ask, sizeof ask, "batch %d", gen);
            assert_int_equal(x->nmsg, 2);
            assert_string_equal(x->msgs[0].content, "the generator's rules");
            assert_string_equal(x->msgs[1].content, ask);
            gen++;
        }
    }
    assert_int_equal(nav, turns);
    assert_int_equal(gen, turns);
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void each_message_is_written_once(void **state)
{
    (void)state;
    struct err e;
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-test-book-%d.jsonl", (int)getpid());
    unlink(path);
    struct session_info *info = make_info();
    struct convo c;
    convo_make(&c);
    struct journal_header h = {.version = JOURNAL_FORMAT};
    struct journal *j = journal_create(path, &h, &e);
    assert_non_null(j);
    uint64_t seq = 0;
    struct event start = {.type = EV_SESSION_STARTED, .seq = ++seq, .info = info};
    assert_int_equal(journal_write(j, &start, info, &e), 0);
    assert_int_equal(write_events(j, info, &c, &seq, 0, NTURNS / 2), 0);
    assert_int_equal(journal_close(j, &e), 0);

    /* linear: the 2*15-1 distinct Navigator messages once each, not the
     * 15*15 a whole history per request would write */
    off_t half = file_size(path);
    assert_true(half > (off_t)(NTURNS - 1) * BIG);
    assert_true(half < (off_t)(NTURNS + 2) * BIG);

    struct session s;
    assert_int_equal(session_read(path, &s, &e), 0);
    check_read(&s, &c, NTURNS / 2);

    /* resumed: the later lines name what the first half holds */
    assert_non_null(j = journal_lock(path, &e));
    assert_int_equal(journal_cut(j, &s, &e), 0);
    assert_int_equal(write_events(j, info, &c, &seq, NTURNS / 2, NTURNS), 0);
    assert_int_equal(journal_close(j, &e), 0);
    session_free(&s);
    off_t whole = file_size(path);
    assert_true(whole < (off_t)(2 * NTURNS + 2) * BIG);
    assert_int_equal(session_read(path, &s, &e), 0);
    check_read(&s, &c, NTURNS);

    /* a fork copies through a fresh book: the same events, the same size */
    char fork[80];
    snprintf(fork, sizeof fork, "%s.fork", path);
    unlink(fork);
    assert_non_null(j = journal_create(fork, &h, &e));
    for (int i = 0; i < s.n; i++)
        assert_int_equal(journal_write(j, &s.evs[i], info, &e), 0);
    assert_int_equal(journal_close(j, &e), 0);
    session_free(&s);
    assert_int_equal(file_size(fork), whole);
    assert_int_equal(session_read(fork, &s, &e), 0);
    check_read(&s, &c, NTURNS);
    session_free(&s);
    unlink(fork);
    unlink(path);
    convo_free(&c);
    session_info_free(info);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define HEADER(v)                                                                           \
    "{\"format\":\"collm-session\",\"version\":" v ",\"program\":\"collm 0.1.0\",\"created\":" \
    "\"2026-12-01T00:00:00Z\",\"command\":\"search\",\"prompts\":\"\",\"llm_url\":\"\","    \
    "\"review\":\"auto\"}\n"
/* session_started as this collm writes it */
static char *started_line(void)
{
    struct session_info *info = make_info();
    struct event ev = {.type = EV_SESSION_STARTED, .seq = 1, .info = info};
    char *line = event_to_json(&ev, info, 1);
    session_info_free(info);
    size_t n = strlen(line);
    line = realloc(line, n + 2);
    memcpy(line + n, "\n", 2);
    return line;
}

#define REQ(seq, msgs)                                                                      \
    "{\"seq\":" seq ",\"t\":0,\"type\":\"llm_request\",\"iter\":0,\"req\":" seq              \
    ",\"role\":\"navigator\",\"model\":\"m\",\"messages\":[" msgs "]}\n"

static void format_one_reads_and_resumes_in_full(void **state)
{
    (void)state;
    struct err e;
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-test-book1-%d.jsonl", (int)getpid());
    char text[4096], *started = started_line();
    snprintf(text, sizeof text, "%s%s%s%s", HEADER("1"), started,
             REQ("2", "{\"role\":\"system\",\"content\":\"S\"}"),
             REQ("3", "{\"role\":\"system\",\"content\":\"S\"},"
                      "{\"role\":\"user\",\"content\":\"U\"}"));
    free(started);
    write_file(path, text);
    struct session s;
    if (session_read(path, &s, &e) < 0)
        fail_msg("%s: %s", e.where, e.msg);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.evs[2].nmsg, 2);
    assert_string_equal(s.evs[2].msgs[1].content, "U");
    /* resumed, it goes on as format 1 says: every message in full */
    struct journal *j = journal_lock(path, &e);
    assert_non_null(j);
    assert_int_equal(journal_cut(j, &s, &e), 0);
    struct event more = {.type = EV_LLM_REQUEST, .seq = 4, .req = 4, .role = "navigator",
                         .model = "m", .nmsg = s.evs[2].nmsg, .msgs = s.evs[2].msgs};
    assert_int_equal(journal_write(j, &more, s.info, &e), 0);
    assert_int_equal(journal_close(j, &e), 0);
    session_free(&s);
    FILE *f = fopen(path, "r");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_null(strstr(buf, "\"ref\""));
    assert_int_equal(session_read(path, &s, &e), 0);
    assert_int_equal(s.n, 4);
    session_free(&s);
    unlink(path);
}

static void expect_bad(const char *path, const char *msgs, const char *where, const char *what)
{
    char text[4096], *started = started_line();
    snprintf(text, sizeof text, "%s%s%s%s", HEADER("2"), started,
             REQ("2", "{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"U\"}"),
             msgs);
    free(started);
    write_file(path, text);
    struct session s;
    struct err e = {0};
    assert_int_equal(session_read(path, &s, &e), -1);
    if (!strstr(e.where, where) || !strstr(e.msg, what))
        fail_msg("expected %s: %s, got %s: %s", where, what, e.where, e.msg);
}

static void a_name_that_names_nothing_says_where(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/collm-test-book2-%d.jsonl", (int)getpid());
    /* good names first, so the bad ones below fail on their own */
    char text[4096], *started = started_line();
    snprintf(text, sizeof text, "%s%s%s%s", HEADER("2"), started,
             REQ("2", "{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"U\"}"),
             REQ("3", "{\"ref\":[2,0]},{\"ref\":[2,1]},{\"role\":\"user\",\"content\":\"V\"},"
                      "{\"ref\":[3,2]}"));
    free(started);
    write_file(path, text);
    struct session s;
    struct err e;
    assert_int_equal(session_read(path, &s, &e), 0);
    assert_int_equal(s.evs[2].nmsg, 4);
    assert_string_equal(s.evs[2].msgs[0].content, "S");
    assert_string_equal(s.evs[2].msgs[1].role, "user");
    assert_string_equal(s.evs[2].msgs[3].content, "V");
    session_free(&s);

    expect_bad(path, REQ("3", "{\"ref\":[2,2]}"), ":4", "messages[0]: names message 2 of event 2");
    expect_bad(path, REQ("3", "{\"ref\":[9,0]}"), ":4", "names message 0 of event 9");
    expect_bad(path, REQ("3", "{\"ref\":[3,0]}"), ":4", "names message 0 of event 3");
    expect_bad(path, REQ("3", "{\"role\":\"user\",\"content\":\"V\"},{\"ref\":[3,1]}"), ":4",
               "messages[1]: names message 1 of event 3");
    expect_bad(path, REQ("3", "{\"ref\":\"2.0\"}"), ":4", "expected \"ref\": [event, message]");
    expect_bad(path, REQ("3", "{\"ref\":[2]}"), ":4", "expected \"ref\"");
    expect_bad(path, REQ("3", "{\"ref\":[2,0.5]}"), ":4", "expected \"ref\"");
    expect_bad(path, REQ("3", "{\"ref\":[-1,0]}"), ":4", "expected \"ref\"");
    expect_bad(path, REQ("3", "{\"ref\":[1e300,0]}"), ":4", "expected \"ref\"");
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_message_is_written_once),
        cmocka_unit_test(format_one_reads_and_resumes_in_full),
        cmocka_unit_test(a_name_that_names_nothing_says_where),
    };
    return cmocka_run_group_tests_name("journal_book", tests, NULL, NULL);
}
