/* hyphen-cache: libhyphen dictionaries, parsed once per machine.
 *
 * libhyphen builds its pattern automaton from a .dic file every time it
 * loads one: some 40 million instructions for US English, more than
 * setting a whole poster.  The automaton it builds (HyphenDict, a public
 * struct) is written, the first time, to a cache file under the user's
 * cache folder ($XDG_CACHE_HOME/disputas/hyphen, else ~/.cache/...);
 * later loads read it back in a tenth of the time.
 *
 * A cache file is named after the dictionary's path, size, modification
 * time and inode, so an updated dictionary never meets an old cache, and
 * carries a CRC-32 of its contents.  It is checked in full before use:
 * every state and transition index in range, every string terminated,
 * no pattern longer than the automaton state that applies it, no empty
 * no-hyphen string and no replacement (libhyphen trusts all of these
 * when it hyphenates).  A cache that fails any check,
 * or cannot be read or written, is passed over: the dictionary is then
 * parsed from its .dic file as libhyphen always does.
 *
 * Thread-safe; used by hyphenate.c only.
 */
#ifndef DP_HYPHEN_CACHE_H
#define DP_HYPHEN_CACHE_H

#include <hyphen.h>
#include <stdbool.h>

/* (transfer full) The dictionary in `path` (a .dic file): from its cache
 * when one is valid, else parsed by libhyphen and then cached.  NULL when
 * libhyphen cannot load it.  Free with dp_hyphen_cache_free() (a cached
 * one lives in one block of memory, not libhyphen's thousands). */
HyphenDict *dp_hyphen_cache_load(const char *path);

/* The same, with the cache in `dir` instead of the user's (tests); NULL
 * `dir` means no cache at all.  *from_cache (may be NULL) tells whether
 * the cache was used. */
HyphenDict *dp_hyphen_cache_load_in(const char *path, const char *dir,
                                    bool *from_cache);

/* Frees a dictionary of dp_hyphen_cache_load*(), however it was made. */
void dp_hyphen_cache_free(HyphenDict *dict);

#endif
