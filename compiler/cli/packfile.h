/*
 * packfile.h - reading a pack file for the disasm and info commands.
 */
#ifndef VG_CLI_PACKFILE_H
#define VG_CLI_PACKFILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads the whole file ("-" = stdin) into a malloc'd buffer (vg_free).
 * Returns NULL and prints a message on failure. */
uint8_t *vg_cli_read_file(const char *prog, const char *path, size_t *len);

#endif
