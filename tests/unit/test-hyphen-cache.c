/* Unit tests of hyphen-cache: a dictionary read back from its cache is
 * the automaton libhyphen builds from the .dic file, field by field, and
 * hyphenates the same; a cache that is damaged, stale or unwritable is
 * passed over without harm (under ASan, damage that slipped through
 * would show as a bad read when the dictionary is used). */
#include <glib.h>
#include <glib/gstdio.h>
#include <hyphen.h>
#include <string.h>
#include <zlib.h>

#include "config.h"
#include "hyphen-cache.h"

/* The header's fixed part (hyphen-cache.c): magic, byte order, payload
 * length, CRC, key length. */
#define HEADER_FIXED 24

typedef struct fixture {
  char *dir;
} fixture;

static void setup(fixture *f, gconstpointer data) {
  (void)data;
  f->dir = g_dir_make_tmp("dp-hyphen-cache-XXXXXX", NULL);
  g_assert_nonnull(f->dir);
}

static void remove_tree(const char *path) {
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir) {
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
      g_free(child);
    }
    g_dir_close(dir);
  }
  g_remove(path);
}

static void teardown(fixture *f, gconstpointer data) {
  (void)data;
  remove_tree(f->dir);
  g_free(f->dir);
}

static char *dictionary(const char *name) {
  char *path = g_build_filename(DP_HYPHEN_DIR, name, NULL);
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    g_free(path);
    return NULL;
  }
  return path;
}

/* The one cache file in `dir`, or NULL. */
static char *only_file(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d) return NULL;
  char *found = NULL;
  int count = 0;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    count++;
    g_free(found);
    found = g_build_filename(dir, name, NULL);
  }
  g_dir_close(d);
  if (count != 1) {
    g_free(found);
    return NULL;
  }
  return found;
}

static void assert_same_string(const char *a, const char *b) {
  if (!a || !b) g_assert_true(a == b);
  else g_assert_cmpstr(a, ==, b);
}

/* Field by field, every level. */
static void assert_same_dict(const HyphenDict *a, const HyphenDict *b) {
  for (; a || b; a = a->nextlevel, b = b->nextlevel) {
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpint(a->lhmin, ==, b->lhmin);
    g_assert_cmpint(a->rhmin, ==, b->rhmin);
    g_assert_cmpint(a->clhmin, ==, b->clhmin);
    g_assert_cmpint(a->crhmin, ==, b->crhmin);
    g_assert_cmpint(a->nohyphenl, ==, b->nohyphenl);
    if (!a->nohyphen || !b->nohyphen) {
      g_assert_true(a->nohyphen == b->nohyphen);
    } else {
      const char *p = a->nohyphen, *q = b->nohyphen;
      for (int i = 0; i <= a->nohyphenl; i++) {
        g_assert_cmpstr(p, ==, q);
        p += strlen(p) + 1;
        q += strlen(q) + 1;
      }
    }
    g_assert_cmpmem(a->cset, sizeof a->cset, b->cset, sizeof b->cset);
    g_assert_cmpint(a->utf8, ==, b->utf8);
    g_assert_cmpint(a->num_states, ==, b->num_states);
    for (int s = 0; s < a->num_states; s++) {
      const HyphenState *x = &a->states[s], *y = &b->states[s];
      assert_same_string(x->match, y->match);
      assert_same_string(x->repl, y->repl);
      if (x->repl) { /* else unset (libhyphen leaves them so) */
        g_assert_cmpint(x->replindex, ==, y->replindex);
        g_assert_cmpint(x->replcut, ==, y->replcut);
      }
      g_assert_cmpint(x->fallback_state, ==, y->fallback_state);
      g_assert_cmpint(x->num_trans, ==, y->num_trans);
      for (int t = 0; t < x->num_trans; t++) {
        g_assert_cmpint(x->trans[t].ch, ==, y->trans[t].ch);
        g_assert_cmpint(x->trans[t].new_state, ==, y->trans[t].new_state);
      }
    }
  }
}

/* Hyphenates `word` (in the dictionary's charset) as hyphenate.c does;
 * returns the digit string. */
static char *hyphens_of(HyphenDict *dict, const char *word) {
  int n = (int)strlen(word);
  char *hyphens = g_malloc0((size_t)n + 5);
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  hnj_hyphen_hyphenate2(dict, word, n, hyphens, NULL, &rep, &pos, &cut);
  if (rep) {
    for (int i = 0; i < n; i++) g_free(rep[i]);
    free(rep);
    free(pos);
    free(cut);
  }
  hyphens[n] = 0;
  return hyphens;
}

static const char *const english[] = {
    "hyphenation", "qualitative", "participation", "representation",
    "coproduction", "international", "university", "dissertation",
    "peer", "a", "extraordinarily", "antidisestablishmentarianism"};

/* Cached and parsed, the same automaton and the same hyphens; the
 * second load comes from the cache. */
static void check_round_trip(fixture *f, const char *name,
                             const char *const *words, size_t count) {
  char *path = dictionary(name);
  if (!path) {
    g_test_skip("dictionary not installed");
    return;
  }
  bool cached = true;
  HyphenDict *first = dp_hyphen_cache_load_in(path, f->dir, &cached);
  g_assert_nonnull(first);
  g_assert_false(cached);
  char *file = only_file(f->dir);
  g_assert_nonnull(file);
  HyphenDict *second = dp_hyphen_cache_load_in(path, f->dir, &cached);
  g_assert_nonnull(second);
  g_assert_true(cached);
  HyphenDict *parsed = hnj_hyphen_load(path);
  assert_same_dict(parsed, second);
  assert_same_dict(first, second);
  for (size_t i = 0; i < count; i++) {
    char *a = hyphens_of(parsed, words[i]);
    char *b = hyphens_of(second, words[i]);
    g_assert_cmpstr(a, ==, b);
    g_free(a);
    g_free(b);
  }
  dp_hyphen_cache_free(parsed);
  dp_hyphen_cache_free(first);
  dp_hyphen_cache_free(second);
  g_free(file);
  g_free(path);
}

static void test_english(fixture *f, gconstpointer data) {
  (void)data;
  check_round_trip(f, "hyph_en_US.dic", english, G_N_ELEMENTS(english));
}

static void test_norwegian(fixture *f, gconstpointer data) {
  (void)data;
  /* ISO-8859-1, with non-standard (replacing) patterns. */
  static const char *const words[] = {"bussjåfør", "doktorgrad",
                                      "disputas", "universitetet",
                                      "kvalitativ", "prøveforelesning"};
  char *latin[G_N_ELEMENTS(words)];
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    latin[i] = g_convert(words[i], -1, "ISO-8859-1", "UTF-8", NULL, NULL, NULL);
    g_assert_nonnull(latin[i]);
  }
  check_round_trip(f, "hyph_nb_NO.dic", (const char *const *)latin,
                   G_N_ELEMENTS(words));
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) g_free(latin[i]);
}

/* Writes `bytes` as the cache file with the payload's CRC made right
 * again, so that only the structural checks stand between a damaged
 * automaton and libhyphen. */
static void write_with_crc(const char *file, guint8 *bytes, gsize length) {
  guint32 payload, key;
  memcpy(&payload, bytes + 12, 4);
  memcpy(&key, bytes + 20, 4);
  if ((gsize)HEADER_FIXED + key + payload == length) {
    guint32 crc = (guint32)crc32(0L, bytes + HEADER_FIXED + key, payload);
    memcpy(bytes + 16, &crc, 4);
  }
  g_assert_true(g_file_set_contents(file, (const char *)bytes,
                                    (gssize)length, NULL));
}

/* A damaged cache is either refused (the .dic is parsed instead) or, when
 * the damage leaves a sound automaton, used without a bad access. */
/* A dictionary of every SAMPLE_EVERY-th pattern of `full` (its header
 * lines kept), written into a new folder: its path, or NULL.  Each
 * refused cache is parsed again from the .dic; with the whole US English
 * one (11,000 lines) the damage trials took 24 s, over a minute under
 * ASan on a busy machine, where a sample of its patterns checks the same
 * structure. */
#define SAMPLE_EVERY 8
static char *sampled_dictionary(const char *full) {
  char *text;
  if (!g_file_get_contents(full, &text, NULL, NULL)) return NULL;
  char **lines = g_strsplit(text, "\n", -1);
  g_free(text);
  GString *out = g_string_new(NULL);
  for (int i = 0; lines[i]; i++) {
    bool header = i == 0 || g_ascii_isupper(lines[i][0]);
    if ((header || i % SAMPLE_EVERY == 0) && lines[i][0])
      g_string_append_printf(out, "%s\n", lines[i]);
  }
  g_strfreev(lines);
  char *dir = g_dir_make_tmp("dp-hyphen-dic-XXXXXX", NULL);
  char *path = dir ? g_build_filename(dir, "hyph_sample.dic", NULL) : NULL;
  g_free(dir);
  if (path && !g_file_set_contents(path, out->str, (gssize)out->len, NULL)) {
    g_free(path);
    path = NULL;
  }
  g_string_free(out, TRUE);
  return path;
}

static void test_damage(fixture *f, gconstpointer data) {
  (void)data;
  char *full = dictionary("hyph_en_US.dic");
  if (!full) {
    g_test_skip("dictionary not installed");
    return;
  }
  char *path = sampled_dictionary(full);
  g_free(full);
  g_assert_nonnull(path);
  HyphenDict *parsed = dp_hyphen_cache_load_in(path, f->dir, NULL);
  g_assert_nonnull(parsed);
  char *file = only_file(f->dir);
  guint8 *good;
  gsize length;
  g_assert_true(g_file_get_contents(file, (char **)&good, &length, NULL));
  GRand *rand = g_rand_new_with_seed(20261126);
  int refused = 0, used = 0;
  int trials = g_test_slow() ? 2000 : 150;
  for (int trial = 0; trial < trials; trial++) {
    guint8 *bad = g_memdup2(good, length);
    gsize bad_length = length;
    int kind = trial % 3;
    if (kind == 0) {
      /* Truncated anywhere. */
      bad_length = (gsize)g_rand_int_range(rand, 0, (gint32)length);
      write_with_crc(file, bad, bad_length);
    } else {
      /* A byte or a few changed in the payload, CRC made right. */
      int flips = kind == 1 ? 1 : g_rand_int_range(rand, 2, 9);
      for (int k = 0; k < flips; k++) {
        gsize at = (gsize)g_rand_int_range(rand, HEADER_FIXED, (gint32)length);
        bad[at] ^= (guint8)g_rand_int_range(rand, 1, 256);
      }
      write_with_crc(file, bad, bad_length);
    }
    bool cached = false;
    HyphenDict *dict = dp_hyphen_cache_load_in(path, f->dir, &cached);
    g_assert_nonnull(dict);
    if (cached) used++;
    else refused++;
    for (size_t i = 0; i < G_N_ELEMENTS(english); i++)
      g_free(hyphens_of(dict, english[i]));
    if (!cached) assert_same_dict(parsed, dict); /* parsed again */
    dp_hyphen_cache_free(dict);
    g_free(bad);
    /* The refused cache was written anew from the .dic. */
    if (!cached) {
      guint8 *now;
      gsize now_length;
      g_assert_true(g_file_get_contents(file, (char **)&now, &now_length, NULL));
      g_assert_cmpmem(now, now_length, good, length);
      g_free(now);
    }
  }
  g_test_message("%d damaged caches refused, %d used", refused, used);
  g_assert_cmpint(refused, >, trials / 2);
  /* Damage to the CRC itself: refused. */
  guint8 *bad = g_memdup2(good, length);
  bad[length - 1] ^= 1;
  g_assert_true(g_file_set_contents(file, (const char *)bad, (gssize)length, NULL));
  bool cached = true;
  HyphenDict *dict = dp_hyphen_cache_load_in(path, f->dir, &cached);
  g_assert_false(cached);
  dp_hyphen_cache_free(dict);
  g_free(bad);
  g_rand_free(rand);
  g_free(good);
  g_free(file);
  dp_hyphen_cache_free(parsed);
  char *dic_dir = g_path_get_dirname(path);
  g_remove(path);
  g_rmdir(dic_dir);
  g_free(dic_dir);
  g_free(path);
}

/* A changed .dic does not meet its old cache. */
static void test_stale(fixture *f, gconstpointer data) {
  (void)data;
  char *path = dictionary("hyph_en_US.dic");
  if (!path) {
    g_test_skip("dictionary not installed");
    return;
  }
  char *contents;
  gsize length;
  g_assert_true(g_file_get_contents(path, &contents, &length, NULL));
  char *copy = g_build_filename(f->dir, "hyph_xx.dic", NULL);
  char *cache = g_build_filename(f->dir, "cache", NULL);
  g_assert_true(g_file_set_contents(copy, contents, (gssize)length, NULL));
  bool cached = true;
  HyphenDict *dict = dp_hyphen_cache_load_in(copy, cache, &cached);
  g_assert_false(cached);
  dp_hyphen_cache_free(dict);
  /* One pattern fewer (the last line), written again. */
  char *last = g_strrstr_len(contents, (gssize)length - 1, "\n");
  g_assert_nonnull(last);
  g_assert_true(g_file_set_contents(copy, contents, last - contents + 1, NULL));
  dict = dp_hyphen_cache_load_in(copy, cache, &cached);
  g_assert_false(cached);
  HyphenDict *parsed = hnj_hyphen_load(copy);
  assert_same_dict(parsed, dict);
  dp_hyphen_cache_free(parsed);
  dp_hyphen_cache_free(dict);
  dict = dp_hyphen_cache_load_in(copy, cache, &cached);
  g_assert_true(cached);
  dp_hyphen_cache_free(dict);
  g_free(cache);
  g_free(copy);
  g_free(contents);
  g_free(path);
}

/* No cache folder to be had, and no dictionary. */
static void test_unwritable(fixture *f, gconstpointer data) {
  (void)data;
  char *path = dictionary("hyph_en_US.dic");
  if (!path) {
    g_test_skip("dictionary not installed");
    return;
  }
  /* A file where the cache folder would be. */
  char *blocker = g_build_filename(f->dir, "file", NULL);
  g_assert_true(g_file_set_contents(blocker, "x", 1, NULL));
  char *dir = g_build_filename(blocker, "hyphen", NULL);
  bool cached = true;
  HyphenDict *dict = dp_hyphen_cache_load_in(path, dir, &cached);
  g_assert_nonnull(dict);
  g_assert_false(cached);
  dp_hyphen_cache_free(dict);
  dict = dp_hyphen_cache_load_in(path, NULL, &cached);
  g_assert_nonnull(dict);
  g_assert_false(cached);
  dp_hyphen_cache_free(dict);
  char *missing = g_build_filename(f->dir, "hyph_none.dic", NULL);
  g_assert_null(dp_hyphen_cache_load_in(missing, f->dir, &cached));
  /* Nothing was cached for it: the folder holds the blocker alone. */
  char *only = only_file(f->dir);
  g_assert_cmpstr(only, ==, blocker);
  g_free(only);
  g_free(missing);
  g_free(dir);
  g_free(blocker);
  g_free(path);
}

/* Dictionaries whose automaton libhyphen would take on trust in ways the
 * checks cannot follow: libhyphen parses them every time, the cache
 * never stands in for them. */
static void test_refused(fixture *f, gconstpointer data) {
  (void)data;
  static const struct {
    const char *name, *text;
  } dics[] = {
      /* An empty no-hyphen string (between two commas). */
      {"empty-nohyphen", "UTF-8\nNOHYPHEN ',,-\na1b\nb1c\n"},
      /* Non-standard hyphenation: a replacement. */
      {"replacement", "UTF-8\nb1b/bb=b,1,2\na1b\n"},
      /* A digit before the word's start. */
      {"before-start", "UTF-8\n1.ab\nb1c\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(dics); i++) {
    char *name = g_strdup_printf("hyph_%s.dic", dics[i].name);
    char *path = g_build_filename(f->dir, name, NULL);
    char *cache = g_build_filename(f->dir, "cache", NULL);
    g_assert_true(g_file_set_contents(path, dics[i].text, -1, NULL));
    for (int round = 0; round < 2; round++) {
      bool cached = true;
      HyphenDict *dict = dp_hyphen_cache_load_in(path, cache, &cached);
      g_assert_nonnull(dict);
      if (cached) g_test_message("%s came from the cache", dics[i].name);
      g_assert_false(cached);
      dp_hyphen_cache_free(dict);
    }
    g_free(cache);
    g_free(path);
    g_free(name);
  }
  /* The same checks pass a plain one. */
  char *path = g_build_filename(f->dir, "hyph_plain.dic", NULL);
  char *cache = g_build_filename(f->dir, "cache", NULL);
  g_assert_true(g_file_set_contents(path, "UTF-8\na1b\nb1c\n.ab1\n", -1, NULL));
  bool cached = true;
  HyphenDict *dict = dp_hyphen_cache_load_in(path, cache, &cached);
  g_assert_false(cached);
  dp_hyphen_cache_free(dict);
  dict = dp_hyphen_cache_load_in(path, cache, &cached);
  g_assert_true(cached);
  dp_hyphen_cache_free(dict);
  g_free(cache);
  g_free(path);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add("/hyphen-cache/english", fixture, NULL, setup, test_english,
             teardown);
  g_test_add("/hyphen-cache/norwegian", fixture, NULL, setup, test_norwegian,
             teardown);
  g_test_add("/hyphen-cache/damage", fixture, NULL, setup, test_damage,
             teardown);
  g_test_add("/hyphen-cache/stale", fixture, NULL, setup, test_stale,
             teardown);
  g_test_add("/hyphen-cache/unwritable", fixture, NULL, setup,
             test_unwritable, teardown);
  g_test_add("/hyphen-cache/refused", fixture, NULL, setup, test_refused,
             teardown);
  return g_test_run();
}
