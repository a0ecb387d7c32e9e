/* richtext: Markdown (through cmark) to a flat model of styled blocks.
 *
 * Composition wants one paragraph-level block at a time, each becoming one
 * PangoLayout, so the tree cmark builds is flattened here: a list item or
 * a quote does not own blocks, it marks the blocks inside it with a depth
 * and (for the first block of an item) a marker.  Inline markup becomes
 * spans over the block's UTF-8 text, ready to be turned into Pango
 * attributes without ever building a markup string.
 */
#ifndef DP_RICHTEXT_H
#define DP_RICHTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* No paragraph (or heading) may hold more than this many bytes.  Pango
 * adds up a paragraph's width in 32-bit units (past some 2 million points,
 * 300 KB of text at 10 pt, its lines come out wrong) and takes time that
 * grows faster than the paragraph to break it; no real paragraph comes
 * near 64 KiB (some 10,000 words). */
#define DP_MAX_PARAGRAPH 65536

/* Lists and quotes may nest this deep (together): each level indents its
 * blocks, and a few dozen leave no width to set them in.  Real summaries
 * nest two or three. */
#define DP_RICH_MAX_DEPTH 8

typedef enum dp_span_kind {
  DP_SPAN_EMPHASIS,
  DP_SPAN_STRONG,
  DP_SPAN_CODE,
  DP_SPAN_LINK,
  DP_SPAN_STYLE,  /* a layout's character style (text runs in layouts) */
  /* What the document says of a field's text (template.c): */
  DP_SPAN_NAME,   /* a person's name: never hyphenated */
  DP_SPAN_LANG    /* text in another language than the document's */
} dp_span_kind;

struct dp_style;

/* Byte range [start, end) of a block's text. */
typedef struct dp_span {
  dp_span_kind kind;
  unsigned start, end;
  char *url; /* links: the target; DP_SPAN_LANG: the BCP 47 tag */
  const struct dp_style *style; /* DP_SPAN_STYLE only; not owned */
} dp_span;

typedef enum dp_block_kind {
  DP_BLOCK_PARAGRAPH,
  DP_BLOCK_HEADING
} dp_block_kind;

typedef struct dp_block {
  dp_block_kind kind;
  int level;        /* headings: 1-6 */
  int list_depth;   /* 0 outside lists */
  int quote_depth;  /* 0 outside block quotes */
  char *marker;     /* "•", "3." on the first block of a list item, else NULL */
  char *text;       /* UTF-8; a hard break is '\n' (U+2028 is not used) */
  size_t length;
  dp_span *spans;   /* sorted by start */
  size_t span_count;
  dp_mark mark;     /* where the block starts in the source file */
} dp_block;

typedef struct dp_rich {
  dp_block *blocks;
  size_t count;
} dp_rich;

/* How dp_rich_parse() reads its text. */
typedef enum dp_rich_flags {
  /* An inline field: anything but exactly one paragraph is an error. */
  DP_RICH_INLINE = 1u << 0,
  /* The text's lines are the file's lines (a literal `|` block scalar):
   * line 1 is `mark.line`, and every line starts at `mark.column` (the
   * block's indentation plus one), so problems are reported at their own
   * line and column.  Without it, every problem is reported at `mark`
   * (a plain, quoted or folded scalar, whose line breaks YAML has folded). */
  DP_RICH_LINES = 1u << 1
} dp_rich_flags;

/* Parses CommonMark `text` that sits at `mark` in its file (see
 * dp_rich_flags; `flags` 0 or 1 behaves as the old `bool inline_only`).
 * Raw HTML, images, code blocks, thematic breaks, links that are not
 * http, https or mailto, paragraphs longer than DP_MAX_PARAGRAPH and
 * lists and quotes nested deeper than DP_RICH_MAX_DEPTH are errors
 * reported at their own line.  With
 * DP_RICH_INLINE, anything but one paragraph is an error, reported at the
 * blank line or block marker that starts a second block.  Reports every
 * problem, then returns NULL if there was any.  Free with dp_rich_free(). */
dp_rich *dp_rich_parse(dp_diag *diag, const char *text, size_t length,
                       dp_mark mark, unsigned flags);

/* A rich text of one paragraph holding `text` with no markup. */
dp_rich *dp_rich_new_plain(const char *text);

void dp_rich_free(dp_rich *rich);

/* (transfer full) The text of all blocks joined by blank lines, markup
 * removed; list items keep their marker ("• ", "3. ").  Free with g_free(). */
char *dp_rich_to_plain(const dp_rich *rich);

#endif
