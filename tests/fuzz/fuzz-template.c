/* Fuzz target: a template (template.c) parsed, then expanded against
 * samples/seed.yaml: at the top, in each event, and in each committee
 * member, with folios set.  The input is the template's source up to its
 * first NUL (templates are YAML scalars). */
#include <string.h>

#include "document.h"
#include "fuzz.h"
#include "label-tables.h"
#include "template.h"

static dp_diag *fixed_diag;
static dp_document *doc;
static dp_labels *labels;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  dp_fuzz_setup();
  fixed_diag = dp_diag_new();
  char *path = g_build_filename(DP_SOURCE_DATADIR, "samples", "seed.yaml", NULL);
  doc = dp_document_read(fixed_diag, NULL, path);
  g_free(path);
  if (!doc) abort();
  dp_diag_set_print(fixed_diag, false);
  const dp_value *root = dp_document_get_root(doc);
  labels = dp_labels_new(fixed_diag, NULL, dp_document_get_lang(doc),
                         dp_value_get(root, "labels"));
  if (!labels) abort();
  return 0;
}

static void expand(const dp_template *tmpl, const dp_scope *scope) {
  dp_textbuf buf;
  dp_textbuf_init(&buf);
  dp_template_expand(tmpl, scope, &buf);
  for (size_t i = 0; i < buf.span_count; i++)
    if (buf.spans[i].start > buf.spans[i].end || buf.spans[i].end > buf.length)
      abort(); /* spans must lie inside the text */
  dp_textbuf_clear(&buf);
}

/* Expands in every item of the list at `path`. */
static void expand_each(const dp_template *tmpl, const dp_scope *top,
                        const char *path) {
  const dp_value *list = dp_scope_lookup(top, path);
  if (!list || list->kind != DP_VALUE_LIST) return;
  for (size_t i = 0; i < list->count; i++) {
    dp_scope item = *top;
    item.item = list->items[i];
    item.index = (int)i + 1;
    item.parent = top;
    expand(tmpl, &item);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *source = g_strndup((const char *)data, size);
  if (!g_utf8_validate(source, -1, NULL)) {
    g_free(source);
    return 0;
  }
  dp_diag *diag = dp_fuzz_diag_new();
  dp_template *tmpl =
      dp_template_parse(diag, source, (dp_mark){"fuzz-layout.yaml", 7, 15, -1});
  if (tmpl) {
    dp_scope top = {.root = dp_document_get_root(doc),
                    .labels = labels,
                    .lang = dp_document_get_lang(doc)};
    expand(tmpl, &top);
    if (dp_template_uses_folio(tmpl)) {
      top.page = 3;
      top.pages = 12;
      expand(tmpl, &top);
    }
    expand_each(tmpl, &top, "events");
    expand_each(tmpl, &top, "committee");
    dp_template_free(tmpl);
  }
  dp_diag_free(diag);
  g_free(source);
  return 0;
}
