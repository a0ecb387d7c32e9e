/* `disputas serve`: an HTTP render service (disputas(1), SERVE).
 *
 *     POST /render?layout=poster&format=pdf   the YAML as the body, or a
 *                                              multipart form with images
 *     POST /check?layout=poster               diagnostics as JSON
 *     GET  /layouts                           the built-in layouts
 *     GET  /health                            alive, and how busy
 *
 * The server's thread (http.c, libsoup) reads requests, checks what can
 * be checked without the library and queues the rest; a fixed set of
 * worker threads renders, each request with a context of its own (the
 * library's rule: a context per thread at a time; see "Threads" in
 * disputas.h), so nothing a request sets or leaves behind reaches
 * another.  Every request's files live in a folder of its own, which is
 * its context's root (dp_context_set_root) and is removed when it is
 * answered; a document sent alone gets an empty root, so it can name no
 * file at all.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disputas/disputas.h"
#include "http.h"
#include "module.h"

enum { EXIT_USAGE = 2, EXIT_LISTEN = 3 };

/* The service's settings (options). */
typedef struct settings {
  char *host;
  int port;
  int jobs;          /* worker threads */
  int queue;         /* requests waiting for a worker, at most */
  int max_body_mib;  /* request body */
  int max_pages;     /* a render's pages */
  int max_mpixels;   /* a PNG render's pixels, all pages, in millions */
  int timeout;       /* seconds a render may take */
  int read_timeout;  /* seconds a request may take to arrive */
  gboolean quiet;
  gboolean version;
} settings;

typedef enum job_kind { JOB_RENDER, JOB_CHECK, JOB_STOP } job_kind;

/* A request for a worker. */
typedef struct job {
  job_kind kind;
  dp_http_request *req;
  GBytes *document;     /* the YAML */
  char *name;           /* the document's name in diagnostics */
  GPtrArray *parts;     /* the form's dp_http_part*, or NULL */
  GPtrArray *files;     /* those of them to put in its root (borrowed) */
  char *layout;
  dp_output_format format;
  dp_impose_mode impose;
  double dpi;
  int page;             /* PNG and SVG: the page to answer with, from 1;
                           0 for the only one */
  bool marks, preflight;
  int timeout;          /* seconds it may take, from when it is queued */
  gint64 due;           /* then, on the monotonic clock */
  GSource *deadline;    /* answers it 503 when it takes too long */
  gint answered;        /* 1 once answered, by its worker or its deadline
                           (whichever first: the other drops its answer) */
} job;

typedef struct service {
  settings *settings;
  dp_http_server *server;
  GAsyncQueue *jobs;
  GThread **workers;
  gint waiting;         /* jobs queued, not yet taken */
  gint busy;            /* jobs being worked on */
  gint timed_out;       /* jobs the library stopped at their deadline */
  char *empty_root;     /* the root of documents sent without files */
  char *layouts_json;   /* GET /layouts, made once */
} service;

/* Jobs are reference counted (g_atomic_rc_box): the queue and worker
 * hold one reference, the deadline another. */
static void job_clear(gpointer data) {
  job *j = data;
  if (j->deadline) g_source_unref(j->deadline);
  if (j->document) g_bytes_unref(j->document);
  g_free(j->name);
  if (j->files) g_ptr_array_unref(j->files);
  if (j->parts) g_ptr_array_unref(j->parts);
  g_free(j->layout);
}

static void job_unref(gpointer data) {
  g_atomic_rc_box_release_full(data, job_clear);
}

/* ---- Diagnostics as JSON -------------------------------------------- */

typedef struct diagnostics {
  JsonBuilder *array; /* inside begin_array */
  int errors, warnings;
} diagnostics;

static void collect(const dp_diagnostic *d, void *user_data) {
  diagnostics *ds = user_data;
  static const char *const severities[] = {"note", "warning", "error"};
  JsonBuilder *b = ds->array;
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, d->file);
  json_builder_set_member_name(b, "line");
  json_builder_add_int_value(b, d->line);
  json_builder_set_member_name(b, "column");
  json_builder_add_int_value(b, d->column);
  json_builder_set_member_name(b, "severity");
  json_builder_add_string_value(b, severities[d->severity]);
  json_builder_set_member_name(b, "message");
  json_builder_add_string_value(b, d->message);
  json_builder_end_object(b);
  if (d->severity == DP_SEVERITY_ERROR) ds->errors++;
  else if (d->severity == DP_SEVERITY_WARNING) ds->warnings++;
}

static void diagnostics_init(diagnostics *ds) {
  ds->array = json_builder_new();
  json_builder_begin_object(ds->array);
  json_builder_set_member_name(ds->array, "diagnostics");
  json_builder_begin_array(ds->array);
  ds->errors = ds->warnings = 0;
}

/* (transfer full) {"ok": OK, "errors": N, "warnings": N, "diagnostics":
 * [...]}, plus "error" when `message` is given; frees the builder. */
static JsonNode *diagnostics_finish(diagnostics *ds, bool ok,
                                    unsigned status, const char *message) {
  JsonBuilder *b = ds->array;
  json_builder_end_array(b);
  if (status) {
    json_builder_set_member_name(b, "status");
    json_builder_add_int_value(b, status);
  }
  if (message) {
    json_builder_set_member_name(b, "error");
    json_builder_add_string_value(b, message);
  }
  json_builder_set_member_name(b, "ok");
  json_builder_add_boolean_value(b, ok);
  json_builder_set_member_name(b, "errors");
  json_builder_add_int_value(b, ds->errors);
  json_builder_set_member_name(b, "warnings");
  json_builder_add_int_value(b, ds->warnings);
  json_builder_end_object(b);
  JsonNode *root = json_builder_get_root(b);
  g_object_unref(b);
  return root;
}

/* ---- A request's root --------------------------------------------------- */

/* Removes `dir` and everything in it (files and folders only: a root
 * holds nothing else, and symbolic links are removed, not followed). */
static void remove_tree(const char *dir) {
  GDir *d = g_dir_open(dir, 0, NULL);
  if (d) {
    for (const char *name; (name = g_dir_read_name(d));) {
      char *path = g_build_filename(dir, name, NULL);
      GStatBuf st;
      if (g_lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        remove_tree(path);
      else
        g_unlink(path);
      g_free(path);
    }
    g_dir_close(d);
  }
  g_rmdir(dir);
}

/* (transfer full) A new folder holding `files` at their paths, or NULL
 * with *error. */
static char *make_root(GPtrArray *files, char **error) {
  GError *gerror = NULL;
  char *dir = g_dir_make_tmp("disputas-serve-XXXXXX", &gerror);
  if (!dir) {
    *error = g_strdup_printf("cannot make a folder for the files: %s",
                             gerror->message);
    g_error_free(gerror);
    return NULL;
  }
  for (guint i = 0; i < files->len && !*error; i++) {
    dp_http_part *part = files->pdata[i];
    char *path = g_build_filename(dir, part->filename, NULL);
    char *parent = g_path_get_dirname(path);
    gsize length;
    const char *data = g_bytes_get_data(part->body, &length);
    if (g_mkdir_with_parents(parent, 0700) != 0)
      *error = g_strdup_printf("cannot store '%s': %s", part->filename,
                               g_strerror(errno));
    else if (!g_file_set_contents(path, data, (gssize)length, &gerror))
      *error = g_strdup_printf("cannot store '%s': %s", part->filename,
                               gerror->message);
    g_clear_error(&gerror);
    g_free(parent);
    g_free(path);
  }
  if (*error) {
    remove_tree(dir);
    g_clear_pointer(&dir, g_free);
  }
  return dir;
}

/* ---- Workers -------------------------------------------------------------- */

static const char *const content_types[] = {
    "application/pdf", "image/png", "image/svg+xml",
    "text/plain; charset=utf-8"};
static const char *const extensions[] = {"pdf", "png", "svg", "trace"};

/* The limits a render must keep, before it is drawn: its pages, and the
 * pixels of a PNG.  0, or the status with *message. */
static unsigned check_size(const service *svc, const job *j, dp_context *ctx,
                           const dp_document *doc, const dp_layout *layout,
                           const dp_render_options *ro, char **message) {
  int pages = 0;
  double w = 0, h = 0;
  if (dp_count_pages(ctx, doc, layout, ro, &pages, &w, &h) != DP_STATUS_OK)
    return 0; /* reported: the caller answers with the diagnostics */
  if (pages > svc->settings->max_pages) {
    *message = g_strdup_printf("the document makes %d pages; this service "
                               "renders at most %d", pages,
                               svc->settings->max_pages);
    return 422;
  }
  bool paged = j->format == DP_OUTPUT_PNG || j->format == DP_OUTPUT_SVG;
  if (paged && pages > 1 && j->page == 0) {
    /* A PNG or SVG file is one page. */
    *message = g_strdup_printf("the document makes %d pages, and a %s "
                               "answer holds one: ask for one with "
                               "page=N, or for PDF", pages,
                               j->format == DP_OUTPUT_PNG ? "PNG" : "SVG");
    return 422;
  }
  if (paged && j->page > pages) {
    *message = g_strdup_printf("the document makes %d page%s, not %d",
                               pages, pages == 1 ? "" : "s", j->page);
    return 422;
  }
  if (paged) pages = 1; /* the one answered with */
  if (j->format == DP_OUTPUT_PNG) {
    double scale = (j->dpi > 0 ? j->dpi : 150) / 72;
    double pixels = ceil(w * scale) * ceil(h * scale) * pages;
    if (pixels > svc->settings->max_mpixels * 1e6) {
      *message = g_strdup_printf("%d page%s at %g dpi make %.0f million "
                                 "pixels; this service makes at most %d "
                                 "million: ask for fewer dpi",
                                 pages, pages == 1 ? "" : "s",
                                 j->dpi > 0 ? j->dpi : 150, pixels / 1e6,
                                 svc->settings->max_mpixels);
      return 422;
    }
  }
  return 0;
}

/* What a worker answers, made before it answers. */
typedef struct reply {
  unsigned status;
  GBytes *body;           /* the product, or NULL for JSON */
  JsonNode *json;
  char *disposition;      /* Content-Disposition of a product */
} reply;

/* Answers `j` with `r` unless its deadline answered it first; frees what
 * `r` holds. */
static void answer(job *j, reply *r) {
  if (g_atomic_int_compare_and_exchange(&j->answered, 0, 1)) {
    if (r->disposition)
      dp_http_request_add_response_header(j->req, "Content-Disposition",
                                          r->disposition);
    if (r->body)
      dp_http_respond(j->req, r->status, content_types[j->format], r->body);
    else
      dp_http_respond_json(j->req, r->status, g_steal_pointer(&r->json));
  }
  if (r->body) g_bytes_unref(r->body);
  if (r->json) json_node_unref(r->json);
  g_free(r->disposition);
}

/* The page of a PNG or SVG render a request asked for. */
typedef struct one_page {
  int index;
  unsigned char *data; /* malloc'ed, as dp_render_to_memory's (dp_free) */
  size_t length;
} one_page;

/* dp_page_func: keeps page `index`, and stops there. */
static bool keep_page(void *user_data, int index, int count,
                      const unsigned char *data, size_t length) {
  one_page *want = user_data;
  (void)count;
  if (index < want->index) return true;
  want->data = malloc(length ? length : 1);
  if (want->data) {
    memcpy(want->data, data, length);
    want->length = length;
  }
  return false;
}

/* Checks or renders `j` in a context of its own, into `r`. */
static void work(service *svc, job *j, reply *r) {
  char *error = NULL;
  char *root = j->files ? make_root(j->files, &error)
                        : g_strdup(svc->empty_root);
  diagnostics ds;
  diagnostics_init(&ds);
  if (!root) {
    r->status = 500;
    r->json = diagnostics_finish(&ds, false, 500, error);
    g_free(error);
    return;
  }
  dp_context *ctx = dp_context_new();
  dp_context_set_print_diagnostics(ctx, false);
  dp_context_set_diagnostic_func(ctx, collect, &ds);
  if (j->kind == JOB_RENDER && j->format == DP_OUTPUT_PDF)
    dp_context_expect(ctx, DP_EXPECT_PDF);
  dp_context_set_root(ctx, root);
  /* The library stops at the deadline (the worker is then free for the
   * next request); the server's thread answers it 503 meanwhile. */
  dp_context_set_deadline(ctx, j->due);

  gsize length;
  const char *yaml = g_bytes_get_data(j->document, &length);
  dp_document *doc = dp_document_load_data(ctx, j->name, yaml, length);
  dp_layout *layout = dp_layout_load(ctx, j->layout);
  dp_render_options *ro = dp_render_options_new();
  dp_render_options_set_format(ro, j->format);
  dp_render_options_set_impose(ro, j->impose);
  if (j->dpi > 0) dp_render_options_set_dpi(ro, j->dpi);
  dp_render_options_set_marks(ro, j->marks);
  dp_render_options_set_preflight(ro, j->preflight);
  /* A loader stopped at the deadline returns NULL, as for errors. */
  dp_status status = doc && layout
                         ? dp_check_with_options(ctx, doc, layout, ro)
                     : g_get_monotonic_time() >= j->due ? DP_STATUS_TIMED_OUT
                                                        : DP_STATUS_INVALID;
  char *message = NULL;
  if (status == DP_STATUS_OK && j->kind == JOB_RENDER)
    r->status = check_size(svc, j, ctx, doc, layout, ro, &message);

  if (status == DP_STATUS_TIMED_OUT) {
    r->status = 503;
    g_atomic_int_inc(&svc->timed_out);
    message = g_strdup_printf("the request took longer than %d s",
                              j->timeout);
    r->json = diagnostics_finish(&ds, false, 503, message);
  } else if (j->kind == JOB_CHECK) {
    r->status = 200;
    r->json = diagnostics_finish(&ds, status == DP_STATUS_OK, 0, NULL);
  } else if (status != DP_STATUS_OK) {
    r->status = 422;
    r->json = diagnostics_finish(&ds, false, 422,
                                 "the document or layout has errors");
  } else if (r->status) {
    r->json = diagnostics_finish(&ds, false, r->status, message);
  } else {
    unsigned char *data = NULL;
    size_t size = 0;
    if (j->format == DP_OUTPUT_PNG || j->format == DP_OUTPUT_SVG) {
      /* One page (check_size made sure there is one to answer with):
       * drawn up to it, the rest never. */
      one_page want = {j->page > 0 ? j->page - 1 : 0, NULL, 0};
      status = dp_render_pages(ctx, doc, layout, ro, keep_page, &want);
      if (want.data) {
        status = DP_STATUS_OK;
        data = want.data;
        size = want.length;
      }
    } else {
      status = dp_render_to_memory(ctx, doc, layout, ro, &data, &size);
    }
    if (status == DP_STATUS_OK) {
      r->status = 200;
      /* The name in plain ASCII: nothing to quote or escape. */
      char *stem = g_strcanon(g_strdup(dp_document_get_stem(doc)),
                              G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "._-",
                              '_');
      char *number = j->page > 0 ? g_strdup_printf("-%d", j->page)
                                 : g_strdup("");
      r->disposition = g_strdup_printf("inline; filename=\"%s.%s%s.%s\"",
                                       stem, j->layout, number,
                                       extensions[j->format]);
      g_free(number);
      g_free(stem);
      r->body = g_bytes_new_with_free_func(data, size, dp_free, data);
      json_node_unref(diagnostics_finish(&ds, true, 0, NULL));
    } else if (status == DP_STATUS_TIMED_OUT) {
      r->status = 503;
      g_atomic_int_inc(&svc->timed_out);
      message = g_strdup_printf("the request took longer than %d s",
                                j->timeout);
      r->json = diagnostics_finish(&ds, false, 503, message);
    } else {
      r->status = status == DP_STATUS_INVALID ? 422 : 500;
      r->json = diagnostics_finish(&ds, false, r->status,
                                   status == DP_STATUS_INVALID
                                       ? "the document cannot be rendered"
                                       : "the output could not be made");
    }
  }
  g_free(message);
  dp_render_options_free(ro);
  dp_layout_free(layout);
  dp_document_free(doc);
  dp_context_free(ctx);
  if (j->files) remove_tree(root);
  g_free(root);
}

static gpointer worker(gpointer data) {
  service *svc = data;
  for (;;) {
    job *j = g_async_queue_pop(svc->jobs);
    if (j->kind == JOB_STOP) {
      job_unref(j);
      break;
    }
    g_atomic_int_dec_and_test(&svc->waiting);
    /* Answered already when its deadline passed while it waited. */
    if (!g_atomic_int_get(&j->answered)) {
      g_atomic_int_inc(&svc->busy);
      reply r = {0};
      work(svc, j, &r);
      answer(j, &r);
      g_atomic_int_dec_and_test(&svc->busy);
    }
    if (j->deadline) g_source_destroy(j->deadline);
    job_unref(j);
    /* Idle: give back to the system what a large request took (glibc
     * keeps freed memory in each thread's arena), so the service's size
     * is its working size, not that of its largest request so far. */
    if (g_async_queue_length(svc->jobs) <= 0) malloc_trim(0);
  }
  return NULL;
}

/* A request's deadline, in the server's thread: unless the worker has
 * answered, it is answered 503 now, and what the worker makes of it
 * later is dropped. */
static gboolean deadline_passed(gpointer data) {
  job *j = data;
  if (g_atomic_int_compare_and_exchange(&j->answered, 0, 1))
    dp_http_respond_error(j->req, 503, "the request took longer than %d s",
                          j->timeout);
  return G_SOURCE_REMOVE;
}

/* ---- Handlers: in the server's thread ---------------------------------- */

static void health(dp_http_request *req, void *data) {
  service *svc = data;
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "status");
  json_builder_add_string_value(b, "ok");
  json_builder_set_member_name(b, "version");
  json_builder_add_string_value(b, dp_get_version());
  json_builder_set_member_name(b, "workers");
  json_builder_add_int_value(b, svc->settings->jobs);
  json_builder_set_member_name(b, "busy");
  json_builder_add_int_value(b, g_atomic_int_get(&svc->busy));
  json_builder_set_member_name(b, "queued");
  json_builder_add_int_value(b, g_atomic_int_get(&svc->waiting));
  json_builder_set_member_name(b, "timed_out");
  json_builder_add_int_value(b, g_atomic_int_get(&svc->timed_out));
  json_builder_end_object(b);
  dp_http_respond_json(req, 200, json_builder_get_root(b));
  g_object_unref(b);
}

static void layouts(dp_http_request *req, void *data) {
  service *svc = data;
  dp_http_respond_text(req, 200, "application/json", svc->layouts_json);
}

/* (transfer full) GET /layouts's answer; NULL when a built-in layout
 * does not load (reported on stderr). */
static char *make_layouts_json(void) {
  dp_context *ctx = dp_context_new();
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "layouts");
  json_builder_begin_array(b);
  bool ok = true;
  for (const char *const *name = dp_layout_get_builtin_names(); *name;
       name++) {
    dp_layout *layout = dp_layout_load(ctx, *name);
    if (!layout) {
      ok = false;
      continue;
    }
    double w = 0, h = 0;
    dp_layout_get_page_size(layout, &w, &h);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, *name);
    json_builder_set_member_name(b, "description");
    json_builder_add_string_value(b, dp_layout_get_description(layout));
    /* Whole millimetres: JSON numbers that print as written. */
    json_builder_set_member_name(b, "width_mm");
    json_builder_add_int_value(b, lround(w / 72 * 25.4));
    json_builder_set_member_name(b, "height_mm");
    json_builder_add_int_value(b, lround(h / 72 * 25.4));
    json_builder_set_member_name(b, "imposed");
    json_builder_add_boolean_value(b, dp_layout_is_imposed(layout));
    json_builder_set_member_name(b, "pages_max");
    json_builder_add_int_value(b, dp_layout_get_pages_max(layout));
    json_builder_set_member_name(b, "pages_multiple");
    json_builder_add_int_value(b, dp_layout_get_pages_multiple(layout));
    json_builder_end_object(b);
    dp_layout_free(layout);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  JsonGenerator *g = json_generator_new();
  JsonNode *root = json_builder_get_root(b);
  json_generator_set_root(g, root);
  json_generator_set_pretty(g, TRUE);
  char *text = json_generator_to_data(g, NULL);
  char *json = g_strconcat(text, "\n", NULL);
  g_free(text);
  json_node_unref(root);
  g_object_unref(g);
  g_object_unref(b);
  dp_context_free(ctx);
  if (!ok) g_clear_pointer(&json, g_free);
  return json;
}

/* Whether `path` may name a file in a request's root: relative, at most
 * 8 folders deep, each part a plain name (not hidden, so no "." or "..";
 * no backslash or control characters), valid UTF-8. */
static bool plain_file_path(const char *path) {
  if (!path || !*path || strlen(path) > 1024 ||
      !g_utf8_validate(path, -1, NULL))
    return false;
  char **parts = g_strsplit(path, "/", -1);
  bool ok = g_strv_length(parts) <= 8;
  for (char **part = parts; ok && *part; part++) {
    ok = **part && **part != '.' && strlen(*part) <= 255;
    for (const char *p = *part; ok && *p; p++)
      ok = *p != '\\' && (unsigned char)*p >= 0x20 && *p != 0x7f;
  }
  g_strfreev(parts);
  return ok;
}

/* Reads a boolean query parameter: absent, "0"/"false" or "1"/"true". */
static bool query_bool(dp_http_request *req, const char *name, bool *value) {
  const char *text = dp_http_request_get_query(req, name);
  *value = false;
  if (!text) return true;
  if (!strcmp(text, "1") || !strcmp(text, "true") || !*text) *value = true;
  else if (strcmp(text, "0") && strcmp(text, "false")) return false;
  return true;
}

/* The document (and files) of a request into `j`; false after answering
 * the request with its error. */
static bool take_body(dp_http_request *req, job *j) {
  const char *type = dp_http_request_get_content_type(req);
  if (type && !g_ascii_strcasecmp(type, "multipart/form-data")) {
    char *error = NULL;
    GPtrArray *parts = dp_http_request_get_parts(req, &error);
    if (!parts) {
      dp_http_respond_error(req, 400, "%s", error);
      g_free(error);
      return false;
    }
    enum { MAX_FILES = 64 };
    j->parts = parts;
    j->files = g_ptr_array_new();
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *folders = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                g_free, NULL);
    bool ok = true;
    for (guint i = 0; i < parts->len && ok; i++) {
      dp_http_part *part = parts->pdata[i];
      if (!strcmp(part->name, "document")) {
        if (j->document) {
          dp_http_respond_error(req, 400, "the form has two 'document' "
                                "fields");
          ok = false;
        } else {
          j->document = g_bytes_ref(part->body);
          if (part->filename && plain_file_path(part->filename))
            j->name = g_path_get_basename(part->filename);
        }
      } else if (!part->filename) {
        dp_http_respond_error(req, 400, "unknown form field '%s': the form "
                              "takes 'document' and files", part->name);
        ok = false;
      } else if (!plain_file_path(part->filename)) {
        dp_http_respond_error(req, 400, "'%s' cannot be a file's name: a "
                              "relative path is, no part of it starting "
                              "with a dot", part->filename);
        ok = false;
      } else if (g_hash_table_contains(names, part->filename) ||
                 g_hash_table_contains(folders, part->filename)) {
        dp_http_respond_error(req, 400, "two files named '%s'",
                              part->filename);
        ok = false;
      } else if (j->files->len >= MAX_FILES) {
        dp_http_respond_error(req, 400, "more than %d files", MAX_FILES);
        ok = false;
      } else {
        g_hash_table_add(names, part->filename);
        g_ptr_array_add(j->files, part);
        /* Its folders, none of which may be a file too. */
        char *folder = g_path_get_dirname(part->filename);
        while (ok && strcmp(folder, ".")) {
          if (g_hash_table_contains(names, folder)) {
            dp_http_respond_error(req, 400, "'%s' is a file and a folder",
                                  folder);
            ok = false;
          }
          char *up = g_path_get_dirname(folder);
          g_hash_table_add(folders, folder);
          folder = up;
        }
        g_free(folder);
      }
    }
    g_hash_table_destroy(names);
    g_hash_table_destroy(folders);
    if (ok && !j->document) {
      dp_http_respond_error(req, 400, "the form has no 'document' field");
      ok = false;
    }
    return ok;
  }
  GBytes *body = dp_http_request_get_body(req);
  if (g_bytes_get_size(body) == 0) {
    dp_http_respond_error(req, 400, "the body is empty: send the "
                          "announcement's YAML");
    return false;
  }
  j->document = g_bytes_ref(body);
  return true;
}

static bool parse_format(const char *text, dp_output_format *format) {
  static const char *const names[] = {"pdf", "png", "svg", "trace"};
  for (int i = 0; i < 4; i++)
    if (!g_ascii_strcasecmp(text, names[i])) {
      *format = (dp_output_format)i;
      return true;
    }
  return false;
}

/* POST /render and /check. */
static void queue_job(dp_http_request *req, service *svc, job_kind kind) {
  static const char *const render_keys[] = {
      "layout", "format", "impose", "dpi", "page", "marks", "preflight",
      NULL};
  static const char *const check_keys[] = {"layout", "preflight", NULL};
  const char *unknown = NULL;
  if (dp_http_request_has_unknown_query(
          req, kind == JOB_RENDER ? render_keys : check_keys, &unknown)) {
    dp_http_respond_error(req, 400, "unknown parameter '%s'", unknown);
    return;
  }
  job *j = g_atomic_rc_box_new0(job);
  j->kind = kind;
  j->req = req;
  const char *layout = dp_http_request_get_query(req, "layout");
  j->layout = g_strdup(layout ? layout : "poster");
  const char *format = dp_http_request_get_query(req, "format");
  const char *impose = dp_http_request_get_query(req, "impose");
  const char *dpi = dp_http_request_get_query(req, "dpi");
  const char *page = dp_http_request_get_query(req, "page");
  bool known = false;
  for (const char *const *n = dp_layout_get_builtin_names(); *n; n++)
    known = known || !strcmp(*n, j->layout);
  bool ok = false;
  if (!known) {
    char *names = g_strjoinv(", ", (char **)dp_layout_get_builtin_names());
    dp_http_respond_error(req, 400, "layout '%s' is not a built-in layout "
                          "(%s)", j->layout, names);
    g_free(names);
  } else if (format && !parse_format(format, &j->format)) {
    dp_http_respond_error(req, 400, "format takes pdf, png, svg or trace, "
                          "not '%s'", format);
  } else if (impose && strcmp(impose, "saddle-stitch") &&
             strcmp(impose, "none")) {
    dp_http_respond_error(req, 400, "impose takes saddle-stitch or none, "
                          "not '%s'", impose);
  } else if (dpi && (!g_ascii_string_to_unsigned(dpi, 10, 10, 2400, NULL,
                                                 NULL))) {
    dp_http_respond_error(req, 400, "dpi takes a whole number from 10 to "
                          "2400, not '%s'", dpi);
  } else if (page && (!g_ascii_string_to_unsigned(page, 10, 1, 1000, NULL,
                                                   NULL))) {
    dp_http_respond_error(req, 400, "page takes a page number from 1, not "
                          "'%s'", page);
  } else if (page && j->format != DP_OUTPUT_PNG &&
             j->format != DP_OUTPUT_SVG) {
    dp_http_respond_error(req, 400, "page is for PNG and SVG, one file a "
                          "page; a PDF holds them all");
  } else if (!query_bool(req, "marks", &j->marks) ||
             !query_bool(req, "preflight", &j->preflight)) {
    dp_http_respond_error(req, 400, "marks and preflight take 1 or 0");
  } else if (g_atomic_int_get(&svc->waiting) >= svc->settings->queue) {
    dp_http_request_add_response_header(req, "Retry-After", "1");
    dp_http_respond_error(req, 503, "%d requests are waiting already; try "
                          "again", svc->settings->queue);
  } else {
    ok = take_body(req, j);
  }
  if (!ok) {
    job_unref(j);
    return;
  }
  if (impose) j->impose = !strcmp(impose, "none") ? DP_IMPOSE_OFF
                                                  : DP_IMPOSE_SADDLE;
  if (dpi) j->dpi = g_ascii_strtod(dpi, NULL);
  if (page) j->page = (int)g_ascii_strtoll(page, NULL, 10);
  if (!j->name) j->name = g_strdup("announcement.yaml");
  j->timeout = svc->settings->timeout;
  j->due = g_get_monotonic_time() + (gint64)j->timeout * G_USEC_PER_SEC;
  j->deadline = g_timeout_source_new_seconds((guint)j->timeout);
  g_source_set_callback(j->deadline, deadline_passed,
                        g_atomic_rc_box_acquire(j), job_unref);
  g_source_attach(j->deadline, NULL);
  g_atomic_int_inc(&svc->waiting);
  g_async_queue_push(svc->jobs, j);
}

static void render(dp_http_request *req, void *data) {
  queue_job(req, data, JOB_RENDER);
}

static void check(dp_http_request *req, void *data) {
  queue_job(req, data, JOB_CHECK);
}

/* ---- The command ------------------------------------------------------------ */

static int usage_error(const char *message) {
  fprintf(stderr, "disputas: error: %s\nTry 'disputas serve --help'.\n",
          message);
  return EXIT_USAGE;
}

int dp_cli_serve_main(int argc, char **argv) {
  settings s = {.port = 8080, .jobs = (int)g_get_num_processors(),
                .queue = 64, .max_body_mib = 16, .max_pages = 100,
                .max_mpixels = 100, .timeout = 60, .read_timeout = 30};
  GOptionEntry entries[] = {
      {"version", 'V', 0, G_OPTION_ARG_NONE, &s.version,
       "Print the version and exit", NULL},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &s.quiet,
       "Print no line for each request answered", NULL},
      {"host", 'H', 0, G_OPTION_ARG_STRING, &s.host,
       "The IP address to listen on (default 127.0.0.1)", "ADDRESS"},
      {"port", 'p', 0, G_OPTION_ARG_INT, &s.port,
       "The port to listen on (default 8080; 0: a free one)", "PORT"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &s.jobs,
       "Requests worked on at once (default: the processors)", "N"},
      {"queue", 0, 0, G_OPTION_ARG_INT, &s.queue,
       "Requests that may wait for a worker; more are answered 503 "
       "(default 64)", "N"},
      {"max-body", 0, 0, G_OPTION_ARG_INT, &s.max_body_mib,
       "The largest request body, in MiB (default 16)", "MIB"},
      {"max-pages", 0, 0, G_OPTION_ARG_INT, &s.max_pages,
       "The most pages a render may make (default 100)", "N"},
      {"max-pixels", 0, 0, G_OPTION_ARG_INT, &s.max_mpixels,
       "The most pixels a PNG render may make, in millions (default 100)",
       "MILLIONS"},
      {"timeout", 0, 0, G_OPTION_ARG_INT, &s.timeout,
       "Seconds a request may take from its arrival, waiting included; "
       "a slower one is answered 503 (default 60)", "SECONDS"},
      {"read-timeout", 0, 0, G_OPTION_ARG_INT, &s.read_timeout,
       "Seconds a request may take to arrive, and a connection may stay "
       "silent; a slower client is disconnected (default 30)", "SECONDS"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_set_prgname("disputas serve");
  GOptionContext *context = g_option_context_new("");
  g_option_context_set_summary(
      context, "Renders and checks announcements over HTTP: POST /render, "
               "POST /check, GET /layouts, GET /health.");
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
  } else if (argc > 1) {
    status = usage_error("'serve' takes no arguments");
  } else if (s.jobs < 1 || s.jobs > 256) {
    status = usage_error("--jobs takes a number from 1 to 256");
  } else if (s.queue < 1 || s.max_body_mib < 1 || s.max_body_mib > 1024 ||
             s.max_pages < 1 || s.max_mpixels < 1 || s.timeout < 1 ||
             s.read_timeout < 1) {
    status = usage_error("--max-body takes 1 to 1024; --queue, "
                         "--max-pages, --max-pixels, --timeout and "
                         "--read-timeout 1 or more");
  }
  if (status != EXIT_SUCCESS || s.version) {
    g_free(s.host);
    return status;
  }

  service svc = {.settings = &s};
  svc.layouts_json = make_layouts_json();
  svc.empty_root = g_dir_make_tmp("disputas-serve-XXXXXX", &error);
  dp_http_config config = {
      .host = s.host, .port = s.port,
      .max_body = (size_t)s.max_body_mib << 20,
      .read_timeout = (unsigned)s.read_timeout,
      .idle_timeout = (unsigned)s.read_timeout,
      .log = !s.quiet};
  if (svc.empty_root && svc.layouts_json)
    svc.server = dp_http_server_new(&config, &error);
  if (!svc.server) {
    if (error)
      fprintf(stderr, "disputas: error: cannot listen: %s\n", error->message);
    else if (!svc.layouts_json)
      fprintf(stderr, "disputas: error: the built-in layouts do not load\n");
    g_clear_error(&error);
    if (svc.empty_root) g_rmdir(svc.empty_root);
    g_free(svc.empty_root);
    g_free(svc.layouts_json);
    g_free(s.host);
    return EXIT_LISTEN;
  }
  dp_http_server_add_route(svc.server, "POST", "/render", render, &svc);
  dp_http_server_add_route(svc.server, "POST", "/check", check, &svc);
  dp_http_server_add_route(svc.server, "GET", "/layouts", layouts, &svc);
  dp_http_server_add_route(svc.server, "GET", "/health", health, &svc);
  svc.jobs = g_async_queue_new();
  svc.workers = g_new0(GThread *, s.jobs);
  for (int i = 0; i < s.jobs; i++)
    svc.workers[i] = g_thread_new("serve", worker, &svc);

  printf("disputas serve: listening on %s/\n",
         dp_http_server_get_url(svc.server));
  fflush(stdout);
  int signal = dp_http_server_run(svc.server);

  /* The requests under way are answered (or the drain gave up): stop
   * the workers, after what is queued, then let the server's thread
   * take what they answered last. */
  for (int i = 0; i < s.jobs; i++) {
    job *stop = g_atomic_rc_box_new0(job);
    stop->kind = JOB_STOP;
    g_async_queue_push(svc.jobs, stop);
  }
  for (int i = 0; i < s.jobs; i++) g_thread_join(svc.workers[i]);
  while (g_main_context_iteration(NULL, FALSE)) {
  }
  dp_http_server_free(svc.server);
  g_async_queue_unref(svc.jobs);
  g_free(svc.workers);
  g_rmdir(svc.empty_root);
  g_free(svc.empty_root);
  g_free(svc.layouts_json);
  g_free(s.host);
  if (!s.quiet)
    fprintf(stderr, "disputas serve: stopped%s\n",
            signal == 2 ? " (SIGINT)" : signal == 15 ? " (SIGTERM)" : "");
  return EXIT_SUCCESS;
}
