/* One table of error codes for the whole product, libuv-style: functions return 0 or a
 * negative WHB_E* code, and whb_strerror() turns it into words for logs and answers. */
#ifndef WHB_ERROR_H
#define WHB_ERROR_H

#define WHB_ERRNO_MAP(X)                                                                           \
    X(NOMEM, "out of memory")                                                                      \
    X(INVAL, "invalid argument")                                                                   \
    X(IO, "input/output error")                                                                    \
    X(PROTO, "malformed message")                                                                  \
    X(TOOBIG, "too large")                                                                         \
    X(NOTFOUND, "not found")                                                                       \
    X(DENIED, "permission denied")                                                                 \
    X(BUSY, "overloaded, try again later")                                                         \
    X(CORRUPT, "corrupt data")                                                                     \
    X(STORE, "storage error")                                                                      \
    X(NET, "network error")                                                                        \
    X(TIMEOUT, "timed out")                                                                        \
    X(UNSUPPORTED, "not supported on this platform")

enum whb_error {
    WHB_OK = 0,
    WHB_ERROR_BASE_ = -1000,
#define WHB_ERR_ENUM_(name, text) WHB_E##name,
    WHB_ERRNO_MAP(WHB_ERR_ENUM_)
#undef WHB_ERR_ENUM_
};

const char *whb_strerror(int err);

#endif
