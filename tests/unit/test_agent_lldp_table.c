/* The agent's LLDP neighbour table (client/lldp_table.c): a neighbour goes with the link,
 * with its hold time and on resume. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lldp_table.h"

static void lldp_neighbour_goes_with_the_link(void **state)
{
    (void)state;
    struct whb_lldp_table t;
    struct whb_lldp sw_a = {0}, sw_b = {0}, out;
    memset(&t, 0, sizeof(t));
    snprintf(sw_a.chassis_id, sizeof(sw_a.chassis_id), "00:00:00:00:00:0a");
    snprintf(sw_a.port_id, sizeof(sw_a.port_id), "swp1");
    snprintf(sw_b.chassis_id, sizeof(sw_b.chassis_id), "00:00:00:00:00:0b");
    snprintf(sw_b.port_id, sizeof(sw_b.port_id), "swp7");

    assert_int_equal(whb_lldp_table_put(&t, 2, &sw_a, 100, 150), 1);
    whb_lldp_table_get(&t, 2, 1, 4, 101, &out);
    assert_string_equal(out.port_id, "swp1");
    whb_lldp_table_get(&t, 2, 1, 4, 140, &out);
    assert_string_equal(out.port_id, "swp1");
    /* Cable out: forgotten at once, so the link that comes up next (perhaps on another
     * switch) reports no switch until that switch speaks. */
    whb_lldp_table_get(&t, 2, 0, 5, 141, &out);
    assert_string_equal(out.chassis_id, "");
    whb_lldp_table_get(&t, 2, 1, 6, 142, &out);
    assert_string_equal(out.chassis_id, "");
    assert_int_equal(whb_lldp_table_put(&t, 2, &sw_b, 143, 150), 1);
    whb_lldp_table_get(&t, 2, 1, 6, 143, &out);
    assert_string_equal(out.port_id, "swp7");
    /* Down and up between two looks: the carrier counter moved, the old frame goes. */
    whb_lldp_table_get(&t, 2, 1, 8, 150, &out);
    assert_string_equal(out.chassis_id, "");
    /* Hold time. */
    whb_lldp_table_put(&t, 3, &sw_a, 200, 150);
    whb_lldp_table_get(&t, 3, 1, 0, 349, &out);
    assert_string_equal(out.port_id, "swp1");
    whb_lldp_table_get(&t, 3, 1, 0, 351, &out);
    assert_string_equal(out.port_id, "");
    /* A resume forgets everything. */
    whb_lldp_table_put(&t, 4, &sw_b, 400, 150);
    whb_lldp_table_forget_all(&t);
    whb_lldp_table_get(&t, 4, 1, 0, 401, &out);
    assert_string_equal(out.port_id, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lldp_neighbour_goes_with_the_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
