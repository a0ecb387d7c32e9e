/* confine: the files a document or layout names, resolved and, under a
 * root folder, kept inside it.
 *
 * Without a root a name is resolved as it always was: an absolute path
 * as it is, a relative one against the folder of the file that names it.
 * With a root (dp_context_set_root, `--root`), a name must be relative,
 * and the file it names must lie inside the root both as written (no
 * `..` leading out of it) and once every symbolic link is followed
 * (realpath), and must be a regular file, not a FIFO or a device.  The
 * result is then the canonical path, so that what is opened later is
 * what was checked.  (A root guards against names in documents; it does
 * not guard against someone else changing the folders under it while a
 * render runs.)
 *
 * librsvg keeps what an SVG image pulls in (xi:include, <image>, CSS
 * imports) in the SVG file's own folder or below, links followed, and
 * loads no other scheme than data: and file:, so an SVG inside the root
 * reaches nothing outside it; the svg module makes such a reference an
 * error rather than a blank (src/plugins/svg.c).
 */
#ifndef DP_CONFINE_H
#define DP_CONFINE_H

#include <stdbool.h>

/* (transfer full, g_free) The canonical path of the folder `dir`, for a
 * root; NULL (errno set) when it cannot be resolved or is not a
 * folder. */
char *dp_confine_canonical_dir(const char *dir);

/* (transfer full, g_free) The file `written` names, relative to
 * `base_dir` (NULL: the root when there is one, else the current folder),
 * under `root` (NULL: no confinement).  NULL when it may not be used,
 * with `*problem` (transfer full, g_free) a fragment that follows the
 * name in a message: "is outside the root folder". */
char *dp_confine_resolve(const char *root, const char *base_dir,
                         const char *written, char **problem);

/* Whether the canonical path `path` is `root` or inside it. */
bool dp_confine_is_inside(const char *root, const char *path);

#endif
