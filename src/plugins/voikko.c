/* The "voikko" plugin: hyphenation through libvoikko (see plugin.h).
 *
 * libvoikko hyphenates by its morphology, not by patterns: it knows the
 * parts of Finnish compounds, which patterns guess.  Its answer has a
 * character for each of the word's: '-' a hyphen may go before it, '='
 * the character itself becomes the hyphen (the apostrophe of "vaa'an"),
 * which a soft hyphen cannot show, so only '-' is kept. */
#include <glib.h>
#include <libvoikko/voikko.h>
#include <string.h>

#include "plugin.h"

static void *open_hyphenator(const char *lang) {
  const char *error = NULL;
  struct VoikkoHandle *handle = voikkoInit(&error, lang, NULL);
  if (!handle) return NULL;
  /* Only words it knows: a word it does not is as often a foreign one
   * in Finnish text ("some-thing" would become "so-met-hing") as a new
   * compound.  Of any length: the fewest letters on each side of a
   * hyphen are the typesetter's (hyphen-min). */
  voikkoSetBooleanOption(handle, VOIKKO_OPT_HYPHENATE_UNKNOWN_WORDS, 0);
  voikkoSetIntegerOption(handle, VOIKKO_MIN_HYPHENATED_WORD_LENGTH, 2);
  return handle;
}

static char *hyphenate(void *hyphenator, const char *word) {
  char *marks = voikkoHyphenateCstr(hyphenator, word);
  if (!marks) return NULL;
  char *out = g_strdup(marks);
  voikkoFreeCstr(marks);
  for (char *p = out; *p; p++)
    if (*p != '-') *p = ' ';
  return out;
}

static void close_hyphenator(void *hyphenator) {
  if (hyphenator) voikkoTerminate(hyphenator);
}

static const dp_voikko_api api = {DP_PLUGIN_VERSION, open_hyphenator,
                                  hyphenate, close_hyphenator};

const void *dp_plugin_entry(void);
const void *dp_plugin_entry(void) { return &api; }
