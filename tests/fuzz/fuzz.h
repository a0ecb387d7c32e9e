/* fuzz.h: what the fuzz targets share.
 *
 * Each target defines LLVMFuzzerInitialize and LLVMFuzzerTestOneInput.
 * Built with libFuzzer (meson -Dfuzzing=true, clang) they are fuzzers;
 * otherwise they link main.c, which replays the files of their corpus
 * and regression folders and prints TAP (harfbuzz's test/fuzzing does the
 * same), so every input that ever crashed stays a test in every build.
 *
 * Targets print no diagnostics (the point is that no input crashes, hangs,
 * leaks or trips a sanitizer), unless DP_FUZZ_VERBOSE is set in the
 * environment, to see why an input is refused.
 */
#ifndef DP_FUZZ_H
#define DP_FUZZ_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "diag.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Points disputas at the source tree's data (layouts, fonts, label
 * tables) unless DISPUTAS_DATADIR is already set (tests/meson.build sets
 * it for meson test), and makes GLib criticals fatal, as G_DEBUG does in
 * the test environment: a critical is a misuse of an API. */
static inline void dp_fuzz_setup(void) {
  setenv("DISPUTAS_DATADIR", DP_SOURCE_DATADIR, 0);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK);
}

/* A sink for one input: silent unless DP_FUZZ_VERBOSE is set. */
static inline dp_diag *dp_fuzz_diag_new(void) {
  dp_diag *diag = dp_diag_new();
  dp_diag_set_print(diag, getenv("DP_FUZZ_VERBOSE") != NULL);
  return diag;
}

#endif
