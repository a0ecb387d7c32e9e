/* settings: what a dp_context sets for the work done through it (the
 * setters in disputas.h).  disputas.c owns and writes it; the modules
 * only read it, through a const pointer that may be NULL for the
 * defaults.  Nothing here is process-wide: two contexts with different
 * settings work side by side. */
#ifndef DP_SETTINGS_H
#define DP_SETTINGS_H

#include <stdbool.h>

#include "cancel.h"

/* The limits a context may lower (dp_limit in disputas.h, same order). */
typedef enum dp_settings_limit_id {
  DP_SETTINGS_PAGES,         /* pages of one composition */
  DP_SETTINGS_ITEMS,         /* layout items one composition expands */
  DP_SETTINGS_PARAGRAPHS,    /* paragraphs one composition makes */
  DP_SETTINGS_IMAGE_PIXELS,  /* pixels of one image */
  DP_SETTINGS_IMAGE_MEMORY,  /* bytes of a document's images, decoded */
  DP_SETTINGS_OUTPUT_PIXELS, /* pixels of one PNG page */
  DP_SETTINGS_MILLISECONDS,  /* time of one call (cancel.h) */
  DP_SETTINGS_LIMITS
} dp_settings_limit_id;

typedef struct dp_settings {
  /* The folder every file a document or layout names must resolve into
   * (confine.h): canonical (absolute, no symbolic links), or NULL for no
   * confinement. */
  char *root;
  /* The outputs' creation date (seconds since 1970, UTC) when
   * `date_set`; else SOURCE_DATE_EPOCH, else the document's date. */
  long long date;
  bool date_set;
  /* Each limit, or 0 for its default (dp_settings_limit_default). */
  long long limits[DP_SETTINGS_LIMITS];
  /* Folders (dp_context_set_folder), NULL for the defaults: the data
   * folder (paths.h), its labels folder, the hyphenation dictionaries
   * (hyphenate.h), the cache of parsed ones (hyphen-cache.h). */
  char *data_dir, *labels_dir, *hyphen_dir, *cache_dir;
  /* Font folders added to the bundled fonts (NULL-terminated, or NULL),
   * and a fontconfig file instead of the data folder's fonts.conf. */
  char **font_dirs;
  char *font_config;
  /* The house style (house.h) for documents that name none of their
   * own, or NULL. */
  struct dp_house *house;
  /* When the work must stop (cancel.h): the context's, never NULL in a
   * context's settings. */
  dp_cancel *cancel;
} dp_settings;

/* (transfer none) The data folder under `settings` (may be NULL). */
const char *dp_settings_datadir(const dp_settings *settings);

/* (transfer full, g_free) `datadir/first/...` under `settings`; the
 * labels folder for "data", "labels" when the context set one. */
char *dp_settings_data_path(const dp_settings *settings, const char *first,
                            ...) __attribute__((sentinel));

/* The built-in value of `limit`: the most a context may set. */
long long dp_settings_limit_default(dp_settings_limit_id limit);

/* The limit in force under `settings` (may be NULL). */
long long dp_settings_limit(const dp_settings *settings,
                            dp_settings_limit_id limit);

/* The root of `settings` (may be NULL), or NULL. */
static inline const char *dp_settings_root(const dp_settings *settings) {
  return settings ? settings->root : 0;
}

/* Whether the work under `settings` (may be NULL) must stop: cancelled,
 * or past its deadline (cancel.h). */
static inline bool dp_settings_stop(const dp_settings *settings) {
  return settings && dp_cancel_stop(settings->cancel);
}

#endif
