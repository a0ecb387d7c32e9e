/* datefmt: local dates and times as words, in the document's language.
 *
 * Formatting goes through ICU's C API with an explicit locale made from
 * the BCP 47 tag, never the process locale: the same document gives the
 * same text under any LANG or LC_ALL.  The date-time is a local wall time
 * (no zone conversion happens: ICU is told the zone is GMT).
 *
 * Where the patterns come from:
 *  - a language with a label table, data/labels/LANG.yaml (en, nb, nn,
 *    sv, da, fi, is, de, nl, fr; `no` means nb), takes them from its keys
 *    `date-format`, `time-format`, `time-long-format`, `datetime-format`
 *    and `date-short-format`, ICU patterns, so a designer can change them
 *    without touching C;
 *  - any other language gets ICU's localized best pattern for the
 *    skeletons "EEEEdMMMMy" (date), "Hm" (time and time-long),
 *    "EEEEdMMMMyHm" (datetime) and "dMMMMy" (date-short);
 *  - a language ICU has no data for (or a tag it cannot read) is
 *    formatted as English with the en table, rather than in whatever
 *    ICU's default locale happens to be;
 *  - the calendar is the locale's default one (Gregorian almost
 *    everywhere; th shows Buddhist years, fa the Persian calendar).
 *
 * `what` is one of
 *   "date"        Friday 27 September 2024 / fredag 27. september 2024
 *   "time"        10:00 / 10.00
 *   "time-long"   10:00 / kl. 10.00 (the time as said on its own:
 *                 10:00 Uhr, klo 10.00)
 *   "datetime"    Friday 27 September 2024, 10:00
 *                 / fredag 27. september 2024 kl. 10.00
 *   "date-short"  27 September 2024 / 27. september 2024
 *   "weekday", "day", "month", "year"   one field (stand-alone forms)
 * or else an explicit ICU pattern ("d MMM y").
 *
 * A date without a time: "time" gives NULL, "datetime" gives the date,
 * and an explicit pattern that shows hours or minutes gives NULL.
 *
 * Nothing is cached: ICU objects live for one call, so every function is
 * safe to call from any thread.
 */
#ifndef DP_DATEFMT_H
#define DP_DATEFMT_H

#include <stdbool.h>

#include "document.h"

/* The label keys that hold a table language's patterns. */
#define DP_DATEFMT_KEY_DATE "date-format"
#define DP_DATEFMT_KEY_TIME "time-format"
#define DP_DATEFMT_KEY_TIME_LONG "time-long-format"
#define DP_DATEFMT_KEY_DATETIME "datetime-format"
#define DP_DATEFMT_KEY_DATE_SHORT "date-short-format"

/* Patterns for the four named formats; a NULL field falls back to ICU's
 * best pattern for the language. */
typedef struct dp_datefmt_patterns {
  const char *date;
  const char *time;
  const char *time_long;
  const char *datetime;
  const char *date_short;
} dp_datefmt_patterns;

/* (transfer full) `dt` formatted as `what` in `lang`, or NULL when there
 * is nothing to show (a time that is not known) or ICU fails.  For en, nb
 * and nn this reads the built-in label table on every call; code that
 * holds a dp_labels should use dp_datefmt_format_with() instead.  Free
 * with g_free(). */
char *dp_datefmt_format(const char *lang, const dp_datetime *dt,
                        const char *what);

/* The same with the named formats taken from `patterns` (NULL: ICU's best
 * patterns for every named format). */
char *dp_datefmt_format_with(const char *lang,
                             const dp_datefmt_patterns *patterns,
                             const dp_datetime *dt, const char *what);

/* (transfer none) The built-in label table whose patterns `lang` uses:
 * the language's own when data/labels has a file for its primary subtag
 * ("sv" for sv-FI; "nb" for no), "en" for languages ICU has no data for
 * (and NULL `lang`); NULL for every other language, whose dates follow
 * ICU's patterns (and whose labels are English).  Any BCP 47 tag; only
 * the language counts. */
const char *dp_datefmt_get_table_lang(const char *lang);

/* The same with the tables in the folder `dir` (NULL: data/labels of the
 * data folder).  Thread-safe. */
const char *dp_datefmt_get_table_lang_in(const char *dir, const char *lang);

/* True if `what` is one of the named formats above rather than a
 * pattern. */
bool dp_datefmt_is_named(const char *what);

/* Checks an explicit ICU pattern.  Returns false and sets `*message`
 * (free with g_free()) when ICU refuses it or it uses a letter that is
 * not a pattern field. */
bool dp_datefmt_check_pattern(const char *pattern, char **message);

#endif
