/* libFuzzer target: nl80211 messages as the kernel sends them, to every parser of them: events
 * (also as the replay backend reads them from scenario files), and the replies to the
 * snapshot's GET_INTERFACE and GET_SCAN. */
#include <stdint.h>

#include "platform/linux/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct whb_os_event ev;
    struct whb_wifi w = {0};
    whb_nl80211_parse(data, size, &ev);
    whb_nl80211_moves_association(data, size);
    whb_nl80211_parse_iface(data, size, &w);
    whb_nl80211_parse_bss(data, size, &w);
    return 0;
}
