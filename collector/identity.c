/* Implementation of identity.h with OpenSSL. */
#include "identity.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "error.h"

/* Agents make 32 random bytes and send them as hex; accept 32..64 bytes of key. */
#define KEY_HEX_MIN 64
#define KEY_HEX_MAX 128

/* Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up again on every digest,
 * which cost more than the hash itself (every report hashes its key). */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static void sha256(const void *data, size_t len, uint8_t out[WHB_IDENTITY_HASH_LEN])
{
    unsigned int n = 0;
    pthread_once(&sha256_once, sha256_fetch);
    EVP_Digest(data, len, out, &n, sha256_md ? sha256_md : EVP_sha256(), NULL);
}

int whb_identity_key_hash(const char *authorization, uint8_t hash[WHB_IDENTITY_HASH_LEN])
{
    static const char prefix[] = "Bearer ";
    if (!authorization || strncasecmp(authorization, prefix, sizeof(prefix) - 1) != 0)
        return WHB_EDENIED;
    const char *key = authorization + sizeof(prefix) - 1;
    size_t n = strlen(key);
    if (n < KEY_HEX_MIN || n > KEY_HEX_MAX || n % 2)
        return WHB_EDENIED;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return WHB_EDENIED;
    }
    /* Hash the lower-case form so that the case of the hex digits does not matter. */
    char lower[KEY_HEX_MAX];
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)((key[i] >= 'A' && key[i] <= 'F') ? key[i] + 32 : key[i]);
    sha256(lower, n, hash);
    return 0;
}

int whb_identity_token_ok(const char *presented, const char *expected)
{
    uint8_t a[WHB_IDENTITY_HASH_LEN], b[WHB_IDENTITY_HASH_LEN];
    if (!presented || !expected || !expected[0])
        return 0;
    /* Compare digests so that neither content nor length leaks through timing. */
    sha256(presented, strlen(presented), a);
    sha256(expected, strlen(expected), b);
    return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

int whb_identity_hash_equal(const uint8_t *a, const uint8_t *b)
{
    return CRYPTO_memcmp(a, b, WHB_IDENTITY_HASH_LEN) == 0;
}

int whb_identity_cert_matches(void *x509, const char *fqdn)
{
    if (!x509 || !fqdn || !fqdn[0])
        return 0;
    /* X509_check_host looks at DNS SANs and falls back to the CN only when there is none. */
    return X509_check_host((X509 *)x509, fqdn, strlen(fqdn), X509_CHECK_FLAG_NO_WILDCARDS, NULL) ==
           1;
}
