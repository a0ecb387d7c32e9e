/* labels: see labels.h. */
#include "labels.h"

#include <string.h>

const char *const dp_label_keys[] = {
  /* The spec's "label keys". */
  "trial-lecture", "public-defence", "programme", "summary", "committee",
  "supervisors", "chair", "contact", "notes", "online", "meeting-id",
  "passcode", "tba", "postponed", "cancelled", "moved", "venue", "time",
  "tentative", "papers",
  /* The person role keys ("chair" is already above). */
  "leader", "first-opponent", "second-opponent", "opponent", "member",
  "administrator", "main-supervisor", "co-supervisor", "custos",
  NULL
};

bool dp_label_is_key(const char *key) {
  for (const char *const *k = dp_label_keys; *k; k++)
    if (strcmp(*k, key) == 0) return true;
  return false;
}
