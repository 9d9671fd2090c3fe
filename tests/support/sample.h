/* Builds valid reports for tests, fuzz seeds and the load generator. */
#ifndef WHB_TEST_SAMPLE_H
#define WHB_TEST_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* A report for machine number n ("pc-<n>.corp.example", id "m-<n>") with one Ethernet adapter
 * behind switch "sw-1" port "Gi1/0/<n>" and nev carrier events. Free with sample_free(). */
struct sample {
    whb_report report;
    Whb__V1__Machine machine;
    whb_snapshot snapshot;
    whb_adapter adapter, *adapters[1];
    Whb__V1__Lldp lldp;
    Whb__V1__Counters counters;
    char *addresses[1];
    char id[32], fqdn[64], boot[40], port[32], addr[32];
    whb_event *events;
    whb_event **event_ptrs;
    Whb__V1__UpdateClient wu;
    Whb__V1__UpdateSources wu_sources;
    Whb__V1__UpdateLogEvent wu_log[2], *wu_log_ptrs[2];
    Whb__V1__UpdateService wu_services[2], *wu_service_ptrs[2];
};

struct sample *sample_new(unsigned n, uint64_t seq, unsigned nev);
void sample_free(struct sample *s);

/* Adds a Windows agent's update client state: WSUS policy, SusClientId sus (a lower-case
 * GUID), a failed scan with error code against WSUS, a disabled wuauserv when disabled. */
void sample_add_update_client(struct sample *s, const char *sus, uint32_t error, int disabled);

/* Packs the sample's report into a new buffer (free()). */
uint8_t *sample_pack(const struct sample *s, size_t *len);

/* sample_new(n, seq, nev)'s report as the collector has it: packed and decoded by the wire
 * code. NULL when it does not decode. Free with whb_wire_report_free(). */
whb_report *sample_report(unsigned n, uint64_t seq, unsigned nev);

#endif
