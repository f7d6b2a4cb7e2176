/*
 * cmd_disasm.c - `vigil disasm PACK`: loads and verifies a pack (fields
 * unbound) and prints its tables and every rule's bytecode (cli.md). Also
 * home of the pack-file helpers of packfile.h, which info and run share.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "back/back.h"
#include "cli/cliopt.h"
#include "cli/cmds.h"
#include "cli/packfile.h"
#include "util/alloc.h"
#include "util/buf.h"

uint8_t *vg_cli_read_file(const char *prog, const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    fprintf(stderr, "vigil %s: %s: %s\n", prog, path, strerror(errno));
    return NULL;
  }
  size_t cap = 65536, n = 0;
  uint8_t *b = vg_malloc(cap);
  while (b) {
    size_t r = fread(b + n, 1, cap - n, f);
    n += r;
    if (n < cap)
      break;
    if (cap >= VG_CLI_MAX_PACK) {
      fprintf(stderr, "vigil %s: %s: larger than %u bytes (pack file size "
                      "limit)\n", prog, path, (unsigned)VG_CLI_MAX_PACK);
      vg_free(b);
      if (f != stdin)
        fclose(f);
      return NULL;
    }
    uint8_t *nb = vg_realloc(b, cap * 2);
    if (!nb) {
      vg_free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap *= 2;
  }
  bool bad = ferror(f);
  if (f != stdin)
    fclose(f);
  if (!b || bad) {
    fprintf(stderr, "vigil %s: %s: %s\n", prog, path,
            b ? "read error" : "out of memory");
    vg_free(b);
    return NULL;
  }
  *len = n;
  return b;
}

int vg_cli_pack_command(const vg_cli_cmd *cmd, int argc, char **argv,
                        vg_cli_pack_show show, bool bad_on_stdout) {
  const char *path;
  int rc = vg_cli_parse_one(cmd, NULL, argc, argv, &path);
  if (rc != VG_CLI_GO)
    return rc;
  size_t len;
  uint8_t *bytes = vg_cli_read_file(cmd->name, path, &len);
  if (!bytes)
    return 2;
  vigil_program *p;
  char err[512];
  vigil_status st = vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                       sizeof err);
  if (st != VIGIL_OK) {
    if (bad_on_stdout)
      printf("%s: invalid pack: %s (%s)\n", path, err,
             vigil_status_str(st));
    else
      fprintf(stderr, "vigil %s: %s: %s\n", cmd->name, path, err);
    vg_free(bytes);
    return 1;
  }
  vg_buf o;
  vg_buf_init(&o);
  show(p, bytes, len, &o);
  fwrite(o.ptr ? o.ptr : "", 1, o.len, stdout);
  vg_buf_fini(&o);
  vigil_program_free(p);
  vg_free(bytes);
  return 0;
}

static void show_disasm(const vigil_program *p, const uint8_t *bytes,
                        size_t len, vg_buf *out) {
  (void)bytes;
  (void)len;
  vg_back_disasm(p, out);
}

static const vg_cli_cmd CMD = {"disasm", "PACK",
                                "Prints the bytecode of a compiled rules "
                                "pack ('-': standard input).",
                                VG_CLI_ONE_ARG, NULL, NULL};

int vg_cmd_disasm(int argc, char **argv) {
  return vg_cli_pack_command(&CMD, argc, argv, show_disasm, false);
}
