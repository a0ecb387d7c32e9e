/* The "ical" plugin: a dp_calendar as iCalendar text through libical
 * (see plugin.h and calendar.h, which decides every text and time).
 *
 * The calendar is published (METHOD:PUBLISH) for import into any client.
 * A document with a `timezone` gets times with TZID=<IANA name> and a
 * VTIMEZONE of that name, made from libical's zone data (the system's
 * tzdata) and cut to the years from the first event on, so the file
 * imports standalone and stays short; clients that know the IANA names
 * use their own rules anyway.  A zone libical calls UTC gives UTC times
 * ("…Z").  Without a timezone, times are floating.  libical escapes the
 * texts, folds long lines at 75 octets and ends lines with CRLF. */
#include <glib.h>
#include <libical/ical.h>
#include <time.h>

#include "calendar.h"
#include "plugin.h"

/* A date, or a date-time in `zone` (NULL: floating or TZID-named). */
static struct icaltimetype to_ical(const dp_calendar_time *t,
                                   const icaltimezone *zone) {
  struct icaltimetype v = t->has_time ? icaltime_null_time()
                                      : icaltime_null_date();
  v.year = t->year;
  v.month = t->month;
  v.day = t->day;
  if (t->has_time) {
    v.hour = t->hour;
    v.minute = t->minute;
    v.zone = zone;
  }
  return v;
}

/* Adds TZID=`tzid` to a date-time property (dates carry no zone). */
static icalproperty *with_tzid(icalproperty *p, const dp_calendar_time *t,
                               const char *tzid) {
  if (tzid && t->has_time) icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
  return p;
}

/* The zone's VTIMEZONE, named `name` (libical's own TZIDs carry a
 * "/freeassociation.sourceforge.net/" prefix that clients do not
 * recognise), without the observances before `from_year`. */
static icalcomponent *make_vtimezone(icaltimezone *zone, const char *name,
                                     int from_year) {
  icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
  icalproperty *tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
  if (tzid) icalproperty_set_tzid(tzid, name);
  if (from_year > 0) {
    struct icaltimetype start = icaltime_null_time();
    start.year = from_year;
    start.month = 1;
    start.day = 1;
    start.zone = icaltimezone_get_utc_timezone();
    icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 0);
  }
  return vtz;
}

static icalproperty_status status_of(dp_calendar_status status) {
  switch (status) {
  case DP_CALENDAR_TENTATIVE: return ICAL_STATUS_TENTATIVE;
  case DP_CALENDAR_CANCELLED: return ICAL_STATUS_CANCELLED;
  case DP_CALENDAR_CONFIRMED: break;
  }
  return ICAL_STATUS_CONFIRMED;
}

static icalcomponent *make_vevent(const dp_calendar_event *e,
                                  struct icaltimetype stamp,
                                  const icaltimezone *utc, const char *tzid) {
  icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property(ev, icalproperty_new_uid(e->uid));
  icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
  icalcomponent_add_property(
      ev, with_tzid(icalproperty_new_dtstart(to_ical(&e->start, utc)),
                    &e->start, tzid));
  if (e->has_end)
    icalcomponent_add_property(
        ev, with_tzid(icalproperty_new_dtend(to_ical(&e->end, utc)), &e->end,
                      tzid));
  icalcomponent_add_property(ev, icalproperty_new_summary(e->summary));
  if (e->description)
    icalcomponent_add_property(ev, icalproperty_new_description(e->description));
  if (e->location)
    icalcomponent_add_property(ev, icalproperty_new_location(e->location));
  if (e->url) icalcomponent_add_property(ev, icalproperty_new_url(e->url));
  icalcomponent_add_property(ev, icalproperty_new_status(status_of(e->status)));
  return ev;
}

static char *write_calendar(const dp_calendar *cal, char **error) {
  icaltimezone *zone = NULL;
  const icaltimezone *utc = NULL; /* set when times are written in UTC */
  const char *tzid = NULL;        /* set when times carry a TZID */
  if (cal->timezone) {
    zone = icaltimezone_get_builtin_timezone(cal->timezone);
    if (zone == icaltimezone_get_utc_timezone()) {
      utc = zone;
    } else if (zone && icaltimezone_get_component(zone)) {
      tzid = cal->timezone;
    } else {
      *error = g_strdup_printf("libical has no data for the time zone '%s'",
                               cal->timezone);
      return NULL;
    }
  }

  icalcomponent *vcal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
  icalcomponent_add_property(vcal, icalproperty_new_prodid(DP_CALENDAR_PRODID));
  icalcomponent_add_property(vcal, icalproperty_new_version("2.0"));
  icalcomponent_add_property(vcal, icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(vcal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
  if (tzid) {
    int from_year = 0;
    for (size_t i = 0; i < cal->count; i++)
      if (!from_year || cal->events[i].start.year < from_year)
        from_year = cal->events[i].start.year;
    icalcomponent_add_component(vcal, make_vtimezone(zone, tzid, from_year));
  }
  struct icaltimetype stamp = icaltime_from_timet_with_zone(
      (time_t)cal->stamp, 0, icaltimezone_get_utc_timezone());
  for (size_t i = 0; i < cal->count; i++)
    icalcomponent_add_component(
        vcal, make_vevent(&cal->events[i], stamp, utc, tzid));

  char *text = icalcomponent_as_ical_string_r(vcal);
  char *result = g_strdup(text);
  icalmemory_free_buffer(text);
  icalcomponent_free(vcal);
  return result;
}

static const dp_ical_api api = {DP_PLUGIN_VERSION, write_calendar};

const void *dp_plugin_entry(void);
const void *dp_plugin_entry(void) { return &api; }
