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
 * natural extents.  Horizontal geometry is Pango's (breaking, alignment,
 * justification, indents), read per line with a PangoLayoutIter.
 *
 * Over 1,500 lines because dp_para is private to this file and every pass
 * (setting, breaking, reflowing, drawing, tracing, preflight) reads it.
 * The line breaker is the first candidate for a module of its own once
 * it has settled.
 */
#include "text.h"

#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <hb.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>

#include "hyphenate.h"
#include "linebreak.h"
#include "paths.h"
#include "typography.h"

/* The family a style without one gets (dp_style_init leaves it NULL). */
#define DEFAULT_FAMILY "Noto Serif"
/* Characters of the text quoted in a warning. */
#define QUOTE_CHARS 40
/* The marker ends this many ems before the text of the first line. */
#define MARKER_GAP_EM 0.5
/* The size, in layout units, every paragraph is set at (dp_para_new). */
#define LAYOUT_SIZE 10.0
/* Text under LAYOUT_SIZE / MAX_UNIT points (1pt) is set at its own size
 * times MAX_UNIT, and no line is set wider than MAX_LAYOUT_WIDTH units
 * (100,000 ems, unbounded in effect): so that no length of a layout
 * (a width over a small scale, an indent of a tiny size) overflows
 * Pango's integer units (1/1024 of a unit, at most 2^31). */
#define MAX_UNIT 10.0
#define MAX_LAYOUT_WIDTH 1e6

/* A font map with its Pango context. */
typedef struct fonts {
  PangoFontMap *map;
  PangoContext *context;
} fonts;

struct dp_text {
  dp_diag *diag;
  char *conf;            /* absolute path of fonts/fonts.conf */
  char *conf_dir;        /* its folder, the bundled fonts' */
  /* Two font maps from fonts.conf: the bundled fonts alone, and with the
   * system's fallback fonts (loaded when a paragraph first needs them).
   * Pango sorts every font of a map for each new font description, and
   * the system has thousands: the bundled map sets most paragraphs at a
   * fraction of the cost, with the same result (see S_bundled_suffices). */
  fonts bundled;
  fonts full;
  bool full_tried;
  FcCharSet *coverage;   /* characters every bundled font has */
  GHashTable *families;  /* folded family names of the bundled fonts */
  GHashTable *samples;   /* PangoLanguage* → 1: its sample text is
                            covered, 2: it is not */
  GHashTable *metrics;   /* S_metrics_key → double[2] ascent, descent */
  GHashTable *patterns_checked; /* languages whose hyphenation patterns
                                   have been looked for (a want of them
                                   is reported once) */
  dp_hyphen *hyphen;
  dp_typography *typography; /* loaded on first use */
};

/* A span's kind and byte range in the text as it is being rewritten. */
typedef struct span {
  dp_span_kind kind;
  unsigned start, end;
  const char *url;
  const dp_style *style; /* the character style, or NULL for the default */
} span;

typedef struct para_link {
  unsigned start, end; /* bytes of the layout's text */
  char *uri;           /* escaped for a cairo attribute string */
} para_link;

struct dp_para {
  PangoLayout *layout;
  PangoLayout *marker;
  double x_offset;    /* layout origin from the paragraph's left edge */
  double first_start; /* first line's indent from the paragraph's left */
  double em;
  int line_count;
  double *line_x;     /* logical left of each line, from the layout origin */
  double *line_scale; /* each line's horizontal scale about its left
                         (S_break_optimally), or NULL: none */
  double *line_top;
  double *line_height;
  double *line_baseline;
  double height;
  double natural_width;
  double space_before, space_after;
  double scale;       /* points a layout unit: the layout is set at
                         LAYOUT_SIZE and drawn at this scale; every length
                         above is already in points */
  /* What dp_para_reflow() needs to tell that a width would break the
   * lines where they are (layout units of the layout's own width). */
  double layout_width;  /* the width Pango broke the lines in */
  double widest;        /* the widest line with its indent */
  double space;         /* the width of a space at the paragraph's size */
  double unwrap;        /* below this width no wrapped line could take
                           more (INFINITY: no line was wrapped) */
  bool reflowable;      /* left aligned, ragged, left to right, no word
                           broken between characters */
  bool optimal;         /* broken by S_break_optimally: reflowed only
                           into the same measure */
  double unit;          /* layout units a point */
  double *raw;          /* the geometry in layout units (S_keep_raw) */
  bool missing;
  para_link *links;
  size_t link_count;
};

/* ------------------------------------------------------------------ */
/* Font map                                                             */
/* ------------------------------------------------------------------ */

/* A Pango context of `config` (which it takes), at 72 dpi: one point is
 * one unit of user space (the default is 96). */
static bool S_fonts_init(fonts *f, FcConfig *config) {
  f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  if (!f->map) {
    FcConfigDestroy(config);
    return false;
  }
  /* The font map takes its own reference; the global default config is
   * never touched, so dp_texts in different threads are independent.
   * The config goes first: each of these calls clears Pango's caches and
   * lists the fonts of the font map's configuration again. */
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), config);
  FcConfigDestroy(config);
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(f->map), 72.0);
  f->context = pango_font_map_create_context(f->map);
  /* Unhinted, unrounded metrics: a layout measures the same whatever
   * surface it is later drawn on.  pango_cairo_update_context() is never
   * called, so the target surface's options never leak in. */
  cairo_font_options_t *options = cairo_font_options_create();
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(f->context, options);
  cairo_font_options_destroy(options);
  pango_cairo_context_set_resolution(f->context, 72.0);
  pango_context_set_round_glyph_positions(f->context, FALSE);
  return true;
}

/* A configuration without fonts, built once. */
static FcConfig *S_empty_config(void) {
  static FcConfig *empty;
  static gsize initialised;
  if (g_once_init_enter(&initialised)) {
    empty = FcConfigCreate();
    FcConfigBuildFonts(empty);
    g_once_init_leave(&initialised, 1);
  }
  return empty;
}

static void S_fonts_clear(fonts *f) {
  if (f->context) g_object_unref(f->context);
  if (f->map) {
    /* Pango 1.50.12's font map never drops its reference to its FcConfig
     * (finalize forgets it), which would leak the whole configuration and
     * its font sets.  Setting another releases it.  Not NULL: Pango would
     * then list the fonts of the default configuration (the system's,
     * thousands of them) only to throw them away; an empty one costs
     * nothing, and stays referenced for good.  (pango_fc_font_map_shutdown()
     * first would skip the listing, but leaks Pango's cached patterns.) */
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), S_empty_config());
    g_object_unref(f->map);
  }
  *f = (fonts){NULL, NULL};
}

/* fonts.conf, built: with every font it names, or (`bundled_only`) with
 * only those of its own folder. */
static FcConfig *S_config_load(const char *conf, const char *dir,
                               bool bundled_only) {
  FcConfig *config = FcConfigCreate();
  if (!config) return NULL;
  bool ok = FcConfigParseAndLoad(config, (const FcChar8 *)conf, FcTrue);
  if (ok && bundled_only) {
    /* Everything outside the bundled folder is rejected, system folders
     * included: fontconfig does not even read their caches. */
    char *rules = g_markup_printf_escaped(
        "<fontconfig><selectfont>"
        "<acceptfont><glob>%s/*</glob></acceptfont>"
        "<rejectfont><glob>*</glob></rejectfont>"
        "</selectfont></fontconfig>",
        dir);
    ok = FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)rules,
                                        FcTrue);
    g_free(rules);
  }
  if (!ok || !FcConfigBuildFonts(config)) {
    FcConfigDestroy(config);
    return NULL;
  }
  return config;
}

/* A family name as fontconfig compares them: case and blanks ignored. */
static char *S_fold_family(const char *family) {
  GString *out = g_string_new(NULL);
  for (const char *c = family; *c; c++)
    if (*c != ' ') g_string_append_c(out, g_ascii_tolower(*c));
  return g_string_free(out, FALSE);
}

/* Records what the bundled fonts cover and what they are called. */
static bool S_survey_bundled(dp_text *text, FcConfig *config) {
  FcFontSet *fonts = FcConfigGetFonts(config, FcSetSystem);
  if (!fonts || fonts->nfont == 0) return false;
  text->families = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < fonts->nfont; i++) {
    FcChar8 *family;
    for (int k = 0; FcPatternGetString(fonts->fonts[i], FC_FAMILY, k,
                                       &family) == FcResultMatch; k++)
      g_hash_table_add(text->families, S_fold_family((const char *)family));
    FcCharSet *charset;
    if (FcPatternGetCharSet(fonts->fonts[i], FC_CHARSET, 0, &charset) !=
        FcResultMatch)
      return false;
    if (!text->coverage) {
      text->coverage = FcCharSetCopy(charset);
    } else {
      FcCharSet *both = FcCharSetIntersect(text->coverage, charset);
      FcCharSetDestroy(text->coverage);
      text->coverage = both;
    }
  }
  return text->coverage != NULL;
}

dp_text *dp_text_new(dp_diag *diag) {
  dp_text *text = g_new0(dp_text, 1);
  text->diag = diag;
  char *conf = dp_paths_build("fonts", "fonts.conf", NULL);
  dp_mark mark = {diag ? dp_diag_intern(diag, conf) : conf, 0, 0};
  /* Fontconfig resolves a relative path against /etc/fonts. */
  text->conf = realpath(conf, NULL);
  if (!text->conf) {
    if (diag)
      dp_error(diag, mark, "cannot open the bundled font configuration: %s",
               g_strerror(errno));
    goto fail;
  }
  text->conf_dir = g_path_get_dirname(text->conf);
  FcConfig *config = S_config_load(text->conf, text->conf_dir, true);
  if (!config) {
    if (diag)
      dp_error(diag, mark, "cannot load the bundled font configuration");
    goto fail;
  }
  if (!S_survey_bundled(text, config)) {
    FcConfigDestroy(config);
    if (diag)
      dp_error(diag, mark, "the bundled font configuration finds no fonts");
    goto fail;
  }
  if (!S_fonts_init(&text->bundled, config)) {
    if (diag) dp_error(diag, mark, "cairo has no FreeType font support");
    goto fail;
  }
  text->samples = g_hash_table_new(NULL, NULL);
  text->metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  text->patterns_checked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
  text->hyphen = dp_hyphen_new();
  g_free(conf);
  return text;

fail:
  dp_text_free(text);
  g_free(conf);
  return NULL;
}

void dp_text_free(dp_text *text) {
  if (!text) return;
  S_fonts_clear(&text->bundled);
  S_fonts_clear(&text->full);
  if (text->coverage) FcCharSetDestroy(text->coverage);
  if (text->families) g_hash_table_destroy(text->families);
  if (text->samples) g_hash_table_destroy(text->samples);
  if (text->metrics) g_hash_table_destroy(text->metrics);
  if (text->patterns_checked) g_hash_table_destroy(text->patterns_checked);
  dp_hyphen_free(text->hyphen);
  dp_typography_free(text->typography);
  free(text->conf);
  g_free(text->conf_dir);
  g_free(text);
}

void dp_text_prefetch(dp_text *text, const char *lang) {
  if (text) dp_hyphen_prefetch(text->hyphen, lang);
}

/* The font map with the system's fallback fonts, loaded on first use;
 * the bundled one if it cannot be (fonts.conf loaded once already, so
 * that would take a system without /usr/share/fonts: the same fonts). */
static fonts *S_full(dp_text *text) {
  if (!text->full_tried) {
    text->full_tried = true;
    FcConfig *config = S_config_load(text->conf, text->conf_dir, false);
    if (config && !S_fonts_init(&text->full, config)) S_fonts_clear(&text->full);
  }
  return text->full.context ? &text->full : &text->bundled;
}

/* Whether the bundled fonts draw every character of `utf8`. */
static bool S_covered(const dp_text *text, const char *utf8, size_t length) {
  for (const char *c = utf8; c < utf8 + length; c = g_utf8_next_char(c))
    if (!FcCharSetHasChar(text->coverage, g_utf8_get_char(c))) return false;
  return true;
}

static bool S_family_bundled(const dp_text *text, const char *family) {
  char *folded = S_fold_family(family ? family : DEFAULT_FAMILY);
  bool bundled = g_hash_table_contains(text->families, folded);
  g_free(folded);
  return bundled;
}

/* Whether the bundled font map sets a paragraph exactly as the full one
 * would.  It does when every font description names a bundled family
 * (not a generic name: "serif" binds weakly, so fontconfig may rank a
 * system font for the language first) and the bundled fonts, which all
 * cover the same characters, draw every character: the full map's first
 * font for each description is then the same bundled font (system copies
 * of the bundled families are rejected), and Pango takes every character
 * from it, as the bundled map does.  A paragraph on the line-height grid
 * also asks Pango for the font metrics of its language, which Pango
 * measures on the language's sample text: that must be covered too. */
static bool S_bundled_suffices(dp_text *text, const dp_style *style,
                               const span *spans, size_t count,
                               const GString *buf, const char *marker,
                               PangoLanguage *language) {
  if (!S_family_bundled(text, style->family)) return false;
  for (size_t i = 0; i < count; i++) {
    const dp_style *cs = spans[i].style;
    if (cs) {
      if ((cs->set & DP_STYLE_FAMILY) && !S_family_bundled(text, cs->family))
        return false;
    } else if (spans[i].kind == DP_SPAN_CODE) {
      return false; /* monospace */
    }
  }
  if (!S_covered(text, buf->str, buf->len)) return false;
  if (marker && !S_covered(text, marker, strlen(marker))) return false;
  if (style->line_height > 0) {
    gpointer known = g_hash_table_lookup(text->samples, language);
    if (!known) {
      const char *sample = pango_language_get_sample_string(language);
      known = GINT_TO_POINTER(S_covered(text, sample, strlen(sample)) ? 1 : 2);
      g_hash_table_insert(text->samples, language, known);
    }
    if (GPOINTER_TO_INT(known) != 1) return false;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* Rewriting the text                                                   */
/* ------------------------------------------------------------------ */

/* Moves every span through `map` (old byte offset → new). */
static void S_remap(span *spans, size_t count, const size_t *map) {
  for (size_t i = 0; i < count; i++) {
    spans[i].start = (unsigned)map[spans[i].start];
    spans[i].end = (unsigned)map[spans[i].end];
  }
}

/* The transform a span's character style sets, else `inherited`. */
static dp_transform S_span_transform(const span *sp, dp_transform inherited) {
  const dp_style *cs = sp->style;
  return cs && (cs->set & DP_STYLE_TRANSFORM) ? cs->transform : inherited;
}

static bool S_starts_word(gunichar prev) {
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

static int S_cmp_unsigned(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return (x > y) - (x < y);
}

/* Pass 1.  Each run between span boundaries is mapped as a whole (so
 * context-dependent rules such as Greek final sigma hold inside it), with
 * the transform of the innermost covering span that sets one. */
static GString *S_transform(GString *in, span *spans, size_t count,
                            const dp_style *style) {
  bool any = style->transform != DP_TRANSFORM_NONE;
  for (size_t i = 0; i < count; i++)
    if (S_span_transform(&spans[i], DP_TRANSFORM_NONE) !=
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
  qsort(bounds, nb, sizeof *bounds, S_cmp_unsigned);
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
        t = S_span_transform(&spans[i], t);
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
        g_string_append_unichar(out, S_starts_word(p) && g_unichar_isalpha(ch)
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
  S_remap(spans, count, map);
  g_free(map);
  g_free(bounds);
  g_string_free(in, TRUE);
  return out;
}

/* Inserts `insert` before each byte offset of `points` (ascending) and
 * replaces each byte equal to `replace` (if not 0) by `insert` too.  */
static GString *S_insert(GString *in, const size_t *points, size_t count,
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
  S_remap(spans, span_count, map);
  g_free(map);
  g_string_free(in, TRUE);
  return out;
}

/* Pass 0: the language's punctuation (typography.c), outside code and
 * links whose text is one word (a URL written out). */
static GString *S_typography(dp_text *text, GString *in, span *spans,
                             size_t count, unsigned rules, const char *lang) {
  if (!text->typography) text->typography = dp_typography_new(text->diag);
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
  size_t length = 0, *map = NULL;
  char *out = dp_typography_apply(text->typography, lang, rules, in->str,
                                  in->len, skip, skip_count, &length, &map);
  S_remap(spans, count, map);
  g_free(map);
  g_free(skip);
  g_string_free(in, TRUE);
  GString *result = g_string_new_len(out, (gssize)length);
  g_free(out);
  return result;
}

/* Pass 3. */
static GString *S_hyphenate(dp_text *text, GString *in, span *spans,
                            size_t count, const char *lang) {
  unsigned *skip = g_new(unsigned, 2 * count + 1);
  size_t skip_count = 0;
  for (size_t i = 0; i < count; i++) {
    if (spans[i].kind != DP_SPAN_CODE && spans[i].kind != DP_SPAN_LINK)
      continue;
    skip[2 * skip_count] = spans[i].start;
    skip[2 * skip_count + 1] = spans[i].end;
    skip_count++;
  }
  size_t *points = NULL;
  size_t n = dp_hyphen_find_points(text->hyphen, lang, in->str, in->len, skip,
                                   skip_count, &points);
  g_free(skip);
  if (n > 0) in = S_insert(in, points, n, 0, "\u00AD", spans, count);
  g_free(points);
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

static bool S_breaks_word(gunichar c) {
  return g_unichar_isspace(c) || c == 0x00AD || c == 0x200B || c == '-' ||
         c == 0x2010 || c == 0x2028;
}

/* Pass 3b. */
static GString *S_break_long_words(GString *in, span *spans, size_t count) {
  GArray *points = NULL;
  size_t run = 0;
  for (const char *p = in->str; *p; p = g_utf8_next_char(p)) {
    if (S_breaks_word(g_utf8_get_char(p))) {
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
    in = S_insert(in, (const size_t *)(void *)points->data, points->len, 0,
                  "\u200B", spans, count);
  if (points) g_array_free(points, TRUE);
  return in;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

static void S_add(PangoAttrList *list, PangoAttribute *attr, unsigned start,
                  unsigned end) {
  attr->start_index = start;
  attr->end_index = end;
  pango_attr_list_insert(list, attr);
}

static guint16 S_channel(double v) {
  return (guint16)lround(CLAMP(v, 0.0, 1.0) * 65535.0);
}

/* "smcp onum" becomes "smcp, onum"; Pango's own syntax passes unchanged. */
static char *S_features(const char *features) {
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
static void S_add_style(PangoAttrList *list, const dp_style *s, unsigned set,
                        double unit, unsigned start, unsigned end) {
  if (set & DP_STYLE_FAMILY)
    S_add(list, pango_attr_family_new(s->family ? s->family : DEFAULT_FAMILY),
          start, end);
  if (set & DP_STYLE_WEIGHT)
    S_add(list,
          pango_attr_weight_new(s->weight > 0 ? CLAMP(s->weight, 100, 1000)
                                              : PANGO_WEIGHT_NORMAL),
          start, end);
  if (set & DP_STYLE_ITALIC)
    S_add(list,
          pango_attr_style_new(s->italic ? PANGO_STYLE_ITALIC
                                         : PANGO_STYLE_NORMAL),
          start, end);
  if (set & DP_STYLE_STRETCH)
    S_add(list, pango_attr_stretch_new(CLAMP(s->stretch, 0, 8)), start, end);
  if ((set & DP_STYLE_SIZE) && s->size > 0)
    S_add(list,
          pango_attr_size_new_absolute(
              pango_units_from_double(s->size * unit)),
          start, end);
  if (set & DP_STYLE_COLOUR) {
    S_add(list,
          pango_attr_foreground_new(S_channel(s->colour.r),
                                    S_channel(s->colour.g),
                                    S_channel(s->colour.b)),
          start, end);
    if (s->colour.a < 1.0)
      S_add(list, pango_attr_foreground_alpha_new(S_channel(s->colour.a)),
            start, end);
  }
  if (set & DP_STYLE_LETTER_SPACING)
    S_add(list,
          pango_attr_letter_spacing_new(
              pango_units_from_double(s->letter_spacing * unit)),
          start, end);
  if ((set & DP_STYLE_FEATURES) && s->features && *s->features) {
    char *features = S_features(s->features);
    S_add(list, pango_attr_font_features_new(features), start, end);
    g_free(features);
  }
  if (set & DP_STYLE_UNDERLINE)
    S_add(list,
          pango_attr_underline_new(s->underline ? PANGO_UNDERLINE_SINGLE
                                                : PANGO_UNDERLINE_NONE),
          start, end);
}

/* Everything a paragraph style sets. */
#define ALL_FIELDS                                                        \
  (DP_STYLE_FAMILY | DP_STYLE_WEIGHT | DP_STYLE_ITALIC | DP_STYLE_STRETCH | \
   DP_STYLE_SIZE | DP_STYLE_COLOUR | DP_STYLE_LETTER_SPACING |             \
   DP_STYLE_FEATURES | DP_STYLE_UNDERLINE)

/* The paragraph's own attributes over the whole text, then the spans'
 * (later insertions win where they overlap, so inner spans win). */
#define MAX_HYPHEN_RANGES 1000

static PangoAttrList *S_attributes(const dp_style *style, const char *text,
                                   const span *spans, size_t count,
                                   double unit, const char *lang,
                                   bool guard_hyphens) {
  PangoAttrList *list = pango_attr_list_new();
  unsigned all_start = PANGO_ATTR_INDEX_FROM_TEXT_BEGINNING;
  unsigned all_end = PANGO_ATTR_INDEX_TO_TEXT_END;
  S_add_style(list, style, ALL_FIELDS, unit, all_start, all_end);
  if (lang && *lang)
    S_add(list, pango_attr_language_new(pango_language_from_string(lang)),
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
    S_add(list, pango_attr_insert_hyphens_new(FALSE), from, to);
    from = to;
  }
  if (shys <= MAX_HYPHEN_RANGES)
    S_add(list, pango_attr_insert_hyphens_new(FALSE), from, all_end);
  for (size_t i = 0; i < count; i++) {
    const span *sp = &spans[i];
    if (sp->start >= sp->end) continue;
    const dp_style *cs = sp->style;
    if (cs) {
      S_add_style(list, cs, cs->set, unit, sp->start, sp->end);
      continue;
    }
    switch (sp->kind) {
    case DP_SPAN_EMPHASIS: /* toggles, as in LaTeX's \emph */
      S_add(list,
            pango_attr_style_new(style->italic ? PANGO_STYLE_NORMAL
                                               : PANGO_STYLE_ITALIC),
            sp->start, sp->end);
      break;
    case DP_SPAN_STRONG:
      S_add(list, pango_attr_weight_new(PANGO_WEIGHT_BOLD), sp->start,
            sp->end);
      break;
    case DP_SPAN_CODE:
      S_add(list, pango_attr_family_new("monospace"), sp->start, sp->end);
      break;
    case DP_SPAN_LINK:
    case DP_SPAN_STYLE: /* without a style: as is */
    default:
      break;
    }
  }
  return list;
}

static PangoFontDescription *S_font(const dp_style *style, double unit) {
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
static char *S_escape_uri(const char *url) {
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

/* ------------------------------------------------------------------ */
/* Paragraphs                                                           */
/* ------------------------------------------------------------------ */

/* Rounds a span offset in `text` down to a character boundary. */
static unsigned S_snap(const char *text, size_t length, unsigned offset) {
  if (offset > length) offset = (unsigned)length;
  while (offset > 0 && offset < length &&
         ((unsigned char)text[offset] & 0xC0) == 0x80)
    offset--;
  return offset;
}

/* The ascent and descent Pango gives `desc` in `lang` through `context`,
 * cached: Pango measures them on the language's sample text each time,
 * and composition asks for the same few fonts again and again. */
static void S_metrics(dp_text *text, PangoContext *context,
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
 * S_attributes). */
static bool S_broke_a_word(PangoLayout *layout) {
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
static double S_unwrap_width(PangoLayout *layout) {
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
static void S_measure(dp_para *para, dp_text *text, PangoContext *context,
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
    S_metrics(text, context, desc, lang, &ascent, &descent);
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
    para->line_x[i] = logical.x / (double)PANGO_SCALE;
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
#define RAW_SCALARS 7

/* Keeps the geometry of a paragraph as measured, in layout units, in
 * `raw`: a reflowed paragraph is scaled from it as a paragraph set anew
 * would be, to the same bits. */
static void S_keep_raw(dp_para *para) {
  int n = para->line_count;
  double *raw = g_new(double, RAW_SCALARS + 4 * (size_t)n);
  double scalars[RAW_SCALARS] = {para->x_offset,     para->first_start,
                                 para->em,           para->height,
                                 para->natural_width, para->space_before,
                                 para->space_after};
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
static void S_scale(dp_para *para, double scale) {
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
  for (int i = 0; i < n; i++) {
    para->line_x[i] = raw[RAW_SCALARS + i] * scale;
    para->line_top[i] = raw[RAW_SCALARS + n + i] * scale;
    para->line_height[i] = raw[RAW_SCALARS + 2 * n + i] * scale;
    para->line_baseline[i] = raw[RAW_SCALARS + 3 * n + i] * scale;
  }
}

/* Shows `line` with its baseline's left end at (x, y), at `scale`, its
 * width `hscale` times that. */
static void S_show_line(cairo_t *cr, double x, double y, double scale,
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

/* ------------------------------------------------------------------ */
/* Optimal-fit line breaking                                            */
/* ------------------------------------------------------------------ */

/* Pango breaks first-fit: each line takes as much as fits, and Pango's
 * justification only stretches.  S_break_optimally() breaks a paragraph
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
 * S_break_optimally). */
#define LINE_SLACK 0.02
#define RIGHT_SLACK 0.5

typedef enum break_mode {
  BREAK_JUSTIFY,  /* word spaces stretch and shrink */
  BREAK_RAGGED,   /* rigid spaces, a rag at the end of each line */
  BREAK_BALANCED  /* ragged, the last line too: lines of even length */
} break_mode;

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
 * span over it that sets one (S_attributes: later spans win). */
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
  S_add(list, pango_attr_letter_spacing_new(pango_units_from_double(value)),
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
static bool S_break_optimally(PangoLayout *layout, GString **buf,
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
    S_remap(moved, count, map);
    final = S_attributes(style, out->str, moved, count, unit, lang, false);
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

/* Whether Pango wrapped a line of `layout` (a line ends where the text
 * has no forced break). */
static bool S_wrapped(PangoLayout *layout) {
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
static void S_collect_unknown(PangoLayout *layout, GArray *seen) {
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

/* (transfer full) The characters no font could draw, for a warning:
 * "U+E000 ''" or "U+E000 '', U+E001 '' and 2 more". */
static char *S_unknown_chars(PangoLayout *layout, PangoLayout *marker) {
  GArray *seen = g_array_new(FALSE, FALSE, sizeof(gunichar));
  S_collect_unknown(layout, seen);
  if (marker) S_collect_unknown(marker, seen);
  GString *out = g_string_new(NULL);
  guint shown = MIN(seen->len, 3);
  for (guint k = 0; k < shown; k++) {
    gunichar c = g_array_index(seen, gunichar, k);
    if (k > 0) g_string_append(out, k + 1 == shown && seen->len <= 3
                                          ? " and " : ", ");
    g_string_append_printf(out, "U+%04X", c);
    /* The character itself, unless it would not show (a control, or a
     * private-use character, which means nothing outside its font). */
    if (g_unichar_isgraph(c) &&
        g_unichar_type(c) != G_UNICODE_PRIVATE_USE) {
      g_string_append(out, " '");
      g_string_append_unichar(out, c);
      g_string_append_c(out, '\'');
    }
  }
  if (seen->len > 3) g_string_append_printf(out, " and %u more", seen->len - 3);
  if (seen->len == 0) g_string_append(out, "some characters");
  g_array_free(seen, TRUE);
  return g_string_free(out, FALSE);
}

dp_para *dp_para_new(dp_text *text, const char *utf8, size_t length,
                     const dp_span *spans, size_t span_count,
                     const dp_style *style, const char *lang, double width,
                     double scale, const char *marker, dp_mark mark) {
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
      unsigned s = S_snap(buf->str, buf->len, spans[i].start);
      unsigned e = S_snap(buf->str, buf->len, spans[i].end);
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
  char *quote = g_utf8_substring(buf->str, 0,
                                 MIN(QUOTE_CHARS, g_utf8_strlen(buf->str,
                                                                (gssize)buf->len)));
  g_strdelimit(quote, "\n", ' ');

  if (style->typography)
    buf = S_typography(text, buf, work, count, style->typography, lang);
  buf = S_transform(buf, work, count, style);
  buf = S_insert(buf, NULL, 0, '\n', "\u2028", work, count);
  if (style->hyphenate && !style->balance)
    buf = S_hyphenate(text, buf, work, count, lang);
  if (style->hyphenate && style->align == DP_ALIGN_JUSTIFY && lang && *lang &&
      !g_hash_table_contains(text->patterns_checked, lang)) {
    /* Justified text without hyphenation is set loose: said once per
     * language (and looked up once: the answer is remembered either way,
     * a language with patterns under a value of its own). */
    char *dic = dp_hyphen_find_dictionary(lang);
    if (!dic && text->diag)
      dp_warning(text->diag, mark,
                 "no hyphenation patterns for language '%s' are installed: "
                 "its justified text is not hyphenated",
                 lang);
    g_hash_table_insert(text->patterns_checked, g_strdup(lang),
                        GINT_TO_POINTER(dic ? 2 : 1));
    g_free(dic);
  }
  buf = S_break_long_words(buf, work, count);

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

  PangoFontDescription *desc = S_font(style, unit);
  PangoLanguage *language =
      lang && *lang ? pango_language_from_string(lang) : NULL;
  PangoContext *context =
      S_bundled_suffices(text, style, work, count, buf, marker, language)
          ? text->bundled.context
          : S_full(text)->context;
  PangoAttrList *attrs =
      S_attributes(style, buf->str, work, count, unit, lang, false);
  /* The context's language as well as the text's: Pango otherwise asks
   * fontconfig for each face twice, once with the process's language
   * ("c") and once with the text's, each time sorting the fonts in
   * threads of its own. */
  if (language && pango_context_get_language(context) != language)
    pango_context_set_language(context, language);
  PangoLayout *layout = pango_layout_new(context);
  pango_layout_set_font_description(layout, desc);
  pango_layout_set_text(layout, buf->str, (int)buf->len);
  pango_layout_set_attributes(layout, attrs);
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  /* A width of 0 or less sets the paragraph unbroken (for measuring). */
  if (width > 0) {
    double avail = CLAMP(width - para->x_offset, 1.0, MAX_LAYOUT_WIDTH);
    pango_layout_set_width(layout, pango_units_from_double(avail));
  }
  pango_layout_set_indent(layout, pango_units_from_double(first));
  /* Auto-dir stays on: a paragraph whose first strong character is
   * right-to-left (Arabic, Hebrew) gets an RTL base direction, and Pango
   * then mirrors left and right alignment, so an Arabic paragraph in a
   * left-aligned style sits at the right edge, as its readers expect. */
  switch (style->align) {
  case DP_ALIGN_RIGHT:
    pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT);
    break;
  case DP_ALIGN_CENTRE:
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    break;
  case DP_ALIGN_JUSTIFY:
    pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
    pango_layout_set_justify(layout, TRUE); /* the last line stays ragged */
    break;
  case DP_ALIGN_LEFT:
  default:
    pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
    break;
  }
  para->layout = layout;
  para->unit = unit;
  para->reflowable = width > 0 && style->align == DP_ALIGN_LEFT;
  para->layout_width =
      width > 0 ? CLAMP(width - para->x_offset, 1.0, MAX_LAYOUT_WIDTH) : 0;
  /* A line's width leaves out the space Pango may have counted at its
   * end; reflowing allows for one, and some. */
  para->space = 0.5 * size * unit + MAX(style->letter_spacing * unit, 0.0);
  if (width > 0 && S_broke_a_word(layout)) {
    para->reflowable = false;
    PangoAttrList *guarded =
        S_attributes(style, buf->str, work, count, unit, lang, true);
    pango_layout_set_attributes(layout, guarded);
    pango_attr_list_unref(attrs);
    attrs = guarded;
  } else if (width > 0 && S_wrapped(layout)) {
    /* Where Pango wrapped nothing, every line ends at a forced break and
     * an optimal breaker would break nowhere else: first fit is optimal
     * there, and the paragraph can still be reflowed. */
    break_mode mode = style->align == DP_ALIGN_JUSTIFY ? BREAK_JUSTIFY
                      : style->balance                ? BREAK_BALANCED
                                                      : BREAK_RAGGED;
    if (S_break_optimally(layout, &buf, work, count, &attrs, style, unit,
                          lang, mode, para->layout_width, first,
                          &para->line_scale)) {
      para->optimal = true;
      para->reflowable = false;
    }
  }

  if (marker && *marker) {
    para->marker = pango_layout_new(context);
    pango_layout_set_font_description(para->marker, desc);
    pango_layout_set_text(para->marker, marker, -1);
    PangoAttrList *marker_attrs =
        S_attributes(style, marker, NULL, 0, unit, lang, false);
    pango_layout_set_attributes(para->marker, marker_attrs);
    pango_attr_list_unref(marker_attrs);
  }

  S_measure(para, text, context, style, desc, language, unit);
  /* Only a paragraph that may be reflowed needs the bound. */
  para->unwrap = para->reflowable ? S_unwrap_width(layout) : INFINITY;
  S_keep_raw(para);
  S_scale(para, shown);

  /* Links, with the offsets of the final text. */
  para->links = g_new0(para_link, count + 1);
  for (size_t i = 0; i < count; i++) {
    if (work[i].kind != DP_SPAN_LINK || !work[i].url ||
        work[i].start >= work[i].end)
      continue;
    para->links[para->link_count++] =
        (para_link){work[i].start, work[i].end, S_escape_uri(work[i].url)};
  }

  int unknown = pango_layout_get_unknown_glyphs_count(layout);
  if (para->marker) unknown += pango_layout_get_unknown_glyphs_count(para->marker);
  if (unknown > 0) {
    para->missing = true;
    if (text->diag) {
      char *chars = S_unknown_chars(layout, para->marker);
      dp_warning(text->diag, mark, "no font can draw %s in '%s'", chars,
                 quote);
      g_free(chars);
    }
  }

  pango_attr_list_unref(attrs);
  pango_font_description_free(desc);
  g_free(quote);
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
  S_scale(p, shown);
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

/* Where line `line` starts, the left end of its baseline, when the
 * paragraph is drawn with the top of line `first` at (x, y): for drawing
 * and for traces alike. */
static void S_line_origin(const dp_para *para, double x, double y, int first,
                          int line, double *ox, double *oy) {
  *ox = x + para->x_offset + para->line_x[line];
  *oy = y + para->line_baseline[line] - para->line_top[first];
}

/* The marker's origin, right-aligned MARKER_GAP_EM before the first
 * line's text; false when there is none to draw. */
static bool S_marker_origin(const dp_para *para, double x, double y,
                            int first, double *ox, double *oy) {
  if (!para->marker || first != 0 || para->line_count == 0) return false;
  PangoRectangle logical;
  pango_layout_get_extents(para->marker, NULL, &logical);
  double right = x + para->first_start - MARKER_GAP_EM * para->em;
  *ox = right - (logical.x + logical.width) * para->scale / PANGO_SCALE;
  *oy = y + para->line_baseline[0] - para->line_top[0];
  return true;
}

/* Appends "x y w h" of a user-space rectangle, in device space: cairo 1.16
 * writes link rectangles to the PDF as given, without the CTM. */
static void S_append_rect(GString *out, cairo_t *cr, double x, double y,
                          double w, double h) {
  double xs[4] = {x, x + w, x, x + w}, ys[4] = {y, y, y + h, y + h};
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (int i = 0; i < 4; i++) {
    cairo_user_to_device(cr, &xs[i], &ys[i]);
    x0 = MIN(x0, xs[i]);
    y0 = MIN(y0, ys[i]);
    x1 = MAX(x1, xs[i]);
    y1 = MAX(y1, ys[i]);
  }
  double v[4] = {x0, y0, x1 - x0, y1 - y0};
  for (int i = 0; i < 4; i++) {
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(num, sizeof num, "%.3f", v[i]);
    if (out->len && out->str[out->len - 1] != '[') g_string_append_c(out, ' ');
    g_string_append(out, num);
  }
}

/* Calls `area` with each rectangle of link `k` in lines
 * [first, first + count) drawn at (x, y): the one computation behind the
 * PDF's links and traces. */
static void S_link_rects(const dp_para *para, size_t k, double x, double y,
                         int first, int count,
                         void (*area)(void *closure, double x, double y,
                                      double w, double h),
                         void *closure) {
  const para_link *l = &para->links[k];
  double top0 = para->line_top[first];
  for (int i = first; i < first + count; i++) {
    PangoLayoutLine *line = pango_layout_get_line_readonly(para->layout, i);
    int ls = line->start_index, le = line->start_index + line->length;
    int s = MAX((int)l->start, ls), e = MIN((int)l->end, le);
    if (s >= e) continue;
    int *ranges = NULL, n = 0;
    pango_layout_line_get_x_ranges(line, s, e, &ranges, &n);
    for (int r = 0; r < n; r++) {
      double x0 = ranges[2 * r] * para->scale / PANGO_SCALE;
      double x1 = ranges[2 * r + 1] * para->scale / PANGO_SCALE;
      if (para->line_scale) { /* scaled about the line's left */
        double sc = para->line_scale[i], lx = para->line_x[i];
        x0 = lx + (x0 - lx) * sc;
        x1 = lx + (x1 - lx) * sc;
      }
      if (x1 <= x0) continue;
      area(closure, x + para->x_offset + x0, y + para->line_top[i] - top0,
           x1 - x0, para->line_height[i]);
    }
    g_free(ranges);
  }
}

typedef struct link_attrs {
  GString *attrs;
  cairo_t *cr;
  bool any;
} link_attrs;

static void S_add_link_rect(void *closure, double x, double y, double w,
                            double h) {
  link_attrs *a = closure;
  S_append_rect(a->attrs, a->cr, x, y, w, h);
  a->any = true;
}

static void S_draw_links(const dp_para *para, cairo_t *cr, double x, double y,
                         int first, int count) {
  for (size_t k = 0; k < para->link_count; k++) {
    link_attrs a = {g_string_new("rect=["), cr, false};
    S_link_rects(para, k, x, y, first, count, S_add_link_rect, &a);
    if (a.any) {
      g_string_append_printf(a.attrs, "] uri='%s'", para->links[k].uri);
      cairo_tag_begin(cr, CAIRO_TAG_LINK, a.attrs->str);
      cairo_tag_end(cr, CAIRO_TAG_LINK);
    }
    g_string_free(a.attrs, TRUE);
  }
}

void dp_para_draw_links(const dp_para *para, cairo_t *cr, double x, double y,
                        int first, int count) {
  g_return_if_fail(para != NULL && cr != NULL);
  if (first < 0) first = 0;
  if (first >= para->line_count || count <= 0) return;
  if (count > para->line_count - first) count = para->line_count - first;
  S_draw_links(para, cr, x, y, first, count);
}

void dp_para_draw(const dp_para *para, cairo_t *cr, double x, double y,
                  int first, int count, bool links) {
  g_return_if_fail(para != NULL && cr != NULL);
  if (first < 0) first = 0;
  if (first >= para->line_count || count <= 0) return;
  if (count > para->line_count - first) count = para->line_count - first;
  if (links) S_draw_links(para, cr, x, y, first, count);

  /* The marker first: text extracted from the PDF reads "• item". */
  double mx, my;
  if (S_marker_origin(para, x, y, first, &mx, &my))
    S_show_line(cr, mx, my, para->scale, 1.0,
                pango_layout_get_line_readonly(para->marker, 0));

  GSList *lines = pango_layout_get_lines_readonly(para->layout);
  lines = g_slist_nth(lines, (guint)first);
  for (int i = first; i < first + count && lines; i++, lines = lines->next) {
    double lx, ly;
    S_line_origin(para, x, y, first, i, &lx, &ly);
    S_show_line(cr, lx, ly, para->scale,
                para->line_scale ? para->line_scale[i] : 1.0, lines->data);
  }
  cairo_new_path(cr);
}

/* ------------------------------------------------------------------ */
/* Traces                                                               */
/* ------------------------------------------------------------------ */

/* Clamps [first, first + count) to the paragraph's lines; false if empty. */
static bool S_clamp_lines(const dp_para *para, int *first, int *count) {
  if (*first < 0) *first = 0;
  if (*first >= para->line_count || *count <= 0) return false;
  if (*count > para->line_count - *first) *count = para->line_count - *first;
  return true;
}

/* Appends text[start, end) without soft hyphens, line separators and the
 * character at byte `skip` (-1: none). */
static void S_append_visible(GString *out, const char *text, int start,
                             int end, int skip) {
  for (const char *p = text + start; p < text + end; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c != 0x00AD && c != 0x2028 && p - text != skip)
      g_string_append_unichar(out, c);
  }
}

void dp_para_describe_line(const dp_para *para, double x, double y, int first,
                           int line, dp_line_info *out) {
  memset(out, 0, sizeof *out);
  g_return_if_fail(para != NULL);
  int count = 1;
  if (!S_clamp_lines(para, &first, &count) || line < first ||
      line >= para->line_count)
    return;
  PangoLayoutLine *pl = pango_layout_get_line_readonly(para->layout, line);
  PangoRectangle logical;
  pango_layout_line_get_extents(pl, NULL, &logical);
  double left;
  S_line_origin(para, x, y, first, line, &left, &out->baseline);
  out->x0 = left + logical.x * para->scale / PANGO_SCALE;
  out->x1 = out->x0 + logical.width * para->scale / PANGO_SCALE *
                          (para->line_scale ? para->line_scale[line] : 1.0);
  const char *text = pango_layout_get_text(para->layout);
  int end = pl->start_index + pl->length;
  const char *last = end > pl->start_index ? g_utf8_prev_char(text + end) : NULL;
  /* An optimally broken line ends in a forced break, after the U+2010
   * shown for a soft hyphen (S_break_optimally). */
  if (last && g_utf8_get_char(last) == 0x2028 && last > text + pl->start_index)
    last = g_utf8_prev_char(last);
  gunichar lc = last ? g_utf8_get_char(last) : 0;
  out->hyphen = (lc == 0x00AD || (para->optimal && lc == 0x2010)) &&
                line + 1 < para->line_count;
  /* The hyphen is reported as such, not as text. */
  int skip = out->hyphen && lc == 0x2010 ? (int)(last - text) : -1;
  out->run_count = g_slist_length(pl->runs);
  out->runs = g_new0(dp_line_run, out->run_count + 1);
  size_t k = 0;
  for (GSList *r = pl->runs; r; r = r->next, k++) {
    PangoGlyphItem *run = r->data;
    dp_line_run *o = &out->runs[k];
    PangoFont *font = run->item->analysis.font;
    if (font) {
      PangoFontDescription *desc = pango_font_describe_with_absolute_size(font);
      o->family = g_strdup(pango_font_description_get_family(desc));
      o->weight = (int)pango_font_description_get_weight(desc);
      PangoStyle st = pango_font_description_get_style(desc);
      o->style = st == PANGO_STYLE_ITALIC    ? "italic"
                 : st == PANGO_STYLE_OBLIQUE ? "oblique"
                                             : "normal";
      o->size = pango_font_description_get_size(desc) * para->scale /
                PANGO_SCALE;
      pango_font_description_free(desc);
    } else {
      o->family = g_strdup("");
      o->style = "normal";
    }
    GString *t = g_string_new(NULL);
    S_append_visible(t, text, run->item->offset,
                     run->item->offset + run->item->length, skip);
    o->text = g_string_free(t, FALSE);
  }
}

void dp_line_info_clear(dp_line_info *info) {
  for (size_t i = 0; i < info->run_count; i++) {
    g_free(info->runs[i].family);
    g_free(info->runs[i].text);
  }
  g_free(info->runs);
  memset(info, 0, sizeof *info);
}

bool dp_para_describe_marker(const dp_para *para, double x, double y,
                             int first, double *baseline, double *x0,
                             double *x1, const char **text) {
  g_return_val_if_fail(para != NULL, false);
  double left;
  if (!S_marker_origin(para, x, y, first, &left, baseline)) return false;
  PangoRectangle logical;
  pango_layout_get_extents(para->marker, NULL, &logical);
  *x0 = left + logical.x * para->scale / PANGO_SCALE;
  *x1 = *x0 + logical.width * para->scale / PANGO_SCALE;
  *text = pango_layout_get_text(para->marker);
  return true;
}

static void S_add_link_area(void *closure, double x, double y, double w,
                            double h) {
  GArray *areas = closure;
  dp_link_area a = {x, y, w, h, NULL};
  g_array_append_val(areas, a);
}

dp_link_area *dp_para_get_link_areas(const dp_para *para, double x, double y,
                                     int first, int count, size_t *n_areas) {
  *n_areas = 0;
  g_return_val_if_fail(para != NULL, NULL);
  if (!S_clamp_lines(para, &first, &count)) return NULL;
  GArray *areas = g_array_new(FALSE, FALSE, sizeof(dp_link_area));
  for (size_t k = 0; k < para->link_count; k++) {
    guint before = areas->len;
    S_link_rects(para, k, x, y, first, count, S_add_link_area, areas);
    for (guint i = before; i < areas->len; i++)
      g_array_index(areas, dp_link_area, i).uri = para->links[k].uri;
  }
  *n_areas = areas->len;
  return (dp_link_area *)g_array_free(areas, FALSE);
}

/* ------------------------------------------------------------------ */
/* Preflight                                                            */
/* ------------------------------------------------------------------ */

/* OpenType OS/2 fsType bits (the embedding licence). */
#define FSTYPE_RESTRICTED 0x0002 /* must not be embedded */
#define FSTYPE_NO_SUBSET 0x0100  /* only whole (cairo always subsets) */
#define FSTYPE_BITMAP_ONLY 0x0200

/* Why `font` may not go into a PDF as an embedded outline font, or NULL. */
static char *S_font_problem(PangoFont *font) {
  hb_font_t *hb = pango_font_get_hb_font(font);
  if (!hb) return NULL;
  hb_face_t *face = hb_font_get_face(hb);
  const char *why = NULL;
  hb_blob_t *os2 = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
  unsigned length = 0;
  const unsigned char *data =
      (const unsigned char *)hb_blob_get_data(os2, &length);
  unsigned fstype = length >= 10 ? (unsigned)data[8] << 8 | data[9] : 0;
  hb_blob_destroy(os2);
  if ((fstype & 0x000F) == FSTYPE_RESTRICTED)
    why = "its licence forbids embedding";
  else if (fstype & FSTYPE_NO_SUBSET)
    why = "its licence forbids embedding a subset";
  else if (fstype & FSTYPE_BITMAP_ONLY)
    why = "its licence allows embedding bitmaps only";
  bool outlines = false;
  static const hb_tag_t tables[] = {HB_TAG('g', 'l', 'y', 'f'),
                                    HB_TAG('C', 'F', 'F', ' '),
                                    HB_TAG('C', 'F', 'F', '2')};
  for (size_t i = 0; i < G_N_ELEMENTS(tables) && !outlines; i++) {
    hb_blob_t *blob = hb_face_reference_table(face, tables[i]);
    outlines = hb_blob_get_length(blob) > 0;
    hb_blob_destroy(blob);
  }
  if (!why && !outlines)
    why = "it has no outlines (a bitmap font, embedded as images)";
  if (!why) return NULL;
  PangoFontDescription *desc = pango_font_describe(font);
  char *problem = g_strdup_printf(
      "'%s': %s", pango_font_description_get_family(desc), why);
  pango_font_description_free(desc);
  return problem;
}

/* Grows `out`'s box by a run's or line's ink rectangle (Pango units,
 * relative to a point at (x, y) in points). */
static void S_grow(dp_para_ink *out, double x, double y, double scale,
                   const PangoRectangle *ink) {
  if (ink->width <= 0 || ink->height <= 0) return;
  double x0 = x + ink->x * scale / PANGO_SCALE;
  double y0 = y + ink->y * scale / PANGO_SCALE;
  double x1 = x0 + ink->width * scale / PANGO_SCALE;
  double y1 = y0 + ink->height * scale / PANGO_SCALE;
  if (out->x1 < out->x0) {
    out->x0 = x0, out->y0 = y0, out->x1 = x1, out->y1 = y1;
    return;
  }
  out->x0 = MIN(out->x0, x0);
  out->y0 = MIN(out->y0, y0);
  out->x1 = MAX(out->x1, x1);
  out->y1 = MAX(out->y1, y1);
}

/* Sizes (shown at `scale`) and fonts of a line's runs. */
static void S_inspect_line(PangoLayoutLine *line, double scale,
                           dp_para_ink *out) {
  for (GSList *r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    PangoFont *font = run->item->analysis.font;
    if (!font || run->glyphs->num_glyphs == 0) continue;
    PangoFontDescription *desc = pango_font_describe_with_absolute_size(font);
    double size = pango_font_description_get_size(desc) * scale / PANGO_SCALE;
    pango_font_description_free(desc);
    if (size > 0 && (out->smallest_size == 0 || size < out->smallest_size))
      out->smallest_size = size;
    if (!out->font_problem) out->font_problem = S_font_problem(font);
  }
}

void dp_para_inspect(const dp_para *para, double x, double y, int first,
                     int count, dp_para_ink *out) {
  *out = (dp_para_ink){0, 0, -1, -1, 0, NULL};
  g_return_if_fail(para != NULL);
  if (first < 0) first = 0;
  if (first >= para->line_count || count <= 0) return;
  if (count > para->line_count - first) count = para->line_count - first;
  double top0 = para->line_top[first];
  PangoLayoutIter *iter = pango_layout_get_iter(para->layout);
  for (int i = 0; i < first + count; i++) {
    if (i >= first) {
      /* Ink relative to Pango's baseline, placed on ours (dp_para_draw). */
      PangoRectangle ink, logical;
      pango_layout_iter_get_line_extents(iter, &ink, &logical);
      ink.y -= pango_layout_iter_get_baseline(iter);
      if (para->line_scale) { /* scaled about the line's left */
        double s = para->line_scale[i];
        ink.x = logical.x + (int)lround((ink.x - logical.x) * s);
        ink.width = (int)lround(ink.width * s);
      }
      S_grow(out, x + para->x_offset, y + para->line_baseline[i] - top0,
             para->scale, &ink);
      S_inspect_line(pango_layout_iter_get_line_readonly(iter), para->scale,
                     out);
    }
    if (!pango_layout_iter_next_line(iter)) break;
  }
  pango_layout_iter_free(iter);
  if (para->marker && first == 0) {
    PangoLayoutLine *line = pango_layout_get_line_readonly(para->marker, 0);
    PangoRectangle ink, logical;
    pango_layout_line_get_extents(line, &ink, &logical);
    double right = x + para->first_start - MARKER_GAP_EM * para->em;
    S_grow(out, right - (logical.x + logical.width) * para->scale / PANGO_SCALE,
           y + para->line_baseline[0] - top0, para->scale, &ink);
    S_inspect_line(line, para->scale, out);
  }
}
