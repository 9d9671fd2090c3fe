/* Implementation of init.h with the OpenSSL API: RSA 3072 keys (every Schannel accepts them), a
 * private CA limited by name constraints to this collector's names (so trusting it in every
 * client's Trusted Root store trusts nothing else), or a CSR for the enterprise CA. Files are
 * written to a temporary name with their final mode and owner, then renamed: never a moment with a
 * readable secret. */
#include "init/init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <netdb.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NAMES 16
#define CERT_DAYS 825 /* the longest validity clients accept for a server certificate */

struct init_opts {
    const char *dir, *group, *listen, *db;
    const char *names[MAX_NAMES];
    int n_names;
    int csr, force;
    gid_t gid;
    int chown_ok;
};

static const char usage[] =
    "usage: whb-collector init [--dir DIR] [--name DNS]... [--ip ADDRESS]... [--csr]\n"
    "                          [--group GROUP] [--listen HOST:PORT] [--db FILE] [--force]\n"
    "\n"
    "Creates a production collector's files in DIR (default /etc/whb):\n"
    "  enroll.token      the enrollment token (Group Policy: EnrollmentToken)\n"
    "  admin.token       the admin token: everything (whb --token-file from other hosts)\n"
    "  read.token        read-only: the read API and the console\n"
    "  upload.token      WSUS list uploads only: the WSUS server's scheduled task\n"
    "  collector.key     the TLS key\n"
    "  collector.crt     the certificate, signed by collector-ca.crt: a CA made for this\n"
    "                    collector only (name constraints: its names), whose key is not kept;\n"
    "                    deploy collector-ca.crt to clients' Trusted Root store by GPO\n"
    "  collector.csr     with --csr instead: a request for the enterprise CA; save the issued\n"
    "                    certificate (with its chain) as collector.crt\n"
    "  collector.conf    the settings that use them (not replaced if present)\n"
    "\n"
    "  --name DNS        a name clients use (default: this host's FQDN and short name)\n"
    "  --ip ADDRESS      an address clients use (none by default)\n"
    "  --group GROUP     the service's group: secrets 0640 root:GROUP (default whb when it\n"
    "                    exists and init runs as root; else secrets are 0600)\n"
    "  --force           replace existing files\n";

static int fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "whb-collector init: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 1;
}

/* Writes data to DIR/name with mode (and root:group for secrets), atomically. */
static int write_file(const struct init_opts *o, const char *name, const void *data, size_t len,
                      int secret)
{
    char path[1024], tmp[1100];
    snprintf(path, sizeof(path), "%s/%s", o->dir, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
    if (!o->force && access(path, F_OK) == 0)
        return fail("%s exists: not replaced (--force replaces it)%s", path, "");
    mode_t mode = !secret ? 0644 : o->chown_ok ? 0640 : 0600;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return fail("%s: %s", tmp, strerror(errno));
    int bad = fchmod(fd, mode) != 0;
    if (secret && o->chown_ok && fchown(fd, 0, o->gid))
        bad = 1;
    for (size_t off = 0; !bad && off < len;) {
        ssize_t n = write(fd, (const char *)data + off, len - off);
        if (n <= 0)
            bad = 1;
        else
            off += (size_t)n;
    }
    if (fsync(fd))
        bad = 1;
    if (close(fd) || bad || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return fail("%s: %s", path, strerror(e));
    }
    return 0;
}

/* PEM of an object through a memory BIO, then to a file. */
static int write_pem(const struct init_opts *o, const char *name, int secret,
                     int (*pem)(BIO *, void *), void *obj)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data;
    int rc = 1;
    if (b && pem(b, obj)) {
        long len = BIO_get_mem_data(b, &data);
        rc = write_file(o, name, data, (size_t)len, secret);
    } else
        fail("cannot encode %s%s", name, "");
    BIO_free(b);
    return rc;
}

static int pem_key(BIO *b, void *k)
{
    return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

static int pem_cert(BIO *b, void *c)
{
    return PEM_write_bio_X509(b, c);
}

static int pem_req(BIO *b, void *r)
{
    return PEM_write_bio_X509_REQ(b, r);
}

static int write_token(const struct init_opts *o, const char *name, char *hex, size_t hexlen)
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof(raw)) != 1 || hexlen < 2 * sizeof(raw) + 2)
        return fail("no randomness for %s%s", name, "");
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    hex[2 * sizeof(raw)] = '\n';
    hex[2 * sizeof(raw) + 1] = '\0';
    int rc = write_file(o, name, hex, strlen(hex), 1);
    hex[2 * sizeof(raw)] = '\0';
    return rc;
}

/* RSA rather than ECDSA: Schannel on every supported Windows, and wine's, verify it. */
static EVP_PKEY *new_key(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
}

static int is_ip(const char *s)
{
    unsigned char b[16];
    return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* "DNS:a,DNS:b,IP:1.2.3.4" and, for the CA, "permitted;DNS:a,permitted;IP:1.2.3.4/32". */
static void name_lists(const struct init_opts *o, char *san, size_t sanlen, char *nc, size_t nclen)
{
    san[0] = nc[0] = '\0';
    for (int i = 0; i < o->n_names; i++) {
        int ip = is_ip(o->names[i]);
        int v6 = ip && strchr(o->names[i], ':');
        snprintf(san + strlen(san), sanlen - strlen(san), "%s%s:%s", i ? "," : "",
                 ip ? "IP" : "DNS", o->names[i]);
        snprintf(nc + strlen(nc), nclen - strlen(nc), "%spermitted;%s:%s%s", i ? "," : "",
                 ip ? "IP" : "DNS", o->names[i],
                 !ip  ? ""
                 : v6 ? "/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                      : "/255.255.255.255");
    }
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    int ok = ext && X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
                      const char *const *ext, int n_ext)
{
    X509 *c = X509_new();
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    if (!c || RAND_bytes(serial, sizeof(serial)) != 1)
        goto fail;
    serial[0] &= 0x7f; /* a positive serial */
    bn = BN_bin2bn(serial, sizeof(serial), NULL);
    X509_NAME *name = X509_get_subject_name(c);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c)) || !X509_set_version(c, 2) ||
        !X509_gmtime_adj(X509_getm_notBefore(c), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(c), (long)CERT_DAYS * 86400) ||
        !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                    (const unsigned char *)"wsus-heartbeat", -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                    0) ||
        !X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name) ||
        !X509_set_pubkey(c, key))
        goto fail;
    for (int i = 0; i + 1 < n_ext * 2; i += 2)
        if (add_ext(c, issuer ? issuer : c, OBJ_txt2nid(ext[i]), ext[i + 1]))
            goto fail;
    if (!X509_sign(c, issuer_key, EVP_sha256()))
        goto fail;
    BN_free(bn);
    return c;
fail:
    BN_free(bn);
    X509_free(c);
    return NULL;
}

/* The private CA and the server certificate; the CA key lives only in memory. */
static int make_certificates(const struct init_opts *o, EVP_PKEY *key)
{
    char san[2048], nc[2400], cn[300];
    int rc = 1;
    name_lists(o, san, sizeof(san), nc, sizeof(nc));
    snprintf(cn, sizeof(cn), "wsus-heartbeat collector CA for %.200s", o->names[0]);
    EVP_PKEY *ca_key = new_key();
    char nc_critical[2500];
    snprintf(nc_critical, sizeof(nc_critical), "critical,%s", nc);
    const char *ca_ext[] = {"basicConstraints",
                            "critical,CA:TRUE,pathlen:0",
                            "keyUsage",
                            "critical,keyCertSign,cRLSign",
                            "nameConstraints",
                            nc_critical,
                            "subjectKeyIdentifier",
                            "hash"};
    X509 *ca = ca_key ? new_cert(ca_key, cn, NULL, ca_key, ca_ext, 4) : NULL;
    const char *srv_ext[] = {"basicConstraints",
                             "critical,CA:FALSE",
                             "keyUsage",
                             "critical,digitalSignature",
                             "extendedKeyUsage",
                             "serverAuth",
                             "subjectAltName",
                             san,
                             "authorityKeyIdentifier",
                             "keyid"};
    X509 *srv = ca ? new_cert(key, o->names[0], ca, ca_key, srv_ext, 5) : NULL;
    if (!srv)
        fail("cannot make the certificates (names: %s)%s", san, "");
    else if (!write_pem(o, "collector-ca.crt", 0, pem_cert, ca))
        rc = write_pem(o, "collector.crt", 0, pem_cert, srv);
    X509_free(srv);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    return rc;
}

static int make_request(const struct init_opts *o, EVP_PKEY *key)
{
    char san[2048], nc[2400];
    int rc = 1;
    name_lists(o, san, sizeof(san), nc, sizeof(nc));
    X509_REQ *req = X509_REQ_new();
    STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, NULL, NID_subject_alt_name, san);
    X509_NAME *name = req ? X509_REQ_get_subject_name(req) : NULL;
    if (!req || !exts || !ext || !sk_X509_EXTENSION_push(exts, ext) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)o->names[0],
                                    -1, -1, 0) ||
        !X509_REQ_set_pubkey(req, key) || !X509_REQ_add_extensions(req, exts) ||
        !X509_REQ_sign(req, key, EVP_sha256()))
        fail("cannot make the request (names: %s)%s", san, "");
    else
        rc = write_pem(o, "collector.csr", 0, pem_req, req);
    if (exts && sk_X509_EXTENSION_num(exts))
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    else {
        sk_X509_EXTENSION_free(exts);
        X509_EXTENSION_free(ext);
    }
    X509_REQ_free(req);
    return rc;
}

static int write_config(const struct init_opts *o)
{
    char path[1024], text[4096];
    snprintf(path, sizeof(path), "%s/collector.conf", o->dir);
    if (!o->force && access(path, F_OK) == 0) {
        printf("  %s exists: kept; it needs\n    [server] cert = %s/collector.crt, key = "
               "%s/collector.key,\n    enrollment_token_file = %s/enroll.token, admin_token_file "
               "= %s/admin.token,\n    read_token_file = %s/read.token, upload_token_file = "
               "%s/upload.token\n",
               path, o->dir, o->dir, o->dir, o->dir, o->dir, o->dir);
        return 0;
    }
    snprintf(text, sizeof(text),
             "# %s/collector.conf: written by whb-collector init. `whb-collector --help` lists "
             "every setting.\n"
             "[server]\nlisten = %s\ncert = %s/collector.crt\nkey = %s/collector.key\n"
             "identity = key\nenrollment_token_file = %s/enroll.token\n"
             "admin_token_file = %s/admin.token\nread_token_file = %s/read.token\n"
             "upload_token_file = %s/upload.token\n"
             "# whb on this host, as root (or control_group): no token needed\n"
             "control_socket = /run/whb/control.sock\n\n[store]\npath = %s\n\n"
             "[heartbeat]\ninterval = 60\ngrace = 3\n\n[wsus]\nnot_reported_days = 30\n\n"
             "[log]\nlevel = info\n",
             o->dir, o->listen, o->dir, o->dir, o->dir, o->dir, o->dir, o->dir, o->db);
    return write_file(o, "collector.conf", text, strlen(text), 0);
}

/* This host's FQDN and short name, as clients most likely know it. */
static void default_names(struct init_opts *o, char *fqdn, size_t fqdnlen, char *host,
                          size_t hostlen)
{
    struct addrinfo hints = {.ai_flags = AI_CANONNAME}, *ai = NULL;
    if (gethostname(host, hostlen))
        snprintf(host, hostlen, "localhost");
    host[hostlen - 1] = '\0';
    snprintf(fqdn, fqdnlen, "%s", host);
    if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai && ai->ai_canonname)
        snprintf(fqdn, fqdnlen, "%s", ai->ai_canonname);
    if (ai)
        freeaddrinfo(ai);
    char *dot = strchr(host, '.');
    if (dot)
        *dot = '\0';
    o->names[o->n_names++] = fqdn;
    if (strcmp(fqdn, host))
        o->names[o->n_names++] = host;
}

static int parse(int argc, char **argv, struct init_opts *o)
{
    static const struct option lo[] = {
        {"dir", required_argument, NULL, 'd'},   {"name", required_argument, NULL, 'n'},
        {"ip", required_argument, NULL, 'i'},    {"csr", no_argument, NULL, 'c'},
        {"group", required_argument, NULL, 'g'}, {"listen", required_argument, NULL, 'l'},
        {"db", required_argument, NULL, 'b'},    {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},        {0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if ((c == 'n' || c == 'i') && o->n_names == MAX_NAMES)
            return fail("at most %s names%s", "16", "") + 1;
        if (c == 'n' && (!optarg[0] || strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
                                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.*") !=
                                           strlen(optarg)))
            return fail("--name %s: expected a DNS name%s", optarg, "") + 1;
        if (c == 'i' && !is_ip(optarg))
            return fail("--ip %s: expected an IPv4 or IPv6 address%s", optarg, "") + 1;
        switch (c) {
        case 'd':
            o->dir = optarg;
            break;
        case 'n':
        case 'i':
            o->names[o->n_names++] = optarg;
            break;
        case 'c':
            o->csr = 1;
            break;
        case 'g':
            o->group = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'b':
            o->db = optarg;
            break;
        case 'f':
            o->force = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        default:
            fprintf(stderr, "whb-collector init: see whb-collector init --help\n");
            return 2;
        }
    }
    if (optind < argc)
        return fail("unexpected argument '%s' (see whb-collector init --help)%s", argv[optind],
                    "") +
               1;
    return 0;
}

int whb_init_main(int argc, char **argv)
{
    struct init_opts o = {
        .dir = "/etc/whb", .listen = "0.0.0.0:8443", .db = "/var/lib/whb/collector.db"};
    char fqdn[256], host[256], enroll[80], admin[80], read[80], upload[80];
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    int has_dns = 0;
    for (int i = 0; i < o.n_names; i++)
        has_dns |= !is_ip(o.names[i]);
    if (!has_dns && o.n_names < MAX_NAMES - 1) {
        /* Addresses alone: still name the host, the certificate's subject needs a name. */
        const char *ips[MAX_NAMES];
        int n = o.n_names;
        memcpy(ips, o.names, sizeof(ips));
        o.n_names = 0;
        default_names(&o, fqdn, sizeof(fqdn), host, sizeof(host));
        for (int i = 0; i < n && o.n_names < MAX_NAMES; i++)
            o.names[o.n_names++] = ips[i];
    }
    /* Secrets readable by the service's group only; without one, by their owner only. */
    const char *group = o.group ? o.group : geteuid() == 0 ? "whb" : NULL;
    struct group *g = group ? getgrnam(group) : NULL;
    if (o.group && !g)
        return fail("--group %s: no such group%s", o.group, "");
    if (g && geteuid() != 0)
        return fail("--group %s: setting the owner needs root%s", o.group, "");
    o.chown_ok = g != NULL;
    o.gid = g ? g->gr_gid : 0;
    if (mkdir(o.dir, 0755) && errno != EEXIST)
        return fail("%s: %s", o.dir, strerror(errno));

    EVP_PKEY *key = new_key();
    if (!key)
        return fail("cannot generate a key%s%s", "", "");
    rc = write_token(&o, "enroll.token", enroll, sizeof(enroll)) ||
         write_token(&o, "admin.token", admin, sizeof(admin)) ||
         write_token(&o, "read.token", read, sizeof(read)) ||
         write_token(&o, "upload.token", upload, sizeof(upload)) ||
         write_pem(&o, "collector.key", 1, pem_key, key) ||
         (o.csr ? make_request(&o, key) : make_certificates(&o, key)) || write_config(&o);
    EVP_PKEY_free(key);
    if (rc)
        return 1;
    char san[2048], nc[2400];
    name_lists(&o, san, sizeof(san), nc, sizeof(nc));
    printf("whb-collector init: %s\n", o.dir);
    printf("  names          %s\n", san);
    printf("  secrets        enroll.token, admin.token, read.token, upload.token, collector.key: "
           "%s\n",
           o.chown_ok ? "0640, group may read" : "0600, owner only");
    if (o.csr)
        printf("  certificate    collector.csr: submit it to the enterprise CA, save the issued "
               "certificate\n                 and its chain as %s/collector.crt\n",
               o.dir);
    else
        printf("  certificate    collector.crt, signed by collector-ca.crt (valid for these names "
               "only;\n                 its key was not kept): deploy collector-ca.crt to the "
               "clients' Trusted Root\n                 Certification Authorities store by "
               "Group Policy\n");
    printf("  Group Policy   EnrollmentToken = the content of %s/enroll.token\n"
           "                 CollectorUrl = https://%s:%s/v1/report\n",
           o.dir, o.names[0], strrchr(o.listen, ':') ? strrchr(o.listen, ':') + 1 : "8443");
    printf("  WSUS task      copy %s/upload.token to the WSUS server (Send-WsusComputers.ps1 "
           "-TokenFile)\n  on this host    whb status (as root: the control socket, no token)\n",
           o.dir);
    printf("  firewall       allow TCP %s inbound from the clients and admins\n",
           strrchr(o.listen, ':') ? strrchr(o.listen, ':') + 1 : "8443");
    printf("  start          whb-collector -c %s/collector.conf (or systemctl restart "
           "whb-collector)\n",
           o.dir);
    OPENSSL_cleanse(enroll, sizeof(enroll));
    OPENSSL_cleanse(admin, sizeof(admin));
    OPENSSL_cleanse(read, sizeof(read));
    OPENSSL_cleanse(upload, sizeof(upload));
    return 0;
}
