/* `disputas new`: see new.c. */
#ifndef DP_CLI_NEW_H
#define DP_CLI_NEW_H

#include <stdbool.h>

/* (transfer full) A commented announcement in `lang` with `events` events
 * (1: the public defence; 2: the trial lecture first; more: events of
 * kind other after them), its required values `<placeholders>`. */
char *dp_cli_new_announcement(const char *lang, int events);

/* Whether `lang` may be written into the file as it is: letters, digits
 * and '-' (check says whether it is a language tag). */
bool dp_cli_lang_form(const char *lang);

/* Writes `text` to `path`, never replacing a file, or to standard output
 * when `path` is NULL or "-".  Returns the exit status (0, or 3 after
 * reporting). */
int dp_cli_write_new(const char *path, const char *text);

#endif
