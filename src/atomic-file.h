/* atomic-file: files that are replaced whole or not at all, for the
 * library (dp_render_to_file, dp_calendar_to_file) and the command line
 * (`build`, which renames several outputs together).
 *
 * A file is written to a temporary beside it, `.NAME.XXXXXX`, and renamed
 * over NAME only when all of it was written, so a reader or a run that
 * fails never sees half a file.  No fsync: the rename alone makes the
 * replacement atomic for every reader and for a run that fails, which is
 * the promise (disputas(1)); whether a file renamed a moment before a
 * power cut survives it is the file system's business, as for a
 * compiler's output.  An fsync cost 13-15 ms a file on the machine the
 * benchmark ran on (bench/run.sh), more than laying out a poster, and a
 * build writes four.
 *
 * A process killed while writing (SIGKILL, a power cut) leaves its
 * temporary behind; the next one writing NAME removes those older than an
 * hour (no render takes more than seconds, so an older one belongs to no
 * live process).
 *
 * Compiled into both the library and the CLI (which links only the
 * library's public symbols); uses nothing but GLib and POSIX.
 */
#ifndef DP_ATOMIC_FILE_H
#define DP_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct dp_atomic_file {
  char *temp_path;  /* NULL when writing directly */
  char *final_path;
  FILE *file;
  bool failed;
  int error;        /* errno of the first failure */
} dp_atomic_file;

/* Opens a temporary file beside `final_path` with the permissions the
 * final file has (or 0644).  A `final_path` that exists and is not a
 * regular file (a FIFO, /dev/stdout, a terminal) is written directly when
 * `direct` is true (renaming a file over it would replace it), else
 * refused with EEXIST; a folder is refused with EISDIR.  False, with
 * `error` set, on failure; clear `f` with dp_atomic_file_discard(). */
bool dp_atomic_file_open(dp_atomic_file *f, const char *final_path,
                         bool direct);

/* Appends `length` bytes; false once anything failed.  Its signature fits
 * the library's write callbacks (`f` as their user data). */
bool dp_atomic_file_write(void *f, const unsigned char *data, size_t length);

/* Flushes and closes the file, keeping the temporary; false (with
 * `error`) on failure. */
bool dp_atomic_file_close(dp_atomic_file *f);

/* Renames the closed temporary over the final file and frees `f`'s names;
 * false (with `error`, the temporary left for dp_atomic_file_discard) on
 * failure.  Writing directly, only frees. */
bool dp_atomic_file_commit(dp_atomic_file *f);

/* Closes and removes the temporary, if any, and frees `f`'s names. */
void dp_atomic_file_discard(dp_atomic_file *f);

/* For a run that fails before writing `path`: if it is a FIFO, a reader
 * waiting at its other end gets an end of file (the writing end is
 * opened without blocking and closed) instead of waiting for ever.
 * Anything else at `path` is left alone. */
void dp_atomic_file_release(const char *path);

/* Whether `name` is a temporary file of `base`: `.BASE.XXXXXX`. */
bool dp_atomic_file_is_temp_name(const char *name, const char *base);

#endif
