/* typography: the punctuation a language's readers expect, from
 * data/typography.yaml.
 *
 * Straight quotes become the language's quotation marks by their place
 * (opening after a space or bracket, closing after a word), an apostrophe
 * between letters U+2019, a hyphen between spaces the language's dash
 * (the space before it no longer breaks), a hyphen between two numbers an
 * en dash, three full stops an ellipsis; no-break spaces keep a day with
 * its month ("27 September", "23. oktober"), the groups of a number
 * ("637 6206 9036"), a number with its unit and an abbreviation ("Dr.",
 * "kl.") with the next word.  Only text.c calls it, on the text it sets:
 * the document's own text (calendar, metadata) is never changed.  The
 * table also holds how short a word's hyphenated pieces may be.
 */
#ifndef DP_TYPOGRAPHY_H
#define DP_TYPOGRAPHY_H

#include <stddef.h>

#include "diag.h"

typedef struct dp_typography dp_typography;

/* (transfer full) The table of data/typography.yaml in `datadir` (NULL:
 * the data folder, paths.h); without the file (or
 * with a broken one, reported to `diag`), the built-in defaults of
 * English.  A language the table has no entry for takes its `default`
 * with the quotation marks of ICU's locale data (CLDR), worked out when
 * first asked for and kept: a table is used by one thread at a time. */
dp_typography *dp_typography_new(dp_diag *diag, const char *datadir);
void dp_typography_free(dp_typography *typography);

/* A range of a text in a language of its own (a parallel title within
 * a line): byte offsets [start, end) and its BCP 47 tag. */
typedef struct dp_typography_lang {
  size_t start, end;
  const char *lang;
} dp_typography_lang;

/* (transfer full) `text` (`length` bytes of valid UTF-8) with the rules
 * of `rules` (DP_TYPO_* bits of style.h) applied for language `lang`,
 * and for the language of each of the `lang_count` ranges of `langs` in
 * that range (a later range over an earlier one), except inside URLs,
 * e-mail addresses and the ranges of `skip` (`skip_count` pairs of byte
 * offsets [start, end)); sets `*out_length`, and `*map` (free with
 * g_free()) to length + 1 new byte offsets, one for each old one. */
char *dp_typography_apply(dp_typography *typography, const char *lang,
                          unsigned rules, const char *text, size_t length,
                          const unsigned *skip, size_t skip_count,
                          const dp_typography_lang *langs, size_t lang_count,
                          size_t *out_length, size_t **map);

/* The fewest characters `lang`'s words keep before (`*left`) and after
 * (`*right`) a hyphenation point: the table's `hyphen-min`. */
void dp_typography_hyphen_min(dp_typography *typography,
                              const char *lang, int *left, int *right);

#endif
