/* datefmt: see datefmt.h. */
#include "datefmt.h"

#include <glib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "paths.h"
#include "yaml-tree.h"

/* The skeletons for languages without a label table. */
#define SKELETON_DATE "EEEEdMMMMy"
#define SKELETON_TIME "Hm"
#define SKELETON_DATETIME "EEEEdMMMMyHm"
#define SKELETON_DATE_SHORT "dMMMMy"

/* The pattern letters ICU's SimpleDateFormat knows (ICU 72,
 * DateFormatSymbols::getPatternUChars). */
static const char pattern_letters[] = "GyMdkHmsSEDFwWahKzYeugAZvcLQqVUOXxrbB";

/* Letters that show a time of day. */
static const char time_letters[] = "HhKkmsSaBb";

static const UChar gmt_zone[] = {'G', 'M', 'T', 0};

/* ----------------------------------------------------------------------
 * Languages and locales
 */

/* Length of the primary subtag of a BCP 47 tag ("nb" in "nb-NO"). */
static size_t primary_length(const char *lang) {
  size_t n = 0;
  while (lang[n] && lang[n] != '-' && lang[n] != '_') n++;
  return n;
}

static bool primary_is(const char *lang, const char *subtag) {
  size_t n = primary_length(lang);
  return n == strlen(subtag) && g_ascii_strncasecmp(lang, subtag, n) == 0;
}

static bool resolve_locale(const char *lang, char *out, size_t capacity);

/* Primary subtags (lower case, interned) -> whether data/labels has a
 * table for them, looked up once a process. */
static GMutex tables_lock;
static GHashTable *tables;

/* (transfer none) The interned primary subtag when data/labels has a
 * table for it, else NULL. */
static const char *table_for(const char *dir, const char *lang) {
  size_t n = primary_length(lang);
  if (n == 0 || n > 8) return NULL;
  for (size_t i = 0; i < n; i++)
    if (!g_ascii_isalpha(lang[i])) return NULL;
  char *primary = g_ascii_strdown(lang, (gssize)n);
  const char *name = g_intern_string(primary);
  g_free(primary);
  /* Known per folder: "DIR\nNAME" (the default folder's as "\nNAME"). */
  char *known_key = g_strconcat(dir ? dir : "", "\n", name, NULL);
  const char *key = g_intern_string(known_key);
  g_free(known_key);
  g_mutex_lock(&tables_lock);
  if (!tables) tables = g_hash_table_new(g_str_hash, g_str_equal);
  gpointer known = NULL;
  bool found;
  if (g_hash_table_lookup_extended(tables, key, NULL, &known)) {
    found = known != NULL;
  } else {
    char *file = g_strconcat(name, ".yaml", NULL);
    char *path = dir ? g_build_filename(dir, file, NULL)
                     : dp_paths_build("data", "labels", file, NULL);
    found = g_file_test(path, G_FILE_TEST_IS_REGULAR);
    g_hash_table_insert(tables, (gpointer)key, found ? (gpointer)name : NULL);
    g_free(path);
    g_free(file);
  }
  g_mutex_unlock(&tables_lock);
  return found ? name : NULL;
}

const char *dp_datefmt_get_table_lang(const char *lang) {
  return dp_datefmt_get_table_lang_in(NULL, lang);
}

const char *dp_datefmt_get_table_lang_in(const char *dir, const char *lang) {
  if (!lang) return "en";
  if (primary_is(lang, "no")) return "nb";
  const char *table = table_for(dir, lang);
  if (table) return table;
  char locale[ULOC_FULLNAME_CAPACITY];
  return resolve_locale(lang, locale, sizeof locale) ? NULL : "en";
}

/* True if ICU holds locale data for the language of `locale` (an ICU
 * locale ID).  Without data ICU would fall back to its default locale,
 * which comes from the environment. */
static bool has_locale_data(const char *locale) {
  char language[ULOC_LANG_CAPACITY];
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = uloc_getLanguage(locale, language, sizeof language, &status);
  if (U_FAILURE(status) || n <= 0) return false;
  int32_t count = uloc_countAvailable();
  for (int32_t i = 0; i < count; i++) {
    const char *available = uloc_getAvailable(i);
    if (strncmp(available, language, (size_t)n) == 0 &&
        (available[n] == '\0' || available[n] == '_'))
      return true;
  }
  return false;
}

/* The ICU locale for a BCP 47 tag: `no` is nb, and a tag ICU cannot read
 * or has no data for is English (then returns false). */
static bool resolve_locale(const char *lang, char *out, size_t capacity) {
  g_strlcpy(out, "en", capacity);
  if (!lang || !*lang) return false;
  char *tag = primary_is(lang, "no")
                  ? g_strconcat("nb", lang + primary_length(lang), NULL)
                  : g_strdup(lang);
  for (char *p = tag; *p; p++)
    if (*p == '_') *p = '-';
  char locale[ULOC_FULLNAME_CAPACITY];
  UErrorCode status = U_ZERO_ERROR;
  int32_t parsed = 0;
  bool found = true;
  int32_t n = uloc_forLanguageTag(tag, locale, sizeof locale, &parsed, &status);
  if (U_SUCCESS(status) && status != U_STRING_NOT_TERMINATED_WARNING &&
      n > 0 && parsed == (int32_t)strlen(tag) && has_locale_data(locale))
    g_strlcpy(out, locale, capacity);
  else
    found = false;
  g_free(tag);
  return found;
}

/* ----------------------------------------------------------------------
 * Patterns
 */

/* Calls `visit` on every unquoted character of an ICU pattern.  Returns
 * false for an unclosed quote. */
static bool scan_pattern(const char *pattern,
                         bool (*visit)(char c, void *user), void *user) {
  bool quoted = false;
  for (const char *p = pattern; *p; p++) {
    if (*p == '\'') {
      if (p[1] == '\'') {
        p++; /* '' is a literal quote, inside or outside quotes */
        continue;
      }
      quoted = !quoted;
      continue;
    }
    if (!quoted && !visit(*p, user)) return true;
  }
  return !quoted;
}

static bool find_time_letter(char c, void *user) {
  if (c && strchr(time_letters, c)) {
    *(bool *)user = true;
    return false;
  }
  return true;
}

static bool pattern_uses_time(const char *pattern) {
  bool found = false;
  scan_pattern(pattern, find_time_letter, &found);
  return found;
}

static bool find_bad_letter(char c, void *user) {
  if (g_ascii_isalpha(c) && !strchr(pattern_letters, c)) {
    *(char *)user = c;
    return false;
  }
  return true;
}

bool dp_datefmt_is_named(const char *what) {
  static const char *const named[] = {
      "date", "time", "time-long", "datetime", "date-short",
      "weekday", "day", "month", "year", NULL};
  for (const char *const *n = named; *n; n++)
    if (strcmp(what, *n) == 0) return true;
  return false;
}

/* ----------------------------------------------------------------------
 * ICU calls
 */

/* ----------------------------------------------------------------------
 * ICU's objects, made once a process
 *
 * Opening a pattern generator reads a locale's whole calendar data, and
 * opening a formatter parses its pattern: together some 100,000
 * instructions a date, and an announcement has a dozen.  The best pattern
 * for each (locale, skeleton), and a formatter and calendar for each
 * (locale, pattern), are kept for the life of the process, up to
 * MAX_KEPT_FORMATTERS of each (the label tables' and layouts' patterns
 * in a few languages; past that they are made and freed each time, for
 * a process that formats many patterns).  ICU's formatters may
 * not be used from two threads at once, so `icu_lock` is held while one
 * formats.
 */

static GMutex icu_lock;
/* Kept for the process: the few patterns of the label tables and
 * layouts in a few languages; more are made and freed each time. */
#define MAX_KEPT_FORMATTERS 64
static GHashTable *best_patterns; /* "locale\nskeleton" -> pattern, "" none */
static GHashTable *formatters;    /* "locale\npattern" -> formatter */

typedef struct formatter {
  UDateFormat *fmt;   /* NULL when ICU refused the pattern */
  UCalendar *cal;
  UErrorCode status;  /* why it was refused */
} formatter;

static char *best_pattern_uncached(const char *locale, const char *skeleton);

/* (transfer full) ICU's best pattern for `skeleton` in `locale`, as
 * UTF-8, or NULL. */
static char *best_pattern(const char *locale, const char *skeleton) {
  char *key = g_strconcat(locale, "\n", skeleton, NULL);
  g_mutex_lock(&icu_lock);
  if (!best_patterns)
    best_patterns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  const char *known = g_hash_table_lookup(best_patterns, key);
  char *result;
  if (known) {
    result = *known ? g_strdup(known) : NULL;
  } else {
    result = best_pattern_uncached(locale, skeleton);
    if (g_hash_table_size(best_patterns) < MAX_KEPT_FORMATTERS) {
      g_hash_table_insert(best_patterns, key,
                          g_strdup(result ? result : ""));
      key = NULL;
    }
  }
  g_mutex_unlock(&icu_lock);
  g_free(key);
  return result;
}

static char *best_pattern_uncached(const char *locale, const char *skeleton) {
  UErrorCode status = U_ZERO_ERROR;
  UDateTimePatternGenerator *gen = udatpg_open(locale, &status);
  if (U_FAILURE(status)) return NULL;
  UChar skel[32];
  int32_t skel_length = 0;
  u_strFromUTF8(skel, G_N_ELEMENTS(skel), &skel_length, skeleton, -1,
                &status);
  UChar buf[256];
  int32_t n = 0;
  if (U_SUCCESS(status))
    n = udatpg_getBestPattern(gen, skel, skel_length, buf, G_N_ELEMENTS(buf),
                              &status);
  udatpg_close(gen);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING)
    return NULL;
  char *out = g_malloc((size_t)n * 3 + 1);
  int32_t out_length = 0;
  u_strToUTF8(out, n * 3 + 1, &out_length, buf, n, &status);
  if (U_FAILURE(status)) {
    g_free(out);
    return NULL;
  }
  return out;
}

/* A formatter and calendar for `pattern` in `locale`; `icu_lock` held. */
static formatter *formatter_for(const char *locale, const char *pattern,
                                bool *kept) {
  char *key = g_strconcat(locale, "\n", pattern, NULL);
  if (!formatters)
    formatters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  formatter *f = g_hash_table_lookup(formatters, key);
  if (f) {
    g_free(key);
    *kept = true;
    return f;
  }
  f = g_new0(formatter, 1);
  UErrorCode status = U_ZERO_ERROR;
  int32_t pat_length = 0;
  UChar *pat = NULL;
  u_strFromUTF8(NULL, 0, &pat_length, pattern, -1, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(status)) {
    status = U_ZERO_ERROR;
    pat = g_new(UChar, (size_t)pat_length + 1);
    u_strFromUTF8(pat, pat_length + 1, NULL, pattern, -1, &status);
  }
  /* The calendar reads the fields as a Gregorian wall time in GMT, and
   * the formatter shows them in GMT: no conversion happens. */
  if (U_SUCCESS(status))
    f->cal = ucal_open(gmt_zone, -1, "en", UCAL_GREGORIAN, &status);
  if (U_SUCCESS(status))
    f->fmt = udat_open(UDAT_PATTERN, UDAT_PATTERN, locale, gmt_zone, -1, pat,
                       pat_length, &status);
  if (U_FAILURE(status) && f->fmt) {
    udat_close(f->fmt);
    f->fmt = NULL;
  }
  f->status = status;
  g_free(pat);
  /* Patterns can come from layouts, any number of them: past
   * MAX_KEPT_FORMATTERS (a formatter is some 60 KB) the caller frees it. */
  *kept = g_hash_table_size(formatters) < MAX_KEPT_FORMATTERS;
  if (*kept) g_hash_table_insert(formatters, key, f);
  else g_free(key);
  return f;
}

static void formatter_free(formatter *f) {
  if (f->fmt) udat_close(f->fmt);
  if (f->cal) ucal_close(f->cal);
  g_free(f);
}

/* (transfer full) `dt` formatted with the ICU `pattern` in `locale`, or
 * NULL when ICU fails.  Sets `*status_out` to ICU's status when given. */
static char *format_pattern(const char *locale, const dp_datetime *dt,
                            const char *pattern, UErrorCode *status_out) {
  UErrorCode status = U_ZERO_ERROR;
  char *result = NULL;
  UChar *buf = NULL;
  g_mutex_lock(&icu_lock);
  bool kept = true;
  formatter *f = formatter_for(locale, pattern, &kept);
  if (!f->fmt || !f->cal) {
    status = U_FAILURE(f->status) ? f->status : U_INTERNAL_PROGRAM_ERROR;
    goto done;
  }
  ucal_clear(f->cal);
  ucal_setDateTime(f->cal, dt->year, dt->month - 1, dt->day,
                   dt->has_time ? dt->hour : 0, dt->has_time ? dt->minute : 0,
                   0, &status);
  UDate when = ucal_getMillis(f->cal, &status);
  if (U_FAILURE(status)) goto done;
  int32_t n = udat_format(f->fmt, when, NULL, 0, NULL, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) goto done;
  status = U_ZERO_ERROR;
  buf = g_new(UChar, (size_t)n + 1);
  udat_format(f->fmt, when, buf, n + 1, NULL, &status);
  if (U_FAILURE(status)) goto done;

  int32_t out_length = 0;
  u_strToUTF8(NULL, 0, &out_length, buf, n, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) goto done;
  status = U_ZERO_ERROR;
  result = g_malloc((size_t)out_length + 1);
  u_strToUTF8(result, out_length + 1, NULL, buf, n, &status);
  if (U_FAILURE(status)) g_clear_pointer(&result, g_free);

done:
  if (!kept) formatter_free(f);
  g_mutex_unlock(&icu_lock);
  if (status_out) *status_out = status;
  g_free(buf);
  return result;
}

/* ----------------------------------------------------------------------
 * Public entry points
 */

char *dp_datefmt_format_with(const char *lang,
                             const dp_datefmt_patterns *patterns,
                             const dp_datetime *dt, const char *what) {
  if (!dt || !what || !*what) return NULL;
  char locale[ULOC_FULLNAME_CAPACITY];
  resolve_locale(lang, locale, sizeof locale);

  const dp_datefmt_patterns none = {NULL, NULL, NULL, NULL, NULL};
  if (!patterns) patterns = &none;
  const char *pattern = NULL;  /* from the table or the caller */
  const char *skeleton = NULL; /* when there is no pattern */

  if (strcmp(what, "datetime") == 0 && !dt->has_time) what = "date";
  if (strcmp(what, "date") == 0) {
    pattern = patterns->date;
    skeleton = SKELETON_DATE;
  } else if (strcmp(what, "time") == 0) {
    if (!dt->has_time) return NULL;
    pattern = patterns->time;
    skeleton = SKELETON_TIME;
  } else if (strcmp(what, "time-long") == 0) {
    if (!dt->has_time) return NULL;
    pattern = patterns->time_long;
    skeleton = SKELETON_TIME;
  } else if (strcmp(what, "datetime") == 0) {
    pattern = patterns->datetime;
    skeleton = SKELETON_DATETIME;
  } else if (strcmp(what, "date-short") == 0) {
    pattern = patterns->date_short;
    skeleton = SKELETON_DATE_SHORT;
  } else if (strcmp(what, "weekday") == 0) {
    pattern = "cccc"; /* stand-alone forms: the word is shown alone */
  } else if (strcmp(what, "day") == 0) {
    pattern = "d";
  } else if (strcmp(what, "month") == 0) {
    pattern = "LLLL";
  } else if (strcmp(what, "year") == 0) {
    pattern = "y";
  } else {
    if (!dt->has_time && pattern_uses_time(what)) return NULL;
    pattern = what;
  }

  if (pattern && *pattern) return format_pattern(locale, dt, pattern, NULL);
  char *best = best_pattern(locale, skeleton);
  if (!best) return NULL;
  char *result = format_pattern(locale, dt, best, NULL);
  g_free(best);
  return result;
}

/* (transfer full) The text of a scalar `key` in a label table, or NULL. */
static char *table_text(const dp_ynode *root, const char *key) {
  const dp_ynode *node = dp_ynode_map_get(root, key);
  if (!node || node->kind != DP_YNODE_SCALAR) return NULL;
  return g_strstrip(g_strdup(node->text));
}

char *dp_datefmt_format(const char *lang, const dp_datetime *dt,
                        const char *what) {
  const char *table = dp_datefmt_get_table_lang(lang);
  if (!table || !what || !dp_datefmt_is_named(what))
    return dp_datefmt_format_with(lang, NULL, dt, what);

  /* A private, silent sink: problems in the table are reported when the
   * document's dp_labels loads it; here they only mean ICU's patterns. */
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  char *file = g_strconcat(table, ".yaml", NULL);
  char *path = dp_paths_build("data", "labels", file, NULL);
  dp_ytree *tree = dp_ytree_load_file(diag, path);
  const dp_ynode *root = tree ? dp_ytree_get_root(tree) : NULL;
  char *date = NULL, *time = NULL, *time_long = NULL, *datetime = NULL,
       *date_short = NULL;
  if (root && root->kind == DP_YNODE_MAP) {
    date = table_text(root, DP_DATEFMT_KEY_DATE);
    time = table_text(root, DP_DATEFMT_KEY_TIME);
    time_long = table_text(root, DP_DATEFMT_KEY_TIME_LONG);
    datetime = table_text(root, DP_DATEFMT_KEY_DATETIME);
    date_short = table_text(root, DP_DATEFMT_KEY_DATE_SHORT);
  }
  dp_datefmt_patterns patterns = {date, time, time_long, datetime,
                                  date_short};
  char *result = dp_datefmt_format_with(lang, &patterns, dt, what);
  g_free(date);
  g_free(time);
  g_free(time_long);
  g_free(datetime);
  g_free(date_short);
  dp_ytree_free(tree);
  dp_diag_free(diag);
  g_free(path);
  g_free(file);
  return result;
}

bool dp_datefmt_check_pattern(const char *pattern, char **message) {
  char bad = 0;
  if (!scan_pattern(pattern, find_bad_letter, &bad)) {
    *message = g_strdup("unclosed quote in date pattern");
    return false;
  }
  if (bad) {
    *message = g_strdup_printf("'%c' is not a date pattern letter", bad);
    return false;
  }
  const dp_datetime sample = {2024, 9, 27, 10, 0, true};
  UErrorCode status = U_ZERO_ERROR;
  char *text = format_pattern("en", &sample, pattern, &status);
  if (!text) {
    *message = g_strdup_printf("ICU refuses the date pattern (%s)",
                               u_errorName(status));
    return false;
  }
  g_free(text);
  return true;
}
