/* collm doctor: what this machine gives collm, and what is wrong with it. */
#include <cblas.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../engine/core/datadir.h"
#include "../engine/core/sha256.h"
#include "../engine/llm/llm.h"
#include "../engine/nn/ckpt.h"
#include "../engine/nn/fmnist.h"
#include "../engine/nn/train.h"
#include "../engine/spaces/space.h"
#include "cmds.h"
#include "opts.h"

#ifndef COLLM_VERSION
#define COLLM_VERSION "0.1.0"
#endif

static const char usage[] =
    "usage: collm doctor [--llm-url URL]\n"
    "\n"
    "Reports the libraries and the OpenBLAS kernel in use (and whether this CPU could\n"
    "use a faster one), the data files with their checksums (the supernet checkpoint\n"
    "is read whole), the Fashion-MNIST files ($COLLM_FMNIST_DIR or the Debian\n"
    "package's folder) and whether they load, and, when an endpoint is configured\n"
    "(--llm-url or OPENAI_BASE_URL), whether the LLM server answers.\n"
    "Exit code 1 when something collm needs is missing or damaged.";

static int file_sha(const char *path, char *hex, long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct sha256 h;
    sha256_init(&h);
    char buf[65536];
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        sha256_update(&h, buf, n);
        *size += (long)n;
    }
    fclose(f);
    sha256_hex(&h, hex);
    return 0;
}

/* One data file of a space: there, and with the checksum it should have. */
static int check_file(const struct space_file *f)
{
    char path[4200], hex[65];
    long size;
    datadir_path(NULL, f->file, path, sizeof path);
    if (file_sha(path, hex, &size) < 0) {
        printf("  MISSING   %-38s %s: %s\n", f->file, f->what, strerror(errno));
        return 1;
    }
    if (f->sha256 && strcmp(hex, f->sha256) != 0) {
        printf("  DAMAGED   %-38s sha256 %.16s..., expected %.16s...\n", f->file, hex, f->sha256);
        return 1;
    }
    printf("  ok        %-38s %8ld bytes  sha256 %.16s...\n", f->file, size, hex);
    return 0;
}

/* The kernels that use AVX2 and AVX-512, as OpenBLAS names them. */
static int kernel_uses(const char *core, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(core, *names) == 0)
            return 1;
    return 0;
}

static int cpu_has(const char *flag)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    int has = 0;
    while (f && !has && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0) {
            char pat[64];
            snprintf(pat, sizeof pat, " %s ", flag);
            line[strcspn(line, "\n")] = ' ';
            has = strstr(line, pat) != NULL;
        }
    if (f)
        fclose(f);
    return has;
}

/* A number from the checkpoint's meta object: meta.obj.key, or -1. */
static double meta_num(const cJSON *meta, const char *obj, const char *key)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(meta, obj);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* The shipped supernet: its checksum, then whether it loads, and what it
 * says of its training. Returns 1 when it is missing or damaged. */
static int check_supernet(void)
{
    static const char name[] = "fmnist-supernet.ckpt";
    char path[4200], hex[65], buf[1024];
    struct err e = {0};
    struct stat st;
    datadir_path(NULL, name, path, sizeof path);
    if (stat(path, &st) != 0) {
        printf("  MISSING   %-38s %s: %s\n", name, "Fashion-MNIST supernet checkpoint",
               strerror(errno));
        return 1;
    }
    if (ckpt_sha256_file(path, hex, &e) < 0) {
        printf("  DAMAGED   %-38s %s\n", name, err_str(&e, buf, sizeof buf));
        return 1;
    }
    struct supernet sn;
    char meta[8192];
    if (supernet_load(&sn, path, meta, sizeof meta, &e) < 0) {
        printf("  DAMAGED   %-38s %8lld bytes  sha256 %.16s...\n", name, (long long)st.st_size,
               hex);
        printf("            %s\n", err_str(&e, buf, sizeof buf));
        return 1;
    }
    supernet_free(&sn);
    printf("  ok        %-38s %8lld bytes  sha256 %.16s...\n", name, (long long)st.st_size, hex);
    cJSON *m = cJSON_Parse(meta);
    double epochs = meta_num(m, "recipe", "epochs"), secs = meta_num(m, "state", "train_seconds");
    double step = meta_num(m, "state", "step"), total = meta_num(m, "state", "total_steps");
    const cJSON *done = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(m, "state"), "complete");
    char el[32] = "?";
    if (secs >= 0)
        train_duration_text(secs, el, sizeof el);
    printf("            supernet loads: ");
    if (epochs >= 0)
        printf("%.0f epoch%s", epochs, epochs == 1 ? "" : "s");
    else
        printf("epochs not recorded");
    if (secs >= 0)
        printf(", %s of training (%.0f s)", el, secs);
    if (cJSON_IsFalse(done) && step >= 0 && total > 0)
        printf(", interrupted at step %.0f of %.0f", step, total);
    printf("; sha256 %s\n", hex);
    cJSON_Delete(m);
    return 0;
}

/* Fashion-MNIST: the four files, then whether they load and split.
 * Returns 1 when something is missing or damaged. */
static int check_fmnist(void)
{
    static const char *const names[] = {"train-images-idx3-ubyte.gz",
                                        "train-labels-idx1-ubyte.gz",
                                        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    const char *dir = fmnist_dir_default();
    const char *env = getenv("COLLM_FMNIST_DIR");
    printf("\nFashion-MNIST (%s%s)\n", dir, env && *env ? ", from COLLM_FMNIST_DIR" : "");
    int bad = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4200];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) != 0) {
            printf("  MISSING   %-38s %s\n", names[i], strerror(errno));
            bad = 1;
        } else {
            printf("  ok        %-38s %8lld bytes\n", names[i], (long long)st.st_size);
        }
    }
    struct fmnist_data d;
    struct err e = {0};
    char buf[1024];
    if (fmnist_load(dir, &d, &e) < 0) {
        printf("  FAILED    %s\n", err_str(&e, buf, sizeof buf));
        return 1;
    }
    printf("  ok        loads: %d training, %d validation, %d test images\n", d.train.n,
           d.valid.n, d.test.n);
    fmnist_free(&d);
    return bad;
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    *(size_t *)ud += s * n;
    return s * n;
}

int cmd_doctor(int argc, char **argv)
{
    const char *url = NULL;
    const struct opt opts[] = {
        {"llm-url", OPT_STR, &url, "URL", "the endpoint to check (else OPENAI_BASE_URL)", NULL},
        {0},
    };
    char *pos[1];
    int npos;
    struct err e = {0};
    int rc = opts_parse("doctor", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("doctor", &e);
    int bad = 0;

    printf("collm %s\n\nLibraries\n", COLLM_VERSION);
    printf("  libcurl   %s\n", curl_version());
    printf("  OpenBLAS  %s\n", openblas_get_config());
    const char *core = openblas_get_corename();
    printf("  kernel    %s, %d thread%s", core, openblas_get_num_threads(),
           openblas_get_num_threads() == 1 ? "" : "s");
    const char *env = getenv("OPENBLAS_CORETYPE");
    printf("%s%s%s\n", env ? " (OPENBLAS_CORETYPE=" : "", env ? env : "", env ? ")" : "");
    static const char *const avx2[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake",
                                       "SapphireRapids", NULL};
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids", NULL};
    if (cpu_has("avx512f") && !kernel_uses(core, avx512))
        printf("  note      this CPU has AVX-512 but OpenBLAS picked %s: a faster kernel exists "
               "(SkylakeX). OpenBLAS 0.3.21 misdetects some CPUs; OPENBLAS_CORETYPE=SkylakeX "
               "in your environment selects it (collm never sets it)\n", core);
    else if (cpu_has("avx2") && !kernel_uses(core, avx2))
        printf("  note      this CPU has AVX2 but OpenBLAS picked %s: OPENBLAS_CORETYPE=Haswell "
               "selects a faster kernel (collm never sets it)\n", core);

    printf("\nData (%s)\n", datadir_default());
    int nkinds;
    const struct space_kind *kinds = space_registry(&nkinds);
    for (int k = 0; k < nkinds; k++) {
        int shared = 0; /* rows of one family list their files once */
        for (int j = 0; j < k && !shared; j++)
            shared = kinds[j].files == kinds[k].files;
        for (const struct space_file *f = kinds[k].files; !shared && f->file; f++)
            bad |= check_file(f);
    }
    bad |= check_supernet();
    bad |= check_fmnist();

    if (!url)
        url = getenv("OPENAI_BASE_URL");
    printf("\nLLM endpoint\n");
    if (!url || !*url) {
        printf("  none configured: collm uses the offline agents (--llm-url, --llm or "
               "OPENAI_BASE_URL to set one)\n");
    } else {
        char shown[1024], models[1200];
        llm_redact_url(url, shown, sizeof shown);
        snprintf(models, sizeof models, "%s%smodels", url, url[strlen(url) - 1] == '/' ? "" : "/");
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        const char *key = getenv("OPENAI_API_KEY");
        if (key && *key) {
            char auth[1200];
            snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
            h = curl_slist_append(h, auth); /* a header only, never printed */
        }
        size_t got = 0;
        long status = 0;
        curl_easy_setopt(c, CURLOPT_URL, models);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
        CURLcode cr = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (cr != CURLE_OK) {
            printf("  FAILED    %s: %s\n", shown, curl_easy_strerror(cr));
            bad = 1;
        } else {
            printf("  %-9s %s/models: HTTP %ld, %zu bytes\n", status == 200 ? "ok" : "ANSWERS",
                   shown, status, got);
            bad |= status != 200;
        }
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
    }
    return bad ? EXIT_FAIL : EXIT_OK;
}
