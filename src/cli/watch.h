/* watch: tells when any of a set of files changes, for the commands that
 * build again on a change (`disputas watch`, `disputas preview`).
 *
 * GLib's file monitors tell (inotify on Linux, which watches the file's
 * folder, so a file an editor saves by writing a copy and renaming it
 * over the original is still followed).  A save is often several events
 * (a write, a close, a rename), so the changes are gathered until none
 * has come for DP_WATCH_SETTLE_MS, then handed over together, each file
 * once, in the order they first changed.  Runs in the thread-default
 * main context of the thread that made it.
 *
 *     dp_watch *w = dp_watch_new(rebuild, data);
 *     dp_watch_set_files(w, files, true);   // after each build
 *     ... g_main_loop_run() ...
 *     dp_watch_free(w);
 */
#ifndef DP_CLI_WATCH_H
#define DP_CLI_WATCH_H

#include <glib.h>
#include <stdbool.h>

#define DP_WATCH_SETTLE_MS 30

typedef struct dp_watch dp_watch;

/* `changed` (transfer none) holds the paths that changed, as absolute
 * paths. */
typedef void (*dp_watch_func)(GPtrArray *changed, void *user_data);

dp_watch *dp_watch_new(dp_watch_func func, void *user_data);
void dp_watch_free(dp_watch *watch);

/* Watches the paths in `files` (char *, relative to the current folder
 * or absolute; files that do not exist yet are watched for their
 * creation).  With `replace`, stops watching every other file; without,
 * adds them (a build that failed could not tell everything it is made
 * from, so it keeps what it watched). */
void dp_watch_set_files(dp_watch *watch, GPtrArray *files, bool replace);

/* How many files are watched. */
unsigned dp_watch_count(const dp_watch *watch);

#endif
