/* The System event log as the Windows backend reads it: the newest event matching an XPath
 * query, rendered as XML, and small pure readers of that XML (EventID, TimeCreated, named
 * EventData fields) that the tests feed with recorded events. */
#ifndef WHB_WIN_EVENTLOG_H
#define WHB_WIN_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* Renders the newest event of channel that matches xpath into xml (n wide chars).
 * 0, WHB_ENOTFOUND when none matches, WHB_EIO when the log cannot be read. */
int whb_win_eventlog_latest(const wchar_t *channel, const wchar_t *xpath, wchar_t *xml, size_t n);

/* Whether the event's <Provider Name=...> is name (either quote). */
int whb_win_xml_provider_is(const wchar_t *xml, const wchar_t *name);

/* <EventID>; -1 when absent. */
long whb_win_xml_event_id(const wchar_t *xml);

/* <TimeCreated SystemTime='2026-11-25T10:37:27.1234567Z'/> as ms since the epoch; -1. */
int64_t whb_win_xml_time_ms(const wchar_t *xml);

/* The text of <Data Name='name'> (either quote), narrowed to UTF-8; 0 or -1 when absent. */
int whb_win_xml_data(const wchar_t *xml, const wchar_t *name, char *out, size_t n);

/* The same field as a number, decimal or 0x-hexadecimal; -1 when absent or not a number. */
long long whb_win_xml_number(const wchar_t *xml, const wchar_t *name);

#endif
