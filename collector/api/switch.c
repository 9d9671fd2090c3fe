/* The switches' own word for the network team: GET /v1/network/switch/ports?switch=NAME
 * [&port=PORT] answers each port as the switch last described it (admin and oper state, since
 * when, speed, err-disable cause, the last thing it said) and, for one port, what the switch
 * said about it in the last day. Asking about one port has it read by SNMP again. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "clock.h"
#include "collector.h"
#include "explain/json.h"
#include "http/loop.h"
#include "switch/switch.h"

#define EVENTS_MAX 50
#define DAY_MS     (24 * 3600 * 1000LL)

json_t *whb_api_switch_port_json(const struct whb_switch_port *p)
{
    json_t *o = json_pack(
        "{s:s, s:i, s:s, s:s, s:o, s:o, s:i, s:b, s:s, s:s, s:s, s:s}", "port", p->name, "ifindex",
        (int)p->ifindex, "admin", whb_if_status_name(p->admin), "oper", whb_if_status_name(p->oper),
        "since", whb_json_iso(p->changed_ms), "heard", whb_json_iso(p->heard_ms), "speed_mbps",
        (int)p->speed_mbps, "err_disabled", p->err_disabled, "cause", p->cause, "alias", p->alias,
        "last", whb_switch_kind_name(p->last_kind), "source",
        whb_switch_source_name(p->last_source));
    json_object_set_new(o, "text", json_string(p->text));
    if (p->prev_speed_mbps && p->prev_speed_mbps != p->speed_mbps) {
        json_object_set_new(o, "prev_speed_mbps", json_integer(p->prev_speed_mbps));
        json_object_set_new(o, "speed_changed", whb_json_iso(p->speed_changed_ms));
    }
    if (p->violation_ms)
        json_object_set_new(
            o, "port_security_violation",
            json_pack("{s:s, s:o}", "mac", p->violation_mac, "at", whb_json_iso(p->violation_ms)));
    if (p->dot1x_ms)
        json_object_set_new(
            o, "dot1x_failure",
            json_pack("{s:s, s:o}", "mac", p->dot1x_mac, "at", whb_json_iso(p->dot1x_ms)));
    return o;
}

static int add_port(const struct whb_switch_port *p, void *arg)
{
    json_array_append_new(arg, whb_api_switch_port_json(p));
    return json_array_size(arg) >= 4096;
}

void whb_api_switch_ports(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q)
{
    const char *sw = evhttp_find_header(q, "switch");
    const char *port = evhttp_find_header(q, "port");
    struct whb_store *st = loop->reader;
    if (!sw || !sw[0]) {
        whb_api_reply_error(req, 400, "switch= is required");
        return;
    }
    int64_t now = whb_clock_wall_ms();
    json_t *doc = json_pack("{s:o, s:s, s:b}", "generated_at", whb_json_iso(now), "switch", sw,
                            "listening", loop->col->switches != NULL);
    if (!port || !port[0]) {
        json_t *ports = json_array();
        if (st->ops->each_switch_port(st, sw, add_port, ports)) {
            json_decref(ports);
            json_decref(doc);
            whb_api_reply_error(req, 503, "store unavailable");
            return;
        }
        json_object_set_new(doc, "ports", ports);
        whb_api_reply_json(req, 200, doc);
        return;
    }
    struct whb_switch_port p;
    int rc = st->ops->switch_port(st, sw, port, 0, &p);
    if (loop->col->switches)
        whb_switch_poll(loop->col->switches, sw, NULL, port, rc == 0 ? p.ifindex : 0);
    json_object_set_new(doc, "port", rc == 0 ? whb_api_switch_port_json(&p) : json_null());
    struct whb_switch_event *evs = calloc(EVENTS_MAX, sizeof(*evs));
    int n = 0;
    json_t *list = json_array();
    if (evs && st->ops->switch_events(st, sw, port, rc == 0 ? p.ifindex : 0, now - DAY_MS, now, evs,
                                      EVENTS_MAX, &n) == 0)
        for (int i = n - 1; i >= 0; i--)
            json_array_append_new(
                list,
                json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "at",
                          whb_json_iso(evs[i].at_ms), "kind", whb_switch_kind_name(evs[i].kind),
                          "source", whb_switch_source_name(evs[i].source), "admin",
                          whb_if_status_name(evs[i].admin), "oper", whb_if_status_name(evs[i].oper),
                          "cause", evs[i].cause, "who", evs[i].who, "text", evs[i].text));
    free(evs);
    json_object_set_new(doc, "events", list);
    whb_api_reply_json(req, rc == 0 || n ? 200 : 404, doc);
}
