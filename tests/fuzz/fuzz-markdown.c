/* Fuzz target: Markdown to styled blocks (richtext.c, over cmark).
 *
 * The first byte chooses the flags (inline or not, file lines or not)
 * and the column of the mark; the rest is the text. */
#include <string.h>

#include "fuzz.h"
#include "richtext.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  dp_fuzz_setup();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned flags = data[0] & (DP_RICH_INLINE | DP_RICH_LINES);
  int column = 1 + (data[0] >> 2);
  /* Texts come from YAML scalars: UTF-8 and without NUL. */
  if (!g_utf8_validate((const char *)data + 1, (gssize)(size - 1), NULL))
    return 0;
  dp_diag *diag = dp_fuzz_diag_new();
  dp_mark mark = {"fuzz.yaml", 3, column, -1};
  /* NUL-terminated, as the YAML tree's scalars are. */
  char *text = g_strndup((const char *)data + 1, size - 1);
  dp_rich *rich = dp_rich_parse(diag, text, size - 1, mark, flags);
  g_free(text);
  if (rich) {
    for (size_t i = 0; i < rich->count; i++) {
      const dp_block *b = &rich->blocks[i];
      for (size_t j = 0; j < b->span_count; j++)
        if (b->spans[j].start > b->spans[j].end || b->spans[j].end > b->length)
          abort(); /* spans must lie inside their block's text */
    }
    char *plain = dp_rich_to_plain(rich);
    g_free(plain);
    dp_rich_free(rich);
  }
  dp_diag_free(diag);
  return 0;
}
