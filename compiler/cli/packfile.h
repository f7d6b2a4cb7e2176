/*
 * packfile.h - reading a pack file for the disasm and info commands.
 */
#ifndef VG_CLI_PACKFILE_H
#define VG_CLI_PACKFILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads the whole file ("-" = stdin) into a malloc'd buffer (vg_free).
 * Returns NULL and prints a message on failure, also for files larger than
 * VG_CLI_MAX_PACK bytes (an endless stream cannot exhaust memory). */
#define VG_CLI_MAX_PACK (256u << 20)
uint8_t *vg_cli_read_file(const char *prog, const char *path, size_t *len);

#endif
