/* What differs between the compilers the product is built with. */
#ifndef WHB_COMPAT_H
#define WHB_COMPAT_H

/* printf-style checking: mingw-w64 builds use its C99 stdio (__USE_MINGW_ANSI_STDIO), whose
 * formats are GNU's, not msvcrt's. */
#if defined(__MINGW32__)
#define WHB_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define WHB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

#endif
