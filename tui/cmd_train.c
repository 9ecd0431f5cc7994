/* collm train: stage 1, the built-in supernet (DESIGN §8). */
#include <cblas.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/nn/ckpt.h"
#include "../engine/nn/train.h"
#include "cmds.h"
#include "opts.h"

static const char usage[] =
    "usage: collm train fmnist-supernet [--epochs N] [--seed S] [--out FILE] [--resume FILE]\n"
    "\n"
    "Stage 1 of two-stage NAS: trains the weight-sharing supernet of the\n"
    "fmnist-supernet space on Fashion-MNIST's 50,000 training images (the\n"
    "other 10,000 are the validation split; the test set is never used) with\n"
    "the sandwich rule: each step the largest, the smallest and --random\n"
    "random subnets, the others distilled from the largest. Every epoch ends\n"
    "with the validation accuracy of the largest and smallest subnets after BN\n"
    "recalibration, and writes a resumable checkpoint. Ctrl-C stops at the\n"
    "next step and writes one too; --resume continues it exactly. The same\n"
    "seed and --threads give the same weights.\n"
    "\n"
    "collm ships a trained checkpoint (data/fmnist-supernet.ckpt); this\n"
    "command is for retraining it or training your own.";

static volatile sig_atomic_t stop_poll;

static void on_sigint(int sig)
{
    (void)sig;
    stop_poll = 1;
}

struct ui {
    int tty;
    const char *out;
    struct trainer *t;
    struct err save_err;
    int save_failed;
};

static void on_progress(void *ud, const struct train_progress *p)
{
    struct ui *u = ud;
    char el[32], eta[32];
    train_duration_text(p->elapsed_s, el, sizeof el);
    train_duration_text(p->eta_s, eta, sizeof eta);
    if (u->tty && !p->epoch_end) {
        int w = 24, fill = (int)(w * p->epoch_step / p->epoch_steps);
        char bar[32];
        for (int i = 0; i < w; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[w] = '\0';
        fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %ld/%ld  loss %.3f  acc %.1f%%  %.0f img/s  ETA %s",
                p->epoch + 1, p->epochs, bar, p->epoch_step, p->epoch_steps, p->loss,
                p->train_acc, p->images_per_s, eta);
        fflush(stderr);
    }
    if (!p->epoch_end)
        return;
    if (u->tty)
        fprintf(stderr, "\r\033[K");
    if (p->valid_smallest == p->valid_smallest)
        fprintf(stderr,
                "epoch %d/%d: loss %.4f, train acc %.2f%%, valid (recalibrated) largest %.2f%% "
                "smallest %.2f%%, %.0f img/s, %s elapsed, ETA %s\n",
                p->epoch + 1, p->epochs, p->loss, p->train_acc, p->valid_largest,
                p->valid_smallest, p->images_per_s, el, eta);
    else
        fprintf(stderr,
                "epoch %d/%d: loss %.4f, train acc %.2f%%, valid (recalibrated) %.2f%%, "
                "%.0f img/s, %s elapsed, ETA %s\n",
                p->epoch + 1, p->epochs, p->loss, p->train_acc, p->valid_largest,
                p->images_per_s, el, eta);
    /* a resumable checkpoint every epoch: a crash loses one epoch at most */
    if (p->step < p->total_steps && trainer_save(u->t, u->out, 1, &u->save_err) < 0)
        u->save_failed = 1;
}

int cmd_train(int argc, char **argv)
{
    struct train_cfg cfg;
    train_cfg_default(&cfg);
    const char *out = NULL, *resume = NULL, *datadir = NULL, *subnet = NULL;
    int threads = 0, force = 0, no_distill = 0, seen_epochs = 0, seen_seed = 0;
    double lr = cfg.lr, wd = cfg.wd, warm = cfg.warmup_epochs;
    unsigned long long seed = cfg.seed;
    const struct opt opts[] = {
        {"epochs", OPT_INT, &cfg.epochs, "N", "epochs over the 50,000 training images (6)",
         &seen_epochs},
        {"seed", OPT_U64, &seed, "S", "seed of the initial weights and every choice (1)",
         &seen_seed},
        {"out", OPT_STR, &out, "FILE", "where to write the checkpoint (fmnist-supernet.ckpt)",
         NULL},
        {"resume", OPT_STR, &resume, "FILE", "continue an interrupted training", NULL},
        {"force", OPT_FLAG, &force, NULL, "replace an existing --out file", NULL},
        {"subnet", OPT_STR, &subnet, "ARCH",
         "train only this subnet from scratch, on the labels (stand-alone, to compare)", NULL},
        {"batch", OPT_INT, &cfg.batch, "N", "images per step (128)", NULL},
        {"lr", OPT_DOUBLE, &lr, "X", "peak learning rate, cosine decay (0.1)", NULL},
        {"wd", OPT_DOUBLE, &wd, "X", "weight decay of conv and linear weights (4e-5)", NULL},
        {"warmup", OPT_DOUBLE, &warm, "EPOCHS", "linear warm-up (0.5)", NULL},
        {"random", OPT_INT, &cfg.nrandom, "N", "random subnets per step (2)", NULL},
        {"no-distill", OPT_FLAG, &no_distill, NULL, "subnets learn the labels, not the largest",
         NULL},
        {"train-images", OPT_INT, &cfg.train_images, "N",
         "use only the first N training images (quick trials)", NULL},
        {"report-images", OPT_INT, &cfg.report_images, "N",
         "score only N validation images at each epoch's end (quick trials; all by default)",
         NULL},
        {"threads", OPT_INT, &threads, "N",
         "worker threads, one batch shard each (default: the cores; resume: as recorded)",
         NULL},
        {"fmnist", OPT_STR, &datadir, "DIR",
         "Fashion-MNIST folder (default $COLLM_FMNIST_DIR or /usr/share/datasets/fashion-mnist)",
         NULL},
        {0},
    };
    char *pos[4];
    int npos;
    struct err e = {0};
    int rc = opts_parse("train", usage, opts, argc, argv, pos, 4, &npos, &e);
    if (rc)
        return rc > 0 ? EXIT_OK : cmd_fail("train", &e);
    cfg.distill = !no_distill;
    if (npos != 1 || strcmp(pos[0], "fmnist-supernet") != 0)
        return cmd_usage("train", npos ? pos[0] : "", "%s; the space collm can train is "
                         "fmnist-supernet (collm train fmnist-supernet --help)",
                         npos ? "unknown space" : "name the space to train");
    if (cfg.epochs < 1 || cfg.epochs > 1000)
        return cmd_usage("train", "--epochs", "expected 1 to 1000");
    if (cfg.batch < 2 || cfg.batch > 4096)
        return cmd_usage("train", "--batch", "expected 2 to 4096");
    if (!(lr > 0 && lr < 10))
        return cmd_usage("train", "--lr", "expected a learning rate in (0, 10)");
    if (!(wd >= 0 && wd < 1))
        return cmd_usage("train", "--wd", "expected a weight decay in [0, 1)");
    if (!(warm >= 0 && warm <= cfg.epochs))
        return cmd_usage("train", "--warmup", "expected 0 to --epochs");
    if (cfg.nrandom < 0 || cfg.nrandom > 16)
        return cmd_usage("train", "--random", "expected 0 to 16");
    if (cfg.report_images < 0)
        return cmd_usage("train", "--report-images", "expected a positive count");
    if (cfg.train_images < 0)
        return cmd_usage("train", "--train-images", "expected a positive count");
    if (threads < 0 || threads > 256)
        return cmd_usage("train", "--threads", "expected 1 to 256");
    if (resume && (seen_epochs || seen_seed))
        return cmd_usage("train", "--resume", "continues with the checkpoint's own recipe; "
                         "--epochs and --seed cannot change it");
    if (subnet && resume)
        return cmd_usage("train", "--subnet", "a resumed training keeps its own subnet");
    if (subnet) {
        if (sn_arch_parse(subnet, &cfg.subnet, &e) < 0) {
            err_wrap(&e, "--subnet");
            return cmd_fail("train", &e);
        }
        cfg.subnet_set = 1;
    }
    cfg.lr = (float)lr, cfg.wd = (float)wd, cfg.warmup_epochs = (float)warm, cfg.seed = seed;
    if (!out)
        out = resume ? resume : "fmnist-supernet.ckpt";
    struct stat st;
    if (!resume && !force && stat(out, &st) == 0)
        return cmd_usage("train", out, "exists; pass --force to replace it, --out for another "
                         "file, or --resume to continue it");

    struct fmnist_data d;
    if (fmnist_load(datadir, &d, &e) < 0)
        return cmd_fail("train", &e);
    struct trainer t;
    if ((resume ? trainer_resume(&t, resume, &e) : trainer_init(&t, &cfg, &e)) < 0) {
        fmnist_free(&d);
        return cmd_fail("train", &e);
    }
    if (resume)
        t.cfg.report_images = cfg.report_images; /* a report, not part of the recipe */
    if (threads)
        t.threads = threads;
    else if (!resume) {
        long nproc = sysconf(_SC_NPROCESSORS_ONLN);
        t.threads = nproc > 0 && nproc < 256 ? (int)nproc : 1;
    }
    struct ui u = {.tty = isatty(2), .out = out, .t = &t};
    fprintf(stderr, "collm train: fmnist-supernet, %d epochs of %d images, batch %d, seed %llu, "
                    "%d thread%s%s%s\n",
            t.cfg.epochs, t.cfg.train_images ? t.cfg.train_images : d.train.n, t.cfg.batch,
            t.cfg.seed, t.threads, t.threads == 1 ? "" : "s", resume ? ", resuming " : "",
            resume ? resume : "");

    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C ends the process at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rc = trainer_run(&t, &d, (const volatile int *)&stop_poll, on_progress, &u, &e);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (u.tty)
        fprintf(stderr, "\r\033[K");
    int code = EXIT_OK;
    if (rc < 0) {
        code = cmd_fail("train", &e);
    } else if (rc == 1) {
        if (trainer_save(&t, out, 1, &e) < 0) {
            code = cmd_fail("train", &e);
        } else {
            fprintf(stderr, "collm train: stopped at step %ld of %ld; checkpoint %s\n"
                            "resume with: collm train fmnist-supernet --resume %s\n",
                    t.step, t.total_steps, out, out);
            code = 130;
        }
    } else if (trainer_save(&t, out, 0, &e) < 0) {
        code = cmd_fail("train", &e);
    } else {
        char el[32], hex[65] = "";
        train_duration_text(t.elapsed_s, el, sizeof el);
        ckpt_sha256_file(out, hex, &e);
        printf("trained fmnist-supernet in %s (%.0f s); checkpoint %s\nsha256 %s\n", el,
               t.elapsed_s, out, hex);
    }
    if (u.save_failed && code == EXIT_OK)
        fprintf(stderr, "collm train: warning: an epoch checkpoint could not be written: %s\n",
                u.save_err.msg);
    trainer_free(&t);
    fmnist_free(&d);
    return code;
}
