/* Every feature of the layout language (docs/layouts.md), proved on the
 * final PDF: test layouts (tests/layouts/) are composed with documents
 * (samples/, tests/pdf/docs/), rendered into memory, and read back with
 * poppler: text, where it stands, its font, size and colour, page count and
 * size, links, bookmarks and page labels.  Graphics poppler cannot see
 * (boxes, rules, QR codes) are checked on a PNG of the same page: the
 * colour of pixels at places computed from the layout, and zbarimg for the
 * QR code.
 *
 * Expected positions are computed from the layout's numbers, never taken
 * from an output.  Two facts of the geometry make that possible:
 *
 *  - poppler's box of a glyph runs from the pen position over the glyph's
 *    advance, so a left-aligned line's first box starts at the frame's
 *    left edge and a right-aligned line's last box ends at its right edge;
 *  - vertically, poppler's box spans the font's ascent and descent around
 *    the baseline, and disputas centres ascent plus descent in the line's
 *    pitch (size × line-height): so a box's centre lies at the line's top
 *    plus half the pitch, whatever the font.
 *
 * Pages are rendered as press output, so positions are in points from the
 * top-left corner of the PDF page, which includes the bleed.  Tolerance:
 * 0.5 pt. */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "compose.h"
#include "diag.h"
#include "document.h"
#include "layout.h"
#include "render.h"
#include "text.h"

#define MM (72.0 / 25.4)
#define TOL 0.5


/* Under LeakSanitizer: cairo 1.16's PDF surface drops a few objects at
 * finish.  tests/lsan.supp names cairo_surface_finish, which a stack shows
 * only when unwound in full (fast_unwind_on_malloc=0, as test-text does);
 * that makes this suite ten times slower, and the fast unwinder stops in
 * libcairo, which has no frame pointers.  So here leaks whose stack ends
 * in libcairo are cairo's. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libcairo.so\n"; }

/* ---- Rendering ------------------------------------------------------ */

/* One text context for every render: loading the fonts once keeps the
 * suite fast.  Its diagnostics (missing glyphs) are not under test. */
static dp_text *shared_text;
static dp_diag *text_diag;

static char *source_path(const char *relative) {
  return g_build_filename(SOURCE_ROOT, relative, NULL);
}

static void capture(const dp_diagnostic *d, void *user) {
  const char *base = d->file ? strrchr(d->file, '/') : NULL;
  g_string_append_printf(user, "%s:%d: %s: %s\n",
                         base ? base + 1 : d->file ? d->file : "", d->line,
                         d->severity == DP_SEVERITY_ERROR ? "error" : "warning",
                         d->message);
}

static bool append_bytes(void *user, const unsigned char *data, size_t length) {
  g_byte_array_append(user, data, (guint)length);
  return true;
}

typedef struct output {
  GString *messages;    /* diagnostics, "file:line: severity: message" */
  bool ok;              /* composed and rendered */
  GBytes *bytes;        /* the PDF, or the PNG of one page */
  PopplerDocument *pdf; /* PDF output */
  int pages;
} output;

static void output_free(output *o) {
  if (!o) return;
  g_string_free(o->messages, TRUE);
  if (o->bytes) g_bytes_unref(o->bytes);
  if (o->pdf) g_object_unref(o->pdf);
  g_free(o);
}

/* Renders office output instead of press output (which has no links). */
static bool office_output;

/* Composes document `doc` (a path under the source tree) in `layout` (a
 * path under the source tree, or YAML text when `layout_text` is true)
 * and renders it: the whole PDF when `png_page` < 0, else that page as a
 * PNG at `dpi`.  Never asserts: see render_pdf() and render_fails(). */
static output *render(const char *layout, bool layout_text, const char *doc,
                      int png_page, double dpi) {
  output *o = g_new0(output, 1);
  o->messages = g_string_new(NULL);
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  dp_diag_set_callback(diag, capture, o->messages);
  char *doc_path = source_path(doc);
  dp_document *document = dp_document_read(diag, NULL, doc_path);
  dp_layout_model *model = NULL;
  if (layout_text) {
    model = dp_layout_model_load_data(diag, NULL, "generated.yaml", layout,
                                      strlen(layout));
  } else {
    /* A built-in name, or a path under the source tree. */
    char *layout_path = strchr(layout, '/') ? source_path(layout) : g_strdup(layout);
    model = dp_layout_model_load(diag, NULL, layout_path);
    g_free(layout_path);
  }
  dp_pageset *set = NULL;
  if (document && model && dp_diag_get_error_count(diag) == 0)
    set = dp_compose(diag, NULL, shared_text, document, model);
  if (set && dp_diag_get_error_count(diag) == 0) {
    GByteArray *bytes = g_byte_array_new();
    dp_render_settings settings = {
        .format = png_page < 0 ? DP_FORMAT_PDF : DP_FORMAT_PNG,
        .impose = DP_IMPOSE_NONE, .dpi = dpi, .press = !office_output};
    o->ok = png_page < 0
                ? dp_render_pdf(set, &settings, append_bytes, bytes)
                : dp_render_page(set, &settings, (size_t)png_page,
                                 append_bytes, bytes);
    o->pages = (int)set->page_count;
    o->bytes = g_byte_array_free_to_bytes(bytes);
  }
  dp_pageset_free(set);
  dp_layout_model_free(model);
  dp_document_free(document);
  dp_diag_free(diag);
  g_free(doc_path);
  if (o->ok && png_page < 0) {
    GError *error = NULL;
    o->pdf = poppler_document_new_from_bytes(o->bytes, NULL, &error);
    g_assert_no_error(error);
  }
  return o;
}

/* Renders and asserts success without errors or warnings. */
static output *render_pdf(const char *layout, const char *doc) {
  output *o = render(layout, false, doc, -1, 0);
  if (!o->ok || o->messages->len)
    g_error("%s with %s: %s", layout, doc, o->messages->str);
  return o;
}

static output *render_pdf_text(const char *yaml, const char *doc) {
  output *o = render(yaml, true, doc, -1, 0);
  if (!o->ok || o->messages->len)
    g_error("generated layout with %s: %s\n%s", doc, o->messages->str, yaml);
  return o;
}

/* ---- Text read back ------------------------------------------------- */

typedef struct glyph {
  gunichar c;
  PopplerRectangle box;  /* y grows downwards from the page's top */
  double size;
  const char *font;      /* owned by the page text */
  PopplerColor colour;
  bool underlined;
} glyph;

typedef struct page_text {
  PopplerPage *page;
  double width, height;
  char *utf8;
  glyph *glyphs;
  guint count;
  GList *attrs;
  /* poppler's text and its character boxes correspond one to one, except
   * on some pages with complex scripts (Arabic, Devanagari), where the
   * text has more characters than there are boxes: then the glyphs have
   * boxes only (c is 0, no font), and text cannot be searched. */
  bool exact;
  GPtrArray *strings; /* kept for the page's lifetime */
} page_text;

static bool is_blank(gunichar c) { return c == ' ' || c == '\n' || c == '\t'; }

static void box_join(PopplerRectangle *acc, bool *any, const PopplerRectangle *r) {
  if (!*any) {
    *acc = *r;
    *any = true;
    return;
  }
  acc->x1 = MIN(acc->x1, r->x1);
  acc->y1 = MIN(acc->y1, r->y1);
  acc->x2 = MAX(acc->x2, r->x2);
  acc->y2 = MAX(acc->y2, r->y2);
}

static page_text *page_text_new(PopplerDocument *pdf, int index) {
  page_text *t = g_new0(page_text, 1);
  t->page = poppler_document_get_page(pdf, index);
  g_assert_nonnull(t->page);
  poppler_page_get_size(t->page, &t->width, &t->height);
  t->utf8 = poppler_page_get_text(t->page);
  PopplerRectangle *rects = NULL;
  guint n = 0;
  if (!poppler_page_get_text_layout(t->page, &rects, &n)) n = 0;
  t->exact = g_utf8_strlen(t->utf8, -1) == (glong)n;
  t->strings = g_ptr_array_new_with_free_func(g_free);
  t->count = n;
  t->glyphs = g_new0(glyph, n + 1);
  const char *p = t->utf8;
  for (guint i = 0; i < n; i++) {
    t->glyphs[i].box = rects[i];
    if (!t->exact) continue;
    t->glyphs[i].c = g_utf8_get_char(p);
    p = g_utf8_next_char(p);
  }
  g_free(rects);
  if (!t->exact) return t;
  t->attrs = poppler_page_get_text_attributes(t->page);
  for (GList *l = t->attrs; l; l = l->next) {
    PopplerTextAttributes *a = l->data;
    for (int i = a->start_index; i <= a->end_index && i < (int)n; i++) {
      t->glyphs[i].size = a->font_size;
      t->glyphs[i].font = a->font_name;
      t->glyphs[i].colour = a->color;
      t->glyphs[i].underlined = a->is_underlined;
    }
  }
  return t;
}

static void page_text_free(page_text *t) {
  if (!t) return;
  g_ptr_array_free(t->strings, TRUE);
  poppler_page_free_text_attributes(t->attrs);
  g_free(t->glyphs);
  g_free(t->utf8);
  g_object_unref(t->page);
  g_free(t);
}

/* Set TEST_PDF_DUMP to see what poppler reads, line by line as poppler
 * splits the text (for writing a test, never for expectations). */
static void dump(const page_text *t) {
  if (!g_getenv("TEST_PDF_DUMP")) return;
  GString *s = g_string_new(NULL);
  PopplerRectangle box = {0, 0, 0, 0};
  bool any = false;
  const glyph *head = NULL;
  for (guint i = 0; i <= t->count; i++) {
    if (i == t->count || t->glyphs[i].c == '\n') {
      if (any)
        g_printerr("[%7.2f %7.2f %7.2f %7.2f] %5.2f %-26s %s\n", box.x1, box.y1,
                   box.x2, box.y2, head->size, head->font ? head->font : "?",
                   s->str);
      g_string_truncate(s, 0);
      any = false;
      head = NULL;
      continue;
    }
    if (!head) head = &t->glyphs[i];
    g_string_append_unichar(s, t->glyphs[i].c);
    if (!is_blank(t->glyphs[i].c)) box_join(&box, &any, &t->glyphs[i].box);
  }
  g_string_free(s, TRUE);
}

/* The glyph index of the `nth` (0-based) occurrence of `needle`, or -1. */
static int find(const page_text *t, const char *needle, int nth) {
  if (!t->exact) g_error("the text of this page cannot be searched (see page_text)");
  const char *at = t->utf8;
  for (;;) {
    at = strstr(at, needle);
    if (!at) return -1;
    if (nth-- == 0) return (int)g_utf8_pointer_to_offset(t->utf8, at);
    at = g_utf8_next_char(at);
  }
}

static int count_of(const page_text *t, const char *needle) {
  int n = 0;
  while (find(t, needle, n) >= 0) n++;
  return n;
}

/* The box around the glyphs of `needle` (its `nth` occurrence) that are
 * not spaces.  Fails the test when the text is not there. */
static PopplerRectangle box_nth(const page_text *t, const char *needle, int nth) {
  int at = find(t, needle, nth);
  if (at < 0) {
    g_printerr("page text:\n%s\n", t->utf8);
    g_error("'%s' (occurrence %d) is not on the page", needle, nth);
  }
  glong n = g_utf8_strlen(needle, -1);
  PopplerRectangle box = {0, 0, 0, 0};
  bool any = false;
  for (glong i = at; i < at + n; i++)
    if (!is_blank(t->glyphs[i].c)) box_join(&box, &any, &t->glyphs[i].box);
  return box;
}

static PopplerRectangle box_of(const page_text *t, const char *needle) {
  return box_nth(t, needle, 0);
}

static const glyph *glyph_of(const page_text *t, const char *needle) {
  (void)box_of(t, needle);
  return &t->glyphs[find(t, needle, 0)];
}

static double centre_y(PopplerRectangle r) { return (r.y1 + r.y2) / 2; }
static double centre_x(PopplerRectangle r) { return (r.x1 + r.x2) / 2; }

#define assert_near(actual, expected) \
  g_assert_cmpfloat_with_epsilon((actual), (expected), TOL)

/* A line of text found by geometry (poppler joins lines of frames that
 * stand side by side): glyphs, left to right, whose centres lie within one
 * point of each other vertically. */
typedef struct line {
  PopplerRectangle box;
  GArray *glyphs;        /* guint indices into page_text.glyphs */
} line;

static int compare_centre_y(const void *a, const void *b, void *data) {
  const page_text *t = data;
  double ya = centre_y(t->glyphs[*(const guint *)a].box);
  double yb = centre_y(t->glyphs[*(const guint *)b].box);
  return ya < yb ? -1 : ya > yb;
}

static int compare_x(const void *a, const void *b, void *data) {
  const page_text *t = data;
  double xa = t->glyphs[*(const guint *)a].box.x1;
  double xb = t->glyphs[*(const guint *)b].box.x1;
  return xa < xb ? -1 : xa > xb;
}

static void line_free(void *p) {
  line *ln = p;
  g_array_free(ln->glyphs, TRUE);
  g_free(ln);
}

/* The lines of the glyphs (not spaces) whose centres lie in [x1, x2] ×
 * [y1, y2], top to bottom. */
static GPtrArray *lines_in(const page_text *t, double x1, double y1, double x2,
                           double y2) {
  GArray *picked = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < t->count; i++) {
    const glyph *g = &t->glyphs[i];
    if (is_blank(g->c) || g->box.x2 - g->box.x1 < 0.01) continue;
    double cx = centre_x(g->box), cy = centre_y(g->box);
    if (cx >= x1 && cx <= x2 && cy >= y1 && cy <= y2)
      g_array_append_val(picked, i);
  }
  g_array_sort_with_data(picked, compare_centre_y, (void *)t);
  GPtrArray *lines = g_ptr_array_new_with_free_func(line_free);
  line *cur = NULL;
  double cur_y = 0;
  for (guint k = 0; k < picked->len; k++) {
    guint i = g_array_index(picked, guint, k);
    double cy = centre_y(t->glyphs[i].box);
    if (!cur || fabs(cy - cur_y) > 1.0) {
      cur = g_new0(line, 1);
      cur->glyphs = g_array_new(FALSE, FALSE, sizeof(guint));
      cur->box = t->glyphs[i].box;
      cur_y = cy;
      g_ptr_array_add(lines, cur);
    }
    g_array_append_val(cur->glyphs, i);
    bool any = true;
    box_join(&cur->box, &any, &t->glyphs[i].box);
  }
  for (guint k = 0; k < lines->len; k++) {
    line *ln = g_ptr_array_index(lines, k);
    g_array_sort_with_data(ln->glyphs, compare_x, (void *)t);
  }
  g_array_free(picked, TRUE);
  return lines;
}

#define LINE(arr, i) ((const line *)g_ptr_array_index((arr), (i)))

/* The font and size of a line's first glyph; on pages whose text does not
 * match its boxes (see page_text), those of the text poppler reads in the
 * line's box. */
static void line_font(page_text *t, const line *ln, const char **font,
                      double *size) {
  if (t->exact) {
    const glyph *g = &t->glyphs[g_array_index(ln->glyphs, guint, 0)];
    *font = g->font;
    *size = g->size;
    return;
  }
  PopplerRectangle area = ln->box;
  GList *attrs = poppler_page_get_text_attributes_for_area(t->page, &area);
  g_assert_nonnull(attrs);
  PopplerTextAttributes *a = attrs->data;
  char *copy = g_strdup(a->font_name);
  g_ptr_array_add(t->strings, copy);
  *font = copy;
  *size = a->font_size;
  poppler_page_free_text_attributes(attrs);
}

/* The last (rightmost) glyph of a line. */
static gunichar line_last(const page_text *t, const line *ln) {
  return t->glyphs[g_array_index(ln->glyphs, guint, ln->glyphs->len - 1)].c;
}

/* Nothing is drawn outside the page: every glyph box lies in the media
 * box. */
static void assert_inside_page(const page_text *t) {
  for (guint i = 0; i < t->count; i++) {
    const glyph *g = &t->glyphs[i];
    if (is_blank(g->c)) continue;
    if (g->box.x1 < -0.01 || g->box.y1 < -0.01 || g->box.x2 > t->width + 0.01 ||
        g->box.y2 > t->height + 0.01)
      g_error("glyph U+%04X at [%.2f %.2f %.2f %.2f] is outside the page "
              "(%.2f × %.2f)", g->c, g->box.x1, g->box.y1, g->box.x2,
              g->box.y2, t->width, t->height);
  }
}

static void assert_inside_every_page(PopplerDocument *pdf) {
  for (int p = 0; p < poppler_document_get_n_pages(pdf); p++) {
    page_text *t = page_text_new(pdf, p);
    assert_inside_page(t);
    page_text_free(t);
  }
}

static void assert_page_size(PopplerDocument *pdf, int index, double width,
                             double height) {
  PopplerPage *page = poppler_document_get_page(pdf, index);
  double w, h;
  poppler_page_get_size(page, &w, &h);
  g_object_unref(page);
  assert_near(w, width);
  assert_near(h, height);
}

static bool font_is(const glyph *g, const char *name) {
  return g->font && strstr(g->font, name) != NULL;
}

#define assert_font(g, name)                                              \
  do {                                                                    \
    if (!font_is((g), (name)))                                            \
      g_error("font is '%s', not %s", (g)->font ? (g)->font : "?", name); \
  } while (0)

/* Colours to 8 bits (poppler's 16-bit channels come rounded through
 * doubles: within half a step). */
static void assert_colour(const glyph *g, unsigned rgb) {
  g_assert_cmpint(abs((int)g->colour.red - (int)((rgb >> 16) & 255) * 257), <=, 128);
  g_assert_cmpint(abs((int)g->colour.green - (int)((rgb >> 8) & 255) * 257), <=, 128);
  g_assert_cmpint(abs((int)g->colour.blue - (int)(rgb & 255) * 257), <=, 128);
}

/* ---- Pages and frames ----------------------------------------------- */

#define FEATURES "tests/pdf/docs/features.yaml"

/* tests/layouts/frames.yaml: a 150 × 200 mm page with 3 mm bleed, margins
 * top 20, bottom 15, inside 25, outside 10 mm; body text 10pt with a
 * 15pt pitch. */
static void test_frames(void) {
  output *o = render_pdf("tests/layouts/frames.yaml", FEATURES);
  const double b = 3 * MM, pitch = 15, half = pitch / 2;
  g_assert_cmpint(poppler_document_get_n_pages(o->pdf), ==, 2);
  for (int p = 0; p < 2; p++) {
    /* The page is the trim size plus the bleed on every side. */
    assert_page_size(o->pdf, p, 156 * MM, 206 * MM);
    page_text *t = page_text_new(o->pdf, p);
    dump(t);
    assert_inside_page(t);
    /* Page 1 is a right-hand page: the inside margin is on the left. */
    double content_left = (p == 0 ? 25 : 10) * MM;
    double content_right = (p == 0 ? 150 - 10 : 150 - 25) * MM;

    /* a: left 20mm, top 30mm. */
    PopplerRectangle a = box_of(t, "Ada Quill");
    assert_near(a.x1, b + 20 * MM);
    assert_near(centre_y(a), b + 30 * MM + half);
    /* b: right(content), top bottom(a) + 6mm, text aligned right. */
    PopplerRectangle tu = box_of(t, "TU");
    assert_near(tu.x2, b + content_right);
    assert_near(centre_y(tu), b + 30 * MM + pitch + 6 * MM + half);
    g_assert_cmpfloat(tu.x1, >=, b + (20 + 50 + 10) * MM);
    /* f: automatic height at left(content), top 60mm, 30mm wide; its text
     * wraps, and g starts 0.5cm below its last line. */
    PopplerRectangle one = box_of(t, "one"), twelve = box_of(t, "twelve");
    assert_near(one.x1, b + content_left);
    assert_near(centre_y(one), b + 60 * MM + half);
    int lines = (int)lround((centre_y(twelve) - centre_y(one)) / pitch) + 1;
    g_assert_cmpint(lines, >, 2);
    assert_near(centre_y(twelve), b + 60 * MM + (lines - 1) * pitch + half);
    const char *words[] = {"one", "two", "three", "four", "five", "six",
                           "seven", "eight", "nine", "ten", "eleven", "twelve"};
    for (size_t w = 0; w < G_N_ELEMENTS(words); w++) {
      PopplerRectangle r = box_of(t, words[w]);
      g_assert_cmpfloat(r.x1, >=, b + content_left - TOL);
      g_assert_cmpfloat(r.x2, <=, b + content_left + 30 * MM + TOL);
    }
    PopplerRectangle below = box_of(t, "Below");
    assert_near(below.x1, b + content_left);
    assert_near(centre_y(below), b + 60 * MM + lines * pitch + 5 * MM + half);
    /* d: left 10% (of the page width), top 50%ph. */
    PopplerRectangle percent = box_of(t, "Percent");
    assert_near(percent.x1, b + 15 * MM);
    assert_near(centre_y(percent), b + 100 * MM + half);
    /* e: left 20%pw + 72pt, top 60% (of the page height). */
    PopplerRectangle points = box_of(t, "Points");
    assert_near(points.x1, b + 30 * MM + 72);
    assert_near(centre_y(points), b + 120 * MM + half);
    /* i: no horizontal edges: the content box, mirrored on page 2. */
    PopplerRectangle margin = box_of(t, "Margin");
    assert_near(margin.x1, b + content_left);
    assert_near(centre_y(margin), b + 140 * MM + half);
    /* j: right 130mm and width 40mm: left at 90mm. */
    PopplerRectangle leftward = box_of(t, "Leftward");
    assert_near(leftward.x1, b + 90 * MM);
    /* low and mid: 20mm tall from 60mm and 90mm, valign bottom and
     * middle. */
    PopplerRectangle low = box_of(t, "Low"), mid = box_of(t, "Mid");
    assert_near(low.x1, b + 100 * MM);
    assert_near(centre_y(low), b + 80 * MM - half);
    assert_near(centre_y(mid), b + 100 * MM);
    /* c: automatic height growing up from bottom(content) = 185mm. */
    PopplerRectangle foot2 = box_of(t, "Foot two"), foot1 = box_of(t, "Foot one");
    assert_near(centre_y(foot2), b + 185 * MM - half);
    assert_near(centre_y(foot1), b + 185 * MM - pitch - half);
    assert_near(foot1.x1, b + content_left);
    page_text_free(t);
  }
  output_free(o);
}

/* start and end (frame keys, edge terms, alignment) are left and right in
 * a left-to-right document and right and left in a right-to-left one,
 * whose booklet is bound on the right (its first page has the inside
 * margin on the right); left and right are the page's in both.  The
 * columns of a frame follow too. */
static void test_mirroring(void) {
  static const char layout[] =
      "layout: 1\n"
      "page: {size: [150mm, 200mm], margins: {inside: 25mm, outside: 10mm}}\n"
      "styles:\n"
      "  body: {family: Noto Sans, size: 10pt, line-height: 15pt}\n"
      "templates:\n"
      "  one:\n"
      "    frames:\n"
      "      - {name: a, start: 20mm, width: 50mm, top: 20mm,\n"
      "         content: [{text: Alpha}]}\n"
      "      - {name: b, start: end(a) + 5mm, end: end(content), top: 20mm,\n"
      "         content: [{text: Beta, align: end}]}\n"
      "      - {name: c, left: 20mm, width: 30mm, top: 40mm,\n"
      "         content: [{text: Gamma, align: left}]}\n"
      "      - {name: d, width: 40mm, top: 60mm, content: [{text: Delta}]}\n"
      "      - {name: e, end: 100mm, top: 80mm, content: [{text: Epsilon}]}\n"
      "      - {name: f, top: 100mm, columns: 2, column-gap: 10mm, height: 20mm,\n"
      "         content: [{text: First}, {break: frame}, {text: Second}]}\n"
      "sequence: [one]\n";
  const double pw = 150 * MM;
  for (int rtl = 0; rtl < 2; rtl++) {
    output *o = render_pdf_text(layout, rtl ? "tests/pdf/docs/mirrored.yaml"
                                            : "samples/minimal.yaml");
    page_text *t = page_text_new(o->pdf, 0);
    dump(t);
    /* x measured from the page's start edge: the left, or the right. */
#define FROM_START(left, right) (rtl ? pw - (right) : (left))
    double content_start = rtl ? pw - (150 - 25) * MM : 25 * MM;
    double content_end = rtl ? pw - 10 * MM : (150 - 10) * MM;
    assert_near(content_start, 25 * MM);
    assert_near(content_end, 140 * MM);
    PopplerRectangle alpha = box_of(t, "Alpha");
    assert_near(FROM_START(alpha.x1, alpha.x2), 20 * MM);
    PopplerRectangle beta = box_of(t, "Beta");
    /* b ends at the content's end; its text is aligned to its end. */
    assert_near(rtl ? beta.x1 : pw - beta.x2, pw - content_end);
    PopplerRectangle gamma = box_of(t, "Gamma");
    assert_near(gamma.x1, 20 * MM);
    /* d has only a width: it starts at the content's start. */
    PopplerRectangle delta = box_of(t, "Delta");
    assert_near(FROM_START(delta.x1, delta.x2), content_start);
    PopplerRectangle epsilon = box_of(t, "Epsilon");
    assert_near(FROM_START(epsilon.x1, epsilon.x2), content_start);
    PopplerRectangle first = box_of(t, "First"), second = box_of(t, "Second");
    assert_near(FROM_START(first.x1, first.x2), content_start);
    double col = (content_end - content_start - 10 * MM) / 2;
    assert_near(FROM_START(second.x1, second.x2),
                content_start + col + 10 * MM);
#undef FROM_START
    page_text_free(t);
    output_free(o);
  }
}

/* Named sizes (ISO 216 and ANSI), any case, orientation, custom sizes, one
 * margin for all sides: generated layouts with the minimal sample. */
static void test_page_sizes(void) {
  static const struct {
    const char *size, *orientation;
    double width, height; /* mm, as the standards give them */
  } cases[] = {
      {"A3", "portrait", 297, 420},      {"A4", "portrait", 210, 297},
      {"a4", "landscape", 297, 210},     {"A5", "portrait", 148, 210},
      {"A5", "landscape", 210, 148},     {"A6", "portrait", 105, 148},
      {"letter", "portrait", 215.9, 279.4},
      {"Letter", "landscape", 279.4, 215.9},
      {"legal", "portrait", 215.9, 355.6},
      {"[100mm, 50mm]", "portrait", 50, 100},
      {"[100mm, 50mm]", "landscape", 100, 50},
      {"[4in, 15cm]", "portrait", 101.6, 150},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *yaml = g_strdup_printf(
        "layout: 1\n"
        "page: {size: %s, orientation: %s, margins: 12mm}\n"
        "styles: {body: {family: Noto Sans, size: 10pt, line-height: 1.5}}\n"
        "templates: {p: {frames: [{name: f, content: [{text: Corner}]}]}}\n"
        "sequence: [p]\n",
        cases[i].size, cases[i].orientation);
    output *o = render_pdf_text(yaml, "samples/minimal.yaml");
    g_assert_cmpint(poppler_document_get_n_pages(o->pdf), ==, 1);
    assert_page_size(o->pdf, 0, cases[i].width * MM, cases[i].height * MM);
    assert_inside_every_page(o->pdf);
    page_text *t = page_text_new(o->pdf, 0);
    PopplerRectangle corner = box_of(t, "Corner");
    assert_near(corner.x1, 12 * MM);
    assert_near(centre_y(corner), 12 * MM + 7.5);
    page_text_free(t);
    output_free(o);
    g_free(yaml);
  }
}

/* ---- Styles --------------------------------------------------------- */

/* tests/layouts/styles.yaml: A4, no bleed; body Noto Serif 10pt, pitch
 * 15pt; one frame per style at a known place. */
static void test_styles(void) {
  output *o = render_pdf("tests/layouts/styles.yaml", FEATURES);
  page_text *t = page_text_new(o->pdf, 0);
  dump(t);
  assert_inside_page(t);

  /* based-on: big keeps body's family and line-height (1.5 × 20pt). */
  const glyph *big = glyph_of(t, "Big serif");
  assert_font(big, "NotoSerif");
  g_assert_false(font_is(big, "Bold") || font_is(big, "Italic"));
  assert_near(big->size, 20);
  assert_near(centre_y(box_of(t, "Big serif")), 20 * MM + 15);
  /* family, weight, italic on top of an inherited size. */
  const glyph *sans = glyph_of(t, "Sans bold italic");
  assert_font(sans, "NotoSans-BoldItalic");
  assert_near(sans->size, 20);
  assert_near(box_of(t, "Sans bold italic").x1, 110 * MM);
  /* A line height given as a length stays that length in a child that
   * changes the size: 14pt at 20pt. */
  PopplerRectangle f1 = box_of(t, "Fixed one"), f2 = box_of(t, "Fixed two");
  assert_near(glyph_of(t, "Fixed two")->size, 20);
  assert_near(centre_y(f1), 35 * MM + 7);
  assert_near(centre_y(f2) - centre_y(f1), 14);
  /* Weights by name and by number. */
  assert_font(glyph_of(t, "Semibold words"), "NotoSans-SemiBold");
  assert_font(glyph_of(t, "Light words"), "NotoSans-Light");
  assert_near(centre_y(box_of(t, "Semibold words")), 35 * MM + 7.5);

  /* letter-spacing 2pt: each glyph's advance grows by 2pt. */
  int spaced = find(t, "ill ill ill", 0), plain = find(t, "ill ill ill", 1);
  g_assert_cmpint(plain, >=, 0);
  for (int k = 0; k < 2; k++) {
    double ds = t->glyphs[spaced + k + 1].box.x1 - t->glyphs[spaced + k].box.x1;
    double dp = t->glyphs[plain + k + 1].box.x1 - t->glyphs[plain + k].box.x1;
    g_assert_cmpfloat_with_epsilon(ds - dp, 2.0, 0.05);
  }
  /* Colours: a literal, and a named colour from the document. */
  assert_colour(glyph_of(t, "Red words"), 0xcc0000);
  assert_colour(glyph_of(t, "Brand words"), 0x336699);
  assert_colour(glyph_of(t, "Big serif"), 0x000000);

  /* Transforms. */
  g_assert_cmpint(count_of(t, "MIXED CASE WORDS"), ==, 1);
  g_assert_cmpint(count_of(t, "mixed case words"), ==, 1);
  g_assert_cmpint(count_of(t, "Mixed Case Words"), ==, 1);
  g_assert_cmpint(count_of(t, "mixed Case words"), ==, 0);
  g_assert_cmpint(count_of(t, "MIXED case Words"), ==, 0);

  /* OpenType features, 20pt, in the frame at (110mm, 80mm), one line of
   * 30pt each: small capitals are wider than lower case (Noto Serif: i
   * 0.320 em, l 0.310 em; their small capitals 0.330 and 0.530 em), and
   * old-style figures are 0.579 em wide against lining figures' 0.559 em:
   * "2024" grows by 4 × 0.02 em = 1.6pt. */
  GPtrArray *feat = lines_in(t, 110 * MM, 80 * MM, 190 * MM, 80 * MM + 120);
  g_assert_cmpuint(feat->len, ==, 4);
  double w[4];
  for (int k = 0; k < 4; k++) {
    w[k] = LINE(feat, k)->box.x2 - LINE(feat, k)->box.x1;
    assert_near(centre_y(LINE(feat, k)->box), 80 * MM + 15 + 30 * k);
  }
  g_assert_cmpfloat_with_epsilon(w[0] - w[1], (1.390 - 0.940) * 20, 0.1);
  g_assert_cmpfloat_with_epsilon(w[2] - w[3], 4 * 0.020 * 20, 0.1);
  g_ptr_array_free(feat, TRUE);

  /* Alignment: right, centre, and an item's align over its style's. */
  assert_near(box_of(t, "Right aligned").x2, 100 * MM);
  assert_near(centre_x(box_of(t, "Centred")), 150 * MM);
  assert_near(centre_x(box_of(t, "Item centred")), 60 * MM);
  assert_near(box_of(t, "Big serif").x1, 20 * MM);

  /* justify: every line but the last ends at the right edge (80mm). */
  GPtrArray *just = lines_in(t, 20 * MM, 146 * MM, 80 * MM, 146 * MM + 150);
  g_assert_cmpuint(just->len, >=, 3);
  for (guint k = 0; k < just->len; k++) {
    const line *ln = LINE(just, k);
    assert_near(ln->box.x1, 20 * MM);
    if (k + 1 < just->len) assert_near(ln->box.x2, 80 * MM);
    else g_assert_cmpfloat(ln->box.x2, <, 80 * MM - 10);
  }
  g_ptr_array_free(just, TRUE);
  /* An item's `align: justify` over its style's left alignment. */
  just = lines_in(t, 20 * MM, 255 * MM, 80 * MM, 285 * MM);
  g_assert_cmpuint(just->len, >=, 3);
  for (guint k = 0; k + 1 < just->len; k++)
    assert_near(LINE(just, k)->box.x2, 80 * MM);
  g_ptr_array_free(just, TRUE);

  /* first-indent 10mm and left-indent 5mm; a hanging first line
   * (first-indent -5mm, left-indent 10mm). */
  GPtrArray *ind = lines_in(t, 110 * MM, 146 * MM, 170 * MM, 185 * MM);
  g_assert_cmpuint(ind->len, >=, 3);
  for (guint k = 0; k < ind->len; k++)
    assert_near(LINE(ind, k)->box.x1, (k == 0 ? 125 : 115) * MM);
  g_ptr_array_free(ind, TRUE);
  GPtrArray *hang = lines_in(t, 110 * MM, 190 * MM, 170 * MM, 225 * MM);
  g_assert_cmpuint(hang->len, >=, 3);
  for (guint k = 0; k < hang->len; k++)
    assert_near(LINE(hang, k)->box.x1, (k == 0 ? 115 : 120) * MM);
  g_ptr_array_free(hang, TRUE);

  /* space-before 6pt and space-after 4mm: not at the top of the frame,
   * both between the paragraphs. */
  PopplerRectangle s1 = box_of(t, "First spaced"), s2 = box_of(t, "Second spaced");
  assert_near(centre_y(s1), 200 * MM + 7.5);
  assert_near(centre_y(s2) - centre_y(s1), 15 + 4 * MM + 6);

  /* hyphenate: a long word breaks at a hyphenation point with a visible
   * hyphen; without, no line ends with one (Pango then breaks the word
   * anywhere, as it must in a 22mm column). */
  GPtrArray *hy = lines_in(t, 20 * MM, 225 * MM, 42 * MM, 260 * MM);
  GPtrArray *no = lines_in(t, 60 * MM, 225 * MM, 82 * MM, 260 * MM);
  g_assert_cmpuint(hy->len, >=, 3);
  g_assert_cmpuint(no->len, >=, 3);
  int hyphens = 0;
  for (guint k = 0; k < hy->len; k++) {
    const line *ln = LINE(hy, k);
    gunichar last = line_last(t, ln);
    if (last == 0xAD || last == '-' || last == 0x2010) hyphens++;
    g_assert_cmpfloat(ln->box.x2, <=, 42 * MM + TOL);
  }
  g_assert_cmpint(hyphens, >=, 1);
  /* The line broken at a soft hyphen shows U+2010 HYPHEN in its place. */
  g_assert_nonnull(strstr(t->utf8, "Internation\u2010"));
  for (guint k = 0; k < no->len; k++) {
    const line *ln = LINE(no, k);
    gunichar last = line_last(t, ln);
    g_assert_true(last != 0xAD && last != '-' && last != 0x2010);
  }
  g_ptr_array_free(hy, TRUE);
  g_ptr_array_free(no, TRUE);

  /* Character styles in runs: italic and green, bold (based on it). */
  const glyph *em = glyph_of(t, "Ada Quill");
  assert_font(em, "NotoSerif-Italic");
  assert_colour(em, 0x00aa00);
  const glyph *heavy = glyph_of(t, "heavy");
  assert_font(heavy, "NotoSerif-BoldItalic");
  assert_colour(heavy, 0x00aa00);
  const glyph *pl = glyph_of(t, "Plain");
  assert_font(pl, "NotoSerif-Regular");
  assert_colour(pl, 0x000000);
  assert_near(box_of(t, "Plain").x1, 110 * MM);

  page_text_free(t);
  output_free(o);
}

/* ---- Content: templates, conditions, repetitions, Markdown ---------- */

/* The text of every page, joined. */
static char *all_text(PopplerDocument *pdf) {
  GString *s = g_string_new(NULL);
  for (int p = 0; p < poppler_document_get_n_pages(pdf); p++) {
    PopplerPage *page = poppler_document_get_page(pdf, p);
    char *text = poppler_page_get_text(page);
    g_string_append(s, text);
    g_string_append_c(s, '\n');
    g_free(text);
    g_object_unref(page);
  }
  return g_string_free(s, FALSE);
}

/* tests/layouts/content.yaml, page 1: one line (15pt) per item from
 * (20mm, 20mm); items whose placeholders are unset leave no line. */
static void test_templates(void) {
  output *o = render_pdf("tests/layouts/content.yaml", FEATURES);
  /* The step `never` has `if: candidate.photo`: no such page. */
  g_assert_cmpint(poppler_document_get_n_pages(o->pdf), ==, 3);
  page_text *t = page_text_new(o->pdf, 0);
  dump(t);
  assert_inside_page(t);
  static const char *const expected[] = {
      "Ada Quill",                       /* a field */
      "Friday 14 March 2025, 10:15",     /* date and time, in English */
      "ISO 2025-03-14",                  /* a date pattern */
      "ADA QUILL",                       /* upper */
      "Aud 1, Main",                     /* join of a map (a venue) */
      "Testing University / Department of Tests", /* join of a list */
      "Public defence; Postponed",       /* a label; a value as a label */
      "Room Aud 2",                      /* optional group dropped */
      "Main building",                   /* optional group kept */
      "Url none",                        /* default */
      "Title Proofs of Layout",          /* the first alternative set */
      "Braces {x}",                      /* escaped braces */
      "Page 1 of 3",                     /* folios */
  };
  for (size_t k = 0; k < G_N_ELEMENTS(expected); k++) {
    PopplerRectangle r = box_of(t, expected[k]);
    assert_near(r.x1, 20 * MM);
    assert_near(centre_y(r), 20 * MM + 7.5 + 15 * k);
  }
  /* Conditions on items, from (20mm, 150mm); on frames, at (150mm,
   * 150mm). */
  static const char *const shown[] = {"SHOWN-IF", "SHOWN-EQ", "SHOWN-QUOTED",
                                      "SHOWN-UNLESS-UNSET", "SHOWN-ALL",
                                      "SHOWN-IF-UNLESS"};
  for (size_t k = 0; k < G_N_ELEMENTS(shown); k++)
    assert_near(centre_y(box_of(t, shown[k])), 150 * MM + 7.5 + 15 * k);
  PopplerRectangle frame = box_of(t, "SHOWN-FRAME");
  assert_near(frame.x1, 150 * MM);
  assert_near(centre_y(frame), 150 * MM + 7.5);
  page_text_free(t);
  char *all = all_text(o->pdf);
  g_assert_null(strstr(all, "HIDDEN"));
  g_free(all);
  output_free(o);
}

/* tests/layouts/content.yaml, page 2: repetitions. */
static void test_each(void) {
  output *o = render_pdf("tests/layouts/content.yaml", FEATURES);
  page_text *t = page_text_new(o->pdf, 1);
  dump(t);
  /* events, with their numbers ({#}) and a gap of 5mm between them. */
  PopplerRectangle e1 = box_of(t, "1. Trial lecture");
  PopplerRectangle e2 = box_of(t, "2. Public defence");
  assert_near(e1.x1, 20 * MM);
  assert_near(centre_y(e1), 20 * MM + 7.5);
  assert_near(centre_y(e2), 20 * MM + 7.5 + 15 + 5 * MM);
  /* committee: no gap; optional groups per entry. */
  static const char *const committee[] = {"Professor Bo Opp, North University",
                                          "Cy Two", "Dr. Di Lead, Testing"};
  for (size_t k = 0; k < G_N_ELEMENTS(committee); k++) {
    PopplerRectangle r = box_of(t, committee[k]);
    assert_near(r.x1, 110 * MM);
    assert_near(centre_y(r), 20 * MM + 7.5 + 15 * k);
  }
  /* papers: a list of texts, the entry itself ({.}). */
  static const char *const papers[] = {"1: First paper on frames.",
                                       "2: Second paper on flows.",
                                       "3: Third paper on fits."};
  for (size_t k = 0; k < G_N_ELEMENTS(papers); k++)
    assert_near(centre_y(box_of(t, papers[k])), 80 * MM + 7.5 + 15 * k);
  page_text_free(t);
  output_free(o);
}

/* tests/layouts/content.yaml, page 3: the summary's Markdown (a
 * paragraph with emphasis, a ## heading, a list, a quote), the lead with
 * a link, and a URL made a link by the `url` filter. */
static void test_markdown(void) {
  output *o = render_pdf("tests/layouts/content.yaml", FEATURES);
  page_text *t = page_text_new(o->pdf, 2);
  dump(t);
  const double top = 20 * MM, left = 20 * MM;
  /* Paragraph (body, 10pt, pitch 15) with emphasis and strong spans. */
  PopplerRectangle para = box_of(t, "Opening paragraph with");
  assert_near(para.x1, left);
  assert_near(centre_y(para), top + 7.5);
  assert_font(glyph_of(t, "Opening"), "NotoSerif-Regular");
  assert_font(glyph_of(t, "emphasis"), "NotoSerif-Italic");
  assert_font(glyph_of(t, "strength"), "NotoSerif-Bold");
  /* `## Frames` in heading-2's style: Noto Sans Bold 14pt, pitch 21. */
  const glyph *h = glyph_of(t, "Frames\n");
  assert_font(h, "NotoSans-Bold");
  assert_near(h->size, 14);
  assert_near(centre_y(box_of(t, "Frames\n")), top + 15 + 10.5);
  PopplerRectangle body = box_of(t, "Frames are rectangles.");
  assert_near(centre_y(body), top + 15 + 21 + 7.5);
  /* List items hang 1.4 em in (14pt); the bullet ends half an em before
   * the text. */
  PopplerRectangle i1 = box_of(t, "first point"), i2 = box_of(t, "second point");
  assert_near(i1.x1, left + 14);
  assert_near(i2.x1, left + 14);
  assert_near(centre_y(i1), top + 15 + 21 + 15 + 7.5);
  assert_near(centre_y(i2), top + 15 + 21 + 30 + 7.5);
  PopplerRectangle bullet = box_of(t, "\u2022");
  assert_near(bullet.x2, left + 14 - 5);
  assert_near(centre_y(bullet), centre_y(i1));
  /* The quote: 1.2 em in, in the quote style (italic). */
  PopplerRectangle q = box_of(t, "A quoted sentence.");
  assert_near(q.x1, left + 12);
  assert_font(glyph_of(t, "A quoted sentence."), "NotoSerif-Italic");
  /* heading-shift 1: `## Frames` takes heading-3's style (12pt). */
  const glyph *shifted = &t->glyphs[find(t, "Frames\n", 1)];
  assert_font(shifted, "NotoSans-Bold");
  assert_near(shifted->size, 12);
  /* Without a quote style, quotes take the paragraph style. */
  assert_font(&t->glyphs[find(t, "A quoted sentence.", 1)], "NotoSerif-Regular");

  /* The lead's link: the paragraph style's link character style (blue;
   * poppler does not report cairo's underlines), and a link annotation
   * over the word.  cairo writes the
   * annotation's /Rect rounded out to whole points: tolerance 1pt.
   * Press output (PDF/X) has the text without the annotations; office
   * output, on the same page (the layout has no bleed), has them. */
  const glyph *online = glyph_of(t, "online.");
  assert_colour(online, 0x0000ff);
  g_assert_null(poppler_page_get_link_mapping(t->page));
  page_text_free(t);
  output_free(o);
  office_output = true;
  o = render_pdf("tests/layouts/content.yaml", FEATURES);
  office_output = false;
  t = page_text_new(o->pdf, 2);
  GList *links = poppler_page_get_link_mapping(t->page);
  bool read = false, thesis = false;
  for (GList *l = links; l; l = l->next) {
    PopplerLinkMapping *m = l->data;
    g_assert_cmpint(m->action->type, ==, POPPLER_ACTION_URI);
    /* Link areas are in PDF coordinates: y grows upwards. */
    PopplerRectangle area = {m->area.x1, t->height - m->area.y2, m->area.x2,
                             t->height - m->area.y1};
    if (!strcmp(m->action->uri.uri, "https://tu.example.org/read")) {
      PopplerRectangle w = box_of(t, "online.");
      g_assert_cmpfloat_with_epsilon(area.x1, w.x1, 1.0);
      /* "online" without the full stop */
      g_assert_cmpfloat_with_epsilon(area.x2, t->glyphs[find(t, "online.", 0) + 5].box.x2, 1.0);
      g_assert_cmpfloat_with_epsilon(area.y1, 220 * MM, 1.0);
      g_assert_cmpfloat_with_epsilon(area.y2, 220 * MM + 15, 1.0);
      read = true;
    } else if (!strcmp(m->action->uri.uri, "https://tu.example.org/thesis")) {
      PopplerRectangle w = box_of(t, "https://tu.example.org/thesis");
      g_assert_cmpfloat_with_epsilon(area.x1, w.x1, 1.0);
      g_assert_cmpfloat_with_epsilon(area.x2, w.x2, 1.0);
      g_assert_cmpfloat_with_epsilon(area.y1, 220 * MM + 15, 1.0);
      thesis = true;
    } else {
      g_error("unexpected link to %s", m->action->uri.uri);
    }
  }
  g_assert_true(read);
  g_assert_true(thesis);
  poppler_page_free_link_mapping(links);
  page_text_free(t);
  output_free(o);
}

/* ---- Flows, sequence, folios, bookmarks ---------------------------- */

/* The page (0-based) a bookmark leads to, or -1. */
static int outline_page(PopplerDocument *pdf, PopplerAction *action) {
  if (action->type != POPPLER_ACTION_GOTO_DEST) return -1;
  PopplerDest *dest = action->goto_dest.dest;
  if (dest->type == POPPLER_DEST_NAMED) {
    PopplerDest *named = poppler_document_find_dest(pdf, dest->named_dest);
    int page = named ? named->page_num - 1 : -1;
    poppler_dest_free(named);
    return page;
  }
  return dest->page_num - 1;
}

/* tests/layouts/flow.yaml: A6 (105 × 148 mm), margins top 10, bottom 15,
 * inside 12, outside 8 mm; body 9pt with a 12.6pt pitch, h1 12pt with
 * 16.8pt.  The body template has two flow frames: upper (top of the
 * content box, 40mm tall) and lower (5mm below it, to the content's
 * foot). */
static void test_flow(void) {
  output *o = render_pdf("tests/layouts/flow.yaml", FEATURES);
  /* cover, three pages of the flow (a frame break, two page breaks),
   * back: 5 pages, padded with notes pages to a multiple of 4. */
  const int pages = 8;
  g_assert_cmpint(poppler_document_get_n_pages(o->pdf), ==, pages);
  const double body_half = 9 * 1.4 / 2, h1_half = 12 * 1.4 / 2;
  page_text *t[8];
  for (int p = 0; p < pages; p++) {
    t[p] = page_text_new(o->pdf, p);
    dump(t[p]);
    assert_inside_page(t[p]);
    assert_page_size(o->pdf, p, 105 * MM, 148 * MM);
    /* Page labels: the page numbers. */
    char *label = poppler_page_get_label(t[p]->page);
    char *expected = g_strdup_printf("%d", p + 1);
    g_assert_cmpstr(label, ==, expected);
    g_free(label);
    g_free(expected);
  }
  /* Content box: odd pages are right-hand pages (inside margin left). */
#define LEFT(p) (((p) % 2 == 0 ? 12 : 8) * MM)      /* p is 0-based */
#define RIGHT(p) ((105 - ((p) % 2 == 0 ? 8 : 12)) * MM)
  /* Step `cover`: once. */
  g_assert_cmpint(count_of(t[0], "Proofs of Layout"), ==, 1);
  /* Step `{template: body, flow: main}`: page 2 holds the start of the
   * flow in the upper frame; a frame break moves to the lower frame. */
  PopplerRectangle r = box_of(t[1], "Summary");
  assert_near(r.x1, LEFT(1));
  assert_near(centre_y(r), 10 * MM + h1_half);
  r = box_of(t[1], "AFTER-FRAME-BREAK");
  assert_near(r.x1, LEFT(1));
  assert_near(centre_y(r), 55 * MM + body_half);
  /* A page break ends the page, although the lower frame has room. */
  r = box_of(t[2], "AFTER-PAGE-BREAK");
  assert_near(r.x1, LEFT(2));
  assert_near(centre_y(r), 10 * MM + body_half);
  r = box_of(t[3], "LAST-FLOW-PAGE");
  assert_near(r.x1, LEFT(3));
  assert_near(centre_y(r), 10 * MM + body_half);
  g_assert_cmpint(count_of(t[2], "Di Lead"), ==, 1);
  g_assert_cmpint(count_of(t[2], "LAST-FLOW-PAGE"), ==, 0);
  /* Inside and outside, in a flow: on page 3 (right-hand) outside is
   * right and inside left; on page 4 (left-hand) the other way. */
  assert_near(box_of(t[2], "OUTSIDE-RECTO").x2, RIGHT(2));
  assert_near(box_of(t[2], "INSIDE-RECTO").x1, LEFT(2));
  assert_near(box_of(t[3], "OUTSIDE-VERSO").x1, LEFT(3));
  assert_near(box_of(t[3], "INSIDE-VERSO").x2, RIGHT(3));
  /* Step `{template: notes, pad: true}`: pages 5 to 7; then `back`. */
  for (int p = 4; p < 7; p++) g_assert_cmpint(count_of(t[p], "NOTES"), ==, 1);
  r = box_of(t[7], "BACK");
  assert_near(centre_y(r), (148 - 15) * MM - h1_half);
  g_assert_cmpint(count_of(t[7], "NOTES"), ==, 0);
  /* Folios "{page}/{pages}", below the content box; on body pages
   * aligned outside (the left edge of left-hand pages, the right edge of
   * right-hand pages), on notes pages inside.  The cover and back
   * templates have none. */
  for (int p = 1; p < 7; p++) {
    char *folio = g_strdup_printf("%d/%d", p + 1, pages);
    PopplerRectangle f = box_of(t[p], folio);
    bool right = (p % 2 == 0) == (p < 4); /* outside on a right-hand page */
    if (right) assert_near(f.x2, RIGHT(p));
    else assert_near(f.x1, LEFT(p));
    g_assert_cmpfloat(f.y1, >=, (148 - 15 + 5) * MM - TOL);
    assert_near(glyph_of(t[p], folio)->size, 7);
    g_free(folio);
  }
  g_assert_cmpint(count_of(t[0], "/8"), ==, 0);
  g_assert_cmpint(count_of(t[7], "/8"), ==, 0);
#undef LEFT
#undef RIGHT

  /* outline: true: a bookmark for the Markdown heading, leading to its
   * page. */
  PopplerIndexIter *iter = poppler_index_iter_new(o->pdf);
  g_assert_nonnull(iter);
  bool found = false;
  do {
    PopplerAction *action = poppler_index_iter_get_action(iter);
    if (action->type == POPPLER_ACTION_GOTO_DEST &&
        !strcmp(action->any.title, "Frames")) {
      g_assert_cmpint(outline_page(o->pdf, action), ==, 1);
      found = true;
    }
    poppler_action_free(action);
  } while (poppler_index_iter_next(iter));
  poppler_index_iter_free(iter);
  g_assert_true(found);
  for (int p = 0; p < pages; p++) page_text_free(t[p]);
  output_free(o);
}

/* tests/layouts/flow-long.yaml with the seed: the summary through A6
 * pages (content box 10..95 × 10..136 mm), body 9pt with a 12.6pt pitch,
 * first-line indent 4mm, widows 3, orphans 2. */
typedef enum { KIND_START, KIND_CONT, KIND_HEADING, KIND_ROLE, KIND_PERSON } line_kind;

static line_kind kind_of(const page_text *t, const line *ln) {
  const glyph *g = &t->glyphs[g_array_index(ln->glyphs, guint, 0)];
  if (font_is(g, "NotoSans-Bold")) return KIND_HEADING;
  if (font_is(g, "NotoSans")) return KIND_ROLE;
  if (fabs(g->size - 8) < 0.1) return KIND_PERSON;
  g_assert_cmpfloat_with_epsilon(g->size, 9, 0.1);
  if (fabs(ln->box.x1 - 14 * MM) < TOL) return KIND_START;
  assert_near(ln->box.x1, 10 * MM);
  return KIND_CONT;
}

/* Checks one rendering of flow-long.yaml whose content box ends `foot`
 * points from the page's top; returns how many paragraphs were split. */
static int check_long_flow(PopplerDocument *pdf, double foot, int *hyphens) {
  int pages = poppler_document_get_n_pages(pdf);
  g_assert_cmpint(pages, >=, 3);
  int splits = 0, prev_tail = 0; /* lines of the page's last paragraph */
  bool prev_hyphen = false; /* the page before ends in a hyphen */
  for (int p = 0; p < pages; p++) {
    page_text *t = page_text_new(pdf, p);
    dump(t);
    assert_inside_page(t);
    GPtrArray *lines = lines_in(t, 10 * MM - 1, 10 * MM - 1, 95 * MM + 1, foot + 1);
    g_assert_cmpuint(lines->len, >, 0);
    g_assert_cmpfloat(LINE(lines, lines->len - 1)->box.y2, <=, foot + 3);
    line_kind first = kind_of(t, LINE(lines, 0));
    if (p > 0 && first == KIND_CONT) {
      /* A paragraph split at the previous page's foot: at least
       * `orphans` (2) lines there and `widows` (3) here. */
      int head = 0;
      while (head < (int)lines->len && kind_of(t, LINE(lines, head)) == KIND_CONT)
        head++;
      g_assert_cmpint(prev_tail, >=, 2);
      g_assert_cmpint(head, >=, 3);
      /* Nor does the line before the break end in a hyphen. */
      g_assert_false(prev_hyphen);
      splits++;
    }
    for (guint k = 0; k < lines->len; k++) {
      const line *ln = LINE(lines, k);
      gunichar c = t->glyphs[g_array_index(ln->glyphs, guint,
                                           ln->glyphs->len - 1)].c;
      prev_hyphen = c == '-' || c == 0x2010 || c == 0x00AD;
      if (prev_hyphen) (*hyphens)++;
    }
    /* A person (role and name) is kept together: a page never starts
     * with the name. */
    g_assert_cmpint(first, !=, KIND_PERSON);
    /* The last line is never a heading or a role (keep-with-next). */
    line_kind last = kind_of(t, LINE(lines, lines->len - 1));
    if (p + 1 < pages) {
      g_assert_cmpint(last, !=, KIND_HEADING);
      g_assert_cmpint(last, !=, KIND_ROLE);
    }
    prev_tail = 0;
    for (int k = (int)lines->len - 1; k >= 0; k--) {
      line_kind kind = kind_of(t, LINE(lines, k));
      if (kind != KIND_CONT && kind != KIND_START) break;
      prev_tail++;
      if (kind == KIND_START) break;
    }
    /* The first line stands at the top of the content box (a heading's
     * space before is dropped there). */
    const glyph *g = &t->glyphs[g_array_index(LINE(lines, 0)->glyphs, guint, 0)];
    assert_near(centre_y(LINE(lines, 0)->box), 10 * MM + g->size * 1.4 / 2);
    g_ptr_array_free(lines, TRUE);
    page_text_free(t);
  }
  return splits;
}

/* The same flow with content boxes of 8 heights (bottom margins of 12 to
 * 40 mm), so that page breaks fall in many places: never after a line
 * that ends in a hyphen. */
static void test_widows_orphans(void) {
  char *path = source_path("tests/layouts/flow-long.yaml");
  char *yaml = NULL;
  g_assert_true(g_file_get_contents(path, &yaml, NULL, NULL));
  const char *margins = "margins: {top: 10mm, bottom: 12mm,";
  char *at = strstr(yaml, margins);
  g_assert_nonnull(at);
  int splits = 0, hyphens = 0;
  for (int bottom = 12; bottom <= 40; bottom += 4) {
    char *head = g_strndup(yaml, (gsize)(at - yaml));
    char *variant = g_strdup_printf("%smargins: {top: 10mm, bottom: %dmm,%s",
                                    head, bottom, at + strlen(margins));
    output *o = render(variant, true, "samples/seed.yaml", -1, 0);
    if (!o->ok || o->messages->len) g_error("%s", o->messages->str);
    splits += check_long_flow(o->pdf, (148 - bottom) * MM, &hyphens);
    output_free(o);
    g_free(variant);
    g_free(head);
  }
  /* The test means something only if paragraphs were split, and lines
   * hyphenated. */
  g_assert_cmpint(splits, >=, 8);
  g_assert_cmpint(hyphens, >=, 20);
  g_free(yaml);
  g_free(path);
}

/* The booklet with every sample: a heading (or any keep-with-next line:
 * Noto Sans Bold, or SemiBold from 9.5pt) never ends a page where the flow
 * goes on to the next page.  A5 with 3mm bleed; the content box is
 * 16..190 mm from the top.  Pages of the flow hold more than one line
 * (a notes page holds one, the back cover is last); the practical page,
 * which opens with its heading in the samples' languages, is not the
 * flow's. */
static bool opens_practical_page(const page_text *t) {
  static const char *const headings[] = {"Practical information",
                                         "Praktisk informasjon"};
  for (size_t i = 0; t->utf8 && i < G_N_ELEMENTS(headings); i++)
    if (g_str_has_prefix(t->utf8, headings[i])) return true;
  return false;
}

static void test_booklet_headings(void) {
  static const char *const samples[] = {"seed", "bokmal", "nynorsk",
                                        "online-postponed", "scripts",
                                        "minimal"};
  int checked = 0;
  for (size_t s = 0; s < G_N_ELEMENTS(samples); s++) {
    char *doc = g_strdup_printf("samples/%s.yaml", samples[s]);
    output *o = render_pdf("booklet", doc);
    int pages = poppler_document_get_n_pages(o->pdf);
    g_assert_cmpint(pages % 4, ==, 0);
    page_text *t[DP_MAX_PAGES];
    GPtrArray *lines[DP_MAX_PAGES];
    for (int p = 0; p < pages; p++) {
      t[p] = page_text_new(o->pdf, p);
      assert_inside_page(t[p]);
      lines[p] = lines_in(t[p], 0, 3 * MM + 16 * MM - 1, t[p]->width,
                          3 * MM + 190 * MM + 1);
    }
    for (int p = 1; p + 2 < pages; p++) {
      if (lines[p]->len <= 1 || lines[p + 1]->len <= 1 ||
          opens_practical_page(t[p + 1]))
        continue;
      const line *last = LINE(lines[p], lines[p]->len - 1);
      glyph g = {0};
      line_font(t[p], last, &g.font, &g.size);
      if (font_is(&g, "NotoSans-Bold") ||
          (font_is(&g, "NotoSans-SemiBold") && g.size >= 9.5 - 0.01))
        g_error("%s, page %d ends with a heading: %s %.1fpt at y %.1f", doc,
                p + 1, g.font, g.size, last->box.y1);
      checked++;
    }
    for (int p = 0; p < pages; p++) {
      g_ptr_array_free(lines[p], TRUE);
      page_text_free(t[p]);
    }
    output_free(o);
    g_free(doc);
  }
  /* The samples make page breaks to check. */
  g_assert_cmpint(checked, >=, 4);
}

/* tests/layouts/keep.yaml: A6, margins 10mm, lines of 15pt (see the
 * layout for the cases).  Where each text must stand: its page (1-based)
 * and its line's centre from the top of the content box. */
static void test_keep(void) {
  static const struct {
    const char *text;
    int page;
    double y; /* pt */
  } expected[] = {
      {"FILLER-A", 1, 7.5},
      {"HEADING-A", 2, 7.5},             /* moved with its group */
      {"GROUP-A1", 2, 22.5},
      {"GROUP-A4", 2, 67.5},
      {"FILLER-B", 3, 7.5},
      {"HEADING-B", 4, 7.5},             /* moved with the line after */
      {"AFTER-B", 4, 15 + 10 * MM + 7.5},
      {"FILLER-C", 5, 7.5},
      {"GROUP-C1", 5, 15 + 95 * MM + 7.5}, /* stays */
      {"GROUP-C3", 5, 15 + 95 * MM + 37.5},
      {"FILLER-D", 6, 7.5},
      {"GROUP-D1", 7, 7.5},              /* whole, no space at the top */
      {"GROUP-D4", 7, 52.5},
      {"FILLER-E", 8, 7.5},
      {"KEEP-E", 9, 7.5},
      {"NEXT-E", 9, 22.5},
  };
  output *o = render_pdf("tests/layouts/keep.yaml", FEATURES);
  g_assert_cmpint(poppler_document_get_n_pages(o->pdf), ==, 9);
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
    page_text *t = page_text_new(o->pdf, expected[i].page - 1);
    if (find(t, expected[i].text, 0) < 0)
      g_error("'%s' is not on page %d: %s", expected[i].text, expected[i].page,
              t->utf8);
    PopplerRectangle r = box_of(t, expected[i].text);
    assert_near(r.x1, 10 * MM);
    assert_near(centre_y(r), 10 * MM + expected[i].y);
    page_text_free(t);
  }
  output_free(o);
}

/* ---- Columns -------------------------------------------------------- */

/* The lines of a frame's column k. */
static GPtrArray *column_lines(const page_text *t, double left, double width,
                               double gap, int k, double top, double bottom) {
  double x = left + k * (width + gap);
  return lines_in(t, x - TOL, top, x + width + TOL, bottom);
}

/* Checks columns of `count` of a frame at (left, top), each `width`
 * wide, `gap` apart: every column starts at the top; with `balanced`, the
 * bottoms are within one line (15pt) of each other.  Returns the number
 * of lines per column in `lines`. */
static void check_columns(const page_text *t, double left, double top,
                          double bottom, double width, double gap, int count,
                          bool balanced, int *lines) {
  double lowest = 0, highest = 1e9;
  for (int k = 0; k < count; k++) {
    GPtrArray *col = column_lines(t, left, width, gap, k, top, bottom);
    g_assert_cmpuint(col->len, >, 0);
    lines[k] = (int)col->len;
    assert_near(LINE(col, 0)->box.x1, left + k * (width + gap));
    assert_near(centre_y(LINE(col, 0)->box), top + 7.5);
    for (guint i = 0; i < col->len; i++)
      g_assert_cmpfloat(LINE(col, i)->box.x2, <=, left + k * (width + gap) + width + TOL);
    double foot = centre_y(LINE(col, col->len - 1)->box);
    lowest = MAX(lowest, foot);
    highest = MIN(highest, foot);
    g_ptr_array_free(col, TRUE);
  }
  if (balanced) g_assert_cmpfloat(lowest - highest, <=, 15 + TOL);
}

/* tests/layouts/columns.yaml: A4, margins 20mm (content 170mm wide);
 * body 10pt, pitch 15pt. */
static void test_columns(void) {
  output *o = render_pdf("tests/layouts/columns.yaml", FEATURES);
  g_assert_cmpint(poppler_document_get_n_pages(o->pdf), ==, 2);
  page_text *t = page_text_new(o->pdf, 0);
  dump(t);
  assert_inside_page(t);
  int lines[3];
  /* balanced: 3 columns, gap 6mm, at 20..120mm. */
  double w3 = (170 - 2 * 6) / 3.0 * MM;
  check_columns(t, 20 * MM, 20 * MM, 120 * MM, w3, 6 * MM, 3, true, lines);
  /* filled: 2 columns, gap 10mm, 40mm tall, not balanced: the first
   * column is full (as many 15pt lines as 40mm takes), the second takes
   * the rest. */
  double w2 = (170 - 10) / 2.0 * MM;
  check_columns(t, 20 * MM, 130 * MM, 170 * MM, w2, 10 * MM, 2, false, lines);
  g_assert_cmpint(lines[0], ==, (int)(40 * MM / 15));
  g_assert_cmpint(lines[1], <, lines[0] - 1);
  /* automatic: automatic height, 2 columns: balanced. */
  check_columns(t, 20 * MM, 180 * MM, 297 * MM, w2, 10 * MM, 2, true, lines);
  page_text_free(t);
  /* A flow frame with balance: true, where the flow ends: the content
   * box, 2 columns, gap 8mm. */
  t = page_text_new(o->pdf, 1);
  dump(t);
  double wf = (170 - 8) / 2.0 * MM;
  check_columns(t, 20 * MM, 20 * MM, 277 * MM, wf, 8 * MM, 2, true, lines);
  page_text_free(t);
  output_free(o);
}

/* ---- Fit ------------------------------------------------------------ */

/* The lines of a frame's text, checked to be set at one size. */
static GPtrArray *frame_lines(const page_text *t, double left, double top,
                              double right, double bottom, double *size) {
  GPtrArray *lines = lines_in(t, left - TOL, top - TOL, right + TOL, bottom + 40);
  g_assert_cmpuint(lines->len, >, 0);
  *size = t->glyphs[g_array_index(LINE(lines, 0)->glyphs, guint, 0)].size;
  for (guint k = 0; k < lines->len; k++)
    for (guint i = 0; i < LINE(lines, k)->glyphs->len; i++)
      g_assert_cmpfloat_with_epsilon(
          t->glyphs[g_array_index(LINE(lines, k)->glyphs, guint, i)].size,
          *size, 0.01);
  return lines;
}

/* tests/layouts/fit.yaml: A5, body 12pt with line-height 1.4. */
static void test_fit(void) {
  output *o = render_pdf("tests/layouts/fit.yaml", FEATURES);
  page_text *t = page_text_new(o->pdf, 0);
  dump(t);
  assert_inside_page(t);
  /* shrunk: 100 × 25 mm at (20mm, 20mm), min-scale 0.5: set smaller than
   * 12pt but not below 6pt, every line inside the frame, and the frame
   * full (no room for another line at that size). */
  double size;
  GPtrArray *lines = frame_lines(t, 20 * MM, 20 * MM, 120 * MM, 45 * MM, &size);
  g_assert_cmpfloat(size, <, 12 - 0.1);
  g_assert_cmpfloat(size, >=, 6 - 0.01);
  double pitch = 1.4 * size;
  for (guint k = 0; k < lines->len; k++) {
    const line *ln = LINE(lines, k);
    assert_near(centre_y(ln->box), 20 * MM + pitch / 2 + k * pitch);
    g_assert_cmpfloat(ln->box.x1, >=, 20 * MM - TOL);
    g_assert_cmpfloat(ln->box.x2, <=, 120 * MM + TOL);
  }
  double foot = 20 * MM + lines->len * pitch; /* the last line's bottom */
  g_assert_cmpfloat(foot, <=, 45 * MM + TOL);
  g_assert_cmpfloat(foot + pitch, >, 45 * MM);
  g_ptr_array_free(lines, TRUE);
  /* roomy: short text keeps its size. */
  assert_near(glyph_of(t, "Short enough.")->size, 12);
  assert_near(centre_y(box_of(t, "Short enough.")), 70 * MM + 8.4);
  /* capped: automatic height, at most 20mm: shrunk to stay within it. */
  lines = frame_lines(t, 20 * MM, 120 * MM, 120 * MM, 140 * MM, &size);
  g_assert_cmpfloat(size, <, 12 - 0.1);
  g_assert_cmpfloat(size, >=, 0.3 * 12 - 0.01);
  g_assert_cmpfloat(120 * MM + lines->len * 1.4 * size, <=, 140 * MM + TOL);
  g_ptr_array_free(lines, TRUE);
  page_text_free(t);
  output_free(o);
}

/* Runs a program; returns its exit status, its output and its errors. */
static int run(char **argv, char **out, char **err) {
  int status = -1;
  GError *error = NULL;
  g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                             out, err, &status, &error));
  g_assert_no_error(error);
  return g_spawn_check_wait_status(status, NULL) ? 0 : WEXITSTATUS(status);
}

/* Content that does not fit: with fit: error, and with fit: shrink
 * beyond min-scale.  The error is at the document's text that does not
 * fit (the seed's lead, line 25) and names the frame; a note follows at
 * the frame's line (its `- name:` line in the layout file); the command
 * line exits with 1 and writes nothing. */
/* A text item's `lang` must expand to a language tag: anything else is
 * the layout's error, at the item; nothing is rendered. */
static void test_lang_errors(void) {
  static const char layout[] =
      "layout: 1\n"
      "styles:\n"
      "  body: {family: Noto Sans, size: 10pt}\n"
      "templates:\n"
      "  one:\n"
      "    frames:\n"
      "      - content:\n"
      "          - {text: \"{thesis.title}\", lang: \"{thesis.title}\"}\n"
      "sequence: [one]\n";
  output *o = render(layout, true, "samples/seed.yaml", -1, 0);
  g_assert_false(o->ok);
  g_assert_nonnull(strstr(o->messages->str,
                          "generated.yaml:8: error: 'lang' must give a BCP "
                          "47 language tag"));
  output_free(o);
}

static void test_fit_errors(void) {
  static const struct {
    const char *layout, *place, *frame, *detail;
  } cases[] = {
      {"tests/layouts/fit-error.yaml", "fit-error.yaml:13: ", "'small'",
       "does not fit"},
      {"tests/layouts/fit-too-small.yaml", "fit-too-small.yaml:13: ",
       "'tight'", "90%"},
  };
  const char *cli = g_getenv("DISPUTAS_CLI");
  char *dir = g_dir_make_tmp("test-layout-features-XXXXXX", NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    output *o = render(cases[i].layout, false, "samples/seed.yaml", -1, 0);
    g_assert_false(o->ok);
    const char *m = o->messages->str;
    const char *error = strstr(m, "seed.yaml:25: error:");
    if (!error || !strstr(m, cases[i].place) ||
        strstr(m, cases[i].place) < error || !strstr(m, cases[i].frame) ||
        !strstr(m, cases[i].detail))
      g_error("%s: unexpected diagnostics:\n%s", cases[i].layout, m);
    output_free(o);
    if (!cli) continue;
    char *layout = source_path(cases[i].layout);
    char *doc = source_path("samples/seed.yaml");
    char *out = g_build_filename(dir, "out.pdf", NULL);
    char *argv[] = {(char *)cli, "render", doc, "-l", layout, "-o", out, NULL};
    char *err = NULL;
    g_assert_cmpint(run(argv, NULL, &err), ==, 1);
    g_assert_nonnull(strstr(err, cases[i].frame));
    g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    g_free(err);
    g_free(out);
    g_free(doc);
    g_free(layout);
  }
  if (!cli) g_test_message("DISPUTAS_CLI is not set: the command line was not run");
  /* pages.max: a flow that needs more pages is an error. */
  char *path = source_path("tests/layouts/flow-long.yaml");
  char *yaml = NULL;
  g_assert_true(g_file_get_contents(path, &yaml, NULL, NULL));
  char *limited = g_strdup_printf("%s\npages: {max: 2}\n", yaml);
  output *o = render(limited, true, "samples/seed.yaml", -1, 0);
  g_assert_false(o->ok);
  if (!strstr(o->messages->str, "more than 2 pages"))
    g_error("pages.max: unexpected diagnostics:\n%s", o->messages->str);
  output_free(o);
  g_free(limited);
  g_free(yaml);
  g_free(path);
  g_rmdir(dir);
  g_free(dir);
}

/* ---- Graphics ------------------------------------------------------- */

typedef struct png_reader {
  const guint8 *data;
  gsize length, at;
} png_reader;

static cairo_status_t read_png(void *closure, unsigned char *data,
                               unsigned int length) {
  png_reader *r = closure;
  if (r->at + length > r->length) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, r->data + r->at, length);
  r->at += length;
  return CAIRO_STATUS_SUCCESS;
}

/* The colour (0xrrggbb) at (x, y) points from the top-left corner of the
 * output page, in a PNG of `dpi`. */
static unsigned pixel(cairo_surface_t *png, double dpi, double x, double y) {
  int px = (int)floor(x * dpi / 72), py = (int)floor(y * dpi / 72);
  g_assert_cmpint(px, >=, 0);
  g_assert_cmpint(py, >=, 0);
  g_assert_cmpint(px, <, cairo_image_surface_get_width(png));
  g_assert_cmpint(py, <, cairo_image_surface_get_height(png));
  const unsigned char *row = cairo_image_surface_get_data(png) +
                             py * cairo_image_surface_get_stride(png);
  return ((const guint32 *)row)[px] & 0xffffff;
}

#define assert_pixel(png, dpi, x, y, rgb)                                   \
  do {                                                                      \
    unsigned got_ = pixel((png), (dpi), (x), (y));                          \
    if (got_ != (unsigned)(rgb))                                            \
      g_error("pixel at (%.2fmm, %.2fmm) is #%06x, not #%06x", (x) / MM,    \
              (y) / MM, got_, (unsigned)(rgb));                             \
  } while (0)

/* tests/layouts/graphics.yaml: A6 with 2mm bleed, read as a PNG at 144
 * dpi; positions below are from the trim box's corner, plus the bleed. */
static void test_graphics(void) {
  const double dpi = 144, b = 2 * MM;
  output *o = render("tests/layouts/graphics.yaml", false, FEATURES, 0, dpi);
  g_assert_true(o->ok);
  png_reader r = {g_bytes_get_data(o->bytes, NULL), g_bytes_get_size(o->bytes), 0};
  cairo_surface_t *png = cairo_image_surface_create_from_png_stream(read_png, &r);
  g_assert_cmpint(cairo_surface_status(png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(png);
  /* The page is A6 plus the bleed on every side. */
  g_assert_cmpint(cairo_image_surface_get_width(png), ==, (int)ceil(109 * MM * dpi / 72));
  g_assert_cmpint(cairo_image_surface_get_height(png), ==, (int)ceil(152 * MM * dpi / 72));
  const unsigned white = 0xffffff, red = 0xff0000, yellow = 0xffcc00,
                 blue = 0x0000ff, green = 0x00aa00;
  /* band: from the bleed's top-left corner across the whole bleed width,
   * 12mm tall (to 10mm below the trim edge). */
  assert_pixel(png, dpi, 0.5, 0.5, red);
  assert_pixel(png, dpi, b + 106.5 * MM, b + 9.5 * MM, red);
  assert_pixel(png, dpi, b + 50 * MM, b + 10.5 * MM, white);
  /* box: 60 × 30 mm at (20mm, 20mm), fill, a 2pt stroke centred on the
   * edge, 6mm corners. */
  assert_pixel(png, dpi, b + 50 * MM, b + 35 * MM, yellow);
  assert_pixel(png, dpi, b + 20 * MM, b + 35 * MM, blue);
  assert_pixel(png, dpi, b + 80 * MM - 0.5, b + 35 * MM, blue);
  assert_pixel(png, dpi, b + 50 * MM, b + 20 * MM, blue);
  assert_pixel(png, dpi, b + 50 * MM, b + 50 * MM - 0.5, blue);
  assert_pixel(png, dpi, b + 20 * MM - 2, b + 35 * MM, white);
  assert_pixel(png, dpi, b + 80 * MM + 2, b + 35 * MM, white);
  /* A corner of the rectangle lies outside the rounded corner. */
  assert_pixel(png, dpi, b + 21 * MM, b + 21 * MM, white);
  assert_pixel(png, dpi, b + 79 * MM, b + 49 * MM, white);
  /* rules: the first is 2pt thick and half (50%) of the 60mm frame,
   * aligned right: 50..80mm; the second 1mm thick and 20mm long, centred:
   * 40..60mm, below the text that follows 5mm of space. */
  double y1 = b + 60 * MM + 1;
  assert_pixel(png, dpi, b + 65 * MM, y1, green);
  assert_pixel(png, dpi, b + 50 * MM + 1, y1, green);
  assert_pixel(png, dpi, b + 80 * MM - 1, y1, green);
  assert_pixel(png, dpi, b + 50 * MM - 1, y1, white);
  assert_pixel(png, dpi, b + 35 * MM, y1, white);
  assert_pixel(png, dpi, b + 65 * MM, b + 60 * MM + 2 + 0.5, white);
  double y2 = b + 60 * MM + 2 + 5 * MM + 15 + 0.5 * MM;
  assert_pixel(png, dpi, b + 50 * MM, y2, blue);
  assert_pixel(png, dpi, b + 40 * MM + 1, y2, blue);
  assert_pixel(png, dpi, b + 60 * MM - 1, y2, blue);
  assert_pixel(png, dpi, b + 40 * MM - 1, y2, white);
  assert_pixel(png, dpi, b + 60 * MM + 1, y2, white);
  /* qr: `size: 30mm` is the symbol; its quiet zone of 4 modules (white)
   * lies around it, from the frame's left edge (20mm) and the top (85mm).
   * The top-left finder pattern's first row is 7 modules of dark. */
  double qx0 = 1e9, qy0 = 1e9, qx1 = 0, qy1 = 0; /* dark pixels, in mm */
  const double step = 72 / dpi / MM;
  for (double x = 19; x < 75; x += step)
    for (double y = 84; y < 140; y += step)
      if (pixel(png, dpi, b + x * MM, b + y * MM) == 0) {
        qx0 = MIN(qx0, x);
        qy0 = MIN(qy0, y);
        qx1 = MAX(qx1, x);
        qy1 = MAX(qy1, y);
      }
  g_assert_cmpfloat_with_epsilon(qx1 + step - qx0, 30, 2 * step);
  g_assert_cmpfloat_with_epsilon(qy1 + step - qy0, 30, 2 * step);
  double run = 0;
  while (pixel(png, dpi, b + (qx0 + run) * MM, b + (qy0 + step / 2) * MM) == 0)
    run += step;
  double module = run / 7;
  g_assert_cmpfloat_with_epsilon(qx0 - 20, 4 * module, 2 * step);
  g_assert_cmpfloat_with_epsilon(qy0 - 85, 4 * module, 2 * step);
  assert_pixel(png, dpi, b + 20 * MM + 1, b + 85 * MM + 1, white);
  cairo_surface_destroy(png);
  output_free(o);

  /* The text of the same page, in the PDF: padding 5mm inside the box;
   * after the first rule (2pt) and 5mm of space. */
  o = render_pdf("tests/layouts/graphics.yaml", FEATURES);
  page_text *t = page_text_new(o->pdf, 0);
  PopplerRectangle padded = box_of(t, "Padded");
  assert_near(padded.x1, b + 25 * MM);
  assert_near(centre_y(padded), b + 25 * MM + 7.5);
  PopplerRectangle after = box_of(t, "After rule");
  assert_near(after.x1, b + 20 * MM);
  assert_near(centre_y(after), b + 60 * MM + 2 + 5 * MM + 7.5);
  page_text_free(t);
  output_free(o);
}

/* The QR code decodes to the document's URL: rendered to PNG by the
 * command line, read by zbarimg (zbar-tools). */
static void test_qr(void) {
  const char *cli = g_getenv("DISPUTAS_CLI");
  char *zbarimg = g_find_program_in_path("zbarimg");
  if (!cli || !zbarimg) {
    g_test_skip(!cli ? "DISPUTAS_CLI is not set"
                     : "zbarimg is not installed (Debian: zbar-tools)");
    g_free(zbarimg);
    return;
  }
  char *dir = g_dir_make_tmp("test-layout-features-XXXXXX", NULL);
  char *layout = source_path("tests/layouts/graphics.yaml");
  char *doc = source_path(FEATURES);
  char *out = g_build_filename(dir, "qr.png", NULL);
  char *argv[] = {(char *)cli, "render", doc, "-l", layout, "-f", "png",
                  "--dpi", "300", "-o", out, NULL};
  char *err = NULL;
  if (run(argv, NULL, &err) != 0) g_error("disputas render: %s", err);
  g_free(err);
  char *png = g_build_filename(dir, "qr-1.png", NULL);
  g_assert_true(g_file_test(png, G_FILE_TEST_EXISTS));
  char *zargv[] = {zbarimg, "--quiet", "--raw", png, NULL};
  char *decoded = NULL, *noise = NULL;
  g_assert_cmpint(run(zargv, &decoded, &noise), ==, 0);
  g_free(noise);
  g_assert_cmpstr(g_strchomp(decoded), ==, "https://tu.example.org/live");
  g_free(decoded);
  g_unlink(png);
  g_rmdir(dir);
  g_free(png);
  g_free(out);
  g_free(doc);
  g_free(layout);
  g_free(dir);
  g_free(zbarimg);
}

/* ---- The poster ----------------------------------------------------- */

/* The samples (every .yaml file in samples/), sorted. */
static GPtrArray *samples(void) {
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  char *dir_path = source_path("samples");
  GDir *dir = g_dir_open(dir_path, 0, NULL);
  g_assert_nonnull(dir);
  const char *name;
  while ((name = g_dir_read_name(dir)))
    if (g_str_has_suffix(name, ".yaml"))
      g_ptr_array_add(names, g_strdup_printf("samples/%s", name));
  g_dir_close(dir);
  g_free(dir_path);
  g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
  g_assert_cmpuint(names->len, >=, 6);
  return names;
}

/* No two glyphs of different lines overlap: the middle of each glyph box
 * (70% of its width, 40% of its height, around its centre) is disjoint
 * from every other's.  Lines of one paragraph never come this close; text
 * of frames that overlap does. */
static void assert_no_collisions(page_text *t, const char *what) {
  /* Glyphs by their centres' height: only those a line apart or less can
   * meet. */
  GArray *order = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < t->count; i++) {
    const PopplerRectangle *a = &t->glyphs[i].box;
    /* A box more than twice as wide as tall is no glyph: poppler gives
     * the embedding marks it adds around right-to-left runs the width of
     * the run. */
    if (!is_blank(t->glyphs[i].c) && a->x2 - a->x1 >= 0.01 &&
        a->x2 - a->x1 <= 2 * (a->y2 - a->y1))
      g_array_append_val(order, i);
  }
  g_array_sort_with_data(order, compare_centre_y, t);
  for (guint m = 0; m < order->len; m++) {
    const PopplerRectangle *a = &t->glyphs[g_array_index(order, guint, m)].box;
    double aw = (a->x2 - a->x1) * 0.35, ah = (a->y2 - a->y1) * 0.2;
    for (guint k = m + 1; k < order->len; k++) {
      const PopplerRectangle *b = &t->glyphs[g_array_index(order, guint, k)].box;
      double dy = centre_y(*b) - centre_y(*a);
      if (dy > 100) break; /* taller than any glyph's box */
      if (dy <= 1.0) continue; /* one line */
      double bw = (b->x2 - b->x1) * 0.35, bh = (b->y2 - b->y1) * 0.2;
      if (fabs(centre_x(*a) - centre_x(*b)) < aw + bw && dy < ah + bh)
        g_error("%s: glyphs at [%.1f %.1f %.1f %.1f] and [%.1f %.1f %.1f "
                "%.1f] overlap", what, a->x1, a->y1, a->x2, a->y2, b->x1,
                b->y1, b->x2, b->y2);
    }
  }
  g_array_free(order, TRUE);
}

static bool boxes_meet(PopplerRectangle a, PopplerRectangle b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

/* The poster (layouts/poster.yaml) with every sample: one A4 page with 3mm
 * bleed; all text inside the content box (margins top 16, bottom 14,
 * inside and outside 17 mm); no text over other text.  With the seed, the
 * text of each frame (found by texts only that frame shows) stays clear
 * of every other frame's. */
static void test_poster(void) {
  const double b = 3 * MM;
  GPtrArray *docs = samples();
  for (guint s = 0; s < docs->len; s++) {
    const char *doc = g_ptr_array_index(docs, s);
    /* A dense document may lose optional content by priority, each piece
     * named in a warning; any other diagnostic is a failure. */
    output *o = render("poster", false, doc, -1, 0);
    if (!o->ok) g_error("poster with %s: %s", doc, o->messages->str);
    char **lines = g_strsplit(o->messages->str, "\n", -1);
    for (char **l = lines; *l; l++)
      if (**l && !strstr(*l, "warning: left out of the poster: ") &&
          !strstr(*l, "the layout's optional content, left out"))
        g_error("poster with %s: %s", doc, *l);
    g_strfreev(lines);
    g_assert_cmpint(poppler_document_get_n_pages(o->pdf), ==, 1);
    assert_page_size(o->pdf, 0, 216 * MM, 303 * MM);
    page_text *t = page_text_new(o->pdf, 0);
    assert_inside_page(t);
    for (guint i = 0; i < t->count; i++) {
      const glyph *g = &t->glyphs[i];
      if (is_blank(g->c) || g->box.x2 - g->box.x1 < 0.01) continue;
      if (centre_x(g->box) < b + 17 * MM || centre_x(g->box) > b + 193 * MM ||
          centre_y(g->box) < b + 16 * MM || centre_y(g->box) > b + 283 * MM)
        g_error("%s: a glyph at [%.1f %.1f] is outside the content box", doc,
                g->box.x1, g->box.y1);
    }
    assert_no_collisions(t, doc);
    if (g_str_has_suffix(doc, "/seed.yaml")) {
      static const char *const frames[][4] = {
          {"WESTERN NORWAY UNIVERSITY OF APPLIED SCIENCES", NULL}, /* header */
          {"defends her PhD", NULL},                               /* lead */
          {"Trial lecture", "Title to be announced", NULL},        /* events */
          {"Stig Erik Jakobsen", "Ottar Ness", NULL},              /* people */
          {"Meeting ID", NULL},                                    /* online-text */
          {"HVL · Western Norway", NULL},                          /* foot */
      };
      PopplerRectangle boxes[G_N_ELEMENTS(frames)];
      for (size_t f = 0; f < G_N_ELEMENTS(frames); f++) {
        bool any = false;
        for (int k = 0; frames[f][k]; k++) {
          PopplerRectangle r = box_of(t, frames[f][k]);
          box_join(&boxes[f], &any, &r);
        }
      }
      for (size_t f = 0; f < G_N_ELEMENTS(frames); f++)
        for (size_t g = f + 1; g < G_N_ELEMENTS(frames); g++)
          if (boxes_meet(boxes[f], boxes[g]))
            g_error("the text of '%s' meets that of '%s'", frames[f][0],
                    frames[g][0]);
    }
    page_text_free(t);
    output_free(o);
  }
  g_ptr_array_free(docs, TRUE);
}

/* ---- main ----------------------------------------------------------- */

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_setenv("DISPUTAS_DATADIR", SOURCE_ROOT, FALSE);
  text_diag = dp_diag_new();
  dp_diag_set_print(text_diag, false);
  shared_text = dp_text_new(text_diag, NULL);
  g_assert_nonnull(shared_text);
  g_test_add_func("/layout/frames", test_frames);
  g_test_add_func("/layout/mirroring", test_mirroring);
  g_test_add_func("/layout/page-sizes", test_page_sizes);
  g_test_add_func("/layout/styles", test_styles);
  g_test_add_func("/layout/templates", test_templates);
  g_test_add_func("/layout/each", test_each);
  g_test_add_func("/layout/markdown", test_markdown);
  g_test_add_func("/layout/flow", test_flow);
  g_test_add_func("/layout/widows-orphans", test_widows_orphans);
  g_test_add_func("/layout/keep", test_keep);
  g_test_add_func("/layout/booklet-headings", test_booklet_headings);
  g_test_add_func("/layout/columns", test_columns);
  g_test_add_func("/layout/fit", test_fit);
  g_test_add_func("/layout/fit-errors", test_fit_errors);
  g_test_add_func("/layout/graphics", test_graphics);
  g_test_add_func("/layout/qr", test_qr);
  g_test_add_func("/layout/poster", test_poster);
  g_test_add_func("/layout/lang-errors", test_lang_errors);
  int status = g_test_run();
  dp_text_free(shared_text);
  dp_diag_free(text_diag);
  return status;
}
