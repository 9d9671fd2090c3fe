/* Where wu_client.c gets the Windows Update client's events: the Event Log API (a query of
 * the newest at start, then a subscription), or a file of recorded rendered events. */
#ifndef WHB_WIN_WU_LOG_H
#define WHB_WIN_WU_LOG_H

#include <windows.h>
#include <winevt.h>
#include <stdint.h>

#include "model.h"

extern const wchar_t whb_win_wu_operational[]; /* the client's Operational channel */
extern const wchar_t whb_win_wu_query_operational[];
extern const wchar_t whb_win_wu_query_system[];

/* Applies the newest (at most max) events of query in channel; *changed set when the state
 * changed. 0, or WHB_EIO when the log cannot be read. */
int whb_win_wu_log_query(const wchar_t *channel, const wchar_t *query, int max,
                         struct whb_wu_state *st, int *changed);

/* Future events of query, signalled on signal (a manual-reset event); NULL when not possible. */
EVT_HANDLE whb_win_wu_log_subscribe(const wchar_t *channel, const wchar_t *query, HANDLE signal);

/* Applies what a signalled subscription holds and resets the signal once it is empty. */
int whb_win_wu_log_drain(EVT_HANDLE sub, HANDLE signal, struct whb_wu_state *st, int *changed);

/* Applies the whole lines of path from *offset on (one rendered event a line) and moves
 * *offset past them; a file shorter than *offset is read from its start. 0 or WHB_EIO. */
int whb_win_wu_file_read(const char *path, int64_t *offset, struct whb_wu_state *st, int *changed);

#endif
