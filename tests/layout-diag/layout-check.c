/* layout-check: loads one layout and reports its problems.
 *
 *   layout-check LAYOUT
 *
 * LAYOUT is a built-in name or a path, as for `disputas -l`.  Exit
 * status 0 when the layout is valid, 1 when problems were reported, 2 on
 * a usage error.  The layout-diag suite runs it over every broken layout
 * in this folder and compares stderr with NAME.stderr. */
#include <stdio.h>

#include "diag.h"
#include "layout.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: layout-check LAYOUT\n");
    return 2;
  }
  dp_diag *diag = dp_diag_new();
  dp_layout_model *layout = dp_layout_model_load(diag, NULL, argv[1]);
  int status = layout && dp_diag_get_error_count(diag) == 0 ? 0 : 1;
  dp_layout_model_free(layout);
  dp_diag_free(diag);
  return status;
}
