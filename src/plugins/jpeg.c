/* The "jpeg" plugin: JPEG images through libjpeg (see plugin.h).
 *
 * The decoded pixels serve PNG and SVG output; the file's own bytes go
 * along as JPEG mime data, which cairo's PDF backend embeds as they are
 * (no second lossy compression). */
#include <cairo.h>
#include <glib.h>
#include <setjmp.h>
#include <stdio.h>
/* jpeglib.h needs stdio.h first. */
#include <jpeglib.h>

#include "image.h"
#include "plugin.h"

typedef struct error_manager {
  struct jpeg_error_mgr base;
  jmp_buf escape;
  char message[JMSG_LENGTH_MAX];
} error_manager;

static void on_error(j_common_ptr info) {
  error_manager *em = (error_manager *)info->err;
  em->base.format_message(info, em->message);
  longjmp(em->escape, 1);
}

static void on_message(j_common_ptr info) { (void)info; }

static cairo_surface_t *load(const char *path, bool (*stop)(void *data),
                             void *stop_data, char **error) {
  gchar *bytes = NULL;
  gsize length = 0;
  GError *err = NULL;
  if (!g_file_get_contents(path, &bytes, &length, &err)) {
    *error = g_strdup(err->message);
    g_error_free(err);
    return NULL;
  }
  struct jpeg_decompress_struct info;
  error_manager em;
  info.err = jpeg_std_error(&em.base);
  em.base.error_exit = on_error;
  em.base.output_message = on_message;
  cairo_surface_t *volatile surface = NULL;
  unsigned char *volatile row = NULL;
  if (setjmp(em.escape)) {
    *error = g_strdup_printf("damaged JPEG image (%s)", em.message);
    jpeg_destroy_decompress(&info);
    if (surface) cairo_surface_destroy(surface);
    g_free(row);
    g_free(bytes);
    return NULL;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, (const unsigned char *)bytes, length);
  jpeg_read_header(&info, TRUE);
  /* CMYK (and YCCK, which libjpeg turns into CMYK) is decoded as CMYK
   * and made RGB below, for PNG output and for what cairo draws; a PDF
   * embeds the file's own bytes. */
  bool cmyk = info.jpeg_color_space == JCS_CMYK ||
              info.jpeg_color_space == JCS_YCCK;
  info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&info);
  int w = (int)info.output_width, h = (int)info.output_height;
  if (w <= 0 || h <= 0 || w > DP_IMAGE_MAX_SIDE || h > DP_IMAGE_MAX_SIDE) {
    *error = g_strdup_printf("JPEG image of %d×%d pixels", w, h);
    jpeg_destroy_decompress(&info);
    g_free(bytes);
    return NULL;
  }
  surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  unsigned char *data = cairo_image_surface_get_data(surface);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS || !data) {
    /* Out of memory: cairo hands back an error surface without pixels. */
    *error = g_strdup_printf("JPEG image of %d\u00D7%d pixels: %s", w, h,
                             cairo_status_to_string(
                                 cairo_surface_status(surface)));
    cairo_surface_destroy(surface);
    jpeg_destroy_decompress(&info);
    g_free(bytes);
    return NULL;
  }
  int stride = cairo_image_surface_get_stride(surface);
  row = g_malloc((size_t)w * 4);
  /* Adobe's applications store CMYK inverted (0 is full ink), and say
   * so with their APP14 marker. */
  bool inverted = cmyk && info.saw_Adobe_marker;
  while (info.output_scanline < info.output_height) {
    /* Every 64 rows: a 50-million-pixel image has some 7,000. */
    if (stop && info.output_scanline % 64 == 0 && stop(stop_data)) {
      cairo_surface_destroy(surface);
      jpeg_destroy_decompress(&info);
      g_free(row);
      g_free(bytes);
      return NULL;
    }
    unsigned char *rows[1] = {row};
    int y = (int)info.output_scanline;
    jpeg_read_scanlines(&info, rows, 1);
    guint32 *out = (guint32 *)(void *)(data + (size_t)y * (size_t)stride);
    for (int x = 0; x < w; x++) {
      if (cmyk) {
        /* Naive separation, paper minus ink: a preview, not a proof. */
        const unsigned char *p = row + 4 * x;
        unsigned k = inverted ? p[3] : 255u - p[3];
        guint32 rgb = 0;
        for (int i = 0; i < 3; i++) {
          unsigned c = inverted ? p[i] : 255u - p[i];
          rgb = rgb << 8 | (c * k + 127) / 255;
        }
        out[x] = 0xFF000000u | rgb;
      } else {
        out[x] = 0xFF000000u | (guint32)row[3 * x] << 16 |
                 (guint32)row[3 * x + 1] << 8 | row[3 * x + 2];
      }
    }
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  g_free(row);
  cairo_surface_mark_dirty(surface);
  cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG,
                              (const unsigned char *)bytes, length, g_free,
                              bytes);
  return surface;
}

static const dp_jpeg_api api = {DP_PLUGIN_VERSION, load};

const void *dp_plugin_entry(void);
const void *dp_plugin_entry(void) { return &api; }
