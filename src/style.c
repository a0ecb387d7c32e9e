/* style: see style.h. */
#include "style.h"

#include <string.h>

/* The defaults.  String fields stay NULL so that a style never holds a
 * pointer its owner (the layout binder) did not allocate: text.c reads a
 * NULL family as "Noto Serif" and NULL features as none. */
void dp_style_init(dp_style *style) {
  memset(style, 0, sizeof *style);
  style->weight = 400;
  style->italic = false;
  style->stretch = 4; /* PANGO_STRETCH_NORMAL */
  style->size = 10.0;
  style->colour = (dp_colour){0.0, 0.0, 0.0, 1.0};
  style->transform = DP_TRANSFORM_NONE;
  style->line_height = 0.0;
  style->align = DP_ALIGN_START;
  style->hyphenate = true;
  style->typography = DP_TYPO_ALL;
  style->widows = 2;
  style->orphans = 2;
}
