/* PLACEHOLDER until the compile command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_compile(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil compile: not available in this build\n");
  return 2;
}
