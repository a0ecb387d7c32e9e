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

/* The name outputs are given: the document file's base name without its
 * extension ("seed" for samples/seed.yaml).  Owned by `doc`. */
const char *dp_document_get_stem(const dp_document *doc);

/* ---- Layouts -------------------------------------------------------- */

/* A layout: what a product looks like (layouts/ and docs/layouts.md). */
typedef struct dp_layout dp_layout;

/* Names of the built-in layouts, NULL-terminated: poster, booklet,
 * booklet-print.  Owned by disputas. */
const char *const *dp_layout_get_builtin_names(void);

/* (transfer full) Reads a layout: a built-in name, or a path to a layout
 * file.  NULL after reporting every problem found. */
dp_layout *dp_layout_load(dp_context *ctx, const char *name_or_path);

/* (transfer full) The same from memory; `name` stands for the file in
 * diagnostics. */
dp_layout *dp_layout_load_data(dp_context *ctx, const char *name,
                               const char *data, size_t length);

void dp_layout_free(dp_layout *layout);

/* Owned by `layout`. */
const char *dp_layout_get_name(const dp_layout *layout);
const char *dp_layout_get_description(const dp_layout *layout);
/* Trim size of a page, in points. */
void dp_layout_get_page_size(const dp_layout *layout, double *width,
                             double *height);
/* Pages must be a multiple of this (4 for booklets), and at most max
 * (0: no limit of the layout's own). */
int dp_layout_get_pages_multiple(const dp_layout *layout);
/* Whether the layout imposes its pages on sheets (saddle stitch): a sheet
 * is then two pages wide. */
bool dp_layout_is_imposed(const dp_layout *layout);
int dp_layout_get_pages_max(const dp_layout *layout);

/* ---- Rendering ------------------------------------------------------ */

typedef enum dp_output_format {
  DP_OUTPUT_PDF,
  DP_OUTPUT_PNG,
  DP_OUTPUT_SVG
} dp_output_format;

typedef enum dp_impose_mode {
  DP_IMPOSE_AS_LAYOUT,   /* what the layout says */
  DP_IMPOSE_OFF,         /* pages in reading order */
  DP_IMPOSE_SADDLE       /* two-up on sheets, saddle-stitch order */
} dp_impose_mode;

typedef enum dp_status {
  DP_STATUS_OK = 0,
  DP_STATUS_INVALID = 1,  /* the document or layout is invalid, or its
                             content cannot be laid out */
  DP_STATUS_WRITE = 3     /* an output could not be written */
} dp_status;

typedef struct dp_render_options dp_render_options;

/* (transfer full) PDF, the layout's imposition, 150 dpi for PNG. */
dp_render_options *dp_render_options_new(void);
void dp_render_options_free(dp_render_options *options);
void dp_render_options_set_format(dp_render_options *options,
                                  dp_output_format format);
void dp_render_options_set_impose(dp_render_options *options,
                                  dp_impose_mode mode);
void dp_render_options_set_dpi(dp_render_options *options, double dpi);

/* Receives output bytes; returns false on a write error. */
typedef bool (*dp_write_func)(void *user_data, const unsigned char *data,
                              size_t length);

/* Lays out `doc` in `layout` and checks that it fits, writing nothing. */
dp_status dp_check(dp_context *ctx, const dp_document *doc,
                   const dp_layout *layout);

/* Renders to `path`, atomically: into a temporary file in the same folder,
 * renamed into place only when complete, so a failure leaves no file and
 * never changes an existing one.  PNG and SVG make one file per page,
 * numbered before the extension: `out.png` gives out-1.png, out-2.png. */
dp_status dp_render_to_file(dp_context *ctx, const dp_document *doc,
                            const dp_layout *layout,
                            const dp_render_options *options,
                            const char *path);

/* Renders to a callback.  PNG and SVG pages follow one another. */
dp_status dp_render_to_callback(dp_context *ctx, const dp_document *doc,
                                const dp_layout *layout,
                                const dp_render_options *options,
                                dp_write_func write, void *user_data);

/* (transfer full) Renders into memory; free `*data` with free(). */
dp_status dp_render_to_memory(dp_context *ctx, const dp_document *doc,
                              const dp_layout *layout,
                              const dp_render_options *options,
                              unsigned char **data, size_t *length);

#ifdef __cplusplus
}
#endif

#endif
