/* image: what an image file is, decided by its content, not its name.
 *
 * Reads just enough of a file to tell PNG, JPEG and SVG apart, read the
 * pixel size from the header (PNG IHDR, JPEG SOFn), and catch files that
 * are cut short or damaged (every PNG chunk's length and CRC up to IEND;
 * JPEG segments up to the scan and an end-of-image marker after it; an SVG
 * must be UTF-8 XML whose root element is <svg>).  The probe decodes no
 * pixels; dp_image_decode() then decodes the whole image once (PNG with
 * Cairo, JPEG and SVG through their modules), so that the document binder
 * reports every image that cannot be drawn at the line that names it,
 * instead of the renderer leaving it out.  dp_image_get_size() and
 * dp_image_draw() serve composition and rendering, so only this module
 * knows the formats and their modules (plugin.h).
 */
#ifndef DP_IMAGE_H
#define DP_IMAGE_H

#include <cairo.h>
#include <stdbool.h>

#include "cancel.h"

/* Images wider or taller than this are refused: Cairo's image surfaces
 * cannot hold more, and no print product needs it. */
#define DP_IMAGE_MAX_SIDE 32767

/* Images of more pixels than this are refused: decoding one takes four
 * bytes a pixel (a 32767-pixel square would take 4 GiB) and embedding it
 * in a PDF compresses every pixel.  A 600 dpi scan of an A4 page has 35
 * million pixels; 50 million take about a second and half a gigabyte to
 * decode and embed. */
#define DP_IMAGE_MAX_PIXELS 50000000

/* Files larger than this are refused (a 600 dpi A4 photograph as JPEG is
 * a few MiB).  Reading stops there whatever the file's size says: files
 * such as /proc/self/pagemap report a size of 0. */
#define DP_IMAGE_MAX_FILE (64u << 20)

/* A progressive JPEG may have at most this many scans.  Each scan is a
 * pass over the whole image, so a file of a few hundred KB made of
 * thousands of tiny scans takes minutes to decode.  libjpeg's progressive
 * script has 10 scans (6 for grey), optimising encoders a few dozen. */
#define DP_IMAGE_MAX_JPEG_SCANS 100

/* An SVG image is drawn once, into pixels, when it is decoded: at its
 * natural size in points, scaled down to at most this many pixels a side. */
#define DP_IMAGE_SVG_CHECK_SIDE 1024

typedef enum dp_image_format {
  DP_IMAGE_UNKNOWN,
  DP_IMAGE_PNG,
  DP_IMAGE_JPEG,
  DP_IMAGE_SVG
} dp_image_format;

typedef struct dp_image_info {
  dp_image_format format;
  int width, height; /* pixels; 0 for SVG (its size is not checked) */
  /* Colour (preflight): the components a pixel has (1 grey, 3 RGB, 4
   * CMYK; 0 for SVG), whether the file carries a colour profile (a
   * JPEG's ICC_PROFILE markers; a PNG's iCCP or sRGB chunk), and the
   * profile's description where the file says it ("" when not). */
  int components;
  bool has_profile;
  char profile[64];
} dp_image_info;

/* Probes the file at `path`.  On success fills `info` and returns true.
 * On failure returns false and sets `*error_message` (transfer full, free
 * with g_free()) to a sentence fragment that follows the file's name, such
 * as "cannot be read: No such file or directory" or "is a PNG image that
 * is cut short". */
bool dp_image_probe(const char *path, dp_image_info *info,
                    char **error_message);

/* Decodes the whole image at `path`, of the format the probe found: PNG
 * with Cairo, JPEG with the "jpeg" module, SVG drawn by the "svg" module
 * (plugin.h) into pixels.  Returns false with `*error_message` (g_free) as
 * for dp_image_probe(), such as "is a damaged PNG image (its image data
 * cannot be decoded)").  Decoding stops, false with no message, when
 * `cancel` (may be NULL) says so (cancel.h). */
bool dp_image_decode(const char *path, dp_image_format format,
                     dp_cancel *cancel, char **error_message);

/* The natural size of the image at `path`: in points where the file says
 * so (SVG), else in pixels (only the proportions matter).  Also false,
 * with `*error_message` as for dp_image_probe(), when the module drawing
 * its format cannot be loaded. */
bool dp_image_get_size(const char *path, double *width, double *height,
                       char **error_message);

/* Draws the image at `path` into the box (x, y, width, height) of `cr`,
 * clipped to it: filling the box, or with `cover` the smallest rectangle
 * of the image's proportions that covers it, centred.  An SVG's text is
 * set with `font_map` (see dp_svg_api in plugin.h).  An SVG is drawn on
 * a group of its own, painted only when drawn whole, so that nothing a
 * failing librsvg leaves (a clip, a matrix) reaches later drawing.  `cr`
 * is as it was after.  False with `*error_message` as for
 * dp_image_probe(); the caller holds the font lock (fontlock.h), as for
 * any drawing.  A JPEG's decoding stops when `cancel` (may be NULL) says
 * so: false then, with no message (cancel.h). */
bool dp_image_draw(cairo_t *cr, const char *path, double x, double y,
                   double width, double height, bool cover, void *font_map,
                   dp_cancel *cancel, char **error_message);

/* "PNG", "JPEG", "SVG" or "unknown". */
const char *dp_image_format_name(dp_image_format format);

#endif
