/* house: an institution's house style, a YAML file (docs/house.md) that
 * any announcement can use without a layout of its own.
 *
 *   house: 1
 *   institution: {name: ..., short: NUC, logo: logo.svg, colour: "#7a1f3d"}
 *   colours: {brand: "#7a1f3d"}        # the layouts' named colours
 *   fonts: {text: EB Garamond, display: Carlito}   # the layouts' named fonts
 *   font-folders: [/usr/share/fonts/truetype/crosextra]
 *   labels: {en: {public-defence: PhD defence}}     # by language
 *   options: {press: true, marks: true, preflight: true}
 *
 * The binder checks the house's own keys and reports every problem at its
 * mark.  `institution` and `labels` stay YAML nodes: the announcement
 * binder (document.c) binds them under the announcement's own, so that
 * a wrong value is reported at the house file's line by the rules of the
 * format; a relative `logo` is made relative to the house file's folder
 * here.  Colours, fonts and options apply when composing and rendering.
 * Shared by reference: documents keep the house they were read with.
 * Touches no Pango or Cairo.
 */
#ifndef DP_HOUSE_H
#define DP_HOUSE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "settings.h"
#include "yaml-tree.h"

typedef struct dp_house_name {
  char *name;
  char *value;          /* a colour "#rrggbb", or a font family list */
  dp_mark mark;         /* the value's */
} dp_house_name;

typedef struct dp_house {
  int refs;
  char *path;           /* as given */
  unsigned long long serial; /* as dp_document_get_serial() */
  dp_house_name *colours;
  size_t colour_count;
  dp_house_name *fonts;
  size_t font_count;
  char **font_folders;  /* absolute */
  size_t font_folder_count;
  bool marks;           /* options: crop marks on every product */
  bool press;           /* options: the bleed on every product */
  bool preflight;       /* options: print checks with every render */
  /* The tree `institution` and `labels` are read from. */
  dp_ytree *tree;
} dp_house;

/* Reads the house file at `path`.  NULL after reporting every problem. */
dp_house *dp_house_load(dp_diag *diag, const dp_settings *settings,
                        const char *path);
dp_house *dp_house_ref(dp_house *house);
void dp_house_unref(dp_house *house);

/* (transfer none) The map of institution defaults, or NULL. */
const dp_ynode *dp_house_get_institution(const dp_house *house);
/* (transfer none) The map of label texts for language `lang` (its own,
 * else its primary language's: "nb" for "nb-NO"), or NULL. */
const dp_ynode *dp_house_get_labels(const dp_house *house, const char *lang);
/* The value of a named colour or font, or NULL. */
const char *dp_house_get_colour(const dp_house *house, const char *name);
const char *dp_house_get_font(const dp_house *house, const char *name);

#endif
