/* The built-in supernet as an evaluator (DESIGN §5): each subnet inherits
 * its weights from the trained checkpoint, its batch norms are
 * recalibrated on a fixed sample of 2,000 training images (a cumulative
 * average over batches of 200, as OFA's set_running_statistics), then it is
 * scored on the 10,000 validation images (the search's feedback) and the
 * 10,000 test images (reported only). Synchronous for now: the thread-pool
 * version with progress and cancellation is stage 2. */
#ifndef COLLM_SUPERNET_EVAL_H
#define COLLM_SUPERNET_EVAL_H

#include "eval.h"

#define SUPERNET_CKPT "fmnist-supernet.ckpt"
#define SUPERNET_RECAL_IMAGES 2000

struct evaluator *supernet_evaluator_open(const struct space *s, struct err *e);
/* Without recalibration: the running statistics the checkpoint holds (a
 * mixture of every subnet trained), to show what recalibration is for. */
void supernet_evaluator_set_recal(struct evaluator *ev, int on);

#endif
