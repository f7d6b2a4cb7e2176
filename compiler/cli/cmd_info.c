/*
 * cmd_info.c - `vigil info PACK`: a summary of a pack's header, sections,
 * sizes, checksum and rules (cli.md). A pack that fails to load or verify
 * is reported with the loader's message and exit status 1.
 */
#include <stdio.h>
#include <string.h>

#include "back/back.h"
#include "cli/cliopt.h"
#include "cli/cmds.h"
#include "cli/packfile.h"
#include "util/alloc.h"
#include "util/buf.h"

static const vg_cli_cmd CMD = {"info", "PACK",
                                "Summarises a compiled rules pack: "
                                "sections, sizes, checksum, rules.",
                                VG_CLI_ONE_ARG, NULL, NULL};

int vg_cmd_info(int argc, char **argv) {
  const char *path;
  int rc = vg_cli_parse_one(&CMD, NULL, argc, argv, &path);
  if (rc != VG_CLI_GO)
    return rc;
  size_t len;
  uint8_t *bytes = vg_cli_read_file("info", path, &len);
  if (!bytes)
    return 2;
  vigil_program *p;
  char err[512];
  vigil_status st = vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                       sizeof err);
  if (st != VIGIL_OK) {
    printf("%s: invalid pack: %s (%s)\n", path, err,
           vigil_status_str(st));
    vg_free(bytes);
    return 1;
  }
  vg_buf o;
  vg_buf_init(&o);
  vg_back_info(p, bytes, len, &o);
  fwrite(o.ptr ? o.ptr : "", 1, o.len, stdout);
  vg_buf_fini(&o);
  vigil_program_free(p);
  vg_free(bytes);
  return 0;
}
