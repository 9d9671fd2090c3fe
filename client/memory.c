/* Implementation of memory.h: glibc's malloc tuning and OpenSSL's start-up flags, where the
 * agent is built with them; elsewhere (Windows, mbedTLS) the calls do nothing. */
#include "memory.h"

#include <stdlib.h> /* defines __GLIBC__ where it is glibc */

#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef WHB_CURL_OPENSSL
#include <openssl/ssl.h>
#endif

void whb_memory_init(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
#endif
#ifdef WHB_CURL_OPENSSL
    /* OpenSSL's error strings are 64 KiB of heap for the process's life; without them an
     * OpenSSL error reads "error:0A00010B:lib(20)::reason(267)" (`openssl errstr 0A00010B`
     * names it). Certificate problems keep their text (X509_verify_cert_error_string). */
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
#endif
}

void whb_memory_release(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int whb_memory_lean_ssl(void)
{
#ifdef WHB_CURL_OPENSSL
    return 1;
#else
    return 0;
#endif
}
