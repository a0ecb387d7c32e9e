/* length: see length.h. */
#include "length.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* Reads an unsigned decimal number ("12", "1.5", ".5", "3.") at `s`.
 * Returns the bytes consumed, 0 when there is no number. */
size_t dp_scan_number(const char *s, double *value) {
  size_t i = 0;
  bool digits = false;
  while (g_ascii_isdigit(s[i])) {
    i++;
    digits = true;
  }
  if (s[i] == '.') {
    size_t j = i + 1;
    while (g_ascii_isdigit(s[j])) {
      j++;
      digits = true;
    }
    if (digits) i = j;
  }
  if (!digits) return 0;
  char *copy = g_strndup(s, i);
  *value = g_ascii_strtod(copy, NULL);
  g_free(copy);
  return i;
}

/* Points per unit for `unit` (`length` bytes), or 0 for an unknown unit. */
double dp_unit_factor(const char *unit, size_t length) {
  static const struct {
    const char *name;
    double factor;
  } units[] = {{"pt", 1.0},
               {"mm", DP_PT_PER_MM},
               {"cm", 10.0 * DP_PT_PER_MM},
               {"in", DP_PT_PER_INCH}};
  for (size_t i = 0; i < G_N_ELEMENTS(units); i++)
    if (strlen(units[i].name) == length &&
        strncmp(units[i].name, unit, length) == 0)
      return units[i].factor;
  return 0.0;
}

size_t dp_scan_letters(const char *s) {
  size_t n = 0;
  while (g_ascii_isalpha(s[n])) n++;
  return n;
}

dp_length_problem dp_length_read(const char *text, double *points,
                                 char **unit_out) {
  const char *p = text;
  while (g_ascii_isspace(*p)) p++;
  double sign = 1.0;
  if (*p == '-' || *p == '+') {
    if (*p == '-') sign = -1.0;
    p++;
  }
  double number;
  size_t n = dp_scan_number(p, &number);
  if (n == 0) return DP_LENGTH_NOT_A_NUMBER;
  p += n;
  while (*p == ' ') p++;
  size_t letters = dp_scan_letters(p);
  const char *rest = p + letters;
  while (g_ascii_isspace(*rest)) rest++;
  if (*rest) return DP_LENGTH_NOT_A_NUMBER;
  double factor;
  if (letters == 0) {
    if (number != 0.0) return DP_LENGTH_NO_UNIT;
    factor = 1.0;
  } else {
    factor = dp_unit_factor(p, letters);
    if (factor == 0.0) {
      if (unit_out) *unit_out = g_strndup(p, letters);
      return DP_LENGTH_UNKNOWN_UNIT;
    }
  }
  double value = sign * number * factor;
  if (!isfinite(value) || fabs(value) > DP_MAX_LENGTH_POINTS)
    return DP_LENGTH_TOO_LARGE;
  *points = value == 0.0 ? 0.0 : value; /* no -0 */
  return DP_LENGTH_OK;
}

bool dp_length_parse(const char *text, double *points) {
  double value;
  if (!text || dp_length_read(text, &value, NULL) != DP_LENGTH_OK) return false;
  *points = value;
  return true;
}
