/* The elastic supernet: the architecture codec and costs, the whole
 * network's backward against finite differences, recalibration, weight
 * sharing, checkpoints through the trainer, and a short training run. */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>

#include "../../engine/nn/ckpt.h"
#include "../../engine/nn/nn.h"
#include "../../engine/nn/train.h"

static void arch_codec(void **state)
{
    (void)state;
    struct sn_arch a, b;
    struct err e;
    const char *text = "{\"r\":24,\"d\":[2,3],\"ks\":[5,7,7,7,3,5,7,7],\"e\":[6,4,4,4,3,3,6,6]}";
    assert_int_equal(sn_arch_parse(text, &a, &e), 0);
    assert_int_equal(a.r, 24);
    assert_int_equal(a.d[1], 3);
    assert_int_equal(a.ks[1], 7);
    assert_int_equal(a.ks[2], 0); /* inactive: masked */
    assert_int_equal(a.e[7], 0);
    char buf[256];
    assert_true(sn_arch_format(&a, buf, sizeof buf) > 0);
    assert_string_equal(buf, "{\"r\":24,\"d\":[2,3],\"ks\":[5,7,0,0,3,5,7,0],"
                             "\"e\":[6,4,0,0,3,3,6,0]}");
    assert_int_equal(sn_arch_parse(buf, &b, &e), 0);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(sn_arch_format(&a, buf, 10), -1);

    struct {
        const char *text, *where, *msg;
    } bad[] = {
        {"[1,2]", "architecture", "JSON object"},
        {"{\"r\":32,\"d\":[2,2],\"ks\":[3,3,3,3,3,3,3,3],\"e\":[3,3,3,3,3,3,3,3]}", "r", "20, 24 or 28"},
        {"{\"r\":28,\"d\":[2],\"ks\":[3,3,3,3,3,3,3,3],\"e\":[3,3,3,3,3,3,3,3]}", "d", "list of 2"},
        {"{\"r\":28,\"d\":[2,5],\"ks\":[3,3,3,3,3,3,3,3],\"e\":[3,3,3,3,3,3,3,3]}", "d[1]", "2, 3 or 4"},
        {"{\"r\":28,\"d\":[2,2],\"ks\":[3,3,3,3,3,3,3,4],\"e\":[3,3,3,3,3,3,3,3]}", "ks[7]", "3, 5 or 7"},
        {"{\"r\":28,\"d\":[2,2],\"ks\":[3,3,3,3,3,3,3,3],\"e\":[3,3,3,3.5,3,3,3,3]}", "e[3]", "3, 4 or 6"},
        {"{\"r\":28,\"d\":[2,2],\"ks\":[3,3,3,3,3,3,3,3]}", "e", "missing"},
        {"{\"r\":28,\"d\":[2,2],\"ks\":[3,0,3,3,3,3,3,3],\"e\":[3,3,3,3,3,3,3,3]}", "ks[1]", "is active"},
        {"{\"r\":28,\"d\":[2,2],\"ks\":[3,3,3,3,3,3,3,3],\"e\":[3,3,3,3,3,3,3,3],\"w\":1}", "w", "unknown field"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sn_arch_parse(bad[i].text, &a, &e), -1);
        assert_string_equal(e.where, bad[i].where);
        assert_non_null(strstr(e.msg, bad[i].msg));
        assert_int_equal(e.usage, 1);
    }
}

static void costs(void **state)
{
    (void)state;
    struct sn_arch big, small, a;
    sn_arch_largest(&big);
    sn_arch_smallest(&small);
    struct supernet sn;
    struct err e;
    assert_int_equal(supernet_init(&sn, &e), 0);
    /* The largest subnet uses every weight of the supernet. */
    assert_float_equal(sn_arch_mparams(&big) * 1e6, (double)sn.nw, 0.5);
    /* Hand count of the smallest: r=20 -> 20, 10, 5, 3. */
    double m = 20 * 20 * 16 * 9 + 10 * 10 * 16 * 9 + 10 * 10 * 16 * 16  /* stem, ds */
               + 10 * 10 * 16 * 48 + 5 * 5 * 48 * 9 + 5 * 5 * 48 * 24    /* s1.b0 */
               + 5 * 5 * 24 * 72 * 2 + 5 * 5 * 72 * 9                    /* s1.b1 */
               + 5 * 5 * 24 * 72 + 3 * 3 * 72 * 9 + 3 * 3 * 72 * 48      /* s2.b0 */
               + 3 * 3 * 48 * 144 * 2 + 3 * 3 * 144 * 9                  /* s2.b1 */
               + 3 * 3 * 48 * 192 + 192 * 10;                            /* head */
    assert_float_equal(sn_arch_mflops(&small), m / 1e6, 1e-9);
    assert_true(sn_arch_mflops(&big) > 4 * sn_arch_mflops(&small));
    struct rng r;
    rng_seed(&r, 3);
    for (int i = 0; i < 200; i++) {
        sn_arch_sample(&r, &a);
        assert_true(sn_arch_mflops(&a) >= sn_arch_mflops(&small) - 1e-9);
        assert_true(sn_arch_mflops(&a) <= sn_arch_mflops(&big) + 1e-9);
    }
    supernet_free(&sn);
}

/* ---- whole-network gradients ------------------------------------------- */

struct net_case {
    struct supernet *sn;
    struct sn_ctx *c;
    struct sn_arch a;
    float *x, *stats, *logits;
    uint8_t y[4];
    int n;
};

static double net_loss(struct net_case *nc)
{
    memset(nc->stats, 0, nc->sn->nstats * sizeof(float));
    sn_forward(nc->c, nc->sn, nc->stats, &nc->a, SN_TRAIN, nc->x, nc->n, nc->logits);
    return nn_xent(nc->logits, SN_CLASSES, nc->n, nc->y, NULL, NULL);
}

/* Central differences on a sample of every tensor the subnet uses. The
 * loss is a float computation through ~40 layers: the bound is loose
 * (relative error of the sampled gradient vector below 3e-2) but an
 * error in how the tape routes gradients gives errors of order 1. */
static void check_arch(struct net_case *nc)
{
    struct supernet *sn = nc->sn;
    float *grad = calloc(sn->nw, sizeof(float));
    float dlog[SN_CLASSES * 4];
    net_loss(nc);
    nn_xent(nc->logits, SN_CLASSES, nc->n, nc->y, dlog, NULL);
    sn_backward(nc->c, sn, dlog, grad);
    double num2 = 0, diff2 = 0, ana2 = 0;
    int used = 0;
    for (int i = 0; i < sn->ntensors; i++) {
        const struct sn_tensor *t = &sn->t[i];
        if (t->is_stat)
            continue;
        for (int k = 0; k < 2; k++) {
            size_t j = (size_t)(k * 7919 + i * 31) % t->n;
            float *p = sn->w + t->off + j, old = *p, h = 3e-3f;
            *p = old + h;
            double lp = net_loss(nc);
            *p = old - h;
            double lm = net_loss(nc);
            *p = old;
            double g = (lp - lm) / (2 * h);
            num2 += g * g, ana2 += (double)grad[t->off + j] * grad[t->off + j];
            diff2 += (g - grad[t->off + j]) * (g - grad[t->off + j]);
            used += grad[t->off + j] != 0;
        }
    }
    double rel = sqrt(diff2) / fmax(sqrt(num2), sqrt(ana2));
    print_message("# arch r=%d d=%d,%d: gradient relative error %.2e (%d non-zero)\n", nc->a.r,
                  nc->a.d[0], nc->a.d[1], rel, used);
    assert_true(rel < 3e-2);
    assert_true(used > 20);
    free(grad);
}

static void network_gradients(void **state)
{
    (void)state;
    struct supernet sn;
    struct err e;
    assert_int_equal(supernet_init(&sn, &e), 0);
    struct rng r;
    rng_seed(&r, 11);
    supernet_init_weights(&sn, &r);
    /* non-zero gammas everywhere, so that every block's branch matters */
    for (int i = 0; i < sn.ntensors; i++)
        if (strstr(sn.t[i].name, "gamma"))
            for (size_t k = 0; k < sn.t[i].n; k++)
                sn.w[sn.t[i].off + k] = 0.5f + (float)rng_double(&r);
    struct net_case nc = {.sn = &sn, .n = 4};
    nc.c = sn_ctx_new(4, &e);
    assert_non_null(nc.c);
    nc.x = malloc(sizeof(float) * 4 * 28 * 28);
    nc.stats = malloc(sizeof(float) * sn.nstats);
    nc.logits = malloc(sizeof(float) * 40);
    for (int i = 0; i < 4 * 28 * 28; i++)
        nc.x[i] = (float)(rng_double(&r) * 2 - 1);
    for (int i = 0; i < 4; i++)
        nc.y[i] = (uint8_t)(i * 3);
    sn_arch_largest(&nc.a);
    check_arch(&nc);
    sn_arch_smallest(&nc.a);
    check_arch(&nc);
    assert_int_equal(sn_arch_parse("{\"r\":24,\"d\":[3,2],\"ks\":[5,3,7,7,3,5,7,7],"
                                   "\"e\":[4,6,3,4,3,6,6,6]}", &nc.a, &e), 0);
    check_arch(&nc);
    free(nc.x);
    free(nc.stats);
    free(nc.logits);
    sn_ctx_free(nc.c);
    supernet_free(&sn);
}

/* A subnet is a slice of the supernet: weights it does not use do not
 * change its output, and its gradient is zero there. */
static void weights_are_shared_slices(void **state)
{
    (void)state;
    struct supernet sn;
    struct err e;
    assert_int_equal(supernet_init(&sn, &e), 0);
    struct rng r;
    rng_seed(&r, 5);
    supernet_init_weights(&sn, &r);
    struct sn_ctx *c = sn_ctx_new(8, &e);
    float x[8 * 784], l1[80], l2[80];
    for (int i = 0; i < 8 * 784; i++)
        x[i] = (float)rng_double(&r);
    struct sn_arch a;
    sn_arch_smallest(&a);
    sn_forward(c, &sn, sn.stats, &a, SN_EVAL, x, 8, l1);
    /* the 7x7 corner of s1.b0's depthwise kernels lies outside a 3x3 */
    const struct sn_tensor *dw = supernet_tensor(&sn, "s1.b0.dw");
    const struct sn_tensor *ex = supernet_tensor(&sn, "s2.b1.expand");
    const struct sn_tensor *b3 = supernet_tensor(&sn, "s1.b3.project");
    assert_non_null(dw);
    assert_non_null(ex);
    assert_non_null(b3);
    sn.w[dw->off] += 5;                               /* kernel corner */
    sn.w[ex->off + (size_t)(ex->shape[0] - 1) * ex->shape[1]] += 5; /* last expansion row */
    sn.w[b3->off] += 5;                               /* a block past the depth */
    sn_forward(c, &sn, sn.stats, &a, SN_EVAL, x, 8, l2);
    assert_memory_equal(l1, l2, sizeof l1);
    sn_arch_largest(&a);
    sn_forward(c, &sn, sn.stats, &a, SN_EVAL, x, 8, l2);
    assert_true(memcmp(l1, l2, sizeof l1) != 0);
    sn_ctx_free(c);
    supernet_free(&sn);
}

/* ---- training, recalibration, checkpoints ------------------------------ */

static struct fmnist_data data;
static int have_data;

static int load_data(void **state)
{
    (void)state;
    struct err e;
    if (fmnist_load(NULL, &data, &e) < 0) {
        fprintf(stderr, "%s: %s\n", e.where, e.msg);
        return -1;
    }
    have_data = 1;
    return 0;
}

static int free_data(void **state)
{
    (void)state;
    if (have_data)
        fmnist_free(&data);
    return 0;
}

static double accuracy(const struct supernet *sn, const float *stats, const struct sn_arch *a,
                       const float *img, const uint8_t *lab, int n)
{
    struct err e;
    struct sn_ctx *c = sn_ctx_new(500, &e);
    int k = subnet_correct(c, sn, stats, a, img, lab, n, 500, NULL);
    sn_ctx_free(c);
    return 100.0 * k / n;
}

/* Epoch-end losses, to see them fall. */
struct losses {
    double first, last;
    int n;
};

static void record_loss(void *ud, const struct train_progress *p)
{
    struct losses *l = ud;
    if (!p->epoch_end)
        return;
    if (l->n++ == 0)
        l->first = p->loss;
    l->last = p->loss;
}

/* 40 steps on 640 images: the loss falls and the largest and
 * smallest subnets are far above chance (10 %) on validation images; stale
 * BN statistics ruin a subnet, recalibration gives it back; the checkpoint
 * round trip gives the same predictions; resuming is exact. */
static void short_training(void **state)
{
    (void)state;
    struct train_cfg cfg;
    train_cfg_default(&cfg);
    cfg.epochs = 2;
    cfg.batch = 32;
    cfg.train_images = 640;
    cfg.nrandom = 0;
    cfg.seed = 7;
    cfg.report_images = 200;
    struct trainer t;
    struct err e;
    assert_int_equal(trainer_init(&t, &cfg, &e), 0);
    t.threads = 2;
    struct losses l = {0};
    assert_int_equal(trainer_run(&t, &data, NULL, record_loss, &l, &e), 0);
    assert_int_equal(t.step, 2 * 20);
    assert_int_equal(l.n, 2);
    print_message("# training loss, epoch 1 %.3f, epoch 2 %.3f\n", l.first, l.last);
    assert_true(l.last < 0.8 * l.first);

    int nv = 500;
    float *valid = malloc(sizeof(float) * 784 * nv), *recal = malloc(sizeof(float) * 784 * 1000);
    train_normalise(data.valid.images, (size_t)784 * nv, valid);
    train_normalise(data.train.images, (size_t)784 * 1000, recal);
    struct sn_arch big, small;
    sn_arch_largest(&big);
    sn_arch_smallest(&small);
    float *stats = malloc(sizeof(float) * t.sn.nstats);
    struct sn_ctx *c = sn_ctx_new(500, &e);
    double acc[2], stale;
    for (int i = 0; i < 2; i++) {
        memcpy(stats, t.sn.stats, sizeof(float) * t.sn.nstats);
        assert_int_equal(subnet_recalibrate(c, &t.sn, i ? &small : &big, recal, 1000, 200,
                                            stats, NULL), 0);
        acc[i] = accuracy(&t.sn, stats, i ? &small : &big, valid, data.valid.labels, nv);
    }
    print_message("# 40 steps on 640 images: valid largest %.1f%%, smallest %.1f%%\n", acc[0],
                  acc[1]);
    assert_true(acc[0] > 50);
    assert_true(acc[1] > 40);

    /* stale statistics: those of an untrained network */
    struct supernet fresh;
    assert_int_equal(supernet_init(&fresh, &e), 0);
    struct rng r;
    rng_seed(&r, 1);
    supernet_init_weights(&fresh, &r);
    stale = accuracy(&t.sn, fresh.stats, &big, valid, data.valid.labels, nv);
    memcpy(stats, fresh.stats, sizeof(float) * t.sn.nstats);
    assert_int_equal(subnet_recalibrate(c, &t.sn, &big, recal, 1000, 200, stats, NULL), 0);
    double back = accuracy(&t.sn, stats, &big, valid, data.valid.labels, nv);
    print_message("# stale BN statistics %.1f%%, recalibrated %.1f%%\n", stale, back);
    assert_true(stale < 40);
    assert_float_equal(back, acc[0], 1e-9);

    /* a cancelled recalibration says so */
    int cancel = 1;
    assert_int_equal(subnet_recalibrate(c, &t.sn, &big, recal, 1000, 200, stats, &cancel), -2);

    /* checkpoint round trip */
    char dir[] = "/tmp/collm-sn-XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.ckpt", dir);
    assert_int_equal(trainer_save(&t, path, 0, &e), 0);
    struct supernet back_sn;
    char meta[4096];
    assert_int_equal(supernet_load(&back_sn, path, meta, sizeof meta, &e), 0);
    assert_memory_equal(back_sn.w, t.sn.w, sizeof(float) * t.sn.nw);
    assert_memory_equal(back_sn.stats, t.sn.stats, sizeof(float) * t.sn.nstats);
    assert_non_null(strstr(meta, "\"complete\":true"));
    assert_non_null(strstr(meta, "sandwich"));
    /* a finished checkpoint cannot be resumed */
    struct trainer t2;
    assert_int_equal(trainer_resume(&t2, path, &e), -1);
    assert_non_null(strstr(e.msg, "no optimizer state"));
    /* another kind of checkpoint is refused by name */
    struct ckpt other = {.kind = "other-net", .ntensors = 0};
    snprintf(path, sizeof path, "%s/b.ckpt", dir);
    assert_int_equal(ckpt_write(path, &other, &e), 0);
    assert_int_equal(supernet_load(&back_sn, path, NULL, 0, &e), -1);
    assert_non_null(strstr(e.msg, "other-net"));
    unlink(path);
    snprintf(path, sizeof path, "%s/a.ckpt", dir);
    unlink(path);
    rmdir(dir);

    supernet_free(&back_sn);
    supernet_free(&fresh);
    sn_ctx_free(c);
    free(stats);
    free(valid);
    free(recal);
    trainer_free(&t);
}

struct stopper {
    volatile int flag;
    long at;
};

static void stop_cb(void *ud, const struct train_progress *p)
{
    struct stopper *s = ud;
    if (p->step >= s->at)
        s->flag = 1;
}

/* Interrupted at step 13 and resumed from its checkpoint, a run ends with
 * the very weights of the uninterrupted one. */
static void resume_is_exact(void **state)
{
    (void)state;
    struct train_cfg cfg;
    train_cfg_default(&cfg);
    cfg.epochs = 2;
    cfg.batch = 16;
    cfg.train_images = 160;
    cfg.nrandom = 1;
    cfg.report_images = 100; /* the stop callback makes the trainer report each epoch */
    struct err e;
    struct trainer a, b, c;
    assert_int_equal(trainer_init(&a, &cfg, &e), 0);
    a.threads = 2;
    assert_int_equal(trainer_run(&a, &data, NULL, NULL, NULL, &e), 0);

    assert_int_equal(trainer_init(&b, &cfg, &e), 0);
    b.threads = 2;
    struct stopper s = {0, 13};
    assert_int_equal(trainer_run(&b, &data, &s.flag, stop_cb, &s, &e), 1);
    assert_int_equal(b.step, 13);
    char dir[] = "/tmp/collm-sn-XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/r.ckpt", dir);
    assert_int_equal(trainer_save(&b, path, 1, &e), 0);
    assert_int_equal(trainer_resume(&c, path, &e), 0);
    assert_int_equal(c.step, 13);
    assert_int_equal(c.threads, 2);
    assert_int_equal(trainer_run(&c, &data, NULL, NULL, NULL, &e), 0);
    assert_memory_equal(a.sn.w, c.sn.w, sizeof(float) * a.sn.nw);
    assert_memory_equal(a.sn.stats, c.sn.stats, sizeof(float) * a.sn.nstats);
    unlink(path);
    rmdir(dir);
    trainer_free(&a);
    trainer_free(&b);
    trainer_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arch_codec),
        cmocka_unit_test(costs),
        cmocka_unit_test(network_gradients),
        cmocka_unit_test(weights_are_shared_slices),
        cmocka_unit_test(short_training),
        cmocka_unit_test(resume_is_exact),
    };
    if (getenv("TEST_FILTER")) /* e.g. TEST_FILTER=resume_is_exact, to time one */
        cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests_name("supernet", tests, load_data, free_data);
}
