/* The small neural-network kernels of the built-in supernet, on OpenBLAS.
 *
 * Plain functions on caller-owned buffers: no allocation, no global state,
 * no threads of their own (OpenBLAS may use its own inside cblas_sgemm), so
 * any thread may call them. Cancellation is the caller's: it polls its flag
 * between calls.
 *
 * Activations use the "CNHW" layout: channel outermost, then image, row,
 * column, i.e. element (c, n, y, x) is at ((c*N + n)*H + y)*W + x. With the
 * batch inside each channel, a 1x1 convolution over the whole batch is one
 * sgemm, batch norm reads one contiguous run per channel, and an elastic
 * width (the first C channels) is simply the first C*N*H*W floats.
 * P below is N*H*W, the number of positions of a channel.
 *
 * Backward functions overwrite dx (which may be NULL when the input needs
 * no gradient) and ACCUMULATE into weight gradients (+=), because weights
 * are shared by every subnet of a sandwich step. The depthwise kernels,
 * hand-blocked, are nn_dw.h. */
#ifndef COLLM_NN_H
#define COLLM_NN_H

#include <stddef.h>
#include <stdint.h>

/* 1x1 convolution. w is cout x cin inside a row-major matrix whose rows are
 * ldw floats long (ldw >= cin), so an elastic layer passes the top-left
 * corner of its largest weight. y[co][p] = sum_ci w[co*ldw+ci] x[ci][p]. */
void nn_pw_forward(const float *x, int cin, int P, const float *w, int ldw, int cout,
                   float *y);
void nn_pw_backward(const float *x, int cin, int P, const float *w, int ldw, int cout,
                    const float *dy, float *dx, float *dw);

/* k x k convolution, stride s, zero padding k/2, through im2col and sgemm.
 * x: cin x N x H x W; y: cout x N x Ho x Wo with Ho = (H + 2*(k/2) - k)/s + 1.
 * w: cout x (cin*k*k), dense. col: workspace of nn_conv_col_floats(). */
size_t nn_conv_col_floats(int cin, int N, int H, int W, int k, int s);
void nn_conv_forward(const float *x, int cin, int N, int H, int W, const float *w, int cout,
                     int k, int s, float *y, float *col);
void nn_conv_backward(const float *x, int cin, int N, int H, int W, const float *w, int cout,
                      int k, int s, const float *dy, float *dx, float *dw, float *col);
int nn_conv_out(int H, int k, int s);
/* The outputs o in [*lo, *hi) of n_out whose input o*s + off lies inside
 * [0, n_in), so that loops over them need no bounds test. */
void nn_conv_range(int n_out, int n_in, int s, int off, int *lo, int *hi);

/* Batch norm over the P positions of each of C channels.
 * Training mode normalises with the batch's own statistics and returns them
 * (mean, and the biased variance) for the backward pass, for the running
 * averages and for recalibration. Eval mode uses given statistics. */
void nn_bn_forward_train(const float *x, int C, int P, const float *gamma, const float *beta,
                         float eps, float *y, float *mean, float *var);
void nn_bn_forward_eval(const float *x, int C, int P, const float *gamma, const float *beta,
                        const float *mean, const float *var, float eps, float *y);
void nn_bn_backward(const float *x, int C, int P, const float *gamma, const float *mean,
                    const float *var, float eps, const float *dy, float *dx, float *dgamma,
                    float *dbeta);

/* Activations, elementwise over n floats; backward reads the input x.
 * hswish(x) = x * min(max(x + 3, 0), 6) / 6, as in MobileNetV3. */
void nn_relu_forward(const float *x, size_t n, float *y);
void nn_relu_backward(const float *x, const float *dy, size_t n, float *dx);
void nn_hswish_forward(const float *x, size_t n, float *y);
void nn_hswish_backward(const float *x, const float *dy, size_t n, float *dx);

/* Global average pooling: x is C x N x HW, y is C x N. */
void nn_gap_forward(const float *x, int C, int N, int HW, float *y);
void nn_gap_backward(const float *dy, int C, int N, int HW, float *dx);

/* Fully connected: x is cin x N (features of N images, feature-major),
 * y is cout x N; w is cout x cin with rows ldw long, b has cout entries. */
void nn_linear_forward(const float *x, int cin, int N, const float *w, int ldw, const float *b,
                       int cout, float *y);
void nn_linear_backward(const float *x, int cin, int N, const float *w, int ldw, int cout,
                        const float *dy, float *dx, float *dw, float *db);

/* Losses over N images of K classes, logits K x N (class-major, as the
 * linear layer writes them). Each returns the mean loss over the batch and
 * writes the gradient of that mean into dlogits (K x N) when not NULL.
 * Cross entropy also counts the images whose arg-max is the label. */
float nn_xent(const float *logits, int K, int N, const uint8_t *labels, float *dlogits,
              int *correct);
/* Distillation: KL(teacher || student) with the teacher's probabilities
 * tprob (K x N, from nn_softmax) held fixed. */
float nn_kl(const float *logits, const float *tprob, int K, int N, float *dlogits);
void nn_softmax(const float *logits, int K, int N, float *prob);

/* Bilinear resize of N single-channel H x W images to Ho x Wo, with the
 * sampling of PyTorch's interpolate(mode="bilinear", align_corners=False). */
void nn_resize_bilinear(const float *x, int N, int H, int W, int Ho, int Wo, float *y);

/* SGD with momentum (heavy ball, or Nesterov) and L2 weight decay, in the
 * convention of torch.optim.SGD: g += wd*w; v = m*v + g;
 * w -= lr * (nesterov ? g + m*v : v). */
void nn_sgd_step(float *w, const float *g, float *v, size_t n, float lr, float momentum,
                 float wd, int nesterov);
/* Learning rate at `step` of `total`: linear warm-up over `warmup` steps,
 * then cosine decay from base to 0. */
float nn_lr_cosine(float base, long step, long total, long warmup);

#endif
