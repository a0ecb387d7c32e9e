/* label-tables: see label-tables.h.
 *
 * A table is a flat YAML map of label key to text.  Which table a
 * document gets is decided by its language's primary subtag (see
 * dp_datefmt_get_table_lang()): the file of that name when there is one
 * (`no` reads nb.yaml), else en.yaml.  Every table holds exactly the keys
 * of dp_label_table_keys (labels.h); tests/unit/test-template.c checks
 * every file in the folder against that list, and loading reports a key
 * that is not on it.  The texts of dp_label_template_keys are templates,
 * parsed here once per dp_labels.
 */
#include "label-tables.h"

#include <glib.h>
#include <string.h>

#include "datefmt.h"
#include "labels.h"
#include "paths.h"
#include "template.h"
#include "yaml-tree.h"

struct dp_labels {
  bool has_table;        /* a table of the document's language was read */
  GHashTable *texts;     /* key -> text, both owned */
  GHashTable *templates; /* template key -> dp_template, owned */
};

bool dp_labels_has_table(const dp_labels *labels) {
  return labels->has_table;
}

const char *const *dp_labels_get_builtin_keys(void) {
  return dp_label_table_keys;
}

bool dp_labels_is_builtin_key(const char *key) {
  return dp_label_is_table_key(key);
}

/* Keeps the first message a private sink receives. */
static void keep_first(const dp_diagnostic *d, void *user) {
  char **message = user;
  if (!*message) *message = g_strdup(d->message);
}

/* Checks a text for `key` given at `mark`: a date pattern must be one ICU
 * takes, a template must parse.  Parsed templates are added to
 * `templates` when it is not NULL.  False after reporting. */
static bool check_text(dp_diag *diag, const char *key, const char *text,
                       dp_mark mark, GHashTable *templates) {
  if (dp_label_is_template_key(key)) {
    /* The problem is reported at the value, not at a column inside it:
     * whether the value was quoted (which moves every column by one) is
     * not known here. */
    dp_diag *sink = dp_diag_new();
    dp_diag_set_print(sink, false);
    char *message = NULL;
    dp_diag_set_callback(sink, keep_first, &message);
    dp_template *tmpl = dp_template_parse_label(sink, text, mark);
    dp_diag_free(sink);
    if (!tmpl) {
      dp_error(diag, mark, "label '%s': %s", key,
               message ? message : "not a template");
      g_free(message);
      return false;
    }
    g_free(message);
    if (templates) g_hash_table_replace(templates, g_strdup(key), tmpl);
    else dp_template_free(tmpl);
    return true;
  }
  if (g_str_has_suffix(key, "-format")) {
    char *message = NULL;
    if (!dp_datefmt_check_pattern(text, &message)) {
      dp_error(diag, mark, "label '%s': %s", key, message);
      g_free(message);
      return false;
    }
  }
  return true;
}

/* (transfer full) An override's text, or NULL. */
static char *override_text(const dp_value *value) {
  if (value->kind == DP_VALUE_RICH && value->rich)
    return dp_rich_to_plain(value->rich);
  return value->text ? g_strdup(value->text) : NULL;
}

bool dp_labels_check_overrides(dp_diag *diag, const dp_value *overrides) {
  bool ok = true;
  if (!overrides || overrides->kind != DP_VALUE_MAP) return ok;
  for (size_t i = 0; i < overrides->count; i++) {
    char *text = override_text(overrides->items[i]);
    if (text && !check_text(diag, overrides->keys[i], text,
                            overrides->items[i]->mark, NULL))
      ok = false;
    g_free(text);
  }
  return ok;
}

/* Reads the table `table` ("en", "nb", "sv", ...) into `labels`,
 * reporting problems at their marks in the data file. */
static void load_table(dp_diag *diag, const dp_settings *settings,
                       const char *table, dp_labels *labels) {
  char *file = g_strconcat(table, ".yaml", NULL);
  char *path = dp_settings_data_path(settings, "data", "labels", file, NULL);
  dp_ytree *tree = dp_ytree_load_file(diag, path);
  if (!tree) goto done; /* reported */
  const dp_ynode *root = dp_ytree_get_root(tree);
  if (!root || root->kind != DP_YNODE_MAP) {
    dp_mark mark = root ? root->mark
                        : DP_MARK_FILE(dp_ytree_get_name(tree));
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
    char *text = g_strstrip(g_strdup(value->text));
    if (check_text(diag, key->text, text, value->mark, labels->templates))
      g_hash_table_replace(labels->texts, g_strdup(key->text), text);
    else
      g_free(text);
  }
done:
  dp_ytree_free(tree);
  g_free(path);
  g_free(file);
}

/* Never NULL: a table that could not be read (reported) leaves its texts
 * unset, and templates then print nothing for them. */
dp_labels *dp_labels_new(dp_diag *diag, const dp_settings *settings,
                         const char *lang, const dp_value *overrides) {
  dp_labels *labels = g_new0(dp_labels, 1);
  labels->texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        g_free);
  labels->templates = g_hash_table_new_full(
      g_str_hash, g_str_equal, g_free, (GDestroyNotify)dp_template_free);
  const char *table = dp_datefmt_get_table_lang_in(
      settings ? settings->labels_dir : NULL, lang);
  labels->has_table = table != NULL;
  load_table(diag, settings, table ? table : "en", labels);

  /* The binder has checked the keys, and dp_labels_check_overrides() the
   * texts, when the document was loaded: a text that fails here (only a
   * document made some other way) is left out silently rather than
   * reported once per product. */
  if (overrides && overrides->kind == DP_VALUE_MAP) {
    dp_diag *quiet = dp_diag_new();
    dp_diag_set_print(quiet, false);
    for (size_t i = 0; i < overrides->count; i++) {
      const char *key = overrides->keys[i];
      char *text = override_text(overrides->items[i]);
      if (!text) continue;
      if (check_text(quiet, key, text, overrides->items[i]->mark,
                     labels->templates))
        g_hash_table_replace(labels->texts, g_strdup(key), text);
      else
        g_free(text);
    }
    dp_diag_free(quiet);
  }
  return labels;
}

void dp_labels_free(dp_labels *labels) {
  if (!labels) return;
  g_hash_table_destroy(labels->texts);
  g_hash_table_destroy(labels->templates);
  g_free(labels);
}

const char *dp_labels_get(const dp_labels *labels, const char *key) {
  if (!labels || !key) return NULL;
  return g_hash_table_lookup(labels->texts, key);
}

const dp_template *dp_labels_get_template(const dp_labels *labels,
                                          const char *key) {
  if (!labels || !key) return NULL;
  return g_hash_table_lookup(labels->templates, key);
}
