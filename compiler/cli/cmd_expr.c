/* PLACEHOLDER until the expr command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_expr(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil expr: not available in this build\n");
  return 2;
}
