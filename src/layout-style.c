/* layout-style: the `styles` of a layout, applied and resolved.
 *
 * A style is resolved when `styles` is bound: it first resolves its
 * `based-on` parent (depth first; a cycle is reported once and broken),
 * copies the parent's resolved fields, then applies its own keys.  A
 * character style (`character: true`) keeps only the keys it sets
 * (dp_style.set), for spans inside a paragraph.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "layout-private.h"
#include "length.h"
#include "richtext.h"

/* Type larger than this is not text but a picture: FreeType and Pango
 * fail on sizes of tens of thousands of points, and an A0 poster's
 * largest headline is a few hundred. */
#define MAX_FONT_SIZE 1000.0

void layout_style_free(dp_style *s) {
  if (!s) return;
  g_free(s->name);
  g_free(s->family);
  g_free(s->font);
  g_free(s->features);
  g_free(s->colour_name);
  g_free(s);
}

/* Copies `from`'s fields into `to`, keeping `to`'s name and mark. */
static void style_copy(dp_style *to, const dp_style *from) {
  char *name = to->name;
  dp_mark mark = to->mark;
  g_free(to->family);
  g_free(to->font);
  g_free(to->features);
  g_free(to->colour_name);
  *to = *from;
  to->name = name;
  to->mark = mark;
  to->family = g_strdup(from->family);
  to->font = g_strdup(from->font);
  to->features = g_strdup(from->features);
  to->colour_name = g_strdup(from->colour_name);
}

static const char *const character_keys[] = {
    "family", "weight", "italic", "stretch", "size", "colour",
    "letter-spacing", "features", "underline", "strikethrough", "transform",
    NULL};

/* `typography`: true (every rule), false (none) or a list of the rules
 * to apply. */
static void apply_typography(binder *b, const dp_ynode *v, dp_style *s) {
  static const char *const names[] = {"quotes", "apostrophes", "dashes",
                                      "ellipsis", "spaces", NULL};
  static const char *const expected =
      "true, false or a list of quotes, apostrophes, dashes, ellipsis, spaces";
  if (v->kind == DP_YNODE_SCALAR) {
    bool on;
    if (dp_bind_bool(&b->core, v, "typography", &on))
      s->typography = on ? DP_TYPO_ALL : 0;
    return;
  }
  if (v->kind != DP_YNODE_SEQ) {
    dp_bind_wrong(&b->core, v, "typography", expected);
    return;
  }
  unsigned rules = 0;
  for (size_t i = 0; i < v->count; i++) {
    const dp_ynode *n = v->children[i];
    int bit = -1;
    for (int k = 0; names[k] && n->kind == DP_YNODE_SCALAR; k++)
      if (!strcmp(n->text, names[k])) bit = k;
    if (bit < 0) {
      dp_bind_wrong(&b->core, n, "typography", expected);
      return;
    }
    rules |= 1u << bit;
  }
  s->typography = rules;
}

static void apply_features(binder *b, const dp_ynode *v, dp_style *s) {
  if (v->kind != DP_YNODE_SEQ) {
    dp_bind_wrong(&b->core, v, "features", "a list of OpenType tags such as [smcp, onum]");
    return;
  }
  GString *out = g_string_new(NULL);
  bool ok = true;
  for (size_t i = 0; i < v->count; i++) {
    const dp_ynode *tag = v->children[i];
    const char *t = tag->kind == DP_YNODE_SCALAR ? tag->text : "";
    size_t len = strlen(t);
    const char *eq = strchr(t, '=');
    size_t tag_len = eq ? (size_t)(eq - t) : len;
    bool valid = tag_len == 4;
    for (size_t j = 0; j < tag_len && valid; j++)
      valid = g_ascii_isalnum(t[j]);
    if (valid && eq) {
      valid = eq[1] != '\0';
      for (const char *q = eq + 1; *q && valid; q++) valid = g_ascii_isdigit(*q);
    }
    if (!valid) {
      char *d = dp_bind_describe(tag);
      ERR(b, tag->mark, "a feature must be a four-letter OpenType tag such as "
                        "smcp or onum (or tag=N), not %s", d);
      g_free(d);
      ok = false;
      continue;
    }
    if (out->len) g_string_append(out, ", ");
    if (eq)
      g_string_append(out, t);
    else
      g_string_append_printf(out, "%s=1", t);
  }
  if (ok) {
    g_free(s->features);
    s->features = out->len ? g_strdup(out->str) : NULL;
  }
  g_string_free(out, TRUE);
}

/* Applies the keys of style `info`'s map over its (inherited) fields. */
static void apply_style(binder *b, style_info *info) {
  dp_style *s = info->style;
  const dp_ynode *map = info->node;
  for (size_t i = 0; i < map->count; i++) {
    const char *k = map->children[2 * i]->text;
    const dp_ynode *kn = map->children[2 * i];
    const dp_ynode *v = map->children[2 * i + 1];
    if (!strcmp(k, "based-on") || !strcmp(k, "character")) continue;
    if (info->character && !dp_bind_in_list(k, character_keys)) {
      ERR(b, kn->mark,
          "'%s' is a paragraph setting; character style '%s' can set only "
          "family, weight, italic, stretch, size, colour, letter-spacing, "
          "features, underline, strikethrough and transform",
          k, s->name);
      continue;
    }
    unsigned bit = 0;
    if (!strcmp(k, "family")) {
      /* A named font of the layout, or a family as written. */
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) {
        const dp_named_font *named = layout_find_font(b, t);
        g_free(s->family);
        g_free(s->font);
        s->family = g_strdup(named ? named->family : t);
        s->font = named ? g_strdup(named->name) : NULL;
        s->family_mark = named ? named->mark : v->mark;
        bit = DP_STYLE_FAMILY;
      }
    } else if (!strcmp(k, "weight")) {
      static const char *const names[] = {
          "thin",     "extra-light", "light", "regular", "normal",
          "medium",   "semibold",    "bold",  "extra-bold", "black", NULL};
      static const int values[] = {100, 200, 300, 400, 400,
                                   500, 600, 700, 800, 900};
      int w = 0;
      if (v->kind == DP_YNODE_SCALAR && g_ascii_isdigit(v->text[0])) {
        if (dp_bind_int(&b->core, v, k, 100, 900, &w)) bit = DP_STYLE_WEIGHT;
      } else if (dp_bind_choice(&b->core, v, k, names, values, NULL, false, &w)) {
        bit = DP_STYLE_WEIGHT;
      }
      if (bit) s->weight = w;
    } else if (!strcmp(k, "italic")) {
      if (dp_bind_bool(&b->core, v, k, &s->italic)) bit = DP_STYLE_ITALIC;
    } else if (!strcmp(k, "stretch")) {
      static const char *const names[] = {
          "ultra-condensed", "extra-condensed", "condensed",
          "semi-condensed",  "normal",          "semi-expanded",
          "expanded",        "extra-expanded",  "ultra-expanded", NULL};
      static const int values[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
      if (dp_bind_choice(&b->core, v, k, names, values, NULL, false, &s->stretch))
        bit = DP_STYLE_STRETCH;
    } else if (!strcmp(k, "size")) {
      double size;
      if (dp_bind_length(&b->core, v, k, false, &size)) {
        if (size <= 0) {
          ERR(b, v->mark, "'size' must be more than 0");
        } else if (size > MAX_FONT_SIZE) {
          ERR(b, v->mark, "'size' is at most %gpt, not '%s'", MAX_FONT_SIZE,
              v->text);
        } else {
          s->size = size;
          bit = DP_STYLE_SIZE;
        }
      }
    } else if (!strcmp(k, "line-height")) {
      double x;
      if (v->kind == DP_YNODE_SCALAR &&
          dp_scan_number(v->text, &x) == strlen(v->text)) {
        if (dp_bind_number(&b->core, v, k, 0.0, true, 10.0, &x)) {
          s->line_height = x;
          info->line_height_points = 0;
        }
      } else if (dp_bind_length(&b->core, v, k, false, &x)) {
        if (x <= 0)
          ERR(b, v->mark, "'line-height' must be more than 0");
        else
          info->line_height_points = x;
      }
    } else if (!strcmp(k, "letter-spacing")) {
      if (dp_bind_length(&b->core, v, k, true, &s->letter_spacing))
        bit = DP_STYLE_LETTER_SPACING;
    } else if (!strcmp(k, "colour")) {
      char *c = layout_colour_ref(b, v, k);
      if (c) {
        g_free(s->colour_name);
        s->colour_name = c;
        bit = DP_STYLE_COLOUR;
      }
    } else if (!strcmp(k, "align")) {
      static const char *const names[] = {"start",  "end",     "left",
                                          "right",  "centre",  "center",
                                          "justify", NULL};
      static const char *const shown[] = {"start", "end",    "left", "right",
                                          "centre", "justify", NULL};
      static const int values[] = {DP_ALIGN_START,  DP_ALIGN_END,
                                   DP_ALIGN_LEFT,   DP_ALIGN_RIGHT,
                                   DP_ALIGN_CENTRE, DP_ALIGN_CENTRE,
                                   DP_ALIGN_JUSTIFY};
      int a;
      if (dp_bind_choice(&b->core, v, k, names, values, shown, false, &a))
        s->align = (dp_align)a;
    } else if (!strcmp(k, "hyphenate")) {
      dp_bind_bool(&b->core, v, k, &s->hyphenate);
    } else if (!strcmp(k, "typography")) {
      apply_typography(b, v, s);
    } else if (!strcmp(k, "balance")) {
      dp_bind_bool(&b->core, v, k, &s->balance);
    } else if (!strcmp(k, "expansion")) {
      dp_bind_number(&b->core, v, k, 0, false, 0.05, &s->expansion);
    } else if (!strcmp(k, "tracking")) {
      dp_bind_number(&b->core, v, k, 0, false, 0.05, &s->tracking);
    } else if (!strcmp(k, "hanging")) {
      dp_bind_number(&b->core, v, k, 0, false, 1, &s->hanging);
    } else if (!strcmp(k, "space-before")) {
      dp_bind_length(&b->core, v, k, false, &s->space_before);
    } else if (!strcmp(k, "space-after")) {
      dp_bind_length(&b->core, v, k, false, &s->space_after);
    } else if (!strcmp(k, "first-indent")) {
      dp_bind_length(&b->core, v, k, true, &s->first_indent);
    } else if (!strcmp(k, "left-indent")) {
      dp_bind_length(&b->core, v, k, false, &s->left_indent);
    } else if (!strcmp(k, "transform")) {
      static const char *const names[] = {"none", "uppercase", "lowercase",
                                          "capitalize", NULL};
      static const int values[] = {DP_TRANSFORM_NONE, DP_TRANSFORM_UPPERCASE,
                                   DP_TRANSFORM_LOWERCASE,
                                   DP_TRANSFORM_CAPITALIZE};
      int t;
      if (dp_bind_choice(&b->core, v, k, names, values, NULL, false, &t)) {
        s->transform = (dp_transform)t;
        bit = DP_STYLE_TRANSFORM;
      }
    } else if (!strcmp(k, "features")) {
      apply_features(b, v, s);
      bit = DP_STYLE_FEATURES;
    } else if (!strcmp(k, "underline")) {
      if (dp_bind_bool(&b->core, v, k, &s->underline)) bit = DP_STYLE_UNDERLINE;
    } else if (!strcmp(k, "strikethrough")) {
      if (dp_bind_bool(&b->core, v, k, &s->strikethrough))
        bit = DP_STYLE_STRIKETHROUGH;
    } else if (!strcmp(k, "keep-with-next")) {
      dp_bind_bool(&b->core, v, k, &s->keep_with_next);
    } else if (!strcmp(k, "widows")) {
      dp_bind_int(&b->core, v, k, 1, 20, &s->widows);
    } else if (!strcmp(k, "orphans")) {
      dp_bind_int(&b->core, v, k, 1, 20, &s->orphans);
    } else if (!strcmp(k, "outline-level")) {
      dp_bind_int(&b->core, v, k, 0, 6, &s->outline_level);
    } else if (!strcmp(k, "heading")) {
      dp_bind_int(&b->core, v, k, 0, 6, &s->heading);
    } else if (!strcmp(k, "emphasis") || !strcmp(k, "strong") ||
               !strcmp(k, "code") || !strcmp(k, "link")) {
      int span = !strcmp(k, "emphasis") ? DP_SPAN_EMPHASIS
                 : !strcmp(k, "strong") ? DP_SPAN_STRONG
                 : !strcmp(k, "code")   ? DP_SPAN_CODE
                                        : DP_SPAN_LINK;
      s->spans[span] = layout_style_ref(b, v, k, true);
    }
    if (info->character) s->set |= bit;
  }
  if (info->line_height_points > 0)
    s->line_height = info->line_height_points / s->size;
}


/* The changes the layouts extending this one make to style `info`
 * (binder.overlays), applied over its own keys, before any style based
 * on it copies it: they cascade as the style's own would. */
static void apply_overlays(binder *b, style_info *info) {
  static const char *const keys[] = {
      "family",       "weight",       "italic",       "stretch",
      "size",         "line-height",  "letter-spacing", "colour",
      "align",        "hyphenate",    "balance",      "expansion",
      "tracking",     "hanging",
      "typography",   "space-before", "space-after",  "first-indent",
      "left-indent",  "transform",    "features",     "underline",
      "strikethrough",
      "keep-with-next", "widows",     "orphans",      "emphasis",
      "strong",       "code",         "link",         "outline-level",
      "heading",      "based-on",     "character",    NULL};
  for (guint i = 0; b->overlays && i < b->overlays->len; i++) {
    binder *ov = g_ptr_array_index(b->overlays, i);
    const dp_ynode *styles = dp_ynode_map_get(ov->root, "styles");
    const dp_ynode *node = styles && styles->kind == DP_YNODE_MAP
                               ? dp_ynode_map_get(styles, info->style->name)
                               : NULL;
    if (!node) continue;
    char *where = g_strdup_printf("style '%s'", info->style->name);
    if (dp_bind_expect_map(&ov->core, node, where)) {
      dp_bind_check_keys(&ov->core, node, keys, where);
      for (size_t k = 0; k < node->count; k++) {
        const dp_ynode *key = node->children[2 * k];
        if (!strcmp(key->text, "based-on") || !strcmp(key->text, "character"))
          ERR(ov, key->mark, "a layout that extends another changes a "
              "style's settings, not '%s'", key->text);
      }
      style_info change = *info;
      change.node = node;
      apply_style(ov, &change);
      info->line_height_points = change.line_height_points;
    }
    g_free(where);
  }
}

/* Letter-spacing of more than an em is not typography, and far more
 * overflows Pango's integer units, which lose the text without a word.
 * A character style without a size of its own is held to the largest
 * length of a layout instead (it takes the paragraph's size). */
static void check_letter_spacing(binder *b, const style_info *info) {
  const dp_style *s = info->style;
  bool sized = !info->character || (s->set & DP_STYLE_SIZE);
  if (fabs(s->letter_spacing) <= (sized ? s->size : 100.0)) return;
  const dp_ynode *at = dp_ynode_map_get(info->node, "letter-spacing");
  if (!at) at = dp_ynode_map_get(info->node, "size");
  if (!at) at = dp_ynode_map_get(info->node, "based-on");
  if (!at) at = info->node;
  if (sized)
    ERR(b, at->mark, "the letter-spacing of style '%s' (%gpt) is more than "
        "its size (%gpt); at most 1 em is allowed", s->name,
        s->letter_spacing, s->size);
  else
    ERR(b, at->mark, "the letter-spacing of character style '%s' (%gpt) is "
        "more than 100pt; give the style a size to allow up to 1 em", s->name,
        s->letter_spacing);
}

/* The resolved parent of `info`, or NULL (none, unknown, or a cycle:
 * reported). */
static const style_info *style_parent(binder *b, style_info *info,
                                      GPtrArray *chain) {
  const dp_ynode *based = dp_ynode_map_get(info->node, "based-on");
  if (!based) return NULL;
  const char *name = dp_bind_text(&b->core, based, "based-on");
  if (!name) return NULL;
  style_info *parent = layout_find_style(b, name);
  if (!parent) {
    const char **names = layout_style_names(b, info->character ? 1 : 0);
    char *h = dp_bind_hint(name, names);
    ERR(b, based->mark, "unknown style '%s'%s", name, h);
    g_free(h);
    g_free(names);
    return NULL;
  }
  if (parent->state == 1) {
    /* A cycle: chain holds parent … info. */
    if (!parent->in_cycle) {
      GString *path = g_string_new(NULL);
      guint from = 0;
      while (g_ptr_array_index(chain, from) != parent) from++;
      for (guint i = from; i < chain->len; i++) {
        style_info *s = g_ptr_array_index(chain, i);
        g_string_append_printf(path, "%s → ", s->style->name);
        s->in_cycle = true;
      }
      g_string_append(path, parent->style->name);
      ERR(b, dp_ynode_map_get(parent->node, "based-on")->mark,
          "style '%s' is based on itself: %s", parent->style->name,
          path->str);
      g_string_free(path, TRUE);
    }
    return NULL;
  }
  if (parent->character != info->character) {
    ERR(b, based->mark,
        info->character ? "character style '%s' can only be based on a "
                          "character style, and '%s' is a paragraph style"
                        : "paragraph style '%s' can only be based on a "
                          "paragraph style, and '%s' is a character style",
        info->style->name, name);
    return NULL;
  }
  layout_style_resolve(b, parent, chain);
  return parent;
}

void layout_style_resolve(binder *b, style_info *info, GPtrArray *chain) {
  if (info->state != 0) return;
  info->state = 1;
  g_ptr_array_add(chain, info);
  if (info->node->kind == DP_YNODE_MAP) {
    char *where = g_strdup_printf("style '%s'", info->style->name);
    static const char *const keys[] = {
        "based-on",     "character",    "family",       "weight",
        "italic",       "stretch",      "size",         "line-height",
        "letter-spacing", "colour",     "align",        "hyphenate",
        "balance",      "expansion",    "tracking",     "hanging",
        "typography",
        "space-before", "space-after",  "first-indent", "left-indent",
        "transform",    "features",     "underline",    "strikethrough",
        "keep-with-next",
        "widows",       "orphans",      "emphasis",     "strong",
        "code",         "link",         "outline-level", "heading", NULL};
    dp_bind_check_keys(&b->core, info->node, keys, where);
    g_free(where);
    const dp_ynode *ch = dp_ynode_map_get(info->node, "character");
    bool character; /* checked only: the pre-pass read it */
    if (ch) dp_bind_bool(&b->core, ch, "character", &character);
    const style_info *parent = style_parent(b, info, chain);
    if (parent) {
      style_copy(info->style, parent->style);
      info->line_height_points = parent->line_height_points;
    }
    apply_style(b, info);
    apply_overlays(b, info);
    check_letter_spacing(b, info);
  } else {
    char *what = g_strdup_printf("style '%s'", info->style->name);
    dp_bind_expect_map(&b->core, info->node, what);
    g_free(what);
  }
  g_ptr_array_remove_index(chain, chain->len - 1);
  info->state = 2;
}

