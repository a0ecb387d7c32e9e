/* text-sizes: prints the smallest font size of any visible character of
 * each page of a PDF, as poppler reads it ("page N: 9.00"), for
 * sizes.py. */
#include <glib.h>
#include <poppler.h>
#include <stdbool.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: text-sizes FILE.pdf\n");
    return 2;
  }
  GError *error = NULL;
  char *uri = g_filename_to_uri(argv[1], NULL, &error);
  PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL, &error)
                             : NULL;
  g_free(uri);
  if (!doc) {
    fprintf(stderr, "text-sizes: %s\n", error->message);
    g_error_free(error);
    return 1;
  }
  for (int n = 0; n < poppler_document_get_n_pages(doc); n++) {
    PopplerPage *page = poppler_document_get_page(doc, n);
    char *text = poppler_page_get_text(page);
    GList *attrs = poppler_page_get_text_attributes(page);
    double smallest = 0;
    glong chars = g_utf8_strlen(text, -1);
    for (GList *l = attrs; l; l = l->next) {
      PopplerTextAttributes *a = l->data;
      /* Only runs that draw something: not spaces and line ends. */
      bool visible = false;
      for (int i = a->start_index; i <= a->end_index && i < chars && !visible;
           i++) {
        gunichar ch = g_utf8_get_char(g_utf8_offset_to_pointer(text, i));
        visible = !g_unichar_isspace(ch);
      }
      if (visible && (smallest == 0 || a->font_size < smallest))
        smallest = a->font_size;
    }
    printf("page %d: %.2f\n", n + 1, smallest);
    poppler_page_free_text_attributes(attrs);
    g_free(text);
    g_object_unref(page);
  }
  g_object_unref(doc);
  return 0;
}
