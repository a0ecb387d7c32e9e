/* yaml-hint: libyaml's syntax errors told as the mistake a person made.
 *
 * libyaml says what its scanner met ("mapping values are not allowed in
 * this context"); the person who wrote the file needs what to change.
 * dp_yaml_explain() looks at the text around the error for the mistakes
 * people make — a tab, an unquoted ': ' in a value, text after a closing
 * quote, a quote that is never closed, a backslash in double quotes, a key
 * indented to no level above it — and returns a one-line explanation with
 * the fix, and the place it belongs to (which is not always libyaml's: an
 * unclosed quote is reported where it opens, not where the file ends).
 *
 * Nothing here parses YAML: it reads lines of text, and only after libyaml
 * has failed, so a wrong guess can only make a message less helpful, never
 * accept or refuse a file.
 */
#ifndef DP_YAML_HINT_H
#define DP_YAML_HINT_H

#include <stdbool.h>
#include <stddef.h>

/* A libyaml error: its words and 0-based marks, as yaml_parser_t holds
 * them (`context` may be NULL). */
typedef struct dp_yaml_error {
  const char *problem;
  const char *context;
  size_t problem_line, problem_column;
  size_t context_line, context_column;
} dp_yaml_error;

/* (transfer full) An explanation of `error` in `text` with the fix, and in
 * *line and *column (1-based) the place it is about; NULL when the error is
 * none of the mistakes recognised (the caller says libyaml's words). */
char *dp_yaml_explain(const char *text, size_t length,
                      const dp_yaml_error *error, int *line, int *column);

/* The byte offset in `text` of 0-based `line` and character `column` as
 * libyaml counts them (a UTF-8 byte-order mark is not counted), or
 * (size_t)-1 when the text has no such place.  `hint` is a known
 * (line, offset) pair at or before `line`, moved to `line`'s start so a
 * caller going forward through the file stays linear; it may be NULL. */
typedef struct dp_yaml_cursor {
  size_t line;
  size_t offset;
} dp_yaml_cursor;
size_t dp_yaml_offset(const char *text, size_t length, size_t line,
                      size_t column, dp_yaml_cursor *hint);

#endif
