/* Unit tests of linebreak: synthetic boxes, glue and penalties, with
 * widths chosen so that the best breaks are known by hand. */
#include <glib.h>
#include <math.h>

#include "linebreak.h"

/* A paragraph built word by word: boxes of the given widths separated by
 * glue of width 1 stretching 1 and shrinking 0.5 (TeX-like, in units
 * where a space is 1), ended by fill glue and a forced break. */
typedef struct para {
  GArray *items;
} para;

static para para_new(void) {
  return (para){g_array_new(FALSE, FALSE, sizeof(dp_lb_item))};
}

static void push(para *p, dp_lb_item item) { g_array_append_val(p->items, item); }

static void box(para *p, double w) {
  push(p, (dp_lb_item){.kind = DP_LB_BOX, .width = w});
}

static void space(para *p) {
  push(p, (dp_lb_item){.kind = DP_LB_GLUE, .width = 1, .stretch = 1,
                       .shrink = 0.5});
}

static void hyphen(para *p) {
  push(p, (dp_lb_item){.kind = DP_LB_PENALTY, .width = 0.5, .penalty = 50,
                       .flagged = true});
}

static void finish(para *p) {
  push(p, (dp_lb_item){.kind = DP_LB_GLUE, .stretch = 1e6,
                       .penalty = DP_LB_INFINITY});
  push(p, (dp_lb_item){.kind = DP_LB_PENALTY, .penalty = -DP_LB_INFINITY});
}

static size_t run(para *p, const dp_lb_params *params, dp_lb_line **lines,
                  bool *overfull) {
  return dp_linebreak((const dp_lb_item *)(void *)p->items->data,
                      p->items->len, params, lines, overfull);
}

static void para_free(para *p) { g_array_free(p->items, TRUE); }

/* Width of line `l` as set at ratio r (what the caller would draw). */
static double set_width(const para *p, const dp_lb_line *lines, size_t l) {
  const dp_lb_item *it = (const dp_lb_item *)(void *)p->items->data;
  size_t from = 0;
  if (l > 0) {
    from = lines[l - 1].end + 1;
    while (from < p->items->len && it[from].kind != DP_LB_BOX) from++;
  }
  size_t e = lines[l].end;
  double w = it[e].kind == DP_LB_PENALTY ? it[e].width : 0;
  double r = lines[l].ratio;
  /* Glyphs (boxes) no further than their stretch; letter space. */
  double rb = CLAMP(r, -1.0, 1.0);
  for (size_t k = from; k < e; k++) {
    if (it[k].kind == DP_LB_PENALTY) continue;
    double q = it[k].kind == DP_LB_BOX ? rb : r;
    w += it[k].width + (q > 0 ? q * it[k].stretch : q * it[k].shrink);
    if (it[k].kind == DP_LB_BOX) w += lines[l].track * it[k].track;
  }
  return w;
}

/* First fit would fill the first line and leave the second very loose;
 * optimal fit evens them out. */
static void test_evens_out(void) {
  para p = para_new();
  /* Measure 20: first fit takes 5+1+5+1+5 = 17 (next word 6 does not
   * fit), leaving 6 1 6 = 13 for the second line, which would also fit.
   * Words: 5 5 5 6 6 3 → lines of 5 5 5 | 6 6 3 are both loose-ish. */
  double words[] = {5, 5, 5, 6, 6, 3, 7, 4};
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    if (i) space(&p);
    box(&p, words[i]);
  }
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 20);
  params.max_ratio = 2;
  dp_lb_line *lines;
  bool overfull;
  size_t n = run(&p, &params, &lines, &overfull);
  g_assert_false(overfull);
  g_assert_cmpuint(n, ==, 3);
  /* Every line but the last is set to the measure, within its limits. */
  for (size_t l = 0; l + 1 < n; l++) {
    g_assert_cmpfloat(fabs(set_width(&p, lines, l) - 20), <, 1e-9);
    g_assert_cmpfloat(lines[l].ratio, >=, -1);
    g_assert_cmpfloat(lines[l].ratio, <=, 2);
  }
  g_assert_cmpfloat(fabs(lines[n - 1].ratio), <, 1e-3); /* the fill */
  /* The sum of cubes is smaller than first fit's: 5 5 5 | 6 6 3 | 7 4
   * has ratios 3/2, 3/2 — optimal must do at least as well. */
  double worst = 0;
  for (size_t l = 0; l + 1 < n; l++) worst = MAX(worst, fabs(lines[l].ratio));
  g_assert_cmpfloat(worst, <=, 1.5);
  g_free(lines);
  para_free(&p);
}

/* Shrinking is allowed down to -1, never past it. */
static void test_shrink(void) {
  para p = para_new();
  /* 10 + 1 + 10 = 21 in a measure of 20.6: shrinks the space by 0.4
   * (ratio -0.8) rather than breaking into two lines. */
  box(&p, 10);
  space(&p);
  box(&p, 10);
  space(&p);
  box(&p, 10);
  space(&p);
  box(&p, 10);
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 20.6);
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpfloat(fabs(lines[0].ratio + 0.8), <, 1e-9);
  g_free(lines);
  /* In 20.4 it would take -1.2: each word on a line of its own, loose
   * (any looseness once nothing else is possible). */
  dp_lb_params_init(&params, 20.4);
  n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 4);
  for (size_t l = 0; l < n; l++) g_assert_cmpfloat(lines[l].ratio, >=, -1);
  g_free(lines);
  para_free(&p);
}

/* At most `max_hyphens` hyphenated lines in a row, however cheap more
 * would be; and with none allowed, no hyphen at all. */
static void test_hyphen_limit(void) {
  para p = para_new();
  /* Syllables of 4 with a hyphen point between each pair, words of
   * three syllables: breaking inside words fits best everywhere. */
  for (int w = 0; w < 12; w++) {
    if (w) space(&p);
    for (int s = 0; s < 3; s++) {
      if (s) hyphen(&p);
      box(&p, 4);
    }
  }
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 18.25);
  params.max_ratio = 10;
  params.flagged_demerits = 0; /* only the hard limit holds them back */
  for (int limit = 1; limit <= 3; limit++) {
    params.max_hyphens = limit;
    dp_lb_line *lines;
    size_t n = run(&p, &params, &lines, NULL);
    const dp_lb_item *it = (const dp_lb_item *)(void *)p.items->data;
    int row = 0, most = 0, any = 0;
    for (size_t l = 0; l < n; l++) {
      bool flagged = it[lines[l].end].kind == DP_LB_PENALTY &&
                     it[lines[l].end].flagged;
      row = flagged ? row + 1 : 0;
      most = MAX(most, row);
      any += flagged;
    }
    g_assert_cmpint(most, <=, limit);
    g_assert_cmpint(any, >, 0);
    g_free(lines);
  }
  para_free(&p);
}

/* The line before a paragraph's last does not end in a hyphen when a
 * line not too loose can be had instead. */
static void test_final_hyphen(void) {
  para p = para_new();
  /* In 20: "8 8 3-" shrinks (ratio -0.75, 5,204 demerits with the
   * hyphen's penalty); "8 8" stretches (ratio 1, 12,100): the hyphen
   * would win but for the rule. */
  dp_lb_item glue = {.kind = DP_LB_GLUE, .width = 1, .stretch = 3,
                     .shrink = 1};
  box(&p, 8);
  push(&p, glue);
  box(&p, 8);
  push(&p, glue);
  box(&p, 3);
  hyphen(&p);
  box(&p, 3);
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 20);
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  const dp_lb_item *it = (const dp_lb_item *)(void *)p.items->data;
  for (size_t l = 0; l + 1 < n; l++)
    g_assert_false(it[lines[l].end].kind == DP_LB_PENALTY &&
                   it[lines[l].end].flagged);
  g_free(lines);
  para_free(&p);
}

/* Whether the line before the last of `lines` ends in a hyphen. */
static bool final_hyphen(const para *p, const dp_lb_line *lines, size_t n) {
  const dp_lb_item *it = (const dp_lb_item *)(void *)p->items->data;
  return n >= 2 && it[lines[n - 2].end].kind == DP_LB_PENALTY &&
         it[lines[n - 2].end].flagged;
}

/* No word is hyphenated onto a paragraph's last line while lines within
 * `max_ratio` avoid it, however loose (fixed demerits would take the
 * hyphen over a loose enough line); only where every other way needs a
 * line looser still. */
static void test_final_hyphen_never(void) {
  para p = para_new();
  /* In 20: "8 8 3-" shrinks to fit (ratio -1; some 14,600 demerits);
   * "8 8" stretches its one space by 3, ratio 2 (656,100). */
  dp_lb_item glue = {.kind = DP_LB_GLUE, .width = 1, .stretch = 1.5,
                     .shrink = 1};
  box(&p, 8);
  push(&p, glue);
  box(&p, 8);
  push(&p, glue);
  box(&p, 3);
  push(&p, (dp_lb_item){.kind = DP_LB_PENALTY, .width = 1, .penalty = 50,
                        .flagged = true});
  box(&p, 3);
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 20);
  params.max_ratio = 3;
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_false(final_hyphen(&p, lines, n));
  g_assert_cmpfloat(fabs(lines[0].ratio - 2), <, 1e-9);
  g_free(lines);
  /* Lines no looser than ratio 1: only the hyphen makes them. */
  params.max_ratio = 1;
  n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_true(final_hyphen(&p, lines, n));
  g_free(lines);
  para_free(&p);
}

/* A box wider than the measure: a solution all the same, overfull. */
static void test_overfull(void) {
  para p = para_new();
  box(&p, 5);
  space(&p);
  box(&p, 50);
  space(&p);
  box(&p, 5);
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 20);
  dp_lb_line *lines;
  bool overfull = false;
  size_t n = run(&p, &params, &lines, &overfull);
  g_assert_true(overfull);
  g_assert_cmpuint(n, >=, 2);
  g_free(lines);
  para_free(&p);
}

/* Ragged: rigid spaces and a rag per line; the optimum avoids a very
 * short line that first fit leaves. */
static void test_ragged(void) {
  para p = para_new();
  double words[] = {9, 9, 2, 9, 9, 9};
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    if (i) push(&p, (dp_lb_item){.kind = DP_LB_GLUE, .width = 1});
    box(&p, words[i]);
  }
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 22);
  params.max_ratio = INFINITY;
  params.line_stretch = 5;
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  /* First fit: 9 9 2 (21) | 9 9 (19) | 9; optimal keeps lines long too. */
  g_assert_cmpuint(n, ==, 3);
  for (size_t l = 0; l + 1 < n; l++)
    g_assert_cmpfloat(set_width(&p, lines, l), >=, 19);
  g_free(lines);
  para_free(&p);
}

/* Balanced: the last line is held to the rag like the others, so two
 * lines come out even instead of full and nearly empty. */
static void test_balanced(void) {
  para p = para_new();
  double words[] = {6, 6, 6, 6, 3};
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    if (i) push(&p, (dp_lb_item){.kind = DP_LB_GLUE, .width = 1});
    box(&p, words[i]);
  }
  push(&p, (dp_lb_item){.kind = DP_LB_GLUE, .penalty = DP_LB_INFINITY});
  push(&p, (dp_lb_item){.kind = DP_LB_PENALTY, .penalty = -DP_LB_INFINITY});
  dp_lb_params params;
  dp_lb_params_init(&params, 30);
  params.max_ratio = INFINITY;
  params.line_stretch = 30;
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  /* 6 6 6 6 | 3 (27, 3) first fit; balanced: 6 6 | 6 6 3 or 6 6 6 | 6 3. */
  g_assert_cmpuint(n, ==, 2);
  double a = set_width(&p, lines, 0), b = set_width(&p, lines, 1);
  g_assert_cmpfloat(fabs(a - b), <=, 7);
  g_assert_cmpfloat(b, >=, 10);
  g_free(lines);
  para_free(&p);
}

/* A forced break inside: lines never cross it, each part ends loose. */
static void test_forced(void) {
  para p = para_new();
  box(&p, 5);
  space(&p);
  box(&p, 5);
  finish(&p);
  box(&p, 5);
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 100);
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpuint(lines[0].end, ==, 4);
  g_free(lines);
  /* No forced break at the end: refused. */
  para q = para_new();
  box(&q, 5);
  g_assert_cmpuint(run(&q, &params, &lines, NULL), ==, 0);
  g_assert_null(lines);
  para_free(&q);
  para_free(&p);
}

/* Glyphs widen by their stretch at most: a line their share would
 * overstretch gives the rest to its glue, and says so in its ratio. */
static void test_glyphs_bounded(void) {
  para p = para_new();
  /* 10 + 1 + 10 in 25: a gap of 4, glue stretch 1, glyphs 0.2 each.
   * In proportion both would go to 4 / 1.4 = 2.86; glyphs stop at 1,
   * so the glue takes 4 - 0.4: a ratio of 3.6. */
  push(&p, (dp_lb_item){.kind = DP_LB_BOX, .width = 10, .stretch = 0.2,
                        .shrink = 0.2});
  push(&p, (dp_lb_item){.kind = DP_LB_GLUE, .width = 1, .stretch = 1,
                        .shrink = 0.5});
  push(&p, (dp_lb_item){.kind = DP_LB_BOX, .width = 10, .stretch = 0.2,
                        .shrink = 0.2});
  push(&p, (dp_lb_item){.kind = DP_LB_GLUE, .width = 1, .stretch = 1,
                        .shrink = 0.5});
  box(&p, 20);
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 25);
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpfloat(fabs(lines[0].ratio - 3.6), <, 1e-9);
  g_assert_cmpfloat(lines[0].track, ==, 0);
  g_assert_cmpfloat(fabs(set_width(&p, lines, 0) - 25), <, 1e-9);
  g_free(lines);
  /* Within the glyphs' share: both at 0.7 / 1.4. */
  dp_lb_params_init(&params, 21.7);
  n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpfloat(fabs(lines[0].ratio - 0.5), <, 1e-9);
  g_assert_cmpfloat(fabs(set_width(&p, lines, 0) - 21.7), <, 1e-9);
  g_free(lines);
  para_free(&p);
}

/* Letter space is taken once glue and glyphs are stretched all they
 * may (ratio 1), before the glue goes further; a line looser than that
 * costs as much as without it, so the breaker avoids it like a loose
 * one, but it keeps a line within `max_ratio`. */
static void test_tracking(void) {
  para p = para_new();
  /* 10 + 1 + 10, each box with letter space 0.5: in 23.5 glue reaches
   * 1 at 22, letter space takes the other 1.5 of its 1 (all of it), the
   * glue 0.5 more: ratio 1.5.  In 22.5, half the letter space. */
  for (int k = 0; k < 2; k++) {
    push(&p, (dp_lb_item){.kind = DP_LB_BOX, .width = 10, .track = 0.5});
    push(&p, (dp_lb_item){.kind = DP_LB_GLUE, .width = 1, .stretch = 1,
                          .shrink = 0.5});
  }
  box(&p, 20);
  finish(&p);
  dp_lb_params params;
  dp_lb_params_init(&params, 23.5);
  params.max_ratio = INFINITY;
  dp_lb_line *lines;
  size_t n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpfloat(fabs(lines[0].ratio - 1.5), <, 1e-9);
  g_assert_cmpfloat(fabs(lines[0].track - 1.0), <, 1e-9);
  g_assert_cmpfloat(fabs(set_width(&p, lines, 0) - 23.5), <, 1e-9);
  g_free(lines);
  dp_lb_params_init(&params, 22.5);
  params.max_ratio = 1;
  n = run(&p, &params, &lines, NULL);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpfloat(fabs(lines[0].ratio - 1.0), <, 1e-9);
  g_assert_cmpfloat(fabs(lines[0].track - 0.5), <, 1e-9);
  g_assert_cmpfloat(fabs(set_width(&p, lines, 0) - 22.5), <, 1e-9);
  g_free(lines);
  para_free(&p);
}

/* What may hang past the measure where a line ends (a comma, a hyphen)
 * does not count in its width: 10 + 1 + 10 ending at a space after a
 * comma hanging 0.4 fills 20.6 at its natural spacing, where without it
 * the line must shrink (ratio -0.8); a hyphen may hang 0.3 of its 0.5. */
static void test_protrude(void) {
  for (int hang = 0; hang < 2; hang++) {
    para p = para_new();
    box(&p, 10);
    space(&p);
    box(&p, 10);
    space(&p);
    g_array_index(p.items, dp_lb_item, p.items->len - 1).protrude =
        hang ? 0.4 : 0;
    box(&p, 10);
    space(&p);
    box(&p, 10);
    finish(&p);
    dp_lb_params params;
    dp_lb_params_init(&params, 20.6);
    dp_lb_line *lines;
    size_t n = run(&p, &params, &lines, NULL);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpfloat(fabs(lines[0].ratio - (hang ? 0 : -0.8)), <, 1e-9);
    g_free(lines);
    para_free(&p);
  }
  for (int hang = 0; hang < 2; hang++) {
    para p = para_new();
    box(&p, 10);
    space(&p);
    box(&p, 9.8);
    hyphen(&p);
    g_array_index(p.items, dp_lb_item, p.items->len - 1).protrude =
        hang ? 0.3 : 0;
    box(&p, 5);
    finish(&p);
    dp_lb_params params;
    dp_lb_params_init(&params, 21.0);
    dp_lb_line *lines;
    size_t n = run(&p, &params, &lines, NULL);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(lines[0].end, ==, 3);
    /* 10 + 1 + 9.8 + 0.5 = 21.3, less 0.3 hanging. */
    g_assert_cmpfloat(fabs(lines[0].ratio - (hang ? 0 : -0.6)), <, 1e-9);
    g_free(lines);
    para_free(&p);
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/linebreak/evens-out", test_evens_out);
  g_test_add_func("/linebreak/shrink", test_shrink);
  g_test_add_func("/linebreak/hyphen-limit", test_hyphen_limit);
  g_test_add_func("/linebreak/final-hyphen", test_final_hyphen);
  g_test_add_func("/linebreak/final-hyphen-never", test_final_hyphen_never);
  g_test_add_func("/linebreak/overfull", test_overfull);
  g_test_add_func("/linebreak/ragged", test_ragged);
  g_test_add_func("/linebreak/balanced", test_balanced);
  g_test_add_func("/linebreak/forced", test_forced);
  g_test_add_func("/linebreak/protrude", test_protrude);
  g_test_add_func("/linebreak/glyphs-bounded", test_glyphs_bounded);
  g_test_add_func("/linebreak/tracking", test_tracking);
  return g_test_run();
}
