/* preflight: see preflight.h.
 *
 * One pass over each page's display list.  Text draws are inspected once
 * (their inked box, smallest size and fonts, through text.c); a QR code
 * is then compared with everything drawn after it on its page.  A problem
 * is keyed by what it is and where the layout made it, so a template
 * repeated on twenty pages reports once, at its first page.
 */
#include "preflight.h"

#include <glib.h>
#include <math.h>

#include "image.h"
#include "plugin.h"
#include "text.h"

/* Closer than this (points) is touching. */
#define EPS 0.01
#define PT_PER_MM (72 / 25.4)

typedef struct checker {
  dp_diag *diag;
  const dp_pageset *set;
  const dp_layout_model *layout;
  GHashTable *reported; /* problem keys */
  int count;
  bool all;             /* every check, or the text size alone */
  const dp_preflight_options *options;
} checker;

typedef struct box {
  double x0, y0, x1, y1;
} box;

/* True the first time the problem `what` at `mark` (and `extra`) comes
 * up. */
static bool first_time(checker *k, const char *what, dp_mark mark,
                       const char *extra) {
  char *key = g_strdup_printf("%s|%s:%d:%d|%s", what,
                              mark.file ? mark.file : "", mark.line,
                              mark.column, extra ? extra : "");
  return g_hash_table_add(k->reported, key);
}

static bool has_file(dp_mark mark) { return mark.file != NULL; }

/* Where a problem with the placing of `d` is reported: its item in the
 * layout, with a note at its frame, or, for text from the document (a
 * Markdown field, marked in another file than its frame), the frame, with
 * a note at the text. */
static dp_mark placed_at(const dp_draw *d, bool *from_document) {
  *from_document = has_file(d->frame_mark) && has_file(d->mark) &&
                   d->frame_mark.file != d->mark.file;
  return *from_document ? d->frame_mark : d->mark;
}

static void note_placing(checker *k, const dp_draw *d, bool from_document) {
  if (from_document)
    dp_diag_report(k->diag, DP_SEVERITY_NOTE, d->mark,
                   "the text comes from here");
  else if (has_file(d->frame_mark) && d->frame_mark.line != d->mark.line)
    dp_diag_report(k->diag, DP_SEVERITY_NOTE, d->frame_mark,
                   "in this frame");
}

static bool overlap(box a, box b) {
  return MIN(a.x1, b.x1) - MAX(a.x0, b.x0) > EPS &&
         MIN(a.y1, b.y1) - MAX(a.y0, b.y0) > EPS;
}

/* What a draw covers: the inked box of text, else its own box. */
static box extent(const dp_draw *d, const dp_para_ink *ink) {
  if (d->kind == DP_DRAW_TEXT) return (box){ink->x0, ink->y0, ink->x1, ink->y1};
  return (box){d->x, d->y, d->x + d->width, d->y + d->height};
}

/* ---- Text ----------------------------------------------------------- */

/* Press output: text in an RGB black prints in four inks, unless pure
 * black sets it in one: it does every grey whose R, G and B are equal
 * (cairo writes equal components alike; qpdf-content.h). */
static void check_black(checker *k, const dp_draw *d, int page) {
  dp_colour c = d->style->colour;
  double high = MAX(c.r, MAX(c.g, c.b)), low = MIN(c.r, MIN(c.g, c.b));
  if (c.a <= 0 || high > DP_PREFLIGHT_BLACKISH + 1e-9 ||
      high - low > DP_PREFLIGHT_NEUTRAL + 1e-9)
    return;
  bool grey = c.r == c.g && c.g == c.b;
  if (grey && k->options->pure_black) return; /* one ink already */
  char hex[8];
  g_snprintf(hex, sizeof hex, "#%02x%02x%02x", (int)lround(c.r * 255),
             (int)lround(c.g * 255), (int)lround(c.b * 255));
  /* Once a colour, at the first style in it. */
  if (!first_time(k, "rich-black", DP_MARK_FILE(NULL), hex)) return;
  dp_mark at = has_file(d->style->mark) ? d->style->mark : d->mark;
  /* The colour's name, when the style names one ("ink"). */
  const char *name = d->style->colour_name;
  bool named = name && *name && *name != '#';
  dp_warning(k->diag, at,
             "text in style '%s' (page %d) is %s%s%s%s, an RGB black: press "
             "output prints it as four-colour (rich) black, which blurs "
             "small type when the plates shift; %s",
             d->style->name ? d->style->name : "?", page,
             named ? "'" : "", named ? name : "", named ? "' " : "", hex,
             grey ? "pure-black: true sets it in black ink alone"
                  : "a grey (equal red, green and blue) prints in black ink "
                    "alone (pure-black)");
  k->count++;
}

static void check_text(checker *k, const dp_draw *d, int page,
                       const dp_para_ink *ink) {
  dp_mark style_mark =
      d->style && has_file(d->style->mark) ? d->style->mark : d->mark;
  const char *style = d->style && d->style->name ? d->style->name : "?";
  /* Once per font, at the first style that uses it. */
  if (k->all && ink->font_problem &&
      first_time(k, "font", DP_MARK_FILE(NULL), ink->font_problem)) {
    dp_warning(k->diag, style_mark,
               "cannot embed the font %s (first used in style '%s', page %d)",
               ink->font_problem, style, page);
    k->count++;
  }
  /* The layout's minimum with preflight, never below the one that holds
   * always; the message names the setting that made it. */
  double layout_min = k->layout->preflight_min_text_size;
  bool by_layout = k->all && layout_min >= DP_PREFLIGHT_ALWAYS_MIN_TEXT;
  double min = by_layout ? layout_min : DP_PREFLIGHT_ALWAYS_MIN_TEXT;
  if (ink->smallest_size > 0 && ink->smallest_size < min - 0.005) {
    char *size = g_strdup_printf("%.2f", ink->smallest_size);
    if (first_time(k, "size", style_mark, size)) {
      /* Smaller than the style says: its frame shrank it to fit. */
      char *shrunk =
          d->style && d->style->size > ink->smallest_size + 0.005
              ? g_strdup_printf(" (shrunk from %.1f pt to fit its frame)",
                                d->style->size)
              : g_strdup("");
      dp_warning(k->diag, style_mark,
                 "text in style '%s' is set at %.1f pt on page %d%s, below "
                 "the %.1f pt minimum for print%s",
                 style, ink->smallest_size, page, shrunk, min,
                 by_layout ? " (preflight: min-text-size)" : "");
      g_free(shrunk);
      k->count++;
    }
    g_free(size);
  }
  if (k->all && k->options->press && d->style) check_black(k, d, page);
  if (!k->all || ink->x1 < ink->x0) return; /* no ink */
  double w = k->set->width, h = k->set->height;
  const char *edge = NULL;
  double by = 0;
  if (ink->x0 < -EPS) edge = "left", by = -ink->x0;
  else if (ink->x1 > w + EPS) edge = "right", by = ink->x1 - w;
  else if (ink->y0 < -EPS) edge = "top", by = -ink->y0;
  else if (ink->y1 > h + EPS) edge = "bottom", by = ink->y1 - h;
  bool from_document;
  dp_mark at = placed_at(d, &from_document);
  if (edge && first_time(k, "trim", d->mark, NULL)) {
    dp_warning(k->diag, at,
               "text on page %d crosses the trim's %s edge by %.1f mm: it "
               "would be cut",
               page, edge, by / PT_PER_MM);
    note_placing(k, d, from_document);
    k->count++;
  }
}

/* ---- Images and QR codes -------------------------------------------- */

/* Press output: what the print shop does with an image's colours. */
static void check_image_colour(checker *k, const dp_draw *d, int page,
                               const dp_image_info *info) {
  bool rgb = info->components == 3;
  bool guess = info->components == 4 && !info->has_profile &&
               k->options->output_components != 4;
  if ((!rgb && !guess) || !first_time(k, "colour", d->mark, d->image_path))
    return;
  if (rgb) {
    /* Cairo embeds a PNG's pixels without its profile. */
    char *profile =
        !info->has_profile ? g_strdup("no profile, assumed sRGB")
        : info->format == DP_IMAGE_PNG
            ? g_strdup_printf("profile '%s', which the PDF does not keep: "
                              "taken as sRGB",
                              *info->profile ? info->profile : "unnamed")
        : *info->profile ? g_strdup_printf("profile '%s'", info->profile)
                         : g_strdup("an unnamed profile");
    dp_diag_report(k->diag, DP_SEVERITY_NOTE, d->mark,
                   "the image '%s' on page %d is RGB (%s): the print shop "
                   "converts it to the press's colours",
                   d->image_path, page, profile);
    g_free(profile);
  } else {
    dp_warning(k->diag, d->mark,
               "the image '%s' on page %d is CMYK without a colour profile: "
               "for press output to %s its colours are a guess; embed the "
               "profile it was separated for, or use an RGB image",
               d->image_path, page,
               k->options->output_components == 1 ? "grey" : "RGB (sRGB)");
    k->count++;
  }
  if (has_file(d->source))
    dp_diag_report(k->diag, DP_SEVERITY_NOTE, d->source,
                   "the image is named here");
}

static void check_image(checker *k, const dp_draw *d, int page) {
  dp_image_info info;
  char *error = NULL;
  if (!dp_image_probe(d->image_path, &info, &error)) {
    g_free(error); /* reported when the document was read */
    return;
  }
  if (info.format == DP_IMAGE_SVG || info.width <= 0 || info.height <= 0 ||
      d->width <= 0 || d->height <= 0)
    return;
  if (k->options->press) check_image_colour(k, d, page, &info);
  double dpi = MIN(info.width / (d->width / 72), info.height / (d->height / 72));
  if (dpi >= DP_PREFLIGHT_GOOD_DPI - 0.5 ||
      !first_time(k, "image", d->mark, d->image_path))
    return;
  /* Below 150 dpi it shows its pixels: a warning; below 300, softer than
   * a print shop would like: a note. */
  bool poor = dpi < DP_PREFLIGHT_MIN_DPI - 0.5;
  dp_diag_report(k->diag, poor ? DP_SEVERITY_WARNING : DP_SEVERITY_NOTE,
                 d->mark,
                 "the image '%s' is %.0f dpi as placed on page %d (%d × %d "
                 "pixels over %.0f × %.0f mm); print needs %d dpi%s",
                 d->image_path, dpi, page, info.width, info.height,
                 d->width / PT_PER_MM, d->height / PT_PER_MM,
                 poor ? DP_PREFLIGHT_MIN_DPI : DP_PREFLIGHT_GOOD_DPI,
                 poor ? "" : " for best results");
  if (has_file(d->source))
    dp_diag_report(k->diag, DP_SEVERITY_NOTE, d->source,
                   "the image is named here");
  if (poor) k->count++;
}

/* Draw `i` of `page` is a QR code: its modules, and its quiet zone
 * against the trim and against everything drawn after it (what is drawn
 * before lies under the code's own light square). */
static void check_qr(checker *k, const dp_page *page, size_t i,
                     const dp_para_ink *inks, int number) {
  const dp_draw *d = &page->draws[i];
  int modules = d->qr->size + 2 * DP_QR_QUIET_ZONE;
  double module = d->width / modules;
  if (module < DP_PREFLIGHT_MIN_QR_MODULE - 1e-6 &&
      first_time(k, "qr-module", d->mark, NULL)) {
    dp_warning(k->diag, d->mark,
               "the QR code's modules are %.2f mm on page %d, below %.1f mm: "
               "make it at least %.1f mm wide (size)",
               module / PT_PER_MM, number,
               DP_PREFLIGHT_MIN_QR_MODULE / PT_PER_MM,
               ceil(DP_PREFLIGHT_MIN_QR_MODULE * d->qr->size / PT_PER_MM * 10) / 10);
    k->count++;
  }
  box code = {d->x, d->y, d->x + d->width, d->y + d->height};
  if ((code.x0 < -EPS || code.y0 < -EPS || code.x1 > k->set->width + EPS ||
       code.y1 > k->set->height + EPS) &&
      first_time(k, "qr-trim", d->mark, NULL)) {
    dp_warning(k->diag, d->mark,
               "the QR code's quiet zone is cut by the trim on page %d",
               number);
    k->count++;
  }
  for (size_t j = i + 1; j < page->count; j++) {
    const dp_draw *other = &page->draws[j];
    if (!overlap(code, extent(other, &inks[j]))) continue;
    char *where = g_strdup_printf("%s:%d:%d", other->mark.file ? other->mark.file : "",
                                  other->mark.line, other->mark.column);
    bool first = first_time(k, "qr-cover", d->mark, where);
    g_free(where);
    if (!first) continue;
    dp_warning(k->diag, d->mark,
               "the QR code's quiet zone is covered on page %d by what is "
               "drawn after it",
               number);
    if (has_file(other->mark))
      dp_diag_report(k->diag, DP_SEVERITY_NOTE, other->mark,
                     "this is drawn over it");
    k->count++;
  }
}

/* ---- Backgrounds and the bleed -------------------------------------- */

static void check_background(checker *k, const dp_page *page,
                             const dp_draw *d, int number) {
  double b = k->set->bleed;
  if (b <= EPS || !d->has_fill || d->fill.a <= 0 || d->width <= EPS ||
      d->height <= EPS)
    return;
  /* Facing pages (booklets) meet at the spine, where nothing bleeds. */
  bool facing = k->layout->impose == DP_IMPOSE_SADDLE_STITCH ||
                k->layout->pages_multiple % 2 == 0;
  double w = k->set->width, h = k->set->height;
  /* The spine is on the left of odd pages, or of even ones when the
   * booklet is bound on the right (right to left). */
  bool spine_left = page->verso == k->set->rtl;
  struct {
    const char *edge;
    bool touches, spine;
  } edges[] = {
      {"left", fabs(d->x) < EPS, facing && spine_left},
      {"right", fabs(d->x + d->width - w) < EPS, facing && !spine_left},
      {"top", fabs(d->y) < EPS, false},
      {"bottom", fabs(d->y + d->height - h) < EPS, false},
  };
  for (size_t e = 0; e < G_N_ELEMENTS(edges); e++) {
    if (!edges[e].touches || edges[e].spine ||
        !first_time(k, "bleed", d->mark, edges[e].edge))
      continue;
    dp_warning(k->diag, d->mark,
               "this background stops at the trim's %s edge on page %d: "
               "with a bleed of %.1f mm it should run into it (%s: "
               "%s(bleed))",
               edges[e].edge, number, b / PT_PER_MM, edges[e].edge,
               edges[e].edge);
    k->count++;
  }
}

/* ---- The pass ------------------------------------------------------- */

int dp_preflight(dp_diag *diag, const dp_pageset *set,
                 const dp_layout_model *layout,
                 const dp_preflight_options *options) {
  bool all = options->all;
  checker k = {diag, set, layout,
               g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
               0, all, options};
  for (size_t p = 0; p < set->page_count; p++) {
    const dp_page *page = &set->pages[p];
    int number = (int)p + 1;
    dp_para_ink *inks = g_new0(dp_para_ink, page->count + 1);
    for (size_t i = 0; i < page->count; i++) {
      const dp_draw *d = &page->draws[i];
      if (d->kind == DP_DRAW_TEXT)
        dp_para_inspect(d->para, d->x, d->y, d->first_line, d->line_count,
                        &inks[i]);
    }
    for (size_t i = 0; i < page->count; i++) {
      const dp_draw *d = &page->draws[i];
      if (!all && d->kind != DP_DRAW_TEXT) continue;
      switch (d->kind) {
        case DP_DRAW_TEXT: check_text(&k, d, number, &inks[i]); break;
        case DP_DRAW_IMAGE: check_image(&k, d, number); break;
        case DP_DRAW_QR: check_qr(&k, page, i, inks, number); break;
        case DP_DRAW_BOX: check_background(&k, page, d, number); break;
      }
    }
    for (size_t i = 0; i < page->count; i++) g_free(inks[i].font_problem);
    g_free(inks);
  }
  g_hash_table_destroy(k.reported);
  return k.count;
}

/* ---- The summary ---------------------------------------------------- */

void dp_preflight_measure(const dp_pageset *set, double *smallest_text,
                          double *lowest_dpi) {
  *smallest_text = 0;
  *lowest_dpi = 0;
  for (size_t p = 0; p < set->page_count; p++) {
    const dp_page *page = &set->pages[p];
    for (size_t i = 0; i < page->count; i++) {
      const dp_draw *d = &page->draws[i];
      if (d->kind == DP_DRAW_TEXT) {
        dp_para_ink ink;
        dp_para_inspect(d->para, d->x, d->y, d->first_line, d->line_count,
                        &ink);
        g_free(ink.font_problem);
        if (ink.smallest_size > 0 &&
            (*smallest_text == 0 || ink.smallest_size < *smallest_text))
          *smallest_text = ink.smallest_size;
      } else if (d->kind == DP_DRAW_IMAGE) {
        dp_image_info info;
        char *error = NULL;
        bool ok = dp_image_probe(d->image_path, &info, &error);
        g_free(error);
        if (!ok || info.format == DP_IMAGE_SVG || info.width <= 0 ||
            info.height <= 0 || d->width <= 0 || d->height <= 0)
          continue;
        double dpi = MIN(info.width / (d->width / 72),
                         info.height / (d->height / 72));
        if (*lowest_dpi == 0 || dpi < *lowest_dpi) *lowest_dpi = dpi;
      }
    }
  }
}

void dp_preflight_report_summary(dp_diag *diag, dp_mark at,
                                 const dp_preflight_summary *s) {
  static const struct {
    unsigned bit;
    const char *name;
  } spaces[] = {
      {DP_PDF_SPACE_GRAY, "DeviceGray"},
      {DP_PDF_SPACE_RGB, "DeviceRGB"},
      {DP_PDF_SPACE_CMYK, "DeviceCMYK"},
      {DP_PDF_SPACE_ICC_GRAY, "ICCBased Gray"},
      {DP_PDF_SPACE_ICC_RGB, "ICCBased RGB"},
      {DP_PDF_SPACE_ICC_CMYK, "ICCBased CMYK"},
      {DP_PDF_SPACE_SEPARATION, "Separation"},
      {DP_PDF_SPACE_OTHER, "other"},
  };
  GString *colour = g_string_new(NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(spaces); i++)
    if (s->spaces & spaces[i].bit)
      g_string_append_printf(colour, "%s%s", colour->len ? ", " : "",
                             spaces[i].name);
  char *bleed = s->bleed > 0 ? g_strdup_printf("%.1f mm", s->bleed / PT_PER_MM)
                             : g_strdup("none");
  char *fonts = s->unembedded == 0
                    ? g_strdup_printf("%d, all embedded", s->fonts)
                    : g_strdup_printf("%d, %d not embedded", s->fonts,
                                      s->unembedded);
  char *text = s->smallest_text > 0
                   ? g_strdup_printf("from %.1f pt", s->smallest_text)
                   : g_strdup("none");
  char *images = s->lowest_dpi > 0
                     ? g_strdup_printf("from %.0f dpi", floor(s->lowest_dpi))
                     : g_strdup("none");
  dp_diag_report(diag, DP_SEVERITY_NOTE, at,
                 "preflight summary of %s: %zu page%s; trim %.1f x %.1f mm; "
                 "bleed %s; colour %s; fonts %s; text %s; images %s",
                 s->product ? s->product : "?", s->pages,
                 s->pages == 1 ? "" : "s", s->trim_width / PT_PER_MM,
                 s->trim_height / PT_PER_MM, bleed,
                 colour->len ? colour->str : "none", fonts, text, images);
  g_free(images);
  g_free(text);
  g_free(fonts);
  g_free(bleed);
  g_string_free(colour, TRUE);
}
