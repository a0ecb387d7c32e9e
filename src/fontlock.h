/* fontlock: the one process-wide lock around the font libraries' shared
 * state.
 *
 * Each dp_context has its own FcConfig and Pango font maps, but under
 * them cairo 1.16 keeps fonts for the whole process, shared by every font
 * map that names the same font file (Pango makes its cairo faces from
 * fontconfig patterns, which cairo looks up by file name):
 *
 *  - cairo-ft keeps at most 10 FreeType faces open and closes another's
 *    to open one more; it checks that the other is unused without that
 *    face's lock, so it may close a face another thread has just locked
 *    (_has_unlocked_face, _cairo_ft_unscaled_font_lock_face).  Seen as
 *    heap corruption in cairo_surface_finish and cairo_show_page with
 *    `build -j 2` over the multi-script sample (which uses more than 10
 *    font files), and as metrics read from a closed face: cached in the
 *    scaled font and in Pango's font for their whole life, they gave one
 *    context wrongly justified lines at soft hyphens for good;
 *  - its glyph page cache evicts pages of any font, checking whether the
 *    font is in use without the font's lock
 *    (_cairo_scaled_glyph_page_can_remove);
 *  - librsvg sets SVG text with Pango (the thread's default font map) on
 *    the same cairo fonts.
 *
 * So everything that may touch a cairo font runs under this lock: Pango
 * layouts and metrics (composing, preflight), drawing pages (text, SVG
 * images) and finishing cairo surfaces (font subsetting), making and
 * freeing font maps, paragraphs and page sets.  The rest runs in
 * parallel: reading documents and layouts, loading hyphenation
 * dictionaries, checking photographs, PDF finishing (qpdf), calendars,
 * writing files.
 *
 * The lock is never held while a caller's code runs: no diagnostics
 * callback (dp_diag_hold) and no write callback is called under it, so
 * callbacks may call into disputas on another context.  It is not
 * recursive: take it where such work starts (composing in disputas.c,
 * drawing in render.c, the check that draws SVGs in image.c), never in
 * the modules that work calls. */
#ifndef DP_FONTLOCK_H
#define DP_FONTLOCK_H

void dp_fonts_lock(void);
void dp_fonts_unlock(void);

#endif
