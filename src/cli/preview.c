/* `disputas preview`: a local web page showing every page of every
 * product of an announcement, built again whenever a file it is made of
 * is saved (disputas(1), PREVIEW).
 *
 *     GET /                    the page (preview-page.h)
 *     GET /state?after=N       the last build, as JSON, once it is newer
 *                              than build N: at once when it is, else when
 *                              the next build is done, else after
 *                              POLL_SECONDS with the same (a long poll:
 *                              the page asks again at once)
 *     GET /page?product=P&page=N   page N of product P, as PNG
 *     GET /pdf?product=P       product P as PDF, made when asked for
 *
 * Everything runs in the server's thread (http.c): the file monitors
 * (watch.h) call back there, a build lays out and draws there (a local
 * page has one reader; while a build runs the page waits), and the long
 * polls are answered from there.  One context serves every build, so
 * the fonts and dictionaries are loaded once; each build reads the
 * document, the house and the layouts afresh.  A build that fails keeps
 * the pictures of the last one that did not, beside its problems.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disputas/disputas.h"
#include "http.h"
#include "module.h"
#include "preview-page.h"
#include "watch.h"

enum { EXIT_USAGE = 2, EXIT_LISTEN = 3 };

#define POLL_SECONDS 15
#define DRAW_PAUSE_MS 100

/* What the command was asked for (options). */
typedef struct settings {
  char *path;       /* the document */
  char **layouts;   /* -l, or NULL for the built-in products */
  char *house;
  int port;
  double dpi;
  gboolean quiet;
  gboolean version;
} settings;

/* A product as last built: its layout, and its pages as PNG. */
typedef struct product {
  char *name;
  dp_layout *layout;
  GPtrArray *pages; /* GBytes* */
  GArray *sizes;    /* int width, height in pixels, a pair a page */
  guint64 made;     /* the state its pages were published in */
} product;

/* One problem of a build, with the line of its file it is at. */
typedef struct problem {
  dp_severity severity;
  char *file;
  int line, column;
  char *message;
  char *source; /* the line, or NULL */
} problem;

typedef struct waiting {
  struct preview *p;
  dp_http_request *req;
  guint timer;
} waiting;

typedef struct preview {
  settings *s;
  dp_http_server *server;
  dp_context *ctx;
  dp_watch *watch;
  /* The last document and layouts that were good, and their products'
   * pages as last drawn (for the pictures and the PDFs). */
  dp_document *doc;
  product *products;
  int product_count;
  /* The state: a number for each change the page is shown (each product
   * drawn, the end of a build), and the build under way or last done. */
  guint64 build;
  bool ok;
  bool building;    /* products are still to be drawn */
  int next;         /* the product to draw next */
  guint drawing;    /* the source that draws the next */
  double ms;        /* the time it took, or has taken so far, to load
                       and draw (the pauses between products not
                       counted) */
  GPtrArray *changed;  /* char*: what made it */
  GPtrArray *problems; /* problem*, filled while it runs */
  char *state;         /* GET /state's answer */
  GList *waiting;      /* waiting*: long polls */
} preview;

static const char *const default_products[] = {"poster", "booklet",
                                                "booklet-print", NULL};

static const char *const *product_names(const settings *s) {
  return s->layouts && *s->layouts ? (const char *const *)s->layouts
                                   : default_products;
}

/* ---- Problems ------------------------------------------------------------ */

static void problem_free(gpointer data) {
  problem *pr = data;
  g_free(pr->file);
  g_free(pr->message);
  g_free(pr->source);
  g_free(pr);
}

/* Line `line` (1-based) of `file`, or NULL. */
static char *source_line(const char *file, int line) {
  char *text = NULL;
  if (line < 1 || !g_file_get_contents(file, &text, NULL, NULL)) return NULL;
  const char *at = text;
  for (int i = 1; i < line && at; i++) {
    at = strchr(at, '\n');
    if (at) at++;
  }
  char *out = NULL;
  if (at && *at) {
    size_t n = strcspn(at, "\r\n");
    if (g_utf8_validate(at, (gssize)n, NULL)) out = g_strndup(at, n);
  }
  g_free(text);
  return out;
}

static void collect(const dp_diagnostic *d, void *user_data) {
  preview *p = user_data;
  problem *pr = g_new0(problem, 1);
  pr->severity = d->severity;
  pr->file = g_strdup(d->file);
  pr->line = d->line;
  pr->column = d->column;
  pr->message = g_strdup(d->message);
  pr->source = source_line(d->file, d->line);
  g_ptr_array_add(p->problems, pr);
}

/* ---- Building ------------------------------------------------------------ */

static void product_clear(product *pr) {
  g_free(pr->name);
  dp_layout_free(pr->layout);
  if (pr->pages) g_ptr_array_unref(pr->pages);
  if (pr->sizes) g_array_unref(pr->sizes);
}

static void products_free(product *products, int count) {
  for (int i = 0; i < count; i++) product_clear(&products[i]);
  g_free(products);
}

static guint32 be32(const unsigned char *b) {
  return (guint32)b[0] << 24 | (guint32)b[1] << 16 | (guint32)b[2] << 8 |
         (guint32)b[3];
}

/* The PNG files one after another in `data` (dp_render_to_memory gives
 * the pages so), each its own GBytes, and their sizes into `sizes`. */
static GPtrArray *split_pngs(const unsigned char *data, size_t length,
                             GArray *sizes) {
  static const unsigned char signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  GPtrArray *pages = g_ptr_array_new_with_free_func(
      (GDestroyNotify)g_bytes_unref);
  size_t at = 0;
  while (at + 8 + 25 <= length && !memcmp(data + at, signature, 8)) {
    size_t p = at + 8;
    bool end = false;
    while (!end && p + 12 <= length) {
      size_t n = be32(data + p);
      if (n > length - p - 12) break;
      end = !memcmp(data + p + 4, "IEND", 4);
      p += 12 + n;
    }
    if (!end) break;
    /* IHDR comes first: width and height. */
    int size[2] = {(int)be32(data + at + 16), (int)be32(data + at + 20)};
    g_array_append_vals(sizes, size, 2);
    g_ptr_array_add(pages, g_bytes_new(data + at, p - at));
    at = p;
  }
  return pages;
}

/* The files to watch after a build: all of them that could be told, and
 * the ones named even when they could not be read (a fix is a change). */
static void watch_files(preview *p, const char *house, dp_document *doc,
                        product *products, int count, bool ok) {
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(files, g_strdup(p->s->path));
  if (house && *house) g_ptr_array_add(files, g_strdup(house));
  for (const char *const *f = doc ? dp_document_get_files(doc) : NULL;
       f && *f; f++)
    g_ptr_array_add(files, g_strdup(*f));
  for (int i = 0; i < count; i++) {
    const char *name = products[i].name;
    if (strchr(name, '/') || g_str_has_suffix(name, ".yaml") ||
        g_str_has_suffix(name, ".yml"))
      g_ptr_array_add(files, g_strdup(name));
    for (const char *const *f = products[i].layout
                                    ? dp_layout_get_files(products[i].layout)
                                    : NULL;
         f && *f; f++)
      g_ptr_array_add(files, g_strdup(*f));
  }
  dp_watch_set_files(p->watch, files, ok);
  g_ptr_array_unref(files);
}

/* Reads the house, the document and the products' layouts afresh; true
 * when all of them are good, with them in place of the last build's
 * (whose pictures stay until drawn again). */
static bool load(preview *p) {
  const char *const *names = product_names(p->s);
  int count = (int)g_strv_length((char **)names);
  int errors = dp_context_get_error_count(p->ctx);
  const char *house = p->s->house ? p->s->house : g_getenv("DISPUTAS_HOUSE");
  if (house && *house) dp_context_set_house(p->ctx, house);
  dp_document *doc = dp_context_get_error_count(p->ctx) == errors
                         ? dp_document_load_file(p->ctx, p->s->path)
                         : NULL;
  product *products = g_new0(product, count);
  for (int i = 0; i < count; i++) {
    products[i].name = g_strdup(names[i]);
    products[i].layout = dp_layout_load(p->ctx, names[i]);
  }
  bool ok = doc && dp_context_get_error_count(p->ctx) == errors;
  watch_files(p, house, doc, products, count, ok);
  if (!ok) {
    products_free(products, count);
    dp_document_free(doc);
    return false;
  }
  /* The last build's pictures stay, in the new products, until drawn
   * again (the layouts named are the same: the options do not change). */
  for (int i = 0; i < count && i < p->product_count; i++) {
    products[i].pages = g_steal_pointer(&p->products[i].pages);
    products[i].sizes = g_steal_pointer(&p->products[i].sizes);
    products[i].made = p->products[i].made;
  }
  products_free(p->products, p->product_count);
  dp_document_free(p->doc);
  p->doc = doc;
  p->products = products;
  p->product_count = count;
  return true;
}

/* Draws the pages of product `i` of the document loaded; false when it
 * cannot be laid out (reported). */
static bool draw(preview *p, int i) {
  product *pr = &p->products[i];
  dp_render_options *ro = dp_render_options_new();
  dp_render_options_set_format(ro, DP_OUTPUT_PNG);
  dp_render_options_set_dpi(ro, p->s->dpi);
  unsigned char *data = NULL;
  size_t length = 0;
  bool ok = dp_render_to_memory(p->ctx, p->doc, pr->layout, ro, &data,
                                &length) == DP_STATUS_OK;
  dp_render_options_free(ro);
  if (ok) {
    if (pr->pages) g_ptr_array_unref(pr->pages);
    if (pr->sizes) g_array_unref(pr->sizes);
    pr->sizes = g_array_new(FALSE, FALSE, sizeof(int));
    pr->pages = split_pngs(data, length, pr->sizes);
    pr->made = p->build + 1; /* the state about to be published */
  }
  dp_free(data);
  return ok;
}

/* GET /state's answer for the build just done. */
static char *state_json(preview *p) {
  static const char *const severities[] = {"note", "warning", "error"};
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "build");
  json_builder_add_int_value(b, (gint64)p->build);
  json_builder_set_member_name(b, "ok");
  json_builder_add_boolean_value(b, p->ok);
  json_builder_set_member_name(b, "building");
  json_builder_add_boolean_value(b, p->building);
  json_builder_set_member_name(b, "ms");
  json_builder_add_int_value(b, lround(p->ms));
  json_builder_set_member_name(b, "document");
  json_builder_add_string_value(b, p->s->path);
  json_builder_set_member_name(b, "changed");
  json_builder_begin_array(b);
  for (guint i = 0; i < p->changed->len; i++)
    json_builder_add_string_value(b, p->changed->pdata[i]);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "problems");
  json_builder_begin_array(b);
  for (guint i = 0; i < p->problems->len; i++) {
    problem *pr = p->problems->pdata[i];
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "severity");
    json_builder_add_string_value(b, severities[pr->severity]);
    json_builder_set_member_name(b, "file");
    json_builder_add_string_value(b, pr->file);
    json_builder_set_member_name(b, "line");
    json_builder_add_int_value(b, pr->line);
    json_builder_set_member_name(b, "column");
    json_builder_add_int_value(b, pr->column);
    json_builder_set_member_name(b, "message");
    json_builder_add_string_value(b, pr->message);
    json_builder_set_member_name(b, "source");
    if (pr->source)
      json_builder_add_string_value(b, pr->source);
    else
      json_builder_add_null_value(b);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "products");
  json_builder_begin_array(b);
  for (int i = 0; i < p->product_count; i++) {
    product *pr = &p->products[i];
    char *escaped = g_uri_escape_string(pr->name, NULL, FALSE);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, pr->name);
    char *pdf = g_strdup_printf("/pdf?product=%s&build=%" G_GUINT64_FORMAT,
                                escaped, p->build);
    json_builder_set_member_name(b, "pdf");
    json_builder_add_string_value(b, pdf);
    g_free(pdf);
    json_builder_set_member_name(b, "pages");
    json_builder_begin_array(b);
    for (guint n = 0; pr->pages && n < pr->pages->len; n++) {
      /* The number of the state that drew it: the same address until
       * the page is drawn again. */
      char *url = g_strdup_printf(
          "/page?product=%s&page=%u&build=%" G_GUINT64_FORMAT, escaped,
          n + 1, pr->made);
      json_builder_begin_object(b);
      json_builder_set_member_name(b, "url");
      json_builder_add_string_value(b, url);
      json_builder_set_member_name(b, "width");
      json_builder_add_int_value(b, g_array_index(pr->sizes, int, 2 * n));
      json_builder_set_member_name(b, "height");
      json_builder_add_int_value(b, g_array_index(pr->sizes, int, 2 * n + 1));
      json_builder_end_object(b);
      g_free(url);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    g_free(escaped);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  JsonGenerator *g = json_generator_new();
  JsonNode *root = json_builder_get_root(b);
  json_generator_set_root(g, root);
  char *text = json_generator_to_data(g, NULL);
  json_node_unref(root);
  g_object_unref(g);
  g_object_unref(b);
  return text;
}

static void answer_state(dp_http_request *req, const preview *p) {
  dp_http_request_add_response_header(req, "Cache-Control", "no-store");
  dp_http_respond_text(req, 200, "application/json", p->state);
}

static void waiting_free(waiting *w) {
  if (w->timer) g_source_remove(w->timer);
  g_free(w);
}

/* Publishes the state of the build: a new state number, its JSON, the
 * long polls answered. */
static void publish(preview *p) {
  p->build++;
  g_free(p->state);
  p->state = state_json(p);
  for (GList *l = p->waiting; l; l = l->next) {
    waiting *w = l->data;
    answer_state(w->req, p);
    waiting_free(w);
  }
  g_list_free(p->waiting);
  p->waiting = NULL;
}

static void finish(preview *p) {
  p->building = false;
  publish(p);
  if (!p->s->quiet)
    fprintf(stderr, "%s in %.0f ms; watching %u files\n",
            p->ok ? "built" : "failed", p->ms, dp_watch_count(p->watch));
}

/* Draws the next product, publishing each: the poster's picture is
 * shown while the booklet waits.  The next is drawn DRAW_PAUSE_MS later,
 * at a low priority, so that the page can fetch the pictures just
 * published first (a drawing holds the server's thread), and a save in
 * between starts again at once. */
static gboolean draw_next(gpointer data) {
  preview *p = data;
  p->drawing = 0;
  gint64 start = g_get_monotonic_time();
  p->ok = draw(p, p->next);
  p->ms += (double)(g_get_monotonic_time() - start) / 1000;
  p->next++;
  if (!p->ok || p->next == p->product_count) {
    finish(p);
    return G_SOURCE_REMOVE;
  }
  publish(p);
  p->drawing = g_timeout_add_full(G_PRIORITY_LOW, DRAW_PAUSE_MS, draw_next,
                                  p, NULL);
  return G_SOURCE_REMOVE;
}

/* Builds, after `changed` (NULL: the first build). */
static void rebuild(GPtrArray *changed, void *user_data) {
  preview *p = user_data;
  if (p->drawing) g_source_remove(p->drawing);
  p->drawing = 0;
  g_ptr_array_set_size(p->changed, 0);
  for (guint i = 0; changed && i < changed->len; i++) {
    g_ptr_array_add(p->changed, g_strdup(changed->pdata[i]));
    if (!p->s->quiet)
      fprintf(stderr, "changed: %s\n", (char *)changed->pdata[i]);
  }
  g_ptr_array_set_size(p->problems, 0);
  gint64 start = g_get_monotonic_time();
  p->building = true;
  p->ok = load(p);
  p->ms = (double)(g_get_monotonic_time() - start) / 1000;
  if (!p->ok) {
    finish(p);
    return;
  }
  p->next = 0;
  draw_next(p);
}

/* ---- Requests ------------------------------------------------------------ */

/* Whether `req` was addressed to this machine by name: a web page
 * elsewhere that points a name of its own at 127.0.0.1 (DNS rebinding)
 * must not read the announcement.  Answers 403 when not. */
static bool addressed_here(dp_http_request *req, const preview *p) {
  const char *host = dp_http_request_get_header(req, "Host");
  int port = dp_http_server_get_port(p->server);
  char *ip = g_strdup_printf("127.0.0.1:%d", port);
  char *name = g_strdup_printf("localhost:%d", port);
  bool ok = host && (!g_ascii_strcasecmp(host, ip) ||
                     !g_ascii_strcasecmp(host, name));
  g_free(ip);
  g_free(name);
  if (!ok)
    dp_http_respond_error(req, 403, "the preview answers requests for "
                          "127.0.0.1 or localhost only");
  return ok;
}

static void page(dp_http_request *req, void *user_data) {
  if (!addressed_here(req, user_data)) return;
  dp_http_request_add_response_header(req, "Cache-Control", "no-store");
  GBytes *body = g_bytes_new_static(preview_page, sizeof preview_page - 1);
  dp_http_respond(req, 200, "text/html; charset=utf-8", body);
  g_bytes_unref(body);
}

static gboolean poll_expired(gpointer data) {
  waiting *w = data;
  w->timer = 0;
  w->p->waiting = g_list_remove(w->p->waiting, w);
  answer_state(w->req, w->p);
  waiting_free(w);
  return G_SOURCE_REMOVE;
}

static void state(dp_http_request *req, void *user_data) {
  preview *p = user_data;
  if (!addressed_here(req, p)) return;
  const char *after = dp_http_request_get_query(req, "after");
  char *end = NULL;
  guint64 n = after ? g_ascii_strtoull(after, &end, 10) : 0;
  if (!after || end == after || *end || n < p->build) {
    answer_state(req, p);
    return;
  }
  waiting *w = g_new0(waiting, 1);
  w->p = p;
  w->req = req;
  w->timer = g_timeout_add_seconds(POLL_SECONDS, poll_expired, w);
  p->waiting = g_list_append(p->waiting, w);
}

static product *find_product(preview *p, dp_http_request *req) {
  const char *name = dp_http_request_get_query(req, "product");
  for (int i = 0; name && i < p->product_count; i++)
    if (!strcmp(p->products[i].name, name)) return &p->products[i];
  dp_http_respond_error(req, 404, "no product '%s'", name ? name : "");
  return NULL;
}

static void page_png(dp_http_request *req, void *user_data) {
  preview *p = user_data;
  if (!addressed_here(req, p)) return;
  product *pr = find_product(p, req);
  if (!pr) return;
  const char *number = dp_http_request_get_query(req, "page");
  char *end = NULL;
  guint64 n = number ? g_ascii_strtoull(number, &end, 10) : 0;
  if (!number || end == number || *end || n < 1 || !pr->pages ||
      n > pr->pages->len) {
    dp_http_respond_error(req, 404, "%s has no page '%s'", pr->name,
                          number ? number : "");
    return;
  }
  dp_http_request_add_response_header(req, "Cache-Control", "no-store");
  dp_http_respond(req, 200, "image/png", pr->pages->pdata[n - 1]);
}

static void pdf(dp_http_request *req, void *user_data) {
  preview *p = user_data;
  if (!addressed_here(req, p)) return;
  product *pr = find_product(p, req);
  if (!pr) return;
  unsigned char *data = NULL;
  size_t length = 0;
  if (dp_render_to_memory(p->ctx, p->doc, pr->layout, NULL, &data,
                          &length) != DP_STATUS_OK) {
    dp_http_respond_error(req, 500, "%s could not be made: see the "
                          "problems", pr->name);
    return;
  }
  char *stem = g_path_get_basename(pr->name);
  char *dot = strrchr(stem, '.');
  if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"))) *dot = '\0';
  char *disposition = g_strdup_printf("inline; filename=\"%s.%s.pdf\"",
                                      dp_document_get_stem(p->doc), stem);
  dp_http_request_add_response_header(req, "Content-Disposition",
                                      disposition);
  dp_http_request_add_response_header(req, "Cache-Control", "no-store");
  GBytes *body = g_bytes_new_with_free_func(data, length, dp_free, data);
  dp_http_respond(req, 200, "application/pdf", body);
  g_bytes_unref(body);
  g_free(disposition);
  g_free(stem);
}

/* ---- The command ------------------------------------------------------------ */

static int usage_error(const char *message) {
  fprintf(stderr, "disputas: error: %s\nTry 'disputas preview --help'.\n",
          message);
  return EXIT_USAGE;
}

int dp_cli_preview_main(int argc, char **argv) {
  settings s = {.port = 0, .dpi = 96};
  GOptionEntry entries[] = {
      {"version", 'V', 0, G_OPTION_ARG_NONE, &s.version,
       "Print the version and exit", NULL},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &s.quiet,
       "Print only the address and problems", NULL},
      {"layout", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &s.layouts,
       "A product to show: a built-in layout or a layout file (repeat for "
       "several; default: poster, booklet, booklet-print)", "LAYOUT"},
      {"house", 0, 0, G_OPTION_ARG_FILENAME, &s.house,
       "House style (docs/house.md) for a document that names none "
       "(default: $DISPUTAS_HOUSE)", "FILE"},
      {"port", 'p', 0, G_OPTION_ARG_INT, &s.port,
       "The port on 127.0.0.1 (default 0: a free one)", "PORT"},
      {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &s.dpi,
       "Resolution of the pictures of the pages (default 96)", "DPI"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_set_prgname("disputas preview");
  GOptionContext *context = g_option_context_new("DOC.yaml");
  g_option_context_set_summary(
      context, "Shows every page of every product of DOC.yaml on a local "
               "web page, with its problems, and shows them again whenever "
               "the document, a layout, the house file or an image is "
               "saved.");
  g_option_context_add_main_entries(context, entries, NULL);
  GError *error = NULL;
  bool parsed = g_option_context_parse(context, &argc, &argv, &error);
  g_option_context_free(context);
  int status = EXIT_SUCCESS;
  if (!parsed) {
    status = usage_error(error->message);
    g_error_free(error);
  } else if (s.version) {
    printf("disputas %s\n", DP_VERSION_STRING);
  } else if (argc != 2) {
    status = usage_error("'preview' takes one document");
  } else if (!strcmp(argv[1], "-")) {
    status = usage_error("'preview' needs a document file, not standard "
                         "input");
  } else if (s.port < 0 || s.port > 65535) {
    status = usage_error("--port takes 0 to 65535");
  } else if (!(s.dpi >= 10 && s.dpi <= 600)) {
    status = usage_error("--dpi takes 10 to 600");
  }
  if (status != EXIT_SUCCESS || s.version) {
    g_strfreev(s.layouts);
    g_free(s.house);
    return status;
  }
  s.path = argv[1];

  preview p = {.s = &s};
  /* A long poll waits, so a stop waits for nothing but the page. */
  dp_http_config config = {.port = s.port, .drain_timeout = 1,
                           .idle_timeout = POLL_SECONDS * 2};
  p.server = dp_http_server_new(&config, &error);
  if (!p.server) {
    fprintf(stderr, "disputas: error: cannot listen: %s\n", error->message);
    g_clear_error(&error);
    g_strfreev(s.layouts);
    g_free(s.house);
    return EXIT_LISTEN;
  }
  dp_program_init();
  p.ctx = dp_context_new();
  dp_context_set_diagnostic_func(p.ctx, collect, &p);
  p.watch = dp_watch_new(rebuild, &p);
  p.changed = g_ptr_array_new_with_free_func(g_free);
  p.problems = g_ptr_array_new_with_free_func(problem_free);
  rebuild(NULL, &p);
  dp_http_server_add_route(p.server, "GET", "/", page, &p);
  dp_http_server_add_route(p.server, "GET", "/state", state, &p);
  dp_http_server_add_route(p.server, "GET", "/page", page_png, &p);
  dp_http_server_add_route(p.server, "GET", "/pdf", pdf, &p);
  printf("disputas preview: %s/ (Ctrl-C to stop)\n",
         dp_http_server_get_url(p.server));
  fflush(stdout);
  dp_http_server_run(p.server);
  if (p.drawing) g_source_remove(p.drawing);

  /* The long polls still open are answered, then taken by the server. */
  for (GList *l = p.waiting; l; l = l->next) {
    waiting *w = l->data;
    answer_state(w->req, &p);
    waiting_free(w);
  }
  g_list_free(p.waiting);
  while (g_main_context_iteration(NULL, FALSE)) {
  }
  dp_http_server_free(p.server);
  dp_watch_free(p.watch);
  products_free(p.products, p.product_count);
  dp_document_free(p.doc);
  dp_context_free(p.ctx);
  g_ptr_array_unref(p.changed);
  g_ptr_array_unref(p.problems);
  g_free(p.state);
  g_strfreev(s.layouts);
  g_free(s.house);
  return EXIT_SUCCESS;
}
