/* linebreak: see linebreak.h.
 *
 * The algorithm is Knuth and Plass's: one pass over the items keeps the
 * "active" breaks (from which a line may still be made); at each legal
 * breakpoint every active break is tried as the start of a line ending
 * there, and the best way to reach the breakpoint is kept for each
 * combination of the line's fitness class and the number of hyphenated
 * lines in a row it ends.  An active break is dropped once a line from
 * it would be overfull (it only grows) or a forced break passes it.
 *
 * Widths are summed from prefix sums: a line from break a to break e is
 * sum[e] - sum[a'], a' being the first item after a that is not
 * discarded (glue and penalties after a break vanish, up to the next box).
 *
 * Two passes: the first allows lines up to `max_ratio`; if some stretch
 * of the paragraph cannot be broken so (a long word, a narrow measure),
 * the second allows any looseness.  Where even that fails (a box wider
 * than the measure) the best overfull line is taken so that a solution
 * always exists.
 */
#include "linebreak.h"

#include <glib.h>
#include <math.h>

#define FITNESS_CLASSES 4
/* The most hyphenated lines in a row that are told apart. */
#define MAX_HYPHEN_RUN 8
/* Badness of a line that cannot stretch at all (no glue). */
#define INF_BAD 10000.0
/* The most badness of a line that can: far past TeX's cap of INF_BAD,
 * so that of two lines looser than that the looser costs more (with a
 * cap, a paragraph with no way to keep within `max_ratio` could set
 * one line very loose to save another a little). */
#define MAX_BAD 1e9
/* Added to a line accepted only because nothing else was possible. */
#define RESCUE_DEMERITS 1e10

void dp_lb_params_init(dp_lb_params *params, double width) {
  *params = (dp_lb_params){
      .first_width = width,
      .width = width,
      .max_ratio = 1.0,
      .line_stretch = 0.0,
      .line_penalty = 10.0,
      .flagged_demerits = 3000.0,
      .fitness_demerits = 3000.0,
      .final_hyphen_demerits = 1e5,
      .max_hyphens = 2,
  };
}

typedef struct node {
  size_t pos;        /* the break's item */
  int line;          /* lines before this break */
  int fitness;
  int hyphens;       /* hyphenated lines in a row, ending here */
  bool flagged;
  double ratio;
  double track;      /* the share of its letter space the line takes */
  double demerits;   /* the best total to here */
  double w, st, sh, bst, bsh, tst; /* prefix sums at the first item the
                                      next line keeps */
  int prev;          /* the node before, -1 for the start */
} node;

typedef struct sums {
  double *w;        /* of items [0, i), penalties' widths left out */
  double *st, *sh;  /* glue's stretch and shrink */
  double *bst, *bsh; /* boxes' */
  double *tst;      /* boxes' letter space */
  double space;     /* the mean stretch of the glue a line may end at */
} sums;

static bool is_forced(const dp_lb_item *it) {
  return it->kind == DP_LB_PENALTY && it->penalty <= -DP_LB_INFINITY;
}

static bool is_legal_break(const dp_lb_item *items, size_t e) {
  const dp_lb_item *it = &items[e];
  if (it->kind == DP_LB_PENALTY) return it->penalty < DP_LB_INFINITY;
  if (it->kind == DP_LB_GLUE)
    return it->penalty < DP_LB_INFINITY && e > 0 &&
           items[e - 1].kind == DP_LB_BOX;
  return false;
}

/* Where the line after a break at `b` starts keeping items. */
static size_t line_start_after(const dp_lb_item *items, size_t count, size_t b) {
  size_t i = b;
  for (; i < count; i++) {
    if (items[i].kind == DP_LB_BOX) break;
    if (i > b && is_forced(&items[i])) break;
  }
  return i;
}

static int fitness_class(double r) {
  if (r < -0.5) return 0;
  if (r <= 0.5) return 1;
  if (r <= 1.0) return 2;
  return 3;
}

/* How a line is set to fill its measure. */
typedef struct fill {
  double ratio; /* its glue's (and glyphs', within [-1, 1]) */
  double track; /* the share of its letter space it takes, 0 to 1 */
  double loose; /* the glue's ratio without letter space: how loose the
                   line is to the breaker */
} fill;

/* How a line of natural width `w` fills `width`, with `st` and `sh` the
 * stretch and shrink of its glue, `bst` and `bsh` those of its boxes and
 * `tst` its letter space.  Glue and glyphs take a share in proportion up
 * to their limits; glyphs go no further (a box's stretch is the most it
 * may be widened), so past them letter space comes first, then the glue
 * alone: its ratio is then above 1.  A ratio below -1: overfull.  A line
 * with no glue cannot be filled (its ratio is infinite); it is as loose
 * as a line with one of the paragraph's spaces (`space`, its stretch),
 * if it has any. */
static fill line_fill(double width, double w, double st, double sh,
                      double bst, double bsh, double tst, double space) {
  fill f = {0, 0, 0};
  if (w < width) {
    double gap = width - w, all = st + bst;
    if (gap <= all) {
      f.ratio = f.loose = gap / all;
    } else if (st <= 0) {
      f.ratio = INFINITY;
      f.loose = space > 0 ? 1.0 + (gap - all) / space : INFINITY;
    } else {
      f.loose = 1.0 + (gap - all) / st;
      f.track = tst > 0 ? MIN((gap - all) / tst, 1.0) : 0;
      f.ratio = 1.0 + (gap - all - f.track * tst) / st;
    }
  } else if (w > width) {
    f.ratio = f.loose = sh + bsh > 0 ? (width - w) / (sh + bsh) : -INFINITY;
  }
  return f;
}

static double badness(double r) {
  if (!isfinite(r)) return INF_BAD;
  double b = 100.0 * fabs(r) * fabs(r) * fabs(r);
  return b > MAX_BAD ? MAX_BAD : b;
}

/* One pass; returns the index of the best final node, or -1 if every
 * way through needed an overfull or over-loose line and `strict` is
 * set (the caller tries again with any looseness). */
static int break_pass(const dp_lb_item *items, size_t count,
                  const dp_lb_params *p, double max_ratio, bool strict,
                  const sums *s, GArray *nodes, bool *overfull) {
  g_array_set_size(nodes, 0);
  node start = {.pos = 0, .line = 0, .fitness = 1, .prev = -1};
  g_array_append_val(nodes, start);
  GArray *active = g_array_new(FALSE, FALSE, sizeof(int));
  GArray *next = g_array_new(FALSE, FALSE, sizeof(int));
  int zero = 0;
  g_array_append_val(active, zero);
  int hyphen_states = p->max_hyphens > 0 ? MIN(p->max_hyphens, MAX_HYPHEN_RUN) + 1
                                         : 2;
  int slots = FITNESS_CLASSES * hyphen_states;
  node *best = g_new(node, (size_t)slots);
  int result = -1;

  for (size_t e = 0; e < count; e++) {
    if (!is_legal_break(items, e)) continue;
    const dp_lb_item *it = &items[e];
    bool forced = is_forced(it);
    bool is_penalty = it->kind == DP_LB_PENALTY;
    bool flagged = is_penalty && it->flagged;
    for (int k = 0; k < slots; k++) best[k].demerits = INFINITY;
    int rescue = -1;
    double rescue_ratio = 0;
    g_array_set_size(next, 0);
    size_t after = line_start_after(items, count, e);

    for (guint k = 0; k < active->len; k++) {
      int ai = g_array_index(active, int, k);
      const node *a = &g_array_index(nodes, node, ai);
      double width = a->line == 0 ? p->first_width : p->width;
      double w = s->w[e] - a->w + (is_penalty ? it->width : 0) -
                 it->protrude;
      double st = s->st[e] - a->st + p->line_stretch;
      double bst = s->bst[e] - a->bst;
      fill f = line_fill(width, w, st, s->sh[e] - a->sh, bst,
                         s->bsh[e] - a->bsh, s->tst[e] - a->tst, s->space);
      double r = f.ratio;
      bool drop = r < -1 || forced;
      if (r >= -1 && r <= max_ratio) {
        int hyphens = flagged ? a->hyphens + 1 : 0;
        if (!(flagged && p->max_hyphens > 0 && hyphens > p->max_hyphens)) {
          /* Letter space makes a line possible, not good. */
          double bad = badness(f.loose);
          int fit = fitness_class(r);
          double d = p->line_penalty + bad;
          d *= d;
          if (is_penalty && !forced) {
            if (it->penalty >= 0) d += it->penalty * it->penalty;
            else d -= it->penalty * it->penalty;
          }
          if (flagged && a->flagged) d += p->flagged_demerits;
          /* A word hyphenated onto a paragraph's last line: never while
           * lines within `max_ratio` can avoid it. */
          if (forced && a->flagged)
            d += strict ? INFINITY : p->final_hyphen_demerits;
          if (isnan(d)) d = INFINITY;
          if (abs(fit - a->fitness) > 1) d += p->fitness_demerits;
          d += a->demerits;
          int h = p->max_hyphens > 0 ? MIN(hyphens, hyphen_states - 1)
                                     : (flagged ? 1 : 0);
          node *b = &best[fit * hyphen_states + h];
          if (d < b->demerits)
            *b = (node){.pos = e, .line = a->line + 1, .fitness = fit,
                        .hyphens = hyphens, .flagged = flagged,
                        .ratio = isfinite(r) && st + bst > 0 ? r : 0,
                        .track = isfinite(r) ? f.track : 0,
                        .demerits = d, .prev = ai};
        }
      }
      if (drop) {
        if (rescue < 0 ||
            a->demerits < g_array_index(nodes, node, rescue).demerits) {
          rescue = ai;
          rescue_ratio = isfinite(r) ? r : (r > 0 ? 0 : -INFINITY);
        }
      } else {
        g_array_append_val(next, ai);
      }
    }

    bool made = false;
    for (int k = 0; k < slots; k++) {
      if (!isfinite(best[k].demerits)) continue;
      best[k].w = s->w[after];
      best[k].st = s->st[after];
      best[k].sh = s->sh[after];
      best[k].bst = s->bst[after];
      best[k].bsh = s->bsh[after];
      best[k].tst = s->tst[after];
      int index = (int)nodes->len;
      g_array_append_val(nodes, best[k]);
      g_array_append_val(next, index);
      made = true;
    }
    if (!made && next->len == 0 && rescue >= 0) {
      /* Nothing reaches here, and nothing is left to go on from: the
       * line from the best dropped break is taken as it is. */
      if (strict) goto done;
      const node *a = &g_array_index(nodes, node, rescue);
      if (rescue_ratio < -1) *overfull = true;
      node n = {.pos = e, .line = a->line + 1,
                .fitness = fitness_class(rescue_ratio),
                .hyphens = flagged ? a->hyphens + 1 : 0,
                .flagged = flagged,
                .ratio = isfinite(rescue_ratio) ? rescue_ratio : -1,
                .demerits = a->demerits + RESCUE_DEMERITS,
                .w = s->w[after], .st = s->st[after], .sh = s->sh[after],
                .bst = s->bst[after], .bsh = s->bsh[after],
                .tst = s->tst[after],
                .prev = rescue};
      int index = (int)nodes->len;
      g_array_append_val(nodes, n);
      g_array_append_val(next, index);
    }
    GArray *t = active;
    active = next;
    next = t;
  }

  /* The last item forces a break: every node left ends there. */
  for (guint k = 0; k < active->len; k++) {
    int ai = g_array_index(active, int, k);
    const node *a = &g_array_index(nodes, node, ai);
    if (a->pos != count - 1 || ai == 0) continue;
    if (result < 0 ||
        a->demerits < g_array_index(nodes, node, result).demerits)
      result = ai;
  }
done:
  g_free(best);
  g_array_free(active, TRUE);
  g_array_free(next, TRUE);
  return result;
}

size_t dp_linebreak(const dp_lb_item *items, size_t count,
                    const dp_lb_params *params, dp_lb_line **lines,
                    bool *overfull) {
  *lines = NULL;
  bool over = false;
  if (overfull) *overfull = false;
  if (count == 0 || !is_forced(&items[count - 1])) return 0;

  sums s = {g_new(double, count + 1), g_new(double, count + 1),
            g_new(double, count + 1), g_new(double, count + 1),
            g_new(double, count + 1), g_new(double, count + 1), 0};
  s.w[0] = s.st[0] = s.sh[0] = s.bst[0] = s.bsh[0] = s.tst[0] = 0;
  s.space = 0;
  size_t spaces = 0;
  for (size_t i = 0; i < count; i++) {
    const dp_lb_item *it = &items[i];
    bool glue = it->kind == DP_LB_GLUE, box = it->kind == DP_LB_BOX;
    s.w[i + 1] = s.w[i] + (it->kind == DP_LB_PENALTY ? 0 : it->width);
    s.st[i + 1] = s.st[i] + (glue ? it->stretch : 0);
    s.sh[i + 1] = s.sh[i] + (glue ? it->shrink : 0);
    s.bst[i + 1] = s.bst[i] + (box ? it->stretch : 0);
    s.bsh[i + 1] = s.bsh[i] + (box ? it->shrink : 0);
    s.tst[i + 1] = s.tst[i] + (box ? it->track : 0);
    if (glue && it->stretch > 0 && it->penalty < DP_LB_INFINITY) {
      s.space += it->stretch;
      spaces++;
    }
  }
  if (spaces > 0) s.space /= spaces;
  GArray *nodes = g_array_new(FALSE, FALSE, sizeof(node));
  int last = break_pass(items, count, params, params->max_ratio, true, &s,
                    nodes, &over);
  if (last < 0) {
    over = false;
    last = break_pass(items, count, params, INFINITY, false, &s, nodes, &over);
  }
  size_t n = 0;
  if (last >= 0) {
    for (int k = last; k > 0; k = g_array_index(nodes, node, k).prev) n++;
    *lines = g_new(dp_lb_line, n);
    size_t i = n;
    for (int k = last; k > 0; k = g_array_index(nodes, node, k).prev) {
      const node *a = &g_array_index(nodes, node, k);
      (*lines)[--i] = (dp_lb_line){a->pos, a->ratio, a->track};
    }
  }
  if (overfull) *overfull = over;
  g_array_free(nodes, TRUE);
  g_free(s.w);
  g_free(s.st);
  g_free(s.sh);
  g_free(s.bst);
  g_free(s.bsh);
  g_free(s.tst);
  return n;
}
