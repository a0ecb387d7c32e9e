/* The "svg" plugin: SVG images through librsvg (see plugin.h). */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <librsvg/rsvg.h>
#include <libxml/xmlreader.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

/* ---- What an SVG refers to ---------------------------------------- */

/* librsvg 2.54 loads the files an SVG refers to (<image>, <use>,
 * xi:include, CSS) only from the SVG's own folder or below, links
 * followed, besides data: addresses; in place of anything else it draws
 * nothing, without an error.  So every reference is checked before
 * librsvg reads the file: one it would leave out (or a FIFO it would
 * wait on for ever) is an error, which the caller reports at the
 * document's line, instead of a blank.  A file librsvg cannot parse is
 * left to librsvg's own message. */

typedef struct ref_scan {
  char *base_uri; /* the SVG's file: address */
  char *folder;   /* its folder, canonical */
  char *error;    /* the first problem, NULL while there is none */
  bool links;     /* an <a> has an href */
} ref_scan;

static bool inside_folder(const char *folder, const char *path) {
  size_t n = strlen(folder);
  return strncmp(path, folder, n) == 0 &&
         (path[n] == '/' || (n > 0 && folder[n - 1] == '/'));
}

/* Why librsvg would not load `ref` (NULL: it would). */
static char *ref_problem(const ref_scan *scan, const char *ref) {
  if (g_ascii_strncasecmp(ref, "data:", 5) == 0) return NULL;
  char *resolved = g_uri_resolve_relative(scan->base_uri, ref,
                                          G_URI_FLAGS_NONE, NULL);
  if (!resolved || g_strcmp0(g_uri_peek_scheme(resolved), "file") != 0 ||
      strchr(resolved, '?')) {
    g_free(resolved);
    return g_strdup("is not a file (only files and data: addresses are "
                    "drawn)");
  }
  char *hash = strchr(resolved, '#');
  if (hash) *hash = '\0';
  char *file = g_filename_from_uri(resolved, NULL, NULL);
  g_free(resolved);
  char *real = file ? realpath(file, NULL) : NULL;
  int error = errno;
  g_free(file);
  char *problem = NULL;
  GStatBuf st;
  if (!real)
    problem = g_strdup_printf("cannot be read (%s)", g_strerror(error));
  else if (!inside_folder(scan->folder, real))
    problem = g_strdup("is outside the image's folder (an SVG may use "
                       "files in its own folder or below only)");
  else if (g_stat(real, &st) != 0 || !S_ISREG(st.st_mode))
    problem = g_strdup("is not a regular file");
  free(real);
  return problem;
}

static void check_ref(ref_scan *scan, const char *ref, size_t length,
                      int line) {
  char *r = g_strstrip(g_strndup(ref, length));
  char *problem = scan->error || !*r || *r == '#' ? NULL
                                                  : ref_problem(scan, r);
  if (problem)
    scan->error = g_strdup_printf("its reference '%s' (line %d) %s", r,
                                  line, problem);
  g_free(problem);
  g_free(r);
}

/* The addresses in `text` (an attribute or a style sheet): each url(…)
 * and, in a style sheet, each @import "…". */
static void check_css(ref_scan *scan, const char *text, int line) {
  for (const char *p = text; (p = strstr(p, "url(")) != NULL;) {
    p += 4;
    while (g_ascii_isspace(*p)) p++;
    char quote = (*p == '"' || *p == '\'') ? *p++ : ')';
    const char *end = strchr(p, quote);
    if (!end) break;
    check_ref(scan, p, (size_t)(end - p), line);
    p = end;
  }
  for (const char *p = text; (p = strstr(p, "@import")) != NULL;) {
    p += 7;
    while (g_ascii_isspace(*p)) p++;
    if (*p != '"' && *p != '\'') continue;
    char quote = *p++;
    const char *end = strchr(p, quote);
    if (!end) break;
    check_ref(scan, p, (size_t)(end - p), line);
    p = end;
  }
}

/* The href="…" of an <?xml-stylesheet …?>. */
static void check_stylesheet(ref_scan *scan, const char *data, int line) {
  const char *p = strstr(data, "href");
  if (!p) return;
  p += 4;
  while (g_ascii_isspace(*p) || *p == '=') p++;
  if (*p != '"' && *p != '\'') return;
  char quote = *p++;
  const char *end = strchr(p, quote);
  if (end) check_ref(scan, p, (size_t)(end - p), line);
}

static void scan_element(ref_scan *scan, xmlTextReaderPtr reader, int line) {
  /* An <a>'s href is a link for a viewer, not something drawn. */
  bool link = xmlStrEqual(xmlTextReaderConstLocalName(reader), BAD_CAST "a");
  while (xmlTextReaderMoveToNextAttribute(reader) == 1) {
    const char *value = (const char *)xmlTextReaderConstValue(reader);
    if (!value) continue;
    if (xmlStrEqual(xmlTextReaderConstLocalName(reader), BAD_CAST "href")) {
      if (!link) check_ref(scan, value, strlen(value), line);
      else if (*value) scan->links = true;
    } else {
      check_css(scan, value, line);
    }
  }
  xmlTextReaderMoveToElement(reader);
}

/* NULL when everything `path` refers to can be drawn, else the first
 * problem (g_free).  `*links` tells whether an <a> has an href. */
static char *scan_references(const char *path, bool *links) {
  char *dir = g_path_get_dirname(path);
  char *folder = realpath(dir, NULL);
  g_free(dir);
  char *absolute = g_canonicalize_filename(path, NULL);
  ref_scan scan = {g_filename_to_uri(absolute, NULL, NULL), folder, NULL,
                   false};
  g_free(absolute);
  /* No network, no DTD, no entities substituted: only looking.  Quiet:
   * librsvg reports a file that does not parse, through the caller. */
  xmlTextReaderPtr reader =
      folder && scan.base_uri
          ? xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                             XML_PARSE_NOWARNING)
          : NULL;
  int style_depth = -1; /* inside a <style> element at this depth */
  while (reader && !scan.error && xmlTextReaderRead(reader) == 1) {
    /* The node's own line; the parser's is past it. */
    xmlNodePtr node = xmlTextReaderCurrentNode(reader);
    int line = node ? (int)xmlGetLineNo(node) : -1;
    if (line <= 0) line = xmlTextReaderGetParserLineNumber(reader);
    int depth = xmlTextReaderDepth(reader);
    const xmlChar *name = xmlTextReaderConstLocalName(reader);
    switch (xmlTextReaderNodeType(reader)) {
      case XML_READER_TYPE_ELEMENT:
        if (style_depth < 0 && xmlStrEqual(name, BAD_CAST "style") &&
            !xmlTextReaderIsEmptyElement(reader))
          style_depth = depth;
        scan_element(&scan, reader, line);
        break;
      case XML_READER_TYPE_END_ELEMENT:
        if (depth == style_depth) style_depth = -1;
        break;
      case XML_READER_TYPE_TEXT:
      case XML_READER_TYPE_CDATA:
        if (style_depth >= 0) {
          const char *text = (const char *)xmlTextReaderConstValue(reader);
          if (text) check_css(&scan, text, line);
        }
        break;
      case XML_READER_TYPE_PROCESSING_INSTRUCTION:
        if (xmlStrEqual(name, BAD_CAST "xml-stylesheet")) {
          const char *data = (const char *)xmlTextReaderConstValue(reader);
          if (data) check_stylesheet(&scan, data, line);
        }
        break;
      default: break;
    }
  }
  if (reader) xmlFreeTextReader(reader);
  free(folder);
  g_free(scan.base_uri);
  *links = scan.links;
  return scan.error;
}

/* ---- Links --------------------------------------------------------- */

/* librsvg draws an <a> with an href inside a cairo link tag.  In a group
 * (the one an SVG is drawn on, image.c) cairo 1.16 records the tag
 * keeping a pointer into librsvg's memory, which it reads, freed, when
 * the group goes: a crash in one render of three.  And a page's links
 * are the layout's to make, not a logo's (press output has none).  So
 * an SVG with links is read without their hrefs: the same document
 * from a copy, its own folder still the base for what it refers to. */
static void drop_links(xmlNodePtr node) {
  for (; node; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (xmlStrEqual(node->name, BAD_CAST "a")) {
      xmlAttrPtr attr = node->properties;
      while (attr) {
        xmlAttrPtr next = attr->next;
        if (xmlStrEqual(attr->name, BAD_CAST "href")) xmlRemoveProp(attr);
        attr = next;
      }
    }
    drop_links(node->children);
  }
}

static RsvgHandle *open_without_links(const char *path, GError **err) {
  /* As librsvg reads it: no network, entities left as they are. */
  xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING);
  if (!doc) return rsvg_handle_new_from_file(path, err);
  drop_links(xmlDocGetRootElement(doc));
  xmlChar *text = NULL;
  int length = 0;
  xmlDocDumpMemory(doc, &text, &length);
  xmlFreeDoc(doc);
  if (!text) return rsvg_handle_new_from_file(path, err);
  GBytes *bytes = g_bytes_new_with_free_func(text, (gsize)length,
                                             (GDestroyNotify)xmlFree, text);
  GInputStream *stream = g_memory_input_stream_new_from_bytes(bytes);
  GFile *base = g_file_new_for_path(path);
  RsvgHandle *handle = rsvg_handle_new_from_stream_sync(
      stream, base, RSVG_HANDLE_FLAGS_NONE, NULL, err);
  g_object_unref(base);
  g_object_unref(stream);
  g_bytes_unref(bytes);
  return handle;
}

/* ---- Drawing ------------------------------------------------------- */

static RsvgHandle *open_svg(const char *path, char **error) {
  bool links = false;
  *error = scan_references(path, &links);
  if (*error) return NULL;
  GError *err = NULL;
  RsvgHandle *handle = links ? open_without_links(path, &err)
                             : rsvg_handle_new_from_file(path, &err);
  if (!handle) {
    /* librsvg's XML messages end with a line break. */
    *error = g_strchomp(g_strdup(err ? err->message : "cannot read the SVG image"));
    g_clear_error(&err);
    return NULL;
  }
  rsvg_handle_set_dpi(handle, 72.0);
  return handle;
}

static bool get_size(const char *path, double *width, double *height,
                     char **error) {
  RsvgHandle *handle = open_svg(path, error);
  if (!handle) return false;
  gdouble w = 0, h = 0;
  bool ok = rsvg_handle_get_intrinsic_size_in_pixels(handle, &w, &h);
  if (!ok) {
    /* No width and height: the viewBox gives the proportions. */
    gboolean has_width, has_height, has_viewbox;
    RsvgLength lw, lh;
    RsvgRectangle viewbox;
    rsvg_handle_get_intrinsic_dimensions(handle, &has_width, &lw, &has_height,
                                         &lh, &has_viewbox, &viewbox);
    if (has_viewbox && viewbox.width > 0 && viewbox.height > 0) {
      w = viewbox.width;
      h = viewbox.height;
      ok = true;
    }
  }
  g_object_unref(handle);
  if (!ok || w <= 0 || h <= 0) {
    *error = g_strdup("the SVG image has no size or viewBox");
    return false;
  }
  *width = w;
  *height = h;
  return true;
}

static bool draw(const char *path, cairo_t *cr, double x, double y,
                 double width, double height, void *font_map, char **error) {
  RsvgHandle *handle = open_svg(path, error);
  if (!handle) return false;
  RsvgRectangle viewport = {x, y, width, height};
  GError *err = NULL;
  /* librsvg sets text with the thread's default font map (Pango keeps
   * one per thread), and draws it as outlines: the caller's map, for
   * this drawing only.  Unset after, so that the next default is made
   * afresh rather than kept from a context that may be freed. */
  if (font_map) pango_cairo_font_map_set_default(font_map);
  bool ok = rsvg_handle_render_document(handle, cr, &viewport, &err);
  if (font_map) pango_cairo_font_map_set_default(NULL);
  if (!ok) {
    *error = g_strchomp(g_strdup(err ? err->message : "cannot draw the SVG image"));
    g_clear_error(&err);
  }
  g_object_unref(handle);
  return ok;
}

static const dp_svg_api api = {DP_PLUGIN_VERSION, get_size, draw};

const void *dp_plugin_entry(void);
const void *dp_plugin_entry(void) {
  /* Once, before any thread reads XML (plugin.c loads under a lock). */
  xmlInitParser();
  return &api;
}
