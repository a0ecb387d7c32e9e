/* test-recolour: the qpdf module's recolouring of content streams
 * (src/plugins/qpdf-content.h), token by token (suite 'print').
 *
 * Registration and pure black replace `r g b rg` and `RG` with their three
 * numbers only: pure black turns every neutral grey (the three numbers the
 * same decimal, however written) into the same level of one ink, grey
 * `v g` or CMYK `0 0 0 1−v k`; near-greys, colours, other operators with
 * the same numbers, strings and comments that spell a colour, and colours
 * of another count of operands stay as they were, byte for byte. */
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

/* Greys as cairo writes them (#1b1b1b, #555555, #808080, white): the
 * same level of one ink. */
static void test_neutral(void) {
  expect("0.105882 0.105882 0.105882 rg BT (x) Tj ET", grey,
         "0.105882 g BT (x) Tj ET");
  expect("0.333333 0.333333 0.333333 RG S", grey, "0.333333 G S");
  expect("1 1 1 rg 0 0 10 10 re f", grey, "1 g 0 0 10 10 re f");
  expect("0.00784314 0.00784314 0.00784314 rg", grey, "0.00784314 g");
  /* The same decimal however written; numbers come out plain. */
  expect("0.5 .50 +0.500 rg", grey, "0.5 g");
  expect("1.0 1 1. RG", grey, "1 G");
  expect("-0 0.0 -.0 rg", grey, "0 g");
  /* Outside 0 to 1, clamped as PDF does. */
  expect("1.5 1.5 1.5 rg -2 -2 -2 RG", grey, "1 g 0 G");
}

/* With a CMYK press profile, the grey's level in black ink: 1 − v,
 * exactly. */
static void test_cmyk(void) {
  expect("0.105882 0.105882 0.105882 rg (x) Tj", cmyk,
         "0 0 0 0.894118 k (x) Tj");
  expect("0.333333 0.333333 0.333333 RG", cmyk, "0 0 0 0.666667 K");
  expect("0.00392157 0.00392157 0.00392157 rg", cmyk, "0 0 0 0.99607843 k");
  expect("0.5 0.5 0.5 rg 1 1 1 RG", cmyk, "0 0 0 0.5 k 0 0 0 0 K");
  expect("2 2 2 rg -1 -1 -1 rg", cmyk, "0 0 0 0 k 0 0 0 1 k");
  /* Near-greys stay RGB here too. */
  expect("0.105882 0.105882 0.113725 rg", cmyk,
         "0.105882 0.105882 0.113725 rg");
}

static void test_unchanged(void) {
  const char *const same[] = {
      /* Near-greys: #1b1b1c, #1c1b1b, #1b1c1b, #010000, #feffff. */
      "0.105882 0.105882 0.109804 rg (x) Tj",
      "0.109804 0.105882 0.105882 rg (x) Tj",
      "0.105882 0.109804 0.105882 RG S",
      "0.00392157 0 0 rg f",
      "0.996078 1 1 rg f",
      "0.1 0.10000001 0.1 rg",                /* one digit past the rest */
      "1 0 0 rg 0 0 0 re f",                  /* black's numbers elsewhere */
      /* More digits than an exact reading holds: left alone. */
      "0.1234567890123456789 0.1234567890123456789 "
      "0.1234567890123456789 rg",
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
  /* Off, pure black and greys stay too. */
  expect("0 0 0 rg", marks, "0 0 0 rg");
  expect("0.5 0.5 0.5 RG", marks, "0.5 0.5 0.5 RG");
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
  g_test_add_func("/recolour/neutral", test_neutral);
  g_test_add_func("/recolour/cmyk", test_cmyk);
  g_test_add_func("/recolour/unchanged", test_unchanged);
  g_test_add_func("/recolour/registration", test_registration);
  g_test_add_func("/recolour/spaces", test_spaces);
  return g_test_run();
}
