/* hyphen-cache: see hyphen-cache.h.
 *
 * A cache file is a header and a payload, in this machine's byte order:
 *
 *   header   "DPHYPH1\n", uint32 0x01020304 (byte order), uint32 payload
 *            length, uint32 CRC-32 of the payload, uint32 key length,
 *            the key (path, size, mtime and inode of the .dic);
 *   payload  uint32 level count, then per level (a dictionary and its
 *            nextlevel): int8 lhmin rhmin clhmin crhmin, int32 nohyphenl,
 *            a block (nohyphen), cset[20], int32 utf8, int32 state count,
 *            then per state: a block (match), a block (repl), int8
 *            replindex replcut, int32 fallback_state, int32 transition
 *            count, then per transition int8 ch, int32 new_state.
 *
 * A block is an int32 length, -1 for NULL, then that many bytes, the
 * last of them NUL.
 *
 * The automaton libhyphen builds is a trie: state 0 is the empty string,
 * every other state is reached by exactly one transition (the string one
 * character longer), a state's fallback is a shorter string (a suffix),
 * and its match has at most one digit more than its string has bytes
 * (none more when the string starts with the word's '.').  libhyphen's
 * matching relies on that to stay inside its buffers, so a cache is used
 * only when its automaton is such a trie, its no-hyphen strings are not
 * empty, and it has no replacements (non-standard hyphenation, whose
 * indices libhyphen takes on trust; no installed dictionary has any).
 */
#include "hyphen-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "DPHYPH1\n"
#define BYTE_ORDER_MARK 0x01020304u
/* Far beyond any dictionary (US English: ~9,000 states), and a bound on
 * what a damaged file can make us allocate. */
#define MAX_STATES (1 << 22)
#define MAX_LEVELS 4
/* Larger than any payload these limits allow is of no use either. */
#define MAX_PAYLOAD (256u << 20)

/* ---- Writing ------------------------------------------------------- */

static void put_u32(GByteArray *out, uint32_t v) {
  g_byte_array_append(out, (const guint8 *)&v, sizeof v);
}

static void put_i32(GByteArray *out, int32_t v) {
  g_byte_array_append(out, (const guint8 *)&v, sizeof v);
}

static void put_i8(GByteArray *out, int v) {
  guint8 b = (guint8)(signed char)v;
  g_byte_array_append(out, &b, 1);
}

static void put_block(GByteArray *out, const char *bytes, size_t length) {
  if (!bytes) {
    put_i32(out, -1);
    return;
  }
  put_i32(out, (int32_t)length);
  g_byte_array_append(out, (const guint8 *)bytes, (guint)length);
}

/* Length of nohyphen: nohyphenl + 1 strings, one after another. */
static size_t nohyphen_length(const HyphenDict *d) {
  const char *p = d->nohyphen;
  for (int i = 0; i <= d->nohyphenl; i++) p += strlen(p) + 1;
  return (size_t)(p - d->nohyphen);
}

static GByteArray *serialise(const HyphenDict *dict) {
  GByteArray *out = g_byte_array_new();
  uint32_t levels = 0;
  for (const HyphenDict *d = dict; d; d = d->nextlevel) levels++;
  put_u32(out, levels);
  for (const HyphenDict *d = dict; d; d = d->nextlevel) {
    put_i8(out, d->lhmin);
    put_i8(out, d->rhmin);
    put_i8(out, d->clhmin);
    put_i8(out, d->crhmin);
    put_i32(out, d->nohyphenl);
    put_block(out, d->nohyphen, d->nohyphen ? nohyphen_length(d) : 0);
    g_byte_array_append(out, (const guint8 *)d->cset, sizeof d->cset);
    put_i32(out, d->utf8);
    put_i32(out, d->num_states);
    for (int s = 0; s < d->num_states; s++) {
      const HyphenState *st = &d->states[s];
      put_block(out, st->match, st->match ? strlen(st->match) + 1 : 0);
      put_block(out, st->repl, st->repl ? strlen(st->repl) + 1 : 0);
      /* libhyphen reads these only with a replacement, and leaves them
       * uninitialised in the states it makes for prefixes. */
      put_i8(out, st->repl ? st->replindex : 0);
      put_i8(out, st->repl ? st->replcut : 0);
      put_i32(out, st->fallback_state);
      put_i32(out, st->num_trans);
      for (int t = 0; t < st->num_trans; t++) {
        put_i8(out, st->trans[t].ch);
        put_i32(out, st->trans[t].new_state);
      }
    }
  }
  return out;
}

/* ---- Reading ------------------------------------------------------- */

/* A dictionary read from a cache lives in one block, carved in order:
 * the first level's HyphenDict at its start, then states, transitions and
 * strings as they come.  libhyphen's hnj_hyphen_free() would free every
 * piece, so such blocks are listed in `blocks`, and dp_hyphen_cache_free()
 * frees a listed one whole: one free instead of some 30,000. */
static GMutex blocks_lock;
static GHashTable *blocks; /* HyphenDict* that start a block */

typedef struct reader {
  const guint8 *p, *end;
  bool ok;
  char *block;        /* the dictionary's memory */
  size_t used, size;
} reader;

/* `n` bytes of the block, aligned to `align`, zeroed; NULL (and !ok) when
 * it is spent. */
static void *carve(reader *r, size_t n, size_t align) {
  size_t at = (r->used + align - 1) & ~(align - 1);
  if (!r->ok || at > r->size || r->size - at < n) {
    r->ok = false;
    return NULL;
  }
  r->used = at + n;
  return memset(r->block + at, 0, n);
}

static bool take(reader *r, void *out, size_t n) {
  if (!r->ok || (size_t)(r->end - r->p) < n) {
    r->ok = false;
    memset(out, 0, n);
    return false;
  }
  memcpy(out, r->p, n);
  r->p += n;
  return true;
}

static int32_t get_i32(reader *r) {
  int32_t v;
  take(r, &v, sizeof v);
  return v;
}

static uint32_t get_u32(reader *r) {
  uint32_t v;
  take(r, &v, sizeof v);
  return v;
}

static signed char get_i8(reader *r) {
  signed char v;
  take(r, &v, 1);
  return v;
}

/* A block's bytes, copied into the dictionary's memory; its length in
 * *length (may be NULL); NULL for a NULL block.  A block must end with
 * NUL. */
static char *get_block(reader *r, size_t *length) {
  if (length) *length = 0;
  int32_t n = get_i32(r);
  if (!r->ok || n == -1) return NULL;
  if (n < 1 || (size_t)(r->end - r->p) < (size_t)n || r->p[n - 1] != 0) {
    r->ok = false;
    return NULL;
  }
  char *s = carve(r, (size_t)n, 1);
  if (!s) return NULL;
  memcpy(s, r->p, (size_t)n);
  r->p += n;
  if (length) *length = (size_t)n;
  return s;
}

/* A level, or NULL. */
static HyphenDict *read_level(reader *r) {
  HyphenDict *d = carve(r, sizeof *d, _Alignof(HyphenDict));
  if (!d) return NULL;
  d->lhmin = get_i8(r);
  d->rhmin = get_i8(r);
  d->clhmin = get_i8(r);
  d->crhmin = get_i8(r);
  d->nohyphenl = get_i32(r);
  size_t nohyphen = 0;
  d->nohyphen = get_block(r, &nohyphen);
  /* nohyphenl + 1 strings, the last ending the block: as many NULs, and
   * none of them empty (libhyphen would look for "" in every word, and
   * write before its buffer). */
  size_t nuls = 0;
  for (size_t i = 0; i < nohyphen; i++) {
    bool end = d->nohyphen[i] == 0;
    if (end && (i == 0 || d->nohyphen[i - 1] == 0)) r->ok = false;
    nuls += end;
  }
  if (d->nohyphen ? d->nohyphenl < 0 || nuls != (size_t)d->nohyphenl + 1
                  : d->nohyphenl != 0)
    r->ok = false;
  take(r, d->cset, sizeof d->cset);
  d->utf8 = get_i32(r);
  int32_t states = get_i32(r);
  if (!r->ok || states < 1 || states > MAX_STATES ||
      (size_t)(r->end - r->p) / 14 < (size_t)states) {
    /* Each state takes at least 14 bytes: no more can be in the file. */
    r->ok = false;
    return d;
  }
  d->states = carve(r, (size_t)states * sizeof *d->states,
                    _Alignof(HyphenState));
  if (!d->states) return d;
  d->num_states = states;
  for (int s = 0; s < states && r->ok; s++) {
    HyphenState *st = &d->states[s];
    st->match = get_block(r, NULL);
    st->repl = get_block(r, NULL);
    /* Non-standard hyphenation (a replacement, "buss=sjåfør") indexes
     * libhyphen's buffers by numbers only the patterns vouch for: such
     * dictionaries (none of those installed here) are never taken from
     * a cache. */
    if (st->repl) r->ok = false;
    st->replindex = get_i8(r);
    st->replcut = get_i8(r);
    st->fallback_state = get_i32(r);
    int32_t n = get_i32(r);
    if (!r->ok || n < 0 || n > 256 || (size_t)(r->end - r->p) / 5 < (size_t)n) {
      r->ok = false;
      break;
    }
    if (n > 0) {
      st->trans = carve(r, (size_t)n * sizeof *st->trans,
                        _Alignof(HyphenTrans));
      if (!st->trans) break;
      st->num_trans = n;
      for (int t = 0; t < n; t++) {
        st->trans[t].ch = (char)get_i8(r);
        st->trans[t].new_state = get_i32(r);
      }
    }
  }
  return d;
}

/* Whether `d`'s fields are as libhyphen's loader makes them (see the top
 * of the file). */
static bool level_is_sound(const HyphenDict *d) {
  if (d->cset[sizeof d->cset - 1] != 0) return false;
  int n = d->num_states;
  int *depth = g_new(int, (size_t)n);
  bool *dotted = g_new0(bool, (size_t)n); /* its string starts with '.' */
  for (int s = 0; s < n; s++) depth[s] = -1;
  depth[0] = 0;
  /* Breadth first from state 0; states are numbered as created, so a
   * state's prefix usually comes first, but no order is assumed. */
  int *queue = g_new(int, (size_t)n);
  int head = 0, tail = 0;
  queue[tail++] = 0;
  bool sound = true;
  while (head < tail && sound) {
    const HyphenState *st = &d->states[queue[head]];
    int here = depth[queue[head++]];
    for (int t = 0; t < st->num_trans; t++) {
      int next = st->trans[t].new_state;
      if (next <= 0 || next >= n || depth[next] != -1) {
        sound = false; /* out of range, or a second way in */
        break;
      }
      depth[next] = here + 1;
      dotted[next] = here == 0 ? st->trans[t].ch == '.' : dotted[queue[head - 1]];
      queue[tail++] = next;
    }
  }
  for (int s = 0; s < n && sound; s++) {
    const HyphenState *st = &d->states[s];
    int fallback = st->fallback_state;
    if (depth[s] < 0)
      sound = false; /* unreachable */
    else if (s == 0 ? fallback != -1
                    : fallback < 0 || fallback >= n || depth[fallback] >= depth[s])
      sound = false;
    else if (st->match &&
             strlen(st->match) > (size_t)depth[s] + (dotted[s] ? 0 : 1))
      /* A match lines up with the end of its string, one digit before
       * it at most; a string that starts with the word's '.' can stand
       * at the word's start, where that digit would fall outside. */
      sound = false;
  }
  g_free(dotted);
  g_free(queue);
  g_free(depth);
  return sound;
}

static HyphenDict *deserialise(const guint8 *data, size_t length) {
  /* The memory a payload can ask for: a state takes at least 14 bytes
   * of it and a transition 5, a string its own length; so three times
   * the payload, and the levels, bound it.  Pages never written are
   * never resident. */
  size_t size = MAX_LEVELS * (sizeof(HyphenDict) + 16) +
                (length / 14 + 1) * sizeof(HyphenState) +
                (length / 5 + 1) * sizeof(HyphenTrans) + length + 64;
  reader r = {data, data + length, true, g_malloc(size), 0, size};
  HyphenDict *first = NULL;
  uint32_t levels = get_u32(&r);
  if (r.ok && levels >= 1 && levels <= MAX_LEVELS) {
    HyphenDict **link = &first;
    for (uint32_t i = 0; i < levels && r.ok; i++) {
      HyphenDict *d = read_level(&r);
      if (!d) break;
      *link = d;
      link = &d->nextlevel;
      if (r.ok && !level_is_sound(d)) r.ok = false;
    }
    if (r.ok && r.p != r.end) r.ok = false; /* trailing bytes */
  } else {
    r.ok = false;
  }
  if (!r.ok || !first) {
    g_free(r.block);
    return NULL;
  }
  g_mutex_lock(&blocks_lock);
  if (!blocks) blocks = g_hash_table_new(NULL, NULL);
  g_hash_table_add(blocks, first); /* == r.block: carved first */
  g_mutex_unlock(&blocks_lock);
  return first;
}

void dp_hyphen_cache_free(HyphenDict *dict) {
  if (!dict) return;
  g_mutex_lock(&blocks_lock);
  bool whole = blocks && g_hash_table_remove(blocks, dict);
  g_mutex_unlock(&blocks_lock);
  if (whole) g_free(dict);
  else hnj_hyphen_free(dict);
}

/* ---- The cache file ------------------------------------------------ */

/* What identifies the dictionary's contents without reading them. */
static char *source_key(const char *path) {
  GStatBuf st;
  if (g_stat(path, &st) != 0) return NULL;
  return g_strdup_printf("%s\n%lld\n%lld.%09ld\n%llu\n%llu", path,
                         (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                         (long)st.st_mtim.tv_nsec,
                         (unsigned long long)st.st_ino,
                         (unsigned long long)st.st_dev);
}

static char *cache_path(const char *dir, const char *key) {
  char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
  char *name = g_strdup_printf("%.32s.hyph", hash);
  char *path = g_build_filename(dir, name, NULL);
  g_free(name);
  g_free(hash);
  return path;
}

/* The header's fixed part: magic, byte order, payload length and CRC,
 * key length. */
#define HEADER_FIXED (8 + 4 * 4)

static HyphenDict *read_cache(const char *file, const char *key) {
  gchar *data = NULL;
  gsize length = 0;
  if (!g_file_get_contents(file, &data, &length, NULL)) return NULL;
  HyphenDict *dict = NULL;
  size_t key_length = strlen(key);
  if (length >= HEADER_FIXED && !memcmp(data, MAGIC, 8)) {
    uint32_t order, payload, crc, stored_key;
    memcpy(&order, data + 8, 4);
    memcpy(&payload, data + 12, 4);
    memcpy(&crc, data + 16, 4);
    memcpy(&stored_key, data + 20, 4);
    const guint8 *body = (const guint8 *)data + HEADER_FIXED + key_length;
    if (order == BYTE_ORDER_MARK && stored_key == key_length &&
        length - HEADER_FIXED >= key_length &&
        !memcmp(data + HEADER_FIXED, key, key_length) &&
        payload == length - HEADER_FIXED - key_length &&
        crc32(0L, body, payload) == crc)
      dict = deserialise(body, payload);
  }
  g_free(data);
  return dict;
}

/* Writes the cache beside its final name, then renames it into place:
 * a reader sees the old file or the new one, never half of one. */
static void write_cache(const char *dir, const char *file, const char *key,
                        const HyphenDict *dict) {
  if (g_mkdir_with_parents(dir, 0700) != 0) return;
  GByteArray *payload = serialise(dict);
  if (payload->len > MAX_PAYLOAD) {
    g_byte_array_free(payload, TRUE);
    return;
  }
  GByteArray *out = g_byte_array_new();
  g_byte_array_append(out, (const guint8 *)MAGIC, 8);
  put_u32(out, BYTE_ORDER_MARK);
  put_u32(out, payload->len);
  put_u32(out, (uint32_t)crc32(0L, payload->data, payload->len));
  put_u32(out, (uint32_t)strlen(key));
  g_byte_array_append(out, (const guint8 *)key, (guint)strlen(key));
  g_byte_array_append(out, payload->data, payload->len);
  g_byte_array_free(payload, TRUE);
  char *temp = g_strdup_printf("%s.XXXXXX", file);
  int fd = g_mkstemp_full(temp, O_WRONLY, 0600);
  if (fd >= 0) {
    const guint8 *p = out->data;
    size_t left = out->len;
    bool ok = true;
    while (left > 0 && ok) {
      ssize_t n = write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) p += n, left -= (size_t)n;
    }
    ok = close(fd) == 0 && ok;
    if (!ok || g_rename(temp, file) != 0) g_unlink(temp);
  }
  g_free(temp);
  g_byte_array_free(out, TRUE);
}

HyphenDict *dp_hyphen_cache_load_in(const char *path, const char *dir,
                                    bool *from_cache) {
  if (from_cache) *from_cache = false;
  char *key = dir ? source_key(path) : NULL;
  char *file = key ? cache_path(dir, key) : NULL;
  HyphenDict *dict = file ? read_cache(file, key) : NULL;
  if (dict) {
    if (from_cache) *from_cache = true;
  } else {
    dict = hnj_hyphen_load(path);
    if (dict && file) write_cache(dir, file, key, dict);
  }
  g_free(file);
  g_free(key);
  return dict;
}

HyphenDict *dp_hyphen_cache_load(const char *path) {
  char *dir = g_build_filename(g_get_user_cache_dir(), "disputas", "hyphen",
                               NULL);
  HyphenDict *dict = dp_hyphen_cache_load_in(path, dir, NULL);
  g_free(dir);
  return dict;
}
