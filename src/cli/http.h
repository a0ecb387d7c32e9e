/* http: a small HTTP/1.1 server for the commands that serve (`disputas
 * serve`, `disputas preview`), over libsoup 3.
 *
 * It lives in the command-line module (module.h), loaded only by the
 * commands that need libsoup, so `render` and `build` never pay for it.
 * What it adds to libsoup is what every such command needs and should
 * not redo:
 *
 *  - It listens on one address, 127.0.0.1 unless told otherwise, on a
 *    given port or a free one (port 0), and says where
 *    (dp_http_server_get_url).
 *  - Request limits, applied before a handler runs: a body larger than
 *    `max_body` is read and dropped, never kept, and answered 413; a
 *    request must arrive whole within `read_timeout` seconds and a
 *    connection may sit silent for at most `idle_timeout` (a slow or
 *    stalled client is disconnected, holding nothing); at most
 *    `max_connections` connections at once; request bodies with a
 *    Content-Encoding are refused (415), so nothing is inflated.
 *  - Routes by method and exact path (404, 405 with Allow otherwise).
 *  - Responses from any thread: a handler runs in the server's thread
 *    and may answer at once, or hand the request to a worker thread that
 *    answers later (the request waits, the server goes on serving
 *    others).  libsoup itself is used only from the server's thread.
 *  - JSON responses (json-glib), and errors as {"status": N, "error":
 *    MESSAGE}.
 *  - SIGINT and SIGTERM stop it cleanly: it stops accepting, answers new
 *    requests on open connections 503, waits (up to `drain_timeout`) for
 *    the requests under way to be answered and written, and returns.
 *
 * Usage:
 *
 *     dp_http_config config = {.port = 0};
 *     dp_http_server *server = dp_http_server_new(&config, &error);
 *     dp_http_server_add_route(server, "GET", "/health", health, NULL);
 *     printf("listening on %s\n", dp_http_server_get_url(server));
 *     dp_http_server_run(server);       // until SIGINT or SIGTERM
 *     dp_http_server_free(server);
 *
 *     static void health(dp_http_request *req, void *data) {
 *       dp_http_respond_text(req, 200, "application/json", "{}");
 *     }
 */
#ifndef DP_CLI_HTTP_H
#define DP_CLI_HTTP_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct dp_http_config {
  const char *host;          /* an IP address; NULL: 127.0.0.1 */
  int port;                  /* 0: a free port */
  size_t max_body;           /* bytes; 0: 16 MiB */
  unsigned read_timeout;     /* seconds for a request to arrive whole;
                                0: 30 */
  unsigned idle_timeout;     /* seconds a connection may send or take
                                nothing; 0: 30 */
  unsigned max_connections;  /* 0: 64 */
  unsigned drain_timeout;    /* seconds to finish the requests under way
                                when stopping; 0: 30 */
  bool log;                  /* a line on stderr per request answered */
} dp_http_config;

typedef struct dp_http_server dp_http_server;
typedef struct dp_http_request dp_http_request;

/* Handles a request, in the server's thread.  It must answer it exactly
 * once (dp_http_respond*), now or later from any thread. */
typedef void (*dp_http_handler)(dp_http_request *req, void *user_data);

/* (transfer full) A server listening as `config` says (the defaults for
 * NULL); NULL with *error when the address cannot be had.  It serves in
 * the thread-default main context of the thread that makes it, while
 * dp_http_server_run() runs there. */
dp_http_server *dp_http_server_new(const dp_http_config *config,
                                   GError **error);

/* Closes every connection and frees `server`; NULL is allowed. */
void dp_http_server_free(dp_http_server *server);

/* (transfer none) "http://127.0.0.1:PORT", without a trailing slash. */
const char *dp_http_server_get_url(const dp_http_server *server);

/* The port listened on. */
int dp_http_server_get_port(const dp_http_server *server);

/* Sends `method` requests for exactly `path` to `handler`. */
void dp_http_server_add_route(dp_http_server *server, const char *method,
                              const char *path, dp_http_handler handler,
                              void *user_data);

/* Serves until SIGINT or SIGTERM (or dp_http_server_stop), then drains
 * (see above).  Returns the signal that stopped it, or 0. */
int dp_http_server_run(dp_http_server *server);

/* Makes dp_http_server_run() stop and drain; from any thread. */
void dp_http_server_stop(dp_http_server *server);

/* ---- Requests: read in the handler, before answering ---------------- */

const char *dp_http_request_get_method(const dp_http_request *req);
const char *dp_http_request_get_path(const dp_http_request *req);

/* (transfer none) The query parameter `name`, or NULL. */
const char *dp_http_request_get_query(const dp_http_request *req,
                                      const char *name);

/* Whether the query has parameters other than those in `known` (NULL
 * terminated); the first such name into *unknown (transfer none). */
bool dp_http_request_has_unknown_query(const dp_http_request *req,
                                       const char *const *known,
                                       const char **unknown);

/* (transfer none) A request header, or NULL. */
const char *dp_http_request_get_header(const dp_http_request *req,
                                       const char *name);

/* (transfer none) The media type of the body without its parameters
 * ("multipart/form-data"), or NULL. */
const char *dp_http_request_get_content_type(const dp_http_request *req);

/* (transfer none) The whole body (empty when there is none); valid until
 * the request is answered: g_bytes_ref() it to keep it. */
GBytes *dp_http_request_get_body(const dp_http_request *req);

/* One part of a multipart/form-data body. */
typedef struct dp_http_part {
  char *name;         /* the form field */
  char *filename;     /* as the client sent it, or NULL */
  char *content_type; /* or NULL */
  GBytes *body;
} dp_http_part;

/* (transfer full) The parts of a multipart/form-data body, in order
 * (free with g_ptr_array_unref); NULL with *error (g_free) when the body
 * is not one. */
GPtrArray *dp_http_request_get_parts(const dp_http_request *req,
                                     char **error);

/* ---- Answering: exactly once a request, from any thread ------------- */

/* Answers with `status` and `body` (transfer none: it is referenced) of
 * `content_type`.  Afterwards `req` is gone. */
void dp_http_respond(dp_http_request *req, unsigned status,
                     const char *content_type, GBytes *body);

/* The same with a text body. */
void dp_http_respond_text(dp_http_request *req, unsigned status,
                          const char *content_type, const char *text);

/* Answers with `node` (transfer full) as JSON. */
void dp_http_respond_json(dp_http_request *req, unsigned status,
                          JsonNode *node);

/* Answers {"status": STATUS, "error": MESSAGE}. */
void dp_http_respond_error(dp_http_request *req, unsigned status,
                           const char *format, ...) G_GNUC_PRINTF(3, 4);

/* Adds a response header (before answering, in any thread that holds the
 * request). */
void dp_http_request_add_response_header(dp_http_request *req,
                                         const char *name,
                                         const char *value);

#endif
