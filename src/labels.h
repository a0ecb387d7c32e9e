/* labels: the keys of the built-in label texts.
 *
 * A label is a piece of fixed text a layout prints ("Trial lecture",
 * "Committee", "Title to be announced").  Documents override them by key
 * through `labels`; the keys are those of the spec's "label keys" section
 * plus the person role keys.  The texts per language live elsewhere.
 */
#ifndef DP_LABELS_H
#define DP_LABELS_H

#include <stdbool.h>

/* Every label key, NULL-terminated, in the spec's order. */
extern const char *const dp_label_keys[];

/* True when `key` is a label key (exact, case-sensitive). */
bool dp_label_is_key(const char *key);

#endif
