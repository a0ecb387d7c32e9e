/* render: see render.h. */
#include "render.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "config.h"
#include "image.h"
#include "plugin.h"

/* ---- Imposition ---------------------------------------------------- */

/* Saddle stitch: the outermost sheet carries the first and last pages.
 * Sheet i (0-based) shows, on its front, pages n-2i (left) and 2i+1
 * (right); on its back 2i+2 (left) and n-2i-1 (right).  Printed duplex
 * and flipped on the short edge, folded and stapled, the pages read in
 * order. */
void dp_impose_saddle_stitch_order(int pages, int *order) {
  int k = 0;
  for (int i = 0; i < pages / 4; i++) {
    order[k++] = pages - 2 * i;
    order[k++] = 2 * i + 1;
    order[k++] = 2 * i + 2;
    order[k++] = pages - 2 * i - 1;
  }
}

static int padded_count(const dp_pageset *set) {
  return ((int)set->page_count + 3) / 4 * 4;
}

size_t dp_render_get_page_count(const dp_pageset *set,
                                const dp_render_settings *options) {
  if (options->impose == DP_IMPOSE_SADDLE_STITCH)
    return (size_t)padded_count(set) / 2;
  return set->page_count;
}

/* ---- Drawing a page's display list --------------------------------- */

static void set_colour(cairo_t *cr, dp_colour c) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

static void box_path(cairo_t *cr, double x, double y, double w, double h,
                     double r) {
  r = MIN(r, MIN(w, h) / 2);
  if (r <= 0) {
    cairo_rectangle(cr, x, y, w, h);
    return;
  }
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc(cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc(cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path(cr);
}

/* A QR code as vector squares, runs of dark modules merged into one
 * rectangle each, on a light square that includes the quiet zone. */
static void draw_qr(cairo_t *cr, const dp_draw *d) {
  const dp_qr *qr = d->qr;
  int total = qr->size + 2 * DP_QR_QUIET_ZONE;
  double module = d->width / total;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, d->x, d->y, d->width, d->height);
  cairo_fill(cr);
  set_colour(cr, d->fill);
  double x0 = d->x + DP_QR_QUIET_ZONE * module;
  double y0 = d->y + DP_QR_QUIET_ZONE * module;
  for (int row = 0; row < qr->size; row++) {
    int col = 0;
    while (col < qr->size) {
      if (!qr->dark[row * qr->size + col]) {
        col++;
        continue;
      }
      int start = col;
      while (col < qr->size && qr->dark[row * qr->size + col]) col++;
      cairo_rectangle(cr, x0 + start * module, y0 + row * module,
                      (col - start) * module, module);
    }
  }
  cairo_fill(cr);
}

/* Images were checked when the page set was composed (their format,
 * size and, for JPEG and SVG, that the module loads), so a failure here
 * can only come from a file changed since: it draws nothing. */
static void draw_image(cairo_t *cr, const dp_draw *d) {
  dp_image_info info;
  char *error = NULL;
  if (!dp_image_probe(d->image_path, &info, &error)) {
    g_free(error);
    return;
  }
  if (info.format == DP_IMAGE_SVG) {
    const dp_svg_api *svg = dp_plugin_get("svg", &error);
    if (svg) svg->draw(d->image_path, cr, d->x, d->y, d->width, d->height, &error);
    g_free(error);
    return;
  }
  cairo_surface_t *image = NULL;
  if (info.format == DP_IMAGE_JPEG) {
    const dp_jpeg_api *jpeg = dp_plugin_get("jpeg", &error);
    if (jpeg) image = jpeg->load(d->image_path, &error);
  } else {
    image = cairo_image_surface_create_from_png(d->image_path);
  }
  g_free(error);
  if (image && cairo_surface_status(image) == CAIRO_STATUS_SUCCESS) {
    int w = cairo_image_surface_get_width(image);
    int h = cairo_image_surface_get_height(image);
    cairo_save(cr);
    cairo_rectangle(cr, d->x, d->y, d->width, d->height);
    cairo_clip(cr);
    cairo_translate(cr, d->x, d->y);
    cairo_scale(cr, d->width / w, d->height / h);
    cairo_set_source_surface(cr, image, 0, 0);
    /* Photographs scaled down on paper: good filtering for PNG output. */
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
  }
  if (image) cairo_surface_destroy(image);
}

static void draw_page(cairo_t *cr, const dp_page *page, bool links) {
  for (size_t i = 0; i < page->count; i++) {
    const dp_draw *d = &page->draws[i];
    switch (d->kind) {
      case DP_DRAW_TEXT:
        dp_para_draw(d->para, cr, d->x, d->y, d->first_line, d->line_count,
                     links);
        break;
      case DP_DRAW_BOX:
        box_path(cr, d->x, d->y, d->width, d->height, d->radius);
        if (d->has_fill) {
          set_colour(cr, d->fill);
          if (d->has_stroke) cairo_fill_preserve(cr);
          else cairo_fill(cr);
        }
        if (d->has_stroke) {
          set_colour(cr, d->stroke);
          cairo_set_line_width(cr, d->stroke_width);
          cairo_stroke(cr);
        }
        cairo_new_path(cr);
        break;
      case DP_DRAW_QR: draw_qr(cr, d); break;
      case DP_DRAW_IMAGE: draw_image(cr, d); break;
    }
  }
}

/* Output page `index`: one page, or one sheet side of two pages. */
static void draw_output_page(cairo_t *cr, const dp_pageset *set,
                             const dp_render_settings *options, size_t index) {
  double b = set->bleed;
  if (options->impose != DP_IMPOSE_SADDLE_STITCH) {
    cairo_save(cr);
    cairo_translate(cr, b, b);
    draw_page(cr, &set->pages[index], true);
    cairo_restore(cr);
    return;
  }
  int n = padded_count(set);
  int *order = g_new(int, n);
  dp_impose_saddle_stitch_order(n, order);
  for (int side = 0; side < 2; side++) {
    int number = order[2 * index + side];
    if (number > (int)set->page_count) continue; /* a blank padding page */
    cairo_save(cr);
    /* Each page keeps its bleed on the outer edges only. */
    double clip_x = side == 0 ? 0 : b + set->width;
    cairo_rectangle(cr, clip_x, 0, set->width + b, set->height + 2 * b);
    cairo_clip(cr);
    cairo_translate(cr, b + side * set->width, b);
    draw_page(cr, &set->pages[number - 1], false);
    cairo_restore(cr);
  }
  g_free(order);
}

static void output_size(const dp_pageset *set, const dp_render_settings *options,
                        double *width, double *height) {
  double b = set->bleed;
  *width = set->width + 2 * b;
  *height = set->height + 2 * b;
  if (options->impose == DP_IMPOSE_SADDLE_STITCH) *width = 2 * set->width + 2 * b;
}

typedef struct writer {
  dp_write_func write;
  void *closure;
} writer;

static cairo_status_t write_adapter(void *closure, const unsigned char *data,
                                    unsigned int length) {
  writer *w = closure;
  return w->write(w->closure, data, length) ? CAIRO_STATUS_SUCCESS
                                            : CAIRO_STATUS_WRITE_ERROR;
}

static void add_outline(cairo_surface_t *surface, const dp_pageset *set) {
  int parents[8] = {CAIRO_PDF_OUTLINE_ROOT};
  for (size_t i = 0; i < set->outline_count; i++) {
    const dp_outline_entry *e = &set->outline[i];
    int level = CLAMP(e->level, 1, 7);
    /* A level deeper than any open one hangs on the nearest open parent. */
    int parent = CAIRO_PDF_OUTLINE_ROOT;
    for (int l = level - 1; l >= 1; l--)
      if (parents[l]) {
        parent = parents[l];
        break;
      }
    char *dest = g_strdup_printf("page=%d pos=[%.2f %.2f]", e->page + 1,
                                 set->bleed, e->y + set->bleed);
    int id = cairo_pdf_surface_add_outline(surface, parent, e->title, dest,
                                           CAIRO_PDF_OUTLINE_FLAG_OPEN);
    g_free(dest);
    parents[level] = id;
    for (int l = level + 1; l < 8; l++) parents[l] = 0;
  }
}

bool dp_render_pdf(const dp_pageset *set, const dp_render_settings *options,
                   dp_write_func write, void *closure) {
  double width, height;
  output_size(set, options, &width, &height);
  writer pair = {write, closure};
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream(write_adapter, &pair, width, height);
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  GDateTime *date = g_date_time_new_from_unix_utc(options->date);
  char *iso = date ? g_date_time_format(date, "%Y-%m-%dT%H:%M:%S") : NULL;
  if (iso) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, iso);
  }
  g_free(iso);
  if (date) g_date_time_unref(date);
  if (set->title) cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, set->title);
  if (set->author) cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, set->author);
  if (set->subject) cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, set->subject);
  if (set->keywords) cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, set->keywords);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
                                 "disputas " DP_VERSION);

  cairo_t *cr = cairo_create(surface);
  size_t pages = dp_render_get_page_count(set, options);
  for (size_t i = 0; i < pages; i++) {
    draw_output_page(cr, set, options, i);
    cairo_show_page(cr);
  }
  if (options->impose != DP_IMPOSE_SADDLE_STITCH) add_outline(surface, set);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  bool ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(surface);
  return ok;
}

bool dp_render_page(const dp_pageset *set, const dp_render_settings *options,
                    size_t index, dp_write_func write, void *closure) {
  double width, height;
  output_size(set, options, &width, &height);
  writer pair = {write, closure};
  bool ok;
  if (options->format == DP_FORMAT_SVG) {
    cairo_surface_t *surface =
        cairo_svg_surface_create_for_stream(write_adapter, &pair, width, height);
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
    cairo_t *cr = cairo_create(surface);
    draw_output_page(cr, set, options, index);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surface);
    return ok;
  }
  double dpi = options->dpi > 0 ? options->dpi : 150;
  double k = dpi / 72.0;
  int pw = (int)ceil(width * k), ph = (int)ceil(height * k);
  cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
  cairo_t *cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, k, k);
  draw_output_page(cr, set, options, index);
  cairo_destroy(cr);
  ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS &&
       cairo_surface_write_to_png_stream(surface, write_adapter, &pair) ==
           CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(surface);
  return ok;
}
