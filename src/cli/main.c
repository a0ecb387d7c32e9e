/* The disputas command line (../shared/spec/cli.md), a thin client of the
 * public API in include/disputas/disputas.h.
 *
 * Exit status: 0 success (warnings allowed), 1 invalid document or layout
 * or content that cannot be laid out, 2 usage error, 3 an output could not
 * be written. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disputas/disputas.h"

enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_WRITE = 3 };

static const char usage_text[] =
    "Usage:\n"
    "  disputas render DOC.yaml [-l LAYOUT] [-o OUT] [-f pdf|png|svg] [--impose MODE]\n"
    "  disputas build  DOC.yaml [-d OUTDIR]\n"
    "  disputas check  DOC.yaml [-l LAYOUT]\n"
    "  disputas layouts\n"
    "  disputas --version | --help\n"
    "\n"
    "Typesets doctoral defence announcements into print-ready PDFs.\n"
    "'disputas COMMAND --help' describes a command's options.\n";

/* Options shared by the commands; each command offers those it takes. */
typedef struct options {
  char *layout;
  char *output;
  char *format;
  char *impose;
  char *outdir;
  char *diagnostics;
  gboolean werror;
} options;

static int usage_error(const char *format, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  fprintf(stderr, "disputas: error: %s\nTry 'disputas --help'.\n", message);
  g_free(message);
  return EXIT_USAGE;
}

/* Parses the options of `command`; on success leaves the positional
 * arguments in argv[1..*argc-1]. */
static bool parse_options(const char *command, int *argc, char ***argv,
                          options *opts, int *status) {
  GOptionEntry common[] = {
      {"werror", 0, 0, G_OPTION_ARG_NONE, &opts->werror,
       "Treat warnings as errors", NULL},
      {"diagnostics", 0, 0, G_OPTION_ARG_STRING, &opts->diagnostics,
       "How to print problems: text (default) or json", "FORMAT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry layout_entry[] = {
      {"layout", 'l', 0, G_OPTION_ARG_STRING, &opts->layout,
       "Built-in layout name or layout file (default: poster)", "LAYOUT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry render_entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &opts->output,
       "Output file, or - for standard output", "OUT"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &opts->format,
       "pdf, png or svg (default: from OUT's extension, else pdf)", "FORMAT"},
      {"impose", 0, 0, G_OPTION_ARG_STRING, &opts->impose,
       "saddle-stitch, or none to turn a layout's imposition off", "MODE"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  GOptionEntry build_entries[] = {
      {"outdir", 'd', 0, G_OPTION_ARG_FILENAME, &opts->outdir,
       "Folder for the outputs (default: .)", "OUTDIR"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};

  char *parameter = g_strdup_printf("%s DOC.yaml", command);
  GOptionContext *context = g_option_context_new(parameter);
  g_free(parameter);
  g_option_context_add_main_entries(context, common, NULL);
  if (!strcmp(command, "render") || !strcmp(command, "check"))
    g_option_context_add_main_entries(context, layout_entry, NULL);
  if (!strcmp(command, "render"))
    g_option_context_add_main_entries(context, render_entries, NULL);
  if (!strcmp(command, "build"))
    g_option_context_add_main_entries(context, build_entries, NULL);

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
  return true;
}

static dp_context *context_for(const options *opts) {
  dp_context *ctx = dp_context_new();
  dp_context_set_werror(ctx, opts->werror);
  if (opts->diagnostics && !strcmp(opts->diagnostics, "json"))
    dp_context_set_json_diagnostics(ctx, true);
  return ctx;
}

static int run_check(const options *opts, const char *path) {
  dp_context *ctx = context_for(opts);
  dp_document *doc = dp_document_load_file(ctx, path);
  int status = doc && dp_context_get_error_count(ctx) == 0 ? EXIT_SUCCESS
                                                           : EXIT_INVALID;
  dp_document_free(doc);
  dp_context_free(ctx);
  return status;
}

int main(int argc, char **argv) {
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
  if (strcmp(command, "render") && strcmp(command, "build") &&
      strcmp(command, "check") && strcmp(command, "layouts"))
    return usage_error("unknown command '%s'", command);

  /* Hand GOption the command's own arguments, with the program name. */
  int sub_argc = argc - 1;
  char **sub_argv = g_new0(char *, argc + 1);
  sub_argv[0] = argv[0];
  for (int i = 2; i < argc; i++) sub_argv[i - 1] = argv[i];
  char **owned = sub_argv;

  options opts = {0};
  int status = EXIT_SUCCESS;
  if (parse_options(command, &sub_argc, &sub_argv, &opts, &status)) {
    bool wants_doc = strcmp(command, "layouts") != 0;
    if (wants_doc && sub_argc != 2) {
      status = sub_argc < 2
                   ? usage_error("'%s' needs one document (DOC.yaml)", command)
                   : usage_error("'%s' takes one document; unexpected '%s'",
                                 command, sub_argv[2]);
    } else if (!wants_doc && sub_argc != 1) {
      status = usage_error("'layouts' takes no arguments");
    } else if (!strcmp(command, "check")) {
      status = run_check(&opts, sub_argv[1]);
    } else {
      fprintf(stderr, "disputas: error: '%s' is not available yet\n", command);
      status = EXIT_INVALID;
    }
  }
  g_free(opts.layout);
  g_free(opts.output);
  g_free(opts.format);
  g_free(opts.impose);
  g_free(opts.outdir);
  g_free(opts.diagnostics);
  g_free(owned);
  return status;
}
