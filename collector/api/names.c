/* Implementation of names.h: a computer as the WSUS console shows it, resolved the way the WSUS
 * import matches (store's wsus_match), and the names a mistyped one is near. */
#include "api/names.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collector.h"
#include "error.h"
#include "http/loop.h"

int whb_api_resolve(struct whb_loop *loop, const char *host, struct whb_resolved *out)
{
    /* As the import does (api/wsus.c): an address held around the time WSUS last heard. */
    int64_t slack =
        (int64_t)loop->col->cfg.interval_s * loop->col->cfg.grace * 1000 + 3600 * 1000LL;
    return whb_store_resolve(loop->reader, host, slack, out);
}

/* Near misses. A name is compared by its first label (what people type) or, when the asked
 * name has dots, whole; case, and '-' or '_' left out, do not count. */
#define NEAR_MAX  5
#define LABEL_MAX 64

struct near {
    char query[256];
    int dotted;
    char name[NEAR_MAX][254];
    int dist[NEAR_MAX];
    int n;
};

static void fold(const char *in, size_t len, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < len && in[i] && o + 1 < outlen; i++)
        if (in[i] != '-' && in[i] != '_')
            out[o++] = (char)tolower((unsigned char)in[i]);
    out[o] = '\0';
}

/* Optimal string alignment distance (edits and swaps of neighbours), or max + 1 when larger. */
static int distance(const char *a, const char *b, int max)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > LABEL_MAX * 4 || lb > LABEL_MAX * 4 || abs(la - lb) > max)
        return max + 1;
    int rows[3][LABEL_MAX * 4 + 1];
    int *pp = rows[0], *p = rows[1], *c = rows[2];
    for (int j = 0; j <= lb; j++)
        p[j] = j;
    for (int i = 1; i <= la; i++) {
        c[0] = i;
        int best = c[0];
        for (int j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = p[j - 1] + cost;
            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        int *t = pp;
        pp = p, p = c, c = t;
    }
    return p[lb];
}

static int near_one(const char *name, void *arg)
{
    struct near *w = arg;
    char folded[256];
    size_t len = w->dotted ? strlen(name) : strcspn(name, ".");
    fold(name, len, folded, sizeof(folded));
    int max = strlen(w->query) <= 4 ? 1 : 2;
    int d = distance(w->query, folded, max);
    if (d > max)
        return 0;
    for (int i = 0; i < w->n; i++)
        if (!strcasecmp(w->name[i], name))
            return 0;
    /* Keep the nearest, then by name. */
    int at = w->n;
    while (at > 0 &&
           (w->dist[at - 1] > d || (w->dist[at - 1] == d && strcasecmp(w->name[at - 1], name) > 0)))
        at--;
    if (at >= NEAR_MAX)
        return 0;
    int last = w->n < NEAR_MAX ? w->n : NEAR_MAX - 1;
    memmove(&w->name[at + 1], &w->name[at], (size_t)(last - at) * sizeof(w->name[0]));
    memmove(&w->dist[at + 1], &w->dist[at], (size_t)(last - at) * sizeof(w->dist[0]));
    snprintf(w->name[at], sizeof(w->name[at]), "%s", name);
    w->dist[at] = d;
    if (w->n < NEAR_MAX)
        w->n++;
    return 0;
}

json_t *whb_api_near_names(struct whb_loop *loop, const char *host)
{
    struct near *w = calloc(1, sizeof(*w));
    json_t *list = json_array();
    if (!w || !list) {
        free(w);
        return list;
    }
    size_t len = strlen(host);
    if (len > 1 && host[len - 1] == '.')
        len--;
    w->dotted = memchr(host, '.', len) != NULL;
    fold(host, len, w->query, sizeof(w->query));
    if (w->query[0] && strlen(w->query) <= LABEL_MAX * 4) {
        loop->reader->ops->each_name(loop->reader, 0, near_one, w);
        loop->reader->ops->each_name(loop->reader, 1, near_one, w);
    }
    /* The nearest only: "pc103" is pc-103, not also pc-102. */
    for (int i = 0; i < w->n && w->dist[i] == w->dist[0]; i++)
        json_array_append_new(list, json_string(w->name[i]));
    free(w);
    return list;
}
