/* Unit tests of document: every key and rule of the announcement spec
 * (docs/announcement.md), accepted values in their normalised
 * form and rejected ones with their exact message and place. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "config.h"
#include "document.h"
#include "labels.h"
#include "label-tables.h"
#include "template.h"

/* ---- helpers ------------------------------------------------------------ */

static void capture(const dp_diagnostic *d, void *user) {
  g_string_append_printf(user, "%d:%d: %s\n", d->line, d->column, d->message);
}

/* The smallest valid document, with `extra` lines appended. */
#define MINIMAL                                   \
  "institution:\n"                                \
  "  name: University of Agder\n"                 \
  "candidate:\n"                                  \
  "  name: Maren Tollefsen Eide\n"                \
  "thesis:\n"                                     \
  "  title: Wind, Waves and Winches\n"

#define ONE_EVENT                                 \
  "events:\n"                                     \
  "  - kind: public-defence\n"                    \
  "    start: 2026-01-16T13:00\n"

static char *images_dir(void) {
  return g_build_filename(DP_SOURCE_DATADIR, "tests", "accept", NULL);
}

/* Reads `text` as t.yaml with images relative to tests/accept; `messages`
 * (may be NULL) gets "line:column: message" lines. */
static dp_document *read_text(const char *text, char **messages) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  GString *out = g_string_new(NULL);
  dp_diag_set_callback(diag, capture, out);
  char *dir = images_dir();
  dp_document *doc = dp_document_read_data(diag, NULL, "t.yaml", text, strlen(text),
                                           dir);
  g_free(dir);
  /* A document that reported an error is never returned. */
  if (dp_diag_get_error_count(diag)) g_assert_null(doc);
  char *s = g_string_free(out, FALSE);
  if (messages) *messages = s;
  else g_free(s);
  dp_diag_free(diag);
  return doc;
}

/* Asserts that `text` is accepted without any message. */
static dp_document *accept(const char *text) {
  char *messages;
  dp_document *doc = read_text(text, &messages);
  if (!doc || *messages)
    g_error("not accepted:\n%s\n--- messages:\n%s", text, messages);
  g_free(messages);
  return doc;
}

/* Asserts that `text` is rejected with exactly `expected`. */
static void reject(const char *text, const char *expected) {
  char *messages;
  dp_document *doc = read_text(text, &messages);
  g_assert_null(doc);
  if (strcmp(messages, expected) != 0) {
    /* Not fatal: with -k every mismatch of a run is shown. */
    g_printerr("for:\n%s\nexpected:\n%sgot:\n%s", text, expected, messages);
    g_test_fail();
  }
  g_free(messages);
}

/* The document MINIMAL + ONE_EVENT + `extra`. */
static char *with(const char *extra) {
  return g_strconcat(MINIMAL, ONE_EVENT, extra, NULL);
}

/* The text at `path` of the document MINIMAL + ONE_EVENT + `extra`. */
static char *value_of(const char *extra, const char *path) {
  char *text = with(extra);
  dp_document *doc = accept(text);
  const dp_value *v = dp_value_lookup(dp_document_get_root(doc), path);
  if (!v) g_error("no value at %s in:\n%s", path, text);
  char *result = g_strdup(v->text);
  dp_document_free(doc);
  g_free(text);
  return result;
}

/* A document whose first event has `lines` (indented by 4) after its
 * kind, instead of ONE_EVENT. */
static char *event_doc(const char *lines) {
  return g_strconcat(MINIMAL, "events:\n  - kind: public-defence\n", lines,
                     NULL);
}

/* ---- the whole document ------------------------------------------------- */

/* The direction follows the language's script unless the document
 * gives it. */
static void test_direction(void) {
  static const struct {
    const char *extra, *direction;
  } cases[] = {
      {"", "ltr"},
      {"lang: nb\n", "ltr"},
      {"lang: ar\n", "rtl"},
      {"lang: he\n", "rtl"},
      {"lang: fa-IR\n", "rtl"},
      {"lang: ur\n", "rtl"},
      {"lang: en\ndirection: rtl\n", "rtl"},
      {"lang: ar\ndirection: ltr\n", "ltr"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *text = with(cases[i].extra);
    dp_document *doc = accept(text);
    g_assert_cmpstr(dp_value_get(dp_document_get_root(doc), "direction")->text,
                    ==, cases[i].direction);
    g_assert_true(dp_document_is_rtl(doc) ==
                  !strcmp(cases[i].direction, "rtl"));
    dp_document_free(doc);
    g_free(text);
  }
  char *text = with("direction: right-to-left\n");
  char *messages;
  g_assert_null(read_text(text, &messages));
  g_assert_nonnull(strstr(messages, "direction"));
  g_free(messages);
  g_free(text);
}

static void test_minimal_and_defaults(void) {
  dp_document *doc = accept(MINIMAL ONE_EVENT);
  const dp_value *root = dp_document_get_root(doc);
  g_assert_cmpint(root->kind, ==, DP_VALUE_MAP);
  g_assert_cmpstr(dp_document_get_lang(doc), ==, "en");
  g_assert_cmpstr(dp_value_get(root, "lang")->text, ==, "en");
  g_assert_cmpstr(dp_value_lookup(root, "events.0.status")->text, ==,
                  "scheduled");
  g_assert_cmpstr(dp_document_get_name(doc), ==, "t.yaml");
  g_assert_cmpstr(dp_document_get_stem(doc), ==, "t");
  /* From memory: dated when read, not 1970. */
  g_assert_cmpint(dp_document_get_mtime(doc), >=, 1700000000);
  /* Keys in document order, defaults last. */
  g_assert_cmpstr(root->keys[0], ==, "institution");
  g_assert_cmpstr(root->keys[root->count - 2], ==, "lang");
  g_assert_cmpstr(root->keys[root->count - 1], ==, "direction");
  g_assert_false(dp_document_is_rtl(doc));
  const dp_value *title = dp_value_lookup(root, "thesis.title");
  g_assert_cmpint(title->kind, ==, DP_VALUE_RICH);
  g_assert_true(title->inline_only);
  g_assert_cmpstr(title->rich->blocks[0].text, ==, "Wind, Waves and Winches");
  g_assert_cmpint(title->mark.line, ==, 6);
  g_assert_cmpint(title->mark.column, ==, 10);
  const dp_value *events = dp_value_get(root, "events");
  g_assert_cmpint(events->kind, ==, DP_VALUE_LIST);
  g_assert_cmpuint(events->count, ==, 1);
  g_assert_null(dp_value_lookup(root, "events.1"));
  g_assert_null(dp_value_lookup(root, "events.x"));
  g_assert_null(dp_value_lookup(root, "events.-1"));
  g_assert_null(dp_value_lookup(root, "lang.x"));
  g_assert_null(dp_value_lookup(root, "nothing"));
  g_assert_null(dp_value_get(events, "0"));
  dp_document_free(doc);
  dp_document_free(NULL);
}

static void test_whole_document_errors(void) {
  reject("", "0:0: the document is empty: an announcement needs at least "
             "institution, candidate, thesis and events\n");
  reject("# only a comment\n",
         "0:0: the document is empty: an announcement needs at least "
         "institution, candidate, thesis and events\n");
  reject("- a\n- b\n", "1:1: expected a map of keys (institution, "
                       "candidate, thesis, events, …) at the top of the "
                       "announcement, got a list\n");
  reject("just text\n", "1:1: expected a map of keys (institution, "
                        "candidate, thesis, events, …) at the top of the "
                        "announcement, got text\n");
  reject("lang: en\n", "1:1: missing required key 'institution' in "
                       "announcement\n"
                       "1:1: missing required key 'candidate' in "
                       "announcement\n"
                       "1:1: missing required key 'thesis' in announcement\n"
                       "1:1: missing required key 'events' in announcement\n");
  /* A YAML syntax error stops at once. */
  char *messages;
  g_assert_null(read_text("a: [b\n", &messages));
  g_assert_true(g_str_has_prefix(messages, "2:1: "));
  g_free(messages);
}

static void test_every_error_reported(void) {
  char *text = g_strconcat(
      "lang: english\n"
      "institution:\n  name: UiA\n  colour: blue\n"
      "candidate:\n  nam: X\n"
      "thesis:\n  title: T\n  parallel-lang: nb\n"
      "events:\n  - kind: other\n    start: 2023-02-29\n    tba: yes\n"
      "comittee: []\n", NULL);
  reject(text,
         "1:7: 'lang' must be a BCP 47 language tag such as 'en', 'nb' or "
         "'sr-Latn-RS', not 'english' (did you mean 'en'?)\n"
         "4:11: 'colour' must be a colour written #rrggbb, such as "
         "'#00509e', not 'blue'\n"
         "6:3: unknown key 'nam' in candidate (did you mean 'name'?)\n"
         "6:3: missing required key 'name' in candidate\n"
         "9:3: 'parallel-lang' without 'parallel-title': give the title in "
         "that language, or remove 'parallel-lang'\n"
         "12:20: 'start' is 2023-02-29, a date that does not exist "
         "(February 2023 has 28 days)\n"
         "13:10: 'tba' must be true or false, not 'yes'\n"
         "11:5: missing required key 'label' in event (an event of kind "
         "'other' has no default label)\n"
         "14:1: unknown key 'comittee' in announcement (did you mean "
         "'committee'?)\n");
  g_free(text);
}

/* ---- keys, kinds, emptiness --------------------------------------------- */

static void test_unknown_keys(void) {
  static const struct { const char *extra, *message; } cases[] = {
      {"comittee: x\n", "10:1: unknown key 'comittee' in announcement (did "
                        "you mean 'committee'?)\n"},
      {"sponsor: x\n", "10:1: unknown key 'sponsor' in announcement\n"},
      {"chair: {name: A, afiliation: B}\n",
       "10:18: unknown key 'afiliation' in person (did you mean "
       "'affiliation'?)\n"},
      {"online: {url: 'https://a.no', pasword: x}\n",
       "10:31: unknown key 'pasword' in online\n"},
      {"online: {url: 'https://a.no', passcod: x}\n",
       "10:31: unknown key 'passcod' in online (did you mean 'passcode'?)\n"},
      {"labels: {trial-lectur: x}\n",
       "10:10: unknown key 'trial-lectur' in labels (did you mean "
       "'trial-lecture'?)\n"},
      {"labels: {banquet: x}\n", "10:10: unknown key 'banquet' in labels\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *text = with(cases[i].extra);
    reject(text, cases[i].message);
    g_free(text);
  }
  reject("institution: {name: A, color: '#000000'}\n"
         "candidate: {name: B, email: a@b.no}\n"
         "thesis: {title: C, subtitel: D}\n"
         "events: [{kind: other, label: L, start: 2025-01-01, strat: x, "
         "venue: {rom: 1}}]\n",
         "1:24: unknown key 'color' in institution (did you mean 'colour'?)\n"
         "2:22: unknown key 'email' in candidate\n"
         "3:20: unknown key 'subtitel' in thesis (did you mean "
         "'subtitle'?)\n"
         "4:53: unknown key 'strat' in event (did you mean 'start'?)\n"
         "4:71: unknown key 'rom' in venue (did you mean 'room'?)\n");
}

static void test_required_keys(void) {
  reject("institution: {short: A}\ncandidate: {photo-credit: B}\n"
         "thesis: {subtitle: C}\nevents: [{start: 2025-01-01}, {kind: other, "
         "label: L}]\nonline: {platform: Zoom}\nchair: {title: Dr.}\n",
         "1:14: missing required key 'name' in institution\n"
         "2:12: missing required key 'name' in candidate\n"
         "3:9: missing required key 'title' in thesis\n"
         "4:10: missing required key 'kind' in event\n"
         "4:31: missing required key 'start' in event\n"
         "5:9: missing required key 'url' in online\n"
         "6:8: missing required key 'name' in person\n");
}

static void test_wrong_kinds(void) {
  reject("institution: [A]\ncandidate: B\nthesis: {title: [C]}\n"
         "events: {kind: other}\n",
         "1:14: expected a map for 'institution', got a list\n"
         "2:12: expected a map for 'candidate', got text\n"
         "3:17: expected text for 'title', got a list\n"
         "4:9: expected a list for 'events', got a map\n");
  char *text = with("committee: {name: A}\nchair: [{name: B}]\n"
                    "summary: {a: b}\nlabels: [a]\nextra: {a: [b]}\n");
  reject(text, "10:12: expected a list for 'committee', got a map\n"
               "11:8: expected a map for 'chair', got a list\n"
               "12:10: expected text for 'summary', got a map\n"
               "13:9: expected a map for 'labels', got a list\n"
               "14:12: expected text for 'a', got a list\n");
  g_free(text);
  text = event_doc("    start: [2025]\n    tba: {a: b}\n");
  reject(text, "9:12: expected text for 'start', got a list\n"
               "10:10: expected true or false for 'tba', got a map\n");
  g_free(text);
}

static void test_empty_and_null(void) {
  char *text = with("degree: ''\ndiscipline: '  '\nheadline:\n"
                    "chair: {name: ~}\ncommittee: []\nlabels: {}\n"
                    "online: {url: null}\nnotes: |\n\n"
                    "extra: {a: \"\"}\n");
  reject(text, "10:9: 'degree' is empty\n"
               "11:13: 'discipline' is empty\n"
               "12:10: 'headline' is empty\n"
               "13:15: 'name' is empty\n"
               "14:12: 'committee' is an empty list\n"
               "15:9: 'labels' is an empty map\n"
               "16:15: 'url' is empty\n"
               "17:8: 'notes' is empty\n"
               "19:12: 'a' is empty\n");
  g_free(text);
  reject(MINIMAL "events: []\n", "7:9: 'events' needs at least one event\n");
  reject(MINIMAL "events:\n", "7:8: 'events' is empty\n");
  /* A quoted "~" or "null" is text, not null. */
  char *v = value_of("degree: '~'\n", "degree");
  g_assert_cmpstr(v, ==, "~");
  g_free(v);
}

/* ---- scalars ------------------------------------------------------------ */

static void test_scalars_are_text(void) {
  static const struct { const char *extra, *path, *want; } cases[] = {
      {"lang: no\n", "lang", "no"},
      {"lang: \"no\"\n", "lang", "no"},
      {"degree: 215\n", "degree", "215"},
      {"degree: 3.10\n", "degree", "3.10"},
      {"degree: true\n", "degree", "true"},
      {"degree: 2024-09-27\n", "degree", "2024-09-27"},
      {"degree: '  ph.d.  '\n", "degree", "ph.d."},
      {"online: {url: 'https://a.no', meeting-id: 637 6206 9036, passcode: "
       "007}\n", "online.passcode", "007"},
      {"online: {url: 'https://a.no', meeting-id: 637 6206 9036}\n",
       "online.meeting-id", "637 6206 9036"},
      {"extra: {on: yes}\n", "extra.on", "yes"},
      {"chair: {name: \"  Ola\\tNordmann \\n\"}\n", "chair.name",
       "Ola\tNordmann"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *v = value_of(cases[i].extra, cases[i].path);
    g_assert_cmpstr(v, ==, cases[i].want);
    g_free(v);
  }
  char *text = event_doc("    start: 2025-01-01\n    venue: {room: 215, "
                         "building: 1, campus: 'C', address: 'Vei 1', "
                         "city: Bergen, map: 'https://maps.example/x'}\n");
  dp_document *doc = accept(text);
  const dp_value *venue = dp_value_lookup(dp_document_get_root(doc),
                                          "events.0.venue");
  g_assert_cmpuint(venue->count, ==, 6);
  g_assert_cmpstr(dp_value_get(venue, "room")->text, ==, "215");
  g_assert_cmpint(dp_value_get(venue, "room")->kind, ==, DP_VALUE_TEXT);
  dp_document_free(doc);
  g_free(text);
}

static void test_booleans(void) {
  char *text = event_doc("    start: 2025-01-01\n    tba: true\n");
  dp_document *doc = accept(text);
  const dp_value *tba = dp_value_lookup(dp_document_get_root(doc),
                                        "events.0.tba");
  g_assert_cmpint(tba->kind, ==, DP_VALUE_BOOL);
  g_assert_true(tba->boolean);
  dp_document_free(doc);
  g_free(text);
  text = event_doc("    start: 2025-01-01\n    tba: false\n");
  doc = accept(text);
  g_assert_false(dp_value_lookup(dp_document_get_root(doc),
                                 "events.0.tba")->boolean);
  dp_document_free(doc);
  g_free(text);
  static const struct { const char *value, *message; } bad[] = {
      {"yes", "10:10: 'tba' must be true or false, not 'yes'\n"},
      {"no", "10:10: 'tba' must be true or false, not 'no'\n"},
      {"True", "10:10: 'tba' must be true or false, not 'True'\n"},
      {"1", "10:10: 'tba' must be true or false, not '1'\n"},
      {"'true'", "10:10: 'tba' must be true or false without quotes\n"},
      {"", "10:9: 'tba' is empty\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *lines = g_strdup_printf("    start: 2025-01-01\n    tba: %s\n",
                                  bad[i].value);
    text = event_doc(lines);
    reject(text, bad[i].message);
    g_free(text);
    g_free(lines);
  }
}

static void test_dates(void) {
  static const struct { const char *start; int y, mo, d, h, mi; bool t; }
      good[] = {
          {"2024-09-27T10:00", 2024, 9, 27, 10, 0, true},
          {"2024-09-27", 2024, 9, 27, 0, 0, false},
          {"2024-02-29T23:59", 2024, 2, 29, 23, 59, true},
          {"2000-02-29T00:00:00", 2000, 2, 29, 0, 0, true},
          {"'2024-12-31T12:30'", 2024, 12, 31, 12, 30, true},
      };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    char *lines = g_strdup_printf("    start: %s\n", good[i].start);
    char *text = event_doc(lines);
    dp_document *doc = accept(text);
    const dp_value *v = dp_value_lookup(dp_document_get_root(doc),
                                        "events.0.start");
    g_assert_cmpint(v->kind, ==, DP_VALUE_DATETIME);
    g_assert_cmpint(v->datetime.year, ==, good[i].y);
    g_assert_cmpint(v->datetime.month, ==, good[i].mo);
    g_assert_cmpint(v->datetime.day, ==, good[i].d);
    g_assert_cmpint(v->datetime.hour, ==, good[i].h);
    g_assert_cmpint(v->datetime.minute, ==, good[i].mi);
    g_assert_cmpint(v->datetime.has_time, ==, good[i].t);
    dp_document_free(doc);
    g_free(text);
    g_free(lines);
  }
  static const struct { const char *start, *message; } bad[] = {
      {"2024-09-27T10:00+02:00", "9:28: a time is local: remove '+02:00'; "
                                 "the zone is `timezone`'s job\n"},
      {"2024-09-27T10:00Z", "9:28: a time is local: remove 'Z'; the zone is "
                            "`timezone`'s job\n"},
      {"2024-09-27T10:00:00-05", "9:31: a time is local: remove '-05'; the "
                                 "zone is `timezone`'s job\n"},
      {"2023-02-29", "9:20: 'start' is 2023-02-29, a date that does not "
                     "exist (February 2023 has 28 days)\n"},
      {"2024-04-31T10:00", "9:20: 'start' is 2024-04-31, a date that does "
                           "not exist (April 2024 has 30 days)\n"},
      {"2024-00-10", "9:17: 'start' is 2024-00-10, a date that does not "
                     "exist (there is no month 0)\n"},
      {"2024-09-00", "9:20: 'start' is 2024-09-00, a date that does not "
                     "exist (September 2024 has 30 days)\n"},
      {"0000-01-01", "9:12: 'start' is 0000-01-01, a date that does not "
                     "exist (there is no year 0)\n"},
      {"2024-09-27T24:00", "9:23: 'start' has the time 24:00, which does "
                           "not exist (00:00 to 23:59)\n"},
      {"2024-09-27T10:60", "9:23: 'start' has the time 10:60, which does "
                           "not exist (00:00 to 23:59)\n"},
      {"2024-09-27T10:00:30", "9:28: 'start': times are whole minutes; "
                              "remove ':30'\n"},
      {"2024-09-27T10:00:00.5", "9:31: 'start': times are whole minutes; "
                                "remove ':00.5'\n"},
      {"2024-09-27 10:00", "9:22: 'start': write 'T' between the date and "
                           "the time (2024-09-27T10:00)\n"},
      {"27.09.2024", "9:12: 'start' must be a date and time such as "
                     "2024-09-27T10:00, or a date such as 2024-09-27, not "
                     "'27.09.2024'\n"},
      {"2024-9-27", "9:12: 'start' must be a date and time such as "
                    "2024-09-27T10:00, or a date such as 2024-09-27, not "
                    "'2024-9-27'\n"},
      {"2024-09-27T10", "9:12: 'start' must be a date and time such as "
                        "2024-09-27T10:00, or a date such as 2024-09-27, "
                        "not '2024-09-27T10'\n"},
      {"2024-09-27T10:00 x", "9:12: 'start' must be a date and time such "
                             "as 2024-09-27T10:00, or a date such as "
                             "2024-09-27, not '2024-09-27T10:00 x'\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *lines = g_strdup_printf("    start: %s\n", bad[i].start);
    char *text = event_doc(lines);
    reject(text, bad[i].message);
    g_free(text);
    g_free(lines);
  }
}

static void test_end(void) {
  static const char *const good[] = {
      "    start: 2024-09-27T10:00\n    end: 2024-09-27T10:00\n",
      "    start: 2024-09-27T10:00\n    end: 2024-09-28T09:00\n",
      /* A date-only start is compared by its date. */
      "    start: 2024-09-27\n    end: 2024-09-27T08:00\n",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    char *text = event_doc(good[i]);
    dp_document_free(accept(text));
    g_free(text);
  }
  static const struct { const char *lines, *message; } bad[] = {
      {"    start: 2024-09-27T10:00\n    end: 2024-09-27T09:59\n",
       "10:10: 'end' (2024-09-27T09:59) is before 'start' "
       "(2024-09-27T10:00)\n"},
      {"    start: 2024-09-27\n    end: 2024-09-26T23:00\n",
       "10:10: 'end' (2024-09-26T23:00) is before 'start' (2024-09-27)\n"},
      {"    start: 2024-09-27T10:00\n    end: 2024-09-27\n",
       "10:10: 'end' must be a date and time such as 2024-09-27T16:00, not "
       "only a date\n"},
      {"    start: 2024-09-27T10:00\n    end: 12:00\n",
       "10:10: 'end' must be a date and time such as 2024-09-27T16:00, not "
       "'12:00'\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *text = event_doc(bad[i].lines);
    reject(text, bad[i].message);
    g_free(text);
  }
}

static void test_languages(void) {
  static const struct { const char *tag, *want; } good[] = {
      {"en", "en"}, {"nb", "nb"}, {"nn", "nn"}, {"no", "no"},
      {"EN", "en"}, {"de-CH", "de-CH"}, {"de-ch", "de-CH"},
      {"sr-Latn-RS", "sr-Latn-RS"}, {"SR-LATN-RS", "sr-Latn-RS"},
      {"zh-Hant-TW", "zh-Hant-TW"}, {"es-419", "es-419"},
      {"zh-yue-HK", "zh-yue-HK"}, {"de-1996", "de-1996"},
      {"sl-rozaj-biske", "sl-rozaj-biske"},
      {"en-US-u-ca-gregory", "en-US-u-ca-gregory"},
      {"en-x-private", "en-x-private"}, {"x-whatever", "x-whatever"},
      {"ast", "ast"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    char *extra = g_strdup_printf("lang: %s\n", good[i].tag);
    char *v = value_of(extra, "lang");
    g_assert_cmpstr(v, ==, good[i].want);
    g_free(v);
    g_free(extra);
  }
  static const struct { const char *tag, *message; } bad[] = {
      {"english", "10:7: 'lang' must be a BCP 47 language tag such as 'en', "
                  "'nb' or 'sr-Latn-RS', not 'english' (did you mean "
                  "'en'?)\n"},
      {"norsk", "10:7: 'lang' must be a BCP 47 language tag such as 'en', "
                "'nb' or 'sr-Latn-RS', not 'norsk' (did you mean 'no'?)\n"},
      {"nb_NO", "10:7: 'lang': a BCP 47 language tag separates its parts "
                "with '-', not '_' (write 'nb-NO')\n"},
      {"e", "10:7: 'lang' must be a BCP 47 language tag such as 'en', 'nb' "
            "or 'sr-Latn-RS', not 'e'\n"},
      {"en-", "10:7: 'lang' must be a BCP 47 language tag such as 'en', "
              "'nb' or 'sr-Latn-RS', not 'en-'\n"},
      {"en--us", "10:7: 'lang' must be a BCP 47 language tag such as 'en', "
                 "'nb' or 'sr-Latn-RS', not 'en--us'\n"},
      {"en-US-US", "10:7: 'lang' must be a BCP 47 language tag such as "
                   "'en', 'nb' or 'sr-Latn-RS', not 'en-US-US'\n"},
      {"de-1996-1996", "10:7: 'lang' must be a BCP 47 language tag such as "
                       "'en', 'nb' or 'sr-Latn-RS', not 'de-1996-1996'\n"},
      {"en-a-bbb-a-ccc", "10:7: 'lang' must be a BCP 47 language tag such "
                         "as 'en', 'nb' or 'sr-Latn-RS', not "
                         "'en-a-bbb-a-ccc'\n"},
      {"en-u", "10:7: 'lang' must be a BCP 47 language tag such as 'en', "
               "'nb' or 'sr-Latn-RS', not 'en-u'\n"},
      {"12", "10:7: 'lang' must be a BCP 47 language tag such as 'en', 'nb' "
             "or 'sr-Latn-RS', not '12'\n"},
      {"en US", "10:7: 'lang' must be a BCP 47 language tag such as 'en', "
                "'nb' or 'sr-Latn-RS', not 'en US'\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *extra = g_strdup_printf("lang: %s\n", bad[i].tag);
    char *text = with(extra);
    reject(text, bad[i].message);
    g_free(text);
    g_free(extra);
  }
  /* parallel-lang is a language tag too, and needs parallel-title. */
  reject(MINIMAL "  parallel-lang: Greek\n" ONE_EVENT,
         "7:18: 'parallel-lang' must be a BCP 47 language tag such as 'en', "
         "'nb' or 'sr-Latn-RS', not 'Greek' (did you mean 'el'?)\n"
         "7:3: 'parallel-lang' without 'parallel-title': give the title in "
         "that language, or remove 'parallel-lang'\n");
  reject(MINIMAL "  parallel-lang: el\n" ONE_EVENT,
         "7:3: 'parallel-lang' without 'parallel-title': give the title in "
         "that language, or remove 'parallel-lang'\n");
  dp_document *doc = accept(MINIMAL "  parallel-title: Άνεμοι\n"
                            "  parallel-lang: EL\n" ONE_EVENT);
  const dp_value *root = dp_document_get_root(doc);
  g_assert_cmpstr(dp_value_lookup(root, "thesis.parallel-lang")->text, ==,
                  "el");
  dp_document_free(doc);
  /* A parallel title alone is fine. */
  dp_document_free(accept(MINIMAL "  parallel-title: Άνεμοι\n" ONE_EVENT));
}

static void test_timezones(void) {
  static const char *const good[] = {"Europe/Oslo", "UTC", "Asia/Tokyo",
                                     "America/Argentina/Salta",
                                     "America/Port-au-Prince",
                                     "Etc/GMT+2"};
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    char *extra = g_strdup_printf("timezone: '%s'\n", good[i]);
    char *v = value_of(extra, "timezone");
    g_assert_cmpstr(v, ==, good[i]);
    g_free(v);
    g_free(extra);
  }
  static const struct { const char *zone, *message; } bad[] = {
      {"Europe/Olso", "10:11: 'timezone': 'Europe/Olso' is not a time zone "
                      "of the IANA database (did you mean 'Europe/Oslo'?)\n"},
      {"+02:00", "10:11: 'timezone': '+02:00' is not a time zone of the "
                 "IANA database; write a name such as Europe/Oslo or UTC\n"},
      {"CET", "10:11: 'timezone': 'CET' is not a time zone of the IANA "
              "database; write a name such as Europe/Oslo or UTC\n"},
      {"posix/Europe/Oslo", "10:11: 'timezone': 'posix/Europe/Oslo' is not "
                            "a time zone of the IANA database; write a name "
                            "such as Europe/Oslo or UTC\n"},
      {"Europe/../Europe/Oslo", "10:11: 'timezone': 'Europe/../Europe/Oslo' "
                                "is not a time zone of the IANA database; "
                                "write a name such as Europe/Oslo or UTC\n"},
      {"/etc/localtime", "10:11: 'timezone': '/etc/localtime' is not a time "
                         "zone of the IANA database; write a name such as "
                         "Europe/Oslo or UTC\n"},
      {"Mars/Olympus_Mons", "10:11: 'timezone': 'Mars/Olympus_Mons' is not "
                            "a time zone of the IANA database; write a name "
                            "such as Europe/Oslo or UTC\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *extra = g_strdup_printf("timezone: '%s'\n", bad[i].zone);
    char *text = with(extra);
    reject(text, bad[i].message);
    g_free(text);
    g_free(extra);
  }
}

static void test_colours(void) {
  static const struct { const char *value, *message; } bad[] = {
      {"blue", "2:11: 'colour' must be a colour written #rrggbb, such as "
               "'#00509e', not 'blue'\n"},
      {"'#0050'", "2:11: 'colour' must be a colour written #rrggbb, such as "
                  "'#00509e', not '#0050'\n"},
      {"'#00509g'", "2:11: 'colour' must be a colour written #rrggbb, such "
                    "as '#00509e', not '#00509g'\n"},
      {"'00509e'", "2:11: 'colour' must be a colour written #rrggbb, such as "
                   "'#00509e', not '00509e'\n"},
      {"#00509e", "2:10: 'colour' is empty (a '#' after a space starts a "
                  "YAML comment: quote the colour, \"#00509e\")\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *text = g_strdup_printf(
        "institution:\n  colour: %s\n  name: A\ncandidate: {name: B}\n"
        "thesis: {title: C}\n" ONE_EVENT, bad[i].value);
    reject(text, bad[i].message);
    g_free(text);
  }
  char *v = value_of("chair: {name: A}\n", "institution.name");
  g_free(v);
}

static void test_urls(void) {
  static const struct { const char *key, *value, *message; } bad[] = {
      {"url", "www.uia.no", "10:31: 'url' must be an http or https URL, not "
                            "'www.uia.no' (did you mean "
                            "'https://www.uia.no'?)\n"},
      {"url", "ftp://a.no/x", "10:31: 'url' must be an http or https URL, "
                              "not 'ftp://a.no/x'\n"},
      {"url", "mailto:a@b.no", "10:31: 'url' must be an http or https URL, "
                               "not 'mailto:a@b.no'\n"},
      {"url", "'https://'", "10:31: 'url' must be an http or https URL, not "
                            "'https://'\n"},
      {"url", "'https://a b.no'", "10:31: 'url' must be an http or https "
                                  "URL, not 'https://a b.no'\n"},
      {"url", "/local/path", "10:31: 'url' must be an http or https URL, not "
                             "'/local/path'\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *extra = g_strdup_printf("online: {platform: Zoom, %s: %s}\n",
                                  bad[i].key, bad[i].value);
    char *text = with(extra);
    reject(text, bad[i].message);
    g_free(text);
    g_free(extra);
  }
  /* Every URL key is checked: institution, candidate, thesis, venue map,
   * online (document and event). */
  reject("institution: {name: A, url: x}\ncandidate: {name: B, url: y}\n"
         "thesis: {title: C, url: z}\n"
         "events: [{kind: other, label: L, start: 2025-01-01, venue: {map: "
         "m}, online: {url: o}}]\n",
         "1:29: 'url' must be an http or https URL, not 'x'\n"
         "2:27: 'url' must be an http or https URL, not 'y'\n"
         "3:25: 'url' must be an http or https URL, not 'z'\n"
         "4:66: 'map' must be an http or https URL, not 'm'\n"
         "4:84: 'url' must be an http or https URL, not 'o'\n");
}

static void test_orcid(void) {
  static const struct { const char *value, *want; } good[] = {
      {"0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"},
      {"https://orcid.org/0000-0001-5109-3700",
       "https://orcid.org/0000-0001-5109-3700"},
      {"0000-0002-1694-233X", "https://orcid.org/0000-0002-1694-233X"},
      {"0000-0002-1694-233x", "https://orcid.org/0000-0002-1694-233X"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    char *text = g_strdup_printf(
        "institution: {name: A}\ncandidate: {name: B, orcid: '%s'}\n"
        "thesis: {title: C}\n" ONE_EVENT, good[i].value);
    dp_document *doc = accept(text);
    g_assert_cmpstr(dp_value_lookup(dp_document_get_root(doc),
                                    "candidate.orcid")->text, ==,
                    good[i].want);
    dp_document_free(doc);
    g_free(text);
  }
  static const struct { const char *value, *message; } bad[] = {
      {"0000-0002-1825-0098", "2:29: 'orcid': '0000-0002-1825-0098' is not "
                              "a valid ORCID iD (its check digit is wrong: a "
                              "mistyped digit?)\n"},
      {"0000000218250097", "2:29: 'orcid' must be an ORCID iD such as "
                           "0000-0002-1825-0097 or "
                           "https://orcid.org/0000-0002-1825-0097, not "
                           "'0000000218250097'\n"},
      {"http://orcid.org/0000-0002-1825-0097",
       "2:29: 'orcid' must be an ORCID iD such as 0000-0002-1825-0097 or "
       "https://orcid.org/0000-0002-1825-0097, not "
       "'http://orcid.org/0000-0002-1825-0097'\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    char *text = g_strdup_printf(
        "institution: {name: A}\ncandidate: {name: B, orcid: '%s'}\n"
        "thesis: {title: C}\n" ONE_EVENT, bad[i].value);
    reject(text, bad[i].message);
    g_free(text);
  }
}

static void test_images(void) {
  dp_document *doc = accept("institution: {name: A, logo: images/logo.svg}\n"
                            "candidate: {name: B, photo: images/photo.jpg}\n"
                            "thesis: {title: C}\n" ONE_EVENT);
  char *dir = images_dir();
  char *want = g_build_filename(dir, "images", "logo.svg", NULL);
  g_assert_cmpstr(dp_value_lookup(dp_document_get_root(doc),
                                  "institution.logo")->text, ==, want);
  g_free(want);
  dp_document_free(doc);
  /* An absolute path is kept. */
  char *png = g_build_filename(dir, "images", "logo.png", NULL);
  char *text = g_strdup_printf("institution: {name: A, logo: '%s'}\n"
                               "candidate: {name: B}\nthesis: {title: C}\n"
                               ONE_EVENT, png);
  doc = accept(text);
  g_assert_cmpstr(dp_value_lookup(dp_document_get_root(doc),
                                  "institution.logo")->text, ==, png);
  dp_document_free(doc);
  g_free(text);
  g_free(png);
  g_free(dir);
  static const struct { const char *path, *message; } bad[] = {
      {"images/none.png", "1:30: 'logo': image 'images/none.png' cannot be "
                          "read: No such file or directory\n"},
      {"images", "1:30: 'logo': image 'images' is not a file\n"},
      {"../diag/images/corrupt.png",
       "1:30: 'logo': image '../diag/images/corrupt.png' is a damaged PNG "
       "image (the checksum of its IDAT chunk does not match)\n"},
      {"../diag/images/truncated.png",
       "1:30: 'logo': image '../diag/images/truncated.png' is a PNG image "
       "that is cut short\n"},
      {"../diag/images/huge.png",
       "1:30: 'logo': image '../diag/images/huge.png' is 40000\u00D710 "
       "pixels; at most 32767 pixels a side are allowed\n"},
      {"../diag/images/not-an-image.png",
       "1:30: 'logo': image '../diag/images/not-an-image.png' is not a PNG, "
       "JPEG or SVG image\n"},
      {"../diag/images/truncated.jpg",
       "1:30: 'logo': image '../diag/images/truncated.jpg' is a JPEG image "
       "that is cut short\n"},
      {"../diag/images/page.svg",
       "1:30: 'logo': image '../diag/images/page.svg' is not a PNG, JPEG or "
       "SVG image (it is XML whose root element is <html>, not <svg>)\n"},
      {"../diag/images/cut.svg",
       "1:30: 'logo': image '../diag/images/cut.svg' is an SVG image that "
       "is cut short\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    text = g_strdup_printf("institution: {name: A, logo: %s}\n"
                           "candidate: {name: B}\nthesis: {title: C}\n"
                           ONE_EVENT, bad[i].path);
    reject(text, bad[i].message);
    g_free(text);
  }
}

/* ---- structures --------------------------------------------------------- */

static void test_events(void) {
  char *text = g_strconcat(MINIMAL,
      "events:\n"
      "  - {kind: trial-lecture, start: 2025-01-01, title: '*T*', note: N}\n"
      "  - {kind: public-defence, start: 2025-01-01T12:00, status: moved}\n"
      "  - {kind: other, label: Reception, start: 2025-01-01T16:00, "
      "status: cancelled}\n"
      "  - {kind: other, label: X, start: 2025-01-01, status: postponed}\n"
      "  - {kind: other, label: Y, start: 2025-01-01, status: tentative}\n",
      NULL);
  dp_document *doc = accept(text);
  const dp_value *root = dp_document_get_root(doc);
  g_assert_cmpstr(dp_value_lookup(root, "events.0.kind")->text, ==,
                  "trial-lecture");
  g_assert_cmpstr(dp_value_lookup(root, "events.0.status")->text, ==,
                  "scheduled");
  g_assert_cmpstr(dp_value_lookup(root, "events.1.status")->text, ==,
                  "moved");
  g_assert_cmpstr(dp_value_lookup(root, "events.2.label")->text, ==,
                  "Reception");
  const dp_value *title = dp_value_lookup(root, "events.0.title");
  g_assert_cmpint(title->kind, ==, DP_VALUE_RICH);
  g_assert_cmpstr(title->rich->blocks[0].text, ==, "T");
  g_assert_cmpint(title->rich->blocks[0].spans[0].kind, ==,
                  DP_SPAN_EMPHASIS);
  g_assert_true(dp_value_lookup(root, "events.0.note")->inline_only);
  dp_document_free(doc);
  g_free(text);

  reject(MINIMAL "events:\n  - {kind: trial lecture, start: 2025-01-01}\n"
         "  - {kind: defence, start: 2025-01-01, status: delayed}\n"
         "  - {kind: other, start: 2025-01-01}\n"
         "  - {kind: other, label: '', start: 2025-01-01}\n"
         "  - text\n",
         "8:12: 'kind' must be trial-lecture, public-defence or other, not "
         "'trial lecture' (did you mean 'trial-lecture'?)\n"
         "9:12: 'kind' must be trial-lecture, public-defence or other, not "
         "'defence'\n"
         "9:48: 'status' must be scheduled, tentative, postponed, cancelled "
         "or moved, not 'delayed'\n"
         "10:5: missing required key 'label' in event (an event of kind "
         "'other' has no default label)\n"
         "11:26: 'label' is empty\n"
         "12:5: expected a map for item 5 of 'events', got text\n");
}

static void test_online_and_venue(void) {
  char *text = with("online:\n  url: https://a.zoom.us/j/1\n  platform: Zoom\n"
                    "  meeting-id: '637 6206 9036'\n  passcode: '007'\n"
                    "  note: Join *early*.\n");
  dp_document *doc = accept(text);
  const dp_value *online = dp_value_get(dp_document_get_root(doc), "online");
  g_assert_cmpuint(online->count, ==, 5);
  g_assert_cmpstr(dp_value_get(online, "passcode")->text, ==, "007");
  g_assert_cmpint(dp_value_get(online, "note")->kind, ==, DP_VALUE_RICH);
  dp_document_free(doc);
  g_free(text);
  text = event_doc("    start: 2025-01-01\n    online: {url: 'https://x.no'}\n"
                   "    venue: {room: A}\n");
  doc = accept(text);
  g_assert_cmpstr(dp_value_lookup(dp_document_get_root(doc),
                                  "events.0.online.url")->text, ==,
                  "https://x.no");
  dp_document_free(doc);
  g_free(text);
}

static void test_persons(void) {
  char *text = with(
      "committee:\n"
      "  - {role: first-opponent, title: Professor, name: A, position: P, "
      "affiliation: U, country: Norway, email: a@u.no, phone: '+47 1'}\n"
      "  - {role: rapporteur, name: B, affiliation: [U1, ' U2 ']}\n"
      "supervisors: [{name: C}]\ncontact: [{name: D, email: d@u.no}]\n"
      "chair: {name: E, role: custos}\n"
      "candidate2: x\n");
  reject(text, "16:1: unknown key 'candidate2' in announcement (did you mean "
               "'candidate'?)\n");
  g_free(text);
  text = with(
      "committee:\n"
      "  - {role: first-opponent, title: Professor, name: A, position: P, "
      "affiliation: U, country: Norway, email: a@u.no, phone: '+47 1'}\n"
      "  - {role: rapporteur, name: B, affiliation: [U1, ' U2 ']}\n"
      "supervisors: [{name: C}]\ncontact: [{name: D, email: d@u.no}]\n"
      "chair: {name: E, role: custos}\n");
  dp_document *doc = accept(text);
  const dp_value *root = dp_document_get_root(doc);
  const dp_value *aff = dp_value_lookup(root, "committee.0.affiliation");
  g_assert_cmpint(aff->kind, ==, DP_VALUE_LIST);
  g_assert_cmpuint(aff->count, ==, 1);
  g_assert_cmpstr(aff->items[0]->text, ==, "U");
  aff = dp_value_lookup(root, "committee.1.affiliation");
  g_assert_cmpuint(aff->count, ==, 2);
  g_assert_cmpstr(aff->items[1]->text, ==, "U2");
  g_assert_cmpstr(dp_value_lookup(root, "committee.1.role")->text, ==,
                  "rapporteur");
  g_assert_cmpstr(dp_value_lookup(root, "contact.0.email")->text, ==,
                  "d@u.no");
  g_assert_cmpstr(dp_value_lookup(root, "chair.role")->text, ==, "custos");
  dp_document_free(doc);
  g_free(text);
  /* The candidate's affiliation too. */
  doc = accept("institution: {name: A}\ncandidate: {name: B, affiliation: "
               "X}\nthesis: {title: C}\n" ONE_EVENT);
  g_assert_cmpint(dp_value_lookup(dp_document_get_root(doc),
                                  "candidate.affiliation")->kind, ==,
                  DP_VALUE_LIST);
  dp_document_free(doc);
  text = with("committee:\n  - {name: A, affiliation: {u: x}}\n"
              "  - {name: B, affiliation: [x, [y]]}\n"
              "  - {name: C, affiliation: []}\n");
  reject(text, "11:28: expected text or a list of texts for 'affiliation', "
               "got a map\n"
               "12:32: expected text for item 2 of 'affiliation', got a "
               "list\n"
               "13:28: 'affiliation' is an empty list\n");
  g_free(text);
}

static void test_thesis(void) {
  char *text = g_strconcat(
      "institution: {name: A}\ncandidate: {name: B}\n"
      "thesis:\n  title: T\n  subtitle: S\n  parallel-title: P\n"
      "  parallel-lang: nb\n  papers:\n    - One *paper*.\n    - Two.\n"
      "  url: https://t.example\n  isbn: 978-82-0\n  doi: 10.1/2\n",
      ONE_EVENT, NULL);
  dp_document *doc = accept(text);
  const dp_value *papers = dp_value_lookup(dp_document_get_root(doc),
                                           "thesis.papers");
  g_assert_cmpint(papers->kind, ==, DP_VALUE_LIST);
  g_assert_cmpuint(papers->count, ==, 2);
  g_assert_cmpint(papers->items[0]->kind, ==, DP_VALUE_RICH);
  g_assert_true(papers->items[0]->inline_only);
  g_assert_cmpstr(papers->items[0]->rich->blocks[0].text, ==, "One paper.");
  dp_document_free(doc);
  g_free(text);
  reject("institution: {name: A}\ncandidate: {name: B}\n"
         "thesis:\n  title: T\n  papers:\n    - ''\n    - '# H'\n"
         ONE_EVENT,
         "6:7: item 1 of 'papers' is empty\n"
         "7:7: an inline field is one paragraph: a line may not start with "
         "'# '\n");
}

static void test_labels_and_extra(void) {
  GString *labels = g_string_new("labels:\n");
  for (const char *const *k = dp_label_keys; *k; k++) {
    g_assert_true(dp_label_is_key(*k));
    g_string_append_printf(labels, "  %s: Label for %s\n", *k, *k);
  }
  g_assert_false(dp_label_is_key("banquet"));
  g_assert_false(dp_label_is_key("Trial-Lecture"));
  /* Every text of the built-in tables may be overridden, the layouts'
   * own texts and the conventions too. */
  for (const char *const *k = dp_label_table_keys; *k; k++) {
    g_assert_true(dp_label_is_table_key(*k));
    if (!dp_label_is_key(*k))
      g_string_append_printf(labels, "  %s: \"{name}\"\n", *k);
  }
  g_assert_true(dp_label_is_table_key("parallel-title"));
  g_assert_true(dp_label_is_template_key("time-range"));
  g_assert_false(dp_label_is_template_key("time-format"));
  g_assert_false(dp_label_is_table_key("banquet"));
  char *text = with(labels->str);
  dp_document *doc = accept(text);
  const dp_value *map = dp_value_get(dp_document_get_root(doc), "labels");
  g_assert_cmpstr(dp_value_get(map, "custos")->text, ==, "Label for custos");
  g_assert_cmpstr(dp_value_get(map, "tba")->text, ==, "Label for tba");
  g_assert_cmpstr(dp_value_get(map, "parallel-title")->text, ==, "{name}");
  dp_document_free(doc);
  g_free(text);
  g_string_free(labels, TRUE);
  /* The spec's label keys and role keys, each exactly once. */
  static const char *const spec_keys[] = {
      "trial-lecture", "public-defence", "programme", "summary", "committee",
      "supervisors", "chair", "contact", "notes", "online", "meeting-id",
      "passcode", "tba", "postponed", "cancelled", "moved", "venue", "time",
      "tentative", "papers", "leader", "first-opponent", "second-opponent",
      "opponent", "member", "administrator", "main-supervisor",
      "co-supervisor", "custos"};
  guint n = g_strv_length((char **)dp_label_keys);
  g_assert_cmpuint(n, ==, G_N_ELEMENTS(spec_keys));
  for (size_t i = 0; i < G_N_ELEMENTS(spec_keys); i++)
    g_assert_true(dp_label_is_key(spec_keys[i]));

  text = with("extra:\n  anything: goes\n  Odd Key: 12\n");
  doc = accept(text);
  map = dp_value_get(dp_document_get_root(doc), "extra");
  g_assert_cmpstr(dp_value_get(map, "Odd Key")->text, ==, "12");
  dp_document_free(doc);
  g_free(text);
  text = with("labels: {tba: [x]}\nextra: {a: {b: c}, d: ~}\n");
  reject(text, "10:15: expected text for 'tba', got a list\n"
               "11:12: expected text for 'a', got a map\n"
               "11:23: 'd' is empty\n");
  g_free(text);
}

static void test_markdown_fields(void) {
  char *text = with("lead: |\n  First.\n\n  Second with [a link](https://a.no)."
                    "\nsummary: |\n  Intro.\n\n  ## Part\n\n  - x\n  - y\n"
                    "notes: Plain *notes*\n"
                    "headline: A *headline*\n");
  dp_document *doc = accept(text);
  const dp_value *root = dp_document_get_root(doc);
  const dp_value *lead = dp_value_get(root, "lead");
  g_assert_cmpint(lead->kind, ==, DP_VALUE_RICH);
  g_assert_false(lead->inline_only);
  g_assert_cmpuint(lead->rich->count, ==, 2);
  g_assert_cmpstr(lead->text, ==,
                  "First.\n\nSecond with [a link](https://a.no).");
  /* Blocks of a literal scalar carry their own line. */
  g_assert_cmpint(lead->rich->blocks[1].mark.line, ==, 13);
  g_assert_cmpint(lead->rich->blocks[1].mark.column, ==, 3);
  const dp_value *summary = dp_value_get(root, "summary");
  g_assert_cmpuint(summary->rich->count, ==, 4);
  g_assert_cmpint(summary->rich->blocks[1].kind, ==, DP_BLOCK_HEADING);
  g_assert_cmpstr(summary->rich->blocks[2].marker, ==, "\u2022");
  g_assert_true(dp_value_get(root, "headline")->inline_only);
  dp_document_free(doc);
  g_free(text);

  /* Errors inside a literal block: their own line and column; in other
   * styles: the scalar's mark. */
  text = with("summary: |\n  Fine.\n\n      It is <b>bold</b>.\n"
              "bio: x\nnotes: \"See <i>this</i>\"\n");
  reject(text, "13:7: code blocks are not allowed in Markdown (a line "
               "indented by four spaces or a ``` fence starts one)\n"
               "14:1: unknown key 'bio' in announcement\n"
               "15:8: raw HTML is not allowed in Markdown\n"
               "15:8: raw HTML is not allowed in Markdown\n");
  g_free(text);
  text = with("summary: |\n  Fine.\n\n  It is <b>bold</b> and ![i](x.png).\n"
              "  ***\n");
  reject(text, "13:9: raw HTML is not allowed in Markdown\n"
               "13:16: raw HTML is not allowed in Markdown\n"
               "13:25: images are not allowed in Markdown; use logo or "
               "photo\n"
               "14:3: thematic breaks ('---', '***') are not allowed in "
               "Markdown\n");
  g_free(text);
  /* A literal block indented more than its key, in a list item. */
  reject("institution: {name: A}\ncandidate: {name: B, bio: x}\n"
         "thesis:\n  title: T\n  papers:\n    - |\n        Paper\n"
         "        - not a list\n" ONE_EVENT,
         "8:9: an inline field is one paragraph: a line may not start with "
         "'- '\n");
}

static void test_aliases(void) {
  char *text = g_strconcat(MINIMAL,
      "events:\n"
      "  - kind: trial-lecture\n    start: 2025-01-01\n"
      "    venue: &v {room: A, flor: 2}\n"
      "  - kind: public-defence\n    start: 2025-01-01\n    venue: *v\n",
      NULL);
  reject(text, "10:25: unknown key 'flor' in venue\n");
  g_free(text);
  text = g_strconcat(MINIMAL,
      "events:\n"
      "  - kind: trial-lecture\n    start: &d 2025-01-01T10:00\n"
      "  - kind: public-defence\n    start: *d\n    end: *d\n",
      NULL);
  dp_document *doc = accept(text);
  g_assert_cmpstr(dp_value_lookup(dp_document_get_root(doc),
                                  "events.1.end")->text, ==,
                  "2025-01-01T10:00");
  dp_document_free(doc);
  g_free(text);
}

/* samples/full.yaml sets every field of the format somewhere (the
 * products tests then find each of its values in the booklet): the
 * fields come from the parser's own schemas, so a field added to the
 * format fails here until the sample shows it. */
static void test_full_sample_fields(void) {
  char *path = g_build_filename(DP_SOURCE_DATADIR, "samples", "full.yaml",
                                NULL);
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  GString *out = g_string_new(NULL);
  dp_diag_set_callback(diag, capture, out);
  dp_document *doc = dp_document_read(diag, NULL, path);
  if (!doc) g_error("%s is not accepted:\n%s", path, out->str);
  char **unused = dp_document_unused_fields(doc);
  /* What a sample cannot show: a house file is a setting, not a fact
   * (docs/examples/house has one), and the base direction of a
   * left-to-right document is its language's. */
  static const char *const settings[] = {"announcement.house",
                                         "announcement.direction", NULL};
  /* A field that contradicts another of full.yaml's (a lecture's title
   * and `tba`) is shown by another sample instead. */
  static const char *const elsewhere[][2] = {{"event.tba", "seed.yaml"}};
  GString *missing = g_string_new(NULL);
  for (char **u = unused; *u; u++) {
    if (g_strv_contains(settings, *u)) continue;
    const char *other = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(elsewhere); i++)
      if (!strcmp(elsewhere[i][0], *u)) other = elsewhere[i][1];
    if (!other) {
      g_string_append_printf(missing, " %s", *u);
      continue;
    }
    char *other_path = g_build_filename(DP_SOURCE_DATADIR, "samples", other,
                                        NULL);
    dp_document *o = dp_document_read(diag, NULL, other_path);
    g_assert_nonnull(o);
    char **o_unused = dp_document_unused_fields(o);
    if (g_strv_contains((const char *const *)o_unused, *u))
      g_string_append_printf(missing, " %s (nor %s)", *u, other);
    g_strfreev(o_unused);
    dp_document_free(o);
    g_free(other_path);
  }
  if (missing->len) g_error("samples/full.yaml sets nowhere:%s", missing->str);
  /* And the check can fail: the seed leaves most fields out. */
  char *seed_path = g_build_filename(DP_SOURCE_DATADIR, "samples",
                                     "sparse.yaml", NULL);
  dp_document *seed = dp_document_read(diag, NULL, seed_path);
  g_assert_nonnull(seed);
  char **seed_unused = dp_document_unused_fields(seed);
  g_assert_true(g_strv_contains((const char *const *)seed_unused,
                                "person.email"));
  g_assert_true(g_strv_contains((const char *const *)seed_unused,
                                "thesis.parallel-title"));
  g_strfreev(seed_unused);
  dp_document_free(seed);
  g_free(seed_path);
  g_string_free(missing, TRUE);
  g_strfreev(unused);
  dp_document_free(doc);
  dp_diag_free(diag);
  g_string_free(out, TRUE);
  g_free(path);
}

/* ---- files -------------------------------------------------------------- */

static void test_read_files(void) {
  char *dir = images_dir();
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  const char *name;
  int count = 0;
  while ((name = g_dir_read_name(d))) {
    if (!g_str_has_suffix(name, ".yaml")) continue;
    char *path = g_build_filename(dir, name, NULL);
    dp_diag *diag = dp_diag_new();
    dp_diag_set_print(diag, false);
    GString *out = g_string_new(NULL);
    dp_diag_set_callback(diag, capture, out);
    dp_document *doc = dp_document_read(diag, NULL, path);
    if (!doc) g_error("%s is not accepted:\n%s", path, out->str);
    char *stem = g_strndup(name, strlen(name) - 5);
    g_assert_cmpstr(dp_document_get_stem(doc), ==, stem);
    g_assert_cmpstr(dp_document_get_name(doc), ==, path);
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(dp_document_get_mtime(doc), ==, (long long)st.st_mtime);
    if (!strcmp(name, "every-key.yaml")) {
      const dp_value *root = dp_document_get_root(doc);
      char *photo = g_build_filename(dir, "images", "photo.jpg", NULL);
      g_assert_cmpstr(dp_value_lookup(root, "candidate.photo")->text, ==,
                      photo);
      g_free(photo);
      g_assert_cmpstr(dp_document_get_lang(doc), ==, "en-GB");
    }
    g_free(stem);
    dp_document_free(doc);
    g_string_free(out, TRUE);
    dp_diag_free(diag);
    g_free(path);
    count++;
  }
  g_dir_close(d);
  g_assert_cmpint(count, >=, 10);

  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  GString *out = g_string_new(NULL);
  dp_diag_set_callback(diag, capture, out);
  char *missing = g_build_filename(dir, "no-such.yaml", NULL);
  g_assert_null(dp_document_read(diag, NULL, missing));
  g_assert_cmpstr(out->str, ==, "0:0: cannot read the file: No such file or "
                                "directory\n");
  g_free(missing);
  g_string_free(out, TRUE);
  dp_diag_free(diag);
  g_free(dir);
}

/* Expands `source` in `scope` and checks the text and the span of `kind`
 * over the value (DP_SPAN_LANG: in language `lang`), at `from`. */
static void check_marked(const char *source, const dp_scope *scope,
                         const char *expected, dp_span_kind kind,
                         size_t from, const char *lang) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  dp_template *t = dp_template_parse(diag, source, (dp_mark){"l.yaml", 1, 1, -1});
  g_assert_nonnull(t);
  dp_textbuf out;
  dp_textbuf_init(&out);
  g_assert_true(dp_template_expand(t, scope, &out));
  g_assert_cmpstr(out.text, ==, expected);
  bool found = false;
  for (size_t i = 0; i < out.span_count; i++) {
    if (out.spans[i].kind != kind) continue;
    g_assert_false(found);
    found = true;
    g_assert_cmpuint(out.spans[i].start, ==, from);
    g_assert_cmpuint(out.spans[i].end, ==, out.length);
    g_assert_cmpstr(out.spans[i].url, ==, lang);
  }
  g_assert_true(found);
  dp_textbuf_clear(&out);
  dp_template_free(t);
  dp_diag_free(diag);
}

/* The document says which texts are people's names (the candidate's and
 * every person's) and which are in a language of their own (the parallel
 * title): templates mark them, in conventions too, for text.c. */
static void test_names_and_languages(void) {
  dp_document *doc = accept(
      "lang: nb\n" MINIMAL "  parallel-title: Vind, bølger og vinsjer\n"
      "  parallel-lang: nn\n" ONE_EVENT
      "committee:\n"
      "  - {role: first-opponent, title: Professor, name: Ola Nordmann}\n"
      "chair: {name: Kari Nordmann}\n"
      "contact:\n"
      "  - {name: Per Hansen, email: per@example.org}\n");
  const dp_value *root = dp_document_get_root(doc);
  g_assert_true(dp_value_lookup(root, "candidate.name")->name);
  g_assert_true(dp_value_lookup(root, "committee.0.name")->name);
  g_assert_true(dp_value_lookup(root, "chair.name")->name);
  g_assert_true(dp_value_lookup(root, "contact.0.name")->name);
  g_assert_false(dp_value_lookup(root, "committee.0.title")->name);
  g_assert_false(dp_value_lookup(root, "institution.name")->name);
  g_assert_cmpstr(dp_value_lookup(root, "thesis.parallel-title")->lang, ==,
                  "nn");
  g_assert_null(dp_value_lookup(root, "thesis.title")->lang);

  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  dp_labels *labels = dp_labels_new(diag, NULL, "nb", NULL);
  dp_scope scope = {.root = root, .labels = labels, .lang = "nb"};
  check_marked("{candidate.name}", &scope, "Maren Tollefsen Eide",
               DP_SPAN_NAME, 0, NULL);
  check_marked("Leder: {chair.name|upper}", &scope, "Leder: KARI NORDMANN",
               DP_SPAN_NAME, 7, NULL);
  check_marked("{thesis.parallel-title}", &scope, "Vind, bølger og vinsjer",
               DP_SPAN_LANG, 0, "nn");
  /* Inside a convention, in a repetition. */
  dp_scope person = {.item = dp_value_lookup(root, "committee.0"),
                     .index = 1, .parent = &scope, .root = root,
                     .labels = labels, .lang = "nb"};
  check_marked("{format:person-name}", &person, "Professor Ola Nordmann",
               DP_SPAN_NAME, strlen("Professor "), NULL);
  dp_labels_free(labels);
  dp_diag_free(diag);
  dp_document_free(doc);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/document/minimal-and-defaults", test_minimal_and_defaults);
  g_test_add_func("/document/direction", test_direction);
  g_test_add_func("/document/whole-document-errors",
                  test_whole_document_errors);
  g_test_add_func("/document/every-error-reported", test_every_error_reported);
  g_test_add_func("/document/unknown-keys", test_unknown_keys);
  g_test_add_func("/document/required-keys", test_required_keys);
  g_test_add_func("/document/wrong-kinds", test_wrong_kinds);
  g_test_add_func("/document/empty-and-null", test_empty_and_null);
  g_test_add_func("/document/scalars-are-text", test_scalars_are_text);
  g_test_add_func("/document/booleans", test_booleans);
  g_test_add_func("/document/dates", test_dates);
  g_test_add_func("/document/end", test_end);
  g_test_add_func("/document/languages", test_languages);
  g_test_add_func("/document/timezones", test_timezones);
  g_test_add_func("/document/colours", test_colours);
  g_test_add_func("/document/urls", test_urls);
  g_test_add_func("/document/orcid", test_orcid);
  g_test_add_func("/document/images", test_images);
  g_test_add_func("/document/events", test_events);
  g_test_add_func("/document/online-and-venue", test_online_and_venue);
  g_test_add_func("/document/persons", test_persons);
  g_test_add_func("/document/thesis", test_thesis);
  g_test_add_func("/document/labels-and-extra", test_labels_and_extra);
  g_test_add_func("/document/markdown-fields", test_markdown_fields);
  g_test_add_func("/document/aliases", test_aliases);
  g_test_add_func("/document/read-files", test_read_files);
  g_test_add_func("/document/full-sample-fields", test_full_sample_fields);
  g_test_add_func("/document/names-and-languages", test_names_and_languages);
  return g_test_run();
}
