/* The "qpdf" plugin: the last step of PDF output, through libqpdf's C API
 * (see plugin.h).
 *
 * Cairo's file is read from memory, changed object by object and written
 * again to memory:
 *
 *  - every page gets the MediaBox, BleedBox and TrimBox it was given;
 *  - the catalog gets /Lang, and /PageLabels numbering the pages 1, 2, ...;
 *  - the Info dictionary gets CreationDate and ModDate in the "D:" form
 *    (cairo 1.16 writes "(20241127120000)");
 *  - structure elements get /Alt and /Lang (cairo 1.16 takes no
 *    attributes on structure tags), Link elements and link annotations
 *    the URI they go to as /Alt and /Contents, and the document
 *    element's children are put in reading order (cairo writes them in
 *    the order drawn), a list drawn page by page joined into one L, and
 *    a list item's links put in the item;
 *  - the catalog gets the XMP packet as /Metadata (every PDF) and, for
 *    PDF/X-4, the output intent with its ICC profile; Info gets the
 *    PDF/X version and /Trapped;
 *  - JPEG images get their file's ICC profile as an /ICCBased colour
 *    space, and Adobe's inverted CMYK its /Decode;
 *  - the printer's marks, drawn in a stand-in RGB colour, get the
 *    registration colour (/Separation /All), and in press output black
 *    and neutral greys become one ink, in the content streams of pages and
 *    forms rewritten through qpdf's tokenizer (qpdf-content.h);
 *  - the trailer gets an /ID whose first string the caller derived from
 *    the content.  QPDFWriter keeps a first string it finds and, with a
 *    deterministic ID, makes the second a digest of what it writes, so no
 *    clock or randomness reaches the file.
 *
 * Objects are renumbered in the order they are reached, streams keep
 * their compression (decode level none: fonts and images are copied, not
 * recompressed), and object streams are off, as cairo 1.16 writes them
 * and as PDF/X-1a and PDF/X-3 readers expect.  Cross-reference damage in
 * cairo's file (1.16 leaves a dangling entry when a link tag is used
 * outside a structure tree) is repaired on reading, silently.
 */
#include <glib.h>
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "qpdf-content.h"

/* How deep the structure tree and resource dictionaries are followed:
 * far beyond what cairo writes, and a guard against cycles. */
#define MAX_DEPTH 64

/* A length: whole points as an integer, else to a thousandth. */
static qpdf_oh number(qpdf_data q, double v) {
  if (fabs(v - round(v)) < 1e-9) return qpdf_oh_new_integer(q, (long long)round(v));
  return qpdf_oh_new_real_from_double(q, v, 3);
}

static qpdf_oh box_array(qpdf_data q, const double box[4]) {
  qpdf_oh a = qpdf_oh_new_array(q);
  for (int i = 0; i < 4; i++) qpdf_oh_append_item(q, a, number(q, box[i]));
  return a;
}

/* ---- The structure tree -------------------------------------------- */

static bool is_object_ref(qpdf_data q, qpdf_oh node) {
  qpdf_oh type = qpdf_oh_get_key(q, node, "/Type");
  return qpdf_oh_is_name_and_equals(q, type, "/MCR") ||
         qpdf_oh_is_name_and_equals(q, type, "/OBJR");
}

/* The URI a link annotation's action goes to, or NULL (owned by q). */
static const char *annotation_uri(qpdf_data q, qpdf_oh annot) {
  qpdf_oh action = qpdf_oh_get_key(q, annot, "/A");
  if (!qpdf_oh_is_dictionary(q, action)) return NULL;
  qpdf_oh uri = qpdf_oh_get_key(q, action, "/URI");
  return qpdf_oh_is_string(q, uri) ? qpdf_oh_get_utf8_value(q, uri) : NULL;
}

/* (transfer full) The URI of a Link element's annotation (its /OBJR),
 * or NULL. */
static char *link_uri(qpdf_data q, qpdf_oh link) {
  qpdf_oh kids = qpdf_oh_get_key(q, link, "/K");
  int n = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 1;
  for (int i = 0; i < n; i++) {
    qpdf_oh kid =
        qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_item(q, kids, i) : kids;
    if (!qpdf_oh_is_dictionary(q, kid) ||
        !qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, kid, "/Type"),
                                    "/OBJR"))
      continue;
    const char *uri = annotation_uri(q, qpdf_oh_get_key(q, kid, "/Obj"));
    if (uri && *uri) return g_strdup(uri);
  }
  return NULL;
}

typedef struct struct_walk {
  qpdf_data q;
  const dp_pdf_fixes *fixes;
  size_t next;  /* the next of fixes->elems */
  char *error;
} struct_walk;

/* Depth first through /K, which is the order the elements were begun in
 * (before reorder_document()): each element but a Link gets what
 * render.c collected for it, checked by its type; a Link, /Alt saying
 * where it goes.  Marked-content and object references end a path. */
static void fix_elements(struct_walk *w, qpdf_oh node, int depth) {
  qpdf_data q = w->q;
  if (depth > MAX_DEPTH || w->error) return;
  if (qpdf_oh_is_array(q, node)) {
    int n = qpdf_oh_get_array_n_items(q, node);
    for (int i = 0; i < n; i++)
      fix_elements(w, qpdf_oh_get_array_item(q, node, i), depth + 1);
    return;
  }
  if (!qpdf_oh_is_dictionary(q, node) || is_object_ref(q, node)) return;
  qpdf_oh type = qpdf_oh_get_key(q, node, "/S");
  if (qpdf_oh_is_name(q, type)) {
    const char *name = qpdf_oh_get_name(q, type);
    if (!strcmp(name, "/Link")) {
      char *uri = link_uri(q, node);
      if (uri)
        qpdf_oh_replace_key(q, node, "/Alt", qpdf_oh_new_unicode_string(q, uri));
      g_free(uri);
      return;
    }
    if (w->next >= w->fixes->elem_count) {
      w->error = g_strdup_printf("the structure tree has more elements than "
                                 "the %zu drawn", w->fixes->elem_count);
      return;
    }
    const dp_pdf_struct_elem *e = &w->fixes->elems[w->next++];
    if (name[0] != '/' || strcmp(name + 1, e->tag) != 0) {
      w->error = g_strdup_printf("structure element %zu is %s, not the %s "
                                 "drawn", w->next, name, e->tag);
      return;
    }
    if (e->alt && *e->alt)
      qpdf_oh_replace_key(q, node, "/Alt", qpdf_oh_new_unicode_string(q, e->alt));
    if (e->lang && *e->lang)
      qpdf_oh_replace_key(q, node, "/Lang", qpdf_oh_new_string(q, e->lang));
  }
  if (qpdf_oh_has_key(q, node, "/K"))
    fix_elements(w, qpdf_oh_get_key(q, node, "/K"), depth + 1);
}

static bool has_type(qpdf_data q, qpdf_oh node, const char *type) {
  return qpdf_oh_is_dictionary(q, node) &&
         qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, node, "/S"), type);
}

/* `node`'s /K as an array, made one when it is a single kid. */
static qpdf_oh kids_array(qpdf_data q, qpdf_oh node) {
  qpdf_oh kids = qpdf_oh_get_key(q, node, "/K");
  if (qpdf_oh_is_array(q, kids)) return kids;
  qpdf_oh array = qpdf_oh_new_array(q);
  if (!qpdf_oh_is_null(q, kids)) qpdf_oh_append_item(q, array, kids);
  qpdf_oh_replace_key(q, node, "/K", array);
  return array;
}

/* `kid`, a structure element, appended to `parent`'s kids. */
static void adopt(qpdf_data q, qpdf_oh parent, qpdf_oh kid) {
  qpdf_oh_append_item(q, kids_array(q, parent), kid);
  qpdf_oh_replace_key(q, kid, "/P", parent);
}

/* A list holds items only (PDF 32000-1, 14.8.4.3.3): the Link elements
 * cairo wrote after an item, in the list, go into that item, after its
 * content. */
static void links_into_items(qpdf_data q, qpdf_oh list) {
  qpdf_oh kids = kids_array(q, list);
  int n = qpdf_oh_get_array_n_items(q, kids);
  qpdf_oh kept = qpdf_oh_new_array(q);
  qpdf_oh item = 0;
  bool moved = false;
  for (int i = 0; i < n; i++) {
    qpdf_oh kid = qpdf_oh_get_array_item(q, kids, i);
    if (item && has_type(q, kid, "/Link")) {
      adopt(q, item, kid);
      moved = true;
      continue;
    }
    if (has_type(q, kid, "/LI")) item = kid;
    qpdf_oh_append_item(q, kept, kid);
  }
  if (moved) qpdf_oh_replace_key(q, list, "/K", kept);
}

/* The document element's children in reading order, lists that go on
 * joined (plugin.h). */
static char *reorder_document(qpdf_data q, qpdf_oh tree,
                              const dp_pdf_fixes *fixes) {
  qpdf_oh document = qpdf_oh_get_key(q, tree, "/K");
  if (qpdf_oh_is_array(q, document) &&
      qpdf_oh_get_array_n_items(q, document) == 1)
    document = qpdf_oh_get_array_item(q, document, 0);
  if (!qpdf_oh_is_dictionary(q, document) ||
      !qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, document, "/S"),
                                  "/Document"))
    return g_strdup("the structure tree has no document element");
  qpdf_oh kids = qpdf_oh_get_key(q, document, "/K");
  size_t n = qpdf_oh_is_array(q, kids)
                 ? (size_t)qpdf_oh_get_array_n_items(q, kids)
                 : qpdf_oh_is_null(q, kids) ? 0 : 1;
  if (n != fixes->reading_count)
    return g_strdup_printf("the document element has %zu children, not the "
                           "%zu drawn", n, fixes->reading_count);
  kids = kids_array(q, document);
  for (size_t i = 0; i < n; i++) {
    qpdf_oh kid = qpdf_oh_get_array_item(q, kids, (int)i);
    if (has_type(q, kid, "/L")) links_into_items(q, kid);
  }
  qpdf_oh sorted = qpdf_oh_new_array(q);
  /* Where each child is in reading order, to see that a list joins one
   * before it. */
  size_t *place = g_new(size_t, n + 1);
  for (size_t i = 0; i < n; i++) place[i] = n;
  for (size_t i = 0; i < n; i++)
    if (fixes->reading[i] < n) place[fixes->reading[i]] = i;
  char *error = NULL;
  for (size_t i = 0; i < n && !error; i++) {
    size_t k = fixes->reading[i];
    if (k >= n || place[k] != i) {
      error = g_strdup("the reading order is not one of the document's "
                       "children");
      break;
    }
    qpdf_oh kid = qpdf_oh_get_array_item(q, kids, (int)k);
    size_t into = fixes->joins ? fixes->joins[k] : k;
    if (into == k) {
      qpdf_oh_append_item(q, sorted, kid);
      continue;
    }
    qpdf_oh list = into < n ? qpdf_oh_get_array_item(q, kids, (int)into) : 0;
    if (into >= n || place[into] >= i || !has_type(q, kid, "/L") ||
        !has_type(q, list, "/L")) {
      error = g_strdup_printf("child %zu of the document cannot join child "
                              "%zu", k, into);
      break;
    }
    qpdf_oh items = kids_array(q, kid);
    int count = qpdf_oh_get_array_n_items(q, items);
    for (int j = 0; j < count; j++)
      adopt(q, list, qpdf_oh_get_array_item(q, items, j));
  }
  g_free(place);
  if (!error) qpdf_oh_replace_key(q, document, "/K", sorted);
  return error;
}

/* What cairo's structure tree lacks: attributes, reading order. */
static char *fix_structure(qpdf_data q, qpdf_oh root,
                           const dp_pdf_fixes *fixes) {
  if (!qpdf_oh_has_key(q, root, "/StructTreeRoot"))
    return fixes->elem_count
               ? g_strdup("the PDF has no structure tree to complete")
               : NULL;
  qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
  struct_walk walk = {q, fixes, 0, NULL};
  fix_elements(&walk, tree, 0);
  if (!walk.error && walk.next != fixes->elem_count)
    walk.error = g_strdup_printf("the structure tree has %zu elements, not "
                                 "the %zu drawn", walk.next,
                                 fixes->elem_count);
  if (!walk.error && fixes->reading)
    walk.error = reorder_document(q, tree, fixes);
  return walk.error;
}

/* A link annotation's /Contents, its text for those who cannot see it,
 * says where it goes (PDF 32000-1, 12.5.6.5; PDF/UA).  In a tagged PDF
 * the keyboard goes from link to link in the structure's order, which
 * is the reading order, not the order drawn (/Tabs /S, 12.5 table 30;
 * PDF/UA-1 7.18.3).  In PDF/A every annotation prints, and is neither
 * hidden nor invisible (6.3.2): its flags are Print alone (cairo writes
 * none). */
static void complete_annotations(qpdf_data q, qpdf_oh page, bool tagged,
                                 bool pdfa) {
  qpdf_oh annots = qpdf_oh_get_key(q, page, "/Annots");
  if (!qpdf_oh_is_array(q, annots)) return;
  int n = qpdf_oh_get_array_n_items(q, annots);
  if (tagged && n > 0)
    qpdf_oh_replace_key(q, page, "/Tabs", qpdf_oh_new_name(q, "/S"));
  for (int i = 0; i < n; i++) {
    qpdf_oh annot = qpdf_oh_get_array_item(q, annots, i);
    if (!qpdf_oh_is_dictionary(q, annot)) continue;
    if (pdfa) qpdf_oh_replace_key(q, annot, "/F", qpdf_oh_new_integer(q, 4));
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, annot, "/Subtype"),
                                    "/Link") ||
        qpdf_oh_has_key(q, annot, "/Contents"))
      continue;
    const char *uri = annotation_uri(q, annot);
    if (uri && *uri)
      qpdf_oh_replace_key(q, annot, "/Contents",
                          qpdf_oh_new_unicode_string(q, uri));
  }
}

/* ---- Fonts without a font file ------------------------------------- */

static bool has_font_file(qpdf_data q, qpdf_oh font) {
  if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, font, "/Subtype"),
                                 "/Type3"))
    return true; /* glyphs are content streams of the font itself */
  if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, font, "/Subtype"),
                                 "/Type0")) {
    qpdf_oh descendants = qpdf_oh_get_key(q, font, "/DescendantFonts");
    if (!qpdf_oh_is_array(q, descendants) ||
        qpdf_oh_get_array_n_items(q, descendants) < 1)
      return false;
    font = qpdf_oh_get_array_item(q, descendants, 0);
  }
  qpdf_oh descriptor = qpdf_oh_get_key(q, font, "/FontDescriptor");
  return qpdf_oh_is_dictionary(q, descriptor) &&
         (qpdf_oh_has_key(q, descriptor, "/FontFile") ||
          qpdf_oh_has_key(q, descriptor, "/FontFile2") ||
          qpdf_oh_has_key(q, descriptor, "/FontFile3"));
}

/* The DP_PDF_SPACE_* bit of the colour space `space` (a name or an
 * array such as [/ICCBased 12 0 R]). */
static unsigned space_bit(qpdf_data q, qpdf_oh space, int depth) {
  if (qpdf_oh_is_array(q, space) && qpdf_oh_get_array_n_items(q, space) > 0) {
    qpdf_oh family = qpdf_oh_get_array_item(q, space, 0);
    if (qpdf_oh_is_name_and_equals(q, family, "/ICCBased")) {
      qpdf_oh profile = qpdf_oh_get_array_item(q, space, 1);
      long long n = qpdf_oh_is_stream(q, profile)
                        ? qpdf_oh_get_int_value(
                              q, qpdf_oh_get_key(q, qpdf_oh_get_dict(q, profile),
                                                 "/N"))
                        : 0;
      return n == 1   ? DP_PDF_SPACE_ICC_GRAY
             : n == 3 ? DP_PDF_SPACE_ICC_RGB
             : n == 4 ? DP_PDF_SPACE_ICC_CMYK
                      : DP_PDF_SPACE_OTHER;
    }
    if (qpdf_oh_is_name_and_equals(q, family, "/Separation"))
      return DP_PDF_SPACE_SEPARATION;
    if (qpdf_oh_is_name_and_equals(q, family, "/Indexed") && depth < 2)
      return space_bit(q, qpdf_oh_get_array_item(q, space, 1), depth + 1);
    return DP_PDF_SPACE_OTHER;
  }
  if (qpdf_oh_is_name_and_equals(q, space, "/DeviceGray"))
    return DP_PDF_SPACE_GRAY;
  if (qpdf_oh_is_name_and_equals(q, space, "/DeviceRGB"))
    return DP_PDF_SPACE_RGB;
  if (qpdf_oh_is_name_and_equals(q, space, "/DeviceCMYK"))
    return DP_PDF_SPACE_CMYK;
  return qpdf_oh_is_null(q, space) ? 0 : DP_PDF_SPACE_OTHER;
}

/* The keys of the dictionary `dict` (g_ptr_array_free). */
static GPtrArray *keys_of(qpdf_data q, qpdf_oh dict) {
  GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
  if (!qpdf_oh_is_dictionary(q, dict)) return keys;
  qpdf_oh_begin_dict_key_iter(q, dict);
  while (qpdf_oh_dict_more_keys(q))
    g_ptr_array_add(keys, g_strdup(qpdf_oh_dict_next_key(q)));
  return keys;
}

/* Takes stock of `resources` and of its form XObjects' resources: their
 * fonts (and those without a font file), their images' and their named
 * colour spaces.  `seen` (object ids) counts each font and visits each
 * XObject once. */
static void take_stock(qpdf_data q, qpdf_oh resources, GHashTable *seen,
                       int depth, dp_pdf_facts *facts) {
  if (depth > MAX_DEPTH || !qpdf_oh_is_dictionary(q, resources)) return;
  qpdf_oh fonts = qpdf_oh_get_key(q, resources, "/Font");
  GPtrArray *keys = keys_of(q, fonts);
  for (guint i = 0; i < keys->len; i++) {
    qpdf_oh font = qpdf_oh_get_key(q, fonts, keys->pdata[i]);
    int id = qpdf_oh_get_object_id(q, font);
    if (id > 0 && !g_hash_table_add(seen, GINT_TO_POINTER(id))) continue;
    if (!qpdf_oh_is_dictionary(q, font)) continue;
    facts->fonts++;
    if (!has_font_file(q, font)) facts->unembedded++;
  }
  g_ptr_array_free(keys, TRUE);
  qpdf_oh spaces = qpdf_oh_get_key(q, resources, "/ColorSpace");
  keys = keys_of(q, spaces);
  for (guint i = 0; i < keys->len; i++)
    facts->spaces |= space_bit(q, qpdf_oh_get_key(q, spaces, keys->pdata[i]), 0);
  g_ptr_array_free(keys, TRUE);
  qpdf_oh xobjects = qpdf_oh_get_key(q, resources, "/XObject");
  keys = keys_of(q, xobjects);
  for (guint i = 0; i < keys->len; i++) {
    qpdf_oh xobject = qpdf_oh_get_key(q, xobjects, keys->pdata[i]);
    int id = qpdf_oh_get_object_id(q, xobject);
    if (id > 0 && !g_hash_table_add(seen, GINT_TO_POINTER(-id))) continue;
    if (!qpdf_oh_is_stream(q, xobject)) continue;
    qpdf_oh dict = qpdf_oh_get_dict(q, xobject);
    qpdf_oh subtype = qpdf_oh_get_key(q, dict, "/Subtype");
    if (qpdf_oh_is_name_and_equals(q, subtype, "/Form"))
      take_stock(q, qpdf_oh_get_key(q, dict, "/Resources"), seen, depth + 1,
                 facts);
    else if (qpdf_oh_is_name_and_equals(q, subtype, "/Image") &&
             !qpdf_oh_get_bool_value(q, qpdf_oh_get_key(q, dict, "/ImageMask")))
      facts->spaces |= space_bit(q, qpdf_oh_get_key(q, dict, "/ColorSpace"), 0);
  }
  g_ptr_array_free(keys, TRUE);
}

/* ---- Metadata and PDF/X -------------------------------------------- */

/* A new stream object holding `length` bytes, unfiltered (the writer
 * compresses it unless it is XMP, which readers find uncompressed). */
static qpdf_oh new_stream(qpdf_data q, const void *data, size_t length) {
  qpdf_oh stream = qpdf_oh_new_stream(q);
  qpdf_oh_replace_stream_data(q, stream, (const unsigned char *)data, length,
                              qpdf_oh_new_null(q), qpdf_oh_new_null(q));
  return stream;
}

static void add_metadata(qpdf_data q, qpdf_oh root, const dp_pdf_fixes *fixes) {
  qpdf_oh stream = new_stream(q, fixes->xmp, fixes->xmp_length);
  qpdf_oh dict = qpdf_oh_get_dict(q, stream);
  qpdf_oh_replace_key(q, dict, "/Type", qpdf_oh_new_name(q, "/Metadata"));
  qpdf_oh_replace_key(q, dict, "/Subtype", qpdf_oh_new_name(q, "/XML"));
  qpdf_oh_replace_key(q, root, "/Metadata", stream);
}

/* The PDF/X output intent (ISO 15930-7, 6.2.4): the profile of the
 * printing condition, named "Custom" with the condition in /Info, as one
 * not in a registry is. */
static void add_output_intent(qpdf_data q, qpdf_oh root,
                              const dp_pdf_fixes *fixes) {
  qpdf_oh profile = new_stream(q, fixes->icc, fixes->icc_length);
  qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, profile), "/N",
                      qpdf_oh_new_integer(q, fixes->icc_components));
  qpdf_oh intent = qpdf_oh_new_dictionary(q);
  qpdf_oh_replace_key(q, intent, "/Type", qpdf_oh_new_name(q, "/OutputIntent"));
  qpdf_oh_replace_key(q, intent, "/S",
                      qpdf_oh_new_name(q, fixes->pdfa ? "/GTS_PDFA1"
                                                      : "/GTS_PDFX"));
  qpdf_oh_replace_key(q, intent, "/OutputConditionIdentifier",
                      qpdf_oh_new_string(q, "Custom"));
  const char *condition =
      fixes->output_condition ? fixes->output_condition : "";
  qpdf_oh_replace_key(q, intent, "/OutputCondition",
                      qpdf_oh_new_unicode_string(q, condition));
  qpdf_oh_replace_key(q, intent, "/Info",
                      qpdf_oh_new_unicode_string(q, condition));
  qpdf_oh_replace_key(q, intent, "/DestOutputProfile",
                      profile);
  qpdf_oh intents = qpdf_oh_new_array(q);
  qpdf_oh_append_item(q, intents, qpdf_make_indirect_object(q, intent));
  qpdf_oh_replace_key(q, root, "/OutputIntents", intents);
  qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
  if (qpdf_oh_is_dictionary(q, info) && !fixes->pdfa) {
    qpdf_oh_replace_key(q, info, "/GTS_PDFXVersion",
                        qpdf_oh_new_string(q, "PDF/X-4"));
    qpdf_oh_replace_key(q, info, "/Trapped", qpdf_oh_new_name(q, "/False"));
  }
}

/* ---- Registration colour ------------------------------------------- */

/* The /Separation /All colour space: what prints on every plate.  Its
 * alternate, for a viewer or a composite proof, is the output intent's
 * colour space at full ink (black). */
static qpdf_oh registration_space(qpdf_data q, int components) {
  const char *alternate = components == 4   ? "/DeviceCMYK"
                          : components == 1 ? "/DeviceGray"
                                            : "/DeviceRGB";
  const char *c0 = components == 4   ? "[0 0 0 0]"
                   : components == 1 ? "[1]"
                                     : "[1 1 1]";
  const char *c1 = components == 4   ? "[1 1 1 1]"
                   : components == 1 ? "[0]"
                                     : "[0 0 0]";
  qpdf_oh tint = qpdf_oh_new_dictionary(q);
  qpdf_oh_replace_key(q, tint, "/FunctionType", qpdf_oh_new_integer(q, 2));
  qpdf_oh_replace_key(q, tint, "/Domain", qpdf_oh_parse(q, "[0 1]"));
  qpdf_oh_replace_key(q, tint, "/C0", qpdf_oh_parse(q, c0));
  qpdf_oh_replace_key(q, tint, "/C1", qpdf_oh_parse(q, c1));
  qpdf_oh_replace_key(q, tint, "/N", qpdf_oh_new_integer(q, 1));
  qpdf_oh space = qpdf_oh_new_array(q);
  qpdf_oh_append_item(q, space, qpdf_oh_new_name(q, "/Separation"));
  qpdf_oh_append_item(q, space, qpdf_oh_new_name(q, "/All"));
  qpdf_oh_append_item(q, space, qpdf_oh_new_name(q, alternate));
  qpdf_oh_append_item(q, space, qpdf_make_indirect_object(q, tint));
  return qpdf_make_indirect_object(q, space);
}

/* Recolours the content stream `stream` (qpdf-content.h); true when it
 * changed, *registration when it now uses /DPRegistration; adds the
 * device colour spaces it paints in to *spaces. */
static bool recolour_stream(qpdf_data q, qpdf_oh stream,
                            const dp_recolour *how, bool *registration,
                            unsigned *spaces) {
  if (!qpdf_oh_is_stream(q, stream)) return false;
  QPDF_BOOL filtered = QPDF_FALSE;
  unsigned char *data = NULL;
  size_t length = 0;
  if (qpdf_oh_get_stream_data(q, stream, qpdf_dl_generalized, &filtered,
                              &data, &length) & QPDF_ERRORS ||
      !filtered) {
    free(data);
    return false;
  }
  unsigned char *text = NULL;
  size_t text_length = 0;
  bool used = false;
  unsigned painted = 0;
  bool changed = dp_recolour_content(data, length, how, &text, &text_length,
                                     &used, &painted);
  *spaces |= painted;
  if (changed)
    qpdf_oh_replace_stream_data(q, stream, text, text_length,
                                qpdf_oh_new_null(q), qpdf_oh_new_null(q));
  *registration = *registration || used;
  free(text);
  free(data);
  return changed;
}

/* Where /DPRegistration is defined: `owner`'s resources (a page, or a
 * form XObject's dictionary), made when missing. */
static void define_registration(qpdf_data q, qpdf_oh owner, qpdf_oh space) {
  qpdf_oh resources = qpdf_oh_get_key(q, owner, "/Resources");
  if (!qpdf_oh_is_dictionary(q, resources)) {
    resources = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, owner, "/Resources", resources);
  }
  qpdf_oh spaces = qpdf_oh_get_key(q, resources, "/ColorSpace");
  if (!qpdf_oh_is_dictionary(q, spaces)) {
    spaces = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, resources, "/ColorSpace", spaces);
  }
  qpdf_oh_replace_key(q, spaces, "/DPRegistration", space);
}

typedef struct recolour_walk {
  qpdf_data q;
  dp_recolour how;
  int components;       /* of the output intent */
  qpdf_oh registration; /* the colour space, once made */
  bool made;
  GHashTable *seen;     /* form XObjects done (object ids) */
  unsigned spaces;      /* DP_PDF_SPACE_* of the colour operators */
} recolour_walk;

static void recolour_owner(recolour_walk *w, qpdf_oh owner, bool used) {
  if (!used) return;
  if (!w->made) w->registration = registration_space(w->q, w->components);
  w->made = true;
  define_registration(w->q, owner, w->registration);
}

/* The form XObjects of `resources`, and theirs, each once. */
static void recolour_forms(recolour_walk *w, qpdf_oh resources, int depth) {
  qpdf_data q = w->q;
  if (depth > MAX_DEPTH || !qpdf_oh_is_dictionary(q, resources)) return;
  qpdf_oh xobjects = qpdf_oh_get_key(q, resources, "/XObject");
  if (!qpdf_oh_is_dictionary(q, xobjects)) return;
  GPtrArray *keys = keys_of(q, xobjects);
  for (guint i = 0; i < keys->len; i++) {
    qpdf_oh form = qpdf_oh_get_key(q, xobjects, keys->pdata[i]);
    int id = qpdf_oh_get_object_id(q, form);
    if (id > 0 && !g_hash_table_add(w->seen, GINT_TO_POINTER(id))) continue;
    if (!qpdf_oh_is_stream(q, form)) continue;
    qpdf_oh dict = qpdf_oh_get_dict(q, form);
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Subtype"),
                                    "/Form"))
      continue;
    bool used = false;
    recolour_stream(q, form, &w->how, &used, &w->spaces);
    recolour_owner(w, dict, used);
    recolour_forms(w, qpdf_oh_get_key(q, dict, "/Resources"), depth + 1);
  }
  g_ptr_array_free(keys, TRUE);
}

/* The page's content streams and its forms recoloured (or only read, to
 * take stock), and the registration colour space in the resources of
 * those that use it. */
static void recolour_page(recolour_walk *w, qpdf_oh page) {
  qpdf_data q = w->q;
  qpdf_oh contents = qpdf_oh_get_key(q, page, "/Contents");
  bool used = false;
  if (qpdf_oh_is_array(q, contents)) {
    int n = qpdf_oh_get_array_n_items(q, contents);
    for (int i = 0; i < n; i++)
      recolour_stream(q, qpdf_oh_get_array_item(q, contents, i), &w->how,
                      &used, &w->spaces);
  } else {
    recolour_stream(q, contents, &w->how, &used, &w->spaces);
  }
  recolour_owner(w, page, used);
  recolour_forms(w, qpdf_oh_get_key(q, page, "/Resources"), 0);
}

/* ---- JPEG images ---------------------------------------------------- */

/* What a JPEG file says of its colour, read from its markers up to the
 * first scan: the number of components, Adobe's APP14 marker (inverted
 * CMYK), and the ICC profile of its APP2 ICC_PROFILE chunks, joined in
 * order (empty when missing or incomplete). */
typedef struct jpeg_colour {
  int components;
  bool adobe;
  GByteArray *profile;
} jpeg_colour;

static void read_jpeg_colour(const unsigned char *d, size_t n,
                             jpeg_colour *out) {
  out->components = 0;
  out->adobe = false;
  out->profile = g_byte_array_new();
  GByteArray *chunks[256] = {NULL};
  int chunk_count = 0;
  size_t at = 2;
  if (n < 4 || d[0] != 0xFF || d[1] != 0xD8) return;
  while (at + 4 <= n && d[at] == 0xFF) {
    unsigned marker = d[at + 1];
    if (marker == 0xFF) { /* fill byte */
      at++;
      continue;
    }
    size_t length = (size_t)d[at + 2] << 8 | d[at + 3];
    const unsigned char *body = d + at + 4;
    if (length < 2 || at + 2 + length > n || marker == 0xDA) break;
    size_t size = length - 2;
    if (marker == 0xEE && size >= 5 && !memcmp(body, "Adobe", 5))
      out->adobe = true;
    if (marker == 0xE2 && size > 14 && !memcmp(body, "ICC_PROFILE", 12)) {
      int seq = body[12], count = body[13];
      if (seq >= 1 && seq <= count && !chunks[seq]) {
        chunks[seq] = g_byte_array_new();
        g_byte_array_append(chunks[seq], body + 14, (guint)(size - 14));
        chunk_count = count;
      }
    }
    if (((marker >= 0xC0 && marker <= 0xC3) ||
         (marker >= 0xC5 && marker <= 0xC7) ||
         (marker >= 0xC9 && marker <= 0xCB) ||
         (marker >= 0xCD && marker <= 0xCF)) && size >= 6)
      out->components = body[5];
    at += 2 + length;
  }
  bool whole = chunk_count > 0;
  for (int i = 1; i <= chunk_count; i++) whole = whole && chunks[i];
  for (int i = 1; i <= chunk_count && whole; i++)
    g_byte_array_append(out->profile, chunks[i]->data, chunks[i]->len);
  for (int i = 0; i < 256; i++)
    if (chunks[i]) g_byte_array_free(chunks[i], TRUE);
}

/* The colours an ICC profile describes (its header's colour space), or
 * 0. */
static int icc_components(const GByteArray *p) {
  if (p->len < 128 || memcmp(p->data + 36, "acsp", 4)) return 0;
  if (!memcmp(p->data + 16, "RGB ", 4)) return 3;
  if (!memcmp(p->data + 16, "CMYK", 4)) return 4;
  if (!memcmp(p->data + 16, "GRAY", 4)) return 1;
  return 0;
}

/* Cairo 1.16 embeds a JPEG's bytes with a device colour space and no
 * /Decode: an image of Adobe's inverted CMYK shows as its negative, and
 * the file's own ICC profile is ignored.  The image dictionary gets both. */
static void complete_jpeg(qpdf_data q, qpdf_oh image) {
  qpdf_oh dict = qpdf_oh_get_dict(q, image);
  if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Filter"),
                                  "/DCTDecode"))
    return;
  unsigned char *data = NULL;
  size_t length = 0;
  if (qpdf_oh_get_stream_data(q, image, qpdf_dl_none, NULL, &data,
                              &length) & QPDF_ERRORS) {
    free(data);
    return;
  }
  jpeg_colour c;
  read_jpeg_colour(data, length, &c);
  free(data);
  if (c.components == 4 && c.adobe)
    qpdf_oh_replace_key(q, dict, "/Decode",
                        qpdf_oh_parse(q, "[1 0 1 0 1 0 1 0]"));
  if (c.components > 0 && icc_components(c.profile) == c.components) {
    qpdf_oh profile = new_stream(q, c.profile->data, c.profile->len);
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, profile), "/N",
                        qpdf_oh_new_integer(q, c.components));
    qpdf_oh space = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, space, qpdf_oh_new_name(q, "/ICCBased"));
    qpdf_oh_append_item(q, space, profile);
    qpdf_oh_replace_key(q, dict, "/ColorSpace", space);
  }
  g_byte_array_free(c.profile, TRUE);
}

/* PDF/A forbids asking a viewer to smooth an image (6.2.8): cairo asks
 * for images drawn with its default filter, and for their soft masks. */
static void no_interpolation(qpdf_data q, qpdf_oh image) {
  qpdf_oh dict = qpdf_oh_get_dict(q, image);
  qpdf_oh_remove_key(q, dict, "/Interpolate");
  qpdf_oh mask = qpdf_oh_get_key(q, dict, "/SMask");
  if (qpdf_oh_is_stream(q, mask))
    qpdf_oh_remove_key(q, qpdf_oh_get_dict(q, mask), "/Interpolate");
}

/* Every image XObject of `resources`, of its forms' resources and of its
 * patterns' (cairo draws an image it clips or repeats through one),
 * once (`seen`: object ids); `pdfa`: without /Interpolate. */
static void complete_images(qpdf_data q, qpdf_oh resources, GHashTable *seen,
                            bool pdfa, int depth) {
  if (depth > MAX_DEPTH || !qpdf_oh_is_dictionary(q, resources)) return;
  qpdf_oh patterns = qpdf_oh_get_key(q, resources, "/Pattern");
  if (qpdf_oh_is_dictionary(q, patterns)) {
    GPtrArray *keys = keys_of(q, patterns);
    for (guint i = 0; i < keys->len; i++) {
      qpdf_oh pattern = qpdf_oh_get_key(q, patterns, keys->pdata[i]);
      int id = qpdf_oh_get_object_id(q, pattern);
      if (id > 0 && !g_hash_table_add(seen, GINT_TO_POINTER(id))) continue;
      if (qpdf_oh_is_stream(q, pattern))
        complete_images(q,
                        qpdf_oh_get_key(q, qpdf_oh_get_dict(q, pattern),
                                        "/Resources"),
                        seen, pdfa, depth + 1);
    }
    g_ptr_array_free(keys, TRUE);
  }
  qpdf_oh xobjects = qpdf_oh_get_key(q, resources, "/XObject");
  if (!qpdf_oh_is_dictionary(q, xobjects)) return;
  GPtrArray *keys = keys_of(q, xobjects);
  for (guint i = 0; i < keys->len; i++) {
    qpdf_oh xobject = qpdf_oh_get_key(q, xobjects, keys->pdata[i]);
    int id = qpdf_oh_get_object_id(q, xobject);
    if (id > 0 && !g_hash_table_add(seen, GINT_TO_POINTER(id))) continue;
    if (!qpdf_oh_is_stream(q, xobject)) continue;
    qpdf_oh dict = qpdf_oh_get_dict(q, xobject);
    qpdf_oh subtype = qpdf_oh_get_key(q, dict, "/Subtype");
    if (qpdf_oh_is_name_and_equals(q, subtype, "/Image")) {
      complete_jpeg(q, xobject);
      if (pdfa) no_interpolation(q, xobject);
    } else if (qpdf_oh_is_name_and_equals(q, subtype, "/Form")) {
      complete_images(q, qpdf_oh_get_key(q, dict, "/Resources"), seen, pdfa,
                      depth + 1);
    }
  }
  g_ptr_array_free(keys, TRUE);
}

/* ---- The rewrite ---------------------------------------------------- */

static char *error_text(qpdf_data q, const char *what) {
  qpdf_error e = qpdf_get_error(q);
  return g_strdup_printf("%s: %s", what,
                         e ? qpdf_get_error_full_text(q, e) : "unknown error");
}

static bool finish(const unsigned char *pdf, size_t length,
                   const dp_pdf_fixes *fixes, unsigned char **out,
                   size_t *out_length, dp_pdf_facts *facts, char **error) {
  *out = NULL;
  *out_length = 0;
  *facts = (dp_pdf_facts){0, 0, 0};
  qpdf_data q = qpdf_init();
  /* Errors are read with qpdf_get_error; nothing goes to stderr. */
  qpdf_silence_errors(q);
  qpdf_set_suppress_warnings(q, QPDF_TRUE);
  bool ok = false;
  if (qpdf_read_memory(q, "cairo's PDF", (const char *)pdf, length, NULL) &
      QPDF_ERRORS) {
    *error = error_text(q, "cannot read the PDF cairo wrote");
    goto done;
  }
  while (qpdf_more_warnings(q)) qpdf_next_warning(q);

  int pages = qpdf_get_num_pages(q);
  if (pages < 0 || (size_t)pages != fixes->page_count) {
    *error = g_strdup_printf("the PDF has %d pages, not %zu", pages,
                             fixes->page_count);
    goto done;
  }
  GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
  GHashTable *images = g_hash_table_new(g_direct_hash, g_direct_equal);
  /* One registration colour space for every page. */
  recolour_walk recolour = {
      q,
      {fixes->registration, fixes->pure_black, fixes->icc_components == 4},
      fixes->icc_components, 0, false,
      g_hash_table_new(g_direct_hash, g_direct_equal), 0};
  for (int i = 0; i < pages; i++) {
    qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
    const dp_pdf_page_boxes *b = &fixes->boxes[i];
    qpdf_oh_replace_key(q, page, "/MediaBox", box_array(q, b->media));
    qpdf_oh_replace_key(q, page, "/BleedBox", box_array(q, b->bleed));
    qpdf_oh_replace_key(q, page, "/TrimBox", box_array(q, b->trim));
    complete_images(q, qpdf_oh_get_key(q, page, "/Resources"), images,
                    fixes->pdfa, 0);
    complete_annotations(q, page, fixes->elem_count > 0, fixes->pdfa);
    if (fixes->registration || fixes->pure_black || fixes->count_fonts)
      recolour_page(&recolour, page);
    if (fixes->count_fonts)
      take_stock(q, qpdf_oh_get_key(q, page, "/Resources"), seen, 0, facts);
  }
  if (fixes->count_fonts) facts->spaces |= recolour.spaces;
  g_hash_table_destroy(seen);
  g_hash_table_destroy(images);
  g_hash_table_destroy(recolour.seen);

  qpdf_oh root = qpdf_get_root(q);
  if (fixes->lang && *fixes->lang)
    qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_string(q, fixes->lang));
  if (fixes->page_labels)
    qpdf_oh_replace_key(q, root, "/PageLabels",
                        qpdf_oh_parse(q, "<< /Nums [ 0 << /S /D >> ] >>"));
  if (fixes->elem_count || fixes->reading) {
    char *wrong = fix_structure(q, root, fixes);
    if (wrong) {
      *error = g_strdup_printf("cannot complete the structure tree: %s",
                               wrong);
      g_free(wrong);
      goto done;
    }
  }
  if (fixes->date) {
    qpdf_set_info_key(q, "/CreationDate", fixes->date);
    qpdf_set_info_key(q, "/ModDate", fixes->date);
  }
  if (fixes->producer) qpdf_set_info_key(q, "/Producer", fixes->producer);
  if (fixes->xmp) add_metadata(q, root, fixes);
  if (fixes->icc) add_output_intent(q, root, fixes);
  qpdf_oh id = qpdf_oh_new_array(q);
  for (int i = 0; i < 2; i++)
    qpdf_oh_append_item(q, id,
                        qpdf_oh_new_binary_string(q, (const char *)fixes->id,
                                                  fixes->id_length));
  qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/ID", id);
  if (qpdf_has_error(q)) {
    *error = error_text(q, "cannot change the PDF");
    goto done;
  }

  if (qpdf_init_write_memory(q) & QPDF_ERRORS) {
    *error = error_text(q, "cannot write the PDF");
    goto done;
  }
  qpdf_set_object_stream_mode(q, qpdf_o_disable);
  qpdf_set_decode_level(q, qpdf_dl_none);
  qpdf_set_compress_streams(q, QPDF_TRUE);
  qpdf_set_deterministic_ID(q, QPDF_TRUE);
  /* PDF/X-4 is PDF 1.6 (cairo writes 1.5). */
  if (fixes->icc && !fixes->pdfa) qpdf_set_minimum_pdf_version(q, "1.6");
  if (qpdf_write(q) & QPDF_ERRORS) {
    *error = error_text(q, "cannot write the PDF");
    goto done;
  }
  *out_length = qpdf_get_buffer_length(q);
  *out = g_memdup2(qpdf_get_buffer(q), *out_length);
  ok = true;
done:
  qpdf_cleanup(&q);
  return ok;
}

static const dp_qpdf_api api = {DP_PLUGIN_VERSION, finish};

const void *dp_plugin_entry(void);
const void *dp_plugin_entry(void) { return &api; }
