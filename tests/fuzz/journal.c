/* The journal reader, the reducer and the exporters, as `collm replay` and
 * `collm export` use them: the input is a session file; whatever reads
 * must rebuild a state and export it (to /dev/null) without a fault. */
#include "fuzz_space.h"

#include <unistd.h>

#include "../../sessions/export.h"
#include "../../sessions/journal.h"
#include "../../engine/spaces/space.h"

static const char *const specs[] = {"nb201:cifar10", "ofa-mbv3", "fmnist-supernet"};
static struct space *spaces[3];
static char path[64];
static FILE *sink;

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < 3; i++)
        spaces[i] = fuzz_space_open(specs[i]);
    snprintf(path, sizeof path, "/tmp/collm-fuzz-journal-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || !(sink = fopen("/dev/null", "w")))
        abort();
    close(fd);
    atexit(remove_file);
    return 0;
}

/* The space a session names, by family (its data variant aside). */
static const struct space *space_of(const struct session *s)
{
    const char *name = s->n > 0 && s->evs[0].info && s->evs[0].info->space
                           ? s->evs[0].info->space : "";
    for (int i = 0; i < 3; i++)
        if (strncmp(name, spaces[i]->family, strlen(spaces[i]->family)) == 0)
            return spaces[i];
    return spaces[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write_file(path, data, size);
    struct session s;
    struct err e = {0};
    if (session_read(path, &s, &e) != 0) {
        FUZZ_CHECK(e.msg[0]);
        session_free(&s);
        return 0;
    }
    FUZZ_CHECK(s.n >= 0 && s.good_bytes >= 0 && (size_t)s.good_bytes <= size);
    const struct space *sp = space_of(&s);
    struct state st;
    state_init(&st, space_decode_ctx, sp, sp->front_cost); /* as collm export does */
    for (int i = 0; i < s.n; i++) {
        struct err ae = {0};
        if (state_apply(&st, &s.evs[i], &ae) != 0) {
            FUZZ_CHECK(ae.msg[0]);
            break;
        }
    }
    if (st.info.nmetrics > 0) {
        export_csv(sink, &st);
        export_pareto(sink, &st, -1);
        export_svg(sink, &st, -1);
    }
    state_free(&st);
    session_free(&s);
    return 0;
}
