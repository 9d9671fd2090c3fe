/* Scratch directories for tests, on Linux and on Windows (under wine). */
#ifndef WHB_TEST_TMPDIR_H
#define WHB_TEST_TMPDIR_H

#include <stddef.h>

/* Makes a new empty directory; its path goes to out. Returns 0 or -1. */
int test_tmpdir(char *out, size_t len);
/* Removes the directory and everything in it. */
int test_rmtree(const char *dir);

#endif
