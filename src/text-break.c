/* text-break: optimal-fit line breaking on Pango's shaping (linebreak.c
 * chooses the breaks).
 */
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text-private.h"

/* ------------------------------------------------------------------ */
/* Optimal-fit line breaking                                            */
/* ------------------------------------------------------------------ */

/* Pango breaks first-fit: each line takes as much as fits, and Pango's
 * justification only stretches.  text_break_optimally() breaks a paragraph
 * Pango has wrapped as linebreak.c finds best, on Pango's own shaping:
 * the text is set unbroken, the widths of its characters read from the
 * shaped runs, break opportunities from Pango's log attributes (spaces,
 * after hyphens, soft hyphens from libhyphen); the chosen breaks become
 * forced breaks (U+2028; a visible hyphen U+2010 where a soft hyphen
 * breaks), and the space of a justified line goes to its word spaces as
 * letter spacing, with Pango's justification off.  The widths match the
 * final setting closely but not to the last unit (a kern before a
 * hyphen): where Pango aligns lines to the left edge, it is given a
 * wider measure than the lines are set in, so that it never wraps one
 * again; where it aligns to the right (right-to-left text, centred or
 * right-aligned lines), lines are set RIGHT_SLACK short of the measure.
 * Glyphs are scaled (`expansion`) only in the first case. */

/* Word spaces in justified text stretch by half and shrink by a fifth
 * of their width (TeX: by a half and a third). */
#define SPACE_STRETCH 0.5
#define SPACE_SHRINK 0.2
/* The loosest justified line tried first: 1.35 × the stretch is 1.675 ×
 * the natural space. */
#define JUSTIFY_MAX_RATIO 1.35
/* Cost of a break at a soft hyphen, and after an explicit hyphen. */
#define HYPHEN_PENALTY 50.0
#define EXPLICIT_HYPHEN_PENALTY 50.0
/* A ragged line may fall short by this much of the measure at a badness
 * of 100 (ems, or this fraction of the measure if more). */
#define RAG_EMS 4.0
#define RAG_FRACTION 0.2
/* Stretch standing for infinity (the last line's fill). */
#define FILL 1e6
/* Layout units each line is left short of the measure, and how much more
 * where Pango aligns lines against the measure's right edge (see
 * text_break_optimally). */
#define LINE_SLACK 0.02
#define RIGHT_SLACK 0.5

/* The paragraph set unbroken, character by character. */
typedef struct unbroken {
  const char *text;
  int n;                      /* characters */
  const PangoLogAttr *attrs;  /* n + 1 */
  int *byte;                  /* each character's byte offset; n + 1 */
  int *width;                 /* each character's advance, Pango units */
  PangoFont **font;           /* the font of each (not referenced) */
} unbroken;

static void S_unbroken_clear(unbroken *u) {
  g_free(u->byte);
  g_free(u->width);
  g_free(u->font);
}

/* Reads `layout`, set without a width. */
static bool S_unbroken_read(PangoLayout *layout, unbroken *u) {
  *u = (unbroken){0};
  u->text = pango_layout_get_text(layout);
  int len = (int)strlen(u->text);
  int n_attrs;
  u->attrs = pango_layout_get_log_attrs_readonly(layout, &n_attrs);
  u->n = (int)g_utf8_strlen(u->text, len);
  if (n_attrs != u->n + 1) return false;
  u->byte = g_new(int, (size_t)u->n + 1);
  int *char_of = g_new(int, (size_t)len + 1);
  int c = 0;
  for (const char *p = u->text; *p; p = g_utf8_next_char(p), c++) {
    u->byte[c] = (int)(p - u->text);
    char_of[p - u->text] = c;
  }
  u->byte[u->n] = len;
  char_of[len] = u->n;
  u->width = g_new0(int, (size_t)u->n + 1);
  u->font = g_new0(PangoFont *, (size_t)u->n + 1);
  for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    for (GSList *r = ((PangoLayoutLine *)l->data)->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      PangoItem *item = run->item;
      int c0 = char_of[item->offset];
      if (c0 + item->num_chars > u->n) continue;
      pango_glyph_item_get_logical_widths(run, u->text, u->width + c0);
      for (int k = 0; k < item->num_chars; k++)
        u->font[c0 + k] = item->analysis.font;
    }
  }
  g_free(char_of);
  return true;
}

/* The hyphen `font` shows (U+2010 if it has one) and its glyph. */
static gunichar S_hyphen_glyph(PangoFont *font, PangoGlyph *glyph) {
  hb_font_t *hb = font ? pango_font_get_hb_font(font) : NULL;
  hb_codepoint_t g = 0;
  if (hb && hb_font_get_nominal_glyph(hb, 0x2010, &g)) {
    *glyph = g;
    return 0x2010;
  }
  if (hb && hb_font_get_nominal_glyph(hb, '-', &g)) {
    *glyph = g;
    return '-';
  }
  *glyph = PANGO_GLYPH_EMPTY;
  return '-';
}

/* The width a hyphen shown in `font` takes, Pango units. */
static int S_hyphen_width(PangoFont *font) {
  PangoGlyph glyph;
  S_hyphen_glyph(font, &glyph);
  if (!font || glyph == PANGO_GLYPH_EMPTY) return 0;
  PangoRectangle logical;
  pango_font_get_glyph_extents(font, glyph, NULL, &logical);
  return logical.width;
}

/* The letter spacing at byte `at`: the paragraph's, or that of the last
 * span over it that sets one (text_attributes: later spans win). */
static double S_spacing_at(const dp_style *style, const span *spans,
                           size_t count, double unit, unsigned at) {
  double spacing = style->letter_spacing;
  for (size_t i = 0; i < count; i++) {
    const dp_style *cs = spans[i].style;
    if (cs && (cs->set & DP_STYLE_LETTER_SPACING) && spans[i].start <= at &&
        at < spans[i].end)
      spacing = cs->letter_spacing;
  }
  return spacing * unit;
}

/* Where an item came from: glue, the spaces [start, end) (characters);
 * a penalty, the break before character `end`. */
typedef struct item_at {
  int start, end;
} item_at;

typedef struct items {
  GArray *items; /* dp_lb_item */
  GArray *at;    /* item_at */
} items;

static void S_push(items *it, dp_lb_item item, int start, int end) {
  g_array_append_val(it->items, item);
  item_at at = {start, end};
  g_array_append_val(it->at, at);
}

/* A box of `width` whose glyphs may be drawn `expand` wider or narrower. */
static dp_lb_item S_box(double width, double expand) {
  return (dp_lb_item){.kind = DP_LB_BOX, .width = width,
                      .stretch = expand * width, .shrink = expand * width};
}

/* The boxes, glue and penalties of `u` (units: layout units). */
static void S_items(const unbroken *u, break_mode mode, double expand,
                    items *it) {
  double box = 0;
  bool in_box = false;
  double end_stretch = mode == BREAK_BALANCED ? 0 : FILL;
  for (int c = 0; c <= u->n; c++) {
    const PangoLogAttr *a = &u->attrs[c];
    bool last = c == u->n;
    if (c > 0 && (last || a->is_mandatory_break)) {
      if (in_box) S_push(it, S_box(box, expand), c, c);
      box = 0;
      in_box = false;
      S_push(it, (dp_lb_item){.kind = DP_LB_GLUE, .stretch = end_stretch,
                              .penalty = DP_LB_INFINITY}, c, c);
      S_push(it, (dp_lb_item){.kind = DP_LB_PENALTY,
                              .penalty = -DP_LB_INFINITY}, c, c);
    } else if (c > 0 && a->is_line_break) {
      dp_lb_item *prev = it->items->len
          ? &g_array_index(it->items, dp_lb_item, it->items->len - 1) : NULL;
      if (!in_box && prev && prev->kind == DP_LB_GLUE) {
        prev->penalty = 0; /* the spaces before may end a line */
      } else {
        if (in_box)
          S_push(it, S_box(box, expand), c, c);
        box = 0;
        in_box = false;
        gunichar before = g_utf8_get_char(u->text + u->byte[c - 1]);
        if (a->break_inserts_hyphen)
          S_push(it, (dp_lb_item){.kind = DP_LB_PENALTY,
                                  .width = S_hyphen_width(u->font[c - 1]) /
                                           (double)PANGO_SCALE,
                                  .penalty = HYPHEN_PENALTY,
                                  .flagged = true}, c, c);
        else if (before == '-' || before == 0x2010)
          S_push(it, (dp_lb_item){.kind = DP_LB_PENALTY,
                                  .penalty = EXPLICIT_HYPHEN_PENALTY,
                                  .flagged = true}, c, c);
        else
          S_push(it, (dp_lb_item){.kind = DP_LB_PENALTY}, c, c);
      }
    }
    if (last) break;
    double w = u->width[c] / (double)PANGO_SCALE;
    gunichar ch = g_utf8_get_char(u->text + u->byte[c]);
    if (a->is_expandable_space && ch != 0x2028 && ch != '\n') {
      dp_lb_item *prev = it->items->len
          ? &g_array_index(it->items, dp_lb_item, it->items->len - 1) : NULL;
      if (!in_box && prev && prev->kind == DP_LB_GLUE &&
          g_array_index(it->at, item_at, it->at->len - 1).end == c) {
        prev->width += w;
        if (mode == BREAK_JUSTIFY) {
          prev->stretch += SPACE_STRETCH * w;
          prev->shrink += SPACE_SHRINK * w;
        }
        g_array_index(it->at, item_at, it->at->len - 1).end = c + 1;
        continue;
      }
      if (in_box) S_push(it, S_box(box, expand), c, c);
      box = 0;
      in_box = false;
      dp_lb_item glue = {.kind = DP_LB_GLUE, .width = w,
                         .penalty = DP_LB_INFINITY};
      if (mode == BREAK_JUSTIFY) {
        glue.stretch = SPACE_STRETCH * w;
        glue.shrink = SPACE_SHRINK * w;
      }
      S_push(it, glue, c, c + 1);
    } else {
      box += w;
      in_box = true;
    }
  }
}

/* A letter spacing of `value` layout units on the character at `byte`. */
static void S_add_spacing(PangoAttrList *list, const char *text,
                          unsigned byte, double value) {
  unsigned end = (unsigned)(g_utf8_next_char(text + byte) - text);
  text_add_attr(list,
                pango_attr_letter_spacing_new(pango_units_from_double(value)),
                byte, end);
}

/* Breaks `layout` (set first-fit in `avail` layout units, its text
 * `*buf`, spans `work`) optimally, replacing its text and attributes
 * (`*attrs` too) and `*buf`, remapping `work`, and setting `*scales` to
 * each line's horizontal scale (NULL: none).  False, with the layout as it
 * was, where this breaker does not apply: a word (or run of text without
 * a break opportunity) wider than the measure, which only Pango's
 * breaking between characters can set; and, as a safety net, a setting
 * Pango would wrap again (a line measured narrower than it is). */
bool text_break_optimally(PangoLayout *layout, GString **buf,
                              span *work, size_t count,
                              PangoAttrList **attrs, const dp_style *style,
                              double unit, const char *lang,
                              break_mode mode, double avail, double first,
                              double **scales) {
  *scales = NULL;
  bool justify = mode == BREAK_JUSTIFY;
  bool left = false;
  double expand = 0;
  /* The measuring setting splits items where the final one will (a
   * letter spacing on each word space), so both shape the same. */
  PangoAttrList *measuring = justify ? pango_attr_list_copy(*attrs) : NULL;
  if (justify) {
    const char *t = (*buf)->str;
    for (const char *p = t; *p; p = g_utf8_next_char(p))
      if (*p == ' ')
        S_add_spacing(measuring, t, (unsigned)(p - t),
                      S_spacing_at(style, work, count, unit,
                                   (unsigned)(p - t)));
    pango_layout_set_attributes(layout, measuring);
  }
  pango_layout_set_width(layout, -1);
  pango_layout_set_justify(layout, FALSE);

  unbroken u;
  bool ok = S_unbroken_read(layout, &u);
  /* The base direction Pango found (auto-dir: the first strong
   * character's). */
  PangoLayoutLine *line0 = pango_layout_get_line_readonly(layout, 0);
  left = (style->align == DP_ALIGN_LEFT || justify) && line0 &&
         line0->resolved_dir != PANGO_DIRECTION_RTL;
  if (justify && left) expand = CLAMP(style->expansion, 0.0, 0.05);
  items it = {g_array_new(FALSE, FALSE, sizeof(dp_lb_item)),
              g_array_new(FALSE, FALSE, sizeof(item_at))};
  dp_lb_line *lines = NULL;
  size_t n_lines = 0;
  dp_lb_params params;
  dp_lb_params_init(&params, avail - (left ? LINE_SLACK : RIGHT_SLACK));
  if (ok) {
    S_items(&u, mode, expand, &it);
    /* Pango's indent: a positive one shortens the first line, a negative
     * one the others. */
    if (first > 0) params.first_width -= first;
    if (first < 0) params.width += first;
    switch (mode) {
    case BREAK_JUSTIFY:
      params.max_ratio = JUSTIFY_MAX_RATIO;
      break;
    case BREAK_RAGGED:
      params.max_ratio = INFINITY;
      params.line_stretch = MAX(RAG_EMS * LAYOUT_SIZE, RAG_FRACTION * avail);
      break;
    case BREAK_BALANCED:
      params.max_ratio = INFINITY;
      params.line_stretch = avail;
      break;
    }
    bool overfull = false;
    n_lines = dp_linebreak((const dp_lb_item *)(void *)it.items->data,
                           it.items->len, &params, &lines, &overfull);
    ok = n_lines > 0 && !overfull;
  }

  /* What happens to each character: kept, dropped (the spaces a line
   * ends at), or shown as a hyphen (a soft hyphen a line ends at); and
   * where a forced break goes.  Each justified line's adjustment goes to
   * its glyphs (a horizontal scale, `expand` at most) and its word spaces
   * (letter spacing) as linebreak.c shares it out. */
  enum { KEEP, DROP, HYPHEN };
  char *act = NULL;
  bool *brk = NULL;
  double *extra = NULL, *line_scale = NULL;
  bool *spaced = NULL;
  if (ok) {
    act = g_new0(char, (size_t)u.n + 1);
    brk = g_new0(bool, (size_t)u.n + 1);
    extra = g_new0(double, (size_t)u.n + 1);
    spaced = g_new0(bool, (size_t)u.n + 1);
    line_scale = g_new(double, n_lines);
    const dp_lb_item *item = (const dp_lb_item *)(void *)it.items->data;
    const item_at *at = (const item_at *)(void *)it.at->data;
    size_t from = 0; /* the first item of the line */
    for (size_t l = 0; l < n_lines; l++) {
      size_t e = lines[l].end;
      double r = lines[l].ratio;
      bool forced = item[e].kind == DP_LB_PENALTY &&
                    item[e].penalty <= -DP_LB_INFINITY;
      /* A last line keeps its natural spaces unless it must shrink. */
      if (forced && r > 0) r = 0;
      double natural = item[e].kind == DP_LB_PENALTY ? item[e].width : 0;
      double stretch = 0, shrink = 0;
      for (size_t k = from; k < e; k++) {
        if (item[k].kind == DP_LB_PENALTY) continue;
        natural += item[k].width;
        if (item[k].kind == DP_LB_GLUE) {
          stretch += item[k].stretch;
          shrink += item[k].shrink;
        }
      }
      double target = l == 0 ? params.first_width : params.width;
      double sc = 1.0 + r * expand;
      line_scale[l] = sc;
      /* The spaces take what the scaled glyphs leave. */
      double spare = r != 0 ? target / sc - natural : 0;
      for (size_t k = from; k < e && justify; k++) {
        if (item[k].kind != DP_LB_GLUE || at[k].end <= at[k].start) continue;
        spaced[at[k].start] = true;
        if (spare > 0 && stretch > 0)
          extra[at[k].start] = spare * item[k].stretch / stretch;
        else if (spare < 0 && shrink > 0)
          extra[at[k].start] = spare * item[k].shrink / shrink;
      }
      if (!forced) {
        if (item[e].kind == DP_LB_GLUE) {
          for (int c = at[e].start; c < at[e].end; c++) act[c] = DROP;
        } else if (item[e].flagged &&
                   u.attrs[at[e].end].break_inserts_hyphen) {
          act[at[e].end - 1] = HYPHEN;
        }
        brk[at[e].end] = true;
      }
      /* The next line starts at the first box after the break. */
      from = e + 1;
      while (from < it.items->len && item[from].kind != DP_LB_BOX &&
             !(item[from].kind == DP_LB_PENALTY &&
               item[from].penalty <= -DP_LB_INFINITY))
        from++;
    }
  }

  /* The text with its breaks, and a map of old byte offsets to new. */
  GString *out = NULL;
  span *moved = NULL;
  PangoAttrList *final = NULL;
  if (ok) {
    const char *old = (*buf)->str;
    size_t old_len = (*buf)->len;
    size_t *map = g_new0(size_t, old_len + 1);
    out = g_string_sized_new(old_len + 4 * n_lines + 16);
    GArray *spacings = g_array_new(FALSE, FALSE, sizeof(double) * 2);
    for (int c = 0; c <= u.n; c++) {
      if (brk[c]) g_string_append_unichar(out, 0x2028);
      if (c == u.n) {
        map[old_len] = out->len;
        break;
      }
      int b0 = u.byte[c], b1 = u.byte[c + 1];
      for (int b = b0; b < b1; b++) map[b] = out->len;
      if (act[c] == DROP) continue;
      if (act[c] == HYPHEN) {
        PangoGlyph glyph;
        g_string_append_unichar(out, S_hyphen_glyph(u.font[c], &glyph));
        continue;
      }
      if (spaced[c]) {
        double sp[2] = {(double)out->len,
                        S_spacing_at(style, work, count, unit, (unsigned)b0) +
                            extra[c]};
        g_array_append_val(spacings, sp);
      }
      g_string_append_len(out, old + b0, b1 - b0);
    }
    moved = g_memdup2(work, sizeof(span) * (count + 1));
    text_remap(moved, count, map);
    final = text_attributes(style, out->str, moved, count, unit, lang, false);
    for (guint k = 0; k < spacings->len; k++) {
      const double *sp = &g_array_index(spacings, double, 2 * k);
      S_add_spacing(final, out->str, (unsigned)sp[0], sp[1]);
    }
    g_array_free(spacings, TRUE);
    g_free(map);
    pango_layout_set_text(layout, out->str, (int)out->len);
    pango_layout_set_attributes(layout, final);
    /* Glyphs drawn narrower are as wide as ever to Pango. */
    double widest = avail / (1.0 - expand) + LAYOUT_SIZE;
    pango_layout_set_width(layout, pango_units_from_double(
                                       left ? MIN(widest, MAX_LAYOUT_WIDTH)
                                            : avail));
    ok = pango_layout_get_line_count(layout) == (int)n_lines;
  }

  if (ok) {
    memcpy(work, moved, sizeof(span) * count);
    pango_attr_list_unref(*attrs);
    *attrs = final;
    g_string_free(*buf, TRUE);
    *buf = out;
    bool any = false;
    for (size_t l = 0; l < n_lines; l++) any |= line_scale[l] != 1.0;
    if (any) *scales = g_steal_pointer(&line_scale);
  } else {
    if (final) pango_attr_list_unref(final);
    if (out) g_string_free(out, TRUE);
    pango_layout_set_text(layout, (*buf)->str, (int)(*buf)->len);
    pango_layout_set_attributes(layout, *attrs);
    pango_layout_set_width(layout, pango_units_from_double(avail));
    pango_layout_set_justify(layout, style->align == DP_ALIGN_JUSTIFY);
  }
  g_free(moved);
  g_free(act);
  g_free(brk);
  g_free(extra);
  g_free(spaced);
  g_free(line_scale);
  g_free(lines);
  g_array_free(it.items, TRUE);
  g_array_free(it.at, TRUE);
  S_unbroken_clear(&u);
  if (measuring) pango_attr_list_unref(measuring);
  return ok;
}
