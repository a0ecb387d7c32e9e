/* Unit tests of typography: straight punctuation in, the language's out
 * (data/typography.yaml, found through DISPUTAS_DATADIR). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "style.h"
#include "typography.h"

static char *apply(dp_typography *t, const char *lang, unsigned rules,
                   const char *in) {
  size_t length = 0, *map = NULL;
  char *out = dp_typography_apply(t, lang, rules, in, strlen(in), NULL, 0,
                                  NULL, 0, &length, &map);
  /* The map is monotonic and ends at the new length. */
  for (size_t i = 0; i < strlen(in); i++) g_assert_cmpuint(map[i], <=, map[i + 1]);
  g_assert_cmpuint(map[strlen(in)], ==, length);
  g_assert_cmpuint(strlen(out), ==, length);
  g_free(map);
  return out;
}

static void check(dp_typography *t, const char *lang, unsigned rules,
                  const char *in, const char *expected) {
  char *out = apply(t, lang, rules, in);
  g_assert_cmpstr(out, ==, expected);
  g_free(out);
}

static void test_quotes(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  check(t, "en", DP_TYPO_ALL,
        "the thesis \"Creating Roles\" and 'peer workers'",
        "the thesis “Creating Roles” and ‘peer workers’");
  /* A straight opening mark and a curly closing one, as in the seed. */
  check(t, "en", DP_TYPO_ALL, "\"Creating Services\u201D.",
        "“Creating Services”.");
  check(t, "nb", DP_TYPO_ALL, "tittelen \"Lakselus i et 'varmere' hav\".",
        "tittelen «Lakselus i et ‘varmere’ hav».");
  check(t, "sv", DP_TYPO_ALL, "\"Text\"", "”Text”");
  check(t, "de", DP_TYPO_ALL, "\"Text\"", "„Text“");
  check(t, "da", DP_TYPO_ALL, "\"Tekst\"", "»Tekst«");
  check(t, "fr", DP_TYPO_ALL, "\"texte\"", "«\u202Ftexte\u202F»");
  check(t, "is", DP_TYPO_ALL, "\"texti\"", "„texti“");
  /* A language without an entry takes the marks of ICU's locale data
   * (CLDR), outer and inner; one ICU has none for, the default's. */
  check(t, "pl", DP_TYPO_ALL, "\"x 'y'\"", "„x «y»”");
  check(t, "ar", DP_TYPO_ALL, "\"نص 'آخر'\"",
        "”نص ’آخر‘“");
  check(t, "he", DP_TYPO_ALL, "\"טקסט\"",
        "”טקסט”");
  check(t, "el-GR", DP_TYPO_ALL, "\"x\"", "«x»");
  /* The whole tag, script and region: ICU's data differs by them. */
  check(t, "zh-Hant", DP_TYPO_ALL, "\"x 'y'\"", "「x 『y』」");
  check(t, "zh-Hans", DP_TYPO_ALL, "\"x\"", "“x”");
  check(t, "pt-PT", DP_TYPO_ALL, "\"x\"", "«x»");
  check(t, "pt-BR", DP_TYPO_ALL, "\"x\"", "“x”");
  check(t, "es-419", DP_TYPO_ALL, "\"x\"", "“x”");
  check(t, "es", DP_TYPO_ALL, "\"x\"", "«x»");
  check(t, "xx", DP_TYPO_ALL, "\"x 'y'\"", "“x ‘y’”");
  dp_typography_free(t);
}

static void test_apostrophes(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  check(t, "en", DP_TYPO_ALL, "don't, the students' work, '90s, O'Brien",
        "don’t, the students’ work, ’90s, O’Brien");
  check(t, "fr", DP_TYPO_ALL, "d'agrégats", "d’agrégats");
  /* Apostrophes only: quotes stay straight. */
  check(t, "en", DP_TYPO_APOSTROPHES, "\"don't\"", "\"don’t\"");
  dp_typography_free(t);
}

static void test_dashes(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  check(t, "en", DP_TYPO_ALL, "levels - to plan",
        "levels\u00A0– to plan");
  check(t, "en", DP_TYPO_DASHES, "10:00-12:20, pages 10-12, 1990-2000",
        "10:00–12:20, pages 10–12, 1990–2000");
  /* Not in dates, codes or words. */
  check(t, "en", DP_TYPO_DASHES, "2024-09-27 M004-K2 co-production",
        "2024-09-27 M004-K2 co-production");
  check(t, "en", DP_TYPO_ELLIPSIS, "and so on...", "and so on…");
  check(t, "en", 0, "a - b ... \"c\"", "a - b ... \"c\"");
  dp_typography_free(t);
}

static void test_spaces(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  check(t, "en", DP_TYPO_SPACES, "on 27 September with Dr. Nordmann",
        "on 27\u00A0September with Dr.\u00A0Nordmann");
  check(t, "nb", DP_TYPO_SPACES, "torsdag 23. oktober kl. 10.15",
        "torsdag 23.\u00A0oktober kl.\u00A010.15");
  check(t, "en", DP_TYPO_SPACES, "Meeting ID: 637 6206 9036, 10 km",
        "Meeting ID: 637\u00A06206\u00A09036, 10\u00A0km");
  /* URLs and e-mail addresses are left alone. */
  check(t, "en", DP_TYPO_ALL, "https://x.org/a-1-2?q=\"x\" a@b.no",
        "https://x.org/a-1-2?q=\"x\" a@b.no");
  dp_typography_free(t);
}

/* French: a narrow no-break space before ; : ! ? after a word (kept or
 * added) and inside typed « », never inside a time, URL or number; the
 * `spaces` rule turned off leaves them as typed; other languages have
 * none. */
static void test_french_spaces(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  check(t, "fr", DP_TYPO_ALL, "Oui : non ; vraiment ? Enfin !",
        "Oui\u202F: non\u202F; vraiment\u202F? Enfin\u202F!");
  check(t, "fr", DP_TYPO_ALL, "Oui: non; vraiment? Enfin!",
        "Oui\u202F: non\u202F; vraiment\u202F? Enfin\u202F!");
  check(t, "fr", DP_TYPO_ALL, "Il dit \"oui!\"",
        "Il dit «\u202Foui\u202F!\u202F»");
  check(t, "fr", DP_TYPO_ALL, "« Bonjour » et «salut»",
        "«\u202FBonjour\u202F» et «\u202Fsalut\u202F»");
  check(t, "fr", DP_TYPO_ALL, "à 10:15, voir https://x.fr/a?b=c:d",
        "à 10:15, voir https://x.fr/a?b=c:d");
  check(t, "fr", DP_TYPO_ALL & ~DP_TYPO_SPACES, "Oui : non ? « Bonjour »",
        "Oui : non ? « Bonjour »");
  check(t, "en", DP_TYPO_ALL, "Yes: no; really? Well!",
        "Yes: no; really? Well!");
  check(t, "nb", DP_TYPO_ALL, "«Ja» : nei", "«Ja» : nei");
  dp_typography_free(t);
}

/* French doubled marks (?! !? !! ??): one narrow no-break space before
 * the pair, typed with a space or none, never one inside it; inside « »
 * too, and before a closing parenthesis. */
static void test_french_doubled_marks(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  const char *pairs[] = {"?!", "!?", "!!", "??"};
  for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
    char *spaced = g_strdup_printf("Quoi %s Oui.", pairs[i]);
    char *tight = g_strdup_printf("Quoi%s Oui.", pairs[i]);
    char *want = g_strdup_printf("Quoi\u202F%s Oui.", pairs[i]);
    check(t, "fr", DP_TYPO_ALL, spaced, want);
    check(t, "fr", DP_TYPO_ALL, tight, want);
    g_free(spaced);
    g_free(tight);
    g_free(want);
  }
  check(t, "fr", DP_TYPO_ALL, "Quoi?!", "Quoi\u202F?!");
  check(t, "fr", DP_TYPO_ALL, "« Quoi?! »", "«\u202FQuoi\u202F?!\u202F»");
  check(t, "fr", DP_TYPO_ALL, "«Quoi ?!»", "«\u202FQuoi\u202F?!\u202F»");
  check(t, "fr", DP_TYPO_ALL, "\"Quoi?!\"", "«\u202FQuoi\u202F?!\u202F»");
  check(t, "fr", DP_TYPO_ALL, "(quoi?)", "(quoi\u202F?)");
  check(t, "en", DP_TYPO_ALL, "What?!", "What?!");
  dp_typography_free(t);
}

/* A range in a language of its own (a parallel title within a line)
 * takes that language's marks; the rest the text's. */
static void test_language_ranges(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  const char *in = "Tittel: \"varm\" - og \"a warm 'sea'\" - the lice's";
  const char *en = strstr(in, "\"a warm");
  dp_typography_lang langs[] = {
      {(size_t)(en - in), strlen(in), "en-GB"}};
  size_t length = 0, *map = NULL;
  char *out = dp_typography_apply(t, "nb", DP_TYPO_ALL, in, strlen(in), NULL,
                                  0, langs, 1, &length, &map);
  g_assert_cmpstr(out, ==,
                  "Tittel: «varm»\u00A0– og “a warm ‘sea’”\u00A0– the "
                  "lice’s");
  g_assert_cmpuint(map[strlen(in)], ==, length);
  g_free(out);
  g_free(map);
  /* A French range gets its narrow spaces, the English text none. */
  in = "Yes! \"Oui!\" Yes!";
  langs[0] = (dp_typography_lang){5, 12, "fr"};
  out = dp_typography_apply(t, "en", DP_TYPO_ALL, in, strlen(in), NULL, 0,
                            langs, 1, &length, &map);
  g_assert_cmpstr(out, ==, "Yes! «\u202FOui\u202F!\u202F» Yes!");
  g_free(out);
  g_free(map);
  dp_typography_free(t);
}

/* How short a hyphenated word's pieces may be comes from the table:
 * TeX's 2 and 3 for English, 2 and 2 otherwise; a table of one's own
 * says otherwise. */
static void test_hyphen_min(void) {
  dp_typography *t = dp_typography_new(NULL, NULL);
  int left = 0, right = 0;
  dp_typography_hyphen_min(t, "en-GB", &left, &right);
  g_assert_cmpint(left, ==, 2);
  g_assert_cmpint(right, ==, 3);
  dp_typography_hyphen_min(t, "nb", &left, &right);
  g_assert_cmpint(left, ==, 2);
  g_assert_cmpint(right, ==, 2);
  dp_typography_hyphen_min(t, "tlh", &left, &right);
  g_assert_cmpint(left, ==, 2);
  g_assert_cmpint(right, ==, 2);
  dp_typography_free(t);

  char *dir = g_dir_make_tmp("typography-XXXXXX", NULL);
  char *data = g_build_filename(dir, "data", NULL);
  g_assert_cmpint(g_mkdir(data, 0700), ==, 0);
  char *file = g_build_filename(data, "typography.yaml", NULL);
  g_assert_true(g_file_set_contents(file,
                                    "default: {hyphen-min: [3, 4]}\n"
                                    "en: {hyphen-min: [5, 6]}\n"
                                    "de: {hyphen-min: [0, 12]}\n", -1, NULL));
  t = dp_typography_new(NULL, dir);
  dp_typography_hyphen_min(t, "en", &left, &right);
  g_assert_cmpint(left, ==, 5);
  g_assert_cmpint(right, ==, 6);
  dp_typography_hyphen_min(t, "sv", &left, &right);
  g_assert_cmpint(left, ==, 3);
  g_assert_cmpint(right, ==, 4);
  /* Out of range: the default's. */
  dp_typography_hyphen_min(t, "de", &left, &right);
  g_assert_cmpint(left, ==, 3);
  g_assert_cmpint(right, ==, 4);
  dp_typography_free(t);
  g_remove(file);
  g_rmdir(data);
  g_rmdir(dir);
  g_free(file);
  g_free(data);
  g_free(dir);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/typography/quotes", test_quotes);
  g_test_add_func("/typography/apostrophes", test_apostrophes);
  g_test_add_func("/typography/dashes", test_dashes);
  g_test_add_func("/typography/spaces", test_spaces);
  g_test_add_func("/typography/french-spaces", test_french_spaces);
  g_test_add_func("/typography/hyphen-min", test_hyphen_min);
  g_test_add_func("/typography/language-ranges", test_language_ranges);
  g_test_add_func("/typography/french-doubled-marks",
                  test_french_doubled_marks);
  return g_test_run();
}
