/* Unit tests of richtext: flattening of blocks, spans as byte ranges,
 * markers, depths, errors and where they are reported. */
#include <glib.h>
#include <string.h>

#include "richtext.h"

static void capture(const dp_diagnostic *d, void *user) {
  g_string_append_printf(user, "%d:%d: %s\n", d->line, d->column, d->message);
}

/* Parses `text` as if it were a literal block scalar whose first line is
 * line 10 of its file, indented by 2 (so column 3), unless `flags` lacks
 * DP_RICH_LINES.  `messages` gets "line:column: message" lines. */
static dp_rich *parse(const char *text, unsigned flags, char **messages) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  GString *out = g_string_new(NULL);
  dp_diag_set_callback(diag, capture, out);
  dp_mark mark = {"t.yaml", 10, 3, -1};
  dp_rich *rich = dp_rich_parse(diag, text, strlen(text), mark, flags);
  *messages = g_string_free(out, FALSE);
  dp_diag_free(diag);
  return rich;
}

/* The text covered by span `i` of block `b`. */
static char *span_text(const dp_block *b, size_t i) {
  return g_strndup(b->text + b->spans[i].start,
                   b->spans[i].end - b->spans[i].start);
}

static void test_paragraphs_and_headings(void) {
  char *messages;
  dp_rich *rich = parse("First line\nsecond line.\n\n## Section *two*\n\n"
                        "Last  \nline\n\nSetext\n===\n",
                        DP_RICH_LINES, &messages);
  g_assert_cmpstr(messages, ==, "");
  g_assert_nonnull(rich);
  g_assert_cmpuint(rich->count, ==, 4);
  g_assert_cmpint(rich->blocks[0].kind, ==, DP_BLOCK_PARAGRAPH);
  g_assert_cmpstr(rich->blocks[0].text, ==, "First line second line.");
  g_assert_cmpuint(rich->blocks[0].length, ==, strlen(rich->blocks[0].text));
  g_assert_cmpint(rich->blocks[0].mark.line, ==, 10);
  g_assert_cmpint(rich->blocks[0].mark.column, ==, 3);
  g_assert_cmpint(rich->blocks[1].kind, ==, DP_BLOCK_HEADING);
  g_assert_cmpint(rich->blocks[1].level, ==, 2);
  g_assert_cmpstr(rich->blocks[1].text, ==, "Section two");
  g_assert_cmpint(rich->blocks[1].mark.line, ==, 13);
  g_assert_cmpuint(rich->blocks[1].span_count, ==, 1);
  g_assert_cmpint(rich->blocks[1].spans[0].kind, ==, DP_SPAN_EMPHASIS);
  /* A hard break (two spaces) is '\n'. */
  g_assert_cmpstr(rich->blocks[2].text, ==, "Last\nline");
  g_assert_cmpint(rich->blocks[3].kind, ==, DP_BLOCK_HEADING);
  g_assert_cmpint(rich->blocks[3].level, ==, 1);
  g_assert_null(rich->blocks[0].marker);
  char *plain = dp_rich_to_plain(rich);
  g_assert_cmpstr(plain, ==,
                  "First line second line.\n\nSection two\n\nLast\nline\n\n"
                  "Setext");
  g_free(plain);
  dp_rich_free(rich);
  g_free(messages);
}

static void test_spans(void) {
  char *messages;
  dp_rich *rich = parse("Å *em* and **strong *both*** `co*de*` "
                        "[link](https://x.org/a b) end",
                        0, &messages);
  /* "a b" is not a link destination: the link stays text. */
  g_assert_cmpstr(messages, ==, "");
  g_assert_nonnull(rich);
  g_assert_cmpuint(rich->count, ==, 1);
  dp_rich_free(rich);
  g_free(messages);

  rich = parse("Å *em* and **strong *both*** `co*de*` "
               "[link **x**](https://x.org/?a=1&b=2) <mailto:a@b.no> "
               "<c@d.no> [](http://e.org)", 0, &messages);
  g_assert_cmpstr(messages, ==, "");
  const dp_block *b = &rich->blocks[0];
  g_assert_cmpstr(b->text, ==, "Å em and strong both co*de* link x "
                               "mailto:a@b.no c@d.no http://e.org");
  g_assert_cmpuint(b->span_count, ==, 9);
  struct { dp_span_kind kind; const char *text; const char *url; } want[] = {
      {DP_SPAN_EMPHASIS, "em", NULL},
      {DP_SPAN_STRONG, "strong both", NULL},
      {DP_SPAN_EMPHASIS, "both", NULL},
      {DP_SPAN_CODE, "co*de*", NULL},
      {DP_SPAN_LINK, "link x", "https://x.org/?a=1&b=2"},
      {DP_SPAN_STRONG, "x", NULL},
      {DP_SPAN_LINK, "mailto:a@b.no", "mailto:a@b.no"},
      {DP_SPAN_LINK, "c@d.no", "mailto:c@d.no"},
      {DP_SPAN_LINK, "http://e.org", "http://e.org"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    char *t = span_text(b, i);
    g_assert_cmpint(b->spans[i].kind, ==, want[i].kind);
    g_assert_cmpstr(t, ==, want[i].text);
    g_assert_cmpstr(b->spans[i].url, ==, want[i].url);
    g_free(t);
  }
  /* Byte offsets, not characters: "Å " is three bytes. */
  g_assert_cmpuint(b->spans[0].start, ==, 3);
  g_assert_cmpuint(b->spans[0].end, ==, 5);
  dp_rich_free(rich);
  g_free(messages);
}

static void test_lists_and_quotes(void) {
  char *messages;
  dp_rich *rich = parse("- one\n- two\n\n  more of two\n  - nested\n\n"
                        "3) three\n4) four\n\n> quoted\n>\n> > deeper\n"
                        ">   - in a quote\n\n7. seven\n-\n",
                        DP_RICH_LINES, &messages);
  g_assert_cmpstr(messages, ==, "");
  g_assert_nonnull(rich);
  struct { const char *text, *marker; int list, quote; } want[] = {
      {"one", "\u2022", 1, 0},
      {"two", "\u2022", 1, 0},
      {"more of two", NULL, 1, 0},
      {"nested", "\u2022", 2, 0},
      {"three", "3)", 1, 0},
      {"four", "4)", 1, 0},
      {"quoted", NULL, 0, 1},
      {"deeper", NULL, 0, 2},
      {"in a quote", "\u2022", 1, 1},
      {"seven", "7.", 1, 0},
      {"", "\u2022", 1, 0}, /* an empty item keeps its marker */
  };
  g_assert_cmpuint(rich->count, ==, G_N_ELEMENTS(want));
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    const dp_block *b = &rich->blocks[i];
    g_assert_cmpstr(b->text, ==, want[i].text);
    g_assert_cmpstr(b->marker, ==, want[i].marker);
    g_assert_cmpint(b->list_depth, ==, want[i].list);
    g_assert_cmpint(b->quote_depth, ==, want[i].quote);
  }
  /* The item's paragraph starts after "- ": file column 3 + 2. */
  g_assert_cmpint(rich->blocks[0].mark.line, ==, 10);
  g_assert_cmpint(rich->blocks[0].mark.column, ==, 5);
  char *plain = dp_rich_to_plain(rich);
  g_assert_true(g_str_has_prefix(plain, "\u2022 one\n\n\u2022 two\n\n"));
  g_free(plain);
  dp_rich_free(rich);
  g_free(messages);
}

static void test_errors_at_their_place(void) {
  char *messages;
  dp_rich *rich = parse("Text with <b>bold</b>.\n\n<div>\nblock\n</div>\n\n"
                        "é ![alt](x.png) [rel](page.html)\n\n***\n\n"
                        "    code\n",
                        DP_RICH_LINES, &messages);
  g_assert_null(rich);
  g_assert_cmpstr(messages, ==,
      "10:13: raw HTML is not allowed in Markdown\n"
      "10:20: raw HTML is not allowed in Markdown\n"
      "12:3: raw HTML is not allowed in Markdown\n"
      /* Columns count characters: "é " is two. */
      "16:5: images are not allowed in Markdown; use logo or photo\n"
      "16:19: links must be http, https or mailto URLs, not 'page.html'\n"
      "18:3: thematic breaks ('---', '***') are not allowed in Markdown\n"
      "20:7: code blocks are not allowed in Markdown (a line indented by "
      "four spaces or a ``` fence starts one)\n");
  g_free(messages);

  /* Without DP_RICH_LINES everything is reported at the mark. */
  rich = parse("a <i>b</i>", 0, &messages);
  g_assert_null(rich);
  g_assert_cmpstr(messages, ==,
                  "10:3: raw HTML is not allowed in Markdown\n"
                  "10:3: raw HTML is not allowed in Markdown\n");
  g_free(messages);
}

static void test_inline(void) {
  char *messages;
  dp_rich *rich = parse("A *title*\nover two lines", DP_RICH_INLINE,
                        &messages);
  g_assert_cmpstr(messages, ==, "");
  g_assert_nonnull(rich);
  g_assert_cmpuint(rich->count, ==, 1);
  g_assert_cmpstr(rich->blocks[0].text, ==, "A title over two lines");
  dp_rich_free(rich);
  g_free(messages);

  /* "2. " cannot interrupt a paragraph, "#hashtag" is not a heading. */
  rich = parse("Ranked\n2. second\n#hashtag", DP_RICH_INLINE, &messages);
  g_assert_nonnull(rich);
  g_assert_cmpstr(rich->blocks[0].text, ==, "Ranked 2. second #hashtag");
  dp_rich_free(rich);
  g_free(messages);

  static const struct { const char *text, *message; } bad[] = {
      {"Title\n\nSecond", "11:3: an inline field is one paragraph: remove "
                          "the blank line\n"},
      {"Title\n## Part", "11:3: an inline field is one paragraph: a line may "
                         "not start with '## '\n"},
      {"Title\n- item", "11:3: an inline field is one paragraph: a line may "
                        "not start with '- '\n"},
      {"Title\n1. item", "11:3: an inline field is one paragraph: a line may "
                         "not start with '1. '\n"},
      {"Title\n> quote", "11:3: an inline field is one paragraph: a line may "
                         "not start with '>'\n"},
      {"Title\n===", "11:3: an inline field is one paragraph: a line of '=' "
                     "or '-' under text makes it a heading\n"},
      {"# Title", "10:3: an inline field is one paragraph: a line may not "
                  "start with '# '\n"},
      {"Title\n```\ncode\n```", "11:3: an inline field is one paragraph: a "
                                "line may not start with '```'\n"},
      {"Title\n<div>x</div>", "11:3: raw HTML is not allowed in Markdown\n"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    rich = parse(bad[i].text, DP_RICH_INLINE | DP_RICH_LINES, &messages);
    g_assert_null(rich);
    g_assert_cmpstr(messages, ==, bad[i].message);
    g_free(messages);
  }
}

static void test_plain(void) {
  dp_rich *rich = dp_rich_new_plain("Plain *text*");
  g_assert_cmpuint(rich->count, ==, 1);
  g_assert_cmpstr(rich->blocks[0].text, ==, "Plain *text*");
  g_assert_cmpuint(rich->blocks[0].span_count, ==, 0);
  char *plain = dp_rich_to_plain(rich);
  g_assert_cmpstr(plain, ==, "Plain *text*");
  g_free(plain);
  dp_rich_free(rich);
  dp_rich_free(NULL);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/richtext/paragraphs-and-headings",
                  test_paragraphs_and_headings);
  g_test_add_func("/richtext/spans", test_spans);
  g_test_add_func("/richtext/lists-and-quotes", test_lists_and_quotes);
  g_test_add_func("/richtext/errors", test_errors_at_their_place);
  g_test_add_func("/richtext/inline", test_inline);
  g_test_add_func("/richtext/plain", test_plain);
  return g_test_run();
}
