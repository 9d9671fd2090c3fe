/* Who may report for which machine. Pure checks; the binding itself lives in the store, inside
 * the same transaction as the report, so two first reports cannot both bind a machine. */
#ifndef WHB_IDENTITY_H
#define WHB_IDENTITY_H

#include <stdint.h>

#define WHB_IDENTITY_HASH_LEN 32

/* From "Bearer <hex key>" to the SHA-256 of the key; WHB_EDENIED when absent or malformed. */
int whb_identity_key_hash(const char *authorization, uint8_t hash[WHB_IDENTITY_HASH_LEN]);

/* Constant-time comparison of a presented enrollment token with the configured one. */
int whb_identity_token_ok(const char *presented, const char *expected);

/* mTLS: 1 when the verified certificate (an X509 *) names fqdn as a DNS SAN, or as its CN when
 * it has no DNS SAN; the case of letters does not matter. */
int whb_identity_cert_matches(void *x509, const char *fqdn);

/* Constant-time equality of two key hashes. */
int whb_identity_hash_equal(const uint8_t *a, const uint8_t *b);

#endif
