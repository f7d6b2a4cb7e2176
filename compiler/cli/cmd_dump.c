/* PLACEHOLDER until the dump command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_dump(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil dump: not available in this build\n");
  return 2;
}
