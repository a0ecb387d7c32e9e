/* text-fonts: the font maps of a dp_text, built from the bundled
 * fonts/fonts.conf, and whether the bundled fonts alone can set a
 * paragraph.  See text.h and text-private.h.
 */
#include "text.h"

#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "settings.h"
#include "text-private.h"

/* ------------------------------------------------------------------ */
/* Font map                                                             */
/* ------------------------------------------------------------------ */

/* A Pango context of `config` (which it takes), at 72 dpi: one point is
 * one unit of user space (the default is 96). */
static bool fonts_init(fonts *f, FcConfig *config) {
  f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  if (!f->map) {
    FcConfigDestroy(config);
    return false;
  }
  /* The font map takes its own reference; the global default config is
   * never touched, so dp_texts in different threads are independent.
   * The config goes first: each of these calls clears Pango's caches and
   * lists the fonts of the font map's configuration again. */
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), config);
  FcConfigDestroy(config);
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(f->map), 72.0);
  f->context = pango_font_map_create_context(f->map);
  /* Unhinted, unrounded metrics: a layout measures the same whatever
   * surface it is later drawn on.  pango_cairo_update_context() is never
   * called, so the target surface's options never leak in. */
  cairo_font_options_t *options = cairo_font_options_create();
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(f->context, options);
  cairo_font_options_destroy(options);
  pango_cairo_context_set_resolution(f->context, 72.0);
  pango_context_set_round_glyph_positions(f->context, FALSE);
  return true;
}

/* A configuration without fonts, built once. */
static FcConfig *empty_config(void) {
  static FcConfig *empty;
  static gsize initialised;
  if (g_once_init_enter(&initialised)) {
    empty = FcConfigCreate();
    FcConfigBuildFonts(empty);
    g_once_init_leave(&initialised, 1);
  }
  return empty;
}

static void fonts_clear(fonts *f) {
  if (f->context) g_object_unref(f->context);
  if (f->map) {
    /* Pango 1.50.12's font map never drops its reference to its FcConfig
     * (finalize forgets it), which would leak the whole configuration and
     * its font sets.  Setting another releases it.  Not NULL: Pango would
     * then list the fonts of the default configuration (the system's,
     * thousands of them) only to throw them away; an empty one costs
     * nothing, and stays referenced for good.  (pango_fc_font_map_shutdown()
     * first would skip the listing, but leaks Pango's cached patterns.) */
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), empty_config());
    g_object_unref(f->map);
  }
  *f = (fonts){NULL, NULL};
}

/* fonts.conf, built: with every font it names, or (`bundled_only`) with
 * only those of its own folder. */
static FcConfig *config_load(const char *conf, const char *dir,
                               bool bundled_only, const GPtrArray *folders) {
  FcConfig *config = FcConfigCreate();
  if (!config) return NULL;
  bool ok = FcConfigParseAndLoad(config, (const FcChar8 *)conf, FcTrue);
  for (guint i = 0; ok && !bundled_only && folders && i < folders->len; i++) {
    /* Accepted by path: fonts.conf rejects the system's folders, where
     * Debian's font packages put their fonts. */
    const char *folder = g_ptr_array_index(folders, i);
    char *rules = g_markup_printf_escaped(
        "<fontconfig><dir>%s</dir><selectfont>"
        "<acceptfont><glob>%s/*</glob></acceptfont>"
        "</selectfont></fontconfig>",
        folder, folder);
    ok = FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)rules,
                                        FcTrue);
    g_free(rules);
  }
  if (ok && bundled_only) {
    /* Everything outside the bundled folder is rejected, system folders
     * included: fontconfig does not even read their caches. */
    char *rules = g_markup_printf_escaped(
        "<fontconfig><selectfont>"
        "<acceptfont><glob>%s/*</glob></acceptfont>"
        "<rejectfont><glob>*</glob></rejectfont>"
        "</selectfont></fontconfig>",
        dir);
    ok = FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)rules,
                                        FcTrue);
    g_free(rules);
  }
  if (!ok || !FcConfigBuildFonts(config)) {
    FcConfigDestroy(config);
    return NULL;
  }
  return config;
}

/* A family name as fontconfig compares them: case and blanks ignored. */
static char *fold_family(const char *family) {
  GString *out = g_string_new(NULL);
  for (const char *c = family; *c; c++)
    if (*c != ' ') g_string_append_c(out, g_ascii_tolower(*c));
  return g_string_free(out, FALSE);
}

/* Records what the bundled fonts cover and what they are called. */
static bool survey_bundled(dp_text *text, FcConfig *config) {
  FcFontSet *fonts = FcConfigGetFonts(config, FcSetSystem);
  if (!fonts || fonts->nfont == 0) return false;
  text->families = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < fonts->nfont; i++) {
    FcChar8 *family;
    for (int k = 0; FcPatternGetString(fonts->fonts[i], FC_FAMILY, k,
                                       &family) == FcResultMatch; k++)
      g_hash_table_add(text->families, fold_family((const char *)family));
    FcCharSet *charset;
    if (FcPatternGetCharSet(fonts->fonts[i], FC_CHARSET, 0, &charset) !=
        FcResultMatch)
      return false;
    if (!text->coverage) {
      text->coverage = FcCharSetCopy(charset);
    } else {
      FcCharSet *both = FcCharSetIntersect(text->coverage, charset);
      FcCharSetDestroy(text->coverage);
      text->coverage = both;
    }
  }
  return text->coverage != NULL;
}

dp_text *dp_text_new(dp_diag *diag, const dp_settings *settings) {
  dp_text *text = g_new0(dp_text, 1);
  text->diag = diag;
  text->datadir = g_strdup(dp_settings_datadir(settings));
  char *conf = settings && settings->font_config
                   ? g_strdup(settings->font_config)
                   : dp_settings_data_path(settings, "fonts", "fonts.conf",
                                           NULL);
  dp_mark mark = DP_MARK_FILE(diag ? dp_diag_intern(diag, conf) : conf);
  /* Fontconfig resolves a relative path against /etc/fonts. */
  text->conf = realpath(conf, NULL);
  if (!text->conf) {
    if (diag)
      dp_error(diag, mark, "cannot open the bundled font configuration: %s",
               g_strerror(errno));
    goto fail;
  }
  text->conf_dir = g_path_get_dirname(text->conf);
  FcConfig *config = config_load(text->conf, text->conf_dir, true, NULL);
  if (!config) {
    if (diag)
      dp_error(diag, mark, "cannot load the bundled font configuration");
    goto fail;
  }
  if (!survey_bundled(text, config)) {
    FcConfigDestroy(config);
    if (diag)
      dp_error(diag, mark, "the bundled font configuration finds no fonts");
    goto fail;
  }
  if (!fonts_init(&text->bundled, config)) {
    if (diag) dp_error(diag, mark, "cairo has no FreeType font support");
    goto fail;
  }
  text->samples = g_hash_table_new(NULL, NULL);
  text->metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  text->patterns_checked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            NULL);
  text->patterns_told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              NULL);
  text->hyphen = dp_hyphen_new(settings ? settings->hyphen_dir : NULL,
                               settings ? settings->cache_dir : NULL);
  /* The context's font folders, as a layout's font-folders are. */
  for (char **d = settings ? settings->font_dirs : NULL; d && *d; d++)
    dp_text_add_font_folder(text, *d);
  g_free(conf);
  return text;

fail:
  dp_text_free(text);
  g_free(conf);
  return NULL;
}

void dp_text_free(dp_text *text) {
  if (!text) return;
  text_measures_clear(text); /* before the fonts it references */
  fonts_clear(&text->bundled);
  fonts_clear(&text->full);
  if (text->coverage) FcCharSetDestroy(text->coverage);
  if (text->families) g_hash_table_destroy(text->families);
  if (text->samples) g_hash_table_destroy(text->samples);
  if (text->metrics) g_hash_table_destroy(text->metrics);
  if (text->patterns_checked) g_hash_table_destroy(text->patterns_checked);
  if (text->patterns_told) g_hash_table_destroy(text->patterns_told);
  dp_hyphen_free(text->hyphen);
  dp_typography_free(text->typography);
  if (text->folders) g_ptr_array_free(text->folders, TRUE);
  if (text->known) g_hash_table_destroy(text->known);
  free(text->conf);
  g_free(text->conf_dir);
  g_free(text->datadir);
  g_free(text);
}

bool dp_text_add_font_folder(dp_text *text, const char *folder) {
  if (!text->folders) text->folders = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < text->folders->len; i++)
    if (!strcmp(g_ptr_array_index(text->folders, i), folder)) return false;
  g_ptr_array_add(text->folders, g_strdup(folder));
  /* The full map is built again, with the folder, when next needed
   * (and nothing kept of its context is found again). */
  text_measures_clear(text);
  fonts_clear(&text->full);
  text->full_tried = false;
  g_clear_pointer(&text->known, g_hash_table_destroy);
  g_hash_table_remove_all(text->metrics);
  return true;
}

static bool family_bundled(const dp_text *text, const char *family) {
  char *folded = fold_family(family ? family : DEFAULT_FAMILY);
  bool bundled = g_hash_table_contains(text->families, folded);
  g_free(folded);
  return bundled;
}

/* Generic names fonts.conf gives a family. */
static const char *const generic_families[] = {
    "serif", "sans-serif", "sans", "monospace", "mono", NULL};

/* Every family the full map has, by folded name. */
static GHashTable *known_families(dp_text *text) {
  if (text->known) return text->known;
  text->known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  fonts *full = text_full(text);
  FcConfig *config = pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(full->map));
  FcFontSet *sets[] = {FcConfigGetFonts(config, FcSetSystem),
                       FcConfigGetFonts(config, FcSetApplication)};
  for (size_t s = 0; s < G_N_ELEMENTS(sets); s++)
    for (int i = 0; sets[s] && i < sets[s]->nfont; i++) {
      FcChar8 *family;
      for (int k = 0; FcPatternGetString(sets[s]->fonts[i], FC_FAMILY, k,
                                         &family) == FcResultMatch; k++)
        g_hash_table_replace(text->known,
                             fold_family((const char *)family),
                             g_strdup((const char *)family));
    }
  return text->known;
}

char *dp_text_check_family(dp_text *text, const char *family) {
  char **names = g_strsplit(family, ",", -1);
  char *problem = NULL;
  for (char **n = names; *n && !problem; n++) {
    char *name = g_strstrip(*n);
    if (!*name) continue;
    bool generic = false;
    for (const char *const *g = generic_families; *g; g++)
      generic = generic || !g_ascii_strcasecmp(name, *g);
    if (generic || family_bundled(text, name)) continue;
    GHashTable *known = known_families(text);
    char *folded = fold_family(name);
    bool found = g_hash_table_contains(known, folded);
    g_free(folded);
    if (found) continue;
    /* The closest name, among the families and the generic names. */
    GPtrArray *candidates = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, known);
    while (g_hash_table_iter_next(&it, NULL, &value))
      g_ptr_array_add(candidates, value);
    g_ptr_array_sort(candidates, (GCompareFunc)g_strcmp0);
    g_ptr_array_add(candidates, NULL);
    const char *best = dp_diag_suggest(name, (const char *const *)candidates->pdata);
    problem = best ? g_strdup_printf("unknown font family '%s' (did you "
                                     "mean '%s'?)", name, best)
                   : g_strdup_printf("unknown font family '%s'; name the "
                                     "folder of its files in font-folders "
                                     "(disputas sets text in its own Noto "
                                     "fonts, those in ~/.local/share/fonts "
                                     "and those of font-folders)", name);
    g_ptr_array_free(candidates, TRUE);
  }
  g_strfreev(names);
  return problem;
}

void dp_text_prefetch(dp_text *text, const char *lang) {
  if (text) dp_hyphen_prefetch(text->hyphen, lang);
}

/* The font map with the system's fallback fonts, loaded on first use;
 * the bundled one if it cannot be (fonts.conf loaded once already, so
 * that would take a system without /usr/share/fonts: the same fonts). */
fonts *text_full(dp_text *text) {
  if (!text->full_tried) {
    text->full_tried = true;
    FcConfig *config = config_load(text->conf, text->conf_dir, false,
                                     text->folders);
    if (config && !fonts_init(&text->full, config)) fonts_clear(&text->full);
  }
  return text->full.context ? &text->full : &text->bundled;
}

void *dp_text_get_svg_font_map(dp_text *text) { return text_full(text)->map; }

/* Whether the bundled fonts draw every character of `utf8`. */
static bool is_covered(const dp_text *text, const char *utf8, size_t length) {
  for (const char *c = utf8; c < utf8 + length; c = g_utf8_next_char(c))
    if (!FcCharSetHasChar(text->coverage, g_utf8_get_char(c))) return false;
  return true;
}


/* Whether the bundled font map sets a paragraph exactly as the full one
 * would.  It does when every font description names a bundled family
 * (not a generic name: "serif" binds weakly, so fontconfig may rank a
 * system font for the language first) and the bundled fonts, which all
 * cover the same characters, draw every character: the full map's first
 * font for each description is then the same bundled font (system copies
 * of the bundled families are rejected), and Pango takes every character
 * from it, as the bundled map does.  A paragraph on the line-height grid
 * also asks Pango for the font metrics of its language, which Pango
 * measures on the language's sample text: that must be covered too. */
bool text_bundled_suffices(dp_text *text, const dp_style *style,
                               const span *spans, size_t count,
                               const GString *buf, const char *marker,
                               PangoLanguage *language) {
  if (!family_bundled(text, style->family)) return false;
  for (size_t i = 0; i < count; i++) {
    const dp_style *cs = spans[i].style;
    if (cs) {
      if ((cs->set & DP_STYLE_FAMILY) && !family_bundled(text, cs->family))
        return false;
    } else if (spans[i].kind == DP_SPAN_CODE) {
      return false; /* monospace */
    }
  }
  if (!is_covered(text, buf->str, buf->len)) return false;
  if (marker && !is_covered(text, marker, strlen(marker))) return false;
  if (style->line_height > 0) {
    gpointer known = g_hash_table_lookup(text->samples, language);
    if (!known) {
      const char *sample = pango_language_get_sample_string(language);
      known = GINT_TO_POINTER(is_covered(text, sample, strlen(sample)) ? 1 : 2);
      g_hash_table_insert(text->samples, language, known);
    }
    if (GPOINTER_TO_INT(known) != 1) return false;
  }
  return true;
}
