/* PLACEHOLDER until the run command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_run(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil run: not available in this build\n");
  return 2;
}
