/* Unit tests of the layout binder: lengths, pages, expressions, styles,
 * items, conditions, the sequence, and the built-in layouts. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "layout.h"
#include "richtext.h"
#include "paths.h"

#define MM (72.0 / 25.4)

typedef struct loaded {
  dp_diag *diag;
  dp_layout_model *layout;
  GString *messages;
} loaded;

static void capture(const dp_diagnostic *d, void *user) {
  GString *messages = user;
  g_string_append_printf(messages, "%d:%d: %s\n", d->line, d->column,
                         d->message);
}

static loaded load(const char *text) {
  loaded l;
  l.diag = dp_diag_new();
  l.messages = g_string_new(NULL);
  dp_diag_set_print(l.diag, false);
  dp_diag_set_callback(l.diag, capture, l.messages);
  l.layout = dp_layout_model_load_data(l.diag, NULL, "t.yaml", text, strlen(text));
  return l;
}

static void unload(loaded *l) {
  dp_layout_model_free(l->layout);
  dp_diag_free(l->diag);
  g_string_free(l->messages, TRUE);
}

/* Loads `text`, which must be valid. */
static loaded load_ok(const char *text) {
  loaded l = load(text);
  g_assert_cmpstr(l.messages->str, ==, "");
  g_assert_nonnull(l.layout);
  return l;
}

/* The messages `text` gives; it must be invalid. (transfer full) */
static char *load_errors(const char *text) {
  loaded l = load(text);
  g_assert_null(l.layout);
  char *messages = g_strdup(l.messages->str);
  unload(&l);
  return messages;
}

#define TAIL "templates:\n  one: {frames: []}\nsequence: [one]\n"

static void assert_close(double a, double b) {
  g_assert_cmpfloat(fabs(a - b), <, 1e-6);
}

static void test_lengths(void) {
  double pt = -1;
  g_assert_true(dp_length_parse("12pt", &pt));
  assert_close(pt, 12);
  g_assert_true(dp_length_parse("25.4mm", &pt));
  assert_close(pt, 72);
  g_assert_true(dp_length_parse("2.54cm", &pt));
  assert_close(pt, 72);
  g_assert_true(dp_length_parse("1in", &pt));
  assert_close(pt, 72);
  g_assert_true(dp_length_parse(".5in", &pt));
  assert_close(pt, 36);
  g_assert_true(dp_length_parse("0", &pt));
  assert_close(pt, 0);
  g_assert_true(dp_length_parse("-3mm", &pt));
  assert_close(pt, -3 * MM);
  g_assert_true(dp_length_parse(" 5 mm ", &pt));
  assert_close(pt, 5 * MM);
  g_assert_false(dp_length_parse("12", &pt));
  g_assert_false(dp_length_parse("12px", &pt));
  g_assert_false(dp_length_parse("mm", &pt));
  g_assert_false(dp_length_parse("", &pt));
  g_assert_false(dp_length_parse("1e3pt", &pt));
  g_assert_false(dp_length_parse("5mm 3mm", &pt));
  g_assert_false(dp_length_parse("999999pt", &pt));
  g_assert_false(dp_length_parse(NULL, &pt));
}

static void test_page(void) {
  loaded l = load_ok("layout: 1\n" TAIL);
  assert_close(l.layout->page_width, 210 * MM);
  assert_close(l.layout->page_height, 297 * MM);
  g_assert_cmpint(l.layout->pages_multiple, ==, 1);
  g_assert_cmpint(l.layout->pages_max, ==, 0);
  g_assert_cmpstr(l.layout->name, ==, "t");
  unload(&l);

  l = load_ok("layout: 1\npage: {size: a3, orientation: landscape}\n" TAIL);
  assert_close(l.layout->page_width, 420 * MM);
  assert_close(l.layout->page_height, 297 * MM);
  unload(&l);

  l = load_ok("layout: 1\npage: {size: Letter}\n" TAIL);
  assert_close(l.layout->page_width, 8.5 * 72);
  assert_close(l.layout->page_height, 11 * 72);
  unload(&l);

  /* A landscape list stays landscape; portrait swaps it. */
  l = load_ok("layout: 1\npage: {size: [200mm, 100mm], orientation: "
              "portrait, bleed: 3mm}\npages: {multiple-of: 4, max: 8}\n"
              "impose: saddle-stitch\noutline: true\nmarks: true\n"
              "name: N\ndescription: D\n" TAIL);
  assert_close(l.layout->page_width, 100 * MM);
  assert_close(l.layout->page_height, 200 * MM);
  assert_close(l.layout->bleed, 3 * MM);
  g_assert_cmpint(l.layout->pages_multiple, ==, 4);
  g_assert_cmpint(l.layout->pages_max, ==, 8);
  g_assert_cmpint(l.layout->impose, ==, DP_IMPOSE_SADDLE_STITCH);
  g_assert_true(l.layout->outline);
  g_assert_true(l.layout->marks);
  g_assert_cmpstr(l.layout->name, ==, "N");
  g_assert_cmpstr(l.layout->description, ==, "D");
  unload(&l);
}

static void test_margins(void) {
  loaded l = load_ok("layout: 1\npage: {margins: 10mm}\n" TAIL);
  assert_close(l.layout->margin_top, 10 * MM);
  assert_close(l.layout->margin_bottom, 10 * MM);
  assert_close(l.layout->margin_inside, 10 * MM);
  assert_close(l.layout->margin_outside, 10 * MM);
  unload(&l);

  l = load_ok("layout: 1\npage: {margins: {top: 1mm, inside: 2mm, "
              "outside: 3mm}}\n" TAIL);
  assert_close(l.layout->margin_top, 1 * MM);
  assert_close(l.layout->margin_bottom, 0);
  assert_close(l.layout->margin_inside, 2 * MM);
  assert_close(l.layout->margin_outside, 3 * MM);
  unload(&l);

  l = load_ok("layout: 1\npage: {margins: {bottom: 4pt, left: 5pt, right: "
              "6pt}}\n" TAIL);
  assert_close(l.layout->margin_bottom, 4);
  assert_close(l.layout->margin_inside, 5);
  assert_close(l.layout->margin_outside, 6);
  unload(&l);

  char *m = load_errors("layout: 1\npage: {margins: {inside: 1mm, left: "
                        "1mm}}\n" TAIL);
  g_assert_cmpstr(m, ==, "2:31: 'inside' and 'left' are the same margin; "
                         "give one\n");
  g_free(m);
}

static const dp_frame *frame_of(const dp_layout_model *l, const char *tmpl,
                                const char *name) {
  for (size_t i = 0; i < l->template_count; i++)
    if (strcmp(l->templates[i]->name, tmpl) == 0)
      return dp_page_template_get_frame(l->templates[i], name);
  return NULL;
}

static void test_expressions(void) {
  loaded l = load_ok(
      "layout: 1\n"
      "templates:\n"
      "  p:\n"
      "    frames:\n"
      "      - name: a\n"
      "        left: 50% - 3mm\n"
      "        width: 0.5 * width(content) + 10%ph\n"
      "        top: -bottom(b) + 2%pw\n"
      "        max-height: 20%\n"
      "      - name: b\n"
      "        top: 0\n"
      "        height: height(bleed)\n"
      "sequence: [p]\n");
  const dp_frame *a = frame_of(l.layout, "p", "a");
  g_assert_nonnull(a);
  g_assert_null(a->right);
  g_assert_cmpuint(a->left->count, ==, 2);
  g_assert_cmpint(a->left->terms[0].kind, ==, DP_TERM_PAGE_WIDTH);
  assert_close(a->left->terms[0].coef, 0.5);
  g_assert_cmpint(a->left->terms[1].kind, ==, DP_TERM_POINTS);
  assert_close(a->left->terms[1].coef, -3 * MM);
  g_assert_cmpint(a->left->mark.line, ==, 6);
  g_assert_cmpint(a->left->mark.column, ==, 15);

  g_assert_cmpuint(a->width->count, ==, 2);
  g_assert_cmpint(a->width->terms[0].kind, ==, DP_TERM_FRAME);
  g_assert_cmpstr(a->width->terms[0].frame, ==, "content");
  g_assert_cmpint(a->width->terms[0].edge, ==, DP_EDGE_WIDTH);
  assert_close(a->width->terms[0].coef, 0.5);
  g_assert_cmpint(a->width->terms[1].kind, ==, DP_TERM_PAGE_HEIGHT);
  assert_close(a->width->terms[1].coef, 0.1);

  g_assert_cmpuint(a->top->count, ==, 2);
  g_assert_cmpint(a->top->terms[0].kind, ==, DP_TERM_FRAME);
  g_assert_cmpstr(a->top->terms[0].frame, ==, "b");
  g_assert_cmpint(a->top->terms[0].edge, ==, DP_EDGE_BOTTOM);
  assert_close(a->top->terms[0].coef, -1);
  g_assert_cmpint(a->top->terms[1].kind, ==, DP_TERM_PAGE_WIDTH);
  assert_close(a->top->terms[1].coef, 0.02);

  /* "%" on a vertical key is of the page height. */
  g_assert_cmpint(a->max_height->terms[0].kind, ==, DP_TERM_PAGE_HEIGHT);
  assert_close(a->max_height->terms[0].coef, 0.2);

  const dp_frame *b = frame_of(l.layout, "p", "b");
  g_assert_cmpuint(b->top->count, ==, 1);
  assert_close(b->top->terms[0].coef, 0);
  g_assert_cmpstr(b->height->terms[0].frame, ==, "bleed");
  g_assert_null(dp_page_template_get_frame(l.layout->templates[0], "zz"));
  unload(&l);

  /* Horizontal and vertical placement are separate: not a cycle. */
  l = load_ok("layout: 1\ntemplates:\n  p:\n    frames:\n"
              "      - {name: a, left: left(b), top: 10mm}\n"
              "      - {name: b, top: bottom(a), left: 5mm}\n"
              "sequence: [p]\n");
  unload(&l);

  char *m = load_errors("layout: 1\ntemplates:\n  p:\n    frames:\n"
                        "      - {name: a, top: bottom(b)}\n"
                        "      - {name: b, top: bottom(a)}\n"
                        "sequence: [p]\n");
  g_assert_cmpstr(m, ==, "5:31: frame 'a' depends on itself: a → b → a\n");
  g_free(m);

  m = load_errors("layout: 1\ntemplates:\n  p:\n    frames:\n"
                  "      - {name: a, top: \"1mm + 2mm +\", left: 3}\n"
                  "sequence: [p]\n");
  g_assert_cmpstr(m, ==,
                  "5:35: 'top' ends with '+'\n"
                  "5:45: 'left' needs a unit: '3' (pt, mm, cm or in)\n");
  g_free(m);
}

static void test_colours(void) {
  loaded l = load_ok("layout: 1\ncolours:\n  brand: \"#1F4e79\"\n"
                     "  accent: \"{institution.colour|default:'#1f4e79'}\"\n"
                     TAIL);
  g_assert_cmpuint(l.layout->colour_count, ==, 2);
  g_assert_cmpstr(l.layout->colours[0].name, ==, "brand");
  g_assert_nonnull(l.layout->colours[0].value);
  g_assert_cmpstr(l.layout->colours[1].name, ==, "accent");
  g_assert_nonnull(l.layout->colours[1].value);
  g_assert_cmpint(l.layout->colours[1].mark.line, ==, 4);
  unload(&l);
}

static void test_styles(void) {
  loaded l = load_ok(
      "layout: 1\n"
      "colours: {brand: \"#123456\"}\n"
      "styles:\n"
      "  title: {based-on: body, family: Noto Sans, weight: bold,\n"
      "          size: 20pt, align: center, space-after: 2mm}\n"
      "  body: {family: Noto Serif, size: 10pt, line-height: 14pt,\n"
      "         colour: brand, features: [smcp, onum, liga=0],\n"
      "         emphasis: em, strong: b, transform: uppercase,\n"
      "         first-indent: -4mm, widows: 3, hyphenate: false,\n"
      "         stretch: condensed, letter-spacing: 0.5pt}\n"
      "  em: {character: true, italic: true, colour: \"#ff0000\"}\n"
      "  b: {character: true, based-on: em, weight: 600, underline: true}\n"
      "  plain: {}\n" TAIL);
  const dp_style *body = dp_layout_model_get_style(l.layout, "body");
  const dp_style *title = dp_layout_model_get_style(l.layout, "title");
  const dp_style *em = dp_layout_model_get_style(l.layout, "em");
  const dp_style *b = dp_layout_model_get_style(l.layout, "b");
  const dp_style *plain = dp_layout_model_get_style(l.layout, "plain");
  g_assert_null(dp_layout_model_get_style(l.layout, "nope"));

  g_assert_cmpstr(body->family, ==, "Noto Serif");
  assert_close(body->size, 10);
  assert_close(body->line_height, 1.4);
  g_assert_cmpstr(body->colour_name, ==, "brand");
  g_assert_cmpstr(body->features, ==, "smcp=1, onum=1, liga=0");
  g_assert_true(body->spans[DP_SPAN_EMPHASIS] == em);
  g_assert_true(body->spans[DP_SPAN_STRONG] == b);
  g_assert_null(body->spans[DP_SPAN_CODE]);
  g_assert_cmpint(body->transform, ==, DP_TRANSFORM_UPPERCASE);
  assert_close(body->first_indent, -4 * MM);
  g_assert_cmpint(body->widows, ==, 3);
  g_assert_cmpint(body->orphans, ==, 2);
  g_assert_false(body->hyphenate);
  g_assert_cmpint(body->stretch, ==, 2);
  assert_close(body->letter_spacing, 0.5);
  g_assert_cmpuint(body->set, ==, 0);

  /* Inherited, then overridden; a line height given as a length keeps
   * its length when the size changes. */
  g_assert_cmpstr(title->family, ==, "Noto Sans");
  g_assert_cmpint(title->weight, ==, 700);
  assert_close(title->size, 20);
  assert_close(title->line_height, 14.0 / 20.0);
  g_assert_cmpstr(title->colour_name, ==, "brand");
  g_assert_cmpstr(title->features, ==, "smcp=1, onum=1, liga=0");
  g_assert_cmpint(title->align, ==, DP_ALIGN_CENTRE);
  assert_close(title->space_after, 2 * MM);
  g_assert_true(title->spans[DP_SPAN_EMPHASIS] == em);
  g_assert_cmpint(title->widows, ==, 3);

  /* Defaults. */
  g_assert_null(plain->family);
  assert_close(plain->size, 10);
  g_assert_cmpint(plain->weight, ==, 400);
  g_assert_true(plain->hyphenate);
  g_assert_null(plain->colour_name);

  /* Character styles: only what they give is set. */
  g_assert_cmpuint(em->set, ==, DP_STYLE_ITALIC | DP_STYLE_COLOUR);
  g_assert_true(em->italic);
  g_assert_cmpstr(em->colour_name, ==, "#ff0000");
  g_assert_cmpuint(b->set, ==,
                   DP_STYLE_ITALIC | DP_STYLE_COLOUR | DP_STYLE_WEIGHT |
                       DP_STYLE_UNDERLINE);
  g_assert_cmpint(b->weight, ==, 600);
  g_assert_true(b->underline);
  g_assert_cmpstr(b->colour_name, ==, "#ff0000");
  unload(&l);

  char *m = load_errors("layout: 1\nstyles:\n  a: {based-on: b}\n"
                        "  b: {based-on: a}\n" TAIL);
  g_assert_cmpstr(m, ==, "3:17: style 'a' is based on itself: a → b → a\n");
  g_free(m);
}

#define ITEMS_HEAD                                                         \
  "layout: 1\n"                                                            \
  "colours: {brand: \"#123456\"}\n"                                        \
  "styles:\n"                                                              \
  "  body: {}\n"                                                           \
  "  h: {size: 14pt}\n"                                                    \
  "  em: {character: true, italic: true}\n"                                \
  "templates:\n"                                                           \
  "  p:\n"                                                                 \
  "    frames:\n"                                                          \
  "      - name: f\n"                                                      \
  "        content:\n"

static void test_items(void) {
  loaded l = load_ok(
      ITEMS_HEAD
      "          - text: \"{thesis.title}\"\n"
      "          - text: [\"By \", {text: \"{candidate.name}\", style: em}]\n"
      "            style: h\n"
      "            align: outside\n"
      "            keep-with-next: true\n"
      "          - markdown: summary\n"
      "            styles: {heading: h, heading-2: body, list: h}\n"
      "            heading-shift: 1\n"
      "          - each: events\n"
      "            gap: 2mm\n"
      "            keep-together: true\n"
      "            content: [{text: \"{kind}\"}]\n"
      "          - group: [{space: 1mm}, {break: page}]\n"
      "          - group:\n"
      "            content: [{break: frame}]\n"
      "          - qr: \"{url}\"\n"
      "            level: Q\n"
      "            colour: brand\n"
      "            align: centre\n"
      "            alt: Link\n"
      "          - image: candidate.photo\n"
      "            width: 30mm\n"
      "            height: 40mm\n"
      "          - rule:\n"
      "            length: 50%\n"
      "          - rule: true\n"
      "            thickness: 2pt\n"
      "            length: 40mm\n"
      "            colour: \"#000000\"\n"
      "          - space: -2mm\n"
      "sequence: [p]\n");
  const dp_frame *f = frame_of(l.layout, "p", "f");
  const dp_style *body = dp_layout_model_get_style(l.layout, "body");
  const dp_style *h = dp_layout_model_get_style(l.layout, "h");
  const dp_style *em = dp_layout_model_get_style(l.layout, "em");
  g_assert_cmpuint(f->content_count, ==, 11);
  dp_item **it = f->content;

  g_assert_cmpint(it[0]->kind, ==, DP_ITEM_TEXT);
  g_assert_true(it[0]->style == body);
  g_assert_cmpuint(it[0]->run_count, ==, 1);
  g_assert_nonnull(it[0]->runs[0].tmpl);
  g_assert_null(it[0]->runs[0].style);
  g_assert_false(it[0]->has_align);
  g_assert_cmpint(it[0]->mark.line, ==, 12);

  g_assert_true(it[1]->style == h);
  g_assert_cmpuint(it[1]->run_count, ==, 2);
  g_assert_true(it[1]->runs[1].style == em);
  g_assert_true(it[1]->has_align);
  g_assert_cmpint(it[1]->align, ==, DP_HALIGN_OUTSIDE);
  g_assert_true(it[1]->keep_with_next);

  g_assert_cmpint(it[2]->kind, ==, DP_ITEM_MARKDOWN);
  g_assert_cmpstr(it[2]->field, ==, "summary");
  g_assert_true(it[2]->markdown.paragraph == body);
  g_assert_true(it[2]->markdown.heading[0] == h);
  g_assert_true(it[2]->markdown.heading[1] == body);
  g_assert_true(it[2]->markdown.heading[5] == h);
  g_assert_true(it[2]->markdown.list == h);
  g_assert_null(it[2]->markdown.quote);
  g_assert_cmpint(it[2]->markdown.shift, ==, 1);

  g_assert_cmpint(it[3]->kind, ==, DP_ITEM_EACH);
  g_assert_cmpstr(it[3]->field, ==, "events");
  assert_close(it[3]->gap, 2 * MM);
  g_assert_true(it[3]->keep_together);
  g_assert_cmpuint(it[3]->child_count, ==, 1);
  g_assert_cmpint(it[3]->children[0]->kind, ==, DP_ITEM_TEXT);

  g_assert_cmpint(it[4]->kind, ==, DP_ITEM_GROUP);
  g_assert_cmpuint(it[4]->child_count, ==, 2);
  g_assert_cmpint(it[4]->children[0]->kind, ==, DP_ITEM_SPACE);
  g_assert_cmpint(it[4]->children[1]->kind, ==, DP_ITEM_BREAK);
  g_assert_cmpint(it[4]->children[1]->break_kind, ==, DP_BREAK_PAGE);
  g_assert_cmpuint(it[5]->child_count, ==, 1);
  g_assert_cmpint(it[5]->children[0]->break_kind, ==, DP_BREAK_FRAME);

  g_assert_cmpint(it[6]->kind, ==, DP_ITEM_QR);
  g_assert_nonnull(it[6]->payload);
  g_assert_cmpint(it[6]->qr_level, ==, 2);
  assert_close(it[6]->width, 30 * MM);
  g_assert_cmpstr(it[6]->colour, ==, "brand");
  g_assert_cmpint(it[6]->align, ==, DP_HALIGN_CENTRE);
  g_assert_nonnull(it[6]->alt);

  g_assert_cmpint(it[7]->kind, ==, DP_ITEM_IMAGE);
  g_assert_cmpstr(it[7]->field, ==, "candidate.photo");
  assert_close(it[7]->width, 30 * MM);
  assert_close(it[7]->height, 40 * MM);

  g_assert_cmpint(it[8]->kind, ==, DP_ITEM_RULE);
  assert_close(it[8]->height, 0.5);
  assert_close(it[8]->width, 0);
  assert_close(it[8]->fraction, 0.5);
  assert_close(it[9]->height, 2);
  assert_close(it[9]->width, 40 * MM);
  g_assert_cmpstr(it[9]->colour, ==, "#000000");

  g_assert_cmpint(it[10]->kind, ==, DP_ITEM_SPACE);
  assert_close(it[10]->space, -2 * MM);
  unload(&l);

  char *m = load_errors(ITEMS_HEAD
                        "          - {text: a, qr: b}\n"
                        "          - {text: a, gap: 1mm}\n"
                        "sequence: [p]\n");
  g_assert_cmpstr(m, ==,
                  "12:23: an item has one kind, but this one has both "
                  "'text' and 'qr' (start another item with '-')\n"
                  "13:23: 'gap' does not apply to a text item\n");
  g_free(m);
}

static void test_frames(void) {
  loaded l = load_ok(
      "layout: 1\n"
      "styles: {body: {}}\n"
      "templates:\n"
      "  p:\n"
      "    frames:\n"
      "      - {name: main, flow: main, columns: 2, column-gap: 4mm,\n"
      "         balance: true, valign: bottom, fill: white, stroke: black,\n"
      "         radius: 2mm, padding: 3mm, if: online}\n"
      "      - {fit: shrink, content: []}\n"
      "      - {fit: shrink, min-scale: 0.7}\n"
      "flows:\n"
      "  main: [{text: x}]\n"
      "sequence: [{template: p, flow: main}]\n");
  const dp_page_template *t = l.layout->templates[0];
  g_assert_cmpuint(t->frame_count, ==, 3);
  const dp_frame *f = t->frames[0];
  g_assert_cmpstr(f->flow, ==, "main");
  g_assert_cmpint(f->columns, ==, 2);
  assert_close(f->column_gap, 4 * MM);
  g_assert_true(f->balance);
  g_assert_cmpint(f->valign, ==, DP_VALIGN_BOTTOM);
  g_assert_cmpstr(f->fill, ==, "white");
  g_assert_cmpstr(f->stroke, ==, "black");
  assert_close(f->stroke_width, 0.5);
  assert_close(f->radius, 2 * MM);
  assert_close(f->padding, 3 * MM);
  g_assert_cmpstr(f->condition.path, ==, "online");
  g_assert_cmpint(f->fit, ==, DP_FIT_ERROR);
  assert_close(f->min_scale, 1);
  g_assert_null(t->frames[1]->name);
  g_assert_cmpint(t->frames[1]->fit, ==, DP_FIT_SHRINK);
  assert_close(t->frames[1]->min_scale, 0.5);
  assert_close(t->frames[2]->min_scale, 0.7);
  g_assert_cmpuint(l.layout->flow_count, ==, 1);
  g_assert_cmpuint(l.layout->flows[0]->count, ==, 1);
  unload(&l);
}

static void test_conditions(void) {
  loaded l = load_ok(ITEMS_HEAD
                     "          - {text: a, if: online}\n"
                     "          - {text: b, unless: online}\n"
                     "          - {text: c, if: \"status == postponed\"}\n"
                     "          - {text: d, if: \"status != 'scheduled'\"}\n"
                     "          - {text: e, unless: \"a.b==x y\"}\n"
                     "          - {text: f}\n"
                     "sequence: [p]\n");
  dp_item **it = l.layout->templates[0]->frames[0]->content;
  g_assert_cmpstr(it[0]->condition.path, ==, "online");
  g_assert_false(it[0]->condition.negate);
  g_assert_null(it[0]->condition.equals);
  g_assert_cmpstr(it[1]->condition.path, ==, "online");
  g_assert_true(it[1]->condition.negate);
  g_assert_cmpstr(it[2]->condition.path, ==, "status");
  g_assert_cmpstr(it[2]->condition.equals, ==, "postponed");
  g_assert_false(it[2]->condition.negate);
  g_assert_cmpstr(it[3]->condition.equals, ==, "scheduled");
  g_assert_true(it[3]->condition.negate);
  g_assert_cmpstr(it[4]->condition.path, ==, "a.b");
  g_assert_cmpstr(it[4]->condition.equals, ==, "x y");
  g_assert_true(it[4]->condition.negate);
  g_assert_null(it[5]->condition.path);
  unload(&l);

  char *m = load_errors(ITEMS_HEAD
                        "          - {text: a, if: \"x < 3\"}\n"
                        "sequence: [p]\n");
  g_assert_cmpstr(m, ==, "12:30: unknown operator in condition 'x < 3'; "
                         "use == or !=\n");
  g_free(m);
}

static void test_sequence(void) {
  loaded l = load_ok("layout: 1\n"
                     "styles: {body: {}}\n"
                     "templates:\n"
                     "  cover: {frames: []}\n"
                     "  body: {frames: [{flow: main}]}\n"
                     "flows: {main: [{text: x}]}\n"
                     "sequence:\n"
                     "  - cover\n"
                     "  - {template: body, flow: main}\n"
                     "  - {template: cover, pad: true, unless: online}\n"
                     "  - {template: cover, if: \"lang == nb\"}\n");
  g_assert_cmpuint(l.layout->sequence_count, ==, 4);
  dp_sequence_step *s = l.layout->sequence;
  g_assert_true(s[0].page_template == l.layout->templates[0]);
  g_assert_null(s[0].flow);
  g_assert_false(s[0].pad);
  g_assert_cmpint(s[0].mark.line, ==, 8);
  g_assert_true(s[1].page_template == l.layout->templates[1]);
  g_assert_cmpstr(s[1].flow, ==, "main");
  g_assert_true(s[2].pad);
  g_assert_true(s[2].condition.negate);
  g_assert_cmpstr(s[3].condition.equals, ==, "nb");
  unload(&l);
}

static void test_preflight(void) {
  /* Off by default, with a 6 pt minimum ready for --preflight. */
  loaded l = load_ok("layout: 1\n" TAIL);
  g_assert_false(l.layout->preflight);
  assert_close(l.layout->preflight_min_text_size, 6);
  unload(&l);

  l = load_ok("layout: 1\npreflight: true\n" TAIL);
  g_assert_true(l.layout->preflight);
  assert_close(l.layout->preflight_min_text_size, 6);
  unload(&l);

  /* A map of settings turns it on too. */
  l = load_ok("layout: 1\npreflight: {min-text-size: 2.5mm}\n" TAIL);
  g_assert_true(l.layout->preflight);
  assert_close(l.layout->preflight_min_text_size, 2.5 * MM);
  unload(&l);

  l = load_ok("layout: 1\npreflight: false\n" TAIL);
  g_assert_false(l.layout->preflight);
  unload(&l);

  /* A layout that extends another may set it. */
  l = load_ok("layout: 1\nextends: booklet\npreflight: {min-text-size: 7pt}\n");
  g_assert_true(l.layout->preflight);
  assert_close(l.layout->preflight_min_text_size, 7);
  g_assert_cmpuint(l.layout->sequence_count, >, 0);
  unload(&l);

  char *m = load_errors("layout: 1\npreflight: yes\n" TAIL);
  g_assert_cmpstr(m, ==,
                  "2:12: 'preflight' must be true, false or a map such as "
                  "{min-text-size: 6pt}, not 'yes'\n");
  g_free(m);
  m = load_errors("layout: 1\npreflight: {min-text-sise: 6pt}\n" TAIL);
  g_assert_cmpstr(m, ==,
                  "2:13: unknown key 'min-text-sise' in preflight (did you "
                  "mean 'min-text-size'?)\n");
  g_free(m);
  m = load_errors("layout: 1\npreflight: {min-text-size: 6}\n" TAIL);
  g_assert_cmpstr(m, ==,
                  "2:28: 'min-text-size' needs a unit: '6' (pt, mm, cm or "
                  "in)\n");
  g_free(m);
}

static void test_errors_keep_going(void) {
  char *m = load_errors("layout: 2\nsise: A4\npage: {size: B5}\n"
                        "templates:\n  cover: {frames: []}\n"
                        "sequence: [covr]\n");
  g_assert_cmpstr(m, ==,
                  "1:9: unsupported layout format '2': this disputas reads "
                  "'layout: 1'\n"
                  "2:1: unknown key 'sise' in the layout\n"
                  "3:14: unknown page size 'B5' (did you mean 'A5'?); use A3, "
                  "A4, A5, A6, letter, legal or [width, height]\n"
                  "6:12: unknown template 'covr' (did you mean 'cover'?)\n");
  g_free(m);
}

static void test_builtin(gconstpointer data) {
  const char *name = data;
  char *file = g_strconcat(name, ".yaml", NULL);
  char *path = dp_paths_build("layouts", file, NULL);
  g_free(file);
  if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
    g_free(path);
    g_test_skip("not written yet");
    return;
  }
  g_free(path);
  dp_diag *diag = dp_diag_new();
  GString *messages = g_string_new(NULL);
  dp_diag_set_print(diag, false);
  dp_diag_set_callback(diag, capture, messages);
  dp_layout_model *layout = dp_layout_model_load(diag, NULL, name);
  g_assert_cmpstr(messages->str, ==, "");
  g_assert_nonnull(layout);
  g_assert_cmpstr(layout->path, ==, name);
  g_assert_cmpuint(layout->sequence_count, >, 0);
  dp_layout_model_free(layout);
  g_string_free(messages, TRUE);
  dp_diag_free(diag);
}

static void test_unknown_builtin(void) {
  dp_diag *diag = dp_diag_new();
  GString *messages = g_string_new(NULL);
  dp_diag_set_print(diag, false);
  dp_diag_set_callback(diag, capture, messages);
  g_assert_null(dp_layout_model_load(diag, NULL, "bookelt"));
  g_assert_cmpstr(messages->str, ==,
                  "0:0: unknown layout 'bookelt' (did you mean 'booklet'?); "
                  "give a built-in layout (poster, booklet or "
                  "booklet-print) or a path to a layout file\n");
  g_string_truncate(messages, 0);
  g_assert_null(dp_layout_model_load(diag, NULL, "no/such.yaml"));
  g_assert_true(g_str_has_prefix(messages->str, "0:0: cannot read the file"));
  g_string_free(messages, TRUE);
  dp_diag_free(diag);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/layout/lengths", test_lengths);
  g_test_add_func("/layout/page", test_page);
  g_test_add_func("/layout/margins", test_margins);
  g_test_add_func("/layout/expressions", test_expressions);
  g_test_add_func("/layout/colours", test_colours);
  g_test_add_func("/layout/styles", test_styles);
  g_test_add_func("/layout/items", test_items);
  g_test_add_func("/layout/frames", test_frames);
  g_test_add_func("/layout/conditions", test_conditions);
  g_test_add_func("/layout/sequence", test_sequence);
  g_test_add_func("/layout/preflight", test_preflight);
  g_test_add_func("/layout/errors-keep-going", test_errors_keep_going);
  g_test_add_func("/layout/unknown-builtin", test_unknown_builtin);
  for (const char *const *name = dp_builtin_layouts; *name; name++) {
    char *test = g_strdup_printf("/layout/builtin/%s", *name);
    g_test_add_data_func(test, *name, test_builtin);
    g_free(test);
  }
  return g_test_run();
}
