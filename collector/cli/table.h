/* Text for the terminal: what the collector answers may hold anything an agent or a WSUS export
 * put there, so every table cell is escaped: C0 and C1 controls, DEL, bidirectional overrides and
 * invalid UTF-8 are shown as \xNN or \u{NNNN}, never sent to the terminal. */
#ifndef WHB_CLI_TABLE_H
#define WHB_CLI_TABLE_H

#include <stddef.h>

/* Writes the printable form of s into out (always terminated); returns out. */
char *whb_table_clean(const char *s, char *out, size_t len);

/* The printable form of s in one of a small ring of buffers, for use in one printf. */
const char *whb_table_cell(const char *s);

#endif
