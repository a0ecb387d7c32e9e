/* test-api: every function of the public API, through the shared
 * libdisputas and nothing but <disputas/disputas.h> (GLib's gtest is only
 * the harness).  Run with the source root as the current folder's
 * stand-in: SRCDIR is compiled in. */
#include <disputas/disputas.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#ifndef SRCDIR
#error "SRCDIR must name the source root"
#endif

/* ---- Fixtures --------------------------------------------------------- */

static const char minimal_doc[] =
    "institution:\n"
    "  name: University of Agder\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

/* The same with a misspelt key at line 10, column 1. */
static const char typo_doc[] =
    "institution:\n"
    "  name: University of Agder\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n"
    "comittee:\n"
    "  - name: Ola Nordmann\n";

/* A logo by relative path: readable only against tests/accept. */
static const char logo_doc[] =
    "institution:\n"
    "  name: University of Agder\n"
    "  logo: images/logo.png\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

/* A name no bundled or system font can draw (a private-use character):
 * a warning when rendered. */
static const char missing_glyph_doc[] =
    "institution:\n"
    "  name: University of Agder\n"
    "candidate:\n"
    "  name: \"Maren \\uE000 Eide\"\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

/* docs/layouts.md's first layout. */
static const char small_layout[] =
    "layout: 1\n"
    "name: notice\n"
    "description: One A5 page with the title and the time\n"
    "page: {size: A5, margins: 15mm}\n"
    "styles:\n"
    "  body:  {family: Noto Serif, size: 11pt, line-height: 1.4}\n"
    "  title: {based-on: body, family: Noto Sans, weight: bold, size: 22pt}\n"
    "templates:\n"
    "  single:\n"
    "    frames:\n"
    "      - name: main\n"
    "        content:\n"
    "          - text: \"{thesis.title}\"\n"
    "            style: title\n"
    "          - text: \"{candidate.name}\"\n"
    "sequence: [single]\n";

/* A layout with a misspelt key at line 3, column 1. */
static const char typo_layout[] =
    "layout: 1\n"
    "page: {size: A5}\n"
    "pgae: {size: A4}\n"
    "templates:\n"
    "  one: {frames: []}\n"
    "sequence: [one]\n";

/* A layout whose only frame is far too small for the title and may not
 * shrink: loads, but cannot be laid out. */
static const char tiny_frame_layout[] =
    "layout: 1\n"
    "page: {size: A6}\n"
    "styles:\n"
    "  body: {size: 40pt}\n"
    "templates:\n"
    "  one:\n"
    "    frames:\n"
    "      - name: main\n"
    "        top: 10mm\n"
    "        height: 5mm\n"
    "        content:\n"
    "          - text: \"{thesis.title}\"\n"
    "sequence: [one]\n";

/* Diagnostics collected by the callback. */
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
} fixture;

static void fixture_set_up(fixture *f, gconstpointer data) {
  (void)data;
  f->ctx = dp_context_new();
  f->records = g_array_new(FALSE, TRUE, sizeof(record));
  g_array_set_clear_func(f->records, record_clear);
  dp_context_set_diagnostic_func(f->ctx, collect, f->records);
  dp_context_set_print_diagnostics(f->ctx, false);
}

static void fixture_tear_down(fixture *f, gconstpointer data) {
  (void)data;
  dp_context_free(f->ctx);
  g_array_free(f->records, TRUE);
}

static const record *record_at(const fixture *f, guint i) {
  g_assert_cmpuint(f->records->len, >, i);
  return &g_array_index(f->records, record, i);
}

static dp_document *load_minimal(fixture *f) {
  dp_document *doc = dp_document_load_data(f->ctx, "minimal.yaml",
                                           minimal_doc, strlen(minimal_doc));
  g_assert_nonnull(doc);
  return doc;
}

static bool starts_with(const unsigned char *data, size_t length,
                        const char *prefix) {
  size_t n = strlen(prefix);
  return length >= n && memcmp(data, prefix, n) == 0;
}

/* Whether `needle` occurs in binary `data` (PDFs hold NUL bytes). */
static bool contains(const unsigned char *data, size_t length,
                     const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; n <= length && i <= length - n; i++)
    if (memcmp(data + i, needle, n) == 0) return true;
  return false;
}

/* ---- Version, dp_free, _free(NULL) ------------------------------------ */

static void test_version(void) {
  g_assert_cmpstr(dp_get_version(), ==, DP_VERSION_STRING);
  g_assert_cmpstr(DP_VERSION_STRING, ==, PROJECT_VERSION);
  char *built = g_strdup_printf("%d.%d.%d", DP_VERSION_MAJOR,
                                DP_VERSION_MINOR, DP_VERSION_MICRO);
  g_assert_cmpstr(built, ==, DP_VERSION_STRING);
  g_free(built);
}

static void test_free_null(void) {
  dp_context_free(NULL);
  dp_document_free(NULL);
  dp_layout_free(NULL);
  dp_render_options_free(NULL);
  dp_free(NULL);
}

/* ---- Contexts ----------------------------------------------------------- */

static void test_context_counts(fixture *f, gconstpointer data) {
  (void)data;
  g_assert_cmpint(dp_context_get_error_count(f->ctx), ==, 0);
  g_assert_cmpint(dp_context_get_warning_count(f->ctx), ==, 0);
  g_assert_null(dp_document_load_data(f->ctx, "typo.yaml", typo_doc,
                                      strlen(typo_doc)));
  g_assert_cmpint(dp_context_get_error_count(f->ctx), ==, 1);
  /* The count only grows; a good document still loads afterwards. */
  dp_document *doc = load_minimal(f);
  g_assert_cmpint(dp_context_get_error_count(f->ctx), ==, 1);
  dp_document_free(doc);
}

/* The callback may be removed again. */
static void test_context_callback_off(fixture *f, gconstpointer data) {
  (void)data;
  dp_context_set_diagnostic_func(f->ctx, NULL, NULL);
  g_assert_null(dp_document_load_data(f->ctx, "typo.yaml", typo_doc,
                                      strlen(typo_doc)));
  g_assert_cmpuint(f->records->len, ==, 0);
  g_assert_cmpint(dp_context_get_error_count(f->ctx), ==, 1);
}

/* What is printed to stderr, checked in a subprocess: `data` is "text",
 * "json" or "quiet". */
static void print_child(gconstpointer data) {
  if (!g_test_subprocess()) return;
  const char *mode = data;
  dp_context *ctx = dp_context_new();
  /* Printing is asked for; a new context prints nothing ("quiet"). */
  if (strcmp(mode, "quiet") != 0) dp_context_set_print_diagnostics(ctx, true);
  if (strcmp(mode, "json") == 0) dp_context_set_json_diagnostics(ctx, true);
  g_assert_null(
      dp_document_load_data(ctx, "typo.yaml", typo_doc, strlen(typo_doc)));
  dp_context_free(ctx);
}

static void run_print_child(const char *mode) {
  char *path = g_strdup_printf("/context/print-%s/subprocess", mode);
  g_test_trap_subprocess(path, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_free(path);
  g_test_trap_assert_passed();
  g_test_trap_assert_stdout("");
}

static void test_context_print_text(void) {
  run_print_child("text");
  g_test_trap_assert_stderr(
      "typo.yaml:10:1: error: unknown key 'comittee' in announcement "
      "(did you mean 'committee'?)\n    comittee:\n    ^\n");
}

static void test_context_print_json(void) {
  run_print_child("json");
  g_test_trap_assert_stderr(
      "{\"severity\":\"error\",\"file\":\"typo.yaml\",\"line\":10,"
      "\"column\":1,\"message\":\"unknown key 'comittee' in announcement "
      "(did you mean 'committee'?)\"}\n");
}

static void test_context_print_quiet(void) {
  run_print_child("quiet");
  g_test_trap_assert_stderr("");
}

/* With werror a warning fails the call that reported it. */
static void test_context_werror(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = dp_document_load_data(
      f->ctx, "glyph.yaml", missing_glyph_doc, strlen(missing_glyph_doc));
  g_assert_nonnull(doc);
  dp_layout *layout = dp_layout_load(f->ctx, "poster");
  g_assert_nonnull(layout);
  g_assert_cmpint(dp_check(f->ctx, doc, layout), ==, DP_STATUS_OK);
  g_assert_cmpint(dp_context_get_warning_count(f->ctx), >=, 1);
  g_assert_cmpint(dp_context_get_error_count(f->ctx), ==, 0);
  g_assert_cmpint(record_at(f, 0)->severity, ==, DP_SEVERITY_WARNING);
  g_assert_nonnull(strstr(record_at(f, 0)->message, "no font can draw"));

  dp_context_set_werror(f->ctx, true);
  guint before = f->records->len;
  g_assert_cmpint(dp_check(f->ctx, doc, layout), ==, DP_STATUS_INVALID);
  g_assert_cmpuint(f->records->len, >, before);
  g_assert_cmpint(record_at(f, before)->severity, ==, DP_SEVERITY_ERROR);
  int errors = dp_context_get_error_count(f->ctx);
  g_assert_cmpint(errors, >=, 1);
  /* The count only grows: werror turned off keeps what it counted. */
  dp_context_set_werror(f->ctx, false);
  g_assert_cmpint(dp_context_get_error_count(f->ctx), ==, errors);
  dp_layout_free(layout);
  dp_document_free(doc);
}

/* A diagnostics callback may call into disputas on another context: here
 * each warning of one render makes a whole render on a second context,
 * in the reporting thread, while the first is still laying out.  (Under
 * a process-wide lock held while reporting, that deadlocked.)  In a
 * subprocess, so that a deadlock fails the test at its timeout. */
typedef struct reentry {
  int calls;
  int nested_ok;
} reentry;

static void render_on_another_context(const dp_diagnostic *d, void *user_data) {
  (void)d;
  reentry *r = user_data;
  r->calls++;
  dp_context *other = dp_context_new();
  dp_document *doc =
      dp_document_load_data(other, "minimal.yaml", minimal_doc,
                            strlen(minimal_doc));
  dp_layout *layout = dp_layout_load(other, "poster");
  unsigned char *pdf = NULL;
  size_t length = 0;
  if (doc && layout &&
      dp_render_to_memory(other, doc, layout, NULL, &pdf, &length) ==
          DP_STATUS_OK &&
      length > 4 && memcmp(pdf, "%PDF", 4) == 0)
    r->nested_ok++;
  dp_free(pdf);
  dp_layout_free(layout);
  dp_document_free(doc);
  dp_context_free(other);
}

static void reentry_child(void) {
  if (!g_test_subprocess()) return;
  dp_context *ctx = dp_context_new();
  reentry r = {0, 0};
  dp_context_set_diagnostic_func(ctx, render_on_another_context, &r);
  dp_context_set_print_diagnostics(ctx, false);
  dp_document *doc = dp_document_load_data(
      ctx, "glyph.yaml", missing_glyph_doc, strlen(missing_glyph_doc));
  dp_layout *layout = dp_layout_load(ctx, "poster");
  g_assert_nonnull(doc);
  g_assert_nonnull(layout);
  dp_render_options *options = dp_render_options_new();
  dp_render_options_set_preflight(options, true);
  unsigned char *pdf = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_render_to_memory(ctx, doc, layout, options, &pdf,
                                      &length),
                  ==, DP_STATUS_OK);
  /* The missing glyph's warning came while laying out. */
  g_assert_cmpint(r.calls, >=, 1);
  g_assert_cmpint(r.nested_ok, ==, r.calls);
  dp_free(pdf);
  dp_render_options_free(options);
  dp_layout_free(layout);
  dp_document_free(doc);
  dp_context_free(ctx);
}

static void test_context_callback_reenters(void) {
  g_test_trap_subprocess("/context/callback-reenters/subprocess",
                         60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed();
}

/* ---- Documents ---------------------------------------------------------- */

static void test_document_load_file(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc =
      dp_document_load_file(f->ctx, SRCDIR "/samples/minimal.yaml");
  g_assert_nonnull(doc);
  g_assert_cmpstr(dp_document_get_stem(doc), ==, "minimal");
  g_assert_cmpuint(f->records->len, ==, 0);
  dp_document_free(doc);
}

/* Errors carry the file, line and column. */
static void test_document_load_file_errors(fixture *f, gconstpointer data) {
  (void)data;
  const char *path = SRCDIR "/tests/diag/unknown-key-typo.yaml";
  g_assert_null(dp_document_load_file(f->ctx, path));
  g_assert_cmpuint(f->records->len, ==, 1);
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->severity, ==, DP_SEVERITY_ERROR);
  g_assert_cmpstr(r->file, ==, path);
  g_assert_cmpint(r->line, ==, 11);
  g_assert_cmpint(r->column, ==, 1);
  g_assert_cmpstr(r->message, ==,
                  "unknown key 'comittee' in announcement (did you mean "
                  "'committee'?)");
}

static void test_document_load_file_missing(fixture *f, gconstpointer data) {
  (void)data;
  g_assert_null(dp_document_load_file(f->ctx, SRCDIR "/no/such/file.yaml"));
  g_assert_cmpuint(f->records->len, ==, 1);
  g_assert_cmpint(record_at(f, 0)->severity, ==, DP_SEVERITY_ERROR);
  g_assert_cmpstr(record_at(f, 0)->file, ==, SRCDIR "/no/such/file.yaml");
}

static void test_document_load_data(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = load_minimal(f);
  g_assert_cmpstr(dp_document_get_stem(doc), ==, "minimal");
  dp_document_free(doc);
  /* Not NUL-terminated: only `length` bytes are read. */
  char *copy = g_malloc(sizeof minimal_doc - 1 + 16);
  memcpy(copy, minimal_doc, sizeof minimal_doc - 1);
  memcpy(copy + sizeof minimal_doc - 1, "\n\tbroken: [", 11);
  doc = dp_document_load_data(f->ctx, "dir/x.yaml", copy,
                              sizeof minimal_doc - 1);
  g_assert_nonnull(doc);
  g_assert_cmpstr(dp_document_get_stem(doc), ==, "x");
  dp_document_free(doc);
  g_free(copy);
  /* Without a name. */
  doc = dp_document_load_data(f->ctx, NULL, minimal_doc, strlen(minimal_doc));
  g_assert_nonnull(doc);
  g_assert_nonnull(dp_document_get_stem(doc));
  dp_document_free(doc);
  g_assert_cmpuint(f->records->len, ==, 0);
}

static void test_document_load_data_errors(fixture *f, gconstpointer data) {
  (void)data;
  g_assert_null(dp_document_load_data(f->ctx, "typo.yaml", typo_doc,
                                      strlen(typo_doc)));
  g_assert_cmpuint(f->records->len, ==, 1);
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->severity, ==, DP_SEVERITY_ERROR);
  g_assert_cmpstr(r->file, ==, "typo.yaml");
  g_assert_cmpint(r->line, ==, 10);
  g_assert_cmpint(r->column, ==, 1);
  /* Empty input is a document error too, not a crash. */
  g_assert_null(dp_document_load_data(f->ctx, "empty.yaml", NULL, 0));
  g_assert_cmpuint(f->records->len, ==, 2);
  g_assert_cmpstr(record_at(f, 1)->file, ==, "empty.yaml");
  /* A YAML syntax error, with its place. */
  static const char bad[] = "institution:\n  name: [unclosed\n";
  g_assert_null(dp_document_load_data(f->ctx, "bad.yaml", bad, strlen(bad)));
  g_assert_cmpuint(f->records->len, ==, 3);
  g_assert_cmpstr(record_at(f, 2)->file, ==, "bad.yaml");
  g_assert_cmpint(record_at(f, 2)->line, >=, 2);
  g_assert_cmpint(record_at(f, 2)->column, >=, 1);
}

/* Relative image paths resolve against the base folder. */
static void test_document_load_data_with_base(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = dp_document_load_data_with_base(
      f->ctx, "logo.yaml", logo_doc, strlen(logo_doc), SRCDIR "/tests/accept");
  g_assert_nonnull(doc);
  g_assert_cmpuint(f->records->len, ==, 0);
  dp_document_free(doc);
  /* The current folder (the build folder) has no images/logo.png. */
  g_assert_null(dp_document_load_data_with_base(f->ctx, "logo.yaml", logo_doc,
                                                strlen(logo_doc), NULL));
  g_assert_cmpuint(f->records->len, ==, 1);
  const record *r = record_at(f, 0);
  g_assert_cmpstr(r->file, ==, "logo.yaml");
  g_assert_cmpint(r->line, ==, 3);
  g_assert_cmpint(r->column, ==, 9);
  g_assert_nonnull(strstr(r->message, "images/logo.png"));
  g_assert_null(dp_document_load_data(f->ctx, "logo.yaml", logo_doc,
                                      strlen(logo_doc)));
}

/* ---- Layouts ------------------------------------------------------------ */

static void test_layout_builtin_names(void) {
  const char *const *names = dp_layout_get_builtin_names();
  g_assert_nonnull(names);
  g_assert_cmpstr(names[0], ==, "poster");
  g_assert_cmpstr(names[1], ==, "booklet");
  g_assert_cmpstr(names[2], ==, "booklet-print");
  g_assert_null(names[3]);
}

static void test_layout_load_builtin(fixture *f, gconstpointer data) {
  (void)data;
  for (const char *const *name = dp_layout_get_builtin_names(); *name;
       name++) {
    dp_layout *layout = dp_layout_load(f->ctx, *name);
    g_assert_nonnull(layout);
    g_assert_cmpstr(dp_layout_get_name(layout), ==, *name);
    g_assert_nonnull(dp_layout_get_description(layout));
    dp_layout_free(layout);
  }
  dp_layout *poster = dp_layout_load(f->ctx, "poster");
  double w = 0, h = 0;
  dp_layout_get_page_size(poster, &w, &h);
  g_assert_cmpfloat_with_epsilon(w, 595.28, 0.01);
  g_assert_cmpfloat_with_epsilon(h, 841.89, 0.01);
  dp_layout_get_page_size(poster, NULL, &h); /* either may be NULL */
  g_assert_cmpint(dp_layout_get_pages_max(poster), ==, 1);
  g_assert_cmpint(dp_layout_get_pages_multiple(poster), ==, 1);
  g_assert_false(dp_layout_is_imposed(poster));
  dp_layout_free(poster);
  dp_layout *booklet = dp_layout_load(f->ctx, "booklet");
  g_assert_cmpint(dp_layout_get_pages_multiple(booklet), ==, 4);
  g_assert_false(dp_layout_is_imposed(booklet));
  dp_layout_free(booklet);
  dp_layout *print = dp_layout_load(f->ctx, "booklet-print");
  g_assert_true(dp_layout_is_imposed(print));
  dp_layout_free(print);
  g_assert_cmpuint(f->records->len, ==, 0);
}

static void test_layout_load_path(fixture *f, gconstpointer data) {
  (void)data;
  dp_layout *layout = dp_layout_load(f->ctx, SRCDIR "/layouts/poster.yaml");
  g_assert_nonnull(layout);
  g_assert_cmpstr(dp_layout_get_name(layout), ==, "poster");
  dp_layout_free(layout);
  g_assert_null(dp_layout_load(f->ctx, SRCDIR "/no/such/layout.yaml"));
  g_assert_cmpuint(f->records->len, ==, 1);
  g_assert_cmpstr(record_at(f, 0)->file, ==, SRCDIR "/no/such/layout.yaml");
}

static void test_layout_load_unknown(fixture *f, gconstpointer data) {
  (void)data;
  g_assert_null(dp_layout_load(f->ctx, "postr"));
  g_assert_cmpuint(f->records->len, ==, 1);
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->severity, ==, DP_SEVERITY_ERROR);
  g_assert_cmpstr(r->file, ==, "disputas");
  g_assert_cmpint(r->line, ==, 0);
  g_assert_nonnull(strstr(r->message, "poster"));
}

static void test_layout_load_data(fixture *f, gconstpointer data) {
  (void)data;
  dp_layout *layout = dp_layout_load_data(f->ctx, "notice.yaml", small_layout,
                                          strlen(small_layout));
  g_assert_nonnull(layout);
  g_assert_cmpstr(dp_layout_get_name(layout), ==, "notice");
  g_assert_cmpstr(dp_layout_get_description(layout), ==,
                  "One A5 page with the title and the time");
  double w, h;
  dp_layout_get_page_size(layout, &w, &h);
  g_assert_cmpfloat_with_epsilon(w, 419.53, 0.01);
  g_assert_cmpfloat_with_epsilon(h, 595.28, 0.01);
  g_assert_cmpint(dp_layout_get_pages_max(layout), ==, 0);
  dp_layout_free(layout);
  layout = dp_layout_load_data(f->ctx, NULL, small_layout,
                               strlen(small_layout));
  g_assert_nonnull(layout);
  dp_layout_free(layout);
  g_assert_cmpuint(f->records->len, ==, 0);
}

static void test_layout_load_data_errors(fixture *f, gconstpointer data) {
  (void)data;
  g_assert_null(dp_layout_load_data(f->ctx, "typo-layout.yaml", typo_layout,
                                    strlen(typo_layout)));
  g_assert_cmpuint(f->records->len, ==, 1);
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->severity, ==, DP_SEVERITY_ERROR);
  g_assert_cmpstr(r->file, ==, "typo-layout.yaml");
  g_assert_cmpint(r->line, ==, 3);
  g_assert_cmpint(r->column, ==, 1);
  g_assert_cmpstr(r->message, ==,
                  "unknown key 'pgae' in the layout (did you mean 'page'?)");
  g_assert_null(dp_layout_load_data(f->ctx, "empty.yaml", NULL, 0));
  g_assert_cmpuint(f->records->len, ==, 2);
}

/* ---- Rendering ---------------------------------------------------------- */

static void test_render_options(void) {
  dp_render_options *options = dp_render_options_new();
  g_assert_nonnull(options);
  dp_render_options_set_format(options, DP_OUTPUT_SVG);
  dp_render_options_set_impose(options, DP_IMPOSE_OFF);
  dp_render_options_set_dpi(options, 72);
  dp_render_options_free(options);
}

static void test_check(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = load_minimal(f);
  dp_layout *poster = dp_layout_load(f->ctx, "poster");
  dp_layout *tiny = dp_layout_load_data(f->ctx, "tiny.yaml", tiny_frame_layout,
                                        strlen(tiny_frame_layout));
  g_assert_nonnull(tiny);
  g_assert_cmpint(dp_check(f->ctx, doc, poster), ==, DP_STATUS_OK);
  g_assert_cmpuint(f->records->len, ==, 0);
  g_assert_cmpint(dp_check(f->ctx, doc, tiny), ==, DP_STATUS_INVALID);
  g_assert_cmpuint(f->records->len, >=, 1);
  g_assert_cmpint(record_at(f, 0)->severity, ==, DP_SEVERITY_ERROR);
  /* The failure does not stick to the context. */
  g_assert_cmpint(dp_check(f->ctx, doc, poster), ==, DP_STATUS_OK);
  unsigned char *bytes = (unsigned char *)"x";
  size_t length = 7;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, tiny, NULL, &bytes,
                                      &length),
                  ==, DP_STATUS_INVALID);
  g_assert_null(bytes);
  g_assert_cmpuint(length, ==, 0);
  dp_layout_free(tiny);
  dp_layout_free(poster);
  dp_document_free(doc);
}

static void test_render_to_memory(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = load_minimal(f);
  dp_layout *poster = dp_layout_load(f->ctx, "poster");
  unsigned char *pdf = NULL;
  size_t pdf_length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, NULL, &pdf,
                                      &pdf_length),
                  ==, DP_STATUS_OK);
  g_assert_true(starts_with(pdf, pdf_length, "%PDF-"));
  g_assert_true(contains(pdf, pdf_length, "/MediaBox"));
  /* The same inputs give the same bytes. */
  unsigned char *again = NULL;
  size_t again_length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, NULL, &again,
                                      &again_length),
                  ==, DP_STATUS_OK);
  g_assert_cmpmem(pdf, pdf_length, again, again_length);
  dp_free(again);

  dp_render_options *options = dp_render_options_new();
  dp_render_options_set_format(options, DP_OUTPUT_PNG);
  dp_render_options_set_dpi(options, 30);
  unsigned char *png = NULL;
  size_t png_length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, options, &png,
                                      &png_length),
                  ==, DP_STATUS_OK);
  g_assert_true(starts_with(png, png_length, "\x89PNG\r\n\x1a\n"));
  dp_free(png);
  dp_render_options_set_format(options, DP_OUTPUT_SVG);
  unsigned char *svg = NULL;
  size_t svg_length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, options, &svg,
                                      &svg_length),
                  ==, DP_STATUS_OK);
  g_assert_true(contains(svg, svg_length, "<svg"));
  dp_free(svg);
  dp_render_options_free(options);
  dp_free(pdf);
  g_assert_cmpuint(f->records->len, ==, 0);
  dp_layout_free(poster);
  dp_document_free(doc);
}

/* dp_context_expect is a hint: a context that was told what comes gives
 * the same bytes, and one freed at once (its loads still running) is
 * freed cleanly. */
static void test_context_expect(fixture *f, gconstpointer data) {
  (void)data;
  dp_context *idle = dp_context_new();
  dp_context_expect(idle, DP_EXPECT_PDF | DP_EXPECT_CALENDAR);
  dp_context_free(idle);

  dp_context *ctx = dp_context_new();
  dp_context_expect(ctx, DP_EXPECT_PDF | DP_EXPECT_CALENDAR);
  dp_context_expect(ctx, 0);
  dp_document *doc = dp_document_load_data(ctx, "minimal.yaml", minimal_doc,
                                           strlen(minimal_doc));
  dp_layout *poster = dp_layout_load(ctx, "poster");
  unsigned char *expected = NULL;
  size_t expected_length = 0;
  g_assert_cmpint(dp_render_to_memory(ctx, doc, poster, NULL, &expected,
                                      &expected_length),
                  ==, DP_STATUS_OK);
  char *ics = NULL;
  size_t ics_length = 0;
  g_assert_cmpint(dp_calendar_to_memory(ctx, doc, &ics, &ics_length), ==,
                  DP_STATUS_OK);
  g_assert_true(g_str_has_prefix(ics, "BEGIN:VCALENDAR"));

  dp_document *plain_doc = load_minimal(f);
  dp_layout *plain_poster = dp_layout_load(f->ctx, "poster");
  unsigned char *plain = NULL;
  size_t plain_length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, plain_doc, plain_poster, NULL,
                                      &plain, &plain_length),
                  ==, DP_STATUS_OK);
  g_assert_cmpmem(expected, expected_length, plain, plain_length);
  dp_free(plain);
  dp_layout_free(plain_poster);
  dp_document_free(plain_doc);
  dp_free(ics);
  dp_free(expected);
  dp_layout_free(poster);
  dp_document_free(doc);
  dp_context_free(ctx);
}

/* Several layouts at once: the bytes each would have alone, PDFs and
 * other formats alike; nothing at all when one fails. */
static void test_render_many(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = load_minimal(f);
  const char *names[] = {"poster", "booklet", "booklet-print"};
  dp_layout *layouts[3];
  unsigned char *many[3];
  size_t many_length[3];
  for (int i = 0; i < 3; i++) layouts[i] = dp_layout_load(f->ctx, names[i]);
  g_assert_cmpint(dp_render_many_to_memory(f->ctx, doc, layouts, 3, NULL,
                                           many, many_length),
                  ==, DP_STATUS_OK);
  for (int i = 0; i < 3; i++) {
    unsigned char *alone = NULL;
    size_t alone_length = 0;
    g_assert_cmpint(dp_render_to_memory(f->ctx, doc, layouts[i], NULL,
                                        &alone, &alone_length),
                    ==, DP_STATUS_OK);
    g_assert_true(starts_with(many[i], many_length[i], "%PDF-"));
    g_assert_cmpmem(many[i], many_length[i], alone, alone_length);
    dp_free(alone);
    dp_free(many[i]);
  }
  /* PNG pages go through the same call. */
  dp_render_options *png = dp_render_options_new();
  dp_render_options_set_format(png, DP_OUTPUT_PNG);
  dp_render_options_set_dpi(png, 20);
  g_assert_cmpint(dp_render_many_to_memory(f->ctx, doc, layouts, 1, png,
                                           many, many_length),
                  ==, DP_STATUS_OK);
  g_assert_true(starts_with(many[0], many_length[0], "\x89PNG"));
  dp_free(many[0]);
  dp_render_options_free(png);
  /* A layout whose content cannot fit: nothing for any of them. */
  dp_layout *tiny = dp_layout_load_data(f->ctx, "tiny.yaml", tiny_frame_layout,
                                        strlen(tiny_frame_layout));
  g_assert_nonnull(tiny);
  dp_layout *mixed[2] = {layouts[0], tiny};
  many[0] = many[1] = (unsigned char *)"x";
  g_assert_cmpint(dp_render_many_to_memory(f->ctx, doc, mixed, 2, NULL, many,
                                           many_length),
                  ==, DP_STATUS_INVALID);
  g_assert_null(many[0]);
  g_assert_null(many[1]);
  dp_layout_free(tiny);
  for (int i = 0; i < 3; i++) dp_layout_free(layouts[i]);
  dp_document_free(doc);
}

typedef struct sink {
  GByteArray *bytes;
  int calls;
  int fail_after; /* fail on this call (0: never) */
} sink;

static bool sink_write(void *user_data, const unsigned char *data,
                       size_t length) {
  sink *s = user_data;
  if (++s->calls == s->fail_after) return false;
  g_byte_array_append(s->bytes, data, (guint)length);
  return true;
}

static void test_render_to_callback(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = load_minimal(f);
  dp_layout *poster = dp_layout_load(f->ctx, "poster");
  sink s = {g_byte_array_new(), 0, 0};
  g_assert_cmpint(dp_render_to_callback(f->ctx, doc, poster, NULL, sink_write,
                                        &s),
                  ==, DP_STATUS_OK);
  g_assert_cmpint(s.calls, >, 0);
  unsigned char *pdf = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, NULL, &pdf,
                                      &length),
                  ==, DP_STATUS_OK);
  g_assert_cmpmem(s.bytes->data, s.bytes->len, pdf, length);
  dp_free(pdf);
  /* A write error stops the render. */
  sink failing = {g_byte_array_new(), 0, 1};
  g_assert_cmpint(dp_render_to_callback(f->ctx, doc, poster, NULL, sink_write,
                                        &failing),
                  ==, DP_STATUS_WRITE);
  g_byte_array_free(failing.bytes, TRUE);
  g_byte_array_free(s.bytes, TRUE);
  dp_layout_free(poster);
  dp_document_free(doc);
}

static void test_render_to_file(fixture *f, gconstpointer data) {
  (void)data;
  char *dir = g_dir_make_tmp("disputas-api-XXXXXX", NULL);
  g_assert_nonnull(dir);
  dp_document *doc = load_minimal(f);
  dp_layout *poster = dp_layout_load(f->ctx, "poster");

  char *path = g_build_filename(dir, "poster.pdf", NULL);
  g_assert_cmpint(dp_render_to_file(f->ctx, doc, poster, NULL, path), ==,
                  DP_STATUS_OK);
  char *contents = NULL;
  gsize length = 0;
  g_assert_true(g_file_get_contents(path, &contents, &length, NULL));
  unsigned char *pdf = NULL;
  size_t pdf_length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, poster, NULL, &pdf,
                                      &pdf_length),
                  ==, DP_STATUS_OK);
  g_assert_cmpmem(contents, length, pdf, pdf_length);
  dp_free(pdf);
  g_free(contents);

  /* PNG: one file per page, numbered. */
  dp_render_options *options = dp_render_options_new();
  dp_render_options_set_format(options, DP_OUTPUT_PNG);
  dp_render_options_set_dpi(options, 30);
  char *png = g_build_filename(dir, "poster.png", NULL);
  char *png1 = g_build_filename(dir, "poster-1.png", NULL);
  g_assert_cmpint(dp_render_to_file(f->ctx, doc, poster, options, png), ==,
                  DP_STATUS_OK);
  g_assert_true(g_file_test(png1, G_FILE_TEST_IS_REGULAR));
  g_assert_false(g_file_test(png, G_FILE_TEST_EXISTS));
  g_assert_cmpuint(f->records->len, ==, 0);

  /* A folder that does not exist: reported, nothing written. */
  char *bad = g_build_filename(dir, "no-such-folder", "poster.pdf", NULL);
  g_assert_cmpint(dp_render_to_file(f->ctx, doc, poster, NULL, bad), ==,
                  DP_STATUS_WRITE);
  g_assert_cmpuint(f->records->len, ==, 1);
  const record *r = record_at(f, 0);
  g_assert_cmpint(r->severity, ==, DP_SEVERITY_ERROR);
  g_assert_cmpstr(r->file, ==, "disputas");
  g_assert_nonnull(strstr(r->message, "no-such-folder"));

  g_unlink(png1);
  g_unlink(path);
  g_rmdir(dir);
  g_free(bad);
  g_free(png1);
  g_free(png);
  g_free(path);
  dp_render_options_free(options);
  dp_layout_free(poster);
  dp_document_free(doc);
  g_free(dir);
}

/* A render from a document loaded through a different layout works too:
 * the small in-memory layout renders one A5 page. */
static void test_render_memory_layout(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = load_minimal(f);
  dp_layout *layout = dp_layout_load_data(f->ctx, "notice.yaml", small_layout,
                                          strlen(small_layout));
  unsigned char *pdf = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_render_to_memory(f->ctx, doc, layout, NULL, &pdf,
                                      &length),
                  ==, DP_STATUS_OK);
  g_assert_true(contains(pdf, length, "/Count 1"));
  dp_free(pdf);
  dp_layout_free(layout);
  dp_document_free(doc);
}

/* ---- Calendars ---------------------------------------------------------- */

static void test_calendar_to_memory(fixture *f, gconstpointer data) {
  (void)data;
  dp_document *doc = load_minimal(f);
  char *text = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_calendar_to_memory(f->ctx, doc, &text, &length), ==,
                  DP_STATUS_OK);
  g_assert_nonnull(text);
  g_assert_cmpuint(strlen(text), ==, length); /* NUL-terminated */
  g_assert_true(g_str_has_prefix(text, "BEGIN:VCALENDAR\r\n"));
  g_assert_nonnull(strstr(text, "BEGIN:VEVENT\r\n"));
  g_assert_true(g_str_has_suffix(text, "END:VCALENDAR\r\n"));
  /* The same bytes again (SOURCE_DATE_EPOCH is set). */
  char *again = NULL;
  size_t again_length = 0;
  g_assert_cmpint(dp_calendar_to_memory(f->ctx, doc, &again, &again_length),
                  ==, DP_STATUS_OK);
  g_assert_cmpstr(text, ==, again);
  dp_free(again);
  dp_free(text);
  g_assert_cmpuint(f->records->len, ==, 0);
  dp_document_free(doc);
}

static void test_calendar_to_file(fixture *f, gconstpointer data) {
  (void)data;
  char *dir = g_dir_make_tmp("disputas-api-XXXXXX", NULL);
  dp_document *doc = load_minimal(f);
  char *path = g_build_filename(dir, "minimal.ics", NULL);
  g_assert_cmpint(dp_calendar_to_file(f->ctx, doc, path), ==, DP_STATUS_OK);
  char *contents = NULL, *text = NULL;
  gsize length = 0;
  size_t text_length = 0;
  g_assert_true(g_file_get_contents(path, &contents, &length, NULL));
  g_assert_cmpint(dp_calendar_to_memory(f->ctx, doc, &text, &text_length),
                  ==, DP_STATUS_OK);
  g_assert_cmpmem(contents, length, text, text_length);
  /* A folder that does not exist: reported, nothing written. */
  char *bad = g_build_filename(dir, "no-such-folder", "x.ics", NULL);
  g_assert_cmpint(dp_calendar_to_file(f->ctx, doc, bad), ==, DP_STATUS_WRITE);
  g_assert_cmpuint(f->records->len, ==, 1);
  g_assert_cmpstr(record_at(f, 0)->file, ==, "disputas");
  g_unlink(path);
  g_rmdir(dir);
  g_free(bad);
  dp_free(text);
  g_free(contents);
  g_free(path);
  dp_document_free(doc);
  g_free(dir);
}

/* ---- Programming errors ------------------------------------------------- */

/* A NULL where none is allowed is reported, not a crash and not a
 * critical (test-arguments.c has every function). */
static void test_null_arguments(void) {
  g_assert_null(dp_document_load_file(NULL, "x.yaml"));
  dp_context *ctx = dp_context_new();
  g_assert_null(dp_document_load_file(ctx, NULL));
  g_assert_cmpint(dp_check(ctx, NULL, NULL), ==, DP_STATUS_ARGUMENT);
  g_assert_cmpint(dp_context_get_error_count(ctx), ==, 2);
  g_assert_null(dp_document_get_stem(NULL));
  dp_context_free(ctx);
}

int main(int argc, char **argv) {
  /* Reproducible PDF dates, and the bundled data of the source tree. */
  g_setenv("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/version", test_version);
  g_test_add_func("/free-null", test_free_null);
#define ADD(path, fn)                                                    \
  g_test_add(path, fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD("/context/counts", test_context_counts);
  ADD("/context/callback-off", test_context_callback_off);
  g_test_add_func("/context/print-text", test_context_print_text);
  g_test_add_func("/context/print-json", test_context_print_json);
  g_test_add_func("/context/print-quiet", test_context_print_quiet);
  g_test_add_data_func("/context/print-text/subprocess", "text", print_child);
  g_test_add_data_func("/context/print-json/subprocess", "json", print_child);
  g_test_add_data_func("/context/print-quiet/subprocess", "quiet",
                       print_child);
  ADD("/context/werror", test_context_werror);
  g_test_add_func("/context/callback-reenters",
                  test_context_callback_reenters);
  g_test_add_func("/context/callback-reenters/subprocess", reentry_child);
  ADD("/context/expect", test_context_expect);
  ADD("/document/load-file", test_document_load_file);
  ADD("/document/load-file-errors", test_document_load_file_errors);
  ADD("/document/load-file-missing", test_document_load_file_missing);
  ADD("/document/load-data", test_document_load_data);
  ADD("/document/load-data-errors", test_document_load_data_errors);
  ADD("/document/load-data-with-base", test_document_load_data_with_base);
  g_test_add_func("/layout/builtin-names", test_layout_builtin_names);
  ADD("/layout/load-builtin", test_layout_load_builtin);
  ADD("/layout/load-path", test_layout_load_path);
  ADD("/layout/load-unknown", test_layout_load_unknown);
  ADD("/layout/load-data", test_layout_load_data);
  ADD("/layout/load-data-errors", test_layout_load_data_errors);
  g_test_add_func("/render/options", test_render_options);
  ADD("/render/check", test_check);
  ADD("/render/to-memory", test_render_to_memory);
  ADD("/render/many-to-memory", test_render_many);
  ADD("/render/to-callback", test_render_to_callback);
  ADD("/render/to-file", test_render_to_file);
  ADD("/render/memory-layout", test_render_memory_layout);
  ADD("/calendar/to-memory", test_calendar_to_memory);
  ADD("/calendar/to-file", test_calendar_to_file);
  g_test_add_func("/null-arguments", test_null_arguments);
#undef ADD
  return g_test_run();
}
