/* house: see house.h; docs/house.md is the reference of the file. */
#include "house.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "confine.h"

/* Serials of the houses loaded so far. */
static gssize last_serial;

/* Named colours or fonts: `node`'s map into *out. */
static void bind_names(dp_binder *b, const dp_ynode *node, bool colours,
                       dp_house_name **out, size_t *count) {
  const char *what = colours ? "'colours'" : "'fonts'";
  if (!dp_bind_expect_map(b, node, what)) return;
  *out = g_new0(dp_house_name, node->count);
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *v = node->children[2 * i + 1];
    if (!dp_is_identifier(key->text)) {
      dp_bind_error(b, key->mark, "a %s name may hold only letters, digits, "
                    "'-' and '_', not '%s'", colours ? "colour" : "font",
                    key->text);
      continue;
    }
    if (colours && (v->kind != DP_YNODE_SCALAR || !dp_is_hex_colour(v->text))) {
      char *d = dp_bind_describe(v);
      dp_bind_error(b, v->mark, "colour '%s' must be \"#rrggbb\", not %s%s",
                    key->text, d,
                    dp_ynode_is_null(v) ? " (quote literal colours: in YAML "
                                          "an unquoted # starts a comment)"
                                        : "");
      g_free(d);
      continue;
    }
    const char *t = dp_bind_text(b, v, colours ? "colour" : "font");
    if (!t) continue;
    if (!*t) {
      dp_bind_error(b, v->mark, "font '%s' needs a family, such as Noto Sans",
                    key->text);
      continue;
    }
    dp_house_name *n = &(*out)[(*count)++];
    n->name = g_strdup(key->text);
    n->value = colours ? g_ascii_strdown(t, -1) : g_strdup(t);
    n->mark = v->mark;
  }
}

/* `font-folders`: a folder or a list of them, relative to the house's. */
static void bind_folders(dp_binder *b, const dp_settings *settings,
                         const char *dir, const dp_ynode *node, dp_house *h) {
  bool list = node->kind == DP_YNODE_SEQ;
  size_t count = list ? node->count : 1;
  h->font_folders = g_new0(char *, count);
  const char *root = dp_settings_root(settings);
  for (size_t i = 0; i < count; i++) {
    const dp_ynode *v = list ? node->children[i] : node;
    if (v->kind != DP_YNODE_SCALAR || dp_ynode_is_null(v) || !*v->text) {
      dp_bind_wrong(b, v, "font-folders",
                    "a folder, or a list of folders, of font files");
      continue;
    }
    char *path = g_canonicalize_filename(v->text, dir);
    char *real = root ? realpath(path, NULL) : NULL;
    const char *problem = NULL;
    if (root && (g_path_is_absolute(v->text) || !real ||
                 !dp_confine_is_inside(root, real)))
      problem = "is outside the root folder";
    else if (!g_file_test(path, G_FILE_TEST_IS_DIR))
      problem = g_file_test(path, G_FILE_TEST_EXISTS) ? "is not a folder"
                                                      : "does not exist";
    free(real);
    if (problem) {
      dp_bind_error(b, v->mark, "font folder '%s' (relative to the house "
                    "file's folder) %s", v->text, problem);
      g_free(path);
      continue;
    }
    h->font_folders[h->font_folder_count++] = path;
  }
}

/* `labels`: a map of language tags to maps of label texts (checked with
 * the announcement's labels, document.c). */
static void check_labels(dp_binder *b, const dp_ynode *node) {
  if (!dp_bind_expect_map(b, node, "'labels'")) return;
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *v = node->children[2 * i + 1];
    bool tag = key->text[0] != '\0';
    for (const char *c = key->text; *c; c++)
      tag = tag && (g_ascii_isalnum(*c) || *c == '-');
    if (!tag)
      dp_bind_error(b, key->mark, "'labels' maps languages (en, nb, de, ...) "
                    "to label texts, not '%s'", key->text);
    else if (v->kind != DP_YNODE_MAP)
      dp_bind_wrong(b, v, key->text, "a map of label texts such as "
                    "{public-defence: PhD defence}");
  }
}

static void bind_options(dp_binder *b, const dp_ynode *node, dp_house *h) {
  if (!dp_bind_expect_map(b, node, "'options'")) return;
  static const char *const keys[] = {"marks", "press", "preflight", NULL};
  dp_bind_check_keys(b, node, keys, "options");
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "marks"))) dp_bind_bool(b, v, "marks", &h->marks);
  if ((v = dp_ynode_map_get(node, "press"))) dp_bind_bool(b, v, "press", &h->press);
  if ((v = dp_ynode_map_get(node, "preflight")))
    dp_bind_bool(b, v, "preflight", &h->preflight);
}

/* A relative `institution.logo` is the house's: made absolute (and
 * confined) here, since the announcement binder resolves paths against
 * the announcement's folder. */
static void resolve_logo(dp_binder *b, const dp_settings *settings,
                         const char *dir, const dp_ynode *institution) {
  dp_ynode *logo = (dp_ynode *)dp_ynode_map_get(institution, "logo");
  if (!logo || logo->kind != DP_YNODE_SCALAR || dp_ynode_is_null(logo))
    return;
  char *problem = NULL;
  char *path = dp_confine_resolve(dp_settings_root(settings), dir, logo->text,
                                  &problem);
  if (!path) {
    dp_bind_error(b, logo->mark, "institution: image '%s' %s", logo->text,
                  problem);
    g_free(problem);
    return;
  }
  char *absolute = g_canonicalize_filename(path, NULL);
  g_free(path);
  if (!g_file_test(absolute, G_FILE_TEST_EXISTS)) {
    dp_bind_error(b, logo->mark, "institution: image '%s' (relative to the "
                  "house file's folder) does not exist", logo->text);
    g_free(absolute);
    return;
  }
  g_free(logo->text);
  logo->text = absolute;
  logo->length = strlen(absolute);
}

dp_house *dp_house_load(dp_diag *diag, const dp_settings *settings,
                        const char *path) {
  int errors = dp_diag_get_error_count(diag);
  size_t length;
  char *text = dp_ytree_read_file(diag, path, &length);
  if (!text) return NULL;
  dp_ytree *tree = dp_ytree_parse(diag, path, text, length);
  if (!tree) {
    g_free(text);
    return NULL;
  }
  dp_house *h = g_new0(dp_house, 1);
  h->refs = 1;
  h->path = g_strdup(path);
  h->serial = (unsigned long long)g_atomic_pointer_add(&last_serial, 1) + 1;
  h->tree = tree;
  dp_binder b;
  dp_binder_init(&b, diag, dp_ytree_get_name(tree), text, length);
  char *parent = g_path_get_dirname(path);
  char *dir = g_canonicalize_filename(parent, NULL);
  g_free(parent);
  const dp_ynode *root = dp_ytree_get_root(tree);
  dp_mark whole = DP_MARK_FILE(b.file);
  if (!root || root->kind != DP_YNODE_MAP) {
    dp_bind_error(&b, root ? root->mark : whole,
                  "a house file must be a map of keys such as 'house', "
                  "'institution' and 'colours'");
  } else {
    static const char *const keys[] = {
        "house", "institution", "colours", "fonts", "font-folders",
        "labels", "options", NULL};
    dp_bind_check_keys(&b, root, keys, "the house file");
    const dp_ynode *v = dp_ynode_map_get(root, "house");
    if (!v)
      dp_bind_error(&b, whole, "the house file has no 'house: 1' (the format "
                    "version)");
    else if (v->kind != DP_YNODE_SCALAR || strcmp(v->text, "1"))
      dp_bind_error(&b, v->mark, "unsupported house format: this disputas "
                    "reads 'house: 1'");
    if ((v = dp_ynode_map_get(root, "institution")) &&
        dp_bind_expect_map(&b, v, "'institution'"))
      resolve_logo(&b, settings, dir, v);
    if ((v = dp_ynode_map_get(root, "colours")))
      bind_names(&b, v, true, &h->colours, &h->colour_count);
    if ((v = dp_ynode_map_get(root, "fonts")))
      bind_names(&b, v, false, &h->fonts, &h->font_count);
    if ((v = dp_ynode_map_get(root, "font-folders")))
      bind_folders(&b, settings, dir, v, h);
    if ((v = dp_ynode_map_get(root, "labels"))) check_labels(&b, v);
    if ((v = dp_ynode_map_get(root, "options"))) bind_options(&b, v, h);
  }
  dp_bind_flush(&b);
  dp_binder_clear(&b);
  g_free(dir);
  g_free(text);
  if (dp_diag_get_error_count(diag) > errors) {
    dp_house_unref(h);
    return NULL;
  }
  return h;
}

dp_house *dp_house_ref(dp_house *house) {
  if (house) g_atomic_int_inc(&house->refs);
  return house;
}

static void names_free(dp_house_name *names, size_t count) {
  for (size_t i = 0; i < count; i++) {
    g_free(names[i].name);
    g_free(names[i].value);
  }
  g_free(names);
}

void dp_house_unref(dp_house *house) {
  if (!house || !g_atomic_int_dec_and_test(&house->refs)) return;
  g_free(house->path);
  names_free(house->colours, house->colour_count);
  names_free(house->fonts, house->font_count);
  for (size_t i = 0; i < house->font_folder_count; i++)
    g_free(house->font_folders[i]);
  g_free(house->font_folders);
  dp_ytree_free(house->tree);
  g_free(house);
}

const dp_ynode *dp_house_get_institution(const dp_house *house) {
  const dp_ynode *v = dp_ynode_map_get(dp_ytree_get_root(house->tree),
                                       "institution");
  return v && v->kind == DP_YNODE_MAP ? v : NULL;
}

const dp_ynode *dp_house_get_labels(const dp_house *house, const char *lang) {
  const dp_ynode *labels = dp_ynode_map_get(dp_ytree_get_root(house->tree),
                                            "labels");
  if (!labels || labels->kind != DP_YNODE_MAP || !lang) return NULL;
  size_t primary = strcspn(lang, "-_");
  const dp_ynode *found = NULL;
  for (size_t i = 0; i < labels->count; i++) {
    const char *tag = labels->children[2 * i]->text;
    const dp_ynode *v = labels->children[2 * i + 1];
    if (v->kind != DP_YNODE_MAP) continue;
    if (!g_ascii_strcasecmp(tag, lang)) return v;
    if (strlen(tag) == primary && !g_ascii_strncasecmp(tag, lang, primary))
      found = v;
  }
  return found;
}

static const char *lookup(const dp_house_name *names, size_t count,
                          const char *name) {
  for (size_t i = 0; i < count; i++)
    if (!strcmp(names[i].name, name)) return names[i].value;
  return NULL;
}

const char *dp_house_get_colour(const dp_house *house, const char *name) {
  return house ? lookup(house->colours, house->colour_count, name) : NULL;
}

const char *dp_house_get_font(const dp_house *house, const char *name) {
  return house ? lookup(house->fonts, house->font_count, name) : NULL;
}
