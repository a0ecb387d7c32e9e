/* labels: see labels.h. */
#include "labels.h"

#include <string.h>

/* The spec's label keys and the role keys: one list, so `dp_label_keys`
 * and `dp_label_table_keys` below cannot disagree about them. */
#define SPEC_KEYS                                                            \
  /* The spec's "label keys". */                                             \
  "trial-lecture", "public-defence", "programme", "summary", "committee",    \
      "supervisors", "chair", "contact", "notes", "online", "meeting-id",    \
      "passcode", "tba", "postponed", "cancelled", "moved", "venue", "time", \
      "tentative", "papers",                                                 \
      /* The person role keys ("chair" is already above). */                 \
      "leader", "first-opponent", "second-opponent", "opponent", "member",   \
      "administrator", "main-supervisor", "co-supervisor", "custos"

const char *const dp_label_keys[] = {SPEC_KEYS, NULL};

const char *const dp_label_table_keys[] = {
    SPEC_KEYS,
    /* Texts the built-in layouts print. */
    "thesis", "candidate", "degree", "read-thesis", "isbn", "doi",
    "parallel-title", "platform", "more-info", "notes-page", "scan-to-join",
    "qr-code", "welcome", "event", "date", "place", "colon", "time-tba",
    "stream", "orcid", "photo-credit",
    /* Local conventions: ICU date patterns (datefmt.h)... */
    "date-format", "time-format", "datetime-format", "date-short-format",
    "time-long-format",
    /* ... and text templates (dp_label_template_keys). */
    "time-range", "time-range-long", "person-name", "venue-line",
    NULL};

const char *const dp_label_template_keys[] = {
    "time-range", "time-range-long", "person-name", "venue-line", NULL};

bool dp_label_is_key(const char *key) {
  for (const char *const *k = dp_label_keys; *k; k++)
    if (strcmp(*k, key) == 0) return true;
  return false;
}

bool dp_label_is_table_key(const char *key) {
  for (const char *const *k = dp_label_table_keys; *k; k++)
    if (strcmp(*k, key) == 0) return true;
  return false;
}

bool dp_label_is_template_key(const char *key) {
  for (const char *const *k = dp_label_template_keys; *k; k++)
    if (strcmp(*k, key) == 0) return true;
  return false;
}
