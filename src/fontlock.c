/* fontlock: see fontlock.h. */
#include "fontlock.h"

#include <glib.h>

static GMutex lock;

void dp_fonts_lock(void) { g_mutex_lock(&lock); }

void dp_fonts_unlock(void) { g_mutex_unlock(&lock); }
