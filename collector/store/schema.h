/* Internal to store/: the schema as one list of migration steps for every backend: portable SQL
 * with a few placeholders for what the engines spell differently, plus per-backend extras. Step i
 * moves the schema from version i to i+1 (SQLite's PRAGMA user_version, PostgreSQL's whb_schema).
 */
#ifndef WHB_STORE_SCHEMA_H
#define WHB_STORE_SCHEMA_H

#include <stddef.h>

enum whb_schema_dialect { WHB_DIALECT_SQLITE, WHB_DIALECT_POSTGRESQL };

/* How many steps there are: the latest schema version. */
int whb_schema_latest(void);

/* Step v (0-based) in the dialect, written into out; WHB_ETOOBIG if it does not fit. */
int whb_schema_step(enum whb_schema_dialect d, int v, char *out, size_t len);

#endif
