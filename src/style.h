/* style: resolved paragraph and character styles.
 *
 * The layout binder (layout.c) reads styles from a layout file, resolves
 * `based-on` inheritance and hands text.c complete paragraph styles.  A
 * character style (for emphasis, strong, code and links inside a
 * paragraph) sets only some fields; `set` says which.
 */
#ifndef DP_STYLE_H
#define DP_STYLE_H

#include <stdbool.h>

#include "diag.h"

typedef struct dp_colour {
  double r, g, b, a;
} dp_colour;

/* START and END follow the paragraph's direction (start is the right in a
 * right-to-left paragraph); LEFT and RIGHT are the page's. */
typedef enum dp_align {
  DP_ALIGN_LEFT,
  DP_ALIGN_RIGHT,
  DP_ALIGN_CENTRE,
  DP_ALIGN_JUSTIFY,
  DP_ALIGN_START,
  DP_ALIGN_END
} dp_align;

typedef enum dp_transform {
  DP_TRANSFORM_NONE,
  DP_TRANSFORM_UPPERCASE,
  DP_TRANSFORM_LOWERCASE,
  DP_TRANSFORM_CAPITALIZE
} dp_transform;

/* Bits of dp_style.set. */
enum {
  DP_STYLE_FAMILY = 1 << 0,
  DP_STYLE_WEIGHT = 1 << 1,
  DP_STYLE_ITALIC = 1 << 2,
  DP_STYLE_STRETCH = 1 << 3,
  DP_STYLE_SIZE = 1 << 4,
  DP_STYLE_COLOUR = 1 << 5,
  DP_STYLE_LETTER_SPACING = 1 << 6,
  DP_STYLE_FEATURES = 1 << 7,
  DP_STYLE_UNDERLINE = 1 << 8,
  DP_STYLE_TRANSFORM = 1 << 9,
  DP_STYLE_STRIKETHROUGH = 1 << 10
};

/* Typographic rules (typography.h), bits of dp_style.typography. */
enum {
  DP_TYPO_QUOTES = 1 << 0,      /* "…" and '…' as the language's marks */
  DP_TYPO_APOSTROPHES = 1 << 1, /* don't → don’t */
  DP_TYPO_DASHES = 1 << 2,      /* " - " and 10-12 as dashes */
  DP_TYPO_ELLIPSIS = 1 << 3,    /* ... → … */
  DP_TYPO_SPACES = 1 << 4,      /* no-break spaces */
  DP_TYPO_ALL = (1 << 5) - 1
};

/* Kinds of span a paragraph style maps to character styles, in the order
 * of dp_span_kind (richtext.h). */
#define DP_STYLE_SPAN_KINDS 4

typedef struct dp_style dp_style;
struct dp_style {
  char *name;
  dp_mark mark;
  unsigned set;            /* character styles: which fields apply */

  /* Font. */
  char *family;            /* fontconfig family list, "Noto Serif" */
  char *font;              /* the layout's named font (`fonts:`) the
                              family comes from, or NULL: a family as
                              written.  A house file may name another
                              family for it (house.h) */
  dp_mark family_mark;     /* where `family` was written (no file: the
                              default), for an unknown family */
  int weight;              /* 100..900, 400 regular, 700 bold */
  bool italic;
  int stretch;             /* PangoStretch: 0 ultra-condensed .. 4 normal .. 8 */
  double size;             /* points */
  char *features;          /* OpenType features, "smcp onum" style: Pango's
                              font-features syntax ("smcp=1, onum=1") */
  double letter_spacing;   /* points */
  bool underline;
  bool strikethrough;      /* a line through the text: a date no longer
                              valid (a postponed or cancelled event) */
  dp_colour colour;        /* filled per document by composition from
                              colour_name */
  char *colour_name;       /* a layout colour name ("brand") or a literal
                              "#rrggbb", as written; NULL: black.  Owned
                              by the style (freed with the layout) */
  dp_transform transform;

  /* Paragraph. */
  double line_height;      /* multiple of size; 0: the font's own */
  dp_align align;
  bool hyphenate;
  const char *no_hyphenation; /* languages never hyphenated (the layout's
                                 `hyphenation: {off: ...}`, set by
                                 composition): interned tags separated by
                                 spaces, or NULL */
  unsigned typography;     /* DP_TYPO_* rules applied (all by default) */
  bool balance;            /* lines of even length, never hyphenated
                              (titles, headings) */
  double expansion;        /* justified text: how much wider or narrower
                              a line's glyphs may be drawn, a fraction */
  double tracking;         /* justified text: letter space a line may
                              take where its word spaces and glyphs
                              have stretched all they may, ems */
  double hanging;          /* justified text: how much of a punctuation
                              mark or hyphen ending a line may hang past
                              the measure, a fraction of its width (of
                              a full stop's; less for wider marks) */
  double space_before;     /* points */
  double space_after;
  double first_indent;     /* points; negative for a hanging indent */
  double left_indent;      /* points; the start indent: on the right of a
                              right-to-left paragraph */
  bool rtl;                /* the paragraphs read right to left (set by
                              composition from the document's direction,
                              not a layout key): the base direction of
                              every line, whatever its first letter */
  bool keep_with_next;
  int widows;              /* minimum lines left at the top of a frame */
  int orphans;             /* minimum lines left at the foot of a frame */
  int outline_level;       /* 1..6: paragraphs become PDF bookmarks at
                              this level (with `outline: true`); 0 none */
  int heading;             /* 1..6: paragraphs are headings of this level
                              in a tagged PDF; 0: by the style's name
                              (h1..h6), else paragraphs */

  /* Character styles for emphasis, strong, code and links, or NULL for
   * the default (italic, bold, monospace, as is). */
  const dp_style *spans[DP_STYLE_SPAN_KINDS];
};

/* A paragraph style with the defaults: Noto Serif 10pt, left aligned,
 * hyphenated, widows and orphans 2, black. */
void dp_style_init(dp_style *style);

#endif
