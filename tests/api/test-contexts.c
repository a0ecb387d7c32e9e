/* test-contexts: two contexts in two threads at once, each with its own
 * root, font folder, creation date and limits, each getting exactly what
 * it asked for and nothing of the other's (issue 19).
 *
 * Context A: root a/, a font folder holding DejaVu Sans (which the
 * bundled font configuration rejects from the system), creation date
 * 1700000000 (2023-11-14T22:13:20Z), the default limits.
 * Context B: root b/, no font folder, date 1600000000
 * (2020-09-13T12:26:40Z), at most 2 pages and 10 pixels an image.
 *
 * Each thread, several times over: a one-paragraph layout in DejaVu Sans
 * (A's PDF embeds DejaVu Sans; for B it is an unknown family, an error); a poster whose SVG logo sets its text in DejaVu Sans (librsvg
 * draws it as outlines: the PNGs are compared, with each other and with
 * those a context alone makes with and without the font folder); the
 * PDF's creation date (pdfinfo); a booklet (A: 4 pages; B: refused, more
 * than 2 pages); a document with an 8-pixel-square photograph (A: loads;
 * B: refused, more than 10 pixels); and a document naming the other
 * context's folder (refused: outside the root).
 */
#include <disputas/disputas.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#ifndef SRCDIR
#error "SRCDIR must name the source root"
#endif

#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define REPEATS 3

static const char document[] =
    "institution:\n"
    "  name: University of Agder\n"
    "  logo: logo.svg\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

static const char one_paragraph[] =
    "layout: 1\n"
    "page: {size: A5, margins: 15mm}\n"
    "styles:\n"
    "  body: {family: DejaVu Sans, size: 11pt}\n"
    "templates:\n"
    "  one:\n"
    "    frames:\n"
    "      - name: main\n"
    "        content:\n"
    "          - text: \"{thesis.title}\"\n"
    "sequence: [one]\n";

static const char logo[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"60\">"
    "<text x=\"10\" y=\"40\" font-family=\"DejaVu Sans\" font-size=\"30\">"
    "Agder</text></svg>";

/* An 8 x 8 white PNG. */
static const unsigned char png8[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08,
    0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29, 0xdc, 0x00, 0x00, 0x00,
    0x0f, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0x8f, 0x03, 0x30,
    0x0c, 0x2d, 0x09, 0x00, 0xba, 0x1e, 0xbf, 0x41, 0x30, 0x93, 0x0a, 0xfc,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

typedef struct side {
  const char *name;      /* "a" or "b" */
  char *root;
  bool own_fonts;
  long long date;
  const char *iso_date;  /* pdfinfo -isodates */
  int max_pages;         /* 0: default */
  int max_pixels;
  GString *messages;     /* every diagnostic, one a line */
  GString *failures;     /* what went wrong, one a line */
  GBytes *png;           /* the poster at 72 dpi */
} side;

/* (transfer full) The poster as a PNG at 72 dpi, or NULL. */
static GBytes *poster_png(dp_context *ctx, dp_document *doc,
                          dp_layout *poster) {
  dp_render_options *options = dp_render_options_new();
  dp_render_options_set_format(options, DP_OUTPUT_PNG);
  dp_render_options_set_dpi(options, 72);
  unsigned char *data = NULL;
  size_t length = 0;
  GBytes *png = NULL;
  if (dp_render_to_memory(ctx, doc, poster, options, &data, &length) ==
      DP_STATUS_OK)
    png = g_bytes_new(data, length);
  dp_free(data);
  dp_render_options_free(options);
  return png;
}

/* The poster a context of its own, alone, makes with or without the font
 * folder `fonts` (NULL). */
static GBytes *poster_alone(const char *root, const char *fonts) {
  dp_context *ctx = dp_context_new();
  dp_context_set_root(ctx, root);
  if (fonts) dp_context_set_folder(ctx, DP_FOLDER_FONTS, fonts);
  dp_document *doc = dp_document_load_data(ctx, "doc.yaml", document,
                                           strlen(document));
  dp_layout *poster = dp_layout_load(ctx, "poster");
  GBytes *png = doc && poster ? poster_png(ctx, doc, poster) : NULL;
  dp_layout_free(poster);
  dp_document_free(doc);
  dp_context_free(ctx);
  return png;
}

static char *folder;

static void on_diagnostic(const dp_diagnostic *d, void *user_data) {
  side *s = user_data;
  g_string_append_printf(s->messages, "%s:%d:%d: %s\n", d->file, d->line,
                         d->column, d->message);
}

static void fail(side *s, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void fail(side *s, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  char *text = g_strdup_vprintf(format, ap);
  va_end(ap);
  g_string_append_printf(s->failures, "%s: %s\n", s->name, text);
  g_free(text);
}

/* (transfer full) The standard output of `argv`, or NULL. */
static char *run(const char *const *argv) {
  char *out = NULL;
  int status = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                    NULL, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status(status, NULL)) {
    g_free(out);
    return NULL;
  }
  return out;
}

static void expect_message(side *s, const char *text) {
  if (!strstr(s->messages->str, text))
    fail(s, "no message '%s'; messages:\n%s", text, s->messages->str);
}

/* Renders `doc` in `layout` to a PDF file of this side's; checks its fonts
 * (DejaVu Sans or not; `fonts` false: not checked, for SVG text, which
 * librsvg draws as outlines) and creation date. */
static void check_pdf(side *s, dp_context *ctx, dp_document *doc,
                      dp_layout *layout, int round, bool fonts_checked) {
  char *pdf = g_strdup_printf("%s/%s-%s-%d.pdf", folder, s->name,
                              dp_layout_get_name(layout), round);
  dp_status status = dp_render_to_file(ctx, doc, layout, NULL, pdf);
  if (fonts_checked && !s->own_fonts) {
    /* Without the font folder, the family is not one this context has. */
    if (status != DP_STATUS_INVALID) fail(s, "%s: rendered", pdf);
    expect_message(s, "unknown font family 'DejaVu Sans'");
    g_free(pdf);
    return;
  }
  if (status != DP_STATUS_OK) {
    fail(s, "%s: not rendered", pdf);
    g_free(pdf);
    return;
  }
  const char *fonts_argv[] = {"pdffonts", pdf, NULL};
  char *fonts = run(fonts_argv);
  bool dejavu = fonts && strstr(fonts, "DejaVuSans");
  if (!fonts) fail(s, "pdffonts %s failed", pdf);
  else if (fonts_checked && dejavu != s->own_fonts)
    fail(s, "%s: DejaVu Sans %s embedded:\n%s", pdf,
         dejavu ? "is" : "is not", fonts);
  const char *info_argv[] = {"pdfinfo", "-isodates", pdf, NULL};
  char *info = run(info_argv);
  if (!info || !strstr(info, s->iso_date))
    fail(s, "%s: creation date is not %s:\n%s", pdf, s->iso_date,
         info ? info : "(pdfinfo failed)");
  g_free(info);
  g_free(fonts);
  g_unlink(pdf);
  g_free(pdf);
}


/* The document with the candidate's photograph at `photo`. */
static dp_document *load_with_photo(dp_context *ctx, const char *photo) {
  GString *text = g_string_new(document);
  char *line = g_strdup_printf("  photo: %s\n", photo);
  g_string_insert(text, strstr(text->str, "  name: Maren") - text->str, line);
  dp_document *doc = dp_document_load_data(ctx, "photo.yaml", text->str,
                                           text->len);
  g_free(line);
  g_string_free(text, TRUE);
  return doc;
}

static GMutex start_lock;
static GCond start_cond;
static int started;

static gpointer work(gpointer data) {
  side *s = data;
  dp_context *ctx = dp_context_new();
  dp_context_set_print_diagnostics(ctx, false);
  dp_context_set_diagnostic_func(ctx, on_diagnostic, s);
  g_assert_cmpint(dp_context_set_root(ctx, s->root), ==, DP_STATUS_OK);
  g_assert_cmpint(dp_context_set_creation_date(ctx, s->date), ==,
                  DP_STATUS_OK);
  if (s->own_fonts) {
    char *fonts = g_build_filename(s->root, "fonts", NULL);
    g_assert_cmpint(dp_context_set_folder(ctx, DP_FOLDER_FONTS, fonts), ==,
                    DP_STATUS_OK);
    g_free(fonts);
  }
  if (s->max_pages)
    g_assert_cmpint(dp_context_set_limit(ctx, DP_LIMIT_PAGES, s->max_pages),
                    ==, DP_STATUS_OK);
  if (s->max_pixels)
    g_assert_cmpint(dp_context_set_limit(ctx, DP_LIMIT_IMAGE_PIXELS,
                                         s->max_pixels), ==, DP_STATUS_OK);
  g_mutex_lock(&start_lock);
  started++;
  g_cond_broadcast(&start_cond);
  while (started < 2) g_cond_wait(&start_cond, &start_lock);
  g_mutex_unlock(&start_lock);

  dp_layout *poster = dp_layout_load(ctx, "poster");
  dp_layout *booklet = dp_layout_load(ctx, "booklet");
  dp_layout *one = dp_layout_load_data(ctx, "one.yaml", one_paragraph,
                                       strlen(one_paragraph));
  for (int round = 0; round < REPEATS; round++) {
    /* From memory: its images are the root's. */
    dp_document *doc = dp_document_load_data(ctx, "doc.yaml", document,
                                             strlen(document));
    if (!doc) {
      fail(s, "the document did not load:\n%s", s->messages->str);
      break;
    }
    check_pdf(s, ctx, doc, poster, round, false);
    check_pdf(s, ctx, doc, one, round, true);
    /* The poster as pixels: its SVG logo's text in the context's fonts. */
    GBytes *png = poster_png(ctx, doc, poster);
    if (!png) fail(s, "the poster was not rendered as PNG");
    else if (!s->png) s->png = png;
    else {
      if (!g_bytes_equal(png, s->png)) fail(s, "the poster's pixels vary");
      g_bytes_unref(png);
    }
    int pages = 0;
    dp_status status = dp_count_pages(ctx, doc, booklet, NULL, &pages, NULL,
                                      NULL);
    if (s->max_pages) {
      if (status != DP_STATUS_INVALID) fail(s, "the booklet was laid out");
      expect_message(s, "the layout would need more than 2 pages");
    } else if (status != DP_STATUS_OK || pages != 4) {
      fail(s, "the booklet has %d pages (status %d)", pages, (int)status);
    }
    dp_document_free(doc);

    /* A photograph of 64 pixels, inside the root. */
    doc = load_with_photo(ctx, "photo.png");
    if (s->max_pixels) {
      if (doc) fail(s, "the photograph of 64 pixels was accepted");
      expect_message(s, "image 'photo.png' has 64 pixels (8 x 8), more "
                        "than the 10 allowed");
    } else if (!doc) {
      fail(s, "the photograph was refused:\n%s", s->messages->str);
    }
    dp_document_free(doc);

    /* The other context's folder is outside this one's root. */
    doc = load_with_photo(ctx, s->name[0] == 'a' ? "../b/photo.png"
                                                 : "../a/photo.png");
    if (doc) fail(s, "a file outside the root was read");
    expect_message(s, "is outside the root folder");
    dp_document_free(doc);
  }
  dp_layout_free(one);
  dp_layout_free(booklet);
  dp_layout_free(poster);
  dp_context_free(ctx);
  return NULL;
}

static void write_file(const char *dir, const char *name, const void *data,
                       size_t length) {
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, data, (gssize)length, NULL));
  g_free(path);
}

static void make_root(side *s) {
  s->root = g_build_filename(folder, s->name, NULL);
  char *fonts = g_build_filename(s->root, "fonts", NULL);
  g_assert_cmpint(g_mkdir_with_parents(fonts, 0755), ==, 0);
  if (s->own_fonts) {
    char *data = NULL;
    gsize length = 0;
    g_assert_true(g_file_get_contents(DEJAVU, &data, &length, NULL));
    write_file(fonts, "DejaVuSans.ttf", data, length);
    g_free(data);
  }
  g_free(fonts);
  write_file(s->root, "logo.svg", logo, strlen(logo));
  write_file(s->root, "photo.png", png8, sizeof png8);
}

static void test_two_contexts(void) {
  if (!g_file_test(DEJAVU, G_FILE_TEST_IS_REGULAR)) {
    g_test_skip("fonts-dejavu-core is not installed (scripts/deps.sh)");
    return;
  }
  folder = g_dir_make_tmp("disputas-contexts-XXXXXX", NULL);
  g_assert_nonnull(folder);
  side a = {"a", NULL, true, 1700000000, "2023-11-14T22:13:20", 0, 0,
            g_string_new(NULL), g_string_new(NULL), NULL};
  side b = {"b", NULL, false, 1600000000, "2020-09-13T12:26:40", 2, 10,
            g_string_new(NULL), g_string_new(NULL), NULL};
  make_root(&a);
  make_root(&b);
  GThread *ta = g_thread_new("a", work, &a);
  GThread *tb = g_thread_new("b", work, &b);
  g_thread_join(ta);
  g_thread_join(tb);
  if (a.failures->len || b.failures->len)
    g_test_message("%s%s", a.failures->str, b.failures->str);
  g_assert_cmpstr(a.failures->str, ==, "");
  g_assert_cmpstr(b.failures->str, ==, "");
  /* A asked for no limits: none of B's messages reached it. */
  g_assert_null(strstr(a.messages->str, "more than"));
  /* Each poster is the one a context alone makes with its own fonts, and
   * the SVG's DejaVu Sans text differs from B's fallback. */
  char *a_fonts = g_build_filename(a.root, "fonts", NULL);
  GBytes *alone_a = poster_alone(a.root, a_fonts);
  GBytes *alone_b = poster_alone(b.root, NULL);
  g_assert_nonnull(alone_a);
  g_assert_nonnull(alone_b);
  g_assert_true(g_bytes_equal(a.png, alone_a));
  g_assert_true(g_bytes_equal(b.png, alone_b));
  g_assert_false(g_bytes_equal(a.png, b.png));
  g_bytes_unref(alone_a);
  g_bytes_unref(alone_b);
  g_free(a_fonts);
  for (side *s = &a; s; s = s == &a ? &b : NULL) {
    g_string_free(s->messages, TRUE);
    g_string_free(s->failures, TRUE);
    g_bytes_unref(s->png);
    char *cmd[] = {"rm", "-rf", s->root, NULL};
    g_spawn_sync(NULL, cmd, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                 NULL, NULL, NULL);
    g_free(s->root);
  }
  g_rmdir(folder);
  g_free(folder);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/contexts/two-at-once", test_two_contexts);
  return g_test_run();
}
