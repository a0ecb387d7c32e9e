/* yaml-hint: see yaml-hint.h.
 *
 * Lines are split as libyaml splits them (LF, CR LF, CR, NEL, LS, PS), so
 * its marks and these offsets agree; columns count characters.  The
 * indentation levels of the lines above an error are found with a stack,
 * the way YAML itself nests block maps and lists: a line pops every level
 * at or right of its indentation and pushes its own ("- " items and the
 * key after them).  Block scalars (`|`, `>`) and continuation lines are
 * skipped, which is all the structure a hint needs.
 */
#include "yaml-hint.h"

#include <glib.h>
#include <string.h>

/* The width of the line break at `p` (0 if there is none). */
static size_t break_width(const char *p, const char *end) {
  if (p >= end) return 0;
  if (*p == '\n') return 1;
  if (*p == '\r') return p + 1 < end && p[1] == '\n' ? 2 : 1;
  if ((unsigned char)*p == 0xC2 && p + 1 < end && (unsigned char)p[1] == 0x85)
    return 2;
  if ((unsigned char)*p == 0xE2 && p + 2 < end &&
      (unsigned char)p[1] == 0x80 &&
      ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9))
    return 3;
  return 0;
}

/* The end of the line starting at `p` (its break, or the text's end). */
static const char *line_end(const char *p, const char *end) {
  while (p < end && !break_width(p, end)) p++;
  return p;
}

size_t dp_yaml_offset(const char *text, size_t length, size_t line,
                      size_t column, dp_yaml_cursor *hint) {
  const char *end = text + length;
  size_t l = 0;
  const char *p = text;
  if (length >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) p += 3;
  if (hint && hint->line <= line && hint->offset <= length &&
      (hint->line > 0 || hint->offset > 0)) {
    l = hint->line;
    p = text + hint->offset;
  }
  while (l < line) {
    p = line_end(p, end);
    size_t w = break_width(p, end);
    if (!w) return (size_t)-1;
    p += w;
    l++;
  }
  if (hint) *hint = (dp_yaml_cursor){line, (size_t)(p - text)};
  for (size_t c = 0; c < column; c++) {
    if (p >= end || break_width(p, end)) return (size_t)-1;
    p = g_utf8_next_char(p);
  }
  return p <= end ? (size_t)(p - text) : (size_t)-1;
}

/* ---- one line --------------------------------------------------------- */

typedef struct line {
  const char *start, *end; /* without the break */
  size_t number;           /* 0-based */
} line;

static bool get_line(const char *text, size_t length, size_t number,
                     line *out) {
  size_t offset = dp_yaml_offset(text, length, number, 0, NULL);
  if (offset == (size_t)-1) return false;
  out->start = text + offset;
  out->end = line_end(out->start, text + length);
  out->number = number;
  return true;
}

/* Lines one after another, from the first: every search here goes forward
 * through the file once, so a hint costs time linear in the file. */
typedef struct lines {
  const char *p, *end;
  size_t number;
} lines;

static void lines_init(lines *it, const char *text, size_t length) {
  it->p = text;
  if (length >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) it->p += 3;
  it->end = text + length;
  it->number = 0;
}

static bool lines_next(lines *it, line *out) {
  if (!it->p) return false;
  out->start = it->p;
  out->end = line_end(it->p, it->end);
  out->number = it->number++;
  size_t w = break_width(out->end, it->end);
  it->p = w ? out->end + w : NULL;
  return true;
}

/* Characters from the line's start to `p`: a 1-based column is this + 1. */
static size_t column_of(const line *l, const char *p) {
  return (size_t)g_utf8_strlen(l->start, p - l->start);
}

static const char *skip_spaces(const char *p, const char *end) {
  while (p < end && *p == ' ') p++;
  return p;
}

/* Where a line's content starts after its "- " item markers. */
static const char *after_dashes(const char *p, const char *end) {
  while (p < end && *p == '-' && (p + 1 == end || p[1] == ' '))
    p = skip_spaces(p + 1, end);
  return p;
}

/* The ':' that ends a key at `p` ("key: value" or "key:" at the end), or
 * NULL.  A key does not start with a quote or a flow bracket here. */
static const char *key_colon(const char *p, const char *end) {
  if (p >= end || strchr("\"'[{#", *p)) return NULL;
  for (const char *q = p; q < end; q++) {
    if (*q == ':' && (q + 1 == end || q[1] == ' ' || q[1] == '\t')) return q;
    if (*q == ' ' && q + 1 < end && q[1] == '#') return NULL;
  }
  return NULL;
}

static bool blank_or_comment(const line *l) {
  const char *p = l->start;
  while (p < l->end && (*p == ' ' || *p == '\t')) p++;
  return p == l->end || *p == '#';
}

/* ---- the mistakes -------------------------------------------------------- */

static char *tab_hint(const line *l, const char *problem_at, int *column) {
  /* A tab in the indentation, or where libyaml stopped. */
  const char *p = l->start;
  while (p < l->end && (*p == ' ' || *p == '\t' || *p == '-')) {
    if (*p == '\t') break;
    p++;
  }
  if (p >= l->end || *p != '\t') {
    if (!problem_at || problem_at >= l->end || *problem_at != '\t')
      return NULL;
    p = problem_at;
  }
  *column = (int)column_of(l, p) + 1;
  return g_strdup("a tab character: YAML indents with spaces only; replace "
                  "the tab with spaces");
}

/* `"` inside double quotes and `\` need escaping in a suggested value. */
static char *double_quoted(const char *p, const char *end) {
  GString *s = g_string_new("\"");
  for (; p < end; p++) {
    if (*p == '"' || *p == '\\') g_string_append_c(s, '\\');
    g_string_append_c(s, *p);
  }
  g_string_append_c(s, '"');
  return g_string_free(s, FALSE);
}

/* "title: Winches: A Study": the second ': ' is taken for a key. */
static char *colon_hint(const line *l, const char *problem_at, int *column) {
  const char *content = after_dashes(skip_spaces(l->start, l->end), l->end);
  const char *colon = key_colon(content, l->end);
  if (!colon || !problem_at || problem_at <= colon) return NULL;
  const char *value = skip_spaces(colon + 1, l->end);
  const char *value_end = l->end;
  while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\r'))
    value_end--;
  *column = (int)column_of(l, problem_at) + 1;
  if (g_utf8_strlen(value, value_end - value) > 60 || *value == '"' ||
      *value == '\'')
    return g_strdup("': ' inside a value makes YAML take it for a key: put "
                    "the whole value in double quotes");
  char *quoted = double_quoted(value, value_end);
  char *hint = g_strdup_printf("': ' inside a value makes YAML take it for a "
                               "key: put the value in double quotes, "
                               "%.*s: %s", (int)(colon - content), content,
                               quoted);
  g_free(quoted);
  return hint;
}

/* A quoted value is closed on its line when another `q` (not escaped: `\"`
 * in double quotes, `''` in single ones) follows the opening one. */
static bool closed_on_line(const char *open, const char *end) {
  char q = *open;
  for (const char *p = open + 1; p < end; p++) {
    if (q == '"' && *p == '\\') {
      p++;
    } else if (*p == q) {
      if (q == '\'' && p + 1 < end && p[1] == '\'') p++;
      else return true;
    }
  }
  return false;
}

/* The quote a line's value opens with ("key: 'x", "- \"x"), or NULL. */
static const char *opening_quote(const line *l) {
  const char *p = after_dashes(skip_spaces(l->start, l->end), l->end);
  const char *colon = key_colon(p, l->end);
  if (colon) p = skip_spaces(colon + 1, l->end);
  return p < l->end && (*p == '"' || *p == '\'') ? p : NULL;
}

/* libyaml stopped right after a closing quote: text after a quoted value on
 * the same line, or a quote opened lines above and closed by the next
 * quote character in the file. */
static char *quote_hint(const char *text, size_t length, const line *l,
                        const char *problem_at, size_t first_line, int *row,
                        int *column) {
  if (!problem_at) return NULL;
  const char *q = problem_at;
  while (q > l->start && q[-1] == ' ') q--;
  if (q == l->start || (q[-1] != '"' && q[-1] != '\'')) return NULL;
  char quote = q[-1];
  const char *open = opening_quote(l);
  if (open && open < q - 1 && *open == quote) {
    *row = (int)l->number + 1;
    *column = (int)column_of(l, problem_at) + 1;
    return g_strdup("text after the closing quote: put the whole value "
                    "inside the quotes");
  }
  /* The last line above that opens a quote it does not close. */
  lines it;
  lines_init(&it, text, length);
  line above, found = {NULL, NULL, 0};
  const char *found_open = NULL;
  while (lines_next(&it, &above) && above.number < l->number) {
    if (above.number < first_line) continue;
    open = opening_quote(&above);
    if (open && *open == quote && !closed_on_line(open, above.end)) {
      found = above;
      found_open = open;
    }
  }
  if (found_open) {
    *row = (int)found.number + 1;
    *column = (int)column_of(&found, found_open) + 1;
    return g_strdup_printf("the quote (%c) that opens this text is not "
                           "closed on its line, so YAML reads on to the "
                           "next %c (line %zu): end the text with %c",
                           quote, quote, l->number + 1, quote);
  }
  return NULL;
}

/* An indentation level of the lines above: a key or a "- " item. */
typedef struct level {
  size_t column;   /* 0-based */
  size_t line;     /* 0-based */
  const char *key; /* NULL for a "- " */
  int key_length;
} level;

/* The levels open at line `number`: what a line there may line up with. */
static GArray *levels_before(const char *text, size_t length, size_t number) {
  GArray *stack = g_array_new(FALSE, FALSE, sizeof(level));
  size_t block_indent = (size_t)-1; /* inside a | or > block scalar */
  lines it;
  lines_init(&it, text, length);
  line l;
  while (lines_next(&it, &l) && l.number < number) {
    size_t n = l.number;
    if (blank_or_comment(&l)) continue;
    const char *p = skip_spaces(l.start, l.end);
    size_t indent = (size_t)(p - l.start);
    if (block_indent != (size_t)-1) {
      if (indent > block_indent) continue;
      block_indent = (size_t)-1;
    }
    const char *content = after_dashes(p, l.end);
    const char *colon = key_colon(content, l.end);
    if (content == p && !colon) continue; /* more of a value above */
    while (stack->len &&
           g_array_index(stack, level, stack->len - 1).column >= indent)
      g_array_set_size(stack, stack->len - 1);
    /* Spaces and dashes are one byte each: columns are byte counts. */
    for (const char *d = p; d < content; d = skip_spaces(d + 1, l.end)) {
      level dash = {(size_t)(d - l.start), n, NULL, 0};
      g_array_append_val(stack, dash);
    }
    if (colon) {
      level key = {(size_t)(content - l.start), n, content,
                   (int)(colon - content)};
      g_array_append_val(stack, key);
      const char *value = skip_spaces(colon + 1, l.end);
      if (value < l.end && (*value == '|' || *value == '>'))
        block_indent = indent;
    }
  }
  return stack;
}

static void describe_level(GString *out, const level *lv) {
  g_string_append_printf(out, "by %zu space%s, as ", lv->column,
                         lv->column == 1 ? "" : "s");
  if (lv->key)
    g_string_append_printf(out, "'%.*s'", lv->key_length, lv->key);
  else
    g_string_append(out, "the '-'");
  g_string_append_printf(out, " on line %zu", lv->line + 1);
}

/* A line indented to no level above it. */
static char *indent_hint(const char *text, size_t length, const line *l,
                         int *column) {
  const char *p = skip_spaces(l->start, l->end);
  if (p >= l->end || *p == '\t') return NULL;
  size_t indent = (size_t)(p - l->start);
  bool dash = after_dashes(p, l->end) != p;
  const char *colon = dash ? NULL : key_colon(p, l->end);
  GArray *stack = levels_before(text, length, l->number);
  const level *below = NULL, *above = NULL;
  for (guint i = 0; i < stack->len; i++) {
    const level *lv = &g_array_index(stack, level, i);
    if ((lv->key == NULL) != dash) continue;
    if (lv->column < indent && (!below || lv->column > below->column))
      below = lv;
    if (lv->column > indent && (!above || lv->column < above->column))
      above = lv;
  }
  char *hint = NULL;
  if (below || above) {
    GString *out = g_string_new(NULL);
    if (colon)
      g_string_append_printf(out, "'%.*s'", (int)(colon - p), p);
    else
      g_string_append(out, dash ? "this '-'" : "this line");
    g_string_append_printf(out, " is indented by %zu space%s, which lines "
                           "it up with nothing above it: indent it ", indent,
                           indent == 1 ? "" : "s");
    const level *first = below, *second = above;
    if (!below || (above && above->column - indent < indent - below->column)) {
      first = above;
      second = below;
    }
    describe_level(out, first);
    if (second) {
      g_string_append(out, ", or ");
      describe_level(out, second);
    }
    *column = (int)indent + 1;
    hint = g_string_free(out, FALSE);
  }
  g_array_free(stack, TRUE);
  return hint;
}

/* "kind: public-defence" then "     start: …" indented deeper: YAML reads
 * the second line as more of the first value. */
static char *deeper_hint(const char *text, size_t length, const line *l,
                         int *column) {
  const char *p = skip_spaces(l->start, l->end);
  const char *colon = key_colon(p, l->end);
  if (!colon) return NULL;
  /* The last line above with something on it. */
  lines it;
  lines_init(&it, text, length);
  line above, last = {NULL, NULL, 0};
  while (lines_next(&it, &above) && above.number < l->number)
    if (!blank_or_comment(&above)) last = above;
  if (!last.start) return NULL;
  const char *q = after_dashes(skip_spaces(last.start, last.end), last.end);
  const char *above_colon = key_colon(q, last.end);
  if (!above_colon) return NULL;
  size_t key_column = column_of(&last, q);
  if (column_of(l, p) <= key_column) return NULL;
  *column = (int)column_of(l, p) + 1;
  return g_strdup_printf("'%.*s' is indented more than '%.*s' on line %zu, "
                         "so YAML reads it as more of that value: indent it "
                         "by %zu space%s, as '%.*s'", (int)(colon - p), p,
                         (int)(above_colon - q), q, last.number + 1,
                         key_column, key_column == 1 ? "" : "s",
                         (int)(above_colon - q), q);
}

char *dp_yaml_explain(const char *text, size_t length,
                      const dp_yaml_error *error, int *row, int *column) {
  const char *problem = error->problem ? error->problem : "";
  const char *context = error->context ? error->context : "";
  line l;
  if (!get_line(text, length, error->problem_line, &l)) return NULL;
  size_t at = dp_yaml_offset(text, length, error->problem_line,
                             error->problem_column, NULL);
  const char *problem_at = at == (size_t)-1 ? NULL : text + at;
  *row = (int)error->problem_line + 1;
  char *hint = tab_hint(&l, problem_at, column);
  if (hint) return hint;

  if (strstr(problem, "unexpected end of stream") &&
      strstr(context, "quoted scalar")) {
    line open;
    if (!get_line(text, length, error->context_line, &open)) return NULL;
    size_t o = dp_yaml_offset(text, length, error->context_line,
                              error->context_column, NULL);
    if (o == (size_t)-1 || (text[o] != '"' && text[o] != '\'')) return NULL;
    *row = (int)error->context_line + 1;
    *column = (int)error->context_column + 1;
    return g_strdup_printf("the quote (%c) that opens this text is never "
                           "closed: end the text with %c", text[o], text[o]);
  }
  if ((strstr(problem, "escape") || strstr(problem, "hexdecimal")) &&
      problem_at) {
    const char *b = problem_at;
    while (b > l.start && *b != '\\') b--;
    if (*b != '\\') return NULL;
    *column = (int)column_of(&l, b) + 1;
    return g_strdup("in double quotes '\\' starts an escape such as \\n: "
                    "write '\\\\' for a backslash, or use single quotes");
  }
  hint = quote_hint(text, length, &l, problem_at,
                    error->context ? error->context_line : 0, row, column);
  if (hint) return hint;
  if (strstr(problem, "mapping values are not allowed")) {
    hint = colon_hint(&l, problem_at, column);
    if (!hint) hint = deeper_hint(text, length, &l, column);
    return hint;
  }
  /* libyaml stopped where the line starts: it lines up with no level. */
  if (problem_at && problem_at == skip_spaces(l.start, l.end) &&
      (strstr(problem, "did not find expected") ||
       strstr(problem, "not allowed")))
    return indent_hint(text, length, &l, column);
  return NULL;
}
