/* Replays one fuzz target (FUZZ_TARGET, built in with it) on its seed
 * corpus and its regression inputs with the normal compiler, as a TAP
 * test for tests/run.sh: tests/fuzz/corpus/T/ must exist and hold
 * inputs; tests/fuzz/regress/T/, the inputs a fuzzer once broke T with,
 * may be absent. A crash is the target aborting (or a sanitizer in the
 * ASan build); a hang is an input that takes longer than REPLAY_SECONDS. */
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include "fuzz.h"

#define REPLAY_SECONDS 30

static char current[512];

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "replay: input took too long: ";
    if (write(2, msg, sizeof msg - 1) < 0 || write(2, current, strlen(current)) < 0)
        _exit(3);
    _exit(3);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of `dir` through the target; -1 if the folder
 * cannot be read, else how many it ran. */
static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name); /* the same order every run */
    int ran = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(current, sizeof current, "%s/%s", dir, names[i]);
        FILE *f = fopen(current, "rb");
        if (!f)
            abort();
        uint8_t *buf = NULL;
        size_t len = 0, bcap = 0, got;
        do {
            if (len == bcap) {
                bcap = bcap ? 2 * bcap : 4096;
                buf = realloc(buf, bcap);
                if (!buf)
                    abort();
            }
            got = fread(buf + len, 1, bcap - len, f);
            len += got;
        } while (got > 0);
        fclose(f);
        alarm(REPLAY_SECONDS);
        /* a copy of exactly `len` bytes, as libFuzzer hands it over, so a
         * read past the end is caught in the ASan build */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact)
            abort();
        memcpy(exact, buf, len);
        LLVMFuzzerTestOneInput(exact, len);
        alarm(0);
        free(exact);
        free(buf);
        free(names[i]);
        ran++;
    }
    free(names);
    return ran;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* what passed shows even if a later input aborts */
    signal(SIGALRM, on_alarm);
    LLVMFuzzerInitialize(&argc, &argv);
    printf("1..2\n");
    int seeds = replay_dir("tests/fuzz/corpus/" FUZZ_TARGET);
    printf("%sok 1 - fuzz %s: %d seed inputs\n", seeds > 0 ? "" : "not ", FUZZ_TARGET, seeds);
    int regress = replay_dir("tests/fuzz/regress/" FUZZ_TARGET);
    printf("ok 2 - fuzz %s: %d regression inputs\n", FUZZ_TARGET, regress < 0 ? 0 : regress);
    fflush(stdout);
    return seeds > 0 ? 0 : 1;
}
