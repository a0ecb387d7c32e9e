/* test-stress: many threads, each with a context of its own, render every
 * sample (the multi-script one, the SVG logo set with Pango by librsvg,
 * the JPEG photo) in every built-in layout, as PDF, PNG and SVG, each
 * thread starting at another place in the list so different documents
 * overlap; every output must be byte for byte the one a single thread
 * makes.  Before the font lock (src/fontlock.h) this crashed in cairo
 * (FreeType faces closed under another thread), or justified a line at a
 * soft hyphen differently in one context for its whole life; and SVG
 * files named their elements by numbers cairo counts for the process.
 *
 * Bounded for the suite: DP_STRESS_THREADS (default 8) threads each make
 * DP_STRESS_RENDERS (default 8) renders.  bench/stress.sh runs a bigger
 * one.  Through <disputas/disputas.h> only.
 */
#include <disputas/disputas.h>

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#ifndef SRCDIR
#error "SRCDIR must name the source root"
#endif

typedef struct job {
  const char *document; /* under samples/ */
  const char *layout;
  dp_output_format format;
  GBytes *expected; /* the single-threaded render */
} job;

/* Every sample, every layout, every format; the order mixes them, so
 * that threads starting at different places render different things at
 * once. */
static job jobs[] = {
    {"scripts.yaml", "booklet", DP_OUTPUT_PDF, NULL},
    {"logo-photo.yaml", "poster", DP_OUTPUT_PDF, NULL},
    {"seed.yaml", "booklet", DP_OUTPUT_PDF, NULL},
    {"bokmal.yaml", "booklet-print", DP_OUTPUT_PDF, NULL},
    {"scripts.yaml", "poster", DP_OUTPUT_PDF, NULL},
    {"logo-photo.yaml", "booklet", DP_OUTPUT_PDF, NULL},
    {"nynorsk.yaml", "booklet", DP_OUTPUT_PDF, NULL},
    {"online-postponed.yaml", "poster", DP_OUTPUT_PDF, NULL},
    {"minimal.yaml", "booklet", DP_OUTPUT_PDF, NULL},
    {"seed.yaml", "poster", DP_OUTPUT_SVG, NULL},
    {"scripts.yaml", "booklet-print", DP_OUTPUT_PDF, NULL},
    {"logo-photo.yaml", "poster", DP_OUTPUT_PNG, NULL},
    {"logo-photo.yaml", "booklet", DP_OUTPUT_SVG, NULL},
};
#define JOBS G_N_ELEMENTS(jobs)


static bool append(void *user_data, const unsigned char *data, size_t length) {
  g_byte_array_append(user_data, data, (guint)length);
  return true;
}

/* (transfer full) `j` rendered in `ctx`, or NULL (reported to stderr).
 * PNG at 36 dpi: the drawing is what is tested, not the pixels' count. */
static GBytes *render(dp_context *ctx, const job *j) {
  char *path = g_build_filename(SRCDIR, "samples", j->document, NULL);
  dp_document *doc = dp_document_load_file(ctx, path);
  g_free(path);
  dp_layout *layout = dp_layout_load(ctx, j->layout);
  dp_render_options *options = dp_render_options_new();
  dp_render_options_set_format(options, j->format);
  dp_render_options_set_dpi(options, 36);
  GByteArray *bytes = g_byte_array_new();
  bool ok = doc && layout &&
            dp_render_to_callback(ctx, doc, layout, options, append, bytes) ==
                DP_STATUS_OK;
  dp_render_options_free(options);
  dp_layout_free(layout);
  dp_document_free(doc);
  GBytes *result = g_byte_array_free_to_bytes(bytes);
  if (!ok) {
    g_bytes_unref(result);
    return NULL;
  }
  return result;
}

static int env_count(const char *name, int fallback) {
  const char *text = g_getenv(name);
  int n = text ? atoi(text) : 0;
  return n > 0 ? n : fallback;
}

/* Threads wait here until all have started, so the renders overlap. */
static GMutex start_lock;
static GCond start_cond;
static int started, thread_count;

typedef struct worker {
  int index;
  int renders;
  size_t *done;     /* job index of each render */
  GBytes **results; /* each render's output */
} worker;

static gpointer work(gpointer data) {
  worker *w = data;
  g_mutex_lock(&start_lock);
  started++;
  g_cond_broadcast(&start_cond);
  while (started < thread_count) g_cond_wait(&start_cond, &start_lock);
  g_mutex_unlock(&start_lock);

  dp_context *ctx = dp_context_new();
  /* Thread t starts at job t × JOBS / threads and walks on. */
  size_t first = (size_t)w->index * JOBS / (size_t)thread_count;
  for (int k = 0; k < w->renders; k++) {
    w->done[k] = (first + (size_t)k) % JOBS;
    w->results[k] = render(ctx, &jobs[w->done[k]]);
  }
  dp_context_free(ctx);
  return NULL;
}

static void test_stress(void) {
  thread_count = env_count("DP_STRESS_THREADS", 8);
  int renders = env_count("DP_STRESS_RENDERS", 8);
  /* The references: one thread, a fresh context each. */
  for (size_t i = 0; i < JOBS; i++) {
    dp_context *ctx = dp_context_new();
    jobs[i].expected = render(ctx, &jobs[i]);
    dp_context_free(ctx);
    g_assert_nonnull(jobs[i].expected);
  }

  worker *workers = g_new0(worker, thread_count);
  GThread **threads = g_new(GThread *, thread_count);
  for (int i = 0; i < thread_count; i++) {
    workers[i] = (worker){i, renders, g_new0(size_t, renders),
                          g_new0(GBytes *, renders)};
    threads[i] = g_thread_new("stress", work, &workers[i]);
  }
  for (int i = 0; i < thread_count; i++) g_thread_join(threads[i]);

  int different = 0;
  for (int i = 0; i < thread_count; i++) {
    for (int k = 0; k < renders; k++) {
      const job *j = &jobs[workers[i].done[k]];
      GBytes *got = workers[i].results[k];
      g_assert_nonnull(got);
      if (!g_bytes_equal(got, j->expected)) {
        g_test_message("thread %d, render %d: %s in %s (format %d) differs",
                       i, k, j->document, j->layout, (int)j->format);
        different++;
      }
      g_bytes_unref(got);
    }
    g_free(workers[i].done);
    g_free(workers[i].results);
  }
  g_test_message("%d threads x %d renders, %d different", thread_count,
                 renders, different);
  g_assert_cmpint(different, ==, 0);
  for (size_t i = 0; i < JOBS; i++) g_bytes_unref(jobs[i].expected);
  g_free(workers);
  g_free(threads);
}

int main(int argc, char **argv) {
  /* Byte-identical PDFs need a fixed creation date. */
  g_setenv("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/threads/stress", test_stress);
  return g_test_run();
}
