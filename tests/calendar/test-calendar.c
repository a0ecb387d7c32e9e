/* The calendar export (suite 'calendar'): every sample's calendar, made
 * through the public API, parsed back with libical (linked directly here;
 * the library itself only loads it as the "ical" plugin) and checked
 * entry by entry: counts, local times and their zone, the same instants
 * in UTC through the file's own VTIMEZONE, texts in en/nb/nn, places,
 * links, statuses, UIDs, reproducible bytes, all-day and floating times,
 * and the RFC 5545 line format. */
#include <glib.h>
#include <glib/gstdio.h>
#include <libical/ical.h>
#include <stdio.h>
#include <string.h>
#include <utime.h>

#include "disputas/disputas.h"
#include "document.h"

#define STAMP "1700000000" /* 2023-11-14T22:13:20Z */

/* ---- helpers ----------------------------------------------------------- */

typedef struct made {
  char *text;          /* dp_free */
  size_t length;
  icalcomponent *cal;  /* parsed */
  size_t events;       /* the document's events */
} made;

static char *sample_path(const char *name) {
  return g_strdup_printf("%s/samples/%s.yaml", SRCDIR, name);
}

static void made_from_document(made *m, dp_context *ctx, dp_document *doc) {
  g_assert_nonnull(doc);
  const dp_value *events = dp_value_get(dp_document_get_root(doc), "events");
  m->events = events ? events->count : 0;
  g_assert_cmpint(dp_calendar_to_memory(ctx, doc, &m->text, &m->length), ==,
                  DP_STATUS_OK);
  g_assert_nonnull(m->text);
  g_assert_cmpuint(strlen(m->text), ==, m->length);
  m->cal = icalparser_parse_string(m->text);
  g_assert_nonnull(m->cal);
  g_assert_cmpint(icalcomponent_isa(m->cal), ==, ICAL_VCALENDAR_COMPONENT);
}

static void made_from_sample(made *m, const char *name) {
  dp_context *ctx = dp_context_new();
  char *path = sample_path(name);
  dp_document *doc = dp_document_load_file(ctx, path);
  made_from_document(m, ctx, doc);
  dp_document_free(doc);
  dp_context_free(ctx);
  g_free(path);
}

static void made_from_text(made *m, const char *yaml) {
  dp_context *ctx = dp_context_new();
  dp_document *doc = dp_document_load_data(ctx, "memo.yaml", yaml, strlen(yaml));
  made_from_document(m, ctx, doc);
  dp_document_free(doc);
  dp_context_free(ctx);
}

static void made_clear(made *m) {
  icalcomponent_free(m->cal);
  dp_free(m->text);
}

static size_t count_of(icalcomponent *cal, icalcomponent_kind kind) {
  return (size_t)icalcomponent_count_components(cal, kind);
}

/* (transfer none) The n-th (0-based) VEVENT. */
static icalcomponent *event_at(const made *m, size_t n) {
  icalcomponent *ev = icalcomponent_get_first_component(m->cal, ICAL_VEVENT_COMPONENT);
  for (size_t i = 0; ev && i < n; i++)
    ev = icalcomponent_get_next_component(m->cal, ICAL_VEVENT_COMPONENT);
  g_assert_nonnull(ev);
  return ev;
}

static const char *calendar_text_of(icalcomponent *c, icalproperty_kind kind) {
  icalproperty *p = icalcomponent_get_first_property(c, kind);
  return p ? icalproperty_get_value_as_string(p) : NULL;
}

static const char *url_of(icalcomponent *ev) {
  icalproperty *p = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
  return p ? icalproperty_get_url(p) : NULL;
}

static const char *tzid_of(icalproperty *p) {
  icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  return tz ? icalparameter_get_tzid(tz) : NULL;
}

/* Checks a DTSTART or DTEND: its TZID, its local time as written, and, for
 * a zone, the instant in UTC reached through the file's own VTIMEZONE
 * (utc_hour < 0: floating, no UTC instant). */
static void check_time(const made *m, icalcomponent *ev, icalproperty_kind kind,
                       const char *tzid, const char *local, int utc_day,
                       int utc_hour, int utc_minute) {
  icalproperty *p = icalcomponent_get_first_property(ev, kind);
  g_assert_nonnull(p);
  g_assert_cmpstr(tzid_of(p), ==, tzid);
  struct icaltimetype t = kind == ICAL_DTSTART_PROPERTY
                              ? icalproperty_get_dtstart(p)
                              : icalproperty_get_dtend(p);
  g_assert_false(t.is_date);
  g_assert_false(icaltime_is_utc(t));
  char *written = g_strdup_printf("%04d-%02d-%02dT%02d:%02d", t.year, t.month,
                                  t.day, t.hour, t.minute);
  g_assert_cmpstr(written, ==, local);
  g_free(written);
  if (!tzid) return;
  icaltimezone *zone = icalcomponent_get_timezone(m->cal, tzid);
  /* The zone is the file's VTIMEZONE, not libical's own data. */
  g_assert_nonnull(zone);
  g_assert_true(icaltimezone_get_component(zone) ==
                icalcomponent_get_first_component(m->cal,
                                                  ICAL_VTIMEZONE_COMPONENT));
  t = icaltime_set_timezone(&t, zone);
  struct icaltimetype u =
      icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
  g_assert_cmpint(u.day, ==, utc_day);
  g_assert_cmpint(u.hour, ==, utc_hour);
  g_assert_cmpint(u.minute, ==, utc_minute);
}

static void check_date(icalcomponent *ev, icalproperty_kind kind, int y, int mo,
                       int d) {
  icalproperty *p = icalcomponent_get_first_property(ev, kind);
  g_assert_nonnull(p);
  g_assert_null(tzid_of(p));
  struct icaltimetype t = kind == ICAL_DTSTART_PROPERTY
                              ? icalproperty_get_dtstart(p)
                              : icalproperty_get_dtend(p);
  g_assert_true(t.is_date);
  g_assert_cmpint(t.year, ==, y);
  g_assert_cmpint(t.month, ==, mo);
  g_assert_cmpint(t.day, ==, d);
}

static void check_no_end(icalcomponent *ev) {
  g_assert_null(icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY));
  g_assert_null(icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY));
}

static void check_contains(const char *text, const char *part) {
  if (!text || !strstr(text, part))
    g_error("'%s' does not contain '%s'", text ? text : "(null)", part);
}

/* What every calendar has: the header, one VEVENT per event with the
 * required properties, distinct UIDs, the stamp, CRLF lines of at most 75
 * octets that are each valid UTF-8 (folding never splits a character). */
static void check_common(const made *m, const char *tzid) {
  g_assert_cmpstr(calendar_text_of(m->cal, ICAL_PRODID_PROPERTY), ==,
                  "-//disputas//disputas 0.1//EN");
  g_assert_cmpstr(calendar_text_of(m->cal, ICAL_VERSION_PROPERTY), ==, "2.0");
  g_assert_cmpstr(calendar_text_of(m->cal, ICAL_CALSCALE_PROPERTY), ==,
                  "GREGORIAN");
  g_assert_cmpstr(calendar_text_of(m->cal, ICAL_METHOD_PROPERTY), ==, "PUBLISH");
  g_assert_cmpuint(count_of(m->cal, ICAL_VEVENT_COMPONENT), ==, m->events);
  g_assert_cmpuint(count_of(m->cal, ICAL_VTIMEZONE_COMPONENT), ==, tzid ? 1 : 0);
  if (tzid) {
    icalcomponent *vtz =
        icalcomponent_get_first_component(m->cal, ICAL_VTIMEZONE_COMPONENT);
    g_assert_cmpstr(calendar_text_of(vtz, ICAL_TZID_PROPERTY), ==, tzid);
  }
  GHashTable *uids = g_hash_table_new(g_str_hash, g_str_equal);
  for (size_t i = 0; i < m->events; i++) {
    icalcomponent *ev = event_at(m, i);
    const char *uid = icalcomponent_get_uid(ev);
    g_assert_nonnull(uid);
    g_assert_true(g_str_has_suffix(uid, "@disputas"));
    g_assert_cmpuint(strlen(uid), ==, 32 + strlen("@disputas"));
    g_assert_false(g_hash_table_contains(uids, uid));
    g_hash_table_add(uids, (gpointer)uid);
    g_assert_cmpstr(calendar_text_of(ev, ICAL_DTSTAMP_PROPERTY), ==,
                    "20231114T221320Z");
    g_assert_nonnull(icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY));
    g_assert_nonnull(icalcomponent_get_summary(ev));
  }
  g_hash_table_destroy(uids);

  g_assert_true(g_str_has_suffix(m->text, "END:VCALENDAR\r\n"));
  const char *line = m->text;
  while (*line) {
    const char *crlf = strstr(line, "\r\n");
    g_assert_nonnull(crlf);
    g_assert_cmpint(crlf - line, <=, 75);
    g_assert_null(memchr(line, '\n', (size_t)(crlf - line)));
    g_assert_true(g_utf8_validate(line, crlf - line, NULL));
    line = crlf + 2;
  }
}

/* ---- the samples -------------------------------------------------------- */

static void test_seed(void) {
  made m;
  made_from_sample(&m, "seed");
  check_common(&m, "Europe/Oslo");
  const char *zoom =
      "https://hvl.zoom.us/j/63762069036?pwd=RZ3MQFfB6CJumhx5VWMj9YAFWOsHyj.1";

  icalcomponent *trial = event_at(&m, 0);
  g_assert_cmpstr(icalcomponent_get_summary(trial), ==,
                  "Trial lecture – Kristina Bakke Åkerblom");
  /* 10:00 in Oslo on 27 September (summer time) is 08:00 UTC. */
  check_time(&m, trial, ICAL_DTSTART_PROPERTY, "Europe/Oslo",
             "2024-09-27T10:00", 27, 8, 0);
  check_no_end(trial);
  g_assert_cmpstr(icalcomponent_get_location(trial), ==,
                  "M004-K2, HVL, Bergen Campus");
  g_assert_cmpstr(url_of(trial), ==, zoom);
  g_assert_cmpint(icalcomponent_get_status(trial), ==, ICAL_STATUS_CONFIRMED);
  const char *description = icalcomponent_get_description(trial);
  check_contains(description, "Title to be announced");
  check_contains(description,
                 "Thesis: Creating Impactful Peer Worker Co-production Roles");
  check_contains(description, "Join online (Zoom): ");
  check_contains(description, zoom);
  check_contains(description, "Meeting ID: 637 6206 9036");
  check_contains(description, "Passcode: 440542");

  icalcomponent *defence = event_at(&m, 1);
  g_assert_cmpstr(icalcomponent_get_summary(defence), ==,
                  "Public defence – Kristina Bakke Åkerblom");
  check_time(&m, defence, ICAL_DTSTART_PROPERTY, "Europe/Oslo",
             "2024-09-27T12:20", 27, 10, 20);
  check_no_end(defence);
  check_contains(icalcomponent_get_description(defence),
                 "Creating Impactful Citizens Co-production Roles. A "
                 "qualitative study of Peer Workers");
  made_clear(&m);
}

static void test_bokmal(void) {
  made m;
  made_from_sample(&m, "bokmal");
  check_common(&m, "Europe/Oslo");
  const char *map =
      "https://use.mazemap.com/#v=1&campusid=18&search=realfagbygget";
  icalcomponent *trial = event_at(&m, 0);
  g_assert_cmpstr(icalcomponent_get_summary(trial), ==,
                  "Prøveforelesning – Sigrid Aasen Mjelde");
  check_time(&m, trial, ICAL_DTSTART_PROPERTY, "Europe/Oslo",
             "2025-06-13T10:15", 13, 8, 15);
  check_time(&m, trial, ICAL_DTEND_PROPERTY, "Europe/Oslo",
             "2025-06-13T11:00", 13, 9, 0);
  g_assert_cmpstr(icalcomponent_get_location(trial), ==,
                  "Auditorium 2, Realfagbygget, Nygårdshøyden, Allégaten 41, "
                  "Bergen");
  g_assert_cmpstr(url_of(trial), ==, map);
  check_contains(icalcomponent_get_description(trial),
                 "Hvordan kan miljø-DNA brukes i overvåking av parasitter i "
                 "havbruk?");
  check_contains(icalcomponent_get_description(trial),
                 "Avhandling: Lakselus i et varmere hav");

  icalcomponent *defence = event_at(&m, 1);
  g_assert_cmpstr(icalcomponent_get_summary(defence), ==,
                  "Disputas – Sigrid Aasen Mjelde");
  check_time(&m, defence, ICAL_DTEND_PROPERTY, "Europe/Oslo",
             "2025-06-13T15:30", 13, 13, 30);
  check_contains(icalcomponent_get_description(defence), "Åpent for alle.");
  g_assert_cmpint(icalcomponent_get_status(defence), ==, ICAL_STATUS_CONFIRMED);
  made_clear(&m);
}

static void test_nynorsk(void) {
  made m;
  made_from_sample(&m, "nynorsk");
  check_common(&m, "Europe/Oslo");
  g_assert_cmpstr(icalcomponent_get_summary(event_at(&m, 0)), ==,
                  "Prøveførelesing – Eirik Haugsdal Myklebust");
  /* Moved: confirmed, and said in the description with the note. */
  icalcomponent *defence = event_at(&m, 1);
  g_assert_cmpstr(icalcomponent_get_summary(defence), ==,
                  "Disputas – Eirik Haugsdal Myklebust");
  g_assert_cmpint(icalcomponent_get_status(defence), ==, ICAL_STATUS_CONFIRMED);
  g_assert_true(g_str_has_prefix(icalcomponent_get_description(defence),
                                 "Flytta\n"));
  check_contains(icalcomponent_get_description(defence),
                 "Disputasen er flytta frå Auditorium 1 til Store auditorium");
  g_assert_cmpstr(icalcomponent_get_location(defence), ==,
                  "Store auditorium, Kulturhuset, Campus Sogndal, "
                  "Gravensteinsgata 3, Sogndal");
  /* October 23 is still summer time. */
  check_time(&m, defence, ICAL_DTSTART_PROPERTY, "Europe/Oslo",
             "2025-10-23T12:15", 23, 10, 15);
  /* An event of kind "other" is named by its label. */
  icalcomponent *reception = event_at(&m, 2);
  g_assert_cmpstr(icalcomponent_get_summary(reception), ==,
                  "Mottaking – Eirik Haugsdal Myklebust");
  g_assert_null(url_of(reception));
  made_clear(&m);
}

static void test_scripts(void) {
  made m;
  made_from_sample(&m, "scripts");
  check_common(&m, "Europe/Oslo");
  /* A date without a time: an all-day entry. */
  icalcomponent *trial = event_at(&m, 0);
  g_assert_cmpstr(icalcomponent_get_summary(trial), ==,
                  "Trial lecture – Ευτυχία Καραγιάννη");
  check_date(trial, ICAL_DTSTART_PROPERTY, 2025, 3, 14);
  check_date(trial, ICAL_DTEND_PROPERTY, 2025, 3, 15);
  g_assert_true(strstr(m.text, "DTSTART;VALUE=DATE:20250314\r\n") != NULL);
  /* It says the time is to be announced, first after the status. */
  g_assert_true(g_str_has_prefix(icalcomponent_get_description(trial),
                                 "Time to be announced\n"));
  /* An event with a time does not. */
  g_assert_null(strstr(icalcomponent_get_description(event_at(&m, 1)),
                       "Time to be announced"));
  /* 14 March is winter time: 13:15 is 12:15 UTC. */
  icalcomponent *defence = event_at(&m, 1);
  check_time(&m, defence, ICAL_DTSTART_PROPERTY, "Europe/Oslo",
             "2025-03-14T13:15", 14, 12, 15);
  check_time(&m, defence, ICAL_DTEND_PROPERTY, "Europe/Oslo",
             "2025-03-14T16:30", 14, 15, 30);
  g_assert_cmpstr(icalcomponent_get_location(defence), ==,
                  "R1, Realfagbygget, Gløshaugen, Trondheim");
  made_clear(&m);
}

static void test_online_postponed(void) {
  made m;
  made_from_sample(&m, "online-postponed");
  check_common(&m, NULL);
  const char *teams =
      "https://teams.microsoft.com/l/meetup-join/"
      "19%3ameeting_NzQ2YjE4ZGUtOTI1Mi00ZDcxLWE3YjMtMmQ4ZjU1ZTAxYzM2%40thread.v2/0";
  /* No timezone: floating times, no VTIMEZONE (check_common). */
  icalcomponent *trial = event_at(&m, 0);
  check_time(&m, trial, ICAL_DTSTART_PROPERTY, NULL, "2025-11-20T10:15", 0, -1,
             0);
  g_assert_true(strstr(m.text, "DTSTART:20251120T101500\r\n") != NULL);
  g_assert_cmpint(icalcomponent_get_status(trial), ==, ICAL_STATUS_TENTATIVE);
  g_assert_cmpstr(icalcomponent_get_summary(trial), ==,
                  "Tentative: Trial lecture – Jonas Eliassen Bjørnstad");
  /* Online only: the link is the place. */
  g_assert_cmpstr(icalcomponent_get_location(trial), ==, teams);
  g_assert_cmpstr(url_of(trial), ==, teams);
  const char *description = icalcomponent_get_description(trial);
  check_contains(description, "Join online (Teams): ");
  check_contains(description, "Meeting ID: 374 219 806 554");
  check_contains(description, "Passcode: Xq7sR2");
  check_contains(description, "Join a few minutes early; microphones are muted");

  /* Postponed: kept at its old time, tentative, said first. */
  icalcomponent *defence = event_at(&m, 1);
  g_assert_cmpint(icalcomponent_get_status(defence), ==, ICAL_STATUS_TENTATIVE);
  g_assert_cmpstr(icalcomponent_get_summary(defence), ==,
                  "Postponed: Public defence – Jonas Eliassen Bjørnstad");
  g_assert_true(g_str_has_prefix(icalcomponent_get_description(defence),
                                 "Postponed\n"));
  check_time(&m, defence, ICAL_DTSTART_PROPERTY, NULL, "2025-11-20T12:15", 0,
             -1, 0);
  made_clear(&m);
}

static void test_minimal(void) {
  made m;
  made_from_sample(&m, "minimal");
  check_common(&m, NULL);
  icalcomponent *ev = event_at(&m, 0);
  g_assert_cmpstr(icalcomponent_get_summary(ev), ==,
                  "Public defence – Maren Tollefsen Eide");
  g_assert_cmpstr(icalcomponent_get_description(ev),
                  ==, "Thesis: Wind, Waves and Winches");
  g_assert_null(icalcomponent_get_first_property(ev, ICAL_LOCATION_PROPERTY));
  g_assert_null(url_of(ev));
  check_no_end(ev);
  made_clear(&m);
}

/* ---- identity and reproducibility --------------------------------------- */

static const char *const samples[] = {"seed", "bokmal", "nynorsk", "scripts",
                                      "online-postponed", "minimal"};

/* The same document twice, through two contexts: the same bytes. */
static void test_reproducible(void) {
  for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
    made a, b;
    made_from_sample(&a, samples[i]);
    made_from_sample(&b, samples[i]);
    g_assert_cmpuint(a.length, ==, b.length);
    g_assert_cmpmem(a.text, a.length, b.text, b.length);
    made_clear(&a);
    made_clear(&b);
  }
}

#define DOC_HEAD                                   \
  "timezone: Europe/Oslo\n"                        \
  "institution: {name: University of Agder}\n"     \
  "candidate: {name: %s}\n"                        \
  "thesis: {title: 'Wind, Waves and Winches'}\n"   \
  "events:\n"

static char *uid_at(const char *yaml, size_t n) {
  made m;
  made_from_text(&m, yaml);
  char *uid = g_strdup(icalcomponent_get_uid(event_at(&m, n)));
  made_clear(&m);
  return uid;
}

/* A UID stays when the event is rescheduled or another event is put before
 * it, and differs for another candidate in a file of the same name. */
static void test_uid(void) {
  char *base = g_strdup_printf(DOC_HEAD
      "  - {kind: trial-lecture, start: 2026-01-16T10:15}\n"
      "  - {kind: public-defence, start: 2026-01-16T13:00}\n",
      "Maren Tollefsen Eide");
  char *moved = g_strdup_printf(DOC_HEAD
      "  - {kind: trial-lecture, start: 2026-02-20T10:15, status: moved}\n"
      "  - {kind: other, label: Lunch, start: 2026-02-20T11:30}\n"
      "  - {kind: public-defence, start: 2026-02-20T13:00}\n",
      "Maren Tollefsen Eide");
  char *other = g_strdup_printf(DOC_HEAD
      "  - {kind: trial-lecture, start: 2026-01-16T10:15}\n"
      "  - {kind: public-defence, start: 2026-01-16T13:00}\n",
      "Ola Nordmann");
  char *trial = uid_at(base, 0), *defence = uid_at(base, 1);
  g_assert_cmpstr(trial, !=, defence);
  char *trial_moved = uid_at(moved, 0), *defence_moved = uid_at(moved, 2);
  g_assert_cmpstr(trial_moved, ==, trial);
  g_assert_cmpstr(defence_moved, ==, defence);
  char *trial_other = uid_at(other, 0);
  g_assert_cmpstr(trial_other, !=, trial);
  g_free(trial);
  g_free(defence);
  g_free(trial_moved);
  g_free(defence_moved);
  g_free(trial_other);
  g_free(base);
  g_free(moved);
  g_free(other);
}

/* Without SOURCE_DATE_EPOCH, DTSTAMP is the file's modification time. */
static void test_stamp_from_mtime(void) {
  char *dir = g_dir_make_tmp("disputas-calendar-XXXXXX", NULL);
  g_assert_nonnull(dir);
  char *path = g_build_filename(dir, "doc.yaml", NULL);
  char *yaml = g_strdup_printf(DOC_HEAD
      "  - {kind: public-defence, start: 2026-01-16T13:00}\n", "Maren Eide");
  g_assert_true(g_file_set_contents(path, yaml, -1, NULL));
  struct utimbuf times = {1234567890, 1234567890}; /* 2009-02-13T23:31:30Z */
  g_assert_cmpint(utime(path, &times), ==, 0);
  g_unsetenv("SOURCE_DATE_EPOCH");
  dp_context *ctx = dp_context_new();
  dp_document *doc = dp_document_load_file(ctx, path);
  char *text = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_calendar_to_memory(ctx, doc, &text, &length), ==,
                  DP_STATUS_OK);
  g_setenv("SOURCE_DATE_EPOCH", STAMP, TRUE);
  g_assert_nonnull(strstr(text, "\r\nDTSTAMP:20090213T233130Z\r\n"));
  dp_free(text);
  dp_document_free(doc);
  dp_context_free(ctx);
  g_unlink(path);
  g_rmdir(dir);
  g_free(yaml);
  g_free(path);
  g_free(dir);
}

/* ---- edge cases ---------------------------------------------------------- */

/* Long texts in several scripts are folded between characters, and come
 * back whole. */
static void test_folding(void) {
  GString *title = g_string_new(NULL);
  for (int i = 0; i < 12; i++)
    g_string_append(title, "地震に強い歴史的石造建築 Σεισμική ανθεκτικότητα ");
  g_strchomp(title->str);
  title->len = strlen(title->str);
  char *yaml = g_strdup_printf(
      "timezone: Asia/Tokyo\n"
      "institution: {name: 東京大学}\n"
      "candidate: {name: 山田 花子}\n"
      "thesis: {title: '%s'}\n"
      "events:\n"
      "  - {kind: public-defence, start: 2026-01-16T13:00, title: '%s, again'}\n",
      title->str, title->str);
  made m;
  made_from_text(&m, yaml);
  check_common(&m, "Asia/Tokyo");
  icalcomponent *ev = event_at(&m, 0);
  char *expected = g_strdup_printf("%s, again\nThesis: %s", title->str,
                                   title->str);
  g_assert_cmpstr(icalcomponent_get_description(ev), ==, expected);
  /* Tokyo is UTC+9 the whole year. */
  check_time(&m, ev, ICAL_DTSTART_PROPERTY, "Asia/Tokyo", "2026-01-16T13:00",
             16, 4, 0);
  made_clear(&m);
  g_free(expected);
  g_free(yaml);
  g_string_free(title, TRUE);
}

static void test_utc(void) {
  made m;
  made_from_text(&m,
      "timezone: UTC\n"
      "institution: {name: University of Agder}\n"
      "candidate: {name: Maren Tollefsen Eide}\n"
      "thesis: {title: Winches}\n"
      "events:\n"
      "  - {kind: public-defence, start: 2026-01-16T13:00, end: 2026-01-16T16:00}\n");
  check_common(&m, NULL);
  g_assert_nonnull(strstr(m.text, "\r\nDTSTART:20260116T130000Z\r\n"));
  g_assert_nonnull(strstr(m.text, "\r\nDTEND:20260116T160000Z\r\n"));
  made_clear(&m);
}

/* The file's cut VTIMEZONE gives the same instants as GLib's reading of
 * the zone database, for zones with half-hour offsets, southern summers,
 * abolished summer time and none at all, around their changes. */
static void test_zones(void) {
  static const char *const zones[] = {
      "Europe/Oslo", "America/St_Johns", "Australia/Lord_Howe",
      "Pacific/Auckland", "America/Sao_Paulo", "Asia/Kolkata",
      "America/New_York", "Etc/GMT+3"};
  static const char *const starts[] = {
      "2025-01-15T09:00", "2025-03-30T03:30", "2025-04-06T12:00",
      "2025-07-01T18:45", "2025-10-26T01:30", "2025-11-02T23:59"};
  for (size_t z = 0; z < G_N_ELEMENTS(zones); z++) {
    GString *yaml = g_string_new(NULL);
    g_string_append_printf(yaml,
        "timezone: %s\n"
        "institution: {name: University of Agder}\n"
        "candidate: {name: Maren Tollefsen Eide}\n"
        "thesis: {title: Winches}\n"
        "events:\n", zones[z]);
    for (size_t i = 0; i < G_N_ELEMENTS(starts); i++)
      g_string_append_printf(yaml, "  - {kind: other, label: E%zu, start: %s}\n",
                             i, starts[i]);
    made m;
    made_from_text(&m, yaml->str);
    check_common(&m, zones[z]);
    GTimeZone *tz = g_time_zone_new_identifier(zones[z]);
    g_assert_nonnull(tz);
    for (size_t i = 0; i < G_N_ELEMENTS(starts); i++) {
      int y, mo, d, h, mi;
      g_assert_cmpint(sscanf(starts[i], "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi),
                      ==, 5);
      GDateTime *local = g_date_time_new(tz, y, mo, d, h, mi, 0);
      GDateTime *utc = g_date_time_to_utc(local);
      check_time(&m, event_at(&m, i), ICAL_DTSTART_PROPERTY, zones[z],
                 starts[i], g_date_time_get_day_of_month(utc),
                 g_date_time_get_hour(utc), g_date_time_get_minute(utc));
      g_date_time_unref(utc);
      g_date_time_unref(local);
    }
    g_time_zone_unref(tz);
    made_clear(&m);
    g_string_free(yaml, TRUE);
  }
}

/* Labels from the document, a dated event with an end, cancelled. */
static void test_labels_and_status(void) {
  made m;
  made_from_text(&m,
      "institution: {name: University of Agder}\n"
      "candidate: {name: Maren Tollefsen Eide}\n"
      "thesis: {title: Winches, url: 'https://uia.no/thesis'}\n"
      "labels: {public-defence: Doctoral defence, cancelled: Called off}\n"
      "events:\n"
      "  - {kind: trial-lecture, start: 2026-01-15, end: 2026-01-16T12:00}\n"
      "  - {kind: public-defence, start: 2026-01-16T13:00, status: cancelled}\n"
      "  - {kind: other, label: Dinner, start: 2026-01-16T19:00,\n"
      "     venue: {room: Hall, map: 'https://maps.example/hall'}}\n");
  check_common(&m, NULL);
  icalcomponent *trial = event_at(&m, 0);
  check_date(trial, ICAL_DTSTART_PROPERTY, 2026, 1, 15);
  check_date(trial, ICAL_DTEND_PROPERTY, 2026, 1, 17);
  g_assert_cmpstr(url_of(trial), ==, "https://uia.no/thesis");
  icalcomponent *defence = event_at(&m, 1);
  g_assert_cmpstr(icalcomponent_get_summary(defence), ==,
                  "Called off: Doctoral defence – Maren Tollefsen Eide");
  g_assert_cmpint(icalcomponent_get_status(defence), ==, ICAL_STATUS_CANCELLED);
  icalcomponent *dinner = event_at(&m, 2);
  g_assert_cmpstr(icalcomponent_get_summary(dinner), ==,
                  "Dinner – Maren Tollefsen Eide");
  g_assert_cmpstr(icalcomponent_get_location(dinner), ==, "Hall");
  g_assert_cmpstr(url_of(dinner), ==, "https://maps.example/hall");
  made_clear(&m);
}

/* ---- files ---------------------------------------------------------------- */

static size_t files_in(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  size_t n = 0;
  while (g_dir_read_name(d)) n++;
  g_dir_close(d);
  return n;
}

static void test_to_file(void) {
  char *dir = g_dir_make_tmp("disputas-calendar-XXXXXX", NULL);
  char *out = g_build_filename(dir, "seed.ics", NULL);
  dp_context *ctx = dp_context_new();
  char *path = sample_path("seed");
  dp_document *doc = dp_document_load_file(ctx, path);
  g_assert_cmpint(dp_calendar_to_file(ctx, doc, out), ==, DP_STATUS_OK);
  g_assert_cmpuint(files_in(dir), ==, 1); /* no temporary file left */
  char *written = NULL, *text = NULL;
  gsize written_length = 0;
  size_t length = 0;
  g_assert_true(g_file_get_contents(out, &written, &written_length, NULL));
  g_assert_cmpint(dp_calendar_to_memory(ctx, doc, &text, &length), ==,
                  DP_STATUS_OK);
  g_assert_cmpmem(written, written_length, text, length);

  /* A folder that does not exist: reported, DP_STATUS_WRITE, no file. */
  dp_context_set_print_diagnostics(ctx, false);
  int errors = dp_context_get_error_count(ctx);
  char *missing = g_build_filename(dir, "none", "x.ics", NULL);
  g_assert_cmpint(dp_calendar_to_file(ctx, doc, missing), ==, DP_STATUS_WRITE);
  g_assert_cmpint(dp_context_get_error_count(ctx), ==, errors + 1);
  g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));

  g_free(missing);
  dp_free(text);
  g_free(written);
  dp_document_free(doc);
  dp_context_free(ctx);
  g_free(path);
  g_unlink(out);
  g_rmdir(dir);
  g_free(out);
  g_free(dir);
}

int main(int argc, char **argv) {
  g_setenv("SOURCE_DATE_EPOCH", STAMP, TRUE);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/calendar/seed", test_seed);
  g_test_add_func("/calendar/bokmal", test_bokmal);
  g_test_add_func("/calendar/nynorsk", test_nynorsk);
  g_test_add_func("/calendar/scripts", test_scripts);
  g_test_add_func("/calendar/online-postponed", test_online_postponed);
  g_test_add_func("/calendar/minimal", test_minimal);
  g_test_add_func("/calendar/reproducible", test_reproducible);
  g_test_add_func("/calendar/uid", test_uid);
  g_test_add_func("/calendar/stamp-from-mtime", test_stamp_from_mtime);
  g_test_add_func("/calendar/folding", test_folding);
  g_test_add_func("/calendar/utc", test_utc);
  g_test_add_func("/calendar/zones", test_zones);
  g_test_add_func("/calendar/labels-and-status", test_labels_and_status);
  g_test_add_func("/calendar/to-file", test_to_file);
  int status = g_test_run();
  icaltimezone_free_builtin_timezones();
  return status;
}
