/* The NAS-Bench-201 table (data/nb201.csv): 15,625 architectures with their
 * 200-epoch accuracies, FLOPs, params and latencies. Loaded once, looked up
 * in O(1) by the base-5 code of an architecture's ops. */
#ifndef COLLM_NB201_TABLE_H
#define COLLM_NB201_TABLE_H

#include "../core/err.h"
#include "nb201_cell.h"

enum nb201_dataset { NB201_CIFAR10, NB201_CIFAR100, NB201_IMAGENET16, NB201_NDATASETS };
enum nb201_lat { LAT_RASPI4, LAT_PIXEL3, LAT_EYERISS, LAT_FPGA, LAT_TITAN_B1, LAT_TITAN_B256,
                 NB201_NLAT };

struct nb201_row {
    int index;                    /* NB201 index */
    double valid[NB201_NDATASETS]; /* 200-epoch validation accuracy, % */
    double test[NB201_NDATASETS];  /* 200-epoch test accuracy, % */
    double flops[NB201_NDATASETS]; /* M */
    double params_c10;            /* M, CIFAR-10 network */
    int cost_anomaly;
    double lat[NB201_NLAT];       /* ms */
};

struct nb201_table {
    struct nb201_row *rows; /* by NB201 index */
    int by_code[NB201_SIZE]; /* base-5 code -> row */
    double best_valid[NB201_NDATASETS], best_test[NB201_NDATASETS];
};

extern const char *const nb201_dataset_names[NB201_NDATASETS];
int nb201_dataset_find(const char *name); /* -1 if unknown */

/* Loads and validates the whole file: header, 15,625 rows in index order,
 * every arch string and number. Errors say "FILE:LINE: column C: ...". */
int nb201_table_load(struct nb201_table *t, const char *path, struct err *e);
void nb201_table_free(struct nb201_table *t);
const struct nb201_row *nb201_table_lookup(const struct nb201_table *t,
                                           const unsigned char ops[NB201_EDGES]);
/* One shared, lazily loaded copy per data directory path (spaces and
 * evaluators of all three datasets use the same rows). */
const struct nb201_table *nb201_table_shared(const char *datadir, struct err *e);

#endif
