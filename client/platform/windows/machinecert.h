/* Internal to the Windows backend: the machine's own certificate for mTLS (machinecert.c). */
#ifndef WHB_WIN_MACHINECERT_H
#define WHB_WIN_MACHINECERT_H

#include <stddef.h>

/* "LocalMachine\MY\<thumbprint>" of the certificate AD CS autoenrollment gave this computer
 * (valid now, client authentication, a DNS name equal to fqdn, the latest to expire):
 * 0, WHB_ENOTFOUND, or WHB_EIO when the store cannot be opened. */
int whb_win_machine_cert(const char *fqdn, char *out, size_t len);

#endif
