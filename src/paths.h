/* paths: where disputas finds its data (layouts, fonts, label tables).
 *
 * In order: $DISPUTAS_DATADIR; the source tree when the running library
 * was built there and not installed (so a fresh build works without
 * `meson install`); the installed datadir.
 */
#ifndef DP_PATHS_H
#define DP_PATHS_H

/* (transfer none) The data folder; computed once, thread-safe. */
const char *dp_paths_get_datadir(void);

/* (transfer none) The folder of the plugin modules: $DISPUTAS_PLUGINDIR,
 * the build tree's src/plugins when running from the build tree, else the
 * installed one. */
const char *dp_paths_get_plugindir(void);

/* (transfer full) `datadir/part/...`; free with g_free(). */
char *dp_paths_build(const char *first, ...) __attribute__((sentinel));

#endif
