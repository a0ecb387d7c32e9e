/* Unit tests of yaml-hint: offsets as libyaml counts lines and columns,
 * and the explanations at the right place whatever the line ends, a
 * byte-order mark or characters beyond ASCII (tests/diag has the messages
 * as users see them). */
#include <glib.h>
#include <string.h>

#include "yaml-hint.h"
#include "yaml-tree.h"

static void capture(const dp_diagnostic *d, void *user) {
  g_string_append_printf(user, "%d:%d: %s: %s\n", d->line, d->column,
                         d->severity == DP_SEVERITY_WARNING ? "warning"
                                                            : "error",
                         d->message);
}

/* The messages of parsing `length` bytes of `text` (0: all of it). */
static char *messages_of(const char *text, size_t length) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  GString *out = g_string_new(NULL);
  dp_diag_set_callback(diag, capture, out);
  dp_ytree_free(dp_ytree_parse(diag, "t.yaml", text,
                               length ? length : strlen(text)));
  dp_diag_free(diag);
  return g_string_free(out, FALSE);
}

static void test_offsets(void) {
  /* Every line break libyaml knows, a BOM, and two-byte characters. */
  const char text[] = "\xEF\xBB\xBF" "a\r\nb\rc\xC2\x85" "d\xE2\x80\xA8"
                      "\xC3\xA5\xC3\xA5x\n";
  size_t n = sizeof text - 1;
  g_assert_cmpuint(dp_yaml_offset(text, n, 0, 0, NULL), ==, 3);
  g_assert_cmpuint(dp_yaml_offset(text, n, 1, 0, NULL), ==, 6);
  g_assert_cmpuint(dp_yaml_offset(text, n, 2, 0, NULL), ==, 8);
  g_assert_cmpuint(dp_yaml_offset(text, n, 3, 0, NULL), ==, 11);
  g_assert_cmpuint(dp_yaml_offset(text, n, 4, 2, NULL), ==, 19);
  g_assert_cmpuint(dp_yaml_offset(text, n, 4, 4, NULL), ==, (size_t)-1);
  g_assert_cmpuint(dp_yaml_offset(text, n, 6, 0, NULL), ==, (size_t)-1);
  /* A cursor moves forward with the lines asked for. */
  dp_yaml_cursor cursor = {0, 0};
  g_assert_cmpuint(dp_yaml_offset(text, n, 2, 0, &cursor), ==, 8);
  g_assert_cmpuint(cursor.line, ==, 2);
  g_assert_cmpuint(dp_yaml_offset(text, n, 4, 1, &cursor), ==, 17);
  g_assert_cmpuint(dp_yaml_offset(text, n, 3, 0, NULL), ==, 11);
}

static void test_colon_after_bom_crlf(void) {
  const char text[] = "\xEF\xBB\xBF" "thesis:\r\n  title: \xC3\x85sg\xC3\xA5rd: "
                      "A Study\r\n";
  char *m = messages_of(text, sizeof text - 1);
  g_assert_cmpstr(m, ==, "2:16: error: ': ' inside a value makes YAML take "
                  "it for a key: put the value in double quotes, title: "
                  "\"\xC3\x85sg\xC3\xA5rd: A Study\"\n");
  g_free(m);
}

static void test_comment_cut(void) {
  /* After a two-byte character and on a CR LF line: the '#' is column 12. */
  char *m = messages_of("title: \xC3\x85rs #5\r\nroom: 2  # a comment\r\n"
                        "floor: 3 # a comment too\r\n", 0);
  g_assert_cmpstr(m, ==, "1:12: warning: the text stops at '\xC3\x85rs': "
                  "' #' starts a YAML comment; to keep '#5', put the whole "
                  "value in double quotes\n");
  g_free(m);
  /* Quoted values and comments written as comments are left alone. */
  m = messages_of("a: \"x\" #1\nb: 'y' #2\nc: z  #3\nd: w # 4\n", 0);
  g_assert_cmpstr(m, ==, "");
  g_free(m);
}

static void test_tab_in_list(void) {
  char *m = messages_of("a:\n  - x: 1\n  \t  y: 2\n", 0);
  g_assert_cmpstr(m, ==, "3:3: error: a tab character: YAML indents with "
                  "spaces only; replace the tab with spaces\n");
  g_free(m);
}

static void test_block_scalar_levels(void) {
  /* The block scalar's text (indented by 5) is no level to line up with. */
  char *m = messages_of("a:\n  b: |\n     text\n  c: 1\n d: 2\n", 0);
  g_assert_cmpstr(m, ==, "5:2: error: 'd' is indented by 1 space, which "
                  "lines it up with nothing above it: indent it by 0 spaces, "
                  "as 'a' on line 1, or by 2 spaces, as 'c' on line 4\n");
  g_free(m);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/yaml-hint/offsets", test_offsets);
  g_test_add_func("/yaml-hint/colon-after-bom-crlf", test_colon_after_bom_crlf);
  g_test_add_func("/yaml-hint/comment-cut", test_comment_cut);
  g_test_add_func("/yaml-hint/tab-in-list", test_tab_in_list);
  g_test_add_func("/yaml-hint/block-scalar-levels", test_block_scalar_levels);
  return g_test_run();
}
