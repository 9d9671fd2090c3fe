/* The WLAN API side of the Windows backend: the association of each wireless adapter, and
 * notifications of failed connections and disconnects with their WLAN_REASON_CODE. */
#ifndef WHB_WIN_WLAN_H
#define WHB_WIN_WLAN_H

#include <windows.h>
#include <wlanapi.h>
#include <stdint.h>

#include "bridge.h"
#include "model.h"

struct whb_win_wlan;

/* Opens the WLAN service client and registers for notifications, which go to bridge (events)
 * and set changed (a new snapshot is due). WHB_EUNSUPPORTED without a WLAN service. */
int whb_win_wlan_open(struct whb_win_bridge *bridge, HANDLE changed, struct whb_win_wlan **out);
void whb_win_wlan_close(struct whb_win_wlan *w);

/* Fills the association of the adapter with this interface GUID (nothing when unknown). */
void whb_win_wlan_query(struct whb_win_wlan *w, const GUID *guid, struct whb_wifi *out);

/* The table's words for a WLAN_REASON_CODE (wlanapi.h/dot1x.h), NULL when not in it. Pure. */
const char *whb_win_wlan_reason_text(uint32_t code);

/* Words for any code: the table, else Windows' WlanReasonCodeToString, else a plain note. */
void whb_win_wlan_reason(uint32_t code, char *out, size_t n);

/* Translates one notification into an event; 1 when it is one we report. Pure, for tests. */
int whb_win_wlan_translate(const WLAN_NOTIFICATION_DATA *d, const char *adapter,
                           struct whb_os_event *ev);

#endif
