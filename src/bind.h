/* bind: the typed-key binding of YAML maps, for the layout binder.
 *
 * A dp_binder holds back every problem it is told of and reports them at
 * the end in file order (whole-file problems first, then by line and
 * column), so a layout's problems read top to bottom however the binder
 * walked it.  The readers below each check one key's value (text, true or
 * false, a whole number, a number, a length, one of a list of names) and
 * report, at the value's mark, what was expected and what was found.
 * Marks inside a scalar's text (the character an expression went wrong
 * at) are found from the source at the scalar's mark, which knows about
 * quotes and block scalars.
 */
#ifndef DP_BIND_H
#define DP_BIND_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "yaml-tree.h"

typedef struct dp_binder {
  dp_diag *diag;
  GArray *reports;            /* held back until dp_bind_flush() */
  const char *file;           /* interned */
  const char *text;           /* the source, to tell quoted scalars */
  size_t length;
} dp_binder;

/* Reading `text` (`length` bytes) of `file` (interned by `diag`). */
void dp_binder_init(dp_binder *b, dp_diag *diag, const char *file,
                    const char *text, size_t length);
/* Frees what the binder holds (call dp_bind_flush() first). */
void dp_binder_clear(dp_binder *b);

/* Holds back a problem; takes `message` (g_free). */
void dp_bind_report(dp_binder *b, dp_severity severity, dp_mark mark,
                    char *message);
void dp_bind_error(dp_binder *b, dp_mark mark, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
/* Reports what was held back, in file order. */
void dp_bind_flush(dp_binder *b);

/* The mark of the first character of a scalar's text (after a quote, or on
 * the line after a block scalar's `|` or `>`), and of byte `offset` of it. */
dp_mark dp_bind_content_mark(const dp_binder *b, const dp_ynode *node);
dp_mark dp_bind_offset_mark(const dp_binder *b, const dp_ynode *node,
                            size_t offset);

/* Messages.  (transfer full) " (did you mean 'x'?)" or "". */
char *dp_bind_hint(const char *word, const char *const *candidates);
/* (transfer full) "a, b or c". */
char *dp_bind_alternatives(const char *const *names);
bool dp_bind_in_list(const char *word, const char *const *names);
/* (transfer full) "a list", "a map", "nothing" or "'text'". */
char *dp_bind_describe(const dp_ynode *node);
/* Reports every key of `map` not in `known`, with a suggestion. */
void dp_bind_check_keys(dp_binder *b, const dp_ynode *map,
                        const char *const *known, const char *where);
bool dp_bind_expect_map(dp_binder *b, const dp_ynode *node, const char *what);
/* "'KEY' must be EXPECTED, not WHAT WAS THERE". */
void dp_bind_wrong(dp_binder *b, const dp_ynode *node, const char *key,
                   const char *expected);

/* Readers of one key's value: each reports and fails on anything else. */
const char *dp_bind_text(dp_binder *b, const dp_ynode *node, const char *key);
bool dp_bind_bool(dp_binder *b, const dp_ynode *node, const char *key,
                  bool *out);
bool dp_bind_int(dp_binder *b, const dp_ynode *node, const char *key, int min,
                 int max, int *out);
/* A plain number ("1.4") in [min, max], or (min, max] when `min_open`. */
bool dp_bind_number(dp_binder *b, const dp_ynode *node, const char *key,
                    double min, bool min_open, double max, double *out);
/* A length (length.h); `negative` allows a negative one. */
bool dp_bind_length(dp_binder *b, const dp_ynode *node, const char *key,
                    bool negative, double *out);
/* One of `names` (NULL-terminated), mapped to `values`; `shown` (or
 * `names`) lists them in the message; `fold` ignores ASCII case. */
bool dp_bind_choice(dp_binder *b, const dp_ynode *node, const char *key,
                    const char *const *names, const int *values,
                    const char *const *shown, bool fold, int *out);

/* Names: "#rrggbb"; a name EDGE(NAME) can refer to (letters, digits, '-',
 * '_'); a dotted field path ("thesis.title", "events", "."). */
bool dp_is_hex_colour(const char *s);
bool dp_is_identifier(const char *s);
bool dp_is_field_path(const char *s);

#endif
