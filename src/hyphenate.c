/* hyphenate: see hyphenate.h.
 *
 * libhyphen works on lowercase words in the dictionary's own charset (its
 * first line: "UTF-8" or, for the Norwegian files, "ISO8859-1") and returns
 * one digit per byte, odd where a hyphen may follow that byte.  So each
 * word is lowercased character by character (keeping a character count),
 * converted, hyphenated, and the byte positions are mapped back to the
 * UTF-8 offsets of the original text.  Non-standard hyphenation (the
 * dictionary asks to change letters, "buss-sjåfør") is skipped: a soft
 * hyphen cannot change letters.
 *
 * A language libhyphen has no patterns for is hyphenated by libvoikko,
 * through its module (plugin.h), where it has a dictionary of it.
 */
#include "hyphenate.h"

#include <glib.h>
#include <hyphen.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hyphen-cache.h"
#include "plugin.h"

/* libhyphen's own buffers are sized for words of up to MAX_CHARS (100)
 * bytes in places; longer "words" (hashes, chemical names) are left to
 * the line breaker. */
#define WORD_MAX_BYTES 96

struct dp_hyphen {
  char *dir;           /* the dictionaries' folder */
  char *cache_dir;     /* the parsed dictionaries' (hyphen-cache.h) */
  GHashTable *by_path; /* path → HyphenDict* (owned) */
  GHashTable *by_lang; /* normalised tag → path, "" when none */
  GHashTable *loading; /* path → GThread* returning its HyphenDict* */
  GHashTable *voikko;  /* primary subtag → libvoikko's hyphenator, NULL
                          where it has none */
  const dp_voikko_api *voikko_api;
};

/* The languages libvoikko has a dictionary of in Debian (voikko-fi):
 * only these load its module, where libhyphen has no patterns. */
static const char *const voikko_languages[] = {"fi", NULL};

dp_hyphen *dp_hyphen_new(const char *dir, const char *cache_dir) {
  dp_hyphen *h = g_new0(dp_hyphen, 1);
  h->dir = g_strdup(dir ? dir : DP_HYPHEN_DIR);
  h->cache_dir = cache_dir ? g_strdup(cache_dir)
                           : g_build_filename(g_get_user_cache_dir(),
                                              "disputas", "hyphen", NULL);
  h->by_path = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify)dp_hyphen_cache_free);
  h->by_lang = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  h->loading = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  h->voikko = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return h;
}

/* The dictionary a prefetch of `path` loaded (NULL if it could not),
 * once its thread has ended. */
static HyphenDict *join(dp_hyphen *h, const char *path) {
  GThread *thread = g_hash_table_lookup(h->loading, path);
  HyphenDict *dict = g_thread_join(thread);
  g_hash_table_remove(h->loading, path);
  return dict;
}

const char *dp_hyphen_get_dir(const dp_hyphen *h) { return h->dir; }

void dp_hyphen_free(dp_hyphen *h) {
  if (!h) return;
  GList *paths = g_hash_table_get_keys(h->loading);
  for (GList *p = paths; p; p = p->next) {
    char *path = g_strdup(p->data);
    HyphenDict *dict = join(h, path);
    if (dict) dp_hyphen_cache_free(dict);
    g_free(path);
  }
  g_list_free(paths);
  GHashTableIter iter;
  gpointer hyphenator;
  g_hash_table_iter_init(&iter, h->voikko);
  while (g_hash_table_iter_next(&iter, NULL, &hyphenator))
    if (hyphenator) h->voikko_api->close(hyphenator);
  g_hash_table_destroy(h->voikko);
  g_hash_table_destroy(h->loading);
  g_hash_table_destroy(h->by_path);
  g_hash_table_destroy(h->by_lang);
  g_free(h->dir);
  g_free(h->cache_dir);
  g_free(h);
}

/* `dir/hyph_NAME.dic` if it exists, else NULL. */
static char *try(const char *dir, const char *name) {
  char *file = g_strdup_printf("hyph_%s.dic", name);
  char *path = g_build_filename(dir, file, NULL);
  g_free(file);
  if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) return path;
  g_free(path);
  return NULL;
}

/* The first (in byte order) hyph_PRIMARY_*.dic, else NULL. */
static char *first_with_primary(const char *folder, const char *primary) {
  GDir *dir = g_dir_open(folder, 0, NULL);
  if (!dir) return NULL;
  char *prefix = g_strdup_printf("hyph_%s_", primary);
  char *best = NULL;
  const char *name;
  while ((name = g_dir_read_name(dir))) {
    if (g_str_has_prefix(name, prefix) && g_str_has_suffix(name, ".dic") &&
        (!best || strcmp(name, best) < 0)) {
      g_free(best);
      best = g_strdup(name);
    }
  }
  g_dir_close(dir);
  g_free(prefix);
  if (!best) return NULL;
  char *path = g_build_filename(folder, best, NULL);
  g_free(best);
  return path;
}

char *dp_hyphen_find_dictionary(const char *dir, const char *lang) {
  if (!dir) dir = DP_HYPHEN_DIR;
  if (!lang || !*lang) return NULL;
  /* "nb-NO", "nb_no", "sr-Latn-RS": primary subtag and a region (two
   * letters or three digits), skipping a script subtag. */
  char *tag = g_ascii_strdown(lang, -1);
  g_strdelimit(tag, "_", '-');
  char **parts = g_strsplit(tag, "-", 0);
  const char *primary = parts[0];
  const char *region = NULL;
  for (int i = 1; parts[i]; i++) {
    size_t n = strlen(parts[i]);
    if (n == 2 || (n == 3 && g_ascii_isdigit(parts[i][0]))) {
      region = parts[i];
      break;
    }
  }
  char *path = NULL;
  bool valid = *primary && strspn(primary, "abcdefghijklmnopqrstuvwxyz") ==
                                   strlen(primary);
  if (!valid) {
    path = NULL;
  } else if (!strcmp(primary, "nb") || !strcmp(primary, "no")) {
    if (!(path = try(dir, "nb_NO"))) path = try(dir, "nn_NO");
  } else if (!strcmp(primary, "nn")) {
    if (!(path = try(dir, "nn_NO"))) path = try(dir, "nb_NO");
  } else if (!strcmp(primary, "en")) {
    if (region && !strcmp(region, "gb")) path = try(dir, "en_GB");
    if (!path) path = try(dir, "en_US");
    if (!path) path = first_with_primary(dir, "en");
  } else {
    if (region) {
      char *upper = g_ascii_strup(region, -1);
      char *name = g_strdup_printf("%s_%s", primary, upper);
      path = try(dir, name);
      g_free(name);
      g_free(upper);
    }
    if (!path) path = try(dir, primary);
    if (!path) path = first_with_primary(dir, primary);
  }
  g_strfreev(parts);
  g_free(tag);
  return path;
}

/* The path of `lang`'s dictionary, "" when there is none. */
static const char *path_for(dp_hyphen *h, const char *lang) {
  const char *path = g_hash_table_lookup(h->by_lang, lang);
  if (!path) {
    char *found = dp_hyphen_find_dictionary(h->dir, lang);
    g_hash_table_insert(h->by_lang, g_strdup(lang),
                        found ? found : g_strdup(""));
    path = g_hash_table_lookup(h->by_lang, lang);
  }
  return path;
}

/* A dictionary to load in a thread: its path and cache folder. */
typedef struct load_job {
  char *path, *cache_dir;
} load_job;

static gpointer load_thread(gpointer data) {
  load_job *job = data;
  HyphenDict *dict = dp_hyphen_cache_load_in(job->path, job->cache_dir, NULL);
  g_free(job->path);
  g_free(job->cache_dir);
  g_free(job);
  return dict;
}

void dp_hyphen_prefetch(dp_hyphen *h, const char *lang) {
  if (!lang || !*lang) return;
  const char *path = path_for(h, lang);
  if (!*path || g_hash_table_contains(h->by_path, path) ||
      g_hash_table_contains(h->loading, path))
    return;
  /* libhyphen keeps no global state: a dictionary loads anywhere. */
  load_job *job = g_new(load_job, 1);
  *job = (load_job){g_strdup(path), g_strdup(h->cache_dir)};
  g_hash_table_insert(h->loading, g_strdup(path),
                      g_thread_new("dp-hyphen", load_thread, job));
}

/* The dictionary for `lang`, loaded on first use; NULL if none. */
static HyphenDict *get_dict(dp_hyphen *h, const char *lang) {
  const char *path = path_for(h, lang);
  if (!*path) return NULL;
  HyphenDict *dict;
  if (g_hash_table_lookup_extended(h->by_path, path, NULL, (void **)&dict))
    return dict;
  dict = g_hash_table_contains(h->loading, path) ? join(h, path)
                                                 : dp_hyphen_cache_load_in(
                                                       path, h->cache_dir,
                                                       NULL);
  /* A file that fails to load means no hyphenation for this tag from now
   * on (by_path never holds NULL). */
  if (dict) g_hash_table_insert(h->by_path, g_strdup(path), dict);
  else g_hash_table_insert(h->by_lang, g_strdup(lang), g_strdup(""));
  return dict;
}

/* libvoikko's hyphenator of `lang`, opened on first use; NULL where it
 * has no dictionary of it, or this disputas was built without it (the
 * language is then not hyphenated, as one without patterns). */
static void *get_voikko(dp_hyphen *h, const char *lang) {
  char *primary = g_ascii_strdown(lang, (gssize)strcspn(lang, "-_"));
  gpointer hyphenator = NULL;
  if (g_hash_table_lookup_extended(h->voikko, primary, NULL, &hyphenator)) {
    g_free(primary);
    return hyphenator;
  }
  if (g_strv_contains(voikko_languages, primary)) {
    char *error = NULL;
    const dp_voikko_api *api = dp_plugin_get("voikko", &error);
    g_free(error);
    if (api) {
      h->voikko_api = api;
      hyphenator = api->open(primary);
    }
  }
  g_hash_table_insert(h->voikko, primary, hyphenator);
  return hyphenator;
}

bool dp_hyphen_has_language(dp_hyphen *h, const char *lang) {
  if (!lang || !*lang) return false;
  return *path_for(h, lang) || get_voikko(h, lang);
}

static bool is_word_char(gunichar c) {
  if (g_unichar_isalnum(c)) return true;
  switch (g_unichar_type(c)) {
  case G_UNICODE_NON_SPACING_MARK:
  case G_UNICODE_SPACING_MARK:
  case G_UNICODE_ENCLOSING_MARK:
    return true;
  default:
    return c == 0x00AD;
  }
}

static void free_rep(char **rep, int *pos, int *cut, size_t n) {
  if (rep) {
    for (size_t i = 0; i < n; i++) free(rep[i]);
    free(rep);
  }
  free(pos);
  free(cut);
}

/* Appends to `out` the offsets (from `base`) before which word `word`
 * (`n` characters at byte offsets `offs[0..n]`) may be hyphenated. */
static void hyphenate_word(HyphenDict *dict, const char *word,
                             const size_t *offs, size_t n, size_t base,
                             int lhmin, int rhmin, GArray *out) {
  GString *lower = g_string_sized_new(offs[n] + 8);
  size_t *lower_end = g_new(size_t, n);
  for (size_t i = 0; i < n; i++) {
    gunichar c = g_utf8_get_char(word + offs[i]);
    g_string_append_unichar(lower, g_unichar_tolower(c));
    lower_end[i] = lower->len;
  }
  char *buf = NULL;
  size_t buf_len = 0;
  if (dict->utf8) {
    buf_len = lower->len;
    buf = g_strndup(lower->str, buf_len);
  } else {
    char cset[MAX_NAME + 1];
    memcpy(cset, dict->cset, MAX_NAME);
    cset[MAX_NAME] = '\0';
    g_strstrip(cset);
    gsize written = 0;
    buf = g_convert(lower->str, (gssize)lower->len, cset, "UTF-8", NULL,
                    &written, NULL);
    buf_len = written;
    /* A single-byte charset: one byte a character, or the word holds a
     * character the charset lacks and is left alone. */
    if (buf && buf_len != n) g_clear_pointer(&buf, g_free);
  }
  if (buf && buf_len > 0 && buf_len <= WORD_MAX_BYTES) {
    char *hyphens = g_malloc0(buf_len + 5);
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    if (hnj_hyphen_hyphenate3(dict, buf, (int)buf_len, hyphens, NULL, &rep,
                              &pos, &cut, lhmin, rhmin, 2, 2) == 0) {
      /* (The parts of a compound, where the patterns mark one, keep 2
       * and 2.) */
      /* hyphens[j] odd: a hyphen may follow byte j, i.e. the character
       * that ends at byte j + 1. */
      size_t ch = 0;
      for (size_t j = 0; j + 1 < buf_len; j++) {
        if (!(hyphens[j] & 1)) continue;
        if (rep && rep[j]) continue;
        if (dict->utf8) {
          while (ch < n && lower_end[ch] < j + 1) ch++;
          if (ch >= n || lower_end[ch] != j + 1) continue; /* mid-char */
        } else {
          ch = j;
        }
        if (ch + 1 >= n) continue;
        size_t at = base + offs[ch + 1];
        g_array_append_val(out, at);
      }
    }
    free_rep(rep, pos, cut, buf_len);
    g_free(hyphens);
  }
  g_free(buf);
  g_free(lower_end);
  g_string_free(lower, TRUE);
}

/* As hyphenate_word, by libvoikko's `hyphenator`. */
static void voikko_word(dp_hyphen *h, void *hyphenator, const char *word,
                        const size_t *offs, size_t n, size_t base, int lhmin,
                        int rhmin, GArray *out) {
  char *copy = g_strndup(word, offs[n]);
  char *marks = h->voikko_api->hyphenate(hyphenator, copy);
  /* A hyphen before character `ch` leaves `ch` characters on the line
   * and n - ch for the next. */
  if (marks && strlen(marks) == n)
    for (size_t ch = (size_t)lhmin; ch + (size_t)rhmin <= n; ch++)
      if (marks[ch] == '-') {
        size_t at = base + offs[ch];
        g_array_append_val(out, at);
      }
  g_free(marks);
  g_free(copy);
}

static bool is_hyphen(gunichar c) {
  return c == '-' || c == 0x2010 || c == 0x2011;
}

/* Whether the word [start, end) of `text` is part of a compound written
 * with a hyphen ("co-production": the line breaks at the hyphen only), or
 * of a URL or e-mail address (the whitespace-delimited token holds '@',
 * "://" or starts "www."): such words are never hyphenated. */
static bool word_excluded(const char *text, size_t length, size_t start,
                            size_t end) {
  if (start > 0 && is_hyphen(g_utf8_get_char(
                       g_utf8_prev_char(text + start))))
    return true;
  if (end < length && is_hyphen(g_utf8_get_char(text + end))) return true;
  size_t a = start, b = end;
  while (a > 0) {
    const char *p = g_utf8_prev_char(text + a);
    if (g_unichar_isspace(g_utf8_get_char(p))) break;
    a = (size_t)(p - text);
  }
  while (b < length && !g_unichar_isspace(g_utf8_get_char(text + b)))
    b = (size_t)(g_utf8_next_char(text + b) - text);
  const char *token = text + a;
  size_t len = b - a;
  if (memchr(token, '@', len)) return true;
  if (g_strstr_len(token, (gssize)len, "://")) return true;
  return len >= 4 && !g_ascii_strncasecmp(token, "www.", 4);
}

size_t dp_hyphen_find_points(dp_hyphen *h, const char *lang, int left,
                             int right, const char *text, size_t length,
                             const unsigned *skip, size_t skip_count,
                             size_t **points) {
  *points = NULL;
  if (!lang || !*lang) return 0;
  HyphenDict *dict = get_dict(h, lang);
  void *voikko = dict ? NULL : get_voikko(h, lang);
  if (!dict && !voikko) return 0;
  int lhmin = MAX(left, 1), rhmin = MAX(right, 1);

  GArray *out = g_array_new(FALSE, FALSE, sizeof(size_t));
  GArray *offs = g_array_new(FALSE, FALSE, sizeof(size_t));
  size_t i = 0;
  while (i < length) {
    gunichar c = g_utf8_get_char(text + i);
    size_t next = (size_t)(g_utf8_next_char(text + i) - text);
    if (!is_word_char(c)) {
      i = next;
      continue;
    }
    /* A word: [start, end). */
    size_t start = i;
    bool digit = false, lower = false, shy = false;
    g_array_set_size(offs, 0);
    while (i < length) {
      c = g_utf8_get_char(text + i);
      if (!is_word_char(c)) break;
      size_t off = i - start;
      g_array_append_val(offs, off);
      if (g_unichar_isdigit(c) || g_unichar_type(c) == G_UNICODE_LETTER_NUMBER)
        digit = true;
      if (g_unichar_islower(c)) lower = true;
      if (c == 0x00AD) shy = true;
      i = (size_t)(g_utf8_next_char(text + i) - text);
    }
    size_t end = i;
    size_t n = offs->len;
    size_t off_end = end - start;
    g_array_append_val(offs, off_end);
    bool skipped = n < DP_HYPHEN_MIN_CHARS || digit || !lower || shy ||
                   word_excluded(text, length, start, end);
    for (size_t k = 0; !skipped && k < skip_count; k++)
      if (skip[2 * k] < end && start < skip[2 * k + 1]) skipped = true;
    const size_t *word_offs = (const size_t *)(void *)offs->data;
    if (!skipped && dict)
      hyphenate_word(dict, text + start, word_offs, n, start, lhmin, rhmin,
                     out);
    else if (!skipped)
      voikko_word(h, voikko, text + start, word_offs, n, start, lhmin, rhmin,
                  out);
  }
  g_array_free(offs, TRUE);
  size_t count = out->len;
  if (count) *points = (size_t *)(void *)g_array_free(out, FALSE);
  else g_array_free(out, TRUE);
  return count;
}
