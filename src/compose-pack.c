/* compose-pack: units set at a width and scale and packed into columns,
 * with orphans, widows, keep-with-next and keep-together.
 */
#include "compose.h"

#include <math.h>
#include <string.h>

#include "compose-private.h"

/* ---- Setting and measuring units ----------------------------------- */

/* Whether `text` holds the character `ch`. */
static bool holds_char(const char *text, size_t length, gunichar ch) {
  char utf8[8];
  int n = g_unichar_to_utf8(ch, utf8);
  for (const char *p = text, *end = text + length; p + n <= end;
       p = g_utf8_next_char(p))
    if (!memcmp(p, utf8, (size_t)n)) return true;
  return false;
}

/* Warns `message` at `mark` unless it has been, for this composition. */
static void warn_once(composer *c, dp_mark mark, char *message) {
  char *key = g_strdup_printf("%s:%d:%d: %s", mark.file ? mark.file : "",
                              mark.line, mark.column, message);
  if (g_hash_table_add(c->told, key))
    dp_warning(c->diag, mark, "%s", message);
  g_free(message);
}

/* Warns, once a unit, of the characters of `p` no font can draw: at the
 * document field each came from and naming it, or else (the layout's
 * own words, a bullet) at the layout's item, quoting the text. */
static void report_missing(composer *c, unit *u, const dp_para *p) {
  if (u->missing_told || !dp_para_has_missing_glyphs(p)) return;
  u->missing_told = true;
  size_t count;
  uint32_t *chars = dp_para_get_missing(p, &count);
  bool *told = g_new0(bool, count + 1);
  uint32_t *these = g_new(uint32_t, count + 1);
  for (size_t f = 0; f < u->field_count; f++) {
    const dp_text_field *field = &u->fields[f];
    size_t n = 0;
    for (size_t k = 0; k < count; k++)
      if (!told[k] && field->end <= u->length &&
          holds_char(u->text + field->start, field->end - field->start,
                     chars[k])) {
        these[n++] = chars[k];
        told[k] = true;
      }
    if (n == 0) continue;
    char *what = dp_describe_chars(these, n);
    warn_once(c, field->mark,
              g_strdup_printf("no font can draw %s in the field '%s'", what,
                              field->path));
    g_free(what);
  }
  size_t n = 0;
  for (size_t k = 0; k < count; k++)
    if (!told[k]) these[n++] = chars[k];
  if (n > 0 || count == 0) {
    char *what = dp_describe_chars(these, n);
    char *quote = g_utf8_substring(u->text, 0,
                                   MIN(40, g_utf8_strlen(u->text,
                                                         (gssize)u->length)));
    g_strdelimit(quote, "\n", ' ');
    warn_once(c, u->mark,
              g_strdup_printf("no font can draw %s in '%s'", what, quote));
    g_free(quote);
    g_free(what);
  }
  g_free(these);
  g_free(told);
  g_free(chars);
}

static dp_para *unit_para(composer *c, unit *u, double width, double scale) {
  if (!u->para || u->para_width != width || u->para_scale != scale) {
    dp_para *p = dp_para_reflow(u->para, width, scale);
    if (!p) {
      p = dp_para_new(c->text, u->text, u->length, u->spans, u->span_count,
                      u->style, u->lang ? u->lang : c->lang, width, scale,
                      u->marker, u->lang ? u->mark : c->lang_mark);
      report_missing(c, u, p);
    }
    if (!u->para_drawn) dp_para_free(u->para);
    u->para_drawn = false;
    u->para = p;
    u->para_width = width;
    u->para_scale = scale;
  }
  return u->para;
}

/* Height of a QR code with its quiet zone on both sides. */
static double qr_extent(const unit *u) {
  return u->width * (u->qr->size + 2 * DP_QR_QUIET_ZONE) / u->qr->size;
}

/* Height a non-paragraph unit takes, at `scale`. */
double compose_unit_height(const unit *u, double scale) {
  switch (u->kind) {
    case UNIT_SPACE: return u->height * scale;
    case UNIT_RULE: return u->height * scale;
    case UNIT_QR: return qr_extent(u);
    case UNIT_IMAGE: return u->height;
    default: return 0;
  }
}

/* Height of lines [first, first + n) of a paragraph. */
static double lines_height(const dp_para *p, int first, int n) {
  if (n <= 0) return 0;
  double top0, h0, b0, top1, h1, b1;
  dp_para_get_line(p, first, &top0, &h0, &b0);
  dp_para_get_line(p, first + n - 1, &top1, &h1, &b1);
  return top1 + h1 - top0;
}

/* ---- Packing units into a column ----------------------------------- */

dp_draw *compose_page_add(composer *c, dp_page *page) {
  (void)c;
  if (page->count == page->capacity) {
    page->capacity = page->capacity ? page->capacity * 2 : 32;
    page->draws = g_renew(dp_draw, page->draws, page->capacity);
  }
  dp_draw *d = &page->draws[page->count++];
  memset(d, 0, sizeof *d);
  return d;
}

/* `verso`: a left-hand page; `rtl`: a right-to-left document, whose start
 * is the right and whose booklet is bound on the right. */
static double align_x(dp_halign align, const column *col, double width,
                      bool verso, bool rtl) {
  bool spine_left = verso == rtl;
  if (align == DP_HALIGN_INSIDE) align = spine_left ? DP_HALIGN_LEFT : DP_HALIGN_RIGHT;
  if (align == DP_HALIGN_OUTSIDE) align = spine_left ? DP_HALIGN_RIGHT : DP_HALIGN_LEFT;
  if (align == DP_HALIGN_START) align = rtl ? DP_HALIGN_RIGHT : DP_HALIGN_LEFT;
  if (align == DP_HALIGN_END) align = rtl ? DP_HALIGN_LEFT : DP_HALIGN_RIGHT;
  switch (align) {
    case DP_HALIGN_CENTRE: return col->x + (col->width - width) / 2;
    case DP_HALIGN_RIGHT: return col->x + col->width - width;
    default: return col->x;
  }
}

/* Text aligned inside or outside in a flow takes its side's style once
 * the page is known (a page set's first page is a right-hand page). */
static void unit_set_side(packer *pk, unit *u) {
  if (!u->style_verso) return;
  bool verso = (pk->page_index + 1) % 2 == 0;
  const dp_style *style = verso ? u->style_verso : u->style_recto;
  if (u->style == style) return;
  u->style = style;
  if (!u->para_drawn) dp_para_free(u->para);
  u->para = NULL;
  u->para_drawn = false;
}

static dp_para *unit_para_in(packer *pk, unit *u, double width) {
  unit_set_side(pk, u);
  return unit_para(pk->c, u, width, pk->scale);
}

/* Height of a keep-together group starting at unit `i` (a GROUP_BEGIN) as
 * compose_pack_column() places it in `col`: space before its first paragraph
 * only when not at the top, spaces only after something, and no space after its
 * last paragraph (a column may end there).  Sets *end to the index of its
 * GROUP_END. */
static double group_height(packer *pk, size_t i, const column *col,
                           bool at_top, size_t *end) {
  double h = 0, after = 0;
  int depth = 0;
  for (; i < pk->units->len; i++) {
    unit *u = &g_array_index(pk->units, unit, i);
    if (u->kind == UNIT_GROUP_BEGIN) {
      depth++;
    } else if (u->kind == UNIT_GROUP_END) {
      if (--depth == 0) break;
    } else if (u->kind == UNIT_PARA) {
      dp_para *p = unit_para_in(pk, u, col->width);
      h += after + (at_top ? 0 : dp_para_get_space_before(p)) +
           dp_para_get_height(p);
      after = dp_para_get_space_after(p);
      at_top = false;
    } else if (u->kind == UNIT_SPACE) {
      if (!at_top) h += after + compose_unit_height(u, pk->scale);
      after = 0;
    } else if (u->kind != UNIT_BREAK) {
      h += after + compose_unit_height(u, pk->scale);
      after = 0;
      at_top = false;
    }
  }
  *end = i;
  return h;
}

/* Space the start of unit `i` needs in `col` to show something: a
 * paragraph's space before and its first `orphans` lines; an object its
 * height; a keep-together group all of it (unless it is taller than the
 * column: then it will be split anyway).  A keep-with-next unit adds what
 * its successor needs, through spaces: a heading stays with the text that
 * follows it, not with the space before that text. */
static double need_at(packer *pk, size_t i, const column *col, bool at_top,
                      int depth) {
  if (i >= pk->units->len || depth > 8) return 0;
  unit *u = &g_array_index(pk->units, unit, i);
  switch (u->kind) {
    case UNIT_PARA: {
      dp_para *p = unit_para_in(pk, u, col->width);
      int n = dp_para_get_line_count(p);
      double before = at_top ? 0 : dp_para_get_space_before(p);
      if (u->keep_with_next)
        return before + lines_height(p, 0, n) + dp_para_get_space_after(p) +
               need_at(pk, i + 1, col, false, depth + 1);
      /* The fewest lines compose_pack_column() will leave here: `orphans`, or
       * all when the rest would be fewer than `widows`. */
      int orphans = MAX(1, u->style->orphans), widows = MAX(1, u->style->widows);
      int k = n - orphans < widows ? n : orphans;
      return before + lines_height(p, 0, MIN(n, k));
    }
    case UNIT_GROUP_BEGIN: {
      size_t end;
      double h = group_height(pk, i, col, at_top, &end);
      if (h > col->height + 0.01)
        return need_at(pk, i + 1, col, at_top, depth + 1);
      unit *last = end > i + 1 ? &g_array_index(pk->units, unit, end - 1) : NULL;
      if (last && last->keep_with_next)
        h += need_at(pk, end + 1, col, false, depth + 1);
      return h;
    }
    case UNIT_GROUP_END: return need_at(pk, i + 1, col, at_top, depth + 1);
    case UNIT_SPACE:
      return (at_top ? 0 : compose_unit_height(u, pk->scale)) +
             need_at(pk, i + 1, col, at_top, depth + 1);
    case UNIT_BREAK: return 0;
    default:
      return compose_unit_height(u, pk->scale) +
             (u->keep_with_next ? need_at(pk, i + 1, col, false, depth + 1) : 0);
  }
}

/* A bookmark's title: the paragraph's text without the isolates placed
 * around its placeholders' values (template.h), which are for Pango, not
 * for a PDF reader's list of bookmarks. */
static char *outline_title(const char *text, size_t length) {
  GString *title = g_string_sized_new(length);
  for (size_t i = 0; i < length; i++) {
    if (length - i >= 3 && memcmp(text + i, "\xE2\x81", 2) == 0 &&
        ((unsigned char)text[i + 2] == 0xA8 ||
         (unsigned char)text[i + 2] == 0xA9)) {
      i += 2;
      continue;
    }
    g_string_append_c(title, text[i]);
  }
  return g_string_free(title, FALSE);
}

static void emit_para(packer *pk, unit *u, dp_para *p, const column *col,
                      double y, int first, int n) {
  if (!pk->page || n <= 0) return;
  dp_draw *d = compose_page_add(pk->c, pk->page);
  d->kind = DP_DRAW_TEXT;
  d->x = col->x;
  d->y = y;
  d->width = col->width;
  d->height = lines_height(p, first, n);
  d->para = p;
  if (!u->para_drawn) g_ptr_array_add(pk->c->store->paras, p);
  u->para_drawn = true;
  d->first_line = first;
  d->line_count = n;
  d->role = u->role;
  d->lang = compose_keep_string(pk->c, u->lang);
  d->reading = pk->frame ? pk->frame->reading : 0;
  d->mark = u->mark;
  d->frame_mark = pk->frame ? pk->frame->mark : DP_MARK_FILE(NULL);
  d->style = u->style;
  if (u->outline_level > 0 && first == 0 && pk->c->layout->outline) {
    dp_outline_entry e = {outline_title(u->text, u->length),
                          u->outline_level, pk->page_index, y};
    g_array_append_val(pk->c->outline, e);
  }
}

const char *compose_keep_string(composer *c, const char *text) {
  if (!text) return NULL;
  char *copy = g_strdup(text);
  g_ptr_array_add(c->store->strings, copy);
  return copy;
}

static void emit_object(packer *pk, unit *u, const column *col, double y) {
  if (!pk->page) return;
  dp_draw *d = compose_page_add(pk->c, pk->page);
  double h = compose_unit_height(u, pk->scale);
  d->mark = u->mark;
  d->frame_mark = pk->frame ? pk->frame->mark : DP_MARK_FILE(NULL);
  d->reading = pk->frame ? pk->frame->reading : 0;
  switch (u->kind) {
    case UNIT_RULE: {
      double w = u->width > 0      ? MIN(u->width, col->width)
                 : u->fraction > 0 ? MIN(u->fraction, 1.0) * col->width
                                   : col->width;
      d->kind = DP_DRAW_BOX;
      d->x = align_x(u->align, col, w, pk->page->verso, pk->c->rtl);
      d->y = y;
      d->width = w;
      d->height = h;
      d->has_fill = true;
      d->fill = u->colour;
      break;
    }
    case UNIT_QR:
      d->kind = DP_DRAW_QR;
      d->width = d->height = h;
      d->x = align_x(u->align, col, h, pk->page->verso, pk->c->rtl);
      d->y = y;
      d->qr = u->qr;
      g_ptr_array_add(pk->c->store->qrs, u->qr);
      u->qr = NULL;
      d->fill = u->colour;
      d->alt = compose_keep_string(pk->c, u->alt);
      d->role = DP_ROLE_FIGURE;
      break;
    case UNIT_IMAGE:
      d->kind = DP_DRAW_IMAGE;
      d->width = u->width;
      d->height = u->height;
      d->x = align_x(u->align, col, u->width, pk->page->verso, pk->c->rtl);
      d->y = y;
      d->image_path = compose_keep_string(pk->c, u->image_path);
      d->cover = u->cover;
      d->alt = compose_keep_string(pk->c, u->alt);
      d->role = DP_ROLE_FIGURE;
      d->source = u->source;
      break;
    default: pk->page->count--; break;
  }
}

/* Packs units from `*cur` into `col`.  Returns the height used; advances
 * `*cur` past what was placed.  Stops at a frame or page break or when
 * the next unit does not fit. */
double compose_pack_column(packer *pk, cursor *cur, const column *col) {
  double y = 0;
  bool at_top = true;
  bool spread = false; /* spread already added at this boundary */
  while (cur->unit < pk->units->len) {
    /* Each unit may set a paragraph: where a long composition stops. */
    if (compose_stopped(pk->c)) return y;
    unit *u = &g_array_index(pk->units, unit, cur->unit);
    if (pk->spread > 0 && !at_top && !spread &&
        (u->kind == UNIT_SPACE ||
         (u->kind == UNIT_GROUP_BEGIN && pk->depth == 0))) {
      y += pk->spread;
      spread = true;
    }
    if (u->kind == UNIT_GROUP_BEGIN) pk->depth++;
    if (u->kind == UNIT_GROUP_END) pk->depth--;
    if (u->kind != UNIT_SPACE && u->kind != UNIT_GROUP_BEGIN &&
        u->kind != UNIT_GROUP_END && u->kind != UNIT_BREAK)
      spread = false;
    switch (u->kind) {
      case UNIT_BREAK:
        cur->unit++;
        /* A spare break is a page break when pages are to spare: first
         * only after a third of the column (it leaves no page nearly
         * empty), then wherever it stands; it never opens an empty page. */
        if (u->break_kind == DP_BREAK_SPARE &&
            (pk->c->spare == 0 || at_top ||
             (pk->c->spare == 1 && y < col->height / 3)))
          continue;
        if (u->break_kind != DP_BREAK_FRAME) pk->page_break = true;
        if (u->break_kind == DP_BREAK_PAGE) pk->hard_break = true;
        if (!at_top || u->break_kind == DP_BREAK_PAGE) return y;
        continue;
      case UNIT_GROUP_END: cur->unit++; continue;
      case UNIT_GROUP_BEGIN: {
        /* The group and what it keeps with: on to the next column unless
         * that could not take the group either. */
        size_t end;
        double h = group_height(pk, cur->unit, col, at_top, &end);
        double need = need_at(pk, cur->unit, col, at_top, 0);
        if (!at_top && h <= col->height + 0.01 && y + need > col->height + 0.01) {
          pk->depth--; /* met again in the next column */
          return y;
        }
        cur->unit++;
        continue;
      }
      case UNIT_SPACE:
        cur->unit++;
        if (!at_top) y += compose_unit_height(u, pk->scale);
        continue;
      case UNIT_PARA: break;
      default: {
        double h = compose_unit_height(u, pk->scale);
        double need = need_at(pk, cur->unit, col, at_top, 0);
        if (!at_top && y + MAX(h, need) > col->height + 0.01) return y;
        if (at_top && h > col->height + 0.01) return y; /* never fits */
        emit_object(pk, u, col, col->y + y);
        y += h;
        at_top = false;
        cur->unit++;
        continue;
      }
    }
    /* A paragraph, maybe continued from the previous column. */
    dp_para *p = unit_para_in(pk, u, col->width);
    int n = dp_para_get_line_count(p);
    int first = cur->line;
    double before = (at_top || first > 0) ? 0 : dp_para_get_space_before(p);
    if (first == 0 && !at_top) {
      double need = need_at(pk, cur->unit, col, false, 0);
      if (y + need > col->height + 0.01) return y;
    }
    double avail = col->height - y - before;
    int fit = 0;
    while (first + fit < n && lines_height(p, first, fit + 1) <= avail + 0.01) fit++;
    if (first + fit < n) {
      /* Split: keep `orphans` lines at this foot and `widows` at the next
       * head; in an empty column break the rules rather than stall. */
      int raw = fit;
      int widows = MAX(1, u->style->widows), orphans = MAX(1, u->style->orphans);
      if (n - (first + fit) < widows) fit = n - first - widows;
      if (first == 0 && fit < orphans) fit = 0;
      /* Nor a hyphen at the foot, the word's end overleaf: a line more
       * goes on (at most two hyphens in a row), or, where `orphans` would
       * not stay, the whole paragraph, unless it starts the column. */
      int kept = fit;
      while (kept > 0 && dp_para_line_ends_in_hyphen(p, first + kept - 1))
        kept = kept > (first == 0 ? orphans : 1) ? kept - 1 : 0;
      if (kept > 0 || !at_top) fit = kept;
      if (fit <= 0 && at_top) fit = raw;
      if (fit <= 0) return y;
      emit_para(pk, u, p, col, col->y + y + before, first, fit);
      y += before + lines_height(p, first, fit);
      cur->line = first + fit;
      return y;
    }
    emit_para(pk, u, p, col, col->y + y + before, first, n - first);
    y += before + lines_height(p, first, n - first) + dp_para_get_space_after(p);
    at_top = false;
    cur->unit++;
    cur->line = 0;
  }
  return y;
}

