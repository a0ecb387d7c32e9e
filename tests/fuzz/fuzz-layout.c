/* Fuzz target: the layout binder (layout.c) from memory. */
#include "fuzz.h"
#include "layout.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  dp_fuzz_setup();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dp_diag *diag = dp_fuzz_diag_new();
  dp_layout_model *layout = dp_layout_model_load_data(
      diag, NULL, "fuzz-layout.yaml", (const char *)data, size);
  if (layout) {
    for (size_t i = 0; i < layout->style_count; i++)
      (void)dp_layout_model_get_style(layout, layout->styles[i]->name);
    for (size_t i = 0; i < layout->template_count; i++) {
      const dp_page_template *t = layout->templates[i];
      for (size_t j = 0; j < t->frame_count; j++)
        if (t->frames[j]->name)
          (void)dp_page_template_get_frame(t, t->frames[j]->name);
    }
    dp_layout_model_free(layout);
  }
  dp_diag_free(diag);
  return 0;
}
