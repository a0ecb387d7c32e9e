/* compose: see compose.h.
 *
 * How a page is made:
 *
 *  1. Items are expanded against the document into *units*: paragraphs
 *     (text with spans, a resolved style, a list marker), spaces, rules,
 *     QR codes, images, breaks, and group brackets for keep-together.
 *  2. Units are set (paragraphs become dp_para) at a column width and a
 *     scale, then packed into columns top to bottom.  Packing splits
 *     paragraphs between lines, never leaving fewer than `orphans` lines
 *     at a column foot or `widows` at the next column's head, and moves a
 *     keep-with-next unit (a heading) on with what follows it.
 *  3. Frames are resolved in dependency order: an edge may refer to
 *     another frame's edge, and a frame of automatic height is packed
 *     first to learn its height.  A frame that may shrink is packed at a
 *     scale found by bisection between its min-scale and 1.
 *  4. Flow frames take units from a named stream, frame after frame,
 *     page after page, as the layout's sequence says.  Frames whose text
 *     shows folios ({page}, {pages}) are composed last, once the page
 *     count is known.
 *
 * One file of 1,700 lines, on purpose: the four steps share the composer
 * and its units, packer and page context, and split apart they would
 * need those internals in a header of their own.  Frame-edge arithmetic
 * is frame-expr.c's; text is text.c's.
 */
#include "compose.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "image.h"
#include "plugin.h"
#include "label-tables.h"
#include "template.h"

/* Bisection steps when shrinking a frame: 2^-8 of the scale range is
 * finer than a reader can tell.  The scales tried lie on a grid of
 * SHRINK_GRID steps between min-scale and 1 (see shrink_search). */
#define SHRINK_STEPS 8
#define SHRINK_GRID (1 << SHRINK_STEPS)

/* An automatic-height frame with no max-height is packed in a column this
 * tall: effectively unbounded. */
#define UNBOUNDED 1e7

typedef enum unit_kind {
  UNIT_PARA,
  UNIT_SPACE,
  UNIT_RULE,
  UNIT_QR,
  UNIT_IMAGE,
  UNIT_BREAK,
  UNIT_GROUP_BEGIN,
  UNIT_GROUP_END
} unit_kind;

typedef struct unit {
  unit_kind kind;
  dp_mark mark;
  /* PARA */
  char *text;
  size_t length;
  dp_span *spans;
  size_t span_count;
  const dp_style *style;   /* resolved, owned by the composer */
  /* Text aligned inside or outside in a flow: the styles for a right-hand
   * and a left-hand page, chosen when the page is known; else NULL. */
  const dp_style *style_recto, *style_verso;
  char *marker;
  bool keep_with_next;
  int outline_level;       /* bookmark level: Markdown headings, and
                              paragraphs of styles with outline-level */
  dp_role role;            /* in a tagged PDF (compose.h) */
  dp_mark source;          /* IMAGE: the document's field */
  dp_para *para;           /* set at `para_width`, `para_scale` */
  bool para_drawn;         /* a draw points to `para`: the store owns it */
  double para_width, para_scale;
  /* SPACE (height), RULE (thickness), QR and IMAGE sizes */
  double height, width;
  double fraction;         /* RULE: `length: N%`, of the column's width */
  dp_halign align;
  dp_colour colour;
  dp_qr *qr;
  char *image_path;
  bool cover;
  char *alt;
  dp_break_kind break_kind;
} unit;

typedef struct cursor {
  size_t unit;
  int line;
} cursor;

/* What a page set owns besides its pages: everything draws point to. */
typedef struct store {
  GPtrArray *paras;       /* dp_para */
  GPtrArray *qrs;         /* dp_qr */
  GPtrArray *strings;
  GHashTable *styles;     /* key -> dp_style*: resolved copies */
} store;

typedef struct composer {
  dp_diag *diag;
  dp_text *text;
  const dp_document *doc;
  const dp_layout_model *layout;
  dp_labels *labels;
  const char *lang;
  GHashTable *colours;    /* colour name -> dp_colour* */
  dp_pageset *set;
  struct store *store;    /* what the page set keeps */
  GArray *outline;        /* dp_outline_entry */
  bool failed;
  bool too_long;          /* a text over DP_MAX_PARAGRAPH was reported */
  /* Bounds on expansion (compose.h), whatever the nesting of `each`. */
  size_t items_expanded, paragraphs;
  bool too_many;          /* one of them was reported */
} composer;

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

static dp_scope root_scope(composer *c) {
  return (dp_scope){NULL, 0, NULL, dp_document_get_root(c->doc), c->labels,
                    c->lang, 0, 0};
}

/* Expands the layout's colours for this document once. */
static void resolve_colours(composer *c) {
  c->colours = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  dp_colour *black = g_new(dp_colour, 1), *white = g_new(dp_colour, 1);
  *black = (dp_colour){0, 0, 0, 1};
  *white = (dp_colour){1, 1, 1, 1};
  g_hash_table_insert(c->colours, "black", black);
  g_hash_table_insert(c->colours, "white", white);
  dp_scope scope = root_scope(c);
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
}

static dp_colour colour_named(composer *c, const char *name) {
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
  copy->colour = colour_named(c, style->colour_name);
  if (align >= 0) copy->align = (dp_align)align;
  copy->left_indent += indent;
  for (int i = 0; i < DP_STYLE_SPAN_KINDS; i++)
    copy->spans[i] = resolved_style(c, style->spans[i], -1, 0);
  g_hash_table_insert(c->store->styles, key, copy);
  return copy;
}

/* ---- Expanding items into units ------------------------------------ */

static void unit_clear(unit *u) {
  g_free(u->text);
  for (size_t i = 0; i < u->span_count; i++) g_free(u->spans[i].url);
  g_free(u->spans);
  g_free(u->marker);
  if (u->para_drawn) u->para = NULL; /* the store has it */
  dp_para_free(u->para);
  dp_qr_free(u->qr);
  g_free(u->image_path);
  g_free(u->alt);
}

static GArray *units_new(void) {
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

static bool condition_holds(const dp_condition *cond, const dp_scope *scope) {
  if (!cond->path) return true;
  const dp_value *v = dp_scope_lookup(scope, cond->path);
  bool holds;
  if (cond->equals)
    holds = v && v->text && strcmp(v->text, cond->equals) == 0;
  else
    holds = value_is_set(v);
  for (char **p = cond->any; p && *p && !holds; p++)
    holds = value_is_set(dp_scope_lookup(scope, *p));
  return cond->negate ? !holds : holds;
}

static int span_compare(const void *a, const void *b) {
  const dp_span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end > y->end ? -1 : x->end < y->end;
}

/* A paragraph in a style named h1..h6 is a heading of that level in a
 * tagged PDF (docs/layouts.md, "Tagged PDF"); any other is a paragraph. */
static dp_role style_role(const dp_style *style) {
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
  size_t max = paragraph ? DP_MAX_PARAGRAPHS : DP_MAX_EXPANDED_ITEMS;
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
  if (u->span_count > 1)
    qsort(u->spans, u->span_count, sizeof(dp_span), span_compare);
  u->style = style;
  u->keep_with_next = style->keep_with_next;
  u->outline_level = style->outline_level;
  u->role = style_role(style);
  dp_textbuf_init(buf);
  return u;
}

static void expand_items(composer *c, dp_item *const *items, size_t count,
                         const dp_scope *scope, GArray *units);

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
  if (item->has_align) {
    switch (item->align) {
      case DP_HALIGN_CENTRE: align = DP_ALIGN_CENTRE; break;
      case DP_HALIGN_RIGHT: align = DP_ALIGN_RIGHT; break;
      case DP_HALIGN_INSIDE: align = scope->page % 2 ? DP_ALIGN_LEFT : DP_ALIGN_RIGHT; break;
      case DP_HALIGN_OUTSIDE: align = scope->page % 2 ? DP_ALIGN_RIGHT : DP_ALIGN_LEFT; break;
      case DP_HALIGN_JUSTIFY: align = DP_ALIGN_JUSTIFY; break;
      default: align = DP_ALIGN_LEFT;
    }
  }
  if (!count_expansion(c, item->mark, true)) {
    dp_textbuf_clear(&buf);
    return;
  }
  unit *u = push_para(units, &buf, resolved_style(c, item->style, align, 0),
                      item->mark);
  u->keep_with_next |= item->keep_with_next;
  /* In a flow the page is not known yet (0): keep both sides' styles. */
  bool sided = item->has_align && (item->align == DP_HALIGN_INSIDE ||
                                   item->align == DP_HALIGN_OUTSIDE);
  if (sided && scope->page == 0) {
    bool inside = item->align == DP_HALIGN_INSIDE;
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
    unit *u = push_para(units, &buf, resolved_style(c, base, -1, indent),
                        block->mark);
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

static void expand_each(composer *c, const dp_item *item,
                        const dp_scope *scope, GArray *units) {
  const dp_value *list = dp_scope_lookup(scope, item->field);
  if (!list) return;
  size_t count = list->kind == DP_VALUE_LIST ? list->count : 1;
  for (size_t i = 0; i < count; i++) {
    dp_scope inner = *scope;
    inner.item = list->kind == DP_VALUE_LIST ? list->items[i] : list;
    inner.index = (int)i + 1;
    inner.parent = scope;
    if (i > 0 && item->gap > 0)
      units_push(units, UNIT_SPACE, item->mark)->height = item->gap;
    if (item->keep_together) units_push(units, UNIT_GROUP_BEGIN, item->mark);
    expand_items(c, item->children, item->child_count, &inner, units);
    if (item->keep_together) units_push(units, UNIT_GROUP_END, item->mark);
  }
}

/* Alternative text for a figure, from the layout's `alt` template. */
static char *expand_alt(const dp_template *alt, const dp_scope *scope) {
  if (!alt) return NULL;
  dp_textbuf buf;
  dp_textbuf_init(&buf);
  dp_template_expand(alt, scope, &buf);
  char *text = buf.length ? g_strndup(buf.text, buf.length) : NULL;
  dp_textbuf_clear(&buf);
  return text;
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
      u->colour = colour_named(c, item->colour);
      u->alt = item->alt ? expand_alt(item->alt, scope) : g_strdup(buf.text);
    }
  }
  dp_textbuf_clear(&buf);
}

/* The natural size of an image, in points where the file says so (SVG),
 * else in pixels: only the proportions matter.  Reports and returns false
 * when it cannot be read or its module cannot be loaded. */
static bool image_size(composer *c, const dp_value *v, double *w, double *h) {
  dp_image_info info;
  char *message = NULL;
  bool ok = dp_image_probe(v->text, &info, &message);
  if (ok && info.format == DP_IMAGE_SVG) {
    const dp_svg_api *svg = dp_plugin_get("svg", &message);
    ok = svg && svg->get_size(v->text, w, h, &message);
  } else if (ok) {
    *w = info.width;
    *h = info.height;
    if (info.format == DP_IMAGE_JPEG && !dp_plugin_get("jpeg", &message))
      ok = false;
  }
  if (!ok) {
    dp_error(c->diag, v->mark, "the image '%s': %s", v->text, message);
    c->failed = true;
  }
  g_free(message);
  return ok;
}

static void expand_image(composer *c, const dp_item *item,
                         const dp_scope *scope, GArray *units) {
  const dp_value *v = dp_scope_lookup(scope, item->field);
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
  u->alt = expand_alt(item->alt, scope);
  u->source = v->mark;
}

static void expand_items(composer *c, dp_item *const *items, size_t count,
                         const dp_scope *scope, GArray *units) {
  for (size_t i = 0; i < count; i++) {
    const dp_item *item = items[i];
    if (!count_expansion(c, item->mark, false)) return;
    if (!condition_holds(&item->condition, scope)) continue;
    size_t before = units->len;
    switch (item->kind) {
      case DP_ITEM_TEXT: expand_text(c, item, scope, units); break;
      case DP_ITEM_MARKDOWN: expand_markdown(c, item, scope, units); break;
      case DP_ITEM_EACH: expand_each(c, item, scope, units); break;
      case DP_ITEM_GROUP:
        if (item->keep_together) units_push(units, UNIT_GROUP_BEGIN, item->mark);
        expand_items(c, item->children, item->child_count, scope, units);
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
        u->colour = colour_named(c, item->colour);
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
  }
}

/* ---- Setting and measuring units ----------------------------------- */

static dp_para *unit_para(composer *c, unit *u, double width, double scale) {
  if (!u->para || u->para_width != width || u->para_scale != scale) {
    dp_para *p = dp_para_reflow(u->para, width, scale);
    if (!p)
      p = dp_para_new(c->text, u->text, u->length, u->spans, u->span_count,
                      u->style, c->lang, width, scale, u->marker, u->mark);
    if (!u->para_drawn) dp_para_free(u->para);
    u->para_drawn = false;
    u->para = p;
    u->para_width = width;
    u->para_scale = scale;
  }
  return u->para;
}

/* Height of a QR code with its quiet zone on both sides. */
static double qr_extent(const unit *u) {
  return u->width * (u->qr->size + 2 * DP_QR_QUIET_ZONE) / u->qr->size;
}

/* Height a non-paragraph unit takes, at `scale`. */
static double unit_height(const unit *u, double scale) {
  switch (u->kind) {
    case UNIT_SPACE: return u->height * scale;
    case UNIT_RULE: return u->height * scale;
    case UNIT_QR: return qr_extent(u);
    case UNIT_IMAGE: return u->height;
    default: return 0;
  }
}

/* Height of lines [first, first + n) of a paragraph. */
static double lines_height(const dp_para *p, int first, int n) {
  if (n <= 0) return 0;
  double top0, h0, b0, top1, h1, b1;
  dp_para_get_line(p, first, &top0, &h0, &b0);
  dp_para_get_line(p, first + n - 1, &top1, &h1, &b1);
  return top1 + h1 - top0;
}

/* ---- Packing units into a column ----------------------------------- */

typedef struct column {
  double x, y, width, height;
} column;

typedef struct packer {
  composer *c;
  GArray *units;
  double scale;
  dp_page *page;       /* NULL: measure only */
  int page_index;
  bool page_break;     /* a page break was met */
  const dp_frame *frame; /* the frame packed into, or NULL */
  double spread;       /* valign: spread: added at each block boundary */
  int depth;           /* groups open, when spreading */
} packer;

static dp_draw *page_add(composer *c, dp_page *page) {
  (void)c;
  if (page->count == page->capacity) {
    page->capacity = page->capacity ? page->capacity * 2 : 32;
    page->draws = g_renew(dp_draw, page->draws, page->capacity);
  }
  dp_draw *d = &page->draws[page->count++];
  memset(d, 0, sizeof *d);
  return d;
}

static double align_x(dp_halign align, const column *col, double width,
                      bool verso) {
  if (align == DP_HALIGN_INSIDE) align = verso ? DP_HALIGN_RIGHT : DP_HALIGN_LEFT;
  if (align == DP_HALIGN_OUTSIDE) align = verso ? DP_HALIGN_LEFT : DP_HALIGN_RIGHT;
  switch (align) {
    case DP_HALIGN_CENTRE: return col->x + (col->width - width) / 2;
    case DP_HALIGN_RIGHT: return col->x + col->width - width;
    default: return col->x;
  }
}

/* Text aligned inside or outside in a flow takes its side's style once
 * the page is known (a page set's first page is a right-hand page). */
static void unit_set_side(packer *pk, unit *u) {
  if (!u->style_verso) return;
  bool verso = (pk->page_index + 1) % 2 == 0;
  const dp_style *style = verso ? u->style_verso : u->style_recto;
  if (u->style == style) return;
  u->style = style;
  if (!u->para_drawn) dp_para_free(u->para);
  u->para = NULL;
  u->para_drawn = false;
}

static dp_para *unit_para_in(packer *pk, unit *u, double width) {
  unit_set_side(pk, u);
  return unit_para(pk->c, u, width, pk->scale);
}

/* Height of a keep-together group starting at unit `i` (a GROUP_BEGIN) as
 * pack_column() places it in `col`: space before its first paragraph only
 * when not at the top, spaces only after something, and no space after
 * its last paragraph (a column may end there).  Sets *end to the index of
 * its GROUP_END. */
static double group_height(packer *pk, size_t i, const column *col,
                           bool at_top, size_t *end) {
  double h = 0, after = 0;
  int depth = 0;
  for (; i < pk->units->len; i++) {
    unit *u = &g_array_index(pk->units, unit, i);
    if (u->kind == UNIT_GROUP_BEGIN) {
      depth++;
    } else if (u->kind == UNIT_GROUP_END) {
      if (--depth == 0) break;
    } else if (u->kind == UNIT_PARA) {
      dp_para *p = unit_para_in(pk, u, col->width);
      h += after + (at_top ? 0 : dp_para_get_space_before(p)) +
           dp_para_get_height(p);
      after = dp_para_get_space_after(p);
      at_top = false;
    } else if (u->kind == UNIT_SPACE) {
      if (!at_top) h += after + unit_height(u, pk->scale);
      after = 0;
    } else if (u->kind != UNIT_BREAK) {
      h += after + unit_height(u, pk->scale);
      after = 0;
      at_top = false;
    }
  }
  *end = i;
  return h;
}

/* Space the start of unit `i` needs in `col` to show something: a
 * paragraph's space before and its first `orphans` lines; an object its
 * height; a keep-together group all of it (unless it is taller than the
 * column: then it will be split anyway).  A keep-with-next unit adds what
 * its successor needs, through spaces: a heading stays with the text that
 * follows it, not with the space before that text. */
static double need_at(packer *pk, size_t i, const column *col, bool at_top,
                      int depth) {
  if (i >= pk->units->len || depth > 8) return 0;
  unit *u = &g_array_index(pk->units, unit, i);
  switch (u->kind) {
    case UNIT_PARA: {
      dp_para *p = unit_para_in(pk, u, col->width);
      int n = dp_para_get_line_count(p);
      double before = at_top ? 0 : dp_para_get_space_before(p);
      if (u->keep_with_next)
        return before + lines_height(p, 0, n) + dp_para_get_space_after(p) +
               need_at(pk, i + 1, col, false, depth + 1);
      /* The fewest lines pack_column() will leave here: `orphans`, or all
       * when the rest would be fewer than `widows`. */
      int orphans = MAX(1, u->style->orphans), widows = MAX(1, u->style->widows);
      int k = n - orphans < widows ? n : orphans;
      return before + lines_height(p, 0, MIN(n, k));
    }
    case UNIT_GROUP_BEGIN: {
      size_t end;
      double h = group_height(pk, i, col, at_top, &end);
      if (h > col->height + 0.01)
        return need_at(pk, i + 1, col, at_top, depth + 1);
      unit *last = end > i + 1 ? &g_array_index(pk->units, unit, end - 1) : NULL;
      if (last && last->keep_with_next)
        h += need_at(pk, end + 1, col, false, depth + 1);
      return h;
    }
    case UNIT_GROUP_END: return need_at(pk, i + 1, col, at_top, depth + 1);
    case UNIT_SPACE:
      return (at_top ? 0 : unit_height(u, pk->scale)) +
             need_at(pk, i + 1, col, at_top, depth + 1);
    case UNIT_BREAK: return 0;
    default:
      return unit_height(u, pk->scale) +
             (u->keep_with_next ? need_at(pk, i + 1, col, false, depth + 1) : 0);
  }
}

/* A bookmark's title: the paragraph's text without the isolates placed
 * around its placeholders' values (template.h), which are for Pango, not
 * for a PDF reader's list of bookmarks. */
static char *outline_title(const char *text, size_t length) {
  GString *title = g_string_sized_new(length);
  for (size_t i = 0; i < length; i++) {
    if (length - i >= 3 && memcmp(text + i, "\xE2\x81", 2) == 0 &&
        ((unsigned char)text[i + 2] == 0xA8 ||
         (unsigned char)text[i + 2] == 0xA9)) {
      i += 2;
      continue;
    }
    g_string_append_c(title, text[i]);
  }
  return g_string_free(title, FALSE);
}

static void emit_para(packer *pk, unit *u, dp_para *p, const column *col,
                      double y, int first, int n) {
  if (!pk->page || n <= 0) return;
  dp_draw *d = page_add(pk->c, pk->page);
  d->kind = DP_DRAW_TEXT;
  d->x = col->x;
  d->y = y;
  d->width = col->width;
  d->height = lines_height(p, first, n);
  d->para = p;
  if (!u->para_drawn) g_ptr_array_add(pk->c->store->paras, p);
  u->para_drawn = true;
  d->first_line = first;
  d->line_count = n;
  d->role = u->role;
  d->mark = u->mark;
  d->frame_mark = pk->frame ? pk->frame->mark : (dp_mark){NULL, 0, 0};
  d->style = u->style;
  if (u->outline_level > 0 && first == 0 && pk->c->layout->outline) {
    dp_outline_entry e = {outline_title(u->text, u->length),
                          u->outline_level, pk->page_index, y};
    g_array_append_val(pk->c->outline, e);
  }
}

static const char *keep_string(composer *c, const char *text) {
  if (!text) return NULL;
  char *copy = g_strdup(text);
  g_ptr_array_add(c->store->strings, copy);
  return copy;
}

static void emit_object(packer *pk, unit *u, const column *col, double y) {
  if (!pk->page) return;
  dp_draw *d = page_add(pk->c, pk->page);
  double h = unit_height(u, pk->scale);
  d->mark = u->mark;
  d->frame_mark = pk->frame ? pk->frame->mark : (dp_mark){NULL, 0, 0};
  switch (u->kind) {
    case UNIT_RULE: {
      double w = u->width > 0      ? MIN(u->width, col->width)
                 : u->fraction > 0 ? MIN(u->fraction, 1.0) * col->width
                                   : col->width;
      d->kind = DP_DRAW_BOX;
      d->x = align_x(u->align, col, w, pk->page->verso);
      d->y = y;
      d->width = w;
      d->height = h;
      d->has_fill = true;
      d->fill = u->colour;
      break;
    }
    case UNIT_QR:
      d->kind = DP_DRAW_QR;
      d->width = d->height = h;
      d->x = align_x(u->align, col, h, pk->page->verso);
      d->y = y;
      d->qr = u->qr;
      g_ptr_array_add(pk->c->store->qrs, u->qr);
      u->qr = NULL;
      d->fill = u->colour;
      d->alt = keep_string(pk->c, u->alt);
      d->role = DP_ROLE_FIGURE;
      break;
    case UNIT_IMAGE:
      d->kind = DP_DRAW_IMAGE;
      d->width = u->width;
      d->height = u->height;
      d->x = align_x(u->align, col, u->width, pk->page->verso);
      d->y = y;
      d->image_path = keep_string(pk->c, u->image_path);
      d->cover = u->cover;
      d->alt = keep_string(pk->c, u->alt);
      d->role = DP_ROLE_FIGURE;
      d->source = u->source;
      break;
    default: pk->page->count--; break;
  }
}

/* Packs units from `*cur` into `col`.  Returns the height used; advances
 * `*cur` past what was placed.  Stops at a frame or page break or when
 * the next unit does not fit. */
static double pack_column(packer *pk, cursor *cur, const column *col) {
  double y = 0;
  bool at_top = true;
  bool spread = false; /* spread already added at this boundary */
  while (cur->unit < pk->units->len) {
    unit *u = &g_array_index(pk->units, unit, cur->unit);
    if (pk->spread > 0 && !at_top && !spread &&
        (u->kind == UNIT_SPACE ||
         (u->kind == UNIT_GROUP_BEGIN && pk->depth == 0))) {
      y += pk->spread;
      spread = true;
    }
    if (u->kind == UNIT_GROUP_BEGIN) pk->depth++;
    if (u->kind == UNIT_GROUP_END) pk->depth--;
    if (u->kind != UNIT_SPACE && u->kind != UNIT_GROUP_BEGIN &&
        u->kind != UNIT_GROUP_END && u->kind != UNIT_BREAK)
      spread = false;
    switch (u->kind) {
      case UNIT_BREAK:
        cur->unit++;
        if (u->break_kind == DP_BREAK_PAGE) pk->page_break = true;
        if (!at_top || u->break_kind == DP_BREAK_PAGE) return y;
        continue;
      case UNIT_GROUP_END: cur->unit++; continue;
      case UNIT_GROUP_BEGIN: {
        /* The group and what it keeps with: on to the next column unless
         * that could not take the group either. */
        size_t end;
        double h = group_height(pk, cur->unit, col, at_top, &end);
        double need = need_at(pk, cur->unit, col, at_top, 0);
        if (!at_top && h <= col->height + 0.01 && y + need > col->height + 0.01) {
          pk->depth--; /* met again in the next column */
          return y;
        }
        cur->unit++;
        continue;
      }
      case UNIT_SPACE:
        cur->unit++;
        if (!at_top) y += unit_height(u, pk->scale);
        continue;
      case UNIT_PARA: break;
      default: {
        double h = unit_height(u, pk->scale);
        double need = need_at(pk, cur->unit, col, at_top, 0);
        if (!at_top && y + MAX(h, need) > col->height + 0.01) return y;
        if (at_top && h > col->height + 0.01) return y; /* never fits */
        emit_object(pk, u, col, col->y + y);
        y += h;
        at_top = false;
        cur->unit++;
        continue;
      }
    }
    /* A paragraph, maybe continued from the previous column. */
    dp_para *p = unit_para_in(pk, u, col->width);
    int n = dp_para_get_line_count(p);
    int first = cur->line;
    double before = (at_top || first > 0) ? 0 : dp_para_get_space_before(p);
    if (first == 0 && !at_top) {
      double need = need_at(pk, cur->unit, col, false, 0);
      if (y + need > col->height + 0.01) return y;
    }
    double avail = col->height - y - before;
    int fit = 0;
    while (first + fit < n && lines_height(p, first, fit + 1) <= avail + 0.01) fit++;
    if (first + fit < n) {
      /* Split: keep `orphans` lines at this foot and `widows` at the next
       * head; in an empty column break the rules rather than stall. */
      int raw = fit;
      int widows = MAX(1, u->style->widows), orphans = MAX(1, u->style->orphans);
      if (n - (first + fit) < widows) fit = n - first - widows;
      if (first == 0 && fit < orphans) fit = 0;
      if (fit <= 0 && at_top) fit = raw;
      if (fit <= 0) return y;
      emit_para(pk, u, p, col, col->y + y + before, first, fit);
      y += before + lines_height(p, first, fit);
      cur->line = first + fit;
      return y;
    }
    emit_para(pk, u, p, col, col->y + y + before, first, n - first);
    y += before + lines_height(p, first, n - first) + dp_para_get_space_after(p);
    at_top = false;
    cur->unit++;
    cur->line = 0;
  }
  return y;
}

/* ---- Frames -------------------------------------------------------- */

typedef struct rect {
  double x, y, w, h;
} rect;

typedef enum { FRAME_UNRESOLVED, FRAME_RESOLVING, FRAME_RESOLVED } frame_state;

typedef struct page_ctx {
  composer *c;
  const dp_page_template *tmpl;
  int index;            /* 0-based page number */
  dp_page *page;
  rect *boxes;
  frame_state *state;
  bool *present;        /* frame's condition holds */
  double *scales;
  double *col_heights;  /* column height the content was fitted to */
  GArray **content;     /* units of content frames, kept for emitting */
  /* Frames of automatic height grow (max-scale) only while the others
   * need not shrink: a first try lets them, quietly; when another frame
   * then shrinks or does not fit, the page is fitted again without. */
  bool no_grow;
  bool quiet;           /* a frame that does not fit sets `unfit`, silently */
  bool unfit;
} page_ctx;

static rect builtin_frame(page_ctx *pc, const char *name, bool *found) {
  const dp_layout_model *l = pc->c->layout;
  bool verso = pc->page->verso;
  *found = true;
  if (!strcmp(name, "page")) return (rect){0, 0, l->page_width, l->page_height};
  if (!strcmp(name, "bleed"))
    return (rect){-l->bleed, -l->bleed, l->page_width + 2 * l->bleed,
                  l->page_height + 2 * l->bleed};
  if (!strcmp(name, "content")) {
    double left = verso ? l->margin_outside : l->margin_inside;
    double right = verso ? l->margin_inside : l->margin_outside;
    return (rect){left, l->margin_top, l->page_width - left - right,
                  l->page_height - l->margin_top - l->margin_bottom};
  }
  *found = false;
  return (rect){0, 0, 0, 0};
}

static bool resolve_frame(page_ctx *pc, size_t i);

/* dp_expr_eval's frames: built-in ones, or the template's, resolved
 * first (an absent frame, its `if` not holding, takes no room). */
static bool frame_rect(void *closure, const char *name, dp_mark mark,
                       dp_rect *out) {
  page_ctx *pc = closure;
  bool found;
  rect r = builtin_frame(pc, name, &found);
  if (!found) {
    size_t j;
    for (j = 0; j < pc->tmpl->frame_count; j++)
      if (pc->tmpl->frames[j]->name && !strcmp(pc->tmpl->frames[j]->name, name))
        break;
    if (j == pc->tmpl->frame_count) {
      dp_error(pc->c->diag, mark, "no frame named '%s'", name);
      return false;
    }
    if (!resolve_frame(pc, j)) return false;
    r = pc->boxes[j];
  }
  *out = (dp_rect){r.x, r.y, r.w, r.h};
  return true;
}

static bool eval_expr(page_ctx *pc, const dp_expr *e, double *out) {
  const dp_layout_model *l = pc->c->layout;
  if (!dp_expr_eval(e, l->page_width, l->page_height, frame_rect, pc, out))
    return false;
  /* Every term is bounded, but frames chained through factors multiply:
   * an edge far off the page (or infinite) would reach Pango and Cairo
   * as numbers they cannot hold, and the frame's text would vanish. */
  if (!isfinite(*out) || fabs(*out) > DP_MAX_EDGE) {
    dp_error(pc->c->diag, e->mark, "this edge comes to %g pt, beyond "
             "%g pt from the page's corner (frames that multiply each "
             "other's edges?)", *out, DP_MAX_EDGE);
    pc->c->failed = true;
    return false;
  }
  return true;
}

static bool frame_uses_folio(dp_item *const *items, size_t count) {
  for (size_t i = 0; i < count; i++) {
    const dp_item *item = items[i];
    for (size_t r = 0; r < item->run_count; r++)
      if (dp_template_uses_folio(item->runs[r].tmpl)) return true;
    if (frame_uses_folio(item->children, item->child_count)) return true;
  }
  return false;
}

/* Where packing `columns` columns, `width` wide and `height` tall, from
 * `cur` ends (measuring only); *page_break tells whether a page break was
 * met. */
static cursor measure_columns(const packer *pk, cursor cur, int columns,
                              double width, double height, bool *page_break) {
  packer m = *pk;
  m.page = NULL;
  m.page_break = false;
  for (int k = 0; k < columns && cur.unit < m.units->len && !m.page_break; k++) {
    column col = {0, 0, width, height};
    pack_column(&m, &cur, &col);
  }
  *page_break = m.page_break;
  return cur;
}

/* The shortest column height, at most `limit`, at which `columns` columns
 * take from `start` all that columns `limit` tall take. */
static double shortest_height(const packer *pk, cursor start, int columns,
                              double width, double limit) {
  bool full_break, brk;
  cursor full = measure_columns(pk, start, columns, width, limit, &full_break);
  double lo = 0, hi = limit;
  for (int step = 0; step < 14; step++) {
    double mid = (lo + hi) / 2;
    cursor end = measure_columns(pk, start, columns, width, mid, &brk);
    if (end.unit == full.unit && end.line == full.line && brk == full_break)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

/* Packs units from `*cur` into `columns` columns of `inner`, `gap` apart,
 * at most `height` tall; returns the tallest column's height.  Balanced
 * columns are each as short as the rest allows: the shortest height at
 * which the columns left take what is left, column after column, so that
 * they end level, the first ones at most a line longer. */
static double pack_columns(packer *pk, cursor *cur, rect inner, int columns,
                           double gap, double height, bool balance) {
  double width = (inner.w - gap * (columns - 1)) / columns;
  double used = 0;
  for (int k = 0; k < columns && cur->unit < pk->units->len; k++) {
    double h = height;
    if (balance) h = shortest_height(pk, *cur, columns - k, width, height);
    column col = {inner.x + k * (width + gap), inner.y, width, h};
    double y = pack_column(pk, cur, &col);
    used = MAX(used, y);
    if (pk->page_break) break;
  }
  return used;
}

/* Packs `units` into a frame's columns at `scale`; returns whether all
 * fitted, and the tallest column's height.  Emits when pk->page is set. */
static bool pack_frame(packer *pk, const dp_frame *f, rect inner,
                       double col_height, double *used) {
  cursor cur = {0, 0};
  int columns = MAX(1, f->columns);
  /* Columns balance when asked, and in a frame of automatic height
   * without a max-height (nothing else tells how tall they are). */
  bool automatic = !f->height && !(f->top && f->bottom) && !f->flow &&
                   !f->max_height;
  *used = pack_columns(pk, &cur, inner, columns, f->column_gap, col_height,
                       columns > 1 && (f->balance || automatic));
  /* Trailing group ends, spaces and breaks leave nothing to draw. */
  while (cur.unit < pk->units->len) {
    unit *u = &g_array_index(pk->units, unit, cur.unit);
    if (u->kind != UNIT_GROUP_END && u->kind != UNIT_SPACE &&
        u->kind != UNIT_BREAK)
      break;
    cur.unit++;
  }
  return cur.unit >= pk->units->len;
}

/* ---- Shrinking ------------------------------------------------------
 *
 * A frame that may shrink takes the largest scale of a grid between its
 * min-scale and 1 at which its content fits: what bisection over
 * SHRINK_STEPS halvings finds when fitting grows monotonically with the
 * scale.  Bisection sets the content at eight scales; setting text is
 * what costs, so the search guesses instead.  The content's natural
 * height (in one column of unbounded height) grows with the scale as a
 * power between about 1 (lines that do not reflow) and 2 (text that
 * does: lines get taller and hold fewer words); through the last two
 * trials (at first scale 1 alone, with 1.5) a power law predicts the
 * scale at which the content is as tall as the frame.  The grid point
 * above the prediction is tried first, expecting it not to fit, then the
 * one below, expecting it to: that usually settles the answer in three or
 * four settings of the text instead of ten, the last of them at the
 * answer, which composition then keeps.  When two guesses in a row do not
 * halve the bracket a bisection step is taken, so the search never takes
 * much longer than bisection would. */

/* The scales a search ranges over: [min-scale, 1] when shrinking,
 * [1, max-scale] when growing. */
typedef struct scale_range {
  double low, high;
} scale_range;

/* The scale of grid point `k` (0: `low`, SHRINK_GRID: `high`), computed
 * as bisection computes it, the midpoint of its bracket [k - h, k + h] for
 * h the lowest set bit of k: a scale is the same number however the
 * search reaches it. */
static double grid_scale(scale_range r, int k) {
  if (k <= 0) return r.low;
  if (k >= SHRINK_GRID) return r.high;
  int half = k & -k;
  return (grid_scale(r, k - half) + grid_scale(r, k + half)) / 2;
}

/* How tall the units are in one column of the frame's column width and
 * unbounded height, divided among the frame's columns (measuring only).
 * Stops, returning more than `cap`, once they are taller than `cap`. */
static double natural_height(const packer *pk, const dp_frame *f,
                             rect inner, double cap) {
  int columns = MAX(1, f->columns);
  double width = (inner.w - f->column_gap * (columns - 1)) / columns;
  packer m = *pk;
  m.page = NULL;
  cursor cur = {0, 0};
  double total = 0;
  while (cur.unit < m.units->len) {
    cursor before = cur;
    /* Columns of the cap's height: the measure can stop after any. */
    column col = {inner.x, inner.y, width,
                  isfinite(cap) ? (cap + 1) * columns : UNBOUNDED};
    m.page_break = false;
    total += pack_column(&m, &cur, &col); /* a break ends a column early */
    if (cur.unit == before.unit && cur.line == before.line) break;
    if (total / columns > cap) return total / columns;
  }
  /* Trailing spaces and the last paragraph's space after may hang below
   * a frame whose content fits. */
  for (size_t i = m.units->len; i-- > 0;) {
    const unit *u = &g_array_index(m.units, unit, i);
    if (u->kind == UNIT_GROUP_BEGIN || u->kind == UNIT_GROUP_END ||
        u->kind == UNIT_BREAK)
      continue;
    if (u->kind == UNIT_SPACE) {
      total -= unit_height(u, m.scale);
      continue;
    }
    if (u->kind == UNIT_PARA && u->para)
      total -= dp_para_get_space_after(u->para);
    break;
  }
  return total / columns;
}

/* A scale tried, and how tall the content was at it. */
typedef struct shrink_trial {
  double scale, natural;
} shrink_trial;

/* Packs at grid point `k`; records the trial. */
static bool shrink_try(packer *pk, const dp_frame *f, rect inner,
                       double limit, scale_range r, int k, double *used,
                       shrink_trial *trial) {
  pk->scale = grid_scale(r, k);
  pk->page_break = false;
  bool fits = pack_frame(pk, f, inner, limit, used);
  *trial = (shrink_trial){pk->scale, natural_height(pk, f, inner, INFINITY)};
  if (g_getenv("DISPUTAS_DEBUG"))
    g_printerr("fit %s scale %.3f limit %.1f used %.1f natural %.1f: %s\n",
               f->name, pk->scale, limit, *used, trial->natural,
               fits ? "fits" : "overflows");
  return fits;
}

/* Where on the grid (a real number) the content is predicted to be
 * `limit` tall, from the trial `last` and the one before it (`older`, may
 * be NULL): a power law through both, or with a power of 1.5 (between
 * text that reflows and lines that do not) through `last` alone. */
static double shrink_guess(scale_range r, double limit,
                           const shrink_trial *last,
                           const shrink_trial *older) {
  double power = 1.5;
  if (older && older->natural > 0 && last->natural > 0 &&
      older->natural != last->natural && older->scale != last->scale) {
    power = log(last->natural / older->natural) /
            log(last->scale / older->scale);
    power = CLAMP(power, 0.5, 4.0);
  }
  double scale = last->natural > 0
                     ? last->scale * pow(limit / last->natural, 1 / power)
                     : r.high;
  return (scale - r.low) / (r.high - r.low) * SHRINK_GRID;
}

/* The grid point of the largest scale of `r` at which the content fits,
 * after packing at r.high did not fit (`at_one` is that trial); -1 when
 * not even r.low fits.  On success the units are set at that scale and
 * *used is their height there. */
static int shrink_search(packer *pk, const dp_frame *f, rect inner,
                         double limit, scale_range r,
                         const shrink_trial *at_one, double *used) {
  int lo = 0, hi = SHRINK_GRID;   /* !fits(hi); fits(lo) once `fitted` */
  shrink_trial last = *at_one, older = {0};
  bool fitted = false, have_older = false;
  int last_k = SHRINK_GRID;       /* the units are set at this point */
  double lo_used = 0;
  /* Bracket widths before the last two trials. */
  int width[2] = {2 * SHRINK_GRID, 2 * SHRINK_GRID};
  while (hi - lo > 1) {
    int k;
    if (2 * (hi - lo) > width[1]) {
      /* Two guesses did not halve the bracket: bisect. */
      k = (lo + hi) / 2;
    } else {
      double e = shrink_guess(r, limit, &last, have_older ? &older : NULL);
      int below = (int)floor(CLAMP(e, -1.0, (double)SHRINK_GRID));
      /* The point above the guess first: when it does not fit and the
       * one below does, the last setting is the answer's. */
      k = below + 1 < hi && below + 1 > lo ? below + 1
                                            : CLAMP(below, lo + 1, hi - 1);
    }
    width[1] = width[0];
    width[0] = hi - lo;
    double u;
    older = last;
    have_older = true;
    last_k = k;
    if (shrink_try(pk, f, inner, limit, r, k, &u, &last)) {
      lo = k;
      fitted = true;
      lo_used = u;
    } else {
      hi = k;
    }
  }
  if (!fitted) {
    /* Nothing above min-scale fits: does min-scale? */
    shrink_trial t;
    if (!shrink_try(pk, f, inner, limit, r, 0, &lo_used, &t)) return -1;
    last_k = 0;
  }
  if (last_k != lo) {
    /* Set the units at the answer again (composition draws them so). */
    pk->scale = grid_scale(r, lo);
    pk->page_break = false;
    pack_frame(pk, f, inner, limit, &lo_used);
  }
  *used = lo_used;
  return lo;
}

/* After the content fitted at scale 1: the largest scale up to the
 * frame's max-scale at which it still fits.  Tries max-scale first (sparse
 * content takes it at once), then searches between 1 and it as shrinking
 * does.  Sets *scale and *used; false only if scale 1 no longer fits. */
static bool grow_frame(packer *pk, const dp_frame *f, rect inner,
                       double limit, double *scale, double *used) {
  scale_range r = {1.0, f->max_scale};
  shrink_trial at_max;
  if (shrink_try(pk, f, inner, limit, r, SHRINK_GRID, used, &at_max)) {
    *scale = f->max_scale;
    return true;
  }
  int k = shrink_search(pk, f, inner, limit, r, &at_max, used);
  if (k < 0) return false;
  *scale = grid_scale(r, k);
  return true;
}

/* Composes a content frame's units at the largest scale that fits
 * `limit` (a column height), within the frame's bounds.  Sets *scale and
 * *used; false (after reporting) when nothing fits. */
static bool fit_frame(page_ctx *pc, const dp_frame *f, GArray *units,
                      rect inner, double limit, double *scale, double *used,
                      double *col_height) {
  *col_height = limit;
  packer pk = {pc->c, units, 1.0, NULL, pc->index, false, f, 0, 0};
  bool balance = f->columns > 1 && (f->balance || limit >= UNBOUNDED);
  bool automatic = !f->height && !(f->top && f->bottom) && !f->flow;
  if (pack_frame(&pk, f, inner, limit, used)) {
    *scale = 1.0;
    /* Content that fits grows, when the layout lets it, up to a height
     * that is known (not into an unbounded automatic height). */
    if (f->fit == DP_FIT_SHRINK && f->max_scale > 1 && limit < UNBOUNDED &&
        !(automatic && pc->no_grow) &&
        !grow_frame(&pk, f, inner, limit, scale, used))
      goto overflow;
  } else if (f->fit == DP_FIT_SHRINK && f->min_scale < 1) {
    /* Set at scale s, content is at least s² as tall (text: lines s
     * times as tall, holding 1/s times as many words; the rest shrinks
     * by s or not at all); half that, for line breaks that fall better.
     * Content far too tall for min-scale (a 3 MB lead on the poster took
     * 30 s to search) fails after measuring that much of it. */
    double hopeless = 2 * limit / (f->min_scale * f->min_scale);
    shrink_trial at_one = {1.0, natural_height(&pk, f, inner, hopeless)};
    if (at_one.natural > hopeless) goto overflow;
    scale_range r = {f->min_scale, 1.0};
    int k = shrink_search(&pk, f, inner, limit, r, &at_one, used);
    if (k < 0) goto overflow;
    *scale = grid_scale(r, k);
  } else {
    goto overflow;
  }
  if (balance) {
    /* The shortest column height that still takes everything. */
    double lo = 0, hi = MIN(limit, *used);
    pk.scale = *scale;
    pk.page_break = false;
    if (pack_frame(&pk, f, inner, hi, used)) {
      for (int step = 0; step < 12; step++) {
        double mid = (lo + hi) / 2;
        pk.page_break = false;
        if (pack_frame(&pk, f, inner, mid, used)) hi = mid;
        else lo = mid;
      }
      pk.page_break = false;
      pack_frame(&pk, f, inner, hi, used);
      *col_height = hi;
    }
  }
  pk.scale = *scale;
  return true;
overflow:
  if (pc->quiet) {
    pc->unfit = true;
    return false;
  }
  if (f->fit == DP_FIT_SHRINK)
    dp_error(pc->c->diag, f->mark,
             "the content of frame '%s' does not fit, even at %.0f%% of its "
             "size", f->name ? f->name : "(unnamed)", f->min_scale * 100);
  else
    dp_error(pc->c->diag, f->mark,
             "the content of frame '%s' does not fit (the layout does not let "
             "it shrink: fit: shrink)", f->name ? f->name : "(unnamed)");
  pc->c->failed = true;
  return false;
}

static rect inset(rect r, double d) {
  return (rect){r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d};
}

static void emit_background(page_ctx *pc, const dp_frame *f, rect box) {
  if (!f->fill && !f->stroke) return;
  dp_draw *d = page_add(pc->c, pc->page);
  d->kind = DP_DRAW_BOX;
  d->x = box.x;
  d->y = box.y;
  d->width = box.w;
  d->height = box.h;
  d->has_fill = f->fill != NULL;
  d->fill = colour_named(pc->c, f->fill);
  d->has_stroke = f->stroke != NULL;
  d->stroke = colour_named(pc->c, f->stroke);
  d->stroke_width = f->stroke_width > 0 ? f->stroke_width : 0.5;
  d->radius = f->radius;
  d->mark = d->frame_mark = f->mark;
}

static dp_scope page_scope(page_ctx *pc) {
  dp_scope scope = root_scope(pc->c);
  scope.page = pc->index + 1;
  return scope;
}

/* Resolves frame `i`'s box; content frames of automatic height are packed
 * to learn it. */
static bool resolve_frame(page_ctx *pc, size_t i) {
  if (pc->state[i] == FRAME_RESOLVED) return true;
  const dp_frame *f = pc->tmpl->frames[i];
  if (pc->state[i] == FRAME_RESOLVING) {
    dp_error(pc->c->diag, f->mark, "frame '%s' depends on itself",
             f->name ? f->name : "(unnamed)");
    pc->c->failed = true;
    return false;
  }
  pc->state[i] = FRAME_RESOLVING;
  dp_scope scope = page_scope(pc);
  pc->present[i] = condition_holds(&f->condition, &scope);
  bool found;
  rect content = builtin_frame(pc, "content", &found);
  double left = content.x, right = content.x + content.w, width = 0;
  double top = content.y, bottom = content.y + content.h, height = 0;
  bool ok = true;
  if (f->left) ok &= eval_expr(pc, f->left, &left);
  if (f->right) ok &= eval_expr(pc, f->right, &right);
  if (f->width) ok &= eval_expr(pc, f->width, &width);
  if (f->top) ok &= eval_expr(pc, f->top, &top);
  if (f->bottom) ok &= eval_expr(pc, f->bottom, &bottom);
  if (f->height) ok &= eval_expr(pc, f->height, &height);
  if (!ok) {
    pc->c->failed = true;
    return false;
  }
  if (f->width) {
    if (f->right && !f->left) left = right - width;
    else right = left + width;
  }
  bool auto_height = !f->height && !(f->top && f->bottom) && !f->flow;
  if (f->height) {
    if (f->bottom && !f->top) top = bottom - height;
    else bottom = top + height;
  }
  rect box = {left, top, right - left, bottom - top};
  if (auto_height && pc->present[i]) {
    /* The page count is not known yet: measure "{pages}" as the widest
     * count there can be, so that the line is there (an unset placeholder
     * drops it) and the frame is tall enough when folios are set. */
    if (frame_uses_folio(f->content, f->content_count))
      scope.pages = DP_MAX_PAGES;
    GArray *units = units_new();
    expand_items(pc->c, f->content, f->content_count, &scope, units);
    if (pc->c->too_many) { /* reported: set none of it */
      g_array_free(units, TRUE);
      return false;
    }
    double limit = UNBOUNDED;
    if (f->max_height) {
      if (!eval_expr(pc, f->max_height, &limit)) {
        g_array_free(units, TRUE);
        return false;
      }
      limit -= 2 * f->padding;
    }
    rect inner = inset((rect){left, 0, box.w, 0}, f->padding);
    double scale, used, col_height;
    if (!fit_frame(pc, f, units, inner, limit, &scale, &used, &col_height)) {
      g_array_free(units, TRUE);
      pc->state[i] = FRAME_RESOLVED;
      return false;
    }
    box.h = used + 2 * f->padding;
    pc->scales[i] = scale;
    pc->col_heights[i] = col_height;
    pc->content[i] = units;
  } else if (auto_height) {
    box.h = 0;
  }
  /* An automatic height anchored at the bottom grows upwards. */
  if (auto_height && f->bottom && !f->top) box.y = bottom - box.h;
  pc->boxes[i] = box;
  pc->state[i] = FRAME_RESOLVED;
  return true;
}

/* How many block boundaries pack_column() spreads at: a space or a
 * top-level group after something drawn, once per boundary. */
static int boundaries(GArray *units) {
  int n = 0, depth = 0;
  bool at_top = true, counted = false;
  for (guint i = 0; i < units->len; i++) {
    const unit *u = &g_array_index(units, unit, i);
    if (!at_top && !counted &&
        (u->kind == UNIT_SPACE || (u->kind == UNIT_GROUP_BEGIN && depth == 0))) {
      n++;
      counted = true;
    }
    if (u->kind == UNIT_GROUP_BEGIN) depth++;
    else if (u->kind == UNIT_GROUP_END) depth--;
    else if (u->kind != UNIT_SPACE && u->kind != UNIT_BREAK) {
      at_top = false;
      counted = false;
    }
  }
  /* A boundary after the last thing drawn divides nothing. */
  return counted ? n - 1 : n;
}

/* Expands and fits the content of a resolved frame of fixed height. */
static bool prefit_frame(page_ctx *pc, size_t i) {
  const dp_frame *f = pc->tmpl->frames[i];
  rect inner = inset(pc->boxes[i], f->padding);
  dp_scope scope = page_scope(pc);
  scope.pages = (int)pc->c->set->page_count;
  GArray *units = units_new();
  expand_items(pc->c, f->content, f->content_count, &scope, units);
  pc->content[i] = units;
  if (pc->c->too_many) return false; /* reported: set none of it */
  double used;
  return fit_frame(pc, f, units, inner, inner.h, &pc->scales[i], &used,
                   &pc->col_heights[i]);
}

/* Draws a resolved content frame: background, then its units.  `units`
 * may be NULL (not yet expanded: fixed-height frames). */
static bool emit_content_frame(page_ctx *pc, size_t i) {
  const dp_frame *f = pc->tmpl->frames[i];
  rect box = pc->boxes[i];
  rect inner = inset(box, f->padding);
  if (!pc->content[i] && !prefit_frame(pc, i)) return false;
  GArray *units = pc->content[i];
  double used;
  double scale = pc->scales[i], col_height = pc->col_heights[i] + 0.02;
  packer measure = {pc->c, units, scale, NULL, pc->index, false, f, 0, 0};
  pack_frame(&measure, f, inner, col_height, &used);
  double shift = 0, spread = 0;
  if (f->valign == DP_VALIGN_MIDDLE) shift = (inner.h - used) / 2;
  if (f->valign == DP_VALIGN_BOTTOM) shift = inner.h - used;
  if (f->valign == DP_VALIGN_SPREAD && f->columns <= 1) {
    /* A hair less than all, so the last block still fits. */
    int n = boundaries(units);
    if (n > 0 && inner.h - used > 0.5) {
      spread = (inner.h - used - 0.25) / n;
      col_height = inner.h + 0.02;
    } else if (n == 0) {
      shift = inner.h - used; /* one block: it stands on the foot */
    }
  }
  emit_background(pc, f, box);
  inner.y += MAX(0, shift);
  packer pk = {pc->c, units, scale, pc->page, pc->index, false, f, spread, 0};
  pack_frame(&pk, f, inner, col_height, &used);
  pc->page->frames[i].scale = scale;
  return true;
}

/* ---- Pages and the sequence ---------------------------------------- */

typedef struct flow_state {
  const dp_flow *flow;
  GArray *units;
  cursor cur;
} flow_state;

static page_ctx *page_ctx_new(composer *c, const dp_page_template *tmpl) {
  page_ctx *pc = g_new0(page_ctx, 1);
  size_t n = tmpl->frame_count;
  pc->c = c;
  pc->tmpl = tmpl;
  pc->boxes = g_new0(rect, n);
  pc->state = g_new0(frame_state, n);
  pc->present = g_new0(bool, n);
  pc->scales = g_new0(double, n);
  pc->col_heights = g_new0(double, n);
  pc->content = g_new0(GArray *, n);
  return pc;
}

static void page_ctx_free(page_ctx *pc) {
  for (size_t i = 0; i < pc->tmpl->frame_count; i++)
    if (pc->content[i]) g_array_free(pc->content[i], TRUE);
  g_free(pc->boxes);
  g_free(pc->state);
  g_free(pc->present);
  g_free(pc->scales);
  g_free(pc->col_heights);
  g_free(pc->content);
  g_free(pc);
}

static dp_page *new_page(composer *c) {
  dp_pageset *set = c->set;
  set->pages = g_renew(dp_page, set->pages, set->page_count + 1);
  dp_page *page = &set->pages[set->page_count];
  memset(page, 0, sizeof *page);
  /* Page 1 is a right-hand page; even pages are left-hand. */
  page->verso = (set->page_count + 1) % 2 == 0;
  set->page_count++;
  return page;
}

/* Keeps the template's name and its frames' rectangles in the page for
 * traces; content frames get their scale when they are emitted. */
static void record_frames(page_ctx *pc) {
  const dp_page_template *tmpl = pc->tmpl;
  dp_page *page = &pc->c->set->pages[pc->index];
  page->template_name = keep_string(pc->c, tmpl->name);
  page->frames = g_new0(dp_placed_frame, tmpl->frame_count);
  page->frame_count = tmpl->frame_count;
  for (size_t i = 0; i < tmpl->frame_count; i++) {
    const dp_frame *f = tmpl->frames[i];
    dp_placed_frame *r = &page->frames[i];
    r->name = keep_string(pc->c, f->name);
    r->flow = keep_string(pc->c, f->flow);
    r->mark = f->mark;
    r->present = pc->state[i] == FRAME_RESOLVED && pc->present[i];
    if (!r->present) continue;
    r->x = pc->boxes[i].x;
    r->y = pc->boxes[i].y;
    r->width = pc->boxes[i].w;
    r->height = pc->boxes[i].h;
    r->scale = f->flow ? 1.0 : pc->scales[i];
  }
}

/* Resolves every frame of a page and fits the content frames that are not
 * composed later (folios).  Automatic heights that may grow try first;
 * when that leaves another frame shrunk or unfit, all fit again with
 * automatic heights at most at scale 1. */
static bool fit_page(page_ctx *pc) {
  const dp_page_template *tmpl = pc->tmpl;
  bool may_grow = false;
  for (size_t i = 0; i < tmpl->frame_count; i++) {
    const dp_frame *f = tmpl->frames[i];
    may_grow |= f->max_scale > 1 && !f->height && !(f->top && f->bottom);
  }
  pc->no_grow = !may_grow;
  for (int pass = 0; pass < 2; pass++) {
    pc->quiet = !pc->no_grow;
    pc->unfit = false;
    bool ok = true, grew = false, shrank = false;
    for (size_t i = 0; i < tmpl->frame_count && ok; i++) ok = resolve_frame(pc, i);
    for (size_t i = 0; i < tmpl->frame_count && ok; i++)
      if (pc->present[i] && !tmpl->frames[i]->flow && !pc->content[i] &&
          !frame_uses_folio(tmpl->frames[i]->content,
                            tmpl->frames[i]->content_count))
        ok = prefit_frame(pc, i);
    for (size_t i = 0; i < tmpl->frame_count && ok; i++) {
      if (!pc->content[i]) continue;
      const dp_frame *f = tmpl->frames[i];
      bool automatic = !f->height && !(f->top && f->bottom);
      if (automatic && pc->scales[i] > 1) grew = true;
      if (pc->scales[i] < 1) shrank = true;
    }
    pc->quiet = false;
    if (pc->no_grow || pc->c->failed || (ok && !(grew && shrank)) ||
        (!ok && !pc->unfit))
      return ok;
    /* Again, without growing. */
    pc->no_grow = true;
    for (size_t i = 0; i < tmpl->frame_count; i++) {
      if (pc->content[i]) g_array_free(pc->content[i], TRUE);
      pc->content[i] = NULL;
      pc->state[i] = FRAME_UNRESOLVED;
      pc->scales[i] = pc->col_heights[i] = 0;
    }
  }
  return false;
}

/* Makes one page from `tmpl`, pouring `flow` (may be NULL) into its flow
 * frames.  Content frames are composed at once, except those that show
 * folios, which wait in `deferred` until the page count is known. */
static bool make_page(composer *c, const dp_page_template *tmpl,
                      flow_state *flow, GPtrArray *deferred, bool *progress) {
  int max = c->layout->pages_max > 0 ? c->layout->pages_max : DP_MAX_PAGES;
  if ((int)c->set->page_count >= max) {
    dp_error(c->diag, tmpl->mark,
             "the layout would need more than %d pages for this document", max);
    c->failed = true;
    return false;
  }
  /* Left-hand pages (even numbers) may have a template of their own. */
  if ((c->set->page_count + 1) % 2 == 0 && tmpl->verso) tmpl = tmpl->verso;
  page_ctx *pc = page_ctx_new(c, tmpl);
  pc->index = (int)c->set->page_count;
  pc->page = new_page(c);
  /* A pointer into set->pages may move as pages are added: keep the index. */
  bool ok = fit_page(pc);
  record_frames(pc);
  size_t start_unit = flow ? flow->cur.unit : 0;
  int start_line = flow ? flow->cur.line : 0;
  bool defer = false;
  bool page_break = false; /* a page break ends the page, not just a frame */
  for (size_t i = 0; i < tmpl->frame_count && ok; i++) {
    const dp_frame *f = tmpl->frames[i];
    if (!pc->present[i]) continue;
    pc->page = &c->set->pages[pc->index];
    if (f->flow) {
      emit_background(pc, f, pc->boxes[i]);
      if (!flow || strcmp(flow->flow->name, f->flow) != 0) continue;
      if (page_break) continue;
      packer pk = {c, flow->units, 1.0, pc->page, pc->index, false, f, 0, 0};
      rect inner = inset(pc->boxes[i], f->padding);
      int columns = MAX(1, f->columns);
      pack_columns(&pk, &flow->cur, inner, columns, f->column_gap, inner.h,
                   columns > 1 && f->balance);
      page_break = pk.page_break;
    } else if (frame_uses_folio(f->content, f->content_count)) {
      defer = true;
    } else {
      ok = emit_content_frame(pc, i);
    }
  }
  if (flow)
    *progress = flow->cur.unit != start_unit || flow->cur.line != start_line;
  if (defer && ok) g_ptr_array_add(deferred, pc);
  else page_ctx_free(pc);
  return ok;
}

/* Units of a flow, expanded once. */
static flow_state *flow_state_new(composer *c, const dp_flow *flow) {
  flow_state *fs = g_new0(flow_state, 1);
  fs->flow = flow;
  fs->units = units_new();
  dp_scope scope = root_scope(c);
  expand_items(c, flow->items, flow->count, &scope, fs->units);
  return fs;
}

static void flow_state_free(flow_state *fs) {
  if (!fs) return;
  g_array_free(fs->units, TRUE);
  g_free(fs);
}

static bool flow_done(const flow_state *fs) {
  for (size_t i = fs->cur.unit; i < fs->units->len; i++) {
    unit_kind k = g_array_index(fs->units, unit, i).kind;
    if (k != UNIT_SPACE && k != UNIT_GROUP_END && k != UNIT_BREAK) return false;
  }
  return true;
}

static const dp_flow *find_flow(const dp_layout_model *l, const char *name) {
  for (size_t i = 0; i < l->flow_count; i++)
    if (!strcmp(l->flows[i]->name, name)) return l->flows[i];
  return NULL;
}

/* Pages the steps after `step` will add, not counting flows and pads. */
static int fixed_pages_after(composer *c, size_t step) {
  int n = 0;
  dp_scope scope = root_scope(c);
  for (size_t s = step + 1; s < c->layout->sequence_count; s++) {
    const dp_sequence_step *st = &c->layout->sequence[s];
    if (!st->flow && !st->pad && condition_holds(&st->condition, &scope)) n++;
  }
  return n;
}

static char *plain_of(const dp_value *v) {
  if (!v) return NULL;
  if (v->kind == DP_VALUE_RICH && v->rich) return dp_rich_to_plain(v->rich);
  return v->text ? g_strdup(v->text) : NULL;
}

static void set_metadata(composer *c) {
  const dp_value *root = dp_document_get_root(c->doc);
  dp_pageset *set = c->set;
  set->title = plain_of(dp_value_lookup(root, "thesis.title"));
  set->author = plain_of(dp_value_lookup(root, "candidate.name"));
  char *institution = plain_of(dp_value_lookup(root, "institution.name"));
  const char *defence = dp_labels_get(c->labels, "public-defence");
  set->subject = g_strdup_printf("%s, %s", defence ? defence : "Public defence",
                                 institution ? institution : "");
  g_free(institution);
  set->keywords = plain_of(dp_value_lookup(root, "discipline"));
  set->lang = g_strdup(c->lang);
}

dp_pageset *dp_compose(dp_diag *diag, dp_text *text, const dp_document *doc,
                       const dp_layout_model *layout) {
  composer c = {0};
  c.diag = diag;
  c.text = text;
  c.doc = doc;
  c.layout = layout;
  c.lang = dp_document_get_lang(doc);
  const dp_value *root = dp_document_get_root(doc);
  c.labels = dp_labels_new(diag, c.lang, dp_value_get(root, "labels"));
  c.store = g_new0(store, 1);
  c.store->paras = g_ptr_array_new_with_free_func((GDestroyNotify)dp_para_free);
  c.store->qrs = g_ptr_array_new_with_free_func((GDestroyNotify)dp_qr_free);
  c.store->strings = g_ptr_array_new_with_free_func(g_free);
  c.store->styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c.outline = g_array_new(FALSE, FALSE, sizeof(dp_outline_entry));
  c.set = g_new0(dp_pageset, 1);
  c.set->width = layout->page_width;
  c.set->height = layout->page_height;
  c.set->bleed = layout->bleed;
  if (!c.labels) c.failed = true;
  else resolve_colours(&c);

  GPtrArray *deferred = g_ptr_array_new_with_free_func((GDestroyNotify)page_ctx_free);
  GPtrArray *flows = g_ptr_array_new_with_free_func((GDestroyNotify)flow_state_free);
  dp_scope scope = root_scope(&c);
  for (size_t s = 0; s < layout->sequence_count && !c.failed; s++) {
    const dp_sequence_step *step = &layout->sequence[s];
    if (!condition_holds(&step->condition, &scope)) continue;
    if (step->flow) {
      flow_state *fs = flow_state_new(&c, find_flow(layout, step->flow));
      g_ptr_array_add(flows, fs);
      while (!flow_done(fs) && !c.failed) {
        bool progress = false;
        if (!make_page(&c, step->page_template, fs, deferred, &progress)) break;
        if (!progress) {
          unit *u = &g_array_index(fs->units, unit, fs->cur.unit);
          dp_error(diag, u->mark,
                   "this does not fit in any frame of page template '%s' "
                   "(layout line %d)", step->page_template->name,
                   step->page_template->mark.line);
          c.failed = true;
        }
      }
    } else if (step->pad) {
      int multiple = MAX(1, layout->pages_multiple);
      int after = fixed_pages_after(&c, s);
      while (((int)c.set->page_count + after) % multiple != 0 && !c.failed) {
        bool progress;
        if (!make_page(&c, step->page_template, NULL, deferred, &progress)) break;
      }
    } else {
      bool progress;
      make_page(&c, step->page_template, NULL, deferred, &progress);
    }
  }
  /* Folios, now that the page count is known. */
  for (guint d = 0; d < deferred->len && !c.failed; d++) {
    page_ctx *pc = g_ptr_array_index(deferred, d);
    for (size_t i = 0; i < pc->tmpl->frame_count && !c.failed; i++) {
      const dp_frame *f = pc->tmpl->frames[i];
      if (pc->present[i] && !f->flow &&
          frame_uses_folio(f->content, f->content_count)) {
        pc->page = &c.set->pages[pc->index];
        if (pc->content[i]) {
          g_array_free(pc->content[i], TRUE);
          pc->content[i] = NULL;
        }
        size_t before = pc->page->count;
        if (!emit_content_frame(pc, i)) c.failed = true;
        /* Running heads and folios are page furniture, not content. */
        for (size_t k = before; k < pc->page->count; k++)
          pc->page->draws[k].role = DP_ROLE_ARTIFACT;
      }
    }
  }
  g_ptr_array_free(deferred, TRUE);
  g_ptr_array_free(flows, TRUE);
  if (c.set->page_count == 0 && !c.failed) {
    dp_error(diag, layout->mark, "the layout made no pages for this document");
    c.failed = true;
  }

  c.set->outline_count = c.outline->len;
  c.set->outline = (dp_outline_entry *)g_array_free(c.outline, FALSE);
  c.set->owned = c.store;
  set_metadata(&c);
  g_hash_table_destroy(c.colours);
  dp_labels_free(c.labels);
  if (c.failed) {
    dp_pageset_free(c.set);
    return NULL;
  }
  return c.set;
}

void dp_pageset_free(dp_pageset *set) {
  if (!set) return;
  store *st = set->owned;
  if (st) {
    g_ptr_array_free(st->paras, TRUE);
    g_ptr_array_free(st->qrs, TRUE);
    g_ptr_array_free(st->strings, TRUE);
    g_hash_table_destroy(st->styles);
    g_free(st);
  }
  for (size_t p = 0; p < set->page_count; p++) {
    g_free(set->pages[p].draws);
    g_free(set->pages[p].frames);
  }
  g_free(set->pages);
  for (size_t i = 0; i < set->outline_count; i++) g_free(set->outline[i].title);
  g_free(set->outline);
  g_free(set->title);
  g_free(set->author);
  g_free(set->subject);
  g_free(set->keywords);
  g_free(set->lang);
  g_free(set);
}
