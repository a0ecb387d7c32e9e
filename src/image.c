/* image: see image.h. */
#include "image.h"

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fontlock.h"
#include "plugin.h"

const char *dp_image_format_name(dp_image_format format) {
  switch (format) {
    case DP_IMAGE_PNG: return "PNG";
    case DP_IMAGE_JPEG: return "JPEG";
    case DP_IMAGE_SVG: return "SVG";
    default: return "unknown";
  }
}

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

static unsigned be16(const unsigned char *p) {
  return (unsigned)p[0] << 8 | (unsigned)p[1];
}

/* ---- PNG ---------------------------------------------------------------- */

static uint32_t crc32_png(const unsigned char *data, size_t length) {
  static uint32_t table[256];
  static gsize table_ready = 0;
  if (g_once_init_enter(&table_ready)) {
    for (uint32_t n = 0; n < 256; n++) {
      uint32_t c = n;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[n] = c;
    }
    g_once_init_leave(&table_ready, 1);
  }
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < length; i++) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

/* ---- Colour profiles --------------------------------------------------- */

/* `text` (`length` bytes, up to a NUL) into `out` as UTF-8, control
 * characters left out, cut to fit. */
static void copy_name(char *out, size_t size, const char *text, size_t length,
                      bool latin1) {
  char *utf8 = latin1 ? g_convert(text, (gssize)strnlen(text, length),
                                  "UTF-8", "ISO-8859-1", NULL, NULL, NULL)
                      : g_utf8_make_valid(text, (gssize)strnlen(text, length));
  size_t at = 0;
  for (const char *p = utf8 ? utf8 : ""; *p && at + 1 < size;
       p = g_utf8_next_char(p)) {
    size_t n = (size_t)(g_utf8_next_char(p) - p);
    if (g_unichar_iscntrl(g_utf8_get_char(p))) continue;
    if (at + n >= size) break;
    memcpy(out + at, p, n);
    at += n;
  }
  out[at] = '\0';
  g_strstrip(out);
  g_free(utf8);
}

/* The description of the ICC profile `p` (`n` bytes, maybe only its
 * first part), from its 'desc' tag: ICC v2's ASCII textDescriptionType or
 * v4's multiLocalizedUnicodeType (its first record).  "" when it is not
 * there. */
static void icc_description(const unsigned char *p, size_t n, char *out,
                            size_t size) {
  out[0] = '\0';
  if (n < 132 || memcmp(p + 36, "acsp", 4)) return;
  uint32_t tags = be32(p + 128);
  for (uint32_t i = 0; i < tags && 132 + 12 * (size_t)(i + 1) <= n; i++) {
    const unsigned char *t = p + 132 + 12 * (size_t)i;
    if (memcmp(t, "desc", 4)) continue;
    size_t at = be32(t + 4), length = be32(t + 8);
    if (at >= n || length > n - at || length < 12) return;
    const unsigned char *d = p + at;
    if (!memcmp(d, "desc", 4)) {
      size_t count = be32(d + 8);
      if (count <= length - 12)
        copy_name(out, size, (const char *)d + 12, count, false);
    } else if (!memcmp(d, "mluc", 4) && length >= 28 && be32(d + 8) >= 1) {
      size_t bytes = be32(d + 20), from = be32(d + 24);
      if (from >= length || bytes > length - from) return;
      gunichar2 units[64];
      size_t count = MIN(bytes / 2, G_N_ELEMENTS(units));
      for (size_t k = 0; k < count; k++)
        units[k] = (gunichar2)(d[from + 2 * k] << 8 | d[from + 2 * k + 1]);
      char *utf8 = g_utf16_to_utf8(units, (glong)count, NULL, NULL, NULL);
      if (utf8) copy_name(out, size, utf8, strlen(utf8), false);
      g_free(utf8);
    }
    return;
  }
}

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G',
                                               '\r', '\n', 0x1A, '\n'};

/* Walks every chunk: IHDR first, lengths within the file, CRCs right, at
 * least one IDAT, and IEND at the end. */
static bool probe_png(const unsigned char *d, size_t n, dp_image_info *info,
                      char **error) {
  size_t at = 8;
  bool seen_idat = false;
  for (int index = 0;; index++) {
    if (n - at < 12) {
      *error = g_strdup("is a PNG image that is cut short");
      return false;
    }
    uint32_t length = be32(d + at);
    const unsigned char *type = d + at + 4;
    if (length > 0x7FFFFFFFu) {
      *error = g_strdup("is a damaged PNG image (a chunk length is invalid)");
      return false;
    }
    if (n - at - 12 < length) {
      *error = g_strdup("is a PNG image that is cut short");
      return false;
    }
    for (int i = 0; i < 4; i++)
      if (!g_ascii_isalpha(type[i])) {
        *error = g_strdup("is a damaged PNG image (a chunk type is invalid)");
        return false;
      }
    if (crc32_png(type, (size_t)length + 4) != be32(type + 4 + length)) {
      *error = g_strdup_printf(
          "is a damaged PNG image (the checksum of its %.4s chunk does not "
          "match)", (const char *)type);
      return false;
    }
    if (index == 0) {
      if (memcmp(type, "IHDR", 4) != 0 || length != 13) {
        *error = g_strdup("is a damaged PNG image (it does not start with "
                          "an IHDR chunk)");
        return false;
      }
      uint32_t width = be32(type + 4), height = be32(type + 8);
      if (width == 0 || height == 0 || width > 0x7FFFFFFFu ||
          height > 0x7FFFFFFFu) {
        *error = g_strdup("is a damaged PNG image (its size is invalid)");
        return false;
      }
      info->width = width > INT32_MAX ? INT32_MAX : (int)width;
      info->height = height > INT32_MAX ? INT32_MAX : (int)height;
    }
    if (index == 0) /* colour types 0 and 4 are grey, 2, 3 and 6 RGB */
      info->components = type[13] == 0 || type[13] == 4 ? 1 : 3;
    if (memcmp(type, "iCCP", 4) == 0) {
      /* A profile name (1-79 Latin-1 characters) ends at a NUL. */
      info->has_profile = true;
      copy_name(info->profile, sizeof info->profile, (const char *)type + 4,
                MIN(length, 79), true);
    } else if (memcmp(type, "sRGB", 4) == 0) {
      info->has_profile = true;
      g_strlcpy(info->profile, "sRGB", sizeof info->profile);
    }
    if (memcmp(type, "IDAT", 4) == 0) seen_idat = true;
    at += 12 + (size_t)length;
    if (memcmp(type, "IEND", 4) == 0) break;
  }
  if (!seen_idat) {
    *error = g_strdup("is a damaged PNG image (it has no image data)");
    return false;
  }
  return true;
}

/* ---- JPEG --------------------------------------------------------------- */

static bool is_sof(unsigned marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
         marker != 0xC8 && marker != 0xCC;
}

/* Walks every marker segment and the entropy-coded data of every scan to
 * the end-of-image marker, reading the size and the number of components
 * from the frame header and counting the scans. */
static bool probe_jpeg(const unsigned char *d, size_t n, dp_image_info *info,
                       char **error) {
  size_t at = 2;
  bool seen_frame = false;
  int scans = 0;
  for (;;) {
    if (at >= n) goto cut;
    if (d[at] != 0xFF) {
      *error = g_strdup("is a damaged JPEG image (a marker is missing)");
      return false;
    }
    while (at < n && d[at] == 0xFF) at++; /* fill bytes */
    if (at >= n) goto cut;
    unsigned marker = d[at++];
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;
    if (marker == 0xD9 && scans > 0) return true;
    if (marker == 0xD9 || marker == 0xD8 || marker == 0x00) {
      *error = g_strdup("is a damaged JPEG image (it ends before its image "
                        "data)");
      return false;
    }
    if (n - at < 2) goto cut;
    unsigned length = be16(d + at);
    if (length < 2) {
      *error = g_strdup("is a damaged JPEG image (a segment length is "
                        "invalid)");
      return false;
    }
    if (n - at < length) goto cut;
    if (is_sof(marker) && !seen_frame) {
      if (length < 8) {
        *error = g_strdup("is a damaged JPEG image (its frame header is too "
                          "short)");
        return false;
      }
      info->height = (int)be16(d + at + 3);
      info->width = (int)be16(d + at + 5);
      if (info->width == 0 || info->height == 0) {
        *error = g_strdup("is a JPEG image without a size in its frame "
                          "header, which is not supported");
        return false;
      }
      /* 1: grey, 3: RGB (YCbCr), 4: CMYK (or YCCK). */
      if (d[at + 7] != 1 && d[at + 7] != 3 && d[at + 7] != 4) {
        *error = g_strdup_printf("is a JPEG image of %d colour components, "
                                 "which is not supported", d[at + 7]);
        return false;
      }
      info->components = d[at + 7];
      seen_frame = true;
    }
    /* APP2 ICC_PROFILE: the description is read from the first chunk
     * (a profile's header and tags come first). */
    if (marker == 0xE2 && length > 16 && !memcmp(d + at + 2, "ICC_PROFILE", 12)) {
      info->has_profile = true;
      if (d[at + 14] == 1)
        icc_description(d + at + 16, length - 16, info->profile,
                        sizeof info->profile);
    }
    at += length;
    if (marker == 0xDA) {
      if (!seen_frame) {
        *error = g_strdup("is a damaged JPEG image (its image data comes "
                          "before its frame header)");
        return false;
      }
      if (++scans > DP_IMAGE_MAX_JPEG_SCANS) {
        *error = g_strdup_printf("is a progressive JPEG image of more than "
                                 "%d scans, which would take too long to "
                                 "decode; save it again",
                                 DP_IMAGE_MAX_JPEG_SCANS);
        return false;
      }
      /* The entropy-coded data: a 0xFF byte in it is followed by 0x00
       * (a stuffed byte) or a restart marker; any other marker ends it. */
      while (at + 1 < n && !(d[at] == 0xFF && d[at + 1] != 0x00 &&
                             !(d[at + 1] >= 0xD0 && d[at + 1] <= 0xD7)))
        at++;
      if (at + 1 >= n) goto cut;
    }
  }
cut:
  *error = g_strdup("is a JPEG image that is cut short");
  return false;
}

/* ---- SVG ---------------------------------------------------------------- */

/* Skips white space, the XML declaration, processing instructions,
 * comments and a DOCTYPE (with its internal subset); returns the root
 * element's `<`, or NULL. */
static const char *skip_prolog(const char *p, const char *end) {
  for (;;) {
    while (p < end && g_ascii_isspace(*p)) p++;
    if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
      const char *q = g_strstr_len(p, end - p, "?>");
      if (!q) return NULL;
      p = q + 2;
    } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
      const char *q = g_strstr_len(p + 4, end - p - 4, "-->");
      if (!q) return NULL;
      p = q + 3;
    } else if (end - p >= 9 && g_ascii_strncasecmp(p, "<!DOCTYPE", 9) == 0) {
      int brackets = 0;
      for (p += 9; p < end; p++) {
        if (*p == '[') brackets++;
        else if (*p == ']') brackets--;
        else if (*p == '>' && brackets <= 0) break;
      }
      if (p >= end) return NULL;
      p++;
    } else {
      return p < end && *p == '<' ? p : NULL;
    }
  }
}

static bool looks_like_xml(const unsigned char *d, size_t n) {
  size_t i = 0;
  if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) i = 3;
  while (i < n && g_ascii_isspace(d[i])) i++;
  return i < n && d[i] == '<';
}

static bool probe_svg(const char *d, size_t n, char **error) {
  if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
    d += 3;
    n -= 3;
  }
  if (!g_utf8_validate(d, (gssize)n, NULL)) {
    *error = g_strdup("is not a PNG, JPEG or SVG image (it looks like XML "
                      "but is not UTF-8)");
    return false;
  }
  const char *end = d + n;
  const char *root = skip_prolog(d, end);
  if (!root) {
    *error = g_strdup("is not a PNG, JPEG or SVG image (it looks like XML "
                      "but has no root element)");
    return false;
  }
  const char *name = root + 1, *q = name;
  while (q < end && !g_ascii_isspace(*q) && *q != '>' && *q != '/') q++;
  size_t name_length = (size_t)(q - name);
  const char *colon = memchr(name, ':', name_length);
  const char *local = colon ? colon + 1 : name;
  if ((size_t)(q - local) != 3 || memcmp(local, "svg", 3) != 0) {
    *error = g_strdup_printf("is not a PNG, JPEG or SVG image (it is XML "
                             "whose root element is <%.*s>, not <svg>)",
                             (int)MIN(name_length, 40), name);
    return false;
  }
  /* The root must be closed: an SVG cut short loses its end tag. */
  const char *tag_end = memchr(q, '>', (size_t)(end - q));
  if (!tag_end) goto cut;
  if (tag_end[-1] == '/') return true;
  char *closing = g_strdup_printf("</%.*s", (int)name_length, name);
  bool closed = false;
  for (const char *s = tag_end; s && s < end;) {
    const char *hit = g_strstr_len(s, end - s, closing);
    if (!hit) break;
    const char *after = hit + strlen(closing);
    while (after < end && g_ascii_isspace(*after)) after++;
    if (after < end && *after == '>') closed = true;
    s = hit + 1;
  }
  g_free(closing);
  if (closed) return true;
cut:
  *error = g_strdup("is an SVG image that is cut short");
  return false;
}

/* ---- probe -------------------------------------------------------------- */

/* Reads the whole file into *data (g_free), at most DP_IMAGE_MAX_FILE
 * bytes whatever its size says.  Only regular files: a FIFO or a device
 * could block for ever or never end. */
static bool read_image_file(const char *path, char **data, size_t *length,
                            char **error) {
  *data = NULL;
  *length = 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *error = g_strdup_printf("cannot be read: %s", g_strerror(errno));
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    *error = g_strdup("is not a file");
    return false;
  }
  GByteArray *bytes = g_byte_array_new();
  unsigned char buffer[65536];
  bool ok = true;
  for (;;) {
    ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      *error = g_strdup_printf("cannot be read: %s", g_strerror(errno));
      ok = false;
      break;
    }
    if (got == 0) break;
    if (bytes->len + (size_t)got > DP_IMAGE_MAX_FILE) {
      *error = g_strdup_printf("is larger than %u MiB",
                               DP_IMAGE_MAX_FILE >> 20);
      ok = false;
      break;
    }
    g_byte_array_append(bytes, buffer, (guint)got);
  }
  close(fd);
  if (!ok) {
    g_byte_array_free(bytes, TRUE);
    return false;
  }
  *length = bytes->len;
  g_byte_array_append(bytes, (const guint8 *)"", 1); /* a NUL after it */
  *data = (char *)g_byte_array_free(bytes, FALSE);
  return true;
}

bool dp_image_probe(const char *path, dp_image_info *info,
                    char **error_message) {
  *info = (dp_image_info){.format = DP_IMAGE_UNKNOWN};
  *error_message = NULL;
  char *data = NULL;
  size_t n = 0;
  if (!read_image_file(path, &data, &n, error_message)) return false;
  const unsigned char *d = (const unsigned char *)data;
  bool ok;
  if (n >= 8 && memcmp(d, png_signature, 8) == 0) {
    info->format = DP_IMAGE_PNG;
    ok = probe_png(d, n, info, error_message);
  } else if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
    info->format = DP_IMAGE_JPEG;
    ok = probe_jpeg(d, n, info, error_message);
  } else if (looks_like_xml(d, n)) {
    info->format = DP_IMAGE_SVG;
    ok = probe_svg(data, n, error_message);
  } else if (n >= 2 && d[0] == 0x1F && d[1] == 0x8B) {
    *error_message = g_strdup("is compressed (gzip or SVGZ); save it as a "
                              "plain SVG, PNG or JPEG image");
    ok = false;
  } else if (n == 0) {
    *error_message = g_strdup("is empty");
    ok = false;
  } else {
    *error_message = g_strdup("is not a PNG, JPEG or SVG image");
    ok = false;
  }
  if (ok && (info->width > DP_IMAGE_MAX_SIDE ||
             info->height > DP_IMAGE_MAX_SIDE)) {
    *error_message = g_strdup_printf(
        "is %d\u00D7%d pixels; at most %d pixels a side are allowed",
        info->width, info->height, DP_IMAGE_MAX_SIDE);
    ok = false;
  } else if (ok && (long long)info->width * info->height > DP_IMAGE_MAX_PIXELS) {
    *error_message = g_strdup_printf(
        "is %d\u00D7%d pixels (%.0f million); at most %d million pixels are "
        "allowed", info->width, info->height,
        (double)info->width * info->height / 1e6, DP_IMAGE_MAX_PIXELS / 1000000);
    ok = false;
  }
  if (!ok) info->format = DP_IMAGE_UNKNOWN;
  g_free(data);
  return ok;
}

/* ---- decode ------------------------------------------------------------- */

typedef struct png_reader {
  const unsigned char *data;
  size_t length, at;
  jmp_buf escape;
} png_reader;

static void png_read(png_structp png, png_bytep out, size_t length) {
  png_reader *r = png_get_io_ptr(png);
  if (r->length - r->at < length) png_error(png, "cut short");
  memcpy(out, r->data + r->at, length);
  r->at += length;
}

static void png_fail(png_structp png, png_const_charp message) {
  (void)message;
  longjmp(((png_reader *)png_get_io_ptr(png))->escape, 1);
}

static void png_quiet(png_structp png, png_const_charp message) {
  (void)png;
  (void)message;
}

/* Every row decoded with libpng, one at a time into one row's memory
 * (as cairo would decode it, without keeping the image), asking between
 * rows whether to stop (cancel.h): a few hundred compressed bytes may
 * hold a million pixels. */
static bool decode_png(const char *path, dp_cancel *cancel, char **error) {
  char *data = NULL;
  size_t n = 0;
  if (!read_image_file(path, &data, &n, error)) return false;
  png_reader r;
  r.data = (const unsigned char *)data;
  r.length = n;
  r.at = 0;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
                                           png_fail, png_quiet);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_bytep volatile row = NULL;
  volatile bool stopped = false;
  volatile bool ok = false;
  if (png && info && !setjmp(r.escape)) {
    png_set_read_fn(png, &r, png_read);
    png_read_info(png, info);
    /* As cairo reads it: 8 bits a channel, palettes expanded. */
    png_set_expand(png);
    png_set_strip_16(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    row = g_malloc(png_get_rowbytes(png, info));
    for (int pass = 0; pass < passes && !stopped; pass++)
      for (png_uint_32 y = 0; y < height && !stopped; y++) {
        if (y % 16 == 0 && dp_cancel_stop(cancel)) stopped = true;
        else png_read_row(png, row, NULL);
      }
    if (!stopped) png_read_end(png, NULL);
    ok = !stopped;
  }
  png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
  g_free(row);
  g_free(data);
  if (stopped) return false;
  if (!ok) {
    *error = g_strdup("is a damaged PNG image (its image data cannot be "
                      "decoded)");
    return false;
  }
  return true;
}

static bool stop_cancel(void *cancel) { return dp_cancel_stop(cancel); }

static bool decode_jpeg(const char *path, dp_cancel *cancel, char **error) {
  char *problem = NULL;
  const dp_jpeg_api *jpeg = dp_plugin_get("jpeg", &problem);
  cairo_surface_t *s =
      jpeg ? jpeg->load(path, stop_cancel, cancel, &problem) : NULL;
  if (!s && dp_cancel_stop(cancel)) {
    g_free(problem);
    return false;
  }
  if (!s) {
    *error = g_strdup_printf("cannot be decoded: %s",
                             problem ? problem : "unknown error");
    g_free(problem);
    return false;
  }
  cairo_surface_destroy(s);
  return true;
}

/* Draws the SVG into pixels: librsvg reports some problems only then (a
 * pattern or filter too large for an image surface, its limits on
 * references). */
static bool decode_svg(const char *path, char **error) {
  char *problem = NULL;
  const dp_svg_api *svg = dp_plugin_get("svg", &problem);
  double w = 0, h = 0;
  if (!svg || !svg->get_size(path, &w, &h, &problem)) {
    *error = g_strdup_printf("cannot be read: %s",
                             problem ? problem : "unknown error");
    g_free(problem);
    return false;
  }
  double k = MIN(1.0, DP_IMAGE_SVG_CHECK_SIDE / MAX(w, h));
  int pw = (int)CLAMP(ceil(w * k), 1, DP_IMAGE_SVG_CHECK_SIDE);
  int ph = (int)CLAMP(ceil(h * k), 1, DP_IMAGE_SVG_CHECK_SIDE);
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_t *cr = cairo_create(s);
  /* librsvg sets SVG text on cairo's process-wide fonts: fontlock.h. */
  dp_fonts_lock();
  bool ok = svg->draw(path, cr, 0, 0, pw, ph, NULL, &problem) &&
            cairo_status(cr) == CAIRO_STATUS_SUCCESS;
  cairo_destroy(cr);
  cairo_surface_destroy(s);
  dp_fonts_unlock();
  if (!ok) {
    *error = g_strdup_printf("cannot be drawn: %s",
                             problem ? problem : "unknown error");
    g_free(problem);
  }
  return ok;
}

bool dp_image_decode(const char *path, dp_image_format format,
                     dp_cancel *cancel, char **error_message) {
  *error_message = NULL;
  if (dp_cancel_stop(cancel)) return false;
  switch (format) {
    case DP_IMAGE_PNG: return decode_png(path, cancel, error_message);
    case DP_IMAGE_JPEG: return decode_jpeg(path, cancel, error_message);
    case DP_IMAGE_SVG: return decode_svg(path, error_message);
    default:
      *error_message = g_strdup("is not a PNG, JPEG or SVG image");
      return false;
  }
}

bool dp_image_get_size(const char *path, double *width, double *height,
                       char **error_message) {
  *error_message = NULL;
  dp_image_info info;
  if (!dp_image_probe(path, &info, error_message)) return false;
  if (info.format == DP_IMAGE_SVG) {
    const dp_svg_api *svg = dp_plugin_get("svg", error_message);
    return svg && svg->get_size(path, width, height, error_message);
  }
  *width = info.width;
  *height = info.height;
  return info.format != DP_IMAGE_JPEG || dp_plugin_get("jpeg", error_message);
}

/* Where an image of natural size nw × nh is drawn in the box: the box
 * itself, or, with cover, the smallest rectangle of the image's
 * proportions that covers the box, centred on it (the box clips it). */
static void cover_rect(bool cover, double nw, double nh, double *x,
                       double *y, double *w, double *h) {
  if (!cover || nw <= 0 || nh <= 0) return;
  double k = MAX(*w / nw, *h / nh);
  double cw = nw * k, ch = nh * k;
  *x += (*w - cw) / 2;
  *y += (*h - ch) / 2;
  *w = cw;
  *h = ch;
}

/* Draws the SVG at `path` into the box through a context of its own, on
 * a group of `cr`: librsvg may fail half-way and leave its clip, matrix
 * or groups behind, and none of that may reach what is drawn after.  The
 * group is painted only when the image was drawn whole. */
static bool draw_svg(cairo_t *cr, const dp_svg_api *svg, const char *path,
                     double x, double y, double w, double h, void *font_map,
                     char **error) {
  cairo_matrix_t matrix;
  cairo_get_matrix(cr, &matrix);
  cairo_push_group(cr);
  cairo_t *own = cairo_create(cairo_get_group_target(cr));
  cairo_set_matrix(own, &matrix);
  bool ok = svg->draw(path, own, x, y, w, h, font_map, error);
  if (ok && cairo_status(own) != CAIRO_STATUS_SUCCESS) {
    *error = g_strdup(cairo_status_to_string(cairo_status(own)));
    ok = false;
  }
  cairo_destroy(own);
  cairo_pattern_t *group = cairo_pop_group(cr);
  if (ok) {
    cairo_set_source(cr, group);
    cairo_paint(cr);
  }
  cairo_pattern_destroy(group);
  return ok;
}

/* A PNG or JPEG: its pixels scaled into the box. */
static bool draw_raster(cairo_t *cr, const char *path, dp_image_format format,
                        double x, double y, double w, double h, bool cover,
                        dp_cancel *cancel, char **error) {
  cairo_surface_t *image = NULL;
  if (format == DP_IMAGE_JPEG) {
    const dp_jpeg_api *jpeg = dp_plugin_get("jpeg", error);
    if (jpeg) image = jpeg->load(path, stop_cancel, cancel, error);
  } else {
    image = cairo_image_surface_create_from_png(path);
  }
  bool ok = image && cairo_surface_status(image) == CAIRO_STATUS_SUCCESS;
  if (ok) {
    int iw = cairo_image_surface_get_width(image);
    int ih = cairo_image_surface_get_height(image);
    cover_rect(cover, iw, ih, &x, &y, &w, &h);
    cairo_translate(cr, x, y);
    cairo_scale(cr, w / iw, h / ih);
    cairo_set_source_surface(cr, image, 0, 0);
    /* Photographs scaled down on paper: good filtering for PNG output. */
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
  } else if (image && !*error) {
    *error = g_strdup_printf("is a damaged %s image (%s)",
                             dp_image_format_name(format),
                             cairo_status_to_string(cairo_surface_status(image)));
  }
  if (image) cairo_surface_destroy(image);
  return ok;
}

bool dp_image_draw(cairo_t *cr, const char *path, double x, double y,
                   double width, double height, bool cover, void *font_map,
                   dp_cancel *cancel, char **error_message) {
  *error_message = NULL;
  dp_image_info info;
  if (!dp_image_probe(path, &info, error_message)) return false;
  cairo_save(cr);
  cairo_rectangle(cr, x, y, width, height);
  cairo_clip(cr);
  bool ok;
  if (info.format == DP_IMAGE_SVG) {
    const dp_svg_api *svg = dp_plugin_get("svg", error_message);
    double nw = 0, nh = 0;
    ok = svg && svg->get_size(path, &nw, &nh, error_message);
    if (ok) {
      cover_rect(cover, nw, nh, &x, &y, &width, &height);
      ok = draw_svg(cr, svg, path, x, y, width, height, font_map,
                    error_message);
    }
  } else {
    ok = draw_raster(cr, path, info.format, x, y, width, height, cover,
                     cancel, error_message);
  }
  cairo_restore(cr);
  return ok;
}
