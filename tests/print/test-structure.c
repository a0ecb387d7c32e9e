/* test-structure: the structure tree of disputas's tagged PDFs, read back
 * with poppler-glib (suite 'print').
 *
 * The booklet of tests/print/docs/structure.yaml reads in the content's
 * order: the thesis title (H1) on the cover, the section headings (H1)
 * and the summary's Markdown headings (H2) in sequence, each followed by
 * its paragraphs, the summary's list as one L of LI, links as Link
 * elements whose /Alt says where they go, the QR code a Figure with the
 * layout's alternative text, and no element without text.  The poster of
 * samples/full.yaml reads in the layout's reading order (band, lead,
 * programme, people, online, foot) although its foot and online block are
 * drawn before its lead, with one H1, its section labels and days as H2,
 * figures and links with their alternative texts, and the parallel title
 * in its own language.  A list over pages is one L, an item's link inside
 * the item.  The imposed booklet (booklet-print) has the
 * booklet's tree, element for element, in the booklet's reading order,
 * each element on the sheet side that carries its page.  Through the
 * public API only.
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
  char *lang;
  int depth;
  int page; /* 0-based; -1: none */
} element;

static void element_free(gpointer data) {
  element *e = data;
  g_free(e->text);
  g_free(e->alt);
  g_free(e->lang);
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
    x->lang = poppler_structure_element_get_language(e);
    x->depth = depth;
    x->page = poppler_structure_element_get_page(e);
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

/* The index of the first element of `kind` at or after `from` whose
 * /Alt is `alt`; fails the test when there is none. */
static guint find_alt(GPtrArray *all, guint from,
                      PopplerStructureElementKind kind, const char *alt) {
  for (guint i = from; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->kind == kind && g_strcmp0(e->alt, alt) == 0) return i;
  }
  g_test_message("no element of kind %d with /Alt '%s' after %u", kind, alt,
                 from);
  g_test_fail();
  return all->len;
}

static void dump(GPtrArray *all) {
  for (guint i = 0; i < all->len; i++) {
    const element *e = all->pdata[i];
    g_test_message("%u %*s%d '%s'%s%s%s%s", i, e->depth * 2, "", e->kind,
                   e->text ? e->text : "", e->alt ? " alt " : "",
                   e->alt ? e->alt : "", e->lang ? " lang " : "",
                   e->lang ? e->lang : "");
  }
}

static void test_booklet(void) {
  PopplerDocument *pdf = render("tests/print/docs/structure.yaml", "booklet");
  GPtrArray *all = elements_of(pdf);
  g_assert_nonnull(all);
  dump(all);
  const element *root = all->pdata[0];
  g_assert_cmpint(root->kind, ==, POPPLER_STRUCTURE_ELEMENT_DOCUMENT);

  /* Reading order: the cover's title, then each heading and what follows
   * it in the content. */
  guint title = find(all, 0, POPPLER_STRUCTURE_ELEMENT_HEADING_1,
                     "Wind, Waves and Winches");
  guint programme = find(all, title, POPPLER_STRUCTURE_ELEMENT_HEADING_1,
                         "Programme");
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
  /* Online attendance, on the practical page or the back cover. */
  guint online = find(all, data, POPPLER_STRUCTURE_ELEMENT_HEADING_2, "online");
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

  /* The paragraph's link follows it, as a Link element saying where it
   * goes. */
  guint link = find_alt(all, data, POPPLER_STRUCTURE_ELEMENT_LINK,
                        "https://www.example.org/data");
  g_assert_cmpuint(link, ==, data + 2); /* after the P's marked content */

  /* The QR code: a figure with the layout's alternative text. */
  guint figures = 0;
  for (guint i = 0; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->kind != POPPLER_STRUCTURE_ELEMENT_FIGURE) continue;
    figures++;
    g_assert_cmpstr(e->alt, ==, "QR code: https://www.example.org/meet/123");
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

/* Every Link element and every Figure has its alternative text, every
 * link annotation of `pdf` its /Contents. */
static void assert_alternatives(PopplerDocument *pdf, GPtrArray *all) {
  for (guint i = 0; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->kind == POPPLER_STRUCTURE_ELEMENT_LINK ||
        e->kind == POPPLER_STRUCTURE_ELEMENT_FIGURE) {
      if (!e->alt || !*e->alt) {
        g_test_message("element %u (kind %d) has no /Alt", i, e->kind);
        g_test_fail();
      }
    }
  }
  guint links = 0;
  for (int p = 0; p < poppler_document_get_n_pages(pdf); p++) {
    PopplerPage *page = poppler_document_get_page(pdf, p);
    GList *annots = poppler_page_get_annot_mapping(page);
    for (GList *l = annots; l; l = l->next) {
      PopplerAnnot *a = ((PopplerAnnotMapping *)l->data)->annot;
      if (poppler_annot_get_annot_type(a) != POPPLER_ANNOT_LINK) continue;
      char *contents = poppler_annot_get_contents(a);
      g_assert_nonnull(contents);
      g_assert_true(g_str_has_prefix(contents, "https://"));
      g_free(contents);
      links++;
    }
    poppler_page_free_annot_mapping(annots);
    g_object_unref(page);
  }
  g_assert_cmpuint(links, >, 0);
}

static void test_poster(void) {
  PopplerDocument *pdf = render("samples/full.yaml", "poster");
  GPtrArray *all = elements_of(pdf);
  g_assert_nonnull(all);
  dump(all);
  g_assert_cmpint(((const element *)all->pdata[0])->kind, ==,
                  POPPLER_STRUCTURE_ELEMENT_DOCUMENT);

  /* The band: who and what, the title the one H1, the parallel title in
   * Finnish, the photo (drawn before the band's text, read after it). */
  guint institution = find(all, 0, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                           "UNIVERSITY OF KALLIO");
  guint title = find(all, institution, POPPLER_STRUCTURE_ELEMENT_HEADING_1,
                     "Cheaper hydrogen");
  guint parallel = find(all, title, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                        "Rautaoksidinanolevyt veden hajottamisessa");
  g_assert_cmpuint(parallel, <, all->len);
  g_assert_cmpstr(((const element *)all->pdata[parallel])->lang, ==, "fi");
  guint photo = find_alt(all, parallel, POPPLER_STRUCTURE_ELEMENT_FIGURE,
                         "Aino V\u00e4is\u00e4nen");
  /* The lead, the programme (a day an H2), the people (each group's label
   * an H2), how to join online (its link, then its QR code), the foot
   * (the logo, the footer's link) last: drawn before the lead. */
  guint lead = find(all, photo, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH, "Aino");
  guint day = find(all, lead + 1, POPPLER_STRUCTURE_ELEMENT_HEADING_2,
                   "December 2025");
  guint lecture = find(all, day, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                       "Trial lecture");
  guint committee = find(all, lecture, POPPLER_STRUCTURE_ELEMENT_HEADING_2,
                         "ASSESSMENT COMMITTEE");
  guint opponent = find(all, committee, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                        "Lars Henriksson");
  guint custos = find(all, opponent, POPPLER_STRUCTURE_ELEMENT_HEADING_2,
                      "CUSTOS");
  guint online = find(all, custos, POPPLER_STRUCTURE_ELEMENT_HEADING_2,
                      "JOIN ONLINE");
  guint meeting = find_alt(all, online, POPPLER_STRUCTURE_ELEMENT_LINK,
                           "https://kallio.zoom.example.org/j/81234567890");
  guint qr = find_alt(all, meeting, POPPLER_STRUCTURE_ELEMENT_FIGURE,
                      "QR code: https://kallio.zoom.example.org/j/81234567890");
  guint logo = find_alt(all, qr, POPPLER_STRUCTURE_ELEMENT_FIGURE,
                        "University of Kallio");
  guint footer = find(all, logo, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                      "Faculty of Science");
  guint site = find_alt(all, footer, POPPLER_STRUCTURE_ELEMENT_LINK,
                        "https://www.example.org/kallio");
  g_assert_cmpuint(site, <, all->len);

  guint h1 = 0;
  for (guint i = 0; i < all->len; i++)
    h1 += ((const element *)all->pdata[i])->kind ==
          POPPLER_STRUCTURE_ELEMENT_HEADING_1;
  g_assert_cmpuint(h1, ==, 1);
  assert_alternatives(pdf, all);
  g_ptr_array_free(all, TRUE);
  g_object_unref(pdf);
}

/* The booklet's cover: the institution, the title block, the photo (drawn
 * before the title block), then the programme; links said. */
static void test_booklet_cover(void) {
  PopplerDocument *pdf = render("samples/full.yaml", "booklet");
  GPtrArray *all = elements_of(pdf);
  g_assert_nonnull(all);
  dump(all);
  guint institution = find(all, 0, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                           "UNIVERSITY OF KALLIO");
  guint name = find(all, institution, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                    "Aino");
  guint title = find(all, name, POPPLER_STRUCTURE_ELEMENT_HEADING_1,
                     "Cheaper hydrogen");
  guint photo = find_alt(all, title, POPPLER_STRUCTURE_ELEMENT_FIGURE,
                         "Aino V\u00e4is\u00e4nen");
  guint when = find(all, photo, POPPLER_STRUCTURE_ELEMENT_PARAGRAPH,
                    "Trial lecture");
  guint programme = find(all, when, POPPLER_STRUCTURE_ELEMENT_HEADING_1,
                         "Programme");
  g_assert_cmpuint(programme, <, all->len);
  assert_alternatives(pdf, all);
  g_ptr_array_free(all, TRUE);
  g_object_unref(pdf);
}

/* The sheet side (0-based) that carries page `page` (1-based) of a
 * booklet of `pages` pages, padded to a multiple of four: saddle stitch,
 * sheet i's front shows pages n - 2i and 2i + 1, its back 2i + 2 and
 * n - 2i - 1 (either way round; disputas(1), --impose). */
static int side_of(int page, int pages) {
  int n = (pages + 3) / 4 * 4;
  for (int i = 0; i < n / 4; i++) {
    if (page == n - 2 * i || page == 2 * i + 1) return 2 * i;
    if (page == 2 * i + 2 || page == n - 2 * i - 1) return 2 * i + 1;
  }
  return -1;
}

/* `doc` imposed reads as `doc` in booklet pages does: the same elements
 * (kind, depth, text, /Alt, /Lang) in the same order, each on the sheet
 * side where its page is, and every link and figure said. */
static void assert_imposed_reads_as_booklet(const char *doc) {
  PopplerDocument *booklet = render(doc, "booklet");
  PopplerDocument *sheets = render(doc, "booklet-print");
  int pages = poppler_document_get_n_pages(booklet);
  g_assert_cmpint(poppler_document_get_n_pages(sheets), ==,
                  (pages + 3) / 4 * 2);
  GPtrArray *want = elements_of(booklet);
  GPtrArray *got = elements_of(sheets);
  g_assert_nonnull(want);
  if (!got) {
    g_test_message("%s: the imposed booklet has no structure tree", doc);
    g_test_fail();
    goto done;
  }
  dump(got);
  if (got->len != want->len) {
    g_test_message("%s: %u elements imposed, %u in the booklet", doc,
                   got->len, want->len);
    g_test_fail();
  }
  guint on_pages = 0;
  for (guint i = 0; i < MIN(got->len, want->len); i++) {
    const element *a = got->pdata[i], *b = want->pdata[i];
    if (a->kind != b->kind || a->depth != b->depth ||
        g_strcmp0(a->text, b->text) || g_strcmp0(a->alt, b->alt) ||
        g_strcmp0(a->lang, b->lang)) {
      g_test_message("%s: element %u is %d '%s' (alt %s, lang %s) at depth "
                     "%d, in the booklet %d '%s' (alt %s, lang %s) at %d",
                     doc, i, a->kind, a->text, a->alt, a->lang, a->depth,
                     b->kind, b->text, b->alt, b->lang, b->depth);
      g_test_fail();
      break;
    }
    if (b->page < 0) continue;
    on_pages++;
    int side = side_of(b->page + 1, pages);
    if (a->page != side) {
      g_test_message("%s: element %u of page %d on sheet side %d, not %d",
                     doc, i, b->page + 1, a->page + 1, side + 1);
      g_test_fail();
    }
  }
  g_assert_cmpuint(on_pages, >, 0);
  assert_alternatives(sheets, got);
  g_ptr_array_free(got, TRUE);
done:
  g_ptr_array_free(want, TRUE);
  g_object_unref(sheets);
  g_object_unref(booklet);
}

/* A list that goes on over pages is one L of its items, and an item's
 * link is inside the item, after its text. */
static void test_long_list(void) {
  PopplerDocument *pdf = render("tests/print/docs/long-list.yaml", "booklet");
  GPtrArray *all = elements_of(pdf);
  g_assert_nonnull(all);
  dump(all);
  guint lists = 0, list = 0;
  for (guint i = 0; i < all->len; i++)
    if (((const element *)all->pdata[i])->kind ==
        POPPLER_STRUCTURE_ELEMENT_LIST) {
      lists++;
      list = i;
    }
  g_assert_cmpuint(lists, ==, 1);
  const element *l = all->pdata[list];
  guint items = 0, links = 0;
  int first_page = -1, last_page = -1;
  const element *item = NULL;
  for (guint i = list + 1; i < all->len; i++) {
    const element *e = all->pdata[i];
    if (e->depth <= l->depth) break;
    if (e->depth == l->depth + 1) {
      g_assert_cmpint(e->kind, ==, POPPLER_STRUCTURE_ELEMENT_LIST_ITEM);
      item = e;
      items++;
      if (first_page < 0) first_page = e->page;
      last_page = e->page;
      char *text = g_strdup_printf("item %u", items);
      g_assert_nonnull(strstr(e->text, text));
      g_free(text);
    } else if (e->kind == POPPLER_STRUCTURE_ELEMENT_LINK) {
      /* In the item, whose number is in the address. */
      g_assert_cmpint(e->depth, ==, l->depth + 2);
      char *alt = g_strdup_printf("https://www.example.org/source/%u", items);
      g_assert_cmpstr(e->alt, ==, alt);
      g_free(alt);
      g_assert_true(g_str_has_suffix(item->text, "its source"));
      links++;
    }
  }
  g_assert_cmpuint(items, ==, 40);
  g_assert_cmpuint(links, ==, 4);
  g_assert_cmpint(first_page, >=, 0);
  g_assert_cmpint(last_page, >, first_page); /* over pages */
  assert_alternatives(pdf, all);
  g_ptr_array_free(all, TRUE);
  g_object_unref(pdf);
}

static void test_imposed(void) {
  /* Four pages on one sheet; its headings, list, link and QR code. */
  assert_imposed_reads_as_booklet("tests/print/docs/structure.yaml");
  /* Pages on several sheets with a photo, a parallel title in Finnish and
   * links; and a booklet bound on the right. */
  assert_imposed_reads_as_booklet("samples/full.yaml");
  assert_imposed_reads_as_booklet("samples/arabic.yaml");
  /* A list over pages drawn out of their order, links in its items. */
  assert_imposed_reads_as_booklet("tests/print/docs/long-list.yaml");
}

int main(int argc, char **argv) {
  g_setenv("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/structure/booklet", test_booklet);
  g_test_add_func("/structure/booklet-cover", test_booklet_cover);
  g_test_add_func("/structure/poster", test_poster);
  g_test_add_func("/structure/long-list", test_long_list);
  g_test_add_func("/structure/imposed", test_imposed);
  return g_test_run();
}
