#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/eval/eval.h"
#include "../engine/eval/supernet_eval.h"
#include "../engine/spaces/space.h"
#include "cmds.h"
#include "interrupt.h"
#include "opts.h"

static const char usage[] =
    "usage: collm eval [--space SPACE] ARCH... | -\n"
    "\n"
    "Prints the metrics of each architecture as one JSON object per line, for\n"
    "scripts. With '-', reads one architecture per line from standard input.\n"
    "An invalid architecture is reported on stderr with the position of the\n"
    "error; the others are still printed, and the exit code is 2.\n"
    "\n"
    "For fmnist-supernet each subnet inherits the trained supernet's weights,\n"
    "its batch norms are recalibrated on 2,000 training images, then it is scored\n"
    "on the validation and the test split; --no-recal keeps the checkpoint's\n"
    "running statistics instead (to see what recalibration is for).\n"
    "\n"
    "A space with no built-in evaluator (spos-shufflenet, autoformer-*) prints\n"
    "its exact costs only, unless --evaluator is given.\n"
    "\n"
    "Example:\n"
    "  collm eval --space nb201:cifar10 "
    "'|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
    "nor_conv_3x3~2|'\n"
    "  collm eval --space fmnist-supernet "
    "'{\"r\":28,\"d\":[4,4],\"ks\":[7,7,7,7,7,7,7,7],\"e\":[6,6,6,6,6,6,6,6]}'";

struct sink {
    int got;
    struct eval_result r;
};

static void on_done(void *ud, const struct eval_result *r)
{
    struct sink *s = ud;
    s->got = 1;
    s->r = *r;
}

/* 0 printed, -1 invalid input (reported), -2 evaluation failed, -3 stopped */
static int eval_one(const struct space *sp, struct evaluator *ev, const char *text,
                    const char *where)
{
    struct err e = {0};
    struct eval_job job = {0};
    if (space_decode(sp, text, &job.arch, &e) < 0 || space_cost(sp, &job.arch, job.m, &e) < 0) {
        err_wrap(&e, where);
        cmd_fail("eval", &e);
        return -1;
    }
    struct sink s = {0};
    if (!ev) /* costs only: they are the space's, known without evaluating */
        s.got = 1, s.r.ok = 1;
    else
        evaluator_submit(ev, &job, on_done, &s);
    if (s.got && s.r.cancelled)
        return -3;
    if (!s.got || !s.r.ok) {
        fprintf(stderr, "collm eval: %s: %s\n", where, s.got ? s.r.error : "no result");
        return -2;
    }
    char canon[1024];
    space_encode(sp, &job.arch, canon, sizeof canon);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "space", sp->id);
    /* a dict (OFA, AutoFormer) or a list (SPOS) stays JSON */
    cJSON *as_json = canon[0] == '{' || canon[0] == '[' ? cJSON_Parse(canon) : NULL;
    if (as_json)
        cJSON_AddItemToObject(o, "arch", as_json);
    else
        cJSON_AddStringToObject(o, "arch", canon);
    cJSON *m = cJSON_AddObjectToObject(o, "metrics");
    for (int i = 0; i < sp->nmetrics; i++)
        if (ev || sp->metrics[i].role == METRIC_COST)
            cJSON_AddNumberToObject(m, sp->metrics[i].name, ev ? s.r.m[i] : job.m[i]);
    char *line = cJSON_PrintUnformatted(o);
    puts(line);
    free(line);
    cJSON_Delete(o);
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    const char *space_spec = "nb201:cifar10", *datadir = NULL, *evaluator = NULL;
    int no_recal = 0;
    const struct opt opts[] = {
        {"space", OPT_STR, &space_spec, "SPACE", "search space (default nb201:cifar10)", NULL},
        {"data", OPT_STR, &datadir, "DIR", "folder with the data files", NULL},
        {"evaluator", OPT_STR, &evaluator, "NAME", "how to evaluate (default: the space's)",
         NULL},
        {"no-recal", OPT_FLAG, &no_recal, NULL,
         "fmnist-supernet: no BN recalibration (the checkpoint's statistics)", NULL},
        {0},
    };
    char *pos[256];
    int npos;
    struct err e = {0};
    int rc = opts_parse("eval", usage, opts, argc, argv, pos, 256, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("eval", &e);
    if (npos == 0)
        return cmd_usage("eval", "", "give an architecture, or '-' to read them "
                                                  "from standard input (see --help)");
    /* a subnet's evaluation takes seconds: Ctrl-C stops it inside, and
     * the loops below look at the flag between architectures */
    interrupt_install(NULL);
    const volatile int *stop = interrupt_flag();
    struct space *sp = space_open(space_spec, datadir, &e);
    if (!sp) {
        interrupt_restore();
        return cmd_fail("eval", &e);
    }
    /* A space without a built-in evaluator (spos, autoformer) still has
     * exact costs, which are what `eval` is asked for before a search. */
    int costs_only = (!evaluator || !*evaluator) && !evaluator_default(sp);
    struct evaluator *ev = costs_only ? NULL : evaluator_open_named(evaluator, sp, NULL, &e);
    if (!ev && !costs_only) {
        interrupt_restore();
        space_close(sp);
        return cmd_fail("eval", &e);
    }
    if (strcmp(sp->family, "fmnist-supernet") == 0)
        supernet_evaluator_set_stop(ev, stop);
    if (no_recal) {
        if (strcmp(sp->family, "fmnist-supernet") != 0) {
            interrupt_restore();
            evaluator_close(ev);
            space_close(sp);
            return cmd_usage("eval", "--no-recal", "only fmnist-supernet has batch norms to "
                             "recalibrate");
        }
        supernet_evaluator_set_recal(ev, 0);
    }
    int bad = 0, failed = 0;
    for (int i = 0; i < npos && !*stop; i++) {
        char where[64];
        if (strcmp(pos[i], "-") != 0) {
            snprintf(where, sizeof where, "argument %d", i + 1);
            int r = eval_one(sp, ev, pos[i], where);
            bad |= r == -1;
            failed |= r == -2;
            continue;
        }
        char *line = NULL;
        size_t cap = 0;
        long lineno = 0;
        while (!*stop && getline(&line, &cap, stdin) >= 0) {
            lineno++;
            line[strcspn(line, "\r\n")] = '\0';
            if (!line[0] || line[0] == '#')
                continue;
            snprintf(where, sizeof where, "stdin:%ld", lineno);
            int r = eval_one(sp, ev, line, where);
            bad |= r == -1;
            failed |= r == -2;
        }
        free(line);
    }
    interrupt_restore();
    evaluator_close(ev);
    space_close(sp);
    if (interrupt_signal()) {
        fprintf(stderr, "collm eval: %s\n",
                interrupt_signal() == SIGINT ? "interrupted (Ctrl-C)" : "terminated");
        return 128 + interrupt_signal();
    }
    return bad ? EXIT_USAGE : failed ? EXIT_FAIL : EXIT_OK;
}
