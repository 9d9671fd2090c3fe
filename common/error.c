/* Words for the codes of error.h. */
#include "error.h"

const char *whb_strerror(int err)
{
    switch (err) {
    case WHB_OK:
        return "success";
#define WHB_ERR_CASE_(name, text)                                                                  \
    case WHB_E##name:                                                                              \
        return text;
        WHB_ERRNO_MAP(WHB_ERR_CASE_)
#undef WHB_ERR_CASE_
    default:
        return "unknown error";
    }
}
