/* Unit tests of datefmt: en, nb and nn from the label tables, other
 * languages from ICU's CLDR data, dates without times, and independence
 * from the process locale.
 *
 * Expected texts are written from the rules (the tables' patterns and
 * CLDR's month and weekday names), not copied from output.  27 September
 * 2024 is a Friday; 29 February 2024 a Thursday. */
#include <glib.h>
#include <locale.h>
#include <string.h>
#include <unicode/uloc.h>

#include "datefmt.h"

static const dp_datetime friday = {2024, 9, 27, 10, 0, true};
static const dp_datetime friday_date = {2024, 9, 27, 0, 0, false};
static const dp_datetime leap = {2024, 2, 29, 9, 5, true};

/* Asserts dp_datefmt_format(lang, dt, what) == expected (NULL: NULL). */
#define assert_format(lang, dt, what, expected)                      \
  do {                                                               \
    char *got_ = dp_datefmt_format((lang), (dt), (what));            \
    g_assert_cmpstr(got_, ==, (expected));                           \
    g_free(got_);                                                    \
  } while (0)

static void test_english(void) {
  assert_format("en", &friday, "date", "Friday 27 September 2024");
  assert_format("en", &friday, "time", "10:00");
  assert_format("en", &friday, "datetime", "Friday 27 September 2024, 10:00");
  assert_format("en", &friday, "date-short", "27 September 2024");
  assert_format("en", &friday, "weekday", "Friday");
  assert_format("en", &friday, "day", "27");
  assert_format("en", &friday, "month", "September");
  assert_format("en", &friday, "year", "2024");
  assert_format("en", &friday, "d MMM y", "27 Sep 2024");
  assert_format("en", &leap, "datetime", "Thursday 29 February 2024, 09:05");
  /* Region subtags keep the language's table. */
  assert_format("en-GB", &friday, "date", "Friday 27 September 2024");
  assert_format("en-US", &friday, "time", "10:00");
}

static void test_bokmal(void) {
  assert_format("nb", &friday, "date", "fredag 27. september 2024");
  assert_format("nb", &friday, "time", "10.00");
  assert_format("nb", &friday, "datetime",
                "fredag 27. september 2024 kl. 10.00");
  assert_format("nb", &friday, "date-short", "27. september 2024");
  assert_format("nb", &friday, "weekday", "fredag");
  assert_format("nb", &friday, "day", "27");
  assert_format("nb", &friday, "month", "september");
  assert_format("nb", &friday, "year", "2024");
  assert_format("nb", &leap, "datetime", "torsdag 29. februar 2024 kl. 09.05");
  assert_format("nb-NO", &friday, "date", "fredag 27. september 2024");
  /* `no` is bokmål. */
  assert_format("no", &friday, "datetime",
                "fredag 27. september 2024 kl. 10.00");
  assert_format("no-NO", &leap, "date", "torsdag 29. februar 2024");
}

static void test_nynorsk(void) {
  assert_format("nn", &friday, "date", "fredag 27. september 2024");
  assert_format("nn", &friday, "time", "10.00");
  assert_format("nn", &friday, "datetime",
                "fredag 27. september 2024 kl. 10.00");
  assert_format("nn", &friday, "date-short", "27. september 2024");
  assert_format("nn", &leap, "date", "torsdag 29. februar 2024");
  assert_format("nn-NO", &friday, "weekday", "fredag");
}

static void test_date_without_time(void) {
  assert_format("en", &friday_date, "time", NULL);
  assert_format("nb", &friday_date, "time", NULL);
  assert_format("en", &friday_date, "datetime", "Friday 27 September 2024");
  assert_format("nb", &friday_date, "datetime", "fredag 27. september 2024");
  assert_format("de", &friday_date, "datetime", "Freitag, 27. September 2024");
  assert_format("es", &friday_date, "datetime",
                "viernes, 27 de septiembre de 2024");
  assert_format("de", &friday_date, "time-long", NULL);
  assert_format("en", &friday_date, "date-short", "27 September 2024");
  /* An explicit pattern that shows the time has nothing to show... */
  assert_format("en", &friday_date, "d MMM y HH:mm", NULL);
  assert_format("en", &friday_date, "h a", NULL);
  /* ...but quoted letters are not fields. */
  assert_format("en", &friday_date, "d MMM y 'Hm'", "27 Sep 2024 Hm");
  assert_format("en", &friday_date, "EEE d.M.", "Fri 27.9.");
}

/* The tables of the other Nordic and European languages: each
 * language's own forms of date, time and the time said alone. */
static void test_table_languages(void) {
  const dp_datetime morning = {2024, 9, 27, 9, 15, true};
  /* Swedish: no dot after the day, "kl." with a full stop in the time. */
  assert_format("sv", &morning, "date", "fredag 27 september 2024");
  assert_format("sv", &morning, "time", "09.15");
  assert_format("sv", &morning, "time-long", "kl. 09.15");
  assert_format("sv-FI", &morning, "datetime",
                "fredag 27 september 2024 kl. 09.15");
  /* Danish: "fredag den 27. september". */
  assert_format("da", &morning, "date", "fredag den 27. september 2024");
  assert_format("da", &morning, "time-long", "kl. 09.15");
  /* Finnish: the weekday in the essive and the month in the partitive
   * inside a date, "klo" and no leading zero. */
  assert_format("fi", &morning, "date", "perjantaina 27. syyskuuta 2024");
  assert_format("fi", &morning, "time", "9.15");
  assert_format("fi", &morning, "time-long", "klo 9.15");
  assert_format("fi", &morning, "weekday", "perjantai");
  /* Icelandic: a colon in the time, "kl." before it. */
  assert_format("is", &morning, "date", "föstudagur 27. september 2024");
  assert_format("is", &morning, "time-long", "kl. 09:15");
  /* German: "Uhr" after the time said alone, not after the bare time. */
  assert_format("de", &morning, "date", "Freitag, 27. September 2024");
  assert_format("de", &morning, "time", "09:15");
  assert_format("de", &morning, "time-long", "09:15 Uhr");
  assert_format("de", &morning, "datetime",
                "Freitag, 27. September 2024, 09:15 Uhr");
  assert_format("de-AT", &morning, "weekday", "Freitag");
  /* Dutch: "9.15 uur", "om" before the time. */
  assert_format("nl", &morning, "time-long", "9.15 uur");
  assert_format("nl", &morning, "datetime",
                "vrijdag 27 september 2024 om 9.15 uur");
  /* French: "9 h 15" with no-break spaces, "à" before the time. */
  assert_format("fr", &morning, "date", "vendredi 27 septembre 2024");
  assert_format("fr", &morning, "time", "9\u00a0h\u00a015");
  assert_format("fr", &morning, "datetime",
                "vendredi 27 septembre 2024 à 9\u00a0h\u00a015");
  /* The languages of the first tables have a long time too. */
  assert_format("nb", &morning, "time-long", "kl. 09.15");
  assert_format("nn", &morning, "time-long", "kl. 09.15");
  assert_format("en", &morning, "time-long", "09:15");
}

/* Languages without a table: ICU's best patterns from CLDR. */
static void test_icu_languages(void) {
  /* Spanish: "EEEE, d 'de' MMMM 'de' y"; ICU's time is "H:mm". */
  assert_format("es", &friday, "date", "viernes, 27 de septiembre de 2024");
  assert_format("es", &friday, "time", "10:00");
  assert_format("es", &friday, "time-long", "10:00");
  assert_format("es-MX", &friday, "weekday", "viernes");
  /* Greek: the month in a date is genitive (Σεπτεμβρίου), alone it is
   * the nominative stand-alone form (Σεπτέμβριος). */
  assert_format("el", &friday, "date", "Παρασκευή 27 Σεπτεμβρίου 2024");
  assert_format("el", &friday, "month", "Σεπτέμβριος");
  assert_format("el", &friday, "weekday", "Παρασκευή");
  /* Arabic: Arabic month name and Arabic-Indic digits. */
  char *ar = dp_datefmt_format("ar", &friday, "date");
  g_assert_nonnull(ar);
  g_assert_nonnull(strstr(ar, "سبتمبر"));
  g_assert_nonnull(strstr(ar, "الجمعة"));
  g_assert_nonnull(strstr(ar, "٢٧"));
  g_assert_nonnull(strstr(ar, "٢٠٢٤"));
  g_free(ar);
  /* Italian: "alle ore" before the time. */
  assert_format("it", &friday, "datetime",
                "venerdì 27 settembre 2024 alle ore 10:00");
}

/* A language ICU knows nothing of, and a tag it cannot read, are English
 * with the en table, never ICU's default locale. */
static void test_unknown_languages(void) {
  assert_format("tlh", &friday, "date", "Friday 27 September 2024");
  assert_format("xx-YY", &friday, "datetime", "Friday 27 September 2024, 10:00");
  assert_format("not a tag!", &friday, "date", "Friday 27 September 2024");
  assert_format(NULL, &friday, "time", "10:00");
  assert_format("", &friday, "date-short", "27 September 2024");
}

static void test_table_lang(void) {
  g_assert_cmpstr(dp_datefmt_get_table_lang("en"), ==, "en");
  g_assert_cmpstr(dp_datefmt_get_table_lang("en-US"), ==, "en");
  g_assert_cmpstr(dp_datefmt_get_table_lang("nb"), ==, "nb");
  g_assert_cmpstr(dp_datefmt_get_table_lang("NB-no"), ==, "nb");
  g_assert_cmpstr(dp_datefmt_get_table_lang("no"), ==, "nb");
  g_assert_cmpstr(dp_datefmt_get_table_lang("nn"), ==, "nn");
  g_assert_cmpstr(dp_datefmt_get_table_lang("de"), ==, "de");
  g_assert_cmpstr(dp_datefmt_get_table_lang("sv-FI"), ==, "sv");
  g_assert_cmpstr(dp_datefmt_get_table_lang("FR-ca"), ==, "fr");
  g_assert_cmpstr(dp_datefmt_get_table_lang("is"), ==, "is");
  g_assert_cmpstr(dp_datefmt_get_table_lang("es"), ==, NULL);
  g_assert_cmpstr(dp_datefmt_get_table_lang("ar"), ==, "ar");
  g_assert_cmpstr(dp_datefmt_get_table_lang("he-IL"), ==, "he");
  g_assert_cmpstr(dp_datefmt_get_table_lang("fa"), ==, NULL);
  g_assert_cmpstr(dp_datefmt_get_table_lang("el"), ==, NULL);
  g_assert_cmpstr(dp_datefmt_get_table_lang("tlh"), ==, "en");
  g_assert_cmpstr(dp_datefmt_get_table_lang(NULL), ==, "en");
  g_assert_true(dp_datefmt_is_named("date-short"));
  g_assert_true(dp_datefmt_is_named("time-long"));
  g_assert_true(dp_datefmt_is_named("weekday"));
  g_assert_false(dp_datefmt_is_named("d MMM y"));
}

static void test_explicit_patterns(void) {
  dp_datefmt_patterns table = {.date = "d/M", .date_short = "'short' d"};
  char *s = dp_datefmt_format_with("en", &table, &friday, "date");
  g_assert_cmpstr(s, ==, "27/9");
  g_free(s);
  s = dp_datefmt_format_with("en", &table, &friday, "date-short");
  g_assert_cmpstr(s, ==, "short 27");
  g_free(s);
  /* A NULL pattern falls back to ICU's best pattern (en is US style). */
  s = dp_datefmt_format_with("en", &table, &friday, "time");
  g_assert_cmpstr(s, ==, "10:00");
  g_free(s);
  s = dp_datefmt_format_with("en", NULL, &friday, "date");
  g_assert_cmpstr(s, ==, "Friday, September 27, 2024");
  g_free(s);
  s = dp_datefmt_format_with("nb", NULL, &friday, "d. MMM y");
  g_assert_cmpstr(s, ==, "27. sep. 2024");
  g_free(s);
  g_assert_null(dp_datefmt_format_with("en", NULL, NULL, "date"));
  g_assert_null(dp_datefmt_format_with("en", NULL, &friday, ""));
}

/* More patterns than are kept for the process: each still right (past
 * the limit the formatter is made and freed for the call; ASan and
 * valgrind watch that it is). */
static void test_many_patterns(void) {
  for (int i = 0; i < 200; i++) {
    char *pattern = g_strdup_printf("d MMMM '#%d'", i);
    char *expected = g_strdup_printf("27 September #%d", i);
    char *s = dp_datefmt_format_with("en", NULL, &friday, pattern);
    g_assert_cmpstr(s, ==, expected);
    g_free(s);
    /* Again: kept or not, the same. */
    s = dp_datefmt_format_with("en", NULL, &friday, pattern);
    g_assert_cmpstr(s, ==, expected);
    g_free(s);
    g_free(expected);
    g_free(pattern);
  }
  /* A refused pattern past the limit is refused all the same. */
  char *message = NULL;
  g_assert_false(dp_datefmt_check_pattern("d 'unclosed", &message));
  g_free(message);
}

static void test_check_pattern(void) {
  char *message = NULL;
  g_assert_true(dp_datefmt_check_pattern("d MMM y", &message));
  g_assert_true(dp_datefmt_check_pattern("EEEE d. MMMM y 'kl.' HH.mm",
                                         &message));
  g_assert_true(dp_datefmt_check_pattern("'o''clock' H", &message));
  g_assert_null(message);
  g_assert_false(dp_datefmt_check_pattern("d MMM t", &message));
  g_assert_cmpstr(message, ==, "'t' is not a date pattern letter");
  g_free(message);
  g_assert_false(dp_datefmt_check_pattern("d 'kl", &message));
  g_assert_cmpstr(message, ==, "unclosed quote in date pattern");
  g_free(message);
}

/* The same texts whatever the C locale and ICU's default locale are. */
static void check_independent(void) {
  assert_format("en", &friday, "date", "Friday 27 September 2024");
  assert_format("nb", &friday, "datetime",
                "fredag 27. september 2024 kl. 10.00");
  assert_format("nn", &friday, "time", "10.00");
  assert_format("de", &friday, "date", "Freitag, 27. September 2024");
  assert_format("tlh", &friday, "date", "Friday 27 September 2024");
}

static void test_process_locale(void) {
  const char *locales[] = {"C", "C.UTF-8", "POSIX", "nb_NO.UTF-8",
                           "de_DE.UTF-8"};
  for (size_t i = 0; i < G_N_ELEMENTS(locales); i++) {
    if (!setlocale(LC_ALL, locales[i])) continue; /* not installed here */
    check_independent();
  }
  setlocale(LC_ALL, "C.UTF-8");
  /* ICU's default locale is what it falls back to for locales it lacks;
   * make it something conspicuous. */
  char saved[ULOC_FULLNAME_CAPACITY];
  g_strlcpy(saved, uloc_getDefault(), sizeof saved);
  UErrorCode status = U_ZERO_ERROR;
  uloc_setDefault("ar_EG", &status);
  g_assert_true(U_SUCCESS(status));
  check_independent();
  uloc_setDefault(saved, &status);
  setlocale(LC_ALL, "C");
}

static gpointer format_many(gpointer data) {
  (void)data;
  for (int i = 0; i < 20; i++) {
    char *a = dp_datefmt_format("nb", &friday, "datetime");
    char *b = dp_datefmt_format("el", &friday, "date");
    bool ok = g_strcmp0(a, "fredag 27. september 2024 kl. 10.00") == 0 &&
              g_strcmp0(b, "Παρασκευή 27 Σεπτεμβρίου 2024") == 0;
    g_free(a);
    g_free(b);
    if (!ok) return GINT_TO_POINTER(0);
  }
  return GINT_TO_POINTER(1);
}

static void test_threads(void) {
  GThread *threads[4];
  for (size_t i = 0; i < G_N_ELEMENTS(threads); i++)
    threads[i] = g_thread_new("datefmt", format_many, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(threads); i++)
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(threads[i])), ==, 1);
}

int main(int argc, char **argv) {
  setlocale(LC_ALL, "C");
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/datefmt/english", test_english);
  g_test_add_func("/datefmt/bokmal", test_bokmal);
  g_test_add_func("/datefmt/nynorsk", test_nynorsk);
  g_test_add_func("/datefmt/date-without-time", test_date_without_time);
  g_test_add_func("/datefmt/table-languages", test_table_languages);
  g_test_add_func("/datefmt/icu-languages", test_icu_languages);
  g_test_add_func("/datefmt/unknown-languages", test_unknown_languages);
  g_test_add_func("/datefmt/table-lang", test_table_lang);
  g_test_add_func("/datefmt/explicit-patterns", test_explicit_patterns);
  g_test_add_func("/datefmt/check-pattern", test_check_pattern);
  g_test_add_func("/datefmt/many-patterns", test_many_patterns);
  g_test_add_func("/datefmt/process-locale", test_process_locale);
  g_test_add_func("/datefmt/threads", test_threads);
  return g_test_run();
}
