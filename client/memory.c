/* Implementation of memory.h: glibc's malloc tuning and OpenSSL's library context; elsewhere
 * (Windows, Schannel) the calls do nothing. OpenSSL's error strings (64 KiB of heap) stay
 * loaded: without them a TLS failure reads "error:0A00010B:lib(20)::reason(267)" in the
 * agent's log instead of its reason. */
#include "memory.h"

#include <stdlib.h> /* defines __GLIBC__ where it is glibc */

#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef WHB_CURL_OPENSSL
#include <openssl/crypto.h>

/* The agent's own library context, the main thread's default while it is set: every fetch
 * made through curl lands in its stores, and freeing it frees them all. */
static OSSL_LIB_CTX *tls_ctx;
#endif

void whb_memory_init(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
#endif
}

void whb_memory_tls_fresh(void)
{
#ifdef WHB_CURL_OPENSSL
    OSSL_LIB_CTX *fresh = OSSL_LIB_CTX_new();
    if (!fresh)
        return; /* the current one goes on serving: only its memory is not given back */
    OSSL_LIB_CTX_set0_default(fresh);
    OSSL_LIB_CTX_free(tls_ctx);
    tls_ctx = fresh;
#endif
}

void whb_memory_tls_end(void)
{
#ifdef WHB_CURL_OPENSSL
    if (!tls_ctx)
        return;
    OSSL_LIB_CTX_set0_default(OSSL_LIB_CTX_get0_global_default());
    OSSL_LIB_CTX_free(tls_ctx);
    tls_ctx = NULL;
#endif
}

void whb_memory_release(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
