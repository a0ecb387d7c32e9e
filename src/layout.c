/* layout: see layout.h; docs/layouts.md is the reference of the language.
 *
 * Binding runs in two passes over the YAML tree:
 *
 *  1. A pre-pass collects the names of colours, styles, page templates
 *     and flows and allocates their objects, so any reference can be
 *     checked (and point at its object) wherever it appears in the file.
 *  2. The main pass binds the top-level keys in file order, so problems
 *     are reported in the order they appear.  Styles are resolved when
 *     `styles` is met: each style first resolves its `based-on` parent
 *     (depth first, a cycle is reported once and broken), copies the
 *     parent's resolved fields and then applies its own.
 *
 * The pieces live by idea: bind.c reads typed keys and holds problems
 * back until they can be reported in file order; length.c reads lengths;
 * frame-expr.c parses frame edges ("bottom(title) + 6mm") and, once a
 * page template's frames are bound, checks them for frames that depend
 * on themselves; layout-items.c binds content blocks and conditions;
 * layout-style.c applies and resolves styles.  This file binds the rest:
 * the top level, pages, colours, frames, templates, flows, the sequence
 * and `extends`.
 *
 * Nothing stops at the first problem: every problem is reported at its
 * mark, and the model is freed and NULL returned if there was any.
 */
#include "layout.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "frame-expr.h"
#include "image.h"
#include "layout-private.h"
#include "confine.h"
#include "document.h"
#include "press-profile.h"
#include "paths.h"
#include "template.h"
#include "yaml-tree.h"

const char *const dp_builtin_layouts[] = {"poster", "booklet", "booklet-print",
                                          NULL};

/* ====================================================================
 *  The binder
 * ==================================================================== */


static void on_template_diagnostic(const dp_diagnostic *d, void *user) {
  binder *b = user;
  dp_bind_report(&b->core, d->severity, (dp_mark){b->core.file, d->line, d->column, -1},
             g_strdup(d->message));
}

static dp_template *parse_template(binder *b, const char *source,
                                   dp_mark mark) {
  return dp_template_parse(b->templates_diag, source, mark);
}


/* ---- Names ---------------------------------------------------------- */

/* (transfer container) NULL-terminated names of the styles (all, or only
 * character or only paragraph styles: `which` -1, 1, 0). */
const char **layout_style_names(const binder *b, int which) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->style_count; i++)
    if (which < 0 || b->styles[i].character == (which == 1))
      g_ptr_array_add(a, b->m->styles[i]->name);
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

static const char **colour_names(const binder *b) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->colour_count; i++)
    g_ptr_array_add(a, b->m->colours[i].name);
  g_ptr_array_add(a, (gpointer) "black");
  g_ptr_array_add(a, (gpointer) "white");
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

static const char **template_names(const binder *b) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->template_count; i++)
    g_ptr_array_add(a, b->m->templates[i]->name);
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

static const char **flow_names(const binder *b) {
  GPtrArray *a = g_ptr_array_new();
  for (size_t i = 0; i < b->m->flow_count; i++)
    g_ptr_array_add(a, b->m->flows[i]->name);
  g_ptr_array_add(a, NULL);
  return (const char **)g_ptr_array_free(a, FALSE);
}

style_info *layout_find_style(const binder *b, const char *name) {
  for (size_t i = 0; i < b->m->style_count; i++)
    if (strcmp(b->m->styles[i]->name, name) == 0) return &b->styles[i];
  return NULL;
}

static dp_page_template *find_template(const binder *b, const char *name) {
  for (size_t i = 0; i < b->m->template_count; i++)
    if (strcmp(b->m->templates[i]->name, name) == 0)
      return b->m->templates[i];
  return NULL;
}

static dp_flow *find_flow(const binder *b, const char *name) {
  for (size_t i = 0; i < b->m->flow_count; i++)
    if (strcmp(b->m->flows[i]->name, name) == 0) return b->m->flows[i];
  return NULL;
}

/* Adds `path` to the files the model was read from. */
static void add_file(dp_layout_model *m, const char *path) {
  m->files = g_renew(char *, m->files, m->file_count + 2);
  m->files[m->file_count++] = g_strdup(path);
  m->files[m->file_count] = NULL;
}

const dp_named_font *layout_find_font(const binder *b, const char *name) {
  for (size_t i = 0; i < b->m->font_count; i++)
    if (strcmp(b->m->fonts[i].name, name) == 0) return &b->m->fonts[i];
  return NULL;
}

/* The folder of the file `b` reads, absolute: what its relative paths
 * start from (the current folder for a layout from memory). */
static char *file_dir(const binder *b) {
  return g_canonicalize_filename(b->dir ? b->dir : ".", NULL);
}

bool layout_is_image_file(const char *text) {
  /* Those disputas draws, and those it does not, which are reported as
   * such rather than read as a field that is never set. */
  static const char *const extensions[] = {
      ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif",
      ".tiff", ".bmp", ".pdf", ".eps"};
  if (strchr(text, '/')) return true;
  size_t n = strlen(text);
  for (size_t i = 0; i < G_N_ELEMENTS(extensions); i++) {
    size_t e = strlen(extensions[i]);
    if (n > e && !g_ascii_strcasecmp(text + n - e, extensions[i])) return true;
  }
  return false;
}

char *layout_image_file(binder *b, const dp_ynode *node) {
  const char *t = node->text;
  char *problem = NULL;
  /* Beside the layout, and under the root if any (confine.h). */
  char *path = dp_confine_resolve(dp_settings_root(b->settings), b->dir, t,
                                  &problem);
  char *absolute = path ? g_canonicalize_filename(path, NULL) : NULL;
  g_free(path);
  dp_image_info info;
  if (absolute) add_file(b->m, absolute);
  /* Decoded once here, as the document's images are: a file that cannot
   * be drawn is an error at this line, never a blank on the page. */
  if (absolute && dp_image_probe(absolute, &info, &problem) &&
      dp_image_decode(absolute, info.format,
                      b->settings ? b->settings->cancel : NULL, &problem))
    return absolute;
  if (!problem) { /* decoding was stopped (cancel.h) */
    g_free(absolute);
    return NULL;
  }
  ERR(b, node->mark, "image '%s' (relative to the layout's folder) %s", t,
      problem);
  g_free(problem);
  g_free(absolute);
  return NULL;
}

static bool colour_defined(const binder *b, const char *name) {
  if (strcmp(name, "black") == 0 || strcmp(name, "white") == 0) return true;
  for (size_t i = 0; i < b->m->colour_count; i++)
    if (strcmp(b->m->colours[i].name, name) == 0) return true;
  return false;
}

/* A colour reference: a defined name or "#rrggbb".  (transfer full) */
char *layout_colour_ref(binder *b, const dp_ynode *node, const char *key) {
  if (node->kind != DP_YNODE_SCALAR || dp_ynode_is_null(node)) {
    char *d = dp_bind_describe(node);
    ERR(b, node->mark,
        "'%s' must be a colour name or \"#rrggbb\", not %s%s", key, d,
        dp_ynode_is_null(node) ? " (quote literal colours: in YAML an "
                                 "unquoted # starts a comment)"
                               : "");
    g_free(d);
    return NULL;
  }
  const char *t = node->text;
  if (t[0] == '#') {
    if (dp_is_hex_colour(t)) return g_strdup(t);
    ERR(b, node->mark, "'%s' must be a colour as \"#rrggbb\", not '%s'", key,
        t);
    return NULL;
  }
  if (colour_defined(b, t)) return g_strdup(t);
  const char **names = colour_names(b);
  char *h = dp_bind_hint(t, names);
  ERR(b, node->mark, "unknown colour '%s'%s", t, h);
  g_free(h);
  g_free(names);
  return NULL;
}

/* A paragraph (`character` false) or character style by name, reported
 * with a suggestion when absent or of the other kind. */
const dp_style *layout_style_ref(binder *b, const dp_ynode *node,
                                 const char *key, bool character) {
  const char *name = dp_bind_text(&b->core, node, key);
  if (!name) return NULL;
  style_info *info = layout_find_style(b, name);
  if (info && info->character == character) return info->style;
  if (info) {
    ERR(b, node->mark,
        character ? "'%s' is a paragraph style; '%s' needs a character style "
                    "(one with 'character: true')"
                  : "'%s' is a character style; '%s' needs a paragraph style",
        name, key);
    return NULL;
  }
  const char **names = layout_style_names(b, character ? 1 : 0);
  char *h = dp_bind_hint(name, names);
  ERR(b, node->mark, "unknown %s style '%s'%s",
      character ? "character" : "paragraph", name, h);
  g_free(h);
  g_free(names);
  return NULL;
}

dp_template *layout_template_ref(binder *b, const dp_ynode *node,
                                 const char *key) {
  if (node->kind != DP_YNODE_SCALAR) {
    dp_bind_wrong(&b->core, node, key, "text");
    return NULL;
  }
  return parse_template(b, node->text, dp_bind_content_mark(&b->core, node));
}

/* Field paths. (transfer full) */
char *layout_field_path(binder *b, const dp_ynode *node, const char *key) {
  const char *t = dp_bind_text(&b->core, node, key);
  if (!t) return NULL;
  if (dp_is_field_path(t)) return g_strdup(t);
  ERR(b, node->mark,
      "'%s' must be a field path such as thesis.title, not '%s'", key, t);
  return NULL;
}

/* ====================================================================
 *  Frames and page templates
 * ==================================================================== */

static void frame_free(dp_frame *f) {
  if (!f) return;
  g_free(f->name);
  dp_expr_free(f->left);
  dp_expr_free(f->right);
  dp_expr_free(f->width);
  dp_expr_free(f->top);
  dp_expr_free(f->bottom);
  dp_expr_free(f->height);
  dp_expr_free(f->max_height);
  g_free(f->flow);
  layout_items_free(f->content, f->content_count);
  g_free(f->fill);
  g_free(f->stroke);
  layout_condition_clear(&f->condition);
  g_free(f);
}

static dp_frame *bind_frame(binder *b, const dp_ynode *node, size_t index,
                            GArray *refs) {
  if (!dp_bind_expect_map(&b->core, node, "a frame")) return NULL;
  static const char *const keys[] = {
      "name",   "left",       "right",  "start", "end", "width",   "top",          "bottom",
      "height", "max-height", "flow",   "content", "fit",          "min-scale",
      "max-scale", "valign", "columns",    "column-gap", "balance", "fill",     "stroke",
      "stroke-width", "radius", "padding", "if",    "unless",      NULL};
  dp_bind_check_keys(&b->core, node, keys, "frame");
  dp_frame *f = g_new0(dp_frame, 1);
  f->mark = node->mark;
  f->fit = DP_FIT_ERROR;
  f->min_scale = 1.0;
  f->max_scale = 1.0;
  f->valign = DP_VALIGN_TOP;
  f->columns = 1;
  f->column_gap = 5 * DP_PT_PER_MM;
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "name"))) {
    const char *name = dp_bind_text(&b->core, v, "name");
    if (name && !dp_is_identifier(name))
      ERR(b, v->mark, "a frame name may hold only letters, digits, '-' and "
                      "'_', not '%s'", name);
    else if (name && dp_bind_in_list(name, dp_builtin_frames))
      ERR(b, v->mark, "'%s' is a built-in frame; choose another name", name);
    else if (name)
      f->name = g_strdup(name);
  }

  /* Edges, in file order, so the third of a trio is the one reported. */
  int horizontal = 0, vertical = 0;
  const dp_ynode *physical = NULL, *logical = NULL;
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *value = node->children[2 * i + 1];
    const char *k = key->text;
    dp_expr **slot = NULL;
    bool vert = false;
    if (!strcmp(k, "left")) slot = &f->left, physical = key;
    else if (!strcmp(k, "right")) slot = &f->right, physical = key;
    else if (!strcmp(k, "start")) slot = &f->left, logical = key;
    else if (!strcmp(k, "end")) slot = &f->right, logical = key;
    else if (!strcmp(k, "width")) slot = &f->width;
    else if (!strcmp(k, "top")) slot = &f->top, vert = true;
    else if (!strcmp(k, "bottom")) slot = &f->bottom, vert = true;
    else if (!strcmp(k, "height")) slot = &f->height, vert = true;
    else if (!strcmp(k, "max-height")) slot = &f->max_height, vert = true;
    if (!slot) continue;
    if (physical && logical) {
      ERR(b, key->mark, "a frame is placed by 'left' and 'right' or by "
                        "'start' and 'end' (mirrored in a right-to-left "
                        "document), not both");
      continue;
    }
    *slot = dp_expr_parse(&b->core, value, k, vert, index * 2 + vert, refs);
    if (strcmp(k, "max-height") == 0) continue;
    int *count = vert ? &vertical : &horizontal;
    if (++*count == 3)
      ERR(b, key->mark,
          vert ? "a frame takes at most two of top, bottom and height"
               : logical ? "a frame takes at most two of start, end and width"
                         : "a frame takes at most two of left, right and width");
  }
  f->logical = !physical;
  if (f->max_height &&
      (dp_ynode_map_get(node, "height") ||
       (dp_ynode_map_get(node, "top") && dp_ynode_map_get(node, "bottom")))) {
    const dp_ynode *mh = dp_ynode_map_get(node, "max-height");
    ERR(b, mh->mark, "'max-height' applies only to a frame of automatic "
                     "height (no 'height', and not both 'top' and 'bottom')");
  }

  const dp_ynode *flow = dp_ynode_map_get(node, "flow");
  const dp_ynode *content = dp_ynode_map_get(node, "content");
  if (flow && content) {
    ERR(b, node->mark, "a frame takes its content from a 'flow' or from "
                       "'content', not both");
  } else if (flow) {
    const char *name = dp_bind_text(&b->core, flow, "flow");
    if (name && find_flow(b, name)) {
      f->flow = g_strdup(name);
    } else if (name) {
      const char **names = flow_names(b);
      char *h = dp_bind_hint(name, names);
      ERR(b, flow->mark, "unknown flow '%s'%s", name, h);
      g_free(h);
      g_free(names);
    }
  } else if (content) {
    layout_bind_items(b, content, "content", &f->content, &f->content_count);
  }

  const dp_ynode *fit = dp_ynode_map_get(node, "fit");
  if (fit) {
    static const char *const fits[] = {"error", "shrink", NULL};
    static const int fit_values[] = {DP_FIT_ERROR, DP_FIT_SHRINK};
    int k;
    if (dp_bind_choice(&b->core, fit, "fit", fits, fit_values, NULL, false, &k))
      f->fit = (dp_fit)k;
  }
  if (f->fit == DP_FIT_SHRINK) f->min_scale = 0.5;
  if ((v = dp_ynode_map_get(node, "min-scale"))) {
    if (fit && f->fit != DP_FIT_SHRINK)
      ERR(b, v->mark, "'min-scale' applies only with 'fit: shrink'");
    else if (!fit)
      ERR(b, v->mark, "'min-scale' applies only with 'fit: shrink'");
    else
      dp_bind_number(&b->core, v, "min-scale", 0.0, true, 1.0, &f->min_scale);
  }
  if ((v = dp_ynode_map_get(node, "max-scale"))) {
    if (f->fit != DP_FIT_SHRINK)
      ERR(b, v->mark, "'max-scale' applies only with 'fit: shrink'");
    else
      dp_bind_number(&b->core, v, "max-scale", 1.0, false, 4.0, &f->max_scale);
  }
  if ((v = dp_ynode_map_get(node, "valign"))) {
    static const char *const valigns[] = {"top", "middle", "bottom",
                                          "spread", NULL};
    static const int valign_values[] = {DP_VALIGN_TOP, DP_VALIGN_MIDDLE,
                                        DP_VALIGN_BOTTOM, DP_VALIGN_SPREAD};
    int k;
    if (dp_bind_choice(&b->core, v, "valign", valigns, valign_values, NULL, false, &k))
      f->valign = (dp_valign)k;
  }
  if ((v = dp_ynode_map_get(node, "columns")))
    dp_bind_int(&b->core, v, "columns", 1, 4, &f->columns);
  if ((v = dp_ynode_map_get(node, "column-gap")))
    dp_bind_length(&b->core, v, "column-gap", false, &f->column_gap);
  if ((v = dp_ynode_map_get(node, "balance")))
    dp_bind_bool(&b->core, v, "balance", &f->balance);
  if ((v = dp_ynode_map_get(node, "fill")))
    f->fill = layout_colour_ref(b, v, "fill");
  if ((v = dp_ynode_map_get(node, "stroke"))) {
    f->stroke = layout_colour_ref(b, v, "stroke");
    f->stroke_width = 0.5;
  }
  if ((v = dp_ynode_map_get(node, "stroke-width")))
    dp_bind_length(&b->core, v, "stroke-width", false, &f->stroke_width);
  if ((v = dp_ynode_map_get(node, "radius")))
    dp_bind_length(&b->core, v, "radius", false, &f->radius);
  if ((v = dp_ynode_map_get(node, "padding")))
    dp_bind_length(&b->core, v, "padding", false, &f->padding);
  layout_bind_condition(b, node, &f->condition);
  return f;
}

/* `reading-order`: the frames named, in the order a reader takes them
 * (a tagged PDF's structure, docs/layouts.md); the others follow in the
 * order they are drawn.  `names` are the frames' (NULL: unnamed). */
static void bind_reading_order(binder *b, dp_page_template *t,
                               const dp_ynode *node, const char **names) {
  size_t named = 0;
  int *place = g_new(int, t->frame_count + 1);
  for (size_t i = 0; i < t->frame_count; i++) place[i] = -1;
  if (node && node->kind != DP_YNODE_SEQ)
    dp_bind_wrong(&b->core, node, "reading-order", "a list of frame names");
  for (size_t k = 0; node && node->kind == DP_YNODE_SEQ && k < node->count;
       k++) {
    const dp_ynode *item = node->children[k];
    const char *name = dp_bind_text(&b->core, item, "reading-order");
    if (!name) continue;
    size_t i = 0;
    while (i < t->frame_count &&
           !(names[i] && strcmp(names[i], name) == 0))
      i++;
    if (i == t->frame_count) {
      /* Unnamed frames leave holes in `names`. */
      const char **known = g_new0(const char *, t->frame_count + 1);
      for (size_t j = 0, n = 0; j < t->frame_count; j++)
        if (names[j]) known[n++] = names[j];
      char *h = dp_bind_hint(name, known);
      ERR(b, item->mark, "template '%s' has no frame '%s'%s", t->name, name,
          h);
      g_free(h);
      g_free(known);
    } else if (place[i] >= 0) {
      ERR(b, item->mark, "frame '%s' is named twice in 'reading-order'",
          name);
    } else {
      place[i] = (int)named++;
    }
  }
  for (size_t i = 0; i < t->frame_count; i++)
    t->frames[i]->reading = place[i] >= 0 ? place[i] : (int)(named + i);
  g_free(place);
}

static void bind_template(binder *b, dp_page_template *t,
                          const dp_ynode *node) {
  char *where = g_strdup_printf("template '%s'", t->name);
  if (!dp_bind_expect_map(&b->core, node, where)) {
    g_free(where);
    return;
  }
  static const char *const keys[] = {"frames", "verso", "reading-order",
                                     NULL};
  dp_bind_check_keys(&b->core, node, keys, where);
  g_free(where);
  const dp_ynode *verso = dp_ynode_map_get(node, "verso");
  if (verso) {
    const char *name = dp_bind_text(&b->core, verso, "verso");
    const dp_page_template *v = name ? find_template(b, name) : NULL;
    if (name && !v) {
      const char **names = template_names(b);
      char *h = dp_bind_hint(name, names);
      ERR(b, verso->mark, "unknown template '%s'%s", name, h);
      g_free(h);
      g_free(names);
    } else if (v == t) {
      ERR(b, verso->mark, "template '%s' cannot be its own verso", t->name);
    } else {
      t->verso = v;
    }
  }
  const dp_ynode *frames = dp_ynode_map_get(node, "frames");
  if (!frames) {
    ERR(b, node->mark, "template '%s' needs 'frames'", t->name);
    return;
  }
  if (frames->kind != DP_YNODE_SEQ) {
    dp_bind_wrong(&b->core, frames, "frames", "a list of frames");
    return;
  }
  GArray *refs = g_array_new(FALSE, TRUE, sizeof(dp_frame_ref));
  t->frames = g_new0(dp_frame *, frames->count + 1);
  for (size_t i = 0; i < frames->count; i++) {
    dp_frame *f = bind_frame(b, frames->children[i], t->frame_count, refs);
    if (!f) continue;
    if (f->name) {
      for (size_t j = 0; j < t->frame_count; j++) {
        if (t->frames[j]->name && strcmp(t->frames[j]->name, f->name) == 0) {
          const dp_ynode *name = dp_ynode_map_get(frames->children[i], "name");
          ERR(b, name->mark,
              "frame '%s' is defined twice in template '%s' (first at line "
              "%d)",
              f->name, t->name, t->frames[j]->mark.line);
          g_free(f->name);
          f->name = NULL;
          break;
        }
      }
    }
    t->frames[t->frame_count++] = f;
  }
  const char **names = g_new0(const char *, t->frame_count + 1);
  for (size_t i = 0; i < t->frame_count; i++) names[i] = t->frames[i]->name;
  dp_frame_refs_check(&b->core, t->name, names, t->frame_count, refs);
  bind_reading_order(b, t, dp_ynode_map_get(node, "reading-order"), names);
  g_free(names);
  g_array_free(refs, TRUE);
}

/* ====================================================================
 *  Top level
 * ==================================================================== */

static void bind_page(binder *b, const dp_ynode *node) {
  if (!dp_bind_expect_map(&b->core, node, "'page'")) return;
  static const char *const keys[] = {"size", "orientation", "margins", "bleed",
                                     NULL};
  dp_bind_check_keys(&b->core, node, keys, "page");
  dp_layout_model *m = b->m;
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "size"))) {
    static const char *const names[] = {"A3", "A4", "A5", "A6", "letter",
                                        "legal", NULL};
    static const int values[] = {0, 1, 2, 3, 4, 5};
    static const double sizes[][2] = {{297, 420}, {210, 297},
                                      {148, 210}, {105, 148},
                                      {215.9, 279.4}, {215.9, 355.6}};
    if (v->kind == DP_YNODE_SEQ) {
      double w = 0, h = 0;
      if (v->count != 2) {
        ERR(b, v->mark, "'size' as a list takes two lengths, [width, height]");
      } else if (dp_bind_length(&b->core, v->children[0], "size", false, &w) &&
                 dp_bind_length(&b->core, v->children[1], "size", false, &h)) {
        if (w <= 0 || h <= 0) {
          ERR(b, v->mark, "the page's width and height must be more than 0");
        } else {
          m->page_width = w;
          m->page_height = h;
        }
      }
    } else {
      int k;
      if (v->kind == DP_YNODE_SCALAR) {
        for (k = 0; names[k]; k++)
          if (g_ascii_strcasecmp(names[k], v->text) == 0) break;
        if (names[k]) {
          m->page_width = sizes[values[k]][0] * DP_PT_PER_MM;
          m->page_height = sizes[values[k]][1] * DP_PT_PER_MM;
          goto size_done;
        }
        char *h = dp_bind_hint(v->text, names);
        ERR(b, v->mark,
            "unknown page size '%s'%s; use A3, A4, A5, A6, letter, legal or "
            "[width, height]",
            v->text, h);
        g_free(h);
      } else {
        dp_bind_wrong(&b->core, v, "size", "a page size such as A4 or [width, height]");
      }
    }
  }
size_done:
  if ((v = dp_ynode_map_get(node, "orientation"))) {
    static const char *const names[] = {"portrait", "landscape", NULL};
    static const int values[] = {0, 1};
    int k;
    if (dp_bind_choice(&b->core, v, "orientation", names, values, NULL, false, &k)) {
      bool landscape = m->page_width > m->page_height;
      if ((k == 1) != landscape) {
        double t = m->page_width;
        m->page_width = m->page_height;
        m->page_height = t;
      }
    }
  }
  if ((v = dp_ynode_map_get(node, "margins"))) {
    if (v->kind == DP_YNODE_MAP) {
      static const char *const sides[] = {"top",  "bottom", "inside",
                                          "outside", "left", "right", NULL};
      dp_bind_check_keys(&b->core, v, sides, "margins");
      double *slots[] = {&m->margin_top,    &m->margin_bottom,
                         &m->margin_inside, &m->margin_outside,
                         &m->margin_inside, &m->margin_outside};
      for (int i = 0; sides[i]; i++) {
        const dp_ynode *side = dp_ynode_map_get(v, sides[i]);
        if (!side) continue;
        if (i >= 4 && dp_ynode_map_get(v, sides[i - 2])) {
          for (size_t j = 0; j < v->count; j++)
            if (!strcmp(v->children[2 * j]->text, sides[i]))
              ERR(b, v->children[2 * j]->mark,
                  "'%s' and '%s' are the same margin; give one", sides[i - 2],
                  sides[i]);
          continue;
        }
        dp_bind_length(&b->core, side, sides[i], false, slots[i]);
      }
    } else if (v->kind == DP_YNODE_SCALAR) {
      double all;
      if (dp_bind_length(&b->core, v, "margins", false, &all))
        m->margin_top = m->margin_bottom = m->margin_inside =
            m->margin_outside = all;
    } else {
      dp_bind_wrong(&b->core, v, "margins", "a length or a map of top, bottom, inside and "
                             "outside");
    }
  }
  if ((v = dp_ynode_map_get(node, "bleed")))
    dp_bind_length(&b->core, v, "bleed", false, &m->bleed);
}

static void bind_pages(binder *b, const dp_ynode *node) {
  if (!dp_bind_expect_map(&b->core, node, "'pages'")) return;
  static const char *const keys[] = {"multiple-of", "max", NULL};
  dp_bind_check_keys(&b->core, node, keys, "pages");
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(node, "multiple-of")))
    dp_bind_int(&b->core, v, "multiple-of", 1, DP_MAX_PAGES, &b->m->pages_multiple);
  if ((v = dp_ynode_map_get(node, "max")))
    dp_bind_int(&b->core, v, "max", 1, DP_MAX_PAGES, &b->m->pages_max);
}

/* `preflight: true`, or a map of its settings, which turns it on too:
 * `preflight: {min-text-size: 6pt}`.  `m` is the model being bound (the
 * base model for a layout that extends another). */
static void bind_preflight(binder *b, const dp_ynode *node,
                           dp_layout_model *m) {
  if (node->kind == DP_YNODE_MAP) {
    static const char *const keys[] = {"min-text-size", NULL};
    dp_bind_check_keys(&b->core, node, keys, "preflight");
    m->preflight = true;
    const dp_ynode *v = dp_ynode_map_get(node, "min-text-size");
    if (v) dp_bind_length(&b->core, v, "min-text-size", false, &m->preflight_min_text_size);
    return;
  }
  if (node->kind == DP_YNODE_SCALAR &&
      (!g_ascii_strcasecmp(node->text, "true") ||
       !g_ascii_strcasecmp(node->text, "false"))) {
    m->preflight = !g_ascii_strcasecmp(node->text, "true");
    return;
  }
  dp_bind_wrong(&b->core, node, "preflight",
        "true, false or a map such as {min-text-size: 6pt}");
}

/* `hyphenation`: the languages a layout never hyphenates (`off`, where
 * no dictionary is installed or its breaks are unwanted) and how it sets
 * justified text in a language it does not hyphenate (`unhyphenated`).
 * `from` reads the node (this layout or one extending it); a key left
 * out keeps what `m` has. */
static void bind_hyphenation(binder *from, const dp_ynode *node,
                             dp_layout_model *m) {
  binder *b = from;
  if (node->kind != DP_YNODE_MAP) {
    dp_bind_wrong(&b->core, node, "hyphenation",
                  "a map such as {off: [fi], unhyphenated: ragged}");
    return;
  }
  static const char *const keys[] = {"off", "unhyphenated", NULL};
  dp_bind_check_keys(&b->core, node, keys, "hyphenation");
  const dp_ynode *off = dp_ynode_map_get(node, "off");
  if (off) {
    bool list = off->kind == DP_YNODE_SEQ;
    size_t count = list ? off->count : 1;
    GString *tags = g_string_new(NULL);
    for (size_t i = 0; i < count; i++) {
      const dp_ynode *v = list ? off->children[i] : off;
      if (v->kind != DP_YNODE_SCALAR || dp_ynode_is_null(v)) {
        dp_bind_wrong(&b->core, v, "off",
                      "a language tag such as 'fi', or a list of them");
        continue;
      }
      char *tag = dp_lang_normalise(v->text);
      if (!tag) {
        ERR(b, v->mark, "'off' takes BCP 47 language tags such as 'fi' or "
                        "'se', not '%s'", v->text);
        continue;
      }
      if (tags->len) g_string_append_c(tags, ' ');
      g_string_append(tags, tag);
      g_free(tag);
    }
    /* Interned: the styles composition copies for a document point to
     * it, and outlive the layout. */
    m->hyphenation_off = tags->len ? g_intern_string(tags->str) : NULL;
    g_string_free(tags, TRUE);
  }
  const dp_ynode *u = dp_ynode_map_get(node, "unhyphenated");
  if (u) {
    static const char *const names[] = {"justify", "ragged", NULL};
    static const int values[] = {0, 1};
    int x;
    if (dp_bind_choice(&b->core, u, "unhyphenated", names, values, NULL,
                       false, &x))
      m->unhyphenated_ragged = x == 1;
  }
}

/* Colour `c`'s value, `v`, read by `from` (this layout's binder or an
 * extending layout's). */
static void bind_colour_value(binder *from, const dp_ynode *key,
                              const dp_ynode *v, dp_named_colour *c) {
  binder *b = from;
  if (v->kind != DP_YNODE_SCALAR || dp_ynode_is_null(v)) {
    char *d = dp_bind_describe(v);
    ERR(b, v->mark, "colour '%s' must be \"#rrggbb\" or a template that "
                    "gives one, not %s%s",
        key->text, d,
        dp_ynode_is_null(v) ? " (quote literal colours: in YAML an "
                              "unquoted # starts a comment)"
                            : "");
    g_free(d);
    return;
  }
  if (!strchr(v->text, '{') && !strchr(v->text, '[') &&
      !dp_is_hex_colour(v->text)) {
    ERR(b, v->mark, "colour '%s' must be \"#rrggbb\" or a template that "
                    "gives one, not '%s'",
        key->text, v->text);
    return;
  }
  dp_template_free(c->value);
  c->value = parse_template(b, v->text, dp_bind_content_mark(&b->core, v));
}

static void bind_colours(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_MAP) return; /* reported in the pre-pass */
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    dp_named_colour *c = NULL;
    for (size_t j = 0; j < b->m->colour_count; j++)
      if (b->m->colours[j].mark.line == key->mark.line &&
          b->m->colours[j].mark.column == key->mark.column)
        c = &b->m->colours[j];
    if (!c) continue; /* a bad name, reported in the pre-pass */
    bind_colour_value(b, key, node->children[2 * i + 1], c);
  }
}

static void bind_flows(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_MAP) return;
  for (size_t i = 0; i < node->count; i++) {
    dp_flow *flow = find_flow(b, node->children[2 * i]->text);
    const dp_ynode *v = node->children[2 * i + 1];
    if (!flow) continue;
    char *key = g_strdup_printf("flow '%s'", flow->name);
    if (v->kind != DP_YNODE_SEQ) {
      char *d = dp_bind_describe(v);
      ERR(b, v->mark, "%s must be a list of items, not %s", key, d);
      g_free(d);
    } else {
      layout_bind_items(b, v, key, &flow->items, &flow->count);
    }
    g_free(key);
  }
}

static void bind_templates(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_MAP) return;
  for (size_t i = 0; i < node->count; i++) {
    dp_page_template *t = find_template(b, node->children[2 * i]->text);
    if (t) bind_template(b, t, node->children[2 * i + 1]);
  }
}

/* True if template `name`'s YAML has a frame with `flow: flow`. */
static bool template_has_flow(const binder *b, const char *name,
                              const char *flow) {
  const dp_ynode *t = dp_ynode_map_get(b->templates_node, name);
  const dp_ynode *frames = t ? dp_ynode_map_get(t, "frames") : NULL;
  if (!frames || frames->kind != DP_YNODE_SEQ) return true; /* reported */
  for (size_t i = 0; i < frames->count; i++) {
    const dp_ynode *f = dp_ynode_map_get(frames->children[i], "flow");
    if (f && f->kind == DP_YNODE_SCALAR && strcmp(f->text, flow) == 0)
      return true;
  }
  return false;
}

/* True if template `name` has no `verso:`, or its verso has a frame with
 * `flow: flow` (checked on the YAML: templates may come after the
 * sequence in the file). */
static bool verso_has_flow(const binder *b, const char *name,
                           const char *flow) {
  const dp_ynode *t = dp_ynode_map_get(b->templates_node, name);
  const dp_ynode *verso = t ? dp_ynode_map_get(t, "verso") : NULL;
  if (!verso || verso->kind != DP_YNODE_SCALAR) return true;
  if (!dp_ynode_map_get(b->templates_node, verso->text)) return true;
  return template_has_flow(b, verso->text, flow);
}

static const dp_page_template *get_template_ref(binder *b,
                                                const dp_ynode *node) {
  const char *name = dp_bind_text(&b->core, node, "template");
  if (!name) return NULL;
  const dp_page_template *t = find_template(b, name);
  if (t) return t;
  const char **names = template_names(b);
  char *h = dp_bind_hint(name, names);
  ERR(b, node->mark, "unknown template '%s'%s", name, h);
  g_free(h);
  g_free(names);
  return NULL;
}

static void bind_sequence(binder *b, const dp_ynode *node) {
  if (node->kind != DP_YNODE_SEQ) {
    dp_bind_wrong(&b->core, node, "sequence", "a list of page templates");
    return;
  }
  if (node->count == 0) {
    ERR(b, node->mark, "'sequence' is empty: name at least one page template");
    return;
  }
  b->m->sequence = g_new0(dp_sequence_step, node->count);
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *step = node->children[i];
    dp_sequence_step *s = &b->m->sequence[b->m->sequence_count];
    s->mark = step->mark;
    s->min_scale = s->max_scale = 1.0;
    s->pad_max = -1;
    if (step->kind == DP_YNODE_SCALAR) {
      s->page_template = get_template_ref(b, step);
    } else if (step->kind == DP_YNODE_MAP) {
      static const char *const keys[] = {"template", "flow", "pad", "max",
                                         "priority", "min-scale",
                                         "max-scale", "if", "unless", NULL};
      dp_bind_check_keys(&b->core, step, keys, "sequence step");
      const dp_ynode *t = dp_ynode_map_get(step, "template");
      const dp_ynode *flow = dp_ynode_map_get(step, "flow");
      const dp_ynode *pad = dp_ynode_map_get(step, "pad");
      const dp_ynode *v;
      if ((v = dp_ynode_map_get(step, "max"))) {
        if (!pad)
          ERR(b, v->mark, "'max' applies only to a step with 'pad: true'");
        else
          dp_bind_int(&b->core, v, "max", 0, DP_MAX_PAGES, &s->pad_max);
      }
      if ((v = dp_ynode_map_get(step, "priority"))) {
        if (!pad)
          ERR(b, v->mark, "'priority' applies only to a step with 'pad: true'");
        else
          dp_bind_int(&b->core, v, "priority", 0, 100, &s->pad_priority);
      }
      if ((v = dp_ynode_map_get(step, "min-scale"))) {
        if (!flow)
          ERR(b, v->mark, "'min-scale' applies only to a step with 'flow'");
        else
          dp_bind_number(&b->core, v, "min-scale", 0.0, true, 1.0,
                         &s->min_scale);
      }
      if ((v = dp_ynode_map_get(step, "max-scale"))) {
        if (!flow)
          ERR(b, v->mark, "'max-scale' applies only to a step with 'flow'");
        else
          dp_bind_number(&b->core, v, "max-scale", 1.0, false, 4.0,
                         &s->max_scale);
      }
      if (t)
        s->page_template = get_template_ref(b, t);
      else
        ERR(b, step->mark, "a sequence step needs 'template'");
      if (flow && pad) {
        ERR(b, pad->mark, "a step repeats for a 'flow' or to 'pad', not both");
      } else if (flow) {
        const char *name = dp_bind_text(&b->core, flow, "flow");
        if (name && !find_flow(b, name)) {
          const char **names = flow_names(b);
          char *h = dp_bind_hint(name, names);
          ERR(b, flow->mark, "unknown flow '%s'%s", name, h);
          g_free(h);
          g_free(names);
        } else if (name && s->page_template &&
                   !template_has_flow(b, s->page_template->name, name)) {
          ERR(b, flow->mark,
              "template '%s' has no frame for flow '%s' (a frame with "
              "'flow: %s')",
              s->page_template->name, name, name);
        } else if (name && s->page_template &&
                   !verso_has_flow(b, s->page_template->name, name)) {
          ERR(b, flow->mark,
              "the verso of template '%s' has no frame for flow '%s' (a "
              "frame with 'flow: %s')",
              s->page_template->name, name, name);
        } else if (name) {
          s->flow = g_strdup(name);
        }
      } else if (pad) {
        dp_bind_bool(&b->core, pad, "pad", &s->pad);
      }
      layout_bind_condition(b, step, &s->condition);
    } else {
      char *d = dp_bind_describe(step);
      ERR(b, step->mark, "a sequence step must be a template name or a map "
                         "with 'template', not %s", d);
      g_free(d);
      continue;
    }
    b->m->sequence_count++;
  }
}

/* Each `made(NAME)` names a template that a pad step adds: only a pad
 * page is the plan's to make or not (compose.h). */
static void check_made_refs(binder *b) {
  for (guint i = 0; b->made_refs && i < b->made_refs->len; i++) {
    const layout_made_ref *r = &g_array_index(b->made_refs, layout_made_ref, i);
    bool found = false;
    for (size_t s = 0; s < b->m->sequence_count; s++) {
      dp_sequence_step *st = &b->m->sequence[s];
      if (st->pad && st->page_template &&
          !strcmp(st->page_template->name, r->name)) {
        st->asked = true;
        found = true;
      }
    }
    if (found) continue;
    if (!find_template(b, r->name)) {
      const char **names = template_names(b);
      char *h = dp_bind_hint(r->name, names);
      ERR(b, r->mark, "unknown page template '%s' in 'made(%s)'%s", r->name,
          r->name, h);
      g_free(h);
      g_free(names);
    } else {
      ERR(b, r->mark, "'made(%s)' asks of a page that a 'pad' step adds; no "
          "step of the sequence adds template '%s' with 'pad: true'",
          r->name, r->name);
    }
  }
}

/* The colour names of `node` (`colours`, read by `from`: this layout's
 * binder or an extending layout's) into the model: a name already there
 * (an extending layout's change) is kept, to be bound again. */
static void collect_colours(binder *b, binder *from, const dp_ynode *node) {
  dp_layout_model *m = b->m;
  if (!dp_bind_expect_map(&from->core, node, "'colours'")) return;
  m->colours = g_renew(dp_named_colour, m->colours,
                       m->colour_count + node->count);
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    if (!dp_is_identifier(key->text)) {
      ERR(from, key->mark, "a colour name may hold only letters, digits, "
                           "'-' and '_', not '%s'", key->text);
      continue;
    }
    if (!strcmp(key->text, "black") || !strcmp(key->text, "white")) {
      ERR(from, key->mark, "'%s' is a built-in colour; choose another name",
          key->text);
      continue;
    }
    if (from != b && colour_defined(b, key->text)) continue;
    dp_named_colour *c = &m->colours[m->colour_count++];
    *c = (dp_named_colour){g_strdup(key->text), NULL, key->mark};
  }
}

/* `fonts`: names for font families, read by `from` (as collect_colours);
 * an extending layout's replace the family of a name already there. */
static void collect_fonts(binder *b, binder *from, const dp_ynode *node) {
  dp_layout_model *m = b->m;
  if (!dp_bind_expect_map(&from->core, node, "'fonts'")) return;
  m->fonts = g_renew(dp_named_font, m->fonts, m->font_count + node->count);
  for (size_t i = 0; i < node->count; i++) {
    const dp_ynode *key = node->children[2 * i];
    const dp_ynode *v = node->children[2 * i + 1];
    if (!dp_is_identifier(key->text)) {
      ERR(from, key->mark, "a font name may hold only letters, digits, '-' "
                           "and '_', not '%s'", key->text);
      continue;
    }
    const char *family = dp_bind_text(&from->core, v, "font");
    if (!family) continue;
    if (!*family) {
      ERR(from, v->mark, "font '%s' needs a family, such as Noto Serif",
          key->text);
      continue;
    }
    dp_named_font *f = (dp_named_font *)layout_find_font(b, key->text);
    if (!f) {
      f = &m->fonts[m->font_count++];
      f->name = g_strdup(key->text);
    } else {
      g_free(f->family);
    }
    f->family = g_strdup(family);
    f->mark = v->mark;
  }
}

/* `font-folders`: a folder, or a list of them, relative to the file
 * `from` reads, whose fonts styles may name. */
static void collect_font_folders(binder *b, binder *from,
                                 const dp_ynode *node) {
  dp_layout_model *m = b->m;
  bool list = node->kind == DP_YNODE_SEQ;
  size_t count = list ? node->count : 1;
  m->font_folders = g_renew(dp_font_folder, m->font_folders,
                            m->font_folder_count + count);
  char *dir = file_dir(from);
  for (size_t i = 0; i < count; i++) {
    const dp_ynode *v = list ? node->children[i] : node;
    if (v->kind != DP_YNODE_SCALAR || dp_ynode_is_null(v) || !*v->text) {
      dp_bind_wrong(&from->core, v, "font-folders",
                    "a folder, or a list of folders, of font files");
      continue;
    }
    char *path = g_canonicalize_filename(v->text, dir);
    const char *root = dp_settings_root(from->settings);
    char *real = root ? realpath(path, NULL) : NULL;
    if (root && (g_path_is_absolute(v->text) || !real ||
                 !dp_confine_is_inside(root, real))) {
      ERR(from, v->mark, "font folder '%s' is outside the root folder",
          v->text);
      free(real);
      g_free(path);
      continue;
    }
    free(real);
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
      ERR(from, v->mark, "font folder '%s' (relative to the layout's "
                         "folder) %s", v->text,
          g_file_test(path, G_FILE_TEST_EXISTS) ? "is not a folder"
                                                : "does not exist");
      g_free(path);
      continue;
    }
    m->font_folders[m->font_folder_count++] = (dp_font_folder){path, v->mark};
  }
  g_free(dir);
}

/* The map under `key` of an extending layout. */
static const dp_ynode *overlay_map(const binder *ov, const char *key) {
  const dp_ynode *v = dp_ynode_map_get(ov->root, key);
  return v && v->kind == DP_YNODE_MAP ? v : NULL;
}

/* Collects names and allocates objects (see the top of this file). */
static void prepass(binder *b) {
  dp_layout_model *m = b->m;
  const dp_ynode *v;
  if ((v = dp_ynode_map_get(b->root, "fonts"))) collect_fonts(b, b, v);
  if ((v = dp_ynode_map_get(b->root, "font-folders")))
    collect_font_folders(b, b, v);
  if ((v = dp_ynode_map_get(b->root, "colours"))) collect_colours(b, b, v);
  for (guint i = 0; b->overlays && i < b->overlays->len; i++) {
    binder *ov = g_ptr_array_index(b->overlays, i);
    ov->m = m;
    if ((v = dp_ynode_map_get(ov->root, "fonts"))) collect_fonts(b, ov, v);
    if ((v = dp_ynode_map_get(ov->root, "font-folders")))
      collect_font_folders(b, ov, v);
    if ((v = dp_ynode_map_get(ov->root, "colours"))) collect_colours(b, ov, v);
  }
  if ((v = dp_ynode_map_get(b->root, "styles")) &&
      dp_bind_expect_map(&b->core, v, "'styles'")) {
    m->styles = g_new0(dp_style *, v->count);
    b->styles = g_new0(style_info, v->count);
    for (size_t i = 0; i < v->count; i++) {
      dp_style *s = g_new0(dp_style, 1);
      dp_style_init(s);
      s->name = g_strdup(v->children[2 * i]->text);
      s->mark = v->children[2 * i]->mark;
      style_info *info = &b->styles[m->style_count];
      info->style = s;
      info->key = v->children[2 * i];
      info->node = v->children[2 * i + 1];
      const dp_ynode *ch = dp_ynode_map_get(info->node, "character");
      info->character = ch && ch->kind == DP_YNODE_SCALAR &&
                        g_ascii_strcasecmp(ch->text, "true") == 0;
      m->styles[m->style_count++] = s;
    }
  }
  if ((v = dp_ynode_map_get(b->root, "templates")) &&
      dp_bind_expect_map(&b->core, v, "'templates'")) {
    b->templates_node = v;
    m->templates = g_new0(dp_page_template *, v->count);
    for (size_t i = 0; i < v->count; i++) {
      dp_page_template *t = g_new0(dp_page_template, 1);
      t->name = g_strdup(v->children[2 * i]->text);
      t->mark = v->children[2 * i]->mark;
      m->templates[m->template_count++] = t;
    }
  }
  if ((v = dp_ynode_map_get(b->root, "flows")) &&
      dp_bind_expect_map(&b->core, v, "'flows'")) {
    m->flows = g_new0(dp_flow *, v->count);
    for (size_t i = 0; i < v->count; i++) {
      dp_flow *f = g_new0(dp_flow, 1);
      f->name = g_strdup(v->children[2 * i]->text);
      f->mark = v->children[2 * i]->mark;
      m->flows[m->flow_count++] = f;
    }
  }
  /* An extending layout changes the base's styles; it cannot add any
   * (nothing it may write could use them). */
  for (guint i = 0; b->overlays && i < b->overlays->len; i++) {
    binder *ov = g_ptr_array_index(b->overlays, i);
    ov->styles = b->styles;
    const dp_ynode *styles = dp_ynode_map_get(ov->root, "styles");
    if (styles && !dp_bind_expect_map(&ov->core, styles, "'styles'")) continue;
    for (size_t k = 0; styles && k < styles->count; k++) {
      const dp_ynode *key = styles->children[2 * k];
      if (layout_find_style(b, key->text)) continue;
      const char **names = layout_style_names(b, -1);
      char *h = dp_bind_hint(key->text, names);
      ERR(ov, key->mark, "the layout this one extends has no style '%s'%s; "
          "an extending layout changes the styles it has", key->text, h);
      g_free(h);
      g_free(names);
    }
  }
}

/* Creep compensation can move pages at most this far: beyond it the
 * booklet has too many sheets to saddle-stitch anyway. */
#define MAX_CREEP (5 * DP_PT_PER_MM)

static void bind_creep(binder *b, const dp_ynode *v, dp_layout_model *m) {
  double creep;
  if (!dp_bind_length(&b->core, v, "creep", false, &creep)) return;
  if (creep > MAX_CREEP) {
    ERR(b, v->mark, "'creep' is at most 5mm, not '%s'", v->text);
    return;
  }
  m->creep = creep;
}

/* How deep `extends` may chain: a layout that extends one that extends
 * another is plenty; the limit stops a cycle of files extending each
 * other. */
#define MAX_EXTENDS_DEPTH 4

static _Thread_local int extends_depth; /* loads nest on one thread */

static bool is_path_name(const char *s);
static dp_layout_model *load(dp_diag *diag, const dp_settings *settings,
                             const char *name_or_path, GPtrArray *overlays);

/* `press-profile` (a built-in name or an ICC file beside the layout)
 * and `press-condition` (its name in the output intent): press output's
 * printing condition (press-profile.h), checked here, at the line that
 * names it.  Replaces `m`'s (a base layout's, when extending). */
static void bind_press_profile(binder *b, dp_layout_model *m) {
  const dp_ynode *v = dp_ynode_map_get(b->root, "press-profile");
  const dp_ynode *c = dp_ynode_map_get(b->root, "press-condition");
  const char *condition = c ? dp_bind_text(&b->core, c, "press-condition")
                            : NULL;
  if (c && !condition) return;
  if (condition && !*condition) {
    ERR(b, c->mark, "'press-condition' names the printing condition, "
                    "and is empty");
    return;
  }
  if (!v) {
    if (c)
      ERR(b, c->mark, "'press-condition' names the condition of the "
                      "layout's 'press-profile', and there is none");
    return;
  }
  const char *name = dp_bind_text(&b->core, v, "press-profile");
  if (!name) return;
  char *problem = NULL;
  dp_press_profile *p = NULL;
  if (dp_press_profile_is_file(name)) {
    /* Beside the layout, and under the root if any (confine.h). */
    char *path = dp_confine_resolve(dp_settings_root(b->settings), b->dir,
                                    name, &problem);
    char *absolute = path ? g_canonicalize_filename(path, NULL) : NULL;
    g_free(path);
    if (absolute) {
      add_file(m, absolute);
      p = dp_press_profile_load(name, absolute, condition, &problem);
    }
    g_free(absolute);
    if (!p)
      ERR(b, v->mark, "press profile '%s'%s %s", name,
          g_path_is_absolute(name) ? "" : " (relative to the layout's folder)",
          problem);
  } else {
    p = dp_press_profile_load(name, NULL, condition, &problem);
    if (!p) ERR(b, v->mark, "press profile '%s' %s", name, problem);
  }
  g_free(problem);
  if (!p) return;
  dp_press_profile_free(m->press_profile);
  m->press_profile = p;
}

/* A layout with `extends: BASE` is the base layout with some keys
 * changed: a product that differs from another in its imposition or
 * marks (booklet-print extends booklet), or a house's variant with its
 * own colours, fonts, styles and page.  The base is bound with this
 * layout's binder among its overlays (binder.overlays), so that its
 * styles take the changes as they are resolved.  Returns the model, or
 * NULL after reporting. */
static dp_layout_model *bind_extension(binder *b, const dp_ynode *extends) {
  const dp_ynode *root = b->root;
  static const char *const keys[] = {
      "layout", "extends", "name",    "description", "impose",
      "marks",  "creep",   "outline", "preflight",   "colours",
      "fonts",  "font-folders", "styles", "page", "pages", "press",
      "pure-black", "press-profile", "press-condition", "pdfa",
      "hyphenation", NULL};
  dp_bind_check_keys(&b->core, root, keys, "a layout that extends another");
  const char *base_name = dp_bind_text(&b->core, extends, "extends");
  if (!base_name) return NULL;
  /* Only a built-in layout or a file beside this one: a layout from
   * elsewhere could name any file on the machine, and a file that is not
   * a layout would come back, quoted, in the diagnostics. */
  if (is_path_name(base_name) &&
      (strchr(base_name, '/') || !strcmp(base_name, ".yaml") ||
       !strcmp(base_name, ".yml") || base_name[0] == '.')) {
    ERR(b, extends->mark, "'extends' names a built-in layout or a layout "
        "file in this layout's folder (NAME.yaml), not '%s'", base_name);
    return NULL;
  }
  if (!is_path_name(base_name) && !dp_bind_in_list(base_name, dp_builtin_layouts)) {
    char *h = dp_bind_hint(base_name, dp_builtin_layouts);
    ERR(b, extends->mark, "unknown layout '%s'%s; extend a built-in layout or "
                          "a layout file (a path ending in .yaml)", base_name, h);
    g_free(h);
    return NULL;
  }
  if (extends_depth >= MAX_EXTENDS_DEPTH) {
    ERR(b, extends->mark, "layouts extend each other more than %d deep "
                          "(a cycle?)", MAX_EXTENDS_DEPTH);
    return NULL;
  }
  /* A file is beside this layout (under the root, if any: confine.h). */
  char *base_path = NULL;
  if (is_path_name(base_name)) {
    char *problem = NULL;
    base_path = dp_confine_resolve(dp_settings_root(b->settings), b->dir,
                                   base_name, &problem);
    if (!base_path) {
      ERR(b, extends->mark, "the layout '%s' %s", base_name, problem);
      g_free(problem);
      return NULL;
    }
  }
  extends_depth++;
  int before = dp_diag_get_error_count(b->core.diag);
  /* This layout's changes go first among the base's overlays: a layout
   * extending this one changes the result. */
  GPtrArray *overlays = g_ptr_array_new();
  g_ptr_array_add(overlays, b);
  for (guint i = 0; b->overlays && i < b->overlays->len; i++)
    g_ptr_array_add(overlays, g_ptr_array_index(b->overlays, i));
  dp_layout_model *own = b->m;
  dp_layout_model *base = load(b->core.diag, b->settings,
                               base_path ? base_path : base_name, overlays);
  b->m = own;
  b->styles = NULL;
  g_ptr_array_free(overlays, TRUE);
  extends_depth--;
  g_free(base_path);
  if (!base) {
    if (dp_diag_get_error_count(b->core.diag) == before)
      ERR(b, extends->mark, "cannot read the layout '%s'", base_name);
    return NULL;
  }
  for (size_t i = 0; i < root->count; i++) {
    const char *k = root->children[2 * i]->text;
    const dp_ynode *v = root->children[2 * i + 1];
    if (!strcmp(k, "name")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) {
        g_free(base->name);
        base->name = g_strdup(t);
      }
    } else if (!strcmp(k, "description")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) {
        g_free(base->description);
        base->description = g_strdup(t);
      }
    } else if (!strcmp(k, "impose")) {
      static const char *const names[] = {"none", "saddle-stitch", NULL};
      static const int values[] = {DP_IMPOSE_NONE, DP_IMPOSE_SADDLE_STITCH};
      int x;
      if (dp_bind_choice(&b->core, v, k, names, values, NULL, false, &x))
        base->impose = (dp_imposition)x;
    } else if (!strcmp(k, "outline")) {
      dp_bind_bool(&b->core, v, k, &base->outline);
    } else if (!strcmp(k, "marks")) {
      dp_bind_bool(&b->core, v, k, &base->marks);
    } else if (!strcmp(k, "press")) {
      dp_bind_bool(&b->core, v, k, &base->press);
    } else if (!strcmp(k, "pure-black")) {
      dp_bind_bool(&b->core, v, k, &base->pure_black);
    } else if (!strcmp(k, "pdfa")) {
      dp_bind_bool(&b->core, v, k, &base->pdfa);
    } else if (!strcmp(k, "creep")) {
      bind_creep(b, v, base);
    } else if (!strcmp(k, "hyphenation")) {
      bind_hyphenation(b, v, base);
    } else if (!strcmp(k, "preflight")) {
      bind_preflight(b, v, base);
    }
  }
  bind_press_profile(b, base);
  add_file(base, b->core.file);
  g_free(base->path);
  base->path = g_strdup(b->m->path);
  /* The pages are the base's, unless the bookmarks changed. */
  char *slash = base->compose_key ? strrchr(base->compose_key, '/') : NULL;
  if (slash) {
    *slash = '\0';
    char *key = g_strdup_printf("%s/%d", base->compose_key, base->outline);
    g_free(base->compose_key);
    base->compose_key = key;
  }
  return base;
}

static void bind_root(binder *b) {
  dp_layout_model *m = b->m;
  const dp_ynode *root = b->root;
  dp_mark whole = DP_MARK_FILE(b->core.file);
  if (!root || root->kind != DP_YNODE_MAP) {
    if (root) {
      /* Text is what any file that is not YAML reads as (one named by
       * mistake, or by someone fishing): neither the value nor the line
       * is quoted. */
      bool text = root->kind != DP_YNODE_SEQ;
      ERR(b, text ? whole : root->mark, "a layout must be a map of keys "
          "such as 'layout', 'page' and 'sequence', not %s",
          text ? "text" : "a list");
    } else {
      ERR(b, whole, "the layout is empty");
    }
    return;
  }
  static const char *const keys[] = {
      "layout",  "name",    "description", "page",   "pages",
      "impose",  "outline", "marks",       "creep",   "colours", "styles",
      "templates", "flows", "sequence",    "extends", "preflight", "fonts",
      "font-folders", "press", "pure-black", "press-profile",
      "press-condition", "pdfa", "min-text-size", "hyphenation", NULL};
  const dp_ynode *extends = dp_ynode_map_get(root, "extends");
  if (extends) {
    if (!dp_ynode_map_get(root, "layout"))
      ERR(b, whole, "the layout has no 'layout: 1' (the format version)");
    b->extended = bind_extension(b, extends);
    return;
  }
  dp_bind_check_keys(&b->core, root, keys, "the layout");
  if (!dp_ynode_map_get(root, "layout"))
    ERR(b, whole, "the layout has no 'layout: 1' (the format version)");
  prepass(b);
  bind_press_profile(b, m);

  for (size_t i = 0; i < root->count; i++) {
    const char *k = root->children[2 * i]->text;
    const dp_ynode *v = root->children[2 * i + 1];
    if (!strcmp(k, "layout")) {
      if (v->kind != DP_YNODE_SCALAR || strcmp(v->text, "1") != 0) {
        char *d = dp_bind_describe(v);
        ERR(b, v->mark, "unsupported layout format %s: this disputas reads "
                        "'layout: 1'", d);
        g_free(d);
      }
    } else if (!strcmp(k, "name")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) {
        g_free(m->name);
        m->name = g_strdup(t);
      }
    } else if (!strcmp(k, "description")) {
      const char *t = dp_bind_text(&b->core, v, k);
      if (t) m->description = g_strdup(t);
    } else if (!strcmp(k, "page")) {
      bind_page(b, v);
    } else if (!strcmp(k, "pages")) {
      bind_pages(b, v);
    } else if (!strcmp(k, "impose")) {
      static const char *const names[] = {"none", "saddle-stitch", NULL};
      static const int values[] = {DP_IMPOSE_NONE, DP_IMPOSE_SADDLE_STITCH};
      int x;
      if (dp_bind_choice(&b->core, v, k, names, values, NULL, false, &x))
        m->impose = (dp_imposition)x;
    } else if (!strcmp(k, "outline")) {
      dp_bind_bool(&b->core, v, k, &m->outline);
    } else if (!strcmp(k, "marks")) {
      dp_bind_bool(&b->core, v, k, &m->marks);
    } else if (!strcmp(k, "press")) {
      dp_bind_bool(&b->core, v, k, &m->press);
    } else if (!strcmp(k, "pure-black")) {
      dp_bind_bool(&b->core, v, k, &m->pure_black);
    } else if (!strcmp(k, "pdfa")) {
      dp_bind_bool(&b->core, v, k, &m->pdfa);
    } else if (!strcmp(k, "creep")) {
      bind_creep(b, v, m);
    } else if (!strcmp(k, "hyphenation")) {
      bind_hyphenation(b, v, m);
    } else if (!strcmp(k, "preflight")) {
      bind_preflight(b, v, m);
    } else if (!strcmp(k, "min-text-size")) {
      dp_bind_length(&b->core, v, k, false, &m->min_text_size);
    } else if (!strcmp(k, "colours")) {
      bind_colours(b, v);
    } else if (!strcmp(k, "styles")) {
      if (v->kind != DP_YNODE_MAP) continue;
      GPtrArray *chain = g_ptr_array_new();
      for (size_t j = 0; j < m->style_count; j++)
        layout_style_resolve(b, &b->styles[j], chain);
      g_ptr_array_free(chain, TRUE);
    } else if (!strcmp(k, "templates")) {
      bind_templates(b, v);
    } else if (!strcmp(k, "flows")) {
      bind_flows(b, v);
    } else if (!strcmp(k, "sequence")) {
      bind_sequence(b, v);
    }
  }
  if (!dp_ynode_map_get(root, "sequence"))
    ERR(b, whole, "the layout has no 'sequence' (the list of pages to make)");
  check_made_refs(b);
  /* What the layouts extending this one change (their styles changed
   * with this layout's: layout_style_resolve). */
  for (guint i = 0; b->overlays && i < b->overlays->len; i++) {
    binder *ov = g_ptr_array_index(b->overlays, i);
    const dp_ynode *colours = overlay_map(ov, "colours");
    for (size_t k = 0; colours && k < colours->count; k++) {
      const dp_ynode *key = colours->children[2 * k];
      for (size_t j = 0; j < m->colour_count; j++)
        if (!strcmp(m->colours[j].name, key->text))
          bind_colour_value(ov, key, colours->children[2 * k + 1],
                            &m->colours[j]);
    }
    const dp_ynode *v;
    if ((v = dp_ynode_map_get(ov->root, "page"))) bind_page(ov, v);
    if ((v = dp_ynode_map_get(ov->root, "pages"))) bind_pages(ov, v);
  }
  /* No text below the layout's minimum, however it is set. */
  for (size_t i = 0; m->min_text_size > 0 && i < m->style_count; i++) {
    const dp_style *s = m->styles[i];
    bool sized = !b->styles[i].character || (s->set & DP_STYLE_SIZE);
    if (sized && s->size < m->min_text_size - 1e-6)
      ERR(b, s->mark, "style '%s' is %gpt, below the layout's "
                      "min-text-size of %gpt", s->name, s->size,
          m->min_text_size);
  }
}

/* (transfer full) "poster" for "layouts/poster.yaml". */
static char *stem_of(const char *path) {
  char *base = g_path_get_basename(path);
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  return base;
}

static dp_layout_model *bind(dp_diag *diag, const dp_settings *settings,
                             const char *name, const char *text,
                             size_t length, const char *model_path,
                             const char *dir, GPtrArray *overlays) {
  int errors = dp_diag_get_error_count(diag);
  dp_ytree *tree = dp_ytree_parse(diag, name, text, length);
  if (!tree) return NULL;
  binder b = {0};
  b.settings = settings;
  b.dir = dir;
  dp_binder_init(&b.core, diag, dp_ytree_get_name(tree), text, length);
  b.templates_diag = dp_diag_new();
  dp_diag_set_print(b.templates_diag, false);
  dp_diag_set_callback(b.templates_diag, on_template_diagnostic, &b);
  b.root = dp_ytree_get_root(tree);
  b.overlays = overlays;
  dp_layout_model *m = g_new0(dp_layout_model, 1);
  b.m = m;
  m->path = g_strdup(model_path);
  m->name = stem_of(model_path);
  m->mark = (dp_mark){b.core.file, 1, 1, 0};
  m->page_width = 210 * DP_PT_PER_MM;
  m->page_height = 297 * DP_PT_PER_MM;
  m->pages_multiple = 1;
  m->pure_black = true;
  m->preflight_min_text_size = 6; /* points */
  add_file(m, b.core.file);
  bind_root(&b);
  if (b.extended) {
    dp_layout_model_free(m);
    m = b.extended;
  } else {
    /* The pages depend on the overlays' changes too. */
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)text, (gssize)length);
    for (guint i = 0; overlays && i < overlays->len; i++) {
      const binder *ov = g_ptr_array_index(overlays, i);
      g_checksum_update(sum, (const guchar *)ov->core.text,
                        (gssize)ov->core.length);
    }
    char *digest = g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    m->compose_key = g_strdup_printf("%s/%d", digest, m->outline);
    g_free(digest);
  }
  dp_bind_flush(&b.core);
  dp_binder_clear(&b.core);
  if (b.made_refs) g_array_free(b.made_refs, TRUE);
  dp_diag_free(b.templates_diag);
  g_free(b.styles);
  dp_ytree_free(tree);
  if (dp_diag_get_error_count(diag) > errors) {
    dp_layout_model_free(m);
    return NULL;
  }
  return m;
}

dp_layout_model *dp_layout_model_load_data(dp_diag *diag,
                                           const dp_settings *settings,
                                           const char *name,
                                           const char *text, size_t length) {
  return bind(diag, settings, name, text, length, name, NULL, NULL);
}

static bool is_path_name(const char *s) {
  return strchr(s, '/') || g_str_has_suffix(s, ".yaml") ||
         g_str_has_suffix(s, ".yml");
}

dp_layout_model *dp_layout_model_load(dp_diag *diag,
                                      const dp_settings *settings,
                                      const char *name_or_path) {
  return load(diag, settings, name_or_path, NULL);
}

static dp_layout_model *load(dp_diag *diag, const dp_settings *settings,
                             const char *name_or_path, GPtrArray *overlays) {
  char *path;
  if (is_path_name(name_or_path)) {
    path = g_strdup(name_or_path);
  } else if (dp_bind_in_list(name_or_path, dp_builtin_layouts)) {
    char *file = g_strconcat(name_or_path, ".yaml", NULL);
    path = dp_settings_data_path(settings, "layouts", file, NULL);
    g_free(file);
  } else {
    char *h = dp_bind_hint(name_or_path, dp_builtin_layouts);
    char *list = dp_bind_alternatives(dp_builtin_layouts);
    dp_error(diag, DP_MARK_FILE(NULL),
        "unknown layout '%s'%s; give a built-in layout (%s) or a path to a "
        "layout file",
        name_or_path, h, list);
    g_free(list);
    g_free(h);
    return NULL;
  }
  /* Read here rather than with dp_ytree_load_file: the binder wants the
   * text to tell quoted scalars (for the columns of templates). */
  size_t length;
  char *text = dp_ytree_read_file(diag, path, &length);
  dp_layout_model *m = NULL;
  char *dir = g_path_get_dirname(path);
  if (text)
    m = bind(diag, settings, path, text, length,
             is_path_name(name_or_path) ? path : name_or_path, dir, overlays);
  g_free(dir);
  g_free(text);
  g_free(path);
  return m;
}

static void flow_free(dp_flow *f) {
  if (!f) return;
  g_free(f->name);
  layout_items_free(f->items, f->count);
  g_free(f);
}

static void template_free(dp_page_template *t) {
  if (!t) return;
  g_free(t->name);
  for (size_t i = 0; i < t->frame_count; i++) frame_free(t->frames[i]);
  g_free(t->frames);
  g_free(t);
}

void dp_layout_model_free(dp_layout_model *m) {
  if (!m) return;
  g_free(m->name);
  g_free(m->description);
  g_free(m->path);
  g_free(m->compose_key);
  for (size_t i = 0; i < m->style_count; i++) layout_style_free(m->styles[i]);
  g_free(m->styles);
  for (size_t i = 0; i < m->colour_count; i++) {
    g_free(m->colours[i].name);
    dp_template_free(m->colours[i].value);
  }
  g_free(m->colours);
  for (size_t i = 0; i < m->font_count; i++) {
    g_free(m->fonts[i].name);
    g_free(m->fonts[i].family);
  }
  g_free(m->fonts);
  for (size_t i = 0; i < m->font_folder_count; i++)
    g_free(m->font_folders[i].path);
  g_free(m->font_folders);
  dp_press_profile_free(m->press_profile);
  g_strfreev(m->files);
  for (size_t i = 0; i < m->template_count; i++) template_free(m->templates[i]);
  g_free(m->templates);
  for (size_t i = 0; i < m->flow_count; i++) flow_free(m->flows[i]);
  g_free(m->flows);
  for (size_t i = 0; i < m->sequence_count; i++) {
    g_free(m->sequence[i].flow);
    layout_condition_clear(&m->sequence[i].condition);
  }
  g_free(m->sequence);
  g_free(m);
}

const dp_style *dp_layout_model_get_style(const dp_layout_model *layout,
                                          const char *name) {
  for (size_t i = 0; i < layout->style_count; i++)
    if (strcmp(layout->styles[i]->name, name) == 0) return layout->styles[i];
  return NULL;
}

const dp_frame *dp_page_template_get_frame(const dp_page_template *tmpl,
                                           const char *name) {
  for (size_t i = 0; i < tmpl->frame_count; i++)
    if (tmpl->frames[i]->name && strcmp(tmpl->frames[i]->name, name) == 0)
      return tmpl->frames[i];
  return NULL;
}
