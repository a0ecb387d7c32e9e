/* module: see module.h. */
#include "module.h"

#include <glib.h>
#include <gmodule.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#define MODULE_FILE "disputas-http." G_MODULE_SUFFIX

/* (transfer full) The module's path: in $DISPUTAS_PLUGINDIR, else in the
 * build tree when the program runs from it, else in the plugin folder
 * under the prefix the program is installed in (relocatable, as the
 * library's data), else the configured one.  The first that exists;
 * NULL when none does. */
static char *find_module(void) {
  GPtrArray *candidates = g_ptr_array_new_with_free_func(g_free);
  const char *env = g_getenv("DISPUTAS_PLUGINDIR");
  if (env && *env)
    g_ptr_array_add(candidates, g_build_filename(env, MODULE_FILE, NULL));
  char *self = g_file_read_link("/proc/self/exe", NULL);
  if (self && g_str_has_prefix(self, DP_BUILD_ROOT "/"))
    g_ptr_array_add(candidates, g_build_filename(DP_BUILD_ROOT, "src", "cli",
                                                 MODULE_FILE, NULL));
  if (self && !g_path_is_absolute(DP_BINDIR) &&
      !g_path_is_absolute(DP_LIBDIR)) {
    char *dir = g_path_get_dirname(self);
    size_t n = strlen(dir), t = strlen(DP_BINDIR);
    if (n > t && !strcmp(dir + n - t, DP_BINDIR) && dir[n - t - 1] == '/') {
      dir[n - t - 1] = '\0';
      g_ptr_array_add(candidates, g_build_filename(
          dir, DP_LIBDIR, "disputas", "plugins", MODULE_FILE, NULL));
    }
    g_free(dir);
  }
  g_free(self);
  g_ptr_array_add(candidates, g_build_filename(DP_INSTALLED_PLUGINDIR,
                                               MODULE_FILE, NULL));
  char *found = NULL;
  for (guint i = 0; i < candidates->len && !found; i++)
    if (g_file_test(candidates->pdata[i], G_FILE_TEST_IS_REGULAR))
      found = g_strdup(candidates->pdata[i]);
  g_ptr_array_free(candidates, TRUE);
  return found;
}

int dp_cli_module_run(const char *command, int argc, char **argv) {
  char *path = find_module();
  if (!path) {
    fprintf(stderr, "disputas: error: '%s' is not in this disputas: it was "
            "built without libsoup (libsoup-3.0-dev)\n", command);
    return 2;
  }
  GModule *module = g_module_open(path, G_MODULE_BIND_LOCAL);
  gpointer symbol = NULL;
  const dp_cli_module *table = NULL;
  if (module && g_module_symbol(module, "dp_cli_module_entry", &symbol) &&
      symbol) {
    const dp_cli_module *(*entry)(void);
    /* POSIX: a data pointer from dlsym converts to a function pointer;
     * copying the bits is also ISO C. */
    memcpy(&entry, &symbol, sizeof entry);
    table = entry();
  }
  int status = 2;
  if (!module) {
    fprintf(stderr, "disputas: error: cannot load '%s': %s\n", path,
            g_module_error());
  } else if (!table || table->version != DP_CLI_MODULE_VERSION) {
    fprintf(stderr, "disputas: error: '%s' is not a module of this "
            "disputas\n", path);
  } else {
    const dp_cli_command *c = table->commands;
    while (c->name && strcmp(c->name, command)) c++;
    if (c->name)
      status = c->run(argc, argv);
    else
      fprintf(stderr, "disputas: error: '%s' is not in '%s'\n", command,
              path);
  }
  /* Not closed: the command may have left threads or GTypes behind. */
  g_free(path);
  return status;
}
