/* hyphenate: where words may be hyphenated, from libhyphen's pattern files.
 *
 * A dp_hyphen caches the dictionaries of a folder (by default
 * /usr/share/hyphen, DP_HYPHEN_DIR),
 * each loaded on first use and kept until dp_hyphen_free().  A BCP 47 tag
 * picks the dictionary: nb, no and nn the Norwegian ones; en and en-* the
 * US English one (en-GB the British one when installed); any other tag
 * hyph_ll_CC.dic, hyph_ll.dic or the first hyph_ll_*.dic for its primary
 * subtag ll, if one is installed; otherwise libvoikko's dictionary of the
 * language, where it has one (Finnish); otherwise no hyphenation.
 *
 * Used by text.c only; one dp_hyphen per thread.
 */
#ifndef DP_HYPHENATE_H
#define DP_HYPHENATE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dp_hyphen dp_hyphen;

/* (transfer full) An empty cache of the dictionaries in `dir` (NULL:
 * DP_HYPHEN_DIR), parsed ones kept in `cache_dir` (NULL: the user's
 * cache folder, hyphen-cache.h); nothing is read until first use. */
dp_hyphen *dp_hyphen_new(const char *dir, const char *cache_dir);
void dp_hyphen_free(dp_hyphen *hyphen);

/* (transfer none) The dictionaries' folder. */
const char *dp_hyphen_get_dir(const dp_hyphen *hyphen);

/* Whether words in `lang` are hyphenated: it has patterns, or libvoikko
 * a dictionary of it (which this opens). */
bool dp_hyphen_has_language(dp_hyphen *hyphen, const char *lang);

/* Starts loading `lang`'s dictionary in a thread of its own (some
 * 5-20 ms of parsing patterns), for the first dp_hyphen_find_points() in
 * that language to find it (it waits for the thread).  Does nothing when
 * there is no dictionary or it is loaded or loading. */
void dp_hyphen_prefetch(dp_hyphen *hyphen, const char *lang);

/* (transfer full) The path of the dictionary `lang` uses in `dir` (NULL:
 * DP_HYPHEN_DIR), or NULL when there is none.  Free with g_free(). */
char *dp_hyphen_find_dictionary(const char *dir, const char *lang);

/* Finds the hyphenation points of the words of `text` (`length` bytes of
 * valid UTF-8) in language `lang`: byte offsets, ascending, of the
 * characters before which a soft hyphen may go, leaving at least `left`
 * characters of a word before the point and `right` after it (or the
 * dictionary's LEFTHYPHENMIN and RIGHTHYPHENMIN, if more).  Words of fewer than
 * DP_HYPHEN_MIN_CHARS characters, with digits, in capitals only, already
 * holding a soft hyphen, joined to another by a hyphen ("co-production"
 * breaks at its hyphen only), in a URL or e-mail address, or overlapping
 * a range of `skip` (`skip_count` pairs of byte offsets [start, end))
 * are left alone.  Returns the number
 * of points and sets `*points` (free with g_free(); NULL when 0). */
size_t dp_hyphen_find_points(dp_hyphen *hyphen, const char *lang, int left,
                             int right, const char *text, size_t length,
                             const unsigned *skip, size_t skip_count,
                             size_t **points);

/* Shorter words are never hyphenated. */
#define DP_HYPHEN_MIN_CHARS 5

#endif
