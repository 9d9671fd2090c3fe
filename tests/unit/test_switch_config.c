/* The switches' configuration: sections per switch and per address range, credentials files
 * (refused when everyone may read them), the defaults (SNMPv3 authPriv), what the check
 * refuses, which section covers a source address, and that no message repeats a secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "switch_config.h"
#include "tmpdir.h"

static const struct whb_switch_cred *match4(const struct whb_switch_config *c, const char *ip)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    inet_pton(AF_INET, ip, &sa.sin_addr);
    return whb_switch_config_match(c, (struct sockaddr *)&sa);
}

static const struct whb_switch_cred *match6(const struct whb_switch_config *c, const char *ip)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, ip, &sa.sin6_addr);
    return whb_switch_config_match(c, (struct sockaddr *)&sa);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void sections_files_and_matching(void **state)
{
    (void)state;
    char dir[256], creds[300], main_[300], why[256];
    assert_int_equal(test_tmpdir(dir, sizeof(dir)), 0);
    snprintf(creds, sizeof(creds), "%s/switches.conf", dir);
    snprintf(main_, sizeof(main_), "%s/collector.conf", dir);
    write_file(creds,
               "[switch sw-access-1]\naddress = 10.20.0.11\nuser = whb\n"
               "auth_password = s3cret-auth\npriv_password = s3cret-priv\n"
               "engine_id = 0x80001f8880c71100000a\n"
               "[switch-range 10.20.0.0/16]\nversion = 2c\ncommunity = c0mmunity\n"
               "[switch-range 10.20.5.0/24]\nuser = u\nauth = SHA-256\npriv = aes-256\n"
               "auth_password = 12345678\npriv_password = 87654321\n"
               "[switch core-6]\naddress = 2001:db8::6\nuser = v6\n"
               "auth_password = 12345678\npriv_password = 12345678\n",
               0600);
    char text[600];
    snprintf(text, sizeof(text),
             "[switches]\nsyslog_udp = 127.0.0.1:5514\nsnmp_traps = 0.0.0.0:1162\n"
             "credentials = %s\nrate = 50\n",
             creds);
    write_file(main_, text, 0644);

    struct whb_switch_config c;
    whb_switch_config_defaults(&c);
    /* The main file is read through whb_switch_config_set, as the collector's loader does:
     * here through the same INI route. */
    assert_int_equal(whb_switch_config_set(&c, "switches", "credentials", creds, why, sizeof(why)),
                     0);
    assert_int_equal(
        whb_switch_config_set(&c, "switches", "syslog_udp", "127.0.0.1:5514", why, sizeof(why)), 0);
    assert_int_equal(c.n, 4);
    assert_int_equal(whb_switch_config_check(&c, why, sizeof(why)), 0);

    const struct whb_switch_cred *s = whb_switch_config_find(&c, "sw-access-1");
    assert_non_null(s);
    assert_int_equal(s->version, 3); /* the default */
    assert_string_equal(s->auth, "SHA");
    assert_string_equal(s->priv, "AES");
    assert_string_equal(s->engine_id, "0x80001f8880c71100000a");
    assert_int_equal(s->snmp_port, 161);
    assert_true(s->poll && s->syslog);

    /* The switch itself, then the longest range, then nothing. */
    assert_ptr_equal(match4(&c, "10.20.0.11"), s);
    const struct whb_switch_cred *r = match4(&c, "10.20.5.9");
    assert_non_null(r);
    assert_string_equal(r->address, "10.20.5.0/24");
    assert_string_equal(r->priv, "AES-256");
    assert_string_equal(r->auth, "SHA-256");
    assert_int_equal(match4(&c, "10.20.9.9")->version, 2);
    assert_null(match4(&c, "10.21.0.1"));
    assert_null(match4(&c, "192.168.1.1"));
    assert_string_equal(match6(&c, "2001:db8::6")->name, "core-6");
    assert_null(match6(&c, "2001:db8::7"));
    /* The same IPv4 host seen on an IPv6 socket. */
    assert_ptr_equal(match6(&c, "::ffff:10.20.0.11"), s);
    whb_switch_config_free(&c);

    /* A credentials file everyone may read is refused. */
    chmod(creds, 0644);
    whb_switch_config_defaults(&c);
    assert_int_equal(whb_switch_config_load(&c, creds, why, sizeof(why)), WHB_EDENIED);
    assert_non_null(strstr(why, "chmod 600"));
    whb_switch_config_free(&c);
    test_rmtree(dir);
}

static void check_refuses(void **state)
{
    (void)state;
    char why[256];
    struct whb_switch_config c;
    struct {
        const char *section, *key, *value;
    } bad[] = {
        {"switch sw1", "address", "not-an-ip"},
        {"switch sw1", "version", "1"},
        {"switch sw1", "auth", "MD5"},
        {"switch sw1", "priv", "DES"},
        {"switch sw1", "engine_id", "0x123"},
        {"switch sw1", "colour", "blue"},
        {"switch-range 10.0.0.0", "user", "x"},
        {"switch-range 10.0.0.0/33", "user", "x"},
        {"switch-range 10.0.0.0/8", "address", "10.0.0.1"},
        {"switch", "user", "x"},
        {"switch two words", "user", "x"},
        {"switches", "syslog_udp", "514"},
        {"switches", "rate", "0"},
        {"server", "listen", ":1"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        whb_switch_config_defaults(&c);
        if (whb_switch_config_set(&c, bad[i].section, bad[i].key, bad[i].value, why, sizeof(why)) !=
            WHB_EINVAL)
            fail_msg("[%s] %s = %s accepted", bad[i].section, bad[i].key, bad[i].value);
        whb_switch_config_free(&c);
    }

    /* A v3 switch without its passphrases, short ones, v2c without a community, a listener
     * with nobody to listen to. */
    whb_switch_config_defaults(&c);
    whb_switch_config_set(&c, "switch sw1", "address", "10.0.0.1", why, sizeof(why));
    whb_switch_config_set(&c, "switch sw1", "user", "whb", why, sizeof(why));
    assert_int_equal(whb_switch_config_check(&c, why, sizeof(why)), WHB_EINVAL);
    whb_switch_config_set(&c, "switch sw1", "auth_password", "short", why, sizeof(why));
    whb_switch_config_set(&c, "switch sw1", "priv_password", "long enough", why, sizeof(why));
    assert_int_equal(whb_switch_config_check(&c, why, sizeof(why)), WHB_EINVAL);
    assert_null(strstr(why, "short"));
    whb_switch_config_set(&c, "switch sw1", "auth_password", "long enough", why, sizeof(why));
    assert_int_equal(whb_switch_config_check(&c, why, sizeof(why)), 0);
    whb_switch_config_set(&c, "switch sw1", "version", "2c", why, sizeof(why));
    assert_int_equal(whb_switch_config_check(&c, why, sizeof(why)), WHB_EINVAL);
    whb_switch_config_free(&c);

    whb_switch_config_defaults(&c);
    whb_switch_config_set(&c, "switches", "snmp_traps", ":1162", why, sizeof(why));
    assert_int_equal(whb_switch_config_check(&c, why, sizeof(why)), WHB_EINVAL);
    whb_switch_config_free(&c);

    /* A bad secret is named, not repeated. */
    whb_switch_config_defaults(&c);
    char longpass[300];
    memset(longpass, 'p', sizeof(longpass) - 1);
    longpass[sizeof(longpass) - 1] = '\0';
    assert_int_equal(
        whb_switch_config_set(&c, "switch sw1", "auth_password", longpass, why, sizeof(why)),
        WHB_EINVAL);
    assert_null(strstr(why, "ppppp"));
    assert_non_null(strstr(why, "auth_password"));
    whb_switch_config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sections_files_and_matching),
        cmocka_unit_test(check_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
