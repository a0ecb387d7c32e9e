/* context: the state one thread shares between documents (see
 * dp_context in disputas.h).  Internal modules reach the diagnostics sink
 * and lazily loaded resources through it. */
#ifndef DP_CONTEXT_H
#define DP_CONTEXT_H

#include "diag.h"
#include "text.h"

struct dp_context {
  dp_diag *diag;
  dp_text *text;  /* fonts and dictionaries, loaded on first render */
};

#endif
