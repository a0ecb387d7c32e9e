/* Unit tests of text: paragraphs are measured through the dp_para API and
 * drawn into a PDF that poppler reads back (text, character boxes, fonts
 * and link annotations).  All lengths are points; poppler's character
 * boxes use y growing downwards from the top of the page, like ours. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include <cairo-pdf.h>

#include "hyphenate.h"
#include "text-private.h"
#include "text.h"

#define PAGE_W 595.0
#define PAGE_H 842.0
#define LEFT 50.0
#define TOP 60.0

/* Under AddressSanitizer: full stacks for leaks (the libraries have no
 * frame pointers), so that the known leaks of the libraries can be told
 * apart from ours: fontconfig's while parsing a configuration (through
 * expat; also the default configuration Pango loads in a thread), and
 * cairo 1.16's PDF surface at finish.  valgrind --leak-check=full shows
 * the same three and nothing from disputas. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "fast_unwind_on_malloc=0"; }
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libexpat.so\n"
         "leak:cairo_surface_finish\n";
}

typedef struct fixture {
  dp_diag *diag;
  GString *messages;
  dp_text *text;
  char *dir;
} fixture;

static void capture(const dp_diagnostic *d, void *user) {
  g_string_append_printf(user, "%s\n", d->message);
}

static void setup(fixture *f, gconstpointer data) {
  (void)data;
  f->diag = dp_diag_new();
  f->messages = g_string_new(NULL);
  dp_diag_set_print(f->diag, false);
  dp_diag_set_callback(f->diag, capture, f->messages);
  f->text = dp_text_new(f->diag, NULL);
  g_assert_nonnull(f->text);
  f->dir = g_dir_make_tmp("test-text-XXXXXX", NULL);
  g_assert_nonnull(f->dir);
}

static void teardown(fixture *f, gconstpointer data) {
  (void)data;
  dp_text_free(f->text);
  dp_diag_free(f->diag);
  g_string_free(f->messages, TRUE);
  /* The PDFs stay when a test fails (the process stops first) or when
   * TEST_TEXT_KEEP is set, for a look at them. */
  if (g_getenv("TEST_TEXT_KEEP")) {
    g_test_message("PDFs kept in %s", f->dir);
    g_free(f->dir);
    return;
  }
  GDir *dir = g_dir_open(f->dir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    char *path = g_build_filename(f->dir, name, NULL);
    g_unlink(path);
    g_free(path);
  }
  if (dir) g_dir_close(dir);
  g_rmdir(f->dir);
  g_free(f->dir);
}

static dp_style style_new(void) {
  dp_style s;
  dp_style_init(&s);
  s.hyphenate = false;
  return s;
}

static const dp_mark here = {"test.yaml", 1, 1, -1};

static dp_para *para_new(fixture *f, const char *text, const dp_span *spans,
                         size_t span_count, const dp_style *style,
                         const char *lang, double width) {
  return dp_para_new(f->text, text, strlen(text), spans, span_count, style,
                     lang, width, 1.0, NULL, here);
}

/* Draws `para` at (LEFT, TOP) on one page and opens the PDF. */
static PopplerPage *render(fixture *f, const dp_para *para, bool links,
                           PopplerDocument **doc_out) {
  static int serial;
  char *name = g_strdup_printf("p%d.pdf", serial++);
  char *path = g_build_filename(f->dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
  cairo_t *cr = cairo_create(surface);
  dp_para_draw(para, cr, LEFT, TOP, 0, dp_para_get_line_count(para), links);
  g_assert_cmpint(cairo_status(cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  g_assert_cmpint(cairo_surface_status(surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(surface);

  char *uri = g_filename_to_uri(path, NULL, NULL);
  GError *error = NULL;
  PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &error);
  g_assert_no_error(error);
  PopplerPage *page = poppler_document_get_page(doc, 0);
  g_assert_nonnull(page);
  *doc_out = doc;
  g_free(uri);
  g_free(path);
  g_free(name);
  return page;
}

/* The page's text split into lines, with each line's character boxes. */
typedef struct page_text {
  char **lines;          /* NULL-terminated */
  GArray **boxes;        /* PopplerRectangle per character of each line */
  int count;
} page_text;

static page_text read_text(PopplerPage *page) {
  char *all = poppler_page_get_text(page);
  PopplerRectangle *rects = NULL;
  guint n_rects = 0;
  g_assert_true(poppler_page_get_text_layout(page, &rects, &n_rects));
  page_text t = {0};
  t.lines = g_strsplit(all, "\n", -1);
  t.count = (int)g_strv_length(t.lines);
  t.boxes = g_new0(GArray *, t.count);
  guint k = 0;
  for (int i = 0; i < t.count; i++) {
    t.boxes[i] = g_array_new(FALSE, FALSE, sizeof(PopplerRectangle));
    glong chars = g_utf8_strlen(t.lines[i], -1);
    for (glong c = 0; c < chars && k < n_rects; c++, k++)
      g_array_append_val(t.boxes[i], rects[k]);
    k++; /* the newline */
  }
  g_free(rects);
  g_free(all);
  return t;
}

static void page_text_free(page_text *t) {
  for (int i = 0; i < t->count; i++) g_array_free(t->boxes[i], TRUE);
  g_free(t->boxes);
  g_strfreev(t->lines);
}

static void close_page(PopplerPage *page, PopplerDocument *doc) {
  g_object_unref(page);
  g_object_unref(doc);
}

static const char *lorem =
    "Avhandlingen undersøker hvordan norske kommuner tar i bruk digitale "
    "verktøy i saksbehandlingen, og hvilke konsekvenser dette har for "
    "innbyggernes rettssikkerhet. Arbeidet bygger på intervjuer, "
    "dokumentanalyse og en spørreundersøkelse blant saksbehandlere.";

/* ------------------------------------------------------------------ */

static void test_lines_grow(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  dp_para *wide = para_new(f, lorem, NULL, 0, &s, "nb", 400);
  dp_para *narrow = para_new(f, lorem, NULL, 0, &s, "nb", 150);
  int a = dp_para_get_line_count(wide), b = dp_para_get_line_count(narrow);
  g_assert_cmpint(a, >=, 2);
  g_assert_cmpint(b, >, a);
  g_assert_cmpfloat(dp_para_get_natural_width(wide), <=, 400.0 + 0.01);
  g_assert_cmpfloat(dp_para_get_natural_width(narrow), <=, 150.0 + 0.01);
  g_assert_cmpfloat(dp_para_get_height(narrow), >, dp_para_get_height(wide));
  /* Unbroken when the width is 0. */
  dp_para *one = para_new(f, "a b c", NULL, 0, &s, "en", 0);
  g_assert_cmpint(dp_para_get_line_count(one), ==, 1);
  dp_para_free(one);
  dp_para_free(wide);
  dp_para_free(narrow);
  g_assert_cmpstr(f->messages->str, ==, "");
}

/* Baselines are size × line_height apart, also on lines where a fallback
 * font with other metrics (Arabic, CJK) appears; checked in the API and
 * in the PDF, on the first (Latin) character of every line. */
static void test_line_pitch(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.size = 10;
  s.line_height = 1.4;
  const char *text =
      "Latin words and 中文字符 mixed with العربية text, then more Latin "
      "words so that the paragraph runs over several lines, 中文 again "
      "and Ελληνικά and العربية as well, and a last line of words.";
  dp_para *p = para_new(f, text, NULL, 0, &s, "en", 180);
  int n = dp_para_get_line_count(p);
  g_assert_cmpint(n, >=, 4);
  double prev_base = 0, top, height, base;
  for (int i = 0; i < n; i++) {
    dp_para_get_line(p, i, &top, &height, &base);
    g_assert_cmpfloat_with_epsilon(height, 14.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(top, i * 14.0, 1e-9);
    if (i > 0) g_assert_cmpfloat_with_epsilon(base - prev_base, 14.0, 0.1);
    prev_base = base;
  }
  g_assert_cmpfloat_with_epsilon(dp_para_get_height(p), n * 14.0, 1e-9);

  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  page_text t = read_text(page);
  double prev_bottom = 0;
  int checked = 0;
  for (int i = 0; i < t.count; i++) {
    /* The first Latin letter: boxes follow the font's extents. */
    glong at = 0;
    const char *c = t.lines[i];
    while (*c && !g_ascii_isalpha(*c)) c = g_utf8_next_char(c), at++;
    if (!*c) continue;
    PopplerRectangle r = g_array_index(t.boxes[i], PopplerRectangle, at);
    if (checked > 0)
      g_assert_cmpfloat_with_epsilon(r.y2 - prev_bottom, 14.0, 0.1);
    prev_bottom = r.y2;
    checked++;
  }
  g_assert_cmpint(checked, ==, n);
  page_text_free(&t);
  close_page(page, doc);
  /* Scaled: every size doubles, and so does the pitch. */
  dp_para *big = dp_para_new(f->text, text, strlen(text), NULL, 0, &s, "en",
                             360, 2.0, NULL, here);
  double top1, base0, base1;
  dp_para_get_line(big, 0, NULL, NULL, &base0);
  dp_para_get_line(big, 1, &top1, NULL, &base1);
  g_assert_cmpfloat_with_epsilon(base1 - base0, 28.0, 1e-6);
  g_assert_cmpfloat_with_epsilon(top1, 28.0, 1e-6);
  dp_para_free(big);
  dp_para_free(p);
}

static void test_justify(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.hyphenate = true;
  const double width = 220;
  dp_para *p = para_new(f, lorem, NULL, 0, &s, "nb", width);
  int n = dp_para_get_line_count(p);
  g_assert_cmpint(n, >=, 3);
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  /* Poppler may split a widely spaced line into several text lines, so
   * the character boxes are grouped by their top instead. */
  PopplerRectangle *rects = NULL;
  guint count = 0;
  g_assert_true(poppler_page_get_text_layout(page, &rects, &count));
  double *left = g_new(double, n), *right = g_new(double, n);
  for (int i = 0; i < n; i++) left[i] = INFINITY, right[i] = -INFINITY;
  for (guint k = 0; k < count; k++) {
    if (rects[k].x2 - rects[k].x1 < 0.01) continue; /* newlines */
    double top;
    int line = -1;
    for (int i = 0; i < n; i++) {
      dp_para_get_line(p, i, &top, NULL, NULL);
      if (fabs(rects[k].y1 - (TOP + top)) < 2.0) line = i;
    }
    g_assert_cmpint(line, >=, 0);
    left[line] = MIN(left[line], rects[k].x1);
    right[line] = MAX(right[line], rects[k].x2);
  }
  for (int i = 0; i < n; i++) {
    g_assert_cmpfloat_with_epsilon(left[i], LEFT, 0.5);
    if (i < n - 1) g_assert_cmpfloat_with_epsilon(right[i], LEFT + width, 0.5);
  }
  g_assert_cmpfloat(right[n - 1], <, LEFT + width - 5); /* ragged last line */
  g_free(left);
  g_free(right);
  g_free(rects);
  close_page(page, doc);
  dp_para_free(p);
}

/* A hyphen (or a soft hyphen shown as one) at the end of a line. */
static bool ends_with_hyphen(const char *line) {
  return g_str_has_suffix(line, "-") || g_str_has_suffix(line, "\u00AD") ||
         g_str_has_suffix(line, "\u2010");
}

static bool has_hyphen(const char *line) {
  return strchr(line, '-') || strstr(line, "\u00AD") ||
         strstr(line, "\u2010");
}

/* Removes one trailing hyphen of any kind. */
static void strip_hyphen(GString *s) {
  if (g_str_has_suffix(s->str, "-")) g_string_truncate(s, s->len - 1);
  else if (g_str_has_suffix(s->str, "\u00AD") ||
           g_str_has_suffix(s->str, "\u2010"))
    g_string_truncate(s, s->len - (g_str_has_suffix(s->str, "\u00AD") ? 2 : 3));
}

static void test_hyphenation(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.hyphenate = true;
  s.size = 10;
  const char *word = "forskningsprosjektet";
  /* Legal points of forsk-nings-pro-sjek-tet (Norwegian patterns). */
  const char *legal[] = {"forsk", "forsknings", "forskningspro",
                         "forskningsprosjek", NULL};
  char *text = g_strdup_printf("Om %s og mer", word);
  dp_para *p = para_new(f, text, NULL, 0, &s, "nb", 60);
  g_assert_cmpint(dp_para_get_line_count(p), >=, 3);
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  page_text t = read_text(page);
  /* Joining the lines (a space after a line without a hyphen, nothing
   * after one with) gives back the text; each break is a legal point. */
  GString *joined = g_string_new(NULL);
  int hyphenated = 0;
  for (int i = 0; i < t.count; i++) {
    GString *line = g_string_new(t.lines[i]);
    if (ends_with_hyphen(line->str)) {
      strip_hyphen(line);
      g_assert_false(has_hyphen(line->str)); /* only at the line end */
      g_string_append(joined, line->str);
      const char *w = strstr(joined->str, "forsk");
      g_assert_nonnull(w);
      bool legal_point = false;
      for (int k = 0; legal[k]; k++) legal_point |= !strcmp(w, legal[k]);
      g_assert_true(legal_point);
      hyphenated++;
    } else {
      g_assert_false(has_hyphen(line->str));
      g_string_append(joined, line->str);
      if (line->len) g_string_append_c(joined, ' ');
    }
    g_string_free(line, TRUE);
  }
  g_assert_cmpint(hyphenated, >=, 1);
  g_assert_cmpstr(g_strstrip(joined->str), ==, text);
  g_string_free(joined, TRUE);
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(p);

  /* Not when the style says so: no hyphen anywhere. */
  s.hyphenate = false;
  p = para_new(f, text, NULL, 0, &s, "nb", 60);
  page = render(f, p, false, &doc);
  t = read_text(page);
  for (int i = 0; i < t.count; i++) g_assert_false(has_hyphen(t.lines[i]));
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(p);

  /* Nor in code: the word is broken between characters, with no hyphen. */
  s.hyphenate = true;
  dp_span code = {.kind = DP_SPAN_CODE, .start = 3,
                  .end = 3 + (unsigned)strlen(word)};
  p = para_new(f, text, &code, 1, &s, "nb", 60);
  page = render(f, p, false, &doc);
  t = read_text(page);
  for (int i = 0; i < t.count; i++) g_assert_false(has_hyphen(t.lines[i]));
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(p);
  g_free(text);
}

/* English: rhmin 3, and words in capitals or with digits are left alone. */
static void test_hyphenation_rules(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.hyphenate = true;
  const char *text = "HYPHENATION hyphenation3 hyphenation";
  dp_para *p = para_new(f, text, NULL, 0, &s, "en-GB", 30);
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  page_text t = read_text(page);
  int hyphens = 0;
  for (int i = 0; i < t.count; i++) {
    if (!ends_with_hyphen(t.lines[i])) continue;
    hyphens++;
    /* hy-phen-ation: "hyphenati-on" would break rhmin 3; capitals and
     * words with digits are only broken between characters, unmarked. */
    GString *line = g_string_new(t.lines[i]);
    strip_hyphen(line);
    const char *space = strrchr(line->str, ' ');
    const char *last = space ? space + 1 : line->str;
    g_assert_true(!strcmp(last, "hy") || !strcmp(last, "phen") ||
                  !strcmp(last, "hyphen"));
    g_string_free(line, TRUE);
  }
  g_assert_cmpint(hyphens, >=, 1);
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(p);
}

/* Words joined by a hyphen break at the hyphen only; URLs and e-mail
 * addresses are never hyphenated; a word standing alone is. */
static void test_hyphenation_exclusions(fixture *f, gconstpointer data) {
  (void)f;
  (void)data;
  const char *text = "co-production production www.example.org/documentation "
                     "mail: documentation@example.org "
                     "https://example.org/production";
  dp_hyphen *h = dp_hyphen_new(NULL, NULL);
  size_t *points = NULL;
  size_t n = dp_hyphen_find_points(h, "en-US", 2, 3, text, strlen(text), NULL,
                                   0, &points);
  size_t alone = strlen("co-production "), alone_end = alone + 10;
  g_assert_cmpuint(n, >=, 1);
  for (size_t i = 0; i < n; i++) {
    g_assert_cmpuint(points[i], >, alone);
    g_assert_cmpuint(points[i], <, alone_end);
  }
  g_free(points);
  dp_hyphen_free(h);
}

/* The fewest letters before and after a hyphenation point are the
 * caller's, or the dictionary's where it asks for more (US English:
 * RIGHTHYPHENMIN 3). */
static void test_hyphenation_minimum(fixture *f, gconstpointer data) {
  (void)f;
  (void)data;
  const char *word = "incomprehensibilities";
  dp_hyphen *h = dp_hyphen_new(NULL, NULL);
  size_t len = strlen(word);
  size_t *points = NULL;
  size_t all = dp_hyphen_find_points(h, "en-US", 1, 1, word, len, NULL, 0,
                                     &points);
  g_assert_cmpuint(all, >=, 5);
  for (size_t i = 0; i < all; i++) {
    g_assert_cmpuint(points[i], >=, 2); /* the dictionary's 2 */
    g_assert_cmpuint(len - points[i], >=, 3); /* and 3 */
  }
  g_free(points);
  size_t fewer = dp_hyphen_find_points(h, "en-US", 5, 6, word, len, NULL, 0,
                                       &points);
  g_assert_cmpuint(fewer, >, 0);
  g_assert_cmpuint(fewer, <, all);
  for (size_t i = 0; i < fewer; i++) {
    g_assert_cmpuint(points[i], >=, 5);
    g_assert_cmpuint(len - points[i], >=, 6);
  }
  g_free(points);
  dp_hyphen_free(h);
}

/* The offsets of the soft hyphens of `s`, without counting them, as a
 * string "3,5,9" (the offsets of the text without them). */
static char *shy_offsets(const char *s, size_t from, size_t to) {
  GString *out = g_string_new(NULL);
  size_t plain = 0;
  for (const char *p = s; *p;) {
    if (g_str_has_prefix(p, "\u00AD")) {
      if (plain >= from && plain < to)
        g_string_append_printf(out, "%s%zu", out->len ? "," : "", plain - from);
      p += 2;
      continue;
    }
    p++;
    plain++;
  }
  return g_string_free(out, FALSE);
}

/* The points the patterns of `lang` give `word` alone, as shy_offsets. */
static char *word_points(fixture *f, const char *lang, const char *word) {
  size_t *points = NULL;
  size_t n = dp_hyphen_find_points(f->text->hyphen, lang, 2, 2, word,
                                   strlen(word), NULL, 0, &points);
  GString *out = g_string_new(NULL);
  for (size_t i = 0; i < n; i++)
    g_string_append_printf(out, "%s%zu", i ? "," : "", points[i]);
  g_free(points);
  return g_string_free(out, FALSE);
}

/* Finnish, which has no patterns in Debian, is hyphenated by libvoikko
 * (its module), by the parts of a word: "väi-tös-kir-ja" (byte offsets
 * of the parts after the first), keeping two characters on each side
 * ("ää-li-ö" keeps its last two together). */
static void test_hyphenation_finnish(fixture *f, gconstpointer data) {
  (void)data;
  char *thesis = word_points(f, "fi", "väitöskirja");
  char *short_end = word_points(f, "fi-FI", "ääliö");
  g_assert_cmpstr(thesis, ==, "4,8,11");
  g_assert_cmpstr(short_end, ==, "4");
  /* A word it does not know (an English one) is left whole, not broken
   * by Finnish syllables ("so-met-hing"). */
  char *foreign = word_points(f, "fi", "something");
  g_assert_cmpstr(foreign, ==, "");
  g_free(foreign);
  g_assert_true(dp_hyphen_has_language(f->text->hyphen, "fi"));
  g_assert_false(dp_text_lacks_hyphenation(f->text, NULL, "fi"));
  g_free(thesis);
  g_free(short_end);
}

/* What the document says of its text: a person's name is never
 * hyphenated, and text in a language of its own is hyphenated by that
 * language's patterns, in a paragraph in the document's. */
static void test_hyphenation_spans(fixture *f, gconstpointer data) {
  (void)data;
  const char *text = "Kristiansen Kristiansen understanding understanding";
  /* Both words would be hyphenated in Norwegian, the English one in
   * other places by the English patterns. */
  char *nb_name = word_points(f, "nb", "Kristiansen");
  char *nb_word = word_points(f, "nb", "understanding");
  char *en_word = word_points(f, "en", "understanding");
  g_assert_cmpstr(nb_name, !=, "");
  g_assert_cmpstr(nb_word, !=, en_word);
  span spans[] = {{DP_SPAN_NAME, 12, 23, NULL, NULL},
                  {DP_SPAN_LANG, 38, 51, "en", NULL}};
  GString *buf = g_string_new(text);
  buf = text_hyphenate(f->text, buf, spans, G_N_ELEMENTS(spans), "nb",
                       NULL);
  char *got;
  got = shy_offsets(buf->str, 0, 11);
  g_assert_cmpstr(got, ==, nb_name);
  g_free(got);
  got = shy_offsets(buf->str, 12, 23);
  g_assert_cmpstr(got, ==, ""); /* the name */
  g_free(got);
  got = shy_offsets(buf->str, 24, 37);
  g_assert_cmpstr(got, ==, nb_word);
  g_free(got);
  got = shy_offsets(buf->str, 38, 51);
  g_assert_cmpstr(got, ==, en_word); /* in English */
  g_free(got);
  /* The spans moved with their words. */
  const char *second = strstr(buf->str + 1, "Kristiansen");
  g_assert_cmpuint(spans[0].start, ==, (unsigned)(second - buf->str));
  g_assert_cmpuint(spans[0].end, ==, spans[0].start + 11);
  g_string_free(buf, TRUE);
  g_free(nb_name);
  g_free(nb_word);
  g_free(en_word);
}

/* A language the layout turns off (`hyphenation: {off: ...}`) is not
 * hyphenated, in a paragraph of its own or as a span in another's; the
 * others are. */
static void test_hyphenation_off(fixture *f, gconstpointer data) {
  (void)data;
  const char *text = "understanding understanding";
  char *nb_word = word_points(f, "nb", "understanding");
  char *en_word = word_points(f, "en", "understanding");
  g_assert_cmpstr(nb_word, !=, "");
  g_assert_cmpstr(en_word, !=, "");
  const char *offs[] = {"en", "sv en-GB", "EN"};
  for (size_t k = 0; k < G_N_ELEMENTS(offs); k++) {
    span spans[] = {{DP_SPAN_LANG, 14, 27, "en-GB", NULL}};
    GString *buf = g_string_new(text);
    buf = text_hyphenate(f->text, buf, spans, 1, "nb", offs[k]);
    char *got = shy_offsets(buf->str, 0, 13);
    g_assert_cmpstr(got, ==, nb_word);
    g_free(got);
    got = shy_offsets(buf->str, 14, 27);
    g_assert_cmpstr(got, ==, "");
    g_free(got);
    g_string_free(buf, TRUE);
  }
  /* The paragraph's language off, the span's not. */
  span spans[] = {{DP_SPAN_LANG, 14, 27, "en", NULL}};
  GString *buf = g_string_new(text);
  buf = text_hyphenate(f->text, buf, spans, 1, "nb-NO", "fi nb");
  char *got = shy_offsets(buf->str, 0, 13);
  g_assert_cmpstr(got, ==, "");
  g_free(got);
  got = shy_offsets(buf->str, 14, 27);
  g_assert_cmpstr(got, ==, en_word);
  g_free(got);
  g_string_free(buf, TRUE);
  /* A tag names itself and the tags under it, not another language that
   * starts with the same letters. */
  g_assert_true(dp_lang_listed("fi", "fi-FI"));
  g_assert_false(dp_lang_listed("fi", "fil"));
  g_assert_false(dp_lang_listed("en-GB", "en"));
  g_assert_false(dp_lang_listed(NULL, "en"));
  g_assert_false(dp_lang_listed("", "en"));
  /* Klingon has no patterns; Hebrew needs none; a language turned off
   * lacks them. */
  g_assert_true(dp_text_lacks_hyphenation(f->text, NULL, "tlh"));
  g_assert_false(dp_text_lacks_hyphenation(f->text, NULL, "nb"));
  g_assert_true(dp_text_lacks_hyphenation(f->text, "nb", "nb"));
  g_assert_false(dp_text_lacks_hyphenation(f->text, NULL, "he"));
  g_free(nb_word);
  g_free(en_word);
}

/* The text of line `line` of `p` (its runs joined). */
static char *line_text(const dp_para *p, int line) {
  dp_line_info info;
  dp_para_describe_line(p, LEFT, TOP, 0, line, &info);
  GString *out = g_string_new(NULL);
  for (size_t r = 0; r < info.run_count; r++)
    g_string_append(out, info.runs[r].text);
  dp_line_info_clear(&info);
  return g_string_free(out, FALSE);
}

/* A number range is kept on one line unless the lines about it would
 * be very loose: over many measures of ragged text, no line ends in the
 * dash of "10.15–11.00" or "1990–2010", though Pango's rules allow a
 * break after a dash (at no cost, the breaker takes several here); where
 * a range is wider than the measure, it still breaks at its dash. */
static void test_range_kept(fixture *f, gconstpointer data) {
  (void)data;
  const char *text =
      "The disputation runs 10.15–11.00 in the main hall, the trial "
      "lecture 1990–2010 before it, in the years 1990–2010 and after.";
  dp_style s = style_new();
  s.hyphenate = true;
  s.size = 10;
  int lines = 0;
  for (int k = 0; k < 80; k++) {
    dp_para *p = para_new(f, text, NULL, 0, &s, "en", 80 + 4 * k);
    int n = dp_para_get_line_count(p);
    for (int i = 0; i + 1 < n; i++, lines++) {
      char *line = line_text(p, i);
      if (g_str_has_suffix(line, "–"))
        g_test_message("width %d, line %d: %s", 80 + 4 * k, i, line);
      g_assert_false(g_str_has_suffix(line, "–"));
      g_free(line);
    }
    dp_para_free(p);
  }
  g_assert_cmpint(lines, >, 150);
  /* Narrower than the range: broken at its dash, not between digits. */
  dp_para *p = para_new(f, "1990–2010", NULL, 0, &s, "en", 30);
  g_assert_cmpint(dp_para_get_line_count(p), ==, 2);
  char *first = line_text(p, 0);
  g_assert_cmpstr(first, ==, "1990–");
  g_free(first);
  dp_para_free(p);
}

/* A compound written with a hyphen breaks at it only where each side
 * keeps two letters or more: never "OSUG-|B" nor "e-|mail"; and no word
 * is hyphenated onto a paragraph's last line ("Saint-Martin-|d'Hères"),
 * in ragged text, where other breaks always do. */
static void test_hyphen_pieces(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.size = 14;
  const char *text = "Amphithéâtre Louis Néel, Bâtiment OSUG-B, 460 rue de la "
                     "Piscine, Saint-Martin-d'Hères, Grenoble, par e-mail";
  int compound_breaks = 0;
  for (int width = 90; width <= 330; width += 3) {
    dp_para *p = para_new(f, text, NULL, 0, &s, "fr", width);
    int n = dp_para_get_line_count(p);
    for (int i = 0; i + 1 < n; i++) {
      char *t = line_text(p, i);
      g_strchomp(t);
      if (g_str_has_suffix(t, "-")) {
        compound_breaks++;
        g_assert_false(g_str_has_suffix(t, "OSUG-"));
        g_assert_false(g_str_has_suffix(t, " e-"));
        g_assert_cmpint(i + 2, <, n); /* not before the last line */
      }
      g_free(t);
    }
    dp_para_free(p);
  }
  /* Compounds do break, where they may. */
  g_assert_cmpint(compound_breaks, >, 0);
}

/* Justified text in a language without hyphenation patterns: one warning
 * for the language, however many paragraphs; none for ragged text. */
static void test_no_patterns(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.hyphenate = true;
  dp_para *p = para_new(f, lorem, NULL, 0, &s, "tlh", 200);
  dp_para_free(p);
  g_assert_cmpstr(f->messages->str, ==, "");
  s.align = DP_ALIGN_JUSTIFY;
  for (int i = 0; i < 2; i++) {
    p = para_new(f, lorem, NULL, 0, &s, "tlh", 200);
    dp_para_free(p);
  }
  p = para_new(f, lorem, NULL, 0, &s, "nb", 200);
  dp_para_free(p);
  g_assert_cmpstr(f->messages->str, ==,
                  "no hyphenation patterns for language 'tlh' are installed: "
                  "its justified text is not hyphenated\n");
}

/* A balanced title: where first fit leaves one word on the last line,
 * the lines come out even, as many as before. */
static void test_balance(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.size = 20;
  const char *title = "Creating Impactful Peer Worker Co-production Services";
  /* The width first fit fills up to the last word. */
  dp_para *one = para_new(f, title, NULL, 0, &s, "en", 0);
  double whole = dp_para_get_natural_width(one);
  dp_para_free(one);
  double width = whole - 40;
  dp_para *ragged = para_new(f, title, NULL, 0, &s, "en", width);
  g_assert_cmpint(dp_para_get_line_count(ragged), ==, 2);
  PopplerDocument *doc;
  PopplerPage *page = render(f, ragged, false, &doc);
  page_text t = read_text(page);
  g_assert_null(strchr(t.lines[1], ' ')); /* a lone word */
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(ragged);

  s.balance = true;
  s.hyphenate = true; /* balance turns it off */
  dp_para *even = para_new(f, title, NULL, 0, &s, "en", width);
  g_assert_cmpint(dp_para_get_line_count(even), ==, 2);
  page = render(f, even, false, &doc);
  t = read_text(page);
  g_assert_nonnull(strchr(t.lines[1], ' '));
  for (int i = 0; i < t.count; i++)
    g_assert_false(g_str_has_suffix(t.lines[i], "\u2010"));
  double w0 = t.boxes[0]->len ? g_array_index(t.boxes[0], PopplerRectangle,
                                              t.boxes[0]->len - 1).x2 : 0;
  double w1 = t.boxes[1]->len ? g_array_index(t.boxes[1], PopplerRectangle,
                                              t.boxes[1]->len - 1).x2 : 0;
  g_assert_cmpfloat(fabs(w0 - w1), <, width / 3);
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(even);
}

/* The natural width of `text` set alone in `s`. */
static double natural(fixture *f, const char *text, const dp_style *s) {
  dp_para *p = para_new(f, text, NULL, 0, s, "sv", 0);
  double w = dp_para_get_natural_width(p);
  dp_para_free(p);
  return w;
}

/* A balanced title never ends with one word where its last two fit a
 * line together: "Pollinatörer i ett föränderligt / jordbrukslandskap"
 * is the more even pair of lines, but leaves a word alone. */
static void test_balance_lone_word(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.size = 30;
  s.weight = 700;
  s.family = "Noto Sans";
  s.balance = true;
  const char *title = "Pollinatörer i ett föränderligt jordbrukslandskap";
  double tail = natural(f, "föränderligt jordbrukslandskap", &s);
  double head = natural(f, "Pollinatörer i ett föränderligt", &s);
  double whole = natural(f, title, &s);
  double width = MAX(tail, head) + 5;
  g_assert_cmpfloat(width, <, whole);
  dp_para *p = para_new(f, title, NULL, 0, &s, "sv", width);
  g_assert_cmpint(dp_para_get_line_count(p), ==, 2);
  char *last = line_text(p, 1);
  g_assert_nonnull(strchr(g_strstrip(last), ' '));
  g_free(last);
  dp_para_free(p);
  /* A word alone is kept where nothing else fits two lines. */
  p = para_new(f, "Pollinatörer jordbrukslandskap", NULL, 0, &s, "sv",
               natural(f, "jordbrukslandskap", &s) + 5);
  g_assert_cmpint(dp_para_get_line_count(p), ==, 2);
  dp_para_free(p);
}

static void test_link(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  const char *text = "Read the thesis online before the defence.";
  unsigned start = (unsigned)(strstr(text, "thesis") - text);
  dp_span link = {.kind = DP_SPAN_LINK, .start = start,
                  .end = start + 13, /* "thesis online" */
                  .url = "https://example.org/a'b\\c(d)?q=æ"};
  dp_para *p = para_new(f, text, &link, 1, &s, "en", 400);
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, true, &doc);
  GList *mappings = poppler_page_get_link_mapping(page);
  g_assert_cmpuint(g_list_length(mappings), ==, 1);
  PopplerLinkMapping *m = mappings->data;
  g_assert_cmpint(m->action->type, ==, POPPLER_ACTION_URI);
  g_assert_cmpstr(m->action->uri.uri, ==, "https://example.org/a'b%5Cc(d)?q=%C3%A6");

  /* The area covers "thesis online": poppler gives PDF coordinates (y
   * up); the character boxes are y down. */
  page_text t = read_text(page);
  const char *line = t.lines[0];
  glong first = g_utf8_pointer_to_offset(line, strstr(line, "thesis"));
  PopplerRectangle a = g_array_index(t.boxes[0], PopplerRectangle, first);
  PopplerRectangle b = g_array_index(t.boxes[0], PopplerRectangle, first + 12);
  double top, height;
  dp_para_get_line(p, 0, &top, &height, NULL);
  /* cairo writes /Rect rounded out to whole points (the exact shape is in
   * /QuadPoints), hence the tolerance of 1. */
  g_assert_cmpfloat_with_epsilon(m->area.x1, a.x1, 1.0);
  g_assert_cmpfloat_with_epsilon(m->area.x2, b.x2, 1.0);
  g_assert_cmpfloat_with_epsilon(PAGE_H - m->area.y2, TOP + top, 1.0);
  g_assert_cmpfloat_with_epsilon(m->area.y2 - m->area.y1, height, 2.0);
  page_text_free(&t);
  poppler_page_free_link_mapping(mappings);
  close_page(page, doc);

  /* links false: no annotation. */
  page = render(f, p, false, &doc);
  mappings = poppler_page_get_link_mapping(page);
  g_assert_cmpuint(g_list_length(mappings), ==, 0);
  poppler_page_free_link_mapping(mappings);
  close_page(page, doc);
  dp_para_free(p);

  /* A link broken over two lines gets a rectangle on each. */
  const char *two = "see https://example.org/a/very/long/path/that/wraps now";
  dp_span l2 = {.kind = DP_SPAN_LINK, .start = 4,
                .end = (unsigned)(strstr(two, " now") - two),
                .url = "https://example.org/a/very/long/path/that/wraps"};
  p = para_new(f, two, &l2, 1, &s, "en", 120);
  g_assert_cmpint(dp_para_get_line_count(p), >=, 2);
  page = render(f, p, true, &doc);
  mappings = poppler_page_get_link_mapping(page);
  /* One annotation whose bounding rectangle spans both lines. */
  g_assert_cmpuint(g_list_length(mappings), ==, 1);
  m = mappings->data;
  double h0;
  dp_para_get_line(p, 0, NULL, &h0, NULL);
  g_assert_cmpfloat(m->area.y2 - m->area.y1, >, 1.5 * h0);
  poppler_page_free_link_mapping(mappings);
  close_page(page, doc);
  dp_para_free(p);
}

static void test_scripts(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  const char *texts[][2] = {
      {"el", "Η διατριβή εξετάζει την ψηφιοποίηση."},
      {"ar", "تتناول الأطروحة التحول الرقمي في البلديات."},
      {"zh", "本论文研究市政当局的数字化转型。"},
      {"ru", "Диссертация посвящена цифровизации."},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    dp_para *p = para_new(f, texts[i][1], NULL, 0, &s, texts[i][0], 300);
    g_assert_false(dp_para_has_missing_glyphs(p));
    dp_para_free(p);
  }
  g_assert_cmpstr(f->messages->str, ==, "");

  /* Characters no font has: each once, in order, with no warning (the
   * composer, who knows the field, reports them). */
  dp_para *p = para_new(f, "Private \xEE\x80\x80 and \xEE\x80\x81 use "
                        "\xEE\x80\x80", NULL, 0, &s, "en", 300);
  g_assert_true(dp_para_has_missing_glyphs(p));
  size_t count;
  uint32_t *chars = dp_para_get_missing(p, &count);
  g_assert_cmpuint(count, ==, 2);
  g_assert_cmphex(chars[0], ==, 0xE000);
  g_assert_cmphex(chars[1], ==, 0xE001);
  g_assert_cmpstr(f->messages->str, ==, "");
  char *named = dp_describe_chars(chars, count);
  g_assert_cmpstr(named, ==, "U+E000 and U+E001");
  g_free(named);
  g_free(chars);
  dp_para_free(p);
  /* Past three, a count; a character is named, and quoted when it shows
   * (Egyptian hieroglyphs are in none of the chosen fonts). */
  p = para_new(f, "\xF0\x93\x80\x80 \xEE\x80\x80\xEE\x80\x81\xEE\x80\x82"
               "\xEE\x80\x83", NULL, 0, &s, "en", 300);
  chars = dp_para_get_missing(p, &count);
  named = dp_describe_chars(chars, count);
  g_assert_cmpstr(named, ==,
                  "U+13000 EGYPTIAN HIEROGLYPH A001 '\xF0\x93\x80\x80', "
                  "U+E000, U+E001 and 2 more");
  g_free(named);
  g_free(chars);
  dp_para_free(p);
  /* A paragraph every font draws has none. */
  p = para_new(f, "Drawn", NULL, 0, &s, "en", 300);
  chars = dp_para_get_missing(p, &count);
  g_assert_null(chars);
  g_assert_cmpuint(count, ==, 0);
  dp_para_free(p);
}

/* Pango's auto-dir: an Arabic paragraph takes a right-to-left base
 * direction and a left-aligned style then sets it flush right.  (Poppler's
 * glib text API returns nothing for this page, so the ink is measured on a
 * recording surface; ink edges are within a side bearing of the text.) */
static void test_rtl(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  const double width = 300;
  dp_para *p = para_new(f, "تتناول الأطروحة التحول الرقمي.", NULL, 0, &s,
                        "ar", width);
  g_assert_cmpint(dp_para_get_line_count(p), ==, 1);
  cairo_surface_t *rec =
      cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create(rec);
  dp_para_draw(p, cr, LEFT, TOP, 0, 1, false);
  cairo_destroy(cr);
  double x, y, w, h;
  cairo_recording_surface_ink_extents(rec, &x, &y, &w, &h);
  cairo_surface_destroy(rec);
  g_assert_cmpfloat_with_epsilon(x + w, LEFT + width, 1.5);
  g_assert_cmpfloat(x, >, LEFT + 50);
  g_assert_cmpfloat_with_epsilon(w, dp_para_get_natural_width(p), 3.0);
  dp_para_free(p);
}

/* The font poppler reports for the character at byte `at` of the text. */
static char *font_at(PopplerPage *page, const char *all, const char *needle) {
  glong at = g_utf8_pointer_to_offset(all, strstr(all, needle));
  GList *attrs = poppler_page_get_text_attributes(page);
  char *name = NULL;
  for (GList *l = attrs; l; l = l->next) {
    PopplerTextAttributes *a = l->data;
    if (a->start_index <= at && at <= a->end_index) {
      name = g_strdup(a->font_name);
      break;
    }
  }
  poppler_page_free_text_attributes(attrs);
  return name;
}

/* Uppercase changes byte lengths (ß → SS, ı → I); the strong span still
 * covers exactly its word. */
static void test_transform_spans(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.transform = DP_TRANSFORM_UPPERCASE;
  const char *text = "große straße and weiß";
  unsigned a = (unsigned)(strstr(text, "straße") - text);
  dp_span strong = {.kind = DP_SPAN_STRONG, .start = a,
                    .end = a + (unsigned)strlen("straße")};
  dp_para *p = para_new(f, text, &strong, 1, &s, "de", 400);
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  char *all = poppler_page_get_text(page);
  g_assert_cmpstr(all, ==, "GROSSE STRASSE AND WEISS");
  char *f1 = font_at(page, all, "GROSSE");
  char *f2 = font_at(page, all, "STRASSE");
  char *f3 = font_at(page, all, "SSE AND");
  char *f4 = font_at(page, all, "AND");
  char *f5 = font_at(page, all, "WEISS");
  g_assert_nonnull(strstr(f2, "Bold"));
  g_assert_nonnull(strstr(f3, "Bold"));
  g_assert_null(strstr(f1, "Bold"));
  g_assert_null(strstr(f4, "Bold"));
  g_assert_null(strstr(f5, "Bold"));
  g_free(f1);
  g_free(f2);
  g_free(f3);
  g_free(f4);
  g_free(f5);
  g_free(all);
  close_page(page, doc);
  dp_para_free(p);

  s.transform = DP_TRANSFORM_CAPITALIZE;
  p = para_new(f, "the (new) thesis: l'école d'été", NULL, 0, &s, "fr", 400);
  page = render(f, p, false, &doc);
  all = poppler_page_get_text(page);
  /* The apostrophes typographic (typography.c), capitalized after; the
   * colon after French's narrow no-break space (poppler reads it as a
   * space). */
  g_assert_cmpstr(all, ==, "The (New) Thesis : L’école D’été");
  g_free(all);
  close_page(page, doc);
  dp_para_free(p);
}

/* Paragraphs the bundled fonts draw are set with them alone; a code span
 * (monospace), a character they lack or a generic family takes the font
 * map with the system's fallback fonts, loaded then.  Either way the
 * bundled family's characters come from the bundled fonts, and a
 * paragraph measures the same before and after the fallback map loads. */
static void test_font_maps(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.line_height = 1.4; /* the grid asks Pango for metrics too */
  dp_para *before = para_new(f, lorem, NULL, 0, &s, "nb", 300);
  const char *text = "Run make -j2 now";
  unsigned a = (unsigned)(strstr(text, "make") - text);
  dp_span code = {.kind = DP_SPAN_CODE, .start = a,
                  .end = a + (unsigned)strlen("make -j2")};
  dp_para *p = para_new(f, text, &code, 1, &s, "en", 400);
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  char *all = poppler_page_get_text(page);
  char *serif = font_at(page, all, "Run");
  char *mono = font_at(page, all, "make");
  g_assert_nonnull(strstr(serif, "NotoSerif"));
  g_assert_nonnull(strstr(mono, "Mono"));
  g_free(serif);
  g_free(mono);
  g_free(all);
  close_page(page, doc);
  dp_para_free(p);

  p = para_new(f, "Left \u2192 right", NULL, 0, &s, "en", 400);
  g_assert_false(dp_para_has_missing_glyphs(p));
  page = render(f, p, false, &doc);
  all = poppler_page_get_text(page);
  serif = font_at(page, all, "Left");
  g_assert_nonnull(strstr(serif, "NotoSerif"));
  g_free(serif);
  g_free(all);
  close_page(page, doc);
  dp_para_free(p);

  s.family = "serif";
  p = para_new(f, "Generic", NULL, 0, &s, "en", 400);
  page = render(f, p, false, &doc);
  all = poppler_page_get_text(page);
  serif = font_at(page, all, "Generic");
  g_assert_nonnull(strstr(serif, "NotoSerif"));
  g_free(serif);
  g_free(all);
  close_page(page, doc);
  dp_para_free(p);
  s.family = NULL;

  dp_para *after = para_new(f, lorem, NULL, 0, &s, "nb", 300);
  g_assert_cmpint(dp_para_get_line_count(after), ==,
                  dp_para_get_line_count(before));
  for (int i = 0; i < dp_para_get_line_count(before); i++) {
    double t0, h0, b0, t1, h1, b1;
    dp_para_get_line(before, i, &t0, &h0, &b0);
    dp_para_get_line(after, i, &t1, &h1, &b1);
    g_assert_cmpfloat(t0, ==, t1);
    g_assert_cmpfloat(b0, ==, b1);
  }
  g_assert_cmpfloat(dp_para_get_natural_width(after), ==,
                    dp_para_get_natural_width(before));
  dp_para_free(before);
  dp_para_free(after);
  g_assert_cmpstr(f->messages->str, ==, "");
}

static void test_letter_spacing(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  const char *text = "Disputas";
  dp_para *plain = para_new(f, text, NULL, 0, &s, "en", 400);
  s.letter_spacing = 2.0;
  dp_para *spaced = para_new(f, text, NULL, 0, &s, "en", 400);
  double w0 = dp_para_get_natural_width(plain);
  double w1 = dp_para_get_natural_width(spaced);
  /* 2pt between each of the 8 letters (Pango adds it around each). */
  g_assert_cmpfloat(w1 - w0, >, 7 * 2.0 - 0.5);
  g_assert_cmpfloat(w1 - w0, <, 8 * 2.0 + 0.5);
  dp_para_free(plain);
  dp_para_free(spaced);
}

/* Indents: the first line starts at left + first indent, the others at
 * left; a marker hangs half an em before the first line's text. */
static void test_indents_marker(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.left_indent = 20;
  s.first_indent = -10;
  dp_para *p = dp_para_new(f->text, lorem, strlen(lorem), NULL, 0, &s, "nb",
                           300, 1.0, "3.", here);
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  page_text t = read_text(page);
  g_assert_true(g_str_has_prefix(t.lines[0], "3."));
  GArray *b0 = t.boxes[0];
  /* "3." then the text. */
  PopplerRectangle dot = g_array_index(b0, PopplerRectangle, 1);
  glong first_char = g_utf8_pointer_to_offset(t.lines[0],
                                              strstr(t.lines[0], "Avh"));
  PopplerRectangle a = g_array_index(b0, PopplerRectangle, first_char);
  g_assert_cmpfloat_with_epsilon(a.x1, LEFT + 10, 0.6);
  g_assert_cmpfloat_with_epsilon(dot.x2, LEFT + 10 - 5, 0.6);
  PopplerRectangle second = g_array_index(t.boxes[1], PopplerRectangle, 0);
  g_assert_cmpfloat_with_epsilon(second.x1, LEFT + 20, 0.6);
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(p);

  /* Hard breaks do not indent the next line again. */
  s.left_indent = 0;
  s.first_indent = 15;
  p = para_new(f, "First line\nsecond line", NULL, 0, &s, "en", 300);
  g_assert_cmpint(dp_para_get_line_count(p), ==, 2);
  page = render(f, p, false, &doc);
  t = read_text(page);
  g_assert_cmpstr(t.lines[0], ==, "First line");
  g_assert_cmpstr(t.lines[1], ==, "second line");
  g_assert_cmpfloat_with_epsilon(
      g_array_index(t.boxes[0], PopplerRectangle, 0).x1, LEFT + 15, 0.6);
  g_assert_cmpfloat_with_epsilon(
      g_array_index(t.boxes[1], PopplerRectangle, 0).x1, LEFT, 0.6);
  page_text_free(&t);
  close_page(page, doc);
  dp_para_free(p);
}

/* Drawing a range of lines puts the top of its first line at y. */
static void test_draw_range(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.line_height = 1.5;
  dp_para *p = para_new(f, lorem, NULL, 0, &s, "nb", 200);
  int n = dp_para_get_line_count(p);
  g_assert_cmpint(n, >=, 3);
  cairo_surface_t *rec = cairo_recording_surface_create(
      CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create(rec);
  dp_para_draw(p, cr, 0, 100, 1, 1, false);
  cairo_destroy(cr);
  double x, y, w, h;
  cairo_recording_surface_ink_extents(rec, &x, &y, &w, &h);
  cairo_surface_destroy(rec);
  double top, height, base;
  dp_para_get_line(p, 1, &top, &height, &base);
  /* The ink of one line lies within its line box (plus some descent). */
  g_assert_cmpfloat(y, >=, 100 - 1);
  g_assert_cmpfloat(y + h, <=, 100 + height + 2);
  g_assert_cmpfloat(w, >, 100);
  dp_para_free(p);
}

/* The text a paragraph's PDF shows, line by line. */
static char *drawn_text(fixture *f, const dp_para *p) {
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  char *text = poppler_page_get_text(page);
  close_page(page, doc);
  return text;
}

/* A reflowed paragraph is the paragraph set anew at that width and scale:
 * the same lines, the same geometry to the bit, the same drawn text. */
static void assert_same_setting(fixture *f, const dp_para *a,
                                const dp_para *b) {
  int n = dp_para_get_line_count(a);
  g_assert_cmpint(n, ==, dp_para_get_line_count(b));
  for (int i = 0; i < n; i++) {
    double ta, ha, ba, tb, hb, bb;
    dp_para_get_line(a, i, &ta, &ha, &ba);
    dp_para_get_line(b, i, &tb, &hb, &bb);
    g_assert_cmpfloat(ta, ==, tb);
    g_assert_cmpfloat(ha, ==, hb);
    g_assert_cmpfloat(ba, ==, bb);
  }
  g_assert_cmpfloat(dp_para_get_height(a), ==, dp_para_get_height(b));
  g_assert_cmpfloat(dp_para_get_natural_width(a), ==,
                    dp_para_get_natural_width(b));
  g_assert_cmpfloat(dp_para_get_space_before(a), ==,
                    dp_para_get_space_before(b));
  char *ta = drawn_text(f, a), *tb = drawn_text(f, b);
  g_assert_cmpstr(ta, ==, tb);
  g_free(ta);
  g_free(tb);
}

static dp_para *set_at(fixture *f, const char *text, const dp_style *s,
                       double width, double scale) {
  return dp_para_new(f->text, text, strlen(text), NULL, 0, s, "nb", width,
                     scale, NULL, here);
}

/* Reflows `p` (set from `text` in `s`) at `width` and `scale`; when that
 * answers, the answer is the paragraph set anew there.  Returns whether
 * it answered. */
static bool check_reflow(fixture *f, const dp_para *p, const char *text,
                         const dp_style *s, double width, double scale) {
  dp_para *r = dp_para_reflow(p, width, scale);
  if (!r) return false;
  dp_para *fresh = set_at(f, text, s, width, scale);
  assert_same_setting(f, r, fresh);
  dp_para_free(fresh);
  dp_para_free(r);
  return true;
}

static void test_reflow(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.hyphenate = true;
  s.space_before = 6;
  dp_para *p = set_at(f, lorem, &s, 300, 1.0);
  g_assert_cmpint(dp_para_get_line_count(p), >=, 3);
  int reflowed = 0, refused = 0;
  /* Widths and scales around the first setting: whenever reflowing
   * answers, it answers what setting anew would; a width much narrower
   * must be set anew. */
  for (double scale = 0.80; scale <= 1.001; scale += 0.01) {
    for (double width = 240; width <= 320; width += 7) {
      if (check_reflow(f, p, lorem, &s, width, scale)) reflowed++;
      else refused++;
    }
  }
  /* Close to the first setting, in steps smaller than a syllable, both
   * ways. */
  for (int step = -16; step <= 16; step++) {
    double width = 300 + step * 0.5, scale = 1 - step * 0.0025;
    for (int way = 0; way < 2; way++) {
      double w = way ? 300 : width, sc = way ? scale : 1.0;
      if (check_reflow(f, p, lorem, &s, w, sc)) reflowed++;
      else refused++;
    }
  }
  g_test_message("%d reflowed, %d set anew", reflowed, refused);
  g_assert_cmpint(reflowed, >, 0);
  g_assert_cmpint(refused, >, 0);
  /* Narrower than the widest line: set anew. */
  g_assert_null(dp_para_reflow(p, dp_para_get_natural_width(p) - 1, 1.0));
  /* Wider, after Pango wrapped lines: set anew. */
  g_assert_null(dp_para_reflow(p, 400, 1.0));
  /* The same measure at half the width and half the scale. */
  dp_para *half = dp_para_reflow(p, 150, 0.5);
  g_assert_nonnull(half);
  dp_para *fresh = set_at(f, lorem, &s, 150, 0.5);
  assert_same_setting(f, half, fresh);
  g_assert_cmpfloat_with_epsilon(dp_para_get_height(half),
                                 dp_para_get_height(p) / 2, 1e-6);
  dp_para_free(fresh);
  /* The reflowed paragraph outlives the one it came from. */
  dp_para_free(p);
  char *text = drawn_text(f, half);
  g_assert_nonnull(strstr(text, "Avhandlingen"));
  g_free(text);
  dp_para_free(half);

  /* Wrapped lines are broken optimally: a line may change wherever the
   * measure does, so only the same measure (width over scale) reflows. */
  dp_style plain = style_new();
  const char *affiliation =
      "Professor Kari Nordmann, Department of Structural Engineering, "
      "Norwegian University of Science and Technology";
  dp_para *wrapped = set_at(f, affiliation, &plain, 150, 1.0);
  g_assert_cmpint(dp_para_get_line_count(wrapped), >=, 3);
  g_assert_null(dp_para_reflow(wrapped, 151, 1.0));
  g_assert_null(dp_para_reflow(wrapped, 150, 0.995));
  g_assert_null(dp_para_reflow(wrapped, 300, 1.0));
  dp_para *same = dp_para_reflow(wrapped, 300, 2.0);
  g_assert_nonnull(same);
  fresh = set_at(f, affiliation, &plain, 300, 2.0);
  assert_same_setting(f, same, fresh);
  dp_para_free(fresh);
  dp_para_free(same);
  dp_para_free(wrapped);

  /* Lines ended by forced breaks only: any wider measure. */
  const char *names = "Professor Kari Nordmann\nUniversity of Bergen";
  dp_para *two = set_at(f, names, &s, 200, 1.0);
  g_assert_cmpint(dp_para_get_line_count(two), ==, 2);
  dp_para *wide = dp_para_reflow(two, 500, 1.0);
  g_assert_nonnull(wide);
  fresh = set_at(f, names, &s, 500, 1.0);
  assert_same_setting(f, wide, fresh);
  dp_para_free(fresh);
  dp_para_free(wide);
  dp_para_free(two);

  /* Only left-aligned, ragged paragraphs. */
  const dp_align others[] = {DP_ALIGN_CENTRE, DP_ALIGN_RIGHT,
                             DP_ALIGN_JUSTIFY};
  for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
    dp_style o = s;
    o.align = others[i];
    dp_para *q = set_at(f, names, &o, 200, 1.0);
    g_assert_null(dp_para_reflow(q, 201, 1.0));
    dp_para_free(q);
  }
  /* Nor right-to-left ones. */
  const char *arabic = "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645";
  dp_para *rtl = set_at(f, arabic, &s, 300, 1.0);
  g_assert_null(dp_para_reflow(rtl, 301, 1.0));
  dp_para_free(rtl);
  g_assert_null(dp_para_reflow(NULL, 100, 1.0));
}

/* Reflowing hyphenated English in measures a little wider and narrower
 * than the first, in steps much smaller than a syllable: whenever reflow
 * answers, it is the paragraph set anew.  (A line that ends at a soft
 * hyphen shows a hyphen it loses when the next syllable moves up: once,
 * 168 pt reflowed into 168.94 pt kept lines that a fresh setting
 * changes.) */
static void test_reflow_hyphenated(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.hyphenate = true;
  const char *text =
      "Internationalization considerations notwithstanding, the "
      "characterization of electromagnetic phenomena necessitates "
      "comprehensive understanding. Uncharacteristically, representatives "
      "acknowledged responsibilities.";
  const double firsts[] = {120, 168, 230};
  int reflowed = 0, checked = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(firsts); i++) {
    dp_para *p = dp_para_new(f->text, text, strlen(text), NULL, 0, &s,
                             "en-US", firsts[i], 1.0, NULL, here);
    for (double w = firsts[i] - 12; w <= firsts[i] + 12; w += 0.23) {
      dp_para *r = dp_para_reflow(p, w, 1.0);
      if (!r) continue;
      dp_para *fresh = dp_para_new(f->text, text, strlen(text), NULL, 0, &s,
                                   "en-US", w, 1.0, NULL, here);
      /* Geometry for every one, drawn text for some (it costs). */
      if (checked++ % 8 == 0) {
        assert_same_setting(f, r, fresh);
      } else {
        g_assert_cmpint(dp_para_get_line_count(r), ==,
                        dp_para_get_line_count(fresh));
        g_assert_cmpfloat(dp_para_get_natural_width(r), ==,
                          dp_para_get_natural_width(fresh));
        g_assert_cmpfloat(dp_para_get_height(r), ==, dp_para_get_height(fresh));
      }
      reflowed++;
      dp_para_free(fresh);
      dp_para_free(r);
    }
    /* Broken optimally, the paragraph reflows only into the same measure
     * (at another scale), as it is set anew there. */
    dp_para *r = dp_para_reflow(p, 2 * firsts[i], 2.0);
    g_assert_nonnull(r);
    dp_para *fresh = dp_para_new(f->text, text, strlen(text), NULL, 0, &s,
                                 "en-US", 2 * firsts[i], 2.0, NULL, here);
    assert_same_setting(f, r, fresh);
    dp_para_free(fresh);
    dp_para_free(r);
    dp_para_free(p);
  }
  g_test_message("%d reflows checked", reflowed);
}

/* Sizes and measures at the ends of what layouts allow: every length
 * stays finite and in proportion (paragraphs are set at one size in
 * layout units; these must not overflow Pango's integer units). */
static void test_extreme_sizes(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.size = 0.001;
  s.first_indent = 50000;
  dp_para *tiny = dp_para_new(f->text, "a b c", 5, NULL, 0, &s, "en", 99000,
                              0.5, NULL, here);
  g_assert_cmpint(dp_para_get_line_count(tiny), ==, 1);
  double h = dp_para_get_height(tiny);
  g_assert_cmpfloat(h, >, 0.001 * 0.5 * 0.5);
  g_assert_cmpfloat(h, <, 0.001 * 0.5 * 3);
  /* The indent, scaled, and a few thousandths of a point of text. */
  g_assert_cmpfloat(dp_para_get_natural_width(tiny), >, 25000);
  g_assert_cmpfloat(dp_para_get_natural_width(tiny), <, 25000.01);
  dp_para_free(tiny);
  /* Where Pango puts the ink: after the indent, as set. */
  s.first_indent = 300;
  tiny = dp_para_new(f->text, "a b c", 5, NULL, 0, &s, "en", 500, 0.5, NULL,
                     here);
  dp_para_ink ink;
  dp_para_inspect(tiny, 0, 0, 0, 1, &ink);
  g_assert_cmpfloat_with_epsilon(ink.x0, 150, 0.01);
  g_free(ink.font_problem);
  dp_para_free(tiny);

  s = style_new();
  s.size = 1000;
  dp_para *huge = dp_para_new(f->text, "Disputas", 8, NULL, 0, &s, "en", 3000,
                              1.0, NULL, here);
  g_assert_cmpint(dp_para_get_line_count(huge), >, 1); /* broken, not lost */
  g_assert_cmpfloat(dp_para_get_natural_width(huge), <=, 3000 + 0.01);
  double top, height, base;
  dp_para_get_line(huge, 0, &top, &height, &base);
  g_assert_cmpfloat(height, >, 1000);
  g_assert_cmpfloat(height, <, 2000);
  dp_para_free(huge);
}


/* Every line of a justified paragraph but the last ends at the measure:
 * the space a line lacks is measured on the final setting, so nothing
 * (a kern before a hyphen, a space Pango measured apart) is left over. */
static void test_justify_exact(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.hyphenate = true;
  s.size = 9.5;
  s.expansion = 0.02;
  const char *english =
      "The project has two objectives: firstly, to comprehend how peer "
      "workers can participate substantially in co-creating effective, "
      "socially inclusive mental health and substance use services, and "
      "secondly, to generate knowledge that helps craft more significant "
      "roles for them.";
  int lines = 0;
  for (int k = 0; k < 42; k++) {
    double width = 150 + 7.5 * (k / 2) + (k == 41 ? 328.82 - 300 : 0);
    dp_para *p = para_new(f, k % 2 ? english : lorem, NULL, 0, &s,
                          k % 2 ? "en" : "nb", width);
    int n = dp_para_get_line_count(p);
    for (int i = 0; i + 1 < n; i++, lines++) {
      dp_line_info info;
      dp_para_describe_line(p, LEFT, TOP, 0, i, &info);
      if (fabs(info.x1 - (LEFT + width)) > 0.03)
        g_test_message("width %.1f line %d ends at %.3f", width, i,
                       info.x1 - LEFT);
      g_assert_cmpfloat_with_epsilon(info.x1, LEFT + width, 0.03);
      g_assert_cmpfloat_with_epsilon(info.x0, LEFT, 0.001);
      dp_line_info_clear(&info);
    }
    dp_para_free(p);
  }
  g_assert_cmpint(lines, >, 120);
}

/* The summed widths of the letters of line `i` of `p` drawn and read
 * back (its characters found by their top; spaces left out); its text
 * is appended to `letters`. */
static double line_letters(fixture *f, const dp_para *p, int i,
                           GString *letters) {
  PopplerDocument *doc;
  PopplerPage *page = render(f, p, false, &doc);
  char *all = poppler_page_get_text(page);
  PopplerRectangle *rects = NULL;
  guint n = 0;
  g_assert_true(poppler_page_get_text_layout(page, &rects, &n));
  double top, sum = 0;
  dp_para_get_line(p, i, &top, NULL, NULL);
  const char *c = all;
  for (guint k = 0; k < n && *c; k++, c = g_utf8_next_char(c)) {
    gunichar ch = g_utf8_get_char(c);
    /* Poppler may split a widely spaced line in two at a space. */
    if (g_unichar_isspace(ch)) {
      if (letters->len && letters->str[letters->len - 1] != ' ')
        g_string_append_c(letters, ' ');
      continue;
    }
    if (fabs(rects[k].y1 - (TOP + top)) > 2.0) continue;
    g_string_append_unichar(letters, ch);
    sum += rects[k].x2 - rects[k].x1;
  }
  if (letters->len && letters->str[letters->len - 1] == ' ')
    g_string_truncate(letters, letters->len - 1);
  g_free(rects);
  g_free(all);
  close_page(page, doc);
  return sum;
}

/* The natural width of `text` set unbroken in style `s`. */
static double natural_width(fixture *f, const dp_style *s, const char *text) {
  dp_para *p = para_new(f, text, NULL, 0, s, "nb", 0);
  double w = dp_para_get_natural_width(p);
  dp_para_free(p);
  return w;
}

/* A justified line looser than its glue and glyphs allow at ratio 1
 * widens its glyphs by `expansion` at most: its spaces take the rest.
 * Five short words before one that fills the next line alone, in a
 * measure that their four spaces (stretching by half their width) and
 * their letters (5 %) fill at a ratio of 1.5: the letters are drawn 5 %
 * wider, not 7.5 %, read back against the same line set ragged. */
static void test_expansion_bounded(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.size = 10;
  s.expansion = 0.05;
  dp_style r = s;
  r.align = DP_ALIGN_LEFT;
  const char *words = "Vi tar det i bruk", *word = "saksbehandlingen";
  double n = natural_width(f, &r, words);
  double space = natural_width(f, &r, "a a") - natural_width(f, &r, "aa");
  double stretch = 4 * 0.5 * space, glyphs = 0.05 * (n - 4 * space);
  double width = n + 1.5 * stretch + glyphs;
  double long_word = natural_width(f, &r, word);
  g_assert_cmpfloat(long_word, <, width);
  g_assert_cmpfloat(natural_width(f, &r, "bruk") + space + long_word, >,
                    width * 1.1);
  char *text = g_strdup_printf("%s %s", words, word);
  dp_para *p = para_new(f, text, NULL, 0, &s, "nb", width);
  g_assert_cmpint(dp_para_get_line_count(p), ==, 2);
  g_assert_nonnull(p->line_scale);
  g_assert_cmpfloat_with_epsilon(p->line_scale[0], 1.05, 1e-9);
  dp_line_info info;
  dp_para_describe_line(p, LEFT, TOP, 0, 0, &info);
  g_assert_cmpfloat_with_epsilon(info.x1, LEFT + width, 0.05);
  dp_line_info_clear(&info);
  GString *line = g_string_new(NULL), *again = g_string_new(NULL);
  double set = line_letters(f, p, 0, line);
  g_assert_cmpstr(line->str, ==, words);
  dp_para *alone = para_new(f, words, NULL, 0, &r, "nb", 0);
  double natural = line_letters(f, alone, 0, again);
  g_assert_cmpstr(again->str, ==, words);
  g_assert_cmpfloat(set, <=, natural * 1.05 + 0.1);
  g_assert_cmpfloat(set, >=, natural * 1.05 - 0.1);
  g_string_free(again, TRUE);
  g_string_free(line, TRUE);
  dp_para_free(alone);
  dp_para_free(p);
  g_free(text);
}

/* A justified line of one word alone (no space to take what its glyphs'
 * step leaves) ends at the measure, however little it lacks or has over:
 * its glyph scale is not rounded to a step. */
static void test_expansion_lone_word(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.size = 10;
  s.expansion = 0.02;
  dp_style r = s;
  r.align = DP_ALIGN_LEFT;
  const char *word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
  char *text = g_strdup_printf("%s and the rest of it goes on for a "
                               "while after that.", word);
  double natural = natural_width(f, &r, word);
  for (double delta = -1.9; delta < 2.0; delta += 0.4) {
    double width = natural + delta;
    dp_para *p = para_new(f, text, NULL, 0, &s, "en", width);
    dp_line_info info;
    dp_para_describe_line(p, LEFT, TOP, 0, 0, &info);
    g_assert_cmpfloat_with_epsilon(info.x1, LEFT + width, 0.05);
    dp_line_info_clear(&info);
    dp_para_free(p);
  }
  g_free(text);
}

/* A justified line of two words and one space that must stretch a
 * little: its space is never narrower than natural (its glyphs' step
 * is the one nearer 1, not the one past what the line needs). */
static void test_expansion_one_space(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.size = 10;
  s.expansion = 0.02;
  dp_style r = s;
  r.align = DP_ALIGN_LEFT;
  const char *line = "Pneumonoultramicroscopic silicovolcanoconiosis";
  char *text = g_strdup_printf("%s and the rest of it goes on for a "
                               "while after that.", line);
  double natural = natural_width(f, &r, line);
  double space = natural_width(f, &r, "x x") - natural_width(f, &r, "xx");
  for (double delta = 0.1; delta < 2.0; delta += 0.2) {
    double width = natural + delta;
    dp_para *p = para_new(f, text, NULL, 0, &s, "en", width);
    double sc = p->line_scale ? p->line_scale[0] : 1.0;
    dp_line_info info;
    dp_para_describe_line(p, LEFT, TOP, 0, 0, &info);
    g_assert_cmpfloat_with_epsilon(info.x1, LEFT + width, 0.05);
    double set = info.x1 - LEFT - sc * (natural - space);
    g_assert_cmpfloat(set, >=, space - 0.02);
    dp_line_info_clear(&info);
    dp_para_free(p);
  }
  g_free(text);
}

/* Ragged text with tabs stays within the measure: a tab's width depends
 * on where it falls in its line, not where it fell in the text measured
 * unwrapped, so such lines are checked, and set first fit where the
 * breaker's came out too wide. */
static void test_tabs_within_measure(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.size = 10.5;
  s.hyphenate = true;
  const char *text =
      "oxides cheap, needs electricity\tIron splitting oxides are with "
      "catalysts oxides water Iron abundant electricity\tIron are cheap "
      "Hydrogen made electricity cheap, and\tsplitting that";
  int lines = 0;
  for (int k = 0; k < 30; k++) {
    double width = 200 + 6 * k;
    dp_para *p = para_new(f, text, NULL, 0, &s, "en", width);
    for (int i = 0; i < dp_para_get_line_count(p); i++, lines++) {
      dp_line_info info;
      dp_para_describe_line(p, LEFT, TOP, 0, i, &info);
      if (info.x1 > LEFT + width + 0.5)
        g_test_message("width %.0f line %d ends at %.2f", width, i,
                       info.x1 - LEFT);
      g_assert_cmpfloat(info.x1, <=, LEFT + width + 0.5);
      dp_line_info_clear(&info);
    }
    dp_para_free(p);
  }
  g_assert_cmpint(lines, >, 60);
}

/* Glyph scales come in half-percent steps, no further from 1 than
 * `expansion` (each scale is a font of its own in the PDF): over many
 * measures, justified lines are scaled 1 ± a whole number of steps, but
 * a few whose spaces would otherwise shrink past their limit. */
static void test_expansion_steps(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.hyphenate = true;
  s.size = 9.5;
  s.expansion = 0.02;
  const char *english =
      "The project has two objectives: firstly, to comprehend how peer "
      "workers can participate substantially in co-creating effective, "
      "socially inclusive mental health and substance use services, and "
      "secondly, to generate knowledge that helps craft more significant "
      "roles for them.";
  int scaled = 0, exact = 0;
  for (int k = 0; k < 24; k++) {
    dp_para *p = para_new(f, english, NULL, 0, &s, "en", 150 + 6.5 * k);
    for (int i = 0; p->line_scale && i < dp_para_get_line_count(p); i++) {
      double steps = (p->line_scale[i] - 1.0) / 0.005;
      g_assert_cmpfloat(fabs(steps), <=, 4 + 1e-6);
      if (fabs(steps - round(steps)) < 1e-6) scaled += steps != 0;
      else exact++;
    }
    dp_para_free(p);
  }
  g_test_message("%d lines scaled in steps, %d exactly", scaled, exact);
  g_assert_cmpint(scaled, >, 10);
  g_assert_cmpint(exact * 4, <, scaled);
}

/* However loose a justified line must be (two short words before one
 * that does not break and fills the next line alone), its glyphs are
 * drawn `expansion` wider at most; its one space takes the rest. */
static void test_expansion_loose(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.size = 10;
  s.expansion = 0.05;
  dp_style r = s;
  r.align = DP_ALIGN_LEFT;
  const char *word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
  char *text = g_strdup_printf("Go on %s and the rest of it goes on for a "
                               "while after that.", word);
  double width = natural_width(f, &r, word) + 5;
  dp_para *p = para_new(f, text, NULL, 0, &s, "en", width);
  g_assert_cmpint(dp_para_get_line_count(p), >=, 3);
  for (int i = 0; p->line_scale && i < dp_para_get_line_count(p); i++) {
    g_assert_cmpfloat(p->line_scale[i], <=, 1.05 + 1e-9);
    g_assert_cmpfloat(p->line_scale[i], >=, 0.95 - 1e-9);
  }
  dp_line_info info;
  dp_para_describe_line(p, LEFT, TOP, 0, 0, &info);
  g_assert_cmpfloat_with_epsilon(info.x1, LEFT + width, 0.05);
  dp_line_info_clear(&info);
  GString *line = g_string_new(NULL), *again = g_string_new(NULL);
  double set = line_letters(f, p, 0, line);
  g_assert_cmpstr(line->str, ==, "Go on");
  dp_para *alone = para_new(f, "Go on", NULL, 0, &r, "en", 0);
  double natural = line_letters(f, alone, 0, again);
  g_assert_cmpfloat(natural, >, 5);
  g_assert_cmpfloat(set, <=, natural * 1.05 + 0.05);
  g_string_free(again, TRUE);
  g_string_free(line, TRUE);
  dp_para_free(alone);
  dp_para_free(p);
  g_free(text);
}

/* A right-to-left justified paragraph: lines end at both edges, the last
 * one at the right (where the text starts), also where lines shrink. */
static void test_rtl_justify(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  const char *arabic =
      "تتناول الأطروحة التحول الرقمي في البلديات النرويجية وأثره على "
      "حقوق المواطنين، وتعتمد على المقابلات وتحليل الوثائق واستبيان بين "
      "الموظفين المسؤولين عن معالجة الطلبات في عدة بلديات مختلفة.";
  for (double width = 160; width <= 260; width += 20) {
    dp_para *p = para_new(f, arabic, NULL, 0, &s, "ar", width);
    int n = dp_para_get_line_count(p);
    g_assert_cmpint(n, >=, 3);
    for (int i = 0; i < n; i++) {
      dp_line_info info;
      dp_para_describe_line(p, LEFT, TOP, 0, i, &info);
      g_assert_cmpfloat_with_epsilon(info.x1, LEFT + width, 0.03);
      if (i + 1 < n) g_assert_cmpfloat_with_epsilon(info.x0, LEFT, 0.03);
      else g_assert_cmpfloat(info.x0, >, LEFT + 5);
      dp_line_info_clear(&info);
    }
    /* The links and the ink agree with the lines. */
    dp_para_ink ink;
    dp_para_inspect(p, LEFT, TOP, 0, n, &ink);
    g_assert_cmpfloat(ink.x0, >=, LEFT - 1);
    g_assert_cmpfloat(ink.x1, <=, LEFT + width + 1);
    g_free(ink.font_problem);
    dp_para_free(p);
  }
}

/* Shrink-to-fit sets a paragraph at many widths: the first setting is
 * measured and broken (two settings, shaped in whole runs), each further
 * width that wraps takes one, from the kept measure, and breaks as a
 * paragraph set afresh does; a width set before takes none. */
static void test_measure_kept(fixture *f, gconstpointer data) {
  (void)data;
  dp_style s = style_new();
  s.align = DP_ALIGN_JUSTIFY;
  s.hyphenate = true;
  const double widths[] = {220, 200, 240, 180, 220};
  for (size_t k = 0; k < G_N_ELEMENTS(widths); k++) {
    size_t before = f->text->settings;
    dp_para *p = para_new(f, lorem, NULL, 0, &s, "nb", widths[k]);
    g_assert_cmpuint(f->text->settings - before, ==,
                     k == 0 ? 2 : k == G_N_ELEMENTS(widths) - 1 ? 0 : 1);
    dp_text *fresh_text = dp_text_new(f->diag, NULL);
    dp_para *fresh = dp_para_new(fresh_text, lorem, strlen(lorem), NULL, 0,
                                 &s, "nb", widths[k], 1.0, NULL, here);
    int n = dp_para_get_line_count(p);
    g_assert_cmpint(n, ==, dp_para_get_line_count(fresh));
    for (int i = 0; i < n; i++) {
      dp_line_info a, b;
      dp_para_describe_line(p, LEFT, TOP, 0, i, &a);
      dp_para_describe_line(fresh, LEFT, TOP, 0, i, &b);
      g_assert_cmpstr(a.runs[0].text, ==, b.runs[0].text);
      g_assert_cmpfloat_with_epsilon(a.x1, b.x1, 0.001);
      dp_line_info_clear(&a);
      dp_line_info_clear(&b);
    }
    dp_para_free(fresh);
    dp_text_free(fresh_text);
    dp_para_free(p);
  }
  /* A paragraph that does not wrap is set once, first fit. */
  size_t before = f->text->settings;
  dp_para *p = para_new(f, lorem, NULL, 0, &s, "nb", 5000);
  g_assert_cmpint(dp_para_get_line_count(p), ==, 1);
  g_assert_cmpuint(f->text->settings - before, ==, 1);
  dp_para_free(p);
}

/* Draws `p` and `q` at the same place and compares the PDF pages' text
 * with its boxes: the same words at the same places. */
static void assert_drawn_alike(fixture *f, const dp_para *p, const dp_para *q) {
  PopplerDocument *doc_p, *doc_q;
  PopplerPage *page_p = render(f, p, false, &doc_p);
  PopplerPage *page_q = render(f, q, false, &doc_q);
  char *text_p = poppler_page_get_text(page_p);
  char *text_q = poppler_page_get_text(page_q);
  g_assert_cmpstr(text_p, ==, text_q);
  PopplerRectangle *boxes_p, *boxes_q;
  guint n_p, n_q;
  g_assert_true(poppler_page_get_text_layout(page_p, &boxes_p, &n_p));
  g_assert_true(poppler_page_get_text_layout(page_q, &boxes_q, &n_q));
  g_assert_cmpuint(n_p, ==, n_q);
  for (guint i = 0; i < n_p; i++) {
    g_assert_cmpfloat_with_epsilon(boxes_p[i].x1, boxes_q[i].x1, 0.001);
    g_assert_cmpfloat_with_epsilon(boxes_p[i].x2, boxes_q[i].x2, 0.001);
    g_assert_cmpfloat_with_epsilon(boxes_p[i].y1, boxes_q[i].y1, 0.001);
  }
  g_free(boxes_p);
  g_free(boxes_q);
  g_free(text_p);
  g_free(text_q);
  g_object_unref(page_p);
  g_object_unref(page_q);
  g_object_unref(doc_p);
  g_object_unref(doc_q);
}

/* Lines broken as before are not set again: shrink-to-fit tries widths
 * a hair apart, which mostly break alike.  Ragged text aligned to the
 * left is set alike in any width that holds its lines; centred text is
 * placed in its width, and justified lines are spaced to it, so they are
 * set again in another.  Each comes out as a paragraph set afresh. */
static void test_lines_kept(fixture *f, gconstpointer data) {
  (void)data;
  const dp_align aligns[] = {DP_ALIGN_START, DP_ALIGN_CENTRE,
                             DP_ALIGN_JUSTIFY};
  for (size_t a = 0; a < G_N_ELEMENTS(aligns); a++) {
    dp_style s = style_new();
    s.align = aligns[a];
    s.hyphenate = true;
    dp_para *first = para_new(f, lorem, NULL, 0, &s, "nb", 220);
    /* 0.2 pt narrower: the same breaks (checked below). */
    size_t before = f->text->settings;
    dp_para *p = para_new(f, lorem, NULL, 0, &s, "nb", 219.8);
    g_assert_cmpuint(f->text->settings - before, ==,
                     aligns[a] == DP_ALIGN_START ? 0 : 1);
    dp_text *fresh_text = dp_text_new(f->diag, NULL);
    dp_para *fresh = dp_para_new(fresh_text, lorem, strlen(lorem), NULL, 0,
                                 &s, "nb", 219.8, 1.0, NULL, here);
    int n = dp_para_get_line_count(p);
    g_assert_cmpint(n, >, 3);
    g_assert_cmpint(n, ==, dp_para_get_line_count(fresh));
    g_assert_cmpint(n, ==, dp_para_get_line_count(first));
    for (int i = 0; i < n; i++) {
      dp_line_info x, y, z;
      dp_para_describe_line(p, LEFT, TOP, 0, i, &x);
      dp_para_describe_line(fresh, LEFT, TOP, 0, i, &y);
      dp_para_describe_line(first, LEFT, TOP, 0, i, &z);
      g_assert_cmpstr(x.runs[0].text, ==, y.runs[0].text);
      g_assert_cmpstr(x.runs[0].text, ==, z.runs[0].text);
      g_assert_cmpfloat_with_epsilon(x.x0, y.x0, 0.001);
      g_assert_cmpfloat_with_epsilon(x.x1, y.x1, 0.001);
      dp_line_info_clear(&x);
      dp_line_info_clear(&y);
      dp_line_info_clear(&z);
    }
    assert_drawn_alike(f, p, fresh);
    dp_para_free(fresh);
    dp_text_free(fresh_text);
    dp_para_free(p);
    dp_para_free(first);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) \
  g_test_add("/text/" name, fixture, NULL, setup, fn, teardown)
  ADD("lines-grow", test_lines_grow);
  ADD("line-pitch", test_line_pitch);
  ADD("justify", test_justify);
  ADD("justify-exact", test_justify_exact);
  ADD("expansion-bounded", test_expansion_bounded);
  ADD("expansion-loose", test_expansion_loose);
  ADD("expansion-steps", test_expansion_steps);
  ADD("expansion-lone-word", test_expansion_lone_word);
  ADD("expansion-one-space", test_expansion_one_space);
  ADD("tabs-within-measure", test_tabs_within_measure);
  ADD("range-kept", test_range_kept);
  ADD("hyphenation-finnish", test_hyphenation_finnish);
  ADD("rtl-justify", test_rtl_justify);
  ADD("measure-kept", test_measure_kept);
  ADD("lines-kept", test_lines_kept);
  ADD("hyphenation", test_hyphenation);
  ADD("hyphenation-rules", test_hyphenation_rules);
  ADD("hyphenation-exclusions", test_hyphenation_exclusions);
  ADD("hyphenation-minimum", test_hyphenation_minimum);
  ADD("hyphenation-spans", test_hyphenation_spans);
  ADD("hyphenation-off", test_hyphenation_off);
  ADD("hyphen-pieces", test_hyphen_pieces);
  ADD("balance-lone-word", test_balance_lone_word);
  ADD("no-patterns", test_no_patterns);
  ADD("balance", test_balance);
  ADD("link", test_link);
  ADD("scripts", test_scripts);
  ADD("rtl", test_rtl);
  ADD("transform-spans", test_transform_spans);
  ADD("letter-spacing", test_letter_spacing);
  ADD("font-maps", test_font_maps);
  ADD("indents-marker", test_indents_marker);
  ADD("draw-range", test_draw_range);
  ADD("reflow", test_reflow);
  ADD("reflow-hyphenated", test_reflow_hyphenated);
  ADD("extreme-sizes", test_extreme_sizes);
  return g_test_run();
}
