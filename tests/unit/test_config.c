/* The collector's configuration (collector/config.c): defaults, every setting and its range,
 * unknown settings, the conninfo's password refusal, INI files with the line of an error, the
 * secrets read from files, and the checks of the whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "tmpdir.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    return test_tmpdir(dir, sizeof(dir));
}

static int teardown(void **state)
{
    (void)state;
    return test_rmtree(dir);
}

/* Writes text to dir/name; the path goes to out. */
static void write_file(const char *name, const char *text, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", dir, name);
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int set(struct whb_collector_config *cfg, const char *name, const char *value, char *why)
{
    char section[32];
    const char *dot = strchr(name, '.');
    assert_non_null(dot);
    snprintf(section, sizeof(section), "%.*s", (int)(dot - name), name);
    why[0] = '\0';
    return whb_config_set(cfg, section, dot + 1, value, why, 256);
}

static void defaults_are_the_documented_ones(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    memset(&cfg, 0x5a, sizeof(cfg));
    whb_config_defaults(&cfg);
    assert_string_equal(cfg.listen_host, "0.0.0.0");
    assert_int_equal(cfg.port, 8443);
    assert_true(cfg.tls);
    assert_int_equal(cfg.identity, WHB_IDENTITY_KEY);
    assert_int_equal(cfg.max_body, 64 * 1024);
    assert_int_equal(cfg.timeout_s, 10);
    assert_int_equal(cfg.max_connections, 4096);
    assert_int_equal(cfg.max_connections_per_source, 512);
    assert_true(cfg.metrics_public);
    assert_int_equal(cfg.max_pending, 4096);
    assert_int_equal(cfg.loops, 0);
    assert_int_equal(cfg.batch_max, 1024);
    assert_string_equal(cfg.db_path, "/var/lib/whb/collector.db");
    assert_false(cfg.db_postgresql);
    assert_string_equal(cfg.db_conninfo, "");
    assert_string_equal(cfg.db_group, "");
    assert_int_equal(cfg.interval_s, 60);
    assert_int_equal(cfg.grace, 3);
    assert_int_equal(cfg.wsus_not_reported_days, 30);
    assert_int_equal(cfg.log_level, WHB_LOG_INFO);
    assert_false(cfg.to_syslog);
    assert_string_equal(cfg.cert, "");
    assert_string_equal(cfg.enrollment_token, "");
    assert_string_equal(cfg.admin_token, "");
    /* The host's name tells collectors sharing a database apart. */
    assert_true(cfg.collector_id[0] != '\0');
    assert_non_null(memchr(cfg.collector_id, '\0', sizeof(cfg.collector_id)));
}

/* Every number has a range: its ends are taken, one past them is refused with a why. */
static void numbers_are_refused_outside_their_range(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        unsigned long min, max;
        size_t off, width;
    } rows[] = {
#define ROW(name, min, max, field)                                                                 \
    {name, min, max, offsetof(struct whb_collector_config, field),                                 \
     sizeof(((struct whb_collector_config *)0)->field)}
        ROW("server.max_body", 1024, 16 * 1024 * 1024, max_body),
        ROW("server.timeout", 1, 3600, timeout_s),
        ROW("server.max_connections", 16, 1000000, max_connections),
        ROW("server.max_connections_per_source", 1, 1000000, max_connections_per_source),
        ROW("server.max_pending", 1, 1000000, max_pending),
        ROW("server.loops", 0, 64, loops),
        ROW("store.batch_max", 1, 100000, batch_max),
        ROW("heartbeat.interval", 1, 86400, interval_s),
        ROW("heartbeat.grace", 1, 1000, grace),
        ROW("wsus.not_reported_days", 1, 3650, wsus_not_reported_days),
#undef ROW
    };
    struct whb_collector_config cfg;
    char why[256], v[32], want[128];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        whb_config_defaults(&cfg);
        unsigned long ends[] = {rows[i].min, rows[i].max};
        for (int e = 0; e < 2; e++) {
            snprintf(v, sizeof(v), "%lu", ends[e]);
            assert_int_equal(set(&cfg, rows[i].name, v, why), 0);
            unsigned long got = rows[i].width == sizeof(size_t)
                                    ? *(size_t *)((char *)&cfg + rows[i].off)
                                    : *(unsigned *)((char *)&cfg + rows[i].off);
            assert_int_equal(got, ends[e]);
        }
        const char *bad[] = {v, want, "12x", "", "-1", "1e3", "99999999999999999999999"};
        snprintf(v, sizeof(v), "%lu", rows[i].max + 1);
        snprintf(want, sizeof(want), "%lu", rows[i].min - 1); /* wraps when min is 0: too big */
        for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
            char text[64];
            snprintf(text, sizeof(text), "%s", bad[b]);
            assert_int_equal(set(&cfg, rows[i].name, text, why), WHB_EINVAL);
            char expect[128];
            snprintf(expect, sizeof(expect), "bad value for %s: %s", rows[i].name, text);
            assert_string_equal(why, expect);
        }
    }
}

static void switches_names_and_choices(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    char why[256], longpath[600];
    whb_config_defaults(&cfg);
    const char *yes[] = {"on", "yes", "true", "1"}, *no[] = {"off", "no", "false", "0"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(set(&cfg, "server.tls", no[i], why), 0);
        assert_false(cfg.tls);
        assert_int_equal(set(&cfg, "server.tls", yes[i], why), 0);
        assert_true(cfg.tls);
        assert_int_equal(set(&cfg, "log.syslog", yes[i], why), 0);
        assert_true(cfg.to_syslog);
    }
    assert_int_equal(set(&cfg, "server.metrics_public", "off", why), 0);
    assert_false(cfg.metrics_public);
    assert_int_equal(set(&cfg, "server.tls", "On", why), WHB_EINVAL);
    assert_string_equal(why, "bad value for server.tls: On");
    assert_int_equal(set(&cfg, "server.metrics_public", "maybe", why), WHB_EINVAL);

    assert_int_equal(set(&cfg, "server.identity", "mtls", why), 0);
    assert_int_equal(cfg.identity, WHB_IDENTITY_MTLS);
    assert_int_equal(set(&cfg, "server.identity", "key", why), 0);
    assert_int_equal(cfg.identity, WHB_IDENTITY_KEY);
    assert_int_equal(set(&cfg, "server.identity", "password", why), WHB_EINVAL);
    assert_int_equal(set(&cfg, "store.backend", "postgresql", why), 0);
    assert_true(cfg.db_postgresql);
    assert_int_equal(set(&cfg, "store.backend", "sqlite", why), 0);
    assert_false(cfg.db_postgresql);
    assert_int_equal(set(&cfg, "store.backend", "mysql", why), WHB_EINVAL);
    assert_int_equal(set(&cfg, "log.level", "debug", why), 0);
    assert_int_equal(cfg.log_level, WHB_LOG_DEBUG);
    assert_int_equal(set(&cfg, "log.level", "loud", why), WHB_EINVAL);

    /* Names fit their fields or are refused, never cut. */
    assert_int_equal(set(&cfg, "store.collector_id", "col-b", why), 0);
    assert_string_equal(cfg.collector_id, "col-b");
    assert_int_equal(set(&cfg, "store.collector_id", "", why), WHB_EINVAL);
    assert_string_equal(cfg.collector_id, "col-b");
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[WHB_CONFIG_PATH_MAX - 1] = '\0'; /* the longest that fits */
    assert_int_equal(set(&cfg, "server.cert", longpath, why), 0);
    assert_string_equal(cfg.cert, longpath);
    longpath[WHB_CONFIG_PATH_MAX - 1] = 'a';
    longpath[WHB_CONFIG_PATH_MAX] = '\0';
    assert_int_equal(set(&cfg, "server.key", longpath, why), WHB_EINVAL);
    assert_string_equal(cfg.key, "");
    assert_int_equal(set(&cfg, "store.path", "/srv/whb/c.db", why), 0);
    assert_string_equal(cfg.db_path, "/srv/whb/c.db");
    assert_int_equal(set(&cfg, "store.group", "whb-read", why), 0);
    assert_string_equal(cfg.db_group, "whb-read");
    assert_int_equal(set(&cfg, "server.client_ca", "/etc/whb/ca.crt", why), 0);
    assert_string_equal(cfg.client_ca, "/etc/whb/ca.crt");
}

static void listen_takes_host_and_port(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    char why[256], host[200];
    whb_config_defaults(&cfg);
    assert_int_equal(set(&cfg, "server.listen", "127.0.0.1:9000", why), 0);
    assert_string_equal(cfg.listen_host, "127.0.0.1");
    assert_int_equal(cfg.port, 9000);
    assert_int_equal(set(&cfg, "server.listen", "[::1]:8444", why), 0);
    assert_string_equal(cfg.listen_host, "::1");
    assert_int_equal(cfg.port, 8444);
    assert_int_equal(set(&cfg, "server.listen", ":65535", why), 0);
    assert_string_equal(cfg.listen_host, "0.0.0.0");
    assert_int_equal(cfg.port, 65535);
    assert_int_equal(set(&cfg, "server.listen", "collector.corp.example:1", why), 0);
    assert_string_equal(cfg.listen_host, "collector.corp.example");
    const char *bad[] = {"127.0.0.1",       "127.0.0.1:", "127.0.0.1:0",
                         "127.0.0.1:65536", "::1",        "host:80x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(set(&cfg, "server.listen", bad[i], why), WHB_EINVAL);
        assert_non_null(strstr(why, "bad value for server.listen"));
    }
    memset(host, 'h', sizeof(host));
    snprintf(host + 150, sizeof(host) - 150, ":8443");
    assert_int_equal(set(&cfg, "server.listen", host, why), WHB_EINVAL);
    assert_string_equal(cfg.listen_host, "collector.corp.example");
}

static void unknown_settings_are_named(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    char why[256];
    whb_config_defaults(&cfg);
    assert_int_equal(set(&cfg, "server.colour", "blue", why), WHB_EINVAL);
    assert_string_equal(why, "unknown setting server.colour");
    assert_int_equal(set(&cfg, "heartbeat.listen", ":1", why), WHB_EINVAL);
    assert_string_equal(why, "unknown setting heartbeat.listen");
    assert_int_equal(whb_config_set(&cfg, "", "port", "1", why, sizeof(why)), WHB_EINVAL);
    assert_string_equal(why, "unknown setting .port");
}

/* A password never sits in the configuration or on the command line: a passfile holds it. */
static void a_conninfo_with_a_password_is_refused(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    char why[256];
    whb_config_defaults(&cfg);
    assert_int_equal(whb_config_conninfo_check("host=db1 dbname=whb user=whb", why, sizeof(why)),
                     0);
    assert_int_equal(whb_config_conninfo_check("postgresql://whb@db1:5433/whb?sslmode=require", why,
                                               sizeof(why)),
                     0);
    const char *with[] = {"host=db1 password=s3cret", "postgresql://whb:s3cret@db1/whb",
                          "postgresql://whb@db1/whb?password=s3cret"};
    for (int i = 0; i < 3; i++) {
        why[0] = '\0';
        assert_int_equal(whb_config_conninfo_check(with[i], why, sizeof(why)), WHB_EINVAL);
        assert_string_equal(why, "store: the conninfo carries a password: put it in a passfile "
                                 "(passfile=FILE, or PGPASSFILE) instead");
        assert_null(strstr(why, "s3cret"));
        assert_int_equal(set(&cfg, i ? "store.url" : "store.conninfo", with[i], why), WHB_EINVAL);
        assert_string_equal(cfg.db_conninfo, "");
    }
    /* An empty password is none. */
    assert_int_equal(whb_config_conninfo_check("host=db1 password=''", why, sizeof(why)), 0);
    assert_int_equal(whb_config_conninfo_check("host = = db1 ='", why, sizeof(why)), WHB_EINVAL);
    assert_non_null(strstr(why, "store: not a libpq conninfo or URL: "));
    assert_int_equal(set(&cfg, "store.conninfo", "host=db1 dbname=whb", why), 0);
    assert_string_equal(cfg.db_conninfo, "host=db1 dbname=whb");
}

static void secrets_are_one_line_without_its_end(void **state)
{
    (void)state;
    char path[300], out[16];
    const struct {
        const char *text, *want;
    } good[] = {{"s3cret\n", "s3cret"},
                {"s3cret\r\n", "s3cret"},
                {"s3cret", "s3cret"},
                {"first\nsecond\n", "first"},
                {"fifteen-chars-x\n", "fifteen-chars-x"}}; /* the longest that fits in 16 */
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        write_file("secret", good[i].text, path, sizeof(path));
        memset(out, 'z', sizeof(out));
        assert_int_equal(whb_config_read_secret(path, out, sizeof(out)), 0);
        assert_string_equal(out, good[i].want);
    }
    const char *empty[] = {"", "\n", "\r\n"};
    for (size_t i = 0; i < 3; i++) {
        write_file("secret", empty[i], path, sizeof(path));
        assert_int_equal(whb_config_read_secret(path, out, sizeof(out)), WHB_EINVAL);
    }
    snprintf(path, sizeof(path), "%s/none", dir);
    assert_int_equal(whb_config_read_secret(path, out, sizeof(out)), WHB_EIO);
    /* A secret longer than its field is refused, not cut: the cut one would never match the
     * token its holders present, with nothing to say why. */
    write_file("secret", "sixteen-chars-xx\n", path, sizeof(path));
    assert_int_equal(whb_config_read_secret(path, out, sizeof(out)), WHB_ETOOBIG);
    write_file("secret", "sixteen-chars-xx", path, sizeof(path));
    assert_int_equal(whb_config_read_secret(path, out, sizeof(out)), WHB_ETOOBIG);
}

static char said[512];

static void keep_line(enum whb_log_level level, const char *line)
{
    if (level == WHB_LOG_WARN)
        snprintf(said, sizeof(said), "%s", line);
}

/* A token file every user may read is said at start, with what to do; 0600 and 0640 are not. */
static void a_token_file_others_may_read_is_said(void **state)
{
    (void)state;
    char path[300], out[64];
    whb_log_set_sink(keep_line);
    write_file("token", "s3cret\n", path, sizeof(path));
    const struct {
        mode_t mode;
        const char *want; /* NULL: nothing said */
    } cases[] = {{0600, NULL},
                 {0640, NULL},
                 {0644, "can be read by every user on this host (mode 0644)"},
                 {0620, "can be changed by its group (mode 0620)"},
                 {0602, "can be changed by every user on this host (mode 0602)"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        said[0] = '\0';
        assert_int_equal(chmod(path, cases[i].mode), 0);
        assert_int_equal(whb_config_read_secret(path, out, sizeof(out)), 0);
        assert_string_equal(out, "s3cret");
        if (!cases[i].want) {
            assert_string_equal(said, "");
            continue;
        }
        assert_non_null(strstr(said, path));
        assert_non_null(strstr(said, cases[i].want));
        assert_non_null(strstr(said, "chmod 0600"));
    }
    whb_log_set_sink(NULL);
}

static void token_files_are_read_into_the_configuration(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    char why[256], path[300], big[400];
    whb_config_defaults(&cfg);
    write_file("enroll.token", "e-token\n", path, sizeof(path));
    assert_int_equal(set(&cfg, "server.enrollment_token_file", path, why), 0);
    assert_string_equal(cfg.enrollment_token, "e-token");
    write_file("admin.token", "a-token\n", path, sizeof(path));
    assert_int_equal(set(&cfg, "server.admin_token_file", path, why), 0);
    assert_string_equal(cfg.admin_token, "a-token");
    assert_string_equal(cfg.enrollment_token, "e-token");
    snprintf(path, sizeof(path), "%s/missing.token", dir);
    assert_int_equal(set(&cfg, "server.admin_token_file", path, why), WHB_EINVAL);
    char want[400];
    snprintf(want, sizeof(want), "server.admin_token_file: cannot read a token from %s", path);
    assert_string_equal(why, want);
    memset(big, 'k', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    write_file("big.token", big, path, sizeof(path));
    assert_int_equal(set(&cfg, "server.enrollment_token_file", path, why), WHB_EINVAL);
    snprintf(want, sizeof(want),
             "server.enrollment_token_file: the token in %s is longer than 255 "
             "characters",
             path);
    assert_string_equal(why, want);
}

static void a_file_is_loaded_and_its_error_has_a_line(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    char why[512], path[300], token[300], want[512];
    write_file("enroll.token", "from-file\n", token, sizeof(token));
    char text[1024];
    snprintf(text, sizeof(text),
             "; the collector\n"
             "[server]\n"
             "listen = 127.0.0.1:9443\n"
             "tls = off\n"
             "enrollment_token_file = %s\n"
             "max_pending = 128\n"
             "\n"
             "[store]\n"
             "path = %s/c.db\n"
             "batch_max = 64\n"
             "[heartbeat]\n"
             "interval = 30 ; seconds\n"
             "grace = 4\n"
             "[log]\n"
             "level = warn\n",
             token, dir);
    write_file("collector.conf", text, path, sizeof(path));
    whb_config_defaults(&cfg);
    assert_int_equal(whb_config_load(&cfg, path, why, sizeof(why)), 0);
    assert_string_equal(cfg.listen_host, "127.0.0.1");
    assert_int_equal(cfg.port, 9443);
    assert_false(cfg.tls);
    assert_string_equal(cfg.enrollment_token, "from-file");
    assert_int_equal(cfg.max_pending, 128);
    snprintf(want, sizeof(want), "%s/c.db", dir);
    assert_string_equal(cfg.db_path, want);
    assert_int_equal(cfg.batch_max, 64);
    assert_int_equal(cfg.interval_s, 30);
    assert_int_equal(cfg.grace, 4);
    assert_int_equal(cfg.log_level, WHB_LOG_WARN);
    assert_int_equal(cfg.timeout_s, 10); /* not in the file: the default */
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), 0);

    const struct {
        const char *text, *cause;
        int line;
    } bad[] = {
        {"[server]\ntimeout = 5\ntimeout = 0\n", "bad value for server.timeout: 0", 3},
        {"[server]\n\ncolour = blue\n", "unknown setting server.colour", 3},
        {"[server]\nlisten\n", "syntax error", 2},
        /* The first error is the one named, with its own cause. */
        {"[server\nport = 1\n", "syntax error", 1},
        {"[server]\ntimeout = 0\n[log\n", "bad value for server.timeout: 0", 2},
        {"port = 8443\n", "unknown setting .port", 1},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_file("bad.conf", bad[i].text, path, sizeof(path));
        whb_config_defaults(&cfg);
        assert_int_equal(whb_config_load(&cfg, path, why, sizeof(why)), WHB_EINVAL);
        snprintf(want, sizeof(want), "%s:%d: %s", path, bad[i].line, bad[i].cause);
        assert_string_equal(why, want);
    }
    snprintf(path, sizeof(path), "%s/none.conf", dir);
    assert_int_equal(whb_config_load(&cfg, path, why, sizeof(why)), WHB_EIO);
    snprintf(want, sizeof(want), "%s: cannot open", path);
    assert_string_equal(why, want);
}

static void the_whole_is_checked(void **state)
{
    (void)state;
    struct whb_collector_config cfg;
    char why[256];
    whb_config_defaults(&cfg);
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), WHB_EINVAL);
    assert_string_equal(why, "TLS needs server.cert and server.key (or --plain-http for a "
                             "loopback demo)");
    snprintf(cfg.cert, sizeof(cfg.cert), "/etc/whb/collector.crt");
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), WHB_EINVAL);
    snprintf(cfg.key, sizeof(cfg.key), "/etc/whb/collector.key");
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), WHB_EINVAL);
    assert_string_equal(why, "identity = key needs server.enrollment_token_file");
    snprintf(cfg.enrollment_token, sizeof(cfg.enrollment_token), "t");
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), 0);

    cfg.identity = WHB_IDENTITY_MTLS;
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), WHB_EINVAL);
    assert_string_equal(why, "identity = mtls needs TLS and server.client_ca");
    snprintf(cfg.client_ca, sizeof(cfg.client_ca), "/etc/whb/ca.crt");
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), 0);
    cfg.tls = 0;
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), WHB_EINVAL);
    assert_string_equal(why, "identity = mtls needs TLS and server.client_ca");
    cfg.tls = 1;

    cfg.max_connections = 100;
    cfg.max_connections_per_source = 101;
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), WHB_EINVAL);
    assert_string_equal(why, "server.max_connections_per_source (101) is above max_connections "
                             "(100)");
    cfg.max_connections_per_source = 100;
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), 0);

    cfg.db_postgresql = 1;
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), WHB_EINVAL);
    assert_string_equal(why, "store.backend = postgresql needs store.conninfo or store.url");
    snprintf(cfg.db_conninfo, sizeof(cfg.db_conninfo), "dbname=whb");
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), 0);

    /* Plain HTTP needs no certificate. */
    whb_config_defaults(&cfg);
    cfg.tls = 0;
    snprintf(cfg.enrollment_token, sizeof(cfg.enrollment_token), "t");
    assert_int_equal(whb_config_check(&cfg, why, sizeof(why)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_the_documented_ones),
        cmocka_unit_test(a_token_file_others_may_read_is_said),
        cmocka_unit_test(numbers_are_refused_outside_their_range),
        cmocka_unit_test(switches_names_and_choices),
        cmocka_unit_test(listen_takes_host_and_port),
        cmocka_unit_test(unknown_settings_are_named),
        cmocka_unit_test(a_conninfo_with_a_password_is_refused),
        cmocka_unit_test_setup_teardown(secrets_are_one_line_without_its_end, setup, teardown),
        cmocka_unit_test_setup_teardown(token_files_are_read_into_the_configuration, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_file_is_loaded_and_its_error_has_a_line, setup, teardown),
        cmocka_unit_test(the_whole_is_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
