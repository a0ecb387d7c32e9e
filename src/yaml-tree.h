/* yaml-tree: YAML text to a small immutable tree with 1-based marks.
 *
 * The only module that includes <yaml.h>.  It parses with libyaml's event
 * API and enforces the limits that protect against hostile input (see the
 * DP_YAML_* constants), rejects duplicate keys, merge keys, tags and
 * multi-document streams, and resolves aliases by sharing nodes.
 */
#ifndef DP_YAML_TREE_H
#define DP_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Nested maps and lists deeper than this are an error: no real
 * announcement or layout nests beyond 8, and the limit keeps every
 * recursive walk of the tree shallow. */
#define DP_YAML_MAX_DEPTH 64

/* The tree may hold at most this many nodes after alias expansion, so a
 * "billion laughs" document is refused before anything walks it. */
#define DP_YAML_MAX_NODES 10000

/* One scalar may hold at most 4 MiB: the longest real summary is a few
 * tens of kilobytes. */
#define DP_YAML_MAX_STRING (4u << 20)

/* A file larger than 16 MiB is refused before it is parsed. */
#define DP_YAML_MAX_FILE (16u << 20)

typedef enum dp_ynode_kind {
  DP_YNODE_SCALAR,
  DP_YNODE_MAP,
  DP_YNODE_SEQ
} dp_ynode_kind;

typedef struct dp_ynode dp_ynode;
struct dp_ynode {
  dp_ynode_kind kind;
  dp_mark mark;   /* where the node starts */
  /* Scalars. */
  char *text;     /* NUL-terminated, not trimmed */
  size_t length;
  bool plain;     /* unquoted flow scalar: may be null or a boolean */
  bool literal;   /* a `|` block scalar: its lines are the file's lines,
                     starting on the line after `mark` */
  int indent;     /* literal: the columns of indentation YAML stripped
                     from each line */
  /* Maps and sequences.  A map's keys are children[2i], values [2i+1];
   * keys are always scalars. */
  size_t count;   /* entries: items of a list, pairs of a map */
  dp_ynode **children;
  size_t weight;  /* nodes in this subtree once aliases are expanded */
};

typedef struct dp_ytree dp_ytree;

/* Parses `text` (not necessarily NUL-terminated).  Reports every problem to
 * `diag` under the file name `name`, which it also registers as a source so
 * reports can quote lines.  Returns NULL after reporting an error.  An
 * empty document gives a tree whose root is NULL.  Free with
 * dp_ytree_free(). */
dp_ytree *dp_ytree_parse(dp_diag *diag, const char *name, const char *text,
                         size_t length);

/* (transfer full) The bytes of `path`, bounded by DP_YAML_MAX_FILE, with a
 * NUL after them; NULL after reporting when the file cannot be read or is
 * too large.  For binders that want the text as well as the tree. */
char *dp_ytree_read_file(dp_diag *diag, const char *path, size_t *length);

/* Reads `path` (bounded by DP_YAML_MAX_FILE) and parses it.  `display`
 * is the name used in diagnostics (the path as the user wrote it). */
dp_ytree *dp_ytree_load_file(dp_diag *diag, const char *path);

void dp_ytree_free(dp_ytree *tree);

/* (transfer none) The root node, or NULL for an empty document. */
const dp_ynode *dp_ytree_get_root(const dp_ytree *tree);

/* The file name as interned in the diag (for marks of the whole file). */
const char *dp_ytree_get_name(const dp_ytree *tree);

/* True for a plain `~`, `null`, `Null`, `NULL` or empty scalar. */
bool dp_ynode_is_null(const dp_ynode *node);

/* The value for `key` in a map, or NULL. */
const dp_ynode *dp_ynode_map_get(const dp_ynode *map, const char *key);

/* "map", "list" or "text": for messages such as "expected a map, got a list". */
const char *dp_ynode_kind_name(const dp_ynode *node);

#endif
