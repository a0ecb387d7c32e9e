/* cancel: when the work of a context must stop (dp_context_cancel,
 * dp_context_set_deadline and DP_LIMIT_MILLISECONDS in disputas.h).
 *
 * A context owns one dp_cancel.  Another thread may only request a
 * cancel (an atomic flag); everything else belongs to the thread using
 * the context.  Each public call that does long work begins a call
 * (dp_cancel_begin), which fixes its deadline: the context's, or the
 * call's start plus its time limit, whichever is sooner.  The long loops
 * (composing pages and paragraphs, drawing a page's items, encoding a
 * PNG's rows, decoding an image's rows) ask dp_cancel_stop() and, once it
 * says stop, stop: the call then fails with the reason kept here, which
 * only the API layer reports (the modules report nothing for it). */
#ifndef DP_CANCEL_H
#define DP_CANCEL_H

#include <stdbool.h>
#include <stdint.h>

typedef enum dp_cancel_reason {
  DP_CANCEL_NONE,
  DP_CANCEL_REQUESTED, /* dp_cancel_request() */
  DP_CANCEL_DEADLINE,  /* the context's deadline passed */
  DP_CANCEL_TIME_LIMIT /* the call's time limit passed */
} dp_cancel_reason;

typedef struct dp_cancel dp_cancel;

dp_cancel *dp_cancel_new(void);
void dp_cancel_free(dp_cancel *c);

/* Any thread, at any time while `c` lives. */
void dp_cancel_request(dp_cancel *c);
/* The rest: the thread using the context. */
void dp_cancel_reset(dp_cancel *c);
/* `deadline`: g_get_monotonic_time() microseconds, or 0 for none. */
void dp_cancel_set_deadline(dp_cancel *c, int64_t deadline);
/* A call starts that may take `limit_ms` milliseconds: no reason yet. */
void dp_cancel_begin(dp_cancel *c, long long limit_ms);
/* Whether the work must stop (and stays so until the next call begins).
 * NULL: never.  Cheap: an atomic read and the clock. */
bool dp_cancel_stop(dp_cancel *c);
/* Why it stopped, or DP_CANCEL_NONE. */
dp_cancel_reason dp_cancel_get_reason(const dp_cancel *c);
/* The call's time limit, for its message. */
long long dp_cancel_get_limit(const dp_cancel *c);

#endif
