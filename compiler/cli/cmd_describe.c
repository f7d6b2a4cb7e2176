/* PLACEHOLDER until the describe command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_describe(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil describe: not available in this build\n");
  return 2;
}
