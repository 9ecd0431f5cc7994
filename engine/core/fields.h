/* A table-driven JSON codec for flat C structs. One row per field names
 * its JSON key, its kind and where it lives; writing, reading, deep copy and
 * release all walk the same rows, so adding a field is adding a row. Rows
 * are written in table order; a row's `types` says which variants of the
 * struct (event types) carry it, so one table serves a tagged struct. */
#ifndef COLLM_FIELDS_H
#define COLLM_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "err.h"

enum field_kind {
    FK_INT,    /* int */
    FK_COUNT,  /* long, a whole number from 0 to 10^15 */
    FK_U64,    /* uint64_t, a whole number from 0 to 2^53 */
    FK_EXACT,  /* double, written as the shortest text that reads back the same */
    FK_STR,    /* char *, owned */
    FK_ENUM,   /* an enum, written as its name from `names` */
    FK_JSON,   /* char *, owned: a JSON object kept as its text */
    FK_LIST,   /* a malloc'd array of structs `size` bytes each, described by `sub`;
                * its count is the int at aux */
    FK_CUSTOM, /* `ops` does all four jobs */
};

#define FF_OPTIONAL 1u /* may be absent when read; a NULL string or a 0 count is not
                        * written */
#define FF_NULLABLE 2u /* FK_EXACT: null when the int at aux is 0; that int says if it was */
#define FF_POSITIVE 4u /* FK_INT: at least 1 */

#define FIELDS_ALL (~(uint64_t)0)

struct field;

/* A kind of its own (arrays of structs, values that need context). Each
 * callback gets the object the field sits in; `ctx` is the caller's. */
struct field_ops {
    void (*to_json)(cJSON *o, const struct field *f, const void *obj, const void *ctx);
    int (*from_json)(cJSON *o, const struct field *f, void *obj, const void *ctx,
                     struct err *e);
    /* dst starts as a byte copy of src; make what it owns its own. Optional. */
    int (*copy)(const struct field *f, void *dst, const void *src);
    /* Drops what it owns and leaves the field empty. Optional. */
    void (*clear)(const struct field *f, void *obj, int release);
};

struct field {
    const char *key;
    enum field_kind kind;
    size_t off;
    uint64_t types;              /* a bit per variant that carries it */
    unsigned flags;
    const char *group;           /* the nested object it is written in, or NULL */
    size_t aux;                  /* FF_NULLABLE's flag; a custom kind's count */
    const char *const *names;    /* FK_ENUM */
    int nnames;
    const char *dflt;            /* FK_STR: written for NULL (default "") */
    const char *bad;             /* the error for a value out of range */
    const struct field_ops *ops; /* FK_CUSTOM */
    const struct field *sub;     /* FK_LIST: the element's rows */
    int nsub;
    size_t size;
};

/* The rows whose types meet `mask`, into object o. */
void fields_to_json(const struct field *f, int n, uint64_t mask, const void *obj,
                    const void *ctx, cJSON *o);
/* Reads them from o, which it may take strings from (o is consumed). -1
 * with e naming the key (and its group) on the first bad one; what was read
 * so far stays in obj for fields_free. */
int fields_from_json(const struct field *f, int n, uint64_t mask, cJSON *o, void *obj,
                     const void *ctx, struct err *e);
/* dst is a byte copy of src: gives it its own copies of everything owned.
 * On failure dst owns what was copied so far (fields_free releases it). */
int fields_copy(const struct field *f, int n, void *dst, const void *src);
void fields_free(const struct field *f, int n, void *obj);

/* Takes a string out of a parsed cJSON item, so reading does not copy it.
 * NULL if v is not a string. */
char *fields_take_string(cJSON *v);
/* Adds v as the shortest text that reads back the same; NaN/inf as null. */
void fields_add_exact(cJSON *o, const char *key, double v);

#endif
