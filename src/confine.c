/* confine: see confine.h. */
#include "confine.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *dp_confine_canonical_dir(const char *dir) {
  char *real = realpath(dir, NULL);
  if (!real) return NULL;
  GStatBuf st;
  if (g_stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    free(real);
    errno = ENOTDIR;
    return NULL;
  }
  char *copy = g_strdup(real);
  free(real);
  return copy;
}

bool dp_confine_is_inside(const char *root, const char *path) {
  size_t n = strlen(root);
  /* "/" holds everything; else ROOT itself or ROOT/... */
  if (n == 1 && root[0] == '/') return path[0] == '/';
  return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

char *dp_confine_resolve(const char *root, const char *base_dir,
                         const char *written, char **problem) {
  *problem = NULL;
  if (!root) {
    if (g_path_is_absolute(written)) return g_strdup(written);
    return g_build_filename(base_dir ? base_dir : ".", written, NULL);
  }
  if (g_path_is_absolute(written)) {
    *problem = g_strdup("is an absolute path: with a root folder, files are "
                        "named relative to the document");
    return NULL;
  }
  /* As written: the base folder (links followed), then the name with its
   * `..` taken literally, must stay inside the root. */
  char *base = realpath(base_dir ? base_dir : root, NULL);
  if (!base) {
    *problem = g_strdup_printf("cannot be read: %s", g_strerror(errno));
    return NULL;
  }
  char *literal = g_canonicalize_filename(written, base);
  free(base);
  bool inside = dp_confine_is_inside(root, literal);
  if (!inside) {
    g_free(literal);
    *problem = g_strdup("is outside the root folder");
    return NULL;
  }
  /* Then as the system resolves it, every symbolic link followed. */
  char *real = realpath(literal, NULL);
  g_free(literal);
  if (!real) {
    *problem = g_strdup_printf("cannot be read: %s", g_strerror(errno));
    return NULL;
  }
  char *path = NULL;
  GStatBuf st;
  if (!dp_confine_is_inside(root, real))
    *problem = g_strdup("is outside the root folder (through a symbolic "
                        "link)");
  else if (g_stat(real, &st) != 0)
    *problem = g_strdup_printf("cannot be read: %s", g_strerror(errno));
  else if (!S_ISREG(st.st_mode))
    *problem = g_strdup("is not a regular file");
  else
    path = g_strdup(real);
  free(real);
  return path;
}
