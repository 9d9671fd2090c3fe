/* The Linux backend's generic netlink requests (client/platform/linux/genl_ask.c) against this
 * kernel's own family controller ("nlctrl", always there): a plain request is read to its ACK,
 * a dump to its end, an error reply fails only its own request. nl80211's questions go the same
 * way; no wireless stack exists here to ask them of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <string.h>

#include "error.h"
#include "platform/linux/linux.h"

struct seen {
    int replies;
    int family_id; /* CTRL_ATTR_FAMILY_ID of the last reply, -1 if none */
};

static void on_family(const struct nlmsghdr *nlh, void *arg)
{
    struct seen *s = arg;
    struct nlattr *tb[CTRL_ATTR_MAX + 1];
    s->replies++;
    s->family_id = -1;
    if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX, NULL) == 0 &&
        tb[CTRL_ATTR_FAMILY_ID])
        s->family_id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
}

static void requests_are_read_to_their_end(void **state)
{
    (void)state;
    struct whb_genl_ask *q = NULL;
    struct seen s = {0};
    assert_int_equal(whb_genl_ask_open("nlctrl", &q), 0);
    /* Reply, then its ACK: both read, so the next request starts clean. */
    for (int round = 0; round < 3; round++) {
        memset(&s, 0, sizeof(s));
        assert_int_equal(whb_genl_ask(q, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME, "nlctrl",
                                      sizeof("nlctrl"), on_family, &s),
                         0);
        assert_int_equal(s.replies, 1);
        assert_int_equal(s.family_id, GENL_ID_CTRL);
    }
    /* A dump: every family, to NLMSG_DONE. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(whb_genl_ask(q, CTRL_CMD_GETFAMILY, NLM_F_DUMP, 0, NULL, 0, on_family, &s), 0);
    assert_true(s.replies >= 1);
    /* An error reply (no such family) fails that request, not the next one. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(whb_genl_ask(q, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME, "whb-none",
                                  sizeof("whb-none"), on_family, &s),
                     -1);
    assert_int_equal(s.replies, 0);
    assert_int_equal(whb_genl_ask(q, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME, "nlctrl",
                                  sizeof("nlctrl"), on_family, &s),
                     0);
    assert_int_equal(s.family_id, GENL_ID_CTRL);
    whb_genl_ask_close(q);
}

/* A machine without the family (nl80211 without a wireless stack) is told so, nothing more. */
static void a_missing_family_is_unsupported(void **state)
{
    (void)state;
    struct whb_genl_ask *q = NULL;
    assert_int_equal(whb_genl_ask_open("whb-no-such-family", &q), WHB_EUNSUPPORTED);
    assert_null(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_are_read_to_their_end),
        cmocka_unit_test(a_missing_family_is_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
