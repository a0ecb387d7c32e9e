/* Fuzz target: the announcement binder (document.c) from memory, with
 * image paths resolved against tests/accept (which has images/). */
#include "document.h"
#include "fuzz.h"

static char *images_dir;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  dp_fuzz_setup();
  images_dir = g_build_filename(DP_SOURCE_DATADIR, "tests", "accept", NULL);
  return 0;
}

/* Reads what layouts read: every value, by path. */
static void walk(const dp_value *value) {
  if (value->kind == DP_VALUE_RICH && value->rich) {
    char *plain = dp_rich_to_plain(value->rich);
    g_free(plain);
  }
  for (size_t i = 0; i < value->count; i++)
    if (value->kind == DP_VALUE_LIST || value->kind == DP_VALUE_MAP)
      walk(value->items[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dp_diag *diag = dp_fuzz_diag_new();
  dp_document *doc = dp_document_read_data(diag, NULL, "fuzz.yaml", (const char *)data,
                                           size, images_dir);
  if (doc) {
    const dp_value *root = dp_document_get_root(doc);
    walk(root);
    (void)dp_value_lookup(root, "events.0.start");
    (void)dp_value_lookup(root, "candidate.name");
    (void)dp_document_get_lang(doc);
    (void)dp_document_get_stem(doc);
    dp_document_free(doc);
  }
  dp_diag_free(diag);
  return 0;
}
