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
#include "cli/cliopt.h"
#include "vigil/compiler.h"

static const vg_cli_cmd CMD = {
    "describe", "[OPTIONS] PATH...",
    "Describes the loaded rules as falco -L does (--format json: Falco's "
    "JSON).",
    VG_CLI_LOADING | VG_CLI_FORMAT | VG_CLI_NEED_PATHS, NULL, NULL};

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
           "  output: %s\n",
           json_string_value(json_object_get(info, "name")),
           json_string_value(json_object_get(info, "priority")),
           json_string_value(json_object_get(info, "source")),
           json_is_true(json_object_get(info, "enabled")) ? "true" : "false",
           json_string_value(json_object_get(det, "condition_compiled")),
           json_string_value(json_object_get(det, "output_compiled")));
    /* append_output extra fields, as Falco's JSON lists the formatted
     * ones */
    json_t *xf = json_object_get(det, "extra_output_formatted_fields");
    const char *k;
    json_t *v;
    const char *sep = "  extra fields: ";
    json_object_foreach(xf, k, v) {
      printf("%s%s=%s", sep, k, json_string_value(v));
      sep = ", ";
    }
    printf("%s\n", json_object_size(xf) ? "\n" : "");
  }
  json_decref(root);
}

int vg_cmd_describe(int argc, char **argv) {
  vg_cli cli;
  int rc = vg_cli_parse(&cli, &CMD, NULL, argc, argv);
  if (rc != VG_CLI_GO)
    goto out;
  rc = 2;
  const vg_loadargs *la = &cli.la;
  /* paths without .yaml/.yml files are skipped, as Falco does: then there
   * is simply nothing to check */
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vg_loadargs_options(la, &o);
  vigil_compiler *c;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK)
    goto out;
  bool ok = true;
  for (size_t i = 0; i < la->nfiles; i++) {
    vigil_status st = vigil_compiler_load_file(c, la->files[i]);
    if (st == VIGIL_E_IO) {
      fprintf(stderr, "vigil describe: cannot read '%s'\n", la->files[i]);
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
  if (cli.json)
    printf("%s\n", s);
  else
    print_text(s);
  free(s);
  vigil_compiler_free(c);
  rc = 0;
out:
  vg_cli_fini(&cli);
  return rc;
}
