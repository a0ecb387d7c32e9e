/* settings: what a dp_context sets for the work done through it (the
 * setters in disputas.h).  disputas.c owns and writes it; the modules
 * only read it, through a const pointer that may be NULL for the
 * defaults.  Nothing here is process-wide: two contexts with different
 * settings work side by side. */
#ifndef DP_SETTINGS_H
#define DP_SETTINGS_H

typedef struct dp_settings {
  /* The folder every file a document or layout names must resolve into
   * (confine.h): canonical (absolute, no symbolic links), or NULL for no
   * confinement. */
  char *root;
} dp_settings;

/* The root of `settings` (may be NULL), or NULL. */
static inline const char *dp_settings_root(const dp_settings *settings) {
  return settings ? settings->root : 0;
}

#endif
