/* The corpus replayer: the fuzz targets' main() when libFuzzer is not
 * linked (see fuzz.h).
 *
 *     fuzz-TARGET FILE_OR_FOLDER...
 *
 * runs the target once on each file (the files of a folder in name
 * order, skipping dot files) and prints TAP, `ok N - FILE`.  A crash or a
 * sanitizer report ends the run, which meson test reports as a failure
 * naming the last file started (printed as a TAP comment first). */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static int number;

static void run_file(const char *path) {
  gchar *data = NULL;
  gsize length = 0;
  GError *error = NULL;
  if (!g_file_get_contents(path, &data, &length, &error)) {
    printf("not ok %d - %s # %s\n", ++number, path, error->message);
    g_error_free(error);
    return;
  }
  printf("# %s\n", path);
  fflush(stdout);
  /* A copy of exactly `length` bytes, so ASan sees reads past the end. */
  uint8_t *copy = g_malloc(length ? length : 1);
  memcpy(copy, data, length);
  LLVMFuzzerTestOneInput(copy, length);
  g_free(copy);
  g_free(data);
  printf("ok %d - %s\n", ++number, path);
  fflush(stdout);
}

static int compare_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_folder(const char *path) {
  GDir *dir = g_dir_open(path, 0, NULL);
  if (!dir) return; /* an empty regressions folder need not exist */
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(dir));)
    if (name[0] != '.') g_ptr_array_add(names, g_build_filename(path, name, NULL));
  g_dir_close(dir);
  g_ptr_array_sort(names, compare_names);
  for (guint i = 0; i < names->len; i++) {
    const char *file = g_ptr_array_index(names, i);
    if (g_file_test(file, G_FILE_TEST_IS_DIR)) run_folder(file);
    else run_file(file);
  }
  g_ptr_array_free(names, TRUE);
}

int main(int argc, char **argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++) {
    if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) run_folder(argv[i]);
    else run_file(argv[i]);
  }
  printf("1..%d\n", number);
  return 0;
}
