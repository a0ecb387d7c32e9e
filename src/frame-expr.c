/* frame-expr: see frame-expr.h.
 *
 * The grammar of an expression (spaces allowed between tokens):
 *
 *   expr    ::= sign? term (sign term)*
 *   sign    ::= '+' | '-'
 *   term    ::= number unit                  a length
 *             | '0'                          zero needs no unit
 *             | number '%' ('pw' | 'ph')?    of the page width or height;
 *                                            a bare % is of the key's axis
 *             | (number '*')? edge '(' name ')'
 *                                            an edge of a frame, times
 *                                            number
 *   number  ::= digits ('.' digits?)? | '.' digits
 *   unit    ::= 'pt' | 'mm' | 'cm' | 'in'
 *   edge    ::= 'left' | 'right' | 'top' | 'bottom' | 'width' | 'height'
 *             | 'start' | 'end'               left and right, or right and
 *                                            left in a right-to-left
 *                                            document
 *   name    ::= [A-Za-z0-9_-]+               a frame of the template, or
 *                                            page, content or bleed
 *
 * At most MAX_TERMS terms; a length is at most DP_MAX_LENGTH_POINTS.
 */
#include "frame-expr.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "length.h"

/* A frame-edge expression may have at most this many terms. */
#define MAX_TERMS 32

const char *const dp_builtin_frames[] = {"page", "content", "bleed", NULL};

/* In the order of dp_edge. */
static const char *const edge_names[] = {"left",  "right",  "top",   "bottom",
                                         "width", "height", "start", "end",
                                         NULL};

static int edge_axis(dp_edge edge) {
  return edge == DP_EDGE_TOP || edge == DP_EDGE_BOTTOM ||
         edge == DP_EDGE_HEIGHT;
}

void dp_expr_free(dp_expr *e) {
  if (!e) return;
  for (size_t i = 0; i < e->count; i++) g_free(e->terms[i].frame);
  g_free(e->terms);
  g_free(e);
}

static size_t scan_name(const char *s) {
  size_t n = 0;
  while (g_ascii_isalnum(s[n]) || s[n] == '_' || s[n] == '-') n++;
  return n;
}

/* Parses the expression of frame key `key` (vertical when `vertical`).
 * EDGE(FRAME) terms are added to `refs` with node `from`.  Returns NULL
 * after reporting. */
dp_expr *dp_expr_parse(dp_binder *b, const dp_ynode *node, const char *key,
                       bool vertical, size_t from, GArray *refs) {
  if (node->kind != DP_YNODE_SCALAR || dp_ynode_is_null(node)) {
    dp_bind_wrong(b, node, key, "a length or an expression such as bottom(title) + "
                        "5mm");
    return NULL;
  }
  const char *s = node->text;
  dp_expr *e = g_new0(dp_expr, 1);
  e->mark = dp_bind_content_mark(b, node);
  GArray *terms = g_array_new(FALSE, TRUE, sizeof(dp_term));
  size_t first_ref = refs->len;
  bool ok = true;
  size_t p = 0;
  while (g_ascii_isspace(s[p])) p++;
  if (!s[p]) {
    dp_bind_error(b, node->mark, "'%s' is empty", key);
    ok = false;
  }
  while (ok && s[p]) {
    double sign = 1.0;
    if (s[p] == '+' || s[p] == '-') {
      sign = s[p] == '-' ? -1.0 : 1.0;
      p++;
      while (g_ascii_isspace(s[p])) p++;
    } else if (terms->len > 0) {
      dp_bind_error(b, dp_bind_offset_mark(b, node, p), "expected + or - before '%s' in '%s'",
          s + p, key);
      ok = false;
      break;
    }
    if (terms->len >= MAX_TERMS) {
      dp_bind_error(b, dp_bind_offset_mark(b, node, p), "'%s' has more than %d terms", key,
          MAX_TERMS);
      ok = false;
      break;
    }
    size_t start = p;
    dp_mark term_mark = dp_bind_offset_mark(b, node, start);
    dp_term term = {0};
    double number = 1.0;
    size_t n = dp_scan_number(s + p, &number);
    if (n > 0) {
      p += n;
      while (s[p] == ' ') p++;
      if (s[p] == '%') {
        p++;
        size_t letters = dp_scan_letters(s + p);
        if (letters == 0) {
          term.kind = vertical ? DP_TERM_PAGE_HEIGHT : DP_TERM_PAGE_WIDTH;
        } else if (letters == 2 && strncmp(s + p, "pw", 2) == 0) {
          term.kind = DP_TERM_PAGE_WIDTH;
        } else if (letters == 2 && strncmp(s + p, "ph", 2) == 0) {
          term.kind = DP_TERM_PAGE_HEIGHT;
        } else {
          dp_bind_error(b, term_mark, "unknown percentage '%%%.*s' in '%s'; use %%, "
                            "%%pw (of the page width) or %%ph (of the page "
                            "height)",
              (int)letters, s + p, key);
          ok = false;
          break;
        }
        p += letters;
        term.coef = sign * number / 100.0;
        g_array_append_val(terms, term);
        goto next;
      }
      if (s[p] == '*') {
        p++;
        while (g_ascii_isspace(s[p])) p++;
        if (!g_ascii_isalpha(s[p])) {
          dp_bind_error(b, term_mark, "expected EDGE(FRAME) after '*' in '%s'", key);
          ok = false;
          break;
        }
        /* Falls through to the function below. */
      } else {
        size_t letters = dp_scan_letters(s + p);
        if (letters == 0) {
          if (number != 0.0) {
            dp_bind_error(b, term_mark, "'%s' needs a unit: '%.*s' (pt, mm, cm or in)",
                key, (int)n, s + start);
            ok = false;
            break;
          }
          term.kind = DP_TERM_POINTS;
          term.coef = 0.0;
          g_array_append_val(terms, term);
          goto next;
        }
        double factor = dp_unit_factor(s + p, letters);
        if (factor == 0.0) {
          static const char *const units[] = {"pt", "mm", "cm", "in", NULL};
          char *unit = g_strndup(s + p, letters);
          char *h = dp_bind_hint(unit, units);
          dp_bind_error(b, term_mark, "unknown unit '%s' in '%.*s'%s; use pt, mm, cm "
                            "or in",
              unit, (int)(p + letters - start), s + start, h);
          g_free(h);
          g_free(unit);
          ok = false;
          break;
        }
        p += letters;
        term.kind = DP_TERM_POINTS;
        term.coef = sign * number * factor;
        if (!isfinite(term.coef) || fabs(term.coef) > DP_MAX_LENGTH_POINTS) {
          dp_bind_error(b, term_mark, "'%.*s' is too large", (int)(p - start),
              s + start);
          ok = false;
          break;
        }
        g_array_append_val(terms, term);
        goto next;
      }
    }
    if (g_ascii_isalpha(s[p])) {
      size_t fstart = p;
      dp_mark fmark = dp_bind_offset_mark(b, node, fstart);
      size_t letters = dp_scan_letters(s + p);
      char *edge = g_strndup(s + p, letters);
      p += letters;
      int which = -1;
      for (int i = 0; edge_names[i]; i++)
        if (strcmp(edge, edge_names[i]) == 0) which = i;
      if (which < 0) {
        char *h = dp_bind_hint(edge, edge_names);
        dp_bind_error(b, fmark, "unknown edge '%s' in '%s'%s; use left, right, start, "
                      "end, top, bottom, width or height, as in bottom(title)",
            edge, key, h);
        g_free(h);
        g_free(edge);
        ok = false;
        break;
      }
      g_free(edge);
      while (s[p] == ' ') p++;
      if (s[p] != '(') {
        dp_bind_error(b, fmark, "expected '(' after '%s' in '%s', as in %s(title)",
            edge_names[which], key, edge_names[which]);
        ok = false;
        break;
      }
      p++;
      while (s[p] == ' ') p++;
      size_t nstart = p, nlen = scan_name(s + p);
      p += nlen;
      while (s[p] == ' ') p++;
      if (nlen == 0 || s[p] != ')') {
        dp_bind_error(b, fmark, "expected a frame name and ')' in '%s(' of '%s'",
            edge_names[which], key);
        ok = false;
        break;
      }
      p++;
      term.kind = DP_TERM_FRAME;
      term.coef = sign * number;
      term.edge = (dp_edge)which;
      term.frame = g_strndup(s + nstart, nlen);
      g_array_append_val(terms, term);
      dp_frame_ref ref = {from, term.frame, term.edge,
                       dp_bind_offset_mark(b, node, nstart), refs->len};
      g_array_append_val(refs, ref);
      goto next;
    }
    {
      dp_bind_error(b, term_mark,
          "expected a length, a percentage or EDGE(FRAME) in '%s', found "
          "'%s'",
          key, s + p);
      ok = false;
      break;
    }
  next:
    while (g_ascii_isspace(s[p])) p++;
    if (s[p] && s[p] != '+' && s[p] != '-') {
      dp_bind_error(b, dp_bind_offset_mark(b, node, p), "expected + or - before '%s' in '%s'",
          s + p, key);
      ok = false;
      break;
    }
    if ((s[p] == '+' || s[p] == '-') && !s[p + 1 + strspn(s + p + 1, " ")]) {
      dp_bind_error(b, dp_bind_offset_mark(b, node, p), "'%s' ends with '%c'", key, s[p]);
      ok = false;
      break;
    }
  }
  e->count = terms->len;
  e->terms = (dp_term *)g_array_free(terms, FALSE);
  if (!ok) {
    g_array_set_size(refs, first_ref);
    dp_expr_free(e);
    return NULL;
  }
  return e;
}

static int compare_refs(const void *a, const void *b) {
  const dp_frame_ref *x = a, *y = b;
  if (x->from != y->from) return x->from < y->from ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Checks the EDGE(FRAME) terms of a template's frames and reports cycles
 * (see the top of this file). */
void dp_frame_refs_check(dp_binder *b, const char *template_name,
                         const char *const *frame_names, size_t n,
                         GArray *refs) {
  const char **names = g_new0(const char *, n + G_N_ELEMENTS(dp_builtin_frames));
  size_t named = 0;
  for (size_t i = 0; i < n; i++)
    if (frame_names[i]) names[named++] = frame_names[i];
  for (size_t i = 0; dp_builtin_frames[i]; i++)
    names[named++] = dp_builtin_frames[i];

  /* Edges of the graph: refs with a known target; `to` per ref. */
  g_array_sort(refs, compare_refs);
  size_t *to = g_new(size_t, refs->len + 1);
  for (guint r = 0; r < refs->len; r++) {
    dp_frame_ref *ref = &g_array_index(refs, dp_frame_ref, r);
    to[r] = SIZE_MAX;
    if (dp_bind_in_list(ref->name, dp_builtin_frames)) continue;
    for (size_t i = 0; i < n; i++)
      if (frame_names[i] && strcmp(frame_names[i], ref->name) == 0)
        to[r] = i * 2 + (size_t)edge_axis(ref->edge);
    if (to[r] == SIZE_MAX) {
      char *h = dp_bind_hint(ref->name, names);
      dp_bind_error(b, ref->mark, "unknown frame '%s' in template '%s'%s", ref->name,
          template_name, h);
      g_free(h);
    }
  }
  /* First edge of each node. */
  size_t nodes = n * 2;
  size_t *first = g_new0(size_t, nodes + 1);
  for (size_t v = 0, r = 0; v <= nodes; v++) {
    while (r < refs->len && g_array_index(refs, dp_frame_ref, r).from < v) r++;
    first[v] = r;
  }
  /* Depth-first search with an explicit stack; colour 0 new, 1 on the
   * stack, 2 done. */
  unsigned char *colour = g_new0(unsigned char, nodes + 1);
  size_t *stack = g_new(size_t, nodes + 1), *next = g_new(size_t, nodes + 1);
  bool *reported = g_new0(bool, n + 1);
  for (size_t start = 0; start < nodes; start++) {
    if (colour[start]) continue;
    size_t depth = 0;
    stack[depth] = start;
    next[depth] = first[start];
    colour[start] = 1;
    depth++;
    while (depth > 0) {
      size_t u = stack[depth - 1];
      size_t r = next[depth - 1];
      if (r >= first[u + 1]) {
        colour[u] = 2;
        depth--;
        continue;
      }
      next[depth - 1]++;
      size_t v = to[r];
      if (v == SIZE_MAX) continue;
      if (colour[v] == 0) {
        colour[v] = 1;
        stack[depth] = v;
        next[depth] = first[v];
        depth++;
      } else if (colour[v] == 1) {
        size_t pos = 0;
        while (stack[pos] != v) pos++;
        if (reported[v / 2]) continue;
        GString *path = g_string_new(frame_names[v / 2]);
        const char *last = frame_names[v / 2];
        for (size_t i = pos + 1; i < depth; i++) {
          const char *name = frame_names[stack[i] / 2];
          if (strcmp(name, last) != 0)
            g_string_append_printf(path, " → %s", name);
          last = name;
        }
        g_string_append_printf(path, " → %s", frame_names[v / 2]);
        /* Reported at the term of the cycle's first frame that leads on. */
        const dp_frame_ref *lead = &g_array_index(refs, dp_frame_ref,
                                               next[pos] - 1);
        dp_bind_error(b, lead->mark, "frame '%s' depends on itself: %s",
            frame_names[v / 2], path->str);
        g_string_free(path, TRUE);
        for (size_t i = pos; i < depth; i++) reported[stack[i] / 2] = true;
      }
    }
  }
  g_free(reported);
  g_free(stack);
  g_free(next);
  g_free(colour);
  g_free(first);
  g_free(to);
  g_free(names);
}

static double edge_of(dp_rect r, dp_edge edge, bool rtl) {
  if (edge == DP_EDGE_START) edge = rtl ? DP_EDGE_RIGHT : DP_EDGE_LEFT;
  if (edge == DP_EDGE_END) edge = rtl ? DP_EDGE_LEFT : DP_EDGE_RIGHT;
  switch (edge) {
    case DP_EDGE_LEFT: return r.x;
    case DP_EDGE_RIGHT: return r.x + r.w;
    case DP_EDGE_TOP: return r.y;
    case DP_EDGE_BOTTOM: return r.y + r.h;
    case DP_EDGE_WIDTH: return r.w;
    default: return r.h;
  }
}

bool dp_expr_eval(const dp_expr *e, double page_width, double page_height,
                  bool rtl, bool logical, dp_frame_rect_func frame_rect,
                  void *closure, double *out) {
  bool mirror = rtl && logical;
  double sum = 0;
  for (size_t i = 0; i < e->count; i++) {
    const dp_term *t = &e->terms[i];
    switch (t->kind) {
      case DP_TERM_POINTS: sum += t->coef; break;
      case DP_TERM_PAGE_WIDTH: sum += t->coef * page_width; break;
      case DP_TERM_PAGE_HEIGHT: sum += t->coef * page_height; break;
      case DP_TERM_FRAME: {
        dp_rect r;
        if (!frame_rect(closure, t->frame, e->mark, &r)) return false;
        double v = edge_of(r, t->edge, rtl);
        if (mirror && t->edge != DP_EDGE_WIDTH && t->edge != DP_EDGE_HEIGHT &&
            t->edge != DP_EDGE_TOP && t->edge != DP_EDGE_BOTTOM)
          v = page_width - v;
        sum += t->coef * v;
        break;
      }
    }
  }
  *out = sum;
  return true;
}
