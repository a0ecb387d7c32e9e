/* floor: the least a disputas run can cost.
 *
 * Loads the bundled fonts as disputas does (text.c): fonts/fonts.conf in a
 * private FcConfig, with everything outside fonts/ rejected, handed to a
 * Pango Cairo font map at 72 dpi; sets one line of text with Pango and
 * shows it on a one-page Cairo PDF surface written to argv[1] (default
 * /dev/null).  bench/run.sh reports every disputas figure as a ratio to
 * this program's time, measured in the same run.  It links only what it
 * uses: GLib, fontconfig, Cairo and Pango.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdbool.h>
#include <stdio.h>

int main(int argc, char **argv) {
  const char *out = argc > 1 ? argv[1] : "/dev/null";
  const char *conf = FLOOR_FONTS_CONF;

  char *dir = g_path_get_dirname(conf);
  char *rules = g_markup_printf_escaped(
      "<fontconfig><selectfont>"
      "<acceptfont><glob>%s/*</glob></acceptfont>"
      "<rejectfont><glob>*</glob></rejectfont>"
      "</selectfont></fontconfig>",
      dir);
  FcConfig *config = FcConfigCreate();
  bool loaded =
      FcConfigParseAndLoad(config, (const FcChar8 *)conf, FcTrue) &&
      FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)rules, FcTrue) &&
      FcConfigBuildFonts(config);
  g_free(rules);
  g_free(dir);
  if (!loaded) {
    fprintf(stderr, "floor: cannot load %s\n", conf);
    return 1;
  }
  PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), config);
  FcConfigDestroy(config);
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
  PangoContext *context = pango_font_map_create_context(map);

  cairo_surface_t *surface = cairo_pdf_surface_create(out, 595.28, 841.89);
  cairo_t *cr = cairo_create(surface);
  PangoLayout *layout = pango_layout_new(context);
  PangoFontDescription *desc =
      pango_font_description_from_string("Noto Serif 24");
  pango_layout_set_font_description(layout, desc);
  pango_layout_set_text(layout, "Public defence: Maren Tollefsen Eide", -1);
  cairo_move_to(cr, 72, 72);
  pango_cairo_show_layout(cr, layout);
  cairo_show_page(cr);
  bool drawn = pango_layout_get_unknown_glyphs_count(layout) == 0;

  pango_font_description_free(desc);
  g_object_unref(layout);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  int status =
      drawn && cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS ? 0 : 1;
  cairo_surface_destroy(surface);
  g_object_unref(context);
  g_object_unref(map);
  return status;
}
