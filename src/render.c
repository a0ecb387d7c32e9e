/* render: see render.h. */
#include "render.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "config.h"
#include "fontlock.h"
#include "image.h"
#include "plugin.h"
#include "preflight.h"
#include "press-profile.h"
#include "xmp.h"

/* ---- Imposition ---------------------------------------------------- */

/* Saddle stitch: the outermost sheet carries the first and last pages.
 * Sheet i (0-based) shows, on its front, pages n-2i (left) and 2i+1
 * (right); on its back 2i+2 (left) and n-2i-1 (right).  Printed duplex
 * and flipped on the short edge, folded and stapled, the pages read in
 * order.  A booklet bound on the right (read right to left) has its
 * spine on the right of page 1: every side is mirrored, page 1 on the
 * left of the front and page 2 on the right of the back, behind it. */
void dp_impose_saddle_stitch_order(int pages, bool right_bound, int *order) {
  int k = 0;
  for (int i = 0; i < pages / 4; i++) {
    int front[2] = {pages - 2 * i, 2 * i + 1};
    int back[2] = {2 * i + 2, pages - 2 * i - 1};
    int a = right_bound ? 1 : 0;
    order[k++] = front[a];
    order[k++] = front[1 - a];
    order[k++] = back[a];
    order[k++] = back[1 - a];
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

/* Images were decoded when the document was read (image.h), so a failure
 * here comes from a file changed since, or from drawing at a size the
 * check did not try: it is an error at the document's line, never a
 * blank.  Returns false after reporting to `diag`. */
static bool draw_image(cairo_t *cr, const dp_draw *d,
                       const dp_render_settings *options) {
  dp_diag *diag = options->diag;
  char *error = NULL;
  /* SVG text in the context's fonts (the caller holds the font lock,
   * which loading them needs). */
  void *font_map =
      options->text ? dp_text_get_svg_font_map(options->text) : NULL;
  bool ok = dp_image_draw(cr, d->image_path, d->x, d->y, d->width, d->height,
                          d->cover, font_map, options->cancel, &error);
  /* Stopped (cancel.h): not the image's fault. */
  if (!ok && dp_cancel_stop(options->cancel)) {
    g_free(error);
    return false;
  }
  if (!ok && diag)
    dp_error(diag, d->source.file ? d->source : d->mark,
             "the image '%s' cannot be drawn: %s", d->image_path,
             error ? error : "unknown error");
  g_free(error);
  return ok;
}

/* ---- Structure tags ------------------------------------------------ */

/* Tagging a PDF in reading order.  Cairo 1.16 writes /StructTreeRoot and
 * /MarkInfo once a "Document" element is open, but marks only the content
 * of leaf elements: every draw is one leaf (P, H1..H6, LI, Figure), list
 * items in a row are gathered in one L, a paragraph's links follow it as
 * sibling Link elements, and a list item's follow it in the list (the
 * qpdf module puts them in the item).  Its elements are in the order
 * they were begun, which is the order of drawing (a page's frames as
 * its template lists them, for their geometry; an imposed booklet's
 * pages in the printer's order); each child of the document is keyed
 * here by its page and its frame's place in the template's reading
 * order, and the qpdf module puts them in that order.  A list ends with
 * its page, since the page drawn next need not be the next one read;
 * where the next page read goes on with it, the qpdf module joins the
 * two (list_joins()).  Structure tags take no attributes in 1.16 (an
 * "alt" is ignored), so the elements' alternative texts and languages
 * are collected too, for the qpdf module to add. */
typedef struct reading_key {
  size_t page;
  int reading; /* the frame's place (dp_draw.reading) */
  size_t seq;  /* the order begun: keeps a frame's elements in order */
} reading_key;

#define NO_LIST ((size_t)-1)

/* A page's lists at its edges: the L its first element opened and the
 * L open at its end (children of the document, by seq; NO_LIST: none),
 * with their frames' places. */
typedef struct page_lists {
  bool tagged; /* any element begun on it */
  size_t opens, ends;
  int opens_reading, ends_reading;
} page_lists;

typedef struct tagger {
  bool in_list;
  int list_reading;   /* the open list's frame's place */
  size_t list_seq;    /* the open list's key */
  size_t page;        /* the page being drawn, in reading order */
  const char *lang;   /* the document's */
  GArray *elems;      /* dp_pdf_struct_elem, strings owned by the set */
  GArray *keys;       /* reading_key per child of the document element */
  page_lists *pages;  /* one per page of the set */
  size_t page_count;
} tagger;

static const char *const role_tags[] = {
    [DP_ROLE_P] = "P",   [DP_ROLE_H1] = "H1", [DP_ROLE_H2] = "H2",
    [DP_ROLE_H3] = "H3", [DP_ROLE_H4] = "H4", [DP_ROLE_H5] = "H5",
    [DP_ROLE_H6] = "H6", [DP_ROLE_LI] = "LI", [DP_ROLE_FIGURE] = "Figure"};

static void tag_element(tagger *t, const char *tag, const char *alt,
                        const char *lang) {
  dp_pdf_struct_elem e = {tag, alt, lang};
  g_array_append_val(t->elems, e);
}

/* `count` more children of the document element, from frame place
 * `reading` of the current page. */
static void tag_children(tagger *t, int reading, size_t count) {
  for (size_t i = 0; i < count; i++) {
    reading_key k = {t->page, reading, t->keys->len};
    g_array_append_val(t->keys, k);
  }
}

static void tag_end_list(cairo_t *cr, tagger *t) {
  if (t->in_list) cairo_tag_end(cr, "L");
  t->in_list = false;
}

/* The end of the current page's drawing: its open list noted, and
 * ended. */
static void tag_end_page(cairo_t *cr, tagger *t) {
  if (!t) return;
  if (t->in_list) {
    t->pages[t->page].ends = t->list_seq;
    t->pages[t->page].ends_reading = t->list_reading;
  }
  tag_end_list(cr, t);
}

/* Opens the element of `d`; returns its tag, or NULL when it has none. */
static const char *tag_begin(cairo_t *cr, tagger *t, const dp_draw *d) {
  if (!t || d->role == DP_ROLE_ARTIFACT ||
      (size_t)d->role >= G_N_ELEMENTS(role_tags))
    return NULL;
  page_lists *page = &t->pages[t->page];
  bool first = !page->tagged;
  page->tagged = true;
  bool item = d->role == DP_ROLE_LI;
  /* A list ends where another frame's content begins. */
  if (!item || t->list_reading != d->reading) tag_end_list(cr, t);
  if (item && !t->in_list) {
    cairo_tag_begin(cr, "L", NULL);
    tag_element(t, "L", NULL, NULL);
    t->list_seq = t->keys->len;
    if (first) {
      page->opens = t->list_seq;
      page->opens_reading = d->reading;
    }
    tag_children(t, d->reading, 1);
    t->in_list = true;
    t->list_reading = d->reading;
  }
  const char *tag = role_tags[d->role];
  /* A language is told where it differs from the document's. */
  const char *lang =
      d->lang && g_ascii_strcasecmp(d->lang, t->lang ? t->lang : "") != 0
          ? d->lang
          : NULL;
  tag_element(t, tag, d->role == DP_ROLE_FIGURE ? d->alt : NULL, lang);
  if (!item) tag_children(t, d->reading, 1);
  cairo_tag_begin(cr, tag, NULL);
  return tag;
}

static void tag_end(cairo_t *cr, const char *tag) {
  if (tag) cairo_tag_end(cr, tag);
}

static int compare_keys(const void *a, const void *b) {
  const reading_key *x = a, *y = b;
  if (x->page != y->page) return x->page < y->page ? -1 : 1;
  if (x->reading != y->reading) return x->reading < y->reading ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

/* (transfer full) The children of the document element in reading
 * order, as indices into the order begun (plugin.h). */
static size_t *reading_order(const tagger *t) {
  reading_key *keys = g_memdup2(t->keys->data,
                                t->keys->len * sizeof(reading_key));
  qsort(keys, t->keys->len, sizeof *keys, compare_keys);
  size_t *order = g_new(size_t, t->keys->len + 1);
  for (guint i = 0; i < t->keys->len; i++) order[i] = keys[i].seq;
  g_free(keys);
  return order;
}

/* (transfer full) The lists that go on from a page before (plugin.h,
 * `joins`): read page after page, a page whose first element is an item
 * of the frame whose list was open at the end of the last page with
 * elements goes on with that list (the pages between had nothing to
 * read), as one list open across the pages would. */
static size_t *list_joins(const tagger *t) {
  size_t *joins = g_new(size_t, t->keys->len + 1);
  for (guint i = 0; i < t->keys->len; i++) joins[i] = i;
  size_t open = NO_LIST; /* the list open, as the one it joins */
  int open_reading = 0;
  for (size_t p = 0; p < t->page_count; p++) {
    const page_lists *page = &t->pages[p];
    if (!page->tagged) continue;
    bool goes_on = open != NO_LIST && page->opens != NO_LIST &&
                   page->opens_reading == open_reading;
    if (goes_on) joins[page->opens] = open;
    if (page->ends == NO_LIST) {
      open = NO_LIST;
    } else {
      open = goes_on && page->ends == page->opens ? open : page->ends;
      open_reading = page->ends_reading;
    }
  }
  return joins;
}

/* Draws a page's display list; `t` tags it (NULL: untagged).  Returns
 * false when an image could not be drawn (reported to options->diag). */
static bool draw_page(cairo_t *cr, const dp_page *page, bool links,
                      tagger *t, const dp_render_settings *options) {
  bool ok = true;
  for (size_t i = 0; i < page->count; i++) {
    /* Between items: a large image or a page of text at a high
     * resolution is where rasterising takes its time. */
    if (dp_cancel_stop(options->cancel)) return false;
    const dp_draw *d = &page->draws[i];
    const char *tag = tag_begin(cr, t, d);
    switch (d->kind) {
      case DP_DRAW_TEXT:
        dp_para_draw(d->para, cr, d->x, d->y, d->first_line, d->line_count,
                     links && !t);
        tag_end(cr, tag);
        tag = NULL;
        if (links && t) {
          size_t drawn = dp_para_draw_links(d->para, cr, d->x, d->y,
                                            d->first_line, d->line_count);
          /* An item's links are in its list, not the document. */
          if (d->role != DP_ROLE_LI) tag_children(t, d->reading, drawn);
        }
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
      case DP_DRAW_IMAGE: ok = draw_image(cr, d, options) && ok; break;
    }
    tag_end(cr, tag);
  }
  return ok;
}

/* ---- Sheets and marks ---------------------------------------------- */

#define MM (72 / 25.4)

/* Office paper, portrait, in millimetres, smallest first within a series:
 * what an office printer holds (ISO A and the US sizes). */
static const double office_sheets[][2] = {
    {26, 37},    {37, 52},    {52, 74},     {74, 105},      {105, 148},
    {148, 210},  {210, 297},  {297, 420},   {420, 594},     {594, 841},
    {841, 1189}, {215.9, 279.4}, {215.9, 355.6}, {279.4, 431.8}};

/* Press sheets with room around an A format for marks (ISO 217 SRA). */
static const double sra_sheets[][2] = {
    {225, 320}, {320, 450}, {450, 640}, {640, 900}, {900, 1280}};

/* The smallest sheet of `sheets` (by area) that holds w x h points in
 * either orientation, turned to match; false when none does. */
static bool smallest_sheet(const double (*sheets)[2], size_t count, double w,
                           double h, double *sheet_w, double *sheet_h) {
  const double slack = 0.01; /* points: A5 twice is 296 mm, A4 297 mm */
  double best = 0;
  for (size_t i = 0; i < count; i++) {
    double a = sheets[i][0] * MM, b = sheets[i][1] * MM;
    double sw = w > h ? b : a, sh = w > h ? a : b;
    if (w > sw + slack || h > sh + slack) continue;
    if (best == 0 || sw * sh < best) {
      best = sw * sh;
      *sheet_w = sw;
      *sheet_h = sh;
    }
  }
  return best > 0;
}

static bool press_output(const dp_render_settings *options) {
  return options->press || options->marks;
}

void dp_render_get_geometry(const dp_pageset *set,
                            const dp_render_settings *options,
                            dp_sheet_geometry *out) {
  bool imposed = options->impose == DP_IMPOSE_SADDLE_STITCH;
  bool press = press_output(options);
  out->content_width = imposed ? 2 * set->width : set->width;
  out->trim_width = out->content_width;
  out->trim_height = set->height;
  out->bleed = press ? set->bleed : 0;
  double margin = out->bleed;
  if (options->marks)
    margin = MAX(DP_MARK_SLUG, MAX(DP_MARK_OFFSET, set->bleed) +
                                   DP_MARK_LENGTH + DP_MARK_OFFSET / 2);
  out->media_width = out->trim_width + 2 * margin;
  out->media_height = out->trim_height + 2 * margin;
  if (imposed && !press) {
    /* The sheet is the office paper, trimmed to nothing. */
    double w = 0, h = 0;
    if (smallest_sheet(office_sheets, G_N_ELEMENTS(office_sheets),
                       out->trim_width, out->trim_height, &w, &h)) {
      out->media_width = out->trim_width = w;
      out->media_height = out->trim_height = h;
    }
  } else if (imposed && options->marks) {
    double w = 0, h = 0;
    if (smallest_sheet(sra_sheets, G_N_ELEMENTS(sra_sheets),
                       out->media_width, out->media_height, &w, &h)) {
      out->media_width = w;
      out->media_height = h;
    }
  }
  out->trim_x = (out->media_width - out->trim_width) / 2;
  out->trim_y = (out->media_height - out->trim_height) / 2;
  out->content_x = (out->media_width - out->content_width) / 2;
  out->content_y = (out->media_height - set->height) / 2;
}

/* A mark: a line from (x, y), `length` long in direction (dx, dy). */
static void mark_line(cairo_t *cr, double x, double y, double dx, double dy) {
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, x + dx * DP_MARK_LENGTH, y + dy * DP_MARK_LENGTH);
}

/* A registration target centred on (x, y): a cross 80 % as wide as a
 * crop mark is long (clear of the bleed by a tenth of that) and a
 * circle. */
static void mark_target(cairo_t *cr, double x, double y) {
  double arm = DP_MARK_LENGTH * 0.4;
  cairo_move_to(cr, x - arm, y);
  cairo_line_to(cr, x + arm, y);
  cairo_move_to(cr, x, y - arm);
  cairo_line_to(cr, x, y + arm);
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, arm * 0.7, 0, 2 * G_PI);
}

/* Crop marks at the trim's corners, each pair continuing the two trim
 * edges outwards from beyond the bleed; registration targets at the
 * middle of each side (on imposed sheets, of each page's top and
 * bottom); on imposed sheets dashed fold marks continue the fold at the
 * top and the bottom.  Every mark lies between DP_MARK_OFFSET (or the
 * bleed) and that plus DP_MARK_LENGTH from the trim.  In a PDF they are
 * drawn in registration colour (plugin.h: `registration`), elsewhere in
 * black. */
static void draw_marks(cairo_t *cr, const dp_sheet_geometry *g, bool fold,
                       bool registration) {
  double off = MAX(DP_MARK_OFFSET, g->bleed);
  double left = g->trim_x, right = g->trim_x + g->trim_width;
  double top = g->trim_y, bottom = g->trim_y + g->trim_height;
  double mid = off + DP_MARK_LENGTH / 2;
  cairo_save(cr);
  if (registration)
    cairo_set_source_rgb(cr, DP_REGISTRATION_R, DP_REGISTRATION_G,
                         DP_REGISTRATION_B);
  else
    cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, DP_MARK_WIDTH);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  for (int corner = 0; corner < 4; corner++) {
    double x = corner & 1 ? right : left, y = corner & 2 ? bottom : top;
    double sx = corner & 1 ? 1 : -1, sy = corner & 2 ? 1 : -1;
    mark_line(cr, x + sx * off, y, sx, 0); /* along the horizontal edge */
    mark_line(cr, x, y + sy * off, 0, sy); /* along the vertical edge */
  }
  cairo_stroke(cr);
  mark_target(cr, left - mid, (top + bottom) / 2);
  cairo_stroke(cr);
  mark_target(cr, right + mid, (top + bottom) / 2);
  cairo_stroke(cr);
  for (int i = 0; i < (fold ? 2 : 1); i++) {
    double x = fold ? left + g->trim_width * (1 + 2 * i) / 4
                    : (left + right) / 2;
    mark_target(cr, x, top - mid);
    cairo_stroke(cr);
    mark_target(cr, x, bottom + mid);
    cairo_stroke(cr);
  }
  if (fold) {
    static const double dash[] = {3, 2};
    double x = g->trim_x + g->trim_width / 2;
    cairo_set_dash(cr, dash, G_N_ELEMENTS(dash), 0);
    mark_line(cr, x, top - off, 0, -1);
    mark_line(cr, x, bottom + off, 0, 1);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
}

/* Output page `index`: one page, or one sheet side of two pages; `t`
 * tags them (NULL: not).  An imposed page's elements are keyed by its
 * page number, so that the qpdf module puts them in the booklet's order
 * (cairo numbers the marked content of each sheet side as one page's).
 * False when an image could not be drawn (reported). */
static bool draw_output_page(cairo_t *cr, const dp_pageset *set,
                             const dp_render_settings *options, size_t index,
                             tagger *t) {
  dp_sheet_geometry g;
  dp_render_get_geometry(set, options, &g);
  double b = g.bleed, x = g.content_x, y = g.content_y;
  bool ok = true;
  if (options->impose != DP_IMPOSE_SADDLE_STITCH) {
    cairo_save(cr);
    /* Nothing reaches beyond the bleed, where the marks are (without
     * marks the page ends there anyway). */
    if (options->marks) {
      cairo_rectangle(cr, x - b, y - b, set->width + 2 * b,
                      set->height + 2 * b);
      cairo_clip(cr);
    }
    cairo_translate(cr, x, y);
    /* Press output has no links: PDF/X allows no annotation inside the
     * bleed box, and the linked text stays as it is. */
    ok = draw_page(cr, &set->pages[index], !press_output(options), t,
                   options);
    tag_end_page(cr, t);
    cairo_restore(cr);
  } else {
    int n = padded_count(set);
    int *order = g_new(int, n);
    dp_impose_saddle_stitch_order(n, set->rtl, order);
    for (int side = 0; side < 2; side++) {
      int number = order[2 * index + side];
      if (number > (int)set->page_count) continue; /* a blank padding page */
      cairo_save(cr);
      /* Each page keeps its bleed on the outer edges only. */
      double clip_x = side == 0 ? x - b : x + set->width;
      cairo_rectangle(cr, clip_x, y - b, set->width + b, set->height + 2 * b);
      cairo_clip(cr);
      /* Creep: inner sheets stick out at the fore-edge once folded, so
       * their pages move towards the spine, the innermost by `creep`. */
      int sheet = (int)index / 2, sheets = n / 4;
      double shift = sheets > 1 ? options->creep * sheet / (sheets - 1) : 0;
      cairo_translate(cr, x + side * set->width + (side == 0 ? shift : -shift),
                      y);
      if (t) t->page = (size_t)number - 1;
      ok = draw_page(cr, &set->pages[number - 1], !press_output(options), t,
                     options) &&
           ok;
      tag_end_page(cr, t);
      cairo_restore(cr);
    }
    g_free(order);
  }
  if (options->marks)
    draw_marks(cr, &g, options->impose == DP_IMPOSE_SADDLE_STITCH,
               options->format == DP_FORMAT_PDF);
  return ok;
}

static void output_size(const dp_pageset *set, const dp_render_settings *options,
                        double *width, double *height) {
  dp_sheet_geometry g;
  dp_render_get_geometry(set, options, &g);
  *width = g.media_width;
  *height = g.media_height;
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

static void add_outline(cairo_surface_t *surface, const dp_pageset *set,
                        const dp_sheet_geometry *g) {
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
                                 g->content_x, e->y + g->content_y);
    int id = cairo_pdf_surface_add_outline(surface, parent, e->title, dest,
                                           CAIRO_PDF_OUTLINE_FLAG_OPEN);
    g_free(dest);
    parents[level] = id;
    for (int l = level + 1; l < 8; l++) parents[l] = 0;
  }
}

static bool append_bytes(void *closure, const unsigned char *data,
                         size_t length) {
  g_byte_array_append(closure, data, (guint)length);
  return true;
}

/* Cairo's PDF of the page set into `bytes`, with what the qpdf module
 * adds to its structure tree in `t` (NULL: untagged). */
static bool draw_pdf(const dp_pageset *set, const dp_render_settings *options,
                     GByteArray *bytes, tagger *t, cairo_status_t *status) {
  double width, height;
  output_size(set, options, &width, &height);
  writer pair = {append_bytes, bytes};
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream(write_adapter, &pair, width, height);
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  /* Cairo 1.16 writes these dates without "D:"; the qpdf module rewrites
   * them.  Set here so cairo does not read the clock. */
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

  bool imposed = options->impose == DP_IMPOSE_SADDLE_STITCH;
  cairo_t *cr = cairo_create(surface);
  size_t pages = dp_render_get_page_count(set, options);
  bool drawn = true;
  if (t) {
    cairo_tag_begin(cr, "Document", NULL);
    tag_element(t, "Document", NULL, NULL);
  }
  for (size_t i = 0; i < pages; i++) {
    if (t) t->page = i; /* imposed: each page's own (draw_output_page) */
    /* Page labels are the page numbers, a PDF's default: no /PageLabels.
     * (cairo 1.16 leaves labels that equal the page numbers out of the
     * number tree it writes, and an empty tree makes readers show no
     * label at all.) */
    /* Clipped to the page, though nothing is drawn beyond it: cairo turns
     * an unclipped fill of the whole page into a paint, and its recording
     * surface then drops what the page had before, the "Document" tag's
     * start among them (a page in whole points, filled from edge to edge,
     * made cairo fail at the tag's end). */
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, width, height);
    cairo_clip(cr);
    drawn = draw_output_page(cr, set, options, i, t) && drawn;
    cairo_restore(cr);
    if (dp_cancel_stop(options->cancel)) {
      drawn = false;
      break;
    }
    /* The document element ends on its last page (a list with its
     * page). */
    if (t && i + 1 == pages) cairo_tag_end(cr, "Document");
    cairo_show_page(cr);
  }
  if (!imposed) {
    dp_sheet_geometry g;
    dp_render_get_geometry(set, options, &g);
    add_outline(surface, set, &g);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  *status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  return drawn && *status == CAIRO_STATUS_SUCCESS;
}

/* A PDF as cairo drew it, with what its finishing needs, owned: it may
 * be finished in another thread while the page set is drawn again or
 * freed. */
struct dp_pdf_draft {
  GByteArray *bytes;         /* cairo's file */
  dp_pdf_page_boxes *boxes;  /* one per page */
  size_t pages;
  char *lang;
  guint8 id[16];             /* the first /ID string */
  char *date;                /* "D:..." or NULL */
  GArray *elems;             /* dp_pdf_struct_elem, alt and lang owned */
  size_t *reading;           /* plugin.h; NULL: untagged */
  size_t *joins;             /* plugin.h */
  size_t reading_count;
  bool page_labels, count_fonts;
  char *xmp;                 /* the XMP packet */
  char *producer;
  GBytes *icc;               /* PDF/X: the output profile, or NULL */
  bool registration;         /* marks in registration colour */
  bool pdfa;                 /* PDF/A-2b: `icc` is its output intent's */
  bool pure_black;           /* RGB black and greys as one ink */
  int icc_components;
  char *condition;           /* the output intent's */
  /* Preflight's summary (with count_fonts): what drawing knows; the
   * finishing adds the file's facts.  `product` and `document` owned. */
  dp_preflight_summary summary;
  char *product, *document;
  /* The result. */
  unsigned char *out;
  size_t out_length;
  dp_pdf_facts facts;
  char *error;
};

void dp_pdf_draft_free(dp_pdf_draft *d) {
  if (!d) return;
  g_byte_array_free(d->bytes, TRUE);
  g_free(d->boxes);
  g_free(d->lang);
  g_free(d->date);
  g_free(d->product);
  g_free(d->document);
  for (guint i = 0; i < d->elems->len; i++) {
    dp_pdf_struct_elem *e = &g_array_index(d->elems, dp_pdf_struct_elem, i);
    g_free((char *)e->alt);
    g_free((char *)e->lang);
  }
  g_array_free(d->elems, TRUE);
  g_free(d->reading);
  g_free(d->joins);
  g_free(d->xmp);
  g_free(d->producer);
  if (d->icc) g_bytes_unref(d->icc);
  g_free(d->condition);
  g_free(d->out);
  g_free(d->error);
  g_free(d);
}

dp_pdf_draft *dp_render_pdf_draw(const dp_pageset *set,
                                 const dp_render_settings *options) {
  /* Press output is PDF/X-4, which needs its printing condition; PDF/A
   * its colour space.  PDF/A-2 allows only the schemas it defines in the
   * XMP (PDF/X's would need an extension schema) and no DeviceRGB with
   * a CMYK output intent: one file is not both. */
  bool pdfa = options->pdfa;
  if (pdfa && press_output(options)) { /* the API's callers check first */
    if (options->diag)
      dp_error(options->diag, DP_MARK_FILE(NULL),
               "PDF/A output cannot also be press output");
    return NULL;
  }
  /* Press output's profile was checked where it was named (the layout,
   * the options); the build's and the archive's are checked here. */
  dp_press_profile *archive = NULL;
  const dp_press_profile *profile = NULL;
  char *error = NULL;
  if (pdfa) {
    archive = dp_press_profile_load(DP_ARCHIVE_PROFILE, DP_ARCHIVE_PROFILE,
                                    DP_ARCHIVE_CONDITION, &error);
    if (archive && archive->components != 3) {
      dp_press_profile_free(g_steal_pointer(&archive));
      error = g_strdup("is not an RGB profile (cairo draws in RGB)");
    }
    profile = archive;
  } else if (press_output(options)) {
    profile = options->press_profile ? options->press_profile
                                     : dp_press_profile_default(&error);
  }
  if ((pdfa || press_output(options)) && !profile) {
    if (options->diag)
      dp_error(options->diag, DP_MARK_FILE(NULL),
               "cannot make %s output: the output profile '%s' %s",
               pdfa ? "PDF/A" : "PDF/X press",
               pdfa ? DP_ARCHIVE_PROFILE : DP_PRESS_PROFILE,
               error ? error : "cannot be used");
    g_free(error);
    return NULL;
  }
  g_free(error);
  dp_pdf_draft *d = g_new0(dp_pdf_draft, 1);
  if (profile) {
    d->icc = g_bytes_ref(profile->icc);
    d->icc_components = profile->components;
    d->condition = g_strdup(profile->condition);
  }
  dp_press_profile_free(archive);
  d->pdfa = pdfa;
  d->bytes = g_byte_array_new();
  d->elems = g_array_new(FALSE, FALSE, sizeof(dp_pdf_struct_elem));
  /* Every PDF is tagged, imposed sheets in the booklet's reading order
   * (docs/layouts.md, Tagged PDF). */
  tagger tags = {false, 0, NO_LIST, 0, set->lang,
                 g_array_new(FALSE, FALSE, sizeof(dp_pdf_struct_elem)),
                 g_array_new(FALSE, FALSE, sizeof(reading_key)),
                 g_new(page_lists, set->page_count + 1), set->page_count};
  for (size_t i = 0; i < set->page_count; i++)
    tags.pages[i] = (page_lists){false, NO_LIST, NO_LIST, 0, 0};
  gint64 start = g_get_monotonic_time();
  /* cairo's fonts: fontlock.h; what drawing reports waits for the lock's
   * release. */
  if (options->diag) dp_diag_hold(options->diag);
  dp_fonts_lock();
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  bool ok = draw_pdf(set, options, d->bytes, &tags, &status);
  if (ok && options->preflight)
    dp_preflight_measure(set, &d->summary.smallest_text,
                         &d->summary.lowest_dpi);
  dp_fonts_unlock();
  /* A write error cannot happen (memory); anything else is cairo's. */
  if (status != CAIRO_STATUS_SUCCESS && options->diag &&
      !dp_cancel_stop(options->cancel)) /* stopped: cancel.h */
    dp_error(options->diag, DP_MARK_FILE(NULL),
             "cairo cannot make the PDF: %s", cairo_status_to_string(status));
  if (options->diag) dp_diag_release(options->diag);
  if (g_getenv("DISPUTAS_DEBUG"))
    g_printerr("pdf: cairo %.1f ms\n", (g_get_monotonic_time() - start) / 1000.0);
  /* The draft outlives the page set: its own copies. */
  for (guint i = 0; i < tags.elems->len; i++) {
    dp_pdf_struct_elem e = g_array_index(tags.elems, dp_pdf_struct_elem, i);
    e.alt = g_strdup(e.alt);
    e.lang = g_strdup(e.lang);
    g_array_append_val(d->elems, e);
  }
  d->reading = reading_order(&tags);
  d->joins = list_joins(&tags);
  d->reading_count = tags.keys->len;
  g_array_free(tags.elems, TRUE);
  g_array_free(tags.keys, TRUE);
  g_free(tags.pages);
  if (!ok) {
    dp_pdf_draft_free(d);
    return NULL;
  }

  dp_sheet_geometry g;
  dp_render_get_geometry(set, options, &g);
  /* PDF space runs up from the bottom; the trim is centred on the
   * media, so the boxes read the same either way. */
  dp_pdf_page_boxes box = {
      {0, 0, g.media_width, g.media_height},
      {g.trim_x - g.bleed, g.trim_y - g.bleed,
       g.trim_x + g.trim_width + g.bleed, g.trim_y + g.trim_height + g.bleed},
      {g.trim_x, g.trim_y, g.trim_x + g.trim_width,
       g.trim_y + g.trim_height}};
  d->pages = dp_render_get_page_count(set, options);
  d->boxes = g_new(dp_pdf_page_boxes, d->pages);
  for (size_t i = 0; i < d->pages; i++) d->boxes[i] = box;
  d->lang = g_strdup(set->lang);

  /* The first /ID string: the content's own hash (16 bytes of SHA-256),
   * so identical input gives identical files. */
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(sum, d->bytes->data, d->bytes->len);
  g_checksum_get_digest(sum, digest, &digest_length);
  g_checksum_free(sum);
  memcpy(d->id, digest, sizeof d->id);

  GDateTime *when = g_date_time_new_from_unix_utc(options->date);
  d->date = when ? g_date_time_format(when, "D:%Y%m%d%H%M%SZ") : NULL;
  if (when) g_date_time_unref(when);
  /* Pages in reading order are labelled with their folios; sheets of an
   * imposition are not pages a reader counts. */
  d->page_labels = options->impose != DP_IMPOSE_SADDLE_STITCH;
  d->count_fonts = options->preflight;
  d->product = g_strdup(options->product);
  d->document = g_strdup(options->document);
  d->summary.pages = d->pages;
  d->summary.trim_width = g.trim_width;
  d->summary.trim_height = g.trim_height;
  d->summary.bleed = g.bleed;
  d->registration = options->marks;
  d->pure_black = press_output(options) && options->pure_black;
  d->producer = g_strdup_printf("disputas %s (cairo %s, libqpdf)", DP_VERSION,
                                cairo_version_string());
  dp_xmp xmp = {set->title, set->author, set->subject, set->keywords,
                set->lang, "disputas " DP_VERSION, d->producer,
                options->date, d->id, d->icc != NULL && !pdfa, pdfa};
  d->xmp = dp_xmp_packet(&xmp);
  return d;
}

/* The last step (plugin.h): cairo's file with page boxes, /Lang, /ID, "D:"
 * dates and /Alt.  Reports nothing (it may run in another thread): the
 * result stays in the draft for dp_render_pdf_take(). */
void dp_render_pdf_finish(dp_pdf_draft *d) {
  gint64 start = g_get_monotonic_time();
  const dp_qpdf_api *qpdf = dp_plugin_get("qpdf", &d->error);
  gint64 loaded = g_get_monotonic_time();
  if (!qpdf) return;
  gsize icc_length = 0;
  const unsigned char *icc =
      d->icc ? g_bytes_get_data(d->icc, &icc_length) : NULL;
  dp_pdf_fixes fixes = {d->boxes, d->pages, d->lang, d->id, sizeof d->id,
                        d->date,
                        (const dp_pdf_struct_elem *)(void *)d->elems->data,
                        d->elems->len, d->reading, d->joins,
                        d->reading_count,
                        d->page_labels, d->count_fonts,
                        d->xmp, strlen(d->xmp), d->producer,
                        icc, icc_length, d->icc_components,
                        d->condition,
                        d->registration, d->pure_black, d->pdfa};
  if (!qpdf->finish(d->bytes->data, d->bytes->len, &fixes, &d->out,
                    &d->out_length, &d->facts, &d->error) &&
      !d->error)
    d->error = g_strdup("unknown error");
  if (g_getenv("DISPUTAS_DEBUG"))
    g_printerr("pdf: qpdf module %.1f ms, rewrite %.1f ms (%u to %zu bytes)\n",
               (loaded - start) / 1000.0,
               (g_get_monotonic_time() - loaded) / 1000.0, d->bytes->len,
               d->out_length);
}

bool dp_render_pdf_take(dp_pdf_draft *d, dp_diag *diag, bool preflight,
                        unsigned char **out, size_t *out_length) {
  static const dp_mark nowhere = {NULL, 0, 0, -1};
  *out = NULL;
  *out_length = 0;
  if (d->error) {
    if (diag) dp_error(diag, nowhere, "cannot finish the PDF: %s", d->error);
    return false;
  }
  int unembedded = d->facts.unembedded;
  if (unembedded > 0 && preflight && diag)
    dp_warning(diag, nowhere, "%d font%s in the PDF %s not embedded",
               unembedded, unembedded == 1 ? "" : "s",
               unembedded == 1 ? "is" : "are");
  /* The summary needs the facts, which only a preflight draft has. */
  if (preflight && diag && d->count_fonts) {
    dp_preflight_summary s = d->summary;
    s.product = d->product;
    s.spaces = d->facts.spaces;
    s.fonts = d->facts.fonts;
    s.unembedded = unembedded;
    dp_preflight_report_summary(
        diag, DP_MARK_FILE(d->document ? dp_diag_intern(diag, d->document)
                                       : NULL),
        &s);
  }
  *out = d->out;
  *out_length = d->out_length;
  d->out = NULL;
  return true;
}

bool dp_render_pdf(const dp_pageset *set, const dp_render_settings *options,
                   dp_write_func write, void *closure) {
  dp_pdf_draft *d = dp_render_pdf_draw(set, options);
  if (!d) return false;
  dp_render_pdf_finish(d);
  unsigned char *out = NULL;
  size_t out_length = 0;
  bool ok = dp_render_pdf_take(d, options->diag, options->preflight, &out,
                               &out_length) &&
            write(closure, out, out_length);
  g_free(out);
  dp_pdf_draft_free(d);
  return ok;
}

/* One replacement of renumber_svg_ids(): the next number for a name not
 * seen before. */
static gboolean renumber_one(const GMatchInfo *match, GString *out,
                             gpointer numbers) {
  char *name = g_match_info_fetch(match, 2); /* "surface14" */
  gpointer number = g_hash_table_lookup(numbers, name);
  if (!number) {
    number = GUINT_TO_POINTER(g_hash_table_size(numbers) + 1);
    g_hash_table_insert(numbers, g_strdup(name), number);
  }
  char *prefix = g_match_info_fetch(match, 1);
  char *kind = g_match_info_fetch(match, 3);
  g_string_append_printf(out, "%s%s%u", prefix, kind,
                         GPOINTER_TO_UINT(number));
  g_free(kind);
  g_free(prefix);
  g_free(name);
  return FALSE;
}

/* cairo names an SVG file's surfaces and images ("surface14", "image9")
 * by numbers it counts for the whole process, so the same page came out
 * as other bytes after other drawings.  They are numbered again in the
 * order they appear (their ids and references: id="..." and "#..."). */
static void renumber_svg_ids(GByteArray *bytes) {
  static GRegex *ids;
  static gsize once;
  if (g_once_init_enter(&once)) {
    ids = g_regex_new("(id=\"|#)((surface|image)[0-9]+)(?=[\"')])",
                      G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave(&once, 1);
  }
  GHashTable *numbers = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
  char *text = g_regex_replace_eval(ids, (const char *)bytes->data,
                                    (gssize)bytes->len, 0, 0, renumber_one,
                                    numbers, NULL);
  g_hash_table_destroy(numbers);
  if (!text) return;
  g_byte_array_set_size(bytes, 0);
  g_byte_array_append(bytes, (const guint8 *)text, (guint)strlen(text));
  g_free(text);
}

/* Draws output page `index` as SVG into `bytes`; false when cairo
 * failed or the drawing stopped.  Under the font lock (fontlock.h). */
static bool draw_svg_page(const dp_pageset *set,
                          const dp_render_settings *options, size_t index,
                          GByteArray *bytes) {
  double width, height;
  output_size(set, options, &width, &height);
  writer pair = {append_bytes, bytes};
  cairo_surface_t *surface =
      cairo_svg_surface_create_for_stream(write_adapter, &pair, width, height);
  cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
  cairo_t *cr = cairo_create(surface);
  bool drawn = draw_output_page(cr, set, options, index, NULL);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  bool ok = drawn && cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(surface);
  if (ok) renumber_svg_ids(bytes);
  return ok;
}

/* Draws output page `index` as pixels (transfer full), at the options'
 * resolution; NULL when cairo failed or the drawing stopped.  Under the
 * font lock (fontlock.h). */
static cairo_surface_t *draw_png_page(const dp_pageset *set,
                                      const dp_render_settings *options,
                                      size_t index) {
  double width, height;
  output_size(set, options, &width, &height);
  double dpi = options->dpi > 0 ? options->dpi : 150;
  double k = dpi / 72.0;
  int pw = (int)ceil(width * k), ph = (int)ceil(height * k);
  cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
  cairo_t *cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, k, k);
  bool drawn = draw_output_page(cr, set, options, index, NULL);
  cairo_destroy(cr);
  if (!drawn || cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return NULL;
  }
  return surface;
}

/* Collects a PNG's bytes, stopping when the work must (cancel.h):
 * encoding a large page takes longer than drawing it. */
typedef struct png_sink {
  GByteArray *bytes;
  dp_cancel *cancel;
} png_sink;

static cairo_status_t png_append(void *closure, const unsigned char *data,
                                 unsigned int length) {
  png_sink *sink = closure;
  if (dp_cancel_stop(sink->cancel)) return CAIRO_STATUS_WRITE_ERROR;
  g_byte_array_append(sink->bytes, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Drawn whole into memory under the font lock, then written outside it:
 * `write` is the caller's code, which may call into disputas. */
bool dp_render_page(const dp_pageset *set, const dp_render_settings *options,
                    size_t index, dp_write_func write, void *closure) {
  GByteArray *bytes = g_byte_array_new();
  if (options->diag) dp_diag_hold(options->diag);
  dp_fonts_lock();
  bool ok;
  if (options->format == DP_FORMAT_PNG) {
    cairo_surface_t *pixels = draw_png_page(set, options, index);
    dp_fonts_unlock();
    /* Encoding touches no font: outside the lock, so that other
     * contexts draw meanwhile. */
    png_sink sink = {bytes, options->cancel};
    ok = pixels && cairo_surface_write_to_png_stream(pixels, png_append,
                                                     &sink) ==
                       CAIRO_STATUS_SUCCESS;
    if (pixels) cairo_surface_destroy(pixels);
  } else {
    ok = draw_svg_page(set, options, index, bytes);
    dp_fonts_unlock();
  }
  if (options->diag) dp_diag_release(options->diag);
  ok = ok && write(closure, bytes->data, bytes->len);
  g_byte_array_free(bytes, TRUE);
  return ok;
}
