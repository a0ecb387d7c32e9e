/* The disputas command line (docs/disputas.1), a thin client of the
 * public API in include/disputas/disputas.h.
 *
 * Exit status: 0 success (warnings allowed), 1 invalid document or layout
 * or content that cannot be laid out, 2 usage error, 3 an output could not
 * be written. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "disputas/disputas.h"
#include "module.h"
#include "new.h"
#include "watch.h"

enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_WRITE = 3 };

static const char usage_text[] =
    "Usage:\n"
    "  disputas render DOC.yaml [-l LAYOUT] [-o OUT] [-f pdf|png|svg|trace] [--trace]\n"
    "                  [--impose MODE] [--dpi DPI] [--press] [--marks] [--preflight]\n"
    "                  [--press-profile PROFILE] [--pdfa] [--house FILE]\n"
    "  disputas build  DOC.yaml... [-d OUTDIR] [-l LAYOUT]... [-j N] [--press] [--marks]\n"
    "                  [--press-profile PROFILE] [--pdfa] [--preflight] [--house FILE]\n"
    "  disputas check  DOC.yaml [-l LAYOUT] [--preflight] [--press] [--marks]\n"
    "                  [--press-profile PROFILE] [--house FILE]\n"
    "  disputas watch  DOC.yaml [-d OUTDIR] [-l LAYOUT]... [--house FILE]\n"
    "  disputas preview DOC.yaml [-l LAYOUT]... [-p PORT] [--house FILE]\n"
    "  disputas layouts\n"
    "  disputas new    [FILE.yaml] [--lang LANG] [--events N]\n"
    "  disputas serve  [-H ADDRESS] [-p PORT] [-j N] [--timeout SECONDS] ...\n"
    "  disputas --version | --help\n"
    "\n"
    "Typesets doctoral defence announcements into print-ready PDFs.\n"
    "DOC.yaml may be - for standard input.  'disputas COMMAND --help'\n"
    "describes a command's options.\n";

/* Options shared by the commands; each command offers those it takes. */
typedef struct options {
  char *layout;
  char **layouts; /* build's -l, any number */
  char *output;
  char *format;
  char *impose;
  char *outdir;
  char *diagnostics;
  char *house;
  char *root;
  double dpi;
  char *lang;
  char *events;
  gboolean werror;
  gboolean marks;
  gboolean press;
  gboolean pdfa;
  char *press_profile;
  char *press_condition;
  gboolean preflight;
  gboolean trace;
  gboolean quiet;
  gboolean version;
  int jobs;
} options;

/* Whether stderr takes colours: a terminal, and no NO_COLOR (see
 * no-color.org: set and not empty) or TERM=dumb. */
static bool colour_stderr(void) {
  const char *no = g_getenv("NO_COLOR"), *term = g_getenv("TERM");
  return isatty(STDERR_FILENO) && !(no && *no) &&
         !(term && !strcmp(term, "dumb"));
}

/* "error:" as diagnostics print it, red on a terminal. */
static const char *error_word(void) {
  return colour_stderr() ? "\033[1;31merror:\033[0m" : "error:";
}

static int usage_error(const char *format, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  fprintf(stderr, "disputas: %s %s\nTry 'disputas --help'.\n", error_word(),
          message);
  g_free(message);
  return EXIT_USAGE;
}

/* Parses the options of `command`; on success leaves the positional
 * arguments in argv[1..*argc-1]. */
static bool parse_options(const char *command, int *argc, char ***argv,
                          options *opts, int *status) {
  GOptionEntry every[] = {
      {"version", 'V', 0, G_OPTION_ARG_NONE, &opts->version,
       "Print the version and exit", NULL},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opts->quiet,
       "Print no line for each file written", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry common[] = {
      {"werror", 0, 0, G_OPTION_ARG_NONE, &opts->werror,
       "Treat warnings as errors", NULL},
      {"diagnostics", 0, 0, G_OPTION_ARG_STRING, &opts->diagnostics,
       "How to print problems: text (default) or json", "FORMAT"},
      {"root", 0, 0, G_OPTION_ARG_FILENAME, &opts->root,
       "Every file a document or layout names must be inside DIR "
       "(for documents from others)", "DIR"},
      {"house", 0, 0, G_OPTION_ARG_FILENAME, &opts->house,
       "House style (docs/house.md) for documents that name none "
       "(default: $DISPUTAS_HOUSE)", "FILE"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry layout_entry[] = {
      {"layout", 'l', 0, G_OPTION_ARG_STRING, &opts->layout,
       "Built-in layout name or layout file (default: poster)", "LAYOUT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry render_entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opts->output,
       "Output file, or - for standard output", "OUT"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &opts->format,
       "pdf, png, svg or trace (default: from OUT's extension, else pdf)",
       "FORMAT"},
      {"trace", 0, 0, G_OPTION_ARG_NONE, &opts->trace,
       "The composed pages as text (-f trace), to standard output unless "
       "-o names a file", NULL},
      {"impose", 0, 0, G_OPTION_ARG_STRING, &opts->impose,
       "saddle-stitch, or none to turn a layout's imposition off", "MODE"},
      {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &opts->dpi,
       "Resolution of PNG output (default 150)", "DPI"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry build_entries[] = {
      {"outdir", 'd', 0, G_OPTION_ARG_FILENAME, &opts->outdir,
       "Folder for the outputs, made if missing (default: .)", "OUTDIR"},
      {"layout", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &opts->layouts,
       "Make this layout (built-in name or file) instead of poster, "
       "booklet and booklet-print; may be given several times", "LAYOUT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry jobs_entry[] = {
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &opts->jobs,
       "Documents built at once, each in a thread of its own (default 1)",
       "N"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry marks_entry[] = {
      {"press", 0, 0, G_OPTION_ARG_NONE, &opts->press,
       "Press output: pages grow by the layout's bleed (default: each "
       "page is its trim, for an office printer)", NULL},
      {"marks", 0, 0, G_OPTION_ARG_NONE, &opts->marks,
       "Press output with crop marks (and fold marks on imposed sheets) "
       "in a slug", NULL},
      {"press-profile", 0, 0, G_OPTION_ARG_FILENAME, &opts->press_profile,
       "Press output's printing condition: srgb, cmyk or an ICC file "
       "(default: the layout's)", "PROFILE"},
      {"press-condition", 0, 0, G_OPTION_ARG_STRING, &opts->press_condition,
       "Its name in the output intent (default: the profile's own)",
       "NAME"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry pdfa_entry[] = {
      {"pdfa", 0, 0, G_OPTION_ARG_NONE, &opts->pdfa,
       "PDF/A-2b for archives: an sRGB output intent and its "
       "identification in the XMP (not with press output)", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry new_entries[] = {
      {"lang", 0, 0, G_OPTION_ARG_STRING, &opts->lang,
       "The announcement's language: en (default), nb, nn, de, ...", "LANG"},
      {"events", 0, 0, G_OPTION_ARG_STRING, &opts->events,
       "Events to fill in (default 2: the trial lecture and the public "
       "defence)", "N"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry preflight_entry[] = {
      {"preflight", 0, 0, G_OPTION_ARG_NONE, &opts->preflight,
       "Warn of what a print shop would reject (fonts, small text, "
       "low-resolution images, QR codes, bleed)", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};

  /* GOption's usage line is "PRGNAME [OPTION…] PARAMETER". */
  static const struct { const char *command, *parameter, *summary; } help[] = {
      {"render", "DOC.yaml", "Typesets one product of an announcement."},
      {"build", "DOC.yaml...",
       "Writes every product of each announcement: the poster, the "
       "booklet, the imposed booklet and a calendar."},
      {"check", "DOC.yaml", "Reports every problem; writes nothing."},
      {"watch", "DOC.yaml",
       "Builds every product, then again whenever the document, a layout, "
       "the house file or an image changes, printing what changed and any "
       "problems."},
      {"layouts", "", "Lists the built-in layouts."},
      {"new", "[FILE.yaml]",
       "Writes a commented announcement to fill in (to standard output "
       "without FILE)."}};
  size_t h = 0;
  while (strcmp(help[h].command, command)) h++;
  char *prgname = g_strdup_printf("disputas %s", command);
  g_set_prgname(prgname);
  g_free(prgname);
  GOptionContext *context = g_option_context_new(help[h].parameter);
  g_option_context_set_summary(context, help[h].summary);
  g_option_context_add_main_entries(context, every, NULL);
  if (!strcmp(command, "new"))
    g_option_context_add_main_entries(context, new_entries, NULL);
  else
    g_option_context_add_main_entries(context, common, NULL);
  if (!strcmp(command, "render") || !strcmp(command, "check"))
    g_option_context_add_main_entries(context, layout_entry, NULL);
  if (!strcmp(command, "render"))
    g_option_context_add_main_entries(context, render_entries, NULL);
  if (!strcmp(command, "build") || !strcmp(command, "watch"))
    g_option_context_add_main_entries(context, build_entries, NULL);
  if (!strcmp(command, "build"))
    g_option_context_add_main_entries(context, jobs_entry, NULL);
  if (!strcmp(command, "render") || !strcmp(command, "build") ||
      !strcmp(command, "watch") || !strcmp(command, "check"))
    g_option_context_add_main_entries(context, marks_entry, NULL);
  if (!strcmp(command, "render") || !strcmp(command, "build") ||
      !strcmp(command, "watch"))
    g_option_context_add_main_entries(context, pdfa_entry, NULL);
  if (strcmp(command, "layouts") && strcmp(command, "new"))
    g_option_context_add_main_entries(context, preflight_entry, NULL);

  GError *error = NULL;
  bool ok = g_option_context_parse(context, argc, argv, &error);
  g_option_context_free(context);
  if (!ok) {
    *status = usage_error("%s", error->message);
    g_error_free(error);
    return false;
  }
  if (opts->diagnostics && strcmp(opts->diagnostics, "text") &&
      strcmp(opts->diagnostics, "json")) {
    *status = usage_error("--diagnostics takes 'text' or 'json', not '%s'",
                          opts->diagnostics);
    return false;
  }
  if (opts->press_condition && !opts->press_profile) {
    *status = usage_error("--press-condition names the condition of "
                          "--press-profile, which is not given");
    return false;
  }
  if (opts->root && !g_file_test(opts->root, G_FILE_TEST_IS_DIR)) {
    *status = usage_error("--root takes a folder, and '%s' is not one",
                          opts->root);
    return false;
  }
  return true;
}

static dp_context *context_for(const options *opts) {
  dp_context *ctx = dp_context_new();
  dp_context_set_print_diagnostics(ctx, true); /* the library prints not */
  dp_context_set_werror(ctx, opts->werror);
  if (opts->root) dp_context_set_root(ctx, opts->root);
  /* The house for documents that name none: --house, else the
   * environment's.  A house that cannot be used is an error counted in
   * the context, which the commands check before they start. */
  const char *house = opts->house ? opts->house : g_getenv("DISPUTAS_HOUSE");
  if (house && *house) dp_context_set_house(ctx, house);
  if (opts->diagnostics && !strcmp(opts->diagnostics, "json"))
    dp_context_set_json_diagnostics(ctx, true);
  else
    dp_context_set_colour_diagnostics(ctx, colour_stderr());
  return ctx;
}

/* Standard input's name in messages; its outputs are named "stdin". */
#define STDIN_NAME "<stdin>"

/* The document at `path`, or on standard input for "-" (read whole,
 * bounded as files are; images relative to the current folder). */
static dp_document *load_document(dp_context *ctx, const char *path) {
  if (strcmp(path, "-")) return dp_document_load_file(ctx, path);
  enum { MAX_STDIN = 16 << 20 }; /* as a file (yaml-tree.h) */
  GString *text = g_string_new(NULL);
  char buffer[65536];
  size_t n;
  bool too_big = false;
  while (!too_big && (n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    too_big = text->len + n > MAX_STDIN;
    g_string_append_len(text, buffer, (gssize)n);
  }
  dp_document *doc = NULL;
  if (ferror(stdin))
    fprintf(stderr, "%s: %s cannot read standard input: %s\n", STDIN_NAME,
            error_word(), g_strerror(errno));
  else if (too_big)
    fprintf(stderr, "%s: %s the file is larger than 16 MiB\n", STDIN_NAME,
            error_word());
  else
    doc = dp_document_load_data(ctx, STDIN_NAME, text->str, text->len);
  g_string_free(text, TRUE);
  return doc;
}

/* The name a document's outputs take. */
static const char *document_stem(const dp_document *doc, const char *path) {
  return strcmp(path, "-") ? dp_document_get_stem(doc) : "stdin";
}

/* The standard size within 1 mm (two A5 pages side by side are 296 mm
 * wide, and print on A4). */
static const char *page_size_name(double w, double h) {
  static const struct { const char *name; double w, h; } sizes[] = {
      {"A3", 841.89, 1190.55}, {"A4", 595.28, 841.89}, {"A5", 419.53, 595.28},
      {"A6", 297.64, 419.53},  {"letter", 612, 792},   {"legal", 612, 1008}};
  for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
    if (fabs(w - sizes[i].w) < 3 && fabs(h - sizes[i].h) < 3) return sizes[i].name;
    if (fabs(h - sizes[i].w) < 3 && fabs(w - sizes[i].h) < 3) return sizes[i].name;
  }
  return NULL;
}

/* "1 page, A4", "4 pages, A4 landscape", "3 pages, 120 × 80 mm": what a
 * render of `doc` in `layout` made (see dp_count_pages). */
static char *pages_summary(dp_context *ctx, const dp_document *doc,
                           const dp_layout *layout,
                           const dp_render_options *ro) {
  int pages = 0;
  double w = 0, h = 0;
  if (dp_count_pages(ctx, doc, layout, ro, &pages, &w, &h) != DP_STATUS_OK)
    return g_strdup("");
  const char *size = page_size_name(w, h);
  char *size_text = size ? g_strdup_printf("%s%s", size,
                                           w > h ? " landscape" : "")
                         : g_strdup_printf("%.0f \u00d7 %.0f mm",
                                           w / 72 * 25.4, h / 72 * 25.4);
  char *text = g_strdup_printf(": %d page%s, %s", pages, pages == 1 ? "" : "s",
                               size_text);
  g_free(size_text);
  return text;
}

static int run_check(const options *opts, const char *path) {
  dp_context *ctx = context_for(opts);
  bool ready = dp_context_get_error_count(ctx) == 0;
  dp_document *doc = ready ? load_document(ctx, path) : NULL;
  dp_layout *layout =
      ready ? dp_layout_load(ctx, opts->layout ? opts->layout : "poster")
            : NULL;
  int status = EXIT_INVALID;
  dp_render_options *ro = dp_render_options_new();
  dp_render_options_set_preflight(ro, opts->preflight);
  /* Press output's preflight checks its colours too. */
  dp_render_options_set_marks(ro, opts->marks);
  dp_render_options_set_press(ro, opts->press);
  dp_render_options_set_press_profile(ro, opts->press_profile,
                                      opts->press_condition);
  if (doc && layout &&
      dp_check_with_options(ctx, doc, layout, ro) == DP_STATUS_OK &&
      dp_context_get_error_count(ctx) == 0)
    status = EXIT_SUCCESS;
  dp_render_options_free(ro);
  dp_layout_free(layout);
  dp_document_free(doc);
  dp_context_free(ctx);
  return status;
}

static bool write_stdout(void *user_data, const unsigned char *data,
                         size_t length) {
  (void)user_data;
  return fwrite(data, 1, length, stdout) == length;
}

static bool parse_format(const char *text, dp_output_format *format) {
  if (!g_ascii_strcasecmp(text, "pdf")) *format = DP_OUTPUT_PDF;
  else if (!g_ascii_strcasecmp(text, "png")) *format = DP_OUTPUT_PNG;
  else if (!g_ascii_strcasecmp(text, "svg")) *format = DP_OUTPUT_SVG;
  else if (!g_ascii_strcasecmp(text, "trace")) *format = DP_OUTPUT_TRACE;
  else return false;
  return true;
}

static int status_exit(dp_status status) {
  return status == DP_STATUS_OK ? EXIT_SUCCESS
         : status == DP_STATUS_WRITE ? EXIT_WRITE : EXIT_INVALID;
}

/* The layout's name as it goes into output names: a built-in name, or a
 * layout file's base name without extension. */
static char *layout_stem(const char *layout) {
  char *base = g_path_get_basename(layout);
  char *dot = strrchr(base, '.');
  if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))) *dot = '\0';
  return base;
}

static const char *const format_names[] = {"PDF", "PNG", "SVG", "trace"};

/* The format `-o OUT`'s extension names, in *format; false after
 * reporting an extension that names none (`-o poster.jpg` would be a PDF
 * under a JPEG's name).  A name without an extension names none. */
static bool output_format(const char *out, dp_output_format *format,
                          bool *named, int *status) {
  char *base = g_path_get_basename(out);
  const char *dot = strrchr(base, '.');
  *named = dot && dot != base && dot[1];
  bool ok = !*named || parse_format(dot + 1, format);
  if (!ok)
    *status = usage_error("-o %s: the output is a .pdf, .png, .svg or "
                          ".trace file, not .%s", out, dot + 1);
  g_free(base);
  return ok;
}

static int run_render(const options *opts, const char *path) {
  dp_output_format format = DP_OUTPUT_PDF, named_format = DP_OUTPUT_PDF;
  bool named = false;
  int status = EXIT_INVALID;
  if (opts->output && strcmp(opts->output, "-") &&
      !output_format(opts->output, &named_format, &named, &status))
    return status;
  if (opts->format) {
    if (!parse_format(opts->format, &format))
      return usage_error("-f takes pdf, png, svg or trace, not '%s'",
                         opts->format);
    if (opts->trace && format != DP_OUTPUT_TRACE)
      return usage_error("--trace is -f trace, not -f %s", opts->format);
  } else if (opts->trace) {
    format = DP_OUTPUT_TRACE;
  } else {
    format = named_format;
  }
  if (named && named_format != format)
    return usage_error("-o %s names a %s file, but %s asks for %s: make the "
                       "two agree", opts->output, format_names[named_format],
                       opts->format ? "-f" : "--trace", format_names[format]);
  dp_impose_mode impose = DP_IMPOSE_AS_LAYOUT;
  if (opts->impose) {
    if (!strcmp(opts->impose, "saddle-stitch")) impose = DP_IMPOSE_SADDLE;
    else if (!strcmp(opts->impose, "none")) impose = DP_IMPOSE_OFF;
    else return usage_error("--impose takes saddle-stitch or none, not '%s'",
                            opts->impose);
  }
  if (opts->dpi != 0 && (opts->dpi < 10 || opts->dpi > 2400))
    return usage_error("--dpi takes a resolution from 10 to 2400, not %g",
                       opts->dpi);
  const char *layout_name = opts->layout ? opts->layout : "poster";
  dp_context *ctx = context_for(opts);
  if (format == DP_OUTPUT_PDF) dp_context_expect(ctx, DP_EXPECT_PDF);
  bool ready = dp_context_get_error_count(ctx) == 0;
  dp_document *doc = ready ? load_document(ctx, path) : NULL;
  dp_layout *layout = ready ? dp_layout_load(ctx, layout_name) : NULL;
  char *wrote = NULL; /* what the summary names */
  if (doc && layout && dp_context_get_error_count(ctx) == 0) {
    dp_render_options *ro = dp_render_options_new();
    dp_render_options_set_format(ro, format);
    dp_render_options_set_impose(ro, impose);
    if (opts->dpi > 0) dp_render_options_set_dpi(ro, opts->dpi);
    dp_render_options_set_marks(ro, opts->marks);
    dp_render_options_set_press(ro, opts->press);
    dp_render_options_set_press_profile(ro, opts->press_profile,
                                        opts->press_condition);
    dp_render_options_set_pdfa(ro, opts->pdfa);
    dp_render_options_set_preflight(ro, opts->preflight);
    /* --trace without -o: a trace is for reading, or for diff. */
    bool to_stdout = opts->output ? !strcmp(opts->output, "-") : opts->trace;
    if (to_stdout) {
      status = status_exit(dp_render_to_callback(ctx, doc, layout, ro,
                                                 write_stdout, NULL));
      if (status == EXIT_SUCCESS && fflush(stdout) != 0) status = EXIT_WRITE;
      if (status == EXIT_WRITE)
        fprintf(stderr, "disputas: %s cannot write to standard output\n",
                error_word());
      wrote = g_strdup("standard output");
    } else {
      static const char *const extensions[] = {"pdf", "png", "svg", "trace"};
      char *stem = layout_stem(layout_name);
      char *out = opts->output ? g_strdup(opts->output)
                               : g_strdup_printf("%s.%s.%s",
                                                 document_stem(doc, path), stem,
                                                 extensions[format]);
      status = status_exit(dp_render_to_file(ctx, doc, layout, ro, out));
      if (format == DP_OUTPUT_PNG || format == DP_OUTPUT_SVG) {
        /* One file a page, numbered as dp_render_to_file numbers them. */
        int pages = 0;
        dp_count_pages(ctx, doc, layout, ro, &pages, NULL, NULL);
        char *base = g_path_get_basename(out);
        const char *dot = strrchr(base, '.');
        int stem_length = (int)(strlen(out) - (dot && dot != base
                                                   ? strlen(dot) : 0));
        const char *ext = dot && dot != base ? dot : "";
        wrote = pages > 1 ? g_strdup_printf("%.*s-1%s to %.*s-%d%s",
                                            stem_length, out, ext,
                                            stem_length, out, pages, ext)
                          : g_strdup_printf("%.*s-1%s", stem_length, out, ext);
        g_free(base);
      } else {
        wrote = g_strdup(out);
      }
      g_free(out);
      g_free(stem);
    }
    if (status == EXIT_SUCCESS && !opts->quiet) {
      char *pages = pages_summary(ctx, doc, layout, ro);
      fprintf(stderr, "wrote %s%s\n", wrote, pages);
      g_free(pages);
    }
    dp_render_options_free(ro);
    if (status == EXIT_SUCCESS && dp_context_get_error_count(ctx) > 0)
      status = EXIT_INVALID;
  } else if (opts->output && strcmp(opts->output, "-")) {
    dp_atomic_file_release(opts->output); /* a FIFO's reader must not wait */
  }
  g_free(wrote);
  dp_layout_free(layout);
  dp_document_free(doc);
  dp_context_free(ctx);
  return status;
}

/* An output of `build`, made in memory. */
typedef struct output {
  char *path;
  unsigned char *data; /* free with dp_free() */
  size_t length;
  char *temp_path;
} output;

/* ---- Writing a document's outputs, all or none ---------------------- */

/* Each output goes to a temporary file beside it (src/atomic-file.h),
 * and only when all are written are they renamed into place. */

/* The renames replace the outputs one at a time, so a process killed
 * between two would leave some outputs new and the others old.  Before
 * the first rename the list of them is written beside the outputs, as
 * `.STEM.disputas-pending` (itself through a temporary file and a
 * rename), and it is removed after the last.  A build that finds such a
 * list (its process was killed) does the renames it lists whose
 * temporaries are still there, then removes it: a kill leaves either the
 * old outputs, or the list that makes them all new at the next build
 * into that folder.  The list holds NUL-terminated pairs of base names,
 * temporary then output, after PENDING_MAGIC. */
#define PENDING_SUFFIX ".disputas-pending"
#define PENDING_MAGIC "disputas pending renames 1"
/* A list longer than this is not one of ours. */
#define PENDING_MAX (64 * 1024)

/* Does the renames of the pending list `name` in `dir` (see above) whose
 * temporaries are still there, and removes the list. */
static void complete_pending(const char *dir, const char *name) {
  char *path = g_build_filename(dir, name, NULL);
  char *text = NULL;
  gsize length = 0;
  GStatBuf st;
  if (g_lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
      st.st_size <= PENDING_MAX &&
      g_file_get_contents(path, &text, &length, NULL) &&
      length > sizeof PENDING_MAGIC &&
      memcmp(text, PENDING_MAGIC, sizeof PENDING_MAGIC) == 0 &&
      text[length - 1] == '\0') {
    const char *p = text + sizeof PENDING_MAGIC, *end = text + length;
    while (p < end) {
      const char *temp = p;
      p += strlen(p) + 1;
      if (p >= end) break;
      const char *final = p;
      p += strlen(p) + 1;
      /* Only a temporary of the output, in this folder. */
      if (strchr(final, '/') || !*final || !dp_atomic_file_is_temp_name(temp, final))
        continue;
      char *from = g_build_filename(dir, temp, NULL);
      char *to = g_build_filename(dir, final, NULL);
      if (g_lstat(from, &st) == 0 && S_ISREG(st.st_mode)) g_rename(from, to);
      g_free(from);
      g_free(to);
    }
  }
  g_unlink(path);
  g_free(text);
  g_free(path);
}

/* Completes every pending list in `dir`: builds killed between renames. */
static void complete_pending_renames(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d) return;
  GPtrArray *lists = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(d));)
    if (name[0] == '.' && g_str_has_suffix(name, PENDING_SUFFIX))
      g_ptr_array_add(lists, g_strdup(name));
  g_dir_close(d);
  for (guint i = 0; i < lists->len; i++)
    complete_pending(dir, lists->pdata[i]);
  g_ptr_array_free(lists, TRUE);
}

/* Writes `length` bytes of `data` into a new temporary file of `path`
 * (its name into *temp_path, g_free); 0 or an errno value. */
static int write_temp(const char *path, const unsigned char *data,
                      size_t length, char **temp_path) {
  dp_atomic_file f;
  bool ok = dp_atomic_file_open(&f, path, false) &&
            dp_atomic_file_write(&f, data, length);
  ok = dp_atomic_file_close(&f) && ok;
  int error = ok ? 0 : f.error ? f.error : EIO;
  *temp_path = ok ? g_steal_pointer(&f.temp_path) : NULL;
  dp_atomic_file_discard(&f);
  return error;
}

/* Writes every output of the document `stem`, all in `outdir`, or none
 * (see above).  Reports and returns false on failure, leaving no
 * temporary file. */
static bool write_outputs(const char *outdir, const char *stem,
                          output *outputs, size_t count) {
  int error = 0;
  const char *failed = NULL;
  for (size_t i = 0; i < count && !error; i++) {
    output *o = &outputs[i];
    failed = o->path;
    /* Not a FIFO or a device: the outputs are renamed into place. */
    if (g_file_test(o->path, G_FILE_TEST_EXISTS) &&
        !g_file_test(o->path, G_FILE_TEST_IS_REGULAR))
      error = g_file_test(o->path, G_FILE_TEST_IS_DIR) ? EISDIR : -1;
    else
      error = write_temp(o->path, o->data, o->length, &o->temp_path);
  }
  /* The list of renames, then the renames, then no list. */
  char *pending = g_strdup_printf("%s/.%s" PENDING_SUFFIX, outdir, stem);
  char *pending_temp = NULL;
  if (!error) {
    GByteArray *list = g_byte_array_new();
    g_byte_array_append(list, (const guint8 *)PENDING_MAGIC,
                        sizeof PENDING_MAGIC);
    for (size_t i = 0; i < count; i++) {
      char *temp = g_path_get_basename(outputs[i].temp_path);
      char *final = g_path_get_basename(outputs[i].path);
      g_byte_array_append(list, (const guint8 *)temp, strlen(temp) + 1);
      g_byte_array_append(list, (const guint8 *)final, strlen(final) + 1);
      g_free(temp);
      g_free(final);
    }
    failed = pending;
    error = write_temp(pending, list->data, list->len, &pending_temp);
    if (!error && g_rename(pending_temp, pending) != 0) error = errno;
    if (!error) g_clear_pointer(&pending_temp, g_free);
    g_byte_array_free(list, TRUE);
  }
  for (size_t i = 0; i < count && !error; i++) {
    failed = outputs[i].path;
    if (g_rename(outputs[i].temp_path, outputs[i].path) != 0) {
      /* Gone: a build that found the list (started in the moment
       * between the list's rename and this one) did it. */
      if (errno != ENOENT || !g_file_test(outputs[i].path, G_FILE_TEST_EXISTS))
        error = errno;
    }
    if (!error) g_clear_pointer(&outputs[i].temp_path, g_free);
  }
  /* Removed on failure too: its renames must not happen. */
  g_unlink(pending);
  if (pending_temp) g_unlink(pending_temp);
  g_free(pending_temp);
  g_free(pending);
  if (error)
    fprintf(stderr, "disputas: error: cannot write '%s': %s\n", failed,
            error < 0 ? "it is not a regular file (build writes only "
                        "regular files)"
                      : g_strerror(error));
  for (size_t i = 0; i < count; i++) {
    if (outputs[i].temp_path) g_unlink(outputs[i].temp_path);
    g_clear_pointer(&outputs[i].temp_path, g_free);
  }
  return !error;
}

/* The products `build` makes without -l. */
static const char *const default_products[] = {"poster", "booklet",
                                               "booklet-print", NULL};

/* The layouts `build` makes: -l's, or the built-in three. */
static const char *const *build_products(const options *opts) {
  return opts->layouts ? (const char *const *)opts->layouts
                       : default_products;
}

/* Makes `dir` (and its parents) when missing; reports and returns false
 * when that fails or `dir` is something else. */
static bool ensure_folder(const char *dir) {
  if (g_file_test(dir, G_FILE_TEST_IS_DIR)) return true;
  if (g_file_test(dir, G_FILE_TEST_EXISTS)) {
    fprintf(stderr, "disputas: %s '%s' is not a folder\n", error_word(), dir);
    return false;
  }
  if (g_mkdir_with_parents(dir, 0777) != 0) {
    fprintf(stderr, "disputas: %s cannot make the folder '%s': %s\n",
            error_word(), dir, g_strerror(errno));
    return false;
  }
  return true;
}

/* What building documents one after another shares: a context (fonts,
 * dictionaries) and the layouts.  One per thread. */
typedef struct builder {
  const options *opts;
  const char *outdir;
  dp_context *ctx;
  int count;           /* layouts */
  dp_layout **layouts;
  char **stems;        /* each layout's part of the output names */
  dp_render_options *ro;
  bool ready; /* the layouts loaded */
  GPtrArray *files; /* when not NULL, build_one adds the files the
                       document and layouts were read from (watch) */
} builder;

static void builder_init(builder *b, const options *opts, const char *outdir) {
  const char *const *products = build_products(opts);
  int count = (int)g_strv_length((char **)products);
  *b = (builder){opts, outdir, context_for(opts), count,
                 g_new0(dp_layout *, count), g_new0(char *, count + 1), NULL,
                 true, NULL};
  dp_context_expect(b->ctx, DP_EXPECT_PDF | DP_EXPECT_CALENDAR);
  b->ready = dp_context_get_error_count(b->ctx) == 0; /* the house */
  for (int i = 0; i < count; i++) {
    b->stems[i] = layout_stem(products[i]);
    if (b->ready) b->layouts[i] = dp_layout_load(b->ctx, products[i]);
    if (!b->layouts[i]) b->ready = false;
  }
  b->ro = dp_render_options_new();
  dp_render_options_set_marks(b->ro, opts->marks);
  dp_render_options_set_press(b->ro, opts->press);
  dp_render_options_set_press_profile(b->ro, opts->press_profile,
                                      opts->press_condition);
  dp_render_options_set_pdfa(b->ro, opts->pdfa);
}

static void builder_clear(builder *b) {
  dp_render_options_free(b->ro);
  for (int i = 0; i < b->count; i++) dp_layout_free(b->layouts[i]);
  g_free(b->layouts);
  g_strfreev(b->stems);
  dp_context_free(b->ctx);
}

/* Every product of a document: the calendar and a PDF of each layout.
 * A product that cannot be made (its content does not fit) is reported
 * and the others are made; its file from an earlier build is removed, so
 * no stale product stays beside the new ones.  An invalid document makes
 * none. */
static int build_one(builder *b, const char *path) {
  dp_context *ctx = b->ctx;
  dp_render_options *ro = b->ro;
  const char *outdir = b->outdir;
  const int count = b->count;
  dp_document *doc = load_document(ctx, path);
  int status = doc && b->ready ? EXIT_SUCCESS : EXIT_INVALID;
  for (int i = 0; b->files && i < count; i++)
    for (const char *const *f = b->layouts[i]
                                    ? dp_layout_get_files(b->layouts[i])
                                    : NULL;
         f && *f; f++)
      g_ptr_array_add(b->files, g_strdup(*f));
  for (const char *const *f = b->files && doc ? dp_document_get_files(doc)
                                              : NULL;
       f && *f; f++)
    g_ptr_array_add(b->files, g_strdup(*f));
  dp_render_options_set_preflight(ro, b->opts->preflight);
  /* Check all first (the context keeps the pages: the renders below lay
   * out nothing again). */
  bool *made = g_new0(bool, count);
  dp_layout **layouts = g_new0(dp_layout *, count);
  int ok = 0;
  for (int i = 0; i < count && status == EXIT_SUCCESS; i++) {
    int s = status_exit(dp_check_with_options(ctx, doc, b->layouts[i], ro));
    if (s == EXIT_SUCCESS) {
      made[i] = true;
      layouts[ok++] = b->layouts[i];
    } else if (s != EXIT_INVALID) {
      status = s;
    }
  }
  /* A document that is invalid in itself fails every product alike. */
  if (status == EXIT_SUCCESS && ok == 0 && count > 0) status = EXIT_INVALID;
  /* Preflight ran with the checks (the context keeps that); the renders
   * keep the option for what only a PDF can tell: its summary. */
  /* Every output is made in memory first, then all are written at once:
   * a failure to write writes none of them. */
  output *outputs = g_new0(output, ok + 1);
  const char *stem = doc ? document_stem(doc, path) : NULL;
  if (status == EXIT_SUCCESS) {
    char *text = NULL;
    outputs[0].path = g_strdup_printf("%s/%s.ics", outdir, stem);
    status = status_exit(
        dp_calendar_to_memory(ctx, doc, &text, &outputs[0].length));
    outputs[0].data = (unsigned char *)text;
  }
  if (status == EXIT_SUCCESS) {
    unsigned char **data = g_new0(unsigned char *, ok);
    size_t *length = g_new0(size_t, ok);
    status = status_exit(dp_render_many_to_memory(ctx, doc, layouts, ok, ro,
                                                   data, length));
    for (int i = 0, k = 0; i < count; i++) {
      if (!made[i]) continue;
      outputs[k + 1].path = g_strdup_printf("%s/%s.%s.pdf", outdir, stem,
                                            b->stems[i]);
      outputs[k + 1].data = data[k];
      outputs[k + 1].length = length[k];
      k++;
    }
    g_free(data);
    g_free(length);
  }
  if (status == EXIT_SUCCESS &&
      (!ensure_folder(outdir) ||
       !write_outputs(outdir, stem, outputs, ok + 1)))
    status = EXIT_WRITE;
  if (status == EXIT_SUCCESS) {
    /* One line an output, printed at once: threads do not interleave. */
    GString *lines = g_string_new(NULL);
    if (!b->opts->quiet)
      g_string_append_printf(lines, "wrote %s: the events as a calendar\n",
                             outputs[0].path);
    for (int i = 0, k = 0; i < count; i++) {
      if (made[i]) {
        char *pages = pages_summary(ctx, doc, b->layouts[i], ro);
        if (!b->opts->quiet)
          g_string_append_printf(lines, "wrote %s%s\n", outputs[k + 1].path,
                                 pages);
        g_free(pages);
        k++;
        continue;
      }
      /* The failed product: no file of an earlier build stays. */
      char *old = g_strdup_printf("%s/%s.%s.pdf", outdir, stem, b->stems[i]);
      bool removed = g_file_test(old, G_FILE_TEST_IS_REGULAR) &&
                     g_unlink(old) == 0;
      g_string_append_printf(lines, "disputas: %s %s: the %s was not made "
                             "(above: what does not fit)%s%s\n",
                             error_word(), path, b->stems[i],
                             removed ? "; removed the old " : "",
                             removed ? old : "");
      g_free(old);
      status = EXIT_INVALID;
    }
    fputs(lines->str, stderr);
    g_string_free(lines, TRUE);
  }
  for (int i = 0; i < ok + 1; i++) {
    g_free(outputs[i].path);
    dp_free(outputs[i].data);
  }
  g_free(outputs);
  g_free(layouts);
  g_free(made);
  dp_document_free(doc);
  return status;
}

/* Documents shared out among the threads of a batch. */
typedef struct batch {
  const options *opts;
  const char *outdir;
  char **paths;
  int count;
  gint next;     /* the next document to take */
  int *statuses; /* each document's exit status */
} batch;

static gpointer batch_worker(gpointer data) {
  batch *job = data;
  builder b;
  builder_init(&b, job->opts, job->outdir);
  for (int i; (i = g_atomic_int_add(&job->next, 1)) < job->count;)
    job->statuses[i] = build_one(&b, job->paths[i]);
  builder_clear(&b);
  return NULL;
}

/* The name outputs take from a document: its base name without the
 * extension (as dp_document_get_stem gives it). */
static char *output_stem(const char *path) {
  if (!strcmp(path, "-")) return g_strdup("stdin");
  char *base = g_path_get_basename(path);
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  return base;
}

/* Builds every document of `paths`, each independently: one that fails
 * reports its problems and writes nothing, and the others go on.  `-j N`
 * spreads them over N threads, each with its own context (fonts and
 * dictionaries load once a thread, not once a document).  The exit
 * status is the worst a document had: 0 when all were built. */
static int run_build(const options *opts, char **paths, int count) {
  const char *outdir = opts->outdir ? opts->outdir : ".";
  if (opts->jobs < 0)
    return usage_error("-j takes a number of documents at once, not %d",
                       opts->jobs);
  /* A missing folder is made when there is something to write in it. */
  if (g_file_test(outdir, G_FILE_TEST_EXISTS) &&
      !g_file_test(outdir, G_FILE_TEST_IS_DIR)) {
    fprintf(stderr, "disputas: %s '%s' is not a folder\n", error_word(),
            outdir);
    return EXIT_WRITE;
  }
  /* Two layouts of the same name would write the same files. */
  const char *const *products = build_products(opts);
  for (int i = 0; products[i]; i++)
    for (int j = 0; j < i; j++) {
      char *a = layout_stem(products[i]), *b = layout_stem(products[j]);
      int same = !strcmp(a, b)
                     ? usage_error("layouts '%s' and '%s' would write the "
                                   "same files (*.%s.pdf)", products[j],
                                   products[i], a)
                     : 0;
      g_free(a);
      g_free(b);
      if (same) return same;
    }
  /* Two documents of the same name would write the same files. */
  GHashTable *stems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
  int status = EXIT_SUCCESS;
  for (int i = 0; i < count && status == EXIT_SUCCESS; i++) {
    char *stem = output_stem(paths[i]);
    const char *other = g_hash_table_lookup(stems, stem);
    if (other)
      status = usage_error("'%s' and '%s' would write the same files "
                           "(%s.*)", other, paths[i], stem);
    g_hash_table_insert(stems, stem, paths[i]);
  }
  g_hash_table_destroy(stems);
  if (status != EXIT_SUCCESS) return status;

  /* A build killed between its renames left a list of the rest. */
  complete_pending_renames(outdir);
  batch job = {opts, outdir, paths, count, 0, g_new0(int, count)};
  int threads = MAX(1, MIN(opts->jobs, count));
  if (threads == 1) {
    batch_worker(&job);
  } else {
    GThread **workers = g_new(GThread *, threads);
    for (int t = 0; t < threads; t++)
      workers[t] = g_thread_new("build", batch_worker, &job);
    for (int t = 0; t < threads; t++) g_thread_join(workers[t]);
    g_free(workers);
  }
  for (int i = 0; i < count; i++) status = MAX(status, job.statuses[i]);
  g_free(job.statuses);
  return status;
}

/* ---- disputas watch ---------------------------------------------------- */

/* Builds a document, then builds it again whenever a file it was made
 * from changes (watch.h): the document, its house file, its images, the
 * layouts, what they extend and the images they place. */
typedef struct watcher {
  const options *opts;
  const char *path;
  const char *outdir;
  dp_watch *watch;
  GMainLoop *loop;
} watcher;

static void watch_build(GPtrArray *changed, void *data) {
  watcher *w = data;
  for (guint i = 0; changed && i < changed->len; i++)
    fprintf(stderr, "changed: %s\n", (char *)g_ptr_array_index(changed, i));
  builder b;
  builder_init(&b, w->opts, w->outdir);
  b.files = g_ptr_array_new_with_free_func(g_free);
  gint64 start = g_get_monotonic_time();
  int status = build_one(&b, w->path);
  /* The document itself, the house and the layouts named, even when
   * they could not be read: a fix is a change. */
  g_ptr_array_add(b.files, g_strdup(w->path));
  const char *const *products = build_products(w->opts);
  for (int i = 0; products[i]; i++)
    if (strchr(products[i], '/') || g_str_has_suffix(products[i], ".yaml") ||
        g_str_has_suffix(products[i], ".yml"))
      g_ptr_array_add(b.files, g_strdup(products[i]));
  const char *house = w->opts->house ? w->opts->house
                                     : g_getenv("DISPUTAS_HOUSE");
  if (house && *house) g_ptr_array_add(b.files, g_strdup(house));
  dp_watch_set_files(w->watch, b.files, status == EXIT_SUCCESS);
  g_ptr_array_free(b.files, TRUE);
  builder_clear(&b);
  fprintf(stderr, "%s in %.0f ms; watching %u files (Ctrl-C to stop)\n",
          status == EXIT_SUCCESS ? "built" : "failed",
          (double)(g_get_monotonic_time() - start) / 1000,
          dp_watch_count(w->watch));
}

/* Kept (the sources are removed once the loop is done). */
static gboolean watch_stop(gpointer data) {
  g_main_loop_quit(((watcher *)data)->loop);
  return G_SOURCE_CONTINUE;
}

static int run_watch(const options *opts, const char *path) {
  if (!strcmp(path, "-"))
    return usage_error("'watch' needs a document file, not standard input");
  watcher w = {opts, path, opts->outdir ? opts->outdir : ".", NULL,
               g_main_loop_new(NULL, FALSE)};
  w.watch = dp_watch_new(watch_build, &w);
  watch_build(NULL, &w);
  guint sigint = g_unix_signal_add(SIGINT, watch_stop, &w);
  guint sigterm = g_unix_signal_add(SIGTERM, watch_stop, &w);
  g_main_loop_run(w.loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  dp_watch_free(w.watch);
  g_main_loop_unref(w.loop);
  return EXIT_SUCCESS;
}

static int run_layouts(const options *opts) {
  dp_context *ctx = context_for(opts);
  int status = EXIT_SUCCESS;
  for (const char *const *name = dp_layout_get_builtin_names(); *name; name++) {
    dp_layout *layout = dp_layout_load(ctx, *name);
    if (!layout) {
      status = EXIT_INVALID;
      continue;
    }
    double w, h;
    dp_layout_get_page_size(layout, &w, &h);
    bool imposed = dp_layout_is_imposed(layout);
    if (imposed) w *= 2;
    const char *size = page_size_name(w, h);
    char *size_text = size ? g_strdup_printf("%s %s", size, w > h ? "landscape" : "portrait")
                           : g_strdup_printf("%.0fx%.0fmm", w / 72 * 25.4, h / 72 * 25.4);
    int max = dp_layout_get_pages_max(layout), multiple = dp_layout_get_pages_multiple(layout);
    char *pages = imposed ? g_strdup("2-up sheets")
                  : max == 1 ? g_strdup("1 page")
                  : multiple > 1 ? g_strdup_printf("pages in %ds", multiple)
                                 : g_strdup("any pages");
    printf("%-14s %-15s %-12s %s\n", *name, size_text, pages,
           dp_layout_get_description(layout) ? dp_layout_get_description(layout) : "");
    g_free(size_text);
    g_free(pages);
    dp_layout_free(layout);
  }
  dp_context_free(ctx);
  return status;
}

/* `disputas new [FILE]`: see new.c. */
static int run_new(const options *opts, const char *path) {
  const char *lang = opts->lang ? opts->lang : "en";
  if (!dp_cli_lang_form(lang))
    return usage_error("--lang takes a language tag such as en, nb or de, "
                       "not '%s'", lang);
  gint64 events = 2;
  if (opts->events &&
      !g_ascii_string_to_signed(opts->events, 10, 1, 20, &events, NULL))
    return usage_error("--events takes a number from 1 to 20, not '%s'",
                       opts->events);
  char *text = dp_cli_new_announcement(lang, (int)events);
  int status = dp_cli_write_new(path, text);
  if (status == EXIT_SUCCESS && path && strcmp(path, "-") && !opts->quiet) {
    int blanks = 0;
    for (const char *p = text; (p = strstr(p, ": <")); p++) blanks++;
    fprintf(stderr, "wrote %s: an announcement with %d placeholders to fill "
            "in\n", path, blanks);
  }
  g_free(text);
  return status;
}

int main(int argc, char **argv) {
  dp_program_init();
  if (argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const char *command = argv[1];
  if (!strcmp(command, "--version") || !strcmp(command, "-V")) {
    printf("disputas %s\n", DP_VERSION_STRING);
    return EXIT_SUCCESS;
  }
  if (!strcmp(command, "--help") || !strcmp(command, "-h") ||
      !strcmp(command, "help")) {
    fputs(usage_text, stdout);
    return EXIT_SUCCESS;
  }
  if (!strcmp(command, "serve") || !strcmp(command, "preview")) {
    /* In a module of its own (module.h), with its own options. */
    argv[1] = argv[0];
    return dp_cli_module_run(command, argc - 1, argv + 1);
  }
  if (strcmp(command, "render") && strcmp(command, "build") &&
      strcmp(command, "check") && strcmp(command, "layouts") &&
      strcmp(command, "new") && strcmp(command, "watch"))
    return usage_error("unknown command '%s'", command);

  /* Hand GOption the command's own arguments, with the program name. */
  int sub_argc = argc - 1;
  char **sub_argv = g_new0(char *, argc + 1);
  sub_argv[0] = argv[0];
  for (int i = 2; i < argc; i++) sub_argv[i - 1] = argv[i];
  char **owned = sub_argv;

  options opts = {0};
  int status = EXIT_SUCCESS;
  if (parse_options(command, &sub_argc, &sub_argv, &opts, &status) &&
      opts.version) {
    printf("disputas %s\n", DP_VERSION_STRING);
  } else if (status == EXIT_SUCCESS) {
    bool wants_doc = strcmp(command, "layouts") != 0;
    if (!strcmp(command, "new")) {
      status = sub_argc > 2
                   ? usage_error("'new' takes at most one file; unexpected "
                                 "'%s'", sub_argv[2])
                   : run_new(&opts, sub_argc == 2 ? sub_argv[1] : NULL);
    } else if (!strcmp(command, "build") && sub_argc >= 2) {
      status = run_build(&opts, sub_argv + 1, sub_argc - 1);
    } else if (wants_doc && sub_argc != 2) {
      status = sub_argc < 2
                   ? usage_error("'%s' needs one document (DOC.yaml)", command)
                   : usage_error("'%s' takes one document; unexpected '%s'",
                                 command, sub_argv[2]);
    } else if (!wants_doc && sub_argc != 1) {
      status = usage_error("'layouts' takes no arguments");
    } else if (!strcmp(command, "check")) {
      status = run_check(&opts, sub_argv[1]);
    } else if (!strcmp(command, "watch")) {
      status = run_watch(&opts, sub_argv[1]);
    } else if (!strcmp(command, "render")) {
      status = run_render(&opts, sub_argv[1]);
    } else {
      status = run_layouts(&opts);
    }
  }
  g_free(opts.layout);
  g_strfreev(opts.layouts);
  g_free(opts.output);
  g_free(opts.format);
  g_free(opts.impose);
  g_free(opts.outdir);
  g_free(opts.diagnostics);
  g_free(opts.house);
  g_free(opts.root);
  g_free(opts.press_profile);
  g_free(opts.press_condition);
  g_free(opts.lang);
  g_free(opts.events);
  g_free(owned);
  return status;
}
