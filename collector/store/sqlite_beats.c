/* Heartbeats folded into the machines in bulk (issue 26, item 3). A report that changes nothing
 * of its machine's row but "alive at T" (its fingerprint, machines.beat_hash, is what the last
 * full write stored) is appended to the small table beats inside the writer's transaction, so
 * it is durable when acknowledged, instead of rewriting the row and moving its entry in the
 * due-time index. The beats are folded into the rows in one transaction, in machine order:
 * by the writer now and then, and by every reader before it reads, so every answer sees the
 * same rows as if each heartbeat had been written at once. A beat carries the agent's clock
 * offset too: the least delivery delay seen moves it by milliseconds, most often early on.
 *
 * The writer keeps the beats it appended and that are not folded yet in memory (the latest per
 * machine): a machine's next report sees its row as the fold will leave it. A fold applies a
 * beat only to the boot it was sent in and only when its seq is above the row's, so a beat that
 * a full write or another handle's fold overtook changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "hash.h"
#include "log.h"
#include "store/logic.h"
#include "store/sqlite.h"

/* The writer folds when this many machines have a beat pending, or the oldest is this old:
 * larger folds touch each page of the table once for more beats. */
#define FOLD_MAX    65536u
#define FOLD_AGE_MS 10000

struct beat {
    char id[WHB_WIRE_MAX_ID + 1];
    char boot[WHB_WIRE_MAX_ID + 1];
    uint64_t seq;
    int64_t last_seen, due_at;
    int64_t clock_offset, clock_offset_at; /* the agent's clock as this report left it */
};

struct whb_sqlite_beats {
    struct beat *beats; /* n of them, in the order first appended */
    uint32_t *slots;    /* open addressing: index + 1 into beats, 0 empty */
    unsigned n, mask;   /* mask + 1 slots, a power of two, at least twice FOLD_MAX */
    int64_t first_ms;   /* monotonic time of the oldest pending beat */
    int unknown;        /* a transaction rolled back: fold before the next one */
    sqlite3_stmt *append, *fold, *clear, *any;
};

static const char *const sql_append =
    "INSERT INTO beats(machine_id, boot_id, seq, last_seen, due_at, clock_offset,"
    " clock_offset_at) VALUES(?1,?2,?3,?4,?5,?6,?7)";
/* GROUP BY walks the beats in machine order; max(seq) makes the bare columns its row's. */
static const char *const sql_fold =
    "UPDATE machines SET last_seen=b.ls, due_at=b.du, last_seq=b.sq, clock_offset=b.co,"
    " clock_offset_at=b.ca FROM (SELECT machine_id AS id, boot_id AS bt, max(seq) AS sq,"
    " last_seen AS ls, due_at AS du, clock_offset AS co, clock_offset_at AS ca FROM beats"
    " GROUP BY machine_id, boot_id) AS b"
    " WHERE machines.machine_id=b.id AND machines.boot_id=b.bt AND machines.last_seq < b.sq";
static const char *const sql_clear = "DELETE FROM beats";
static const char *const sql_any = "SELECT 1 FROM beats LIMIT 1";

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static sqlite3_stmt *prep(struct sqlite_store *s, sqlite3_stmt **st, const char *sql)
{
    if (!*st &&
        sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        whb_log_error("store: prepare beats: %s", sqlite3_errmsg(s->db));
        *st = NULL;
    }
    return *st;
}

static struct whb_sqlite_beats *beats_of(struct sqlite_store *s)
{
    if (!s->beats) {
        struct whb_sqlite_beats *b = calloc(1, sizeof(*b));
        if (!b)
            return NULL;
        b->unknown = 1; /* beats a killed collector left: folded before the first report */
        s->beats = b;
    }
    return s->beats;
}

static int step_done(struct sqlite_store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        whb_log_limited(WHB_LOG_ERROR, "store: beats: %s", sqlite3_errmsg(s->db));
        return WHB_ESTORE;
    }
    return 0;
}

/* Folds every pending beat, in the caller's transaction. */
static int fold_in(struct sqlite_store *s)
{
    struct whb_sqlite_beats *b = beats_of(s);
    if (!b || !prep(s, &b->fold, sql_fold) || !prep(s, &b->clear, sql_clear))
        return WHB_ESTORE;
    return step_done(s, b->fold) || step_done(s, b->clear) ? WHB_ESTORE : 0;
}

/* Folds in a transaction of its own. */
static int fold_now(struct sqlite_store *s)
{
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        whb_log_limited(WHB_LOG_ERROR, "store: fold: %s", sqlite3_errmsg(s->db));
        return WHB_ESTORE;
    }
    if (fold_in(s) || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return WHB_ESTORE;
    }
    return 0;
}

static void forget_all(struct whb_sqlite_beats *b)
{
    if (b->slots)
        memset(b->slots, 0, (b->mask + 1) * sizeof(*b->slots));
    b->n = 0;
}

int whb_sqlite_beats_before_batch(struct sqlite_store *s)
{
    struct whb_sqlite_beats *b = beats_of(s);
    if (!b)
        return WHB_ENOMEM;
    if (!b->unknown && b->n < FOLD_MAX && !(b->n && mono_ms() - b->first_ms >= FOLD_AGE_MS))
        return 0;
    if (fold_now(s))
        return WHB_ESTORE;
    forget_all(b);
    b->unknown = 0;
    return 0;
}

void whb_sqlite_beats_rolled_back(struct sqlite_store *s)
{
    /* The memory may now hold beats that were never committed: it is dropped, and the next
     * batch starts with a fold of what the table holds. */
    if (s->beats) {
        forget_all(s->beats);
        s->beats->unknown = 1;
    }
}

static struct beat *find(struct whb_sqlite_beats *b, const char *id, uint32_t **slot)
{
    if (!b->slots)
        return NULL;
    uint64_t h = whb_fnv1a_str(WHB_FNV1A_INIT, id);
    for (uint32_t i = (uint32_t)h & b->mask;; i = (i + 1) & b->mask) {
        *slot = &b->slots[i];
        if (!b->slots[i])
            return NULL;
        struct beat *e = &b->beats[b->slots[i] - 1];
        if (!strcmp(e->id, id))
            return e;
    }
}

void whb_sqlite_beats_overlay(struct sqlite_store *s, const char *machine_id,
                              struct whb_store_row *row)
{
    uint32_t *slot;
    struct beat *e = s->beats ? find(s->beats, machine_id, &slot) : NULL;
    if (!row->found || !e || strcmp(e->boot, row->boot_id) || e->seq <= row->last_seq)
        return;
    row->last_seq = e->seq;
    row->last_seen = e->last_seen;
    row->due_at = e->due_at;
    row->has_offset = 1;
    row->clock_offset = e->clock_offset;
    row->clock_offset_at = e->clock_offset_at;
    row->beat_pending = 1;
}

int whb_sqlite_beats_flush_one(struct sqlite_store *s, const char *machine_id)
{
    uint32_t *slot;
    struct beat *e = s->beats ? find(s->beats, machine_id, &slot) : NULL;
    if (!e)
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE machines SET last_seen=?3, due_at=?4, last_seq=?5,"
                           " clock_offset=?6, clock_offset_at=?7"
                           " WHERE machine_id=?1 AND boot_id=?2 AND last_seq < ?5",
                           -1, &st, NULL) != SQLITE_OK)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->boot, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->last_seen);
    sqlite3_bind_int64(st, 4, e->due_at);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->seq);
    sqlite3_bind_int64(st, 6, e->clock_offset);
    sqlite3_bind_int64(st, 7, e->clock_offset_at);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : WHB_ESTORE;
}

int whb_sqlite_beats_append(struct sqlite_store *s, const char *machine_id, const char *boot_id,
                            uint64_t seq, int64_t last_seen, int64_t due_at,
                            const struct whb_clock_map *cm)
{
    struct whb_sqlite_beats *b = beats_of(s);
    if (!b || !prep(s, &b->append, sql_append))
        return WHB_ESTORE;
    if (!b->slots) {
        b->mask = 2 * FOLD_MAX - 1;
        b->slots = calloc(b->mask + 1, sizeof(*b->slots));
        b->beats = malloc(FOLD_MAX * sizeof(*b->beats));
        if (!b->slots || !b->beats) {
            free(b->slots);
            free(b->beats);
            b->slots = NULL;
            b->beats = NULL;
            return WHB_ENOMEM;
        }
    }
    uint32_t *slot;
    struct beat *e = find(b, machine_id, &slot);
    /* Full (FOLD_MAX machines before the next batch folds): the caller writes the row. */
    if (!e && b->n >= FOLD_MAX)
        return WHB_EBUSY;
    sqlite3_stmt *st = b->append;
    sqlite3_bind_text(st, 1, machine_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, boot_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
    sqlite3_bind_int64(st, 4, last_seen);
    sqlite3_bind_int64(st, 5, due_at);
    sqlite3_bind_int64(st, 6, cm->offset);
    sqlite3_bind_int64(st, 7, cm->since);
    if (step_done(s, st))
        return WHB_ESTORE;
    if (!e) {
        if (!b->n)
            b->first_ms = mono_ms();
        e = &b->beats[b->n++];
        *slot = b->n;
        snprintf(e->id, sizeof(e->id), "%s", machine_id);
    }
    snprintf(e->boot, sizeof(e->boot), "%s", boot_id);
    e->seq = seq;
    e->last_seen = last_seen;
    e->due_at = due_at;
    e->clock_offset = cm->offset;
    e->clock_offset_at = cm->since;
    return 0;
}

int whb_sqlite_beats_fold_for_read(struct whb_store *base)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    struct whb_sqlite_beats *b = beats_of(s);
    if (!b || !prep(s, &b->any, sql_any))
        return WHB_ESTORE;
    int rc = sqlite3_step(b->any);
    sqlite3_reset(b->any);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return WHB_ESTORE;
    /* A read inside the caller's own transaction folds in it. */
    return sqlite3_get_autocommit(s->db) ? fold_now(s) : fold_in(s);
}

void whb_sqlite_beats_free(struct sqlite_store *s)
{
    struct whb_sqlite_beats *b = s->beats;
    if (!b)
        return;
    sqlite3_finalize(b->append);
    sqlite3_finalize(b->fold);
    sqlite3_finalize(b->clear);
    sqlite3_finalize(b->any);
    free(b->slots);
    free(b->beats);
    free(b);
    s->beats = NULL;
}
