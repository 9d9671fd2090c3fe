/* The agent's memory set-up (client/memory.c) keeps OpenSSL's error strings. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#ifdef WHB_CURL_OPENSSL
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif

#include "memory.h"

/* OpenSSL's error strings stay loaded after the agent's memory set-up: a TLS failure in the
 * agent's log names its reason ("wrong version number"), not "reason(267)". */
static void openssl_errors_keep_their_text(void **state)
{
    (void)state;
    whb_memory_init();
#ifdef WHB_CURL_OPENSSL
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(ctx);
    SSL_CTX_free(ctx);
    const char *why = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER));
    assert_non_null(why);
    assert_string_equal(why, "wrong version number");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openssl_errors_keep_their_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
