/* whb-collector migrate: copies a SQLite store into an empty PostgreSQL database. */
#ifndef WHB_STORE_MIGRATE_H
#define WHB_STORE_MIGRATE_H

#include <stddef.h>

/* Copies every table in one PostgreSQL transaction; refuses a target that holds data. */
int whb_store_migrate(const char *sqlite_path, const char *conninfo, char *why, size_t whylen);

/* The subcommand: argv[0] is "migrate". Returns the exit status. */
int whb_store_migrate_main(int argc, char **argv);

#endif
