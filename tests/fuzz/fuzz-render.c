/* Fuzz target: a whole render of a fuzzed announcement with each built-in
 * layout (poster, booklet, booklet-print), to PDF in memory: the binder,
 * templates, Markdown, text setting, composition and Cairo.  Image paths
 * are resolved against tests/accept (which has images/). */
#include "compose.h"
#include "document.h"
#include "fuzz.h"
#include "layout.h"
#include "render.h"
#include "text.h"

static dp_diag *fixed_diag;
static dp_text *text;
static dp_layout_model **layouts;
static size_t layout_count;
static char *images_dir;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  dp_fuzz_setup();
  fixed_diag = dp_diag_new();
  text = dp_text_new(fixed_diag, NULL);
  if (!text) abort();
  while (dp_builtin_layouts[layout_count]) layout_count++;
  layouts = g_new0(dp_layout_model *, layout_count);
  for (size_t i = 0; i < layout_count; i++) {
    layouts[i] = dp_layout_model_load(fixed_diag, NULL, dp_builtin_layouts[i]);
    if (!layouts[i]) abort();
  }
  /* Warnings of paragraphs (a glyph no font has) go to this sink. */
  dp_diag_set_print(fixed_diag, false);
  images_dir = g_build_filename(DP_SOURCE_DATADIR, "tests", "accept", NULL);
  return 0;
}

static bool count_bytes(void *user, const unsigned char *data, size_t length) {
  (void)data;
  *(size_t *)user += length;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dp_diag *diag = dp_fuzz_diag_new();
  dp_document *doc = dp_document_read_data(diag, NULL, "fuzz.yaml", (const char *)data,
                                           size, images_dir);
  for (size_t i = 0; doc && i < layout_count; i++) {
    dp_pageset *set = dp_compose(diag, NULL, text, doc, layouts[i]);
    if (!set) continue;
    dp_render_settings settings = {
        .format = DP_FORMAT_PDF, .impose = layouts[i]->impose, .dpi = 150};
    size_t bytes = 0;
    if (dp_render_pdf(set, &settings, count_bytes, &bytes) && bytes == 0)
      abort(); /* a PDF was made, so it has bytes */
    dp_pageset_free(set);
  }
  dp_document_free(doc);
  dp_diag_free(diag);
  return 0;
}
