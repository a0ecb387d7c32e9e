/* layout-items: the content blocks of frames and flows (text, markdown,
 * each, group, qr, image, rule, space, break) and their conditions
 * (`if`, `unless`), bound into dp_item trees (layout.h).
 */
#include <glib.h>
#include <string.h>

#include "layout-private.h"
#include "length.h"
#include "template.h"

static const char *const item_kinds[] = {"text",  "markdown", "each",
                                         "group", "qr",       "image",
                                         "rule",  "space",    "break",
                                         NULL};

/* ---- Conditions ---------------------------------------------------- */

/* "PATH", "PATH == VALUE" or "PATH != VALUE", at byte `off` of the
 * condition `node`'s text, into `out`; false (reported) when it is none. */
static bool parse_comparison(binder *b, const dp_ynode *node, const char *t,
                             size_t off, dp_condition_alt *out) {
  const char *whole = node->text;
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
    ERR(b, dp_bind_offset_mark(&b->core, node, off + path_start),
        *path ? "'%s' is not a field path in condition '%s' (write PATH, "
                "\"PATH == VALUE\" or \"PATH != VALUE\", or several of "
                "them joined by ||)"
              : "missing field path%s in condition '%s' (write PATH, "
                "\"PATH == VALUE\" or \"PATH != VALUE\", or several of "
                "them joined by ||)",
        path, whole);
    ok = false;
  }
  char *equals = NULL;
  bool differs = false;
  if (op) {
    size_t op_off = off + (size_t)(op - t);
    if ((strncmp(op, "==", 2) == 0 || strncmp(op, "!=", 2) == 0) &&
        !strchr("=!<>", op[2] ? op[2] : 'x')) {
      differs = op[0] == '!';
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
            "'%.2s' needs a value to compare with in condition '%s'", op,
            whole);
        ok = false;
      } else {
        equals = g_strndup(v, vlen);
      }
    } else {
      ERR(b, dp_bind_offset_mark(&b->core, node, op_off),
          "unknown operator in condition '%s'; use == or !=", whole);
      ok = false;
    }
  }
  if (!ok) {
    g_free(path);
    g_free(equals);
    return false;
  }
  out->path = path;
  out->equals = equals;
  out->differs = differs;
  return true;
}

/* Whether the condition `t` calls `fn`, as "FN(ARG)"; *arg is then ARG,
 * stripped (g_free), or NULL when anything follows its ')'. */
static bool call_of(const char *t, const char *fn, char **arg) {
  size_t n = strlen(fn);
  if (strncmp(t, fn, n) != 0 || t[n] != '(') return false;
  const char *open = t + n + 1, *close = strchr(open, ')');
  *arg = close && !close[1]
             ? g_strstrip(g_strndup(open, (size_t)(close - open)))
             : NULL;
  return true;
}

/* One `if:` (`is_if`) or `unless:` condition `node` into `out`. */
static void bind_one_condition(binder *b, const dp_ynode *node, bool is_if,
                               dp_condition *out) {
  const dp_ynode *if_node = is_if ? node : NULL;
  const char *key = is_if ? "if" : "unless";
  if (node->kind != DP_YNODE_SCALAR || dp_ynode_is_null(node)) {
    dp_bind_wrong(&b->core, node, key, "a field path or \"PATH == VALUE\"");
    return;
  }
  const char *t = node->text;
  /* "made(NAME)": the plan makes a page of template NAME (a pad step's),
   * so that content can leave out what that page carries. */
  char *name = NULL;
  if (call_of(t, "made", &name)) {
    if (!name || !name[0]) {
      ERR(b, node->mark, "write 'made(TEMPLATE)' with a page template's "
                         "name, as 'made(practical)', not '%s'", t);
      g_free(name);
      return;
    }
    out->path = name;
    out->made = true;
    out->negate = !if_node;
    if (!b->made_refs)
      b->made_refs = g_array_new(FALSE, FALSE, sizeof(layout_made_ref));
    layout_made_ref ref = {name, node->mark};
    g_array_append_val(b->made_refs, ref);
    return;
  }
  /* "changed(PATH)": a row of a timetable whose field differs from the
   * row before (a place said once for the rows that share it). */
  char *path = NULL;
  if (call_of(t, "changed", &path)) {
    if (!path || !dp_is_field_path(path)) {
      ERR(b, node->mark, "write 'changed(PATH)' with a field path, as "
                         "'changed(venue)', not '%s'", t);
      g_free(path);
      return;
    }
    out->path = path;
    out->changed = true;
    out->negate = !if_node;
    return;
  }
  /* "every(COND)": in a timetable's head, COND holds for every entry of
   * the group (a day is struck when all its events are off); the
   * comparisons inside are bound as an `if`, the `unless` applies to
   * the whole. */
  char *inner = NULL;
  size_t off = 0;
  if (strncmp(t, "every(", 6) == 0) {
    size_t len = strlen(t);
    if (len < 8 || t[len - 1] != ')' || strchr(t + 6, '(')) {
      ERR(b, node->mark, "write 'every(CONDITION)' with comparisons, as "
                         "'every(status == cancelled)', not '%s'", t);
      return;
    }
    inner = g_strndup(t + 6, len - 7);
    t = inner;
    off = 6;
    out->every = true;
    out->every_unless = !if_node;
    if_node = node;
  }
  if (strstr(t, "||")) {
    /* "A || B == x || C != y": any of them holds. */
    char **parts = g_strsplit(t, "||", -1);
    size_t n = g_strv_length(parts);
    dp_condition_alt *alts = g_new0(dp_condition_alt, n);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
      ok &= parse_comparison(b, node, parts[i], off, &alts[i]);
      off += strlen(parts[i]) + 2;
    }
    g_strfreev(parts);
    if (ok) {
      out->path = g_strdup(alts[0].path);
      out->any = alts;
      out->any_count = n;
      out->negate = !if_node;
    } else {
      for (size_t i = 0; i < n; i++) {
        g_free(alts[i].path);
        g_free(alts[i].equals);
      }
      g_free(alts);
    }
    g_free(inner);
    return;
  }
  dp_condition_alt one = {0};
  bool ok = parse_comparison(b, node, t, off, &one);
  g_free(inner);
  if (!ok) return;
  out->path = one.path;
  out->equals = one.equals;
  out->negate = one.differs ? if_node != NULL : !if_node;
}

/* `if:` / `unless:` of `map` into `out`.  `if:` may be a list, each of
 * which must hold; with `unless` too, it must not. */
void layout_bind_condition(binder *b, const dp_ynode *map,
                           dp_condition *out) {
  const dp_ynode *if_node = dp_ynode_map_get(map, "if");
  const dp_ynode *unless_node = dp_ynode_map_get(map, "unless");
  dp_condition *next = out;
  if (if_node && if_node->kind == DP_YNODE_SEQ) {
    if (if_node->count == 0)
      ERR(b, if_node->mark, "'if' has an empty list; give a condition, or a "
                            "list of conditions that all hold");
    for (size_t i = 0; i < if_node->count; i++) {
      if (i > 0) next = next->also = g_new0(dp_condition, 1);
      bind_one_condition(b, if_node->children[i], true, next);
    }
  } else if (if_node) {
    bind_one_condition(b, if_node, true, next);
  }
  if (unless_node) {
    if (if_node) next = next->also = g_new0(dp_condition, 1);
    bind_one_condition(b, unless_node, false, next);
  }
}

void layout_condition_clear(dp_condition *c) {
  if (c->also) {
    layout_condition_clear(c->also);
    g_free(c->also);
  }
  for (size_t i = 0; i < c->any_count; i++) {
    g_free(c->any[i].path);
    g_free(c->any[i].equals);
  }
  g_free(c->any);
  g_free(c->path);
  g_free(c->equals);
}

/* ====================================================================
 *  Items
 * ==================================================================== */

static void item_free(dp_item *item);

void layout_items_free(dp_item **items, size_t count) {
  for (size_t i = 0; i < count; i++) item_free(items[i]);
  g_free(items);
}

static void item_free(dp_item *item) {
  if (!item) return;
  layout_condition_clear(&item->condition);
  for (size_t i = 0; i < item->run_count; i++)
    dp_template_free(item->runs[i].tmpl);
  g_free(item->runs);
  g_free(item->field);
  g_free(item->file);
  layout_items_free(item->children, item->child_count);
  dp_template_free(item->group_by);
  layout_items_free(item->head, item->head_count);
  dp_template_free(item->payload);
  g_free(item->colour);
  dp_template_free(item->alt);
  dp_template_free(item->lang);
  g_free(item->left_out);
  layout_items_free(item->instead, item->instead_count);
  g_free(item);
}

static const char *const halign_names[] = {
    "start",  "end",     "left",   "centre",  "center",
    "right",  "inside",  "outside", "justify", NULL};
static const int halign_values[] = {DP_HALIGN_START,  DP_HALIGN_END,
                                    DP_HALIGN_LEFT,   DP_HALIGN_CENTRE,
                                    DP_HALIGN_CENTRE, DP_HALIGN_RIGHT,
                                    DP_HALIGN_INSIDE, DP_HALIGN_OUTSIDE,
                                    DP_HALIGN_JUSTIFY};
static const char *const halign_shown[] = {"start",  "end",     "left",
                                           "centre", "right",   "inside",
                                           "outside", "justify", NULL};
static const char *const halign_shown_box[] = {"start",  "end",   "left",
                                               "centre", "right", "inside",
                                               "outside", NULL};

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
    item->runs[0].tmpl = layout_template_ref(b, value, "text");
  } else if (value->kind == DP_YNODE_SEQ) {
    item->runs = g_new0(dp_run, value->count);
    item->run_count = value->count;
    for (size_t i = 0; i < value->count; i++) {
      const dp_ynode *run = value->children[i];
      if (run->kind == DP_YNODE_SCALAR) {
        item->runs[i].tmpl = layout_template_ref(b, run, "text");
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
        item->runs[i].tmpl = layout_template_ref(b, t, "text");
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
                                               "keep-with-next", "optional",
                                               "left-out", "instead", NULL};
static const char *const *kind_keys(dp_item_kind kind) {
  static const char *const text[] = {"text", "style", "align", "lang", NULL};
  static const char *const markdown[] = {"markdown", "styles",
                                         "heading-shift", NULL};
  static const char *const each[] = {"each",     "content", "gap",
                                     "keep-together", "group-by", "head",
                                     "row-gap",  NULL};
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
  item->align = DP_HALIGN_START;
  item->kind = (dp_item_kind)kind;
  item->mark = node->mark;
  layout_bind_condition(b, node, &item->condition);
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "keep-with-next")))
    dp_bind_bool(&b->core, v, "keep-with-next", &item->keep_with_next);
  const dp_ynode *optional = dp_ynode_map_get(node, "optional");
  const dp_ynode *left_out = dp_ynode_map_get(node, "left-out");
  const dp_ynode *instead = dp_ynode_map_get(node, "instead");
  if (optional) {
    dp_bind_int(&b->core, optional, "optional", 1, 99, &item->optional);
    if (left_out) {
      const char *t = dp_bind_text(&b->core, left_out, "left-out");
      if (t) item->left_out = g_strdup(t);
    } else {
      ERR(b, optional->mark, "an optional item needs 'left-out': what the "
                             "warning says is left out (\"the supervisors\")");
    }
    if (instead)
      layout_bind_items(b, instead, "instead", &item->instead,
                        &item->instead_count);
  } else if (left_out || instead) {
    const dp_ynode *k = left_out ? left_out : instead;
    ERR(b, k->mark, "'%s' applies to an optional item: give it 'optional: "
                    "N' (a priority; 1 is left out first)",
        left_out ? "left-out" : "instead");
  }
  const dp_ynode *align = dp_ynode_map_get(node, "align");
  const dp_ynode *alt = dp_ynode_map_get(node, "alt");
  const dp_ynode *colour = dp_ynode_map_get(node, "colour");
  const dp_ynode *content = dp_ynode_map_get(node, "content");
  const dp_ynode *keep = dp_ynode_map_get(node, "keep-together");

  switch (item->kind) {
    case DP_ITEM_TEXT: {
      bind_text(b, node, value, item);
      if (align) bind_align(b, align, true, item);
      const dp_ynode *lang = dp_ynode_map_get(node, "lang");
      if (lang) item->lang = layout_template_ref(b, lang, "lang");
      break;
    }
    case DP_ITEM_MARKDOWN:
      item->field = layout_field_path(b, value, "markdown");
      bind_markdown(b, node, item);
      break;
    case DP_ITEM_EACH:
      item->field = layout_field_path(b, value, "each");
      if (content)
        layout_bind_items(b, content, "content", &item->children, &item->child_count);
      else
        ERR(b, node->mark, "an each item needs 'content' (what to show for "
                           "each entry)");
      if ((v = dp_ynode_map_get(node, "gap")))
        dp_bind_length(&b->core, v, "gap", false, &item->gap);
      if (keep) dp_bind_bool(&b->core, keep, "keep-together", &item->keep_together);
      const dp_ynode *group_by = dp_ynode_map_get(node, "group-by");
      if (group_by)
        item->group_by = layout_template_ref(b, group_by, "group-by");
      if ((v = dp_ynode_map_get(node, "head"))) {
        if (group_by)
          layout_bind_items(b, v, "head", &item->head, &item->head_count);
        else
          ERR(b, v->mark, "'head' is shown once before each group: it needs "
                          "'group-by'");
      }
      if ((v = dp_ynode_map_get(node, "row-gap"))) {
        if (group_by)
          dp_bind_length(&b->core, v, "row-gap", false, &item->row_gap);
        else
          ERR(b, v->mark, "'row-gap' is the space between the rows of a "
                          "group: it needs 'group-by'");
      }
      break;
    case DP_ITEM_GROUP:
      if (value->kind == DP_YNODE_SEQ) {
        if (content)
          ERR(b, content->mark, "give the group's items either as its value "
                                "or as 'content', not both");
        else
          layout_bind_items(b, value, "group", &item->children, &item->child_count);
      } else if (dp_ynode_is_null(value) ||
                 (value->kind == DP_YNODE_SCALAR &&
                  g_ascii_strcasecmp(value->text, "true") == 0)) {
        if (content)
          layout_bind_items(b, content, "content", &item->children,
                     &item->child_count);
        else
          ERR(b, node->mark, "a group item needs 'content'");
      } else {
        dp_bind_wrong(&b->core, value, "group", "a list of items (or empty, with 'content')");
      }
      if (keep) dp_bind_bool(&b->core, keep, "keep-together", &item->keep_together);
      break;
    case DP_ITEM_QR:
      item->payload = layout_template_ref(b, value, "qr");
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
      if (value->kind == DP_YNODE_SCALAR && layout_is_image_file(value->text))
        item->file = layout_image_file(b, value);
      else
        item->field = layout_field_path(b, value, "image");
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
      static const char *const breaks[] = {"frame", "page", "spare", NULL};
      static const int break_values[] = {DP_BREAK_FRAME, DP_BREAK_PAGE,
                                         DP_BREAK_SPARE};
      int k;
      if (dp_bind_choice(&b->core, value, "break", breaks, break_values, NULL, false, &k))
        item->break_kind = (dp_break_kind)k;
      break;
    }
  }
  if (alt && (item->kind == DP_ITEM_QR || item->kind == DP_ITEM_IMAGE)) {
    item->alt = layout_template_ref(b, alt, "alt");
  }
  return item;
}

void layout_bind_items(binder *b, const dp_ynode *list, const char *key,
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

