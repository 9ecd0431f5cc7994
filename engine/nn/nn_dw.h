/* Depthwise convolution of the supernet, in nn.h's CNHW layout and its
 * conventions (caller-owned buffers, no allocation, backward overwrites dx
 * and accumulates into dw). */
#ifndef COLLM_NN_DW_H
#define COLLM_NN_DW_H

/* Depthwise k x k convolution, stride s, zero padding k/2, on C channels.
 * Channel c's kernel row r, column q is w[c*wstride + r*wrow + q]: an elastic
 * kernel passes the centre of its largest one (wstride 49, wrow 7 for 7x7). */
void nn_dw_forward(const float *x, int C, int N, int H, int W, const float *w, int wstride,
                   int wrow, int k, int s, float *y);
void nn_dw_backward(const float *x, int C, int N, int H, int W, const float *w, int wstride,
                    int wrow, int k, int s, const float *dy, float *dx, float *dw);

#endif
