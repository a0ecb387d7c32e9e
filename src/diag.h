/* diag: the one sink for every user-facing message.
 *
 * Every problem disputas finds in a document or layout goes through
 * dp_diag_report() with a mark (file, 1-based line and column).  The sink
 * prints it compiler style, `FILE:LINE:COLUMN: error: MESSAGE`, followed by
 * the quoted source line and a caret when the source text is known, and
 * counts it.  A callback may take the records instead of (or as well as)
 * stderr, which is how the library API delivers them.
 *
 * Developer logs do not come here: see DISPUTAS_DEBUG in util.h.
 */
#ifndef DP_DIAG_H
#define DP_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "disputas/disputas.h"

/* A place in a source file.  `file` points at a name interned by the
 * dp_diag that read the file (or at a static string), so marks can be
 * copied freely and outlive the YAML tree they came from.  `offset` lets
 * a reader look at the source where the mark is (bind.c: after a quote,
 * a block scalar's first line); line and column are for people, and
 * dp_mark_advance() alone computes them inside a value. */
typedef struct dp_mark {
  const char *file;
  int line;    /* 1-based; 0 means "the whole file" */
  int column;  /* 1-based, in characters; 0 means "the whole line" */
  long offset; /* byte offset in the file; -1 when not known */
} dp_mark;

/* The whole of `file` (NULL: no file). */
#define DP_MARK_FILE(file) ((dp_mark){(file), 0, 0, -1})

/* The mark of byte `offset` of `text`, a value whose first character is
 * at `start` in the file: after each line break of `text` the next
 * character is on the next line at column `indent` (the indentation a
 * block scalar's lines lost, plus 1; 1 for text copied verbatim), and
 * columns count characters.  The byte offset follows `text` as the file
 * holds it (the indentation added back), where `start`'s is known. */
dp_mark dp_mark_advance(dp_mark start, const char *text, size_t offset,
                        int indent);

typedef struct dp_diag dp_diag;

/* Returns a new sink that prints to stderr.  Free with dp_diag_free(). */
dp_diag *dp_diag_new(void);
void dp_diag_free(dp_diag *diag);

/* Where records go.  `print` false silences stderr (the library default
 * when a callback is set); the callback, if any, gets every record. */
void dp_diag_set_print(dp_diag *diag, bool print);
void dp_diag_set_callback(dp_diag *diag, dp_diagnostic_func func, void *user);
void dp_diag_set_json(dp_diag *diag, bool json);
/* ANSI colours in printed text (not JSON): see disputas.h. */
void dp_diag_set_colour(dp_diag *diag, bool colour);
void dp_diag_set_werror(dp_diag *diag, bool werror);
/* While muted, reports are dropped, not even counted: what work that was
 * stopped part way (cancel.h) would say of its unfinished state. */
void dp_diag_set_muted(dp_diag *diag, bool muted);

/* Remembers a file's text so reports can quote its lines.  Returns the
 * interned name to put in marks; the text is copied. */
const char *dp_diag_add_source(dp_diag *diag, const char *name,
                               const char *text, size_t length);

/* Interns a name without text (for files that could not be read). */
const char *dp_diag_intern(dp_diag *diag, const char *name);

void dp_diag_report(dp_diag *diag, dp_severity severity, dp_mark mark,
                    const char *format, ...)
    __attribute__((format(printf, 4, 5)));

#define dp_error(diag, mark, ...) \
  dp_diag_report((diag), DP_SEVERITY_ERROR, (mark), __VA_ARGS__)
#define dp_warning(diag, mark, ...) \
  dp_diag_report((diag), DP_SEVERITY_WARNING, (mark), __VA_ARGS__)

/* Holding: between dp_diag_hold() and dp_diag_release() reports are
 * counted at once but delivered (the callback, stderr) only on release,
 * in order.  Code that reports while holding a lock holds the sink, so
 * that no callback runs under the lock: a callback may call into
 * disputas (on another context), which may need the lock.  Holds nest;
 * the outermost release delivers. */
void dp_diag_hold(dp_diag *diag);
void dp_diag_release(dp_diag *diag);

/* Errors so far, counting warnings when --werror is set. */
int dp_diag_get_error_count(const dp_diag *diag);
int dp_diag_get_warning_count(const dp_diag *diag);

/* The closest of `candidates` (NULL-terminated) to `word` by edit distance,
 * or NULL when none is close enough to suggest.  For "did you mean". */
const char *dp_diag_suggest(const char *word, const char *const *candidates);

#endif
