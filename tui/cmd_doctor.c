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
#include "../engine/core/strbuf.h"
#include "../engine/llm/llm.h"
#include "../engine/nn/ckpt.h"
#include "../engine/nn/fmnist.h"
#include "../engine/nn/train.h"
#include "../engine/spaces/space.h"
#include "agentcfg.h"
#include "cmds.h"
#include "config.h"
#include "opts.h"

#ifndef COLLM_VERSION
#define COLLM_VERSION "0.1.0"
#endif

static const char usage[] =
    "usage: collm doctor [--llm-url URL | --llm KIND:MODEL] [--model M]\n"
    "\n"
    "Reports the libraries and the OpenBLAS kernel in use (and whether this CPU could\n"
    "use a faster one), the data files with their checksums (the supernet checkpoint\n"
    "is read whole), the Fashion-MNIST files ($COLLM_FMNIST_DIR or the Debian\n"
    "package's folder) and whether they load, and, when an endpoint is configured\n"
    "(--llm-url, --llm or OPENAI_BASE_URL), whether the LLM server lists its models\n"
    "and gives a usable answer to one tiny chat completion (max_tokens 16) from\n"
    "--model (else the first model it lists).\n"
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
    struct strbuf *b = ud;
    if (b->len + s * n > ((size_t)1 << 20)) /* a model list, not a download */
        return 0;
    return strbuf_add(b, p, s * n) < 0 ? 0 : s * n;
}

/* GET {url}/models: 0 when it answered 200, -2 when nothing answered; the
 * first model's id into `first`. */
static int check_models(const char *url, const char *shown, char *first, size_t n)
{
    char models[1200];
    snprintf(models, sizeof models, "%s%smodels", url, url[strlen(url) - 1] == '/' ? "" : "/");
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    const char *key = getenv("OPENAI_API_KEY");
    if (key && *key) {
        char auth[1200];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
        h = curl_slist_append(h, auth); /* a header only, never printed */
    }
    struct strbuf body = {0};
    long status = 0;
    curl_easy_setopt(c, CURLOPT_URL, models);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
    CURLcode cr = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    first[0] = '\0';
    if (cr != CURLE_OK) {
        printf("  FAILED    %s: %s\n", shown, curl_easy_strerror(cr));
        strbuf_free(&body);
        return -2;
    }
    cJSON *o = cJSON_Parse(strbuf_str(&body));
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(o, "data");
    const char *id = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(data, 0), "id"));
    snprintf(first, n, "%s", id && strlen(id) < n ? id : "");
    printf("  %-9s %s/models: HTTP %ld, %zu bytes", status == 200 ? "ok" : "ANSWERS", shown,
           status, body.len);
    if (cJSON_IsArray(data))
        printf(", %d model%s%s%s", cJSON_GetArraySize(data),
               cJSON_GetArraySize(data) == 1 ? "" : "s", first[0] ? ", the first " : "", first);
    printf("\n");
    cJSON_Delete(o);
    strbuf_free(&body);
    return status == 200 ? 0 : -1;
}

struct probe {
    int done, ok, reasoned;
    long status, tin, tout;
    double latency;
    char text[80], finish[32], error[700];
};

static void on_probe(void *ud, const struct llm_result *r)
{
    struct probe *p = ud;
    p->done = 1;
    p->ok = r->ok;
    p->status = r->http_status;
    p->tin = r->tokens_in;
    p->tout = r->tokens_out;
    p->latency = r->latency;
    p->reasoned = r->reasoning && r->reasoning[0];
    snprintf(p->finish, sizeof p->finish, "%s", r->finish ? r->finish : "");
    snprintf(p->error, sizeof p->error, "%s", r->error ? r->error : "");
    size_t k = 0; /* the answer's start on one line */
    for (const char *t = r->text ? r->text : ""; *t && k + 1 < sizeof p->text; t++)
        if (!(k == 0 && (*t == ' ' || *t == '\n')))
            p->text[k++] = *t == '\n' || *t == '\r' || *t == '\t' ? ' ' : *t;
    p->text[k] = '\0';
}

/* One tiny chat completion through the search's own client: a server
 * that lists models can still answer chats with nothing usable (a proxy's
 * HTML, an empty message, a 401). 0 when the answer is usable. */
static int probe_chat(const char *url, const char *model)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e = {0};
    struct llm_client *c = llm_client_new(&loop, &e);
    struct llm_params p;
    llm_params_default(&p);
    p.base_url = url;
    p.api_key = getenv("OPENAI_API_KEY");
    p.model = model;
    p.max_tokens = 16;
    p.timeout_ms = 60000; /* a local server may load the model first */
    p.max_retries = 0;
    const struct llm_msg m[] = {{"user", "Reply with the single word: ok"}};
    struct probe pr = {0};
    const struct llm_callbacks cb = {.done = on_probe, .ud = &pr};
    if (c && llm_chat(c, &p, m, 1, &cb, &e))
        uv_run(&loop, UV_RUN_DEFAULT);
    llm_client_free(c);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    char buf[1024];
    if (!pr.done) {
        printf("  FAILED    chat with %s: %s\n", model, err_str(&e, buf, sizeof buf));
        return -1;
    }
    if (!pr.ok) {
        printf("  FAILED    chat with %s: %s\n", model, pr.error);
        return -1;
    }
    if (!pr.text[0] && !pr.reasoned) {
        printf("  UNUSABLE  chat with %s: HTTP %ld but an empty answer (finish_reason %s)\n",
               model, pr.status, pr.finish[0] ? pr.finish : "none");
        return -1;
    }
    printf("  ok        chat with %s: %s%s%s (%ld+%ld tokens, %.1f s)\n", model,
           pr.text[0] ? "\"" : "only reasoning within 16 tokens", pr.text, pr.text[0] ? "\"" : "",
           pr.tin, pr.tout, pr.latency);
    return 0;
}

int cmd_doctor(int argc, char **argv)
{
    struct agent_cfg ac;
    agent_cfg_default(&ac);
    struct opt opts[] = {
        {"llm-url", OPT_STR, &ac.url, "URL", "the endpoint to check (else OPENAI_BASE_URL)", NULL},
        {"llm", OPT_STR, &ac.preset, "KIND:MODEL", "a server on its usual local port, as search "
                                                  "takes it: ollama:M, vllm:M, llamacpp:M, "
                                                  "openai:M", NULL},
        {"model", OPT_STR, &ac.model, "NAME", "the model to ask (default: the first listed)",
         NULL},
        {0}, {0}, {0},
    };
    config_opts(opts + 3, 2);
    char *pos[1];
    int npos;
    struct err e = {0};
    const char *url = NULL, *model = NULL;
    /* a config file that cannot be read is one more finding, not the end */
    struct err ce = {0};
    int config_bad = config_load(opts, argc, argv, &ce) < 0;
    int rc = opts_parse("doctor", usage, opts, argc, argv, pos, 0, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("doctor", &e);
    if (agent_cfg_endpoint(&ac, &url, &model, &e) < 0)
        return cmd_fail("doctor", &e);
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
    if (env && *env) /* the user chose it: no misdetect to blame */
        printf("  note      OPENBLAS_CORETYPE=%s in the environment chose this kernel%s\n", env,
               cpu_has("avx512f") && !kernel_uses(core, avx512)
                   ? "; this CPU has AVX-512, which SkylakeX uses"
               : cpu_has("avx2") && !kernel_uses(core, avx2) ? "; this CPU has AVX2 (Haswell)"
                                                              : "");
    else if (cpu_has("avx512f") && !kernel_uses(core, avx512))
        printf("  note      this CPU has AVX-512 but OpenBLAS picked %s: a faster kernel exists "
               "(SkylakeX). OpenBLAS 0.3.21 misdetects some CPUs; OPENBLAS_CORETYPE=SkylakeX "
               "in your environment selects it (collm never sets it)\n", core);
    else if (cpu_has("avx2") && !kernel_uses(core, avx2))
        printf("  note      this CPU has AVX2 but OpenBLAS picked %s: OPENBLAS_CORETYPE=Haswell "
               "selects a faster kernel (collm never sets it)\n", core);

    char where[4096];
    printf("\nConfig\n");
    if (config_bad) {
        char buf[1024];
        printf("  FAILED    %s\n", err_str(&ce, buf, sizeof buf));
        bad = 1;
    } else {
        int read = config_describe(where, sizeof where);
        printf("  %-9s %s\n", read ? "read" : "", where);
    }

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

    printf("\nLLM endpoint\n");
    if (!url) {
        printf("  none configured: collm uses the offline agents (--llm-url, --llm or "
               "OPENAI_BASE_URL to set one)\n");
    } else if (strncmp(url, "replay:", 7) == 0) {
        printf("  %s: a recording, not an endpoint: nothing to check\n", url);
    } else {
        char shown[1024], first[256];
        llm_redact_url(url, shown, sizeof shown);
        const char *key = getenv("OPENAI_API_KEY");
        if (key && *key)
            printf("  (OPENAI_API_KEY is sent to this endpoint only)\n");
        int listed = check_models(url, shown, first, sizeof first);
        bad |= listed < 0;
        if (!model && first[0])
            model = first;
        if (listed == -2)
            ; /* no server there: a chat would only say so again */
        else if (model)
            bad |= probe_chat(url, model) < 0;
        else
            printf("  ?         chat not checked: no model (give --model M)\n");
    }
    return bad ? EXIT_FAIL : EXIT_OK;
}
