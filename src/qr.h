/* qr: QR codes through libqrencode, as a module matrix for vector drawing. */
#ifndef DP_QR_H
#define DP_QR_H

#include <stdbool.h>
#include <stddef.h>

/* Longest payload accepted: a QR code holds at most 2,953 bytes at level
 * L; anything near that is unreadable from a poster anyway. */
#define DP_QR_MAX_PAYLOAD 1024

/* Modules around the code that must stay light (the standard's 4). */
#define DP_QR_QUIET_ZONE 4

typedef struct dp_qr {
  int size;               /* modules a side, without the quiet zone */
  unsigned char *dark;    /* size × size, row major, 1 = dark */
} dp_qr;

/* Encodes `payload` (UTF-8) at error-correction `level` (0 L, 1 M, 2 Q,
 * 3 H).  NULL when it is empty, longer than DP_QR_MAX_PAYLOAD or cannot
 * be encoded.  Free with dp_qr_free(). */
dp_qr *dp_qr_encode(const char *payload, int level);
void dp_qr_free(dp_qr *qr);

#endif
