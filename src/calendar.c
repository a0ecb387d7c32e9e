/* calendar: see calendar.h. */
#include "calendar.h"

#include <glib.h>
#include <string.h>

#include "label-tables.h"
#include "template.h"

/* (transfer none) The label text for `key`; the key itself when the
 * tables could not be read (already reported). */
static const char *label(const dp_labels *labels, const char *key) {
  const char *text = dp_labels_get(labels, key);
  return text ? text : key;
}

/* (transfer full) A text or rich value as plain text; NULL when unset. */
static char *plain(const dp_value *v) {
  if (!v) return NULL;
  if (v->kind == DP_VALUE_RICH && v->rich) return dp_rich_to_plain(v->rich);
  return v->text ? g_strdup(v->text) : NULL;
}

static const char *text_at(const dp_value *map, const char *key) {
  const dp_value *v = map ? dp_value_get(map, key) : NULL;
  return v && v->kind == DP_VALUE_TEXT ? v->text : NULL;
}

static dp_calendar_time time_of(const dp_value *v) {
  dp_calendar_time t = {0};
  if (v && v->kind == DP_VALUE_DATETIME) {
    t.year = v->datetime.year;
    t.month = v->datetime.month;
    t.day = v->datetime.day;
    t.hour = v->datetime.hour;
    t.minute = v->datetime.minute;
    t.has_time = v->datetime.has_time;
  }
  return t;
}

/* The day after `t`'s date, as a date (the exclusive end of an all-day
 * entry). */
static dp_calendar_time next_day(dp_calendar_time t) {
  GDate *date = g_date_new_dmy((GDateDay)t.day, (GDateMonth)t.month,
                               (GDateYear)t.year);
  g_date_add_days(date, 1);
  dp_calendar_time next = {g_date_get_year(date), g_date_get_month(date),
                           g_date_get_day(date), 0, 0, false};
  g_date_free(date);
  return next;
}

/* The part of an entry's texts that names the status. */
typedef struct status_rule {
  const char *status;        /* the event's `status` */
  dp_calendar_status ical;
  bool in_summary;           /* the status label starts the summary */
} status_rule;

static const status_rule status_rules[] = {
    {"scheduled", DP_CALENDAR_CONFIRMED, false},
    {"moved", DP_CALENDAR_CONFIRMED, false},
    {"tentative", DP_CALENDAR_TENTATIVE, true},
    {"postponed", DP_CALENDAR_TENTATIVE, true},
    {"cancelled", DP_CALENDAR_CANCELLED, true},
};

static const status_rule *rule_for(const char *status) {
  for (size_t i = 0; i < G_N_ELEMENTS(status_rules); i++)
    if (status && !strcmp(status, status_rules[i].status))
      return &status_rules[i];
  return &status_rules[0];
}

/* (transfer full) The text of `s`, or NULL when it is empty; frees `s`. */
static char *take_text(GString *s) {
  if (s->len) return g_string_free(s, FALSE);
  g_string_free(s, TRUE);
  return NULL;
}

static void add_line(GString *out, const char *line) {
  if (!line || !*line) return;
  if (out->len) g_string_append_c(out, '\n');
  g_string_append(out, line);
}

static void add_labelled(GString *out, const char *name, const char *value) {
  if (!value || !*value) return;
  char *line = g_strdup_printf("%s: %s", name, value);
  add_line(out, line);
  g_free(line);
}

/* "<32 hex digits>@disputas", from what identifies the event and stays
 * when it is rescheduled (calendar.h). */
static char *make_uid(const char *stem, const char *candidate,
                      const char *kind, int occurrence) {
  char *key = g_strdup_printf("%s\n%s\n%s\n%d", stem ? stem : "",
                              candidate ? candidate : "", kind ? kind : "",
                              occurrence);
  char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
  char *uid = g_strdup_printf("%.32s@disputas", digest);
  g_free(digest);
  g_free(key);
  return uid;
}

static void fill_event(dp_calendar_event *e, const dp_value *event,
                       const dp_value *root, const dp_labels *labels,
                       const char *uid) {
  const char *kind = text_at(event, "kind");
  const char *own_label = text_at(event, "label");
  const char *name = text_at(dp_value_get(root, "candidate"), "name");
  const status_rule *rule = rule_for(text_at(event, "status"));
  const dp_value *venue = dp_value_get(event, "venue");
  const dp_value *online = dp_value_get(event, "online");
  if (!online) online = dp_value_get(root, "online");
  const char *online_url = text_at(online, "url");

  e->uid = g_strdup(uid);
  e->status = rule->ical;

  /* SUMMARY */
  GString *summary = g_string_new(NULL);
  if (rule->in_summary)
    g_string_append_printf(summary, "%s: ", label(labels, rule->status));
  g_string_append(summary, own_label ? own_label
                                    : kind ? label(labels, kind) : "");
  if (name) g_string_append_printf(summary, " – %s", name);
  e->summary = g_string_free(summary, FALSE);

  /* DESCRIPTION */
  GString *text = g_string_new(NULL);
  if (rule != &status_rules[0]) add_line(text, label(labels, rule->status));
  /* A date without a time is an all-day entry: say the time is to come,
   * not that the event lasts all day. */
  e->start = time_of(dp_value_get(event, "start"));
  if (!e->start.has_time) add_line(text, label(labels, "time-tba"));
  char *title = plain(dp_value_get(event, "title"));
  const dp_value *tba = dp_value_get(event, "tba");
  if (title)
    add_line(text, title);
  else if (tba && tba->kind == DP_VALUE_BOOL && tba->boolean)
    add_line(text, label(labels, "tba"));
  char *thesis = plain(dp_value_lookup(root, "thesis.title"));
  if (thesis && (!title || strcmp(title, thesis)))
    add_labelled(text, label(labels, "thesis"), thesis);
  if (online_url) {
    const char *platform = text_at(online, "platform");
    char *heading = platform ? g_strdup_printf("%s (%s)",
                                               label(labels, "online"), platform)
                             : g_strdup(label(labels, "online"));
    add_labelled(text, heading, online_url);
    g_free(heading);
    add_labelled(text, label(labels, "meeting-id"),
                 text_at(online, "meeting-id"));
    add_labelled(text, label(labels, "passcode"), text_at(online, "passcode"));
    char *online_note = plain(dp_value_get(online, "note"));
    add_line(text, online_note);
    g_free(online_note);
  }
  char *note = plain(dp_value_get(event, "note"));
  add_line(text, note);
  g_free(note);
  g_free(thesis);
  g_free(title);
  e->description = take_text(text);

  /* LOCATION */
  static const char *const venue_parts[] = {"room", "building", "campus",
                                            "address", "city"};
  GString *place = g_string_new(NULL);
  for (size_t i = 0; venue && i < G_N_ELEMENTS(venue_parts); i++) {
    const char *part = text_at(venue, venue_parts[i]);
    if (!part) continue;
    if (place->len) g_string_append(place, ", ");
    g_string_append(place, part);
  }
  if (!place->len && online_url) g_string_append(place, online_url);
  e->location = take_text(place);

  /* URL */
  const char *url = text_at(venue, "map");
  if (!url) url = online_url;
  if (!url) url = text_at(dp_value_get(root, "thesis"), "url");
  e->url = g_strdup(url);

  /* DTSTART, DTEND (start is read above) */
  const dp_value *end = dp_value_get(event, "end");
  if (!e->start.has_time) {
    /* All day: DTEND is the day after the last day (a date-time `end`
     * on a dated event counts by its date). */
    e->end = next_day(end ? time_of(end) : e->start);
    e->has_end = true;
  } else if (end) {
    e->end = time_of(end);
    e->has_end = true;
  }
}

dp_calendar *dp_calendar_new(dp_diag *diag, const dp_settings *settings,
                             const dp_document *doc, long long stamp) {
  const dp_value *root = dp_document_get_root(doc);
  dp_calendar *cal = g_new0(dp_calendar, 1);
  cal->stamp = stamp;
  cal->timezone = g_strdup(text_at(root, "timezone"));
  const dp_value *events = dp_value_get(root, "events");
  if (!events || events->kind != DP_VALUE_LIST || !events->count) return cal;

  dp_labels *labels = dp_labels_new(diag, settings, dp_document_get_lang(doc),
                                    dp_value_get(root, "labels"));
  const char *stem = dp_document_get_stem(doc);
  const char *name = text_at(dp_value_get(root, "candidate"), "name");
  cal->events = g_new0(dp_calendar_event, events->count);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal); /* kind → n */
  for (size_t i = 0; i < events->count; i++) {
    const dp_value *event = events->items[i];
    const char *kind = text_at(event, "kind");
    int n = GPOINTER_TO_INT(g_hash_table_lookup(seen, kind ? kind : "")) + 1;
    g_hash_table_insert(seen, (gpointer)(kind ? kind : ""), GINT_TO_POINTER(n));
    char *uid = make_uid(stem, name, kind, n);
    fill_event(&cal->events[cal->count++], event, root, labels, uid);
    g_free(uid);
  }
  g_hash_table_destroy(seen);
  dp_labels_free(labels);
  return cal;
}

void dp_calendar_free(dp_calendar *cal) {
  if (!cal) return;
  for (size_t i = 0; i < cal->count; i++) {
    dp_calendar_event *e = &cal->events[i];
    g_free(e->uid);
    g_free(e->summary);
    g_free(e->description);
    g_free(e->location);
    g_free(e->url);
  }
  g_free(cal->events);
  g_free(cal->timezone);
  g_free(cal);
}
