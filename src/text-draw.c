/* text-draw: drawing a set paragraph, and describing what was drawn
 * (traces, link areas, preflight's inspection).
 */
#include "text.h"

#include <hb.h>
#include <math.h>
#include <string.h>

#include "text-private.h"

/* The marker ends this many ems before the text of the first line. */
#define MARKER_GAP_EM 0.5

/* Where line `line` starts, the left end of its baseline, when the
 * paragraph is drawn with the top of line `first` at (x, y): for drawing
 * and for traces alike. */
static void line_origin(const dp_para *para, double x, double y, int first,
                          int line, double *ox, double *oy) {
  *ox = x + para->x_offset + para->line_x[line];
  *oy = y + para->line_baseline[line] - para->line_top[first];
}

/* The marker's origin, right-aligned MARKER_GAP_EM before the first
 * line's text; false when there is none to draw. */
static bool marker_origin(const dp_para *para, double x, double y,
                            int first, double *ox, double *oy) {
  if (!para->marker || first != 0 || para->line_count == 0) return false;
  PangoRectangle logical;
  pango_layout_get_extents(para->marker, NULL, &logical);
  if (para->rtl) {
    double left = x + para->first_start + MARKER_GAP_EM * para->em;
    *ox = left - logical.x * para->scale / PANGO_SCALE;
  } else {
    double right = x + para->first_start - MARKER_GAP_EM * para->em;
    *ox = right - (logical.x + logical.width) * para->scale / PANGO_SCALE;
  }
  *oy = y + para->line_baseline[0] - para->line_top[0];
  return true;
}

/* Appends "x y w h" of a user-space rectangle, in device space: cairo 1.16
 * writes link rectangles to the PDF as given, without the CTM. */
static void append_rect(GString *out, cairo_t *cr, double x, double y,
                          double w, double h) {
  double xs[4] = {x, x + w, x, x + w}, ys[4] = {y, y, y + h, y + h};
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (int i = 0; i < 4; i++) {
    cairo_user_to_device(cr, &xs[i], &ys[i]);
    x0 = MIN(x0, xs[i]);
    y0 = MIN(y0, ys[i]);
    x1 = MAX(x1, xs[i]);
    y1 = MAX(y1, ys[i]);
  }
  double v[4] = {x0, y0, x1 - x0, y1 - y0};
  for (int i = 0; i < 4; i++) {
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(num, sizeof num, "%.3f", v[i]);
    if (out->len && out->str[out->len - 1] != '[') g_string_append_c(out, ' ');
    g_string_append(out, num);
  }
}

/* Calls `area` with each rectangle of link `k` in lines
 * [first, first + count) drawn at (x, y): the one computation behind the
 * PDF's links and traces. */
static void link_rects(const dp_para *para, size_t k, double x, double y,
                         int first, int count,
                         void (*area)(void *closure, double x, double y,
                                      double w, double h),
                         void *closure) {
  const para_link *l = &para->links[k];
  double top0 = para->line_top[first];
  for (int i = first; i < first + count; i++) {
    PangoLayoutLine *line = pango_layout_get_line_readonly(para->layout, i);
    int ls = line->start_index, le = line->start_index + line->length;
    int s = MAX((int)l->start, ls), e = MIN((int)l->end, le);
    if (s >= e) continue;
    int *ranges = NULL, n = 0;
    pango_layout_line_get_x_ranges(line, s, e, &ranges, &n);
    for (int r = 0; r < n; r++) {
      double x0 = ranges[2 * r] * para->scale / PANGO_SCALE + para->shift;
      double x1 = ranges[2 * r + 1] * para->scale / PANGO_SCALE + para->shift;
      if (para->line_scale) { /* scaled about the line's left */
        double sc = para->line_scale[i], lx = para->line_x[i];
        x0 = lx + (x0 - lx) * sc;
        x1 = lx + (x1 - lx) * sc;
      }
      if (x1 <= x0) continue;
      area(closure, x + para->x_offset + x0, y + para->line_top[i] - top0,
           x1 - x0, para->line_height[i]);
    }
    g_free(ranges);
  }
}

typedef struct link_attrs {
  GString *attrs;
  cairo_t *cr;
  bool any;
} link_attrs;

static void add_link_rect(void *closure, double x, double y, double w,
                            double h) {
  link_attrs *a = closure;
  append_rect(a->attrs, a->cr, x, y, w, h);
  a->any = true;
}

static size_t draw_links(const dp_para *para, cairo_t *cr, double x,
                         double y, int first, int count) {
  size_t drawn = 0;
  for (size_t k = 0; k < para->link_count; k++) {
    link_attrs a = {g_string_new("rect=["), cr, false};
    link_rects(para, k, x, y, first, count, add_link_rect, &a);
    if (a.any) {
      g_string_append_printf(a.attrs, "] uri='%s'", para->links[k].uri);
      cairo_tag_begin(cr, CAIRO_TAG_LINK, a.attrs->str);
      cairo_tag_end(cr, CAIRO_TAG_LINK);
      drawn++;
    }
    g_string_free(a.attrs, TRUE);
  }
  return drawn;
}

size_t dp_para_draw_links(const dp_para *para, cairo_t *cr, double x,
                          double y, int first, int count) {
  g_return_val_if_fail(para != NULL && cr != NULL, 0);
  if (first < 0) first = 0;
  if (first >= para->line_count || count <= 0) return 0;
  if (count > para->line_count - first) count = para->line_count - first;
  return draw_links(para, cr, x, y, first, count);
}

void dp_para_draw(const dp_para *para, cairo_t *cr, double x, double y,
                  int first, int count, bool links) {
  g_return_if_fail(para != NULL && cr != NULL);
  if (first < 0) first = 0;
  if (first >= para->line_count || count <= 0) return;
  if (count > para->line_count - first) count = para->line_count - first;
  if (links) draw_links(para, cr, x, y, first, count);

  /* The marker first: text extracted from the PDF reads "• item". */
  double mx, my;
  if (marker_origin(para, x, y, first, &mx, &my))
    text_show_line(cr, mx, my, para->scale, 1.0,
                pango_layout_get_line_readonly(para->marker, 0));

  GSList *lines = pango_layout_get_lines_readonly(para->layout);
  lines = g_slist_nth(lines, (guint)first);
  for (int i = first; i < first + count && lines; i++, lines = lines->next) {
    double lx, ly;
    line_origin(para, x, y, first, i, &lx, &ly);
    text_show_line(cr, lx, ly, para->scale,
                para->line_scale ? para->line_scale[i] : 1.0, lines->data);
  }
  cairo_new_path(cr);
}

/* ------------------------------------------------------------------ */
/* Traces                                                               */
/* ------------------------------------------------------------------ */

/* Clamps [first, first + count) to the paragraph's lines; false if empty. */
static bool clamp_lines(const dp_para *para, int *first, int *count) {
  if (*first < 0) *first = 0;
  if (*first >= para->line_count || *count <= 0) return false;
  if (*count > para->line_count - *first) *count = para->line_count - *first;
  return true;
}

/* Appends text[start, end) without soft hyphens, line separators and the
 * character at byte `skip` (-1: none). */
static void append_visible(GString *out, const char *text, int start,
                             int end, int skip) {
  for (const char *p = text + start; p < text + end; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c != 0x00AD && c != 0x2028 && p - text != skip)
      g_string_append_unichar(out, c);
  }
}

void dp_para_describe_line(const dp_para *para, double x, double y, int first,
                           int line, dp_line_info *out) {
  memset(out, 0, sizeof *out);
  g_return_if_fail(para != NULL);
  int count = 1;
  if (!clamp_lines(para, &first, &count) || line < first ||
      line >= para->line_count)
    return;
  PangoLayoutLine *pl = pango_layout_get_line_readonly(para->layout, line);
  PangoRectangle logical;
  pango_layout_line_get_extents(pl, NULL, &logical);
  double left;
  line_origin(para, x, y, first, line, &left, &out->baseline);
  out->x0 = left + logical.x * para->scale / PANGO_SCALE;
  out->x1 = out->x0 + logical.width * para->scale / PANGO_SCALE *
                          (para->line_scale ? para->line_scale[line] : 1.0);
  const char *text = pango_layout_get_text(para->layout);
  int end = pl->start_index + pl->length;
  const char *last = end > pl->start_index ? g_utf8_prev_char(text + end) : NULL;
  /* An optimally broken line ends in a forced break, after the U+2010
   * shown for a soft hyphen (text_break_optimally). */
  if (last && g_utf8_get_char(last) == 0x2028 && last > text + pl->start_index)
    last = g_utf8_prev_char(last);
  gunichar lc = last ? g_utf8_get_char(last) : 0;
  out->hyphen = (lc == 0x00AD || (para->optimal && lc == 0x2010)) &&
                line + 1 < para->line_count;
  /* The hyphen is reported as such, not as text. */
  int skip = out->hyphen && lc == 0x2010 ? (int)(last - text) : -1;
  out->run_count = g_slist_length(pl->runs);
  out->runs = g_new0(dp_line_run, out->run_count + 1);
  size_t k = 0;
  for (GSList *r = pl->runs; r; r = r->next, k++) {
    PangoGlyphItem *run = r->data;
    dp_line_run *o = &out->runs[k];
    PangoFont *font = run->item->analysis.font;
    if (font) {
      PangoFontDescription *desc = pango_font_describe_with_absolute_size(font);
      o->family = g_strdup(pango_font_description_get_family(desc));
      o->weight = (int)pango_font_description_get_weight(desc);
      PangoStyle st = pango_font_description_get_style(desc);
      o->style = st == PANGO_STYLE_ITALIC    ? "italic"
                 : st == PANGO_STYLE_OBLIQUE ? "oblique"
                                             : "normal";
      o->size = pango_font_description_get_size(desc) * para->scale /
                PANGO_SCALE;
      pango_font_description_free(desc);
    } else {
      o->family = g_strdup("");
      o->style = "normal";
    }
    GString *t = g_string_new(NULL);
    append_visible(t, text, run->item->offset,
                     run->item->offset + run->item->length, skip);
    o->text = g_string_free(t, FALSE);
  }
}

void dp_line_info_clear(dp_line_info *info) {
  for (size_t i = 0; i < info->run_count; i++) {
    g_free(info->runs[i].family);
    g_free(info->runs[i].text);
  }
  g_free(info->runs);
  memset(info, 0, sizeof *info);
}

bool dp_para_describe_marker(const dp_para *para, double x, double y,
                             int first, double *baseline, double *x0,
                             double *x1, const char **text) {
  g_return_val_if_fail(para != NULL, false);
  double left;
  if (!marker_origin(para, x, y, first, &left, baseline)) return false;
  PangoRectangle logical;
  pango_layout_get_extents(para->marker, NULL, &logical);
  *x0 = left + logical.x * para->scale / PANGO_SCALE;
  *x1 = *x0 + logical.width * para->scale / PANGO_SCALE;
  *text = pango_layout_get_text(para->marker);
  return true;
}

static void add_link_area(void *closure, double x, double y, double w,
                            double h) {
  GArray *areas = closure;
  dp_link_area a = {x, y, w, h, NULL};
  g_array_append_val(areas, a);
}

dp_link_area *dp_para_get_link_areas(const dp_para *para, double x, double y,
                                     int first, int count, size_t *n_areas) {
  *n_areas = 0;
  g_return_val_if_fail(para != NULL, NULL);
  if (!clamp_lines(para, &first, &count)) return NULL;
  GArray *areas = g_array_new(FALSE, FALSE, sizeof(dp_link_area));
  for (size_t k = 0; k < para->link_count; k++) {
    guint before = areas->len;
    link_rects(para, k, x, y, first, count, add_link_area, areas);
    for (guint i = before; i < areas->len; i++)
      g_array_index(areas, dp_link_area, i).uri = para->links[k].uri;
  }
  *n_areas = areas->len;
  return (dp_link_area *)g_array_free(areas, FALSE);
}

/* ------------------------------------------------------------------ */
/* Preflight                                                            */
/* ------------------------------------------------------------------ */

/* OpenType OS/2 fsType bits (the embedding licence). */
#define FSTYPE_RESTRICTED 0x0002 /* must not be embedded */
#define FSTYPE_NO_SUBSET 0x0100  /* only whole (cairo always subsets) */
#define FSTYPE_BITMAP_ONLY 0x0200

/* Why `font` may not go into a PDF as an embedded outline font, or NULL. */
static char *describe_font_problem(PangoFont *font) {
  hb_font_t *hb = pango_font_get_hb_font(font);
  if (!hb) return NULL;
  hb_face_t *face = hb_font_get_face(hb);
  const char *why = NULL;
  hb_blob_t *os2 = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
  unsigned length = 0;
  const unsigned char *data =
      (const unsigned char *)hb_blob_get_data(os2, &length);
  unsigned fstype = length >= 10 ? (unsigned)data[8] << 8 | data[9] : 0;
  hb_blob_destroy(os2);
  if ((fstype & 0x000F) == FSTYPE_RESTRICTED)
    why = "its licence forbids embedding";
  else if (fstype & FSTYPE_NO_SUBSET)
    why = "its licence forbids embedding a subset";
  else if (fstype & FSTYPE_BITMAP_ONLY)
    why = "its licence allows embedding bitmaps only";
  bool outlines = false;
  static const hb_tag_t tables[] = {HB_TAG('g', 'l', 'y', 'f'),
                                    HB_TAG('C', 'F', 'F', ' '),
                                    HB_TAG('C', 'F', 'F', '2')};
  for (size_t i = 0; i < G_N_ELEMENTS(tables) && !outlines; i++) {
    hb_blob_t *blob = hb_face_reference_table(face, tables[i]);
    outlines = hb_blob_get_length(blob) > 0;
    hb_blob_destroy(blob);
  }
  if (!why && !outlines)
    why = "it has no outlines (a bitmap font, embedded as images)";
  if (!why) return NULL;
  PangoFontDescription *desc = pango_font_describe(font);
  char *problem = g_strdup_printf(
      "'%s': %s", pango_font_description_get_family(desc), why);
  pango_font_description_free(desc);
  return problem;
}

/* Grows `out`'s box by a run's or line's ink rectangle (Pango units,
 * relative to a point at (x, y) in points). */
static void grow(dp_para_ink *out, double x, double y, double scale,
                   const PangoRectangle *ink) {
  if (ink->width <= 0 || ink->height <= 0) return;
  double x0 = x + ink->x * scale / PANGO_SCALE;
  double y0 = y + ink->y * scale / PANGO_SCALE;
  double x1 = x0 + ink->width * scale / PANGO_SCALE;
  double y1 = y0 + ink->height * scale / PANGO_SCALE;
  if (out->x1 < out->x0) {
    out->x0 = x0, out->y0 = y0, out->x1 = x1, out->y1 = y1;
    return;
  }
  out->x0 = MIN(out->x0, x0);
  out->y0 = MIN(out->y0, y0);
  out->x1 = MAX(out->x1, x1);
  out->y1 = MAX(out->y1, y1);
}

/* Sizes (shown at `scale`) and fonts of a line's runs. */
static void inspect_line(PangoLayoutLine *line, double scale,
                           dp_para_ink *out) {
  for (GSList *r = line->runs; r; r = r->next) {
    PangoGlyphItem *run = r->data;
    PangoFont *font = run->item->analysis.font;
    if (!font || run->glyphs->num_glyphs == 0) continue;
    PangoFontDescription *desc = pango_font_describe_with_absolute_size(font);
    double size = pango_font_description_get_size(desc) * scale / PANGO_SCALE;
    pango_font_description_free(desc);
    if (size > 0 && (out->smallest_size == 0 || size < out->smallest_size))
      out->smallest_size = size;
    if (!out->font_problem) out->font_problem = describe_font_problem(font);
  }
}

void dp_para_inspect(const dp_para *para, double x, double y, int first,
                     int count, dp_para_ink *out) {
  *out = (dp_para_ink){0, 0, -1, -1, 0, NULL};
  g_return_if_fail(para != NULL);
  if (first < 0) first = 0;
  if (first >= para->line_count || count <= 0) return;
  if (count > para->line_count - first) count = para->line_count - first;
  double top0 = para->line_top[first];
  PangoLayoutIter *iter = pango_layout_get_iter(para->layout);
  for (int i = 0; i < first + count; i++) {
    if (i >= first) {
      /* Ink relative to Pango's baseline, placed on ours (dp_para_draw). */
      PangoRectangle ink, logical;
      pango_layout_iter_get_line_extents(iter, &ink, &logical);
      ink.y -= pango_layout_iter_get_baseline(iter);
      if (para->line_scale) { /* scaled about the line's left */
        double s = para->line_scale[i];
        ink.x = logical.x + (int)lround((ink.x - logical.x) * s);
        ink.width = (int)lround(ink.width * s);
      }
      grow(out, x + para->x_offset + para->shift,
             y + para->line_baseline[i] - top0,
             para->scale, &ink);
      inspect_line(pango_layout_iter_get_line_readonly(iter), para->scale,
                     out);
    }
    if (!pango_layout_iter_next_line(iter)) break;
  }
  pango_layout_iter_free(iter);
  if (para->marker && first == 0) {
    PangoLayoutLine *line = pango_layout_get_line_readonly(para->marker, 0);
    PangoRectangle ink, logical;
    pango_layout_line_get_extents(line, &ink, &logical);
    double mx, my;
    marker_origin(para, x, y, first, &mx, &my);
    grow(out, mx, y + para->line_baseline[0] - top0, para->scale, &ink);
    inspect_line(line, para->scale, out);
  }
}