/* Unit tests of yaml-tree: marks, limits, duplicate and merge keys. */
#include <glib.h>
#include <string.h>

#include "yaml-tree.h"

typedef struct captured {
  GString *messages;
} captured;

static void capture(const dp_diagnostic *d, void *user) {
  captured *c = user;
  g_string_append_printf(c->messages, "%d:%d: %s\n", d->line, d->column,
                         d->message);
}

/* Parses `text`; returns the tree (or NULL) and the messages reported. */
static dp_ytree *parse(const char *text, char **messages) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, false);
  captured c = {g_string_new(NULL)};
  dp_diag_set_callback(diag, capture, &c);
  dp_ytree *tree = dp_ytree_parse(diag, "t.yaml", text, strlen(text));
  *messages = g_string_free(c.messages, FALSE);
  /* Marks point into the diag's interned names, so a tree must not outlive
   * its diag in real code; tests only read marks' numbers. */
  if (tree) {
    const dp_ynode *root = dp_ytree_get_root(tree);
    (void)root;
  }
  dp_diag_free(diag);
  return tree;
}

static void test_marks(void) {
  char *messages;
  dp_ytree *tree = parse("a: 1\nb:\n  - x\n  - 'y'\n", &messages);
  g_assert_nonnull(tree);
  g_assert_cmpstr(messages, ==, "");
  const dp_ynode *root = dp_ytree_get_root(tree);
  g_assert_cmpint(root->kind, ==, DP_YNODE_MAP);
  g_assert_cmpuint(root->count, ==, 2);
  const dp_ynode *b = dp_ynode_map_get(root, "b");
  g_assert_cmpint(b->kind, ==, DP_YNODE_SEQ);
  g_assert_cmpint(b->children[1]->mark.line, ==, 4);
  g_assert_cmpint(b->children[1]->mark.column, ==, 5);
  g_assert_true(b->children[0]->plain);
  g_assert_false(b->children[1]->plain);
  g_assert_cmpstr(dp_ynode_map_get(root, "a")->text, ==, "1");
  dp_ytree_free(tree);
  g_free(messages);
}

/* A mark's byte offset is where its node starts in the file, however many
 * bytes the characters before it take (libyaml counts characters), with
 * a byte order mark and CR LF line breaks; dp_mark_advance moves it with
 * the line and column through a value. */
static void test_mark_offsets(void) {
  const char *texts[] = {
    "\xC3\xA9t\xC3\xA9: \"\xE2\x80\x9Cx\xE2\x80\x9D\"\nk: |\n  ab\n  \xC3\xA9z\n",
    "\xEF\xBB\xBF\xC3\xA9t\xC3\xA9: \"\xE2\x80\x9Cx\xE2\x80\x9D\"\r\nk: |\r\n  ab\n  \xC3\xA9z\n",
  };
  for (size_t t = 0; t < G_N_ELEMENTS(texts); t++) {
    char *messages;
    const char *text = texts[t];
    dp_ytree *tree = parse(text, &messages);
    g_assert_cmpstr(messages, ==, "");
    g_assert_nonnull(tree);
    const dp_ynode *root = dp_ytree_get_root(tree);
    const dp_ynode *quoted = dp_ynode_map_get(root, "\xC3\xA9t\xC3\xA9");
    g_assert_nonnull(quoted);
    g_assert_cmpint(quoted->mark.column, ==, 6);
    g_assert_cmpint(quoted->mark.offset, ==, strstr(text, "\"") - text);
    const dp_ynode *block = dp_ynode_map_get(root, "k");
    g_assert_cmpint(block->mark.offset, ==, strchr(text, '|') - text);
    /* In the block's text "ab\n\xC3\xA9z\n", 'z' is byte 5: line 4, past
     * the two spaces the value lost and the 'é'. */
    dp_mark first = {"t.yaml", 3, 3, strstr(text, "ab") - text};
    dp_mark z = dp_mark_advance(first, block->text, 5, 3);
    g_assert_cmpint(z.line, ==, 4);
    g_assert_cmpint(z.column, ==, 4);
    g_assert_cmpint(z.offset, ==, strchr(text, 'z') - text);
    dp_ytree_free(tree);
    g_free(messages);
  }
}

static void test_duplicate_key(void) {
  char *messages;
  dp_ytree *tree = parse("a: 1\nb: 2\na: 3\nb: 4\n", &messages);
  g_assert_null(tree);
  g_assert_cmpstr(messages, ==,
                  "3:1: key 'a' is given twice (first at line 1, column 1)\n"
                  "4:1: key 'b' is given twice (first at line 2, column 1)\n");
  g_free(messages);
}

static void test_merge_key(void) {
  char *messages;
  dp_ytree *tree = parse("x: &a {p: 1}\ny:\n  <<: *a\n", &messages);
  g_assert_null(tree);
  g_assert_true(g_str_has_prefix(messages, "3:3: merge keys ('<<')"));
  g_free(messages);
}

static void test_alias_shared(void) {
  char *messages;
  dp_ytree *tree = parse("v: &v {room: A}\nw: *v\n", &messages);
  g_assert_nonnull(tree);
  const dp_ynode *root = dp_ytree_get_root(tree);
  g_assert_true(dp_ynode_map_get(root, "v") == dp_ynode_map_get(root, "w"));
  /* root + 2 keys + 2 x (map + key + value) */
  g_assert_cmpuint(root->weight, ==, 9);
  dp_ytree_free(tree);
  g_free(messages);
}

static void test_alias_bomb(void) {
  GString *text = g_string_new("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; c++) {
    g_string_append_printf(text, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
                           c, c, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev);
    prev = c;
  }
  char *messages;
  dp_ytree *tree = parse(text->str, &messages);
  g_assert_null(tree);
  g_assert_nonnull(strstr(messages, "more than 10000 nodes"));
  g_string_free(text, TRUE);
  g_free(messages);
}

static void test_depth(void) {
  GString *text = g_string_new(NULL);
  for (int i = 0; i < 65; i++) g_string_append_c(text, '[');
  for (int i = 0; i < 65; i++) g_string_append_c(text, ']');
  char *messages;
  dp_ytree *tree = parse(text->str, &messages);
  g_assert_null(tree);
  g_assert_nonnull(strstr(messages, "deeper than 64"));
  g_string_free(text, TRUE);
  g_free(messages);

  /* 64 levels are allowed. */
  text = g_string_new(NULL);
  for (int i = 0; i < 64; i++) g_string_append_c(text, '[');
  for (int i = 0; i < 64; i++) g_string_append_c(text, ']');
  tree = parse(text->str, &messages);
  g_assert_nonnull(tree);
  dp_ytree_free(tree);
  g_string_free(text, TRUE);
  g_free(messages);
}

static void test_syntax_error(void) {
  char *messages;
  dp_ytree *tree = parse("a: [1, 2\nb: 3\n", &messages);
  g_assert_null(tree);
  g_assert_true(g_str_has_prefix(messages, "2:"));
  g_free(messages);
}

static void test_invalid_utf8(void) {
  char *messages;
  dp_ytree *tree = parse("a: ok\nb: \xff\xfe\n", &messages);
  g_assert_null(tree);
  g_assert_true(g_str_has_prefix(messages, "2:4: "));
  g_free(messages);
}

static void test_nulls(void) {
  char *messages;
  dp_ytree *tree = parse("a:\nb: ~\nc: ''\nd: null\ne: nul\n", &messages);
  const dp_ynode *root = dp_ytree_get_root(tree);
  g_assert_true(dp_ynode_is_null(dp_ynode_map_get(root, "a")));
  g_assert_true(dp_ynode_is_null(dp_ynode_map_get(root, "b")));
  g_assert_false(dp_ynode_is_null(dp_ynode_map_get(root, "c")));
  g_assert_true(dp_ynode_is_null(dp_ynode_map_get(root, "d")));
  g_assert_false(dp_ynode_is_null(dp_ynode_map_get(root, "e")));
  dp_ytree_free(tree);
  g_free(messages);
}

static void test_two_documents(void) {
  char *messages;
  dp_ytree *tree = parse("a: 1\n---\nb: 2\n", &messages);
  g_assert_null(tree);
  g_assert_nonnull(strstr(messages, "one YAML document"));
  g_free(messages);
}

static void test_suggest(void) {
  static const char *const keys[] = {"committee", "supervisors", "chair", NULL};
  g_assert_cmpstr(dp_diag_suggest("comittee", keys), ==, "committee");
  g_assert_cmpstr(dp_diag_suggest("commitee", keys), ==, "committee");
  g_assert_cmpstr(dp_diag_suggest("supervisor", keys), ==, "supervisors");
  g_assert_null(dp_diag_suggest("banana", keys));
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/yaml-tree/marks", test_marks);
  g_test_add_func("/yaml-tree/duplicate-key", test_duplicate_key);
  g_test_add_func("/yaml-tree/merge-key", test_merge_key);
  g_test_add_func("/yaml-tree/alias-shared", test_alias_shared);
  g_test_add_func("/yaml-tree/alias-bomb", test_alias_bomb);
  g_test_add_func("/yaml-tree/depth", test_depth);
  g_test_add_func("/yaml-tree/syntax-error", test_syntax_error);
  g_test_add_func("/yaml-tree/invalid-utf8", test_invalid_utf8);
  g_test_add_func("/yaml-tree/nulls", test_nulls);
  g_test_add_func("/yaml-tree/mark-offsets", test_mark_offsets);
  g_test_add_func("/yaml-tree/two-documents", test_two_documents);
  g_test_add_func("/yaml-tree/suggest", test_suggest);
  return g_test_run();
}
