/* Implementation of collectors.h. */
#include "collectors.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "error.h"

static int has_scheme(const char *url)
{
    return strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0;
}

static int add_all(struct whb_collectors *c, const char *text, char *why, size_t whylen)
{
    const char *sep = " \t,;\r\n";
    const char *p = text ? text : "";
    while (*(p += strspn(p, sep))) {
        size_t len = strcspn(p, sep);
        char url[WHB_COLLECTOR_URL_MAX];
        if (len >= sizeof(url)) {
            snprintf(why, whylen, "collector URL too long (max %zu): %.40s...", sizeof(url) - 1, p);
            return WHB_EINVAL;
        }
        memcpy(url, p, len);
        url[len] = '\0';
        p += len;
        if (!has_scheme(url)) {
            snprintf(why, whylen, "collector URL '%.80s' is not an https:// (or http://) URL", url);
            return WHB_EINVAL;
        }
        int dup = 0;
        for (int i = 0; i < c->n && !dup; i++)
            dup = strcmp(c->url[i], url) == 0;
        if (dup)
            continue;
        if (c->n == WHB_MAX_COLLECTORS) {
            snprintf(why, whylen, "more than %d collector URLs", WHB_MAX_COLLECTORS);
            return WHB_EINVAL;
        }
        memcpy(c->url[c->n++], url, len + 1);
    }
    return 0;
}

int whb_collectors_parse(struct whb_collectors *c, const char *first, const char *list,
                         unsigned failback_s, char *why, size_t whylen)
{
    int rc;
    memset(c, 0, sizeof(*c));
    c->failback_ms = (failback_s ? failback_s : 1) * 1000u;
    if ((rc = add_all(c, first, why, whylen)) || (rc = add_all(c, list, why, whylen)))
        return rc;
    if (c->n == 0) {
        snprintf(why, whylen, "no collector URL");
        return WHB_EINVAL;
    }
    return 0;
}

enum whb_collector_verdict whb_collectors_judge(enum whb_send_outcome outcome, long http_status)
{
    switch (outcome) {
    case WHB_SENT_INTERRUPTED:
        return WHB_COLLECTOR_UNKNOWN;
    case WHB_SENT_ACKED:
    case WHB_SENT_SEQ_BEHIND: /* the collector itself, telling where its numbers are */
    case WHB_SENT_NOT_ENROLLED:
    case WHB_SENT_KEY_MISMATCH:
    case WHB_SENT_DENIED:
        return WHB_COLLECTOR_ANSWERED;
    case WHB_SENT_NOT_AN_ACK: /* a proxy or a captive portal answered, not the collector */
        return WHB_COLLECTOR_DOWN;
    case WHB_SENT_FAILED:
        break;
    }
    /* No HTTP answer at all, the collector (or the proxy in front of it) failing or overloaded,
     * or a path that is not the collector's: another one may do better. Its other refusals
     * (400 a bad report, 413 too large) would be the same anywhere. */
    if (http_status == 0 || http_status >= 500 || http_status == 404 || http_status == 408 ||
        http_status == 429)
        return WHB_COLLECTOR_DOWN;
    return WHB_COLLECTOR_ANSWERED;
}

int whb_collectors_pick(const struct whb_collectors *c, uint64_t now_ms, int *failback)
{
    *failback = c->current != 0 && c->failback_at && now_ms >= c->failback_at;
    return *failback ? 0 : c->current;
}

int whb_collectors_after(const struct whb_collectors *c, int i)
{
    return i + 1 < c->current ? i + 1 : c->current;
}

enum whb_collector_move whb_collectors_record(struct whb_collectors *c, int i,
                                              enum whb_collector_verdict v, uint64_t now_ms)
{
    if (v == WHB_COLLECTOR_UNKNOWN || i < 0 || i >= c->n)
        return WHB_COLLECTOR_STAYED;
    if (i != c->current) {
        /* A more preferred one, tried again while another is current. */
        if (i > c->current)
            return WHB_COLLECTOR_STAYED;
        if (v == WHB_COLLECTOR_DOWN) {
            c->failback_at = now_ms + c->failback_ms;
            return WHB_COLLECTOR_STAYED;
        }
        c->current = i;
        c->failures = 0;
        /* Still away from the first: the ones before this one are tried again later. */
        c->failback_at = i == 0 ? 0 : now_ms + c->failback_ms;
        return WHB_COLLECTOR_RETURNED;
    }
    if (v == WHB_COLLECTOR_ANSWERED) {
        c->failures = 0;
        return WHB_COLLECTOR_STAYED;
    }
    if (c->n < 2 || ++c->failures < WHB_COLLECTOR_FAILURES)
        return WHB_COLLECTOR_STAYED;
    c->failures = 0;
    c->current = (c->current + 1) % c->n;
    /* Back at the first by going round: nothing to return to. */
    c->failback_at = c->current == 0 ? 0 : now_ms + c->failback_ms;
    return WHB_COLLECTOR_SWITCHED;
}
