/* pdf-boxes: what a PDF has inside given rectangles of its pages, as
 * poppler reads and draws it, for rtl.py's mirror test.
 *
 * Usage: pdf-boxes FILE.pdf < REGIONS
 *
 * Each line of REGIONS is "PAGE X Y W H" (page from 1; points from the
 * page's top-left corner).  For each it prints "region N", then
 *
 *   ink X0 Y0 X1 Y1     the box of the pixels, drawn at 4 px a point,
 *                       that differ from the region's commonest colour
 *                       (text, rules, QR modules, images on a plain
 *                       ground or a band's fill); "ink none" if none
 *   image X0 Y0 X1 Y1   each image whose centre is in the region
 *   char X0 Y0 X1 Y1    each character (not a space) whose centre is in
 *                       the region
 *
 * Characters and pixels do not depend on how pdftotext splits words,
 * which differs between the two directions of a line of Arabic. */
#include <cairo.h>
#include <glib.h>
#include <poppler.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCALE 4.0

typedef struct drawn {
  int number;               /* page number from 1, 0 if none */
  cairo_surface_t *surface; /* the page on white, at SCALE */
  char *text;
  PopplerRectangle *rects;
  guint rect_count;
  GList *images;
} drawn;

static void drawn_clear(drawn *d) {
  if (d->surface) cairo_surface_destroy(d->surface);
  g_free(d->text);
  g_free(d->rects);
  if (d->images) poppler_page_free_image_mapping(d->images);
  memset(d, 0, sizeof *d);
}

static bool draw(PopplerDocument *doc, int number, drawn *d) {
  if (d->number == number) return true;
  drawn_clear(d);
  if (number < 1 || number > poppler_document_get_n_pages(doc)) return false;
  PopplerPage *page = poppler_document_get_page(doc, number - 1);
  double w, h;
  poppler_page_get_size(page, &w, &h);
  d->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                          (int)(w * SCALE + 0.5),
                                          (int)(h * SCALE + 0.5));
  cairo_t *cr = cairo_create(d->surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, SCALE, SCALE);
  poppler_page_render(page, cr);
  cairo_destroy(cr);
  cairo_surface_flush(d->surface);
  d->text = poppler_page_get_text(page);
  if (!poppler_page_get_text_layout(page, &d->rects, &d->rect_count)) {
    d->rects = NULL;
    d->rect_count = 0;
  }
  d->images = poppler_page_get_image_mapping(page);
  d->number = number;
  g_object_unref(page);
  return true;
}

static bool inside(double x, double y, double rx, double ry, double rw,
                   double rh) {
  return x >= rx && x < rx + rw && y >= ry && y < ry + rh;
}

/* Whether two RGB24 pixels differ by more than anti-aliasing's faint
 * fringe in any channel. */
static bool differ(uint32_t a, uint32_t b) {
  for (int shift = 0; shift < 24; shift += 8) {
    int ca = (int)((a >> shift) & 0xff), cb = (int)((b >> shift) & 0xff);
    if (abs(ca - cb) > 48) return true;
  }
  return false;
}

static void print_ink(const drawn *d, double x, double y, double w,
                      double h) {
  int sw = cairo_image_surface_get_width(d->surface);
  int sh = cairo_image_surface_get_height(d->surface);
  int stride = cairo_image_surface_get_stride(d->surface);
  const unsigned char *data = cairo_image_surface_get_data(d->surface);
  int x0 = (int)(x * SCALE + 0.5), y0 = (int)(y * SCALE + 0.5);
  int x1 = (int)((x + w) * SCALE + 0.5), y1 = (int)((y + h) * SCALE + 0.5);
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > sw) x1 = sw;
  if (y1 > sh) y1 = sh;
  if (x0 >= x1 || y0 >= y1) {
    printf("ink none\n");
    return;
  }
  /* The commonest colour is the ground: a majority vote that keeps one
   * candidate (Boyer-Moore), then counted to be sure it is one. */
  uint32_t ground = 0;
  long votes = 0;
  for (int j = y0; j < y1; j++) {
    const uint32_t *row = (const uint32_t *)(const void *)(data + j * stride);
    for (int i = x0; i < x1; i++) {
      uint32_t c = row[i] & 0xffffff;
      if (votes == 0) ground = c;
      votes += c == ground ? 1 : -1;
    }
  }
  int bx0 = x1, by0 = y1, bx1 = x0 - 1, by1 = y0 - 1;
  for (int j = y0; j < y1; j++) {
    const uint32_t *row = (const uint32_t *)(const void *)(data + j * stride);
    for (int i = x0; i < x1; i++) {
      if (!differ(row[i] & 0xffffff, ground)) continue;
      if (i < bx0) bx0 = i;
      if (i > bx1) bx1 = i;
      if (j < by0) by0 = j;
      if (j > by1) by1 = j;
    }
  }
  if (bx1 < bx0) {
    printf("ink none\n");
    return;
  }
  printf("ink %.2f %.2f %.2f %.2f\n", bx0 / SCALE, by0 / SCALE,
         (bx1 + 1) / SCALE, (by1 + 1) / SCALE);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: pdf-boxes FILE.pdf < REGIONS\n");
    return 2;
  }
  GError *error = NULL;
  char *path = g_canonicalize_filename(argv[1], NULL);
  char *uri = g_filename_to_uri(path, NULL, &error);
  g_free(path);
  PopplerDocument *doc =
      uri ? poppler_document_new_from_file(uri, NULL, &error) : NULL;
  g_free(uri);
  if (!doc) {
    fprintf(stderr, "pdf-boxes: %s\n", error->message);
    g_error_free(error);
    return 1;
  }
  drawn d = {0};
  char line[256];
  int region = 0, status = 0;
  while (fgets(line, sizeof line, stdin)) {
    int number;
    double x, y, w, h;
    if (sscanf(line, "%d %lf %lf %lf %lf", &number, &x, &y, &w, &h) != 5 ||
        !draw(doc, number, &d)) {
      fprintf(stderr, "pdf-boxes: bad region: %s", line);
      status = 1;
      break;
    }
    printf("region %d\n", ++region);
    print_ink(&d, x, y, w, h);
    for (GList *l = d.images; l; l = l->next) {
      const PopplerImageMapping *m = l->data;
      const PopplerRectangle *a = &m->area;
      if (inside((a->x1 + a->x2) / 2, (a->y1 + a->y2) / 2, x, y, w, h))
        printf("image %.2f %.2f %.2f %.2f\n", a->x1, a->y1, a->x2, a->y2);
    }
    /* The layout has a rectangle for each character of the text. */
    const char *p = d.text;
    for (guint i = 0; i < d.rect_count && p && *p;
         i++, p = g_utf8_next_char(p)) {
      gunichar c = g_utf8_get_char(p);
      const PopplerRectangle *r = &d.rects[i];
      if (g_unichar_isspace(c) || r->x2 <= r->x1) continue;
      if (inside((r->x1 + r->x2) / 2, (r->y1 + r->y2) / 2, x, y, w, h))
        printf("char %.2f %.2f %.2f %.2f\n", r->x1, r->y1, r->x2, r->y2);
    }
  }
  drawn_clear(&d);
  g_object_unref(doc);
  return status;
}
