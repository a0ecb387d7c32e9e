/* compose-fit: frame edges evaluated on a page, and a frame's content
 * packed into its columns at the scale that fits (shrinking and growing).
 */
#include "compose.h"

#include <math.h>

#include "compose-private.h"

/* Bisection steps when shrinking a frame: 2^-8 of the scale range is
 * finer than a reader can tell.  The scales tried lie on a grid of
 * SHRINK_GRID steps between min-scale and 1 (see shrink_search). */
#define SHRINK_STEPS 8
#define SHRINK_GRID (1 << SHRINK_STEPS)

/* ---- Frames -------------------------------------------------------- */

rect compose_builtin_frame(page_ctx *pc, const char *name, bool *found) {
  const dp_layout_model *l = pc->c->layout;
  bool verso = pc->page->verso;
  *found = true;
  if (!strcmp(name, "page")) return (rect){0, 0, l->page_width, l->page_height};
  if (!strcmp(name, "bleed"))
    return (rect){-l->bleed, -l->bleed, l->page_width + 2 * l->bleed,
                  l->page_height + 2 * l->bleed};
  if (!strcmp(name, "content")) {
    /* The inside margin is at the spine: a right-to-left booklet is bound
     * on the right, so its right-hand pages have the spine on the right. */
    bool spine_left = verso == pc->c->rtl;
    double left = spine_left ? l->margin_inside : l->margin_outside;
    double right = spine_left ? l->margin_outside : l->margin_inside;
    return (rect){left, l->margin_top, l->page_width - left - right,
                  l->page_height - l->margin_top - l->margin_bottom};
  }
  *found = false;
  return (rect){0, 0, 0, 0};
}

/* dp_expr_eval's frames: built-in ones, or the template's, resolved
 * first (an absent frame, its `if` not holding, takes no room). */
static bool frame_rect(void *closure, const char *name, dp_mark mark,
                       dp_rect *out) {
  page_ctx *pc = closure;
  bool found;
  rect r = compose_builtin_frame(pc, name, &found);
  if (!found) {
    size_t j;
    for (j = 0; j < pc->tmpl->frame_count; j++)
      if (pc->tmpl->frames[j]->name && !strcmp(pc->tmpl->frames[j]->name, name))
        break;
    if (j == pc->tmpl->frame_count) {
      dp_error(pc->c->diag, mark, "no frame named '%s'", name);
      return false;
    }
    if (!compose_resolve_frame(pc, j)) return false;
    r = pc->boxes[j];
  }
  *out = (dp_rect){r.x, r.y, r.w, r.h};
  return true;
}

bool compose_eval_expr(page_ctx *pc, const dp_expr *e, bool logical,
                       double *out) {
  const dp_layout_model *l = pc->c->layout;
  if (!dp_expr_eval(e, l->page_width, l->page_height, pc->c->rtl, logical,
                    frame_rect, pc, out))
    return false;
  /* Every term is bounded, but frames chained through factors multiply:
   * an edge far off the page (or infinite) would reach Pango and Cairo
   * as numbers they cannot hold, and the frame's text would vanish. */
  if (!isfinite(*out) || fabs(*out) > DP_MAX_EDGE) {
    dp_error(pc->c->diag, e->mark, "this edge comes to %g pt, beyond "
             "%g pt from the page's corner (frames that multiply each "
             "other's edges?)", *out, DP_MAX_EDGE);
    pc->c->failed = true;
    return false;
  }
  return true;
}

bool compose_frame_uses_folio(dp_item *const *items, size_t count) {
  for (size_t i = 0; i < count; i++) {
    const dp_item *item = items[i];
    for (size_t r = 0; r < item->run_count; r++)
      if (dp_template_uses_folio(item->runs[r].tmpl)) return true;
    if (compose_frame_uses_folio(item->children, item->child_count) ||
        compose_frame_uses_folio(item->head, item->head_count))
      return true;
  }
  return false;
}

/* Where packing `columns` columns, `width` wide and `height` tall, from
 * `cur` ends (measuring only); *page_break tells whether a page break was
 * met. */
static cursor measure_columns(const packer *pk, cursor cur, int columns,
                              double width, double height, bool *page_break) {
  packer m = *pk;
  m.page = NULL;
  m.page_break = false;
  for (int k = 0; k < columns && cur.unit < m.units->len && !m.page_break; k++) {
    column col = {0, 0, width, height};
    compose_pack_column(&m, &cur, &col);
  }
  *page_break = m.page_break;
  return cur;
}

/* The shortest column height, at most `limit`, at which `columns` columns
 * take from `start` all that columns `limit` tall take. */
static double shortest_height(const packer *pk, cursor start, int columns,
                              double width, double limit) {
  bool full_break, brk;
  cursor full = measure_columns(pk, start, columns, width, limit, &full_break);
  double lo = 0, hi = limit;
  for (int step = 0; step < 14; step++) {
    double mid = (lo + hi) / 2;
    cursor end = measure_columns(pk, start, columns, width, mid, &brk);
    if (end.unit == full.unit && end.line == full.line && brk == full_break)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

/* Packs units from `*cur` into `columns` columns of `inner`, `gap` apart,
 * at most `height` tall; returns the tallest column's height.  Balanced
 * columns are each as short as the rest allows: the shortest height at
 * which the columns left take what is left, column after column, so that
 * they end level, the first ones at most a line longer. */
double compose_pack_columns(packer *pk, cursor *cur, rect inner, int columns,
                    double gap, double height, bool balance) {
  double width = (inner.w - gap * (columns - 1)) / columns;
  double used = 0;
  for (int k = 0; k < columns && cur->unit < pk->units->len; k++) {
    double h = height;
    if (balance) h = shortest_height(pk, *cur, columns - k, width, height);
    /* The first column at the start: on the right in a right-to-left
     * document. */
    int at = pk->c->rtl ? columns - 1 - k : k;
    column col = {inner.x + at * (width + gap), inner.y, width, h};
    double y = compose_pack_column(pk, cur, &col);
    used = MAX(used, y);
    if (pk->page_break) break;
  }
  return used;
}

/* Packs `units` into a frame's columns at `scale`; returns whether all
 * fitted, and the tallest column's height.  Emits when pk->page is set. */
bool compose_pack_frame(packer *pk, const dp_frame *f, rect inner,
                double col_height, double *used) {
  cursor cur = {0, 0};
  int columns = MAX(1, f->columns);
  /* Columns balance when asked, and in a frame of automatic height
   * without a max-height (nothing else tells how tall they are). */
  bool automatic = !f->height && !(f->top && f->bottom) && !f->flow &&
                   !f->max_height;
  *used =
      compose_pack_columns(pk, &cur, inner, columns, f->column_gap, col_height,
                           columns > 1 && (f->balance || automatic));
  /* Trailing group ends, spaces and breaks leave nothing to draw. */
  while (cur.unit < pk->units->len) {
    unit *u = &g_array_index(pk->units, unit, cur.unit);
    if (u->kind != UNIT_GROUP_END && u->kind != UNIT_SPACE &&
        u->kind != UNIT_BREAK)
      break;
    cur.unit++;
  }
  return cur.unit >= pk->units->len;
}

/* ---- Shrinking ------------------------------------------------------
 *
 * A frame that may shrink takes the largest scale of a grid between its
 * min-scale and 1 at which its content fits: what bisection over
 * SHRINK_STEPS halvings finds when fitting grows monotonically with the
 * scale.  Bisection sets the content at eight scales; setting text is
 * what costs, so the search guesses instead.  The content's natural
 * height (in one column of unbounded height) grows with the scale as a
 * power between about 1 (lines that do not reflow) and 2 (text that
 * does: lines get taller and hold fewer words); through the last two
 * trials (at first scale 1 alone, with 1.5) a power law predicts the
 * scale at which the content is as tall as the frame.  The grid point
 * above the prediction is tried first, expecting it not to fit, then the
 * one below, expecting it to: that usually settles the answer in three or
 * four settings of the text instead of ten, the last of them at the
 * answer, which composition then keeps.  When two guesses in a row do not
 * halve the bracket a bisection step is taken, so the search never takes
 * much longer than bisection would. */

/* The scales a search ranges over: [min-scale, 1] when shrinking,
 * [1, max-scale] when growing. */
typedef struct scale_range {
  double low, high;
} scale_range;

/* The scale of grid point `k` (0: `low`, SHRINK_GRID: `high`), computed
 * as bisection computes it, the midpoint of its bracket [k - h, k + h] for
 * h the lowest set bit of k: a scale is the same number however the
 * search reaches it. */
static double grid_scale(scale_range r, int k) {
  if (k <= 0) return r.low;
  if (k >= SHRINK_GRID) return r.high;
  int half = k & -k;
  return (grid_scale(r, k - half) + grid_scale(r, k + half)) / 2;
}

/* How tall the units are in one column of the frame's column width and
 * unbounded height, divided among the frame's columns (measuring only).
 * Stops, returning more than `cap`, once they are taller than `cap`. */
static double natural_height(const packer *pk, const dp_frame *f,
                             rect inner, double cap) {
  int columns = MAX(1, f->columns);
  double width = (inner.w - f->column_gap * (columns - 1)) / columns;
  packer m = *pk;
  m.page = NULL;
  cursor cur = {0, 0};
  double total = 0;
  while (cur.unit < m.units->len) {
    cursor before = cur;
    /* Columns of the cap's height: the measure can stop after any. */
    column col = {inner.x, inner.y, width,
                  isfinite(cap) ? (cap + 1) * columns : UNBOUNDED};
    m.page_break = false;
    total +=
        compose_pack_column(&m, &cur, &col); /* a break ends a column early */
    if (cur.unit == before.unit && cur.line == before.line) break;
    if (total / columns > cap) return total / columns;
  }
  /* Trailing spaces and the last paragraph's space after may hang below
   * a frame whose content fits. */
  for (size_t i = m.units->len; i-- > 0;) {
    const unit *u = &g_array_index(m.units, unit, i);
    if (u->kind == UNIT_GROUP_BEGIN || u->kind == UNIT_GROUP_END ||
        u->kind == UNIT_BREAK)
      continue;
    if (u->kind == UNIT_SPACE) {
      total -= compose_unit_height(u, m.scale);
      continue;
    }
    if (u->kind == UNIT_PARA && u->para)
      total -= dp_para_get_space_after(u->para);
    break;
  }
  return total / columns;
}

/* A scale tried, and how tall the content was at it. */
typedef struct shrink_trial {
  double scale, natural;
} shrink_trial;

/* Packs at grid point `k`; records the trial. */
static bool shrink_try(packer *pk, const dp_frame *f, rect inner,
                       double limit, scale_range r, int k, double *used,
                       shrink_trial *trial) {
  pk->scale = grid_scale(r, k);
  pk->page_break = false;
  bool fits = compose_pack_frame(pk, f, inner, limit, used);
  *trial = (shrink_trial){pk->scale, natural_height(pk, f, inner, INFINITY)};
  if (g_getenv("DISPUTAS_DEBUG"))
    g_printerr("fit %s scale %.3f limit %.1f used %.1f natural %.1f: %s\n",
               f->name, pk->scale, limit, *used, trial->natural,
               fits ? "fits" : "overflows");
  return fits;
}

/* Where on the grid (a real number) the content is predicted to be
 * `limit` tall, from the trial `last` and the one before it (`older`, may
 * be NULL): a power law through both, or with a power of 1.5 (between
 * text that reflows and lines that do not) through `last` alone. */
static double shrink_guess(scale_range r, double limit,
                           const shrink_trial *last,
                           const shrink_trial *older) {
  double power = 1.5;
  if (older && older->natural > 0 && last->natural > 0 &&
      older->natural != last->natural && older->scale != last->scale) {
    power = log(last->natural / older->natural) /
            log(last->scale / older->scale);
    power = CLAMP(power, 0.5, 4.0);
  }
  double scale = last->natural > 0
                     ? last->scale * pow(limit / last->natural, 1 / power)
                     : r.high;
  return (scale - r.low) / (r.high - r.low) * SHRINK_GRID;
}

/* The grid point of the largest scale of `r` at which the content fits,
 * after packing at r.high did not fit (`at_one` is that trial); -1 when
 * not even r.low fits.  On success the units are set at that scale and
 * *used is their height there. */
static int shrink_search(packer *pk, const dp_frame *f, rect inner,
                         double limit, scale_range r,
                         const shrink_trial *at_one, double *used) {
  int lo = 0, hi = SHRINK_GRID;   /* !fits(hi); fits(lo) once `fitted` */
  shrink_trial last = *at_one, older = {0};
  bool fitted = false, have_older = false;
  int last_k = SHRINK_GRID;       /* the units are set at this point */
  double lo_used = 0;
  /* Bracket widths before the last two trials. */
  int width[2] = {2 * SHRINK_GRID, 2 * SHRINK_GRID};
  while (hi - lo > 1) {
    int k;
    if (2 * (hi - lo) > width[1]) {
      /* Two guesses did not halve the bracket: bisect. */
      k = (lo + hi) / 2;
    } else {
      double e = shrink_guess(r, limit, &last, have_older ? &older : NULL);
      int below = (int)floor(CLAMP(e, -1.0, (double)SHRINK_GRID));
      /* The point above the guess first: when it does not fit and the
       * one below does, the last setting is the answer's. */
      k = below + 1 < hi && below + 1 > lo ? below + 1
                                            : CLAMP(below, lo + 1, hi - 1);
    }
    width[1] = width[0];
    width[0] = hi - lo;
    double u;
    older = last;
    have_older = true;
    last_k = k;
    if (shrink_try(pk, f, inner, limit, r, k, &u, &last)) {
      lo = k;
      fitted = true;
      lo_used = u;
    } else {
      hi = k;
    }
  }
  if (!fitted) {
    /* Nothing above min-scale fits: does min-scale? */
    shrink_trial t;
    if (!shrink_try(pk, f, inner, limit, r, 0, &lo_used, &t)) return -1;
    last_k = 0;
  }
  if (last_k != lo) {
    /* Set the units at the answer again (composition draws them so). */
    pk->scale = grid_scale(r, lo);
    pk->page_break = false;
    compose_pack_frame(pk, f, inner, limit, &lo_used);
  }
  *used = lo_used;
  return lo;
}

/* After the content fitted at scale 1: the largest scale up to the
 * frame's max-scale at which it still fits.  Tries max-scale first (sparse
 * content takes it at once), then searches between 1 and it as shrinking
 * does.  Sets *scale and *used; false only if scale 1 no longer fits. */
static bool grow_frame(packer *pk, const dp_frame *f, rect inner,
                       double limit, double *scale, double *used) {
  scale_range r = {1.0, f->max_scale};
  shrink_trial at_max;
  if (shrink_try(pk, f, inner, limit, r, SHRINK_GRID, used, &at_max)) {
    *scale = f->max_scale;
    return true;
  }
  int k = shrink_search(pk, f, inner, limit, r, &at_max, used);
  if (k < 0) return false;
  *scale = grid_scale(r, k);
  return true;
}

/* Composes a content frame's units at the largest scale that fits
 * `limit` (a column height), within the frame's bounds.  Sets *scale and
 * *used; false (after reporting) when nothing fits. */
/* The smallest scale a frame's units may take: its min-scale, or more when
 * the layout sets no text below min-text-size. */
static double scale_floor(const composer *c, const dp_frame *f,
                          GArray *units) {
  double floor_ = f->min_scale, min_text = c->layout->min_text_size;
  for (guint i = 0; min_text > 0 && i < units->len; i++) {
    const unit *u = &g_array_index(units, unit, i);
    if (u->kind == UNIT_PARA && u->style && u->style->size > 0)
      floor_ = MAX(floor_, min_text / u->style->size);
  }
  return MIN(floor_, 1.0);
}

/* compose_fit_frame once, down to `min_scale`; false when the content
 * does not fit. */
static bool fit_once(page_ctx *pc, const dp_frame *f, GArray *units,
                     rect inner, double limit, double min_scale,
                     double *scale, double *used, double *col_height) {
  *col_height = limit;
  packer pk = {pc->c, units, 1.0, NULL, pc->index, false, f, 0, 0, false};
  bool balance = f->columns > 1 && (f->balance || limit >= UNBOUNDED);
  bool automatic = !f->height && !(f->top && f->bottom) && !f->flow;
  if (compose_pack_frame(&pk, f, inner, limit, used)) {
    *scale = 1.0;
    /* Content that fits grows, when the layout lets it, up to a height
     * that is known (not into an unbounded automatic height). */
    if (f->fit == DP_FIT_SHRINK && f->max_scale > 1 && limit < UNBOUNDED &&
        !(automatic && pc->no_grow) &&
        !grow_frame(&pk, f, inner, limit, scale, used))
      return false;
    if (automatic && *scale > 1) pc->grew = true;
  } else if (pc->trying && pc->grew) {
    /* It would shrink or not fit: the first try is over (page_ctx). */
    pc->shrank = true;
    return false;
  } else if (f->fit == DP_FIT_SHRINK && min_scale < 1) {
    /* Set at scale s, content is at least s² as tall (text: lines s
     * times as tall, holding 1/s times as many words; the rest shrinks
     * by s or not at all); half that, for line breaks that fall better.
     * Content far too tall for min-scale (a 3 MB lead on the poster took
     * 30 s to search) fails after measuring that much of it. */
    double hopeless = 2 * limit / (min_scale * min_scale);
    shrink_trial at_one = {1.0, natural_height(&pk, f, inner, hopeless)};
    if (at_one.natural > hopeless) {
      pc->hopeless = true;
      return false;
    }
    scale_range r = {min_scale, 1.0};
    int k = shrink_search(&pk, f, inner, limit, r, &at_one, used);
    if (k < 0) return false;
    *scale = grid_scale(r, k);
    pc->shrank = true;
  } else {
    return false;
  }
  if (pc->trying && pc->grew && pc->shrank) return false;
  if (balance) {
    /* The shortest column height that still takes everything. */
    double lo = 0, hi = MIN(limit, *used);
    pk.scale = *scale;
    pk.page_break = false;
    if (compose_pack_frame(&pk, f, inner, hi, used)) {
      for (int step = 0; step < 12; step++) {
        double mid = (lo + hi) / 2;
        pk.page_break = false;
        if (compose_pack_frame(&pk, f, inner, mid, used)) hi = mid;
        else lo = mid;
      }
      pk.page_break = false;
      compose_pack_frame(&pk, f, inner, hi, used);
      *col_height = hi;
    }
  }
  pk.scale = *scale;
  return true;
}

/* The document's text from which a frame's units do not fit at `scale`:
 * the origin of the first unit packing leaves over, or of the last one
 * before it that has one; file NULL when the content shows no document
 * text. */
static dp_mark unplaced_origin(page_ctx *pc, const dp_frame *f,
                               GArray *units, rect inner, double limit,
                               double scale) {
  packer pk = {pc->c, units, scale, NULL, pc->index, false, f, 0, 0, false};
  cursor cur = {0, 0};
  compose_pack_columns(&pk, &cur, inner, MAX(1, f->columns), f->column_gap,
                       limit, false);
  for (guint i = cur.unit; i < units->len; i++)
    if (g_array_index(units, unit, i).origin.file)
      return g_array_index(units, unit, i).origin;
  for (guint i = MIN(cur.unit, units->len); i-- > 0;)
    if (g_array_index(units, unit, i).origin.file)
      return g_array_index(units, unit, i).origin;
  return (dp_mark){0};
}

bool compose_fit_frame(page_ctx *pc, const dp_frame *f, GArray *units,
               rect inner, double limit, double *scale, double *used,
               double *col_height) {
  double min_scale = scale_floor(pc->c, f, units);
  pc->hopeless = false;
  /* Optional content is left out, lowest priority first, until the rest
   * fits. */
  do {
    if (fit_once(pc, f, units, inner, limit, min_scale, scale, used,
                 col_height))
      return true;
    if (pc->trying && pc->grew && pc->shrank) break;
    pc->shrank = true; /* leaving out counts as shrinking */
    if (pc->trying && pc->grew) break;
  } while (f->fit == DP_FIT_SHRINK && pc->left_out &&
           compose_leave_out(units, pc->left_out));
  if (pc->quiet) {
    pc->unfit = true;
    return false;
  }
  char *why;
  if (f->fit == DP_FIT_SHRINK && min_scale > f->min_scale)
    why = g_strdup_printf("does not fit, even at %.0f%% of its size (its "
                          "smallest text at the layout's min-text-size, "
                          "%gpt)", min_scale * 100,
                          pc->c->layout->min_text_size);
  else if (f->fit == DP_FIT_SHRINK)
    why = g_strdup_printf("does not fit, even at %.0f%% of its size",
                          f->min_scale * 100);
  else
    why = g_strdup("does not fit (the layout does not let it shrink: fit: "
                   "shrink)");
  const char *name = f->name ? f->name : "(unnamed)";
  /* Where it stops fitting at its smallest, or at full size when setting
   * it all that small would take long (its paragraphs are set at 1). */
  dp_mark origin = unplaced_origin(
      pc, f, units, inner, limit,
      f->fit == DP_FIT_SHRINK && !pc->hopeless ? min_scale : 1.0);
  if (origin.file) {
    /* The user's text first: that is what they can change. */
    dp_error(pc->c->diag, origin,
             "the %s has no room for this: it is where the content of its "
             "frame '%s' %s; shorten it, or make the other products alone",
             pc->c->layout->name ? pc->c->layout->name : "layout", name, why);
    dp_diag_report(pc->c->diag, DP_SEVERITY_NOTE, f->mark,
                   "the frame '%s' of the layout", name);
  } else {
    dp_error(pc->c->diag, f->mark, "the content of frame '%s' %s", name, why);
  }
  g_free(why);
  pc->c->failed = true;
  return false;
}

