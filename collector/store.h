/* The collector's storage interface. Backends fill a table of operations (curl's vtls shape):
 * SQLite is the embedded default; another engine would add its own table. A store handle is
 * used by one thread at a time: the writer thread and the HTTP thread open their own. */
#ifndef WHB_STORE_H
#define WHB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "identity.h"
#include "wire.h"

struct whb_store;

/* One report as the writer stores it, with what the HTTP layer learned of its sender. */
struct whb_store_report {
    const whb_report *report;
    enum whb_identity_mode mode;
    uint8_t key_hash[WHB_IDENTITY_HASH_LEN]; /* key mode: hash of the presented key */
    int enrolling;                           /* key mode: a valid enrollment token came too */
    int64_t now_ms;                          /* collector time of receipt */
    unsigned grace;                          /* silent after grace x interval */
};

struct whb_store_result {
    int status;        /* 0 stored, WHB_EDENIED, or another WHB_E* */
    int duplicate;     /* the report (boot, seq) was stored before */
    uint64_t acked_seq;
    char why[160];     /* for denials: what to write to the audit log */
};

/* A machine as listed by the read API. */
struct whb_store_machine {
    char machine_id[WHB_WIRE_MAX_ID + 1];
    char fqdn[WHB_WIRE_MAX_FQDN + 1];
    int64_t first_seen_ms, last_seen_ms, due_ms;
    unsigned interval_s;
    int last_gasp;
};

struct whb_store_ops {
    const char *name;
    int (*open)(const char *path, struct whb_store **out, char *why, size_t whylen);
    void (*close)(struct whb_store *store);
    int (*begin)(struct whb_store *store);
    int (*commit)(struct whb_store *store);
    void (*rollback)(struct whb_store *store);
    /* Binds or checks identity, dedupes and stores one report inside the open transaction. */
    int (*put_report)(struct whb_store *store, const struct whb_store_report *in,
                      struct whb_store_result *out);
    int (*count_machines)(struct whb_store *store, int64_t now_ms, uint64_t *known,
                          uint64_t *silent);
};

extern const struct whb_store_ops whb_store_sqlite;

/* A handle carries its ops so callers need not know the backend. */
struct whb_store {
    const struct whb_store_ops *ops;
};

#endif
