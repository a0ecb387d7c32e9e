/* label-tables: the label texts of a document's language.
 *
 * The built-in tables (data/labels/LANG.yaml) for the document's language,
 * with the document's `labels` overrides on top; the keys themselves are
 * labels.h's.  Template keys ("time-range") are parsed into templates
 * (template.h) when the table is loaded.
 */
#ifndef DP_LABEL_TABLES_H
#define DP_LABEL_TABLES_H

#include <stdbool.h>

#include "diag.h"
#include "document.h"

typedef struct dp_labels dp_labels;
typedef struct dp_template dp_template;

/* Labels: the built-in tables (data/labels/LANG.yaml, or LANG.yaml in the
 * labels folder of `settings`, which may be NULL) for the document's
 * language with the document's `labels` overrides on top. */
dp_labels *dp_labels_new(dp_diag *diag, const dp_settings *settings,
                         const char *lang,
                         const dp_value *overrides);

/* Whether a table of the document's own language was found (else
 * English's was read). */
bool dp_labels_has_table(const dp_labels *labels);
void dp_labels_free(dp_labels *labels);
/* (transfer none) The text for `key`, or NULL for an unknown key. */
const char *dp_labels_get(const dp_labels *labels, const char *key);

/* Checks a document's `labels` texts (keys were checked when it was
 * read): date patterns ICU refuses and templates that do not parse are
 * errors at the override.  False after reporting. */
bool dp_labels_check_overrides(dp_diag *diag, const dp_value *overrides);
/* (transfer none) The parsed template for a template key, or NULL. */
const dp_template *dp_labels_get_template(const dp_labels *labels,
                                          const char *key);

/* (transfer none) Every key the built-in tables hold, NULL-terminated:
 * the spec's label keys (dp_label_keys in labels.h), then the texts the
 * built-in layouts use ("thesis", "read-thesis", "scan-to-join", ...) and
 * the local conventions ("date-format", "time-range", ...).  The same as
 * dp_label_table_keys in labels.h. */
const char *const *dp_labels_get_builtin_keys(void);
/* True for a key of dp_labels_get_builtin_keys(); "{label:KEY}" in a
 * template must name one. */
bool dp_labels_is_builtin_key(const char *key);

#endif
