/* `whb-collector init`: a production collector's files in one command. The enrollment and admin
 * tokens, the TLS key, and either a certificate from a private CA made for this collector only
 * (name-constrained to its names, its key never written) or a CSR for the enterprise CA; then a
 * collector.conf that uses them. Secrets are 0640 root:<service group> (0600 without one). */
#ifndef WHB_COLLECTOR_INIT_H
#define WHB_COLLECTOR_INIT_H

/* argv[0] is "init". Returns the process exit status (0, 1 failure, 2 bad arguments). */
int whb_init_main(int argc, char **argv);

#endif
