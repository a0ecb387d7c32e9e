/* document: an announcement file bound to a checked tree of values.
 *
 * The binder walks the YAML tree against the schema of the format
 * (docs/announcement.md; kept as tables in document.c), reports
 * every problem at its mark, and produces a tree of dp_value: maps, lists,
 * trimmed texts, rich texts (Markdown and inline fields, parsed by
 * richtext), booleans and local date-times.  Layouts reach the values by
 * path ("candidate.name", "events"), which is why the model is a generic
 * tree rather than one C struct per key.
 *
 * Normalisations, so layouts need no special cases:
 *  - `lang` is always present (default "en"), and `direction` ("ltr" or
 *    "rtl"; default the direction of the language's script); event `status` always
 *    present (default "scheduled");
 *  - `affiliation` is always a list of texts;
 *  - image paths are resolved against the document's folder;
 *  - colours are lower-case `#rrggbb`;
 *  - language tags are in their conventional case (`sr-Latn-RS`);
 *  - `orcid` is always `https://orcid.org/0000-0002-1825-0097`;
 *  - a DATETIME's text is as written (`2024-09-27T10:00:00` keeps its
 *    seconds, which must be 00); inserted defaults carry the mark of the
 *    map they were added to.
 *
 * Touches no Pango or Cairo.
 */
#ifndef DP_DOCUMENT_H
#define DP_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "house.h"
#include "settings.h"
#include "richtext.h"

typedef enum dp_value_kind {
  DP_VALUE_TEXT,
  DP_VALUE_RICH,     /* Markdown or inline Markdown */
  DP_VALUE_BOOL,
  DP_VALUE_DATETIME,
  DP_VALUE_LIST,
  DP_VALUE_MAP
} dp_value_kind;

/* A local date and time, as written (no zone: the document's `timezone`
 * names it). */
typedef struct dp_datetime {
  int year, month, day;
  int hour, minute;
  bool has_time;
} dp_datetime;

typedef struct dp_value dp_value;
struct dp_value {
  dp_value_kind kind;
  dp_mark mark;
  char *text;          /* TEXT: trimmed; RICH: the source; DATETIME and
                          BOOL: as written */
  dp_rich *rich;       /* RICH */
  bool inline_only;    /* RICH: an inline field */
  bool boolean;        /* BOOL */
  dp_datetime datetime;/* DATETIME */
  size_t count;        /* LIST items, MAP entries */
  dp_value **items;    /* LIST items, MAP values */
  char **keys;         /* MAP keys, in document order */
  bool name;           /* TEXT: a person's name (`name` of the candidate
                          and of every person), never hyphenated */
  const char *lang;    /* TEXT or RICH in a language of its own (a
                          parallel title: its `parallel-lang`), or NULL
                          for the document's; owned by the tree */
};

typedef struct dp_document dp_document;

/* Reads and checks the announcement at `path`.  Returns NULL after
 * reporting every problem found to `diag`.  The images it names are
 * resolved (confine.h) under the root of `settings` (NULL: the
 * defaults).  Free with dp_document_free(). */
dp_document *dp_document_read(dp_diag *diag, const dp_settings *settings,
                              const char *path);

/* The same from memory; `name` is used in diagnostics and to name outputs,
 * and relative image paths are resolved against `base_dir` (NULL: the
 * root, else the current folder). */
dp_document *dp_document_read_data(dp_diag *diag, const dp_settings *settings,
                                   const char *name, const char *text,
                                   size_t length, const char *base_dir);

void dp_document_free(dp_document *doc);

/* (transfer none) The root map. */
const dp_value *dp_document_get_root(const dp_document *doc);

/* The file's base name without extension ("seed" for samples/seed.yaml),
 * used to name outputs. */
const char *dp_document_get_stem(const dp_document *doc);

/* The thesis title and the candidate's name as plain text (Markdown's
 * marks dropped), or NULL; owned by `doc`. */
const char *dp_document_get_title_text(const dp_document *doc);
const char *dp_document_get_candidate_text(const dp_document *doc);

/* A number no other document of this process has had: unlike the
 * pointer, it is never reused once the document is freed. */
unsigned long long dp_document_get_serial(const dp_document *doc);

/* (transfer none) The house style the document was read with (its own
 * `house:`, else the settings' default), or NULL. */
const dp_house *dp_document_get_house(const dp_document *doc);

/* (transfer none) The files the document was read from (disputas.h). */
const char *const *dp_document_get_files(const dp_document *doc);

/* The file name as given (for marks and messages). */
const char *dp_document_get_name(const dp_document *doc);

/* The document's language tag ("en" when not given). */
const char *dp_document_get_lang(const dp_document *doc);

/* (transfer full) A BCP 47 language tag (RFC 5646, checked in form, not
 * looked up) in its conventional case, `sr-Latn-RS`; NULL when `tag` is
 * not one (or NULL). */
char *dp_lang_normalise(const char *tag);

/* True when the document reads right to left (its `direction`). */
bool dp_document_is_rtl(const dp_document *doc);

/* The file's modification time in seconds, or the time a document from
 * memory was read: the date of its outputs when nothing else sets one. */
long long dp_document_get_mtime(const dp_document *doc);

/* (transfer full) The fields of the format that `doc` sets nowhere, as
 * "schema.key" ("person.email": no person of the document has one),
 * NULL-terminated; for checking that a sample shows every field. */
char **dp_document_unused_fields(const dp_document *doc);

/* (transfer none) The value at `key` of a map, or NULL. */
const dp_value *dp_value_get(const dp_value *map, const char *key);

/* (transfer none) The value at a dotted path ("thesis.title",
 * "events.0.start"), or NULL. */
const dp_value *dp_value_lookup(const dp_value *root, const char *path);

#endif
