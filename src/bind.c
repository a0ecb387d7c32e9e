/* bind: see bind.h. */
#include "bind.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "length.h"

/* A problem found, held back so all are reported in file order. */
typedef struct report {
  dp_severity severity;
  dp_mark mark;
  char *message;
  size_t order;
} report;

void dp_binder_init(dp_binder *b, dp_diag *diag, const char *file,
                    const char *text, size_t length) {
  memset(b, 0, sizeof *b);
  b->diag = diag;
  b->reports = g_array_new(FALSE, FALSE, sizeof(report));
  b->file = file;
  b->text = text;
  b->length = length;
}

void dp_binder_clear(dp_binder *b) {
  for (guint i = 0; i < b->reports->len; i++)
    g_free(g_array_index(b->reports, report, i).message);
  g_array_free(b->reports, TRUE);
  b->reports = NULL;
}

void dp_bind_report(dp_binder *b, dp_severity severity, dp_mark mark,
                    char *message) {
  report r = {severity, mark, message, b->reports->len};
  g_array_append_val(b->reports, r);
}

void dp_bind_error(dp_binder *b, dp_mark mark, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  dp_bind_report(b, DP_SEVERITY_ERROR, mark, g_strdup_vprintf(format, ap));
  va_end(ap);
}

/* Whole-file problems first, then by line and column, then as found. */
static int compare_reports(const void *a, const void *b) {
  const report *x = a, *y = b;
  if (x->mark.line != y->mark.line) return x->mark.line < y->mark.line ? -1 : 1;
  if (x->mark.column != y->mark.column)
    return x->mark.column < y->mark.column ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

void dp_bind_flush(dp_binder *b) {
  g_array_sort(b->reports, compare_reports);
  for (guint i = 0; i < b->reports->len; i++) {
    report *r = &g_array_index(b->reports, report, i);
    dp_diag_report(b->diag, r->severity, r->mark, "%s", r->message);
    g_free(r->message);
  }
  g_array_set_size(b->reports, 0);
}

/* ---- Marks ---------------------------------------------------------- */

/* The mark of the first character of a scalar's text: a quoted scalar's
 * text starts after the quote, a block scalar's (`|`, `>`) on the next
 * line after its indentation. */
dp_mark dp_bind_content_mark(const dp_binder *b, const dp_ynode *node) {
  dp_mark mark = node->mark;
  if (node->kind != DP_YNODE_SCALAR || node->plain || !b->text ||
      mark.offset < 0 || (size_t)mark.offset >= b->length)
    return mark;
  const char *at = b->text + mark.offset;
  const char *end = b->text + b->length;
  if (*at == '"' || *at == '\'') return dp_mark_advance(mark, at, 1, 1);
  if (*at != '|' && *at != '>') return mark;
  const char *nl = memchr(at, '\n', (size_t)(end - at));
  if (!nl) return mark;
  const char *first = nl + 1;
  while (first < end && *first == ' ') first++;
  /* The header's line runs up to the break: columns from its start. */
  mark = dp_mark_advance(mark, at, (size_t)(nl + 1 - at), 1);
  return dp_mark_advance(mark, nl + 1, (size_t)(first - (nl + 1)), 1);
}

/* The mark of byte `offset` of a scalar's text. */
dp_mark dp_bind_offset_mark(const dp_binder *b, const dp_ynode *node,
                            size_t offset) {
  dp_mark mark = dp_bind_content_mark(b, node);
  if (offset > node->length) offset = node->length;
  /* A block or quoted scalar's later lines lost the first's indentation
   * (a quoted one's continuation lines are taken as indented alike). */
  int indent = node->plain ? 1 : mark.column;
  return dp_mark_advance(mark, node->text, offset, indent);
}

/* ---- Messages ------------------------------------------------------- */

/* (transfer full) " (did you mean 'x'?)" or "". */
char *dp_bind_hint(const char *word, const char *const *candidates) {
  const char *best = candidates ? dp_diag_suggest(word, candidates) : NULL;
  return best ? g_strdup_printf(" (did you mean '%s'?)", best) : g_strdup("");
}

/* (transfer full) "a, b or c" */
char *dp_bind_alternatives(const char *const *names) {
  GString *s = g_string_new(NULL);
  size_t n = g_strv_length((char **)names);
  for (size_t i = 0; i < n; i++) {
    if (i > 0) g_string_append(s, i + 1 == n ? " or " : ", ");
    g_string_append(s, names[i]);
  }
  return g_string_free(s, FALSE);
}

bool dp_bind_in_list(const char *word, const char *const *names) {
  for (const char *const *n = names; *n; n++)
    if (strcmp(*n, word) == 0) return true;
  return false;
}

/* Reports every key of `map` not in `known`, with a suggestion. */
void dp_bind_check_keys(dp_binder *b, const dp_ynode *map,
                        const char *const *known, const char *where) {
  for (size_t i = 0; i < map->count; i++) {
    const dp_ynode *key = map->children[2 * i];
    if (dp_bind_in_list(key->text, known)) continue;
    char *h = dp_bind_hint(key->text, known);
    dp_bind_error(b, key->mark, "unknown key '%s' in %s%s", key->text, where, h);
    g_free(h);
  }
}

/* "a list", "a map", "nothing" or "'text'" for messages; (transfer full). */
char *dp_bind_describe(const dp_ynode *node) {
  if (node->kind == DP_YNODE_SCALAR) {
    if (dp_ynode_is_null(node)) return g_strdup("nothing");
    return g_strdup_printf("'%s'", node->text);
  }
  return g_strdup_printf("a %s", dp_ynode_kind_name(node));
}

bool dp_bind_expect_map(dp_binder *b, const dp_ynode *node, const char *what) {
  if (node->kind == DP_YNODE_MAP) return true;
  char *d = dp_bind_describe(node);
  dp_bind_error(b, node->mark, "%s must be a map, not %s", what, d);
  g_free(d);
  return false;
}

void dp_bind_wrong(dp_binder *b, const dp_ynode *node, const char *key,
                   const char *expected) {
  char *d = dp_bind_describe(node);
  dp_bind_error(b, node->mark, "'%s' must be %s, not %s", key, expected, d);
  g_free(d);
}

/* ---- Scalars -------------------------------------------------------- */

const char *dp_bind_text(dp_binder *b, const dp_ynode *node, const char *key) {
  if (node->kind == DP_YNODE_SCALAR && !dp_ynode_is_null(node))
    return node->text;
  dp_bind_wrong(b, node, key, "text");
  return NULL;
}

bool dp_bind_bool(dp_binder *b, const dp_ynode *node, const char *key,
                  bool *out) {
  if (node->kind == DP_YNODE_SCALAR) {
    if (g_ascii_strcasecmp(node->text, "true") == 0) {
      *out = true;
      return true;
    }
    if (g_ascii_strcasecmp(node->text, "false") == 0) {
      *out = false;
      return true;
    }
  }
  dp_bind_wrong(b, node, key, "true or false");
  return false;
}

bool dp_bind_int(dp_binder *b, const dp_ynode *node, const char *key, int min,
                 int max, int *out) {
  if (node->kind == DP_YNODE_SCALAR) {
    const char *t = node->text;
    char *end;
    errno = 0;
    long v = strtol(t, &end, 10);
    if (*t && !g_ascii_isspace(*t) && *end == '\0' && errno == 0 &&
        v >= min && v <= max) {
      *out = (int)v;
      return true;
    }
  }
  char *expected = g_strdup_printf("a whole number from %d to %d", min, max);
  dp_bind_wrong(b, node, key, expected);
  g_free(expected);
  return false;
}

/* A plain number ("1.4"), for line-height and min-scale. */
bool dp_bind_number(dp_binder *b, const dp_ynode *node, const char *key,
                    double min, bool min_open, double max, double *out) {
  if (node->kind == DP_YNODE_SCALAR) {
    double v;
    size_t n = dp_scan_number(node->text, &v);
    if (n > 0 && node->text[n] == '\0' &&
        (min_open ? v > min : v >= min) && v <= max) {
      *out = v;
      return true;
    }
  }
  char *expected = g_strdup_printf("a number from %g (%s) to %g", min,
                                   min_open ? "excluded" : "included", max);
  dp_bind_wrong(b, node, key, expected);
  g_free(expected);
  return false;
}

/* A length: reports and returns false on anything else.  `negative` allows
 * a negative length. */
bool dp_bind_length(dp_binder *b, const dp_ynode *node, const char *key,
                    bool negative, double *out) {
  if (node->kind != DP_YNODE_SCALAR || dp_ynode_is_null(node)) {
    dp_bind_wrong(b, node, key, "a length such as 5mm or 12pt");
    return false;
  }
  char *unit = NULL;
  double v = 0;
  switch (dp_length_read(node->text, &v, &unit)) {
    case DP_LENGTH_OK:
      if (v < 0 && !negative) {
        dp_bind_error(b, node->mark, "'%s' must not be negative, not '%s'", key,
            node->text);
        return false;
      }
      *out = v;
      return true;
    case DP_LENGTH_NO_UNIT:
      dp_bind_error(b, node->mark, "'%s' needs a unit: '%s' (pt, mm, cm or in)", key,
          node->text);
      return false;
    case DP_LENGTH_UNKNOWN_UNIT: {
      static const char *const units[] = {"pt", "mm", "cm", "in", NULL};
      char *h = dp_bind_hint(unit, units);
      dp_bind_error(b, node->mark, "unknown unit '%s' in '%s'%s; use pt, mm, cm or in",
          unit, node->text, h);
      g_free(h);
      g_free(unit);
      return false;
    }
    case DP_LENGTH_TOO_LARGE:
      dp_bind_error(b, node->mark, "'%s' is too large: '%s'", key, node->text);
      return false;
    default:
      dp_bind_wrong(b, node, key, "a length such as 5mm or 12pt");
      return false;
  }
}

/* One of `names` (mapped to `values`); `fold` compares case-insensitively. */
bool dp_bind_choice(dp_binder *b, const dp_ynode *node, const char *key,
                    const char *const *names, const int *values,
                    const char *const *shown, bool fold, int *out) {
  if (node->kind == DP_YNODE_SCALAR) {
    for (size_t i = 0; names[i]; i++) {
      if (fold ? g_ascii_strcasecmp(names[i], node->text) == 0
               : strcmp(names[i], node->text) == 0) {
        *out = values[i];
        return true;
      }
    }
  }
  char *list = dp_bind_alternatives(shown ? shown : names);
  char *d = dp_bind_describe(node);
  char *h = node->kind == DP_YNODE_SCALAR ? dp_bind_hint(node->text, names)
                                          : g_strdup("");
  dp_bind_error(b, node->mark, "'%s' must be %s, not %s%s", key, list, d, h);
  g_free(h);
  g_free(d);
  g_free(list);
  return false;
}

bool dp_is_hex_colour(const char *s) {
  if (s[0] != '#' || strlen(s) != 7) return false;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit(s[i])) return false;
  return true;
}

/* A name that EDGE(NAME) can refer to. */
bool dp_is_identifier(const char *s) {
  if (!*s) return false;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-') return false;
  return true;
}

/* A dotted field path: "thesis.title", "events", "." (the current item). */
bool dp_is_field_path(const char *s) {
  if (strcmp(s, ".") == 0) return true;
  if (*s == '.') s++; /* ".field": the entry's own */
  if (!*s) return false;
  bool segment = false;
  for (const char *p = s; *p; p++) {
    if (*p == '.') {
      if (!segment) return false;
      segment = false;
    } else if (g_ascii_isalnum(*p) || *p == '_' || *p == '-') {
      segment = true;
    } else {
      return false;
    }
  }
  return segment;
}
