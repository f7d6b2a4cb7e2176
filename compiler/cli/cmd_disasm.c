/* PLACEHOLDER until the disasm command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_disasm(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil disasm: not available in this build\n");
  return 2;
}
