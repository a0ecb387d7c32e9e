/* text-private: what the files of the text module share (text.c sets
 * paragraphs, text-fonts.c loads the font maps, text-passes.c rewrites
 * the text and builds its attributes, text-break.c breaks lines
 * optimally, text-draw.c draws, traces and inspects them).  Not for
 * other modules: text.h is the interface.
 */
#ifndef DP_TEXT_PRIVATE_H
#define DP_TEXT_PRIVATE_H

#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "hyphenate.h"
#include "linebreak.h"
#include "text.h"
#include "typography.h"

/* The family a style without one gets (dp_style_init leaves it NULL). */
#define DEFAULT_FAMILY "Noto Serif"
/* The size, in layout units, every paragraph is set at (dp_para_new). */
#define LAYOUT_SIZE 10.0
/* No line is set wider than MAX_LAYOUT_WIDTH units (100,000 ems,
 * unbounded in effect), so that no length of a layout overflows
 * Pango's integer units (see MAX_UNIT in text.c). */
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
  char *datadir;         /* the context's data folder */
  /* Two font maps from fonts.conf: the bundled fonts alone, and with the
   * system's fallback fonts (loaded when a paragraph first needs them).
   * Pango sorts every font of a map for each new font description, and
   * the system has thousands: the bundled map sets most paragraphs at a
   * fraction of the cost, with the same result (see text_bundled_suffices). */
  fonts bundled;
  fonts full;
  bool full_tried;
  GPtrArray *folders;    /* absolute paths of font folders added to the
                            full map (dp_text_add_font_folder) */
  GHashTable *known;     /* folded family → its name, of every font of
                            the full map; NULL until a family not bundled
                            is checked */
  FcCharSet *coverage;   /* characters every bundled font has */
  GHashTable *families;  /* folded family names of the bundled fonts */
  GHashTable *samples;   /* PangoLanguage* → 1: its sample text is
                            covered, 2: it is not */
  GHashTable *metrics;   /* metrics_key → double[2] ascent, descent */
  GHashTable *patterns_checked; /* language → 1: no hyphenation
                                   patterns are installed, 2: they are */
  GHashTable *patterns_told;    /* languages whose want of patterns has
                                   been reported (once) */
  dp_hyphen *hyphen;
  dp_typography *typography; /* loaded on first use */
  GQueue measures;       /* text_measure, most recently used first */
  size_t measure_serial; /* the number the last measure took */
  GQueue kept;           /* text_kept: settings kept for the same lines
                            set again (text-break.c), most recently used
                            first */
  size_t kept_chars;     /* characters in them */
  size_t settings;       /* paragraphs Pango was asked to set (each one
                            shaped): what the unit tests count */
  size_t measure_chars;  /* characters in them */
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
  double shift;       /* what Pango's x of each line lacks (its measure
                         was wider: text_break_optimally) */
  double first_start; /* first line's indent from the paragraph's left;
                         right to left: where it starts, from the left */
  bool rtl;           /* set right to left: the marker hangs to the right */
  double em;
  int line_count;
  double *line_x;     /* logical left of each line, from the layout origin */
  double *line_scale; /* each line's horizontal scale about its left
                         (text_break_optimally), or NULL: none */
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
  bool optimal;         /* broken by text_break_optimally: reflowed only
                           into the same measure */
  double unit;          /* layout units a point */
  double *raw;          /* the geometry in layout units (keep_raw) */
  bool missing;
  para_link *links;
  size_t link_count;
};

/* text-fonts.c */
/* The font map with the system's fallback fonts, loaded on first use;
 * the bundled one if it cannot be (fonts.conf loaded once already, so
 * that would take a system without /usr/share/fonts: the same fonts). */
fonts *text_full(dp_text *text);

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
bool text_bundled_suffices(dp_text *text, const dp_style *style,
                               const span *spans, size_t count,
                               const GString *buf, const char *marker,
                               PangoLanguage *language);

/* text-passes.c */
/* Moves every span through `map` (old byte offset → new). */
void text_remap(span *spans, size_t count, const size_t *map);

/* Pass 1.  Each run between span boundaries is mapped as a whole (so
 * context-dependent rules such as Greek final sigma hold inside it), with
 * the transform of the innermost covering span that sets one. */
GString *text_transform(GString *in, span *spans, size_t count,
                            const dp_style *style);

/* Inserts `insert` before each byte offset of `points` (ascending) and
 * replaces each byte equal to `replace` (if not 0) by `insert` too.  */
GString *text_insert(GString *in, const size_t *points, size_t count,
                         char replace, const char *insert, span *spans,
                         size_t span_count);

/* Pass 0: the language's punctuation (typography.c), outside code and
 * links whose text is one word (a URL written out); spans in a language
 * of their own by that language's. */
GString *text_typography(dp_text *text, GString *in, span *spans,
                             size_t count, unsigned rules, const char *lang);

/* Pass 3: none in the languages `off` lists (dp_lang_listed). */
GString *text_hyphenate(dp_text *text, GString *in, span *spans,
                            size_t count, const char *lang, const char *off);

/* Pass 3b. */
GString *text_break_long_words(GString *in, span *spans, size_t count);

void text_add_attr(PangoAttrList *list, PangoAttribute *attr, unsigned start,
                  unsigned end);

PangoAttrList *text_attributes(const dp_style *style, const char *text,
                                   const span *spans, size_t count,
                                   double unit, const char *lang,
                                   bool guard_hyphens);

PangoFontDescription *text_font(const dp_style *style, double unit);

/* A URI as a cairo attribute string value.  cairo 1.16 accepts only ASCII
 * URIs (others put the surface in an error state) and writes a backslash
 * into the PDF string unescaped, so non-ASCII bytes and the characters
 * RFC 3986 does not allow in a URI are percent-encoded; inside the
 * attribute's quotes, ' takes a backslash. */
char *text_escape_uri(const char *url);

/* text.c */
/* Shows `line` with its baseline's left end at (x, y), at `scale`, its
 * width `hscale` times that. */
void text_show_line(cairo_t *cr, double x, double y, double scale,
                        double hscale, PangoLayoutLine *line);

/* text-break.c */
typedef enum break_mode {
  BREAK_JUSTIFY,  /* word spaces stretch and shrink */
  BREAK_RAGGED,   /* rigid spaces, a rag at the end of each line */
  BREAK_BALANCED  /* ragged, the last line too: lines of even length */
} break_mode;

/* What the breaker needs of a paragraph's shaping: its characters'
 * widths and fonts, and Pango's log attributes.  Kept per dp_text, a
 * few dozen, for the same text set again (shrink-to-fit). */
typedef struct text_measure text_measure;

/* The measure of `buf` set with `attrs` in `desc` through `context` in
 * `lang`, if one is kept (borrowed: valid until the next call of
 * text_measure_read or text_measures_clear). */
const text_measure *text_measure_find(dp_text *text, PangoContext *context,
                                      const PangoFontDescription *desc,
                                      const char *lang, const GString *buf,
                                      PangoAttrList *attrs);

/* Reads the measure of `layout` (the same text, attributes and font),
 * setting it unwrapped, and keeps it; NULL if it cannot be read.  The
 * layout keeps its width, and is laid out again when next asked. */
const text_measure *text_measure_read(dp_text *text, PangoLayout *layout,
                                      PangoContext *context,
                                      const PangoFontDescription *desc,
                                      const char *lang, const GString *buf,
                                      PangoAttrList *attrs);

/* Whether Pango would wrap the text in `avail` layout units with a first
 * indent `first`: 1 surely, -1 surely not, 0 too close to tell. */
int text_measure_wraps(const text_measure *m, double avail, double first);

/* Forgets the measures and the settings kept. */
void text_measures_clear(dp_text *text);

/* A layout set before as `layout` is set up (text, attributes, font,
 * alignment, indent, width; first fit), and kept by text_unwrapped_keep:
 * it, laid out as `layout` would be (a new reference); or NULL. */
PangoLayout *text_unwrapped_find(dp_text *text, PangoLayout *layout);

/* Keeps `layout`, set first fit without wrapping a line, for
 * text_unwrapped_find. */
void text_unwrapped_keep(dp_text *text, PangoLayout *layout);

/* Breaks `*layout`'s text (`*buf`, spans `work`, measured as `m`)
 * optimally in `avail` layout units, replacing its text and attributes
 * (`*attrs` too) and `*buf`, remapping `work`, and setting `*scales` to
 * each line's horizontal scale (NULL: none) and `*shift` to what each
 * line's x lacks (layout units: Pango is given a wider measure than the
 * lines are set in, so that it never wraps one again, and aligns to the
 * right or centre in that).  False, with `layout` set first-fit in
 * `avail`, where this breaker does not apply: a word (or run of text
 * without a break opportunity) wider than the measure, which only
 * Pango's breaking between characters can set; and, as a safety net, a
 * setting Pango would wrap again.  Lines set as they were before (the
 * same breaks of the same measure: shrink-to-fit tries widths that
 * break alike) are not set again: `*layout` is then replaced by the
 * layout set then (kept per dp_text). */
bool text_break_optimally(dp_text *text, PangoLayout **layout,
                          const text_measure *m,
                          GString **buf, span *work, size_t count,
                          PangoAttrList **attrs, const dp_style *style,
                          double unit, const char *lang, break_mode mode,
                          double avail, double first, double **scales,
                          double *shift);

#endif
