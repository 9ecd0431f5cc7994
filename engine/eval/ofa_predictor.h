/* OFA's released ImageNet accuracy predictor: an MLP 128-400-400-400-1 with
 * ReLU, run on OpenBLAS sgemm over batches of architectures. The weights
 * come from data/ofa/acc_predictor/weights_f32le.bin, checked by sha256. */
#ifndef COLLM_OFA_PREDICTOR_H
#define COLLM_OFA_PREDICTOR_H

#include "../core/arch.h"
#include "../core/err.h"

#define OFA_FEATURES 128
#define OFA_HIDDEN 400
#define OFA_CHUNK 256 /* rows per pass through the layers */
#define OFA_WEIGHTS_SHA256 "b8928695b043d34292765ec1c014ad369c635996871f08d27a52d34fccb3919d"

struct ofa_predictor {
    float *w; /* every tensor, in the file's order */
    const float *W0, *b0, *W2, *b2, *W4, *b4, *W6, *b6;
};

int ofa_predictor_load(struct ofa_predictor *p, const char *datadir, struct err *e);
void ofa_predictor_free(struct ofa_predictor *p);
/* The 128 inputs of an (canonical) architecture. */
void ofa_features(const struct arch *a, float *x);
/* Predicted top-1 (a fraction) of n architectures given as n x 128 inputs;
 * `scratch` holds at least 2 * min(n, OFA_CHUNK) * OFA_HIDDEN floats. */
void ofa_predict(const struct ofa_predictor *p, const float *x, int n, float *out,
                 float *scratch);

#endif
