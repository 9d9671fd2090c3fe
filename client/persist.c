/* Implementation of persist.h. The run file is one line:
 *   running|stopped <boot_id> <last_alive_ms> <seq_reserved_up_to> */
#include "persist.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fs.h"

#define SEQ_BLOCK 1000

struct whb_persist {
    char run_path[600];
    char boot_id[65];
    uint64_t next_seq, reserved;
    int64_t last_alive;
};

static int save(struct whb_persist *p, const char *status)
{
    char line[200];
    int n = snprintf(line, sizeof(line), "%s %s %" PRId64 " %" PRIu64 "\n", status, p->boot_id,
                     p->last_alive, p->reserved);
    return whb_fs_write_file(p->run_path, line, (size_t)n);
}

int whb_persist_open(const char *state_dir, const char *boot_id, int64_t now_ms,
                     struct whb_persist **out, struct whb_previous_run *prev)
{
    struct whb_persist *p = calloc(1, sizeof(*p));
    char line[200], status[16] = "", boot[65] = "";
    int64_t alive = 0;
    uint64_t reserved = 0;
    if (!p)
        return WHB_ENOMEM;
    snprintf(p->run_path, sizeof(p->run_path), "%s/run", state_dir);
    snprintf(p->boot_id, sizeof(p->boot_id), "%s", boot_id);
    memset(prev, 0, sizeof(*prev));

    if (whb_fs_read_file(p->run_path, line, sizeof(line)) > 0 &&
        sscanf(line, "%15s %64s %" SCNd64 " %" SCNu64, status, boot, &alive, &reserved) == 4) {
        prev->unclean = strcmp(status, "running") == 0;
        prev->same_boot = strcmp(boot, boot_id) == 0;
        prev->last_alive_ms = alive;
    }
    /* Within one boot, continue above everything that may have been used. */
    p->next_seq = prev->same_boot && reserved ? reserved + 1 : 1;
    p->reserved = p->next_seq + SEQ_BLOCK - 1;
    p->last_alive = now_ms;
    int rc = save(p, "running");
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void whb_persist_close(struct whb_persist *p)
{
    free(p);
}

uint64_t whb_persist_next_seq(struct whb_persist *p)
{
    if (p->next_seq > p->reserved) {
        p->reserved = p->next_seq + SEQ_BLOCK - 1;
        /* Not 0 on a failed write: the collector refuses an event numbered 0 and with it every
         * report that carries it, and the spool would keep sending it first, for good. */
        save(p, "running");
    }
    return p->next_seq++;
}

int whb_persist_seq_above(struct whb_persist *p, uint64_t seq)
{
    if (seq < p->next_seq)
        return 0;
    p->next_seq = seq + 1;
    p->reserved = p->next_seq + SEQ_BLOCK - 1;
    return save(p, "running");
}

uint64_t whb_persist_last_seq(const struct whb_persist *p)
{
    return p->next_seq - 1;
}

int whb_persist_alive(struct whb_persist *p, int64_t now_ms)
{
    p->last_alive = now_ms;
    return save(p, "running");
}

int whb_persist_stopped(struct whb_persist *p, int64_t now_ms)
{
    p->last_alive = now_ms;
    return save(p, "stopped");
}

int whb_persist_key(const char *state_dir, char hex[65])
{
    char path[600], buf[128];
    snprintf(path, sizeof(path), "%s/key", state_dir);
    int n = whb_fs_read_file(path, buf, sizeof(buf));
    if (n >= 0) {
        int len = 0;
        while (len < n && isxdigit((unsigned char)buf[len]))
            len++;
        for (int i = len; i < n; i++)
            if (buf[i] != '\n' && buf[i] != '\r')
                return WHB_ECORRUPT;
        if (len != 64)
            return WHB_ECORRUPT;
        for (int i = 0; i < 64; i++)
            hex[i] = (char)tolower((unsigned char)buf[i]);
        hex[64] = '\0';
        return 0;
    }
    if (n != WHB_ENOTFOUND)
        return n;
    uint8_t raw[32];
    int rc = whb_os_random(raw, sizeof(raw));
    if (rc)
        return rc;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    return whb_fs_write_file(path, hex, 64);
}

int whb_persist_enrolled(const char *state_dir)
{
    char path[600], buf[8];
    snprintf(path, sizeof(path), "%s/enrolled", state_dir);
    return whb_fs_read_file(path, buf, sizeof(buf)) >= 0;
}

int whb_persist_set_enrolled(const char *state_dir, int enrolled)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/enrolled", state_dir);
    if (!enrolled)
        return whb_persist_enrolled(state_dir) ? whb_fs_remove(path) : 0;
    return whb_fs_write_file(path, "1\n", 2);
}

unsigned whb_persist_interval(const char *state_dir)
{
    char path[600], buf[16];
    snprintf(path, sizeof(path), "%s/interval", state_dir);
    if (whb_fs_read_file(path, buf, sizeof(buf)) <= 0)
        return 0;
    char *end;
    unsigned long v = strtoul(buf, &end, 10);
    if (end == buf || (*end && *end != '\n') || v < 1 || v > 86400)
        return 0; /* damaged: the configured interval will do until the next ack */
    return (unsigned)v;
}

int whb_persist_set_interval(const char *state_dir, unsigned interval_s)
{
    char path[600], buf[16];
    snprintf(path, sizeof(path), "%s/interval", state_dir);
    int n = snprintf(buf, sizeof(buf), "%u\n", interval_s);
    return whb_fs_write_file(path, buf, (size_t)n);
}
