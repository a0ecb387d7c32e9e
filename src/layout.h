/* layout: a layout file bound to a checked model.
 *
 * Everything a product looks like is said in a layout file; this module
 * reads one (built-in name, path, or memory), reports every problem at
 * its mark, and produces the model below.  It resolves style inheritance
 * and checks that names (styles, colours, frames, flows, templates)
 * exist, but knows nothing of any document: fields are checked when a
 * document is composed.  Touches no Pango or Cairo.
 *
 * The language, in short (docs/layouts.md is the reference):
 *
 *   layout: 1
 *   name: poster
 *   description: One A4 page for noticeboards
 *   page: {size: A4, orientation: portrait, bleed: 3mm,
 *          margins: {top: 18mm, bottom: 15mm, inside: 16mm, outside: 16mm}}
 *   pages: {multiple-of: 4, max: 1}
 *   impose: saddle-stitch          # booklet-print
 *   outline: true                  # PDF bookmarks from headings
 *   marks: true                    # crop marks in a slug
 *   press: true                    # press output: the bleed
 *   preflight: {min-text-size: 6pt}  # print checks with every render
 *   colours: {brand: "{institution.colour || '#1f4e79'}", ink: "#1a1a1a"}
 *   styles:
 *     body: {family: Noto Serif, size: 10pt, line-height: 1.4}
 *     title: {based-on: body, family: Noto Sans, weight: 700, size: 30pt}
 *     em: {character: true, italic: true}
 *   templates:                     # page templates
 *     cover:
 *       frames:
 *         - name: band
 *           left: left(bleed)  right: right(bleed)  top: top(bleed)
 *           height: 80mm  fill: brand
 *         - name: title
 *           top: 30mm  max-height: 60mm  fit: shrink  min-scale: 0.6
 *           content:
 *             - text: "{thesis.title}"
 *               style: title
 *     body:
 *       frames:
 *         - {name: main, flow: main, columns: 1}
 *         - name: folio
 *           top: bottom(content) + 6mm
 *           content: [{text: "{page}", style: folio, align: outside}]
 *   flows:
 *     main:
 *       - markdown: summary
 *         styles: {paragraph: body, heading: h2}
 *       - each: events
 *         content: [{text: "{kind|label}", style: h3}]
 *   sequence:
 *     - cover                       # one page from a template
 *     - {template: body, flow: main}   # as many pages as the flow needs
 *     - {template: notes, pad: true}   # repeated to reach multiple-of
 *     - back
 */
#ifndef DP_LAYOUT_H
#define DP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "frame-expr.h"
#include "length.h"
#include "settings.h"
#include "style.h"

/* Templates (template.h) are held, not expanded, here: a layout knows no
 * document. */
typedef struct dp_template dp_template;

/* ---- Content blocks ------------------------------------------------- */

typedef enum dp_item_kind {
  DP_ITEM_TEXT,       /* one paragraph from a template, or runs */
  DP_ITEM_MARKDOWN,   /* a Markdown field, block by block */
  DP_ITEM_EACH,       /* content repeated for each item of a list */
  DP_ITEM_GROUP,      /* content kept together (with `if`, a section) */
  DP_ITEM_QR,         /* a QR code of a template's expansion */
  DP_ITEM_IMAGE,      /* an image named by a field */
  DP_ITEM_RULE,       /* a horizontal line */
  DP_ITEM_SPACE,      /* vertical space */
  DP_ITEM_BREAK       /* to the next frame (column) or page */
} dp_item_kind;

/* `spare`: a page break taken only when the pages are planned with pages
 * to spare (compose.c), so a section opens a page instead of a filler
 * page closing the booklet. */
typedef enum dp_break_kind {
  DP_BREAK_FRAME,
  DP_BREAK_PAGE,
  DP_BREAK_SPARE
} dp_break_kind;

/* A condition on a block: `if: online` (set and not empty), `unless:`,
 * `if: "status != scheduled"`, `if: "status == postponed"`; `if:` may be a
 * list (all hold), and `unless` may come with it (then it must not). */
/* One side of "A || B == x || C != y". */
typedef struct dp_condition_alt {
  char *path;
  char *equals;          /* compare the value's text, or NULL for "is set" */
  bool differs;          /* != */
} dp_condition_alt;

typedef struct dp_condition {
  char *path;            /* NULL: always */
  bool negate;           /* unless:, or != */
  char *equals;          /* compare the value's text, or NULL for "is set" */
  dp_condition_alt *any; /* "A || B == x": any of these holds (then `path`
                            is the first's and `equals` unused); or NULL */
  size_t any_count;
  bool changed;          /* "changed(PATH)": in a grouped `each`, the
                            entry's own field differs from the previous
                            row's (the first row of a group: always) */
  struct dp_condition *also; /* another condition that must hold too (the
                            next of a list of `if`s, or the `unless` given
                            with them); or NULL */
  bool made;             /* "made(NAME)": the pages include one of page
                            template NAME, which a `pad` step adds; `path`
                            is NAME (the planner decides: compose.h) */
  bool every;            /* "every(...)": holds for every entry of a
                            timetable's group (in its head; elsewhere for
                            the entry), `negate` each entry's */
  bool every_unless;     /* `unless: every(...)`: the whole negated */
} dp_condition;

/* One piece of a text block: a template in a character style (NULL: the
 * paragraph's). */
typedef struct dp_run {
  dp_template *tmpl;
  const dp_style *style;
} dp_run;

/* Styles for the parts of a Markdown field. */
typedef struct dp_markdown_styles {
  const dp_style *paragraph;
  const dp_style *heading[6];  /* levels 1..6; unset levels use the
                                  nearest set level above, then paragraph */
  const dp_style *list;        /* list items (default paragraph) */
  const dp_style *quote;       /* quotes (default paragraph) */
  int shift;                   /* heading level shift: "## A" with
                                  shift 1 uses heading[2] */
} dp_markdown_styles;

typedef enum dp_halign {
  DP_HALIGN_LEFT,
  DP_HALIGN_CENTRE,
  DP_HALIGN_RIGHT,
  DP_HALIGN_INSIDE,    /* towards the spine: right on left pages */
  DP_HALIGN_OUTSIDE,   /* away from the spine: left on left pages */
  DP_HALIGN_JUSTIFY,   /* TEXT only: `align: justify` */
  DP_HALIGN_START,     /* the document's start: left, or right when it
                          reads right to left */
  DP_HALIGN_END
} dp_halign;

typedef struct dp_item dp_item;
struct dp_item {
  dp_item_kind kind;
  dp_mark mark;
  dp_condition condition;
  const dp_style *style;       /* TEXT paragraph style */
  bool has_align;              /* TEXT: `align` overrides the style's */
  dp_halign align;             /* TEXT (with inside/outside), QR, IMAGE,
                                  RULE */
  dp_run *runs;                /* TEXT */
  size_t run_count;
  char *field;                 /* MARKDOWN, EACH, IMAGE: a dotted path */
  char *file;                  /* IMAGE: an image file named by the layout
                                  (absolute, checked), instead of a field */
  dp_markdown_styles markdown; /* MARKDOWN */
  dp_item **children;          /* EACH, GROUP */
  size_t child_count;
  double gap;                  /* EACH: space between items (between
                                  groups, with group_by) */
  dp_template *group_by;       /* EACH: entries in a row whose key expands
                                  to the same text form a group, or NULL */
  dp_item **head;              /* EACH with group_by: shown once before
                                  each group, in its first entry's scope */
  size_t head_count;
  double row_gap;              /* EACH with group_by: space between the
                                  rows of a group */
  dp_template *payload;        /* QR: what it encodes */
  int qr_level;                /* QR: 0 L, 1 M, 2 Q, 3 H */
  double width, height;        /* QR size (width), IMAGE box, RULE
                                  thickness (height) and length (width,
                                  0: the frame's width) */
  double fraction;             /* RULE: `length: N%` as a fraction of the
                                  frame's width (then width is 0), else 0 */
  char *colour;                /* RULE, QR: a colour name or #rrggbb */
  double space;                /* SPACE */
  dp_break_kind break_kind;    /* BREAK */
  bool keep_together;          /* GROUP, EACH items: never split */
  bool keep_with_next;         /* any: stay on the page of what follows */
  dp_template *alt;            /* QR, IMAGE: alternative text, or NULL */
  dp_template *lang;           /* TEXT: the paragraph's language (BCP 47)
                                  when not the document's, or NULL */
  int optional;                /* any: 0, or a priority from 1: when its
                                  frame cannot fit at its smallest scale,
                                  content with the lowest priority is
                                  left out first (a warning names it) */
  char *left_out;              /* with optional: what is left out, for
                                  the warning */
  dp_item **instead;           /* with optional: shown in its place when
                                  it is left out */
  size_t instead_count;
  bool cover;                  /* IMAGE: fill the width × height box,
                                  cropping (fit: cover); else the image
                                  fits inside it (fit: contain) */
};

/* ---- Frames, page templates, the sequence ------------------------- */

typedef enum dp_fit { DP_FIT_ERROR, DP_FIT_SHRINK } dp_fit;
/* SPREAD: the height the content leaves is shared out between its blocks
 * (its spaces and top-level groups). */
typedef enum dp_valign {
  DP_VALIGN_TOP, DP_VALIGN_MIDDLE, DP_VALIGN_BOTTOM, DP_VALIGN_SPREAD
} dp_valign;

typedef struct dp_frame {
  char *name;                  /* may be NULL for anonymous frames */
  dp_mark mark;
  /* Any two of left/right/width, and of top/bottom/height; missing ones
   * default to the content box (horizontally) and to an automatic height
   * (vertically: the content's height, growing down from top or up from
   * bottom).  NULL when not given.  A frame placed by `start` and `end`
   * (or by neither) keeps them in `left` and `right` and is `logical`: its
   * horizontal expressions are positions from the page's start edge, so
   * it is mirrored in a right-to-left document; one placed by `left` and
   * `right` is not. */
  dp_expr *left, *right, *width;
  bool logical;
  dp_expr *top, *bottom, *height;
  dp_expr *max_height;         /* automatic heights only */
  char *flow;                  /* takes content from this flow, or NULL */
  dp_item **content;           /* else its own content */
  size_t content_count;
  dp_fit fit;
  double min_scale;            /* DP_FIT_SHRINK: smallest scale, (0, 1] */
  double max_scale;            /* DP_FIT_SHRINK: largest, [1, 4]: content
                                  that fits grows up to it */
  dp_valign valign;
  int columns;                 /* >= 1 */
  double column_gap;
  bool balance;                /* balance the columns' heights */
  char *fill;                  /* colour name or #rrggbb, or NULL */
  char *stroke;
  double stroke_width;
  double radius;
  double padding;              /* inside fill/stroke, around content */
  dp_condition condition;      /* the frame exists only when true */
  int reading;                 /* its place in the template's reading
                                  order (`reading-order`), 0 first */
} dp_frame;

typedef struct dp_page_template dp_page_template;
struct dp_page_template {
  char *name;
  dp_mark mark;
  /* The template that stands in for this one on left-hand pages (`verso:`),
   * or NULL: a booklet's even pages mirror its odd ones. */
  const dp_page_template *verso;
  dp_frame **frames;           /* drawn in this order */
  size_t frame_count;
};

typedef struct dp_sequence_step {
  dp_mark mark;
  const dp_page_template *page_template;
  char *flow;                  /* repeat until this flow is used up */
  bool pad;                    /* repeat to reach pages.multiple-of */
  int pad_max;                 /* pad: at most this many pages (`max`),
                                  or -1: as many as it takes */
  int pad_priority;            /* pad: pads of a higher `priority` add
                                  their pages first, wherever they stand */
  bool asked;                  /* pad: the layout's content asks whether
                                  it is made (`made(NAME)` of its
                                  template), so that it can carry what
                                  the page does not */
  /* flow: the range of scales the flow may be set at (`min-scale`,
   * `max-scale`; 1 and 1 by default) so that its pages and the pads
   * make up the page count with no page left nearly empty (compose.h). */
  double min_scale, max_scale;
  dp_condition condition;      /* the step happens only when true */
} dp_sequence_step;

typedef struct dp_flow {
  char *name;
  dp_mark mark;
  dp_item **items;
  size_t count;
} dp_flow;

typedef struct dp_named_colour {
  char *name;
  dp_template *value;          /* expands to #rrggbb for a document */
  dp_mark mark;
} dp_named_colour;

/* A named font (`fonts: {text: Noto Serif}`): styles say `family: text`,
 * and a house file may give the name another family. */
typedef struct dp_named_font {
  char *name;
  char *family;                /* a fontconfig family list */
  dp_mark mark;                /* the family's, for an unknown family */
} dp_named_font;

/* A folder of fonts a layout adds (`font-folders:`). */
typedef struct dp_font_folder {
  char *path;                  /* absolute */
  dp_mark mark;
} dp_font_folder;

typedef enum dp_imposition { DP_IMPOSE_NONE, DP_IMPOSE_SADDLE_STITCH } dp_imposition;

typedef struct dp_layout_model {
  char *name;
  char *description;
  char *path;                  /* the file, or the built-in name */
  dp_mark mark;
  double page_width, page_height;   /* trim size, points */
  double margin_top, margin_bottom, margin_inside, margin_outside;
  double bleed;
  int pages_multiple;          /* 1: no padding */
  int pages_max;               /* 0: DP_MAX_PAGES */
  dp_imposition impose;
  bool outline;
  bool marks;                  /* crop marks (print hand-off) */
  bool press;                  /* press output by default: the bleed */
  bool pdfa;                   /* PDF/A-2b by default */
  bool pure_black;             /* press output: RGB black and greys
                                  as one ink (default true) */
  const char *hyphenation_off; /* languages never hyphenated: their tags
                                  separated by spaces, interned; NULL:
                                  none (`hyphenation: {off: ...}`) */
  bool unhyphenated_ragged;    /* justified text in a language that is
                                  not hyphenated (off, or without
                                  patterns) is set ragged */
  struct dp_press_profile *press_profile; /* press output's printing
                                  condition (press-profile.h); NULL: the
                                  build's */
  char *compose_key;           /* what the pages depend on: a digest of
                                  the text of the layout that defines
                                  them, and `outline`; layouts with equal
                                  keys compose equal pages (imposition,
                                  marks and creep come later) */
  double creep;                /* saddle stitch: how far the innermost
                                  sheet's pages move towards the spine
                                  (points); sheets between in proportion */
  bool preflight;              /* print preflight with every render */
  double preflight_min_text_size; /* points; text below it is reported */
  double min_text_size;        /* points, or 0: no text is set smaller
                                  (a frame shrinks no further; a style
                                  smaller is an error) */
  dp_style **styles;
  size_t style_count;
  dp_named_colour *colours;
  size_t colour_count;
  dp_named_font *fonts;
  size_t font_count;
  dp_font_folder *font_folders;
  size_t font_folder_count;
  char **files;                /* the files it was read from: itself, the
                                  layouts it extends, its images
                                  (NULL-terminated) */
  size_t file_count;
  dp_page_template **templates;
  size_t template_count;
  dp_flow **flows;
  size_t flow_count;
  dp_sequence_step *sequence;
  size_t sequence_count;
} dp_layout_model;

/* No render may produce more pages than this: a summary that would take
 * 5,000 pages is an error, not a 50 MB PDF. */
#define DP_MAX_PAGES 500

/* Names of the built-in layouts, NULL-terminated. */
extern const char *const dp_builtin_layouts[];

/* Reads a layout: `name_or_path` is a built-in name (layouts/NAME.yaml in
 * the data folder) or a path to a file.  Returns NULL after reporting.
 * Free with dp_layout_model_free(). */
dp_layout_model *dp_layout_model_load(dp_diag *diag,
                                      const dp_settings *settings,
                                      const char *name_or_path);

/* The same from memory; `name` stands for the file in diagnostics.  A
 * layout file it extends is looked for in the root of `settings`, else
 * in the current folder. */
dp_layout_model *dp_layout_model_load_data(dp_diag *diag,
                                           const dp_settings *settings,
                                           const char *name,
                                           const char *text, size_t length);

void dp_layout_model_free(dp_layout_model *layout);

/* (transfer none) Lookups by name; NULL when absent. */
const dp_style *dp_layout_model_get_style(const dp_layout_model *layout,
                                          const char *name);
const dp_frame *dp_page_template_get_frame(const dp_page_template *tmpl,
                                           const char *name);

#endif
