/*
 * loadargs.h - command-line inputs shared by the commands that load rule
 * files (cli.md "Inputs shared by lint, compile, describe, run, check"):
 * PATH... with directory expansion, --source, --plugin NAME[@VER],
 * --no-plugins, -o KEY=VALUE. Parsed by cli/cliopt.c; owned by the cli
 * helper.
 */
#ifndef VG_CLI_LOADARGS_H
#define VG_CLI_LOADARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/appendout.h"
#include "vigil/compiler.h"

typedef struct vg_loadargs {
  char **files; /* expanded, in load order */
  size_t nfiles;
  const char **sources;
  size_t nsources;
  vigil_plugin_spec *plugins;
  size_t nplugins;
  bool no_plugins;
  vg_aout aout; /* -o append_output... (zero = none given) */
} vg_loadargs;

/* --source NAME and --plugin NAME[@VERSION]: 0, or -1 out of memory. The
 * strings are borrowed from argv (the plugin name is copied). */
int vg_loadargs_source(vg_loadargs *la, const char *name);
int vg_loadargs_plugin(vg_loadargs *la, const char *spec);
/* -o KEY=VALUE: whether KEY is a configuration key vigil knows (cli.md:
 * unknown keys are an error). */
bool vg_loadargs_config_known(const char *kv);
/* -o KEY=VALUE for the keys that change loading (append_output...): 0,
 * or -1 after a message naming the command prog. Other keys: 0. */
int vg_loadargs_config(vg_loadargs *la, const char *prog, const char *kv);
/* Adds a PATH (expanding a directory); -1 when it cannot be read, after a
 * message naming the command prog. */
int vg_loadargs_path(vg_loadargs *la, const char *prog, const char *path);
void vg_loadargs_free(vg_loadargs *la);
/* Fills compiler options from the arguments. */
void vg_loadargs_options(const vg_loadargs *la, vigil_compiler_options *o);

#endif
