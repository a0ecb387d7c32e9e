/* layout: see layout.h; docs/layouts.md is the reference of the language.
 *
 * Binding runs in two passes over the YAML tree:
 *
 *  1. A pre-pass collects the names of colours, styles, page templates
 *     and flows and allocates their objects, so any reference can be
 *     checked (and point at its object) wherever it appears in the file.
 *  2. The main pass binds the top-level keys in file order, so problems
 *     are reported in the order they appear.  Styles are resolved when
 *     `styles` is met: each style first resolves its `based-on` parent
 *     (depth first, a cycle is reported once and broken), copies the
 *     parent's resolved fields and then applies its own.
 *
 * Frame edges are sums of terms ("bottom(title) + 6mm").  After a page
 * template's frames are bound, every EDGE(FRAME) term is checked against
 * the template's frames and the built-in page, content and bleed, and the
 * dependency graph is searched for cycles.  Its nodes are (frame, axis):
 * a horizontal key (left/right/width) of `a` referring to top(b) makes
 * a's horizontal placement depend on b's vertical one.  So `left:
 * left(b)` in `a` and `top: bottom(a)` in `b` is fine; `top: bottom(b)`
 * in `a` and `top: bottom(a)` in `b` is a cycle.
 *
 * Nothing stops at the first problem: every problem is reported at its
 * mark, and the model is freed and NULL returned if there was any.
 */
#include "layout.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bind.h"
#include "frame-expr.h"
#include "layout-private.h"
#include "paths.h"
#include "yaml-tree.h"

const char *const dp_builtin_layouts[] = {"poster", "booklet", "booklet-print",
                                          NULL};

/* ====================================================================
 *  The binder
 * ==================================================================== */


static void on_template_diagnostic(const dp_diagnostic *d, void *user) {
  binder *b = user;
  dp_bind_report(&b->core, d->severity, (dp_mark){b->core.file, d->line, d->column},
             g_strdup(d->message));
}

static dp_template *parse_template(binder *b, const char *source,
                                   dp_mark mark) {
  return dp_template_parse(b->templates_diag, source, mark);
}

static const char *const item_kinds[] = {"text",  "markdown", "each",
                                         "group", "qr",       "image",
                                         "rule",  "space",    "break",
                                         NULL};

/* ---- Names ---------------------------------------------------------- */

/* (transfer container) NULL-terminated names of the styles (all, or only
 * character or only paragraph styles: `which` -1, 1, 0). */
const char **layout_style_names(const binder *b, int which) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->style_count; i++)
    if (which < 0 || b->styles[i].character == (which == 1))
      g_ptr_array_add(a, b->m->styles[i]->name);
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

static const char **colour_names(const binder *b) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->colour_count; i++)
    g_ptr_array_add(a, b->m->colours[i].name);
  g_ptr_array_add(a, (gpointer) "black");
  g_ptr_array_add(a, (gpointer) "white");
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

static const char **template_names(const binder *b) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->template_count; i++)
    g_ptr_array_add(a, b->m->templates[i]->name);
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

static const char **flow_names(const binder *b) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->flow_count; i++)
    g_ptr_array_add(a, b->m->flows[i]->name);
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

style_info *layout_find_style(const binder *b, const char *name) {
  for (size_t i = 0; i < b->m->style_count; i++)
    if (strcmp(b->m->styles[i]->name, name) == 0) return &b->styles[i];
  return NULL;
}

static dp_page_template *find_template(const binder *b, const char *name) {
  for (size_t i = 0; i < b->m->template_count; i++)
    if (strcmp(b->m->templates[i]->name, name) == 0)
      return b->m->templates[i];
  return NULL;
}

static dp_flow *find_flow(const binder *b, const char *name) {
  for (size_t i = 0; i < b->m->flow_count; i++)
    if (strcmp(b->m->flows[i]->name, name) == 0) return b->m->flows[i];
  return NULL;
}

static bool colour_defined(const binder *b, const char *name) {
  if (strcmp(name, "black") == 0 || strcmp(name, "white") == 0) return true;
  for (size_t i = 0; i < b->m->colour_count; i++)
    if (strcmp(b->m->colours[i].name, name) == 0) return true;
  return false;
}

/* A colour reference: a defined name or "#rrggbb".  (transfer full) */
char *layout_colour_ref(binder *b, const dp_ynode *node, const char *key) {
  if (node->kind != DP_YNODE_SCALAR || dp_ynode_is_null(node)) {
    char *d = dp_bind_describe(node);
    ERR(b, node->mark,
        "'%s' must be a colour name or \"#rrggbb\", not %s%s", key, d,
        dp_ynode_is_null(node) ? " (quote literal colours: in YAML an "
                                 "unquoted # starts a comment)"
                               : "");
    g_free(d);
    return NULL;
  }
  const char *t = node->text;
  if (t[0] == '#') {
    if (dp_is_hex_colour(t)) return g_strdup(t);
    ERR(b, node->mark, "'%s' must be a colour as \"#rrggbb\", not '%s'", key,
        t);
    return NULL;
  }
  if (colour_defined(b, t)) return g_strdup(t);
  const char **names = colour_names(b);
  char *h = dp_bind_hint(t, names);
  ERR(b, node->mark, "unknown colour '%s'%s", t, h);
  g_free(h);
  g_free(names);
  return NULL;
}

/* A paragraph (`character` false) or character style by name, reported
 * with a suggestion when absent or of the other kind. */
const dp_style *layout_style_ref(binder *b, const dp_ynode *node,
                                 const char *key, bool character) {
  const char *name = dp_bind_text(&b->core, node, key);
  if (!name) return NULL;
  style_info *info = layout_find_style(b, name);
  if (info && info->character == character) return info->style;
  if (info) {
    ERR(b, node->mark,
        character ? "'%s' is a paragraph style; '%s' needs a character style "
                    "(one with 'character: true')"
                  : "'%s' is a character style; '%s' needs a paragraph style",
        name, key);
    return NULL;
  }
  const char **names = layout_style_names(b, character ? 1 : 0);
  char *h = dp_bind_hint(name, names);
  ERR(b, node->mark, "unknown %s style '%s'%s",
      character ? "character" : "paragraph", name, h);
  g_free(h);
  g_free(names);
  return NULL;
}

static dp_template *get_template(binder *b, const dp_ynode *node,
                                 const char *key) {
  if (node->kind != DP_YNODE_SCALAR) {
    dp_bind_wrong(&b->core, node, key, "text");
    return NULL;
  }
  return parse_template(b, node->text, dp_bind_content_mark(&b->core, node));
}

/* Field paths. (transfer full) */
static char *get_path(binder *b, const dp_ynode *node, const char *key) {
  const char *t = dp_bind_text(&b->core, node, key);
  if (!t) return NULL;
  if (dp_is_field_path(t)) return g_strdup(t);
  ERR(b, node->mark,
      "'%s' must be a field path such as thesis.title, not '%s'", key, t);
  return NULL;
}

/* ---- Conditions ----------------------------------------------------- */

/* `if:` / `unless:` of `map` into `out`. */
static void bind_condition(binder *b, const dp_ynode *map,
                           dp_condition *out) {
  const dp_ynode *if_node = dp_ynode_map_get(map, "if");
  const dp_ynode *unless_node = dp_ynode_map_get(map, "unless");
  if (if_node && unless_node) {
    for (size_t i = 0; i < map->count; i++)
      if (strcmp(map->children[2 * i]->text, "unless") == 0)
        ERR(b, map->children[2 * i]->mark,
            "give 'if' or 'unless', not both");
    return;
  }
  const dp_ynode *node = if_node ? if_node : unless_node;
  if (!node) return;
  const char *key = if_node ? "if" : "unless";
  if (node->kind != DP_YNODE_SCALAR || dp_ynode_is_null(node)) {
    dp_bind_wrong(&b->core, node, key, "a field path or \"PATH == VALUE\"");
    return;
  }
  const char *t = node->text;
  size_t len = strlen(t);
  /* The operator, if any. */
  const char *op = NULL;
  for (const char *p = t; *p; p++) {
    if (*p == '=' || *p == '!' || *p == '<' || *p == '>') {
      op = p;
      break;
    }
  }
  size_t path_start = 0, path_end = op ? (size_t)(op - t) : len;
  while (path_start < path_end && g_ascii_isspace(t[path_start]))
    path_start++;
  while (path_end > path_start && g_ascii_isspace(t[path_end - 1])) path_end--;
  char *path = g_strndup(t + path_start, path_end - path_start);
  bool ok = true;
  if (!dp_is_field_path(path)) {
    ERR(b, dp_bind_offset_mark(&b->core, node, path_start),
        *path ? "'%s' is not a field path in condition '%s' (write PATH, "
                "\"PATH == VALUE\" or \"PATH != VALUE\")"
              : "missing field path%s in condition '%s' (write PATH, "
                "\"PATH == VALUE\" or \"PATH != VALUE\")",
        path, t);
    ok = false;
  }
  char *equals = NULL;
  bool negate = !if_node;
  if (op) {
    size_t op_off = (size_t)(op - t);
    if ((strncmp(op, "==", 2) == 0 || strncmp(op, "!=", 2) == 0) &&
        !strchr("=!<>", op[2] ? op[2] : 'x')) {
      if (op[0] == '!') negate = !negate;
      const char *v = op + 2;
      while (g_ascii_isspace(*v)) v++;
      size_t vlen = strlen(v);
      while (vlen > 0 && g_ascii_isspace(v[vlen - 1])) vlen--;
      if (vlen >= 2 && (v[0] == '\'' || v[0] == '"') && v[vlen - 1] == v[0]) {
        v++;
        vlen -= 2;
      }
      if (vlen == 0) {
        ERR(b, dp_bind_offset_mark(&b->core, node, op_off),
            "'%.2s' needs a value to compare with in condition '%s'", op, t);
        ok = false;
      } else {
        equals = g_strndup(v, vlen);
      }
    } else {
      ERR(b, dp_bind_offset_mark(&b->core, node, op_off),
          "unknown operator in condition '%s'; use == or !=", t);
      ok = false;
    }
  }
  if (!ok) {
    g_free(path);
    g_free(equals);
    return;
  }
  out->path = path;
  out->equals = equals;
  out->negate = negate;
}

static void condition_clear(dp_condition *c) {
  g_free(c->path);
  g_free(c->equals);
}

/* ====================================================================
 *  Items
 * ==================================================================== */

static void item_free(dp_item *item);

static void items_free(dp_item **items, size_t count) {
  for (size_t i = 0; i < count; i++) item_free(items[i]);
  g_free(items);
}

static void item_free(dp_item *item) {
  if (!item) return;
  condition_clear(&item->condition);
  for (size_t i = 0; i < item->run_count; i++)
    dp_template_free(item->runs[i].tmpl);
  g_free(item->runs);
  g_free(item->field);
  items_free(item->children, item->child_count);
  dp_template_free(item->payload);
  g_free(item->colour);
  dp_template_free(item->alt);
  g_free(item);
}

static void bind_items(binder *b, const dp_ynode *list, const char *key,
                       dp_item ***out, size_t *count);

static const char *const halign_names[] = {"left",   "centre", "center",
                                           "right",  "inside", "outside",
                                           "justify", NULL};
static const int halign_values[] = {DP_HALIGN_LEFT,   DP_HALIGN_CENTRE,
                                    DP_HALIGN_CENTRE, DP_HALIGN_RIGHT,
                                    DP_HALIGN_INSIDE, DP_HALIGN_OUTSIDE,
                                    DP_HALIGN_JUSTIFY};
static const char *const halign_shown[] = {"left",   "centre",  "right",
                                           "inside", "outside", "justify",
                                           NULL};
static const char *const halign_shown_box[] = {"left", "centre", "right",
                                               "inside", "outside", NULL};

static void bind_align(binder *b, const dp_ynode *node, bool text,
                       dp_item *item) {
  int v;
  if (!dp_bind_choice(&b->core, node, "align", halign_names, halign_values,
                  text ? halign_shown : halign_shown_box, false, &v))
    return;
  if (v == DP_HALIGN_JUSTIFY && !text) {
    ERR(b, node->mark, "'align: justify' applies only to text");
    return;
  }
  item->align = (dp_halign)v;
  item->has_align = true;
}

/* The paragraph style `body`, the default of text and Markdown, or NULL
 * after reporting that there is none. */
static const dp_style *default_style(binder *b, const dp_ynode *item,
                                     const char *what, const char *key) {
  style_info *info = layout_find_style(b, "body");
  if (info && !info->character) return info->style;
  ERR(b, item->mark,
      "%s needs %s (there is no paragraph style named 'body' to use by "
      "default)",
      what, key);
  return NULL;
}

static void bind_text(binder *b, const dp_ynode *map, const dp_ynode *value,
                      dp_item *item) {
  if (value->kind == DP_YNODE_SCALAR) {
    item->runs = g_new0(dp_run, 1);
    item->run_count = 1;
    item->runs[0].tmpl = get_template(b, value, "text");
  } else if (value->kind == DP_YNODE_SEQ) {
    item->runs = g_new0(dp_run, value->count);
    item->run_count = value->count;
    for (size_t i = 0; i < value->count; i++) {
      const dp_ynode *run = value->children[i];
      if (run->kind == DP_YNODE_SCALAR) {
        item->runs[i].tmpl = get_template(b, run, "text");
        continue;
      }
      if (run->kind != DP_YNODE_MAP) {
        char *d = dp_bind_describe(run);
        ERR(b, run->mark,
            "a run must be text or a map with 'text' and 'style', not %s", d);
        g_free(d);
        continue;
      }
      static const char *const run_keys[] = {"text", "style", NULL};
      dp_bind_check_keys(&b->core, run, run_keys, "text run");
      const dp_ynode *t = dp_ynode_map_get(run, "text");
      const dp_ynode *s = dp_ynode_map_get(run, "style");
      if (!t)
        ERR(b, run->mark, "a text run needs 'text'");
      else
        item->runs[i].tmpl = get_template(b, t, "text");
      if (s) item->runs[i].style = layout_style_ref(b, s, "style", true);
    }
  } else {
    dp_bind_wrong(&b->core, value, "text", "text or a list of runs");
  }
  const dp_ynode *style = dp_ynode_map_get(map, "style");
  if (style)
    item->style = layout_style_ref(b, style, "style", false);
  else
    item->style = default_style(b, map, "a text item", "a 'style'");
}

static void bind_markdown(binder *b, const dp_ynode *map, dp_item *item) {
  dp_markdown_styles *md = &item->markdown;
  const dp_ynode *styles = dp_ynode_map_get(map, "styles");
  const dp_ynode *paragraph = NULL;
  if (styles && dp_bind_expect_map(&b->core, styles, "'styles'")) {
    static const char *const keys[] = {
        "paragraph", "heading",   "heading-1", "heading-2", "heading-3",
        "heading-4", "heading-5", "heading-6", "list",      "quote",
        NULL};
    dp_bind_check_keys(&b->core, styles, keys, "markdown styles");
    paragraph = dp_ynode_map_get(styles, "paragraph");
    /* `heading` first, so heading-N overrides it wherever it is written. */
    const dp_ynode *all = dp_ynode_map_get(styles, "heading");
    if (all) {
      const dp_style *s = layout_style_ref(b, all, "heading", false);
      for (int level = 0; level < 6; level++) md->heading[level] = s;
    }
    for (size_t i = 0; i < styles->count; i++) {
      const char *k = styles->children[2 * i]->text;
      const dp_ynode *v = styles->children[2 * i + 1];
      if (strncmp(k, "heading-", 8) == 0 && k[8] >= '1' && k[8] <= '6' &&
          !k[9])
        md->heading[k[8] - '1'] = layout_style_ref(b, v, k, false);
      else if (strcmp(k, "list") == 0)
        md->list = layout_style_ref(b, v, k, false);
      else if (strcmp(k, "quote") == 0)
        md->quote = layout_style_ref(b, v, k, false);
    }
  }
  if (paragraph)
    md->paragraph = layout_style_ref(b, paragraph, "paragraph", false);
  else
    md->paragraph = default_style(b, map, "a markdown item",
                                  "'styles: {paragraph: …}'");
  const dp_ynode *shift = dp_ynode_map_get(map, "heading-shift");
  if (shift) dp_bind_int(&b->core, shift, "heading-shift", -5, 5, &md->shift);
}

/* Keys of every kind, and those common to all. */
static const char *const common_item_keys[] = {"if", "unless",
                                               "keep-with-next", NULL};
static const char *const *kind_keys(dp_item_kind kind) {
  static const char *const text[] = {"text", "style", "align", NULL};
  static const char *const markdown[] = {"markdown", "styles",
                                         "heading-shift", NULL};
  static const char *const each[] = {"each", "content", "gap",
                                     "keep-together", NULL};
  static const char *const group[] = {"group", "content", "keep-together",
                                      NULL};
  static const char *const qr[] = {"qr",    "size",  "level", "colour",
                                   "align", "alt",   NULL};
  static const char *const image[] = {"image", "width", "height",
                                      "align", "alt",   "fit",  NULL};
  static const char *const rule[] = {"rule",   "thickness", "length",
                                     "colour", "align",     NULL};
  static const char *const space[] = {"space", NULL};
  static const char *const brk[] = {"break", NULL};
  static const char *const *const all[] = {text, markdown, each,  group, qr,
                                           image, rule,    space, brk};
  return all[kind];
}

static const char *const kind_article[] = {"a text", "a markdown", "an each",
                                           "a group", "a qr", "an image",
                                           "a rule", "a space", "a break"};

/* Reports keys that do not belong to an item of `kind`. */
static void check_item_keys(binder *b, const dp_ynode *map, int kind) {
  GPtrArray *all = g_ptr_array_new();
  GPtrArray *mine = g_ptr_array_new();
  for (int k = 0; k < 9; k++)
    for (const char *const *p = kind_keys((dp_item_kind)k); *p; p++) {
      g_ptr_array_add(all, (gpointer)*p);
      if (k == kind) g_ptr_array_add(mine, (gpointer)*p);
    }
  for (const char *const *p = common_item_keys; *p; p++) {
    g_ptr_array_add(all, (gpointer)*p);
    g_ptr_array_add(mine, (gpointer)*p);
  }
  g_ptr_array_add(all, NULL);
  g_ptr_array_add(mine, NULL);
  const char *const *known = kind < 0 ? (const char *const *)all->pdata
                                      : (const char *const *)mine->pdata;
  for (size_t i = 0; i < map->count; i++) {
    const dp_ynode *key = map->children[2 * i];
    if (dp_bind_in_list(key->text, known)) continue;
    if (kind >= 0 && dp_bind_in_list(key->text, item_kinds)) continue; /* two kinds */
    if (kind >= 0 && dp_bind_in_list(key->text, (const char *const *)all->pdata)) {
      ERR(b, key->mark, "'%s' does not apply to %s item", key->text,
          kind_article[kind]);
      continue;
    }
    char *h = dp_bind_hint(key->text, known);
    ERR(b, key->mark, "unknown key '%s' in %s item%s", key->text,
        kind < 0 ? "an" : item_kinds[kind], h);
    g_free(h);
  }
  g_ptr_array_free(all, TRUE);
  g_ptr_array_free(mine, TRUE);
}

static dp_item *bind_item(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_MAP) {
    char *d = dp_bind_describe(node);
    ERR(b, node->mark,
        "an item must be a map such as {text: \"…\", style: body}, not %s", d);
    g_free(d);
    return NULL;
  }
  int kind = -1;
  const dp_ynode *kind_key = NULL, *value = NULL;
  bool two = false;
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    for (int k = 0; item_kinds[k]; k++) {
      if (strcmp(key->text, item_kinds[k]) != 0) continue;
      if (kind < 0) {
        kind = k;
        kind_key = key;
        value = node->children[2 * i + 1];
      } else {
        ERR(b, key->mark,
            "an item has one kind, but this one has both '%s' and '%s' "
            "(start another item with '-')",
            kind_key->text, key->text);
        two = true;
      }
    }
  }
  check_item_keys(b, node, kind);
  if (kind < 0) {
    bool all_known = true;
    for (size_t i = 0; i < node->count; i++) {
      const char *k = node->children[2 * i]->text;
      bool known = dp_bind_in_list(k, common_item_keys);
      for (int j = 0; j < 9 && !known; j++)
        known = dp_bind_in_list(k, kind_keys((dp_item_kind)j));
      all_known = all_known && known;
    }
    if (all_known) {
      char *list = dp_bind_alternatives(item_kinds);
      ERR(b, node->mark, "an item needs one of %s", list);
      g_free(list);
    }
    return NULL;
  }
  if (two) return NULL;

  dp_item *item = g_new0(dp_item, 1);
  item->kind = (dp_item_kind)kind;
  item->mark = node->mark;
  bind_condition(b, node, &item->condition);
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "keep-with-next")))
    dp_bind_bool(&b->core, v, "keep-with-next", &item->keep_with_next);
  const dp_ynode *align = dp_ynode_map_get(node, "align");
  const dp_ynode *alt = dp_ynode_map_get(node, "alt");
  const dp_ynode *colour = dp_ynode_map_get(node, "colour");
  const dp_ynode *content = dp_ynode_map_get(node, "content");
  const dp_ynode *keep = dp_ynode_map_get(node, "keep-together");

  switch (item->kind) {
    case DP_ITEM_TEXT:
      bind_text(b, node, value, item);
      if (align) bind_align(b, align, true, item);
      break;
    case DP_ITEM_MARKDOWN:
      item->field = get_path(b, value, "markdown");
      bind_markdown(b, node, item);
      break;
    case DP_ITEM_EACH:
      item->field = get_path(b, value, "each");
      if (content)
        bind_items(b, content, "content", &item->children, &item->child_count);
      else
        ERR(b, node->mark, "an each item needs 'content' (what to show for "
                           "each entry)");
      if ((v = dp_ynode_map_get(node, "gap")))
        dp_bind_length(&b->core, v, "gap", false, &item->gap);
      if (keep) dp_bind_bool(&b->core, keep, "keep-together", &item->keep_together);
      break;
    case DP_ITEM_GROUP:
      if (value->kind == DP_YNODE_SEQ) {
        if (content)
          ERR(b, content->mark, "give the group's items either as its value "
                                "or as 'content', not both");
        else
          bind_items(b, value, "group", &item->children, &item->child_count);
      } else if (dp_ynode_is_null(value) ||
                 (value->kind == DP_YNODE_SCALAR &&
                  g_ascii_strcasecmp(value->text, "true") == 0)) {
        if (content)
          bind_items(b, content, "content", &item->children,
                     &item->child_count);
        else
          ERR(b, node->mark, "a group item needs 'content'");
      } else {
        dp_bind_wrong(&b->core, value, "group", "a list of items (or empty, with 'content')");
      }
      if (keep) dp_bind_bool(&b->core, keep, "keep-together", &item->keep_together);
      break;
    case DP_ITEM_QR:
      item->payload = get_template(b, value, "qr");
      item->width = 30 * DP_PT_PER_MM;
      item->qr_level = 1;
      if ((v = dp_ynode_map_get(node, "size")) &&
          dp_bind_length(&b->core, v, "size", false, &item->width) && item->width == 0) {
        ERR(b, v->mark, "'size' of a QR code must be more than 0");
      }
      if ((v = dp_ynode_map_get(node, "level"))) {
        static const char *const levels[] = {"L", "M", "Q", "H", NULL};
        static const int level_values[] = {0, 1, 2, 3};
        dp_bind_choice(&b->core, v, "level", levels, level_values, NULL, false,
                   &item->qr_level);
      }
      if (colour) item->colour = layout_colour_ref(b, colour, "colour");
      if (align) bind_align(b, align, false, item);
      break;
    case DP_ITEM_IMAGE:
      item->field = get_path(b, value, "image");
      if ((v = dp_ynode_map_get(node, "width")))
        dp_bind_length(&b->core, v, "width", false, &item->width);
      if ((v = dp_ynode_map_get(node, "height")))
        dp_bind_length(&b->core, v, "height", false, &item->height);
      if (align) bind_align(b, align, false, item);
      if ((v = dp_ynode_map_get(node, "fit"))) {
        static const char *const fits[] = {"contain", "cover", NULL};
        static const int fit_values[] = {0, 1};
        int k;
        if (dp_bind_choice(&b->core, v, "fit", fits, fit_values, NULL, false, &k))
          item->cover = k == 1;
        if (item->cover && !(item->width > 0 && item->height > 0))
          ERR(b, v->mark, "'fit: cover' needs both 'width' and 'height'");
      }
      break;
    case DP_ITEM_RULE:
      if (!dp_ynode_is_null(value) &&
          !(value->kind == DP_YNODE_SCALAR &&
            g_ascii_strcasecmp(value->text, "true") == 0))
        dp_bind_wrong(&b->core, value, "rule", "empty or true (settings go beside it)");
      item->height = 0.5;
      if ((v = dp_ynode_map_get(node, "thickness")) &&
          dp_bind_length(&b->core, v, "thickness", false, &item->height) &&
          item->height == 0)
        ERR(b, v->mark, "'thickness' must be more than 0");
      if ((v = dp_ynode_map_get(node, "length"))) {
        size_t n = v->kind == DP_YNODE_SCALAR ? strlen(v->text) : 0;
        double pct;
        if (n > 1 && v->text[n - 1] == '%' &&
            dp_scan_number(v->text, &pct) == n - 1) {
          if (pct <= 0 || pct > 100)
            ERR(b, v->mark, "'length' must be from 0%% (excluded) to 100%%, "
                            "not '%s'", v->text);
          else
            item->fraction = pct / 100.0;
        } else {
          dp_bind_length(&b->core, v, "length", false, &item->width);
        }
      }
      if (colour) item->colour = layout_colour_ref(b, colour, "colour");
      if (align) bind_align(b, align, false, item);
      break;
    case DP_ITEM_SPACE:
      dp_bind_length(&b->core, value, "space", true, &item->space);
      break;
    case DP_ITEM_BREAK: {
      static const char *const breaks[] = {"frame", "page", NULL};
      static const int break_values[] = {DP_BREAK_FRAME, DP_BREAK_PAGE};
      int k;
      if (dp_bind_choice(&b->core, value, "break", breaks, break_values, NULL, false, &k))
        item->break_kind = (dp_break_kind)k;
      break;
    }
  }
  if (alt && (item->kind == DP_ITEM_QR || item->kind == DP_ITEM_IMAGE)) {
    item->alt = get_template(b, alt, "alt");
  }
  return item;
}

static void bind_items(binder *b, const dp_ynode *list, const char *key,
                       dp_item ***out, size_t *count) {
  if (list->kind != DP_YNODE_SEQ) {
    dp_bind_wrong(&b->core, list, key, "a list of items");
    return;
  }
  GPtrArray *items = g_ptr_array_new();
  for (size_t i = 0; i < list->count; i++) {
    dp_item *item = bind_item(b, list->children[i]);
    if (item) g_ptr_array_add(items, item);
  }
  *count = items->len;
  *out = (dp_item **)g_ptr_array_free(items, FALSE);
}

/* ====================================================================
 *  Frames and page templates
 * ==================================================================== */

static void frame_free(dp_frame *f) {
  if (!f) return;
  g_free(f->name);
  dp_expr_free(f->left);
  dp_expr_free(f->right);
  dp_expr_free(f->width);
  dp_expr_free(f->top);
  dp_expr_free(f->bottom);
  dp_expr_free(f->height);
  dp_expr_free(f->max_height);
  g_free(f->flow);
  items_free(f->content, f->content_count);
  g_free(f->fill);
  g_free(f->stroke);
  condition_clear(&f->condition);
  g_free(f);
}

static dp_frame *bind_frame(binder *b, const dp_ynode *node, size_t index,
                            GArray *refs) {
  if (!dp_bind_expect_map(&b->core, node, "a frame")) return NULL;
  static const char *const keys[] = {
      "name",   "left",       "right",  "width",   "top",          "bottom",
      "height", "max-height", "flow",   "content", "fit",          "min-scale",
      "valign", "columns",    "column-gap", "balance", "fill",     "stroke",
      "stroke-width", "radius", "padding", "if",    "unless",      NULL};
  dp_bind_check_keys(&b->core, node, keys, "frame");
  dp_frame *f = g_new0(dp_frame, 1);
  f->mark = node->mark;
  f->fit = DP_FIT_ERROR;
  f->min_scale = 1.0;
  f->valign = DP_VALIGN_TOP;
  f->columns = 1;
  f->column_gap = 5 * DP_PT_PER_MM;
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "name"))) {
    const char *name = dp_bind_text(&b->core, v, "name");
    if (name && !dp_is_identifier(name))
      ERR(b, v->mark, "a frame name may hold only letters, digits, '-' and "
                      "'_', not '%s'", name);
    else if (name && dp_bind_in_list(name, dp_builtin_frames))
      ERR(b, v->mark, "'%s' is a built-in frame; choose another name", name);
    else if (name)
      f->name = g_strdup(name);
  }

  /* Edges, in file order, so the third of a trio is the one reported. */
  int horizontal = 0, vertical = 0;
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *value = node->children[2 * i + 1];
    const char *k = key->text;
    dp_expr **slot = NULL;
    bool vert = false;
    if (!strcmp(k, "left")) slot = &f->left;
    else if (!strcmp(k, "right")) slot = &f->right;
    else if (!strcmp(k, "width")) slot = &f->width;
    else if (!strcmp(k, "top")) slot = &f->top, vert = true;
    else if (!strcmp(k, "bottom")) slot = &f->bottom, vert = true;
    else if (!strcmp(k, "height")) slot = &f->height, vert = true;
    else if (!strcmp(k, "max-height")) slot = &f->max_height, vert = true;
    if (!slot) continue;
    *slot = dp_expr_parse(&b->core, value, k, vert, index * 2 + vert, refs);
    if (strcmp(k, "max-height") == 0) continue;
    int *count = vert ? &vertical : &horizontal;
    if (++*count == 3)
      ERR(b, key->mark,
          vert ? "a frame takes at most two of top, bottom and height"
               : "a frame takes at most two of left, right and width");
  }
  if (f->max_height &&
      (dp_ynode_map_get(node, "height") ||
       (dp_ynode_map_get(node, "top") && dp_ynode_map_get(node, "bottom")))) {
    const dp_ynode *mh = dp_ynode_map_get(node, "max-height");
    ERR(b, mh->mark, "'max-height' applies only to a frame of automatic "
                     "height (no 'height', and not both 'top' and 'bottom')");
  }

  const dp_ynode *flow = dp_ynode_map_get(node, "flow");
  const dp_ynode *content = dp_ynode_map_get(node, "content");
  if (flow && content) {
    ERR(b, node->mark, "a frame takes its content from a 'flow' or from "
                       "'content', not both");
  } else if (flow) {
    const char *name = dp_bind_text(&b->core, flow, "flow");
    if (name && find_flow(b, name)) {
      f->flow = g_strdup(name);
    } else if (name) {
      const char **names = flow_names(b);
      char *h = dp_bind_hint(name, names);
      ERR(b, flow->mark, "unknown flow '%s'%s", name, h);
      g_free(h);
      g_free(names);
    }
  } else if (content) {
    bind_items(b, content, "content", &f->content, &f->content_count);
  }

  const dp_ynode *fit = dp_ynode_map_get(node, "fit");
  if (fit) {
    static const char *const fits[] = {"error", "shrink", NULL};
    static const int fit_values[] = {DP_FIT_ERROR, DP_FIT_SHRINK};
    int k;
    if (dp_bind_choice(&b->core, fit, "fit", fits, fit_values, NULL, false, &k))
      f->fit = (dp_fit)k;
  }
  if (f->fit == DP_FIT_SHRINK) f->min_scale = 0.5;
  if ((v = dp_ynode_map_get(node, "min-scale"))) {
    if (fit && f->fit != DP_FIT_SHRINK)
      ERR(b, v->mark, "'min-scale' applies only with 'fit: shrink'");
    else if (!fit)
      ERR(b, v->mark, "'min-scale' applies only with 'fit: shrink'");
    else
      dp_bind_number(&b->core, v, "min-scale", 0.0, true, 1.0, &f->min_scale);
  }
  if ((v = dp_ynode_map_get(node, "valign"))) {
    static const char *const valigns[] = {"top", "middle", "bottom", NULL};
    static const int valign_values[] = {DP_VALIGN_TOP, DP_VALIGN_MIDDLE,
                                        DP_VALIGN_BOTTOM};
    int k;
    if (dp_bind_choice(&b->core, v, "valign", valigns, valign_values, NULL, false, &k))
      f->valign = (dp_valign)k;
  }
  if ((v = dp_ynode_map_get(node, "columns")))
    dp_bind_int(&b->core, v, "columns", 1, 4, &f->columns);
  if ((v = dp_ynode_map_get(node, "column-gap")))
    dp_bind_length(&b->core, v, "column-gap", false, &f->column_gap);
  if ((v = dp_ynode_map_get(node, "balance")))
    dp_bind_bool(&b->core, v, "balance", &f->balance);
  if ((v = dp_ynode_map_get(node, "fill")))
    f->fill = layout_colour_ref(b, v, "fill");
  if ((v = dp_ynode_map_get(node, "stroke"))) {
    f->stroke = layout_colour_ref(b, v, "stroke");
    f->stroke_width = 0.5;
  }
  if ((v = dp_ynode_map_get(node, "stroke-width")))
    dp_bind_length(&b->core, v, "stroke-width", false, &f->stroke_width);
  if ((v = dp_ynode_map_get(node, "radius")))
    dp_bind_length(&b->core, v, "radius", false, &f->radius);
  if ((v = dp_ynode_map_get(node, "padding")))
    dp_bind_length(&b->core, v, "padding", false, &f->padding);
  bind_condition(b, node, &f->condition);
  return f;
}

static void bind_template(binder *b, dp_page_template *t,
                          const dp_ynode *node) {
  char *where = g_strdup_printf("template '%s'", t->name);
  if (!dp_bind_expect_map(&b->core, node, where)) {
    g_free(where);
    return;
  }
  static const char *const keys[] = {"frames", "verso", NULL};
  dp_bind_check_keys(&b->core, node, keys, where);
  g_free(where);
  const dp_ynode *verso = dp_ynode_map_get(node, "verso");
  if (verso) {
    const char *name = dp_bind_text(&b->core, verso, "verso");
    const dp_page_template *v = name ? find_template(b, name) : NULL;
    if (name && !v) {
      const char **names = template_names(b);
      char *h = dp_bind_hint(name, names);
      ERR(b, verso->mark, "unknown template '%s'%s", name, h);
      g_free(h);
      g_free(names);
    } else if (v == t) {
      ERR(b, verso->mark, "template '%s' cannot be its own verso", t->name);
    } else {
      t->verso = v;
    }
  }
  const dp_ynode *frames = dp_ynode_map_get(node, "frames");
  if (!frames) {
    ERR(b, node->mark, "template '%s' needs 'frames'", t->name);
    return;
  }
  if (frames->kind != DP_YNODE_SEQ) {
    dp_bind_wrong(&b->core, frames, "frames", "a list of frames");
    return;
  }
  GArray *refs = g_array_new(FALSE, TRUE, sizeof(dp_frame_ref));
  t->frames = g_new0(dp_frame *, frames->count + 1);
  for (size_t i = 0; i < frames->count; i++) {
    dp_frame *f = bind_frame(b, frames->children[i], t->frame_count, refs);
    if (!f) continue;
    if (f->name) {
      for (size_t j = 0; j < t->frame_count; j++) {
        if (t->frames[j]->name && strcmp(t->frames[j]->name, f->name) == 0) {
          const dp_ynode *name = dp_ynode_map_get(frames->children[i], "name");
          ERR(b, name->mark,
              "frame '%s' is defined twice in template '%s' (first at line "
              "%d)",
              f->name, t->name, t->frames[j]->mark.line);
          g_free(f->name);
          f->name = NULL;
          break;
        }
      }
    }
    t->frames[t->frame_count++] = f;
  }
  const char **names = g_new0(const char *, t->frame_count + 1);
  for (size_t i = 0; i < t->frame_count; i++) names[i] = t->frames[i]->name;
  dp_frame_refs_check(&b->core, t->name, names, t->frame_count, refs);
  g_free(names);
  g_array_free(refs, TRUE);
}

/* ====================================================================
 *  Top level
 * ==================================================================== */

static void bind_page(binder *b, const dp_ynode *node) {
  if (!dp_bind_expect_map(&b->core, node, "'page'")) return;
  static const char *const keys[] = {"size", "orientation", "margins", "bleed",
                                     NULL};
  dp_bind_check_keys(&b->core, node, keys, "page");
  dp_layout_model *m = b->m;
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "size"))) {
    static const char *const names[] = {"A3", "A4", "A5", "A6", "letter",
                                        "legal", NULL};
    static const int values[] = {0, 1, 2, 3, 4, 5};
    static const double sizes[][2] = {{297, 420}, {210, 297},
                                      {148, 210}, {105, 148},
                                      {215.9, 279.4}, {215.9, 355.6}};
    if (v->kind == DP_YNODE_SEQ) {
      double w = 0, h = 0;
      if (v->count != 2) {
        ERR(b, v->mark, "'size' as a list takes two lengths, [width, height]");
      } else if (dp_bind_length(&b->core, v->children[0], "size", false, &w) &&
                 dp_bind_length(&b->core, v->children[1], "size", false, &h)) {
        if (w <= 0 || h <= 0) {
          ERR(b, v->mark, "the page's width and height must be more than 0");
        } else {
          m->page_width = w;
          m->page_height = h;
        }
      }
    } else {
      int k;
      if (v->kind == DP_YNODE_SCALAR) {
        for (k = 0; names[k]; k++)
          if (g_ascii_strcasecmp(names[k], v->text) == 0) break;
        if (names[k]) {
          m->page_width = sizes[values[k]][0] * DP_PT_PER_MM;
          m->page_height = sizes[values[k]][1] * DP_PT_PER_MM;
          goto size_done;
        }
        char *h = dp_bind_hint(v->text, names);
        ERR(b, v->mark,
            "unknown page size '%s'%s; use A3, A4, A5, A6, letter, legal or "
            "[width, height]",
            v->text, h);
        g_free(h);
      } else {
        dp_bind_wrong(&b->core, v, "size", "a page size such as A4 or [width, height]");
      }
    }
  }
size_done:
  if ((v = dp_ynode_map_get(node, "orientation"))) {
    static const char *const names[] = {"portrait", "landscape", NULL};
    static const int values[] = {0, 1};
    int k;
    if (dp_bind_choice(&b->core, v, "orientation", names, values, NULL, false, &k)) {
      bool landscape = m->page_width > m->page_height;
      if ((k == 1) != landscape) {
        double t = m->page_width;
        m->page_width = m->page_height;
        m->page_height = t;
      }
    }
  }
  if ((v = dp_ynode_map_get(node, "margins"))) {
    if (v->kind == DP_YNODE_MAP) {
      static const char *const sides[] = {"top",  "bottom", "inside",
                                          "outside", "left", "right", NULL};
      dp_bind_check_keys(&b->core, v, sides, "margins");
      double *slots[] = {&m->margin_top,    &m->margin_bottom,
                         &m->margin_inside, &m->margin_outside,
                         &m->margin_inside, &m->margin_outside};
      for (int i = 0; sides[i]; i++) {
        const dp_ynode *side = dp_ynode_map_get(v, sides[i]);
        if (!side) continue;
        if (i >= 4 && dp_ynode_map_get(v, sides[i - 2])) {
          for (size_t j = 0; j < v->count; j++)
            if (!strcmp(v->children[2 * j]->text, sides[i]))
              ERR(b, v->children[2 * j]->mark,
                  "'%s' and '%s' are the same margin; give one", sides[i - 2],
                  sides[i]);
          continue;
        }
        dp_bind_length(&b->core, side, sides[i], false, slots[i]);
      }
    } else if (v->kind == DP_YNODE_SCALAR) {
      double all;
      if (dp_bind_length(&b->core, v, "margins", false, &all))
        m->margin_top = m->margin_bottom = m->margin_inside =
            m->margin_outside = all;
    } else {
      dp_bind_wrong(&b->core, v, "margins", "a length or a map of top, bottom, inside and "
                             "outside");
    }
  }
  if ((v = dp_ynode_map_get(node, "bleed")))
    dp_bind_length(&b->core, v, "bleed", false, &m->bleed);
}

static void bind_pages(binder *b, const dp_ynode *node) {
  if (!dp_bind_expect_map(&b->core, node, "'pages'")) return;
  static const char *const keys[] = {"multiple-of", "max", NULL};
  dp_bind_check_keys(&b->core, node, keys, "pages");
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "multiple-of")))
    dp_bind_int(&b->core, v, "multiple-of", 1, DP_MAX_PAGES, &b->m->pages_multiple);
  if ((v = dp_ynode_map_get(node, "max")))
    dp_bind_int(&b->core, v, "max", 1, DP_MAX_PAGES, &b->m->pages_max);
}

/* `preflight: true`, or a map of its settings, which turns it on too:
 * `preflight: {min-text-size: 6pt}`.  `m` is the model being bound (the
 * base model for a layout that extends another). */
static void bind_preflight(binder *b, const dp_ynode *node,
                           dp_layout_model *m) {
  if (node->kind == DP_YNODE_MAP) {
    static const char *const keys[] = {"min-text-size", NULL};
    dp_bind_check_keys(&b->core, node, keys, "preflight");
    m->preflight = true;
    const dp_ynode *v = dp_ynode_map_get(node, "min-text-size");
    if (v) dp_bind_length(&b->core, v, "min-text-size", false, &m->preflight_min_text_size);
    return;
  }
  if (node->kind == DP_YNODE_SCALAR &&
      (!g_ascii_strcasecmp(node->text, "true") ||
       !g_ascii_strcasecmp(node->text, "false"))) {
    m->preflight = !g_ascii_strcasecmp(node->text, "true");
    return;
  }
  dp_bind_wrong(&b->core, node, "preflight",
        "true, false or a map such as {min-text-size: 6pt}");
}

static void bind_colours(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_MAP) return; /* reported in the pre-pass */
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *v = node->children[2 * i + 1];
    dp_named_colour *c = NULL;
    for (size_t j = 0; j < b->m->colour_count; j++)
      if (b->m->colours[j].mark.line == key->mark.line &&
          b->m->colours[j].mark.column == key->mark.column)
        c = &b->m->colours[j];
    if (!c) continue; /* a bad name, reported in the pre-pass */
    if (v->kind != DP_YNODE_SCALAR || dp_ynode_is_null(v)) {
      char *d = dp_bind_describe(v);
      ERR(b, v->mark, "colour '%s' must be \"#rrggbb\" or a template that "
                      "gives one, not %s%s",
          key->text, d,
          dp_ynode_is_null(v) ? " (quote literal colours: in YAML an "
                                "unquoted # starts a comment)"
                              : "");
      g_free(d);
      continue;
    }
    if (!strchr(v->text, '{') && !strchr(v->text, '[') &&
        !dp_is_hex_colour(v->text)) {
      ERR(b, v->mark, "colour '%s' must be \"#rrggbb\" or a template that "
                      "gives one, not '%s'",
          key->text, v->text);
      continue;
    }
    c->value = parse_template(b, v->text, dp_bind_content_mark(&b->core, v));
  }
}

static void bind_flows(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_MAP) return;
  for (size_t i = 0; i < node->count; i++) {
    dp_flow *flow = find_flow(b, node->children[2 * i]->text);
    const dp_ynode *v = node->children[2 * i + 1];
    if (!flow) continue;
    char *key = g_strdup_printf("flow '%s'", flow->name);
    if (v->kind != DP_YNODE_SEQ) {
      char *d = dp_bind_describe(v);
      ERR(b, v->mark, "%s must be a list of items, not %s", key, d);
      g_free(d);
    } else {
      bind_items(b, v, key, &flow->items, &flow->count);
    }
    g_free(key);
  }
}

static void bind_templates(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_MAP) return;
  for (size_t i = 0; i < node->count; i++) {
    dp_page_template *t = find_template(b, node->children[2 * i]->text);
    if (t) bind_template(b, t, node->children[2 * i + 1]);
  }
}

/* True if template `name`'s YAML has a frame with `flow: flow`. */
static bool template_has_flow(const binder *b, const char *name,
                              const char *flow) {
  const dp_ynode *t = dp_ynode_map_get(b->templates_node, name);
  const dp_ynode *frames = t ? dp_ynode_map_get(t, "frames") : NULL;
  if (!frames || frames->kind != DP_YNODE_SEQ) return true; /* reported */
  for (size_t i = 0; i < frames->count; i++) {
    const dp_ynode *f = dp_ynode_map_get(frames->children[i], "flow");
    if (f && f->kind == DP_YNODE_SCALAR && strcmp(f->text, flow) == 0)
      return true;
  }
  return false;
}

/* True if template `name` has no `verso:`, or its verso has a frame with
 * `flow: flow` (checked on the YAML: templates may come after the
 * sequence in the file). */
static bool verso_has_flow(const binder *b, const char *name,
                           const char *flow) {
  const dp_ynode *t = dp_ynode_map_get(b->templates_node, name);
  const dp_ynode *verso = t ? dp_ynode_map_get(t, "verso") : NULL;
  if (!verso || verso->kind != DP_YNODE_SCALAR) return true;
  if (!dp_ynode_map_get(b->templates_node, verso->text)) return true;
  return template_has_flow(b, verso->text, flow);
}

static const dp_page_template *get_template_ref(binder *b,
                                                const dp_ynode *node) {
  const char *name = dp_bind_text(&b->core, node, "template");
  if (!name) return NULL;
  const dp_page_template *t = find_template(b, name);
  if (t) return t;
  const char **names = template_names(b);
  char *h = dp_bind_hint(name, names);
  ERR(b, node->mark, "unknown template '%s'%s", name, h);
  g_free(h);
  g_free(names);
  return NULL;
}

static void bind_sequence(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_SEQ) {
    dp_bind_wrong(&b->core, node, "sequence", "a list of page templates");
    return;
  }
  if (node->count == 0) {
    ERR(b, node->mark, "'sequence' is empty: name at least one page template");
    return;
  }
  b->m->sequence = g_new0(dp_sequence_step, node->count);
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *step = node->children[i];
    dp_sequence_step *s = &b->m->sequence[b->m->sequence_count];
    s->mark = step->mark;
    if (step->kind == DP_YNODE_SCALAR) {
      s->page_template = get_template_ref(b, step);
    } else if (step->kind == DP_YNODE_MAP) {
      static const char *const keys[] = {"template", "flow", "pad", "if",
                                         "unless", NULL};
      dp_bind_check_keys(&b->core, step, keys, "sequence step");
      const dp_ynode *t = dp_ynode_map_get(step, "template");
      const dp_ynode *flow = dp_ynode_map_get(step, "flow");
      const dp_ynode *pad = dp_ynode_map_get(step, "pad");
      if (t)
        s->page_template = get_template_ref(b, t);
      else
        ERR(b, step->mark, "a sequence step needs 'template'");
      if (flow && pad) {
        ERR(b, pad->mark, "a step repeats for a 'flow' or to 'pad', not both");
      } else if (flow) {
        const char *name = dp_bind_text(&b->core, flow, "flow");
        if (name && !find_flow(b, name)) {
          const char **names = flow_names(b);
          char *h = dp_bind_hint(name, names);
          ERR(b, flow->mark, "unknown flow '%s'%s", name, h);
          g_free(h);
          g_free(names);
        } else if (name && s->page_template &&
                   !template_has_flow(b, s->page_template->name, name)) {
          ERR(b, flow->mark,
              "template '%s' has no frame for flow '%s' (a frame with "
              "'flow: %s')",
              s->page_template->name, name, name);
        } else if (name && s->page_template &&
                   !verso_has_flow(b, s->page_template->name, name)) {
          ERR(b, flow->mark,
              "the verso of template '%s' has no frame for flow '%s' (a "
              "frame with 'flow: %s')",
              s->page_template->name, name, name);
        } else if (name) {
          s->flow = g_strdup(name);
        }
      } else if (pad) {
        dp_bind_bool(&b->core, pad, "pad", &s->pad);
      }
      bind_condition(b, step, &s->condition);
    } else {
      char *d = dp_bind_describe(step);
      ERR(b, step->mark, "a sequence step must be a template name or a map "
                         "with 'template', not %s", d);
      g_free(d);
      continue;
    }
    b->m->sequence_count++;
  }
}

/* Collects names and allocates objects (see the top of this file). */
static void prepass(binder *b) {
  dp_layout_model *m = b->m;
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(b->root, "colours"))) {
    if (dp_bind_expect_map(&b->core, v, "'colours'")) {
      m->colours = g_new0(dp_named_colour, v->count);
      for (size_t i = 0; i < v->count; i++) {
        const dp_ynode *key = v->children[2 * i];
        if (!dp_is_identifier(key->text)) {
          ERR(b, key->mark, "a colour name may hold only letters, digits, '-' "
                            "and '_', not '%s'", key->text);
          continue;
        }
        if (!strcmp(key->text, "black") || !strcmp(key->text, "white")) {
          ERR(b, key->mark, "'%s' is a built-in colour; choose another name",
              key->text);
          continue;
        }
        dp_named_colour *c = &m->colours[m->colour_count++];
        c->name = g_strdup(key->text);
        c->mark = key->mark;
      }
    }
  }
  if ((v = dp_ynode_map_get(b->root, "styles")) &&
      dp_bind_expect_map(&b->core, v, "'styles'")) {
    m->styles = g_new0(dp_style *, v->count);
    b->styles = g_new0(style_info, v->count);
    for (size_t i = 0; i < v->count; i++) {
      dp_style *s = g_new0(dp_style, 1);
      dp_style_init(s);
      s->name = g_strdup(v->children[2 * i]->text);
      s->mark = v->children[2 * i]->mark;
      style_info *info = &b->styles[m->style_count];
      info->style = s;
      info->key = v->children[2 * i];
      info->node = v->children[2 * i + 1];
      const dp_ynode *ch = dp_ynode_map_get(info->node, "character");
      info->character = ch && ch->kind == DP_YNODE_SCALAR &&
                        g_ascii_strcasecmp(ch->text, "true") == 0;
      m->styles[m->style_count++] = s;
    }
  }
  if ((v = dp_ynode_map_get(b->root, "templates")) &&
      dp_bind_expect_map(&b->core, v, "'templates'")) {
    b->templates_node = v;
    m->templates = g_new0(dp_page_template *, v->count);
    for (size_t i = 0; i < v->count; i++) {
      dp_page_template *t = g_new0(dp_page_template, 1);
      t->name = g_strdup(v->children[2 * i]->text);
      t->mark = v->children[2 * i]->mark;
      m->templates[m->template_count++] = t;
    }
  }
  if ((v = dp_ynode_map_get(b->root, "flows")) &&
      dp_bind_expect_map(&b->core, v, "'flows'")) {
    m->flows = g_new0(dp_flow *, v->count);
    for (size_t i = 0; i < v->count; i++) {
      dp_flow *f = g_new0(dp_flow, 1);
      f->name = g_strdup(v->children[2 * i]->text);
      f->mark = v->children[2 * i]->mark;
      m->flows[m->flow_count++] = f;
    }
  }
}

/* Creep compensation can move pages at most this far: beyond it the
 * booklet has too many sheets to saddle-stitch anyway. */
#define MAX_CREEP (5 * DP_PT_PER_MM)

static void bind_creep(binder *b, const dp_ynode *v, dp_layout_model *m) {
  double creep;
  if (!dp_bind_length(&b->core, v, "creep", false, &creep)) return;
  if (creep > MAX_CREEP) {
    ERR(b, v->mark, "'creep' is at most 5mm, not '%s'", v->text);
    return;
  }
  m->creep = creep;
}

/* How deep `extends` may chain: a layout that extends one that extends
 * another is plenty; the limit stops a cycle of files extending each
 * other. */
#define MAX_EXTENDS_DEPTH 4

static _Thread_local int extends_depth; /* loads nest on one thread */

static bool is_path_name(const char *s);

/* A layout with `extends: BASE` is the base layout with a few top-level
 * keys changed: a product that differs from another only in its
 * imposition or marks (booklet-print extends booklet).  Returns the
 * model, or NULL after reporting. */
static dp_layout_model *bind_extension(binder *b, const dp_ynode *extends) {
  const dp_ynode *root = b->root;
  static const char *const keys[] = {"layout", "extends", "name",
                                     "description", "impose", "marks", "creep",
                                     "outline", "preflight", NULL};
  dp_bind_check_keys(&b->core, root, keys, "a layout that extends another");
  const char *base_name = dp_bind_text(&b->core, extends, "extends");
  if (!base_name) return NULL;
  if (!is_path_name(base_name) && !dp_bind_in_list(base_name, dp_builtin_layouts)) {
    char *h = dp_bind_hint(base_name, dp_builtin_layouts);
    ERR(b, extends->mark, "unknown layout '%s'%s; extend a built-in layout or "
                          "a layout file (a path ending in .yaml)", base_name, h);
    g_free(h);
    return NULL;
  }
  if (extends_depth >= MAX_EXTENDS_DEPTH) {
    ERR(b, extends->mark, "layouts extend each other more than %d deep "
                          "(a cycle?)", MAX_EXTENDS_DEPTH);
    return NULL;
  }
  /* A relative path is relative to this layout's folder. */
  char *base_path = NULL;
  if (is_path_name(base_name) && !g_path_is_absolute(base_name)) {
    char *dir = g_path_get_dirname(b->m->path);
    base_path = g_build_filename(dir, base_name, NULL);
    g_free(dir);
  }
  extends_depth++;
  int before = dp_diag_get_error_count(b->core.diag);
  dp_layout_model *base =
      dp_layout_model_load(b->core.diag, base_path ? base_path : base_name);
  extends_depth--;
  g_free(base_path);
  if (!base) {
    if (dp_diag_get_error_count(b->core.diag) == before)
      ERR(b, extends->mark, "cannot read the layout '%s'", base_name);
    return NULL;
  }
  for (size_t i = 0; i < root->count; i++) {
    const char *k = root->children[2 * i]->text;
    const dp_ynode *v = root->children[2 * i + 1];
    if (!strcmp(k, "name")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) {
        g_free(base->name);
        base->name = g_strdup(t);
      }
    } else if (!strcmp(k, "description")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) {
        g_free(base->description);
        base->description = g_strdup(t);
      }
    } else if (!strcmp(k, "impose")) {
      static const char *const names[] = {"none", "saddle-stitch", NULL};
      static const int values[] = {DP_IMPOSE_NONE, DP_IMPOSE_SADDLE_STITCH};
      int x;
      if (dp_bind_choice(&b->core, v, k, names, values, NULL, false, &x))
        base->impose = (dp_imposition)x;
    } else if (!strcmp(k, "outline")) {
      dp_bind_bool(&b->core, v, k, &base->outline);
    } else if (!strcmp(k, "marks")) {
      dp_bind_bool(&b->core, v, k, &base->marks);
    } else if (!strcmp(k, "creep")) {
      bind_creep(b, v, base);
    } else if (!strcmp(k, "preflight")) {
      bind_preflight(b, v, base);
    }
  }
  g_free(base->path);
  base->path = g_strdup(b->m->path);
  /* The pages are the base's, unless the bookmarks changed. */
  char *slash = base->compose_key ? strrchr(base->compose_key, '/') : NULL;
  if (slash) {
    *slash = '\0';
    char *key = g_strdup_printf("%s/%d", base->compose_key, base->outline);
    g_free(base->compose_key);
    base->compose_key = key;
  }
  return base;
}

static void bind_root(binder *b) {
  dp_layout_model *m = b->m;
  const dp_ynode *root = b->root;
  dp_mark whole = {b->core.file, 0, 0};
  if (!root || root->kind != DP_YNODE_MAP) {
    if (root) {
      char *d = dp_bind_describe(root);
      ERR(b, root->mark, "a layout must be a map of keys such as 'layout', "
                         "'page' and 'sequence', not %s", d);
      g_free(d);
    } else {
      ERR(b, whole, "the layout is empty");
    }
    return;
  }
  static const char *const keys[] = {
      "layout",  "name",    "description", "page",   "pages",
      "impose",  "outline", "marks",       "creep",   "colours", "styles",
      "templates", "flows", "sequence",    "extends", "preflight", NULL};
  const dp_ynode *extends = dp_ynode_map_get(root, "extends");
  if (extends) {
    if (!dp_ynode_map_get(root, "layout"))
      ERR(b, whole, "the layout has no 'layout: 1' (the format version)");
    b->extended = bind_extension(b, extends);
    return;
  }
  dp_bind_check_keys(&b->core, root, keys, "the layout");
  if (!dp_ynode_map_get(root, "layout"))
    ERR(b, whole, "the layout has no 'layout: 1' (the format version)");
  prepass(b);

  for (size_t i = 0; i < root->count; i++) {
    const char *k = root->children[2 * i]->text;
    const dp_ynode *v = root->children[2 * i + 1];
    if (!strcmp(k, "layout")) {
      if (v->kind != DP_YNODE_SCALAR || strcmp(v->text, "1") != 0) {
        char *d = dp_bind_describe(v);
        ERR(b, v->mark, "unsupported layout format %s: this disputas reads "
                        "'layout: 1'", d);
        g_free(d);
      }
    } else if (!strcmp(k, "name")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) {
        g_free(m->name);
        m->name = g_strdup(t);
      }
    } else if (!strcmp(k, "description")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) m->description = g_strdup(t);
    } else if (!strcmp(k, "page")) {
      bind_page(b, v);
    } else if (!strcmp(k, "pages")) {
      bind_pages(b, v);
    } else if (!strcmp(k, "impose")) {
      static const char *const names[] = {"none", "saddle-stitch", NULL};
      static const int values[] = {DP_IMPOSE_NONE, DP_IMPOSE_SADDLE_STITCH};
      int x;
      if (dp_bind_choice(&b->core, v, k, names, values, NULL, false, &x))
        m->impose = (dp_imposition)x;
    } else if (!strcmp(k, "outline")) {
      dp_bind_bool(&b->core, v, k, &m->outline);
    } else if (!strcmp(k, "marks")) {
      dp_bind_bool(&b->core, v, k, &m->marks);
    } else if (!strcmp(k, "creep")) {
      bind_creep(b, v, m);
    } else if (!strcmp(k, "preflight")) {
      bind_preflight(b, v, m);
    } else if (!strcmp(k, "colours")) {
      bind_colours(b, v);
    } else if (!strcmp(k, "styles")) {
      if (v->kind != DP_YNODE_MAP) continue;
      GPtrArray *chain = g_ptr_array_new();
      for (size_t j = 0; j < m->style_count; j++)
        layout_style_resolve(b, &b->styles[j], chain);
      g_ptr_array_free(chain, TRUE);
    } else if (!strcmp(k, "templates")) {
      bind_templates(b, v);
    } else if (!strcmp(k, "flows")) {
      bind_flows(b, v);
    } else if (!strcmp(k, "sequence")) {
      bind_sequence(b, v);
    }
  }
  if (!dp_ynode_map_get(root, "sequence"))
    ERR(b, whole, "the layout has no 'sequence' (the list of pages to make)");
}

/* (transfer full) "poster" for "layouts/poster.yaml". */
static char *stem_of(const char *path) {
  char *base = g_path_get_basename(path);
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  return base;
}

static dp_layout_model *bind(dp_diag *diag, const char *name,
                             const char *text, size_t length,
                             const char *model_path) {
  int errors = dp_diag_get_error_count(diag);
  dp_ytree *tree = dp_ytree_parse(diag, name, text, length);
  if (!tree) return NULL;
  binder b = {0};
  dp_binder_init(&b.core, diag, dp_ytree_get_name(tree), text, length);
  b.templates_diag = dp_diag_new();
  dp_diag_set_print(b.templates_diag, false);
  dp_diag_set_callback(b.templates_diag, on_template_diagnostic, &b);
  b.root = dp_ytree_get_root(tree);
  dp_layout_model *m = g_new0(dp_layout_model, 1);
  b.m = m;
  m->path = g_strdup(model_path);
  m->name = stem_of(model_path);
  m->mark = (dp_mark){b.core.file, 1, 1};
  m->page_width = 210 * DP_PT_PER_MM;
  m->page_height = 297 * DP_PT_PER_MM;
  m->pages_multiple = 1;
  m->preflight_min_text_size = 6; /* points */
  bind_root(&b);
  if (b.extended) {
    dp_layout_model_free(m);
    m = b.extended;
  } else {
    char *digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
                                               (const guchar *)text, length);
    m->compose_key = g_strdup_printf("%s/%d", digest, m->outline);
    g_free(digest);
  }
  dp_bind_flush(&b.core);
  dp_binder_clear(&b.core);
  dp_diag_free(b.templates_diag);
  g_free(b.styles);
  dp_ytree_free(tree);
  if (dp_diag_get_error_count(diag) > errors) {
    dp_layout_model_free(m);
    return NULL;
  }
  return m;
}

dp_layout_model *dp_layout_model_load_data(dp_diag *diag, const char *name,
                                           const char *text, size_t length) {
  return bind(diag, name, text, length, name);
}

static bool is_path_name(const char *s) {
  return strchr(s, '/') || g_str_has_suffix(s, ".yaml") ||
         g_str_has_suffix(s, ".yml");
}

dp_layout_model *dp_layout_model_load(dp_diag *diag,
                                      const char *name_or_path) {
  char *path;
  if (is_path_name(name_or_path)) {
    path = g_strdup(name_or_path);
  } else if (dp_bind_in_list(name_or_path, dp_builtin_layouts)) {
    char *file = g_strconcat(name_or_path, ".yaml", NULL);
    path = dp_paths_build("layouts", file, NULL);
    g_free(file);
  } else {
    char *h = dp_bind_hint(name_or_path, dp_builtin_layouts);
    char *list = dp_bind_alternatives(dp_builtin_layouts);
    dp_error(diag, ((dp_mark){NULL, 0, 0}),
        "unknown layout '%s'%s; give a built-in layout (%s) or a path to a "
        "layout file",
        name_or_path, h, list);
    g_free(list);
    g_free(h);
    return NULL;
  }
  /* Read here rather than with dp_ytree_load_file: the binder wants the
   * text to tell quoted scalars (for the columns of templates). */
  size_t length;
  char *text = dp_ytree_read_file(diag, path, &length);
  dp_layout_model *m = NULL;
  if (text)
    m = bind(diag, path, text, length,
             is_path_name(name_or_path) ? path : name_or_path);
  g_free(text);
  g_free(path);
  return m;
}

static void flow_free(dp_flow *f) {
  if (!f) return;
  g_free(f->name);
  items_free(f->items, f->count);
  g_free(f);
}

static void template_free(dp_page_template *t) {
  if (!t) return;
  g_free(t->name);
  for (size_t i = 0; i < t->frame_count; i++) frame_free(t->frames[i]);
  g_free(t->frames);
  g_free(t);
}

void dp_layout_model_free(dp_layout_model *m) {
  if (!m) return;
  g_free(m->name);
  g_free(m->description);
  g_free(m->path);
  g_free(m->compose_key);
  for (size_t i = 0; i < m->style_count; i++) layout_style_free(m->styles[i]);
  g_free(m->styles);
  for (size_t i = 0; i < m->colour_count; i++) {
    g_free(m->colours[i].name);
    dp_template_free(m->colours[i].value);
  }
  g_free(m->colours);
  for (size_t i = 0; i < m->template_count; i++) template_free(m->templates[i]);
  g_free(m->templates);
  for (size_t i = 0; i < m->flow_count; i++) flow_free(m->flows[i]);
  g_free(m->flows);
  for (size_t i = 0; i < m->sequence_count; i++) {
    g_free(m->sequence[i].flow);
    condition_clear(&m->sequence[i].condition);
  }
  g_free(m->sequence);
  g_free(m);
}

const dp_style *dp_layout_model_get_style(const dp_layout_model *layout,
                                          const char *name) {
  for (size_t i = 0; i < layout->style_count; i++)
    if (strcmp(layout->styles[i]->name, name) == 0) return layout->styles[i];
  return NULL;
}

const dp_frame *dp_page_template_get_frame(const dp_page_template *tmpl,
                                           const char *name) {
  for (size_t i = 0; i < tmpl->frame_count; i++)
    if (tmpl->frames[i]->name && strcmp(tmpl->frames[i]->name, name) == 0)
      return tmpl->frames[i];
  return NULL;
}
