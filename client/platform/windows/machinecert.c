/* The machine's own certificate for mTLS, found in the local machine's Personal store as AD CS
 * autoenrollment leaves it: valid now, for client authentication, naming the computer's FQDN as
 * a DNS name, the one that expires last (a renewed certificate and the old one side by side).
 * A fleet's Group Policy cannot name each computer's thumbprint; the agent finds it. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "machinecert.h"

/* Whether cert lists fqdn among its DNS names (subjectAltName), case aside. */
static int names(PCCERT_CONTEXT cert, const char *fqdn)
{
    PCERT_EXTENSION ext = CertFindExtension(szOID_SUBJECT_ALT_NAME2, cert->pCertInfo->cExtension,
                                            cert->pCertInfo->rgExtension);
    CERT_ALT_NAME_INFO *alt = NULL;
    DWORD size = 0;
    int found = 0;
    if (!ext || !CryptDecodeObjectEx(X509_ASN_ENCODING, X509_ALTERNATE_NAME, ext->Value.pbData,
                                     ext->Value.cbData, CRYPT_DECODE_ALLOC_FLAG, NULL, &alt, &size))
        return 0;
    for (DWORD i = 0; i < alt->cAltEntry && !found; i++) {
        char dns[256];
        if (alt->rgAltEntry[i].dwAltNameChoice != CERT_ALT_NAME_DNS_NAME)
            continue;
        WideCharToMultiByte(CP_UTF8, 0, alt->rgAltEntry[i].pwszDNSName, -1, dns, sizeof(dns), NULL,
                            NULL);
        found = strcasecmp(dns, fqdn) == 0;
    }
    LocalFree(alt);
    return found;
}

/* Valid now, with its private key, and for client authentication (or for any purpose). */
static int usable(PCCERT_CONTEXT cert)
{
    DWORD size = 0;
    if (CertVerifyTimeValidity(NULL, cert->pCertInfo) != 0)
        return 0;
    if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size))
        return 0;
    size = 0;
    if (!CertGetEnhancedKeyUsage(cert, 0, NULL, &size))
        return 1; /* no EKU: any purpose */
    CERT_ENHKEY_USAGE *eku = HeapAlloc(GetProcessHeap(), 0, size);
    int ok = 0;
    if (eku && CertGetEnhancedKeyUsage(cert, 0, eku, &size)) {
        ok = eku->cUsageIdentifier == 0;
        for (DWORD i = 0; i < eku->cUsageIdentifier && !ok; i++)
            ok = strcmp(eku->rgpszUsageIdentifier[i], szOID_PKIX_KP_CLIENT_AUTH) == 0;
    }
    if (eku)
        HeapFree(GetProcessHeap(), 0, eku);
    return ok;
}

int whb_win_machine_cert(const char *fqdn, char *out, size_t len)
{
    HCERTSTORE store =
        CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                      CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG, L"MY");
    PCCERT_CONTEXT cert = NULL, best = NULL;
    if (!store)
        return WHB_EIO;
    while ((cert = CertEnumCertificatesInStore(store, cert))) {
        if (!usable(cert) || !names(cert, fqdn))
            continue;
        if (best && CompareFileTime(&best->pCertInfo->NotAfter, &cert->pCertInfo->NotAfter) >= 0)
            continue;
        if (best)
            CertFreeCertificateContext(best);
        best = CertDuplicateCertificateContext(cert);
    }
    int rc = WHB_ENOTFOUND;
    BYTE hash[20];
    DWORD size = sizeof(hash);
    if (best && CertGetCertificateContextProperty(best, CERT_SHA1_HASH_PROP_ID, hash, &size) &&
        size == sizeof(hash) && len > 15 + 2 * sizeof(hash)) {
        size_t n = (size_t)snprintf(out, len, "LocalMachine\\MY\\");
        for (DWORD i = 0; i < size; i++)
            n += (size_t)snprintf(out + n, len - n, "%02x", hash[i]);
        rc = 0;
    }
    if (best)
        CertFreeCertificateContext(best);
    CertCloseStore(store, 0);
    return rc;
}
