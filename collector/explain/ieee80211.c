/* IEEE 802.11 reason codes (why a station was disconnected) and status codes (why an
 * association or authentication was refused), in words an admin understands. Data, not code:
 * the most common codes of IEEE Std 802.11-2020, tables 9-49 and 9-50. */
#include "explain/finding.h"

struct code_words {
    unsigned code;
    const char *words;
};

static const struct code_words reasons[] = {
    {1, "unspecified reason"},
    {2, "the previous authentication is no longer valid"},
    {3, "deauthenticated: the station is leaving"},
    {4, "disassociated after inactivity"},
    {5, "the access point cannot handle all its stations"},
    {6, "frame from a station that is not authenticated"},
    {7, "frame from a station that is not associated"},
    {8, "disassociated: the station is leaving"},
    {9, "the station is not authenticated"},
    {14, "message integrity (MIC) failure"},
    {15, "4-way handshake timeout: wrong passphrase or key"},
    {16, "group key handshake timeout"},
    {17, "security parameters changed during the 4-way handshake"},
    {23, "IEEE 802.1X authentication failed"},
    {24, "cipher suite rejected by the security policy"},
    {34, "too many lost frames: poor signal"},
};

static const struct code_words statuses[] = {
    {1, "unspecified failure (or no answer from the access point)"},
    {10, "requested capabilities not supported"},
    {12, "association denied by the access point"},
    {13, "authentication algorithm not supported"},
    {15, "authentication rejected: challenge failure"},
    {16, "authentication timed out"},
    {17, "the access point cannot take more stations"},
    {18, "basic data rates not supported"},
    {30, "association rejected for now: try later"},
    {37, "request declined"},
    {40, "invalid information element"},
    {43, "invalid key management (AKM): security settings do not match"},
    {53, "invalid PMKID: cached 802.1X key rejected"},
};

const char *whb_ieee80211_words(int disconnect, unsigned code)
{
    const struct code_words *t = disconnect ? reasons : statuses;
    size_t n =
        disconnect ? sizeof(reasons) / sizeof(reasons[0]) : sizeof(statuses) / sizeof(statuses[0]);
    for (size_t i = 0; i < n; i++)
        if (t[i].code == code)
            return t[i].words;
    return NULL;
}
