/* Implementation of wire_arena.h. */
#include "wire_arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

struct whb_wire_arena_chunk {
    struct whb_wire_arena_chunk *next;
    alignas(max_align_t) unsigned char data[];
};

/* A chunk holds at least this much: a report with many events costs a few mallocs, not one a
 * piece. */
#define CHUNK_MIN (16u * 1024u)

static size_t round_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) & ~(a - 1);
}

static void *take(void *arg, size_t size)
{
    struct whb_wire_arena *a = arg;
    size_t n = round_up(size ? size : 1);
    if (n < size) /* wrapped */
        return NULL;
    if (n <= a->cap - a->used) {
        void *p = a->buf + a->used;
        a->used += n;
        return p;
    }
    if (a->chunks && n <= a->chunk_cap - a->chunk_used) {
        void *p = a->chunks->data + a->chunk_used;
        a->chunk_used += n;
        return p;
    }
    size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
    struct whb_wire_arena_chunk *c = malloc(sizeof(*c) + cap);
    if (!c)
        return NULL; /* protobuf-c fails the decoding */
    c->next = a->chunks;
    a->chunks = c;
    a->chunk_cap = cap;
    a->chunk_used = n;
    return c->data;
}

/* Pieces go with the reset. */
static void give_back(void *arg, void *p)
{
    (void)arg;
    (void)p;
}

void whb_wire_arena_init(struct whb_wire_arena *a, void *buf, size_t cap)
{
    a->alloc.alloc = take;
    a->alloc.free = give_back;
    a->alloc.allocator_data = a;
    a->buf = buf;
    a->cap = cap;
    a->used = 0;
    a->chunks = NULL;
    a->chunk_used = a->chunk_cap = 0;
}

void whb_wire_arena_reset(struct whb_wire_arena *a)
{
    while (a->chunks) {
        struct whb_wire_arena_chunk *c = a->chunks;
        a->chunks = c->next;
        free(c);
    }
    a->used = 0;
    a->chunk_used = a->chunk_cap = 0;
}
