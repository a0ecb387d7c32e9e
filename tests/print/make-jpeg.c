/* make-jpeg: writes the test JPEGs of the print suite, so no binary
 * image is kept in the tree.
 *
 *   make-jpeg OUT.jpg cmyk|grey|rgb [PROFILE.icc]
 *
 * A 96 × 64 image: cmyk is pure cyan on its left half and pure magenta
 * on its right, stored inverted as Adobe's applications (and libjpeg's
 * Adobe marker) have it; grey is 25 % grey (value 191); rgb is orange
 * (230, 120, 30).  PROFILE, if
 * given, is embedded as APP2 ICC_PROFILE markers. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h and stddef.h, which it needs */

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: make-jpeg OUT.jpg cmyk|grey|rgb [PROFILE.icc]\n");
    return 2;
  }
  int cmyk = !strcmp(argv[2], "cmyk"), rgb = !strcmp(argv[2], "rgb");
  unsigned char *profile = NULL;
  long profile_length = 0;
  if (argc > 3) {
    FILE *f = fopen(argv[3], "rb");
    if (!f) return perror(argv[3]), 1;
    fseek(f, 0, SEEK_END);
    profile_length = ftell(f);
    rewind(f);
    profile = malloc((size_t)profile_length);
    if (!profile || fread(profile, 1, (size_t)profile_length, f) !=
                        (size_t)profile_length)
      return fprintf(stderr, "cannot read %s\n", argv[3]), 1;
    fclose(f);
  }
  FILE *out = fopen(argv[1], "wb");
  if (!out) return perror(argv[1]), 1;
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, out);
  c.image_width = 96;
  c.image_height = 64;
  c.input_components = cmyk ? 4 : rgb ? 3 : 1;
  c.in_color_space = cmyk ? JCS_CMYK : rgb ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 95, TRUE);
  jpeg_start_compress(&c, TRUE);
  if (profile)
    jpeg_write_icc_profile(&c, profile, (unsigned int)profile_length);
  unsigned char row[96 * 4];
  for (int x = 0; x < 96; x++) {
    if (cmyk) {
      /* Inverted: 0 is full ink. */
      unsigned char ink[4] = {255, 255, 255, 255};
      ink[x < 48 ? 0 : 1] = 0;
      memcpy(row + 4 * x, ink, 4);
    } else if (rgb) {
      static const unsigned char orange[3] = {230, 120, 30};
      memcpy(row + 3 * x, orange, 3);
    } else {
      row[x] = 191;
    }
  }
  while (c.next_scanline < c.image_height) {
    JSAMPROW rows[1] = {row};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  fclose(out);
  free(profile);
  return 0;
}
