/* PLACEHOLDER until the info command lands: replace this whole file. */
#include <stdio.h>

#include "cli/cmds.h"

int vg_cmd_info(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil info: not available in this build\n");
  return 2;
}
