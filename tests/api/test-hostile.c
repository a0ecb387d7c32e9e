/* test-hostile: what the public API does with input that is damaged, or
 * changed behind its back, or meant to reach outside its folder (issue
 * 12).  Through the shared libdisputas and <disputas/disputas.h> only. */
#include <disputas/disputas.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#ifndef SRCDIR
#error "SRCDIR must name the source root"
#endif

/* ---- Fixtures --------------------------------------------------------- */

/* A logo beside the document, at line 3, column 9. */
static const char logo_doc[] =
    "institution:\n"
    "  name: University of Agder\n"
    "  logo: logo.img\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

typedef struct record {
  dp_severity severity;
  char *file;
  int line, column;
  char *message;
} record;

static void record_clear(gpointer data) {
  record *r = data;
  g_free(r->file);
  g_free(r->message);
}

static void collect(const dp_diagnostic *d, void *user_data) {
  record r = {d->severity, g_strdup(d->file), d->line, d->column,
              g_strdup(d->message)};
  g_array_append_val((GArray *)user_data, r);
}

typedef struct fixture {
  dp_context *ctx;
  GArray *records; /* of record */
  char *dir;       /* a temporary folder, removed with what is in it */
} fixture;

static void fixture_set_up(fixture *f, gconstpointer data) {
  (void)data;
  f->ctx = dp_context_new();
  f->records = g_array_new(FALSE, TRUE, sizeof(record));
  g_array_set_clear_func(f->records, record_clear);
  dp_context_set_diagnostic_func(f->ctx, collect, f->records);
  dp_context_set_print_diagnostics(f->ctx, false);
  f->dir = g_dir_make_tmp("disputas-hostile-XXXXXX", NULL);
  g_assert_nonnull(f->dir);
}

static void remove_tree(const char *path) {
  if (g_file_test(path, G_FILE_TEST_IS_DIR) &&
      !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
      char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
      g_free(child);
    }
    if (d) g_dir_close(d);
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static void fixture_tear_down(fixture *f, gconstpointer data) {
  (void)data;
  dp_context_free(f->ctx);
  g_array_free(f->records, TRUE);
  remove_tree(f->dir);
  g_free(f->dir);
}

static const record *record_at(const fixture *f, guint i) {
  g_assert_cmpuint(f->records->len, >, i);
  return &g_array_index(f->records, record, i);
}

/* Copies the source tree's `from` to `to` in the fixture's folder. */
static void copy_in(const fixture *f, const char *from, const char *to) {
  char *src = g_build_filename(SRCDIR, from, NULL);
  char *dst = g_build_filename(f->dir, to, NULL);
  char *bytes = NULL;
  gsize length = 0;
  g_assert_true(g_file_get_contents(src, &bytes, &length, NULL));
  g_assert_true(g_file_set_contents(dst, bytes, (gssize)length, NULL));
  g_free(bytes);
  g_free(dst);
  g_free(src);
}

static dp_document *load_logo_doc(fixture *f) {
  char *path = g_build_filename(f->dir, "doc.yaml", NULL);
  g_assert_true(g_file_set_contents(path, logo_doc, -1, NULL));
  dp_document *doc = dp_document_load_file(f->ctx, path);
  g_free(path);
  return doc;
}

/* ---- Images that cannot be drawn -------------------------------------- */

/* An image that was sound when the document was read but cannot be
 * drawn when it is rendered (here: replaced since) is an error at the
 * document's line, not a blank where it was. */
static void test_image_changed_after_load(fixture *f, gconstpointer data) {
  (void)data;
  copy_in(f, "tests/accept/images/logo.png", "logo.img");
  dp_document *doc = load_logo_doc(f);
  g_assert_nonnull(doc);
  dp_layout *poster = dp_layout_load(f->ctx, "poster");
  g_assert_nonnull(poster);
  g_assert_cmpuint(f->records->len, ==, 0);

  /* Sound chunks, damaged compressed data: the probe passes, drawing
   * fails. */
  copy_in(f, "tests/diag/images/damaged-data.png", "logo.img");
  unsigned char *pdf = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, NULL, &pdf,
                                      &length),
                  !=, DP_STATUS_OK);
  g_assert_null(pdf);
  g_assert_cmpuint(f->records->len, >=, 1);
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->severity, ==, DP_SEVERITY_ERROR);
  g_assert_true(g_str_has_suffix(r->file, "doc.yaml"));
  g_assert_cmpint(r->line, ==, 3);
  g_assert_cmpint(r->column, ==, 9);
  g_assert_nonnull(strstr(r->message, "cannot be drawn"));

  dp_layout_free(poster);
  dp_document_free(doc);
}

/* An SVG that librsvg cannot draw into pixels (a pattern tile scaled
 * 100,000 times; a PDF keeps it as vectors) fails a PNG render with an
 * error at the document's line.  librsvg draws in a context of its own,
 * so its half-done state cannot blank what follows. */
static void test_svg_fails_when_drawn(fixture *f, gconstpointer data) {
  (void)data;
  copy_in(f, "tests/accept/images/logo.svg", "logo.img");
  dp_document *doc = load_logo_doc(f);
  g_assert_nonnull(doc);
  dp_layout *poster = dp_layout_load(f->ctx, "poster");
  copy_in(f, "tests/diag/images/pattern-too-large.svg", "logo.img");

  dp_render_options *options = dp_render_options_new();
  dp_render_options_set_format(options, DP_OUTPUT_PNG);
  dp_render_options_set_dpi(options, 30);
  unsigned char *png = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, options, &png,
                                      &length),
                  !=, DP_STATUS_OK);
  g_assert_null(png);
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->severity, ==, DP_SEVERITY_ERROR);
  g_assert_cmpint(r->line, ==, 3);
  g_assert_cmpint(r->column, ==, 9);
  g_assert_nonnull(strstr(r->message, "cannot be drawn"));

  dp_render_options_free(options);
  dp_layout_free(poster);
  dp_document_free(doc);
}

/* A file whose size says 0 but that never ends (the kernel makes it up
 * as it is read) is read only up to the limit of image files. */
static void test_image_proc_file(fixture *f, gconstpointer data) {
  (void)data;
  if (!g_file_test("/proc/self/pagemap", G_FILE_TEST_EXISTS)) {
    g_test_skip("no /proc/self/pagemap");
    return;
  }
  char *path = g_build_filename(f->dir, "logo.img", NULL);
  g_assert_cmpint(symlink("/proc/self/pagemap", path), ==, 0);
  g_free(path);
  g_assert_null(load_logo_doc(f));
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->line, ==, 3);
  g_assert_nonnull(strstr(r->message, "is larger than 64 MiB"));
}

/* A progressive JPEG as libjpeg writes it (10 scans) is within the
 * limit of scans. */
static void test_progressive_jpeg(fixture *f, gconstpointer data) {
  (void)data;
  copy_in(f, "tests/diag/images/progressive.jpg", "logo.img");
  dp_document *doc = load_logo_doc(f);
  g_assert_nonnull(doc);
  g_assert_cmpuint(f->records->len, ==, 0);
  dp_document_free(doc);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add(path, fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD("/image/changed-after-load", test_image_changed_after_load);
  ADD("/image/svg-fails-when-drawn", test_svg_fails_when_drawn);
  ADD("/image/proc-file", test_image_proc_file);
  ADD("/image/progressive-jpeg", test_progressive_jpeg);
#undef ADD
  return g_test_run();
}
