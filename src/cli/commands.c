/* The commands of the disputas-http module (module.h). */
#include <gmodule.h>

#include "module.h"

static const dp_cli_command commands[] = {{"serve", dp_cli_serve_main},
                                          {"preview", dp_cli_preview_main},
                                          {NULL, NULL}};

static const dp_cli_module module = {DP_CLI_MODULE_VERSION, commands};

G_MODULE_EXPORT const dp_cli_module *dp_cli_module_entry(void);

const dp_cli_module *dp_cli_module_entry(void) { return &module; }
