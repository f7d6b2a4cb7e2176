/*
 * cmd_describe.c - `vigil describe`: the loaded rules as `falco -L` with
 * JSON output prints them (cli.md). Loading errors are printed compiler
 * style on standard error and make the command fail (exit 1).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "cli/loadargs.h"
#include "vigil/compiler.h"

static void usage(FILE *f) {
  fprintf(f, "usage: vigil describe [--format text|json] [--source S]... "
             "[--plugin NAME[@VER]]...\n"
             "                      [--no-plugins] [-o KEY=VALUE]... "
             "PATH...\n");
}

static void print_text(const char *js) {
  json_error_t e;
  json_t *root = json_loads(js, 0, &e);
  if (!root)
    return;
  json_t *rules = json_object_get(root, "rules");
  size_t i;
  json_t *r;
  json_array_foreach(rules, i, r) {
    json_t *info = json_object_get(r, "info");
    json_t *det = json_object_get(r, "details");
    printf("%s\n  priority: %s  source: %s  enabled: %s\n  condition: %s\n"
           "  output: %s\n\n",
           json_string_value(json_object_get(info, "name")),
           json_string_value(json_object_get(info, "priority")),
           json_string_value(json_object_get(info, "source")),
           json_is_true(json_object_get(info, "enabled")) ? "true" : "false",
           json_string_value(json_object_get(det, "condition_compiled")),
           json_string_value(json_object_get(det, "output_compiled")));
  }
  json_decref(root);
}

int vg_cmd_describe(int argc, char **argv) {
  vg_loadargs la;
  memset(&la, 0, sizeof la);
  bool json = false;
  int rc = 2;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int r = vg_loadargs_option(&la, argc, argv, &i);
    if (r < 0)
      goto out;
    if (r > 0)
      continue;
    if (!strcmp(a, "--format")) {
      if (i + 1 >= argc) {
        usage(stderr);
        goto out;
      }
      const char *f = argv[++i];
      if (!strcmp(f, "json"))
        json = true;
      else if (!strcmp(f, "text"))
        json = false;
      else {
        fprintf(stderr, "vigil describe: unknown format '%s'\n", f);
        goto out;
      }
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      rc = 0;
      goto out;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "vigil describe: unknown option '%s'\n", a);
      usage(stderr);
      goto out;
    } else if (vg_loadargs_path(&la, a) < 0) {
      goto out;
    }
  }
  if (!la.nfiles) {
    usage(stderr);
    goto out;
  }
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vg_loadargs_options(&la, &o);
  vigil_compiler *c;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK)
    goto out;
  bool ok = true;
  for (size_t i = 0; i < la.nfiles; i++) {
    vigil_status st = vigil_compiler_load_file(c, la.files[i]);
    if (st == VIGIL_E_IO) {
      fprintf(stderr, "vigil describe: cannot read '%s'\n", la.files[i]);
      vigil_compiler_free(c);
      goto out;
    }
    if (st != VIGIL_OK)
      ok = false;
  }
  if (vigil_compiler_finish(c) != VIGIL_OK)
    ok = false;
  if (!ok) {
    for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
      const vigil_load_result *r = vigil_compiler_result(c, i);
      if (!r)
        continue;
      for (size_t k = 0; k < r->nerrors; k++) {
        char *t = NULL;
        if (vigil_diag_render_text(c, &r->errors[k], &t) == VIGIL_OK) {
          fputs(t, stderr);
          free(t);
        }
      }
    }
    vigil_compiler_free(c);
    rc = 1;
    goto out;
  }
  char *s = NULL;
  if (vigil_compiler_describe_json(c, &s) != VIGIL_OK) {
    vigil_compiler_free(c);
    goto out;
  }
  if (json)
    printf("%s\n", s);
  else
    print_text(s);
  free(s);
  vigil_compiler_free(c);
  rc = 0;
out:
  vg_loadargs_free(&la);
  return rc;
}
