/* trace: a composed page set as stable, diffable text.
 *
 * A trace lists what the renderers draw, read from the same page set and
 * through the same text.c geometry (dp_para_draw's baselines and link
 * rectangles), so it cannot drift from the PDF: page sizes and boxes,
 * each frame's rectangle and fit scale, and every draw in painting order,
 * text line by line with its baseline, extent, fonts and characters.
 * Lengths are points to 0.01.  The golden tests of tests/traces/ compare
 * traces of every sample in every built-in layout; docs/trace.md
 * describes the format.
 */
#ifndef DP_TRACE_H
#define DP_TRACE_H

#include <stdbool.h>

#include "compose.h"
#include "render.h"

/* Writes the trace of `set` as `options` would render it (imposition and
 * marks decide the output pages' geometry).  False when `write` failed. */
bool dp_trace_write(const dp_pageset *set, const dp_render_settings *options,
                    dp_write_func write, void *closure);

#endif
