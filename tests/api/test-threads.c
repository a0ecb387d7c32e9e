/* test-threads: four contexts render different documents in four threads
 * at once, and every PDF is byte for byte the one a single thread makes.
 *
 * This is what "no global state" in disputas.h promises: fonts (a private
 * FcConfig and PangoFontMap per context), hyphenation dictionaries (per
 * context), ICU date formatting (formatters cached for the process, used
 * under a lock), the data paths
 * (computed once, under g_once) and diagnostics (per context).  A race in
 * any of them shows up here as a crash, an ASan report, or different
 * bytes.  Through the shared libdisputas and <disputas/disputas.h> only.
 */
#include <disputas/disputas.h>

#include <glib.h>
#include <string.h>

#ifndef SRCDIR
#error "SRCDIR must name the source root"
#endif

#define THREADS 4

typedef struct job {
  const char *document; /* under samples/ */
  const char *layout;
  GBytes *expected;     /* the single-threaded render */
} job;

static job jobs[THREADS] = {
    {"seed.yaml", "poster", NULL},
    {"bokmal.yaml", "booklet", NULL},
    {"scripts.yaml", "poster", NULL},
    {"nynorsk.yaml", "booklet-print", NULL},
};

/* (transfer full) `j` rendered in `ctx`, or NULL (reported through the
 * context's diagnostics, printed to stderr). */
static GBytes *render(dp_context *ctx, const job *j) {
  char *path = g_build_filename(SRCDIR, "samples", j->document, NULL);
  dp_document *doc = dp_document_load_file(ctx, path);
  g_free(path);
  dp_layout *layout = dp_layout_load(ctx, j->layout);
  GBytes *result = NULL;
  unsigned char *data = NULL;
  size_t length = 0;
  if (doc && layout &&
      dp_render_to_memory(ctx, doc, layout, NULL, &data, &length) ==
          DP_STATUS_OK) {
    result = g_bytes_new(data, length);
  }
  dp_free(data);
  dp_layout_free(layout);
  dp_document_free(doc);
  return result;
}

/* Threads wait here until all have started, so the renders overlap. */
static GMutex start_lock;
static GCond start_cond;
static int started;

typedef struct worker {
  int index;
  /* Renders in order: job index, index+1, … (mod THREADS), all in one
   * context, so each context also serves several documents. */
  GBytes *results[THREADS];
} worker;

static gpointer work(gpointer data) {
  worker *w = data;
  g_mutex_lock(&start_lock);
  started++;
  g_cond_broadcast(&start_cond);
  while (started < THREADS) g_cond_wait(&start_cond, &start_lock);
  g_mutex_unlock(&start_lock);

  dp_context *ctx = dp_context_new();
  for (int k = 0; k < THREADS; k++)
    w->results[k] = render(ctx, &jobs[(w->index + k) % THREADS]);
  dp_context_free(ctx);
  return NULL;
}

static void test_threads(void) {
  /* The references: one thread, a fresh context each. */
  for (int i = 0; i < THREADS; i++) {
    dp_context *ctx = dp_context_new();
    jobs[i].expected = render(ctx, &jobs[i]);
    dp_context_free(ctx);
    g_assert_nonnull(jobs[i].expected);
  }
  /* Different documents do make different PDFs. */
  g_assert_false(g_bytes_equal(jobs[0].expected, jobs[1].expected));

  worker workers[THREADS];
  GThread *threads[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (worker){.index = i};
    char *name = g_strdup_printf("render-%d", i);
    threads[i] = g_thread_new(name, work, &workers[i]);
    g_free(name);
  }
  for (int i = 0; i < THREADS; i++) g_thread_join(threads[i]);

  for (int i = 0; i < THREADS; i++) {
    for (int k = 0; k < THREADS; k++) {
      const job *j = &jobs[(i + k) % THREADS];
      GBytes *got = workers[i].results[k];
      g_test_message("thread %d, render %d: %s in %s", i, k, j->document,
                     j->layout);
      g_assert_nonnull(got);
      if (g_getenv("DP_TEST_DUMP") && !g_bytes_equal(got, j->expected)) {
        /* For a post-mortem: diff them after `qpdf --qdf`. */
        char *a = g_strdup_printf("thread-%d-%d.pdf", i, k);
        char *b = g_strdup_printf("thread-%d-%d.expected.pdf", i, k);
        gsize n;
        const char *d = g_bytes_get_data(got, &n);
        g_file_set_contents(a, d, (gssize)n, NULL);
        d = g_bytes_get_data(j->expected, &n);
        g_file_set_contents(b, d, (gssize)n, NULL);
        g_test_message("different: %s and %s", a, b);
        g_free(a);
        g_free(b);
      }
      gsize got_length, expected_length;
      const void *got_data = g_bytes_get_data(got, &got_length);
      const void *expected_data =
          g_bytes_get_data(j->expected, &expected_length);
      g_assert_cmpmem(got_data, got_length, expected_data, expected_length);
      g_bytes_unref(got);
    }
  }
  for (int i = 0; i < THREADS; i++) g_bytes_unref(jobs[i].expected);
}

int main(int argc, char **argv) {
  /* Byte-identical PDFs need a fixed creation date. */
  g_setenv("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/threads/render", test_threads);
  return g_test_run();
}
