/* press-profile: the printing condition of press output, the ICC profile
 * of PDF/X-4's output intent and the name of the condition it describes.
 *
 * A layout (`press-profile:`, `press-condition:`), the API
 * (dp_render_options_set_press_profile) and the CLI (--press-profile)
 * choose it at run time: a built-in name (dp_press_profile_names: the
 * sRGB profile of icc-profiles-free, a CMYK press profile of
 * Ghostscript's libgs-common) or an ICC file.  Without a choice, press
 * output takes the build's (the meson options press-profile and
 * press-condition).
 *
 * A profile is checked once, where it is named: the file can be read, its
 * header is an ICC profile's ('acsp', a size that is the file's), it
 * describes an output device (a printer's or a monitor's class) and its
 * colours are RGB or CMYK, what the content is recoloured to
 * (qpdf-content.h).  A grey or Lab profile, a device link or an abstract
 * profile is not a printing condition. */
#ifndef DP_PRESS_PROFILE_H
#define DP_PRESS_PROFILE_H

#include <glib.h>
#include <stdbool.h>

typedef struct dp_press_profile {
  char *name;      /* the built-in name, or the file as named */
  char *path;      /* the file read */
  char *condition; /* the output intent's OutputCondition and Info */
  int components;  /* 3 RGB, 4 CMYK */
  GBytes *icc;     /* the file's bytes */
} dp_press_profile;

/* The built-in names, NULL-terminated: "srgb", "cmyk". */
extern const char *const dp_press_profile_names[];

/* Whether `text` names a file rather than a built-in profile: it has a
 * '/' or ends in .icc or .icm. */
bool dp_press_profile_is_file(const char *text);

/* (transfer full) The built-in profile `name`, or the file at `path`
 * (already resolved by the caller), with `condition` (NULL: the
 * built-in's own, or the profile's description, else the file's name).
 * NULL when it cannot be used, with *problem (g_free) a fragment that
 * follows the name in a message: "does not exist", "is not an ICC
 * profile", "is a grey profile, not RGB or CMYK"...; an unknown built-in
 * name gives "is not a built-in profile", a "did you mean" and the
 * choices. */
dp_press_profile *dp_press_profile_load(const char *name, const char *path,
                                        const char *condition,
                                        char **problem);

/* (transfer none) The build's profile (config.h), read once; NULL with
 * *problem (g_free, may be NULL) when it cannot be used. */
const dp_press_profile *dp_press_profile_default(char **problem);

void dp_press_profile_free(dp_press_profile *profile);

#endif
