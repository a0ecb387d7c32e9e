/* test-output: the output API a service names, indexes and serves pages
 * with (issue 19): dp_render_pages() gives each page's file whole, as
 * many as dp_count_pages() says, of the size it says, the same bytes as
 * the concatenated render; the document's getters give what the YAML
 * says (the title without its Markdown).
 */
#include <disputas/disputas.h>

#include <glib.h>
#include <math.h>
#include <string.h>

static const char document[] =
    "lang: nb\n"
    "timezone: Europe/Oslo\n"
    "institution:\n"
    "  name: Universitetet i Agder\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Vind, *bølger* og **vinsjer**\n"
    "events:\n"
    "  - kind: trial-lecture\n"
    "    start: 2026-01-16T10:15\n"
    "    end: 2026-01-16T11:00\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16\n";

static const char minimal[] =
    "institution:\n"
    "  name: University of Agder\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "events:\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

static dp_context *context(void) {
  dp_context *ctx = dp_context_new();
  dp_context_set_creation_date(ctx, 1700000000);
  return ctx;
}

static void test_getters(void) {
  dp_context *ctx = context();
  dp_document *doc = dp_document_load_data(ctx, "disputas-eide.yaml",
                                           document, strlen(document));
  g_assert_nonnull(doc);
  g_assert_cmpstr(dp_document_get_stem(doc), ==, "disputas-eide");
  g_assert_cmpstr(dp_document_get_language(doc), ==, "nb");
  g_assert_cmpstr(dp_document_get_title(doc), ==, "Vind, bølger og vinsjer");
  g_assert_cmpstr(dp_document_get_candidate(doc), ==,
                  "Maren Tollefsen Eide");
  g_assert_cmpstr(dp_document_get_timezone(doc), ==, "Europe/Oslo");
  g_assert_cmpint(dp_document_get_event_count(doc), ==, 2);
  const char *kind = NULL, *start = NULL, *end = NULL;
  g_assert_true(dp_document_get_event(doc, 0, &kind, &start, &end));
  g_assert_cmpstr(kind, ==, "trial-lecture");
  g_assert_cmpstr(start, ==, "2026-01-16T10:15");
  g_assert_cmpstr(end, ==, "2026-01-16T11:00");
  g_assert_true(dp_document_get_event(doc, 1, &kind, &start, &end));
  g_assert_cmpstr(kind, ==, "public-defence");
  g_assert_cmpstr(start, ==, "2026-01-16");
  g_assert_null(end);
  g_assert_true(dp_document_get_event(doc, 1, NULL, NULL, NULL));
  /* Out of range: false, nothing set. */
  kind = "unchanged";
  g_assert_false(dp_document_get_event(doc, 2, &kind, NULL, NULL));
  g_assert_false(dp_document_get_event(doc, -1, &kind, NULL, NULL));
  g_assert_cmpstr(kind, ==, "unchanged");
  dp_document_free(doc);

  /* Defaults: English, no zone. */
  doc = dp_document_load_data(ctx, NULL, minimal, strlen(minimal));
  g_assert_nonnull(doc);
  g_assert_cmpstr(dp_document_get_language(doc), ==, "en");
  g_assert_null(dp_document_get_timezone(doc));
  g_assert_cmpstr(dp_document_get_title(doc), ==, "Wind, Waves and Winches");
  g_assert_cmpint(dp_document_get_event_count(doc), ==, 1);
  dp_document_free(doc);
  dp_context_free(ctx);
}

typedef struct pages {
  GPtrArray *files; /* GBytes, one a call */
  int count;        /* as the calls said */
  bool bad_index;   /* a call out of order */
  int stop_after;   /* return false at this call (0: never) */
} pages;

static bool on_page(void *user_data, int index, int count,
                    const unsigned char *data, size_t length) {
  pages *p = user_data;
  if (index != (int)p->files->len || (p->count && count != p->count))
    p->bad_index = true;
  p->count = count;
  g_ptr_array_add(p->files, g_bytes_new(data, length));
  return !(p->stop_after && (int)p->files->len == p->stop_after);
}

static GBytes *whole(dp_context *ctx, dp_document *doc, dp_layout *layout,
                     dp_render_options *options) {
  unsigned char *data = NULL;
  size_t length = 0;
  g_assert_cmpint(dp_render_to_memory(ctx, doc, layout, options, &data,
                                      &length), ==, DP_STATUS_OK);
  GBytes *bytes = g_bytes_new(data, length);
  dp_free(data);
  return bytes;
}

static guint32 be32(const guint8 *p) {
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 |
         p[3];
}

/* The booklet's pages, as PNG and SVG, and as one PDF. */
static void test_pages(void) {
  dp_context *ctx = context();
  dp_document *doc = dp_document_load_data(ctx, "eide.yaml", document,
                                           strlen(document));
  dp_layout *booklet = dp_layout_load(ctx, "booklet");
  g_assert_nonnull(doc);
  g_assert_nonnull(booklet);
  dp_render_options *options = dp_render_options_new();
  const dp_output_format formats[] = {DP_OUTPUT_PNG, DP_OUTPUT_SVG,
                                      DP_OUTPUT_PDF};
  for (size_t f = 0; f < G_N_ELEMENTS(formats); f++) {
    dp_render_options_set_format(options, formats[f]);
    dp_render_options_set_dpi(options, 40);
    int count = 0;
    double width = 0, height = 0;
    g_assert_cmpint(dp_count_pages(ctx, doc, booklet, options, &count, &width,
                                   &height), ==, DP_STATUS_OK);
    g_assert_cmpint(count, >=, 4);
    pages p = {g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref),
               0, false, 0};
    g_assert_cmpint(dp_render_pages(ctx, doc, booklet, options, on_page, &p),
                    ==, DP_STATUS_OK);
    g_assert_false(p.bad_index);
    int files = formats[f] == DP_OUTPUT_PDF ? 1 : count;
    g_assert_cmpint((int)p.files->len, ==, files);
    g_assert_cmpint(p.count, ==, files);
    GByteArray *joined = g_byte_array_new();
    for (guint i = 0; i < p.files->len; i++) {
      gsize n;
      const guint8 *d = g_bytes_get_data(p.files->pdata[i], &n);
      g_byte_array_append(joined, d, (guint)n);
      if (formats[f] == DP_OUTPUT_PNG) {
        /* A whole PNG file of the page's size. */
        g_assert_cmpuint(n, >, 33 + 12);
        g_assert_cmpmem(d, 8, "\x89PNG\r\n\x1a\n", 8);
        g_assert_cmpmem(d + n - 8, 4, "IEND", 4);
        g_assert_cmpuint(be32(d + 16), ==, (guint32)ceil(width * 40 / 72));
        g_assert_cmpuint(be32(d + 20), ==, (guint32)ceil(height * 40 / 72));
      } else if (formats[f] == DP_OUTPUT_SVG) {
        char *text = g_strndup((const char *)d, n);
        g_assert_true(g_str_has_prefix(text, "<?xml"));
        g_assert_true(g_str_has_suffix(g_strchomp(text), "</svg>"));
        g_free(text);
      } else {
        g_assert_cmpmem(d, 5, "%PDF-", 5);
      }
    }
    /* The pages are the whole render's bytes, in order. */
    GBytes *all = whole(ctx, doc, booklet, options);
    GBytes *cat = g_byte_array_free_to_bytes(joined);
    g_assert_true(g_bytes_equal(all, cat));
    g_bytes_unref(all);
    g_bytes_unref(cat);
    g_ptr_array_unref(p.files);
  }

  /* false stops it: no later page. */
  dp_render_options_set_format(options, DP_OUTPUT_SVG);
  pages p = {g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref), 0,
             false, 2};
  dp_context_set_print_diagnostics(ctx, false);
  g_assert_cmpint(dp_render_pages(ctx, doc, booklet, options, on_page, &p),
                  ==, DP_STATUS_WRITE);
  g_assert_cmpint((int)p.files->len, ==, 2);
  g_ptr_array_unref(p.files);

  dp_render_options_free(options);
  dp_layout_free(booklet);
  dp_document_free(doc);
  dp_context_free(ctx);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/output/getters", test_getters);
  g_test_add_func("/output/pages", test_pages);
  return g_test_run();
}
