/* richtext: see richtext.h.
 *
 * One pass of cmark's iterator over the parsed document.  Container blocks
 * (lists, items, quotes) only change the state that the leaf blocks inside
 * them are stamped with: list and quote depth, and the marker waiting for
 * an item's first block.  Leaf blocks (paragraphs, headings) collect their
 * inline content into one text with spans; an inline container (emphasis,
 * strong, link) opens a span on enter and closes it on exit.
 *
 * Positions: cmark reports 1-based lines and 1-based *byte* columns of the
 * Markdown text; diag wants character columns of the YAML file.  mark_at()
 * does that mapping (see DP_RICH_LINES).
 */
#include "richtext.h"

#include <cmark.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

typedef struct open_list {
  bool ordered;
  bool paren;     /* `1)` rather than `1.` */
  int next;       /* number of the next item */
} open_list;

typedef struct parser {
  dp_diag *diag;
  const char *text;
  size_t length;
  dp_mark mark;
  unsigned flags;
  GArray *line_starts;  /* byte offset of each line of `text` */
  int errors;

  GArray *blocks;       /* of dp_block */
  GArray *lists;        /* of open_list */
  int quote_depth;
  bool too_deep;        /* DP_RICH_MAX_DEPTH was reported */
  char *pending_marker; /* the open item's marker, until a block takes it */
  cmark_node *pending_item;

  /* The leaf block being filled, if any. */
  bool in_block;
  dp_block block;
  GString *block_text;
  GArray *block_spans;  /* of dp_span */
  GArray *open_spans;   /* of dp_span, waiting for their end */
} parser;

/* ---- positions ---------------------------------------------------------- */

/* The text of line `line` (1-based) and its length without the newline. */
static const char *source_line(const parser *p, int line, size_t *length) {
  if (line < 1 || (guint)line > p->line_starts->len) return NULL;
  size_t start = g_array_index(p->line_starts, size_t, line - 1);
  size_t end = (guint)line < p->line_starts->len
                   ? g_array_index(p->line_starts, size_t, line) - 1
                   : p->length;
  *length = end - start;
  return p->text + start;
}

/* The file mark of cmark's (line, byte column). */
static dp_mark mark_at(const parser *p, int line, int byte_column) {
  if (!(p->flags & DP_RICH_LINES) || line < 1) return p->mark;
  size_t length;
  const char *s = source_line(p, line, &length);
  if (!s) {
    dp_mark m = p->mark;
    m.line += line - 1;
    m.offset = -1;
    return m;
  }
  size_t bytes = byte_column > 1 ? MIN((size_t)(byte_column - 1), length) : 0;
  /* Every line of the text is indented as the first in the file.  From
   * the line's start, not the text's: a summary has thousands of lines. */
  dp_mark m = p->mark;
  m.line += line - 1;
  if (m.offset >= 0)
    m.offset += (long)(s - p->text) + (long)(line - 1) * (m.column - 1);
  return dp_mark_advance(m, s, bytes, 1);
}

static dp_mark node_mark(const parser *p, cmark_node *node) {
  /* Inline nodes such as soft breaks carry no position: use the nearest
   * ancestor that has one. */
  while (node && cmark_node_get_start_line(node) < 1)
    node = cmark_node_parent(node);
  if (!node) return mark_at(p, 0, 0);
  return mark_at(p, cmark_node_get_start_line(node),
                cmark_node_get_start_column(node));
}

static void error(parser *p, dp_mark mark, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void error(parser *p, dp_mark mark, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  dp_error(p->diag, mark, "%s", message);
  g_free(message);
  p->errors++;
}

/* ---- blocks ------------------------------------------------------------- */

static void block_begin(parser *p, dp_block_kind kind, int level,
                          dp_mark mark) {
  p->in_block = true;
  memset(&p->block, 0, sizeof p->block);
  p->block.kind = kind;
  p->block.level = level;
  p->block.list_depth = (int)p->lists->len;
  p->block.quote_depth = p->quote_depth;
  p->block.marker = p->pending_marker;
  p->pending_marker = NULL;
  p->block.mark = mark;
  g_string_truncate(p->block_text, 0);
  g_array_set_size(p->block_spans, 0);
  g_array_set_size(p->open_spans, 0);
}

/* Outer spans first when two start together, so a renderer can apply them
 * in order. */
static int span_compare(const void *a, const void *b) {
  const dp_span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  return 0;
}

static void block_end(parser *p) {
  if (!p->in_block) return;
  p->in_block = false;
  /* Spans left open (never, with a well-formed tree) are dropped. */
  for (guint i = 0; i < p->open_spans->len; i++)
    g_free(g_array_index(p->open_spans, dp_span, i).url);
  g_array_set_size(p->open_spans, 0);
  if (p->block_text->len > DP_MAX_PARAGRAPH)
    error(p, p->block.mark,
            "this %s is %zu bytes long; at most %d are allowed (split it "
            "with blank lines)",
            p->block.kind == DP_BLOCK_HEADING ? "heading" : "paragraph",
            p->block_text->len, DP_MAX_PARAGRAPH);
  p->block.length = p->block_text->len;
  p->block.text = g_strndup(p->block_text->str, p->block_text->len);
  p->block.span_count = p->block_spans->len;
  if (p->block.span_count) {
    qsort(p->block_spans->data, p->block_spans->len, sizeof(dp_span),
          span_compare);
    p->block.spans = g_memdup2(p->block_spans->data,
                               sizeof(dp_span) * p->block_spans->len);
  }
  g_array_set_size(p->block_spans, 0);
  g_array_append_val(p->blocks, p->block);
}

static void span_open(parser *p, dp_span_kind kind, const char *url) {
  dp_span span = {.kind = kind, .start = (unsigned)p->block_text->len,
                  .url = g_strdup(url)};
  g_array_append_val(p->open_spans, span);
}

static void span_close(parser *p) {
  if (!p->open_spans->len) return;
  dp_span span = g_array_index(p->open_spans, dp_span, p->open_spans->len - 1);
  g_array_set_size(p->open_spans, p->open_spans->len - 1);
  if (span.kind == DP_SPAN_LINK && span.start == p->block_text->len) {
    /* `[](https://…)` or an empty autolink: show the address. */
    const char *shown = span.url;
    if (g_ascii_strncasecmp(shown, "mailto:", 7) == 0) shown += 7;
    g_string_append(p->block_text, shown);
  }
  span.end = (unsigned)p->block_text->len;
  if (span.end > span.start) g_array_append_val(p->block_spans, span);
  else g_free(span.url);
}

/* ---- checks ------------------------------------------------------------- */

static bool url_allowed(const char *url) {
  static const char *const schemes[] = {"http://", "https://", "mailto:"};
  for (size_t i = 0; i < G_N_ELEMENTS(schemes); i++) {
    size_t n = strlen(schemes[i]);
    if (g_ascii_strncasecmp(url, schemes[i], n) == 0 && url[n] &&
        !strchr(url, ' '))
      return true;
  }
  return false;
}

/* The block marker at the start of `node`'s first line, as written
 * ("## ", "- ", "1. ", ">"), for messages about inline fields. */
static char *marker_text(const parser *p, cmark_node *node) {
  size_t length;
  const char *s = source_line(p, cmark_node_get_start_line(node), &length);
  int column = cmark_node_get_start_column(node);
  if (!s || column < 1 || (size_t)column > length) return g_strdup("?");
  const char *q = s + column - 1, *end = s + length;
  while (q < end && (*q == ' ' || *q == '\t')) q++;
  const char *m = q;
  if (*m == '>') return g_strdup(">");
  if (*m == '#') {
    while (q < end && *q == '#') q++;
  } else if (*m == '-' || *m == '*' || *m == '+') {
    q++;
  } else if (g_ascii_isdigit(*m)) {
    while (q < end && g_ascii_isdigit(*q)) q++;
    if (q < end) q++; /* '.' or ')' */
  } else if (*m == '`' || *m == '~') {
    while (q < end && *q == *m) q++;
    return g_strndup(m, (gsize)(q - m));
  }
  return g_strdup_printf("%.*s ", (int)(q - m), m);
}

static bool is_atx(const parser *p, cmark_node *node) {
  size_t length;
  const char *s = source_line(p, cmark_node_get_start_line(node), &length);
  if (!s) return true;
  size_t i = 0;
  while (i < length && s[i] == ' ') i++;
  return i < length && s[i] == '#';
}

/* In an inline field, `node` is a top-level block after the first
 * paragraph, or a first block that is not a paragraph: explain which line
 * makes it a block of its own. */
static void inline_violation(parser *p, cmark_node *node) {
  static const char prefix[] = "an inline field is one paragraph";
  cmark_node *previous = cmark_node_previous(node);
  cmark_node_type type = cmark_node_get_type(node);
  if (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_THEMATIC_BREAK)
    return; /* reported as such by the walk */
  if (previous && type == CMARK_NODE_PARAGRAPH) {
    int line = cmark_node_get_end_line(previous) + 1;
    error(p, mark_at(p, line, 1), "%s: remove the blank line", prefix);
    return;
  }
  dp_mark mark = node_mark(p, node);
  switch (type) {
    case CMARK_NODE_HEADING:
      if (is_atx(p, node)) {
        char *marker = marker_text(p, node);
        error(p, mark, "%s: a line may not start with '%s'", prefix, marker);
        g_free(marker);
      } else {
        int line = cmark_node_get_end_line(node);
        error(p, mark_at(p, line, 1),
                "%s: a line of '=' or '-' under text makes it a heading",
                prefix);
      }
      break;
    case CMARK_NODE_LIST:
    case CMARK_NODE_BLOCK_QUOTE: {
      char *marker = marker_text(p, node);
      error(p, mark, "%s: a line may not start with '%s'", prefix, marker);
      g_free(marker);
      break;
    }
    case CMARK_NODE_CODE_BLOCK: {
      char *marker = marker_text(p, node);
      if (marker[0] == '`' || marker[0] == '~')
        error(p, mark, "%s: a line may not start with '%s'", prefix, marker);
      else
        error(p, mark, "%s: a line indented by four spaces starts a code "
                         "block", prefix);
      g_free(marker);
      break;
    }
    default:
      error(p, mark, "%s", prefix);
      break;
  }
}

/* ---- the walk ----------------------------------------------------------- */

static char *item_marker(parser *p) {
  open_list *list = &g_array_index(p->lists, open_list, p->lists->len - 1);
  if (!list->ordered) return g_strdup("\u2022");
  return g_strdup_printf("%d%c", list->next++, list->paren ? ')' : '.');
}

/* A list item without any block still shows its marker. */
static void flush_pending_item(parser *p) {
  if (!p->pending_marker) return;
  block_begin(p, DP_BLOCK_PARAGRAPH, 0, node_mark(p, p->pending_item));
  p->block.list_depth = (int)p->lists->len;
  block_end(p);
}

static void walk_document(parser *p, cmark_node *document) {
  bool inline_only = p->flags & DP_RICH_INLINE;
  if (inline_only) {
    cmark_node *first = cmark_node_first_child(document);
    for (cmark_node *n = first; n; n = cmark_node_next(n))
      if (n != first || cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
        inline_violation(p, n);
  }

  cmark_iter *iter = cmark_iter_new(document);
  cmark_event_type event;
  while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    cmark_node *node = cmark_iter_get_node(iter);
    bool enter = event == CMARK_EVENT_ENTER;
    cmark_node_type type = cmark_node_get_type(node);
    if (enter && !p->too_deep &&
        (type == CMARK_NODE_LIST || type == CMARK_NODE_BLOCK_QUOTE) &&
        (int)p->lists->len + p->quote_depth >= DP_RICH_MAX_DEPTH) {
      error(p, node_mark(p, node),
              "lists and quotes nest deeper than %d levels", DP_RICH_MAX_DEPTH);
      p->too_deep = true;
    }
    switch (type) {
      case CMARK_NODE_LIST:
        if (enter) {
          open_list list = {
              cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
              cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM,
              cmark_node_get_list_start(node)};
          g_array_append_val(p->lists, list);
        } else {
          g_array_set_size(p->lists, p->lists->len - 1);
        }
        break;
      case CMARK_NODE_ITEM:
        if (enter) {
          g_free(p->pending_marker);
          p->pending_marker = item_marker(p);
          p->pending_item = node;
        } else {
          flush_pending_item(p);
        }
        break;
      case CMARK_NODE_BLOCK_QUOTE:
        p->quote_depth += enter ? 1 : -1;
        break;
      case CMARK_NODE_PARAGRAPH:
      case CMARK_NODE_HEADING:
        if (enter) {
          bool heading = cmark_node_get_type(node) == CMARK_NODE_HEADING;
          block_begin(p, heading ? DP_BLOCK_HEADING : DP_BLOCK_PARAGRAPH,
                        heading ? cmark_node_get_heading_level(node) : 0,
                        node_mark(p, node));
        } else {
          block_end(p);
        }
        break;
      case CMARK_NODE_HTML_BLOCK:
      case CMARK_NODE_HTML_INLINE:
        error(p, node_mark(p, node), "raw HTML is not allowed in Markdown");
        break;
      case CMARK_NODE_THEMATIC_BREAK:
        error(p, node_mark(p, node),
                "thematic breaks ('---', '***') are not allowed in Markdown");
        break;
      case CMARK_NODE_CODE_BLOCK:
        if (!inline_only)
          error(p, node_mark(p, node),
                  "code blocks are not allowed in Markdown (a line indented "
                  "by four spaces or a ``` fence starts one)");
        break;
      case CMARK_NODE_IMAGE:
        if (enter)
          error(p, node_mark(p, node),
                  "images are not allowed in Markdown; use logo or photo");
        /* Skip the alternative text: the image is not shown. */
        cmark_iter_reset(iter, node, CMARK_EVENT_EXIT);
        break;
      case CMARK_NODE_TEXT:
        if (p->in_block) g_string_append(p->block_text, cmark_node_get_literal(node));
        break;
      case CMARK_NODE_SOFTBREAK:
        if (p->in_block) g_string_append_c(p->block_text, ' ');
        break;
      case CMARK_NODE_LINEBREAK:
        if (p->in_block) g_string_append_c(p->block_text, '\n');
        break;
      case CMARK_NODE_CODE:
        if (p->in_block) {
          span_open(p, DP_SPAN_CODE, NULL);
          g_string_append(p->block_text, cmark_node_get_literal(node));
          span_close(p);
        }
        break;
      case CMARK_NODE_EMPH:
      case CMARK_NODE_STRONG:
        if (!p->in_block) break;
        if (enter)
          span_open(p, cmark_node_get_type(node) == CMARK_NODE_EMPH
                             ? DP_SPAN_EMPHASIS : DP_SPAN_STRONG, NULL);
        else
          span_close(p);
        break;
      case CMARK_NODE_LINK:
        if (enter) {
          const char *url = cmark_node_get_url(node);
          if (!url) url = "";
          if (!url_allowed(url))
            error(p, node_mark(p, node),
                    "links must be http, https or mailto URLs, not '%s'", url);
          if (p->in_block) span_open(p, DP_SPAN_LINK, url);
        } else if (p->in_block) {
          span_close(p);
        }
        break;
      default:
        break;
    }
  }
  cmark_iter_free(iter);
}

/* ---- public ------------------------------------------------------------- */

static void blocks_free(dp_block *blocks, size_t count) {
  for (size_t i = 0; i < count; i++) {
    g_free(blocks[i].marker);
    g_free(blocks[i].text);
    for (size_t j = 0; j < blocks[i].span_count; j++)
      g_free(blocks[i].spans[j].url);
    g_free(blocks[i].spans);
  }
}

dp_rich *dp_rich_parse(dp_diag *diag, const char *text, size_t length,
                       dp_mark mark, unsigned flags) {
  parser p = {0};
  p.diag = diag;
  p.text = text;
  p.length = length;
  p.mark = mark;
  if (p.mark.column < 1) p.mark.column = 1;
  p.flags = flags;
  p.line_starts = g_array_new(FALSE, FALSE, sizeof(size_t));
  size_t zero = 0;
  g_array_append_val(p.line_starts, zero);
  for (size_t i = 0; i < length; i++)
    if (text[i] == '\n') {
      size_t next = i + 1;
      g_array_append_val(p.line_starts, next);
    }
  p.blocks = g_array_new(FALSE, FALSE, sizeof(dp_block));
  p.lists = g_array_new(FALSE, FALSE, sizeof(open_list));
  p.block_text = g_string_new(NULL);
  p.block_spans = g_array_new(FALSE, FALSE, sizeof(dp_span));
  p.open_spans = g_array_new(FALSE, FALSE, sizeof(dp_span));

  cmark_node *document = cmark_parse_document(text, length, CMARK_OPT_DEFAULT);
  walk_document(&p, document);
  cmark_node_free(document);
  block_end(&p);
  g_free(p.pending_marker);

  if ((flags & DP_RICH_INLINE) && p.errors == 0 && p.blocks->len != 1) {
    /* An empty inline field: the caller normally catches that first. */
    error(&p, mark, "an inline field is one paragraph");
  }

  dp_rich *rich = NULL;
  if (p.errors == 0) {
    rich = g_new0(dp_rich, 1);
    rich->count = p.blocks->len;
    rich->blocks = (dp_block *)g_array_free(p.blocks, FALSE);
  } else {
    blocks_free((dp_block *)(void *)p.blocks->data, p.blocks->len);
    g_array_free(p.blocks, TRUE);
  }
  g_array_free(p.line_starts, TRUE);
  g_array_free(p.lists, TRUE);
  g_string_free(p.block_text, TRUE);
  g_array_free(p.block_spans, TRUE);
  g_array_free(p.open_spans, TRUE);
  return rich;
}

dp_rich *dp_rich_new_plain(const char *text) {
  dp_rich *rich = g_new0(dp_rich, 1);
  rich->count = 1;
  rich->blocks = g_new0(dp_block, 1);
  rich->blocks[0].kind = DP_BLOCK_PARAGRAPH;
  rich->blocks[0].text = g_strdup(text ? text : "");
  rich->blocks[0].length = strlen(rich->blocks[0].text);
  return rich;
}

void dp_rich_free(dp_rich *rich) {
  if (!rich) return;
  blocks_free(rich->blocks, rich->count);
  g_free(rich->blocks);
  g_free(rich);
}

char *dp_rich_to_plain(const dp_rich *rich) {
  GString *out = g_string_new(NULL);
  for (size_t i = 0; rich && i < rich->count; i++) {
    const dp_block *b = &rich->blocks[i];
    if (i) g_string_append(out, "\n\n");
    if (b->marker) {
      g_string_append(out, b->marker);
      g_string_append_c(out, ' ');
    }
    g_string_append_len(out, b->text, (gssize)b->length);
  }
  return g_string_free(out, FALSE);
}
