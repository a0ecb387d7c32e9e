/* cancel: see cancel.h. */
#include "cancel.h"

#include <glib.h>

struct dp_cancel {
  gint requested;          /* atomic: set from any thread */
  gint64 deadline;         /* the context's, or 0 */
  gint64 call_deadline;    /* this call's, or 0 */
  long long limit_ms;      /* this call's time limit */
  dp_cancel_reason reason; /* why this call stopped */
};

dp_cancel *dp_cancel_new(void) { return g_new0(dp_cancel, 1); }

void dp_cancel_free(dp_cancel *c) { g_free(c); }

void dp_cancel_request(dp_cancel *c) { g_atomic_int_set(&c->requested, 1); }

void dp_cancel_reset(dp_cancel *c) {
  g_atomic_int_set(&c->requested, 0);
  c->reason = DP_CANCEL_NONE;
}

void dp_cancel_set_deadline(dp_cancel *c, int64_t deadline) {
  c->deadline = deadline > 0 ? deadline : 0;
}

void dp_cancel_begin(dp_cancel *c, long long limit_ms) {
  c->reason = DP_CANCEL_NONE;
  c->limit_ms = limit_ms;
  gint64 now = g_get_monotonic_time();
  /* A limit of a day cannot overflow 64 bits of microseconds. */
  c->call_deadline = limit_ms > 0 ? now + (gint64)limit_ms * 1000 : 0;
}

bool dp_cancel_stop(dp_cancel *c) {
  if (!c) return false;
  if (c->reason != DP_CANCEL_NONE) return true;
  if (g_atomic_int_get(&c->requested)) {
    c->reason = DP_CANCEL_REQUESTED;
    return true;
  }
  if (!c->deadline && !c->call_deadline) return false;
  /* The monotonic clock is a vDSO read, some 20 ns: cheap beside a
   * paragraph, a drawn item or a row of pixels. */
  gint64 now = g_get_monotonic_time();
  if (c->deadline && now >= c->deadline &&
      (!c->call_deadline || c->deadline <= c->call_deadline))
    c->reason = DP_CANCEL_DEADLINE;
  else if (c->call_deadline && now >= c->call_deadline)
    c->reason = DP_CANCEL_TIME_LIMIT;
  return c->reason != DP_CANCEL_NONE;
}

dp_cancel_reason dp_cancel_get_reason(const dp_cancel *c) {
  return c ? c->reason : DP_CANCEL_NONE;
}

long long dp_cancel_get_limit(const dp_cancel *c) {
  return c ? c->limit_ms : 0;
}
