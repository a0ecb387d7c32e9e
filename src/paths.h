/* paths: where disputas finds its data (layouts, fonts, label tables)
 * and its plugin modules.
 *
 * In order: $DISPUTAS_DATADIR; PREFIX/share/disputas where PREFIX is the
 * install prefix the running library is found under (relocatable: see
 * paths.c); the source tree when the running library was built there and
 * not installed (so a fresh build works without `meson install`); the
 * datadir configured at build time.  Plugins likewise, with
 * $DISPUTAS_PLUGINDIR, PREFIX/LIBDIR/disputas/plugins and the build
 * tree's src/plugins.
 */
#ifndef DP_PATHS_H
#define DP_PATHS_H

/* (transfer none) The data folder; computed once, thread-safe. */
const char *dp_paths_get_datadir(void);

/* (transfer none) The folder of the plugin modules (see above); computed
 * once, thread-safe. */
const char *dp_paths_get_plugindir(void);

/* (transfer full) `datadir/part/...`; free with g_free(). */
char *dp_paths_build(const char *first, ...) __attribute__((sentinel));

#endif
