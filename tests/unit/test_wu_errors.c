/* The Windows Update error table: one entry per code, sorted, each with Microsoft's name and
 * words and the page they come from; the codes the WSUS troubleshooting articles name for
 * clients that do not report carry their documented mitigation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "explain/wu_errors.h"

static void table_is_sorted_and_complete(void **state)
{
    (void)state;
    unsigned n;
    const struct whb_wu_error *t = whb_wu_error_table(&n);
    assert_true(n > 250);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            assert_true(t[i - 1].code < t[i].code); /* sorted, no code twice */
        assert_non_null(t[i].name);
        assert_true(strlen(t[i].words) > 5);
        assert_true(strncmp(whb_wu_error_source_url(t[i].words_from), "https://", 8) == 0);
        assert_true(strncmp(whb_wu_error_source_url(t[i].fix_from), "https://", 8) == 0);
        assert_ptr_equal(whb_wu_error_find(t[i].code), &t[i]);
    }
    assert_null(whb_wu_error_find(0));
    assert_null(whb_wu_error_find(0x80240014)); /* not on Microsoft's pages */
}

static void codes_of_clients_that_do_not_report(void **state)
{
    (void)state;
    static const struct {
        uint32_t code;
        enum whb_wu_err_class cls;
        int mitigation;
    } named[] = {
        {0x8024401C, WHB_WU_ERR_NETWORK, 1}, {0x80244022, WHB_WU_ERR_SERVER, 1},
        {0x8024401B, WHB_WU_ERR_PROXY, 1},   {0x8024402C, WHB_WU_ERR_NETWORK, 1},
        {0x80072EE2, WHB_WU_ERR_NETWORK, 1}, {0x80072EFD, WHB_WU_ERR_NETWORK, 1},
        {0x80072F8F, WHB_WU_ERR_TLS, 1},     {0x800B0109, WHB_WU_ERR_TLS, 0},
        {0x80240438, WHB_WU_ERR_NETWORK, 0}, {0x8024500C, WHB_WU_ERR_POLICY, 0},
        {0x80244011, WHB_WU_ERR_POLICY, 1},  {0x80070422, WHB_WU_ERR_SERVICE, 1},
    };
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        const struct whb_wu_error *e = whb_wu_error_find(named[i].code);
        assert_non_null(e);
        assert_int_equal(e->cls, named[i].cls);
        assert_int_equal(e->mitigation != NULL, named[i].mitigation);
    }
    const struct whb_wu_error *e = whb_wu_error_find(0x80244022);
    assert_string_equal(e->name, "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL");
    assert_non_null(strstr(e->words, "HTTP status 503"));
    assert_non_null(strstr(e->mitigation, "WsusPool"));
    assert_int_equal(e->fix_from, WHB_WU_SRC_WSUS_CONNECTION);
    e = whb_wu_error_find(0x8024401C);
    assert_non_null(strstr(e->mitigation, "ClientWebService"));
    assert_string_equal(whb_wu_error_source_title(e->fix_from),
                        "Troubleshoot software update scan failures");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_sorted_and_complete),
        cmocka_unit_test(codes_of_clients_that_do_not_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
