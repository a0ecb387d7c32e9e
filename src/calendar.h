/* calendar: a document's events as calendar entries (iCalendar export).
 *
 * This is the half of the calendar export that needs no libical: it reads
 * the document and decides every text, time and status of the entries, as
 * plain UTF-8 strings and numbers.  The "ical" plugin (src/plugins/ical.c,
 * see plugin.h) turns the result into RFC 5545 text with libical, which is
 * loaded only by runs that write a calendar (linking libical would cost
 * every run 8 ms at start-up; plugin.h).
 *
 * The decisions, one entry per event, in the document's order:
 *
 *  - SUMMARY "Public defence – Kristina Bakke Åkerblom": the event's
 *    `label`, else the label of its kind in the document's language
 *    (with the document's `labels` overrides), an en dash, the
 *    candidate's name.  A tentative, postponed or cancelled event's
 *    summary starts with that status's label: "Postponed: Public
 *    defence – …", so it shows in every client, also those that ignore
 *    STATUS.
 *  - STATUS: scheduled and moved are CONFIRMED; tentative and postponed
 *    are TENTATIVE (a postponed event keeps its old time, which no longer
 *    holds, and its new time is not known: it is neither confirmed nor
 *    called off); cancelled is CANCELLED.
 *  - DESCRIPTION, one item a line: the status's label when not scheduled
 *    (so "Moved" is said), the event's title or the "title to be
 *    announced" label, the thesis title, the online link (the event's
 *    `online`, else the document's) with platform, meeting id, passcode
 *    and its note, the event's note.
 *  - LOCATION: the venue's room, building, campus, address and city
 *    joined with ", "; without a venue, the online link.
 *  - URL: the venue's map, else the online link, else the thesis's url.
 *  - Times are the document's local wall times in its `timezone` (NULL:
 *    floating times, the same clock reading in every zone).  A date
 *    without a time is an all-day entry whose description says the
 *    time is to be announced.  An event without `end` gets no end:
 *    RFC 5545 §3.6.1 makes a timed event without DTEND a point in time
 *    and a dated one last the day, and an invented duration would put
 *    a wrong end into people's calendars.
 *  - UID: a hash of the document's stem, the candidate's name, the
 *    event's kind (or label) and its number among events of that kind,
 *    "@disputas".  Re-exporting updates the same entries, also after an
 *    event is moved to another time (its start is deliberately not in the
 *    hash) or another event is inserted before it.
 *  - DTSTAMP: SOURCE_DATE_EPOCH, else the document's modification time,
 *    never the clock, so the output is byte-reproducible.
 */
#ifndef DP_CALENDAR_H
#define DP_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "document.h"

/* The product identifier every calendar carries. */
#define DP_CALENDAR_PRODID "-//disputas//disputas 0.1//EN"

typedef enum dp_calendar_status {
  DP_CALENDAR_CONFIRMED,
  DP_CALENDAR_TENTATIVE,
  DP_CALENDAR_CANCELLED
} dp_calendar_status;

/* A local date, and time when has_time. */
typedef struct dp_calendar_time {
  int year, month, day;
  int hour, minute;
  bool has_time;
} dp_calendar_time;

typedef struct dp_calendar_event {
  char *uid;          /* "<32 hex digits>@disputas" */
  char *summary;
  char *description;  /* lines joined by '\n'; NULL when empty */
  char *location;     /* NULL when unknown */
  char *url;          /* NULL when none */
  dp_calendar_time start;
  dp_calendar_time end;
  bool has_end;       /* false: no DTEND (see above) */
  dp_calendar_status status;
} dp_calendar_event;

typedef struct dp_calendar {
  char *timezone;     /* IANA name, or NULL for floating times */
  long long stamp;    /* DTSTAMP, seconds since 1970 (UTC) */
  dp_calendar_event *events;
  size_t count;
} dp_calendar;

/* (transfer full) The entries of `doc`'s events, stamped `stamp`.  Label
 * tables that cannot be read are reported to `diag` (their keys then stand
 * for the texts).  Free with dp_calendar_free(). */
dp_calendar *dp_calendar_new(dp_diag *diag, const dp_settings *settings,
                             const dp_document *doc,
                             long long stamp);

/* Frees `calendar`; NULL is allowed. */
void dp_calendar_free(dp_calendar *calendar);

#endif
