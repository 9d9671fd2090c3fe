/* Internal to explain/: the rule table (rules.c) that explain.c runs. */
#ifndef WHB_EXPLAIN_RULES_H
#define WHB_EXPLAIN_RULES_H

#include <stddef.h>

#include "explain/finding.h"

typedef void (*whb_rule_fn)(const struct whb_explain_input *in, struct finding *f);

struct whb_rule {
    const char *name;
    enum whb_reason reason;
    const char *needs; /* the evidence it looks for, for readers of this table */
    whb_rule_fn fn;
};

const struct whb_rule *whb_rules(size_t *n);

/* The network rules (rules_network.c): the machine's own link, address and wireless story,
 * and its neighbours. */
void whb_rule_removed(const struct whb_explain_input *in, struct finding *f);
void whb_rule_flapping(const struct whb_explain_input *in, struct finding *f);
void whb_rule_ports(const struct whb_explain_input *in, struct finding *f);
void whb_rule_carrier(const struct whb_explain_input *in, struct finding *f);
void whb_rule_adapter_removed(const struct whb_explain_input *in, struct finding *f);
void whb_rule_address(const struct whb_explain_input *in, struct finding *f);
void whb_rule_wireless(const struct whb_explain_input *in, struct finding *f);
void whb_rule_network_path(const struct whb_explain_input *in, struct finding *f);
void whb_rule_switch_now(const struct whb_explain_input *in, struct finding *f);
void whb_rule_whole_switch_now(const struct whb_explain_input *in, struct finding *f);
void whb_rule_ap_now(const struct whb_explain_input *in, struct finding *f);
void whb_rule_subnet_now(const struct whb_explain_input *in, struct finding *f);
void whb_rule_fleet_path(const struct whb_explain_input *in, struct finding *f);
void whb_rule_silent(const struct whb_explain_input *in, struct finding *f);
/* The first sign in [from, to] that the machine was on a network of its own (rules_network.c):
 * its Wi-Fi on another SSID than now, or an address with a router outside the subnets it left
 * and came back to. NULL when none. */
const struct whb_hist_event *whb_other_network(const struct whb_explain_input *in, int64_t from,
                                               int64_t to);

/* The switch's own word on the machine's port (rules_switch.c). */
void whb_rule_switch_port_disabled(const struct whb_explain_input *in, struct finding *f);
void whb_rule_switch_closed_since(const struct whb_explain_input *in, struct finding *f);
void whb_rule_switch_dot1x(const struct whb_explain_input *in, struct finding *f);
void whb_rule_switch_link_lost(const struct whb_explain_input *in, struct finding *f);
void whb_rule_switch_link_up(const struct whb_explain_input *in, struct finding *f);
void whb_rule_switch_path(const struct whb_explain_input *in, struct finding *f);
void whb_rule_switch_wake_on_lan(const struct whb_explain_input *in, struct finding *f);

#endif
