/* settings: see settings.h. */
#include "settings.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "compose.h"
#include "image.h"
#include "layout.h"
#include "paths.h"

/* A PNG page: cairo's image surfaces hold at most 32767 pixels a side;
 * 150 million pixels (600 MB of ARGB) is an A4 page at about 1250 dpi. */
#define OUTPUT_PIXELS_DEFAULT 150000000LL

/* A document's images decoded, all together: ten of the largest. */
#define IMAGE_MEMORY_DEFAULT (10LL * DP_IMAGE_MAX_PIXELS * 4)

/* No call may run longer than this unless the context allows more:
 * unlimited in practice (a day), the bounds above keep work finite. */
#define MILLISECONDS_DEFAULT (24LL * 3600 * 1000)

long long dp_settings_limit_default(dp_settings_limit_id limit) {
  switch (limit) {
  case DP_SETTINGS_PAGES: return DP_MAX_PAGES;
  case DP_SETTINGS_ITEMS: return DP_MAX_EXPANDED_ITEMS;
  case DP_SETTINGS_PARAGRAPHS: return DP_MAX_PARAGRAPHS;
  case DP_SETTINGS_IMAGE_PIXELS: return DP_IMAGE_MAX_PIXELS;
  case DP_SETTINGS_IMAGE_MEMORY: return IMAGE_MEMORY_DEFAULT;
  case DP_SETTINGS_OUTPUT_PIXELS: return OUTPUT_PIXELS_DEFAULT;
  case DP_SETTINGS_MILLISECONDS: return MILLISECONDS_DEFAULT;
  case DP_SETTINGS_LIMITS: break;
  }
  return 0;
}

long long dp_settings_limit(const dp_settings *settings,
                            dp_settings_limit_id limit) {
  if (settings && settings->limits[limit] > 0) return settings->limits[limit];
  return dp_settings_limit_default(limit);
}

const char *dp_settings_datadir(const dp_settings *settings) {
  return settings && settings->data_dir ? settings->data_dir
                                        : dp_paths_get_datadir();
}

char *dp_settings_data_path(const dp_settings *settings, const char *first,
                            ...) {
  GPtrArray *parts = g_ptr_array_new();
  va_list ap;
  va_start(ap, first);
  for (const char *p = first; p; p = va_arg(ap, const char *))
    g_ptr_array_add(parts, (gpointer)p);
  va_end(ap);
  /* data/labels/... is the labels folder when one is set. */
  size_t skip = 0;
  const char *base = dp_settings_datadir(settings);
  if (settings && settings->labels_dir && parts->len >= 2 &&
      !strcmp(parts->pdata[0], "data") && !strcmp(parts->pdata[1], "labels")) {
    base = settings->labels_dir;
    skip = 2;
  }
  GPtrArray *all = g_ptr_array_new();
  g_ptr_array_add(all, (gpointer)base);
  for (size_t i = skip; i < parts->len; i++)
    g_ptr_array_add(all, parts->pdata[i]);
  g_ptr_array_add(all, NULL);
  char *path = g_build_filenamev((char **)all->pdata);
  g_ptr_array_free(all, TRUE);
  g_ptr_array_free(parts, TRUE);
  return path;
}
