/* test-recolour: the qpdf module's recolouring of content streams
 * (src/plugins/qpdf-content.h), token by token (suite 'print').
 *
 * Registration and pure black replace `r g b rg` and `RG` with their three
 * numbers only; near-black, colours, other operators with the same
 * numbers, strings and comments that spell a colour, and colours of
 * another count of operands stay as they were, byte for byte. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "qpdf-content.h"

/* `in` recoloured with `how`, or `in` itself when nothing changed
 * (g_free); *registration as the function says. */
static char *recolour(const char *in, dp_recolour how, bool *registration) {
  unsigned char *out = NULL;
  size_t length = 0;
  bool used = true;
  unsigned spaces = 0;
  if (!dp_recolour_content((const unsigned char *)in, strlen(in), &how, &out,
                           &length, &used, &spaces)) {
    g_assert_null(out);
    g_assert_false(used);
    if (registration) *registration = false;
    return g_strdup(in);
  }
  char *text = g_strndup((const char *)out, length);
  free(out);
  if (registration) *registration = used;
  return text;
}

static void expect(const char *in, dp_recolour how, const char *want) {
  char *got = recolour(in, how, NULL);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
}

static const dp_recolour grey = {false, true, false};
static const dp_recolour cmyk = {false, true, true};
static const dp_recolour marks = {true, false, false};

static void test_pure_black(void) {
  expect("q 0 0 0 rg BT /f-0-0 1 Tf (x) Tj ET Q", grey,
         "q 0 g BT /f-0-0 1 Tf (x) Tj ET Q");
  expect("0 0 0 RG 0.5 w 0 0 m 10 0 l S", grey, "0 G 0.5 w 0 0 m 10 0 l S");
  expect("0 0 0 rg\n0.0 0 .0 RG\n", cmyk, "0 0 0 1 k\n0 0 0 1 K\n");
  /* Spaces before the operands stay; a newline between them goes with
   * them. */
  expect("Q\n  0\n0 0 rg f", grey, "Q\n  0 g f");
}

static void test_unchanged(void) {
  const char *const same[] = {
      "0.105882 0.105882 0.105882 rg (x) Tj", /* near-black */
      "0.00392157 0 0 rg f",                  /* almost */
      "1 1 1 rg 0 0 0 re f",                  /* black's numbers elsewhere */
      "0 0 0 0 rg",                           /* four operands */
      "0 0 rg",                               /* two */
      "/a 0 0 0 rg",                          /* not all numbers */
      "(0 0 0 rg) Tj % 0 0 0 rg\n",           /* a string, a comment */
      "[(0 0 0 rg)] TJ",
      "0 0 0 k 0 0 0 sc",                     /* other operators */
      "",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(same); i++) {
    bool used = true;
    char *got = recolour(same[i], grey, &used);
    g_assert_cmpstr(got, ==, same[i]);
    g_assert_false(used);
    g_free(got);
  }
  /* Off, pure black stays too. */
  expect("0 0 0 rg", marks, "0 0 0 rg");
}

static void test_registration(void) {
  bool used = false;
  char *got = recolour("0.00392157 0.00784314 0.0117647 RG 1 w S "
                       "0.00392157 0.00784314 0.0117647 rg f 0 0 0 rg",
                       marks, &used);
  g_assert_cmpstr(got, ==, "/DPRegistration CS 1 SCN 1 w S "
                           "/DPRegistration cs 1 scn f 0 0 0 rg");
  g_assert_true(used);
  g_free(got);
  /* Both at once. */
  dp_recolour both = {true, true, false};
  got = recolour("0 0 0 rg 0.00392157 0.00784314 0.0117647 RG", both, &used);
  g_assert_cmpstr(got, ==, "0 g /DPRegistration CS 1 SCN");
  g_assert_true(used);
  g_free(got);
}

/* The device colour spaces painted in, after recolouring. */
static unsigned spaces_of(const char *in, dp_recolour how) {
  unsigned char *out = NULL;
  size_t length = 0;
  bool used = false;
  unsigned spaces = 0;
  dp_recolour_content((const unsigned char *)in, strlen(in), &how, &out,
                      &length, &used, &spaces);
  free(out);
  return spaces;
}

static void test_spaces(void) {
  const dp_recolour off = {false, false, false};
  g_assert_cmpuint(spaces_of("0 0 0 rg 1 G", off), ==,
                   DP_PDF_SPACE_RGB | DP_PDF_SPACE_GRAY);
  g_assert_cmpuint(spaces_of("0 0 0 rg", grey), ==, DP_PDF_SPACE_GRAY);
  g_assert_cmpuint(spaces_of("0 0 0 RG 0.5 0 0 rg", cmyk), ==,
                   DP_PDF_SPACE_CMYK | DP_PDF_SPACE_RGB);
  g_assert_cmpuint(spaces_of("0 0 0 1 k (rg) Tj", off), ==,
                   DP_PDF_SPACE_CMYK);
  g_assert_cmpuint(spaces_of("0.00392157 0.00784314 0.0117647 RG", marks),
                   ==, 0);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/recolour/pure-black", test_pure_black);
  g_test_add_func("/recolour/unchanged", test_unchanged);
  g_test_add_func("/recolour/registration", test_registration);
  g_test_add_func("/recolour/spaces", test_spaces);
  return g_test_run();
}
