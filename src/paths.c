/* paths: see paths.h.
 *
 * Relocation.  An installed tree may be moved (a package unpacked into
 * /opt, a `meson install --destdir` staging area, a prefix inside a build
 * folder): the running library (or executable) finds its own file with
 * dladdr, takes away the configured libdir (or bindir) to get the prefix
 * it is installed under, and looks for PREFIX/share/disputas there, so
 * /opt/x/lib/x86_64-linux-gnu/libdisputas.so.0 reads /opt/x/share/disputas.
 */
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

/* (transfer full) The absolute path of the file this code was loaded
 * from: the shared library, or the executable for a static link (tests
 * that link the core, a static CLI).  NULL when unknown. */
static char *running_file(void) {
  Dl_info info;
  if (!dladdr(&here, &info) || !info.dli_fname) return NULL;
  /* For the main program glibc may give argv[0], even a bare name. */
  if (!strchr(info.dli_fname, '/'))
    return g_file_read_link("/proc/self/exe", NULL);
  return g_canonicalize_filename(info.dli_fname, NULL);
}

/* Whether this code runs from the build tree. */
static bool running_in_build_tree(void) {
  char *self = running_file();
  bool in_build = self && g_str_has_prefix(self, DP_BUILD_ROOT "/");
  g_free(self);
  return in_build;
}

/* (transfer full) `dir` without the trailing path `tail` ("lib/x86_64-
 * linux-gnu"), or NULL when it does not end with it (or `tail` is
 * absolute: a libdir outside the prefix cannot be relocated). */
static char *strip_tail(const char *dir, const char *tail) {
  if (!tail[0] || g_path_is_absolute(tail)) return NULL;
  size_t n = strlen(dir), t = strlen(tail);
  if (n <= t || strcmp(dir + n - t, tail) != 0 || dir[n - t - 1] != '/')
    return NULL;
  size_t keep = n - t - 1;
  return keep ? g_strndup(dir, keep) : g_strdup("/");
}

/* (transfer full) The prefix the running file is installed under, or NULL
 * when it is not in PREFIX/LIBDIR or PREFIX/BINDIR (the build tree). */
static char *running_prefix(void) {
  char *self = running_file();
  if (!self) return NULL;
  char *dir = g_path_get_dirname(self);
  char *prefix = strip_tail(dir, DP_LIBDIR);
  if (!prefix) prefix = strip_tail(dir, DP_BINDIR);
  g_free(dir);
  g_free(self);
  return prefix;
}

/* (transfer full) The folder `configured` (an absolute path under the
 * configured prefix) moved under the prefix the code runs from, if that
 * folder exists; else NULL. */
static char *relocated(const char *configured) {
  size_t p = strlen(DP_PREFIX);
  while (p > 0 && DP_PREFIX[p - 1] == '/') p--;
  if (strncmp(configured, DP_PREFIX, p) != 0 || configured[p] != '/')
    return NULL;
  char *prefix = running_prefix();
  if (!prefix) return NULL;
  char *dir = g_build_filename(prefix, configured + p, NULL);
  g_free(prefix);
  if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
    g_free(dir);
    return NULL;
  }
  return dir;
}

/* $ENV; the installed folder relative to where the code runs; `build` when
 * running from the build tree; the configured folder. */
static char *find_dir(const char *env_name, const char *configured,
                      const char *build) {
  const char *env = g_getenv(env_name);
  if (env && *env) return g_strdup(env);
  char *dir = relocated(configured);
  if (dir) return dir;
  if (running_in_build_tree()) return g_strdup(build);
  return g_strdup(configured);
}

static char *find_datadir(void) {
  return find_dir("DISPUTAS_DATADIR", DP_INSTALLED_DATADIR,
                  DP_SOURCE_DATADIR);
}

static char *find_plugindir(void) {
  return find_dir("DISPUTAS_PLUGINDIR", DP_INSTALLED_PLUGINDIR,
                  DP_BUILD_ROOT "/src/plugins");
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
