/* plugin: heavy libraries in modules loaded only when a run needs them.
 *
 * librsvg, libical and libqpdf each add 5-9 ms to the start of every
 * process that links them, while most runs need none of them.  Each lives in a small module built beside the
 * library (src/plugins/) and opened with GModule on first use.  A module
 * exports one function, `dp_plugin_entry`, returning a table of function
 * pointers whose first field is its version.
 *
 * Modules are looked for in $DISPUTAS_PLUGINDIR, else in the build tree
 * when disputas runs from it, else in the installed plugin folder.
 */
#ifndef DP_PLUGIN_H
#define DP_PLUGIN_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"

#define DP_PLUGIN_VERSION 9

/* "svg": SVG images through librsvg. */
typedef struct dp_svg_api {
  int version;
  /* The image's natural size in points; false with *error (g_free) when
   * it cannot be read. */
  bool (*get_size)(const char *path, double *width, double *height,
                   char **error);
  /* Draws the image scaled into the box, its text set with `font_map`
   * (a PangoCairoFontMap, made the thread's default while drawing:
   * librsvg sets text with that), or with the thread's default font map
   * when NULL. */
  bool (*draw)(const char *path, cairo_t *cr, double x, double y,
               double width, double height, void *font_map, char **error);
} dp_svg_api;

/* "jpeg": JPEG images through libjpeg, decoded to a Cairo surface. */
typedef struct dp_jpeg_api {
  int version;
  /* (transfer full) The decoded image, with the file's bytes attached as
   * JPEG mime data so PDF output embeds the original stream.  NULL with
   * *error on failure.  `stop` (may be NULL) is asked between rows: when
   * it returns true, decoding stops and NULL is returned, *error not
   * set (cancel.h). */
  cairo_surface_t *(*load)(const char *path, bool (*stop)(void *data),
                           void *stop_data, char **error);
} dp_jpeg_api;

/* "voikko": hyphenation through libvoikko, for the languages libhyphen
 * has no patterns for that libvoikko has a dictionary of (Finnish:
 * Debian has voikko-fi, and no hyphen-fi). */
typedef struct dp_voikko_api {
  int version;
  /* (transfer full) A hyphenator of language `lang` (BCP 47), or NULL
   * where libvoikko has no dictionary of it.  One thread at a time. */
  void *(*open)(const char *lang);
  /* (transfer full) Where `word` (UTF-8, one word) may be hyphenated:
   * one byte a character, '-' where a hyphen may go before it, ' '
   * elsewhere; NULL if libvoikko cannot tell (g_free). */
  char *(*hyphenate)(void *hyphenator, const char *word);
  void (*close)(void *hyphenator);
} dp_voikko_api;

/* "ical": calendars as iCalendar text through libical. */
typedef struct dp_ical_api {
  int version;
  /* (transfer full) `calendar` as an RFC 5545 VCALENDAR (CRLF line ends,
   * long lines folded), free with g_free(); NULL with *error (g_free)
   * when it cannot be made (a zone libical does not know). */
  char *(*write)(const dp_calendar *calendar, char **error);
} dp_ical_api;

/* "qpdf": the last step of PDF output through libqpdf (render.c).  Cairo
 * 1.16 writes no TrimBox, BleedBox, /Lang or /ID, dates without their
 * "D:", structure elements without alternative text or language and in
 * the order drawn rather than read; the module rewrites cairo's file with
 * them.  Lengths are PDF points from the
 * lower-left corner of the media box. */
/* Registration colour.  Cairo has no separation colours, so render.c
 * draws the printer's marks of a PDF in this RGB colour, which nothing
 * else uses (1/255, 2/255, 3/255), and the qpdf module makes every use of
 * it in the pages' content the /Separation /All colour at 100 %: the
 * colour that prints on every plate. */
#define DP_REGISTRATION_R (1 / 255.0)
#define DP_REGISTRATION_G (2 / 255.0)
#define DP_REGISTRATION_B (3 / 255.0)

typedef struct dp_pdf_page_boxes {
  double media[4], bleed[4], trim[4]; /* x0 y0 x1 y1 */
} dp_pdf_page_boxes;

/* A structure element render.c began, in the order it began them:
 * cairo 1.16's structure tags take no attributes, so what the module
 * adds to each comes here.  The Link elements the text module begins
 * for a paragraph's links are not among them: the module gives those
 * their /Alt, and their annotations /Contents, from the URI they go to. */
typedef struct dp_pdf_struct_elem {
  const char *tag;                /* its type as begun: "P", "Figure", ... */
  const char *alt;                /* /Alt, or NULL */
  const char *lang;               /* /Lang (BCP 47), or NULL */
} dp_pdf_struct_elem;

typedef struct dp_pdf_fixes {
  const dp_pdf_page_boxes *boxes; /* one per page */
  size_t page_count;
  const char *lang;               /* the catalog's /Lang (BCP 47), or NULL */
  const unsigned char *id;        /* the first /ID string: a hash of the */
  size_t id_length;               /* file's content, made by the caller */
  const char *date;               /* "D:YYYYMMDDHHmmSSZ": CreationDate and
                                     ModDate */
  const dp_pdf_struct_elem *elems; /* the structure elements, in the
                                     order begun (none: untagged) */
  size_t elem_count;
  /* Reading order: the document element's children as cairo wrote them
   * (the order they were drawn in) are put in this order, the i-th being
   * cairo's reading[i]-th; NULL: left as drawn. */
  const size_t *reading;
  /* Lists that go on: cairo's j-th child, an L, joins the L that is its
   * joins[j]-th (one before it in reading order), its items appended
   * there in reading order, when joins[j] != j; NULL: none.  A list is
   * drawn as one L per page (an imposed booklet's pages are drawn out of
   * their order). */
  const size_t *joins;
  size_t reading_count;
  bool page_labels;               /* /PageLabels: pages numbered 1, 2, ...
                                     in decimal (cairo 1.16 writes an empty
                                     label tree when asked to) */
  bool count_fonts;               /* take stock for preflight (facts,
                                     below): a walk through every page's
                                     resources and content, a third of
                                     the rewrite's time */
  const char *xmp;                /* the catalog's /Metadata (xmp.h), or
                                     NULL */
  size_t xmp_length;
  const char *producer;           /* Info /Producer, as the XMP says it */
  /* PDF/X-4 (press output), when `icc` is set: the output intent with
   * this ICC profile of `icc_components` colours, Info's
   * /GTS_PDFXVersion and /Trapped, and at least PDF 1.6. */
  const unsigned char *icc;
  size_t icc_length;
  int icc_components;
  const char *output_condition;   /* OutputConditionIdentifier and Info */
  bool registration;              /* marks: DP_REGISTRATION_* becomes
                                     /Separation /All */
  bool pure_black;                /* neutral RGB v v v becomes DeviceGray
                                     v, or DeviceCMYK 0 0 0 1−v when icc
                                     is CMYK (qpdf-content.h) */
  /* PDF/A-2b instead of PDF/X (with `icc`, an RGB profile): the output
   * intent is GTS_PDFA1, nothing goes into Info, every annotation gets
   * the print flag and no image /Interpolate (ISO 19005-2, 6.3.2,
   * 6.2.8). */
  bool pdfa;
} dp_pdf_fixes;

/* Colour spaces a finished PDF paints in: device colour operators in
 * content streams, images' colour spaces, and those named in resources. */
enum {
  DP_PDF_SPACE_GRAY = 1 << 0,       /* DeviceGray */
  DP_PDF_SPACE_RGB = 1 << 1,        /* DeviceRGB */
  DP_PDF_SPACE_CMYK = 1 << 2,       /* DeviceCMYK */
  DP_PDF_SPACE_ICC_GRAY = 1 << 3,   /* ICCBased, by its /N */
  DP_PDF_SPACE_ICC_RGB = 1 << 4,
  DP_PDF_SPACE_ICC_CMYK = 1 << 5,
  DP_PDF_SPACE_SEPARATION = 1 << 6, /* Separation (registration) */
  DP_PDF_SPACE_OTHER = 1 << 7       /* Indexed's base counts; Lab, ... */
};

/* What the finished file holds, for preflight (fixes->count_fonts; all 0
 * without). */
typedef struct dp_pdf_facts {
  int fonts;        /* font dictionaries (Type0 as one) */
  int unembedded;   /* of them, without an embedded font file */
  unsigned spaces;  /* DP_PDF_SPACE_* */
} dp_pdf_facts;

typedef struct dp_qpdf_api {
  int version;
  /* Rewrites the `length` bytes of `pdf` with `fixes`, deterministically
   * (the same input gives the same bytes; the second /ID string is a
   * digest of the output).  On success *out (g_free) holds *out_length
   * bytes and *facts what the file holds; else false with *error
   * (g_free). */
  bool (*finish)(const unsigned char *pdf, size_t length,
                 const dp_pdf_fixes *fixes, unsigned char **out,
                 size_t *out_length, dp_pdf_facts *facts, char **error);
} dp_qpdf_api;

/* (transfer none) The table of the plugin `name` ("svg", "jpeg", "ical",
 * "qpdf", "voikko"), loaded once per process; NULL with *error (g_free)
 * when the module cannot be found or is of another version.
 * Thread-safe. */
const void *dp_plugin_get(const char *name, char **error);

/* Starts loading the plugin `name` in another thread, so that a later
 * dp_plugin_get() (which waits for it) finds it loaded: opening libqpdf
 * costs about 9 ms, time the caller can spend laying out pages.  Errors
 * are left for dp_plugin_get() to report.  Does nothing when the plugin
 * is loaded or being loaded. */
void dp_plugin_prefetch(const char *name);

/* Waits for every prefetch to end.  A process must not exit while a
 * prefetch thread is inside dlopen (LeakSanitizer's tracer crashes on
 * it): whoever prefetched settles before it is done (dp_context_free). */
void dp_plugin_settle(void);

#endif
