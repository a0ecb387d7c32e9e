/* render: draws a composed page set with Cairo into PDF, PNG or SVG.
 *
 * One drawing routine serves every format (the surface is chosen by the
 * format, as pango-view does).  Imposition places the pages two-up on
 * sheets of twice the page area by drawing each page's display list
 * again at an offset: text stays vector and selectable, and fonts are
 * embedded once.  Links are left out of imposed sheets.
 *
 * Print hand-off.  Office output (the default) is the trim and nothing
 * else: a page is its trim size, and imposed sheets are the smallest
 * office paper (ISO A, US Letter, Legal, Tabloid) that holds two pages,
 * the pair centred on it, so a duplex office printer prints them 1:1.
 * Press output (`press`, implied by `marks`) grows every page by the
 * layout's bleed; with marks, by a slug of at least 10 mm that holds crop
 * marks at the trim corners (and, on imposed sheets, fold marks at the
 * fold), drawn outside the bleed; imposed sheets with marks are centred
 * on the smallest SRA sheet that holds them.  A PDF is drawn by cairo
 * into memory and finished by the "qpdf" module (plugin.h): TrimBox and
 * BleedBox on every page, /Lang, a content-derived /ID, "D:" dates, the
 * figures' alternative texts and XMP metadata (xmp.h); press output is
 * PDF/X-4 (an output intent with the ICC profile the layout, the options
 * or the build chose: press-profile.h), carries no links and, unless the layout says
 * `pure-black: false`, sets RGB black and greys (R = G = B) in black
 * ink alone.  Every PDF is tagged (headings, paragraphs, lists,
 * figures, links; backgrounds, rules and folios stay untagged
 * artifacts), imposed sheets in the booklet's reading order, not the
 * printer's.
 */
#ifndef DP_RENDER_H
#define DP_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "cancel.h"
#include "compose.h"
#include "layout.h"

typedef enum dp_format {
  DP_FORMAT_PDF,
  DP_FORMAT_PNG,
  DP_FORMAT_SVG,
  DP_FORMAT_TRACE /* trace.h: not drawn, described */
} dp_format;

typedef struct dp_render_settings {
  dp_format format;
  dp_imposition impose;
  double dpi;               /* PNG; 0: 150 */
  long long date;           /* creation date for PDF metadata, seconds
                               since 1970 (UTC) */
  bool press;               /* press output: the bleed (marks imply it) */
  bool marks;               /* crop and fold marks, in a slug */
  bool pure_black;          /* press output: RGB black and greys as one
                               ink (the qpdf module's pure_black,
                               plugin.h) */
  bool pdfa;                /* PDF: PDF/A-2b (not with press output) */
  const struct dp_press_profile *press_profile; /* press output's
                               printing condition; NULL: the build's
                               (press-profile.h) */
  double creep;             /* imposed: innermost sheet's shift, points */
  bool preflight;           /* PDF: warn of fonts the file does not embed,
                               and report preflight's summary */
  const char *product;      /* the layout's name, for the summary */
  const char *document;     /* the document's file, where it is reported */
  dp_diag *diag;            /* images that cannot be drawn, problems
                               finishing a PDF; or NULL */
  dp_text *text;            /* the context's fonts, for SVG text; or NULL
                               (the thread's default Pango font map) */
  dp_cancel *cancel;        /* when to stop drawing (cancel.h); or NULL.
                               Drawing that stops fails, reporting
                               nothing */
} dp_render_settings;

/* Crop, fold and registration marks: 0.25 pt in registration colour,
 * starting this far from the trim (or at the bleed's edge, if further)
 * and this long; the slug is at least DP_MARK_SLUG wide. */
#define DP_MARK_WIDTH 0.25
#define DP_MARK_OFFSET (3 * 72 / 25.4)
#define DP_MARK_LENGTH (5 * 72 / 25.4)
#define DP_MARK_SLUG (10 * 72 / 25.4)

/* The geometry of output pages, in points from the top-left corner of the
 * media box.  The trim is the media box in office output; the pages'
 * content (one page, or two side by side when imposed) starts at
 * (content_x, content_y), which is the trim's corner except on office
 * sheets larger than two pages. */
typedef struct dp_sheet_geometry {
  double media_width, media_height;
  double trim_x, trim_y;          /* media corner to trim corner */
  double trim_width, trim_height; /* the sheet's, when imposed */
  double content_x, content_y;    /* media corner to the first page's */
  double content_width;           /* one page, or two when imposed */
  double bleed;                   /* 0 in office output */
} dp_sheet_geometry;

void dp_render_get_geometry(const dp_pageset *set,
                            const dp_render_settings *options,
                            dp_sheet_geometry *out);

/* Output goes through dp_write_func (disputas.h). */

/* Pages the output has: sheet sides when imposed. */
size_t dp_render_get_page_count(const dp_pageset *set,
                                const dp_render_settings *options);

/* Writes the whole PDF (options->format must be PDF).  Returns false when
 * `write` failed or Cairo reported an error. */
bool dp_render_pdf(const dp_pageset *set, const dp_render_settings *options,
                   dp_write_func write, void *closure);

/* dp_render_pdf in three steps, so that the second, the qpdf module's
 * rewrite (a third of the time of a PDF), may run in another thread while
 * the caller draws the next one:
 *
 *   dp_render_pdf_draw    cairo draws the pages (the calling thread, which
 *                         owns `set` and its fonts); NULL when cairo fails.
 *                         The draft owns all it needs: `set` may go.
 *   dp_render_pdf_finish  the rewrite; touches nothing but the draft (no
 *                         diagnostics): any thread, one at a time a draft.
 *   dp_render_pdf_take    reports the finishing's problems to `diag` and
 *                         hands over the file (*out, g_free); false when it
 *                         could not be finished.
 */
typedef struct dp_pdf_draft dp_pdf_draft;
dp_pdf_draft *dp_render_pdf_draw(const dp_pageset *set,
                                 const dp_render_settings *options);
void dp_render_pdf_finish(dp_pdf_draft *draft);
bool dp_render_pdf_take(dp_pdf_draft *draft, dp_diag *diag, bool preflight,
                        unsigned char **out, size_t *out_length);
void dp_pdf_draft_free(dp_pdf_draft *draft);

/* Writes output page `index` as a PNG or an SVG file. */
bool dp_render_page(const dp_pageset *set, const dp_render_settings *options,
                    size_t index, dp_write_func write, void *closure);

/* The saddle-stitch order: for `pages` pages (a multiple of 4) fills
 * `order` (exactly `pages` entries) with 1-based page numbers, sheet side
 * by side, left then right: for 8 pages 8 1 | 2 7 | 6 3 | 4 5; bound on
 * the right (`right_bound`, a right-to-left booklet) each side the other
 * way round: 1 8 | 7 2 | 3 6 | 5 4. */
void dp_impose_saddle_stitch_order(int pages, bool right_bound, int *order);

#endif
