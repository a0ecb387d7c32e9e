/* plugin: see plugin.h. */
#include "plugin.h"

#include <glib.h>
#include <gmodule.h>
#include <string.h>

#include "paths.h"

typedef const void *(*entry_func)(void);

static GMutex lock;
static GHashTable *loaded;  /* name -> table; modules stay open for good */
static GHashTable *loading; /* name -> GThread* of a prefetch, not joined */

/* Joins the prefetch of `name` (every one for NULL), if any. */
static void join_loading(const char *name) {
  GPtrArray *threads = g_ptr_array_new();
  g_mutex_lock(&lock);
  if (loading) {
    GHashTableIter iter;
    gpointer key, thread;
    g_hash_table_iter_init(&iter, loading);
    while (g_hash_table_iter_next(&iter, &key, &thread)) {
      if (name && strcmp(key, name)) continue;
      g_ptr_array_add(threads, thread);
      g_hash_table_iter_remove(&iter);
    }
  }
  g_mutex_unlock(&lock);
  for (guint i = 0; i < threads->len; i++) g_thread_join(threads->pdata[i]);
  g_ptr_array_free(threads, TRUE);
}

/* The library behind module `name`, for messages. */
static const char *library_of(const char *name) {
  static const char *const libraries[][2] = {
      {"svg", "librsvg"}, {"jpeg", "libjpeg"}, {"ical", "libical"},
      {"qpdf", "libqpdf"}, {"voikko", "libvoikko"}};
  for (size_t i = 0; i < G_N_ELEMENTS(libraries); i++)
    if (!strcmp(libraries[i][0], name)) return libraries[i][1];
  return "its library";
}

/* Opens the module `name` and records its table; `lock` is held. */
static const void *load(const char *name, char **error) {
  const void *table = NULL;
  char *file = g_strdup_printf("disputas-%s.%s", name, G_MODULE_SUFFIX);
  char *path = g_build_filename(dp_paths_get_plugindir(), file, NULL);
  g_free(file);
  GModule *module = NULL;
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    /* A build without the library (meson_options.txt) has no module. */
    *error = g_strdup_printf("this disputas has no %s module (built without "
                             "%s?)", name, library_of(name));
  } else if (!(module = g_module_open(path, G_MODULE_BIND_LOCAL))) {
    *error = g_strdup_printf("cannot load the %s module (%s)", name,
                             g_module_error());
  } else {
    gpointer symbol = NULL;
    if (!g_module_symbol(module, "dp_plugin_entry", &symbol) || !symbol) {
      *error = g_strdup_printf("'%s' is not a disputas module", path);
      g_module_close(module);
    } else {
      entry_func entry;
      /* POSIX guarantees a data pointer from dlsym converts to a function
       * pointer; copy the bits, which ISO C also allows. */
      memcpy(&entry, &symbol, sizeof entry);
      table = entry();
      if (!table || *(const int *)table != DP_PLUGIN_VERSION) {
        *error = g_strdup_printf("'%s' is a module of another version", path);
        table = NULL;
        g_module_close(module);
      } else {
        g_module_make_resident(module);
        g_hash_table_insert(loaded, g_strdup(name), (gpointer)table);
      }
    }
  }
  g_free(path);
  return table;
}

static const void *get(const char *name, char **error) {
  g_mutex_lock(&lock);
  if (!loaded) loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const void *table = g_hash_table_lookup(loaded, name);
  if (!table) table = load(name, error);
  g_mutex_unlock(&lock);
  return table;
}

const void *dp_plugin_get(const char *name, char **error) {
  join_loading(name);
  return get(name, error);
}

static gpointer prefetch_thread(gpointer name) {
  char *error = NULL;
  get(name, &error); /* a failure is dp_plugin_get()'s to report */
  g_free(error);
  g_free(name);
  return NULL;
}

void dp_plugin_prefetch(const char *name) {
  g_mutex_lock(&lock);
  if (!loading) loading = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  bool known = (loaded && g_hash_table_contains(loaded, name)) ||
               g_hash_table_contains(loading, name);
  if (!known)
    g_hash_table_insert(loading, g_strdup(name),
                        g_thread_new("dp-plugin", prefetch_thread, g_strdup(name)));
  g_mutex_unlock(&lock);
}

void dp_plugin_settle(void) {
  join_loading(NULL);
}
