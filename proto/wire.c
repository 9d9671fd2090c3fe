/* Implementation of wire.h: protobuf-c behind bounds and type checks. */
#include "compat.h"
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "wu_service.h"

static int fail(char *why, size_t whylen, const char *fmt, ...) WHB_PRINTF(3, 4);

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    if (why && whylen) {
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return WHB_EPROTO;
}

/* C1 controls and the bidi embeddings, overrides and isolates: a terminal acts on them or
 * shows text in another order than it was written (Trojan Source). */
static int terminal_unsafe(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

int whb_wire_text_check(const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;

    if (!s)
        return WHB_TEXT_OK;
    while (*p) {
        unsigned c = *p, extra, cp;
        if (c < 0x20 || c == 0x7f)
            return WHB_TEXT_CONTROL;
        if (c < 0x80) {
            extra = 0;
            cp = c;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return WHB_TEXT_INVALID;
        }
        for (unsigned i = 1; i <= extra; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return WHB_TEXT_INVALID;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
            return WHB_TEXT_INVALID;
        if (terminal_unsafe(cp))
            return WHB_TEXT_CONTROL;
        p += extra + 1;
        n += extra + 1;
        if (n > max)
            return WHB_TEXT_TOO_LONG;
    }
    return WHB_TEXT_OK;
}

int whb_wire_text_ok(const char *s, size_t max)
{
    return whb_wire_text_check(s, max) == WHB_TEXT_OK;
}

int whb_wire_hostname_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > WHB_WIRE_MAX_FQDN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_';
        if (!ok)
            return 0;
    }
    return s[0] != '.' && s[0] != '-';
}

int whb_wire_hostname_canon(char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 1 && s[n - 1] == '.')
        s[--n] = '\0';
    if (!whb_wire_hostname_ok(s))
        return WHB_EPROTO;
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] + 32);
        if (s[i] == '.' || s[i] == '\0') {
            if (label == 0 || label > 63)
                return WHB_EPROTO;
            label = 0;
        } else if (label++ == 0 && s[i] == '-') {
            return WHB_EPROTO;
        }
    }
    return 0;
}

static int id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > WHB_WIRE_MAX_ID)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '{' || c == '}' || c == '_';
        if (!ok)
            return 0;
    }
    return 1;
}

static int text_field(const char *field, const char *what, char *why, size_t whylen)
{
    switch (whb_wire_text_check(field, WHB_WIRE_MAX_TEXT)) {
    case WHB_TEXT_OK:
        return 0;
    case WHB_TEXT_CONTROL:
        return fail(why, whylen, "%s contains a control or bidi override character", what);
    case WHB_TEXT_TOO_LONG:
        return fail(why, whylen, "%s is longer than %d bytes", what, WHB_WIRE_MAX_TEXT);
    default:
        return fail(why, whylen, "%s is not valid UTF-8", what);
    }
}

#define CHECK_TEXT(field, what)                                                                    \
    do {                                                                                           \
        if (text_field((field), (what), why, whylen))                                              \
            return WHB_EPROTO;                                                                     \
    } while (0)

static int validate_adapter(const whb_adapter *a, size_t idx, char *why, size_t whylen)
{
    if (!a->name || !a->name[0])
        return fail(why, whylen, "adapter %zu has no name", idx);
    CHECK_TEXT(a->name, "adapter name");
    CHECK_TEXT(a->mac, "adapter mac");
    CHECK_TEXT(a->gateway, "adapter gateway");
    CHECK_TEXT(a->gateway_mac, "adapter gateway_mac");
    if (a->n_addresses > WHB_WIRE_MAX_ADDRESSES)
        return fail(why, whylen, "adapter %s has %zu addresses (max %d)", a->name, a->n_addresses,
                    WHB_WIRE_MAX_ADDRESSES);
    for (size_t i = 0; i < a->n_addresses; i++)
        CHECK_TEXT(a->addresses[i], "adapter address");
    if (a->wireless) {
        CHECK_TEXT(a->wireless->ssid, "wireless ssid");
        CHECK_TEXT(a->wireless->bssid, "wireless bssid");
    }
    if (a->lldp) {
        CHECK_TEXT(a->lldp->chassis_id, "lldp chassis_id");
        CHECK_TEXT(a->lldp->port_id, "lldp port_id");
        CHECK_TEXT(a->lldp->system_name, "lldp system_name");
        CHECK_TEXT(a->lldp->port_description, "lldp port_description");
        CHECK_TEXT(a->lldp->mgmt_address, "lldp mgmt_address");
    }
    return 0;
}

/* Canonical GUID text, as the agent sends it (wu_service.h); braces says which form. */
static int guid_ok(const char *s, int braces)
{
    char canon[40];
    return whb_wu_guid_canon(s, braces, canon, sizeof(canon)) == 0 && strcmp(canon, s) == 0;
}

static int validate_update_client(const Whb__V1__UpdateClient *u, char *why, size_t whylen)
{
    CHECK_TEXT(u->wu_server, "update_client wu_server");
    CHECK_TEXT(u->wu_status_server, "update_client wu_status_server");
    CHECK_TEXT(u->target_group, "update_client target_group");
    CHECK_TEXT(u->mdm_update_service_url, "update_client mdm_update_service_url");
    /* An identifier, not a secret; but the collector joins machines on it. */
    if (u->sus_client_id && u->sus_client_id[0] && !guid_ok(u->sus_client_id, 0))
        return fail(why, whylen, "update_client sus_client_id is not a lower-case GUID");
    if (u->n_log > WHB_WIRE_MAX_UPDATE_LOG)
        return fail(why, whylen, "update_client has %zu log events (max %d)", u->n_log,
                    WHB_WIRE_MAX_UPDATE_LOG);
    for (size_t i = 0; i < u->n_log; i++) {
        const Whb__V1__UpdateLogEvent *l = u->log[i];
        if (l->event_id == 0 || l->event_id > 65535)
            return fail(why, whylen, "update_client log event %zu has no valid event id", i);
        if (l->service_id && l->service_id[0] && !guid_ok(l->service_id, 1))
            return fail(why, whylen, "update_client log event %zu: service_id is not a GUID", i);
        CHECK_TEXT(l->detail, "update_client log detail");
    }
    if (u->n_services > WHB_WIRE_MAX_UPDATE_SVC)
        return fail(why, whylen, "update_client has %zu services (max %d)", u->n_services,
                    WHB_WIRE_MAX_UPDATE_SVC);
    for (size_t i = 0; i < u->n_services; i++) {
        if (!u->services[i]->name || !u->services[i]->name[0] ||
            strlen(u->services[i]->name) > WHB_WIRE_MAX_ID)
            return fail(why, whylen, "update_client service %zu has no valid name", i);
        CHECK_TEXT(u->services[i]->name, "update_client service name");
    }
    return 0;
}

int whb_wire_event_validate(const whb_event *e, char *why, size_t whylen)
{
    if (e->kind <= 0 || e->kind > WHB_WIRE_MAX_EVENT_KIND)
        return fail(why, whylen, "event %llu has no valid kind", (unsigned long long)e->seq);
    if (e->seq == 0)
        return fail(why, whylen, "event without seq");
    if (e->seq > INT64_MAX)
        return fail(why, whylen, "event seq %llu out of range", (unsigned long long)e->seq);
    if (e->at_ms <= 0)
        return fail(why, whylen, "event %llu has no time", (unsigned long long)e->seq);
    if (e->boot_id && e->boot_id[0] && !id_ok(e->boot_id))
        return fail(why, whylen, "event %llu has a malformed boot_id", (unsigned long long)e->seq);
    CHECK_TEXT(e->adapter, "event adapter");
    CHECK_TEXT(e->detail, "event detail");
    return 0;
}

int whb_wire_report_validate(const whb_report *r, char *why, size_t whylen)
{
    if (r->schema_version == 0)
        return fail(why, whylen, "schema_version missing");
    if (!r->machine)
        return fail(why, whylen, "machine missing");
    if (!id_ok(r->machine->machine_id))
        return fail(why, whylen, "machine_id missing or malformed");
    if (!whb_wire_hostname_ok(r->machine->fqdn))
        return fail(why, whylen, "fqdn missing or malformed");
    CHECK_TEXT(r->machine->domain, "domain");
    CHECK_TEXT(r->machine->os, "os");
    CHECK_TEXT(r->machine->agent_version, "agent_version");
    if (!id_ok(r->boot_id))
        return fail(why, whylen, "boot_id missing or malformed");
    if (r->seq == 0)
        return fail(why, whylen, "seq missing");
    /* Stored as SQLite's signed 64-bit integer; no agent counts that far. */
    if (r->seq > INT64_MAX)
        return fail(why, whylen, "seq %llu out of range", (unsigned long long)r->seq);
    if (r->sent_at_ms <= 0)
        return fail(why, whylen, "sent_at_ms missing");
    if (r->interval_s == 0 || r->interval_s > WHB_WIRE_MAX_INTERVAL_S)
        return fail(why, whylen, "interval_s out of range 1..%d", WHB_WIRE_MAX_INTERVAL_S);
    if (r->collector_url && r->collector_url[0] &&
        whb_wire_text_check(r->collector_url, WHB_WIRE_MAX_URL) != WHB_TEXT_OK)
        return fail(why, whylen, "collector_url longer than %d bytes or not clean text",
                    WHB_WIRE_MAX_URL);
    if (r->collector_rank > WHB_WIRE_MAX_RANK)
        return fail(why, whylen, "collector_rank %u out of range 0..%d", r->collector_rank,
                    WHB_WIRE_MAX_RANK);
    if (r->snapshot) {
        const whb_snapshot *s = r->snapshot;
        if (s->n_adapters > WHB_WIRE_MAX_ADAPTERS)
            return fail(why, whylen, "%zu adapters (max %d)", s->n_adapters, WHB_WIRE_MAX_ADAPTERS);
        for (size_t i = 0; i < s->n_adapters; i++)
            if (validate_adapter(s->adapters[i], i, why, whylen))
                return WHB_EPROTO;
        if (s->wsus) {
            CHECK_TEXT(s->wsus->url, "wsus url");
            CHECK_TEXT(s->wsus->error, "wsus error");
        }
        if (s->update_client && validate_update_client(s->update_client, why, whylen))
            return WHB_EPROTO;
    }
    if (r->n_events > WHB_WIRE_MAX_EVENTS)
        return fail(why, whylen, "%zu events (max %d)", r->n_events, WHB_WIRE_MAX_EVENTS);
    for (size_t i = 0; i < r->n_events; i++)
        if (whb_wire_event_validate(r->events[i], why, whylen))
            return WHB_EPROTO;
    return 0;
}

/* What protobuf-c allocated with alloc (NULL: its default, malloc). */
static void release(ProtobufCAllocator *alloc, void *p)
{
    if (alloc)
        alloc->free(alloc->allocator_data, p);
    else
        free(p);
}

/* Drops the fields this build does not know, in m and every message below it. A newer
 * agent's additions are not needed here, and protobuf-c would re-emit an out-of-range field
 * number as bytes it then refuses (found by fuzz_report): stored snapshots must decode again. */
static void strip_unknown(ProtobufCMessage *m, ProtobufCAllocator *alloc)
{
    if (!m)
        return;
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        release(alloc, m->unknown_fields[i].data);
    release(alloc, m->unknown_fields);
    m->unknown_fields = NULL;
    m->n_unknown_fields = 0;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        char *member = (char *)m + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(size_t *)((char *)m + f->quantifier_offset);
            ProtobufCMessage **items = *(ProtobufCMessage ***)member;
            for (size_t k = 0; k < n; k++)
                strip_unknown(items[k], alloc);
        } else {
            strip_unknown(*(ProtobufCMessage **)member, alloc);
        }
    }
}

static int unpack(const uint8_t *buf, size_t len, ProtobufCAllocator *alloc, whb_report **out,
                  char *why, size_t whylen)
{
    *out = NULL;
    if (len == 0)
        return fail(why, whylen, "empty body");
    if (whb_wire_report_prescan(buf, len, why, whylen))
        return WHB_EPROTO;
    whb_report *r = whb__v1__report__unpack(alloc, len, buf);
    if (!r)
        return fail(why, whylen, "body is not a protobuf Report");
    strip_unknown(&r->base, alloc);
    /* One spelling per machine name, so that lookups cannot be shadowed by case or a dot. */
    if (r->machine && r->machine->fqdn && whb_wire_hostname_canon(r->machine->fqdn)) {
        whb__v1__report__free_unpacked(r, alloc);
        return fail(why, whylen, "fqdn missing or malformed");
    }
    if (whb_wire_report_validate(r, why, whylen)) {
        whb__v1__report__free_unpacked(r, alloc);
        return WHB_EPROTO;
    }
    *out = r;
    return 0;
}

int whb_wire_report_unpack(const uint8_t *buf, size_t len, whb_report **out, char *why,
                           size_t whylen)
{
    return unpack(buf, len, NULL, out, why, whylen);
}

int whb_wire_report_unpack_in(struct whb_wire_arena *arena, const uint8_t *buf, size_t len,
                              whb_report **out, char *why, size_t whylen)
{
    int rc = unpack(buf, len, &arena->alloc, out, why, whylen);
    if (rc)
        whb_wire_arena_reset(arena);
    return rc;
}

void whb_wire_report_free(whb_report *report)
{
    if (report)
        whb__v1__report__free_unpacked(report, NULL);
}

#define PACK_FN_(name, type, prefix)                                                               \
    uint8_t *name(const type *msg, size_t *len)                                                    \
    {                                                                                              \
        size_t n = prefix##__get_packed_size(msg);                                                 \
        uint8_t *buf = malloc(n ? n : 1);                                                          \
        if (!buf)                                                                                  \
            return NULL;                                                                           \
        *len = prefix##__pack(msg, buf);                                                           \
        return buf;                                                                                \
    }

PACK_FN_(whb_wire_report_pack, whb_report, whb__v1__report)
PACK_FN_(whb_wire_ack_pack, whb_ack, whb__v1__ack)
PACK_FN_(whb_wire_snapshot_pack, whb_snapshot, whb__v1__snapshot)
PACK_FN_(whb_wire_event_pack, whb_event, whb__v1__event)

whb_ack *whb_wire_ack_unpack(const uint8_t *buf, size_t len)
{
    return whb__v1__ack__unpack(NULL, len, buf);
}

void whb_wire_ack_free(whb_ack *ack)
{
    if (ack)
        whb__v1__ack__free_unpacked(ack, NULL);
}

whb_snapshot *whb_wire_snapshot_unpack(const uint8_t *buf, size_t len)
{
    return whb__v1__snapshot__unpack(NULL, len, buf);
}

void whb_wire_snapshot_free(whb_snapshot *snapshot)
{
    if (snapshot)
        whb__v1__snapshot__free_unpacked(snapshot, NULL);
}

whb_event *whb_wire_event_unpack(const uint8_t *buf, size_t len)
{
    whb_event *e = whb__v1__event__unpack(NULL, len, buf);
    if (e)
        strip_unknown(&e->base, NULL);
    if (e && whb_wire_event_validate(e, NULL, 0)) {
        whb__v1__event__free_unpacked(e, NULL);
        return NULL;
    }
    return e;
}

void whb_wire_event_free(whb_event *event)
{
    if (event)
        whb__v1__event__free_unpacked(event, NULL);
}

const char *whb_wire_event_kind_name(int kind)
{
    static const char *const names[] = {
        "unknown",
        "agent_start",
        "agent_stop",
        "unclean_stop",
        "suspend",
        "hibernate",
        "resume",
        "shutdown",
        "sleep_detected",
        "adapter_added",
        "adapter_removed",
        "admin_down",
        "admin_up",
        "carrier_lost",
        "carrier_gained",
        "link_errors",
        "wifi_associated",
        "wifi_disconnected",
        "wifi_assoc_failed",
        "network_changed",
        "lldp_changed",
        "wsus_probe",
        "delivery_failed",
        "heartbeat",
        "update_policy",
        "update_identity",
        "update_service",
        "update_scan_ok",
        "update_scan_failed",
        "update_install_failed",
        "update_restart_required",
        "update_cannot_connect",
        "update_proxy_auth",
    };
    if (kind < 0 || (size_t)kind >= sizeof(names) / sizeof(names[0]))
        return "unknown";
    return names[kind];
}
