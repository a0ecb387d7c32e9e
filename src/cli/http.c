/* http: see http.h. */
#include "http.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct route {
  char *method;
  char *path;
  dp_http_handler handler;
  void *user_data;
} route;

struct dp_http_server {
  dp_http_config config; /* with the defaults filled in */
  SoupServer *soup;
  GSocketService *service;
  GMainContext *context;
  GMainLoop *loop;
  char *url;
  int port;
  GPtrArray *routes;
  GHashTable *connections; /* GSocketConnection* open, weakly held */
  GHashTable *messages;    /* message_state* of the messages alive */
  int in_flight;           /* requests started and not finished */
  int stop_signal;
  bool stopping;
  GSource *signal_sources[2];
};

/* What the server keeps about a request while it is read (attached to
 * its SoupServerMessage). */
typedef struct message_state {
  dp_http_server *server;
  GByteArray *body;   /* up to max_body bytes */
  guint64 received;   /* every byte, kept or not */
  bool too_large;
  bool arrived;       /* the whole request was read */
  bool in_flight;     /* counted in the server's in_flight */
  gint64 started;     /* monotonic, µs */
  GSource *deadline;  /* the read deadline, until the body is in */
} message_state;

struct dp_http_request {
  dp_http_server *server;
  SoupServerMessage *msg;
  char *path;
  GHashTable *query;
  GBytes *body;
  GPtrArray *headers; /* response headers: name, value, ... */
  bool in_handler;
  bool paused;
  bool answered;
};

#define STATE_KEY "dp-http-state"

/* ---- Connections ----------------------------------------------------- */

static void connection_gone(gpointer data, GObject *gone) {
  dp_http_server *s = data;
  g_hash_table_remove(s->connections, gone);
}

/* Every connection is accepted here rather than by libsoup's own
 * listener, to bound how many there are and how long one may stall
 * (a GSocket's timeout applies to every wait on it). */
static gboolean on_incoming(GSocketService *service,
                            GSocketConnection *connection, GObject *source,
                            gpointer data) {
  (void)service;
  (void)source;
  dp_http_server *s = data;
  if (s->stopping ||
      g_hash_table_size(s->connections) >= s->config.max_connections) {
    g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
    return TRUE;
  }
  GSocket *socket = g_socket_connection_get_socket(connection);
  g_socket_set_timeout(socket, s->config.idle_timeout);
  GSocketAddress *local = g_socket_connection_get_local_address(connection,
                                                                NULL);
  GSocketAddress *remote = g_socket_connection_get_remote_address(connection,
                                                                  NULL);
  GError *error = NULL;
  if (soup_server_accept_iostream(s->soup, G_IO_STREAM(connection), local,
                                  remote, &error)) {
    g_hash_table_add(s->connections, connection);
    g_object_weak_ref(G_OBJECT(connection), connection_gone, s);
  } else {
    g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
    g_clear_error(&error);
  }
  g_clear_object(&local);
  g_clear_object(&remote);
  return TRUE;
}

/* ---- Reading a request: limits --------------------------------------- */

/* A message is done when libsoup lets go of it.  Its signals do not
 * always say so (a request whose first line is garbage gets its 400 but
 * neither request-finished nor request-aborted), so the count of
 * requests under way is kept right here too. */
static void message_state_free(gpointer data) {
  message_state *state = data;
  if (state->server) {
    if (state->in_flight) state->server->in_flight--;
    g_hash_table_remove(state->server->messages, state);
  }
  if (state->deadline) {
    g_source_destroy(state->deadline);
    g_source_unref(state->deadline);
  }
  if (state->body) g_byte_array_unref(state->body);
  g_free(state);
}

static void clear_deadline(message_state *state) {
  if (!state->deadline) return;
  g_source_destroy(state->deadline);
  g_clear_pointer(&state->deadline, g_source_unref);
}

static void request_done(SoupServerMessage *msg, message_state *state);

/* A request that has not arrived whole in time: its connection is taken
 * from libsoup and closed (there is no one to answer). */
static gboolean read_deadline_passed(gpointer data) {
  SoupServerMessage *msg = data;
  message_state *state = g_object_get_data(G_OBJECT(msg), STATE_KEY);
  g_clear_pointer(&state->deadline, g_source_unref);
  /* libsoup says nothing more of a message whose connection is taken:
   * it is done here. */
  g_object_ref(msg);
  GIOStream *stream = soup_server_message_steal_connection(msg);
  request_done(msg, state);
  if (stream) {
    g_io_stream_close(stream, NULL, NULL);
    g_object_unref(stream);
  }
  g_object_unref(msg);
  return G_SOURCE_REMOVE;
}

static void on_got_headers(SoupServerMessage *msg, gpointer data) {
  (void)data;
  /* The body is kept here, bounded, not by libsoup, which would keep
   * all of it. */
  soup_message_body_set_accumulate(soup_server_message_get_request_body(msg),
                                   FALSE);
  message_state *state = g_object_get_data(G_OBJECT(msg), STATE_KEY);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
  goffset length = soup_message_headers_get_content_length(headers);
  if (soup_message_headers_get_encoding(headers) ==
          SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64)length > state->server->config.max_body)
    state->too_large = true;
}

static void on_got_chunk(SoupServerMessage *msg, GBytes *chunk,
                         gpointer data) {
  (void)data;
  message_state *state = g_object_get_data(G_OBJECT(msg), STATE_KEY);
  gsize n = g_bytes_get_size(chunk);
  state->received += n;
  if (state->received > state->server->config.max_body) state->too_large = true;
  if (state->too_large) {
    g_clear_pointer(&state->body, g_byte_array_unref);
    return;
  }
  if (!state->body) state->body = g_byte_array_new();
  g_byte_array_append(state->body, g_bytes_get_data(chunk, NULL), (guint)n);
}

static void on_got_body(SoupServerMessage *msg, gpointer data) {
  (void)data;
  message_state *state = g_object_get_data(G_OBJECT(msg), STATE_KEY);
  state->arrived = true;
  clear_deadline(state);
}

static void on_request_started(SoupServer *soup, SoupServerMessage *msg,
                               gpointer data) {
  (void)soup;
  dp_http_server *s = data;
  s->in_flight++;
  message_state *state = g_new0(message_state, 1);
  state->server = s;
  state->in_flight = true;
  g_hash_table_add(s->messages, state);
  state->started = g_get_monotonic_time();
  state->deadline = g_timeout_source_new_seconds(s->config.read_timeout);
  g_source_set_callback(state->deadline, read_deadline_passed, msg, NULL);
  g_source_attach(state->deadline, s->context);
  g_object_set_data_full(G_OBJECT(msg), STATE_KEY, state,
                         message_state_free);
  g_signal_connect(msg, "got-headers", G_CALLBACK(on_got_headers), s);
  g_signal_connect(msg, "got-chunk", G_CALLBACK(on_got_chunk), s);
  g_signal_connect(msg, "got-body", G_CALLBACK(on_got_body), s);
}

/* Counts the request as done, once, and logs it. */
static void request_done(SoupServerMessage *msg, message_state *state) {
  dp_http_server *s = state->server;
  if (!state->in_flight || !s) return;
  state->in_flight = false;
  s->in_flight--;
  clear_deadline(state);
  if (!s->config.log) return;
  unsigned status = soup_server_message_get_status(msg);
  if (!state->arrived && (status == 0 || status == 500)) {
    /* Too slow (the read deadline or the idle timeout), or gone. */
    fprintf(stderr, "connection closed before its request arrived whole "
            "(%.1f s)\n",
            (double)(g_get_monotonic_time() - state->started) / 1e6);
    return;
  }
  const char *method = soup_server_message_get_method(msg);
  GUri *uri = soup_server_message_get_uri(msg);
  SoupMessageBody *body = soup_server_message_get_response_body(msg);
  fprintf(stderr, "%s %s %u %" G_GINT64_FORMAT " bytes %.1f ms\n",
          method ? method : "-", uri ? g_uri_get_path(uri) : "-", status,
          (gint64)body->length,
          (double)(g_get_monotonic_time() - state->started) / 1000);
}

static void on_request_done(SoupServer *soup, SoupServerMessage *msg,
                            gpointer data) {
  (void)soup;
  (void)data;
  message_state *state = g_object_get_data(G_OBJECT(msg), STATE_KEY);
  if (state) request_done(msg, state);
}

/* ---- Answering -------------------------------------------------------- */

static void request_free(dp_http_request *req) {
  g_object_unref(req->msg);
  g_free(req->path);
  if (req->query) g_hash_table_unref(req->query);
  g_bytes_unref(req->body);
  g_ptr_array_unref(req->headers);
  g_free(req);
}

typedef struct answer {
  dp_http_request *req;
  unsigned status;
  char *content_type;
  GBytes *body;
} answer;

/* Sets the answer on the message; in the server's thread. */
static gboolean give_answer(gpointer data) {
  answer *a = data;
  dp_http_request *req = a->req;
  SoupServerMessage *msg = req->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
  for (guint i = 0; i + 1 < req->headers->len; i += 2)
    soup_message_headers_replace(headers, req->headers->pdata[i],
                                 req->headers->pdata[i + 1]);
  soup_server_message_set_status(msg, a->status, NULL);
  if (a->content_type)
    soup_message_headers_set_content_type(headers, a->content_type, NULL);
  soup_message_body_append_bytes(soup_server_message_get_response_body(msg),
                                 a->body);
  req->answered = true;
  if (!req->in_handler) {
    if (req->paused) soup_server_message_unpause(msg);
    request_free(req);
  }
  g_free(a->content_type);
  g_bytes_unref(a->body);
  g_free(a);
  return G_SOURCE_REMOVE;
}

void dp_http_respond(dp_http_request *req, unsigned status,
                     const char *content_type, GBytes *body) {
  answer *a = g_new0(answer, 1);
  a->req = req;
  a->status = status;
  a->content_type = g_strdup(content_type);
  a->body = body ? g_bytes_ref(body) : g_bytes_new(NULL, 0);
  if (req->in_handler)
    give_answer(a);
  else
    g_main_context_invoke(req->server->context, give_answer, a);
}

void dp_http_respond_text(dp_http_request *req, unsigned status,
                          const char *content_type, const char *text) {
  GBytes *body = g_bytes_new(text, strlen(text));
  dp_http_respond(req, status, content_type, body);
  g_bytes_unref(body);
}

void dp_http_respond_json(dp_http_request *req, unsigned status,
                          JsonNode *node) {
  JsonGenerator *generator = json_generator_new();
  json_generator_set_root(generator, node);
  json_generator_set_pretty(generator, TRUE);
  gsize length = 0;
  char *text = json_generator_to_data(generator, &length);
  g_object_unref(generator);
  json_node_unref(node);
  /* A final newline, for curl in a terminal. */
  char *line = g_strconcat(text, "\n", NULL);
  g_free(text);
  GBytes *body = g_bytes_new_take(line, length + 1);
  dp_http_respond(req, status, "application/json", body);
  g_bytes_unref(body);
}

void dp_http_respond_error(dp_http_request *req, unsigned status,
                           const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "status");
  json_builder_add_int_value(b, status);
  json_builder_set_member_name(b, "error");
  json_builder_add_string_value(b, message);
  json_builder_end_object(b);
  dp_http_respond_json(req, status, json_builder_get_root(b));
  g_object_unref(b);
  g_free(message);
}

void dp_http_request_add_response_header(dp_http_request *req,
                                         const char *name,
                                         const char *value) {
  g_ptr_array_add(req->headers, g_strdup(name));
  g_ptr_array_add(req->headers, g_strdup(value));
}

/* ---- Requests ---------------------------------------------------------- */

const char *dp_http_request_get_method(const dp_http_request *req) {
  return soup_server_message_get_method(req->msg);
}

const char *dp_http_request_get_path(const dp_http_request *req) {
  return req->path;
}

const char *dp_http_request_get_query(const dp_http_request *req,
                                      const char *name) {
  return req->query ? g_hash_table_lookup(req->query, name) : NULL;
}

bool dp_http_request_has_unknown_query(const dp_http_request *req,
                                       const char *const *known,
                                       const char **unknown) {
  if (!req->query) return false;
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init(&iter, req->query);
  while (g_hash_table_iter_next(&iter, &key, NULL)) {
    if (!g_strv_contains(known, key)) {
      *unknown = key;
      return true;
    }
  }
  return false;
}

const char *dp_http_request_get_header(const dp_http_request *req,
                                       const char *name) {
  return soup_message_headers_get_one(
      soup_server_message_get_request_headers(req->msg), name);
}

const char *dp_http_request_get_content_type(const dp_http_request *req) {
  return soup_message_headers_get_content_type(
      soup_server_message_get_request_headers(req->msg), NULL);
}

GBytes *dp_http_request_get_body(const dp_http_request *req) {
  return req->body;
}

static void part_free(gpointer data) {
  dp_http_part *part = data;
  g_free(part->name);
  g_free(part->filename);
  g_free(part->content_type);
  g_bytes_unref(part->body);
  g_free(part);
}

GPtrArray *dp_http_request_get_parts(const dp_http_request *req,
                                     char **error) {
  SoupMessageHeaders *headers =
      soup_server_message_get_request_headers(req->msg);
  SoupMultipart *multipart = NULL;
  const char *type = dp_http_request_get_content_type(req);
  if (type && !g_ascii_strcasecmp(type, "multipart/form-data"))
    multipart = soup_multipart_new_from_message(headers, req->body);
  if (!multipart) {
    *error = g_strdup("the body is not a valid multipart/form-data form");
    return NULL;
  }
  GPtrArray *parts = g_ptr_array_new_with_free_func(part_free);
  for (int i = 0; i < soup_multipart_get_length(multipart); i++) {
    SoupMessageHeaders *part_headers;
    GBytes *body;
    soup_multipart_get_part(multipart, i, &part_headers, &body);
    char *disposition = NULL;
    GHashTable *params = NULL;
    if (!soup_message_headers_get_content_disposition(part_headers,
                                                      &disposition,
                                                      &params) ||
        g_ascii_strcasecmp(disposition, "form-data") ||
        !g_hash_table_lookup(params, "name")) {
      *error = g_strdup_printf("part %d of the form has no Content-"
                               "Disposition: form-data with a name", i + 1);
      g_free(disposition);
      if (params) g_hash_table_destroy(params);
      g_clear_pointer(&parts, g_ptr_array_unref);
      break;
    }
    dp_http_part *part = g_new0(dp_http_part, 1);
    part->name = g_strdup(g_hash_table_lookup(params, "name"));
    /* The file name as sent: libsoup's parse above keeps only its last
     * part, but a form may name files in folders ("images/photo.jpg");
     * the handler judges the path. */
    GHashTable *raw = soup_header_parse_semi_param_list(
        soup_message_headers_get_one(part_headers, "Content-Disposition"));
    part->filename = g_strdup(g_hash_table_lookup(raw, "filename"));
    soup_header_free_param_list(raw);
    part->content_type = g_strdup(
        soup_message_headers_get_content_type(part_headers, NULL));
    part->body = g_bytes_ref(body);
    g_ptr_array_add(parts, part);
    g_free(disposition);
    g_hash_table_destroy(params);
  }
  soup_multipart_free(multipart);
  return parts;
}

/* ---- Routing ------------------------------------------------------------- */

static void dispatch(SoupServer *soup, SoupServerMessage *msg,
                     const char *path, GHashTable *query, gpointer data) {
  (void)soup;
  dp_http_server *s = data;
  message_state *state = g_object_get_data(G_OBJECT(msg), STATE_KEY);
  dp_http_request *req = g_new0(dp_http_request, 1);
  req->server = s;
  req->msg = g_object_ref(msg);
  req->path = g_strdup(path);
  req->query = query ? g_hash_table_ref(query) : NULL;
  req->headers = g_ptr_array_new_with_free_func(g_free);
  req->in_handler = true;
  if (state && state->body)
    req->body = g_byte_array_free_to_bytes(g_steal_pointer(&state->body));
  else
    req->body = g_bytes_new(NULL, 0);

  const char *method = soup_server_message_get_method(msg);
  const char *encoding = soup_message_headers_get_one(
      soup_server_message_get_request_headers(msg), "Content-Encoding");
  route *found = NULL;
  GString *allow = g_string_new(NULL);
  for (guint i = 0; i < s->routes->len; i++) {
    route *r = s->routes->pdata[i];
    if (strcmp(r->path, path)) continue;
    g_string_append_printf(allow, "%s%s", allow->len ? ", " : "", r->method);
    if (!strcmp(r->method, method)) found = r;
  }
  if (s->stopping) {
    dp_http_request_add_response_header(req, "Connection", "close");
    dp_http_respond_error(req, 503, "the server is shutting down");
  } else if (state && state->too_large) {
    dp_http_request_add_response_header(req, "Connection", "close");
    dp_http_respond_error(req, 413, "the body is larger than %" G_GSIZE_FORMAT
                          " bytes", s->config.max_body);
  } else if (encoding && g_ascii_strcasecmp(encoding, "identity")) {
    dp_http_respond_error(req, 415, "a body with Content-Encoding '%s' is "
                          "not taken; send it as it is", encoding);
  } else if (found) {
    found->handler(req, found->user_data);
  } else if (allow->len) {
    dp_http_request_add_response_header(req, "Allow", allow->str);
    dp_http_respond_error(req, 405, "%s takes %s, not %s", path, allow->str,
                          method);
  } else {
    dp_http_respond_error(req, 404, "no such resource: %s", path);
  }
  g_string_free(allow, TRUE);
  req->in_handler = false;
  if (req->answered) {
    request_free(req);
  } else {
    req->paused = true;
    soup_server_message_pause(msg);
  }
}

/* ---- The server ------------------------------------------------------------ */

dp_http_server *dp_http_server_new(const dp_http_config *config,
                                   GError **error) {
  dp_http_config c = config ? *config : (dp_http_config){0};
  if (!c.host) c.host = "127.0.0.1";
  if (!c.max_body) c.max_body = 16 << 20;
  if (!c.read_timeout) c.read_timeout = 30;
  if (!c.idle_timeout) c.idle_timeout = 30;
  if (!c.max_connections) c.max_connections = 64;
  if (!c.drain_timeout) c.drain_timeout = 30;
  if (c.port < 0 || c.port > 65535) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                "%d is not a port (0 to 65535)", c.port);
    return NULL;
  }
  GInetAddress *address = g_inet_address_new_from_string(
      !strcmp(c.host, "localhost") ? "127.0.0.1" : c.host);
  if (!address) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                "'%s' is not an IP address", c.host);
    return NULL;
  }
  GSocketAddress *wanted = g_inet_socket_address_new(address,
                                                     (guint16)c.port);
  GSocketService *service = g_socket_service_new();
  GSocketAddress *effective = NULL;
  bool ok = g_socket_listener_add_address(
      G_SOCKET_LISTENER(service), wanted, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error);
  g_object_unref(wanted);
  if (!ok) {
    g_object_unref(address);
    g_object_unref(service);
    return NULL;
  }
  dp_http_server *s = g_new0(dp_http_server, 1);
  s->config = c;
  s->config.host = NULL; /* not kept: the URL says it */
  s->service = service;
  s->context = g_main_context_ref_thread_default();
  s->loop = g_main_loop_new(s->context, FALSE);
  s->port = g_inet_socket_address_get_port(
      G_INET_SOCKET_ADDRESS(effective));
  char *host = g_inet_address_to_string(address);
  s->url = g_inet_address_get_family(address) == G_SOCKET_FAMILY_IPV6
               ? g_strdup_printf("http://[%s]:%d", host, s->port)
               : g_strdup_printf("http://%s:%d", host, s->port);
  g_free(host);
  g_object_unref(effective);
  g_object_unref(address);
  s->routes = g_ptr_array_new();
  s->connections = g_hash_table_new(NULL, NULL);
  s->messages = g_hash_table_new(NULL, NULL);
  /* No Server header: nothing to tell a scanner. */
  s->soup = soup_server_new("server-header", NULL, NULL);
  soup_server_add_handler(s->soup, NULL, dispatch, s, NULL);
  g_signal_connect(s->soup, "request-started",
                   G_CALLBACK(on_request_started), s);
  g_signal_connect(s->soup, "request-finished", G_CALLBACK(on_request_done),
                   s);
  g_signal_connect(s->soup, "request-aborted", G_CALLBACK(on_request_done),
                   s);
  g_signal_connect(service, "incoming", G_CALLBACK(on_incoming), s);
  g_socket_service_start(service);
  return s;
}

const char *dp_http_server_get_url(const dp_http_server *server) {
  return server->url;
}

int dp_http_server_get_port(const dp_http_server *server) {
  return server->port;
}

void dp_http_server_add_route(dp_http_server *server, const char *method,
                              const char *path, dp_http_handler handler,
                              void *user_data) {
  route *r = g_new0(route, 1);
  r->method = g_strdup(method);
  r->path = g_strdup(path);
  r->handler = handler;
  r->user_data = user_data;
  g_ptr_array_add(server->routes, r);
}

static gboolean on_signal(gpointer data) {
  dp_http_server *s = data;
  /* A second signal while draining ends the wait. */
  s->stop_signal = s->stop_signal ? s->stop_signal : SIGTERM;
  if (s->stopping) s->config.drain_timeout = 0;
  g_main_loop_quit(s->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean on_sigint(gpointer data) {
  dp_http_server *s = data;
  if (!s->stop_signal) s->stop_signal = SIGINT;
  return on_signal(data);
}

static gboolean quit_loop(gpointer data) {
  g_main_loop_quit(data);
  return G_SOURCE_REMOVE;
}

void dp_http_server_stop(dp_http_server *server) {
  g_main_context_invoke(server->context, quit_loop, server->loop);
}

static gboolean drain_timeout_passed(gpointer data) {
  bool *passed = data;
  *passed = true;
  return G_SOURCE_REMOVE;
}

int dp_http_server_run(dp_http_server *server) {
  dp_http_server *s = server;
  const int signals[2] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; i++) {
    s->signal_sources[i] = g_unix_signal_source_new(signals[i]);
    g_source_set_callback(s->signal_sources[i],
                          i == 0 ? on_sigint : on_signal, s, NULL);
    g_source_attach(s->signal_sources[i], s->context);
  }
  g_main_loop_run(s->loop);

  /* Drain: take no more connections; answer what is under way. */
  s->stopping = true;
  g_socket_service_stop(s->service);
  g_socket_listener_close(G_SOCKET_LISTENER(s->service));
  bool passed = false;
  GSource *timer = g_timeout_source_new_seconds(s->config.drain_timeout);
  g_source_set_callback(timer, drain_timeout_passed, &passed, NULL);
  g_source_attach(timer, s->context);
  while (s->in_flight > 0 && !passed && s->config.drain_timeout > 0)
    g_main_context_iteration(s->context, TRUE);
  g_source_destroy(timer);
  g_source_unref(timer);
  return s->stop_signal;
}

void dp_http_server_free(dp_http_server *server) {
  if (!server) return;
  soup_server_disconnect(server->soup);
  GHashTableIter iter;
  gpointer connection;
  g_hash_table_iter_init(&iter, server->connections);
  while (g_hash_table_iter_next(&iter, &connection, NULL))
    g_object_weak_unref(connection, connection_gone, server);
  g_hash_table_destroy(server->connections);
  /* Messages libsoup still holds outlive the server: they forget it. */
  g_hash_table_iter_init(&iter, server->messages);
  gpointer state;
  while (g_hash_table_iter_next(&iter, &state, NULL))
    ((message_state *)state)->server = NULL;
  g_hash_table_destroy(server->messages);
  g_object_unref(server->soup);
  g_socket_service_stop(server->service);
  g_socket_listener_close(G_SOCKET_LISTENER(server->service));
  g_object_unref(server->service);
  for (int i = 0; i < 2; i++) {
    if (!server->signal_sources[i]) continue;
    g_source_destroy(server->signal_sources[i]);
    g_source_unref(server->signal_sources[i]);
  }
  for (guint i = 0; i < server->routes->len; i++) {
    route *r = server->routes->pdata[i];
    g_free(r->method);
    g_free(r->path);
    g_free(r);
  }
  g_ptr_array_free(server->routes, TRUE);
  g_main_loop_unref(server->loop);
  g_main_context_unref(server->context);
  g_free(server->url);
  g_free(server);
}
