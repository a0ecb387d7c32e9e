/* document: see document.h.
 *
 * The schema of the format (docs/announcement.md) is the tables below: one
 * `field` per key with its type, whether it is required and, for maps and
 * lists of maps, the nested `schema`.  bind_map() walks a YAML map against
 * a schema; bind_field() checks one value by its type and builds its
 * dp_value; each schema may add a `check` for rules between keys (an
 * event's `end` after its `start`, `parallel-lang` needing
 * `parallel-title`) and the defaults it inserts.
 *
 * Every problem is reported and the walk goes on, so one run shows them
 * all; a value that fails is left out of the tree, and checks between keys
 * skip what is missing.  Aliases share YAML nodes, so one bad anchored
 * value would be reported once per alias: reports are deduplicated by
 * place and message.
 */
#include "document.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unicode/uloc.h>

#include "bind.h"
#include "confine.h"
#include "house.h"
#include "image.h"
#include "labels.h"
#include "yaml-tree.h"

struct dp_document {
  dp_value *root;
  dp_house *house;   /* its house style, or NULL */
  char **files;      /* the files it was read from: itself, its house,
                        its images (NULL-terminated) */
  char *name;
  char *stem;
  char *title, *candidate; /* plain text (dp_document_get_title) */
  long long mtime;
  unsigned long long serial;
};

/* Serials of the documents made so far (dp_document_get_serial). */
static gssize last_serial;

/* ==== the schema ========================================================= */

typedef enum field_type {
  F_TEXT,        /* trimmed, not empty */
  F_NAME,        /* a person's name: F_TEXT, marked as a name */
  F_INLINE,      /* inline Markdown */
  F_MARKDOWN,    /* Markdown */
  F_BOOL,        /* exactly true or false */
  F_DATE_OR_TIME,/* 2024-09-27T10:00 or 2024-09-27 */
  F_DATETIME,    /* 2024-09-27T10:00 only */
  F_LANG,        /* BCP 47 tag */
  F_ZONE,        /* IANA zone */
  F_COLOUR,      /* #rrggbb */
  F_URL,         /* http or https */
  F_ORCID,       /* 0000-0002-1825-0097, bare or as https://orcid.org/ */
  F_IMAGE,       /* a PNG, JPEG or SVG file next to the document */
  F_ENUM,        /* one of `choices` */
  F_TEXT_LIST,   /* text or a list of texts, always bound as a list */
  F_MAP,         /* `schema` */
  F_LIST,        /* a non-empty list of `item` (F_MAP with `schema`, or
                    F_INLINE) */
  F_LABELS,      /* map of label key to text */
  F_EXTRA        /* map of any key to text */
} field_type;

typedef struct schema schema;
typedef struct binder binder;

typedef struct field {
  const char *key;
  field_type type;
  bool required;
  const schema *schema;        /* F_MAP, and F_LIST of F_MAP */
  field_type item;             /* F_LIST */
  const char *const *choices;  /* F_ENUM, NULL-terminated */
} field;

struct schema {
  const char *context; /* "in event" */
  const field *fields; /* ends with a NULL key */
  /* Rules between keys and defaults; `map` is the bound map. */
  void (*check)(binder *b, const dp_ynode *node, dp_value *map);
};

static void check_root(binder *b, const dp_ynode *node, dp_value *map);
static void check_thesis(binder *b, const dp_ynode *node, dp_value *map);
static void check_event(binder *b, const dp_ynode *node, dp_value *map);

static const char *const event_kinds[] = {"trial-lecture", "public-defence",
                                          "other", NULL};
static const char *const event_statuses[] = {
    "scheduled", "tentative", "postponed", "cancelled", "moved", NULL};
static const char *const directions[] = {"ltr", "rtl", NULL};

static const schema institution_schema = {"institution", (const field[]){
    {"name", F_TEXT, true, NULL, 0, NULL},
    {"short", F_TEXT, false, NULL, 0, NULL},
    {"faculty", F_TEXT, false, NULL, 0, NULL},
    {"department", F_TEXT, false, NULL, 0, NULL},
    {"url", F_URL, false, NULL, 0, NULL},
    {"logo", F_IMAGE, false, NULL, 0, NULL},
    {"colour", F_COLOUR, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, NULL};

static const schema candidate_schema = {"candidate", (const field[]){
    {"name", F_NAME, true, NULL, 0, NULL},
    {"affiliation", F_TEXT_LIST, false, NULL, 0, NULL},
    {"photo", F_IMAGE, false, NULL, 0, NULL},
    {"photo-credit", F_TEXT, false, NULL, 0, NULL},
    {"bio", F_MARKDOWN, false, NULL, 0, NULL},
    {"url", F_URL, false, NULL, 0, NULL},
    {"orcid", F_ORCID, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, NULL};

static const schema thesis_schema = {"thesis", (const field[]){
    {"title", F_INLINE, true, NULL, 0, NULL},
    {"subtitle", F_INLINE, false, NULL, 0, NULL},
    {"parallel-title", F_INLINE, false, NULL, 0, NULL},
    {"parallel-lang", F_LANG, false, NULL, 0, NULL},
    {"papers", F_LIST, false, NULL, F_INLINE, NULL},
    {"url", F_URL, false, NULL, 0, NULL},
    {"isbn", F_TEXT, false, NULL, 0, NULL},
    {"doi", F_TEXT, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, check_thesis};

static const schema venue_schema = {"venue", (const field[]){
    {"room", F_TEXT, false, NULL, 0, NULL},
    {"building", F_TEXT, false, NULL, 0, NULL},
    {"campus", F_TEXT, false, NULL, 0, NULL},
    {"address", F_TEXT, false, NULL, 0, NULL},
    {"city", F_TEXT, false, NULL, 0, NULL},
    {"map", F_URL, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, NULL};

static const schema online_schema = {"online", (const field[]){
    {"url", F_URL, true, NULL, 0, NULL},
    {"platform", F_TEXT, false, NULL, 0, NULL},
    {"meeting-id", F_TEXT, false, NULL, 0, NULL},
    {"passcode", F_TEXT, false, NULL, 0, NULL},
    {"note", F_INLINE, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, NULL};

static const schema event_schema = {"event", (const field[]){
    {"kind", F_ENUM, true, NULL, 0, event_kinds},
    {"label", F_TEXT, false, NULL, 0, NULL},
    {"title", F_INLINE, false, NULL, 0, NULL},
    {"tba", F_BOOL, false, NULL, 0, NULL},
    {"start", F_DATE_OR_TIME, true, NULL, 0, NULL},
    {"end", F_DATETIME, false, NULL, 0, NULL},
    {"venue", F_MAP, false, &venue_schema, 0, NULL},
    {"online", F_MAP, false, &online_schema, 0, NULL},
    {"status", F_ENUM, false, NULL, 0, event_statuses},
    {"note", F_INLINE, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, check_event};

static const schema person_schema = {"person", (const field[]){
    {"name", F_NAME, true, NULL, 0, NULL},
    {"role", F_TEXT, false, NULL, 0, NULL},
    {"title", F_TEXT, false, NULL, 0, NULL},
    {"position", F_TEXT, false, NULL, 0, NULL},
    {"affiliation", F_TEXT_LIST, false, NULL, 0, NULL},
    {"country", F_TEXT, false, NULL, 0, NULL},
    {"email", F_TEXT, false, NULL, 0, NULL},
    {"phone", F_TEXT, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, NULL};

static const schema announcement_schema = {"announcement", (const field[]){
    {"lang", F_LANG, false, NULL, 0, NULL},
    {"direction", F_ENUM, false, NULL, 0, directions},
    {"timezone", F_ZONE, false, NULL, 0, NULL},
    {"house", F_TEXT, false, NULL, 0, NULL},
    {"institution", F_MAP, true, &institution_schema, 0, NULL},
    {"candidate", F_MAP, true, &candidate_schema, 0, NULL},
    {"degree", F_TEXT, false, NULL, 0, NULL},
    {"discipline", F_TEXT, false, NULL, 0, NULL},
    {"headline", F_INLINE, false, NULL, 0, NULL},
    {"thesis", F_MAP, true, &thesis_schema, 0, NULL},
    {"lead", F_MARKDOWN, false, NULL, 0, NULL},
    {"summary", F_MARKDOWN, false, NULL, 0, NULL},
    {"events", F_LIST, true, &event_schema, F_MAP, NULL},
    {"online", F_MAP, false, &online_schema, 0, NULL},
    {"committee", F_LIST, false, &person_schema, F_MAP, NULL},
    {"supervisors", F_LIST, false, &person_schema, F_MAP, NULL},
    {"chair", F_MAP, false, &person_schema, 0, NULL},
    {"contact", F_LIST, false, &person_schema, F_MAP, NULL},
    {"notes", F_MARKDOWN, false, NULL, 0, NULL},
    {"labels", F_LABELS, false, NULL, 0, NULL},
    {"extra", F_EXTRA, false, NULL, 0, NULL},
    {NULL, 0, false, NULL, 0, NULL}}, check_root};

/* ==== values ============================================================= */

static void value_free(dp_value *v) {
  if (!v) return;
  g_free(v->text);
  dp_rich_free(v->rich);
  for (size_t i = 0; i < v->count; i++) {
    value_free(v->items[i]);
    if (v->keys) g_free(v->keys[i]);
  }
  g_free(v->items);
  g_free(v->keys);
  g_free(v);
}

static dp_value *value_new(dp_value_kind kind, dp_mark mark) {
  dp_value *v = g_new0(dp_value, 1);
  v->kind = kind;
  v->mark = mark;
  return v;
}

static dp_value *text_new(dp_mark mark, const char *text) {
  dp_value *v = value_new(DP_VALUE_TEXT, mark);
  v->text = g_strdup(text);
  return v;
}

/* Appends to a LIST (key NULL) or a MAP; takes `item`. */
static void value_append(dp_value *v, const char *key, dp_value *item) {
  v->items = g_renew(dp_value *, v->items, v->count + 1);
  v->items[v->count] = item;
  if (v->kind == DP_VALUE_MAP) {
    v->keys = g_renew(char *, v->keys, v->count + 1);
    v->keys[v->count] = g_strdup(key);
  }
  v->count++;
}

const dp_value *dp_value_get(const dp_value *map, const char *key) {
  if (!map || map->kind != DP_VALUE_MAP) return NULL;
  for (size_t i = 0; i < map->count; i++)
    if (strcmp(map->keys[i], key) == 0) return map->items[i];
  return NULL;
}

/* Marks in `used` ("schema.key") every field of `s` that `map` (bound
 * by `s`) sets, and goes down into maps and lists of maps. */
static void mark_used(const schema *s, const dp_value *map, GHashTable *used) {
  if (!map || map->kind != DP_VALUE_MAP) return;
  for (const field *f = s->fields; f->key; f++) {
    const dp_value *v = dp_value_get(map, f->key);
    if (!v) continue;
    g_hash_table_add(used, g_strdup_printf("%s.%s", s->context, f->key));
    if (f->type == F_MAP) mark_used(f->schema, v, used);
    if (f->type == F_LIST && f->item == F_MAP && v->kind == DP_VALUE_LIST)
      for (size_t i = 0; i < v->count; i++)
        mark_used(f->schema, v->items[i], used);
  }
}

/* Adds to `out` each field of `s` and of the schemas below it (once
 * each) that is not in `used`. */
static void list_unused(const schema *s, GHashTable *used, GHashTable *seen,
                        GPtrArray *out) {
  if (!g_hash_table_add(seen, (gpointer)s)) return;
  for (const field *f = s->fields; f->key; f++) {
    char *name = g_strdup_printf("%s.%s", s->context, f->key);
    if (!g_hash_table_contains(used, name)) g_ptr_array_add(out, name);
    else g_free(name);
    if (f->schema) list_unused(f->schema, used, seen, out);
  }
}

char **dp_document_unused_fields(const dp_document *doc) {
  GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           NULL);
  GHashTable *seen = g_hash_table_new(NULL, NULL);
  mark_used(&announcement_schema, dp_document_get_root(doc), used);
  GPtrArray *out = g_ptr_array_new();
  list_unused(&announcement_schema, used, seen, out);
  g_ptr_array_add(out, NULL);
  g_hash_table_destroy(seen);
  g_hash_table_destroy(used);
  return (char **)g_ptr_array_free(out, FALSE);
}

const dp_value *dp_value_lookup(const dp_value *root, const char *path) {
  const dp_value *v = root;
  char **parts = g_strsplit(path, ".", -1);
  for (char **p = parts; v && *p; p++) {
    if (v->kind == DP_VALUE_MAP) {
      v = dp_value_get(v, *p);
    } else if (v->kind == DP_VALUE_LIST) {
      char *end;
      errno = 0;
      unsigned long long index = g_ascii_strtoull(*p, &end, 10);
      if (!**p || *end || errno || index >= v->count) v = NULL;
      else v = v->items[index];
    } else {
      v = NULL;
    }
  }
  g_strfreev(parts);
  return v;
}

/* ==== reporting ========================================================== */

struct binder {
  dp_diag *diag;
  const char *base_dir;
  const char *root; /* confine.h; NULL: none */
  const dp_settings *settings; /* limits; may be NULL */
  long long image_bytes;       /* the images decoded so far, 4 a pixel */
  int errors;
  const char *house_file; /* the house's file name, as its marks have it:
                             its image paths are resolved already */
  GPtrArray *files;       /* the images read */
  GHashTable *reported; /* "line:column:message" already said */
};

static void report(binder *b, dp_mark mark, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void report(binder *b, dp_mark mark, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  b->errors++;
  char *id = g_strdup_printf("%d:%d:%s", mark.line, mark.column, message);
  if (g_hash_table_add(b->reported, id)) dp_error(b->diag, mark, "%s", message);
  g_free(message);
}

/* "a map", "a list", "text": what a node is, for "expected …, got …". */
static const char *node_kind(const dp_ynode *node) {
  switch (node->kind) {
    case DP_YNODE_MAP: return "a map";
    case DP_YNODE_SEQ: return "a list";
    default: return "text";
  }
}

/* The mark of byte `offset` in a plain one-line scalar (whose text is the
 * file's text), else the scalar's own mark. */
static dp_mark mark_in(const dp_ynode *node, size_t offset) {
  if (node->plain && !memchr(node->text, '\n', node->length) &&
      offset <= node->length)
    return dp_mark_advance(node->mark, node->text, offset, 1);
  return node->mark;
}

/* ==== scalars ============================================================ */

/* `<the candidate's full name>`: a blank left to fill in, as `disputas
 * new` writes them.  Words in angle brackets with a space among them are
 * neither a Markdown autolink (which has no space) nor anything else a
 * value may be. */
static bool is_placeholder(const char *text) {
  size_t n = strlen(text);
  return n > 2 && text[0] == '<' && text[n - 1] == '>' &&
         strchr(text, ' ') && !strpbrk(text + 1, "<") &&
         strchr(text + 1, '>') == text + n - 1;
}

/* The trimmed text of a scalar node, or NULL after reporting why there is
 * none (not a scalar, null, empty).  `what` names the value in messages:
 * "'room'", "item 2 of 'papers'". */
static char *scalar_text(binder *b, const dp_ynode *node, const char *what) {
  if (node->kind != DP_YNODE_SCALAR) {
    report(b, node->mark, "expected text for %s, got %s", what,
           node_kind(node));
    return NULL;
  }
  char *text = g_strstrip(g_strndup(node->text, node->length));
  if (dp_ynode_is_null(node) || !*text) {
    report(b, node->mark, "%s is empty", what);
    g_free(text);
    return NULL;
  }
  if (is_placeholder(text)) {
    report(b, node->mark, "%s is still the placeholder %s: write the value "
           "(or, if the key is optional, remove it)", what, text);
    g_free(text);
    return NULL;
  }
  return text;
}

static dp_value *bind_bool(binder *b, const dp_ynode *node, const char *what) {
  if (node->kind != DP_YNODE_SCALAR) {
    report(b, node->mark, "expected true or false for %s, got %s", what,
           node_kind(node));
    return NULL;
  }
  if (node->plain && (!strcmp(node->text, "true") ||
                      !strcmp(node->text, "false"))) {
    dp_value *v = value_new(DP_VALUE_BOOL, node->mark);
    v->boolean = node->text[0] == 't';
    v->text = g_strdup(node->text);
    return v;
  }
  if (dp_ynode_is_null(node))
    report(b, node->mark, "%s is empty", what);
  else if (!node->plain && (!strcmp(node->text, "true") ||
                            !strcmp(node->text, "false")))
    report(b, node->mark, "%s must be true or false without quotes", what);
  else
    report(b, node->mark, "%s must be true or false, not '%s'", what,
           node->text);
  return NULL;
}

/* ---- dates -------------------------------------------------------------- */

static bool digits(const char *s, int n, int *out) {
  int value = 0;
  for (int i = 0; i < n; i++) {
    if (!g_ascii_isdigit(s[i])) return false;
    value = value * 10 + (s[i] - '0');
  }
  *out = value;
  return true;
}

static const char *const month_names[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"};

/* Parses `2024-09-27`, `2024-09-27T10:00` or `2024-09-27T10:00:00` (the
 * seconds, if given, must be 00: times are whole minutes, and dropping
 * other seconds would change the time silently). */
static dp_value *bind_datetime(binder *b, const dp_ynode *node,
                               const char *what, bool time_required) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  const char *example = time_required
      ? "a date and time such as 2024-09-27T16:00"
      : "a date and time such as 2024-09-27T10:00, or a date such as "
        "2024-09-27";
  /* Offset of the trimmed text in the node's text, for marks. */
  size_t lead = (size_t)(strstr(node->text, text) - node->text);
  dp_datetime dt = {0};
  size_t n = strlen(text);
  const char *s = text;
  dp_value *v = NULL;
  if (n < 10 || !digits(s, 4, &dt.year) || s[4] != '-' ||
      !digits(s + 5, 2, &dt.month) || s[7] != '-' ||
      !digits(s + 8, 2, &dt.day))
    goto malformed;
  size_t at = 10;
  if (at < n) {
    if (s[at] == ' ' || s[at] == 't') {
      report(b, mark_in(node, lead + at),
             "%s: write 'T' between the date and the time (%.10sT%s)", what,
             s, s + at + 1);
      goto done;
    }
    if (s[at] != 'T' || n < at + 6 || !digits(s + at + 1, 2, &dt.hour) ||
        s[at + 3] != ':' || !digits(s + at + 4, 2, &dt.minute))
      goto malformed;
    dt.has_time = true;
    at += 6;
    if (at < n && s[at] == ':') {
      int seconds;
      if (n < at + 3 || !digits(s + at + 1, 2, &seconds)) goto malformed;
      at += 3;
      if (at < n && (s[at] == '.' || s[at] == ',')) {
        report(b, mark_in(node, lead + at),
               "%s: times are whole minutes; remove '%s'", what, s + at - 3);
        goto done;
      }
      if (seconds != 0) {
        report(b, mark_in(node, lead + at - 3),
               "%s: times are whole minutes; remove ':%02d'", what, seconds);
        goto done;
      }
    }
    if (at < n && (s[at] == 'Z' || s[at] == 'z' || s[at] == '+' ||
                   s[at] == '-')) {
      report(b, mark_in(node, lead + at),
             "a time is local: remove '%s'; the zone is `timezone`'s job",
             s + at);
      goto done;
    }
  }
  if (at != n) goto malformed;

  if (dt.year < 1) {
    report(b, node->mark, "%s is %.10s, a date that does not exist (there "
           "is no year 0)", what, s);
    goto done;
  }
  if (dt.month < 1 || dt.month > 12) {
    report(b, mark_in(node, lead + 5),
           "%s is %.10s, a date that does not exist (there is no month %d)",
           what, s, dt.month);
    goto done;
  }
  if (!g_date_valid_dmy((GDateDay)MAX(dt.day, 0), (GDateMonth)dt.month,
                        (GDateYear)dt.year)) {
    report(b, mark_in(node, lead + 8),
           "%s is %.10s, a date that does not exist (%s %d has %d days)",
           what, s, month_names[dt.month - 1], dt.year,
           (int)g_date_get_days_in_month((GDateMonth)dt.month,
                                         (GDateYear)dt.year));
    goto done;
  }
  if (dt.has_time && (dt.hour > 23 || dt.minute > 59)) {
    report(b, mark_in(node, lead + 11),
           "%s has the time %02d:%02d, which does not exist (00:00 to 23:59)",
           what, dt.hour, dt.minute);
    goto done;
  }
  if (time_required && !dt.has_time) {
    report(b, mark_in(node, lead), "%s must be %s, not only a date", what,
           example);
    goto done;
  }
  v = value_new(DP_VALUE_DATETIME, node->mark);
  v->datetime = dt;
  v->text = g_strdup(text);
  goto done;
malformed:
  report(b, node->mark, "%s must be %s, not '%s'", what, example, text);
done:
  g_free(text);
  return v;
}

static int datetime_compare(const dp_datetime *a, const dp_datetime *b) {
  int x[] = {a->year, a->month, a->day, a->hour, a->minute};
  int y[] = {b->year, b->month, b->day, b->hour, b->minute};
  /* A date without a time is compared by its date only. */
  int n = a->has_time && b->has_time ? 5 : 3;
  for (int i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* ---- language tags ------------------------------------------------------ */

static bool all_of(const char *s, size_t n, gboolean (*is)(gchar)) {
  for (size_t i = 0; i < n; i++)
    if (!is(s[i])) return false;
  return true;
}

static gboolean is_alpha(gchar c) { return g_ascii_isalpha(c); }
static gboolean is_digit(gchar c) { return g_ascii_isdigit(c); }
static gboolean is_alnum(gchar c) { return g_ascii_isalnum(c); }
static gboolean is_xdigit(gchar c) { return g_ascii_isxdigit(c); }

/* Checks the form of a BCP 47 (RFC 5646) tag, case-insensitively, and
 * returns it in the conventional case (`sr-Latn-RS`), or NULL.  The
 * subtags are not looked up in the IANA registry: a well-formed tag for a
 * language disputas knows nothing about still gets English labels. */
static char *bcp47_normalise(const char *tag) {
  if (!tag) return NULL;
  if (!*tag) return NULL;
  char **parts = g_strsplit(tag, "-", -1);
  guint n = g_strv_length(parts);
  enum { LANGUAGE, EXTLANG, SCRIPT, REGION, VARIANT, EXTENSION, PRIVATE } state;
  state = LANGUAGE;
  int extlangs = 0;
  bool ok = true, in_extension = false;
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           NULL);
  for (guint i = 0; ok && i < n; i++) {
    char *p = parts[i];
    size_t len = strlen(p);
    if (len == 0 || len > 8 || !all_of(p, len, is_alnum)) {
      ok = false;
      break;
    }
    char *lower = g_ascii_strdown(p, -1);
    memcpy(p, lower, len);
    g_free(lower);
    if (i == 0) {
      if (len == 1 && p[0] == 'x') {
        state = PRIVATE;
        ok = n > 1;
      } else if ((len >= 2 && len <= 3) && all_of(p, len, is_alpha)) {
        state = EXTLANG;
      } else {
        /* RFC 5646 reserves 4 letters and keeps 5 to 8 for languages the
         * registry has never held: no such tag is valid, and they are
         * mostly names ("english"). */
        ok = false;
      }
      continue;
    }
    if (state == PRIVATE) continue; /* 1-8 alphanumerics, checked above */
    if (len == 1) {
      /* A singleton starts an extension or the private use part. */
      if (in_extension && i > 0 && strlen(parts[i - 1]) == 1) ok = false;
      if (p[0] == 'x') {
        state = PRIVATE;
        ok = ok && i + 1 < n;
        continue;
      }
      char key[3] = {'s', p[0], 0};
      if (!g_hash_table_add(seen, g_strdup(key))) ok = false;
      state = EXTENSION;
      in_extension = true;
      ok = ok && i + 1 < n;
      continue;
    }
    if (state == EXTENSION) {
      if (len < 2) ok = false;
      continue;
    }
    if (state == EXTLANG && len == 3 && all_of(p, len, is_alpha) &&
        strlen(parts[0]) <= 3 && extlangs < 3) {
      extlangs++;
      continue;
    }
    if (state <= SCRIPT && len == 4 && all_of(p, len, is_alpha)) {
      p[0] = g_ascii_toupper(p[0]);
      state = REGION;
      continue;
    }
    if (state <= REGION &&
        ((len == 2 && all_of(p, len, is_alpha)) ||
         (len == 3 && all_of(p, len, is_digit)))) {
      for (size_t k = 0; k < len; k++) p[k] = g_ascii_toupper(p[k]);
      state = VARIANT;
      continue;
    }
    if ((len >= 5) || (len == 4 && g_ascii_isdigit(p[0]))) {
      char *key = g_strconcat("v", p, NULL);
      if (!g_hash_table_add(seen, key)) ok = false;
      state = VARIANT;
      continue;
    }
    ok = false;
  }
  g_hash_table_destroy(seen);
  char *result = ok ? g_strjoinv("-", parts) : NULL;
  g_strfreev(parts);
  return result;
}

/* The code of the language called `name` in English or in itself
 * ("english" → "en", "norsk bokmål" → "nb"), from ICU's names; NULL if
 * none.  For "did you mean". */
static char *language_code_for_name(const char *name) {
  char *wanted = g_utf8_casefold(name, -1);
  char *found = NULL;
  for (const char *const *code = uloc_getISOLanguages(); *code && !found;
       code++) {
    const char *display_locales[] = {"en", *code};
    for (size_t i = 0; i < G_N_ELEMENTS(display_locales) && !found; i++) {
      UChar buffer[128];
      UErrorCode status = U_ZERO_ERROR;
      int32_t n = uloc_getDisplayLanguage(*code, display_locales[i], buffer,
                                          G_N_ELEMENTS(buffer), &status);
      if (U_FAILURE(status) || n <= 0) continue;
      char *utf8 = g_utf16_to_utf8((const gunichar2 *)buffer, n, NULL, NULL,
                                   NULL);
      char *folded = utf8 ? g_utf8_casefold(utf8, -1) : NULL;
      /* ICU's own answer for an unknown code is the code itself. */
      if (folded && strcmp(folded, wanted) == 0 && strcmp(utf8, *code) != 0)
        found = g_strdup(*code);
      g_free(folded);
      g_free(utf8);
    }
  }
  g_free(wanted);
  return found;
}

static dp_value *bind_lang(binder *b, const dp_ynode *node, const char *what) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  char *tag = bcp47_normalise(text);
  dp_value *v = NULL;
  if (tag) {
    v = text_new(node->mark, tag);
  } else if (strchr(text, '_')) {
    char *fixed = g_strdup(text);
    g_strdelimit(fixed, "_", '-');
    char *fixed_tag = bcp47_normalise(fixed);
    if (fixed_tag)
      report(b, node->mark, "%s: a BCP 47 language tag separates its parts "
             "with '-', not '_' (write '%s')", what, fixed_tag);
    else
      report(b, node->mark, "%s must be a BCP 47 language tag such as 'en', "
             "'nb' or 'sr-Latn-RS', not '%s'", what, text);
    g_free(fixed);
    g_free(fixed_tag);
  } else {
    char *code = language_code_for_name(text);
    if (code)
      report(b, node->mark, "%s must be a BCP 47 language tag such as 'en', "
             "'nb' or 'sr-Latn-RS', not '%s' (did you mean '%s'?)", what, text,
             code);
    else
      report(b, node->mark, "%s must be a BCP 47 language tag such as 'en', "
             "'nb' or 'sr-Latn-RS', not '%s'", what, text);
    g_free(code);
  }
  g_free(tag);
  g_free(text);
  return v;
}

/* ---- time zones --------------------------------------------------------- */

/* Zone and link names of the system's tzdata (`Z NAME …` and `L TARGET
 * NAME` lines of tzdata.zi) for "did you mean"; empty without tzdata.zi.
 * Read once. */
static const char *const *zone_names(void) {
  static char **names = NULL;
  static gsize ready = 0;
  if (g_once_init_enter(&ready)) {
    GPtrArray *list = g_ptr_array_new();
    char *contents = NULL;
    if (g_file_get_contents("/usr/share/zoneinfo/tzdata.zi", &contents, NULL,
                            NULL)) {
      char **lines = g_strsplit(contents, "\n", -1);
      for (char **l = lines; *l; l++) {
        if ((*l)[0] != 'Z' && (*l)[0] != 'L') continue;
        char **cols = g_strsplit(*l, " ", 4);
        const char *name = (*l)[0] == 'Z' ? cols[1] : cols[1] ? cols[2] : NULL;
        if (name && strchr(name, '/')) g_ptr_array_add(list, g_strdup(name));
        g_strfreev(cols);
      }
      g_strfreev(lines);
      g_free(contents);
    }
    g_ptr_array_add(list, g_strdup("UTC"));
    g_ptr_array_add(list, NULL);
    names = (char **)g_ptr_array_free(list, FALSE);
    g_once_init_leave(&ready, 1);
  }
  return (const char *const *)names;
}

/* An IANA name: `UTC`, or `Area/Location` (more parts allowed,
 * `America/Argentina/Salta`).  GLib alone would also take offsets
 * (`+02:00`), POSIX rules and paths into the zoneinfo folder. */
static bool zone_name_form(const char *s) {
  if (strcmp(s, "UTC") == 0) return true;
  if (!strchr(s, '/') || g_str_has_prefix(s, "posix/") ||
      g_str_has_prefix(s, "right/"))
    return false;
  char **parts = g_strsplit(s, "/", -1);
  bool ok = true;
  for (char **p = parts; *p; p++) {
    if (!g_ascii_isalpha(**p)) ok = false;
    for (const char *c = *p; *c; c++)
      if (!g_ascii_isalnum(*c) && !strchr("_+-", *c)) ok = false;
  }
  g_strfreev(parts);
  return ok;
}

static dp_value *bind_zone(binder *b, const dp_ynode *node, const char *what) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  dp_value *v = NULL;
  GTimeZone *zone = zone_name_form(text) ? g_time_zone_new_identifier(text)
                                         : NULL;
  if (zone) {
    g_time_zone_unref(zone);
    v = text_new(node->mark, text);
  } else {
    const char *suggestion = dp_diag_suggest(text, zone_names());
    if (suggestion)
      report(b, node->mark, "%s: '%s' is not a time zone of the IANA "
             "database (did you mean '%s'?)", what, text, suggestion);
    else
      report(b, node->mark, "%s: '%s' is not a time zone of the IANA "
             "database; write a name such as Europe/Oslo or UTC", what, text);
  }
  g_free(text);
  return v;
}

/* ---- colours, URLs, ORCID iDs ------------------------------------------- */

static dp_value *bind_colour(binder *b, const dp_ynode *node,
                             const char *what) {
  if (node->kind == DP_YNODE_SCALAR && dp_ynode_is_null(node)) {
    report(b, node->mark, "%s is empty (a '#' after a space starts a YAML "
           "comment: quote the colour, \"#00509e\")", what);
    return NULL;
  }
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  dp_value *v = NULL;
  if (strlen(text) == 7 && text[0] == '#' && all_of(text + 1, 6, is_xdigit)) {
    char *lower = g_ascii_strdown(text, -1);
    v = text_new(node->mark, lower);
    g_free(lower);
  } else {
    report(b, node->mark, "%s must be a colour written #rrggbb, such as "
           "'#00509e', not '%s'", what, text);
  }
  g_free(text);
  return v;
}

static bool web_url(const char *text) {
  if (strpbrk(text, " \t\n")) return false;
  GUri *uri = g_uri_parse(text, G_URI_FLAGS_NONE, NULL);
  if (!uri) return false;
  const char *scheme = g_uri_get_scheme(uri), *host = g_uri_get_host(uri);
  bool ok = (!g_ascii_strcasecmp(scheme, "http") ||
             !g_ascii_strcasecmp(scheme, "https")) && host && *host;
  g_uri_unref(uri);
  return ok;
}

static dp_value *bind_url(binder *b, const dp_ynode *node, const char *what) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  dp_value *v = NULL;
  if (web_url(text)) {
    v = text_new(node->mark, text);
  } else {
    char *fixed = g_strconcat("https://", text, NULL);
    /* "www.uia.no/x" lacks only its scheme; "mailto:…" is no web URL. */
    size_t host = strcspn(text, "/");
    if (!memchr(text, ':', host) && memchr(text, '.', host) &&
        web_url(fixed))
      report(b, node->mark, "%s must be an http or https URL, not '%s' (did "
             "you mean '%s'?)", what, text, fixed);
    else
      report(b, node->mark, "%s must be an http or https URL, not '%s'", what,
             text);
    g_free(fixed);
  }
  g_free(text);
  return v;
}

/* ORCID iDs end in an ISO 7064 MOD 11-2 check digit; checking it catches
 * a mistyped digit, which would otherwise print a link to someone else. */
static dp_value *bind_orcid(binder *b, const dp_ynode *node,
                            const char *what) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  const char *id = text;
  if (g_str_has_prefix(id, "https://orcid.org/")) id += 18;
  dp_value *v = NULL;
  bool form = strlen(id) == 19;
  for (int i = 0; form && i < 19; i++) {
    if (i % 5 == 4) form = id[i] == '-';
    else if (i == 18) form = g_ascii_isdigit(id[i]) || id[i] == 'X' || id[i] == 'x';
    else form = g_ascii_isdigit(id[i]);
  }
  if (!form) {
    report(b, node->mark, "%s must be an ORCID iD such as 0000-0002-1825-0097 "
           "or https://orcid.org/0000-0002-1825-0097, not '%s'", what, text);
  } else {
    int total = 0;
    for (int i = 0; i < 18; i++)
      if (i % 5 != 4) total = (total + (id[i] - '0')) * 2;
    int check = (12 - total % 11) % 11;
    char expected = check == 10 ? 'X' : (char)('0' + check);
    if (g_ascii_toupper(id[18]) != expected) {
      report(b, node->mark, "%s: '%s' is not a valid ORCID iD (its check "
             "digit is wrong: a mistyped digit?)", what, text);
    } else {
      char *url = g_strdup_printf("https://orcid.org/%.18s%c", id, expected);
      v = text_new(node->mark, url);
      g_free(url);
    }
  }
  g_free(text);
  return v;
}

/* The context's limits on images (dp_context_set_limit), below the
 * built-in ones the probe applies: each image's pixels, and the memory
 * the document's images take decoded. */
static bool image_within_limits(binder *b, const dp_image_info *info,
                                char **problem) {
  long long pixels = (long long)info->width * info->height;
  long long max = dp_settings_limit(b->settings, DP_SETTINGS_IMAGE_PIXELS);
  if (pixels > max) {
    *problem = g_strdup_printf("has %lld pixels (%d x %d), more than the "
                               "%lld allowed", pixels, info->width,
                               info->height, max);
    return false;
  }
  long long memory = dp_settings_limit(b->settings, DP_SETTINGS_IMAGE_MEMORY);
  b->image_bytes += pixels * 4;
  if (b->image_bytes > memory) {
    *problem = g_strdup_printf("takes the document's images to %lld bytes "
                               "decoded, more than the %lld allowed",
                               b->image_bytes, memory);
    return false;
  }
  return true;
}

static dp_value *bind_image(binder *b, const dp_ynode *node,
                            const char *what) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  dp_image_info info;
  char *problem = NULL;
  dp_value *v = NULL;
  char *path = b->house_file && node->mark.file == b->house_file
                   ? g_strdup(text)
                   : dp_confine_resolve(b->root, b->base_dir, text, &problem);
  /* Decoded here, once, so that an image that cannot be drawn is an error
   * at this line rather than a blank in the output. */
  if (path && b->files) g_ptr_array_add(b->files, g_strdup(path));
  if (path && dp_image_probe(path, &info, &problem) &&
      image_within_limits(b, &info, &problem) &&
      dp_image_decode(path, info.format,
                      b->settings ? b->settings->cancel : NULL, &problem))
    v = text_new(node->mark, path);
  else if (problem) /* none when decoding was stopped (cancel.h) */
    report(b, node->mark, "%s: image '%s' %s", what, text, problem);
  g_free(problem);
  g_free(path);
  g_free(text);
  return v;
}

static dp_value *bind_enum(binder *b, const dp_ynode *node, const char *what,
                           const char *const *choices) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  dp_value *v = NULL;
  for (const char *const *c = choices; *c; c++)
    if (strcmp(*c, text) == 0) v = text_new(node->mark, text);
  if (!v) {
    GString *list = g_string_new(NULL);
    for (const char *const *c = choices; *c; c++) {
      if (c != choices) g_string_append(list, c[1] ? ", " : " or ");
      g_string_append(list, *c);
    }
    const char *suggestion = dp_diag_suggest(text, choices);
    if (suggestion)
      report(b, node->mark, "%s must be %s, not '%s' (did you mean '%s'?)",
             what, list->str, text, suggestion);
    else
      report(b, node->mark, "%s must be %s, not '%s'", what, list->str, text);
    g_string_free(list, TRUE);
  }
  g_free(text);
  return v;
}

static dp_value *bind_rich(binder *b, const dp_ynode *node, const char *what,
                           bool inline_only) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  dp_rich *rich;
  if (node->literal) {
    /* Line for line the file's text: problems inside the Markdown are
     * reported at their own line and column. */
    dp_mark mark = {node->mark.file, node->mark.line + 1, node->indent + 1,
                    -1};
    rich = dp_rich_parse(b->diag, node->text, node->length, mark,
                         DP_RICH_LINES | (inline_only ? DP_RICH_INLINE : 0));
  } else {
    rich = dp_rich_parse(b->diag, text, strlen(text), node->mark,
                         inline_only ? DP_RICH_INLINE : 0);
  }
  if (!rich) {
    b->errors++;
    g_free(text);
    return NULL;
  }
  dp_value *v = value_new(DP_VALUE_RICH, node->mark);
  v->text = text;
  v->rich = rich;
  v->inline_only = inline_only;
  return v;
}

/* ==== maps and lists ===================================================== */

static dp_value *bind_map(binder *b, const schema *s, const dp_ynode *node,
                          const char *what);

static dp_value *bind_text(binder *b, const dp_ynode *node, const char *what) {
  char *text = scalar_text(b, node, what);
  if (!text) return NULL;
  size_t length = strlen(text);
  if (length > DP_MAX_PARAGRAPH) {
    report(b, node->mark, "%s is %zu bytes long; at most %d are allowed", what,
           length, DP_MAX_PARAGRAPH);
    g_free(text);
    return NULL;
  }
  dp_value *v = text_new(node->mark, text);
  g_free(text);
  return v;
}

/* Items are named "item N of 'key'" (1-based) in messages. */
static char *item_name(const char *what, size_t index) {
  return g_strdup_printf("item %zu of %s", index + 1, what);
}

static dp_value *bind_text_list(binder *b, const dp_ynode *node,
                                const char *what) {
  if (node->kind == DP_YNODE_SCALAR) {
    dp_value *item = bind_text(b, node, what);
    if (!item) return NULL;
    dp_value *v = value_new(DP_VALUE_LIST, node->mark);
    value_append(v, NULL, item);
    return v;
  }
  if (node->kind != DP_YNODE_SEQ) {
    report(b, node->mark, "expected text or a list of texts for %s, got %s",
           what, node_kind(node));
    return NULL;
  }
  if (node->count == 0) {
    report(b, node->mark, "%s is an empty list", what);
    return NULL;
  }
  dp_value *v = value_new(DP_VALUE_LIST, node->mark);
  bool failed = false;
  for (size_t i = 0; i < node->count; i++) {
    char *name = item_name(what, i);
    dp_value *item = bind_text(b, node->children[i], name);
    g_free(name);
    if (item) value_append(v, NULL, item);
    else failed = true;
  }
  if (failed) {
    value_free(v);
    return NULL;
  }
  return v;
}

static dp_value *bind_field(binder *b, const field *f, const dp_ynode *node,
                            const char *what);

static dp_value *bind_list(binder *b, const field *f, const dp_ynode *node,
                           const char *what) {
  if (node->kind != DP_YNODE_SEQ) {
    if (dp_ynode_is_null(node))
      report(b, node->mark, "%s is empty", what);
    else
      report(b, node->mark, "expected a list for %s, got %s", what,
             node_kind(node));
    return NULL;
  }
  if (node->count == 0) {
    if (strcmp(f->key, "events") == 0)
      report(b, node->mark, "'events' needs at least one event");
    else
      report(b, node->mark, "%s is an empty list", what);
    return NULL;
  }
  const field item_field = {f->key, f->item, true, f->schema, 0, NULL};
  dp_value *v = value_new(DP_VALUE_LIST, node->mark);
  bool failed = false;
  for (size_t i = 0; i < node->count; i++) {
    char *name = item_name(what, i);
    dp_value *item = bind_field(b, &item_field, node->children[i], name);
    g_free(name);
    if (item) value_append(v, NULL, item);
    else failed = true;
  }
  if (failed) {
    value_free(v);
    return NULL;
  }
  return v;
}

/* `labels` (keys must be label keys) and `extra` (any key). */
static dp_value *bind_string_map(binder *b, const dp_ynode *node,
                                 const char *what, bool labels) {
  if (node->kind != DP_YNODE_MAP) {
    if (dp_ynode_is_null(node))
      report(b, node->mark, "%s is empty", what);
    else
      report(b, node->mark, "expected a map for %s, got %s", what,
             node_kind(node));
    return NULL;
  }
  if (node->count == 0) {
    report(b, node->mark, "%s is an empty map", what);
    return NULL;
  }
  dp_value *v = value_new(DP_VALUE_MAP, node->mark);
  bool failed = false;
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *value = node->children[2 * i + 1];
    if (labels && !dp_label_is_table_key(key->text)) {
      char *hint = dp_bind_hint(key->text, dp_label_table_keys);
      report(b, key->mark, "unknown key '%s' in labels%s", key->text, hint);
      g_free(hint);
      failed = true;
      continue;
    }
    char *name = g_strdup_printf("'%s'", key->text);
    dp_value *item = bind_text(b, value, name);
    g_free(name);
    if (item) value_append(v, key->text, item);
    else failed = true;
  }
  if (failed) {
    value_free(v);
    return NULL;
  }
  return v;
}

static dp_value *bind_field(binder *b, const field *f, const dp_ynode *node,
                            const char *what) {
  switch (f->type) {
    case F_TEXT: return bind_text(b, node, what);
    case F_NAME: {
      dp_value *v = bind_text(b, node, what);
      if (v) v->name = true;
      return v;
    }
    case F_INLINE: return bind_rich(b, node, what, true);
    case F_MARKDOWN: return bind_rich(b, node, what, false);
    case F_BOOL: return bind_bool(b, node, what);
    case F_DATE_OR_TIME: return bind_datetime(b, node, what, false);
    case F_DATETIME: return bind_datetime(b, node, what, true);
    case F_LANG: return bind_lang(b, node, what);
    case F_ZONE: return bind_zone(b, node, what);
    case F_COLOUR: return bind_colour(b, node, what);
    case F_URL: return bind_url(b, node, what);
    case F_ORCID: return bind_orcid(b, node, what);
    case F_IMAGE: return bind_image(b, node, what);
    case F_ENUM: return bind_enum(b, node, what, f->choices);
    case F_TEXT_LIST: return bind_text_list(b, node, what);
    case F_MAP: return bind_map(b, f->schema, node, what);
    case F_LIST: return bind_list(b, f, node, what);
    case F_LABELS: return bind_string_map(b, node, what, true);
    case F_EXTRA: return bind_string_map(b, node, what, false);
  }
  return NULL;
}

static const field *schema_find(const schema *s, const char *key) {
  for (const field *f = s->fields; f->key; f++)
    if (strcmp(f->key, key) == 0) return f;
  return NULL;
}

static dp_value *bind_map(binder *b, const schema *s, const dp_ynode *node,
                          const char *what) {
  if (node->kind != DP_YNODE_MAP) {
    if (dp_ynode_is_null(node))
      report(b, node->mark, "%s is empty", what);
    else
      report(b, node->mark, "expected a map for %s, got %s", what,
             node_kind(node));
    return NULL;
  }
  GPtrArray *names = g_ptr_array_new();
  for (const field *f = s->fields; f->key; f++)
    g_ptr_array_add(names, (gpointer)f->key);
  g_ptr_array_add(names, NULL);

  dp_value *v = value_new(DP_VALUE_MAP, node->mark);
  bool failed = false;
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *value = node->children[2 * i + 1];
    const field *f = schema_find(s, key->text);
    if (!f) {
      char *hint =
          dp_bind_hint(key->text, (const char *const *)names->pdata);
      report(b, key->mark, "unknown key '%s' in %s%s", key->text, s->context,
             hint);
      g_free(hint);
      failed = true;
      continue;
    }
    char *name = g_strdup_printf("'%s'", key->text);
    dp_value *item = bind_field(b, f, value, name);
    g_free(name);
    if (item) value_append(v, key->text, item);
    else failed = true;
  }
  g_ptr_array_free(names, TRUE);
  for (const field *f = s->fields; f->key; f++)
    if (f->required && !dp_ynode_map_get(node, f->key)) {
      report(b, node->mark, "missing required key '%s' in %s", f->key,
             s->context);
      failed = true;
    }
  if (s->check) s->check(b, node, v);
  if (failed) {
    value_free(v);
    return NULL;
  }
  return v;
}

/* ---- rules between keys, and defaults ----------------------------------- */

static void check_root(binder *b G_GNUC_UNUSED, const dp_ynode *node,
                       dp_value *map) {
  if (!dp_ynode_map_get(node, "lang"))
    value_append(map, "lang", text_new(node->mark, "en"));
  /* The direction of the language's script (ar, he, fa, ur: right to
   * left), unless the document says. */
  if (!dp_ynode_map_get(node, "direction")) {
    const dp_value *lang = dp_value_get(map, "lang");
    bool rtl = lang && lang->text && uloc_isRightToLeft(lang->text);
    value_append(map, "direction", text_new(node->mark, rtl ? "rtl" : "ltr"));
  }
}

static void check_thesis(binder *b, const dp_ynode *node, dp_value *map) {
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    if (strcmp(key->text, "parallel-lang") == 0 &&
        !dp_ynode_map_get(node, "parallel-title"))
      report(b, key->mark, "'parallel-lang' without 'parallel-title': give "
             "the title in that language, or remove 'parallel-lang'");
  }
  /* The parallel title is in its own language. */
  const dp_value *lang = dp_value_get(map, "parallel-lang");
  for (size_t i = 0; lang && lang->text && i < map->count; i++)
    if (!strcmp(map->keys[i], "parallel-title"))
      map->items[i]->lang = lang->text;
}

static void check_event(binder *b, const dp_ynode *node, dp_value *map) {
  const dp_ynode *kind = dp_ynode_map_get(node, "kind");
  if (kind && kind->kind == DP_YNODE_SCALAR) {
    char *k = g_strstrip(g_strdup(kind->text));
    if (strcmp(k, "other") == 0 && !dp_ynode_map_get(node, "label"))
      report(b, node->mark, "missing required key 'label' in event (an event "
             "of kind 'other' has no default label)");
    g_free(k);
  }
  const dp_value *start = dp_value_get(map, "start");
  const dp_value *end = dp_value_get(map, "end");
  if (start && end && datetime_compare(&end->datetime, &start->datetime) < 0)
    report(b, end->mark, "'end' (%s) is before 'start' (%s)", end->text,
           start->text);
  if (!dp_ynode_map_get(node, "status"))
    value_append(map, "status", text_new(node->mark, "scheduled"));
}

/* ==== documents ========================================================== */

static char *stem_of(const char *name) {
  char *base = g_path_get_basename(name);
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  return base;
}

/* A map of `base`'s entries (either may be NULL, not both) with those of
 * `over` replacing the entries of the same key or added after them; its
 * mark is `over`'s.  Shallow: the entries are borrowed.  Free with
 * merged_free(). */
static dp_ynode *merged_map(const dp_ynode *base, const dp_ynode *over) {
  dp_ynode *m = g_new(dp_ynode, 1);
  *m = over ? *over : *base;
  size_t room = (base ? base->count : 0) + (over ? over->count : 0);
  m->children = g_new(dp_ynode *, 2 * room + 1);
  m->count = 0;
  for (size_t i = 0; base && i < base->count; i++) {
    if (over && dp_ynode_map_get(over, base->children[2 * i]->text)) continue;
    m->children[2 * m->count] = base->children[2 * i];
    m->children[2 * m->count++ + 1] = base->children[2 * i + 1];
  }
  for (size_t i = 0; over && i < over->count; i++) {
    m->children[2 * m->count] = over->children[2 * i];
    m->children[2 * m->count++ + 1] = over->children[2 * i + 1];
  }
  if (base && over) m->weight = base->weight + over->weight;
  return m;
}

static void merged_free(dp_ynode *m) {
  if (!m) return;
  g_free(m->children);
  g_free(m);
}

/* A key of the announcement made for merging: a scalar key node. */
static dp_ynode *key_node(const char *key, dp_mark mark) {
  dp_ynode *k = g_new0(dp_ynode, 1);
  k->kind = DP_YNODE_SCALAR;
  k->mark = mark;
  k->text = g_strdup(key);
  k->length = strlen(key);
  return k;
}

/* The announcement `root` with `house`'s institution and labels (for its
 * language) under its own: a shallow map whose `institution` and
 * `labels` are merged maps.  *made collects what to free. */
static dp_ynode *with_house(const dp_ynode *root, const dp_house *house,
                            GPtrArray *made, GPtrArray *keys) {
  static const char *const merged_keys[] = {"institution", "labels"};
  const dp_ynode *lang = dp_ynode_map_get(root, "lang");
  const dp_ynode *defaults[] = {
      dp_house_get_institution(house),
      dp_house_get_labels(house, lang && lang->kind == DP_YNODE_SCALAR
                                     ? lang->text : "en")};
  dp_ynode *extra = g_new0(dp_ynode, 1);
  extra->kind = DP_YNODE_MAP;
  extra->mark = root->mark;
  extra->children = g_new(dp_ynode *, 2 * G_N_ELEMENTS(merged_keys));
  g_ptr_array_add(made, extra);
  for (size_t i = 0; i < G_N_ELEMENTS(merged_keys); i++) {
    const dp_ynode *own = dp_ynode_map_get(root, merged_keys[i]);
    if (!defaults[i] || (own && own->kind != DP_YNODE_MAP)) continue;
    dp_ynode *m = merged_map(defaults[i], own);
    g_ptr_array_add(made, m);
    dp_ynode *k = key_node(merged_keys[i], own ? own->mark : root->mark);
    g_ptr_array_add(keys, k);
    extra->children[2 * extra->count] = k;
    extra->children[2 * extra->count++ + 1] = m;
  }
  dp_ynode *merged = merged_map(root, extra);
  merged->mark = root->mark;
  return merged;
}

static void key_node_free(gpointer k) {
  g_free(((dp_ynode *)k)->text);
  g_free(k);
}

/* The house the announcement names (`house: FILE`, relative to its
 * folder), else the settings' default; NULL after reporting when the one
 * named cannot be used, or when there is none (*failed tells). */
static dp_house *find_house(binder *b, const dp_settings *settings,
                            const dp_ynode *root, bool *failed) {
  *failed = false;
  const dp_ynode *named = root && root->kind == DP_YNODE_MAP
                              ? dp_ynode_map_get(root, "house")
                              : NULL;
  if (!named || named->kind != DP_YNODE_SCALAR || dp_ynode_is_null(named))
    return settings ? dp_house_ref(settings->house) : NULL;
  char *problem = NULL;
  char *path = dp_confine_resolve(b->root, b->base_dir, named->text, &problem);
  int before = dp_diag_get_error_count(b->diag);
  dp_house *house = path ? dp_house_load(b->diag, settings, path) : NULL;
  if (!house) {
    *failed = true;
    if (problem)
      report(b, named->mark, "house: the file '%s' %s", named->text, problem);
    else if (dp_diag_get_error_count(b->diag) == before)
      report(b, named->mark, "house: cannot read '%s'", named->text);
    else
      b->errors++; /* reported at the house file's lines */
  }
  g_free(problem);
  g_free(path);
  return house;
}

/* (transfer full) A text or rich value as plain text (Markdown's marks
 * dropped), or NULL. */
static char *plain_text(const dp_value *v) {
  if (!v) return NULL;
  if (v->kind == DP_VALUE_RICH && v->rich) return dp_rich_to_plain(v->rich);
  return v->text ? g_strdup(v->text) : NULL;
}

static dp_document *bind_document(dp_diag *diag,
                                  const dp_settings *settings,
                                  dp_ytree *tree, const char *base_dir) {
  binder b = {diag, base_dir, dp_settings_root(settings), settings, 0, 0, NULL,
              g_ptr_array_new_with_free_func(g_free),
              g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
  const dp_ynode *root = dp_ytree_get_root(tree);
  dp_value *value = NULL;
  bool house_failed;
  dp_house *house = find_house(&b, settings, root, &house_failed);
  GPtrArray *made = g_ptr_array_new_with_free_func((GDestroyNotify)merged_free);
  GPtrArray *keys = g_ptr_array_new_with_free_func(key_node_free);
  if (house && root && root->kind == DP_YNODE_MAP) {
    b.house_file = dp_ytree_get_name(house->tree);
    dp_ynode *merged = with_house(root, house, made, keys);
    g_ptr_array_add(made, merged);
    root = merged;
  }
  if (!root) {
    report(&b, DP_MARK_FILE(dp_ytree_get_name(tree)),
           "the document is empty: an announcement needs at least "
           "institution, candidate, thesis and events");
  } else if (root->kind != DP_YNODE_MAP) {
    report(&b, root->mark, "expected a map of keys (institution, candidate, "
           "thesis, events, …) at the top of the announcement, got %s",
           node_kind(root));
  } else {
    value = bind_map(&b, &announcement_schema, root, "the announcement");
  }
  g_ptr_array_free(made, TRUE);
  g_ptr_array_free(keys, TRUE);
  g_hash_table_destroy(b.reported);
  if (b.errors || !value || house_failed) {
    g_ptr_array_free(b.files, TRUE);
    value_free(value);
    dp_house_unref(house);
    return NULL;
  }
  dp_document *doc = g_new0(dp_document, 1);
  doc->house = house;
  if (house) g_ptr_array_insert(b.files, 0, g_strdup(house->path));
  g_ptr_array_insert(b.files, 0, g_strdup(dp_ytree_get_name(tree)));
  g_ptr_array_add(b.files, NULL);
  doc->files = (char **)g_ptr_array_free(b.files, FALSE);
  doc->serial = (unsigned long long)g_atomic_pointer_add(&last_serial, 1) + 1;
  doc->root = value;
  doc->name = g_strdup(dp_ytree_get_name(tree));
  doc->stem = stem_of(doc->name);
  /* Made here, once: the getters of an immutable document may be called
   * from several threads at once. */
  doc->title = plain_text(dp_value_lookup(value, "thesis.title"));
  doc->candidate = plain_text(dp_value_lookup(value, "candidate.name"));
  return doc;
}

dp_document *dp_document_read_data(dp_diag *diag, const dp_settings *settings,
                                   const char *name, const char *text,
                                   size_t length, const char *base_dir) {
  dp_ytree *tree = dp_ytree_parse(diag, name, text, length);
  if (!tree) return NULL;
  dp_document *doc = bind_document(diag, settings, tree, base_dir);
  dp_ytree_free(tree);
  /* No file to date it: the time it was read (not 1970). */
  if (doc) doc->mtime = g_get_real_time() / G_USEC_PER_SEC;
  return doc;
}

dp_document *dp_document_read(dp_diag *diag, const dp_settings *settings,
                              const char *path) {
  dp_ytree *tree = dp_ytree_load_file(diag, path);
  if (!tree) return NULL;
  char *base_dir = g_path_get_dirname(path);
  dp_document *doc = bind_document(diag, settings, tree, base_dir);
  g_free(base_dir);
  dp_ytree_free(tree);
  GStatBuf st;
  if (doc && g_stat(path, &st) == 0) doc->mtime = (long long)st.st_mtime;
  return doc;
}

void dp_document_free(dp_document *doc) {
  if (!doc) return;
  value_free(doc->root);
  dp_house_unref(doc->house);
  g_strfreev(doc->files);
  g_free(doc->name);
  g_free(doc->stem);
  g_free(doc->title);
  g_free(doc->candidate);
  g_free(doc);
}

const dp_value *dp_document_get_root(const dp_document *doc) {
  return doc->root;
}

/* Public (disputas.h): NULL for NULL, as the API's other getters. */
const char *dp_document_get_stem(const dp_document *doc) {
  if (!doc) return NULL;
  return doc->stem;
}

const char *dp_document_get_title_text(const dp_document *doc) {
  return doc->title;
}

const char *dp_document_get_candidate_text(const dp_document *doc) {
  return doc->candidate;
}

unsigned long long dp_document_get_serial(const dp_document *doc) {
  return doc->serial;
}
const char *dp_document_get_name(const dp_document *doc) { return doc->name; }
const dp_house *dp_document_get_house(const dp_document *doc) {
  return doc->house;
}

const char *const *dp_document_get_files(const dp_document *doc) {
  if (!doc) return NULL; /* no critical: disputas.c, DP_ARG */
  return (const char *const *)doc->files;
}
long long dp_document_get_mtime(const dp_document *doc) { return doc->mtime; }

const char *dp_document_get_lang(const dp_document *doc) {
  const dp_value *lang = dp_value_get(doc->root, "lang");
  return lang && lang->text ? lang->text : "en";
}

bool dp_document_is_rtl(const dp_document *doc) {
  const dp_value *dir = dp_value_get(doc->root, "direction");
  return dir && dir->text && strcmp(dir->text, "rtl") == 0;
}

char *dp_lang_normalise(const char *tag) { return bcp47_normalise(tag); }
