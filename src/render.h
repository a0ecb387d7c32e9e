/* render: draws a composed page set with Cairo into PDF, PNG or SVG.
 *
 * One drawing routine serves every format (the surface is chosen by the
 * format, as pango-view does).  Imposition places the pages two-up on
 * sheets of twice the page area by drawing each page's display list
 * again at an offset: text stays vector and selectable, and fonts are
 * embedded once.  Links are left out of imposed sheets.
 */
#ifndef DP_RENDER_H
#define DP_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "compose.h"
#include "layout.h"

typedef enum dp_format { DP_FORMAT_PDF, DP_FORMAT_PNG, DP_FORMAT_SVG } dp_format;

typedef struct dp_render_settings {
  dp_format format;
  dp_imposition impose;
  double dpi;               /* PNG; 0: 150 */
  long long date;           /* creation date for PDF metadata, seconds
                               since 1970 (UTC) */
} dp_render_settings;

/* Output goes through dp_write_func (disputas.h). */

/* Pages the output has: sheet sides when imposed. */
size_t dp_render_get_page_count(const dp_pageset *set,
                                const dp_render_settings *options);

/* Writes the whole PDF (options->format must be PDF).  Returns false when
 * `write` failed or Cairo reported an error. */
bool dp_render_pdf(const dp_pageset *set, const dp_render_settings *options,
                   dp_write_func write, void *closure);

/* Writes output page `index` as a PNG or an SVG file. */
bool dp_render_page(const dp_pageset *set, const dp_render_settings *options,
                    size_t index, dp_write_func write, void *closure);

/* The saddle-stitch order: for `pages` pages (a multiple of 4) fills
 * `order` (2 × pages entries... exactly `pages` entries) with 1-based page
 * numbers, sheet side by side, left then right: for 8 pages
 * 8 1 | 2 7 | 6 3 | 4 5. */
void dp_impose_saddle_stitch_order(int pages, int *order);

#endif
