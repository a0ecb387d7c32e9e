/* compose-units: the layout's items expanded against the document into
 * units (paragraphs, spaces, rules, QR codes, images, breaks, group
 * brackets), and the colours and styles they are drawn in.
 */
#include "compose.h"

#include <math.h>
#include <string.h>

#include "compose-private.h"
#include "image.h"

/* ---- Colours and styles -------------------------------------------- */

static bool parse_hex_colour(const char *text, dp_colour *out) {
  if (!text || strlen(text) != 7 || text[0] != '#') return false;
  unsigned v = 0;
  for (int i = 1; i < 7; i++) {
    if (!g_ascii_isxdigit(text[i])) return false;
    v = v * 16 + (unsigned)g_ascii_xdigit_value(text[i]);
  }
  *out = (dp_colour){((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0,
                     (v & 255) / 255.0, 1.0};
  return true;
}

dp_scope compose_root_scope(composer *c) {
  return (dp_scope){NULL, 0, NULL, dp_document_get_root(c->doc), c->labels,
                    c->lang, 0, 0, NULL, c->rtl, c->made, NULL, 0};
}

/* Expands the layout's colours for this document once. */
void compose_resolve_colours(composer *c) {
  c->colours = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  dp_colour *black = g_new(dp_colour, 1), *white = g_new(dp_colour, 1);
  *black = (dp_colour){0, 0, 0, 1};
  *white = (dp_colour){1, 1, 1, 1};
  g_hash_table_insert(c->colours, "black", black);
  g_hash_table_insert(c->colours, "white", white);
  dp_scope scope = compose_root_scope(c);
  for (size_t i = 0; i < c->layout->colour_count; i++) {
    const dp_named_colour *nc = &c->layout->colours[i];
    dp_textbuf buf;
    dp_textbuf_init(&buf);
    dp_template_expand(nc->value, &scope, &buf);
    dp_colour *colour = g_new(dp_colour, 1);
    if (!parse_hex_colour(buf.text ? buf.text : "", colour)) {
      dp_error(c->diag, nc->mark,
               "colour '%s' is '%s' for this document, not a #rrggbb colour",
               nc->name, buf.text ? buf.text : "");
      c->failed = true;
      *colour = (dp_colour){0, 0, 0, 1};
    }
    g_hash_table_replace(c->colours, nc->name, colour);
    dp_textbuf_clear(&buf);
  }
  /* The document's house names the layout's colours (house.h). */
  const dp_house *house = dp_document_get_house(c->doc);
  for (size_t i = 0; house && i < c->layout->colour_count; i++) {
    const dp_named_colour *nc = &c->layout->colours[i];
    const char *value = dp_house_get_colour(house, nc->name);
    dp_colour *colour = g_hash_table_lookup(c->colours, nc->name);
    if (value && colour) parse_hex_colour(value, colour);
  }
}

dp_colour compose_colour_named(composer *c, const char *name) {
  dp_colour colour = {0, 0, 0, 1};
  if (!name) return colour;
  if (parse_hex_colour(name, &colour)) return colour;
  const dp_colour *found = g_hash_table_lookup(c->colours, name);
  return found ? *found : colour;
}

/* A copy of `style` with its colour (and its character styles' colours)
 * resolved for this document, the alignment overridden when `align` >= 0,
 * and `indent` added to the left indent.  Cached: composition asks for the
 * same few combinations many times. */
static const dp_style *resolved_style(composer *c, const dp_style *style,
                                      int align, double indent) {
  if (!style) return NULL;
  char *key = g_strdup_printf("%p/%d/%.3f", (const void *)style, align, indent);
  dp_style *copy = g_hash_table_lookup(c->store->styles, key);
  if (copy) {
    g_free(key);
    return copy;
  }
  copy = g_new(dp_style, 1);
  *copy = *style;
  copy->colour = compose_colour_named(c, style->colour_name);
  /* The document's house names the layout's fonts (house.h); interned,
   * as the copy outlives the document in the page set's store. */
  const char *family = style->font
      ? dp_house_get_font(dp_document_get_house(c->doc), style->font)
      : NULL;
  if (family) copy->family = (char *)g_intern_string(family);
  if (align >= 0) copy->align = (dp_align)align;
  copy->left_indent += indent;
  copy->rtl = c->rtl;
  copy->no_hyphenation = c->layout->hyphenation_off;
  for (int i = 0; i < DP_STYLE_SPAN_KINDS; i++)
    copy->spans[i] = resolved_style(c, style->spans[i], -1, 0);
  g_hash_table_insert(c->store->styles, key, copy);
  return copy;
}

/* The alignment (`align`, -1: the style's) of a paragraph of `style` in
 * `lang`: the start instead of justified where the layout sets ragged the
 * justified text of a language it does not hyphenate (`hyphenation:
 * {unhyphenated: ragged}`), as such text justified would be set loose. */
static int unhyphenated_align(composer *c, const dp_style *style, int align,
                              const char *lang) {
  if (!style || !c->layout->unhyphenated_ragged) return align;
  dp_align a = align >= 0 ? (dp_align)align : style->align;
  if (a != DP_ALIGN_JUSTIFY || !style->hyphenate || style->balance)
    return align;
  return dp_text_lacks_hyphenation(c->text, c->layout->hyphenation_off, lang)
             ? DP_ALIGN_START
             : align;
}

/* ---- Expanding items into units ------------------------------------ */

static void unit_clear(unit *u) {
  g_free(u->text);
  for (size_t i = 0; i < u->span_count; i++) g_free(u->spans[i].url);
  g_free(u->spans);
  for (size_t i = 0; i < u->field_count; i++) g_free(u->fields[i].path);
  g_free(u->fields);
  g_free(u->marker);
  if (u->para_drawn) u->para = NULL; /* the store has it */
  dp_para_free(u->para);
  dp_qr_free(u->qr);
  g_free(u->image_path);
  g_free(u->alt);
  g_free(u->lang);
  if (u->instead) g_array_free(u->instead, TRUE);
}

GArray *compose_units_new(void) {
  GArray *units = g_array_new(FALSE, TRUE, sizeof(unit));
  g_array_set_clear_func(units, (GDestroyNotify)unit_clear);
  return units;
}

static unit *units_push(GArray *units, unit_kind kind, dp_mark mark) {
  unit u = {0};
  u.kind = kind;
  u.mark = mark;
  g_array_append_val(units, u);
  return &g_array_index(units, unit, units->len - 1);
}

static bool value_is_set(const dp_value *v) {
  if (!v) return false;
  switch (v->kind) {
    case DP_VALUE_BOOL: return v->boolean;
    case DP_VALUE_LIST:
    case DP_VALUE_MAP: return v->count > 0;
    case DP_VALUE_TEXT:
    case DP_VALUE_RICH: return v->text && *v->text;
    default: return true;
  }
}

/* Whether two values say the same: texts equal, lists and maps equal
 * entry by entry. */
static bool value_equal(const dp_value *a, const dp_value *b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind || a->count != b->count) return false;
  if (a->kind == DP_VALUE_LIST || a->kind == DP_VALUE_MAP) {
    for (size_t i = 0; i < a->count; i++) {
      if (a->keys && (!b->keys || strcmp(a->keys[i], b->keys[i]) != 0))
        return false;
      if (!value_equal(a->items[i], b->items[i])) return false;
    }
    return true;
  }
  if (a->kind == DP_VALUE_BOOL) return a->boolean == b->boolean;
  return g_strcmp0(a->text, b->text) == 0;
}

/* changed(PATH): the entry's own field against the previous row's. */
static bool field_changed(const dp_scope *scope, const char *path) {
  if (!scope->previous) return true;
  dp_scope prev = {scope->previous, 0, NULL, NULL, NULL, NULL, 0, 0, NULL,
                   false, NULL, NULL, 0};
  dp_scope own = prev;
  own.item = scope->item;
  char *dotted = g_strconcat(".", path, NULL);
  bool changed = !value_equal(dp_scope_lookup(&own, dotted),
                              dp_scope_lookup(&prev, dotted));
  g_free(dotted);
  return changed;
}

/* Whether one comparison holds: the field is set, or its text is (or,
 * with `differs`, is not) `equals`. */
static bool comparison_holds(const char *path, const char *equals,
                             bool differs, const dp_scope *scope) {
  const dp_value *v = dp_scope_lookup(scope, path);
  if (!equals) return value_is_set(v);
  bool same = v && v->text && strcmp(v->text, equals) == 0;
  return same != differs;
}

static bool holds_here(const dp_condition *cond, const dp_scope *scope);

bool compose_condition_holds(const dp_condition *cond, const dp_scope *scope) {
  if (cond->also && !compose_condition_holds(cond->also, scope))
    return false;
  if (!cond->every) return holds_here(cond, scope);
  bool all = true;
  if (!scope->group) {
    all = holds_here(cond, scope);
  } else {
    dp_scope entry = *scope;
    entry.group = NULL;
    for (size_t i = 0; i < scope->group_count && all; i++) {
      entry.item = scope->group[i];
      all = holds_here(cond, &entry);
    }
  }
  return all != cond->every_unless;
}

/* The condition, but its `also` and `every`, in `scope`. */
static bool holds_here(const dp_condition *cond, const dp_scope *scope) {
  if (!cond->path) return true;
  if (cond->changed) return field_changed(scope, cond->path) != cond->negate;
  if (cond->made) {
    bool made = false;
    for (size_t i = 0; scope->made && scope->made[i] && !made; i++)
      made = !strcmp(scope->made[i], cond->path);
    return made != cond->negate;
  }
  bool holds = false;
  if (cond->any) {
    for (size_t i = 0; i < cond->any_count && !holds; i++)
      holds = comparison_holds(cond->any[i].path, cond->any[i].equals,
                               cond->any[i].differs, scope);
  } else {
    holds = comparison_holds(cond->path, cond->equals, false, scope);
  }
  return cond->negate ? !holds : holds;
}

static int span_compare(const void *a, const void *b) {
  const dp_span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end > y->end ? -1 : x->end < y->end;
}

/* A paragraph in a style with `heading: N`, or else named h1..h6, is a
 * heading of that level in a tagged PDF (docs/layouts.md, "Tagged PDF");
 * any other is a paragraph. */
static dp_role style_role(const dp_style *style) {
  if (style->heading > 0)
    return (dp_role)(DP_ROLE_H1 + MIN(style->heading, 6) - 1);
  const char *n = style->name;
  if (n && n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && !n[2])
    return (dp_role)(DP_ROLE_H1 + (n[1] - '1'));
  return DP_ROLE_P;
}

/* Counts one more expanded item, or paragraph; false (reported once) past
 * the limit: nested repetitions multiply, and a few hundred bytes of
 * layout could otherwise ask for billions of them. */
static bool count_expansion(composer *c, dp_mark mark, bool paragraph) {
  if (c->too_many) return false;
  size_t n = paragraph ? ++c->paragraphs : ++c->items_expanded;
  size_t max = (size_t)dp_settings_limit(
      c->settings, paragraph ? DP_SETTINGS_PARAGRAPHS : DP_SETTINGS_ITEMS);
  if (n <= max) return true;
  if (paragraph)
    dp_error(c->diag, mark, "the layout makes more than %zu paragraphs of "
             "this document", max);
  else
    dp_error(c->diag, mark, "the layout expands to more than %zu items for "
             "this document (a repetition inside a repetition?)", max);
  c->failed = true;
  c->too_many = true;
  return false;
}

/* Moves a text buffer's contents into a new paragraph unit. */
static unit *push_para(GArray *units, dp_textbuf *buf, const dp_style *style,
                       dp_mark mark) {
  unit *u = units_push(units, UNIT_PARA, mark);
  u->text = buf->text ? buf->text : g_strdup("");
  u->length = buf->length;
  u->spans = buf->spans;
  u->span_count = buf->span_count;
  u->fields = buf->fields;
  u->field_count = buf->field_count;
  if (u->span_count > 1)
    qsort(u->spans, u->span_count, sizeof(dp_span), span_compare);
  u->style = style;
  u->keep_with_next = style->keep_with_next;
  u->outline_level = style->outline_level;
  u->role = style_role(style);
  dp_textbuf_init(buf);
  return u;
}

/* A layout's template of text that leaves the page (a figure's `alt`, a
 * paragraph's `lang`), expanded; NULL when it expands to nothing. */
static char *expand_plain(const dp_template *alt, const dp_scope *scope) {
  if (!alt) return NULL;
  dp_textbuf buf;
  dp_textbuf_init(&buf);
  dp_template_expand(alt, scope, &buf);
  char *text = buf.length ? g_strndup(buf.text, buf.length) : NULL;
  dp_textbuf_clear(&buf);
  return text;
}

static void expand_text(composer *c, const dp_item *item,
                        const dp_scope *scope, GArray *units) {
  dp_textbuf buf;
  dp_textbuf_init(&buf);
  bool complete = true;
  for (size_t i = 0; i < item->run_count; i++) {
    const dp_run *run = &item->runs[i];
    size_t start = buf.length;
    if (!dp_template_expand_isolated(run->tmpl, scope, &buf))
      complete = false;
    if (run->style && buf.length > start) {
      dp_textbuf_append_span(&buf, "", 0, DP_SPAN_STYLE, NULL);
      dp_span *span = &buf.spans[buf.span_count - 1];
      span->start = (unsigned)start;
      span->end = (unsigned)buf.length;
      span->style = resolved_style(c, run->style, -1, 0);
    }
  }
  /* A line whose placeholders are unset says nothing ("Room: "): drop it. */
  if (!complete || buf.length == 0) {
    dp_textbuf_clear(&buf);
    return;
  }
  /* Each field is at most DP_MAX_PARAGRAPH, but a join of a list of them
   * is not (a 2 MB paragraph took half a minute to fit). */
  if (buf.length > DP_MAX_PARAGRAPH) {
    if (!c->too_long)
      dp_error(c->diag, item->mark,
               "this text is %zu bytes long with its fields filled in; at "
               "most %d are allowed", buf.length, DP_MAX_PARAGRAPH);
    c->too_long = true;
    c->failed = true;
    dp_textbuf_clear(&buf);
    return;
  }
  int align = -1;
  /* The spine is on the start side of a right-hand page: on its left, or
   * on its right in a right-to-left booklet (bound on the right). */
  bool spine_left = (scope->page % 2 == 1) != c->rtl;
  if (item->has_align) {
    switch (item->align) {
      case DP_HALIGN_CENTRE: align = DP_ALIGN_CENTRE; break;
      case DP_HALIGN_RIGHT: align = DP_ALIGN_RIGHT; break;
      case DP_HALIGN_INSIDE: align = spine_left ? DP_ALIGN_LEFT : DP_ALIGN_RIGHT; break;
      case DP_HALIGN_OUTSIDE: align = spine_left ? DP_ALIGN_RIGHT : DP_ALIGN_LEFT; break;
      case DP_HALIGN_JUSTIFY: align = DP_ALIGN_JUSTIFY; break;
      case DP_HALIGN_START: align = DP_ALIGN_START; break;
      case DP_HALIGN_END: align = DP_ALIGN_END; break;
      default: align = DP_ALIGN_LEFT;
    }
  }
  if (!count_expansion(c, item->mark, true)) {
    dp_textbuf_clear(&buf);
    return;
  }
  /* `lang` is the layout's: what it expands to is checked here, as its
   * output. */
  char *lang = expand_plain(item->lang, scope);
  char *tag = dp_lang_normalise(lang);
  if (lang && !tag) {
    dp_error(c->diag, item->mark, "'lang' must give a BCP 47 language tag "
             "such as 'en' or 'nb', not '%s'", lang);
    c->failed = true;
  }
  g_free(lang);
  align = unhyphenated_align(c, item->style, align, tag ? tag : c->lang);
  unit *u = push_para(units, &buf, resolved_style(c, item->style, align, 0),
                      item->mark);
  u->lang = tag;
  if (u->field_count) u->origin = u->fields[0].mark;
  u->keep_with_next |= item->keep_with_next;
  /* In a flow the page is not known yet (0): keep both sides' styles. */
  bool sided = item->has_align && (item->align == DP_HALIGN_INSIDE ||
                                   item->align == DP_HALIGN_OUTSIDE);
  if (sided && scope->page == 0) {
    bool inside = (item->align == DP_HALIGN_INSIDE) != c->rtl;
    u->style_recto = resolved_style(c, item->style,
                                    inside ? DP_ALIGN_LEFT : DP_ALIGN_RIGHT, 0);
    u->style_verso = resolved_style(c, item->style,
                                    inside ? DP_ALIGN_RIGHT : DP_ALIGN_LEFT, 0);
  }
}

static const dp_style *markdown_style(const dp_markdown_styles *s,
                                      const dp_block *block) {
  if (block->kind == DP_BLOCK_HEADING) {
    for (int level = MIN(6, block->level + s->shift); level >= 1; level--)
      if (s->heading[level - 1]) return s->heading[level - 1];
    return s->paragraph;
  }
  if (block->quote_depth > 0 && s->quote) return s->quote;
  if (block->list_depth > 0 && s->list) return s->list;
  return s->paragraph;
}

static void expand_markdown(composer *c, const dp_item *item,
                            const dp_scope *scope, GArray *units) {
  const dp_value *v = dp_scope_lookup(scope, item->field);
  if (!v || v->kind != DP_VALUE_RICH || !v->rich) return;
  for (size_t i = 0; i < v->rich->count; i++) {
    const dp_block *block = &v->rich->blocks[i];
    const dp_style *base = markdown_style(&item->markdown, block);
    double em = base->size;
    double indent = block->list_depth * 1.4 * em + block->quote_depth * 1.2 * em;
    dp_textbuf buf;
    dp_textbuf_init(&buf);
    dp_textbuf_append(&buf, block->text, block->length);
    for (size_t s = 0; s < block->span_count; s++) {
      const dp_span *span = &block->spans[s];
      dp_textbuf_append_span(&buf, "", 0, span->kind, span->url);
      dp_span *copy = &buf.spans[buf.span_count - 1];
      copy->start = span->start;
      copy->end = span->end;
    }
    if (!count_expansion(c, block->mark, true)) {
      dp_textbuf_clear(&buf);
      return;
    }
    /* The block is the document's field (its value's own place). */
    dp_text_field field = {0, (unsigned)buf.length, g_strdup(item->field),
                           block->mark};
    int align = unhyphenated_align(c, base, -1, c->lang);
    unit *u = push_para(units, &buf, resolved_style(c, base, align, indent),
                        block->mark);
    u->fields = g_memdup2(&field, sizeof field);
    u->field_count = 1;
    u->origin = block->mark;
    u->marker = g_strdup(block->marker);
    if (block->kind == DP_BLOCK_HEADING) {
      u->keep_with_next = true;
      u->outline_level = base->outline_level ? base->outline_level : block->level;
      if (u->role == DP_ROLE_P)
        u->role = (dp_role)(DP_ROLE_H1 - 1 +
                            CLAMP(block->level + item->markdown.shift, 1, 6));
    } else {
      u->role = block->list_depth > 0 ? DP_ROLE_LI : DP_ROLE_P;
    }
  }
}

/* The group key of an entry (`group-by`), as text. */
static char *group_key(const dp_item *item, const dp_scope *scope) {
  dp_textbuf buf;
  dp_textbuf_init(&buf);
  dp_template_expand(item->group_by, scope, &buf);
  char *key = g_strndup(buf.text ? buf.text : "", buf.length);
  dp_textbuf_clear(&buf);
  return key;
}

/* With `group-by`, entries in a row with the same key form a group: its
 * `head` (a date) once, kept in one block with the first row, then a row
 * per entry, each row seeing the entry before it (changed(PATH)); `gap`
 * goes between groups, `row-gap` between rows. */
static void expand_each(composer *c, const dp_item *item,
                        const dp_scope *scope, GArray *units) {
  const dp_value *list = dp_scope_lookup(scope, item->field);
  if (!list) return;
  size_t count = list->kind == DP_VALUE_LIST ? list->count : 1;
  char *last_key = NULL;
  for (size_t i = 0; i < count; i++) {
    dp_scope inner = *scope;
    inner.item = list->kind == DP_VALUE_LIST ? list->items[i] : list;
    inner.index = (int)i + 1;
    inner.parent = scope;
    inner.previous = NULL;
    inner.group = NULL;
    inner.group_count = 0;
    bool head = false;
    double gap = i > 0 ? item->gap : 0;
    if (item->group_by) {
      char *key = group_key(item, &inner);
      bool same = last_key && strcmp(key, last_key) == 0;
      g_free(last_key);
      last_key = key;
      if (same) {
        inner.previous = list->items[i - 1];
        gap = item->row_gap;
      }
      head = !same;
    }
    if (gap > 0) units_push(units, UNIT_SPACE, item->mark)->height = gap;
    guint first = units->len;
    if (item->keep_together) units_push(units, UNIT_GROUP_BEGIN, item->mark);
    if (head) {
      /* The head sees its group's entries: those up to the next key. */
      size_t end = i + 1;
      while (end < count) {
        dp_scope next = inner;
        next.item = list->items[end];
        char *k = group_key(item, &next);
        bool same = strcmp(k, last_key) == 0;
        g_free(k);
        if (!same) break;
        end++;
      }
      dp_scope at_head = inner;
      if (list->kind == DP_VALUE_LIST) {
        at_head.group = (const dp_value *const *)list->items + i;
        at_head.group_count = end - i;
      }
      size_t before = units->len;
      compose_expand_items(c, item->head, item->head_count, &at_head, units);
      if (units->len > before)
        g_array_index(units, unit, units->len - 1).keep_with_next = true;
    }
    compose_expand_items(c, item->children, item->child_count, &inner, units);
    if (item->keep_together) units_push(units, UNIT_GROUP_END, item->mark);
    /* What shows no field of its own (a label) comes from the entry. */
    for (guint k = first; inner.item->mark.file && k < units->len; k++) {
      unit *u = &g_array_index(units, unit, k);
      if (!u->origin.file) u->origin = inner.item->mark;
    }
  }
  g_free(last_key);
}

static void expand_qr(composer *c, const dp_item *item, const dp_scope *scope,
                      GArray *units) {
  dp_textbuf buf;
  dp_textbuf_init(&buf);
  bool complete = dp_template_expand(item->payload, scope, &buf);
  if (complete && buf.length > 0) {
    dp_qr *qr = dp_qr_encode(buf.text, item->qr_level);
    if (!qr) {
      dp_error(c->diag, item->mark,
               "cannot make a QR code of %zu bytes (at most %d)", buf.length,
               DP_QR_MAX_PAYLOAD);
      c->failed = true;
    } else {
      unit *u = units_push(units, UNIT_QR, item->mark);
      u->qr = qr;
      u->width = item->width;
      u->align = item->align;
      u->colour = compose_colour_named(c, item->colour);
      u->alt = item->alt ? expand_plain(item->alt, scope) : g_strdup(buf.text);
    }
  }
  dp_textbuf_clear(&buf);
}

/* The natural size of an image, in points where the file says so (SVG),
 * else in pixels: only the proportions matter.  Reports and returns false
 * when it cannot be read or its module cannot be loaded. */
static bool image_size(composer *c, const dp_value *v, double *w, double *h) {
  char *message = NULL;
  bool ok = dp_image_get_size(v->text, w, h, &message);
  if (!ok) {
    dp_error(c->diag, v->mark, "the image '%s': %s", v->text, message);
    c->failed = true;
  }
  g_free(message);
  return ok;
}

static void expand_image(composer *c, const dp_item *item,
                         const dp_scope *scope, GArray *units) {
  /* A file the layout names stands as a field's value would. */
  dp_value file = {.kind = DP_VALUE_TEXT, .mark = item->mark,
                   .text = item->file};
  const dp_value *v = item->file ? &file : dp_scope_lookup(scope, item->field);
  if (!v || v->kind != DP_VALUE_TEXT || !v->text) return;
  double natural_w = 1, natural_h = 1;
  if (!image_size(c, v, &natural_w, &natural_h)) return;
  double aspect = natural_w > 0 && natural_h > 0 ? natural_w / natural_h : 1.0;
  /* Both sides given: the image fits inside that box, keeping its
   * proportions.  One side: the other follows.  None: 20 mm tall. */
  double w = item->width, h = item->height;
  if (w > 0 && h > 0) {
    if (!item->cover) {
      if (w / h > aspect) w = h * aspect;
      else h = w / aspect;
    }
  } else if (w > 0) {
    h = w / aspect;
  } else {
    if (h <= 0) h = 20 * 72 / 25.4;
    w = h * aspect;
  }
  unit *u = units_push(units, UNIT_IMAGE, item->mark);
  u->image_path = g_strdup(v->text);
  u->cover = item->cover;
  u->width = w;
  u->height = h;
  u->align = item->align;
  u->alt = expand_plain(item->alt, scope);
  u->source = u->origin = v->mark;
}

/* Marks units [before, len) as the expansion of optional `item`: a
 * lower priority outside wins over a higher one inside, so that leaving
 * out the outer leaves out all of it.  Its `instead` is expanded now, to
 * show when it is left out. */
static void mark_range(const dp_item *item, GArray *units, guint before) {
  for (guint i = before; units && i < units->len; i++) {
    unit *u = &g_array_index(units, unit, i);
    /* What shows instead of inner content goes with the outer too. */
    mark_range(item, u->instead, 0);
    if (u->optional && u->optional <= item->optional) continue;
    u->optional = item->optional;
    u->optional_item = item;
  }
}

static void mark_optional(composer *c, const dp_item *item,
                          const dp_scope *scope, GArray *units, guint before) {
  mark_range(item, units, before);
  if (!item->instead_count) return;
  GArray *instead = compose_units_new();
  compose_expand_items(c, item->instead, item->instead_count, scope, instead);
  unit *first = &g_array_index(units, unit, before);
  if (first->instead) g_array_free(first->instead, TRUE);
  first->instead = instead;
}

void compose_expand_items(composer *c, dp_item *const *items, size_t count,
                  const dp_scope *scope, GArray *units) {
  for (size_t i = 0; i < count; i++) {
    const dp_item *item = items[i];
    if (!count_expansion(c, item->mark, false)) return;
    if (!compose_condition_holds(&item->condition, scope)) continue;
    size_t before = units->len;
    switch (item->kind) {
      case DP_ITEM_TEXT: expand_text(c, item, scope, units); break;
      case DP_ITEM_MARKDOWN: expand_markdown(c, item, scope, units); break;
      case DP_ITEM_EACH: expand_each(c, item, scope, units); break;
      case DP_ITEM_GROUP:
        if (item->keep_together) units_push(units, UNIT_GROUP_BEGIN, item->mark);
        compose_expand_items(c, item->children, item->child_count, scope,
                             units);
        if (item->keep_together) units_push(units, UNIT_GROUP_END, item->mark);
        break;
      case DP_ITEM_QR: expand_qr(c, item, scope, units); break;
      case DP_ITEM_IMAGE: expand_image(c, item, scope, units); break;
      case DP_ITEM_RULE: {
        unit *u = units_push(units, UNIT_RULE, item->mark);
        u->height = item->height > 0 ? item->height : 0.5;
        u->width = item->width;
        u->fraction = item->fraction;
        u->align = item->align;
        u->colour = compose_colour_named(c, item->colour);
        break;
      }
      case DP_ITEM_SPACE:
        units_push(units, UNIT_SPACE, item->mark)->height = item->space;
        break;
      case DP_ITEM_BREAK:
        units_push(units, UNIT_BREAK, item->mark)->break_kind = item->break_kind;
        break;
    }
    /* keep-with-next on a group or repetition binds its last unit. */
    if (item->keep_with_next && units->len > before) {
      unit *last = &g_array_index(units, unit, units->len - 1);
      last->keep_with_next = true;
    }
    if (item->optional && units->len > before)
      mark_optional(c, item, scope, units, before);
  }
}

/* Moves unit `u` to the end of `to`, leaving nothing to free behind. */
static void unit_move(GArray *to, unit *u) {
  g_array_append_val(to, *u);
  memset(u, 0, sizeof *u);
}

bool compose_leave_out(GArray *units, GPtrArray *left_out) {
  int lowest = 0;
  for (guint i = 0; i < units->len; i++) {
    int p = g_array_index(units, unit, i).optional;
    if (p > 0 && (lowest == 0 || p < lowest)) lowest = p;
  }
  if (lowest == 0) return false;
  GArray *kept = compose_units_new();
  for (guint i = 0; i < units->len; i++) {
    unit *u = &g_array_index(units, unit, i);
    if (u->optional != lowest) {
      unit_move(kept, u);
      continue;
    }
    if (u->optional_item) {
      left_out_entry *e = NULL;
      for (guint k = 0; k < left_out->len && !e; k++) {
        left_out_entry *o = g_ptr_array_index(left_out, k);
        if (o->item == u->optional_item) e = o;
      }
      if (!e) {
        e = g_new0(left_out_entry, 1);
        e->item = u->optional_item;
        g_ptr_array_add(left_out, e);
      }
      if (!e->origin.file) e->origin = u->origin;
    }
    for (guint j = 0; u->instead && j < u->instead->len; j++)
      unit_move(kept, &g_array_index(u->instead, unit, j));
  }
  /* The units left are cleared (those moved are empty), and the kept
   * take their place. */
  g_array_set_size(units, 0);
  g_array_append_vals(units, kept->data, kept->len);
  g_array_set_clear_func(kept, NULL);
  g_array_free(kept, TRUE);
  return true;
}

