/* template: see template.h for the language.
 *
 * A template is parsed once into a flat list of ops:
 *
 *   template    ::= ( literal | placeholder | group )*
 *   group       ::= '[' template ']'            (GROUP_BEGIN ... GROUP_END)
 *   placeholder ::= '{' alternative ( '||' alternative )* '}'
 *   alternative ::= source ( '|' filter )*
 *   source      ::= path | '.' | '#' | 'label:' KEY | 'format:' KEY | QUOTED
 *   filter      ::= NAME ( ':' argument )*
 *   argument    ::= QUOTED | BARE
 *
 * Escapes in literal text: "{{" "}}" "\[" "\]" "\\".  QUOTED is '...' or
 * "..." with \' \" \\ inside.  Spaces may surround '||', '|' and the
 * source.  A path is a dotted name ("candidate.name", "events.0.start");
 * its characters are letters (any script), digits, '_', '-' and '.'.
 *
 * Expansion walks the ops once.  A group remembers where the output
 * stood when it began; an empty placeholder inside it cuts the output
 * back there and jumps past the group's end (a GROUP_BEGIN knows the
 * index of its GROUP_END).
 *
 * Filters (all in filter_table below): date, time, time-long, datetime,
 * date-short,
 * weekday, day, month, year and date:'PATTERN' (datefmt.h); upper and
 * lower (in the document's language: ICU case mapping, spans kept);
 * label (the text as a label key, or as given when it is none);
 * join:'SEP' and join:'SEP':'LAST' (a list, or a map such as a venue:
 * its texts in order without the `map` and `url` links); first; count;
 * default:'TEXT'; plain (drops spans); url (one link to the text
 * itself); strip-scheme (shows "https://x/" as "x", still linked).
 *
 * A placeholder is evaluated as a "piece": first the value the source
 * names (a dp_value, or a text for labels, literals and folios), then each
 * filter in turn.  Filters that need the value (date, join, first, count)
 * see it; the others turn it into text with spans first.
 */
#include "template.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "datefmt.h"
#include "label-tables.h"
#include "labels.h"

/* ----------------------------------------------------------------------
 * dp_textbuf
 */

void dp_textbuf_init(dp_textbuf *buf) { memset(buf, 0, sizeof *buf); }

void dp_textbuf_clear(dp_textbuf *buf) {
  for (size_t i = 0; i < buf->span_count; i++) g_free(buf->spans[i].url);
  g_free(buf->spans);
  for (size_t i = 0; i < buf->field_count; i++) g_free(buf->fields[i].path);
  g_free(buf->fields);
  g_free(buf->text);
  dp_textbuf_init(buf);
}

void dp_textbuf_append(dp_textbuf *buf, const char *text, size_t length) {
  if (buf->length + length + 1 > buf->capacity) {
    size_t capacity = MAX(buf->capacity * 2, 64);
    while (capacity < buf->length + length + 1) capacity *= 2;
    buf->text = g_realloc(buf->text, capacity);
    buf->capacity = capacity;
  }
  if (length) memcpy(buf->text + buf->length, text, length);
  buf->length += length;
  buf->text[buf->length] = '\0';
}

/* Adds a span (url copied) at the end of the list. */
static void textbuf_add_span(dp_textbuf *buf, dp_span_kind kind, size_t start,
                             size_t end, const char *url,
                             const struct dp_style *style) {
  if (buf->span_count == buf->span_capacity) {
    buf->span_capacity = MAX(buf->span_capacity * 2, 4);
    buf->spans = g_renew(dp_span, buf->spans, buf->span_capacity);
  }
  buf->spans[buf->span_count++] =
      (dp_span){.kind = kind, .start = (unsigned)start, .end = (unsigned)end,
                .url = g_strdup(url), .style = style};
}

void dp_textbuf_append_span(dp_textbuf *buf, const char *text, size_t length,
                            dp_span_kind kind, const char *url) {
  size_t start = buf->length;
  dp_textbuf_append(buf, text, length);
  textbuf_add_span(buf, kind, start, buf->length, url, NULL);
}

/* Appends text whose own spans are `spans` (offsets into `text`), shifted
 * to where the text lands. */
static void textbuf_append_spans(dp_textbuf *buf, const char *text,
                                 size_t length, const dp_span *spans,
                                 size_t span_count) {
  size_t shift = buf->length;
  dp_textbuf_append(buf, text, length);
  for (size_t i = 0; i < span_count; i++)
    textbuf_add_span(buf, spans[i].kind, shift + spans[i].start,
                     shift + spans[i].end, spans[i].url, spans[i].style);
}

/* Notes that bytes [start, end) came from the document field `path`,
 * whose value is at `mark`. */
static void textbuf_add_field(dp_textbuf *buf, size_t start, size_t end,
                              const char *path, dp_mark mark) {
  if (buf->field_count == buf->field_capacity) {
    buf->field_capacity = MAX(buf->field_capacity * 2, 4);
    buf->fields = g_renew(dp_text_field, buf->fields, buf->field_capacity);
  }
  buf->fields[buf->field_count++] =
      (dp_text_field){(unsigned)start, (unsigned)end, g_strdup(path), mark};
}

/* Cuts the buffer back to `length` bytes and `span_count` spans (and the
 * fields that end within the bytes kept). */
static void textbuf_truncate(dp_textbuf *buf, size_t length,
                             size_t span_count) {
  for (size_t i = span_count; i < buf->span_count; i++)
    g_free(buf->spans[i].url);
  buf->span_count = span_count;
  while (buf->field_count > 0 &&
         buf->fields[buf->field_count - 1].end > length)
    g_free(buf->fields[--buf->field_count].path);
  buf->length = length;
  if (buf->text) buf->text[length] = '\0';
}

static void textbuf_drop_spans(dp_textbuf *buf) {
  textbuf_truncate(buf, buf->length, 0);
}

/* Moves `from` into `to` (cleared first). */
static void textbuf_take(dp_textbuf *to, dp_textbuf *from) {
  dp_textbuf_clear(to);
  *to = *from;
  dp_textbuf_init(from);
}

/* ----------------------------------------------------------------------
 * The parsed form
 */

typedef enum filter_kind {
  FILTER_DATE, /* with an argument: an ICU pattern */
  FILTER_TIME,
  FILTER_TIME_LONG,
  FILTER_DATETIME,
  FILTER_DATE_SHORT,
  FILTER_WEEKDAY,
  FILTER_DAY,
  FILTER_MONTH,
  FILTER_YEAR,
  FILTER_UPPER,
  FILTER_LOWER,
  FILTER_LABEL,
  FILTER_JOIN,
  FILTER_FIRST,
  FILTER_COUNT,
  FILTER_DEFAULT,
  FILTER_PLAIN,
  FILTER_URL,
  FILTER_STRIP_SCHEME
} filter_kind;

static const struct filter_info {
  const char *name;
  filter_kind kind;
  int min_args, max_args;
  const char *what; /* for date filters: the datefmt name */
} filter_table[] = {
    {"date", FILTER_DATE, 0, 1, "date"},
    {"time", FILTER_TIME, 0, 0, "time"},
    {"time-long", FILTER_TIME_LONG, 0, 0, "time-long"},
    {"datetime", FILTER_DATETIME, 0, 0, "datetime"},
    {"date-short", FILTER_DATE_SHORT, 0, 0, "date-short"},
    {"weekday", FILTER_WEEKDAY, 0, 0, "weekday"},
    {"day", FILTER_DAY, 0, 0, "day"},
    {"month", FILTER_MONTH, 0, 0, "month"},
    {"year", FILTER_YEAR, 0, 0, "year"},
    {"upper", FILTER_UPPER, 0, 0, NULL},
    {"lower", FILTER_LOWER, 0, 0, NULL},
    {"label", FILTER_LABEL, 0, 0, NULL},
    {"join", FILTER_JOIN, 1, 2, NULL},
    {"first", FILTER_FIRST, 0, 0, NULL},
    {"count", FILTER_COUNT, 0, 0, NULL},
    {"default", FILTER_DEFAULT, 1, 1, NULL},
    {"plain", FILTER_PLAIN, 0, 0, NULL},
    {"url", FILTER_URL, 0, 0, NULL},
    {"strip-scheme", FILTER_STRIP_SCHEME, 0, 0, NULL},
};

/* Filter names, NULL-terminated, for "did you mean". */
static const char *const filter_names[] = {
    "date", "time", "time-long", "datetime", "date-short", "weekday", "day", "month",
    "year", "upper", "lower", "label", "join", "first", "count", "default",
    "plain", "url", "strip-scheme", NULL};

typedef struct filter {
  const struct filter_info *info;
  char *args[2];
  int arg_count;
} filter;

typedef enum source_kind {
  SOURCE_PATH,    /* a dotted path in the scope */
  SOURCE_ITEM,    /* {.} */
  SOURCE_INDEX,   /* {#} */
  SOURCE_PAGE,    /* {page} */
  SOURCE_PAGES,   /* {pages} */
  SOURCE_LABEL,   /* {label:KEY} */
  SOURCE_FORMAT,  /* {format:KEY}: a template label, expanded */
  SOURCE_LITERAL  /* {'text'} */
} source_kind;

typedef struct alternative {
  source_kind kind;
  char *text; /* the path, label key or literal */
  filter *filters;
  size_t filter_count;
} alternative;

typedef enum op_kind {
  OP_LITERAL,
  OP_PLACEHOLDER,
  OP_GROUP_BEGIN,
  OP_GROUP_END
} op_kind;

typedef struct op {
  op_kind kind;
  char *text; /* OP_LITERAL, unescaped */
  size_t length;
  alternative *alternatives; /* OP_PLACEHOLDER */
  size_t alternative_count;
  size_t end; /* OP_GROUP_BEGIN: index of its OP_GROUP_END */
} op;

struct dp_template {
  op *ops;
  size_t count;
  bool uses_folio;
};

static void alternative_clear(alternative *alt) {
  for (size_t i = 0; i < alt->filter_count; i++) {
    g_free(alt->filters[i].args[0]);
    g_free(alt->filters[i].args[1]);
  }
  g_free(alt->filters);
  g_free(alt->text);
}

static void op_clear(op *o) {
  g_free(o->text);
  for (size_t i = 0; i < o->alternative_count; i++)
    alternative_clear(&o->alternatives[i]);
  g_free(o->alternatives);
}

void dp_template_free(dp_template *tmpl) {
  if (!tmpl) return;
  for (size_t i = 0; i < tmpl->count; i++) op_clear(&tmpl->ops[i]);
  g_free(tmpl->ops);
  g_free(tmpl);
}

bool dp_template_uses_folio(const dp_template *tmpl) {
  return tmpl && tmpl->uses_folio;
}

/* ----------------------------------------------------------------------
 * Parsing
 */

typedef struct parser {
  dp_diag *diag;
  const char *src;
  dp_mark mark;
  GArray *ops;          /* op */
  GArray *groups;       /* open groups: struct open_group */
  GString *literal;     /* literal text not yet made an op */
  size_t placeholders;  /* placeholders so far */
  bool uses_folio;
  bool in_label;        /* parsing a label's template: no {format:} */
} parser;

struct open_group {
  size_t op;           /* index of the GROUP_BEGIN */
  size_t offset;       /* byte offset of the '[' */
  size_t placeholders; /* placeholders before it */
};

/* Reports at byte `offset` of the source: columns count characters. */
static void parse_error(parser *p, size_t offset, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void parse_error(parser *p, size_t offset, const char *format, ...) {
  dp_mark mark = dp_mark_advance(p->mark, p->src, offset, 1);
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  dp_error(p->diag, mark, "%s", message);
  g_free(message);
}

static void flush_literal(parser *p) {
  if (p->literal->len == 0) return;
  op o = {0};
  o.kind = OP_LITERAL;
  o.length = p->literal->len;
  o.text = g_strndup(p->literal->str, p->literal->len);
  g_array_append_val(p->ops, o);
  g_string_truncate(p->literal, 0);
}

static bool is_name_char(char c) {
  return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.' ||
         (unsigned char)c >= 0x80;
}

static size_t skip_spaces(const char *s, size_t i) {
  while (s[i] == ' ' || s[i] == '\t') i++;
  return i;
}

/* A description of the character at `s` for messages ("'x'", "the end").
 * Returns a static or `buf`. */
static const char *describe(const char *s, char *buf, size_t size) {
  if (!*s) return "the end of the template";
  const char *next = g_utf8_find_next_char(s, NULL);
  size_t n = next ? (size_t)(next - s) : 1;
  snprintf(buf, size, "'%.*s'", (int)n, s);
  return buf;
}

/* Reads a quoted string at `*i` (on the quote).  Returns NULL after
 * reporting an unclosed quote. */
static char *parse_quoted(parser *p, size_t *i) {
  const char *s = p->src;
  char quote = s[*i];
  size_t start = *i;
  GString *out = g_string_new(NULL);
  size_t j = *i + 1;
  for (;; j++) {
    if (!s[j]) {
      parse_error(p, start, "unclosed quote %c", quote);
      g_string_free(out, TRUE);
      return NULL;
    }
    if (s[j] == '\\' && (s[j + 1] == quote || s[j + 1] == '\\')) {
      g_string_append_c(out, s[++j]);
      continue;
    }
    if (s[j] == quote) break;
    g_string_append_c(out, s[j]);
  }
  *i = j + 1;
  return g_string_free(out, FALSE);
}

/* Reads a filter argument or label key: quoted or bare.  NULL after
 * reporting. */
static char *parse_argument(parser *p, size_t *i, const char *what) {
  const char *s = p->src;
  *i = skip_spaces(s, *i);
  if (s[*i] == '\'' || s[*i] == '"') return parse_quoted(p, i);
  size_t start = *i;
  while (is_name_char(s[*i])) (*i)++;
  if (*i == start) {
    char buf[16];
    parse_error(p, start, "expected %s, got %s", what,
                describe(s + start, buf, sizeof buf));
    return NULL;
  }
  return g_strndup(s + start, *i - start);
}

static const struct filter_info *find_filter(const char *name) {
  for (size_t k = 0; k < G_N_ELEMENTS(filter_table); k++)
    if (strcmp(filter_table[k].name, name) == 0) return &filter_table[k];
  return NULL;
}

/* Reads one filter after its '|'.  False after reporting. */
static bool parse_filter(parser *p, size_t *i, alternative *alt) {
  const char *s = p->src;
  *i = skip_spaces(s, *i);
  size_t start = *i;
  while (g_ascii_isalnum(s[*i]) || s[*i] == '-' || s[*i] == '_') (*i)++;
  if (*i == start) {
    char buf[16];
    parse_error(p, start, "expected a filter name after '|', got %s",
                describe(s + start, buf, sizeof buf));
    return false;
  }
  char *name = g_strndup(s + start, *i - start);
  const struct filter_info *info = find_filter(name);
  if (!info) {
    const char *suggestion = dp_diag_suggest(name, filter_names);
    if (suggestion)
      parse_error(p, start, "unknown filter '%s' (did you mean '%s'?)", name,
                  suggestion);
    else
      parse_error(p, start, "unknown filter '%s'", name);
    g_free(name);
    return false;
  }
  g_free(name);

  filter f = {info, {NULL, NULL}, 0};
  alt->filters = g_renew(filter, alt->filters, alt->filter_count + 1);
  alt->filters[alt->filter_count++] = f;
  filter *added = &alt->filters[alt->filter_count - 1];
  size_t first_arg = 0;
  for (;;) {
    size_t j = skip_spaces(s, *i);
    if (s[j] != ':') break;
    if (added->arg_count == info->max_args) {
      if (info->max_args == 0)
        parse_error(p, j, "filter '%s' takes no argument", info->name);
      else
        parse_error(p, j, "filter '%s' takes at most %d argument%s",
                    info->name, info->max_args,
                    info->max_args == 1 ? "" : "s");
      return false;
    }
    *i = j + 1;
    size_t arg_start = skip_spaces(s, *i);
    if (added->arg_count == 0) first_arg = arg_start;
    char *arg = parse_argument(p, i, "an argument");
    if (!arg) return false;
    added->args[added->arg_count++] = arg;
  }
  if (added->arg_count < info->min_args) {
    parse_error(p, start, "filter '%s' needs an argument (%s:'...')",
                info->name, info->name);
    return false;
  }
  if (info->kind == FILTER_DATE && added->arg_count == 1) {
    char *message = NULL;
    if (!dp_datefmt_check_pattern(added->args[0], &message)) {
      parse_error(p, first_arg, "%s", message);
      g_free(message);
      return false;
    }
  }
  return true;
}

/* Reads the source of an alternative.  False after reporting. */
static bool parse_source(parser *p, size_t *i, alternative *alt) {
  const char *s = p->src;
  *i = skip_spaces(s, *i);
  size_t start = *i;
  char c = s[start];
  if (c == '\'' || c == '"') {
    alt->kind = SOURCE_LITERAL;
    alt->text = parse_quoted(p, i);
    return alt->text != NULL;
  }
  if (c == '#') {
    alt->kind = SOURCE_INDEX;
    (*i)++;
    return true;
  }
  if (c == '.' && !is_name_char(s[start + 1])) {
    alt->kind = SOURCE_ITEM;
    (*i)++;
    return true;
  }
  while (is_name_char(s[*i])) (*i)++;
  if (*i == start) {
    char buf[16];
    if (c == '}' || c == '|')
      parse_error(p, start, "expected a field name, got %s",
                  describe(s + start, buf, sizeof buf));
    else
      parse_error(p, start, "unexpected %s in placeholder",
                  describe(s + start, buf, sizeof buf));
    return false;
  }
  alt->text = g_strndup(s + start, *i - start);
  if (strcmp(alt->text, "label") == 0 && s[skip_spaces(s, *i)] == ':') {
    *i = skip_spaces(s, *i) + 1;
    size_t key_start = skip_spaces(s, *i);
    char *key = parse_argument(p, i, "a label key");
    if (!key) return false;
    g_free(alt->text);
    alt->text = key;
    alt->kind = SOURCE_LABEL;
    if (!dp_labels_is_builtin_key(key)) {
      const char *suggestion =
          dp_diag_suggest(key, dp_labels_get_builtin_keys());
      if (suggestion)
        parse_error(p, key_start, "unknown label '%s' (did you mean '%s'?)",
                    key, suggestion);
      else
        parse_error(p, key_start, "unknown label '%s'", key);
      return false;
    }
    return true;
  }
  if (strcmp(alt->text, "format") == 0 && s[skip_spaces(s, *i)] == ':') {
    size_t source_start = start;
    *i = skip_spaces(s, *i) + 1;
    size_t key_start = skip_spaces(s, *i);
    char *key = parse_argument(p, i, "a format key");
    if (!key) return false;
    g_free(alt->text);
    alt->text = key;
    alt->kind = SOURCE_FORMAT;
    if (p->in_label) {
      parse_error(p, source_start, "a label's template cannot use "
                  "'{format:%s}'", key);
      return false;
    }
    if (!dp_label_is_template_key(key)) {
      const char *suggestion = dp_diag_suggest(key, dp_label_template_keys);
      if (suggestion)
        parse_error(p, key_start, "unknown format '%s' (did you mean "
                    "'%s'?)", key, suggestion);
      else
        parse_error(p, key_start, "unknown format '%s'", key);
      return false;
    }
    return true;
  }
  if (strcmp(alt->text, "page") == 0 || strcmp(alt->text, "pages") == 0) {
    alt->kind = alt->text[4] ? SOURCE_PAGES : SOURCE_PAGE;
    p->uses_folio = true;
    return true;
  }
  alt->kind = SOURCE_PATH;
  const char *t = alt->text;
  size_t n = strlen(t);
  for (size_t k = 0; k < n; k++)
    if (t[k] == '.' && (k == n - 1 || t[k + 1] == '.')) {
      parse_error(p, start + k, "empty part in field path '%s'", t);
      return false;
    }
  return true;
}

/* Reads a placeholder at `*i` (on its '{').  False after reporting. */
static bool parse_placeholder(parser *p, size_t *i) {
  const char *s = p->src;
  size_t open = *i;
  size_t j = open + 1;
  GArray *alts = g_array_new(FALSE, TRUE, sizeof(alternative));
  bool ok = false;
  for (;;) {
    alternative alt = {0};
    bool good = parse_source(p, &j, &alt);
    g_array_append_val(alts, alt);
    if (!good) goto done;
    alternative *current = &g_array_index(alts, alternative, alts->len - 1);
    for (;;) {
      j = skip_spaces(s, j);
      if (s[j] == '|' && s[j + 1] != '|') {
        j++;
        if (!parse_filter(p, &j, current)) goto done;
        continue;
      }
      break;
    }
    if (s[j] == '|' && s[j + 1] == '|') {
      j += 2;
      continue;
    }
    if (s[j] == '}') {
      j++;
      break;
    }
    if (!s[j]) {
      parse_error(p, open, "unclosed '{' (write '{{' for a literal brace)");
      goto done;
    }
    char buf[16];
    parse_error(p, j, "unexpected %s in placeholder",
                describe(s + j, buf, sizeof buf));
    goto done;
  }
  op o = {0};
  o.kind = OP_PLACEHOLDER;
  o.alternative_count = alts->len;
  o.alternatives = (alternative *)g_array_free(alts, FALSE);
  alts = NULL;
  g_array_append_val(p->ops, o);
  p->placeholders++;
  *i = j;
  ok = true;
done:
  if (alts) {
    for (size_t k = 0; k < alts->len; k++)
      alternative_clear(&g_array_index(alts, alternative, k));
    g_array_free(alts, TRUE);
  }
  return ok;
}

static dp_template *parse(dp_diag *diag, const char *source, dp_mark mark,
                          bool in_label) {
  parser p = {diag, source ? source : "", mark,
              g_array_new(FALSE, TRUE, sizeof(op)),
              g_array_new(FALSE, FALSE, sizeof(struct open_group)),
              g_string_new(NULL), 0, false, in_label};
  const char *s = p.src;
  bool ok = true;
  size_t i = 0;
  while (ok && s[i]) {
    char c = s[i];
    if (c == '{' && s[i + 1] == '{') {
      g_string_append_c(p.literal, '{');
      i += 2;
    } else if (c == '}' && s[i + 1] == '}') {
      g_string_append_c(p.literal, '}');
      i += 2;
    } else if (c == '\\' && s[i + 1] && strchr("[]\\", s[i + 1])) {
      g_string_append_c(p.literal, s[i + 1]);
      i += 2;
    } else if (c == '{') {
      flush_literal(&p);
      ok = parse_placeholder(&p, &i);
    } else if (c == '}') {
      parse_error(&p, i, "unmatched '}' (write '}}' for a literal brace)");
      ok = false;
    } else if (c == '[') {
      flush_literal(&p);
      struct open_group g = {p.ops->len, i, p.placeholders};
      g_array_append_val(p.groups, g);
      op o = {0};
      o.kind = OP_GROUP_BEGIN;
      g_array_append_val(p.ops, o);
      i++;
    } else if (c == ']') {
      if (p.groups->len == 0) {
        parse_error(&p, i,
                    "unmatched ']' (write '\\]' for a literal bracket)");
        ok = false;
        break;
      }
      struct open_group g =
          g_array_index(p.groups, struct open_group, p.groups->len - 1);
      g_array_set_size(p.groups, p.groups->len - 1);
      if (g.placeholders == p.placeholders) {
        parse_error(&p, g.offset,
                    "optional group without a placeholder (write '\\[' "
                    "for a literal bracket)");
        ok = false;
        break;
      }
      flush_literal(&p);
      op o = {0};
      o.kind = OP_GROUP_END;
      g_array_append_val(p.ops, o);
      g_array_index(p.ops, op, g.op).end = p.ops->len - 1;
      i++;
    } else {
      g_string_append_c(p.literal, c);
      i++;
    }
  }
  if (ok && p.groups->len > 0) {
    struct open_group g =
        g_array_index(p.groups, struct open_group, p.groups->len - 1);
    parse_error(&p, g.offset,
                "unclosed '[' (write '\\[' for a literal bracket)");
    ok = false;
  }
  if (ok) flush_literal(&p);

  g_string_free(p.literal, TRUE);
  g_array_free(p.groups, TRUE);
  dp_template *tmpl = g_new0(dp_template, 1);
  tmpl->count = p.ops->len;
  tmpl->ops = (op *)g_array_free(p.ops, FALSE);
  tmpl->uses_folio = p.uses_folio;
  if (!ok) {
    dp_template_free(tmpl);
    return NULL;
  }
  return tmpl;
}

dp_template *dp_template_parse(dp_diag *diag, const char *source,
                               dp_mark mark) {
  return parse(diag, source, mark, false);
}

dp_template *dp_template_parse_label(dp_diag *diag, const char *source,
                                     dp_mark mark) {
  return parse(diag, source, mark, true);
}

/* ----------------------------------------------------------------------
 * Scopes
 */

const dp_value *dp_scope_lookup(const dp_scope *scope, const char *path) {
  if (!scope || !path) return NULL;
  if (strcmp(path, ".") == 0) return scope->item;
  /* ".field": the entry's own field, never an outer scope's. */
  if (path[0] == '.')
    return scope->item && scope->item->kind == DP_VALUE_MAP
               ? dp_value_lookup(scope->item, path + 1)
               : NULL;
  const dp_value *root = NULL;
  for (const dp_scope *s = scope; s; s = s->parent) {
    if (s->item && s->item->kind == DP_VALUE_MAP) {
      const dp_value *v = dp_value_lookup(s->item, path);
      if (v) return v;
    }
    if (!root) root = s->root;
  }
  return root ? dp_value_lookup(root, path) : NULL;
}

static const char *scope_lang(const dp_scope *scope) {
  for (const dp_scope *s = scope; s; s = s->parent)
    if (s->lang) return s->lang;
  return "en";
}

static const dp_labels *scope_labels(const dp_scope *scope) {
  for (const dp_scope *s = scope; s; s = s->parent)
    if (s->labels) return s->labels;
  return NULL;
}

/* ----------------------------------------------------------------------
 * Values as text
 */

/* FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, LEFT-TO-RIGHT
 * ISOLATE and RIGHT-TO-LEFT ISOLATE, in UTF-8. */
static const char fsi[] = "\xE2\x81\xA8", pdi[] = "\xE2\x81\xA9";
static const char lri[] = "\xE2\x81\xA6", rli[] = "\xE2\x81\xA7";

/* How a placeholder's value is wrapped: not at all (text that leaves
 * the page), or in isolates where it could take part in the ordering of
 * a line whose base direction is left to right, or right to left. */
typedef enum isolation {
  NO_ISOLATES,
  ISOLATE_IN_LTR,
  ISOLATE_IN_RTL
} isolation;

/* Whether text, set in a line of `iso`'s direction, could change the
 * order of what is around it or be reordered by it: it holds an
 * explicit direction control, or a strong character of the other
 * direction (an Arabic name in an English line; a Latin name, a URL or
 * a parenthesis after one in an Arabic line, whose closing ')' would
 * otherwise join the Arabic text after it).  Other text is not isolated
 * (the isolates are characters too: letter-spacing spaces them, and
 * every Latin document would set differently). */
static bool needs_isolating(const char *text, size_t length, isolation iso) {
  if (iso == NO_ISOLATES) return false;
  bool rtl = iso == ISOLATE_IN_RTL;
  for (const char *p = text, *end = text + length; p < end;
       p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    /* Latin, Greek, Cyrillic, Armenian: left to right or neutral. */
    if (c < 0x0590 && !rtl) continue;
    switch (u_charDirection((UChar32)c)) {
      case U_LEFT_TO_RIGHT:
        if (rtl) return true;
        break;
      case U_RIGHT_TO_LEFT:
      case U_RIGHT_TO_LEFT_ARABIC:
      case U_ARABIC_NUMBER:
        if (!rtl) return true;
        break;
      case U_LEFT_TO_RIGHT_EMBEDDING:
      case U_LEFT_TO_RIGHT_OVERRIDE:
      case U_RIGHT_TO_LEFT_EMBEDDING:
      case U_RIGHT_TO_LEFT_OVERRIDE:
      case U_POP_DIRECTIONAL_FORMAT:
      case U_FIRST_STRONG_ISOLATE:
      case U_LEFT_TO_RIGHT_ISOLATE:
      case U_RIGHT_TO_LEFT_ISOLATE:
      case U_POP_DIRECTIONAL_ISOLATE:
        return true;
      default:
        break;
    }
  }
  return false;
}

/* Whether text has strong characters of both directions (a Latin
 * title before an Arabic name). */
static bool mixes_directions(const char *text, size_t length) {
  bool ltr = false, rtl = false;
  for (const char *p = text, *end = text + length; p < end && !(ltr && rtl);
       p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    switch (u_charDirection((UChar32)c)) {
      case U_LEFT_TO_RIGHT:
        ltr = true;
        break;
      case U_RIGHT_TO_LEFT:
      case U_RIGHT_TO_LEFT_ARABIC:
        rtl = true;
        break;
      default:
        break;
    }
  }
  return ltr && rtl;
}

static void append_value(dp_textbuf *buf, const dp_value *value,
                         isolation isolate);
static bool expand(const dp_template *tmpl, const dp_scope *scope,
                   isolation isolate, dp_textbuf *out);

static void append_datetime_iso(dp_textbuf *buf, const dp_datetime *dt) {
  char iso[64];
  int n = dt->has_time
              ? snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d",
                         dt->year, dt->month, dt->day, dt->hour, dt->minute)
              : snprintf(iso, sizeof iso, "%04d-%02d-%02d", dt->year,
                         dt->month, dt->day);
  dp_textbuf_append(buf, iso, (size_t)n);
}

/* Items of a list joined by `separator`, the last pair by `last` (NULL:
 * `separator`).  Empty items are skipped with their separator.  A map
 * (a venue) joins its texts in document order, leaving out links (`map`,
 * `url`), which are for clicking, not for reading. */
static void append_joined(dp_textbuf *buf, const dp_value *list,
                          const char *separator, const char *last,
                          isolation isolate) {
  dp_textbuf *items = g_new(dp_textbuf, list->count ? list->count : 1);
  size_t shown = 0;
  for (size_t i = 0; i < list->count; i++) {
    if (list->kind == DP_VALUE_MAP &&
        (!strcmp(list->keys[i], "map") || !strcmp(list->keys[i], "url")))
      continue;
    dp_textbuf_init(&items[shown]);
    append_value(&items[shown], list->items[i], isolate);
    if (items[shown].length > 0)
      shown++;
    else
      dp_textbuf_clear(&items[shown]);
  }
  for (size_t i = 0; i < shown; i++) {
    if (i > 0) {
      const char *sep = (i == shown - 1 && last) ? last : separator;
      dp_textbuf_append(buf, sep, strlen(sep));
    }
    /* Each item in its own isolate: an Arabic affiliation followed by an
     * English one keeps them in the list's order. */
    bool own = needs_isolating(items[i].text, items[i].length, isolate);
    if (own) dp_textbuf_append(buf, fsi, sizeof fsi - 1);
    textbuf_append_spans(buf, items[i].text, items[i].length, items[i].spans,
                         items[i].span_count);
    if (own) dp_textbuf_append(buf, pdi, sizeof pdi - 1);
    dp_textbuf_clear(&items[i]);
  }
  g_free(items);
}

static void append_rich(dp_textbuf *buf, const dp_rich *rich) {
  if (!rich || rich->count == 0) return;
  if (rich->count == 1) {
    const dp_block *b = &rich->blocks[0];
    textbuf_append_spans(buf, b->text, b->length, b->spans, b->span_count);
    return;
  }
  /* Several blocks in one line: their plain texts joined by spaces. */
  for (size_t i = 0; i < rich->count; i++) {
    if (i > 0) dp_textbuf_append(buf, " ", 1);
    dp_textbuf_append(buf, rich->blocks[i].text, rich->blocks[i].length);
  }
}

static void append_value(dp_textbuf *buf, const dp_value *value,
                         isolation isolate) {
  if (!value) return;
  size_t start = buf->length;
  switch (value->kind) {
  case DP_VALUE_TEXT:
    if (value->text) dp_textbuf_append(buf, value->text, strlen(value->text));
    break;
  case DP_VALUE_RICH:
    append_rich(buf, value->rich);
    break;
  case DP_VALUE_BOOL:
    dp_textbuf_append(buf, value->boolean ? "true" : "false",
                      value->boolean ? 4 : 5);
    break;
  case DP_VALUE_DATETIME:
    append_datetime_iso(buf, &value->datetime);
    break;
  case DP_VALUE_LIST:
    append_joined(buf, value, ", ", NULL, isolate);
    break;
  case DP_VALUE_MAP:
    break; /* a map has no text of its own */
  }
  /* What the document says of the text: a person's name, a language of
   * its own (text.c hyphenates by them). */
  if (buf->length > start && value->name)
    textbuf_add_span(buf, DP_SPAN_NAME, start, buf->length, NULL, NULL);
  if (buf->length > start && value->lang)
    textbuf_add_span(buf, DP_SPAN_LANG, start, buf->length, value->lang,
                     NULL);
}

/* ----------------------------------------------------------------------
 * Pieces and filters
 */

/* What a placeholder alternative has produced so far: a value (not yet
 * text, so date, join, first and count can still see it) or a text with
 * spans.  Unset: no value and not text. */
typedef struct piece {
  const dp_value *value;
  bool is_text;
  dp_textbuf text;
  isolation isolate; /* list items get isolates (dp_template_expand_isolated) */
  /* A convention whose values are isolated each: as a whole it is
   * isolated in the line's direction, which its separators take. */
  bool own_direction;
} piece;

static void piece_to_text(piece *pc) {
  if (pc->is_text) return;
  append_value(&pc->text, pc->value, pc->isolate);
  pc->value = NULL;
  pc->is_text = true;
}

static bool piece_is_unset(const piece *pc) {
  return !pc->is_text && !pc->value;
}

/* Replaces the piece's text with `text` (no spans). */
static void piece_set_text(piece *pc, const char *text, size_t length) {
  dp_textbuf_clear(&pc->text);
  dp_textbuf_append(&pc->text, text, length);
  pc->value = NULL;
  pc->is_text = true;
}

/* Reads "YYYY-MM-DD" with an optional "THH:MM" (or " HH:MM", seconds
 * ignored): dates written into free text fields can still be formatted. */
static bool parse_iso(const char *text, dp_datetime *dt) {
  if (!text) return false;
  int y, mo, d, h = 0, mi = 0, used = 0;
  memset(dt, 0, sizeof *dt);
  if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
    return false;
  const char *rest = text + used;
  if (*rest == 'T' || *rest == ' ') {
    int more = 0;
    if (sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &more) != 2 || more != 5)
      return false;
    rest += 1 + more;
    if (rest[0] == ':' && g_ascii_isdigit(rest[1]) && g_ascii_isdigit(rest[2]))
      rest += 3;
    dt->has_time = true;
  }
  if (*rest) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
    return false;
  dt->year = y;
  dt->month = mo;
  dt->day = d;
  dt->hour = h;
  dt->minute = mi;
  return true;
}

static void filter_date(const filter *f, piece *pc, const dp_scope *scope) {
  if (piece_is_unset(pc)) return;
  dp_datetime dt;
  bool have = false;
  if (!pc->is_text && pc->value->kind == DP_VALUE_DATETIME) {
    dt = pc->value->datetime;
    have = true;
  } else if (!pc->is_text && pc->value->kind == DP_VALUE_TEXT) {
    have = parse_iso(pc->value->text, &dt);
  } else if (pc->is_text) {
    have = parse_iso(pc->text.text, &dt);
  }
  if (!have) {
    piece_to_text(pc); /* not a date: shown as it is */
    return;
  }
  const char *lang = scope_lang(scope);
  const dp_labels *labels = scope_labels(scope);
  dp_datefmt_patterns patterns = {NULL, NULL, NULL, NULL, NULL};
  if (labels && dp_labels_has_table(labels)) {
    patterns.date = dp_labels_get(labels, DP_DATEFMT_KEY_DATE);
    patterns.time = dp_labels_get(labels, DP_DATEFMT_KEY_TIME);
    patterns.time_long = dp_labels_get(labels, DP_DATEFMT_KEY_TIME_LONG);
    patterns.datetime = dp_labels_get(labels, DP_DATEFMT_KEY_DATETIME);
    patterns.date_short = dp_labels_get(labels, DP_DATEFMT_KEY_DATE_SHORT);
  }
  const char *what = f->arg_count ? f->args[0] : f->info->what;
  char *text = dp_datefmt_format_with(lang, &patterns, &dt, what);
  piece_set_text(pc, text ? text : "", text ? strlen(text) : 0);
  g_free(text);
}

/* The ICU locale for case mapping (Turkish dotted i, Greek accents). */
static void case_locale(const char *lang, char *out, size_t capacity) {
  g_strlcpy(out, "en", capacity);
  if (!lang) return;
  UErrorCode status = U_ZERO_ERROR;
  int32_t parsed = 0;
  char locale[ULOC_FULLNAME_CAPACITY];
  int32_t n = uloc_forLanguageTag(lang, locale, sizeof locale, &parsed,
                                  &status);
  if (U_SUCCESS(status) && status != U_STRING_NOT_TERMINATED_WARNING && n > 0)
    g_strlcpy(out, locale, capacity);
}

/* Appends `text` upper- or lower-cased.  Falls back to the text as it is
 * when ICU fails (invalid UTF-8 cannot reach here: values are checked). */
static void append_case_mapped(dp_textbuf *out, const char *text,
                               size_t length, const char *locale,
                               bool upper) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t n16 = 0;
  u_strFromUTF8(NULL, 0, &n16, text, (int32_t)length, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) goto fail;
  status = U_ZERO_ERROR;
  UChar *src = g_new(UChar, (size_t)n16 + 1);
  u_strFromUTF8(src, n16 + 1, NULL, text, (int32_t)length, &status);
  int32_t (*map)(UChar *, int32_t, const UChar *, int32_t, const char *,
                 UErrorCode *) = upper ? u_strToUpper : u_strToLower;
  int32_t mapped = map(NULL, 0, src, n16, locale, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) {
    g_free(src);
    goto fail;
  }
  status = U_ZERO_ERROR;
  UChar *dst = g_new(UChar, (size_t)mapped + 1);
  map(dst, mapped + 1, src, n16, locale, &status);
  int32_t n8 = 0;
  if (U_SUCCESS(status)) u_strToUTF8(NULL, 0, &n8, dst, mapped, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) status = U_ZERO_ERROR;
  char *utf8 = g_malloc((size_t)n8 + 1);
  if (U_SUCCESS(status)) u_strToUTF8(utf8, n8 + 1, NULL, dst, mapped, &status);
  if (U_SUCCESS(status)) dp_textbuf_append(out, utf8, (size_t)n8);
  g_free(utf8);
  g_free(dst);
  g_free(src);
  if (U_SUCCESS(status)) return;
fail:
  dp_textbuf_append(out, text, length);
}

static int compare_offsets(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Case-maps a text piece segment by segment between span boundaries, so
 * spans still cover the same characters though byte lengths change. */
static void filter_case(piece *pc, const dp_scope *scope, bool upper) {
  piece_to_text(pc);
  dp_textbuf *t = &pc->text;
  if (t->length == 0) return;
  char locale[ULOC_FULLNAME_CAPACITY];
  case_locale(scope_lang(scope), locale, sizeof locale);

  size_t ncuts = 2 + 2 * t->span_count;
  size_t *cuts = g_new(size_t, ncuts);
  size_t *moved = g_new(size_t, ncuts);
  cuts[0] = 0;
  cuts[1] = t->length;
  for (size_t i = 0; i < t->span_count; i++) {
    cuts[2 + 2 * i] = t->spans[i].start;
    cuts[3 + 2 * i] = t->spans[i].end;
  }
  qsort(cuts, ncuts, sizeof *cuts, compare_offsets);
  size_t unique = 0;
  for (size_t i = 0; i < ncuts; i++)
    if (unique == 0 || cuts[i] != cuts[unique - 1]) cuts[unique++] = cuts[i];

  dp_textbuf out;
  dp_textbuf_init(&out);
  for (size_t i = 0; i < unique; i++) {
    moved[i] = out.length;
    if (i + 1 < unique)
      append_case_mapped(&out, t->text + cuts[i], cuts[i + 1] - cuts[i],
                         locale, upper);
  }
  for (size_t i = 0; i < t->span_count; i++) {
    size_t start = 0, end = 0;
    for (size_t k = 0; k < unique; k++) {
      if (cuts[k] == t->spans[i].start) start = moved[k];
      if (cuts[k] == t->spans[i].end) end = moved[k];
    }
    textbuf_add_span(&out, t->spans[i].kind, start, end, t->spans[i].url,
                     t->spans[i].style);
  }
  textbuf_take(t, &out);
  g_free(cuts);
  g_free(moved);
}

/* Makes the whole text one link to `url`, keeping other kinds of span
 * (the link comes first: spans stay sorted by start). */
static void set_whole_link(dp_textbuf *t, const char *url) {
  size_t capacity = t->span_count + 1;
  dp_span *spans = g_new(dp_span, capacity);
  size_t n = 0;
  spans[n++] = (dp_span){.kind = DP_SPAN_LINK, .start = 0,
                         .end = (unsigned)t->length, .url = g_strdup(url)};
  for (size_t i = 0; i < t->span_count; i++) {
    if (t->spans[i].kind == DP_SPAN_LINK)
      g_free(t->spans[i].url);
    else
      spans[n++] = t->spans[i];
  }
  g_free(t->spans);
  t->spans = spans;
  t->span_count = n;
  t->span_capacity = capacity;
}

/* Length of a URL's scheme with its "://" (or ":" for mailto: and tel:),
 * 0 when there is none. */
static size_t scheme_length(const char *url) {
  if (!g_ascii_isalpha(url[0])) return 0;
  size_t i = 1;
  while (g_ascii_isalnum(url[i]) || url[i] == '+' || url[i] == '-' ||
         url[i] == '.')
    i++;
  if (url[i] != ':') return 0;
  if (url[i + 1] == '/' && url[i + 2] == '/') return i + 3;
  if ((i == 6 && g_ascii_strncasecmp(url, "mailto", 6) == 0) ||
      (i == 3 && g_ascii_strncasecmp(url, "tel", 3) == 0))
    return i + 1;
  return 0;
}

static void filter_strip_scheme(piece *pc) {
  piece_to_text(pc);
  dp_textbuf *t = &pc->text;
  if (t->length == 0) return;
  const char *target = t->text;
  for (size_t i = 0; i < t->span_count; i++)
    if (t->spans[i].kind == DP_SPAN_LINK && t->spans[i].start == 0 &&
        t->spans[i].end == t->length && t->spans[i].url)
      target = t->spans[i].url;
  char *url = g_strdup(target);
  const char *shown = t->text + scheme_length(t->text);
  size_t length = strlen(shown);
  /* "https://www.uib.no/" shows as "www.uib.no". */
  if (length > 1 && shown[length - 1] == '/' &&
      memchr(shown, '/', length - 1) == NULL)
    length--;
  dp_textbuf out;
  dp_textbuf_init(&out);
  dp_textbuf_append_span(&out, shown, length, DP_SPAN_LINK, url);
  textbuf_take(t, &out);
  g_free(url);
}

static void apply_filter(const filter *f, piece *pc, const dp_scope *scope) {
  switch (f->info->kind) {
  case FILTER_DATE:
  case FILTER_TIME:
  case FILTER_TIME_LONG:
  case FILTER_DATETIME:
  case FILTER_DATE_SHORT:
  case FILTER_WEEKDAY:
  case FILTER_DAY:
  case FILTER_MONTH:
  case FILTER_YEAR:
    filter_date(f, pc, scope);
    break;
  case FILTER_UPPER:
  case FILTER_LOWER:
    filter_case(pc, scope, f->info->kind == FILTER_UPPER);
    break;
  case FILTER_LABEL: {
    piece_to_text(pc);
    const char *label =
        pc->text.length ? dp_labels_get(scope_labels(scope), pc->text.text)
                        : NULL;
    if (label) piece_set_text(pc, label, strlen(label));
    break;
  }
  case FILTER_JOIN:
    if (!pc->is_text && pc->value && (pc->value->kind == DP_VALUE_LIST ||
                                      pc->value->kind == DP_VALUE_MAP)) {
      const dp_value *list = pc->value;
      pc->is_text = true;
      pc->value = NULL;
      append_joined(&pc->text, list, f->args[0], f->args[1], pc->isolate);
    } else {
      piece_to_text(pc);
    }
    break;
  case FILTER_FIRST:
    if (!pc->is_text && pc->value && pc->value->kind == DP_VALUE_LIST)
      pc->value = pc->value->count ? pc->value->items[0] : NULL;
    break;
  case FILTER_COUNT: {
    if (piece_is_unset(pc)) break;
    size_t count = 1;
    if (!pc->is_text && (pc->value->kind == DP_VALUE_LIST ||
                         pc->value->kind == DP_VALUE_MAP))
      count = pc->value->count;
    else if (pc->is_text)
      count = pc->text.length > 0;
    char number[32];
    int n = snprintf(number, sizeof number, "%zu", count);
    piece_set_text(pc, number, (size_t)n);
    break;
  }
  case FILTER_DEFAULT:
    piece_to_text(pc);
    if (pc->text.length == 0)
      piece_set_text(pc, f->args[0], strlen(f->args[0]));
    break;
  case FILTER_PLAIN:
    piece_to_text(pc);
    textbuf_drop_spans(&pc->text);
    break;
  case FILTER_URL:
    piece_to_text(pc);
    if (pc->text.length > 0) {
      char *url = g_strndup(pc->text.text, pc->text.length);
      set_whole_link(&pc->text, url);
      g_free(url);
    }
    break;
  case FILTER_STRIP_SCHEME:
    filter_strip_scheme(pc);
    break;
  }
}

/* ----------------------------------------------------------------------
 * Expansion
 */

static void eval_source(const alternative *alt, const dp_scope *scope,
                        piece *pc) {
  char number[32];
  int n;
  switch (alt->kind) {
  case SOURCE_PATH:
    pc->value = dp_scope_lookup(scope, alt->text);
    break;
  case SOURCE_ITEM:
    pc->value = scope->item;
    break;
  case SOURCE_INDEX:
    if (scope->item && scope->index > 0) {
      n = snprintf(number, sizeof number, "%d", scope->index);
      piece_set_text(pc, number, (size_t)n);
    }
    break;
  case SOURCE_PAGE:
  case SOURCE_PAGES: {
    int folio = alt->kind == SOURCE_PAGE ? scope->page : scope->pages;
    if (folio > 0) {
      n = snprintf(number, sizeof number, "%d", folio);
      piece_set_text(pc, number, (size_t)n);
    }
    break;
  }
  case SOURCE_LABEL: {
    const char *label = dp_labels_get(scope_labels(scope), alt->text);
    if (label) piece_set_text(pc, label, strlen(label));
    break;
  }
  case SOURCE_LITERAL:
    piece_set_text(pc, alt->text, strlen(alt->text));
    break;
  case SOURCE_FORMAT: {
    /* The convention's template in this scope, spans kept; it says
     * nothing when a placeholder outside its groups is empty ("kl. "
     * for an event without a time). */
    const dp_template *tmpl =
        dp_labels_get_template(scope_labels(scope), alt->text);
    if (!tmpl) break;
    pc->is_text = true;
    if (!dp_template_expand(tmpl, scope, &pc->text))
      textbuf_truncate(&pc->text, 0, 0);
    /* Values of both directions ("Dr." and an Arabic name): isolated
     * one by one, as the line's own placeholders are, so that each
     * keeps its punctuation and the convention's order holds.  Set as
     * one isolate, the first strong letter's direction would order the
     * lot ("Dr." after the Arabic name it comes before). */
    if (pc->isolate != NO_ISOLATES &&
        mixes_directions(pc->text.text, pc->text.length)) {
      dp_textbuf_clear(&pc->text);
      if (!expand(tmpl, scope, pc->isolate, &pc->text))
        textbuf_truncate(&pc->text, 0, 0);
      pc->own_direction = true;
    }
    break;
  }
  }
}

/* Appends the first alternative that is not empty, isolated when asked.
 * False when all are empty. */
static bool expand_placeholder(const op *o, const dp_scope *scope,
                               isolation isolate, dp_textbuf *out) {
  for (size_t a = 0; a < o->alternative_count; a++) {
    const alternative *alt = &o->alternatives[a];
    piece pc = {NULL, false, {0}, isolate, false};
    dp_textbuf_init(&pc.text);
    eval_source(alt, scope, &pc);
    /* The document's own field, if that is what the placeholder shows. */
    const dp_value *field = pc.value && pc.value->mark.file ? pc.value : NULL;
    for (size_t f = 0; f < alt->filter_count; f++)
      apply_filter(&alt->filters[f], &pc, scope);
    piece_to_text(&pc);
    bool shown = pc.text.length > 0;
    bool own = shown && needs_isolating(pc.text.text, pc.text.length, isolate);
    const char *open = fsi;
    if (pc.own_direction) open = isolate == ISOLATE_IN_RTL ? rli : lri;
    if (own) dp_textbuf_append(out, open, sizeof fsi - 1);
    if (shown) {
      size_t start = out->length;
      textbuf_append_spans(out, pc.text.text, pc.text.length, pc.text.spans,
                           pc.text.span_count);
      if (field)
        textbuf_add_field(out, start, out->length,
                          alt->kind == SOURCE_PATH ? alt->text : ".",
                          field->mark);
      /* A convention's fields ({format:person-name}: the name, the
       * title), where no filter has moved them. */
      for (size_t i = 0; !field && alt->filter_count == 0 &&
                         i < pc.text.field_count; i++) {
        const dp_text_field *inner = &pc.text.fields[i];
        textbuf_add_field(out, start + inner->start, start + inner->end,
                          inner->path, inner->mark);
      }
    }
    if (own) dp_textbuf_append(out, pdi, sizeof pdi - 1);
    dp_textbuf_clear(&pc.text);
    if (shown) return true;
  }
  return false;
}

struct group_state {
  size_t begin;  /* index of the GROUP_BEGIN op */
  size_t length; /* output length when the group began */
  size_t spans;  /* output span count when the group began */
};

static bool expand(const dp_template *tmpl, const dp_scope *scope,
                   isolation isolate, dp_textbuf *out) {
  if (!tmpl) return false;
  static const dp_scope empty_scope = {0};
  if (!scope) scope = &empty_scope;
  bool complete = true;
  struct group_state *stack = g_new(struct group_state, tmpl->count + 1);
  size_t depth = 0;
  for (size_t i = 0; i < tmpl->count; i++) {
    const op *o = &tmpl->ops[i];
    switch (o->kind) {
    case OP_LITERAL:
      dp_textbuf_append(out, o->text, o->length);
      break;
    case OP_GROUP_BEGIN:
      stack[depth++] = (struct group_state){i, out->length, out->span_count};
      break;
    case OP_GROUP_END:
      depth--;
      break;
    case OP_PLACEHOLDER:
      if (expand_placeholder(o, scope, isolate, out)) break;
      if (depth == 0) {
        complete = false;
        break;
      }
      /* Drop the innermost group with everything it has appended. */
      depth--;
      textbuf_truncate(out, stack[depth].length, stack[depth].spans);
      i = tmpl->ops[stack[depth].begin].end;
      break;
    }
  }
  g_free(stack);
  return complete;
}

bool dp_template_expand(const dp_template *tmpl, const dp_scope *scope,
                        dp_textbuf *out) {
  return expand(tmpl, scope, NO_ISOLATES, out);
}

bool dp_template_expand_isolated(const dp_template *tmpl,
                                 const dp_scope *scope, dp_textbuf *out) {
  bool rtl = false;
  for (const dp_scope *sc = scope; sc; sc = sc->parent) rtl = rtl || sc->rtl;
  return expand(tmpl, scope, rtl ? ISOLATE_IN_RTL : ISOLATE_IN_LTR, out);
}
