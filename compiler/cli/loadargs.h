/*
 * loadargs.h - command-line inputs shared by the commands that load rule
 * files (cli.md "Inputs shared by lint, compile, describe, run, check"):
 * PATH... with directory expansion, --source, --plugin NAME[@VER],
 * --no-plugins, -o KEY=VALUE. Owned by the loader work.
 */
#ifndef VG_CLI_LOADARGS_H
#define VG_CLI_LOADARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/compiler.h"

typedef struct vg_loadargs {
  char **files; /* expanded, in load order */
  size_t nfiles;
  const char **sources;
  size_t nsources;
  vigil_plugin_spec *plugins;
  size_t nplugins;
  bool no_plugins;
} vg_loadargs;

/*
 * Tries to consume the option at argv[*i] (advancing *i past its value).
 * Returns 1 if consumed, 0 if not a shared option, -1 on a usage error
 * (message printed to stderr).
 */
int vg_loadargs_option(vg_loadargs *la, int argc, char **argv, int *i);
/* Adds a PATH (expanding a directory); -1 when it cannot be read. */
int vg_loadargs_path(vg_loadargs *la, const char *path);
void vg_loadargs_free(vg_loadargs *la);
/* Fills compiler options from the arguments. */
void vg_loadargs_options(const vg_loadargs *la, vigil_compiler_options *o);

#endif
