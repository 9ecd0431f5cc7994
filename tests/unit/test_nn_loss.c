/* The losses, the resize and the optimiser of nn.h: gradients against
 * central differences, and values worked out by hand or by torch. */
#include "nn_testutil.h"

#include "../../engine/nn/nn.h"

/* ---- losses -------------------------------------------------------------------------- */

struct xent_ctx {
    float *l, *t;
    const uint8_t *lab;
    int K, N;
};

static double xent_loss(void *c)
{
    struct xent_ctx *t = c;
    return nn_xent(t->l, t->K, t->N, t->lab, NULL, NULL);
}

static double kl_loss(void *c)
{
    struct xent_ctx *t = c;
    return nn_kl(t->l, t->t, t->K, t->N, NULL);
}

static void loss_gradients(void **state)
{
    (void)state;
    seed(10);
    const int K = 10, N = 6;
    uint8_t lab[6] = {0, 3, 9, 9, 5, 1};
    struct xent_ctx t = {.K = K, .N = N, .lab = lab};
    t.l = randv((size_t)K * N);
    for (int i = 0; i < K * N; i++)
        t.l[i] *= 3;
    float *tl = randv((size_t)K * N), *d = zerov((size_t)K * N);
    t.t = zerov((size_t)K * N);
    nn_softmax(tl, K, N, t.t);
    t.t[3 * N + 2] = 0; /* a zero teacher probability: t log t counts as 0 */
    nn_xent(t.l, K, N, lab, d, NULL);
    assert_below(grad_err(xent_loss, &t, t.l, (size_t)K * N, d, 1e-2f), TOL_CURVED, "xent");
    nn_kl(t.l, t.t, K, N, d);
    /* The header's gradient (softmax - t) / N is exact when t sums to 1;
     * renormalise the teacher after zeroing one entry. */
    for (int n = 0; n < N; n++) {
        double s = 0;
        for (int k = 0; k < K; k++)
            s += t.t[k * N + n];
        for (int k = 0; k < K; k++)
            t.t[k * N + n] = (float)(t.t[k * N + n] / s);
    }
    nn_kl(t.l, t.t, K, N, d);
    assert_below(grad_err(kl_loss, &t, t.l, (size_t)K * N, d, 1e-2f), TOL_CURVED, "kl");
    free(t.l), free(t.t), free(tl), free(d);
}

static void losses_known(void **state)
{
    (void)state;
    /* Uniform logits: log 10 whatever the label; huge ones must not overflow. */
    float l[10 * 2], d[10 * 2];
    for (int i = 0; i < 20; i++)
        l[i] = i % 2 ? 1000.0f : 0.0f;
    uint8_t lab[2] = {4, 7};
    int correct = -1;
    assert_float_equal(nn_xent(l, 10, 2, lab, d, &correct), log(10.0), 1e-6);
    for (int k = 0; k < 10; k++) {
        assert_float_equal(d[k * 2], (0.1 - (k == 4)) / 2, 1e-7);
        assert_float_equal(d[k * 2 + 1], (0.1 - (k == 7)) / 2, 1e-7);
    }
    /* Ties go to the first class: neither label 4 nor 7 is counted. */
    assert_int_equal(correct, 0);
    l[4 * 2] = 5;  /* image 0 now predicts its label 4 */
    l[2 * 2 + 1] = 2000; /* image 1 predicts class 2, not its 7 */
    nn_xent(l, 10, 2, lab, NULL, &correct);
    assert_int_equal(correct, 1);
    /* Two classes, logits (0, log 3): p = (1/4, 3/4); label 0 loses log 4. */
    float l2[2] = {0, (float)log(3.0)};
    uint8_t y0 = 0;
    assert_float_equal(nn_xent(l2, 2, 1, &y0, NULL, NULL), log(4.0), 1e-6);
    float p[2];
    nn_softmax(l2, 2, 1, p);
    assert_float_equal(p[0], 0.25, 1e-7);
    assert_float_equal(p[1], 0.75, 1e-7);
    /* KL of a distribution with itself is 0, with gradient 0. */
    assert_float_equal(nn_kl(l2, p, 2, 1, d), 0, 1e-7);
    assert_float_equal(d[0], 0, 1e-7);
    assert_float_equal(d[1], 0, 1e-7);
    /* Teacher (1, 0) against student (1/4, 3/4): KL = log 4. */
    float t1[2] = {1, 0};
    assert_float_equal(nn_kl(l2, t1, 2, 1, d), log(4.0), 1e-6);
    assert_float_equal(d[0], 0.25 - 1, 1e-7);
    assert_float_equal(d[1], 0.75, 1e-7);
}

/* ---- resize, optimiser --------------------------------------------------------------- */

static void resize_known(void **state)
{
    (void)state;
    /* 28 -> 14 with align_corners=False samples at 2d + 0.5: the 2x2 mean. */
    float *x = zerov(2 * 28 * 28), *y = zerov(28 * 28);
    for (int n = 0; n < 2; n++)
        for (int i = 0; i < 28 * 28; i++)
            x[n * 784 + i] = (float)(n ? -i : i);
    nn_resize_bilinear(x, 2, 28, 28, 14, 14, y);
    for (int a = 0; a < 14; a++)
        for (int b = 0; b < 14; b++) {
            double want = 56.0 * a + 14 + 2 * b + 0.5;
            assert_float_equal(y[a * 14 + b], want, 1e-4);
            assert_float_equal(y[196 + a * 14 + b], -want, 1e-4);
        }
    /* Upsampling 2 -> 4 (torch gives 0, 0.25, 0.75, 1: clamped at both ends). */
    float r[2] = {0, 1}, u[4];
    nn_resize_bilinear(r, 1, 1, 2, 1, 4, u);
    const float want[4] = {0, 0.25f, 0.75f, 1};
    assert_close(u, want, 4, 1e-7, "upsample");
    /* Same size is the identity. */
    nn_resize_bilinear(x, 1, 28, 28, 28, 28, y);
    assert_close(y, x, 784, 0, "identity resize");
    free(x), free(y);
}

static void sgd_known(void **state)
{
    (void)state;
    /* torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.1), g = 0.5 twice:
     * d = 0.5 + 0.1*1 = 0.6, v = 0.6, w = 0.94; then d = 0.594,
     * v = 0.9*0.6 + 0.594 = 1.134, w = 0.94 - 0.1134 = 0.8266. */
    float w = 1, g = 0.5f, v = 0;
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 0);
    assert_float_equal(w, 0.94, 1e-6);
    assert_float_equal(v, 0.6, 1e-6);
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 0);
    assert_float_equal(v, 1.134, 1e-6);
    assert_float_equal(w, 0.8266, 1e-6);
    /* Nesterov: step d + m v = 0.6 + 0.54 = 1.14, w = 0.886; then
     * d = 0.5 + 0.0886 = 0.5886, v = 0.54 + 0.5886 = 1.1286,
     * step = 0.5886 + 1.01574 = 1.60434, w = 0.886 - 0.160434 = 0.725566. */
    w = 1, v = 0;
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 1);
    assert_float_equal(w, 0.886, 1e-6);
    nn_sgd_step(&w, &g, &v, 1, 0.1f, 0.9f, 0.1f, 1);
    assert_float_equal(v, 1.1286, 1e-6);
    assert_float_equal(w, 0.725566, 1e-6);
    /* No momentum, no decay: plain w -= lr g, on several floats. */
    float w3[3] = {1, 2, 3}, g3[3] = {1, -1, 0.5f}, v3[3] = {0};
    nn_sgd_step(w3, g3, v3, 3, 0.5f, 0, 0, 0);
    assert_float_equal(w3[0], 0.5, 0);
    assert_float_equal(w3[1], 2.5, 0);
    assert_float_equal(w3[2], 2.75, 0);
}

static void lr_schedule(void **state)
{
    (void)state;
    const float b = 0.1f;
    assert_float_equal(nn_lr_cosine(b, 0, 100, 10), 0.01, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 4, 100, 10), 0.05, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 9, 100, 10), 0.1, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 10, 100, 10), 0.1, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 55, 100, 10), 0.05, 1e-7);
    assert_true(nn_lr_cosine(b, 99, 100, 10) > 0);
    assert_true(nn_lr_cosine(b, 99, 100, 10) < 1e-4);
    assert_float_equal(nn_lr_cosine(b, 100, 100, 10), 0, 0);
    assert_float_equal(nn_lr_cosine(b, 150, 100, 10), 0, 0);
    assert_float_equal(nn_lr_cosine(b, 0, 100, 0), 0.1, 1e-7);
    assert_float_equal(nn_lr_cosine(b, 50, 100, 0), 0.05, 1e-7);
    for (long s = 11; s < 100; s++) /* decays monotonically */
        assert_true(nn_lr_cosine(b, s, 100, 10) <= nn_lr_cosine(b, s - 1, 100, 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loss_gradients),
        cmocka_unit_test(losses_known),
        cmocka_unit_test(resize_known),
        cmocka_unit_test(sgd_known),
        cmocka_unit_test(lr_schedule),
    };
    return cmocka_run_group_tests_name("nn_loss", tests, NULL, NULL);
}
