/* test-arguments: every public function given an argument it cannot take
 * (a NULL where none is allowed, an enumeration value out of range, a
 * number out of range) returns its failure value (DP_STATUS_ARGUMENT,
 * NULL, 0, false), reports one error to the context when it has one, and
 * nothing else: no crash, no GLib critical (G_DEBUG=fatal-criticals
 * would abort), and nothing printed (the table runs in a subprocess whose
 * standard output and error must stay empty: a library prints nothing
 * unless asked).  Issue 19.
 */
#include <disputas/disputas.h>

#include <glib.h>
#include <math.h>
#include <string.h>

static const char minimal[] =
    "institution:\n"
    "  name: University of Agder\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

static int errors;     /* reported through the callback */
static GString *log_;  /* their messages */
static int failures;   /* rows that did not hold */

static void on_diagnostic(const dp_diagnostic *d, void *user_data) {
  (void)user_data;
  if (d->severity == DP_SEVERITY_ERROR) errors++;
  g_string_append_printf(log_, "  %s\n", d->message);
}

/* One row: `ok` is whether the call returned its failure value; it must
 * have reported `reported` errors (1 with a context, 0 without). */
static void row(const char *call, bool ok, int before, int reported) {
  if (!ok || errors - before != reported) {
    failures++;
    g_printerr("row '%s': %s, %d errors reported (expected %d)\n%s", call,
               ok ? "right result" : "WRONG RESULT", errors - before,
               reported, log_->str);
  }
  g_string_truncate(log_, 0);
}

#define ROW(reported, expression)                     \
  do {                                                \
    int before_ = errors;                             \
    bool ok_ = (expression);                          \
    row(#expression, ok_, before_, (reported));       \
  } while (0)

static bool no_write(void *u, const unsigned char *d, size_t n) {
  (void)u, (void)d, (void)n;
  return true;
}

static bool no_page(void *u, int i, int c, const unsigned char *d,
                    size_t n) {
  (void)u, (void)i, (void)c, (void)d, (void)n;
  return true;
}

static void table(void) {
  log_ = g_string_new(NULL);
  dp_context *ctx = dp_context_new();
  dp_context_set_diagnostic_func(ctx, on_diagnostic, NULL);
  dp_document *doc =
      dp_document_load_data(ctx, "doc.yaml", minimal, strlen(minimal));
  dp_layout *poster = dp_layout_load(ctx, "poster");
  g_assert_nonnull(doc);
  g_assert_nonnull(poster);
  const dp_status A = DP_STATUS_ARGUMENT;
  unsigned char *data = (unsigned char *)"x";
  char *text = (char *)"x";
  size_t length = 1;
  double w = -1;
  const char *s = "unchanged";

  /* Frees take NULL. */
  dp_free(NULL);
  dp_context_free(NULL);
  dp_document_free(NULL);
  dp_layout_free(NULL);
  dp_render_options_free(NULL);

  /* Contexts. */
  dp_context_set_diagnostic_func(NULL, on_diagnostic, NULL);
  dp_context_set_print_diagnostics(NULL, true);
  dp_context_set_json_diagnostics(NULL, true);
  dp_context_set_colour_diagnostics(NULL, true);
  dp_context_set_werror(NULL, true);
  dp_context_expect(NULL, DP_EXPECT_PDF);
  dp_context_cancel(NULL);
  dp_context_reset_cancel(NULL);
  dp_context_set_deadline(NULL, 1);
  ROW(0, dp_context_set_root(NULL, "/") == A);
  ROW(0, dp_context_set_creation_date(NULL, 0) == A);
  ROW(1, dp_context_set_creation_date(ctx, -2) == A);
  ROW(1, dp_context_set_creation_date(ctx, 253402300800LL) == A);
  ROW(0, dp_context_set_limit(NULL, DP_LIMIT_PAGES, 1) == A);
  ROW(1, dp_context_set_limit(ctx, (dp_limit)99, 1) == A);
  ROW(1, dp_context_set_limit(ctx, (dp_limit)-1, 1) == A);
  ROW(1, dp_context_set_limit(ctx, DP_LIMIT_PAGES, -1) == A);
  ROW(1, dp_context_set_limit(ctx, DP_LIMIT_PAGES, 501) == A);
  ROW(0, dp_context_get_limit(NULL, DP_LIMIT_PAGES) == 0);
  ROW(0, dp_context_get_limit(ctx, (dp_limit)99) == 0);
  ROW(0, dp_context_set_folder(NULL, DP_FOLDER_DATA, "/") == A);
  ROW(1, dp_context_set_folder(ctx, (dp_folder)99, "/") == A);
  ROW(0, dp_context_set_font_config(NULL, NULL) == A);
  ROW(0, dp_context_set_house(NULL, NULL) == A);
  ROW(0, dp_context_get_error_count(NULL) == 0);
  ROW(0, dp_context_get_warning_count(NULL) == 0);

  /* Documents. */
  ROW(0, dp_document_load_file(NULL, "doc.yaml") == NULL);
  ROW(1, dp_document_load_file(ctx, NULL) == NULL);
  ROW(0, dp_document_load_data(NULL, "d", minimal, 3) == NULL);
  ROW(1, dp_document_load_data(ctx, "d", NULL, 3) == NULL);
  ROW(1, dp_document_load_data_with_base(ctx, "d", NULL, 3, NULL) == NULL);
  ROW(0, dp_document_get_stem(NULL) == NULL);
  ROW(0, dp_document_get_language(NULL) == NULL);
  ROW(0, dp_document_get_title(NULL) == NULL);
  ROW(0, dp_document_get_candidate(NULL) == NULL);
  ROW(0, dp_document_get_timezone(NULL) == NULL);
  ROW(0, dp_document_get_event_count(NULL) == 0);
  ROW(0, dp_document_get_files(NULL) == NULL);
  ROW(0, !dp_document_get_event(NULL, 0, &s, &s, &s) &&
             strcmp(s, "unchanged") == 0);
  ROW(0, !dp_document_get_event(doc, 1, &s, &s, &s) &&
             strcmp(s, "unchanged") == 0);

  /* Layouts. */
  ROW(0, dp_layout_load(NULL, "poster") == NULL);
  ROW(1, dp_layout_load(ctx, NULL) == NULL);
  ROW(1, dp_layout_load_data(ctx, "l", NULL, 3) == NULL);
  ROW(0, dp_layout_get_name(NULL) == NULL);
  ROW(0, dp_layout_get_description(NULL) == NULL);
  dp_layout_get_page_size(NULL, &w, &w);
  ROW(0, w == -1);
  dp_layout_get_page_size(poster, NULL, NULL);
  ROW(0, dp_layout_get_pages_multiple(NULL) == 1);
  ROW(0, !dp_layout_is_imposed(NULL));
  ROW(0, dp_layout_get_pages_max(NULL) == 0);
  ROW(0, dp_layout_get_files(NULL) == NULL);

  /* Render options: setters have no context; an invalid value is
   * reported by the call that uses the options. */
  dp_render_options_set_format(NULL, DP_OUTPUT_PNG);
  dp_render_options_set_impose(NULL, DP_IMPOSE_OFF);
  dp_render_options_set_dpi(NULL, 72);
  dp_render_options_set_marks(NULL, true);
  dp_render_options_set_press(NULL, true);
  dp_render_options_set_preflight(NULL, true);
  dp_render_options *bad_format = dp_render_options_new();
  dp_render_options_set_format(bad_format, (dp_output_format)42);
  dp_render_options *bad_impose = dp_render_options_new();
  dp_render_options_set_impose(bad_impose, (dp_impose_mode)-3);
  dp_render_options *bad_dpi = dp_render_options_new();
  dp_render_options_set_dpi(bad_dpi, NAN);
  ROW(1, dp_check_with_options(ctx, doc, poster, bad_format) == A);
  ROW(1, dp_count_pages(ctx, doc, poster, bad_impose, NULL, NULL, NULL) ==
             A);
  ROW(1, dp_render_to_memory(ctx, doc, poster, bad_dpi, &data, &length) ==
             A && data == NULL && length == 0);
  ROW(1, dp_render_pages(ctx, doc, poster, bad_format, no_page, NULL) == A);

  /* Checking and rendering. */
  ROW(0, dp_check(NULL, doc, poster) == A);
  ROW(1, dp_check(ctx, NULL, poster) == A);
  ROW(1, dp_check(ctx, doc, NULL) == A);
  ROW(1, dp_check_with_options(ctx, NULL, poster, NULL) == A);
  ROW(0, dp_count_pages(NULL, doc, poster, NULL, NULL, NULL, NULL) == A);
  ROW(1, dp_count_pages(ctx, doc, NULL, NULL, NULL, NULL, NULL) == A);
  ROW(0, dp_count_pages(ctx, doc, poster, NULL, NULL, NULL, NULL) ==
             DP_STATUS_OK); /* the results are optional */
  ROW(0, dp_render_to_file(NULL, doc, poster, NULL, "x.pdf") == A);
  ROW(1, dp_render_to_file(ctx, doc, poster, NULL, NULL) == A);
  ROW(1, dp_render_to_file(ctx, NULL, poster, NULL, "x.pdf") == A);
  ROW(1, dp_render_to_callback(ctx, doc, poster, NULL, NULL, NULL) == A);
  ROW(0, dp_render_to_callback(NULL, doc, poster, NULL, no_write, NULL) ==
             A);
  ROW(1, dp_render_to_memory(ctx, doc, poster, NULL, NULL, &length) == A);
  ROW(1, dp_render_to_memory(ctx, doc, poster, NULL, &data, NULL) == A);
  ROW(0, dp_render_to_memory(NULL, doc, poster, NULL, &data, &length) ==
             A && data == NULL);
  ROW(1, dp_render_pages(ctx, doc, poster, NULL, NULL, NULL) == A);
  ROW(1, dp_render_pages(ctx, NULL, poster, NULL, no_page, NULL) == A);
  unsigned char *many[2];
  size_t many_length[2];
  dp_layout *with_null[2] = {poster, NULL};
  ROW(1, dp_render_many_to_memory(ctx, doc, NULL, 2, NULL, many,
                                  many_length) == A);
  ROW(1, dp_render_many_to_memory(ctx, doc, with_null, 2, NULL, many,
                                  many_length) == A &&
             many[0] == NULL && many[1] == NULL);
  ROW(1, dp_render_many_to_memory(ctx, doc, with_null, 1, NULL, NULL,
                                  many_length) == A);

  /* Calendars. */
  ROW(0, dp_calendar_to_file(NULL, doc, "x.ics") == A);
  ROW(1, dp_calendar_to_file(ctx, NULL, "x.ics") == A);
  ROW(1, dp_calendar_to_file(ctx, doc, NULL) == A);
  ROW(1, dp_calendar_to_memory(ctx, doc, NULL, &length) == A);
  ROW(0, dp_calendar_to_memory(NULL, doc, &text, &length) == A &&
             text == NULL && length == 0);

  /* After all that, the context works as ever. */
  ROW(0, dp_check(ctx, doc, poster) == DP_STATUS_OK);

  dp_render_options_free(bad_format);
  dp_render_options_free(bad_impose);
  dp_render_options_free(bad_dpi);
  dp_layout_free(poster);
  dp_document_free(doc);
  dp_context_free(ctx);
  g_string_free(log_, TRUE);
  g_assert_cmpint(failures, ==, 0);
}

static void test_table(void) {
  if (g_test_subprocess()) {
    /* The table's own report goes to stderr only when a row fails. */
    table();
    return;
  }
  g_test_trap_subprocess(NULL, 0, 0);
  g_test_trap_assert_passed();
  g_test_trap_assert_stdout("");
  g_test_trap_assert_stderr("");
}

/* Printing is the caller's choice: a new context prints nothing; asked,
 * it prints an argument error as any other. */
static void test_prints_when_asked(void) {
  if (g_test_subprocess()) {
    dp_context *ctx = dp_context_new();
    g_assert_null(dp_layout_load(ctx, NULL));
    dp_context_set_print_diagnostics(ctx, true);
    g_assert_null(dp_layout_load(ctx, NULL));
    dp_context_free(ctx);
    return;
  }
  g_test_trap_subprocess(NULL, 0, 0);
  g_test_trap_assert_passed();
  g_test_trap_assert_stderr(
      "disputas: error: dp_layout_load: 'name_or_path' is NULL\n");
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/arguments/table", test_table);
  g_test_add_func("/arguments/prints-when-asked", test_prints_when_asked);
  return g_test_run();
}
