/* Implementation of import.h. */
#include "import.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"

static void new_session(char *out, size_t len)
{
    static unsigned counter;
    unsigned long long t = (unsigned long long)time(NULL);
    unsigned long long c = (unsigned long long)clock();
    srand((unsigned)(t ^ (c << 8) ^ (uintptr_t)out));
    snprintf(out, len, "%010llx%06llx%04x%04x%02x", t, c & 0xffffff, (unsigned)rand() & 0xffff,
             (unsigned)rand() & 0xffff, ++counter & 0xff);
}

/* The part holding rows [from, *to): as many as fit in max bytes (at least one). */
static char *part_body(const struct whb_wsus_list *l, const char *session, unsigned part,
                       size_t from, size_t max, size_t *to)
{
    json_t *arr = json_array();
    size_t bytes = 120, i = from;
    for (; arr && i < l->n; i++) {
        const struct whb_wsus_row *r = &l->rows[i];
        size_t row = strlen(r->fqdn) + strlen(r->ip) + 150;
        if (i > from && bytes + row > max)
            break;
        bytes += row;
        json_t *c = json_pack("{s:s, s:s, s:I, s:I, s:I}", "fqdn", r->fqdn, "ip", r->ip,
                              "last_status", (json_int_t)r->last_status_ms, "last_sync",
                              (json_int_t)r->last_sync_ms, "line", (json_int_t)r->line);
        if (c && r->target_id[0])
            json_object_set_new(c, "id", json_string(r->target_id));
        json_array_append_new(arr, c);
    }
    *to = i;
    json_t *doc = arr ? json_pack("{s:s, s:I, s:b, s:o}", "session", session, "part",
                                  (json_int_t)part, "final", i == l->n, "computers", arr)
                      : NULL;
    char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return body;
}

static int failed(json_t *doc, long status, char *why, size_t whylen)
{
    const char *e = json_string_value(json_object_get(doc, "error"));
    snprintf(why, whylen, "collector answered HTTP %ld: %s", status, e ? e : "no reason given");
    json_decref(doc);
    return WHB_EINVAL;
}

int whb_import_send(struct whb_cli *c, const struct whb_wsus_list *l, json_t **answer, long *http,
                    char *why, size_t whylen)
{
    char session[48];
    size_t max = WHB_IMPORT_PART_BYTES, at = 0, to;
    unsigned part = 1;
    json_t *doc = NULL;
    *answer = NULL;
    new_session(session, sizeof(session));
    do {
        char *body = part_body(l, session, part, at, max, &to);
        if (!body) {
            snprintf(why, whylen, "out of memory");
            return WHB_ENOMEM;
        }
        doc = whb_cli_call(c, "POST", "/v1/wsus/import", body, http, why, whylen);
        free(body);
        if (!doc && *http == 413 && max > 1024 && to - at > 1) {
            max /= 2; /* the collector's max_body is smaller: same part, fewer rows */
            continue;
        }
        if (!doc)
            return WHB_EIO;
        if (*http != 200)
            return failed(doc, *http, why, whylen);
        if (to < l->n)
            json_decref(doc);
        at = to;
        part++;
    } while (at < l->n);
    /* The first page of answers came with the last part; fetch the others. */
    json_t *answers = json_object_get(doc, "answers");
    const char *next;
    while ((next = json_string_value(json_object_get(doc, "next"))) != NULL) {
        char path[128];
        snprintf(path, sizeof(path), "%s", next);
        json_t *page = whb_cli_call(c, "GET", path, NULL, http, why, whylen);
        if (!page) {
            json_decref(doc);
            return WHB_EIO;
        }
        if (*http != 200) {
            json_decref(doc);
            return failed(page, *http, why, whylen);
        }
        json_array_extend(answers, json_object_get(page, "answers"));
        json_t *more = json_object_get(page, "next");
        if (more)
            json_object_set(doc, "next", more);
        else
            json_object_del(doc, "next");
        json_decref(page);
    }
    json_object_del(doc, "offset");
    json_object_del(doc, "limit");
    json_object_set_new(doc, "parts", json_integer(part - 1));
    *answer = doc;
    return 0;
}
