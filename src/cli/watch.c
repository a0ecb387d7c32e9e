/* watch: see watch.h. */
#include "watch.h"

#include <gio/gio.h>
#include <string.h>

struct dp_watch {
  dp_watch_func func;
  void *user_data;
  GHashTable *monitors; /* absolute path → GFileMonitor */
  GPtrArray *changed;   /* absolute paths, since the last call */
  guint timer;
};

#define PATH_KEY "dp-watch-path"

static gboolean settled(gpointer data) {
  dp_watch *w = data;
  w->timer = 0;
  /* The callback may change what is watched: it gets its own list. */
  GPtrArray *changed = w->changed;
  w->changed = g_ptr_array_new_with_free_func(g_free);
  w->func(changed, w->user_data);
  g_ptr_array_unref(changed);
  return G_SOURCE_REMOVE;
}

static void on_changed(GFileMonitor *monitor, GFile *file, GFile *other,
                       GFileMonitorEvent event, gpointer data) {
  (void)file;
  (void)other;
  dp_watch *w = data;
  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT &&
      event != G_FILE_MONITOR_EVENT_CHANGED &&
      event != G_FILE_MONITOR_EVENT_CREATED &&
      event != G_FILE_MONITOR_EVENT_DELETED &&
      event != G_FILE_MONITOR_EVENT_MOVED_IN &&
      event != G_FILE_MONITOR_EVENT_MOVED_OUT &&
      event != G_FILE_MONITOR_EVENT_RENAMED)
    return;
  /* The watched file's name: a rename over it or away from it names
   * the other file too. */
  char *name = g_strdup(g_object_get_data(G_OBJECT(monitor), PATH_KEY));
  bool seen = false;
  for (guint i = 0; i < w->changed->len && !seen; i++)
    seen = !strcmp(g_ptr_array_index(w->changed, i), name);
  if (seen)
    g_free(name);
  else
    g_ptr_array_add(w->changed, name);
  if (w->timer) g_source_remove(w->timer);
  w->timer = g_timeout_add(DP_WATCH_SETTLE_MS, settled, w);
}

dp_watch *dp_watch_new(dp_watch_func func, void *user_data) {
  dp_watch *w = g_new0(dp_watch, 1);
  w->func = func;
  w->user_data = user_data;
  w->monitors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      g_object_unref);
  w->changed = g_ptr_array_new_with_free_func(g_free);
  return w;
}

void dp_watch_free(dp_watch *w) {
  if (!w) return;
  if (w->timer) g_source_remove(w->timer);
  /* Cancelled, so no event already queued reaches a freed watch. */
  GHashTableIter it;
  gpointer monitor;
  g_hash_table_iter_init(&it, w->monitors);
  while (g_hash_table_iter_next(&it, NULL, &monitor))
    g_file_monitor_cancel(monitor);
  g_hash_table_destroy(w->monitors);
  g_ptr_array_unref(w->changed);
  g_free(w);
}

void dp_watch_set_files(dp_watch *w, GPtrArray *files, bool replace) {
  GHashTable *keep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           NULL);
  for (guint i = 0; i < files->len; i++) {
    char *path = g_canonicalize_filename(g_ptr_array_index(files, i), NULL);
    if (!g_hash_table_contains(w->monitors, path)) {
      GFile *file = g_file_new_for_path(path);
      GFileMonitor *monitor =
          g_file_monitor_file(file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      g_object_unref(file);
      if (monitor) {
        g_file_monitor_set_rate_limit(monitor, 0);
        g_object_set_data_full(G_OBJECT(monitor), PATH_KEY, g_strdup(path),
                               g_free);
        g_signal_connect(monitor, "changed", G_CALLBACK(on_changed), w);
        g_hash_table_insert(w->monitors, g_strdup(path), monitor);
      }
    }
    g_hash_table_add(keep, path);
  }
  if (replace) {
    GHashTableIter it;
    gpointer key, monitor;
    g_hash_table_iter_init(&it, w->monitors);
    while (g_hash_table_iter_next(&it, &key, &monitor))
      if (!g_hash_table_contains(keep, key)) {
        g_file_monitor_cancel(monitor);
        g_hash_table_iter_remove(&it);
      }
  }
  g_hash_table_destroy(keep);
}

unsigned dp_watch_count(const dp_watch *w) {
  return g_hash_table_size(w->monitors);
}
