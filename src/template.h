/* template: text with placeholders, expanded against a document.
 *
 *   "{candidate.name}"                a field, by dotted path
 *   "{start|date}", "{start|time}"    filters, chained with |
 *   "{affiliation|join:', '}"         filters with an argument
 *   "{label:public-defence}"          a label in the document's language
 *   "{label || kind|label}"           the first alternative that is set
 *   "{format:time-range}"             a local convention: the language's
 *                                     template for KEY (labels.h),
 *                                     expanded here
 *   "[, {country}]"                   an optional group: dropped whole when
 *                                     a placeholder inside it is empty
 *   "{{", "}}", "\[", "\]"            literal braces and brackets
 *   "{page}", "{pages}"               folios (set by composition)
 *
 * Inside a repetition (`each: events`) paths are looked up in the item
 * first, then in the document; "{.}" is the item itself and "{#}" its
 * 1-based number.
 *
 * Values keep their inline markup: a rich inline field (a thesis title
 * with *emphasis*) expands to text plus spans, so the paragraph it lands
 * in shows the emphasis.
 */
#ifndef DP_TEMPLATE_H
#define DP_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "document.h"
#include "richtext.h"

/* The label texts of a document's language (label-tables.h). */
typedef struct dp_labels dp_labels;

/* What a placeholder can see. */
typedef struct dp_scope dp_scope;
struct dp_scope {
  const dp_value *item;      /* the current item of a repetition, or NULL */
  int index;                 /* its 1-based number */
  const dp_scope *parent;    /* the enclosing repetition, or NULL */
  const dp_value *root;      /* the document's root map */
  const dp_labels *labels;
  const char *lang;
  int page, pages;           /* 0 when not known */
  const dp_value *previous;  /* in a grouped repetition, the entry of the
                                row before in the same group, or NULL */
  bool rtl;                  /* the text is set right to left (this scope's
                                or an enclosing one's) */
  const char *const *made;   /* the page templates whose pages the layout's
                                content may count on (`made(NAME)`),
                                NULL-terminated, or NULL: none */
  const dp_value *const *group; /* in a timetable's head, the entries of
                                its group (`every(...)`), or NULL */
  size_t group_count;
};

/* Bytes [start, end) of an expansion that a placeholder filled with a
 * document field: the path as the template names it ("candidate.name",
 * or "name" inside a repetition) and where its value is in the
 * document, so that what goes wrong with the text can be told there. */
typedef struct dp_text_field {
  unsigned start, end;
  char *path;
  dp_mark mark;
} dp_text_field;

/* Growing text with spans: the result of expansions. */
typedef struct dp_textbuf {
  char *text;
  size_t length, capacity;
  dp_span *spans;
  size_t span_count, span_capacity;
  dp_text_field *fields;  /* in order of start */
  size_t field_count, field_capacity;
} dp_textbuf;

void dp_textbuf_init(dp_textbuf *buf);
void dp_textbuf_clear(dp_textbuf *buf);   /* frees, then re-initialises */
void dp_textbuf_append(dp_textbuf *buf, const char *text, size_t length);
/* Appends `text` and covers it with a span of `kind` (url for links). */
void dp_textbuf_append_span(dp_textbuf *buf, const char *text, size_t length,
                            dp_span_kind kind, const char *url);

typedef struct dp_template dp_template;

/* Parses `source`, reporting syntax errors (an unclosed brace, an unknown
 * filter, a wrong argument) at their column on `mark`'s line.  Returns
 * NULL after reporting.  Free with dp_template_free(). */
dp_template *dp_template_parse(dp_diag *diag, const char *source, dp_mark mark);
/* The same for the text of a template label (labels.h): `{format:KEY}`
 * is an error there, so label templates never expand one another. */
dp_template *dp_template_parse_label(dp_diag *diag, const char *source,
                                     dp_mark mark);
void dp_template_free(dp_template *tmpl);

/* Appends the expansion to `out`.  Returns false if a placeholder outside
 * any optional group was empty, so callers can drop a line that says
 * nothing ("Room: "); the partial text is still appended. */
bool dp_template_expand(const dp_template *tmpl, const dp_scope *scope,
                        dp_textbuf *out);

/* dp_template_expand() for text that Pango sets: a placeholder's value
 * that holds direction controls, or letters of the direction opposite to
 * the scope's (right-to-left ones in left-to-right text, Latin ones in
 * right-to-left text), is wrapped in FIRST STRONG ISOLATE ... POP
 * DIRECTIONAL ISOLATE (U+2068, U+2069), so that its direction is its own:
 * a stray override in one field (U+202E) cannot reverse the text after
 * it, and a Latin name's closing parenthesis stays with it in an Arabic
 * line.  Not
 * for text that leaves the page (QR codes, alternative texts, colours,
 * calendars, metadata). */
bool dp_template_expand_isolated(const dp_template *tmpl,
                                 const dp_scope *scope, dp_textbuf *out);

/* True if the template refers to `{page}` or `{pages}` (running heads and
 * folios are expanded per page). */
bool dp_template_uses_folio(const dp_template *tmpl);

/* Resolves a dotted path in a scope (item first, then enclosing items,
 * then the root).  NULL when unset.  For `if:` conditions and `each:`. */
const dp_value *dp_scope_lookup(const dp_scope *scope, const char *path);

#endif
