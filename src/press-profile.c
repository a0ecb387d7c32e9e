/* press-profile: press output's printing condition (press-profile.h). */
#include "press-profile.h"

#include <string.h>

#include "bind.h"
#include "config.h"

/* Built-in profiles, from Debian packages (scripts/deps.sh). */
typedef struct builtin {
  const char *name, *path, *condition;
} builtin;

static const builtin builtins[] = {
    /* icc-profiles-free */
    {"srgb", "/usr/share/color/icc/sRGB.icc", "sRGB IEC61966-2.1"},
    /* libgs-common: Ghostscript's default CMYK, a US web coated (SWOP)
     * offset press (AGPL-3+, as Ghostscript). */
    {"cmyk", "/usr/share/color/icc/ghostscript/default_cmyk.icc",
     "U.S. Web Coated (SWOP), Artifex CMYK SWOP Profile"},
};

const char *const dp_press_profile_names[] = {"srgb", "cmyk", NULL};

bool dp_press_profile_is_file(const char *text) {
  if (strchr(text, '/')) return true;
  size_t n = strlen(text);
  return n > 4 && (!g_ascii_strcasecmp(text + n - 4, ".icc") ||
                   !g_ascii_strcasecmp(text + n - 4, ".icm"));
}

static guint32 be32(const unsigned char *p) {
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 |
         p[3];
}

/* The profile's description (its 'desc' tag: ICC.1:2001's
 * textDescriptionType or ICC v4's first multiLocalizedUnicodeType
 * record), as printable UTF-8; NULL when it has none. */
static char *description(const unsigned char *d, size_t n) {
  guint32 count = be32(d + 128);
  if (count > (n - 132) / 12) return NULL;
  for (guint32 i = 0; i < count; i++) {
    const unsigned char *e = d + 132 + 12 * i;
    guint32 at = be32(e + 4), size = be32(e + 8);
    if (memcmp(e, "desc", 4) || at > n || size > n - at || size < 12)
      continue;
    const unsigned char *t = d + at;
    char *text = NULL;
    if (!memcmp(t, "desc", 4)) {
      guint32 length = be32(t + 8);
      if (length <= size - 12) text = g_strndup((const char *)t + 12, length);
      if (text && !g_utf8_validate(text, -1, NULL)) g_clear_pointer(&text,
                                                                    g_free);
    } else if (!memcmp(t, "mluc", 4) && size >= 28) {
      guint32 length = be32(t + 20), offset = be32(t + 24);
      if (offset <= size && length <= size - offset && length % 2 == 0) {
        gunichar2 *units = g_new(gunichar2, length / 2 + 1);
        for (guint32 k = 0; k < length / 2; k++)
          units[k] = (gunichar2)(t[offset + 2 * k] << 8 |
                                 t[offset + 2 * k + 1]);
        text = g_utf16_to_utf8(units, length / 2, NULL, NULL, NULL);
        g_free(units);
      }
    }
    if (!text) return NULL;
    /* Controls (a NUL terminator, a stray newline) would end up in the
     * output intent and the messages. */
    for (char *c = text; *c; c++)
      if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = ' ';
    g_strstrip(text);
    if (*text) return text;
    g_free(text);
    return NULL;
  }
  return NULL;
}

/* A header's signature as text: four ASCII letters, padded with
 * spaces, which are dropped. */
static void signature(const unsigned char *p, char out[5]) {
  for (int i = 0; i < 4; i++) out[i] = g_ascii_isgraph(p[i]) ? p[i] : ' ';
  out[4] = '\0';
  g_strstrip(out);
}

/* The fragment that says why the ICC profile `d` (`n` bytes) is not a
 * printing condition, or NULL with *components set. */
static char *check_header(const unsigned char *d, size_t n, int *components) {
  /* ICC.1, 7.2: the size first, 'acsp' at 36, the class at 12, the
   * colour space at 16; the tag table follows at 128. */
  if (n < 132 || memcmp(d + 36, "acsp", 4) || be32(d) > n || be32(d) < 132)
    return g_strdup("is not an ICC profile");
  char what[5];
  if (memcmp(d + 12, "prtr", 4) && memcmp(d + 12, "mntr", 4)) {
    signature(d + 12, what);
    static const char *const kinds[][2] = {
        {"scnr", "an input device's"}, {"link", "a device link"},
        {"spac", "a colour space conversion"}, {"abst", "an abstract"},
        {"nmcl", "a named colour"}};
    const char *kind = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
      if (!strcmp(what, kinds[i][0])) kind = kinds[i][1];
    return kind ? g_strdup_printf("is %s profile ('%s'), not an output "
                                  "device's (a printer's or a monitor's)",
                                  kind, what)
                : g_strdup_printf("is a '%s' profile, not an output device's "
                                  "(a printer's or a monitor's)", what);
  }
  *components = !memcmp(d + 16, "RGB ", 4)   ? 3
                : !memcmp(d + 16, "CMYK", 4) ? 4
                                             : 0;
  if (!*components) {
    signature(d + 16, what);
    return g_strdup_printf(
        "is a %s profile; press output prints in RGB or CMYK",
        !strcmp(what, "GRAY") ? "grey" : what);
  }
  return NULL;
}

dp_press_profile *dp_press_profile_load(const char *name, const char *path,
                                        const char *condition,
                                        char **problem) {
  *problem = NULL;
  const builtin *b = NULL;
  if (!path) {
    for (size_t i = 0; i < G_N_ELEMENTS(builtins); i++)
      if (!strcmp(builtins[i].name, name)) b = &builtins[i];
    if (!b) {
      char *hint = dp_bind_hint(name, dp_press_profile_names);
      *problem = g_strdup_printf("is not a built-in profile%s; name srgb, "
                                 "cmyk or an ICC file (a path ending in "
                                 ".icc)", hint);
      g_free(hint);
      return NULL;
    }
    path = b->path;
  }
  char *data = NULL;
  gsize length = 0;
  GError *e = NULL;
  if (!g_file_get_contents(path, &data, &length, &e)) {
    bool missing = g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    *problem = b ? g_strdup_printf("is missing: %s (install its Debian "
                                   "package, scripts/deps.sh)", e->message)
               : missing ? g_strdup("does not exist")
                         : g_strdup_printf("cannot be read: %s", e->message);
    g_error_free(e);
    return NULL;
  }
  int components = 0;
  *problem = check_header((const unsigned char *)data, length, &components);
  if (*problem) {
    g_free(data);
    return NULL;
  }
  dp_press_profile *p = g_new0(dp_press_profile, 1);
  p->name = g_strdup(name);
  p->path = g_strdup(path);
  p->components = components;
  if (condition) p->condition = g_strdup(condition);
  else if (b) p->condition = g_strdup(b->condition);
  else p->condition = description((const unsigned char *)data, length);
  if (!p->condition) p->condition = g_path_get_basename(path);
  p->icc = g_bytes_new_take(data, length);
  return p;
}

static dp_press_profile *default_profile;
static char *default_problem;

const dp_press_profile *dp_press_profile_default(char **problem) {
  static gsize once;
  if (g_once_init_enter(&once)) {
    default_profile = dp_press_profile_load(DP_PRESS_PROFILE, DP_PRESS_PROFILE,
                                            DP_PRESS_CONDITION,
                                            &default_problem);
    g_once_init_leave(&once, 1);
  }
  if (problem) *problem = g_strdup(default_problem);
  return default_profile;
}

void dp_press_profile_free(dp_press_profile *p) {
  if (!p) return;
  g_free(p->name);
  g_free(p->path);
  g_free(p->condition);
  if (p->icc) g_bytes_unref(p->icc);
  g_free(p);
}
