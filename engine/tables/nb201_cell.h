/* The NAS-Bench-201 cell as text: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|, the
 * form of the table's rows and of the space's architectures (DESIGN §5). */
#ifndef COLLM_NB201_CELL_H
#define COLLM_NB201_CELL_H

#include <stddef.h>

#include "../core/err.h"

#define NB201_EDGES 6
#define NB201_OPS 5
#define NB201_SIZE 15625 /* 5^6 */

enum nb201_op { NB201_NONE, NB201_SKIP, NB201_CONV1, NB201_CONV3, NB201_POOL };

extern const char *const nb201_op_names[NB201_OPS];

/* Parses the standard string into 6 op indices (edge order 1<-0, 2<-0,
 * 2<-1, 3<-0, 3<-1, 3<-2). Errors name the character position. */
int nb201_parse(const char *text, unsigned char ops[NB201_EDGES], struct err *e);
int nb201_format(const unsigned char ops[NB201_EDGES], char *buf, size_t n);
/* Base-5 code of the ops, 0 .. 15624. */
int nb201_code(const unsigned char ops[NB201_EDGES]);

#endif
