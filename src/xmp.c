/* xmp: see xmp.h. */
#include "xmp.h"

#include <glib.h>
#include <string.h>

/* Escaped for XML, without the C0 controls XML 1.0 forbids (a title
 * cannot hold them anyway; a packet holding one would not parse). */
static void append_text(GString *out, const char *text) {
  GString *clean = g_string_new(NULL);
  for (const char *p = text; *p; p++)
    if ((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n')
      g_string_append_c(clean, *p);
  char *escaped = g_markup_escape_text(clean->str, -1);
  g_string_append(out, escaped);
  g_free(escaped);
  g_string_free(clean, TRUE);
}

static void simple(GString *out, const char *key, const char *value) {
  if (!value || !*value) return;
  g_string_append_printf(out, "   <%s>", key);
  append_text(out, value);
  g_string_append_printf(out, "</%s>\n", key);
}

/* A language alternative (dc:title, dc:description): the default entry,
 * as PDF/A and PDF/X readers look for it. */
static void alternative(GString *out, const char *key, const char *value) {
  if (!value || !*value) return;
  g_string_append_printf(out,
                         "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">",
                         key);
  append_text(out, value);
  g_string_append_printf(out, "</rdf:li></rdf:Alt></%s>\n", key);
}

static void list(GString *out, const char *key, const char *kind,
                 const char *value) {
  if (!value || !*value) return;
  g_string_append_printf(out, "   <%s><rdf:%s><rdf:li>", key, kind);
  append_text(out, value);
  g_string_append_printf(out, "</rdf:li></rdf:%s></%s>\n", kind, key);
}

char *dp_xmp_packet(const dp_xmp *x) {
  GString *out = g_string_new(NULL);
  /* The byte-order mark in the header says the packet is UTF-8. */
  g_string_append(out,
                  "<?xpacket begin=\"\xEF\xBB\xBF\" "
                  "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                  " <rdf:RDF "
                  "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                  "  <rdf:Description rdf:about=\"\"\n"
                  "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                  "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                  "    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
                  "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"");
  if (x->pdfx)
    g_string_append(out,
                    "\n    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"");
  if (x->pdfa)
    g_string_append(out,
                    "\n    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"");
  g_string_append(out, ">\n   <dc:format>application/pdf</dc:format>\n");
  alternative(out, "dc:title", x->title);
  list(out, "dc:creator", "Seq", x->author);
  alternative(out, "dc:description", x->subject);
  list(out, "dc:language", "Bag", x->lang);
  simple(out, "pdf:Keywords", x->keywords);
  simple(out, "pdf:Producer", x->producer);
  simple(out, "xmp:CreatorTool", x->creator_tool);
  GDateTime *when = g_date_time_new_from_unix_utc(x->date);
  char *date = when ? g_date_time_format(when, "%Y-%m-%dT%H:%M:%SZ") : NULL;
  if (when) g_date_time_unref(when);
  simple(out, "xmp:CreateDate", date);
  simple(out, "xmp:ModifyDate", date);
  simple(out, "xmp:MetadataDate", date);
  g_free(date);
  if (x->id) {
    const unsigned char *b = x->id;
    char uuid[64];
    g_snprintf(uuid, sizeof uuid,
               "uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
               "%02x%02x%02x%02x%02x%02x",
               b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
               b[10], b[11], b[12], b[13], b[14], b[15]);
    simple(out, "xmpMM:DocumentID", uuid);
    simple(out, "xmpMM:InstanceID", uuid);
  }
  if (x->pdfx) {
    simple(out, "xmpMM:VersionID", "1");
    simple(out, "xmpMM:RenditionClass", "default");
    simple(out, "pdf:Trapped", "False");
    simple(out, "pdfxid:GTS_PDFXVersion", "PDF/X-4");
  }
  /* ISO 19005-2, 6.6.4: the part and the conformance level. */
  if (x->pdfa) {
    simple(out, "pdfaid:part", "2");
    simple(out, "pdfaid:conformance", "B");
  }
  g_string_append(out,
                  "  </rdf:Description>\n"
                  " </rdf:RDF>\n"
                  "</x:xmpmeta>\n");
  /* Room for an editor to change the packet in place (XMP's own advice:
   * 2 KB of padding). */
  for (int i = 0; i < 20; i++)
    g_string_append(out, "                                                  "
                         "                                                 \n");
  g_string_append(out, "<?xpacket end=\"w\"?>");
  return g_string_free(out, FALSE);
}
