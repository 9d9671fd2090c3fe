/* Identity checks: key parsing, token comparison, and certificate names (DNS SAN, then CN). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "error.h"
#include "identity.h"

static const char key64[] =
    "Bearer 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static void keys_parse_and_hash_stably(void **state)
{
    (void)state;
    uint8_t a[WHB_IDENTITY_HASH_LEN], b[WHB_IDENTITY_HASH_LEN];
    assert_int_equal(whb_identity_key_hash(key64, a), 0);
    char upper[sizeof(key64)];
    memcpy(upper, key64, sizeof(key64));
    for (char *p = upper + 7; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    assert_int_equal(whb_identity_key_hash(upper, b), 0);
    assert_true(whb_identity_hash_equal(a, b));
    upper[10] = '0';
    assert_int_equal(whb_identity_key_hash(upper, b), 0);
    assert_false(whb_identity_hash_equal(a, b));
}

static void malformed_keys_are_denied(void **state)
{
    (void)state;
    uint8_t h[WHB_IDENTITY_HASH_LEN];
    assert_int_equal(whb_identity_key_hash(NULL, h), WHB_EDENIED);
    assert_int_equal(whb_identity_key_hash("Basic abc", h), WHB_EDENIED);
    assert_int_equal(whb_identity_key_hash("Bearer 0011", h), WHB_EDENIED);
    assert_int_equal(
        whb_identity_key_hash(
            "Bearer zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", h),
        WHB_EDENIED);
}

static void tokens_compare_exactly(void **state)
{
    (void)state;
    assert_true(whb_identity_token_ok("s3cret-token", "s3cret-token"));
    assert_false(whb_identity_token_ok("s3cret-tokeN", "s3cret-token"));
    assert_false(whb_identity_token_ok("s3cret", "s3cret-token"));
    assert_false(whb_identity_token_ok(NULL, "s3cret-token"));
    assert_false(whb_identity_token_ok("", ""));
}

/* A self-signed certificate with the given CN and optional DNS SAN. */
static X509 *make_cert(const char *cn, const char *san)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_set_version(x, 2);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (san) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(x, key, EVP_sha256());
    EVP_PKEY_free(key);
    return x;
}

static void certificate_names_by_san_then_cn(void **state)
{
    (void)state;
    X509 *san = make_cert("ignored", "DNS:pc-42.corp.example");
    assert_true(whb_identity_cert_matches(san, "pc-42.corp.example"));
    assert_true(whb_identity_cert_matches(san, "PC-42.CORP.EXAMPLE"));
    /* With a DNS SAN present the CN is not looked at. */
    assert_false(whb_identity_cert_matches(san, "ignored"));
    assert_false(whb_identity_cert_matches(san, "pc-43.corp.example"));
    X509_free(san);

    X509 *cn = make_cert("pc-7.corp.example", NULL);
    assert_true(whb_identity_cert_matches(cn, "pc-7.corp.example"));
    assert_false(whb_identity_cert_matches(cn, "pc-77.corp.example"));
    X509_free(cn);

    X509 *wild = make_cert("x", "DNS:*.corp.example");
    assert_false(whb_identity_cert_matches(wild, "pc-1.corp.example"));
    X509_free(wild);
    assert_false(whb_identity_cert_matches(NULL, "pc-1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_parse_and_hash_stably),
        cmocka_unit_test(malformed_keys_are_denied),
        cmocka_unit_test(tokens_compare_exactly),
        cmocka_unit_test(certificate_names_by_san_then_cn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
