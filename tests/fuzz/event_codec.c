/* The event codec: every line that parses writes back to JSON that parses
 * again to an equal event (equal: it writes the same bytes again), and a
 * copy of it writes the same bytes too. The input is lines, as in a
 * journal; metrics are named by the latest session_started line, a real
 * nb201 header until one comes. */
#include "fuzz.h"

#include "../../engine/core/event.h"

static const char header[] = /* a real nb201 session's */
    "{\"seq\":1,\"t\":8e-06,\"type\":\"session_started\",\"iter\":0,\"version\":1"
    ",\"program\":\"collm 0.1.0\",\"space\":\"nb201:cifar10\",\"algo\":\"rea\",\"seed\":1"
    ",\"budget\":30,\"constraint\":\"\",\"review\":\"auto\",\"params\":{\"batch\":1"
    ",\"population\":10,\"tournament\":10},\"agents\":{\"navigator\":\"\""
    ",\"generator\":\"\"},\"target\":null,\"metrics\":[{\"name\":\"valid_acc\""
    ",\"unit\":\"%\",\"role\":\"objective\""
    ",\"help\":\"200-epoch validation accuracy (what the search sees)\"}"
    ",{\"name\":\"test_acc\",\"unit\":\"%\",\"role\":\"report\""
    ",\"help\":\"200-epoch test accuracy (reported"
    ", never seen by the search)\"},{\"name\":\"flops\",\"unit\":\"M\",\"role\":\"cost\""
    ",\"help\":\"FLOPs of the network\"},{\"name\":\"params\",\"unit\":\"M\""
    ",\"role\":\"cost\",\"help\":\"parameters of the network\"}"
    ",{\"name\":\"lat_raspi4\",\"unit\":\"ms\",\"role\":\"cost\""
    ",\"help\":\"latency on a Raspberry Pi 4 (HW-NAS-Bench, CIFAR-10 input)\"}"
    ",{\"name\":\"lat_pixel3\",\"unit\":\"ms\",\"role\":\"cost\""
    ",\"help\":\"latency on a Pixel 3 (HW-NAS-Bench, CIFAR-10 input)\"}"
    ",{\"name\":\"lat_eyeriss\",\"unit\":\"ms\",\"role\":\"cost\""
    ",\"help\":\"latency on Eyeriss, estimated (HW-NAS-Bench)\"}"
    ",{\"name\":\"lat_fpga\",\"unit\":\"ms\",\"role\":\"cost\""
    ",\"help\":\"latency on an FPGA, estimated (HW-NAS-Bench)\"}"
    ",{\"name\":\"lat_titanrtx_b1\",\"unit\":\"ms\",\"role\":\"cost\""
    ",\"help\":\"latency on a Titan RTX, batch 1 (HELP)\"}"
    ",{\"name\":\"lat_titanrtx_b256\",\"unit\":\"ms\",\"role\":\"cost\""
    ",\"help\":\"latency on a Titan RTX, batch 256 (HELP)\"}]"
    ",\"objective\":\"valid_acc\",\"report\":\"test_acc\"}";
static struct event start;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    struct err e = {0};
    if (event_from_json(header, &start, NULL, &e) != 0 || !start.info) {
        fprintf(stderr, "event_codec: the built-in header: %s: %s\n", e.where, e.msg);
        abort();
    }
    return 0;
}

/* One line through the codec; the info it names metrics by comes back
 * when the line is a session_started, so the next lines use it. */
static void round_trip(const char *line, struct session_info **info)
{
    struct event ev, again, copy;
    struct err e = {0};
    int rc = event_from_json(line, &ev, *info, &e);
    if (rc != 0) {
        FUZZ_CHECK(rc == 1 || e.msg[0]);
        return;
    }
    char *j1 = event_to_json(&ev, *info, 1);
    FUZZ_CHECK(j1);
    struct err e2 = {0};
    if (event_from_json(j1, &again, *info, &e2) != 0) {
        fprintf(stderr, "event_codec: what it wrote does not read back: %s: %s\n%s\n",
                e2.where, e2.msg, j1);
        abort();
    }
    char *j2 = event_to_json(&again, *info, 1);
    FUZZ_CHECK(j2);
    if (strcmp(j1, j2) != 0) {
        fprintf(stderr, "event_codec: not a fixed point:\n%s\n%s\n", j1, j2);
        abort();
    }
    FUZZ_CHECK(event_copy(&copy, &ev) == 0);
    char *j3 = event_to_json(&copy, *info, 1);
    FUZZ_CHECK(j3 && strcmp(j1, j3) == 0);
    free(j3);
    free(j2);
    free(j1);
    event_free(&copy);
    event_free(&again);
    if (ev.type == EV_SESSION_STARTED && ev.info) {
        struct session_info *next = session_info_new();
        FUZZ_CHECK(next && session_info_copy(next, ev.info) == 0);
        if (*info != start.info)
            session_info_free(*info);
        *info = next;
    }
    event_free(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct session_info *info = start.info;
    for (char *line = text, *nl; line; line = nl) {
        nl = strchr(line, '\n');
        if (nl)
            *nl++ = '\0';
        round_trip(line, &info);
    }
    if (info != start.info)
        session_info_free(info);
    free(text);
    return 0;
}
