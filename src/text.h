/* text: the only module that calls Pango.
 *
 * A dp_text holds the font maps (built from the bundled fonts/fonts.conf
 * only, so output is the same on every machine: one with the bundled
 * fonts alone, one with the system's fallback fonts too, loaded when a
 * paragraph first needs a script or family the bundled fonts lack) and
 * the hyphenation dictionaries, loaded on first use, per language.  A
 * dp_para is one paragraph set at one width and scale: a PangoLayout
 * built from UTF-8 text and styled spans (never from a markup string),
 * with soft hyphens from libhyphen inserted where the style allows.
 *
 * Line breaking happens behind dp_para_new() alone, so an optimal-fit
 * breaker can later replace Pango's without touching composition.
 *
 * All lengths are in points; y grows downwards.
 */
#ifndef DP_TEXT_H
#define DP_TEXT_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "settings.h"
#include "richtext.h"
#include "style.h"

typedef struct dp_text dp_text;

/* (transfer full) The fonts and dictionaries `settings` (NULL: the
 * defaults) name: the data folder's fonts.conf or the context's font
 * configuration, with its font folders; its hyphenation and cache
 * folders.  Returns NULL after reporting when the fonts
 * cannot be loaded.  Not thread-safe: one per thread. */
dp_text *dp_text_new(dp_diag *diag, const dp_settings *settings);
void dp_text_free(dp_text *text);

/* (transfer none) The PangoCairoFontMap SVG images set their text with:
 * the one with the system's fallback fonts, loaded on first use.  Under
 * the font lock (fontlock.h). */
void *dp_text_get_svg_font_map(dp_text *text);

/* Starts loading, in another thread, what setting text in `lang` needs
 * (its hyphenation dictionary), so that it is ready, or nearly, when the
 * first paragraph asks.  Composition calls it before laying out. */
void dp_text_prefetch(dp_text *text, const char *lang);

/* Adds a folder of fonts (an absolute path) for styles to name: the map
 * of every font is built again when next needed.  Returns whether the
 * folder is new (paragraphs set before may then differ). */
bool dp_text_add_font_folder(dp_text *text, const char *folder);

/* NULL when every family of `family` (a fontconfig list, "A, B") is one
 * that text is set in (bundled, the system's chosen fonts, the user's,
 * an added folder's, or a generic name); else (transfer full) a message
 * naming the first unknown one, with a suggestion when one is close. */
char *dp_text_check_family(dp_text *text, const char *family);

typedef struct dp_para dp_para;

/* Sets `text` (`length` bytes of UTF-8, '\n' a forced line break) with
 * `spans` (sorted, byte ranges of `text`) in `style`, every size
 * multiplied by `scale`, at `width` points.  `lang` (BCP 47) chooses the
 * hyphenation dictionary and Pango's language.  `marker`, if not NULL, is
 * drawn hanging to the left of the first line (list bullets and numbers),
 * right-aligned against the paragraph's left indent.  `lang_mark` is
 * where `lang` is given (the document's `lang`), where justified text in
 * a language without hyphenation patterns is reported, once a language
 * for `text`. */
dp_para *dp_para_new(dp_text *text, const char *utf8, size_t length,
                     const dp_span *spans, size_t span_count,
                     const dp_style *style, const char *lang, double width,
                     double scale, const char *marker, dp_mark lang_mark);
void dp_para_free(dp_para *para);

/* Whether `off` (tags separated by spaces, as a style's no_hyphenation;
 * may be NULL) names `lang` or a language it falls under ("fi-FI" under
 * "fi"). */
bool dp_lang_listed(const char *off, const char *lang);

/* Whether justified text in `lang` goes without the hyphenation it
 * needs: `off` lists the language, or no patterns for it are installed
 * (looked up once a language).  Arabic and Hebrew, written right to
 * left, break no words at a line's end: they need none. */
bool dp_text_lacks_hyphenation(dp_text *text, const char *off,
                               const char *lang);

/* (transfer full) `para` set at `width` and `scale` instead, sharing its
 * lines, when that provably breaks them where they are (see
 * dp_para_new's note on sizes: a paragraph's lines depend on width /
 * scale alone); else NULL, and it must be set anew.  Only left-aligned,
 * ragged, left-to-right paragraphs qualify: in a narrower measure when
 * every line still fits, in a wider one when no wrapped line could take
 * the first word or syllable of the line after it.
 * Shrink-to-fit tries many scales; most of a frame's short paragraphs
 * are reflowed, not set again. */
dp_para *dp_para_reflow(const dp_para *para, double width, double scale);

int dp_para_get_line_count(const dp_para *para);

/* Line `line`'s top and height relative to the paragraph's top, and its
 * baseline relative to the paragraph's top. */
void dp_para_get_line(const dp_para *para, int line, double *top,
                      double *height, double *baseline);

/* Whether line `line` ends in a hyphen where the paragraph goes on: one
 * shown at a soft hyphen, or a hyphen typed ("co-" before "production").
 * Composition keeps such a line from the foot of a column or page. */
bool dp_para_line_ends_in_hyphen(const dp_para *para, int line);

/* Height of all lines (no space before or after). */
double dp_para_get_height(const dp_para *para);

/* Width of the longest line, as set. */
double dp_para_get_natural_width(const dp_para *para);

/* The style's space before and after, scaled. */
double dp_para_get_space_before(const dp_para *para);
double dp_para_get_space_after(const dp_para *para);

/* Draws lines [first, first + count) with the top of line `first` at
 * (x, y).  Link spans in those lines become PDF links (cairo tags) unless
 * `links` is false (recording surfaces replayed by imposition: cairo 1.16
 * crashes on link tags there). */
void dp_para_draw(const dp_para *para, cairo_t *cr, double x, double y,
                  int first, int count, bool links);

/* Only the link areas of lines [first, first + count), as cairo link
 * tags (dp_para_draw with `links` draws them too).  A tagged PDF draws
 * them after the paragraph's structure element: cairo 1.16 marks only
 * the content of leaf elements, and a link inside would leave the
 * paragraph's own text unmarked.  Returns how many link tags it drew
 * (each a Link structure element). */
size_t dp_para_draw_links(const dp_para *para, cairo_t *cr, double x,
                          double y, int first, int count);

/* What print preflight asks of lines [first, first + count) drawn at
 * (x, y) (as dp_para_draw). */
typedef struct dp_para_ink {
  double x0, y0, x1, y1;   /* the glyphs' inked box (x1 < x0: no ink) */
  double smallest_size;    /* the smallest font size set, points (0: no
                              glyphs) */
  char *font_problem;      /* (transfer full, g_free) why a font used may
                              not be embedded in a PDF ("'Foo Sans': its
                              licence forbids embedding"), or NULL */
} dp_para_ink;
void dp_para_inspect(const dp_para *para, double x, double y, int first,
                     int count, dp_para_ink *out);

/* What a trace (trace.h) shows of a line drawn by dp_para_draw with the
 * top of line `first` at (x, y): positions on the page, in points. */
typedef struct dp_line_run {
  char *family;            /* the face Pango chose (a fallback shows) */
  int weight;              /* 100..1000 */
  const char *style;       /* "normal", "italic" or "oblique" */
  double size;             /* points, as drawn */
  char *text;              /* UTF-8, soft hyphens and line separators
                              left out */
} dp_line_run;

typedef struct dp_line_info {
  double baseline;         /* y */
  double x0, x1;           /* the line's logical extent */
  bool hyphen;             /* broken at a soft hyphen: a hyphen shows */
  dp_line_run *runs;       /* in visual order */
  size_t run_count;
} dp_line_info;

/* Fills `out` for line `line` (not the marker); clear it with
 * dp_line_info_clear(). */
void dp_para_describe_line(const dp_para *para, double x, double y, int first,
                           int line, dp_line_info *out);
void dp_line_info_clear(dp_line_info *info);

/* The marker's baseline and x range drawn as dp_para_draw draws it, and
 * its text (not to be freed); false when the paragraph has none. */
bool dp_para_describe_marker(const dp_para *para, double x, double y,
                             int first, double *baseline, double *x0,
                             double *x1, const char **text);

/* A link area of lines [first, first + count) drawn at (x, y), as
 * dp_para_draw makes it: a rectangle on the page and its URI (escaped for
 * a cairo attribute; owned by the paragraph). */
typedef struct dp_link_area {
  double x, y, width, height;
  const char *uri;
} dp_link_area;

/* (transfer full, g_free) The link areas, in order; *count of them. */
dp_link_area *dp_para_get_link_areas(const dp_para *para, double x, double y,
                                     int first, int count, size_t *n_areas);

/* True if a glyph of the text could not be drawn by any font (drawn as
 * a box).  dp_para_new() does not report it: its caller knows where the
 * text came from. */
bool dp_para_has_missing_glyphs(const dp_para *para);

/* (transfer full, g_free) The characters of `para` (its text and its
 * marker) no font could draw, each once, in the order first met; NULL
 * and *count 0 when every one was drawn. */
uint32_t *dp_para_get_missing(const dp_para *para, size_t *count);

/* (transfer full) `count` characters named for a message: each by its
 * code point, its Unicode name and itself where it shows ("U+13000
 * EGYPTIAN HIEROGLYPH A001 '𓀀'"), joined with commas and "and", and
 * past three a count ("U+E000, U+E001, U+E002 and 2 more"). */
char *dp_describe_chars(const uint32_t *chars, size_t count);

#endif
