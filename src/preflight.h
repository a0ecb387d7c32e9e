/* preflight: a print shop's checks of a composed page set.
 *
 * What a print shop's preflight would reject, found in the display list
 * before any PDF exists, so `disputas check --preflight` needs neither
 * cairo's PDF backend nor libqpdf:
 *
 *  - fonts a PDF cannot embed as outlines: an OpenType licence (OS/2
 *    fsType) that forbids embedding or subsetting, or a bitmap-only font
 *    (cairo embeds every font it can; render.c also counts fonts without
 *    a font file in the finished PDF);
 *  - text set below the layout's `preflight: {min-text-size}` (6 pt), at
 *    the size it is drawn (after shrink-to-fit, character styles
 *    included), reported at the paragraph style's line;
 *  - raster images below DP_PREFLIGHT_MIN_DPI at their placed size (a
 *    note below DP_PREFLIGHT_GOOD_DPI);
 *  - QR codes with modules under DP_PREFLIGHT_MIN_QR_MODULE, or whose
 *    quiet zone is cut by the trim or covered by what is drawn after them;
 *  - text whose ink crosses the trim (it would be cut);
 *  - filled backgrounds that end exactly at a trim edge when the layout
 *    has a bleed (a hairline of paper shows if the cut drifts).  The spine
 *    edges of facing pages are exempt: nothing bleeds into the fold.
 *
 * Each problem is one warning (an error with --werror) at the layout line
 * that made it, once however many pages repeat it, with a note at the
 * document's line where the document chose the content (an image).
 */
#ifndef DP_PREFLIGHT_H
#define DP_PREFLIGHT_H

#include "compose.h"
#include "diag.h"
#include "layout.h"

/* Print resolution a raster image needs where it is placed. */
#define DP_PREFLIGHT_MIN_DPI 150
/* A QR module smaller than this (in points: 0.4 mm) scans badly from
 * print. */
#define DP_PREFLIGHT_MIN_QR_MODULE (0.4 * 72 / 25.4)

/* Text below this (points) is too small to read in print: a warning on
 * every check and render, with or without preflight. */
#define DP_PREFLIGHT_ALWAYS_MIN_TEXT 6.0
/* Print resolution below which a raster image gets a note (below
 * DP_PREFLIGHT_MIN_DPI, a warning). */
#define DP_PREFLIGHT_GOOD_DPI 300

/* Text this dark and this near to grey (each of R, G and B at most
 * DP_PREFLIGHT_BLACKISH, and within DP_PREFLIGHT_NEUTRAL of each other)
 * looks black and, in RGB, prints as four-colour black. */
#define DP_PREFLIGHT_BLACKISH 0.2
#define DP_PREFLIGHT_NEUTRAL 0.02

typedef struct dp_preflight_options {
  bool all;              /* every check, or the text size alone */
  /* Press output's colour checks (with `all`): */
  bool press;
  bool pure_black;       /* RGB black and greys become one ink
                            (render.h) */
  int output_components; /* of the press profile: 3 RGB, 4 CMYK, 1 grey */
} dp_preflight_options;

/* Runs every check on `set`, composed from `layout` (options->all), or
 * only the one that runs always: text below DP_PREFLIGHT_ALWAYS_MIN_TEXT.
 * With `all`, text is held to the layout's min-text-size, and never to
 * less than that; in press output also:
 *
 *  - an RGB image is a note naming its profile, or "no profile, assumed
 *    sRGB" (the print shop converts it for the press);
 *  - a CMYK image without a profile, when the press profile is not
 *    CMYK, is a warning: its colours are anybody's guess;
 *  - text in black or near-black RGB that stays RGB (pure black is off,
 *    or the colour is not a grey: R, G and B not all equal) is a warning
 *    at its style: it prints as four-colour (rich) black.
 *
 * Returns the number of problems reported. */
int dp_preflight(dp_diag *diag, const dp_pageset *set,
                 const dp_layout_model *layout,
                 const dp_preflight_options *options);

/* ---- The summary ---------------------------------------------------- */

/* What a print shop reads first, one line a product: taken from the page
 * set as it is drawn and from the finished PDF (plugin.h: dp_pdf_facts).
 * Lengths in points. */
typedef struct dp_preflight_summary {
  const char *product;      /* the layout's name */
  size_t pages;             /* output pages (sheet sides when imposed) */
  double trim_width, trim_height, bleed;
  unsigned spaces;          /* DP_PDF_SPACE_* */
  int fonts, unembedded;
  double smallest_text;     /* points, as drawn; 0: no text */
  double lowest_dpi;        /* of raster images as placed; 0: none */
} dp_preflight_summary;

/* The smallest text size drawn in `set` (0: no text) and the lowest
 * resolution of its raster images as placed (0: none), as the checks
 * above measure them. */
void dp_preflight_measure(const dp_pageset *set, double *smallest_text,
                          double *lowest_dpi);

/* Reports `summary` as one note at `at` (the document), in a form stable
 * enough to grep:
 *
 *   preflight summary of booklet: 8 pages; trim 148.0 x 210.0 mm;
 *   bleed 3.0 mm; colour DeviceRGB; fonts 10, all embedded; text from
 *   8.0 pt; images from 240 dpi
 *
 * (on one line): "bleed none", "fonts 4, 1 not embedded", "text none",
 * "images none" when so.  Lengths to 0.1 mm, sizes to 0.1 pt, whole
 * dpi (rounded down, so a summary never claims more than there is). */
void dp_preflight_report_summary(dp_diag *diag, dp_mark at,
                                 const dp_preflight_summary *summary);

#endif
