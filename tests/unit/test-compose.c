/* Composition's work, counted in paragraphs Pango is asked to set (the
 * text module's count, dp_text.settings): shrinking and growing to fit
 * set a frame's content at many scales, and setting text is what costs.
 * Counts are compared with each other, never with fixed numbers. */
#include <glib.h>
#include <string.h>

#include "compose.h"
#include "config.h"
#include "diag.h"
#include "document.h"
#include "layout.h"
#include "text-private.h"
#include "text.h"

/* A page of a heading of automatic height that may grow up to
 * `max_scale`, over the seed's summary, which must shrink (when `body`). */
static char *layout_text(const char *max_scale, bool body) {
  return g_strdup_printf(
      "layout: 1\n"
      "name: counted\n"
      "page: {size: A5, margins: 15mm}\n"
      "styles:\n"
      "  body: {family: Noto Serif, size: 11pt, line-height: 1.3}\n"
      "  head: {family: Noto Sans, size: 14pt, line-height: 1.2}\n"
      "templates:\n"
      "  page:\n"
      "    frames:\n"
      "      - name: head\n"
      "        top: top(content)\n"
      "        max-height: 60mm\n"
      "        fit: shrink\n"
      "        max-scale: %s\n"
      "        content:\n"
      "          - text: \"{thesis.title}\"\n"
      "            style: head\n"
      "%s"
      "sequence: [page]\n",
      max_scale,
      body ? "      - name: body\n"
             "        top: bottom(head) + 3mm\n"
             "        bottom: bottom(content)\n"
             "        fit: shrink\n"
             "        min-scale: 0.3\n"
             "        content:\n"
             "          - markdown: summary\n"
           : "");
}

/* Paragraphs set composing the seed in that layout, with a text context
 * of its own (nothing set before). */
static size_t settings(const char *max_scale, bool body) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  char *path = g_build_filename(DP_SOURCE_DATADIR, "samples", "seed.yaml",
                                NULL);
  dp_document *doc = dp_document_read(diag, NULL, path);
  char *yaml = layout_text(max_scale, body);
  dp_layout_model *layout =
      dp_layout_model_load_data(diag, NULL, "counted.yaml", yaml, strlen(yaml));
  g_assert_nonnull(doc);
  g_assert_nonnull(layout);
  dp_text *text = dp_text_new(diag, NULL);
  dp_pageset *set = dp_compose(diag, NULL, text, doc, layout);
  g_assert_nonnull(set);
  g_assert_cmpint(dp_diag_get_error_count(diag), ==, 0);
  size_t n = text->settings;
  dp_pageset_free(set);
  dp_text_free(text);
  dp_layout_model_free(layout);
  dp_document_free(doc);
  g_free(yaml);
  g_free(path);
  dp_diag_free(diag);
  return n;
}

/* A page whose heading grows is fitted first with it grown; when another
 * frame must then shrink, the page is fitted again without growing.  That
 * first try ends as soon as the other frame does not fit: its content is
 * not searched for a scale the page will not keep.  So a growing heading
 * costs the page no more settings than it costs alone. */
static void test_first_try_ends(void) {
  size_t grown = settings("1.5", true), fixed = settings("1", true);
  size_t head_grown = settings("1.5", false), head_fixed = settings("1", false);
  /* The heading does grow, alone. */
  g_assert_cmpuint(head_grown, >, head_fixed);
  g_assert_cmpuint(grown - fixed, ==, head_grown - head_fixed);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/compose/first-try-ends", test_first_try_ends);
  return g_test_run();
}
