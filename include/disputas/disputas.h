/* disputas: typesetting doctoral defence announcements.
 *
 * The public C API of libdisputas (pkg-config: disputas).  This header is
 * the whole interface; everything else is private and not exported.
 *
 *     #include <disputas/disputas.h>
 *
 *     dp_context *ctx = dp_context_new();
 *     dp_document *doc = dp_document_load_file(ctx, "announcement.yaml");
 *     dp_layout *layout = dp_layout_load(ctx, "poster");
 *     dp_status status = DP_STATUS_INVALID;
 *     if (doc && layout)
 *       status = dp_render_to_file(ctx, doc, layout, NULL, "poster.pdf");
 *     dp_layout_free(layout);
 *     dp_document_free(doc);
 *     dp_context_free(ctx);
 *
 * Conventions
 *
 *  - Types are opaque.  Every object returned by a `_new` or `_load`
 *    function is owned by the caller ("transfer full") and released by the
 *    matching `_free`; every `_free` accepts NULL and does nothing then.
 *    Strings returned by getters belong to the object they came from
 *    ("transfer none") and live as long as it does.  Strings passed in are
 *    copied when kept; the caller keeps ownership.
 *  - Pointer arguments must not be NULL unless the comment says so.  An
 *    argument a function cannot take (a NULL where none is allowed, an
 *    enumeration value or a number out of its range) is reported as an
 *    error diagnostic to the context, when the function has one, and the
 *    function returns DP_STATUS_ARGUMENT, NULL, 0, false or nothing.
 *    Never a crash, and no GLib critical (tests/api/test-arguments.c).
 *    The render options' setters have no context: an invalid value is
 *    reported by the call that uses the options.
 *  - The library prints nothing unless asked: diagnostics go to the
 *    context's callback, and to stderr only after
 *    dp_context_set_print_diagnostics(ctx, true) (the command line asks).
 *  - No function calls exit() or abort() on bad input.  Problems in a
 *    document or layout are reported as diagnostics (below) and the
 *    function returns NULL or an error status.
 *  - Text is UTF-8.  Paths are in the file system's encoding.
 *
 * Diagnostics
 *
 * Each problem found in a document or layout is one dp_diagnostic record
 * (severity, file, line, column, message), delivered to the context's
 * callback if one is set and, when asked (dp_context_set_print_diagnostics),
 * printed to stderr compiler style, with the source line and a caret:
 *
 *     announcement.yaml:12:5: error: unknown key 'comittee' in announcement
 *     (did you mean 'committee'?)
 *
 * Threads
 *
 * The font configuration, font maps, hyphenation dictionaries and
 * diagnostics all belong to a dp_context; what the process shares (the
 * data folder, loaded plugin modules, cached date formatters) is set up
 * once, thread-safely.  The rule:
 *
 *  - Use a context, and the documents and layouts loaded through it, from
 *    one thread at a time.  Different contexts may be used in different
 *    threads at the same time; each gives the bytes it would alone
 *    (tests/api/test-threads.c, test-stress.c).
 *  - Below the contexts, cairo (1.16) keeps fonts process-wide: every font
 *    map that uses a font file shares cairo's FreeType face and scaled
 *    fonts for it, and cairo's caches of them are not safe to use from
 *    several threads at once (faces closed under another thread, glyph
 *    pages evicted from fonts in use).  librsvg draws SVG text with Pango
 *    on the same fonts.  So disputas serialises, across all contexts,
 *    exactly what may touch a cairo font: laying out pages (Pango),
 *    preflight, drawing pages (text and SVG images) and finishing cairo's
 *    output, making and freeing font maps (hyphenating paragraphs happens
 *    while laying out).  Loading documents and layouts (photographs
 *    checked), loading hyphenation dictionaries, PDF finishing (qpdf, a
 *    third of a PDF's time), calendars and writing files run in
 *    parallel.  A program that
 *    uses cairo, Pango or librsvg itself, in another thread, while
 *    disputas renders shares those caches too, and must not draw text
 *    at the same time.
 *  - Callbacks (diagnostics, dp_write_func) run in the thread that made the
 *    call, never under a lock of disputas's: they may call any disputas
 *    function on another context, and the functions that take no context.
 *    They must not use the context that is calling them (nor free it, or
 *    the document and layout being rendered).
 *  - Thread-safety, function by function: every function that takes a
 *    dp_context (its setters included) is safe to call from any thread
 *    as long as no other thread uses that context, or the documents and
 *    layouts loaded through it, at the same time.  The one exception is
 *    dp_context_cancel(), safe from any thread at any time while the
 *    context lives (to stop a call another thread is making on it).
 *    Getters of a document or layout are safe from several threads at
 *    once (they are immutable).  The functions that take no context (dp_get_version,
 *    dp_get_version_number, dp_free, dp_layout_get_builtin_names,
 *    dp_render_options_* on options of the thread's own) are safe from
 *    any thread.  dp_program_init() is not: it sets environment
 *    variables, before any thread starts; it is optional.
 *  - Nothing of a context's settings is process-wide: its root, limits,
 *    creation date, folders and fonts are its own, and two contexts with
 *    different settings render side by side, each as it would alone
 *    (tests/api/test-contexts.c).
 *
 * Data files
 *
 * Built-in layouts, the bundled fonts and the label tables are read from
 * the data folder: $DISPUTAS_DATADIR when set, else PREFIX/share/disputas
 * found relative to the installed library (so an installed tree may be
 * moved), else the folder configured at build time.
 */
#ifndef DISPUTAS_H
#define DISPUTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions libdisputas exports.  The library is built with
 * hidden visibility, so only what carries DP_PUBLIC is part of the ABI. */
#ifndef DP_PUBLIC
#if defined(_WIN32) || defined(__CYGWIN__)
#define DP_PUBLIC
#elif defined(__GNUC__) && __GNUC__ >= 4
#define DP_PUBLIC __attribute__((visibility("default")))
#else
#define DP_PUBLIC
#endif
#endif

/* ---- Version -------------------------------------------------------- */

#define DP_VERSION_MAJOR 0
#define DP_VERSION_MINOR 1
#define DP_VERSION_MICRO 0
#define DP_VERSION_STRING "0.1.0"

/* The version compiled against as one number, MAJOR * 10000 + MINOR *
 * 100 + MICRO (0.1.0 is 100), and whether it is at least MAJOR.MINOR.MICRO:
 *
 *     #if DP_CHECK_VERSION(0, 2, 0)
 *       ... use what 0.2 added ...
 *     #endif
 */
#define DP_VERSION_NUMBER \
  (DP_VERSION_MAJOR * 10000 + DP_VERSION_MINOR * 100 + DP_VERSION_MICRO)
#define DP_CHECK_VERSION(major, minor, micro) \
  (DP_VERSION_NUMBER >= (major) * 10000 + (minor) * 100 + (micro))

/* (transfer none) The version of the library in use, "0.1.0"; may differ
 * from DP_VERSION_STRING, the version compiled against. */
DP_PUBLIC const char *dp_get_version(void);

/* The version of the library in use as DP_VERSION_NUMBER counts it: a
 * program built against 0.2 can check at run time that the library it
 * was loaded with is at least that (the soname only promises the ABI of
 * 0.x.y: docs/abi.md). */
DP_PUBLIC int dp_get_version_number(void);

/* Releases memory the library allocated and handed over with "free with
 * dp_free()" (dp_render_to_memory's buffer).  NULL is allowed.  Bindings
 * that cannot reach the C library's free() use this. */
DP_PUBLIC void dp_free(void *data);

/* What a call gave: one value per class of failure, stable (numbers
 * never change; new classes are added at the end: docs/abi.md).  0 to 3
 * are the command line's exit statuses (2 is its usage error, which the
 * library never returns).  Every failure is also reported as a
 * diagnostic, except an argument error without a context to report to. */
typedef enum dp_status {
  DP_STATUS_OK = 0,
  DP_STATUS_INVALID = 1,   /* the document or layout is invalid, or its
                              content cannot be laid out, or a limit was
                              reached (dp_context_set_limit) */
  DP_STATUS_WRITE = 3,     /* an output could not be written */
  DP_STATUS_CANCELLED = 4, /* dp_context_cancel() stopped the call */
  DP_STATUS_TIMED_OUT = 5, /* the call ran past the context's deadline
                              (dp_context_set_deadline) or its time limit
                              (DP_LIMIT_MILLISECONDS) */
  DP_STATUS_ARGUMENT = 6   /* an argument the function cannot take: a
                              programming error (see "Conventions") */
} dp_status;

/* ---- Diagnostics ---------------------------------------------------- */

typedef enum dp_severity {
  DP_SEVERITY_NOTE,
  DP_SEVERITY_WARNING,
  DP_SEVERITY_ERROR
} dp_severity;

/* One problem.  All strings are owned by disputas and valid only during
 * the callback: copy what you keep.  `file` is the document's or layout's
 * path or name, or "disputas" for problems that belong to no file (an
 * output that cannot be written).  `line` and `column` are 1-based; 0
 * means unknown (the whole file, or the whole line).  A warning counted as
 * an error (dp_context_set_werror) arrives as DP_SEVERITY_ERROR. */
typedef struct dp_diagnostic {
  dp_severity severity;
  const char *file;
  int line;
  int column;
  const char *message;
} dp_diagnostic;

/* Receives each diagnostic, in the thread that called the reporting
 * function, never under a lock: it may call into disputas on another
 * context, but not on the context reporting (see "Threads"). */
typedef void (*dp_diagnostic_func)(const dp_diagnostic *diagnostic,
                                   void *user_data);

/* ---- Contexts ------------------------------------------------------- */

/* A context holds what documents loaded and rendered through it share:
 * the diagnostics sink and its settings, the font map of the bundled fonts
 * and the hyphenation dictionaries (both loaded on the first render and
 * kept for the next).  See "Threads" above. */
typedef struct dp_context dp_context;

/* (transfer full) A new context.  Its diagnostics go nowhere until a
 * callback is set or printing is asked for (a library prints nothing of
 * its own accord).  Free with dp_context_free() after every document and
 * layout loaded through it. */
DP_PUBLIC dp_context *dp_context_new(void);

/* Frees `ctx` and what it loaded lazily (fonts, dictionaries).  NULL is
 * allowed. */
DP_PUBLIC void dp_context_free(dp_context *ctx);

/* Sends every diagnostic to `func` with `user_data` (and prints it too
 * when printing is on).  NULL `func` stops the calls.  `user_data` is not
 * freed by disputas. */
DP_PUBLIC void dp_context_set_diagnostic_func(dp_context *ctx,
                                              dp_diagnostic_func func,
                                              void *user_data);

/* Whether diagnostics are printed to stderr (default false: a library
 * prints nothing unless asked; the command line asks). */
DP_PUBLIC void dp_context_set_print_diagnostics(dp_context *ctx, bool print);

/* Print diagnostics as one JSON object a line, {"severity": "error",
 * "file": ..., "line": N, "column": N, "message": ...}, instead of
 * compiler style (default false).  The callback is not affected. */
DP_PUBLIC void dp_context_set_json_diagnostics(dp_context *ctx, bool json);

/* Colour printed diagnostics with ANSI escapes, as compilers do on a
 * terminal: the place bold, "error" red, "warning" magenta, the caret
 * green (default false; JSON is never coloured).  Whether stderr is a
 * terminal, and NO_COLOR, are the caller's to weigh. */
DP_PUBLIC void dp_context_set_colour_diagnostics(dp_context *ctx,
                                                 bool colour);

/* Count warnings as errors (default false): a loader or render function
 * that reports a warning then fails as it would on an error. */
DP_PUBLIC void dp_context_set_werror(dp_context *ctx, bool werror);

/* Confines file access to the folder `dir` (NULL: no confinement, the
 * default).  Every file a document or layout loaded afterwards through
 * `ctx` names (images, a layout file it extends) must then be named by a
 * relative path, lie inside `dir` both as written (no `..` out of it) and
 * with every symbolic link followed, and be a regular file, not a FIFO
 * or a device; anything else is an error at the line that names it.
 * Documents loaded from memory without a base folder resolve their
 * images against `dir`.  SVG images reach nothing outside their own
 * folder (librsvg's rule), so nothing outside `dir` either.  The files
 * the caller names (dp_document_load_file, dp_layout_load) and the data
 * folder are not confined: they are the caller's choice.  A service that
 * renders documents from others sets this.  DP_STATUS_INVALID, after
 * reporting, when `dir` is not a folder. */
DP_PUBLIC dp_status dp_context_set_root(dp_context *ctx, const char *dir);

/* The outputs' creation date, in seconds since 1970-01-01 UTC (at most
 * 253402300799, the end of 9999): the PDF's CreationDate and ModDate and
 * a calendar's DTSTAMP.  -1 (the default) means none of the context's:
 * then SOURCE_DATE_EPOCH when set, else the document file's modification
 * time, else, for a document loaded from memory, the time it was loaded.
 * DP_STATUS_ARGUMENT, after reporting, for any other value. */
DP_PUBLIC dp_status dp_context_set_creation_date(dp_context *ctx,
                                                 int64_t seconds);

/* What a context bounds (dp_context_set_limit). */
typedef enum dp_limit {
  DP_LIMIT_PAGES,         /* pages of one layout (default 500) */
  DP_LIMIT_ITEMS,         /* layout items one layout expands for a
                             document, repetitions counted (100,000) */
  DP_LIMIT_PARAGRAPHS,    /* paragraphs of one layout (200,000) */
  DP_LIMIT_IMAGE_PIXELS,  /* pixels of one image (50 million) */
  DP_LIMIT_IMAGE_MEMORY,  /* bytes all of a document's images take
                             decoded, 4 a pixel (2,000,000,000); SVGs are
                             drawn, not decoded, and count nothing */
  DP_LIMIT_OUTPUT_PIXELS, /* pixels of one PNG page (150 million, an A4
                             page at about 1250 dpi; and at most 32767 a
                             side, always) */
  DP_LIMIT_MILLISECONDS   /* time one call may take (a day); past it
                             the call stops as at a deadline, with
                             DP_STATUS_TIMED_OUT */
} dp_limit;

/* Lowers `limit` to `value`: from 1 to the default, which is also the
 * most; 0 restores the default.  Work that would go past it fails with
 * an error saying which limit (DP_STATUS_INVALID; see each limit), and
 * the outputs are not written.  Documents are checked against the image
 * limits when loaded, so set those first.  DP_STATUS_ARGUMENT, after
 * reporting, for an unknown limit or a value out of range. */
DP_PUBLIC dp_status dp_context_set_limit(dp_context *ctx, dp_limit limit,
                                         int64_t value);

/* The limit in force (the default when not set); 0 for an unknown
 * limit. */
DP_PUBLIC int64_t dp_context_get_limit(const dp_context *ctx,
                                         dp_limit limit);

/* The folders a context reads from (dp_context_set_folder). */
typedef enum dp_folder {
  DP_FOLDER_DATA,        /* built-in layouts, fonts/fonts.conf, label
                            tables, typography (default: see "Data
                            files") */
  DP_FOLDER_LABELS,      /* the label tables, LANG.yaml (default:
                            data/labels in the data folder) */
  DP_FOLDER_HYPHENATION, /* libhyphen's hyph_LL_CC.dic (default:
                            /usr/share/hyphen); a language without one
                            is not hyphenated, and its justified text is
                            warned of */
  DP_FOLDER_CACHE,       /* parsed hyphenation patterns, written on first
                            use (default: $XDG_CACHE_HOME/disputas/hyphen,
                            else ~/.cache/disputas/hyphen); made when
                            missing */
  DP_FOLDER_FONTS        /* a folder of fonts styles may name, as a
                            layout's font-folders are (disputas-layout(5));
                            each call adds one, NULL forgets them */
} dp_folder;

/* Sets `folder` to `dir` for what `ctx` reads from now on (NULL: the
 * default).  The fonts and dictionaries the context loaded are dropped
 * and loaded again from the new folders on the next render.
 * DP_STATUS_INVALID, after reporting, when `dir` is not a folder
 * (except the cache's, made when first written); DP_STATUS_ARGUMENT for
 * an unknown folder. */
DP_PUBLIC dp_status dp_context_set_folder(dp_context *ctx, dp_folder folder,
                                          const char *dir);

/* Sets the context's text with the fontconfig file `file` instead of the
 * data folder's fonts/fonts.conf (NULL: that one again); the fonts in
 * the file's own folder are then the bundled fonts.  The context's own
 * configuration: other contexts and fontconfig's default configuration
 * are not touched.  SVG images draw their text with it too.
 * DP_STATUS_INVALID, after reporting, when it cannot be read. */
DP_PUBLIC dp_status dp_context_set_font_config(dp_context *ctx,
                                               const char *file);

/* Reads the house file at `path` (docs/house.md: an institution's
 * name, logo, colours, fonts, font folders, labels and options) as the
 * house style of the documents loaded afterwards through `ctx` that name
 * none of their own (`house:`); NULL for none.  The command line passes
 * --house, else the environment's DISPUTAS_HOUSE.  DP_STATUS_INVALID,
 * after reporting every problem of the file, when it cannot be used. */
DP_PUBLIC dp_status dp_context_set_house(dp_context *ctx, const char *path);

/* ---- Cancellation and deadlines ---------------------------------------
 *
 * A call that does long work (loading a document or layout, which decodes
 * their images; checking, counting pages and rendering, which lay out
 * pages, draw them, rasterise and encode PNGs, impose) asks, between
 * paragraphs, pages, drawn items and rows of pixels, whether it must
 * stop: cancelled, or past the context's deadline or its own time limit.
 * It then returns DP_STATUS_CANCELLED or DP_STATUS_TIMED_OUT (a loader
 * NULL) within milliseconds, having reported one error (file "disputas")
 * saying why and nothing else, and leaves nothing behind: no output file
 * or temporary, no page set kept (tests/api/test-cancel.c).  Steps that
 * cannot be interrupted (finishing a PDF with qpdf, a single image
 * scaled onto a page, waiting for another context's turn with the
 * fonts: "Threads") are checked before and after. */

/* Cancels `ctx`: the call running on it stops soon, and every later call
 * at once, until dp_context_reset_cancel().  Safe from any thread, at any
 * time while `ctx` lives (not from a signal handler); the only function
 * that may be called on a context another thread is using. */
DP_PUBLIC void dp_context_cancel(dp_context *ctx);

/* Undoes dp_context_cancel(), for using `ctx` again.  The thread using
 * `ctx`, between calls. */
DP_PUBLIC void dp_context_reset_cancel(dp_context *ctx);

/* Calls on `ctx` stop once the monotonic clock passes `deadline`, in
 * microseconds as g_get_monotonic_time() and clock_gettime(CLOCK_MONOTONIC)
 * count them (0: no deadline, the default).  A call past it returns
 * DP_STATUS_TIMED_OUT at once.  For a service's request: its arrival plus
 * what it may take, across every call it makes.  The thread using `ctx`. */
DP_PUBLIC void dp_context_set_deadline(dp_context *ctx, int64_t deadline);

/* Errors reported through `ctx` since it was made (and warnings reported
 * while werror was on).  The count only grows, werror turned off
 * included; each function's own result says whether that call failed. */
DP_PUBLIC int dp_context_get_error_count(const dp_context *ctx);

/* Warnings reported through `ctx` since it was made. */
DP_PUBLIC int dp_context_get_warning_count(const dp_context *ctx);

/* What a caller means to make, for dp_context_expect(). */
typedef enum dp_expect {
  DP_EXPECT_PDF = 1 << 0,     /* PDF files (the PDF finishing library) */
  DP_EXPECT_CALENDAR = 1 << 1 /* calendar files (the iCalendar library) */
} dp_expect;

/* A hint: `what` (dp_expect flags) will be made through `ctx`.  The
 * libraries that needs, loaded only when a run needs them and some
 * taking 10 ms to load, start loading now in another thread, while
 * documents and layouts are read and pages laid out.  Without the hint
 * they load when first needed; either way the output is the same. */
DP_PUBLIC void dp_context_expect(dp_context *ctx, unsigned what);

/* ---- Programs ------------------------------------------------------- */

/* Optional, for programs, not libraries: call it first thing in main(),
 * before any thread starts.  Unless FONTCONFIG_FILE or FONTCONFIG_PATH is
 * set (a configuration of the user's), it points fontconfig's default
 * configuration at the bundled fonts (FONTCONFIG_FILE and
 * FONTCONFIG_PATH: fonts/default.conf in the data folder).  disputas
 * never sets text with the default configuration (a context's own text,
 * and the text of SVG images, are set with the context's fonts), so the
 * output is the same without it.  But Pango loads the default
 * configuration in a background thread whenever a font map is made (the
 * system's reads the cache of every installed font: some 4 MB and 10 ms
 * of a core), and checking an SVG image when a document is loaded draws
 * its text once with it; this makes both cheap.  The disputas program
 * calls it. */
DP_PUBLIC void dp_program_init(void);

/* ---- Documents ------------------------------------------------------ */

/* An announcement, read and checked (the format: disputas-announcement(5),
 * docs/announcement.md in the source).
 * Immutable once loaded. */
typedef struct dp_document dp_document;

/* (transfer full) Reads and checks the announcement at `path`.  Returns
 * NULL after reporting every problem found (or, with werror, any
 * warning).  Relative image paths in it are resolved against the folder
 * that holds `path`.  Free with dp_document_free(), before `ctx`. */
DP_PUBLIC dp_document *dp_document_load_file(dp_context *ctx,
                                             const char *path);

/* (transfer full) The same from `length` bytes at `data` (they need not
 * end with a NUL; they are copied).  `name` stands for the file in
 * diagnostics and names outputs (dp_document_get_stem); NULL means
 * "<memory>".  Relative image paths are resolved against the root
 * (dp_context_set_root), else the current folder. */
DP_PUBLIC dp_document *dp_document_load_data(dp_context *ctx,
                                             const char *name,
                                             const char *data,
                                             size_t length);

/* (transfer full) As dp_document_load_data(), with relative image paths
 * resolved against the folder `base_dir` (NULL: as dp_document_load_data
 * does). */
DP_PUBLIC dp_document *dp_document_load_data_with_base(dp_context *ctx,
                                                       const char *name,
                                                       const char *data,
                                                       size_t length,
                                                       const char *base_dir);

/* Frees `doc`.  NULL is allowed. */
DP_PUBLIC void dp_document_free(dp_document *doc);

/* (transfer none) The name outputs are given: the document file's base
 * name without its extension ("seed" for samples/seed.yaml).  Owned by
 * `doc`. */
DP_PUBLIC const char *dp_document_get_stem(const dp_document *doc);

/* (transfer none) The files `doc` was read from, NULL-terminated: the
 * document (its name, for one read from memory), its house file, the
 * images it names.  What a program that re-renders on change watches. */
DP_PUBLIC const char *const *dp_document_get_files(const dp_document *doc);

/* What a service names and indexes outputs by, without reading the YAML
 * itself.  Strings are owned by `doc` (transfer none); a document is
 * immutable, so these are safe from several threads at once. */

/* (transfer none) The language tag, as normalised ("nb", "sr-Latn-RS";
 * "en" when the document names none). */
DP_PUBLIC const char *dp_document_get_language(const dp_document *doc);

/* (transfer none) The thesis title as plain text: Markdown's emphasis
 * and links dropped, the words kept. */
DP_PUBLIC const char *dp_document_get_title(const dp_document *doc);

/* (transfer none) The candidate's name as plain text. */
DP_PUBLIC const char *dp_document_get_candidate(const dp_document *doc);

/* (transfer none) The zone the events' times are in, as the zone
 * database names it ("Europe/Oslo"), or NULL when the document names
 * none (the times are then floating: local wherever they are read). */
DP_PUBLIC const char *dp_document_get_timezone(const dp_document *doc);

/* The number of events (at least 1 in a loaded document). */
DP_PUBLIC int dp_document_get_event_count(const dp_document *doc);

/* Event `index` (from 0, in the document's order): its kind
 * ("trial-lecture", "public-defence", "other"), its start and its end as
 * written, local times in dp_document_get_timezone()'s zone
 * ("2026-01-16T13:00", or a date alone, "2026-01-16", while the time is
 * not known); *end is NULL when the event gives none.  Any of the
 * pointers may be NULL.  False, setting nothing, for an index out of
 * range. */
DP_PUBLIC bool dp_document_get_event(const dp_document *doc, int index,
                                     const char **kind, const char **start,
                                     const char **end);

/* ---- Layouts -------------------------------------------------------- */

/* A layout: what a product looks like (the built-in layouts, and
 * disputas-layout(5) / docs/layouts.md for the format).  Immutable once
 * loaded. */
typedef struct dp_layout dp_layout;

/* (transfer none) Names of the built-in layouts, NULL-terminated: poster,
 * booklet, booklet-print.  Static: never free it. */
DP_PUBLIC const char *const *dp_layout_get_builtin_names(void);

/* (transfer full) Reads and checks a layout: a built-in name ("poster"),
 * or a path to a layout file (anything containing '/' or ending in .yaml
 * or .yml).  Returns NULL after reporting every problem found.  Free with
 * dp_layout_free(), before `ctx`. */
DP_PUBLIC dp_layout *dp_layout_load(dp_context *ctx, const char *name_or_path);

/* (transfer full) The same from `length` bytes at `data` (copied; no NUL
 * needed).  `name` stands for the file in diagnostics; NULL means
 * "<memory>". */
DP_PUBLIC dp_layout *dp_layout_load_data(dp_context *ctx, const char *name,
                                         const char *data, size_t length);

/* Frees `layout`.  NULL is allowed. */
DP_PUBLIC void dp_layout_free(dp_layout *layout);

/* (transfer none) The layout's name (its `name` key, else the file's base
 * name).  Owned by `layout`. */
DP_PUBLIC const char *dp_layout_get_name(const dp_layout *layout);

/* (transfer none) The one-line description, or NULL when there is none.
 * Owned by `layout`. */
DP_PUBLIC const char *dp_layout_get_description(const dp_layout *layout);

/* (transfer none) The files `layout` was read from, NULL-terminated: the
 * layout, the layouts it extends, the image files it names. */
DP_PUBLIC const char *const *dp_layout_get_files(const dp_layout *layout);

/* The trim size of a page, in points (1/72 in), bleed excluded.  Either
 * pointer may be NULL. */
DP_PUBLIC void dp_layout_get_page_size(const dp_layout *layout, double *width,
                                       double *height);

/* The page count must be a multiple of this (4 for booklets; 1 when the
 * layout says nothing). */
DP_PUBLIC int dp_layout_get_pages_multiple(const dp_layout *layout);

/* Whether the layout imposes its pages on sheets (saddle stitch): a sheet
 * is then two pages wide.  DP_IMPOSE_OFF / DP_IMPOSE_SADDLE override it
 * when rendering. */
DP_PUBLIC bool dp_layout_is_imposed(const dp_layout *layout);

/* The most pages the layout allows (1 for the poster), or 0 when it sets
 * no limit of its own (disputas's own limit, 500 pages, still applies). */
DP_PUBLIC int dp_layout_get_pages_max(const dp_layout *layout);

/* ---- Rendering ------------------------------------------------------ */

typedef enum dp_output_format {
  DP_OUTPUT_PDF,
  DP_OUTPUT_PNG,   /* one file a page */
  DP_OUTPUT_SVG,   /* one file a page */
  DP_OUTPUT_TRACE  /* the composed pages as text, one file: page boxes,
                      frames, and every line with its baseline, extent and
                      font (docs/trace.md) */
} dp_output_format;

typedef enum dp_impose_mode {
  DP_IMPOSE_AS_LAYOUT, /* what the layout says */
  DP_IMPOSE_OFF,       /* pages in reading order */
  DP_IMPOSE_SADDLE     /* two-up on sheets, saddle-stitch order */
} dp_impose_mode;


/* How to render.  A NULL dp_render_options means the defaults. */
typedef struct dp_render_options dp_render_options;

/* (transfer full) The defaults: PDF, the layout's imposition, 150 dpi for
 * PNG.  Free with dp_render_options_free(). */
DP_PUBLIC dp_render_options *dp_render_options_new(void);

/* Frees `options`.  NULL is allowed. */
DP_PUBLIC void dp_render_options_free(dp_render_options *options);

DP_PUBLIC void dp_render_options_set_format(dp_render_options *options,
                                            dp_output_format format);
DP_PUBLIC void dp_render_options_set_impose(dp_render_options *options,
                                            dp_impose_mode mode);
/* Resolution of PNG output (0 or less: 150; not a number, or infinite:
 * invalid). */
DP_PUBLIC void dp_render_options_set_dpi(dp_render_options *options,
                                         double dpi);
/* Crop marks at the trim's corners, and fold marks on imposed sheets, in
 * a slug of at least 10 mm around the bleed (default false: only when the
 * layout says `marks: true`).  Marks imply press output. */
DP_PUBLIC void dp_render_options_set_marks(dp_render_options *options,
                                           bool marks);
/* Press output (default false: only when the layout says `press: true`):
 * every page grows by the layout's bleed.  Without it a page is exactly
 * its trim, and imposed sheets are the office paper that holds two pages
 * (A4 landscape for A5 pages), for printing 1:1 on an office printer. */
DP_PUBLIC void dp_render_options_set_press(dp_render_options *options,
                                           bool press);
/* PDF/A-2b for archives (default false: only when the layout says
 * `pdfa: true`): the PDF gets an sRGB output intent (GTS_PDFA1), the
 * PDF/A identification in its XMP metadata, and every annotation the
 * print flag.  Not with press output (PDF/X): rendering a PDF with both
 * is an error.  Other formats ignore it. */
DP_PUBLIC void dp_render_options_set_pdfa(dp_render_options *options,
                                          bool pdfa);
/* The printing condition of press output (PDF/X-4's output intent),
 * instead of the layout's `press-profile` or the build's: `profile` is
 * "srgb" (sRGB, icc-profiles-free), "cmyk" (Ghostscript's CMYK SWOP
 * profile, libgs-common) or an ICC file of an RGB or CMYK output device
 * (a name with a '/' or ending in .icc or .icm; relative to the current
 * folder), read now; `condition` its name in the output intent (NULL:
 * the built-in's, or the file's description).  With a CMYK profile,
 * black and grey text and rules print in the K ink alone.  A profile
 * that cannot be used makes the calls with these options fail with
 * DP_STATUS_ARGUMENT, saying why.  NULL `profile`: the layout's again. */
DP_PUBLIC void dp_render_options_set_press_profile(dp_render_options *options,
                                                   const char *profile,
                                                   const char *condition);
/* Print preflight (default false: only when the layout says `preflight`):
 * warnings for fonts that are not embedded, text below the layout's
 * minimum size, images below 150 dpi as placed, QR codes with modules
 * under 0.4 mm or without their quiet zone, text crossing the trim, and
 * backgrounds that stop at the trim where the layout has a bleed. */
DP_PUBLIC void dp_render_options_set_preflight(dp_render_options *options,
                                               bool preflight);

/* Receives output bytes, in order; returns false on a write error, which
 * stops the render (DP_STATUS_WRITE).  Called under no lock (see
 * "Threads"). */
typedef bool (*dp_write_func)(void *user_data, const unsigned char *data,
                              size_t length);

/* Lays out `doc` in `layout` and checks that it fits, writing nothing.
 * DP_STATUS_INVALID after reporting when it does not.  `doc` and `layout`
 * must have been loaded through `ctx`. */
DP_PUBLIC dp_status dp_check(dp_context *ctx, const dp_document *doc,
                             const dp_layout *layout);

/* dp_check() with `options` (NULL: the defaults): their imposition, and
 * preflight when they or the layout ask for it. */
DP_PUBLIC dp_status dp_check_with_options(dp_context *ctx,
                                          const dp_document *doc,
                                          const dp_layout *layout,
                                          const dp_render_options *options);

/* What rendering `doc` in `layout` with `options` (NULL: the defaults)
 * makes: *pages output pages (on imposed sheets, the sheets' sides) of
 * *width by *height points, trimmed (marks and bleed left out).  Lays the
 * document out as dp_check_with_options() does, which a check or render
 * before it has done already: then this costs nothing.  For a program's
 * report of what it wrote ("1 page, A4"). */
DP_PUBLIC dp_status dp_count_pages(dp_context *ctx, const dp_document *doc,
                                   const dp_layout *layout,
                                   const dp_render_options *options,
                                   int *pages, double *width, double *height);

/* Every render function lays out `doc` in `layout` (as dp_check) and
 * fails with DP_STATUS_INVALID when that reports an error.  The context
 * keeps the pages it laid out last: checking and then rendering a
 * document in a layout (or rendering it twice) lays it out once, and its
 * warnings are reported once (dp_context_set_werror starts afresh).  PDF
 * output is the same bytes for the same inputs; its creation date is
 * dp_context_set_creation_date()'s.  `options` may be NULL for the
 * defaults. */

/* Renders to `path`, atomically: into a temporary file in the same
 * folder, renamed into place only when complete, so a failure leaves no
 * file and never changes an existing one.  PNG and SVG make one file per
 * page, numbered before the extension: `out.png` gives out-1.png,
 * out-2.png; files numbered after the last page (left by an earlier
 * render of more pages) are removed, up to the first number missing.  A file that cannot be written is reported (file
 * "disputas") and gives DP_STATUS_WRITE. */
DP_PUBLIC dp_status dp_render_to_file(dp_context *ctx, const dp_document *doc,
                                      const dp_layout *layout,
                                      const dp_render_options *options,
                                      const char *path);

/* Renders through `write` (called any number of times, with `user_data`).
 * PNG and SVG pages follow one another.  DP_STATUS_WRITE when `write`
 * returned false; bytes already delivered are then the caller's to
 * discard. */
DP_PUBLIC dp_status dp_render_to_callback(dp_context *ctx,
                                          const dp_document *doc,
                                          const dp_layout *layout,
                                          const dp_render_options *options,
                                          dp_write_func write,
                                          void *user_data);

/* Receives one output page of dp_render_pages(): page `index` (from 0)
 * of `count`, a whole file: a PNG or an SVG file, or for PDF and trace
 * output, which are one file, the file (index 0 of 1).  `data` is valid
 * only during the call.  Returns false to stop the render
 * (DP_STATUS_WRITE).  Called under no lock (see "Threads"). */
typedef bool (*dp_page_func)(void *user_data, int index, int count,
                             const unsigned char *data, size_t length);

/* Renders page by page: `func` is called once a page, in order, each
 * page's file whole (a PNG or SVG page is the bytes
 * dp_render_to_file() writes into that page's file).  The page count and
 * the pages' size in points are dp_count_pages()'s; a PNG page is
 * ceil(width * dpi / 72) by ceil(height * dpi / 72) pixels.
 * DP_STATUS_WRITE when `func` returned false (no later page is drawn). */
DP_PUBLIC dp_status dp_render_pages(dp_context *ctx, const dp_document *doc,
                                    const dp_layout *layout,
                                    const dp_render_options *options,
                                    dp_page_func func, void *user_data);

/* Renders into memory.  On DP_STATUS_OK, `*data` (transfer full) holds
 * `*length` bytes: free it with dp_free() (or free()).  On failure
 * `*data` is NULL and `*length` 0. */
DP_PUBLIC dp_status dp_render_to_memory(dp_context *ctx,
                                        const dp_document *doc,
                                        const dp_layout *layout,
                                        const dp_render_options *options,
                                        unsigned char **data, size_t *length);

/* Renders `doc` with each of the `count` layouts into memory, as `count`
 * calls of dp_render_to_memory() would, output i into `data[i]` and
 * `length[i]` (free each with dp_free()); on failure every `data[i]` is
 * NULL.  Faster for several PDFs: each is finished (page boxes, language,
 * identifiers; a third of its time) in another thread while the next is
 * laid out and drawn.  The same bytes as one at a time. */
DP_PUBLIC dp_status dp_render_many_to_memory(dp_context *ctx,
                                             const dp_document *doc,
                                             dp_layout *const *layouts,
                                             size_t count,
                                             const dp_render_options *options,
                                             unsigned char **data,
                                             size_t *length);

/* ---- Calendars ------------------------------------------------------ */

/* The document's events as an iCalendar file (RFC 5545): one VEVENT per
 * event, in the document's `timezone` (with its VTIMEZONE) or in floating
 * time when it has none, texts in the document's language.  Entries keep
 * their UID across exports, so importing a newer file updates them; the
 * bytes are the same for the same document (DTSTAMP is the creation
 * date, dp_context_set_creation_date).  libical is loaded on the first call (the "ical" plugin); a
 * calendar that cannot be made, for want of the plugin or of libical's
 * data for the zone, is reported (file "disputas") and gives
 * DP_STATUS_WRITE. */

/* Writes the calendar to `path` atomically, as dp_render_to_file() does. */
DP_PUBLIC dp_status dp_calendar_to_file(dp_context *ctx,
                                        const dp_document *doc,
                                        const char *path);

/* The calendar in memory.  On DP_STATUS_OK, `*text` (transfer full) holds
 * `*length` bytes of UTF-8 with CRLF line ends, followed by a NUL: free it
 * with dp_free() (or free()).  On failure `*text` is NULL and `*length`
 * 0. */
DP_PUBLIC dp_status dp_calendar_to_memory(dp_context *ctx,
                                          const dp_document *doc,
                                          char **text, size_t *length);

#ifdef __cplusplus
}
#endif

#endif
