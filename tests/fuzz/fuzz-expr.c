/* Fuzz target: lengths and frame-edge expressions.
 *
 * The input is lines.  Each line goes through dp_length_parse(); then
 * lines 1 to 8 become the edges of two frames of a one-page layout
 * (a: left, width, top, max-height; b: right, left, top, height; an
 * empty line leaves its key out), which the layout binder parses and
 * checks (units, references, cycles) and, when it loads, composition
 * resolves against samples/seed.yaml and renders to PDF in memory. */
#include <string.h>

#include "compose.h"
#include "document.h"
#include "fuzz.h"
#include "layout.h"
#include "render.h"
#include "text.h"

#define FIELDS 9

static dp_diag *fixed_diag;
static dp_document *doc;
static dp_text *text;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  dp_fuzz_setup();
  fixed_diag = dp_diag_new();
  char *path = g_build_filename(DP_SOURCE_DATADIR, "samples", "seed.yaml", NULL);
  doc = dp_document_read(fixed_diag, NULL, path);
  g_free(path);
  text = dp_text_new(fixed_diag, NULL);
  if (!doc || !text) abort();
  dp_diag_set_print(fixed_diag, false);
  return 0;
}

/* Appends `s` as a YAML double-quoted scalar. */
static void append_quoted(GString *out, const char *s) {
  g_string_append_c(out, '"');
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == '"' || c == '\\') g_string_append_printf(out, "\\%c", (char)c);
    else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFEFF ||
             c == 0xFFFE || c == 0xFFFF)
      g_string_append_printf(out, "\\u%04X", c);
    else g_string_append_unichar(out, c);
  }
  g_string_append_c(out, '"');
}

static void append_key(GString *out, const char *key, const char *value) {
  if (!value || !*value) return;
  g_string_append_printf(out, "        %s: ", key);
  append_quoted(out, value);
  g_string_append_c(out, '\n');
}

static bool count_bytes(void *user, const unsigned char *data, size_t length) {
  (void)data;
  *(size_t *)user += length;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *valid = g_utf8_make_valid((const char *)data, (gssize)size);
  /* g_utf8_make_valid keeps NULs: they end the last field. */
  char **lines = g_strsplit(valid, "\n", -1);
  g_free(valid);
  const char *field[FIELDS] = {NULL};
  for (int i = 0; i < FIELDS && lines[i]; i++) {
    field[i] = lines[i];
    double points;
    (void)dp_length_parse(lines[i], &points);
  }

  GString *yaml = g_string_new(
      "layout: 1\n"
      "page: {size: A5, bleed: 3mm}\n"
      "styles:\n"
      "  body: {family: Noto Serif, size: 10pt}\n"
      "templates:\n"
      "  page:\n"
      "    frames:\n"
      "      - name: a\n");
  append_key(yaml, "left", field[1]);
  append_key(yaml, "width", field[2]);
  append_key(yaml, "top", field[3]);
  append_key(yaml, "max-height", field[4]);
  g_string_append(yaml,
                  "        content: [{text: \"{candidate.name}\", style: body}]\n"
                  "      - name: b\n");
  append_key(yaml, "right", field[5]);
  append_key(yaml, "left", field[6]);
  append_key(yaml, "top", field[7]);
  append_key(yaml, "height", field[8]);
  g_string_append(yaml,
                  "        content: [{text: \"{thesis.title}\", style: body}]\n"
                  "sequence: [page]\n");
  g_strfreev(lines);

  dp_diag *diag = dp_fuzz_diag_new();
  dp_layout_model *layout =
      dp_layout_model_load_data(diag, NULL, "fuzz-layout.yaml", yaml->str, yaml->len);
  if (layout) {
    dp_pageset *set = dp_compose(diag, NULL, text, doc, layout);
    if (set) {
      dp_render_settings settings = {
          .format = DP_FORMAT_PDF, .impose = layout->impose, .dpi = 150};
      size_t bytes = 0;
      dp_render_pdf(set, &settings, count_bytes, &bytes);
      dp_pageset_free(set);
    }
    dp_layout_model_free(layout);
  }
  dp_diag_free(diag);
  g_string_free(yaml, TRUE);
  return 0;
}
