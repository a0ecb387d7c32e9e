/* labels: the keys of the built-in label texts.
 *
 * A label is a piece of fixed text a layout prints ("Trial lecture",
 * "Committee", "Title to be announced").  The spec's "label keys" section
 * plus the person role keys are `dp_label_keys`.  The built-in tables
 * (data/labels/LANG.yaml) hold more: texts the built-in layouts print,
 * and a language's conventions for dates, times, time ranges, names and
 * venues (`dp_label_table_keys`).  A document's `labels` may override any
 * of them.  The texts per language live elsewhere (label-tables.c).
 */
#ifndef DP_LABELS_H
#define DP_LABELS_H

#include <stdbool.h>

/* The spec's label keys, NULL-terminated, in the spec's order. */
extern const char *const dp_label_keys[];

/* Every key a built-in table holds (and a document may override),
 * NULL-terminated: dp_label_keys first. */
extern const char *const dp_label_table_keys[];

/* The table keys whose text is a text template (template.h) expanded
 * where a layout says `{format:KEY}`: "time-range" is
 * "{start|time}[–{end|time}]" in English, "kl. {start|time}[–{end|time}]"
 * in Norwegian.  NULL-terminated. */
extern const char *const dp_label_template_keys[];

/* True when `key` is in dp_label_keys (exact, case-sensitive). */
bool dp_label_is_key(const char *key);

/* True when `key` is in dp_label_table_keys. */
bool dp_label_is_table_key(const char *key);

/* True when `key` is in dp_label_template_keys. */
bool dp_label_is_template_key(const char *key);

#endif
