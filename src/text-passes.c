/* text-passes: the rewrites of a paragraph's text before Pango sees it
 * (typography, text transform, hard breaks, hyphenation: see text.c)
 * and the PangoAttrList of its styles.
 */
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text-private.h"

/* ------------------------------------------------------------------ */
/* Rewriting the text                                                   */
/* ------------------------------------------------------------------ */

/* Moves every span through `map` (old byte offset → new). */
void text_remap(span *spans, size_t count, const size_t *map) {
  for (size_t i = 0; i < count; i++) {
    spans[i].start = (unsigned)map[spans[i].start];
    spans[i].end = (unsigned)map[spans[i].end];
  }
}

/* The transform a span's character style sets, else `inherited`. */
static dp_transform span_transform(const span *sp, dp_transform inherited) {
  const dp_style *cs = sp->style;
  return cs && (cs->set & DP_STYLE_TRANSFORM) ? cs->transform : inherited;
}

static bool starts_word(gunichar prev) {
  if (prev == 0) return true;
  if (g_unichar_isalnum(prev) || prev == '\'' || prev == 0x2019) return false;
  switch (g_unichar_type(prev)) {
  case G_UNICODE_NON_SPACING_MARK:
  case G_UNICODE_SPACING_MARK:
  case G_UNICODE_ENCLOSING_MARK:
  case G_UNICODE_FORMAT: /* soft hyphen, zero-width joiners */
    return false;
  default:
    return true;
  }
}

static int cmp_unsigned(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return (x > y) - (x < y);
}

/* Pass 1.  Each run between span boundaries is mapped as a whole (so
 * context-dependent rules such as Greek final sigma hold inside it), with
 * the transform of the innermost covering span that sets one. */
GString *text_transform(GString *in, span *spans, size_t count,
                            const dp_style *style) {
  bool any = style->transform != DP_TRANSFORM_NONE;
  for (size_t i = 0; i < count; i++)
    if (span_transform(&spans[i], DP_TRANSFORM_NONE) !=
        DP_TRANSFORM_NONE)
      any = true;
  if (!any) return in;

  size_t nb = 0;
  unsigned *bounds = g_new(unsigned, 2 * count + 2);
  bounds[nb++] = 0;
  bounds[nb++] = (unsigned)in->len;
  for (size_t i = 0; i < count; i++) {
    bounds[nb++] = spans[i].start;
    bounds[nb++] = spans[i].end;
  }
  qsort(bounds, nb, sizeof *bounds, cmp_unsigned);
  size_t unique = 0;
  for (size_t i = 0; i < nb; i++)
    if (unique == 0 || bounds[unique - 1] != bounds[i])
      bounds[unique++] = bounds[i];
  nb = unique;

  size_t *map = g_new0(size_t, in->len + 1);
  GString *out = g_string_sized_new(in->len + 16);
  gunichar prev = 0;
  for (size_t k = 0; k < nb; k++) {
    map[bounds[k]] = out->len;
    if (k + 1 == nb) break;
    const char *seg = in->str + bounds[k];
    size_t len = bounds[k + 1] - bounds[k];
    dp_transform t = style->transform;
    for (size_t i = 0; i < count; i++)
      if (spans[i].start <= bounds[k] && spans[i].end >= bounds[k + 1])
        t = span_transform(&spans[i], t);
    char *mapped = NULL;
    switch (t) {
    case DP_TRANSFORM_UPPERCASE:
      mapped = g_utf8_strup(seg, (gssize)len);
      g_string_append(out, mapped);
      break;
    case DP_TRANSFORM_LOWERCASE:
      mapped = g_utf8_strdown(seg, (gssize)len);
      g_string_append(out, mapped);
      break;
    case DP_TRANSFORM_CAPITALIZE: {
      gunichar p = prev;
      for (const char *c = seg; c < seg + len; c = g_utf8_next_char(c)) {
        gunichar ch = g_utf8_get_char(c);
        g_string_append_unichar(out, starts_word(p) && g_unichar_isalpha(ch)
                                         ? g_unichar_totitle(ch)
                                         : ch);
        p = ch;
      }
      break;
    }
    case DP_TRANSFORM_NONE:
    default:
      g_string_append_len(out, seg, (gssize)len);
      break;
    }
    g_free(mapped);
    if (len > 0) prev = g_utf8_get_char(g_utf8_prev_char(seg + len));
  }
  text_remap(spans, count, map);
  g_free(map);
  g_free(bounds);
  g_string_free(in, TRUE);
  return out;
}

/* Inserts `insert` before each byte offset of `points` (ascending) and
 * replaces each byte equal to `replace` (if not 0) by `insert` too.  */
GString *text_insert(GString *in, const size_t *points, size_t count,
                         char replace, const char *insert, span *spans,
                         size_t span_count) {
  size_t ins = strlen(insert);
  size_t *map = g_new(size_t, in->len + 1);
  GString *out = g_string_sized_new(in->len + count * ins + 16);
  size_t k = 0;
  for (size_t i = 0; i <= in->len; i++) {
    while (k < count && points[k] < i) k++;
    bool insert_here = k < count && points[k] == i;
    if (insert_here) g_string_append_len(out, insert, (gssize)ins);
    /* A span boundary at a hyphenation point lies before the hyphen: the
     * hyphen belongs to the later span, like the character after it. */
    map[i] = insert_here ? out->len - ins : out->len;
    if (i == in->len) break;
    if (replace && in->str[i] == replace)
      g_string_append_len(out, insert, (gssize)ins);
    else
      g_string_append_c(out, in->str[i]);
  }
  text_remap(spans, span_count, map);
  g_free(map);
  g_string_free(in, TRUE);
  return out;
}

/* Pass 0: the language's punctuation (typography.c), outside code and
 * links whose text is one word (a URL written out); text in a language
 * of its own (a parallel title) by that language's. */
GString *text_typography(dp_text *text, GString *in, span *spans,
                             size_t count, unsigned rules, const char *lang) {
  if (!text->typography) text->typography = dp_typography_new(text->diag, text->datadir);
  unsigned *skip = g_new(unsigned, 2 * count + 1);
  size_t skip_count = 0;
  for (size_t i = 0; i < count; i++) {
    bool verbatim = spans[i].kind == DP_SPAN_CODE;
    if (spans[i].kind == DP_SPAN_LINK) {
      verbatim = true;
      for (unsigned b = spans[i].start; b < spans[i].end && b < in->len; b++)
        if (in->str[b] == ' ') verbatim = false;
    }
    if (!verbatim) continue;
    skip[2 * skip_count] = spans[i].start;
    skip[2 * skip_count + 1] = spans[i].end;
    skip_count++;
  }
  dp_typography_lang *langs = g_new(dp_typography_lang, count + 1);
  size_t lang_count = 0;
  for (size_t i = 0; i < count; i++)
    if (spans[i].kind == DP_SPAN_LANG && spans[i].url &&
        spans[i].start < spans[i].end)
      langs[lang_count++] =
          (dp_typography_lang){spans[i].start, spans[i].end, spans[i].url};
  size_t length = 0, *map = NULL;
  char *out = dp_typography_apply(text->typography, lang, rules, in->str,
                                  in->len, skip, skip_count, langs,
                                  lang_count, &length, &map);
  text_remap(spans, count, map);
  g_free(map);
  g_free(langs);
  g_free(skip);
  g_string_free(in, TRUE);
  GString *result = g_string_new_len(out, (gssize)length);
  g_free(out);
  return result;
}

/* Appends to `out` the hyphenation points of `in` in `lang`, but none in
 * the words that overlap `skip` (`skip_count` ranges). */
static void find_points(dp_text *text, const GString *in, const char *lang,
                        const unsigned *skip, size_t skip_count, GArray *out) {
  int left, right;
  dp_typography_hyphen_min(text->typography, lang, &left, &right);
  size_t *points = NULL;
  size_t n = dp_hyphen_find_points(text->hyphen, lang, left, right, in->str,
                                   in->len, skip, skip_count, &points);
  if (n) g_array_append_vals(out, points, (guint)n);
  g_free(points);
}

static int compare_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Pass 3: soft hyphens where the language's patterns allow; none in code,
 * links or a person's name, nor in a language the layout turned off;
 * text in a language of its own (a parallel title) by that language's
 * patterns. */
GString *text_hyphenate(dp_text *text, GString *in, span *spans,
                            size_t count, const char *lang, const char *off) {
  if (!text->typography)
    text->typography = dp_typography_new(text->diag, text->datadir);
  /* The ranges never hyphenated, then those of other languages. */
  unsigned *skip = g_new(unsigned, 2 * count + 4);
  size_t never = 0;
  for (size_t i = 0; i < count; i++) {
    if (spans[i].kind != DP_SPAN_CODE && spans[i].kind != DP_SPAN_LINK &&
        spans[i].kind != DP_SPAN_NAME)
      continue;
    skip[2 * never] = spans[i].start;
    skip[2 * never + 1] = spans[i].end;
    never++;
  }
  size_t skip_count = never;
  for (size_t i = 0; i < count; i++) {
    if (spans[i].kind != DP_SPAN_LANG) continue;
    skip[2 * skip_count] = spans[i].start;
    skip[2 * skip_count + 1] = spans[i].end;
    skip_count++;
  }
  GArray *points = g_array_new(FALSE, FALSE, sizeof(size_t));
  if (!dp_lang_listed(off, lang))
    find_points(text, in, lang, skip, skip_count, points);
  for (size_t i = 0; i < count; i++) {
    if (spans[i].kind != DP_SPAN_LANG || !spans[i].url ||
        spans[i].start >= spans[i].end || dp_lang_listed(off, spans[i].url))
      continue;
    /* Only the span's words, in its language. */
    skip[2 * never] = 0;
    skip[2 * never + 1] = spans[i].start;
    skip[2 * never + 2] = spans[i].end;
    skip[2 * never + 3] = (unsigned)in->len;
    find_points(text, in, spans[i].url, skip, never + 2, points);
  }
  g_free(skip);
  g_array_sort(points, compare_size);
  size_t n = 0;
  size_t *at = (size_t *)(void *)points->data;
  for (guint k = 0; k < points->len; k++)
    if (n == 0 || at[n - 1] != at[k]) at[n++] = at[k];
  if (n > 0) in = text_insert(in, at, n, 0, "\u00AD", spans, count);
  g_array_free(points, TRUE);
  return in;
}

/* Pango breaks a word longer than the line between characters in time
 * quadratic in the word's length (it shapes the rest of the word again
 * for each line): a word of 200,000 letters took 40 s.  No word is
 * longer than LONG_WORD characters, so a run of more than that without a
 * space or hyphen gets a ZERO WIDTH SPACE, a break that shows nothing,
 * after every LONG_WORD_PIECE characters. */
#define LONG_WORD 128
#define LONG_WORD_PIECE 32

static bool breaks_word(gunichar c) {
  return g_unichar_isspace(c) || c == 0x00AD || c == 0x200B || c == '-' ||
         c == 0x2010 || c == 0x2028;
}

/* Pass 3b. */
GString *text_break_long_words(GString *in, span *spans, size_t count) {
  GArray *points = NULL;
  size_t run = 0;
  for (const char *p = in->str; *p; p = g_utf8_next_char(p)) {
    if (breaks_word(g_utf8_get_char(p))) {
      run = 0;
      continue;
    }
    run++;
    if (run <= LONG_WORD) continue;
    if (!points) points = g_array_new(FALSE, FALSE, sizeof(size_t));
    /* The first piece is LONG_WORD + 1 characters, the others shorter. */
    if ((run - LONG_WORD - 1) % LONG_WORD_PIECE == 0) {
      size_t at = (size_t)(p - in->str);
      g_array_append_val(points, at);
    }
  }
  if (points && points->len > 0)
    in = text_insert(in, (const size_t *)(void *)points->data, points->len, 0,
                  "\u200B", spans, count);
  if (points) g_array_free(points, TRUE);
  return in;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

void text_add_attr(PangoAttrList *list, PangoAttribute *attr, unsigned start,
                  unsigned end) {
  attr->start_index = start;
  attr->end_index = end;
  pango_attr_list_insert(list, attr);
}

static guint16 channel(double v) {
  return (guint16)lround(CLAMP(v, 0.0, 1.0) * 65535.0);
}

/* "smcp onum" becomes "smcp, onum"; Pango's own syntax passes unchanged. */
static char *comma_features(const char *features) {
  if (strchr(features, ',') || strchr(features, '='))
    return g_strdup(features);
  char **words = g_strsplit_set(features, " \t", 0);
  GString *out = g_string_new(NULL);
  for (char **w = words; *w; w++) {
    if (!**w) continue;
    if (out->len) g_string_append(out, ", ");
    g_string_append(out, *w);
  }
  g_strfreev(words);
  return g_string_free(out, FALSE);
}

/* Attributes for the fields of `s` selected by `set`, over [start, end). */
static void add_style(PangoAttrList *list, const dp_style *s, unsigned set,
                        double unit, unsigned start, unsigned end) {
  if (set & DP_STYLE_FAMILY)
    text_add_attr(list,
                  pango_attr_family_new(s->family ? s->family : DEFAULT_FAMILY),
                  start, end);
  if (set & DP_STYLE_WEIGHT)
    text_add_attr(list,
          pango_attr_weight_new(s->weight > 0 ? CLAMP(s->weight, 100, 1000)
                                              : PANGO_WEIGHT_NORMAL),
          start, end);
  if (set & DP_STYLE_ITALIC)
    text_add_attr(list,
          pango_attr_style_new(s->italic ? PANGO_STYLE_ITALIC
                                         : PANGO_STYLE_NORMAL),
          start, end);
  if (set & DP_STYLE_STRETCH)
    text_add_attr(list, pango_attr_stretch_new(CLAMP(s->stretch, 0, 8)), start,
                  end);
  if ((set & DP_STYLE_SIZE) && s->size > 0)
    text_add_attr(list,
          pango_attr_size_new_absolute(
              pango_units_from_double(s->size * unit)),
          start, end);
  if (set & DP_STYLE_COLOUR) {
    text_add_attr(list,
          pango_attr_foreground_new(channel(s->colour.r),
                                    channel(s->colour.g),
                                    channel(s->colour.b)),
          start, end);
    if (s->colour.a < 1.0)
      text_add_attr(list,
                    pango_attr_foreground_alpha_new(channel(s->colour.a)),
                    start, end);
  }
  if (set & DP_STYLE_LETTER_SPACING)
    text_add_attr(list,
          pango_attr_letter_spacing_new(
              pango_units_from_double(s->letter_spacing * unit)),
          start, end);
  if ((set & DP_STYLE_FEATURES) && s->features && *s->features) {
    char *features = comma_features(s->features);
    text_add_attr(list, pango_attr_font_features_new(features), start, end);
    g_free(features);
  }
  if (set & DP_STYLE_UNDERLINE)
    text_add_attr(list,
          pango_attr_underline_new(s->underline ? PANGO_UNDERLINE_SINGLE
                                                : PANGO_UNDERLINE_NONE),
          start, end);
  if (set & DP_STYLE_STRIKETHROUGH)
    text_add_attr(list, pango_attr_strikethrough_new(s->strikethrough),
                  start, end);
}

/* The direction marks and isolates (U+200E, U+200F, U+202A to U+202E,
 * U+2066 to U+2069; the isolates the template puts around a value of the
 * other direction) draw nothing, but letter-spacing would give each the
 * space of a letter: letter-spaced lines with an isolated value would
 * be wider and start that space in from their start edge.  They get
 * none.  Text without letter-spacing is left as it is. */
static void unspace_controls(PangoAttrList *list, const dp_style *style,
                             const char *text, const span *spans,
                             size_t count) {
  bool spaced = style->letter_spacing != 0;
  for (size_t i = 0; i < count && !spaced; i++)
    spaced = spans[i].style &&
             (spans[i].style->set & DP_STYLE_LETTER_SPACING) &&
             spans[i].style->letter_spacing != 0;
  if (!spaced) return;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (p[0] != 0xE2 || !p[1] || !p[2]) continue;
    bool control = (p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F ||
                                     (p[2] >= 0xAA && p[2] <= 0xAE))) ||
                   (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9);
    if (!control) continue;
    unsigned at = (unsigned)((const char *)p - text);
    text_add_attr(list, pango_attr_letter_spacing_new(0), at, at + 3);
    p += 2;
  }
}

/* Everything a paragraph style sets. */
#define ALL_FIELDS                                                        \
  (DP_STYLE_FAMILY | DP_STYLE_WEIGHT | DP_STYLE_ITALIC | DP_STYLE_STRETCH | \
   DP_STYLE_SIZE | DP_STYLE_COLOUR | DP_STYLE_LETTER_SPACING |             \
   DP_STYLE_FEATURES | DP_STYLE_UNDERLINE | DP_STYLE_STRIKETHROUGH)

/* The paragraph's own attributes over the whole text, then the spans'
 * (later insertions win where they overlap, so inner spans win). */
#define MAX_HYPHEN_RANGES 1000

PangoAttrList *text_attributes(const dp_style *style, const char *text,
                                   const span *spans, size_t count,
                                   double unit, const char *lang,
                                   bool guard_hyphens) {
  PangoAttrList *list = pango_attr_list_new();
  unsigned all_start = PANGO_ATTR_INDEX_FROM_TEXT_BEGINNING;
  unsigned all_end = PANGO_ATTR_INDEX_TO_TEXT_END;
  add_style(list, style, ALL_FIELDS, unit, all_start, all_end);
  if (lang && *lang)
    text_add_attr(list,
                  pango_attr_language_new(pango_language_from_string(lang)),
                  all_start, all_end);
  /* Pango would add a hyphen where it breaks a word between characters
   * (an overlong word or URL under PANGO_WRAP_WORD_CHAR); only soft
   * hyphens may show one.  Pango clears the hyphen of breaks strictly
   * inside an insert-hyphens=false range, so the ranges end just after
   * each soft hyphen, leaving the break there its hyphen.  Each range
   * also ends an item, shaped on its own, so the guard is only set when
   * a first setting without it broke a word (`guard_hyphens`; see
   * dp_para_new).  Pango spends time proportional to the text's length
   * on each range, so a paragraph with more than MAX_HYPHEN_RANGES soft
   * hyphens (some 8 KB of text; 60 KB took seconds) gets none: an
   * overlong word in it may then be broken with a hyphen. */
  size_t shys = guard_hyphens ? 0 : MAX_HYPHEN_RANGES + 1;
  for (const char *shy = strstr(text, "\u00AD"); shy && shys <= MAX_HYPHEN_RANGES;
       shy = strstr(shy + 2, "\u00AD"))
    shys++;
  unsigned from = 0;
  for (const char *shy = strstr(text, "\u00AD");
       shy && shys <= MAX_HYPHEN_RANGES; shy = strstr(shy + 2, "\u00AD")) {
    unsigned to = (unsigned)(shy - text) + 2;
    text_add_attr(list, pango_attr_insert_hyphens_new(FALSE), from, to);
    from = to;
  }
  if (shys <= MAX_HYPHEN_RANGES)
    text_add_attr(list, pango_attr_insert_hyphens_new(FALSE), from, all_end);
  for (size_t i = 0; i < count; i++) {
    const span *sp = &spans[i];
    if (sp->start >= sp->end) continue;
    const dp_style *cs = sp->style;
    if (cs) {
      add_style(list, cs, cs->set, unit, sp->start, sp->end);
      continue;
    }
    switch (sp->kind) {
    case DP_SPAN_EMPHASIS: /* toggles, as in LaTeX's \emph */
      text_add_attr(list,
            pango_attr_style_new(style->italic ? PANGO_STYLE_NORMAL
                                               : PANGO_STYLE_ITALIC),
            sp->start, sp->end);
      break;
    case DP_SPAN_STRONG:
      text_add_attr(list, pango_attr_weight_new(PANGO_WEIGHT_BOLD), sp->start,
            sp->end);
      break;
    case DP_SPAN_CODE:
      text_add_attr(list, pango_attr_family_new("monospace"), sp->start,
                    sp->end);
      break;
    case DP_SPAN_LANG: /* shaping, line breaking and fonts by it */
      if (sp->url)
        text_add_attr(list,
                      pango_attr_language_new(
                          pango_language_from_string(sp->url)),
                      sp->start, sp->end);
      break;
    case DP_SPAN_LINK:
    case DP_SPAN_STYLE: /* without a style: as is */
    case DP_SPAN_NAME:
    default:
      break;
    }
  }
  unspace_controls(list, style, text, spans, count);
  return list;
}

PangoFontDescription *text_font(const dp_style *style, double unit) {
  PangoFontDescription *desc = pango_font_description_new();
  pango_font_description_set_family(desc, style->family ? style->family
                                                        : DEFAULT_FAMILY);
  pango_font_description_set_weight(
      desc, style->weight > 0 ? CLAMP(style->weight, 100, 1000)
                              : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(
      desc, style->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_font_description_set_stretch(desc, CLAMP(style->stretch, 0, 8));
  double size = style->size > 0 ? style->size : 10.0;
  pango_font_description_set_absolute_size(
      desc, pango_units_from_double(size * unit));
  return desc;
}

/* ------------------------------------------------------------------ */
/* Links                                                                */
/* ------------------------------------------------------------------ */

/* A URI as a cairo attribute string value.  cairo 1.16 accepts only ASCII
 * URIs (others put the surface in an error state) and writes a backslash
 * into the PDF string unescaped, so non-ASCII bytes and the characters
 * RFC 3986 does not allow in a URI are percent-encoded; inside the
 * attribute's quotes, ' takes a backslash. */
char *text_escape_uri(const char *url) {
  GString *out = g_string_new(NULL);
  for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
    if (*p <= 0x20 || *p >= 0x7f || strchr("\\\"<>{}|^`", *p))
      g_string_append_printf(out, "%%%02X", *p);
    else if (*p == '\'')
      g_string_append(out, "\\'");
    else
      g_string_append_c(out, (char)*p);
  }
  return g_string_free(out, FALSE);
}