/* The "svg" plugin: SVG images through librsvg (see plugin.h). */
#include <glib.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include "plugin.h"

static RsvgHandle *open_svg(const char *path, char **error) {
  GError *err = NULL;
  RsvgHandle *handle = rsvg_handle_new_from_file(path, &err);
  if (!handle) {
    /* librsvg's XML messages end with a line break. */
    *error = g_strchomp(g_strdup(err ? err->message : "cannot read the SVG image"));
    g_clear_error(&err);
    return NULL;
  }
  rsvg_handle_set_dpi(handle, 72.0);
  return handle;
}

static bool get_size(const char *path, double *width, double *height,
                     char **error) {
  RsvgHandle *handle = open_svg(path, error);
  if (!handle) return false;
  gdouble w = 0, h = 0;
  bool ok = rsvg_handle_get_intrinsic_size_in_pixels(handle, &w, &h);
  if (!ok) {
    /* No width and height: the viewBox gives the proportions. */
    gboolean has_width, has_height, has_viewbox;
    RsvgLength lw, lh;
    RsvgRectangle viewbox;
    rsvg_handle_get_intrinsic_dimensions(handle, &has_width, &lw, &has_height,
                                         &lh, &has_viewbox, &viewbox);
    if (has_viewbox && viewbox.width > 0 && viewbox.height > 0) {
      w = viewbox.width;
      h = viewbox.height;
      ok = true;
    }
  }
  g_object_unref(handle);
  if (!ok || w <= 0 || h <= 0) {
    *error = g_strdup("the SVG image has no size or viewBox");
    return false;
  }
  *width = w;
  *height = h;
  return true;
}

static bool draw(const char *path, cairo_t *cr, double x, double y,
                 double width, double height, void *font_map, char **error) {
  RsvgHandle *handle = open_svg(path, error);
  if (!handle) return false;
  RsvgRectangle viewport = {x, y, width, height};
  GError *err = NULL;
  /* librsvg sets text with the thread's default font map (Pango keeps
   * one per thread), and draws it as outlines: the caller's map, for
   * this drawing only.  Unset after, so that the next default is made
   * afresh rather than kept from a context that may be freed. */
  if (font_map) pango_cairo_font_map_set_default(font_map);
  bool ok = rsvg_handle_render_document(handle, cr, &viewport, &err);
  if (font_map) pango_cairo_font_map_set_default(NULL);
  if (!ok) {
    *error = g_strchomp(g_strdup(err ? err->message : "cannot draw the SVG image"));
    g_clear_error(&err);
  }
  g_object_unref(handle);
  return ok;
}

static const dp_svg_api api = {DP_PLUGIN_VERSION, get_size, draw};

const void *dp_plugin_entry(void);
const void *dp_plugin_entry(void) { return &api; }
