/* test-structure: the structure tree of disputas's tagged PDFs, read back
 * with poppler-glib (suite 'print').
 *
 * The booklet of tests/print/docs/structure.yaml reads in the content's
 * order: the section headings (H1) and the summary's Markdown headings
 * (H2) in sequence, each followed by its paragraphs, the summary's list as
 * one L of LI, the QR code a Figure with the layout's alternative text,
 * and no element without text.  The imposed sheets carry no structure.
 * Through the public API only.
 */
#include <disputas/disputas.h>

#include <glib.h>
#include <poppler.h>
#include <string.h>

#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must name the source root"
#endif

typedef struct element {
  PopplerStructureElementKind kind;
  char *text; /* recursive */
  char *alt;
  int depth;
} element;

static void element_free(gpointer data) {
  element *e = data;
  g_free(e->text);
  g_free(e->alt);
  g_free(e);
}

/* (transfer full) `doc` under the source root in `layout`, as a PDF. */
static PopplerDocument *render(const char *doc, const char *layout) {
  dp_context *ctx = dp_context_new();
  char *path = g_build_filename(SOURCE_ROOT, doc, NULL);
  dp_document *d = dp_document_load_file(ctx, path);
  g_free(path);
  dp_layout *l = dp_layout_load(ctx, layout);
  g_assert_nonnull(d);
  g_assert_nonnull(l);
  unsigned char *data = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_render_to_memory(ctx, d, l, NULL, &data, &length), ==,
                  DP_STATUS_OK);
  GBytes *bytes = g_bytes_new(data, length);
  dp_free(data);
  GError *error = NULL;
  PopplerDocument *pdf = poppler_document_new_from_bytes(bytes, NULL, &error);
  g_assert_no_error(error);
  g_bytes_unref(bytes);
  dp_layout_free(l);
  dp_document_free(d);
  dp_context_free(ctx);
  return pdf;
}

static void walk(PopplerStructureElementIter *it, int depth, GPtrArray *out) {
  do {
    PopplerStructureElement *e = poppler_structure_element_iter_get_element(it);
    element *x = g_new0(element, 1);
    x->kind = poppler_structure_element_get_kind(e);
    x->text = poppler_structure_element_get_text(
        e, POPPLER_STRUCTURE_GET_TEXT_RECURSIVE);
    x->alt = poppler_structure_element_get_alt_text(e);
    x->depth = depth;
    g_ptr_array_add(out, x);
    PopplerStructureElementIter *child =
        poppler_structure_element_iter_get_child(it);
    if (child) {
      walk(child, depth + 1, out);
      poppler_structure_element_iter_free(child);
    }
    g_object_unref(e);
  } while (poppler_structure_element_iter_next(it));
}

/* The elements depth first, which is reading order; NULL when the file
 * has no structure tree. */
static GPtrArray *elements_of(PopplerDocument *pdf) {
  PopplerStructureElementIter *it = poppler_structure_element_iter_new(pdf);
  if (!it) return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func(element_free);
  walk(it, 0, out);
  poppler_structure_element_iter_free(it);
  return out;
}

/* The index of the first element of `kind` at or after `from` whose text
 * contains `text`; fails the test when there is none. */
static guint find(GPtrArray *all, guint from, PopplerStructureElementKind kind,
                  const char *text) {
  for (guint i = from; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->kind == kind && e->text && strstr(e->text, text)) return i;
  }
  g_test_message("no element of kind %d with '%s' after %u", kind, text, from);
  g_test_fail();
  return all->len;
}

static void test_booklet(void) {
  PopplerDocument *pdf = render("tests/print/docs/structure.yaml", "booklet");
  GPtrArray *all = elements_of(pdf);
  g_assert_nonnull(all);
  for (guint i = 0; i < all->len; i++) {
    const element *e = all->pdata[i];
    g_test_message("%u %*s%d '%s'", i, e->depth * 2, "", e->kind,
                   e->text ? e->text : "");
  }
  const element *root = all->pdata[0];
  g_assert_cmpint(root->kind, ==, POPPLER_STRUCTURE_ELEMENT_DOCUMENT);

  /* Reading order: each heading, then what follows it in the content. */
  guint programme = find(all, 0, POPPLER_STRUCTURE_ELEMENT_HEADING_1, "Programme");
  guint lead = find(all, programme, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                    "Maren Eide sets out how a crane can ride the sea.");
  guint summary = find(all, lead, POPPLER_STRUCTURE_ELEMENT_HEADING_1, "Summary");
  guint first = find(all, summary, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                     "Cranes lift heavy loads from ships.");
  guint heave = find(all, first, POPPLER_STRUCTURE_ELEMENT_HEADING_2,
                     "Heave");
  guint winch = find(all, heave, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                     "The winch must move with the sea.");
  guint list = find(all, winch, POPPLER_STRUCTURE_ELEMENT_LIST, "wave model");
  guint item1 = find(all, list, POPPLER_STRUCTURE_ELEMENT_LIST_ITEM, "a wave model");
  guint item2 = find(all, item1, POPPLER_STRUCTURE_ELEMENT_LIST_ITEM, "a winch model");
  guint item3 = find(all, item2, POPPLER_STRUCTURE_ELEMENT_LIST_ITEM, "a new rule");
  guint trials = find(all, item3, POPPLER_STRUCTURE_ELEMENT_HEADING_2, "Field trials");
  guint data = find(all, trials, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                    "Tests at sea (the data) show it.");
  guint online = find(all, data, POPPLER_STRUCTURE_ELEMENT_HEADING_1, "online");
  g_assert_cmpuint(online, <, all->len);

  /* The three items are the list's children, one level below it: the
   * list holds nothing else, and ends after the last. */
  const element *l = all->pdata[list];
  guint items = 0;
  for (guint i = list + 1; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->depth <= l->depth) break;
    if (e->depth == l->depth + 1) {
      g_assert_cmpint(e->kind, ==, POPPLER_STRUCTURE_ELEMENT_LIST_ITEM);
      items++;
    }
  }
  g_assert_cmpuint(items, ==, 3);
  g_assert_cmpint(((const element *)all->pdata[item1])->depth, ==, l->depth + 1);
  g_assert_cmpint(((const element *)all->pdata[item3])->depth, ==, l->depth + 1);
  /* The marker comes first ("• a wave model"; poppler 22.12 decodes the
   * bullet of a structure element's text as Windows-1252, so only the
   * order is asserted). */
  g_assert_true(g_str_has_suffix(((const element *)all->pdata[item1])->text,
                                 "a wave model"));

  /* The paragraph's link follows it, as a Link element. */
  bool link = false;
  for (guint i = data + 1; i < all->len && !link; i++)
    link = ((const element *)all->pdata[i])->kind ==
           POPPLER_STRUCTURE_ELEMENT_LINK;
  g_assert_true(link);

  /* The QR code: a figure with the layout's alternative text. */
  guint figures = 0;
  for (guint i = 0; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->kind != POPPLER_STRUCTURE_ELEMENT_FIGURE) continue;
    figures++;
    g_assert_cmpstr(e->alt, ==, "Scan to join online");
    g_assert_cmpuint(i, >, online);
  }
  g_assert_cmpuint(figures, ==, 1);

  /* Every content element has its text: cairo marked it. */
  for (guint i = 0; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->kind == POPPLER_STRUCTURE_ELEMENT_PARAGRAPH ||
        e->kind == POPPLER_STRUCTURE_ELEMENT_LIST_ITEM ||
        (e->kind >= POPPLER_STRUCTURE_ELEMENT_HEADING &&
         e->kind <= POPPLER_STRUCTURE_ELEMENT_HEADING_6)) {
      if (!e->text || !*e->text) {
        g_test_message("element %u (kind %d) has no text", i, e->kind);
        g_test_fail();
      }
    }
  }
  g_ptr_array_free(all, TRUE);
  g_object_unref(pdf);
}

static void test_poster(void) {
  PopplerDocument *pdf = render("tests/print/docs/structure.yaml", "poster");
  GPtrArray *all = elements_of(pdf);
  g_assert_nonnull(all);
  guint figures = 0, headings = 0;
  for (guint i = 0; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->kind == POPPLER_STRUCTURE_ELEMENT_FIGURE) {
      figures++;
      g_assert_cmpstr(e->alt, ==, "Scan to join online");
    }
    if (e->kind >= POPPLER_STRUCTURE_ELEMENT_HEADING &&
        e->kind <= POPPLER_STRUCTURE_ELEMENT_HEADING_6)
      headings++;
  }
  g_assert_cmpuint(figures, ==, 1);
  (void)headings; /* the poster's layout decides; not asserted */
  g_ptr_array_free(all, TRUE);
  g_object_unref(pdf);
}

static void test_imposed(void) {
  PopplerDocument *pdf = render("tests/print/docs/structure.yaml", "booklet-print");
  GPtrArray *all = elements_of(pdf);
  g_assert_null(all); /* sheets in printer's order: no structure */
  g_object_unref(pdf);
}

int main(int argc, char **argv) {
  g_setenv("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/structure/booklet", test_booklet);
  g_test_add_func("/structure/poster", test_poster);
  g_test_add_func("/structure/imposed", test_imposed);
  return g_test_run();
}
