/* The evaluator of the ofa-mbv3 space: OFA's accuracy predictor. Without a
 * loop it answers at once; attached to one, it predicts the jobs of a loop
 * turn as one sgemm batch on libuv's thread pool, never on the loop thread. */
#ifndef COLLM_OFA_EVAL_H
#define COLLM_OFA_EVAL_H

#include "eval.h"

struct evaluator *ofa_evaluator_open(const struct space *s, const struct eval_opts *o,
                                    struct err *e);

#endif
