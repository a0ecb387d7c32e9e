/* label-tables: the built-in label texts (data/labels/LANG.yaml) with a
 * document's `labels` overrides on top.  See dp_labels_new() in
 * template.h.
 *
 * A table is a flat YAML map of label key to text.  Which table a
 * document gets is decided by its language's primary subtag: nb (and no)
 * and nn have their own, every other language uses en.  The keys every
 * table must hold are listed below (builtin_extra_keys plus the spec's
 * dp_label_keys); tests/unit/test-template.c checks the files against
 * that list, and loading reports a key that is not on it.
 */
#include <glib.h>
#include <string.h>

#include "datefmt.h"
#include "labels.h"
#include "paths.h"
#include "template.h"
#include "yaml-tree.h"

struct dp_labels {
  GHashTable *texts; /* key -> text, both owned */
};

/* Keys the built-in tables hold beyond the spec's label keys: texts the
 * built-in layouts print, and the date patterns (see datefmt.h). */
static const char *const builtin_extra_keys[] = {
    "thesis", "candidate", "degree", "read-thesis", "isbn", "doi",
    "parallel-title", "platform", "more-info", "notes-page", "scan-to-join",
    "welcome", "event", "date", "place",
    DP_DATEFMT_KEY_DATE, DP_DATEFMT_KEY_TIME, DP_DATEFMT_KEY_DATETIME,
    DP_DATEFMT_KEY_DATE_SHORT,
    NULL};

/* dp_label_keys followed by builtin_extra_keys, built once. */
static const char *const *builtin_keys;

const char *const *dp_labels_get_builtin_keys(void) {
  static gsize initialised;
  if (g_once_init_enter(&initialised)) {
    GPtrArray *keys = g_ptr_array_new();
    for (const char *const *k = dp_label_keys; *k; k++)
      g_ptr_array_add(keys, (gpointer)*k);
    for (const char *const *k = builtin_extra_keys; *k; k++)
      g_ptr_array_add(keys, (gpointer)*k);
    g_ptr_array_add(keys, NULL);
    /* Kept for the life of the process, like a static table. */
    builtin_keys = (const char *const *)g_ptr_array_free(keys, FALSE);
    g_once_init_leave(&initialised, 1);
  }
  return builtin_keys;
}

bool dp_labels_is_builtin_key(const char *key) {
  for (const char *const *k = dp_labels_get_builtin_keys(); *k; k++)
    if (strcmp(*k, key) == 0) return true;
  return false;
}

/* Reads the table `table` ("en", "nb", "nn") into `texts`, reporting
 * problems at their marks in the data file. */
static void load_table(dp_diag *diag, const char *table, GHashTable *texts) {
  char *file = g_strconcat(table, ".yaml", NULL);
  char *path = dp_paths_build("data", "labels", file, NULL);
  dp_ytree *tree = dp_ytree_load_file(diag, path);
  if (!tree) goto done; /* reported */
  const dp_ynode *root = dp_ytree_get_root(tree);
  if (!root || root->kind != DP_YNODE_MAP) {
    dp_mark mark = root ? root->mark
                        : (dp_mark){dp_ytree_get_name(tree), 0, 0};
    dp_error(diag, mark, "a label table must be a map of label key to text, "
             "got %s", root ? dp_ynode_kind_name(root) : "an empty file");
    goto done;
  }
  for (size_t i = 0; i < root->count; i++) {
    const dp_ynode *key = root->children[2 * i];
    const dp_ynode *value = root->children[2 * i + 1];
    if (!dp_labels_is_builtin_key(key->text)) {
      const char *suggestion =
          dp_diag_suggest(key->text, dp_labels_get_builtin_keys());
      if (suggestion)
        dp_error(diag, key->mark, "unknown label key '%s' (did you mean "
                 "'%s'?)", key->text, suggestion);
      else
        dp_error(diag, key->mark, "unknown label key '%s'", key->text);
      continue;
    }
    if (value->kind != DP_YNODE_SCALAR) {
      dp_error(diag, value->mark, "label '%s' must be text, got a %s",
               key->text, dp_ynode_kind_name(value));
      continue;
    }
    if (dp_ynode_is_null(value)) {
      dp_error(diag, value->mark, "label '%s' is empty", key->text);
      continue;
    }
    g_hash_table_replace(texts, g_strdup(key->text),
                         g_strstrip(g_strdup(value->text)));
  }
done:
  dp_ytree_free(tree);
  g_free(path);
  g_free(file);
}

/* Never NULL: a table that could not be read (reported) leaves its texts
 * unset, and templates then print nothing for them. */
dp_labels *dp_labels_new(dp_diag *diag, const char *lang,
                         const dp_value *overrides) {
  dp_labels *labels = g_new0(dp_labels, 1);
  labels->texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
  const char *table = dp_datefmt_get_table_lang(lang);
  load_table(diag, table ? table : "en", labels->texts);

  /* The binder has checked the keys against the spec; anything that is
   * text replaces the built-in text. */
  if (overrides && overrides->kind == DP_VALUE_MAP) {
    for (size_t i = 0; i < overrides->count; i++) {
      const dp_value *value = overrides->items[i];
      char *text = NULL;
      if (value->kind == DP_VALUE_RICH && value->rich)
        text = dp_rich_to_plain(value->rich);
      else if (value->text)
        text = g_strdup(value->text);
      if (text)
        g_hash_table_replace(labels->texts, g_strdup(overrides->keys[i]),
                             text);
    }
  }
  return labels;
}

void dp_labels_free(dp_labels *labels) {
  if (!labels) return;
  g_hash_table_destroy(labels->texts);
  g_free(labels);
}

const char *dp_labels_get(const dp_labels *labels, const char *key) {
  if (!labels || !key) return NULL;
  return g_hash_table_lookup(labels->texts, key);
}
