/* Unit tests of templates and label tables.
 *
 * The documents are small dp_value trees built by hand, so these tests do
 * not depend on the document binder.  Every expected text and span is
 * written from the rules in template.h and the label tables, not copied
 * from output. */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdarg.h>
#include <string.h>

#include "labels.h"
#include "paths.h"
#include "label-tables.h"
#include "template.h"
#include "yaml-tree.h"

/* ----------------------------------------------------------------------
 * Building values
 */

static dp_value *v_new(dp_value_kind kind) {
  dp_value *v = g_new0(dp_value, 1);
  v->kind = kind;
  return v;
}

static dp_value *v_text(const char *text) {
  dp_value *v = v_new(DP_VALUE_TEXT);
  v->text = g_strdup(text);
  return v;
}

static dp_value *v_bool(bool b) {
  dp_value *v = v_new(DP_VALUE_BOOL);
  v->boolean = b;
  v->text = g_strdup(b ? "true" : "false");
  return v;
}

static dp_value *v_date(int y, int mo, int d, int h, int mi, bool has_time) {
  dp_value *v = v_new(DP_VALUE_DATETIME);
  v->datetime = (dp_datetime){y, mo, d, h, mi, has_time};
  v->text = g_strdup("(as written)");
  return v;
}

/* An inline rich text of one paragraph with at most one span over the
 * first occurrence of `marked` (NULL: none). */
static dp_value *v_rich(const char *text, const char *marked,
                        dp_span_kind kind, const char *url) {
  dp_value *v = v_new(DP_VALUE_RICH);
  v->text = g_strdup(text);
  v->inline_only = true;
  v->rich = g_new0(dp_rich, 1);
  v->rich->count = 1;
  v->rich->blocks = g_new0(dp_block, 1);
  dp_block *b = &v->rich->blocks[0];
  b->text = g_strdup(text);
  b->length = strlen(text);
  if (marked) {
    const char *at = strstr(text, marked);
    g_assert_nonnull(at);
    b->span_count = 1;
    b->spans = g_new0(dp_span, 1);
    b->spans[0].kind = kind;
    b->spans[0].start = (unsigned)(at - text);
    b->spans[0].end = (unsigned)(at - text + strlen(marked));
    b->spans[0].url = g_strdup(url);
  }
  return v;
}

/* A Markdown text of two paragraphs, the second with emphasis. */
static dp_value *v_rich_blocks(const char *first, const char *second,
                               const char *marked) {
  dp_value *v = v_rich(first, NULL, DP_SPAN_EMPHASIS, NULL);
  v->inline_only = false;
  v->rich->blocks = g_renew(dp_block, v->rich->blocks, 2);
  v->rich->count = 2;
  dp_value *tmp = v_rich(second, marked, DP_SPAN_EMPHASIS, NULL);
  v->rich->blocks[1] = tmp->rich->blocks[0];
  g_free(tmp->rich->blocks);
  tmp->rich->count = 0;
  g_free(tmp->rich);
  g_free(tmp->text);
  g_free(tmp);
  return v;
}

/* A list of the given values, NULL-terminated. */
static dp_value *v_list(dp_value *first, ...) {
  dp_value *v = v_new(DP_VALUE_LIST);
  va_list ap;
  va_start(ap, first);
  for (dp_value *item = first; item; item = va_arg(ap, dp_value *)) {
    v->items = g_renew(dp_value *, v->items, v->count + 1);
    v->items[v->count++] = item;
  }
  va_end(ap);
  return v;
}

/* A map of key, value, ..., NULL. */
static dp_value *v_map(const char *key, ...) {
  dp_value *v = v_new(DP_VALUE_MAP);
  va_list ap;
  va_start(ap, key);
  for (const char *k = key; k; k = va_arg(ap, const char *)) {
    dp_value *item = va_arg(ap, dp_value *);
    v->items = g_renew(dp_value *, v->items, v->count + 1);
    v->keys = g_renew(char *, v->keys, v->count + 1);
    v->keys[v->count] = g_strdup(k);
    v->items[v->count++] = item;
  }
  va_end(ap);
  return v;
}

static void v_free(dp_value *v) {
  if (!v) return;
  for (size_t i = 0; i < v->count; i++) {
    v_free(v->items[i]);
    if (v->keys) g_free(v->keys[i]);
  }
  g_free(v->items);
  g_free(v->keys);
  if (v->rich) {
    for (size_t i = 0; i < v->rich->count; i++) {
      dp_block *b = &v->rich->blocks[i];
      for (size_t k = 0; k < b->span_count; k++) g_free(b->spans[k].url);
      g_free(b->spans);
      g_free(b->text);
      g_free(b->marker);
    }
    g_free(v->rich->blocks);
    g_free(v->rich);
  }
  g_free(v->text);
  g_free(v);
}

/* ----------------------------------------------------------------------
 * The test document
 */

static dp_value *doc;

static dp_value *person_full(void) {
  return v_map("role", v_text("first-opponent"), "title", v_text("Professor"),
               "name", v_text("Ann-Karin Tennås Holmen"), "affiliation",
               v_list(v_text("University of Stavanger"), NULL), "country",
               v_text("Norway"), NULL);
}

static dp_value *person_plain(void) {
  return v_map("role", v_text("rapporteur"), "name", v_text("Malene Terp"),
               "affiliation",
               v_list(v_text("Aalborg University Hospital"),
                      v_text("Aalborg University"), NULL),
               NULL);
}

static void make_document(void) {
  doc = v_map(
      "candidate",
      v_map("name", v_text("Kristina Bakke Åkerblom"), "affiliation",
            v_list(v_text("HVL"), NULL), NULL),
      "thesis",
      v_map("title",
            v_rich("Lakselus i et varmere hav", "varmere", DP_SPAN_EMPHASIS,
                   NULL),
            "turkish",
            v_rich("bir iki üç", "iki", DP_SPAN_STRONG, NULL), "papers",
            v_list(v_rich("Paper one.", NULL, DP_SPAN_EMPHASIS, NULL),
                   v_rich("Paper two.", "two", DP_SPAN_EMPHASIS, NULL), NULL),
            "url", v_text("https://hdl.handle.net/11250/3179420"), NULL),
      "events",
      v_list(v_map("kind", v_text("trial-lecture"), "tba", v_bool(true),
                   "start", v_date(2024, 9, 27, 10, 0, true), "venue",
                   v_map("room", v_text("M004-K2"), "building", v_text("HVL"),
                         "map", v_text("https://use.mazemap.com/x"), NULL),
                   NULL),
             v_map("kind", v_text("other"), "label", v_text("Mottaking"),
                   "start", v_date(2024, 9, 27, 0, 0, false), NULL),
             NULL),
      "online",
      v_map("url", v_text("https://hvl.zoom.us/j/637"), "meeting-id",
            v_text("637 6206 9036"), NULL),
      "committee", v_list(person_full(), person_plain(), NULL),
      "three", v_list(v_text("A"), v_text("B"), v_text("C"), NULL),
      "two", v_list(v_text("A"), v_text("B"), NULL),
      "one", v_list(v_text("A"), NULL),
      "gaps", v_list(v_text("A"), v_map(NULL), v_text("C"), NULL),
      "notes", v_rich_blocks("First para.", "Second para.", "para"),
      "extra",
      v_map("publisert", v_text("2025-10-02"), "kl", v_text("2025-10-02 14:30"),
            "not-a-date", v_text("2025-13-45"), "tom", v_map(NULL), NULL),
      "web", v_text("https://www.uib.no/"),
      "mail", v_text("mailto:marte.hovland@uib.no"),
      "flag", v_bool(true),
      "off", v_bool(false), NULL);
}

/* ----------------------------------------------------------------------
 * Helpers
 */

static GString *messages;

static void capture(const dp_diagnostic *d, void *user) {
  (void)user;
  char *base = d->file ? g_path_get_basename(d->file) : g_strdup("-");
  g_string_append_printf(messages, "%s:%d:%d: %s\n", base, d->line,
                         d->column, d->message);
  g_free(base);
}

static dp_diag *new_diag(void) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  dp_diag_set_callback(diag, capture, NULL);
  return diag;
}

/* The scope of the document root in `lang`, with that language's labels. */
typedef struct fixture {
  dp_diag *diag;
  dp_labels *labels;
  dp_scope scope;
} fixture;

static void fixture_init(fixture *f, const char *lang) {
  f->diag = new_diag();
  f->labels = dp_labels_new(f->diag, NULL, lang, NULL);
  f->scope = (dp_scope){.root = doc, .labels = f->labels, .lang = lang};
}

static void fixture_clear(fixture *f) {
  dp_labels_free(f->labels);
  dp_diag_free(f->diag);
}

static const dp_mark test_mark = {"layout.yaml", 4, 10, -1};

/* Parses and expands; returns whether the expansion was complete and
 * leaves the result in `out` (initialised here). */
static bool run(const char *source, const dp_scope *scope, dp_textbuf *out) {
  dp_diag *diag = new_diag();
  g_string_truncate(messages, 0);
  dp_template *tmpl = dp_template_parse(diag, source, test_mark);
  if (!tmpl) g_error("'%s': %s", source, messages->str);
  dp_textbuf_init(out);
  bool complete = dp_template_expand(tmpl, scope, out);
  dp_template_free(tmpl);
  dp_diag_free(diag);
  return complete;
}

/* Asserts that `source` expands to `expected` without spans. */
static void check(const char *source, const dp_scope *scope,
                  const char *expected, bool complete) {
  dp_textbuf out;
  bool got_complete = run(source, scope, &out);
  g_assert_cmpstr(out.text ? out.text : "", ==, expected);
  g_assert_cmpuint(out.length, ==, strlen(expected));
  g_assert_cmpuint(out.span_count, ==, 0);
  if (got_complete != complete)
    g_error("'%s': expected %s expansion", source,
            complete ? "a complete" : "an incomplete");
  dp_textbuf_clear(&out);
}

static void check_span(const dp_textbuf *out, size_t i, dp_span_kind kind,
                       const char *covered, const char *url) {
  g_assert_cmpuint(i, <, out->span_count);
  const dp_span *s = &out->spans[i];
  g_assert_cmpint(s->kind, ==, kind);
  g_assert_cmpuint(s->end, <=, out->length);
  char *text = g_strndup(out->text + s->start, s->end - s->start);
  g_assert_cmpstr(text, ==, covered);
  g_free(text);
  g_assert_cmpstr(s->url, ==, url);
}

/* The one error `source` gives, as "LINE:COLUMN: MESSAGE". */
static char *parse_error(const char *source) {
  g_string_truncate(messages, 0);
  dp_diag *diag = new_diag();
  dp_template *tmpl = dp_template_parse(diag, source, test_mark);
  g_assert_null(tmpl);
  g_assert_cmpint(dp_diag_get_error_count(diag), ==, 1);
  dp_diag_free(diag);
  g_assert_true(g_str_has_prefix(messages->str, "layout.yaml:"));
  char *line = g_strdup(messages->str + strlen("layout.yaml:"));
  g_strchomp(line);
  return line;
}

#define assert_parse_error(source, expected)                         \
  do {                                                               \
    char *got_ = parse_error(source);                                \
    g_assert_cmpstr(got_, ==, (expected));                           \
    g_free(got_);                                                    \
  } while (0)

/* ----------------------------------------------------------------------
 * Tests: the language
 */

static void test_literals_and_escapes(void) {
  fixture f;
  fixture_init(&f, "en");
  check("plain text", &f.scope, "plain text", true);
  check("", &f.scope, "", true);
  check("{{literal}} \\[x\\] back\\\\slash", &f.scope,
        "{literal} [x] back\\slash", true);
  check("a\\b \\x", &f.scope, "a\\b \\x", true);
  check("{{{candidate.name}}}", &f.scope, "{Kristina Bakke Åkerblom}", true);
  check("\\[{candidate.name}\\]", &f.scope, "[Kristina Bakke Åkerblom]",
        true);
  fixture_clear(&f);
}

static void test_fields(void) {
  fixture f;
  fixture_init(&f, "en");
  check("{candidate.name}", &f.scope, "Kristina Bakke Åkerblom", true);
  check("{ candidate.name }", &f.scope, "Kristina Bakke Åkerblom", true);
  check("{events.0.venue.room}", &f.scope, "M004-K2", true);
  /* An empty placeholder outside a group: incomplete, text kept. */
  check("Room: {venue.room}", &f.scope, "Room: ", false);
  check("{events.1.venue.room}!", &f.scope, "!", false);
  /* Values of each kind without filters. */
  check("{flag} {off}", &f.scope, "true false", true);
  check("{events.0.start}", &f.scope, "2024-09-27T10:00", true);
  check("{events.1.start}", &f.scope, "2024-09-27", true);
  check("{two}", &f.scope, "A, B", true);
  check("{gaps}", &f.scope, "A, C", true);
  check("[{extra.tom}]x", &f.scope, "x", true);
  check("{online}", &f.scope, "", false);
  check("{'literal' }", &f.scope, "literal", true);
  /* Several Markdown blocks in one line: plain text joined by spaces. */
  check("{notes}", &f.scope, "First para. Second para.", true);
  fixture_clear(&f);
}

static void test_optional_groups(void) {
  const char *person = "[{title} ]{name}[, {position}]"
                       "[, {affiliation|join:', '}][, {country}]";
  fixture f;
  fixture_init(&f, "en");
  const dp_value *committee = dp_value_get(doc, "committee");
  dp_scope item = {.item = committee->items[0], .index = 1,
                   .parent = &f.scope, .root = doc, .labels = f.labels,
                   .lang = "en"};
  check(person, &item,
        "Professor Ann-Karin Tennås Holmen, University of Stavanger, Norway",
        true);
  item.item = committee->items[1];
  item.index = 2;
  check(person, &item,
        "Malene Terp, Aalborg University Hospital, Aalborg University", true);
  /* Nested groups drop only themselves. */
  check("[A[ B{missing}] C{candidate.name}]", &f.scope,
        "A CKristina Bakke Åkerblom", true);
  check("[A[ B{candidate.name}] C{missing}]x", &f.scope, "x", true);
  /* Every placeholder of a group must be set. */
  check("[{candidate.name} {missing}]", &f.scope, "", true);
  /* A dropped group takes its spans with it. */
  dp_textbuf out;
  g_assert_true(run("[«{thesis.title}» {missing}]{thesis.title}", &f.scope,
                    &out));
  g_assert_cmpstr(out.text, ==, "Lakselus i et varmere hav");
  g_assert_cmpuint(out.span_count, ==, 1);
  check_span(&out, 0, DP_SPAN_EMPHASIS, "varmere", NULL);
  dp_textbuf_clear(&out);
  fixture_clear(&f);
}

static void test_alternatives(void) {
  fixture f;
  fixture_init(&f, "nb");
  const dp_value *events = dp_value_get(doc, "events");
  dp_scope event = {.item = events->items[0], .index = 1, .parent = &f.scope,
                    .root = doc, .labels = f.labels, .lang = "nb"};
  check("{label || kind|label}", &event, "Prøveforelesning", true);
  check("{title || label:tba}", &event, "Tittel kommer", true);
  check("{title||'?'}", &event, "?", true);
  event.item = events->items[1];
  check("{label || kind|label}", &event, "Mottaking", true);
  check("[({missing || other})]", &f.scope, "", true);
  check("{missing || other}", &f.scope, "", false);
  fixture_clear(&f);
}

static void test_labels_in_templates(void) {
  fixture f;
  fixture_init(&f, "nb");
  check("{label:public-defence}", &f.scope, "Disputas", true);
  check("{ label : trial-lecture }", &f.scope, "Prøveforelesning", true);
  check("{label:'committee'}", &f.scope, "Bedømmelseskomité", true);
  const dp_value *committee = dp_value_get(doc, "committee");
  dp_scope person = {.item = committee->items[0], .parent = &f.scope,
                     .root = doc, .labels = f.labels, .lang = "nb"};
  check("{role|label}: {name}", &person,
        "Førsteopponent: Ann-Karin Tennås Holmen", true);
  /* A free-text role is printed as given. */
  person.item = committee->items[1];
  check("{role|label}: {name}", &person, "rapporteur: Malene Terp", true);
  fixture_clear(&f);

  fixture_init(&f, "nn");
  check("{label:trial-lecture}, {label:supervisors}, {label:tba}", &f.scope,
        "Prøveførelesing, Rettleiarar, Tittel kjem", true);
  fixture_clear(&f);

  /* Spanish has no table: English labels. */
  fixture_init(&f, "es");
  check("{label:public-defence}", &f.scope, "Public defence", true);
  fixture_clear(&f);

  /* The other Nordic and European languages have their own. */
  fixture_init(&f, "de");
  check("{label:public-defence}, {label:first-opponent}", &f.scope,
        "Disputation, Erstgutachter", true);
  fixture_clear(&f);
  fixture_init(&f, "fi");
  check("{label:public-defence}, {label:opponent}, {label:custos}", &f.scope,
        "Väitöstilaisuus, Vastaväittäjä, Kustos", true);
  fixture_clear(&f);

  /* Without labels a label placeholder is empty. */
  dp_scope bare = {.root = doc, .lang = "en"};
  check("[{label:tba}]{candidate.name|label}", &bare,
        "Kristina Bakke Åkerblom", true);
}

static void test_date_filters(void) {
  fixture f;
  fixture_init(&f, "nb");
  check("{events.0.start|date}", &f.scope, "fredag 27. september 2024", true);
  check("{events.0.start|time}", &f.scope, "10.00", true);
  check("{events.0.start|datetime}", &f.scope,
        "fredag 27. september 2024 kl. 10.00", true);
  check("{events.0.start|date-short}", &f.scope, "27. september 2024", true);
  check("{events.0.start|weekday} {events.0.start|day}. "
        "{events.0.start|month} {events.0.start|year}",
        &f.scope, "fredag 27. september 2024", true);
  check("{events.0.start|date:'d. MMM'}", &f.scope, "27. sep.", true);
  /* A date without a time. */
  check("{events.1.start|datetime}", &f.scope, "fredag 27. september 2024",
        true);
  check("{events.1.start|date}[ kl. {events.1.start|time}]", &f.scope,
        "fredag 27. september 2024", true);
  check("{events.1.start|time}", &f.scope, "", false);
  /* Dates written as text in free fields. */
  check("{extra.publisert|date}", &f.scope, "torsdag 2. oktober 2025", true);
  check("{extra.kl|time}", &f.scope, "14.30", true);
  check("{extra.not-a-date|date}", &f.scope, "2025-13-45", true);
  check("{candidate.name|date}", &f.scope, "Kristina Bakke Åkerblom", true);
  check("{events.0.start|date|upper}", &f.scope, "FREDAG 27. SEPTEMBER 2024",
        true);
  fixture_clear(&f);

  fixture_init(&f, "en");
  check("{events.0.start|datetime}", &f.scope,
        "Friday 27 September 2024, 10:00", true);
  check("{events.0.start|date:'d MMM'}", &f.scope, "27 Sep", true);
  fixture_clear(&f);

  fixture_init(&f, "nn");
  check("{events.0.start|datetime}", &f.scope,
        "fredag 27. september 2024 kl. 10.00", true);
  fixture_clear(&f);

  /* German from its table ("Uhr"), Spanish from ICU. */
  fixture_init(&f, "de");
  check("{events.0.start|datetime}", &f.scope,
        "Freitag, 27. September 2024, 10:00 Uhr", true);
  check("{events.0.start|time} / {events.0.start|time-long}", &f.scope,
        "10:00 / 10:00 Uhr", true);
  fixture_clear(&f);
  fixture_init(&f, "es");
  check("{events.0.start|datetime}", &f.scope,
        "viernes, 27 de septiembre de 2024, 10:00", true);
  fixture_clear(&f);

  fixture_init(&f, "el");
  check("{events.0.start|date-short}", &f.scope, "27 Σεπτεμβρίου 2024", true);
  fixture_clear(&f);
}

/* {format:KEY}: the language's template for a convention, expanded in
 * the scope at hand. */
static void test_formats(void) {
  const dp_value *events = dp_value_get(doc, "events");
  const dp_value *committee = dp_value_get(doc, "committee");
  struct {
    const char *lang, *source;
    int event; /* -1: a person */
    const char *expected;
  } cases[] = {
      {"en", "{format:time-range-long}", 0, "10:00"},
      {"nb", "{format:time-range-long}", 0, "kl. 10.00"},
      {"de", "{format:time-range-long}", 0, "10:00 Uhr"},
      {"fi", "{format:time-range-long}", 0, "klo 10.00"},
      {"fi", "{format:time-range}", 0, "10.00"},
      /* A date without a time: the whole convention says nothing, so the
       * group around it goes ("kl. " is not left behind). */
      {"nb", "[{format:time-range-long}]{label}", 1, "Mottaking"},
      {"de", "Beginn[ {format:time-range-long}]", 1, "Beginn"},
      {"en", "{format:venue-line}", 0, "M004-K2, HVL"},
      /* The title before the name, or after it. */
      {"sv", "{format:person-name}", -1,
       "Professor Ann-Karin Tennås Holmen"},
      {"fr", "{format:person-name}", -1,
       "Ann-Karin Tennås Holmen, Professor"},
      {"is", "{format:person-name}", -1,
       "Ann-Karin Tennås Holmen, Professor"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    fixture f;
    fixture_init(&f, cases[i].lang);
    const dp_value *item = cases[i].event >= 0
                               ? events->items[cases[i].event]
                               : committee->items[0];
    dp_scope scope = {.item = item, .index = 1, .parent = &f.scope,
                      .root = doc, .labels = f.labels,
                      .lang = cases[i].lang};
    check(cases[i].source, &scope, cases[i].expected, true);
    g_assert_cmpint(dp_diag_get_error_count(f.diag), ==, 0);
    fixture_clear(&f);
  }

  /* A time range, with the end. */
  dp_value *event = v_map("start", v_date(2024, 9, 27, 10, 15, true), "end",
                          v_date(2024, 9, 27, 12, 0, true), NULL);
  const char *ranges[][3] = {
      {"nb", "{format:time-range-long}", "kl. 10.15–12.00"},
      {"de", "{format:time-range-long}", "10:15–12:00 Uhr"},
      {"de", "{format:time-range}", "10:15–12:00"},
      {"nl", "{format:time-range-long}", "10.15–12.00 uur"},
      {"fr", "{format:time-range}", "10\u00a0h\u00a015\u00a0– 12\u00a0h\u00a000"},
      {"sv", "{format:time-range-long}", "kl. 10.15–12.00"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(ranges); i++) {
    fixture f;
    fixture_init(&f, ranges[i][0]);
    dp_scope scope = {.item = event, .index = 1, .parent = &f.scope,
                      .root = doc, .labels = f.labels, .lang = ranges[i][0]};
    check(ranges[i][1], &scope, ranges[i][2], true);
    fixture_clear(&f);
  }
  v_free(event);

  /* A document's override replaces the convention. */
  dp_diag *diag = new_diag();
  dp_value *overrides =
      v_map("time-range-long", v_text("fra kl. {start|time}"), NULL);
  dp_labels *labels = dp_labels_new(diag, NULL, "nb", overrides);
  dp_scope scope = {.item = events->items[0], .root = doc, .labels = labels,
                    .lang = "nb"};
  check("{format:time-range-long}", &scope, "fra kl. 10.00", true);
  dp_labels_free(labels);
  v_free(overrides);
  g_assert_cmpint(dp_diag_get_error_count(diag), ==, 0);

  /* Without labels a format says nothing. */
  dp_scope bare = {.item = events->items[0], .root = doc, .lang = "en"};
  check("[{format:time-range}]x", &bare, "x", true);

  /* Bad overrides are errors at the document's line; the built-in text
   * stays. */
  g_string_truncate(messages, 0);
  dp_value *bad = v_map("time-range", v_text("{start|tme}"), "date-format",
                        v_text("EEEE j"), "person-name",
                        v_text("{format:person-name}"), NULL);
  bad->items[0]->mark = (dp_mark){"doc.yaml", 7, 15, -1};
  bad->items[1]->mark = (dp_mark){"doc.yaml", 8, 16, -1};
  bad->items[2]->mark = (dp_mark){"doc.yaml", 9, 16, -1};
  g_assert_false(dp_labels_check_overrides(diag, bad));
  g_assert_cmpstr(messages->str, ==,
                  "doc.yaml:7:15: label 'time-range': unknown filter 'tme' "
                  "(did you mean 'time'?)\n"
                  "doc.yaml:8:16: label 'date-format': 'j' is not a date "
                  "pattern letter\n"
                  "doc.yaml:9:16: label 'person-name': a label's template "
                  "cannot use '{format:person-name}'\n");
  labels = dp_labels_new(diag, NULL, "en", bad);
  dp_scope person = {.item = committee->items[0], .root = doc,
                     .labels = labels, .lang = "en"};
  check("{format:person-name}", &person, "Professor Ann-Karin Tennås Holmen",
        true);
  dp_labels_free(labels);
  v_free(bad);
  dp_diag_free(diag);
}

/* A convention's values in a line of either direction
 * (dp_template_expand_isolated): a value of the other direction is
 * isolated (FSI ... PDI) on its own, and a convention whose values mix
 * directions is isolated as a whole in the line's direction (LRI or
 * RLI), which its separators take.  Set as one first-strong isolate,
 * "Dr." would order an Arabic name after it, right to left. */
static void test_format_isolates(void) {
#define FSI "\u2068"
#define PDI "\u2069"
#define LRI "\u2066"
#define RLI "\u2067"
  struct {
    const char *lang, *title, *name;
    bool rtl;
    const char *expected;
  } cases[] = {
      /* One direction, the other's: one isolate, as any value. */
      {"ar", "Prof.", "Andrea Rinaldi", true, FSI "Prof. Andrea Rinaldi" PDI},
      {"ar", "الدكتورة", "هبة العمري", true, "الدكتورة هبة العمري"},
      {"en", "Professor", "Ann Holm", false, "Professor Ann Holm"},
      {"en", "الدكتورة", "هبة العمري", false, FSI "الدكتورة هبة العمري" PDI},
      /* Both: each value of the other direction isolated. */
      {"ar", "Dr.", "سامي النابلسي", true,
       RLI FSI "Dr." PDI " سامي النابلسي" PDI},
      {"ar", "الدكتورة", "Sarah Whitfield", true,
       RLI "الدكتورة " FSI "Sarah Whitfield" PDI PDI},
      {"en", "الدكتورة", "Sarah Whitfield", false,
       LRI FSI "الدكتورة" PDI " Sarah Whitfield" PDI},
      /* The name first, the title after a comma (French). */
      {"fr", "פרופסור", "Ann Holm", true,
       RLI FSI "Ann Holm" PDI ", פרופסור" PDI},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    fixture f;
    fixture_init(&f, cases[i].lang);
    dp_value *person = v_map("title", v_text(cases[i].title), "name",
                             v_text(cases[i].name), NULL);
    dp_scope scope = {.item = person, .parent = &f.scope, .root = doc,
                      .labels = f.labels, .lang = cases[i].lang,
                      .rtl = cases[i].rtl};
    dp_template *tmpl =
        dp_template_parse(f.diag, "{format:person-name}", test_mark);
    g_assert_nonnull(tmpl);
    dp_textbuf out;
    dp_textbuf_init(&out);
    g_assert_true(dp_template_expand_isolated(tmpl, &scope, &out));
    g_assert_cmpstr(out.text, ==, cases[i].expected);
    dp_textbuf_clear(&out);
    dp_template_free(tmpl);
    v_free(person);
    fixture_clear(&f);
  }
#undef FSI
#undef PDI
#undef LRI
#undef RLI
}

static void test_case_filters(void) {
  fixture f;
  fixture_init(&f, "en");
  check("{candidate.name|upper}", &f.scope, "KRISTINA BAKKE ÅKERBLOM", true);
  check("{candidate.name|lower}", &f.scope, "kristina bakke åkerblom", true);
  /* Spans follow the case mapping. */
  dp_textbuf out;
  run("{thesis.title|upper}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "LAKSELUS I ET VARMERE HAV");
  check_span(&out, 0, DP_SPAN_EMPHASIS, "VARMERE", NULL);
  dp_textbuf_clear(&out);
  run("{thesis.turkish|upper}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "BIR IKI ÜÇ");
  check_span(&out, 0, DP_SPAN_STRONG, "IKI", NULL);
  dp_textbuf_clear(&out);
  fixture_clear(&f);

  /* Turkish upper-cases i to İ (two bytes): the span moves and grows. */
  fixture_init(&f, "tr");
  run("x {thesis.turkish|upper}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "x BİR İKİ ÜÇ");
  g_assert_cmpuint(out.spans[0].start, ==, 7);
  g_assert_cmpuint(out.spans[0].end, ==, 12);
  check_span(&out, 0, DP_SPAN_STRONG, "İKİ", NULL);
  dp_textbuf_clear(&out);
  fixture_clear(&f);
}

static void test_list_filters(void) {
  fixture f;
  fixture_init(&f, "en");
  check("{three|join:', ':' and '}", &f.scope, "A, B and C", true);
  check("{two|join:', ':' and '}", &f.scope, "A and B", true);
  check("{one|join:', ':' and '}", &f.scope, "A", true);
  check("{gaps|join:' / '}", &f.scope, "A / C", true);
  check("{three|join:\"; \"}", &f.scope, "A; B; C", true);
  check("{three|join:''}", &f.scope, "ABC", true);
  check("{candidate.name|join:'-'}", &f.scope, "Kristina Bakke Åkerblom",
        true);
  /* A map (a venue) joins its texts, leaving out links. */
  check("{events.0.venue|join:', '}", &f.scope, "M004-K2, HVL", true);
  check("[{events.0.venue}]", &f.scope, "", true);
  check("{three|first}", &f.scope, "A", true);
  check("{candidate.name|first}", &f.scope, "Kristina Bakke Åkerblom", true);
  check("[{committee|first}]", &f.scope, "", true);
  check("{three|count} {committee|count} {candidate|count} "
        "{candidate.name|count}",
        &f.scope, "3 2 2 1", true);
  check("[{missing|count}]", &f.scope, "", true);
  /* Rich items keep their spans, shifted to where they land. */
  dp_textbuf out;
  run("Papers: {thesis.papers|join:'; '}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "Papers: Paper one.; Paper two.");
  g_assert_cmpuint(out.span_count, ==, 1);
  g_assert_cmpuint(out.spans[0].start, ==, 26);
  check_span(&out, 0, DP_SPAN_EMPHASIS, "two", NULL);
  dp_textbuf_clear(&out);
  fixture_clear(&f);
}

static void test_text_filters(void) {
  fixture f;
  fixture_init(&f, "en");
  check("{venue.campus|default:'TBA'}", &f.scope, "TBA", true);
  check("{candidate.name|default:'TBA'}", &f.scope,
        "Kristina Bakke Åkerblom", true);
  check("{missing|default:'it\\'s'}", &f.scope, "it's", true);
  check("{missing|default:\"say \\\"hi\\\"\"}", &f.scope, "say \"hi\"",
        true);
  check("{missing|default:''}", &f.scope, "", false);
  check("{thesis.title|plain}", &f.scope, "Lakselus i et varmere hav", true);
  check("{missing|upper|default:'x'|upper}", &f.scope, "X", true);
  fixture_clear(&f);
}

static void test_links(void) {
  fixture f;
  fixture_init(&f, "en");
  dp_textbuf out;
  run("Join: {online.url|url}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "Join: https://hvl.zoom.us/j/637");
  g_assert_cmpuint(out.span_count, ==, 1);
  g_assert_cmpuint(out.spans[0].start, ==, 6);
  check_span(&out, 0, DP_SPAN_LINK, "https://hvl.zoom.us/j/637",
             "https://hvl.zoom.us/j/637");
  dp_textbuf_clear(&out);

  run("Les – {thesis.url|strip-scheme}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "Les – hdl.handle.net/11250/3179420");
  g_assert_cmpuint(out.spans[0].start, ==, 8);
  check_span(&out, 0, DP_SPAN_LINK, "hdl.handle.net/11250/3179420",
             "https://hdl.handle.net/11250/3179420");
  dp_textbuf_clear(&out);

  run("{web|url|strip-scheme}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "www.uib.no");
  check_span(&out, 0, DP_SPAN_LINK, "www.uib.no", "https://www.uib.no/");
  dp_textbuf_clear(&out);

  run("{mail|strip-scheme}", &f.scope, &out);
  g_assert_cmpstr(out.text, ==, "marte.hovland@uib.no");
  check_span(&out, 0, DP_SPAN_LINK, "marte.hovland@uib.no",
             "mailto:marte.hovland@uib.no");
  dp_textbuf_clear(&out);

  /* A TEXT value named url is not a link by itself. */
  check("{online.url}", &f.scope, "https://hvl.zoom.us/j/637", true);
  /* url keeps emphasis but replaces the whole with one link, first. */
  run("{thesis.title|url}", &f.scope, &out);
  g_assert_cmpuint(out.span_count, ==, 2);
  check_span(&out, 0, DP_SPAN_LINK, "Lakselus i et varmere hav",
             "Lakselus i et varmere hav");
  check_span(&out, 1, DP_SPAN_EMPHASIS, "varmere", NULL);
  dp_textbuf_clear(&out);
  check("[{missing|url}]", &f.scope, "", true);
  fixture_clear(&f);
}

/* A rich inline value with emphasis after other (non-ASCII) text. */
static void test_rich_spans_shifted(void) {
  fixture f;
  fixture_init(&f, "nb");
  dp_textbuf out;
  dp_textbuf_init(&out);
  dp_textbuf_append(&out, "Før: ", strlen("Før: ")); /* 6 bytes */
  dp_diag *diag = new_diag();
  dp_template *tmpl =
      dp_template_parse(diag, "Tittel – «{thesis.title}»", test_mark);
  g_assert_true(dp_template_expand(tmpl, &f.scope, &out));
  g_assert_cmpstr(out.text, ==, "Før: Tittel – «Lakselus i et varmere hav»");
  /* 6 + "Tittel – «" (13 bytes) + 14 */
  g_assert_cmpuint(out.span_count, ==, 1);
  g_assert_cmpuint(out.spans[0].start, ==, 33);
  g_assert_cmpuint(out.spans[0].end, ==, 40);
  check_span(&out, 0, DP_SPAN_EMPHASIS, "varmere", NULL);
  /* A second expansion appends after the first. */
  g_assert_true(dp_template_expand(tmpl, &f.scope, &out));
  g_assert_cmpuint(out.span_count, ==, 2);
  g_assert_cmpuint(out.spans[1].start, ==, 33 + 40); /* one more expansion: 13 + 25 + 2 */
  check_span(&out, 1, DP_SPAN_EMPHASIS, "varmere", NULL);
  dp_template_free(tmpl);
  dp_diag_free(diag);
  dp_textbuf_clear(&out);
  g_assert_null(out.text);
  g_assert_cmpuint(out.length, ==, 0);
  fixture_clear(&f);
}

static void test_textbuf(void) {
  dp_textbuf buf;
  dp_textbuf_init(&buf);
  dp_textbuf_append(&buf, "see ", 4);
  dp_textbuf_append_span(&buf, "here", 4, DP_SPAN_LINK, "https://x.no");
  g_assert_cmpstr(buf.text, ==, "see here");
  check_span(&buf, 0, DP_SPAN_LINK, "here", "https://x.no");
  for (int i = 0; i < 1000; i++) dp_textbuf_append(&buf, "0123456789", 10);
  g_assert_cmpuint(buf.length, ==, 10008);
  g_assert_cmpuint(strlen(buf.text), ==, 10008);
  dp_textbuf_clear(&buf);
  dp_textbuf_clear(&buf);
}

static void test_scopes(void) {
  fixture f;
  fixture_init(&f, "en");
  const dp_value *events = dp_value_get(doc, "events");
  dp_scope event = {.item = events->items[0], .index = 1, .parent = &f.scope,
                    .root = doc, .labels = f.labels, .lang = "en"};
  const dp_value *three = dp_value_get(doc, "three");
  dp_scope letter = {.item = three->items[1], .index = 2, .parent = &event,
                     .root = doc, .labels = f.labels, .lang = "en"};
  /* {.} and {#}; then the parent item; then the root. */
  check("{#}. {.} in {venue.room} ({online.meeting-id})", &letter,
        "2. B in M004-K2 (637 6206 9036)", true);
  check("{#}/{kind}", &event, "1/trial-lecture", true);
  check("[{#}]{.}", &f.scope, "", false);
  g_assert_true(dp_scope_lookup(&letter, ".") == three->items[1]);
  g_assert_true(dp_scope_lookup(&letter, "kind") ==
                dp_value_get(events->items[0], "kind"));
  g_assert_true(dp_scope_lookup(&letter, "candidate.name") ==
                dp_value_lookup(doc, "candidate.name"));
  g_assert_null(dp_scope_lookup(&letter, "nothing.here"));
  g_assert_null(dp_scope_lookup(NULL, "candidate"));
  /* A scope without root of its own finds its parent's. */
  dp_scope rootless = {.item = three->items[0], .index = 1, .parent = &f.scope};
  check("{.}: {candidate.name}", &rootless, "A: Kristina Bakke Åkerblom",
        true);
  fixture_clear(&f);
}

static void test_folio(void) {
  dp_diag *diag = new_diag();
  dp_template *tmpl = dp_template_parse(diag, "{page}[ / {pages}]", test_mark);
  g_assert_true(dp_template_uses_folio(tmpl));
  dp_scope scope = {.root = doc, .page = 3};
  dp_textbuf out;
  dp_textbuf_init(&out);
  g_assert_true(dp_template_expand(tmpl, &scope, &out));
  g_assert_cmpstr(out.text, ==, "3");
  dp_textbuf_clear(&out);
  scope.pages = 8;
  g_assert_true(dp_template_expand(tmpl, &scope, &out));
  g_assert_cmpstr(out.text, ==, "3 / 8");
  dp_textbuf_clear(&out);
  dp_template_free(tmpl);
  tmpl = dp_template_parse(diag, "{candidate.name} {label:papers}", test_mark);
  g_assert_false(dp_template_uses_folio(tmpl));
  dp_template_free(tmpl);
  dp_diag_free(diag);
  g_assert_false(dp_template_uses_folio(NULL));
}

static void test_syntax_errors(void) {
  /* The mark is line 4, column 10: column 10 is the template's first
   * character. */
  assert_parse_error("{format:time-rang}",
                     "4:18: unknown format 'time-rang' (did you mean "
                     "'time-range'?)");
  assert_parse_error("{format:trial-lecture}",
                     "4:18: unknown format 'trial-lecture'");
  assert_parse_error("Room: {venue.room",
                     "4:16: unclosed '{' (write '{{' for a literal brace)");
  assert_parse_error("a } b",
                     "4:12: unmatched '}' (write '}}' for a literal brace)");
  assert_parse_error("[, {country}",
                     "4:10: unclosed '[' (write '\\[' for a literal bracket)");
  assert_parse_error("x]",
                     "4:11: unmatched ']' (write '\\]' for a literal bracket)");
  assert_parse_error("a [no placeholder] {x}",
                     "4:12: optional group without a placeholder (write "
                     "'\\[' for a literal bracket)");
  assert_parse_error("{}", "4:11: expected a field name, got '}'");
  assert_parse_error("{name||}", "4:17: expected a field name, got '}'");
  assert_parse_error("{a b}", "4:13: unexpected 'b' in placeholder");
  assert_parse_error("{a{b}", "4:12: unexpected '{' in placeholder");
  assert_parse_error("{a..b}", "4:12: empty part in field path 'a..b'");
  assert_parse_error("{name|}", "4:16: expected a filter name after '|', "
                                "got '}'");
  assert_parse_error("{x|join}",
                     "4:13: filter 'join' needs an argument (join:'...')");
  assert_parse_error("{x|upper:'a'}",
                     "4:18: filter 'upper' takes no argument");
  assert_parse_error("{x|join:'a':'b':'c'}",
                     "4:25: filter 'join' takes at most 2 arguments");
  assert_parse_error("{x|default:'abc}", "4:21: unclosed quote '");
  assert_parse_error("{start|date:'d MMM t'}",
                     "4:22: 't' is not a date pattern letter");
  assert_parse_error("{x|join:}", "4:18: expected an argument, got '}'");
  /* Columns count characters, not bytes: "Tittel – " is 9 of them. */
  assert_parse_error("Tittel – {x|frobnicate}",
                     "4:22: unknown filter 'frobnicate'");
}

static void test_did_you_mean(void) {
  assert_parse_error("{name|uper}",
                     "4:16: unknown filter 'uper' (did you mean 'upper'?)");
  assert_parse_error("{start|dat}",
                     "4:17: unknown filter 'dat' (did you mean 'date'?)");
  assert_parse_error("{x|joni:', '}",
                     "4:13: unknown filter 'joni' (did you mean 'join'?)");
  assert_parse_error("{label:publc-defence}",
                     "4:17: unknown label 'publc-defence' (did you mean "
                     "'public-defence'?)");
  assert_parse_error("{label:nothing-like-it}",
                     "4:17: unknown label 'nothing-like-it'");
}

/* ----------------------------------------------------------------------
 * Tests: label tables
 */

/* The keys of data/labels/LANG.yaml, in file order. */
static GPtrArray *table_keys(const char *lang) {
  dp_diag *diag = new_diag();
  char *file = g_strconcat(lang, ".yaml", NULL);
  char *path = dp_paths_build("data", "labels", file, NULL);
  dp_ytree *tree = dp_ytree_load_file(diag, path);
  g_assert_nonnull(tree);
  const dp_ynode *root = dp_ytree_get_root(tree);
  g_assert_nonnull(root);
  g_assert_cmpint(root->kind, ==, DP_YNODE_MAP);
  GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < root->count; i++) {
    const dp_ynode *value = root->children[2 * i + 1];
    g_assert_cmpint(value->kind, ==, DP_YNODE_SCALAR);
    g_assert_false(dp_ynode_is_null(value));
    g_ptr_array_add(keys, g_strdup(root->children[2 * i]->text));
  }
  dp_ytree_free(tree);
  g_assert_cmpint(dp_diag_get_error_count(diag), ==, 0);
  dp_diag_free(diag);
  g_free(path);
  g_free(file);
  return keys;
}

static bool has_key(GPtrArray *keys, const char *key) {
  for (size_t i = 0; i < keys->len; i++)
    if (strcmp(g_ptr_array_index(keys, i), key) == 0) return true;
  return false;
}

/* Every table in data/labels, sorted; at least the ten languages of
 * Nordic and European defences. */
static GPtrArray *table_langs(void) {
  char *dir = dp_paths_build("data", "labels", NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  GPtrArray *langs = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d)))
    if (g_str_has_suffix(name, ".yaml"))
      g_ptr_array_add(langs, g_strndup(name, strlen(name) - 5));
  g_dir_close(d);
  g_free(dir);
  const char *expected[] = {"en", "nb", "nn", "sv", "da",
                            "fi", "is", "de", "nl", "fr"};
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
    bool found = false;
    for (size_t k = 0; k < langs->len; k++)
      if (strcmp(g_ptr_array_index(langs, k), expected[i]) == 0) found = true;
    if (!found) g_error("data/labels has no table for %s", expected[i]);
  }
  return langs;
}

static void test_tables_complete(void) {
  GPtrArray *langs = table_langs();
  const char *const *builtin = dp_labels_get_builtin_keys();
  size_t builtin_count = g_strv_length((char **)builtin);
  for (size_t l = 0; l < langs->len; l++) {
    const char *lang = g_ptr_array_index(langs, l);
    GPtrArray *keys = table_keys(lang);
    /* Exactly the built-in keys, each once (yaml-tree rejects
     * duplicates), so the three files have the same keys. */
    g_assert_cmpuint(keys->len, ==, builtin_count);
    for (const char *const *k = builtin; *k; k++)
      if (!has_key(keys, *k))
        g_error("%s.yaml lacks the key '%s'", lang, *k);
    /* Every label key of the spec. */
    for (const char *const *k = dp_label_keys; *k; k++) {
      g_assert_true(has_key(keys, *k));
      g_assert_true(dp_labels_is_builtin_key(*k));
    }
    g_ptr_array_free(keys, TRUE);
    /* And loading it reports nothing: every pattern is one ICU takes,
     * every template parses. */
    dp_diag *diag = new_diag();
    g_string_truncate(messages, 0);
    dp_labels *labels = dp_labels_new(diag, NULL, lang, NULL);
    if (dp_diag_get_error_count(diag))
      g_error("%s.yaml: %s", lang, messages->str);
    for (const char *const *k = dp_label_template_keys; *k; k++)
      g_assert_nonnull(dp_labels_get_template(labels, *k));
    dp_labels_free(labels);
    dp_diag_free(diag);
  }
  g_ptr_array_free(langs, TRUE);
  g_assert_false(dp_labels_is_builtin_key("scheduled"));
  g_assert_true(dp_labels_is_builtin_key("scan-to-join"));
  g_assert_true(dp_labels_is_builtin_key("date-format"));
}

static void test_tables_languages(void) {
  dp_diag *diag = new_diag();
  struct {
    const char *lang, *key, *text;
  } cases[] = {
      {"en", "public-defence", "Public defence"},
      {"en", "tba", "Title to be announced"},
      {"en", "chair", "Defence leader"},
      {"nb", "trial-lecture", "Prøveforelesning"},
      {"nb", "committee", "Bedømmelseskomité"},
      {"nb", "main-supervisor", "Hovedveileder"},
      {"nb", "notes-page", "Notater"},
      {"nb-NO", "chair", "Disputasleder"},
      {"no", "public-defence", "Disputas"},
      {"no", "tba", "Tittel kommer"},
      {"nn", "trial-lecture", "Prøveførelesing"},
      {"nn", "committee", "Bedømmingskomité"},
      {"nn", "co-supervisor", "Medrettleiar"},
      {"nn-NO", "notes-page", "Notat"},
      {"nn", "tentative", "Førebels"},
      {"es", "tba", "Title to be announced"},
      {"sv", "programme", "Program"},
      {"sv", "committee", "Betygsnämnd"},
      {"sv", "chair", "Ordförande"},
      {"sv-FI", "opponent", "Fakultetsopponent"},
      {"da", "public-defence", "Ph.d.-forsvar"},
      {"da", "committee", "Bedømmelsesudvalg"},
      {"fi", "public-defence", "Väitöstilaisuus"},
      {"fi", "opponent", "Vastaväittäjä"},
      {"fi", "custos", "Kustos"},
      {"is", "public-defence", "Doktorsvörn"},
      {"is", "opponent", "Andmælandi"},
      {"de", "public-defence", "Disputation"},
      {"de", "opponent", "Gutachter"},
      {"nl", "public-defence", "Promotie"},
      {"nl", "main-supervisor", "Promotor"},
      {"fr", "public-defence", "Soutenance de thèse"},
      {"fr", "committee", "Jury"},
      {"fr", "opponent", "Rapporteur"},
      {NULL, "time", "Time"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    dp_labels *labels = dp_labels_new(diag, NULL, cases[i].lang, NULL);
    g_assert_cmpstr(dp_labels_get(labels, cases[i].key), ==, cases[i].text);
    g_assert_null(dp_labels_get(labels, "no-such-key"));
    g_assert_null(dp_labels_get(labels, NULL));
    dp_labels_free(labels);
  }
  g_assert_cmpint(dp_diag_get_error_count(diag), ==, 0);
  g_assert_null(dp_labels_get(NULL, "tba"));
  dp_labels_free(NULL);
  dp_diag_free(diag);
}

static void test_tables_overrides(void) {
  dp_diag *diag = new_diag();
  dp_value *overrides =
      v_map("committee", v_text("Sakkunnig komité"), "trial-lecture",
            v_rich("Prøveførelesing", "førelesing", DP_SPAN_EMPHASIS, NULL),
            NULL);
  dp_labels *labels = dp_labels_new(diag, NULL, "nn", overrides);
  g_assert_cmpstr(dp_labels_get(labels, "committee"), ==, "Sakkunnig komité");
  g_assert_cmpstr(dp_labels_get(labels, "supervisors"), ==, "Rettleiarar");
  g_assert_cmpstr(dp_labels_get(labels, "trial-lecture"), ==,
                  "Prøveførelesing");
  dp_labels_free(labels);
  g_assert_cmpint(dp_diag_get_error_count(diag), ==, 0);
  v_free(overrides);
  dp_diag_free(diag);
}

/* Problems in a table are reported at their marks.  Runs in a
 * subprocess whose DISPUTAS_DATADIR is a folder with a broken nb.yaml
 * (the data folder is looked up once per process). */
static void test_tables_broken(void) {
  if (g_test_subprocess()) {
    g_string_truncate(messages, 0);
    dp_diag *diag = new_diag();
    dp_labels *labels = dp_labels_new(diag, NULL, "nb", NULL);
    g_assert_cmpstr(dp_labels_get(labels, "public-defence"), ==, "Disputas");
    g_assert_null(dp_labels_get(labels, "tba"));
    g_assert_null(dp_labels_get(labels, "programme"));
    dp_labels_free(labels);
    /* en.yaml is missing from this folder. */
    labels = dp_labels_new(diag, NULL, "de", NULL);
    g_assert_null(dp_labels_get(labels, "tba"));
    dp_labels_free(labels);
    g_print("%s", messages->str);
    g_assert_cmpint(dp_diag_get_error_count(diag), ==, 4);
    dp_diag_free(diag);
    return;
  }
  char *dir = g_dir_make_tmp("dp-labels-XXXXXX", NULL);
  g_assert_nonnull(dir);
  char *labels_dir = g_build_filename(dir, "data", "labels", NULL);
  g_assert_cmpint(g_mkdir_with_parents(labels_dir, 0700), ==, 0);
  char *nb = g_build_filename(labels_dir, "nb.yaml", NULL);
  g_assert_true(g_file_set_contents(nb,
                                    "public-defence: Disputas\n"
                                    "tba: [a, b]\n"
                                    "programme: ~\n"
                                    "pubic-defence: x\n",
                                    -1, NULL));
  char *saved = g_strdup(g_getenv("DISPUTAS_DATADIR"));
  g_setenv("DISPUTAS_DATADIR", dir, TRUE);
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (saved)
    g_setenv("DISPUTAS_DATADIR", saved, TRUE);
  else
    g_unsetenv("DISPUTAS_DATADIR");
  g_test_trap_assert_passed();
  g_test_trap_assert_stdout(
      "nb.yaml:2:6: label 'tba' must be text, got a list\n"
      "nb.yaml:3:12: label 'programme' is empty\n"
      "nb.yaml:4:1: unknown label key 'pubic-defence' (did you mean "
      "'public-defence'?)\n"
      "en.yaml:0:0: cannot read the file: *\n");
  g_remove(nb);
  g_rmdir(labels_dir);
  char *data_dir = g_path_get_dirname(labels_dir);
  g_rmdir(data_dir);
  g_rmdir(dir);
  g_free(data_dir);
  g_free(saved);
  g_free(nb);
  g_free(labels_dir);
  g_free(dir);
}

int main(int argc, char **argv) {
  setlocale(LC_ALL, "C.UTF-8");
  g_test_init(&argc, &argv, NULL);
  messages = g_string_new(NULL);
  make_document();
  g_test_add_func("/template/literals-and-escapes", test_literals_and_escapes);
  g_test_add_func("/template/fields", test_fields);
  g_test_add_func("/template/optional-groups", test_optional_groups);
  g_test_add_func("/template/alternatives", test_alternatives);
  g_test_add_func("/template/labels", test_labels_in_templates);
  g_test_add_func("/template/date-filters", test_date_filters);
  g_test_add_func("/template/formats", test_formats);
  g_test_add_func("/template/format-isolates", test_format_isolates);
  g_test_add_func("/template/case-filters", test_case_filters);
  g_test_add_func("/template/list-filters", test_list_filters);
  g_test_add_func("/template/text-filters", test_text_filters);
  g_test_add_func("/template/links", test_links);
  g_test_add_func("/template/rich-spans-shifted", test_rich_spans_shifted);
  g_test_add_func("/template/textbuf", test_textbuf);
  g_test_add_func("/template/scopes", test_scopes);
  g_test_add_func("/template/folio", test_folio);
  g_test_add_func("/template/syntax-errors", test_syntax_errors);
  g_test_add_func("/template/did-you-mean", test_did_you_mean);
  g_test_add_func("/labels/tables-complete", test_tables_complete);
  g_test_add_func("/labels/languages", test_tables_languages);
  g_test_add_func("/labels/overrides", test_tables_overrides);
  g_test_add_func("/labels/broken-table", test_tables_broken);
  int status = g_test_run();
  v_free(doc);
  g_string_free(messages, TRUE);
  return status;
}
