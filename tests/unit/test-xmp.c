/* xmp.h: the packet is well-formed XML whatever the text holds, names
 * what it is given, and identifies PDF/X only when asked. */
#include <glib.h>
#include <string.h>

#include "xmp.h"

static const unsigned char id[16] = {0xc3, 0x56, 0x4c, 0x11, 0x6b, 0x6c,
                                     0x5f, 0x0a, 0x78, 0x15, 0xf2, 0x50,
                                     0x80, 0xd2, 0xe9, 0xfd};

/* The text of the first element `name` in `xml`, as GMarkup reads it. */
typedef struct find {
  const char *name;
  bool inside, found;
  GString *text;
} find;

static void start(GMarkupParseContext *c, const char *name, const char **an,
                  const char **av, void *data, GError **e) {
  (void)c, (void)an, (void)av, (void)e;
  find *f = data;
  if (!f->found && !strcmp(name, f->name)) f->inside = true;
}

static void end(GMarkupParseContext *c, const char *name, void *data,
                GError **e) {
  (void)c, (void)e;
  find *f = data;
  if (f->inside && !strcmp(name, f->name)) {
    f->inside = false;
    f->found = true;
  }
}

static void text(GMarkupParseContext *c, const char *t, gsize n, void *data,
                 GError **e) {
  (void)c, (void)e;
  find *f = data;
  if (f->inside) g_string_append_len(f->text, t, (gssize)n);
}

/* NULL when `name` is not there; g_free. */
static char *element_text(const char *xml, const char *name) {
  /* GMarkup passes over the packet's <?xpacket?> instructions. */
  GMarkupParser parser = {start, end, text, NULL, NULL};
  find f = {name, false, false, g_string_new(NULL)};
  GMarkupParseContext *c = g_markup_parse_context_new(&parser, 0, &f, NULL);
  GError *error = NULL;
  bool ok = g_markup_parse_context_parse(c, xml, -1, &error) &&
            g_markup_parse_context_end_parse(c, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  g_markup_parse_context_free(c);
  return g_string_free(f.text, !f.found);
}

static void test_escaped(void) {
  dp_xmp x = {"Fish & <Chips> \"quoted\"\x01", "Ada Ø. Lovelace",
              "A < B", "k1, k2", "nb", "disputas 1", "producer",
              1700000000, id, false, false};
  char *xml = dp_xmp_packet(&x);
  char *title = element_text(xml, "rdf:li");
  g_assert_cmpstr(title, ==, "Fish & <Chips> \"quoted\"");
  char *lang = element_text(xml, "dc:language");
  g_assert_nonnull(lang);
  g_assert_nonnull(strstr(lang, "nb"));
  char *date = element_text(xml, "xmp:CreateDate");
  g_assert_cmpstr(date, ==, "2023-11-14T22:13:20Z");
  char *doc = element_text(xml, "xmpMM:DocumentID");
  g_assert_cmpstr(doc, ==, "uuid:c3564c11-6b6c-5f0a-7815-f25080d2e9fd");
  char *pdfx = element_text(xml, "pdfxid:GTS_PDFXVersion");
  g_assert_null(pdfx);
  g_assert_null(element_text(xml, "pdfaid:part"));
  g_free(title), g_free(lang), g_free(date), g_free(doc);
  g_free(xml);
}

static void test_pdfx(void) {
  dp_xmp x = {"T", NULL, NULL, NULL, NULL, "c", "p", 0, id, true, false};
  char *xml = dp_xmp_packet(&x);
  char *pdfx = element_text(xml, "pdfxid:GTS_PDFXVersion");
  g_assert_cmpstr(pdfx, ==, "PDF/X-4");
  char *trapped = element_text(xml, "pdf:Trapped");
  g_assert_cmpstr(trapped, ==, "False");
  /* What was not given is not there, not empty. */
  char *creator = element_text(xml, "dc:creator");
  g_assert_null(creator);
  g_free(pdfx), g_free(trapped);
  /* Same fields, same bytes. */
  char *again = dp_xmp_packet(&x);
  g_assert_cmpstr(xml, ==, again);
  g_free(again);
  g_free(xml);
}

/* PDF/A-2b: the part and conformance in PDF/A's own schema (and nothing
 * of PDF/X's, which PDF/A would want described). */
static void test_pdfa(void) {
  dp_xmp x = {"T", NULL, NULL, NULL, "en", "c", "p", 0, id, false, true};
  char *xml = dp_xmp_packet(&x);
  char *part = element_text(xml, "pdfaid:part");
  char *conformance = element_text(xml, "pdfaid:conformance");
  g_assert_cmpstr(part, ==, "2");
  g_assert_cmpstr(conformance, ==, "B");
  g_assert_nonnull(strstr(xml, "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\""));
  g_assert_null(strstr(xml, "pdfxid"));
  g_free(part), g_free(conformance);
  g_free(xml);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xmp/escaped", test_escaped);
  g_test_add_func("/xmp/pdfx", test_pdfx);
  g_test_add_func("/xmp/pdfa", test_pdfa);
  return g_test_run();
}
