/* The only code that touches protobuf-c: pack, unpack, validate and free the wire messages.
 * Everything that arrives from the network or the spool is checked here before use. */
#ifndef WHB_WIRE_H
#define WHB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "whb.pb-c.h"
#include "wire_arena.h"

/* The schema revision this build speaks; older agents send lower numbers and stay valid. */
#define WHB_WIRE_SCHEMA_VERSION 1

/* Bounds on what one report may carry: anything larger is refused, not truncated. */
#define WHB_WIRE_MAX_ADAPTERS   64
#define WHB_WIRE_MAX_ADDRESSES  32
#define WHB_WIRE_MAX_EVENTS     1024
#define WHB_WIRE_MAX_TEXT       256
#define WHB_WIRE_MAX_ID         64
#define WHB_WIRE_MAX_FQDN       253
#define WHB_WIRE_MAX_INTERVAL_S 86400
#define WHB_WIRE_MAX_EVENT_KIND 1000
#define WHB_WIRE_MAX_UPDATE_LOG 32  /* UpdateClient.log entries */
#define WHB_WIRE_MAX_UPDATE_SVC 8   /* UpdateClient.services */
#define WHB_WIRE_MAX_URL        511 /* Report.collector_url */
#define WHB_WIRE_MAX_RANK       63  /* Report.collector_rank */

typedef Whb__V1__Report whb_report;
typedef Whb__V1__Ack whb_ack;
typedef Whb__V1__Event whb_event;
typedef Whb__V1__Snapshot whb_snapshot;
typedef Whb__V1__Adapter whb_adapter;

/* Decodes and validates a report. On success *out is the caller's to free with
 * whb_wire_report_free(). On failure returns WHB_EPROTO and writes a one-line cause to why. */
int whb_wire_report_unpack(const uint8_t *buf, size_t len, whb_report **out, char *why,
                           size_t whylen);
void whb_wire_report_free(whb_report *report);

/* The same, decoded into arena (wire_arena.h): the report is gone with the arena's reset, never
 * given to whb_wire_report_free(). A failure resets the arena. */
int whb_wire_report_unpack_in(struct whb_wire_arena *arena, const uint8_t *buf, size_t len,
                              whb_report **out, char *why, size_t whylen);

/* Walks a report's bytes before anything is decoded (whb_wire_report_unpack does it first):
 * a singular field sent twice (protobuf-c would merge the copies, at super-linear cost), more
 * repeats than the validator allows, over 32 unknown fields in a message, or a malformed tag,
 * length or wire type is WHB_EPROTO with why. Linear in len, no allocation. */
int whb_wire_report_prescan(const uint8_t *buf, size_t len, char *why, size_t whylen);

/* Checks types, lengths and ranges of a decoded report; returns 0 or WHB_EPROTO with why. */
int whb_wire_report_validate(const whb_report *report, char *why, size_t whylen);

/* Packs into a new buffer the caller frees with free(); NULL when out of memory. */
uint8_t *whb_wire_report_pack(const whb_report *report, size_t *len);
uint8_t *whb_wire_ack_pack(const whb_ack *ack, size_t *len);
uint8_t *whb_wire_snapshot_pack(const whb_snapshot *snapshot, size_t *len);

/* Decodes an ack (agent side) or a stored snapshot; NULL when malformed. */
whb_ack *whb_wire_ack_unpack(const uint8_t *buf, size_t len);
void whb_wire_ack_free(whb_ack *ack);
whb_snapshot *whb_wire_snapshot_unpack(const uint8_t *buf, size_t len);
void whb_wire_snapshot_free(whb_snapshot *snapshot);

/* Decodes one event (a spool record); NULL when malformed or invalid. */
whb_event *whb_wire_event_unpack(const uint8_t *buf, size_t len);
uint8_t *whb_wire_event_pack(const whb_event *event, size_t *len);
void whb_wire_event_free(whb_event *event);
int whb_wire_event_validate(const whb_event *event, char *why, size_t whylen);

/* What whb_wire_text_check finds wrong with a string. */
enum whb_wire_text {
    WHB_TEXT_OK = 0,
    WHB_TEXT_CONTROL, /* C0, DEL, C1 (U+0080..U+009F) or bidi U+202A..202E, U+2066..2069 */
    WHB_TEXT_INVALID, /* not UTF-8 (overlong, surrogate, truncated...) */
    WHB_TEXT_TOO_LONG,
};

/* Checks that s is valid UTF-8 of at most max bytes that a terminal shows as written. */
int whb_wire_text_check(const char *s, size_t max);

/* True when whb_wire_text_check finds nothing wrong. */
int whb_wire_text_ok(const char *s, size_t max);

/* True when s is a plausible host name: letters, digits, '-', '.', '_', 1..253 bytes. */
int whb_wire_hostname_ok(const char *s);

/* Makes s the canonical form of a host name in place: lower case, no trailing dot. Returns
 * WHB_EPROTO when it is not a host name (empty label, label over 63 bytes, leading '-'). */
int whb_wire_hostname_canon(char *s);

/* Stable lower-case name of an event kind ("carrier_lost"); "unknown" when not known. */
const char *whb_wire_event_kind_name(int kind);

#endif
