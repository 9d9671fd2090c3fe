/* Implementation of spool.h. Records: u32 length (LE), u32 CRC-32C of the payload (LE),
 * payload = a packed whb.v1.Event. Removal rewrites the rest through a temporary file. */
#include "spool.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "error.h"
#include "fs.h"
#include "log.h"

#define HDR 8

/* A bounded window over the file: a damaged record is skipped by scanning, byte by byte, for
 * the next frame whose length, CRC and contents check out. Memory stays fixed. */
struct reader {
    int fd;
    uint64_t left; /* bytes of the file not read into the window yet */
    size_t start, end;
    unsigned damaged; /* damaged stretches skipped before a good record */
    uint64_t damaged_bytes;
    uint64_t tail; /* bytes after the last good record */
    uint8_t buf[2 * (HDR + WHB_SPOOL_MAX_RECORD)];
};

struct whb_spool {
    char path[512];
    char tmp[520];
    int fd; /* append handle */
    uint64_t max_bytes;
    struct whb_spool_stats st;
    struct reader rd; /* one reader at a time: the agent is single-threaded */
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int is_routine(const whb_event *ev)
{
    return ev->kind == WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT;
}

size_t whb_spool_record_check(const uint8_t *buf, size_t len, whb_event **ev)
{
    *ev = NULL;
    if (len < HDR)
        return 0;
    uint32_t plen = get32(buf), crc = get32(buf + 4);
    if (plen == 0 || plen > WHB_SPOOL_MAX_RECORD || plen > len - HDR)
        return 0;
    if (whb_crc32c(0, buf + HDR, plen) != crc)
        return 0;
    *ev = whb_wire_event_unpack(buf + HDR, plen);
    return *ev ? HDR + plen : 0;
}

size_t whb_spool_next_frame(const uint8_t *buf, size_t len, size_t *skipped, whb_event **ev)
{
    for (size_t off = 0; off < len; off++) {
        size_t n = whb_spool_record_check(buf + off, len - off, ev);
        if (n) {
            *skipped = off;
            return n;
        }
    }
    *skipped = len;
    *ev = NULL;
    return 0;
}

static int reader_open(struct reader *r, const char *path)
{
    int fd = whb_fs_open_read(path);
    if (fd < 0)
        return fd;
    int64_t size = whb_fs_size(fd);
    if (size < 0) {
        whb_fs_close(fd);
        return (int)size;
    }
    r->fd = fd;
    r->left = (uint64_t)size;
    r->start = r->end = 0;
    r->damaged = 0;
    r->damaged_bytes = r->tail = 0;
    return 0;
}

/* Keeps at least one whole maximal record in the window unless the file ends first, so that
 * "no frame starts here" is final. */
static int reader_fill(struct reader *r)
{
    if (!r->left || r->end - r->start >= HDR + WHB_SPOOL_MAX_RECORD)
        return 0;
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
    size_t want = sizeof(r->buf) - r->end;
    if ((uint64_t)want > r->left)
        want = (size_t)r->left;
    int rc = whb_fs_read_exact(r->fd, r->buf + r->end, want);
    if (rc)
        return rc == 1 ? WHB_EIO : rc; /* the file shrank under us: not ours to explain */
    r->end += want;
    r->left -= want;
    return 0;
}

/* The next good record: 1 (rec, size and ev set), 0 at the end, <0 on a read error. */
static int read_record(struct reader *r, const uint8_t **rec, size_t *size, whb_event **ev)
{
    uint64_t skipped = 0;
    for (;;) {
        int rc = reader_fill(r);
        if (rc)
            return rc;
        if (r->start == r->end) {
            r->tail = skipped;
            return 0;
        }
        size_t n = whb_spool_record_check(r->buf + r->start, r->end - r->start, ev);
        if (n) {
            if (skipped) {
                r->damaged++;
                r->damaged_bytes += skipped;
            }
            *rec = r->buf + r->start;
            *size = n;
            r->start += n;
            return 1;
        }
        r->start++;
        skipped++;
    }
}

/* Walks the file: counts good records; sp->rd keeps what was damaged and the tail. */
static int scan(struct whb_spool *sp)
{
    const uint8_t *rec;
    size_t size;
    whb_event *ev;

    sp->st.records = sp->st.routine = 0;
    sp->st.bytes = 0;
    memset(&sp->rd, 0, offsetof(struct reader, buf));
    int rc = reader_open(&sp->rd, sp->path);
    if (rc == WHB_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    while ((rc = read_record(&sp->rd, &rec, &size, &ev)) == 1) {
        sp->st.records++;
        sp->st.routine += is_routine(ev);
        sp->st.bytes += size;
        whb_wire_event_free(ev);
    }
    whb_fs_close(sp->rd.fd);
    return rc;
}

static int reopen_append(struct whb_spool *sp)
{
    if (sp->fd >= 0)
        whb_fs_close(sp->fd);
    sp->fd = whb_fs_open_append(sp->path);
    return sp->fd < 0 ? sp->fd : 0;
}

/* Numbers a record of boot anew (whb_spool_renumber): packs it into out, whose size it
 * returns; 0 keeps the record as it was (another boot's, or grown past a record's bound). */
struct renumber {
    const char *boot;
    uint64_t (*next)(void *arg);
    void *arg;
};

static size_t renumbered(const struct renumber *rn, whb_event *ev, uint8_t *out)
{
    if (!rn || !ev->boot_id || strcmp(ev->boot_id, rn->boot) != 0)
        return 0;
    ev->seq = rn->next(rn->arg);
    size_t plen = whb__v1__event__get_packed_size(ev);
    if (plen == 0 || plen > WHB_SPOOL_MAX_RECORD)
        return 0;
    whb__v1__event__pack(ev, out + HDR);
    put32(out, (uint32_t)plen);
    put32(out + 4, whb_crc32c(0, out + HDR, plen));
    return HDR + plen;
}

/* Copies the file without its first `skip` records, without damaged stretches and without
 * old heartbeats until `free_bytes` are freed (with rn, its boot's records numbered anew),
 * then puts the copy in place. */
static int rewrite(struct whb_spool *sp, unsigned skip, uint64_t free_bytes,
                   const struct renumber *rn)
{
    uint8_t fresh[HDR + WHB_SPOOL_MAX_RECORD];
    const uint8_t *rec;
    size_t size;
    uint64_t freed = 0;
    unsigned index = 0, dropped = 0;
    whb_event *ev;
    int out, rc = reader_open(&sp->rd, sp->path);

    if (rc < 0)
        return rc;
    out = whb_fs_open_trunc(sp->tmp);
    if (out < 0) {
        whb_fs_close(sp->rd.fd);
        return out;
    }
    while ((rc = read_record(&sp->rd, &rec, &size, &ev)) == 1) {
        int keep = index++ >= skip;
        if (keep && freed < free_bytes && is_routine(ev)) {
            keep = 0;
            freed += size;
            dropped++;
        }
        size_t n = keep ? renumbered(rn, ev, fresh) : 0;
        if (n) {
            rec = fresh;
            size = n;
        }
        whb_wire_event_free(ev);
        if (keep && (rc = whb_fs_write_all(out, rec, size)))
            break;
    }
    whb_fs_close(sp->rd.fd);
    if (rc == 0)
        rc = whb_fs_sync(out);
    whb_fs_close(out);
    /* Windows cannot rename over a file that is open: let go of it first. */
    whb_fs_close(sp->fd);
    sp->fd = -1;
    if (rc == 0)
        rc = whb_fs_replace(sp->tmp, sp->path);
    if (rc) {
        reopen_append(sp);
        return rc;
    }
    sp->st.dropped += dropped;
    if ((rc = scan(sp)) || (rc = reopen_append(sp)))
        return rc;
    return 0;
}

int whb_spool_open(const char *path, uint64_t max_bytes, struct whb_spool **out)
{
    struct whb_spool *sp = calloc(1, sizeof(*sp));
    if (!sp)
        return WHB_ENOMEM;
    snprintf(sp->path, sizeof(sp->path), "%s", path);
    snprintf(sp->tmp, sizeof(sp->tmp), "%s.tmp", path);
    sp->max_bytes = max_bytes;
    sp->fd = -1;
    int rc = scan(sp);
    if (!rc)
        rc = reopen_append(sp);
    sp->st.damaged = sp->rd.damaged;
    sp->st.damaged_bytes = sp->rd.damaged_bytes;
    sp->st.truncated_bytes = (unsigned)sp->rd.tail;
    if (!rc && sp->st.damaged) {
        /* Only the damaged stretches go; every good record before and after them stays. */
        whb_log_warnx("spool: dropped %u damaged record(s) (%llu bytes); %u good records kept",
                      sp->st.damaged, (unsigned long long)sp->st.damaged_bytes, sp->st.records);
        rc = rewrite(sp, 0, 0, NULL);
    } else if (!rc && sp->st.truncated_bytes) {
        whb_log_warnx("spool: cutting a torn tail of %u bytes after %u records",
                      sp->st.truncated_bytes, sp->st.records);
        rc = whb_fs_truncate(sp->fd, sp->st.bytes);
        if (!rc)
            rc = whb_fs_sync(sp->fd);
    }
    if (rc) {
        whb_spool_close(sp);
        return rc;
    }
    *out = sp;
    return 0;
}

void whb_spool_close(struct whb_spool *sp)
{
    if (!sp)
        return;
    whb_fs_close(sp->fd);
    free(sp);
}

int whb_spool_append(struct whb_spool *sp, const whb_event *ev, int sync)
{
    uint8_t buf[HDR + WHB_SPOOL_MAX_RECORD];
    size_t plen = whb__v1__event__get_packed_size(ev);
    if (plen == 0 || plen > WHB_SPOOL_MAX_RECORD)
        return WHB_EINVAL;
    whb__v1__event__pack(ev, buf + HDR);
    put32(buf, (uint32_t)plen);
    put32(buf + 4, whb_crc32c(0, buf + HDR, plen));
    size_t size = HDR + plen;

    if (sp->st.bytes + size > sp->max_bytes) {
        if (is_routine(ev) && sp->st.routine == 0) {
            sp->st.dropped++;
            return WHB_ETOOBIG;
        }
        int rc = sp->st.routine ? rewrite(sp, 0, sp->st.bytes + size - sp->max_bytes, NULL) : 0;
        if (rc)
            return rc;
        if (sp->st.bytes + size > sp->max_bytes) {
            /* Only events fill the spool: keep them, refuse the newcomer, and say so. */
            sp->st.refused += !is_routine(ev);
            sp->st.dropped += is_routine(ev);
            whb_log_warnx("spool: full (%llu bytes of events); a %s was not kept",
                          (unsigned long long)sp->st.bytes, whb_wire_event_kind_name(ev->kind));
            return WHB_ETOOBIG;
        }
    }
    int rc = whb_fs_write_all(sp->fd, buf, size);
    if (!rc && sync)
        rc = whb_fs_sync(sp->fd);
    if (rc) {
        /* A partial write is a torn tail: cut it so later records stay readable. */
        whb_fs_truncate(sp->fd, sp->st.bytes);
        return rc;
    }
    sp->st.bytes += size;
    sp->st.records++;
    sp->st.routine += is_routine(ev);
    return 0;
}

int whb_spool_peek(struct whb_spool *sp, whb_event **out, int max, int *n)
{
    const uint8_t *rec;
    size_t size;
    *n = 0;
    if (sp->st.records == 0)
        return 0;
    int rc = reader_open(&sp->rd, sp->path);
    if (rc < 0)
        return rc;
    while (*n < max && (rc = read_record(&sp->rd, &rec, &size, &out[*n])) == 1)
        (*n)++;
    whb_fs_close(sp->rd.fd);
    return rc < 0 ? rc : 0;
}

int whb_spool_drop(struct whb_spool *sp, unsigned n)
{
    if (n == 0)
        return 0;
    if (n >= sp->st.records) {
        /* The common case after an ack: everything went out. */
        int rc = whb_fs_truncate(sp->fd, 0);
        if (!rc)
            rc = whb_fs_sync(sp->fd);
        if (!rc) {
            sp->st.records = sp->st.routine = 0;
            sp->st.bytes = 0;
        }
        return rc;
    }
    return rewrite(sp, n, 0, NULL);
}

int whb_spool_renumber(struct whb_spool *sp, const char *boot_id, uint64_t (*next)(void *arg),
                       void *arg)
{
    struct renumber rn = {boot_id, next, arg};
    return sp->st.records ? rewrite(sp, 0, 0, &rn) : 0;
}

void whb_spool_stats(const struct whb_spool *sp, struct whb_spool_stats *out)
{
    *out = sp->st;
}
