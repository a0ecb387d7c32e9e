/* qpdf-content: colours in content streams, changed through libqpdf's
 * content-stream tokenizer (the qpdf module's C++ part; qpdf's C API has
 * no tokenizer).
 *
 * Cairo 1.16 sets every colour as DeviceRGB (`r g b rg` to fill, `RG` to
 * stroke).  Two of them change in a PDF's last step:
 *
 *  - registration: DP_REGISTRATION_* (plugin.h) becomes the colour space
 *    resource /DPRegistration at 100 % (`/DPRegistration cs 1 scn`);
 *  - pure black: a neutral grey, the three numbers the same decimal
 *    (`0.105882 0.105882 0.105882 rg`, `0 0 0 RG`), becomes the same
 *    level of one ink: DeviceGray v (`0.105882 g`), or DeviceCMYK
 *    0 0 0 1−v (`0 0 0 0.894118 k`) when `cmyk_black`.  Values outside
 *    0 to 1 are clamped, as PDF does.  Any other colour, near-grey
 *    included, stays RGB.
 *
 * Every other token, spaces and comments included, is written as it was
 * read. */
#ifndef DP_QPDF_CONTENT_H
#define DP_QPDF_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dp_recolour {
  bool registration;
  bool pure_black; /* neutral greys (black too) as one ink */
  bool cmyk_black; /* that ink as DeviceCMYK K, else DeviceGray */
} dp_recolour;

/* Recolours the content stream `data` (`length` bytes, decoded).  Returns
 * true with *out (free() it) of *out_length bytes when anything changed,
 * *used_registration telling whether /DPRegistration is now used; false
 * (nothing to free) when nothing changed or the stream cannot be read.
 * Either way *spaces gets the DP_PDF_SPACE_* bits (plugin.h) of the
 * device colour operators the stream uses after recolouring (g and G
 * DeviceGray, rg and RG DeviceRGB, k and K DeviceCMYK). */
bool dp_recolour_content(const unsigned char *data, size_t length,
                         const dp_recolour *how, unsigned char **out,
                         size_t *out_length, bool *used_registration,
                         unsigned *spaces);

#ifdef __cplusplus
}
#endif

#endif
