/* length: lengths as layouts write them ("12pt", "5mm", "1.5cm", "1in").
 *
 * The one reader of numbers and units for the layout binder and the
 * frame-edge expressions (frame-expr.h); it reports nothing itself and
 * says why a text is not a length, so each caller words the message.
 */
#ifndef DP_LENGTH_H
#define DP_LENGTH_H

#include <stdbool.h>
#include <stddef.h>

#define DP_PT_PER_INCH 72.0
#define DP_PT_PER_MM (72.0 / 25.4)

/* A length beyond 100,000 pt (35 m) is a typo, not a poster; refusing it
 * keeps every later sum of lengths far from overflow. */
#define DP_MAX_LENGTH_POINTS 100000.0

/* Reads an unsigned decimal number ("12", "1.5", ".5", "3.") at `s`.
 * Returns the bytes consumed, 0 when there is no number. */
size_t dp_scan_number(const char *s, double *value);

/* The ASCII letters at the start of `s`. */
size_t dp_scan_letters(const char *s);

/* Points per unit for `unit` (`length` bytes: pt, mm, cm, in), or 0 for an
 * unknown unit. */
double dp_unit_factor(const char *unit, size_t length);

/* Why a text is not a length, for messages. */
typedef enum dp_length_problem {
  DP_LENGTH_OK,
  DP_LENGTH_NOT_A_NUMBER,   /* "abc", "", "5mm extra" */
  DP_LENGTH_NO_UNIT,        /* "30" */
  DP_LENGTH_UNKNOWN_UNIT,   /* "30px" */
  DP_LENGTH_TOO_LARGE
} dp_length_problem;

/* Reads a signed length into points.  On DP_LENGTH_UNKNOWN_UNIT, sets
 * *unit_out (if not NULL) to the unit as written (g_free). */
dp_length_problem dp_length_read(const char *text, double *points,
                                 char **unit_out);

/* Parses a length such as "12pt", "5mm", "1.5cm", "1in", "0" into points.
 * Returns false (without reporting) on anything else. */
bool dp_length_parse(const char *text, double *points);

#endif
