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
 * justification only stretches.  text_break_optimally() breaks a
 * paragraph as linebreak.c finds best, on Pango's own shaping: the
 * widths of its characters are read from the shaped runs of the text set
 * unwrapped (text_measure_read), break opportunities from Pango's log
 * attributes (spaces, after hyphens, soft hyphens from libhyphen); the
 * chosen breaks become forced breaks (U+2028; a visible hyphen U+2010
 * where a soft hyphen breaks), and with Pango's justification off, the
 * space a justified line lacks goes to its word spaces' glyphs once Pango
 * has set the lines (justify_lines).  So the text is shaped twice, in
 * whole runs, and once only at each further width shrink-to-fit tries:
 * the measure is cached.  (Pango's own first fit costs more than both:
 * it shapes a line's text again at each break it weighs near the line's
 * end.) */

/* Word spaces in justified text stretch by half and shrink by a little
 * under a fifth of their width (TeX: by a half and a third): never
 * narrower than 0.81 of the natural space, a line that hangs
 * punctuation past the measure (`hanging`) included. */
#define SPACE_STRETCH 0.5
#define SPACE_SHRINK 0.19
/* The loosest justified line tried first: 1.35 × the stretch is 1.675 ×
 * the natural space. */
#define JUSTIFY_MAX_RATIO 1.35
/* Cost of a break at a soft hyphen, and after an explicit hyphen. */
#define HYPHEN_PENALTY 50.0
#define EXPLICIT_HYPHEN_PENALTY 50.0
/* Cost of a break after the dash of a number range ("10.15–|11.00"): a
 * reader takes the range in at once, so it is broken only where the
 * lines about it would otherwise be very loose (or it cannot fit). */
#define RANGE_PENALTY 900.0
/* A ragged line may fall short by this much of the measure at a badness
 * of 100 (ems, or this fraction of the measure if more). */
#define RAG_EMS 4.0
#define RAG_FRACTION 0.2
/* Stretch standing for infinity (the last line's fill). */
#define FILL 1e6
/* Layout units each line is left short of the measure. */
#define LINE_SLACK 0.02

/* What the breaker needs of a paragraph's shaping, character by
 * character: widths, fonts and Pango's log attributes.  Read from the
 * paragraph set unwrapped (its runs), and cached per dp_text:
 * shrink-to-fit sets a paragraph at many widths, and its characters are
 * as wide at each (every paragraph is set at LAYOUT_SIZE). */
struct text_measure {
  /* The key: what Pango shapes. */
  guint hash;
  char *text;
  size_t length;
  PangoAttrList *attrs;
  PangoFontDescription *desc;
  PangoContext *context;      /* the dp_text's own (not referenced) */
  char *lang;
  /* The measure. */
  int n;                      /* characters */
  size_t serial;              /* its number in the dp_text (a setting of
                                 it, text_kept, names it so) */
  PangoLogAttr *log;          /* n + 1 */
  int *byte;                  /* each character's byte offset; n + 1 */
  int *width;                 /* each character's advance, Pango units */
  PangoFont **font;           /* the font of each (one reference per run
                                 in `fonts`) */
  GPtrArray *fonts;
  bool rtl;                   /* the paragraph's base direction */
};

/* Measures kept per dp_text, and characters in all of them. */
#define MEASURES_MAX 64
#define MEASURE_CHARS_MAX (1 << 20)

static void measure_free(text_measure *m) {
  if (!m) return;
  g_free(m->text);
  if (m->attrs) pango_attr_list_unref(m->attrs);
  if (m->desc) pango_font_description_free(m->desc);
  g_free(m->lang);
  g_free(m->log);
  g_free(m->byte);
  g_free(m->width);
  g_free(m->font);
  if (m->fonts) g_ptr_array_free(m->fonts, TRUE);
  g_free(m);
}

/* Settings kept for the same lines set again (shrink-to-fit sets a
 * paragraph at many widths, mostly a hair apart, and a page may be
 * fitted twice): the lines text_break_optimally set, and paragraphs set
 * first fit that did not wrap.  The key is all that Pango was given. */
typedef struct text_kept {
  size_t measure;             /* text_measure.serial of lines broken;
                                 0: set first fit, unwrapped */
  char *text;                 /* as Pango set it (with the breaks) */
  size_t length;
  PangoAttrList *attrs;
  PangoFontDescription *desc;
  PangoContext *context;
  guint context_serial;       /* Pango sets a layout again when its
                                 context has changed since */
  PangoAlignment align;
  gboolean auto_dir;
  int indent;
  double *want, *scales;      /* lines broken: justify_lines' widths and
                                 the lines' scales */
  size_t lines;
  int width;                  /* Pango units */
  int widest;                 /* the widest line, with its indent, before
                                 justify_lines */
  bool width_free;            /* aligned left, left to right: set alike
                                 in any width that holds the widest line */
  PangoLayout *layout;
} text_kept;

/* Settings kept per dp_text, and characters in all of them (a layout
 * holds some 50 bytes a character). */
#define KEPT_MAX 64
#define KEPT_CHARS_MAX (1 << 17)

static void kept_free(text_kept *k) {
  g_free(k->text);
  pango_attr_list_unref(k->attrs);
  pango_font_description_free(k->desc);
  g_free(k->want);
  g_free(k->scales);
  g_object_unref(k->layout);
  g_free(k);
}

void text_measures_clear(dp_text *text) {
  text_measure *m;
  while ((m = g_queue_pop_head(&text->measures))) measure_free(m);
  text->measure_chars = 0;
  text_kept *k;
  while ((k = g_queue_pop_head(&text->kept))) kept_free(k);
  text->kept_chars = 0;
}

/* Whether two arrays of `n` doubles hold the same numbers (NAN equal to
 * NAN: a line justify_lines leaves alone). */
static bool same_doubles(const double *a, const double *b, size_t n) {
  if (!a || !b) return a == b;
  for (size_t i = 0; i < n; i++)
    if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i])))) return false;
  return true;
}

/* The key of `layout` (set up, not necessarily laid out) with `text`,
 * `attrs` and `width` (borrowed). */
static text_kept kept_key(PangoLayout *layout, size_t measure,
                          const char *t, size_t length, PangoAttrList *attrs,
                          int width) {
  PangoContext *context = pango_layout_get_context(layout);
  return (text_kept){
      .measure = measure, .text = (char *)t, .length = length,
      .attrs = attrs,
      .desc = (PangoFontDescription *)pango_layout_get_font_description(layout),
      .context = context, .context_serial = pango_context_get_serial(context),
      .align = pango_layout_get_alignment(layout),
      .auto_dir = pango_layout_get_auto_dir(layout),
      .indent = pango_layout_get_indent(layout), .width = width};
}

/* The setting kept for `key` (widest and width_free aside), most
 * recently used first; NULL if none. */
static text_kept *kept_find(dp_text *text, const text_kept *key) {
  for (GList *l = text->kept.head; l; l = l->next) {
    text_kept *k = l->data;
    if (k->measure != key->measure || k->length != key->length ||
        k->lines != key->lines || k->context != key->context ||
        k->context_serial != key->context_serial ||
        k->align != key->align || k->auto_dir != key->auto_dir ||
        k->indent != key->indent ||
        memcmp(k->text, key->text, key->length) != 0 ||
        !same_doubles(k->want, key->want, key->lines) ||
        !same_doubles(k->scales, key->scales, key->lines))
      continue;
    /* Pango aligns lines in its width, and wraps a line wider. */
    if (k->width != key->width && !(k->width_free && k->widest <= key->width))
      continue;
    if (!pango_font_description_equal(k->desc, key->desc) ||
        !pango_attr_list_equal(k->attrs, key->attrs))
      continue;
    g_queue_unlink(&text->kept, l);
    g_queue_push_head_link(&text->kept, l);
    return k;
  }
  return NULL;
}

/* The widest line of `layout`, with its indent (Pango units). */
static int widest_line(PangoLayout *layout) {
  int widest = 0;
  for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    PangoRectangle logical;
    pango_layout_line_get_extents(l->data, NULL, &logical);
    widest = MAX(widest, logical.width);
  }
  return widest + abs(pango_layout_get_indent(layout));
}

/* Keeps the setting `key` with `layout`, laid out (and `widest` its
 * widest line, before justify_lines changed it). */
static void kept_add(dp_text *text, const text_kept *key,
                     PangoLayout *layout, int widest, bool width_free) {
  if (key->length > KEPT_CHARS_MAX) return;
  text_kept *k = g_new(text_kept, 1);
  *k = *key;
  k->text = g_memdup2(key->text, key->length + 1);
  k->attrs = pango_attr_list_ref(key->attrs);
  k->desc = pango_font_description_copy(key->desc);
  k->want = key->want ? g_memdup2(key->want, sizeof(double) * key->lines)
                      : NULL;
  k->scales = key->scales
                  ? g_memdup2(key->scales, sizeof(double) * key->lines)
                  : NULL;
  k->widest = widest;
  k->width_free = width_free;
  k->layout = g_object_ref(layout);
  g_queue_push_head(&text->kept, k);
  text->kept_chars += key->length;
  while (text->kept.length > KEPT_MAX || text->kept_chars > KEPT_CHARS_MAX) {
    text_kept *old = g_queue_pop_tail(&text->kept);
    text->kept_chars -= old->length;
    kept_free(old);
  }
}

PangoLayout *text_unwrapped_find(dp_text *text, PangoLayout *layout) {
  const char *t = pango_layout_get_text(layout);
  text_kept key = kept_key(layout, 0, t, strlen(t),
                           pango_layout_get_attributes(layout),
                           pango_layout_get_width(layout));
  text_kept *k = kept_find(text, &key);
  return k ? g_object_ref(k->layout) : NULL;
}

void text_unwrapped_keep(dp_text *text, PangoLayout *layout) {
  const char *t = pango_layout_get_text(layout);
  text_kept key = kept_key(layout, 0, t, strlen(t),
                           pango_layout_get_attributes(layout),
                           pango_layout_get_width(layout));
  bool ltr = true;
  for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next)
    ltr &= ((PangoLayoutLine *)l->data)->resolved_dir == PANGO_DIRECTION_LTR;
  kept_add(text, &key, layout, widest_line(layout),
           ltr && key.align == PANGO_ALIGN_LEFT);
}

static guint measure_hash(const GString *buf, const char *lang) {
  guint h = 5381;
  for (size_t i = 0; i < buf->len; i++) h = h * 33 + (guchar)buf->str[i];
  return h ^ g_str_hash(lang ? lang : "");
}

const text_measure *text_measure_find(dp_text *text, PangoContext *context,
                                      const PangoFontDescription *desc,
                                      const char *lang, const GString *buf,
                                      PangoAttrList *attrs) {
  guint hash = measure_hash(buf, lang);
  for (GList *l = text->measures.head; l; l = l->next) {
    text_measure *m = l->data;
    if (m->hash != hash || m->context != context || m->length != buf->len ||
        memcmp(m->text, buf->str, buf->len) != 0 ||
        g_strcmp0(m->lang, lang ? lang : "") != 0 ||
        !pango_font_description_equal(m->desc, desc) ||
        !pango_attr_list_equal(m->attrs, attrs))
      continue;
    /* Most recently used first. */
    g_queue_unlink(&text->measures, l);
    g_queue_push_head_link(&text->measures, l);
    return m;
  }
  return NULL;
}

const text_measure *text_measure_read(dp_text *text, PangoLayout *layout,
                                      PangoContext *context,
                                      const PangoFontDescription *desc,
                                      const char *lang, const GString *buf,
                                      PangoAttrList *attrs) {
  const char *t = pango_layout_get_text(layout);
  int len = (int)strlen(t);
  /* Set in one line (but at forced breaks), each item shaped once. */
  int set_width = pango_layout_get_width(layout);
  pango_layout_set_width(layout, -1);
  text->settings++;
  int n_attrs;
  const PangoLogAttr *log = pango_layout_get_log_attrs_readonly(layout, &n_attrs);
  int n = (int)g_utf8_strlen(t, len);
  if (n_attrs != n + 1 || (size_t)len != buf->len) {
    pango_layout_set_width(layout, set_width);
    return NULL;
  }
  text_measure *m = g_new0(text_measure, 1);
  m->hash = measure_hash(buf, lang);
  m->text = g_memdup2(buf->str, buf->len + 1);
  m->length = buf->len;
  m->attrs = pango_attr_list_ref(attrs);
  m->desc = pango_font_description_copy(desc);
  m->context = context;
  m->lang = g_strdup(lang ? lang : "");
  m->serial = ++text->measure_serial; /* 0 names none */
  m->n = n;
  m->log = g_memdup2(log, sizeof(PangoLogAttr) * ((size_t)n + 1));
  m->byte = g_new(int, (size_t)n + 1);
  int *char_of = g_new(int, (size_t)len + 1);
  int c = 0;
  for (const char *p = t; *p; p = g_utf8_next_char(p), c++) {
    m->byte[c] = (int)(p - t);
    char_of[p - t] = c;
  }
  m->byte[n] = len;
  char_of[len] = n;
  m->width = g_new0(int, (size_t)n + 1);
  m->font = g_new0(PangoFont *, (size_t)n + 1);
  m->fonts = g_ptr_array_new_with_free_func(g_object_unref);
  GSList *lines = pango_layout_get_lines_readonly(layout);
  m->rtl = lines && ((PangoLayoutLine *)lines->data)->resolved_dir ==
                        PANGO_DIRECTION_RTL;
  for (GSList *l = lines; l; l = l->next) {
    PangoLayoutLine *line = l->data;
    for (GSList *r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      PangoItem *item = run->item;
      int c0 = char_of[item->offset];
      if (c0 + item->num_chars > n) continue;
      pango_glyph_item_get_logical_widths(run, t, m->width + c0);
      if (item->analysis.font)
        g_ptr_array_add(m->fonts, g_object_ref(item->analysis.font));
      for (int k = 0; k < item->num_chars; k++)
        m->font[c0 + k] = item->analysis.font;
    }
  }
  g_free(char_of);
  pango_layout_set_width(layout, set_width);
  /* A soft hyphen has no width where no line breaks at it. */
  for (int k = 0; k < n; k++)
    if (g_utf8_get_char(t + m->byte[k]) == 0x00AD) m->width[k] = 0;

  g_queue_push_head(&text->measures, m);
  text->measure_chars += (size_t)n;
  while (text->measures.length > MEASURES_MAX ||
         (text->measure_chars > MEASURE_CHARS_MAX &&
          text->measures.length > 1)) {
    text_measure *old = g_queue_pop_tail(&text->measures);
    text->measure_chars -= (size_t)old->n;
    measure_free(old);
  }
  return m;
}

/* Close calls (layout units) are left to Pango: its first fit shapes a
 * line's end apart from what follows, and so may differ from the
 * unbroken text's widths by a kern. */
#define WRAP_TOLERANCE 0.5

int text_measure_wraps(const text_measure *m, double avail, double first) {
  double tolerance = WRAP_TOLERANCE * PANGO_SCALE;
  int verdict = -1;
  long width = 0, ink = 0; /* the segment's, and without trailing white */
  int segment = 0;
  for (int c = 0; c <= m->n; c++) {
    if (c == m->n || (c > 0 && m->log[c].is_mandatory_break)) {
      double measure = avail;
      if (segment == 0 && first > 0) measure -= first;
      if (segment > 0 && first < 0) measure += first;
      measure *= PANGO_SCALE;
      if (ink > measure + tolerance) return 1;
      if (ink > measure - tolerance) verdict = 0;
      if (c == m->n) break;
      width = ink = 0;
      segment++;
    }
    width += m->width[c];
    if (!m->log[c].is_white) ink = width;
  }
  return verdict;
}

/* The hyphen `font` shows (U+2010 if it has one) and its glyph. */
static gunichar hyphen_glyph(PangoFont *font, PangoGlyph *glyph) {
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
static int hyphen_width(PangoFont *font) {
  PangoGlyph glyph;
  hyphen_glyph(font, &glyph);
  if (!font || glyph == PANGO_GLYPH_EMPTY) return 0;
  PangoRectangle logical;
  pango_font_get_glyph_extents(font, glyph, NULL, &logical);
  return logical.width;
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

static void push(items *it, dp_lb_item item, int start, int end) {
  g_array_append_val(it->items, item);
  item_at at = {start, end};
  g_array_append_val(it->at, at);
}

/* A box of `width` and `chars` characters whose glyphs may be drawn
 * `expand` wider or narrower, with `track` letter space a character. */
static dp_lb_item make_box(double width, int chars, double expand,
                           double track) {
  return (dp_lb_item){.kind = DP_LB_BOX, .width = width,
                      .stretch = expand * width, .shrink = expand * width,
                      .track = track * chars};
}

/* How much of character `c` may hang past the measure at the end of a
 * justified line, as a fraction of its width, at `hanging: 1`: all of
 * small marks (full stop, comma, hyphen, closing quotes), less of wider
 * or taller ones (after the protrusion microtype sets for Latin text). */
static double hang_factor(gunichar c) {
  switch (c) {
  case '.': case ',': case '-': case 0x2010: case 0x2011: case 0x00AD:
  case '\'': case '"': case 0x2018: case 0x2019: case 0x201A:
  case 0x201C: case 0x201D: case 0x201E:
    return 1.0;
  case ':': case ';': case 0x2013: case 0x2026:
  case 0x00AB: case 0x00BB: case 0x2039: case 0x203A:
    return 0.5;
  case '!': case '?': case 0x2014:
    return 0.3;
  default:
    return 0;
  }
}

static bool is_hyphen_char(gunichar c) { return c == '-' || c == 0x2010; }

/* Whether the break before character `c` follows a typed hyphen and would
 * leave fewer than two letters or digits of the compound on either side
 * ("OSUG-|B", "e-|mail"): such a compound is kept whole. */
static bool short_hyphen_piece(const text_measure *u, int c) {
  if (c < 2 || !is_hyphen_char(g_utf8_get_char(u->text + u->byte[c - 1])))
    return false;
  int before = 0, after = 0;
  for (int k = c - 2; k >= 0 && before < 2; k--) {
    gunichar ch = g_utf8_get_char(u->text + u->byte[k]);
    if (u->log[k].is_white || is_hyphen_char(ch)) break;
    if (g_unichar_isalnum(ch)) before++;
  }
  for (int k = c; k < u->n && after < 2; k++) {
    gunichar ch = g_utf8_get_char(u->text + u->byte[k]);
    if (u->log[k].is_white || is_hyphen_char(ch)) break;
    if (g_unichar_isalnum(ch)) after++;
  }
  return before < 2 || after < 2;
}

/* Whether the break before character `c` follows the dash of a number
 * range: a digit, an en or figure dash, a digit. */
static bool range_dash(const text_measure *u, int c) {
  if (c < 2 || c >= u->n) return false;
  gunichar dash = g_utf8_get_char(u->text + u->byte[c - 1]);
  return (dash == 0x2013 || dash == 0x2012) &&
         g_unichar_isdigit(g_utf8_get_char(u->text + u->byte[c - 2])) &&
         g_unichar_isdigit(g_utf8_get_char(u->text + u->byte[c]));
}

/* The boxes, glue and penalties of `u` (units: layout units).  `hang`:
 * the style's `hanging`; `track`: the letter space a character may take. */
static void build_items(const text_measure *u, break_mode mode, double expand,
                    double hang, double track, items *it) {
  double box = 0;
  int chars = 0; /* in the box */
  bool in_box = false;
  double protrude = 0; /* of the box's last character */
  double end_stretch = mode == BREAK_BALANCED ? 0 : FILL;
  for (int c = 0; c <= u->n; c++) {
    const PangoLogAttr *a = &u->log[c];
    bool last = c == u->n;
    if (c > 0 && (last || a->is_mandatory_break)) {
      if (in_box) push(it, make_box(box, chars, expand, track), c, c);
      box = 0;
      chars = 0;
      in_box = false;
      push(it, (dp_lb_item){.kind = DP_LB_GLUE, .stretch = end_stretch,
                              .penalty = DP_LB_INFINITY}, c, c);
      push(it, (dp_lb_item){.kind = DP_LB_PENALTY,
                              .penalty = -DP_LB_INFINITY}, c, c);
    } else if (c > 0 && a->is_line_break && !short_hyphen_piece(u, c)) {
      dp_lb_item *prev = it->items->len
          ? &g_array_index(it->items, dp_lb_item, it->items->len - 1) : NULL;
      if (!in_box && prev && prev->kind == DP_LB_GLUE) {
        prev->penalty = 0; /* the spaces before may end a line */
      } else {
        if (in_box)
          push(it, make_box(box, chars, expand, track), c, c);
        box = 0;
        chars = 0;
        in_box = false;
        gunichar before = g_utf8_get_char(u->text + u->byte[c - 1]);
        if (a->break_inserts_hyphen) {
          double w = hyphen_width(u->font[c - 1]) / (double)PANGO_SCALE;
          push(it, (dp_lb_item){.kind = DP_LB_PENALTY, .width = w,
                                  .penalty = HYPHEN_PENALTY, .flagged = true,
                                  .protrude = hang * w}, c, c);
        } else if (before == '-' || before == 0x2010)
          push(it, (dp_lb_item){.kind = DP_LB_PENALTY,
                                  .penalty = EXPLICIT_HYPHEN_PENALTY,
                                  .flagged = true, .protrude = protrude},
                 c, c);
        else if (range_dash(u, c))
          push(it, (dp_lb_item){.kind = DP_LB_PENALTY,
                                  .penalty = RANGE_PENALTY}, c, c);
        else
          push(it, (dp_lb_item){.kind = DP_LB_PENALTY}, c, c);
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
      if (in_box) push(it, make_box(box, chars, expand, track), c, c);
      dp_lb_item glue = {.kind = DP_LB_GLUE, .width = w,
                         .penalty = DP_LB_INFINITY,
                         .protrude = in_box ? protrude : 0};
      box = 0;
      chars = 0;
      in_box = false;
      if (mode == BREAK_JUSTIFY) {
        glue.stretch = SPACE_STRETCH * w;
        glue.shrink = SPACE_SHRINK * w;
      }
      push(it, glue, c, c + 1);
    } else {
      box += w;
      if (!g_unichar_iszerowidth(ch)) chars++;
      in_box = true;
      if (hang > 0 && !g_unichar_iszerowidth(ch))
        protrude = hang * hang_factor(ch) * w;
    }
  }
}

/* Whether item `e` is a break the breaker may take. */
static bool breakable(const dp_lb_item *item, size_t e) {
  if (item[e].kind == DP_LB_PENALTY) return item[e].penalty < DP_LB_INFINITY;
  return item[e].kind == DP_LB_GLUE && item[e].penalty < DP_LB_INFINITY &&
         e > 0 && item[e - 1].kind == DP_LB_BOX;
}

/* Forbids the break before each last line of `lines` (one ending at a
 * forced break) that holds a single word (no break inside it), so that
 * no word stands alone there.  Returns whether any was. */
static bool keep_last_word(dp_lb_item *item, const dp_lb_line *lines,
                           size_t n) {
  bool any = false;
  for (size_t l = 1; l < n; l++) {
    size_t b = lines[l - 1].end, e = lines[l].end;
    if (item[b].kind == DP_LB_PENALTY && item[b].penalty <= -DP_LB_INFINITY)
      continue; /* the line starts after a forced break */
    if (!(item[e].kind == DP_LB_PENALTY &&
          item[e].penalty <= -DP_LB_INFINITY))
      continue;
    bool one = true;
    for (size_t k = b + 1; k < e && one; k++)
      if (breakable(item, k) && item[k].penalty > -DP_LB_INFINITY) one = false;
    if (!one) continue;
    item[b].penalty = DP_LB_INFINITY;
    any = true;
  }
  return any;
}

/* Gives the word spaces (bytes marked in `spaced`) of each line `l` whose
 * `want[l]` is not NAN what the line lacks of that width, or has too
 * much, in Pango units, in proportion to their widths.  The widths are
 * the final setting's, so every such line ends exactly at its measure.
 * Glyphs are changed in place, as Pango's own justification does, on
 * lines from pango_layout_get_lines(): Pango no longer caches their
 * extents. */
static void justify_lines(PangoLayout *layout, const bool *spaced,
                      const double *want) {
  size_t l = 0;
  for (GSList *ls = pango_layout_get_lines(layout); ls; ls = ls->next, l++) {
    if (isnan(want[l])) continue;
    PangoLayoutLine *line = ls->data;
    PangoRectangle logical;
    pango_layout_line_get_extents(line, NULL, &logical);
    double spare = want[l] - logical.width;
    double total = 0;
    for (GSList *r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      for (int g = 0; g < run->glyphs->num_glyphs; g++)
        if (spaced[run->item->offset + run->glyphs->log_clusters[g]])
          total += run->glyphs->glyphs[g].geometry.width;
    }
    if (total <= 0) continue;
    double done = 0;
    long given = 0;
    for (GSList *r = line->runs; r; r = r->next) {
      PangoGlyphItem *run = r->data;
      for (int g = 0; g < run->glyphs->num_glyphs; g++) {
        PangoGlyphInfo *info = &run->glyphs->glyphs[g];
        if (!spaced[run->item->offset + run->glyphs->log_clusters[g]])
          continue;
        done += info->geometry.width;
        long due = lround(spare * done / total);
        info->geometry.width += (int)(due - given);
        given = due;
      }
    }
  }
}

/* Glyph scales come in steps of EXPANSION_STEP: each scale is a font of
 * its own to cairo, made and kept for every line drawn at it, and a
 * reader sees no difference of half a percent in a glyph's width. */
#define EXPANSION_STEP 0.005

/* The glyph scale of a justified line at ratio `r` (linebreak.c's
 * 1 + r × expand), whose glyphs are `glyphs` wide and whose word spaces
 * may give `give` (their stretch where r > 0, their shrink where r < 0):
 * the nearer step of the two about it, so long as its spaces then still
 * stretch (or shrink) as the line asks and no further than their limit;
 * else the step nearer 1, or the exact scale where neither does, or the
 * line has no spaces to take the difference. */
static double glyph_scale(double r, double expand, double glyphs,
                          double give) {
  double exact = 1.0 + CLAMP(r, -1.0, 1.0) * expand;
  if (give <= 0) return exact;
  double steps = fabs(exact - 1.0) / EXPANSION_STEP;
  double sign = exact < 1.0 ? -1.0 : 1.0;
  double toward = 1.0 + sign * floor(steps + 1e-9) * EXPANSION_STEP;
  double away = MIN(1.0 + sign * ceil(steps - 1e-9) * EXPANSION_STEP,
                    1.0 + expand);
  away = MAX(away, 1.0 - expand);
  /* The spaces' ratio once they take what the glyphs leave. */
  double with_toward = r + (exact - toward) * glyphs / give;
  double with_away = r + (exact - away) * glyphs / give;
  bool away_ok = r > 0 ? with_away >= 0 : with_away <= 0;
  bool toward_ok = with_toward >= -1.0;
  if (away_ok && (fabs(away - exact) < fabs(toward - exact) || !toward_ok))
    return away;
  return toward_ok ? toward : exact;
}

bool text_break_optimally(dp_text *text, PangoLayout **layout_in,
                          const text_measure *m,
                          GString **buf, span *work, size_t count,
                          PangoAttrList **attrs, const dp_style *style,
                          double unit, const char *lang, break_mode mode,
                          double avail, double first, double **scales,
                          double *shift) {
  PangoLayout *layout = *layout_in;
  *scales = NULL;
  *shift = 0;
  bool justify = mode == BREAK_JUSTIFY;
  const text_measure *u = m;
  bool left = (style->align == DP_ALIGN_LEFT ||
               style->align == DP_ALIGN_START || justify) && !u->rtl;
  double expand = justify && left ? CLAMP(style->expansion, 0.0, 0.05) : 0;
  /* Letter space a character may take (layout units): one amount over a
   * whole line, so not where a span has letter spacing of its own. */
  double track = justify && left ? CLAMP(style->tracking, 0.0, 0.05) *
                                       (style->size > 0 ? style->size : 10.0) *
                                       unit
                                 : 0;
  for (size_t i = 0; i < count && track > 0; i++)
    if (work[i].style && (work[i].style->set & DP_STYLE_LETTER_SPACING))
      track = 0;
  items it = {g_array_new(FALSE, FALSE, sizeof(dp_lb_item)),
              g_array_new(FALSE, FALSE, sizeof(item_at))};
  dp_lb_line *lines = NULL;
  size_t n_lines = 0;
  dp_lb_params params;
  dp_lb_params_init(&params, avail - LINE_SLACK);
  /* Hanging punctuation evens the right edge of justified text; a
   * ragged edge has nothing to even. */
  build_items(u, mode, expand,
          justify ? CLAMP(style->hanging, 0.0, 1.0) : 0.0, track, &it);
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
  if (mode == BREAK_BALANCED && n_lines > 1 && !overfull &&
      keep_last_word((dp_lb_item *)(void *)it.items->data, lines, n_lines)) {
    /* A title whose last line is one word: broken again without the
     * breaks before such words, kept where that needs more lines. */
    dp_lb_line *again = NULL;
    bool over = false;
    size_t n = dp_linebreak((const dp_lb_item *)(void *)it.items->data,
                            it.items->len, &params, &again, &over);
    if (n > 0 && n <= n_lines && !over) {
      g_free(lines);
      lines = again;
      n_lines = n;
    } else {
      g_free(again);
    }
  }
  bool ok = n_lines > 0 && !overfull;

  /* What happens to each character: kept, dropped (the spaces a line
   * ends at), or shown as a hyphen (a soft hyphen a line ends at); and
   * where a forced break goes.  Each justified line's adjustment goes to
   * its glyphs (a horizontal scale, `expand` at most, as linebreak.c
   * shares it out) and its word spaces (the rest, justify_lines). */
  enum { KEEP, DROP, HYPHEN };
  char *act = NULL;
  bool *brk = NULL, *spaced = NULL;
  double *line_scale = NULL, *want = NULL, *line_track = NULL;
  int *line_char = NULL; /* where each line starts */
  if (ok) {
    line_track = g_new0(double, n_lines);
    line_char = g_new(int, n_lines);
    act = g_new0(char, (size_t)u->n + 1);
    brk = g_new0(bool, (size_t)u->n + 1);
    spaced = g_new0(bool, (size_t)u->n + 1);
    line_scale = g_new(double, n_lines);
    want = g_new(double, n_lines);
    const dp_lb_item *item = (const dp_lb_item *)(void *)it.items->data;
    const item_at *at = (const item_at *)(void *)it.at->data;
    size_t from = 0; /* the first item of the line */
    for (size_t l = 0; l < n_lines; l++) {
      size_t e = lines[l].end;
      double r = lines[l].ratio;
      line_char[l] = l == 0 ? 0 : at[lines[l - 1].end].end;
      bool forced = item[e].kind == DP_LB_PENALTY &&
                    item[e].penalty <= -DP_LB_INFINITY;
      /* A last line keeps its natural spaces unless it must shrink. */
      if (forced && r > 0) r = 0;
      double target = l == 0 ? params.first_width : params.width;
      /* Glyphs go no further than `expand` (linebreak.c's model of the
       * line); a line looser than that takes the rest in its spaces. */
      double glyphs = 0, give = 0;
      for (size_t k = from; k < e; k++) {
        if (item[k].kind == DP_LB_BOX) glyphs += item[k].width;
        else if (item[k].kind == DP_LB_GLUE && at[k].end > at[k].start)
          give += r < 0 ? item[k].shrink : item[k].stretch;
      }
      double sc = glyph_scale(r, expand, glyphs, give);
      line_scale[l] = sc;
      if (justify && r > 0) line_track[l] = lines[l].track * track;
      /* What hangs (item[e].protrude) is set past the measure. */
      want[l] = justify && r != 0
                    ? (target + (forced ? 0 : item[e].protrude)) / sc *
                          PANGO_SCALE
                    : NAN;
      for (size_t k = from; k < e && justify; k++)
        if (item[k].kind == DP_LB_GLUE && at[k].end > at[k].start)
          spaced[at[k].start] = true;
      if (!forced) {
        if (item[e].kind == DP_LB_GLUE) {
          for (int c = at[e].start; c < at[e].end; c++) act[c] = DROP;
        } else if (item[e].flagged &&
                   u->log[at[e].end].break_inserts_hyphen) {
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
  bool *spaced_bytes = NULL;
  double set_width = avail;
  if (ok) {
    const char *old = (*buf)->str;
    size_t old_len = (*buf)->len;
    size_t *map = g_new0(size_t, old_len + 1);
    out = g_string_sized_new(old_len + 4 * n_lines + 16);
    GArray *marks = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t *line_at = g_new(size_t, n_lines + 1); /* bytes in `out` */
    size_t line = 0;
    for (int c = 0; c <= u->n; c++) {
      if (brk[c]) g_string_append_unichar(out, 0x2028);
      while (line < n_lines && line_char[line] <= c) line_at[line++] = out->len;
      if (c == u->n) {
        map[old_len] = out->len;
        break;
      }
      int b0 = u->byte[c], b1 = u->byte[c + 1];
      for (int b = b0; b < b1; b++) map[b] = out->len;
      if (act[c] == DROP) continue;
      if (act[c] == HYPHEN) {
        PangoGlyph glyph;
        g_string_append_unichar(out, hyphen_glyph(u->font[c], &glyph));
        continue;
      }
      if (spaced[c]) g_array_append_val(marks, out->len);
      g_string_append_len(out, old + b0, b1 - b0);
    }
    spaced_bytes = g_new0(bool, out->len + 1);
    for (guint k = 0; k < marks->len; k++)
      spaced_bytes[g_array_index(marks, size_t, k)] = true;
    g_array_free(marks, TRUE);
    moved = g_memdup2(work, sizeof(span) * (count + 1));
    text_remap(moved, count, map);
    final = text_attributes(style, out->str, moved, count, unit, lang, false);
    /* A line that takes letter space: over the paragraph's own (later
     * insertions win). */
    while (line <= n_lines) line_at[line++] = out->len;
    for (size_t l = 0; l < n_lines; l++) {
      if (line_track[l] <= 0) continue;
      PangoAttribute *a = pango_attr_letter_spacing_new(
          pango_units_from_double(style->letter_spacing * unit +
                                  line_track[l]));
      a->start_index = (guint)line_at[l];
      a->end_index = (guint)line_at[l + 1];
      pango_attr_list_insert(final, a);
    }
    g_free(line_at);
    g_free(map);
    /* Glyphs drawn narrower are as wide as ever to Pango. */
    set_width = MIN(avail / (1.0 - expand) + LAYOUT_SIZE, MAX_LAYOUT_WIDTH);
  }

  /* Where Pango aligns lines (auto-dir mirrors left and right for a
   * right-to-left paragraph; a right-to-left document's paragraphs
   * have auto-dir off, and left and right are the page's). */
  PangoAlignment align = pango_layout_get_alignment(layout);
  bool flip = u->rtl && pango_layout_get_auto_dir(layout);
  if (flip && align == PANGO_ALIGN_LEFT) align = PANGO_ALIGN_RIGHT;
  else if (flip && align == PANGO_ALIGN_RIGHT) align = PANGO_ALIGN_LEFT;
  text_kept key = {0};
  const text_kept *kept = NULL;
  /* Lines aligned left in a left-to-right paragraph are set unwrapped:
   * where it is given a width, Pango shapes each line twice (once to
   * see whether it fits, once to set it), and aligning left needs none. */
  bool unwrapped = align == PANGO_ALIGN_LEFT && !u->rtl;
  if (ok) {
    key = kept_key(layout, u->serial, out->str, out->len, final,
                   unwrapped ? -1 : pango_units_from_double(set_width));
    key.want = want;
    key.scales = line_scale;
    key.lines = n_lines;
    kept = kept_find(text, &key);
  }
  if (kept) {
    g_object_unref(layout);
    layout = *layout_in = g_object_ref(kept->layout);
  } else {
    text->settings++;
    if (ok) {
      pango_layout_set_text(layout, out->str, (int)out->len);
      pango_layout_set_attributes(layout, final);
      pango_layout_set_justify(layout, FALSE);
      pango_layout_set_width(layout, key.width);
      ok = pango_layout_get_line_count(layout) == (int)n_lines;
      /* A tab is as wide as it takes to reach the next stop: that depends
       * on where it falls in its line, not where it fell in the unwrapped
       * text measured.  Unjustified lines with tabs that came out wider
       * than the measure are set first fit instead (below). */
      if (ok && !justify && memchr(out->str, '\t', out->len) &&
          widest_line(layout) > pango_units_from_double(avail) + PANGO_SCALE)
        ok = false;
    }
  }

  if (ok) {
    double wider = pango_units_to_double(pango_units_from_double(set_width)) -
                   pango_units_to_double(pango_units_from_double(avail));
    *shift = align == PANGO_ALIGN_RIGHT    ? -wider
             : align == PANGO_ALIGN_CENTER ? -wider / 2
                                           : 0;
    if (!kept) {
      int widest = widest_line(layout);
      justify_lines(layout, spaced_bytes, want);
      kept_add(text, &key, layout, widest,
               align == PANGO_ALIGN_LEFT && !u->rtl);
    }
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
  g_free(spaced);
  g_free(spaced_bytes);
  g_free(want);
  g_free(line_scale);
  g_free(line_track);
  g_free(line_char);
  g_free(lines);
  g_array_free(it.items, TRUE);
  g_array_free(it.at, TRUE);
  return ok;
}
