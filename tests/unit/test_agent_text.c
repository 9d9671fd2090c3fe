/* Event text (client/text.c): controls, invalid UTF-8 and bidi overrides replaced, bounds
 * kept, never cut inside a character. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text.h"
#include "wire.h"

static void text_is_cleaned_for_events(void **state)
{
    (void)state;
    char out[32];
    whb_text_clean(out, sizeof(out), "a\tb\r\nc\x01\x7f", 64);
    assert_string_equal(out, "a b  c??");
    /* Invalid UTF-8, a C1 control (U+0085), a bidi override (U+202E), overlong '/'. */
    whb_text_clean(out, sizeof(out), "\xff\xc2\x85x\xe2\x80\xaey\xc0\xaf", 64);
    assert_string_equal(out, "??x?y??");
    /* Good UTF-8 stays. */
    whb_text_clean(out, sizeof(out), "Zürich €", 64);
    assert_string_equal(out, "Zürich €");
    /* Bounded, and never cut inside a character. */
    whb_text_clean(out, 6, "abcd\xe2\x82\xac", 64);
    assert_string_equal(out, "abcd");
    assert_int_equal(whb_text_clean(out, sizeof(out), "abc", 2), 2);
    assert_string_equal(out, "ab");
    /* A truncated sequence at the end of the input. */
    whb_text_clean(out, sizeof(out), "ok\xe2\x82", 64);
    assert_string_equal(out, "ok??");
    /* Whatever comes in, what comes out is valid event text. */
    char junk[200];
    unsigned x = 12345;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof(junk) - 1; i++) {
            x = x * 1103515245u + 12345u;
            junk[i] = (char)(x >> 16);
        }
        junk[sizeof(junk) - 1] = '\0';
        char clean[WHB_WIRE_MAX_TEXT];
        whb_text_clean(clean, sizeof(clean), junk, sizeof(junk));
        assert_true(whb_wire_text_ok(clean, WHB_WIRE_MAX_TEXT));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_is_cleaned_for_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
