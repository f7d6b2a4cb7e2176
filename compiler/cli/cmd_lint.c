/* PLACEHOLDER until the lint command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_lint(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil lint: not available in this build\n");
  return 2;
}
