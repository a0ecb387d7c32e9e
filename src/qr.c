/* qr: see qr.h. */
#include "qr.h"

#include <glib.h>
#include <qrencode.h>
#include <string.h>

dp_qr *dp_qr_encode(const char *payload, int level) {
  size_t length = strlen(payload);
  if (length == 0 || length > DP_QR_MAX_PAYLOAD) return NULL;
  static const QRecLevel levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q,
                                     QR_ECLEVEL_H};
  /* 8-bit mode keeps URLs exactly as written (case included). */
  QRcode *code = QRcode_encodeData((int)length, (const unsigned char *)payload,
                                   0, levels[CLAMP(level, 0, 3)]);
  if (!code) return NULL;
  dp_qr *qr = g_new0(dp_qr, 1);
  qr->size = code->width;
  qr->dark = g_malloc((size_t)code->width * (size_t)code->width);
  for (int i = 0; i < code->width * code->width; i++)
    qr->dark[i] = code->data[i] & 1;
  QRcode_free(code);
  return qr;
}

void dp_qr_free(dp_qr *qr) {
  if (!qr) return;
  g_free(qr->dark);
  g_free(qr);
}
