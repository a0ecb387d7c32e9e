/* disputas.c: the public API (include/disputas/disputas.h), a thin layer
 * over the modules.  Nothing here exits the process.
 *
 * Every exported function is declared DP_PUBLIC in the header; the rest of
 * the library is built with hidden visibility (src/meson.build), so this
 * file is the ABI.  Every argument is checked (DP_ARG): one a function
 * cannot take is reported to the context, when there is one, and the
 * function returns its failure value (DP_STATUS_ARGUMENT for a status);
 * nothing is printed unless the context prints its diagnostics, and no
 * GLib critical is raised (a service's log is its own). */
#include "disputas/disputas.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic-file.h"
#include "calendar.h"
#include "cancel.h"
#include "compose.h"
#include "confine.h"
#include "context.h"
#include "document.h"
#include "fontlock.h"
#include "layout.h"
#include "paths.h"
#include "plugin.h"
#include "preflight.h"
#include "press-profile.h"
#include "render.h"
#include "label-tables.h"
#include "template.h"
#include "trace.h"

/* An argument error of `func`, reported to `ctx` (may be NULL: then only
 * the result tells). */
static void argument_error(const dp_context *ctx, const char *func,
                           const char *condition) {
  if (!ctx) return;
  size_t n = strlen(condition);
  if (n > 8 && strcmp(condition + n - 8, " != NULL") == 0)
    dp_error(ctx->diag, DP_MARK_FILE(NULL), "%s: '%.*s' is NULL", func,
             (int)(n - 8), condition);
  else
    dp_error(ctx->diag, DP_MARK_FILE(NULL), "%s: invalid argument (not %s)",
             func, condition);
}

#define DP_ARG(ctx, condition, value)                          \
  do {                                                         \
    if (G_UNLIKELY(!(condition))) {                            \
      argument_error((ctx), G_STRFUNC, #condition);            \
      return (value);                                          \
    }                                                          \
  } while (0)

#define DP_ARG_VOID(ctx, condition)                            \
  do {                                                         \
    if (G_UNLIKELY(!(condition))) {                            \
      argument_error((ctx), G_STRFUNC, #condition);            \
      return;                                                  \
    }                                                          \
  } while (0)

struct dp_layout {
  dp_layout_model *model;
  unsigned long long serial; /* as dp_document_get_serial() */
};

/* Serials of the layouts loaded so far. */
static gssize last_layout_serial;

struct dp_render_options {
  dp_output_format format;
  dp_impose_mode impose;
  double dpi;
  bool marks;     /* or the layout's */
  bool press;     /* or the layout's */
  bool pdfa;      /* or the layout's */
  bool preflight; /* or the layout's */
  char invalid[64]; /* the first invalid setting ("format 42"), or "" */
  dp_press_profile *press_profile; /* or the layout's, or the build's */
  char *press_problem; /* why the press profile named cannot be used */
};

const char *dp_get_version(void) { return DP_VERSION_STRING; }

int dp_get_version_number(void) { return DP_VERSION_NUMBER; }

void dp_free(void *data) { free(data); }

/* ---- Contexts ------------------------------------------------------- */

dp_context *dp_context_new(void) {
  dp_context *ctx = g_new0(dp_context, 1);
  ctx->diag = dp_diag_new();
  /* A library prints nothing unless asked (the command line asks). */
  dp_diag_set_print(ctx->diag, false);
  ctx->settings.cancel = dp_cancel_new();
  return ctx;
}

static void kept_clear(dp_kept_pageset *k);

void dp_context_free(dp_context *ctx) {
  if (!ctx) return;
  for (int i = 0; i < DP_KEPT_PAGESETS; i++) kept_clear(&ctx->kept[i]);
  if (ctx->fonts_checked) g_hash_table_destroy(ctx->fonts_checked);
  dp_fonts_lock(); /* the font maps go: fontlock.h */
  dp_text_free(ctx->text);
  dp_fonts_unlock();
  dp_diag_free(ctx->diag);
  g_free(ctx->settings.root);
  g_free(ctx->settings.data_dir);
  g_free(ctx->settings.labels_dir);
  g_free(ctx->settings.hyphen_dir);
  g_free(ctx->settings.cache_dir);
  g_free(ctx->settings.font_config);
  g_strfreev(ctx->settings.font_dirs);
  dp_house_unref(ctx->settings.house);
  dp_cancel_free(ctx->settings.cancel);
  g_free(ctx);
  dp_plugin_settle();
}

void dp_context_expect(dp_context *ctx, unsigned what) {
  DP_ARG_VOID(ctx, ctx != NULL);
  if (what & DP_EXPECT_PDF) dp_plugin_prefetch("qpdf");
  if (what & DP_EXPECT_CALENDAR) dp_plugin_prefetch("ical");
}

void dp_program_init(void) {
  /* A configuration of the user's, by file or by folder, stays. */
  if (g_getenv("FONTCONFIG_FILE") || g_getenv("FONTCONFIG_PATH")) return;
  char *dir = dp_paths_build("fonts", NULL);
  char *file = g_build_filename(dir, "default.conf", NULL);
  /* Only when the file is there: else the system's configuration stays. */
  if (g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
    g_setenv("FONTCONFIG_PATH", dir, TRUE);
    g_setenv("FONTCONFIG_FILE", file, TRUE);
  }
  g_free(file);
  g_free(dir);
}

void dp_context_set_diagnostic_func(dp_context *ctx, dp_diagnostic_func func,
                                    void *user_data) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_diag_set_callback(ctx->diag, func, user_data);
}

void dp_context_set_print_diagnostics(dp_context *ctx, bool print) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_diag_set_print(ctx->diag, print);
}

void dp_context_set_json_diagnostics(dp_context *ctx, bool json) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_diag_set_json(ctx->diag, json);
}

void dp_context_set_colour_diagnostics(dp_context *ctx, bool colour) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_diag_set_colour(ctx->diag, colour);
}


void dp_context_set_werror(dp_context *ctx, bool werror) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_diag_set_werror(ctx->diag, werror);
  /* A kept page set passed without werror might not with it. */
  for (int i = 0; i < DP_KEPT_PAGESETS; i++) kept_clear(&ctx->kept[i]);
}

dp_status dp_context_set_root(dp_context *ctx, const char *dir) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  char *root = NULL;
  if (dir && !(root = dp_confine_canonical_dir(dir))) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "cannot use '%s' as the root folder: %s", dir, g_strerror(errno));
    return DP_STATUS_INVALID;
  }
  g_free(ctx->settings.root);
  ctx->settings.root = root;
  return DP_STATUS_OK;
}

G_STATIC_ASSERT((int)DP_LIMIT_PAGES == (int)DP_SETTINGS_PAGES);
G_STATIC_ASSERT((int)DP_LIMIT_ITEMS == (int)DP_SETTINGS_ITEMS);
G_STATIC_ASSERT((int)DP_LIMIT_PARAGRAPHS == (int)DP_SETTINGS_PARAGRAPHS);
G_STATIC_ASSERT((int)DP_LIMIT_IMAGE_PIXELS == (int)DP_SETTINGS_IMAGE_PIXELS);
G_STATIC_ASSERT((int)DP_LIMIT_IMAGE_MEMORY == (int)DP_SETTINGS_IMAGE_MEMORY);
G_STATIC_ASSERT((int)DP_LIMIT_OUTPUT_PIXELS == (int)DP_SETTINGS_OUTPUT_PIXELS);
G_STATIC_ASSERT((int)DP_LIMIT_MILLISECONDS == (int)DP_SETTINGS_MILLISECONDS);

static bool limit_valid(dp_context *ctx, dp_limit limit) {
  if ((int)limit >= 0 && (int)limit < DP_SETTINGS_LIMITS) return true;
  dp_error(ctx->diag, DP_MARK_FILE(NULL), "there is no limit %d",
           (int)limit);
  return false;
}

dp_status dp_context_set_limit(dp_context *ctx, dp_limit limit,
                               int64_t value) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  if (!limit_valid(ctx, limit)) return DP_STATUS_ARGUMENT;
  long long most = dp_settings_limit_default((dp_settings_limit_id)limit);
  if (value < 0 || value > most) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "limit %d must be from 1 to %lld (or 0 for that), not %lld",
             (int)limit, most, (long long)value);
    return DP_STATUS_ARGUMENT;
  }
  ctx->settings.limits[limit] = value;
  /* Page sets kept under other limits may not be within these. */
  for (int i = 0; i < DP_KEPT_PAGESETS; i++) kept_clear(&ctx->kept[i]);
  return DP_STATUS_OK;
}

int64_t dp_context_get_limit(const dp_context *ctx, dp_limit limit) {
  DP_ARG(ctx, ctx != NULL, 0);
  if ((int)limit < 0 || (int)limit >= DP_SETTINGS_LIMITS) return 0;
  return dp_settings_limit(&ctx->settings, (dp_settings_limit_id)limit);
}

/* Settings the fonts and dictionaries were made with changed: they are
 * made again on the next composition, and page sets made with the old
 * ones go. */
static void drop_text(dp_context *ctx) {
  for (int i = 0; i < DP_KEPT_PAGESETS; i++) kept_clear(&ctx->kept[i]);
  if (ctx->fonts_checked) g_hash_table_remove_all(ctx->fonts_checked);
  dp_fonts_lock(); /* the font maps go: fontlock.h */
  dp_text_free(ctx->text);
  ctx->text = NULL;
  dp_fonts_unlock();
}

dp_status dp_context_set_folder(dp_context *ctx, dp_folder folder,
                                const char *dir) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  char **slot = folder == DP_FOLDER_DATA          ? &ctx->settings.data_dir
                : folder == DP_FOLDER_LABELS      ? &ctx->settings.labels_dir
                : folder == DP_FOLDER_HYPHENATION ? &ctx->settings.hyphen_dir
                : folder == DP_FOLDER_CACHE       ? &ctx->settings.cache_dir
                                                  : NULL;
  if (!slot && folder != DP_FOLDER_FONTS) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL), "there is no folder %d",
             (int)folder);
    return DP_STATUS_ARGUMENT;
  }
  /* Absolute, so that a later change of the current folder changes
   * nothing; the cache folder is made when first written. */
  char *canonical = NULL;
  if (dir && folder == DP_FOLDER_CACHE) {
    canonical = g_canonicalize_filename(dir, NULL);
  } else if (dir && !(canonical = dp_confine_canonical_dir(dir))) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "cannot use '%s' as a folder: %s", dir, g_strerror(errno));
    return DP_STATUS_INVALID;
  }
  if (folder == DP_FOLDER_FONTS) {
    GStrvBuilder *b = g_strv_builder_new();
    if (canonical) {
      if (ctx->settings.font_dirs)
        g_strv_builder_addv(b, (const char **)ctx->settings.font_dirs);
      g_strv_builder_add(b, canonical);
    }
    g_strfreev(ctx->settings.font_dirs);
    ctx->settings.font_dirs = g_strv_builder_end(b);
    g_strv_builder_unref(b);
    g_free(canonical);
  } else {
    g_free(*slot);
    *slot = canonical;
  }
  drop_text(ctx);
  return DP_STATUS_OK;
}

dp_status dp_context_set_font_config(dp_context *ctx, const char *file) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  char *canonical = NULL;
  if (file && !(canonical = realpath(file, NULL))) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "cannot use '%s' as the font configuration: %s", file,
             g_strerror(errno));
    return DP_STATUS_INVALID;
  }
  g_free(ctx->settings.font_config);
  ctx->settings.font_config = canonical ? g_strdup(canonical) : NULL;
  free(canonical);
  drop_text(ctx);
  return DP_STATUS_OK;
}

/* The latest date a PDF's D: string and an iCalendar DTSTAMP hold. */
#define LATEST_DATE 253402300799LL /* 9999-12-31T23:59:59Z */

dp_status dp_context_set_creation_date(dp_context *ctx, int64_t seconds) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  if (seconds > LATEST_DATE || seconds < -1) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "the creation date must be from 1970 to 9999 (0 to %lld "
             "seconds), or -1 for none, not %lld", LATEST_DATE,
             (long long)seconds);
    return DP_STATUS_ARGUMENT;
  }
  ctx->settings.date_set = seconds >= 0;
  ctx->settings.date = seconds >= 0 ? seconds : 0;
  return DP_STATUS_OK;
}

dp_status dp_context_set_house(dp_context *ctx, const char *path) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  dp_house *house = NULL;
  if (path && !(house = dp_house_load(ctx->diag, &ctx->settings, path)))
    return DP_STATUS_INVALID;
  dp_house_unref(ctx->settings.house);
  ctx->settings.house = house;
  return DP_STATUS_OK;
}

void dp_context_cancel(dp_context *ctx) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_cancel_request(ctx->settings.cancel);
}

void dp_context_reset_cancel(dp_context *ctx) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_cancel_reset(ctx->settings.cancel);
}

void dp_context_set_deadline(dp_context *ctx, int64_t deadline) {
  DP_ARG_VOID(ctx, ctx != NULL);
  dp_cancel_set_deadline(ctx->settings.cancel, deadline);
}

/* A call that may take long starts: its time limit begins, and a cancel
 * requested before it already counts.  DP_STATUS_OK, or the status it
 * stops with (reported). */
static dp_status call_begin(dp_context *ctx);

/* The status of a call that failed: cancelled or out of time (reported
 * here, once: the modules stopped silently), else `otherwise`. */
static dp_status failure(dp_context *ctx, dp_status otherwise) {
  dp_cancel *c = ctx->settings.cancel;
  const dp_mark nowhere = DP_MARK_FILE(NULL);
  switch (dp_cancel_get_reason(c)) {
    case DP_CANCEL_NONE: return otherwise;
    case DP_CANCEL_REQUESTED:
      dp_error(ctx->diag, nowhere, "cancelled (dp_context_cancel)");
      return DP_STATUS_CANCELLED;
    case DP_CANCEL_DEADLINE:
      dp_error(ctx->diag, nowhere, "stopped at the context's deadline "
               "(dp_context_set_deadline)");
      return DP_STATUS_TIMED_OUT;
    case DP_CANCEL_TIME_LIMIT:
      dp_error(ctx->diag, nowhere, "took longer than the %lld ms a call "
               "may take (the time limit)", dp_cancel_get_limit(c));
      return DP_STATUS_TIMED_OUT;
  }
  return otherwise;
}

static dp_status call_begin(dp_context *ctx) {
  dp_cancel *c = ctx->settings.cancel;
  dp_cancel_begin(c, dp_settings_limit(&ctx->settings,
                                       DP_SETTINGS_MILLISECONDS));
  return dp_cancel_stop(c) ? failure(ctx, DP_STATUS_CANCELLED)
                           : DP_STATUS_OK;
}

int dp_context_get_error_count(const dp_context *ctx) {
  DP_ARG(ctx, ctx != NULL, 0);
  return dp_diag_get_error_count(ctx->diag);
}

int dp_context_get_warning_count(const dp_context *ctx) {
  DP_ARG(ctx, ctx != NULL, 0);
  return dp_diag_get_warning_count(ctx->diag);
}

/* ---- Documents ------------------------------------------------------ */

/* The name of a buffer loaded without one. */
#define MEMORY_NAME "<memory>"

/* A loader's result stands only if the call reported no error of its own
 * (counting warnings under werror): the binders return what they could
 * bind when only warnings were found. */
static bool reported_errors_since(const dp_context *ctx, int before) {
  return dp_diag_get_error_count(ctx->diag) > before;
}

/* The checks of a read document that need the layers above the binder:
 * its label overrides' date patterns and templates. */
static void check_document(dp_context *ctx, const dp_document *doc) {
  const dp_value *root = dp_document_get_root(doc);
  dp_labels_check_overrides(ctx->diag, dp_value_get(root, "labels"));
}

/* `doc` as a loader returns it: NULL when the load reported an error or
 * was stopped (an image left undecoded is no image: cancel.h). */
static dp_document *loaded(dp_context *ctx, dp_document *doc, int before) {
  if (dp_cancel_get_reason(ctx->settings.cancel) != DP_CANCEL_NONE) {
    failure(ctx, DP_STATUS_CANCELLED);
    dp_document_free(doc);
    return NULL;
  }
  if (doc && reported_errors_since(ctx, before)) {
    dp_document_free(doc);
    doc = NULL;
  }
  return doc;
}

dp_document *dp_document_load_file(dp_context *ctx, const char *path) {
  DP_ARG(ctx, ctx != NULL, NULL);
  DP_ARG(ctx, path != NULL, NULL);
  if (call_begin(ctx) != DP_STATUS_OK) return NULL;
  int before = dp_diag_get_error_count(ctx->diag);
  dp_document *doc = dp_document_read(ctx->diag, &ctx->settings, path);
  if (doc) check_document(ctx, doc);
  return loaded(ctx, doc, before);
}

dp_document *dp_document_load_data_with_base(dp_context *ctx,
                                             const char *name,
                                             const char *data, size_t length,
                                             const char *base_dir) {
  DP_ARG(ctx, ctx != NULL, NULL);
  DP_ARG(ctx, data != NULL || length == 0, NULL);
  if (call_begin(ctx) != DP_STATUS_OK) return NULL;
  int before = dp_diag_get_error_count(ctx->diag);
  dp_document *doc = dp_document_read_data(ctx->diag, &ctx->settings,
                                           name ? name : MEMORY_NAME,
                                           data ? data : "", length,
                                           base_dir);
  if (doc) check_document(ctx, doc);
  return loaded(ctx, doc, before);
}

dp_document *dp_document_load_data(dp_context *ctx, const char *name,
                                   const char *data, size_t length) {
  return dp_document_load_data_with_base(ctx, name, data, length, NULL);
}

const char *dp_document_get_language(const dp_document *doc) {
  DP_ARG(NULL, doc != NULL, NULL);
  return dp_document_get_lang(doc);
}

const char *dp_document_get_title(const dp_document *doc) {
  DP_ARG(NULL, doc != NULL, NULL);
  return dp_document_get_title_text(doc);
}

const char *dp_document_get_candidate(const dp_document *doc) {
  DP_ARG(NULL, doc != NULL, NULL);
  return dp_document_get_candidate_text(doc);
}

const char *dp_document_get_timezone(const dp_document *doc) {
  DP_ARG(NULL, doc != NULL, NULL);
  const dp_value *zone = dp_value_get(dp_document_get_root(doc), "timezone");
  return zone ? zone->text : NULL;
}

int dp_document_get_event_count(const dp_document *doc) {
  DP_ARG(NULL, doc != NULL, 0);
  const dp_value *events = dp_value_get(dp_document_get_root(doc), "events");
  return events && events->kind == DP_VALUE_LIST ? (int)events->count : 0;
}

bool dp_document_get_event(const dp_document *doc, int index,
                           const char **kind, const char **start,
                           const char **end) {
  DP_ARG(NULL, doc != NULL, false);
  const dp_value *events = dp_value_get(dp_document_get_root(doc), "events");
  if (!events || events->kind != DP_VALUE_LIST || index < 0 ||
      (size_t)index >= events->count)
    return false;
  const dp_value *event = events->items[index];
  const dp_value *k = dp_value_get(event, "kind");
  const dp_value *s = dp_value_get(event, "start");
  const dp_value *e = dp_value_get(event, "end");
  if (kind) *kind = k ? k->text : NULL;
  if (start) *start = s ? s->text : NULL;
  if (end) *end = e ? e->text : NULL;
  return true;
}

/* ---- Layouts -------------------------------------------------------- */

const char *const *dp_layout_get_builtin_names(void) {
  return dp_builtin_layouts;
}

static dp_layout *wrap_layout(dp_context *ctx, dp_layout_model *model) {
  /* Stopped part way: an image left undecoded (cancel.h). */
  if (dp_cancel_get_reason(ctx->settings.cancel) != DP_CANCEL_NONE) {
    failure(ctx, DP_STATUS_CANCELLED);
    dp_layout_model_free(model);
    return NULL;
  }
  if (!model) return NULL;
  dp_layout *layout = g_new0(dp_layout, 1);
  layout->model = model;
  layout->serial =
      (unsigned long long)g_atomic_pointer_add(&last_layout_serial, 1) + 1;
  return layout;
}

dp_layout *dp_layout_load(dp_context *ctx, const char *name_or_path) {
  DP_ARG(ctx, ctx != NULL, NULL);
  DP_ARG(ctx, name_or_path != NULL, NULL);
  if (call_begin(ctx) != DP_STATUS_OK) return NULL;
  return wrap_layout(ctx, dp_layout_model_load(ctx->diag, &ctx->settings, name_or_path));
}

dp_layout *dp_layout_load_data(dp_context *ctx, const char *name,
                               const char *data, size_t length) {
  DP_ARG(ctx, ctx != NULL, NULL);
  DP_ARG(ctx, data != NULL || length == 0, NULL);
  if (call_begin(ctx) != DP_STATUS_OK) return NULL;
  return wrap_layout(ctx, dp_layout_model_load_data(
      ctx->diag, &ctx->settings, name ? name : MEMORY_NAME, data ? data : "", length));
}

void dp_layout_free(dp_layout *layout) {
  if (!layout) return;
  dp_layout_model_free(layout->model);
  g_free(layout);
}

const char *dp_layout_get_name(const dp_layout *layout) {
  DP_ARG(NULL, layout != NULL, NULL);
  return layout->model->name;
}

const char *const *dp_layout_get_files(const dp_layout *layout) {
  DP_ARG(NULL, layout != NULL, NULL);
  return (const char *const *)layout->model->files;
}

const char *dp_layout_get_description(const dp_layout *layout) {
  DP_ARG(NULL, layout != NULL, NULL);
  return layout->model->description;
}

void dp_layout_get_page_size(const dp_layout *layout, double *width,
                             double *height) {
  DP_ARG_VOID(NULL, layout != NULL);
  if (width) *width = layout->model->page_width;
  if (height) *height = layout->model->page_height;
}

int dp_layout_get_pages_multiple(const dp_layout *layout) {
  DP_ARG(NULL, layout != NULL, 1);
  return layout->model->pages_multiple;
}

bool dp_layout_is_imposed(const dp_layout *layout) {
  DP_ARG(NULL, layout != NULL, false);
  return layout->model->impose == DP_IMPOSE_SADDLE_STITCH;
}

int dp_layout_get_pages_max(const dp_layout *layout) {
  DP_ARG(NULL, layout != NULL, 0);
  return layout->model->pages_max;
}

/* ---- Rendering ------------------------------------------------------ */

dp_render_options *dp_render_options_new(void) {
  dp_render_options *options = g_new0(dp_render_options, 1);
  options->dpi = 150;
  return options;
}

void dp_render_options_free(dp_render_options *options) {
  if (!options) return;
  dp_press_profile_free(options->press_profile);
  g_free(options->press_problem);
  g_free(options);
}

/* Keeps the first invalid setting of `options`, for the call that uses
 * them to report (DP_STATUS_ARGUMENT): setters have no context. */
static void options_invalid(dp_render_options *options, const char *what,
                            double value) {
  if (!options->invalid[0])
    g_snprintf(options->invalid, sizeof options->invalid, "%s %g", what,
               value);
}

/* A call that uses `options` begins (call_begin), after checking them. */
static dp_status begin_render(dp_context *ctx,
                              const dp_render_options *options) {
  if (options && options->invalid[0]) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "the render options' %s is not a valid value (set with "
             "dp_render_options_set_*)", options->invalid);
    return DP_STATUS_ARGUMENT;
  }
  if (options && options->press_problem) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL), "press profile %s",
             options->press_problem);
    return DP_STATUS_ARGUMENT;
  }
  return call_begin(ctx);
}

void dp_render_options_set_format(dp_render_options *options,
                                  dp_output_format format) {
  DP_ARG_VOID(NULL, options != NULL);
  if ((int)format < DP_OUTPUT_PDF || (int)format > DP_OUTPUT_TRACE) {
    options_invalid(options, "format", (double)format);
    return;
  }
  options->format = format;
}

void dp_render_options_set_impose(dp_render_options *options,
                                  dp_impose_mode mode) {
  DP_ARG_VOID(NULL, options != NULL);
  if ((int)mode < DP_IMPOSE_AS_LAYOUT || (int)mode > DP_IMPOSE_SADDLE) {
    options_invalid(options, "imposition", (double)mode);
    return;
  }
  options->impose = mode;
}

void dp_render_options_set_dpi(dp_render_options *options, double dpi) {
  DP_ARG_VOID(NULL, options != NULL);
  if (!isfinite(dpi)) {
    options_invalid(options, "resolution", dpi);
    return;
  }
  options->dpi = dpi;
}

void dp_render_options_set_marks(dp_render_options *options, bool marks) {
  DP_ARG_VOID(NULL, options != NULL);
  options->marks = marks;
}

void dp_render_options_set_press(dp_render_options *options, bool press) {
  DP_ARG_VOID(NULL, options != NULL);
  options->press = press;
}

void dp_render_options_set_pdfa(dp_render_options *options, bool pdfa) {
  DP_ARG_VOID(NULL, options != NULL);
  options->pdfa = pdfa;
}

void dp_render_options_set_press_profile(dp_render_options *options,
                                         const char *profile,
                                         const char *condition) {
  DP_ARG_VOID(NULL, options != NULL);
  dp_press_profile_free(g_steal_pointer(&options->press_profile));
  g_clear_pointer(&options->press_problem, g_free);
  if (!profile) return;
  /* A file is the caller's, relative to the current folder: options are
   * the program's, not a document's, so no root confines them. */
  bool file = dp_press_profile_is_file(profile);
  char *path = file ? g_canonicalize_filename(profile, NULL) : NULL;
  char *problem = NULL;
  if (condition && !*condition)
    problem = g_strdup("has an empty condition (NULL: its own)");
  else
    options->press_profile =
        dp_press_profile_load(profile, path, condition, &problem);
  if (problem)
    options->press_problem = g_strdup_printf("'%s' %s", profile, problem);
  g_free(problem);
  g_free(path);
}

void dp_render_options_set_preflight(dp_render_options *options,
                                     bool preflight) {
  DP_ARG_VOID(NULL, options != NULL);
  options->preflight = preflight;
}

/* The outputs' creation date: the context's, else SOURCE_DATE_EPOCH
 * when set (reproducible builds), else the document's (disputas.h). */
static long long creation_date(const dp_context *ctx, const dp_document *doc) {
  if (ctx->settings.date_set) return ctx->settings.date;
  const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
  if (epoch && *epoch) {
    char *end;
    long long value = g_ascii_strtoll(epoch, &end, 10);
    if (*end == '\0' && value >= 0) return value;
  }
  return dp_document_get_mtime(doc);
}

static bool wants_preflight(const dp_render_options *options,
                            const dp_layout *layout, const dp_document *doc) {
  const dp_house *house = dp_document_get_house(doc);
  return layout->model->preflight || (options && options->preflight) ||
         (house && house->preflight);
}

/* Press output: asked for by the options, the layout or the house, with
 * or without marks (which imply it). */
static bool wants_press(const dp_render_options *options,
                        const dp_layout *layout, const dp_document *doc) {
  const dp_house *house = dp_document_get_house(doc);
  return (options && (options->press || options->marks)) ||
         layout->model->press || layout->model->marks ||
         (house && (house->press || house->marks));
}

/* Press output's printing condition: the options', the layout's, or the
 * build's (NULL when that cannot be read: rendering reports why). */
static const dp_press_profile *press_profile_of(
    const dp_render_options *options, const dp_layout *layout) {
  if (options && options->press_profile) return options->press_profile;
  if (layout->model->press_profile) return layout->model->press_profile;
  return dp_press_profile_default(NULL);
}

/* The context's kept page set of `doc` in `layout`, or NULL.  Layouts
 * whose pages are the same (booklet and booklet-print, which only
 * imposes them) share it. */
static dp_kept_pageset *kept_find(dp_context *ctx, const dp_document *doc,
                                  const dp_layout *layout) {
  unsigned long long d = dp_document_get_serial(doc);
  for (int i = 0; i < DP_KEPT_PAGESETS; i++)
    if (ctx->kept[i].set && ctx->kept[i].doc == d &&
        strcmp(ctx->kept[i].pages_key, layout->model->compose_key) == 0)
      return &ctx->kept[i];
  return NULL;
}

/* Not under the font lock: it takes it (a page set holds Pango layouts). */
static void kept_clear(dp_kept_pageset *k) {
  if (k->set) {
    dp_fonts_lock();
    dp_pageset_free(k->set);
    dp_fonts_unlock();
  }
  g_free(k->pages_key);
  *k = (dp_kept_pageset){0, NULL, 0, 0, NULL, false, 0};
}

/* Keeps `set` (which the context then owns).  A new document's page sets
 * replace the older documents'; else the first free slot, or the first. */
static dp_kept_pageset *kept_add(dp_context *ctx, const dp_document *doc,
                                 const dp_layout *layout, dp_pageset *set) {
  unsigned long long d = dp_document_get_serial(doc);
  dp_kept_pageset *slot = NULL;
  for (int i = 0; i < DP_KEPT_PAGESETS; i++) {
    if (ctx->kept[i].set && ctx->kept[i].doc != d) kept_clear(&ctx->kept[i]);
    if (!ctx->kept[i].set && !slot) slot = &ctx->kept[i];
  }
  if (!slot) {
    slot = &ctx->kept[0];
    kept_clear(slot);
  }
  *slot = (dp_kept_pageset){d, g_strdup(layout->model->compose_key), 0, 0,
                            set, false, 0};
  return slot;
}

/* Reports `family` (written at `mark`) when no font has it, once a mark
 * (styles based on another copy its family and its mark). */
static bool family_known(dp_context *ctx, GHashTable *seen,
                         const char *family, dp_mark mark) {
  if (!family) return true;
  char *key = g_strdup_printf("%s:%d:%d", mark.file ? mark.file : "",
                              mark.line, mark.column);
  bool first = g_hash_table_add(seen, key);
  char *problem = dp_text_check_family(ctx->text, family);
  if (problem && first) dp_error(ctx->diag, mark, "%s", problem);
  g_free(problem);
  return !problem;
}

/* Makes the fonts `layout` names ready in the context's text: its font
 * folders added, and every family it names known (reported at its line
 * when not: a family is never silently replaced by another).  Under the
 * font lock. */
static bool text_ready(dp_context *ctx, const dp_document *doc,
                       const dp_layout *layout) {
  const dp_layout_model *m = layout->model;
  const dp_house *house = dp_document_get_house(doc);
  bool changed = false;
  for (size_t i = 0; i < m->font_folder_count; i++)
    changed |= dp_text_add_font_folder(ctx->text, m->font_folders[i].path);
  for (size_t i = 0; house && i < house->font_folder_count; i++)
    changed |= dp_text_add_font_folder(ctx->text, house->font_folders[i]);
  /* Paragraphs kept were set with the fonts before. */
  if (changed) {
    for (int i = 0; i < DP_KEPT_PAGESETS; i++) kept_clear(&ctx->kept[i]);
    if (ctx->fonts_checked) g_hash_table_remove_all(ctx->fonts_checked);
  }
  if (!ctx->fonts_checked)
    ctx->fonts_checked = g_hash_table_new_full(g_str_hash, g_str_equal,
                                               g_free, NULL);
  char *key = g_strdup_printf("%llu/%llu", layout->serial,
                              house ? house->serial : 0);
  if (g_hash_table_contains(ctx->fonts_checked, key)) {
    g_free(key);
    return true;
  }
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           NULL);
  bool ok = true;
  for (size_t i = 0; i < m->font_count; i++)
    ok &= family_known(ctx, seen, m->fonts[i].family, m->fonts[i].mark);
  for (size_t i = 0; house && i < house->font_count; i++)
    ok &= family_known(ctx, seen, house->fonts[i].value, house->fonts[i].mark);
  for (size_t i = 0; i < m->style_count; i++) {
    const dp_style *s = m->styles[i];
    ok &= family_known(ctx, seen, s->family, s->family_mark);
  }
  g_hash_table_destroy(seen);
  if (ok)
    g_hash_table_add(ctx->fonts_checked, key);
  else
    g_free(key);
  return ok;
}

/* (transfer none: the context keeps it) `doc` laid out in `layout`, with
 * print preflight when `options` (may be NULL) or the layout ask for it;
 * NULL when that reported an error (errors from earlier calls on the
 * context do not count: a context outlives a failed document; preflight's
 * warnings count under werror).  The page set stays in the context: a
 * check and then a render of the same document in the same layout (the
 * serials tell, never reused as pointers are) compose it once, and its
 * warnings are reported once. */
static dp_pageset *compose(dp_context *ctx, const dp_document *doc,
                           const dp_layout *layout,
                           const dp_render_options *options) {
  int before = dp_diag_get_error_count(ctx->diag);
  dp_kept_pageset *kept = kept_find(ctx, doc, layout);
  /* Laying out and preflight use fonts: under the font lock (fontlock.h),
   * with the diagnostics held back until it is released. */
  dp_diag_hold(ctx->diag);
  if (!kept) {
    dp_fonts_lock();
    if (!ctx->text) ctx->text = dp_text_new(ctx->diag, &ctx->settings);
    dp_text_prefetch(ctx->text, dp_document_get_lang(doc));
    dp_pageset *set = ctx->text && text_ready(ctx, doc, layout)
                          ? dp_compose(ctx->diag, &ctx->settings, ctx->text,
                                       doc, layout->model)
                          : NULL;
    if (set && reported_errors_since(ctx, before)) {
      dp_pageset_free(set);
      set = NULL;
    }
    dp_fonts_unlock();
    if (set) kept = kept_add(ctx, doc, layout, set);
  }
  /* Text too small to read is reported on every run; preflight's other
   * checks when asked for.  Once per page set and layout. */
  bool all = kept && wants_preflight(options, layout, doc);
  bool press = kept && wants_press(options, layout, doc);
  const dp_press_profile *profile =
      press && all ? press_profile_of(options, layout) : NULL;
  int components = profile ? profile->components : 0;
  if (kept && ((all ? kept->preflighted : kept->size_checked) !=
                   layout->serial ||
               (all && (kept->preflighted_press != press ||
                        kept->preflighted_components != components)))) {
    dp_preflight_options checks = {all, press, layout->model->pure_black,
                                   components};
    dp_fonts_lock();
    dp_preflight(ctx->diag, kept->set, layout->model, &checks);
    dp_fonts_unlock();
    kept->size_checked = layout->serial;
    if (all) kept->preflighted = layout->serial;
    if (all) kept->preflighted_press = press;
    if (all) kept->preflighted_components = components;
  }
  dp_diag_release(ctx->diag);
  if (!kept) return NULL;
  if (reported_errors_since(ctx, before)) {
    kept_clear(kept);
    return NULL;
  }
  return kept->set;
}

dp_status dp_check_with_options(dp_context *ctx, const dp_document *doc,
                                const dp_layout *layout,
                                const dp_render_options *options) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, layout != NULL, DP_STATUS_ARGUMENT);
  dp_status begun = begin_render(ctx, options);
  if (begun != DP_STATUS_OK) return begun;
  dp_pageset *set = compose(ctx, doc, layout, options);
  return set ? DP_STATUS_OK : failure(ctx, DP_STATUS_INVALID);
}

dp_status dp_check(dp_context *ctx, const dp_document *doc,
                   const dp_layout *layout) {
  return dp_check_with_options(ctx, doc, layout, NULL);
}

static dp_render_options internal_options_default;

static void internal_options(dp_context *ctx, const dp_render_options *options,
                             const dp_layout *layout, const dp_document *doc,
                             dp_render_settings *out) {
  out->diag = ctx->diag;
  out->text = ctx->text;
  out->cancel = ctx->settings.cancel;
  out->preflight = wants_preflight(options, layout, doc);
  if (!options) options = &internal_options_default;
  out->format = options->format == DP_OUTPUT_PNG     ? DP_FORMAT_PNG
                : options->format == DP_OUTPUT_SVG   ? DP_FORMAT_SVG
                : options->format == DP_OUTPUT_TRACE ? DP_FORMAT_TRACE
                                                     : DP_FORMAT_PDF;
  out->impose = options->impose == DP_IMPOSE_AS_LAYOUT ? layout->model->impose
                : options->impose == DP_IMPOSE_SADDLE  ? DP_IMPOSE_SADDLE_STITCH
                                                       : DP_IMPOSE_NONE;
  out->dpi = options->dpi > 0 ? options->dpi : 150;
  out->date = creation_date(ctx, doc);
  const dp_house *house = dp_document_get_house(doc);
  out->marks = options->marks || layout->model->marks ||
               (house && house->marks);
  out->press = wants_press(options, layout, doc);
  out->pure_black = layout->model->pure_black;
  out->press_profile = options->press_profile ? options->press_profile
                                              : layout->model->press_profile;
  out->product = layout->model->name;
  out->document = dp_document_get_name(doc);
  out->pdfa = options->pdfa || layout->model->pdfa;
  out->creep = layout->model->creep;
}

/* cairo's image surfaces are at most this many pixels a side. */
#define PNG_MAX_SIDE 32767

/* Whether the output of `set` with `settings` can be made: a PDF is not
 * both PDF/A and PDF/X (render.h), and a PNG page's pixels are within
 * the context's limits (reported when not). */
static bool output_fits(dp_context *ctx, const dp_pageset *set,
                        const dp_render_settings *settings) {
  if (settings->format == DP_FORMAT_PDF && settings->pdfa &&
      (settings->press || settings->marks)) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "PDF/A output (--pdfa, or the layout's 'pdfa: true') cannot "
             "also be press output (--press, --marks, or the layout's "
             "'press' or 'marks'): make the archive's copy without them");
    return false;
  }
  if (settings->format != DP_FORMAT_PNG) return true;
  dp_sheet_geometry g;
  dp_render_get_geometry(set, settings, &g);
  double k = settings->dpi / 72.0;
  double w = ceil(g.media_width * k), h = ceil(g.media_height * k);
  long long max = dp_settings_limit(&ctx->settings, DP_SETTINGS_OUTPUT_PIXELS);
  if (w <= PNG_MAX_SIDE && h <= PNG_MAX_SIDE && w * h <= (double)max)
    return true;
  dp_error(ctx->diag, DP_MARK_FILE(NULL),
           "a PNG page at %g dpi would be %.0f x %.0f pixels, more than %s "
           "(lower the resolution)", settings->dpi, w, h,
           w > PNG_MAX_SIDE || h > PNG_MAX_SIDE
               ? "the 32767 a side PNG output allows"
               : "the pixels a page may have");
  return false;
}

dp_status dp_count_pages(dp_context *ctx, const dp_document *doc,
                         const dp_layout *layout,
                         const dp_render_options *options, int *pages,
                         double *width, double *height) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, layout != NULL, DP_STATUS_ARGUMENT);
  dp_status begun = begin_render(ctx, options);
  if (begun != DP_STATUS_OK) return begun;
  dp_pageset *set = compose(ctx, doc, layout, options);
  if (!set) return failure(ctx, DP_STATUS_INVALID);
  dp_render_settings settings;
  internal_options(ctx, options, layout, doc, &settings);
  dp_sheet_geometry g;
  dp_render_get_geometry(set, &settings, &g);
  if (pages) *pages = (int)dp_render_get_page_count(set, &settings);
  if (width) *width = g.trim_width;
  if (height) *height = g.trim_height;
  return DP_STATUS_OK;
}

/* A PDF is finished by the qpdf module (render.c): it loads while the
 * pages are laid out. */
static void prefetch_for(const dp_render_options *options) {
  if (!options || options->format == DP_OUTPUT_PDF) dp_plugin_prefetch("qpdf");
}

/* What every render does before writing: begins (limits, cancellation),
 * composes `layout` with `doc` and checks the output's size.  On
 * DP_STATUS_OK, `*set` and `*settings` are ready to draw. */
static dp_status prepare_render(dp_context *ctx, const dp_document *doc,
                                const dp_layout *layout,
                                const dp_render_options *options,
                                dp_pageset **set,
                                dp_render_settings *settings) {
  dp_status begun = begin_render(ctx, options);
  if (begun != DP_STATUS_OK) return begun;
  prefetch_for(options);
  *set = compose(ctx, doc, layout, options);
  if (!*set) return failure(ctx, DP_STATUS_INVALID);
  internal_options(ctx, options, layout, doc, settings);
  if (!output_fits(ctx, *set, settings)) return DP_STATUS_INVALID;
  return DP_STATUS_OK;
}

/* Renders every output page of `set` through `write`: the PDF, or the
 * pages one after another. */
static bool write_all(const dp_pageset *set, const dp_render_settings *settings,
                      dp_write_func write, void *user_data) {
  if (settings->format == DP_FORMAT_PDF)
    return dp_render_pdf(set, settings, write, user_data);
  if (settings->format == DP_FORMAT_TRACE)
    return dp_trace_write(set, settings, write, user_data);
  size_t pages = dp_render_get_page_count(set, settings);
  for (size_t i = 0; i < pages; i++)
    if (!dp_render_page(set, settings, i, write, user_data)) return false;
  return true;
}

dp_status dp_render_to_callback(dp_context *ctx, const dp_document *doc,
                                const dp_layout *layout,
                                const dp_render_options *options,
                                dp_write_func write, void *user_data) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, layout != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, write != NULL, DP_STATUS_ARGUMENT);
  dp_pageset *set;
  dp_render_settings settings;
  dp_status prepared =
      prepare_render(ctx, doc, layout, options, &set, &settings);
  if (prepared != DP_STATUS_OK) return prepared;
  bool ok = write_all(set, &settings, write, user_data);
  return ok ? DP_STATUS_OK : failure(ctx, DP_STATUS_WRITE);
}

static bool append_bytes(void *user_data, const unsigned char *data,
                         size_t length) {
  g_byte_array_append(user_data, data, (guint)length);
  return true;
}

dp_status dp_render_pages(dp_context *ctx, const dp_document *doc,
                          const dp_layout *layout,
                          const dp_render_options *options, dp_page_func func,
                          void *user_data) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, layout != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, func != NULL, DP_STATUS_ARGUMENT);
  dp_pageset *set;
  dp_render_settings settings;
  dp_status prepared =
      prepare_render(ctx, doc, layout, options, &set, &settings);
  if (prepared != DP_STATUS_OK) return prepared;
  bool one_file = settings.format == DP_FORMAT_PDF ||
                  settings.format == DP_FORMAT_TRACE;
  size_t count = one_file ? 1 : dp_render_get_page_count(set, &settings);
  GByteArray *bytes = g_byte_array_new();
  dp_status status = DP_STATUS_OK;
  for (size_t i = 0; i < count && status == DP_STATUS_OK; i++) {
    g_byte_array_set_size(bytes, 0);
    bool drawn = one_file ? write_all(set, &settings, append_bytes, bytes)
                          : dp_render_page(set, &settings, i, append_bytes,
                                           bytes);
    if (!drawn)
      status = failure(ctx, DP_STATUS_WRITE);
    else if (!func(user_data, (int)i, (int)count, bytes->data, bytes->len))
      status = DP_STATUS_WRITE;
  }
  g_byte_array_free(bytes, TRUE);
  return status;
}

dp_status dp_render_to_memory(dp_context *ctx, const dp_document *doc,
                              const dp_layout *layout,
                              const dp_render_options *options,
                              unsigned char **data, size_t *length) {
  DP_ARG(ctx, data != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, length != NULL, DP_STATUS_ARGUMENT);
  *data = NULL;
  *length = 0;
  GByteArray *bytes = g_byte_array_new();
  dp_status status =
      dp_render_to_callback(ctx, doc, layout, options, append_bytes, bytes);
  if (status == DP_STATUS_OK) {
    /* malloc, not GLib's allocator: the caller may free with free(). */
    *data = malloc(bytes->len ? bytes->len : 1);
    if (*data) {
      memcpy(*data, bytes->data, bytes->len);
      *length = bytes->len;
    } else {
      status = DP_STATUS_WRITE;
    }
  }
  g_byte_array_free(bytes, TRUE);
  return status;
}

/* One output of dp_render_many_to_memory(): a PDF being finished in a
 * thread of its own, or the pages of another format. */
typedef struct pending_output {
  dp_pdf_draft *draft;
  GThread *finishing;
  bool preflight;
  GByteArray *bytes;
} pending_output;

static gpointer finish_thread(gpointer draft) {
  dp_render_pdf_finish(draft);
  return NULL;
}

/* (transfer full) A malloc'ed copy, for the caller to free() or dp_free(). */
static unsigned char *malloc_copy(const unsigned char *data, size_t length) {
  unsigned char *copy = malloc(length ? length : 1);
  if (copy && length) memcpy(copy, data, length);
  return copy;
}

dp_status dp_render_many_to_memory(dp_context *ctx, const dp_document *doc,
                                   dp_layout *const *layouts, size_t count,
                                   const dp_render_options *options,
                                   unsigned char **data, size_t *length) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, layouts != NULL || count == 0, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, data != NULL && length != NULL, DP_STATUS_ARGUMENT);
  for (size_t i = 0; i < count; i++) {
    data[i] = NULL;
    length[i] = 0;
  }
  for (size_t i = 0; i < count; i++)
    DP_ARG(ctx, layouts[i] != NULL, DP_STATUS_ARGUMENT);
  dp_status status = begin_render(ctx, options);
  if (status != DP_STATUS_OK) return status;
  prefetch_for(options);
  pending_output *out = g_new0(pending_output, count);
  for (size_t i = 0; i < count && status == DP_STATUS_OK; i++) {
    dp_pageset *set = compose(ctx, doc, layouts[i], options);
    if (!set) {
      status = failure(ctx, DP_STATUS_INVALID);
      break;
    }
    dp_render_settings settings;
    internal_options(ctx, options, layouts[i], doc, &settings);
    if (!output_fits(ctx, set, &settings)) {
      status = DP_STATUS_INVALID;
      break;
    }
    if (settings.format == DP_FORMAT_PDF) {
      out[i].draft = dp_render_pdf_draw(set, &settings);
      out[i].preflight = settings.preflight;
      /* One rewrite at a time (qpdf holds the whole file in memory):
       * the one before had this PDF's drawing to finish in, and has. */
      for (size_t k = 0; k < i; k++)
        if (out[k].finishing)
          g_thread_join(g_steal_pointer(&out[k].finishing));
      if (out[i].draft)
        out[i].finishing = g_thread_new("dp-finish", finish_thread,
                                        out[i].draft);
      else
        status = failure(ctx, DP_STATUS_WRITE);
    } else {
      out[i].bytes = g_byte_array_new();
      if (!write_all(set, &settings, append_bytes, out[i].bytes))
        status = failure(ctx, DP_STATUS_WRITE);
    }
  }
  /* Every thread is joined, whatever happened. */
  for (size_t i = 0; i < count; i++)
    if (out[i].finishing) g_thread_join(out[i].finishing);
  /* Every finished PDF reports its finishing's problems, even when a
   * later layout failed (one call at a time would have). */
  for (size_t i = 0; i < count; i++) {
    if (out[i].draft) {
      unsigned char *pdf = NULL;
      size_t pdf_length = 0;
      if (dp_render_pdf_take(out[i].draft, ctx->diag, out[i].preflight, &pdf,
                             &pdf_length)) {
        if (status == DP_STATUS_OK) {
          data[i] = malloc_copy(pdf, pdf_length);
          length[i] = pdf_length;
        }
      } else if (status == DP_STATUS_OK) {
        status = DP_STATUS_WRITE;
      }
      g_free(pdf);
    } else if (out[i].bytes && status == DP_STATUS_OK) {
      data[i] = malloc_copy(out[i].bytes->data, out[i].bytes->len);
      length[i] = out[i].bytes->len;
    }
    if (status == DP_STATUS_OK && !data[i]) status = DP_STATUS_WRITE;
  }
  for (size_t i = 0; i < count; i++) {
    dp_pdf_draft_free(out[i].draft);
    if (out[i].bytes) g_byte_array_free(out[i].bytes, TRUE);
    if (status != DP_STATUS_OK) {
      free(data[i]);
      data[i] = NULL;
      length[i] = 0;
    }
  }
  g_free(out);
  return status;
}

/* ---- Files, written atomically (atomic-file.h) ---------------------- */

static char *numbered_path(const char *path, size_t number) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return g_strdup_printf("%s-%zu", path, number);
  return g_strdup_printf("%.*s-%zu%s", (int)(dot - path), path, number, dot);
}

/* Pages numbered after the last of `pages` (out-3.png after a render of
 * two pages) are left from an earlier render of more: removed, up to the
 * first number missing, so the files are the render's pages and no
 * others.  Only regular files. */
static void remove_later_pages(const char *path, size_t pages) {
  for (size_t k = pages + 1;; k++) {
    char *later = numbered_path(path, k);
    GStatBuf st;
    bool found = g_lstat(later, &st) == 0 && S_ISREG(st.st_mode);
    if (found) g_unlink(later);
    g_free(later);
    if (!found) break;
  }
}

dp_status dp_render_to_file(dp_context *ctx, const dp_document *doc,
                            const dp_layout *layout,
                            const dp_render_options *options,
                            const char *path) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, layout != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, path != NULL, DP_STATUS_ARGUMENT);
  dp_pageset *set;
  dp_render_settings settings;
  dp_status prepared =
      prepare_render(ctx, doc, layout, options, &set, &settings);
  if (prepared != DP_STATUS_OK) {
    dp_atomic_file_release(path);
    return prepared;
  }
  /* A PDF or a trace is one file; PNG and SVG one a page. */
  bool one_file = settings.format == DP_FORMAT_PDF ||
                  settings.format == DP_FORMAT_TRACE;
  size_t files = one_file ? 1 : dp_render_get_page_count(set, &settings);
  dp_atomic_file *temps = g_new0(dp_atomic_file, files);
  bool ok = true;
  size_t failed_at = 0;
  /* A render that failed for a reason of its own (the qpdf module
   * missing) has said so; the file is then not blamed as well. */
  int reported = dp_diag_get_error_count(ctx->diag);
  for (size_t i = 0; i < files && ok; i++) {
    char *final = one_file ? g_strdup(path) : numbered_path(path, i + 1);
    ok = dp_atomic_file_open(&temps[i], final, true);
    g_free(final);
    if (ok) {
      ok = one_file ? write_all(set, &settings, dp_atomic_file_write,
                                &temps[i])
                    : dp_render_page(set, &settings, i, dp_atomic_file_write,
                                     &temps[i]);
      ok = dp_atomic_file_close(&temps[i]) && ok;
    }
    if (!ok) failed_at = i;
  }
  /* Stopped (cancel.h): nothing is renamed into place, the temporaries
   * go, and the file is not blamed. */
  dp_status stopped = ok ? DP_STATUS_OK : failure(ctx, DP_STATUS_OK);
  /* Everything was written: only now replace the old outputs. */
  for (size_t i = 0; i < files && ok; i++) {
    if (!dp_atomic_file_commit(&temps[i])) {
      ok = false;
      failed_at = i;
    }
  }
  if (!ok && stopped == DP_STATUS_OK && (temps[failed_at].error ||
              dp_diag_get_error_count(ctx->diag) == reported)) {
    const dp_atomic_file *t = &temps[failed_at];
    dp_error(ctx->diag, DP_MARK_FILE(NULL), "cannot write '%s': %s",
             t->final_path ? t->final_path : path,
             g_strerror(t->error ? t->error : EIO));
  }
  for (size_t i = 0; i < files; i++) dp_atomic_file_discard(&temps[i]);
  g_free(temps);
  if (ok && settings.format != DP_FORMAT_PDF) remove_later_pages(path, files);
  return ok ? DP_STATUS_OK
            : stopped != DP_STATUS_OK ? stopped : DP_STATUS_WRITE;
}

/* ---- Calendars ------------------------------------------------------ */

/* (transfer full) The iCalendar text of `doc`'s events (calendar.h decides
 * the entries, the "ical" plugin writes them); NULL after reporting. */
static char *calendar_text(dp_context *ctx, const dp_document *doc) {
  char *error = NULL;
  char *text = NULL;
  const dp_ical_api *ical = dp_plugin_get("ical", &error);
  if (ical) {
    dp_calendar *cal = dp_calendar_new(ctx->diag, &ctx->settings, doc,
                                       creation_date(ctx, doc));
    text = ical->write(cal, &error);
    dp_calendar_free(cal);
  }
  if (!text) {
    dp_error(ctx->diag, DP_MARK_FILE(NULL),
             "cannot make the calendar of '%s': %s",
             dp_document_get_name(doc), error ? error : "unknown error");
    g_free(error);
  }
  return text;
}

dp_status dp_calendar_to_file(dp_context *ctx, const dp_document *doc,
                              const char *path) {
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, path != NULL, DP_STATUS_ARGUMENT);
  char *text = calendar_text(ctx, doc);
  if (!text) {
    dp_atomic_file_release(path);
    return DP_STATUS_WRITE;
  }
  dp_atomic_file t;
  bool ok = dp_atomic_file_open(&t, path, true);
  if (ok) {
    ok = dp_atomic_file_write(&t, (const unsigned char *)text, strlen(text));
    ok = dp_atomic_file_close(&t) && ok;
  }
  ok = ok && dp_atomic_file_commit(&t);
  if (!ok)
    dp_error(ctx->diag, DP_MARK_FILE(NULL), "cannot write '%s': %s",
             path, g_strerror(t.error ? t.error : EIO));
  dp_atomic_file_discard(&t);
  g_free(text);
  return ok ? DP_STATUS_OK : DP_STATUS_WRITE;
}

dp_status dp_calendar_to_memory(dp_context *ctx, const dp_document *doc,
                                char **text, size_t *length) {
  DP_ARG(ctx, text != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, length != NULL, DP_STATUS_ARGUMENT);
  *text = NULL;
  *length = 0;
  DP_ARG(ctx, ctx != NULL, DP_STATUS_ARGUMENT);
  DP_ARG(ctx, doc != NULL, DP_STATUS_ARGUMENT);
  char *made = calendar_text(ctx, doc);
  if (!made) return DP_STATUS_WRITE;
  /* malloc, not GLib's allocator: the caller may free with free(). */
  size_t n = strlen(made);
  *text = malloc(n + 1);
  dp_status status = DP_STATUS_WRITE;
  if (*text) {
    memcpy(*text, made, n + 1);
    *length = n;
    status = DP_STATUS_OK;
  }
  g_free(made);
  return status;
}
