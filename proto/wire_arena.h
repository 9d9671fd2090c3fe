/* A bump allocator for protobuf-c decoding: a report decoded on the collector's event loop
 * lives until its answer is sent, one per connection at a time, so its many small pieces
 * (messages, strings, arrays) come from one buffer and go all at once, instead of a malloc and
 * a free each (the loop's largest cost after TLS and the socket, issue 26). */
#ifndef WHB_WIRE_ARENA_H
#define WHB_WIRE_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

struct whb_wire_arena_chunk; /* malloc'd beyond the buffer, freed by the reset */

struct whb_wire_arena {
    ProtobufCAllocator alloc; /* hands out pieces of buf, then of chunks; free does nothing */
    unsigned char *buf;
    size_t cap, used;
    struct whb_wire_arena_chunk *chunks;
    size_t chunk_used, chunk_cap;
};

/* buf (cap bytes, the caller's, aligned for any type) is used first. */
void whb_wire_arena_init(struct whb_wire_arena *a, void *buf, size_t cap);

/* Everything handed out since init or the last reset is gone. */
void whb_wire_arena_reset(struct whb_wire_arena *a);

#endif
