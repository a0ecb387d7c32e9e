/* module: the commands that need a heavy library (libsoup for `serve`
 * and `preview`), in a module the command line opens only when one of
 * them runs.
 *
 * Linking libsoup (with GIO's TLS, libpsl, nghttp2, ...) into the program
 * would slow the start of every `render` and `build` (see src/plugin.h
 * for the same reasoning in the library).  The module, disputas-http.so,
 * is built beside the library's plugins and installed with them; it
 * exports dp_cli_module_entry(), a table of its commands.
 */
#ifndef DP_CLI_MODULE_H
#define DP_CLI_MODULE_H

#define DP_CLI_MODULE_VERSION 1

/* A command's main: argv[0] is the program, argv[1..] the command's
 * arguments (without the command's name); returns the exit status. */
typedef int (*dp_cli_command_func)(int argc, char **argv);

typedef struct dp_cli_command {
  const char *name;
  dp_cli_command_func run;
} dp_cli_command;

/* What dp_cli_module_entry() returns: the version, then the commands,
 * ending with {NULL, NULL}. */
typedef struct dp_cli_module {
  int version;
  const dp_cli_command *commands;
} dp_cli_module;

/* The module's commands (commands.c lists them). */
int dp_cli_serve_main(int argc, char **argv);   /* serve.c */
int dp_cli_preview_main(int argc, char **argv); /* preview.c */

/* Runs `command` from the module and returns its exit status; reports
 * and returns 2 (a usage error: the command is not there) when this
 * disputas has no module (built without libsoup) or it cannot be loaded.
 * For the program (main.c). */
int dp_cli_module_run(const char *command, int argc, char **argv);

#endif
