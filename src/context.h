/* context: the state one thread shares between documents (see
 * dp_context in disputas.h).  Internal modules reach the diagnostics sink
 * and lazily loaded resources through it. */
#ifndef DP_CONTEXT_H
#define DP_CONTEXT_H

#include <glib.h>
#include <stdbool.h>

#include "diag.h"
#include "settings.h"
#include "text.h"

struct dp_pageset;

/* Page sets kept after composing (see compose() in disputas.c). */
#define DP_KEPT_PAGESETS 4

/* A page set composed through the context: `doc` (a document serial) in
 * a layout whose pages are those of `pages_key` (the layout model's
 * compose_key: booklet-print shares booklet's); `set` NULL for an empty
 * slot.  `preflighted` names the layout (serial) preflight ran for. */
typedef struct dp_kept_pageset {
  unsigned long long doc;
  char *pages_key;
  unsigned long long preflighted;
  unsigned long long size_checked; /* the layout the text-size check (that
                                      runs always) ran for */
  struct dp_pageset *set;
  bool preflighted_press; /* preflighted as press output (colour checks) */
  int preflighted_components; /* with a press profile of these colours */
} dp_kept_pageset;

struct dp_context {
  dp_diag *diag;
  dp_settings settings; /* the setters' (disputas.h) */
  dp_text *text;  /* fonts and dictionaries, loaded on first render */
  /* The last page sets composed, so that a check and then a render of the
   * same document in the same layout (as `disputas build` does) lay the
   * pages out once. */
  dp_kept_pageset kept[DP_KEPT_PAGESETS];
  /* What text_ready() found to be set in known fonts: "LAYOUT/HOUSE"
   * serials. */
  GHashTable *fonts_checked;
};

#endif
