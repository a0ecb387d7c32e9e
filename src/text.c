/* text: see text.h.
 *
 * A paragraph goes through five passes before Pango sees it, each a
 * rewrite of the UTF-8 text with a map from old byte offsets to new ones
 * so the spans stay on the characters they styled:
 *
 *   0. typography: the language's quotation marks, apostrophes, dashes,
 *      ellipses and no-break spaces (typography.c), where the style
 *      allows;
 *   1. text transform (uppercase, lowercase, capitalize), per run between
 *      span boundaries, since case mapping may change byte lengths (ß→SS);
 *   2. hard breaks: '\n' becomes U+2028 LINE SEPARATOR, which Pango breaks
 *      at without starting a new paragraph (no first-line indent, no new
 *      base direction after a hard break);
 *   3. hyphenation: U+00AD SOFT HYPHEN at the points libhyphen allows
 *      (hyphenate.c); Pango shows a hyphen there only at a line end;
 *   4. attributes: one PangoAttrList from the paragraph style and the span
 *      kinds' character styles.  No markup string is ever built.
 *
 * Vertical geometry is ours, not Pango's.  With a line height set, lines
 * sit on a grid: line i's top is i × pitch (pitch = size × line_height,
 * scaled), and its baseline lies where the paragraph font's ascent and
 * descent, centred in the pitch, put it (CSS's half-leading).  So
 * baselines are evenly spaced even when a fallback font (Arabic, CJK) with
 * taller extents appears on a line; Pango's line-spacing factor and its
 * absolute line-height attribute both derive from each line's own fonts
 * and drift for such lines.  With line_height 0 the lines keep Pango's
 * natural extents.  Horizontal geometry is Pango's (alignment, indents;
 * breaking and justification where text-break.c does not apply), read
 * per line with a PangoLayoutIter, each line moved by `shift` where the
 * breaker gave Pango a wider measure.
 *
 * This file sets, measures and reflows paragraphs; the font maps are in
 * text-fonts.c, passes 0-4 in text-passes.c, optimal-fit breaking in
 * text-break.c, drawing, traces and preflight in text-draw.c; they share
 * dp_para and dp_text through text-private.h.
 */
#include "text.h"

#include <errno.h>
#include <math.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>

#include "paths.h"
#include "text-private.h"

/* Text under LAYOUT_SIZE / MAX_UNIT points (1pt) is set at its own size
 * times MAX_UNIT, and no line is set wider than MAX_LAYOUT_WIDTH units
 * (100,000 ems, unbounded in effect): so that no length of a layout
 * (a width over a small scale, an indent of a tiny size) overflows
 * Pango's integer units (1/1024 of a unit, at most 2^31). */
#define MAX_UNIT 10.0

/* ------------------------------------------------------------------ */
/* Paragraphs                                                           */
/* ------------------------------------------------------------------ */

/* Rounds a span offset in `text` down to a character boundary. */
static unsigned snap(const char *text, size_t length, unsigned offset) {
  if (offset > length) offset = (unsigned)length;
  while (offset > 0 && offset < length &&
         ((unsigned char)text[offset] & 0xC0) == 0x80)
    offset--;
  return offset;
}

/* The ascent and descent Pango gives `desc` in `lang` through `context`,
 * cached: Pango measures them on the language's sample text each time,
 * and composition asks for the same few fonts again and again. */
static void read_metrics(dp_text *text, PangoContext *context,
                      const PangoFontDescription *desc, PangoLanguage *lang,
                      double *ascent, double *descent) {
  char *key = g_strdup_printf(
      "%p|%s|%d|%d|%d|%d|%s", (void *)context,
      pango_font_description_get_family(desc),
      (int)pango_font_description_get_weight(desc),
      (int)pango_font_description_get_style(desc),
      (int)pango_font_description_get_stretch(desc),
      pango_font_description_get_size(desc),
      lang ? pango_language_to_string(lang) : "");
  double *known = g_hash_table_lookup(text->metrics, key);
  if (!known) {
    PangoFontMetrics *metrics = pango_context_get_metrics(context, desc, lang);
    known = g_new(double, 2);
    known[0] = pango_font_metrics_get_ascent(metrics) / (double)PANGO_SCALE;
    known[1] = pango_font_metrics_get_descent(metrics) / (double)PANGO_SCALE;
    pango_font_metrics_unref(metrics);
    g_hash_table_insert(text->metrics, key, known);
  } else {
    g_free(key);
  }
  *ascent = known[0];
  *descent = known[1];
}

/* Whether Pango broke a line where the text allows no line break: a word
 * longer than the line, broken between characters under
 * PANGO_WRAP_WORD_CHAR (where Pango would show a hyphen; see
 * text_attributes). */
static bool broke_a_word(PangoLayout *layout) {
  GSList *lines = pango_layout_get_lines_readonly(layout);
  if (!lines || !lines->next) return false;
  int n_attrs;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(layout, &n_attrs);
  const char *text = pango_layout_get_text(layout);
  long offset = 0; /* characters before `index` */
  int index = 0;
  for (GSList *l = lines->next; l; l = l->next) {
    int start = ((PangoLayoutLine *)l->data)->start_index;
    offset += g_utf8_strlen(text + index, start - index);
    index = start;
    if (offset < n_attrs && !attrs[offset].is_line_break) return true;
  }
  return false;
}

/* The narrowest width (layout units) at which Pango might take more onto
 * a line of `layout` that it wrapped: the line's right edge (before the
 * hyphen Pango shows where it broke at a soft hyphen: taking more, the
 * line would lose it) plus the next line's text up to its first break
 * opportunity, less any spaces there and less the hyphen such a break
 * may add.  An underestimate, so that in any width below it every line
 * surely breaks where it does.  INFINITY when no line was wrapped (all
 * end at forced breaks). */
static double unwrap_width(PangoLayout *layout) {
  double narrowest = INFINITY;
  int n_attrs;
  const PangoLogAttr *attrs =
      pango_layout_get_log_attrs_readonly(layout, &n_attrs);
  const char *text = pango_layout_get_text(layout);
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  PangoLayoutLine *previous = NULL;
  double previous_x = 0, previous_end = 0; /* the line before's */
  long offset = 0; /* characters before `index` */
  int index = 0;
  do {
    PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
    int start = line->start_index;
    offset += g_utf8_strlen(text + index, start - index);
    index = start;
    if (previous && offset < n_attrs && !attrs[offset].is_mandatory_break) {
      double end = previous_end;
      const char *before = g_utf8_prev_char(text + start);
      if (g_utf8_get_char(before) == 0x00AD) {
        int x;
        pango_layout_line_index_to_x(previous, (int)(before - text), FALSE, &x);
        end = previous_x + x / (double)PANGO_SCALE;
      }
      /* The first break opportunity after the line's start, and the end
       * of the text before it that is not a space. */
      const char *p = text + start, *stop = text + start + line->length;
      long k = offset, ink_end = start;
      while (p < stop) {
        if (!attrs[k].is_white) ink_end = g_utf8_next_char(p) - text;
        p = g_utf8_next_char(p);
        k++;
        if (k < n_attrs && attrs[k].is_line_break) break;
      }
      int *ranges = NULL, n = 0;
      if (ink_end > start)
        pango_layout_line_get_x_ranges(line, start, (int)ink_end, &ranges, &n);
      double width = 0;
      for (int r = 0; r < n; r++) width += ranges[2 * r + 1] - ranges[2 * r];
      g_free(ranges);
      narrowest = MIN(narrowest, end + width / PANGO_SCALE);
    }
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, NULL, &logical);
    previous = line;
    previous_x = logical.x / (double)PANGO_SCALE;
    previous_end = (logical.x + logical.width) / (double)PANGO_SCALE;
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return narrowest;
}

/* Line geometry (see the top of the file). */
static void measure_para(dp_para *para, dp_text *text, PangoContext *context,
                      const dp_style *style, const PangoFontDescription *desc,
                      PangoLanguage *lang, double unit) {
  PangoLayout *layout = para->layout;
  int n = pango_layout_get_line_count(layout);
  para->line_count = n;
  para->line_x = g_new0(double, n);
  para->line_top = g_new0(double, n);
  para->line_height = g_new0(double, n);
  para->line_baseline = g_new0(double, n);

  double pitch = 0.0, grid_baseline = 0.0;
  if (style->line_height > 0) {
    double ascent, descent;
    read_metrics(text, context, desc, lang, &ascent, &descent);
    double size = style->size > 0 ? style->size : 10.0;
    pitch = size * unit * style->line_height;
    grid_baseline = (pitch - (ascent + descent)) / 2.0 + ascent;
  }

  double indent = style->first_indent * unit;
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  int i = 0;
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, NULL, &logical);
    para->line_x[i] = logical.x / (double)PANGO_SCALE + para->shift;
    if (pitch > 0) {
      para->line_top[i] = i * pitch;
      para->line_height[i] = pitch;
      para->line_baseline[i] = i * pitch + grid_baseline;
    } else {
      para->line_top[i] = logical.y / (double)PANGO_SCALE;
      para->line_height[i] = logical.height / (double)PANGO_SCALE;
      para->line_baseline[i] =
          pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE;
    }
    if (pango_layout_iter_get_line_readonly(iter)->resolved_dir !=
        PANGO_DIRECTION_LTR)
      para->reflowable = false;
    para->widest = MAX(para->widest, (logical.x + logical.width) /
                                         (double)PANGO_SCALE);
    /* Natural width: as if left aligned, with the line's indent. */
    double line_indent = 0.0;
    if (i == 0 && indent > 0) line_indent = indent;
    if (i > 0 && indent < 0) line_indent = -indent;
    double w = para->x_offset + line_indent +
               logical.width / (double)PANGO_SCALE *
                   (para->line_scale ? para->line_scale[i] : 1.0);
    if (w > para->natural_width) para->natural_width = w;
    i++;
  } while (i < n && pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  para->height = n > 0 ? para->line_top[n - 1] + para->line_height[n - 1] -
                             para->line_top[0]
                       : 0.0;
}

/* The scalars of a paragraph's geometry, in the order of `raw`. */
#define RAW_SCALARS 8

/* Keeps the geometry of a paragraph as measured, in layout units, in
 * `raw`: a reflowed paragraph is scaled from it as a paragraph set anew
 * would be, to the same bits. */
static void keep_raw(dp_para *para) {
  int n = para->line_count;
  double *raw = g_new(double, RAW_SCALARS + 4 * (size_t)n);
  double scalars[RAW_SCALARS] = {para->x_offset,     para->first_start,
                                 para->em,           para->height,
                                 para->natural_width, para->space_before,
                                 para->space_after,  para->shift};
  memcpy(raw, scalars, sizeof scalars);
  memcpy(raw + RAW_SCALARS, para->line_x, sizeof(double) * (size_t)n);
  memcpy(raw + RAW_SCALARS + n, para->line_top, sizeof(double) * (size_t)n);
  memcpy(raw + RAW_SCALARS + 2 * n, para->line_height,
         sizeof(double) * (size_t)n);
  memcpy(raw + RAW_SCALARS + 3 * n, para->line_baseline,
         sizeof(double) * (size_t)n);
  para->raw = raw;
}

/* Sets the geometry in points, shown at `scale` points a layout unit,
 * from `raw`. */
static void apply_scale(dp_para *para, double scale) {
  const double *raw = para->raw;
  int n = para->line_count;
  para->scale = scale;
  para->x_offset = raw[0] * scale;
  para->first_start = raw[1] * scale;
  para->em = raw[2] * scale;
  para->height = raw[3] * scale;
  para->natural_width = raw[4] * scale;
  para->space_before = raw[5] * scale;
  para->space_after = raw[6] * scale;
  para->shift = raw[7] * scale;
  for (int i = 0; i < n; i++) {
    para->line_x[i] = raw[RAW_SCALARS + i] * scale;
    para->line_top[i] = raw[RAW_SCALARS + n + i] * scale;
    para->line_height[i] = raw[RAW_SCALARS + 2 * n + i] * scale;
    para->line_baseline[i] = raw[RAW_SCALARS + 3 * n + i] * scale;
  }
}

/* Shows `line` with its baseline's left end at (x, y), at `scale`, its
 * width `hscale` times that. */
void text_show_line(cairo_t *cr, double x, double y, double scale,
                        double hscale, PangoLayoutLine *line) {
  if (scale == 1.0 && hscale == 1.0) {
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout_line(cr, line);
    return;
  }
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, scale * hscale, scale);
  cairo_move_to(cr, 0, 0);
  pango_cairo_show_layout_line(cr, line);
  cairo_restore(cr);
}

/* An average character's advance, layout units (a little under half an
 * em in Latin text). */
#define LIKELY_ADVANCE (0.45 * LAYOUT_SIZE)

/* Whether `buf` likely wraps in `avail` layout units.  A guess, from its
 * longest line's length: it only decides whether the text is measured
 * before or after Pango has set it first fit, never how it breaks. */
static bool likely_wraps(const GString *buf, double avail) {
  long line = 0, longest = 0;
  for (const char *p = buf->str; *p; p = g_utf8_next_char(p)) {
    line = g_utf8_get_char(p) == 0x2028 ? 0 : line + 1;
    longest = MAX(longest, line);
  }
  return (double)longest * LIKELY_ADVANCE > avail;
}

/* Whether Pango wrapped a line of `layout` (a line ends where the text
 * has no forced break). */
static bool pango_wrapped(PangoLayout *layout) {
  GSList *lines = pango_layout_get_lines_readonly(layout);
  if (!lines || !lines->next) return false;
  int n_attrs;
  const PangoLogAttr *attrs =
      pango_layout_get_log_attrs_readonly(layout, &n_attrs);
  const char *text = pango_layout_get_text(layout);
  long offset = 0;
  int index = 0;
  for (GSList *l = lines->next; l; l = l->next) {
    int start = ((PangoLayoutLine *)l->data)->start_index;
    offset += g_utf8_strlen(text + index, start - index);
    index = start;
    if (offset < n_attrs && !attrs[offset].is_mandatory_break) return true;
  }
  return false;
}

/* Adds to `seen` the characters of `layout` no font could draw: Pango
 * shows each as an unknown glyph whose number is the character's. */
static void collect_unknown(PangoLayout *layout, GArray *seen) {
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutRun *run = pango_layout_iter_get_run_readonly(iter);
    if (!run) continue;
    for (int g = 0; g < run->glyphs->num_glyphs; g++) {
      PangoGlyph glyph = run->glyphs->glyphs[g].glyph;
      if (!(glyph & PANGO_GLYPH_UNKNOWN_FLAG)) continue;
      gunichar c = glyph & ~PANGO_GLYPH_UNKNOWN_FLAG;
      bool known = false;
      for (guint k = 0; k < seen->len; k++)
        if (g_array_index(seen, gunichar, k) == c) known = true;
      if (!known) g_array_append_val(seen, c);
    }
  } while (pango_layout_iter_next_run(iter));
  pango_layout_iter_free(iter);
}

char *dp_describe_chars(const uint32_t *chars, size_t count) {
  GString *out = g_string_new(NULL);
  size_t shown = MIN(count, 3);
  for (size_t k = 0; k < shown; k++) {
    gunichar c = chars[k];
    if (k > 0) g_string_append(out, k + 1 == shown && count <= 3
                                          ? " and " : ", ");
    g_string_append_printf(out, "U+%04X", c);
    /* Its Unicode name (none for private use), so the reader knows it
     * even where the terminal cannot show it. */
    char name[128];
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = u_charName((UChar32)c, U_UNICODE_CHAR_NAME, name,
                           (int32_t)sizeof name, &status);
    if (U_SUCCESS(status) && n > 0 && n < (int32_t)sizeof name)
      g_string_append_printf(out, " %s", name);
    /* The character itself, unless it would not show (a control, or a
     * private-use character, which means nothing outside its font). */
    if (g_unichar_isgraph(c) &&
        g_unichar_type(c) != G_UNICODE_PRIVATE_USE) {
      g_string_append(out, " '");
      g_string_append_unichar(out, c);
      g_string_append_c(out, '\'');
    }
  }
  if (count > 3) g_string_append_printf(out, " and %zu more", count - 3);
  if (count == 0) g_string_append(out, "some characters");
  return g_string_free(out, FALSE);
}

uint32_t *dp_para_get_missing(const dp_para *para, size_t *count) {
  *count = 0;
  if (!para || !para->missing) return NULL;
  GArray *seen = g_array_new(FALSE, FALSE, sizeof(gunichar));
  collect_unknown(para->layout, seen);
  if (para->marker) collect_unknown(para->marker, seen);
  *count = seen->len;
  return (uint32_t *)(void *)g_array_free(seen, seen->len == 0);
}

/* Whether the first strong character of `text` is right to left (as
 * Pango's auto-dir finds a paragraph's direction). */
static bool starts_rtl(const char *text) {
  for (const char *p = text; *p; p = g_utf8_next_char(p)) {
    UCharDirection d = u_charDirection((UChar32)g_utf8_get_char(p));
    if (d == U_LEFT_TO_RIGHT) return false;
    if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC) return true;
  }
  return false;
}

/* In a left-to-right document auto-dir stays on: a paragraph whose first
 * strong character is right-to-left (Arabic, Hebrew) gets an RTL base
 * direction, and Pango then mirrors PANGO_ALIGN_LEFT and RIGHT, which
 * makes them its start and end; the page's left and right are asked for
 * the other way round.  A paragraph of a right-to-left document reads
 * right to left whatever its first letter (auto-dir off, direct), so
 * Pango's left and right are the page's. */
static PangoAlignment pango_alignment(const dp_style *style,
                                        const char *text) {
  bool flipped = !style->rtl && (style->align == DP_ALIGN_LEFT ||
                                 style->align == DP_ALIGN_RIGHT) &&
                 starts_rtl(text);
  bool start_left = !style->rtl;
  switch (style->align) {
  case DP_ALIGN_CENTRE:
    return PANGO_ALIGN_CENTER;
  case DP_ALIGN_LEFT:
    return flipped ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
  case DP_ALIGN_RIGHT:
    return flipped ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
  case DP_ALIGN_END:
    return start_left ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
  case DP_ALIGN_START:
  case DP_ALIGN_JUSTIFY:
  default:
    return start_left ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
  }
}

/* A right-to-left document's paragraph: its base direction is set, not
 * found from its first letter, so a line that starts with a Latin name
 * or a number still reads from the right. */
static void direct(PangoContext *context, PangoLayout *layout,
                     const dp_style *style) {
  PangoDirection dir = style->rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR;
  if (pango_context_get_base_dir(context) != dir)
    pango_context_set_base_dir(context, dir);
  pango_layout_set_auto_dir(layout, !style->rtl);
}

bool dp_lang_listed(const char *off, const char *lang) {
  if (!off || !lang || !*lang) return false;
  for (const char *p = off; *p;) {
    size_t n = strcspn(p, " ");
    if (!g_ascii_strncasecmp(p, lang, n) && (lang[n] == '\0' || lang[n] == '-'))
      return true;
    p += n;
    while (*p == ' ') p++;
  }
  return false;
}

bool dp_text_lacks_hyphenation(dp_text *text, const char *off,
                               const char *lang) {
  g_return_val_if_fail(text != NULL, false);
  if (!lang || !*lang || uloc_isRightToLeft(lang)) return false;
  if (dp_lang_listed(off, lang)) return true;
  /* Looked up once: the answer is remembered either way, a language with
   * patterns under a value of its own. */
  gpointer known = g_hash_table_lookup(text->patterns_checked, lang);
  if (!known) {
    known = GINT_TO_POINTER(dp_hyphen_has_language(text->hyphen, lang) ? 2
                                                                         : 1);
    g_hash_table_insert(text->patterns_checked, g_strdup(lang), known);
  }
  return GPOINTER_TO_INT(known) == 1;
}

dp_para *dp_para_new(dp_text *text, const char *utf8, size_t length,
                     const dp_span *spans, size_t span_count,
                     const dp_style *style, const char *lang, double width,
                     double scale, const char *marker, dp_mark lang_mark) {
  g_return_val_if_fail(text != NULL && style != NULL, NULL);
  if (!utf8) length = 0;
  /* Text set at size s in a width w breaks as text set at size S in
   * w × S / s does (metrics are unhinted, so they grow linearly with the
   * size): every paragraph is set as if its size were LAYOUT_SIZE and
   * drawn larger or smaller.  So however many sizes a layout has, and
   * however many scales shrink-to-fit tries, Pango, HarfBuzz and cairo
   * see one size a face: one fontset, one set of metrics, shape plans
   * and glyph extents each, made once and then found in their caches. */
  /* Layout units per point: the paragraph's size is LAYOUT_SIZE units. */
  double size = style->size > 0 ? style->size : 10.0;
  double unit = MIN(LAYOUT_SIZE / size, MAX_UNIT);
  double shown = (scale > 0 ? scale : 1.0) / unit; /* points per unit */
  if (width > 0) width /= shown;

  /* The working copy of the text and spans. */
  GString *buf = g_string_new_len(utf8 ? utf8 : "", (gssize)length);
  span *work = g_new0(span, span_count + 1);
  size_t count = 0;
  if (!g_utf8_validate(buf->str, (gssize)buf->len, NULL)) {
    /* The YAML reader validates; this is a safety net that drops the
     * spans, whose offsets would no longer fit. */
    char *valid = g_utf8_make_valid(buf->str, (gssize)buf->len);
    g_string_assign(buf, valid);
    g_free(valid);
  } else {
    for (size_t i = 0; i < span_count; i++) {
      unsigned s = snap(buf->str, buf->len, spans[i].start);
      unsigned e = snap(buf->str, buf->len, spans[i].end);
      if (e < s) e = s;
      /* A layout's character style (DP_SPAN_STYLE) comes with the span;
       * emphasis, strong, code and links take the paragraph style's. */
      const dp_style *cs = spans[i].kind == DP_SPAN_STYLE ? spans[i].style
                           : (unsigned)spans[i].kind < DP_STYLE_SPAN_KINDS
                               ? style->spans[spans[i].kind]
                               : NULL;
      work[count++] = (span){spans[i].kind, s, e, spans[i].url, cs};
    }
  }

  if (style->typography)
    buf = text_typography(text, buf, work, count, style->typography, lang);
  buf = text_transform(buf, work, count, style);
  buf = text_insert(buf, NULL, 0, '\n', "\u2028", work, count);
  if (style->hyphenate && !style->balance)
    buf = text_hyphenate(text, buf, work, count, lang,
                         style->no_hyphenation);
  /* Justified text without hyphenation is set loose: said once per
   * language, unless the layout turned the language's hyphenation off. */
  if (style->hyphenate && style->align == DP_ALIGN_JUSTIFY && lang && *lang &&
      !dp_lang_listed(style->no_hyphenation, lang) &&
      dp_text_lacks_hyphenation(text, NULL, lang) &&
      !g_hash_table_contains(text->patterns_told, lang)) {
    if (text->diag)
      dp_warning(text->diag, lang_mark,
                 "no hyphenation patterns for language '%s' are installed: "
                 "its justified text is not hyphenated",
                 lang);
    g_hash_table_add(text->patterns_told, g_strdup(lang));
  }
  buf = text_break_long_words(buf, work, count);

  dp_para *para = g_new0(dp_para, 1);
  para->em = size * unit;
  para->space_before = style->space_before * unit;
  para->space_after = style->space_after * unit;
  double left = style->left_indent * unit;
  double first = style->first_indent * unit;
  /* Pango has no left indent: the layout starts at the leftmost line
   * start and is narrower by as much.  A negative first indent hangs the
   * first line out (Pango then indents the other lines by its size). */
  para->x_offset = left + MIN(first, 0.0);
  para->first_start = left + first;
  /* A right-to-left paragraph is indented from the right: its layout
   * starts at the paragraph's left edge, as much narrower, and its first
   * line starts first_start from the right edge (the marker hangs to the
   * right of it). */
  double inset = para->x_offset;
  if (style->rtl) {
    para->x_offset = 0;
    para->rtl = true;
    para->first_start = width > 0 ? width - (left + first) : 0;
  }

  PangoFontDescription *desc = text_font(style, unit);
  PangoLanguage *language =
      lang && *lang ? pango_language_from_string(lang) : NULL;
  PangoContext *context =
      text_bundled_suffices(text, style, work, count, buf, marker, language)
          ? text->bundled.context
          : text_full(text)->context;
  PangoAttrList *attrs =
      text_attributes(style, buf->str, work, count, unit, lang, false);
  /* The context's language as well as the text's: Pango otherwise asks
   * fontconfig for each face twice, once with the process's language
   * ("c") and once with the text's, each time sorting the fonts in
   * threads of its own.  Only while the context still has the process's
   * language: changing it again (a parallel title in another language)
   * makes Pango lay out every paragraph already set in this context
   * anew when it is drawn, losing the spaces the breaker justified. */
  if (language && pango_context_get_language(context) != language &&
      pango_context_get_language(context) == pango_language_get_default())
    pango_context_set_language(context, language);
  PangoLayout *layout = pango_layout_new(context);
  direct(context, layout, style);
  pango_layout_set_font_description(layout, desc);
  pango_layout_set_text(layout, buf->str, (int)buf->len);
  pango_layout_set_attributes(layout, attrs);
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  /* A width of 0 or less sets the paragraph unbroken (for measuring). */
  if (width > 0) {
    double avail = CLAMP(width - inset, 1.0, MAX_LAYOUT_WIDTH);
    pango_layout_set_width(layout, pango_units_from_double(avail));
  }
  pango_layout_set_indent(layout, pango_units_from_double(first));
  /* Justified by the breaker, or by Pango where it breaks (below). */
  pango_layout_set_alignment(layout, pango_alignment(style, buf->str));
  para->layout = layout;
  para->unit = unit;
  para->reflowable = width > 0 && !style->rtl &&
                     (style->align == DP_ALIGN_LEFT ||
                      style->align == DP_ALIGN_START);
  para->layout_width =
      width > 0 ? CLAMP(width - inset, 1.0, MAX_LAYOUT_WIDTH) : 0;
  /* A line's width leaves out the space Pango may have counted at its
   * end; reflowing allows for one, and some. */
  para->space = 0.5 * size * unit + MAX(style->letter_spacing * unit, 0.0);
  /* Where Pango wraps nothing, every line ends at a forced break and an
   * optimal breaker would break nowhere else: first fit is optimal there,
   * and the paragraph can still be reflowed.  Whether it wraps is read
   * from the first-fit setting, or from a kept measure of the text
   * (shrink-to-fit sets it again at another width), which saves that
   * setting where it would wrap. */
  break_mode mode = style->align == DP_ALIGN_JUSTIFY ? BREAK_JUSTIFY
                    : style->balance                ? BREAK_BALANCED
                                                    : BREAK_RAGGED;
  bool broken = false, tried = false;
  const text_measure *m = NULL; /* of `buf` as it is until broken */
  if (width > 0) {
    m = text_measure_find(text, context, desc, lang, buf, attrs);
    /* Text long enough to wrap is measured first: setting it first fit
     * only to see that it wraps costs more than measuring it. */
    if (!m && likely_wraps(buf, para->layout_width))
      m = text_measure_read(text, layout, context, desc, lang, buf, attrs);
    if (m && text_measure_wraps(m, para->layout_width, first) > 0) {
      tried = true;
      broken = text_break_optimally(text, &layout, m, &buf, work, count,
                                    &attrs, style, unit, lang, mode,
                                    para->layout_width, first,
                                    &para->line_scale, &para->shift);
    }
  }
  /* Set first fit: as it was before, where that did not wrap. */
  bool unwrapped_before = false;
  if (!broken && !tried && width > 0) {
    PangoLayout *before = text_unwrapped_find(text, layout);
    if (before) {
      g_object_unref(layout);
      layout = before;
      unwrapped_before = true;
    }
  }
  if (!broken && !tried && !unwrapped_before)
    text->settings++; /* first fit, or unbroken */
  if (width > 0 && !broken && broke_a_word(layout)) {
    text->settings++;
    para->reflowable = false;
    PangoAttrList *guarded =
        text_attributes(style, buf->str, work, count, unit, lang, true);
    pango_layout_set_attributes(layout, guarded);
    pango_layout_set_justify(layout, style->align == DP_ALIGN_JUSTIFY);
    pango_attr_list_unref(attrs);
    attrs = guarded;
  } else if (width > 0 && !broken && !tried && pango_wrapped(layout)) {
    if (!m)
      m = text_measure_read(text, layout, context, desc, lang, buf, attrs);
    if (!m) {
      pango_layout_set_justify(layout, style->align == DP_ALIGN_JUSTIFY);
      text->settings++;
    } else {
      broken = text_break_optimally(text, &layout, m, &buf, work, count,
                                    &attrs, style, unit, lang, mode,
                                    para->layout_width, first,
                                    &para->line_scale, &para->shift);
    }
  } else if (width > 0 && !broken && !tried && !unwrapped_before) {
    text_unwrapped_keep(text, layout); /* it did not wrap */
  }
  /* The lines may have been found set before, in another layout. */
  para->layout = layout;
  if (broken) {
    para->optimal = true;
    para->reflowable = false;
  }

  if (marker && *marker) {
    para->marker = pango_layout_new(context);
    direct(context, para->marker, style);
    pango_layout_set_font_description(para->marker, desc);
    pango_layout_set_text(para->marker, marker, -1);
    PangoAttrList *marker_attrs =
        text_attributes(style, marker, NULL, 0, unit, lang, false);
    pango_layout_set_attributes(para->marker, marker_attrs);
    pango_attr_list_unref(marker_attrs);
  }

  measure_para(para, text, context, style, desc, language, unit);
  /* Only a paragraph that may be reflowed needs the bound. */
  para->unwrap = para->reflowable ? unwrap_width(layout) : INFINITY;
  keep_raw(para);
  apply_scale(para, shown);

  /* Links, with the offsets of the final text. */
  para->links = g_new0(para_link, count + 1);
  for (size_t i = 0; i < count; i++) {
    if (work[i].kind != DP_SPAN_LINK || !work[i].url ||
        work[i].start >= work[i].end)
      continue;
    para->links[para->link_count++] =
        (para_link){work[i].start, work[i].end, text_escape_uri(work[i].url)};
  }

  int unknown = pango_layout_get_unknown_glyphs_count(layout);
  if (para->marker) unknown += pango_layout_get_unknown_glyphs_count(para->marker);
  /* Told by the caller, who knows where the text came from. */
  para->missing = unknown > 0;

  pango_attr_list_unref(attrs);
  pango_font_description_free(desc);
  g_free(work);
  g_string_free(buf, TRUE);
  return para;
}

dp_para *dp_para_reflow(const dp_para *para, double width, double scale) {
  if (!para || !(para->reflowable || para->optimal) || width <= 0)
    return NULL;
  double shown = (scale > 0 ? scale : 1.0) / para->unit;
  double avail = CLAMP(width / shown - para->raw[0], 1.0,
                       MAX_LAYOUT_WIDTH);
  /* Pango fills each line with as much as fits (first fit): lines that
   * all fit a narrower width, with room for a trailing space, break there
   * the same; in a wider one, so long as no line could take the next
   * line's first word or syllable. */
  /* Compared as Pango compares them, in its integer units. */
  double units = pango_units_from_double(avail) / (double)PANGO_SCALE;
  double set = pango_units_from_double(para->layout_width) / (double)PANGO_SCALE;
  /* An optimally broken paragraph has none of these properties: only the
   * same measure breaks it the same. */
  bool same = units == set ||
              (!para->optimal &&
               (units < set ? para->widest + para->space <= units
                            : units < para->unwrap));
  if (!same) return NULL;
  dp_para *p = g_new(dp_para, 1);
  *p = *para;
  g_object_ref(p->layout);
  if (p->marker) g_object_ref(p->marker);
  int n = p->line_count;
  p->line_x = g_memdup2(para->line_x, sizeof(double) * (size_t)n);
  p->line_scale = para->line_scale
                      ? g_memdup2(para->line_scale, sizeof(double) * (size_t)n)
                      : NULL;
  p->line_top = g_memdup2(para->line_top, sizeof(double) * (size_t)n);
  p->line_height = g_memdup2(para->line_height, sizeof(double) * (size_t)n);
  p->line_baseline =
      g_memdup2(para->line_baseline, sizeof(double) * (size_t)n);
  p->links = g_new0(para_link, para->link_count + 1);
  for (size_t i = 0; i < para->link_count; i++)
    p->links[i] = (para_link){para->links[i].start, para->links[i].end,
                              g_strdup(para->links[i].uri)};
  p->raw = g_memdup2(para->raw,
                     sizeof(double) * (RAW_SCALARS + 4 * (size_t)n));
  apply_scale(p, shown);
  return p;
}

void dp_para_free(dp_para *para) {
  if (!para) return;
  if (para->layout) g_object_unref(para->layout);
  if (para->marker) g_object_unref(para->marker);
  g_free(para->line_x);
  g_free(para->line_scale);
  g_free(para->line_top);
  g_free(para->line_height);
  g_free(para->line_baseline);
  g_free(para->raw);
  for (size_t i = 0; i < para->link_count; i++) g_free(para->links[i].uri);
  g_free(para->links);
  g_free(para);
}

int dp_para_get_line_count(const dp_para *para) {
  return para ? para->line_count : 0;
}

void dp_para_get_line(const dp_para *para, int line, double *top,
                      double *height, double *baseline) {
  bool ok = para && line >= 0 && line < para->line_count;
  if (top) *top = ok ? para->line_top[line] : 0.0;
  if (height) *height = ok ? para->line_height[line] : 0.0;
  if (baseline) *baseline = ok ? para->line_baseline[line] : 0.0;
}

bool dp_para_line_ends_in_hyphen(const dp_para *para, int line) {
  if (!para || line < 0 || line + 1 >= para->line_count) return false;
  PangoLayoutLine *pl = pango_layout_get_line_readonly(para->layout, line);
  const char *text = pango_layout_get_text(para->layout);
  const char *start = text + pl->start_index;
  const char *p = start + pl->length;
  /* Back over the forced break an optimally broken line ends in, and
   * the spaces first fit leaves at a line's end. */
  while (p > start) {
    const char *prev = g_utf8_prev_char(p);
    gunichar c = g_utf8_get_char(prev);
    if (c != 0x2028 && !g_unichar_isspace(c)) break;
    p = prev;
  }
  if (p == start) return false;
  gunichar c = g_utf8_get_char(g_utf8_prev_char(p));
  return c == 0x00AD || c == '-' || c == 0x2010;
}

double dp_para_get_height(const dp_para *para) {
  return para ? para->height : 0.0;
}

double dp_para_get_natural_width(const dp_para *para) {
  return para ? para->natural_width : 0.0;
}

double dp_para_get_space_before(const dp_para *para) {
  return para ? para->space_before : 0.0;
}

double dp_para_get_space_after(const dp_para *para) {
  return para ? para->space_after : 0.0;
}

bool dp_para_has_missing_glyphs(const dp_para *para) {
  return para && para->missing;
}

