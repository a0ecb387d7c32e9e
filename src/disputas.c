/* disputas.c: the public API (include/disputas/disputas.h), a thin layer
 * over the modules.  Nothing here exits the process. */
#include "disputas/disputas.h"

#include <glib.h>

#include "context.h"
#include "document.h"

dp_context *dp_context_new(void) {
  dp_context *ctx = g_new0(dp_context, 1);
  ctx->diag = dp_diag_new();
  return ctx;
}

void dp_context_free(dp_context *ctx) {
  if (!ctx) return;
  dp_diag_free(ctx->diag);
  g_free(ctx);
}

void dp_context_set_diagnostic_func(dp_context *ctx, dp_diagnostic_func func,
                                    void *user_data) {
  dp_diag_set_callback(ctx->diag, func, user_data);
}

void dp_context_set_print_diagnostics(dp_context *ctx, bool print) {
  dp_diag_set_print(ctx->diag, print);
}

void dp_context_set_json_diagnostics(dp_context *ctx, bool json) {
  dp_diag_set_json(ctx->diag, json);
}

void dp_context_set_werror(dp_context *ctx, bool werror) {
  dp_diag_set_werror(ctx->diag, werror);
}

int dp_context_get_error_count(const dp_context *ctx) {
  return dp_diag_get_error_count(ctx->diag);
}

dp_document *dp_document_load_file(dp_context *ctx, const char *path) {
  return dp_document_read(ctx->diag, path);
}

dp_document *dp_document_load_data(dp_context *ctx, const char *name,
                                   const char *data, size_t length) {
  return dp_document_read_data(ctx->diag, name, data, length, NULL);
}
