/* layout-private: the layout binder, shared by layout.c (the file, pages,
 * frames, items, flows and the sequence) and layout-style.c (styles).
 * Not for other modules: layout.h is the layout's interface.
 */
#ifndef DP_LAYOUT_PRIVATE_H
#define DP_LAYOUT_PRIVATE_H

#include <glib.h>
#include <stdbool.h>

#include "bind.h"
#include "layout.h"
#include "yaml-tree.h"

typedef struct style_info {
  dp_style *style;
  const dp_ynode *key;        /* the style's name in `styles` */
  const dp_ynode *node;       /* its map (or whatever was written) */
  bool character;             /* `character: true` */
  int state;                  /* 0 to do, 1 resolving, 2 done */
  bool in_cycle;              /* a based-on cycle was reported through it */
  double line_height_points;  /* `line-height` given as a length, else 0 */
} style_info;

typedef struct binder {
  dp_binder core;             /* reports, marks (bind.h) */
  dp_diag *templates_diag;    /* private sink for dp_template_parse, whose
                                 records join the core's reports */
  dp_layout_model *m;
  const dp_ynode *root;
  style_info *styles;         /* parallel to m->styles */
  const dp_ynode *templates_node;
  dp_layout_model *extended; /* the result when the layout extends another */
  const dp_settings *settings; /* the context's (may be NULL) */
  const char *dir;            /* the layout file's folder; NULL from memory */
  /* The binders of the layouts that extend this one, innermost first
   * (`extends`): their colours, fonts, styles and page settings apply
   * over this layout's as it is bound, so that a style based on one
   * they change follows the change.  NULL: none. */
  GPtrArray *overlays;
  /* The conditions `made(NAME)` bound, each a layout_made_ref, checked
   * against the sequence's pad steps once it is bound. */
  GArray *made_refs;
} binder;

typedef struct layout_made_ref {
  const char *name;           /* the condition's path */
  dp_mark mark;
} layout_made_ref;

#define ERR(b, mark, ...) dp_bind_error(&(b)->core, (mark), __VA_ARGS__)

/* (transfer container) NULL-terminated names of the styles (all, or only
 * character or only paragraph styles: `which` -1, 1, 0). */
const char **layout_style_names(const binder *b, int which);
style_info *layout_find_style(const binder *b, const char *name);
/* A colour reference: a defined name or "#rrggbb".  (transfer full) */
char *layout_colour_ref(binder *b, const dp_ynode *node, const char *key);
/* The named font `name` (`fonts:`), or NULL. */
const dp_named_font *layout_find_font(const binder *b, const char *name);
/* An image file a layout names (`image: logo.svg`): relative to the
 * layout's folder, probed and decoded.  (transfer full) The absolute
 * path, or NULL after reporting. */
char *layout_image_file(binder *b, const dp_ynode *node);
/* Whether an `image:` value names a file rather than a field: it has a
 * '/' or an image file's extension (.svg, .png, .jpg, .jpeg; .gif and
 * other formats, to be reported). */
bool layout_is_image_file(const char *text);
/* A paragraph (`character` false) or character style by name, reported
 * with a suggestion when absent or of the other kind. */
const dp_style *layout_style_ref(binder *b, const dp_ynode *node,
                                 const char *key, bool character);

/* A template (template.h) of a scalar, or NULL after reporting. */
dp_template *layout_template_ref(binder *b, const dp_ynode *node,
                                 const char *key);
/* A field path ("thesis.title"); (transfer full) or NULL after reporting. */
char *layout_field_path(binder *b, const dp_ynode *node, const char *key);

/* layout-items.c.  `if:` / `unless:` of `map` into `out`. */
void layout_bind_condition(binder *b, const dp_ynode *map, dp_condition *out);
void layout_condition_clear(dp_condition *c);
/* The list of items under `key` into *out (*count of them). */
void layout_bind_items(binder *b, const dp_ynode *list, const char *key,
                       dp_item ***out, size_t *count);
void layout_items_free(dp_item **items, size_t count);

/* layout-style.c.  Resolves `info` (its parent first); `chain` holds the
 * styles being resolved, to report a based-on cycle. */
void layout_style_resolve(binder *b, style_info *info, GPtrArray *chain);
void layout_style_free(dp_style *s);

#endif
