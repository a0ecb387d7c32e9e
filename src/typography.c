/* typography: see typography.h.
 *
 * One pass over the characters, each written out as itself or as its
 * replacement, deciding from the characters around it (in the original
 * text).  A straight double quote opens after the start, a space, an
 * opening bracket, a dash or another opening mark, and closes elsewhere;
 * a straight single quote between two letters or digits (or before a
 * digit, "'90s") is an apostrophe, otherwise it opens or closes the inner
 * quotation the same way (closing one only while one is open: "the
 * students' work" keeps an apostrophe).
 */
#include "typography.h"

#include <glib.h>
#include <string.h>
#include <unicode/uloc.h>
#include <unicode/ulocdata.h>
#include <unicode/utf16.h>

#include "paths.h"
#include "style.h"
#include "yaml-tree.h"

typedef struct rules {
  gunichar quotes[4];   /* outer open, close, inner open, close */
  char *quote_space;    /* UTF-8, may be "" */
  char *mark_space;     /* before `spaced_marks`, UTF-8, may be "" */
  char *spaced_marks;   /* UTF-8: marks a space is kept before */
  char *dash;
  GPtrArray *no_break_after; /* char * */
  GPtrArray *units;          /* char * */
  int hyphen_min[2];         /* fewest characters before and after a
                                hyphenation point */
} rules;

struct dp_typography {
  rules fallback;        /* `default` */
  GHashTable *by_lang;   /* subtag → rules * */
  GHashTable *derived;   /* a tag without an entry → rules * (ICU's
                            quotation marks) */
};

static void rules_clear(rules *r) {
  g_free(r->quote_space);
  g_free(r->mark_space);
  g_free(r->spaced_marks);
  g_free(r->dash);
  if (r->no_break_after) g_ptr_array_unref(r->no_break_after);
  if (r->units) g_ptr_array_unref(r->units);
}

static void rules_free(gpointer p) {
  rules_clear(p);
  g_free(p);
}

static GPtrArray *word_list(const char *const *words) {
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  for (; *words; words++) g_ptr_array_add(a, g_strdup(*words));
  return a;
}

static GPtrArray *copy_words(const GPtrArray *from) {
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add(a, g_strdup(from->pdata[i]));
  return a;
}

/* English, when the data file is missing. */
static void set_builtin(rules *r) {
  static const char *const abbreviations[] = {"Dr.", "Prof.", "Mr.", "Mrs.",
                                              "Ms.", NULL};
  static const char *const units[] = {"%", "km", "m", "kg", "g", NULL};
  r->quotes[0] = 0x201C;
  r->quotes[1] = 0x201D;
  r->quotes[2] = 0x2018;
  r->quotes[3] = 0x2019;
  r->quote_space = g_strdup("");
  r->mark_space = g_strdup("");
  r->spaced_marks = g_strdup("");
  r->dash = g_strdup("\u2013");
  r->no_break_after = word_list(abbreviations);
  r->units = word_list(units);
  r->hyphen_min[0] = 2;
  r->hyphen_min[1] = 3;
}

static GPtrArray *read_words(const dp_ynode *node, const GPtrArray *dflt) {
  if (!node || node->kind != DP_YNODE_SEQ) return copy_words(dflt);
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < node->count; i++)
    if (node->children[i]->kind == DP_YNODE_SCALAR)
      g_ptr_array_add(a, g_strdup(node->children[i]->text));
  return a;
}

/* `node`'s rules over `base`'s. */
static void read_rules(rules *r, const dp_ynode *node, const rules *base) {
  memcpy(r->quotes, base->quotes, sizeof r->quotes);
  const dp_ynode *q = dp_ynode_map_get(node, "quotes");
  if (q && q->kind == DP_YNODE_SCALAR && g_utf8_validate(q->text, -1, NULL) &&
      g_utf8_strlen(q->text, -1) == 4) {
    const char *p = q->text;
    for (int i = 0; i < 4; i++, p = g_utf8_next_char(p))
      r->quotes[i] = g_utf8_get_char(p);
  }
  const dp_ynode *s = dp_ynode_map_get(node, "quote-space");
  r->quote_space = g_strdup(s && s->kind == DP_YNODE_SCALAR ? s->text
                                                           : base->quote_space);
  const dp_ynode *ms = dp_ynode_map_get(node, "mark-space");
  r->mark_space = g_strdup(ms && ms->kind == DP_YNODE_SCALAR ? ms->text
                                                            : base->mark_space);
  const dp_ynode *sm = dp_ynode_map_get(node, "spaced-marks");
  r->spaced_marks =
      g_strdup(sm && sm->kind == DP_YNODE_SCALAR &&
                       g_utf8_validate(sm->text, -1, NULL)
                   ? sm->text
                   : base->spaced_marks);
  const dp_ynode *d = dp_ynode_map_get(node, "dash");
  r->dash = g_strdup(d && d->kind == DP_YNODE_SCALAR && *d->text ? d->text
                                                                : base->dash);
  r->no_break_after = read_words(dp_ynode_map_get(node, "no-break-after"),
                                   base->no_break_after);
  r->units = read_words(dp_ynode_map_get(node, "units"), base->units);
  /* Two numbers from 1 to 9, or the base's. */
  memcpy(r->hyphen_min, base->hyphen_min, sizeof r->hyphen_min);
  const dp_ynode *h = dp_ynode_map_get(node, "hyphen-min");
  if (h && h->kind == DP_YNODE_SEQ && h->count == 2 &&
      h->children[0]->kind == DP_YNODE_SCALAR &&
      h->children[1]->kind == DP_YNODE_SCALAR) {
    const char *a = h->children[0]->text, *b = h->children[1]->text;
    if (strlen(a) == 1 && a[0] >= '1' && a[0] <= '9' && strlen(b) == 1 &&
        b[0] >= '1' && b[0] <= '9') {
      r->hyphen_min[0] = a[0] - '0';
      r->hyphen_min[1] = b[0] - '0';
    }
  }
}

dp_typography *dp_typography_new(dp_diag *diag, const char *datadir) {
  dp_typography *t = g_new0(dp_typography, 1);
  t->by_lang = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     rules_free);
  t->derived = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     rules_free);
  rules builtin = {0};
  set_builtin(&builtin);
  char *path = datadir ? g_build_filename(datadir, "data", "typography.yaml",
                                          NULL)
                       : dp_paths_build("data", "typography.yaml", NULL);
  /* The reader needs somewhere to report to. */
  dp_diag *own = diag ? NULL : dp_diag_new();
  if (own) dp_diag_set_print(own, false);
  dp_ytree *tree = g_file_test(path, G_FILE_TEST_EXISTS)
                       ? dp_ytree_load_file(diag ? diag : own, path)
                       : NULL;
  const dp_ynode *root = tree ? dp_ytree_get_root(tree) : NULL;
  if (root && root->kind == DP_YNODE_MAP) {
    const dp_ynode *d = dp_ynode_map_get(root, "default");
    if (d && d->kind == DP_YNODE_MAP) read_rules(&t->fallback, d, &builtin);
    else read_rules(&t->fallback, root, &builtin); /* no field is read */
    for (size_t i = 0; i < root->count; i++) { /* pairs */
      const dp_ynode *key = root->children[2 * i];
      const dp_ynode *value = root->children[2 * i + 1];
      if (key->kind != DP_YNODE_SCALAR || value->kind != DP_YNODE_MAP ||
          !strcmp(key->text, "default"))
        continue;
      rules *r = g_new0(rules, 1);
      read_rules(r, value, &t->fallback);
      g_hash_table_replace(t->by_lang, g_ascii_strdown(key->text, -1), r);
    }
  } else {
    read_rules(&t->fallback, NULL, &builtin);
  }
  rules_clear(&builtin);
  dp_ytree_free(tree);
  dp_diag_free(own);
  g_free(path);
  return t;
}

void dp_typography_free(dp_typography *t) {
  if (!t) return;
  rules_clear(&t->fallback);
  g_hash_table_destroy(t->by_lang);
  g_hash_table_destroy(t->derived);
  g_free(t);
}

/* The quotation marks ICU's locale data (CLDR) gives the language of
 * BCP 47 tag `tag` (outer open and close, inner open and close) into
 * `quotes`; false if it has none of its own (ICU's root is no
 * language's).  The whole tag: Traditional Chinese (zh-Hant) quotes
 * with 「」, Simplified with “”; European Portuguese with «». */
static bool icu_quotes(const char *tag, gunichar quotes[4]) {
  static const ULocaleDataDelimiterType order[4] = {
      ULOCDATA_QUOTATION_START, ULOCDATA_QUOTATION_END,
      ULOCDATA_ALT_QUOTATION_START, ULOCDATA_ALT_QUOTATION_END};
  char locale[ULOC_FULLNAME_CAPACITY];
  UErrorCode status = U_ZERO_ERROR;
  uloc_forLanguageTag(tag, locale, sizeof locale, NULL, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING ||
      !*locale || !strncmp(locale, "root", 4) || !strncmp(locale, "und", 3))
    return false;
  ULocaleData *data = ulocdata_open(locale, &status);
  bool ok = U_SUCCESS(status) && status != U_USING_DEFAULT_WARNING;
  for (int i = 0; ok && i < 4; i++) {
    UChar mark[4];
    int n = ulocdata_getDelimiter(data, order[i], mark, 4, &status);
    int at = 0;
    UChar32 c = 0;
    if (U_SUCCESS(status) && n > 0) U16_NEXT(mark, at, n, c);
    /* One character each, as the table's. */
    ok = U_SUCCESS(status) && n > 0 && at == n && c > 0;
    quotes[i] = (gunichar)c;
  }
  if (data) ulocdata_close(data);
  return ok;
}

/* The rules of `lang`: the table's entry for its primary subtag; else
 * `default` with the quotation marks of ICU's locale data for the whole
 * tag, kept under the tag (documents are written in more languages than
 * the table has). */
static const rules *rules_for(dp_typography *t, const char *lang) {
  if (!lang || !*lang) return &t->fallback;
  char *primary = g_ascii_strdown(lang, (gssize)strcspn(lang, "-_"));
  rules *r = g_hash_table_lookup(t->by_lang, primary);
  g_free(primary);
  if (r) return r;
  char *tag = g_ascii_strdown(lang, -1);
  r = g_hash_table_lookup(t->derived, tag);
  if (r) {
    g_free(tag);
    return r;
  }
  r = g_new0(rules, 1);
  read_rules(r, NULL, &t->fallback);
  gunichar quotes[4];
  if (icu_quotes(tag, quotes)) memcpy(r->quotes, quotes, sizeof quotes);
  g_hash_table_replace(t->derived, tag, r);
  return r;
}

void dp_typography_hyphen_min(dp_typography *t, const char *lang,
                              int *left, int *right) {
  const rules *r = rules_for(t, lang);
  *left = r->hyphen_min[0];
  *right = r->hyphen_min[1];
}

/* The characters of a text as code points, with their byte offsets. */
typedef struct chars {
  gunichar *c;
  size_t *at; /* n + 1 */
  size_t n;
} chars;

static gunichar char_at(const chars *s, size_t i) {
  return i < s->n ? s->c[i] : 0;
}

static gunichar char_before(const chars *s, size_t i) {
  return i > 0 ? s->c[i - 1] : 0;
}

static bool opens_quote(gunichar prev) {
  return prev == 0 || g_unichar_isspace(prev) || strchr("([{-/", (int)prev) ||
         prev == 0x2013 || prev == 0x2014 || prev == 0x00AB ||
         prev == 0x201C || prev == 0x2018 || prev == 0x201E ||
         prev == 0x201A || prev == 0x00BB || prev == 0x2039 || prev == 0x203A;
}

static bool wordish(gunichar c) { return c && g_unichar_isalnum(c); }

/* Whether the word ending just before character `end` (after a space or
 * the start) is one of `words`. */
static bool word_before_is(const chars *s, const char *text, size_t end,
                             const GPtrArray *words) {
  size_t start = end;
  while (start > 0 && !g_unichar_isspace(s->c[start - 1])) start--;
  if (start == end) return false;
  size_t len = s->at[end] - s->at[start];
  for (guint i = 0; i < words->len; i++) {
    const char *w = words->pdata[i];
    if (strlen(w) == len && !memcmp(w, text + s->at[start], len)) return true;
  }
  return false;
}

/* Whether the word starting at character `start` is one of `words`
 * (followed by a space, punctuation or the end). */
static bool word_after_is(const chars *s, const char *text, size_t start,
                            const GPtrArray *words) {
  size_t end = start;
  while (end < s->n && !g_unichar_isspace(s->c[end]) &&
         !strchr(",.;:!?)", (int)(s->c[end] < 128 ? s->c[end] : 'x')))
    end++;
  if (end == start) return false;
  size_t len = s->at[end] - s->at[start];
  for (guint i = 0; i < words->len; i++) {
    const char *w = words->pdata[i];
    if (strlen(w) == len && !memcmp(w, text + s->at[start], len)) return true;
  }
  return false;
}

/* Digits ending just before `end`: how many, and whether the run has a
 * full stop after it (`end` - 1 is '.'). */
static size_t number_before(const chars *s, size_t end, bool *dot) {
  *dot = false;
  size_t i = end;
  if (i > 0 && s->c[i - 1] == '.') {
    *dot = true;
    i--;
  }
  size_t k = i;
  while (k > 0 && g_unichar_isdigit(s->c[k - 1])) k--;
  /* The number is a word of its own. */
  if (k > 0 && !g_unichar_isspace(s->c[k - 1])) return 0;
  return i - k;
}

/* Whether the space at `i` must not break. */
static bool keep_space(const chars *s, const char *text, size_t i,
                         const rules *r) {
  gunichar next = char_at(s, i + 1);
  if (!next || g_unichar_isspace(next)) return false;
  if (word_before_is(s, text, i, r->no_break_after)) return true;
  bool dot;
  size_t digits = number_before(s, i, &dot);
  if (digits == 0) return false;
  /* Groups of a number (meeting IDs, telephone numbers). */
  if (!dot && g_unichar_isdigit(next)) return true;
  /* A day and its month. */
  if (digits <= 2 && g_unichar_isalpha(next)) return true;
  /* A number and its unit. */
  return !dot && word_after_is(s, text, i + 1, r->units);
}

/* Whether the hyphen at `i` stands between two numbers as a range
 * ("10-12", "10.15-11.00", "1990-2000"), not inside a date or code with
 * more hyphens ("2024-09-27"). */
static bool is_range(const chars *s, size_t i) {
  if (!g_unichar_isdigit(char_before(s, i)) || !g_unichar_isdigit(char_at(s, i + 1)))
    return false;
  size_t a = i;
  while (a > 0 && (g_unichar_isdigit(s->c[a - 1]) || s->c[a - 1] == '.' ||
                   s->c[a - 1] == ':'))
    a--;
  if (a > 0 && (s->c[a - 1] == '-' || g_unichar_isalpha(s->c[a - 1])))
    return false;
  size_t b = i + 1;
  while (b < s->n && (g_unichar_isdigit(s->c[b]) || s->c[b] == '.' ||
                      s->c[b] == ':'))
    b++;
  return !(b < s->n && (s->c[b] == '-' || g_unichar_isalpha(s->c[b])));
}

/* Whether `c` is one of the marks `r` keeps a space before (French:
 * ; : ! ?). */
static bool spaced_mark(const rules *r, gunichar c) {
  if (!c || !*r->mark_space) return false;
  for (const char *p = r->spaced_marks; *p; p = g_utf8_next_char(p))
    if (g_utf8_get_char(p) == c) return true;
  return false;
}

/* Whether the marks from character `i` on (one, or a run of them: "?!",
 * "!!") end where a word would: at a space, the text's end, a closing
 * quotation mark or bracket.  A space goes before the run, none inside
 * it. */
static bool ends_marks(const rules *r, const chars *s, size_t i) {
  size_t k = i + 1;
  while (k < s->n && spaced_mark(r, s->c[k])) k++;
  gunichar next = char_at(s, k);
  return !next || g_unichar_isspace(next) || next == r->quotes[1] ||
         next == '"' || next == ')' || next == ']';
}

char *dp_typography_apply(dp_typography *t, const char *lang,
                          unsigned mask, const char *text, size_t length,
                          const unsigned *skip, size_t skip_count,
                          const dp_typography_lang *langs, size_t lang_count,
                          size_t *out_length, size_t **map) {
  const rules *whole = rules_for(t, lang);
  chars s = {0};
  s.n = (size_t)g_utf8_strlen(text, (gssize)length);
  s.c = g_new(gunichar, s.n + 1);
  s.at = g_new(size_t, s.n + 1);
  size_t k = 0;
  for (const char *p = text; p < text + length; p = g_utf8_next_char(p), k++) {
    s.c[k] = g_utf8_get_char(p);
    s.at[k] = (size_t)(p - text);
  }
  s.at[s.n] = length;
  /* Characters of a URL or e-mail address (a whitespace-delimited token
   * holding "://" or '@', or starting "www."), or of a range of `skip`,
   * are left as they are. */
  bool *verbatim = g_new0(bool, s.n + 1);
  for (size_t a = 0; a < s.n;) {
    if (g_unichar_isspace(s.c[a])) {
      a++;
      continue;
    }
    size_t b = a;
    while (b < s.n && !g_unichar_isspace(s.c[b])) b++;
    const char *tok = text + s.at[a];
    size_t len = s.at[b] - s.at[a];
    bool url = memchr(tok, '@', len) || g_strstr_len(tok, (gssize)len, "://") ||
               (len >= 4 && !g_ascii_strncasecmp(tok, "www.", 4));
    for (size_t i = a; i < b && url; i++) verbatim[i] = true;
    a = b;
  }
  for (size_t i = 0; i < s.n; i++)
    for (size_t k2 = 0; k2 < skip_count; k2++)
      if (skip[2 * k2] <= s.at[i] && s.at[i] < skip[2 * k2 + 1])
        verbatim[i] = true;
  /* Each character's rules: its range's language (the last range that
   * holds it, the innermost when they nest), else the text's. */
  const rules **by_char = g_new(const rules *, s.n + 1);
  for (size_t i = 0; i <= s.n; i++) by_char[i] = whole;
  for (size_t k2 = 0; k2 < lang_count; k2++) {
    const rules *lr = rules_for(t, langs[k2].lang);
    for (size_t i = 0; i < s.n; i++)
      if (langs[k2].start <= s.at[i] && s.at[i] < langs[k2].end)
        by_char[i] = lr;
  }
  *map = g_new(size_t, length + 1);
  GString *out = g_string_sized_new(length + 16);
  int inner = 0; /* inner quotations open */
  for (size_t i = 0; i < s.n; i++) {
    for (size_t b = s.at[i]; b < s.at[i + 1]; b++) (*map)[b] = out->len;
    const rules *r = by_char[i];
    gunichar c = s.c[i], prev = char_before(&s, i), next = char_at(&s, i + 1);
    if (verbatim[i]) {
      g_string_append_len(out, text + s.at[i], (gssize)(s.at[i + 1] - s.at[i]));
    } else if (c == '"' && (mask & DP_TYPO_QUOTES)) {
      if (opens_quote(prev)) {
        g_string_append_unichar(out, r->quotes[0]);
        g_string_append(out, r->quote_space);
      } else {
        g_string_append(out, r->quote_space);
        g_string_append_unichar(out, r->quotes[1]);
      }
    } else if (c == '\'' && (mask & (DP_TYPO_QUOTES | DP_TYPO_APOSTROPHES))) {
      bool apostrophe = (wordish(prev) && wordish(next)) ||
                        (opens_quote(prev) && g_unichar_isdigit(next)) ||
                        (!opens_quote(prev) && inner == 0);
      if (apostrophe && (mask & DP_TYPO_APOSTROPHES)) {
        g_string_append_unichar(out, 0x2019);
      } else if (!apostrophe && (mask & DP_TYPO_QUOTES)) {
        bool opening = opens_quote(prev);
        inner += opening ? 1 : -1;
        g_string_append_unichar(out, r->quotes[opening ? 2 : 3]);
      } else {
        g_string_append_unichar(out, c);
      }
    } else if (c == '-' && (mask & DP_TYPO_DASHES) && prev == ' ' &&
               next == ' ') {
      g_string_append(out, r->dash);
    } else if (c == '-' && (mask & DP_TYPO_DASHES) && is_range(&s, i)) {
      g_string_append_unichar(out, 0x2013);
    } else if (c == ' ' && (mask & DP_TYPO_DASHES) && next == '-' &&
               char_at(&s, i + 2) == ' ') {
      g_string_append_unichar(out, 0x00A0); /* the dash stays on the line */
    } else if (c == '.' && (mask & DP_TYPO_ELLIPSIS) && next == '.' &&
               char_at(&s, i + 2) == '.') {
      g_string_append_unichar(out, 0x2026);
      for (size_t b = s.at[i + 1]; b < s.at[i + 3]; b++) (*map)[b] = out->len;
      i += 2;
    } else if ((c == ' ' || c == 0x00A0) && (mask & DP_TYPO_SPACES) &&
               *r->quote_space &&
               ((prev == r->quotes[0] && i > 0 && !verbatim[i - 1]) ||
                (next == r->quotes[1] && !verbatim[i + 1]))) {
      g_string_append(out, r->quote_space); /* « typed », French */
    } else if ((c == ' ' || c == 0x00A0) && (mask & DP_TYPO_SPACES) &&
               spaced_mark(r, next) && !verbatim[i + 1] &&
               !g_unichar_isspace(prev) && prev) {
      g_string_append(out, r->mark_space); /* « oui ! », French */
    } else if (spaced_mark(r, c) && (mask & DP_TYPO_SPACES) &&
               g_unichar_isalpha(prev) && ends_marks(r, &s, i)) {
      g_string_append(out, r->mark_space); /* "oui!": a space is added */
      g_string_append_unichar(out, c);
    } else if (c == r->quotes[0] && (mask & DP_TYPO_SPACES) &&
               *r->quote_space && next && !g_unichar_isspace(next)) {
      g_string_append_unichar(out, c);
      g_string_append(out, r->quote_space);
    } else if (c == r->quotes[1] && (mask & DP_TYPO_SPACES) &&
               *r->quote_space && prev && !g_unichar_isspace(prev) &&
               i > 0 && s.c[i - 1] != r->quotes[0]) {
      g_string_append(out, r->quote_space);
      g_string_append_unichar(out, c);
    } else if (c == ' ' && (mask & DP_TYPO_SPACES) &&
               keep_space(&s, text, i, r)) {
      g_string_append_unichar(out, 0x00A0);
    } else {
      g_string_append_len(out, text + s.at[i], (gssize)(s.at[i + 1] - s.at[i]));
    }
  }
  (*map)[length] = out->len;
  g_free(by_char);
  g_free(verbatim);
  g_free(s.c);
  g_free(s.at);
  *out_length = out->len;
  return g_string_free(out, FALSE);
}
