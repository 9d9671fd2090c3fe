/* libFuzzer target: nl80211 messages as the replay backend reads them from scenario files. */
#include <stdint.h>

#include "platform/linux/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct whb_os_event ev;
    whb_nl80211_parse(data, size, &ev);
    return 0;
}
