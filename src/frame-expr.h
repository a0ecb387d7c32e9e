/* frame-expr: the frame-edge expressions of layouts ("bottom(title) +
 * 6mm", "50%pw - 3mm"): parsing, the check for frames that depend on
 * themselves, and evaluation.  The grammar opens frame-expr.c.
 *
 * Parsing reports through a binder (bind.h) at the character that went
 * wrong; evaluation asks its caller for the rectangles of the frames an
 * expression names, since only composition knows them.
 */
#ifndef DP_FRAME_EXPR_H
#define DP_FRAME_EXPR_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "bind.h"
#include "diag.h"

typedef enum dp_edge {
  DP_EDGE_LEFT,
  DP_EDGE_RIGHT,
  DP_EDGE_TOP,
  DP_EDGE_BOTTOM,
  DP_EDGE_WIDTH,
  DP_EDGE_HEIGHT,
  DP_EDGE_START,         /* left, or right in a right-to-left document */
  DP_EDGE_END
} dp_edge;

typedef enum dp_term_kind {
  DP_TERM_POINTS,        /* an absolute length, in points */
  DP_TERM_PAGE_WIDTH,    /* coef × page (trim) width: "50%pw", or "%" on
                            a horizontal key */
  DP_TERM_PAGE_HEIGHT,   /* "%ph", or "%" on a vertical key */
  DP_TERM_FRAME          /* coef × edge of a named frame: "bottom(title)";
                            built-in frames: page (trim box), content
                            (inside the margins), bleed */
} dp_term_kind;

typedef struct dp_term {
  dp_term_kind kind;
  double coef;           /* points, fraction, or ±1 for frame edges */
  char *frame;           /* DP_TERM_FRAME */
  dp_edge edge;          /* DP_TERM_FRAME */
} dp_term;

/* A sum of terms: "bottom(title) + 6mm", "50% - 3mm". */
typedef struct dp_expr {
  dp_term *terms;
  size_t count;
  dp_mark mark;
} dp_expr;

/* The frames every page has, NULL-terminated: "page", "content", "bleed". */
extern const char *const dp_builtin_frames[];

/* An EDGE(FRAME) term of a frame's key, kept for dp_frame_refs_check(). */
typedef struct dp_frame_ref {
  size_t from;                /* node: frame index × 2 + axis */
  const char *name;           /* the term's frame name (owned by the term) */
  dp_edge edge;
  dp_mark mark;
  size_t order;               /* for a stable sort */
} dp_frame_ref;

/* Parses the expression of frame key `key` (vertical when `vertical`).
 * EDGE(FRAME) terms are added to `refs` (of dp_frame_ref) with node
 * `from`, the frame's index × 2 + `vertical`.  Returns NULL after
 * reporting. */
dp_expr *dp_expr_parse(dp_binder *b, const dp_ynode *node, const char *key,
                       bool vertical, size_t from, GArray *refs);
void dp_expr_free(dp_expr *e);

/* Checks the `refs` of a page template's `n` frames (`frame_names`, NULL
 * for unnamed ones): every frame named exists, and no frame's placement
 * depends on itself.  Nodes of the graph are (frame, axis): a horizontal
 * key of `a` referring to top(b) makes a's horizontal placement depend on
 * b's vertical one.  So `left: left(b)` in `a` and `top: bottom(a)` in `b`
 * is fine; `top: bottom(b)` in `a` and `top: bottom(a)` in `b` is a cycle,
 * reported once. */
void dp_frame_refs_check(dp_binder *b, const char *template_name,
                         const char *const *frame_names, size_t n,
                         GArray *refs);

/* A frame's rectangle, in points from the trim box's top-left corner. */
typedef struct dp_rect {
  double x, y, w, h;
} dp_rect;

/* Gives the rectangle of the frame named `frame` (a built-in one or one
 * of the page's template), or reports at `mark` and returns false. */
typedef bool (*dp_frame_rect_func)(void *closure, const char *frame,
                                   dp_mark mark, dp_rect *out);

/* The value of `e` on a page of `page_width` × `page_height`.  False when
 * `frame_rect` failed.
 *
 * `rtl`: the document reads right to left, so start(F) is F's right edge
 * and end(F) its left.  `logical`: the expression is a position along the
 * line (a frame's `start` or `end`, or the `width` of such a frame),
 * measured from the page's start edge: from its right in a right-to-left
 * document, where every position term (left, right, start, end) is read
 * as its distance from the right edge.  Widths and lengths are the same
 * in both. */
bool dp_expr_eval(const dp_expr *e, double page_width, double page_height,
                  bool rtl, bool logical, dp_frame_rect_func frame_rect,
                  void *closure, double *out);

#endif
