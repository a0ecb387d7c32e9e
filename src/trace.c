/* trace: see trace.h; the format is docs/trace.md. */
#include "trace.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "text.h"

/* The trace format's version, on its first line. */
#define TRACE_VERSION 2

/* Appends `v` to 0.01, never "-0.00", whatever the locale. */
static void put_value(GString *out, double v) {
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  if (fabs(v) < 0.005) v = 0;
  g_ascii_formatd(num, sizeof num, "%.2f", v);
  g_string_append(out, num);
}

/* Appends " KEY=V", or " V" when key is NULL. */
static void put_num(GString *out, const char *key, double v) {
  g_string_append_c(out, ' ');
  if (key) g_string_append_printf(out, "%s=", key);
  put_value(out, v);
}

/* Appends " KEY=A..B". */
static void put_range(GString *out, const char *key, double a, double b) {
  put_num(out, key, a);
  g_string_append(out, "..");
  put_value(out, b);
}

static void put_rect(GString *out, double x, double y, double w, double h) {
  put_num(out, "x", x);
  put_num(out, "y", y);
  put_num(out, "w", w);
  put_num(out, "h", h);
}

/* Appends UTF-8 text with \, " and { escaped and control characters as
 * \xNN, so a line of text stays one line of the trace. */
static void put_escaped(GString *out, const char *text) {
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p == '\\' || *p == '"' || *p == '{')
      g_string_append_printf(out, "\\%c", *p);
    else if (*p < 0x20 || *p == 0x7f)
      g_string_append_printf(out, "\\x%02X", *p);
    else
      g_string_append_c(out, (char)*p);
  }
}

static void put_string(GString *out, const char *text) {
  g_string_append_c(out, '"');
  put_escaped(out, text ? text : "");
  g_string_append_c(out, '"');
}

static void put_colour(GString *out, const char *key, dp_colour c) {
  g_string_append_printf(out, " %s=#%02x%02x%02x", key,
                         (unsigned)lround(CLAMP(c.r, 0, 1) * 255),
                         (unsigned)lround(CLAMP(c.g, 0, 1) * 255),
                         (unsigned)lround(CLAMP(c.b, 0, 1) * 255));
  if (c.a < 1) g_string_append_printf(out, "/%u", (unsigned)lround(CLAMP(c.a, 0, 1) * 255));
}

/* A font: the family quoted, or in a {} change of font as is (family
 * names have no braces). */
static void put_font(GString *out, const dp_line_run *r, bool quoted) {
  if (quoted) put_string(out, r->family);
  else g_string_append(out, r->family);
  g_string_append_printf(out, " %d %s", r->weight, r->style);
  put_num(out, NULL, r->size);
}

static bool same_font(const dp_line_run *a, const dp_line_run *b) {
  return !strcmp(a->family, b->family) && a->weight == b->weight &&
         !strcmp(a->style, b->style) && fabs(a->size - b->size) < 0.005;
}

static const char *role_name(dp_role role) {
  static const char *const names[] = {
      [DP_ROLE_ARTIFACT] = "artifact", [DP_ROLE_P] = "P",
      [DP_ROLE_H1] = "H1", [DP_ROLE_H2] = "H2", [DP_ROLE_H3] = "H3",
      [DP_ROLE_H4] = "H4", [DP_ROLE_H5] = "H5", [DP_ROLE_H6] = "H6",
      [DP_ROLE_LI] = "LI", [DP_ROLE_FIGURE] = "Figure"};
  return (size_t)role < G_N_ELEMENTS(names) && names[role] ? names[role] : "?";
}

/* One line: its baseline, extent, first font and text; a change of font
 * inside the line shows where it happens as {FAMILY WEIGHT STYLE SIZE}. */
static void put_line(GString *out, const dp_line_info *info) {
  g_string_append(out, "    line");
  put_num(out, "y", info->baseline);
  put_range(out, "x", info->x0, info->x1);
  const dp_line_run *font = NULL;
  for (size_t i = 0; i < info->run_count; i++) {
    const dp_line_run *r = &info->runs[i];
    if (!font) {
      g_string_append_c(out, ' ');
      put_font(out, r, true);
      g_string_append(out, " \"");
    } else if (!same_font(font, r)) {
      g_string_append_c(out, '{');
      put_font(out, r, false);
      g_string_append_c(out, '}');
    }
    font = r;
    put_escaped(out, r->text);
  }
  if (!font) g_string_append(out, " \"");
  if (info->hyphen) g_string_append_c(out, '-');
  g_string_append(out, "\"\n");
}

static void put_text(GString *out, const dp_draw *d) {
  g_string_append(out, "  text");
  put_rect(out, d->x, d->y, d->width, d->height);
  g_string_append(out, " style=");
  put_string(out, d->style ? d->style->name : NULL);
  g_string_append_printf(out, " role=%s", role_name(d->role));
  if (d->lang) {
    g_string_append(out, " lang=");
    put_string(out, d->lang);
  }
  g_string_append_printf(out, " lines=%d+%d\n", d->first_line,
                         d->line_count);
  double baseline, x0, x1;
  const char *marker;
  if (dp_para_describe_marker(d->para, d->x, d->y, d->first_line, &baseline,
                              &x0, &x1, &marker)) {
    g_string_append(out, "    marker");
    put_num(out, "y", baseline);
    put_range(out, "x", x0, x1);
    g_string_append_c(out, ' ');
    put_string(out, marker);
    g_string_append_c(out, '\n');
  }
  int lines = dp_para_get_line_count(d->para);
  for (int i = d->first_line; i < d->first_line + d->line_count && i < lines;
       i++) {
    dp_line_info info;
    dp_para_describe_line(d->para, d->x, d->y, d->first_line, i, &info);
    put_line(out, &info);
    dp_line_info_clear(&info);
  }
  size_t n = 0;
  dp_link_area *links = dp_para_get_link_areas(
      d->para, d->x, d->y, d->first_line, d->line_count, &n);
  for (size_t i = 0; i < n; i++) {
    g_string_append(out, "    link");
    put_rect(out, links[i].x, links[i].y, links[i].width, links[i].height);
    g_string_append_c(out, ' ');
    put_string(out, links[i].uri);
    g_string_append_c(out, '\n');
  }
  g_free(links);
}

static void put_draw(GString *out, const dp_draw *d) {
  switch (d->kind) {
    case DP_DRAW_TEXT: put_text(out, d); return;
    case DP_DRAW_BOX:
      g_string_append(out, "  box");
      put_rect(out, d->x, d->y, d->width, d->height);
      if (d->has_fill) put_colour(out, "fill", d->fill);
      if (d->has_stroke) {
        put_colour(out, "stroke", d->stroke);
        put_num(out, "line", d->stroke_width);
      }
      if (d->radius > 0) put_num(out, "radius", d->radius);
      break;
    case DP_DRAW_QR:
      g_string_append(out, "  qr");
      put_rect(out, d->x, d->y, d->width, d->height);
      g_string_append_printf(out, " modules=%d", d->qr ? d->qr->size : 0);
      put_colour(out, "colour", d->fill);
      break;
    case DP_DRAW_IMAGE: {
      /* The file's name only: the folder is the machine's. */
      char *base = g_path_get_basename(d->image_path ? d->image_path : "");
      g_string_append(out, "  image");
      put_rect(out, d->x, d->y, d->width, d->height);
      g_string_append(out, " file=");
      put_string(out, base);
      if (d->cover) g_string_append(out, " cover");
      g_free(base);
      break;
    }
  }
  g_string_append_printf(out, " role=%s", role_name(d->role));
  if (d->alt) {
    g_string_append(out, " alt=");
    put_string(out, d->alt);
  }
  g_string_append_c(out, '\n');
}

static void put_frame(GString *out, size_t index, const dp_placed_frame *f) {
  g_string_append_printf(out, "  frame %zu ", index);
  put_string(out, f->name);
  if (f->flow) {
    g_string_append(out, " flow=");
    put_string(out, f->flow);
  }
  if (!f->present) {
    g_string_append(out, " absent\n");
    return;
  }
  put_rect(out, f->x, f->y, f->width, f->height);
  /* A flow's scale only when its pages were planned at another. */
  if (!f->flow || fabs(f->scale - 1.0) > 1e-9) {
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(num, sizeof num, "%.4f", f->scale);
    g_string_append_printf(out, " scale=%s", num);
  }
  g_string_append_c(out, '\n');
}

static void put_header(GString *out, const dp_pageset *set,
                       const dp_render_settings *options) {
  g_string_append_printf(out, "disputas-trace %d\n", TRACE_VERSION);
  g_string_append_printf(out, "pages %zu", set->page_count);
  put_num(out, "trim-w", set->width);
  put_num(out, "trim-h", set->height);
  put_num(out, "bleed", set->bleed);
  g_string_append(out, " lang=");
  put_string(out, set->lang);
  g_string_append_c(out, '\n');
  dp_sheet_geometry g;
  dp_render_get_geometry(set, options, &g);
  bool imposed = options->impose == DP_IMPOSE_SADDLE_STITCH;
  g_string_append_printf(out, "output %s pages=%zu",
                         imposed ? "saddle-stitch" : "pages",
                         dp_render_get_page_count(set, options));
  put_num(out, "media-w", g.media_width);
  put_num(out, "media-h", g.media_height);
  put_num(out, "trim-x", g.trim_x);
  put_num(out, "trim-y", g.trim_y);
  put_num(out, "bleed", g.bleed);
  g_string_append_printf(out, " press=%s marks=%s",
                         options->press || options->marks ? "yes" : "no",
                         options->marks ? "yes" : "no");
  if (imposed) put_num(out, "creep", options->creep);
  g_string_append_c(out, '\n');
  if (imposed) {
    int n = ((int)set->page_count + 3) / 4 * 4;
    int *order = g_new(int, n);
    dp_impose_saddle_stitch_order(n, set->rtl, order);
    for (int i = 0; i < n; i += 2)
      g_string_append_printf(out, "sheet %d %s %d|%d\n", i / 4 + 1,
                             i % 4 ? "back" : "front", order[i], order[i + 1]);
    g_free(order);
  }
  for (size_t i = 0; i < set->outline_count; i++) {
    const dp_outline_entry *e = &set->outline[i];
    g_string_append_printf(out, "outline %d page=%d", e->level, e->page + 1);
    put_num(out, "y", e->y);
    g_string_append_c(out, ' ');
    put_string(out, e->title);
    g_string_append_c(out, '\n');
  }
}

bool dp_trace_write(const dp_pageset *set, const dp_render_settings *options,
                    dp_write_func write, void *closure) {
  GString *out = g_string_new(NULL);
  put_header(out, set, options);
  for (size_t p = 0; p < set->page_count; p++) {
    const dp_page *page = &set->pages[p];
    g_string_append_printf(out, "\npage %zu %s template=", p + 1,
                           page->verso ? "verso" : "recto");
    put_string(out, page->template_name);
    g_string_append_c(out, '\n');
    for (size_t i = 0; i < page->frame_count; i++)
      put_frame(out, i, &page->frames[i]);
    for (size_t i = 0; i < page->count; i++) put_draw(out, &page->draws[i]);
  }
  bool ok = write(closure, (const unsigned char *)out->str, out->len);
  g_string_free(out, TRUE);
  return ok;
}
