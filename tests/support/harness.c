/* Implementation of harness.h. */
#include "harness.h"
#include "testdb.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef WHB_BIN_DIR
#error "WHB_BIN_DIR must name the directory of the built binaries"
#endif

const char *harness_bin(const char *name)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", WHB_BIN_DIR, name);
    return path;
}

/* A fresh scratch directory is a fresh store: on PostgreSQL (WHB_TEST_PG_CONNINFO) the
 * database is emptied too. */
int harness_mkdir(char *out, size_t len)
{
    snprintf(out, len, "/tmp/whb-it-XXXXXX");
    return mkdtemp(out) && !testdb_reset() ? 0 : -1;
}

static unsigned free_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        getsockname(fd, (struct sockaddr *)&sa, &sl)) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether the collector's log says its port was taken (the last start's line). */
static int port_taken(const char *log)
{
    char line[512];
    int taken = 0;
    FILE *f = fopen(log, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        taken = strstr(line, "cannot listen on") && strstr(line, "address in use");
    fclose(f);
    return taken;
}

static int start_once(struct collector_proc *c, const char *dir, int tls, const char *const *flags)
{
    char listen[64], certs[192];
    const char *argv[64];
    int n = 0;

    memset(c, 0, sizeof(*c));
    c->tls = tls;
    c->port = free_port();
    snprintf(c->dir, sizeof(c->dir), "%s", dir);
    snprintf(c->db, sizeof(c->db), "%s/collector.db", dir);
    snprintf(c->log, sizeof(c->log), "%s/collector.log", dir);
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", c->port);
    snprintf(c->base_url, sizeof(c->base_url), "%s://127.0.0.1:%u", tls ? "https" : "http",
             c->port);
    snprintf(certs, sizeof(certs), "%s/certs", dir);

    static char cert[256], key[256];
    snprintf(cert, sizeof(cert), "%s/server.crt", certs);
    snprintf(key, sizeof(key), "%s/server.key", certs);
    argv[n++] = harness_bin("whb-collector");
    argv[n++] = "--listen";
    argv[n++] = listen;
    argv[n++] = "--db";
    argv[n++] = c->db;
    if (testdb_pg()) {
        argv[n++] = "--store-backend";
        argv[n++] = "postgresql";
        argv[n++] = "--store-conninfo";
        argv[n++] = testdb_pg();
    }
    if (tls) {
        argv[n++] = "--cert";
        argv[n++] = cert;
        argv[n++] = "--key";
        argv[n++] = key;
    } else {
        argv[n++] = "--plain-http";
    }
    for (int i = 0; flags && flags[i] && n < 62; i++) {
        /* Every address of the host, IPv6 and IPv4-mapped, on the chosen port. */
        if (!strcmp(flags[i], HARNESS_LISTEN_ANY))
            snprintf(listen, sizeof(listen), "[::]:%u", c->port);
        else
            argv[n++] = flags[i];
    }
    argv[n] = NULL;

    c->pid = fork();
    if (c->pid < 0)
        return -1;
    if (c->pid == 0) {
        FILE *logf = fopen(c->log, "a");
        if (logf)
            dup2(fileno(logf), STDERR_FILENO);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    char url[128];
    snprintf(url, sizeof(url), "%s/healthz", c->base_url);
    char ca[256];
    snprintf(ca, sizeof(ca), "%s/ca.crt", certs);
    struct http_opts o = {.ca = ca};
    static struct http_reply r;
    for (int i = 0; i < 100; i++) {
        int status;
        if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
            c->pid = 0;
            return port_taken(c->log) ? 1 : -1;
        }
        /* 401: /healthz is not public here (metrics_public = off), but the collector answers. */
        if (http_request("GET", url, NULL, 0, &o, &r) == 0 && (r.status == 200 || r.status == 401))
            return 0;
        sleep_ms(100);
    }
    collector_stop(c, SIGKILL);
    return -1;
}

/* The port was free on 127.0.0.1 when chosen, but another process on this machine may take
 * it, or hold it on another address ([::]), before the collector binds it: then another port. */
int collector_start(struct collector_proc *c, const char *dir, int tls, const char *const *flags)
{
    int rc = 1;
    for (int attempt = 0; rc == 1 && attempt < 5; attempt++)
        rc = start_once(c, dir, tls, flags);
    return rc == 0 ? 0 : -1;
}

int collector_stop(struct collector_proc *c, int sig)
{
    int status = 0;
    if (c->pid <= 0)
        return -1;
    kill(c->pid, sig);
    for (int i = 0; i < 100; i++) {
        if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
            c->pid = 0;
            return status;
        }
        sleep_ms(100);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, &status, 0);
    c->pid = 0;
    return -1;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct http_reply *r = arg;
    size_t n = size * nmemb;
    size_t room = sizeof(r->body) - r->body_len;
    memcpy(r->body + r->body_len, data, n < room ? n : room);
    r->body_len += n < room ? n : room;
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct http_reply *r = arg;
    size_t n = size * nmemb;
    static const char name[] = "Retry-After:";
    if (n > sizeof(name) && strncasecmp(data, name, sizeof(name) - 1) == 0) {
        size_t vlen = n - (sizeof(name) - 1);
        const char *v = data + sizeof(name) - 1;
        while (vlen && *v == ' ') {
            v++;
            vlen--;
        }
        while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
            vlen--;
        snprintf(r->retry_after, sizeof(r->retry_after), "%.*s", (int)vlen, v);
    }
    return n;
}

int http_request(const char *method, const char *url, const void *body, size_t len,
                 const struct http_opts *opts, struct http_reply *out)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    if (!h)
        return -1;
    memset(out, 0, sizeof(*out));
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 15L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
        hdrs = curl_slist_append(hdrs, "Content-Type: application/x-protobuf");
    }
    if (opts) {
        if (opts->ca)
            curl_easy_setopt(h, CURLOPT_CAINFO, opts->ca);
        if (opts->cert) {
            curl_easy_setopt(h, CURLOPT_SSLCERT, opts->cert);
            curl_easy_setopt(h, CURLOPT_SSLKEY, opts->key);
        }
        for (int i = 0; opts->headers && opts->headers[i]; i++)
            hdrs = curl_slist_append(hdrs, opts->headers[i]);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    out->curl_code = (int)curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return out->curl_code == CURLE_OK ? 0 : -1;
}
