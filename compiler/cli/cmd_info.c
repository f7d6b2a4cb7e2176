/*
 * cmd_info.c - `vigil info PACK`: a summary of a pack's header, sections,
 * sizes, checksum and rules (cli.md). A pack that fails to load or verify
 * is reported with the loader's message and exit status 1.
 */
#include "back/back.h"
#include "cli/cmds.h"
#include "cli/packfile.h"

static const vg_cli_cmd CMD = {"info", "PACK",
                                "Summarises a compiled rules pack: "
                                "sections, sizes, checksum, rules.",
                                VG_CLI_ONE_ARG, NULL, NULL};

int vg_cmd_info(int argc, char **argv) {
  return vg_cli_pack_command(&CMD, argc, argv, vg_back_info, true);
}
