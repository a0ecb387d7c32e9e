/* xmp: the XMP metadata packet of a PDF (ISO 16684-1), for the catalog's
 * /Metadata stream.
 *
 * It repeats the Info dictionary (title, author, subject, keywords,
 * creator tool, producer, dates) and adds what Info cannot hold: the
 * document's language (dc:language) and its identifiers.  For PDF/X-4 it
 * also carries the PDF/X identification (pdfxid:GTS_PDFXVersion), the
 * trapping state and the rendition class ISO 15930-7 asks for.  The text
 * is made from its fields alone, so the same fields give the same bytes.
 */
#ifndef DP_XMP_H
#define DP_XMP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dp_xmp {
  const char *title, *author, *subject, *keywords; /* UTF-8, or NULL */
  const char *lang;          /* BCP 47, or NULL */
  const char *creator_tool;  /* Info /Creator */
  const char *producer;      /* Info /Producer */
  long long date;            /* creation and modification, seconds since
                                1970 (UTC) */
  const unsigned char *id;   /* 16 bytes: the document and instance ID */
  bool pdfx;                 /* PDF/X-4 identification */
  bool pdfa;                 /* PDF/A-2b identification */
} dp_xmp;

/* (transfer full) The packet as UTF-8 XML, free with g_free(). */
char *dp_xmp_packet(const dp_xmp *x);

#endif
