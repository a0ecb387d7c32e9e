/* disputas: typesetting doctoral defence announcements.
 *
 * The public C API.  Types are opaque; every object returned by a `_new` or
 * `_load` function is owned by the caller and released by the matching
 * `_free`, and every `_free` accepts NULL.  Functions never call exit().
 *
 * Diagnostics (problems in a document or layout) are delivered as records
 * to a callback and, unless turned off, printed to stderr compiler style:
 *
 *     announcement.yaml:12:5: error: unknown key 'comittee' in announcement
 *     (did you mean 'committee'?)
 */
#ifndef DISPUTAS_H
#define DISPUTAS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DP_VERSION_STRING "0.1.0"

typedef enum dp_severity {
  DP_SEVERITY_NOTE,
  DP_SEVERITY_WARNING,
  DP_SEVERITY_ERROR
} dp_severity;

/* One problem.  All strings are owned by disputas and valid only during the
 * callback.  `line` and `column` are 1-based; 0 means unknown. */
typedef struct dp_diagnostic {
  dp_severity severity;
  const char *file;
  int line;
  int column;
  const char *message;
} dp_diagnostic;

typedef void (*dp_diagnostic_func)(const dp_diagnostic *diagnostic,
                                   void *user_data);

/* A context holds what is shared between documents of one thread: the
 * diagnostics sink, and (once loaded) fonts and hyphenation dictionaries.
 * Use one context per thread; contexts in different threads are
 * independent. */
typedef struct dp_context dp_context;

/* An announcement, read and checked. */
typedef struct dp_document dp_document;

/* (transfer full) A new context whose diagnostics print to stderr. */
dp_context *dp_context_new(void);
void dp_context_free(dp_context *ctx);

/* Every diagnostic also goes to `func` (NULL to stop). */
void dp_context_set_diagnostic_func(dp_context *ctx, dp_diagnostic_func func,
                                    void *user_data);
/* Whether diagnostics are printed to stderr (default true). */
void dp_context_set_print_diagnostics(dp_context *ctx, bool print);
/* Print diagnostics as one JSON object a line instead of compiler style. */
void dp_context_set_json_diagnostics(dp_context *ctx, bool json);
/* Count warnings as errors. */
void dp_context_set_werror(dp_context *ctx, bool werror);
/* Errors reported so far in this context (warnings too with werror). */
int dp_context_get_error_count(const dp_context *ctx);

/* (transfer full) Reads and checks the announcement at `path`; NULL after
 * reporting every problem found.  Free with dp_document_free(). */
dp_document *dp_document_load_file(dp_context *ctx, const char *path);

/* (transfer full) The same from memory.  `name` stands for the file in
 * diagnostics and names outputs; relative image paths are resolved
 * against the current folder. */
dp_document *dp_document_load_data(dp_context *ctx, const char *name,
                                   const char *data, size_t length);

void dp_document_free(dp_document *doc);

#ifdef __cplusplus
}
#endif

#endif
