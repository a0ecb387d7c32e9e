/* paths: see paths.h. */
#include "paths.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "config.h"

/* Any object of this library will do for dladdr; a data address avoids
 * converting a function pointer, which ISO C forbids. */
static const char here;

/* Whether this code runs from the build tree.  dladdr names the shared
 * library (or the executable, for tests that link the core statically). */
static bool running_in_build_tree(void) {
  Dl_info info;
  if (!dladdr(&here, &info) || !info.dli_fname) return false;
  char *self = g_canonicalize_filename(info.dli_fname, NULL);
  bool in_build = g_str_has_prefix(self, DP_BUILD_ROOT "/");
  g_free(self);
  return in_build;
}

static char *find_datadir(void) {
  const char *env = g_getenv("DISPUTAS_DATADIR");
  if (env && *env) return g_strdup(env);
  if (running_in_build_tree()) return g_strdup(DP_SOURCE_DATADIR);
  return g_strdup(DP_INSTALLED_DATADIR);
}

static char *find_plugindir(void) {
  const char *env = g_getenv("DISPUTAS_PLUGINDIR");
  if (env && *env) return g_strdup(env);
  if (running_in_build_tree()) return g_strdup(DP_BUILD_ROOT "/src/plugins");
  return g_strdup(DP_INSTALLED_PLUGINDIR);
}

const char *dp_paths_get_plugindir(void) {
  static char *plugindir;
  static gsize initialised;
  if (g_once_init_enter(&initialised)) {
    plugindir = find_plugindir();
    g_once_init_leave(&initialised, 1);
  }
  return plugindir;
}

const char *dp_paths_get_datadir(void) {
  static char *datadir;
  static gsize initialised;
  if (g_once_init_enter(&initialised)) {
    datadir = find_datadir();
    g_once_init_leave(&initialised, 1);
  }
  return datadir;
}

char *dp_paths_build(const char *first, ...) {
  GPtrArray *parts = g_ptr_array_new();
  g_ptr_array_add(parts, (gpointer)dp_paths_get_datadir());
  va_list ap;
  va_start(ap, first);
  for (const char *p = first; p; p = va_arg(ap, const char *))
    g_ptr_array_add(parts, (gpointer)p);
  va_end(ap);
  g_ptr_array_add(parts, NULL);
  char *path = g_build_filenamev((char **)parts->pdata);
  g_ptr_array_free(parts, TRUE);
  return path;
}
