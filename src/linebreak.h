/* linebreak: optimal-fit paragraph breaking (Knuth and Plass, "Breaking
 * paragraphs into lines", 1981) on an abstract list of items.
 *
 * A paragraph is a sequence of boxes (text that is never broken), glue
 * (space that may stretch and shrink, and where a line may end) and
 * penalties (places a line may end at a cost, showing `width` more there,
 * a hyphen say).  dp_linebreak() chooses the breaks that minimise the sum
 * of the lines' demerits: each line's badness (how far its glue must
 * stretch or shrink), its penalty, and extra demerits for two hyphenated
 * lines in a row, for adjacent lines of very different tightness and for
 * a hyphen on the line before a paragraph's (or a forced break's) last
 * line.  No knowledge of text or fonts: text.c builds the items from
 * Pango's shaping and sets the lines it is given.
 *
 * Ragged text is broken by the same algorithm with rigid glue and
 * `line_stretch` (the rag each line may leave), so short lines and
 * hyphen ladders cost there too; balanced text (titles) is ragged text
 * whose last line is held to the same rag.
 */
#ifndef DP_LINEBREAK_H
#define DP_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

typedef enum dp_lb_kind {
  DP_LB_BOX,
  DP_LB_GLUE,
  DP_LB_PENALTY
} dp_lb_kind;

/* A penalty of at least this forbids a break; of at most minus this
 * forces one. */
#define DP_LB_INFINITY 10000.0

typedef struct dp_lb_item {
  dp_lb_kind kind;
  double width;           /* box and glue: natural width; penalty: the
                             width shown when a line ends here */
  double stretch, shrink; /* glue; boxes too (glyphs that may be widened
                             or narrowed, by this much at most: past
                             it, the glue alone takes the rest) */
  double track;           /* box: letter space it may take where glue
                             and glyphs have stretched all they may,
                             before the glue stretches further */
  double penalty;         /* penalty: its cost; glue: DP_LB_INFINITY when
                             a line may not end there (a no-break space) */
  bool flagged;           /* penalty: the line ends in a hyphen */
  double protrude;        /* glue and penalty: how much of a line ending
                             here may hang past the measure (punctuation
                             or a hyphen at the margin) */
} dp_lb_item;

typedef struct dp_lb_params {
  double first_width;     /* the first line's measure */
  double width;           /* every other line's */
  double max_ratio;       /* the loosest a line may be (stretch ratio);
                             above it a line is accepted only when no
                             other breaks exist */
  double line_stretch;    /* stretch every line has besides its glue */
  double line_penalty;    /* added to each line's badness (fewer lines) */
  double flagged_demerits;  /* two hyphenated lines in a row */
  double fitness_demerits;  /* adjacent lines two or more classes apart */
  double final_hyphen_demerits; /* a hyphen before a forced break's line,
                                   where no lines within `max_ratio`
                                   avoid one (never otherwise; INFINITY:
                                   only where nothing else fits at all) */
  int max_hyphens;        /* hyphenated lines in a row allowed; 0: any */
} dp_lb_params;

/* TeX's values; at most two hyphenated lines in a row, and a hyphen on
 * the line before a paragraph's last only to save a line looser than
 * the first pass allows. */
void dp_lb_params_init(dp_lb_params *params, double width);

typedef struct dp_lb_line {
  size_t end;    /* the item the line ends at (its break) */
  double ratio;  /* how far its glue is stretched (> 0, a fraction of the
                    stretch) or shrunk (< 0, of the shrink); its boxes
                    the same, but never past -1 or 1 */
  double track;  /* the share of its boxes' letter space it takes, 0 to
                    1 (only where the ratio is 1 or more) */
} dp_lb_line;

/* Breaks `items` (`count` of them, the last a forced-break penalty) into
 * lines.  Returns the number of lines and sets `*lines` (free with
 * g_free()); 0 and NULL when `count` is 0 or the last item does not force
 * a break.  Never fails otherwise: when no breaks keep every line within
 * `max_ratio`, any looseness is allowed; when a box is wider than the
 * measure, the line holding it is overfull (ratio below -1, `*overfull`
 * set if not NULL). */
size_t dp_linebreak(const dp_lb_item *items, size_t count,
                    const dp_lb_params *params, dp_lb_line **lines,
                    bool *overfull);

#endif
