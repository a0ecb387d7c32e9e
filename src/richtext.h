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

typedef enum dp_span_kind {
  DP_SPAN_EMPHASIS,
  DP_SPAN_STRONG,
  DP_SPAN_CODE,
  DP_SPAN_LINK
} dp_span_kind;

/* Byte range [start, end) of a block's text. */
typedef struct dp_span {
  dp_span_kind kind;
  unsigned start, end;
  char *url; /* links only */
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

/* Parses CommonMark `text` whose first character is at `mark` in its file
 * (a block scalar's content starts on the line after the key; the caller
 * passes that).  Raw HTML, images and thematic breaks are errors reported
 * at their own line.  With `inline_only`, anything but one paragraph is an
 * error.  Returns NULL after reporting.  Free with dp_rich_free(). */
dp_rich *dp_rich_parse(dp_diag *diag, const char *text, size_t length,
                       dp_mark mark, bool inline_only);

/* A rich text of one paragraph holding `text` with no markup. */
dp_rich *dp_rich_new_plain(const char *text);

void dp_rich_free(dp_rich *rich);

/* The text of all blocks joined by blank lines, markup removed. */
char *dp_rich_to_plain(const dp_rich *rich);

#endif
