/*
 * packfile.h - reading a pack file for the disasm, info and run commands,
 * and the common body of disasm and info.
 */
#ifndef VG_CLI_PACKFILE_H
#define VG_CLI_PACKFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cliopt.h"
#include "util/buf.h"
#include "vigil/program.h"

/* Reads the whole file ("-" = stdin) into a malloc'd buffer (vg_free).
 * Returns NULL and prints a message on failure, also for files larger than
 * VG_CLI_MAX_PACK bytes (an endless stream cannot exhaust memory). */
#define VG_CLI_MAX_PACK (256u << 20)
uint8_t *vg_cli_read_file(const char *prog, const char *path, size_t *len);

/* Writes what a pack command prints about a loaded pack (bytes[0..len) is
 * its file). */
typedef void (*vg_cli_pack_show)(const vigil_program *p,
                                 const uint8_t *bytes, size_t len,
                                 vg_buf *out);

/* `vigil disasm` and `vigil info`: parses argv for cmd (one PACK), reads
 * and loads the pack (fields unbound) and prints what show writes; returns
 * the exit status. A pack that does not load or verify exits 1, reported
 * on standard error, or with bad_on_stdout as the output itself (info's
 * summary of an invalid pack). */
int vg_cli_pack_command(const vg_cli_cmd *cmd, int argc, char **argv,
                        vg_cli_pack_show show, bool bad_on_stdout);

#endif
