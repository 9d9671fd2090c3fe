/* The machines' keys this collector has seen bound in its store, so that a report's sender is
 * known from its Authorization header alone, before its body is decoded (answer.c): a set of
 * the keys' hashes' first 8 bytes. A hit only lets decoding go on (the store still checks the
 * whole hash against the machine); a miss asks the store. Shared by the loops, locked. Internal
 * to ingest/ and the parts that forget a binding (api/). */
#ifndef WHB_INGEST_KEYS_H
#define WHB_INGEST_KEYS_H

#include <stdint.h>

#include "identity.h"

struct whb_keys;

struct whb_keys *whb_keys_new(void);
void whb_keys_free(struct whb_keys *k);

int whb_keys_has(struct whb_keys *k, const uint8_t hash[WHB_IDENTITY_HASH_LEN]);
/* Adds hash; 0, or WHB_ENOMEM (the set stays as it was: the store is asked again). */
int whb_keys_add(struct whb_keys *k, const uint8_t hash[WHB_IDENTITY_HASH_LEN]);
/* A binding released or a machine forgotten. */
void whb_keys_remove(struct whb_keys *k, const uint8_t hash[WHB_IDENTITY_HASH_LEN]);
/* Forgets every key (a machine forgotten on another collector sharing the store is learnt
 * again from the store). */
void whb_keys_clear(struct whb_keys *k);

#endif
