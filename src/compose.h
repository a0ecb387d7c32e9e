/* compose: a document poured into a layout, as pages of positioned marks.
 *
 * Composition expands the layout's items against the document (templates,
 * conditions, repetitions, Markdown blocks), sets paragraphs through
 * text.c, resolves frame geometry, fits frames (shrinking within bounds
 * where the layout allows) and flows streams through frames and pages.
 * The result is a display list per page with absolute positions; it makes
 * no Cairo drawing calls (render.c does).  Text that does not fit is an
 * error naming the frame and its layout line.
 *
 * Coordinates are points from the top-left corner of the trim box; marks
 * in the bleed have negative or beyond-trim coordinates.
 */
#ifndef DP_COMPOSE_H
#define DP_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "document.h"
#include "layout.h"
#include "qr.h"
#include "style.h"

/* One composition expands at most this many layout items (an item inside
 * a repetition counts once per repetition) and makes at most this many
 * paragraphs; past either it fails with an error.  Repetitions nest, so a
 * layout of a few hundred bytes could otherwise ask for billions (and a
 * Markdown summary repeated by them, millions of paragraphs).  The
 * built-in layouts expand a few hundred items for a large committee;
 * 500 pages hold some 40,000 one-line paragraphs. */
#define DP_MAX_EXPANDED_ITEMS 100000
#define DP_MAX_PARAGRAPHS 200000

/* A frame's edge may lie at most this many points (35 m) from the page's
 * top-left corner: frames whose edges are factors of each other's could
 * otherwise reach numbers Pango's and Cairo's fixed-point units cannot
 * hold, or infinity. */
#define DP_MAX_EDGE 100000.0
#include "text.h"

typedef enum dp_mark_kind {
  DP_DRAW_TEXT,   /* lines of a paragraph */
  DP_DRAW_BOX,    /* a rectangle, filled and/or stroked, maybe rounded */
  DP_DRAW_QR,     /* a QR code, as vector squares */
  DP_DRAW_IMAGE   /* a PNG, JPEG or SVG file */
} dp_draw_kind;

/* What a draw is to a reader: the structure tag it gets in a tagged PDF
 * (render.c).  Artifacts (backgrounds, rules, folios) are not content and
 * stay untagged; zero, so a draw nobody classified is left out of the
 * structure rather than mistagged. */
typedef enum dp_role {
  DP_ROLE_ARTIFACT,
  DP_ROLE_P,
  DP_ROLE_H1, /* DP_ROLE_H1 + level - 1 for levels 1..6 */
  DP_ROLE_H2,
  DP_ROLE_H3,
  DP_ROLE_H4,
  DP_ROLE_H5,
  DP_ROLE_H6,
  DP_ROLE_LI,    /* a list item; consecutive items make one list */
  DP_ROLE_FIGURE /* QR codes and images, with `alt` */
} dp_role;

typedef struct dp_draw {
  dp_draw_kind kind;
  dp_role role;
  double x, y, width, height;
  /* Where it came from, for preflight warnings: `mark` is the layout's
   * item (for Markdown text, the document's block; for backgrounds, the
   * frame), `frame_mark` the frame that placed it, `source` the
   * document's field for images (else its file is NULL). */
  dp_mark mark, frame_mark, source;
  /* TEXT: the paragraph style (owned by the page set) */
  const dp_style *style;
  /* TEXT */
  const dp_para *para;   /* owned by the page set */
  int first_line, line_count;
  /* BOX */
  bool has_fill, has_stroke;
  dp_colour fill, stroke;
  double stroke_width, radius;
  /* QR (owned by the page set); the quiet zone is inside width */
  const dp_qr *qr;
  /* IMAGE */
  const char *image_path; /* owned by the page set */
  bool cover;             /* fills the box, cropped; else fills it exactly
                             (composition kept the proportions) */
  /* QR, IMAGE: alternative text, owned by the page set, or NULL */
  const char *alt;
  /* TEXT: its language when the layout gave one (owned by the page set),
   * or NULL: the document's */
  const char *lang;
  /* Its frame's place in its page's reading order (layout.h): a tagged
   * PDF's structure reads a page's draws in this order, stably */
  int reading;
} dp_draw;

typedef struct dp_outline_entry {
  char *title;
  int level;   /* 1 = top */
  int page;    /* 0-based */
  double y;
} dp_outline_entry;

/* A frame of a page's template as composition resolved it: what a trace
 * (trace.h) shows of it.  Strings are owned by the page set. */
typedef struct dp_placed_frame {
  const char *name;        /* NULL: unnamed */
  const char *flow;        /* the stream it takes, or NULL */
  dp_mark mark;            /* the frame in the layout */
  bool present;            /* its `if` held (else it has no rectangle) */
  double x, y, width, height;
  double scale;            /* the fit scale its content was set at */
} dp_placed_frame;

typedef struct dp_page {
  dp_draw *draws;
  size_t count, capacity;
  bool verso; /* a left-hand page */
  const char *template_name;   /* owned by the page set */
  dp_placed_frame *frames;     /* one per frame of the template, in order */
  size_t frame_count;
} dp_page;

typedef struct dp_pageset {
  double width, height;   /* trim size */
  double bleed;
  dp_page *pages;
  size_t page_count;
  dp_outline_entry *outline;
  size_t outline_count;
  /* Metadata for the PDF. */
  char *title, *author, *subject, *keywords, *lang;
  /* The document reads right to left: a booklet of these pages is bound
   * on the right. */
  bool rtl;
  /* What the page set owns, freed with it. */
  void *owned;
} dp_pageset;

/* Composes `doc` in `layout`, within the limits of `settings` (NULL: the
 * defaults).  Returns NULL after reporting when the
 * content cannot be laid out (it does not fit and may not shrink further,
 * too many pages, a field the layout names does not exist in the format).
 * Free with dp_pageset_free(). */
dp_pageset *dp_compose(dp_diag *diag, const dp_settings *settings,
                       dp_text *text, const dp_document *doc,
                       const dp_layout_model *layout);

void dp_pageset_free(dp_pageset *set);

#endif
