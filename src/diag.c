/* diag: see diag.h. */
#include "diag.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct source {
  char *name;
  char *text; /* NULL when only the name is known */
  size_t length;
  /* Where the last excerpt's line starts: reports come mostly in file
   * order, so finding each line from there keeps a file with thousands of
   * problems linear. */
  int cursor_line;      /* 1-based; 0 before the first excerpt */
  size_t cursor_offset;
} source;

/* A report made while the sink is held: the record and its printed text,
 * delivered on release. */
typedef struct held_report {
  dp_severity severity;
  char *file;
  int line, column;
  char *message;
  char *printed; /* NULL when not printing */
} held_report;

struct dp_diag {
  GHashTable *sources; /* name -> source, owns both */
  int holds;           /* dp_diag_hold() depth */
  GArray *held;        /* (held_report) reports waiting for release */
  bool print;
  bool json;
  bool colour;
  bool werror;
  bool muted;          /* dp_diag_set_muted() */
  dp_diagnostic_func func;
  void *user;
  int errors;
  int warnings;
};

static void source_free(gpointer data) {
  source *s = data;
  g_free(s->name);
  g_free(s->text);
  g_free(s);
}

dp_diag *dp_diag_new(void) {
  dp_diag *diag = g_new0(dp_diag, 1);
  diag->sources = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, source_free);
  diag->print = true;
  return diag;
}

static void held_report_clear(gpointer data) {
  held_report *h = data;
  g_free(h->file);
  g_free(h->message);
  g_free(h->printed);
}

void dp_diag_free(dp_diag *diag) {
  if (!diag) return;
  if (diag->held) g_array_free(diag->held, TRUE);
  g_hash_table_destroy(diag->sources);
  g_free(diag);
}

void dp_diag_set_print(dp_diag *diag, bool print) { diag->print = print; }
void dp_diag_set_json(dp_diag *diag, bool json) { diag->json = json; }
void dp_diag_set_muted(dp_diag *diag, bool muted) { diag->muted = muted; }

void dp_diag_set_werror(dp_diag *diag, bool werror) { diag->werror = werror; }
void dp_diag_set_colour(dp_diag *diag, bool colour) { diag->colour = colour; }

void dp_diag_set_callback(dp_diag *diag, dp_diagnostic_func func, void *user) {
  diag->func = func;
  diag->user = user;
}

static source *intern(dp_diag *diag, const char *name) {
  source *s = g_hash_table_lookup(diag->sources, name);
  if (!s) {
    s = g_new0(source, 1);
    s->name = g_strdup(name);
    g_hash_table_insert(diag->sources, s->name, s);
  }
  return s;
}

const char *dp_diag_intern(dp_diag *diag, const char *name) {
  return intern(diag, name)->name;
}

const char *dp_diag_add_source(dp_diag *diag, const char *name,
                               const char *text, size_t length) {
  source *s = intern(diag, name);
  g_free(s->text);
  s->text = g_strndup(text, length);
  s->length = length;
  s->cursor_line = 0;
  s->cursor_offset = 0;
  return s->name;
}

dp_mark dp_mark_advance(dp_mark start, const char *text, size_t offset,
                        int indent) {
  dp_mark mark = start;
  if (indent < 1) indent = 1;
  int breaks = 0, chars = 0;
  size_t i = 0;
  for (; i < offset && text[i]; i++) {
    if (text[i] == '\n') {
      breaks++;
      chars = 0;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      chars++; /* a character starts (bad UTF-8: a lead byte does) */
    }
  }
  offset = i;
  if (breaks == 0) {
    if (mark.column > 0) mark.column += chars;
  } else {
    mark.line += breaks;
    mark.column = indent + chars;
  }
  if (mark.offset >= 0)
    mark.offset += (long)offset + (long)breaks * (indent - 1);
  return mark;
}

int dp_diag_get_error_count(const dp_diag *diag) {
  return diag->errors;
}

int dp_diag_get_warning_count(const dp_diag *diag) { return diag->warnings; }

/* An excerpt shows at most this many characters of a line: a window
 * around the caret, with "…" where it was cut (a 4 MiB one-line scalar
 * would otherwise be quoted whole). */
#define EXCERPT_WIDTH 200

/* Prints line `line` of `s` and a caret under column `column`.  Tabs are
 * kept so the caret lines up in any terminal; columns count characters, as
 * libyaml's marks do. */
static void print_excerpt(GString *out, source *s, int line, int column,
                          bool colour) {
  if (!s || !s->text || line < 1) return;
  const char *p = s->text, *end = s->text + s->length;
  int l = 1;
  if (s->cursor_line >= 1 && s->cursor_line <= line) {
    l = s->cursor_line;
    p = s->text + s->cursor_offset;
  }
  for (; l < line && p < end; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return;
    p = nl + 1;
  }
  s->cursor_line = line;
  s->cursor_offset = (size_t)(p - s->text);
  const char *eol = memchr(p, '\n', (size_t)(end - p));
  if (!eol) eol = end;
  if (eol > p && eol[-1] == '\r') eol--;
  if (!g_utf8_validate(p, eol - p, NULL)) return;
  /* The window: from `first` (1-based column), EXCERPT_WIDTH characters. */
  long chars = g_utf8_strlen(p, eol - p);
  long first = 1;
  if (chars > EXCERPT_WIDTH && column > EXCERPT_WIDTH / 2)
    first = MIN((long)column - EXCERPT_WIDTH / 2, chars - EXCERPT_WIDTH + 1);
  const char *from = g_utf8_offset_to_pointer(p, first - 1);
  const char *to = chars - first + 1 > EXCERPT_WIDTH
                       ? g_utf8_offset_to_pointer(from, EXCERPT_WIDTH)
                       : eol;
  g_string_append(out, "    ");
  if (first > 1) g_string_append(out, "\u2026");
  g_string_append_len(out, from, to - from);
  if (to < eol) g_string_append(out, "\u2026");
  g_string_append(out, "\n    ");
  if (column >= 1) {
    if (first > 1) g_string_append_c(out, ' '); /* under the "…" */
    const char *q = from;
    for (long c = first; c < column && q < to; c++) {
      g_string_append_c(out, *q == '\t' ? '\t' : ' ');
      q = g_utf8_next_char(q);
    }
  }
  g_string_append(out, colour ? "\033[1;32m^\033[0m\n" : "^\n");
}

/* Appends `s` as a JSON string.  JSON is UTF-8, while file names (and
 * messages quoting them) are whatever bytes the file system holds: a byte
 * that is not part of valid UTF-8 becomes U+FFFD, so every line stays
 * readable by a strict JSON parser. */
static void append_json_string(GString *out, const char *s) {
  g_string_append_c(out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= 0x80) {
      gunichar c = g_utf8_get_char_validated((const char *)p, -1);
      if (c == (gunichar)-1 || c == (gunichar)-2) {
        g_string_append(out, "\xEF\xBF\xBD"); /* U+FFFD */
      } else {
        int n = g_utf8_skip[*p];
        g_string_append_len(out, (const char *)p, n);
        p += n - 1;
      }
      continue;
    }
    switch (*p) {
      case '"': g_string_append(out, "\\\""); break;
      case '\\': g_string_append(out, "\\\\"); break;
      case '\n': g_string_append(out, "\\n"); break;
      case '\t': g_string_append(out, "\\t"); break;
      case '\r': g_string_append(out, "\\r"); break;
      default:
        if (*p < 0x20) g_string_append_printf(out, "\\u%04x", *p);
        else g_string_append_c(out, (char)*p);
    }
  }
  g_string_append_c(out, '"');
}

/* Delivers one report: to the callback, then to stderr (`printed`, the
 * text dp_diag_report made, or NULL). */
static void deliver(dp_diag *diag, dp_severity severity, const char *file,
                    int line, int column, const char *message,
                    const char *printed) {
  if (diag->func) {
    dp_diagnostic d = {severity, file, line, column, message};
    diag->func(&d, diag->user);
  }
  if (printed) fputs(printed, stderr);
}

void dp_diag_hold(dp_diag *diag) { diag->holds++; }

void dp_diag_release(dp_diag *diag) {
  g_return_if_fail(diag->holds > 0);
  if (--diag->holds > 0 || !diag->held) return;
  /* Taken first: a callback may report again (it then delivers at once). */
  GArray *held = diag->held;
  diag->held = NULL;
  for (guint i = 0; i < held->len; i++) {
    const held_report *h = &g_array_index(held, held_report, i);
    deliver(diag, h->severity, h->file, h->line, h->column, h->message,
            h->printed);
  }
  g_array_free(held, TRUE);
}

void dp_diag_report(dp_diag *diag, dp_severity severity, dp_mark mark,
                    const char *format, ...) {
  if (diag->muted) return;
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  if (severity == DP_SEVERITY_WARNING) diag->warnings++;
  if (severity == DP_SEVERITY_WARNING && diag->werror) severity = DP_SEVERITY_ERROR;
  /* Counted as what it was reported as: turning werror off later does
   * not lower the count, which only grows (disputas.h). */
  if (severity == DP_SEVERITY_ERROR) diag->errors++;
  const char *file = mark.file ? mark.file : "disputas";
  char *printed = NULL;
  if (diag->print) {
    static const char *const names[] = {"note", "warning", "error"};
    GString *out = g_string_new(NULL);
    if (diag->json) {
      g_string_append(out, "{\"severity\":");
      append_json_string(out, names[severity]);
      g_string_append(out, ",\"file\":");
      append_json_string(out, file);
      g_string_append_printf(out, ",\"line\":%d,\"column\":%d,\"message\":",
                             mark.line, mark.column);
      append_json_string(out, message);
      g_string_append(out, "}\n");
    } else {
      /* gcc's colours: the place bold, the severity coloured. */
      static const char *const colours[] = {"\033[1;36m", "\033[1;35m",
                                            "\033[1;31m"};
      bool c = diag->colour;
      if (c) g_string_append(out, "\033[1m");
      g_string_append(out, file);
      if (mark.line > 0) g_string_append_printf(out, ":%d", mark.line);
      if (mark.line > 0 && mark.column > 0)
        g_string_append_printf(out, ":%d", mark.column);
      g_string_append_printf(out, ":%s %s%s:%s %s\n", c ? "\033[0m" : "",
                             c ? colours[severity] : "", names[severity],
                             c ? "\033[0m" : "", message);
      if (mark.file)
        print_excerpt(out, g_hash_table_lookup(diag->sources, mark.file),
                      mark.line, mark.column, c);
    }
    printed = g_string_free(out, FALSE);
  }
  if (diag->holds > 0) {
    if (!diag->held) {
      diag->held = g_array_new(FALSE, FALSE, sizeof(held_report));
      g_array_set_clear_func(diag->held, held_report_clear);
    }
    held_report h = {severity, g_strdup(file), mark.line, mark.column,
                     message, printed};
    g_array_append_val(diag->held, h);
    return;
  }
  deliver(diag, severity, file, mark.line, mark.column, message, printed);
  g_free(printed);
  g_free(message);
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps), so
 * 'comittee' and 'commitee' both find 'committee'. */
static int edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > 64 || m > 64) return 1000;
  int d[65][65];
  for (size_t i = 0; i <= n; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= m; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= n; i++) {
    for (size_t j = 1; j <= m; j++) {
      int cost = g_ascii_tolower(a[i - 1]) != g_ascii_tolower(b[j - 1]);
      int best = MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);
      best = MIN(best, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = MIN(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[n][m];
}

const char *dp_diag_suggest(const char *word, const char *const *candidates) {
  const char *best = NULL;
  int best_distance = 1000;
  int allowed = MAX(1, (int)strlen(word) / 3);
  for (const char *const *c = candidates; *c; c++) {
    int distance = edit_distance(word, *c);
    if (distance < best_distance) {
      best_distance = distance;
      best = *c;
    }
  }
  return best_distance <= allowed ? best : NULL;
}
