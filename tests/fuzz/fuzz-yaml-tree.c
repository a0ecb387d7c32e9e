/* Fuzz target: YAML text to the tree (yaml-tree.c), with its limits. */
#include "fuzz.h"
#include "yaml-tree.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  dp_fuzz_setup();
  return 0;
}

/* Visits every node once per path (aliases are shared, and the node limit
 * bounds the expanded tree), reading what the binders read. */
static size_t walk(const dp_ynode *node, int depth) {
  if (!node) return 0;
  size_t seen = 1;
  if (node->kind == DP_YNODE_SCALAR) {
    seen += dp_ynode_is_null(node) + node->length % 2;
    return seen;
  }
  size_t children = node->kind == DP_YNODE_MAP ? 2 * node->count : node->count;
  for (size_t i = 0; i < children; i++) seen += walk(node->children[i], depth + 1);
  if (node->kind == DP_YNODE_MAP && node->count > 0)
    seen += dp_ynode_map_get(node, node->children[0]->text) != NULL;
  return seen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dp_diag *diag = dp_fuzz_diag_new();
  dp_ytree *tree = dp_ytree_parse(diag, "fuzz.yaml", (const char *)data, size);
  if (tree) {
    const dp_ynode *root = dp_ytree_get_root(tree);
    if (root) {
      size_t nodes = walk(root, 0);
      if (nodes == 0) abort();
      (void)dp_ynode_kind_name(root);
    }
    dp_ytree_free(tree);
  }
  dp_diag_free(diag);
  return 0;
}
