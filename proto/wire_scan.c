/* Implementation of whb_wire_report_prescan (wire.h): one walk over the bytes, driven by
 * protobuf-c's own descriptors, before protobuf-c allocates anything. protobuf-c merges every
 * repeat of a singular message field into the first (a snapshot sent 100 times is merged 100
 * times, each merge copying all that came before: super-linear), and keeps each unknown field
 * as an allocation of its own; neither is bounded by the body's size in a useful way. */
#include "compat.h"
#include "wire.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

/* Deeper than the schema ever nests (Report > Snapshot > Adapter > Lldp). */
#define SCAN_DEPTH_MAX 8
/* A newer agent's fields this build does not know, per message. */
#define SCAN_UNKNOWN_MAX 32
/* Messages here have fewer fields than this. */
#define SCAN_FIELDS_MAX 32

struct scan {
    const uint8_t *p, *end;
};

static int varint(struct scan *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (s->p == s->end)
            return -1;
        uint8_t b = *s->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* What a repeated field may hold: the validator's bounds (wire.h), met before decoding. */
static size_t repeat_max(const ProtobufCFieldDescriptor *f)
{
    if (f->type == PROTOBUF_C_TYPE_MESSAGE && f->descriptor == &whb__v1__event__descriptor)
        return WHB_WIRE_MAX_EVENTS;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE && f->descriptor == &whb__v1__adapter__descriptor)
        return WHB_WIRE_MAX_ADAPTERS;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE &&
        f->descriptor == &whb__v1__update_log_event__descriptor)
        return WHB_WIRE_MAX_UPDATE_LOG;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE && f->descriptor == &whb__v1__update_service__descriptor)
        return WHB_WIRE_MAX_UPDATE_SVC;
    return WHB_WIRE_MAX_ADDRESSES;
}

static int refuse(char *why, size_t whylen, const char *fmt, const char *msg, unsigned field)
{
    snprintf(why, whylen, fmt, msg, field);
    return WHB_EPROTO;
}

static int scan_message(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len,
                        int depth, char *why, size_t whylen)
{
    struct scan s = {buf, buf + len};
    unsigned seen[SCAN_FIELDS_MAX] = {0}, unknown = 0;
    if (depth > SCAN_DEPTH_MAX || d->n_fields > SCAN_FIELDS_MAX)
        return refuse(why, whylen, "%s nested too deeply%.0u", d->short_name, 0);
    while (s.p < s.end) {
        uint64_t tag, n;
        /* protobuf-c takes field 0 (an overlong tag) as an unknown field: so does this. */
        if (varint(&s, &tag) || tag >> 3 > UINT32_MAX)
            return refuse(why, whylen, "%s: a malformed field tag%.0u", d->short_name, 0);
        unsigned number = (unsigned)(tag >> 3), type = (unsigned)(tag & 7);
        const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, number);
        switch (type) {
        case 0:
            if (varint(&s, &n))
                return refuse(why, whylen, "%s field %u: a malformed varint", d->short_name,
                              number);
            break;
        case 1:
        case 5:
            if ((size_t)(s.end - s.p) < (type == 1 ? 8u : 4u))
                return refuse(why, whylen, "%s field %u: truncated", d->short_name, number);
            s.p += type == 1 ? 8 : 4;
            break;
        case 2:
            if (varint(&s, &n) || n > (uint64_t)(s.end - s.p))
                return refuse(why, whylen, "%s field %u: length beyond the body", d->short_name,
                              number);
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
                scan_message(f->descriptor, s.p, (size_t)n, depth + 1, why, whylen))
                return WHB_EPROTO;
            s.p += n;
            break;
        default: /* groups (3, 4) and the reserved 6, 7: never in this schema */
            return refuse(why, whylen, "%s field %u: an unsupported wire type", d->short_name,
                          number);
        }
        if (!f) {
            if (++unknown > SCAN_UNKNOWN_MAX)
                return refuse(why, whylen, "%s: more than 32 unknown fields%.0u", d->short_name, 0);
            continue;
        }
        unsigned i = (unsigned)(f - d->fields), count = ++seen[i];
        if (f->label != PROTOBUF_C_LABEL_REPEATED && count > 1) {
            snprintf(why, whylen, "%s.%s appears more than once", d->short_name, f->name);
            return WHB_EPROTO;
        }
        /* A packed run of scalars counts once: its bytes are bounded by the body. */
        if (f->label == PROTOBUF_C_LABEL_REPEATED && count > repeat_max(f)) {
            snprintf(why, whylen, "%s.%s has more than %zu entries", d->short_name, f->name,
                     repeat_max(f));
            return WHB_EPROTO;
        }
    }
    return 0;
}

int whb_wire_report_prescan(const uint8_t *buf, size_t len, char *why, size_t whylen)
{
    return scan_message(&whb__v1__report__descriptor, buf, len, 0, why, whylen);
}
