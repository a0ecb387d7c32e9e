/* render-poster: renders a poster from an announcement held in memory and
 * writes poster.pdf into the current folder.
 *
 * Build against an installed disputas:
 *
 *     cc render-poster.c $(pkg-config --cflags --libs disputas) -o render-poster
 *     ./render-poster
 *
 * Problems in the announcement are printed to stderr compiler style
 * ("announcement.yaml:4:3: error: ..."), which a program asks for (the
 * library prints nothing of its own accord), and also handed to a
 * callback as records, here counted.  Exit status 0 on success, 1 otherwise. */
#include <disputas/disputas.h>

#include <stdio.h>
#include <string.h>

static const char announcement[] =
    "lang: en\n"
    "timezone: Europe/Oslo\n"
    "institution:\n"
    "  name: University of Agder\n"
    "candidate:\n"
    "  name: Maren Tollefsen Eide\n"
    "thesis:\n"
    "  title: Wind, Waves and Winches\n"
    "  subtitle: Dynamic Loads on Offshore Lifting Equipment\n"
    "events:\n"
    "  - kind: trial-lecture\n"
    "    start: 2026-01-16T10:15\n"
    "  - kind: public-defence\n"
    "    start: 2026-01-16T13:00\n";

/* Counts the errors; disputas prints them as well. */
static void count_errors(const dp_diagnostic *d, void *user_data) {
  if (d->severity == DP_SEVERITY_ERROR) ++*(int *)user_data;
}

int main(void) {
  int errors = 0;
  dp_context *ctx = dp_context_new();
  dp_context_set_print_diagnostics(ctx, true);
  dp_context_set_diagnostic_func(ctx, count_errors, &errors);

  /* The name stands for the file in messages; the base folder is where
   * relative image paths (a logo, a photo) would be looked for. */
  dp_document *doc = dp_document_load_data_with_base(
      ctx, "announcement.yaml", announcement, strlen(announcement), ".");
  dp_layout *layout = dp_layout_load(ctx, "poster");

  dp_status status = DP_STATUS_INVALID;
  if (doc && layout)
    status = dp_render_to_file(ctx, doc, layout, NULL, "poster.pdf");

  if (status == DP_STATUS_OK)
    printf("wrote poster.pdf with disputas %s\n", dp_get_version());
  else
    fprintf(stderr, "render-poster: failed (%d error%s)\n", errors,
            errors == 1 ? "" : "s");

  dp_layout_free(layout);
  dp_document_free(doc);
  dp_context_free(ctx);
  return status == DP_STATUS_OK ? 0 : 1;
}
