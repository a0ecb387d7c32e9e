/* atomic-file: see atomic-file.h. */
#include "atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporaries older than this belong to no live process. */
#define STALE_TEMP_SECONDS 3600

/* The longest file name most file systems take (NAME_MAX on Linux).
 * `.NAME.XXXXXX` is 8 bytes longer than NAME: a name near the limit is
 * shortened in its temporary's name. */
#define TEMP_NAME_MAX 255
#define TEMP_BASE_MAX (TEMP_NAME_MAX - 8)

bool dp_atomic_file_is_temp_name(const char *name, const char *base) {
  size_t n = MIN(strlen(base), (size_t)TEMP_BASE_MAX);
  if (name[0] != '.' || strncmp(name + 1, base, n) != 0 || name[n + 1] != '.')
    return false;
  const char *x = name + n + 2;
  if (strlen(x) != 6) return false; /* mkstemp's XXXXXX */
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isalnum(x[i])) return false;
  return true;
}

/* Removes the temporary files of `base` in `dir` older than an hour. */
static void remove_stale_temps(const char *dir, const char *base) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d) return;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  for (const char *name; (name = g_dir_read_name(d));) {
    if (!dp_atomic_file_is_temp_name(name, base)) continue;
    char *path = g_build_filename(dir, name, NULL);
    GStatBuf st;
    if (g_lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
        now - (gint64)st.st_mtime > STALE_TEMP_SECONDS)
      g_unlink(path);
    g_free(path);
  }
  g_dir_close(d);
}

bool dp_atomic_file_write(void *user_data, const unsigned char *data,
                          size_t length) {
  dp_atomic_file *f = user_data;
  if (!f->failed && (!f->file || fwrite(data, 1, length, f->file) != length)) {
    f->failed = true;
    f->error = f->file ? errno : EBADF;
  }
  return !f->failed;
}

bool dp_atomic_file_open(dp_atomic_file *f, const char *final_path,
                         bool direct) {
  memset(f, 0, sizeof *f);
  f->final_path = g_strdup(final_path);
  GStatBuf st;
  if (g_stat(final_path, &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode) || !direct) {
      f->error = S_ISDIR(st.st_mode) ? EISDIR : EEXIST;
      return false;
    }
    int fd = open(final_path, O_WRONLY | O_CLOEXEC);
    f->file = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f->file) {
      f->error = errno;
      if (fd >= 0) close(fd);
      return false;
    }
    return true;
  }
  char *dir = g_path_get_dirname(final_path);
  char *base = g_path_get_basename(final_path);
  if (strlen(base) > TEMP_BASE_MAX) base[TEMP_BASE_MAX] = '\0';
  remove_stale_temps(dir, base);
  f->temp_path = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
  g_free(dir);
  g_free(base);
  int fd = g_mkstemp(f->temp_path);
  if (fd < 0) {
    f->error = errno;
    g_clear_pointer(&f->temp_path, g_free);
    return false;
  }
  /* A replaced file keeps its permissions; not fatal when they cannot be
   * set (the file stays private). */
  mode_t mode = g_stat(final_path, &st) == 0 ? st.st_mode & 0777 : 0644;
  if (fchmod(fd, mode) != 0) { /* see above */ }
  f->file = fdopen(fd, "wb");
  if (!f->file) {
    f->error = errno;
    close(fd);
    return false;
  }
  return true;
}

bool dp_atomic_file_close(dp_atomic_file *f) {
  if (!f->file) return false;
  bool ok = !f->failed && fflush(f->file) == 0;
  if (!ok && !f->error) f->error = errno;
  if (fclose(f->file) != 0 && ok) {
    ok = false;
    f->error = errno;
  }
  f->file = NULL;
  if (!ok) f->failed = true;
  return ok;
}

bool dp_atomic_file_commit(dp_atomic_file *f) {
  if (f->file || f->failed) return false;
  if (f->temp_path && g_rename(f->temp_path, f->final_path) != 0) {
    f->error = errno;
    return false;
  }
  g_clear_pointer(&f->temp_path, g_free);
  g_clear_pointer(&f->final_path, g_free);
  return true;
}

void dp_atomic_file_release(const char *path) {
  GStatBuf st;
  if (!path || g_stat(path, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
  /* ENXIO when no reader waits: nothing to do. */
  int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) close(fd);
}

void dp_atomic_file_discard(dp_atomic_file *f) {
  if (f->file) fclose(f->file);
  f->file = NULL;
  if (f->temp_path) g_unlink(f->temp_path);
  g_clear_pointer(&f->temp_path, g_free);
  g_clear_pointer(&f->final_path, g_free);
}
