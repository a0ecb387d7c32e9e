/* compose-private: what the files of the composer share (compose.c makes
 * pages from frames and flows, compose-units.c expands items into units,
 * compose-pack.c sets units and packs them into columns, compose-fit.c
 * resolves frames and fits their content).  Not for other modules:
 * compose.h is the interface.
 */
#ifndef DP_COMPOSE_PRIVATE_H
#define DP_COMPOSE_PRIVATE_H

#include <glib.h>

#include "compose.h"
#include "label-tables.h"
#include "template.h"

/* An automatic-height frame with no max-height is packed in a column this
 * tall: effectively unbounded. */
#define UNBOUNDED 1e7

typedef enum unit_kind {
  UNIT_PARA,
  UNIT_SPACE,
  UNIT_RULE,
  UNIT_QR,
  UNIT_IMAGE,
  UNIT_BREAK,
  UNIT_GROUP_BEGIN,
  UNIT_GROUP_END
} unit_kind;

typedef struct unit {
  unit_kind kind;
  dp_mark mark;
  /* PARA */
  char *text;
  size_t length;
  dp_span *spans;
  size_t span_count;
  const dp_style *style;   /* resolved, owned by the composer */
  /* Text aligned inside or outside in a flow: the styles for a right-hand
   * and a left-hand page, chosen when the page is known; else NULL. */
  const dp_style *style_recto, *style_verso;
  char *marker;
  bool keep_with_next;
  int outline_level;       /* bookmark level: Markdown headings, and
                              paragraphs of styles with outline-level */
  dp_role role;            /* in a tagged PDF (compose.h) */
  dp_mark source;          /* IMAGE: the document's field */
  dp_text_field *fields;   /* PARA: the document's fields in the text */
  size_t field_count;
  bool missing_told;       /* PARA: glyphs no font has were reported */
  dp_mark origin;          /* the document's text it shows first (a
                              field, a Markdown block, a list entry), for
                              messages; file NULL: none */
  dp_para *para;           /* set at `para_width`, `para_scale` */
  bool para_drawn;         /* a draw points to `para`: the store owns it */
  double para_width, para_scale;
  /* SPACE (height), RULE (thickness), QR and IMAGE sizes */
  double height, width;
  double fraction;         /* RULE: `length: N%`, of the column's width */
  dp_halign align;
  dp_colour colour;
  dp_qr *qr;
  char *image_path;
  bool cover;
  char *alt;
  char *lang;              /* PARA: its language when the layout gives
                              one (`lang`), else NULL: the document's */
  dp_break_kind break_kind;
  /* Content of an optional item (layout.h): its priority, and the item
   * (for the warning when it is left out); the first unit of each
   * expansion holds what shows instead (units, or NULL). */
  int optional;
  const dp_item *optional_item;
  GArray *instead;
} unit;

typedef struct cursor {
  size_t unit;
  int line;
} cursor;

/* What a page set owns besides its pages: everything draws point to. */
typedef struct store {
  GPtrArray *paras;       /* dp_para */
  GPtrArray *qrs;         /* dp_qr */
  GPtrArray *strings;
  GHashTable *styles;     /* key -> dp_style*: resolved copies */
} store;

typedef struct composer {
  dp_diag *diag;
  const dp_settings *settings; /* limits; may be NULL */
  dp_text *text;
  const dp_document *doc;
  const dp_layout_model *layout;
  dp_labels *labels;
  const char *lang;
  dp_mark lang_mark;      /* where the document gives its `lang` */
  bool rtl;               /* the document reads right to left */
  GHashTable *colours;    /* colour name -> dp_colour* */
  dp_pageset *set;
  struct store *store;    /* what the page set keeps */
  GArray *outline;        /* dp_outline_entry */
  bool failed;
  int spare;              /* spare breaks taken (layout.h): 0 none, 1
                             after a third of the column, 2 all */
  bool too_long;          /* a text over DP_MAX_PARAGRAPH was reported */
  /* Bounds on expansion (compose.h), whatever the nesting of `each`. */
  size_t items_expanded, paragraphs;
  bool too_many;          /* one of them was reported */
  GHashTable *told;       /* warnings given (a field shown twice is told
                             of once) */
  /* The plan's guess (dp_compose): the steps asked of (`made(NAME)`:
   * layout.h) that may make their pages, a bit each by step (the first
   * 64 steps), and the names of their templates, NULL-terminated. */
  guint64 guess;
  const char **made;
} composer;


/* Whether the composition must stop (cancelled, or past its deadline:
 * cancel.h); it then fails, with nothing reported (the API layer says
 * why). */
static inline bool compose_stopped(composer *c) {
  if (!dp_settings_stop(c->settings)) return false;
  c->failed = true;
  dp_diag_set_muted(c->diag, true); /* until dp_compose() returns */
  return true;
}

typedef struct column {
  double x, y, width, height;
} column;

typedef struct packer {
  composer *c;
  GArray *units;
  double scale;
  dp_page *page;       /* NULL: measure only */
  int page_index;
  bool page_break;     /* a page break was met */
  const dp_frame *frame; /* the frame packed into, or NULL */
  double spread;       /* valign: spread: added at each block boundary */
  int depth;           /* groups open, when spreading */
  bool hard_break;     /* the page break met was a `break: page` */
} packer;


typedef struct rect {
  double x, y, w, h;
} rect;

typedef enum { FRAME_UNRESOLVED, FRAME_RESOLVING, FRAME_RESOLVED } frame_state;

typedef struct page_ctx {
  composer *c;
  const dp_page_template *tmpl;
  int index;            /* 0-based page number */
  dp_page *page;
  rect *boxes;
  frame_state *state;
  bool *present;        /* frame's condition holds */
  double *scales;
  double *col_heights;  /* column height the content was fitted to */
  GArray **content;     /* units of content frames, kept for emitting */
  /* Frames of automatic height grow (max-scale) only while the others
   * need not shrink: a first try lets them, quietly; when another frame
   * then shrinks or does not fit, the page is fitted again without. */
  bool no_grow;
  bool quiet;           /* a frame that does not fit sets `unfit`, silently */
  bool unfit;
  /* The first try (growing) ends as soon as it has grown a frame of
   * automatic height and shrunk one or left something out: the page is
   * then fitted again without growing whatever the other frames do, so
   * fitting them would be wasted.  `trying` is set during that try. */
  bool trying, grew, shrank;
  bool hopeless;        /* the last content fitted was far too tall to
                           set at its smallest scale (compose-fit.c) */
  GPtrArray *left_out;  /* optional items left out in this fitting of the
                           page (left_out_entry, an item once): warned of
                           when the page is made */
} page_ctx;


/* compose-units.c */

dp_scope compose_root_scope(composer *c);

/* Expands the layout's colours for this document once. */
void compose_resolve_colours(composer *c);

dp_colour compose_colour_named(composer *c, const char *name);

GArray *compose_units_new(void);

bool compose_condition_holds(const dp_condition *cond, const dp_scope *scope);

void compose_expand_items(composer *c, dp_item *const *items, size_t count,
                  const dp_scope *scope, GArray *units);

/* Optional content left out: the layout's item, and the document's text
 * it showed first (file NULL: none). */
typedef struct left_out_entry {
  const dp_item *item;
  dp_mark origin;
} left_out_entry;

/* Leaves out the optional content of the lowest priority in `units`,
 * putting what shows instead in its place; adds the items left out to
 * `left_out` (left_out_entry, once each).  False when there is none. */
bool compose_leave_out(GArray *units, GPtrArray *left_out);

/* compose-pack.c */

/* Height a non-paragraph unit takes, at `scale`. */
double compose_unit_height(const unit *u, double scale);

dp_draw *compose_page_add(composer *c, dp_page *page);

const char *compose_keep_string(composer *c, const char *text);

/* Packs units from `*cur` into `col`.  Returns the height used; advances
 * `*cur` past what was placed.  Stops at a frame or page break or when
 * the next unit does not fit. */
double compose_pack_column(packer *pk, cursor *cur, const column *col);

/* compose-fit.c */

rect compose_builtin_frame(page_ctx *pc, const char *name, bool *found);

/* `logical`: a horizontal expression of a frame placed by start and end
 * (dp_expr_eval). */
bool compose_eval_expr(page_ctx *pc, const dp_expr *e, bool logical,
                       double *out);

bool compose_frame_uses_folio(dp_item *const *items, size_t count);

/* Packs units from `*cur` into `columns` columns of `inner`, `gap` apart,
 * at most `height` tall; returns the tallest column's height.  Balanced
 * columns are each as short as the rest allows: the shortest height at
 * which the columns left take what is left, column after column, so that
 * they end level, the first ones at most a line longer. */
double compose_pack_columns(packer *pk, cursor *cur, rect inner, int columns,
                    double gap, double height, bool balance);

/* Packs `units` into a frame's columns at `scale`; returns whether all
 * fitted, and the tallest column's height.  Emits when pk->page is set. */
bool compose_pack_frame(packer *pk, const dp_frame *f, rect inner,
                double col_height, double *used);

/* Composes a content frame's units at the largest scale that fits
 * `limit` (a column height), within the frame's bounds.  Sets *scale and
 * *used; false (after reporting) when nothing fits. */
bool compose_fit_frame(page_ctx *pc, const dp_frame *f, GArray *units,
               rect inner, double limit, double *scale, double *used,
               double *col_height);

/* compose.c */

/* Resolves frame `i`'s box; content frames of automatic height are packed
 * to learn it. */
bool compose_resolve_frame(page_ctx *pc, size_t i);

#endif
