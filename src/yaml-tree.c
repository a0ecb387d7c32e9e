/* yaml-tree: see yaml-tree.h.
 *
 * The tree is built from libyaml events with an explicit stack (never
 * recursion), so depth is bounded by DP_YAML_MAX_DEPTH alone.  Every node is
 * owned by the tree's `nodes` array; an alias is the anchored node itself,
 * shared, which is why nothing frees nodes through their parents.  Anchors
 * are registered when their node is complete, so an alias inside its own
 * anchor is "unknown", never a cycle.
 */
#include "yaml-tree.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "yaml-hint.h"

struct dp_ytree {
  const char *name;
  dp_ynode *root;
  GPtrArray *nodes;    /* owns every node */
};

typedef struct frame {
  dp_ynode *node;
  GPtrArray *children;
} frame;

typedef struct builder {
  dp_diag *diag;
  dp_ytree *tree;
  GHashTable *anchors; /* name -> dp_ynode*, names owned */
  GArray *stack;       /* of frame */
  const char *text;    /* for turning byte offsets into lines */
  size_t length;
  bool failed;         /* stop parsing */
  bool invalid;        /* go on parsing, but the tree is not to be used */
  bool limit_reported;
  size_t cursor_line;  /* 0-based line that starts at cursor_offset */
  size_t cursor_offset;
  dp_yaml_cursor comment_cursor; /* warn_comment_cut's place in the text */
  size_t index_chars;  /* byte_offset's place: character index_chars */
  size_t index_bytes;  /* starts at byte index_bytes */
  size_t bom;          /* bytes of a byte order mark before `text` */
} builder;

static void node_free(gpointer data) {
  dp_ynode *node = data;
  g_free(node->text);
  g_free(node->children);
  g_free(node);
}

/* The byte offset in the file of libyaml's mark, whose index counts
 * characters (a CR LF line break two) after any byte order mark.  Marks
 * come nearly in file order: one cursor moves forward from the last. */
static long byte_offset(builder *b, size_t index) {
  if (index < b->index_chars) b->index_chars = b->index_bytes = 0;
  while (b->index_chars < index && b->index_bytes < b->length) {
    b->index_bytes =
        (size_t)(g_utf8_next_char(b->text + b->index_bytes) - b->text);
    b->index_chars++;
  }
  return b->index_chars == index && b->index_bytes <= b->length
             ? (long)(b->bom + b->index_bytes)
             : -1;
}

static dp_mark mark_of(builder *b, yaml_mark_t m) {
  return (dp_mark){b->tree->name, (int)m.line + 1, (int)m.column + 1,
                   byte_offset(b, m.index)};
}

static dp_ynode *node_new(builder *b, dp_ynode_kind kind, yaml_mark_t m) {
  dp_ynode *node = g_new0(dp_ynode, 1);
  node->kind = kind;
  node->mark = mark_of(b, m);
  node->weight = 1;
  g_ptr_array_add(b->tree->nodes, node);
  return node;
}

static bool check_tag(builder *b, const yaml_char_t *tag, yaml_mark_t m) {
  if (!tag || strcmp((const char *)tag, YAML_STR_TAG) == 0 ||
      strcmp((const char *)tag, "!") == 0)
    return true;
  dp_error(b->diag, mark_of(b, m),
           "YAML tags such as '%s' are not supported; write the value as "
           "plain text", (const char *)tag);
  b->failed = true;
  return false;
}

static void register_anchor(builder *b, const yaml_char_t *anchor,
                            dp_ynode *node) {
  if (anchor)
    g_hash_table_replace(b->anchors, g_strdup((const char *)anchor), node);
}

/* Adds `child` to the open container, with duplicate- and merge-key checks
 * and the expanded-size limit.  Returns false when parsing must stop. */
static bool attach(builder *b, dp_ynode *child, const yaml_char_t *anchor,
                   yaml_mark_t m) {
  if (b->stack->len == 0) {
    if (b->tree->root) {
      dp_error(b->diag, child->mark, "expected one YAML document, found more");
      b->failed = true;
      return false;
    }
    b->tree->root = child;
    return true;
  }
  frame *top = &g_array_index(b->stack, frame, b->stack->len - 1);
  dp_ynode *parent = top->node;
  bool is_key = parent->kind == DP_YNODE_MAP && top->children->len % 2 == 0;
  if (is_key) {
    if (child->kind != DP_YNODE_SCALAR) {
      dp_error(b->diag, child->mark, "a key must be plain text, not a %s",
               dp_ynode_kind_name(child));
      b->failed = true;
      return false;
    }
    if (child->plain && strcmp(child->text, "<<") == 0) {
      dp_error(b->diag, child->mark,
               "merge keys ('<<') are not supported; write the keys out or "
               "use an alias for the whole value");
      b->failed = true;
      return false;
    }
    for (guint i = 0; i < top->children->len; i += 2) {
      dp_ynode *other = g_ptr_array_index(top->children, i);
      if (strcmp(other->text, child->text) == 0) {
        dp_error(b->diag, child->mark,
                 "key '%s' is given twice (first at line %d, column %d)",
                 child->text, other->mark.line, other->mark.column);
        b->invalid = true;
        /* Go on: later duplicates are worth reporting in the same run. */
        break;
      }
    }
  }
  g_ptr_array_add(top->children, child);
  parent->weight += child->weight;
  if (parent->weight > DP_YAML_MAX_NODES) parent->weight = DP_YAML_MAX_NODES + 1;
  if (parent->weight > DP_YAML_MAX_NODES) {
    if (!b->limit_reported)
      dp_error(b->diag, mark_of(b, m),
               "the document has more than %d nodes once aliases are "
               "expanded", DP_YAML_MAX_NODES);
    b->limit_reported = true;
    b->failed = true;
    return false;
  }
  (void)anchor;
  return true;
}

static bool open_container(builder *b, dp_ynode_kind kind, yaml_event_t *ev) {
  const yaml_char_t *tag = kind == DP_YNODE_MAP ? ev->data.mapping_start.tag
                                                : ev->data.sequence_start.tag;
  if (!check_tag(b, tag, ev->start_mark)) return false;
  if (b->stack->len >= DP_YAML_MAX_DEPTH) {
    dp_error(b->diag, mark_of(b, ev->start_mark),
             "maps and lists nest deeper than %d levels", DP_YAML_MAX_DEPTH);
    b->failed = true;
    return false;
  }
  frame f = {node_new(b, kind, ev->start_mark), g_ptr_array_new()};
  g_array_append_val(b->stack, f);
  return true;
}

static bool close_container(builder *b, yaml_event_t *ev,
                            const yaml_char_t *anchor) {
  frame f = g_array_index(b->stack, frame, b->stack->len - 1);
  g_array_set_size(b->stack, b->stack->len - 1);
  dp_ynode *node = f.node;
  node->count = f.node->kind == DP_YNODE_MAP ? f.children->len / 2
                                             : f.children->len;
  node->children = (dp_ynode **)g_ptr_array_free(f.children, FALSE);
  register_anchor(b, anchor, node);
  return attach(b, node, anchor, ev->start_mark);
}

/* The indentation of a literal block scalar whose `|` is on 0-based line
 * `header`: the first line with text, in the file and in the value, differ
 * by exactly the stripped indentation.  Literal scalars come in file order,
 * so one forward-moving cursor finds their lines in linear time. */
static int literal_indent(builder *b, size_t header, const char *value) {
  size_t j = 0, k = 0;
  const char *v = value;
  for (;;) {
    k = strspn(v, " ");
    if (v[k] && v[k] != '\n') break;
    if (!v[k]) return 0;
    v += k + 1;
    j++;
  }
  size_t line = header + 1 + j;
  if (line < b->cursor_line) b->cursor_line = b->cursor_offset = 0;
  while (b->cursor_line < line) {
    const char *nl = memchr(b->text + b->cursor_offset, '\n',
                            b->length - b->cursor_offset);
    if (!nl) return 0;
    b->cursor_offset = (size_t)(nl - b->text) + 1;
    b->cursor_line++;
  }
  size_t s = 0;
  while (b->cursor_offset + s < b->length && b->text[b->cursor_offset + s] == ' ')
    s++;
  return s >= k ? (int)(s - k) : 0;
}

/* A plain value that ends right before " #x" on its line was most likely
 * cut by the comment: "title: Room #5" is the title "Room".  A comment
 * written as one, with two spaces or a space after '#', is left alone. */
static void warn_comment_cut(builder *b, const dp_ynode *node,
                             yaml_mark_t end) {
  if (!node->plain || node->length == 0) return;
  size_t at = dp_yaml_offset(b->text, b->length, end.line, end.column,
                             &b->comment_cursor);
  if (at == (size_t)-1 || at + 2 >= b->length) return;
  const char *p = b->text + at;
  if (p[0] != ' ' || p[1] != '#' || strchr(" \t\r\n", p[2])) return;
  /* The value's last byte is right before: the mark and the text agree. */
  if (at == 0 || b->text[at - 1] != node->text[node->length - 1]) return;
  const char *eol = p + strcspn(p, "\r\n");
  dp_mark mark = dp_mark_advance(mark_of(b, end), p, 1, 1);
  dp_warning(b->diag, mark, "the text stops at '%s': ' #' starts a YAML "
             "comment; to keep '%.*s', put the whole value in double quotes",
             node->text, (int)MIN(eol - p - 1, 40), p + 1);
}

static bool on_scalar(builder *b, yaml_event_t *ev) {
  if (!check_tag(b, ev->data.scalar.tag, ev->start_mark)) return false;
  if (ev->data.scalar.length > DP_YAML_MAX_STRING) {
    dp_error(b->diag, mark_of(b, ev->start_mark),
             "this text is longer than %u bytes", DP_YAML_MAX_STRING);
    b->failed = true;
    return false;
  }
  dp_ynode *node = node_new(b, DP_YNODE_SCALAR, ev->start_mark);
  node->text = g_strndup((const char *)ev->data.scalar.value,
                         ev->data.scalar.length);
  node->length = ev->data.scalar.length;
  if (memchr(node->text, '\0', node->length)) {
    dp_error(b->diag, node->mark, "text contains a NUL character");
    b->failed = true;
    return false;
  }
  /* libyaml refuses control characters written as themselves but lets
   * escapes ("\x1b", "\u0085") through: they would reach the terminal,
   * the calendar and the PDF's metadata.  Tabs and line breaks are text. */
  for (size_t i = 0; i < node->length; i++) {
    unsigned char c = (unsigned char)node->text[i];
    unsigned code = 0;
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
      code = c;
    else if (c == 0xC2 && i + 1 < node->length &&
             (unsigned char)node->text[i + 1] >= 0x80 &&
             (unsigned char)node->text[i + 1] <= 0x9F)
      code = (unsigned char)node->text[i + 1];
    else
      continue;
    dp_error(b->diag, node->mark, "text contains the control character "
             "U+%04X, which is not allowed (written as an escape?)", code);
    b->failed = true;
    return false;
  }
  node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  node->literal = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE;
  if (node->literal)
    node->indent = literal_indent(b, ev->start_mark.line, node->text);
  warn_comment_cut(b, node, ev->end_mark);
  register_anchor(b, ev->data.scalar.anchor, node);
  return attach(b, node, ev->data.scalar.anchor, ev->start_mark);
}

static bool on_alias(builder *b, yaml_event_t *ev) {
  const char *name = (const char *)ev->data.alias.anchor;
  dp_ynode *node = g_hash_table_lookup(b->anchors, name);
  if (!node) {
    dp_error(b->diag, mark_of(b, ev->start_mark), "unknown anchor '*%s'", name);
    b->failed = true;
    return false;
  }
  return attach(b, node, NULL, ev->start_mark);
}

static void report_parser_error(builder *b, yaml_parser_t *parser) {
  dp_mark mark = mark_of(b, parser->problem_mark);
  const char *problem = parser->problem ? parser->problem : "invalid YAML";
  if (parser->error == YAML_READER_ERROR) {
    /* The reader reports a byte offset, not a line: find the line. */
    size_t at = MIN(parser->problem_offset, b->length);
    mark = dp_mark_advance((dp_mark){b->tree->name, 1, 1, (long)b->bom},
                           b->text, at, 1);
    dp_error(b->diag, mark, "%s (byte %zu); the file must be UTF-8",
             problem, b->bom + parser->problem_offset);
  } else {
    dp_yaml_error error = {parser->problem, parser->context,
                           parser->problem_mark.line,
                           parser->problem_mark.column,
                           parser->context_mark.line,
                           parser->context_mark.column};
    char *hint = dp_yaml_explain(b->text, b->length, &error, &mark.line,
                                 &mark.column);
    if (hint) mark.offset = -1; /* the hint may have moved the mark */
    if (hint)
      dp_error(b->diag, mark, "%s", hint);
    else if (parser->context)
      dp_error(b->diag, mark, "%s %s (line %zu)", problem, parser->context,
               parser->context_mark.line + 1);
    else
      dp_error(b->diag, mark, "%s", problem);
    g_free(hint);
  }
  b->failed = true;
}

dp_ytree *dp_ytree_parse(dp_diag *diag, const char *name, const char *text,
                         size_t length) {
  builder b = {0};
  /* A byte order mark is not part of the text: libyaml, told the text is
   * UTF-8, takes one for a character and the file for two documents. */
  if (length >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
    b.bom = 3;
    text += 3;
    length -= 3;
  }
  b.diag = diag;
  b.text = text;
  b.length = length;
  b.tree = g_new0(dp_ytree, 1);
  b.tree->name = dp_diag_add_source(diag, name, text, length);
  b.tree->nodes = g_ptr_array_new_with_free_func(node_free);
  b.anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  b.stack = g_array_new(FALSE, FALSE, sizeof(frame));
  /* Anchors of open containers, popped with them. */
  GPtrArray *open_anchors = g_ptr_array_new_with_free_func(g_free);

  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

  bool done = false;
  while (!done && !b.failed) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      report_parser_error(&b, &parser);
      break;
    }
    switch (ev.type) {
      case YAML_STREAM_END_EVENT: done = true; break;
      case YAML_DOCUMENT_START_EVENT:
        if (b.tree->root) {
          dp_error(diag, mark_of(&b, ev.start_mark),
                   "expected one YAML document, found more");
          b.failed = true;
        }
        break;
      case YAML_SCALAR_EVENT: on_scalar(&b, &ev); break;
      case YAML_ALIAS_EVENT: on_alias(&b, &ev); break;
      case YAML_MAPPING_START_EVENT:
      case YAML_SEQUENCE_START_EVENT: {
        bool is_map = ev.type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *anchor = is_map ? ev.data.mapping_start.anchor
                                           : ev.data.sequence_start.anchor;
        if (open_container(&b, is_map ? DP_YNODE_MAP : DP_YNODE_SEQ, &ev))
          g_ptr_array_add(open_anchors,
                          anchor ? g_strdup((const char *)anchor) : NULL);
        break;
      }
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT: {
        char *anchor = g_ptr_array_steal_index(open_anchors, open_anchors->len - 1);
        close_container(&b, &ev, (const yaml_char_t *)anchor);
        g_free(anchor);
        break;
      }
      default: break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);

  for (guint i = 0; i < b.stack->len; i++)
    g_ptr_array_free(g_array_index(b.stack, frame, i).children, TRUE);
  g_array_free(b.stack, TRUE);
  g_ptr_array_free(open_anchors, TRUE);
  g_hash_table_destroy(b.anchors);
  if (b.failed || b.invalid) {
    dp_ytree_free(b.tree);
    return NULL;
  }
  return b.tree;
}

char *dp_ytree_read_file(dp_diag *diag, const char *path, size_t *length) {
  const char *name = dp_diag_intern(diag, path);
  /* Only regular files: a FIFO or a terminal (/dev/stdin) would block for
   * ever, a device might never end.  Opening without blocking keeps a
   * FIFO with no writer from stopping us before we can look. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    dp_error(diag, DP_MARK_FILE(name), "cannot read the file: %s",
             g_strerror(errno));
    if (fd >= 0) close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    dp_error(diag, DP_MARK_FILE(name), "cannot read the file: it is %s, "
             "not a regular file", S_ISDIR(st.st_mode) ? "a folder"
             : S_ISFIFO(st.st_mode) ? "a pipe" : "a device or a socket");
    close(fd);
    return NULL;
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    dp_error(diag, DP_MARK_FILE(name), "cannot read the file: %s",
             g_strerror(errno));
    close(fd);
    return NULL;
  }
  GString *text = g_string_new(NULL);
  char buffer[65536];
  size_t n;
  bool too_big = false;
  while ((n = fread(buffer, 1, sizeof buffer, f)) > 0) {
    if (text->len + n > DP_YAML_MAX_FILE) {
      too_big = true;
      break;
    }
    g_string_append_len(text, buffer, (gssize)n);
  }
  bool read_error = ferror(f);
  int saved_errno = errno;
  fclose(f);
  if (too_big || read_error) {
    if (too_big)
      dp_error(diag, DP_MARK_FILE(name), "the file is larger than %u MiB",
               DP_YAML_MAX_FILE >> 20);
    else
      dp_error(diag, DP_MARK_FILE(name), "cannot read the file: %s",
               g_strerror(saved_errno));
    g_string_free(text, TRUE);
    return NULL;
  }
  *length = text->len;
  return g_string_free(text, FALSE);
}

dp_ytree *dp_ytree_load_file(dp_diag *diag, const char *path) {
  size_t length;
  char *text = dp_ytree_read_file(diag, path, &length);
  if (!text) return NULL;
  dp_ytree *tree = dp_ytree_parse(diag, path, text, length);
  g_free(text);
  return tree;
}

void dp_ytree_free(dp_ytree *tree) {
  if (!tree) return;
  g_ptr_array_free(tree->nodes, TRUE);
  g_free(tree);
}

const dp_ynode *dp_ytree_get_root(const dp_ytree *tree) { return tree->root; }
const char *dp_ytree_get_name(const dp_ytree *tree) { return tree->name; }

bool dp_ynode_is_null(const dp_ynode *node) {
  if (!node) return true;
  if (node->kind != DP_YNODE_SCALAR || !node->plain) return false;
  const char *t = node->text;
  return !*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") ||
         !strcmp(t, "NULL");
}

const dp_ynode *dp_ynode_map_get(const dp_ynode *map, const char *key) {
  if (!map || map->kind != DP_YNODE_MAP) return NULL;
  for (size_t i = 0; i < map->count; i++)
    if (strcmp(map->children[2 * i]->text, key) == 0)
      return map->children[2 * i + 1];
  return NULL;
}

const char *dp_ynode_kind_name(const dp_ynode *node) {
  switch (node->kind) {
    case DP_YNODE_MAP: return "map";
    case DP_YNODE_SEQ: return "list";
    default: return "text";
  }
}
