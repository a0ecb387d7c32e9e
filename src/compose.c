/* compose: see compose.h.
 *
 * How a page is made:
 *
 *  1. Items are expanded against the document into *units*: paragraphs
 *     (text with spans, a resolved style, a list marker), spaces, rules,
 *     QR codes, images, breaks, and group brackets for keep-together.
 *  2. Units are set (paragraphs become dp_para) at a column width and a
 *     scale, then packed into columns top to bottom.  Packing splits
 *     paragraphs between lines, never leaving fewer than `orphans` lines
 *     at a column foot or `widows` at the next column's head, and moves a
 *     keep-with-next unit (a heading) on with what follows it.
 *  3. Frames are resolved in dependency order: an edge may refer to
 *     another frame's edge, and a frame of automatic height is packed
 *     first to learn its height.  A frame that may shrink is packed at a
 *     scale found by bisection between its min-scale and 1.
 *  4. Flow frames take units from a named stream, frame after frame,
 *     page after page, as the layout's sequence says.  Frames whose text
 *     shows folios ({page}, {pages}) are composed last, once the page
 *     count is known.
 *
 * Step 1 is compose-units.c's, step 2 compose-pack.c's, step 3
 * compose-fit.c's and this file's (resolve_frame), step 4 this file's;
 * they share the composer, units, packer and page context through
 * compose-private.h.  Frame-edge arithmetic is frame-expr.c's; text is
 * text.c's.
 */
#include "compose.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "compose-private.h"

static rect inset(rect r, double d) {
  return (rect){r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d};
}

static void emit_background(page_ctx *pc, const dp_frame *f, rect box) {
  if (!f->fill && !f->stroke) return;
  dp_draw *d = compose_page_add(pc->c, pc->page);
  d->kind = DP_DRAW_BOX;
  d->x = box.x;
  d->y = box.y;
  d->width = box.w;
  d->height = box.h;
  d->has_fill = f->fill != NULL;
  d->fill = compose_colour_named(pc->c, f->fill);
  d->has_stroke = f->stroke != NULL;
  d->stroke = compose_colour_named(pc->c, f->stroke);
  d->stroke_width = f->stroke_width > 0 ? f->stroke_width : 0.5;
  d->radius = f->radius;
  d->mark = d->frame_mark = f->mark;
}

static dp_scope page_scope(page_ctx *pc) {
  dp_scope scope = compose_root_scope(pc->c);
  scope.page = pc->index + 1;
  return scope;
}

/* Resolves frame `i`'s box; content frames of automatic height are packed
 * to learn it. */
bool compose_resolve_frame(page_ctx *pc, size_t i) {
  if (pc->state[i] == FRAME_RESOLVED) return true;
  const dp_frame *f = pc->tmpl->frames[i];
  if (pc->state[i] == FRAME_RESOLVING) {
    dp_error(pc->c->diag, f->mark, "frame '%s' depends on itself",
             f->name ? f->name : "(unnamed)");
    pc->c->failed = true;
    return false;
  }
  pc->state[i] = FRAME_RESOLVING;
  dp_scope scope = page_scope(pc);
  pc->present[i] = compose_condition_holds(&f->condition, &scope);
  bool found;
  rect content = compose_builtin_frame(pc, "content", &found);
  /* A frame placed by start and end is placed in positions from the
   * page's start edge (its right, in a right-to-left document), then
   * turned back into the page's. */
  double page_width = pc->c->layout->page_width;
  bool mirror = f->logical && pc->c->rtl;
  double left = content.x, right = content.x + content.w, width = 0;
  if (mirror) {
    left = page_width - (content.x + content.w);
    right = page_width - content.x;
  }
  double top = content.y, bottom = content.y + content.h, height = 0;
  bool ok = true;
  if (f->left) ok &= compose_eval_expr(pc, f->left, f->logical, &left);
  if (f->right) ok &= compose_eval_expr(pc, f->right, f->logical, &right);
  if (f->width) ok &= compose_eval_expr(pc, f->width, f->logical, &width);
  if (f->top) ok &= compose_eval_expr(pc, f->top, false, &top);
  if (f->bottom) ok &= compose_eval_expr(pc, f->bottom, false, &bottom);
  if (f->height) ok &= compose_eval_expr(pc, f->height, false, &height);
  if (!ok) {
    pc->c->failed = true;
    return false;
  }
  if (f->width) {
    if (f->right && !f->left) left = right - width;
    else right = left + width;
  }
  if (mirror) {
    double start = left;
    left = page_width - right;
    right = page_width - start;
  }
  bool auto_height = !f->height && !(f->top && f->bottom) && !f->flow;
  if (f->height) {
    if (f->bottom && !f->top) top = bottom - height;
    else bottom = top + height;
  }
  rect box = {left, top, right - left, bottom - top};
  if (auto_height && pc->present[i]) {
    /* The page count is not known yet: measure "{pages}" as the widest
     * count there can be, so that the line is there (an unset placeholder
     * drops it) and the frame is tall enough when folios are set. */
    if (compose_frame_uses_folio(f->content, f->content_count))
      scope.pages = DP_MAX_PAGES;
    GArray *units = compose_units_new();
    compose_expand_items(pc->c, f->content, f->content_count, &scope, units);
    if (pc->c->too_many) { /* reported: set none of it */
      g_array_free(units, TRUE);
      return false;
    }
    double limit = UNBOUNDED;
    if (f->max_height) {
      if (!compose_eval_expr(pc, f->max_height, false, &limit)) {
        g_array_free(units, TRUE);
        return false;
      }
      limit -= 2 * f->padding;
    }
    rect inner = inset((rect){left, 0, box.w, 0}, f->padding);
    double scale, used, col_height;
    if (!compose_fit_frame(pc, f, units, inner, limit, &scale, &used,
                           &col_height)) {
      g_array_free(units, TRUE);
      pc->state[i] = FRAME_RESOLVED;
      return false;
    }
    box.h = used + 2 * f->padding;
    pc->scales[i] = scale;
    pc->col_heights[i] = col_height;
    pc->content[i] = units;
  } else if (auto_height) {
    box.h = 0;
  }
  /* An automatic height anchored at the bottom grows upwards. */
  if (auto_height && f->bottom && !f->top) box.y = bottom - box.h;
  pc->boxes[i] = box;
  pc->state[i] = FRAME_RESOLVED;
  return true;
}

/* How many block boundaries compose_pack_column() spreads at: a space or a
 * top-level group after something drawn, once per boundary. */
static int boundaries(GArray *units) {
  int n = 0, depth = 0;
  bool at_top = true, counted = false;
  for (guint i = 0; i < units->len; i++) {
    const unit *u = &g_array_index(units, unit, i);
    if (!at_top && !counted &&
        (u->kind == UNIT_SPACE || (u->kind == UNIT_GROUP_BEGIN && depth == 0))) {
      n++;
      counted = true;
    }
    if (u->kind == UNIT_GROUP_BEGIN) depth++;
    else if (u->kind == UNIT_GROUP_END) depth--;
    else if (u->kind != UNIT_SPACE && u->kind != UNIT_BREAK) {
      at_top = false;
      counted = false;
    }
  }
  /* A boundary after the last thing drawn divides nothing. */
  return counted ? n - 1 : n;
}

/* Expands and fits the content of a resolved frame of fixed height. */
static bool prefit_frame(page_ctx *pc, size_t i) {
  const dp_frame *f = pc->tmpl->frames[i];
  rect inner = inset(pc->boxes[i], f->padding);
  dp_scope scope = page_scope(pc);
  scope.pages = (int)pc->c->set->page_count;
  GArray *units = compose_units_new();
  compose_expand_items(pc->c, f->content, f->content_count, &scope, units);
  pc->content[i] = units;
  if (pc->c->too_many) return false; /* reported: set none of it */
  double used;
  return compose_fit_frame(pc, f, units, inner, inner.h, &pc->scales[i], &used,
                   &pc->col_heights[i]);
}

/* Draws a resolved content frame: background, then its units.  `units`
 * may be NULL (not yet expanded: fixed-height frames). */
static bool emit_content_frame(page_ctx *pc, size_t i) {
  const dp_frame *f = pc->tmpl->frames[i];
  rect box = pc->boxes[i];
  rect inner = inset(box, f->padding);
  if (!pc->content[i] && !prefit_frame(pc, i)) return false;
  GArray *units = pc->content[i];
  double used;
  double scale = pc->scales[i], col_height = pc->col_heights[i] + 0.02;
  packer measure = {pc->c, units, scale, NULL, pc->index, false, f, 0, 0, false};
  compose_pack_frame(&measure, f, inner, col_height, &used);
  double shift = 0, spread = 0;
  if (f->valign == DP_VALIGN_MIDDLE) shift = (inner.h - used) / 2;
  if (f->valign == DP_VALIGN_BOTTOM) shift = inner.h - used;
  if (f->valign == DP_VALIGN_SPREAD && f->columns <= 1) {
    /* A hair less than all, so the last block still fits. */
    int n = boundaries(units);
    if (n > 0 && inner.h - used > 0.5) {
      spread = (inner.h - used - 0.25) / n;
      col_height = inner.h + 0.02;
    } else if (n == 0) {
      shift = inner.h - used; /* one block: it stands on the foot */
    }
  }
  emit_background(pc, f, box);
  inner.y += MAX(0, shift);
  packer pk = {pc->c, units, scale, pc->page, pc->index, false, f, spread, 0,
               false};
  compose_pack_frame(&pk, f, inner, col_height, &used);
  pc->page->frames[i].scale = scale;
  return true;
}

/* ---- Pages and the sequence ---------------------------------------- */

typedef struct flow_state {
  const dp_flow *flow;
  GArray *units;
  cursor cur;
  double scale;       /* the flow's type is set at this scale */
  double last_fill;   /* the share of its last page's flow frames used */
  bool hard_break;    /* its last page ended at a `break: page` */
} flow_state;

static page_ctx *page_ctx_new(composer *c, const dp_page_template *tmpl) {
  page_ctx *pc = g_new0(page_ctx, 1);
  size_t n = tmpl->frame_count;
  pc->c = c;
  pc->tmpl = tmpl;
  pc->boxes = g_new0(rect, n);
  pc->state = g_new0(frame_state, n);
  pc->present = g_new0(bool, n);
  pc->scales = g_new0(double, n);
  pc->col_heights = g_new0(double, n);
  pc->content = g_new0(GArray *, n);
  pc->left_out = g_ptr_array_new_with_free_func(g_free);
  return pc;
}

static void page_ctx_free(page_ctx *pc) {
  for (size_t i = 0; i < pc->tmpl->frame_count; i++)
    if (pc->content[i]) g_array_free(pc->content[i], TRUE);
  g_free(pc->boxes);
  g_free(pc->state);
  g_free(pc->present);
  g_free(pc->scales);
  g_free(pc->col_heights);
  g_free(pc->content);
  g_ptr_array_free(pc->left_out, TRUE);
  g_free(pc);
}

static dp_page *new_page(composer *c) {
  dp_pageset *set = c->set;
  set->pages = g_renew(dp_page, set->pages, set->page_count + 1);
  dp_page *page = &set->pages[set->page_count];
  memset(page, 0, sizeof *page);
  /* Page 1 is a right-hand page; even pages are left-hand. */
  page->verso = (set->page_count + 1) % 2 == 0;
  set->page_count++;
  return page;
}

/* Keeps the template's name and its frames' rectangles in the page for
 * traces; content frames get their scale when they are emitted. */
static void record_frames(page_ctx *pc, double flow_scale) {
  const dp_page_template *tmpl = pc->tmpl;
  dp_page *page = &pc->c->set->pages[pc->index];
  page->template_name = compose_keep_string(pc->c, tmpl->name);
  page->frames = g_new0(dp_placed_frame, tmpl->frame_count);
  page->frame_count = tmpl->frame_count;
  for (size_t i = 0; i < tmpl->frame_count; i++) {
    const dp_frame *f = tmpl->frames[i];
    dp_placed_frame *r = &page->frames[i];
    r->name = compose_keep_string(pc->c, f->name);
    r->flow = compose_keep_string(pc->c, f->flow);
    r->mark = f->mark;
    r->present = pc->state[i] == FRAME_RESOLVED && pc->present[i];
    if (!r->present) continue;
    r->x = pc->boxes[i].x;
    r->y = pc->boxes[i].y;
    r->width = pc->boxes[i].w;
    r->height = pc->boxes[i].h;
    r->scale = f->flow ? (flow_scale > 0 ? flow_scale : 1.0) : pc->scales[i];
  }
}

/* Resolves every frame of a page and fits the content frames that are not
 * composed later (folios).  Automatic heights that may grow try first;
 * when that leaves another frame shrunk or unfit, all fit again with
 * automatic heights at most at scale 1. */
static bool fit_page(page_ctx *pc) {
  const dp_page_template *tmpl = pc->tmpl;
  bool may_grow = false;
  for (size_t i = 0; i < tmpl->frame_count; i++) {
    const dp_frame *f = tmpl->frames[i];
    may_grow |= f->max_scale > 1 && !f->height && !(f->top && f->bottom);
  }
  pc->no_grow = !may_grow;
  for (int pass = 0; pass < 2; pass++) {
    pc->quiet = !pc->no_grow;
    pc->trying = !pc->no_grow;
    pc->grew = pc->shrank = false;
    pc->unfit = false;
    bool ok = true, grew = false, shrank = false;
    for (size_t i = 0; i < tmpl->frame_count && ok; i++)
      ok = compose_resolve_frame(pc, i);
    for (size_t i = 0; i < tmpl->frame_count && ok; i++)
      if (pc->present[i] && !tmpl->frames[i]->flow && !pc->content[i] &&
          !compose_frame_uses_folio(tmpl->frames[i]->content,
                            tmpl->frames[i]->content_count))
        ok = prefit_frame(pc, i);
    for (size_t i = 0; i < tmpl->frame_count && ok; i++) {
      if (!pc->content[i]) continue;
      const dp_frame *f = tmpl->frames[i];
      bool automatic = !f->height && !(f->top && f->bottom);
      if (automatic && pc->scales[i] > 1) grew = true;
      if (pc->scales[i] < 1) shrank = true;
    }
    pc->quiet = pc->trying = false;
    /* Content left out to make room counts as shrinking. */
    shrank |= pc->left_out->len > 0;
    if (pc->no_grow || pc->c->failed || (ok && !(grew && shrank)) ||
        (!ok && !pc->unfit))
      return ok;
    /* Again, without growing. */
    pc->no_grow = true;
    g_ptr_array_set_size(pc->left_out, 0);
    for (size_t i = 0; i < tmpl->frame_count; i++) {
      if (pc->content[i]) g_array_free(pc->content[i], TRUE);
      pc->content[i] = NULL;
      pc->state[i] = FRAME_UNRESOLVED;
      pc->scales[i] = pc->col_heights[i] = 0;
    }
  }
  return false;
}

/* Makes one page from `tmpl`, pouring `flow` (may be NULL) into its flow
 * frames.  Content frames are composed at once, except those that show
 * folios, which wait in `deferred` until the page count is known. */
static bool make_page(composer *c, const dp_page_template *tmpl,
                      flow_state *flow, GPtrArray *deferred, bool *progress) {
  if (compose_stopped(c)) return false;
  int max = (int)dp_settings_limit(c->settings, DP_SETTINGS_PAGES);
  if (c->layout->pages_max > 0 && c->layout->pages_max < max)
    max = c->layout->pages_max;
  if ((int)c->set->page_count >= max) {
    dp_error(c->diag, tmpl->mark,
             "the layout would need more than %d pages for this document", max);
    c->failed = true;
    return false;
  }
  /* Left-hand pages (even numbers) may have a template of their own. */
  if ((c->set->page_count + 1) % 2 == 0 && tmpl->verso) tmpl = tmpl->verso;
  page_ctx *pc = page_ctx_new(c, tmpl);
  pc->index = (int)c->set->page_count;
  pc->page = new_page(c);
  /* A pointer into set->pages may move as pages are added: keep the index. */
  bool ok = fit_page(pc);
  /* What the page had no room for, once each: at the document's text
   * that is not shown, the layout's item as a note. */
  for (guint i = 0; ok && i < pc->left_out->len; i++) {
    const left_out_entry *e = g_ptr_array_index(pc->left_out, i);
    const char *product = c->layout->name ? c->layout->name : "product";
    if (e->origin.file) {
      dp_warning(c->diag, e->origin, "left out of the %s: %s", product,
                 e->item->left_out);
      dp_diag_report(c->diag, DP_SEVERITY_NOTE, e->item->mark,
                     "the layout's optional content, left out by priority");
    } else {
      dp_warning(c->diag, e->item->mark, "left out of the %s: %s", product,
                 e->item->left_out);
    }
  }
  record_frames(pc, flow ? flow->scale : 0);
  size_t start_unit = flow ? flow->cur.unit : 0;
  int start_line = flow ? flow->cur.line : 0;
  bool defer = false;
  bool page_break = false; /* a page break ends the page, not just a frame */
  for (size_t i = 0; i < tmpl->frame_count && ok; i++) {
    const dp_frame *f = tmpl->frames[i];
    if (!pc->present[i]) continue;
    pc->page = &c->set->pages[pc->index];
    if (f->flow) {
      emit_background(pc, f, pc->boxes[i]);
      if (!flow || strcmp(flow->flow->name, f->flow) != 0) continue;
      if (page_break) continue;
      packer pk = {c, flow->units, flow->scale, pc->page, pc->index, false,
                   f, 0, 0, false};
      rect inner = inset(pc->boxes[i], f->padding);
      int columns = MAX(1, f->columns);
      cursor before = flow->cur;
      double used = compose_pack_columns(&pk, &flow->cur, inner, columns,
                                         f->column_gap, inner.h,
                                         columns > 1 && f->balance);
      if ((flow->cur.unit != before.unit || flow->cur.line != before.line) &&
          inner.h > 0)
        flow->last_fill = MIN(1.0, used / inner.h);
      page_break = pk.page_break;
      flow->hard_break = pk.hard_break;
    } else if (compose_frame_uses_folio(f->content, f->content_count)) {
      defer = true;
    } else {
      ok = emit_content_frame(pc, i);
    }
  }
  if (flow)
    *progress = flow->cur.unit != start_unit || flow->cur.line != start_line;
  if (defer && ok) g_ptr_array_add(deferred, pc);
  else page_ctx_free(pc);
  return ok;
}

/* Units of a flow, expanded once. */
static flow_state *flow_state_new(composer *c, const dp_flow *flow) {
  flow_state *fs = g_new0(flow_state, 1);
  fs->flow = flow;
  fs->units = compose_units_new();
  dp_scope scope = compose_root_scope(c);
  compose_expand_items(c, flow->items, flow->count, &scope, fs->units);
  return fs;
}

static void flow_state_free(flow_state *fs) {
  if (!fs) return;
  g_array_free(fs->units, TRUE);
  g_free(fs);
}

static bool flow_done(const flow_state *fs) {
  for (size_t i = fs->cur.unit; i < fs->units->len; i++) {
    unit_kind k = g_array_index(fs->units, unit, i).kind;
    if (k != UNIT_SPACE && k != UNIT_GROUP_END && k != UNIT_BREAK) return false;
  }
  return true;
}

static const dp_flow *find_flow(const dp_layout_model *l, const char *name) {
  for (size_t i = 0; i < l->flow_count; i++)
    if (!strcmp(l->flows[i]->name, name)) return l->flows[i];
  return NULL;
}

/* Whether step `s` is in the guess (composer.guess). */
static bool guessed(guint64 guess, size_t s) {
  return s < 64 && (guess >> s & 1);
}

/* Whether step `s` may make pages: its condition holds, and a step the
 * content asks of is in the plan's guess. */
static bool step_runs(composer *c, size_t s, const dp_scope *scope) {
  const dp_sequence_step *st = &c->layout->sequence[s];
  if (st->asked && !guessed(c->guess, s)) return false;
  return compose_condition_holds(&st->condition, scope);
}

/* Pages the steps after `step` will add, not counting flows and pads:
 * fixed pages, and (in `*reserved`) what the pads after it of a higher
 * priority may add (-1: any number). */
static int fixed_pages_after(composer *c, size_t step, int *reserved) {
  int n = 0;
  int priority = c->layout->sequence[step].pad_priority;
  dp_scope scope = compose_root_scope(c);
  *reserved = 0;
  for (size_t s = step + 1; s < c->layout->sequence_count; s++) {
    const dp_sequence_step *st = &c->layout->sequence[s];
    if (st->flow || !step_runs(c, s, &scope)) continue;
    if (!st->pad)
      n++;
    else if (st->pad_priority > priority && *reserved >= 0)
      *reserved = st->pad_max < 0 ? -1 : *reserved + st->pad_max;
  }
  return n;
}

static char *plain_of(const dp_value *v) {
  if (!v) return NULL;
  if (v->kind == DP_VALUE_RICH && v->rich) return dp_rich_to_plain(v->rich);
  return v->text ? g_strdup(v->text) : NULL;
}

static void set_metadata(composer *c) {
  const dp_value *root = dp_document_get_root(c->doc);
  dp_pageset *set = c->set;
  set->title = plain_of(dp_value_lookup(root, "thesis.title"));
  set->author = plain_of(dp_value_lookup(root, "candidate.name"));
  char *institution = plain_of(dp_value_lookup(root, "institution.name"));
  const char *defence = dp_labels_get(c->labels, "public-defence");
  set->subject = g_strdup_printf("%s, %s", defence ? defence : "Public defence",
                                 institution ? institution : "");
  g_free(institution);
  set->keywords = plain_of(dp_value_lookup(root, "discipline"));
  set->lang = g_strdup(c->lang);
  set->rtl = c->rtl;
}

/* A flow's page at least this full, or it looks left over. */
#define LEAST_FILL (1.0 / 3.0)

/* How a composition's pages came out, for planning them (dp_compose). */
typedef struct plan {
  int flow_pages;       /* pages the flows took */
  int short_pages;      /* flow pages less than LEAST_FILL full, but for
                           those a `break: page` ends (by design) */
  double least_fill;    /* the least full of those pages */
  int short_by;         /* pages the pads could not add within their max */
  guint64 asked;        /* the steps asked of (layout.h) whose condition
                           holds, a bit each (composer.guess) */
  guint64 made;         /* those that made a page */
  double floor, ceiling; /* the flows' range of scales */
  const dp_sequence_step *pad_step; /* the last pad step that held */
} plan;

/* The smallest scale a flow's type may take: the step's min-scale, or more
 * when the layout sets no text below min-text-size. */
static double flow_floor(const composer *c, const dp_sequence_step *step,
                         GArray *units) {
  double floor_ = step->min_scale, min_text = c->layout->min_text_size;
  for (guint i = 0; min_text > 0 && i < units->len; i++) {
    const unit *u = &g_array_index(units, unit, i);
    if (u->kind == UNIT_PARA && u->style && u->style->size > 0)
      floor_ = MAX(floor_, min_text / u->style->size);
  }
  return MIN(floor_, 1.0);
}

/* The layout's pages for `doc`, its flows set at `scale` (within each flow
 * step's range); pads add at most their `max` pages unless `lenient`.
 * Fills `p`. */
static dp_pageset *compose_at(dp_diag *diag, const dp_settings *settings,
                              dp_text *text, const dp_document *doc,
                              const dp_layout_model *layout, double scale,
                              int spare, guint64 guess, bool lenient,
                              plan *p) {
  *p = (plan){0, 0, 1.0, 0, 0, 0, 1.0, 1.0, NULL};
  bool padded = false;
  composer c = {0};
  c.spare = spare;
  c.diag = diag;
  c.settings = settings;
  c.text = text;
  c.doc = doc;
  c.layout = layout;
  c.guess = guess;
  GPtrArray *made = g_ptr_array_new();
  for (size_t s = 0; s < layout->sequence_count; s++)
    if (layout->sequence[s].asked && guessed(guess, s))
      g_ptr_array_add(made, layout->sequence[s].page_template->name);
  g_ptr_array_add(made, NULL);
  c.made = (const char **)g_ptr_array_free(made, FALSE);
  c.lang = dp_document_get_lang(doc);
  c.rtl = dp_document_is_rtl(doc);
  const dp_value *root = dp_document_get_root(doc);
  /* The default `lang` carries the document's own mark. */
  const dp_value *lang = dp_value_get(root, "lang");
  c.lang_mark = lang ? lang->mark : root->mark;
  c.labels = dp_labels_new(diag, settings, c.lang, dp_value_get(root, "labels"));
  c.store = g_new0(store, 1);
  c.store->paras = g_ptr_array_new_with_free_func((GDestroyNotify)dp_para_free);
  c.store->qrs = g_ptr_array_new_with_free_func((GDestroyNotify)dp_qr_free);
  c.store->strings = g_ptr_array_new_with_free_func(g_free);
  c.store->styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c.outline = g_array_new(FALSE, FALSE, sizeof(dp_outline_entry));
  c.told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  c.set = g_new0(dp_pageset, 1);
  c.set->width = layout->page_width;
  c.set->height = layout->page_height;
  c.set->bleed = layout->bleed;
  if (!c.labels) c.failed = true;
  else compose_resolve_colours(&c);

  GPtrArray *deferred = g_ptr_array_new_with_free_func((GDestroyNotify)page_ctx_free);
  GPtrArray *flows = g_ptr_array_new_with_free_func((GDestroyNotify)flow_state_free);
  dp_scope scope = compose_root_scope(&c);
  for (size_t s = 0; s < layout->sequence_count && !c.failed; s++) {
    const dp_sequence_step *step = &layout->sequence[s];
    if (step->asked && s < 64 &&
        compose_condition_holds(&step->condition, &scope))
      p->asked |= G_GUINT64_CONSTANT(1) << s;
    if (!step_runs(&c, s, &scope)) continue;
    if (step->flow) {
      flow_state *fs = flow_state_new(&c, find_flow(layout, step->flow));
      g_ptr_array_add(flows, fs);
      double floor_ = flow_floor(&c, step, fs->units);
      fs->scale = CLAMP(scale, floor_, step->max_scale);
      fs->last_fill = 0;
      if (floor_ < 1 || step->max_scale > 1) {
        p->floor = floor_;
        p->ceiling = step->max_scale;
      }
      size_t first = c.set->page_count;
      while (!flow_done(fs) && !c.failed) {
        bool progress = false;
        fs->hard_break = false;
        if (!make_page(&c, step->page_template, fs, deferred, &progress)) break;
        /* Stopped part way (cancel.h): no progress, and no one's fault. */
        if (compose_stopped(&c)) break;
        if (progress && !fs->hard_break) {
          if (fs->last_fill < LEAST_FILL) p->short_pages++;
          p->least_fill = MIN(p->least_fill, fs->last_fill);
        }
        if (!progress) {
          unit *u = &g_array_index(fs->units, unit, fs->cur.unit);
          dp_error(diag, u->mark,
                   "this does not fit in any frame of page template '%s' "
                   "(layout line %d)", step->page_template->name,
                   step->page_template->mark.line);
          c.failed = true;
        }
      }
      if (c.set->page_count > first) {
        p->flow_pages += (int)(c.set->page_count - first);
      }
    } else if (step->pad) {
      int multiple = MAX(1, layout->pages_multiple);
      int reserved;
      int after = fixed_pages_after(&c, s, &reserved);
      int missing = (multiple - ((int)c.set->page_count + after) % multiple) %
                    multiple;
      /* The later pads of a higher priority first. */
      int want = missing - (reserved < 0 ? missing : MIN(reserved, missing));
      if (!lenient && step->pad_max >= 0) want = MIN(want, step->pad_max);
      padded = true;
      p->pad_step = step;
      for (int added = 0; added < want && !c.failed; added++) {
        bool progress;
        if (!make_page(&c, step->page_template, NULL, deferred, &progress)) break;
        if (step->asked && s < 64) p->made |= G_GUINT64_CONSTANT(1) << s;
      }
    } else {
      bool progress;
      make_page(&c, step->page_template, NULL, deferred, &progress);
    }
  }
  /* Folios, now that the page count is known. */
  for (guint d = 0; d < deferred->len && !c.failed; d++) {
    page_ctx *pc = g_ptr_array_index(deferred, d);
    for (size_t i = 0; i < pc->tmpl->frame_count && !c.failed; i++) {
      const dp_frame *f = pc->tmpl->frames[i];
      if (pc->present[i] && !f->flow &&
          compose_frame_uses_folio(f->content, f->content_count)) {
        pc->page = &c.set->pages[pc->index];
        if (pc->content[i]) {
          g_array_free(pc->content[i], TRUE);
          pc->content[i] = NULL;
        }
        size_t before = pc->page->count;
        if (!emit_content_frame(pc, i)) c.failed = true;
        /* Running heads and folios are page furniture, not content. */
        for (size_t k = before; k < pc->page->count; k++)
          pc->page->draws[k].role = DP_ROLE_ARTIFACT;
      }
    }
  }
  g_ptr_array_free(deferred, TRUE);
  g_ptr_array_free(flows, TRUE);
  int multiple = MAX(1, layout->pages_multiple);
  if (padded)
    p->short_by = (multiple - (int)c.set->page_count % multiple) % multiple;
  bool stopped = compose_stopped(&c);
  if (c.set->page_count == 0 && !c.failed) {
    dp_error(diag, layout->mark, "the layout made no pages for this document");
    c.failed = true;
  }

  c.set->outline_count = c.outline->len;
  c.set->outline = (dp_outline_entry *)g_array_free(c.outline, FALSE);
  c.set->owned = c.store;
  set_metadata(&c);
  g_hash_table_destroy(c.colours);
  g_hash_table_destroy(c.told);
  dp_labels_free(c.labels);
  g_free(c.made);
  if (stopped) dp_diag_set_muted(diag, false);
  if (c.failed) {
    dp_pageset_free(c.set);
    return NULL;
  }
  return c.set;
}

/* ---- Planning the page count ----------------------------------------- */

/* Scales tried on each side of 1, evenly over the flows' range; then
 * halvings between the first that plans well and the one before. */
#define PLAN_GRID 8
#define PLAN_STEPS 5

typedef struct planner {
  dp_diag *quiet;       /* trials report here, unseen */
  const dp_settings *settings;
  dp_text *text;
  const dp_document *doc;
  const dp_layout_model *layout;
  int spare;            /* spare breaks taken: composer.spare */
} planner;

/* The pads make up the page count and no flow page is left nearly
 * empty. */
static bool plan_good(const plan *p) {
  return p->short_by == 0 && p->short_pages == 0;
}

/* Whether the pages came out as guessed: each step asked of (`made`)
 * that the guess let make pages made one, so no content was left out
 * for a page that is not there, and none that made one was not let. */
static bool as_guessed(const plan *p, guint64 guess) {
  return (guess & p->asked) == p->made;
}

/* The pages at `scale`, reporting to `diag`, with a guess of which pages
 * the content asked of (`made(NAME)`: layout.h) are made: all of them
 * first; when some was not made (no page was free for it), again with
 * only those that were, and so on until the pages come out as guessed:
 * the guess only loses steps, so at most one try a step and one more.
 * A guess that fails (a page asked of whose content does not fit) is
 * tried again with none.  The guess kept is `*guess`; `*clean` says
 * whether the pages kept were composed without a report. */
static dp_pageset *compose_guessing(const planner *pl, dp_diag *diag,
                                    double scale, bool lenient, plan *p,
                                    guint64 *guess, bool *clean) {
  guint64 g = G_MAXUINT64;
  for (;;) {
    int before = dp_diag_get_error_count(diag) +
                 dp_diag_get_warning_count(diag);
    dp_pageset *set = compose_at(diag, pl->settings, pl->text, pl->doc,
                                 pl->layout, scale, pl->spare, g, lenient, p);
    if (!set && (g & p->asked)) {
      g = 0;
      continue;
    }
    if (!set || as_guessed(p, g)) {
      *guess = g & p->asked;
      if (clean)
        *clean = dp_diag_get_error_count(diag) +
                 dp_diag_get_warning_count(diag) == before;
      return set;
    }
    dp_pageset_free(set);
    g = p->made;
  }
}

/* A trial: the plan at `scale`; false when the layout fails. */
static bool trial(const planner *pl, double scale, plan *p, guint64 *guess) {
  dp_pageset *set = compose_guessing(pl, pl->quiet, scale, false, p, guess,
                                     NULL);
  dp_pageset_free(set);
  return set != NULL;
}

/* Whether the layout's content asks whether a page is made. */
static bool asks(const dp_layout_model *layout) {
  for (size_t s = 0; s < layout->sequence_count; s++)
    if (layout->sequence[s].asked) return true;
  return false;
}

/* Whether the layout asks for its pages to be planned. */
static bool plans_pages(const dp_layout_model *layout) {
  for (size_t s = 0; s < layout->sequence_count; s++) {
    const dp_sequence_step *st = &layout->sequence[s];
    if ((st->pad && st->pad_max >= 0) ||
        (st->flow && (st->min_scale < 1 || st->max_scale > 1)))
      return true;
  }
  return false;
}

/* A plan the planner may keep: the spare breaks taken, the scale. */
typedef struct choice {
  int spare;
  double scale;
  plan p;
  bool set;
  guint64 guess;        /* the pages asked of that it makes */
} choice;

/* Whether `a` is the lesser evil of two plans that make up the page
 * count but leave pages nearly empty: fewer such pages, then fuller ones,
 * then type nearer its own size. */
static bool less_bad(const choice *a, const choice *b) {
  if (!b->set) return true;
  if (a->p.short_pages != b->p.short_pages)
    return a->p.short_pages < b->p.short_pages;
  if (fabs(a->p.least_fill - b->p.least_fill) > 0.01)
    return a->p.least_fill > b->p.least_fill;
  return fabs(log(a->scale)) < fabs(log(b->scale));
}

/* The scales a search tries, nearest 1 first: 1, then PLAN_GRID steps on
 * each side up to the flows' range.  Returns how many. */
static int plan_grid(const plan *base, double *scales) {
  int n = 0;
  scales[n++] = 1.0;
  for (int k = 1; k <= PLAN_GRID; k++) {
    double up = 1 + k * (base->ceiling - 1) / PLAN_GRID;
    double down = 1 - k * (1 - base->floor) / PLAN_GRID;
    bool has_up = base->ceiling > 1, has_down = base->floor < 1;
    if (has_up && has_down && fabs(log(down)) < fabs(log(up))) {
      scales[n++] = down;
      scales[n++] = up;
    } else {
      if (has_up) scales[n++] = up;
      if (has_down) scales[n++] = down;
    }
  }
  return n;
}

/* The pages, planned: where the layout bounds its pads (`max`) and lets its
 * flows change scale, the flows are set at the scale nearest 1 at which
 * the pads make up the page count and no flow page (but one a `break:
 * page` ends) is less than a third full, with as few of the spare breaks
 * taken as that needs (none, those after a third of a page, all: layout.h).
 * Where no scale and no breaks do, the plan that makes up the page count
 * with the fewest and fullest of those pages.  Trials report nowhere; the
 * pages kept are composed again with the reports, unless the first trial
 * was the answer and said nothing.  Where nothing makes up the page count,
 * the pads add what it takes, with a warning.  Each trial guesses which
 * pages the content asks of are made, and checks (compose_guessing). */
dp_pageset *dp_compose(dp_diag *diag, const dp_settings *settings,
                       dp_text *text, const dp_document *doc,
                       const dp_layout_model *layout) {
  plan p;
  planner pl = {dp_diag_new(), settings, text, doc, layout, 0};
  dp_diag_set_print(pl.quiet, false);
  guint64 guess = 0;
  bool clean = false;
  if (!plans_pages(layout)) {
    if (asks(layout)) {
      dp_pageset_free(compose_guessing(&pl, pl.quiet, 1.0, true, &p, &guess,
                                       NULL));
    }
    dp_diag_free(pl.quiet);
    return compose_at(diag, settings, text, doc, layout, 1.0, 0, guess, true,
                      &p);
  }
  dp_pageset *set = compose_guessing(&pl, pl.quiet, 1.0, false, &p, &guess,
                                     &clean);
  if (set && plan_good(&p) && clean) {
    dp_diag_free(pl.quiet);
    return set;
  }
  bool good = set && plan_good(&p);
  plan base = p;
  guint64 base_guess = guess;
  dp_pageset_free(set);
  choice found = {0, 1.0, p, good, guess}, least = {0};
  if (set && !good) {
    /* The layout's own sizes with sections opening pages after a third
     * of one, before type changes size; then every scale with none of
     * the spare breaks, those after a third, all of them. */
    double scales[1 + 2 * PLAN_GRID];
    int n = plan_grid(&base, scales);
    for (int i = 0; i < 2 + 3 * n && !found.set; i++) {
      int spare = i < 2 ? i : (i - 2) / n;
      choice c = {spare, i < 2 ? 1.0 : scales[(i - 2) % n], {0}, true, 0};
      if (i >= 2 && spare < 2 && c.scale == 1.0) continue; /* tried */
      pl.spare = spare;
      if (!trial(&pl, c.scale, &c.p, &c.guess) || c.p.short_by > 0) continue;
      if (plan_good(&c.p)) found = c;
      else if (less_bad(&c, &least)) least = c;
    }
    /* Nearer 1, between the scale found and the one before it on its
     * side of 1 (one grid step). */
    if (found.set && found.scale != 1.0) {
      double step = found.scale > 1 ? (base.ceiling - 1) / PLAN_GRID
                                    : (1 - base.floor) / PLAN_GRID;
      double near = found.scale > 1 ? found.scale - step : found.scale + step;
      pl.spare = found.spare;
      for (int i = 0; i < PLAN_STEPS; i++) {
        choice c = {found.spare, (near + found.scale) / 2, {0}, true, 0};
        if (trial(&pl, c.scale, &c.p, &c.guess) && plan_good(&c.p)) found = c;
        else near = c.scale;
      }
    }
    if (!found.set && least.set) found = least;
    good = found.set;
  }
  dp_diag_free(pl.quiet);
  if (!good) found = (choice){0, 1.0, base, false, base_guess};
  /* Added pages (lenient) never unmake a page the guess counted on. */
  set = compose_at(diag, settings, text, doc, layout, found.scale,
                   found.spare, found.guess, !good, &p);
  if (set && !good && base.short_by > 0 && base.pad_step)
    dp_warning(diag, base.pad_step->mark,
               "the content takes %d page%s at every scale from %.0f%% to "
               "%.0f%%: %d more page%s of template '%s' than its 'max' make "
               "up the page count",
               base.flow_pages, base.flow_pages == 1 ? "" : "s",
               base.floor * 100, base.ceiling * 100, base.short_by,
               base.short_by == 1 ? "" : "s",
               base.pad_step->page_template->name);
  return set;
}

void dp_pageset_free(dp_pageset *set) {
  if (!set) return;
  store *st = set->owned;
  if (st) {
    g_ptr_array_free(st->paras, TRUE);
    g_ptr_array_free(st->qrs, TRUE);
    g_ptr_array_free(st->strings, TRUE);
    g_hash_table_destroy(st->styles);
    g_free(st);
  }
  for (size_t p = 0; p < set->page_count; p++) {
    g_free(set->pages[p].draws);
    g_free(set->pages[p].frames);
  }
  g_free(set->pages);
  for (size_t i = 0; i < set->outline_count; i++) g_free(set->outline[i].title);
  g_free(set->outline);
  g_free(set->title);
  g_free(set->author);
  g_free(set->subject);
  g_free(set->keywords);
  g_free(set->lang);
  g_free(set);
}
