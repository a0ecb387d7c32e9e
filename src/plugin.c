/* plugin: see plugin.h. */
#include "plugin.h"

#include <glib.h>
#include <gmodule.h>
#include <string.h>

#include "paths.h"

typedef const void *(*entry_func)(void);

static GMutex lock;
static GHashTable *loaded; /* name -> table; modules stay open for good */

const void *dp_plugin_get(const char *name, char **error) {
  g_mutex_lock(&lock);
  if (!loaded) loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const void *table = g_hash_table_lookup(loaded, name);
  if (table) {
    g_mutex_unlock(&lock);
    return table;
  }
  char *file = g_strdup_printf("disputas-%s.%s", name, G_MODULE_SUFFIX);
  char *path = g_build_filename(dp_paths_get_plugindir(), file, NULL);
  g_free(file);
  GModule *module = g_module_open(path, G_MODULE_BIND_LOCAL);
  if (!module) {
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
  g_mutex_unlock(&lock);
  return table;
}

/* Loads the module now.  It ran in a detached thread to overlap the
 * ~9 ms of loading libqpdf with layout, but a thread still inside dlopen
 * when the process exits made LeakSanitizer's tracer crash (seen in the
 * fuzz replayer under load); until it is joined properly, load in line. */
void dp_plugin_prefetch(const char *name) {
  char *error = NULL;
  dp_plugin_get(name, &error);
  g_free(error);
}
